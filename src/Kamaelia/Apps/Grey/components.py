"""Kamaelia.Apps.Grey.components: the greylisting SMTP proxy's components.

Example Usage
-------------
:class:`~Kamaelia.Apps.Grey.main.GreyService` wires these for you. By hand,
a proxy on a free port relaying to a mail server on 127.0.0.1:8025::

    from Kamaelia.Apps.Grey.components import GreylistWorkers, GreyServer, GreySession
    from Kamaelia.Apps.Grey.config import GreyConfig
    from Kamaelia.Apps.Grey.policy import Greylist
    from Kamaelia.Apps.Grey.store import openStore

    config = GreyConfig(port=0, smtp_port=8025, db=":memory:")
    greylist = Greylist(config, openStore(config.db))
    workers = GreylistWorkers(threads=2)

    def session(**peerInfo):
        return GreySession(config, greylist, workers, **peerInfo)

    server = GreyServer(protocol=session, port=0, host="127.0.0.1")
    print("greylisting on port", server.port)
    server.close()            # (server.run() would serve)
    workers.close()

How does it work?
-----------------
**GreySession** serves one SMTP client. The protocol is spoken by
:class:`~Kamaelia.Protocol.SMTP.server.SMTPServerSession` (bytes in,
replies and events out); the session answers its decisions:

* ``MAIL FROM`` is answered 250 by the session itself (nothing is known
  yet that could refuse it); the sender is kept for the recipients.
* Each ``RCPT TO`` is checked with :meth:`Greylist.check
  <Kamaelia.Apps.Grey.policy.Greylist.check>` (client address, HELO name,
  sender, recipient), in a worker thread of :class:`GreylistWorkers` (it
  reads and writes the store), the result coming back to the
  ``"_verdict"`` inbox. A deferral (``451 4.7.1``, greylisted) or a
  refusal (``550 5.7.1``, relay denied) is the answer.
* The first recipient that passes opens the session with the real server
  (a :class:`~Kamaelia.Internet.TCPClient.TCPClient` to ``smtp_ip``:
  ``smtp_port``, spoken to through
  :class:`~Kamaelia.Protocol.SMTP.client.SMTPClientSession`): its greeting,
  EHLO (HELO if EHLO is refused), then MAIL FROM and RCPT TO (in one packet
  when it offers PIPELINING). Each passing recipient is relayed and the
  client answered with **the real server's reply** to it: a 550 from the
  real server reaches the sender for that recipient only. A real server
  that cannot be reached, or goes away, gives ``451 4.4.1``.
* ``DATA`` is relayed; the client gets 354 only after the real server
  gave it. The message is relayed as it arrives (dot-stuffed again on the
  way), and the real server's answer to the final dot is the client's. So
  the client hears "accepted" only from the real server: nothing is
  accepted and then lost. A message the protocol refuses (too big, 8-bit
  data without ``BODY=8BITMIME``, an overlong line) is refused whole; the
  connection to the real server is then dropped without the final dot, so
  the real server does not deliver a part of it.
* ``RSET`` (or a new EHLO) resets the real server's transaction too; after
  a message the real-server session is kept for the client's next one.
  When the client says QUIT, an idle real-server session goes back to the
  :class:`UpstreamPool` if the session was given one (the next client
  starts with MAIL FROM on it; one gone stale is replaced by a new
  connection, transparently), else it is closed with QUIT.
* ``STARTTLS`` (when a certificate is configured): the 220 is written, then
  the connection is switched to TLS through the adapter's ``"makessl"``
  inbox (:class:`GreyServer` links it); on ``"sslready"`` a fresh protocol
  session starts, as RFC 3207 requires. Bytes from the client between the
  220 and the handshake break RFC 3207: the connection is closed.
* **Idle clients**: when the client has sent nothing for
  ``inactivity_timeout`` seconds while the session waits for it, it gets
  ``421 4.4.2`` and the connection is closed. Time spent waiting for the
  real server or the greylist does not count.
* **Back-pressure**: the session reads from the client only while it can
  act on what it reads: not while a decision is pending, and not while
  more than a few chunks of a message wait to be written to the real
  server; TCP then slows the client down. Memory per session is bounded.

One line per mail transaction (and one for a session that never began
one) is written to the session log, in Kamaelia Grey 1.14's format with
a seventh field added (each recipient's outcome)::

    20240102030405.678 | mail.example.net | 192.0.2.1 | a@example.net | b@x.org, c@x.org |
        ACCEPTED | b@x.org=passed 250, c@x.org=greylisted 451, message 250 |

(one line in the file: shown here in two).

The verdict is ``ACCEPTED`` (the real server took the message),
``DEFERRED`` or ``REJECTED`` (every recipient, or the message, was deferred
or refused), ``UPSTREAM FAILED`` (the real server could not be had),
``ABORTED`` (the client gave up: RSET, QUIT or gone before the message was
accepted) or ``NO MAIL`` (a session without a transaction). The same line
is logged at INFO on the logger ``Kamaelia.Apps.Grey.sessions``.

**GreyServer** is a :class:`~Kamaelia.Chassis.ConnectedServer.ServerCore`
that also links each protocol's ``"makessl"`` outbox to its connection
(and the connection's ``"sslready"`` back), and that can *drain*: on
:class:`drainSessions` on ``"control"`` it stops listening at once and tells
every session so (``drainSessions(final=False)``): a session that is
between transactions answers ``421 4.3.2`` (service shutting down) and
closes; one in the middle of a transaction finishes it first. After
``grace`` seconds the sessions still open are told ``final=True``: they
answer 421 and close, abandoning a message under way (never sending its
final dot, so it is not delivered in part; a message whose final dot has
already been relayed waits for the real server's answer). When no
connection is left, or ``hardStop`` seconds after the grace period, the
server ends as a ``ServerCore`` does on ``producerFinished``.

**GreylistWorkers** is the small thread pool the sessions (and the Postfix
policy server's) check the greylist in.

Shutdown of a session: ``socketShutdown`` on ``"control"`` (the client
closed its side) ends it once what it had sent is handled;
``shutdownMicroprocess`` ends it at once. Either way a real-server session
still open is closed (QUIT; or dropped, without the final dot, in the
middle of a message). It sends ``producerFinished`` out of ``"signal"``
when it ends (the connection writes what is left, then closes).
"""

