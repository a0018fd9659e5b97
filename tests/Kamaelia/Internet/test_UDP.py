"""Tests for Kamaelia.Internet.UDP: SimplePeer, TargettedPeer, PostboxPeer, BasicPeer.

Real sockets on 127.0.0.1 and ::1, bound to port 0; the scheduler runs until
the event a test waits for has happened (see ``datagramharness``).
"""

from __future__ import annotations

import logging
import re
import socket
from typing import Any

import pytest

from Axon.Ipc import producerFinished, shutdownMicroprocess
from Axon.Scheduler import scheduler
from componentharness import Collector, errorsLogged, run
from datagramharness import (LOOPBACKS, Stubborn, address, assertShutdownClosesAndPassesOn,
                             gather, nothingWaiting, probe, receive, socketOf)
from Kamaelia.Internet import _datagram
from Kamaelia.Internet.UDP import BasicPeer, PostboxPeer, SimplePeer, TargettedPeer

LOGGER = "Kamaelia.Internet"


# ---------------------------------------------------------------- sending
@pytest.mark.parametrize("host", LOOPBACKS)
def test_SimplePeer_sends_each_message_as_a_datagram_to_the_receiver_in_order(
        host: str) -> None:
    with probe(host) as far:
        peer = SimplePeer(host, 0, *address(far))
        messages = [f"message {n}".encode() for n in range(20)]
        run(peer, messages, [producerFinished()])
        got = receive(far, 20)
    assert [data for data, _ in got] == messages
    assert {source for _, source in got} == {peer.localaddress}


def test_str_is_sent_as_utf8() -> None:
    with probe("127.0.0.1") as far:
        run(SimplePeer("127.0.0.1", 0, *address(far)), ["café"], [producerFinished()])
        assert receive(far, 1)[0][0] == "café".encode()


def test_binding_port_0_reports_the_port_chosen_in_localaddress() -> None:
    peer = SimplePeer("127.0.0.1", 0)
    try:
        host, port = peer.localaddress
        assert host == "127.0.0.1" and 0 < port < 65536
        assert socketOf(peer).getsockname() == (host, port)
    finally:
        peer.close()


def test_a_receiver_port_of_0_means_nowhere_and_data_is_logged_and_dropped(
        caplog: pytest.LogCaptureFixture) -> None:
    peer = SimplePeer("127.0.0.1", 0)
    with caplog.at_level(logging.ERROR, logger=LOGGER):
        sink = run(peer, [b"lost"], [producerFinished()])
    assert [type(m) for m in sink.control] == [producerFinished]
    (record,) = errorsLogged(caplog, LOGGER)
    assert peer.name in record.getMessage() and "no destination" in record.getMessage()


def test_a_failed_send_is_logged_with_destination_and_reason_and_the_peer_goes_on(
        caplog: pytest.LogCaptureFixture) -> None:
    with probe("127.0.0.1") as far:
        host, port = address(far)
        peer = SimplePeer("127.0.0.1", 0, host, port)
        with caplog.at_level(logging.ERROR, logger=LOGGER):
            run(peer, [b"before", b"x" * 70000, b"after"], [producerFinished()])
        assert [data for data, _ in receive(far, 2)] == [b"before", b"after"]
    (record,) = errorsLogged(caplog, LOGGER)
    text = record.getMessage()
    assert peer.name in text and f"{host}:{port}" in text and "Message too long" in text


def test_a_message_that_is_not_data_is_logged_and_skipped(
        caplog: pytest.LogCaptureFixture) -> None:
    with probe("127.0.0.1") as far:
        peer = SimplePeer("127.0.0.1", 0, *address(far))
        with caplog.at_level(logging.ERROR, logger=LOGGER):
            run(peer, [b"one", 12345, b"two"], [producerFinished()])
        assert [data for data, _ in receive(far, 2)] == [b"one", b"two"]
    (record,) = errorsLogged(caplog, LOGGER)
    assert "12345" in record.getMessage()


