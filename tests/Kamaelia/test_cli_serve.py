"""`kamaelia serve DIR`: a real process, fetched from with curl and http.client."""

from __future__ import annotations

import http.client
import os
import re
import signal
import subprocess
import sys
from pathlib import Path
from typing import Iterator

import pytest

from Kamaelia.cli import main

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 10


@pytest.fixture
def serving(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], int, str]]:
    (tmp_path / "hello.txt").write_text("hello from serve\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.txt").write_text("a")
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    process = subprocess.Popen([sys.executable, "-m", "Kamaelia.cli", "serve", str(tmp_path),
                                "--port", "0", "--index"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env=env)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        found = re.fullmatch(r"Serving (.+) at http://127\.0\.0\.1:(\d+)/ \(Ctrl-C to stop\)\n",
                             line)
        assert found, (line, process.stderr.read() if process.poll() is not None else "")
        yield process, int(found.group(2)), found.group(1)
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(TIMEOUT)
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()


def test_serve_prints_its_url_serves_files_and_stops_on_ctrl_c(
        serving: tuple[subprocess.Popen[str], int, str], tmp_path: Path) -> None:
    process, port, folder = serving
    assert folder == str(tmp_path.resolve())
    curl = subprocess.run(["curl", "-sS", f"http://127.0.0.1:{port}/hello.txt"],
                          capture_output=True, text=True, timeout=TIMEOUT)
    assert curl.stdout == "hello from serve\n", curl.stderr
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    try:
        connection.request("GET", "/hello.txt", headers={"Range": "bytes=0-4"})
        response = connection.getresponse()
        assert response.status == 206 and response.read() == b"hello"
        connection.request("GET", "/sub/")                  # --index: a listing
        listing = connection.getresponse()
        assert listing.status == 200 and b'href="a.txt"' in listing.read()
    finally:
        connection.close()
    process.send_signal(signal.SIGINT)
    assert process.wait(TIMEOUT) == 0
    assert process.stdout is not None and process.stdout.read() == "Stopped.\n"


def test_serve_refuses_a_folder_that_is_not_there(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", str(tmp_path / "nowhere")]) == 2
    assert "is not a folder" in capsys.readouterr().err


def test_serve_refuses_a_bad_port(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", str(tmp_path), "--port", "70000"]) == 2
    assert "--port must be 0 to 65535, not 70000" in capsys.readouterr().err


def test_serve_is_listed_in_the_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "serve" in capsys.readouterr().out
