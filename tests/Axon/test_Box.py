"""Tests for Axon.Box: storage, size limits, take notifications, links and sinks."""

from __future__ import annotations

import logging
import re
from typing import Any, Callable, Iterator

import pytest

from Axon.AxonExceptions import BadInbox, BoxAlreadyLinkedToDestination, noSpaceInBox
from Axon.Box import (
    BoxNotFound,
    findBox,
    makeInbox,
    makeOutbox,
    noSuchBox,
    nullsink,
    postbox,
    realsink,
)
from Axon.Component import component
from Axon.Scheduler import scheduler

RunRounds = Callable[[int], bool]


class Sleeper(component):
    """Pauses every turn; counts its steps."""

    def __init__(self) -> None:
        super().__init__()
        self.steps = 0

    def main(self) -> Iterator[Any]:
        while True:
            self.steps += 1
            self.pause()
            yield 1


# ------------------------------------------------------------------ storage
def test_new_box_is_empty_and_its_own_sink() -> None:
    box = postbox()
    assert len(box) == 0
    assert box.local_len() == 0
    assert box.sink is box
    assert box.target is None
    assert box.sources == ()
    assert list(box) == []


def test_append_then_pop_is_first_in_first_out() -> None:
    box = postbox()
    box.append("a")
    box.extend(["b", "c"])
    assert len(box) == 3
    assert box.pop() == "a"
    assert box.popleft() == "b"
    assert box.pop(0) == "c"


def test_pop_with_index_takes_that_message() -> None:
    box = postbox()
    box.extend([1, 2, 3])
    assert box.pop(-1) == 3
    assert box.pop(1) == 2
    assert list(box) == [1]


def test_pop_from_empty_box_raises_index_error_describing_the_box() -> None:
    owner = component()
    with pytest.raises(IndexError, match=re.escape(f"outbox 'outbox' of {owner.name} is empty")):
        owner.outboxes["outbox"].pop()


def test_iterating_a_box_does_not_drain_it() -> None:
    box = postbox()
    box.extend([1, 2])
    assert list(box) == [1, 2]
    assert len(box) == 2


def test_clear_drops_waiting_messages() -> None:
    box = postbox()
    box.extend([1, 2])
    box.clear()
    assert len(box) == 0
    postbox().clear()           # never used: no error


def test_describe_and_repr_name_kind_box_and_owner() -> None:
    owner = component()
    inbox = owner.inboxes["control"]
    assert inbox.describe() == f"inbox 'control' of {owner.name}"
    assert owner.outboxes["signal"].describe() == f"outbox 'signal' of {owner.name}"
    inbox.append(1)
    assert repr(inbox) == f"<inbox 'control' of {owner.name}: 1 waiting>"


# ------------------------------------------------------------- size limits
def test_setSize_getSize_and_isFull() -> None:
    box = postbox()
    assert box.getSize() is None
    box.setSize(2)
    assert box.getSize() == 2
    box.append(1)
    assert not box.isFull()
    box.append(2)
    assert box.isFull()
    box.setSize(None)
    assert not box.isFull()
    box.append(3)
    assert len(box) == 3


def test_append_to_full_box_raises_noSpaceInBox_with_box_and_counts() -> None:
    owner = component()
    box = owner.inboxes["inbox"]
    box.setSize(1)
    box.append("fits")
    with pytest.raises(noSpaceInBox,
                       match=re.escape(f"inbox 'inbox' of {owner.name} is full (1 of 1 messages)")):
        box.append("refused")
    assert list(box) == ["fits"]


def test_size_zero_refuses_everything() -> None:
    box = postbox(size=0)
    assert box.isFull()
    with pytest.raises(noSpaceInBox):
        box.append(1)


def test_size_set_after_messages_arrived_keeps_them() -> None:
    box = postbox()
    box.extend([1, 2, 3])
    box.setSize(2)
    assert list(box) == [1, 2, 3]
    assert box.isFull()
    with pytest.raises(noSpaceInBox):
        box.append(4)


@pytest.mark.parametrize("bad", [-1, 1.5, "3"])
def test_setSize_rejects_bad_sizes(bad: Any) -> None:
    box = postbox()
    with pytest.raises(ValueError, match=re.escape(
            f"box size must be a non-negative int or None, not {bad!r}")):
        box.setSize(bad)


def test_isFull_follows_the_sink() -> None:
    src, dst = postbox(isInbox=False), postbox()
    dst.setSize(1)
    dst.addsource(src)
    src.append("x")
    assert src.isFull()
    with pytest.raises(noSpaceInBox):
        src.append("y")


