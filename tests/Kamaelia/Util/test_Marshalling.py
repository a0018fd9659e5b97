"""Tests for Kamaelia.Util.Marshalling: Marshaller, DeMarshaller, BasicMarshallComponent."""

from __future__ import annotations

import json
import logging
import re
from typing import Any, Callable

import pytest

from Axon.Ipc import producerFinished, shutdownMicroprocess
from componentharness import (Collector, assertBadMessageSkipped, assertShutdownPassesOn,
                              assertUnexpectedControlIgnored, errorsLogged, run)
from Kamaelia.Util.Marshalling import BasicMarshallComponent, DeMarshaller, Marshaller

LOGGER = "Kamaelia.Util.Marshalling"
RunRounds = Callable[[int], bool]
SETTLE = 30


class JSON:
    marshall = staticmethod(json.dumps)
    demarshall = staticmethod(json.loads)


def test_marshaller_sends_klass_marshall_of_each_message() -> None:
    sink = run(Marshaller(JSON), [{"a": 1}, [1, 2], None], [producerFinished()])
    assert sink.got == ['{"a": 1}', "[1, 2]", "null"]


def test_demarshaller_sends_klass_demarshall_including_None_results() -> None:
    sink = run(DeMarshaller(JSON), ['{"a": 1}', "null", "3"], [producerFinished()])
    assert sink.got == [{"a": 1}, None, 3]


def test_klass_may_use_classmethods_and_is_never_instantiated() -> None:
    class Tagged:
        def __init__(self) -> None:
            raise AssertionError("instantiated")

        @classmethod
        def marshall(cls, obj: Any) -> str:
            return f"{cls.__name__}:{obj}"

    assert run(Marshaller(Tagged), [1], [producerFinished()]).got == ["Tagged:1"]


def test_a_message_the_class_cannot_convert_is_logged_and_skipped(
        caplog: pytest.LogCaptureFixture) -> None:
    assertBadMessageSkipped(lambda: DeMarshaller(JSON), caplog, LOGGER,
                            ["1", "{not json", "2"], "{not json", [1, 2])


@pytest.mark.parametrize("make,expected", [(lambda: Marshaller(JSON), ['"1"']),
                                           (lambda: DeMarshaller(JSON), [1])])
@pytest.mark.parametrize("message_class", [producerFinished, shutdownMicroprocess])
def test_shutdown_converts_what_waits_then_passes_the_message_on(
        make: Any, expected: list[Any], message_class: type) -> None:
    assertShutdownPassesOn(make, message_class, ["1"], expected)


def test_other_control_messages_are_logged_and_ignored(
        caplog: pytest.LogCaptureFixture) -> None:
    assertUnexpectedControlIgnored(lambda: Marshaller(JSON), caplog, [1], ["1"])


@pytest.mark.parametrize("make,method", [(Marshaller, "marshall"), (DeMarshaller, "demarshall"),
                                         (BasicMarshallComponent, "marshall")])
def test_a_class_without_the_method_raises_TypeError_naming_it(make: Any,
                                                               method: str) -> None:
    class Nothing:
        pass

    with pytest.raises(TypeError, match=re.escape(f"{method}() method, not {Nothing!r}")):
        make(Nothing)


# ---------------------------------------------------------- BasicMarshallComponent
def basic(run_rounds: RunRounds, marshall: list[Any], demarshall: list[Any],
          control: list[Any]) -> tuple[BasicMarshallComponent, Collector, Collector]:
    """Run a BasicMarshallComponent with a Collector on each outbox ("signal" goes
    to the "marshalled" one; the other is ended by the test)."""
    target, marshalled, demarshalled = BasicMarshallComponent(JSON), Collector(), Collector()
    target.link((target, "marshalled"), (marshalled, "inbox"))
    target.link((target, "demarshalled"), (demarshalled, "inbox"))
    target.link((target, "signal"), (marshalled, "control"))
    target.inboxes["marshall"].extend(marshall)
    target.inboxes["demarshall"].extend(demarshall)
    target.inboxes["control"].extend(control)
    for each in (target, marshalled, demarshalled):
        each.activate()
    run_rounds(SETTLE)
    assert marshalled._isStopped()
    demarshalled.inboxes["control"].append(producerFinished())
    assert run_rounds(SETTLE)
    return target, marshalled, demarshalled


def test_basic_component_converts_both_ways_with_the_1_14_box_names(
        run_rounds: RunRounds) -> None:
    _, marshalled, demarshalled = basic(run_rounds, [{"k": [1]}], ["[2]", "null"], [producerFinished()])
    assert marshalled.got == ['{"k": [1]}']
    assert demarshalled.got == [[2], None]


@pytest.mark.parametrize("message_class", [producerFinished, shutdownMicroprocess])
def test_basic_component_converts_what_waits_then_passes_shutdown_on(
        message_class: type, run_rounds: RunRounds) -> None:
    stop = message_class()
    target, marshalled, demarshalled = basic(run_rounds, [1], ["2"], [stop])
    assert marshalled.got == ["1"] and demarshalled.got == [2]
    assert marshalled.control == [stop] and target._isStopped()


def test_basic_component_logs_and_skips_what_it_cannot_convert(
        run_rounds: RunRounds, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger=LOGGER):
        target, marshalled, demarshalled = basic(run_rounds, [{1, 2}, 3], ["oops", "4"],
                                                 [producerFinished()])
    assert marshalled.got == ["3"] and demarshalled.got == [4]
    records = errorsLogged(caplog, LOGGER)
    assert len(records) == 2
    assert all(target.name in r.getMessage() for r in records)
    assert "{1, 2}" in records[0].getMessage() and "'oops'" in records[1].getMessage()
