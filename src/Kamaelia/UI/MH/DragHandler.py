"""Click-and-drag in a PyGameApp: subclass DragHandler, say what may be dragged.

Example Usage
-------------
Circles that can be dragged about::

    import pygame
    from Kamaelia.UI.MH import DragHandler, PyGameApp

    class Circle:
        def __init__(self, x, y, radius):
            self.x, self.y, self.radius = x, y, radius

    class CircleDragHandler(DragHandler):
        def __init__(self, event, app, circle):
            self.circle = circle
            super().__init__(event, app)

        def detect(self, pos, button):
            dx, dy = pos[0] - self.circle.x, pos[1] - self.circle.y
            if dx * dx + dy * dy < self.circle.radius ** 2:
                return (self.circle.x, self.circle.y)
            return False

        def drag(self, newx, newy):
            self.circle.x, self.circle.y = newx, newy

        def release(self, newx, newy):
            self.drag(newx, newy)

    class Circles(PyGameApp):
        def initialiseComponent(self):
            self.circles = [Circle(x, 2 * x, 20) for x in range(100, 200, 20)]
            for circle in self.circles:
                self.addHandler(pygame.MOUSEBUTTONDOWN,
                                lambda event, c=circle: CircleDragHandler.handle(event, self, c))

        def mainLoop(self):
            self.screen.fill((255, 255, 255))
            for c in self.circles:
                pygame.draw.circle(self.screen, (255, 128, 128), (c.x, c.y), c.radius)
            return 1

    Circles((800, 600)).run()

How does it work?
-----------------
Register ``YourHandler.handle(event, app, ...)`` (a class method) for
``MOUSEBUTTONDOWN``. It makes a handler object and calls its
``detect(pos, button)``: return ``False`` to ignore the press, or the
``(x, y)`` the drag starts from (e.g. the centre of what was hit). A drag
then begins: the handler adds handlers for ``MOUSEMOTION`` and
``MOUSEBUTTONUP`` to the app; each movement with a button held calls
``drag(newx, newy)`` and the release calls ``release(newx, newy)``, where
``(newx, newy)`` is the start point plus how far the mouse has moved. After
the release the two handlers are removed. ``handle`` returns the handler
while dragging (a true value, so the app's other handlers for that press
are not called) and ``False`` otherwise.

The handler object has ``event`` (the press) and ``app`` (the PyGameApp).
"""

from __future__ import annotations

from typing import Any

from Kamaelia.UI.Pygame._pygame import pygame

__all__ = ["DragHandler"]


class DragHandler:
    """DragHandler(event, app) -> new DragHandler (use the class method handle)

    - event -- the MOUSEBUTTONDOWN event that may start a drag
    - app   -- the PyGameApp it happens in
    """

    @classmethod
    def handle(cls, *arg: Any, **argD: Any) -> "DragHandler | bool":
        """Make a handler with these arguments; start a drag if its detect() says
        so. The handler if dragging, else False."""
        handler = cls(*arg, **argD)
        start = handler.detect(handler.event.pos, handler.event.button)
        if start:
            handler._start(start)
            return handler
        return False

    def __init__(self, event: Any, app: Any) -> None:
        self.app = app
        self.event = event

    def _start(self, centre: Any) -> None:
        """Begin the drag from ``centre``: listen for motion and release."""
        self.startx, self.starty = centre[0], centre[1]
        self.offsetx = centre[0] - self.event.pos[0]
        self.offsety = centre[1] - self.event.pos[1]
        self.mm_handler = self.app.addHandler(
            pygame.MOUSEMOTION, lambda event: self._drag(event.pos, event.buttons))
        self.mu_handler = self.app.addHandler(
            pygame.MOUSEBUTTONUP, lambda event: self._release(event.pos))
        self.isDragging = True

    def detect(self, pos: Any, button: int) -> Any:
        """Whether to drag: the (x, y) to drag from, or False (this stub: False)."""
        return False

    def _drag(self, pos: Any, buttons: Any) -> None:
        if any(buttons):
            self.drag(pos[0] + self.offsetx, pos[1] + self.offsety)
        else:                       # the release happened where we did not see it
            self._release(pos)

    def _release(self, pos: Any) -> None:
        if not getattr(self, "isDragging", False):
            return
        self.isDragging = False
        self.app.removeHandler(pygame.MOUSEMOTION, self.mm_handler)
        self.app.removeHandler(pygame.MOUSEBUTTONUP, self.mu_handler)
        self.release(pos[0] + self.offsetx, pos[1] + self.offsety)

    def drag(self, newx: int, newy: int) -> None:
        """The mouse moved to (newx, newy) (start point + movement). Stub."""

    def release(self, newx: int, newy: int) -> None:
        """The drag ended at (newx, newy). Stub."""
