"""DVB text: the strings in SI tables (service names, programme titles) to ``str`` and back.

Example Usage
-------------
Decode what a table carries, and encode text for a table being written::

    from Kamaelia.Support.DVB.Text import decodeText, encodeText

    assert decodeText(b"BBC ONE") == "BBC ONE"                 # the default table
    assert decodeText(b"T\\xc2el\\xc2evision") == "T\\u00e9l\\u00e9vision"  # ISO 6937 accents
    assert decodeText(b"\\x0bCaf\\xe9 \\xa4") == "Caf\\u00e9 \\u20ac"        # 0x0B: ISO 8859-15
    assert decodeText(b"\\x15Caf\\xc3\\xa9") == "Caf\\u00e9"                  # 0x15: UTF-8
    assert decodeText(b"Line one\\x8aLine two") == "Line one\\nLine two"  # CR/LF control
    assert decodeText(b"\\x11\\xd8\\x00") == "\\ufffd"                     # never raises

    assert encodeText("BBC ONE") == b"BBC ONE"
    assert encodeText("Caf\\u00e9") == b"Caf\\xc2e"                  # "auto": ISO 6937 if it fits
    assert encodeText("Caf\\u00e9", "latin-9") == b"\\x0bCaf\\xe9"
    assert encodeText("\\u65e5\\u672c") == b"\\x15\\xe6\\x97\\xa5\\xe6\\x9c\\xac"   # else UTF-8

How does it work?
-----------------
ETSI EN 300 468 Annex A. The first byte of a string chooses its character
table:

* 0x20-0xFF -- there is no selector: the whole string is in the default
  table, ISO/IEC 6937 with the euro sign added at 0xA4 (Figure A.1). Its
  0x20-0x7E agree with ASCII. 0xC1-0xCF (except 0xC9 and 0xCC) are
  non-spacing diacritical marks written *before* the letter they go on:
  ``0xC2 0x65`` is "e" with an acute accent. Unicode puts the combining
  mark after its letter, so the pair becomes letter + mark, composed
  (NFC) into one character where Unicode has one ("é"). A mark before a
  space is the spacing accent ("´"); a mark before anything else (another
  mark, a digit, the end) is not a character: U+FFFD.
* 0x01-0x0B -- ISO/IEC 8859-5 to -15 (0x01 is -5, ... 0x07 is -11; 0x08
  is reserved, there being no 8859-12; 0x09 is -13 ... 0x0B is -15).
* 0x10 0x00 0xNN -- ISO/IEC 8859-NN, for NN 1 to 15 (not 12).
* 0x11 -- ISO/IEC 10646 Basic Multilingual Plane, two bytes a character
  big-endian (UCS-2). (A surrogate pair, which UCS-2 does not have, is
  read as UTF-16 would read it; half of one is U+FFFD.)
* 0x12 -- KS X 1001-2004 (Korean, two bytes a character as in EUC-KR);
  0x13 -- GB 2312 (simplified Chinese, as in EUC-CN).
* 0x14 -- "Big5 subset of ISO/IEC 10646" (traditional Chinese): the
  characters Big5 has, but written as 0x11 writes them, two bytes of
  UCS-2 each, not in the Big5 encoding.
* 0x15 -- UTF-8.
* 0x1F -- the next byte is an ``encoding_type_id`` registered with DVB
  (ETSI TS 101 162; e.g. the UK Freesat's Huffman-compressed text). We do
  not implement those: the rest is decoded as UTF-8, which keeps any plain
  text in it readable (and gives U+FFFD for compressed bytes).
* 0x00, 0x08, 0x0C-0x0F and 0x16-0x1E (reserved), and a 0x10 selector
  for a part of 8859 that does not exist: the selector is skipped and the
  rest decoded in the default table, the most likely guess. A selector cut
  short (0x10 without its two bytes, 0x1F without its id) is U+FFFD.

Control codes (Table A.1): 0x86 and 0x87 switch emphasis on and off, and are
dropped (a ``str`` has no emphasis); 0x8A is CR/LF, which becomes ``"\\n"``;
the other C1 codes 0x80-0x9F are reserved or user-defined and are dropped.
In the two-byte and UTF-8 tables the same codes are U+E080-U+E09F (U+E08A is
the newline). C0 codes (0x00-0x1F, e.g. the NUL padding some broadcasters
leave) and DEL are not text in any table and are dropped as well.

:func:`decodeText` never raises: a byte or sequence that is not a character
of its table (an unassigned position, broken UTF-8, half a UCS-2 character)
becomes U+FFFD, and decoding goes on. It takes time linear in the length.

:func:`encodeText` is its inverse, for writers of tables and for tests:
``decodeText(encodeText(text, table)) == text`` for any text the table can
hold. It writes no emphasis codes; ``"\\n"`` becomes CR/LF. Tables, by
name (case, ``-``, ``_`` and spaces do not matter):

* ``"auto"`` (the default) -- the default table if every character is in
  it (so plain ASCII text is written as it is, with no selector), else
  UTF-8;
* ``"default"`` or ``"iso-6937"`` -- the default table, no selector byte;
* ``"iso-8859-1"`` ... ``"iso-8859-15"`` (not -12), also ``"latin-1"`` to
  ``"latin-10"``'s members that are 8859 parts (``"latin-9"`` is 8859-15);
* ``"ucs-2"``, ``"utf-8"``, ``"euc-kr"`` (or ``"ks-x-1001"``), ``"gb2312"``,
  ``"big5"`` (selector 0x14: UCS-2, for text all of whose characters Big5
  has).

A character the table cannot hold, a control character other than
``"\\n"`` (C0, DEL, C1, or U+E080-U+E09F, which stand for the C1 codes in
the two-byte and UTF-8 tables), or an unknown table name raises
``ValueError``. An empty string is ``b""`` in every table.

Differences from 1.14
---------------------
1.14 had no text decoding: its descriptor parsers returned the raw bytes of
names and titles (selector bytes, accents and all). This module is new; the
descriptor parsers in ``Kamaelia.Support.DVB.Descriptors`` use it.
"""

