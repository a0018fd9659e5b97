"""Tests for Kamaelia.Internet.UDP_ng: UDPSender, UDPReceiver, and the peers it shares.

The engine under both is tested in depth through ``test_UDP.py``; these pin
what each half does and does not do.
"""

from __future__ import annotations

import logging
import re
import socket
from typing import Any

import pytest

from Axon.Ipc import producerFinished, shutdownMicroprocess
from componentharness import Collector, errorsLogged, run
from datagramharness import (LOOPBACKS, address, assertShutdownClosesAndPassesOn, gather,
                             nothingWaiting, probe, receive)
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.Internet import UDP
from Kamaelia.Internet.UDP_ng import (BasicPeer, PostboxPeer, SimplePeer, TargettedPeer,
                                      UDPReceiver, UDPSender)
from Kamaelia.Util.DataSource import DataSource

LOGGER = "Kamaelia.Internet"


@pytest.mark.parametrize("host", LOOPBACKS)
def test_UDPSender_sends_each_message_to_the_receiver_from_its_own_port(host: str) -> None:
    with probe(host) as far:
        sender = UDPSender(*address(far))
        run(sender, [b"one", "two", b"three"], [producerFinished()])
        got = receive(far, 3)
    assert [data for data, _ in got] == [b"one", b"two", b"three"]
    assert {port for _, (_, port) in got} == {sender.localaddress[1]}


def test_UDPSender_target_changes_where_data_goes() -> None:
    with probe("127.0.0.1") as first, probe("127.0.0.1") as second:
        sender = UDPSender(*address(first))
        sender.inboxes["target"].append(address(second))
        run(sender, [b"moved"], [producerFinished()])
        assert receive(second, 1)[0][0] == b"moved"
        assert nothingWaiting(first)


def test_UDPSender_without_a_receiver_logs_and_drops_data(
        caplog: pytest.LogCaptureFixture) -> None:
    sender = UDPSender()
    with caplog.at_level(logging.ERROR, logger=LOGGER):
        run(sender, [b"lost"], [producerFinished()])
    (record,) = errorsLogged(caplog, LOGGER)
    assert "no destination" in record.getMessage()


def test_UDPSender_does_not_pass_on_datagrams_sent_to_it() -> None:
    with probe("127.0.0.1") as far:
        sender = UDPSender(*address(far))
        far.sendto(b"answer", ("127.0.0.1", sender.localaddress[1]))
        sink = run(sender, [b"question"], [producerFinished()])
        assert receive(far, 1)[0][0] == b"question"
    assert sink.got == []


@pytest.mark.parametrize("host", LOOPBACKS)
def test_UDPReceiver_emits_each_datagram_with_the_senders_address(host: str) -> None:
    receiver = UDPReceiver(host, 0)
    with probe(host) as near:
        near.sendto(b"a", receiver.localaddress)
        near.sendto(b"b", receiver.localaddress)
        gatherer = gather(receiver, 2)
        assert gatherer.got == [(b"a", address(near)), (b"b", address(near))]


def test_UDPReceiver_logs_and_drops_what_reaches_its_inbox(
        caplog: pytest.LogCaptureFixture) -> None:
    receiver = UDPReceiver("127.0.0.1", 0)
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        sink = run(receiver, [b"not for sending"], [producerFinished()])
    assert sink.got == []
    assert any("not for sending" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("host", LOOPBACKS)
def test_a_sender_and_a_receiver_in_a_pipeline_deliver_everything(host: str) -> None:
    receiver = UDPReceiver(host, 0)
    sink = Collector()
    messages = [f"{n}".encode() for n in range(100)]
    Pipeline(DataSource(messages), UDPSender(*receiver.localaddress), receiver, sink).run()
    assert [data for data, _ in sink.got] == messages
    assert [type(m) for m in sink.control] == [producerFinished]


def test_the_peers_are_those_of_the_UDP_module_with_1_14s_UDP_ng_base() -> None:
    for ours, theirs in ((SimplePeer, UDP.SimplePeer), (TargettedPeer, UDP.TargettedPeer),
                         (PostboxPeer, UDP.PostboxPeer)):
        assert issubclass(ours, theirs) and issubclass(ours, BasicPeer)
    assert issubclass(UDPSender, BasicPeer) and issubclass(UDPReceiver, BasicPeer)


@pytest.mark.parametrize("make,error,text", [
    (lambda: UDPSender("127.0.0.1", 65536), ValueError, "65536"),
    (lambda: UDPSender("127.0.0.1", 1.5), TypeError, "1.5"),
    (lambda: UDPSender(5, 5), TypeError, "5"),
    (lambda: UDPSender("::1", 9, family=socket.AF_INET), ValueError, "'::1'"),
    (lambda: UDPSender("127.0.0.1", 9, family="inet"), ValueError, "'inet'"),
    (lambda: UDPReceiver("127.0.0.1", 100000), ValueError, "100000"),
    (lambda: UDPReceiver(["127.0.0.1"], 0), TypeError, "['127.0.0.1']"),
    (lambda: UDPReceiver("::1", 0, family=socket.AF_UNIX), ValueError, "AF_UNIX"),
])
def test_bad_arguments_are_refused_at_construction_naming_the_value(
        make: Any, error: type, text: str) -> None:
    with pytest.raises(error, match=re.escape(text)):
        make()


@pytest.mark.parametrize("make", [lambda: UDPSender("127.0.0.1", 9),
                                  lambda: UDPReceiver("::1", 0)],
                         ids=["UDPSender", "UDPReceiver"])
@pytest.mark.parametrize("message_class", [producerFinished, shutdownMicroprocess])
def test_a_shutdown_message_closes_the_socket_and_is_passed_on(
        make: Any, message_class: type) -> None:
    assertShutdownClosesAndPassesOn(make(), message_class)
