"""Kamaelia.Internet.TCPClient: a TCP connection as a component.

Example Usage
-------------
Send a request and print what comes back::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Internet.TCPClient import TCPClient
    from Kamaelia.Util.Console import ConsoleEchoer
    from Kamaelia.Util.DataSource import DataSource

    client = Pipeline(DataSource([b"GET / HTTP/1.0\\r\\n\\r\\n"]),
                      TCPClient("127.0.0.1", 8080),
                      ConsoleEchoer())
    # client.run()

``TCPClient("example.org", 443, tls=True)`` speaks TLS, checking the server's
certificate against the system's trusted ones; ``sslContext=`` gives your
own context (e.g. one trusting a private CA).

How does it work?
-----------------
After ``delay`` seconds it resolves the host (numeric addresses at once,
names in a helper thread, so the scheduler never blocks on DNS), and
connects without blocking, trying each address the name has in turn. Once
connected it makes a
:class:`~Kamaelia.Internet.ConnectedSocketAdapter.ConnectedSocketAdapter`
(TLS handshake included, also without blocking): bytes on ``"inbox"`` are
sent, bytes received come out of ``"outbox"``. Messages sent to the client
before it has connected are kept and sent once it has.

It never retries by itself: if the connection cannot be made (refused,
unreachable, no such host, ``connect_timeout`` passed, TLS handshake
failed) it logs why and sends ``connectionFailed`` (a ``producerFinished``
whose ``reason`` says what went wrong, with ``host``, ``port`` and
``exception``) out of ``"signal"``, then ends. Wrap it in a
``Carousel`` or restart it yourself if you want to retry.

Address family: from the address (``"::1"`` is IPv6) or ``family=``;
a name is resolved for both unless ``family`` says which.

TLS on request: a message on ``"makessl"`` switches the connection to TLS
(as 1.14's did, for protocols that start in plain text); ``""`` comes out of
``"sslready"`` when the handshake is done. See
:mod:`Kamaelia.Internet.ConnectedSocketAdapter`.

Shutdown
--------
* ``producerFinished`` on ``"control"`` (what a ``DataSource`` before it
  sends when it has run out): what was sent to it is written, then our
  side of the connection is shut (the server reads end of file), and the
  client goes on receiving until the server closes the connection. So
  ``Pipeline(DataSource([request]), TCPClient(host, port), ConsoleEchoer())``
  prints the whole answer. With ``wait_for_serverclose=True`` our side is
  not shut either: the connection stays open both ways until the server
  closes it. A ``producerFinished`` that arrives before the connection is
  made is kept and acted on once it is (1.14 then gave up without
  connecting, losing what had been sent to it).
* ``shutdownMicroprocess`` on ``"control"``: closed at once (before the
  connection is made: the client ends and passes it on out of ``"signal"``).
* The server closing the connection: what is queued is still written, then
  the connection is closed.

When the connection has closed it sends ``producerFinished(self, reason)``
out of ``"signal"`` (``reason`` as the adapter's ``howDied``) and ends.

1.14's methods
--------------
``main`` waits ``delay`` seconds and runs :meth:`TCPClient.runClient`, which
uses 1.14's other methods, so a subclass may override them:
:meth:`TCPClient.shutdown` (read "control" while connecting),
:meth:`TCPClient.safeConnect` (start or check a non-blocking connect),
:meth:`TCPClient.setupCSA` (make and wire the adapter) and
:meth:`TCPClient.waitCSAClose` (true while the connection is open).
"""

from __future__ import annotations

import errno
import logging
import os
import socket
import ssl
import threading
import time
from typing import Any, Generator, Iterator

from Axon.Component import component
from Axon.Ipc import producerFinished, shutdownMicroprocess
from Kamaelia.IPC import connectionFailed, socketShutdown
from Kamaelia.Internet._addresses import checkHost, checkPort, describeAddress, familyFor
from Kamaelia.Internet.ConnectedSocketAdapter import ConnectedSocketAdapter
from Kamaelia._logthrottle import RepeatLimiter

__all__ = ["TCPClient"]

log = logging.getLogger("Kamaelia.Internet.TCPClient")
#: A client restarted in a loop (a Carousel) fails the same way each time:
#: logged at once, then a count every 10 s while it goes on.
repeats = RepeatLimiter(log)


