"""Kamaelia.Internet.ConnectedSocketAdapter: a connected socket as a component.

Example Usage
-------------
Servers and clients make these for you (``ServerCore``, ``TCPClient``). Made
by hand around a connected socket, it turns bytes on ``"inbox"`` into bytes
on the wire, and bytes from the wire into messages on ``"outbox"``::

    import socket
    from Axon.Ipc import producerFinished
    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Internet.ConnectedSocketAdapter import ConnectedSocketAdapter
    from Kamaelia.Util.DataSource import DataSource

    ours, theirs = socket.socketpair()
    Pipeline(DataSource([b"hello ", b"world"]), ConnectedSocketAdapter(ours)).run()
    assert theirs.recv(100) == b"hello world"
    theirs.close()

How does it work?
-----------------
The socket is made non-blocking and registered with the scheduler's own
wait (``addReader``), so the adapter costs nothing while nothing happens.

* **Receiving**: when the socket is readable, up to ``readSize`` bytes are
  read and sent out of ``"outbox"`` at once, from the scheduler's callback,
  without waiting for the adapter's turn (see "Bounded memory" for when it
  stops reading).
* **Sending**: bytes (``str`` is encoded as UTF-8) taken from ``"inbox"``
  are written straight away if the socket takes them; what it does not take
  waits in a buffer, written in order as the socket drains (``addWriter``).
  A single message arriving while the adapter sleeps with nothing else to
  do is written in the sender's own turn, without waking the adapter (its
  "inbox" stands a small waker where its run state would be), so an answer
  leaves in the turn that made it.
  Anything else on ``"inbox"`` is logged (naming its type) and dropped, or
  raises ``TypeError`` with ``crashOnBadDataToSend=True``.
* **TLS**: given ``sslContext``, the socket is wrapped (``serverSide`` says
  which end we are); the handshake is driven by readiness like everything
  else, so it never blocks the scheduler. A failed handshake closes the
  connection with the reason logged.
* ``idleTimeout`` (seconds): the connection is closed if nothing is read or
  written for that long (see also :mod:`Kamaelia.Internet.TimeOutCSA`).

Bounded memory (back-pressure)
------------------------------
By default a connection holds a bounded amount of data however its peer
and its protocol behave, and passes the pressure back to whoever sends too
fast, through TCP's own flow control:

* **The protocol is behind** (``receiveQueueLimit``, default 4 chunks of at
  most ``readSize``, 64 KiB, so 256 KiB): while that many received chunks
  wait in the inbox this feeds, reading stops until the protocol takes one.
  If that inbox has a size limit (``noSpaceInBox``), the refused chunk is
  held and reading stops the same way.
* **The peer is not reading** (``sendBufferLimit``, default 64 KiB): while
  that many bytes wait to be written, the adapter takes nothing more from
  ``"inbox"`` and *stops reading* too, until the peer has read enough.
  A protocol whose answers come from what it is sent (an echo, a
  request/response protocol) then gets nothing more to answer, so what
  waits on ``"inbox"`` stays small as well, and a client that sends but
  never reads finds its own sends blocked (the issue of a server swelling by
  what such a client sends is what this prevents).
  ``readWhileBacklogged=True`` keeps reading meanwhile; ``TCPClient`` sets
  it, since a client and a server that both stopped reading while both had
  much to send would wait for each other forever.
* What a protocol sends *without being asked* is not slowed by the adapter:
  such a producer watches ``len(self.outboxes["outbox"])`` (the messages
  waiting in this inbox, as in 1.14) or is given ``inboxSize`` (a hard limit
  in messages: its ``send`` raises ``noSpaceInBox`` when full, and
  :mod:`Kamaelia.Protocol.EchoProtocol` and most Kamaelia components wait
  for room). No hard limit is set by default: a 1.14 protocol that sends
  many messages in one turn would fail on it.

``None`` for ``sendBufferLimit`` or ``receiveQueueLimit`` removes that
limit. When the connection ends, what it still held (unsent bytes, unread
messages on ``"inbox"``) is dropped at once, so that whatever still refers
to the adapter (``shutdownCSA`` messages, user code) does not keep it.

Shutdown
--------
* When the peer closes its side (or the connection fails), the adapter
  sends ``socketShutdown(self, [sock, reason])`` out of ``"CreatorFeedback"``
  (once) and stops reading. Then, as in 1.14, it writes what it already
  has and closes. With ``answerAfterPeerCloses=True`` (what ``ServerCore``
  uses) it instead goes on writing what it is given until told to stop, so
  a protocol can still answer a client that half-closed.
* ``producerFinished`` on ``"control"``: everything already sent to it is
  written, then the socket is closed. With ``halfClose=True`` (what
  ``TCPClient`` uses) only our sending side is shut (the peer reads end of
  file) and the adapter goes on receiving until the peer closes too.
* ``shutdownMicroprocess`` on ``"control"``: the socket is closed at once;
  unsent data is dropped.
* A write error (the peer reset the connection) closes it at once; the
  error is logged with the peer's address.

When it ends it closes the socket and calls :meth:`passOnShutdown`, which
sends ``socketShutdown`` out of ``"CreatorFeedback"`` (if it had not yet)
and ``shutdownCSA(self, (self, sock))`` out of ``"signal"`` (1.14's shapes).
Its ``howDied`` attribute says why (``"peer closed"``, ``"producer
finished"``, ``"shutdown"``, ``"timeout"``, or the error).

TLS on request (``"makessl"``)
------------------------------
As in 1.14, any message on ``"makessl"`` switches a plain connection to TLS
(STARTTLS-style protocols need this): once the bytes it has already begun
writing are written, the socket is wrapped and the handshake runs, without
blocking; what waits on ``"inbox"`` then goes over TLS (never in plain
text); when the handshake is done, ``""`` goes out of ``"sslready"``. The message
may be an ``ssl.SSLContext`` to use; otherwise the adapter's
``sslContext``, or else the system's default client context (which, unlike
1.14's, checks the server's certificate, against ``serverHostname`` when
it is known). A server's adapter needs a context with the server's
certificate (1.14 then spoke TLS as a client, which no client can talk
to): without one the connection is closed, with the reason logged. A
failed handshake closes the connection, with the reason logged too.

Compatibility: 1.14's methods
-----------------------------
The 1.14 signature is kept: ``selectorService`` and ``sendTo`` are accepted
and unused (the socket is watched by the scheduler, not through the
Selector), and so is the ``"_selectorSignal"`` outbox. 1.14's methods are
here and do their 1.14 job, and ``main`` calls the overridable ones:

* :meth:`handleControl` (control messages), :meth:`checkSocketStatus`
  (``"ReadReady"``/``"SendReady"``: a message there makes it try to read or
  write at once; nothing needs to send them), :meth:`flushSendQueue`
  (take from ``"inbox"`` and write), :meth:`canDoSomething` (whether to
  pause), :meth:`passOnShutdown` (the messages sent at the end) are called
  by ``main``, so a subclass that overrides one changes what it does.
* :meth:`handleReceive` is the readiness callback: the scheduler calls it
  whenever the socket is readable, so overriding it changes how data is
  received.
* The echo path is kept short: when exactly one ``bytes`` message waits
  and nothing else is going on, ``main`` writes it itself without calling
  :meth:`handleControl`, :meth:`checkSocketStatus` or
  :meth:`flushSendQueue`; :meth:`handleReceive` and :meth:`flushSendQueue`
  call the socket directly rather than through :meth:`_saferecv` and
  :meth:`_safesend` (one Python call fewer per message). Those two work
  when called (they read or write once, handling "would block" and
  errors as 1.14 did), but overriding them does not change the adapter.

``whinge`` (module level) switches the logging of failed sends and
receives (``{"socketSendingFailure": True, "socketRecievingFailure": True}``,
1.14's keys): False logs them at debug level. ``crashAndBurn`` is kept for
1.14 code; nothing reads it (1.14 did not either). :class:`SSLSocket` is
1.14's blocking TLS wrapper, for code that made one itself; the adapter
does not need it.
"""

