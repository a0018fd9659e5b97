"""Kamaelia.Apps.Grey.ConcreteMailHandler: an SMTP proxy that relays what it accepts.

Example Usage
-------------
``ConcreteMailHandler`` keeps SMTP's rules on a client (HELO before MAIL,
MAIL before RCPT, RCPT before DATA) and relays the messages it accepts to
the real mail server at ``smtp_ip``:``smtp_port``. Whether it accepts a
message is up to :meth:`ConcreteMailHandler.shouldWeAcceptMail`, asked when
the client sends DATA; here it always says no (451, try again later), so a
subclass decides::

    from Kamaelia.Chassis.ConnectedServer import ServerCore
    from Kamaelia.Apps.Grey.ConcreteMailHandler import ConcreteMailHandler

    class SpamMeHandler(ConcreteMailHandler):
        smtp_ip, smtp_port = "127.0.0.1", 8025     # the real server
        def shouldWeAcceptMail(self):
            return True

    server = ServerCore(protocol=SpamMeHandler, port=0, host="127.0.0.1")
    server.close()           # (server.run() would serve)

:class:`~Kamaelia.Apps.Grey.GreyListingPolicy.GreyListingPolicy` is the
subclass that greylists. This is Kamaelia 1.14's class; ``kamaelia grey``
runs :class:`Kamaelia.Apps.Grey.components.GreySession` instead, which
decides and relays recipient by recipient.

How does it work?
-----------------
It is a :class:`~Kamaelia.Apps.Grey.MailHandler.MailHandler` whose command
methods keep the state: ``self.remotename`` (the HELO name),
``self.sender`` and ``self.recipients`` (as the client wrote them, e.g.
``"<a@example.org>"``), ``self.peer`` / ``self.peerport`` (the client) and
``self.local`` / ``self.localport`` (our side). As in 1.14 it is strict:
a malformed command or one out of order is answered with an error and the
connection is closed (most spam software is sloppy, real mailers are not).

At DATA, if :meth:`shouldWeAcceptMail` says yes, it connects to the real
server (a :class:`~Kamaelia.Internet.TCPClient.TCPClient`, linked to the
``tcp_*`` boxes) and replays the client's own HELO/EHLO, MAIL and RCPT
lines, each after the server's previous reply, then DATA. Only when the real
server has answered DATA with 354 does the client get 354; every line of
the message is then passed on as it arrives, and the real server's answer
to the final "." is the client's answer. So nothing is accepted that the
real server has not accepted (1.14 answered 250 first and relayed after the
client had gone, so a refusal was lost).

Because the decision is taken at DATA, after every RCPT has been answered
250, a recipient the real server refuses cannot be refused on its own: the
DATA is then answered with that refusal (the real server's code, the
recipient named in the text) and nothing is relayed, so the client retries
or bounces the whole message rather than lose it for that recipient.
(``GreySession`` relays each RCPT before answering it, so there only that
recipient is refused.) The real server unreachable, or closing the
connection before its answer, gives ``451 4.4.1`` (try again later).
After each message the connection to the real server is closed (QUIT) and
the client may start another transaction.

Shutdown: as :class:`~Kamaelia.Apps.Grey.MailHandler.MailHandler`; a
connection to the real server still open is closed (QUIT) when the session
ends, and a message under way is abandoned (the real server never sees its
final ".", so it does not deliver half of it).
"""

from __future__ import annotations

import logging
import time
from typing import Any, Generator, Iterator

from Axon.Ipc import producerFinished, shutdownMicroprocess
from Kamaelia.Apps.Grey.MailHandler import MailHandler, lineBytes
from Kamaelia.Internet.TCPClient import TCPClient

__all__ = ["ConcreteMailHandler"]

log = logging.getLogger("Kamaelia.Apps.Grey.ConcreteMailHandler")


