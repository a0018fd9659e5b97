"""Kamaelia.Protocol.SMTP.server: the server side of one SMTP connection, sans-I/O.

Example Usage
-------------
A whole conversation, without a socket: the bytes a client sent go in with
:meth:`~SMTPServerSession.receive`, events come out of
:meth:`~SMTPServerSession.nextEvent`, decisions are answered with
:meth:`~SMTPServerSession.answer`, and :meth:`~SMTPServerSession.output`
gives the replies to write back::

    from Kamaelia.Protocol.SMTP.server import (
        NEED_DATA, DataStart, Decision, MessageData, SMTPServerSession)

    session = SMTPServerSession(hostname="mx.example.org", software="Kamaelia-Grey")
    print(session.greeting())
    session.receive(b"EHLO client.example\\r\\n"
                    b"MAIL FROM:<alice@example.org>\\r\\nRCPT TO:<bob@example.net>\\r\\n"
                    b"DATA\\r\\n")
    message = b""
    while (event := session.nextEvent()) is not NEED_DATA:
        if isinstance(event, MessageData):
            message += event.chunk
        elif isinstance(event, DataStart):
            print(event)
            session.answer(354, "Go ahead")
            session.receive(b"Subject: hi\\r\\n\\r\\n..a line with a dot\\r\\n.\\r\\nQUIT\\r\\n")
        elif isinstance(event, Decision):        # MailFrom, RcptTo, MessageEnd
            print(event)
            session.answer(250, "OK")
    print(message)
    print(session.output().decode().splitlines()[-4:])
    print(session.closed)

prints::

    b'220 mx.example.org ESMTP Kamaelia-Grey\\r\\n'
    MailFrom(address='alice@example.org', params={})
    RcptTo(address='bob@example.net', params={})
    DataStart()
    MessageEnd(size=35)
    b'Subject: hi\\r\\n\\r\\n.a line with a dot\\r\\n'
    ['250 2.1.5 OK', '354 Go ahead', '250 2.0.0 OK', '221 2.0.0 mx.example.org closing connection']
    True

How does it work?
-----------------
:class:`SMTPServerSession` keeps the state of one connection (RFC 5321
with the extensions it announces) and nothing else: no sockets, no
clocks, no threads. The caller (in Kamaelia Grey, one component per
connection) writes :meth:`~SMTPServerSession.greeting`, then loops: give
the session what the socket read, take events until ``NEED_DATA`` (more
bytes needed) or ``PAUSED`` (a decision is waiting for its answer), write
:meth:`~SMTPServerSession.output`, and close the socket once
:attr:`~SMTPServerSession.closed` is true and the output is written.

Events are of two kinds. **Informational** events (:class:`Hello`,
:class:`Reset`, :class:`MessageData`, :class:`StartTLS`, :class:`Quit`,
:class:`ProtocolError`) need no answer: the session has already queued its
reply. **Decisions** (:class:`MailFrom`, :class:`RcptTo`,
:class:`DataStart`, :class:`MessageEnd`) are for the caller to make, maybe
slowly (asking a greylisting database, relaying to the real mail server):
until :meth:`~SMTPServerSession.answer` is called, ``nextEvent`` says
``PAUSED`` and the commands that have arrived meanwhile wait, in order.
That is how PIPELINING works: a client's ``MAIL``, ``RCPT``... ``DATA`` in
one packet are answered one by one, in order, as their decisions are made.

Rules kept here
---------------
1. **Everything the protocol decides lives here**; the caller decides only
   what the decisions ask. Replies are queued in the order of the commands.
2. **Sequence**: ``MAIL`` needs ``HELO``/``EHLO`` first, ``RCPT`` an
   accepted ``MAIL``, ``DATA`` at least one accepted ``RCPT`` (503 5.5.1;
   554 5.5.1 when every ``RCPT`` was refused); a second ``MAIL`` in a
   transaction is 503. ``RSET``, and ``HELO``/``EHLO`` again, end the
   transaction (:class:`Reset`). The end of a message (accepted or not)
   ends its transaction.
3. **Commands** are case-insensitive. ``NOOP`` 250, ``VRFY`` 252 (never
   confirms an address), ``HELP`` 214, ``EXPN`` 502, ``QUIT`` 221 and close;
   an unknown command 500 5.5.2; a line over 512 bytes (CRLF counted)
   500 5.5.6; a line that is not UTF-8 500 5.5.2. A browser's request
   (``GET``, ``POST``, ``CONNECT``, ``PUT``, ``HEAD``) is answered 221 and
   the connection closed, as Postfix does: no cross-protocol games.
4. **EHLO** announces ``PIPELINING``, ``SIZE <maxMessageSize>``,
   ``8BITMIME``, ``SMTPUTF8``, ``ENHANCEDSTATUSCODES`` and, when offered
   and not already in TLS, ``STARTTLS``. After ``EHLO`` every reply
   carries an enhanced status code (RFC 2034) but the ``EHLO`` reply itself
   and the 354 (RFC 3463 has no class 3); before ``EHLO``, and after
   ``HELO``, none does, and ``MAIL``/``RCPT`` parameters are refused (555 5.5.4).
5. **MAIL parameters**: ``SIZE=<n>`` (over ``maxMessageSize``: 552 5.3.4
   from the session, not a decision), ``BODY=7BIT|8BITMIME``,
   ``SMTPUTF8``; anything else 555 5.5.4, a bad value 501 5.5.4. An
   address that is not ASCII needs ``SMTPUTF8`` on the ``MAIL``
   (553 5.6.7). ``RCPT`` takes no parameters. Beyond ``maxRecipients``
   accepted recipients, ``RCPT`` is 452 4.5.3 from the session.
6. **Message text** is given as :class:`MessageData` pieces, dot-unstuffed
   with CRLF line ends (a bare LF becomes CRLF), never more than
   ``maxMessageSize`` bytes in all. The session reads on to the final dot
   whatever happens, then refuses the message itself (no
   :class:`MessageEnd` decision, a :class:`ProtocolError` instead) when it
   had a line over 1000 bytes (500 5.5.6), 8-bit bytes without
   ``BODY=8BITMIME`` or ``SMTPUTF8`` (554 5.6.1), or more than
   ``maxMessageSize`` bytes (552 5.3.4). So a caller that relays text as it
   comes must not complete the relayed message when it sees that
   :class:`ProtocolError` (in Grey: drop the upstream connection). So
   after a ``DataStart`` answered 354 the events are :class:`MessageData`
   pieces, then exactly one of :class:`MessageEnd` (a decision) or
   :class:`ProtocolError` (refused, or the connection lost).
7. **STARTTLS** (only after ``EHLO``, outside a transaction) queues
   ``220 2.0.0 Ready to start TLS`` and gives :class:`StartTLS`; this
   session then takes no more input and anything already received after
   the command is thrown away (it was sent in the clear: RFC 3207 5, the
   "STARTTLS command injection" attack). The caller switches the socket to
   TLS and goes on with a new ``SMTPServerSession(tlsActive=True)``,
   without a greeting; the client says ``EHLO`` again.
8. **Errors**: every reply the session makes that refuses something comes
   with a :class:`ProtocolError` for the log. The client's own mistakes
   (500, 501, 502, 503, 504, 553, 555) are counted, and at ``maxErrors``
   the session adds ``421 4.7.0`` and closes. A decision answered 421
   closes the session too (it means "closing the channel").
9. **The end of the input** (``receive(b"")``): what is already here is
   still read (a client may send ``QUIT`` and close at once), a decision
   waiting for its answer is still answered, then the session is
   :attr:`~SMTPServerSession.closed`. If it ends in the middle of a
   message, a :class:`ProtocolError` says so (nothing is replied: nobody
   is listening).

Back-pressure is the caller's: the session keeps whatever it is given.
While ``PAUSED`` a caller should stop reading once
:attr:`~SMTPServerSession.buffered` is large, and read again after
answering.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Callable

from Kamaelia.Protocol.SMTP._lines import (COMMAND_LINE_LIMIT, NEED_DATA, PAUSED, TOO_LONG,
                                           DataDecoder, LineBuffer, Sentinel)
from Kamaelia.Util._arguments import positiveInt

__all__ = ["SMTPServerSession", "NEED_DATA", "PAUSED", "Event", "Decision", "Hello", "Reset",
           "MessageData", "StartTLS", "Quit", "ProtocolError", "MailFrom", "RcptTo",
           "DataStart", "MessageEnd"]


# ------------------------------------------------------------------ events

class Event:
    """Base of everything :meth:`SMTPServerSession.nextEvent` gives."""

    __slots__ = ()


class Decision(Event):
    """An event that waits for :meth:`SMTPServerSession.answer`."""

    __slots__ = ()


@dataclass(frozen=True, slots=True)
class Hello(Event):
    """``HELO``/``EHLO name`` was accepted (``extended``: it was ``EHLO``)."""

    name: str
    extended: bool


@dataclass(frozen=True, slots=True)
class Reset(Event):
    """The transaction was abandoned (``RSET``, or ``HELO``/``EHLO`` in the
    middle of one): reset whatever the caller started for it."""


@dataclass(frozen=True, slots=True, repr=False)
class MessageData(Event):
    """A piece of the message text: dot-unstuffed, CRLF line ends."""

    chunk: bytes

    def __repr__(self) -> str:
        shown = self.chunk if len(self.chunk) <= 40 else self.chunk[:40] + b"..."
        return f"MessageData({shown!r}, {len(self.chunk)} bytes)"


@dataclass(frozen=True, slots=True)
class StartTLS(Event):
    """The 220 for ``STARTTLS`` is queued: write the output, switch the
    socket to TLS, and go on with a new ``SMTPServerSession(tlsActive=True)``."""


@dataclass(frozen=True, slots=True)
class Quit(Event):
    """``QUIT``: the 221 is queued and the session is closed."""


@dataclass(frozen=True, slots=True)
class ProtocolError(Event):
    """The session refused something itself (for the log): ``reason``, and
    the ``code`` and ``enhanced`` code it answered (``None`` when it could
    not answer: the connection ended in the middle of a message)."""

    reason: str
    code: int | None = None
    enhanced: str | None = None


@dataclass(frozen=True, slots=True)
class MailFrom(Decision):
    """``MAIL FROM``: ``address`` without the angle brackets (``""`` for the
    null sender ``<>``) and the parameters, names upper-cased, e.g.
    ``{"SIZE": "1234", "BODY": "8BITMIME", "SMTPUTF8": None}``. A 2xx answer
    starts the transaction."""

    address: str
    params: dict[str, str | None] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RcptTo(Decision):
    """``RCPT TO``: the recipient's ``address``; a 2xx answer accepts it."""

    address: str
    params: dict[str, str | None] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class DataStart(Decision):
    """``DATA`` with at least one recipient accepted: answer 354 to take the
    message, or 4xx/5xx to refuse it."""


