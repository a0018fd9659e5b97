"""Percent-escaping of chosen characters, in Kamaelia 1.14's format.

Example Usage
-------------
Hide spaces and newlines so that a message can travel as one token::

    >>> from Kamaelia.Support.Data.Escape import escape, unescape
    >>> escape("50% off\\nnow", " \\n")
    '50%25%20off%anow'
    >>> unescape('50%25%20off%anow', " \\n")
    '50% off\\nnow'

Without a second argument only ``%`` itself is escaped::

    >>> escape("100%")
    '100%25'

How does it work?
-----------------
``escape(message, substring)`` writes ``%`` as ``%25`` and every character
``c`` of ``substring`` as ``%`` followed by ``hex(ord(c))`` without the
``0x`` and without padding (so ``"\\n"`` becomes ``%a`` and ``"é"`` becomes
``%e9``): that is 1.14's wire format, used by its ``Tokenisation`` and
``Framing`` peers, and our output is byte for byte 1.14's. 1.14 applied the
replacements one character after the other, so a later character of
``substring`` also rewrites the escapes made for earlier ones (``"%"`` in
``substring`` gives ``%2525``; ``"*a"`` turns ``*`` into ``%2%61``). Each
step replaces one character by a string, so the whole is a fixed mapping
of each character to its *codeword*; :func:`escape` works that mapping out
once per ``substring`` and applies it with ``str.translate``.

``unescape(message, substring)`` reads the text left to right and turns
each codeword back into its character, preferring the longest codeword
where several start at the same ``%``. Whenever no codeword is a prefix of
another (true of every ``substring`` whose characters lie in U+0010 to
U+00FF, which covers 1.14's own users), ``unescape(escape(m, s), s) == m``
for every message ``m``. 1.14's format cannot tell some messages apart when
``substring`` holds characters below U+0010 whose one-digit codes start
another codeword (``"\\x02"`` is ``%2``, so ``%25`` may be ``"\\x02" "5"``
or ``"%"``); there the longest codeword wins. A ``%`` that starts no
codeword is left as it is.

Both take time linear in the text, whatever it holds. For the usual
``substring`` (every one whose code is prefix-free, with codewords of the
form ``%`` + hex digits) :func:`unescape` is one ``str.replace`` pass per
codeword, ordered so that no pass can create a codeword for a later one
(:func:`replacementPlan`), which gives exactly the left-to-right result;
other ``substring`` values use a regular expression of the codewords.

Both functions are pure and accept any ``str``; ``substring`` may be any
iterable of one-character strings (1.14 iterated over it).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable

__all__ = ["escape", "unescape", "replacementPlan"]


def _sequentialEscape(text: str, chars: tuple[str, ...]) -> str:
    # 1.14's definition: % first, then each character of the substring in
    # turn, each replacement seeing the output of the ones before it.
    text = text.replace("%", "%25")
    for char in chars:
        text = text.replace(char, "%" + format(ord(char), "x"))
    return text


@lru_cache(maxsize=64)
def _codewords(chars: tuple[str, ...]) -> dict[str, str]:
    """Each escaped character -> its codeword (what escape() turns it into)."""
    return {char: _sequentialEscape(char, chars) for char in {"%", *chars}}


@lru_cache(maxsize=64)
def _decoder(chars: tuple[str, ...]) -> tuple[re.Pattern[str], dict[str, str]]:
    words = _codewords(chars)
    back: dict[str, str] = {}
    for char, word in words.items():
        back.setdefault(word, char)
    # Longest first: the regex alternation takes the first that matches.
    pattern = re.compile("(" + "|".join(re.escape(w) for w in sorted(back, key=len, reverse=True))
                         + ")")
    return pattern, back


def _checkedChars(substring: Iterable[str] | None, function: str) -> tuple[str, ...]:
    if substring is None:
        return ()
    chars = tuple(substring)
    for char in chars:
        if not isinstance(char, str) or len(char) != 1:
            raise TypeError(f"{function}: substring must be characters, "
                            f"not {substring!r} (holding {char!r})")
    return chars


@lru_cache(maxsize=64)
def _charsOfText(substring: str) -> tuple[str, ...]:
    return tuple(substring)


def _chars(substring: Iterable[str] | None, function: str) -> tuple[str, ...]:
    # A str substring (the usual case, called once per token by Tokenisation)
    # is looked up, not checked again character by character.
    if type(substring) is str:
        return _charsOfText(substring)
    return _checkedChars(substring, function)


@lru_cache(maxsize=64)
def replacementPlan(chars: tuple[str, ...]) -> tuple[tuple[str, str], ...] | None:
    """The (codeword, character) replacements that unescape text in a few
    ``str.replace`` passes, in the order to apply them; None if this
    ``substring`` needs the regex (see :func:`unescape`).

    Passes give exactly the regex's result, for any text, when no codeword
    holds a ``%`` after its first character and none is a prefix of
    another (then matches never overlap), and the passes can be ordered so
    that no pass creates a match for a later one: the pass that writes
    ``%`` comes last, and a character written by one pass occurs in no
    later pass's codeword.
    """
    back: dict[str, str] = {}
    for char, word in _codewords(chars).items():
        if word in back or "%" in word[1:]:
            return None
        back[word] = char
    words = list(back)
    if any(a != b and b.startswith(a) for a in words for b in words):
        return None
    # Order the passes: a pass whose output occurs in another's codeword
    # must run after it; "%" (the output that starts new codewords) last.
    remaining = sorted(words, key=lambda w: (back[w] == "%", w))
    order: list[str] = []
    while remaining:
        for word in remaining:
            output = back[word]
            if output == "%" and len(remaining) > 1:
                continue
            if not any(output in other[1:] for other in remaining if other != word):
                break
        else:
            return None
        remaining.remove(word)
        order.append(word)
    return tuple((word, back[word]) for word in order)


def escape(message: str, substring: Iterable[str] | None = None) -> str:
    """escape(message[, substring]) -> message with ``%`` and each character of
    ``substring`` written as ``%`` + its hex code (1.14's format)."""
    if not isinstance(message, str):
        raise TypeError(f"escape: message must be a str, not {message!r}")
    return message.translate(_translation(_chars(substring, "escape")))


@lru_cache(maxsize=64)
def _translation(chars: tuple[str, ...]) -> dict[int, str]:
    return {ord(char): word for char, word in _codewords(chars).items()}


def unescape(message: str, substring: Iterable[str] | None = None) -> str:
    """unescape(message[, substring]) -> message with the escapes made by
    ``escape(..., substring)`` turned back into their characters."""
    if not isinstance(message, str):
        raise TypeError(f"unescape: message must be a str, not {message!r}")
    chars = _chars(substring, "unescape")
    if "%" not in message:
        return message
    plan = replacementPlan(chars)
    if plan is not None:
        for word, char in plan:
            message = message.replace(word, char)
        return message
    pattern, back = _decoder(chars)
    # split() with the pattern's group gives text, codeword, text, ...: the
    # codewords are mapped without a Python call per match.
    parts = pattern.split(message)
    parts[1::2] = map(back.__getitem__, parts[1::2])
    return "".join(parts)
