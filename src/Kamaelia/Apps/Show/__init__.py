"""Kamaelia.Apps.Show: ``kamaelia show``, a presentation tool built from Kamaelia components.

Example Usage
-------------
::

    $ pip install 'kamaelia[ui]'
    $ kamaelia show talk.pdf                 # a PDF: one slide per page
    $ kamaelia show slides/ --timer 20       # a folder of images, a 20 minute countdown
    $ kamaelia show --help                   # every key and option

Space, Right or a left click: next slide; Left, Backspace or a right click:
back; Home/End; Tab: an overview of every slide, to jump to any; a number
then Enter: that slide; F: full screen; Q or Escape: quit. The page
``docs/show.md`` has the rest, and what was taken from Impressive and pdfpc.

How does it work?
-----------------
The modules, from the bottom up (pure logic first, as every app here):

* ``slides`` -- where slides come from: a folder of images (Pillow) or
  a PDF (PyMuPDF), rendered lazily at the size asked, cached.
* ``deck`` -- the show's state (current slide, overview, typed number,
  blank screen), the key and click tables, the presenter timer, and the
  layout maths (fit keeping aspect, HiDPI, the thumbnail grid). Plain
  values only: no pygame.
* ``components`` -- ``Presenter`` (the window: draws slides, the
  overview and the counter and timer), ``ShowInput`` (keys, clicks,
  resizes as messages) and ``ShowDisplay`` (a pygame display whose canvas
  follows the window, so slides are drawn for the screen's real pixels).
* ``main`` -- the wiring (a Graphline of the two components on the
  display service) and the ``kamaelia show`` command.

Kamaelia 1.14 had ``Kamaelia.Apps.Show`` too, holding only
``GraphSlides`` (slides of topology graphs, for 1.14's ``Tools/Show.py``),
which needs the physics graph visualiser; it is not here yet.
"""