from __future__ import annotations

import functools
import re
import unicodedata

__all__ = ["decodeText", "encodeText", "DEFAULT_TABLE"]

#: The ISO/IEC 6937 characters at 0xA0-0xFF that stand alone (Figure A.1),
#: with the euro sign at 0xA4. Positions not listed are unassigned. The
#: diacritical marks 0xC1-0xCF are in :data:`_MARKS`.
DEFAULT_TABLE: dict[int, str] = {
    0xA0: "\u00a0", 0xA1: "\u00a1", 0xA2: "\u00a2", 0xA3: "\u00a3", 0xA4: "\u20ac",
    0xA5: "\u00a5", 0xA7: "\u00a7", 0xA8: "\u00a4", 0xA9: "\u2018", 0xAA: "\u201c",
    0xAB: "\u00ab", 0xAC: "\u2190", 0xAD: "\u2191", 0xAE: "\u2192", 0xAF: "\u2193",
    0xB0: "\u00b0", 0xB1: "\u00b1", 0xB2: "\u00b2", 0xB3: "\u00b3", 0xB4: "\u00d7",
    0xB5: "\u00b5", 0xB6: "\u00b6", 0xB7: "\u00b7", 0xB8: "\u00f7", 0xB9: "\u2019",
    0xBA: "\u201d", 0xBB: "\u00bb", 0xBC: "\u00bc", 0xBD: "\u00bd", 0xBE: "\u00be",
    0xBF: "\u00bf",
    0xD0: "\u2015", 0xD1: "\u00b9", 0xD2: "\u00ae", 0xD3: "\u00a9", 0xD4: "\u2122",
    0xD5: "\u266a", 0xD6: "\u00ac", 0xD7: "\u00a6",
    0xDC: "\u215b", 0xDD: "\u215c", 0xDE: "\u215d", 0xDF: "\u215e",
    0xE0: "\u2126", 0xE1: "\u00c6", 0xE2: "\u0110", 0xE3: "\u00aa", 0xE4: "\u0126",
    0xE6: "\u0132", 0xE7: "\u013f", 0xE8: "\u0141", 0xE9: "\u00d8", 0xEA: "\u0152",
    0xEB: "\u00ba", 0xEC: "\u00de", 0xED: "\u0166", 0xEE: "\u014a", 0xEF: "\u0149",
    0xF0: "\u0138", 0xF1: "\u00e6", 0xF2: "\u0111", 0xF3: "\u00f0", 0xF4: "\u0127",
    0xF5: "\u0131", 0xF6: "\u0133", 0xF7: "\u0140", 0xF8: "\u0142", 0xF9: "\u00f8",
    0xFA: "\u0153", 0xFB: "\u00df", 0xFC: "\u00fe", 0xFD: "\u0167", 0xFE: "\u014b",
    0xFF: "\u00ad",
}

