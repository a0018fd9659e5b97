"""Tests for Axon.Handle: plain code talking to a component run by background()."""

from __future__ import annotations

import queue
import re
from typing import Iterator

import pytest

from Axon.background import background
from Axon.Handle import Handle
from Axon.Ipc import producerFinished, shutdownMicroprocess
from Axon.Scheduler import scheduler
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.Util.PureTransformer import PureTransformer

#: Upper bound for any wait; reaching it means the behaviour under test is broken.
PATIENCE = 5.0


@pytest.fixture
def bg() -> Iterator[background]:
    """A running background scheduler.

    Each test ends its wrapped system itself and checks the thread ended; if
    a test failed before that, the scheduler is stopped here and the thread
    joined.
    """
    thread = background()
    thread.start()
    yield thread
    if thread.is_alive():
        scheduler.run.stop()
        thread.join(PATIENCE)
    assert not thread.is_alive()


def finish(handle: Handle, thread: background) -> None:
    """End the wrapped system with producerFinished; check the scheduler thread ends."""
    message = producerFinished()
    handle.put(message, "control")
    assert handle.get("signal", block=True, timeout=PATIENCE) is message
    thread.join(PATIENCE)
    assert not thread.is_alive()


def test_put_and_get_round_trip(bg: background) -> None:
    upper = Handle(PureTransformer(str.upper)).activate()
    upper.put("hello", "inbox")
    assert upper.get("outbox", block=True, timeout=PATIENCE) == "HELLO"
    finish(upper, bg)


def test_messages_come_back_in_order(bg: background) -> None:
    double = Handle(PureTransformer(lambda n: n * 2)).activate()
    for n in range(100):
        double.put(n, "inbox")
    got = [double.get("outbox", block=True, timeout=PATIENCE) for _ in range(100)]
    assert got == [n * 2 for n in range(100)]
    finish(double, bg)


def test_get_raises_queue_Empty_when_nothing_is_there(bg: background) -> None:
    echo = Handle(PureTransformer()).activate()
    with pytest.raises(queue.Empty):
        echo.get("outbox")
    echo.put("once", "inbox")
    assert echo.get("outbox", block=True, timeout=PATIENCE) == "once"
    with pytest.raises(queue.Empty):
        echo.get("outbox")
    finish(echo, bg)


def test_blocking_get_with_a_timeout_raises_queue_Empty(bg: background) -> None:
    echo = Handle(PureTransformer()).activate()
    with pytest.raises(queue.Empty):
        echo.get("outbox", block=True, timeout=0.01)
    finish(echo, bg)


def test_put_to_an_unknown_box_names_it(bg: background) -> None:
    wrapped = PureTransformer()
    echo = Handle(wrapped).activate()
    with pytest.raises(KeyError, match=re.escape(f"{wrapped.name} has no inbox 'nosuch'")):
        echo.put("lost", "nosuch")
    finish(echo, bg)


def test_get_from_an_unknown_box_names_it(bg: background) -> None:
    wrapped = PureTransformer()
    echo = Handle(wrapped).activate()
    with pytest.raises(KeyError, match=re.escape(f"{wrapped.name} has no outbox 'nosuch'")):
        echo.get("nosuch")
    finish(echo, bg)


def test_handle_around_a_pipeline(bg: background) -> None:
    shout = Handle(Pipeline(PureTransformer(str.upper),
                            PureTransformer(lambda s: s + "!"))).activate()
    shout.put("hello", "inbox")
    assert shout.get("outbox", block=True, timeout=PATIENCE) == "HELLO!"
    finish(shout, bg)


def test_handle_ends_when_the_wrapped_component_ends_and_keeps_what_it_collected(
        bg: background) -> None:
    wrapped = PureTransformer(str.upper)
    upper = Handle(wrapped).activate()
    upper.put("a", "inbox")
    upper.put("b", "inbox")
    stop = shutdownMicroprocess()
    upper.put(stop, "control")
    assert upper.get("signal", block=True, timeout=PATIENCE) is stop
    bg.join(PATIENCE)
    assert not bg.is_alive()
    assert wrapped._isStopped() and upper._isStopped()
    assert [upper.get("outbox"), upper.get("outbox")] == ["A", "B"]