def test_taking_from_full_box_wakes_owners_of_feeding_outboxes(
        fresh_scheduler: scheduler, run_rounds: RunRounds) -> None:
    producer = Sleeper().activate()
    consumer = component()
    producer.link((producer, "outbox"), (consumer, "inbox"))
    consumer.setInboxSize("inbox", 1)
    producer.send("fills it")
    run_rounds(1)
    assert fresh_scheduler.isThreadPaused(producer)
    consumer.inboxes["inbox"].pop()
    assert not fresh_scheduler.isThreadPaused(producer)


def test_taking_from_full_box_wakes_producers_behind_passthrough_links(
        fresh_scheduler: scheduler, run_rounds: RunRounds) -> None:
    # producer (a child) -> its parent's outbox (passthrough 2) -> consumer
    producer, parent = Sleeper().activate(), Sleeper().activate()
    consumer = component()
    parent.link((producer, "outbox"), (parent, "outbox"), passthrough=2)
    parent.link((parent, "outbox"), (consumer, "inbox"))
    consumer.setInboxSize("inbox", 1)
    producer.send("fills it")
    run_rounds(1)
    consumer.recv()
    assert not fresh_scheduler.isThreadPaused(producer)


# ------------------------------------------------------- take notifications
def test_notifyOnTake_fires_once_on_next_take() -> None:
    box = postbox()
    box.extend([1, 2, 3])
    calls: list[str] = []
    box.notifyOnTake(lambda: calls.append("first"))
    box.notifyOnTake(lambda: calls.append("second"))
    box.pop()
    assert calls == ["first", "second"]
    box.pop()
    box.pop()
    assert calls == ["first", "second"]


def test_notifyOnTake_fires_when_a_message_is_taken_from_the_middle() -> None:
    box = postbox()
    box.extend([1, 2, 3])
    calls: list[str] = []
    box.notifyOnTake(lambda: calls.append("taken"))
    assert box.pop(1) == 2
    assert calls == ["taken"]


def test_notifyOnTake_keeps_size_limit() -> None:
    box = postbox(size=1)
    box.append(1)
    box.notifyOnTake(lambda: None)
    box.pop()
    box.append(2)
    with pytest.raises(noSpaceInBox):
        box.append(3)


# ------------------------------------------------------------------- owners
def test_inbox_wakes_its_owner_when_a_message_arrives(
        fresh_scheduler: scheduler, run_rounds: RunRounds) -> None:
    owner = Sleeper().activate()
    run_rounds(1)
    owner.inboxes["inbox"].append("hello")
    assert not fresh_scheduler.isThreadPaused(owner)
    run_rounds(1)
    assert owner.steps == 2


def test_outbox_does_not_wake_its_owner(
        fresh_scheduler: scheduler, run_rounds: RunRounds) -> None:
    owner = Sleeper().activate()
    run_rounds(1)
    owner.outboxes["outbox"].append("waiting")
    assert fresh_scheduler.isThreadPaused(owner)


def test_makeInbox_from_bound_method_belongs_to_its_owner() -> None:
    owner = component()
    box = makeInbox(owner.unpause, size=3, name="extra")
    assert box.owner is owner
    assert box.isInbox
    assert box.getSize() == 3
    assert box.describe() == f"inbox 'extra' of {owner.name}"
    assert makeInbox().owner is None


def test_makeOutbox_belongs_to_its_owner() -> None:
    owner = component()
    box = makeOutbox(owner.unpause, name="extra")
    assert box.owner is owner
    assert not box.isInbox
    assert box.describe() == f"outbox 'extra' of {owner.name}"


def test_nullsink_discards_and_always_looks_empty() -> None:
    sink = nullsink()
    sink.append("gone")
    sink.setSize(3)
    assert len(sink) == 0
    assert sink.getSize() is None
    assert not sink.isFull()
    with pytest.raises(IndexError):
        sink.pop(0)


def test_nullsink_setShowTransit_prints_what_it_discards(
        capsys: pytest.CaptureFixture[str]) -> None:
    sink = nullsink()
    sink.setShowTransit(True, "T")
    sink.append("gone")
    assert capsys.readouterr().out == f"Discarding Delivery via [ T {sink!r} ] of  'gone'\n"


# ------------------------------------------------------ 1.14's realsink
def test_realsink_is_a_list_that_notifies_on_append_and_pop() -> None:
    arrived: list[str] = []
    taken: list[str] = []
    sink = realsink(lambda: arrived.append("arrived"), size=2)
    assert isinstance(sink, list)
    sink.wakeOnPop.append(lambda: taken.append("taken"))
    sink.append("a")
    sink.append("b")
    assert list(sink) == ["a", "b"] and arrived == ["arrived", "arrived"]
    with pytest.raises(noSpaceInBox):
        sink.append("c")
    assert sink.pop(0) == "a"
    assert taken == ["taken"]