# The non-spacing diacritical marks: byte -> (combining mark, spacing form).
_MARKS: dict[int, tuple[str, str]] = {
    0xC1: ("\u0300", "\u0060"),     # grave
    0xC2: ("\u0301", "\u00b4"),     # acute
    0xC3: ("\u0302", "\u005e"),     # circumflex
    0xC4: ("\u0303", "\u007e"),     # tilde
    0xC5: ("\u0304", "\u00af"),     # macron
    0xC6: ("\u0306", "\u02d8"),     # breve
    0xC7: ("\u0307", "\u02d9"),     # dot above
    0xC8: ("\u0308", "\u00a8"),     # diaeresis
    0xCA: ("\u030a", "\u02da"),     # ring above
    0xCB: ("\u0327", "\u00b8"),     # cedilla
    0xCD: ("\u030b", "\u02dd"),     # double acute
    0xCE: ("\u0328", "\u02db"),     # ogonek
    0xCF: ("\u030c", "\u02c7"),     # caron
}

_NEWLINE = "\n"
_REPLACEMENT = "\ufffd"


def _controls() -> dict[int, str | None]:
    # What every table does with control codes, as a str.translate table
    # over code points: C0, DEL and C1 dropped, CR/LF to a newline; the
    # private-use U+E080-U+E09F are the two-byte tables' C1 codes.
    table: dict[int, str | None] = {code: None for code in range(0x00, 0x20)}
    table[0x7F] = None
    for base in (0x80, 0xE080):
        for code in range(base, base + 0x20):
            table[code] = None
        table[base + 0x0A] = _NEWLINE
    return table


_CONTROLS = _controls()


def _defaultByteTable() -> dict[int, str | None]:
    # The default table byte by byte (over the Latin-1 decoding of the
    # bytes, so that str.translate does the work). Marks are handled before
    # this is applied; unassigned positions are U+FFFD.
    table: dict[int, str | None] = {code: chr(code) for code in range(0x20, 0x7F)}
    table.update({code: value for code, value in _CONTROLS.items() if code < 0x100})
    for code in range(0xA0, 0x100):
        table[code] = DEFAULT_TABLE.get(code, _REPLACEMENT)
    return table


_DEFAULT_BYTES = _defaultByteTable()
# A mark and what it may stand before (a letter or a space), or a mark
# standing before anything else (then it is not a character).
_MARK_RUN = re.compile("([\xc1-\xc8\xca\xcb\xcd-\xcf])([A-Za-z ]?)")

# first byte 0x01-0x0B -> ISO 8859 part (0x08 has none)
_SINGLE_BYTE_SELECTORS = {code: code + 4 for code in range(0x01, 0x0C) if code != 0x08}
# (0x14 is UCS-2 too: only its repertoire is Big5's)
_MULTI_BYTE_CODECS = {0x11: "utf-16-be", 0x13: "gb2312", 0x14: "utf-16-be",
                      0x15: "utf-8"}
_ISO_8859_PARTS = frozenset(range(1, 16)) - {12}


def _decodeDefault(text: str) -> str:
    # ``text`` is the Latin-1 decoding of the bytes: one character per byte.
    if _MARK_RUN.search(text) is None:
        return text.translate(_DEFAULT_BYTES)
    pieces = []
    position = 0
    for match in _MARK_RUN.finditer(text):
        pieces.append(text[position:match.start()].translate(_DEFAULT_BYTES))
        mark, spacing = _MARKS[ord(match.group(1))]
        base = match.group(2)
        if base == " ":
            pieces.append(spacing)
        elif base:
            pieces.append(unicodedata.normalize("NFC", base + mark))
        else:
            pieces.append(_REPLACEMENT)
        position = match.end()
    pieces.append(text[position:].translate(_DEFAULT_BYTES))
    return "".join(pieces)


def decodeText(raw: bytes | bytearray | memoryview) -> str:
    """decodeText(raw) -> str of a DVB SI string (EN 300 468 Annex A).

    Never raises: what is not a character becomes U+FFFD. See the module's
    docstring for the tables and the control codes.
    """
    data = bytes(raw)
    if not data:
        return ""
    first = data[0]
    if first >= 0x20:
        return _decodeDefault(data.decode("latin-1"))
    if first in _SINGLE_BYTE_SELECTORS:
        return _decode8859(_SINGLE_BYTE_SELECTORS[first], data[1:])
    if first in _MULTI_BYTE_CODECS:
        return data[1:].decode(_MULTI_BYTE_CODECS[first], "replace").translate(_CONTROLS)
    if first == 0x12:
        return _decodeKSX1001(data[1:])
    if first == 0x10:
        if len(data) < 3:
            return _REPLACEMENT
        part = (data[1] << 8) | data[2]
        if part in _ISO_8859_PARTS:
            return _decode8859(part, data[3:])
        return _decodeDefault(data[3:].decode("latin-1"))
    if first == 0x1F:
        if len(data) < 2:
            return _REPLACEMENT
        return data[2:].decode("utf-8", "replace").translate(_CONTROLS)
    # reserved selectors (0x00, 0x08, 0x0C-0x0F, 0x16-0x1E)
    return _decodeDefault(data[1:].decode("latin-1"))


