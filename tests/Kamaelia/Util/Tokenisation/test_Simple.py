"""Tests for Kamaelia.Util.Tokenisation.Simple: token lists <-> lines, in 1.14's format."""

from __future__ import annotations

import logging
import re
from typing import Any

import pytest
from hypothesis import given, settings, strategies as st

from Axon.Ipc import producerFinished, shutdownMicroprocess
from componentharness import (assertBadMessageSkipped, assertShutdownPassesOn,
                              assertUnexpectedControlIgnored, run)
from Kamaelia.Support.Data.Escape import escape
from Kamaelia.Util.Marshalling import DeMarshaller, Marshaller
from Kamaelia.Util.Tokenisation.Simple import (EscapedListMarshalling, lines_to_tokenlists,
                                               substitutions, tokenlists_to_lines)

LOGGER = "Kamaelia.Util.Tokenisation.Simple"

#: Token lists and the lines Kamaelia 1.14.32's EscapedListMarshalling.marshall
#: wrote for them (run from /work/scratch/k114).
LINES_114: list[tuple[list[Any], str]] = [
    (["hello", "world"], "hello world \n"),
    ([["hello", "world"]], "[ hello world ] \n"),
    ([["hello world"]], "[ hello%20world ] \n"),
    (["hello", " world", ["1", "2", [["7", "alpha beta"], ["5", "6"]], "n"]],
     "hello %20world [ 1 2 [ [ 7 alpha%20beta ] [ 5 6 ] ] n ] \n"),
    (["hello\nworld\\today"], "hello%aworld\\today \n"),
    (["a9 b", "%", "[x]", "\r\n\t\x00", "100%25"],
     "a%39%20b %25 %5bx%5d %d%a\t%0 100%2525 \n"),
    ([], "\n"),
    ([[]], "[ ] \n"),
    (["é"], "é \n"),
]

#: Lines and what 1.14's demarshall made of them (quirks included).
READ_114: list[tuple[str, list[Any]]] = [
    ("a b\n", ["a", "b\n"]),
    ("a  b", ["a", "b"]),
    ("a\nb c\n", ["a\nb", "c\n"]),
    ("%zz %2 %", ["%zz", "%2", "%"]),
    (" x \n", ["x"]),                       # the empty token is lost
]


def test_substitutions_are_1_14s_characters() -> None:
    assert substitutions == "\x009\n\r []"


@pytest.mark.parametrize("tokens,line", LINES_114)
def test_marshall_writes_1_14s_bytes(tokens: list[Any], line: str) -> None:
    assert EscapedListMarshalling.marshall(tokens) == line


@pytest.mark.parametrize("tokens,line", LINES_114)
def test_demarshall_reads_1_14s_bytes(tokens: list[Any], line: str) -> None:
    assert EscapedListMarshalling.demarshall(line) == tokens


@pytest.mark.parametrize("line,tokens", READ_114)
def test_demarshall_reads_odd_lines_as_1_14_did(line: str, tokens: list[Any]) -> None:
    assert EscapedListMarshalling.demarshall(line) == tokens


def test_marshall_takes_1_14s_term_and_writes_other_values_with_str() -> None:
    assert EscapedListMarshalling.marshall(["MOVE", 3, 1.5], term="") == "MOVE 3 1.5 "
    assert EscapedListMarshalling.marshall(("a", ("b",))) == "a [ b ] \n"


