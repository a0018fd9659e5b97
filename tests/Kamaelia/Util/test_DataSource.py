"""Tests for Kamaelia.Util.DataSource: DataSource and TriggeredSource."""

from __future__ import annotations

from typing import Any, Iterator

import pytest

from Axon.Component import component
from Axon.Ipc import producerFinished, shutdownMicroprocess
from Axon.Scheduler import scheduler
from componentharness import Collector
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.Util.DataSource import DataSource, TriggeredSource



# --------------------------------------------------------------- DataSource
def test_datasource_sends_each_message_in_order_then_producerFinished() -> None:
    source = DataSource(["a", 1, None, ("t",)])
    sink = Collector()
    Pipeline(source, sink).run()
    assert sink.got == ["a", 1, None, ("t",)]
    assert len(sink.control) == 1
    assert isinstance(sink.control[0], producerFinished)
    assert sink.control[0].caller is source
    assert source._isStopped()


def test_datasource_takes_any_iterable() -> None:
    sink = Collector()
    Pipeline(DataSource(x * x for x in range(5)), sink).run()
    assert sink.got == [0, 1, 4, 9, 16]


def test_datasource_with_no_messages_sends_only_producerFinished() -> None:
    sink = Collector()
    Pipeline(DataSource([]), sink).run()
    assert sink.got == []
    assert [type(m) for m in sink.control] == [producerFinished]


@pytest.mark.parametrize("message_class", [producerFinished, shutdownMicroprocess])
def test_datasource_stopped_before_it_starts_sends_nothing_and_passes_the_message_on(
        message_class: type) -> None:
    source = DataSource(["never sent"])
    sink = Collector()
    message = message_class()
    source.inboxes["control"].append(message)
    Pipeline(source, sink).run()
    assert sink.got == []
    assert sink.control == [message]


def test_datasource_stops_early_on_shutdownMicroprocess() -> None:
    stop = shutdownMicroprocess()

    def messages() -> Iterator[int]:
        yield 1
        yield 2
        source.inboxes["control"].append(stop)    # arrives while it is working
        yield 3
        yield 4

    source = DataSource(messages())
    sink = Collector()
    Pipeline(source, sink).run()
    assert sink.got == [1, 2]
    assert sink.control == [stop]


# ---------------------------------------------------------- TriggeredSource
def test_triggeredsource_sends_its_message_once_per_trigger() -> None:
    trigger = TriggeredSource("ding")
    sink = Collector()
    trigger.inboxes["inbox"].extend(["any", 2, None])
    finisher = producerFinished()
    trigger.inboxes["control"].append(finisher)
    Pipeline(trigger, sink).run()
    assert sink.got == ["ding", "ding", "ding"]
    assert sink.control == [finisher]


def test_triggeredsource_waits_for_triggers_until_shut_down() -> None:
    trigger = TriggeredSource("ding")
    sink = Collector()

    class Driver(component):
        def main(self) -> Iterator[Any]:
            for _ in range(2):
                self.send("go", "outbox")
                yield 1
                yield 1
            self.send(shutdownMicroprocess(), "signal")

    driver = Driver()
    p = Pipeline(driver, trigger, sink)
    p.run()
    assert sink.got == ["ding", "ding"]
    assert [type(m) for m in sink.control] == [shutdownMicroprocess]
    assert trigger._isStopped()
    assert scheduler.run.listAllThreads() == []


def test_TriggeredSource_is_a_PureTransformer_as_in_1_14() -> None:
    import Kamaelia.Util.DataSource as module
    from Kamaelia.Util.PureTransformer import PureTransformer
    trigger = TriggeredSource(msg="ding")
    assert isinstance(trigger, PureTransformer) and trigger.msg == "ding"
    assert module.__kamaelia_prefabs__ == (TriggeredSource,)
    assert module.__kamaelia_components__ == (DataSource,)