def test_when_a_send_would_block_the_datagram_waits_in_order_for_the_socket(
        monkeypatch: pytest.MonkeyPatch) -> None:
    with probe("127.0.0.1") as far:
        peer = SimplePeer("127.0.0.1", 0, *address(far))
        real = peer._socket
        assert real is not None
        stubborn = Stubborn(real, refuse=[1, 2])     # the second datagram, twice
        peer._socket = stubborn                      # type: ignore[assignment]
        watched: list[Any] = []
        addWriter = scheduler.run.addWriter

        def recordingAddWriter(fileobj: Any, callback: Any) -> None:
            watched.append(fileobj)
            addWriter(fileobj, callback)

        monkeypatch.setattr(scheduler.run, "addWriter", recordingAddWriter)
        messages = [f"{n}".encode() for n in range(5)]
        run(peer, messages, [producerFinished()])
        assert [data for data, _ in receive(far, 5)] == messages
    assert watched and all(fileobj is stubborn for fileobj in watched)
    assert stubborn.attempts == 7
    assert real.fileno() == -1 and scheduler.run._watched == 0


def test_sends_are_shared_out_a_few_at_a_time() -> None:
    with probe("127.0.0.1") as far:
        peer = SimplePeer("127.0.0.1", 0, *address(far))
        peer.inboxes["inbox"].extend([b"x"] * (_datagram.SENDS_PER_TURN + 5))
        peer.activate()
        next(peer)                                   # one time slice
        assert peer.dataReady("inbox") == 5
        peer.stop()


# ---------------------------------------------------------------- receiving
@pytest.mark.parametrize("host", LOOPBACKS)
def test_datagrams_received_come_out_as_data_and_sender_address(host: str) -> None:
    peer = SimplePeer(host, 0)
    with probe(host) as near:
        for n in range(3):
            near.sendto(f"{n}".encode(), peer.localaddress)
        gatherer = gather(peer, 3)
        assert gatherer.got == [(f"{n}".encode(), address(near)) for n in range(3)]


def test_reads_are_shared_out_a_few_at_a_time() -> None:
    peer = BasicPeer("127.0.0.1", 0)
    with probe("127.0.0.1") as near:
        for _ in range(_datagram.READS_PER_TURN + 3):
            near.sendto(b"x", peer.localaddress)
        peer.activate()
        next(peer)                                   # one time slice
        assert len(peer.outboxes["outbox"]) == _datagram.READS_PER_TURN
        peer.stop()


def test_a_full_consumer_holds_reading_back_until_it_takes_one(
        run_rounds: Any) -> None:
    peer = BasicPeer("127.0.0.1", 0)
    sink = Collector()
    sink.setInboxSize("inbox", 2)
    peer.link((peer, "outbox"), (sink, "inbox"))
    with probe("127.0.0.1") as near:
        for n in range(5):
            near.sendto(f"{n}".encode(), peer.localaddress)
        peer.activate()
        run_rounds(3)                                # only the peer: sink is not active
        assert len(sink.inboxes["inbox"]) == 2 and peer._held is not None
        assert not peer._reading                     # not woken by the waiting datagrams
        sink.activate()
        run_rounds(30)
        source = address(near)
    assert [data for data, _ in sink.got] == [f"{n}".encode() for n in range(5)]
    assert {where for _, where in sink.got} == {source}
    peer.stop()


# ---------------------------------------------------------------- targets
def test_TargettedPeer_sends_to_each_new_target_from_then_on() -> None:
    with probe("127.0.0.1") as first, probe("127.0.0.1") as second:
        peer = TargettedPeer("127.0.0.1", 0, *address(first))
        peer.inboxes["inbox"].append(b"to first")
        peer.activate()
        next(peer)
        assert receive(first, 1)[0][0] == b"to first"
        peer.inboxes["target"].append(address(second))
        peer.inboxes["inbox"].append(b"to second")
        peer.inboxes["control"].append(producerFinished())
        scheduler.run.runThreads()
        assert receive(second, 1)[0][0] == b"to second"
        assert nothingWaiting(first)


