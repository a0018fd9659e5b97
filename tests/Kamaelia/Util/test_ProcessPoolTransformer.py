"""Tests for Kamaelia.Util.ProcessPoolTransformer: a function mapped in worker processes."""

from __future__ import annotations

import logging
import multiprocessing
import os
import re
import signal
import sys
from pathlib import Path
from typing import Any, Iterator

import pytest

from Axon.AxonExceptions import noSpaceInBox
from Axon.Component import component
from Axon.Ipc import errorInformation, producerFinished, shutdownMicroprocess
from Axon.experimental._pipes import ProcessDied
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.Util.ProcessPoolTransformer import PoolStatistics, ProcessPoolTransformer

from componentharness import Collector, errorsLogged, run

# The functions the workers run live in an importable module (workers re-import them).
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "Axon" / "experimental"))
from process_fixtures import forkserver_started  # noqa: E402,F401 - autouse fixture
from process_helpers import (exitOnTwo, failOnThree, noneForOdd, sleepForever,  # noqa: E402
                             slowSquare, square, unpicklableResult, workerPid)

LOGGER = "Kamaelia.Util.ProcessPoolTransformer"


def crashed(sink: Collector) -> errorInformation:
    assert [type(m) for m in sink.control] == [errorInformation, shutdownMicroprocess]
    assert isinstance(sink.control[0].exception, ProcessDied)
    return sink.control[0]


# ------------------------------------------------------------------- results
def test_results_come_out_in_input_order() -> None:
    sink = run(ProcessPoolTransformer(slowSquare, workers=2, inboxSize=None),
               inbox=list(range(60)),
               control=[producerFinished()])
    assert sink.got == [x * x for x in range(60)]


def test_unordered_results_are_all_there() -> None:
    pool = ProcessPoolTransformer(slowSquare, workers=2, ordered=False, maxInFlight=6,
                                  inboxSize=None)
    sink = run(pool, inbox=list(range(40)), control=[producerFinished()])
    assert sorted(sink.got) == [x * x for x in range(40)]


def test_the_work_is_spread_over_the_workers() -> None:
    sink = run(ProcessPoolTransformer(workerPid, workers=2, maxInFlight=8, inboxSize=None),
               inbox=list(range(40)), control=[producerFinished()])
    assert len(set(sink.got)) == 2 and os.getpid() not in sink.got


def test_none_results_are_not_sent() -> None:
    sink = run(ProcessPoolTransformer(noneForOdd, workers=1, inboxSize=None), inbox=list(range(10)),
               control=[producerFinished()])
    assert sink.got == [0, 2, 4, 6, 8]


# ------------------------------------------------------------- back-pressure
class EagerProducer(component):
    """Sends 0 .. n-1 as fast as the destination takes them, pausing when it is
    full; samples the pool's statistics on every turn; then producerFinished."""

    def __init__(self, n: int, pool: ProcessPoolTransformer, **argd: Any) -> None:
        super().__init__(**argd)
        self.n, self.pool = n, pool
        self.samples: list[PoolStatistics] = []
        self.refused = 0

    def main(self) -> Iterator[Any]:
        i = 0
        while i < self.n:
            self.samples.append(self.pool.statistics())
            try:
                while i < self.n:
                    self.send(i, "outbox")
                    i += 1
            except noSpaceInBox:
                self.refused += 1
                self.pause()            # woken when the pool takes an item
            yield 1
        self.send(producerFinished(self), "signal")


def test_a_fast_producer_is_held_back_so_memory_stays_bounded() -> None:
    pool = ProcessPoolTransformer(slowSquare, workers=2, maxInFlight=6, inboxSize=4)
    producer, sink = EagerProducer(300, pool), Collector()
    Pipeline(producer, pool, sink).run()
    assert sink.got == [x * x for x in range(300)]
    assert producer.refused > 10
    assert max(s.inFlight for s in producer.samples) <= 6
    assert max(s.waiting for s in producer.samples) <= 4
    final = pool.statistics()
    assert (final.submitted, final.completed, final.inFlight) == (300, 300, 0)


def test_the_inbox_is_limited_to_maxInFlight_unless_told_otherwise() -> None:
    assert ProcessPoolTransformer(square, workers=2).inboxes["inbox"].getSize() == 8
    assert ProcessPoolTransformer(square, workers=1, maxInFlight=3,
                                  inboxSize=None).inboxes["inbox"].getSize() is None


# ------------------------------------------------------------------ shutdown
def test_producerFinished_waits_for_the_work_in_flight_then_passes_on() -> None:
    finished = producerFinished()
    sink = run(ProcessPoolTransformer(slowSquare, workers=2, inboxSize=None),
               inbox=list(range(30)), control=[finished])
    assert sink.got == [x * x for x in range(30)]
    assert sink.control == [finished]