class _Failed(Exception):
    """Connecting failed; the message is the reason."""

    def __init__(self, reason: str, exception: BaseException | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.exception = exception


class _Stopped(Exception):
    """Told to stop before the connection was made."""


class TCPClient(component):
    """TCPClient(host, port, delay=0, connect_timeout=60, wait_for_serverclose=False, family=None, tls=False, sslContext=None, serverHostname=None, connectionOptions=None)

    A TCP connection (see the module docstring).

    - host              -- name or address to connect to
    - port              -- port to connect to
    - delay             -- seconds to wait before connecting
    - connect_timeout   -- seconds to allow for connecting (and the TLS handshake)
    - wait_for_serverclose -- on producerFinished keep the connection open both
                           ways until the server closes it (default: shut our side)
    - family            -- ``socket.AF_INET`` / ``socket.AF_INET6`` (default: any)
    - tls               -- speak TLS with the system's default trust
    - sslContext        -- speak TLS with this ``ssl.SSLContext``
    - serverHostname    -- name to check the certificate against (default: host)
    - connectionOptions -- keyword options for the ConnectedSocketAdapter
    """

    Inboxes = {"inbox": "bytes to send to the server",
               "_socketFeedback": "socketShutdown from the connection",
               "control": "producerFinished: send what is queued, then close; "
                          "shutdownMicroprocess: close now",
               "makessl": "anything (or an ssl.SSLContext): switch the connection to TLS"}
    Outboxes = {"outbox": "bytes received from the server",
                "signal": "connectionFailed if it could not connect; producerFinished "
                          "when the connection has closed",
                "_toConnection": "shutdown messages for the connection",
                "_selectorSignal": "(1.14 compatibility; unused)",
                "sslready": "\"\" once the TLS handshake asked for on \"makessl\" is done"}

    #: The components it uses (1.14's attribute).
    Usescomponents = [ConnectedSocketAdapter]

    def __init__(self, host: str, port: int, delay: float = 0, connect_timeout: float = 60,
                 wait_for_serverclose: bool = False, *, family: Any = None, tls: bool = False,
                 sslContext: ssl.SSLContext | None = None, serverHostname: str | None = None,
                 connectionOptions: dict[str, Any] | None = None, **argd: Any) -> None:
        super().__init__(**argd)
        self.host = checkHost(host, "host")
        self.port = checkPort(port, "port", allowZero=False)
        for name, value in (("delay", delay), ("connect_timeout", connect_timeout)):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise ValueError(f"{name} must be a number of seconds >= 0, not {value!r}")
        if family is not None:
            familyFor(None, family)                      # checks it
        if sslContext is not None and not isinstance(sslContext, ssl.SSLContext):
            raise TypeError(f"sslContext must be an ssl.SSLContext, not {sslContext!r}")
        if tls and sslContext is None:
            sslContext = ssl.create_default_context()
        self.delay = delay
        self.connect_timeout = connect_timeout
        self.wait_for_serverclose = bool(wait_for_serverclose)
        self.family = family
        self.sslContext = sslContext
        self.serverHostname = serverHostname or host
        self.connectionOptions = dict(connectionOptions or {})
        self.CSA: ConnectedSocketAdapter | None = None
        self.sock: socket.socket | None = None
        self.howDied: str | None = None
        self._finishLater: Any = None     # producerFinished received before connecting
        self._stopMessage: Any = None     # shutdownMicroprocess received before connecting
        self._told = False                # the adapter has been told to finish

    # ------------------------------------------------------------------ main
    def main(self) -> Iterator[Any]:
        deadline = time.monotonic() + self.delay
        while time.monotonic() < deadline:
            self.pause(deadline - time.monotonic())
            yield 1
            if self.shutdown():
                self._stopped(self._stopMessage)
                return
        yield from self.runClient()

    def runClient(self, sock: socket.socket | None = None) -> Iterator[Any]:
        """Connect, run the connection until it closes, and say how it ended
        on "signal" (see the module docstring). ``sock``: an unconnected
        socket to connect with (default: a new one for each address tried)."""
        try:
            deadline = time.monotonic() + self.connect_timeout
            if sock is not None:
                addresses = [(sock.family, sock.type, sock.proto, "", address)
                             for *_, address in (yield from self._resolve(deadline))
                             if len(address) == (4 if sock.family == socket.AF_INET6 else 2)]
                sock = yield from self._connectWith(sock, addresses[0][4] if addresses else
                                                    (self.host, self.port), deadline)
            else:
                addresses = yield from self._resolve(deadline)
                sock = yield from self._connectToOne(addresses, deadline)
        except _Stopped:
            self._stopped(self._stopMessage)
            return
        except _Failed as failure:
            self._reportFailure(failure.reason, failure.exception)
            return
        yield from self._runConnection(sock, deadline)

    def shutdown(self) -> bool:
        """Read "control" before the connection is made: True if told to stop
        now (``shutdownMicroprocess``, kept to be passed on). A
        ``producerFinished`` is kept, to be acted on once connected (what
        was sent before it is written first)."""
        while self.dataReady("control"):
            message = self.recv("control")
            if isinstance(message, shutdownMicroprocess):
                self._stopMessage = message
                return True
            if isinstance(message, producerFinished):
                self._finishLater = message
        return False

    def _checkStop(self) -> None:
        if self.shutdown():
            raise _Stopped()

    def _stopped(self, message: Any) -> None:
        self.howDied = "shutdown before connecting"
        self.send(message if message is not None else producerFinished(self, self.howDied),
                  "signal")

    def _reportFailure(self, reason: str, exception: BaseException | None) -> None:
        self.howDied = reason
        where = describeAddress((self.host, self.port))
        repeats.warning("%s: could not connect to %s: %s", self.name, where, reason)
        self.send(connectionFailed(self, host=self.host, port=self.port, reason=reason,
                                   exception=exception), "signal")

    # --------------------------------------------------------------- resolve
    def _resolve(self, deadline: float) -> Generator[Any, None, list[Any]]:
        family = self.family if self.family is not None else socket.AF_UNSPEC
        try:
            return socket.getaddrinfo(self.host, self.port, family, socket.SOCK_STREAM, 0,
                                      socket.AI_NUMERICHOST)
        except socket.gaierror:
            pass                                     # a name: look it up off-thread
        result: list[Any] = []

        def lookUp() -> None:
            try:
                result.append(socket.getaddrinfo(self.host, self.port, family,
                                                 socket.SOCK_STREAM))
            except (OSError, UnicodeError) as exc:
                result.append(exc)
            self.unpause()

        threading.Thread(target=lookUp, name=f"{self.name} resolving {self.host}",
                         daemon=True).start()
        while not result:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise _Failed(f"timed out looking up {self.host!r}")
            self.pause(remaining)
            yield 1
            self._checkStop()
        found = result[0]
        if isinstance(found, BaseException):
            raise _Failed(f"cannot resolve {self.host!r} ({found})", found)
        return found

    # --------------------------------------------------------------- connect
    def _connectToOne(self, addresses: list[Any],
                      deadline: float) -> Generator[Any, None, socket.socket]:
        failure: _Failed | None = None
        for family, kind, proto, _, address in addresses:
            try:
                sock = yield from self._connect(family, kind, proto, address, deadline)
            except _Failed as exc:
                failure = exc
                if time.monotonic() >= deadline:
                    break
                continue
            return sock
        raise failure or _Failed("no address to connect to")

    def safeConnect(self, sock: socket.socket, *sockArgsList: Any) -> bool:
        """Start (or check) connecting the non-blocking ``sock`` to the address
        in ``sockArgsList``: True once connected, False while connecting;
        raises ``OSError`` if the connection failed (1.14's job)."""
        code = sock.connect_ex(*sockArgsList)
        if code in (0, errno.EISCONN):
            return True
        if code in (errno.EINPROGRESS, errno.EALREADY, errno.EWOULDBLOCK, errno.EAGAIN):
            return False
        raise OSError(code, os.strerror(code))

    def _connect(self, family: int, kind: int, proto: int, address: Any,
                 deadline: float) -> Generator[Any, None, socket.socket]:
        sock = socket.socket(family, kind, proto)
        return (yield from self._connectWith(sock, address, deadline))

    def _connectWith(self, sock: socket.socket, address: Any,
                     deadline: float) -> Generator[Any, None, socket.socket]:
        sock.setblocking(False)
        ready: list[bool] = []

        def writable() -> None:
            ready.append(True)
            self.unpause()

        registered = False
        try:
            try:
                connected = self.safeConnect(sock, address)
            except OSError as exc:
                raise _Failed(exc.strerror or str(exc), exc)
            if not connected:
                self.scheduler.addWriter(sock, writable)
                registered = True
                while not ready:
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        raise _Failed(f"timed out after {self.connect_timeout:g} s",
                                      TimeoutError(errno.ETIMEDOUT, "connect timed out"))
                    self.pause(remaining)
                    yield 1
                    self._checkStop()
                code = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                if code != 0:
                    raise _Failed(os.strerror(code), OSError(code, os.strerror(code)))
        except BaseException:
            if registered:
                self.scheduler.removeWriter(sock)
                registered = False
            sock.close()
            raise
        finally:
            if registered:
                self.scheduler.removeWriter(sock)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock

    # ------------------------------------------------------------ connection
    def setupCSA(self, sock: socket.socket) -> list[Any]:
        """Make the ConnectedSocketAdapter for the connected ``sock`` and wire it
        (our "inbox", "makessl" to its; its "outbox", "sslready" out of ours;
        its "CreatorFeedback" to our "_socketFeedback"); returns the child
        components to start (1.14's job)."""
        # readWhileBacklogged: a client that stopped reading while its server
        # did the same, both with much to send, would wait for it forever.
        adapter = ConnectedSocketAdapter(sock, sslContext=self.sslContext, serverSide=False,
                                         serverHostname=self.serverHostname,
                                         **{"halfClose": not self.wait_for_serverclose,
                                            "readWhileBacklogged": True,
                                            **self.connectionOptions})
        self.link((self, "inbox"), (adapter, "inbox"), passthrough=1)
        self.link((self, "makessl"), (adapter, "makessl"), passthrough=1)
        self.link((adapter, "outbox"), (self, "outbox"), passthrough=2)
        self.link((adapter, "sslready"), (self, "sslready"), passthrough=2)
        self.link((adapter, "CreatorFeedback"), (self, "_socketFeedback"))
        self.link((self, "_toConnection"), (adapter, "control"))
        self.addChildren(adapter)
        self.CSA = adapter
        return self.childComponents()

    def waitCSAClose(self) -> bool:
        """True while the connection is open. Reads "_socketFeedback": when the
        server has closed its side, the adapter is told to finish (what is
        queued is still written) and ``howDied`` says why."""
        adapter = self.CSA
        while self.dataReady("_socketFeedback"):
            message = self.recv("_socketFeedback")
            if isinstance(message, socketShutdown):
                try:
                    self.howDied = message.message[1]
                except (TypeError, IndexError):
                    pass
                if not self._told:
                    self.send(producerFinished(self), "_toConnection")
                    self._told = True
        return adapter is not None and not adapter._isStopped()

    def _runConnection(self, sock: socket.socket, deadline: float) -> Iterator[Any]:
        self.sock = sock
        for child in self.setupCSA(sock):
            if getattr(child, "scheduler", None) is None:       # not started yet
                child.activate(Scheduler=self.scheduler)
        adapter = self.CSA
        assert adapter is not None, "setupCSA must set self.CSA"
        self._told = False
        if self._finishLater is not None and not self.wait_for_serverclose:
            self.send(self._finishLater, "_toConnection")
            self._told = True
        handshakeTimer = None
        if self.sslContext is not None:     # the handshake counts against connect_timeout
            handshakeTimer = self.scheduler.callLater(max(0.0, deadline - time.monotonic()),
                                                      self._handshakeTimedOut, adapter)
        try:
            while self.waitCSAClose():
                self._passOnControl()
                if not adapter._isStopped() and not self.dataReady("_socketFeedback"):
                    self.pause()
                    yield 1
        finally:
            if handshakeTimer is not None:
                handshakeTimer.cancel()
            if not adapter._isStopped():
                adapter.stop()
            self.removeChild(adapter)
        self.howDied = adapter.howDied
        if self.sslContext is not None and (adapter.howDied or "").startswith("TLS"):
            self._reportFailure(adapter.howDied or "TLS failed", None)
            return
        self.send(producerFinished(self, self.howDied), "signal")

    def _passOnControl(self) -> None:
        """Pass shutdown messages from "control" on to the connection. (With
        wait_for_serverclose a producerFinished changes nothing: the server's
        closing ends the connection.)"""
        while self.dataReady("control"):
            message = self.recv("control")
            if isinstance(message, shutdownMicroprocess) or (
                    isinstance(message, producerFinished) and not self.wait_for_serverclose):
                self.send(message, "_toConnection")
                self._told = True

    def _handshakeTimedOut(self, adapter: ConnectedSocketAdapter) -> None:
        if adapter._handshaking and not adapter._isStopped():
            adapter.howDied = "TLS handshake timed out"
            adapter._fail(None)


__kamaelia_components__ = (TCPClient,)
