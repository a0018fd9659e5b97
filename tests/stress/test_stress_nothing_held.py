"""Nothing is held after it is done with: messages, ended components, timers.

Each test passes a big, weak-referenceable message through a long-lived
component (or ends a component) and checks with ``gc`` and ``weakref`` that
it can be collected at once, while everything around it is still running:
no loop variable left over from the last message, no callback, linkage,
child list, subscriber table, timer or stored traceback keeps it alive.
A last test runs :mod:`held_across_yield` over the core and library modules
so that no generator keeps a message bound across a ``yield`` unnoticed.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import threading
import weakref
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from Axon.AsyncHandle import AsyncHandle
from Axon.background import background
from Axon.Component import component
from Axon.Handle import Handle
from Axon.Ipc import newComponent, producerFinished, shutdownMicroprocess
from Axon.Scheduler import scheduler
from Axon.STM import Store
from Axon.ThreadedComponent import threadedcomponent
from Kamaelia.Chassis.Carousel import Carousel
from Kamaelia.Chassis.Graphline import Graphline
from Kamaelia.Chassis.PAR import PAR
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.Chassis.Seq import Seq
from Kamaelia.Util.Backplane import Backplane, PublishTo, SubscribeTo
from Kamaelia.Util.Chooser import Chooser, ForwardIteratingChooser
from Kamaelia.Util.Fanout import Fanout
from Kamaelia.Util.OneShot import OneShot
from Kamaelia.Util.PassThrough import PassThrough
from Kamaelia.Util.PureTransformer import PureTransformer
from Kamaelia.Util.Splitter import PlugSplitter, Plug, Splitter, addsink

from held_across_yield import heldNames

Rounds = Callable[[int], bool]

#: Upper bound for any wait on another thread; reaching it means a failure.
PATIENCE = 10.0


class Big:
    """A message big enough to matter (1 MiB), that a weak reference can watch."""

    def __init__(self, tag: str = "") -> None:
        self.tag = tag
        self.payload = bytearray(1 << 20)

    def __repr__(self) -> str:
        return f"<Big {self.tag}>"


class BigCommand(str):
    """A string message (a Chooser command) that a weak reference can watch."""


class Discard(component):
    """Takes everything and keeps only a count; runs until told to stop."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def main(self) -> Iterator[Any]:
        while True:
            while self.dataReady("inbox"):
                self.recv("inbox")
                self.count += 1
            while self.dataReady("control"):
                if isinstance(self.recv("control"), (producerFinished, shutdownMicroprocess)):
                    return
            self.pause()
            yield 1


def collected(*refs: weakref.ref) -> bool:
    """True once a full collection leaves nothing behind any of ``refs``."""
    gc.collect()
    return all(ref() is None for ref in refs)


def feed(target: component, message: Any, boxname: str = "inbox") -> weakref.ref:
    """Deliver ``message`` into ``target``'s inbox; return a weak reference to it."""
    ref = weakref.ref(message)
    target.inboxes[boxname].append(message)
    return ref


def wired(source: component, sink: component, outbox: str = "outbox") -> None:
    source.link((source, outbox), (sink, "inbox"))


# ------------------------------------------------------- message passers
@pytest.mark.parametrize("make", [
    PassThrough,
    lambda: PureTransformer(lambda message: message),
    lambda: Fanout(["outbox"]),
], ids=["PassThrough", "PureTransformer", "Fanout"])
def test_a_message_passed_on_is_not_held_by_the_component_that_passed_it(
        run_rounds: Rounds, make: Callable[[], component]) -> None:
    passer, sink = make(), Discard()
    wired(passer, sink)
    passer.activate()
    sink.activate()
    ref = feed(passer, Big("passed"))
    run_rounds(10)
    assert sink.count == 1 and not passer._isStopped()
    assert collected(ref)


