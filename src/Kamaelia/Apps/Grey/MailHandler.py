"""Kamaelia.Apps.Grey.MailHandler: the skeleton of an SMTP server, one method per command.

Example Usage
-------------
``MailHandler`` reads an SMTP client's commands a line at a time and calls
one method per command (``handleHelo``, ``handleMail``, ...), each of which
does nothing here: a subclass gives them their meaning. A tiny server that
greets, answers every command with 250 and takes one message::

    from Kamaelia.Chassis.ConnectedServer import ServerCore
    from Kamaelia.Apps.Grey.MailHandler import MailHandler

    class Agreeable(MailHandler):
        def handleConnect(self):
            self.netPrint("220 agreeable.example ESMTP")
        def handleHelo(self, command):
            self.netPrint("250 agreeable.example")
        handleMail = handleRcpt = handleNoop = handleHelo
        def handleData(self, command):
            self.gettingdata = True          # main then reads the message
        def handleQuit(self, command):
            self.netPrint("221 bye")
            self.breakConnection = True

    server = ServerCore(protocol=Agreeable, port=0, host="127.0.0.1")
    server.close()           # (server.run() would serve)

:class:`~Kamaelia.Apps.Grey.ConcreteMailHandler.ConcreteMailHandler` is
the full SMTP state machine on this skeleton, relaying to a real server;
:class:`~Kamaelia.Apps.Grey.GreyListingPolicy.GreyListingPolicy` adds
greylisting to it. ``kamaelia grey`` runs neither: it runs
:class:`Kamaelia.Apps.Grey.components.GreySession`, which speaks the
protocol through :mod:`Kamaelia.Protocol.SMTP` and relays each recipient in
real time. These classes are Kamaelia 1.14's, kept so that code written
against them (subclasses overriding ``handleX`` or ``shouldWeAcceptMail``)
runs unchanged.

How does it work?
-----------------
``ServerCore`` links the connection's bytes to ``"inbox"`` and
``"outbox"`` to the connection. ``main``:

1. calls :meth:`handleConnect` (a subclass sends its greeting there);
2. reads a line (:meth:`getline`: ``self.line``, a ``str`` ending in
   ``"\\r\\n"``), splits it into words and calls :meth:`handleCommand`,
   which calls the method for the command's first word (any case); an
   unknown command is answered ``500`` and ends the connection, as in 1.14.
   This goes on until a method sets ``self.gettingdata`` (accept a message)
   or ``self.breakConnection`` (end the connection);
3. for a message: :meth:`startMessage` (sends ``354``), then each line of
   the message to :meth:`messageLine` until the line ``"."`` (see
   :meth:`lastline`), then :meth:`endMessage` (answers ``250``). Then it
   goes back to reading commands (1.14 closed the connection after one
   message);
4. at the end it sends ``producerFinished`` out of ``"signal"`` (the
   connection writes what was sent, then closes), runs
   :meth:`handleDisconnect` (a generator) and :meth:`logResult`.

Lines are split on CRLF, a bare LF tolerated (1.14 took each TCP packet
for a line, so pipelined commands or a command split across packets went
wrong). Bytes are read as UTF-8 with ``surrogateescape``, so any byte
survives the round trip: :func:`lineBytes` gives a line's bytes back. A
line longer than ``maxLineLength`` (64 KiB) is answered ``500 5.5.6`` and
the connection ends. Every line read is also kept in ``self.inbox_log``
(1.14's replay log).

Shutdown: ``socketShutdown`` (a ``producerFinished``) on ``"control"``
(the client closed its side) ends the session once the lines already
received are handled; ``shutdownMicroprocess`` ends it at once. Either way
the end is as in step 4.

Logs: :meth:`noteToLog` appends a line to ``logfile``;
:meth:`noteToDebugLog` to ``debuglogfile``, and :meth:`netPrint` notes
every reply there, as 1.14 did, when ``debuglogfile`` is set (1.14's
default, ``"greylist-debug.log"`` in the current folder, is now ``None``:
no debug log unless asked for).
"""

from __future__ import annotations

import logging
from collections import deque
from typing import Any, Generator, Iterator

from Axon.Component import component
from Axon.Ipc import producerFinished, shutdownMicroprocess

__all__ = ["MailHandler", "lineBytes"]