from __future__ import annotations

import logging
import os
import queue
import ssl
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Generator, Iterator

from Axon.Component import component
from Axon.Ipc import ipc, producerFinished, shutdownMicroprocess
from Kamaelia.Chassis.ConnectedServer import ServerCore
from Kamaelia.Internet.TCPClient import TCPClient
from Kamaelia.Protocol.SMTP import client as _client
from Kamaelia.Protocol.SMTP import server as _server
from Kamaelia.Util._arguments import positiveInt, positiveNumber

__all__ = ["GreySession", "GreyServer", "GreylistWorkers", "UpstreamPool", "SessionLog",
           "drainSessions", "logLine"]

log = logging.getLogger("Kamaelia.Apps.Grey.components")
sessionLogger = logging.getLogger("Kamaelia.Apps.Grey.sessions")

#: Chunks of a message waiting to be written to the real server before the
#: session stops reading from the client.
_UPSTREAM_BACKLOG = 4


class drainSessions(ipc):
    """drainSessions(grace=30.0, final=False) -> "the server is shutting down".

    To a :class:`GreyServer` (on ``"control"``): stop listening, let the
    sessions finish for ``grace`` seconds, then close the rest. To a session:
    finish the transaction under way, then answer 421 and close
    (``final=True``: now).
    """

    def __init__(self, grace: float = 30.0, final: bool = False) -> None:
        self.grace = grace
        self.final = final

    def __repr__(self) -> str:
        return f"drainSessions(grace={self.grace!r}, final={self.final!r})"


# ---------------------------------------------------------------- the log
def logLine(helo: str, ip: str, sender: str, recipients: list[str], verdict: str,
            outcomes: list[str], now: float | None = None) -> str:
    """One session-log line (see the module docstring)."""
    from Kamaelia.Apps.Grey.GreyListingPolicy import logStamp
    return " | ".join([logStamp(now), helo, ip, sender, ", ".join(recipients), verdict,
                       ", ".join(outcomes)]) + " |"


class SessionLog:
    """SessionLog(path) -> appends session lines to ``path`` (None: only to logging).

    The file is opened once and written a line at a time; if it is moved
    away (log rotation) or removed, it is opened again at ``path`` for the
    next line, as ``logging.handlers.WatchedFileHandler`` does.
    """

    def __init__(self, path: str | None) -> None:
        self.path = path
        self._file: Any = None
        self._identity: tuple[int, int] | None = None

    def _open(self) -> None:
        assert self.path is not None
        self._file = open(self.path, "a", encoding="utf-8", errors="backslashreplace")
        stat = os.fstat(self._file.fileno())
        self._identity = (stat.st_dev, stat.st_ino)

    def write(self, line: str) -> None:
        sessionLogger.info("%s", line)
        if self.path is None:
            return
        try:
            if self._file is not None:
                try:
                    stat = os.stat(self.path)
                    moved = (stat.st_dev, stat.st_ino) != self._identity
                except FileNotFoundError:
                    moved = True
                if moved:
                    self._file.close()
                    self._file = None
            if self._file is None:
                self._open()
            self._file.write(line + "\n")
            self._file.flush()
        except OSError as exc:
            log.error("cannot write the session log %s: %s", self.path, exc)

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


# ------------------------------------------------------------ the workers
class GreylistWorkers:
    """GreylistWorkers(threads=4) -> a few threads for blocking greylist work

    :meth:`submit` has ``function(*args)`` run in a worker thread and
    ``(token, result, exception)`` delivered to ``target``'s ``"_verdict"``
    inbox (``_deliver``, thread-safe). The work waits in a plain queue the
    threads take from (no futures: this is done for every recipient).
    """

    def __init__(self, threads: int = 4) -> None:
        positiveInt("GreylistWorkers", "threads", threads)
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._threads = [threading.Thread(target=self._work, name=f"grey-check-{n}",
                                          daemon=True) for n in range(threads)]
        self.closed = False
        for thread in self._threads:
            thread.start()

    def _work(self) -> None:
        take = self._queue.get
        while True:
            job = take()
            if job is None:
                return
            target, token, function, args = job
            try:
                message: tuple[Any, Any, BaseException | None] = (token, function(*args),
                                                                   None)
            except BaseException as exc:       # noqa: BLE001 - carried to the session
                message = (token, None, exc)
            del job
            target._deliver(message, "_verdict")
            del target, message

    def submit(self, target: Any, token: Any, function: Callable[..., Any], *args: Any) -> None:
        if self.closed:
            target._deliver((token, None, RuntimeError("the greylist workers are closed")),
                            "_verdict")
            return
        self._queue.put((target, token, function, args))

    def close(self) -> None:
        """Finish the work already submitted and stop the threads."""
        if self.closed:
            return
        self.closed = True
        for _ in self._threads:
            self._queue.put(None)
        for thread in self._threads:
            thread.join()


