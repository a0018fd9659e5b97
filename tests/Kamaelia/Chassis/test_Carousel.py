"""Tests for Kamaelia.Chassis.Carousel: one child at a time, replaced on request."""

from __future__ import annotations

import gc
import re
import weakref
from typing import Any, Callable, Iterator

import pytest

from Axon.Component import component
from Axon.Ipc import producerFinished, shutdownMicroprocess
from Kamaelia.Chassis.Carousel import Carousel
from Kamaelia.Util.DataSource import DataSource

from chassis_helpers import (SHUTDOWN, Emitter, RunRounds, both_shutdowns, chassisErrors,
                             chassisWarnings, watch)


class Farewell(component):
    """Sends "<label>: <message>" for each message on "inbox"; on a shutdown
    message sends "<label>: bye (<message class>)" and passes it on."""

    def __init__(self, label: str, **argd: Any) -> None:
        super().__init__(**argd)
        self.label = label
        self.control: list[Any] = []

    def main(self) -> Iterator[Any]:
        while True:
            for message in self.Inbox("inbox"):
                self.send(f"{self.label}: {message}", "outbox")
            for message in self.Inbox("control"):
                self.control.append(message)
                if isinstance(message, SHUTDOWN):
                    self.send(f"{self.label}: bye ({type(message).__name__})", "outbox")
                    self.send(message, "signal")
                    return
            self.pause()
            yield 1


class Lingerer(Farewell):
    """A Farewell that ignores producerFinished (it only ends on shutdownMicroprocess)."""

    def main(self) -> Iterator[Any]:
        while True:
            for message in self.Inbox("control"):
                self.control.append(message)
                if isinstance(message, shutdownMicroprocess):
                    self.send(message, "signal")
                    return
            self.pause()
            yield 1


def recording(make: Callable[[Any], Any]) -> tuple[Callable[[Any], Any], list[Any]]:
    """A factory calling ``make(item)``, and the list of children it made."""
    made: list[Any] = []

    def factory(item: Any) -> Any:
        child = make(item)
        made.append(child)
        return child

    return factory, made


def sent(carousel: Carousel, boxname: str) -> list[Any]:
    """What waits in an (unlinked) outbox of ``carousel``."""
    return list(carousel.outboxes[boxname])


def started(run_rounds: RunRounds, carousel: Carousel, *items: Any) -> None:
    """Send each item to "next", running the system after each."""
    carousel.activate()
    for item in items:
        carousel.inboxes["next"].append(item)
        run_rounds(20)


# ---------------------------------------------------------------- children
def test_a_message_on_next_makes_a_child_from_the_factory_with_that_message(
        run_rounds: RunRounds) -> None:
    factory, made = recording(lambda item: Farewell(item["file"]))
    carousel = Carousel(factory)
    started(run_rounds, carousel, {"file": "a.txt"})
    assert [child.label for child in made] == ["a.txt"]
    assert carousel.childComponents() == made and not made[0]._isStopped()


def test_inbox_and_outbox_pass_through_to_the_current_child(run_rounds: RunRounds) -> None:
    carousel = Carousel(Farewell)
    started(run_rounds, carousel, "one")
    carousel.inboxes["inbox"].append("a")
    carousel.inboxes["inbox"].append("b")
    run_rounds(20)
    assert sent(carousel, "outbox") == ["one: a", "one: b"]


def test_a_new_next_shuts_the_old_child_down_and_waits_for_it_before_the_new_one_starts(
        run_rounds: RunRounds) -> None:
    factory, made = recording(Farewell)
    carousel = Carousel(factory)
    started(run_rounds, carousel, "one")
    carousel.inboxes["inbox"].append("a")
    carousel.inboxes["next"].append("two")
    run_rounds(30)
    carousel.inboxes["inbox"].append("b")
    run_rounds(20)
    assert sent(carousel, "outbox") == ["one: a", "one: bye (shutdownMicroprocess)", "two: b"]
    assert [type(m) for m in made[0].control] == [shutdownMicroprocess]
    assert made[0]._isStopped() and carousel.childComponents() == [made[1]]
    assert made[0].outboxes["outbox"].target is None        # unwired


def test_data_arriving_while_there_is_no_child_goes_to_the_next_one(
        run_rounds: RunRounds) -> None:
    factory, made = recording(lambda item: Emitter([item]) if item == "short" else Farewell(item))
    carousel = Carousel(factory)
    started(run_rounds, carousel, "short")
    assert made[0]._isStopped() and carousel.childComponents() == []
    carousel.inboxes["inbox"].append("waited")
    run_rounds(20)
    carousel.inboxes["next"].append("long")
    run_rounds(20)
    assert sent(carousel, "outbox") == ["short", "long: waited"]


