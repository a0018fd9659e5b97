"""Tests for the parts of Axon.experimental.Process that Kamaelia 1.14 named:
``ProcessPipelineComponent`` and ``ProcessWrapComponent.run(channel)`` /
``ticking()``."""

from __future__ import annotations

import logging
import multiprocessing
import os
import pickle
from typing import Any

import pytest

from Axon.Ipc import errorInformation, producerFinished, shutdownMicroprocess
from Axon.experimental._pipes import FrameDecoder, dumps, encodeFrame, processContext
from Axon.experimental.Process import ProcessPipelineComponent, ProcessWrapComponent
from Kamaelia.Chassis.Pipeline import Pipeline

from componentharness import Collector, run
from process_fixtures import forkserver_started  # noqa: F401 - autouse fixture
from process_helpers import Counter, Relay, Stamp

#: Upper bound for any wait; reaching it means the behaviour under test is broken.
PATIENCE = 30.0


def test_process_pipeline_component_runs_each_stage_in_its_own_process() -> None:
    sink = Collector()
    chassis = ProcessPipelineComponent(Stamp(), Stamp())
    Pipeline(Counter(300), chassis, sink).run()
    assert [first for (first, _), _ in sink.got] == list(range(300))
    inner, outer = {(inner, outer) for (_, inner), outer in sink.got}.pop()
    assert len({inner, outer, os.getpid()}) == 3
    # From one stage to the next directly, not through this process.
    assert [dict(stage.relayed) for stage in chassis.stages] == [
        {"inbox": 300, "control": 1}, {"outbox": 300, "signal": 1}]
    assert isinstance(sink.control[0], producerFinished)
    assert multiprocessing.active_children() == []


def test_process_pipeline_component_reports_a_dead_stage_and_ends(
        caplog: pytest.LogCaptureFixture) -> None:
    chassis = ProcessPipelineComponent(Relay(), Relay())
    with caplog.at_level(logging.ERROR, logger="Axon.experimental.Process"):
        sink = run(chassis, inbox=["a", "boom", "b"])
    assert sink.got == ["a"]
    assert [type(m) for m in sink.control] == [errorInformation, shutdownMicroprocess]
    assert sink.control[0].caller is chassis
    assert "boom in the child" in sink.control[0].message
    assert chassis._isStopped() and multiprocessing.active_children() == []


def test_process_pipeline_component_needs_a_component() -> None:
    with pytest.raises(ValueError, match="needs at least one component"):
        ProcessPipelineComponent()


def test_run_with_a_channel_serves_the_component_over_it() -> None:
    wrapper = ProcessWrapComponent(Stamp())
    context = processContext()
    ours, theirs = context.Pipe(duplex=True)
    child = context.Process(target=wrapper.run, args=(theirs,), daemon=True)
    child.start()
    theirs.close()
    try:
        batch = [("inbox", ["x", "y"]), ("control", [producerFinished()])]
        os.write(ours.fileno(), encodeFrame(dumps(("data", batch))))
        decoder = FrameDecoder()
        while True:
            if not ours.poll(PATIENCE):
                raise AssertionError("the child sent nothing")
            try:
                chunk = os.read(ours.fileno(), 65536)
            except OSError:
                chunk = b""
            if not chunk:
                break
            decoder.feed(chunk)
        received: dict[str, list[Any]] = {}
        while (frame := decoder.nextFrame()) is not None:
            kind, payload = pickle.loads(frame)
            assert kind == "data"
            for boxname, messages in payload:
                received.setdefault(boxname, []).extend(messages)
    finally:
        ours.close()
        child.join(PATIENCE)
    assert child.exitcode == 0
    assert [message for message, _ in received["outbox"]] == ["x", "y"]
    assert {pid for _, pid in received["outbox"]} == {child.pid}
    assert [type(m) for m in received["signal"]] == [producerFinished]


def test_run_without_a_channel_runs_the_wrapper_like_any_component() -> None:
    wrapper = ProcessWrapComponent(Stamp())
    wrapper.inboxes["inbox"].append("only")
    wrapper.inboxes["control"].append(producerFinished())
    wrapper.run()
    assert [message for message, _ in wrapper.outboxes["outbox"]] == ["only"]
    assert multiprocessing.active_children() == []


def test_ticking_is_true_once_a_second_has_passed() -> None:
    wrapper = ProcessWrapComponent(Stamp())
    assert wrapper.ticking() is False
    wrapper.tick -= 1.5                 # as if a second and a half had gone by
    assert wrapper.ticking() is True
    assert wrapper.ticking() is False
