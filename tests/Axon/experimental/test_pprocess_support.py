"""Tests for Axon.experimental._pprocess_support: 1.14's likefile and its parts."""

from __future__ import annotations

import logging
import queue
from typing import Any, Iterator

import pytest

from Axon.Component import component
from Axon.Ipc import producerFinished, shutdown, shutdownMicroprocess
from Axon.Scheduler import scheduler
from Axon.background import background as plainBackground
from Axon.experimental._pprocess_support import (DEFIN, DEFOUT, addBox, background,
                                                 componentWrapperInput,
                                                 componentWrapperOutput, dummyComponent,
                                                 likefile, queuelengths)
from Kamaelia.Util.PureTransformer import PureTransformer

#: Upper bound for any wait; reaching it means the behaviour under test is broken.
PATIENCE = 10.0


@pytest.fixture
def bg() -> Iterator[background]:
    """A running background scheduler that stays up until stopped here."""
    thread = background()
    thread.start()
    yield thread
    scheduler.run.stop()
    thread.join(PATIENCE)
    assert not thread.is_alive()


class Secondary(component):
    """Echoes "secondary" to "debug"; ends on a shutdown message on "control"."""

    Inboxes = {"inbox": "unused", "control": "shutdown", "secondary": "echoed"}
    Outboxes = {"outbox": "unused", "signal": "shutdown", "debug": "echoes"}

    def main(self) -> Iterator[Any]:
        while True:
            for message in self.Inbox("secondary"):
                self.send(message, "debug")
            for message in self.Inbox("control"):
                if isinstance(message, (producerFinished, shutdownMicroprocess)):
                    self.send(message, "signal")
                    return
            self.pause()
            yield 1


def test_constants_are_1_14s() -> None:
    assert DEFIN == ["inbox", "control"] and DEFOUT == ["outbox", "signal"]
    assert queuelengths == 0


def test_likefile_put_and_blocking_get(bg: background) -> None:
    shout = likefile(PureTransformer(str.upper))
    shout.put("hello")
    shout.put("world", "inbox")
    assert shout.get(timeout=PATIENCE) == "HELLO"
    assert shout.get("outbox", True, PATIENCE) == "WORLD"
    with pytest.raises(queue.Empty):
        shout.get_nowait()
    assert shout.empty() and shout.qsize() == 0 and shout.anyReady() is None
    shout.shutdown()
    assert not shout.alive


def test_likefile_shutdown_reaches_the_component_and_closes_the_likefile(
        bg: background) -> None:
    wrapped = PureTransformer()
    echo = likefile(wrapped)
    echo.shutdown()
    assert echo.inputComponent.isDead.is_set()
    # What the component passes on out of "signal" is collected too.
    assert isinstance(echo.outQueues["signal"].get(True, PATIENCE), (shutdown, producerFinished))
    with pytest.raises(AttributeError, match="shutdown was previously called"):
        echo.put("late")
    with pytest.raises(AttributeError, match="shutdown was previously called"):
        echo.get()


def test_likefile_wraps_extra_boxes_given_as_a_string_or_tuple(bg: background) -> None:
    p = likefile(Secondary(), extraInboxes="secondary", extraOutboxes=("debug",))
    p.put("aside", "secondary")
    assert p.get("debug", timeout=PATIENCE) == "aside"
    assert p.anyReady() is None
    p.shutdown()


def test_likefile_with_a_missing_extra_box_raises_KeyError(bg: background) -> None:
    with pytest.raises(KeyError, match="component to wrap has no such inbox"):
        likefile(PureTransformer(), extraInboxes="nonesuch")


def test_likefile_needs_a_running_background_scheduler() -> None:
    with pytest.raises(AttributeError, match="no running scheduler found"):
        likefile(PureTransformer())


def test_likefile_works_with_axons_own_background_too() -> None:
    thread = plainBackground()
    thread.start()
    try:
        echo = likefile(PureTransformer(lambda n: n + 1))
        echo.put(41)
        assert echo.get(timeout=PATIENCE) == 42
        echo.shutdown()
    finally:
        thread.join(PATIENCE)
    assert not thread.is_alive()       # everything ended, so the scheduler ended


def test_likefile_without_control_ends_without_telling_the_component(
        bg: background, caplog: pytest.LogCaptureFixture) -> None:
    p = likefile(PureTransformer(), wrapDefault=False, extraInboxes="inbox",
                 extraOutboxes="outbox")
    assert set(p.inQueues) == {"inbox"} and set(p.outQueues) == {"outbox"}
    p.put(5)
    assert p.get(timeout=PATIENCE) == 5
    with caplog.at_level(logging.WARNING, logger="Axon.experimental.likefile"):
        p.shutdown()
    assert "has no wrapped 'control' inbox" in caplog.text
    assert p.inputComponent.isDead.is_set()


def test_addBox_records_the_actual_names_and_refuses_duplicates() -> None:
    made: list[str] = []

    def maker(name: str) -> str:
        made.append(name)
        return name + "_1"

    mapping: dict[str, str] = {}
    addBox(["a", "b"], mapping, maker)
    assert mapping == {"a": "a_1", "b": "b_1"}
    with pytest.raises(ValueError, match="box 'a' is already wrapped"):
        addBox(["a"], mapping, maker)


def test_dummyComponent_sleeps_until_stopped(run_rounds: Any,
                                             fresh_scheduler: scheduler) -> None:
    dummy = dummyComponent().activate()
    assert not run_rounds(5)
    assert fresh_scheduler.isThreadPaused(dummy)


def test_wrappers_link_the_wrapped_boxes() -> None:
    child = PureTransformer()
    inputSide = componentWrapperInput(child)
    outputSide = componentWrapperOutput(child, inputSide)
    assert set(inputSide.inQueues) == {"inbox", "control"}
    assert set(outputSide.outQueues) == {"outbox", "signal"}
    assert child.inboxes["inbox"].sources[0].owner is inputSide
    assert child.outboxes["outbox"].target.owner is outputSide
    assert outputSide.childComponents() == [child]
