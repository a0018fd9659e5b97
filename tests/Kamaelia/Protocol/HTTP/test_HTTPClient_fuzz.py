"""Fuzzing the HTTP client with hypothesis: whatever a server answers
(random bytes, and mutations of good responses), through a real socket, the
client ends, with a ParsedHTTPEnd (an error or not) and producerFinished,
and never crashes or hangs.
"""

from __future__ import annotations

import socket
import threading
from typing import Iterator

import pytest
from hypothesis import given, settings, strategies as st

from Axon.Ipc import producerFinished
from Axon.Scheduler import scheduler
from componentharness import Collector
from Kamaelia._logthrottle import forgetAll
from Kamaelia.Protocol.HTTP.HTTPClient import ParsedHTTPEnd, ParsedHTTPError, SingleShotHTTPClient

GOOD = [b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
        b"HTTP/1.1 302 Found\r\nLocation: /x\r\nContent-Length: 0\r\n\r\n",
        b"HTTP/1.0 200 OK\r\n\r\nuntil close"]


class Answerer:
    """Accepts connections; answers each with the current ``reply`` and closes."""

    def __init__(self) -> None:
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.port = self.listener.getsockname()[1]
        self.reply = b""
        self.running = True
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while self.running:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(5)
                try:
                    conn.recv(65536)
                    conn.sendall(self.reply)
                except OSError:
                    pass

    def close(self) -> None:
        self.running = False
        socket.create_connection(("127.0.0.1", self.port), timeout=5).close()  # wake accept()
        self.thread.join(5)
        self.listener.close()


@pytest.fixture(scope="module")
def answerer() -> Iterator[Answerer]:
    server = Answerer()
    yield server
    server.close()


def fetchWith(answerer: Answerer, reply: bytes) -> Collector:
    forgetAll(report=False)
    answerer.reply = reply
    scheduler.run = scheduler()
    client = SingleShotHTTPClient(f"http://127.0.0.1:{answerer.port}/", idleTimeout=2,
                                  maxRedirects=2)
    sink = Collector()
    client.link((client, "outbox"), (sink, "inbox"))
    client.link((client, "signal"), (sink, "control"))
    client.activate()
    sink.activate()
    overdue: list[bool] = []
    watchdog = scheduler.run.callLater(10, lambda: (overdue.append(True), scheduler.run.stop()))
    scheduler.run.runThreads()
    watchdog.cancel()
    assert not overdue, f"the client hung on {reply!r}"
    return sink


def assertEnded(sink: Collector) -> None:
    assert sink.got and isinstance(sink.got[-1], ParsedHTTPEnd)
    assert [type(m) for m in sink.control] == [producerFinished]


@settings(max_examples=40, derandomize=True, deadline=None)
@given(st.binary(max_size=200))
def test_random_answers(answerer: Answerer, reply: bytes) -> None:
    assertEnded(fetchWith(answerer, reply))


@settings(max_examples=60, derandomize=True, deadline=None)
@given(st.sampled_from(GOOD), st.integers(min_value=0, max_value=80),
       st.binary(min_size=0, max_size=4), st.integers(min_value=0, max_value=3))
def test_mutated_answers(answerer: Answerer, good: bytes, at: int, insert: bytes,
                         drop: int) -> None:
    at = min(at, len(good))
    assertEnded(fetchWith(answerer, good[:at] + insert + good[at + drop:]))



@pytest.mark.parametrize("reply", [GOOD[0][:-2], b"HTTP/1.1 2OO OK\r\n\r\n", b"",
                                   GOOD[1].replace(b"5\r\n", b"z\r\n")])
def test_known_bad_answers_are_errors(answerer: Answerer, reply: bytes) -> None:
    sink = fetchWith(answerer, reply)
    assert isinstance(sink.got[-1], ParsedHTTPError), sink.got