def test_a_message_copied_by_a_splitter_is_not_held_once_every_sink_took_it(
        run_rounds: Rounds) -> None:
    splitter, sinks = Splitter(), [Discard(), Discard()]
    for sink in sinks:
        splitter.inboxes["configuration"].append(addsink(sink, "inbox"))
        sink.activate()
    splitter.activate()
    run_rounds(5)
    ref = feed(splitter, Big("split"))
    run_rounds(10)
    assert [sink.count for sink in sinks] == [1, 1]
    assert collected(ref)


def test_a_chooser_command_is_not_held_after_it_was_obeyed(run_rounds: Rounds) -> None:
    chooser, sink = Chooser(items=["a", "b"]), Discard()
    wired(chooser, sink)
    chooser.activate()
    sink.activate()
    ref = feed(chooser, BigCommand("NEXT"))
    run_rounds(10)
    assert sink.count == 2            # the first item, then the next one
    assert collected(ref)


def test_a_forward_iterating_chooser_command_is_not_held(run_rounds: Rounds) -> None:
    chooser, sink = ForwardIteratingChooser(items=iter(["a", "b", "c"])), Discard()
    wired(chooser, sink)
    chooser.activate()
    sink.activate()
    ref = feed(chooser, BigCommand("NEXT"))
    run_rounds(10)
    assert sink.count >= 1 and not chooser._isStopped()
    assert collected(ref)


# ---------------------------------------------------------------- chassis
def test_a_pipeline_holds_no_message_it_carried(run_rounds: Rounds) -> None:
    first, last = PassThrough(), Discard()
    pipe = Pipeline(PureTransformer(lambda m: m), first, last).activate()
    run_rounds(3)
    ref = feed(pipe, Big("piped"))
    run_rounds(20)
    assert last.count == 1 and not pipe._isStopped()
    assert collected(ref)


def test_a_pipeline_whose_children_ended_is_collectable_with_them(run_rounds: Rounds) -> None:
    children = [PassThrough(), PureTransformer(), Discard()]
    pipe = Pipeline(*children).activate()
    refs = [weakref.ref(c) for c in (pipe, *children)]
    run_rounds(3)
    message = feed(pipe, Big("last one"))
    pipe.inboxes["control"].append(producerFinished())
    assert run_rounds(50)                 # everything ended
    del pipe, children
    assert collected(message, *refs)


def test_a_running_graphline_keeps_only_its_declaration_of_an_ended_child(
        run_rounds: Rounds) -> None:
    ends, stays = PassThrough(), Discard()
    graph = Graphline(ENDS=ends, STAYS=stays,
                      linkages={("ENDS", "outbox"): ("STAYS", "inbox")}).activate()
    run_rounds(3)
    message = feed(ends, Big("through the graphline"))
    ends.inboxes["control"].append(shutdownMicroprocess())
    run_rounds(20)
    assert ends._isStopped() and not stays._isStopped() and not graph._isStopped()
    ref = weakref.ref(ends)
    del ends
    assert collected(message)
    # The children list, the links, close-down hooks and the scheduler have
    # let go of it: only the Graphline's record of what it was made of remains.
    assert graph.children == [stays]
    del graph.components["ENDS"]
    assert collected(ref)


def test_a_finished_carousel_child_and_its_item_are_not_held(run_rounds: Rounds) -> None:
    made: list[weakref.ref] = []

    def factory(item: Big) -> component:
        child = OneShot(msg=item)          # sends the item on, then ends
        made.append(weakref.ref(child))
        return child

    carousel, sink = Carousel(factory), Discard()
    wired(carousel, sink)
    carousel.activate()
    sink.activate()
    run_rounds(3)
    item = feed(carousel, Big("first item"), "next")
    run_rounds(20)
    assert sink.count == 1 and len(made) == 1
    assert carousel.child is None and not carousel._isStopped()   # waits for "next"
    assert collected(item, made[0])


