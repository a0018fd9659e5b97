"""Tests for Kamaelia.Protocol.HTTP.HTTPClient against real servers.

The servers are the standard library's ``ThreadingHTTPServer`` and an
``aiohttp`` server, each in a thread of the test process, on loopback port
0; they record the client port of every request, so a test can count the
connections the client made. The client runs in the test's thread until it
ends (``nettools.runScheduler``).
"""

from __future__ import annotations

import asyncio
import hashlib
import http.server
import logging
import socket
import ssl
import threading
from typing import Any, Iterator

import pytest
import trustme
from aiohttp import web

from Axon.Component import component
from Axon.Ipc import producerFinished, shutdownMicroprocess
from Axon.Scheduler import scheduler
from componentharness import Collector
from Kamaelia._logthrottle import forgetAll
from Kamaelia.Protocol.HTTP.HTTPClient import (HTTPRequest, ParsedHTTPBodyChunk, ParsedHTTPEnd,
                                               ParsedHTTPError, ParsedHTTPHeader,
                                               ParsedHTTPRedirect, SimpleHTTPClient,
                                               SingleShotHTTPClient, intval, splitURL)
from Kamaelia.Protocol.HTTP.HTTPHelpers import HTTPMakePostRequest
from nettools import runScheduler

LIMIT = 20.0
BIG = 50 * 1024 * 1024


@pytest.fixture(autouse=True)
def fresh_log_limiters() -> Iterator[None]:
    forgetAll(report=False)
    yield
    forgetAll(report=False)


def fetch(client: component, inbox: list[Any] = (), control: list[Any] = (),  # type: ignore[assignment]
          sink: component | None = None) -> Collector:
    sink = sink or Collector()
    client.inboxes["inbox"].extend(inbox)
    client.inboxes["control"].extend(control)
    client.link((client, "outbox"), (sink, "inbox"))
    client.link((client, "signal"), (sink, "control"))
    client.activate()
    sink.activate()
    runScheduler(LIMIT)
    return sink


def body(messages: list[Any]) -> bytes:
    return b"".join(m.bodychunk for m in messages if isinstance(m, ParsedHTTPBodyChunk))


