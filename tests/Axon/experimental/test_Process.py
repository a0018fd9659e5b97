"""Tests for Axon.experimental.Process and Kamaelia.Chassis.Process: components as processes."""

from __future__ import annotations

import logging
import multiprocessing
import os
import pickle
import re
import signal
from multiprocessing.connection import Connection
from typing import Any, Iterator

import pytest

from Axon.Component import component
from Axon.Ipc import errorInformation, producerFinished, shutdownMicroprocess
from Axon.Scheduler import scheduler
from Axon.experimental._pipes import (FrameDecoder, RemoteComponent, describeExit, dumps,
                                      encodeFrame)
from Axon.experimental.Process import ProcessDied, ProcessWrapComponent, _ChildEnd
from Kamaelia.Chassis.Graphline import Graphline
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.Chassis.Process import ProcessGraphline, ProcessPipeline
from Kamaelia.Util.PureTransformer import PureTransformer

from componentharness import Collector, attach, errorsLogged, run
from process_fixtures import forkserver_started  # noqa: F401 - autouse fixture
from process_helpers import Counter, Deaf, Hasty, Narrow, Relay, Stamp, Tagger

LOGGER = "Axon.experimental.Process"


def openFds() -> set[str]:
    return set(os.listdir("/proc/self/fd"))


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


class Killer(component):
    """Kills, with ``signum``, each process whose id arrives; records what
    reaches "control" and ends on a shutdown message."""

    def __init__(self, signum: int = signal.SIGKILL, **argd: Any) -> None:
        super().__init__(**argd)
        self.signum = signum
        self.killed: list[int] = []
        self.control: list[Any] = []

    def main(self) -> Iterator[Any]:
        while True:
            for pid in self.Inbox("inbox"):
                os.kill(pid, self.signum)
                self.killed.append(pid)
            for message in self.Inbox("control"):
                self.control.append(message)
                if isinstance(message, (producerFinished, shutdownMicroprocess)):
                    return
            self.pause()
            yield 1


def finish(target: component, watcher: component) -> None:
    target.link((target, "outbox"), (watcher, "inbox"))
    target.link((target, "signal"), (watcher, "control"))
    target.activate()
    watcher.activate()
    scheduler.run.runThreads()


# ------------------------------------------------------------------ the framing
def test_frames_come_back_whole_however_the_bytes_are_split() -> None:
    wire = encodeFrame(b"hello") + encodeFrame(b"") + encodeFrame(b"x" * 70_000)
    decoder = FrameDecoder()
    frames = []
    for start in range(0, len(wire), 999):
        decoder.feed(wire[start:start + 999])
        while (frame := decoder.nextFrame()) is not None:
            frames.append(bytes(frame))
    assert frames == [b"hello", b"", b"x" * 70_000]
    assert len(decoder) == 0


def test_a_partial_frame_is_not_a_frame() -> None:
    decoder = FrameDecoder()
    decoder.feed(encodeFrame(b"abcdef")[:-1])
    assert decoder.nextFrame() is None and not decoder.hasFrame()


def test_a_component_inside_a_message_crosses_as_a_stand_in_and_comes_home_as_itself() -> None:
    sender = component()
    message = pickle.loads(dumps(producerFinished(sender, "done")))
    assert message.caller is sender               # back in the process it came from
    elsewhere = RemoteComponent(sender.name, os.getpid() + 1, sender.id)
    assert pickle.loads(dumps(elsewhere)) == elsewhere
    assert sender.name in repr(elsewhere)


@pytest.mark.parametrize("exitcode, text", [(0, "exited normally"), (3, "exited with code 3"),
                                            (-9, "was killed by signal SIGKILL"),
                                            (None, "is still running")])
def test_exits_are_described_in_words(exitcode: int | None, text: str) -> None:
    assert describeExit(exitcode) == text


# --------------------------------------------------------------- normal flow
def test_a_wrapped_component_runs_in_another_process_and_keeps_the_order() -> None:
    sink = run(ProcessWrapComponent(Stamp()), inbox=list(range(2000)),
               control=[producerFinished()])
    assert [message for message, _ in sink.got] == list(range(2000))
    assert {pid for _, pid in sink.got} != {os.getpid()}
    assert len({pid for _, pid in sink.got}) == 1


