"""A pygame application inside a component: draw each frame, handle events.

Example Usage
-------------
::

    import pygame
    from Kamaelia.UI.MH.PyGameApp import PyGameApp

    class Spot(PyGameApp):
        def initialiseComponent(self):
            self.spot = (100, 100)
            self.addHandler(pygame.MOUSEBUTTONDOWN, self.moveSpot)

        def moveSpot(self, event):
            self.spot = event.pos

        def mainLoop(self):
            self.screen.fill((255, 255, 255))
            pygame.draw.circle(self.screen, (200, 0, 0), self.spot, 10)
            return 1

    Spot((800, 600), caption="Click to move the spot").run()

How does it work?
-----------------
Subclass ``PyGameApp`` and override:

* ``initialiseComponent()`` -- called once the surface is there (set up
  state, call ``addHandler``);
* ``mainLoop()`` -- called once per frame: draw on ``self.screen`` (a pygame
  surface of ``screensize``). Do not loop in it.

``PyGameApp(screensize, ...)`` asks the display service for a surface of
``screensize`` (at ``position``; ``transparency`` makes a colour
see-through; ``fullscreen`` switches the window to full screen; ``caption``
becomes the window's title). ``addHandler(eventtype, handler)`` subscribes
to a pygame event type; each event of that type is passed to its handlers
in the order they were added, until one returns a true value (it "claimed"
the event). ``removeHandler(eventtype, handler)`` takes one away.
``events()`` yields the events that have arrived, one at a time.

Each frame: the events that arrived are dispatched, ``mainLoop()`` is
called, and the display is asked to redraw. Frames come ``fps`` times a
second (a class attribute, default 30), timed by the scheduler; 1.14 drew
as fast as it could, using a whole core. ``pygame.display.flip()`` is not
called here: the display service draws the window.

Shutdown: closing the window (``QUIT``) or calling ``quit()`` ends it, as
does ``producerFinished`` or ``shutdownMicroprocess`` on ``"control"``
(passed on out of ``"signal"``; otherwise it sends ``producerFinished``).
The surface is given back to the display. ``go()`` runs ``main`` without
a scheduler, as in 1.14 (it needs a display service run by some scheduler
to get anywhere).
"""

from __future__ import annotations

from typing import Any, Callable, Iterator

from Axon.Component import component
from Axon.Ipc import producerFinished, shutdownRequest
from Kamaelia.UI.Pygame._pygame import pygame
from Kamaelia.UI.Pygame._widget import connect, pair, waitBox
from Kamaelia.Util._arguments import positiveNumber

__all__ = ["PyGameApp"]


class PyGameApp(component):
    """PyGameApp(screensize, caption="PyGame Application", fullscreen=False, depth=0,
    transparency=None, position=None) -> new PyGameApp component (subclass it)

    - screensize   -- (w, h) of its surface
    - caption      -- the window's title
    - fullscreen   -- switch the window to full screen
    - depth        -- accepted, not used (1.14's colour depth)
    - transparency -- None, or an (r, g, b) colour to make see-through
    - position     -- None, or (x, y) of the surface in the window
    """

    Inboxes = {"inbox": "not used",
               "control": "producerFinished or shutdownMicroprocess to end",
               "events": "events from the display (lists of pygame events)",
               "displaycontrol": "our surface, from the display"}
    Outboxes = {"signal": "the shutdown message when it ends",
                "outbox": "not used",
                "displaysignal": "requests to the display service"}

    #: Frames a second: how often mainLoop() is called.
    fps = 30

    def __init__(self, screensize: Any, caption: str = "PyGame Application",
                 fullscreen: bool = False, depth: int = 0, transparency: Any = None,
                 position: Any = None) -> None:
        super().__init__()
        self.screensize = pair(type(self).__name__, "screensize", screensize, 1)
        self.caption = caption
        self.fullscreen = bool(fullscreen)
        self.depth = depth
        self.transparency = transparency
        self.position = None if position is None else pair(type(self).__name__, "position",
                                                           position, None)
        self.eventHandlers: dict[int, list[Callable[[Any], Any]]] = {}
        self.flip = False
        self.quitting = False
        positiveNumber(type(self).__name__, "fps", self.fps)

    def waitBox(self, boxname: str) -> Iterator[int]:
        """Generator: yields (paused) until a message waits on inbox ``boxname``."""
        return waitBox(self, boxname)

    def main(self) -> Iterator[int]:
        """Get the surface, then run frames until quitting. Do not override."""
        connect(self, "displaysignal")
        request = {"DISPLAYREQUEST": True, "events": (self, "events"),
                   "callback": (self, "displaycontrol"), "transparency": self.transparency,
                   "size": self.screensize, "fullscreen": self.fullscreen}
        if self.position is not None:
            request["position"] = self.position
        self.send(request, "displaysignal")
        yield from self.waitBox("displaycontrol")
        self.screen = self.recv("displaycontrol")
        self.send({"CAPTION": self.caption}, "displaysignal")
        self.screensize = self.screen.get_size()
        self.addHandler(pygame.QUIT, self.quit)
        self.flip = True
        self.initialiseComponent()
        ending: Any = None
        while not self.quitting:
            self._dispatch()
            ending = shutdownRequest(self)
            if ending is not None or self.quitting:
                break
            self.mainLoop()
            self.send({"REDRAW": True, "surface": self.screen}, "displaysignal")
            self.pause(1.0 / self.fps)
            yield 1
        self.send(producerFinished(self, self.screen), "displaysignal")
        self.send(ending if ending is not None else producerFinished(self), "signal")

    def initialiseComponent(self) -> None:
        """Called once the surface is there. Stub: override."""

    def go(self) -> None:
        """Run ``main`` to its end without a scheduler (1.14's)."""
        for _ in self.main():
            pass

    def mainLoop(self) -> Any:
        """Called once per frame: draw on ``self.screen``. Stub: override."""
        return 1

    def events(self) -> Iterator[Any]:
        """Generator: the events waiting on "events", one at a time."""
        for bundle in self.Inbox("events"):
            yield from bundle

    def _dispatch(self) -> None:
        """Give each waiting event to its handlers, until one claims it."""
        for event in self.events():
            for handler in list(self.eventHandlers.get(event.type, ())):
                if handler(event):
                    break

    def addHandler(self, eventtype: int, handler: Callable[[Any], Any]) -> Callable[[Any], Any]:
        """Call ``handler(event)`` for each event of ``eventtype``; returns handler."""
        if eventtype not in self.eventHandlers:
            self.eventHandlers[eventtype] = []
            self.send({"ADDLISTENEVENT": eventtype, "surface": self.screen}, "displaysignal")
        self.eventHandlers[eventtype].append(handler)
        return handler

    def removeHandler(self, eventtype: int, handler: Callable[[Any], Any]) -> None:
        """Stop calling ``handler`` for ``eventtype`` (nothing if it was not added)."""
        handlers = self.eventHandlers.get(eventtype, [])
        if handler in handlers:
            handlers.remove(handler)

    def quit(self, event: Any = None) -> bool:
        """End the application (the QUIT handler)."""
        self.quitting = True
        return True


__kamaelia_components__ = (PyGameApp,)