@dataclass(frozen=True, slots=True)
class MessageEnd(Decision):
    """The final dot of a message the session found good (``size`` bytes of
    text were given as :class:`MessageData`): answer with its verdict."""

    size: int = 0


# ------------------------------------------------------------ the session

_COMMAND, _DATA, _STARTTLS, _CLOSED = "command", "data", "starttls", "closed"

# Rule 8: the replies that count as the client's mistakes.
_COUNTED = frozenset({500, 501, 502, 503, 504, 553, 555})
# Rule 3: the first words of a browser's (or a proxy's) request.
_FORBIDDEN = frozenset({"GET", "POST", "CONNECT", "PUT", "HEAD"})

_ENHANCED = re.compile(r"([245])\.(\d{1,3})\.(\d{1,3})\Z")
_LEADING_ENHANCED = re.compile(r"([245]\.\d{1,3}\.\d{1,3})(?: |\Z)")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_NAME = re.compile(r"[\x21-\x7e]+\Z")
_SOFTWARE = re.compile(r"[\x20-\x7e]*\Z")
_KEYWORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]*\Z")
_VALUE = re.compile(r"[\x21-\x3c\x3e-\x7e]+\Z")
# Addresses: permissive (what real mail carries), but no spaces, controls
# or specials outside a quoted local part. Non-ASCII is allowed here; rule 5
# decides whether it may be used.
_LOCAL = r'(?:"(?:[^"\\\x00-\x1f\x7f]|\\[^\x00-\x1f\x7f])*"|[^\s\x00-\x1f\x7f"()<>\[\]\\,;:@]+)'
_DOMAIN = r"(?:\[[^\s\x00-\x1f\x7f\[\]\\]+\]|[^\s\x00-\x1f\x7f\"()<>\[\]\\,;:@.]+" \
          r"(?:\.[^\s\x00-\x1f\x7f\"()<>\[\]\\,;:@.]+)*\.?)"
