"""lines_to_tokenlists: 1.14's quoting rules, malformed lines, shutdown; fuzzed."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from Axon.Introspector import quoted
from Axon.Ipc import producerFinished, shutdownMicroprocess
from Kamaelia.Visualisation.PhysicsGraph.lines_to_tokenlists import (MalformedLine,
                                                                     lines_to_tokenlists,
                                                                     tokenise)

from componentharness import assertBadMessageSkipped, assertShutdownPassesOn, run

LOGGER = "Kamaelia.Visualisation.PhysicsGraph"


@pytest.mark.parametrize("line, tokens", [
    ("ADD NODE 1 one randompos -", ["ADD", "NODE", "1", "one", "randompos", "-"]),
    ("   spaced \t out  ", ["spaced", "out"]),
    ('ADD NODE "1" "first node" auto -', ["ADD", "NODE", "1", "first node", "auto", "-"]),
    ("'single quoted' \"double\"", ["single quoted", "double"]),
    (r'"i replied \"hi\"" "c:\\windows"', ['i replied "hi"', "c:\\windows"]),
    ("'john said \"hi\"'", ['john said "hi"']),
    (r"'it\'s'", ["it's"]),
    (r"c:\temp don't", ["c:\\temp", "don't"]),          # plain tokens keep \ and '
    ('a"b"c', ['a"b"c']),
    ('"" x', ["", "x"]),
    ("", []),
    ("   ", []),
])
def test_tokens_follow_114s_rules(line: str, tokens: list[str]) -> None:
    assert tokenise(line) == tokens


@pytest.mark.parametrize("line, column", [
    ('ADD NODE "never closed', 9),
    ("'one' 'two", 6),
    ('"closed"straight after', 8),
    ('"escaped at the end\\"', 0),
    ('"dangling backslash\\', 0),
])
def test_a_malformed_line_says_where(line: str, column: int) -> None:
    with pytest.raises(MalformedLine) as raised:
        tokenise(line)
    assert raised.value.column == column and raised.value.line == line
    assert repr(line) in str(raised.value)


def test_lines_to_tokenlists_sends_a_list_per_line_and_nothing_for_blank_ones() -> None:
    sink = run(lines_to_tokenlists(), ["DEL ALL", "", "   ", b'ADD NODE 1 "a b" auto -'],
               [producerFinished()])
    assert sink.got == [["DEL", "ALL"], ["ADD", "NODE", "1", "a b", "auto", "-"]]


def test_a_malformed_line_is_logged_and_skipped(caplog: pytest.LogCaptureFixture) -> None:
    record = assertBadMessageSkipped(lines_to_tokenlists, caplog, LOGGER,
                                     ["DEL ALL", 'ADD NODE "x', "DEL ALL"], 'ADD NODE "x',
                                     [["DEL", "ALL"], ["DEL", "ALL"]])
    assert "never closed" in record.getMessage()


def test_a_message_that_is_not_text_is_logged_and_skipped(
        caplog: pytest.LogCaptureFixture) -> None:
    assertBadMessageSkipped(lines_to_tokenlists, caplog, LOGGER, ["a", 42, "b"], 42,
                            [["a"], ["b"]])


@pytest.mark.parametrize("message", [producerFinished, shutdownMicroprocess])
def test_lines_waiting_are_sent_before_the_shutdown_is_passed_on(message: Any) -> None:
    assertShutdownPassesOn(lines_to_tokenlists, message, ["x y", "z"], [["x", "y"], ["z"]])


def test_114s_method_gives_an_empty_list_for_a_malformed_line() -> None:
    component = lines_to_tokenlists()
    assert component.lineToTokens("'open") == []
    assert component.lineToTokens("a 'b c'") == ["a", "b c"]


def quote(token: str) -> str:
    return '"' + token.replace("\\", "\\\\").replace('"', '\\"') + '"'


TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)


@settings(max_examples=300, deadline=None)
@given(st.lists(TEXT, max_size=8), st.sampled_from([" ", "\t", "   "]))
def test_fuzz_quoted_tokens_come_back_as_they_were(tokens: list[str], gap: str) -> None:
    assert tokenise(gap.join(quote(token) for token in tokens)) == tokens


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(st.characters(blacklist_categories=("Cs", "Zs", "Zl", "Zp", "Cc")),
                        min_size=1, max_size=10)
                .filter(lambda word: word[0] not in "\"'" and not any(c.isspace() for c in word)),
                max_size=8))
def test_fuzz_plain_words_split_as_str_split_does(words: list[str]) -> None:
    assert tokenise(" ".join(words)) == " ".join(words).split()


@settings(max_examples=300, deadline=None)
@given(st.text(st.sampled_from(list("ab \t\"'\\")) | st.characters(), max_size=40))
def test_fuzz_any_line_gives_tokens_or_malformed_line_only(line: str) -> None:
    try:
        tokens = tokenise(line)
    except MalformedLine as error:
        assert 0 <= error.column <= len(line)
    else:
        assert all(isinstance(token, str) for token in tokens)
        assert (tokens == []) == (line.strip() == "")


@settings(max_examples=200, deadline=None)
@given(st.lists(TEXT, min_size=1, max_size=4))
def test_fuzz_the_introspectors_quoting_reads_back(values: list[str]) -> None:
    # Axon.Introspector writes ids and names with quoted(); line breaks in
    # them become spaces, everything else survives.
    line = " ".join(["ADD", "NODE", *(quoted(value) for value in values)])
    expected = [v.replace("\r\n", " ").replace("\n", " ").replace("\r", " ") for v in values]
    assert tokenise(line) == ["ADD", "NODE", *expected]


def test_a_logged_malformed_line_names_the_component(caplog: pytest.LogCaptureFixture) -> None:
    component = lines_to_tokenlists()
    with caplog.at_level(logging.ERROR, logger=LOGGER):
        run(component, ["'"], [producerFinished()])
    assert component.name in caplog.text
