"""DVB text (EN 300 468 Annex A): the tables, checked against glibc's iconv, and never raising."""

from __future__ import annotations

import importlib
import shutil
import subprocess
import textwrap
import unicodedata

import pytest
from hypothesis import given, settings, strategies as st

from Kamaelia.Support.DVB.Text import DEFAULT_TABLE, decodeText, encodeText

# The ISO/IEC 6937 diacritical marks (0xC9 and 0xCC are unassigned in DVB's table).
MARKS = [0xC1, 0xC2, 0xC3, 0xC4, 0xC5, 0xC6, 0xC7, 0xC8, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF]
LETTERS = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
# Where DVB's Figure A.1 and glibc's ISO6937 differ: DVB adds the euro sign at
# 0xA4 (unassigned in ISO 6937); for 0xD0 glibc gives U+2014 EM DASH where
# ISO 6937 names a HORIZONTAL BAR (U+2015), and for 0xE2 U+00D0 (capital eth)
# where it names the capital D WITH STROKE (U+0110); the glyphs are the same.
DVB_NOT_GLIBC = {0xA4: "\u20ac", 0xD0: "\u2015", 0xE2: "\u0110"}
MARK_OF = {0xC1: "\u0300", 0xC2: "\u0301", 0xC3: "\u0302", 0xC4: "\u0303", 0xC5: "\u0304",
           0xC6: "\u0306", 0xC7: "\u0307", 0xC8: "\u0308", 0xCA: "\u030a", 0xCB: "\u0327",
           0xCD: "\u030b", 0xCE: "\u0328", 0xCF: "\u030c"}
UNASSIGNED = [0xA6, 0xC0, 0xC9, 0xCC, 0xD8, 0xD9, 0xDA, 0xDB, 0xE5]


def iconvLines(data: bytes, encoding: str) -> list[str]:
    """glibc's decoding of newline-separated ``data``, one entry per line
    ("" where it found no character)."""
    if shutil.which("iconv") is None:
        pytest.skip("glibc's iconv program is needed as the independent decoder")
    done = subprocess.run(["iconv", "-c", "-f", encoding, "-t", "UTF-8"], input=data,
                          capture_output=True, check=False)
    return done.stdout.decode("utf-8").split("\n")


# ------------------------------------------------------------ the default table

def test_ascii_text_is_itself_in_the_default_table() -> None:
    printable = bytes(range(0x20, 0x7F))
    assert decodeText(printable) == printable.decode("ascii")
    assert decodeText(b"BBC ONE") == "BBC ONE"
    assert decodeText(b"") == ""


def test_single_bytes_of_the_default_table_agree_with_glibc_iso6937() -> None:
    codes = [code for code in range(0xA0, 0x100) if not 0xC0 <= code <= 0xCF]
    glibc = iconvLines(b"\n".join(bytes([code]) for code in codes), "ISO6937")
    compared = 0
    for code, theirs in zip(codes, glibc):
        ours = decodeText(bytes([code]))
        if code in DVB_NOT_GLIBC:
            assert ours == DVB_NOT_GLIBC[code]
        elif code in UNASSIGNED:
            assert theirs == "" and ours == "\ufffd", hex(code)
        else:
            assert ours == theirs, hex(code)
            compared += 1
    # 96 positions less 13 marks and 9 unassigned; less the 3 differences
    assert compared == len(DEFAULT_TABLE) - len(DVB_NOT_GLIBC) == 71


def test_a_diacritical_mark_before_a_letter_composes_as_glibc_does() -> None:
    pairs = [bytes([mark, letter]) for mark in MARKS for letter in LETTERS]
    glibc = iconvLines(b"\n".join(pairs), "ISO6937")
    composed = 0
    for pair, theirs in zip(pairs, glibc):
        ours = decodeText(pair)
        if theirs and theirs != chr(pair[1]):
            assert ours == theirs, pair.hex()
            assert len(ours) == 1
            composed += 1
        else:
            # a pair ISO 6937 does not define (glibc drops the mark, or
            # both): the letter and the mark, composed where Unicode can
            assert ours == unicodedata.normalize("NFC", chr(pair[1]) + MARK_OF[pair[0]])
    assert composed > 150         # (155 with glibc 2.36)


def test_accented_words() -> None:
    assert decodeText(b"T\xc2el\xc2evision") == "Télévision"
    assert decodeText(b"M\xc8unchen \xc3etre Ca\xcbca \xcfCesk\xc2y") == \
        "München être Caça Český"
    assert decodeText(b"\xc2 ") == "\u00b4"           # a mark before a space: the accent itself