@pytest.mark.parametrize("make, copies", [(Seq, 1), (PAR, 2)], ids=["Seq", "PAR"])
def test_a_chassis_of_passthroughs_holds_no_message_it_carried(
        run_rounds: Rounds, make: Callable[..., component], copies: int) -> None:
    sink = Discard()
    chassis = make(PassThrough(), PassThrough())      # Seq: one at a time; PAR: both
    wired(chassis, sink)
    chassis.activate()
    sink.activate()
    run_rounds(3)
    ref = feed(chassis, Big("carried"))
    run_rounds(10)
    assert sink.count == copies
    assert collected(ref)


# ---------------------------------------------------- publish / subscribe
def test_a_subscriber_that_unsubscribed_is_not_held_by_the_backplane(
        run_rounds: Rounds) -> None:
    hub = Backplane("NOTHING_HELD").activate()
    stay, stayer = Discard(), SubscribeTo("NOTHING_HELD")
    leave, leaver = Discard(), SubscribeTo("NOTHING_HELD")
    Pipeline(stayer, stay).activate()
    leaving = Pipeline(leaver, leave).activate()
    publisher = PublishTo("NOTHING_HELD").activate()
    run_rounds(10)
    message = feed(publisher, Big("published"))
    run_rounds(10)
    assert stay.count == leave.count == 1
    refs = [weakref.ref(c) for c in (leaving, leaver, leave)]
    leaving.inboxes["control"].append(shutdownMicroprocess())
    run_rounds(20)
    assert leaver._isStopped() and leave._isStopped() and not hub._isStopped()
    del leaving, leaver, leave
    assert collected(message, *refs)
    later = feed(publisher, Big("after"))
    run_rounds(10)
    assert stay.count == 2 and collected(later)


def test_a_plug_that_ended_is_not_held_by_its_splitter(run_rounds: Rounds) -> None:
    splitter = PlugSplitter().activate()
    child = PassThrough()
    plug = Plug(splitter, child).activate()
    run_rounds(10)
    refs = [weakref.ref(plug), weakref.ref(child)]
    plug.inboxes["control"].append(shutdownMicroprocess())
    run_rounds(20)
    assert child._isStopped() and not splitter._isStopped()
    del plug, child
    assert collected(*refs)


# ------------------------------------------------- endings and failures
class Fails(component):
    """Raises from main while it has a big message in a local variable."""

    def main(self) -> Iterator[Any]:
        yield 1
        message = self.recv("inbox")
        raise RuntimeError(f"failed on {message!r}")


def textOnly(record: logging.LogRecord) -> bool:
    """A logger filter that turns a record's exception into text, as
    ``logging.handlers.QueueHandler`` does before queueing a record."""
    if record.exc_info:
        record.exc_text = logging.Formatter().formatException(record.exc_info)
        record.exc_info = None
    return True


