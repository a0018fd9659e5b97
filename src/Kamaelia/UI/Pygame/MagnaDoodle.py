"""A drawing board: draw with the left mouse button, wipe with the right.

Example Usage
-------------
A 400 x 300 board in the middle of the window::

    from Kamaelia.UI.Pygame.MagnaDoodle import MagnaDoodle

    MagnaDoodle(size=(400, 300), position=(312, 234)).run()

How does it work?
-----------------
``MagnaDoodle`` asks the display for a surface of ``size`` (default
200 x 200) and paints it like the toy it is named after: a red frame 10
pixels wide around a drawing area of ``bgcolour``. It listens for the
mouse: while the left button is held down, each movement inside the drawing
area draws a line 3 pixels wide in ``fgcolour`` from the last position to
the new one, and asks the display to redraw. Releasing the button lifts the
pen. A right click wipes the board.

``caption``, ``margin`` and ``msg`` are accepted, as in 1.14, and not
used; ``transparent=True`` makes ``bgcolour`` see-through.

Shutdown: ``producerFinished`` or ``shutdownMicroprocess`` on ``"control"``
is passed on out of ``"signal"``; it then gives its surface back to the
display and ends.

What it does not do: the drawing is kept nowhere but on the surface, and
nothing is sent out of "outbox".
"""

from __future__ import annotations

from typing import Any, Iterator

from Axon.Component import component
from Axon.Ipc import producerFinished, shutdownRequest
from Kamaelia.UI.Pygame._pygame import pygame
from Kamaelia.UI.Pygame._widget import colour, connect, pair, waitBox

__all__ = ["MagnaDoodle"]

#: The frame's colour and width, and the pen's width (1.14's).
FRAME_COLOUR = (255, 0, 0)
FRAME_WIDTH = 10
PEN_WIDTH = 3


class MagnaDoodle(component):
    """MagnaDoodle(caption=None, position=None, margin=8, bgcolour=(124, 124, 124),
    fgcolour=(0, 0, 0), msg=None, transparent=False, size=(200, 200))
    -> new MagnaDoodle component

    - position    -- (x, y) of its top left corner in the window
    - bgcolour    -- (r, g, b) of the drawing area
    - fgcolour    -- (r, g, b) of the pen
    - transparent -- bgcolour is see-through
    - size        -- (w, h) in pixels, frame included (at least 21 x 21)
    - caption, margin, msg -- accepted, not used (as in 1.14)
    """

    Inboxes = {"inbox": "events from the display (lists of pygame events)",
               "control": "producerFinished or shutdownMicroprocess to end",
               "callback": "our surface, from the display"}
    Outboxes = {"outbox": "not used",
                "signal": "the shutdown message, passed on",
                "display_signal": "requests to the display service"}

    def __init__(self, caption: Any = None, position: Any = None, margin: int = 8,
                 bgcolour: Any = (124, 124, 124), fgcolour: Any = (0, 0, 0), msg: Any = None,
                 transparent: bool = False, size: Any = (200, 200)) -> None:
        super().__init__()
        self.backgroundColour = colour("MagnaDoodle", "bgcolour", bgcolour)
        self.foregroundColour = colour("MagnaDoodle", "fgcolour", fgcolour)
        self.margin = margin
        self.size = pair("MagnaDoodle", "size", size, 2 * FRAME_WIDTH + 1)
        self.oldpos: tuple[int, int] | None = None
        self.drawing = False
        self.innerRect = pygame.Rect(FRAME_WIDTH, FRAME_WIDTH, self.size[0] - 2 * FRAME_WIDTH,
                                     self.size[1] - 2 * FRAME_WIDTH)
        self.eventMsg = ("CLICK", self.id) if msg is None else msg
        self.display: Any = None
        self.disprequest: dict[str, Any] = {
            "DISPLAYREQUEST": True,
            "callback": (self, "callback"),
            "events": (self, "inbox"),
            "size": self.size,
            "transparency": self.backgroundColour if transparent else None,
        }
        if position is not None:
            self.disprequest["position"] = pair("MagnaDoodle", "position", position, None)

    def waitBox(self, boxname: str) -> Iterator[int]:
        """Generator: yields (paused) until a message waits on inbox ``boxname``."""
        return waitBox(self, boxname)

    def drawBG(self) -> None:
        """Paint the frame and an empty drawing area."""
        self.display.fill(FRAME_COLOUR)
        self.display.fill(self.backgroundColour, self.innerRect)

    def main(self) -> Iterator[int]:
        connect(self, "display_signal")
        self.send(self.disprequest, "display_signal")
        yield from self.waitBox("callback")
        self.display = self.recv("callback")
        self.drawBG()
        self.blitToSurface()
        for kind in (pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP, pygame.MOUSEMOTION):
            self.send({"ADDLISTENEVENT": kind, "surface": self.display}, "display_signal")
        while True:
            if self._handleEvents():
                self.blitToSurface()
            request = shutdownRequest(self)
            if request is not None:
                break
            if not self.anyReady():
                self.pause()
            yield 1
        self.send(request, "signal")
        self.send(producerFinished(self, self.display), "display_signal")
        yield 1

    def _handleEvents(self) -> bool:
        """Obey the events waiting (a method, so that none stays bound in main
        while it sleeps); True if the board changed."""
        changed = False
        for events in self.Inbox("inbox"):
            for event in events:
                changed = self._handle(event) or changed
        return changed

    def _handle(self, event: Any) -> bool:
        """Obey one mouse event; True if the board changed."""
        if event.type == pygame.MOUSEBUTTONDOWN:
            if event.button == 1:
                self.drawing = True
                self.oldpos = event.pos if self.innerRect.collidepoint(event.pos) else None
            elif event.button == 3:
                self.oldpos = None
                self.drawBG()
                return True
        elif event.type == pygame.MOUSEBUTTONUP and event.button == 1:
            self.drawing = False
            self.oldpos = None
        elif event.type == pygame.MOUSEMOTION and self.drawing:
            if not self.innerRect.collidepoint(event.pos):
                self.oldpos = None          # off the board: lift the pen
                return False
            if self.oldpos is not None:
                pygame.draw.line(self.display, self.foregroundColour, self.oldpos,
                                 event.pos, PEN_WIDTH)
                self.oldpos = event.pos
                return True
            self.oldpos = event.pos
        return False

    def blitToSurface(self) -> None:
        """Ask the display to redraw (the drawing is on the surface already)."""
        self.send({"REDRAW": True, "surface": self.display}, "display_signal")


__kamaelia_components__ = (MagnaDoodle,)