class ConcreteMailHandler(MailHandler):
    """ConcreteMailHandler(**argd) -> an SMTP proxy session (see the module docstring)

    Keyword arguments (or class attributes of a subclass) configure it:

    - servername  -- the name it greets with (default "Testing.server.local", 1.14's)
    - serverid    -- the software named in the greeting (default "MPS SMTP 1.0")
    - smtp_ip     -- the real server's address (default "127.0.0.1")
    - smtp_port   -- the real server's port (default 8025)
    - upstreamTimeout -- seconds to wait for a reply from the real server (default 300)
    - maxRecipients   -- recipients per message; more are refused 452 (default 100)
    """

    Inboxes = {"inbox": "bytes from the SMTP client",
               "control": "socketShutdown (client closed) / shutdownMicroprocess",
               "tcp_inbox": "bytes from the real SMTP server",
               "tcp_control": "the connection to the real SMTP server has ended"}
    Outboxes = {"outbox": "replies to the SMTP client (bytes)",
                "signal": "producerFinished when the session ends",
                "tcp_outbox": "bytes to the real SMTP server",
                "tcp_signal": "producerFinished: close the connection to the real server"}

    peer: Any = "*** UNDEFINED ***"
    peerport: Any = "*** UNDEFINED ***"
    local: Any = "*** UNDEFINED ***"
    localport: Any = "*** UNDEFINED ***"
    servername: str = "Testing.server.local"
    serverid: str = "MPS SMTP 1.0"
    smtp_ip: str = "127.0.0.1"
    smtp_port: int = 8025
    upstreamTimeout: float = 300
    maxRecipients: int = 100

    def __init__(self, **argv: Any) -> None:
        localip = argv.pop("localip", None)
        super().__init__(**argv)
        if localip is not None:
            self.localip = self.local = localip
        self.recipients: list[str] = []
        self.sender: str | None = None
        self.remotename = ""
        self.seenHelo = False
        self.seenMail = False
        self.seenRcpt = False
        self.acceptingMail = False
        self.mailStatus = ""
        self.smtp_line: str | None = None
        self.smtp_reply: tuple[int, list[str]] | None = None
        self.TCPClient: TCPClient | None = None
        self._heloLine: str | None = None      # lines replayed to the real server
        self._envelope: list[str] = []
        self._fromUpstream = bytearray()
        self._upstreamGone = False

    # ------------------------------------------------------------- errors
    def error(self, message: str) -> None:
        """Answer ``message`` and end the session (strict, as in 1.14)."""
        self.netPrint(message)
        self.breakConnection = True

    def RelayError(self) -> None:
        self.error("550 relay not permitted")

    # ----------------------------------------------------------- commands
    def handleConnect(self) -> None:
        self.netPrint(f"220 {self.servername} ESMTP {self.serverid} {time.ctime()}")

    def _hello(self, command: list[str], extended: bool) -> None:
        if len(command) != 2:
            self.error(f"501 Syntactically invalid {command[0].upper()} argument(s)")
            return
        self.remotename = command[1]
        greeting = f"{self.servername} Hello {self.remotename} {self.peer}"
        if extended:
            self.netPrint(f"250-{greeting}", "250 PIPELINING")
        else:
            self.netPrint(f"250 {greeting}")
        self.inbox_log = self.inbox_log[-1:]
        self._heloLine = self.line
        self._resetTransaction()
        self.seenHelo = True

    def handleHelo(self, command: list[str]) -> None:
        self._hello(command, extended=False)

    def handleEhlo(self, command: list[str]) -> None:
        # 1.14 refused EHLO, so every modern client fell back or failed.
        self._hello(command, extended=True)

    def handleHelp(self, command: list[str]) -> None:
        self.error("500 unrecognised command")

    def handleVrfy(self, command: list[str]) -> None:
        self.netPrint("252 Cannot VRFY user")

    def _resetTransaction(self) -> None:
        self.recipients = []
        self.sender = None
        self.seenMail = False
        self.seenRcpt = False
        self.acceptingMail = False
        self.mailStatus = ""
        self._envelope = []

    def handleRset(self, command: list[str]) -> None:
        self._resetTransaction()          # (seenHelo stays as it is)
        self.netPrint("250 OK")

    def handleNoop(self, command: list[str]) -> None:
        self.netPrint("250 OK")

    @staticmethod
    def _operand(command: list[str], keyword: str) -> list[str] | None:
        """``["MAIL", "FROM:<a@b>"]`` -> ``["MAIL", "FROM:", "<a@b>"]``; None if
        the keyword's operand is missing."""
        if len(command) == 2:
            if command[1][:len(keyword)].upper() == keyword and len(command[1]) > len(keyword):
                return [command[0], keyword, command[1][len(keyword):]]
            return None
        if len(command) > 2 and command[1][:len(keyword)].upper() == keyword \
                and len(command[1]) > len(keyword):
            # "MAIL FROM:<a@b> SIZE=10"
            return [command[0], keyword, command[1][len(keyword):], *command[2:]]
        return command

    def _address(self, command: list[str], keyword: str, verb: str) -> str | None:
        """The address of a MAIL FROM: / RCPT TO: command, or None once the
        malformed command has been answered (and the connection ended)."""
        if len(command) < 2:
            self.error("500 unrecognised command")
            return None
        split = self._operand(command, keyword)
        if split is None:
            self.error(f"501 {verb} must have an address operand {command!r}")
            return None
        if split[1].upper() != keyword or len(split) < 3:
            self.error("500 unrecognised command")
            return None
        return split[2]

    def handleMail(self, command: list[str]) -> None:
        address = self._address(command, "FROM:", "MAIL")
        if address is None:
            return
        if not self.seenHelo:
            self.netPrint("503 5.5.2 Send hello first")
            return
        if self.seenMail:
            self.netPrint("503 sender already given")
            return
        self.sender = address
        self.resultLogged = False
        self.netPrint("250 OK")
        self.seenMail = True
        self._envelope.append(self.line or "")

    def handleRcpt(self, command: list[str]) -> None:
        address = self._address(command, "TO:", "RCPT")
        if address is None:
            return
        if not self.seenMail:
            self.error("503 sender not yet given")
            return
        if len(self.recipients) >= self.maxRecipients:
            self.netPrint("452 4.5.3 Too many recipients")
            return
        self.netPrint("250 ACCEPTED")
        self.recipients.append(address)
        self.seenRcpt = True
        self._envelope.append(self.line or "")

    def handleData(self, command: list[str]) -> None:
        if not self.seenRcpt:
            self.error("503 valid RCPT command must precede DATA")
            return
        if self.shouldWeAcceptMail():
            self.acceptMail()
        else:
            self.deferMail()

    def handleQuit(self, command: list[str]) -> None:
        self.netPrint(f"221 {self.servername} closing connection")
        self.breakConnection = True

    # ------------------------------------------------------------ policy
    def shouldWeAcceptMail(self) -> bool:
        """Whether to take the message (asked at DATA): no, unless a subclass says so."""
        return False

    def deferMail(self) -> None:
        self.netPrint("451 4.7.1 Please try again later")
        self.breakConnection = True
        self.mailStatus = "DEFERRED"

    def acceptMail(self) -> None:
        self.gettingdata = True
        self.acceptingMail = True
        self.mailStatus = "ACCEPTED"

    # --------------------------------------------------- the real server
    def connectToRealSMTPServer(self) -> None:
        """Connect to ``smtp_ip``:``smtp_port`` (a TCPClient linked to the ``tcp_*`` boxes)."""
        self._fromUpstream.clear()
        self._upstreamGone = False
        for box in ("tcp_inbox", "tcp_control"):
            while self.dataReady(box):
                self.recv(box)
        self.TCPClient = TCPClient(self.smtp_ip, self.smtp_port,
                                   connect_timeout=min(60, self.upstreamTimeout))
        self.link((self, "tcp_outbox"), (self.TCPClient, "inbox"))
        self.link((self, "tcp_signal"), (self.TCPClient, "control"))
        self.link((self.TCPClient, "outbox"), (self, "tcp_inbox"))
        self.link((self.TCPClient, "signal"), (self, "tcp_control"))
        self.TCPClient.activate()

    def _takeReply(self) -> tuple[int, list[str]] | None:
        """A whole reply from what the real server sent, if one is there."""
        buffer = self._fromUpstream
        texts: list[str] = []
        start = 0
        while True:
            end = buffer.find(b"\n", start)
            if end < 0:
                return None
            line = bytes(buffer[start:end]).rstrip(b"\r").decode("utf-8", "replace")
            start = end + 1
            if len(line) < 3 or not line[:3].isdigit() or line[3:4] not in ("", " ", "-"):
                raise ValueError(f"the real SMTP server sent a malformed reply line {line!r}")
            texts.append(line[4:])
            if line[3:4] != "-":
                del buffer[:start]
                return int(line[:3]), texts

    def getline_fromsmtpserver(self) -> Iterator[Any]:
        """A generator: wait for the real server's next whole reply, then
        ``self.smtp_reply`` is ``(code, [text lines])`` and ``self.smtp_line``
        its first line as sent; both None if the server went away, sent
        nonsense or took longer than ``upstreamTimeout``."""
        deadline = time.monotonic() + self.upstreamTimeout
        timer = self.scheduler.callLater(self.upstreamTimeout, self.unpause)
        try:
            while True:
                while self.dataReady("tcp_inbox"):
                    self._fromUpstream += self.recv("tcp_inbox")
                try:
                    reply = self._takeReply()
                except ValueError as exc:
                    log.warning("%s: %s", self.name, exc)
                    reply, self._upstreamGone = None, True
                if reply is not None:
                    self.smtp_reply = reply
                    self.smtp_line = f"{reply[0]} {reply[1][0]}"
                    return
                if self.dataReady("tcp_control"):
                    self.recv("tcp_control")
                    self._upstreamGone = True
                if self._upstreamGone or time.monotonic() >= deadline \
                        or self._stoppedWhileWaiting():
                    self.smtp_reply = self.smtp_line = None
                    return
                if not self.anyReady():
                    self.pause()
                yield 1
        finally:
            timer.cancel()

    def _stoppedWhileWaiting(self) -> bool:
        """Read "control" while waiting for the real server: True on
        shutdownMicroprocess (a method: no message stays bound in the generator)."""
        stopped = False
        while self.dataReady("control"):
            message = self.recv("control")
            if isinstance(message, (producerFinished, shutdownMicroprocess)):
                self.client_connected = False
            stopped = stopped or isinstance(message, shutdownMicroprocess)
        return stopped

    def _toUpstream(self, data: bytes) -> None:
        self.send(data, "tcp_outbox")

    def _closeUpstream(self) -> None:
        """QUIT and let go of the connection to the real server."""
        client = self.TCPClient
        if client is None:
            return
        self.TCPClient = None
        if not self._upstreamGone:
            self._toUpstream(b"QUIT\r\n")
        self.send(producerFinished(self), "tcp_signal")
        self.unlink(thecomponent=client)

    def _answerWith(self, code: int, texts: list[str]) -> None:
        lines = texts or [""]
        self.netPrint(*[f"{code}-{t}" for t in lines[:-1]], f"{code} {lines[-1]}")

    def _upstreamFailed(self) -> None:
        self.netPrint("451 4.4.1 The mail server is not answering; try again later")
        self.mailStatus = "UPSTREAM FAILED"

    def _refused(self, code: int, texts: list[str], what: str = "") -> None:
        """Answer the client with the real server's refusal."""
        texts = list(texts) or [""]
        if what:
            texts[0] = f"{what}: {texts[0]}"
        self._answerWith(code, texts)
        self.mailStatus = "DEFERRED" if 400 <= code < 500 else "REJECTED"

    def startMessage(self) -> Generator[Any, Any, bool]:
        """Relay the envelope to the real server; answer 354 once it has."""
        self.connectToRealSMTPServer()
        yield from self.getline_fromsmtpserver()
        if self.smtp_reply is None or self.smtp_reply[0] != 220:
            self._upstreamFailed()
            self._closeUpstream()
            return False
        refused: list[tuple[str, tuple[int, list[str]]]] = []
        hello = self._heloLine or f"HELO {self.servername}\r\n"
        for line in [hello, *self._envelope]:
            self._toUpstream(lineBytes(line))
            yield from self.getline_fromsmtpserver()
            if self.smtp_reply is None:
                self._upstreamFailed()
                self._closeUpstream()
                return False
            code, texts = self.smtp_reply
            if code >= 300:
                words = line.split()
                if words and words[0].upper() == "RCPT":
                    refused.append((line.split(":", 1)[-1].strip().split(" ")[0], (code, texts)))
                    continue
                self._refused(code, texts)
                self._closeUpstream()
                return False
        if refused:
            recipient, (code, texts) = refused[0]
            self._refused(code, texts, f"{recipient}")
            self._closeUpstream()
            return False
        self._toUpstream(b"DATA\r\n")
        yield from self.getline_fromsmtpserver()
        if self.smtp_reply is None:
            self._upstreamFailed()
            self._closeUpstream()
            return False
        code, texts = self.smtp_reply
        if code != 354:
            self._refused(code, texts)
            self._closeUpstream()
            return False
        self._answerWith(354, texts)
        return True

    def messageLine(self, line: str) -> None:
        if self.TCPClient is not None:
            self._toUpstream(lineBytes(line))

    def endMessage(self) -> Iterator[Any]:
        """The final ".": the real server's answer is the client's."""
        self._toUpstream(b".\r\n")
        yield from self.getline_fromsmtpserver()
        if self.smtp_reply is None:
            self._upstreamFailed()
        else:
            code, texts = self.smtp_reply
            self._answerWith(code, texts)
            self.mailStatus = "ACCEPTED" if code < 300 else (
                "DEFERRED" if code < 500 else "REJECTED")
        self._closeUpstream()

    def endTransaction(self) -> None:
        self.logResult()
        self.resultLogged = True
        self._resetTransaction()

    def handleDisconnect(self) -> Iterator[Any]:
        """The session has ended: close a connection to the real server still open."""
        self._closeUpstream()
        yield 1


__kamaelia_components__ = (ConcreteMailHandler,)
