"""``kamaelia transcode``: the command, its exit statuses, --serve, and a kill -9 mid-way."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
import watchfiles

from Kamaelia.Apps.Transcoder.state import StateStore
from Kamaelia.cli import main
from test_transcoder_service import makeVideo
from transcodertools import makeImage

pytestmark = pytest.mark.timeout(180)

ROOT = Path(__file__).resolve().parents[4]


def kamaelia(*arguments: str) -> subprocess.Popen[str]:
    """``kamaelia ARGUMENTS`` in a process group of its own (so it can be killed whole)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), PYTHONUNBUFFERED="1")
    return subprocess.Popen([sys.executable, "-m", "Kamaelia.cli", *arguments],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env, start_new_session=True)


def ended(process: subprocess.Popen[str]) -> None:
    """Make sure ``process`` and its group have ended, and close its pipes."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    for pipe in (process.stdout, process.stderr):
        if pipe is not None:
            pipe.close()


def quickToml(tmp_path: Path, **extra: str) -> Path:
    path = tmp_path / "quick.toml"
    lines = ["settle = 0.2", "workers = 2",
             '[image]\nsizes = {small = 64}\nsquares = {}\nformats = ["jpeg"]',
             '[video]\nladder = {"360p" = 360}\npreset = "veryfast"\nthumbnails = 2',
             '[pdf]\nsizes = {thumb = 64}\nformats = ["jpeg"]']
    path.write_text("\n".join(lines) + "\n")
    return path


def test_once_transcodes_and_exits_3_when_something_was_refused(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    uploads, out = tmp_path / "uploads", tmp_path / "out"
    uploads.mkdir()
    makeImage(uploads / "good.png")
    (uploads / "bad.jpg").write_bytes(b"not a jpeg at all")
    status = main(["transcode", str(uploads), str(out), "--once", "--plain",
                   "--config", str(quickToml(tmp_path))])
    captured = capsys.readouterr()
    assert status == 3, captured.err
    assert "done good.png" in captured.err and "failed bad.jpg" in captured.err
    assert re.search(r"1 done, 1 failed in [\d.]+ s", captured.err)
    assert f"Transcoding {uploads} into {out}" in captured.out
    assert (out / "moderate" / "images" / "good" / "small.jpg").is_file()
    assert (out / "failed" / "bad.jpg.reason.txt").is_file()
    assert main(["transcode", str(uploads), str(out), "--once", "--plain"]) == 0


@pytest.mark.parametrize("arguments, message", [
    (["--workers", "0"], "workers = 0"),
    (["--dask", "nowhere"], "dask = 'nowhere'"),
    (["--serve", "70000"], "--serve must be a port"),
    (["--config", "/nonexistent.toml"], "cannot read the configuration"),
])
def test_bad_options_exit_2_with_one_line_naming_them(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], arguments: list[str],
        message: str) -> None:
    (tmp_path / "in").mkdir()
    assert main(["transcode", str(tmp_path / "in"), str(tmp_path / "out"), *arguments]) == 2
    assert message in capsys.readouterr().err


def test_a_missing_incoming_folder_exits_2(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["transcode", str(tmp_path / "nope"), str(tmp_path / "out")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_the_help_says_what_it_does(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["transcode", "--help"])
    text = capsys.readouterr().out
    assert "--dask" in text and "--serve" in text and "moderate/" in text


def test_serve_shows_the_results_page_over_http(tmp_path: Path) -> None:
    uploads, out = tmp_path / "uploads", tmp_path / "out"
    uploads.mkdir()
    makeImage(uploads / "shown.png", "teal")
    process = kamaelia("transcode", str(uploads), str(out), "--once", "--plain",
                       "--serve", "0", "--config", str(quickToml(tmp_path)))
    try:
        assert process.stdout is not None and process.stderr is not None
        served = process.stdout.readline()
        port = int(re.search(r"http://127\.0\.0\.1:(\d+)/", served).group(1))
        for line in process.stderr:                  # wait until the work is done
            if "Still serving" in line:
                break
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as response:
            page = response.read().decode()
        assert "shown.png" in page and "moderate/images/shown/manifest.json" in page
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/moderate/images/shown/"
                                    "manifest.json", timeout=10) as response:
            assert json.load(response)["source"]["name"] == "shown.png"
        process.send_signal(signal.SIGINT)
        assert process.wait(30) == 0
    finally:
        ended(process)


def test_killed_mid_transcode_and_restarted_the_file_is_redone(tmp_path: Path) -> None:
    uploads, out = tmp_path / "uploads", tmp_path / "out"
    uploads.mkdir()
    makeVideo(uploads / "long.mp4", seconds=8.0, size="640x360")
    (out / "moderate" / "videos").mkdir(parents=True)
    config = str(quickToml(tmp_path))
    process = kamaelia("transcode", str(uploads), str(out), "--once", "--plain",
                       "--config", config)
    try:
        # Wait (no polling) until ffmpeg is writing the MP4 into the partial folder.
        for changes in watchfiles.watch(out / "moderate" / "videos", rust_timeout=60_000,
                                        yield_on_timeout=True):
            assert changes, "the transcode never started"
            if any(path.endswith("360p.mp4") for _, path in changes):
                break
        os.killpg(process.pid, signal.SIGKILL)          # the whole group: workers, ffmpeg
        process.wait()
    finally:
        ended(process)
    videos = out / "moderate" / "videos"
    assert [p.name for p in videos.iterdir()] == [".partial-long"]   # nothing looks complete
    state = StateStore(str(out / "state.sqlite"))
    try:
        assert [row.status for row in state.items()] == ["running"]
    finally:
        state.close()

    again = kamaelia("transcode", str(uploads), str(out), "--once", "--plain",
                     "--config", config)
    stdout, stderr = again.communicate(timeout=150)
    assert again.returncode == 0, stderr
    assert "done long.mp4" in stderr
    assert [p.name for p in videos.iterdir()] == ["long"]
    manifest = json.loads((videos / "long" / "manifest.json").read_text())
    mp4 = next(r for r in manifest["renditions"] if r["path"] == "360p.mp4")
    assert abs(mp4["duration"] - 8.0) < 0.1
    assert (out / "done" / "long.mp4").is_file() and not list(uploads.iterdir())
