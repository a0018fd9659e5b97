"""A button with a different message for each mouse button.

Example Usage
-------------
One button; left, middle and right clicks (and the wheel) say which::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.UI.Pygame.Multiclick import Multiclick
    from Kamaelia.Util.Console import ConsoleEchoer

    msgs = [None, "left\\n", "middle\\n", "right\\n", "wheel up\\n", "wheel down\\n"]
    Pipeline(Multiclick(caption="Click with any mouse button", msgs=msgs,
                        position=(20, 20)),
             ConsoleEchoer()).run()

How does it work?
-----------------
Like ``Kamaelia.UI.Pygame.Button``: it asks the display for a surface,
paints its caption and listens for mouse presses. A press of mouse button
``n`` inside it sends ``msgs[n]`` out of ``"outbox"`` (pygame numbers the
buttons from 1: left 1, middle 2, right 3, wheel 4 and 5, so a list's
first entry is never used). A button with no entry (past the end of the
list, or not in a dict of button number to message) is ignored. Without
``msgs`` every button sends ``msg`` (default ``("CLICK", id)``).

Unlike ``Button``, the background is see-through by default
(``transparent=True``, as in 1.14), so only the caption shows; the caption
sits ``margin`` pixels from the top left corner.

Shutdown: ``producerFinished`` or ``shutdownMicroprocess`` on ``"control"``
is passed on out of ``"signal"``; it then gives its surface back to the
display and ends. (1.14's ended without passing the message on.)
"""

from __future__ import annotations

from typing import Any, Iterator

from Axon.Component import component
from Axon.Ipc import producerFinished, shutdownRequest
from Kamaelia.UI.Pygame._pygame import pygame
from Kamaelia.UI.Pygame._widget import clicked, colour, connect, pair, waitBox

__all__ = ["Multiclick"]


class Multiclick(component):
    """Multiclick(caption=None, position=None, margin=8, bgcolour=(224, 224, 224),
    fgcolour=(0, 0, 0), msg=None, msgs=None, transparent=True, size=None)
    -> new Multiclick component

    - caption     -- the text on it (default "Button <id>")
    - position    -- (x, y) of its top left corner in the window
    - margin      -- pixels between the caption and the edge (default 8)
    - bgcolour    -- (r, g, b) fill colour
    - fgcolour    -- (r, g, b) caption colour
    - msg         -- what any click sends when there are no msgs (default ("CLICK", id))
    - msgs        -- msgs[n] is sent for mouse button n (a list or a dict)
    - transparent -- the background colour is see-through (default True)
    - size        -- (w, h) in pixels (default: to fit the caption)
    """

    Inboxes = {"inbox": "events from the display (lists of pygame events)",
               "control": "producerFinished or shutdownMicroprocess to end",
               "callback": "our surface, from the display"}
    Outboxes = {"outbox": "the message for the mouse button clicked",
                "signal": "the shutdown message, passed on",
                "display_signal": "requests to the display service"}

    def __init__(self, caption: Any = None, position: Any = None, margin: int = 8,
                 bgcolour: Any = (224, 224, 224), fgcolour: Any = (0, 0, 0), msg: Any = None,
                 msgs: Any = None, transparent: bool = True, size: Any = None) -> None:
        super().__init__()
        self.backgroundColour = colour("Multiclick", "bgcolour", bgcolour)
        self.foregroundColour = colour("Multiclick", "fgcolour", fgcolour)
        if isinstance(margin, bool) or not isinstance(margin, int) or margin < 0:
            raise ValueError(f"Multiclick: margin must be an int >= 0, not {margin!r}")
        self.margin = margin
        self.size = None if size is None else pair("Multiclick", "size", size, 1)
        self.msgs = msgs
        self.caption = f"Button {self.id}" if caption is None else str(caption)
        self.display: Any = None
        pygame.font.init()
        self.buildCaption(self.caption)
        self.eventMsg = ("CLICK", self.id) if msg is None else msg
        self.disprequest: dict[str, Any] = {
            "DISPLAYREQUEST": True,
            "callback": (self, "callback"),
            "events": (self, "inbox"),
            "size": self.size,
            "transparency": self.backgroundColour if transparent else None,
        }
        if position is not None:
            self.disprequest["position"] = pair("Multiclick", "position", position, None)

    def buildCaption(self, text: str) -> None:
        """Render ``text`` into ``self.image``; size the button to fit if no size."""
        font = pygame.font.Font(None, 14)
        self.image = font.render(text, True, self.foregroundColour)
        width, height = self.image.get_size()
        if self.size is None:
            self.size = (width + 2 * self.margin, height + 2 * self.margin)
        self.imagePosition = (self.margin, self.margin)

    def waitBox(self, boxname: str) -> Iterator[int]:
        """Generator: yields (paused) until a message waits on inbox ``boxname``."""
        return waitBox(self, boxname)

    def main(self) -> Iterator[int]:
        connect(self, "display_signal")
        self.send(self.disprequest, "display_signal")
        yield from self.waitBox("callback")
        self.display = self.recv("callback")
        self.blitToSurface()
        self.send({"ADDLISTENEVENT": pygame.MOUSEBUTTONDOWN, "surface": self.display},
                  "display_signal")
        while True:
            self._handleEvents()
            request = shutdownRequest(self)
            if request is not None:
                break
            if not self.anyReady():
                self.pause()
            yield 1
        self.send(request, "signal")
        self.send(producerFinished(self, self.display), "display_signal")
        yield 1

    def _handleEvents(self) -> None:
        # A method, so that no event stays bound in main while it sleeps.
        for events in self.Inbox("inbox"):
            for event in events:
                if clicked(event, self.display):
                    self._click(event.button)

    def _click(self, button: int) -> None:
        if self.msgs is None:
            self.send(self.eventMsg, "outbox")
            return
        try:
            message = self.msgs[button]
        except (IndexError, KeyError):
            return                      # nothing for this mouse button
        self.send(message, "outbox")

    def blitToSurface(self) -> None:
        """Paint the background and caption on the surface; ask for a redraw."""
        self.display.fill(self.backgroundColour)
        self.display.blit(self.image, self.imagePosition)
        self.send({"REDRAW": True, "surface": self.display}, "display_signal")


__kamaelia_components__ = (Multiclick,)
