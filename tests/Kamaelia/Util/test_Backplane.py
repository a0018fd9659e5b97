"""Tests for Kamaelia.Util.Backplane: Backplane, PublishTo and SubscribeTo."""

from __future__ import annotations

import logging
import re
from typing import Any, Callable, Iterator

import pytest

from Axon.AxonExceptions import ServiceAlreadyExists
from Axon.CoordinatingAssistantTracker import coordinatingassistanttracker
from Axon.Ipc import ipc, producerFinished, shutdownMicroprocess
from Axon.Scheduler import scheduler
from componentharness import Collector
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.Util.Backplane import (Backplane, BackplaneNotFound, PublishTo, SubscribeTo,
                                     publishTo, subscribeTo)
from Kamaelia.Util.DataSource import DataSource
from Kamaelia.Util.Splitter import Plug, PlugSplitter

RunRounds = Callable[[int], bool]
SETTLE = 30     # scheduler rounds after which a quiet system has surely settled


@pytest.fixture(autouse=True)
def no_leftover_backplanes() -> Iterator[None]:
    """Deregister whatever backplane services a test leaves registered."""
    cat = coordinatingassistanttracker.getcat()
    before = set(cat.servicesRegistered())
    yield
    for service in set(cat.servicesRegistered()) - before:
        cat.deRegisterService(service)


def subscriber(name: str) -> Collector:
    """A Collector fed by SubscribeTo(name), both activated (subscribed on first run);
    the SubscribeTo is the collector's ``subscription``."""
    sink = Collector()
    sink.subscription = SubscribeTo(name)
    Pipeline(sink.subscription, sink).activate()
    return sink


def publisher(name: str, messages: list[Any], closes: Backplane | None = None) -> Pipeline:
    """DataSource(messages) -> PublishTo(name), activated; its end may close ``closes``."""
    pipe = Pipeline(DataSource(messages), PublishTo(name))
    if closes is not None:
        pipe.link((pipe, "signal"), (closes, "control"))
    return pipe.activate()


def services(name: str) -> list[str]:
    cat = coordinatingassistanttracker.getcat()
    return [s for s in cat.servicesRegistered() if s.endswith("_" + name)]


# ------------------------------------------------------------ publish/subscribe
def test_every_subscriber_gets_everything_published_in_order() -> None:
    backplane = Backplane("news").activate()
    first, second = subscriber("news"), subscriber("news")
    publisher("news", list(range(50)), closes=backplane)
    scheduler.run.runThreads()
    assert first.got == list(range(50))
    assert second.got == list(range(50))


def test_messages_from_several_publishers_all_arrive_each_in_its_order() -> None:
    backplane = Backplane("chat").activate()
    sink = subscriber("chat")
    publisher("chat", [("a", i) for i in range(10)])
    publisher("chat", [("b", i) for i in range(10)], closes=backplane)
    scheduler.run.runThreads()
    assert [m for m in sink.got if m[0] == "a"] == [("a", i) for i in range(10)]
    assert [m for m in sink.got if m[0] == "b"] == [("b", i) for i in range(10)]


def test_messages_sent_to_the_backplane_itself_are_published_and_its_end_closes_it() -> None:
    sink = subscriber("direct")
    Pipeline(DataSource(["x", "y"]), Backplane("direct")).run()
    assert sink.got == ["x", "y"]
    assert [type(m) for m in sink.control] == [producerFinished]


def test_subscribers_may_join_and_leave_while_messages_flow(run_rounds: RunRounds) -> None:
    backplane = Backplane("room").activate()
    early = subscriber("room")
    run_rounds(SETTLE)                           # subscribed
    publish = PublishTo("room").activate()
    publish.inboxes["inbox"].extend(["m1", "m2"])
    run_rounds(SETTLE)
    late = subscriber("room")
    run_rounds(SETTLE)
    publish.inboxes["inbox"].append("m3")
    run_rounds(SETTLE)
    bye = shutdownMicroprocess()
    early.subscription.inboxes["control"].append(bye)
    publish.inboxes["inbox"].append("m4")
    run_rounds(SETTLE)
    assert early.subscription._isStopped() and early.control == [bye]
    publish.inboxes["control"].append(producerFinished())
    backplane.inboxes["control"].append(producerFinished())
    assert run_rounds(SETTLE)
    assert early.got == ["m1", "m2", "m3"]
    assert late.got == ["m3", "m4"]


def test_a_subscriber_made_after_messages_were_published_sees_only_later_ones(
        run_rounds: RunRounds) -> None:
    backplane = Backplane("late").activate()
    publish = PublishTo("late").activate()
    publish.inboxes["inbox"].append("before")
    run_rounds(SETTLE)
    sink = subscriber("late")
    publish.inboxes["inbox"].append("after")
    publish.inboxes["control"].append(producerFinished())
    run_rounds(SETTLE)
    backplane.inboxes["control"].append(shutdownMicroprocess())
    assert run_rounds(SETTLE)
    assert sink.got == ["after"]


