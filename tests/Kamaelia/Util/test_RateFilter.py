"""Tests for Kamaelia.Util.RateFilter: rate limits and request controllers.

Timing is tested through a fake clock (``timefunc=``), stepping the
scheduler by hand and waking the component after moving the clock, so no
test depends on how long anything takes.
"""

from __future__ import annotations

import logging
import math
import re
from typing import Any, Callable

import pytest

from Axon.Ipc import producerFinished, shutdownMicroprocess
from Axon.Scheduler import scheduler
from componentharness import (Collector, FakeClock, assertShutdownPassesOn,
                              assertUnexpectedControlIgnored, attach, run)
from Kamaelia.Util.PromptedTurnstile import PromptedTurnstile
from Kamaelia.Util.RateFilter import (ByteRate_RequestControl, MessageRateLimit,
                                      OnDemandLimit, VariableByteRate_RequestControl)

Rounds = Callable[[int], bool]
LOGGER = "Kamaelia.Util.RateFilter"


def later(time: FakeClock, seconds: float, target: Any, run_rounds: Rounds) -> None:
    """Move the fake clock on, wake ``target`` as its timer would, and run."""
    time.advance(seconds)
    target.unpause()
    run_rounds(10)


# ------------------------------------------------------------ MessageRateLimit
def limiter(time: FakeClock, rate: float = 4, buffer: int = 0) -> tuple[MessageRateLimit,
                                                                         Collector]:
    limit = MessageRateLimit(rate, buffer=buffer, timefunc=time)
    return limit, attach(limit)


def test_ratelimit_sends_the_first_message_at_once_and_holds_the_rest(
        run_rounds: Rounds) -> None:
    limit, sink = limiter(FakeClock())
    limit.inboxes["inbox"].extend(range(10))
    run_rounds(20)
    assert sink.got == [0]
    assert scheduler.run.isThreadPaused(limit)      # waiting for its deadline


def test_ratelimit_has_1_14s_interval_and_hardlimit() -> None:
    limit = MessageRateLimit(10)
    assert limit.interval == pytest.approx(1 / 11) and MessageRateLimit.hardlimit == 0


def test_ratelimit_hardlimit_limits_its_inbox(run_rounds: Rounds) -> None:
    class Held(MessageRateLimit):
        hardlimit = 3

    limit = Held(4, buffer=0, timefunc=FakeClock())
    attach(limit)
    run_rounds(5)
    assert limit.inboxes["inbox"].getSize() == 3


def test_ratelimit_buffers_only_once_at_the_start_as_1_14(run_rounds: Rounds) -> None:
    time = FakeClock()
    limit, sink = limiter(time, rate=4, buffer=2)
    limit.inboxes["inbox"].extend(["a", "b"])
    run_rounds(10)
    later(time, 1, limit, run_rounds)
    assert sink.got == ["a", "b"]
    limit.inboxes["inbox"].append("c")              # one message, below the buffer
    later(time, 1, limit, run_rounds)
    assert sink.got == ["a", "b", "c"]


def test_ratelimit_lets_one_more_through_per_interval(run_rounds: Rounds) -> None:
    time = FakeClock()
    limit, sink = limiter(time, rate=4)             # one every 1/4.4 s
    limit.inboxes["inbox"].extend(range(10))
    run_rounds(10)
    for sent in range(2, 6):
        later(time, 0.2, limit, run_rounds)
        assert len(sink.got) == sent - 1            # not yet due
        later(time, 0.05, limit, run_rounds)
        assert sink.got == list(range(sent))


def test_ratelimit_never_exceeds_the_rate_in_any_span(run_rounds: Rounds) -> None:
    time, start = FakeClock(), FakeClock().now
    limit, sink = limiter(time, rate=4)
    limit.inboxes["inbox"].extend(range(40))
    run_rounds(10)
    for step in [0.01, 0.3, 0.07, 0.5, 0.24, 0.26, 1.0, 0.001, 0.249, 0.6] * 3:
        later(time, step, limit, run_rounds)
        assert len(sink.got) <= math.floor((time.now - start) * 4) + 1
    assert sink.got == list(range(len(sink.got)))  # in order, none lost
    # Each of the 15 steps of 0.25 s or more makes one more message due.
    assert len(sink.got) >= 16


def test_ratelimit_waits_for_the_buffer_to_fill(run_rounds: Rounds) -> None:
    limit, sink = limiter(FakeClock(), buffer=3)
    limit.inboxes["inbox"].extend(["a", "b"])
    run_rounds(10)
    assert sink.got == []
    assert scheduler.run.isThreadPaused(limit)
    limit.inboxes["inbox"].append("c")
    run_rounds(10)
    assert sink.got == ["a"]


