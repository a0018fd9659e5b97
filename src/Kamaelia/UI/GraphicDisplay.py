"""Kamaelia 1.14's neutral name for the display service: the pygame one.

Example Usage
-------------
::

    from Kamaelia.UI.GraphicDisplay import PygameDisplay
    service = PygameDisplay.getDisplayService()

How does it work?
-----------------
``PygameDisplay`` is ``Kamaelia.UI.Pygame.Display.PygameDisplay`` (1.14's
widgets imported it from here). ``have_pygame`` is True and ``have_opengl``
False: there is no OpenGL display yet. Unlike ``Kamaelia.UI.PygameDisplay``
this module was never deprecated, so importing it logs nothing.
"""

from Kamaelia.UI.Pygame.Display import PygameDisplay

__all__ = ["PygameDisplay", "have_pygame", "have_opengl"]

have_pygame = True
have_opengl = False

__kamaelia_components__ = ()