# ------------------------------------------------------------- stdlib server
class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: "Server"

    def log_message(self, *args: Any) -> None:
        pass

    def _reply(self, code: int, data: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(code)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _record(self) -> None:
        self.server.seen.append((self.command, self.path, self.client_address[1]))

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def do_GET(self) -> None:
        self._record()
        path = self.path
        if path == "/hello":
            self._reply(200, b"hello world", {"Content-Type": "text/plain", "X-Two": "a"})
        elif path.startswith("/hop/"):                 # /hop/N -> ... -> /hello
            n = int(path.rsplit("/", 1)[1])
            self._reply(302, b"moved", {"Location": f"/hop/{n - 1}" if n > 1 else "/hello"})
        elif path == "/loop":
            self._reply(301, b"", {"Location": "/loop2"})
        elif path == "/loop2":
            self._reply(301, b"", {"Location": f"http://127.0.0.1:{self.server.port}/loop"})
        elif path == "/missing":
            self._reply(404, b"no such page")
        elif path == "/chunked":
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for piece in (b"one ", b"two ", b"three"):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            self.wfile.write(b"0\r\n\r\n")
        elif path == "/close":                          # HTTP/1.0-style: the end is the close
            self.send_response(200)
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(b"until the end")
            self.close_connection = True
        elif path == "/big":
            self.send_response(200)
            self.send_header("Content-Length", str(BIG))
            self.end_headers()
            piece = bytes(range(256)) * 256             # 64 KiB
            for _ in range(BIG // len(piece)):
                self.wfile.write(piece)
        elif path == "/truncated":
            self.send_response(200)
            self.send_header("Content-Length", "100")
            self.end_headers()
            self.wfile.write(b"only this")
            self.close_connection = True
        elif path == "/method":
            self._reply(200, f"{self.command} {self._body()!r}".encode())
        else:
            self._reply(500, b"unexpected path")

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_POST(self) -> None:
        self._record()
        data = self._body()
        if self.path in ("/303", "/302", "/307", "/308"):
            self._reply(int(self.path[1:]), b"", {"Location": "/method"})
        elif self.path == "/method":
            self._reply(200, f"{self.command} {data!r}".encode())
        else:
            self._reply(200, f"{self.command} {data!r} {self.headers.get('X-Extra')}".encode())

    do_PUT = do_POST


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, context: ssl.SSLContext | None = None) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.seen: list[tuple[str, str, int]] = []
        self.port = self.server_address[1]
        self.context = context

    def get_request(self) -> tuple[socket.socket, Any]:
        sock, address = super().get_request()
        if self.context is not None:
            sock = self.context.wrap_socket(sock, server_side=True)
        return sock, address

    def connections(self) -> int:
        return len({port for _, _, port in self.seen})


@pytest.fixture
def server() -> Iterator[Server]:
    srv = Server()
    thread = threading.Thread(target=srv.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()
    thread.join(5)


def url(srv: Server, path: str) -> str:
    return f"http://127.0.0.1:{srv.port}{path}"


# ------------------------------------------------------------ SingleShot
def test_a_page_comes_as_header_chunks_and_end(server: Server) -> None:
    sink = fetch(SingleShotHTTPClient(url(server, "/hello")))
    header, *rest, end = sink.got
    assert isinstance(header, ParsedHTTPHeader) and type(end) is ParsedHTTPEnd
    assert header.header["responsecode"] == "200"
    assert header.header["headers"]["content-type"] == "text/plain"
    assert header.header["headers"]["x-two"] == "a"
    assert body(rest) == b"hello world"
    assert [type(m) for m in sink.control] == [producerFinished]


def test_redirects_are_followed_and_announced_on_one_connection(server: Server) -> None:
    sink = fetch(SingleShotHTTPClient(url(server, "/hop/3")))
    redirects = [m.redirectto for m in sink.got if isinstance(m, ParsedHTTPRedirect)]
    assert redirects == [url(server, "/hop/2"), url(server, "/hop/1"), url(server, "/hello")]
    assert body(sink.got) == b"hello world"
    assert [p for _, p, _ in server.seen] == ["/hop/3", "/hop/2", "/hop/1", "/hello"]
    assert server.connections() == 1                  # kept alive across the redirects


def test_too_many_redirects_end_with_an_error(server: Server, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="Kamaelia.Protocol.HTTP.HTTPClient"):
        sink = fetch(SingleShotHTTPClient(url(server, "/hop/5"), maxRedirects=2))
    error = sink.got[-1]
    assert isinstance(error, ParsedHTTPError) and "too many redirects" in error.reason
    assert len([m for m in sink.got if isinstance(m, ParsedHTTPRedirect)]) == 3
    assert any("too many redirects" in r.getMessage() and "/hop/" in r.getMessage()
               for r in caplog.records)


def test_a_redirect_loop_is_detected(server: Server, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="Kamaelia.Protocol.HTTP.HTTPClient"):
        sink = fetch(SingleShotHTTPClient(url(server, "/loop")))
    assert isinstance(sink.got[-1], ParsedHTTPError)
    assert "redirect loop" in sink.got[-1].reason
    assert [p for _, p, _ in server.seen] == ["/loop", "/loop2"]
    assert any("redirect loop" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("code, method, sent", [("303", "GET", b""), ("302", "GET", b""),
                                                ("307", "POST", b"data"), ("308", "POST", b"data")])
def test_redirect_codes_change_or_keep_the_method(server: Server, code: str, method: str,
                                                  sent: bytes) -> None:
    sink = fetch(SingleShotHTTPClient(url(server, "/" + code), postbody=b"data"))
    assert body(sink.got) == f"{method} {sent!r}".encode()


def test_other_statuses_are_passed_on_with_their_body(server: Server) -> None:
    sink = fetch(SingleShotHTTPClient(url(server, "/missing")))
    assert sink.got[0].header["responsecode"] == "404"
    assert body(sink.got) == b"no such page"


def test_chunked_and_close_delimited_bodies(server: Server) -> None:
    assert body(fetch(SingleShotHTTPClient(url(server, "/chunked"))).got) == b"one two three"
    assert body(fetch(SingleShotHTTPClient(url(server, "/close"))).got) == b"until the end"


def test_a_body_cut_short_is_an_error(server: Server, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="Kamaelia.Protocol.HTTP.HTTPClient"):
        sink = fetch(SingleShotHTTPClient(url(server, "/truncated")))
    assert body(sink.got) == b"only this"
    assert isinstance(sink.got[-1], ParsedHTTPError)
    assert any("/truncated" in r.getMessage() for r in caplog.records)


def test_post_with_extra_headers_and_head(server: Server) -> None:
    sink = fetch(SingleShotHTTPClient(url(server, "/echo"), "ünïcode", method="PUT",
                                      extraheaders={"X-Extra": "yes"}))
    assert body(sink.got) == f"PUT {'ünïcode'.encode()!r} yes".encode()
    sink = fetch(SingleShotHTTPClient(url(server, "/hello"), method="HEAD"))
    assert sink.got[0].header["headers"]["content-length"] == "11" and body(sink.got) == b""


def test_connection_refused_is_reported(caplog: pytest.LogCaptureFixture) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]                      # nothing listens on it
    with caplog.at_level(logging.WARNING, logger="Kamaelia.Protocol.HTTP.HTTPClient"):
        sink = fetch(SingleShotHTTPClient(f"http://127.0.0.1:{port}/"))
    [error] = sink.got
    assert isinstance(error, ParsedHTTPError) and "could not connect" in error.reason
    assert any(f"127.0.0.1:{port}" in r.getMessage() and "refused" in r.getMessage().lower()
               for r in caplog.records)


def test_a_silent_server_times_out(caplog: pytest.LogCaptureFixture) -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()                             # accepts (in the kernel), never answers
        port = listener.getsockname()[1]
        with caplog.at_level(logging.WARNING, logger="Kamaelia.Protocol.HTTP.HTTPClient"):
            sink = fetch(SingleShotHTTPClient(f"http://127.0.0.1:{port}/", idleTimeout=0.3))
    [error] = sink.got
    assert isinstance(error, ParsedHTTPError) and "timed out" in error.reason


def test_shutdown_stops_a_fetch_at_once_and_is_passed_on() -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        stop = shutdownMicroprocess()
        client = SingleShotHTTPClient(f"http://127.0.0.1:{port}/")
        sink = Collector()
        scheduler.run.callLater(0.05, lambda: client._deliver(stop, "control"))
        fetch(client, sink=sink)
    assert sink.control == [stop] and sink.got == []


def test_bad_arguments_are_refused_at_the_door() -> None:
    with pytest.raises(ValueError, match="ftp://x"):
        SingleShotHTTPClient("ftp://x/")
    with pytest.raises(ValueError, match="idleTimeout.*-1"):
        SingleShotHTTPClient("http://x/", idleTimeout=-1)
    with pytest.raises(TypeError, match="postbody.*42"):
        SingleShotHTTPClient("http://x/", postbody=42)
    with pytest.raises(ValueError, match="maxRedirects"):
        SimpleHTTPClient(maxRedirects="3")


def test_splitURL_and_intval_keep_1_14s_shapes() -> None:
    parts = splitURL("http://user:pw@[::1]:8080/a%20b/c?x=1")
    assert (parts["uri-protocol"], parts["uri-server"], parts["uri-port"]) == ("http", "::1", "8080")
    assert (parts["raw-uri"], parts["query"], parts["uri-username"]) == ("/a%20b/c?x=1", "x=1", "user")
    assert splitURL("https://example.org")["raw-uri"] == "/"
    assert intval("12") == 12 and intval("x") is None
    request = HTTPRequest({"url": "http://x/"}, 2)
    assert request.redirectcount == 2


# ------------------------------------------------------- back-pressure
class SlowSink(Collector):
    """Takes one message per turn; keeps only a digest of the body."""

    def __init__(self) -> None:
        super().__init__()
        self.digest = hashlib.sha256()
        self.size = 0
        self.mostWaiting = 0

    def main(self) -> Iterator[Any]:
        while True:
            self.mostWaiting = max(self.mostWaiting, len(self.inboxes["inbox"]))
            if self.dataReady("inbox"):
                message = self.recv("inbox")
                if isinstance(message, (ParsedHTTPBodyChunk, bytes)):
                    data = message if isinstance(message, bytes) else message.bodychunk
                    self.digest.update(data)
                    self.size += len(data)
                else:
                    self.got.append(message)
            elif self.dataReady("control"):
                self.control.append(self.recv("control"))
                return
            else:
                self.pause()
            yield 1


def test_a_50_MB_download_streams_with_bounded_waiting(server: Server) -> None:
    sink = SlowSink()
    fetch(SingleShotHTTPClient(url(server, "/big")), sink=sink)
    piece = bytes(range(256)) * 256
    expected = hashlib.sha256(piece * (BIG // len(piece))).hexdigest()
    assert sink.size == BIG and sink.digest.hexdigest() == expected
    assert sink.mostWaiting <= SingleShotHTTPClient.outboxLimit + 1
    assert type(sink.got[-1]) is ParsedHTTPEnd


def test_a_stalled_consumer_stalls_the_server() -> None:
    # The server writes 50 MB with a send timeout: it stops when the client
    # stops reading, long before the end, because the consumer takes nothing.
    sent: list[int] = []
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()

        def serve() -> None:
            conn, _ = listener.accept()
            with conn:
                conn.recv(65536)
                conn.settimeout(1.0)
                total = 0
                try:
                    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % BIG)
                    while total < BIG:
                        total += conn.send(b"x" * 65536)
                except (socket.timeout, OSError):
                    pass
                sent.append(total)
                client._deliver(shutdownMicroprocess(), "control")   # (thread-safe)

        client = SingleShotHTTPClient(f"http://127.0.0.1:{listener.getsockname()[1]}/")
        thread = threading.Thread(target=serve, daemon=True)
        thread.start()

        class Holder(SlowSink):            # takes nothing at all
            def main(self) -> Iterator[Any]:
                while not self.dataReady("control"):
                    self.mostWaiting = max(self.mostWaiting, len(self.inboxes["inbox"]))
                    self.pause()
                    yield 1

        holder = Holder()
        fetch(client, sink=holder)
        thread.join(5)
    assert sent and sent[0] < BIG // 4, sent
    assert holder.mostWaiting <= SingleShotHTTPClient.outboxLimit + 1


# ---------------------------------------------------------------- Simple
def test_simple_client_sends_one_body_per_url_in_order_on_one_connection(server: Server) -> None:
    urls = [url(server, "/hello"), url(server, "/chunked"), url(server, "/hop/1"),
            url(server, "/missing")]
    sink = fetch(SimpleHTTPClient(), inbox=urls, control=[producerFinished()])
    assert sink.got == [b"hello world", b"one two three", b"hello world", b"no such page"]
    assert server.connections() == 1
    assert [type(m) for m in sink.control] == [producerFinished]


def test_simple_client_takes_dicts_and_survives_bad_requests(server: Server,
                                                            caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger="Kamaelia.Protocol.HTTP.HTTPClient"):
        sink = fetch(SimpleHTTPClient(),
                     inbox=[{"url": url(server, "/echo"), "postbody": b"abc",
                             "extraheaders": {"X-Extra": "1"}},
                            "not a url", 42, url(server, "/hello")],
                     control=[producerFinished()])
    assert sink.got == [b"POST b'abc' 1", b"", b"", b"hello world"]
    assert any("not a url" in r.getMessage() for r in caplog.records)
    assert any("42" in r.getMessage() for r in caplog.records)


def test_simple_client_streaming_passes_chunks(server: Server) -> None:
    sink = SlowSink()
    fetch(SimpleHTTPClient(streaming=True), inbox=[url(server, "/big")],
          control=[producerFinished()], sink=sink)
    assert sink.size == BIG
    assert sink.mostWaiting <= SingleShotHTTPClient.outboxLimit + 1


def test_simple_client_reconnects_when_the_server_closed_the_kept_connection(server: Server) -> None:
    sink = fetch(SimpleHTTPClient(),
                 inbox=[url(server, "/close"), url(server, "/hello"), url(server, "/hello")],
                 control=[producerFinished()])
    assert sink.got == [b"until the end", b"hello world", b"hello world"]
    assert server.connections() == 2


def test_post_requests_from_HTTPMakePostRequest(server: Server) -> None:
    maker = HTTPMakePostRequest(url(server, "/echo"))
    client = SimpleHTTPClient()
    maker.link((maker, "outbox"), (client, "inbox"))
    maker.link((maker, "signal"), (client, "control"))
    maker.inboxes["inbox"].extend([b"one", "two"])
    maker.inboxes["control"].append(producerFinished())
    maker.activate()
    sink = fetch(client)
    assert sink.got == [b"POST b'one' None", b"POST b'two' None"]


# ---------------------------------------------------------------- aiohttp
class AioServer:
    """An aiohttp server in a thread of its own: /hello, /chunked, /redirect."""

    def __init__(self) -> None:
        self.peers: list[int] = []
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.port = 0

    async def _hello(self, request: web.Request) -> web.Response:
        self.peers.append(request.transport.get_extra_info("peername")[1])
        return web.Response(text="hello from aiohttp")

    async def _chunked(self, request: web.Request) -> web.StreamResponse:
        self.peers.append(request.transport.get_extra_info("peername")[1])
        response = web.StreamResponse()
        response.enable_chunked_encoding()
        await response.prepare(request)
        for i in range(100):
            await response.write(b"%03d," % i)
        await response.write_eof()
        return response

    async def _redirect(self, request: web.Request) -> web.Response:
        self.peers.append(request.transport.get_extra_info("peername")[1])
        raise web.HTTPFound("/hello")

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        app = web.Application()
        app.add_routes([web.get("/hello", self._hello), web.get("/chunked", self._chunked),
                        web.get("/redirect", self._redirect)])
        self.runner = web.AppRunner(app)
        self.loop.run_until_complete(self.runner.setup())
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        self.loop.run_until_complete(site.start())
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.ready.set()
        self.loop.run_forever()
        self.loop.run_until_complete(self.runner.cleanup())
        self.loop.close()

    def __enter__(self) -> "AioServer":
        self.thread.start()
        assert self.ready.wait(10)
        return self

    def __exit__(self, *exc: Any) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)


def test_against_aiohttp_chunked_redirect_and_keep_alive() -> None:
    with AioServer() as aio:
        base = f"http://127.0.0.1:{aio.port}"
        sink = fetch(SimpleHTTPClient(),
                     inbox=[base + "/chunked", base + "/redirect", base + "/hello"],
                     control=[producerFinished()])
        peers = list(aio.peers)
    assert sink.got[0] == b"".join(b"%03d," % i for i in range(100))
    assert sink.got[1:] == [b"hello from aiohttp", b"hello from aiohttp"]
    assert len(peers) == 4 and len(set(peers)) == 1     # four requests, one connection


# -------------------------------------------------------------------- TLS
@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def tls_server(ca: trustme.CA) -> Iterator[Server]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("localhost", "127.0.0.1").configure_cert(context)
    srv = Server(context)
    thread = threading.Thread(target=srv.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()
    thread.join(5)


def test_https_with_a_trusted_certificate(tls_server: Server, ca: trustme.CA) -> None:
    context = ssl.create_default_context()
    ca.configure_trust(context)
    sink = fetch(SimpleHTTPClient(sslContext=context),
                 inbox=[f"https://localhost:{tls_server.port}/hello",
                        f"https://localhost:{tls_server.port}/hop/1"],
                 control=[producerFinished()])
    assert sink.got == [b"hello world", b"hello world"]
    assert tls_server.connections() == 1


def test_https_with_an_untrusted_certificate_fails_with_the_reason(
        tls_server: Server, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        sink = fetch(SingleShotHTTPClient(f"https://localhost:{tls_server.port}/hello"))
    [error] = sink.got
    assert isinstance(error, ParsedHTTPError)
    assert "certificate" in error.reason.lower(), error.reason
    assert tls_server.seen == []


def test_a_tls_handshake_that_never_finishes_times_out(caplog: pytest.LogCaptureFixture) -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()                               # never speaks TLS
        port = listener.getsockname()[1]
        with caplog.at_level(logging.WARNING):
            sink = fetch(SingleShotHTTPClient(f"https://127.0.0.1:{port}/", connectTimeout=0.3))
    [error] = sink.got
    assert isinstance(error, ParsedHTTPError) and "timed out" in error.reason, error.reason


def test_simple_client_shutdown_mid_fetch_closes_everything() -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        client = SimpleHTTPClient()
        stop = shutdownMicroprocess()
        scheduler.run.callLater(0.05, lambda: client._deliver(stop, "control"))
        sink = fetch(client, inbox=[f"http://127.0.0.1:{port}/", f"http://127.0.0.1:{port}/"])
    assert sink.control == [stop] and sink.got == []
    assert scheduler.run._watched == 0                  # no socket left open
