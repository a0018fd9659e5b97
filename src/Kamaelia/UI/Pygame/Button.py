"""A clickable button in the pygame window: it sends a message when clicked.

Example Usage
-------------
Three buttons whose clicks are printed::

    from Axon.Scheduler import scheduler
    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.UI.Pygame.Button import Button
    from Kamaelia.Util.Console import ConsoleEchoer
    from Kamaelia.Util.PureTransformer import PureTransformer
    import pygame       # after Kamaelia.UI, which keeps pygame's banner quiet

    for button in (Button(caption="Press SPACE or click", key=pygame.K_SPACE),
                   Button(caption="Reverse colours", fgcolour=(255, 255, 255),
                          bgcolour=(0, 0, 0), position=(10, 40)),
                   Button(caption="Mary...", msg="Mary had a little lamb",
                          position=(200, 100))):
        Pipeline(button, PureTransformer(lambda msg: f"{msg}\\n"),
                 ConsoleEchoer()).activate()
    scheduler.run.runThreads()

How does it work?
-----------------
The button asks the display service (``Kamaelia.UI.Pygame.Display``) for a
surface of its size at ``position``, paints its caption on it, and asks to
hear mouse button presses (and key presses, if ``key`` is given). A press of
any mouse button inside the button, or the key, sends ``msg`` out of
``"outbox"``: by default ``("CLICK", id)`` with the button's component id.

Without ``size`` the button is as big as its caption plus ``margin`` on
every side; with ``size`` the caption is centred. ``transparent=True``
makes the background colour see-through, leaving only the caption.

Shutdown: ``producerFinished`` or ``shutdownMicroprocess`` on ``"control"``
is passed on out of ``"signal"``; the button then gives its surface back to
the display (it disappears) and ends. Clicks already waiting are sent first.
Other messages on ``"control"`` are logged and ignored.

What it does not do: it does not look pressed, and it has no keyboard focus
(``key`` works wherever the pointer is, as in 1.14).
"""

from __future__ import annotations

from typing import Any, Iterator

from Axon.Component import component
from Axon.Ipc import producerFinished, shutdownRequest
from Kamaelia.UI.Pygame._pygame import pygame
from Kamaelia.UI.Pygame._widget import clicked, colour, connect, pair, waitBox

__all__ = ["Button"]

#: The caption's font size (1.14's).
CAPTION_FONT_SIZE = 14


class Button(component):
    """Button(caption=None, position=None, margin=8, bgcolour=(224, 224, 224),
    fgcolour=(0, 0, 0), msg=None, key=None, transparent=False, size=None)
    -> new Button component

    - caption     -- the text on it (default "Button <id>")
    - position    -- (x, y) of its top left corner in the window (default: the
      display's cascade)
    - margin      -- pixels between the caption and the edge (default 8)
    - bgcolour    -- (r, g, b) fill colour
    - fgcolour    -- (r, g, b) caption colour
    - msg         -- what a click sends (default ("CLICK", id))
    - key         -- a pygame key code (e.g. pygame.K_SPACE) that clicks it too
    - transparent -- if true, the background colour is see-through
    - size        -- (w, h) in pixels (default: to fit the caption)
    """

    Inboxes = {"inbox": "events from the display (lists of pygame events)",
               "control": "producerFinished or shutdownMicroprocess to end",
               "callback": "our surface, from the display"}
    Outboxes = {"outbox": "msg, once per click",
                "signal": "the shutdown message, passed on",
                "display_signal": "requests to the display service"}

    def __init__(self, caption: Any = None, position: Any = None, margin: int = 8,
                 bgcolour: Any = (224, 224, 224), fgcolour: Any = (0, 0, 0), msg: Any = None,
                 key: int | None = None, transparent: bool = False, size: Any = None) -> None:
        super().__init__()
        self.backgroundColour = colour("Button", "bgcolour", bgcolour)
        self.foregroundColour = colour("Button", "fgcolour", fgcolour)
        if isinstance(margin, bool) or not isinstance(margin, int) or margin < 0:
            raise ValueError(f"Button: margin must be an int >= 0, not {margin!r}")
        self.margin = margin
        self.key = key
        self.caption = f"Button {self.id}" if caption is None else str(caption)
        self.size = None if size is None else pair("Button", "size", size, 1)
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
            self.disprequest["position"] = pair("Button", "position", position, None)

    def buildCaption(self, text: str) -> None:
        """Render ``text`` into ``self.image`` and work out where it goes (and the
        button's size, if none was given)."""
        font = pygame.font.Font(None, CAPTION_FONT_SIZE)
        self.image = font.render(text, True, self.foregroundColour)
        width, height = self.image.get_size()
        if not self.size:
            self.size = (width + 2 * self.margin, height + 2 * self.margin)
            self.imagePosition = (self.margin, self.margin)
        else:
            self.imagePosition = ((self.size[0] - width) // 2, (self.size[1] - height) // 2)

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
        if self.key is not None:
            self.send({"ADDLISTENEVENT": pygame.KEYDOWN, "surface": self.display},
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
        self.display.set_alpha(0)
        self.send(producerFinished(self, self.display), "display_signal")
        yield 1

    def _handleEvents(self) -> None:
        for events in self.Inbox("inbox"):
            for event in events:
                if clicked(event, self.display) or (
                        event.type == pygame.KEYDOWN and event.key == self.key):
                    self.send(self.eventMsg, "outbox")

    def blitToSurface(self) -> None:
        """Paint the background and caption on the surface; ask for a redraw."""
        self.display.fill(self.backgroundColour)
        self.display.blit(self.image, self.imagePosition)
        self.send({"REDRAW": True, "surface": self.display}, "display_signal")


__kamaelia_components__ = (Button,)
