"""Tests for Kamaelia.Util.SequentialTransformer: a chain of functions per message."""

from __future__ import annotations

import re
from typing import Any

import pytest

from Axon.Ipc import producerFinished, shutdownMicroprocess
from componentharness import (assertBadMessageSkipped, assertShutdownPassesOn,
                              assertUnexpectedControlIgnored, run)
from Kamaelia.Util.SequentialTransformer import SequentialTransformer


def test_applies_the_functions_in_order() -> None:
    sink = run(SequentialTransformer(lambda n: n + 1, lambda n: n * 10, str),
               [1, 2, 3], [producerFinished()])
    assert sink.got == ["20", "30", "40"]


def test_a_None_result_drops_the_message_and_skips_the_later_functions() -> None:
    called: list[Any] = []

    def record(n: int) -> int:
        called.append(n)
        return n

    sink = run(SequentialTransformer(lambda n: n if n % 2 else None, record),
               [1, 2, 3], [producerFinished()])
    assert sink.got == [1, 3]
    assert called == [1, 3]


def test_without_functions_messages_pass_unchanged() -> None:
    assert run(SequentialTransformer(), ["a", 0], [producerFinished()]).got == ["a", 0]


def test_a_non_callable_function_raises_TypeError_naming_it() -> None:
    with pytest.raises(TypeError, match=re.escape("function 1 must be callable, not 'oops'")):
        SequentialTransformer(str, "oops")  # type: ignore[arg-type]


def test_an_exception_in_a_function_is_logged_and_that_message_skipped(
        caplog: pytest.LogCaptureFixture) -> None:
    record = assertBadMessageSkipped(lambda: SequentialTransformer(str.strip, int), caplog,
                                     "Kamaelia.Util.SequentialTransformer",
                                     [" 1", "poison", "4 "], "poison", [1, 4])
    assert record.exc_info is not None and isinstance(record.exc_info[1], ValueError)


@pytest.mark.parametrize("message_class", [producerFinished, shutdownMicroprocess])
def test_shutdown_transforms_what_is_waiting_then_passes_the_message_on(
        message_class: type) -> None:
    assertShutdownPassesOn(lambda: SequentialTransformer(str.upper), message_class,
                           ["a", "b"], ["A", "B"])


def test_other_control_messages_are_logged_and_ignored(
        caplog: pytest.LogCaptureFixture) -> None:
    assertUnexpectedControlIgnored(lambda: SequentialTransformer(str.upper), caplog,
                                   ["x"], ["X"])


def test_pipeline_and_processMessage_are_1_14s_methods() -> None:
    target = SequentialTransformer(str.strip, str.upper)
    assert target.pipeline(" a ") == "A" and target.processMessage(" b ") == "B"

    class Bracketed(SequentialTransformer):
        def processMessage(self, msg: Any) -> Any:
            return f"[{self.pipeline(msg)}]"

    sink = run(Bracketed(str.upper), ["x"], [producerFinished()])
    assert sink.got == ["[X]"]
