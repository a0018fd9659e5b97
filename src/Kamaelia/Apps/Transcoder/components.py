"""Kamaelia.Apps.Transcoder.components: the transcoder as a Kamaelia component.

Example Usage
-------------
Transcode what is in ``uploads/`` into ``transcoded/`` with two worker
processes, print what happens, and end (``once=True``)::

    from Kamaelia.Apps.Transcoder.components import TranscoderService
    from Kamaelia.Apps.Transcoder.config import TranscoderConfig
    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Util.Console import ConsoleEchoer
    from Kamaelia.Util.PureTransformer import PureTransformer

    if __name__ == "__main__":
        config = TranscoderConfig(incoming=["uploads"], output="transcoded", workers=2)
        Pipeline(
            TranscoderService(config, once=True),
            PureTransformer(lambda event: f"{event}\\n"),
            ConsoleEchoer(),
        ).run()

(``kamaelia transcode`` is this, with a progress display; see
:mod:`Kamaelia.Apps.Transcoder.main`.)

How does it work?
-----------------
:class:`TranscoderService` owns its children and wires them to itself::

    DirectoryWatcher (one per incoming folder, "complete" events)
        -> the service: Workflow.accept -> a Job
    the service -> the pool (ProcessPoolTransformer(runJob), or
                   DaskTransformer(runJob) with config.dask)
        -> the service: Workflow.finish -> an Outcome
    SimplePeer (UDP, progress datagrams from the workers) -> the service

Out of ``"outbox"`` come :class:`Queued` (a job was accepted) and
:class:`~.workflow.Outcome` (done, failed, duplicate) events; out of
``"progress"``, :class:`~.progress.ItemProgress` reports. The service keeps
its own queue of jobs and hands the pool at most ``maxInFlight`` at a time
(two per worker), so an item is "running" in the state only once a worker
can start it, and a long video does not sit behind another worker's queue.

It ends when asked (``producerFinished`` or ``shutdownMicroprocess`` on
``"control"``: the watchers stop, what is in the pool is finished or
cancelled, queued items stay queued for the next run) or, with
``once=True``, when every file that was in the incoming folders at start,
and every job it recovered, has been dealt with. If the pool itself fails
(a worker process crashes), the service stops and :attr:`failure` says why;
the item is redone on the next start.
"""

from __future__ import annotations

import logging
import math
import os
import time
from collections import deque
from dataclasses import dataclass
from typing import Any, Iterator

from Axon.AdaptiveCommsComponent import AdaptiveCommsComponent
from Axon.Ipc import producerFinished, shutdownMicroprocess
from Kamaelia.File.DirectoryWatcher import DirectoryWatcher, FileEvent
from Kamaelia.Internet.UDP import SimplePeer

from .config import TranscoderConfig
from .jobs import Job, JobResult, runJob
from .progress import BadProgress, parseProgress
from .workflow import Outcome, Workflow

__all__ = ["TranscoderService", "Queued", "defaultWorkers", "ffmpegThreadsFor"]

log = logging.getLogger("Kamaelia.Apps.Transcoder")


@dataclass(frozen=True)
class Queued:
    """A source was accepted and waits for a worker."""

    name: str
    kind: str
    checksum: str

    def __str__(self) -> str:
        return f"queued {self.kind} {self.name!r}"


