"""Tests for Kamaelia.Apps.SA.DSL.DataSink: messages collected into a list."""

from __future__ import annotations

from typing import Any, Callable

import pytest

from Axon.Ipc import producerFinished, shutdownMicroprocess
from componentharness import attach, run
from Kamaelia.Apps.SA.DSL import DataSink
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.Util.DataSource import DataSource


def test_collects_a_stream_into_the_list_and_passes_it_on() -> None:
    collected: list[Any] = []
    sink = run(DataSink(collected), [1, 2, 3], [producerFinished()])
    assert collected == [1, 2, 3]
    assert sink.got == [1, 2, 3]
    assert [type(m) for m in sink.control] == [producerFinished]


def test_in_a_pipeline_after_datasource_nothing_is_lost() -> None:
    collected: list[Any] = []
    Pipeline(DataSource(list(range(100))), DataSink(collected)).run()
    assert collected == list(range(100))


def test_any_object_with_append_will_do() -> None:
    class Appender:
        def __init__(self) -> None:
            self.seen: list[Any] = []

        def append(self, item: Any) -> None:
            self.seen.append(item * 2)

    target = Appender()
    run(DataSink(target), [1, 2], [producerFinished()])
    assert target.seen == [2, 4]


def test_pass_thru_false_sends_nothing_on() -> None:
    collected: list[Any] = []
    sink = run(DataSink(collected, pass_thru=False), ["a", "b"], [producerFinished()])
    assert collected == ["a", "b"] and sink.got == []


def test_limit_ends_it_with_producerfinished_and_leaves_the_rest() -> None:
    collected: list[Any] = []
    target = DataSink(collected, limit=2)
    sink = run(target, ["a", "b", "c"])
    assert collected == ["a", "b"]
    assert [type(m) for m in sink.control] == [producerFinished]
    assert sink.control[0].caller is target
    assert list(target.Inbox("inbox")) == ["c"]


def test_limit_reached_with_a_control_message_waiting_passes_that_on() -> None:
    message = producerFinished()
    sink = run(DataSink([], limit=1), ["a", "b"], [message])
    assert sink.control == [message]


def test_shutdownmicroprocess_ends_it_at_once() -> None:
    collected: list[Any] = []
    message = shutdownMicroprocess()
    sink = run(DataSink(collected), ["a", "b"], [message])
    assert collected == [] and sink.control == [message]


def test_any_other_control_message_ends_it_after_what_waits(
        run_rounds: Callable[[int], bool]) -> None:
    collected: list[Any] = []
    target = DataSink(collected)
    target.inboxes["inbox"].append("a")
    target.inboxes["control"].append("stop please")
    sink = attach(target)
    run_rounds(20)
    assert target._isStopped()
    assert collected == ["a"] and sink.control == ["stop please"]


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(TypeError, match=r"outlist must have an append method, not 42"):
        DataSink(42)
    with pytest.raises(ValueError, match=r"limit must be an int >= 0, not -1"):
        DataSink([], limit=-1)