@pytest.mark.parametrize("line,problem", [
    ("] a", "closes no"),
    ("x [ y ] z ] \n", "closes no"),
    ("[ a", "never closed"),
])
def test_unbalanced_brackets_raise_ValueError(line: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        EscapedListMarshalling.demarshall(line)


@pytest.mark.parametrize("call,bad", [
    (EscapedListMarshalling.demarshall, b"bytes \n"),
    (EscapedListMarshalling.demarshall, None),
    (EscapedListMarshalling.marshall, "not a list"),
])
def test_values_of_the_wrong_kind_raise_TypeError_naming_them(call: Any, bad: Any) -> None:
    with pytest.raises(TypeError, match=re.escape(repr(bad)[:10])):
        call(bad)


_token = st.text(min_size=1)
_tokens = st.recursive(st.lists(_token), lambda inner: st.lists(_token | inner), max_leaves=20)


@settings(max_examples=300, derandomize=True, deadline=None)
@given(_tokens)
def test_demarshall_reads_back_what_marshall_wrote(tokens: list[Any]) -> None:
    line = EscapedListMarshalling.marshall(tokens)
    assert line.endswith(" \n") or line == "\n"
    assert "\n" not in line[:-1] and "\r" not in line
    assert EscapedListMarshalling.demarshall(line) == tokens


@settings(max_examples=500, derandomize=True, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab[] %259\n\r\x00é")), max_size=40))
def test_demarshall_raises_only_ValueError_on_any_text(line: str) -> None:
    try:
        result = EscapedListMarshalling.demarshall(line)
    except ValueError:
        return
    assert isinstance(result, list)


@settings(max_examples=300, derandomize=True, deadline=None)
@given(st.text(min_size=1) | st.text(alphabet="\x009\n\r []%\t\udc80\u00e9a", min_size=1))
def test_each_token_is_escaped_exactly_as_Escape_escapes_it(token: str) -> None:
    assert EscapedListMarshalling.marshall([token]) == escape(token, substitutions) + " \n"


# ------------------------------------------------------------- components
def test_the_components_are_a_Marshaller_and_a_DeMarshaller_as_in_1_14() -> None:
    import Kamaelia.Util.Tokenisation.Simple as module
    assert isinstance(tokenlists_to_lines(), Marshaller)
    assert isinstance(lines_to_tokenlists(), DeMarshaller)
    assert tokenlists_to_lines().klass is EscapedListMarshalling
    assert module.__kamaelia_prefabs__ == (tokenlists_to_lines, lines_to_tokenlists)


def test_lines_to_tokenlists_sends_a_list_of_tokens_per_line() -> None:
    sink = run(lines_to_tokenlists(), ["ADD NODE 1 first%20node \n", "\n", "DEL ALL \n"],
               [producerFinished()])
    assert sink.got == [["ADD", "NODE", "1", "first node"], [], ["DEL", "ALL"]]


def test_tokenlists_to_lines_sends_one_line_per_list() -> None:
    sink = run(tokenlists_to_lines(), [["ADD", "NODE", "first node"], (), ("x", 1)],
               [producerFinished()])
    assert sink.got == ["ADD NODE first%20node \n", "\n", "x 1 \n"]


@pytest.mark.parametrize("bad", ["[ unclosed \n", b"bytes line\n", None])
def test_lines_that_cannot_be_read_are_logged_and_skipped(
        bad: Any, caplog: pytest.LogCaptureFixture) -> None:
    assertBadMessageSkipped(lines_to_tokenlists, caplog, LOGGER, ["a \n", bad, "b c \n"], bad,
                            [["a"], ["b", "c"]])


@pytest.mark.parametrize("bad", ["a string", 42, None])
def test_token_lists_that_are_not_lists_are_logged_and_skipped(
        bad: Any, caplog: pytest.LogCaptureFixture) -> None:
    assertBadMessageSkipped(tokenlists_to_lines, caplog, LOGGER, [["a"], bad, ["b"]], bad,
                            ["a \n", "b \n"])


@pytest.mark.parametrize("make", [lines_to_tokenlists, tokenlists_to_lines])
@pytest.mark.parametrize("message_class", [producerFinished, shutdownMicroprocess])
def test_shutdown_handles_what_is_waiting_then_passes_the_message_on(
        make: Any, message_class: type) -> None:
    assertShutdownPassesOn(make, message_class, [], [])


@pytest.mark.parametrize("make", [lines_to_tokenlists, tokenlists_to_lines])
def test_other_control_messages_are_logged_and_ignored(
        make: Any, caplog: pytest.LogCaptureFixture) -> None:
    assertUnexpectedControlIgnored(make, caplog, [], [])


# ------------------------------------------------- limits and hostile input
@settings(max_examples=300, derandomize=True, deadline=None)
@given(st.lists(st.text(max_size=8) | st.sampled_from(
    ["[", "]", "%", "%2", "%20", "%5b", "%255b", "\ud800", "\udfff", "\x00", "9" * 5000, "\n"]),
    max_size=12).map(" ".join))
def test_demarshall_raises_only_ValueError_on_hostile_text(line: str) -> None:
    try:
        result = EscapedListMarshalling.demarshall(line)
    except ValueError:
        return
    assert isinstance(result, list)


def test_deep_nesting_is_read_and_written_without_recursion() -> None:
    depth = 50_000
    line = "[ " * depth + "x " + "] " * depth + "\n"
    tokens = EscapedListMarshalling.demarshall(line)
    assert EscapedListMarshalling.marshall(tokens) == line


def test_a_token_list_that_contains_itself_is_refused() -> None:
    tokens: list[Any] = ["a"]
    tokens.append(["b", tokens])
    with pytest.raises(ValueError, match="cannot contain itself"):
        EscapedListMarshalling.marshall(tokens)
    shared = ["s"]
    assert EscapedListMarshalling.marshall([shared, shared]) == "[ s ] [ s ] \n"


def test_lines_to_tokenlists_skips_a_line_over_its_limit_naming_it(
        caplog: pytest.LogCaptureFixture) -> None:
    assert lines_to_tokenlists().maxlength == 65536
    with caplog.at_level(logging.ERROR, logger=LOGGER):
        sink = run(lines_to_tokenlists(maxlength=10), ["ok \n", "x" * 11, "fine \n"],
                   [producerFinished()])
    assert sink.got == [["ok"], ["fine"]]
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1 and "maxlength=10" in errors[0]
