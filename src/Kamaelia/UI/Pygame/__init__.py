"""Kamaelia.UI.Pygame: pygame components sharing one window.

Modules
-------
* ``Display`` -- ``PygameDisplay``: the display service owning the window;
  every other component asks it for a surface
* ``Button`` -- ``Button``: sends a message when clicked
* ``Multiclick`` -- ``Multiclick``: a button with a message per mouse button
* ``Image`` -- ``Image``: shows an image; send it another file name to change it
* ``Ticker`` -- ``Ticker``: shows incoming text a word at a time
* ``Text`` -- ``TextDisplayer`` (lines of text, scrolling) and ``Textbox``
  (typed input, sent on Enter)
* ``KeyEvent`` -- ``KeyEvent``: key presses to messages
* ``MagnaDoodle`` -- ``MagnaDoodle``: a drawing board
* ``VideoSurface`` -- ``VideoSurface``: shows RGB video frames
* ``VideoOverlay`` -- ``VideoOverlay``: shows YUV 4:2:0 video frames
* ``EventHandler`` -- ``EventHandler``: dispatch pygame events to methods
* ``sample_slides`` -- ``makeSlides``: draw a few numbered slides, for
  examples and tests
* ``autopilot`` -- ``Autopilot``: clicks and key presses by program, for
  demonstrations and tests

Import each from its module, as in Kamaelia 1.14; importing this package
imports none of them. They need pygame-ce (``pip install 'kamaelia[ui]'``).
"""