# ------------------------------------------------------------ the session
@dataclass
class _Transaction:
    sender: str
    params: dict[str, Any]
    recipients: list[str] = field(default_factory=list)
    outcomes: list[str] = field(default_factory=list)
    accepted: int = 0                    # recipients the real server took
    deferred: int = 0
    rejected: int = 0
    upstreamFailed: bool = False
    mailRefusal: Any = None              # the real server's reply refusing MAIL FROM

    def note(self, recipient: str, outcome: str, code: int) -> None:
        self.recipients.append(recipient)
        self.outcomes.append(f"{recipient}={outcome} {code}")
        if code < 300:
            self.accepted += 1
        elif code < 500:
            self.deferred += 1
        else:
            self.rejected += 1

    def verdict(self) -> str:
        if self.upstreamFailed and not self.accepted:
            return "UPSTREAM FAILED"
        if self.accepted:
            return "ABORTED"             # passed, but no message was accepted
        if self.deferred:
            return "DEFERRED"
        if self.rejected:
            return "REJECTED"
        return "ABORTED"


class _Upstream:
    """The session with the real server."""

    __slots__ = ("client", "codec", "capabilities", "state", "skip", "gone", "pipelining",
                 "reused", "timer")

    def __init__(self, client: TCPClient) -> None:
        self.client = client
        self.codec = _client.SMTPClientSession()
        self.capabilities: dict[str, Any] = {}
        self.state = "connecting"        # -> "ready" -> "mail" -> "data" -> "ready"
        self.skip = 0                    # replies to ignore (answers to RSET)
        self.gone = False
        self.pipelining = False
        self.reused = False              # taken from an UpstreamPool
        self.timer: Any = None           # while parked: the idle timeout


class UpstreamPool:
    """UpstreamPool(size=16, idleTimeout=10.0) -> real-server sessions kept for reuse

    When a client session ends with its real-server session idle (greeted,
    EHLO done, no transaction open, nothing awaited), the GreySession parks
    it here instead of saying QUIT; the next client that needs the real
    server takes it (the most recently parked first) and starts with MAIL
    FROM, saving a connection, a greeting and an EHLO: Postfix's "connection
    caching". At most ``size`` are kept; one unused for ``idleTimeout``
    seconds is closed (QUIT). A parked session that the real server has
    closed, or that it sent anything to meanwhile, is not handed out. A
    session taken from the pool that fails at its first command is
    replaced by a new connection and the command sent again (that is safe:
    nothing of the transaction had been accepted). Scheduler thread only.
    ``size=0`` keeps none.
    """

    def __init__(self, size: int = 16, idleTimeout: float = 10.0) -> None:
        if isinstance(size, bool) or not isinstance(size, int) or size < 0:
            raise ValueError(f"UpstreamPool: size must be an int >= 0, not {size!r}")
        positiveNumber("UpstreamPool", "idleTimeout", idleTimeout)
        self.size, self.idleTimeout = size, idleTimeout
        self._parked: list[_Upstream] = []
        # Sessions saying QUIT on their own (unlinked from any client session),
        # so that a stop "now" need not wait for the real server to answer.
        self._leaving: list[Any] = []
        self.reuses = 0                  # sessions handed out again (for statistics)

    def __len__(self) -> int:
        return len(self._parked)

    def give(self, up: _Upstream, scheduler: Any) -> bool:
        """Keep ``up`` (already unlinked from its session); False if the pool is full."""
        if len(self._parked) >= self.size:
            return False
        up.timer = scheduler.callLater(self.idleTimeout, self._expire, up)
        self._parked.append(up)
        return True

    def take(self) -> _Upstream | None:
        """The most recently parked session still usable, or None."""
        while self._parked:
            up = self._parked.pop()
            up.timer.cancel()
            up.timer = None
            client = up.client
            if (client._isStopped() or client.outboxes["outbox"].local_len()
                    or client.outboxes["signal"].local_len()):
                _cut(up)                 # closed by the server, or it said something
                continue
            up.reused = True
            self.reuses += 1
            return up
        return None

    def _expire(self, up: _Upstream) -> None:
        if up in self._parked:
            self._parked.remove(up)
            up.timer = None
            _quit(up)
            self.leaving(up.client)

    def leaving(self, client: Any) -> None:
        """Note a real-server connection that was told to QUIT and end by
        itself: :meth:`close` with ``gently=False`` cuts it if it has not."""
        self._leaving = [c for c in self._leaving if not c._isStopped() and c is not client]
        self._leaving.append(client)

    def close(self, gently: bool = True) -> None:
        """End every parked session (when the server stops): with QUIT, or
        (``gently=False``, for a stop that must not wait on the real server)
        by closing the connection at once, as also those still leaving."""
        if not gently:
            leaving, self._leaving = self._leaving, []
            for client in leaving:
                if not client._isStopped():
                    client._deliver(shutdownMicroprocess(), "control")
        parked, self._parked = self._parked, []
        for up in parked:
            if up.timer is not None:
                up.timer.cancel()
                up.timer = None
            if gently:
                _quit(up)
            else:
                _cut(up)


def _quit(up: _Upstream) -> None:
    """End a real-server session nobody is linked to: QUIT, then close."""
    client = up.client
    if not client._isStopped():
        client._deliver(up.codec.quit(), "inbox")
        client._deliver(producerFinished(), "control")


def _cut(up: _Upstream) -> None:
    if not up.client._isStopped():
        up.client._deliver(shutdownMicroprocess(), "control")


