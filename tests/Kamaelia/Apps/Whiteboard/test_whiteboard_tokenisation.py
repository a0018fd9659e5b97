"""Tests for Kamaelia.Apps.Whiteboard.Tokenisation: the whiteboard's line protocol."""

from __future__ import annotations

import base64
import zlib
from typing import Any

import pytest
from hypothesis import given, settings, strategies as st

from Axon.Ipc import producerFinished, shutdownMicroprocess
from componentharness import (assertBadMessageSkipped, assertShutdownPassesOn,
                              assertUnexpectedControlIgnored, run)
from Kamaelia.Apps.Whiteboard.Tokenisation import (
    EMPTY_TOKEN, MAX_WHITEBOARD_LINE, EscapedListMarshalling, LineTooLong,
    TokenisationError, decodeLine, encodeTokens, lines_to_tokenlists, substitutions,
    tokenBytes, tokenlists_to_lines)
from Kamaelia.Support.Data.Escape import escape
from Kamaelia.Util.LineSplit import LineTooLong as LineSplitTooLong
from Kamaelia.Util.Marshalling import DeMarshaller, Marshaller

LOGGER = "Kamaelia.Apps.Whiteboard.Tokenisation"

PNG_ISH = base64.b64encode(zlib.compress(b"\x00\x00\x00" * 40 + b"\xff" * 9)).decode()

#: Whiteboard commands as 1.14's Painter, Canvas and client sent them, and
#: the bytes 1.14 wrote for them. Derived by hand from 1.14's
#: Tokenisation.marshall and Support/Data/Escape.escape: each token is
#: followed by one space, a nested list is "[ " ... "] ", the line ends in
#: "\n"; inside a token "%" becomes "%25" first, then each of its
#: substitutions "\09\x0a\x0d\x20[]" (read by Python as NUL, "9", LF, CR,
#: space, "[", "]") becomes "%" + hex(ord(c))[2:] -- "%0", "%39", "%a",
#: "%d", "%20", "%5b", "%5d" -- and every other byte is written as it is
#: (1.14's str was bytes, so non-ASCII text went out as its UTF-8 bytes).
WIRE_114: list[tuple[list[Any], bytes]] = [
    # Painter: a stroke in red; the 9 of 39 is escaped, 0s are not
    ([["LINE", "255", "0", "0", "10", "20", "39", "40"]],
     b"[ LINE 255 0 0 10 20 3%39 40 ] \n"),
    # Painter sends its buffer: several commands in one line
    ([["LINE", "0", "0", "0", "1", "2", "3", "4"], ["LINE", "0", "0", "0", "3", "4", "5", "6"]],
     b"[ LINE 0 0 0 1 2 3 4 ] [ LINE 0 0 0 3 4 5 6 ] \n"),
    # Painter's eraser
    ([["CIRCLE", "255", "255", "255", "99", "100", "8"]],
     b"[ CIRCLE 255 255 255 %39%39 100 8 ] \n"),
    ([["CLEAR"]], b"[ CLEAR ] \n"),
    ([["CLEAR", "0", "0", "0"]], b"[ CLEAR 0 0 0 ] \n"),
    ([["GETIMG"]], b"[ GETIMG ] \n"),
    ([["NEW"]], b"[ NEW ] \n"),
    ([["prev"]], b"[ prev ] \n"),
    ([["next"]], b"[ next ] \n"),
    ([["LOAD", "Scribbles/slide.1.png", "nopropogate"]],
     b"[ LOAD Scribbles/slide.1.png nopropogate ] \n"),
    ([["SAVE", "My Scribbles/slide.19.png"]],
     b"[ SAVE My%20Scribbles/slide.1%39.png ] \n"),
    # spaces escaped; quotes and backslashes travel as they are
    ([["WRITE", "100", "100", "24", "255", "255", "255", 'say "hi" \\ it\'s 50%']],
     b'[ WRITE 100 100 24 255 255 255 say%20"hi"%20\\%20it\'s%2050%25 ] \n'),
    # non-ASCII: its UTF-8 bytes, unescaped; a tab is not escaped (the "\09" quirk)
    ([["WRITE", "1", "2", "24", "0", "0", "0", "caf\u00e9\tbar"]],
     b"[ WRITE 1 2 24 0 0 0 caf\xc3\xa9\tbar ] \n"),
    # SETIMG with a base64 payload: only its 9s are escaped
    ([["SETIMG", "AAA9+/ab==", "1024", "768", "RGB"]],
     b"[ SETIMG AAA%39+/ab== 1024 768 RGB ] \n"),
    # the brackets of a token are escaped, so they cannot open a list
    ([["WRITE", "0", "0", "9", "0", "0", "0", "[x]"]],
     b"[ WRITE 0 0 %39 0 0 0 %5bx%5d ] \n"),
]


