"""Tests for Kamaelia.Util.Introspector: the live topology as a stream of changes."""

from __future__ import annotations

import logging
import re
import shlex
from typing import Any, Callable

import pytest

from Axon.AdaptiveCommsComponent import AdaptiveCommsComponent
from Axon.Component import component
from Axon.Ipc import producerFinished, shutdownMicroprocess
from Axon.Scheduler import scheduler
from componentharness import Collector, attach
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.Util.Introspector import Introspector

RunRounds = Callable[[int], bool]
SETTLE = 30


class Idle(component):
    """Runs, paused, until stopped."""

    def main(self) -> Any:
        while True:
            self.pause()
            yield 1


def lines(sink: Collector) -> list[list[str]]:
    """Everything the introspector sent so far, each line split into tokens; consumed."""
    assert all(line.endswith("\n") for line in sink.got)
    found = [shlex.split(line) for line in sink.got]
    sink.got.clear()
    return found


def watch(run_rounds: RunRounds) -> tuple[Introspector, Collector]:
    """An Introspector (looking only when asked) and the Collector of its output."""
    spy = Introspector(interval=None)
    sink = attach(spy)
    run_rounds(SETTLE)
    return spy, sink


def look(spy: Introspector, sink: Collector, run_rounds: RunRounds) -> list[list[str]]:
    spy.inboxes["inbox"].append("look")
    run_rounds(SETTLE)
    return lines(sink)


def test_it_starts_with_DEL_ALL_then_adds_every_running_component_with_its_boxes(
        run_rounds: RunRounds) -> None:
    spy, sink = watch(run_rounds)
    output = lines(sink)
    assert output[0] == ["DEL", "ALL"]
    i = str(spy.id)
    assert ["ADD", "NODE", i, spy.name, "randompos", "component"] in output
    assert ["ADD", "NODE", f"{i}.i.inbox", "inbox", "randompos", "inbox"] in output
    assert ["ADD", "NODE", f"{i}.o.signal", "signal", "randompos", "outbox"] in output
    assert ["ADD", "LINK", i, f"{i}.o.outbox"] in output
    assert ["ADD", "LINK", f"{i}.o.outbox", f"{sink.id}.i.inbox"] in output    # a linkage
    nodes = [line[2] for line in output if line[:2] == ["ADD", "NODE"]]
    assert nodes.index(i) < nodes.index(f"{i}.i.inbox")        # component before boxes
    last_node = max(n for n, line in enumerate(output) if line[:2] == ["ADD", "NODE"])
    first_link = min(n for n, line in enumerate(output) if line[:2] == ["ADD", "LINK"])
    assert last_node < first_link                              # nodes before links


def test_only_changes_are_reported_when_it_looks_again(run_rounds: RunRounds) -> None:
    spy, sink = watch(run_rounds)
    lines(sink)
    assert look(spy, sink, run_rounds) == []
    newcomer = Idle().activate()
    output = look(spy, sink, run_rounds)
    n = str(newcomer.id)
    assert ["ADD", "NODE", n, newcomer.name, "randompos", "component"] in output
    assert {line[2] for line in output if line[:2] == ["ADD", "NODE"]} == {
        n, f"{n}.i.inbox", f"{n}.i.control", f"{n}.o.outbox", f"{n}.o.signal"}


def test_a_component_that_ends_is_removed_links_first_boxes_before_it(
        run_rounds: RunRounds) -> None:
    spy, sink = watch(run_rounds)
    leaver, other = Idle(), Idle()
    leaver.link((leaver, "outbox"), (other, "inbox"))
    leaver.activate()
    other.activate()
    output = look(spy, sink, run_rounds)
    l, o = str(leaver.id), str(other.id)
    assert ["ADD", "LINK", f"{l}.o.outbox", f"{o}.i.inbox"] in output
    leaver.stop()
    run_rounds(SETTLE)                   # stop() takes effect at the end of a round
    output = look(spy, sink, run_rounds)
    assert output[0][:2] == ["DEL", "LINK"]
    assert ["DEL", "LINK", f"{l}.o.outbox", f"{o}.i.inbox"] in output
    assert ["DEL", "LINK", l, f"{l}.i.inbox"] in output
    deleted = [line[2] for line in output if line[:2] == ["DEL", "NODE"]]
    assert deleted[-1] == l and set(deleted[:-1]) == {
        f"{l}.i.inbox", f"{l}.i.control", f"{l}.o.outbox", f"{l}.o.signal"}
    assert all(line[0] == "DEL" for line in output)


