"""Tests for Kamaelia.Support.Data.Escape: 1.14's percent-escaping, and its inverse."""

from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from Kamaelia.Support.Data.Escape import _codewords, escape, replacementPlan, unescape

#: 1.14's Tokenisation.Simple escapes these (NUL and "9", tab... as 1.14 wrote it).
TOKENISATION = "\x009\n\r []"

#: (message, substring, what Kamaelia 1.14.32's escape() returned), run from
#: /work/scratch/k114.
ESCAPED_114: list[tuple[str, str | None, str]] = [
    ("hello world", None, "hello world"),
    ("100%", None, "100%25"),
    ("a b\nc[d]e\r9", TOKENISATION, "a%20b%ac%5bd%5de%d%39"),
    ("%", "%", "%2525"),
    ("50% off", " ", "50%25%20off"),
    ("x.y*z", ".*", "x%2ey%2az"),
    ("back\\slash", "\\", "back%5cslash"),
    ("\x00\x01", "\x00\x01", "%0%1"),
    ("ünï cödé", "ü é", "%fcnï%20cöd%e9"),
    ("emoji😀", "😀", "emoji%1f600"),
    ("", TOKENISATION, ""),
    ("%a5", TOKENISATION, "%25a5"),
    ("*a", "*a", "%2%61%61"),
    ("tab\there", "\t", "tab%9here"),
    ("x\x02y", "\x02", "x%2y"),
    ("ABC abc", "a", "ABC %61bc"),
    ("(1+2)*[3]", "()*+[]", "%281%2b2%29%2a%5b3%5d"),
]


@pytest.mark.parametrize("message, substring, expected", ESCAPED_114)
def test_escape_writes_what_1_14_wrote(message: str, substring: str | None,
                                       expected: str) -> None:
    assert escape(message, substring) == expected


@pytest.mark.parametrize("message, substring, escaped", ESCAPED_114)
def test_unescape_reads_what_1_14_wrote(message: str, substring: str | None,
                                        escaped: str) -> None:
    assert unescape(escaped, substring) == message


def test_without_substring_only_percent_is_escaped() -> None:
    assert escape("a b%\n") == "a b%25\n"
    assert unescape("a b%25\n") == "a b%\n"


def test_unescape_leaves_a_percent_that_starts_no_escape() -> None:
    assert unescape("50% off and 100%", " ") == "50% off and 100%"
    assert unescape("%zz%2", "\n") == "%zz%2"


def test_unescape_prefers_the_longest_escape_where_1_14_format_is_ambiguous() -> None:
    # "\x02" is %2, so "%25" is either "\x02" "5" or "%": the longer wins,
    # which gets "%" right (1.14's own unescape turned "%" into "\x025").
    assert escape("%", "\x02") == "%25"
    assert unescape("%25", "\x02") == "%"
    assert unescape(escape("\x02%", "\x02"), "\x02") == "\x02%"


def test_substring_may_be_any_iterable_of_characters() -> None:
    assert escape("a b", [" "]) == escape("a b", " ") == "a%20b"
    assert unescape("a%20b", (" ",)) == "a b"


@pytest.mark.parametrize("function", [escape, unescape])
def test_non_text_message_is_refused(function: object) -> None:
    with pytest.raises(TypeError, match=r"message must be a str, not b'abc'"):
        function(b"abc")  # type: ignore[operator]


@pytest.mark.parametrize("function", [escape, unescape])
def test_substring_of_non_characters_is_refused(function: object) -> None:
    with pytest.raises(TypeError, match=r"substring must be characters, not \['ab'\]"):
        function("text", ["ab"])  # type: ignore[operator]


def prefixFree(substring: str) -> bool:
    words = set(_codewords(tuple(substring)).values())
    return not any(a != b and b.startswith(a) for a in words for b in words)


def test_tokenisation_substitutions_have_a_prefix_free_code() -> None:
    assert prefixFree(TOKENISATION)


text = st.text(st.characters(min_codepoint=0, max_codepoint=0x2FF), max_size=40)
latin = st.text(st.characters(min_codepoint=0x10, max_codepoint=0xFF), max_size=8)


@settings(max_examples=300, derandomize=True, deadline=None)
@given(text, latin)
def test_round_trip_for_characters_from_u0010_to_u00ff(message: str, substring: str) -> None:
    assert prefixFree(substring)
    assert unescape(escape(message, substring), substring) == message


@settings(max_examples=300, derandomize=True, deadline=None)
@given(text, st.text(st.characters(min_codepoint=0, max_codepoint=0x2FF), max_size=6))
def test_round_trip_whenever_the_code_is_prefix_free(message: str, substring: str) -> None:
    if prefixFree(substring):
        assert unescape(escape(message, substring), substring) == message


@settings(max_examples=300, derandomize=True, deadline=None)
@given(text, st.text(st.characters(min_codepoint=0, max_codepoint=0x2FF), max_size=6))
def test_escape_is_1_14s_replacement_one_character_after_the_other(message: str,
                                                                   substring: str) -> None:
    expected = message.replace("%", "%25")
    for char in substring:
        expected = expected.replace(char, "%" + format(ord(char), "x"))
    assert escape(message, substring) == expected


@settings(max_examples=300, derandomize=True, deadline=None)
@given(text, st.text(st.characters(min_codepoint=0, max_codepoint=0x2FF), max_size=6))
def test_unescape_of_any_text_returns_text(message: str, substring: str) -> None:
    assert isinstance(unescape(message, substring), str)


def regexUnescape(message: str, substring: str) -> str:
    """unescape by the regular expression alone (the reference for the fast passes)."""
    from Kamaelia.Support.Data.Escape import _decoder
    pattern, back = _decoder(tuple(substring))
    return pattern.sub(lambda found: back[found.group()], message)


def test_the_usual_substrings_unescape_in_replace_passes() -> None:
    assert replacementPlan(tuple(TOKENISATION)) is not None
    assert replacementPlan(tuple("X" * 24)) == (("%58", "X"), ("%25", "%"))
    assert replacementPlan(("\x02",)) is None          # "%2" is a prefix of "%25"


@settings(max_examples=500, derandomize=True, deadline=None)
@given(st.text(st.sampled_from(list("%0123456789abcdefX []\n\r\x00z\ud800")), max_size=40),
       st.text(st.sampled_from(list("X9 []\n\r\x00\x02*a%.é\U0001f600")), max_size=5))
def test_unescape_of_any_text_is_the_left_to_right_reading(message: str,
                                                          substring: str) -> None:
    assert unescape(message, substring) == regexUnescape(message, substring)


def test_unescape_is_linear_in_dense_and_stray_escapes() -> None:
    # Correctness at size (the time is measured in tests/stress).
    dense = "%25%20%5b" * 20_000 + "%" * 60_000 + "%%20" * 20_000
    assert unescape(dense, TOKENISATION) == regexUnescape(dense, TOKENISATION)
