"""Tests for Axon.Component: boxes, messaging, wiring, children, old-style components."""

from __future__ import annotations

import re
from typing import Any, Callable, Iterator

import pytest

from Axon.AxonExceptions import BadInbox, BoxAlreadyLinkedToDestination, noSpaceInBox
from Axon.Component import component
from Axon.Ipc import newComponent, producerFinished, shutdownMicroprocess
from Axon.Linkage import linkage
from Axon.Scheduler import scheduler

RunRounds = Callable[[int], bool]


class Sleeper(component):
    """Pauses whenever it has nothing to do; records what reaches its inboxes."""

    def __init__(self, **argd: Any) -> None:
        super().__init__(**argd)
        self.got: list[Any] = []
        self.steps = 0

    def main(self) -> Iterator[Any]:
        while True:
            self.steps += 1
            for boxname in self.inboxes:
                self.got.extend(self.Inbox(boxname))
            if not self.anyReady():
                self.pause()
            yield 1


def no_such_box(comp: component, kind: str, boxname: str) -> str:
    """The start of the error message for a missing box, as a regex."""
    return re.escape(f"{comp.name} has no {kind} {boxname!r}")


# --------------------------------------------------------------------- boxes
def test_default_boxes() -> None:
    c = component()
    assert set(c.inboxes) == {"inbox", "control"}
    assert set(c.outboxes) == {"outbox", "signal"}
    assert all(isinstance(text, str) and text for text in component.Inboxes.values())
    assert all(isinstance(text, str) and text for text in component.Outboxes.values())


def test_boxes_declared_as_dicts() -> None:
    class Described(component):
        Inboxes = {"in1": "first", "in2": "second"}
        Outboxes = {"out": "only"}

    c = Described()
    assert set(c.inboxes) == {"in1", "in2"}
    assert set(c.outboxes) == {"out"}


def test_boxes_declared_as_lists() -> None:
    class Listed(component):
        Inboxes = ["a", "b", "c"]
        Outboxes = ["x"]

    c = Listed()
    assert set(c.inboxes) == {"a", "b", "c"}
    assert set(c.outboxes) == {"x"}
    c.link((c, "x"), (c, "a"))
    c.send("loop", "x")
    assert c.recv("a") == "loop"


def test_each_component_has_its_own_boxes() -> None:
    a, b = component(), component()
    assert a.inboxes["inbox"] is not b.inboxes["inbox"]
    a.inboxes["inbox"].append("only a")
    assert b.dataReady("inbox") == 0


# ------------------------------------------------------------ construction
def test_keyword_arguments_become_attributes_overriding_class_attributes() -> None:
    class Button(component):
        caption = "Press"

    assert Button().caption == "Press"
    b = Button(caption="Next", colour="red")
    assert b.caption == "Next"
    assert b.colour == "red"
    assert Button.caption == "Press"
    assert Button().caption == "Press"


def test_subclass_init_passing_keywords_up() -> None:
    class Greeter(component):
        greeting = "hello"

        def __init__(self, who: str, **argd: Any) -> None:
            super().__init__(**argd)
            self.who = who

    g = Greeter("world", greeting="hi")
    assert (g.who, g.greeting) == ("world", "hi")
    assert set(g.inboxes) == {"inbox", "control"}


def test_str_mentions_name_and_boxes() -> None:
    a, b = component(), component()
    a.link((a, "outbox"), (b, "inbox"))
    a.inboxes["control"].append("waiting")
    text = str(a)
    assert a.name in text
    for boxname in ("inbox", "control", "outbox", "signal"):
        assert boxname in text
    assert "control[1]" in text
    assert b.name in text              # where the linked outbox leads


# ------------------------------------------------------------------ messaging
def test_send_and_recv_preserve_order() -> None:
    a, b = component(), component()
    a.link((a, "outbox"), (b, "inbox"))
    for i in range(5):
        a.send(i)
    assert [b.recv() for _ in range(5)] == [0, 1, 2, 3, 4]


def test_send_to_named_outbox_reaches_linked_inbox() -> None:
    a, b = component(), component()
    a.link((a, "signal"), (b, "control"))
    a.send("stop", "signal")
    assert b.dataReady("control") == 1
    assert b.dataReady("inbox") == 0
    assert b.recv("control") == "stop"


