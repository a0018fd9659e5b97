"""ConnectedSocketAdapter: bytes both ways, back-pressure, partial writes, endings."""

from __future__ import annotations

import logging
import re
import socket
import threading
from typing import Any, Callable, Iterator

import pytest

from Axon.Component import component
from Axon.Ipc import producerFinished, shutdownMicroprocess
from Axon.Scheduler import scheduler
from Kamaelia.IPC import shutdownCSA, socketShutdown
from Kamaelia.Internet.ConnectedSocketAdapter import ConnectedSocketAdapter

from nethelpers import AdapterSink as Collector
from nettools import IO_TIMEOUT, receiveAll, receiveExactly


@pytest.fixture
def pair() -> Iterator[tuple[socket.socket, socket.socket]]:
    ours, theirs = socket.socketpair()
    theirs.settimeout(IO_TIMEOUT)
    try:
        yield ours, theirs
    finally:
        ours.close()
        theirs.close()


class Hoarder(component):
    """Never takes anything from its inbox; ends on a message on "control"."""

    def main(self) -> Iterator[Any]:
        while not self.dataReady("control"):
            self.pause()
            yield 1


def wire(adapter: ConnectedSocketAdapter, sink: component) -> None:
    adapter.link((adapter, "outbox"), (sink, "inbox"))
    adapter.link((adapter, "signal"), (sink, "control"))


def test_bytes_and_text_sent_to_it_reach_the_peer_then_producer_finished_closes(
        pair: tuple[socket.socket, socket.socket]) -> None:
    ours, theirs = pair
    adapter = ConnectedSocketAdapter(ours)
    adapter.inboxes["inbox"].extend([b"hello ", bytearray(b"big "), "w\u00f6rld"])
    adapter.inboxes["control"].append(producerFinished())
    sink = Collector()
    wire(adapter, sink)
    adapter.activate()
    sink.activate()
    scheduler.run.runThreads()
    assert receiveAll(theirs) == "hello big w\u00f6rld".encode()
    assert adapter.howDied == "producer finished"
    assert isinstance(sink.control[0], shutdownCSA) and sink.control[0].object == (adapter, ours)
    assert ours.fileno() == -1 or adapter.socket.fileno() == -1


class Creator(component):
    """Plays the adapter's creator: records its feedback and, on
    socketShutdown, tells it to finish."""

    Outboxes = {"outbox": "to the adapter's control", "signal": "unused"}

    def __init__(self, adapter: ConnectedSocketAdapter) -> None:
        super().__init__()
        self.feedback: list[Any] = []
        adapter.link((adapter, "CreatorFeedback"), (self, "inbox"))
        self.link((self, "outbox"), (adapter, "control"))

    def main(self) -> Iterator[Any]:
        while not self.feedback:
            self.feedback.extend(self.Inbox("inbox"))
            if not self.feedback:
                self.pause()
                yield 1
        self.send(producerFinished(self), "outbox")


def test_what_the_peer_sends_comes_out_and_its_close_is_reported_once(
        pair: tuple[socket.socket, socket.socket]) -> None:
    ours, theirs = pair
    theirs.sendall(b"abc")
    theirs.shutdown(socket.SHUT_WR)
    adapter = ConnectedSocketAdapter(ours)
    sink = Collector()
    wire(adapter, sink)
    creator = Creator(adapter)
    adapter.activate()
    sink.activate()
    creator.activate()
    scheduler.run.runThreads()
    assert b"".join(sink.got) == b"abc"
    assert len(creator.feedback) == 1
    assert isinstance(creator.feedback[0], socketShutdown)
    assert creator.feedback[0].message[1] == "peer closed"
    assert creator.feedback[0].caller is adapter


def test_a_half_closing_adapter_keeps_receiving_until_the_peer_closes(
        pair: tuple[socket.socket, socket.socket]) -> None:
    ours, theirs = pair
    adapter = ConnectedSocketAdapter(ours, halfClose=True)
    adapter.inboxes["inbox"].append(b"question")
    adapter.inboxes["control"].append(producerFinished())
    sink = Collector()
    wire(adapter, sink)

    def peer() -> None:
        assert receiveAll(theirs) == b"question"      # our side was shut: EOF
        theirs.sendall(b"answer")
        theirs.shutdown(socket.SHUT_WR)

    thread = threading.Thread(target=peer)
    thread.start()
    adapter.activate()
    sink.activate()
    scheduler.run.runThreads()
    thread.join()
    assert b"".join(sink.got) == b"answer"


