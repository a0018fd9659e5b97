"""ProcessPoolTransformer: map a function over messages in a pool of worker processes.

Example Usage
-------------
Hash blocks on every core; the digests come out in the order the blocks
went in. The function must be importable by the worker processes (a function
of a module, not a lambda), and the system is started under ``if __name__
== "__main__":`` because each worker re-imports the main module::

    import zlib
    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.ProcessPoolTransformer import ProcessPoolTransformer
    from Kamaelia.Util.PureTransformer import PureTransformer
    from Kamaelia.Util.Console import ConsoleEchoer

    if __name__ == "__main__":
        Pipeline(
            DataSource([bytes([n]) * 1_000_000 for n in range(8)]),
            ProcessPoolTransformer(zlib.crc32, inboxSize=None),
            PureTransformer(lambda crc: f"{crc:08x}\\n"),
            ConsoleEchoer(),
        ).run()

(``inboxSize=None`` because ``DataSource`` does not handle a full inbox; see
"Back-pressure" below.)

How does it work?
-----------------
``ProcessPoolTransformer(function, workers=None, ordered=True,
maxInFlight=None, inboxSize=<maxInFlight>)`` starts ``workers`` processes
(default: one per CPU this process may use) when it is activated, with
``forkserver`` on Linux and ``spawn`` elsewhere (never a bare ``fork``, which
is unsafe when the parent has threads). Each worker is joined to the
component by a pipe of its own, which the component's scheduler watches: the
component is woken when results arrive, with no polling and no thread.

Items taken from ``"inbox"`` are numbered and handed to the least busy
worker; all the items a worker gets in one turn travel as one pickled batch.
A worker computes ``function(item)`` for each, in turn, and sends the results
back in batches too (whatever it finished within a couple of milliseconds).
Results leave ``"outbox"`` in input order (with ``ordered=False``, as they
complete). As for ``PureTransformer``, a ``None`` result sends nothing.

Back-pressure
-------------
At most ``maxInFlight`` items (default: 4 per worker) are *in flight*:
taken from ``"inbox"`` and not yet sent on, whether a worker has them or
their result waits for an earlier one. Beyond that, items wait in
``"inbox"``, which is size-limited to ``inboxSize`` (default: the same as
``maxInFlight``), so a fast producer is refused with ``noSpaceInBox`` and
woken when there is room again: memory stays bounded however fast it is.
Producers must handle ``noSpaceInBox`` (pause and retry when woken, as
Kamaelia's file readers do); to feed it from one that does not, such as
``DataSource``, pass ``inboxSize=None`` (its inbox then grows as needed).
Likewise, when ``"outbox"`` leads to a full inbox, results wait and no new
items are taken. :meth:`ProcessPoolTransformer.statistics` reports the
figures.

Shutdown
--------
* ``producerFinished`` on ``"control"``: every item already received
  (in flight or still waiting in ``"inbox"``) is processed and its result
  sent; then the workers are closed and joined, the message is passed on out
  of ``"signal"`` and the component ends.
* ``shutdownMicroprocess``: work is cancelled: items in flight are dropped,
  busy workers are terminated, idle ones closed, all joined; the message is
  passed on out of ``"signal"`` and the component ends.

Failures
--------
* The function raising on an item: logged (logger
  ``Kamaelia.Util.ProcessPoolTransformer``) with the item's repr and the
  worker's traceback; the item is skipped and the rest go on.
* An item, or a result, that cannot be pickled: logged as an error naming
  the component, the box (``"inbox"`` or ``"outbox"``) and the type, and
  skipped; the rest go on, in order. (Logged rather than raised: the
  producer's ``send`` has long returned by the time it is pickled.)
* A worker process dying (killed by a signal, ``os._exit``, a crash in C
  code): logged with how it ended and how many items were lost; the other
  workers are cancelled, ``errorInformation(self, ProcessDied(...), text)``
  and then ``shutdownMicroprocess(self)`` are sent out of ``"signal"`` and
  the component ends. Workers are not restarted: an item that kills its
  worker would kill the next one too.

What it does not do: the function gets one item at a time (no chunking of
an item into parts); workers are started for each activation and do not
outlive the component; the function cannot be changed while it runs.
"""