class GreySession(component):
    """GreySession(config, greylist, workers, sslContext=None, sessionLog=None, **peerInfo)

    One SMTP client, greylisted and relayed to the real server (see the
    module docstring).

    - config     -- a :class:`~Kamaelia.Apps.Grey.config.GreyConfig` (servername,
                    serverid, smtp_ip, smtp_port, inactivity_timeout,
                    max_message_size, max_recipients)
    - greylist   -- a :class:`~Kamaelia.Apps.Grey.policy.Greylist`
    - workers    -- the :class:`GreylistWorkers` to check it in
    - sslContext -- a server ``ssl.SSLContext``: offer STARTTLS with it
    - sessionLog -- a :class:`SessionLog` (default: log only through ``logging``)
    - upstreamPool -- an :class:`UpstreamPool` to reuse real-server sessions from
                    (default: none; a new connection for each client)
    - peer, peerport, localip, localport -- the connection (ServerCore passes them)
    - upstreamTimeout -- seconds to wait for each reply of the real server (default 120)
    """

    Inboxes = {"inbox": "bytes from the SMTP client",
               "control": "socketShutdown / shutdownMicroprocess / drainSessions",
               "_verdict": "(token, Verdict, exception) from the greylist workers",
               "_fromUpstream": "bytes from the real SMTP server",
               "_upstreamSignal": "the connection to the real server has ended",
               "sslready": "the TLS handshake asked for on \"makessl\" is done"}
    Outboxes = {"outbox": "bytes to the SMTP client",
                "signal": "producerFinished when the session ends",
                "_toUpstream": "bytes to the real SMTP server",
                "_upstreamControl": "producerFinished / shutdownMicroprocess to the "
                                    "real-server connection",
                "makessl": "the ssl.SSLContext to switch the client connection to TLS"}

    upstreamTimeout: float = 120.0
    upstreamConnectTimeout: float = 30.0

    def __init__(self, config: Any, greylist: Any, workers: GreylistWorkers,
                 sslContext: ssl.SSLContext | None = None, sessionLog: SessionLog | None = None,
                 peer: str = "", peerport: int = 0, localip: str = "", localport: int = 0,
                 upstreamPool: UpstreamPool | None = None, **argd: Any) -> None:
        super().__init__(**argd)
        if sslContext is not None and not isinstance(sslContext, ssl.SSLContext):
            raise TypeError(f"GreySession: sslContext must be an ssl.SSLContext, "
                            f"not {sslContext!r}")
        positiveNumber("GreySession", "upstreamTimeout", self.upstreamTimeout)
        self.config = config
        self.greylist = greylist
        self.workers = workers
        self.sslContext = sslContext
        self.sessionLog = sessionLog or SessionLog(None)
        self.upstreamPool = upstreamPool
        self.peer, self.peerport = str(peer or ""), peerport
        self.localip, self.localport = localip, localport
        self.helo = ""
        self.smtp: Any = None
        self._up: _Upstream | None = None
        self._pendingText: list[bytes] = []     # message text not yet written upstream
        self._tx: _Transaction | None = None
        self._transactions = 0
        self._token = 0
        self._clientClosed = False       # socketShutdown: no more bytes will come
        self._fedEnd = False             # receive(b"") done
        self._abort = False              # shutdownMicroprocess
        self._draining = False
        self._cutShort = False           # drainSessions(final=True)
        self._finished = False
        self._idleSince: float | None = None
        self._idleTimer: Any = None
        self._idle = False

    # ----------------------------------------------------------- helpers
    def _newProtocol(self, tlsActive: bool) -> Any:
        c = self.config
        return _server.SMTPServerSession(
            hostname=c.servername, software=c.serverid, maxMessageSize=c.max_message_size,
            maxRecipients=c.max_recipients, startTLS=self.sslContext is not None,
            tlsActive=tlsActive)

    def _flush(self) -> None:
        out = self.smtp.output()
        if out:
            self.send(out, "outbox")

    def _readControl(self) -> None:
        while self.dataReady("control"):
            message = self.recv("control")
            if isinstance(message, drainSessions):
                self._draining = True
                if message.final:
                    self._cutShort = True
            elif isinstance(message, shutdownMicroprocess):
                self._abort = True
            elif isinstance(message, producerFinished):      # socketShutdown
                self._clientClosed = True

    # ------------------------------------------------------------ idling
    def _armIdle(self) -> None:
        timeout = self.config.inactivity_timeout
        if timeout and timeout > 0:
            self._idleTimer = self.scheduler.callLater(timeout, self._checkIdle)

    def _checkIdle(self) -> None:
        timeout = self.config.inactivity_timeout
        since = self._idleSince
        if self._finished:
            self._idleTimer = None
            return
        if since is None:
            self._idleTimer = self.scheduler.callLater(timeout, self._checkIdle)
            return
        quiet = time.monotonic() - since
        if quiet >= timeout:
            self._idleTimer = None
            self._idle = True
            self.unpause()
        else:
            self._idleTimer = self.scheduler.callLater(timeout - quiet, self._checkIdle)

    # -------------------------------------------------------------- main
    def main(self) -> Iterator[Any]:
        try:
            yield from self._serve()
        finally:
            self._cleanUp()
        self.send(producerFinished(self), "signal")

    def _serve(self) -> Iterator[Any]:
        self.smtp = self._newProtocol(tlsActive=False)
        self.send(self.smtp.greeting(), "outbox")
        self._armIdle()
        while True:
            self._readControl()
            if self._abort:
                return
            if self._cutShort or (self._draining and self._tx is None):
                self._closeWith421("4.3.2", "Service shutting down, try again later")
                return
            if self._idle:
                self._closeWith421("4.4.2", "Idle timeout, closing connection")
                return
            if self._up is not None and self._upstreamBacklogged():
                # A message is being relayed faster than the real server takes
                # it: read no more from the client until the connection to the
                # real server takes a chunk (so TCP slows the client down).
                self._idleSince = None
                self.outboxes["_toUpstream"].sink.notifyOnTake(self.unpause)
                self.pause()
                yield 1
                continue
            while self.dataReady("inbox"):
                self.smtp.receive(self.recv("inbox"))
                if self._up is not None and self._up.state == "data":
                    break                 # relay this much before reading more
            if self._clientClosed and not self.dataReady("inbox") and not self._fedEnd:
                self._fedEnd = True
                self.smtp.receive(b"")
            yield from self._handleEvents()
            self._flush()
            if self._finished or self._abort or self.smtp.closed or self._fedEnd:
                return
            if self._draining and self._tx is None:
                continue                  # (the 421 above, now the transaction is over)
            if not self.anyReady():
                if self._idleSince is None:
                    self._idleSince = time.monotonic()
                self.pause()
            yield 1
            if self.dataReady("inbox"):
                self._idleSince = None

    def _handleEvents(self) -> Iterator[Any]:
        smtp = self.smtp
        while not self._abort and not self._finished:
            event = smtp.nextEvent()
            if event is _server.NEED_DATA or event is _server.PAUSED:
                if self._pendingText and self._up is not None:
                    self._flushText()
                return
            self._idleSince = None
            kind = type(event)
            if kind is _server.MessageData:
                self._relayChunk(event.chunk)
            elif kind is _server.RcptTo:
                yield from self._recipient(event)
            elif kind is _server.MailFrom:
                self._mailFrom(event)
            elif kind is _server.DataStart:
                yield from self._dataStart()
            elif kind is _server.MessageEnd:
                yield from self._messageEnd()
            elif kind is _server.Hello:
                self.helo = event.name
            elif kind is _server.Reset:
                self._reset()
            elif kind is _server.StartTLS:
                yield from self._startTLS()
                smtp = self.smtp
            elif kind is _server.Quit:
                self._endTransaction("ABORTED")
                self._flush()
                self._finished = True
            elif kind is _server.ProtocolError:
                self._protocolError(event)
            else:                                  # pragma: no cover - a new event kind
                log.debug("%s: ignoring %r", self.name, event)

    # ------------------------------------------------------- transactions
    def _mailFrom(self, event: Any) -> None:
        self._endTransaction("ABORTED")
        if self._draining:
            self.smtp.close("Service shutting down, try again later")
            self._finished = True
            return
        self._tx = _Transaction(event.address, dict(event.params))
        self.smtp.answer(250, "Sender OK", "2.1.0")

    def _reset(self) -> None:
        self._endTransaction("ABORTED")
        up = self._up
        if up is not None and not up.gone and up.state == "mail":
            self.send(up.codec.rset(), "_toUpstream")
            up.skip += 1
            up.state = "ready"

    def _endTransaction(self, verdict: str | None = None) -> None:
        """Log the transaction under way (with ``verdict``, or its own) and forget it."""
        tx = self._tx
        if tx is None:
            return
        self._tx = None
        self._transactions += 1
        if verdict is None or (verdict == "ABORTED" and not tx.accepted):
            verdict = tx.verdict()            # (how its recipients went)
        self.sessionLog.write(logLine(self.helo, self.peer, tx.sender, tx.recipients,
                                      verdict, tx.outcomes))

    def _protocolError(self, event: Any) -> None:
        log.debug("%s (client %s): %s", self.name, self.peer, event.reason)
        up = self._up
        if up is not None and up.state == "data":
            # The protocol refused the message whole: the real server must not
            # get its final dot, so the part it has is thrown away.
            self._dropUpstream(abort=True)
            if self._tx is not None:
                if event.code is None:           # the client went away mid-message
                    self._tx.outcomes.append("message abandoned by the client")
                    self._endTransaction("ABORTED")
                else:
                    self._tx.outcomes.append(f"message refused {event.code}: {event.reason}")
                    self._endTransaction("REJECTED")

    # ---------------------------------------------------------- recipients
    def _check(self, recipient: str) -> Generator[Any, Any, Any]:
        """Ask the greylist about ``recipient`` (in a worker); the Verdict, or
        None if the session was stopped meanwhile."""
        self._token += 1
        token = self._token
        tx = self._tx
        sender = tx.sender if tx is not None else ""
        self.workers.submit(self, token, self.greylist.check, self.peer, self.helo,
                            sender, recipient)
        while True:
            found = self._verdictFor(token, recipient)
            if found is not None:
                return found[0]
            self._readControl()
            if self._abort:
                return None
            self.pause()
            yield 1

    def _verdictFor(self, token: int, recipient: str) -> tuple[Any] | None:
        """(the Verdict or the exception,) for ``token`` if it has come, else None."""
        while self.dataReady("_verdict"):
            got, verdict, error = self.recv("_verdict")
            if got == token:
                if error is not None:
                    log.error("%s: the greylist check for %s failed: %s", self.name,
                              recipient, error, exc_info=error)
                    return (error,)
                return (verdict,)
        return None

    def _recipient(self, event: Any) -> Iterator[Any]:
        tx = self._tx
        recipient = event.address
        if tx is None:                         # (the protocol forbids it; be safe)
            self.smtp.answer(503, "Sender first", "5.5.1")
            return
        verdict = yield from self._check(recipient)
        if verdict is None:
            return
        if isinstance(verdict, BaseException):
            self.smtp.answer(451, "Temporary failure checking the greylist, try again later",
                             "4.3.0")
            tx.note(recipient, "check-failed", 451)
            return
        if verdict.action != "accept":
            self.smtp.answer(verdict.code, verdict.text, verdict.enhanced)
            tx.note(recipient, verdict.reason, verdict.code)
            return
        if tx.mailRefusal is not None:
            self._answerWith(tx.mailRefusal)
            tx.note(recipient, f"{verdict.reason} sender-refused", tx.mailRefusal.code)
            return
        fresh = False
        while True:
            ready = yield from self._openUpstream(fresh)
            if not ready:
                self.smtp.answer(451, "The mail server is not available, try again later",
                                 "4.4.1")
                tx.upstreamFailed = True
                tx.note(recipient, f"{verdict.reason} upstream-unavailable", 451)
                return
            up = self._up
            assert up is not None
            try:
                # (built, and so checked, before anything is sent)
                mail = (up.codec.mail(tx.sender, self._mailParams(tx.params, up))
                        if up.state == "ready" else b"")
                rcpt = up.codec.rcpt(recipient)
            except ValueError as exc:
                # The protocol took it, but it cannot be written to the real server.
                log.info("%s: cannot relay %s from %s: %s", self.name, recipient, tx.sender,
                         exc)
                self._dropUpstream(abort=True)
                self.smtp.answer(553, "Address not accepted by this relay", "5.1.3")
                tx.note(recipient, f"{verdict.reason} unrelayable", 553)
                return
            if not mail:
                self.send(rcpt, "_toUpstream")
                break
            self.send(mail + rcpt if up.pipelining else mail, "_toUpstream")
            reply = yield from self._upstreamReply()
            if up.reused and not fresh and (reply is None or reply.code == 421):
                # A session from the pool that had gone stale: nothing of this
                # transaction was taken, so try once more on a new connection.
                log.debug("%s: a reused connection to the mail server failed (%s); "
                          "reconnecting", self.name, reply)
                self._dropUpstream(abort=True)
                fresh = True
                continue
            if reply is None:
                self._upstreamLost(tx, recipient, verdict.reason)
                return
            if not reply.ok:
                tx.mailRefusal = reply
                if up.pipelining:
                    up.skip += 1                 # the RCPT's answer (503, no sender)
                self._answerWith(reply)
                tx.note(recipient, f"{verdict.reason} sender-refused", reply.code)
                return
            up.state = "mail"
            if not up.pipelining:
                self.send(rcpt, "_toUpstream")
            break
        reply = yield from self._upstreamReply()
        if reply is None:
            self._upstreamLost(tx, recipient, verdict.reason)
            return
        if self._answerWith(reply):
            tx.note(recipient, verdict.reason if reply.ok else
                    f"{verdict.reason} upstream-refused", reply.code)
        else:
            tx.upstreamFailed = True
            tx.note(recipient, f"{verdict.reason} upstream-confused", 451)

    @staticmethod
    def _mailParams(params: dict[str, Any], up: _Upstream) -> dict[str, Any]:
        """The MAIL FROM parameters the real server understands."""
        passed: dict[str, Any] = {}
        capabilities = up.capabilities
        for name, value in params.items():
            key = name.upper()
            if key == "SIZE" and "SIZE" in capabilities:
                passed[key] = value
            elif key == "BODY" and "8BITMIME" in capabilities:
                passed[key] = value
            elif key == "SMTPUTF8" and "SMTPUTF8" in capabilities:
                passed[key] = value
        return passed

    def _upstreamLost(self, tx: _Transaction, recipient: str, reason: str) -> None:
        self._dropUpstream(abort=True)
        self.smtp.answer(451, "The mail server went away, try again later", "4.4.1")
        tx.upstreamFailed = True
        tx.note(recipient, f"{reason} upstream-lost", 451)

    def _answerWith(self, reply: Any) -> bool:
        """Answer the pending decision with the real server's reply; False (and
        451 instead) if that reply makes no sense as an answer to it (a 3xx to
        RCPT, a 2xx to DATA)."""
        try:
            self.smtp.answer(reply.code, reply.text, reply.enhanced)
            return True
        except ValueError as exc:
            log.warning("%s: the mail server's answer %s %s does not fit (%s)", self.name,
                        reply.code, reply.text, exc)
            self.smtp.answer(451, "The mail server gave an unexpected answer, try again later",
                             "4.3.0")
            self._dropUpstream(abort=True)
            return False

    # ------------------------------------------------------------ the message
    def _dataStart(self) -> Iterator[Any]:
        up = self._up
        if up is None or up.gone or up.state != "mail":
            self.smtp.answer(451, "The mail server went away, try again later", "4.4.1")
            return
        self.send(up.codec.data(), "_toUpstream")
        reply = yield from self._upstreamReply()
        if reply is None:
            self._dropUpstream(abort=True)
            self.smtp.answer(451, "The mail server went away, try again later", "4.4.1")
            if self._tx is not None:
                self._tx.upstreamFailed = True
                self._endTransaction("UPSTREAM FAILED")
            return
        if reply.code == 354:
            up.state = "data"
        elif self._tx is not None:
            self._tx.outcomes.append(f"DATA refused {reply.code}")
        self._answerWith(reply)

    def _relayChunk(self, chunk: bytes) -> None:
        # Kept until the events of this read are handled, then written at once
        # (with the final dot, when it came in the same read): fewer, bigger
        # writes to the real server.
        up = self._up
        if up is not None and up.state == "data" and not up.gone:
            self._pendingText.append(up.codec.messageChunk(chunk))

    def _flushText(self, end: bytes = b"") -> None:
        if self._pendingText or end:
            self._pendingText.append(end)
            self.send(b"".join(self._pendingText), "_toUpstream")
            self._pendingText.clear()

    def _messageEnd(self) -> Iterator[Any]:
        up = self._up
        tx = self._tx
        if up is None or up.gone or up.state != "data":
            self.smtp.answer(451, "The mail server went away, try again later", "4.4.1")
            self._dropUpstream(abort=True)
            if tx is not None:
                self._endTransaction("UPSTREAM FAILED")
            return
        self._flushText(up.codec.endMessage())
        reply = yield from self._upstreamReply(final=True)
        if reply is None:
            self._dropUpstream(abort=True)
            self.smtp.answer(451, "The mail server went away before accepting the message, "
                             "try again later", "4.4.1")
            self._endTransaction("UPSTREAM FAILED")
            return
        up.state = "ready"
        answered = self._answerWith(reply)
        if tx is not None:
            tx.outcomes.append(f"message {reply.code}")
            self._endTransaction("UPSTREAM FAILED" if not answered else
                                 "ACCEPTED" if reply.code < 300 else
                                 "DEFERRED" if reply.code < 500 else "REJECTED")

    def _upstreamBacklogged(self) -> bool:
        return len(self.outboxes["_toUpstream"]) >= _UPSTREAM_BACKLOG

    # ------------------------------------------------------ the real server
    def _openUpstream(self, fresh: bool = False) -> Generator[Any, Any, bool]:
        """Make sure the real-server session is ready (one from the pool, unless
        ``fresh``); False if it cannot be."""
        up = self._up
        if up is not None and not up.gone:
            return True
        if up is not None:
            self._dropUpstream(abort=True)
        pool = self.upstreamPool
        reused = pool.take() if pool is not None and not fresh else None
        if reused is not None:
            self._up = reused
            self._attach(reused.client)
            return True
        c = self.config
        try:
            client = TCPClient(c.smtp_ip, c.smtp_port,
                               connect_timeout=self.upstreamConnectTimeout)
        except (TypeError, ValueError) as exc:
            log.error("%s: cannot connect to the mail server %s:%s: %s", self.name,
                      c.smtp_ip, c.smtp_port, exc)
            return False
        up = self._up = _Upstream(client)
        self._attach(client)
        client.activate()
        greeting = yield from self._upstreamReply()
        if greeting is None or greeting.code != 220:
            if greeting is not None:
                log.warning("%s: the mail server greeted with %s %s", self.name,
                            greeting.code, greeting.text)
            self._dropUpstream(abort=True)
            return False
        self.send(up.codec.ehlo(c.servername), "_toUpstream")
        reply = yield from self._upstreamReply()
        if reply is not None and not reply.ok and reply.code >= 500:
            self.send(up.codec.helo(c.servername), "_toUpstream")
            reply = yield from self._upstreamReply()
            capabilities: dict[str, Any] = {}
        elif reply is not None and reply.ok:
            capabilities = up.codec.capabilities(reply)
        else:
            capabilities = {}
        if reply is None or not reply.ok:
            self._dropUpstream(abort=True)
            return False
        up.capabilities = capabilities
        up.pipelining = "PIPELINING" in capabilities
        up.state = "ready"
        return True

    def _attach(self, client: TCPClient) -> None:
        for box in ("_fromUpstream", "_upstreamSignal"):
            while self.dataReady(box):
                self.recv(box)
        self.link((self, "_toUpstream"), (client, "inbox"))
        self.link((self, "_upstreamControl"), (client, "control"))
        self.link((client, "outbox"), (self, "_fromUpstream"))
        self.link((client, "signal"), (self, "_upstreamSignal"))
        self.addChildren(client)

    def _upstreamReply(self, final: bool = False) -> Generator[Any, Any, Any]:
        """The real server's next reply (after those to skip); None if it went
        away, sent nonsense, took longer than ``upstreamTimeout``, or the
        session was stopped. ``final``: waiting for the answer to a message
        (a drain does not cut that short)."""
        up = self._up
        if up is None or up.gone:
            return None
        codec = up.codec
        deadline = time.monotonic() + self.upstreamTimeout
        timer = self.scheduler.callLater(self.upstreamTimeout, self.unpause)
        try:
            ended = False
            while True:
                while self.dataReady("_fromUpstream"):
                    codec.receive(self.recv("_fromUpstream"))
                try:
                    reply = codec.nextReply()
                except _client.SMTPReplyError as exc:
                    log.warning("%s: the mail server sent a bad reply: %s", self.name, exc)
                    up.gone = True
                    return None
                if reply is not _client.NEED_DATA:
                    if up.skip:
                        up.skip -= 1
                        continue
                    return reply
                if ended:
                    up.gone = True
                    return None
                if self.dataReady("_upstreamSignal"):
                    self._upstreamEnded()
                    ended = True           # (its last bytes came before this)
                    continue
                self._readControl()
                if self._abort:
                    return None
                if time.monotonic() >= deadline:
                    log.warning("%s: the mail server did not answer within %g s", self.name,
                                self.upstreamTimeout)
                    up.gone = True
                    return None
                self.pause()
                yield 1
        finally:
            timer.cancel()

    def _upstreamEnded(self) -> None:
        while self.dataReady("_upstreamSignal"):
            reason = getattr(self.recv("_upstreamSignal"), "reason", None)
            if reason:
                log.warning("%s: the mail server %s:%s: %s", self.name,
                            self.config.smtp_ip, self.config.smtp_port, reason)

    def _dropUpstream(self, abort: bool = False) -> None:
        """Let go of the real-server session: QUIT, or (``abort``) cut it."""
        up = self._up
        self._pendingText.clear()
        if up is None:
            return
        self._up = None
        client = up.client
        pool = self.upstreamPool
        park = (not abort and not up.gone and pool is not None and up.state == "ready"
                and up.skip == 0 and not up.codec.expecting and not self.dataReady("_fromUpstream")
                and not self.dataReady("_upstreamSignal"))
        if abort or up.gone:
            self.send(shutdownMicroprocess(self), "_upstreamControl")
        elif not park:
            if up.state == "mail":
                self.send(up.codec.rset(), "_toUpstream")
            self.send(up.codec.quit(), "_toUpstream")
            self.send(producerFinished(self), "_upstreamControl")
            if pool is not None:
                pool.leaving(client)
        self.removeChild(client)           # (undoes the linkages too)
        if park and pool is not None and not pool.give(up, self.scheduler):
            _quit(up)
        for box in ("_fromUpstream", "_upstreamSignal"):
            while self.dataReady(box):
                self.recv(box)
        while self.outboxes["_toUpstream"]:   # nothing left for a next one
            self._collect("_toUpstream")

    # -------------------------------------------------------------- TLS
    def _startTLS(self) -> Iterator[Any]:
        self._endTransaction("ABORTED")
        self._dropUpstream()
        self._flush()                         # the 220
        outbox = self.outboxes["outbox"]
        while len(outbox):                    # taken by the connection: written
            self._readControl()
            if self._abort:
                return
            outbox.sink.notifyOnTake(self.unpause)
            self.pause()
            yield 1
        self.send(self.sslContext, "makessl")
        while not self.dataReady("sslready"):
            self._readControl()
            if self._abort or self._clientClosed:
                self._finished = True
                return
            if self.dataReady("inbox"):
                log.info("%s: client %s sent data before the TLS handshake; closing",
                         self.name, self.peer)
                self._finished = True
                return
            self.pause()
            yield 1
        self.recv("sslready")
        self.helo = ""
        self.smtp = self._newProtocol(tlsActive=True)

    # --------------------------------------------------------------- ending
    def _closeWith421(self, enhanced: str, text: str) -> None:
        self.smtp.close(text, enhanced)
        self._flush()
        self._endTransaction("ABORTED")

    def _cleanUp(self) -> None:
        self._finished = True
        if self._idleTimer is not None:
            self._idleTimer.cancel()
            self._idleTimer = None
        self._endTransaction("ABORTED")
        if self._transactions == 0:
            self._transactions = 1
            self.sessionLog.write(logLine(self.helo, self.peer, "", [], "NO MAIL", []))
        up = self._up
        if up is not None:
            self._dropUpstream(abort=up.state == "data" or self._abort)


