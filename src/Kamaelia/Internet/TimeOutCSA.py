"""Kamaelia.Internet.TimeOutCSA: connections (or any component) closed when idle.

Example Usage
-------------
A server whose connections are closed after 30 seconds without traffic in
either direction::

    from Kamaelia.Chassis.ConnectedServer import ServerCore
    from Kamaelia.Protocol.EchoProtocol import EchoProtocol

    server = ServerCore(protocol=EchoProtocol, port=0, host="127.0.0.1",
                        connectionOptions={"idleTimeout": 30})
    server.close()

or, around a socket you already have, ``TimeOutCSA(sock, timeout=30)``.

1.14's way, which still works: wrap the component in an
:func:`InactivityChassis`, which sends it ``producerFinished`` when it has
sent nothing for ``timeout`` seconds; here a console reader that gives up
after a second of silence::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Internet.TimeOutCSA import InactivityChassis
    from Kamaelia.Util.Console import ConsoleEchoer, ConsoleReader

    reader = InactivityChassis(ConsoleReader(), timeout=1)
    # Pipeline(reader, ConsoleEchoer()).run()

and, for a server, a TCPServer whose ``CSA`` is such a maker (this is
1.14's ``EchoServer`` below)::

    from Kamaelia.Internet.ConnectedSocketAdapter import ConnectedSocketAdapter
    from Kamaelia.Internet.TCPServer import TCPServer
    from Kamaelia.Internet.TimeOutCSA import NoActivityTimeout

    class IdleClosingTCPServer(TCPServer):
        CSA = NoActivityTimeout(ConnectedSocketAdapter, timeout=2)

How does it work?
-----------------
:class:`TimeOutCSA` is a
:class:`~Kamaelia.Internet.ConnectedSocketAdapter.ConnectedSocketAdapter`
with ``idleTimeout`` set: every read or write notes the time, and one timer
(re-armed for the time remaining, not once per byte) closes the connection
when nothing has happened for ``timeout`` seconds. Its ``howDied`` is then
``"timeout"``; everything else (boxes, shutdown) is as for the adapter.

The 1.14 parts:

* :func:`InactivityChassis(component, timeout=2, debug=False)
  <InactivityChassis>` is a ``Graphline`` of the component (``"OBJ"``), an
  :class:`ActivityMonitor` (``"ACT"``) that passes on what the component
  sends out of ``"outbox"``, ``"CreatorFeedback"`` and ``"signal"`` and says
  ``"RESET"`` each time, and a :class:`ResettableSender` (``"SHUTTERDOWNER"``)
  that sends ``producerFinished`` to the component's ``"control"`` when no
  ``"RESET"`` has come for ``timeout`` seconds. The chassis's ``"inbox"``,
  ``"control"``, ``"ReadReady"`` and ``"SendReady"`` go to the component
  (the last two, and ``"CreatorFeedback"``, if the component has them).
  Only what the component *sends* counts as activity. The chassis ends
  when all three have ended: the ResettableSender ends when it has sent
  its message, so a chassis whose component ended early lingers until then
  (as in 1.14).
* :func:`NoActivityTimeout(someclass, timeout, debug) <NoActivityTimeout>`
  returns a maker for use as a class attribute such as ``TCPServer.CSA``:
  called as a method, ``maker(self, *args, **argd)``, it wraps
  ``someclass(*args, **argd)`` in an InactivityChassis.
  :func:`ExtendedInactivity(someclass) <ExtendedInactivity>` returns
  ``maker(timeout=2, debug=False, *args, **argd)``, for calling directly.
* :class:`PeriodicWakeup` sends ``message`` every ``interval`` seconds;
  :class:`WakeableIntrospector`, woken by a message on ``"inbox"``, ends
  (``producerFinished`` out of ``"signal"``) once only a Graphline, a
  PeriodicWakeup and itself are left running: together they end a system
  whose work is done.
* :class:`EchoServer` is 1.14's demonstration: an echo server on port 1500
  whose connections are closed after 2 idle seconds.

Shutdown
--------
:class:`ActivityMonitor` ends on ``producerFinished`` or ``shutdownCSA`` on
``"control"`` (what a connection's adapter sends when it ends), passing
every control message on out of ``"signal"``. :class:`ResettableSender`
ends when it has sent its message, or at once (sending nothing) on
``shutdownMicroprocess``; it ignores other control messages, as in 1.14.
:class:`PeriodicWakeup` ends on ``producerFinished`` or
``shutdownMicroprocess`` on ``"control"`` (between ticks; it is woken by
the message), passing it on out of ``"signal"``.
"""

from __future__ import annotations

import socket
import time
from typing import Any, Callable, Iterator

from Axon.Component import component
from Axon.Ipc import producerFinished, shutdownMicroprocess
from Axon.ThreadedComponent import threadedcomponent
from Kamaelia.Chassis.ConnectedServer import MoreComplexServer
from Kamaelia.Chassis.Graphline import Graphline
from Kamaelia.IPC import shutdownCSA
from Kamaelia.Internet.ConnectedSocketAdapter import ConnectedSocketAdapter
from Kamaelia.Internet.TCPServer import TCPServer
from Kamaelia.Util._arguments import positiveNumber

