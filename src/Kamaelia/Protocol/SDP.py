"""SDP: Session Description Protocol (RFC 4566) text parsed into dictionaries.

Example Usage
-------------
::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Protocol.SDP import SDPParser
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.PureTransformer import PureTransformer
    from Kamaelia.Util.Console import ConsoleEchoer

    description = '''v=0
    o=jdoe 2890844526 2890842807 IN IP4 10.47.16.5
    s=SDP Seminar
    c=IN IP4 224.2.17.12/127
    t=2873397496 2873404696
    a=recvonly
    m=audio 49170 RTP/AVP 0
    m=video 51372 RTP/AVP 99
    a=rtpmap:99 h263-1998/90000'''

    Pipeline(
        DataSource([line.strip() for line in description.splitlines()]),
        SDPParser(),
        PureTransformer(lambda sdp: f"{sdp['sessionname']}: "
                                    f"{[m['media'][:2] for m in sdp['media']]}\\n"),
        ConsoleEchoer(),
    ).run()                       # prints SDP Seminar: [('audio', 49170), ('video', 51372)]

How does it work?
-----------------
``SDPParser()`` takes the lines of session descriptions on ``"inbox"``,
one line per message (``str``, or ``bytes`` as UTF-8; a message holding
several lines is split), and sends a dictionary for each description out of
``"outbox"``. SDP has no end marker: a description ends where the next
``v=`` line starts one, or when ``producerFinished`` arrives. Empty lines
are skipped.

The dictionary's keys (present only when the line was):

======  ========================  ==============================================================
line    key                       value
======  ========================  ==============================================================
v       ``protocol_version``      0
o       ``origin``                (user, session id, session version, net type, address type,
                                  address); ids are ints
s       ``sessionname``           str
i       ``information``           str
u       ``URI``                   str
e       ``email``                 str
p       ``phone``                 str
c       ``connection``            (net type, address type, address, ttl, group size): for IP4
                                  ttl defaults to 127 and group size to 1 (ints); for IP6
                                  ttl is None
b       ``bandwidth``             a list of (mode, bits per second): the kilobits given, times
                                  1000 (in a media description: one pair, not a list)
t, r    ``time``                  a list of (start, stop, [repeat, ...]) for each t= line, with
                                  each following r= line as (interval, duration, [offsets]),
                                  in seconds (units d, h, m, s understood)
z       ``timezone adjustments``  [(adjustment time, offset in seconds), ...]
k       ``encryption``            (method, value or None)
a       ``attribute``             a list of str
m       ``media``                 a list of media descriptions, each a dict with ``media``:
                                  (media, port, number of ports, protocol, format), and its own
                                  ``information``, ``connection``, ``bandwidth``,
                                  ``encryption``, ``attribute``
======  ========================  ==============================================================

A media description without its own ``connection`` gets the session's.
Times are left in the units of the description (NTP seconds).

The rules checked (1.14's): a description starts with ``v=0``; ``o``,
``s`` and ``t`` must come before the first ``m``; in the session part
``a``, ``b``, ``t`` and ``r`` may repeat, ``r`` follows a ``t``, and each other
type appears at most once; in a media part only ``i``, ``c``, ``b``, ``k``
(once each) and ``a`` may appear; each media part needs a ``c`` if the
session has none; a type letter not listed is not understood. A
description that breaks a rule, or has a line that cannot be read, is
dropped whole (RFC 4566 says to ignore a description one cannot
understand): the reason is logged as a warning (logger
``Kamaelia.Protocol.SDP``), the lines up to the next ``v=`` are skipped,
and parsing carries on.

A description may be at most ``maxsize`` characters (``SDPParser(maxsize=
65536)``, ``None`` for no limit; session descriptions are rarely over a
few kilobytes). One that grows past it is dropped at once
(:class:`DescriptionTooLarge`, an ``SDPError``); the component logs an
error naming the limit, sends ``producerFinished`` out of ``"signal"``
and ends (on a connection, that closes it). Parsing is linear in the
input: each line is read once, with regular expressions that cannot
backtrack.

:class:`SessionDescriptionParser` is that parser as a plain object
(``feed(line)`` returns the descriptions completed, ``close()`` the last
one), and :func:`parseLine` reads one line; both raise only
:class:`SDPError`. ``SDPParser``'s ``main`` uses the 1.14 methods a
subclass may override: ``readline()`` (a generator: ``None`` while waiting,
then the next line), ``handleControl()`` (raises :class:`AllDone` on
``producerFinished``, :class:`ShutdownNow` on ``shutdownMicroprocess``, and
passes other control messages on out of ``"signal"``) and
``sendOutParsedSDP(session)``.

Shutdown: on ``producerFinished`` it handles the lines waiting, sends the
last description if it is complete, then passes the message on out of
``"signal"`` and ends. On ``shutdownMicroprocess`` it ends without sending
the description in progress, passing the message on.

What it does not do: it does not check addresses, keep unknown attribute
semantics, or allow repeated ``e`` or ``p`` lines, or ``b`` lines in a media
description.
"""