# KS X 1001 in its EUC form: a byte below 0x80 is ASCII; two bytes of
# 0xA1-0xFE are a character; anything else is not text.
_KSX1001_TOKEN = re.compile(rb"[\xa1-\xfe]{2}|[\x00-\xff]")


@functools.cache
def _ksx1001Table() -> dict[bytes, str]:
    # Python's euc_kr codec is KS X 1001:1998. The 2004 edition that DVB
    # names adds U+327E at A2E8, and the codec reads the Hangul filler A4D4
    # as the start of a composed-syllable sequence, where DVB text (and
    # glibc) have the filler itself. Built on first use: 8836 positions.
    table = {}
    for lead in range(0xA1, 0xFF):
        for trail in range(0xA1, 0xFF):
            pair = bytes([lead, trail])
            try:
                table[pair] = pair.decode("euc_kr")
            except UnicodeDecodeError:
                pass
    table[b"\xa2\xe8"] = "\u327e"
    table[b"\xa4\xd4"] = "\u3164"
    return table


def _decodeKSX1001(data: bytes) -> str:
    table = _ksx1001Table()
    chars = [table.get(token, _REPLACEMENT) if len(token) == 2
             else chr(token[0]) if token[0] < 0x80 else _REPLACEMENT
             for token in _KSX1001_TOKEN.findall(data)]
    return "".join(chars).translate(_CONTROLS)


def _decode8859(part: int, data: bytes) -> str:
    # Python's codecs map 0x80-0x9F to U+0080-U+009F, which _CONTROLS
    # handles; unassigned positions (8859-3, -6, -7, -8, -11) become U+FFFD.
    return data.decode(f"iso8859_{part}", "replace").translate(_CONTROLS)


# ---------------------------------------------------------------- encoding

def _defaultEncoder() -> dict[str, bytes]:
    table = {chr(code): bytes([code]) for code in range(0x20, 0x7F)}
    for code, char in DEFAULT_TABLE.items():
        table[char] = bytes([code])
    for code, (mark, spacing) in _MARKS.items():
        table.setdefault(spacing, bytes([code, 0x20]))
        for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz":
            composed = unicodedata.normalize("NFC", letter + mark)
            if len(composed) == 1:
                table.setdefault(composed, bytes([code, ord(letter)]))
    table[_NEWLINE] = b"\x8a"
    return table


_DEFAULT_ENCODER = _defaultEncoder()

_LATIN = {1: 1, 2: 2, 3: 3, 4: 4, 5: 9, 6: 10, 7: 13, 8: 14, 9: 15}


def _tableName(table: str) -> str:
    return table.lower().replace("-", "").replace("_", "").replace(" ", "")


def _iso8859Part(name: str) -> int | None:
    for prefix in ("iso8859", "8859"):
        if name.startswith(prefix) and name[len(prefix):].isdigit():
            part = int(name[len(prefix):])
            return part if part in _ISO_8859_PARTS else None
    if name.startswith("latin") and name[5:].isdigit():
        return _LATIN.get(int(name[5:]))
    return None


def _encodeDefault(text: str) -> bytes | None:
    out = []
    encoder = _DEFAULT_ENCODER
    for char in text:
        code = encoder.get(char)
        if code is None:
            return None
        out.append(code)
    return b"".join(out)


def _isControl(char: str) -> bool:
    # C0, DEL, C1, and U+E080-U+E09F, which the two-byte and UTF-8 tables
    # use for the C1 codes (so that "\ue086" could only be written as emphasis)
    return unicodedata.category(char) == "Cc" or "\ue080" <= char <= "\ue09f"


def _checkControls(text: str, table: str, newline: bool = True) -> None:
    for position, char in enumerate(text):
        if _isControl(char) and not (newline and char == _NEWLINE):
            raise ValueError(f"{char!r} at position {position} is a control character, "
                             f"which DVB text in table {table!r} cannot hold")


