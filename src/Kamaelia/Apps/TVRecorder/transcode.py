"""Kamaelia.Apps.TVRecorder.transcode: recordings become H.264/AAC MP4 (and HLS), a few at a time.

Example Usage
-------------
Transcode a finished recording into ``web/news/``: an MP4, an HLS
playlist, a poster and a page that plays it::

    import subprocess
    import tempfile
    from pathlib import Path
    from Kamaelia.Apps.TVRecorder.transcode import TranscodeJob, TranscodeQueue, recordingSettings
    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Util.Console import ConsoleEchoer
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.PureTransformer import PureTransformer

    with tempfile.TemporaryDirectory() as folder:
        recording = Path(folder, "news.ts")
        subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-f", "lavfi", "-i",
                        "testsrc=size=320x180:rate=25:duration=2", "-f", "lavfi", "-i",
                        "sine=duration=2", "-c:v", "mpeg2video", "-c:a", "mp2", str(recording)],
                       check=True)
        Pipeline(
            DataSource([TranscodeJob(str(recording), output=str(Path(folder, "web")))]),
            TranscodeQueue(concurrency=2, settings=recordingSettings(hls=True)),
            PureTransformer(lambda result: f"{result}\\n"),
            ConsoleEchoer(),
        ).run()
        # finished news: .../web/news/180p.mp4 (2.0 s)

A job may also be a dict, ``{"path": "news.ts", "output": "web", "name": "News"}``.
Link ``"status"`` to see how it goes: ``queued film: 2 waiting``,
``started news: 1 running, 2 waiting``, ``transcoding news: 42%``,
``finished news in 3.1 s``.

Watching while it records: :class:`LiveHLS` takes the recording's bytes as
they come and keeps a growing HLS playlist (here inside the same ``with``
block, with the whole recording as one message)::

    from Kamaelia.Apps.TVRecorder.transcode import LiveHLS

    Pipeline(
        DataSource([Path(folder, "news.ts").read_bytes()]),     # a recorder, really
        LiveHLS(Path(folder, "news-live"), settings=recordingSettings(hls_segment_seconds=1)),
        PureTransformer(lambda event: f"{event}\\n"),
        ConsoleEchoer(),
    ).run()
    # live news-live: 2 segments, 2.0 s
    # live news-live: 2 segments, 2.0 s, ended

How does it work?
-----------------
:class:`TranscodeQueue` keeps the jobs it is given in a FIFO queue and
runs at most ``concurrency`` of them at once (default: one per core this
process may use; each ffmpeg is given its share of the cores as
``-threads``). A job runs in a worker process of its own, a Python that
calls :func:`Kamaelia.Apps.Transcoder.video.transcode` -- the transcoder
app's probing, ffmpeg command lines, progress parsing and checks, reused
as they are -- and reports its progress and outcome as JSON lines on its
standard output. The worker is a :class:`~Kamaelia.File.UnixProcess.UnixProcess`
child, in a process group of its own with its ffmpeg and ffprobe, so the
scheduler is never blocked. Nothing outlives a job: a worker told to end
(``SIGTERM``) kills its ffmpeg and waits for it before it exits, and once
a worker has ended, whatever is left in its group (the ffmpeg of a worker
killed from outside, by the OOM killer say) is sent ``SIGKILL``.

The files of a job are made in a hidden staging folder,
``OUTPUT/.partial-NAME``, and moved to ``OUTPUT/NAME`` only when all of
them are made, so a half-made folder is never mistaken for a finished one.
``NAME`` is the job's ``name``, or the recording's file name without
``.ts``; when ``OUTPUT/NAME`` is already there, ``NAME-2``, ``NAME-3``...
What is made there (see :mod:`Kamaelia.Apps.Transcoder.video`):
``<rung>.mp4`` (H.264/AAC, ``+faststart``), ``poster.jpg``, ``index.html``
and, with ``settings.hls``, ``hls/master.m3u8`` and its segments.
:func:`recordingSettings` gives the settings for broadcast recordings:
one rung of at most 720 lines (a 576-line SD recording keeps its size,
its non-square pixels made square) and no thumbnail strip (it decodes the
whole recording once more).

The recording itself is only read: a job that fails keeps its ``.ts``
where it was, and so does one that succeeds (deleting it is the caller's
choice).

Messages
^^^^^^^^
* out of ``"outbox"``, one :class:`TranscodeResult` per job, in the order
  the jobs finish: the files made, or why not (``reason``: the recording's
  path, then the refusal with ffmpeg's last error lines);
* out of ``"status"``, :class:`TranscodeStatus` events (``str()`` of one
  is its status line): ``queued``, ``started``, ``progress`` (no more than
  :attr:`TranscodeQueue.progressPerSecond` per job, and only when the
  percentage changes), ``finished``, ``failed``, ``cancelled``.

Something on ``"inbox"`` that is not a job (nor a dict that makes one) is
logged as an error and skipped.

Ending
^^^^^^
* ``producerFinished`` on ``"control"``: every job already received
  is run to its end (queued ones too) and its result sent; then the message
  is passed on out of ``"signal"``.
* ``shutdownMicroprocess``: running jobs are stopped (their worker's
  process group gets ``SIGTERM``, then ``SIGKILL`` two seconds later if
  still there; the worker kills its ffmpeg at once), their staging folders
  removed; each running and queued job gets a result with
  ``cancelled=True``; once every worker has ended the message is passed on
  out of ``"signal"``. No ffmpeg is left running.
* Stopped from outside (``stop()``, the scheduler stopping): the workers
  are stopped the same way, by the UnixProcess children's own clean-up, but
  no results are sent and staging folders may be left; the next job of
  the same name clears its stale staging folder first.

LiveHLS
^^^^^^^
:class:`LiveHLS` runs one ffmpeg (a :class:`~Kamaelia.File.UnixProcess.UnixProcess`
child) reading the transport stream from its standard input and writing
an HLS ``EVENT`` playlist (``-hls_playlist_type event -hls_list_size 0``:
every segment stays listed, so a viewer can seek back to the start) into
its folder, ``index.m3u8`` and ``segmentNNNNN.ts``. Its command line is
its own (``video.transcode`` reads files, not a stream): the same codecs,
quality and segment length as the settings say, at most the ladder's
tallest rung in height with square pixels, and interlaced pictures
deinterlaced (``bwdif``, only the frames flagged interlaced, as broadcast
ones are). A radio service (sound only) makes a playlist of sound only.
It looks at the playlist when ffmpeg reports progress and every
:attr:`LiveHLS.checkInterval` seconds while ffmpeg runs, and sends a
:class:`LivePlaylist` out of ``"outbox"`` each time segments have been
added, and a last one (``ended=True``) when ffmpeg has ended.

If ffmpeg falls behind, input waits for it, up to ``backlog`` messages
(messages, not bytes: a burst of more at once loses the rest too); beyond
that, what arrives is dropped (ffmpeg resynchronises over the gap) and
counted in ``LivePlaylist.dropped``, so a slow encoder never holds up or
bloats the recorder feeding it. ``producerFinished`` on ``"control"``
closes ffmpeg's input once what is waiting has been written: ffmpeg
finishes the playlist (``#EXT-X-ENDLIST``) and ends; ``shutdownMicroprocess``
stops ffmpeg (it still finishes the playlist). Either is passed on out of
``"signal"`` once ffmpeg has ended. If ffmpeg fails (it cannot read the
stream, the folder cannot be written), the last event says why (its last
error lines) and further input is discarded until ``"control"`` says
to end. A folder that already has an ``index.m3u8`` is refused the same way,
rather than overwritten. Stopped from outside (``stop()``), its ffmpeg
is stopped by the UnixProcess child's own clean-up.

What it does not do: it does not make an MP4 (transcode the finished
``.ts`` for that), and ffmpeg's ``analyzeDuration`` (5 s, as ffmpeg's own
default) of stream is read before the first segment can start.

Compared with 1.14
^^^^^^^^^^^^^^^^^^
1.14's ``Macro`` piped each programme, as it was recorded, into a
``mencoder`` of its own (``ProgrammeTranscoder``), making a DivX AVI, with
no limit on how many ran at once. Here finished recordings are queued for
as many ffmpeg processes as there are cores, and the live path
(:class:`LiveHLS`) makes HLS for watching while it records.
"""

