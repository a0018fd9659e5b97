"""Handlers.Minimal's two ways of sending a file, through a real HTTPServer.

By default (the server saying ``request["sendfile"]``) Minimal answers with
one FileRegion, which the connection sends with ``os.sendfile``;
``sendfile=False`` reads the file in threads and sends bytes. A real client
on loopback must not be able to tell them apart: same status, headers and
bytes, for a whole file, a range and HEAD.
"""

from __future__ import annotations

import http.client
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest

from Axon.Ipc import producerFinished
from Kamaelia.Chassis.ConnectedServer import ServerCore
from Kamaelia.Internet.FileRegion import FileRegion
from Kamaelia.Protocol.HTTP.Handlers.Minimal import Minimal, MinimalFactory
from Kamaelia.Protocol.HTTP.HTTPResourceGlue import createRequestHandler
from Kamaelia.Protocol.HTTP.HTTPServer import HTTPServer
from Kamaelia._logthrottle import forgetAll

from componentharness import run
from nettools import IO_TIMEOUT, Background, connect, openDescriptors, receiveAll

SIZE = 3 * 1024 * 1024 + 17
SMALL = b"small and last\n"

MODES = [pytest.param({}, id="sendfile"), pytest.param({"sendfile": False}, id="threads")]


@pytest.fixture(autouse=True)
def fresh_log_limiters() -> None:
    forgetAll(report=False)


@pytest.fixture(scope="module")
def content() -> bytes:
    return os.urandom(SIZE)


@pytest.fixture
def site(tmp_path: Path, content: bytes) -> Path:
    root = tmp_path / "site"
    root.mkdir()
    (root / "big.bin").write_bytes(content)
    (root / "small.txt").write_bytes(SMALL)
    (root / "empty").write_bytes(b"")
    return root


@contextmanager
def serving(root: Path, seen: list[dict[str, Any]] | None = None,
            serverOptions: dict[str, Any] | None = None, **options: Any) -> Iterator[int]:
    """A ServerCore of HTTPServer(**serverOptions) routing "/" to
    MinimalFactory(root, **options); its port. The request dictionaries the
    handlers are made for are added to ``seen``. Afterwards, no descriptor is
    left open."""
    before = openDescriptors()
    makeMinimal = MinimalFactory("index.html", str(root), **options)

    def recording(request: dict[str, Any]) -> Minimal:
        if seen is not None:
            seen.append(request)
        return makeMinimal(request)

    handler = createRequestHandler([("/", recording)])
    core = ServerCore(protocol=lambda **info: HTTPServer(handler, **(serverOptions or {}),
                                                         **info),
                      port=0, host="127.0.0.1")
    with Background(core):
        yield core.port
    assert openDescriptors() == before


def fetch(connection: http.client.HTTPConnection, path: str, method: str = "GET",
          **headers: str) -> tuple[http.client.HTTPResponse, bytes]:
    connection.request(method, path, headers={k.replace("_", "-"): v
                                              for k, v in headers.items()})
    response = connection.getresponse()
    return response, response.read()


def comparable(response: http.client.HTTPResponse) -> list[tuple[str, str]]:
    """The headers, without the one that changes from second to second."""
    return sorted((k, v) for k, v in response.getheaders() if k.lower() != "date")


# ------------------------------------------------------- which path is taken
def minimalRequest(method: str = "GET", sendfile: bool = True) -> dict[str, Any]:
    return {"method": method, "raw-uri": "/big.bin", "uri-prefix-trigger": "/",
            "uri-suffix": "big.bin", "uri-server": "", "version": "1.1", "protocol": "HTTP",
            "headers": {}, "peer": "127.0.0.1", "peerport": 4321, "localip": "127.0.0.1",
            "localport": 80, "bad": False, "body": b"", "sendfile": sendfile}


@pytest.mark.parametrize("serverAllows, options, region", [
    pytest.param(True, {}, True, id="default-with-a-server-that-can"),
    pytest.param(True, {"sendfile": False}, False, id="sendfile=False"),
    pytest.param(False, {}, False, id="a-server-that-cannot"),
])
def test_minimal_answers_with_a_file_region_only_when_both_allow_it(
        site: Path, content: bytes, serverAllows: bool, options: dict[str, Any],
        region: bool) -> None:
    handler = Minimal(minimalRequest(sendfile=serverAllows), homedirectory=str(site), **options)
    sink = run(handler)
    assert [type(m) for m in sink.control] == [producerFinished]
    data = [message["data"] for message in sink.got[1:]]
    if region:
        assert [type(d) for d in data] == [FileRegion]
        assert (data[0].offset, data[0].remaining) == (0, SIZE)
        assert data[0].read(SIZE) == content
        data[0].close()
    else:
        assert all(isinstance(d, bytes) for d in data) and b"".join(data) == content


