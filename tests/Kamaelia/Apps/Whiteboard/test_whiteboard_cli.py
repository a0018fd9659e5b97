"""``kamaelia whiteboard`` as a user runs it: in a child process, on loopback."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from Kamaelia.Apps.Whiteboard.Board import Board
from Kamaelia.Apps.Whiteboard.Deck import saveDeck
from Kamaelia.Apps.Whiteboard.Tokenisation import decodeLine, encodeTokens
from Kamaelia.Apps.Whiteboard.main import parseAddress, parseSize

TIMEOUT = 30


def whiteboard(*arguments: str, **options: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "Kamaelia.cli", "whiteboard", *arguments],
                          capture_output=True, text=True, timeout=TIMEOUT, **options)  # type: ignore[call-overload]


def test_a_headless_server_serves_until_ctrl_c(tmp_path: Path) -> None:
    deck = tmp_path / "talk.zip"
    board = Board(size=(100, 80))
    board.apply(["CIRCLE", "255", "0", "0", "50", "40", "20"])
    board.newPage()
    saveDeck(board, deck)
    child = subprocess.Popen(
        [sys.executable, "-m", "Kamaelia.cli", "whiteboard", "--headless", "--serveport", "0",
         "--host", "127.0.0.1", "--size", "100x80", "--deck", str(deck), "--token", "pw"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None
        first = child.stdout.readline()
        port = int(re.fullmatch(r"Serving the whiteboard on port (\d+) \(Ctrl-C stops\)\n",
                                first).group(1))          # type: ignore[union-attr]
        browsers = re.fullmatch(r"Browsers: (http://127\.0\.0\.1:\d+/)\?token=pw\n",
                                child.stdout.readline())
        assert browsers is not None
        with urllib.request.urlopen(browsers.group(1), timeout=TIMEOUT) as page:
            assert b"<title>Kamaelia Whiteboard</title>" in page.read()
        with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as peer:
            peer.sendall(encodeTokens([["AUTH", "pw"], ["GETIMG"]]))
            received = b""
            while received.count(b"\n") < 3:
                data = peer.recv(1 << 20)
                assert data
                received += data
        lines = [decodeLine(line) for line in received.split(b"\n")[:3]]
        assert [line[0][:2] for line in lines[:2]] == [["PAGEIMG", "1"], ["PAGEIMG", "2"]]
        assert lines[2][0] == ["PAGE", "1", "2"]      # the deck's two pages, on the first
        child.send_signal(signal.SIGINT)
        assert child.wait(TIMEOUT) == 0
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        child.stdout.close()            # type: ignore[union-attr]
        child.stderr.close()            # type: ignore[union-attr]


@pytest.mark.parametrize("arguments, message", [
    (["--connectto", "nohost"], "expected HOST:PORT"),
    (["--connectto", "h:99999"], "expected HOST:PORT"),
    (["--size", "10"], "expected WIDTHxHEIGHT"),
    (["--cert", "c.pem"], "--cert and --key go together"),
    (["--serveport", "70000"], "--serveport must be a port"),
    (["stray"], "invalid choice"),
    (["record", "only-a-file"], "record needs FILE HOST:PORT"),
    (["export", "a.zip"], "export needs DECK.zip OUT.pdf"),
])
def test_bad_arguments_exit_2_naming_the_problem(arguments: list[str], message: str) -> None:
    done = whiteboard("--headless", *arguments)
    assert done.returncode == 2
    assert message in done.stderr


def test_a_port_in_use_exits_1_saying_so() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = whiteboard("--headless", "--host", "127.0.0.1", "--serveport", str(port))
    assert done.returncode == 1
    assert f"cannot serve on port {port}" in done.stderr


def test_export_makes_a_pdf_of_the_pages_in_order(tmp_path: Path) -> None:
    import pymupdf

    board = Board(size=(120, 90))
    for colour in (("255", "0", "0"), ("0", "0", "255"), ("0", "160", "0")):
        board.apply(["CLEAR", *colour])
        board.newPage()
    saveDeck(board, tmp_path / "deck.zip")
    done = whiteboard("export", str(tmp_path / "deck.zip"), str(tmp_path / "deck.pdf"))
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"{tmp_path / 'deck.pdf'}: 4 pages\n"
    with pymupdf.open(tmp_path / "deck.pdf") as pdf:
        assert pdf.page_count == 4
        centre = [pdf[n].get_pixmap().pixel(50, 40) for n in range(3)]
    assert centre == [(255, 0, 0), (0, 0, 255), (0, 160, 0)]


def test_export_of_a_bad_deck_exits_1(tmp_path: Path) -> None:
    (tmp_path / "bad.zip").write_bytes(b"not a zip")
    done = whiteboard("export", str(tmp_path / "bad.zip"), str(tmp_path / "out.pdf"))
    assert done.returncode == 1
    assert "cannot export" in done.stderr
    assert not (tmp_path / "out.pdf").exists()


def test_addresses_and_sizes_are_parsed() -> None:
    assert parseAddress("laptop:1500") == ("laptop", 1500)
    assert parseAddress("[::1]:1500") == ("::1", 1500)
    assert parseSize("800x600") == (800, 600)
    for bad in ("laptop", ":1500", "laptop:0", "a:b", "[::1]1500"):
        with pytest.raises(ValueError, match="HOST:PORT"):
            parseAddress(bad)


def test_help_lists_the_whiteboard() -> None:
    done = subprocess.run([sys.executable, "-m", "Kamaelia.cli", "--help"], capture_output=True,
                          text=True, timeout=TIMEOUT, env={**os.environ})
    assert "whiteboard" in done.stdout


def test_without_a_display_it_says_so_and_suggests_headless() -> None:
    environment = {name: value for name, value in os.environ.items()
                   if name not in ("DISPLAY", "WAYLAND_DISPLAY", "SDL_VIDEODRIVER")}
    done = whiteboard(env=environment)
    assert done.returncode == 1
    assert "no display" in done.stderr and "--headless" in done.stderr
