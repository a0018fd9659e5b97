"""Tests for Kamaelia.Util.Splitter: Splitter, PlugSplitter, Plug, addsink, removesink."""

from __future__ import annotations

import logging
import re
from typing import Any, Callable

import pytest

from Axon.Component import component
from Axon.Ipc import ipc, producerFinished, shutdownMicroprocess
from Axon.Scheduler import scheduler
from componentharness import Collector, errorsLogged
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.Util.DataSource import DataSource
from Kamaelia.Util.PassThrough import PassThrough
from Kamaelia.Util.Splitter import Plug, PlugSplitter, Splitter, addsink, removesink

RunRounds = Callable[[int], bool]
SETTLE = 30
LOGGER = "Kamaelia.Util.Splitter"


def configured(*requests: Any) -> Splitter:
    """A Splitter with ``requests`` waiting on its "configuration" inbox."""
    splitter = Splitter()
    splitter.inboxes["configuration"].extend(requests)
    return splitter


def sinks(count: int) -> list[Collector]:
    return [Collector() for _ in range(count)]


def start(*components: component) -> None:
    for each in components:
        each.activate()


# --------------------------------------------------------------------- Splitter
def test_every_destination_gets_every_message_in_order() -> None:
    a, b, c = sinks(3)
    splitter = configured(*(addsink(sink, "inbox", "control") for sink in (a, b, c)))
    splitter.inboxes["inbox"].extend(range(20))
    splitter.inboxes["control"].append(producerFinished())
    start(splitter, a, b, c)
    scheduler.run.runThreads()
    assert a.got == b.got == c.got == list(range(20))


def test_destinations_are_handled_before_messages_that_wait_with_them() -> None:
    a = Collector()
    splitter = Splitter()
    splitter.inboxes["inbox"].append("sent before the addsink was handled")
    splitter.inboxes["configuration"].append(addsink(a, "inbox", "control"))
    splitter.inboxes["control"].append(producerFinished())
    start(splitter, a)
    scheduler.run.runThreads()
    assert a.got == ["sent before the addsink was handled"]


def test_removesink_stops_the_copies_and_deletes_the_outboxes(run_rounds: RunRounds) -> None:
    a, b = sinks(2)
    splitter = configured(addsink(a, "inbox", "control"), addsink(b, "inbox", "control"))
    start(splitter, a, b)
    splitter.inboxes["inbox"].append(1)
    run_rounds(SETTLE)
    assert len(splitter.outboxes) == 2 + 4
    splitter.inboxes["configuration"].append(removesink(a, "inbox", "control"))
    splitter.inboxes["inbox"].append(2)
    run_rounds(SETTLE)
    assert set(splitter.outboxes) == {"outbox", "signal"} | set(
        splitter._destinations[(b, "inbox")])
    splitter.inboxes["control"].append(producerFinished())
    run_rounds(SETTLE)
    assert a.got == [1] and a.control == [] and not a._isStopped()
    assert b.got == [1, 2] and [type(m) for m in b.control] == [producerFinished]
    a.stop()
    assert run_rounds(SETTLE)


def test_the_same_component_can_be_a_destination_through_two_boxes() -> None:
    class TwoBoxes(Collector):
        Inboxes = ["inbox", "control", "second"]

        def main(self) -> Any:
            yield from super().main()
            self.second = list(self.Inbox("second"))

    sink = TwoBoxes()
    splitter = configured(addsink(sink, "inbox", "control"), addsink(sink, "second"))
    splitter.inboxes["inbox"].extend("xy")
    splitter.inboxes["control"].append(producerFinished())
    start(splitter, sink)
    scheduler.run.runThreads()
    assert sink.got == ["x", "y"] and sink.second == ["x", "y"]


def test_its_own_outbox_gets_copies_only_while_it_leads_to_an_inbox() -> None:
    lonely = configured()
    lonely.inboxes["inbox"].extend([1, 2])
    lonely.inboxes["control"].append(producerFinished())
    lonely.activate()
    scheduler.run.runThreads()
    assert len(lonely.outboxes["outbox"]) == 0          # nothing hoarded

    downstream = Collector()
    linked = configured()
    linked.link((linked, "outbox"), (downstream, "inbox"))
    linked.link((linked, "signal"), (downstream, "control"))
    linked.inboxes["inbox"].extend([1, 2])
    linked.inboxes["control"].append(producerFinished())
    start(linked, downstream)
    scheduler.run.runThreads()
    assert downstream.got == [1, 2]