def test_ratelimit_starts_when_its_inbox_is_full_even_below_the_buffer(
        run_rounds: Rounds) -> None:
    limit, sink = limiter(FakeClock(), buffer=60)
    limit.setInboxSize("inbox", 2)
    limit.inboxes["inbox"].extend(["a", "b"])
    run_rounds(10)
    assert sink.got == ["a"]


def test_ratelimit_keeps_its_spacing_across_bursts(run_rounds: Rounds) -> None:
    time = FakeClock()
    limit, sink = limiter(time, rate=4)
    limit.inboxes["inbox"].append("first")
    run_rounds(10)
    later(time, 0.1, limit, run_rounds)
    limit.inboxes["inbox"].append("second")         # a new burst, 0.1 s later
    run_rounds(10)
    assert sink.got == ["first"]
    later(time, 0.15, limit, run_rounds)
    assert sink.got == ["first", "second"]


def test_ratelimit_on_producerFinished_sends_what_waits_at_the_rate_then_passes_it_on(
        run_rounds: Rounds) -> None:
    time = FakeClock()
    limit, sink = limiter(time, buffer=60)
    finished = producerFinished()
    limit.inboxes["inbox"].extend(["a", "b", "c"])
    limit.inboxes["control"].append(finished)
    run_rounds(10)
    assert sink.got == ["a"] and sink.control == []
    later(time, 0.25, limit, run_rounds)
    later(time, 0.25, limit, run_rounds)
    assert sink.got == ["a", "b", "c"]
    assert sink.control == [finished]
    assert limit._isStopped()


def test_ratelimit_on_shutdownMicroprocess_stops_at_once_reporting_unsent(
        run_rounds: Rounds, caplog: pytest.LogCaptureFixture) -> None:
    limit, sink = limiter(FakeClock())
    stop = shutdownMicroprocess()
    limit.inboxes["inbox"].extend(["a", "b", "c"])
    run_rounds(10)
    limit.inboxes["control"].append(stop)
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        assert run_rounds(10)
    assert sink.got == ["a"]
    assert sink.control == [stop]
    assert any(limit.name in r.getMessage() and "2 message(s)" in r.getMessage()
               for r in caplog.records)


def test_ratelimit_passes_everything_in_order_in_real_time() -> None:
    sink = run(MessageRateLimit(2000, buffer=5), range(30), [producerFinished()])
    assert sink.got == list(range(30))


@pytest.mark.parametrize("argd,error,text", [
    ({"messages_per_second": 0}, ValueError, "0"),
    ({"messages_per_second": -3}, ValueError, "-3"),
    ({"messages_per_second": "10"}, TypeError, "'10'"),
    ({"messages_per_second": float("inf")}, ValueError, "inf"),
    ({"buffer": -1}, ValueError, "-1"),
    ({"buffer": 2.5}, TypeError, "2.5"),
    ({"timefunc": "now"}, TypeError, "'now'"),
])
def test_ratelimit_bad_arguments_raise_naming_the_value(argd: dict[str, Any], error: type,
                                                       text: str) -> None:
    arguments: dict[str, Any] = {"messages_per_second": 10, **argd}
    with pytest.raises(error, match=re.escape(text)):
        MessageRateLimit(**arguments)


def test_ratelimit_other_control_messages_are_logged_and_ignored(
        caplog: pytest.LogCaptureFixture) -> None:
    assertUnexpectedControlIgnored(lambda: MessageRateLimit(1000, buffer=0), caplog,
                                   ["a"], ["a"])


# ----------------------------------------------------- ByteRate_RequestControl
def controller(time: FakeClock, cls: type = ByteRate_RequestControl,
               **argd: Any) -> tuple[Any, Collector]:
    control = cls(timefunc=time, **{"rate": 80, "chunksize": 10, **argd})
    return control, attach(control)


def test_byterate_asks_for_a_chunk_at_once_then_one_per_timestep_as_1_14(
        run_rounds: Rounds) -> None:
    time = FakeClock()
    control, sink = controller(time)                # a chunk every 0.125 s
    assert control.timestep == 0.125
    run_rounds(10)
    assert sink.got == [10]
    assert scheduler.run.isThreadPaused(control)
    later(time, 0.0625, control, run_rounds)
    assert sink.got == [10]
    later(time, 0.0625, control, run_rounds)
    assert sink.got == [10, 10]


def test_byterate_catches_up_with_one_request_per_timestep_missed(run_rounds: Rounds) -> None:
    time = FakeClock()
    control, sink = controller(time)
    run_rounds(10)
    later(time, 0.5, control, run_rounds)
    assert sink.got == [10] * 5