def test_next_is_dealt_with_before_a_shutdown_that_arrives_with_it(
        run_rounds: RunRounds) -> None:
    factory, made = recording(Farewell)
    carousel = Carousel(factory).activate()
    carousel.inboxes["next"].append("last")
    carousel.inboxes["control"].append(producerFinished())
    assert run_rounds(50) is True
    assert sent(carousel, "outbox") == ["last: bye (producerFinished)"]


# --------------------------------------------------------------- requestNext
def test_a_child_ending_by_itself_makes_it_request_NEXT_once(run_rounds: RunRounds) -> None:
    carousel = Carousel(lambda item: Emitter([item]))   # signals, then ends
    started(run_rounds, carousel, "x")
    assert sent(carousel, "requestNext") == ["NEXT"]
    assert sent(carousel, "outbox") == ["x"]
    assert not carousel._isStopped()                   # it waits for the next "next"


def test_a_child_ending_without_a_word_also_makes_it_request_NEXT(
        run_rounds: RunRounds) -> None:
    carousel = Carousel(lambda item: DataSource([]))
    started(run_rounds, carousel, "x")
    assert sent(carousel, "requestNext") == ["NEXT"]


class SaysFinishedButLingers(component):
    def main(self) -> Iterator[Any]:
        self.send(producerFinished(self), "signal")
        while not self.dataReady("control"):
            self.pause()
            yield 1


def test_a_child_signalling_it_has_finished_makes_it_request_NEXT_before_it_ends(
        run_rounds: RunRounds) -> None:
    carousel = Carousel(lambda item: SaysFinishedButLingers())
    started(run_rounds, carousel, "x")
    assert sent(carousel, "requestNext") == ["NEXT"]
    assert len(carousel.childComponents()) == 1
    carousel.inboxes["next"].append("y")              # replaces it, no second request
    run_rounds(30)
    assert sent(carousel, "requestNext") == ["NEXT", "NEXT"]


def test_a_child_it_told_to_stop_does_not_make_it_request_NEXT(run_rounds: RunRounds) -> None:
    carousel = Carousel(Farewell)
    started(run_rounds, carousel, "one", "two")
    carousel.inboxes["control"].append(shutdownMicroprocess())
    assert run_rounds(50) is True
    assert sent(carousel, "requestNext") == []


@pytest.mark.parametrize("make1stRequest, expected", [(True, ["NEXT"]), (False, [])])
def test_make1stRequest_asks_for_the_first_child_at_start(
        run_rounds: RunRounds, make1stRequest: bool, expected: list[str]) -> None:
    carousel = Carousel(Farewell, make1stRequest=make1stRequest).activate()
    run_rounds(5)
    assert sent(carousel, "requestNext") == expected


# ----------------------------------------------------------------- shutdown
@both_shutdowns
def test_a_shutdown_goes_to_the_child_then_out_of_signal_and_it_ends(
        run_rounds: RunRounds, kind: type) -> None:
    factory, made = recording(Farewell)
    carousel = Carousel(factory)
    started(run_rounds, carousel, "one")
    message = kind()
    carousel.inboxes["control"].append(message)
    assert run_rounds(50) is True
    assert made[0].control == [message]
    assert sent(carousel, "outbox") == [f"one: bye ({kind.__name__})"]
    assert sent(carousel, "signal") == [message]


@both_shutdowns
def test_a_shutdown_with_no_child_ends_it_at_once(run_rounds: RunRounds, kind: type) -> None:
    carousel = Carousel(Farewell).activate()
    message = kind()
    carousel.inboxes["control"].append(message)
    assert run_rounds(5) is True
    assert sent(carousel, "signal") == [message]


def test_a_later_shutdownMicroprocess_reaches_a_child_finishing_after_producerFinished(
        run_rounds: RunRounds) -> None:
    factory, made = recording(Lingerer)
    carousel = Carousel(factory)
    started(run_rounds, carousel, "slow")
    first = producerFinished()
    carousel.inboxes["control"].append(first)
    assert run_rounds(30) is False                     # the child ignores producerFinished
    carousel.inboxes["control"].append(shutdownMicroprocess())
    assert run_rounds(30) is True
    assert [type(m) for m in made[0].control] == [producerFinished, shutdownMicroprocess]
    assert sent(carousel, "signal") == [first]