def test_each_child_of_a_process_pipeline_has_a_process_of_its_own() -> None:
    sink = Collector()
    Pipeline(Counter(500), ProcessPipeline(Stamp(), Stamp()), sink).run()
    assert [first for (first, _), _ in sink.got] == list(range(500))
    pids = {(inner, outer) for (_, inner), outer in sink.got}
    assert len(pids) == 1
    inner, outer = pids.pop()
    assert len({inner, outer, os.getpid()}) == 3


def test_the_wrapper_has_the_boxes_of_the_component_with_their_descriptions() -> None:
    wrapper = ProcessWrapComponent(Tagger("t"))
    assert list(wrapper.Outboxes) == ["outbox", "tagged", "signal"]
    assert wrapper.Outboxes["tagged"] == "(tag, message)"


def test_a_process_graphline_wires_named_children_and_their_own_boxes() -> None:
    sink = Collector()
    graph = ProcessGraphline(
        FIRST=Tagger("first"), SECOND=Tagger("second"),
        linkages={("self", "inbox"): ("FIRST", "inbox"),
                  ("self", "control"): ("FIRST", "control"),
                  ("FIRST", "tagged"): ("SECOND", "inbox"),
                  ("FIRST", "signal"): ("SECOND", "control"),
                  ("SECOND", "tagged"): ("self", "outbox"),
                  ("SECOND", "signal"): ("self", "signal")})
    assert isinstance(graph, Graphline)
    sink = run(graph, inbox=["a", "b"], control=[producerFinished()])
    assert sink.got == [("second", ("first", "a")), ("second", ("first", "b"))]


def test_big_messages_cross_in_both_directions_intact() -> None:
    blocks = [bytes([n]) * 300_000 for n in range(40)]      # 12 MB: many partial writes
    sink = run(ProcessPipeline(Relay(), Relay()), inbox=blocks, control=[producerFinished()])
    assert sink.got == blocks


def test_a_full_inbox_in_the_child_holds_messages_back_without_losing_any() -> None:
    sink = run(ProcessPipeline(Narrow(), Narrow()), inbox=list(range(3000)),
               control=[producerFinished()])
    assert sink.got == list(range(3000))


def test_the_1_14_import_path_gives_the_same_classes() -> None:
    from Axon.experimental import Process as experimental
    assert experimental.ProcessPipeline is ProcessPipeline
    assert experimental.ProcessGraphline is ProcessGraphline
    with pytest.raises(AttributeError, match="ProcessTypo"):
        experimental.ProcessTypo   # noqa: B018


# ------------------------------------------------------ neighbours, directly
def test_messages_between_neighbours_go_straight_from_process_to_process() -> None:
    counter, sink = Counter(500), Collector()
    chassis = ProcessPipeline(Stamp(), Stamp(), Stamp())
    Pipeline(counter, chassis, sink).run()
    assert [message for (((message, _), _), _) in sink.got] == list(range(500))
    pids = {(one, two, three) for (((_, one), two), three) in sink.got}
    assert len(pids) == 1 and len(set(pids.pop()) | {os.getpid()}) == 4
    # Only the ends of the chain cross this process; the middle carries nothing.
    first, middle, last = chassis.components
    assert first.relayed == {"inbox": 500, "control": 1}
    assert middle.relayed == {}
    assert last.relayed == {"outbox": 500, "signal": 1}
    assert all(not box for wrapper in chassis.components
               for box in (*wrapper.inboxes.values(), *wrapper.outboxes.values()))
    # producerFinished passed along the chain, process to process, and came home.
    assert len(sink.control) == 1 and sink.control[0].caller is counter
    assert multiprocessing.active_children() == []


def test_back_pressure_and_big_messages_keep_their_order_across_three_processes() -> None:
    blocks = [bytes([n]) * 300_000 for n in range(40)] + list(range(3000))
    chassis = ProcessPipeline(Narrow(), Relay(), Narrow())
    sink = run(chassis, inbox=blocks, control=[producerFinished()])
    assert sink.got == blocks
    assert chassis.components[1].relayed == {}


