"""Dispatch pygame events to methods named after them.

Example Usage
-------------
React to key presses and mouse buttons by overriding the methods::

    from Kamaelia.UI.Pygame.EventHandler import EventHandler

    class Reporter(EventHandler):
        def __init__(self):
            super().__init__(trace=False)

        def keydown(self, unicode, key, mod, where):
            print(f"key {unicode!r} pressed in {where}")

        def mousebuttondown(self, pos, button, where):
            print(f"button {button} pressed at {pos}")

    handler = Reporter()
    for event in events:                 # e.g. a list the display sent
        handler.dispatch(event, "my window")

How does it work?
-----------------
``dispatch(event, where)`` calls the method for the event's type with the
event's attributes and ``where`` (any value saying where it came from):
``quit(where)``, ``active(gain, state, where)``, ``keydown(unicode, key,
mod, where)``, ``keyup(key, mod, where)``, ``mousemotion(pos, rel, buttons,
where)``, ``mousebuttonup(pos, button, where)``, ``mousebuttondown(pos,
button, where)``, ``joyaxismotion(joy, axis, value, where)``,
``joyballmotion(joy, ball, rel, where)``, ``joyhatmotion(joy, hat, value,
where)``, ``joybuttonup(joy, button, where)``, ``joybuttondown(joy, button,
where)``, ``videoresize(size, where)``, ``videoexpose(where)`` and
``userevent(code, where)``. Other event types are ignored.

The methods here do nothing but, when ``trace`` is true (the default, as in
1.14), print the event to standard output.

It is a plain object, not a component: call it from a component that
receives events (``PyGameApp``, or any display listener).
"""

from __future__ import annotations

from typing import Any

from Kamaelia.UI.Pygame._pygame import pygame

__all__ = ["EventHandler"]


def _joystick(event: Any) -> Any:
    # pygame 2 names the joystick instance_id; "joy" is kept for old code.
    return getattr(event, "joy", getattr(event, "instance_id", None))


class EventHandler:
    """EventHandler(trace=1) -> new EventHandler

    - trace -- print each event the stub methods receive (default true)
    """

    def __init__(self, trace: Any = 1) -> None:
        self.trace = trace
        self._table = {
            pygame.QUIT: lambda e, w: self.quit(w),
            pygame.ACTIVEEVENT: lambda e, w: self.active(e.gain, e.state, w),
            pygame.KEYDOWN: lambda e, w: self.keydown(getattr(e, "unicode", ""), e.key,
                                                      e.mod, w),
            pygame.KEYUP: lambda e, w: self.keyup(e.key, e.mod, w),
            pygame.MOUSEMOTION: lambda e, w: self.mousemotion(e.pos, e.rel, e.buttons, w),
            pygame.MOUSEBUTTONUP: lambda e, w: self.mousebuttonup(e.pos, e.button, w),
            pygame.MOUSEBUTTONDOWN: lambda e, w: self.mousebuttondown(e.pos, e.button, w),
            pygame.JOYAXISMOTION: lambda e, w: self.joyaxismotion(_joystick(e), e.axis,
                                                                  e.value, w),
            pygame.JOYBALLMOTION: lambda e, w: self.joyballmotion(_joystick(e), e.ball,
                                                                  e.rel, w),
            pygame.JOYHATMOTION: lambda e, w: self.joyhatmotion(_joystick(e), e.hat,
                                                                e.value, w),
            pygame.JOYBUTTONUP: lambda e, w: self.joybuttonup(_joystick(e), e.button, w),
            pygame.JOYBUTTONDOWN: lambda e, w: self.joybuttondown(_joystick(e), e.button, w),
            pygame.VIDEORESIZE: lambda e, w: self.videoresize(e.size, w),
            pygame.VIDEOEXPOSE: lambda e, w: self.videoexpose(w),
            pygame.USEREVENT: lambda e, w: self.userevent(getattr(e, "code", None), w),
        }

    def dispatch(self, event: Any, where: Any) -> None:
        """Call the method for ``event``'s type (nothing for other types)."""
        handler = self._table.get(event.type)
        if handler is not None:
            handler(event, where)

    def _trace(self, name: str, *values: Any) -> None:
        if self.trace:
            print(f"{name}: (", *values, ")")

    def quit(self, where: Any) -> None:
        """QUIT (the window was closed)."""
        self._trace("QUIT")

    def active(self, gain: Any, state: Any, where: Any) -> None:
        """ACTIVEEVENT (the window gained or lost focus)."""
        self._trace("ACTIVE", gain, state)

    def keydown(self, unicode: str, key: int, mod: int, where: Any) -> None:
        """KEYDOWN."""
        self._trace("KEYDOWN", repr(unicode), key, mod)

    def keyup(self, key: int, mod: int, where: Any) -> None:
        """KEYUP."""
        self._trace("KEYUP", key, mod)

    def mousemotion(self, pos: Any, rel: Any, buttons: Any, where: Any) -> None:
        """MOUSEMOTION."""
        self._trace("MOUSEMOTION", pos, rel, buttons)

    def mousebuttonup(self, pos: Any, button: int, where: Any) -> None:
        """MOUSEBUTTONUP."""
        self._trace("MOUSEBUTTONUP", pos, button)

    def mousebuttondown(self, pos: Any, button: int, where: Any) -> None:
        """MOUSEBUTTONDOWN."""
        self._trace("MOUSEBUTTONDOWN", pos, button)

    def joyaxismotion(self, joy: Any, axis: int, value: float, where: Any) -> None:
        """JOYAXISMOTION."""
        self._trace("JOYAXISMOTION", joy, axis, value)

    def joyballmotion(self, joy: Any, ball: int, rel: Any, where: Any) -> None:
        """JOYBALLMOTION."""
        self._trace("JOYBALLMOTION", joy, ball, rel)

    def joyhatmotion(self, joy: Any, hat: int, value: Any, where: Any) -> None:
        """JOYHATMOTION."""
        self._trace("JOYHATMOTION", joy, hat, value)

    def joybuttonup(self, joy: Any, button: int, where: Any) -> None:
        """JOYBUTTONUP."""
        self._trace("JOYBUTTONUP", joy, button)

    def joybuttondown(self, joy: Any, button: int, where: Any) -> None:
        """JOYBUTTONDOWN."""
        self._trace("JOYBUTTONDOWN", joy, button)

    def videoresize(self, size: Any, where: Any) -> None:
        """VIDEORESIZE (the window was resized)."""
        self._trace("VIDEORESIZE", size)

    def videoexpose(self, where: Any) -> None:
        """VIDEOEXPOSE (the window needs redrawing)."""
        self._trace("VIDEOEXPOSE")

    def userevent(self, code: Any, where: Any) -> None:
        """USEREVENT."""
        self._trace("USEREVENT", code)