def test_substitutions_are_1_14s_characters() -> None:
    assert substitutions == "\x009\n\r []"


@pytest.mark.parametrize("tokens,line", WIRE_114)
def test_encoding_writes_1_14s_bytes(tokens: list[Any], line: bytes) -> None:
    assert encodeTokens(tokens) == line


@pytest.mark.parametrize("tokens,line", WIRE_114)
def test_decoding_reads_1_14s_bytes(tokens: list[Any], line: bytes) -> None:
    assert decodeLine(line) == tokens


def test_a_raw_setimg_payload_travels_as_1_14s_bytes_and_comes_back() -> None:
    # 1.14's Canvas put zlib-compressed pixels straight into the token.
    payload = b"x\x9c\x00\n\r %9[]\xff\xfe"
    line = encodeTokens([["SETIMG", payload, "2", "1", "RGB"]])
    assert line == b"[ SETIMG x\x9c%0%a%d%20%25%39%5b%5d\xff\xfe 2 1 RGB ] \n"
    [[command, data, *rest]] = decodeLine(line)
    assert command == "SETIMG" and rest == ["2", "1", "RGB"]
    assert tokenBytes(data) == payload


def test_a_real_compressed_image_round_trips_byte_for_byte() -> None:
    pixels = bytes(range(256)) * 30
    payload = zlib.compress(pixels)
    [[_, data, _, _, _]] = decodeLine(encodeTokens([["SETIMG", payload, "80", "32", "RGB"]]))
    assert zlib.decompress(tokenBytes(data)) == pixels


def test_a_base64_payload_round_trips() -> None:
    assert decodeLine(encodeTokens([["SETIMG", PNG_ISH, "3", "4", "RGB"]])) == [
        ["SETIMG", PNG_ISH, "3", "4", "RGB"]]


def test_hand_written_lines_with_crlf_read_as_1_14s_receiving_end_read_them() -> None:
    # 1.14's client injected "CLEAR 0 0 0\r\n"; its chunks_to_lines dropped every CR.
    assert decodeLine(b"CLEAR 0 0 0\r\n") == ["CLEAR", "0", "0", "0"]
    assert decodeLine("WRITE 100 100 24 255 255 255 Fetching\r\n") == [
        "WRITE", "100", "100", "24", "255", "255", "255", "Fetching"]


def test_a_line_without_its_ending_or_last_space_reads_the_same() -> None:
    assert decodeLine(b"[ CLEAR ]") == decodeLine(b"[ CLEAR ] \n") == [["CLEAR"]]
    assert decodeLine(b"a  b   c") == ["a", "b", "c"]


def test_an_empty_token_is_a_lone_percent_and_comes_back() -> None:
    assert EMPTY_TOKEN == "%"
    assert encodeTokens([["WRITE", "1", ""]]) == b"[ WRITE 1 % ] \n"
    assert decodeLine(b"[ WRITE 1 % ] \n") == [["WRITE", "1", ""]]


def test_unknown_escapes_are_left_as_1_14_left_them() -> None:
    assert decodeLine(b"%zz %2 %5") == ["%zz", "%2", "%5"]


def test_escapedlistmarshalling_is_1_14s_text_interface() -> None:
    assert EscapedListMarshalling.marshall([["CLEAR"]]) == "[ CLEAR ] \n"
    assert EscapedListMarshalling.marshall(["a", "b"], term="] ") == "a b ] "
    assert EscapedListMarshalling.demarshall("[ a%20b ] \n") == [["a b"]]