@pytest.mark.parametrize("raw", [b"\xc2", b"abc\xc8", b"\xc21", b"\xc2\xc2e", b"\xcf\x8a"])
def test_a_mark_with_no_letter_after_it_is_not_a_character(raw: bytes) -> None:
    decoded = decodeText(raw)
    assert decoded.count("\ufffd") == 1
    # what follows the stray mark is decoded as itself
    stray = next(bytes([code]) for code in raw if code in MARKS)
    assert decoded.replace("\ufffd", "") == decodeText(raw.replace(stray, b"", 1))


def test_unassigned_positions_are_the_replacement_character() -> None:
    for code in UNASSIGNED:
        assert decodeText(b"a" + bytes([code]) + b"b") == "a\ufffdb"


# ------------------------------------------------------------ control codes

def test_control_codes_of_the_single_byte_tables() -> None:
    assert decodeText(b"one\x8atwo") == "one\ntwo"                  # CR/LF
    assert decodeText(b"\x86Big\x87 news") == "Big news"            # emphasis on/off
    assert decodeText(b"a\x80\x85\x88\x8b\x9fb") == "ab"            # reserved/user-defined C1
    assert decodeText(b"a\x00\x1f\x7fb\x00\x00") == "ab"            # C0, DEL, NUL padding
    assert decodeText(b"\x0bone\x8a\x86two\x87") == "one\ntwo"      # the same in 8859-15
    assert decodeText(b"\x10\x00\x01one\x8atwo") == "one\ntwo"


def test_control_codes_of_the_two_byte_and_utf8_tables() -> None:
    ucs2 = b"\x11" + "\ue086Big\ue087\ue08aNews\ue09f".encode("utf-16-be")
    assert decodeText(ucs2) == "Big\nNews"
    utf8 = b"\x15" + "\ue086Big\ue087\ue08aNews\u0086".encode("utf-8")
    assert decodeText(utf8) == "Big\nNews"


# ------------------------------------------------------------ selectors

SELECTORS = {0x01: "ISO-8859-5", 0x02: "ISO-8859-6", 0x03: "ISO-8859-7", 0x04: "ISO-8859-8",
             0x05: "ISO-8859-9", 0x06: "ISO-8859-10", 0x07: "ISO-8859-11",
             0x09: "ISO-8859-13", 0x0A: "ISO-8859-14", 0x0B: "ISO-8859-15"}


@pytest.mark.parametrize("selector", sorted(SELECTORS))
def test_single_byte_selectors_choose_the_8859_part_glibc_decodes(selector: int) -> None:
    codes = list(range(0xA0, 0x100))
    glibc = iconvLines(b"\n".join(bytes([code]) for code in codes), SELECTORS[selector])
    for code, theirs in zip(codes, glibc):
        assert decodeText(bytes([selector, code])) == (theirs or "\ufffd"), hex(code)


@pytest.mark.parametrize("part", [1, 2, 3, 4, 5, 9, 15])
def test_the_three_byte_selector_chooses_any_8859_part(part: int) -> None:
    codes = list(range(0xA0, 0x100))
    glibc = iconvLines(b"\n".join(bytes([code]) for code in codes), f"ISO-8859-{part}")
    for code, theirs in zip(codes, glibc):
        assert decodeText(bytes([0x10, 0x00, part, code])) == (theirs or "\ufffd"), hex(code)


def test_known_words_in_the_8859_tables() -> None:
    assert decodeText(b"\x01\xdc\xd8\xe0") == "мир"                 # 8859-5, Cyrillic
    assert decodeText(b"\x03\xe1\xe2\xe3") == "αβγ"                 # 8859-7, Greek
    assert decodeText(b"\x05\xddstanbul") == "İstanbul"             # 8859-9, Turkish
    assert decodeText(b"\x0b\xa4 5") == "€ 5"                       # 8859-15
    assert decodeText(b"\x10\x00\x01\xa4") == "¤"                   # 8859-1 has no euro
    assert decodeText(b"\x10\x00\x02\xb1") == "ą"                   # 8859-2


def test_the_multi_byte_tables() -> None:
    assert decodeText(b"\x11\x00A\x04\x1f") == "AП"                 # UCS-2 big-endian
    assert decodeText(b"\x12\xb0\xa1") == "가"                       # KS X 1001 (EUC-KR)
    assert decodeText(b"\x13\xd6\xd0") == "中"                       # GB 2312
    assert decodeText(b"\x14\x4e\x2d") == "中"                       # Big5 subset, as UCS-2
    assert decodeText(b"\x15Caf\xc3\xa9") == "Café"                 # UTF-8
    assert decodeText(b"\x1f\x01Caf\xc3\xa9") == "Café"             # encoding_type_id 1


