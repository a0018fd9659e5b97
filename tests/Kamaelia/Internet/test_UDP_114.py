"""UDP, UDP_ng and multicast: 1.14's message shapes, methods, boxes and tests()."""

from __future__ import annotations

import logging
import socket
from typing import Any

import pytest

from Axon.Ipc import producerFinished
from Kamaelia.Internet import Multicast_receiver, Multicast_sender, Multicast_transceiver
from Kamaelia.Internet import UDP, UDP_ng
from Kamaelia.Internet.UDP_ng import BasicPeer
from componentharness import run
from datagramharness import address, gather, probe, receive, socketOf

HOST = "127.0.0.1"


# --------------------------------------------------------------------- UDP
def test_PostboxPeer_also_takes_1_14s_host_port_data_shape() -> None:
    with probe(HOST) as far:
        host, port = address(far)
        run(UDP.PostboxPeer(HOST, 0), [(host, port, b"old shape"), (b"new shape", (host, port))],
            [producerFinished()])
        assert [data for data, _ in receive(far, 2)] == [b"old shape", b"new shape"]


def test_receive_packet_is_called_for_each_datagram_so_a_subclass_may_change_it() -> None:
    class Shouting(UDP.BasicPeer):
        def receive_packet(self, sock: socket.socket) -> bool:
            self.calls = getattr(self, "calls", 0) + 1
            return super().receive_packet(sock)

        def messageFor(self, data: bytes, source: tuple[str, int]) -> Any:
            return data.upper(), source

    peer = Shouting(HOST, 0)
    with probe(HOST) as near:
        near.sendto(b"hi", peer.localaddress)
        gathered = gather(peer, 1)
    assert gathered.got[0][0] == b"HI" and peer.calls >= 1


def test_the_UDP_modules_name_their_components() -> None:
    assert UDP.__kamaelia_components__ == (UDP.SimplePeer, UDP.TargettedPeer, UDP.PostboxPeer)
    assert set(UDP_ng.__kamaelia_components__) == {UDP_ng.UDPReceiver, UDP_ng.UDPSender,
                                                   UDP_ng.SimplePeer, UDP_ng.TargettedPeer,
                                                   UDP_ng.PostboxPeer}


# ------------------------------------------------------------------ UDP_ng
def test_UDP_ng_peers_have_1_14s_selector_boxes_and_ignore_what_arrives_there() -> None:
    peer = UDP_ng.SimplePeer(HOST, 0)
    assert {"readReady", "writeReady"} <= set(peer.inboxes)
    assert "_selectorSignal" in peer.outboxes
    assert {"readReady", "writeReady", "target"} <= set(UDP_ng.TargettedPeer.Inboxes)
    finished = producerFinished()
    sink = run(peer, readReady=[peer], writeReady=[peer], control=[finished])
    assert sink.control == [finished]


def test_safeSend_and_safeRecv_move_one_datagram() -> None:
    peer = BasicPeer(HOST, 0)
    try:
        with probe(HOST) as far:
            assert peer.safeRecv(1024) is None                   # nothing yet
            assert peer.safeSend(b"ping", address(far)) == 4
            data, source = far.recvfrom(100)
            assert data == b"ping" and source[1] == peer.localaddress[1]
            far.sendto(b"pong", peer.localaddress)
            assert peer.safeRecv(1024) == (b"pong", address(far))
    finally:
        peer.close()


def test_safeSend_to_a_bad_target_logs_and_drops_it(caplog: pytest.LogCaptureFixture) -> None:
    peer = BasicPeer(HOST, 0)
    try:
        with caplog.at_level(logging.ERROR, logger="Kamaelia.Internet"):
            assert peer.safeSend(b"lost", ("not an address", 9)) == 4
        assert "datagram dropped" in caplog.text
    finally:
        peer.close()


def test_sendLoop_sends_what_waits_to_the_target_and_recvLoop_passes_on_what_came() -> None:
    peer = BasicPeer(HOST, 0)
    try:
        with probe(HOST) as far:
            peer.inboxes["inbox"].extend([b"one", "two"])
            peer.sendLoop(address(far))
            assert [data for data, _ in receive(far, 2)] == [b"one", b"two"]
            assert peer.destination is None            # the target was for this call
            far.sendto(b"a", peer.localaddress)
            far.sendto(b"b", peer.localaddress)
            peer.recvLoop()
            assert [data for data, _ in peer.outboxes["outbox"]] == [b"a", b"b"]
    finally:
        peer.close()


def test_PostboxPeer_sendLoop_sends_each_datagram_to_its_own_address() -> None:
    peer = UDP_ng.PostboxPeer(HOST, 0)
    try:
        with probe(HOST) as far:
            host, port = address(far)
            peer.inboxes["inbox"].extend([(host, port, b"x"), (b"y", (host, port))])
            peer.sendLoop()
            assert [data for data, _ in receive(far, 2)] == [b"x", b"y"]
    finally:
        peer.close()


def test_safeBind_to_where_it_is_bound_is_true_elsewhere_rebinds_before_it_runs() -> None:
    peer = BasicPeer(HOST, 0)
    try:
        assert peer.safeBind((HOST, peer.localaddress[1])) is True
        with probe(HOST) as other:
            taken = address(other)
            assert peer.safeBind(taken) is False             # in use
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as finder:
            finder.bind((HOST, 0))
            free = address(finder)
        assert peer.safeBind(free) is True and peer.localaddress == free
        assert socketOf(peer).getsockname() == free
    finally:
        peer.close()


def test_UDPSender_and_UDPReceiver_have_UDP_ng_BasicPeer_as_their_base() -> None:
    sender = UDP_ng.UDPSender(HOST, 9)
    try:
        assert isinstance(sender, BasicPeer) and not sender.receives
        assert {"readReady", "writeReady", "target"} <= set(sender.inboxes)
        sender.setupSelector()                      # (not running: nothing to watch with)
    finally:
        sender.close()


# --------------------------------------------------------------- multicast
@pytest.mark.parametrize("module", [Multicast_receiver, Multicast_sender,
                                    Multicast_transceiver])
def test_each_multicast_module_has_a_tests_demo_that_ends(
        module: Any, capsys: pytest.CaptureFixture[str]) -> None:
    module.tests()
    printed = capsys.readouterr().out
    assert "hello from a multicast" in printed and "goodbye" in printed
    assert module.__kamaelia_components__ == (getattr(module, module.__name__.rsplit(".")[-1]),)


def test_Multicast_transceiver_takes_1_14s_debug_argument_and_logs_each_datagram(
        caplog: pytest.LogCaptureFixture) -> None:
    group = "239.255.77.201"
    listening = Multicast_transceiver.Multicast_transceiver("0.0.0.0", 0, group, 0, False,
                                                            interface=HOST)
    talking = Multicast_transceiver.Multicast_transceiver("0.0.0.0", 0, group,
                                                          listening.localaddress[1], True,
                                                          interface=HOST)
    assert (listening.debug, talking.debug) == (False, True)
    with caplog.at_level(logging.INFO, logger="Kamaelia.Internet"):
        run(talking, [b"logged"], [producerFinished()])
    listening.close()
    assert "sending 6 bytes" in caplog.text