def test_a_process_graphline_links_its_children_to_each_other_directly() -> None:
    graph = ProcessGraphline(
        FIRST=Tagger("first"), SECOND=Tagger("second"),
        linkages={("self", "inbox"): ("FIRST", "inbox"),
                  ("self", "control"): ("FIRST", "control"),
                  ("FIRST", "tagged"): ("SECOND", "inbox"),
                  ("FIRST", "signal"): ("SECOND", "control"),
                  ("SECOND", "tagged"): ("self", "outbox"),
                  ("SECOND", "signal"): ("self", "signal")})
    sink = run(graph, inbox=["a"], control=[producerFinished()])
    assert sink.got == [("second", ("first", "a"))]
    assert graph.components["FIRST"].relayed == {"inbox": 1, "control": 1}
    assert graph.components["SECOND"].relayed == {"tagged": 1, "signal": 1}


def test_a_shutdown_passed_on_after_a_neighbour_ended_comes_after_all_it_sent() -> None:
    # Once the first child has ended, a shutdown on the chassis's "control"
    # goes (through the parent) to the second, which ends at once on it; as
    # in a Pipeline, everything the first sent comes before it.
    chassis = ProcessPipeline(Counter(5000), Hasty())
    stop = shutdownMicroprocess()
    chassis.components[0]._callOnCloseDown.append(
        lambda: chassis.inboxes["control"].append(stop))
    sink = attach(chassis)
    scheduler.run.runThreads()
    assert sink.got == list(range(5000))
    assert [type(m) for m in sink.control] == [producerFinished]
    assert multiprocessing.active_children() == []


class Recorder(component):
    """Records what arrives, inbox before control on each turn; ends on
    shutdownMicroprocess."""

    def __init__(self, **argd: Any) -> None:
        super().__init__(**argd)
        self.seen: list[Any] = []

    def main(self) -> Iterator[Any]:
        while True:
            self.seen.extend(self.Inbox("inbox"))
            for message in self.Inbox("control"):
                self.seen.append(type(message))
                if isinstance(message, shutdownMicroprocess):
                    return
            self.pause()
            yield 1


def test_the_child_end_passes_on_a_neighbours_messages_before_the_parents_later_ones() -> None:
    # What the child side of a wrapper does, in this process, with everything
    # already waiting in its pipes: ten batches and producerFinished from a
    # neighbour that has ended, and a shutdown from the parent sent after.
    fromParent, parentEnd = multiprocessing.Pipe(duplex=True)
    readFd, writeFd = os.pipe()
    for n in range(10):
        batch = [("inbox", list(range(10 * n, 10 * n + 10)))]
        os.write(writeFd, encodeFrame(dumps(("data", batch))))
    os.write(writeFd, encodeFrame(dumps(("data", [("control", [producerFinished()])]))))
    os.close(writeFd)
    os.write(fromParent.fileno(),
             encodeFrame(dumps(("data", [("control", [shutdownMicroprocess()])]))))
    recorder = Recorder()
    bridge = _ChildEnd(parentEnd, recorder, inputs=[Connection(readFd, writable=False)])
    bridge.activate()
    try:
        scheduler.run.runThreads()
    finally:
        fromParent.close()
        parentEnd.close()
    assert recorder.seen == [*range(100), producerFinished, shutdownMicroprocess]


# ------------------------------------------------------------------ shutdown
def test_producerFinished_crosses_and_comes_home_as_its_sender() -> None:
    counter, sink = Counter(10), Collector()
    chassis = ProcessPipeline(Relay(), Relay())
    Pipeline(counter, chassis, sink).run()
    assert sink.got == list(range(10))
    assert len(sink.control) == 1 and sink.control[0].caller is counter
    assert chassis._isStopped() and chassis.childComponents() == []


def test_shutdownMicroprocess_on_control_stops_every_child_process() -> None:
    chassis = ProcessPipeline(Relay(), Relay(), Relay())
    stop = shutdownMicroprocess()
    sink = run(chassis, inbox=[1, 2], control=[stop])
    assert sink.got == [1, 2]
    assert [type(m) for m in sink.control] == [shutdownMicroprocess]
    assert sink.control[0].microprocesses() == ()
    assert multiprocessing.active_children() == []


