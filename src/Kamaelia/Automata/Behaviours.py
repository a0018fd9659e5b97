"""Simple behaviours: components that keep sending values by a simple rule.

Example Usage
-------------
Print the first five angles of a clock's second hand (6 degrees a tick)::

    from Axon.Component import component
    from Kamaelia.Automata.Behaviours import loopingCounter

    class FirstFive(component):
        def main(self):
            for _ in range(5):
                while not self.dataReady("inbox"):
                    self.pause()
                    yield 1
                print(self.recv("inbox"))
            self.send("shutdown", "signal")

    counter, show = loopingCounter(increment=6, modulo=360), FirstFive()
    show.setInboxSize("inbox", 1)                 # let the consumer set the pace
    counter.link((counter, "outbox"), (show, "inbox"))
    counter.link((show, "signal"), (counter, "control"))
    counter.activate()
    show.run()                                    # prints 6, 12, 18, 24, 30

The components:

- ``bouncingFloat(scale_speed)`` -- a value that bounces between 0.05 and
  1.05, moving ``0.1 * scale_speed`` a step (1.14's values; below a speed
  of 0.5, 1.14 stuck at 1.05, ours keeps bouncing);
- ``cartesianPingPong(point, width, height, border)`` -- ``[x, y]`` lists
  that move 10 units a step diagonally and bounce ``border`` inside a
  ``width`` x ``height`` box, starting one step from ``point``;
- ``loopingCounter(increment, modulo=360)`` -- ``increment``, twice that,
  ... modulo ``modulo``;
- ``continuousIdentity(original)`` -- ``original`` again and again;
- ``continuousZero()`` / ``continuousOne()`` -- 0 / 1 again and again.

How does it work?
-----------------
Each component sends one value out of ``"outbox"`` per turn of the
scheduler, from the moment it is activated, with no rate control. If the
destination inbox is full (it has a size limit) it waits, without busy
waiting, until the consumer takes a message, so no value is lost and a
size-limited consumer sets the pace (1.14 raised ``noSpaceInBox`` there).

Control messages, on ``"control"``:

- the string ``"shutdown"``: send ``"shutdown"`` out of ``"signal"`` and end
  (1.14's protocol);
- ``producerFinished`` or ``shutdownMicroprocess``: pass that message on out
  of ``"signal"`` and end (the usual Kamaelia convention, which 1.14 ignored);
- the string ``"pause"``: stop sending until ``"unpause"`` (or a shutdown)
  arrives; the values then carry on from where they left off.

Anything else on ``"control"`` is ignored, as in 1.14. ``"inbox"`` is not
used. They never end by themselves.

``send_one_component`` is their base class, a component (in 1.14 it was
another name for ``Axon.Component.component``); a subclass only needs a
``values()`` generator.
"""

from __future__ import annotations

from numbers import Real
from typing import Any, Generator, Iterator, Sequence

from Axon.AxonExceptions import noSpaceInBox
from Axon.Component import component
from Kamaelia._shutdown import SHUTDOWN_MESSAGES

__all__ = ["send_one_component", "bouncingFloat", "cartesianPingPong", "loopingCounter",
           "continuousIdentity", "continuousZero", "continuousOne"]