def test_shutdown_microprocess_closes_at_once_dropping_unsent_data(
        pair: tuple[socket.socket, socket.socket]) -> None:
    ours, theirs = pair
    adapter = ConnectedSocketAdapter(ours)
    adapter.inboxes["control"].append(shutdownMicroprocess())
    adapter.inboxes["inbox"].append(b"never sent")
    sink = Collector()
    wire(adapter, sink)
    adapter.activate()
    sink.activate()
    scheduler.run.runThreads()
    assert receiveAll(theirs) == b""
    assert adapter.howDied == "shutdown"


def test_something_that_is_not_bytes_is_logged_and_dropped_and_the_rest_goes(
        pair: tuple[socket.socket, socket.socket], caplog: pytest.LogCaptureFixture) -> None:
    ours, theirs = pair
    adapter = ConnectedSocketAdapter(ours)
    adapter.inboxes["inbox"].extend([b"a", 42, b"b"])
    adapter.inboxes["control"].append(producerFinished())
    sink = Collector()
    wire(adapter, sink)
    adapter.activate()
    sink.activate()
    with caplog.at_level(logging.ERROR, "Kamaelia.Internet.ConnectedSocketAdapter"):
        scheduler.run.runThreads()
    assert receiveAll(theirs) == b"ab"
    assert "can only send bytes or str, not int" in caplog.text


def test_crash_on_bad_data_raises_naming_the_type(
        pair: tuple[socket.socket, socket.socket]) -> None:
    ours, _ = pair
    adapter = ConnectedSocketAdapter(ours, crashOnBadDataToSend=True)
    adapter.inboxes["inbox"].append({"not": "bytes"})
    adapter.activate()
    with pytest.raises(TypeError, match="not dict"):
        scheduler.run.runThreads()


def test_a_slow_peer_gets_back_pressure_and_every_byte_in_order(
        pair: tuple[socket.socket, socket.socket],
        run_rounds: Callable[[int], bool]) -> None:
    ours, theirs = pair
    limit = 64 * 1024
    adapter = ConnectedSocketAdapter(ours, sendBufferLimit=limit)
    blocks = [bytes([n]) * 50_000 for n in range(200)]          # 10 MB, peer not reading
    adapter.inboxes["inbox"].extend(blocks)
    adapter.activate()
    run_rounds(200)
    # The socket is full and the adapter stopped taking: the rest waits in its inbox.
    assert adapter.dataReady("inbox") > 0
    assert len(adapter._out) <= limit + 50_000
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(
        receiveExactly(theirs, len(blocks) * 50_000)))
    reader.start()
    adapter._deliver(producerFinished(), "control")
    while not run_rounds(100):       # this loop is the scheduler; the reader drains it
        pass
    reader.join()
    assert received[0] == b"".join(blocks)


def test_a_slow_protocol_stops_the_reading_so_the_peer_feels_it(
        pair: tuple[socket.socket, socket.socket],
        run_rounds: Callable[[int], bool]) -> None:
    ours, theirs = pair
    adapter = ConnectedSocketAdapter(ours, receiveQueueLimit=4, readSize=1024)
    hoarder = Hoarder()
    adapter.link((adapter, "outbox"), (hoarder, "inbox"))
    adapter.activate()
    hoarder.activate()
    theirs.setblocking(False)
    sent = 0
    for _ in range(100):
        run_rounds(5)
        try:
            sent += theirs.send(b"x" * 65536)
        except BlockingIOError:
            break
    else:
        pytest.fail("the peer could always send: nothing pushed back")
    assert hoarder.dataReady("inbox") == 4            # read no further than the limit
    assert sent > 4 * 1024                            # the rest waits in the kernel
    hoarder._deliver("stop", "control")
    adapter._deliver(shutdownMicroprocess(), "control")
    run_rounds(20)


