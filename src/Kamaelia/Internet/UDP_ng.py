"""UDP, split in two: a sender and a receiver (1.14's "next generation" module).

Example Usage
-------------
A receiver on this machine, and a sender that sends it two datagrams::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Internet.UDP_ng import UDPReceiver, UDPSender
    from Kamaelia.Util.Console import ConsoleEchoer
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.PureTransformer import PureTransformer

    receiver = UDPReceiver(localaddr="127.0.0.1", localport=0)
    host, port = receiver.localaddress          # the port the system chose

    Pipeline(
        DataSource([b"hello\\n", b"world\\n"]),
        UDPSender(receiver_addr=host, receiver_port=port),
        receiver,              # ends, after reading, when the sender has finished
        PureTransformer(lambda received: received[0].decode()),  # (data, (host, port))
        ConsoleEchoer(),
    ).run()                                     # prints hello and world

How does it work?
-----------------
* :class:`UDPSender` sends each message arriving on ``"inbox"`` (``bytes``;
  ``str`` is sent as UTF-8) as one datagram to ``(receiver_addr,
  receiver_port)``; ``(host, port)`` on ``"target"`` changes where, from
  then on (targets waiting are taken before data). Its socket is bound to
  a port the system chooses (``localaddress`` tells which); it reads
  nothing. A receiver port of 0 means "no receiver yet": data that arrives
  before a target is logged and dropped.
* :class:`UDPReceiver` binds to ``(localaddr, localport)`` and sends every
  datagram that arrives out of ``"outbox"`` as ``(data, (host, port))``.
  It sends nothing; messages on its ``"inbox"`` are logged and dropped.

:class:`SimplePeer`, :class:`TargettedPeer` and :class:`PostboxPeer` are a
sender and a receiver in one: they send from the socket they listen on, so
answers to what they send come back to them. They are the classes of
:mod:`Kamaelia.Internet.UDP` (one engine drives the sender, the receiver
and the peers) with this module's :class:`BasicPeer` as their base, so
they behave exactly as documented there. Two components sharing one
socket, as in 1.14, would leave it unclear which closes it.

1.14's methods of :class:`BasicPeer` are here and do their 1.14 job when
called: :meth:`~BasicPeer.safeBind`, :meth:`~BasicPeer.safeSend` and
:meth:`~BasicPeer.safeRecv` (one datagram, "would block" and errors
handled), :meth:`~BasicPeer.sendLoop` and :meth:`~BasicPeer.recvLoop`
(everything waiting), :meth:`~BasicPeer.setupSelector` (have the socket
watched; here the scheduler watches it, not the Selector). ``main`` is the
shared engine of :mod:`Kamaelia.Internet.UDP`, which calls
:meth:`~Kamaelia.Internet._datagram.DatagramComponent.receive_packet` for
each datagram but not these. A message on ``"readReady"`` or
``"writeReady"`` (what 1.14's Selector sent) makes it try to read or send
at once; nothing needs to send them, and ``"_selectorSignal"`` is unused.

Sending and receiving never block the scheduler; a datagram that cannot be
sent is logged with its destination and the reason, and the next one goes.
Addresses: an address with a colon is IPv6, any other IPv4, unless
``family=`` says otherwise; addresses on ``"target"`` must be numeric.

Shutdown: ``producerFinished`` on ``"control"``: a sender sends what
arrived before it; a receiver reads its socket until it is empty, passing
on what had arrived. ``shutdownMicroprocess``: they end at once (a sender
drops what it has not sent). Either way each closes its socket, then passes
the message on out of ``"signal"``. Stopped from outside (``stop()``), they
close their sockets too. Made but never activated, a component keeps its
socket open until its ``close()`` is called. """

from __future__ import annotations

from typing import Any

from Kamaelia.File._base import asBytes, reasonFor
from Kamaelia.Internet import UDP
from Kamaelia.Internet._addresses import checkHost, checkPort
from Kamaelia.Internet._datagram import (SockAddr, chooseFamily, destinationFrom, log,
                                         openSocket, repeats, resolve, shortAddress)

__all__ = ["BasicPeer", "UDPSender", "UDPReceiver", "SimplePeer", "TargettedPeer",
           "PostboxPeer"]

