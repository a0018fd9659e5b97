"""Tests for Kamaelia.Apps.TVRecorder.transcode: the queue of recordings to
transcode, and live HLS while recording.

Real ffmpeg throughout, on small one-service transport streams made by
``tsfixtures.makeMultiplex``. Each test runs the component under test with a
:class:`Driver` in the scheduler: it feeds the component, records what comes
out, and reacts to events (so "mid-job" is an event seen, not a time slept).
"""

from __future__ import annotations

import logging
import os
import select
import shutil
import subprocess
import threading
import time
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import psutil
import pytest

from Axon.Component import component
from Axon.Ipc import producerFinished, shutdownMicroprocess
from Axon.Scheduler import scheduler
from Kamaelia.Apps.TVRecorder.transcode import (LiveHLS, LivePlaylist, TranscodeJob,
                                                TranscodeQueue, TranscodeResult,
                                                TranscodeStatus, _Pace, recordingSettings)
from Kamaelia.Apps.Transcoder.video import parsePlaylist
from componentharness import FakeClock
from tsfixtures import Multiplex, Service, ffprobeDuration, ffprobeStreams, makeMultiplex

#: Longest a test waits for its component to end before it gives up (and fails).
PATIENCE = 30.0
QUICK = dict(preset="ultrafast", poster_width=64)

React = Callable[["Driver", str, Any], None]


class Driver(component):
    """Feeds a component through "outbox"/"tocontrol" and records what it sends
    (``events``: (box, message)); ``react(driver, box, message)`` hears each."""

    Inboxes = {"inbox": "the component's outbox", "status": "the component's status",
               "control": "the component's signal"}
    Outboxes = {"outbox": "to the component's inbox", "tocontrol": "to its control",
                "signal": "unused"}

    def __init__(self, react: React | None = None, **argd: Any) -> None:
        super().__init__(**argd)
        self.react = react
        self.events: list[tuple[str, Any]] = []
        self.ending: Any = None
        self.timedOut = False

    def main(self) -> Iterator[Any]:
        giveUp = time.monotonic() + PATIENCE
        while True:
            self._take()
            if self.dataReady("control"):
                self.ending = self.recv("control")
                self._take()
                return
            left = giveUp - time.monotonic()
            if left <= 0 and not self.timedOut:
                self.timedOut = True
                self.send(shutdownMicroprocess(), "tocontrol")
            self.pause(max(left, 1.0))
            yield 1

    def _take(self) -> None:
        for box in ("inbox", "status"):
            for message in self.Inbox(box):
                self.events.append((box, message))
                if self.react is not None:
                    self.react(self, box, message)

    def of(self, box: str) -> list[Any]:
        return [message for where, message in self.events if where == box]


def drive(target: component, inbox: Iterable[Any] = (), control: Iterable[Any] = (),
          react: React | None = None) -> Driver:
    """Run ``target`` with a Driver until it ends; the Driver, with what it saw."""
    driver = Driver(react)
    driver.link((driver, "outbox"), (target, "inbox"))
    driver.link((driver, "tocontrol"), (target, "control"))
    driver.link((target, "outbox"), (driver, "inbox"))
    if "status" in target.outboxes:
        driver.link((target, "status"), (driver, "status"))
    driver.link((target, "signal"), (driver, "control"))
    for message in inbox:
        driver.send(message, "outbox")
    for message in control:
        driver.send(message, "tocontrol")
    target.activate()
    driver.activate()
    scheduler.run.runThreads()
    assert not driver.timedOut, f"{target.name} did not end within {PATIENCE} s"
    return driver


def lines(driver: Driver, *events: str) -> list[str]:
    """The status lines of those ``events``."""
    return [str(status) for status in driver.of("status") if status.event in events]


def endsWithin(process: psutil.Process, seconds: float) -> bool:
    """Whether ``process`` (not necessarily our child) ends within ``seconds``."""
    try:
        handle = os.pidfd_open(process.pid)
    except ProcessLookupError:
        return True
    try:
        return bool(select.select([handle], [], [], seconds)[0])
    finally:
        os.close(handle)


