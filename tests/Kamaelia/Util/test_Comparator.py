"""Tests for Kamaelia.Util.Comparator: compare items from "inA" and "inB" pairwise."""

from __future__ import annotations

import logging
from typing import Any, Callable

import pytest

from Axon.Ipc import producerFinished, shutdownMicroprocess
from Axon.Scheduler import scheduler
from componentharness import Collector, attach, errorsLogged, run
from Kamaelia.Util.Comparator import Comparator

RunRounds = Callable[[int], bool]
SETTLE = 30
LOGGER = "Kamaelia.Util.Comparator"


def compare(a: list[Any], b: list[Any], control: list[Any]) -> tuple[Comparator, Collector]:
    target = Comparator()
    target.inboxes["inA"].extend(a)
    target.inboxes["inB"].extend(b)
    target.inboxes["control"].extend(control)
    sink = attach(target)
    scheduler.run.runThreads()
    return target, sink


def test_sends_whether_each_pair_is_equal_in_arrival_order() -> None:
    _, sink = compare([1, "x", None, [1]], [1, "y", None, [1]], [producerFinished()])
    assert sink.got == [True, False, True, True]


def test_an_item_waits_paused_for_its_partner(run_rounds: RunRounds) -> None:
    target = Comparator()
    sink = attach(target)
    target.inboxes["inA"].extend([1, 2])
    run_rounds(SETTLE)
    assert sink.got == [] and scheduler.run.isThreadPaused(target)
    target.inboxes["inB"].append(1)
    run_rounds(SETTLE)
    assert sink.got == [True]
    target.inboxes["inB"].append(3)
    target.inboxes["control"].append(producerFinished())
    assert run_rounds(SETTLE)
    assert sink.got == [True, False]


@pytest.mark.parametrize("message_class", [producerFinished, shutdownMicroprocess])
def test_shutdown_compares_complete_pairs_logs_the_unmatched_and_passes_it_on(
        message_class: type, caplog: pytest.LogCaptureFixture) -> None:
    stop = message_class()
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        target, sink = compare([1, 2, 3], [1], [stop])
    assert sink.got == [True]
    assert sink.control == [stop] and target._isStopped()
    [record] = [r for r in caplog.records if r.name == LOGGER]
    assert target.name in record.getMessage() and "[2, 3]" in record.getMessage()
    assert "'inA'" in record.getMessage()


def test_a_pair_that_cannot_be_compared_is_logged_and_skipped(
        caplog: pytest.LogCaptureFixture) -> None:
    class Touchy:
        def __eq__(self, other: object) -> bool:
            raise ValueError("do not compare me")

    touchy = Touchy()
    with caplog.at_level(logging.ERROR, logger=LOGGER):
        target, sink = compare([1, touchy, 2], [1, 0, 2], [producerFinished()])
    assert sink.got == [True, True]
    [record] = errorsLogged(caplog, LOGGER)
    assert target.name in record.getMessage() and repr(touchy) in record.getMessage()


def test_other_control_messages_are_logged_and_ignored(
        caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        target, sink = compare(["a"], ["a"], ["just chatting", producerFinished()])
    assert sink.got == [True]
    assert any("just chatting" in r.getMessage() and target.name in r.getMessage()
               for r in caplog.records)


def test_it_has_the_1_14_boxes() -> None:
    assert set(Comparator().inboxes) == {"inA", "inB", "control", "inbox"}    # as in 1.14
    assert set(Comparator().outboxes) == {"outbox", "signal"}


def test_a_subclass_may_override_combine_as_in_1_14() -> None:
    class Difference(Comparator):
        def combine(self, valA: Any, valB: Any) -> Any:
            return valA - valB

    compare = Difference()
    compare.inboxes["inA"].extend([5, 7])
    compare.inboxes["inB"].extend([2, 7])
    sink = run(compare, [], [producerFinished()])
    assert sink.got == [3, 0]


def test_mainBody_compares_one_pair_per_step() -> None:
    compare = Comparator()
    compare.inboxes["inA"].extend([1, 2])
    compare.inboxes["inB"].extend([1, 3])
    assert compare.mainBody() == 1 and list(compare.outboxes["outbox"]) == [True]
    stop = producerFinished()
    compare.inboxes["control"].append(stop)
    assert compare.mainBody() == 0
    assert list(compare.outboxes["outbox"]) == [True, False]
    assert list(compare.outboxes["signal"]) == [stop]


def test_it_has_1_14s_unused_inbox_and_old_name(caplog: pytest.LogCaptureFixture) -> None:
    import Kamaelia.Util.Comparator as module
    assert module.comparator is Comparator and "inbox" in Comparator.Inboxes
    compare = Comparator()
    with caplog.at_level(logging.WARNING, logger="Kamaelia.Util.Comparator"):
        run(compare, ["stray"], [producerFinished()])
    assert any("'stray'" in r.getMessage() for r in caplog.records)
