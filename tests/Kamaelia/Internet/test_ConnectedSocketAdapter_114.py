"""ConnectedSocketAdapter: 1.14's methods, boxes and module names, and TLS on request."""

from __future__ import annotations

import logging
import socket
import ssl
import threading
from typing import Any, Iterator

import pytest
import trustme

from Axon.Component import component
from Axon.Ipc import producerFinished, shutdownMicroprocess
from Axon.Scheduler import scheduler
from Kamaelia.IPC import shutdownCSA, socketShutdown
from Kamaelia.Internet import ConnectedSocketAdapter as csaModule
from Kamaelia.Internet.ConnectedSocketAdapter import ConnectedSocketAdapter, SSLSocket
from nethelpers import AdapterSink, Peer, runScheduler
from nettools import IO_TIMEOUT, receiveAll, receiveExactly


@pytest.fixture
def pair() -> Iterator[tuple[socket.socket, socket.socket]]:
    ours, theirs = socket.socketpair()
    theirs.settimeout(IO_TIMEOUT)
    with ours, theirs:
        yield ours, theirs


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


def contexts(ca: trustme.CA) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("localhost").configure_cert(server)
    client = ssl.create_default_context()
    ca.configure_trust(client)
    return server, client


def wired(adapter: ConnectedSocketAdapter) -> AdapterSink:
    sink = AdapterSink()
    adapter.link((adapter, "outbox"), (sink, "inbox"))
    adapter.link((adapter, "signal"), (sink, "control"))
    adapter.activate()
    sink.activate()
    return sink


# ---------------------------------------------------------------- makessl
class StartTLS(component):
    """Plays a STARTTLS client: asks in plain text, and once the server says
    GO, asks the adapter for TLS (with ``context``) and sends the secret;
    finishes the connection once the answer has come."""

    Inboxes = {"inbox": "from the adapter", "control": "not used", "ready": "sslready"}
    Outboxes = {"outbox": "to the adapter", "signal": "to the adapter's control",
                "makessl": "to the adapter's makessl"}

    def __init__(self, adapter: ConnectedSocketAdapter, context: ssl.SSLContext) -> None:
        super().__init__()
        self.context = context
        self.got = b""
        self.ready: list[Any] = []
        for mine, theirs in (("outbox", "inbox"), ("signal", "control"),
                             ("makessl", "makessl")):
            self.link((self, mine), (adapter, theirs))
        adapter.link((adapter, "outbox"), (self, "inbox"))
        adapter.link((adapter, "sslready"), (self, "ready"))

    def main(self) -> Iterator[Any]:
        self.send(b"STARTTLS\n", "outbox")
        while True:
            self.got += b"".join(self.Inbox("inbox"))
            if b"GO\n" in self.got:
                break
            self.pause()
            yield 1
        self.send(self.context, "makessl")
        self.send(b"secret", "outbox")
        while not self.got.endswith(b"ok"):
            self.got += b"".join(self.Inbox("inbox"))
            self.ready.extend(self.Inbox("ready"))
            if not self.got.endswith(b"ok"):
                self.pause()
                yield 1
        self.ready.extend(self.Inbox("ready"))
        self.send(producerFinished(self), "signal")


def test_makessl_switches_the_connection_to_tls_and_says_so_on_sslready(
        pair: tuple[socket.socket, socket.socket], ca: trustme.CA) -> None:
    ours, theirs = pair
    serverContext, clientContext = contexts(ca)

    def serve() -> bytes:
        assert receiveExactly(theirs, 9) == b"STARTTLS\n"
        theirs.sendall(b"GO\n")
        with serverContext.wrap_socket(theirs, server_side=True) as tls:
            secret = receiveExactly(tls, 6)
            tls.sendall(b"ok")
            return secret

    peer = Peer(serve).begin()
    adapter = ConnectedSocketAdapter(ours, serverSide=False, serverHostname="localhost")
    client = StartTLS(adapter, clientContext)
    adapter.activate()
    client.activate()
    runScheduler()
    assert peer.finish() == b"secret"            # it went through TLS
    assert client.got == b"GO\nok" and client.ready == [""]
    assert adapter.isSSL