from __future__ import annotations

import json
import logging
import math
import os
import reprlib
import shutil
import signal
import subprocess
import sys
import time
from collections import deque
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping

from Axon.AdaptiveCommsComponent import AdaptiveCommsComponent
from Axon.AxonExceptions import noSpaceInBox
from Axon.Component import component
from Axon.Ipc import producerFinished, shutdownMicroprocess, shutdownRequest
from Kamaelia.Apps.Transcoder.config import VideoSettings
from Kamaelia.Apps.Transcoder.renditions import Refused
# (_tail: ffmpeg's last error lines, quoted as the transcoder quotes them)
from Kamaelia.Apps.Transcoder.video import _tail, parsePlaylist, transcode
from Kamaelia.File.UnixProcess import UnixProcess, makeNonBlocking
from Kamaelia.File.messages import describeExit, fileError
from Kamaelia.Util._arguments import positiveInt, positiveNumber

__all__ = ["TranscodeQueue", "TranscodeJob", "TranscodeResult", "TranscodeStatus",
           "LiveHLS", "LivePlaylist", "recordingSettings"]

log = logging.getLogger("Kamaelia.Apps.TVRecorder.transcode")

#: Where a job's files are made before they are moved into place.
STAGING_PREFIX = ".partial-"
#: The bytes of a worker's or ffmpeg's error output kept for a failure report.
_ERROR_BYTES = 8192
#: A line from a worker longer than this is not one of ours.
_MAX_LINE = 1 << 20


