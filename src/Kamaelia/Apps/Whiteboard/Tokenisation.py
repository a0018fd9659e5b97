"""The whiteboard's line protocol: lists of tokens to lines of bytes, and back.

Example Usage
-------------
The pure functions, for one line at a time::

    from Kamaelia.Apps.Whiteboard.Tokenisation import decodeLine, encodeTokens

    line = encodeTokens([["WRITE", "100", "100", "24", "0", "0", "0", 'say "hi"']])
    assert line == b'[ WRITE 100 100 24 0 0 0 say%20"hi" ] \\n'
    assert decodeLine(line) == [["WRITE", "100", "100", "24", "0", "0", "0", 'say "hi"']]

The components, between a whiteboard and a connection (``LineSplit`` cuts
the incoming byte stream into lines first)::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.PureTransformer import PureTransformer
    from Kamaelia.Util.Console import ConsoleEchoer
    from Kamaelia.Apps.Whiteboard.Tokenisation import (lines_to_tokenlists,
                                                       tokenlists_to_lines)

    Pipeline(
        DataSource([[["LINE", "255", "0", "0", "10", "20", "30", "40"]], [["CLEAR"]]]),
        tokenlists_to_lines(),      # b'[ LINE 255 0 0 10 20 30 40 ] \\n', b'[ CLEAR ] \\n'
        lines_to_tokenlists(),      # [['LINE', '255', ...]], [['CLEAR']]
        PureTransformer(lambda commands: f"{commands!r}\\n"),
        ConsoleEchoer(),
    ).run()

How does it work?
-----------------
The format is Kamaelia 1.14's (``Kamaelia.Apps.Whiteboard.Tokenisation``,
the same as ``Kamaelia.Util.Tokenisation.Simple``), byte for byte, so a
1.14 whiteboard can talk to ours; both modules read and write it with the
same code (``Kamaelia.Util.Tokenisation._codec``). The rules:

1. A line is the tokens of a list, each followed by one space, then
   ``"\\n"``. A token that is itself a list (or tuple) is written
   ``[ `` + its tokens + ``] ``, so lists nest. Whiteboard messages are
   lists of commands: ``[["CLEAR"]]`` is the line ``b"[ CLEAR ] \\n"``.
2. Inside a token, ``%`` is written ``%25``, then each character of
   :data:`substitutions` is written ``%`` + its lower-case hex code without
   padding: NUL ``%0``, ``9`` ``%39``, LF ``%a``, CR ``%d``, space ``%20``,
   ``[`` ``%5b``, ``]`` ``%5d`` (by :func:`Kamaelia.Support.Data.Escape.escape`).
   1.14 meant to escape tabs (it wrote ``"\\09"``), but Python reads that as
   NUL followed by ``9``: so tabs travel as they are and every digit 9 is
   escaped. A 1.14 peer expects exactly that, so it stays. Quotes,
   backslashes and everything else travel as they are.
3. On the wire a line is bytes: the text of rule 1 and 2 encoded as UTF-8.
   1.14 was Python 2, whose ``str`` *was* bytes: its tokens could hold any
   bytes (``SETIMG`` carries raw zlib data), written as they are. So bytes
   are decoded with UTF-8 and ``surrogateescape``: a byte that is not part
   of valid UTF-8 becomes a lone surrogate (U+DC80 to U+DCFF) in the token,
   and is written back as the same byte. Every line of bytes therefore
   decodes, and re-encodes to the same bytes; :func:`tokenBytes` gives the
   bytes a token stands for (for ``SETIMG``'s image data). Tokens given as
   ``bytes`` are written as they are, like 1.14's.
4. Reading splits the line at spaces and skips empty pieces, so runs of
   spaces and a missing last space do no harm. One ``"\\n"`` at the end is
   dropped, and every raw ``"\\r"`` is removed (1.14's reading side,
   ``chunks_to_lines``, removed them, so hand-written lines ending in
   ``"\\r\\n"`` work; a CR inside a token is always escaped, rule 2).
5. An empty token (which 1.14 wrote as nothing, and so lost) is written as
   a lone ``%``, which 1.14 never writes; a 1.14 peer reads it as ``"%"``.

Everything round-trips: for any list ``tokens`` of strings (without lone
surrogates other than those of rule 3), bytes and such lists,
``decodeLine(encodeTokens(tokens))`` is ``tokens`` with tuples as lists and
bytes tokens as their ``surrogateescape`` text.

Errors: :func:`encodeTokens` raises ``TypeError`` for a token that is not
``str``, ``bytes`` or a list/tuple of tokens, and :class:`TokenisationError`
for a list that contains itself or a token whose lone surrogates cannot be
written. :func:`decodeLine` raises ``TypeError`` for a line that is not
``bytes``/``str``, :class:`LineTooLong` for one longer than ``maxlength``
(bytes, or characters for ``str``; the final line ending not counted;
:data:`MAX_WHITEBOARD_LINE` by default, room for a whole ``SETIMG``), and
:class:`TokenisationError` for a ``]`` that closes nothing, a ``[`` never
closed, or a line break inside the line. Nothing else, whatever the input.
An unknown ``%`` escape is left as it is, as 1.14 left it.

``EscapedListMarshalling`` is 1.14's class, on text: ``marshall(lst,
term="\\n")`` gives the ``str`` of the line and ``demarshall(string)`` reads
one. ``tokenlists_to_lines()`` sends :func:`encodeTokens` of each token
list that arrives on ``"inbox"`` out of ``"outbox"``;
``lines_to_tokenlists(maxlength=MAX_WHITEBOARD_LINE)`` sends
:func:`decodeLine` of each line (``bytes``, or ``str`` as 1.14's Python 3
``chunks_to_lines`` gave). A message either of them cannot convert is
logged as an error (logger ``Kamaelia.Apps.Whiteboard.Tokenisation``,
naming the component and the message) and skipped; the component carries
on (the line has already been read whole, so skipping costs nothing more).

Shutdown (both): on ``producerFinished`` or ``shutdownMicroprocess`` on
``"control"`` each first converts everything already waiting, then passes
that same message on out of ``"signal"`` and ends. Other messages on
``"control"`` are logged and ignored.

What it does not do: it does not cut a byte stream into lines: put
``Kamaelia.Util.LineSplit.LineSplit(maxlength=MAX_WHITEBOARD_LINE)`` in
front (its default limit, 64 KiB, is too small for a ``SETIMG``). It does
not check that a command makes sense.
"""

