"""Tests for Kamaelia.Chassis.PAR: components run side by side."""

from __future__ import annotations

import re

import pytest

from Axon.Box import BoxNotFound
from Axon.Component import component
from Axon.Ipc import producerFinished, shutdownMicroprocess
from Kamaelia.Chassis.PAR import PAR
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.Util.PureTransformer import PureTransformer

from chassis_helpers import (Collector, Emitter, Harness, RunRounds, Stubborn, both_shutdowns,
                             chassisErrors, chassisWarnings, runUntil, watch)


def test_components_run_side_by_side(run_rounds: RunRounds) -> None:
    left, right = Stubborn(), Stubborn()
    par = PAR(left, right).activate()
    run_rounds(10)
    assert left.scheduler is not None and right.scheduler is not None
    assert par.childComponents() == [left, right]
    left.inboxes["release"].append("go")
    run_rounds(10)
    assert par.childComponents() == [right] and not par._isStopped()
    right.inboxes["release"].append("go")
    assert run_rounds(10) is True


def test_the_childrens_output_merges_into_its_outbox() -> None:
    sink = Collector()
    Pipeline(PAR(Emitter(["l1", "l2"]), Emitter(["r1", "r2"])), sink).run()
    assert sorted(sink.got) == ["l1", "l2", "r1", "r2"]
    assert [m for m in sink.got if m[0] == "l"] == ["l1", "l2"]        # each in order


def test_every_message_on_its_inbox_goes_to_every_child_in_order() -> None:
    finisher = producerFinished()
    harness = Harness(PAR(PureTransformer(lambda s: "A" + s), PureTransformer(lambda s: "B" + s)),
                      ["1", "2", "3"], finisher)
    harness.run()
    assert [m for m in harness.got if m[0] == "A"] == ["A1", "A2", "A3"]
    assert [m for m in harness.got if m[0] == "B"] == ["B1", "B2", "B3"]
    assert harness.control == [finisher]


def test_inbox_messages_go_only_to_children_still_running(run_rounds: RunRounds) -> None:
    gone, staying = Stubborn(), Collector()
    par = PAR(gone, staying).activate()
    run_rounds(5)
    gone.inboxes["release"].append("go")
    run_rounds(10)
    par.inboxes["inbox"].append("late")
    run_rounds(10)
    assert staying.got == ["late"]
    assert list(par.outboxes["_child0_inbox"]) == []      # nothing piles up for the dead one


def test_each_child_gets_its_own_private_outbox() -> None:
    a, b = Collector(), Collector()
    par = PAR(a, b)
    assert par.outboxes["_child0_inbox"].sink is a.inboxes["inbox"]
    assert par.outboxes["_child1_inbox"].sink is b.inboxes["inbox"]
    assert "_child0_inbox" not in PAR.Outboxes


def test_it_ends_when_all_children_have_with_producerFinished_on_signal() -> None:
    par = PAR(Emitter(["x"]), Emitter(["y"]))
    outside = watch(par)
    par.run()
    assert len(outside.control) == 1
    assert isinstance(outside.control[0], producerFinished) and outside.control[0].caller is par


# ----------------------------------------------------------------- shutdown
@both_shutdowns
def test_a_shutdown_goes_to_every_child_and_then_out_of_signal(kind: type) -> None:
    a, b = Collector(), Collector()
    par = PAR(a, b)
    outside = watch(par)
    message = kind()
    par.inboxes["inbox"].append("data first")
    par.inboxes["control"].append(message)
    par.run()
    assert a.control == [message] and b.control == [message]
    assert a.got == ["data first"] and b.got == ["data first"]
    assert outside.control == [message]


def test_other_control_messages_go_to_every_child() -> None:
    a, b = Collector(), Collector()
    par = PAR(a, b)
    par.inboxes["control"].append("status?")
    par.inboxes["control"].append(producerFinished())
    par.run()
    assert a.control[0] == "status?" and b.control[0] == "status?"


# ------------------------------------------------- messages it cannot handle
def test_messages_arriving_after_all_children_ended_are_logged(
        run_rounds: RunRounds, caplog: pytest.LogCaptureFixture) -> None:
    only = Stubborn()
    par = PAR(only).activate()
    run_rounds(5)
    only.inboxes["release"].append("go")
    runUntil(run_rounds, only._isStopped)
    par.inboxes["inbox"].append("too late")
    par.inboxes["control"].append("hello?")
    assert run_rounds(10) is True
    assert sorted(chassisErrors(caplog)) == [
        f"{par.name}: dropped 'too late' from its 'inbox' inbox: it arrived after all the "
        "components had ended",
        f"{par.name}: no running child to pass 'hello?' to (it arrived on 'control'); dropped",
    ]


def test_a_child_with_a_full_inbox_is_logged_and_the_others_still_get_the_message(
        run_rounds: RunRounds, caplog: pytest.LogCaptureFixture) -> None:
    full, free = Stubborn(), Collector()
    full.setInboxSize("inbox", 1)
    par = PAR(full, free).activate()
    par.inboxes["inbox"].append("fits")
    par.inboxes["inbox"].append("does not fit")
    run_rounds(10)
    assert free.got == ["fits", "does not fit"]
    assert chassisErrors(caplog) == [f"{par.name}: the inbox of {full.name} is full, so it "
                                     "was not given 'does not fit'"]


def test_a_childs_signal_that_is_no_shutdown_is_logged_as_ignored(
        caplog: pytest.LogCaptureFixture) -> None:
    child = PureTransformer()
    par = PAR(child)
    child.send("odd", "signal")
    par.inboxes["control"].append(shutdownMicroprocess())
    par.run()
    assert chassisWarnings(caplog) == [f"{par.name}: ignored 'odd' from a child's "
                                       "'signal' outbox"]


# --------------------------------------------------------- argument checking
class NoInbox(component):
    Inboxes = ["control"]


def test_a_component_lacking_a_box_is_reported_at_construction() -> None:
    odd = NoInbox()
    with pytest.raises(BoxNotFound, match=re.escape(
            f"PAR linking argument 1: {odd.name} has no inbox 'inbox'")):
        PAR(Emitter([]), odd)


# ---------------------------------------------------------------- 1.14 surface
def test_a_policy_is_accepted_with_a_warning_and_the_default_policy_kept(
        caplog: pytest.LogCaptureFixture) -> None:
    sink = Collector()
    par = PAR(Emitter(["a"]), policy="mine")
    assert par.policy == "mine" and PAR.policy is None
    assert any("policy='mine'" in w and par.name in w for w in chassisWarnings(caplog))
    Pipeline(par, sink).run()
    assert sink.got == ["a"]


def test_it_has_1_14s_spare_outboxes_and_names() -> None:
    import Kamaelia.Chassis.PAR as module
    par = PAR(PureTransformer())
    assert "_co" in par.outboxes and "_cs" in par.outboxes
    assert module.__kamaelia_components__ == (PAR,)
