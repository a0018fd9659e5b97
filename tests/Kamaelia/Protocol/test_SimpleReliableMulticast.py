"""Tests for Kamaelia.Protocol.SimpleReliableMulticast: ordered, de-duplicated messages."""

from __future__ import annotations

from typing import Any

from Axon.Ipc import producerFinished
from componentharness import Collector, run
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.Protocol import SimpleReliableMulticast as module
from Kamaelia.Protocol.RecoverOrder import RecoverOrder as BaseRecoverOrder
from Kamaelia.Protocol.SimpleReliableMulticast import (Annotator, RecoverOrder, SRM_Receiver,
                                                       SRM_Sender)
from Kamaelia.Util.DataSource import DataSource


def test_the_sender_s_packets_are_byte_for_byte_1_14s() -> None:
    # Kamaelia 1.14.32's SRM_Sender (Python 2.7) for "hello" and "X%".
    sink = Collector()
    Pipeline(DataSource([b"hello", b"X%"]), SRM_Sender(), sink).run()
    assert sink.got == [b"X" * 24 + b"1 5\nhello", b"X" * 24 + b"2 2\n%58%25"]


def test_a_link_that_repeats_and_reorders_changes_nothing() -> None:
    packets = [b"X" * 24 + b"%d %d\n" % (n, len(m)) + m
               for n, m in [(1, b"one"), (2, b"two"), (3, b"three")]]
    arriving = [packets[1], packets[0], packets[0], packets[2], packets[1]]
    sink = Collector()
    Pipeline(DataSource(arriving), SRM_Receiver(), sink).run()
    assert sink.got == [(1, b"one"), (2, b"two"), (3, b"three")]
    assert [type(m) for m in sink.control] == [producerFinished]


class _Drop(Collector):
    """Passes packets on, except the ``n``-th (counting from 1)."""

    def __init__(self, n: int) -> None:
        super().__init__()
        self.n = n

    def main(self) -> Any:
        count = 0
        while not self.dataReady("control"):
            for packet in self.Inbox("inbox"):
                count += 1
                if count != self.n:
                    self.send(packet, "outbox")
            self.pause()
            yield 1
        for packet in self.Inbox("inbox"):
            self.send(packet, "outbox")
        self.send(self.recv("control"), "signal")


def test_lost_messages_show_as_gaps() -> None:
    sink = Collector()
    Pipeline(DataSource([b"a", b"b", b"c"]), SRM_Sender(),
             _Drop(2), SRM_Receiver(), sink).run()
    assert sink.got == [(1, b"a"), (3, b"c")]


def test_the_annotator_counts_from_one() -> None:
    assert run(Annotator(), ["a", "b"], [producerFinished()]).got == [(1, "a"), (2, "b")]


def test_the_receiver_s_RecoverOrder_holds_30_and_does_not_wrap() -> None:
    recover = RecoverOrder()
    assert isinstance(recover, BaseRecoverOrder)
    assert (recover.bufsize, recover.modulo) == (30, None)


def test_the_module_lists_its_components_and_prefabs() -> None:
    assert module.__kamaelia_components__ == (Annotator, RecoverOrder)
    assert module.__kamaelia_prefabs__ == (SRM_Sender, SRM_Receiver)
