"""Tests for Kamaelia.Util.DaskTransformer: a function mapped on a Dask cluster.

One real ``LocalCluster`` (two worker processes, one thread each) serves
the whole module; it is started once because starting one takes a second
or two. Its workers import the mapped functions from ``dasktasks`` (next to
this file): the folder is put on ``sys.path`` first, and worker processes,
started with ``spawn``, inherit it. ``silence_logs`` keeps the workers (and
the scheduler, which runs in this process) from logging each failure the
tests provoke; it is undone when the cluster closes.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import re
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any, Iterator

import distributed
import pytest
from dask.system import CPU_COUNT

from Axon.AxonExceptions import noSpaceInBox
from Axon.Component import component
from Axon.Ipc import errorInformation, producerFinished, shutdownMicroprocess
from Axon.ThreadedComponent import threadedcomponent
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.Util.DaskTransformer import DaskStatistics, DaskTransformer, TaskFailed

from componentharness import Collector, attach, run

sys.path.insert(0, str(Path(__file__).resolve().parent))
from dasktasks import (act, failOnThree, freshToken, holdUntilReleased, lockForTwo,  # noqa: E402
                       noneForOdd, slowSquare, square)

LOGGER = "Kamaelia.Util.DaskTransformer"


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    # (no dashboard, and the scheduler's HTTP server on a free port, not 8787)
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                                  dashboard_address=None,
                                  scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
                                  silence_logs=logging.CRITICAL) as started:
        yield started


@pytest.fixture(scope="module")
def client(cluster: Any) -> Iterator[Any]:
    with distributed.Client(cluster, set_as_default=False) as connected:
        yield connected


def runPool(pool: DaskTransformer, items: list[Any], error: bool = False) -> Collector:
    """Run ``pool`` on ``items`` then producerFinished; with ``error``, what
    leaves "error" reaches the collector's inbox too, in the order sent."""
    if error:
        sink = Collector()
        pool.link((pool, "error"), (sink, "inbox"))
        pool.inboxes["inbox"].extend(items)
        pool.inboxes["control"].append(producerFinished())
        pool.link((pool, "outbox"), (sink, "inbox"))
        pool.link((pool, "signal"), (sink, "control"))
        sink.activate()
        pool.run()
        return sink
    return run(pool, inbox=items, control=[producerFinished()])


def leftBehind() -> tuple[set[threading.Thread], set[Any], set[int]]:
    """The threads, child processes and listening TCP ports of this process now.

    (Listening ports rather than all descriptors: the module's cluster has its
    scheduler in this process, which opens and pools connections as it likes,
    but a scheduler left running by a test would still be listening.)
    """
    return (set(threading.enumerate()), set(multiprocessing.active_children()),
            listeningPorts())


def listeningPorts() -> set[int]:
    sockets = set()
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:             # closed meanwhile
            continue
        if target.startswith("socket:["):
            sockets.add(target[len("socket:["):-1])
    ports = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as lines:
            for line in list(lines)[1:]:
                fields = line.split()
                if fields[3] == "0A" and fields[9] in sockets:        # 0A: LISTEN
                    ports.add(int(fields[1].rsplit(":", 1)[1], 16))
    return ports


def clientsOf(client: Any) -> set[str]:
    """The ids of the clients connected to ``client``'s scheduler."""
    return set(client.run_on_scheduler(lambda dask_scheduler: list(dask_scheduler.clients)))


# ------------------------------------------------------------------- results
def test_results_come_out_in_input_order(client: Any) -> None:
    sink = runPool(DaskTransformer(slowSquare, client=client, inboxSize=None),
                     list(range(40)))
    assert sink.got == [x * x for x in range(40)]


@pytest.mark.parametrize("ordered, expected", [(True, ["waited", "set"]),
                                               (False, ["set", "waited"])])