def recordingSettings(**changes: Any) -> VideoSettings:
    """recordingSettings(**changes) -> the VideoSettings for broadcast recordings.

    One rung, ``"720p"`` (an SD recording keeps its 576 lines), and no
    thumbnail strip; ``changes`` are any other
    :class:`~Kamaelia.Apps.Transcoder.config.VideoSettings` fields (e.g.
    ``hls=True``).
    """
    values: dict[str, Any] = {"ladder": {"720p": 720}, "thumbnails": 0}
    values.update(changes)
    return VideoSettings(**values)


def _availableCores() -> int:
    """The cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


# ------------------------------------------------------------------- messages

def _checkName(name: Any, where: str) -> None:
    """Raise ValueError unless ``name`` can be the name of a folder of its own."""
    if not isinstance(name, str) or name in ("", "..") or name.startswith(".") \
            or "/" in name or os.sep in name or "\0" in name:
        raise ValueError(f"TranscodeJob: {where} {name!r} cannot be a folder name (it must "
                         "be a plain name, not starting with '.'); give name=")


@dataclass(frozen=True, slots=True)
class TranscodeJob:
    """TranscodeJob(path, output, name=None) -> one recording to transcode

    - path   -- the finished recording (a ``.ts`` file)
    - output -- the folder to make its folder in (made if missing)
    - name   -- that folder's name (default: the recording's name without
      its ending)

    Bad values raise ``TypeError`` or ``ValueError`` naming them.
    """

    path: str
    output: str
    name: str | None = None

    def __post_init__(self) -> None:
        for key in ("path", "output"):
            value = getattr(self, key)
            if not isinstance(value, (str, os.PathLike)) or not os.fspath(value):
                raise TypeError(f"TranscodeJob: {key} must name a file or folder, "
                                f"not {value!r}")
            object.__setattr__(self, key, os.fspath(value))
        if self.name is not None:
            _checkName(self.name, "name")
        else:
            _checkName(Path(self.path).stem, "the recording's name")

    @property
    def folderName(self) -> str:
        """The name its folder is given (before ``-2``, ``-3`` are added to make it free)."""
        return self.name if self.name is not None else Path(self.path).stem

    @classmethod
    def fromMessage(cls, message: Any) -> "TranscodeJob":
        """A job from a TranscodeJob or a dict of its fields; else TypeError or ValueError."""
        if isinstance(message, cls):
            return message
        if isinstance(message, Mapping):
            unknown = sorted(set(map(str, message)) - {"path", "output", "name"})
            if unknown:
                raise TypeError(f"TranscodeJob: no field {unknown[0]!r} (the fields are "
                                "path, output and name)")
            missing = [key for key in ("path", "output") if key not in message]
            if missing:
                raise TypeError(f"TranscodeJob: {dict(message)!r} has no {missing[0]!r}")
            return cls(**dict(message))
        raise TypeError(f"not a TranscodeJob or a dict of one: {reprlib.repr(message)}")


@dataclass(frozen=True)
class TranscodeResult:
    """What became of a :class:`TranscodeJob`.

    - ok        -- all its files were made
    - folder    -- the folder they are in (None when not ok)
    - mp4       -- the MP4 (H.264/AAC)
    - playlist  -- the HLS master playlist (None without ``settings.hls``)
    - poster    -- the poster picture
    - duration  -- seconds of video in the MP4
    - files     -- every file made (the HLS segments apart)
    - reason    -- when not ok: the recording's path and why (ffmpeg's last error lines)
    - cancelled -- it was stopped, or never started, because of a ``shutdownMicroprocess``
    - seconds   -- how long it ran
    """

    job: TranscodeJob
    ok: bool
    folder: str | None = None
    mp4: str | None = None
    playlist: str | None = None
    poster: str | None = None
    duration: float | None = None
    files: tuple[str, ...] = ()
    reason: str = ""
    cancelled: bool = False
    seconds: float = 0.0

    def __str__(self) -> str:
        name = self.job.folderName
        if self.ok:
            return f"finished {name}: {self.mp4} ({self.duration or 0:.1f} s)"
        return f"{'cancelled' if self.cancelled else 'failed'} {name}: {self.reason}"


@dataclass(frozen=True, slots=True)
class TranscodeStatus:
    """One status event; ``str()`` of it is its status line.

    - event   -- ``"queued"``, ``"started"``, ``"progress"``, ``"finished"``,
      ``"failed"`` or ``"cancelled"``
    - name    -- the job's folder name
    - percent -- how far it is (``"progress"`` only)
    - running -- jobs running, after this event
    - waiting -- jobs queued, after this event
    - seconds -- how long it ran (the last three events)
    - reason  -- why it failed (``"failed"`` only)
    """

    event: str
    name: str
    percent: int | None = None
    running: int = 0
    waiting: int = 0
    seconds: float | None = None
    reason: str = ""

    def __str__(self) -> str:
        if self.event == "progress":
            return f"transcoding {self.name}: {self.percent}%"
        if self.event == "queued":
            return f"queued {self.name}: {self.waiting} waiting"
        if self.event == "started":
            return f"started {self.name}: {self.running} running, {self.waiting} waiting"
        line = f"{self.event} {self.name} in {self.seconds or 0:.1f} s"
        return f"{line}: {self.reason}" if self.reason else line


# ---------------------------------------------------------------- the worker

#: The worker's program: ``python -c _WORKER <Kamaelia's folder> <request>``.
_WORKER = ("import sys; sys.path.insert(0, sys.argv[1]); "
           "from Kamaelia.Apps.TVRecorder.transcode import _work; _work()")
#: The folder Kamaelia is imported from, so the worker imports the same one.
_ROOT = str(Path(__file__).resolve().parents[3])


def _say(message: Mapping[str, Any]) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def _endOnTerm(signum: int, frame: Any) -> None:
    # Raised inside transcode(): its clean-up kills the ffmpeg it is running.
    raise SystemExit(128 + signum)


def _work() -> None:
    """A worker process's main: transcode ``sys.argv[2]``'s request, telling
    how it goes as JSON lines (``{"fraction": ...}``, then ``{"ok": ...}``)."""
    signal.signal(signal.SIGTERM, _endOnTerm)
    _say({"group": os.getpgrp()})     # so that the queue can make sure nothing of it outlives it
    request = json.loads(sys.argv[2])
    settings = VideoSettings(**request["settings"])
    try:
        result = transcode(Path(request["source"]), Path(request["staging"]), settings,
                           lambda step, fraction: _say({"step": step, "fraction": fraction}))
    except Refused as refusal:
        _say({"ok": False, "reason": refusal.reason})
    except Exception as exc:  # noqa: BLE001 - a full disk, no ffmpeg: told, not raised
        _say({"ok": False, "reason": f"{type(exc).__name__}: {exc}"})
    else:
        _say({"ok": True, "manifest": result.asManifest()})


class _Pace:
    """Lets a job's progress through at most once every ``interval`` seconds,
    and only when the percentage has changed."""

    __slots__ = ("interval", "timefunc", "percent", "when")

    def __init__(self, interval: float, timefunc: Callable[[], float]) -> None:
        self.interval = interval
        self.timefunc = timefunc
        self.percent: int | None = None
        self.when = -float("inf")

    def allows(self, percent: int) -> bool:
        if percent == self.percent:
            return False
        now = self.timefunc()
        if now - self.when < self.interval:
            return False
        self.percent, self.when = percent, now
        return True


@dataclass(eq=False)
class _Running:
    """A job whose worker runs, and the boxes that join it to the queue."""

    job: TranscodeJob
    final: Path
    staging: Path
    worker: UnixProcess
    output: str               # our inbox for its standard output
    errors: str               # ... its standard error
    ended: str                # ... its signal
    control: str              # our outbox to its control
    began: float
    pace: _Pace
    lines: bytearray = field(default_factory=bytearray)
    stderr: bytearray = field(default_factory=bytearray)
    outcome: dict[str, Any] | None = None
    group: int | None = None      # the worker's process group (its ffmpeg is in it)
    cancelled: bool = False


def _freeFolder(output: Path, name: str, taken: set[Path]) -> Path:
    """``output/name``, or ``name-2``, ``name-3``... whichever is neither there nor taken."""
    candidate, number = output / name, 1
    while candidate in taken or os.path.lexists(candidate):
        number += 1
        candidate = output / f"{name}-{number}"
    return candidate


# ------------------------------------------------------------------ the queue

class TranscodeQueue(AdaptiveCommsComponent):
    """TranscodeQueue(concurrency=None, settings=None) -> transcodes recordings, a few at once

    - concurrency -- most jobs run at once (default: the cores available)
    - settings    -- a :class:`~Kamaelia.Apps.Transcoder.config.VideoSettings`
      (default: :func:`recordingSettings`); ``threads`` 0 gives each
      ffmpeg an equal share of the cores, the cores divided by ``concurrency``
    - timefunc    -- the clock that paces the progress events (default ``time.monotonic``)
    """

    Inboxes = {"inbox": "TranscodeJobs (or dicts of their fields)",
               "control": "producerFinished: finish every job, then pass it on; "
                          "shutdownMicroprocess: stop them, then pass it on"}
    Outboxes = {"outbox": "a TranscodeResult per job",
                "status": "TranscodeStatus events (str(): a status line)",
                "signal": "the shutdown message, once every job has ended"}

    #: Most progress events per second per job.
    progressPerSecond: float = 4.0

    def __init__(self, concurrency: int | None = None, settings: VideoSettings | None = None,
                 timefunc: Callable[[], float] = time.monotonic, **argd: Any) -> None:
        owner = "TranscodeQueue"
        cores = _availableCores()
        concurrency = cores if concurrency is None else concurrency
        positiveInt(owner, "concurrency", concurrency)
        if settings is None:
            settings = recordingSettings()
        elif not isinstance(settings, VideoSettings):
            raise TypeError(f"{owner}: settings must be a VideoSettings, not {settings!r}")
        if settings.threads == 0:
            settings = replace(settings, threads=max(1, cores // concurrency))
        if not callable(timefunc):
            raise TypeError(f"{owner}: timefunc must be callable, not {timefunc!r}")
        super().__init__(**argd)
        positiveNumber(owner, "progressPerSecond", self.progressPerSecond)
        self.concurrency = concurrency
        self.settings = settings
        self.timefunc = timefunc
        self._waiting: deque[TranscodeJob] = deque()
        self._running: list[_Running] = []
        self._stopping = False
        # Process groups never to be taken for a worker's: "all of ours", init's, ours.
        self._notTheirs = {0, 1, os.getpgrp()}

    # ------------------------------------------------------------------ main
    def main(self) -> Iterator[Any]:
        request: producerFinished | shutdownMicroprocess | None = None
        while True:
            self._takeJobs()
            self._serviceWorkers()
            if request is None:
                request = shutdownRequest(self)
                if isinstance(request, shutdownMicroprocess):
                    self._cancelAll()
            if request is not None and not self._running and not self._waiting \
                    and not self.dataReady("inbox"):
                break
            if not self.anyReady():
                self.pause()
            yield 1
        self.send(request, "signal")

    def _closeDownMicroprocess(self) -> Any:
        # Stopped from outside while workers run: their own clean-up stops them.
        for running in self._running:
            running.worker.stop()
        return super()._closeDownMicroprocess()

    # ------------------------------------------------------------------ jobs in
    def _takeJobs(self) -> None:
        added = []
        for message in self.Inbox("inbox"):
            try:
                job = TranscodeJob.fromMessage(message)
            except (TypeError, ValueError) as exc:
                log.error("%s: skipped a message that is not a job: %s", self.name, exc)
                continue
            if self._stopping:
                self._finish(TranscodeResult(job, False, reason="cancelled before it started",
                                             cancelled=True), "cancelled")
                continue
            self._waiting.append(job)
            added.append(job)
        self._startWaiting()
        for job in added:
            if any(job is waiting for waiting in self._waiting):
                self._status("queued", job.folderName)

    def _startWaiting(self) -> None:
        while self._waiting and len(self._running) < self.concurrency:
            self._start(self._waiting.popleft())

    def _start(self, job: TranscodeJob) -> None:
        began = self.timefunc()
        output = Path(os.path.abspath(job.output))
        source = os.path.abspath(job.path)
        if not os.path.isfile(source):
            self._fail(job, "there is no such recording", began)
            return
        final = _freeFolder(output, job.folderName, {r.final for r in self._running})
        staging = output / (STAGING_PREFIX + final.name)
        try:
            output.mkdir(parents=True, exist_ok=True)
            shutil.rmtree(staging, ignore_errors=True)     # a killed run's
            staging.mkdir()
        except OSError as exc:
            self._fail(job, f"cannot make {str(staging)!r}: {exc.strerror or exc}", began)
            return
        request = {"source": source, "staging": str(staging), "settings": asdict(self.settings)}
        worker = UnixProcess([sys.executable, "-c", _WORKER, _ROOT, json.dumps(request)])
        running = _Running(job, final, staging, worker, self.addInbox("_worker"),
                           self.addInbox("_workerErrors"), self.addInbox("_workerSignal"),
                           self.addOutbox("_workerControl"), began,
                           _Pace(1.0 / self.progressPerSecond, self.timefunc))
        self.link((worker, "outbox"), (self, running.output))
        self.link((worker, "error"), (self, running.errors))
        self.link((worker, "signal"), (self, running.ended))
        self.link((self, running.control), (worker, "control"))
        self.addChildren(worker)
        self._running.append(running)
        worker.activate()
        self._status("started", job.folderName)

    def _cancelAll(self) -> None:
        self._stopping = True
        while self._waiting:
            job = self._waiting.popleft()
            self._finish(TranscodeResult(job, False, reason="cancelled before it started",
                                         cancelled=True), "cancelled")
        for running in self._running:
            running.cancelled = True
            self.send(shutdownMicroprocess(self), running.control)

    # ----------------------------------------------------------- the workers
    def _serviceWorkers(self) -> None:
        for running in list(self._running):
            for chunk in self.Inbox(running.output):
                self._readLines(running, chunk)
            for chunk in self.Inbox(running.errors):
                running.stderr += chunk
                del running.stderr[:-_ERROR_BYTES]
            if self.dataReady(running.ended):
                self._ended(running, self.recv(running.ended))
                if not self._stopping:
                    self._startWaiting()        # at once: before others' ends are told

    def _readLines(self, running: _Running, chunk: bytes) -> None:
        running.lines += chunk
        *lines, rest = running.lines.split(b"\n")
        running.lines = bytearray(rest if len(rest) <= _MAX_LINE else b"")
        for line in lines:
            try:
                said = json.loads(line)
            except ValueError:
                said = None
            if not isinstance(said, dict):
                log.warning("%s: the worker for %s said something unexpected: %s",
                            self.name, running.job.path, reprlib.repr(line))
            elif "ok" in said:
                running.outcome = said
            elif isinstance(said.get("group"), int) and said["group"] not in self._notTheirs:
                running.group = said["group"]
            elif isinstance(said.get("fraction"), (int, float)) and not running.cancelled \
                    and math.isfinite(said["fraction"]):
                percent = max(0, min(100, int(said["fraction"] * 100)))
                if running.pace.allows(percent):
                    self._status("progress", running.job.folderName, percent=percent)

    def _ended(self, running: _Running, ending: Any) -> None:
        """The worker has ended (or could not start): say how the job went."""
        self._forget(running)
        job, outcome, began = running.job, running.outcome, running.began
        if running.cancelled:
            shutil.rmtree(running.staging, ignore_errors=True)
            self._finish(TranscodeResult(job, False, reason="cancelled while it ran",
                                         cancelled=True, seconds=self.timefunc() - began),
                         "cancelled")
        elif outcome is not None and outcome.get("ok") is True:
            self._succeeded(running, outcome.get("manifest") or {})
        else:
            shutil.rmtree(running.staging, ignore_errors=True)
            self._fail(job, self._whyNot(running, ending), began)

    def _forget(self, running: _Running) -> None:
        self._running.remove(running)
        self.removeChild(running.worker)
        for box in (running.output, running.errors, running.ended):
            self.deleteInbox(box)
        self.deleteOutbox(running.control)
        if running.group is not None:
            # A worker killed from outside (the OOM killer, say) leaves its
            # ffmpeg running, still in its group: end that too. (A group's id
            # is not reused while the group has members, so this hits no one else.)
            try:
                os.killpg(running.group, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass                    # nothing left of it: the usual case

    @staticmethod
    def _whyNot(running: _Running, ending: Any) -> str:
        """Why a job that did not succeed failed."""
        if running.outcome is not None:
            return str(running.outcome.get("reason") or "no reason given")
        if isinstance(ending, fileError):
            return f"the worker process could not be started: {ending}"
        returncode = getattr(ending, "returncode", None)
        how = f" ({describeExit('worker', returncode)})" if returncode is not None else ""
        errors = _tail(bytes(running.stderr)) or "no error output"
        return f"the worker process ended without a result{how}: {errors}"

    def _succeeded(self, running: _Running, manifest: Mapping[str, Any]) -> None:
        job, final = running.job, running.final
        try:
            os.rename(running.staging, final)
        except OSError as exc:
            shutil.rmtree(running.staging, ignore_errors=True)
            self._fail(job, f"cannot move its files to {str(final)!r}: {exc.strerror or exc}",
                       running.began)
            return
        renditions = [r for r in manifest.get("renditions") or [] if isinstance(r, dict)]

        def first(test: Callable[[dict[str, Any]], bool]) -> dict[str, Any] | None:
            return next((r for r in renditions if test(r)), None)

        mp4 = first(lambda r: r.get("kind") == "video" and r.get("format") == "mp4")
        master = first(lambda r: r.get("kind") == "playlist" and r.get("name") == "hls")
        poster = first(lambda r: r.get("kind") == "poster")

        def where(rendition: dict[str, Any] | None) -> str | None:
            return str(final / rendition["path"]) if rendition else None

        self._finish(TranscodeResult(
            job, True, folder=str(final), mp4=where(mp4), playlist=where(master),
            poster=where(poster), duration=mp4.get("duration") if mp4 else None,
            files=tuple(str(final / r["path"]) for r in renditions),
            seconds=self.timefunc() - running.began), "finished")

    # ------------------------------------------------------------ telling
    def _fail(self, job: TranscodeJob, why: str, began: float) -> None:
        log.error("%s: %s: %s", self.name, job.path, why)
        self._finish(TranscodeResult(job, False, reason=f"{job.path}: {why}",
                                     seconds=self.timefunc() - began), "failed")

    def _finish(self, result: TranscodeResult, event: str) -> None:
        self.send(result, "outbox")
        self._status(event, result.job.folderName, seconds=result.seconds,
                     reason=result.reason if event == "failed" else "")

    def _status(self, event: str, name: str, percent: int | None = None,
                seconds: float | None = None, reason: str = "") -> None:
        self.send(TranscodeStatus(event, name, percent, len(self._running), len(self._waiting),
                                  seconds, reason), "status")


# -------------------------------------------------------------------- live

@dataclass(frozen=True, slots=True)
class LivePlaylist:
    """How far a :class:`LiveHLS` playlist has got; ``str()`` is a status line.

    - path     -- the playlist, ``FOLDER/index.m3u8``
    - segments -- segments listed in it
    - seconds  -- their total length
    - ended    -- ffmpeg has ended (the last event)
    - reason   -- why ffmpeg ended early, when it did (its last error lines)
    - dropped  -- bytes of input dropped because ffmpeg had fallen behind
    """

    path: str
    segments: int
    seconds: float
    ended: bool = False
    reason: str = ""
    dropped: int = 0

    def __str__(self) -> str:
        name = Path(self.path).parent.name
        line = f"live {name}: {self.segments} segments, {self.seconds:.1f} s"
        if self.reason:
            return f"{line}, failed: {self.reason}"
        return f"{line}, ended" if self.ended else line


def _liveCommand(settings: VideoSettings, analyzeDuration: float) -> list[str]:
    """The ffmpeg that reads a transport stream on its standard input and
    writes ``index.m3u8`` and its segments in the folder it runs in."""
    height = max(settings.ladder.values())
    lines = f"trunc(min(ih\\,{height})/2)*2"        # at most the tallest rung, even
    pictures = (f"bwdif=mode=send_frame:parity=auto:deint=interlaced,"
                f"scale=w=trunc({lines}*dar/2)*2:h={lines},setsar=1,format=yuv420p")
    seconds = settings.hls_segment_seconds
    threads = ["-threads", str(settings.threads)] if settings.threads > 0 else []
    return [settings.ffmpeg, "-hide_banner", "-loglevel", "error", "-progress", "pipe:1",
            "-nostats", "-analyzeduration", str(int(analyzeDuration * 1e6)),
            "-f", "mpegts", "-i", "pipe:0", "-map", "0:v:0?", "-map", "0:a:0?",
            "-vf", pictures, "-c:v", "libx264", "-preset", settings.preset,
            "-crf", str(settings.crf),
            # segments are cut at keyframes: one at the start of each
            "-force_key_frames", f"expr:gte(t,n_forced*{seconds})",
            "-c:a", "aac", "-b:a", settings.audio_bitrate, "-ac", "2", *threads,
            "-f", "hls", "-hls_time", str(seconds), "-hls_list_size", "0",
            "-hls_playlist_type", "event", "-hls_flags", "independent_segments+temp_file",
            "-hls_segment_filename", "segment%05d.ts", "index.m3u8"]


class _LiveProcess(UnixProcess):
    """The live ffmpeg, run inside the playlist's folder: it is given plain
    names, so no character of the folder's name (a ``%`` that the segment
    writer would take for a pattern) can confuse it."""

    def __init__(self, command: list[str], folder: Path, **argd: Any) -> None:
        super().__init__(command, **argd)
        self.folder = folder

    def openSubprocess(self) -> subprocess.Popen[bytes]:
        # UnixProcess's own, with the folder to run in.
        process = subprocess.Popen(self.command, bufsize=0, process_group=0, cwd=self.folder,
                                   stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE)
        for pipe in (process.stdin, process.stdout, process.stderr):
            if pipe is not None:
                makeNonBlocking(pipe)
        return process


class LiveHLS(component):
    """LiveHLS(folder, settings=None, analyzeDuration=5.0, backlog=1000) -> HLS while it records

    - folder          -- where ``index.m3u8`` and its segments go (made if missing)
    - settings        -- a :class:`~Kamaelia.Apps.Transcoder.config.VideoSettings`
      (default: :func:`recordingSettings`): codecs' quality, segment length,
      the tallest rung's height
    - analyzeDuration -- seconds of stream ffmpeg reads to find the streams
    - backlog         -- input messages that may wait for ffmpeg before more are dropped
    """

    Inboxes = {"inbox": "the recording's transport stream as it is made (bytes)",
               "control": "producerFinished: the recording has ended, finish the playlist; "
                          "shutdownMicroprocess: stop ffmpeg now",
               "_progress": "ffmpeg's progress reports",
               "_errors": "ffmpeg's error output",
               "_ended": "ffmpeg's end"}
    Outboxes = {"outbox": "LivePlaylist events: segments added; the last says it has ended",
                "signal": "the shutdown message, once ffmpeg has ended",
                "_stream": "to ffmpeg's standard input",
                "_control": "to ffmpeg's control"}

    #: Seconds between looks at the playlist while ffmpeg runs.
    checkInterval: float = 0.5

    def __init__(self, folder: str | os.PathLike[str], settings: VideoSettings | None = None,
                 analyzeDuration: float = 5.0, backlog: int = 1000, **argd: Any) -> None:
        owner = "LiveHLS"
        if not isinstance(folder, (str, os.PathLike)) or not os.fspath(folder):
            raise TypeError(f"{owner}: folder must name a folder, not {folder!r}")
        if settings is None:
            settings = recordingSettings()
        elif not isinstance(settings, VideoSettings):
            raise TypeError(f"{owner}: settings must be a VideoSettings, not {settings!r}")
        positiveNumber(owner, "analyzeDuration", analyzeDuration)
        positiveInt(owner, "backlog", backlog)
        super().__init__(**argd)
        positiveNumber(owner, "checkInterval", self.checkInterval)
        self.folder = Path(os.path.abspath(os.fspath(folder)))
        self.playlist = self.folder / "index.m3u8"
        self.settings = settings
        self.analyzeDuration = analyzeDuration
        self.backlog = backlog
        self._ffmpeg: _LiveProcess | None = None
        self._stderr = bytearray()
        self._seen: tuple[int, int] | None = None      # the playlist's (mtime, size) read
        self._looked = -float("inf")                     # when it was last looked at
        self._segments: list[tuple[float, str]] = []
        self._dropped = 0
        self._discarded = 0

    def main(self) -> Iterator[Any]:
        failure = self._startFfmpeg()
        if failure is not None:
            self._report(failure)
        request: producerFinished | shutdownMicroprocess | None = None
        while True:
            self._feed()
            running = self._ffmpeg is not None
            self._serviceFfmpeg()
            if request is None:
                request = shutdownRequest(self)
                if request is not None and self._ffmpeg is not None:
                    ask = producerFinished if isinstance(request, producerFinished) \
                        else shutdownMicroprocess
                    self.send(ask(self), "_control")
            if request is not None and self._ffmpeg is None:
                break
            if not self.anyReady():
                self.pause(self.checkInterval if running else None)
            yield 1
        if self._discarded:
            log.warning("%s: %d bytes of stream arrived after ffmpeg had ended and were "
                        "discarded", self.name, self._discarded)
        self.send(request, "signal")

    def _closeDownMicroprocess(self) -> Any:
        if self._ffmpeg is not None:        # stopped from outside: its clean-up stops it
            self._ffmpeg.stop()
        return super()._closeDownMicroprocess()

    # ------------------------------------------------------------------ ffmpeg
    def _startFfmpeg(self) -> str | None:
        """Start ffmpeg; or say why not."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            return f"cannot make {str(self.folder)!r}: {exc.strerror or exc}"
        if os.path.lexists(self.playlist):
            return f"{str(self.playlist)!r} is there already (it is not overwritten)"
        ffmpeg = self._ffmpeg = _LiveProcess(_liveCommand(self.settings, self.analyzeDuration),
                                             self.folder)
        ffmpeg.setInboxSize("inbox", self.backlog)
        self.link((self, "_stream"), (ffmpeg, "inbox"))
        self.link((self, "_control"), (ffmpeg, "control"))
        self.link((ffmpeg, "outbox"), (self, "_progress"))
        self.link((ffmpeg, "error"), (self, "_errors"))
        self.link((ffmpeg, "signal"), (self, "_ended"))
        self.addChildren(ffmpeg)
        ffmpeg.activate()
        return None

    def _feed(self) -> None:
        for data in self.Inbox("inbox"):
            size = len(data) if isinstance(data, (bytes, bytearray, memoryview)) else 0
            if self._ffmpeg is None:
                self._discarded += size
                continue
            try:
                self.send(data, "_stream")
            except noSpaceInBox:
                self._dropped += size     # ffmpeg has fallen behind: keep the recorder going

    def _serviceFfmpeg(self) -> None:
        progressed = False
        for _ in self.Inbox("_progress"):
            progressed = True             # what it says does not matter: it wrote something
        for chunk in self.Inbox("_errors"):
            self._stderr += chunk
            del self._stderr[:-_ERROR_BYTES]
        if self._ffmpeg is None:
            return
        if progressed or time.monotonic() - self._looked >= self.checkInterval:
            self._lookAtPlaylist()
        if self.dataReady("_ended"):
            self._ffmpegEnded(self.recv("_ended"))

    def _ffmpegEnded(self, ending: Any) -> None:
        ffmpeg = self._ffmpeg
        assert ffmpeg is not None
        self._ffmpeg = None
        self.removeChild(ffmpeg)
        returncode = getattr(ending, "returncode", None)
        failure = ""
        if isinstance(ending, fileError):
            failure = f"ffmpeg could not be started: {ending}"
        elif not isinstance(ending, shutdownMicroprocess) and returncode != 0:
            exit = describeExit("ffmpeg", returncode) if returncode is not None else "ffmpeg ended"
            failure = f"{exit}: {_tail(bytes(self._stderr)) or 'no error output'}"
        self._lookAtPlaylist()
        self._report(failure)

    # ---------------------------------------------------------------- playlist
    def _lookAtPlaylist(self) -> None:
        """Read the playlist if it has changed; tell of new segments."""
        self._looked = time.monotonic()
        try:
            facts = os.stat(self.playlist)
        except OSError:
            return                        # not written yet
        seen = (facts.st_mtime_ns, facts.st_size)
        if seen == self._seen:
            return
        self._seen = seen
        try:
            text = self.playlist.read_text("utf-8", "replace")
        except OSError:
            return
        segments = parsePlaylist(text)
        if len(segments) > len(self._segments):
            self._segments = segments
            if self._ffmpeg is not None:
                self.send(self._event(), "outbox")

    def _event(self, ended: bool = False, reason: str = "") -> LivePlaylist:
        return LivePlaylist(str(self.playlist), len(self._segments),
                            round(float(sum(seconds for seconds, _ in self._segments)), 3),
                            ended, reason, self._dropped)

    def _report(self, failure: str) -> None:
        """The last event: ffmpeg has ended (or never started)."""
        if failure:
            log.error("%s: %s", self.name, failure)
        self.send(self._event(ended=True, reason=failure), "outbox")


__kamaelia_components__ = (TranscodeQueue, LiveHLS)
