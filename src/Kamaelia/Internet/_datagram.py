"""What the UDP and multicast components share (not public API).

Example Usage
-------------
A component is a subclass of :class:`DatagramComponent` that opens its
socket in ``__init__`` and says what it does with it::

    import socket
    from Kamaelia.Internet._datagram import DatagramComponent, openSocket

    class Listener(DatagramComponent):
        receives = True

        def __init__(self):
            sock = openSocket(socket.AF_INET, ("127.0.0.1", 0))
            super().__init__(sock)

    listener = Listener()
    print(listener.localaddress)        # ('127.0.0.1', <the port it was given>)
    listener.close()                    # never activated: close it ourselves

How does it work?
-----------------
A :class:`DatagramComponent` owns one non-blocking UDP socket, made and
bound by its subclass's ``__init__`` (so bad addresses and ports in use are
reported at construction, and ``localaddress`` is known at once). Two class
attributes switch on its halves:

* ``sends``: messages on ``"inbox"`` become datagrams. :meth:`datagramFor`
  turns a message into ``(data, destination)``; by default the data is the
  message (``bytes``, or ``str`` sent as UTF-8) and the destination is
  ``self.destination``, which ``(host, port)`` messages on a ``"target"``
  inbox replace, if the class has that inbox. Up to ``SENDS_PER_TURN``
  datagrams are sent per time slice. When the socket cannot take one
  (``BlockingIOError``), that datagram is kept, the rest stay in
  ``"inbox"`` (so a size limit there pushes back on the producer) and the
  socket is registered with the scheduler's ``addWriter``; sending resumes,
  in order, when it is writable. A datagram that fails (``OSError``: no
  route, message too long, ...) or a message that cannot be made into one
  is logged (logger ``Kamaelia.Internet``) with the destination and the
  reason, and skipped.
* ``receives``: the socket is registered with ``addReader``; each time it is
  readable up to ``READS_PER_TURN`` datagrams are read and each is sent out
  of ``"outbox"`` as the message :meth:`messageFor` makes of it: by default
  ``(data, (host, port))``, the bytes then the sender's address (the UDP
  peers); the multicast components override it to send ``((host, port),
  data)``, as Kamaelia 1.14's did. If the consumer's inbox is full the
  message is held and reading stops until the consumer takes one (the
  kernel's buffer then fills and drops datagrams, as UDP does).

Ending: ``shutdownMicroprocess`` on ``"control"`` ends it at once (what was
waiting to be sent is dropped, and counted in an INFO log line).
``producerFinished`` ends it once everything that arrived on ``"inbox"``
before it has been sent and, for a receiving component, once it has read
its socket empty and its consumer has taken what it held (a stream that
never pauses would keep it going; ``shutdownMicroprocess`` ends it then).
Either way the socket is closed and deregistered first, then the message is
passed on out of ``"signal"``. Stopped from outside (``stop()``), it closes
and deregisters the socket too.

Destinations in messages (``"target"``, a ``PostboxPeer``'s ``(data,
address)``) must be numeric addresses: looking up a host name would block
the scheduler, so it is not done. Host names given to a constructor are
looked up there, once.
"""

from __future__ import annotations

import functools
import logging
import socket
from typing import Any, Callable, Generator, Iterator

from Axon.AxonExceptions import noSpaceInBox
from Axon.Component import component
from Axon.Ipc import ipc, shutdownMicroprocess
from Kamaelia._shutdown import shutdownRequest
from Kamaelia.File._base import asBytes, reasonFor
from Kamaelia.Internet._addresses import describeAddress, familyFor
from Kamaelia._logthrottle import RepeatLimiter

__all__ = ["DatagramComponent", "openSocket", "chooseFamily", "resolve", "destinationFrom",
           "shortAddress", "log"]

log = logging.getLogger("Kamaelia.Internet")
#: Per-datagram failures (a send refused, a bad message) are logged through
#: this: the first at once, then a count every 10 s while they go on.
repeats = RepeatLimiter(log)