@pytest.fixture
def schedulerLog(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """The scheduler's log, with each exception kept as text only.

    A handler that keeps records (pytest's capture, ``MemoryHandler``) keeps
    each logged exception and, through its traceback, the frames of the code
    that failed: that is its choice. With the exceptions made text here,
    only our own code could keep a failed component alive.
    """
    logger = logging.getLogger("Axon.Scheduler")
    logger.addFilter(textOnly)
    try:
        with caplog.at_level(logging.ERROR, logger="Axon.Scheduler"):
            yield caplog
    finally:
        logger.removeFilter(textOnly)


def test_a_component_that_failed_is_not_held_once_its_failure_is_logged(
        run_rounds: Rounds, fresh_scheduler: scheduler,
        schedulerLog: pytest.LogCaptureFixture) -> None:
    fresh_scheduler.reraiseExceptions = False
    other = Discard().activate()            # keeps the system running
    failing = Fails().activate()
    message = feed(failing, Big("fatal"))
    ref = weakref.ref(failing)
    run_rounds(5)
    assert "RuntimeError: failed on <Big fatal>" in schedulerLog.text
    assert "Traceback" in schedulerLog.text
    assert failing._isStopped() and not other._isStopped()
    del failing
    assert collected(message, ref)


class ThreadFails(threadedcomponent):
    def main(self) -> None:
        while not self.dataReady("inbox"):
            self.pause(0.05)
        message = self.recv("inbox")
        raise RuntimeError(f"failed on {message!r}")


def test_a_threaded_component_that_failed_is_not_held_once_its_failure_is_logged(
        fresh_scheduler: scheduler, schedulerLog: pytest.LogCaptureFixture) -> None:
    fresh_scheduler.reraiseExceptions = False
    failing = ThreadFails().activate()
    message = feed(failing, Big("fatal in a thread"))
    ref = weakref.ref(failing)
    fresh_scheduler.runThreads()
    assert "RuntimeError: failed on <Big fatal in a thread>" in schedulerLog.text
    del failing
    assert collected(message, ref)


class EndsNow(component):
    def main(self) -> Iterator[Any]:
        yield 1


def test_a_kept_failure_keeps_only_the_failed_component_not_its_round(
        run_rounds: Rounds, fresh_scheduler: scheduler,
        caplog: pytest.LogCaptureFixture) -> None:
    # caplog keeps each record, and so the exception and its traceback.
    fresh_scheduler.reraiseExceptions = False
    failing, bystander = Fails().activate(), EndsNow().activate()
    feed(failing, Big("fatal"))
    ref = weakref.ref(bystander)
    with caplog.at_level(logging.ERROR, logger="Axon.Scheduler"):
        run_rounds(5)          # both run in the same rounds; one fails, one ends
    [record] = caplog.records
    assert record.exc_info is not None and "failed on" in str(record.exc_info[1])
    assert failing._isStopped() and bystander._isStopped()
    del bystander
    assert collected(ref)


class Sleepy(component):
    """Pauses with a long timeout on every turn, so a wake-up timer is always pending."""

    def main(self) -> Iterator[Any]:
        while True:
            self.pause(3600)
            yield 1


def test_a_component_that_ended_is_not_held_by_the_scheduler(
        run_rounds: Rounds, fresh_scheduler: scheduler) -> None:
    other = Discard().activate()
    ending, stopped = Discard().activate(), Sleepy().activate()
    ending.pause(3600)                      # a wake-up timer, cancelled by the wake
    run_rounds(3)
    refs = [weakref.ref(ending), weakref.ref(stopped)]
    ending.inboxes["control"].append(producerFinished())
    stopped.stop()                          # its timer is cancelled by stop()
    run_rounds(3)
    assert ending._isStopped() and stopped._isStopped() and not other._isStopped()
    del ending, stopped
    assert collected(*refs)
    assert fresh_scheduler.listAllThreads() == [other]


class Parent(component):
    """Adds a child and runs for ever, never calling removeChild."""

    def __init__(self, child: component) -> None:
        super().__init__()
        self.addChildren(child)

    def main(self) -> Iterator[Any]:
        yield newComponent(*self.children)
        while True:
            self.pause()
            yield 1


def test_an_ended_child_does_not_keep_its_parent_alive(run_rounds: Rounds) -> None:
    child = EndsNow()
    parent = Parent(child).activate()
    run_rounds(5)
    assert child._isStopped()
    parent.stop()
    run_rounds(2)
    ref = weakref.ref(parent)
    del parent
    assert collected(ref)           # although child (kept here) was its child


# ------------------------------------------------------------------ timers
def test_a_timer_that_fired_holds_nothing(run_rounds: Rounds,
                                          fresh_scheduler: scheduler) -> None:
    fired: list[int] = []
    message = Big("timer argument")
    ref = weakref.ref(message)
    handle = fresh_scheduler.callLater(0, lambda m: fired.append(len(m.payload)), message)
    del message
    Discard().activate()
    run_rounds(3)
    assert fired == [1 << 20]
    assert collected(ref) and handle.cancelled


def test_a_cancelled_timer_holds_nothing(run_rounds: Rounds,
                                         fresh_scheduler: scheduler) -> None:
    message = Big("never needed")
    ref = weakref.ref(message)
    handle = fresh_scheduler.callLater(3600, lambda m: None, message)
    del message
    handle.cancel()
    Discard().activate()
    run_rounds(3)
    assert collected(ref)


def test_a_call_from_another_thread_is_not_held_once_run(
        run_rounds: Rounds, fresh_scheduler: scheduler) -> None:
    message = Big("from a thread")
    ref = weakref.ref(message)
    done = threading.Event()
    fresh_scheduler.callFromThread(lambda m: done.set(), message)
    del message
    Discard().activate()
    run_rounds(3)
    assert done.is_set() and collected(ref)


def test_a_store_keeps_only_the_current_value() -> None:
    store = Store()
    value = store.usevar("k")
    value.set(Big("first"))
    value.commit()
    first = weakref.ref(store.store["k"].value)     # the store's own copy
    value.set(Big("second"))
    value.commit()
    assert store.usevar("k").value.tag == "second"
    del value
    assert collected(first)


# ----------------------------------------------------------------- handles
@pytest.fixture
def bg() -> Iterator[background]:
    thread = background()
    thread.start()
    yield thread
    if thread.is_alive():
        scheduler.run.stop()
        thread.join(PATIENCE)
    assert not thread.is_alive()


def test_a_handle_holds_no_message_and_lets_its_ended_component_go(bg: background) -> None:
    wrapped = PureTransformer(lambda m: m)
    ref = weakref.ref(wrapped)
    handle = Handle(wrapped).activate()
    del wrapped
    message = Big("through a handle")
    mref = weakref.ref(message)
    handle.put(message, "inbox")
    del message
    assert handle.get("outbox", block=True, timeout=PATIENCE).tag == "through a handle"
    handle.put(producerFinished(), "control")
    handle.get("signal", block=True, timeout=PATIENCE)
    bg.join(PATIENCE)
    assert not bg.is_alive()
    assert collected(mref, ref)


def test_an_async_handle_holds_no_message_and_lets_its_ended_component_go() -> None:
    refs: list[weakref.ref] = []

    async def main() -> AsyncHandle:
        wrapped = PureTransformer(lambda m: m)
        refs.append(weakref.ref(wrapped))
        handle = AsyncHandle(wrapped).activate()
        del wrapped
        system = asyncio.create_task(scheduler.run.runAsync())
        message = Big("through an async handle")
        refs.append(weakref.ref(message))
        await handle.put(message)
        del message
        assert (await handle.get(timeout=PATIENCE)).tag == "through an async handle"
        await handle.shutdown()
        async for _ in handle.messages():
            pass
        await system
        return handle

    handle = asyncio.run(main())
    assert handle._isStopped()
    assert collected(*refs)


# ------------------------------------------------- the generators themselves
def _scannedFiles() -> list[Path]:
    """Every module of the library: Axon and all of Kamaelia (not the example
    programs shipped with it, which are short-lived scripts written for
    reading, not long-running library code)."""
    src = Path(__file__).resolve().parents[2] / "src"
    examples = src / "Kamaelia" / "examples"
    return sorted(path for path in src.rglob("*.py") if examples not in path.parents)


HOLDS_THE_LAST = """
class Server(component):
    def main(self):
        while True:
            for message in self.Inbox("control"):
                self.closed(message)
            self.pause()
            yield 1

    def mainBody(self):
        for message in self.Inbox("control"):
            self.closed(message)
        return 1
"""


def test_the_scan_finds_a_message_kept_across_a_yield_and_only_there() -> None:
    [held] = heldNames(HOLDS_THE_LAST, "server.py", messagesOnly=True)
    assert (held.function, held.name, held.line) == ("Server.main", "message", 7)
    fixed = HOLDS_THE_LAST.replace("self.pause()", "message = None\n            self.pause()")
    assert heldNames(fixed, "server.py", messagesOnly=True) == []


def test_no_generator_keeps_a_message_bound_across_a_yield() -> None:
    files = _scannedFiles()
    assert len(files) > 150
    held = [str(h) for f in files
            for h in heldNames(f.read_text(encoding="utf-8"), str(f), messagesOnly=True)]
    assert held == []
