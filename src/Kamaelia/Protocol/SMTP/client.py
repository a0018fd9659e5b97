"""Kamaelia.Protocol.SMTP.client: the client side of an SMTP connection, sans-I/O.

Example Usage
-------------
The commands are bytes to write; what the server writes back goes in with
:meth:`~SMTPClientSession.receive` and comes out as :class:`Reply` objects,
one per command, in order (here the server's bytes are written out by
hand)::

    from Kamaelia.Protocol.SMTP.client import NEED_DATA, SMTPClientSession

    client = SMTPClientSession()
    wire = client.ehlo("relay.example.org")
    wire += client.mail("alice@example.org", {"SIZE": "42"})
    wire += client.rcpt("bob@example.net") + client.data()
    print(wire)
    client.receive(b"220 mx.example.net ESMTP\\r\\n"
                   b"250-mx.example.net\\r\\n250-PIPELINING\\r\\n250 SIZE 1000000\\r\\n"
                   b"250 2.1.0 Ok\\r\\n250 2.1.5 Ok\\r\\n354 End data with .\\r\\n")
    while (reply := client.nextReply()) is not NEED_DATA:
        print(reply.command, reply.code, reply.enhanced, reply.lines)
        if reply.command == "EHLO":
            print(client.capabilities(reply))
    print(client.messageChunk(b"Subject: hi\\r\\n\\r\\n.dot") + client.endMessage())

prints::

    b'EHLO relay.example.org\\r\\nMAIL FROM:<alice@example.org> SIZE=42\\r\\nRCPT TO:<bob@example.net>\\r\\nDATA\\r\\n'
    greeting 220 None ['mx.example.net ESMTP']
    EHLO 250 None ['mx.example.net', 'PIPELINING', 'SIZE 1000000']
    {'PIPELINING': None, 'SIZE': '1000000'}
    MAIL 250 2.1.0 ['Ok']
    RCPT 250 2.1.5 ['Ok']
    DATA 354 None ['End data with .']
    b'Subject: hi\\r\\n\\r\\n..dot\\r\\n.\\r\\n'

How does it work?
-----------------
:class:`SMTPClientSession` frames the replies and builds the commands; it
does not judge the conversation (the caller knows what it asked, and a
relay passes the server's answers on as they are). Each command method
returns the bytes to send and notes the command, so that every reply
comes out with :attr:`Reply.command` naming what it answers (``"greeting"``
for the first one, ``"END-OF-DATA"`` for the reply to the final dot);
with PIPELINING several commands can be sent before their replies are read.

Rules kept here
---------------
1. **Replies** are lines of a three-digit code 200-599 then ``-`` (more
   lines follow), a space or the end of the line; every line of a reply
   has the same code; a line holds at most 512 bytes (CRLF counted) and a
   reply at most 100 lines. Anything else raises :class:`SMTPReplyError`
   (a ``ValueError``) and so does every later call: the conversation
   cannot be trusted any more. A bare LF is tolerated; text is read as
   UTF-8 (bad bytes replaced).
2. **Enhanced status codes** (RFC 2034) are taken off the front of each
   line when the first line has one of the reply's class: ``"250 2.1.0 Ok"``
   is ``Reply(250, ["Ok"], "2.1.0")``.
3. **Commands** are checked before they are built: a name, address or
   parameter that could change the command line (CR, LF, spaces or angle
   brackets where they do not belong) raises ``ValueError``, and so does a
   line over 512 bytes. Addresses are sent as UTF-8 (use the ``SMTPUTF8``
   parameter when they are not ASCII).
4. **Message text** is dot-stuffed and every line ending (CRLF, LF or a
   bare CR) is sent as CRLF, however the chunks cut the lines
   (:meth:`~SMTPClientSession.messageChunk`); :meth:`~SMTPClientSession.endMessage`
   ends the text with the final dot.
5. **STARTTLS**: bytes that arrive after the server's 220 to ``STARTTLS``
   were not protected by TLS, so they are an error (the "STARTTLS response
   injection" attack). After the TLS handshake, go on with a new
   ``SMTPClientSession(tlsActive=True)`` (no greeting is expected) and say
   ``EHLO`` again.
"""

from __future__ import annotations

import re
from collections import deque
from typing import Mapping, NoReturn

from Kamaelia.Protocol.SMTP._lines import (COMMAND_LINE_LIMIT, NEED_DATA, REPLY_LINE_LIMIT,
                                           TOO_LONG, DotStuffer, LineBuffer, Sentinel)

__all__ = ["SMTPClientSession", "Reply", "SMTPReplyError", "NEED_DATA"]