# --------------------------------------------------------------------- shutdown
@pytest.mark.parametrize("message_class", [producerFinished, shutdownMicroprocess])
def test_closing_the_backplane_delivers_what_was_published_then_ends_every_subscriber(
        message_class: type, run_rounds: RunRounds) -> None:
    backplane = Backplane("closing")
    signal = Collector()
    backplane.link((backplane, "signal"), (signal, "control"))
    first, second = subscriber("closing"), subscriber("closing")
    backplane.activate()
    signal.activate()
    run_rounds(SETTLE)                           # subscribed
    stop = message_class()
    backplane.inboxes["inbox"].extend(["last", "words"])
    backplane.inboxes["control"].append(stop)
    assert run_rounds(SETTLE)
    assert first.got == second.got == ["last", "words"]
    assert first.control == second.control == signal.control == [stop]
    assert first.subscription._isStopped() and second.subscription._isStopped()
    assert backplane._isStopped() and backplane.splitter._isStopped()
    assert services("closing") == []
    Backplane("closing")                         # the name is free again


def test_a_backplane_registers_1_14_service_names_for_its_splitter() -> None:
    backplane = Backplane("names")
    cat = coordinatingassistanttracker.getcat()
    assert cat.retrieveService("Backplane_I_names") == (backplane.splitter, "inbox")
    assert cat.retrieveService("Backplane_O_names") == (backplane.splitter, "configuration")
    assert isinstance(backplane.splitter, PlugSplitter)


def test_a_1_14_style_plug_into_the_registered_splitter_receives_messages() -> None:
    backplane = Backplane("oldstyle").activate()
    splitter, _ = coordinatingassistanttracker.getcat().retrieveService("Backplane_O_oldstyle")
    sink = Collector()
    Plug(splitter, sink).activate()
    publisher("oldstyle", [1, 2, 3], closes=backplane)
    scheduler.run.runThreads()
    assert sink.got == [1, 2, 3]
    assert [type(m) for m in sink.control] == [producerFinished]


def test_stopping_a_backplane_abruptly_deregisters_it_and_stops_its_hub(
        run_rounds: RunRounds) -> None:
    backplane = Backplane("abrupt").activate()
    run_rounds(SETTLE)
    assert not backplane.splitter._isStopped()
    backplane.stop()
    assert run_rounds(SETTLE)
    assert backplane.splitter._isStopped()
    assert services("abrupt") == []


@pytest.mark.parametrize("message_class", [producerFinished, shutdownMicroprocess])
def test_a_publisher_told_to_stop_passes_the_message_on_and_the_backplane_carries_on(
        message_class: type, run_rounds: RunRounds) -> None:
    backplane = Backplane("stays").activate()
    sink = subscriber("stays")
    run_rounds(SETTLE)
    quitter, stayer = PublishTo("stays"), PublishTo("stays").activate()
    signal = Collector()
    quitter.link((quitter, "signal"), (signal, "control"))
    stop = message_class()
    quitter.inboxes["inbox"].append("from quitter")
    quitter.inboxes["control"].append(stop)
    quitter.activate()
    signal.activate()
    run_rounds(SETTLE)
    assert quitter._isStopped() and signal.control == [stop]
    stayer.inboxes["inbox"].append("from stayer")
    stayer.inboxes["control"].append(producerFinished())
    run_rounds(SETTLE)
    backplane.inboxes["control"].append(producerFinished())
    assert run_rounds(SETTLE)
    assert sink.got == ["from quitter", "from stayer"]


@pytest.mark.parametrize("message_class", [producerFinished, shutdownMicroprocess])
def test_a_subscriber_told_to_stop_unsubscribes_and_passes_the_message_on(
        message_class: type, run_rounds: RunRounds) -> None:
    backplane = Backplane("unsub").activate()
    sink = subscriber("unsub")
    run_rounds(SETTLE)
    assert len(backplane.splitter._destinations) == 1
    stop = message_class()
    sink.subscription.inboxes["control"].append(stop)
    run_rounds(SETTLE)
    assert sink.control == [stop] and sink.subscription._isStopped()
    assert backplane.splitter._destinations == {}
    backplane.inboxes["control"].append(producerFinished())
    assert run_rounds(SETTLE)


def test_other_control_messages_sent_to_a_backplane_reach_subscribers_downstream(
        run_rounds: RunRounds) -> None:
    backplane = Backplane("notices").activate()
    sink = subscriber("notices")
    run_rounds(SETTLE)
    notice = ipc()
    backplane.inboxes["control"].append(notice)
    run_rounds(SETTLE)
    assert sink.control == [notice] and not sink._isStopped()
    backplane.inboxes["control"].append(shutdownMicroprocess())
    assert run_rounds(SETTLE)


# ----------------------------------------------------------------- bad input
def test_a_second_backplane_of_the_same_name_raises_and_leaves_the_first_alone() -> None:
    first = Backplane("twice")
    with pytest.raises(ServiceAlreadyExists, match="'twice'"):
        Backplane("twice")
    cat = coordinatingassistanttracker.getcat()
    assert cat.retrieveService("Backplane_I_twice")[0] is first.splitter
    assert cat.retrieveService("Backplane_O_twice")[0] is first.splitter