def test_dataReady_counts_waiting_messages() -> None:
    c = component()
    assert c.dataReady() == 0
    c.inboxes["inbox"].extend(["a", "b", "c"])
    assert c.dataReady() == 3
    assert c.dataReady("control") == 0
    c.recv()
    assert c.dataReady("inbox") == 2


def test_anyReady_looks_at_every_inbox() -> None:
    c = component()
    assert not c.anyReady()
    c.inboxes["control"].append("x")
    assert c.anyReady()
    c.recv("control")
    assert not c.anyReady()


def test_Inbox_iterates_and_drains() -> None:
    c = component()
    c.inboxes["inbox"].extend([1, 2, 3])
    assert list(c.Inbox("inbox")) == [1, 2, 3]
    assert c.dataReady() == 0
    assert list(c.Inbox()) == []


def test_recv_on_empty_inbox_raises_index_error_naming_the_box() -> None:
    c = component()
    with pytest.raises(IndexError, match=re.escape(f"{c.name}: inbox 'control' is empty")):
        c.recv("control")
    c.inboxes["inbox"].append(1)
    c.recv()
    with pytest.raises(IndexError, match="'inbox' is empty"):
        c.recv()


@pytest.mark.parametrize("call, kind", [
    (lambda c: c.recv("nope"), "inbox"),
    (lambda c: c.dataReady("nope"), "inbox"),
    (lambda c: list(c.Inbox("nope")), "inbox"),
    (lambda c: c.setInboxSize("nope", 3), "inbox"),
    (lambda c: c._deliver("x", "nope"), "inbox"),
    (lambda c: c.send("x", "nope"), "outbox"),
    (lambda c: c._collect("nope"), "outbox"),
])
def test_unknown_box_raises_BadInbox_and_KeyError_naming_component_and_box(
        call: Callable[[component], Any], kind: str) -> None:
    c = component()
    with pytest.raises(BadInbox, match=no_such_box(c, kind, "nope")) as caught:
        call(c)
    assert isinstance(caught.value, KeyError)


def test_unknown_box_error_lists_the_boxes_there_are() -> None:
    c = component()
    with pytest.raises(KeyError, match=r"its inboxes: 'inbox', 'control'"):
        c.recv("nope")


def test_linking_unknown_box_raises_BadInbox_naming_component_and_box() -> None:
    a, b = component(), component()
    with pytest.raises(BadInbox, match=no_such_box(b, "inbox", "nowhere")):
        a.link((a, "outbox"), (b, "nowhere"))
    with pytest.raises(KeyError, match=no_such_box(a, "outbox", "nothing")):
        a.link((a, "nothing"), (b, "inbox"))


def test_sending_wakes_a_paused_receiver(
        fresh_scheduler: scheduler, run_rounds: RunRounds) -> None:
    sender = component()
    receiver = Sleeper().activate()
    sender.link((sender, "outbox"), (receiver, "inbox"))
    run_rounds(2)
    assert fresh_scheduler.isThreadPaused(receiver)
    sender.send("hello")
    assert not fresh_scheduler.isThreadPaused(receiver)
    run_rounds(1)
    assert receiver.got == ["hello"]
    assert fresh_scheduler.isThreadPaused(receiver)


def test_deliver_puts_message_into_inbox_and_wakes_owner(
        fresh_scheduler: scheduler, run_rounds: RunRounds) -> None:
    receiver = Sleeper().activate()
    run_rounds(1)
    receiver._deliver("posted", "control")
    assert not fresh_scheduler.isThreadPaused(receiver)
    run_rounds(1)
    assert receiver.got == ["posted"]


def test_collect_takes_from_an_unlinked_outbox_in_order() -> None:
    c = component()
    c.send(1)
    c.send(2)
    assert c._collect() == 1
    assert c._collect("outbox") == 2
    with pytest.raises(IndexError):
        c._collect()