# ------------------------------------------------- messages it cannot handle
def test_a_factory_that_raises_is_logged_and_the_current_child_carries_on(
        run_rounds: RunRounds, caplog: pytest.LogCaptureFixture) -> None:
    def factory(item: str) -> component:
        if item == "bad":
            raise KeyError(item)
        return Farewell(item)

    carousel = Carousel(factory)
    started(run_rounds, carousel, "good", "bad")
    carousel.inboxes["inbox"].append("still here")
    run_rounds(20)
    assert sent(carousel, "outbox") == ["good: still here"]
    assert chassisErrors(caplog) == [f"{carousel.name}: componentFactory('bad') raised; "
                                     "item skipped"]
    assert caplog.records[-1].exc_info is not None


class NoSignal(component):
    Outboxes = ["outbox"]


@pytest.mark.parametrize("returned, problem", [
    (lambda: "not me", "which is not a component"),
    (lambda: Farewell("x").activate(), "which has already been activated"),
    (lambda: NoSignal(), "has no outbox 'signal'"),
], ids=["not-a-component", "already-activated", "missing-box"])
def test_a_factory_returning_an_unusable_child_is_logged_and_skipped(
        run_rounds: RunRounds, caplog: pytest.LogCaptureFixture,
        returned: Callable[[], Any], problem: str) -> None:
    carousel = Carousel(lambda item: returned())
    started(run_rounds, carousel, "item")
    assert carousel.childComponents() == []
    [error] = chassisErrors(caplog)
    assert error.startswith(f"{carousel.name}: componentFactory('item') returned ")
    assert problem in error and error.endswith("item skipped")


def test_a_factory_that_is_not_callable_is_refused() -> None:
    with pytest.raises(TypeError, match=re.escape(
            "Carousel needs a callable componentFactory, not 'Farewell'")):
        Carousel("Farewell")


def test_other_control_messages_go_to_the_current_child(run_rounds: RunRounds) -> None:
    factory, made = recording(Farewell)
    carousel = Carousel(factory)
    started(run_rounds, carousel, "one")
    carousel.inboxes["control"].append("status?")
    run_rounds(20)
    assert made[0].control == ["status?"]


def test_a_control_message_with_no_child_to_take_it_is_logged(
        run_rounds: RunRounds, caplog: pytest.LogCaptureFixture) -> None:
    carousel = Carousel(Farewell).activate()
    carousel.inboxes["control"].append("status?")
    run_rounds(5)
    assert chassisErrors(caplog) == [f"{carousel.name}: no running child to pass 'status?' "
                                     "to (it arrived on 'control'); dropped"]


class OddSignaller(component):
    def main(self) -> Iterator[Any]:
        self.send("I am odd", "signal")
        while not self.dataReady("control"):
            self.pause()
            yield 1


def test_a_childs_signal_that_is_no_shutdown_is_logged_as_ignored(
        run_rounds: RunRounds, caplog: pytest.LogCaptureFixture) -> None:
    carousel = Carousel(lambda item: OddSignaller())
    started(run_rounds, carousel, "x")
    assert chassisWarnings(caplog) == [f"{carousel.name}: ignored 'I am odd' from a child's "
                                       "'signal' outbox"]
    assert sent(carousel, "requestNext") == []


def test_data_still_waiting_when_it_ends_is_logged(
        run_rounds: RunRounds, caplog: pytest.LogCaptureFixture) -> None:
    carousel = Carousel(Farewell).activate()
    carousel.inboxes["inbox"].append("orphan")
    carousel.inboxes["control"].append(shutdownMicroprocess())
    assert run_rounds(10) is True
    assert any("'orphan'" in error for error in chassisErrors(caplog))


def test_its_boxes_have_the_1_14_names() -> None:
    assert set(Carousel.Inboxes) == {"inbox", "next", "control", "_control"}
    assert {"outbox", "signal", "requestNext"} <= set(Carousel.Outboxes)


def test_data_sent_with_the_next_item_reaches_the_next_child_not_the_finished_one() -> None:
    from Axon.Component import component
    from Axon.Ipc import producerFinished
    from Kamaelia.Chassis.Carousel import Carousel
    from Kamaelia.Chassis.Graphline import Graphline

    received: list[tuple[str, object]] = []

    class Lingerer(component):
        """Forwards one message, signals it has finished, then lingers a while."""

        def __init__(self, label: str) -> None:
            super().__init__()
            self.label = label

        def main(self):
            while not self.dataReady("inbox"):
                self.pause()
                yield 1
            received.append((self.label, self.recv("inbox")))
            self.send(producerFinished(self), "signal")
            for _ in range(5):            # still alive for a few rounds
                yield 1

    class Driver(component):
        Inboxes = {"inbox": "NEXT requests", "control": "unused"}
        Outboxes = {"outbox": "data", "next": "items", "signal": "unused"}

        def main(self):
            for label in ["first", "second"]:
                self.send(label, "next")
                self.send(f"data for {label}", "outbox")
                while not self.dataReady("inbox"):
                    self.pause()
                    yield 1
                self.recv("inbox")
            self.send(producerFinished(self), "signal")

    Graphline(
        DRIVER=Driver(),
        CAROUSEL=Carousel(Lingerer),
        linkages={("DRIVER", "next"): ("CAROUSEL", "next"),
                  ("DRIVER", "outbox"): ("CAROUSEL", "inbox"),
                  ("CAROUSEL", "requestNext"): ("DRIVER", "inbox"),
                  ("DRIVER", "signal"): ("CAROUSEL", "control")},
    ).run()
    assert received == [("first", "data for first"), ("second", "data for second")]