def test_makessl_on_a_servers_connection_without_a_context_closes_it_and_says_why(
        pair: tuple[socket.socket, socket.socket], caplog: pytest.LogCaptureFixture) -> None:
    ours, theirs = pair
    adapter = ConnectedSocketAdapter(ours)            # server side, no sslContext
    adapter.inboxes["makessl"].append(" make ssl ")
    with caplog.at_level(logging.WARNING, logger="Kamaelia.Internet.ConnectedSocketAdapter"):
        wired(adapter)
        runScheduler()
    assert "without an ssl.SSLContext" in caplog.text
    assert theirs.recv(10) == b""                     # closed, nothing sent in plain text
    assert not adapter.isSSL


# --------------------------------------------------------- 1.14's methods
def test_handleControl_says_to_end_now_on_shutdownMicroprocess_and_later_on_producerFinished(
        pair: tuple[socket.socket, socket.socket]) -> None:
    adapter = ConnectedSocketAdapter(pair[0])
    adapter.inboxes["control"].append(producerFinished())
    assert adapter.handleControl() is False and adapter.howDied == "producer finished"
    adapter.inboxes["control"].append(shutdownMicroprocess())
    assert adapter.handleControl() is True


def test_safesend_and_saferecv_move_bytes_and_report_would_block_as_nothing(
        pair: tuple[socket.socket, socket.socket]) -> None:
    ours, theirs = pair
    adapter = ConnectedSocketAdapter(ours)
    assert adapter._saferecv(ours) is None                  # nothing there: not an error
    assert adapter._safesend(ours, b"hello") == 5
    assert theirs.recv(10) == b"hello"
    theirs.sendall(b"back")
    assert adapter._saferecv(ours, 32768) == b"back"
    theirs.shutdown(socket.SHUT_WR)
    assert adapter._saferecv(ours) is None and adapter.howDied == "peer closed"


def test_safesend_to_a_reset_connection_notes_the_failure(
        pair: tuple[socket.socket, socket.socket]) -> None:
    ours, theirs = pair
    theirs.close()
    adapter = ConnectedSocketAdapter(ours)
    assert adapter._safesend(ours, b"x") == 0          # the peer has gone: EPIPE
    assert adapter._failed and adapter.howDied


def test_passOnShutdown_sends_1_14s_messages(pair: tuple[socket.socket, socket.socket]) -> None:
    ours, _ = pair
    adapter = ConnectedSocketAdapter(ours)
    adapter.howDied = "testing"
    adapter.passOnShutdown()
    fed, signalled = adapter.outboxes["CreatorFeedback"], adapter.outboxes["signal"]
    (feedback,), (ended,) = list(fed), list(signalled)
    assert isinstance(feedback, socketShutdown) and feedback.message == [ours, "testing"]
    assert isinstance(ended, shutdownCSA) and ended.object == (adapter, ours)


def test_stopping_an_adapter_that_never_ran_closes_its_socket_and_says_so(
        pair: tuple[socket.socket, socket.socket]) -> None:
    ours, theirs = pair
    adapter = ConnectedSocketAdapter(ours)
    adapter.stop()
    assert ours.fileno() == -1 and theirs.recv(10) == b""
    assert [type(m) for m in adapter.outboxes["signal"]] == [shutdownCSA]


def test_canDoSomething_is_true_only_with_work_it_can_do_now(
        pair: tuple[socket.socket, socket.socket]) -> None:
    adapter = ConnectedSocketAdapter(pair[0], sendBufferLimit=4)
    assert not adapter.canDoSomething()
    adapter.inboxes["inbox"].append(b"data")
    assert adapter.canDoSomething()
    adapter._out += b"full"                         # send buffer at its limit
    assert not adapter.canDoSomething()
    adapter.inboxes["ReadReady"].append(pair[0])
    assert adapter.canDoSomething()


