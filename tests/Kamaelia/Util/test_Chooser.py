"""Tests for Kamaelia.Util.Chooser: Chooser and ForwardIteratingChooser."""

from __future__ import annotations

import gc
import logging
import re
import weakref
from typing import Any, Callable, Iterator

import pytest

from Axon.Ipc import producerFinished, shutdownMicroprocess
from Axon.Scheduler import scheduler
from componentharness import (assertBadMessageSkipped, assertUnexpectedControlIgnored,
                              attach, run)
from Kamaelia.Util.Chooser import Chooser, ForwardIteratingChooser

RunRounds = Callable[[int], bool]
SETTLE = 30
SLIDES = ["a", "b", "c"]


def choose(commands: list[Any], items: list[Any] = SLIDES, loop: bool = False) -> list[Any]:
    return run(Chooser(items, loop=loop), commands, [producerFinished()]).got


# ----------------------------------------------------------------- Chooser
def test_sends_the_first_item_as_soon_as_it_starts(run_rounds: RunRounds) -> None:
    target = Chooser(SLIDES)
    sink = attach(target)
    run_rounds(SETTLE)
    assert sink.got == ["a"] and scheduler.run.isThreadPaused(target)


@pytest.mark.parametrize("commands,expected", [
    (["NEXT", "NEXT"], ["a", "b", "c"]),
    (["LAST", "PREV", "PREV"], ["a", "c", "b", "a"]),
    (["NEXT", "FIRST", "LAST"], ["a", "b", "a", "c"]),
    (["SAME", "NEXT", "SAME"], ["a", "a", "b", "b"]),
])
def test_each_command_moves_and_sends_the_item_there(commands: list[str],
                                                    expected: list[str]) -> None:
    assert choose(commands) == expected


def test_without_loop_it_stays_at_the_ends_and_sends_nothing() -> None:
    assert choose(["PREV", "NEXT", "NEXT", "NEXT", "NEXT", "PREV"]) == ["a", "b", "c", "b"]


def test_with_loop_it_wraps_around_both_ways() -> None:
    assert choose(["PREV", "NEXT", "NEXT"], loop=True) == ["a", "c", "a", "b"]


def test_with_no_items_it_sends_nothing() -> None:
    assert choose(["NEXT", "PREV", "FIRST", "LAST", "SAME"], items=[]) == []


def test_items_may_be_any_iterable_and_are_read_once() -> None:
    assert choose(["NEXT"], items=iter(["x", "y"])) == ["x", "y"]


def test_an_unknown_command_is_logged_and_taken_as_SAME_as_in_1_14(
        caplog: pytest.LogCaptureFixture) -> None:
    target = Chooser(SLIDES)
    with caplog.at_level(logging.WARNING, logger="Kamaelia.Util.Chooser"):
        sink = run(target, ["NEXT", "JUMP", "NEXT"], [producerFinished()])
    assert sink.got == ["a", "b", "b", "c"]
    assert any(target.name in r.getMessage() and "'JUMP'" in r.getMessage()
               for r in caplog.records)


def test_moves_go_through_1_14s_methods_which_a_subclass_may_override() -> None:
    class Skipping(Chooser):
        def gotoNext(self) -> bool:
            self.index = min(self.index + 2, len(self.items) - 1)
            return True

    assert run(Skipping(["a", "b", "c", "d"]), ["NEXT", "NEXT"],
               [producerFinished()]).got == ["a", "c", "d"]


def test_shutdown_is_1_14s_method_and_passes_the_message_on() -> None:
    target = Chooser(SLIDES)
    assert target.shutdown() is False
    stop = shutdownMicroprocess()
    target.inboxes["control"].append(stop)
    assert target.shutdown() is True and list(target.outboxes["signal"]) == [stop]


@pytest.mark.parametrize("message_class", [producerFinished, shutdownMicroprocess])
def test_shutdown_obeys_waiting_commands_then_passes_the_message_on(
        message_class: type) -> None:
    stop = message_class()
    target = Chooser(SLIDES)
    sink = run(target, ["NEXT"], [stop])
    assert sink.got == ["a", "b"]
    assert sink.control == [stop] and target._isStopped()


def test_other_control_messages_are_logged_and_ignored(
        caplog: pytest.LogCaptureFixture) -> None:
    assertUnexpectedControlIgnored(lambda: Chooser(SLIDES), caplog, ["NEXT"], ["a", "b"])