def ffmpegsBelowUs(using: str = "") -> list[psutil.Process]:
    """The ffmpeg processes among our descendants (whose arguments include ``using``)."""
    found = []
    for process in psutil.Process().children(recursive=True):
        try:
            if process.name() == "ffmpeg" and (not using or using in process.cmdline()):
                found.append(process)
        except psutil.NoSuchProcess:
            pass                        # it ended while we looked
    return found


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Multiplex:
    """A 3 s one-service recording, small pictures."""
    return makeMultiplex(tmp_path_factory.mktemp("rec") / "news.ts",
                         [Service(1, "BBC ONE", "BBC")], seconds=3.0, size=(160, 90))


@pytest.fixture(scope="module")
def longer(tmp_path_factory: pytest.TempPathFactory) -> Multiplex:
    """A 6 s one, for watching a playlist grow."""
    return makeMultiplex(tmp_path_factory.mktemp("rec") / "film.ts",
                         [Service(1, "BBC ONE", "BBC")], seconds=6.0, size=(160, 90))


@pytest.fixture
def recording(source: Multiplex, tmp_path: Path) -> Path:
    """This test's own copy of the 3 s recording."""
    copy = tmp_path / "rec" / "news.ts"
    copy.parent.mkdir()
    shutil.copyfile(source.path, copy)
    return copy


# ------------------------------------------------------------------ the queue

def test_a_recording_becomes_an_h264_aac_mp4_of_its_length(
        recording: Path, source: Multiplex, tmp_path: Path) -> None:
    before = recording.read_bytes()
    driver = drive(TranscodeQueue(settings=recordingSettings(**QUICK)),
                   [TranscodeJob(str(recording), str(tmp_path / "web"))], [producerFinished()])
    [result] = driver.of("inbox")
    assert result.ok, result.reason
    assert result.folder == str(tmp_path / "web" / "news") and result.playlist is None
    assert result.mp4 == str(tmp_path / "web" / "news" / "90p.mp4")
    streams = ffprobeStreams(result.mp4)
    assert sorted(s["codec_name"] for s in streams) == ["aac", "h264"]
    assert abs(ffprobeDuration(result.mp4) - source.duration) < 0.5
    assert abs((result.duration or 0) - source.duration) < 0.5
    assert result.poster is not None and Path(result.poster).stat().st_size > 0
    assert all(Path(path).is_file() for path in result.files)
    assert recording.read_bytes() == before                  # the recording is kept
    assert sorted(p.name for p in (tmp_path / "web").iterdir()) == ["news"]   # no staging
    assert lines(driver, "started", "finished")[0] == "started news: 1 running, 0 waiting"
    assert [s.event for s in driver.of("status")][-1] == "finished"
    assert any(line.startswith("transcoding news: ") and line.endswith("%")
               for line in lines(driver, "progress"))
    assert isinstance(driver.ending, producerFinished)


def test_with_concurrency_1_jobs_run_one_at_a_time_in_the_order_given(
        recording: Path, tmp_path: Path) -> None:
    jobs = [TranscodeJob(str(recording), str(tmp_path / "web"), name) for name in "abc"]
    driver = drive(TranscodeQueue(concurrency=1, settings=recordingSettings(**QUICK)), jobs,
                   [producerFinished()])
    assert lines(driver, "queued", "started")[:3] == [
        "started a: 1 running, 2 waiting", "queued b: 2 waiting", "queued c: 2 waiting"]
    assert [(s.event, s.name) for s in driver.of("status")
            if s.event in ("started", "finished")] == [
        ("started", "a"), ("finished", "a"), ("started", "b"), ("finished", "b"),
        ("started", "c"), ("finished", "c")]
    assert [r.job.name for r in driver.of("inbox")] == ["a", "b", "c"]
    assert all(r.ok for r in driver.of("inbox"))


def test_with_concurrency_2_two_run_at_once_and_the_third_waits(
        recording: Path, tmp_path: Path) -> None:
    jobs = [TranscodeJob(str(recording), str(tmp_path / "web"), name)
            for name in ("same", "same", "other")]
    driver = drive(TranscodeQueue(concurrency=2, settings=recordingSettings(**QUICK)), jobs,
                   [producerFinished()])
    order = [(s.event, s.name) for s in driver.of("status") if s.event in ("started", "finished")]
    assert order[:2] == [("started", "same"), ("started", "same")]
    assert order[2][0] == "finished" and order[3] == ("started", "other")
    # two jobs of one name at once: two folders
    assert sorted(Path(r.folder).name for r in driver.of("inbox")) == ["other", "same", "same-2"]