from __future__ import annotations

from typing import Any, Iterable, Sequence, Union

from Kamaelia.Support._limits import MAX_MESSAGE_SIZE, checkLimit
from Kamaelia.Util.LineSplit import LineTooLong as _LineSplitTooLong
from Kamaelia.Util.Marshalling import DeMarshaller, Marshaller
from Kamaelia.Util.Tokenisation._codec import SUBSTITUTIONS, readLine, writeLine
from Kamaelia.Util._stream import shortRepr

__all__ = ["substitutions", "EMPTY_TOKEN", "MAX_WHITEBOARD_LINE", "TokenisationError",
           "LineTooLong", "EscapedListMarshalling", "encodeTokens", "decodeLine",
           "tokenBytes", "tokenlists_to_lines", "lines_to_tokenlists"]

#: The characters escaped inside a token: 1.14's ``"\09\x0a\x0d\x20[]"``,
#: which Python reads as NUL, ``9``, LF, CR, space, ``[`` and ``]``.
substitutions = SUBSTITUTIONS

#: How an empty token is written (1.14 lost empty tokens; see rule 5).
EMPTY_TOKEN = "%"

#: Default longest line read: 16 MiB, room for a ``SETIMG`` of a large page.
MAX_WHITEBOARD_LINE = MAX_MESSAGE_SIZE

#: A token: text, raw bytes, or a (nested) list of tokens.
Token = Union[str, bytes, bytearray, list["Token"], tuple["Token", ...]]


class TokenisationError(ValueError):
    """A token list that has no line, or a line that is no token list."""


class LineTooLong(TokenisationError, _LineSplitTooLong):
    """A line longer than the decoder's ``maxlength`` (``limit``); it was refused."""

    def __init__(self, message: str, limit: int) -> None:
        super().__init__(message, limit)


def _tokenText(token: Any) -> str:
    # The text of a token that is not a str (rule 3); escaping is the codec's.
    if isinstance(token, (bytes, bytearray)):
        return bytes(token).decode("utf-8", "surrogateescape")
    raise TypeError(f"a token must be str, bytes or a list of tokens, not {shortRepr(token)}")


def _lineText(string: str) -> str:
    if string.endswith("\n"):
        string = string[:-1]
    if "\r" in string:
        string = string.replace("\r", "")
    if "\n" in string:
        raise TokenisationError(f"a line break inside the line {shortRepr(string)}: "
                                "the stream was not cut into lines")
    return string