from __future__ import annotations

import logging
import os
import pickle
import reprlib
import sys
import time
import traceback
from collections import deque
from dataclasses import dataclass
from typing import Any, Callable, Generator, Iterator

from Axon.AxonExceptions import noSpaceInBox
from Axon.Component import component
from Axon.Ipc import errorInformation, ipc, producerFinished, shutdownMicroprocess
from Axon.experimental._pipes import (FrameDecoder, PipeChannel, ProcessDied, awaitExit,
                                      describeExit, dumps, encodeFrame, ignoreInterrupts,
                                      loads, processContext, readSome, reap, typeName,
                                      writeAll)
from Kamaelia._shutdown import runUntilShutdown
from Kamaelia.Util._arguments import callableArgument, positiveInt

__all__ = ["ProcessPoolTransformer", "PoolStatistics"]

log = logging.getLogger("Kamaelia.Util.ProcessPoolTransformer")

#: A worker sends what it has finished once this many seconds have passed.
_RESULT_DELAY = 0.002
_SKIPPED = object()          # stands for "no result to send" in the reorder buffer
_SAME_AS_IN_FLIGHT: Any = object()


@dataclass(frozen=True, slots=True)
class PoolStatistics:
    """What :meth:`ProcessPoolTransformer.statistics` returns.

    - workers     -- number of worker processes
    - maxInFlight -- the limit on items in flight
    - inFlight    -- items taken from "inbox" whose result has not been sent
      (or skipped) yet
    - waiting     -- items waiting in "inbox"
    - submitted   -- items handed to workers so far
    - completed   -- items whose result has been sent or skipped so far
    """

    workers: int
    maxInFlight: int
    inFlight: int
    waiting: int
    submitted: int
    completed: int


class _Worker:
    """One worker process, its pipe, and the items it has not answered."""

    __slots__ = ("process", "channel", "busy", "fatal")

    def __init__(self, process: Any, channel: PipeChannel) -> None:
        self.process = process
        self.channel = channel
        self.busy = 0
        self.fatal: str | None = None     # why it could not start, if it said so


class _WorkerDied(ipc):
    """Ends the main loop: ``worker`` closed its pipe without being asked to."""

    def __init__(self, worker: _Worker) -> None:
        self.worker = worker