def test_a_broken_recording_fails_naming_the_file_and_is_kept(tmp_path: Path) -> None:
    broken = tmp_path / "junk.ts"
    broken.write_bytes(bytes(range(256)) * 800)
    driver = drive(TranscodeQueue(settings=recordingSettings(**QUICK)),
                   [{"path": str(broken), "output": str(tmp_path / "web")}], [producerFinished()])
    [result] = driver.of("inbox")
    assert not result.ok and not result.cancelled and result.folder is None
    assert result.reason.startswith(f"{broken}: ffprobe cannot read the source")
    assert "Invalid data found" in result.reason                 # ffmpeg's own words
    assert broken.read_bytes() == bytes(range(256)) * 800
    assert list((tmp_path / "web").iterdir()) == []              # no staging folder left
    assert lines(driver, "failed") == [f"failed junk in {result.seconds:.1f} s: {result.reason}"]
    assert str(result) == f"failed junk: {result.reason}"


def test_a_missing_recording_fails_without_a_worker(tmp_path: Path) -> None:
    driver = drive(TranscodeQueue(), [TranscodeJob(str(tmp_path / "gone.ts"), str(tmp_path))],
                   [producerFinished()])
    [result] = driver.of("inbox")
    assert result.reason == f"{tmp_path / 'gone.ts'}: there is no such recording"


def slowly(tmp_path: Path) -> str:
    """An ffmpeg that reads its input at the pace it plays (``-re``), so a job
    is still running when the test acts."""
    wrapper = tmp_path / "ffmpeg-re"
    wrapper.write_text('#!/bin/sh\nexec ffmpeg -re "$@"\n')
    wrapper.chmod(0o755)
    return str(wrapper)


def test_shutdown_mid_job_stops_ffmpeg_and_cancels_the_rest(
        recording: Path, tmp_path: Path) -> None:
    seen: list[psutil.Process] = []
    names: list[str] = []

    def stopWhenEncoding(driver: Driver, box: str, message: Any) -> None:
        if seen or box != "status" or message.event != "progress":
            return
        encoders = ffmpegsBelowUs(using="libx264")
        if encoders:
            seen.extend(encoders + [encoder.parent() for encoder in encoders])  # + the worker
            names.extend(process.name() for process in seen)
            driver.send(shutdownMicroprocess(), "tocontrol")

    settings = recordingSettings(ffmpeg=slowly(tmp_path), **QUICK)
    jobs = [TranscodeJob(str(recording), str(tmp_path / "web"), name) for name in ("a", "b")]
    driver = drive(TranscodeQueue(concurrency=1, settings=settings), jobs,
                   react=stopWhenEncoding)
    assert seen, "the MP4's ffmpeg was never seen running"
    assert names[0] == "ffmpeg" and names[1].startswith("python")
    assert not any(p.is_running() for p in seen) and ffmpegsBelowUs() == []
    results = {r.job.name: r for r in driver.of("inbox")}
    assert results["a"].cancelled and results["a"].reason == "cancelled while it ran"
    assert results["b"].cancelled and results["b"].reason == "cancelled before it started"
    assert list((tmp_path / "web").iterdir()) == []              # its staging is gone
    assert recording.is_file()
    assert isinstance(driver.ending, shutdownMicroprocess)


def test_a_queue_stopped_from_outside_leaves_no_ffmpeg_running(
        recording: Path, tmp_path: Path) -> None:
    seen: list[psutil.Process] = []
    queue = TranscodeQueue(settings=recordingSettings(ffmpeg=slowly(tmp_path), **QUICK))

    def stopEverything(driver: Driver, box: str, message: Any) -> None:
        encoders = ffmpegsBelowUs(using="libx264")
        if not seen and encoders:
            seen.extend(encoders + [encoder.parent() for encoder in encoders])
            queue.stop()
            driver.stop()

    driver = Driver(stopEverything)
    driver.link((driver, "outbox"), (queue, "inbox"))
    driver.link((queue, "status"), (driver, "status"))
    driver.send(TranscodeJob(str(recording), str(tmp_path / "web")), "outbox")
    queue.activate()
    driver.activate()
    scheduler.run.runThreads()
    assert seen and all(endsWithin(process, 3.0) for process in seen)
    # stopped, not left to finish: no page written (a staging folder may be left)
    assert list((tmp_path / "web").glob("*/index.html")) == []
    for thread in threading.enumerate():        # the workers' reapers, done by now
        if thread.name.endswith(" reaper"):
            thread.join(3.0)
            assert not thread.is_alive()


