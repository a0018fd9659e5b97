"""``kamaelia record``, run as a program: two channels over UDP at real-time pace,
cut by programme, transcoded; ``record scan``; bad options."""

from __future__ import annotations

import json
import os
import selectors
import signal
import socket
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Iterator

import pytest

from tsfixtures import (BASE, InsertedTables, Programme, Service, UDPStreamer, ffprobeDuration,
                        ffprobeStreams, insertEIT, makeMultiplex)

ROOT = Path(__file__).resolve().parents[4]
SECOND = timedelta(seconds=1)
WAIT = 60.0            # seconds: generous, for a loaded 2-core machine


@pytest.fixture(scope="module")
def stream(tmp_path_factory: pytest.TempPathFactory) -> InsertedTables:
    folder = tmp_path_factory.mktemp("mux")
    mux = makeMultiplex(folder / "mux.ts", [Service(1, "BBC ONE", "BBC"),
                                           Service(2, "BBC TWO", "BBC"),
                                           Service(3, "ITV", "ITV")], seconds=7)
    return insertEIT(mux.path, folder / "eit.ts", {
        1: [Programme(11, "News", "The news.", BASE - SECOND, 3 * SECOND),
            Programme(12, "Film", "A film.", BASE + 2 * SECOND, 3 * SECOND),
            Programme(13, "Late", "Talk.", BASE + 5 * SECOND, 60 * SECOND)],
        2: [Programme(21, "Quiz", "A quiz.", BASE - SECOND, 4 * SECOND),
            Programme(22, "Drama", "A drama.", BASE + 3 * SECOND, 3 * SECOND),
            Programme(23, "Sport", "Football.", BASE + 6 * SECOND, 60 * SECOND)],
        3: [Programme(31, "Soap", "A soap.", BASE, 60 * SECOND)]})


class Program:
    """``kamaelia ARGS`` in a process of its own, its output read line by line."""

    def __init__(self, *args: str, cwd: Path) -> None:
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(
            [str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]), PYTHONUNBUFFERED="1")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "Kamaelia.cli", *args], cwd=cwd, env=env, text=True,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.lines: list[str] = []
        self._selector = selectors.DefaultSelector()
        assert self.process.stdout is not None
        self._selector.register(self.process.stdout, selectors.EVENT_READ)

    def waitFor(self, *texts: str) -> None:
        """Read lines until each of ``texts`` has been in one (or fail after WAIT)."""
        deadline = time.monotonic() + WAIT
        assert self.process.stdout is not None
        while not all(any(text in line for line in self.lines) for text in texts):
            left = deadline - time.monotonic()
            assert left > 0 and self._selector.select(left), \
                f"waited for {texts}; got:\n" + "".join(self.lines)
            line = self.process.stdout.readline()
            assert line, "the program ended; it said:\n" + "".join(self.lines)
            self.lines.append(line)

    def finish(self) -> int:
        out, _ = self.process.communicate(timeout=WAIT)
        self.lines.append(out)
        self._selector.close()
        return self.process.returncode

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.communicate()
        self._selector.close()


@pytest.fixture
def run(tmp_path: Path) -> Iterator[list[Program]]:
    started: list[Program] = []
    yield started
    for program in started:
        program.kill()


def freeUdpPort() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_two_channels_over_udp_one_file_per_programme_transcoded(
        stream: InsertedTables, tmp_path: Path, run: list[Program]) -> None:
    port = freeUdpPort()
    out = tmp_path / "recordings"
    program = Program("record", "--source", f"udp://127.0.0.1:{port}", "--channel", "BBC ONE",
                      "--channel", "BBC TWO", "--out", str(out), "--jobs", "2",
                      "--xmltv", str(tmp_path / "guide.xml"), cwd=tmp_path)
    run.append(program)
    program.waitFor("Recording BBC ONE, BBC TWO from udp://")
    program.waitFor("started: listening")
    with UDPStreamer(stream.path, port, realtime=True) as streamer:
        program.waitFor("recorded BBC ONE: Film", "recorded BBC TWO: Drama")
        assert streamer.done.wait(WAIT)
    program.process.send_signal(signal.SIGINT)
    assert program.finish() == 0, "".join(program.lines)
    said = "".join(program.lines)
    assert "stopping: finishing the recordings" in said
    for channel, title, pids in (("BBC ONE", "Film", {"0x101", "0x102"}),
                                 ("BBC TWO", "Drama", {"0x201", "0x202"})):
        [recording] = (out / channel).glob(f"* {title}.ts")
        streams = ffprobeStreams(recording)
        assert sorted(s["codec_type"] for s in streams) == ["audio", "video"]
        assert {s["id"] for s in streams} == pids
        assert abs(ffprobeDuration(recording) - 3.0) < 1.0, (title, ffprobeDuration(recording))
        saved = json.loads(recording.with_suffix(".json").read_text(encoding="utf-8"))
        assert (saved["title"], saved["channel"], saved["partial"]) == (title, channel, False)
        [mp4] = (out / "web" / channel / recording.stem).glob("*.mp4")
        made = {s["codec_type"]: s["codec_name"] for s in ffprobeStreams(mp4)}
        assert made == {"video": "h264", "audio": "aac"}
        assert abs(ffprobeDuration(mp4) - ffprobeDuration(recording)) < 0.5
    assert not list(out.rglob("*Soap*")), "ITV was not asked for"
    assert not list(out.rglob("*.part")), "every recording was finished"
    guide = (tmp_path / "guide.xml").read_text(encoding="utf-8")
    assert "<title lang=\"en\">Film</title>" in guide and "Soap" in guide