def test_tuples_are_written_as_lists() -> None:
    assert encodeTokens((("CLEAR",),)) == b"[ CLEAR ] \n"


def test_deep_nesting_does_not_overflow_the_stack() -> None:
    tokens: list[Any] = ["x"]
    for _ in range(5000):
        tokens = [tokens]
    line = encodeTokens(tokens)
    assert line == b"[ " * 5000 + b"x " + b"] " * 5000 + b"\n"
    # (compared by writing it again: == on 5000 nested lists would recurse)
    assert encodeTokens(decodeLine(line)) == line


@pytest.mark.parametrize("bad", [5, None, 1.5, {"a": 1}])
def test_a_token_that_is_not_text_is_a_type_error(bad: Any) -> None:
    with pytest.raises(TypeError, match="a token must be str, bytes or a list"):
        encodeTokens([["LINE", bad]])


def test_a_token_list_that_is_not_a_list_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="a token list must be a list or tuple, not 'CLEAR'"):
        encodeTokens("CLEAR")  # type: ignore[arg-type]


def test_a_list_that_contains_itself_is_refused() -> None:
    loop: list[Any] = ["a"]
    loop.append(loop)
    with pytest.raises(TokenisationError, match="cannot contain itself"):
        encodeTokens(loop)


def test_a_lone_surrogate_that_no_bytes_stand_for_is_refused() -> None:
    with pytest.raises(TokenisationError, match="lone surrogate"):
        encodeTokens(["\ud800"])
    with pytest.raises(TokenisationError, match="lone surrogate"):
        tokenBytes("\ud800")


@pytest.mark.parametrize("line,message", [
    (b"a ] b", "a '\\]' closes no '\\['"),
    (b"[ a [ b ]", "1 '\\[' never closed"),
    (b"a\nb\n", "a line break inside the line"),
])
def test_malformed_lines_raise_tokenisation_error(line: bytes, message: str) -> None:
    with pytest.raises(TokenisationError, match=message):
        decodeLine(line)


def test_a_line_that_is_not_text_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="a line must be bytes or str, not 42"):
        decodeLine(42)  # type: ignore[arg-type]


def test_a_line_longer_than_the_limit_is_refused_naming_the_limit() -> None:
    assert MAX_WHITEBOARD_LINE == 16 * 1024 * 1024
    assert decodeLine(b"abcd\n", maxlength=4) == ["abcd"]          # the ending is not counted
    with pytest.raises(LineTooLong, match="a line of 5 bytes is longer than maxlength=4") as info:
        decodeLine(b"abcde\n", maxlength=4)
    assert info.value.limit == 4
    assert isinstance(info.value, (TokenisationError, LineSplitTooLong))
    with pytest.raises(LineTooLong, match="5 characters"):
        decodeLine("abcde", maxlength=4)
    assert decodeLine(b"x" * 100, maxlength=None) == ["x" * 100]


# ------------------------------------------------------------------ fuzzing
tokenText = st.one_of(st.text(max_size=20),
                      st.text(alphabet="\x00 9%[]\n\r\t\\\"'a\u00e9\u2603", max_size=20))
tokenLists = st.recursive(st.lists(tokenText, max_size=6),
                          lambda children: st.lists(st.one_of(tokenText, children), max_size=4),
                          max_leaves=20)


@settings(max_examples=300, deadline=None)
@given(tokenLists)
def test_any_token_list_round_trips(tokens: list[Any]) -> None:
    line = encodeTokens(tokens)
    assert line.endswith(b"\n") and b"\n" not in line[:-1] and b"\r" not in line
    assert decodeLine(line) == tokens
    assert EscapedListMarshalling.demarshall(EscapedListMarshalling.marshall(tokens)) == tokens


@settings(max_examples=300, deadline=None)
@given(st.binary(min_size=1, max_size=40))
def test_a_token_is_escaped_exactly_as_rule_2_says(data: bytes) -> None:
    text = data.decode("utf-8", "surrogateescape")
    assert encodeTokens([data]) == encodeTokens([text]) == (
        escape(text, substitutions) + " \n").encode("utf-8", "surrogateescape")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.binary(max_size=30), max_size=5))