# ------------------------------------------------------------------ wiring
def test_link_returns_linkage_recorded_by_the_linking_component() -> None:
    a, b = component(), component()
    L = a.link((a, "outbox"), (b, "inbox"))
    assert isinstance(L, linkage)
    assert L.sourcePair() == (a, "outbox")
    assert L.sinkPair() == (b, "inbox")
    assert a.postoffice.islinkageregistered(L)
    assert not b.postoffice.islinkageregistered(L)


def test_messages_sent_to_unlinked_outbox_wait_and_are_delivered_in_order_once_linked() -> None:
    a, b = component(), component()
    for i in range(3):
        a.send(i)
    assert len(a.outboxes["outbox"]) == 3
    assert b.dataReady() == 0
    b.inboxes["inbox"].append("already there")
    a.link((a, "outbox"), (b, "inbox"))
    assert a.outboxes["outbox"].local_len() == 0
    assert len(a.outboxes["outbox"]) == 4      # counted where they wait: b's inbox
    a.send(3)
    assert list(b.Inbox()) == ["already there", 0, 1, 2, 3]


def test_linking_outbox_with_waiting_messages_wakes_the_receiver(
        fresh_scheduler: scheduler, run_rounds: RunRounds) -> None:
    a = component()
    receiver = Sleeper().activate()
    run_rounds(1)
    a.send("waited")
    assert fresh_scheduler.isThreadPaused(receiver)
    a.link((a, "outbox"), (receiver, "inbox"))
    assert not fresh_scheduler.isThreadPaused(receiver)
    run_rounds(1)
    assert receiver.got == ["waited"]


def test_outbox_may_only_be_linked_to_one_destination() -> None:
    a, b, c = component(), component(), component()
    a.link((a, "outbox"), (b, "inbox"))
    with pytest.raises(BoxAlreadyLinkedToDestination,
                       match=re.escape(f"outbox 'outbox' of {a.name} is already linked")):
        a.link((a, "outbox"), (c, "inbox"))
    a.send("still to b")
    assert b.recv() == "still to b"
    assert c.dataReady() == 0


def test_inbox_may_have_several_sources() -> None:
    a, b, sink = component(), component(), component()
    a.link((a, "outbox"), (sink, "inbox"))
    La = a.link((a, "signal"), (sink, "inbox"))
    b.link((b, "outbox"), (sink, "inbox"))
    a.send("a1")
    b.send("b1")
    a.send("a-signal", "signal")
    assert list(sink.Inbox()) == ["a1", "b1", "a-signal"]
    a.unlink(thelinkage=La)
    b.send("b2")
    a.send("held", "signal")
    assert list(sink.Inbox()) == ["b2"]
    assert len(a.outboxes["signal"]) == 1


def test_unlink_restores_holding_behaviour() -> None:
    a, b = component(), component()
    L = a.link((a, "outbox"), (b, "inbox"))
    a.send("delivered")
    a.unlink(thelinkage=L)
    assert a.outboxes["outbox"].sink is a.outboxes["outbox"]
    a.send("held")
    assert list(b.Inbox()) == ["delivered"]
    assert len(a.outboxes["outbox"]) == 1
    a.link((a, "outbox"), (b, "inbox"))
    assert list(b.Inbox()) == ["held"]


def test_unlink_by_component_undoes_every_linkage_involving_it() -> None:
    parent, x, y = component(), component(), component()
    to_x = parent.link((parent, "outbox"), (x, "inbox"))
    from_x = parent.link((x, "outbox"), (y, "inbox"))
    other = parent.link((parent, "signal"), (y, "control"))
    parent.unlink(thecomponent=x)
    assert not parent.postoffice.islinkageregistered(to_x)
    assert not parent.postoffice.islinkageregistered(from_x)
    assert parent.postoffice.islinkageregistered(other)
    parent.send("held")
    x.send("held too")
    assert x.dataReady() == 0 and y.dataReady() == 0


def _family() -> tuple[component, component, component, component, component]:
    """grandchild -> child -> parent (outboxes, passthrough=2) -> consumer -> its child."""
    return component(), component(), component(), component(), component()