def encodeText(text: str, table: str = "auto") -> bytes:
    """encodeText(text[, table]) -> bytes of a DVB SI string (EN 300 468 Annex A).

    ``table`` is ``"auto"`` (the default table if the text fits it, else
    UTF-8), ``"default"``/``"iso-6937"``, ``"iso-8859-N"``/``"latin-N"``,
    ``"ucs-2"``, ``"utf-8"``, ``"euc-kr"``, ``"gb2312"`` or ``"big5"``; the
    selector byte(s) come first. ``"\\n"`` is written as the CR/LF control.
    Raises ``ValueError`` for a character the table cannot hold, a control
    character other than ``"\\n"``, or an unknown table.
    """
    name = _tableName(table)
    if name in ("auto", "default", "iso6937", "6937"):
        encoded = _encodeDefault(text)
        if encoded is not None:
            return encoded
        if name != "auto":
            bad = next(char for char in text if char not in _DEFAULT_ENCODER)
            raise ValueError(f"{bad!r} is not in the default table (ISO/IEC 6937); "
                             f"use table='utf-8' for {text!r}")
        name = "utf8"
    if not text:
        return b""
    part = _iso8859Part(name)
    if part is not None:
        return _encode8859(text, table, part)
    if name == "utf8":
        return _encodeUTF8(text, table)
    if name in ("ucs2", "big5"):
        return _encodeUCS2(text, table, big5=name == "big5")
    # KS X 1001 and GB 2312 are written in their own two-byte encodings,
    # which have no room for the CR/LF control
    if name in ("euckr", "ksx1001"):
        _checkControls(text, table, newline=False)
        return b"\x12" + _encodeKSX1001(text)
    if name == "gb2312":
        _checkControls(text, table, newline=False)
        return b"\x13" + _encodeWith(text, "gb2312", "gb2312")
    raise ValueError(f"unknown DVB character table {table!r}")


@functools.cache
def _ksx1001Encoder() -> dict[str, bytes]:
    encoder: dict[str, bytes] = {}
    for pair, char in _ksx1001Table().items():
        encoder.setdefault(char, pair)
    return encoder


def _encodeKSX1001(text: str) -> bytes:
    # By our own table, not Python's codec, which writes a syllable KS X
    # 1001 lacks as an 8-byte composition sequence that DVB receivers (and
    # glibc) do not read.
    encoder = _ksx1001Encoder()
    out = []
    for position, char in enumerate(text):
        code = char.encode("ascii") if char < "\x80" else encoder.get(char)
        if code is None:
            raise ValueError(f"{char!r} at position {position} is not in KS X 1001")
        out.append(code)
    return b"".join(out)


def _encodeWith(text: str, codec: str, what: str) -> bytes:
    try:
        return text.encode(codec)
    except UnicodeEncodeError as exc:
        raise ValueError(f"{text[exc.start]!r} at position {exc.start} is not in "
                         f"{what}") from None


def _encode8859(text: str, table: str, part: int) -> bytes:
    _checkControls(text, table)
    selector = bytes([part - 4]) if part >= 5 else bytes([0x10, 0x00, part])
    return selector + _encodeWith(text.replace(_NEWLINE, "\x8a"), f"iso8859_{part}",
                                  f"ISO/IEC 8859-{part}")


def _encodeUTF8(text: str, table: str) -> bytes:
    _checkControls(text, table)
    try:
        return b"\x15" + text.replace(_NEWLINE, "\ue08a").encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError(f"{text[exc.start]!r} at position {exc.start} cannot be "
                         "written in UTF-8 (a lone surrogate)") from None


def _encodeUCS2(text: str, table: str, big5: bool) -> bytes:
    # 0x11 and 0x14 are both UCS-2; 0x14 only promises Big5's repertoire.
    _checkControls(text, table)
    for position, char in enumerate(text):
        if ord(char) > 0xFFFF or 0xD800 <= ord(char) <= 0xDFFF:
            raise ValueError(f"{char!r} at position {position} is outside the Basic "
                             "Multilingual Plane, which UCS-2 cannot hold")
    if big5:
        # (a space stands in for the newline, which is a control, not text)
        _encodeWith(text.replace(_NEWLINE, " "), "big5", "Big5's repertoire")
    wide = text.replace(_NEWLINE, "\ue08a")
    return (b"\x14" if big5 else b"\x11") + wide.encode("utf-16-be")
