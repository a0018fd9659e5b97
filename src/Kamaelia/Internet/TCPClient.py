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

Shutdown
--------
* ``producerFinished`` on ``"control"`` (what a ``DataSource`` before it
  sends when it has run out): what was sent to it is written, then our
  side of the connection is shut (the server reads end of file), and the
  client goes on receiving until the server closes the connection. So
  ``Pipeline(DataSource([request]), TCPClient(host, port), ConsoleEchoer())``
  prints the whole answer.
* ``shutdownMicroprocess`` on ``"control"``: closed at once.
* The server closing the connection: what is queued is still written, then
  the connection is closed.

When the connection has closed it sends ``producerFinished(self, reason)``
out of ``"signal"`` (``reason`` as the adapter's ``howDied``) and ends.
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

__all__ = ["TCPClient"]

log = logging.getLogger("Kamaelia.Internet.TCPClient")


class _Failed(Exception):
    """Connecting failed; the message is the reason."""

    def __init__(self, reason: str, exception: BaseException | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.exception = exception


class _Stopped(Exception):
    """Told to stop before the connection was made."""


class TCPClient(component):
    """TCPClient(host, port, delay=0, connect_timeout=60, family=None, tls=False, sslContext=None, serverHostname=None, connectionOptions=None)

    A TCP connection (see the module docstring).

    - host              -- name or address to connect to
    - port              -- port to connect to
    - delay             -- seconds to wait before connecting
    - connect_timeout   -- seconds to allow for connecting (and the TLS handshake)
    - family            -- ``socket.AF_INET`` / ``socket.AF_INET6`` (default: any)
    - tls               -- speak TLS with the system's default trust
    - sslContext        -- speak TLS with this ``ssl.SSLContext``
    - serverHostname    -- name to check the certificate against (default: host)
    - connectionOptions -- keyword options for the ConnectedSocketAdapter
    """

    Inboxes = {"inbox": "bytes to send to the server",
               "_socketFeedback": "socketShutdown from the connection",
               "control": "producerFinished: send what is queued, then close; "
                          "shutdownMicroprocess: close now"}
    Outboxes = {"outbox": "bytes received from the server",
                "signal": "connectionFailed if it could not connect; producerFinished "
                          "when the connection has closed",
                "_toConnection": "shutdown messages for the connection",
                "_selectorSignal": "(1.14 compatibility; unused)"}

    def __init__(self, host: str, port: int, delay: float = 0, connect_timeout: float = 60,
                 *, family: Any = None, tls: bool = False,
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
        self.family = family
        self.sslContext = sslContext
        self.serverHostname = serverHostname or host
        self.connectionOptions = dict(connectionOptions or {})
        self.CSA: ConnectedSocketAdapter | None = None
        self.sock: socket.socket | None = None
        self.howDied: str | None = None
        self._finishLater: Any = None     # producerFinished received before connecting

    # ------------------------------------------------------------------ main
    def main(self) -> Iterator[Any]:
        try:
            deadline = time.monotonic() + self.delay
            while time.monotonic() < deadline:
                self.pause(deadline - time.monotonic())
                yield 1
                self._checkStop()
            deadline = time.monotonic() + self.connect_timeout
            addresses = yield from self._resolve(deadline)
            sock = yield from self._connectToOne(addresses, deadline)
        except _Stopped:
            self.howDied = "shutdown before connecting"
            self.send(producerFinished(self, self.howDied), "signal")
            return
        except _Failed as failure:
            self._reportFailure(failure.reason, failure.exception)
            return
        yield from self._runConnection(sock, deadline)

    def _checkStop(self) -> None:
        """Before there is a connection: raise _Stopped on shutdownMicroprocess;
        keep a producerFinished for the connection (what was queued is sent first)."""
        while self.dataReady("control"):
            message = self.recv("control")
            if isinstance(message, shutdownMicroprocess):
                raise _Stopped()
            if isinstance(message, producerFinished):
                self._finishLater = message

    def _reportFailure(self, reason: str, exception: BaseException | None) -> None:
        self.howDied = reason
        where = describeAddress((self.host, self.port))
        log.warning("%s: could not connect to %s: %s", self.name, where, reason)
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

    def _connect(self, family: int, kind: int, proto: int, address: Any,
                 deadline: float) -> Generator[Any, None, socket.socket]:
        sock = socket.socket(family, kind, proto)
        sock.setblocking(False)
        ready: list[bool] = []

        def writable() -> None:
            ready.append(True)
            self.unpause()

        registered = False
        try:
            code = sock.connect_ex(address)
            if code not in (0, errno.EINPROGRESS, errno.EWOULDBLOCK, errno.EAGAIN):
                raise _Failed(os.strerror(code), OSError(code, os.strerror(code)))
            if code != 0:
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
    def _runConnection(self, sock: socket.socket, deadline: float) -> Iterator[Any]:
        self.sock = sock
        adapter = ConnectedSocketAdapter(sock, sslContext=self.sslContext, serverSide=False,
                                         serverHostname=self.serverHostname,
                                         **{"halfClose": True, **self.connectionOptions})
        self.CSA = adapter
        self.link((self, "inbox"), (adapter, "inbox"), passthrough=1)
        self.link((adapter, "outbox"), (self, "outbox"), passthrough=2)
        self.link((adapter, "CreatorFeedback"), (self, "_socketFeedback"))
        self.link((self, "_toConnection"), (adapter, "control"))
        self.addChildren(adapter)
        adapter.activate(Scheduler=self.scheduler)
        told = False
        if self._finishLater is not None:
            self.send(self._finishLater, "_toConnection")
            told = True
        handshakeTimer = None
        if self.sslContext is not None:     # the handshake counts against connect_timeout
            handshakeTimer = self.scheduler.callLater(max(0.0, deadline - time.monotonic()),
                                                      self._handshakeTimedOut, adapter)
        try:
            while not adapter._isStopped():
                while self.dataReady("control"):
                    message = self.recv("control")
                    if isinstance(message, (producerFinished, shutdownMicroprocess)):
                        self.send(message, "_toConnection")
                        told = True
                while self.dataReady("_socketFeedback"):
                    if isinstance(self.recv("_socketFeedback"), socketShutdown) and not told:
                        self.send(producerFinished(self), "_toConnection")
                        told = True
                if not adapter._isStopped():
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

    def _handshakeTimedOut(self, adapter: ConnectedSocketAdapter) -> None:
        if adapter._handshaking and not adapter._isStopped():
            adapter.howDied = "TLS handshake timed out"
            adapter._fail(None)