@pytest.mark.parametrize("bad,reason", [
    ("127.0.0.1", "tuple"),
    (("localhost", 5000), "not a numeric AF_INET address"),
    (("127.0.0.1", 0), "from 1 to 65535"),
    (("127.0.0.1", "80"), "from 1 to 65535"),
    (("::1", 5000), "not a numeric AF_INET address"),
])
def test_a_bad_target_is_logged_and_the_previous_one_kept(
        bad: Any, reason: str, caplog: pytest.LogCaptureFixture) -> None:
    with probe("127.0.0.1") as far:
        peer = TargettedPeer("127.0.0.1", 0, *address(far))
        peer.inboxes["target"].append(bad)
        with caplog.at_level(logging.ERROR, logger=LOGGER):
            run(peer, [b"still here"], [producerFinished()])
        assert receive(far, 1)[0][0] == b"still here"
    (record,) = errorsLogged(caplog, LOGGER)
    assert repr(bad) in record.getMessage() and reason in record.getMessage()


def test_a_target_before_any_receiver_makes_a_listener_a_sender() -> None:
    with probe("::1") as far:
        peer = TargettedPeer("::1", 0)
        peer.inboxes["target"].append(address(far))
        run(peer, [b"hello"], [producerFinished()])
        assert receive(far, 1)[0][0] == b"hello"


# ---------------------------------------------------------------- postbox
@pytest.mark.parametrize("host", LOOPBACKS)
def test_PostboxPeer_sends_each_datagram_to_its_own_address(host: str) -> None:
    with probe(host) as one, probe(host) as two:
        peer = PostboxPeer(host, 0)
        run(peer, [(b"a", address(one)), (b"b", address(two)), ("c", address(one))],
            [producerFinished()])
        assert [data for data, _ in receive(one, 2)] == [b"a", b"c"]
        assert [data for data, _ in receive(two, 1)] == [b"b"]


@pytest.mark.parametrize("host", LOOPBACKS)
def test_PostboxPeer_answers_to_the_address_a_datagram_came_from(host: str) -> None:
    server = PostboxPeer(host, 0)
    with probe(host) as client:
        client.sendto(b"ping", server.localaddress)
        gatherer = gather(server, 1)
        (data, source), = gatherer.got
        second = PostboxPeer(host, 0)
        run(second, [(data.upper(), source)], [producerFinished()])
        assert receive(client, 1)[0][0] == b"PING"


def test_PostboxPeer_takes_ipv6_addresses_with_flowinfo_and_scope() -> None:
    with probe("::1") as far:
        host, port = address(far)
        run(PostboxPeer("::1", 0), [(b"four", (host, port, 0, 0))], [producerFinished()])
        assert receive(far, 1)[0][0] == b"four"


@pytest.mark.parametrize("bad", [
    b"no address",
    (b"data", "127.0.0.1"),
    (b"data", ("example.invalid", 53)),
    (b"data", ("127.0.0.1", 70000)),
    (1234, ("127.0.0.1", 9)),
    (b"a", ("127.0.0.1", 9), "extra"),
])
def test_PostboxPeer_logs_and_skips_a_message_it_cannot_send(
        bad: Any, caplog: pytest.LogCaptureFixture) -> None:
    with probe("127.0.0.1") as far:
        peer = PostboxPeer("127.0.0.1", 0)
        with caplog.at_level(logging.ERROR, logger=LOGGER):
            run(peer, [bad, (b"good", address(far))], [producerFinished()])
        assert receive(far, 1)[0][0] == b"good"
    (record,) = errorsLogged(caplog, LOGGER)
    assert peer.name in record.getMessage() and repr(bad)[:40] in record.getMessage()


def test_BasicPeer_only_listens_and_drops_what_reaches_its_inbox(
        caplog: pytest.LogCaptureFixture) -> None:
    peer = BasicPeer("127.0.0.1", 0)
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        run(peer, [b"ignored"], [producerFinished()])
    assert any("ignored" in r.getMessage() and peer.name in r.getMessage()
               for r in caplog.records)