from __future__ import annotations

import logging
import re
from collections import deque
from typing import Any, Iterator

from Axon.Component import component
from Axon.Ipc import ipc, producerFinished, shutdownMicroprocess
from Kamaelia.Support._limits import MAX_LINE_LENGTH, checkLimit, endOversized
from Kamaelia.Util._stream import shortRepr

__all__ = ["SDPParser", "SessionDescriptionParser", "parseLine", "SDPError",
           "DescriptionTooLarge", "AllDone", "ShutdownNow"]

log = logging.getLogger(__name__)


class SDPError(ValueError):
    """A line that cannot be read, or a description that breaks the rules.

    ``line`` is the offending line (None when the description as a whole is
    at fault).
    """

    def __init__(self, message: str, line: str | None = None) -> None:
        super().__init__(message)
        self.line = line


class DescriptionTooLarge(SDPError):
    """A session description longer than the parser's ``maxsize``; it was dropped."""


class AllDone(Exception):
    """Raised by ``SDPParser.handleControl`` when ``producerFinished`` arrives."""


class ShutdownNow(Exception):
    """Raised by ``SDPParser.handleControl`` when ``shutdownMicroprocess`` arrives."""


_UNITS = {None: 1, "s": 1, "m": 60, "h": 3600, "d": 86400}
_LINE = re.compile(r"(.)=(.*)", re.DOTALL)
_ORIGIN = re.compile(r" *(\S+) +(\d+) +(\d+) +(IN) +(IP[46]) +(.+)", re.DOTALL)
_C_IP4 = re.compile(r" *IN +IP4 +([^/ ]+)(?:/(\d+)(?:/(\d+))?)? *")
_C_IP6 = re.compile(r" *IN +IP6 +([0-9a-fA-F:.]+)(?:/(\d+))? *")
_BANDWIDTH = re.compile(r" *(AS|CT|X-[^:]+):(\d+) *")
_TIME = re.compile(r" *(\d+) +(\d+) *")
_TERM = re.compile(r"(\d+)([dhms])?")
_ZONE = re.compile(r" *(\d+) +([+-]?\d+)([dhms])? *")
_KEY = re.compile(r"(clear|base64|uri|prompt)(?::(.*))?", re.DOTALL)
_MEDIA = re.compile(r"(audio|video|text|application|message) +(\d+)(?:/(\d+))? +(\S+) +(.+)",
                    re.DOTALL)

_KEYS = {"v": "protocol_version", "o": "origin", "s": "sessionname", "i": "information",
         "u": "URI", "e": "email", "p": "phone", "c": "connection", "b": "bandwidth",
         "t": "time", "r": "repeats", "z": "timezone adjustments", "k": "encryption",
         "a": "attribute", "m": "media"}


def _match(pattern: re.Pattern[str], value: str, what: str, line: str) -> re.Match[str]:
    found = pattern.fullmatch(value)
    if found is None:
        raise SDPError(f"cannot read the {what} in {_show(line)}", line)
    return found