from __future__ import annotations

import errno
import logging
import os
import socket
import ssl
import sys
import time
from typing import Any, Iterator

from Axon.AxonExceptions import noSpaceInBox
from Axon.Component import component
from Axon.Ipc import producerFinished, shutdownMicroprocess
from Kamaelia.IPC import shutdownCSA, socketShutdown
from Kamaelia._logthrottle import RepeatLimiter
from Kamaelia.Internet.FileRegion import FileRegion
from Kamaelia.Internet._addresses import describeAddress, peerInfo
from Kamaelia.Util._arguments import positiveInt, positiveNumber

__all__ = ["ConnectedSocketAdapter", "SSLSocket", "whinge", "crashAndBurn"]

log = logging.getLogger("Kamaelia.Internet.ConnectedSocketAdapter")
#: Per-connection failures (resets, failed handshakes, bad data) are logged
#: through this: a storm of them costs a line per interval, not one per connection.
repeats = RepeatLimiter(log)

#: Log failed sends / receives as warnings (True) or at debug level (False).
whinge: dict[str, bool] = {"socketSendingFailure": True, "socketRecievingFailure": True}
#: Kept for 1.14 code, which could set it; nothing reads it (1.14 did not either).
crashAndBurn: dict[str, bool] = {"uncheckedSocketShutdown": True, "receivingDataFailed": True,
                                 "sendingDataFailed": True}

_TLS_RECORD = 16384          # bytes per TLS write (retries must repeat the same length)
_AGAIN = (BlockingIOError, InterruptedError)


class _ClassDefault:
    """Stands for a keyword that was not given: the class attribute applies
    (``None`` cannot, since it means "no limit")."""

    def __repr__(self) -> str:
        return "<class default>"


_CLASS_DEFAULT: Any = _ClassDefault()

#: The smallest read while the send buffer is nearly full (see handleReceive).
_MIN_READ = 4096
#: Messages waiting on "inbox" that are sized up (more count as a full buffer).
_PENDING_LOOK = 64


#: Most bytes one os.sendfile call is asked for (the socket takes what fits).
_SENDFILE_MAX = 1 << 24
#: A piece of a file region read into the send buffer (TLS, no sendfile).
_REGION_PIECE = 1 << 18


def _sizeOf(data: Any) -> int:
    """Bytes a message on "inbox" will take in the send buffer (str: its
    length, near enough; anything else is dropped, so 0)."""
    if isinstance(data, (bytes, bytearray, str)):
        return len(data)
    if isinstance(data, memoryview):
        return data.nbytes
    return 0