def test_shutdownMicroprocess_cancels_the_work_and_terminates_the_workers() -> None:
    stop = shutdownMicroprocess()
    pool = ProcessPoolTransformer(sleepForever, workers=2)
    sink = run(pool, inbox=[1, 2, 3], control=[stop])     # would take a minute
    assert sink.got == []
    assert sink.control == [stop]
    assert multiprocessing.active_children() == []


def test_a_run_leaves_no_process_and_no_open_descriptor_behind() -> None:
    before = set(os.listdir("/proc/self/fd"))
    for _ in range(2):
        sink = run(ProcessPoolTransformer(square, workers=2), inbox=[1, 2, 3],
                   control=[producerFinished()])
        assert sink.got == [1, 4, 9]
    assert multiprocessing.active_children() == []
    assert set(os.listdir("/proc/self/fd")) == before


# ------------------------------------------------------------------ failures
def test_an_item_the_function_fails_on_is_logged_and_skipped(
        caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger=LOGGER):
        sink = run(ProcessPoolTransformer(failOnThree, workers=2, inboxSize=None), inbox=list(range(6)),
                   control=[producerFinished()])
    assert sink.got == [0, 1, 2, 4, 5]
    [record] = errorsLogged(caplog, LOGGER)
    assert "ValueError: three is right out" in record.getMessage()
    assert "item 3" in record.getMessage()


@pytest.mark.parametrize("function, items, expected, box", [
    (square, [1, lambda: 2, 3], [1, 9], "'inbox'"),         # the item cannot go to a worker
    (unpicklableResult, [1, 2, 3], [1, 3], "'outbox'"),     # its result cannot come back
], ids=["item", "result"])
def test_what_cannot_be_pickled_is_reported_and_the_rest_go_on_in_order(
        caplog: pytest.LogCaptureFixture, function: Any, items: list[Any],
        expected: list[Any], box: str) -> None:
    pool = ProcessPoolTransformer(function, workers=2)
    with caplog.at_level(logging.ERROR, logger=LOGGER):
        sink = run(pool, inbox=items, control=[producerFinished()])
    assert sink.got == expected
    [record] = errorsLogged(caplog, LOGGER)
    text = record.getMessage()
    assert pool.name in text and box in text and "type function" in text


def test_a_worker_killed_with_signal_9_is_reported_and_the_pool_ends(
        caplog: pytest.LogCaptureFixture) -> None:
    pool = ProcessPoolTransformer(workerPid, workers=2)
    sink = Collector()

    class Kill(component):
        def main(self) -> Iterator[Any]:
            while not self.dataReady("inbox"):
                self.pause()
                yield 1
            os.kill(self.recv("inbox"), signal.SIGKILL)

    killer = Kill()
    pool.link((pool, "outbox"), (killer, "inbox"))
    pool.link((pool, "signal"), (sink, "control"))
    pool.inboxes["inbox"].append(0)
    with caplog.at_level(logging.ERROR, logger=LOGGER):
        for each in (killer, sink):
            each.activate()
        pool.run()                              # ends: the pool reports and stops
    report = crashed(sink)
    assert "was killed by signal SIGKILL" in report.message and pool.name in report.message
    assert multiprocessing.active_children() == []


def test_a_worker_exiting_with_an_error_code_is_reported() -> None:
    sink = run(ProcessPoolTransformer(exitOnTwo, workers=1), inbox=[1, 2, 3])
    report = crashed(sink)
    assert "exited with code 7" in report.message
    assert report.exception.exitcode == 7


# --------------------------------------------------------- argument checking
@pytest.mark.parametrize("argd, error, message", [
    ({"workers": 0}, ValueError, "ProcessPoolTransformer: workers must be >= 1, not 0"),
    ({"maxInFlight": -1}, ValueError, "maxInFlight must be >= 1, not -1"),
    ({"inboxSize": 0}, ValueError, "inboxSize must be >= 1, not 0"),
    ({"ordered": "yes"}, TypeError, "ordered must be True or False, not 'yes'"),
])
def test_bad_arguments_are_refused_with_the_value(argd: dict[str, Any], error: type,
                                                  message: str) -> None:
    with pytest.raises(error, match=re.escape(message)):
        ProcessPoolTransformer(square, **argd)


def test_a_function_that_cannot_be_pickled_is_refused_at_once() -> None:
    with pytest.raises(TypeError, match="cannot be pickled"):
        ProcessPoolTransformer(lambda x: x)
    with pytest.raises(TypeError, match="function must be callable, not 3"):
        ProcessPoolTransformer(3)  # type: ignore[arg-type]