#: Datagrams read per time slice before letting other components run.
READS_PER_TURN = 32
#: Datagrams sent per time slice before letting other components run.
SENDS_PER_TURN = 32
#: The largest UDP payload there is (IPv4's limit is 65507, IPv6's 65527).
MAX_DATAGRAM = 65535

#: A socket address: ``(host, port)``, or IPv6's ``(host, port, flowinfo, scope_id)``.
SockAddr = tuple[Any, ...]

_FAMILY_NAMES = {socket.AF_INET: "AF_INET", socket.AF_INET6: "AF_INET6"}
_ANY = {socket.AF_INET: "0.0.0.0", socket.AF_INET6: "::"}


def chooseFamily(family: Any, *hosts: str) -> socket.AddressFamily:
    """``family`` if given (checked), else AF_INET6 if any of ``hosts`` has a colon."""
    return familyFor(next((host for host in hosts if ":" in host), ""), family)


def resolve(what: str, host: str, port: int, family: socket.AddressFamily) -> SockAddr:
    """The socket address of ``(host, port)`` in ``family``; ValueError naming ``host``.

    A host name is looked up (this blocks, so it is done at construction
    only). ``"0.0.0.0"`` and ``"::"`` both mean "any address" in either family.
    """
    if host in _ANY.values():
        host = _ANY[family]
    try:
        found = socket.getaddrinfo(host, port, family, socket.SOCK_DGRAM)
    except socket.gaierror as exc:
        raise ValueError(f"{what} must be an {_FAMILY_NAMES[family]} address or a host "
                         f"name with one, not {host!r} ({exc.strerror})") from None
    return found[0][4]


def destinationFrom(address: Any, family: socket.AddressFamily) -> SockAddr:
    """The socket address a message names: ``(host, port)`` with a numeric host
    (IPv6 may also give ``(host, port, flowinfo, scope_id)``, as it receives).
    ValueError saying what is wrong otherwise."""
    if not isinstance(address, (tuple, list)):
        raise ValueError(f"a destination must be a (host, port) tuple, not {address!r:.80}")
    try:
        return _numericDestination(tuple(address), family)
    except TypeError:               # unhashable parts: not a destination either
        raise ValueError(f"a destination must be a (host, port) tuple, not {address!r:.80}") \
            from None


@functools.lru_cache(maxsize=256)
def _numericDestination(address: tuple[Any, ...], family: socket.AddressFamily) -> SockAddr:
    # Cached: a peer replying to the same few addresses resolves each once.
    if len(address) not in (2, 4) or not isinstance(address[0], str):
        raise ValueError(f"a destination must be a (host, port) tuple, not {address!r:.80}")
    host, port = address[0], address[1]
    if isinstance(port, bool) or not isinstance(port, int) or not 0 < port <= 65535:
        raise ValueError(f"the port in a destination must be from 1 to 65535, not {port!r}")
    try:
        found = socket.getaddrinfo(host, port, family, socket.SOCK_DGRAM, 0,
                                   socket.AI_NUMERICHOST)
    except socket.gaierror:
        raise ValueError(f"{host!r} is not a numeric {_FAMILY_NAMES[family]} address (host "
                         f"names in messages are not looked up: that would block)") from None
    sockaddr: SockAddr = found[0][4]
    if len(address) == 4 and family == socket.AF_INET6:
        sockaddr = (sockaddr[0], port, *address[2:])
    return sockaddr


def shortAddress(sockaddr: SockAddr) -> tuple[str, int]:
    """``(host, port)`` for a socket address; an IPv6 scope is kept as ``host%zone``."""
    if len(sockaddr) == 2:
        return sockaddr                                    # type: ignore[return-value]
    host, port, _, scope = sockaddr
    if scope and "%" not in host:
        host = f"{host}%{_zoneName(scope)}"
    return host, port


@functools.lru_cache(maxsize=64)
def _zoneName(index: int) -> str:
    try:
        return socket.if_indextoname(index)
    except OSError:
        return str(index)