def test_a_finished_run_leaves_no_process_and_no_open_descriptor_behind() -> None:
    before = openFds()
    for _ in range(3):
        sink = Collector()
        Pipeline(Counter(100), ProcessPipeline(Relay(), Stamp(), Relay()), sink).run()
        assert len(sink.got) == 100
    assert multiprocessing.active_children() == []
    assert openFds() == before


class StopsEverything(component):
    """Records the first message to arrive, then stops the scheduler (and so
    closes every component down, as Ctrl-C would)."""

    got: list[Any] = []

    def main(self) -> Iterator[Any]:
        while not self.dataReady("inbox"):
            self.pause()
            yield 1
        self.got = [self.recv("inbox")]
        self.scheduler.stop()
        yield 1


def test_a_wrapper_closed_down_early_terminates_and_joins_its_process() -> None:
    before = openFds()
    wrapper = ProcessWrapComponent(Deaf())
    stopper = StopsEverything()
    wrapper.link((wrapper, "outbox"), (stopper, "inbox"))
    stopper.activate()
    wrapper.run()
    [pid] = stopper.got
    assert wrapper._isStopped()
    assert not alive(pid)
    assert multiprocessing.active_children() == []
    assert openFds() == before


# ------------------------------------------------------------------ failures
def crashed(sink: Collector) -> errorInformation:
    """The chassis signalled errorInformation, then shutdownMicroprocess."""
    assert [type(m) for m in sink.control] == [errorInformation, shutdownMicroprocess]
    report = sink.control[0]
    assert isinstance(report.exception, ProcessDied)
    return report


def test_a_child_that_raises_is_reported_and_the_others_are_shut_down(
        caplog: pytest.LogCaptureFixture) -> None:
    first, second = Relay(), Relay()
    chassis = ProcessPipeline(first, second)
    with caplog.at_level(logging.ERROR, logger=LOGGER):
        sink = run(chassis, inbox=["a", "boom", "b"])
    report = crashed(sink)
    assert report.caller is chassis and sink.control[1].microprocesses() == (chassis,)
    assert sink.got == ["a"]                      # sent before the failure: not lost
    assert "raised ValueError: boom in the child" in report.message
    assert first.name in report.message and second.name not in report.message
    assert "boom in the child" in (report.exception.traceback or "")
    assert any(first.name in r.getMessage() and "Traceback" in r.getMessage()
               for r in errorsLogged(caplog, LOGGER))
    assert chassis._isStopped() and multiprocessing.active_children() == []


def test_kill_9_of_a_child_is_reported_with_the_signal_and_the_chassis_ends(
        caplog: pytest.LogCaptureFixture) -> None:
    victim = Relay()
    chassis = ProcessPipeline(victim, Relay())
    chassis.inboxes["inbox"].append("pid")
    killer = Killer(signal.SIGKILL)
    with caplog.at_level(logging.ERROR, logger=LOGGER):
        finish(chassis, killer)
    assert len(killer.killed) == 1
    assert [type(m) for m in killer.control] == [errorInformation, shutdownMicroprocess]
    report = killer.control[0]
    assert "was killed by signal SIGKILL" in report.message and victim.name in report.message
    assert report.exception.exitcode == -signal.SIGKILL
    assert report.exception.pid == killer.killed[0]
    assert not alive(killer.killed[0])
    assert chassis._isStopped() and multiprocessing.active_children() == []


def test_a_middle_child_that_raises_is_reported_and_its_neighbours_shut_down(
        caplog: pytest.LogCaptureFixture) -> None:
    middle = Relay()
    chassis = ProcessPipeline(PureTransformer(str), middle, Relay())
    with caplog.at_level(logging.ERROR, logger=LOGGER):
        sink = run(chassis, inbox=["a", "boom", "b"])
    report = crashed(sink)
    assert sink.got == ["a"]                      # sent on before the failure: not lost
    assert middle.name in report.message and "boom in the child" in report.message
    assert chassis._isStopped() and multiprocessing.active_children() == []