def test_a_worker_killed_from_outside_is_reported_and_its_ffmpeg_does_not_outlive_it(
        recording: Path, tmp_path: Path) -> None:
    seen: list[psutil.Process] = []

    def killTheWorker(driver: Driver, box: str, message: Any) -> None:
        if seen or box != "status" or message.event != "progress":
            return
        encoders = ffmpegsBelowUs(using="libx264")
        if encoders:
            seen.extend(encoders)
            encoders[0].parent().kill()             # as the OOM killer would

    settings = recordingSettings(ffmpeg=slowly(tmp_path), **QUICK)
    driver = drive(TranscodeQueue(settings=settings),
                   [TranscodeJob(str(recording), str(tmp_path / "web"))], [producerFinished()],
                   react=killTheWorker)
    # Its ffmpeg (an orphan now) has been sent SIGKILL: it ends at once, not
    # when it would have finished (two seconds on).
    assert seen and all(endsWithin(process, 1.0) for process in seen)
    [result] = driver.of("inbox")
    assert not result.ok and not result.cancelled
    assert result.reason.startswith(f"{recording}: the worker process ended without a "
                                    "result ('worker' was killed by SIGKILL)")
    assert list((tmp_path / "web").iterdir()) == [] and recording.is_file()


def test_the_hls_option_makes_a_playlist_whose_segments_ffprobe_reads(
        recording: Path, source: Multiplex, tmp_path: Path) -> None:
    settings = recordingSettings(hls=True, hls_segment_seconds=1, **QUICK)
    driver = drive(TranscodeQueue(settings=settings),
                   [TranscodeJob(str(recording), str(tmp_path))], [producerFinished()])
    [result] = driver.of("inbox")
    assert result.ok, result.reason
    master = Path(result.playlist or "")
    assert master == tmp_path / "news" / "hls" / "master.m3u8"
    [(_, variant)] = parsePlaylist(master.read_text())
    media = master.parent / variant
    segments = parsePlaylist(media.read_text())
    assert len(segments) >= 3
    for _, name in segments:
        streams = ffprobeStreams(media.parent / name)
        assert sorted(s["codec_name"] for s in streams) == ["aac", "h264"]
    assert abs(sum(seconds for seconds, _ in segments) - source.duration) < 0.5


def test_progress_gets_through_at_most_once_an_interval_and_only_when_it_changes() -> None:
    clock = FakeClock()
    pace = _Pace(0.25, clock)
    assert pace.allows(0)
    assert not pace.allows(5)                   # too soon
    clock.advance(0.25)
    assert not pace.allows(0) and pace.allows(7)
    clock.advance(10)
    assert not pace.allows(7)                   # no change, however long it has been