def test_passthrough_chain_collapses_linked_from_the_inside_out() -> None:
    grandchild, child, parent, consumer, consumer_child = _family()
    child.link((grandchild, "outbox"), (child, "outbox"), passthrough=2)
    parent.link((child, "outbox"), (parent, "outbox"), passthrough=2)
    parent.link((parent, "outbox"), (consumer, "inbox"))
    consumer.link((consumer, "inbox"), (consumer_child, "inbox"), passthrough=1)
    final = consumer_child.inboxes["inbox"]
    assert grandchild.outboxes["outbox"].sink is final
    assert child.outboxes["outbox"].sink is final
    assert parent.outboxes["outbox"].sink is final
    assert consumer.inboxes["inbox"].sink is final
    grandchild.send("deep")
    assert consumer_child.recv() == "deep"
    assert len(child.outboxes["outbox"]) == 0 and consumer.dataReady() == 0


def test_passthrough_chain_collapses_linked_from_the_outside_in() -> None:
    grandchild, child, parent, consumer, consumer_child = _family()
    consumer.link((consumer, "inbox"), (consumer_child, "inbox"), passthrough=1)
    parent.link((parent, "outbox"), (consumer, "inbox"))
    parent.link((child, "outbox"), (parent, "outbox"), passthrough=2)
    grandchild.send("sent before the last link")
    child.link((grandchild, "outbox"), (child, "outbox"), passthrough=2)
    assert grandchild.outboxes["outbox"].sink is consumer_child.inboxes["inbox"]
    grandchild.send("after")
    assert list(consumer_child.Inbox()) == ["sent before the last link", "after"]


def test_passthrough_1_delivers_parent_inbox_messages_to_child() -> None:
    outside, parent, child = component(), component(), component()
    parent.link((parent, "control"), (child, "control"), passthrough=1)
    outside.link((outside, "signal"), (parent, "control"))
    outside.send("shutdown", "signal")
    assert child.recv("control") == "shutdown"
    assert parent.dataReady("control") == 0


def test_unlinking_middle_of_chain_holds_messages_at_the_break() -> None:
    grandchild, child, parent, consumer, _ = _family()
    child.link((grandchild, "outbox"), (child, "outbox"), passthrough=2)
    middle = parent.link((child, "outbox"), (parent, "outbox"), passthrough=2)
    parent.link((parent, "outbox"), (consumer, "inbox"))
    parent.unlink(thelinkage=middle)
    assert grandchild.outboxes["outbox"].sink is child.outboxes["outbox"]
    grandchild.send("held")
    assert len(child.outboxes["outbox"]) == 1
    assert consumer.dataReady() == 0


# --------------------------------------------------------------- size limits
def test_send_into_full_inbox_raises_noSpaceInBox_naming_the_box() -> None:
    a, b = component(), component()
    a.link((a, "outbox"), (b, "inbox"))
    b.setInboxSize("inbox", 2)
    a.send(1)
    a.send(2)
    with pytest.raises(noSpaceInBox, match=re.escape(f"inbox 'inbox' of {b.name} is full")):
        a.send(3)
    assert list(b.Inbox()) == [1, 2]
    a.send(3)
    assert b.recv() == 3


def test_setInboxSize_None_removes_the_limit() -> None:
    a, b = component(), component()
    a.link((a, "outbox"), (b, "inbox"))
    b.setInboxSize("inbox", 1)
    a.send(1)
    b.setInboxSize("inbox", None)
    for i in range(2, 50):
        a.send(i)
    assert b.dataReady() == 49


class Producer(component):
    """Sends 0 .. count-1, pausing while the destination is full; then producerFinished."""

    def __init__(self, count: int) -> None:
        super().__init__()
        self.count = count

    def main(self) -> Iterator[Any]:
        for i in range(self.count):
            while True:
                try:
                    self.send(i)
                    break
                except noSpaceInBox:
                    self.pause()
                    yield 1
        self.send(producerFinished(self), "signal")
        yield 1


def test_taking_from_full_inbox_wakes_the_paused_producer(
        fresh_scheduler: scheduler, run_rounds: RunRounds) -> None:
    consumer = component()
    producer = Producer(2)
    producer.link((producer, "outbox"), (consumer, "inbox"))
    consumer.setInboxSize("inbox", 1)
    producer.activate()
    run_rounds(2)
    assert fresh_scheduler.isThreadPaused(producer)
    assert consumer.recv() == 0
    assert not fresh_scheduler.isThreadPaused(producer)
    run_rounds(1)
    assert consumer.recv() == 1


