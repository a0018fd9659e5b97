"""Tests for Axon.ThreadedComponent: blocking ``main`` in a thread, carried messages.

Every handshake between a test and a component's thread is a
``threading.Event``; nothing sleeps to wait. Every thread a test starts is
captured (``threading.current_thread()`` inside ``main``) and checked to have
ended when the scheduler returns.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from typing import Any, Iterator

import pytest

from Axon.AxonExceptions import noSpaceInBox
from Axon.Component import component
from Axon.Ipc import producerFinished, shutdownMicroprocess
from Axon.Scheduler import scheduler
from Axon.ThreadedComponent import (DefaultQueueSize, UnHandledException,
                                    threadedadaptivecommscomponent, threadedcomponent)
from componentharness import Collector
from Kamaelia.Util.DataSource import DataSource

#: Upper bound for any handshake; reaching it means the behaviour under test is broken.
PATIENCE = 10.0


class Idle(component):
    """Never reads its inbox; sleeps until it is stopped from outside."""

    def main(self) -> Iterator[Any]:
        while True:
            self.pause()
            yield 1


class ThreadedRelay(threadedcomponent):
    """Forwards "inbox" to "outbox" from its thread; passes shutdown on."""

    def main(self) -> None:
        while True:
            for message in self.Inbox("inbox"):
                self.send(message, "outbox")
            if self.dataReady("control"):
                message = self.recv("control")
                for late in self.Inbox("inbox"):
                    self.send(late, "outbox")
                self.send(message, "signal")
                return
            self.pause()


class ControlLooper(threadedcomponent):
    """The classic threaded loop: pause until something arrives on "control"."""

    def __init__(self, **argd: Any) -> None:
        super().__init__(**argd)
        self.looping = threading.Event()
        self.thread: threading.Thread | None = None
        self.control: list[Any] = []

    def main(self) -> None:
        self.thread = threading.current_thread()
        self.looping.set()
        while not self.dataReady("control"):
            self.pause()
        self.control.append(self.recv("control"))


class ReadsAfterControl(component):
    """Leaves "inbox" alone until "control" has something, then takes it all and ends."""

    def __init__(self, **argd: Any) -> None:
        super().__init__(**argd)
        self.got: list[Any] = []

    def main(self) -> Iterator[Any]:
        while not self.dataReady("control"):
            self.pause()
            yield 1
        self.recv("control")
        self.got.extend(self.Inbox("inbox"))


def run_all(*components: component) -> None:
    """Activate ``components`` and run the default scheduler until nothing is left."""
    for c in components:
        c.activate()
    scheduler.run.runThreads()


# ------------------------------------------------------------------ threads
def test_main_runs_in_a_thread_other_than_the_callers() -> None:
    class WhereAmI(threadedcomponent):
        def main(self) -> None:
            self.thread = threading.current_thread()

    c = WhereAmI()
    c.run()
    assert c.thread is not threading.current_thread()
    assert c.thread.ident != threading.get_ident()
    assert not c.thread.is_alive()
    assert c._isStopped()


def test_queuelengths_must_be_an_int() -> None:
    with pytest.raises(ValueError, match=re.escape("queuelengths must be an int, not 2.5")):
        threadedcomponent(queuelengths=2.5)  # type: ignore[arg-type]


def test_queuelengths_zero_means_no_limit_as_queue_Queue_took_it_in_1_14() -> None:
    class Flooder(threadedcomponent):
        def main(self) -> None:
            for i in range(DefaultQueueSize + 10):
                self.send(i, "outbox")          # never refused

    flooder, sink = Flooder(queuelengths=0), component()
    flooder.link((flooder, "outbox"), (sink, "inbox"))
    flooder.activate()
    scheduler.run.runThreads()
    assert list(sink.inboxes["inbox"]) == list(range(DefaultQueueSize + 10))
    assert DefaultQueueSize == 1000 and threadedcomponent().queuelengths == DefaultQueueSize


# ---------------------------------------------------------------- messaging
def test_messages_pass_in_and_out_of_the_thread_in_order() -> None:
    source = DataSource(list(range(200)))
    relay = ThreadedRelay()
    sink = Collector()
    source.link((source, "outbox"), (relay, "inbox"))
    source.link((source, "signal"), (relay, "control"))
    relay.link((relay, "outbox"), (sink, "inbox"))
    relay.link((relay, "signal"), (sink, "control"))
    run_all(source, relay, sink)
    assert sink.got == list(range(200))
    assert len(sink.control) == 1 and sink.control[0].caller is source


def test_more_messages_than_queuelengths_all_reach_the_thread_in_order() -> None:
    class Counter(threadedcomponent):
        def main(self) -> None:
            self.thread = threading.current_thread()
            self.got: list[Any] = []
            deadline = time.monotonic() + PATIENCE
            while True:
                self.got.extend(self.Inbox("inbox"))
                if len(self.got) >= 20 or time.monotonic() > deadline:
                    return
                self.pause(timeout=PATIENCE)

    c = Counter(queuelengths=3)
    c.inboxes["inbox"].extend(range(20))
    c.run()
    assert c.got == list(range(20))
    assert not c.thread.is_alive()


class Drainer(threadedcomponent):
    """The conventional loop: work until "control" has something, then drain "inbox"."""

    def main(self) -> None:
        self.thread = threading.current_thread()
        self.got: list[Any] = []
        while not self.dataReady("control"):
            self.got.extend(self.Inbox("inbox"))
            self.pause()
        self.got.extend(self.Inbox("inbox"))


def test_control_does_not_overtake_data_waiting_beyond_queuelengths() -> None:
    # All twelve messages were in "inbox" before producerFinished reached
    # "control", as a component without a thread would see them.
    c = Drainer(queuelengths=3)
    c.inboxes["inbox"].extend(range(12))
    c.inboxes["control"].append(producerFinished())
    c.run()
    assert c.got == list(range(12))
    assert not c.thread.is_alive()


def test_a_full_inbox_of_a_threaded_component_pushes_back_on_its_producer() -> None:
    class Patient(component):
        """Sends 0..9, backing off (paused) whenever the destination is full."""

        def main(self) -> Iterator[Any]:
            self.refusals = 0
            for item in range(10):
                while True:
                    try:
                        self.send(item, "outbox")
                        break
                    except noSpaceInBox:
                        self.refusals += 1
                        self.pause()
                        yield 1
            self.send(producerFinished(self), "signal")
            yield 1

    class Counter(threadedcomponent):
        def main(self) -> None:
            self.thread = threading.current_thread()
            self.got: list[Any] = []
            deadline = time.monotonic() + PATIENCE
            while True:
                self.got.extend(self.Inbox("inbox"))
                if len(self.got) >= 10 or time.monotonic() > deadline:
                    return
                self.pause(timeout=PATIENCE)

    producer = Patient()
    consumer = Counter(queuelengths=2)
    consumer.setInboxSize("inbox", 2)
    producer.link((producer, "outbox"), (consumer, "inbox"))
    run_all(producer, consumer)
    assert producer.refusals >= 1
    assert consumer.got == list(range(10))
    assert not consumer.thread.is_alive()


def test_pause_returns_when_a_message_arrives() -> None:
    paused = threading.Event()
    timeout = 30.0

    class Waiter(threadedcomponent):
        def main(self) -> None:
            self.thread = threading.current_thread()
            paused.set()
            started = time.monotonic()
            self.pause(timeout)
            self.waited = time.monotonic() - started
            self.seen = self.recv("inbox") if self.dataReady("inbox") else None

    class Poker(threadedcomponent):
        def main(self) -> None:
            self.thread = threading.current_thread()
            assert paused.wait(PATIENCE)
            self.send("wake up", "outbox")

    waiter, poker = Waiter(), Poker()
    poker.link((poker, "outbox"), (waiter, "inbox"))
    run_all(waiter, poker)
    assert waiter.seen == "wake up"
    # Woken by the message, not by the (much longer) timeout.
    assert waiter.waited < timeout / 2
    assert not waiter.thread.is_alive() and not poker.thread.is_alive()


def test_pause_returns_when_the_timeout_passes() -> None:
    class Napper(threadedcomponent):
        def main(self) -> None:
            self.thread = threading.current_thread()
            started = time.monotonic()
            self.pause(timeout=0.05)
            self.waited = time.monotonic() - started
            self.ready = self.anyReady()

    c = Napper()
    c.run()
    assert c.waited >= 0.05
    assert c.ready is False
    assert not c.thread.is_alive()


def test_pause_returns_at_once_if_a_message_is_already_waiting() -> None:
    class Checker(threadedcomponent):
        def main(self) -> None:
            # The message was delivered before activation; wait for the carry-in.
            deadline = time.monotonic() + PATIENCE
            while not self.dataReady("inbox") and time.monotonic() < deadline:
                self.pause(timeout=PATIENCE)
            started = time.monotonic()
            self.pause(timeout=30.0)
            self.waited = time.monotonic() - started
            self.seen = self.recv("inbox")

    c = Checker()
    c.inboxes["inbox"].append("early")
    c.run()
    assert c.seen == "early"
    assert c.waited < 15.0


def test_send_raises_noSpaceInBox_when_queuelengths_messages_are_undelivered() -> None:
    class Flooder(threadedcomponent):
        def main(self) -> None:
            self.thread = threading.current_thread()
            self.send("fills the consumer's inbox", "outbox")
            self.sync()
            self.accepted = 0
            try:
                for i in range(self.queuelengths + 1):
                    self.send(i, "outbox")
                    self.accepted += 1
            except noSpaceInBox as exc:
                self.error: noSpaceInBox | None = exc
            else:
                self.error = None
            self.scheduler.stop()

    consumer = Idle()
    consumer.setInboxSize("inbox", 1)
    flooder = Flooder(queuelengths=3)
    flooder.link((flooder, "outbox"), (consumer, "inbox"))
    run_all(consumer, flooder)
    assert flooder.accepted == 3
    assert isinstance(flooder.error, noSpaceInBox)
    assert flooder.name in str(flooder.error) and "'outbox'" in str(flooder.error)
    assert consumer.dataReady("inbox") == 1
    assert not flooder.thread.is_alive()


def test_sync_returns_after_everything_sent_has_been_delivered() -> None:
    class Syncer(threadedcomponent):
        def __init__(self, consumer: component, **argd: Any) -> None:
            super().__init__(**argd)
            self.consumer = consumer

        def main(self) -> None:
            self.thread = threading.current_thread()
            for i in range(50):
                self.send(i, "outbox")
            self.sync()
            # The consumer waits for "control" before reading, so this counts
            # exactly what has been delivered into its inbox.
            self.deliveredAtSync = self.consumer.dataReady("inbox")
            self.send(producerFinished(self), "signal")

    consumer = ReadsAfterControl()
    syncer = Syncer(consumer)
    syncer.link((syncer, "outbox"), (consumer, "inbox"))
    syncer.link((syncer, "signal"), (consumer, "control"))
    run_all(consumer, syncer)
    assert syncer.deliveredAtSync == 50
    assert consumer.got == list(range(50))
    assert not syncer.thread.is_alive()


def test_waitForConsumer_returns_only_after_the_consumer_took_everything() -> None:
    class OneAtATime(component):
        """Takes a single message per time slice."""

        def __init__(self, **argd: Any) -> None:
            super().__init__(**argd)
            self.got: list[Any] = []

        def main(self) -> Iterator[Any]:
            while True:
                if self.dataReady("inbox"):
                    self.got.append(self.recv("inbox"))
                elif self.dataReady("control"):
                    self.recv("control")
                    return
                else:
                    self.pause()
                yield 1

    class Producer(threadedcomponent):
        def __init__(self, consumer: OneAtATime, **argd: Any) -> None:
            super().__init__(**argd)
            self.consumer = consumer

        def main(self) -> None:
            self.thread = threading.current_thread()
            for i in range(100):
                self.send(i, "outbox")
            self.waitForConsumer("outbox")
            self.waitingAfter = self.consumer.dataReady("inbox")
            self.takenAfter = len(self.consumer.got)
            self.send(producerFinished(self), "signal")

    consumer = OneAtATime()
    producer = Producer(consumer)
    producer.link((producer, "outbox"), (consumer, "inbox"))
    producer.link((producer, "signal"), (consumer, "control"))
    run_all(consumer, producer)
    assert producer.waitingAfter == 0
    assert producer.takenAfter == 100
    assert consumer.got == list(range(100))
    assert not producer.thread.is_alive()


def test_waitForConsumer_on_an_unlinked_outbox_names_it() -> None:
    class Lonely(threadedcomponent):
        def main(self) -> None:
            try:
                self.waitForConsumer("nosuchbox")
            except KeyError as exc:
                self.error = str(exc)

    c = Lonely()
    c.run()
    assert "'nosuchbox'" in c.error and c.name in c.error


# ------------------------------------------------------------------ failures
class Failing(threadedcomponent):
    def main(self) -> None:
        self.thread = threading.current_thread()
        raise ValueError("broken in the thread")


def test_exception_in_the_thread_is_logged_with_the_components_name(
        caplog: pytest.LogCaptureFixture) -> None:
    scheduler.run.reraiseExceptions = False
    bystander = Collector()
    bystander.inboxes["inbox"].append("still served")
    bystander.inboxes["control"].append(producerFinished())
    failing = Failing()
    with caplog.at_level(logging.ERROR, logger="Axon.Scheduler"):
        run_all(failing, bystander)
    records = [r for r in caplog.records if r.name == "Axon.Scheduler"]
    assert len(records) == 1
    assert failing.name in records[0].getMessage()
    assert records[0].exc_info is not None
    assert isinstance(records[0].exc_info[1], ValueError)
    assert bystander.got == ["still served"]
    assert failing._isStopped()
    assert not failing.thread.is_alive()


def test_exception_in_the_thread_propagates_from_runThreads_when_reraising() -> None:
    failing = Failing().activate()
    with pytest.raises(ValueError, match="broken in the thread"):
        scheduler.run.runThreads()
    assert failing._isStopped()
    assert not failing.thread.is_alive()


# ------------------------------------------------------------------ stopping
def test_scheduler_stop_from_another_component_ends_and_joins_a_control_loop() -> None:
    looper = ControlLooper()

    class Stopper(threadedcomponent):
        def main(self) -> None:
            self.thread = threading.current_thread()
            assert looper.looping.wait(PATIENCE)
            self.scheduler.stop()

    stopper = Stopper()
    run_all(looper, stopper)
    assert looper.thread is not None
    assert not looper.thread.is_alive()
    assert len(looper.control) == 1 and isinstance(looper.control[0], shutdownMicroprocess)
    assert looper._isStopped()
    stopper.thread.join(PATIENCE)
    assert not stopper.thread.is_alive()


def test_shutdownMicroprocess_knock_on_ends_and_joins_a_control_loop() -> None:
    looper = ControlLooper()

    class KnockOn(threadedcomponent):
        """Ends once the looper loops; asks the scheduler to stop the looper too."""

        def main(self) -> None:
            self.thread = threading.current_thread()
            assert looper.looping.wait(PATIENCE)

        def _closeDownMicroprocess(self) -> Any:
            super()._closeDownMicroprocess()
            return shutdownMicroprocess(looper)

    knockon = KnockOn()
    run_all(looper, knockon)
    assert looper.thread is not None
    assert not looper.thread.is_alive()
    assert len(looper.control) == 1 and isinstance(looper.control[0], shutdownMicroprocess)
    assert not knockon.thread.is_alive()


def test_a_shutdown_message_on_control_ends_a_control_loop() -> None:
    looper = ControlLooper()

    class Sender(threadedcomponent):
        def main(self) -> None:
            self.thread = threading.current_thread()
            assert looper.looping.wait(PATIENCE)
            self.send(producerFinished(self), "signal")

    sender = Sender()
    sender.link((sender, "signal"), (looper, "control"))
    run_all(looper, sender)
    assert [type(m) for m in looper.control] == [producerFinished]
    assert not looper.thread.is_alive()


# -------------------------------------------------------------- link/unlink
def test_link_and_unlink_from_the_thread() -> None:
    consumer = Collector()

    class Linker(threadedcomponent):
        def main(self) -> None:
            self.thread = threading.current_thread()
            self.linkage = self.link((self, "outbox"), (consumer, "inbox"))
            self.send("a", "outbox")
            self.send("b", "outbox")
            self.sync()
            self.unlink(thelinkage=self.linkage)
            self.send("c", "outbox")
            self.sync()
            self.send(producerFinished(self), "signal")

    linker = Linker()
    linker.link((linker, "signal"), (consumer, "control"))
    run_all(consumer, linker)
    assert linker.linkage.sinkPair() == (consumer, "inbox")
    assert consumer.got == ["a", "b"]
    assert not linker.postoffice.islinkageregistered(linker.linkage)
    # Sent after the unlink: it waits in the (now unlinked) outbox.
    assert list(linker.outboxes["outbox"]) == ["c"]
    assert not linker.thread.is_alive()


def test_pause_wakes_for_a_message_the_thread_sent_to_its_own_inbox() -> None:
    class SelfLoop(threadedcomponent):
        def main(self) -> None:
            self.thread = threading.current_thread()
            self.link((self, "outbox"), (self, "inbox"))
            self.send("echo", "outbox")
            self.pause(timeout=PATIENCE)
            self.seen = list(self.Inbox("inbox"))

    c = SelfLoop()
    c.run()
    assert c.seen == ["echo"]
    assert not c.thread.is_alive()


def test_an_exception_from_link_in_the_thread_is_raised_in_the_thread() -> None:
    class BadLinker(threadedcomponent):
        def main(self) -> None:
            try:
                self.link((self, "nosuchbox"), (self, "inbox"))
            except KeyError as exc:
                self.error = str(exc)

    c = BadLinker()
    c.run()
    assert "'nosuchbox'" in c.error


# ------------------------------------------------------- adaptive, threaded
def test_threadedadaptivecommscomponent_adds_boxes_from_its_thread() -> None:
    linked = threading.Event()
    consumer = Collector()

    class Feeder(threadedcomponent):
        def main(self) -> None:
            self.thread = threading.current_thread()
            assert linked.wait(PATIENCE)
            self.send("fed", "outbox")

    feeder = Feeder()

    class Grower(threadedadaptivecommscomponent):
        def main(self) -> None:
            self.thread = threading.current_thread()
            self.inboxNames = [self.addInbox("extra"), self.addInbox("extra")]
            self.outboxName = self.addOutbox("outbox")
            self.link((feeder, "outbox"), (self, self.inboxNames[1]))
            self.link((self, self.outboxName), (consumer, "inbox"))
            linked.set()
            deadline = time.monotonic() + PATIENCE
            while not self.dataReady(self.inboxNames[1]) and time.monotonic() < deadline:
                self.pause(timeout=PATIENCE)
            self.send(self.recv(self.inboxNames[1]) + " and passed on", self.outboxName)
            self.sync()
            self.send(producerFinished(self), "signal")

    grower = Grower()
    grower.link((grower, "signal"), (consumer, "control"))
    run_all(consumer, grower, feeder)
    assert grower.inboxNames == ["extra", "extra_2"]
    assert grower.outboxName == "outbox_2"
    assert {"extra", "extra_2"} <= set(grower.inboxes) and "outbox_2" in grower.outboxes
    assert consumer.got == ["fed and passed on"]
    assert not grower.thread.is_alive() and not feeder.thread.is_alive()


def test_threadedadaptivecommscomponent_deletes_boxes_from_its_thread() -> None:
    class Shrinker(threadedadaptivecommscomponent):
        def main(self) -> None:
            self.thread = threading.current_thread()
            inbox = self.addInbox("temp")
            outbox = self.addOutbox("temp")
            self.linkage = self.link((self, outbox), (self, inbox))
            self.deleteInbox(inbox)
            self.deleteOutbox(outbox)
            try:
                self.dataReady(inbox)
            except KeyError as exc:
                self.error = str(exc)

    c = Shrinker()
    c.run()
    assert "temp" not in c.inboxes and "temp" not in c.outboxes
    assert not c.postoffice.islinkageregistered(c.linkage)
    assert "'temp'" in c.error
    assert not c.thread.is_alive()


# ------------------------------------------------------ 1.14's moving parts
def test_old_style_threaded_component_runs_its_hooks_in_the_thread() -> None:
    calls: list[tuple[str, threading.Thread]] = []

    class OldStyle(threadedcomponent):
        def initialiseComponent(self) -> Any:
            calls.append(("init", threading.current_thread()))
            self.count = 3
            return 1

        def mainBody(self) -> Any:
            self.count -= 1
            calls.append(("body", threading.current_thread()))
            return self.count

        def closeDownComponent(self) -> Any:
            calls.append(("close", threading.current_thread()))
            return 1

    OldStyle().run()
    assert [name for name, _ in calls] == ["init", "body", "body", "body", "close"]
    assert len({thread for _, thread in calls}) == 1
    assert calls[0][1] is not threading.current_thread()


def test_a_subclass_overriding_forwardInboxToThread_sees_every_carry() -> None:
    carried: list[str] = []

    class Watching(ThreadedRelay):
        def forwardInboxToThread(self, box: str) -> None:
            carried.append(box)
            super().forwardInboxToThread(box)

    source, relay, sink = DataSource([1, 2, 3]), Watching(), Collector()
    source.link((source, "outbox"), (relay, "inbox"))
    source.link((source, "signal"), (relay, "control"))
    relay.link((relay, "outbox"), (sink, "inbox"))
    relay.link((relay, "signal"), (sink, "control"))
    run_all(source, relay, sink)
    assert sink.got == [1, 2, 3]
    assert "inbox" in carried and "control" in carried


def test_do_threadsafe_runs_requests_through_handlemessagefromthread() -> None:
    requests: list[Any] = []

    class Asking(threadedcomponent):
        def main(self) -> None:
            self.answer = self._do_threadsafe(lambda a, b=0: (threading.current_thread(), a + b),
                                              (2,), {"b": 3})

        def _handlemessagefromthread(self, msg: Any) -> Any:
            requests.append(msg)
            return super()._handlemessagefromthread(msg)

    asking = Asking()
    asking.run()
    thread, total = asking.answer
    assert total == 5 and thread is threading.current_thread()
    assert len(requests) == 1 and requests[0][1:] == ((2,), {"b": 3})


def test_a_message_sent_just_before_deleteOutbox_is_delivered_first() -> None:
    class SendsThenDeletes(threadedadaptivecommscomponent):
        def main(self) -> None:
            box = self.addOutbox("extra")
            self.link((self, box), (sink, "inbox"))
            self.send("last words", box)
            self.deleteOutbox(box)

    sink = component()
    sender = SendsThenDeletes()
    sender.activate()
    scheduler.run.runThreads()
    assert list(sink.inboxes["inbox"]) == ["last words"]


def test_link_takes_1_14s_positional_passthrough() -> None:
    class Linker(threadedcomponent):
        def main(self) -> None:
            self.made = self.link((self, "inbox"), (inner, "inbox"), 1)

    inner = component()
    linker = Linker()
    linker.run()
    assert linker.made.passthrough == 1


def test_adaptive_box_methods_take_1_14s_arguments_and_have_unsafe_twins() -> None:
    class Adder(threadedadaptivecommscomponent):
        def main(self) -> None:
            self.names = [self.addInbox("extra"), self.addInbox("extra"), self.addOutbox()]
            self.deleteInbox(self.names[1])

    adder = Adder()
    adder.run()
    assert adder.names == ["extra", "extra_2", "outbox_2"]
    assert "extra_2" not in adder.inboxes and "extra" in adder.inboxes
    direct = threadedadaptivecommscomponent()
    name = direct._unsafe_addInbox("x")
    assert direct.dataReady(name) == 0
    direct._unsafe_deleteInbox(name)
    direct._unsafe_deleteOutbox(direct._unsafe_addOutbox("y"))
    assert "x" not in direct.inboxes and "y" not in direct.outboxes


def test_thread_failure_travels_in_an_UnHandledException() -> None:
    class Failing(threadedcomponent):
        def main(self) -> None:
            raise KeyError("from the thread")

    failing = Failing()
    seen: list[Any] = []
    original = Failing._threadmain

    def spy(self: Failing) -> None:
        original(self)
        seen.append(self._threadFailure)

    failing._threadmain = spy.__get__(failing)  # type: ignore[method-assign]
    with pytest.raises(KeyError, match="from the thread"):
        failing.run()
    assert isinstance(seen[0], UnHandledException)
    assert seen[0].args[0][0] is KeyError