log = logging.getLogger("Kamaelia.Apps.Grey.MailHandler")


def lineBytes(line: str) -> bytes:
    """The bytes a line of ``MailHandler.line`` was read from (surrogateescape)."""
    return line.encode("utf-8", "surrogateescape")


def _appendLine(path: str, line: str) -> None:
    with open(path, "a", encoding="utf-8", errors="backslashreplace") as f:
        f.write(line + "\n")


class MailHandler(component):
    """MailHandler(**argd) -> an SMTP session skeleton (subclass it; see the module docstring)

    Keyword arguments become attributes (``logfile``, ``debuglogfile``, and
    ``peer``, ``peerport``, ``localip``, ``localport`` from ``ServerCore``).
    """

    Inboxes = {"inbox": "bytes from the SMTP client",
               "control": "socketShutdown (client closed) / shutdownMicroprocess"}
    Outboxes = {"outbox": "replies to the SMTP client (bytes)",
                "signal": "producerFinished when the session ends"}

    #: Where :meth:`noteToLog` appends (GreyListingPolicy's one line per session).
    logfile: str | None = "greylist.log"
    #: Where :meth:`noteToDebugLog` appends (every reply); None: nowhere.
    debuglogfile: str | None = None
    #: A longer line (without its CRLF) is refused with 500 and ends the session.
    maxLineLength: int = 65536
    #: Set by a subclass that has logged the transaction under way itself, so
    #: that main does not log it again at the end (see :meth:`logResult`).
    resultLogged: bool = False

    def __init__(self, **argd: Any) -> None:
        super().__init__(**argd)
        self.inbox_log: list[str] = []
        self.line: str | None = None
        self._buffer = bytearray()
        self._lines: deque[bytes] = deque()    # complete lines not yet taken
        self.client_connected = True
        self.breakConnection = False
        self.gettingdata = False

    # ------------------------------------------------------------ reading
    def _split(self) -> None:
        """Move the complete lines of the buffer to ``_lines``."""
        buffer = self._buffer
        if b"\n" not in buffer:
            return
        *complete, rest = bytes(buffer).split(b"\n")
        self._buffer = bytearray(rest)
        self._lines.extend((c[:-1] if c.endswith(b"\r") else c) + b"\r\n" for c in complete)

    def logging_recv_connection(self) -> None:
        """Take the next line: ``self.line`` (a ``str`` ending in CRLF), also kept
        in ``self.inbox_log`` (the lines of a message are not: memory stays bounded)."""
        self.line = self._lines.popleft().decode("utf-8", "surrogateescape")
        if not self.gettingdata:
            self.inbox_log.append(self.line)

    # (methods, so that no message stays bound in getline while it waits)
    def _readInbox(self) -> None:
        while self.dataReady("inbox"):
            data = self.recv("inbox")
            if isinstance(data, str):
                data = data.encode("utf-8", "surrogateescape")
            self._buffer += data
        self._split()

    def _readControl(self) -> None:
        while self.dataReady("control"):
            message = self.recv("control")
            if isinstance(message, shutdownMicroprocess):
                self._lines.clear()
                self.client_connected = False
            elif isinstance(message, producerFinished):    # socketShutdown
                self.client_connected = False

    def getline(self) -> Iterator[Any]:
        """A generator: wait for the next line (then ``self.line``). If the client
        has gone instead, ``self.breakConnection`` is set and ``self.line`` is None."""
        while True:
            if self._lines:
                self.logging_recv_connection()
                return
            if not self.client_connected:
                self.line = None
                self.breakConnection = True
                return
            self._readInbox()
            if len(self._buffer) > self.maxLineLength:
                self._buffer.clear()
                self.netPrint("500 5.5.6 Line too long")
                self.line = None
                self.breakConnection = True
                return
            if self._lines:
                continue
            self._readControl()
            if not self.client_connected:
                continue
            if not self.anyReady():
                self.pause()
            yield 1

    # ----------------------------------------------------------- dispatch
    def handleCommand(self, command: list[str]) -> Any:
        """Call the method for ``command`` (the line's words); 500 and end the
        session for an empty or unknown command."""
        if len(command) < 1:
            self.netPrint("500 Sorry we don't like broken mailers")
            self.breakConnection = True
            return None
        handler = {"HELO": self.handleHelo, "EHLO": self.handleEhlo,
                   "MAIL": self.handleMail, "RCPT": self.handleRcpt,
                   "DATA": self.handleData, "QUIT": self.handleQuit,
                   "RSET": self.handleRset, "NOOP": self.handleNoop,
                   "VRFY": self.handleVrfy, "HELP": self.handleHelp}.get(command[0].upper())
        if handler is None:
            self.netPrint("500 Sorry we don't like broken mailers")
            self.breakConnection = True
            return None
        return handler(command)

    # --------------------------------------------------------------- logs
    def noteToLog(self, line: str) -> None:
        """Append ``line`` to ``logfile`` (if set)."""
        if self.logfile:
            _appendLine(self.logfile, line)

    def noteToDebugLog(self, line: str) -> None:
        """Append ``line`` to ``debuglogfile`` (if set)."""
        if self.debuglogfile:
            _appendLine(self.debuglogfile, line)

    def netPrint(self, *args: str) -> None:
        """Send each of ``args`` to the client as a line (CRLF added)."""
        for line in args:
            self.noteToDebugLog(line)
            self.send(line.encode("utf-8", "surrogateescape") + b"\r\n", "outbox")

    # ------------------------------------------------- methods to override
    def handleConnect(self) -> Any: pass
    def handleHelo(self, command: list[str]) -> Any: pass
    def handleEhlo(self, command: list[str]) -> Any: pass
    def handleMail(self, command: list[str]) -> Any: pass
    def handleRcpt(self, command: list[str]) -> Any: pass
    def handleData(self, command: list[str]) -> Any: pass
    def handleQuit(self, command: list[str]) -> Any: pass
    def handleRset(self, command: list[str]) -> Any: pass
    def handleNoop(self, command: list[str]) -> Any: pass
    def handleVrfy(self, command: list[str]) -> Any: pass
    def handleHelp(self, command: list[str]) -> Any: pass
    def logResult(self) -> Any: pass

    def handleDisconnect(self) -> Iterator[Any]:
        """A generator run when the session has ended (1.14's relaying happened here)."""
        yield 1

    # The message (new hooks; 1.14 had these steps inline in main).
    def startMessage(self) -> Generator[Any, Any, bool]:
        """A generator run when a message is to be read: answers 354. Its
        return value says whether to read the message (True) or not."""
        self.netPrint('354 Enter message, ending with "." on a line by itself')
        return True
        yield  # (a generator)

    def messageLine(self, line: str) -> None:
        """A line of the message as sent (dot-stuffed, CRLF ended); the final
        "." line is not passed here."""

    def endMessage(self) -> Iterator[Any]:
        """A generator run after the final "." line: answers 250 (1.14's reply)."""
        self.netPrint("250 OK id-deferred")
        yield 1

    def endTransaction(self) -> None:
        """After a message: forget it, ready for the next (nothing here)."""

    def lastline(self) -> bool:
        """True if ``self.line`` is the "." that ends a message."""
        return self.line == ".\r\n"

    # --------------------------------------------------------------- main
    def main(self) -> Iterator[Any]:
        self.gettingdata = False
        self.client_connected = True
        self.breakConnection = False
        self.handleConnect()
        while not self.breakConnection:
            yield from self.getline()
            if self.line is None:
                break
            self.handleCommand(self.line.split())
            if self.gettingdata and not self.breakConnection:
                yield from self._readMessage()
        self.send(producerFinished(self), "signal")
        yield from _generated(self.handleDisconnect())
        if not self.resultLogged:
            self.logResult()

    def _readMessage(self) -> Iterator[Any]:
        going = yield from _generated(self.startMessage())
        if going:
            while True:
                yield from self.getline()
                if self.line is None:
                    return                       # the client left mid-message
                if self.lastline():
                    break
                self.messageLine(self.line)
            yield from _generated(self.endMessage())
        self.gettingdata = False
        self.endTransaction()


def _generated(result: Any) -> Generator[Any, Any, Any]:
    """``yield from`` a method that may be a generator (1.14 style) or not."""
    if result is not None and hasattr(result, "__next__"):
        return (yield from result)
    return result


__kamaelia_components__ = (MailHandler,)