def test_selector_0x14_is_ucs2_not_the_big5_encoding() -> None:
    # Table A.3: 0x14 is the "Big5 subset of ISO/IEC 10646", written as
    # UCS-2 like 0x11; the Big5 bytes of "中" (A4 A4) are U+A4A4 there.
    assert decodeText(b"\x14\xa4\xa4") == "\ua4a4"
    assert decodeText(b"\x14" + "台北\ue08a新聞".encode("utf-16-be")) == "台北\n新聞"
    assert encodeText("台北\n新聞", "big5") == b"\x14" + "台北\ue08a新聞".encode("utf-16-be")


@pytest.mark.parametrize("selector, encoding", [(0x12, "EUC-KR"), (0x13, "GB2312")])
def test_the_korean_and_chinese_tables_agree_with_glibc(selector: int, encoding: str) -> None:
    # every row/cell of the 94 x 94 two-byte plane, one character a line
    codes = [bytes([row, cell]) for row in range(0xA1, 0xFF) for cell in range(0xA1, 0xFF)]
    glibc = iconvLines(b"\n".join(codes), encoding)
    assert len(glibc) == len(codes)
    compared = 0
    for code, theirs in zip(codes, glibc):
        ours = decodeText(bytes([selector]) + code)
        if theirs:
            assert ours == theirs, code.hex()
            compared += 1
        else:
            assert ours == "\ufffd" * len(ours) and ours, code.hex()
    assert compared > 7000


def test_ks_x_1001_2004s_additions_are_read_and_written() -> None:
    # Python's euc_kr codec is the 1998 edition; DVB names 2004's
    assert decodeText(b"\x12\xa2\xe8\xa4\xd4\xb0\xa1") == "\u327e\u3164가"
    assert encodeText("\u327e\u3164가 1", "euc-kr") == b"\x12\xa2\xe8\xa4\xd4\xb0\xa1 1"


def test_reserved_selectors_leave_the_rest_in_the_default_table() -> None:
    for selector in [0x00, 0x08, 0x0C, 0x0D, 0x0E, 0x0F, 0x16, 0x1A, 0x1E]:
        assert decodeText(bytes([selector]) + b"Caf\xc2e") == "Café"
    assert decodeText(b"\x10\x00\x0cCaf\xc2e") == "Café"            # there is no 8859-12
    assert decodeText(b"\x10\x01\x05Caf\xc2e") == "Café"


@pytest.mark.parametrize("raw", [b"\x10", b"\x10\x00", b"\x1f"])
def test_a_selector_cut_short_is_the_replacement_character(raw: bytes) -> None:
    assert decodeText(raw) == "\ufffd"


@pytest.mark.parametrize("raw", [b"\x11\x00A\x00", b"\x11\xd8\x00", b"\x15\xff\xfeok",
                                 b"\x15\xe2\x82", b"\x12\xb0", b"\x02\xa1"])
def test_broken_multi_byte_text_gives_replacement_characters(raw: bytes) -> None:
    assert "\ufffd" in decodeText(raw)


def test_a_memoryview_or_bytearray_decodes_like_bytes() -> None:
    raw = b"\x0bCaf\xe9"
    assert decodeText(memoryview(raw)) == decodeText(bytearray(raw)) == "Café"


# ------------------------------------------------------------ encoding

def test_encode_examples() -> None:
    assert encodeText("BBC ONE") == b"BBC ONE"
    assert encodeText("Café") == b"Caf\xc2e"
    assert encodeText("Café", "latin-9") == b"\x0bCaf\xe9"
    assert encodeText("Café", "ISO_8859-15") == b"\x0bCaf\xe9"
    assert encodeText("Café", "utf-8") == b"\x15Caf\xc3\xa9"
    assert encodeText("Café", "latin-1") == b"\x10\x00\x01Caf\xe9"
    assert encodeText("€1", "default") == b"\xa41"
    assert encodeText("日本") == b"\x15" + "日本".encode("utf-8")
    assert encodeText("a\nb") == b"a\x8ab"
    assert encodeText("a\nb", "utf-8") == b"\x15a\xee\x82\x8ab"
    assert encodeText("a\nb", "ucs-2") == b"\x11\x00a\xe0\x8a\x00b"
    assert encodeText("", "utf-8") == b""


