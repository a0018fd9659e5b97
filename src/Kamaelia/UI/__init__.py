"""Kamaelia.UI: components with a face: windows, buttons, images, text, drawing.

Example Usage
-------------
A clickable UI: each click on the button is printed::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.UI.Pygame.Button import Button
    from Kamaelia.Util.Console import ConsoleEchoer
    from Kamaelia.Util.PureTransformer import PureTransformer

    Pipeline(Button(caption="Click me", msg="clicked", position=(20, 20)),
             PureTransformer(lambda msg: msg + "\\n"),
             ConsoleEchoer()).run()

Packages
--------
* ``Kamaelia.UI.Pygame`` -- the pygame window (``Display``) and widgets
  (``Button``, ``Image``, ``Ticker``, ``Text``, ``KeyEvent``, ``Multiclick``,
  ``MagnaDoodle``, ``VideoSurface``, ``VideoOverlay``) and ``EventHandler``.
  Needs the ``ui`` extra: ``pip install 'kamaelia[ui]'`` (pygame-ce, Pillow).
* ``Kamaelia.UI.MH`` -- ``PyGameApp`` and ``DragHandler``: a small framework
  for a pygame application inside a component.
* ``Kamaelia.UI.Tk`` -- ``TkWindow``: a Tk window as a component (tkinter,
  from the standard library).
* ``Kamaelia.UI.PygameDisplay`` -- 1.14's old name for
  ``Kamaelia.UI.Pygame.Display.PygameDisplay``
* ``Kamaelia.UI.GraphicDisplay`` -- 1.14's neutral name for the same display

See ``docs/ui.md`` for how the display loop works and how to run headless.
Kamaelia 1.14's ``Kamaelia.UI.OpenGL`` is not here yet.

Importing this package imports none of them (and not pygame).
"""
