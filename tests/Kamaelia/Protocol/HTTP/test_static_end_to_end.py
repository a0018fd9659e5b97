"""Static files through the real server: HTTPServer + HTTPResourceGlue + Minimal,
on loopback, read by http.client, curl and ffprobe."""

from __future__ import annotations

import http.client
import logging
import os
import subprocess
from pathlib import Path
from typing import Iterator

import pytest

from Kamaelia.Chassis.ConnectedServer import ServerCore
from Kamaelia.Protocol.HTTP.Handlers.Minimal import MinimalFactory
from Kamaelia.Protocol.HTTP.Handlers.SessionExample import SessionExampleWrapper, Sessions
from Kamaelia.Protocol.HTTP.HTTPResourceGlue import createRequestHandler
from Kamaelia.Protocol.HTTP.HTTPServer import HTTPServer
from Kamaelia._logthrottle import forgetAll

from nettools import IO_TIMEOUT, Background, connect, receiveAll


@pytest.fixture(autouse=True)
def fresh_log_limiters() -> None:
    forgetAll(report=False)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    root.mkdir()
    (root / "index.html").write_text("<p>home</p>")
    (root / "hello.txt").write_text("hello world\n")
    (tmp_path / "secret.txt").write_text("outside")
    (root / "out.txt").symlink_to(tmp_path / "secret.txt")
    return root


@pytest.fixture
def server(site: Path) -> Iterator[ServerCore]:
    Sessions.clear()
    routes = [("/session/", SessionExampleWrapper),
              ("/", MinimalFactory("index.html", str(site), listing=True))]
    handler = createRequestHandler(routes)
    core = ServerCore(protocol=lambda **info: HTTPServer(handler, **info), port=0,
                      host="127.0.0.1")
    with Background(core):
        yield core


def get(port: int, path: str, method: str = "GET", **headers: str) -> tuple[http.client.HTTPResponse, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=IO_TIMEOUT)
    try:
        connection.request(method, path, headers={k.replace("_", "-"): v
                                                  for k, v in headers.items()})
        response = connection.getresponse()
        return response, response.read()
    finally:
        connection.close()


def test_a_file_and_the_index_over_http_client(server: ServerCore) -> None:
    response, body = get(server.port, "/hello.txt")
    assert response.status == 200 and body == b"hello world\n"
    assert response.getheader("Content-Type", "").startswith("text/plain")
    assert response.getheader("Content-Length") == "12"
    assert get(server.port, "/")[1] == b"<p>home</p>"


def test_conditional_get_range_and_head_over_http_client(server: ServerCore) -> None:
    first, _ = get(server.port, "/hello.txt")
    etag = first.getheader("ETag")
    assert get(server.port, "/hello.txt", If_None_Match=etag)[0].status == 304
    ranged, body = get(server.port, "/hello.txt", Range="bytes=6-10")
    assert ranged.status == 206 and body == b"world"
    assert ranged.getheader("Content-Range") == "bytes 6-10/12"
    assert get(server.port, "/hello.txt", Range="bytes=99-")[0].status == 416
    head, body = get(server.port, "/hello.txt", method="HEAD")
    assert head.status == 200 and body == b"" and head.getheader("Content-Length") == "12"


def test_keep_alive_serves_several_files_on_one_connection(server: ServerCore) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=IO_TIMEOUT)
    try:
        for path, expected in [("/hello.txt", b"hello world\n"), ("/", b"<p>home</p>"),
                               ("/hello.txt", b"hello world\n")]:
            connection.request("GET", path)
            assert connection.getresponse().read() == expected
    finally:
        connection.close()


@pytest.mark.parametrize("path", ["/../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt",
                                  "/out.txt", "/hello.txt%00", "/..%5csecret.txt"])
def test_nothing_outside_is_served_over_a_socket(server: ServerCore, path: str) -> None:
    with connect(server.port) as client:
        client.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        reply = receiveAll(client)
    status = reply.split(b" ", 2)[1]
    assert status in (b"400", b"404") and b"outside" not in reply


def test_curl_fetches_a_file_and_cannot_climb_out(server: ServerCore, tmp_path: Path) -> None:
    saved = tmp_path / "saved.txt"
    done = subprocess.run(["curl", "-sS", "-o", str(saved), "-w", "%{http_code}",
                           f"http://127.0.0.1:{server.port}/hello.txt"],
                          capture_output=True, text=True, timeout=IO_TIMEOUT)
    assert done.stdout == "200" and saved.read_bytes() == b"hello world\n", done.stderr
    climb = subprocess.run(["curl", "-sS", "--path-as-is", "-w", "%{http_code}", "-o", "/dev/null",
                            f"http://127.0.0.1:{server.port}/../secret.txt"],
                           capture_output=True, text=True, timeout=IO_TIMEOUT)
    assert climb.stdout == "400", climb.stderr


def test_session_example_counts_through_the_server(server: ServerCore) -> None:
    assert get(server.port, "/session/alice")[1] == b"<html><body>1</body></html>"
    assert get(server.port, "/session/alice")[1] == b"<html><body>2</body></html>"


def test_a_big_file_arrives_whole_through_the_server(site: Path, server: ServerCore) -> None:
    data = os.urandom(3 * 1024 * 1024 + 17)
    (site / "big.bin").write_bytes(data)
    response, body = get(server.port, "/big.bin")
    assert response.status == 200 and body == data
    tail, body = get(server.port, "/big.bin", Range="bytes=-17")
    assert tail.status == 206 and body == data[-17:]


@pytest.mark.timeout(120)
def test_ffprobe_reads_a_video_over_http_with_ranges(site: Path, server: ServerCore,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    video = site / "out.mp4"
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi",
                    "-i", "testsrc=duration=2:size=160x120:rate=10", "-c:v", "mpeg4",
                    # the index (moov) at the end: a reader must seek to find it
                    str(video)], check=True, timeout=60)
    with caplog.at_level(logging.DEBUG, logger="Kamaelia.Protocol.HTTP.Handlers.Minimal"):
        probe = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "format=duration",
                                "-of", "default=noprint_wrappers=1:nokey=1",
                                f"http://127.0.0.1:{server.port}/out.mp4"],
                               capture_output=True, text=True, timeout=60)
    assert probe.returncode == 0, probe.stderr
    assert abs(float(probe.stdout) - 2.0) < 0.01
    answers = [r.getMessage() for r in caplog.records if "/out.mp4" in r.getMessage()]
    assert any("(Range: bytes=" in line and line.endswith("-> 206") for line in answers), answers