_MAILBOX = re.compile(f"{_LOCAL}@{_DOMAIN}\\Z")
_PATH_LIMIT = 256                        # RFC 5321 4.5.3.1.3, brackets included

_HELP = ("Commands: EHLO HELO MAIL RCPT DATA RSET NOOP VRFY HELP QUIT STARTTLS\n"
         "See RFC 5321")


def _check(owner: str, name: str, value: Any, kind: type, test: Callable[[Any], object],
           what: str) -> Any:
    if isinstance(value, bool) and kind is not bool or not isinstance(value, kind):
        raise TypeError(f"{owner}: {name} must be {what}, not {value!r}")
    if not test(value):
        raise ValueError(f"{owner}: {name} must be {what}, not {value!r}")
    return value


class SMTPServerSession:
    """SMTPServerSession(hostname="localhost", software="Kamaelia", maxMessageSize=10 MiB,
    maxRecipients=100, startTLS=False, tlsActive=False, maxErrors=10) -> the server
    side of one SMTP connection, sans-I/O.

    Keyword arguments:

    - hostname       -- the name the server gives in its replies
    - software       -- what the greeting says after "ESMTP"
    - maxMessageSize -- the largest message text taken, in bytes (announced as SIZE)
    - maxRecipients  -- the most recipients accepted in one transaction
    - startTLS       -- offer STARTTLS (the caller has a certificate)
    - tlsActive      -- the connection is already in TLS (after STARTTLS)
    - maxErrors      -- after this many client mistakes, 421 and close
    """

    def __init__(self, hostname: str = "localhost", software: str = "Kamaelia",
                 maxMessageSize: int = 10 * 1024 * 1024, maxRecipients: int = 100,
                 startTLS: bool = False, tlsActive: bool = False, maxErrors: int = 10) -> None:
        owner = "SMTPServerSession"
        self.hostname: str = _check(owner, "hostname", hostname, str, _NAME.match,
                                    "a host name (printable ASCII, no spaces)")
        self.software: str = _check(owner, "software", software, str, _SOFTWARE.match,
                                    "printable ASCII text")
        self.maxMessageSize = positiveInt(owner, "maxMessageSize", maxMessageSize)
        self.maxRecipients = positiveInt(owner, "maxRecipients", maxRecipients)
        self.maxErrors = positiveInt(owner, "maxErrors", maxErrors)
        self.startTLS: bool = _check(owner, "startTLS", startTLS, bool, lambda v: True,
                                     "True or False")
        self.tlsActive: bool = _check(owner, "tlsActive", tlsActive, bool, lambda v: True,
                                      "True or False")
        self._lines = LineBuffer()
        self._decoder: DataDecoder | None = None
        self._events: deque[Event] = deque()
        self._output: list[bytes] = []
        self._state = _COMMAND
        self._pending: Decision | None = None
        self._eof = False
        self._helo: str | None = None
        self._extended = False
        self._errors = 0
        # the transaction (rule 2) and the message being read (rule 6)
        self._mail = self._utf8 = self._eightBit = False
        self._recipients = self._size = 0
        self._fault: tuple[int, str, str] | None = None

    # -------------------------------------------------------------- public

    def greeting(self) -> bytes:
        """The 220 to write when the connection opens (not after STARTTLS)."""
        software = f" {self.software}" if self.software else ""
        return f"220 {self.hostname} ESMTP{software}\r\n".encode("ascii")

    def receive(self, data: bytes | bytearray | memoryview) -> None:
        """Give the bytes the client sent; ``b""`` when it closed its side."""
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise TypeError(f"SMTPServerSession.receive: data must be bytes, not {data!r}")
        if not data:
            self._eof = True
        elif not self._eof and self._state in (_COMMAND, _DATA):
            self._lines.feed(data)

    def nextEvent(self) -> Event | Sentinel:
        """The next event, ``NEED_DATA`` (more bytes needed, or nothing more
        ever once :attr:`closed`) or ``PAUSED`` (a decision awaits :meth:`answer`)."""
        while True:
            if self._events:
                return self._events.popleft()
            if self._pending is not None:
                return PAUSED
            state = self._state
            if state == _COMMAND:
                line = self._lines.readLine(COMMAND_LINE_LIMIT)
                if line is not None:
                    self._command(line)
                    continue
            elif state == _DATA:
                if self._dataStep():
                    continue
            else:
                return NEED_DATA
            if not self._eof:
                return NEED_DATA
            if state == _DATA:
                self._events.append(ProtocolError("the connection closed in the middle of "
                                                  "a message"))
            self._close()

    def answer(self, code: int, text: str = "", enhanced: str | None = None) -> None:
        """Answer the waiting decision with the reply ``code``, ``text`` (lines
        separated by ``"\\n"`` make a multi-line reply) and ``enhanced`` status
        code (e.g. ``"4.7.1"``; by default one that fits, or one ``text`` starts with).

        Once the session is closed (say :meth:`close` was called while the
        decision was being made) an answer is ignored."""
        decision = self._pending
        if decision is None and self._state == _CLOSED:
            return                       # closed meanwhile (close(), maxErrors): nobody to tell
        if decision is None:
            raise RuntimeError(f"SMTPServerSession.answer: no decision is waiting for an "
                               f"answer (state {self._state!r})")
        if isinstance(code, bool) or not isinstance(code, int) or not 200 <= code <= 599:
            raise ValueError(f"SMTPServerSession.answer: code must be an int from 200 to 599, "
                             f"not {code!r}")
        if not isinstance(text, str):
            raise TypeError(f"SMTPServerSession.answer: text must be a str, not {text!r}")
        if enhanced is not None:
            matched = _ENHANCED.match(enhanced) if isinstance(enhanced, str) else None
            if matched is None or int(matched.group(1)) != code // 100:
                raise ValueError(f"SMTPServerSession.answer: enhanced must be None or a "
                                 f"status code of class {code // 100} like "
                                 f"'{code // 100}.0.0', not {enhanced!r}")
        if isinstance(decision, DataStart):
            if code != 354 and code < 400:
                raise ValueError(f"SMTPServerSession.answer: DataStart takes 354 or a 4xx/5xx "
                                 f"refusal, not {code!r}")
        elif 300 <= code < 400:
            raise ValueError(f"SMTPServerSession.answer: {type(decision).__name__} takes a "
                             f"2xx, 4xx or 5xx reply, not {code!r}")
        self._pending = None
        success = 200 <= code < 300
        if enhanced is None:
            leading = _LEADING_ENHANCED.match(text)
            if leading and leading.group(1)[0] == str(code // 100):
                enhanced, text = leading.group(1), text[leading.end():]
            elif success:
                enhanced = {MailFrom: "2.1.0", RcptTo: "2.1.5"}.get(type(decision), "2.0.0")
            else:
                enhanced = f"{code // 100}.0.0"
        self._reply(code, enhanced, text)
        if isinstance(decision, MailFrom):
            if success:
                self._mail = True
                self._utf8 = "SMTPUTF8" in decision.params
                self._eightBit = self._utf8 or decision.params.get("BODY") == "8BITMIME"
        elif isinstance(decision, RcptTo):
            if success:
                self._recipients += 1
        elif isinstance(decision, DataStart):
            if code == 354:
                self._state = _DATA
                self._decoder = DataDecoder(self._lines)
                self._size, self._fault = 0, None
        else:
            self._resetTransaction()
        if code == 421:
            self._close()

    def output(self) -> bytes:
        """The replies queued since the last call, to write to the client."""
        out = b"".join(self._output)
        self._output.clear()
        return out

    def close(self, text: str = "Service not available, closing transmission channel",
              enhanced: str = "4.3.2") -> None:
        """Queue a 421 (e.g. an idle timeout: ``close("Timeout", "4.4.2")``; a
        shutdown: the default) and close the session, whatever it was doing."""
        if self._state != _CLOSED:
            self._pending = None
            self._reply(421, enhanced, f"{self.hostname} {text}")
            self._close()

    @property
    def closed(self) -> bool:
        """True once the connection is to be closed (after the output is written)."""
        return self._state == _CLOSED

    @property
    def state(self) -> str:
        """``"command"``, ``"data"`` (reading message text), ``"starttls"``
        (waiting for the TLS switch) or ``"closed"``."""
        return self._state

    @property
    def pending(self) -> Decision | None:
        """The decision waiting for :meth:`answer`, if any."""
        return self._pending

    @property
    def helo(self) -> str | None:
        """The name the client gave in ``HELO``/``EHLO``."""
        return self._helo

    @property
    def extended(self) -> bool:
        """The client said ``EHLO`` (extensions and enhanced codes apply)."""
        return self._extended

    @property
    def recipients(self) -> int:
        """The recipients accepted in the current transaction."""
        return self._recipients

    @property
    def errors(self) -> int:
        """The client mistakes counted so far (rule 8)."""
        return self._errors

    @property
    def buffered(self) -> int:
        """Bytes received and not yet read (for back-pressure)."""
        return len(self._lines)

    def __repr__(self) -> str:
        return (f"<SMTPServerSession {self.hostname} state={self._state} "
                f"pending={self._pending!r} buffered={len(self._lines)}>")

    # ------------------------------------------------------------- replies

    def _reply(self, code: int, enhanced: str | None, text: str) -> None:
        prefix = f"{enhanced} " if enhanced and self._extended and code // 100 != 3 else ""
        room = 512 - 6 - len(prefix)     # "250-" and CRLF around each line
        lines = [_CONTROL.sub("?", line.rstrip("\r"))[:room]
                 for line in text.split("\n")][:100]
        last = len(lines) - 1
        self._output.append("".join(
            f"{code}{' ' if i == last else '-'}{prefix}{line}".rstrip(" ") + "\r\n"
            for i, line in enumerate(lines)).encode("ascii", "replace"))

    def _error(self, code: int, enhanced: str, text: str) -> None:
        self._reply(code, enhanced, text)
        self._events.append(ProtocolError(text, code, enhanced))
        if code in _COUNTED:
            self._errors += 1
            if self._errors >= self.maxErrors and self._state != _CLOSED:
                self._reply(421, "4.7.0", f"{self.hostname} Error: too many errors")
                self._close()

    def _close(self) -> None:
        self._state = _CLOSED
        self._pending = None
        self._decoder = None
        self._lines.clear()

    def _resetTransaction(self) -> None:
        self._mail = False
        self._utf8 = False
        self._eightBit = False
        self._recipients = 0
        self._size = 0
        self._fault = None

    def _decide(self, decision: Decision) -> None:
        self._pending = decision
        self._events.append(decision)

    # ------------------------------------------------------------ commands

    def _command(self, line: bytes | object) -> None:
        if line is TOO_LONG:
            return self._error(500, "5.5.6", "Line too long")
        assert isinstance(line, bytes)
        try:
            text, utf8 = line.decode("ascii"), False
        except UnicodeDecodeError:
            try:
                text, utf8 = line.decode("utf-8"), True
            except UnicodeDecodeError:
                return self._error(500, "5.5.2", "Command is not valid UTF-8")
        verb, _, rest = text.partition(" ")
        verb = verb.upper()
        handler = _COMMANDS.get(verb)
        if handler is None:
            if verb in _FORBIDDEN:
                self._reply(221, "2.7.0", "This is an SMTP server, goodbye")
                self._events.append(ProtocolError(f"{verb} is not an SMTP command: closed",
                                                  221, "2.7.0"))
                return self._close()
            return self._error(500, "5.5.2", "Command not recognised")
        if utf8 and verb not in ("MAIL", "RCPT"):
            return self._error(501, "5.5.2", "Non-ASCII text in a command")
        handler(self, rest)

    def _hello(self, rest: str, extended: bool) -> None:
        name = rest.strip(" ")
        if not _NAME.match(name):
            return self._error(501, "5.5.4", f"Syntax: {'EHLO' if extended else 'HELO'} "
                                             f"hostname")
        if self._mail:
            self._resetTransaction()
            self._events.append(Reset())
        self._helo, self._extended = name, extended
        first = f"{self.hostname} Hello {name}"
        if extended:
            offered = [first, "PIPELINING", f"SIZE {self.maxMessageSize}", "8BITMIME",
                       "SMTPUTF8", "ENHANCEDSTATUSCODES"]
            if self.startTLS and not self.tlsActive:
                offered.append("STARTTLS")
            self._reply(250, None, "\n".join(offered))
        else:
            self._reply(250, None, first)
        self._events.append(Hello(name, extended))

    def _ehlo(self, rest: str) -> None:
        self._hello(rest, True)

    def _heloCommand(self, rest: str) -> None:
        self._hello(rest, False)

    def _mailCommand(self, rest: str) -> None:
        if self._helo is None:
            return self._error(503, "5.5.1", "Send HELO/EHLO first")
        if self._mail:
            return self._error(503, "5.5.1", "Sender already specified")
        rest = rest.lstrip(" ")
        if rest[:5].upper() != "FROM:":
            return self._error(501, "5.5.4", "Syntax: MAIL FROM:<address>")
        parsed = self._path(rest[5:], sender=True)
        if parsed is None:
            return None
        address, params = parsed
        for key, value in params.items():
            if key == "SIZE":
                if value is None or not value.isdigit() or len(value) > 20:
                    return self._error(501, "5.5.4", "Syntax: SIZE=<number of bytes>")
                if int(value) > self.maxMessageSize:
                    return self._error(552, "5.3.4", "Message size exceeds fixed maximum "
                                                     "message size")
            elif key == "BODY":
                body = (value or "").upper()
                if body == "BINARYMIME":
                    return self._error(555, "5.5.4", "BODY=BINARYMIME is not supported")
                if body not in ("7BIT", "8BITMIME"):
                    return self._error(501, "5.5.4", "Syntax: BODY=7BIT or BODY=8BITMIME")
                params["BODY"] = body
            elif key == "SMTPUTF8":
                if value is not None:
                    return self._error(501, "5.5.4", "SMTPUTF8 takes no value")
            else:
                return self._error(555, "5.5.4", f"MAIL parameter {key} is not supported")
        if not address.isascii() and "SMTPUTF8" not in params:
            return self._error(553, "5.6.7", "A non-ASCII address needs SMTPUTF8")
        self._decide(MailFrom(address, params))

    def _rcptCommand(self, rest: str) -> None:
        if not self._mail:
            return self._error(503, "5.5.1", "Need MAIL before RCPT")
        rest = rest.lstrip(" ")
        if rest[:3].upper() != "TO:":
            return self._error(501, "5.5.4", "Syntax: RCPT TO:<address>")
        parsed = self._path(rest[3:], sender=False)
        if parsed is None:
            return None
        address, params = parsed
        if params:
            return self._error(555, "5.5.4", f"RCPT parameter {next(iter(params))} is not "
                                             f"supported")
        if not address.isascii() and not self._utf8:
            return self._error(553, "5.6.7", "A non-ASCII address needs SMTPUTF8")
        if self._recipients >= self.maxRecipients:
            return self._error(452, "4.5.3", "Too many recipients")
        self._decide(RcptTo(address, params))

    def _path(self, text: str, sender: bool) -> tuple[str, dict[str, str | None]] | None:
        """The address and parameters of ``MAIL FROM:``/``RCPT TO:``, or None
        after answering a syntax error."""
        enhanced = "5.1.7" if sender else "5.1.3"
        text = text.lstrip(" ")
        if text.startswith("<"):
            end, quoted, i = -1, False, 1
            while i < len(text):
                char = text[i]
                if quoted and char == "\\":
                    i += 1
                elif char == '"':
                    quoted = not quoted
                elif char == ">" and not quoted:
                    end = i
                    break
                i += 1
            if end < 0:
                self._error(501, enhanced, "Bad address syntax")
                return None
            path, after = text[1:end], text[end + 1:]
            if after and not after.startswith(" "):
                self._error(501, enhanced, "Bad address syntax")
                return None
        else:                            # no brackets: tolerated, as Postfix does
            path, _, after = text.partition(" ")
        if len(path) + 2 > _PATH_LIMIT:
            self._error(501, enhanced, "Address too long")
            return None
        if path.startswith("@"):         # a source route: RFC 5321 says to ignore it
            route, colon, path = path.partition(":")
            if not colon:
                self._error(501, enhanced, "Bad address syntax")
                return None
        if not (path == "" and sender or not sender and path.lower() == "postmaster"
                or _MAILBOX.match(path)):
            self._error(501, enhanced, "Bad address syntax")
            return None
        params: dict[str, str | None] = {}
        for word in after.split():
            key, equals, value = word.partition("=")
            if not _KEYWORD.match(key) or equals and not _VALUE.match(value):
                self._error(501, "5.5.4", f"Bad parameter {word!r}")
                return None
            key = key.upper()
            if key in params:
                self._error(501, "5.5.4", f"Parameter {key} given twice")
                return None
            params[key] = value if equals else None
        if params and not self._extended:
            self._error(555, "5.5.4", "Parameters need EHLO")
            return None
        return path, params

    def _dataCommand(self, rest: str) -> None:
        if rest.strip(" "):
            return self._error(501, "5.5.4", "Syntax: DATA")
        if not self._mail:
            return self._error(503, "5.5.1", "Need MAIL command")
        if not self._recipients:
            return self._error(554, "5.5.1", "No valid recipients")
        self._decide(DataStart())

    def _rsetCommand(self, rest: str) -> None:
        if rest.strip(" "):
            return self._error(501, "5.5.4", "Syntax: RSET")
        self._resetTransaction()
        self._reply(250, "2.0.0", "OK")
        self._events.append(Reset())

    def _noopCommand(self, rest: str) -> None:
        self._reply(250, "2.0.0", "OK")

    def _vrfyCommand(self, rest: str) -> None:
        if not rest.strip(" "):
            return self._error(501, "5.5.4", "Syntax: VRFY address")
        self._reply(252, "2.5.0", "Cannot VRFY user, but will accept message and attempt "
                                  "delivery")

    def _expnCommand(self, rest: str) -> None:
        self._error(502, "5.5.1", "EXPN is not available")

    def _helpCommand(self, rest: str) -> None:
        self._reply(214, "2.0.0", _HELP)

    def _quitCommand(self, rest: str) -> None:
        self._reply(221, "2.0.0", f"{self.hostname} closing connection")
        self._events.append(Quit())
        self._close()

    def _starttlsCommand(self, rest: str) -> None:
        if self.tlsActive:
            return self._error(503, "5.5.1", "TLS already active")
        if not self.startTLS:
            return self._error(502, "5.5.1", "STARTTLS is not available")
        if rest.strip(" "):
            return self._error(501, "5.5.4", "Syntax: STARTTLS")
        if not self._extended:
            return self._error(503, "5.5.1", "Send EHLO first")
        if self._mail:
            return self._error(503, "5.5.1", "STARTTLS is not allowed in a mail transaction")
        self._reply(220, "2.0.0", "Ready to start TLS")
        self._events.append(StartTLS())
        self._state = _STARTTLS
        self._lines.clear()              # rule 7: sent in the clear, so thrown away

    # ---------------------------------------------------------------- DATA

    def _dataStep(self) -> bool:
        """Read what the buffer holds of the message text; False if nothing could be."""
        decoder = self._decoder
        assert decoder is not None
        step = decoder.step()
        if step is None:
            return False
        text, ended = step
        # Every fault is looked for in every piece and the worst one found is
        # kept, so the reply never depends on where the TCP segments were cut
        # (a long line and 8-bit text read in one piece or in two).
        faults = [fault for fault, found in (
            (_LINE_TOO_LONG, decoder.tooLong),
            (_EIGHT_BIT, bool(text) and not self._eightBit and not text.isascii()),
            (_TOO_BIG, self._size + len(text) > self.maxMessageSize)) if found]
        if self._fault is not None:
            faults.append(self._fault)
        self._size += len(text)
        if faults:
            self._fault = min(faults, key=_DATA_FAULTS.index)
        elif text:
            self._events.append(MessageData(text))
        if ended:
            self._state, self._decoder = _COMMAND, None
            fault, size = self._fault, self._size
            self._resetTransaction()
            if fault is None:
                self._decide(MessageEnd(size))
            else:
                self._error(*fault)
        return True


# What can be wrong with message text, worst first.
_LINE_TOO_LONG = (500, "5.5.6", "Line too long (over 1000 bytes)")
_EIGHT_BIT = (554, "5.6.1", "8-bit text needs BODY=8BITMIME or SMTPUTF8")
_TOO_BIG = (552, "5.3.4", "Message size exceeds fixed maximum message size")
_DATA_FAULTS = [_LINE_TOO_LONG, _EIGHT_BIT, _TOO_BIG]


_COMMANDS: dict[str, Callable[[SMTPServerSession, str], None]] = {
    "EHLO": SMTPServerSession._ehlo,
    "HELO": SMTPServerSession._heloCommand,
    "MAIL": SMTPServerSession._mailCommand,
    "RCPT": SMTPServerSession._rcptCommand,
    "DATA": SMTPServerSession._dataCommand,
    "RSET": SMTPServerSession._rsetCommand,
    "NOOP": SMTPServerSession._noopCommand,
    "VRFY": SMTPServerSession._vrfyCommand,
    "EXPN": SMTPServerSession._expnCommand,
    "HELP": SMTPServerSession._helpCommand,
    "QUIT": SMTPServerSession._quitCommand,
    "STARTTLS": SMTPServerSession._starttlsCommand,
}
