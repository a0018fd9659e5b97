"""Tests for Kamaelia.Util.TwoWaySplitter: every message and signal, two ways."""

from __future__ import annotations

import pytest

from Axon.Ipc import ipc, producerFinished, shutdownMicroprocess
from Axon.Scheduler import scheduler
from componentharness import Collector
from Kamaelia.Util.TwoWaySplitter import TwoWaySplitter


def split(inbox: list[object], control: list[object]) -> tuple[TwoWaySplitter, Collector,
                                                              Collector]:
    """Run a TwoWaySplitter with a Collector on each side; return all three."""
    target, first, second = TwoWaySplitter(), Collector(), Collector()
    for (outbox, signal), sink in ((("outbox", "signal"), first),
                                   (("outbox2", "signal2"), second)):
        target.link((target, outbox), (sink, "inbox"))
        target.link((target, signal), (sink, "control"))
    target.inboxes["inbox"].extend(inbox)
    target.inboxes["control"].extend(control)
    for each in (target, first, second):
        each.activate()
    scheduler.run.runThreads()
    return target, first, second


def test_every_message_goes_both_ways_in_order() -> None:
    _, first, second = split(list(range(20)), [producerFinished()])
    assert first.got == second.got == list(range(20))


def test_both_ways_get_the_same_object() -> None:
    item: list[int] = []
    _, first, second = split([item], [producerFinished()])
    assert first.got[0] is item and second.got[0] is item


def test_other_control_messages_go_both_ways_too() -> None:
    notice = ipc()
    _, first, second = split([], [notice, producerFinished()])
    assert first.control[0] is notice and second.control[0] is notice


@pytest.mark.parametrize("message_class", [producerFinished, shutdownMicroprocess])
def test_shutdown_sends_what_waits_then_ends_both_branches(message_class: type) -> None:
    stop = message_class()
    target, first, second = split(["a", "b"], [stop])
    assert first.got == second.got == ["a", "b"]
    assert first.control == second.control == [stop]
    assert target._isStopped()


def test_canStop_and_mustStop_are_1_14s_methods() -> None:
    split = TwoWaySplitter()
    assert split.canStop() is False and split.mustStop() is False
    split.inboxes["control"].append(shutdownMicroprocess())
    assert split.canStop() is True and split.mustStop() is True


def test_waitSendMultiple_sends_each_waiting_while_a_box_is_full() -> None:
    split = TwoWaySplitter()
    split.outboxes["outbox2"].setSize(1)
    split.send("old", "outbox2")
    sending = split.waitSendMultiple(("a", "outbox"), ("b", "outbox2"))
    assert next(sending) == 1
    assert list(split.outboxes["outbox"]) == ["a"]           # the free one went at once
    split.inboxes["control"].append(shutdownMicroprocess())
    with pytest.raises(UserWarning, match="STOP"):
        next(sending)