def test_a_passthrough_2_destination_is_an_outbox_whose_messages_go_where_it_leads() -> None:
    relay, sink = PassThrough(), Collector()
    relay.link((relay, "outbox"), (sink, "inbox"))
    relay.link((relay, "signal"), (sink, "control"))
    splitter = configured(addsink(relay, "outbox", passthrough=2),
                          addsink(relay, sinkbox=None, sinkcontrol="control"))
    splitter.inboxes["inbox"].extend(["straight", "through"])
    splitter.inboxes["control"].append(producerFinished())
    start(splitter, relay, sink)
    scheduler.run.runThreads()
    assert sink.got == ["straight", "through"]
    assert [type(m) for m in sink.control] == [producerFinished]


@pytest.mark.parametrize("message_class", [producerFinished, shutdownMicroprocess])
def test_shutdown_delivers_what_waits_passes_the_message_to_every_control_box_and_ends(
        message_class: type) -> None:
    a, b, watcher = sinks(3)
    splitter = configured(addsink(a, "inbox", "control"), addsink(b, "inbox", "control"))
    splitter.link((splitter, "signal"), (watcher, "control"))
    stop = message_class()
    splitter.inboxes["inbox"].extend(["p", "q"])
    splitter.inboxes["control"].append(stop)
    start(splitter, a, b, watcher)
    scheduler.run.runThreads()
    assert a.got == b.got == ["p", "q"]
    assert a.control == b.control == watcher.control == [stop]
    assert set(splitter.outboxes) == {"outbox", "signal"}
    assert splitter._isStopped()


def test_other_control_messages_are_copied_to_every_control_box(run_rounds: RunRounds) -> None:
    a, watcher = sinks(2)
    splitter = configured(addsink(a, "inbox", "control"))
    splitter.link((splitter, "signal"), (watcher, "control"))
    start(splitter, a, watcher)
    notice = ipc()
    splitter.inboxes["control"].append(notice)
    run_rounds(SETTLE)
    assert a.control == watcher.control == [notice]
    splitter.inboxes["control"].append(shutdownMicroprocess())
    assert run_rounds(SETTLE)


# -------------------------------------------------------------- back-pressure
def slow_sink() -> Collector:
    """A collector whose inbox holds one message at a time."""
    sink = Collector()
    sink.setInboxSize("inbox", 1)
    return sink


def test_a_full_destination_holds_the_splitter_back_and_nothing_is_lost() -> None:
    fast, slow = Collector(), slow_sink()
    splitter = configured(addsink(fast, "inbox", "control"), addsink(slow, "inbox", "control"))
    splitter.inboxes["inbox"].extend(range(30))
    splitter.inboxes["control"].append(producerFinished())
    start(splitter, fast, slow)
    scheduler.run.runThreads()
    assert fast.got == slow.got == list(range(30))


def test_held_back_the_splitter_pauses_and_keeps_later_messages_in_its_inbox(
        run_rounds: RunRounds) -> None:
    stuck = slow_sink()                       # not activated yet: takes nothing
    splitter = configured(addsink(stuck, "inbox", "control"))
    splitter.activate()
    splitter.inboxes["inbox"].extend(["first", "second", "third"])
    run_rounds(SETTLE)
    assert scheduler.run.isThreadPaused(splitter)
    assert list(stuck.inboxes["inbox"]) == ["first"]
    assert splitter.dataReady("inbox") == 1   # "second" is held; "third" still waits
    stuck.activate()
    splitter.inboxes["control"].append(producerFinished())
    assert run_rounds(SETTLE)
    assert stuck.got == ["first", "second", "third"]


