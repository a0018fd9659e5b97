"""Back-pressure in the components that copy each message out of several
outboxes (Kamaelia.Util._copying): PassThrough, TwoWaySplitter and Fanout."""

from __future__ import annotations

import logging
from typing import Callable

import pytest

from Axon.Component import component
from Axon.Ipc import producerFinished, shutdownMicroprocess
from Axon.Scheduler import scheduler
from componentharness import Collector, errorsLogged
from Kamaelia.Util.Fanout import Fanout
from Kamaelia.Util.PassThrough import PassThrough
from Kamaelia.Util.TwoWaySplitter import TwoWaySplitter

RunRounds = Callable[[int], bool]
ROUNDS = 200        # ample for 25 messages squeezed through a one-message inbox

#: Each maker returns a component and the names of its data outboxes.
MAKERS: dict[str, Callable[[], tuple[component, list[str]]]] = {
    "PassThrough": lambda: (PassThrough(), ["outbox"]),
    "TwoWaySplitter": lambda: (TwoWaySplitter(), ["outbox", "outbox2"]),
    "Fanout": lambda: (Fanout(["left", "right"]), ["left", "right"]),
}


def wired(name: str, stuck: bool = False) -> tuple[component, list[Collector], Collector]:
    """The component, a Collector per data outbox (the last holding one message
    at a time; never run if ``stuck``) and a Collector on its "signal"."""
    target, outboxes = MAKERS[name]()
    sinks = [Collector() for _ in outboxes]
    sinks[-1].setInboxSize("inbox", 1)
    for outbox, sink in zip(outboxes, sinks):
        target.link((target, outbox), (sink, "inbox"))
    signal = Collector()
    target.link((target, "signal"), (signal, "control"))
    for each in [target, signal, *sinks[:-1]] + ([] if stuck else sinks[-1:]):
        each.activate()
    return target, sinks, signal


@pytest.mark.parametrize("name", MAKERS)
def test_a_full_destination_holds_it_back_and_nothing_is_lost(
        name: str, run_rounds: RunRounds) -> None:
    target, sinks, signal = wired(name)
    target.inboxes["inbox"].extend(range(25))
    target.inboxes["control"].append(producerFinished())
    run_rounds(ROUNDS)
    for sink in sinks:
        assert sink.got == list(range(25))
    assert [type(m) for m in signal.control] == [producerFinished]
    assert target._isStopped()


@pytest.mark.parametrize("name", MAKERS)
def test_held_back_it_pauses_and_later_messages_wait_in_its_inbox(
        name: str, run_rounds: RunRounds) -> None:
    target, sinks, _ = wired(name, stuck=True)
    target.inboxes["inbox"].extend(["first", "second", "third"])
    run_rounds(ROUNDS)
    assert scheduler.run.isThreadPaused(target)
    assert list(sinks[-1].inboxes["inbox"]) == ["first"]
    assert target.dataReady("inbox") == 1          # "second" is held, "third" waits
    sinks[-1].activate()                           # the slow consumer starts taking
    target.inboxes["control"].append(producerFinished())
    run_rounds(ROUNDS)
    assert sinks[-1].got == ["first", "second", "third"]
    assert target._isStopped()


@pytest.mark.parametrize("name", MAKERS)
def test_shutdownMicroprocess_does_not_wait_for_room_and_logs_what_was_lost(
        name: str, run_rounds: RunRounds, caplog: pytest.LogCaptureFixture) -> None:
    target, sinks, signal = wired(name, stuck=True)
    target.inboxes["inbox"].extend(["first", "second", "third"])
    stop = shutdownMicroprocess()
    target.inboxes["control"].append(stop)
    logger = type(target).__module__
    with caplog.at_level(logging.ERROR, logger=logger):
        run_rounds(ROUNDS)
    assert target._isStopped() and signal.control == [stop]
    [record] = errorsLogged(caplog, logger)
    text = record.getMessage()
    assert target.name in text and sinks[-1].name in text
    assert "'second'" in text and "1 later message" in text


@pytest.mark.parametrize("name", MAKERS)
def test_shutdownMicroprocess_while_waiting_to_finish_stops_it_at_once(
        name: str, run_rounds: RunRounds, caplog: pytest.LogCaptureFixture) -> None:
    target, sinks, signal = wired(name, stuck=True)
    target.inboxes["inbox"].extend(["first", "second"])
    target.inboxes["control"].append(producerFinished())
    run_rounds(ROUNDS)
    assert not target._isStopped()                 # waiting for room to finish
    stop = shutdownMicroprocess()
    target.inboxes["control"].append(stop)
    with caplog.at_level(logging.ERROR):
        run_rounds(ROUNDS)
    assert target._isStopped()
    assert signal.control == [stop]                # the stronger request wins
    assert len(errorsLogged(caplog, type(target).__module__)) == 1


def test_with_no_limited_destination_what_waits_goes_to_each_in_turn_and_in_order(
        run_rounds: RunRounds) -> None:
    # The by-destination path: many messages waiting, many outboxes, no
    # size limit anywhere, so each destination gets the whole batch at once.
    names = [f"out{i}" for i in range(50)]
    fan = Fanout(names)
    sinks = [Collector() for _ in names]
    for name, sink in zip(names, sinks):
        fan.link((fan, name), (sink, "inbox"))
    order: list[str] = []
    originalSend = fan.send

    def recordingSend(message: object, boxname: str = "outbox") -> None:
        order.append(boxname)
        originalSend(message, boxname)

    fan.send = recordingSend            # type: ignore[method-assign]
    for each in [fan, *sinks]:
        each.activate()
    fan.inboxes["inbox"].extend(range(30))
    run_rounds(20)
    assert all(sink.got == list(range(30)) for sink in sinks)
    assert order[:30] == ["out0"] * 30 and order[30:60] == ["out1"] * 30


def test_one_limited_destination_keeps_the_message_by_message_path(
        run_rounds: RunRounds) -> None:
    fan = Fanout(["a", "b"])
    free, limited = Collector(), Collector()
    limited.setInboxSize("inbox", 2)
    fan.link((fan, "a"), (free, "inbox"))
    fan.link((fan, "b"), (limited, "inbox"))
    fan.activate()
    free.activate()                     # "limited" never runs: its inbox fills
    fan.inboxes["inbox"].extend(range(10))
    run_rounds(20)
    # Held back at the third message: "a" got only what "b" could take, plus
    # the held one, and the rest wait in the Fanout's inbox.
    assert free.got == [0, 1, 2] and list(limited.inboxes["inbox"]) == [0, 1]
    assert list(fan.inboxes["inbox"]) == list(range(3, 10))
