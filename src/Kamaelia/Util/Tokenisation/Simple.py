"""Simple tokenisation: lists of tokens to lines of text, and back, in 1.14's format.

Example Usage
-------------
::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Util.Console import ConsoleEchoer
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.PureTransformer import PureTransformer
    from Kamaelia.Util.Tokenisation.Simple import lines_to_tokenlists, tokenlists_to_lines

    Pipeline(
        DataSource([["ADD", "NODE", "1", "first node"]]),
        tokenlists_to_lines(),      # 'ADD NODE 1 first%20node \\n'
        lines_to_tokenlists(),      # ['ADD', 'NODE', '1', 'first node']
        PureTransformer(lambda tokens: " ".join(tokens[:3]) + " " + tokens[3].upper() + "\\n"),
        ConsoleEchoer(),
    ).run()                         # prints ADD NODE 1 FIRST NODE

This is the line format of the whiteboard and of Kamaelia 1.14's other
users of this module; our lines are 1.14's byte for byte. The format is
written once, in the private ``Kamaelia.Util.Tokenisation._codec``, which
:mod:`Kamaelia.Apps.Whiteboard.Tokenisation` shares (adding bytes and empty
tokens of its own).

How does it work?
-----------------
``EscapedListMarshalling.marshall(lst, term="\\n")`` writes each token of the
list ``lst`` followed by one space, then ``term``. Inside a token, ``%``
and each character of ``substitutions`` are percent-escaped by
:func:`Kamaelia.Support.Data.Escape.escape`, so a token never contains a
space or a line break: ``"first node"`` becomes ``first%20node``. A token
that is itself a list (or tuple) is written as ``[ `` + its tokens + ``] ``,
so lists nest. Tokens that are not strings are written as ``str(token)``.

``substitutions`` is 1.14's, character for character: ``"\\x00"``, ``"9"``,
``"\\n"``, ``"\\r"``, ``" "``, ``"["`` and ``"]"``. (1.14 wrote ``"\\09"``
meaning a tab; Python reads that as NUL followed by ``9``, so tabs are left
as they are and every ``9`` is written ``%39``. Changing it would change the
wire format, so it stays.)

``EscapedListMarshalling.demarshall(string)`` reverses it: it splits the
line at single spaces, skips empty pieces and a lone ``"\\n"``, turns
``[``/``]`` into nested lists and unescapes the rest. For any list of
non-empty strings (and of such lists) ``lst``, ``demarshall(marshall(lst))
== lst``. As in 1.14, an empty token is lost (it is written as nothing), and
a line ending that is not preceded by a space stays in the last token.

``tokenlists_to_lines()`` is a ``Marshaller(EscapedListMarshalling)``: one
line out of ``"outbox"`` per token list arriving on ``"inbox"``;
``lines_to_tokenlists()`` is a ``DeMarshaller(EscapedListMarshalling)``: one
token list per line. (1.14 made them functions returning those components;
here they are subclasses, so ``isinstance`` works either way.)

Bad input raises only ``TypeError`` (a line that is not a ``str``, a token
list that is not a list or tuple) or ``ValueError`` (a ``]`` without its
``[``, a ``[`` never closed; 1.14 crashed on the first and returned the
inner list for the second; a token list that contains itself). The
components log such a message as an error (logger
``Kamaelia.Util.Tokenisation.Simple``, naming the component and the
message) and skip it. ``lines_to_tokenlists(maxlength=65536)`` also skips,
with an error naming the limit
(:class:`~Kamaelia.Util.LineSplit.LineTooLong`), a line longer than
``maxlength`` characters (``None``: no limit). Reading a line takes time
linear in its length, however it is nested or escaped.

Boxes (both components): ``"inbox"`` takes token lists, or lines;
``"outbox"`` sends lines, or token lists; ``"control"`` takes shutdown
messages, which leave through ``"signal"``.

Shutdown (both): on ``producerFinished`` or ``shutdownMicroprocess`` it
first handles everything already waiting, then sends that same message out
of ``"signal"`` and ends. Other messages on ``"control"`` are logged and
ignored.

What it does not do: it does not split a stream into lines (put
``LineSplit`` or ``chunks_to_lines`` in front) or decode bytes.
"""

from __future__ import annotations

from typing import Any, Iterable

from Kamaelia.Support._limits import MAX_LINE_LENGTH, checkLimit
from Kamaelia.Util.LineSplit import LineTooLong
from Kamaelia.Util.Marshalling import DeMarshaller, Marshaller
from Kamaelia.Util.Tokenisation._codec import SUBSTITUTIONS, readLine, writeLine
from Kamaelia.Util._stream import shortRepr

__all__ = ["EscapedListMarshalling", "substitutions", "lines_to_tokenlists",
           "tokenlists_to_lines"]

#: The characters escaped inside a token (1.14's ``"\09\x0a\x0d\x20[]"``).
substitutions = SUBSTITUTIONS


class EscapedListMarshalling:
    """The line format: ``marshall(lst, term="\\n")`` and ``demarshall(string)``,
    both static methods, as Marshaller and DeMarshaller expect."""

    @staticmethod
    def marshall(lst: Any, term: str = "\n") -> str:
        """The line for the token list ``lst`` (nested lists allowed)."""
        # 1.14 lost an empty token (it wrote nothing) and wrote str() of
        # anything that was not a string; both stay.
        return writeLine(lst, term, str, "", ValueError)

    @staticmethod
    def demarshall(string: str) -> list[Any]:
        """The token list that ``string`` (one line) stands for."""
        if not isinstance(string, str):
            raise TypeError(f"a line must be a str, not {shortRepr(string)}")
        return readLine(string, None, ValueError)


class tokenlists_to_lines(Marshaller):
    """tokenlists_to_lines() -> sends one line (ending in "\\n") per list of tokens"""

    Inboxes = {"inbox": "lists of tokens", "control": "shutdown signalling"}
    Outboxes = {"outbox": "lines of text, each ending in a newline",
                "signal": "shutdown signalling"}

    def __init__(self, **argd: Any) -> None:
        super().__init__(EscapedListMarshalling, **argd)


class lines_to_tokenlists(DeMarshaller):
    """lines_to_tokenlists(maxlength=MAX_LINE_LENGTH) -> sends the list of tokens of each line

    - maxlength -- the longest line read, in characters (None: no limit); a
      longer one is logged as an error naming the limit, and skipped
    """

    Inboxes = {"inbox": "lines of text (str)", "control": "shutdown signalling"}
    Outboxes = {"outbox": "a list of tokens per line", "signal": "shutdown signalling"}

    def __init__(self, maxlength: int | None = MAX_LINE_LENGTH, **argd: Any) -> None:
        super().__init__(EscapedListMarshalling, **argd)
        self.maxlength = checkLimit("lines_to_tokenlists", "maxlength", maxlength)

    def feed(self, message: Any) -> Iterable[Any]:
        limit = self.maxlength
        if limit is not None and isinstance(message, str) and len(message) > limit:
            raise LineTooLong(f"a line of {len(message)} characters is longer than "
                              f"maxlength={limit}", limit)
        return super().feed(message)


__kamaelia_prefabs__ = (tokenlists_to_lines, lines_to_tokenlists)