@pytest.mark.parametrize("make", [PublishTo, SubscribeTo])
def test_publishing_or_subscribing_to_an_unknown_backplane_raises_naming_it(
        make: Callable[[str], Any]) -> None:
    make("nowhere").activate()
    with pytest.raises(BackplaneNotFound, match=re.escape(
            "no Backplane named 'nowhere' (service 'Backplane_")):
        scheduler.run.runThreads()


def test_BackplaneNotFound_is_a_KeyError_as_1_14_code_expects() -> None:
    assert issubclass(BackplaneNotFound, KeyError)


@pytest.mark.parametrize("make", [Backplane, PublishTo, SubscribeTo])
@pytest.mark.parametrize("bad,error", [(3, TypeError), (None, TypeError), ("", ValueError)])
def test_a_bad_backplane_name_raises_naming_it(make: Callable[[Any], Any], bad: Any,
                                               error: type) -> None:
    with pytest.raises(error, match=re.escape(repr(bad))):
        make(bad)


def test_what_arrives_on_a_subscribers_inbox_comes_out_of_its_outbox_as_in_1_14(
        run_rounds: RunRounds) -> None:
    backplane = Backplane("inbox").activate()
    sink = subscriber("inbox")
    run_rounds(SETTLE)
    sink.subscription.inboxes["inbox"].append("local")
    run_rounds(SETTLE)
    publish = PublishTo("inbox").activate()
    publish.inboxes["inbox"].append("published")
    publish.inboxes["control"].append(producerFinished())
    run_rounds(SETTLE)
    backplane.inboxes["control"].append(producerFinished())
    assert run_rounds(SETTLE)
    assert sink.got == ["local", "published"]


def test_a_forwarding_publisher_also_passes_what_it_publishes_on(
        run_rounds: RunRounds) -> None:
    backplane = Backplane("relay").activate()
    subscribed = subscriber("relay")
    run_rounds(SETTLE)
    passedOn = Collector()
    Pipeline(DataSource(["a", "b"]), PublishTo("relay", forwarder=True), passedOn).activate()
    run_rounds(SETTLE)
    assert passedOn.got == ["a", "b"]
    assert [type(m) for m in passedOn.control] == [producerFinished]
    backplane.inboxes["control"].append(producerFinished())
    assert run_rounds(SETTLE)
    assert subscribed.got == ["a", "b"]


def test_a_plain_publisher_sends_nothing_out_of_its_outbox(run_rounds: RunRounds) -> None:
    backplane = Backplane("plain").activate()
    passedOn = Collector()
    Pipeline(DataSource(["a"]), PublishTo("plain"), passedOn).activate()
    run_rounds(SETTLE)
    assert passedOn.got == [] and PublishTo.forwarder is False
    backplane.inboxes["control"].append(producerFinished())
    assert run_rounds(SETTLE)


def test_a_publisher_passes_every_control_message_on_as_in_1_14(
        run_rounds: RunRounds) -> None:
    backplane = Backplane("chatty").activate()
    publish = PublishTo("chatty")
    signal = Collector()
    publish.link((publish, "signal"), (signal, "control"))
    notice, stop = ipc(), producerFinished()
    publish.inboxes["control"].extend([notice, stop])
    publish.activate()
    signal.activate()
    run_rounds(SETTLE)
    assert signal.control == [notice, stop] and publish._isStopped()
    backplane.inboxes["control"].append(producerFinished())
    assert run_rounds(SETTLE)


def test_childrenDone_says_whether_the_hub_has_ended(run_rounds: RunRounds) -> None:
    backplane = Backplane("kids").activate()
    run_rounds(SETTLE)
    assert backplane.childrenDone() is False
    backplane.inboxes["control"].append(producerFinished())
    assert run_rounds(SETTLE)
    assert backplane.childrenDone() is True
    assert SubscribeTo("kids").childrenDone() is True


def test_the_module_lists_its_components() -> None:
    import Kamaelia.Util.Backplane as module
    assert module.__kamaelia_components__ == (Backplane, PublishTo, SubscribeTo)


def test_publishing_after_the_backplane_ended_is_logged_as_an_error(
        run_rounds: RunRounds, caplog: pytest.LogCaptureFixture) -> None:
    backplane = Backplane("gone").activate()
    publish = PublishTo("gone").activate()
    run_rounds(SETTLE)
    backplane.inboxes["control"].append(shutdownMicroprocess())
    run_rounds(SETTLE)
    assert backplane._isStopped()
    publish.inboxes["inbox"].append("into the void")
    with caplog.at_level(logging.ERROR, logger="Kamaelia.Util.Backplane"):
        run_rounds(SETTLE)
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1
    assert publish.name in errors[0] and "'gone'" in errors[0]
    assert "'into the void'" in errors[0]
    publish.inboxes["control"].append(producerFinished())
    assert run_rounds(SETTLE)


def test_the_1_14_lower_case_names_are_the_same_classes() -> None:
    assert publishTo is PublishTo and subscribeTo is SubscribeTo