def test_realsink_setShowTransit_prints_deliveries(capsys: pytest.CaptureFixture[str]) -> None:
    sink = realsink(None)
    sink.setShowTransit(True, "here")
    sink.append(1)
    assert capsys.readouterr().out == "Delivery via [ here ] of  1\n"


# ------------------------------------------------- 1.14's postbox(storage)
def test_postbox_from_a_realsink_is_an_inbox_calling_its_notify() -> None:
    calls: list[str] = []
    storage = realsink(lambda: calls.append("notified"), size=1)
    storage.append("early")
    calls.clear()
    box = postbox(storage)
    assert box.isInbox and box.storage is storage and box.getSize() == 1
    assert box.pop(0) == "early"          # what waited in the storage is kept
    src = postbox(isInbox=False)
    box.addsource(src)
    src.append("m")
    assert calls == ["notified"]
    assert box.isFull()


def test_postbox_from_a_nullsink_is_an_outbox_that_keeps_messages_until_linked() -> None:
    out = postbox(nullsink())
    assert not out.isInbox
    out.append("kept")                    # 1.14 discarded it; we deliver it on linking
    dst = postbox()
    dst.addsource(out)
    assert list(dst) == ["kept"]


def test_makeInbox_with_a_plain_callback_calls_it_on_arrival() -> None:
    calls: list[int] = []
    box = makeInbox(lambda: calls.append(len(calls)))
    box.append("x")
    box.append("y")
    assert calls == [0, 1]


def test_outbox_notify_is_called_whenever_its_inbox_is_taken_from() -> None:
    taken: list[str] = []
    out = makeOutbox(lambda: taken.append("taken"))
    inbox = postbox()
    inbox.addsource(out)
    assert inbox.getnotifys() == out.getnotifys()
    out.append(1)
    out.append(2)
    inbox.pop(0)
    inbox.pop(0)
    assert taken == ["taken", "taken"]
    inbox.removesource(out)
    inbox.append(3)
    inbox.pop(0)
    assert taken == ["taken", "taken"]     # unlinked: no longer told
    assert inbox.getnotifys() == []


def test_take_callbacks_pass_down_a_chain_of_links() -> None:
    taken: list[str] = []
    out = makeOutbox(lambda: taken.append("taken"))
    middle, final = postbox(isInbox=False), postbox()
    final.addsource(middle)
    middle.addsource(out)
    out.append("m")
    assert final.pop(0) == "m"
    assert taken == ["taken"]


def test_components_boxes_hand_on_no_take_callbacks() -> None:
    c = component()
    assert c.outboxes["outbox"].getnotifys() == []
    assert c.inboxes["inbox"].getnotifys() == []


def test_addnotifys_and_removenotifys_by_hand() -> None:
    taken: list[str] = []
    box = postbox()

    def callback() -> None:
        taken.append("t")

    box._addnotifys([callback])
    box.append(1)
    box.pop(0)
    box._removenotifys([callback])
    box.append(2)
    box.pop(0)
    assert taken == ["t"]


def test_retarget_aims_a_box_at_another_and_back() -> None:
    src, dst = postbox(isInbox=False), postbox()
    src.append("moved")
    src._retarget(dst)
    assert src.target is dst and src.sink is dst
    assert list(dst) == ["moved"]
    src._retarget()
    assert src.target is None and src.sink is src


def test_setShowTransit_prints_1_14s_line_and_logs(
        capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture) -> None:
    owner = component()
    box = owner.inboxes["inbox"]
    box.setShowTransit(True, "TAG")
    with caplog.at_level(logging.INFO, logger="Axon.Linkage"):
        box.append("traced")
        box.setShowTransit(False)
        box.append("quiet")
    assert capsys.readouterr().out == "Delivery via [ TAG ] of  'traced'\n"
    assert [r.getMessage() for r in caplog.records if r.name == "Axon.Linkage"] == [
        f"TAG: 'traced' arrives in inbox 'inbox' of {owner.name}"]