_MAX_LINES = 100
_REPLY_LINE = re.compile(rb"([2-5][0-9][0-9])([ -]|\Z)")
_ENHANCED = re.compile(r"([245]\.\d{1,3}\.\d{1,3})(?: |\Z)")
_NAME = re.compile(r"[\x21-\x7e]+\Z")
_ADDRESS = re.compile(r'(?:"(?:[^"\\\x00-\x1f\x7f]|\\[^\x00-\x1f\x7f])*"'
                      r'|[^\s\x00-\x1f\x7f"<>]+)(?:@[^\s\x00-\x1f\x7f"<>]+)?\Z')
_KEYWORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]*\Z")
_VALUE = re.compile(r"[\x21-\x3c\x3e-\x7e]+\Z")


class SMTPReplyError(ValueError):
    """The server's bytes are not a good SMTP reply (the reason says why)."""


class Reply:
    """Reply(code, lines, enhanced=None, command=None) -> one reply of the server.

    ``lines`` are the text of each line (enhanced codes taken off),
    ``enhanced`` the RFC 3463 status code or None, ``command`` the command
    it answers (as :class:`SMTPClientSession` noted it).
    """

    __slots__ = ("code", "lines", "enhanced", "command")

    def __init__(self, code: int, lines: list[str], enhanced: str | None = None,
                 command: str | None = None) -> None:
        self.code, self.lines, self.enhanced, self.command = code, lines, enhanced, command

    @property
    def text(self) -> str:
        """The lines joined with ``"\\n"`` (what ``SMTPServerSession.answer`` takes)."""
        return "\n".join(self.lines)

    @property
    def ok(self) -> bool:
        """2xx or 3xx: the command went through."""
        return 200 <= self.code < 400

    @property
    def transient(self) -> bool:
        """4xx: refused for now; try again later."""
        return 400 <= self.code < 500

    @property
    def permanent(self) -> bool:
        """5xx: refused."""
        return self.code >= 500

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Reply):
            return NotImplemented
        return (self.code, self.lines, self.enhanced, self.command) == \
            (other.code, other.lines, other.enhanced, other.command)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return (f"Reply({self.code}, {self.lines!r}, enhanced={self.enhanced!r}, "
                f"command={self.command!r})")