def _number(owner: str, name: str, value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{owner}: {name} must be a number, not {value!r}")
    return value


class send_one_component(component):
    """Base class of these components: sends ``self.values()`` one per turn and
    obeys the control protocol above (1.14's name; there it was ``component``)."""

    Inboxes = {"inbox": "not used",
               "control": '"shutdown", "pause", "unpause", producerFinished or '
                          'shutdownMicroprocess'}
    Outboxes = {"outbox": "the values, one per turn",
                "signal": '"shutdown" (or the shutdown message received) when ending'}

    def values(self) -> Iterator[Any]:
        """The values to send, in order (an endless generator)."""
        raise NotImplementedError

    def main(self) -> Iterator[Any]:
        """Send a value, obey "control", hand back control; for ever."""
        for value in self.values():
            if (yield from self._sendWhenThereIsRoom(value)):
                return
            if (yield from self._obeyControl()):
                return
            yield 1

    def _sendWhenThereIsRoom(self, value: Any) -> Generator[Any, None, bool]:
        """Send ``value``, waiting while the destination is full; True if told to end."""
        while True:
            try:
                self.send(value, "outbox")
                return False
            except noSpaceInBox:
                if (yield from self._obeyControl()):
                    return True
                self.pause()            # woken when the consumer takes a message
                yield 1

    def _obeyControl(self) -> Generator[Any, None, bool]:
        """Act on what waits on "control"; stay here while paused. True: ended."""
        paused = False
        while True:
            paused = self._readControl(paused)
            if paused is None:
                return True
            if not paused:
                return False
            self.pause()
            yield 1

    def _readControl(self, paused: bool) -> bool | None:
        """Take what waits on "control": None if told to end (the message is
        passed on), else whether to stay paused."""
        while self.dataReady("control"):
            message = self.recv("control")
            if isinstance(message, SHUTDOWN_MESSAGES):
                self.send(message, "signal")
                return None
            if isinstance(message, str):
                if message == "shutdown":
                    self.send("shutdown", "signal")
                    return None
                if message == "pause":
                    paused = True
                elif message == "unpause":
                    paused = False
        return paused


class bouncingFloat(send_one_component):
    """bouncingFloat(scale_speed) -> component sending a value bouncing between 0.05 and 1.05

    - scale_speed -- the value moves ``0.1 * scale_speed`` a step (1.0: tenths)
    """

    def __init__(self, scale_speed: float) -> None:
        super().__init__()
        self.scale_speed = _number("bouncingFloat", "scale_speed", scale_speed)

    def values(self) -> Iterator[float]:
        scale, direction = 1.0, 1
        while True:
            step = 0.1 * self.scale_speed * direction
            scale = scale + step
            # Turn only when moving past an end: 1.14 also turned when moving
            # away from it, so speeds below 0.5 stuck at 1.05 for ever.
            if scale > 1.0 and step > 0:
                scale, direction = 1.05, -direction
            if scale < 0.1 and step < 0:
                scale, direction = 0.05, -direction
            yield scale


class cartesianPingPong(send_one_component):
    """cartesianPingPong(point, width, height, border) -> component sending bouncing [x, y] lists

    - point          -- where to start, an (x, y) pair (a list or a tuple; not changed)
    - width, height  -- the size of the area
    - border         -- how far inside the edges the point bounces
    """

    def __init__(self, point: Sequence[float], width: float, height: float,
                 border: float) -> None:
        super().__init__()
        try:
            x, y = point
        except (TypeError, ValueError):
            raise TypeError(f"cartesianPingPong: point must be an (x, y) pair, "
                            f"not {point!r}") from None
        # 1.14 moved the caller's list itself (and failed on a tuple); we
        # move a copy, so the caller's point stays where it was.
        self.point = [_number("cartesianPingPong", "point[0]", x),
                      _number("cartesianPingPong", "point[1]", y)]
        self.width = _number("cartesianPingPong", "width", width)
        self.height = _number("cartesianPingPong", "height", height)
        self.border = _number("cartesianPingPong", "border", border)

    def values(self) -> Iterator[list[float]]:
        point, delta_x, delta_y = self.point, 10, 10
        while True:
            point[0] += delta_x
            point[1] += delta_y
            if point[0] > self.width - self.border:
                delta_x = -10
            if point[0] < self.border:
                delta_x = 10
            if point[1] > self.height - self.border:
                delta_y = -10
            if point[1] < self.border:
                delta_y = 10
            yield list(point)


class loopingCounter(send_one_component):
    """loopingCounter(increment[, modulo]) -> component sending a count that wraps round

    - increment -- added each step
    - modulo    -- the count wraps back past zero on reaching this (default 360)
    """

    def __init__(self, increment: float, modulo: float = 360) -> None:
        super().__init__()
        self.increment = _number("loopingCounter", "increment", increment)
        self.modulo = _number("loopingCounter", "modulo", modulo)
        if modulo == 0:
            raise ValueError(f"loopingCounter: modulo must not be zero, not {modulo!r}")

    def values(self) -> Iterator[float]:
        total = 0
        while True:
            total = (total + self.increment) % self.modulo
            yield total


class continuousIdentity(send_one_component):
    """continuousIdentity(original) -> component sending ``original`` for ever

    Further positional arguments are accepted and ignored, as in 1.14.
    """

    def __init__(self, original: Any, *args: Any) -> None:
        super().__init__()
        self.original = original

    def values(self) -> Iterator[Any]:
        while True:
            yield self.original


class continuousZero(send_one_component):
    """continuousZero() -> component sending 0 for ever

    Positional arguments are accepted and ignored, as in 1.14.
    """

    def __init__(self, *args: Any) -> None:
        super().__init__()

    def values(self) -> Iterator[int]:
        while True:
            yield 0


class continuousOne(send_one_component):
    """continuousOne() -> component sending 1 for ever

    Positional arguments are accepted and ignored, as in 1.14.
    """

    def __init__(self, *args: Any) -> None:
        super().__init__()

    def values(self) -> Iterator[int]:
        while True:
            yield 1


__kamaelia_components__ = (bouncingFloat, cartesianPingPong, loopingCounter,
                           continuousIdentity, continuousZero, continuousOne)
