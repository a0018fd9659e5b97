"""WSGI applications mounted on our HTTP server, asked by real clients.

The server (``ServerCore`` + ``HTTPServer`` + ``HTTPResourceGlue``) runs in
a scheduler thread (``nettools.Background``); the clients are ``httpx`` and
``http.client`` in the test's threads. A Flask app and plain WSGI functions
are mounted next to a Kamaelia route.
"""

from __future__ import annotations

import hashlib
import http.client
import threading
from typing import Any, Iterator

import httpx
import pytest
from flask import Flask, request

from Axon.Component import component
from Axon.Ipc import producerFinished
from Kamaelia.Chassis.ConnectedServer import ServerCore
from Kamaelia.Protocol.HTTP import HTTPResourceGlue
from Kamaelia.Protocol.HTTP.HTTPServer import HTTPServer
from Kamaelia.Protocol.HTTP.WSGI import WSGIHandler, WSGIHandlerFactory
from nettools import IO_TIMEOUT, Background

BIG = 5 * 1024 * 1024
release = threading.Event()


def plain(environ: dict[str, Any], start_response: Any) -> Iterator[bytes]:
    path = environ["PATH_INFO"]
    if path == "/slow":
        assert release.wait(IO_TIMEOUT)
    if path == "/upload":
        digest, size = hashlib.sha256(), 0
        while piece := environ["wsgi.input"].read(100_000):
            digest.update(piece)
            size += len(piece)
        start_response("200 OK", [("Content-Type", "text/plain")])
        yield f"{size} {digest.hexdigest()}".encode()
        return
    if path == "/download":
        start_response("200 OK", [("Content-Type", "application/octet-stream")])
        piece = bytes(range(256)) * 256
        for _ in range(BIG // len(piece)):
            yield piece
        return
    start_response("200 OK", [("Content-Type", "text/plain"), ("X-Script", environ["SCRIPT_NAME"])])
    yield path.encode()


def flaskApp() -> Flask:
    app = Flask("mounted")

    @app.route("/hello/<name>")
    def hello(name: str) -> str:
        return f"hello {name} via {request.script_root}{request.path}"

    @app.post("/form")
    def form() -> str:
        return ",".join(f"{k}={v}" for k, v in sorted(request.form.items()))

    return app


class Native(component):
    def __init__(self, request: dict[str, Any]) -> None:
        super().__init__()
        self.request = request

    def main(self) -> Iterator[int]:
        self.send({"statuscode": "200", "type": "text/plain", "data": "kamaelia route",
                   "complete": True}, "outbox")
        self.send(producerFinished(self), "signal")
        yield 1


@pytest.fixture
def site() -> Iterator[str]:
    release.clear()
    factories: list[WSGIHandlerFactory] = [WSGIHandler(flaskApp()), WSGIHandler(plain, threads=4)]
    routes = HTTPResourceGlue.createRequestHandler(
        [("/flask", factories[0]), ("/plain", factories[1]), ("/native", Native)])
    server = ServerCore(protocol=lambda **info: HTTPServer(routes, **info), port=0,
                        host="127.0.0.1")
    with Background(server):
        yield f"http://127.0.0.1:{server.port}"
        release.set()
    for factory in factories:
        factory.close()


def test_flask_next_to_a_kamaelia_route(site: str) -> None:
    with httpx.Client(timeout=IO_TIMEOUT) as client:
        assert client.get(site + "/flask/hello/you").text == "hello you via /flask/hello/you"
        assert client.post(site + "/flask/form", data={"b": "2", "a": "1"}).text == "a=1,b=2"
        assert client.get(site + "/native").text == "kamaelia route"
        reply = client.get(site + "/plain/some/where")
        assert reply.text == "/some/where" and reply.headers["x-script"] == "/plain"
        assert client.get(site + "/flask/nothing").status_code == 404


def test_a_big_upload_is_streamed_to_wsgi_input(site: str) -> None:
    data = bytes(range(251)) * (3 * 1024 * 1024 // 251)      # past maxBufferedBody
    with httpx.Client(timeout=IO_TIMEOUT) as client:
        reply = client.post(site + "/plain/upload", content=data)
    assert reply.text == f"{len(data)} {hashlib.sha256(data).hexdigest()}"


def test_a_big_download_is_streamed_chunked(site: str) -> None:
    with httpx.Client(timeout=IO_TIMEOUT) as client:
        with client.stream("GET", site + "/plain/download") as reply:
            assert reply.headers["transfer-encoding"] == "chunked"
            size = sum(len(piece) for piece in reply.iter_bytes())
    assert size == BIG


def test_a_slow_app_does_not_block_other_requests(site: str) -> None:
    port = int(site.rsplit(":", 1)[1])
    slow = http.client.HTTPConnection("127.0.0.1", port, timeout=IO_TIMEOUT)
    slow.request("GET", "/plain/slow")
    with httpx.Client(timeout=IO_TIMEOUT) as client:     # while /slow is still running
        assert client.get(site + "/flask/hello/quick").status_code == 200
        assert client.get(site + "/native").text == "kamaelia route"
    assert not release.is_set()
    release.set()
    assert slow.getresponse().read() == b"/slow"
    slow.close()