def test_ordered_waits_for_the_first_item_unordered_sends_as_they_complete(
        client: Any, ordered: bool, expected: list[str]) -> None:
    # The first task can only finish after the second has run.
    name = f"order-{uuid.uuid4().hex}"
    pool = DaskTransformer(act, client=client, ordered=ordered, maxInFlight=2)
    sink = runPool(pool, [("wait", name), ("set", name)])
    assert [result[0] for result in sink.got] == expected
    assert ("waited", name, True) in sink.got          # released, not timed out


def test_unordered_results_are_all_there(client: Any) -> None:
    pool = DaskTransformer(slowSquare, client=client, ordered=False, maxInFlight=5,
                           inboxSize=None)
    sink = runPool(pool, list(range(30)))
    assert sorted(sink.got) == [x * x for x in range(30)]


def test_none_results_are_not_sent(client: Any) -> None:
    sink = runPool(DaskTransformer(noneForOdd, client=client, inboxSize=None),
                     list(range(10)))
    assert sink.got == [0, 2, 4, 6, 8]


def test_a_lambda_runs_too(client: Any) -> None:
    # Dask pickles functions with cloudpickle: no need to import them by name.
    sink = runPool(DaskTransformer(lambda x: x + 1, client=client), [1, 2, 3])
    assert sink.got == [2, 3, 4]


@pytest.mark.parametrize("pure, distinct", [(False, 3), (True, 1)])
def test_equal_items_are_computed_once_only_when_pure(client: Any, pure: bool,
                                                      distinct: int) -> None:
    item = uuid.uuid4().hex              # not computed by an earlier run
    sink = runPool(DaskTransformer(freshToken, client=client, pure=pure), [item] * 3)
    assert len(sink.got) == 3 and len(set(sink.got)) == distinct


def test_the_default_client_is_used_when_none_is_given(client: Any) -> None:
    with client.as_current():
        pool = DaskTransformer(square)
    assert runPool(pool, [2, 3]).got == [4, 9]


# ------------------------------------------------------------------ failures
def test_a_failed_item_goes_out_of_error_in_its_place(
        client: Any, caplog: pytest.LogCaptureFixture) -> None:
    pool = DaskTransformer(failOnThree, client=client, inboxSize=None)
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        sink = runPool(pool, list(range(6)), error=True)
    assert sink.got[:3] == [0, 1, 4] and sink.got[4:] == [16, 25]
    failed = sink.got[3]
    assert isinstance(failed, TaskFailed)
    assert (failed.item, failed.index) == (3, 3)
    assert isinstance(failed.exception, ValueError)
    assert str(failed.exception) == "three is right out"
    # the worker's traceback, without the frames that fetched it here
    assert re.search(r'dasktasks\.py", line \d+, in failOnThree', failed.traceback)
    assert failed.traceback.rstrip().endswith("ValueError: three is right out")
    assert "DaskTransformer.py" not in failed.traceback
    assert str(failed) == "item #3 (3) failed: ValueError: three is right out"
    [record] = [r for r in caplog.records if r.name == LOGGER]
    assert pool.name in record.getMessage() and "item #3 (3) failed" in record.getMessage()
    assert pool.statistics().failed == 1 and pool.statistics().completed == 6


def test_failures_are_not_logged_when_told_not_to(
        client: Any, caplog: pytest.LogCaptureFixture) -> None:
    pool = DaskTransformer(failOnThree, client=client, ordered=False, logFailures=False)
    with caplog.at_level(logging.DEBUG, logger=LOGGER):
        sink = runPool(pool, [3, 4], error=True)
    assert sorted(map(str, sink.got)) == ["16", "item #0 (3) failed: ValueError: three is "
                                                "right out"]
    assert [r for r in caplog.records if r.name == LOGGER] == []


def test_an_item_that_cannot_be_pickled_fails_alone(
        client: Any, caplog: pytest.LogCaptureFixture) -> None:
    lock = threading.Lock()
    with caplog.at_level(logging.CRITICAL + 1, logger="distributed.protocol.pickle"):
        sink = runPool(DaskTransformer(square, client=client, inboxSize=None),
                         [1, lock, 3], error=True)
    assert [sink.got[0], sink.got[2]] == [1, 9]
    failed = sink.got[1]
    assert isinstance(failed, TaskFailed) and failed.item is lock and failed.index == 1
    assert "serialize" in str(failed.exception) and "TypeError" in failed.traceback