def test_bounded_pipeline_delivers_everything_in_order(run_rounds: RunRounds) -> None:
    class SlowConsumer(component):
        def __init__(self) -> None:
            super().__init__()
            self.got: list[Any] = []

        def main(self) -> Iterator[Any]:
            while True:
                if self.dataReady("inbox"):
                    self.got.append(self.recv("inbox"))   # one per turn
                elif self.dataReady("control"):
                    return
                else:
                    self.pause()
                yield 1

    producer, consumer = Producer(20), SlowConsumer()
    producer.link((producer, "outbox"), (consumer, "inbox"), pipewidth=2)
    producer.link((producer, "signal"), (consumer, "control"))
    producer.activate()
    consumer.activate()
    assert run_rounds(200) is True, "deadlocked: a producer was never woken"
    assert consumer.got == list(range(20))


def test_notifyOnTake_fires_once_on_recv() -> None:
    c = component()
    c.inboxes["inbox"].extend([1, 2, 3])
    calls: list[str] = []
    c.inboxes["inbox"].notifyOnTake(lambda: calls.append("taken"))
    assert calls == []
    c.recv()
    assert calls == ["taken"]
    c.recv()
    c.recv()
    assert calls == ["taken"]


# ----------------------------------------------------------------- children
def test_addChildren_and_childComponents() -> None:
    parent, a, b = component(), component(), component()
    parent.addChildren(a, b)
    parent.addChildren(a)
    assert parent.childComponents() == [a, b]
    copy = parent.childComponents()
    copy.clear()
    assert parent.childComponents() == [a, b]


def test_removeChild_forgets_child_and_undoes_linkages_with_it() -> None:
    parent, child, sibling = component(), component(), component()
    parent.addChildren(child, sibling)
    L1 = parent.link((child, "outbox"), (parent, "outbox"), passthrough=2)
    L2 = parent.link((parent, "inbox"), (child, "inbox"), passthrough=1)
    L3 = parent.link((sibling, "outbox"), (parent, "signal"), passthrough=2)
    parent.removeChild(child)
    assert parent.childComponents() == [sibling]
    assert not parent.postoffice.islinkageregistered(L1)
    assert not parent.postoffice.islinkageregistered(L2)
    assert parent.postoffice.islinkageregistered(L3)
    assert child.outboxes["outbox"].sink is child.outboxes["outbox"]
    assert parent.inboxes["inbox"].sink is parent.inboxes["inbox"]


def test_removeChild_of_a_non_child_does_nothing() -> None:
    parent, stranger = component(), component()
    parent.removeChild(stranger)
    assert parent.childComponents() == []


def test_parent_is_woken_when_child_ends(
        fresh_scheduler: scheduler, run_rounds: RunRounds) -> None:
    class Child(component):
        def main(self) -> Iterator[Any]:
            for _ in range(3):
                yield 1

    child = Child()
    log: list[str] = []

    class Parent(component):
        def main(self) -> Iterator[Any]:
            self.addChildren(child)
            yield newComponent(child)
            while not child._isStopped():
                self.pause()
                yield 1
            log.append("child ended")

    parent = Parent().activate()
    run_rounds(2)
    assert fresh_scheduler.isThreadPaused(parent)
    assert run_rounds(10) is True
    assert log == ["child ended"]


def test_removed_child_no_longer_wakes_parent(run_rounds: RunRounds) -> None:
    parent = Sleeper().activate()
    child = component()
    parent.addChildren(child)
    parent.removeChild(child)
    child.activate()                 # default main: ends almost at once
    assert run_rounds(5) is False      # the parent sleeps on
    assert child._isStopped()
    assert parent.steps == 1


