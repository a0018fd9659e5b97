"""Routers: send each message to the outboxes whose rule it passes.

Example Usage
-------------
Audio one way, everything else another, as 1.14's whiteboard did::

    from Kamaelia.Chassis.Graphline import Graphline
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.Console import ConsoleEchoer
    from Kamaelia.Util.PureTransformer import PureTransformer
    from Kamaelia.Apps.Whiteboard.Routers import Router

    Graphline(
        SOURCE=DataSource([["SOUND", "..."], ["LINE", "0", "0", "0", "1", "1", "2", "2"]]),
        ROUTER=Router((lambda T: T[0] == "SOUND", "audio"),
                      (lambda T: T[0] != "SOUND", "whiteboard")),
        AUDIO=PureTransformer(lambda T: f"audio {T}\\n"),
        BOARD=PureTransformer(lambda T: f"board {T}\\n"),
        OUT=ConsoleEchoer(),
        linkages={("SOURCE", "outbox"): ("ROUTER", "inbox"),
                  ("SOURCE", "signal"): ("ROUTER", "control"),
                  ("ROUTER", "audio"): ("AUDIO", "inbox"),
                  ("ROUTER", "whiteboard"): ("BOARD", "inbox"),
                  ("ROUTER", "signal"): ("AUDIO", "control"),
                  ("AUDIO", "signal"): ("BOARD", "control"),
                  ("AUDIO", "outbox"): ("OUT", "inbox"),
                  ("BOARD", "outbox"): ("OUT", "inbox"),
                  ("BOARD", "signal"): ("OUT", "control")},
    ).run()                      # prints the audio line and the board line

How does it work?
-----------------
``Router((rule, destination), ...)`` has an outbox named after each
``destination`` (as well as ``"outbox"`` and ``"signal"``). Each message
arriving on ``"inbox"`` is offered to every rule in order, and sent out of
the destination of each rule that returns a true value: to several, or to
none (then it is dropped, as in 1.14). A rule that raises counts as false
for that message and is logged as an error (logger
``Kamaelia.Apps.Whiteboard.Routers``, naming the component, the message
and the destination). 1.14 added the destinations to the class's
``Outboxes``, so every Router gained every other Router's outboxes; here
each Router has its own.

``ConditionalSplitter()`` sends each message out of ``"true"`` if
``condition(message)`` is true, else out of ``"false"``; subclasses override
``condition``, and may override ``true(data)`` / ``false(data)``, the
methods that send. An exception from ``condition`` is logged and the
message skipped.

Shutdown: on ``producerFinished`` or ``shutdownMicroprocess`` on
``"control"`` both first route everything already waiting, then pass that
same message on out of ``"signal"`` and end. (1.14's Router sent a new
``producerFinished``; its ConditionalSplitter had no ``"signal"`` outbox
and never ended. This one has a ``"signal"`` outbox.) Other messages on
``"control"`` are logged and ignored.

``TwoWaySplitter`` is exported here too, as in 1.14 (see
:mod:`Kamaelia.Apps.Whiteboard.TwoWaySplitter`).
"""

from __future__ import annotations

import logging
from typing import Any, Callable, Iterator

from Axon.Component import component
from Kamaelia._shutdown import runUntilShutdown
from Kamaelia.Util._stream import shortRepr
from Kamaelia.Apps.Whiteboard.TwoWaySplitter import TwoWaySplitter

__all__ = ["Router", "ConditionalSplitter", "TwoWaySplitter"]

log = logging.getLogger(__name__)


class Router(component):
    """Router(*(rule, destination)) -> sends each message out of the destination of
    every rule it passes

    - rule        -- a function of the message; true means "send it here"
    - destination -- the name of the outbox for those messages
    """

    Inboxes = {"inbox": "messages to route", "control": "shutdown signalling"}
    Outboxes = {"outbox": "not used", "signal": "shutdown signalling"}

    def __init__(self, *routing: tuple[Callable[[Any], Any], str], **argd: Any) -> None:
        outboxes = dict(type(self).Outboxes)
        checked = []
        for route in routing:
            try:
                rule, destination = route
            except (TypeError, ValueError):
                raise TypeError(f"Router takes (rule, destination) pairs, "
                                f"not {route!r}") from None
            if not callable(rule) or not isinstance(destination, str):
                raise TypeError(f"Router takes (rule, destination) pairs of a callable "
                                f"and an outbox name, not {route!r}")
            outboxes[destination] = "routing destination"
            checked.append((rule, destination))
        # Per instance: the class's Outboxes stay as they are.
        self.Outboxes = outboxes
        super().__init__(**argd)
        self.routing = tuple(checked)

    def main(self) -> Iterator[Any]:
        request = yield from runUntilShutdown(self, self._routeWaiting)
        self.send(request, "signal")

    def _routeWaiting(self) -> None:
        for message in self.Inbox("inbox"):
            for rule, destination in self.routing:
                try:
                    passed = rule(message)
                except Exception as exc:
                    log.error("%s: the rule for %r failed on %s (%s: %s); not sent there",
                              self.name, destination, shortRepr(message),
                              type(exc).__name__, exc)
                    continue
                if passed:
                    self.send(message, destination)


class ConditionalSplitter(component):
    """ConditionalSplitter() -> sends each message out of "true" or "false", as
    condition(message) says"""

    Inboxes = {"inbox": "messages to split", "control": "shutdown signalling"}
    Outboxes = {"true": "messages for which condition() is true",
                "false": "the others", "signal": "shutdown signalling"}

    def condition(self, data: Any) -> Any:
        """Which way ``data`` goes (override it; default: always "true")."""
        return True

    def true(self, data: Any) -> None:
        """Send ``data`` the "true" way."""
        self.send(data, "true")

    def false(self, data: Any) -> None:
        """Send ``data`` the "false" way."""
        self.send(data, "false")

    def main(self) -> Iterator[Any]:
        request = yield from runUntilShutdown(self, self._splitWaiting)
        self.send(request, "signal")

    def _splitWaiting(self) -> None:
        for message in self.Inbox("inbox"):
            try:
                passed = self.condition(message)
            except Exception as exc:
                log.error("%s: condition() failed on %s (%s: %s); that message was skipped",
                          self.name, shortRepr(message), type(exc).__name__, exc)
                continue
            if passed:
                self.true(message)
            else:
                self.false(message)


__kamaelia_components__ = (Router, ConditionalSplitter)