__all__ = ["TimeOutCSA", "ResettableSender", "ActivityMonitor", "PeriodicWakeup",
           "WakeableIntrospector", "NoActivityTimeout", "ExtendedInactivity",
           "InactivityChassis", "EchoServer"]


class TimeOutCSA(ConnectedSocketAdapter):
    """TimeOutCSA(sock, selectorService=None, timeout=30, **options) -> an adapter that
    closes the connection after ``timeout`` idle seconds."""

    def __init__(self, listensocket: socket.socket, selectorService: Any = None,
                 timeout: float = 30, **options: Any) -> None:
        positiveNumber(type(self).__name__, "timeout", timeout)
        super().__init__(listensocket, selectorService, idleTimeout=timeout, **options)


class ResettableSender(threadedcomponent):
    """ResettableSender(timeout=5, message="NEXT", debug=False) -> sends ``message``
    once nothing has arrived on "inbox" for ``timeout`` seconds, then ends

    Anything arriving on "inbox" restarts the countdown. With ``debug`` it
    prints ``.`` each second while it waits (as 1.14's did).
    """

    Inboxes = {"inbox": "anything: restart the countdown",
               "control": "shutdownMicroprocess: end without sending; the rest is ignored"}
    Outboxes = {"outbox": "the message, when the time is up", "signal": "not used"}

    timeout: float = 5
    message: Any = "NEXT"
    debug: bool = False

    def main(self) -> None:  # type: ignore[override]  # a thread's blocking main
        now = time.monotonic()
        deadline, nextDot = now + self.timeout, now + 1.0
        while not self._isStopped():
            if self.dataReady("inbox"):
                for _ in self.Inbox("inbox"):
                    pass
                deadline = time.monotonic() + self.timeout
            while self.dataReady("control"):
                if isinstance(self.recv("control"), shutdownMicroprocess):
                    return
            now = time.monotonic()
            if now >= deadline:
                self.send(self.message, "outbox")
                return
            if self.debug and now >= nextDot:
                print(".")
                nextDot += 1.0
            wake = min(deadline, nextDot) if self.debug else deadline
            self.pause(max(0.0, wake - now))


class ActivityMonitor(component):
    """ActivityMonitor() -> passes messages through, saying ``message`` ("RESET")
    out of "observed" each time any arrive

    "inbox", "inbox2", "inbox3" and "control" are passed on out of
    "outbox", "outbox2", "outbox3" and "signal". It ends on
    ``producerFinished`` or ``shutdownCSA`` on "control".
    """

    Inboxes = {"inbox": "passed on out of outbox",
               "inbox2": "passed on out of outbox2",
               "inbox3": "passed on out of outbox3",
               "control": "passed on out of signal; producerFinished or shutdownCSA ends it"}
    Outboxes = {"outbox": "what arrived on inbox",
                "outbox2": "what arrived on inbox2",
                "outbox3": "what arrived on inbox3",
                "signal": "what arrived on control",
                "observed": "the message, each time anything arrives"}

    message: Any = "RESET"

    def main(self) -> Iterator[Any]:
        while True:
            while not self.anyReady():
                self.pause()
                yield 1
            self.send(self.message, "observed")
            if self._passedOn():
                return
            yield 1

    def _passedOn(self) -> bool:
        """Pass on what arrived (in a method, so that ``main`` keeps none of
        it across a ``yield``); True if it was told to finish."""
        for inbox, outbox in (("inbox", "outbox"), ("inbox2", "outbox2"),
                              ("inbox3", "outbox3")):
            for message in self.Inbox(inbox):
                self.send(message, outbox)
        finished = False
        for message in self.Inbox("control"):
            if isinstance(message, (producerFinished, shutdownCSA)):
                finished = True
            self.send(message, "signal")
        return finished


class PeriodicWakeup(threadedcomponent):
    """PeriodicWakeup(interval=300, message="tick") -> sends ``message`` every
    ``interval`` seconds until told to stop"""

    Inboxes = {"inbox": "not used",
               "control": "producerFinished or shutdownMicroprocess: stop (passed on)"}
    Outboxes = {"outbox": "the message, every interval", "signal": "the shutdown message"}

    interval: float = 300
    message: Any = "tick"

    def main(self) -> None:  # type: ignore[override]  # a thread's blocking main
        due = time.monotonic() + self.interval
        while not self.shutdown():
            remaining = due - time.monotonic()
            if remaining <= 0:
                self.send(self.message, "outbox")
                due += self.interval
                continue
            if self._isStopped():
                return
            self.pause(remaining)

    def shutdown(self) -> bool:
        """True (having passed the message on out of "signal") if
        ``producerFinished`` or ``shutdownMicroprocess`` arrived on "control"."""
        while self.dataReady("control"):
            message = self.recv("control")
            if isinstance(message, (producerFinished, shutdownMicroprocess)):
                self.send(message, "signal")
                return True
        return False


