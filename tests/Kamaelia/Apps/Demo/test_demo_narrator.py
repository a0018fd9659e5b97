"""Tests for Kamaelia.Apps.Demo.narrator: the demo's timestamped, counted lines."""

from __future__ import annotations

import io
from collections import Counter

import pytest

from Kamaelia.Apps.Demo.narrator import Narrator
from componentharness import FakeClock


class FlushCounting(io.StringIO):
    """A StringIO that notes what had been written at each flush."""

    def __init__(self) -> None:
        super().__init__()
        self.flushed: list[str] = []

    def flush(self) -> None:
        self.flushed.append(self.getvalue())
        super().flush()


def test_each_line_is_the_seconds_since_it_was_made_who_what_and_the_text() -> None:
    clock = FakeClock(1000.0)
    out = io.StringIO()
    narrator = Narrator(out, clock=clock)
    narrator.tell("alice", "says", "hello")
    clock.advance(2.26)
    narrator.tell("chat", "relays", "alice: hello")
    clock.advance(120.0)
    narrator.tell("bob", "hears", "alice: hello")
    assert out.getvalue() == ("   0.0s  alice   says    hello\n"
                              "   2.3s  chat    relays  alice: hello\n"
                              " 122.3s  bob     hears   alice: hello\n")


def test_a_line_without_text_has_no_trailing_space_and_long_names_are_kept_whole() -> None:
    clock = FakeClock()
    out = io.StringIO()
    narrator = Narrator(out, clock=clock)
    clock.advance(14.5)
    narrator.tell("carol", "leaves")
    narrator.tell("bartholomew", "joins", "(connects)")
    assert out.getvalue().splitlines() == ["  14.5s  carol   leaves",
                                           "  14.5s  bartholomew joins   (connects)"]


def test_elapsed_is_measured_from_when_the_narrator_was_made() -> None:
    clock = FakeClock(50.0)
    narrator = Narrator(io.StringIO(), clock=clock)
    assert narrator.elapsed() == 0.0
    clock.advance(3.5)
    assert narrator.elapsed() == 3.5


def test_the_lines_are_counted_by_verb() -> None:
    narrator = Narrator(io.StringIO(), clock=FakeClock())
    assert narrator.counts == Counter()
    for who, verb in [("alice", "joins"), ("alice", "says"), ("chat", "relays"),
                      ("alice", "hears"), ("bob", "hears"), ("alice", "leaves")]:
        narrator.tell(who, verb, "x")
    assert narrator.counts == Counter(joins=1, says=1, relays=1, hears=2, leaves=1)


def test_each_line_is_flushed_as_it_is_told() -> None:
    out = FlushCounting()
    narrator = Narrator(out, clock=FakeClock())
    narrator.tell("alice", "says", "one")
    narrator.tell("alice", "says", "two")
    assert out.flushed == ["   0.0s  alice   says    one\n",
                           "   0.0s  alice   says    one\n   0.0s  alice   says    two\n"]


def test_by_default_it_writes_to_standard_output(capsys: pytest.CaptureFixture[str]) -> None:
    Narrator(clock=FakeClock()).tell("dave", "joins")
    assert capsys.readouterr().out == "   0.0s  dave    joins\n"
