"""TranscoderService, the whole system: real watchers, real worker processes, real files."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any, Iterator

import pytest

from Axon.Component import component
from Axon.Ipc import errorInformation, producerFinished, shutdownMicroprocess
from Kamaelia.Apps.Transcoder.components import Queued, TranscoderService
from Kamaelia.Apps.Transcoder.progress import ItemProgress
from Kamaelia.Apps.Transcoder.state import StateStore
from Kamaelia.Apps.Transcoder.workflow import Outcome
from nettools import Background, IO_TIMEOUT, runScheduler
from transcodertools import makeImage, quickConfig

pytestmark = pytest.mark.timeout(120)


class Events(component):
    """Records the service's events; ``wait(n)`` until ``n`` outcomes have come."""

    Inboxes = {"inbox": "events", "progress": "progress reports", "control": "the end"}

    def __init__(self, **argd: Any) -> None:
        super().__init__(**argd)
        self.events: list[Any] = []
        self.reports: list[ItemProgress] = []
        self.ended: Any = None
        self._changed = threading.Condition()

    @property
    def outcomes(self) -> list[Outcome]:
        return [e for e in self.events if isinstance(e, Outcome)]

    def wait(self, count: int) -> list[Outcome]:
        with self._changed:
            assert self._changed.wait_for(lambda: len(self.outcomes) >= count, IO_TIMEOUT * 6), \
                f"{len(self.outcomes)} outcomes, not {count}: {self.events}"
        return self.outcomes

    def main(self) -> Iterator[Any]:
        while self.ended is None:
            with self._changed:
                self.events.extend(self.Inbox("inbox"))
                self.reports.extend(self.Inbox("progress"))
                while self.dataReady("control"):
                    self.ended = self.recv("control")
                self._changed.notify_all()
            if self.ended is None and not self.anyReady():
                self.pause()
            yield 1


def wired(service: TranscoderService) -> Events:
    events = Events()
    service.link((service, "outbox"), (events, "inbox"))
    service.link((service, "progress"), (events, "progress"))
    service.link((service, "signal"), (events, "control"))
    events.activate()
    return events


def makeVideo(path: Path, seconds: float = 1.0, size: str = "320x240") -> Path:
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-f", "lavfi", "-i",
                    f"testsrc=size={size}:rate=25:duration={seconds}", "-f", "lavfi", "-i",
                    f"sine=frequency=440:duration={seconds}", "-c:v", "libx264", "-preset",
                    "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest",
                    str(path)], check=True)
    return path


def test_once_takes_what_is_there_and_ends(tmp_path: Path) -> None:
    config = quickConfig(tmp_path)
    uploads = Path(config.incoming[0])
    for number, colour in enumerate(["red", "green", "blue"]):
        makeImage(uploads / f"picture {number}.png", colour)
    (uploads / "sub").mkdir()
    makeImage(uploads / "sub" / "deeper.jpg", "yellow")
    (uploads / "readme.txt").write_text("not media")
    service = TranscoderService(config, once=True)
    events = wired(service)
    service.activate()
    runScheduler(limit=60)
    outcomes = {o.name: o.status for o in events.outcomes}
    assert outcomes == {"picture 0.png": "done", "picture 1.png": "done",
                        "picture 2.png": "done", "deeper.jpg": "done", "readme.txt": "failed"}
    assert sum(isinstance(e, Queued) for e in events.events) == 4
    assert isinstance(events.ended, producerFinished)
    out = Path(config.output)
    assert sorted(p.name for p in (out / "moderate" / "images").iterdir()) == \
        ["deeper", "picture_0", "picture_1", "picture_2"]
    assert sorted(os.listdir(out / "done")) == ["deeper.jpg", "picture 0.png",
                                               "picture 1.png", "picture 2.png"]
    page = (out / "index.html").read_text()
    assert all(f"picture {n}.png" in page for n in range(3)) and "deeper.jpg" in page


def test_a_file_written_slowly_is_taken_once_when_it_is_complete(tmp_path: Path) -> None:
    config = quickConfig(tmp_path)
    uploads = Path(config.incoming[0])
    source = tmp_path / "big.png"
    makeImage(source, "orange", size=(600, 400))
    data = source.read_bytes()
    service = TranscoderService(config)
    events = wired(service)
    with Background(service) as running:
        for watcher in service.watchers:
            assert watcher.ready.wait(IO_TIMEOUT)
        # Another process writes it in pieces, holding it open for a while.
        writer = subprocess.run(
            [sys.executable, "-c", "import sys, time\n"
             "data = open(sys.argv[1], 'rb').read()\n"
             "with open(sys.argv[2], 'wb') as out:\n"
             "    for i in range(0, len(data), 512):\n"
             "        out.write(data[i:i + 512]); out.flush(); time.sleep(0.01)\n",
             str(source), str(uploads / "slow.png")], check=True, timeout=60)
        assert writer.returncode == 0
        [outcome] = events.wait(1)
        running.shutdown(producerFinished())
    assert outcome.status == "done" and outcome.name == "slow.png"
    manifest = json.loads((Path(outcome.folder) / "manifest.json").read_text())
    assert manifest["source"]["checksum"] == "sha256:" + hashlib.sha256(data).hexdigest()
    assert [e for e in events.events if isinstance(e, Queued)] == \
        [Queued("slow.png", "image", hashlib.sha256(data).hexdigest())]