def test_a_message_that_is_not_a_job_is_logged_and_skipped(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    queue = TranscodeQueue()
    with caplog.at_level(logging.ERROR):
        driver = drive(queue, [42, {"path": "x.ts"}, TranscodeJob("gone.ts", str(tmp_path))],
                       [producerFinished()])
    assert [r.job.path for r in driver.of("inbox")] == ["gone.ts"]
    text = [r.getMessage() for r in caplog.records if queue.name in r.getMessage()]
    assert any("not a TranscodeJob or a dict of one: 42" in line for line in text)
    assert any("has no 'output'" in line for line in text)


def test_job_values_are_checked_at_the_door() -> None:
    with pytest.raises(TypeError, match=r"TranscodeJob: path must name a file or folder, not ''"):
        TranscodeJob("", "web")
    with pytest.raises(ValueError, match=r"TranscodeJob: name 'a/b' cannot be a folder name"):
        TranscodeJob("news.ts", "web", "a/b")
    with pytest.raises(ValueError, match=r"the recording's name '\.hidden' cannot be"):
        TranscodeJob(".hidden.ts", "web")
    with pytest.raises(TypeError, match=r"TranscodeJob: no field 'colour'"):
        TranscodeJob.fromMessage({"path": "a.ts", "output": "web", "colour": "red"})
    assert TranscodeJob.fromMessage({"path": Path("a.ts"), "output": "web"}) == \
        TranscodeJob("a.ts", "web")


def test_queue_arguments_are_checked_at_the_door() -> None:
    with pytest.raises(ValueError, match=r"TranscodeQueue: concurrency must be >= 1, not 0"):
        TranscodeQueue(concurrency=0)
    with pytest.raises(TypeError, match=r"TranscodeQueue: settings must be a VideoSettings, "
                                        r"not 'fast'"):
        TranscodeQueue(settings="fast")        # type: ignore[arg-type]


def test_the_cores_are_shared_among_the_jobs_unless_threads_are_set() -> None:
    cores = len(os.sched_getaffinity(0))
    assert TranscodeQueue(concurrency=1).settings.threads == cores
    assert TranscodeQueue(concurrency=2 * cores).settings.threads == 1
    assert TranscodeQueue(settings=recordingSettings(threads=3)).settings.threads == 3


def test_status_lines_read_as_the_docs_say() -> None:
    assert str(TranscodeStatus("progress", "news", percent=42)) == "transcoding news: 42%"
    assert str(TranscodeStatus("queued", "film", waiting=3)) == "queued film: 3 waiting"
    assert str(TranscodeStatus("finished", "news", seconds=3.14)) == "finished news in 3.1 s"
    result = TranscodeResult(TranscodeJob("n.ts", "w"), True, mp4="w/n/720p.mp4", duration=2)
    assert str(result) == "finished n: w/n/720p.mp4 (2.0 s)"


# ------------------------------------------------------------------ live HLS

def liveSettings() -> Any:
    return recordingSettings(hls_segment_seconds=1, **QUICK)


def feedInTwo(data: bytes, then: Callable[[Driver], None], pieces: int = 1,
              seen: list[LivePlaylist] | None = None) -> React:
    """Reacts to the first growing-playlist event (kept in ``seen``) by sending
    the last third of ``data`` (in ``pieces``) and calling ``then``."""
    first: list[LivePlaylist] = [] if seen is None else seen

    def react(driver: Driver, box: str, message: Any) -> None:
        if box != "inbox" or message.ended or first:
            return
        first.append(message)
        rest = data[len(data) * 2 // 3:]
        size = -(-len(rest) // pieces)
        for start in range(0, len(rest), size):
            driver.send(rest[start:start + size], "outbox")
        then(driver)
    return react


def test_the_live_playlist_grows_while_bytes_flow_and_ends_with_ENDLIST(
        longer: Multiplex, tmp_path: Path) -> None:
    data = longer.path.read_bytes()
    folder = tmp_path / "live"
    early: list[str] = []

    def finish(driver: Driver) -> None:
        early.append((folder / "index.m3u8").read_text())
        driver.send(producerFinished(), "tocontrol")

    seen: list[LivePlaylist] = []
    driver = drive(LiveHLS(folder, settings=liveSettings(), analyzeDuration=1.0),
                   [data[:len(data) * 2 // 3]], react=feedInTwo(data, finish, seen=seen))
    first, last = seen[0], driver.of("inbox")[-1]
    assert first.segments >= 1 and not first.ended
    assert "#EXT-X-ENDLIST" not in early[0] and "#EXT-X-PLAYLIST-TYPE:EVENT" in early[0]
    assert last.ended and last.reason == "" and last.dropped == 0
    assert last.segments > first.segments
    text = (folder / "index.m3u8").read_text()
    assert text.rstrip().endswith("#EXT-X-ENDLIST")
    segments = parsePlaylist(text)
    assert abs(sum(seconds for seconds, _ in segments) - longer.duration) < 0.5
    for _, name in segments:
        assert sorted(s["codec_name"] for s in ffprobeStreams(folder / name)) == ["aac", "h264"]
    assert isinstance(driver.ending, producerFinished)
    assert str(last) == f"live live: {last.segments} segments, {last.seconds:.1f} s, ended"


def test_live_input_beyond_the_backlog_is_dropped_and_counted(
        longer: Multiplex, tmp_path: Path) -> None:
    data = longer.path.read_bytes()
    rest = data[len(data) * 2 // 3:]
    piece = -(-len(rest) // 20)
    driver = drive(LiveHLS(tmp_path / "live", settings=liveSettings(), analyzeDuration=1.0,
                           backlog=2),
                   [data[:len(data) * 2 // 3]],
                   react=feedInTwo(data, lambda d: d.send(producerFinished(), "tocontrol"),
                                   pieces=20))
    last = driver.of("inbox")[-1]
    # the 20 pieces came in one burst: two could wait for ffmpeg, the rest were dropped
    assert last.ended and last.reason == ""
    assert last.dropped == len(rest) - 2 * piece
    assert (tmp_path / "live" / "index.m3u8").read_text().rstrip().endswith("#EXT-X-ENDLIST")
    assert last.seconds < longer.duration - 1


def test_live_shutdown_stops_ffmpeg_and_the_playlist_still_ends(
        longer: Multiplex, tmp_path: Path) -> None:
    data = longer.path.read_bytes()
    seen: list[psutil.Process] = []

    def stop(driver: Driver, box: str, message: Any) -> None:
        if box == "inbox" and not message.ended and not seen:
            seen.extend(ffmpegsBelowUs())
            driver.send(shutdownMicroprocess(), "tocontrol")

    driver = drive(LiveHLS(tmp_path / "live", settings=liveSettings(), analyzeDuration=1.0),
                   [data[:len(data) * 2 // 3]], react=stop)
    assert len(seen) == 1 and not seen[0].is_running() and ffmpegsBelowUs() == []
    last = driver.of("inbox")[-1]
    assert last.ended and last.reason == ""                      # we asked it to stop
    assert (tmp_path / "live" / "index.m3u8").read_text().rstrip().endswith("#EXT-X-ENDLIST")
    assert isinstance(driver.ending, shutdownMicroprocess)


def test_a_radio_service_makes_a_playlist_of_sound_only(tmp_path: Path) -> None:
    radio = tmp_path / "radio.ts"
    subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-f", "lavfi", "-i",
                    "sine=duration=2", "-c:a", "mp2", "-f", "mpegts", str(radio)], check=True)
    driver = drive(LiveHLS(tmp_path / "live", settings=liveSettings(), analyzeDuration=1.0),
                   [radio.read_bytes()], [producerFinished()])
    last = driver.of("inbox")[-1]
    assert last.ended and last.reason == "" and last.segments >= 2
    segments = parsePlaylist((tmp_path / "live" / "index.m3u8").read_text())
    assert [s["codec_name"] for s in ffprobeStreams(tmp_path / "live" / segments[0][1])] == ["aac"]


def test_a_stream_ffmpeg_cannot_read_is_reported_and_the_rest_discarded(
        tmp_path: Path) -> None:
    driver = drive(LiveHLS(tmp_path / "live", analyzeDuration=0.5),
                   [bytes(range(256)) * 400], [producerFinished()])
    [last] = driver.of("inbox")
    assert last.ended and last.segments == 0
    assert last.reason.startswith("'ffmpeg' exited with status 1: ")
    assert str(last).startswith("live live: 0 segments, 0.0 s, failed: 'ffmpeg' exited")
    assert isinstance(driver.ending, producerFinished)


def test_a_folder_that_has_a_playlist_already_is_not_overwritten(tmp_path: Path) -> None:
    playlist = tmp_path / "index.m3u8"
    playlist.write_text("#EXTM3U\n")
    driver = drive(LiveHLS(tmp_path), [b"\x47" * 188 * 10], [producerFinished()])
    [last] = driver.of("inbox")
    assert last.ended and "is there already (it is not overwritten)" in last.reason
    assert playlist.read_text() == "#EXTM3U\n"
    assert isinstance(driver.ending, producerFinished)


def test_live_arguments_are_checked_at_the_door(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"LiveHLS: backlog must be >= 1, not 0"):
        LiveHLS(tmp_path, backlog=0)
    with pytest.raises(TypeError, match=r"LiveHLS: folder must name a folder, not 7"):
        LiveHLS(7)                              # type: ignore[arg-type]