def test_text_the_default_table_encodes_decodes_as_glibc_says() -> None:
    chars = [char for code, char in sorted(DEFAULT_TABLE.items()) if code not in DVB_NOT_GLIBC]
    chars += [decodeText(bytes([mark, letter])) for mark in MARKS for letter in LETTERS]
    chars = [char for char in chars if len(char) == 1]
    encoded = [encodeText(char, "default") for char in chars]
    assert all(len(raw) in (1, 2) for raw in encoded)
    glibc = iconvLines(b"\n".join(encoded), "ISO6937")
    compared = 0
    for char, raw, theirs in zip(chars, encoded, glibc):
        if len(raw) == 2 and theirs in ("", chr(raw[1])):
            continue        # composed in Unicode but not in ISO 6937's repertoire (e.g. "Ǹ")
        assert theirs == char, raw.hex()
        compared += 1
    assert compared > 220


@pytest.mark.parametrize("text, table, message", [
    ("日本", "default", r"'日' is not in the default table"),
    ("Café", "iso-8859-5", r"'é' at position 3 is not in ISO/IEC 8859-5"),
    ("a\tb", "utf-8", r"'\\t' at position 1 is a control character"),
    ("a\x00", "latin-9", r"'\\x00' at position 1 is a control character"),
    ("\U0001f600", "ucs-2", r"outside the Basic Multilingual Plane"),
    ("a\nb", "gb2312", r"control character"),
    ("a\nb", "euc-kr", r"control character"),
    ("İ", "gb2312", r"'İ' at position 0 is not in gb2312"),
    ("가풊", "euc-kr", r"'풊' at position 1 is not in KS X 1001"),
    ("中ğ", "big5", r"'ğ' at position 1 is not in Big5's repertoire"),
    ("a\n€", "big5", r"'€' at position 2 is not in Big5's repertoire"),
    ("\U0001f600", "big5", r"outside the Basic Multilingual Plane"),
    ("a\ue086b", "utf-8", r"'\\ue086' at position 1 is a control character"),
    ("\ue08a", "auto", r"'\\ue08a' at position 0 is a control character"),
    ("\ue09f", "ucs-2", r"control character"),
    ("abc", "ebcdic", r"unknown DVB character table 'ebcdic'"),
    ("abc", "iso-8859-12", r"unknown DVB character table"),
])
def test_what_a_table_cannot_hold_is_refused(text: str, table: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        encodeText(text, table)


#: Characters DVB text can hold (the private-use U+E080-U+E09F are the C1
#: control codes of the two-byte and UTF-8 tables).
TEXT_CHARACTERS = st.characters(blacklist_categories=["Cs", "Cc"]).filter(
    lambda char: not "\ue080" <= char <= "\ue09f")
TABLES = ["auto", "default", "latin-1", "iso-8859-2", "iso-8859-5", "iso-8859-7", "latin-9",
          "utf-8", "ucs-2", "euc-kr", "gb2312", "big5"]


@settings(max_examples=300, deadline=None)
@given(table=st.sampled_from(TABLES),
       text=st.text(TEXT_CHARACTERS | st.just("\n"),
                    max_size=30))
def test_encoded_text_decodes_to_itself(table: str, text: str) -> None:
    try:
        encoded = encodeText(text, table)
    except ValueError:
        return
    assert decodeText(encoded) == text


@settings(max_examples=200, deadline=None)
@given(text=st.text(TEXT_CHARACTERS | st.just("\n"),
                    max_size=30))
def test_auto_encodes_anything_and_plain_ascii_as_it_is(text: str) -> None:
    encoded = encodeText(text)
    assert decodeText(encoded) == text
    if text.isascii() and "\n" not in text:
        assert encoded == text.encode("ascii")


# ------------------------------------------------------------ fuzz

SELECTOR_BYTES = st.sampled_from([b"", b"\x01", b"\x05", b"\x08", b"\x0b", b"\x10\x00\x02",
                                  b"\x10\x00", b"\x10", b"\x11", b"\x12", b"\x13", b"\x14",
                                  b"\x15", b"\x1f\x01", b"\x1f", b"\x1c"])
CONTROLS = {chr(code) for code in range(0x20)} | {chr(code) for code in range(0x7F, 0xA0)} \
    | {chr(code) for code in range(0xE080, 0xE0A0)}


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300) | st.builds(lambda s, b: s + b, SELECTOR_BYTES,
                                             st.binary(max_size=300)))
def test_any_bytes_decode_without_raising_and_without_control_codes(raw: bytes) -> None:
    decoded = decodeText(raw)
    assert isinstance(decoded, str)
    assert not (set(decoded) & CONTROLS) - {"\n"}


# ------------------------------------------------------------ the docstring

def test_the_module_docstring_example_runs() -> None:
    doc = importlib.import_module("Kamaelia.Support.DVB.Text").__doc__ or ""
    block = doc.split("::\n", 1)[1].split("\nHow does it work?", 1)[0]
    exec(compile(textwrap.dedent(block), "<Text docstring>", "exec"), {})