# --------------------------------------------------------------- the server
class GreyServer(ServerCore):
    """GreyServer(protocol=factory, port=25, host=None, hardStop=10, **ServerCore options)

    A :class:`~Kamaelia.Chassis.ConnectedServer.ServerCore` that links each
    protocol's ``"makessl"`` outbox to its connection (``"sslready"`` back)
    and drains on :class:`drainSessions` (see the module docstring).
    """

    Inboxes = {**ServerCore.Inboxes,
               "control": "drainSessions: stop listening, let sessions finish; "
                          "serverShutdown / shutdownMicroprocess / producerFinished: "
                          "close everything and end"}

    hardStop: float = 10.0

    def __init__(self, *args: Any, **argd: Any) -> None:
        super().__init__(*args, **argd)
        self.draining = False
        self._graceTimer: Any = None
        self._hardTimer: Any = None
        self._hardDeadlinePassed = False

    def handleNewConnection(self, newCSAMessage: Any) -> None:
        super().handleNewConnection(newCSAMessage)
        adapter = newCSAMessage.object
        connection = self._connections.get(adapter)
        if connection is None:
            return
        protocol = connection.protocol
        if "makessl" in protocol.outboxes:
            self.link((protocol, "makessl"), (adapter, "makessl"))
        if "sslready" in protocol.inboxes:
            self.link((adapter, "sslready"), (protocol, "sslready"))
        if self.draining:
            protocol._deliver(drainSessions(final=True), "control")

    def _shutdownRequest(self) -> Any:
        while self.dataReady("control"):
            message = self.recv("control")
            if isinstance(message, drainSessions):
                self._drain(message.grace)
            elif isinstance(message, (shutdownMicroprocess, producerFinished)):
                return message
        if self.draining and (not self._connections or self._hardDeadlinePassed):
            return producerFinished(self)
        return None

    def _drain(self, grace: float) -> None:
        if self.draining:
            return
        self.draining = True
        self.close()                      # stop listening: the port is free at once
        for connection in list(self._connections.values()):
            connection.protocol._deliver(drainSessions(grace), "control")
        self._graceTimer = self.scheduler.callLater(max(0.0, grace), self._graceOver)

    def _graceOver(self) -> None:
        self._graceTimer = None
        for connection in list(self._connections.values()):
            if connection.protocol is not None:
                connection.protocol._deliver(drainSessions(0, final=True), "control")
        self._hardTimer = self.scheduler.callLater(self.hardStop, self._hardDeadline)

    def _hardDeadline(self) -> None:
        self._hardTimer = None
        self._hardDeadlinePassed = True
        self.unpause()

    def main(self) -> Iterator[Any]:
        try:
            yield from super().main()
        finally:
            for timer in (self._graceTimer, self._hardTimer):
                if timer is not None:
                    timer.cancel()


__kamaelia_components__ = (GreySession, GreyServer)
