"""Tests for Kamaelia.Internet.Multicast_sender, Multicast_receiver, Multicast_transceiver.

Real multicast, kept on this machine: IPv4 groups in 239.255.0.0/16 sent
and joined on the loopback interface (``interface="127.0.0.1"``), and IPv6
groups of interface-local scope (``ff11::``), which by definition never
leave the interface they are sent on.

Receivers and transceivers send what they hear as ``((host, port), data)``
-- the sender first, as Kamaelia 1.14's did -- unlike the UDP peers.
"""

from __future__ import annotations

import itertools
import re
import socket
import struct
from pathlib import Path
from typing import Any

import pytest

from Axon.Ipc import producerFinished, shutdownMicroprocess
from Axon.Scheduler import scheduler
from componentharness import Collector, run
from datagramharness import (address, assertShutdownClosesAndPassesOn, gather, probe, receive,
                             socketOf)
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.Internet.Multicast_receiver import Multicast_receiver
from Kamaelia.Internet.Multicast_sender import Multicast_sender
from Kamaelia.Internet.Multicast_transceiver import Multicast_transceiver
from Kamaelia.Util.DataSource import DataSource
from Kamaelia.Util.Detuple import SimpleDetupler

LO = "127.0.0.1"
_groups = itertools.count(1)


def group4() -> str:
    """A fresh administratively scoped IPv4 group for each use."""
    return f"239.255.77.{next(_groups)}"


def group6() -> str:
    """A fresh interface-local IPv6 group for each use."""
    return f"ff11::77:{next(_groups):x}"


def multicastInterface() -> str:
    """The name of an interface that is up and can multicast (for IPv6).

    The loopback interface cannot do IPv6 multicast on Linux; an
    interface-local group on another interface still stays on this machine.
    """
    for index, name in socket.if_nameindex():
        try:
            flags = int(Path(f"/sys/class/net/{name}/flags").read_text(), 16)
        except (OSError, ValueError):
            continue
        if flags & 0x1 and flags & 0x1000 and Path(f"/proc/sys/net/ipv6/conf/{name}").exists():
            return name
    raise AssertionError("no network interface here is up and multicast-capable, "
                         "so IPv6 multicast cannot be tested on this machine")


# ---------------------------------------------------------------- delivery
def test_a_receiver_hears_what_a_sender_sends_to_its_group_ipv4() -> None:
    group = group4()
    receiver = Multicast_receiver(group, 0, interface=LO)
    sender = Multicast_sender(LO, 0, group, receiver.localaddress[1], interface=LO)
    sink = Collector()
    messages = [f"{n}".encode() for n in range(20)]
    Pipeline(DataSource(messages), sender, receiver, sink).run()
    assert sink.got == [(sender.localaddress, data) for data in messages]
    assert receiver.localaddress[0] == group


def test_a_receiver_hears_what_a_sender_sends_to_its_group_ipv6() -> None:
    group, interface = group6(), multicastInterface()
    receiver = Multicast_receiver(group, 0, interface=interface)
    sender = Multicast_sender("::", 0, group, receiver.localaddress[1], interface=interface)
    sink = Collector()
    Pipeline(DataSource([b"over", b"six"]), sender, receiver, sink).run()
    assert [data for _, data in sink.got] == [b"over", b"six"]
    assert {port for (_, port), _ in sink.got} == {sender.localaddress[1]}
    assert receiver.family == socket.AF_INET6


def test_a_receiver_hears_only_its_group_not_datagrams_sent_to_the_machine() -> None:
    group = group4()
    receiver = Multicast_receiver(group, 0, interface=LO)
    port = receiver.localaddress[1]
    with probe(LO) as near:
        near.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(LO))
        near.sendto(b"unicast", (LO, port))
        near.sendto(b"other group", (group4(), port))
        near.sendto(b"group", (group, port))
        gatherer = gather(receiver, 1)
        assert gatherer.got == [(address(near), b"group")]