class SSLSocket:
    """SSLSocket(sock, context=None, server_hostname=None) -> a blocking TLS client wrapper

    1.14's wrapper around a connected socket: the TLS handshake is done
    here and now (blocking), then ``recv``/``send`` read and write through
    TLS. As in 1.14, ``recv`` returns ``b""`` and ``send`` 0 when TLS needs
    to wait for the network, so a non-blocking caller retries later.
    ``context`` defaults to the system's default client context, which
    checks the server's certificate (against ``server_hostname`` when
    given; 1.14 checked nothing). The ConnectedSocketAdapter does its own
    TLS without blocking and does not need this class.
    """

    def __init__(self, sock: socket.socket, context: ssl.SSLContext | None = None,
                 server_hostname: str | None = None) -> None:
        if not isinstance(sock, socket.socket):
            raise TypeError(f"SSLSocket needs a connected socket, not {sock!r}")
        if context is None:
            context = ssl.create_default_context()
            if server_hostname is None:
                context.check_hostname = False
        blocking = sock.getblocking()
        sock.setblocking(True)
        #: the TLS socket (1.14's name). It takes over the descriptor of the
        #: socket it wraps, so ``sock`` (1.14 kept the plain one there) is it too.
        self.sslobj = context.wrap_socket(sock, server_hostname=server_hostname)
        self.sslobj.setblocking(blocking)
        self.sock = self.sslobj

    def shutdown(self, code: int) -> None:
        self.sslobj.shutdown(code)

    def close(self) -> None:
        self.sslobj.close()

    def fileno(self) -> int:
        return self.sslobj.fileno()

    def setblocking(self, state: bool) -> None:
        self.sslobj.setblocking(state)

    def recv(self, size: int = 1024) -> bytes:
        try:
            return self.sslobj.recv(size)
        except (ssl.SSLWantReadError, ssl.SSLWantWriteError):
            return b""

    def send(self, data: bytes) -> int:
        try:
            return self.sslobj.send(data)
        except (ssl.SSLWantReadError, ssl.SSLWantWriteError):
            return 0


class _WriteThrough:
    """Stands where the adapter's RunState would, for its "inbox": a message
    arriving while the adapter sleeps, that can go straight into the socket
    (the common case, see ``_sentOneAtOnce``), is written at once, in the
    sender's turn, and the adapter is not woken; anything else wakes it.

    An echo's round trip then takes one scheduler turn (the protocol's)
    instead of two: on 1,000 connections, 10.5 -> 9.7 us of server CPU a
    round trip (asyncio Protocol: 6.1).
    """

    __slots__ = ("adapter", "state", "inbox", "control")
    paused = True           # (so that every arrival calls wake)

    def __init__(self, adapter: "ConnectedSocketAdapter", inbox: Any, control: Any) -> None:
        self.adapter, self.state = adapter, adapter._runstate
        self.inbox, self.control = inbox, control

    def wake(self) -> None:
        state = self.state
        if not state.paused:
            return                      # it will look at its inbox anyway
        adapter = self.adapter
        if (state.stopped or not adapter._started
                or not adapter._sentOneAtOnce(self.inbox, self.control)):
            state.wake()