class SMTPClientSession:
    """SMTPClientSession(tlsActive=False) -> the client side of one SMTP
    connection, sans-I/O (``tlsActive``: made after STARTTLS, so no greeting
    is expected)."""

    def __init__(self, tlsActive: bool = False) -> None:
        if not isinstance(tlsActive, bool):
            raise TypeError(f"SMTPClientSession: tlsActive must be True or False, "
                            f"not {tlsActive!r}")
        self._lines = LineBuffer()
        self._expected: deque[str] = deque() if tlsActive else deque(["greeting"])
        self._code: bytes | None = None
        self._partial: list[str] = []
        self._stuffer = DotStuffer()
        self._eof = False
        self._broken: SMTPReplyError | None = None

    # ------------------------------------------------------------ replies

    def receive(self, data: bytes | bytearray | memoryview) -> None:
        """Give the bytes the server sent; ``b""`` when it closed its side."""
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise TypeError(f"SMTPClientSession.receive: data must be bytes, not {data!r}")
        if not data:
            self._eof = True
        else:
            self._lines.feed(data)

    @property
    def closed(self) -> bool:
        """The server closed its side (``receive(b"")``)."""
        return self._eof

    @property
    def expecting(self) -> list[str]:
        """The commands sent whose replies have not come yet, oldest first."""
        return list(self._expected)

    def nextReply(self) -> Reply | Sentinel:
        """The next whole :class:`Reply`, or ``NEED_DATA``."""
        if self._broken is not None:
            raise self._broken
        while True:
            line = self._lines.readLine(REPLY_LINE_LIMIT)
            if line is None:
                if self._eof and (self._partial or len(self._lines)):
                    self._fail("the connection closed in the middle of a reply")
                return NEED_DATA
            if line is TOO_LONG:
                self._fail(f"a reply line is longer than {REPLY_LINE_LIMIT} bytes")
            assert isinstance(line, bytes)
            matched = _REPLY_LINE.match(line)
            if matched is None:
                self._fail(f"not a reply line: {line[:80]!r}")
            code, separator = matched.group(1), matched.group(2)
            if self._code is not None and code != self._code:
                self._fail(f"reply code {code.decode()} in a reply begun with "
                           f"{self._code.decode()}")
            self._code = code
            self._partial.append(line[matched.end():].decode("utf-8", "replace"))
            if len(self._partial) > _MAX_LINES:
                self._fail(f"a reply is longer than {_MAX_LINES} lines")
            if separator == b"-":
                continue
            return self._finish(int(code))

    def _finish(self, code: int) -> Reply:
        lines, self._partial, self._code = self._partial, [], None
        enhanced = None
        leading = _ENHANCED.match(lines[0])
        if leading and leading.group(1)[0] == str(code)[0]:
            enhanced = leading.group(1)
            lines = [line[len(enhanced):].lstrip(" ") if line.startswith(enhanced) else line
                     for line in lines]
        command = self._expected.popleft() if self._expected else None
        if command == "STARTTLS" and code == 220 and len(self._lines):
            self._fail("bytes came after the STARTTLS reply, before TLS (an injection?)")
        return Reply(code, lines, enhanced, command)

    def _fail(self, reason: str) -> NoReturn:
        self._broken = SMTPReplyError(reason)
        raise self._broken

    @staticmethod
    def capabilities(reply: Reply) -> dict[str, str | None]:
        """The extensions an EHLO reply announces, keywords upper-cased:
        ``{"PIPELINING": None, "SIZE": "10240000", ...}`` (empty for a reply
        that is not 2xx)."""
        if not 200 <= reply.code < 300:
            return {}
        found: dict[str, str | None] = {}
        for line in reply.lines[1:]:
            keyword, _, value = line.strip().partition(" ")
            if keyword:
                found[keyword.upper()] = value.strip() or None
        return found

    # ----------------------------------------------------------- commands

    def _command(self, name: str, line: str) -> bytes:
        wire = line.encode("utf-8") + b"\r\n"
        if len(wire) > COMMAND_LINE_LIMIT:
            raise ValueError(f"SMTPClientSession.{name.lower()}: the command would be "
                             f"{len(wire)} bytes, over the limit of {COMMAND_LINE_LIMIT}: "
                             f"{line[:60]!r}...")
        self._expected.append(name)
        return wire

    @staticmethod
    def _checkName(method: str, name: str) -> str:
        if not isinstance(name, str) or not _NAME.match(name):
            raise ValueError(f"SMTPClientSession.{method}: name must be a host name "
                             f"(printable ASCII, no spaces), not {name!r}")
        return name

    @staticmethod
    def _path(method: str, address: str, params: Mapping[str, str | None] | None,
              nullAllowed: bool) -> str:
        if not isinstance(address, str) or not (address == "" and nullAllowed
                                                or _ADDRESS.match(address)):
            raise ValueError(f"SMTPClientSession.{method}: address must be a mail address "
                             f"without angle brackets, not {address!r}")
        words = [f"<{address}>"]
        for key, value in (params or {}).items():
            if not isinstance(key, str) or not _KEYWORD.match(key):
                raise ValueError(f"SMTPClientSession.{method}: {key!r} is not a parameter "
                                 f"name")
            if value is None:
                words.append(key)
            elif isinstance(value, str) and _VALUE.match(value):
                words.append(f"{key}={value}")
            else:
                raise ValueError(f"SMTPClientSession.{method}: parameter {key} must have "
                                 f"None or printable ASCII without '=' or spaces as its "
                                 f"value, not {value!r}")
        return " ".join(words)

    def ehlo(self, name: str) -> bytes:
        return self._command("EHLO", f"EHLO {self._checkName('ehlo', name)}")

    def helo(self, name: str) -> bytes:
        return self._command("HELO", f"HELO {self._checkName('helo', name)}")

    def mail(self, address: str, params: Mapping[str, str | None] | None = None) -> bytes:
        """``MAIL FROM:<address> params`` (``""`` is the null sender)."""
        return self._command("MAIL", "MAIL FROM:" + self._path("mail", address, params, True))

    def rcpt(self, address: str, params: Mapping[str, str | None] | None = None) -> bytes:
        return self._command("RCPT", "RCPT TO:" + self._path("rcpt", address, params, False))

    def data(self) -> bytes:
        return self._command("DATA", "DATA")

    def rset(self) -> bytes:
        return self._command("RSET", "RSET")

    def noop(self) -> bytes:
        return self._command("NOOP", "NOOP")

    def quit(self) -> bytes:
        return self._command("QUIT", "QUIT")

    def startTLS(self) -> bytes:
        return self._command("STARTTLS", "STARTTLS")

    def messageChunk(self, chunk: bytes | bytearray | memoryview) -> bytes:
        """A piece of the message text, dot-stuffed with CRLF line ends (rule 4)."""
        if not isinstance(chunk, (bytes, bytearray, memoryview)):
            raise TypeError(f"SMTPClientSession.messageChunk: chunk must be bytes, "
                            f"not {chunk!r}")
        return self._stuffer.encode(chunk)

    def endMessage(self) -> bytes:
        """The end of the message text: a CRLF if it did not end with one, then ``.``."""
        self._expected.append("END-OF-DATA")
        return self._stuffer.end()