class EscapedListMarshalling:
    """1.14's line format on text: ``marshall(lst, term="\\n")`` and
    ``demarshall(string)``, static methods as Marshaller and DeMarshaller expect."""

    @staticmethod
    def marshall(lst: Any, term: str = "\n") -> str:
        """The text of the line for the token list ``lst`` (nested lists allowed)."""
        return writeLine(lst, term, _tokenText, EMPTY_TOKEN, TokenisationError)

    @staticmethod
    def demarshall(string: str) -> list[Any]:
        """The token list that the text ``string`` (one line) stands for."""
        if not isinstance(string, str):
            raise TypeError(f"a line must be a str, not {shortRepr(string)}")
        return readLine(_lineText(string), EMPTY_TOKEN, TokenisationError)


def encodeTokens(tokens: Sequence[Token]) -> bytes:
    """encodeTokens(tokens) -> the line (bytes, ending in ``b"\\n"``) for ``tokens``"""
    text = EscapedListMarshalling.marshall(tokens)
    try:
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError as exc:
        raise TokenisationError(
            f"a token holds {exc.object[exc.start:exc.end]!r}, a lone surrogate that no "
            f"bytes stand for, in {shortRepr(tokens)}") from None


def decodeLine(line: bytes | bytearray | str,
               maxlength: int | None = MAX_WHITEBOARD_LINE) -> list[Any]:
    """decodeLine(line[, maxlength]) -> the token list of one line (bytes or str)"""
    if isinstance(line, (bytes, bytearray)):
        size = len(line) - (1 if line.endswith(b"\n") else 0)
        unit = "bytes"
    elif isinstance(line, str):
        size = len(line) - (1 if line.endswith("\n") else 0)
        unit = "characters"
    else:
        raise TypeError(f"a line must be bytes or str, not {shortRepr(line)}")
    if maxlength is not None and size > maxlength:
        raise LineTooLong(f"a line of {size} {unit} is longer than maxlength={maxlength}",
                          maxlength)
    text = line if isinstance(line, str) else bytes(line).decode("utf-8", "surrogateescape")
    return readLine(_lineText(text), EMPTY_TOKEN, TokenisationError)


def tokenBytes(token: str) -> bytes:
    """tokenBytes(token) -> the bytes a decoded token stands for (rule 3), e.g. the
    zlib data of ``SETIMG``"""
    if not isinstance(token, str):
        raise TypeError(f"a token must be a str, not {shortRepr(token)}")
    try:
        return token.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        raise TokenisationError(f"the token {shortRepr(token)} holds a lone surrogate "
                                "that no bytes stand for") from None


class tokenlists_to_lines(Marshaller):
    """tokenlists_to_lines() -> sends one line (bytes ending in b"\\n") per token list"""

    Inboxes = {"inbox": "lists of tokens (str, bytes, nested lists)",
               "control": "producerFinished or shutdownMicroprocess to end"}
    Outboxes = {"outbox": "lines of bytes, each ending in a newline",
                "signal": "the shutdown message, passed on"}

    def __init__(self, **argd: Any) -> None:
        super().__init__(EscapedListMarshalling, **argd)

    def feed(self, message: Any) -> Iterable[Any]:
        return (encodeTokens(message),)


class lines_to_tokenlists(DeMarshaller):
    """lines_to_tokenlists(maxlength=MAX_WHITEBOARD_LINE) -> sends the token list of
    each line

    - maxlength -- the longest line read, in bytes (characters for str lines);
      None: no limit. A longer one is logged as an error naming the limit, and
      skipped.
    """

    Inboxes = {"inbox": "lines (bytes, or str), with or without their line ending",
               "control": "producerFinished or shutdownMicroprocess to end"}
    Outboxes = {"outbox": "a list of tokens (str) per line",
                "signal": "the shutdown message, passed on"}

    def __init__(self, maxlength: int | None = MAX_WHITEBOARD_LINE, **argd: Any) -> None:
        super().__init__(EscapedListMarshalling, **argd)
        self.maxlength = checkLimit("lines_to_tokenlists", "maxlength", maxlength)

    def feed(self, message: Any) -> Iterable[Any]:
        return (decodeLine(message, self.maxlength),)


__kamaelia_components__ = (tokenlists_to_lines, lines_to_tokenlists)