# ---------------------------------------------------------------- lifecycle
def test_old_style_component_runs_initialise_mainBody_closeDown_in_order() -> None:
    log: list[str] = []

    class OldStyle(component):
        def initialiseComponent(self) -> Any:
            log.append("init")
            return 1

        def mainBody(self) -> Any:
            log.append("body")
            return 1 if log.count("body") < 3 else 0

        def closeDownComponent(self) -> Any:
            log.append("close")

    OldStyle().run()
    assert log == ["init", "body", "body", "body", "close"]


def test_old_style_component_initialise_may_return_newComponent() -> None:
    log: list[str] = []

    class Helper(component):
        def main(self) -> Iterator[Any]:
            log.append("helper ran")
            yield 1

    class OldStyle(component):
        def initialiseComponent(self) -> Any:
            return newComponent(Helper())

    OldStyle().run()
    assert log == ["helper ran"]


def test_doubler_pipeline_answers_producerFinished_and_shutdown(
        fresh_scheduler: scheduler) -> None:
    class Doubler(component):
        def main(self) -> Iterator[Any]:
            while True:
                for number in self.Inbox("inbox"):
                    self.send(number * 2, "outbox")
                if self.dataReady("control"):
                    message = self.recv("control")
                    if isinstance(message, (producerFinished, shutdownMicroprocess)):
                        self.send(message, "signal")
                        return
                if not self.anyReady():
                    self.pause()
                yield 1

    class Source(component):
        def main(self) -> Iterator[Any]:
            for i in range(5):
                self.send(i)
                yield 1
            self.send(producerFinished(self), "signal")

    class Collector(Sleeper):
        def main(self) -> Iterator[Any]:
            while True:
                self.got.extend(self.Inbox("inbox"))
                if self.dataReady("control"):
                    self.got.append(self.recv("control"))
                    return
                self.pause()
                yield 1

    source, doubler, collector = Source(), Doubler(), Collector()
    source.link((source, "outbox"), (doubler, "inbox"))
    source.link((source, "signal"), (doubler, "control"))
    doubler.link((doubler, "outbox"), (collector, "inbox"))
    doubler.link((doubler, "signal"), (collector, "control"))
    for c in (source, doubler, collector):
        c.activate()
    fresh_scheduler.runThreads()
    assert collector.got[:5] == [0, 2, 4, 6, 8]
    assert isinstance(collector.got[5], producerFinished)
    assert fresh_scheduler.listAllThreads() == []


def test_take_watcher_added_during_an_Inbox_iteration_fires_when_it_ends() -> None:
    from Axon.Component import component

    owner = component()
    for n in range(3):
        owner.inboxes["inbox"].append(n)
    fired: list[int] = []
    taken = []
    messages = owner.Inbox("inbox")
    taken.append(next(messages))              # iteration under way, box unguarded
    owner.inboxes["inbox"].notifyOnTake(lambda: fired.append(len(owner.inboxes["inbox"])))
    taken.extend(messages)                    # finishes the drain
    assert taken == [0, 1, 2]
    assert fired == [0]


def test_every_closedown_callback_runs_even_if_one_removes_the_child() -> None:
    from Axon.Component import component

    parent, child = component(), component()
    parent.addChildren(child)
    calls: list[str] = []
    child._callOnCloseDown.append(lambda: parent.removeChild(child))
    child._callOnCloseDown.append(lambda: calls.append("later"))
    child._closeDownMicroprocess()
    assert calls == ["later"]


# ------------------------------------------------------------------ tracing
class OneShot(component):
    """Sends each of ``items`` then ends."""

    def __init__(self, items: list[Any]) -> None:
        super().__init__()
        self.items = items

    def main(self) -> Iterator[Any]:
        for item in self.items:
            self.send(item, "outbox")
        yield 1


class Collector(component):
    """Takes what arrives, with recv or Inbox, until it has ``count`` messages."""

    def __init__(self, count: int, useInbox: bool = False) -> None:
        super().__init__()
        self.count = count
        self.useInbox = useInbox
        self.got: list[Any] = []

    def main(self) -> Iterator[Any]:
        while len(self.got) < self.count:
            if self.useInbox:
                self.got.extend(self.Inbox("inbox"))
            while self.dataReady("inbox"):
                self.got.append(self.recv("inbox"))
            if len(self.got) < self.count:
                self.pause()
                yield 1