def test_several_receivers_on_one_machine_share_a_group_and_port() -> None:
    group = group4()
    first = Multicast_receiver(group, 0, interface=LO)
    second = Multicast_receiver(group, first.localaddress[1], interface=LO)
    with probe(LO) as near:
        near.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(LO))
        near.sendto(b"to all", first.localaddress)
        assert gather(first, 1).got == [(address(near), b"to all")]
        assert gather(second, 1).got == [(address(near), b"to all")]


@pytest.mark.parametrize("loop", [True, False])
def test_loop_decides_whether_members_on_this_machine_hear_the_sender(loop: bool) -> None:
    # IPv6: the loopback interface hands back whatever is sent on it, so on
    # 127.0.0.1 an IPv4 member hears the sender whatever IP_MULTICAST_LOOP says.
    group, interface = group6(), multicastInterface()
    with probe("::") as member:
        member.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_JOIN_GROUP,
                          socket.inet_pton(socket.AF_INET6, group)
                          + struct.pack("@I", socket.if_nametoindex(interface)))
        port = address(member)[1]
        run(Multicast_sender("::", 0, group, port, loop=loop, interface=interface),
            [b"multicast"], [producerFinished()])
        member.sendto(b"marker", ("::1", port))       # arrives after anything looped back
        first = receive(member, 1)[0][0]
    assert first == (b"multicast" if loop else b"marker")


def test_a_transceiver_hears_the_group_and_sends_to_it() -> None:
    group = group4()
    listening = Multicast_transceiver("0.0.0.0", 0, group, 0, interface=LO)
    talking = Multicast_transceiver("0.0.0.0", 0, group, listening.localaddress[1],
                                    interface=LO)
    sink = Collector()
    Pipeline(DataSource([b"hello", b"group"]), talking, listening, sink).run()
    assert [data for _, data in sink.got] == [b"hello", b"group"]
    assert {port for (_, port), _ in sink.got} == {talking.localaddress[1]}


def test_a_transceiver_also_passes_on_datagrams_sent_to_it_directly() -> None:
    transceiver = Multicast_transceiver(LO, 0, group4(), 9, interface=LO)
    with probe(LO) as near:
        near.sendto(b"direct", transceiver.localaddress)
        assert gather(transceiver, 1).got == [(address(near), b"direct")]


@pytest.mark.parametrize("make", [
    lambda group, port: Multicast_receiver(group, port, interface=LO),
    lambda group, port: Multicast_transceiver("0.0.0.0", port, group, 9, interface=LO),
], ids=["receiver", "transceiver"])
def test_detuple_1_gives_the_data_as_in_kamaelia_1_14(make: Any) -> None:
    # Kamaelia 1.14 programs take the data with detuple(1) / SimpleDetupler(1).
    group = group4()
    listening = make(group, 0)
    sender = Multicast_sender(LO, 0, group, listening.localaddress[1], interface=LO)
    sink = Collector()
    Pipeline(DataSource([b"one", b"two"]), sender, listening, SimpleDetupler(1), sink).run()
    assert sink.got == [b"one", b"two"]


# ---------------------------------------------------------------- socket setup
@pytest.mark.parametrize("make", [Multicast_sender, Multicast_transceiver])
def test_the_sending_options_are_set_on_the_socket_ipv4(make: Any) -> None:
    component = make(LO, 0, group4(), 9, ttl=5, loop=False, interface=LO)
    try:
        sock = socketOf(component)
        assert sock.getsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL) == 5
        assert sock.getsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP) == 0
        assert sock.getsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, 4) == \
            socket.inet_aton(LO)
    finally:
        component.close()


def test_the_defaults_are_ttl_1_and_loop_on() -> None:
    sender = Multicast_sender(LO, 0, group4(), 9)
    try:
        sock = socketOf(sender)
        assert sock.getsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL) == 1
        assert sock.getsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP) == 1
    finally:
        sender.close()


