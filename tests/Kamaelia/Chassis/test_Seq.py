"""Tests for Kamaelia.Chassis.Seq: components run one after another."""

from __future__ import annotations

import re
from typing import Any, Iterator

import pytest

from Axon.Box import BoxNotFound
from Axon.Component import component
from Axon.Ipc import producerFinished, shutdownMicroprocess
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.Chassis.Seq import Seq
from Kamaelia.Util.PureTransformer import PureTransformer

from chassis_helpers import (Collector, Emitter, Harness, RunRounds, Stubborn, both_shutdowns,
                             chassisErrors, chassisWarnings, runUntil, watch)


class TakeOne(component):
    """Takes one message from "inbox", sends it on tagged, and ends."""

    def __init__(self, tag: str, **argd: Any) -> None:
        super().__init__(**argd)
        self.tag = tag

    def main(self) -> Iterator[Any]:
        while not self.dataReady("inbox"):
            self.pause()
            yield 1
        self.send(f"{self.tag}: {self.recv('inbox')}", "outbox")


def test_components_run_one_after_another_in_order() -> None:
    sink = Collector()
    Pipeline(Seq(Emitter([1, 2, 3]), Emitter([4]), Emitter([5, 6])), sink).run()
    assert sink.got == [1, 2, 3, 4, 5, 6]


def test_only_one_component_runs_at_a_time(run_rounds: RunRounds) -> None:
    first, second = Stubborn(), Emitter(["second"])
    seq = Seq(first, second).activate()
    run_rounds(20)
    assert seq.childComponents() == [first]
    assert second.scheduler is None                     # not even activated yet
    first.inboxes["release"].append("go")
    assert run_rounds(50) is True
    assert list(seq.outboxes["outbox"]) == ["second"]


def test_each_component_gets_the_seqs_inbox_while_it_runs() -> None:
    finisher = producerFinished()
    harness = Harness(Seq(TakeOne("first"), TakeOne("second"), Collector()),
                      ["a", "b", "c", "d"], finisher)
    harness.run()
    assert harness.got == ["first: a", "second: b"]
    assert harness.control == [finisher]


def test_data_arriving_between_components_waits_for_the_next(run_rounds: RunRounds) -> None:
    first, second = Stubborn(), TakeOne("second")
    seq = Seq(first, second).activate()
    run_rounds(10)
    first.inboxes["release"].append("go")
    runUntil(run_rounds, first._isStopped)
    seq.inboxes["inbox"].append("between")
    assert run_rounds(50) is True
    assert list(seq.outboxes["outbox"]) == ["second: between"]


def test_it_sends_producerFinished_after_the_last_component() -> None:
    seq = Seq(Emitter(["only"]))
    outside = watch(seq)
    seq.run()
    assert outside.got == ["only"]
    assert len(outside.control) == 1
    assert isinstance(outside.control[0], producerFinished) and outside.control[0].caller is seq


# ----------------------------------------------------------------- shutdown
@both_shutdowns
def test_a_shutdown_stops_the_current_component_and_skips_the_rest(
        run_rounds: RunRounds, kind: type) -> None:
    current, rest = Collector(), Emitter(["never"])
    seq = Seq(current, rest).activate()
    run_rounds(10)
    message = kind()
    seq.inboxes["control"].append(message)
    assert run_rounds(50) is True
    assert current.control == [message]
    assert rest.scheduler is None
    assert list(seq.outboxes["signal"]) == [message]
    assert list(seq.outboxes["outbox"]) == []


def test_a_shutdown_waiting_when_a_component_ends_stops_the_next_starting(
        run_rounds: RunRounds) -> None:
    first, rest = Stubborn(), Emitter(["never"])
    seq = Seq(first, rest).activate()
    run_rounds(10)
    message = shutdownMicroprocess()
    seq.inboxes["control"].append(message)             # passed to Stubborn, ignored
    run_rounds(10)
    seq.inboxes["control"].append(message)
    first.inboxes["release"].append("go")              # ... which now ends
    assert run_rounds(50) is True
    assert rest.scheduler is None
    assert list(seq.outboxes["signal"]) == [message]


def test_other_control_messages_go_to_the_current_component(run_rounds: RunRounds) -> None:
    current = Collector()
    seq = Seq(current).activate()
    run_rounds(5)
    seq.inboxes["control"].append("status?")
    seq.inboxes["control"].append(producerFinished())
    assert run_rounds(50) is True
    assert current.control[0] == "status?"


def test_control_messages_waiting_before_the_first_component_starts_are_not_lost(
        run_rounds: RunRounds, caplog: pytest.LogCaptureFixture) -> None:
    never = Collector()
    seq = Seq(never)
    seq.inboxes["control"].append("status?")
    seq.inboxes["control"].append(shutdownMicroprocess())
    seq.activate()
    assert run_rounds(10) is True
    assert never.scheduler is None
    assert chassisErrors(caplog) == [f"{seq.name}: no running child to pass 'status?' to "
                                     "(it arrived on 'control'); dropped"]


# ------------------------------------------------- messages it cannot handle
def test_data_arriving_after_the_last_component_ended_is_logged(
        run_rounds: RunRounds, caplog: pytest.LogCaptureFixture) -> None:
    last = Stubborn()
    seq = Seq(last).activate()
    run_rounds(5)
    last.inboxes["release"].append("go")
    runUntil(run_rounds, last._isStopped)
    seq.inboxes["inbox"].append("unread")
    assert run_rounds(50) is True
    assert chassisErrors(caplog) == [f"{seq.name}: dropped 'unread' from its 'inbox' inbox: "
                                     "it arrived after the last component ran"]


def test_a_childs_signal_that_is_no_shutdown_is_logged_as_ignored(
        run_rounds: RunRounds, caplog: pytest.LogCaptureFixture) -> None:
    child = PureTransformer()
    seq = Seq(child).activate()
    run_rounds(5)
    child.send("odd", "signal")
    seq.inboxes["control"].append(producerFinished())
    assert run_rounds(50) is True
    assert chassisWarnings(caplog) == [f"{seq.name}: ignored 'odd' from a child's "
                                       "'signal' outbox"]


# --------------------------------------------------------- argument checking
class NoSignal(component):
    Outboxes = ["outbox"]


def test_a_component_lacking_a_box_is_reported_at_construction() -> None:
    odd = NoSignal()
    with pytest.raises(BoxNotFound, match=re.escape(
            f"Seq argument 1: {odd.name} has no outbox 'signal'")):
        Seq(Emitter([]), odd)


# ---------------------------------------------------------------- 1.14's strings
class Printing(component):
    """Prints its word, then ends."""

    def __init__(self, word: str) -> None:
        super().__init__()
        self.word = word

    def main(self) -> Iterator[Any]:
        print(self.word)
        yield 1


def test_strings_in_the_sequence_are_printed_in_their_turn(
        capsys: pytest.CaptureFixture[str]) -> None:
    seq = Seq("BEGIN", Printing("one"), "MIDDLE", Printing("two"), "END")
    watcher = watch(seq)
    seq.run()
    assert capsys.readouterr().out == "BEGIN\none\nMIDDLE\ntwo\nEND\n"
    assert [type(m) for m in watcher.control] == [producerFinished]
    assert seq.sequence[0] == "BEGIN" and len(seq.components) == 2


def test_the_module_has_1_14s_names() -> None:
    import Kamaelia.Chassis.Seq as module
    assert module.__kamaelia_components__ == (Seq,)