class ProcessPoolTransformer(component):
    """ProcessPoolTransformer(function, workers=None, ordered=True, maxInFlight=None,
    inboxSize=maxInFlight) -> sends function(item) for each item, computed in worker processes

    Arguments:

    - function    -- picklable callable of one argument (a module-level function)
    - workers     -- number of worker processes (default: the CPUs available)
    - ordered     -- results in input order (True) or as they complete (False)
    - maxInFlight -- most items taken in and not yet sent on (default: 4 per worker)
    - inboxSize   -- size limit of "inbox" (default: maxInFlight; None: unlimited)
    """

    Inboxes = {"inbox": "items to pass to the function (size-limited: see inboxSize)",
               "control": "producerFinished: finish the work, then pass it on; "
                          "shutdownMicroprocess: cancel the work and pass it on"}
    Outboxes = {"outbox": "function(item) for each item (None results are not sent)",
                "signal": "the shutdown message received, or errorInformation then "
                          "shutdownMicroprocess if a worker process died"}

    #: Seconds a worker may take to exit once its pipe is closed before it is terminated.
    exitTimeout: float = 5.0

    def __init__(self, function: Callable[[Any], Any], workers: int | None = None,
                 ordered: bool = True, maxInFlight: int | None = None,
                 inboxSize: int | None = _SAME_AS_IN_FLIGHT, **argd: Any) -> None:
        owner = "ProcessPoolTransformer"
        callableArgument(owner, "function", function)
        if workers is None:
            workers = _availableCPUs()
        positiveInt(owner, "workers", workers)
        if maxInFlight is None:
            maxInFlight = 4 * workers
        positiveInt(owner, "maxInFlight", maxInFlight)
        if not isinstance(ordered, bool):
            raise TypeError(f"{owner}: ordered must be True or False, not {ordered!r}")
        if inboxSize is _SAME_AS_IN_FLIGHT:
            inboxSize = maxInFlight
        elif inboxSize is not None:
            positiveInt(owner, "inboxSize", inboxSize)
        try:
            self._function = pickle.dumps(function, pickle.HIGHEST_PROTOCOL)
        except Exception as exc:
            raise TypeError(f"{owner}: function {function!r} cannot be pickled, so worker "
                            f"processes cannot run it ({type(exc).__name__}: {exc}); use a "
                            "function defined at the top level of a module") from exc
        super().__init__(**argd)
        self.functionName: str = getattr(function, "__qualname__", repr(function))
        self.workers = workers
        self.ordered = ordered
        self.maxInFlight = maxInFlight
        self.setInboxSize("inbox", inboxSize)
        self._pool: list[_Worker] = []
        self._nextIn = 0                                   # number of the next item
        self._nextOut = 0                                  # ordered: next to send
        self._results: dict[int, Any] = {}                 # ordered: seq -> result
        self._completedFirst: deque[Any] = deque()         # unordered: results
        self._inFlight = 0
        self._submitted = 0
        self._completed = 0

    def statistics(self) -> PoolStatistics:
        """The pool's figures now (see :class:`PoolStatistics`)."""
        return PoolStatistics(workers=self.workers, maxInFlight=self.maxInFlight,
                              inFlight=self._inFlight, waiting=self.dataReady("inbox"),
                              submitted=self._submitted, completed=self._completed)

    # -------------------------------------------------------------- running
    def main(self) -> Iterator[Any]:
        outcome: Any
        try:
            try:
                self._startWorkers()
            except Exception as exc:  # noqa: BLE001 - e.g. out of file descriptors
                outcome = self._failed(f"could not start its worker processes "
                                       f"({type(exc).__name__}: {exc})", None)
            else:
                outcome = yield from runUntilShutdown(self, self._turn)
                if isinstance(outcome, _WorkerDied):
                    outcome = yield from self._workerDied(outcome.worker)
                yield from self._stopWorkers(cancel=not isinstance(outcome, producerFinished))
        finally:
            self._release()
        if isinstance(outcome, errorInformation):
            self.send(outcome, "signal")
            outcome = shutdownMicroprocess(self)
        self.send(outcome, "signal")

    def _startWorkers(self) -> None:
        context = processContext()
        for number in range(self.workers):
            ours, theirs = context.Pipe(duplex=True)
            try:
                process = context.Process(target=_work, args=(theirs, self._function),
                                          name=f"{self.name} worker {number}", daemon=True)
                process.start()
            except BaseException:
                ours.close()
                raise
            finally:
                theirs.close()
            worker = _Worker(process, PipeChannel(ours, self))
            self._pool.append(worker)
            worker.channel.start(self.scheduler)

    def _turn(self) -> Any:
        """One turn of work; True while items are in flight (see runUntilShutdown)."""
        died = self._takeArrivals()
        if died is not None:
            return died
        heldBack = self._emit()
        if not heldBack:
            self._submit()
        return True if self._inFlight or heldBack else None

    # ------------------------------------------------------ items out
    def _submit(self) -> None:
        room = self.maxInFlight - self._inFlight
        if room <= 0 or not self.dataReady("inbox"):
            return
        recv, pool = self.recv, self._pool
        batches: dict[_Worker, tuple[list[int], list[Any]]] = {}
        while room and self.dataReady("inbox"):
            item = recv("inbox")
            seq = self._nextIn
            self._nextIn += 1
            self._inFlight += 1
            room -= 1
            worker = min(pool, key=_busy)
            worker.busy += 1
            seqs, items = batches.setdefault(worker, ([], []))
            seqs.append(seq)
            items.append(item)
        for worker, (seqs, items) in batches.items():
            try:
                blob = dumps(items)
            except Exception:  # noqa: BLE001 - find the culprits one by one
                seqs, items = self._picklableOnly(worker, seqs, items)
                if not seqs:
                    continue
                blob = dumps(items)
            worker.channel.send((seqs, blob))
            self._submitted += len(seqs)

    def _picklableOnly(self, worker: _Worker, seqs: list[int],
                       items: list[Any]) -> tuple[list[int], list[Any]]:
        keptSeqs, keptItems = [], []
        for seq, item in zip(seqs, items):
            try:
                dumps(item)
            except Exception as exc:  # noqa: BLE001
                log.error("%s: cannot pass an item of type %s from its inbox 'inbox' to a "
                          "worker process (%s: %s); the item was skipped, the others go "
                          "on in order", self.name, typeName(item), type(exc).__name__, exc)
                worker.busy -= 1
                self._done(seq, _SKIPPED)
            else:
                keptSeqs.append(seq)
                keptItems.append(item)
        return keptSeqs, keptItems

    # ------------------------------------------------------ results in
    def _takeArrivals(self) -> _WorkerDied | None:
        for worker in self._pool:
            channel = worker.channel
            while True:
                frame = channel.nextObject()
                if frame is None:
                    break
                if frame[0] == "results":
                    self._takeResults(worker, *frame[1:])
                else:                      # "fatal": the worker could not start
                    worker.fatal = frame[1]
            if channel.eof:
                return _WorkerDied(worker)
        return None

    def _takeResults(self, worker: _Worker, seqs: list[int], blob: bytes,
                     errors: list[tuple[int, str]]) -> None:
        try:
            values = loads(blob)
        except Exception as exc:  # noqa: BLE001 - e.g. a class the parent cannot import
            log.error("%s: could not unpickle the results of %d item(s) from worker %d "
                      "(%s: %s); they were skipped", self.name, len(seqs),
                      worker.process.pid, type(exc).__name__, exc)
            values = [_SKIPPED] * len(seqs)
        for seq, value in zip(seqs, values):
            self._done(seq, value)
        for seq, text in errors:
            log.error("%s: %s", self.name, text)
            self._done(seq, _SKIPPED)
        worker.busy -= len(seqs) + len(errors)

    def _done(self, seq: int, value: Any) -> None:
        if self.ordered:
            self._results[seq] = value
        else:
            self._completedFirst.append(value)

    def _emit(self) -> bool:
        """Send the results that are ready; True if held back by a full outbox."""
        send = self.send
        if self.ordered:
            results = self._results
            while self._nextOut in results:
                value = results[self._nextOut]
                if value is not _SKIPPED and value is not None:
                    try:
                        send(value, "outbox")
                    except noSpaceInBox:
                        return True
                del results[self._nextOut]
                self._nextOut += 1
                self._inFlight -= 1
                self._completed += 1
        else:
            ready = self._completedFirst
            while ready:
                value = ready[0]
                if value is not _SKIPPED and value is not None:
                    try:
                        send(value, "outbox")
                    except noSpaceInBox:
                        return True
                ready.popleft()
                self._inFlight -= 1
                self._completed += 1
        return False

    # -------------------------------------------------------------- ending
    def _workerDied(self, worker: _Worker) -> Generator[Any, None, errorInformation]:
        process, worker.process = worker.process, None
        pid = process.pid
        exitcode = yield from awaitExit(self, process, self.exitTimeout)
        how = (f"could not start: {worker.fatal}" if worker.fatal is not None
               else describeExit(exitcode))
        return self._failed(f"worker process {pid} {how}; {worker.busy} item(s) it had "
                            f"were lost", exitcode, pid)

    def _failed(self, how: str, exitcode: int | None, pid: int | None = None) -> errorInformation:
        text = f"{self.name}: {how}"
        log.error("%s; cancelling the other workers", text)
        died = ProcessDied(text, component=self.name, pid=pid, exitcode=exitcode)
        return errorInformation(self, died, text)

    def _stopWorkers(self, cancel: bool) -> Iterator[Any]:
        """Close every worker's pipe (idle ones exit); when cancelling, terminate
        busy ones; wait for all to exit, without blocking the scheduler."""
        for worker in self._pool:
            worker.channel.close()
            if cancel and worker.busy and worker.process is not None:
                worker.process.terminate()
        for worker in self._pool:
            if worker.process is not None:
                process, worker.process = worker.process, None
                yield from awaitExit(self, process, self.exitTimeout)

    def _release(self) -> None:
        """Make sure every worker has ended and been joined (for close-downs)."""
        for worker in self._pool:
            worker.channel.close()
            if worker.process is not None:
                process, worker.process = worker.process, None
                reap(process, 0.5)
        self._pool = []

    def _closeDownMicroprocess(self) -> Any:
        self._release()
        return super()._closeDownMicroprocess()