_CONTROL = "producerFinished: finish what is waiting, then end; shutdownMicroprocess: end now"
_SIGNAL = "the shutdown message, passed on when it has ended"
_NG_INBOXES = {"readReady": "(1.14) anything here: try reading now (the socket is watched "
                            "anyway)",
               "writeReady": "(1.14) anything here: try sending now"}
_NG_OUTBOXES = {"_selectorSignal": "(1.14 compatibility; unused)"}


class BasicPeer(UDP.BasicPeer):
    """BasicPeer(localaddr="0.0.0.0", localport=0, family=None) -> a bound UDP socket
    whose datagrams come out of "outbox", with 1.14's UDP_ng methods

    Arguments as for :class:`Kamaelia.Internet.UDP.BasicPeer`.
    """

    Inboxes = {**UDP.BasicPeer.Inboxes, **_NG_INBOXES}
    Outboxes = {**UDP.BasicPeer.Outboxes, **_NG_OUTBOXES}

    def retarget(self) -> None:
        # Each turn: 1.14's readiness notes only prompt what the loop does anyway.
        for name in ("readReady", "writeReady"):
            if self.dataReady(name):
                for _ in self.Inbox(name):
                    pass
        super().retarget()

    def setupSelector(self) -> None:
        """Have the socket watched (1.14 linked to the Selector service; here
        the scheduler watches the socket, which this starts)."""
        self._watch(reading=self.receives)

    def safeBind(self, target: tuple[str, int]) -> bool:
        """Bind to ``target`` (``(host, port)``); True if it is bound there.

        The socket is bound when the component is made: a target it is
        already bound to (or port 0) is True at once. Otherwise, before the
        component is activated, a new socket bound to ``target`` replaces
        it; False (and the reason logged) if that cannot be done."""
        sock = self._socket
        if sock is None:
            return False
        try:
            host, port = target[0], target[1]
            wanted = resolve("target", host, port, self.family)
        except (TypeError, IndexError, ValueError) as exc:
            log.error("%s: cannot bind to %.80r: %s", self.name, target, exc)
            return False
        bound = sock.getsockname()
        if port in (0, bound[1]) and wanted[0] in (bound[0], "0.0.0.0", "::"):
            return True
        if self.scheduler is not None:
            log.error("%s: cannot bind to %.80r: it is running, bound to %s", self.name,
                      target, shortAddress(bound))
            return False
        try:
            replacement = openSocket(self.family, wanted)
        except OSError as exc:
            log.error("%s: cannot bind to %.80r: %s", self.name, target, reasonFor(exc))
            return False
        self._socket = replacement
        sock.close()
        self.localaddress = shortAddress(replacement.getsockname())
        return True

    def safeSend(self, data: Any, target: Any) -> int:
        """Send ``data`` (bytes; str as UTF-8) as one datagram to ``target``
        (a numeric ``(host, port)``): the bytes sent, or 0 if the socket
        cannot take it now (the component is then woken when it can). A
        datagram that cannot be sent (bad target, no route, ...) is logged
        and dropped: the return is then its length, so callers move on."""
        payload = asBytes(data)
        sock = self._socket
        if sock is None:
            return 0
        try:
            destination = destinationFrom(target, self.family)
            return sock.sendto(payload, destination)
        except (BlockingIOError, InterruptedError):
            self._watch(writing=True)
            return 0
        except (OSError, ValueError) as exc:
            repeats.error("%s: could not send %d bytes to %.80r: %s; datagram dropped",
                      self.name, len(payload), target, reasonFor(exc))
            return len(payload)

    def sendLoop(self, target: Any) -> None:
        """Send everything waiting on "inbox" to ``target`` (a numeric
        ``(host, port)``), in order, until the socket would block (the rest
        then waits for the next turn)."""
        try:
            destination: SockAddr | None = destinationFrom(target, self.family)
        except ValueError as exc:
            repeats.error("%s: cannot send to %.80r: %s", self.name, target, exc)
            return
        previous, self.destination = self.destination, destination
        try:
            while self._sendWaiting():
                pass
        finally:
            self.destination = previous

    def safeRecv(self, size: int) -> tuple[bytes, tuple[str, int]] | None:
        """One datagram of up to ``size`` bytes, as ``(data, (host, port))``,
        or None if none is waiting (errors are logged and give None too)."""
        sock = self._socket
        if sock is None:
            return None
        try:
            data, source = sock.recvfrom(size)
        except (BlockingIOError, InterruptedError):
            return None
        except OSError as exc:
            repeats.warning("%s: receiving failed: %s", self.name, reasonFor(exc))
            return None
        return data, shortAddress(source)

    def recvLoop(self) -> None:
        """Read every datagram waiting and send each out of "outbox"."""
        if self._socket is None:
            return
        while self._receiveWaiting():
            pass