# ---------------------------------------------------------------- 1.14's methods
def test_main_asks_for_more_through_requestNext_which_a_subclass_may_override(
        run_rounds: RunRounds) -> None:
    class Polite(Carousel):
        def requestNext(self) -> None:
            self.send("MORE PLEASE", "requestNext")

    carousel = Polite(lambda item: Emitter([item]), make1stRequest=True)
    started(run_rounds, carousel, "a")
    assert sent(carousel, "requestNext") == ["MORE PLEASE", "MORE PLEASE"]


def test_checkControl_returns_mustStop_and_pleaseStop() -> None:
    carousel = Carousel(Farewell)
    assert carousel.checkControl() == (None, None)
    finish, stop = producerFinished(), shutdownMicroprocess()
    carousel.inboxes["control"].extend([finish, stop])
    assert carousel.checkControl() == (stop, finish)
    assert carousel.mustStop is stop and carousel.pleaseStop is finish
    assert not carousel.dataReady("control")


def test_shutdownChild_sends_through_signal_to_the_current_child(run_rounds: RunRounds) -> None:
    carousel = Carousel(Farewell)
    started(run_rounds, carousel, "one")
    child = carousel.child
    assert child is not None
    finish = producerFinished()
    carousel.shutdownChild(finish)
    run_rounds(20)
    assert child.control == [finish] and child._isStopped()
    carousel.handleChildTerminations()
    assert carousel.child is None and carousel.childComponents() == []
    carousel.shutdownChild(producerFinished())     # no child: nothing is left waiting
    assert sent(carousel, "_signal") == []


def test_a_subclasss_shutdownChild_is_used_when_the_carousel_stops(
        run_rounds: RunRounds) -> None:
    told: list[Any] = []

    class Recording(Carousel):
        def shutdownChild(self, shutdownMsg: Any) -> None:
            told.append(shutdownMsg)
            super().shutdownChild(shutdownMsg)

    carousel = Recording(Farewell)
    started(run_rounds, carousel, "one", "two")
    stop = shutdownMicroprocess()
    carousel.inboxes["control"].append(stop)
    run_rounds(30)
    assert isinstance(told[0], shutdownMicroprocess) and told[0] is not stop   # replacing one
    assert told[1] is stop and carousel._isStopped()


def test_instantiateNewChild_makes_wires_and_activates_a_child(run_rounds: RunRounds) -> None:
    carousel = Carousel(Farewell).activate()
    child = carousel.instantiateNewChild("solo")
    assert child is not None and child.scheduler is not None
    carousel.inboxes["inbox"].append("hi")
    run_rounds(20)
    assert sent(carousel, "outbox") == ["solo: hi"]


def test_instantiateNewChild_logs_and_returns_None_when_the_factory_fails(
        caplog: pytest.LogCaptureFixture) -> None:
    def broken(item: Any) -> Any:
        raise RuntimeError("no")

    carousel = Carousel(broken)
    assert carousel.instantiateNewChild("x") is None
    assert any("componentFactory('x') raised" in e for e in chassisErrors(caplog))


def test_factory_is_1_14s_name_for_componentFactory() -> None:
    import Kamaelia.Chassis.Carousel as module
    carousel = Carousel(Farewell)
    assert carousel.factory is Farewell
    assert module.__kamaelia_components__ == (Carousel,)


class Item:
    """A weak-referenceable item for "next"."""


def test_an_item_and_its_finished_child_are_not_kept_while_the_carousel_waits(
        run_rounds: RunRounds) -> None:
    made: list[weakref.ref[Any]] = []

    def factory(item: Item) -> component:
        child = Emitter([item])               # sends the item on, then ends
        made.append(weakref.ref(child))
        return child

    carousel = Carousel(factory).activate()
    watcher = watch(carousel)
    item = Item()
    ref = weakref.ref(item)
    carousel.inboxes["next"].append(item)
    del item
    run_rounds(30)
    assert len(watcher.got) == 1 and carousel.child is None
    watcher.got.clear()
    gc.collect()
    assert ref() is None and made[0]() is None
