"""TCPClient: 1.14's arguments, methods and boxes (against plain test-side servers)."""

from __future__ import annotations

import errno
import select
import socket
import ssl
from typing import Any, Iterator

import pytest
import trustme

from Axon.Component import component
from Axon.Ipc import producerFinished, shutdownMicroprocess
from Kamaelia.Internet import TCPClient as clientModule
from Kamaelia.Internet.ConnectedSocketAdapter import ConnectedSocketAdapter
from Kamaelia.Internet.TCPClient import TCPClient
from componentharness import attach
from nethelpers import Peer, accept, freePort, listening, portOf
from nettools import runScheduler
from nettools import IO_TIMEOUT, receiveExactly


def test_the_1_14_names_are_there() -> None:
    client = TCPClient("127.0.0.1", 80)
    assert client.wait_for_serverclose is False
    assert {"makessl", "_socketFeedback"} <= set(client.inboxes)
    assert {"sslready", "_selectorSignal"} <= set(client.outboxes)
    assert TCPClient.Usescomponents == [ConnectedSocketAdapter]
    assert clientModule.__kamaelia_components__ == (TCPClient,)
    assert TCPClient("127.0.0.1", 80, 0, 60, True).wait_for_serverclose is True


def test_with_wait_for_serverclose_producerFinished_does_not_shut_our_side() -> None:
    with listening() as listener:
        def serve() -> bool:
            with accept(listener) as conn:
                assert receiveExactly(conn, 5) == b"hello"
                # Without wait_for_serverclose the client's producerFinished
                # shuts its side at once; give it a moment to show it does not.
                sawEOF = bool(select.select([conn], [], [], 0.5)[0])
                conn.sendall(b"answer")
                return sawEOF                    # then the server closes: the client ends

        peer = Peer(serve).begin()
        client = TCPClient("127.0.0.1", portOf(listener), wait_for_serverclose=True)
        client.inboxes["inbox"].append(b"hello")
        client.inboxes["control"].append(producerFinished())
        sink = attach(client)
        runScheduler()
        assert peer.finish() is False
    assert b"".join(sink.got) == b"answer"
    assert [type(m) for m in sink.control] == [producerFinished]


def test_safeConnect_is_false_while_connecting_then_true_and_raises_when_refused() -> None:
    client = TCPClient("127.0.0.1", 80)
    with listening() as listener, socket.socket() as sock:
        sock.setblocking(False)
        first = client.safeConnect(sock, ("127.0.0.1", portOf(listener)))
        if not first:
            readyToWrite = select.select([], [sock], [], IO_TIMEOUT)[1]
            assert readyToWrite
            assert client.safeConnect(sock, ("127.0.0.1", portOf(listener)))
    with socket.socket() as sock:
        sock.setblocking(True)
        with pytest.raises(OSError) as refused:
            client.safeConnect(sock, ("127.0.0.1", freePort()))
        assert refused.value.errno == errno.ECONNREFUSED


def test_shutdown_is_true_on_shutdownMicroprocess_and_keeps_a_producerFinished() -> None:
    client = TCPClient("127.0.0.1", 80)
    finished = producerFinished()
    client.inboxes["control"].append(finished)
    assert client.shutdown() is False and client._finishLater is finished
    client.inboxes["control"].append(shutdownMicroprocess())
    assert client.shutdown() is True


def test_a_subclass_overriding_setupCSA_and_waitCSAClose_is_used() -> None:
    calls: list[str] = []

    class Watched(TCPClient):
        def setupCSA(self, sock: socket.socket) -> list[Any]:
            calls.append("setup")
            return super().setupCSA(sock)

        def waitCSAClose(self) -> bool:
            if "wait" not in calls:
                calls.append("wait")
            return super().waitCSAClose()

    with listening() as listener:
        def serve() -> None:
            with accept(listener) as conn:
                conn.sendall(b"hi")

        peer = Peer(serve).begin()
        client = Watched("127.0.0.1", portOf(listener))
        sink = attach(client)
        runScheduler()
        peer.finish()
    assert calls == ["setup", "wait"] and b"".join(sink.got) == b"hi"
    assert client.howDied == "peer closed"


def test_runClient_may_be_given_the_socket_to_connect_with() -> None:
    with listening() as listener, socket.socket() as mine:
        def serve() -> bytes:
            with accept(listener) as conn:
                return receiveExactly(conn, 2)

        peer = Peer(serve).begin()

        class Given(TCPClient):
            def main(self) -> Iterator[Any]:
                yield from self.runClient(mine)

        client = Given("127.0.0.1", portOf(listener))
        client.inboxes["inbox"].append(b"ok")
        client.inboxes["control"].append(producerFinished())
        attach(client)
        runScheduler()
        assert peer.finish() == b"ok"
        assert client.sock is mine


# ---------------------------------------------------------------- makessl
class Upgrade(component):
    """Waits for the server's "GO", then asks the client for TLS and sends
    the secret; records "sslready"; ends when the client does."""

    Inboxes = {"inbox": "from the client", "control": "the client's signal",
               "ready": "from the client's sslready"}
    Outboxes = {"outbox": "to the client", "signal": "not used",
                "makessl": "to the client's makessl"}

    def __init__(self, client: TCPClient, context: ssl.SSLContext) -> None:
        super().__init__()
        self.context = context
        self.got = b""
        self.ready: list[Any] = []
        self.link((self, "outbox"), (client, "inbox"))
        self.link((self, "makessl"), (client, "makessl"))
        client.link((client, "outbox"), (self, "inbox"))
        client.link((client, "sslready"), (self, "ready"))
        client.link((client, "signal"), (self, "control"))

    def main(self) -> Iterator[Any]:
        asked = False
        while not self.dataReady("control"):
            self.got += b"".join(self.Inbox("inbox"))
            self.ready.extend(self.Inbox("ready"))
            if not asked and b"GO" in self.got:
                asked = True
                self.send(self.context, "makessl")
                self.send(b"secret", "outbox")
            self.pause()
            yield 1
        self.got += b"".join(self.Inbox("inbox"))
        self.ready.extend(self.Inbox("ready"))


def test_makessl_switches_the_clients_connection_to_tls() -> None:
    ca = trustme.CA()
    serverContext = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(serverContext)
    clientContext = ssl.create_default_context()
    ca.configure_trust(clientContext)
    with listening() as listener:
        def serve() -> bytes:
            with accept(listener) as plain:
                plain.sendall(b"GO")
                with serverContext.wrap_socket(plain, server_side=True) as tls:
                    secret = receiveExactly(tls, 6)
                    tls.sendall(b"done")
                    return secret

        peer = Peer(serve).begin()
        client = TCPClient("127.0.0.1", portOf(listener))
        upgrade = Upgrade(client, clientContext)
        client.activate()
        upgrade.activate()
        runScheduler()
        assert peer.finish() == b"secret"
    assert upgrade.got == b"GOdone" and upgrade.ready == [""]