def test_byterate_with_aggregation_merges_the_requests_due(run_rounds: Rounds) -> None:
    time = FakeClock()
    control, sink = controller(time, allowchunkaggregation=True)
    run_rounds(10)
    later(time, 0.5, control, run_rounds)
    later(time, 0.125, control, run_rounds)
    assert sink.got == [10, 40, 10]
    assert control.aggregate is True


def test_byterate_asks_for_rate_times_elapsed_give_or_take_a_chunk(run_rounds: Rounds) -> None:
    time, start = FakeClock(), FakeClock().now
    control, sink = controller(time, rate=1000, chunksize=64)
    run_rounds(10)
    for step in [0.01, 0.3, 0.07, 0.5, 0.001, 0.249, 0.6, 0.033] * 3:
        later(time, step, control, run_rounds)
        requested = sum(sink.got)
        assert 1000 * (time.now - start) - 64 < requested <= 1000 * (time.now - start) + 64


def test_byterate_a_fractional_chunksize_adds_up_to_the_rate(run_rounds: Rounds) -> None:
    time = FakeClock()
    control, sink = controller(time, rate=10, chunksize=None, chunkrate=3)
    assert control.chunksize == pytest.approx(10 / 3)
    run_rounds(10)
    for _ in range(3):
        later(time, 1 / 3, control, run_rounds)
    assert sink.got == [3, 3, 3, 1, 3] and all(isinstance(n, int) for n in sink.got)


def test_getChunksToSend_is_a_generator_of_the_requests_due() -> None:
    time = FakeClock()
    control = ByteRate_RequestControl(rate=80, chunksize=10, timefunc=time)
    control.resetTiming()
    assert list(control.getChunksToSend()) == [10]
    assert list(control.getChunksToSend()) == []
    time.advance(0.25)
    assert list(control.getChunksToSend()) == [10, 10]


@pytest.mark.parametrize("argd,chunksize,timestep", [
    ({}, 100, 0.001),                               # 1.14: max(1, rate / 1000)
    ({"rate": 80}, 1, 1 / 80),
    ({"rate": 50, "chunkrate": 5}, 10, 0.2),
    ({"rate": 50, "chunksize": 25}, 25, 0.5),
])
def test_byterate_chunking_follows_1_14(argd: dict[str, Any], chunksize: float,
                                        timestep: float) -> None:
    control = ByteRate_RequestControl(**argd)
    assert control.chunksize == chunksize and control.timestep == pytest.approx(timestep)


def test_byterate_takes_1_14s_positional_arguments() -> None:
    control = ByteRate_RequestControl(100, None, 4, True)
    assert (control.chunksize, control.timestep, control.aggregate) == (25, 0.25, True)


