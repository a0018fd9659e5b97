"""HTTPServer on h11, with real clients: http.client, httpx, curl and raw sockets."""

from __future__ import annotations

import http.client
import logging
import subprocess
import tracemalloc
from typing import Any, Iterator

import httpx
import pytest

from Axon.Component import component
from Axon.Ipc import producerFinished, shutdownMicroprocess
from Kamaelia.Chassis.ConnectedServer import ServerCore
from Kamaelia.Protocol.HTTP.HTTPResourceGlue import createRequestHandler
from Kamaelia.Protocol.HTTP.HTTPServer import HTTPServer
from Kamaelia._logthrottle import forgetAll

from nettools import Background, connect, openDescriptors, receiveAll


@pytest.fixture(autouse=True)
def fresh_log_limiters() -> None:
    forgetAll(report=False)


class Echo(component):
    """Answers with what it was asked (method, uri, body size), in a 1.14 dict."""

    def __init__(self, request: dict[str, Any]) -> None:
        super().__init__()
        self.request = request

    def main(self) -> Iterator[Any]:
        size = len(self.request["body"])
        if self.request["bodystream"]:
            done = False
            while not done:
                while self.dataReady("inbox"):
                    message = self.recv("inbox")
                    if isinstance(message, dict) and "body" in message:
                        size += len(message["body"])
                        done = done or bool(message.get("complete"))
                if not done:
                    self.pause()
                    yield 1
        text = f"{self.request['method']} {self.request['raw-uri']} {size}"
        self.send({"statuscode": "200", "type": "text/plain", "data": text, "complete": True})
        self.send(producerFinished(self), "signal")
        yield 1


class Minimal114Style(component):
    """A handler written exactly the 1.14 way (as Handlers/SessionExample was)."""

    def __init__(self, request):
        super(Minimal114Style, self).__init__()
        self.request = request

    def main(self):
        resource = {
            "statuscode": "200",
            "data": u"<html><body>%s</body></html>" % self.request["uri-suffix"],
            "incomplete": False,
            "content-type": "text/html",
        }
        self.send(resource, "outbox")
        self.send(producerFinished(self), "signal")
        yield 1


class Streamer(component):
    """Sends ``total`` bytes in 64 KiB pieces, watching its outbox as 1.14's Minimal did."""

    total = 0

    def __init__(self, request: dict[str, Any]) -> None:
        super().__init__()

    def main(self) -> Iterator[Any]:
        self.send({"statuscode": 200, "type": "application/octet-stream", "data": b""})
        piece = b"x" * 65536
        left = self.total
        while left:
            while left and len(self.outboxes["outbox"]) < 4:
                chunk = piece[:min(left, len(piece))]
                self.send({"data": chunk})
                left -= len(chunk)
            self.pause()
            yield 1
        self.send(producerFinished(self), "signal")
        yield 1


def serve(factory: Any, **options: Any) -> ServerCore:
    return ServerCore(protocol=lambda **info: HTTPServer(factory, **info, **options),
                      port=0, host="127.0.0.1")


def test_keep_alive_reuses_one_connection_with_http_client() -> None:
    server = serve(Echo)
    with Background(server):
        client = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        ports = set()
        for i in range(3):
            client.request("GET", f"/page{i}")
            response = client.getresponse()
            assert response.read() == f"GET /page{i} 0".encode()
            ports.add(client.sock.getsockname()[1])
            assert response.getheader("Server") == "Kamaelia"
            assert response.getheader("Date").endswith("GMT")
        client.close()
        assert len(ports) == 1


def test_httpx_client_keeps_alive_and_posts() -> None:
    server = serve(Echo)
    with Background(server):
        with httpx.Client(base_url=f"http://127.0.0.1:{server.port}", timeout=10) as client:
            assert client.get("/a").text == "GET /a 0"
            assert client.post("/b", content=b"12345").text == "POST /b 5"
            assert client.get("/c?q=1").text == "GET /c?q=1 0"