def test_shutdownMicroprocess_does_not_wait_for_a_full_destination_and_logs_the_loss(
        caplog: pytest.LogCaptureFixture) -> None:
    stuck = slow_sink()                       # never activated: never takes anything
    splitter = configured(addsink(stuck))
    splitter.inboxes["inbox"].extend(["first", "second", "third"])
    splitter.inboxes["control"].append(shutdownMicroprocess())
    splitter.activate()
    with caplog.at_level(logging.ERROR, logger=LOGGER):
        scheduler.run.runThreads()
    assert splitter._isStopped()
    [record] = errorsLogged(caplog, LOGGER)
    text = record.getMessage()
    assert splitter.name in text and stuck.name in text
    assert "'second'" in text and "1 later message" in text


# ------------------------------------------------------------------ bad input
def test_bad_configuration_messages_are_logged_and_the_splitter_carries_on(
        caplog: pytest.LogCaptureFixture) -> None:
    a, b = sinks(2)
    splitter = configured("add me please", addsink(a, "inbox", "control"), addsink(a),
                          addsink(b, "nosuchbox"), removesink(b))
    splitter.inboxes["inbox"].append("still working")
    splitter.inboxes["control"].append(producerFinished())
    start(splitter, a)
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        scheduler.run.runThreads()
    assert a.got == ["still working"]
    messages = [r.getMessage() for r in caplog.records if r.name == LOGGER]
    assert len(messages) == 4
    assert all(splitter.name in m for m in messages)
    assert "'add me please'" in messages[0]
    assert "already a destination" in messages[1]
    assert "'nosuchbox'" in messages[2] and b.name in messages[2]
    assert "not a destination" in messages[3]
    assert set(splitter.outboxes) == {"outbox", "signal"}


@pytest.mark.parametrize("make,match", [
    (lambda: addsink("not a component"), "'not a component'"),
    (lambda: addsink(component(), 5), "5"),
    (lambda: addsink(component(), "inbox", ""), "''"),
    (lambda: removesink(None), "None"),
])
def test_malformed_requests_raise_TypeError_naming_the_bad_value(
        make: Callable[[], Any], match: str) -> None:
    with pytest.raises(TypeError, match=re.escape(match)):
        make()


@pytest.mark.parametrize("passthrough", [1, 3, True])
def test_addsink_passthrough_must_be_0_or_2(passthrough: Any) -> None:
    with pytest.raises(ValueError, match=re.escape(repr(passthrough))):
        addsink(component(), passthrough=passthrough)


def test_requests_are_small_frozen_values() -> None:
    sink = component()
    request = addsink(sink, "inbox", "control")
    assert request == addsink(sink, "inbox", "control")
    assert (request.sink, request.sinkbox, request.sinkcontrol, request.passthrough) == (
        sink, "inbox", "control", 0)
    with pytest.raises(AttributeError):
        request.sinkbox = "other"      # type: ignore[misc]


# ------------------------------------------------------------ PlugSplitter, Plug
def test_plugs_each_get_everything_from_a_plugsplitters_source() -> None:
    splitter = PlugSplitter(DataSource(list(range(10))))
    first, second = sinks(2)
    Pipeline(Plug(splitter, PassThrough()), first).activate()
    Pipeline(Plug(splitter, PassThrough()), second).activate()
    splitter.run()
    assert first.got == second.got == list(range(10))
    assert [type(m) for m in first.control] == [producerFinished]
    assert [type(m) for m in second.control] == [producerFinished]
    assert splitter.pluggedSource._isStopped()


@pytest.mark.parametrize("message_class", [producerFinished, shutdownMicroprocess])
def test_a_plug_told_to_stop_stops_its_component_and_unplugs_it(
        message_class: type, run_rounds: RunRounds) -> None:
    splitter = PlugSplitter().activate()
    inner, sink = PassThrough(), Collector()
    plug = Plug(splitter, inner)
    Pipeline(plug, sink).activate()
    run_rounds(SETTLE)
    assert list(splitter._destinations) == [(inner, "inbox")]
    stop = message_class()
    plug.inboxes["control"].append(stop)
    run_rounds(SETTLE)
    assert sink.control == [stop]
    assert inner._isStopped() and plug._isStopped()
    assert splitter._destinations == {}
    splitter.inboxes["control"].append(producerFinished())
    assert run_rounds(SETTLE)


