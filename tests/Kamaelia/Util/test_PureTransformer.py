"""Tests for Kamaelia.Util.PureTransformer: apply a function to every message."""

from __future__ import annotations

import logging
import re
from typing import Any

import pytest

from Axon.Ipc import producerFinished, shutdownMicroprocess
from Axon.Scheduler import scheduler
from componentharness import Collector
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.Util.DataSource import DataSource
from Kamaelia.Util.PureTransformer import PureTransformer



def transform(function: Any, messages: list[Any]) -> Collector:
    """Run ``messages`` through ``PureTransformer(function)``; return the collector."""
    sink = Collector()
    Pipeline(DataSource(messages), PureTransformer(function), sink).run()
    return sink


def test_applies_the_function_to_every_message_in_order() -> None:
    sink = transform(lambda n: n * n, list(range(50)))
    assert sink.got == [n * n for n in range(50)]
    assert [type(m) for m in sink.control] == [producerFinished]


def test_none_results_are_dropped() -> None:
    sink = transform(lambda n: n if n % 2 else None, list(range(10)))
    assert sink.got == [1, 3, 5, 7, 9]


def test_false_results_other_than_none_are_sent() -> None:
    sink = transform(lambda m: m, [0, "", [], False])
    assert sink.got == [0, "", [], False]


def test_without_a_function_messages_pass_unchanged() -> None:
    sink = Collector()
    Pipeline(DataSource(["a", 1]), PureTransformer(), sink).run()
    assert sink.got == ["a", 1]


def test_subclasses_may_override_processMessage() -> None:
    class Shout(PureTransformer):
        def processMessage(self, message: Any) -> Any:
            return message.upper()

    sink = Collector()
    Pipeline(DataSource(["hi"]), Shout(), sink).run()
    assert sink.got == ["HI"]


def test_a_non_callable_function_raises_TypeError_naming_it() -> None:
    with pytest.raises(TypeError, match=re.escape("'not callable'")):
        PureTransformer("not callable")


def test_an_exception_in_the_function_is_logged_and_that_message_skipped(
        caplog: pytest.LogCaptureFixture) -> None:
    # The scheduler re-raises (conftest), so a failure escaping the
    # transformer would fail the run instead of being logged.
    transformer = PureTransformer(int)
    sink = Collector()
    with caplog.at_level(logging.ERROR, logger="Kamaelia.Util.PureTransformer"):
        Pipeline(DataSource(["1", "poison", "4"]), transformer, sink).run()
    assert sink.got == [1, 4]
    assert [type(m) for m in sink.control] == [producerFinished]
    records = [r for r in caplog.records if r.name == "Kamaelia.Util.PureTransformer"]
    assert len(records) == 1
    message = records[0].getMessage()
    assert transformer.name in message and "'poison'" in message
    assert records[0].exc_info is not None
    assert isinstance(records[0].exc_info[1], ValueError)


@pytest.mark.parametrize("message_class", [producerFinished, shutdownMicroprocess])
def test_shutdown_transforms_everything_waiting_then_passes_the_message_on(
        message_class: type) -> None:
    transformer = PureTransformer(str.upper)
    sink = Collector()
    transformer.link((transformer, "outbox"), (sink, "inbox"))
    transformer.link((transformer, "signal"), (sink, "control"))
    message = message_class()
    transformer.inboxes["inbox"].extend(["a", "b", "c"])
    transformer.inboxes["control"].append(message)
    transformer.activate()
    sink.activate()
    scheduler.run.runThreads()
    assert sink.got == ["A", "B", "C"]
    assert sink.control == [message]
    assert transformer._isStopped()


def test_other_control_messages_are_logged_and_ignored(
        caplog: pytest.LogCaptureFixture) -> None:
    transformer = PureTransformer(str.upper)
    sink = Collector()
    transformer.link((transformer, "outbox"), (sink, "inbox"))
    transformer.link((transformer, "signal"), (sink, "control"))
    transformer.inboxes["control"].append("just chatting")
    transformer.inboxes["inbox"].append("x")
    transformer.inboxes["control"].append(producerFinished())
    transformer.activate()
    sink.activate()
    with caplog.at_level(logging.WARNING, logger="Kamaelia.Util.PureTransformer"):
        scheduler.run.runThreads()
    assert sink.got == ["X"]
    assert [type(m) for m in sink.control] == [producerFinished]
    assert any("just chatting" in r.getMessage() for r in caplog.records)


def test_a_subclass_overrides_processMessage_as_in_1_14() -> None:
    class Doubler(PureTransformer):
        def processMessage(self, msg: Any) -> Any:
            return msg * 2

    sink = Collector()
    Pipeline(DataSource([1, 2]), Doubler(), sink).run()
    assert sink.got == [2, 4]


def test_a_subclass_may_send_more_on_shutdown_with_finish() -> None:
    class Trailer(PureTransformer):
        def finish(self) -> list[str]:
            return ["the end"]

    sink = Collector()
    Pipeline(DataSource(["a"]), Trailer(), sink).run()
    assert sink.got == ["a", "the end"]


def test_the_module_lists_its_component() -> None:
    import Kamaelia.Util.PureTransformer as module
    assert module.__kamaelia_components__ == (PureTransformer,)