def test_a_source_that_stops_is_retried_and_nothing_is_lost(
        stream: InsertedTables, tmp_path: Path, run: list[Program]) -> None:
    data = stream.path.read_bytes()
    cut = len(data) // 188 // 2 * 188               # half way: during "Film"
    first, second = tmp_path / "first.ts", tmp_path / "second.ts"
    first.write_bytes(data[:cut])
    second.write_bytes(data[cut:])
    port = freeUdpPort()
    out = tmp_path / "recordings"
    program = Program("record", "--source", f"udp://127.0.0.1:{port}", "--channel", "BBC ONE",
                      "--out", str(out), "--no-transcode", "--stall-timeout", "0.5",
                      cwd=tmp_path)
    run.append(program)
    program.waitFor("started: listening")
    with UDPStreamer(first, port, realtime=True) as streamer:
        assert streamer.done.wait(WAIT)
    program.waitFor("stalled: no data for 0.5 s")
    with UDPStreamer(second, port, realtime=True) as streamer:
        program.waitFor("recovered", "recorded BBC ONE: Film")
        assert streamer.done.wait(WAIT)
    program.process.send_signal(signal.SIGINT)
    assert program.finish() == 0, "".join(program.lines)
    [film] = (out / "BBC ONE").glob("* Film.ts")
    assert abs(ffprobeDuration(film) - 3.0) < 1.0, "the gap lost nothing of the programme"
    assert sorted(path.stem.split(" ", 2)[2] for path in (out / "BBC ONE").glob("*.ts")) \
        == ["Film", "Late", "News"]


def test_several_sources_at_once(stream: InsertedTables, tmp_path: Path) -> None:
    other = makeMultiplex(tmp_path / "other.ts", [Service(5, "ITV2", "ITV")], seconds=3)
    otherTables = insertEIT(other.path, tmp_path / "other-eit.ts",
                            {5: [Programme(51, "Quiz Night", "", BASE, 60 * SECOND)]})
    out = tmp_path / "recordings"
    program = Program("record", "--source", str(stream.path), "--source", str(otherTables.path),
                      "--channel", "BBC ONE", "--channel", "ITV2", "--out", str(out),
                      "--no-transcode", cwd=tmp_path)
    assert program.finish() == 0, "".join(program.lines)
    assert sorted(p.stem.split(" ", 2)[2] for p in (out / "BBC ONE").glob("*.ts")) \
        == ["Film", "Late", "News"]
    [quiz] = (out / "ITV2").glob("*.ts")
    assert quiz.stem.endswith("Quiz Night") and ffprobeDuration(quiz) > 1.0
    assert f"from {stream.path}, {otherTables.path} into" in "".join(program.lines)


def test_live_hls_while_recording_from_a_file(stream: InsertedTables, tmp_path: Path) -> None:
    out = tmp_path / "recordings"
    program = Program("record", "--source", str(stream.path), "--channel", "BBC TWO",
                      "--out", str(out), "--no-transcode", "--live-hls", cwd=tmp_path)
    assert program.finish() == 0, "".join(program.lines)
    recordings = sorted((out / "BBC TWO").glob("*.ts"))
    assert len(recordings) == 3
    for recording in recordings:
        playlist = out / "live" / "BBC TWO" / recording.stem / "index.m3u8"
        assert "#EXT-X-ENDLIST" in playlist.read_text(), playlist
    assert "live 2024-03-01 1900 Drama:" in "".join(program.lines)


def test_scan_lists_the_services_and_what_is_on(stream: InsertedTables, tmp_path: Path) -> None:
    program = Program("record", "scan", "--source", str(stream.path), cwd=tmp_path)
    assert program.finish() == 0
    said = "".join(program.lines)
    assert "3 services" in said and "BBC ONE (BBC)" in said and "ITV (ITV)" in said
    assert "now:  18:59 News -- The news." in said and "next: 19:00 Film" in said


@pytest.mark.parametrize("args, message", [
    ((), "give at least one --source"),
    (("--source", "gopher://x"), "unknown kind of source"),
    (("--source", "x.ts"), "say what to record"),
    (("--source", "x.ts", "--channel", "A", "--padding-after", "-1"), "--padding-after"),
    (("--source", "x.ts", "--rules", "missing.toml"), "missing.toml"),
])
def test_bad_options_say_what_is_wrong(tmp_path: Path, args: tuple[str, ...],
                                       message: str) -> None:
    program = Program("record", *args, cwd=tmp_path)
    assert program.finish() == 2
    assert message in "".join(program.lines)