def test_a_subclass_overriding_handleReceive_gets_the_readiness_callbacks(
        pair: tuple[socket.socket, socket.socket]) -> None:
    ours, theirs = pair

    class Counting(ConnectedSocketAdapter):
        calls = 0

        def handleReceive(self) -> None:
            Counting.calls += 1
            super().handleReceive()

    theirs.sendall(b"abc")
    theirs.shutdown(socket.SHUT_WR)
    adapter = Counting(ours)
    sink = wired(adapter)
    runScheduler()
    assert b"".join(sink.got) == b"abc" and Counting.calls >= 2     # data, then end of file


def test_a_subclass_overriding_handleControl_and_flushSendQueue_is_called_by_main(
        pair: tuple[socket.socket, socket.socket]) -> None:
    ours, theirs = pair
    seen: list[str] = []

    class Watched(ConnectedSocketAdapter):
        def handleControl(self) -> bool:
            seen.append("control")
            return super().handleControl()

        def flushSendQueue(self) -> None:
            seen.append("flush")
            super().flushSendQueue()

    adapter = Watched(ours)
    adapter.inboxes["inbox"].extend([b"one ", b"two"])
    adapter.inboxes["control"].append(producerFinished())
    wired(adapter)
    runScheduler()
    assert receiveAll(theirs) == b"one two"
    assert "control" in seen and "flush" in seen


def test_checkSocketStatus_takes_1_14s_readiness_notes_and_reads_at_once(
        pair: tuple[socket.socket, socket.socket]) -> None:
    ours, theirs = pair
    adapter = ConnectedSocketAdapter(ours)
    adapter._reading = True                  # (as if watched by a running adapter)
    theirs.sendall(b"now")
    adapter.inboxes["ReadReady"].append(ours)
    adapter.inboxes["SendReady"].append(ours)
    adapter.checkSocketStatus()
    assert list(adapter.outboxes["outbox"]) == [b"now"]
    assert not adapter.dataReady("ReadReady") and not adapter.dataReady("SendReady")


def test_whinge_false_logs_a_receive_failure_at_debug_level(
        pair: tuple[socket.socket, socket.socket], caplog: pytest.LogCaptureFixture,
        monkeypatch: pytest.MonkeyPatch) -> None:
    ours, _ = pair
    monkeypatch.setitem(csaModule.whinge, "socketRecievingFailure", False)
    adapter = ConnectedSocketAdapter(ours)
    adapter._failedWhile = "receiving"
    adapter.howDied = "Connection reset by peer"
    with caplog.at_level(logging.DEBUG, logger="Kamaelia.Internet.ConnectedSocketAdapter"):
        adapter._fail(None)
    (record,) = caplog.records
    assert record.levelno == logging.DEBUG and "Connection reset by peer" in record.getMessage()


def test_the_1_14_module_settings_exist_with_1_14s_keys() -> None:
    assert csaModule.whinge == {"socketSendingFailure": True, "socketRecievingFailure": True}
    assert set(csaModule.crashAndBurn) == {"uncheckedSocketShutdown", "receivingDataFailed",
                                           "sendingDataFailed"}
    assert csaModule.__kamaelia_components__ == (ConnectedSocketAdapter,)


# --------------------------------------------------------------- SSLSocket
def test_SSLSocket_is_1_14s_blocking_tls_wrapper(ca: trustme.CA) -> None:
    serverContext, clientContext = contexts(ca)
    ours, theirs = socket.socketpair()
    with ours, theirs:
        theirs.settimeout(IO_TIMEOUT)

        def serve() -> bytes:
            with serverContext.wrap_socket(theirs, server_side=True) as tls:
                got = receiveExactly(tls, 4)
                tls.sendall(b"pong")
                return got

        peer = Peer(serve).begin()
        wrapped = SSLSocket(ours, clientContext, server_hostname="localhost")
        assert wrapped.fileno() >= 0 and wrapped.sock is wrapped.sslobj
        assert wrapped.send(b"ping") == 4
        answer = b""
        while len(answer) < 4:
            answer += wrapped.recv(4)
        assert answer == b"pong" and peer.finish() == b"ping"
        wrapped.setblocking(False)
        assert wrapped.recv(10) == b""              # nothing yet: b"", as in 1.14
        wrapped.close()