def test_any_bytes_tokens_round_trip_to_the_same_bytes(tokens: list[bytes]) -> None:
    decoded = decodeLine(encodeTokens(tokens))
    assert [tokenBytes(token) for token in decoded] == tokens


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.binary(max_size=80),
                 st.lists(st.sampled_from([b"[", b"]", b" ", b"%", b"%5b", b"\n", b"\r",
                                           b"a", b"\xff", b"%0"]),
                          max_size=20).map(b"".join)))
def test_any_bytes_decode_or_raise_only_tokenisation_error(line: bytes) -> None:
    try:
        tokens = decodeLine(line, maxlength=60)
    except TokenisationError:
        return
    # What decodes is written back as equivalent bytes.
    assert decodeLine(encodeTokens(tokens), maxlength=None) == tokens


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_any_text_line_decodes_or_raises_only_tokenisation_error(line: str) -> None:
    try:
        decodeLine(line)
    except TokenisationError:
        pass


# --------------------------------------------------------------- components
def test_the_components_are_1_14s_marshaller_and_demarshaller() -> None:
    assert isinstance(tokenlists_to_lines(), Marshaller)
    assert isinstance(lines_to_tokenlists(), DeMarshaller)


def test_tokenlists_to_lines_sends_bytes_lines() -> None:
    sink = run(tokenlists_to_lines(), [[["CLEAR"]], [["GETIMG"]]], [producerFinished()])
    assert sink.got == [b"[ CLEAR ] \n", b"[ GETIMG ] \n"]


def test_lines_to_tokenlists_reads_bytes_and_str_lines() -> None:
    sink = run(lines_to_tokenlists(), [b"[ CLEAR ] \n", "[ prev ]"], [producerFinished()])
    assert sink.got == [[["CLEAR"]], [["prev"]]]


@pytest.mark.parametrize("messageClass", [producerFinished, shutdownMicroprocess])
def test_shutdown_passes_on_after_waiting_lines(messageClass: type) -> None:
    assertShutdownPassesOn(tokenlists_to_lines, messageClass, [[["NEW"]]], [b"[ NEW ] \n"])
    assertShutdownPassesOn(lines_to_tokenlists, messageClass, [b"[ NEW ] \n"], [[["NEW"]]])


def test_an_unexpected_control_message_is_ignored(caplog: pytest.LogCaptureFixture) -> None:
    assertUnexpectedControlIgnored(lines_to_tokenlists, caplog, [b"a\n"], [["a"]])


def test_a_malformed_line_is_logged_and_skipped(caplog: pytest.LogCaptureFixture) -> None:
    record = assertBadMessageSkipped(lines_to_tokenlists, caplog, LOGGER,
                                     [b"a\n", b"] b\n", b"c\n"], b"] b\n", [["a"], ["c"]])
    assert "closes no" in record.getMessage()


def test_an_overlong_line_is_logged_naming_the_limit_and_skipped(
        caplog: pytest.LogCaptureFixture) -> None:
    record = assertBadMessageSkipped(lambda: lines_to_tokenlists(maxlength=8), caplog, LOGGER,
                                     [b"a\n", b"x" * 9, b"c\n"], b"x" * 9, [["a"], ["c"]])
    assert "maxlength=8" in record.getMessage()


def test_a_bad_token_list_is_logged_and_skipped(caplog: pytest.LogCaptureFixture) -> None:
    assertBadMessageSkipped(tokenlists_to_lines, caplog, LOGGER,
                            [[["A"]], [["B", 7]], [["C"]]], [["B", 7]],
                            [b"[ A ] \n", b"[ C ] \n"])


@pytest.mark.parametrize("bad", [0, -1, 2.5, True, "10"])
def test_a_bad_maxlength_is_refused_at_the_door(bad: Any) -> None:
    with pytest.raises(ValueError, match="maxlength must be a positive int or None"):
        lines_to_tokenlists(maxlength=bad)