def _seconds(term: str, line: str) -> int:
    found = _match(_TERM, term, "time", line)
    return int(found[1]) * _UNITS[found[2]]


def _show(line: str) -> str:
    return shortRepr(line)


def parseLine(line: str) -> tuple[str, str, Any]:
    """``(type, key, value)`` for one SDP line (see the module docstring for the values).

    Raises :class:`SDPError` for a line that is not ``<letter>=<value>`` with
    a value of the right form for its type (a number too long for Python to
    read included), and nothing else for any ``str``.
    """
    try:
        return _parseLine(line)
    except SDPError:
        raise
    except ValueError as exc:       # int() of more digits than it reads
        raise SDPError(f"cannot read a number in {_show(line)}: {exc}", line) from None


def _parseLine(line: str) -> tuple[str, str, Any]:
    found = _LINE.fullmatch(line)
    if found is None:
        raise SDPError(f"not an SDP line (<type>=<value>): {_show(line)}", line)
    kind, value = found[1], found[2]
    key = _KEYS.get(kind, "unknown")
    if kind == "v":
        if value != "0":
            raise SDPError(f"only SDP version 0 is known, not {_show(line)}", line)
        return kind, key, 0
    if kind == "o":
        user, sid, ver, ntype, atype, addr = _match(_ORIGIN, value, "origin", line).groups()
        return kind, key, (user, int(sid), int(ver), ntype, atype, addr)
    if kind in "siuep":
        return kind, key, value
    if kind == "c":
        ip4 = _C_IP4.fullmatch(value)
        if ip4 is not None:
            addr, ttl, groupsize = ip4.groups()
            return kind, key, ("IN", "IP4", addr, 127 if ttl is None else int(ttl),
                               1 if groupsize is None else int(groupsize))
        addr, groupsize = _match(_C_IP6, value, "connection", line).groups()
        return kind, key, ("IN", "IP6", addr, None, 1 if groupsize is None else int(groupsize))
    if kind == "b":
        mode, rate = _match(_BANDWIDTH, value, "bandwidth", line).groups()
        return kind, key, (mode, int(rate) * 1000)
    if kind == "t":
        start, stop = _match(_TIME, value, "times", line).groups()
        return kind, key, (int(start), int(stop), [])
    if kind == "r":
        terms = value.split()
        if len(terms) < 2:
            raise SDPError(f"a repeat needs an interval and a duration: {_show(line)}", line)
        seconds = [_seconds(term, line) for term in terms]
        return kind, key, (seconds[0], seconds[1], seconds[2:])
    if kind == "z":
        adjustments = []
        terms = value.split()
        if not terms or len(terms) % 2:
            raise SDPError(f"time zone adjustments come in pairs: {_show(line)}", line)
        for at in range(0, len(terms), 2):
            pair = _match(_ZONE, f"{terms[at]} {terms[at + 1]}", "time zone adjustment", line)
            adjustments.append((int(pair[1]), int(pair[2]) * _UNITS[pair[3]]))
        return kind, key, adjustments
    if kind == "k":
        method, secret = _match(_KEY, value, "encryption key", line).groups()
        return kind, key, (method, secret)
    if kind == "a":
        return kind, key, value
    if kind == "m":
        media, port, numports, protocol, fmt = _match(_MEDIA, value, "media", line).groups()
        return kind, key, (media, int(port), 1 if numports is None else int(numports),
                           protocol, fmt)
    return kind, key, value


# The parser's rules, as 1.14 kept them (see the module docstring):
_SESSION_MANDATORY = "vost"
_SESSION_SINGLE = "vosiuepcbzk"
_SESSION_MULTIPLE = "abtr"
_MEDIA_SINGLE = "icbk"
_MEDIA_MULTIPLE = "a"