class WakeableIntrospector(component):
    """WakeableIntrospector() -> ends (producerFinished out of "signal") once only
    a Graphline, a PeriodicWakeup and itself are left running

    It looks each time something arrives on "inbox" (e.g. a PeriodicWakeup's
    tick), and once when it starts.
    """

    Inboxes = {"inbox": "anything: look again", "control": "not used"}
    Outboxes = {"outbox": "not used", "signal": "producerFinished when the rest has ended"}

    LEFT = ["Graphline", "PeriodicWakeup", "WakeableIntrospector"]

    def main(self) -> Iterator[Any]:
        while True:
            names = sorted(type(mp).__name__ for mp in self.scheduler.listAllThreads()
                           if not mp._isStopped())
            if names == self.LEFT:
                break
            while not self.dataReady("inbox"):
                self.pause()
                yield 1
            for _ in self.Inbox("inbox"):
                pass
        self.send(producerFinished(self), "signal")


def InactivityChassis(somecomponent: Any, timeout: float = 2, debug: bool = False) -> Graphline:
    """InactivityChassis(somecomponent, timeout=2, debug=False) -> ``somecomponent``
    sent ``producerFinished`` once it has sent nothing for ``timeout`` seconds
    (see the module docstring)."""
    positiveNumber("InactivityChassis", "timeout", timeout)
    linkages = {
        ("SHUTTERDOWNER", "outbox"): ("OBJ", "control"),
        ("self", "inbox"): ("OBJ", "inbox"),
        ("self", "control"): ("OBJ", "control"),
        ("OBJ", "outbox"): ("ACT", "inbox"),
        ("OBJ", "signal"): ("ACT", "control"),
        ("ACT", "observed"): ("SHUTTERDOWNER", "inbox"),
        ("ACT", "outbox"): ("self", "outbox"),
        ("ACT", "signal"): ("self", "signal"),
    }
    # A connection's boxes, for a component that has them (any other
    # component can be wrapped too).
    for name in ("ReadReady", "SendReady"):
        if name in somecomponent.inboxes:
            linkages[("self", name)] = ("OBJ", name)
    if "CreatorFeedback" in somecomponent.outboxes:
        linkages[("OBJ", "CreatorFeedback")] = ("ACT", "inbox2")
        linkages[("ACT", "outbox2")] = ("self", "CreatorFeedback")
    return Graphline(OBJ=somecomponent,
                     ACT=ActivityMonitor(),
                     SHUTTERDOWNER=ResettableSender(debug=debug, message=producerFinished(),
                                                    timeout=timeout),
                     linkages=linkages)


def NoActivityTimeout(someclass: Callable[..., Any], timeout: float = 2,
                      debug: bool = False) -> Callable[..., Graphline]:
    """NoActivityTimeout(someclass, timeout=2, debug=False) -> maker(self, *args, **argd)

    For a class attribute (e.g. ``TCPServer.CSA``): called as a method, the
    maker wraps ``someclass(*args, **argd)`` in an :func:`InactivityChassis`.
    """
    positiveNumber("NoActivityTimeout", "timeout", timeout)

    def maker(self: Any, *args: Any, **argd: Any) -> Graphline:
        return InactivityChassis(someclass(*args, **argd), timeout=timeout, debug=debug)
    return maker


def ExtendedInactivity(someclass: Callable[..., Any]) -> Callable[..., Graphline]:
    """ExtendedInactivity(someclass) -> maker(timeout=2, debug=False, *args, **argd)

    The maker wraps ``someclass(*args, **argd)`` in an :func:`InactivityChassis`
    with the timeout given to it.
    """
    def maker(timeout: float = 2, debug: bool = False, *args: Any, **argd: Any) -> Graphline:
        return InactivityChassis(someclass(*args, **argd), timeout=timeout, debug=debug)
    return maker


def _echoProtocol() -> Any:
    # Imported when first used: protocols sit above the network layer.
    from Kamaelia.Protocol.EchoProtocol import EchoProtocol
    return EchoProtocol()


class EchoServer(MoreComplexServer):
    """EchoServer(**options) -> 1.14's demonstration: an echo server on port 1500
    whose connections are closed after 2 seconds without traffic."""

    protocol: Any = staticmethod(_echoProtocol)
    port: int = 1500
    socketOptions: Any = (socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)

    class TCPS(TCPServer):
        """The server's TCPServer: each connection in an InactivityChassis."""

        CSA = NoActivityTimeout(ConnectedSocketAdapter, timeout=2, debug=True)


__kamaelia_components__ = (TimeOutCSA, ResettableSender, ActivityMonitor, PeriodicWakeup,
                           WakeableIntrospector)
__kamaelia_prefabs__ = (InactivityChassis,)