def test_pipelined_requests_are_answered_in_order() -> None:
    server = serve(Echo)
    with Background(server):
        with connect(server.port) as sock:
            sock.sendall(b"GET /first HTTP/1.1\r\nHost: x\r\n\r\n"
                         b"GET /second HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            answer = receiveAll(sock)
        assert answer.count(b"HTTP/1.1 200 OK") == 2
        assert answer.index(b"GET /first 0") < answer.index(b"GET /second 0")


def test_chunked_upload_and_chunked_response() -> None:
    Streamer.total = 200_000
    server = serve(createRequestHandler([("/up", Echo), ("/down", Streamer)]))
    with Background(server):
        with connect(server.port) as sock:
            sock.sendall(b"POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                         b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n")
            sock.sendall(b"GET /down HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            answer = receiveAll(sock)
        first, _, second = answer.partition(b"HTTP/1.1 200 OK")[2].partition(b"HTTP/1.1 200")
        assert b"POST /up 11" in first
        assert b"transfer-encoding: chunked" in second.lower()
        client = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        client.request("GET", "/down")
        assert len(client.getresponse().read()) == 200_000
        client.close()


def test_expect_100_continue_with_curl() -> None:
    server = serve(Echo)
    with Background(server):
        result = subprocess.run(
            ["curl", "-sv", "--max-time", "10", "-H", "Expect: 100-continue",
             "--data-binary", "@-", f"http://127.0.0.1:{server.port}/big"],
            input=b"z" * 3_000_000, capture_output=True, timeout=20)
    assert result.stdout == b"POST /big 3000000"
    assert b"HTTP/1.1 100 Continue" in result.stderr


def test_expect_100_continue_by_hand_with_a_small_body() -> None:
    server = serve(Echo)
    with Background(server):
        with connect(server.port) as sock:
            sock.sendall(b"POST /s HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n"
                         b"Expect: 100-continue\r\nConnection: close\r\n\r\n")
            assert sock.recv(100).startswith(b"HTTP/1.1 100 Continue\r\n")
            sock.sendall(b"abc")
            assert receiveAll(sock).endswith(b"POST /s 3")


def test_a_refused_upload_gets_no_100_continue() -> None:
    server = serve(lambda request: None)
    with Background(server):
        with connect(server.port) as sock:
            sock.sendall(b"POST /s HTTP/1.1\r\nHost: x\r\nContent-Length: 5000000\r\n"
                         b"Expect: 100-continue\r\n\r\n")
            answer = receiveAll(sock)
    assert answer.startswith(b"HTTP/1.1 404 ")
    assert b"100 Continue" not in answer


def test_head_has_the_headers_and_no_body() -> None:
    server = serve(Echo)
    with Background(server):
        with httpx.Client(base_url=f"http://127.0.0.1:{server.port}", timeout=10) as client:
            head = client.head("/x")
            get = client.get("/x")
        with connect(server.port) as sock:
            sock.sendall(b"HEAD /x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            raw = receiveAll(sock)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == str(len("HEAD /x 0"))
    assert get.headers["content-length"] == str(len(get.content))
    assert set(head.headers) == set(get.headers)
    assert raw.endswith(b"\r\n\r\n")


def test_a_1_14_handler_runs_unchanged_through_the_glue() -> None:
    server = serve(createRequestHandler([("/old/", Minimal114Style)]))
    with Background(server):
        with httpx.Client(base_url=f"http://127.0.0.1:{server.port}", timeout=10) as client:
            response = client.get("/old/style")
            missing = client.get("/elsewhere")
    assert response.status_code == 200
    assert response.text == "<html><body>style</body></html>"
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert missing.status_code == 404


def test_request_dictionary_has_the_1_14_keys() -> None:
    seen: list[dict[str, Any]] = []

    def factory(request: dict[str, Any]) -> Echo:
        seen.append(dict(request))
        return Echo(request)

    server = serve(createRequestHandler([("/k", factory)]))
    with Background(server):
        with connect(server.port) as sock:
            sock.sendall(b"POST /k/v?x=1 HTTP/1.1\r\nHost: here:1\r\nX-A: 1\r\nX-A: 2\r\n"
                         b"Content-Length: 2\r\nConnection: close\r\n\r\nhi")
            receiveAll(sock)
            local = sock.getsockname()
    request = seen[0]
    assert request["method"] == "POST" and request["raw-uri"] == "/k/v?x=1"
    assert request["uri-prefix-trigger"] == "/k" and request["uri-suffix"] == "/v?x=1"
    assert request["non-query-uri"] == "/k/v" and request["query"] == "x=1"
    assert request["version"] == "1.1" and request["protocol"] == "HTTP"
    assert request["uri-server"] == "here:1"
    assert request["headers"]["x-a"] == "1, 2"
    assert request["body"] == b"hi" and request["bodystream"] is False
    assert request["bad"] is False
    assert (request["peer"], request["peerport"]) == local
    assert request["localport"] == server.port


@pytest.mark.parametrize("head, status", [
    (b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414),
    (b"GET / HTTP/1.1\r\nHost: x\r\n" + b"X-Big: " + b"b" * 70000 + b"\r\n\r\n", 431),
    (b"GET / HTTP/1.1\r\nHost: x\r\n" + b"".join(b"X-%d: y\r\n" % i for i in range(120))
     + b"\r\n", 431),
    (b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2000000000\r\n\r\n", 413),
    (b"GET / HTTP/1.1\r\n\r\n", 400),
    (b"\x16\x03\x01 nonsense\r\n\r\n", 400),
])
def test_each_limit_and_malformed_request_gets_its_status_and_the_server_goes_on(
        head: bytes, status: int, caplog: pytest.LogCaptureFixture) -> None:
    server = serve(Echo)
    with caplog.at_level(logging.WARNING, "Kamaelia.Protocol.HTTP.HTTPServer"):
        with Background(server):
            with connect(server.port) as sock:
                try:
                    sock.sendall(head)
                except (BrokenPipeError, ConnectionResetError):
                    pass
                answer = receiveAll(sock)
                local = sock.getsockname()
            assert answer.startswith(b"HTTP/1.1 %d " % status), answer[:80]
            assert b"connection: close" in answer.lower()
            with httpx.Client(timeout=10) as client:
                assert client.get(f"http://127.0.0.1:{server.port}/ok").text == "GET /ok 0"
    assert f"bad request from {local[0]}:{local[1]}" in caplog.text


def test_chunked_body_over_max_body_size_is_413() -> None:
    server = serve(Echo, maxBodySize=1000)
    with Background(server):
        with connect(server.port) as sock:
            sock.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                         b"800\r\n" + b"a" * 0x800 + b"\r\n")
            assert receiveAll(sock).startswith(b"HTTP/1.1 413 ")


def test_slowloris_is_closed_with_408_after_header_timeout() -> None:
    server = serve(Echo, headerTimeout=0.3)
    with Background(server):
        with connect(server.port) as sock:
            sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            assert receiveAll(sock).startswith(b"HTTP/1.1 408 ")


def test_idle_keep_alive_connection_is_closed_after_idle_timeout() -> None:
    server = serve(Echo, idleTimeout=0.3)
    with Background(server):
        with connect(server.port) as sock:
            sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            assert receiveAll(sock).endswith(b"GET / 0")     # then closed, quietly


class GivesUp(component):
    """Begins a response of unknown length, then gives it up with shutdownMicroprocess."""

    def __init__(self, request: dict[str, Any]) -> None:
        super().__init__()

    def main(self) -> Iterator[Any]:
        self.send({"statuscode": "200", "type": "text/plain", "data": b"partial "})
        self.send({"data": b"more"})
        self.send(shutdownMicroprocess(self), "signal")
        yield 1


def test_a_response_given_up_is_cut_short_not_ended(caplog: pytest.LogCaptureFixture) -> None:
    server = serve(createRequestHandler([("/cut", GivesUp), ("/", Echo)]))
    with caplog.at_level(logging.WARNING, "Kamaelia.Protocol.HTTP.HTTPServer"):
        with Background(server):
            with connect(server.port) as sock:
                # (kept alive: it is the server that must close the connection)
                sock.sendall(b"GET /cut HTTP/1.1\r\nHost: x\r\n\r\n")
                answer = receiveAll(sock)
            head, _, body = answer.partition(b"\r\n\r\n")
            assert head.startswith(b"HTTP/1.1 200 ")
            assert b"transfer-encoding: chunked" in head.lower()
            assert body == b"8\r\npartial \r\n4\r\nmore\r\n"     # no b"0\r\n\r\n" after it
            with httpx.Client(base_url=f"http://127.0.0.1:{server.port}", timeout=10) as client:
                with pytest.raises(httpx.RemoteProtocolError):
                    client.get("/cut")
                assert client.get("/ok").text == "GET /ok 0"       # the others are served
    assert "GET /cut" in caplog.text and "part way through" in caplog.text


def test_bad_limit_arguments_name_the_value() -> None:
    with pytest.raises(ValueError, match="maxHeaders must be >= 1, not 0"):
        HTTPServer(Echo, maxHeaders=0)
    with pytest.raises(TypeError, match="createRequestHandler must be callable, not 5"):
        HTTPServer(5)


def test_50_mb_upload_and_download_are_streamed_not_held() -> None:
    size = 50 * 1024 * 1024
    Streamer.total = size
    server = serve(createRequestHandler([("/up", Echo), ("/down", Streamer)]))
    with Background(server):
        tracemalloc.start()
        try:
            with httpx.Client(base_url=f"http://127.0.0.1:{server.port}", timeout=30) as client:
                def body() -> Iterator[bytes]:
                    piece = b"u" * 1048576
                    for _ in range(50):
                        yield piece
                assert client.post("/up", content=body()).text == f"POST /up {size}"
                got = 0
                with client.stream("GET", "/down") as response:
                    for chunk in response.iter_raw():
                        got += len(chunk)
                assert got == size
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert peak < 12 * 1024 * 1024, f"peak {peak} bytes"


class FakeUpgraded(component):
    """Stands for a WebSocket connection: answers the handshake it was made
    with, then echoes what it is given, upper-cased."""

    def __init__(self, handshake: bytes) -> None:
        super().__init__()
        self.handshake = handshake

    def main(self) -> Iterator[Any]:
        self.send(self.handshake.upper(), "outbox")
        while True:
            while self.dataReady("inbox"):
                data = self.recv("inbox")
                if b"bye" in data:
                    self.send(b"BYE", "outbox")
                    self.send(producerFinished(self), "signal")
                    return
                self.send(data.upper(), "outbox")
            if self.dataReady("control"):
                return
            self.pause()
            yield 1


class FakeRoute:
    def __init__(self) -> None:
        self.calls: list[tuple[bytes, dict[str, Any]]] = []

    def makeConnection(self, handshake: bytes, request: dict[str, Any]) -> FakeUpgraded:
        self.calls.append((handshake, request))
        return FakeUpgraded(handshake)


def test_websocket_routes_get_the_connection_handed_over() -> None:
    route = FakeRoute()
    server = serve(createRequestHandler([("/ws", route), ("/", Echo)]))
    with Background(server):
        with connect(server.port) as sock:
            sock.sendall(b"GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                         b"Connection: Upgrade\r\n\r\nearly")
            answer = sock.recv(1000)
            while b"EARLY" not in answer:
                answer += sock.recv(1000)
            assert answer.startswith(b"GET /WS HTTP/1.1\r\n")
            sock.sendall(b"more bye")
            assert receiveAll(sock).endswith(b"BYE")
        with connect(server.port) as sock:
            sock.sendall(b"GET /ws HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            assert receiveAll(sock).startswith(b"HTTP/1.1 426 ")
    handshake, request = route.calls[0]
    assert handshake.startswith(b"GET /ws HTTP/1.1\r\n") and handshake.endswith(b"\r\n\r\nearly")
    assert request["uri-prefix-trigger"] == "/ws"


def test_nothing_is_left_behind_after_connections() -> None:
    before = openDescriptors()
    server = serve(Echo)
    with Background(server):
        for _ in range(5):
            with connect(server.port) as sock:
                sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                receiveAll(sock)
        with connect(server.port) as sock:
            sock.sendall(b"junk\r\n\r\n")
            receiveAll(sock)
    assert server.connectedTo == 0 and server.children[1:] == []
    assert openDescriptors() == before


def test_a_websocket_route_and_plain_pages_share_one_port() -> None:
    """A real WebSocket client upgrades on /ws; ordinary requests still work."""
    from websockets.sync.client import connect as websocketConnect

    from Kamaelia.Protocol.EchoProtocol import EchoProtocol
    from Kamaelia.Protocol.WebSocket import WebSocketRoute

    server = serve(createRequestHandler([("/ws", WebSocketRoute(EchoProtocol)), ("/", Echo)]))
    with Background(server):
        with websocketConnect(f"ws://127.0.0.1:{server.port}/ws", open_timeout=10) as ws:
            ws.send("hello")
            assert ws.recv(timeout=10) == "hello"
            ws.send(b"\x00\x01binary")
            assert ws.recv(timeout=10) == b"\x00\x01binary"
        assert httpx.get(f"http://127.0.0.1:{server.port}/page", timeout=10).status_code == 200


def test_https_with_a_checked_certificate_keep_alive_and_a_body() -> None:
    """The HTTP protocol over ServerCore's TLS: httpx checks the certificate."""
    import ssl

    import trustme

    ca = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    clientContext = ssl.create_default_context()
    ca.configure_trust(clientContext)
    server = ServerCore(protocol=lambda **info: HTTPServer(Echo, **info), port=0,
                        host="127.0.0.1", sslContext=context)
    with Background(server):
        with httpx.Client(verify=clientContext, timeout=10) as client:
            first = client.post(f"https://127.0.0.1:{server.port}/a", content=b"x" * 100_000)
            second = client.get(f"https://127.0.0.1:{server.port}/b")
        assert first.status_code == second.status_code == 200
        assert first.text == "POST /a 100000" and second.text == "GET /b 0"
        with pytest.raises(httpx.ConnectError):      # an untrusted certificate is refused
            httpx.get(f"https://127.0.0.1:{server.port}/", timeout=10)