class FinishAfterFirst(Collector):
    """A Collector that sends producerFinished out of "outbox" once the first
    message has come (so the component it collects from ends only then)."""

    def main(self) -> Iterator[Any]:
        while not self.dataReady("inbox"):
            self.pause()
            yield 1
        self.send(producerFinished(), "outbox")
        yield from super().main()


def test_an_item_that_cannot_be_sent_fails_even_with_nothing_in_flight(
        client: Any, caplog: pytest.LogCaptureFixture) -> None:
    # Nothing comes back from the cluster to wake the component for it.
    pool = DaskTransformer(square, client=client)
    sink = FinishAfterFirst()
    pool.link((pool, "error"), (sink, "inbox"))
    pool.link((pool, "signal"), (sink, "control"))
    pool.link((sink, "outbox"), (pool, "control"))
    pool.inboxes["inbox"].append(threading.Lock())
    with caplog.at_level(logging.CRITICAL + 1, logger="distributed.protocol.pickle"):
        sink.activate()
        pool.run()
    assert [type(x) for x in sink.got] == [TaskFailed]


def test_a_result_that_cannot_be_pickled_fails_alone(
        client: Any, caplog: pytest.LogCaptureFixture) -> None:
    # Dask fetches the results pending at once together; the other results
    # fetched with the bad one must still arrive.
    with caplog.at_level(logging.CRITICAL + 1, logger="distributed"):
        sink = runPool(DaskTransformer(lockForTwo, client=client, maxInFlight=6,
                                         inboxSize=None), list(range(6)), error=True)
    assert [x for x in sink.got if not isinstance(x, TaskFailed)] == [0, 1, 3, 4, 5]
    [failed] = [x for x in sink.got if isinstance(x, TaskFailed)]
    assert failed.index == 2 and "lock" in str(failed.exception)
    assert sink.got.index(failed) == 2


# ------------------------------------------------------------- back-pressure
class EagerProducer(component):
    """Sends 0 .. n-1 as fast as the destination takes them, pausing when it is
    full; samples the pool's statistics on every turn; then producerFinished."""

    def __init__(self, n: int, pool: DaskTransformer, **argd: Any) -> None:
        super().__init__(**argd)
        self.n, self.pool = n, pool
        self.samples: list[DaskStatistics] = []
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


def test_a_fast_producer_is_held_back_and_in_flight_stays_bounded(client: Any) -> None:
    pool = DaskTransformer(slowSquare, client=client, maxInFlight=3, inboxSize=2)
    producer, sink = EagerProducer(60, pool), Collector()
    Pipeline(producer, pool, sink).run()
    assert sink.got == [x * x for x in range(60)]
    assert producer.refused > 5
    assert max(s.inFlight for s in producer.samples) <= 3
    assert max(s.waiting for s in producer.samples) <= 2
    final = pool.statistics()
    assert (final.submitted, final.completed, final.inFlight, final.failed) == (60, 60, 0, 0)


def test_in_flight_defaults_to_two_per_worker_thread(client: Any) -> None:
    pool = DaskTransformer(square, client=client)
    before = pool.statistics()
    assert (before.workers, before.threads, before.maxInFlight) == (None, None, None)
    assert pool.inboxes["inbox"].getSize() == 2 * CPU_COUNT     # until it knows
    runPool(pool, [1])
    after = pool.statistics()
    assert (after.workers, after.threads, after.maxInFlight) == (2, 2, 4)
    assert pool.inboxes["inbox"].getSize() == 4
    assert DaskTransformer(square, client=client, maxInFlight=3,
                           inboxSize=None).inboxes["inbox"].getSize() is None


# ------------------------------------------------------------------ shutdown
def test_producerFinished_finishes_the_work_then_passes_on(client: Any) -> None:
    finished = producerFinished()
    pool = DaskTransformer(slowSquare, client=client, maxInFlight=3, inboxSize=None)
    sink = run(pool, inbox=list(range(20)), control=[finished])
    assert sink.got == [x * x for x in range(20)]
    assert sink.control == [finished]
    assert pool._isStopped()