def test_a_plug_sits_in_a_pipeline_like_the_component_it_holds() -> None:
    splitter = PlugSplitter()
    inner, sink = PassThrough(), Collector()
    plugged = Pipeline(Plug(splitter, inner), sink)
    assert plugged.inboxes["inbox"].sink is inner.inboxes["inbox"]
    plugged.inboxes["inbox"].append("direct")
    plugged.inboxes["control"].append(producerFinished())
    plugged.activate()
    splitter.inboxes["control"].append(shutdownMicroprocess())
    splitter.activate()
    scheduler.run.runThreads()
    assert sink.got == ["direct"]


@pytest.mark.parametrize("make,match", [
    (lambda: PlugSplitter("source"), "'source'"),
    (lambda: Plug("splitter", component()), "'splitter'"),
    (lambda: Plug(Splitter(), 42), "42"),
    (lambda: Plug(component(), component()), "'configuration'"),
])
def test_bad_arguments_raise_TypeError_naming_them(make: Callable[[], Any],
                                                   match: str) -> None:
    with pytest.raises(TypeError, match=re.escape(match)):
        make()


# ------------------------------------------------------------ 1.14's surface
def test_the_requests_are_ipc_messages() -> None:
    assert isinstance(addsink(component()), ipc)
    assert isinstance(removesink(component()), ipc)


def test_configuration_goes_through_createsink_and_deletesink(run_rounds: RunRounds) -> None:
    calls: list[Any] = []

    class Recording(Splitter):
        def createsink(self, sink: Any, sinkbox: Any = "inbox", passthrough: int = 0,
                       sinkcontrol: Any = None) -> None:
            calls.append(("create", sinkbox, passthrough))
            super().createsink(sink, sinkbox, passthrough, sinkcontrol)

        def deletesink(self, oldsink: Any) -> None:
            calls.append(("delete", oldsink.sinkbox))
            super().deletesink(oldsink)

    a = Collector()
    splitter = Recording()
    splitter.inboxes["configuration"].extend([addsink(a), removesink(a)])
    start(splitter, a)
    run_rounds(SETTLE)
    assert calls == [("create", "inbox", 0), ("delete", "inbox")]
    assert splitter._destinations == {}


def test_createsink_called_directly_adds_a_destination(run_rounds: RunRounds) -> None:
    a = Collector()
    splitter = Splitter()
    splitter.createsink(a, "inbox")
    splitter.inboxes["inbox"].append("hello")
    start(splitter, a)
    run_rounds(SETTLE)
    assert a.got == ["hello"]


def test_a_plugsplitters_own_inbox_and_control_pass_through_to_its_source() -> None:
    source = PassThrough()
    splitter = PlugSplitter(source)
    sink = Collector()
    splitter.inboxes["configuration"].append(addsink(sink, "inbox", "control"))
    assert splitter.inboxes["inbox"].sink is source.inboxes["inbox"]
    splitter.inboxes["inbox"].append("via the source")
    splitter.inboxes["control"].append(producerFinished())
    start(splitter, sink)
    scheduler.run.runThreads()
    assert sink.got == ["via the source"]
    assert [type(m) for m in sink.control] == [producerFinished]
    assert splitter.usingChild and splitter.inboxname == "_inbox"


def test_a_plugsplitter_ends_when_its_source_ends_silently() -> None:
    class Quiet(component):
        def main(self) -> Any:
            self.send("only", "outbox")
            yield 1

    sink = Collector()
    splitter = PlugSplitter(Quiet())
    splitter.inboxes["configuration"].append(addsink(sink, "inbox", "control"))
    start(splitter, sink)
    scheduler.run.runThreads()
    assert sink.got == ["only"] and [type(m) for m in sink.control] == [producerFinished]
    assert splitter.childrenDone()


def test_addSink_and_delSink_are_1_14s_methods(run_rounds: RunRounds) -> None:
    a = Collector()
    splitter = PlugSplitter()
    splitter._addSink(a, "inbox", "control")
    assert list(splitter._destinations) == [(a, "inbox")]
    splitter._delSink(a, "inbox", "control")
    assert splitter._destinations == {}


def test_the_module_lists_its_components() -> None:
    import Kamaelia.Util.Splitter as module
    assert module.__kamaelia_components__ == (Splitter, PlugSplitter, Plug)
