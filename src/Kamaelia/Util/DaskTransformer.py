"""DaskTransformer: map a function over messages on a Dask ``distributed`` cluster.

Example Usage
-------------
Sum the primes below each bound on a ``LocalCluster`` of worker processes
that the component starts (``address="local"``: one worker per CPU) and
closes when it ends; the sums come out in the order the bounds went in.
Dask pickles the function with ``cloudpickle``, so a function of the main
script (or a lambda) will do; the system is started under ``if __name__ ==
"__main__":`` because each worker process re-imports the main module::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Util.Console import ConsoleEchoer
    from Kamaelia.Util.DaskTransformer import DaskTransformer
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.PureTransformer import PureTransformer

    def sumOfPrimesBelow(n):
        sieve = bytearray([1]) * n
        sieve[:2] = bytes(2)
        for p in range(2, int(n ** 0.5) + 1):
            if sieve[p]:
                sieve[p * p::p] = bytes(len(range(p * p, n, p)))
        return sum(i for i, isPrime in enumerate(sieve) if isPrime)

    if __name__ == "__main__":
        Pipeline(
            DataSource([10, 100, 1000, 10_000, 100_000]),
            DaskTransformer(sumOfPrimesBelow, address="local", inboxSize=None),
            PureTransformer(lambda total: f"{total}\\n"),
            ConsoleEchoer(),
        ).run()                     # 17, 1060, 76127, 5736396, 454396537

(``inboxSize=None`` because ``DataSource`` does not handle a full inbox; see
"Back-pressure" below.) With a cluster of your own, pass a ``Client`` (or
the cluster, or its address). An item the function fails on goes out of
``"error"`` as a :class:`TaskFailed`, in its place among the results::

    import logging
    from distributed import Client, LocalCluster
    from Kamaelia.Chassis.Graphline import Graphline
    from Kamaelia.Util.Console import ConsoleEchoer
    from Kamaelia.Util.DaskTransformer import DaskTransformer
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.PureTransformer import PureTransformer

    def reciprocal(x):
        return 1 / x

    if __name__ == "__main__":
        # This program reports failures itself: the workers need not log them
        # (silence_logs), nor the component (logFailures=False).
        with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address="127.0.0.1:0",
                          silence_logs=logging.CRITICAL) as cluster, Client(cluster) as client:
            Graphline(
                SOURCE=DataSource([4, 2, 0, 1]),
                MAP=DaskTransformer(reciprocal, client=client, inboxSize=None,
                                    logFailures=False),
                SHOW=PureTransformer(lambda message: f"{message}\\n"),
                ECHO=ConsoleEchoer(),
                linkages={("SOURCE", "outbox"): ("MAP", "inbox"),
                          ("SOURCE", "signal"): ("MAP", "control"),
                          ("MAP", "outbox"): ("SHOW", "inbox"),
                          ("MAP", "error"): ("SHOW", "inbox"),
                          ("MAP", "signal"): ("SHOW", "control"),
                          ("SHOW", "outbox"): ("ECHO", "inbox"),
                          ("SHOW", "signal"): ("ECHO", "control")},
            ).run()

This prints ``0.25``, ``0.5``, ``item #2 (0) failed: ZeroDivisionError:
division by zero`` and ``1.0`` (and the client and the cluster are closed
by the ``with``, not by the component).

How does it work?
-----------------
``DaskTransformer(function, client=None, address=None, ordered=True,
maxInFlight=None, inboxSize=<maxInFlight>, pure=False, resources=None,
retries=0)`` needs Dask's ``distributed`` package (``pip install
'kamaelia[dask]'``). It uses, in this order of preference:

* ``client``: a ``distributed.Client`` of yours, which it never closes;
* ``address``: a scheduler address (``"tcp://host:8786"``) or a cluster
  object (a ``LocalCluster``, ``SSHCluster``, a dask-jobqueue cluster, ...):
  it makes a ``Client`` for it and closes that client when it ends, but
  never the cluster; or the string ``"local"``: it starts a
  ``LocalCluster`` of its own (worker processes, one per CPU, one thread
  each, no dashboard) and closes it when it ends;
* neither: the default client (the ``Client`` made most recently in this
  process), if there is one; otherwise the constructor says so.

When it is activated it connects (and starts its cluster) in a helper
thread, so the rest of the system runs meanwhile; the items that arrive
wait in ``"inbox"``. Then each item taken from ``"inbox"`` is handed to the
cluster with ``Client.map`` (all those taken in one turn go in one call)
and numbered in the order it arrived. For each task a small coroutine on
the client's own event loop waits for it to finish; the results of those
that have finished are fetched together, a batch at a time, and handed to
the scheduler's thread with :meth:`Axon.Scheduler.scheduler.callFromThread`,
which wakes the component: no polling, and no thread of its own while it
works. Results leave ``"outbox"`` in input order (with ``ordered=False``,
as they complete). As for ``PureTransformer``, a ``None`` result sends
nothing.

Tasks get Dask's own keys: with ``pure=False`` (the default) a fresh random
key each, so equal items are each computed. With ``pure=True`` the key is a
hash of the function and the item, so Dask computes equal items once (and
may hand back a result it still holds): for functions without side effects
whose items repeat. ``resources`` (e.g. ``{"GPU": 1}``) and ``retries``
are passed to Dask for every task (a task asking for resources no worker
has waits for such a worker). As with ``Client.submit``, an item that is a
Dask future (or holds some) is replaced by its result before the function
sees it.

Back-pressure
-------------
At most ``maxInFlight`` items are *in flight*: taken from ``"inbox"`` and
not yet sent on, whether the cluster has them or their result waits for an
earlier one. The default is 2 per worker thread of the cluster, counted
once, when it connects (at least 2); until then the inbox limit below uses
2 per CPU of this machine. Beyond that, items wait in ``"inbox"``, which is
size-limited to ``inboxSize`` (default: the same as ``maxInFlight``), so a
fast producer is refused with ``noSpaceInBox`` and woken when there is room
again: memory stays bounded however fast it is. Producers must handle
``noSpaceInBox`` (pause and retry when woken, as Kamaelia's file readers
do); to feed it from one that does not, such as ``DataSource``, pass
``inboxSize=None``. Likewise, when ``"outbox"`` (or ``"error"``) leads to a
full inbox, results wait and no new items are taken.
:meth:`DaskTransformer.statistics` reports the figures.

The default suits tasks that take a while. For short ones the round trip
to the cluster sets the pace: raise ``maxInFlight`` (measured on two cores
with a trivial function: 7.6 ms an item at the default of 4, 4.5 ms at 64,
against 3.5 ms for a bare ``Client.map`` of them all).

Ordering
--------
With ``ordered=True`` a result that comes early waits (and counts as in
flight) until those of the items before it have been sent, so a slow item
holds back the others by up to ``maxInFlight`` items; a failed item keeps
its place: its :class:`TaskFailed` goes out of ``"error"`` when its turn
comes, and the results after it follow. With ``ordered=False`` everything
is sent as soon as it arrives.

Failures
--------
Nothing an item does ends the component. The function raising on an item
(on the worker), the item or its result failing to pickle, the task being
cancelled by someone else, or the task killing its worker too often
(Dask's ``KilledWorker``) each send ``TaskFailed(item, index, exception,
traceback)`` out of ``"error"`` (``index`` counts the items from 0, in the
order they arrived; ``traceback`` is the formatted text, from the worker
where the function raised) and are logged as a warning on logger
``Kamaelia.Util.DaskTransformer`` (``logFailures=False`` leaves that to
whoever reads ``"error"``). A worker that dies is replaced by Dask, which
runs its tasks again elsewhere.

Failing to reach the cluster (or to start the ``LocalCluster``) is logged
as an error; ``errorInformation(self, exception, text)`` and then
``shutdownMicroprocess(self)`` go out of ``"signal"`` and the component
ends, leaving what waits in ``"inbox"``. A client connects within
``connectTimeout`` seconds (default 30; a keyword argument).

Shutdown
--------
* ``producerFinished`` on ``"control"``: every item already received
  (in flight or still waiting in ``"inbox"``) is processed and its result
  sent; then what the component made (its client, its ``LocalCluster``)
  is closed, the message is passed on out of ``"signal"`` and it ends.
* ``shutdownMicroprocess``: the tasks in flight are cancelled (Dask drops
  their results; one already running on a worker runs to its end there,
  as Dask cannot interrupt it), nothing more is sent, what it made is
  closed, the message is passed on out of ``"signal"`` and it ends.

Closing happens in a helper thread too; either way, no thread, process or
socket of the component's is left when it has ended. (Dask keeps a few
process-wide helper threads of its own, such as ``Dask-Offload``.)

When to prefer it over ProcessPoolTransformer
---------------------------------------------
:mod:`Kamaelia.Util.ProcessPoolTransformer` is lighter and faster on one
machine: its workers start in a fraction of a second, an item costs tens of
microseconds (about 70 on two cores, against milliseconds here), it needs
nothing installed, and a failed item is only logged. Prefer
``DaskTransformer`` when the work should go beyond this machine (a cluster
of many), share a cluster with other Dask work, or use Dask's scheduling
(resources, retries, work stealing, a dashboard); when the function is a
lambda or a closure (Dask pickles it by value); when failures must reach
the program (``"error"``); and when each item takes long enough (tens of
milliseconds or more) that Dask's cost per task does not matter.

What it does not do: the function gets one item at a time; results are
brought back to this process (use Dask directly to leave them on the
workers); the function cannot be changed while it runs.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import reprlib
import threading
import traceback as tracebacks     # ("traceback" is a field name here)
from collections import deque
from dataclasses import dataclass
from typing import Any, Callable, Generator, Iterator

from Axon.AxonExceptions import noSpaceInBox
from Axon.Component import component
from Axon.Ipc import errorInformation, ipc, producerFinished, shutdownMicroprocess
from Kamaelia._shutdown import runUntilShutdown, shutdownRequest
from Kamaelia.Util._arguments import (callableArgument, nonNegativeInt, positiveInt,
                                      positiveNumber)

__all__ = ["DaskTransformer", "DaskStatistics", "TaskFailed"]

log = logging.getLogger("Kamaelia.Util.DaskTransformer")

_INSTALL_HINT = "pip install 'kamaelia[dask]'"
_SAME_AS_IN_FLIGHT: Any = object()


def _distributed() -> Any:
    """The ``distributed`` module, or an ImportError that says how to get it."""
    try:
        import distributed
    except ImportError as exc:
        raise ModuleNotFoundError(
            f"DaskTransformer needs Dask's distributed scheduler, which is not installed "
            f"({exc}): {_INSTALL_HINT}", name="distributed") from exc
    return distributed


@dataclass(frozen=True, slots=True)
class TaskFailed:
    """What goes out of ``"error"`` for an item that has no result.

    - item      -- the item, as it was taken from "inbox"
    - index     -- its number: the items are counted from 0 as they arrive
    - exception -- what was raised (on the worker, or here if the item could
      not be sent)
    - traceback -- the formatted traceback (the worker's, when it raised there)
    """

    item: Any
    index: int
    exception: BaseException
    traceback: str

    def __str__(self) -> str:
        return (f"item #{self.index} ({reprlib.repr(self.item)}) failed: "
                f"{type(self.exception).__name__}: {self.exception}")


@dataclass(frozen=True, slots=True)
class DaskStatistics:
    """What :meth:`DaskTransformer.statistics` returns.

    - workers     -- Dask workers in the cluster when it connected (None before)
    - threads     -- their threads, in all (None before it connected)
    - maxInFlight -- the limit on items in flight (None until it connected,
      if it is taken from the cluster)
    - inFlight    -- items taken from "inbox" whose result (or failure) has not
      been sent yet
    - waiting     -- items waiting in "inbox"
    - submitted   -- items handed to the cluster so far
    - completed   -- items whose result or failure has been sent (or whose
      ``None`` result was dropped) so far
    - failed      -- of those, the items sent out of "error"
    """

    workers: int | None
    threads: int | None
    maxInFlight: int | None
    inFlight: int
    waiting: int
    submitted: int
    completed: int
    failed: int


class _Failure:
    """Stands for an item's missing result (in the reorder buffer)."""

    __slots__ = ("exception", "traceback")

    def __init__(self, exception: BaseException, traceback: str) -> None:
        self.exception = exception
        self.traceback = traceback


class _Connection:
    """The client in use, and what was made for it (and must be closed)."""

    def __init__(self, client: Any, ownClient: bool, cluster: Any = None) -> None:
        self.client = client
        self.ownClient = ownClient
        self.cluster = cluster            # a LocalCluster we started, else None
        self.workers = 0
        self.threads = 0

    def close(self, owner: str, cancel: list[Any]) -> None:
        """Cancel ``cancel`` (futures), then close what was made (blocking)."""
        steps: list[tuple[str, Callable[[], Any]]] = []
        if cancel:
            steps.append(("cancel its tasks", lambda: self.client.cancel(cancel)))
        if self.ownClient:
            steps.append(("close its Dask client", self.client.close))
        if self.cluster is not None:
            steps.append(("close its LocalCluster", self.cluster.close))
        self.ownClient, self.cluster = False, None
        for what, step in steps:
            try:
                step()
            except Exception as exc:  # noqa: BLE001 - carry on closing the rest
                log.warning("%s: could not %s (%s: %s)", owner, what, type(exc).__name__, exc)


class DaskTransformer(component):
    """DaskTransformer(function, client=None, address=None, ordered=True, maxInFlight=None,
    inboxSize=maxInFlight, pure=False, resources=None, retries=0) -> sends
    function(item) for each item, computed on a Dask cluster

    Arguments:

    - function    -- callable of one argument (pickled with cloudpickle)
    - client      -- a distributed.Client to use (not closed by the component)
    - address     -- instead of client: "tcp://host:port", a cluster object, or
      "local" to start (and close) a LocalCluster; with neither, the default client
    - ordered     -- results in input order (True) or as they complete (False)
    - maxInFlight -- most items taken in and not yet sent on (default: 2 per
      worker thread of the cluster)
    - inboxSize   -- size limit of "inbox" (default: maxInFlight; None: unlimited)
    - pure        -- let Dask compute equal items once (keys hashed from the item)
    - resources   -- Dask worker resources each task needs, e.g. {"GPU": 1}
    - retries     -- times Dask runs a task again after it failed
    """

    Inboxes = {"inbox": "items to pass to the function (size-limited: see inboxSize)",
               "control": "producerFinished: finish the work, then pass it on; "
                          "shutdownMicroprocess: cancel the work and pass it on"}
    Outboxes = {"outbox": "function(item) for each item (None results are not sent)",
                "error": "TaskFailed(item, index, exception, traceback) for each item "
                         "that has no result",
                "signal": "the shutdown message received, or errorInformation then "
                          "shutdownMicroprocess if the cluster could not be reached"}

    #: Seconds a client may take to connect to the scheduler.
    connectTimeout: float = 30.0
    #: Log each failed item as a warning (as well as sending it out of "error").
    logFailures: bool = True

    def __init__(self, function: Callable[[Any], Any], client: Any = None, address: Any = None,
                 ordered: bool = True, maxInFlight: int | None = None,
                 inboxSize: int | None = _SAME_AS_IN_FLIGHT, pure: bool = False,
                 resources: dict[str, float] | None = None, retries: int = 0,
                 **argd: Any) -> None:
        owner = "DaskTransformer"
        distributed = _distributed()
        callableArgument(owner, "function", function)
        for name, flag in (("ordered", ordered), ("pure", pure)):
            if not isinstance(flag, bool):
                raise TypeError(f"{owner}: {name} must be True or False, not {flag!r}")
        if maxInFlight is not None:
            positiveInt(owner, "maxInFlight", maxInFlight)
        if inboxSize is not _SAME_AS_IN_FLIGHT and inboxSize is not None:
            positiveInt(owner, "inboxSize", inboxSize)
        nonNegativeInt(owner, "retries", retries)
        _checkResources(owner, resources)
        client = _checkTarget(owner, distributed, client, address)
        try:
            # (Dask's pickler for functions; imported by name: it has no type hints)
            importlib.import_module("cloudpickle").dumps(function)
        except Exception as exc:
            raise TypeError(f"{owner}: function {function!r} cannot be pickled, so Dask "
                            f"workers cannot run it ({type(exc).__name__}: {exc})") from exc
        super().__init__(**argd)
        positiveNumber(owner, "connectTimeout", self.connectTimeout)
        self.function = function
        self.functionName: str = getattr(function, "__qualname__", repr(function))
        self.ordered = ordered
        self.pure = pure
        self.resources = dict(resources) if resources is not None else None
        self.retries = retries
        self._client = client
        self._address = address
        self.maxInFlight: int | None = maxInFlight
        self._inboxFollows = inboxSize is _SAME_AS_IN_FLIGHT and maxInFlight is None
        if inboxSize is _SAME_AS_IN_FLIGHT:
            # Until the cluster says how many threads it has (see "Back-pressure").
            inboxSize = maxInFlight if maxInFlight is not None else 2 * _localCPUs()
        self.setInboxSize("inbox", inboxSize)
        self._connection: _Connection | None = None
        self._abandoned = False                   # stopped while a helper thread works
        self._handOver = threading.Lock()         # guards _abandoned and its hand-over
        self._generation = 0                      # arrivals from an earlier run are stale
        self._fetcher: _Fetcher | None = None
        self._workers: int | None = None         # the cluster's, when it connected
        self._threads: int | None = None
        self._pending: dict[int, tuple[Any, Any]] = {}    # seq -> (future, item)
        self._nextIn = 0                                  # number of the next item
        self._nextOut = 0                                 # ordered: next to send
        self._results: dict[int, Any] = {}                # ordered: seq -> outcome
        self._completedFirst: deque[Any] = deque()        # unordered: outcomes
        self._inFlight = 0
        self._submitted = 0
        self._completed = 0
        self._failed = 0

    def statistics(self) -> DaskStatistics:
        """The component's figures now (see :class:`DaskStatistics`)."""
        return DaskStatistics(
            workers=self._workers, threads=self._threads, maxInFlight=self.maxInFlight,
            inFlight=self._inFlight, waiting=self.dataReady("inbox"),
            submitted=self._submitted, completed=self._completed, failed=self._failed)

    # -------------------------------------------------------------- running
    def main(self) -> Iterator[Any]:
        outcome: Any
        try:
            try:
                yield from self._connect()
            except Exception as exc:  # noqa: BLE001 - unreachable, refused, timed out...
                outcome = self._unreachable(exc)
            else:
                outcome = yield from self._work()
                yield from self._disconnect(cancel=not isinstance(outcome, producerFinished))
        finally:
            self._release()
        if isinstance(outcome, errorInformation):
            self.send(outcome, "signal")
            outcome = shutdownMicroprocess(self)
        self.send(outcome, "signal")

    def _connect(self) -> Generator[Any, None, None]:
        address, client, owner = self._address, self._client, self.name
        timeout = self.connectTimeout

        def connect() -> _Connection:
            distributed = _distributed()
            connection = _Connection(client, ownClient=False)
            try:
                if client is None:
                    target = address
                    if address == "local":
                        # No dashboard; the scheduler's HTTP server (health,
                        # metrics) on a free loopback port: left to itself it
                        # takes port 8787, with a warning if that is taken.
                        target = connection.cluster = distributed.LocalCluster(
                            n_workers=_localCPUs(), threads_per_worker=1, processes=True,
                            dashboard_address=None,
                            scheduler_kwargs={"dashboard_address": "127.0.0.1:0"})
                    connection.client = distributed.Client(target, set_as_default=False,
                                                           timeout=timeout)
                    connection.ownClient = True
                threads = connection.client.nthreads()
            except BaseException:
                connection.close(owner, [])
                raise
            connection.workers, connection.threads = len(threads), sum(threads.values())
            return connection

        connection = yield from self._offThread("connecting", connect)
        self._connection = connection
        self._workers, self._threads = connection.workers, connection.threads
        scheduler, generation, arrived = self.scheduler, self._generation, self._arrived

        def deliver(outcomes: list[tuple[int, Any]]) -> None:
            scheduler.callFromThread(arrived, generation, outcomes)

        self._fetcher = _Fetcher(connection.client, deliver)
        if self.maxInFlight is None:
            self.maxInFlight = max(2, 2 * connection.threads)
            if self._inboxFollows:
                self.setInboxSize("inbox", self.maxInFlight)

    def _work(self) -> Generator[Any, None, ipc]:
        # A shutdownMicroprocess that came while connecting ends it before any
        # item is submitted; a producerFinished means "finish the work first".
        early = shutdownRequest(self)
        if isinstance(early, shutdownMicroprocess):
            return early
        first = [early] if early is not None else []

        def control() -> ipc | None:
            return first.pop() if first else shutdownRequest(self)

        return (yield from runUntilShutdown(self, self._turn, control))

    def _turn(self) -> bool | None:
        """One turn of work; True while items are in flight (see runUntilShutdown)."""
        heldBack = self._emit()
        if not heldBack:
            self._submit()
            heldBack = self._emit()     # items that could not be sent failed at once
        return True if self._inFlight or heldBack else None

    # ------------------------------------------------------ items out
    def _submit(self) -> None:
        assert self._connection is not None and self.maxInFlight is not None
        room = self.maxInFlight - self._inFlight
        if room <= 0 or not self.dataReady("inbox"):
            return
        seqs, items = [], []
        while room and self.dataReady("inbox"):
            seqs.append(self._nextIn)
            items.append(self.recv("inbox"))
            self._nextIn += 1
            self._inFlight += 1
            room -= 1
        client = self._connection.client
        options = {"pure": self.pure, "retries": self.retries, "resources": self.resources}
        try:
            futures = client.map(self.function, items, **options)
        except Exception:  # noqa: BLE001 - e.g. an item that cannot be pickled:
            futures = []   # find it by sending them one at a time
            for seq, item in zip(seqs, items):
                try:
                    futures.append(client.submit(self.function, item, **options))
                except Exception as exc:  # noqa: BLE001 - that item fails, the rest go on
                    futures.append(None)
                    text = "".join(tracebacks.format_exception(exc))
                    self._done(seq, _Failure(exc, text), item)
        fetcher = self._fetcher
        assert fetcher is not None
        loop = client.loop
        for seq, item, future in zip(seqs, items, futures):
            if future is None:
                continue
            self._pending[seq] = (future, item)
            self._submitted += 1
            loop.add_callback(fetcher.watch, seq, future)     # thread-safe

    # ------------------------------------------------------ results in
    def _arrived(self, generation: int, outcomes: list[tuple[int, Any]]) -> None:
        """In the scheduler's thread: the outcomes of some items have come."""
        if generation != self._generation:
            return                              # from a run that has ended
        pending = self._pending
        for seq, outcome in outcomes:
            entry = pending.pop(seq, None)
            if entry is not None:
                self._done(seq, outcome, entry[1])
        self.unpause()

    def _done(self, seq: int, outcome: Any, item: Any) -> None:
        if isinstance(outcome, _Failure):
            outcome = TaskFailed(item, seq, outcome.exception, outcome.traceback)
        if self.ordered:
            self._results[seq] = outcome
        else:
            self._completedFirst.append(outcome)

    def _emit(self) -> bool:
        """Send the outcomes that are ready; True if held back by a full inbox."""
        if self.ordered:
            results = self._results
            while self._nextOut in results:
                if not self._sendOutcome(results[self._nextOut]):
                    return True
                del results[self._nextOut]
                self._nextOut += 1
        else:
            ready = self._completedFirst
            while ready:
                if not self._sendOutcome(ready[0]):
                    return True
                ready.popleft()
        return False

    def _sendOutcome(self, outcome: Any) -> bool:
        """Send one outcome where it goes; False if its destination is full."""
        failed = isinstance(outcome, TaskFailed)
        if outcome is not None:
            try:
                self.send(outcome, "error" if failed else "outbox")
            except noSpaceInBox:
                return False
        if failed:
            self._failed += 1
            if self.logFailures:
                log.warning("%s: %s: %s; sent out of 'error'", self.name,
                            self.functionName, outcome)
        self._inFlight -= 1
        self._completed += 1
        return True

    # -------------------------------------------------------------- ending
    def _unreachable(self, exc: BaseException) -> errorInformation:
        where = ("could not start its LocalCluster" if self._address == "local" else
                 "could not use its Dask client" if self._client is not None else
                 f"could not connect to the Dask scheduler at {self._address!r}")
        text = (f"{self.name}: {where} ({type(exc).__name__}: {exc}); "
                f"{self.dataReady('inbox')} item(s) waiting were not processed")
        log.error("%s", text)
        return errorInformation(self, exc, text)

    def _disconnect(self, cancel: bool) -> Generator[Any, None, None]:
        connection, owner = self._connection, self.name
        futures = [future for future, _ in self._pending.values()] if cancel else []
        self._forget()
        if connection is None or not (futures or connection.ownClient or connection.cluster):
            self._connection = None
            return
        yield from self._offThread("closing", lambda: connection.close(owner, futures))
        self._connection = None

    def _forget(self) -> None:
        """Drop what is in flight; outcomes still on their way are ignored."""
        self._generation += 1
        self._pending.clear()
        self._fetcher = None

    def _offThread(self, what: str, work: Callable[[], Any]) -> Generator[Any, None, Any]:
        """Run ``work()`` in a helper thread, pausing until it is done; its result
        (or exception). Should the component be stopped meanwhile, a connection
        made too late is closed by that thread (see :meth:`_release`)."""
        outcome: list[tuple[bool, Any]] = []

        def run() -> None:
            try:
                result: tuple[bool, Any] = (True, work())
            except BaseException as exc:  # noqa: BLE001 - handed to the component
                result = (False, exc)
            with self._handOver:
                late = self._abandoned
                outcome.append(result)
            if late and isinstance(result[1], _Connection):
                result[1].close(self.name, [])
            self.unpause()          # thread-safe; the wake-up is not lost (see Axon.Scheduler)

        thread = threading.Thread(target=run, name=f"{self.name} {what}", daemon=True)
        thread.start()
        while not outcome:
            self.pause()
            yield 1
        thread.join()                       # (it has finished, or as good as)
        ok, value = outcome[0]
        if not ok:
            raise value
        return value

    def _release(self) -> None:
        """Make sure nothing is left running (for close-downs, e.g. when stopped)."""
        with self._handOver:
            self._abandoned = True              # a connection made after now closes itself
        if self._connection is not None:
            connection, self._connection = self._connection, None
            futures = [future for future, _ in self._pending.values()]
            self._forget()
            connection.close(self.name, futures)

    def _closeDownMicroprocess(self) -> Any:
        self._release()
        return super()._closeDownMicroprocess()


class _Fetcher:
    """Waits for the tasks of one run and fetches their results, on the
    client's event loop (so every method here runs in that loop's thread).

    Each task is awaited on its own (``watch``) without fetching its result;
    the results of the tasks that have finished are then fetched together,
    one batch at a time, and handed on with ``deliver([(seq, outcome),
    ...])``. One batch at a time because Dask joins the fetches that are
    pending at once into one request, which a single result that cannot be
    unpickled here would spoil for all: a batch that fails is fetched again
    one item at a time, so that only the culprit fails.
    """

    def __init__(self, client: Any, deliver: Callable[[list[tuple[int, Any]]], None]) -> None:
        self.client = client
        self.deliver = deliver
        self.finished: list[tuple[int, Any]] = []       # (seq, future) to fetch
        self.fetching = False

    async def watch(self, seq: int, future: Any) -> None:
        exception = await future.exception()            # waits; fetches nothing
        if future.status == "finished":
            self.finished.append((seq, future))
            if not self.fetching:
                await self.fetchFinished()
            return
        if exception is not None:                       # the task failed
            tb = await future.traceback()               # the worker's frames
            text = "".join(tracebacks.format_exception(type(exception), exception, tb))
            self.deliver([(seq, _Failure(exception, text))])
            return
        try:
            await future                                # cancelled (or lost): why
        except Exception as exc:  # noqa: BLE001 - distributed's CancelledError
            self.deliver([(seq, _Failure(exc, ""))])
        else:
            self.finished.append((seq, future))         # finished after all
            if not self.fetching:
                await self.fetchFinished()

    async def fetchFinished(self) -> None:
        self.fetching = True
        try:
            while self.finished:
                batch, self.finished = self.finished, []
                self.deliver(await self.fetch(batch))
        finally:
            self.fetching = False

    async def fetch(self, batch: list[tuple[int, Any]]) -> list[tuple[int, Any]]:
        try:
            values = await self.client.gather([future for _, future in batch])
        except asyncio.CancelledError:
            raise                                       # the event loop is closing
        except Exception as exc:  # noqa: BLE001 - e.g. a result that cannot be unpickled
            if len(batch) > 1:
                outcomes: list[tuple[int, Any]] = []
                for one in batch:
                    outcomes += await self.fetch([one])
                return outcomes
            return [(batch[0][0], _Failure(exc, "".join(tracebacks.format_exception(exc))))]
        return [(seq, value) for (seq, _), value in zip(batch, values)]


def _checkTarget(owner: str, distributed: Any, client: Any, address: Any) -> Any:
    """The client to use (None: one is made from ``address`` when activated)."""
    if client is not None and address is not None:
        raise ValueError(f"{owner}: give client or address, not both (client={client!r}, "
                         f"address={address!r})")
    if client is not None:
        if not isinstance(client, distributed.Client):
            raise TypeError(f"{owner}: client must be a distributed.Client, not {client!r}")
        if client.status in ("closing", "closed"):
            raise ValueError(f"{owner}: client {client!r} is closed")
        return client
    if address is None:
        try:
            return distributed.default_client()
        except ValueError:
            raise ValueError(f"{owner}: no Dask client to use: pass client=Client(...), or "
                             "address='tcp://host:8786', a cluster object, or 'local' to "
                             "start a LocalCluster") from None
    if isinstance(address, str):
        if not address.strip():
            raise ValueError(f"{owner}: address must not be empty, not {address!r}")
    elif not isinstance(address, distributed.deploy.Cluster):
        raise TypeError(f"{owner}: address must be a scheduler address such as "
                        f"'tcp://host:8786', 'local', or a Dask cluster object such as a "
                        f"LocalCluster, not {address!r}")
    return None


def _checkResources(owner: str, resources: Any) -> None:
    if resources is None:
        return
    if not isinstance(resources, dict):
        raise TypeError(f"{owner}: resources must be a dict such as {{'GPU': 1}}, "
                        f"not {resources!r}")
    for name, amount in resources.items():
        if not isinstance(name, str):
            raise TypeError(f"{owner}: resource names must be str, not {name!r}")
        positiveNumber(owner, f"resources[{name!r}]", amount)


def _localCPUs() -> int:
    """CPUs this process may use (as Dask counts them: affinity and cgroup limits)."""
    from dask.system import CPU_COUNT
    return max(1, CPU_COUNT)