def test_the_sending_options_are_set_on_the_socket_ipv6() -> None:
    interface = multicastInterface()
    sender = Multicast_sender("::", 0, group6(), 9, ttl=3, loop=False, interface=interface)
    try:
        sock = socketOf(sender)
        assert sock.getsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS) == 3
        assert sock.getsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_LOOP) == 0
        assert sock.getsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF) == \
            socket.if_nametoindex(interface)
        assert sender.destination is not None
        assert sender.destination[3] == socket.if_nametoindex(interface)
    finally:
        sender.close()


def test_an_interface_may_be_given_by_index_for_ipv6() -> None:
    index = socket.if_nametoindex(multicastInterface())
    receiver = Multicast_receiver(group6(), 0, interface=index)
    try:
        assert receiver.options.ifindex == index
    finally:
        receiver.close()


# ---------------------------------------------------------------- arguments
@pytest.mark.parametrize("make,error,text", [
    (lambda: Multicast_sender(LO, 0, "127.0.0.2", 9), ValueError, "'127.0.0.2'"),
    (lambda: Multicast_sender(LO, 0, group4(), 70000), ValueError, "70000"),
    (lambda: Multicast_sender(LO, 0, group4(), 9, ttl=256), ValueError, "256"),
    (lambda: Multicast_sender(LO, 0, group4(), 9, ttl="1"), TypeError, "'1'"),
    (lambda: Multicast_sender(LO, 0, group4(), 9, loop=1), TypeError, "1"),
    (lambda: Multicast_sender(LO, 0, group4(), 9, interface="lo"), ValueError, "'lo'"),
    (lambda: Multicast_sender(LO, 0, group4(), 9, interface=1), TypeError, "1"),
    (lambda: Multicast_sender("::", 0, "ff15::1", 9, interface="no-such-if0"), ValueError,
     "'no-such-if0'"),
    (lambda: Multicast_sender("::", 0, "ff15::1", 9, interface=-1), TypeError, "-1"),
    (lambda: Multicast_sender(LO, 0, "ff15::1", 9), ValueError, "'127.0.0.1'"),
    (lambda: Multicast_receiver("10.0.0.1", 0), ValueError, "'10.0.0.1'"),
    (lambda: Multicast_receiver(239, 0), TypeError, "239"),
    (lambda: Multicast_receiver(group4(), "0"), TypeError, "'0'"),
    (lambda: Multicast_receiver("ff12::1", 0), ValueError, "'ff12::1'"),
    (lambda: Multicast_receiver(group4(), 0, family=socket.AF_INET6), ValueError, "239.255"),
    (lambda: Multicast_transceiver("0.0.0.0", 0, "192.0.2.1", 9), ValueError, "'192.0.2.1'"),
    (lambda: Multicast_transceiver("0.0.0.0", 0, group4(), 9, family=7), ValueError, "7"),
])
def test_bad_arguments_are_refused_at_construction_naming_the_value(
        make: Any, error: type, text: str) -> None:
    with pytest.raises(error, match=re.escape(text)):
        make()


# ---------------------------------------------------------------- shutdown
@pytest.mark.parametrize("make", [
    lambda: Multicast_sender(LO, 0, group4(), 9, interface=LO),
    lambda: Multicast_receiver(group4(), 0, interface=LO),
    lambda: Multicast_transceiver("0.0.0.0", 0, group4(), 9, interface=LO),
], ids=["sender", "receiver", "transceiver"])
@pytest.mark.parametrize("message_class", [producerFinished, shutdownMicroprocess])
def test_a_shutdown_message_closes_the_socket_and_is_passed_on(
        make: Any, message_class: type) -> None:
    assertShutdownClosesAndPassesOn(make(), message_class)


def test_a_receiver_stopped_from_outside_closes_its_socket(run_rounds: Any) -> None:
    receiver = Multicast_receiver(group4(), 0, interface=LO)
    sock = socketOf(receiver)
    receiver.activate()
    run_rounds(3)
    receiver.stop()
    run_rounds(3)
    assert sock.fileno() == -1 and scheduler.run._watched == 0