def short(c: component) -> str:
    return c.name[c.name.rfind(".") + 1:]


def test_TraceAllSends_and_TraceAllRecvs_print_each_message_as_1_14_did(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import Axon.Component
    monkeypatch.setattr(Axon.Component, "TraceAllSends", True)
    monkeypatch.setattr(Axon.Component, "TraceAllRecvs", True)
    message = "hi"
    sender, receiver = OneShot([message]), Collector(1)
    sender.link((sender, "outbox"), (receiver, "inbox"))
    sender.activate(), receiver.activate()
    scheduler.run.runThreads()
    assert receiver.got == [message]
    assert capsys.readouterr().out.splitlines() == [
        f"SEND: {id(message)} {short(sender)} 'outbox' : hi",
        f"RECV: {id(message)} {short(receiver)} 'inbox' : hi",
    ]


def test_TraceAllRecvs_also_traces_Inbox(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import Axon.Component
    monkeypatch.setattr(Axon.Component, "TraceAllRecvs", True)
    sender, receiver = OneShot([1, 2]), Collector(2, useInbox=True)
    sender.link((sender, "outbox"), (receiver, "inbox"))
    sender.activate(), receiver.activate()
    scheduler.run.runThreads()
    assert receiver.got == [1, 2]
    assert [line.split()[0] for line in capsys.readouterr().out.splitlines()] == ["RECV:"] * 2


def test_tracing_also_logs_the_lines(
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    import logging

    import Axon.Component
    monkeypatch.setattr(Axon.Component, "TraceAllSends", True)
    c = component()
    with caplog.at_level(logging.DEBUG, logger="Axon.Component.trace"):
        c.send("logged", "signal")
    assert [r.getMessage() for r in caplog.records] == [
        f"SEND: {id('logged')} {short(c)} 'signal' : logged"]
    assert c._collect("signal") == "logged"


def test_tracing_is_decided_when_a_component_is_made(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import Axon.Component
    quiet = component()
    monkeypatch.setattr(Axon.Component, "TraceAllSends", True)
    loud = component()
    monkeypatch.setattr(Axon.Component, "TraceAllSends", False)
    quiet.send("q")
    loud.send("l")
    assert capsys.readouterr().out.splitlines() == [f"SEND: {id('l')} {short(loud)} 'outbox' : l"]
    assert "send" not in vars(quiet)          # untraced components keep the plain method


def test_debug_send_and_recv_work_when_called_directly(
        capsys: pytest.CaptureFixture[str]) -> None:
    c = component()
    c.link((c, "outbox"), (c, "inbox"))
    c._debug_send("direct")
    assert c._debug_recv() == "direct"
    out = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in out] == ["SEND:", "RECV:"]


def test_close_down_callbacks_are_called_once_then_forgotten(
        fresh_scheduler: scheduler) -> None:
    # So an ended child holds no reference to its parent.
    parent, child = component(), component()
    parent.addChildren(child)
    calls: list[str] = []
    child._callOnCloseDown.append(lambda: calls.append("ended"))
    child.activate()
    fresh_scheduler.runThreads()
    assert calls == ["ended"]
    assert child._callOnCloseDown == []
    assert child._closeDownMicroprocess() is None and calls == ["ended"]


def test_a_component_whose_init_forgets_super_init_is_told_so_on_activate() -> None:
    class Forgetful(component):
        def __init__(self, size: int) -> None:     # no super().__init__(): the mistake
            self.size = size

    with pytest.raises(TypeError, match=r"Forgetful did not call super\(\)\.__init__\(\) "
                                        r"in its __init__; add it"):
        Forgetful(3).activate()
    with pytest.raises(TypeError, match=r"Forgetful did not call super\(\)\.__init__\(\)"):
        Forgetful(3).run()


def test_async_and_generator_mains_both_run() -> None:
    seen: list[str] = []

    class Generator(component):
        def main(self) -> Iterator[int]:
            seen.append("generator")
            yield 1

    class Coroutine(component):
        async def main(self) -> None:
            seen.append("coroutine")

    Generator().activate()
    Coroutine().run()
    assert sorted(seen) == ["coroutine", "generator"]