def defaultWorkers() -> int:
    """One worker per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def ffmpegThreadsFor(workers: int) -> int:
    """Threads for each ffmpeg when ``workers`` may run at once: the cores, shared."""
    return max(1, defaultWorkers() // workers)


class TranscoderService(AdaptiveCommsComponent):
    """TranscoderService(config, once=False, pool=None) -> the transcoder, wired

    - config -- a :class:`~.config.TranscoderConfig`
    - once   -- end when what was there at start has been dealt with
    - pool   -- a component to map :func:`~.jobs.runJob` with instead of the
                one ``config`` asks for (it must send one result per job)
    """

    Inboxes = {"inbox": "unused", "control": "producerFinished / shutdownMicroprocess: stop",
               "_files": "FileEvents from the watchers",
               "_results": "JobResults from the pool",
               "_datagrams": "progress datagrams from the workers",
               "_poolSignal": "the pool's signal",
               "_childSignal": "the watchers' and the progress peer's signals"}
    Outboxes = {"outbox": "Queued and Outcome events",
                "progress": "ItemProgress reports",
                "signal": "the shutdown message, once everything has ended",
                "_jobs": "Jobs to the pool"}

    def __init__(self, config: TranscoderConfig, once: bool = False, pool: Any = None,
                 **argd: Any) -> None:
        super().__init__(**argd)
        self.config = config
        self.once = once
        self.workers = config.workers or defaultWorkers()
        self.maxInFlight = 2 * self.workers
        self.progressPeer = SimplePeer(localaddr="127.0.0.1", localport=0)
        self.workflow = Workflow(config, progressTo=self.progressPeer.localaddress,
                                 ffmpegThreads=ffmpegThreadsFor(self.workers))
        self.pool = pool if pool is not None else self._makePool()
        self.watchers = [DirectoryWatcher(folder, events=["complete", "deleted"],
                                          initialScan=True, settle=config.settle,
                                          include=config.include, exclude=config.exclude)
                         for folder in config.incoming]
        self.failure: str | None = None
        self._pending: deque[Job] = deque()
        self._sent = 0
        self._expected: set[str] = set()
        self._indexWritten = -math.inf
        self._indexStale = False

    def _makePool(self) -> Any:
        if self.config.dask is None:
            from Kamaelia.Util.ProcessPoolTransformer import ProcessPoolTransformer
            return ProcessPoolTransformer(runJob, workers=self.workers, ordered=False,
                                          maxInFlight=self.maxInFlight, inboxSize=None)
        from Kamaelia.Util.DaskTransformer import DaskTransformer
        # The cluster's size is known once connected: the transformer then
        # sets its limit from it (two per worker thread), and so do we.
        return DaskTransformer(runJob, address=self.config.dask, ordered=False,
                               inboxSize=None)

    def _limit(self) -> int:
        """How many jobs the pool may have at once."""
        if self.config.dask is not None and hasattr(self.pool, "statistics"):
            return self.pool.statistics().maxInFlight or self.maxInFlight
        return self.maxInFlight

    # --------------------------------------------------------------- main
    def _start(self) -> dict[Any, str]:
        controls = {}
        children = [self.progressPeer, self.pool, *self.watchers]
        for child in children:
            controls[child] = self.addOutbox("_control")
            self.link((self, controls[child]), (child, "control"))
            self.link((child, "signal"),
                      (self, "_poolSignal" if child is self.pool else "_childSignal"))
        for watcher in self.watchers:
            self.link((watcher, "outbox"), (self, "_files"))
        self.link((self, "_jobs"), (self.pool, "inbox"))
        self.link((self.pool, "outbox"), (self, "_results"))
        self.link((self.progressPeer, "outbox"), (self, "_datagrams"))
        for child in children:
            self.addChildren(child)
            child.activate()
        return controls

    def main(self) -> Iterator[Any]:
        for job in self.workflow.prepare():
            self._queue(job)
        if self.once:
            self._expected = {job.source for job in self._pending}
            for watcher in self.watchers:
                self._expected.update(self._alreadyThere(watcher))
        controls = self._start()
        ending: Any = None
        try:
            while ending is None:
                self._takeFiles()
                self._takeResults()
                self._takeProgress()
                self._submit()
                ending = self._ending()
                if ending is None:
                    if self.once and not self._expected and not self._pending \
                            and not self.workflow.inFlight:
                        ending = producerFinished(self)
                        break
                    self.pause()
                    yield 1
            yield from self._stopChildren(controls, ending)
        finally:
            if self._indexStale:
                self._writeIndex()
            self.workflow.close()
        self.send(ending, "signal")

    def _alreadyThere(self, watcher: DirectoryWatcher) -> set[str]:
        found = set()
        for folder, subfolders, names in os.walk(watcher.root):
            for name in names:
                path = os.path.join(folder, name)
                if os.path.isfile(path) and not os.path.islink(path) and watcher.wants(path):
                    found.add(path)
        return found

    def _ending(self) -> Any:
        while self.dataReady("control"):
            message = self.recv("control")
            if isinstance(message, (producerFinished, shutdownMicroprocess)):
                return message
        # Before we ask them to, the children end only when something failed:
        # the pool (a worker crashed) or a watcher (its folder went or cannot
        # be watched).
        for box, what in (("_poolSignal", "the worker pool"), ("_childSignal", "a watcher")):
            if self.dataReady(box):
                message = self.recv(box)
                detail = getattr(message, "message", None) or message
                self.failure = f"{what} stopped: {detail}"
                log.error("%s; queued items are kept for the next run", self.failure)
                return shutdownMicroprocess(self)
        return None

    def _stopChildren(self, controls: dict[Any, str], ending: Any) -> Iterator[Any]:
        # The pool finishes what it has (producerFinished) unless told to stop now.
        for child, box in controls.items():
            if child._isStopped():
                continue
            gentle = child is self.pool and isinstance(ending, producerFinished)
            self.send(producerFinished(self) if gentle else shutdownMicroprocess(self), box)
        while any(not child._isStopped() for child in controls):
            self._takeResults()
            self._takeProgress()
            self.pause()
            yield 1
        self._takeResults()
        for child in controls:
            self.removeChild(child)

    # ------------------------------------------------------------- the work
    def _queue(self, job: Job) -> None:
        self._pending.append(job)
        self.send(Queued(job.name, job.kind, job.checksum), "outbox")

    def _takeFiles(self) -> None:
        for event in self.Inbox("_files"):
            if not isinstance(event, FileEvent):
                continue
            if event.kind == "deleted":
                self._expected.discard(event.path)
                continue
            try:
                accepted = self.workflow.accept(event.path)
            except OSError as exc:
                log.error("%s: cannot take it: %s", event.path, exc)
                accepted = None
            self._expected.discard(event.path)
            if isinstance(accepted, Job):
                self._queue(accepted)
            elif isinstance(accepted, Outcome):
                self.send(accepted, "outbox")

    def _submit(self) -> None:
        limit = self._limit()
        while self._pending and self._sent < limit:
            job = self._pending.popleft()
            self.workflow.started(job)
            self._sent += 1
            self.send(job, "_jobs")

    def _takeResults(self) -> None:
        finished = False
        for result in self.Inbox("_results"):
            if not isinstance(result, JobResult):
                continue
            self._sent -= 1
            source = self.workflow.jobFor(result.checksum)
            outcome = self.workflow.finish(result)
            if source is not None:
                self._expected.discard(source.source)
            self.send(outcome, "outbox")
            finished = True
        # The results page is rewritten at most once a second while work goes
        # on (a page of hundreds of rows per item would cost more than the
        # item), and whenever the queue runs dry.
        idle = not self._pending and not self.workflow.inFlight
        if finished and (idle or time.monotonic() - self._indexWritten >= 1.0):
            self._writeIndex()
        elif finished:
            self._indexStale = True

    def _writeIndex(self) -> None:
        self.workflow.writeIndex()
        self._indexWritten = time.monotonic()
        self._indexStale = False

    def _takeProgress(self) -> None:
        for datagram in self.Inbox("_datagrams"):
            try:
                data = datagram[0]
                self.send(parseProgress(data), "progress")
            except (BadProgress, TypeError, IndexError) as exc:
                log.warning("a progress datagram from %r was dropped: %s",
                            datagram[1] if isinstance(datagram, tuple) and len(datagram) > 1
                            else "?", exc)


__kamaelia_components__ = (TranscoderService,)