def test_a_peer_that_resets_ends_the_adapter_with_the_reason(
        pair: tuple[socket.socket, socket.socket]) -> None:
    ours, theirs = pair
    adapter = ConnectedSocketAdapter(ours, noisyErrors=False)
    adapter.inboxes["inbox"].extend([b"x" * 1_000_000] * 4)    # keep writing to a gone peer
    theirs.close()
    adapter.activate()
    scheduler.run.runThreads()
    assert adapter._isStopped()
    assert adapter.howDied not in (None, "shutdown", "producer finished")


@pytest.mark.parametrize("options, error, message", [
    ({"sendBufferLimit": 0}, ValueError,
     "ConnectedSocketAdapter: sendBufferLimit must be >= 1, not 0"),
    ({"readSize": "big"}, TypeError, "ConnectedSocketAdapter: readSize must be an int, not 'big'"),
    ({"idleTimeout": -1}, ValueError,
     "ConnectedSocketAdapter: idleTimeout must be a finite number > 0, not -1"),
    ({"idleTimeout": True}, TypeError,
     "ConnectedSocketAdapter: idleTimeout must be a number, not True"),
])
def test_bad_options_are_refused_naming_the_value(
        pair: tuple[socket.socket, socket.socket], options: dict[str, Any],
        error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=re.escape(message)):
        ConnectedSocketAdapter(pair[0], **options)


def test_a_non_socket_is_refused() -> None:
    with pytest.raises(TypeError, match="needs a connected socket, not 'localhost'"):
        ConnectedSocketAdapter("localhost")   # type: ignore[arg-type]


def test_a_1_14_read_ready_nudge_reads_at_once(
        pair: tuple[socket.socket, socket.socket],
        run_rounds: Callable[[int], bool]) -> None:
    ours, theirs = pair
    adapter = ConnectedSocketAdapter(ours)
    sink = Collector()
    wire(adapter, sink)
    adapter.activate()
    sink.activate()
    run_rounds(3)
    scheduler.run.removeReader(ours)         # only the nudge can make it read now
    theirs.sendall(b"nudged")
    run_rounds(5)
    assert sink.got == []
    adapter._deliver(ours, "ReadReady")      # as 1.14's Selector would
    run_rounds(5)
    assert b"".join(sink.got) == b"nudged"
    adapter._deliver(shutdownMicroprocess(), "control")
    run_rounds(20)


def test_as_in_1_14_it_closes_by_itself_once_the_peer_has_closed(
        pair: tuple[socket.socket, socket.socket]) -> None:
    ours, theirs = pair
    theirs.sendall(b"bye")
    theirs.shutdown(socket.SHUT_WR)
    adapter = ConnectedSocketAdapter(ours)
    sink = Collector()
    wire(adapter, sink)
    adapter.activate()
    sink.activate()
    scheduler.run.runThreads()              # ends: nobody had to tell it
    assert b"".join(sink.got) == b"bye"
    assert adapter.howDied == "peer closed"
    assert receiveAll(theirs) == b""


def test_an_answer_sent_while_the_adapter_sleeps_leaves_without_waking_it() -> None:
    # The write-through: the protocol's reply goes straight into the socket
    # in the protocol's own turn, so the adapter itself hardly ever runs.
    from Kamaelia.Chassis.ConnectedServer import ServerCore
    from Kamaelia.Protocol.EchoProtocol import EchoProtocol
    from nettools import Background, inScheduler

    server = ServerCore(protocol=EchoProtocol, port=0, host="127.0.0.1")
    statistics = scheduler.run.statistics
    with Background(server):
        inScheduler(lambda: statistics.enable(sampleEvery=1))
        try:
            with socket.create_connection(("127.0.0.1", server.port), timeout=IO_TIMEOUT) as peer:
                for number in range(50):
                    line = f"ping {number}\n".encode()
                    peer.sendall(line)
                    assert receiveExactly(peer, len(line)) == line
                figures = inScheduler(statistics.snapshot)
        finally:
            inScheduler(statistics.disable)
    runs = {type(part).__name__: stats["runs"] for part, stats in figures.items()}
    assert runs["EchoProtocol"] >= 50
    assert runs["ConnectedSocketAdapter"] < 10, runs