class UDPSender(BasicPeer):
    """UDPSender(receiver_addr="0.0.0.0", receiver_port=0, family=None) -> sends
    each message from "inbox" as a datagram to the receiver

    - receiver_addr, receiver_port -- where data goes (port 0: nowhere until a target)
    - family -- socket.AF_INET or AF_INET6 (None: IPv6 if the address has a colon)
    """

    Inboxes = {"inbox": "data to send (bytes; str is sent as UTF-8)",
               "target": "(host, port): where data goes from now on",
               "control": _CONTROL, **_NG_INBOXES}
    Outboxes = {"outbox": "not used", "signal": _SIGNAL, **_NG_OUTBOXES}

    sends = True
    receives = False

    def __init__(self, receiver_addr: str = "0.0.0.0", receiver_port: int = 0,
                 family: Any = None, **argd: Any) -> None:
        checkHost(receiver_addr, "receiver_addr")
        checkPort(receiver_port, "receiver_port")
        family = chooseFamily(family, receiver_addr)
        destination = resolve("receiver_addr", receiver_addr, receiver_port, family)
        super().__init__("0.0.0.0", 0, family, **argd)
        self.destination = destination if receiver_port else None
        self.receiver_addr = receiver_addr
        self.receiver_port = receiver_port


class UDPReceiver(BasicPeer):
    """UDPReceiver(localaddr="0.0.0.0", localport=0, family=None) -> emits each
    datagram arriving at (localaddr, localport) as (data, (host, port))

    - localaddr -- the address to bind to ("0.0.0.0": every address)
    - localport -- the port to bind to (0: any free port; see ``localaddress``)
    - family    -- socket.AF_INET or AF_INET6 (None: from the address)
    """

    Inboxes = {"inbox": "not used: anything sent here is logged and dropped",
               "control": _CONTROL, **_NG_INBOXES}


class SimplePeer(BasicPeer, UDP.SimplePeer):
    """SimplePeer(localaddr="0.0.0.0", localport=0, receiver_addr="0.0.0.0",
    receiver_port=0, family=None) -> :class:`Kamaelia.Internet.UDP.SimplePeer`
    with this module's BasicPeer methods"""

    Inboxes = {**UDP.SimplePeer.Inboxes, **_NG_INBOXES}
    Outboxes = {**UDP.SimplePeer.Outboxes, **_NG_OUTBOXES}


class TargettedPeer(BasicPeer, UDP.TargettedPeer):
    """TargettedPeer(localaddr="0.0.0.0", localport=0, receiver_addr="0.0.0.0",
    receiver_port=0, family=None) -> :class:`Kamaelia.Internet.UDP.TargettedPeer`
    with this module's BasicPeer methods"""

    Inboxes = {**UDP.TargettedPeer.Inboxes, **_NG_INBOXES}
    Outboxes = {**UDP.TargettedPeer.Outboxes, **_NG_OUTBOXES}


class PostboxPeer(BasicPeer, UDP.PostboxPeer):
    """PostboxPeer(localaddr="0.0.0.0", localport=0, family=None) ->
    :class:`Kamaelia.Internet.UDP.PostboxPeer` with this module's BasicPeer methods"""

    Inboxes = {**UDP.PostboxPeer.Inboxes, **_NG_INBOXES}
    Outboxes = {**UDP.PostboxPeer.Outboxes, **_NG_OUTBOXES}

    def sendLoop(self) -> None:  # type: ignore[override]
        """Send every ``(data, (host, port))`` (or ``(host, port, data)``)
        waiting on "inbox" to its own address, until the socket would block."""
        if self._socket is None:
            return
        while self._sendWaiting():
            pass


__kamaelia_components__ = (UDPReceiver, UDPSender, SimplePeer, TargettedPeer, PostboxPeer)
