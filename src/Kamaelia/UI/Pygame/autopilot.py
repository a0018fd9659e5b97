"""Autopilot: clicks and key presses by program, for demonstrations and tests.

Example Usage
-------------
Click a button twice, print what the window shows after each click, then
close the window (which ends the program)::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.UI.Pygame.autopilot import Autopilot, click, close, report
    from Kamaelia.UI.Pygame.Button import Button
    from Kamaelia.Util.Console import ConsoleEchoer

    Button(caption="Next", position=(10, 10)).activate()
    Pipeline(Autopilot([report(lambda window: f"corner: {window.get_at((0, 0))}\\n"),
                        click((15, 15)), click((15, 15)), close()]),
             ConsoleEchoer()).run()

How does it work?
-----------------
``Autopilot(steps)`` waits until the display service has drawn its first
frame with nothing more to draw, then plays the steps one at a time:

* ``click(pos, button=1)`` -- a mouse button press and release at ``pos``
  (window coordinates), put in pygame's event queue like the user's;
* ``press(key, text="")`` -- a key press and release (``key`` a pygame key
  code, ``text`` the character it types);
* ``report(function)`` -- ``function(window)`` is called with the window's
  surface and what it returns is sent out of ``"outbox"`` (nothing if None);
* ``close()`` -- the window's close button (pygame's ``QUIT``): with nobody
  listening for it, the display stops the whole system;
* ``pause(seconds)`` -- wait (for a person watching).

After putting events in pygame's queue it tells the display so (on its
``"events"`` inbox), so that they are taken at once even from an idle
window. After each step it waits until the display has taken pygame's events three
more times and has nothing left to redraw: what the step caused has then
happened and is on the window. When the steps are done it sends
``producerFinished`` out of ``"signal"`` and ends.

It needs a display service (it makes none) and plays until told otherwise:
``shutdownMicroprocess`` on ``"control"`` stops it at once (passed on).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterator, Sequence

from Axon.Component import component
from Axon.CoordinatingAssistantTracker import coordinatingassistanttracker
from Axon.Ipc import producerFinished, shutdownMicroprocess
from Kamaelia.UI.Pygame.Display import SERVICE_NAME
from Kamaelia.UI.Pygame._pygame import pygame

__all__ = ["Autopilot", "click", "press", "report", "close", "pause"]

#: How often the autopilot looks at the display while it waits (seconds).
LOOK_EVERY = 0.01


@dataclass(frozen=True)
class _Step:
    kind: str
    value: Any = None
    extra: Any = None


def click(pos: tuple[int, int], button: int = 1) -> _Step:
    """A mouse click at ``pos`` (window coordinates)."""
    return _Step("click", tuple(pos), button)


def press(key: int, text: str = "") -> _Step:
    """A key press and release."""
    return _Step("press", key, text)


def report(function: Callable[[Any], Any]) -> _Step:
    """Send ``function(window surface)`` out of "outbox" (unless it is None)."""
    return _Step("report", function)


def close() -> _Step:
    """Close the window (pygame's QUIT event)."""
    return _Step("close")


def pause(seconds: float) -> _Step:
    """Wait ``seconds``."""
    return _Step("pause", float(seconds))


class Autopilot(component):
    """Autopilot(steps) -> new Autopilot component: plays steps on the display

    - steps -- click(...), press(...), report(...), close() and pause(...) steps
    """

    Inboxes = {"inbox": "not used", "control": "shutdownMicroprocess stops it"}
    Outboxes = {"outbox": "what report steps return",
                "signal": "producerFinished when done (or the shutdown, passed on)",
                "_wake": "to the display's 'events' inbox: events are waiting"}

    def __init__(self, steps: Sequence[_Step]) -> None:
        super().__init__()
        steps = list(steps)
        for step in steps:
            if not isinstance(step, _Step):
                raise TypeError(f"Autopilot: each step must be made by click(), press(), "
                                f"report(), close() or pause(), not {step!r}")
        self.steps = steps

    def _display(self) -> Any:
        try:
            return coordinatingassistanttracker.getcat().retrieveService(SERVICE_NAME)[0]
        except KeyError:
            return None

    def _stopped(self) -> bool:
        for message in self.Inbox("control"):
            if isinstance(message, shutdownMicroprocess):
                self.send(message, "signal")
                return True
        return False

    def _settled(self) -> Iterator[int]:
        """Yield until the display exists, has had three event rounds since now and
        has nothing to redraw."""
        display = self._display()
        while display is None or display.statistics().frames == 0:
            self.pause(LOOK_EVERY)
            yield 1
            display = self._display()
        rounds = display.statistics().eventRounds
        while display.statistics().eventRounds < rounds + 3 or display.needsRedrawing:
            self.pause(LOOK_EVERY)
            yield 1

    def _post(self, *events: Any) -> None:
        """Put ``events`` in pygame's queue and tell the display to take them now."""
        for event in events:
            pygame.event.post(event)
        self.send(True, "_wake")

    def main(self) -> Iterator[int]:
        yield from self._settled()
        self.link((self, "_wake"), (self._display(), "events"))
        for step in self.steps:
            if self._stopped():
                return
            if step.kind == "click":
                self._post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=step.value,
                                              button=step.extra),
                           pygame.event.Event(pygame.MOUSEBUTTONUP, pos=step.value,
                                              button=step.extra))
            elif step.kind == "press":
                self._post(*(pygame.event.Event(kind, key=step.value, unicode=step.extra,
                                                mod=0, scancode=0)
                             for kind in (pygame.KEYDOWN, pygame.KEYUP)))
            elif step.kind == "close":
                self._post(pygame.event.Event(pygame.QUIT))
                self.send(producerFinished(self), "signal")
                return
            elif step.kind == "pause":
                self.pause(step.value)
                yield 1
            elif step.kind == "report":
                if pygame.display.get_init() and pygame.display.get_surface() is not None:
                    result = step.value(pygame.display.get_surface())
                    if result is not None:
                        self.send(result, "outbox")
            yield from self._settled()
        self.send(producerFinished(self), "signal")


__kamaelia_components__ = (Autopilot,)