def test_kill_9_of_a_middle_child_is_reported_and_its_neighbours_shut_down(
        caplog: pytest.LogCaptureFixture) -> None:
    chassis = ProcessPipeline(PureTransformer(str), Relay(), Relay())
    chassis.inboxes["inbox"].append("pid")       # the middle one answers with its pid
    killer = Killer(signal.SIGKILL)
    with caplog.at_level(logging.ERROR, logger=LOGGER):
        finish(chassis, killer)
    assert killer.killed == [chassis.components[1].pid]
    assert [type(m) for m in killer.control] == [errorInformation, shutdownMicroprocess]
    assert killer.control[0].exception.exitcode == -signal.SIGKILL
    assert chassis._isStopped() and multiprocessing.active_children() == []


def test_a_child_exiting_with_an_error_code_is_reported_with_the_code() -> None:
    sink = run(ProcessPipeline(Relay()), inbox=["exit 3"])
    report = crashed(sink)
    assert "exited with code 3" in report.message
    assert report.exception.exitcode == 3


def test_a_standalone_wrapper_signals_its_own_death() -> None:
    wrapper = ProcessWrapComponent(Relay())
    sink = run(wrapper, inbox=["exit 4"])
    report = crashed(sink)
    assert report.caller is wrapper and wrapper.failure is report.exception
    assert sink.control[1].microprocesses() == (wrapper,)


def test_a_survivor_that_ignores_the_shutdown_is_terminated(
        caplog: pytest.LogCaptureFixture) -> None:
    chassis = ProcessPipeline(Relay(), Deaf(), shutdownTimeout=0.2)
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        sink = run(chassis, inbox=["boom"])
    crashed(sink)
    assert any("terminating it" in r.getMessage() for r in caplog.records)
    assert multiprocessing.active_children() == []


# ------------------------------------------------------------ unpicklables
def test_an_unpicklable_message_going_in_is_reported_and_the_rest_arrive_in_order(
        caplog: pytest.LogCaptureFixture) -> None:
    relay = Relay()
    wrapper = ProcessWrapComponent(relay)
    with caplog.at_level(logging.ERROR, logger=LOGGER):
        sink = run(wrapper, inbox=[1, lambda: 2, 3], control=[producerFinished()])
    assert sink.got == [1, 3]
    [record] = errorsLogged(caplog, LOGGER)
    text = record.getMessage()
    assert wrapper.name in text and relay.name in text
    assert "inbox 'inbox'" in text and "type function" in text


def test_an_unpicklable_message_coming_out_is_reported_and_the_rest_arrive_in_order(
        caplog: pytest.LogCaptureFixture) -> None:
    relay = Relay()
    with caplog.at_level(logging.ERROR, logger=LOGGER):
        sink = run(ProcessWrapComponent(relay), inbox=[1, "unpicklable", 3],
                   control=[producerFinished()])
    assert sink.got == [1, 3]
    [record] = errorsLogged(caplog, LOGGER)
    text = record.getMessage()
    assert relay.name in text and "outbox 'outbox'" in text and "type generator" in text


# --------------------------------------------------------- argument checking
def test_a_component_that_cannot_be_pickled_is_refused_at_once() -> None:
    with pytest.raises(TypeError, match=r"cannot run .*PureTransformer.* it cannot be pickled"):
        ProcessWrapComponent(PureTransformer(lambda x: x))


def test_something_that_is_not_a_component_is_refused() -> None:
    with pytest.raises(TypeError, match=re.escape("needs a component, not 'oops'")):
        ProcessWrapComponent("oops")
    with pytest.raises(TypeError, match=re.escape("did you mean Relay()?")):
        ProcessPipeline(Relay)
    with pytest.raises(TypeError, match=re.escape("ProcessGraphline component 'A'")):
        ProcessGraphline(A=3)


def test_a_linked_component_is_refused() -> None:
    relay, sink = Relay(), Collector()
    relay.link((relay, "outbox"), (sink, "inbox"))
    with pytest.raises(ValueError, match="not linked to anything"):
        ProcessWrapComponent(relay)