# ---------------------------------------------------------------- families
def test_an_ipv6_receiver_makes_an_ipv6_peer_bound_to_any_address() -> None:
    peer = SimplePeer(receiver_addr="::1", receiver_port=9)
    try:
        assert peer.family == socket.AF_INET6 and peer.localaddress[0] == "::"
    finally:
        peer.close()


def test_a_host_name_is_looked_up_in_the_family_given() -> None:
    peer = SimplePeer("localhost", 0, "localhost", 9, family=socket.AF_INET)
    try:
        assert peer.family == socket.AF_INET and peer.localaddress[0] == "127.0.0.1"
        assert peer.destination == ("127.0.0.1", 9)
    finally:
        peer.close()


def test_an_explicit_family_makes_the_wildcard_that_familys() -> None:
    peer = BasicPeer(family=socket.AF_INET6)
    try:
        assert peer.family == socket.AF_INET6 and peer.localaddress[0] == "::"
    finally:
        peer.close()


def test_an_ipv6_socket_does_not_take_ipv4() -> None:
    peer = BasicPeer("::", 0)
    try:
        assert socketOf(peer).getsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY) == 1
    finally:
        peer.close()


# ---------------------------------------------------------------- arguments
@pytest.mark.parametrize("make,error,text", [
    (lambda: SimplePeer("127.0.0.1", 70000), ValueError, "70000"),
    (lambda: SimplePeer("127.0.0.1", -1), ValueError, "-1"),
    (lambda: SimplePeer("127.0.0.1", "80"), TypeError, "'80'"),
    (lambda: SimplePeer("127.0.0.1", True), TypeError, "True"),
    (lambda: SimplePeer("127.0.0.1", 0, "127.0.0.1", 65536), ValueError, "65536"),
    (lambda: SimplePeer(b"127.0.0.1", 0), TypeError, "b'127.0.0.1'"),
    (lambda: SimplePeer("127.0.0.1", 0, ("127.0.0.1", 9)), TypeError, "('127.0.0.1', 9)"),
    (lambda: SimplePeer("127.0.0.1", 0, family=99), ValueError, "99"),
    (lambda: SimplePeer("127.0.0.1", 0, family=socket.AF_INET6), ValueError, "'127.0.0.1'"),
    (lambda: TargettedPeer("127.0.0.1", 0, "::1", 9), ValueError, "'127.0.0.1'"),
    (lambda: PostboxPeer(None, 0), TypeError, "None"),
    (lambda: BasicPeer("no.such.host.invalid", 0), ValueError, "'no.such.host.invalid'"),
])
def test_bad_arguments_are_refused_at_construction_naming_the_value(
        make: Any, error: type, text: str) -> None:
    with pytest.raises(error, match=re.escape(text)):
        make()


def test_a_port_in_use_is_reported_at_construction() -> None:
    with probe("127.0.0.1") as taken:
        with pytest.raises(OSError):
            BasicPeer(*address(taken))


# ---------------------------------------------------------------- shutdown
@pytest.mark.parametrize("make", [
    lambda host: SimplePeer(host, 0, host, 9),
    lambda host: TargettedPeer(host, 0),
    lambda host: PostboxPeer(host, 0),
    lambda host: BasicPeer(host, 0),
], ids=["SimplePeer", "TargettedPeer", "PostboxPeer", "BasicPeer"])
@pytest.mark.parametrize("message_class", [producerFinished, shutdownMicroprocess])
def test_a_shutdown_message_closes_the_socket_and_is_passed_on(
        make: Any, message_class: type) -> None:
    assertShutdownClosesAndPassesOn(make("127.0.0.1"), message_class)


def test_producerFinished_sends_what_it_holds_then_ends() -> None:
    with probe("127.0.0.1") as far:
        peer = SimplePeer("127.0.0.1", 0, *address(far))
        peer._socket = Stubborn(peer._socket, refuse=[0])  # type: ignore[assignment]
        sink = run(peer, [b"a", b"b"], [producerFinished()])
        assert [data for data, _ in receive(far, 2)] == [b"a", b"b"]
    assert [type(m) for m in sink.control] == [producerFinished]