@pytest.mark.parametrize("items", ["abc", 42, None])
def test_items_that_are_not_a_collection_raise_TypeError_naming_them(items: Any) -> None:
    with pytest.raises(TypeError, match=re.escape(repr(items))):
        Chooser(items)


# ------------------------------------------------- ForwardIteratingChooser
def test_forward_chooser_sends_first_then_next_then_finishes_when_it_runs_out() -> None:
    target = ForwardIteratingChooser(["a", "b"])
    sink = run(target, ["NEXT", "SAME", "NEXT"])
    assert sink.got == ["a", "b", "b"]
    assert [type(m) for m in sink.control] == [producerFinished]
    assert sink.control[0].caller is target


def test_forward_chooser_reads_its_iterable_lazily(run_rounds: RunRounds) -> None:
    read: list[int] = []

    def numbers() -> Iterator[int]:
        for n in range(1000):
            read.append(n)
            yield n

    target = ForwardIteratingChooser(numbers())
    sink = attach(target)
    target.inboxes["inbox"].append("NEXT")
    run_rounds(SETTLE)
    assert sink.got == [0, 1] and read == [0, 1]
    target.inboxes["control"].append(shutdownMicroprocess())
    assert run_rounds(SETTLE)


def test_forward_chooser_has_1_14s_items_getCurrentChoice_and_gotoNext() -> None:
    target = ForwardIteratingChooser(items=["a", "b"])
    assert target.getCurrentChoice() == "a"          # read when it was made, as in 1.14
    assert target.gotoNext() is True and target.getCurrentChoice() == "b"
    assert target.gotoNext() is False and target.getCurrentChoice() == "b"
    assert list(target.items) == []
    with pytest.raises(IndexError):
        ForwardIteratingChooser().getCurrentChoice()


def test_forward_chooser_with_nothing_finishes_at_once() -> None:
    sink = run(ForwardIteratingChooser([]))
    assert sink.got == []
    assert [type(m) for m in sink.control] == [producerFinished]


def test_forward_chooser_logs_commands_left_when_it_runs_out(
        caplog: pytest.LogCaptureFixture) -> None:
    target = ForwardIteratingChooser(["only"])
    with caplog.at_level(logging.WARNING, logger="Kamaelia.Util.Chooser"):
        sink = run(target, ["NEXT", "NEXT", "SAME"])
    assert sink.got == ["only"]
    assert any(target.name in r.getMessage() and "['NEXT', 'SAME']" in r.getMessage()
               for r in caplog.records)


def test_forward_chooser_logs_commands_it_does_not_understand(
        caplog: pytest.LogCaptureFixture) -> None:
    target = ForwardIteratingChooser(["a", "b"])
    with caplog.at_level(logging.ERROR, logger="Kamaelia.Util.Chooser"):
        sink = run(target, ["PREV", "NEXT"], [producerFinished()])
    assert sink.got == ["a", "b"]
    assert any(target.name in r.getMessage() and "'PREV'" in r.getMessage()
               for r in caplog.records)


@pytest.mark.parametrize("message_class", [producerFinished, shutdownMicroprocess])
def test_forward_chooser_shutdown_obeys_waiting_commands_then_passes_it_on(
        message_class: type) -> None:
    stop = message_class()
    sink = run(ForwardIteratingChooser(["a", "b", "c"]), ["NEXT"], [stop])
    assert sink.got == ["a", "b"]
    assert sink.control == [stop]


def test_forward_chooser_logs_other_control_messages(
        caplog: pytest.LogCaptureFixture) -> None:
    assertUnexpectedControlIgnored(lambda: ForwardIteratingChooser(["a", "b", "c"]), caplog,
                                   ["NEXT"], ["a", "b"])


@pytest.mark.parametrize("iterable", ["abc", 7])
def test_forward_chooser_rejects_a_non_collection_naming_it(iterable: Any) -> None:
    with pytest.raises(TypeError, match=re.escape(repr(iterable))):
        ForwardIteratingChooser(iterable)


class Command(str):
    """A command string that a weak reference can watch."""


def test_a_command_obeyed_is_not_kept_while_the_chooser_waits(run_rounds: RunRounds) -> None:
    chooser = Chooser(items=["a", "b"]).activate()
    command = Command("NEXT")
    ref = weakref.ref(command)
    chooser.inboxes["inbox"].append(command)
    del command
    run_rounds(5)
    assert chooser.getCurrentChoice() == "b" and not chooser._isStopped()
    gc.collect()
    assert ref() is None