class StopOnceStarted(threadedcomponent):
    """Waits (in its thread) until a task has started on a worker, then sends
    ``stop`` out of "signal"."""

    def __init__(self, client: Any, name: str, stop: shutdownMicroprocess,
                 **argd: Any) -> None:
        super().__init__(**argd)
        self.client, self.eventName, self.message = client, name, stop

    def main(self) -> None:
        distributed.Event(self.eventName + "-started", client=self.client).wait(timeout=20)
        self.send(self.message, "signal")


def holdingTasksGone(client: Any, within: float) -> bool:
    """True once no worker is processing a ``holdUntilReleased`` task (False
    if one still is after ``within`` seconds)."""
    deadline = time.monotonic() + within
    while any(key.startswith("holdUntilReleased")
              for keys in client.processing().values() for key in keys):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)            # the scheduler has no event to wait on for this
    return True


def test_shutdownMicroprocess_cancels_the_tasks_in_flight(client: Any) -> None:
    name, stop = f"hold-{uuid.uuid4().hex}", shutdownMicroprocess()
    pool = DaskTransformer(holdUntilReleased, client=client, maxInFlight=3)
    stopper = StopOnceStarted(client, name, stop)
    pool.link((stopper, "signal"), (pool, "control"))
    pool.inboxes["inbox"].extend([name] * 3)
    try:
        stopper.activate()
        sink = attach(pool)
        pool.scheduler.runThreads()      # would take 20 s if it waited for them
        assert sink.got == [] and sink.control == [stop]
        assert pool.statistics().submitted == 3
        # The scheduler takes the cancelled tasks off its workers' lists a
        # moment after it acknowledges the cancel (the workers confirm it):
        # well before the 20 s the tasks would hold.
        assert holdingTasksGone(client, within=10.0)
    finally:
        distributed.Event(name + "-release", client=client).set()


class StopAtFirst(Collector):
    """A Collector that stops ``target`` from outside when the first result comes."""

    def __init__(self, target: component, **argd: Any) -> None:
        super().__init__(**argd)
        self.target = target

    def main(self) -> Iterator[Any]:
        while not self.dataReady("inbox"):
            self.pause()
            yield 1
        self.got.append(self.recv("inbox"))
        self.target.stop()


def test_stopped_from_outside_it_still_closes_its_client_and_cancels(
        cluster: Any, client: Any) -> None:
    before = leftBehind(), clientsOf(client)
    name = f"hold-{uuid.uuid4().hex}"
    pool = DaskTransformer(act, address=cluster.scheduler_address, maxInFlight=2)
    sink = StopAtFirst(pool)
    pool.link((pool, "outbox"), (sink, "inbox"))
    pool.inboxes["inbox"].extend([("set", name), ("wait", f"never-{name}")])
    sink.activate()
    pool.run()                           # the second would take 20 s
    assert sink.got == [("set", name)] and pool._isStopped()
    assert (leftBehind(), clientsOf(client)) == before
    assert not any(key.startswith("act") for keys in client.processing().values()
                   for key in keys)
    distributed.Event(f"never-{name}", client=client).set()


# ------------------------------------------------ clients and clusters it makes
def test_local_starts_its_own_cluster_and_leaves_nothing_behind(client: Any) -> None:
    # (the module's cluster and client already run: their threads and
    # processes are there before and after)
    before = leftBehind()
    pool = DaskTransformer(freshToken, address="local", ordered=False)
    sink = runPool(pool, list(range(4)))
    assert len(set(sink.got)) == 4
    assert pool.statistics().workers == CPU_COUNT
    assert leftBehind() == before


@pytest.mark.parametrize("how", ["cluster", "address"])
def test_a_client_it_makes_is_closed_and_the_cluster_kept(cluster: Any, client: Any,
                                                          how: str) -> None:
    before = leftBehind(), clientsOf(client)
    target = cluster if how == "cluster" else cluster.scheduler_address
    assert runPool(DaskTransformer(square, address=target), [5]).got == [25]
    assert (leftBehind(), clientsOf(client)) == before
    assert client.submit(square, 6, pure=False).result() == 36