def _busy(worker: _Worker) -> int:
    return worker.busy


def _availableCPUs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:        # not on this platform
        return os.cpu_count() or 1


# --------------------------------------------------------------- the worker
def _work(conn: Any, function: bytes) -> None:
    """A worker process: compute ``function(item)`` for each item that arrives.

    Frames in: ``(seqs, pickled items)``. Frames out: ``("results", seqs,
    pickled values, [(seq, error text), ...])``, or ``("fatal", text)`` if
    the function cannot be unpickled. Ends when the pipe closes.
    """
    ignoreInterrupts()
    fd = conn.fileno()

    def send(frame: Any) -> None:
        writeAll(fd, encodeFrame(dumps(frame)))

    try:
        run = pickle.loads(function)
    except Exception as exc:  # noqa: BLE001 - reported to the parent
        send(("fatal", f"{type(exc).__name__}: {exc}"))
        sys.exit(1)
    decoder = FrameDecoder()
    queue: deque[tuple[int, Any]] = deque()
    seqs: list[int] = []
    values: list[Any] = []
    errors: list[tuple[int, str]] = []
    since = 0.0
    try:
        while True:
            if not queue:
                while not decoder.hasFrame():
                    if not readSome(fd, decoder):
                        return                      # the parent closed the pipe
            elif conn.poll(0) and not readSome(fd, decoder):
                return
            while (frame := decoder.nextFrame()) is not None:
                frameSeqs, blob = loads(frame)
                try:
                    queue.extend(zip(frameSeqs, loads(blob)))
                except Exception as exc:  # noqa: BLE001 - e.g. a class we cannot import
                    errors.extend((seq, f"a worker could not unpickle item #{seq} "
                                        f"({type(exc).__name__}: {exc}); skipped")
                                  for seq in frameSeqs)
            if queue:
                if not (seqs or errors):
                    since = time.monotonic()
                seq, item = queue.popleft()
                try:
                    value = run(item)
                except Exception as exc:  # noqa: BLE001 - reported, the item skipped
                    errors.append((seq, f"function raised {type(exc).__name__}: {exc} on "
                                        f"item {reprlib.repr(item)}; skipped\n"
                                        + "".join(traceback.format_exception(exc)).rstrip()))
                else:
                    seqs.append(seq)
                    values.append(value)
            if (seqs or errors) and (not queue or time.monotonic() - since > _RESULT_DELAY):
                blob = _pickleResults(seqs, values, errors)     # may move some to errors
                send(("results", seqs, blob, errors))
                seqs, values, errors = [], [], []
    except BrokenPipeError:
        return                                      # cancelled: nobody wants the results
    finally:
        conn.close()


def _pickleResults(seqs: list[int], values: list[Any], errors: list[tuple[int, str]]) -> bytes:
    """Pickle ``values``; one that cannot be pickled moves (with its seq) to ``errors``."""
    try:
        return dumps(values)
    except Exception:  # noqa: BLE001 - find the culprits one by one
        pass
    keptSeqs, keptValues = [], []
    for seq, value in zip(seqs, values):
        try:
            dumps(value)
        except Exception as exc:  # noqa: BLE001
            errors.append((seq, f"the result of type {typeName(value)} for item #{seq} "
                                f"cannot be pickled to leave its outbox 'outbox' "
                                f"({type(exc).__name__}: {exc}); skipped"))
        else:
            keptSeqs.append(seq)
            keptValues.append(value)
    seqs[:] = keptSeqs
    return dumps(keptValues)
