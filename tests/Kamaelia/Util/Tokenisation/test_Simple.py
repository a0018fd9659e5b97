"""Tests for Kamaelia.Util.Tokenisation.Simple: lines <-> lists of tokens."""

from __future__ import annotations

from typing import Any

import pytest

from Axon.Ipc import producerFinished, shutdownMicroprocess
from componentharness import (assertBadMessageSkipped, assertShutdownPassesOn,
                              assertUnexpectedControlIgnored, run)
from Kamaelia.Util.Tokenisation.Simple import (lines_to_tokenlists, tokenise,
                                               tokenlists_to_lines, untokenise)

LOGGER = "Kamaelia.Util.Tokenisation.Simple"


# ------------------------------------------------------------------ tokenise
@pytest.mark.parametrize("line,tokens", [
    ("ADD NODE 1 first\n", ["ADD", "NODE", "1", "first"]),
    ("  spaced \t out  ", ["spaced", "out"]),
    ("", []),
    (" \n", []),
    ('"two words" x', ["two words", "x"]),
    ("'single quoted' y", ["single quoted", "y"]),
    ('""', [""]),
    (r'"say \"hi\"" "back\\slash"', ['say "hi"', "back\\slash"]),
    (r"'it\'s'", ["it's"]),
    ("don't x\\y a\"b", ["don't", "x\\y", 'a"b']),
    ('"multi\nline"', ["multi\nline"]),
])
def test_tokenise_follows_the_documented_rules(line: str, tokens: list[str]) -> None:
    assert tokenise(line) == tokens


@pytest.mark.parametrize("line,problem", [
    ('a "unterminated', "unterminated quote at column 2"),
    ("'never closed", "unterminated quote at column 0"),
    ('"closed"straight after', "text straight after the closing quote at column 8"),
])
def test_tokenise_rejects_bad_quoting_naming_the_column(line: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        tokenise(line)


def test_untokenise_quotes_only_what_needs_it() -> None:
    assert untokenise(["plain", "two words", "", '"q', "'s", "back\\slash"]) == \
        'plain "two words" "" "\\"q" "\'s" back\\slash'


def test_untokenise_writes_other_values_with_str() -> None:
    assert untokenise(["MOVE", 3, 1.5, None]) == "MOVE 3 1.5 None"


@pytest.mark.parametrize("tokens", [
    ["a"], [""], ["", ""], ["with space", "tab\there"], ['"', "'", "\\", '\\"'],
    ['end\\', 'x"y', "new\nline"], ["héllo wörld", "ü"],
])
def test_tokenise_reads_back_what_untokenise_wrote(tokens: list[str]) -> None:
    assert tokenise(untokenise(tokens)) == tokens


# ------------------------------------------------------------- components
def test_lines_to_tokenlists_sends_a_list_of_tokens_per_line() -> None:
    sink = run(lines_to_tokenlists(), ['ADD NODE 1 "first node"\n', "\n", "DEL ALL\n"],
               [producerFinished()])
    assert sink.got == [["ADD", "NODE", "1", "first node"], [], ["DEL", "ALL"]]


def test_tokenlists_to_lines_sends_one_line_per_list() -> None:
    sink = run(tokenlists_to_lines(), [["ADD", "NODE", "first node"], (), ("x", 1)],
               [producerFinished()])
    assert sink.got == ['ADD NODE "first node"\n', "\n", "x 1\n"]


@pytest.mark.parametrize("bad", ['bad "quote\n', b"bytes line\n", None])
def test_lines_that_cannot_be_tokenised_are_logged_and_skipped(
        bad: Any, caplog: pytest.LogCaptureFixture) -> None:
    assertBadMessageSkipped(lines_to_tokenlists, caplog, LOGGER, ["a\n", bad, "b c\n"], bad,
                            [["a"], ["b", "c"]])


@pytest.mark.parametrize("bad", ["not a list", 5, {"a": 1}])
def test_token_lists_that_are_not_lists_are_logged_and_skipped(
        bad: Any, caplog: pytest.LogCaptureFixture) -> None:
    assertBadMessageSkipped(tokenlists_to_lines, caplog, LOGGER, [["a"], bad, ["b"]], bad,
                            ["a\n", "b\n"])


@pytest.mark.parametrize("message_class", [producerFinished, shutdownMicroprocess])
def test_shutdown_handles_what_is_waiting_then_passes_the_message_on(
        message_class: type) -> None:
    assertShutdownPassesOn(lines_to_tokenlists, message_class, ["a b\n"], [["a", "b"]])
    assertShutdownPassesOn(tokenlists_to_lines, message_class, [["a", "b"]], ["a b\n"])


def test_other_control_messages_are_logged_and_ignored(
        caplog: pytest.LogCaptureFixture) -> None:
    assertUnexpectedControlIgnored(lines_to_tokenlists, caplog, ["x\n"], [["x"]])
    assertUnexpectedControlIgnored(tokenlists_to_lines, caplog, [["x"]], ["x\n"])