def test_a_client_given_is_left_open(client: Any) -> None:
    runPool(DaskTransformer(square, client=client), [1])
    assert client.status == "running"


def test_an_unreachable_scheduler_is_reported_and_the_component_ends(
        caplog: pytest.LogCaptureFixture) -> None:
    pool = DaskTransformer(square, address="tcp://127.0.0.1:1", connectTimeout=0.5)
    with caplog.at_level(logging.ERROR, logger=LOGGER):
        sink = run(pool, inbox=[1, 2])
    assert sink.got == []
    assert [type(m) for m in sink.control] == [errorInformation, shutdownMicroprocess]
    report = sink.control[0]
    assert "'tcp://127.0.0.1:1'" in report.message and pool.name in report.message
    assert "2 item(s) waiting were not processed" in report.message
    assert [r.getMessage() for r in caplog.records if r.name == LOGGER] == [report.message]


# --------------------------------------------------------- argument checking
@pytest.mark.parametrize("argd, error, message", [
    ({"maxInFlight": 0}, ValueError, "DaskTransformer: maxInFlight must be >= 1, not 0"),
    ({"maxInFlight": True}, TypeError, "maxInFlight must be an int, not True"),
    ({"inboxSize": 0}, ValueError, "inboxSize must be >= 1, not 0"),
    ({"ordered": "yes"}, TypeError, "ordered must be True or False, not 'yes'"),
    ({"pure": 1}, TypeError, "pure must be True or False, not 1"),
    ({"retries": -1}, ValueError, "retries must be >= 0, not -1"),
    ({"resources": "GPU"}, TypeError, "resources must be a dict such as {'GPU': 1}, not 'GPU'"),
    ({"resources": {"GPU": 0}}, ValueError, "resources['GPU'] must be a finite number > 0, not 0"),
    ({"address": 8786}, TypeError, "address must be a scheduler address such as "
                                   "'tcp://host:8786', 'local', or a Dask cluster object "
                                   "such as a LocalCluster, not 8786"),
    ({"address": " "}, ValueError, "address must not be empty, not ' '"),
    ({"client": "tcp://host:8786"}, TypeError,
     "client must be a distributed.Client, not 'tcp://host:8786'"),
    ({"address": "local", "connectTimeout": 0}, ValueError,
     "connectTimeout must be a finite number > 0, not 0"),
])
def test_bad_arguments_are_refused_with_the_value(argd: dict[str, Any], error: type,
                                                  message: str) -> None:
    with pytest.raises(error, match=re.escape(message)):
        DaskTransformer(square, **argd)


def test_client_and_address_together_are_refused(client: Any) -> None:
    with pytest.raises(ValueError, match="give client or address, not both"):
        DaskTransformer(square, client=client, address="local")


def test_a_closed_client_is_refused(cluster: Any) -> None:
    with distributed.Client(cluster, set_as_default=False) as closing:
        pass
    with pytest.raises(ValueError, match=r"DaskTransformer: client .* is closed"):
        DaskTransformer(square, client=closing)


def test_without_a_client_or_address_it_says_what_to_pass() -> None:
    with pytest.raises(ValueError, match=r"no Dask client to use: pass client=Client\(\.\.\.\)"
                                         r", or address="):
        DaskTransformer(square)


def test_functions_that_cannot_run_are_refused_at_once() -> None:
    lock = threading.Lock()
    with pytest.raises(TypeError, match="cannot be pickled, so Dask workers cannot run it"):
        DaskTransformer(lambda x: lock, address="local")
    with pytest.raises(TypeError, match="function must be callable, not 3"):
        DaskTransformer(3, address="local")  # type: ignore[arg-type]


def test_without_distributed_it_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)     # as if not installed
    with pytest.raises(ModuleNotFoundError, match=re.escape("pip install 'kamaelia[dask]'")):
        DaskTransformer(square, address="local")
