"""Simple tokenisation: lines of text to lists of tokens, and back.

Example Usage
-------------
::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.Tokenisation.Simple import lines_to_tokenlists, tokenlists_to_lines
    from Kamaelia.Util.PureTransformer import PureTransformer
    from Kamaelia.Util.Console import ConsoleEchoer

    Pipeline(
        DataSource(['ADD NODE 1 "first node" randompos -\\n']),
        lines_to_tokenlists(),      # ['ADD', 'NODE', '1', 'first node', 'randompos', '-']
        PureTransformer(lambda tokens: tokens[:3] + [tokens[3].upper()]),
        tokenlists_to_lines(),      # 'ADD NODE 1 "FIRST NODE"\\n'
        ConsoleEchoer(),
    ).run()                         # prints ADD NODE 1 "FIRST NODE"

This is the line format of Kamaelia's topology visualiser commands.

How does it work?
-----------------
``lines_to_tokenlists()`` sends, for each line (a ``str``) arriving on
``"inbox"``, the list of its tokens out of ``"outbox"``; a blank line gives
``[]``. ``tokenlists_to_lines()`` does the reverse: for each list (or tuple)
of tokens it sends one line, the tokens separated by single spaces, quoted
where needed, ending in ``"\\n"``. Tokens that are not strings are written
as ``str(token)``. For any list of strings ``tokens``,
``tokenise(untokenise(tokens)) == tokens``. The rules (also available as
the plain functions :func:`tokenise` and :func:`untokenise`):

=====================  ==============================  ==========================
a token starting with  runs up to                      and its value is
=====================  ==============================  ==========================
``"``                  the next ``"`` not escaped      the text between the
                       by a backslash                  quotes, with ``\\x`` -> ``x``
``'``                  the next ``'`` not escaped      the same
anything else          the next whitespace or the end  the text as written
=====================  ==============================  ==========================

Tokens are separated by whitespace; a closing quote must be followed by
whitespace or the end of the line. ``untokenise`` writes a token bare unless
it is empty, contains whitespace or starts with a quote; then it puts it in
double quotes, escaping ``\\`` and ``"`` with a backslash.

A line that breaks the rules (an unterminated quote, text straight after a
closing quote), a line that is not a ``str``, or a token list that is not a
list or tuple, is logged as an error (logger
``Kamaelia.Util.Tokenisation.Simple``, naming the component, the message
and the column at fault) and skipped; the component carries on.

Boxes (both components): ``"inbox"`` takes lines, or token lists;
``"outbox"`` sends token lists, or lines; ``"control"`` takes shutdown
messages, which leave through ``"signal"``.

Shutdown (both): on ``producerFinished`` or ``shutdownMicroprocess`` it
first handles everything already waiting, then sends that same message out
of ``"signal"`` and ends. Other messages on ``"control"`` are logged and
ignored.

What it does not do: it does not split a stream into lines (put
``LineSplit`` in front), decode bytes, or escape newlines: a token
containing a newline survives ``tokenise(untokenise(...))`` but not a
transport that splits lines.
"""

from __future__ import annotations

import re
from typing import Any, Iterable, Sequence

from Kamaelia.Util._stream import StreamTransformer, shortRepr

__all__ = ["lines_to_tokenlists", "tokenlists_to_lines", "tokenise", "untokenise"]

# One token, after optional leading whitespace; see the table in the module
# docstring. The lookahead makes a closing quote need whitespace or the end.
_TOKEN = re.compile(r"""
    \s*
    (?:
        "(?P<double>(?:[^"\\]|\\.)*)"
      | '(?P<single>(?:[^'\\]|\\.)*)'
      | (?P<bare>[^\s"']\S*)
    )
    (?=\s|\Z)
""", re.VERBOSE | re.DOTALL)
_QUOTED = re.compile(r""""(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'""", re.DOTALL)
_ESCAPE = re.compile(r"\\(.)", re.DOTALL)
_NEEDS_QUOTES = re.compile(r"\s")


def tokenise(line: str) -> list[str]:
    """The tokens of ``line``; ValueError naming the column if it breaks the rules."""
    tokens: list[str] = []
    pos = 0
    while True:
        match = _TOKEN.match(line, pos)
        if match is None:
            break
        bare = match.group("bare")
        if bare is not None:
            tokens.append(bare)
        else:
            quoted = match.group("double")
            if quoted is None:
                quoted = match.group("single")
            tokens.append(_ESCAPE.sub(r"\1", quoted))
        pos = match.end()
    rest = line[pos:]
    if rest.strip():
        column = pos + len(rest) - len(rest.lstrip())
        closed = _QUOTED.match(line, column)
        problem = (f"text straight after the closing quote at column {closed.end()}"
                   if closed else f"unterminated quote at column {column}")
        raise ValueError(f"cannot tokenise {shortRepr(line)}: {problem}")
    return tokens


def quoteToken(token: str) -> str:
    """``token`` as written in a line: bare if that reads back the same, else quoted."""
    if token and token[0] not in "\"'" and not _NEEDS_QUOTES.search(token):
        return token
    return '"' + token.replace("\\", "\\\\").replace('"', '\\"') + '"'


def untokenise(tokens: Sequence[Any]) -> str:
    """The line (without line ending) that :func:`tokenise` reads as ``tokens``."""
    return " ".join(quoteToken(token if isinstance(token, str) else str(token))
                    for token in tokens)


class lines_to_tokenlists(StreamTransformer):
    """lines_to_tokenlists() -> sends the list of tokens of each line"""

    Inboxes = {"inbox": "lines of text (str)", "control": "shutdown signalling"}
    Outboxes = {"outbox": "a list of tokens per line", "signal": "shutdown signalling"}

    def feed(self, message: Any) -> Iterable[Any]:
        if not isinstance(message, str):
            raise TypeError(f"lines must be str, not {shortRepr(message)}")
        return (tokenise(message),)


class tokenlists_to_lines(StreamTransformer):
    """tokenlists_to_lines() -> sends one line (ending in "\\n") per list of tokens"""

    Inboxes = {"inbox": "lists of tokens", "control": "shutdown signalling"}
    Outboxes = {"outbox": "lines of text, each ending in a newline",
                "signal": "shutdown signalling"}

    def feed(self, message: Any) -> Iterable[Any]:
        if not isinstance(message, (list, tuple)):
            raise TypeError(f"token lists must be a list or tuple, not {shortRepr(message)}")
        return (untokenise(message) + "\n",)