def test_byterate_given_chunksize_and_chunkrate_uses_chunksize_with_a_warning(
        caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        control = ByteRate_RequestControl(rate=100, chunksize=20, chunkrate=50)
    assert control.chunksize == 20 and control.timestep == 0.2
    assert any("chunksize wins" in r.getMessage() for r in caplog.records)


def test_byterate_messages_on_its_unused_inbox_are_logged_and_dropped(
        caplog: pytest.LogCaptureFixture) -> None:
    control = ByteRate_RequestControl(timefunc=FakeClock())
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        run(control, ["stray"], [producerFinished()])
    assert any(control.name in r.getMessage() and "'stray'" in r.getMessage()
               for r in caplog.records)


@pytest.mark.parametrize("cls", [ByteRate_RequestControl, VariableByteRate_RequestControl])
@pytest.mark.parametrize("message_class", [producerFinished, shutdownMicroprocess])
def test_byterate_a_shutdown_message_ends_it_and_is_passed_on(cls: type,
                                                              message_class: type) -> None:
    assertShutdownPassesOn(lambda: cls(timefunc=FakeClock()), message_class, [], [])


@pytest.mark.parametrize("argd,error,text", [
    ({"rate": 0}, ValueError, "0"),
    ({"rate": None}, TypeError, "None"),
    ({"chunksize": 0}, ValueError, "0"),
    ({"chunksize": 0.5}, ValueError, "0.5"),
    ({"chunksize": "1"}, TypeError, "'1'"),
    ({"rate": 5, "chunkrate": 10}, ValueError, "0.5"),
    ({"chunkrate": 0}, ValueError, "0"),
    ({"timefunc": 3}, TypeError, "3"),
])
def test_byterate_bad_arguments_raise_naming_the_value(argd: dict[str, Any], error: type,
                                                      text: str) -> None:
    with pytest.raises(error, match=re.escape(text)):
        ByteRate_RequestControl(**argd)


def test_byterate_other_control_messages_are_logged_and_ignored(
        caplog: pytest.LogCaptureFixture) -> None:
    assertUnexpectedControlIgnored(lambda: ByteRate_RequestControl(timefunc=FakeClock()),
                                   caplog, [], [])


# --------------------------------------------- VariableByteRate_RequestControl
def test_variablebyterate_takes_a_new_rate_at_once_keeping_earned_credit(
        run_rounds: Rounds) -> None:
    time = FakeClock()
    control, sink = controller(time, cls=VariableByteRate_RequestControl)
    run_rounds(10)
    assert sink.got == [10]                         # the first chunk at once
    later(time, 0.0625, control, run_rounds)        # half a chunk earned at 80/s
    control.inboxes["inbox"].append(160)
    run_rounds(10)
    assert control.rate == 160 and control.timestep == 0.0625
    later(time, 0.03125, control, run_rounds)       # the other half at 160/s
    assert sink.got == [10, 10]


def test_variablebyterate_methods_take_the_time_as_in_1_14() -> None:
    control = VariableByteRate_RequestControl(rate=80, chunksize=10)
    control.resetTiming(50.0)
    assert list(control.getChunksToSend(50.0)) == [10]
    assert list(control.getChunksToSend(50.1)) == []
    assert list(control.getChunksToSend(50.25)) == [10, 10]
    control.changeRate(40, 50.25)
    assert control.timestep == 0.25
    assert list(control.getChunksToSend(50.5)) == [10]


@pytest.mark.parametrize("argd,chunksize,timestep", [
    ({}, 10000, 0.1),                               # 1.14: chunkrate=10
    ({"rate": 60, "chunksize": 20}, 20, 1 / 3),
    ({"rate": 60, "chunkrate": 2}, 30, 0.5),
])
def test_variablebyterate_chunking_follows_1_14(argd: dict[str, Any], chunksize: float,
                                                timestep: float) -> None:
    control = VariableByteRate_RequestControl(**argd)
    assert control.chunksize == chunksize and control.timestep == pytest.approx(timestep)


def test_variablebyterate_with_neither_chunksize_nor_chunkrate_raises() -> None:
    with pytest.raises(ValueError, match="chunkrate=None"):
        VariableByteRate_RequestControl(chunkrate=None)


def test_variablebyterate_a_bad_rate_is_logged_and_ignored(
        run_rounds: Rounds, caplog: pytest.LogCaptureFixture) -> None:
    control, _ = controller(FakeClock(), cls=VariableByteRate_RequestControl)
    with caplog.at_level(logging.ERROR, logger=LOGGER):
        control.inboxes["inbox"].extend(["fast", -1, True])
        run_rounds(10)
    assert control.rate == 80
    texts = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert len(texts) == 3
    assert all(control.name in text for text in texts)
    assert "'fast'" in texts[0] and "-1" in texts[1] and "True" in texts[2]


def test_variablebyterate_other_control_messages_are_logged_and_ignored(
        caplog: pytest.LogCaptureFixture) -> None:
    assertUnexpectedControlIgnored(
        lambda: VariableByteRate_RequestControl(timefunc=FakeClock()), caplog, [], [])


# --------------------------------------------------------------- OnDemandLimit
def test_ondemandlimit_is_a_turnstile_driven_by_slidecontrol(run_rounds: Rounds) -> None:
    limit = OnDemandLimit()
    assert isinstance(limit, PromptedTurnstile)
    assert "slidecontrol" in limit.inboxes and "next" not in limit.inboxes
    sink = attach(limit)
    limit.inboxes["inbox"].extend(["slide1", "slide2"])
    run_rounds(5)
    assert sink.got == []
    limit.inboxes["slidecontrol"].append("NEXT")
    run_rounds(5)
    assert sink.got == ["slide1"]


def test_ondemandlimit_producerFinished_ends_it_once_the_items_are_taken() -> None:
    finished = producerFinished()
    sink = run(OnDemandLimit(), ["a", "b"], [finished], slidecontrol=["NEXT", "NEXT"])
    assert sink.got == ["a", "b"] and sink.control == [finished]


def test_ondemandlimit_lets_items_through_only_for_NEXT_as_in_1_14(run_rounds: Rounds) -> None:
    limit = OnDemandLimit()
    sink = attach(limit)
    limit.inboxes["inbox"].extend(["slide1", "slide2"])
    limit.inboxes["slidecontrol"].extend(["PREV", 1, "NEXT"])
    run_rounds(5)
    assert sink.got == ["slide1"]


def test_ondemandlimit_shutdownMicroprocess_ends_it_at_once() -> None:
    stop = shutdownMicroprocess()
    sink = run(OnDemandLimit(), ["a", "b"], [stop])
    assert sink.got == [] and sink.control == [stop]


def test_ondemandlimit_other_control_messages_are_logged_and_ignored(
        caplog: pytest.LogCaptureFixture) -> None:
    assertUnexpectedControlIgnored(OnDemandLimit, caplog, [], [])
