"""Kamaelia.Internet.ThreadedTCPClient: a TCP connection run by blocking code in a thread."""

from __future__ import annotations

from typing import Any, Iterator

import pytest

from Axon.Ipc import producerFinished
from Kamaelia.IPC import socketShutdown
from Kamaelia.Internet.ThreadedTCPClient import ThreadedTCPClient
from componentharness import Collector
from nethelpers import Peer, accept, freePort, listening, portOf
from nettools import runScheduler
from nettools import receiveAll, receiveExactly


class Watcher(Collector):
    """Records "outbox" and "signal" of the client; ends at its socketShutdown."""

    def main(self) -> Iterator[Any]:
        while True:
            self.got.extend(self.Inbox("inbox"))
            for message in self.Inbox("control"):
                self.control.append(message)
                if isinstance(message, socketShutdown):
                    self.got.extend(self.Inbox("inbox"))
                    return
            self.pause()
            yield 1


def watched(client: ThreadedTCPClient) -> Watcher:
    watcher = Watcher()
    client.link((client, "outbox"), (watcher, "inbox"))
    client.link((client, "signal"), (watcher, "control"))
    client.activate()
    watcher.activate()
    return watcher


def test_it_greets_the_server_passes_on_what_it_sends_and_reports_as_1_14() -> None:
    with listening() as listener:
        def serve() -> bytes:
            with accept(listener) as conn:
                greeting = receiveExactly(conn, 5)
                conn.sendall(b"welcome")
                return greeting

        peer = Peer(serve).begin()
        watcher = watched(ThreadedTCPClient("127.0.0.1", portOf(listener),
                                            initialsendmessage=b"hello"))
        runScheduler()
        assert peer.finish() == b"hello"
    assert b"".join(watcher.got) == b"welcome"
    notes = watcher.control
    assert notes[:3] == ["Thread running", "socket object created", "socket connected"]
    assert isinstance(notes[-1], socketShutdown)


def test_what_arrives_on_inbox_is_sent_and_producerFinished_closes() -> None:
    with listening() as listener:
        def serve() -> bytes:
            with accept(listener) as conn:
                return receiveAll(conn)

        peer = Peer(serve).begin()
        client = ThreadedTCPClient("127.0.0.1", portOf(listener))
        client.inboxes["inbox"].extend([b"one ", "two"])
        client.inboxes["control"].append(producerFinished())
        watcher = watched(client)
        runScheduler()
        assert peer.finish() == b"one two"
    assert isinstance(watcher.control[-1], socketShutdown)


def test_a_refused_connection_is_reported_with_the_error_then_socketShutdown() -> None:
    watcher = watched(ThreadedTCPClient("127.0.0.1", freePort()))
    runScheduler()
    assert isinstance(watcher.control[-2], ConnectionRefusedError)
    assert isinstance(watcher.control[-1], socketShutdown)
    assert "socket connected" not in watcher.control


@pytest.mark.parametrize("arguments, text", [(("127.0.0.1", 0), "port must be"),
                                             ((5, 80), "host must be")])
def test_bad_arguments_are_refused(arguments: tuple[Any, ...], text: str) -> None:
    with pytest.raises((ValueError, TypeError), match=text):
        ThreadedTCPClient(*arguments)