def test_passthrough_linkages_go_inbox_to_inbox_and_outbox_to_outbox(
        run_rounds: RunRounds) -> None:
    spy, sink = watch(run_rounds)
    child = Idle()
    parent = Pipeline(child).activate()
    output = look(spy, sink, run_rounds)
    p, c = parent.id, child.id
    assert ["ADD", "LINK", f"{p}.i.inbox", f"{c}.i.inbox"] in output
    assert ["ADD", "LINK", f"{c}.o.signal", f"{p}.o.signal"] in output


def test_linkages_to_components_that_are_not_running_are_not_shown(
        run_rounds: RunRounds) -> None:
    spy, sink = watch(run_rounds)
    running, never = Idle(), Idle()
    running.link((running, "outbox"), (never, "inbox"))
    running.activate()
    output = look(spy, sink, run_rounds)
    assert not any(str(never.id) in token for line in output for token in line)


def test_odd_box_names_are_quoted(run_rounds: RunRounds) -> None:
    class IdleAdaptive(AdaptiveCommsComponent):
        main = Idle.main

    spy, sink = watch(run_rounds)
    odd = IdleAdaptive()
    quoted = 'say "hi" \\ bye'
    odd.addInbox("my box")
    odd.addOutbox(quoted)
    odd.activate()
    spy.inboxes["inbox"].append("look")
    run_rounds(SETTLE)
    i = odd.id
    assert f'ADD NODE "{i}.i.my box" "my box" randompos inbox\n' in sink.got
    assert (f'ADD NODE "{i}.o.say \\"hi\\" \\\\ bye" "say \\"hi\\" \\\\ bye" '
            "randompos outbox\n") in sink.got
    output = lines(sink)                 # and the quoting reads back with shlex
    assert ["ADD", "NODE", f"{i}.i.my box", "my box", "randompos", "inbox"] in output
    assert ["ADD", "NODE", f"{i}.o.{quoted}", quoted, "randompos", "outbox"] in output


def test_with_an_interval_it_looks_again_when_its_timer_fires(run_rounds: RunRounds) -> None:
    spy = Introspector(interval=30)
    sink = attach(spy)
    run_rounds(SETTLE)
    lines(sink)
    timer = spy._runstate.timer          # the pending pause(30) wake-up
    assert timer is not None and scheduler.run.isThreadPaused(spy)
    newcomer = Idle().activate()
    run_rounds(SETTLE)
    assert lines(sink) == []                         # not looked yet
    timer.callback(*timer.args)                      # as if 30 s had passed
    run_rounds(SETTLE)
    assert ["ADD", "NODE", str(newcomer.id), newcomer.name, "randompos",
            "component"] in lines(sink)
    assert spy._runstate.timer is not None           # and it waits again


@pytest.mark.parametrize("message_class", [producerFinished, shutdownMicroprocess])
def test_shutdown_reports_a_last_look_then_passes_the_message_on(
        message_class: type, run_rounds: RunRounds) -> None:
    spy, sink = watch(run_rounds)
    lines(sink)
    newcomer = Idle().activate()
    stop = message_class()
    spy.inboxes["control"].append(stop)
    run_rounds(SETTLE)
    assert ["ADD", "NODE", str(newcomer.id), newcomer.name, "randompos",
            "component"] in lines(sink)
    assert sink.control == [stop] and spy._isStopped()


def test_other_control_messages_are_logged_and_ignored(
        run_rounds: RunRounds, caplog: pytest.LogCaptureFixture) -> None:
    spy, sink = watch(run_rounds)
    with caplog.at_level(logging.WARNING):
        spy.inboxes["control"].append("just chatting")
        run_rounds(SETTLE)
    assert not spy._isStopped() and sink.control == []
    assert any("just chatting" in r.getMessage() and spy.name in r.getMessage()
               for r in caplog.records)


@pytest.mark.parametrize("interval,error", [(0, ValueError), (-1, ValueError),
                                            ("1", TypeError), (True, TypeError)])
def test_a_bad_interval_raises_naming_it(interval: Any, error: type) -> None:
    with pytest.raises(error, match=re.escape(repr(interval))):
        Introspector(interval=interval)