def test_producerFinished_passes_on_what_has_already_arrived() -> None:
    peer = BasicPeer("127.0.0.1", 0)
    with probe("127.0.0.1") as near:
        near.sendto(b"early", peer.localaddress)
        sink = run(peer, control=[producerFinished()])
        assert sink.got == [(b"early", address(near))]


def test_shutdownMicroprocess_ends_at_once_dropping_what_was_not_sent(
        caplog: pytest.LogCaptureFixture) -> None:
    with probe("127.0.0.1") as far:
        peer = SimplePeer("127.0.0.1", 0, *address(far))
        stop = shutdownMicroprocess()
        with caplog.at_level(logging.INFO, logger=LOGGER):
            sink = run(peer, [b"a", b"b"], [stop])
        assert nothingWaiting(far)
    assert sink.control == [stop]
    assert any("2 message(s) not sent" in r.getMessage() for r in caplog.records)


def test_shutdownMicroprocess_ends_a_peer_waiting_for_the_socket() -> None:
    with probe("127.0.0.1") as far:
        peer = SimplePeer("127.0.0.1", 0, *address(far))
        real = peer._socket
        peer._socket = Stubborn(real, always=True)  # type: ignore[assignment]
        stop = shutdownMicroprocess()
        gatherer = gather(peer, 0, stopWith=lambda: stop, inbox=[b"stuck"])
        assert nothingWaiting(far)
    assert gatherer.control == [stop]
    assert real is not None and real.fileno() == -1 and scheduler.run._watched == 0


def test_stopped_from_outside_it_closes_its_socket_and_stops_watching_it(
        run_rounds: Any) -> None:
    peer = SimplePeer("127.0.0.1", 0)
    sock = socketOf(peer)
    peer.activate()
    run_rounds(3)
    assert scheduler.run._watched == 1
    peer.stop()
    run_rounds(3)
    assert sock is not None and sock.fileno() == -1 and scheduler.run._watched == 0


def test_stopped_before_it_ever_ran_it_closes_its_socket(run_rounds: Any) -> None:
    peer = SimplePeer("127.0.0.1", 0)
    sock = socketOf(peer)
    peer.activate()
    peer.stop()
    run_rounds(3)
    assert sock is not None and sock.fileno() == -1


def test_close_on_an_activated_peer_stops_it_and_it_closes_its_socket(
        run_rounds: Any) -> None:
    peer = SimplePeer("127.0.0.1", 0)
    sock = socketOf(peer)
    peer.activate()
    run_rounds(3)
    peer.close()
    run_rounds(3)
    assert peer._isStopped() and sock.fileno() == -1 and scheduler.run._watched == 0


def test_a_peer_never_activated_can_be_closed() -> None:
    peer = BasicPeer("127.0.0.1", 0)
    sock = socketOf(peer)
    peer.close()
    peer.close()
    assert sock is not None and sock.fileno() == -1


# ---------------------------------------------------------------- idling
def test_an_idle_peer_is_paused_not_polling(run_rounds: Any) -> None:
    peer = SimplePeer("127.0.0.1", 0)
    peer.activate()
    run_rounds(5)
    assert scheduler.run.isThreadPaused(peer) and peer._reading and not peer._writing
    peer.stop()


def test_a_peer_waiting_for_room_to_send_is_paused_with_a_writer_registered() -> None:
    with probe("127.0.0.1") as far:
        peer = SimplePeer("127.0.0.1", 0, *address(far))
        peer._socket = Stubborn(socketOf(peer), refuse=[0])  # type: ignore[assignment]
        peer.inboxes["inbox"].append(b"later")
        peer.activate()
        next(peer)                    # one time slice: the send is refused
        assert scheduler.run.isThreadPaused(peer) and peer._writing
        assert nothingWaiting(far)
        peer.inboxes["control"].append(producerFinished())
        scheduler.run.runThreads()    # polls, finds the socket writable, wakes the peer
        assert receive(far, 1)[0][0] == b"later"
