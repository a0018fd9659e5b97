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

Both functions are pure and accept any ``str``; ``substring`` may be any
iterable of one-character strings (1.14 iterated over it).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable

__all__ = ["escape", "unescape"]


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
    pattern = re.compile("|".join(re.escape(w) for w in sorted(back, key=len, reverse=True)))
    return pattern, back


def _chars(substring: Iterable[str] | None, function: str) -> tuple[str, ...]:
    if substring is None:
        return ()
    chars = tuple(substring)
    for char in chars:
        if not isinstance(char, str) or len(char) != 1:
            raise TypeError(f"{function}: substring must be characters, "
                            f"not {substring!r} (holding {char!r})")
    return chars


def escape(message: str, substring: Iterable[str] | None = None) -> str:
    """escape(message[, substring]) -> message with ``%`` and each character of
    ``substring`` written as ``%`` + its hex code (1.14's format)."""
    if not isinstance(message, str):
        raise TypeError(f"escape: message must be a str, not {message!r}")
    words = _codewords(_chars(substring, "escape"))
    return message.translate({ord(char): word for char, word in words.items()})


def unescape(message: str, substring: Iterable[str] | None = None) -> str:
    """unescape(message[, substring]) -> message with the escapes made by
    ``escape(..., substring)`` turned back into their characters."""
    if not isinstance(message, str):
        raise TypeError(f"unescape: message must be a str, not {message!r}")
    chars = _chars(substring, "unescape")
    if "%" not in message:
        return message
    pattern, back = _decoder(chars)
    return pattern.sub(lambda found: back[found.group()], message)
