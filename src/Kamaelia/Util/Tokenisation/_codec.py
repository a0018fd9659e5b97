"""Kamaelia.Util.Tokenisation._codec: Kamaelia 1.14's token line format, written once (private).

Used by :mod:`Kamaelia.Util.Tokenisation.Simple` (1.14's text interface)
and :mod:`Kamaelia.Apps.Whiteboard.Tokenisation` (the whiteboard's bytes
on the wire); each adds its own rules around these functions, and their
tests pin the format byte for byte.

Rules kept here
---------------
1. **A line** is the tokens of a list, each followed by one space, then a
   terminator. A token that is a list (or tuple) is written ``[ `` + its
   tokens + ``] ``, so lists nest; ``[]`` is ``[ ] ``.
2. **Escaping.** Inside a token ``%`` is written ``%25`` and each character
   of :data:`SUBSTITUTIONS` (1.14's ``"\\09\\x0a\\x0d\\x20[]"``, which Python
   reads as NUL, ``9``, LF, CR, space, ``[`` and ``]``) as ``%`` + its hex
   code, as :func:`Kamaelia.Support.Data.Escape.escape` defines: so a token
   holds no space, no line break and no bracket of its own.
3. **What a caller decides:** how a token that is not a ``str`` becomes
   text (``textOf``), what an empty token is written as (1.14 wrote
   nothing, so lost it), and which ``ValueError`` subclass reports a line or
   list that is malformed.
4. **Reading** splits at single spaces and skips empty pieces and pieces
   that are a lone ``"\\n"``. A piece ``[`` opens a list and ``]`` closes
   one, compared *before* unescaping (``%5b`` is the token ``[``); a ``]``
   that closes nothing or a ``[`` never closed is an error. Every other
   piece is unescaped, an unknown ``%`` escape left as it is.
5. **Linear time, no recursion**, both ways, however deep the nesting or
   dense the escapes: the writer keeps its own stack, and refuses a list
   that contains itself (it has no line).
"""

from __future__ import annotations

from typing import Any, Callable

from Kamaelia.Support.Data.Escape import escape, replacementPlan, unescape
from Kamaelia.Util._stream import shortRepr

__all__ = ["SUBSTITUTIONS", "writeLine", "readLine"]

#: The characters escaped inside a token, 1.14's, character for character.
SUBSTITUTIONS = "\x009\n\r []"

# The escaping table, taken from Escape's definition of the format. Applied
# as one str.replace pass per entry, in this order (1.14's: "%" first), it is
# exactly escape(): no entry's codeword holds a character that a later pass
# replaces. That is several times faster than escape()'s str.translate once
# a token needs escaping at all (a SETIMG's megabyte of zlib data does).
_ESCAPES = tuple((char, escape(char, SUBSTITUTIONS)) for char in "%" + SUBSTITUTIONS)
# Escape's own ordering of the reverse passes; None would mean this table
# needs unescape()'s regular expression (it does not: its codewords are
# prefix-free), and unescape() is then called instead.
_UNESCAPES = replacementPlan(tuple(SUBSTITUTIONS))


def _escaped(text: str) -> str:
    for char, word in _ESCAPES:
        text = text.replace(char, word)
    return text


def _unescaped(piece: str) -> str:
    if _UNESCAPES is None:
        return unescape(piece, SUBSTITUTIONS)
    for word, char in _UNESCAPES:
        piece = piece.replace(word, char)
    return piece


def writeLine(tokens: Any, term: str, textOf: Callable[[Any], str], empty: str,
              error: type[ValueError]) -> str:
    """The line (rule 1) for the token list ``tokens``, ending in ``term``.

    - textOf -- the text of a token that is neither a str nor a list/tuple
      (may raise ``TypeError``)
    - empty  -- what an empty token is written as
    - error  -- raised for a list that contains itself
    """
    if not isinstance(tokens, (list, tuple)):
        raise TypeError(f"a token list must be a list or tuple, not {shortRepr(tokens)}")
    units: list[str] = []          # tokens and brackets, joined by spaces at the end
    stack = [iter(tokens)]
    path = [id(tokens)]
    inside = set(path)             # the lists being written: a set, for deep nesting
    while stack:
        for token in stack[-1]:
            if isinstance(token, str):
                text = token
            elif isinstance(token, (list, tuple)):
                if id(token) in inside:
                    raise error(f"a token list cannot contain itself: {shortRepr(tokens)}")
                units.append("[")
                stack.append(iter(token))
                path.append(id(token))
                inside.add(id(token))
                break
            else:
                text = textOf(token)
            # Most tokens are words and numbers: nothing to escape, and
            # these two C calls tell so faster than any escaping pass.
            if text.isalnum() and "9" not in text:
                units.append(text)
            else:
                units.append(_escaped(text) if text else empty)
        else:
            stack.pop()
            inside.discard(path.pop())
            if stack:
                units.append("]")
    if not units:
        return term
    units.append(term)
    return " ".join(units)


def readLine(text: str, empty: str | None, error: type[ValueError]) -> list[Any]:
    """The token list of one line of text (rule 4).

    - empty -- the piece that stands for an empty token (None: no such piece)
    - error -- raised for a ``]`` that closes nothing or a ``[`` never closed
    """
    out: list[Any] = []
    stack: list[list[Any]] = []
    for piece in text.split(" "):
        if not piece or piece == "\n":
            continue
        if piece == "[":
            inner: list[Any] = []
            out.append(inner)
            stack.append(out)
            out = inner
        elif piece == "]":
            if not stack:
                raise error(f"a ']' closes no '[' in {shortRepr(text)}")
            out = stack.pop()
        elif "%" not in piece:
            out.append(piece)
        elif piece == empty:
            out.append("")
        else:
            out.append(_unescaped(piece))
    if stack:
        raise error(f"{len(stack)} '[' never closed in {shortRepr(text)}")
    return out