# ------------------------------------------------------ through a real server
@pytest.mark.parametrize("serverOptions, allowed", [
    pytest.param({}, True, id="default"), pytest.param({"sendfile": False}, False, id="off"),
])
def test_the_server_tells_the_handler_whether_it_may_send_a_file_region(
        site: Path, content: bytes, serverOptions: dict[str, Any], allowed: bool) -> None:
    seen: list[dict[str, Any]] = []
    with serving(site, seen, serverOptions) as port:
        response = httpx.get(f"http://127.0.0.1:{port}/big.bin", timeout=IO_TIMEOUT)
    assert response.status_code == 200 and response.content == content
    assert [request["sendfile"] for request in seen] == [allowed]


@pytest.mark.parametrize("options", MODES)
def test_a_download_is_the_file_byte_for_byte(site: Path, content: bytes,
                                              options: dict[str, Any]) -> None:
    with serving(site, **options) as port:
        response = httpx.get(f"http://127.0.0.1:{port}/big.bin", timeout=IO_TIMEOUT)
        assert response.status_code == 200
        assert response.headers["Content-Length"] == str(SIZE)
        assert response.content == content


@pytest.mark.parametrize("options", MODES)
def test_downloads_one_after_another_on_one_connection(site: Path, content: bytes,
                                                       options: dict[str, Any]) -> None:
    with serving(site, **options) as port:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=IO_TIMEOUT)
        try:
            assert fetch(connection, "/big.bin")[1] == content
            assert fetch(connection, "/small.txt")[1] == SMALL
            assert fetch(connection, "/big.bin")[1] == content
            empty, body = fetch(connection, "/empty")
            assert empty.status == 200 and body == b""
            assert fetch(connection, "/small.txt")[1] == SMALL
        finally:
            connection.close()


@pytest.mark.parametrize("options", MODES)
@pytest.mark.parametrize("spec, first, last", [
    ("bytes=1000-2000999", 1000, 2000999),
    ("bytes=-100", SIZE - 100, SIZE - 1),
    ("bytes=3000000-", 3000000, SIZE - 1),
])
def test_a_range_is_exactly_those_bytes(site: Path, content: bytes, options: dict[str, Any],
                                        spec: str, first: int, last: int) -> None:
    with serving(site, **options) as port:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=IO_TIMEOUT)
        try:
            response, body = fetch(connection, "/big.bin", Range=spec)
            assert response.status == 206
            assert response.getheader("Content-Range") == f"bytes {first}-{last}/{SIZE}"
            assert body == content[first:last + 1]
            assert fetch(connection, "/small.txt")[1] == SMALL      # and the connection goes on
        finally:
            connection.close()


@pytest.mark.parametrize("options", MODES)
def test_head_sends_the_headers_and_no_body(site: Path, options: dict[str, Any]) -> None:
    # A GET pipelined after the HEAD: any body byte of the HEAD would show up
    # between the HEAD's head and the GET's status line.
    with serving(site, **options) as port:
        with connect(port) as client:
            client.sendall(b"HEAD /big.bin HTTP/1.1\r\nHost: x\r\n\r\n"
                           b"GET /small.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            wire = receiveAll(client)
    head, rest = wire.split(b"\r\n\r\n", 1)
    assert head.startswith(b"HTTP/1.1 200 ")
    assert b"\r\nContent-Length: %d" % SIZE in head
    assert rest.startswith(b"HTTP/1.1 200 "), rest[:40]
    assert rest.split(b"\r\n\r\n", 1)[1] == SMALL


def test_both_ways_give_the_same_answers(site: Path) -> None:
    answers = []
    for options in ({}, {"sendfile": False}):
        with serving(site, **options) as port:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=IO_TIMEOUT)
            try:
                seen = []
                for method, headers in [("GET", {}), ("GET", {"Range": "bytes=10-99"}),
                                        ("HEAD", {}), ("HEAD", {"Range": "bytes=-5"})]:
                    response, body = fetch(connection, "/big.bin", method, **headers)
                    seen.append((response.status, comparable(response), body))
                answers.append(seen)
            finally:
                connection.close()
    assert answers[0] == answers[1]