class SessionDescriptionParser:
    """SessionDescriptionParser(maxsize=65536) -> reads session descriptions, line by line

    - maxsize -- the largest description, in characters of its lines (None:
      no limit)

    ``feed(line)`` returns the list of descriptions it completed (a ``v=``
    line completes the one before); ``close()`` returns the last one (or
    None). Both raise :class:`SDPError` for a description that breaks the
    rules, and :class:`DescriptionTooLarge` (an ``SDPError``) for one that
    grows past ``maxsize`` (it is dropped at once); the parser then skips
    to the next ``v=`` line.
    """

    def __init__(self, maxsize: int | None = MAX_LINE_LENGTH) -> None:
        self.maxsize = checkLimit("SessionDescriptionParser", "maxsize", maxsize)
        self.session: dict[str, Any] | None = None
        self._skipping = False        # after an error: until the next v= line
        self._seen = ""               # the types seen in the current part
        self._inMedia = False
        self._size = 0                # of the description in progress

    def feed(self, line: str) -> list[dict[str, Any]]:
        """Read one line (without its line ending); the descriptions completed."""
        line = line.rstrip("\r\n")
        if not line:
            return []
        limit = self.maxsize
        if limit is not None and not self._skipping and (
                len(line) + (0 if line.startswith("v=") else self._size) > limit):
            self.discard()
            raise DescriptionTooLarge(f"a session description longer than maxsize={limit} "
                                      f"characters was dropped, at {_show(line)}", line)
        try:
            kind, key, value = parseLine(line)
        except SDPError:
            self.discard()
            raise
        self._size = (0 if kind == "v" else self._size) + len(line) + 1
        if kind == "v":
            previous, previousInMedia = self.session, self._inMedia
            self.session = {}
            self._skipping, self._inMedia, self._seen = False, False, ""
            self._add(kind, key, value, line)
            if previous is None:
                return []
            return [self._complete(previous, previousInMedia)]
        if self._skipping:
            return []
        if self.session is None:
            self._skipping = True
            raise SDPError(f"a session description starts with v=0, not {_show(line)}", line)
        try:
            self._add(kind, key, value, line)
        except SDPError:
            self.discard()
            raise
        return []

    def close(self) -> dict[str, Any] | None:
        """The description in progress, complete (None if there is none)."""
        session, self.session = self.session, None
        if session is None:
            return None
        return self._complete(session, self._inMedia)

    def discard(self) -> None:
        """Drop the description in progress; skip lines up to the next v=."""
        self.session = None
        self._skipping = True

    def _complete(self, session: dict[str, Any], inMedia: bool) -> dict[str, Any]:
        if not inMedia:
            self._checkMandatory(session, line=None)
        if self._media(session) and "connection" not in session:
            for media in self._media(session):
                if "connection" not in media:
                    raise SDPError("a media description has no c= line and neither has the "
                                   "session")
        session.setdefault("media", [])
        return session

    @staticmethod
    def _media(session: dict[str, Any]) -> list[dict[str, Any]]:
        media: list[dict[str, Any]] = session.get("media", [])
        return media

    def _checkMandatory(self, session: dict[str, Any], line: str | None) -> None:
        missing = [k for k in _SESSION_MANDATORY if _KEYS[k] not in session]
        if missing:
            raise SDPError(f"the session description has no {', '.join(m + '=' for m in missing)}"
                           f" line before {'the end' if line is None else _show(line)}", line)

    def _add(self, kind: str, key: str, value: Any, line: str) -> None:
        session = self.session
        assert session is not None
        if kind == "m":
            if not self._inMedia:
                self._checkMandatory(session, line)
            elif "connection" not in session and "connection" not in session["media"][-1]:
                raise SDPError(f"a media description has no c= line and neither has the "
                               f"session, before {_show(line)}", line)
            self._inMedia, self._seen = True, ""
            session.setdefault("media", []).append({key: value})
            return
        if self._inMedia:
            part = session["media"][-1]
            single, multiple = _MEDIA_SINGLE, _MEDIA_MULTIPLE
        else:
            part = session
            single, multiple = _SESSION_SINGLE, _SESSION_MULTIPLE
        where = "a media description" if self._inMedia else "the session part"
        if kind not in single and kind not in multiple:
            raise SDPError(f"{kind}= is not understood in {where}: {_show(line)}", line)
        if kind not in multiple and kind in self._seen:
            raise SDPError(f"a second {kind}= line in {where}: {_show(line)}", line)
        self._seen += kind
        if kind == "r":
            times = part.get("time")
            if not times:
                raise SDPError(f"r= must follow a t= line: {_show(line)}", line)
            times[-1][2].append(value)
        elif kind in multiple:
            part.setdefault(key, []).append(value)
        else:
            part[key] = value