def test_ShowAllTransits_traces_boxes_made_while_it_is_set(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    import Axon.Box
    before = component()
    monkeypatch.setattr(Axon.Box, "ShowAllTransits", True)
    traced = component()
    monkeypatch.setattr(Axon.Box, "ShowAllTransits", False)
    before.inboxes["inbox"].append("quiet")
    traced.inboxes["inbox"].append("loud")
    assert capsys.readouterr().out == "Delivery via [ None ] of  'loud'\n"


# -------------------------------------------------------------------- links
def test_addsource_makes_sent_messages_arrive_in_target() -> None:
    src, dst = postbox(isInbox=False), postbox()
    dst.addsource(src)
    assert src.target is dst
    assert dst.sources == (src,)
    assert src.sink is dst
    src.append("m")
    assert src.local_len() == 0
    assert len(src) == 1            # len() counts what waits at the sink, as in 1.14
    assert dst.pop() == "m"


def test_addsource_moves_waiting_messages_in_order() -> None:
    src, dst = postbox(isInbox=False), postbox()
    src.extend([1, 2])
    dst.append(0)
    dst.addsource(src)
    assert list(dst) == [0, 1, 2]
    assert src.local_len() == 0


def test_moving_waiting_messages_ignores_size_limit_so_nothing_is_lost() -> None:
    src, dst = postbox(isInbox=False), postbox(size=1)
    src.extend([1, 2, 3])
    dst.addsource(src)
    assert list(dst) == [1, 2, 3]


def test_box_already_linked_raises_BoxAlreadyLinkedToDestination() -> None:
    owner, a, b = component(), component(), component()
    src = owner.outboxes["outbox"]
    a.inboxes["inbox"].addsource(src)
    with pytest.raises(BoxAlreadyLinkedToDestination, match=re.escape(
            f"outbox 'outbox' of {owner.name} is already linked to inbox 'inbox' of {a.name}; "
            f"unlink it before linking it to inbox 'inbox' of {b.name}")):
        b.inboxes["inbox"].addsource(src)
    assert src.target is a.inboxes["inbox"]


def test_linking_in_a_loop_raises_value_error() -> None:
    a, b, c = postbox(name="a"), postbox(name="b"), postbox(name="c")
    b.addsource(a)
    c.addsource(b)
    with pytest.raises(ValueError, match="would make a loop of links"):
        a.addsource(c)
    lonely = postbox()
    with pytest.raises(ValueError, match="would make a loop of links"):
        lonely.addsource(lonely)
    assert c.target is None and a.sink is c
    assert lonely.target is None and lonely.sink is lonely


def test_removesource_makes_source_hold_its_messages_again() -> None:
    src, dst = postbox(isInbox=False), postbox()
    dst.addsource(src)
    dst.removesource(src)
    assert src.target is None and src.sink is src
    assert dst.sources == ()
    src.append("held")
    assert list(src) == ["held"] and len(dst) == 0


def test_removesource_of_a_stranger_does_nothing() -> None:
    src, dst, other = postbox(), postbox(), postbox()
    dst.addsource(src)
    other.removesource(src)
    assert src.target is dst


def test_chain_collapses_to_one_sink_and_recomputes_when_broken() -> None:
    a, b, c, d = postbox(), postbox(), postbox(), postbox()
    c.addsource(b)
    b.addsource(a)
    d.addsource(c)
    assert a.sink is b.sink is c.sink is d
    a.append("x")
    assert list(d) == ["x"]
    c.removesource(b)
    assert a.sink is b and b.sink is b and c.sink is d


def test_showTransit_logs_arrivals(caplog: pytest.LogCaptureFixture) -> None:
    owner = component()
    box = owner.inboxes["inbox"]
    box.showTransit("TAG")
    with caplog.at_level(logging.INFO, logger="Axon.Linkage"):
        box.append("traced")
        box.showTransit(None)
        box.append("quiet")
    messages = [r.getMessage() for r in caplog.records if r.name == "Axon.Linkage"]
    assert messages == [f"TAG: 'traced' arrives in inbox 'inbox' of {owner.name}"]
    assert list(box) == ["traced", "quiet"]


# ----------------------------------------------------------------- finding
def test_findBox_finds_inboxes_and_outboxes() -> None:
    c = component()
    assert findBox(c, "control", inbox=True) is c.inboxes["control"]
    assert findBox(c, "signal", inbox=False) is c.outboxes["signal"]


def test_findBox_missing_box_is_BadInbox_and_KeyError_naming_component_and_box() -> None:
    c = component()
    with pytest.raises(BoxNotFound, match=re.escape(
            f"{c.name} has no outbox 'inbox' (its outboxes: 'outbox', 'signal')")) as caught:
        findBox(c, "inbox", inbox=False)
    assert isinstance(caught.value, BadInbox)
    assert isinstance(caught.value, KeyError)
    assert caught.value.args[1:] == (c, "inbox")


def test_findBox_with_unhashable_name_raises_BoxNotFound() -> None:
    c = component()
    with pytest.raises(BoxNotFound):
        findBox(c, ["inbox"], inbox=True)


def test_noSuchBox_builds_the_error_without_raising() -> None:
    c = component()
    error = noSuchBox(c, "x", True)
    assert isinstance(error, BoxNotFound)
    assert str(error).startswith(f"{c.name} has no inbox 'x'")
