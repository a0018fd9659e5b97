"""lines_to_tokenlists: split each line of text into a list of words, quotes respected.

Example Usage
-------------
Tokenise topology commands as a topology viewer wants them::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Util.Console import ConsoleEchoer
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.PureTransformer import PureTransformer
    from Kamaelia.Visualisation.PhysicsGraph.lines_to_tokenlists import lines_to_tokenlists

    Pipeline(
        DataSource(['ADD NODE 1 "first node" randompos -',
                    "ADD NODE 2 'it said \\\\'hi\\\\'' auto -"]),
        lines_to_tokenlists(),
        PureTransformer(lambda tokens: f"{tokens}\\n"),
        ConsoleEchoer(),
    ).run()

prints::

    ['ADD', 'NODE', '1', 'first node', 'randompos', '-']
    ['ADD', 'NODE', '2', "it said 'hi'", 'auto', '-']

How does it work?
-----------------
Each line arriving on ``"inbox"`` (a ``str``; ``bytes`` are read as UTF-8)
is split by :func:`tokenise` and the list of tokens is sent out of
``"outbox"``. A blank line sends nothing. The rules are Kamaelia 1.14's,
so text written for a 1.14 topology viewer (or by 1.14's Introspector)
reads the same:

* tokens are separated by white space; white space around the line is
  ignored;
* a token that starts with ``"`` or ``'`` is *quoted*: it runs to the next
  matching quote, and may hold spaces. Inside it a backslash makes the next
  character plain (``\\"`` is a quote, ``\\\\`` a backslash), and the
  backslash is dropped. The closing quote must be followed by white space or
  the end of the line. The quotes are not part of the token;
* any other token runs to the next white space; quotes and backslashes in it
  are plain characters (``c:\\temp`` is one token, as typed).

A line that breaks the rules (a quote never closed, text straight after a
closing quote) is *malformed*: as in 1.14 nothing is sent for it, and here
it is also logged as an error (logger
``Kamaelia.Visualisation.PhysicsGraph``) naming the line and the column.
:func:`tokenise` raises :class:`MalformedLine` for it; 1.14's method
``lineToTokens(line)`` returns ``[]``.

Shutdown: ``producerFinished`` or ``shutdownMicroprocess`` on ``"control"``:
lines already waiting are tokenised and sent first, then the message is
passed on out of ``"signal"`` and the component ends.

Differences from 1.14: 1.14 dropped a malformed line silently and could lose
lines that arrived just before a shutdown message; messages that are not
text are logged and skipped here (1.14 raised).
"""

from __future__ import annotations

import logging
from typing import Any, Iterator

from Axon.Component import component
from Axon.Ipc import shutdownRequest

__all__ = ["lines_to_tokenlists", "tokenise", "MalformedLine"]

log = logging.getLogger("Kamaelia.Visualisation.PhysicsGraph")

_QUOTES = "\"'"


class MalformedLine(ValueError):
    """A line that breaks the quoting rules; ``line`` and ``column`` (0-based) say where."""

    def __init__(self, line: str, column: int, reason: str) -> None:
        super().__init__(f"{reason} at column {column} of {line!r}")
        self.line = line
        self.column = column


def _skipSpace(line: str, at: int) -> int:
    while at < len(line) and line[at].isspace():
        at += 1
    return at


def _plainToken(line: str, at: int) -> tuple[str, int]:
    """The unquoted token starting at ``at``, and where it ends."""
    end = at
    while end < len(line) and not line[end].isspace():
        end += 1
    return line[at:end], end


def _quotedToken(line: str, at: int) -> tuple[str, int]:
    """The quoted token whose opening quote is at ``at``, and where it ends
    (just after its closing quote)."""
    quote = line[at]
    chars: list[str] = []
    pos = at + 1
    while pos < len(line):
        char = line[pos]
        if char == quote:
            end = pos + 1
            if end < len(line) and not line[end].isspace():
                raise MalformedLine(line, end, "text straight after a closing quote")
            return "".join(chars), end
        if char == "\\":
            pos += 1
            if pos == len(line):
                break
            char = line[pos]
        chars.append(char)
        pos += 1
    raise MalformedLine(line, at, f"the quote {quote} is never closed")


def tokenise(line: str) -> list[str]:
    """The tokens of ``line`` by the rules above; :class:`MalformedLine` if it
    breaks them. A blank line has no tokens."""
    tokens: list[str] = []
    at = _skipSpace(line, 0)
    while at < len(line):
        if line[at] in _QUOTES:
            token, at = _quotedToken(line, at)
        else:
            token, at = _plainToken(line, at)
        tokens.append(token)
        at = _skipSpace(line, at)
    return tokens


class lines_to_tokenlists(component):
    """lines_to_tokenlists() -> new lines_to_tokenlists component

    Takes lines of text and sends each as a list of its white-space separated
    tokens; tokens may be enclosed in single or double quotes.
    """

    Inboxes = {"inbox": "lines of text (str, or UTF-8 bytes)",
               "control": "producerFinished or shutdownMicroprocess to end"}
    Outboxes = {"outbox": "each line's list of tokens (nothing for a blank or malformed line)",
                "signal": "the shutdown message, passed on"}

    def main(self) -> Iterator[int]:
        """Tokenise lines until told to stop."""
        while not self.shutdown():
            self._tokeniseWaiting()
            if not self.anyReady():
                self.pause()
            yield 1

    def _tokeniseWaiting(self) -> None:
        for line in self.Inbox("inbox"):
            self._tokeniseOne(line)

    def _tokeniseOne(self, line: Any) -> None:
        if isinstance(line, (bytes, bytearray)):
            line = bytes(line).decode("utf-8", errors="replace")
        if not isinstance(line, str):
            log.error("%s skipped a message that is not a line of text: %r",
                        self.name, line)
            return
        try:
            tokens = tokenise(line)
        except MalformedLine as error:
            log.error("%s skipped a malformed line: %s", self.name, error)
            return
        if tokens:
            self.send(tokens, "outbox")

    def lineToTokens(self, line: str) -> list[str]:
        """The tokens of ``line`` (1.14's method): ``[]`` if it is blank or malformed."""
        try:
            return tokenise(line)
        except MalformedLine:
            return []

    def shutdown(self) -> bool:
        """True once a shutdown message has arrived on "control" (1.14's method):
        the lines waiting are sent first and the message is passed on."""
        request = shutdownRequest(self)
        if request is None:
            return False
        self._tokeniseWaiting()
        self.send(request, "signal")
        return True


__kamaelia_components__ = (lines_to_tokenlists,)