class ConnectedSocketAdapter(component):
    """ConnectedSocketAdapter(listensocket[, selectorService][, crashOnBadDataToSend][, noisyErrors][, sendTo], **options)

    A connected socket as a component (see the module docstring).

    - listensocket        -- the connected socket (made non-blocking)
    - selectorService     -- accepted for 1.14 compatibility; unused
    - crashOnBadDataToSend-- raise TypeError on a message that is not bytes/str
                             (default: log it and drop it)
    - noisyErrors         -- log connection errors as warnings (default True;
                             False logs them at debug level)
    - sendTo              -- accepted for 1.14 compatibility; unused

    Keyword-only options: ``sslContext`` and ``serverSide`` (TLS),
    ``serverHostname`` (TLS client: the name to check the certificate
    against), ``idleTimeout`` (seconds, default none), ``halfClose`` (on
    ``producerFinished``, shut only the sending side),
    ``answerAfterPeerCloses`` (keep writing after the peer has closed its
    side, until told to stop), and the bounds (see "Bounded memory" in the
    module docstring):

    - sendBufferLimit   -- bytes taken from "inbox" and not yet written, at most
                           (default 64 KiB; ``None``: no limit)
    - receiveQueueLimit -- received chunks waiting for the protocol, at most
                           (default 4; ``None``: no limit)
    - readSize          -- bytes read at a time, so the largest chunk (default 64 KiB)
    - readWhileBacklogged -- go on reading while ``sendBufferLimit`` is reached
                           (default False: stop reading until the peer reads)
    - inboxSize         -- a hard limit, in messages, on "inbox" (default none)
    """

    Inboxes = {"inbox": "bytes (or str, sent as UTF-8) to send through the socket",
               "control": "producerFinished: send what is queued, then close; "
                          "shutdownMicroprocess: close now",
               "ReadReady": "(1.14) anything here: try reading now (the socket is "
                            "watched directly anyway)",
               "SendReady": "(1.14) anything here: try writing now",
               "makessl": "anything (or an ssl.SSLContext): switch the connection to TLS"}
    Outboxes = {"outbox": "bytes received from the socket",
                "CreatorFeedback": "socketShutdown(self, [sock, reason]) once the socket "
                                   "can no longer receive",
                "signal": "shutdownCSA(self, (self, sock)) when this adapter ends",
                "_selectorSignal": "(1.14 compatibility; unused)",
                "sslready": "\"\" once the TLS handshake asked for on \"makessl\" is done"}

    #: Stop taking from "inbox" (and, unless ``readWhileBacklogged``, stop
    #: reading) while this many bytes wait to be written; None: no limit.
    sendBufferLimit: int | None = 32 * 1024
    #: Stop reading while this many received chunks wait to be taken by the
    #: protocol; None: no limit.
    receiveQueueLimit: int | None = 2
    #: Bytes read per readiness callback (the largest chunk sent on).
    readSize: int = 32768
    #: Go on reading while the send buffer is full (False: stop, so a peer
    #: that sends but does not read is not read from).
    readWhileBacklogged: bool = False

    def __init__(self, listensocket: socket.socket, selectorService: Any = None,
                 crashOnBadDataToSend: bool = False, noisyErrors: bool = True,
                 sendTo: Any = None, *, sslContext: ssl.SSLContext | None = None,
                 serverSide: bool = True, serverHostname: str | None = None,
                 sendBufferLimit: int | None = _CLASS_DEFAULT,
                 receiveQueueLimit: int | None = _CLASS_DEFAULT,
                 readSize: int | None = None, inboxSize: int | None = None,
                 idleTimeout: float | None = None, halfClose: bool = False,
                 answerAfterPeerCloses: bool = False,
                 readWhileBacklogged: bool | None = None,
                 **argd: Any) -> None:
        super().__init__(**argd)
        if not isinstance(listensocket, socket.socket):
            raise TypeError(f"ConnectedSocketAdapter needs a connected socket, "
                            f"not {listensocket!r}")
        if sslContext is not None and not isinstance(sslContext, ssl.SSLContext):
            raise TypeError(f"sslContext must be an ssl.SSLContext, not {sslContext!r}")
        owner = type(self).__name__
        for name, value in (("sendBufferLimit", sendBufferLimit),
                            ("receiveQueueLimit", receiveQueueLimit)):
            if value is not _CLASS_DEFAULT:
                setattr(self, name, None if value is None else positiveInt(owner, name, value))
        if readSize is not None:
            self.readSize = positiveInt(owner, "readSize", readSize)
        if readWhileBacklogged is not None:
            self.readWhileBacklogged = bool(readWhileBacklogged)
        # (the limits as numbers, so the hot paths need no None checks)
        self._sendLimit: int = (sys.maxsize if self.sendBufferLimit is None
                                else self.sendBufferLimit)
        self._receiveLimit: int = (sys.maxsize if self.receiveQueueLimit is None
                                   else self.receiveQueueLimit)
        if idleTimeout is not None:
            positiveNumber(owner, "idleTimeout", idleTimeout)
        if inboxSize is not None:
            self.inboxes["inbox"].setSize(inboxSize)
        self.socket = listensocket
        self.selectorService = selectorService
        self.crashOnBadDataToSend = crashOnBadDataToSend
        self.noisyErrors = noisyErrors
        self.sendTo = sendTo
        self.sslContext = sslContext
        self.serverSide = serverSide
        self.serverHostname = serverHostname
        self.idleTimeout = idleTimeout
        self.halfClose = halfClose
        self.answerAfterPeerCloses = answerAfterPeerCloses
        self.howDied: str | None = None
        #: peer, peerport, localip, localport (the protocol factory's keywords)
        self.peerInfo = peerInfo(listensocket)
        self.peer = describeAddress((self.peerInfo["peer"], self.peerInfo["peerport"]))
        listensocket.setblocking(False)

        self._out = bytearray()
        self._region: FileRegion | None = None   # a file being sent (after _out)
        self._noSendfile = False        # sendfile failed here once: read regions instead
        self._tlsRetry = 0             # length of a TLS write to repeat, or 0
        self._handshaking = False
        self._tlsWantsWrite = False     # the TLS layer must write before it can read
        self._reading = self._writing = False
        self._receiving = True          # until EOF or an error
        self._held: bytes | None = None   # received, refused by a full inbox
        self._backlogged = False        # reading stopped: the send buffer is full
        self._watchingTake: Any = None  # the box watched for the protocol to take a chunk
        self._closing = False           # producerFinished: flush, then close
        self._wroteEOF = False          # half-closed (halfClose=True)
        self._failed = False
        self._fedBack = False
        self._lastActivity = 0.0
        self._idleTimer: Any = None
        self._started = False
        self._sslReadyWanted = False    # send "" on "sslready" after the handshake
        self._sslRequest: Any = None    # a makessl waiting for the buffer to drain
        self._failedWhile = "receiving"  # which whinge key applies to a failure
        self._nudgeBoxes = (self.inboxes["ReadReady"], self.inboxes["SendReady"],
                            self.inboxes["makessl"])
        # Bound once: the scheduler calls these on readiness. handleReceive is
        # looked up on the instance, so a subclass's override is the callback.
        self._readCallback = self.handleReceive
        self._writeCallback = self._onWritable
        self._tookCallback = self._taken
        inbox = self.inboxes["inbox"]
        inbox.wakes = _WriteThrough(self, inbox, self.inboxes["control"])

    @property
    def isSSL(self) -> bool:
        """True once the connection speaks TLS (1.14's attribute)."""
        return self.sslContext is not None

    # ------------------------------------------------------------------ main
    def main(self) -> Iterator[Any]:
        self._started = True
        try:
            self._begin()
            inbox, control = self.inboxes["inbox"], self.inboxes["control"]
            while True:
                if self._sentOneAtOnce(inbox, control):
                    self.pause()
                    yield 1
                    continue
                if self.handleControl():
                    break
                self.checkSocketStatus()
                self._checkMakeSSL()
                self.flushSendQueue()
                if self._failed:
                    break
                if (self._closing and not self._out and self._region is None
                        and not self.dataReady("inbox")):
                    if not self.halfClose or not self._receiving:
                        break
                    self._shutWrite()
                if not self._reading and self._receiving and not self._handshaking:
                    self._maybeResumeReading()
                # (an unpause from our own callbacks during this turn would be
                # undone by pausing, so look for work left before sleeping)
                if not self.canDoSomething():
                    self.pause()
                yield 1
        finally:
            self._finish()

    def _begin(self) -> None:
        self._touch()
        if self.idleTimeout is not None:
            self._idleTimer = self.scheduler.callLater(self.idleTimeout, self._checkIdle)
        if self.sslContext is not None:
            self._startTLS(self.sslContext)
        else:
            self._startReading()

    def _startTLS(self, context: ssl.SSLContext) -> None:
        """Wrap the socket for TLS and begin the (non-blocking) handshake."""
        try:
            self.socket = context.wrap_socket(
                self.socket, server_side=self.serverSide, do_handshake_on_connect=False,
                server_hostname=None if self.serverSide else self.serverHostname)
        except (ssl.SSLError, OSError, ValueError) as exc:
            self._fail(f"TLS setup failed ({exc})")
            return
        self._handshaking = True
        self._handshake()

    def checkSocketStatus(self) -> None:
        """Take what arrived on "ReadReady"/"SendReady" (what 1.14's Selector
        sent, and 1.14 code may still send) as a prompt to read / write now."""
        if self.dataReady("ReadReady"):
            list(self.Inbox("ReadReady"))
            if self._receiving and not self._handshaking and self._reading:
                self.handleReceive()
        if self.dataReady("SendReady"):
            list(self.Inbox("SendReady"))
            if not self._handshaking:
                self._flush()

    def canDoSomething(self) -> bool:
        """True if there is work this adapter can do now (so ``main`` does not
        pause): data to take while the send buffer has room, or a message
        waiting on "control", "ReadReady", "SendReady" or "makessl"."""
        readReady, sendReady, makessl = self._nudgeBoxes
        return (self._moreToSend() or bool(self.inboxes["control"].q) or
                bool(readReady.q or sendReady.q) or
                (bool(makessl.q) and self._sslRequest is None))

    def handleControl(self) -> bool:
        """Act on the messages on "control": ``shutdownMicroprocess`` ends at
        once, ``producerFinished`` once what is queued is written. Returns
        True when ``main`` must end now (1.14's returned nothing; ``main``
        treats a false value as "carry on")."""
        while self.dataReady("control"):
            message = self.recv("control")
            if isinstance(message, shutdownMicroprocess):
                self.howDied = self.howDied or "shutdown"
                return True
            if isinstance(message, producerFinished):
                self._closing = True
                self.howDied = self.howDied or "producer finished"
        return False

    # ------------------------------------------------------------- receiving
    def _startReading(self) -> None:
        if not self._reading and self._receiving and not self._failed:
            self._reading = True
            self.scheduler.addReader(self.socket, self._readCallback)

    def _stopReading(self) -> None:
        if self._reading:
            self._reading = False
            self.scheduler.removeReader(self.socket)

    def handleReceive(self) -> None:
        """Read what the socket has and send it out of "outbox" (the
        scheduler calls this whenever the socket is readable). Stops reading
        while the protocol is behind, or the peer is (see "Bounded memory"
        in the module docstring)."""
        if self._handshaking:
            self._handshake()
            return
        if self._tlsWantsWrite:
            self._flush()
        # This runs once per read, the hottest path there is, for one
        # connection among thousands whose objects are not in the CPU's
        # caches: it looks at the adapter's own attributes only. The
        # protocol's inbox is checked by _passOn, just after it touched it.
        # Bytes wait to be written only while _writing (the writer is
        # watched); messages waiting on "inbox" are moved to that buffer by
        # main unless it is full, so _writing covers them too.
        size = self.readSize
        if self._writing and not self.readWhileBacklogged:
            room = self._sendLimit - self._pendingOut()
            if room <= 0:
                self._backlogged = True
                self._stopReading()       # _updateWriter resumes once the peer has read
                return
            if room < size:
                # Read no more than the send buffer has room for: the answer
                # to it (an echo) then fits, and a connection whose peer
                # reads slowly holds about sendBufferLimit, not that plus a read.
                size = max(room, _MIN_READ)
        sock = self.socket
        try:
            data = sock.recv(size)
        except (*_AGAIN, ssl.SSLWantReadError, ssl.SSLWantWriteError):
            return
        except OSError as exc:
            self._failedWhile = "receiving"
            self._receiveEnded(self._describeError(exc))
            self._fail(None)
            return
        if not data:
            self._receiveEnded("peer closed")
            return
        self._touch()
        if self._passOn(data) and self.sslContext is not None:
            # Decrypted bytes already buffered do not make the socket readable
            # (_maybeResumeReading comes back for what this leaves there).
            while (self._reading and sock.pending()   # type: ignore[attr-defined]
                   and len(self.outboxes["outbox"]) < self._receiveLimit):
                try:
                    data = sock.recv(self.readSize)
                except (ssl.SSLWantReadError, ssl.SSLWantWriteError):
                    break
                except OSError as exc:
                    self._receiveEnded(self._describeError(exc))
                    self._fail(None)
                    return
                if not data or not self._passOn(data):
                    break

    def _saferecv(self, sock: Any, size: int = 32768) -> bytes | None:
        """Read up to ``size`` bytes from ``sock``: the data, or None if there
        is none now, or the connection has ended (then noted as in
        :meth:`handleReceive`). Not called by the adapter itself (see the
        module docstring)."""
        try:
            data = sock.recv(size)
        except (*_AGAIN, ssl.SSLWantReadError, ssl.SSLWantWriteError):
            return None
        except OSError as exc:
            self._failedWhile = "receiving"
            self._receiveEnded(self._describeError(exc))
            self._fail(None)
            return None
        if not data:
            self._receiveEnded("peer closed")
            return None
        self._touch()
        return data

    def _passOn(self, data: bytes) -> bool:
        """Send ``data`` on; False (reading stopped) if the protocol is behind:
        ``receiveQueueLimit`` chunks now wait for it, or its inbox has a size
        limit and is full (the chunk is then held until it has room)."""
        outbox = self.outboxes["outbox"]
        try:
            outbox.append(data)
        except noSpaceInBox:
            self._held = data
            self._stopReading()
            self._whenTaken()
            return False
        if len(outbox) >= self._receiveLimit:
            self._stopReading()       # the protocol is behind: resume when it takes one
            self._whenTaken()
            return False
        return True

    def _pendingOut(self) -> int:
        """Bytes waiting to be written: the send buffer and what waits on
        "inbox" (the first ``_PENDING_LOOK`` messages; more than that counts
        as full)."""
        pending = len(self._out)
        if self._region is not None:
            pending += min(self._region.remaining, self._sendLimit)
        q = self.inboxes["inbox"].q
        if q:
            if len(q) > _PENDING_LOOK:
                return max(pending, self._sendLimit)
            for message in q:
                pending += _sizeOf(message)
        return pending

    def _shutWrite(self) -> None:
        """Half-close: tell the peer we have finished sending; go on receiving."""
        if not self._wroteEOF:
            self._wroteEOF = True
            if self.sslContext is None:
                try:
                    self.socket.shutdown(socket.SHUT_WR)
                except OSError:
                    pass                  # the peer has gone: EOF or an error follows
                return
            # TLS: a close_notify is TLS's end of file. unwrap() sends it, then
            # wants the peer's in return (SSLWantReadError); reading goes on
            # meanwhile, so the peer can still answer.
            try:
                self.socket.unwrap()      # type: ignore[attr-defined]
            except (ssl.SSLWantReadError, ssl.SSLWantWriteError):
                return
            except (ssl.SSLError, OSError, ValueError):
                pass
            self._receiveEnded("closed")  # both ends have finished

    def _whenTaken(self) -> None:
        """Be woken when the protocol takes a chunk (once, however often asked).

        The box watched is where the chunks wait now. Before "outbox" is
        linked that is "outbox" itself, and linking moves them on without
        taking them: whoever links it wakes the adapter (``ServerCore``
        does), which then looks again, at the new destination."""
        sink = self.outboxes["outbox"].sink
        if self._watchingTake is not sink:
            self._watchingTake = sink
            sink.notifyOnTake(self._tookCallback)

    def _taken(self) -> None:
        self._watchingTake = None
        self.unpause()

    def _maybeResumeReading(self) -> None:
        """After back-pressure: pass on a held chunk, resume once there is
        room, both for the protocol (its inbox) and, unless
        ``readWhileBacklogged``, in the send buffer."""
        outbox = self.outboxes["outbox"]
        if self._held is not None:
            try:
                outbox.append(self._held)
            except noSpaceInBox:
                self._whenTaken()
                return
            self._held = None
        if self._backlogged:
            if self._pendingOut() >= self._sendLimit:
                return                    # _updateWriter wakes us once the peer has read
            self._backlogged = False
        if len(outbox) < self._receiveLimit:
            self._startReading()
            if self.sslContext is not None and self._reading and \
                    self.socket.pending():   # type: ignore[attr-defined]
                self.handleReceive()      # decrypted bytes the socket will not announce
        else:
            self._whenTaken()

    def _receiveEnded(self, reason: str) -> None:
        if not self._receiving:
            return
        self._receiving = False
        self._stopReading()
        if self.howDied is None:
            self.howDied = reason
        self._feedBack(reason)
        if not self.answerAfterPeerCloses:
            self._closing = True          # write what is here, then close
        self.unpause()

    def _feedBack(self, reason: str) -> None:
        if not self._fedBack:
            self._fedBack = True
            self.send(socketShutdown(self, [self.socket, reason]), "CreatorFeedback")

    # --------------------------------------------------------------- sending
    def flushSendQueue(self) -> None:
        """Take what waits on "inbox" (while the send buffer has room) and
        write as much as the socket takes now; the rest is written as the
        socket drains."""
        took = self._takeOutgoing()
        if (self._out and not took and not self._writing and not self._handshaking
                and not self._failed and self._sslRequest is None):
            self._flush()

    def _takeOutgoing(self) -> bool:
        """Take from "inbox" into the send buffer (and write, unless a TLS
        switch or handshake must come first); True if it took anything."""
        if self._failed:
            return False
        out, limit = self._out, self._sendLimit
        inbox = self.inboxes["inbox"]
        took = False
        # A message is taken if it fits (or nothing waits): the buffer never
        # holds more than the limit or one message, whichever is larger.
        while (inbox.q and self._region is None
               and (not out or len(out) + _sizeOf(inbox.q[0]) <= limit)):
            if inbox.q[0].__class__ is FileRegion:
                if out:
                    break                 # the bytes before it go first
                self._region = inbox.q.popleft()
                took = True
                break
            data = inbox.q.popleft()     # (a size-limited box's view wakes its producers)
            if isinstance(data, (bytes, bytearray, memoryview)):
                out += data
            elif isinstance(data, str):
                out += data.encode("utf-8")
            else:
                self._badData(data)
            took = True
        if took and not self._handshaking and self._sslRequest is None:
            self._flush()
        return took

    def _sentOneAtOnce(self, inbox: Any, control: Any) -> bool:
        """The common case, kept short: on a plain socket with nothing else
        going on, one ``bytes`` message waits; send it. True if it did (and
        nothing is left to do), False to take the general path."""
        q = inbox.q
        readReady, sendReady, makessl = self._nudgeBoxes
        if (len(q) != 1 or control.q or self._out or self._region is not None
                or not self._reading or self._closing
                or self._failed or self.sslContext is not None or inbox.size is not None
                or readReady.q or sendReady.q or makessl.q):
            return False
        data = q[0]
        if data.__class__ is not bytes:
            return False
        try:
            written = self.socket.send(data)
        except BlockingIOError:
            written = 0
        except OSError:
            return False                  # the general path reports it
        q.popleft()
        if written < len(data):
            self._out += memoryview(data)[written:]
            self._updateWriter()
        if self.idleTimeout is not None:
            self._touch()
        return True

    def _moreToSend(self) -> bool:
        return (not self._handshaking and not self._failed and bool(self.dataReady("inbox"))
                and not self._sendFull() and self._sslRequest is None)

    def _sendFull(self) -> bool:
        """True while the next message on "inbox" (or any, if none waits)
        would take the send buffer past ``sendBufferLimit``."""
        if self._region is not None:
            return True                   # nothing more until the file has gone
        out = self._out
        if not out:
            return False
        q = self.inboxes["inbox"].q
        return len(out) + (_sizeOf(q[0]) if q else 0) >= self._sendLimit + (1 if q else 0)

    def _badData(self, data: Any) -> None:
        text = (f"{self.name} (connection with {self.peer}) can only send bytes or str, "
                f"not {type(data).__name__}: {data!r:.80}")
        if self.crashOnBadDataToSend:
            raise TypeError(text)
        repeats.error("%s; dropped it", text)

    def _flush(self) -> None:
        """Write as much of the buffer as the socket takes now."""
        out, sock = self._out, self.socket
        tls = self.sslContext is not None
        self._tlsWantsWrite = False
        while out or (self._region is not None and self._fillFromRegion()):
            try:
                if tls:
                    size = self._tlsRetry or min(len(out), _TLS_RECORD)
                    self._tlsRetry = size
                    written = sock.send(bytes(out[:size]))
                    self._tlsRetry = 0
                else:
                    written = sock.send(out)
            except (*_AGAIN, ssl.SSLWantWriteError):
                break
            except ssl.SSLWantReadError:
                self._tlsWantsWrite = True
                break
            except OSError as exc:
                self._failedWhile = "sending"
                self._receiveEnded(self._describeError(exc))
                self._fail(None)
                return
            del out[:written]
            self._touch()
            if not tls and out:
                break                     # a partial write: the socket is full
        self._updateWriter()
        if (self.dataReady("inbox") and not self._sendFull()) or self._closing:
            self.unpause()

    # -------------------------------------------------------- file regions
    def _fillFromRegion(self) -> bool:
        """Send the file region under way (the send buffer is empty). On a
        plain socket the kernel copies it (``os.sendfile``) until the socket
        is full or the region done: False (nothing for the buffer). Over TLS,
        or where sendfile cannot be used, a piece of it is read into the
        send buffer: True (the caller writes it)."""
        region = self._region
        assert region is not None
        if region.remaining == 0:
            self._endRegion()
            return False
        if self.sslContext is None and region.fd >= 0 and not self._noSendfile:
            sock = self.socket.fileno()
            while region.remaining:
                try:
                    sent = os.sendfile(sock, region.fd, region.offset,
                                       min(region.remaining, _SENDFILE_MAX))
                except BlockingIOError:
                    return False          # full: _updateWriter waits for it to drain
                except OSError as exc:
                    if exc.errno in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
                        self._noSendfile = True    # (read it instead, below)
                        break
                    self._failedWhile = "sending"
                    self._receiveEnded(self._describeError(exc))
                    self._fail(None)
                    return False
                if sent == 0:
                    self._regionCutShort(region)
                    return False
                region.advance(sent)
                self._touch()
            else:
                self._endRegion()
                return False
        try:
            data = region.read(_REGION_PIECE)
        except OSError as exc:
            self._fail(f"reading the file being sent failed ({exc})")
            return False
        if not data:
            self._regionCutShort(region)
            return False
        self._out += data
        if region.remaining == 0:
            self._endRegion()
        return True

    def _regionCutShort(self, region: FileRegion) -> None:
        # The file shrank under us: what the peer was promised (a length)
        # cannot be kept, so the connection ends rather than lie.
        self._fail(f"the file being sent ended {region.remaining} bytes early")

    def _endRegion(self) -> None:
        region, self._region = self._region, None
        if region is not None:
            region.close()
        self.unpause()                    # take what waits behind it

    def _dropRegion(self) -> None:
        region, self._region = self._region, None
        if region is not None:
            region.close()

    def _safesend(self, sock: Any, data: Any) -> int:
        """Write ``data`` to ``sock`` once: the number of bytes written (0 if
        the socket takes none now, or the connection failed, which is then
        noted as a write error is). Not called by the adapter itself (see
        the module docstring)."""
        try:
            written = sock.send(data)
        except (*_AGAIN, ssl.SSLWantWriteError, ssl.SSLWantReadError):
            return 0
        except OSError as exc:
            self._failedWhile = "sending"
            self._receiveEnded(self._describeError(exc))
            self._fail(None)
            return 0
        self._touch()
        return written

    def _updateWriter(self) -> None:
        """Watch for writability while bytes wait; once the peer has read
        enough of them, wake main to resume reading if it had stopped for them."""
        out = self._out
        want = (bool(out) or self._region is not None) and not self._failed
        if want != self._writing:
            self._writing = want
            if want:
                self.scheduler.addWriter(self.socket, self._writeCallback)
            else:
                self.scheduler.removeWriter(self.socket)
        if self._backlogged and self._pendingOut() < self._sendLimit:
            self._backlogged = False
            self.unpause()                # main resumes reading (_maybeResumeReading)

    def _onWritable(self) -> None:
        if self._handshaking:
            self._handshake()
        else:
            self._flush()
            if self._sslRequest is not None and not self._out and self._region is None:
                self.unpause()            # the buffer has drained: switch to TLS now

    # ------------------------------------------------------------ makessl
    def _checkMakeSSL(self) -> None:
        """A message on "makessl": switch to TLS once the bytes already taken
        from "inbox" are written (what still waits there goes over TLS)."""
        if self._sslRequest is None:
            if not self.dataReady("makessl"):
                return
            self._sslRequest = self.recv("makessl")
            while self.dataReady("makessl"):
                self.recv("makessl")          # asking twice changes nothing
            if self.sslContext is not None and not isinstance(self._sslRequest, ssl.SSLContext):
                self._sslRequest = None       # already TLS: just say so
                self.send("", "sslready")
                return
        if self._out or self._region is not None or self._failed:
            return                            # _onWritable brings us back here
        request, self._sslRequest = self._sslRequest, None
        context = request if isinstance(request, ssl.SSLContext) else self.sslContext
        if context is None:
            if self.serverSide:
                # 1.14 then spoke TLS as a *client* on a server's connection,
                # which no client can talk to; carrying on in plain text after
                # TLS was asked for would be worse.
                self._fail("asked for TLS on \"makessl\" without an ssl.SSLContext "
                           "holding the server's certificate")
                return
            context = ssl.create_default_context()
            if self.serverHostname is None:
                context.check_hostname = False
        self._stopReading()
        if self._writing:
            self._writing = False
            self.scheduler.removeWriter(self.socket)
        self.sslContext = context
        self._sslReadyWanted = True
        self._startTLS(context)

    # ------------------------------------------------------------------- TLS
    def _handshake(self) -> None:
        sock = self.socket
        try:
            sock.do_handshake()   # type: ignore[attr-defined]
        except ssl.SSLWantReadError:
            self._watchForHandshake(write=False)
            return
        except ssl.SSLWantWriteError:
            self._watchForHandshake(write=True)
            return
        except (ssl.SSLError, OSError) as exc:
            self._handshaking = False
            self._stopReading()
            self._fail(f"TLS handshake failed ({exc})")
            return
        self._handshaking = False
        self._stopWatchingHandshake()
        self._touch()
        if self._sslReadyWanted:
            self._sslReadyWanted = False
            self.send("", "sslready")
        self._startReading()
        if self._out or self.dataReady("inbox"):
            self._flush()
        self.unpause()

    def _watchForHandshake(self, write: bool) -> None:
        scheduler = self.scheduler
        if write:
            if self._reading:
                self._reading = False
                scheduler.removeReader(self.socket)
            if not self._writing:
                self._writing = True
                scheduler.addWriter(self.socket, self._writeCallback)
        else:
            if self._writing:
                self._writing = False
                scheduler.removeWriter(self.socket)
            if not self._reading:
                self._reading = True
                scheduler.addReader(self.socket, self._readCallback)

    def _stopWatchingHandshake(self) -> None:
        self._stopReading()
        if self._writing:
            self._writing = False
            self.scheduler.removeWriter(self.socket)

    # ---------------------------------------------------------------- idling
    def _touch(self) -> None:
        if self.idleTimeout is not None:
            self._lastActivity = time.monotonic()

    def _checkIdle(self) -> None:
        assert self.idleTimeout is not None
        quiet = time.monotonic() - self._lastActivity
        if quiet >= self.idleTimeout:
            self._idleTimer = None
            self.howDied = self.howDied or "timeout"
            self._fail(None)
        else:
            self._idleTimer = self.scheduler.callLater(self.idleTimeout - quiet,
                                                       self._checkIdle)

    # ---------------------------------------------------------------- ending
    def _describeError(self, exc: OSError) -> str:
        return exc.strerror or str(exc) or type(exc).__name__

    def _fail(self, reason: str | None) -> None:
        """End now (the connection is unusable); ``reason`` is logged."""
        if reason is not None:
            if self.howDied is None:
                self.howDied = reason
            level = logging.WARNING if self.noisyErrors else logging.DEBUG
            repeats.log(level, "%s: connection with %s closed: %s", self.name, self.peer,
                        reason)
        elif self.howDied not in (None, "peer closed", "timeout", "shutdown",
                                  "producer finished"):
            key = ("socketSendingFailure" if self._failedWhile == "sending"
                   else "socketRecievingFailure")
            level = (logging.WARNING if self.noisyErrors and whinge.get(key, True)
                     else logging.DEBUG)
            repeats.log(level, "%s: connection with %s closed: %s", self.name, self.peer,
                        self.howDied)
        self._failed = True
        self._out.clear()
        self._dropRegion()
        self.unpause()

    def _finish(self) -> None:
        if self._idleTimer is not None:
            self._idleTimer.cancel()
            self._idleTimer = None
        scheduler, sock = self.scheduler, self.socket
        if self._reading:
            self._reading = False
            scheduler.removeReader(sock)
        if self._writing:
            self._writing = False
            scheduler.removeWriter(sock)
        if isinstance(sock, ssl.SSLSocket) and not self._failed and not self._handshaking:
            try:
                sock.unwrap()             # close_notify, so the peer sees a clean end
            except (ssl.SSLError, OSError, ValueError):
                pass
        try:
            sock.close()
        except OSError:
            pass
        self._release()
        if self.howDied is None:
            self.howDied = "shutdown"
        self.passOnShutdown()

    def _release(self) -> None:
        """Drop what this connection can no longer send or pass on, at once:
        whoever still holds the adapter (a shutdownCSA message, user code)
        must not keep its buffers alive."""
        self._out = bytearray()
        self._held = None
        self._sslRequest = None
        self._dropRegion()
        waiting = self.inboxes["inbox"].q
        if waiting:
            for message in waiting:
                if message.__class__ is FileRegion:
                    message.close()
            waiting.clear()

    def passOnShutdown(self) -> None:
        """Tell the creator and the component linked to "signal" that this
        connection has ended: ``socketShutdown(self, [sock, howDied])`` out of
        "CreatorFeedback" (unless it was sent already, when the peer closed)
        and ``shutdownCSA(self, (self, sock))`` out of "signal"."""
        self._feedBack(self.howDied or "shutdown")
        self.send(shutdownCSA(self, (self, self.socket)), "signal")

    def stop(self) -> None:
        """Stop the adapter. One that never ran closes its socket here and
        sends what :meth:`passOnShutdown` sends (as 1.14's did); a running one
        does that as it ends."""
        if not self._started and not self._isStopped():
            self._started = True
            try:
                self.socket.close()
            except OSError:
                pass
            self.howDied = self.howDied or "shutdown"
            self.passOnShutdown()
        super().stop()


__kamaelia_components__ = (ConnectedSocketAdapter,)
