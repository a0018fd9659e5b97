"""Tests for Kamaelia.Util.Fanout: copy every message to several named outboxes."""

from __future__ import annotations

import logging
import re
from typing import Any, Callable

import pytest

from Axon.Ipc import producerFinished, shutdownMicroprocess
from componentharness import Collector
from Kamaelia.Util.Fanout import Fanout

RunRounds = Callable[[int], bool]
SETTLE = 30


def fan_out(run_rounds: RunRounds, boxnames: list[str], inbox: list[Any],
            control: list[Any]) -> tuple[Fanout, dict[str, Collector], Collector]:
    """Run a Fanout with a Collector per named outbox (each ended by the test once
    the Fanout has ended: Fanout passes shutdown on out of "signal" only)."""
    target, signal = Fanout(boxnames), Collector()
    sinks = {name: Collector() for name in boxnames}
    for name, sink in sinks.items():
        target.link((target, name), (sink, "inbox"))
    target.link((target, "signal"), (signal, "control"))
    target.inboxes["inbox"].extend(inbox)
    target.inboxes["control"].extend(control)
    for each in (target, signal, *sinks.values()):
        each.activate()
    run_rounds(SETTLE)
    assert target._isStopped()
    for sink in sinks.values():
        sink.inboxes["control"].append(producerFinished())
    assert run_rounds(SETTLE)
    return target, sinks, signal


def test_every_message_goes_out_of_each_named_outbox_in_order(run_rounds: RunRounds) -> None:
    _, sinks, _ = fan_out(run_rounds, ["a", "b", "c"], list(range(10)), [producerFinished()])
    for sink in sinks.values():
        assert sink.got == list(range(10))


def test_it_has_the_named_outboxes_and_1_14s_outbox_and_signal() -> None:
    assert set(Fanout(["x", "outbox"]).outboxes) == {"x", "outbox", "signal"}
    assert set(Fanout([]).outboxes) == {"outbox", "signal"}


def test_its_outbox_gets_copies_too_while_linked_as_in_1_14(run_rounds: RunRounds) -> None:
    sink, side = Collector(), Collector()
    fan = Fanout(["side"])
    fan.link((fan, "side"), (side, "inbox"))
    fan.link((fan, "outbox"), (sink, "inbox"))
    fan.inboxes["inbox"].extend(["a", "b"])
    for each in (fan, sink, side):
        each.activate()
    run_rounds(30)
    assert sink.got == ["a", "b"] and side.got == ["a", "b"]


def test_an_unlinked_outbox_hoards_nothing(run_rounds: RunRounds) -> None:
    fan = Fanout(["x"])
    sink = Collector()
    fan.link((fan, "x"), (sink, "inbox"))
    fan.inboxes["inbox"].extend([1, 2])
    fan.activate()
    sink.activate()
    run_rounds(30)
    assert sink.got == [1, 2] and len(fan.outboxes["outbox"]) == 0


def test_fanout_is_1_14s_old_name() -> None:
    import Kamaelia.Util.Fanout as module
    assert module.fanout is Fanout and module.__kamaelia_components__ == (Fanout,)


@pytest.mark.parametrize("message_class", [producerFinished, shutdownMicroprocess])
def test_shutdown_sends_what_waits_then_passes_the_message_out_of_signal_only(
        message_class: type, run_rounds: RunRounds) -> None:
    stop = message_class()
    target, sinks, signal = fan_out(run_rounds, ["a", "b"], ["p", "q"], [stop])
    assert signal.control == [stop]
    for sink in sinks.values():
        assert sink.got == ["p", "q"]
        assert [type(m) for m in sink.control] == [producerFinished]   # sent by the test
    assert target._isStopped()


def test_other_control_messages_are_logged_and_ignored(
        run_rounds: RunRounds, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        target, sinks, signal = fan_out(run_rounds, ["a"], ["p"], ["just chatting", producerFinished()])
    assert sinks["a"].got == ["p"]
    assert [type(m) for m in signal.control] == [producerFinished]
    assert any("just chatting" in r.getMessage() and target.name in r.getMessage()
               for r in caplog.records)


@pytest.mark.parametrize("boxnames,error,match", [
    ("ab", TypeError, "'ab'"),
    (None, TypeError, "None"),
    ([3], TypeError, "3"),
    ([""], TypeError, "''"),
    (["a", "a"], ValueError, "['a', 'a']"),
    (["signal"], ValueError, "'signal'"),
])
def test_bad_boxnames_raise_naming_the_bad_value(boxnames: Any, error: type,
                                                 match: str) -> None:
    with pytest.raises(error, match=re.escape(match)):
        Fanout(boxnames)