class SDPParser(component):
    """SDPParser(maxsize=65536) -> sends a dict for each session description whose lines arrive

    - maxsize -- the largest description, in characters (None: no limit);
      past it the component logs an error naming the limit, sends
      ``producerFinished`` out of ``"signal"`` and ends
    """

    Inboxes = {"inbox": "SDP lines, one per message (str, or bytes as UTF-8)",
               "control": "shutdown signalling"}
    Outboxes = {"outbox": "parsed session descriptions (dicts)",
                "signal": "shutdown signalling, and other control messages passed on"}

    def __init__(self, maxsize: int | None = MAX_LINE_LENGTH, **argd: Any) -> None:
        super().__init__(**argd)
        self.parser = SessionDescriptionParser(maxsize)
        self.maxsize = self.parser.maxsize
        self.shutdownMsg: ipc | None = None
        self._lines: deque[str] = deque()

    def handleControl(self) -> None:
        """Raise AllDone (producerFinished) or ShutdownNow (shutdownMicroprocess);
        pass other control messages on out of "signal"."""
        while self.dataReady("control"):
            message = self.recv("control")
            if isinstance(message, producerFinished):
                self.shutdownMsg = message
                raise AllDone
            if isinstance(message, shutdownMicroprocess):
                self.shutdownMsg = message
                raise ShutdownNow
            self.send(message, "signal")

    def readline(self) -> Iterator[str | None]:
        """Yield None while no line is waiting, then the next non-empty line."""
        while True:
            while not self._lines and self.dataReady("inbox"):
                self._lines = deque(self._split(self.recv("inbox")))
            if self._lines:
                yield self._lines.popleft()
                return
            self.handleControl()
            self.pause()
            yield None

    def _split(self, message: Any) -> list[str]:
        if isinstance(message, (bytes, bytearray)):
            message = bytes(message).decode("utf-8", errors="replace")
        if not isinstance(message, str):
            log.error("%s takes lines of text, not %s; skipped", self.name, shortRepr(message))
            return []
        return [line for line in message.splitlines() if line.strip("\r\n")]

    def sendOutParsedSDP(self, session: dict[str, Any]) -> None:
        """Give media descriptions without a connection the session's, and send it."""
        if "connection" in session:
            for media in session.get("media", []):
                media.setdefault("connection", session["connection"])
        self.send(session, "outbox")

    def _report(self, exc: SDPError) -> None:
        log.warning("%s dropped a session description: %s", self.name, exc)

    def main(self) -> Iterator[Any]:
        parser = self.parser
        try:
            while True:
                line = None
                for line in self.readline():
                    if line is None:
                        yield 1
                if line is None:
                    continue
                try:
                    self._parse(line)
                except DescriptionTooLarge as exc:
                    endOversized(self, exc, "maxsize", self.maxsize)
                    return
                except SDPError as exc:
                    self._report(exc)
                line = None                  # held no longer than needed
        except AllDone:
            try:
                last = parser.close()
            except SDPError as exc:
                self._report(exc)
            else:
                if last is not None:
                    self.sendOutParsedSDP(last)
        except ShutdownNow:
            pass
        self.send(self.shutdownMsg or producerFinished(self), "signal")

    def _parse(self, line: str) -> None:
        for session in self.parser.feed(line):
            self.sendOutParsedSDP(session)


__kamaelia_components__ = (SDPParser,)