def test_two_hundred_files_dropped_at_once_are_each_done_exactly_once(tmp_path: Path) -> None:
    config = quickConfig(tmp_path)
    uploads = Path(config.incoming[0])
    service = TranscoderService(config)
    events = wired(service)
    with Background(service) as running:
        for watcher in service.watchers:
            assert watcher.ready.wait(IO_TIMEOUT)
        for number in range(200):
            makeImage(uploads / f"drop-{number:03}.png", (number, 255 - number, 7), (32, 24))
        outcomes = events.wait(200)
        running.shutdown(producerFinished())
    assert sorted(o.name for o in outcomes) == [f"drop-{n:03}.png" for n in range(200)]
    assert {o.status for o in outcomes} == {"done"}
    out = Path(config.output)
    assert len(os.listdir(out / "moderate" / "images")) == 200
    assert len(os.listdir(out / "done")) == 200 and not os.listdir(uploads)
    state = StateStore(str(out / "state.sqlite"))
    try:
        assert state.counts() == {"done": 200}
    finally:
        state.close()


def test_a_video_reports_progress_and_gets_its_renditions(tmp_path: Path) -> None:
    config = quickConfig(tmp_path)
    makeVideo(Path(config.incoming[0]) / "clip.mp4")
    service = TranscoderService(config, once=True)
    events = wired(service)
    service.activate()
    runScheduler(limit=90)
    [outcome] = events.outcomes
    assert outcome.status == "done", outcome.reason
    assert events.reports and events.reports[-1].fraction == 1.0
    fractions = [r.fraction for r in events.reports]
    assert fractions == sorted(fractions)
    manifest = json.loads((Path(outcome.folder) / "manifest.json").read_text())
    assert manifest["kind"] == "video" and abs(manifest["info"]["duration"] - 1.0) < 0.1
    assert any(r["format"] == "mp4" for r in manifest["renditions"])


def test_a_garbage_progress_datagram_is_logged_and_dropped(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    service = TranscoderService(quickConfig(tmp_path))
    events = wired(service)
    with Background(service) as running:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sender:
            sender.sendto(b"\x00garbage", service.progressPeer.localaddress)
            sender.sendto(b'{"id": "ab", "step": "x", "fraction": 0.5}',
                          service.progressPeer.localaddress)
        with events._changed:
            assert events._changed.wait_for(lambda: events.reports, IO_TIMEOUT)
        running.shutdown(producerFinished())
    assert events.reports == [ItemProgress("ab", "x", 0.5)]
    assert any("progress datagram" in r.getMessage() for r in caplog.records)


class FailingPool(component):
    """A pool that fails at once, as ProcessPoolTransformer does when a worker dies."""

    def main(self) -> Iterator[Any]:
        self.send(errorInformation(self, RuntimeError("worker died"), "worker 1 was killed"),
                  "signal")
        yield 1


def test_a_failing_pool_stops_the_service_and_keeps_the_queue(tmp_path: Path) -> None:
    config = quickConfig(tmp_path)
    makeImage(Path(config.incoming[0]) / "kept.png")
    service = TranscoderService(config, pool=FailingPool())
    events = wired(service)
    service.activate()
    runScheduler(limit=30)
    assert service.failure is not None and "worker 1 was killed" in service.failure
    assert isinstance(events.ended, shutdownMicroprocess)
    assert not events.outcomes
    # Wherever the failure caught it, the upload is kept: still in the
    # incoming folder, or queued for the next run.
    places = [*Path(config.incoming[0]).iterdir(),
              *(Path(config.output) / "queue" / "images").iterdir()]
    assert [p.name for p in places] == ["kept.png"]


def test_a_missing_incoming_folder_stops_the_service_saying_which(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    config = quickConfig(tmp_path, incoming=[str(tmp_path / "nowhere")])
    service = TranscoderService(config)
    wired(service)
    with caplog.at_level(logging.ERROR):
        service.activate()
        runScheduler(limit=30)
    assert service.failure is not None and "nowhere" in service.failure


def test_the_jobs_run_on_a_dask_local_cluster(tmp_path: Path) -> None:
    config = quickConfig(tmp_path, dask="local")
    for number, colour in enumerate(["red", "green", "blue"]):
        makeImage(Path(config.incoming[0]) / f"dask {number}.png", colour)
    service = TranscoderService(config, once=True)
    events = wired(service)
    service.activate()
    runScheduler(limit=90)
    assert sorted((o.name, o.status) for o in events.outcomes) == \
        [(f"dask {n}.png", "done") for n in range(3)]