def openSocket(family: socket.AddressFamily, bindTo: SockAddr,
               setup: Callable[[socket.socket], None] | None = None) -> socket.socket:
    """A non-blocking UDP socket, ``setup(sock)`` called on it, bound to ``bindTo``.

    An AF_INET6 socket is IPv6 only (``IPV6_V6ONLY``), so each family has a
    socket of its own and addresses never appear as IPv4-mapped. On any
    failure the socket is closed and the error raised.
    """
    sock = socket.socket(family, socket.SOCK_DGRAM)
    try:
        sock.setblocking(False)
        if family == socket.AF_INET6:
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        if setup is not None:
            setup(sock)
        sock.bind(bindTo)
    except BaseException:
        sock.close()
        raise
    return sock


class DatagramComponent(component):
    """DatagramComponent(sock, destination=None) -> the engine of every UDP component

    - sock        -- a bound, non-blocking UDP socket (see :func:`openSocket`),
                     which the component now owns and closes when it ends
    - destination -- where ``"inbox"`` data goes (a socket address), if it sends
    """

    #: Read datagrams and send them out of "outbox".
    receives: bool = False
    #: Send what arrives on "inbox" as datagrams.
    sends: bool = False

    def __init__(self, sock: socket.socket, destination: SockAddr | None = None,
                 **argd: Any) -> None:
        super().__init__(**argd)
        self._socket: socket.socket | None = sock
        #: AF_INET or AF_INET6.
        self.family = socket.AddressFamily(sock.family)
        #: ``(host, port)`` the socket is bound to: the port the system chose for port 0.
        self.localaddress: tuple[str, int] = shortAddress(sock.getsockname())
        #: Where data from "inbox" is sent (a socket address), or None: nowhere.
        self.destination = destination
        self._pending: tuple[Any, SockAddr] | None = None   # the datagram the socket refused
        self._held: Any = None          # the message the consumer refused (None: none)
        self._reading = False
        self._writing = False

    # ------------------------------------------------------------ the hooks
    def datagramFor(self, message: Any) -> tuple[Any, SockAddr]:
        """``(data, destination)`` for a message from "inbox"; TypeError or
        ValueError (saying why) if it cannot be sent."""
        if self.destination is None:
            raise ValueError("it has no destination (the receiver port is 0)")
        return asBytes(message), self.destination

    def messageFor(self, data: bytes, source: tuple[str, int]) -> Any:
        """The message sent out of "outbox" for a datagram received: by default
        ``(data, (host, port))``. ``source`` is the sender's ``(host, port)``
        (an IPv6 scope kept as ``host%zone``). The result must not be None."""
        return data, source

    def retarget(self) -> None:
        """Take ``(host, port)`` messages from "target" (if there is one) as the destination."""
        if "target" not in self.inboxes:
            return
        for message in self.Inbox("target"):
            try:
                self.destination = destinationFrom(message, self.family)
            except ValueError as exc:
                repeats.error("%s: ignored the target %.80r: %s", self.name, message, exc)

    # ------------------------------------------------------------- the loop
    def main(self) -> Iterator[Any]:
        try:
            request = yield from self._serve()
        finally:
            self._release()
        self.send(request, "signal")

    def _serve(self) -> Generator[int, None, ipc]:
        if self.receives:
            self._watch(reading=True)
        finishing: ipc | None = None        # the producerFinished being honoured
        while True:
            request = shutdownRequest(self)
            if isinstance(request, shutdownMicroprocess):
                return request                  # at once: nothing more is sent or read
            if finishing is None:
                finishing = request
            self.retarget()
            sending = self._sendWaiting() if self.sends else self._discardInbox()
            reading = self.receives and self._receiveWaiting()
            # Data sent before the request is in "inbox" by now (control never
            # overtakes data), so "nothing left" means everything was sent;
            # likewise what has arrived is passed on once the socket is empty.
            if finishing is not None and self._finished(reading):
                return finishing
            busy = sending or reading
            if not busy:
                self.pause()
            yield 1

    def _finished(self, moreToRead: bool) -> bool:
        """Everything from "inbox" sent, and everything that arrived passed on?"""
        if self.sends and (self._pending is not None or self.dataReady("inbox")):
            return False
        return not self.receives or (not moreToRead and self._held is None)

    # -------------------------------------------------------------- sending
    def _sendWaiting(self) -> bool:
        """Send what waits, in order; True if it stopped only to let others run."""
        sock = self._socket
        assert sock is not None
        for _ in range(SENDS_PER_TURN):
            if self._pending is None:
                self._pending = self._nextDatagram()
                if self._pending is None:
                    self._watch(writing=False)
                    return False
            data, destination = self._pending
            try:
                sock.sendto(data, destination)
            except (BlockingIOError, InterruptedError):
                self._watch(writing=True)          # woken when there is room
                return False
            except OSError as exc:
                repeats.error("%s: could not send %d bytes to %s: %s; datagram dropped",
                          self.name, len(data), describeAddress(destination), reasonFor(exc))
            self._pending = None
        return True

    def _nextDatagram(self) -> tuple[Any, SockAddr] | None:
        for message in self.Inbox("inbox"):
            try:
                return self.datagramFor(message)
            except (TypeError, ValueError) as exc:
                repeats.error("%s: cannot send %.80r: %s; message skipped", self.name, message,
                              exc)
        return None

    def _discardInbox(self) -> bool:
        for message in self.Inbox("inbox"):
            repeats.warning("%s does not send; dropped %.80r from 'inbox'", self.name, message)
        return False

    # ------------------------------------------------------------ receiving
    def _receiveWaiting(self) -> bool:
        """Pass on what has arrived; True if it stopped only to let others run."""
        if self._held is not None:
            if not self._passOn(self._held):
                return False
            self._held = None
            self._watch(reading=True)
        sock = self._socket
        assert sock is not None
        for _ in range(READS_PER_TURN):
            if not self.receive_packet(sock):
                return False
        return True

    def receive_packet(self, sock: socket.socket) -> bool:
        """Read one datagram from ``sock`` and send it out of "outbox" (as
        :meth:`messageFor` makes it; 1.14's method, which ``main`` calls for
        each datagram). Socket errors are logged and absorbed. Returns True
        if the caller may read again at once, False if nothing was waiting
        or the consumer is full (the message is then held)."""
        try:
            data, source = sock.recvfrom(MAX_DATAGRAM)
        except (BlockingIOError, InterruptedError):
            return False
        except OSError as exc:        # e.g. an ICMP error reported for an earlier send
            repeats.warning("%s: receiving failed: %s", self.name, reasonFor(exc))
            return True
        return self._passOn(self.messageFor(data, shortAddress(source)))

    def _passOn(self, message: Any) -> bool:
        try:
            self.send(message, "outbox")
        except noSpaceInBox:
            # Woken when the consumer takes one (Axon wakes producers of a full box).
            self._held = message
            self._watch(reading=False)
            return False
        return True

    # ---------------------------------------------------------- the socket
    def _watch(self, reading: bool | None = None, writing: bool | None = None) -> None:
        """Have the scheduler wake us when the socket is readable/writable, or stop."""
        sock, scheduler = self._socket, self.scheduler
        if sock is None or scheduler is None:
            return
        if reading is not None and reading != self._reading:
            self._reading = reading
            if reading:
                scheduler.addReader(sock, self.unpause)
            else:
                scheduler.removeReader(sock)
        if writing is not None and writing != self._writing:
            self._writing = writing
            if writing:
                scheduler.addWriter(sock, self.unpause)
            else:
                scheduler.removeWriter(sock)

    def _release(self) -> None:
        """Deregister and close the socket; log what was not sent. Safe to call twice."""
        sock = self._socket
        if sock is None:
            return
        self._watch(reading=False, writing=False)
        self._socket = None
        if self.sends:
            unsent = (self._pending is not None) + self.dataReady("inbox")
            if unsent:
                log.info("%s ended with %d message(s) not sent", self.name, unsent)
        self._pending = None
        sock.close()

    def close(self) -> None:
        """Close the socket of a component that will not be activated after all.

        An activated component is stopped instead: it closes its socket as it
        ends, in the scheduler's thread.
        """
        if self.scheduler is None:
            self._release()
        else:
            self.stop()

    def _closeDownMicroprocess(self) -> Any:
        self._release()          # stopped before main started, which its finally would do
        return super()._closeDownMicroprocess()
