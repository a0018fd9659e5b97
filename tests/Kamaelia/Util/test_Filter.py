"""Tests for Kamaelia.Util.Filter: Filter and NullFilter."""

from __future__ import annotations

import logging
import re
from typing import Any

import pytest

from Axon.Ipc import producerFinished, shutdownMicroprocess
from componentharness import (assertBadMessageSkipped, assertShutdownPassesOn,
                              assertUnexpectedControlIgnored, run)
from Kamaelia.Util.Filter import Filter, NullFilter


class EvenOnly:
    def filter(self, n: int) -> int | None:
        return n * 10 if n % 2 == 0 else None


class RunningTotal:
    def __init__(self) -> None:
        self.total = 0

    def filter(self, n: int) -> int:
        self.total += n
        return self.total


def test_sends_what_the_filter_returns_and_drops_None() -> None:
    sink = run(Filter(filter=EvenOnly()), list(range(6)), [producerFinished()])
    assert sink.got == [0, 20, 40]


def test_false_results_other_than_None_are_sent() -> None:
    class Same:
        def filter(self, m: Any) -> Any:
            return m

    assert run(Filter(Same()), [0, "", [], False], [producerFinished()]).got == [0, "", [],
                                                                                 False]


def test_the_filter_may_keep_state_between_messages() -> None:
    assert run(Filter(RunningTotal()), [1, 2, 3], [producerFinished()]).got == [1, 3, 6]


def test_the_default_is_a_NullFilter_that_passes_everything() -> None:
    target = Filter()
    assert isinstance(target.filter, NullFilter)
    assert run(target, ["a", None, 1], [producerFinished()]).got == ["a", 1]
    assert NullFilter().filter("x") == "x"


def test_a_message_the_filter_raises_on_is_logged_and_skipped(
        caplog: pytest.LogCaptureFixture) -> None:
    assertBadMessageSkipped(lambda: Filter(EvenOnly()), caplog, "Kamaelia.Util.Filter",
                            [2, "two", 4], "two", [20, 40])


@pytest.mark.parametrize("message_class", [producerFinished, shutdownMicroprocess])
def test_shutdown_filters_what_waits_then_passes_the_message_on(message_class: type) -> None:
    assertShutdownPassesOn(lambda: Filter(EvenOnly()), message_class, [1, 2], [20])


def test_other_control_messages_are_logged_and_ignored(
        caplog: pytest.LogCaptureFixture) -> None:
    assertUnexpectedControlIgnored(lambda: Filter(EvenOnly()), caplog, [2], [20])


@pytest.mark.parametrize("bad", [len, "filter", 3])
def test_a_filter_without_a_filter_method_raises_TypeError_naming_it(bad: Any) -> None:
    with pytest.raises(TypeError, match=re.escape(repr(bad))):
        Filter(bad)


class Pairs:
    """Joins messages in pairs; on 1.14's flush call ("") hands over a lone one."""

    def __init__(self) -> None:
        self.held: list[str] = []

    def filter(self, newtext: str) -> str | None:
        if newtext == "":
            if not self.held:
                return None
            return self.held.pop()
        self.held.append(newtext)
        if len(self.held) < 2:
            return None
        pair, self.held = "+".join(self.held), []
        return pair


def test_on_shutdown_the_filter_is_flushed_as_in_1_14() -> None:
    sink = run(Filter(Pairs()), ["a", "b", "c"], [producerFinished()])
    assert sink.got == ["a+b", "c"]


def test_the_default_filter_passes_everything_and_flushing_it_ends() -> None:
    sink = run(Filter(), ["a", "", 0], [producerFinished()])
    assert sink.got == ["a", "", 0]


def test_a_subclass_may_override_closeDownComponent() -> None:
    class Trailer(Filter):
        def closeDownComponent(self) -> None:
            self.send("the end", "outbox")

    assert run(Trailer(), ["a"], [producerFinished()]).got == ["a", "the end"]


def test_mainBody_does_one_step_of_1_14s_loop() -> None:
    target = Filter(Pairs())
    target.inboxes["inbox"].extend(["a", "b"])
    assert target.mainBody() == 1 and list(target.outboxes["outbox"]) == []
    assert target.mainBody() == 1 and list(target.outboxes["outbox"]) == ["a+b"]
    stop = producerFinished()
    target.inboxes["control"].append(stop)
    assert target.mainBody() == 0 and list(target.outboxes["signal"]) == [stop]


def test_FilterComponent_and_NullFilter_keep_1_14s_names() -> None:
    import Kamaelia.Util.Filter as module
    from Kamaelia.Util.FilterComponent import FilterComponent
    assert module.FilterComponent is Filter is FilterComponent
    assert NullFilter().filter(newtext="x") == "x"
    assert module.__kamaelia_components__ == (Filter,)


def test_a_filter_that_never_ends_its_flush_is_stopped_and_logged(
        caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    import Kamaelia.Util.Filter as module
    monkeypatch.setattr(module, "FLUSH_LIMIT", 5)

    class Forever:
        def filter(self, newtext: str) -> str:
            return "again"

    with caplog.at_level(logging.ERROR, logger="Kamaelia.Util.Filter"):
        sink = run(Filter(Forever()), [], [producerFinished()])
    assert sink.got == ["again"] * 5
    assert any("after 5 flushes" in r.getMessage() for r in caplog.records)
