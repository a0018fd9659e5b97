"""Tests for Kamaelia.Util.TestResult: fail on false values, stop on StopSystem."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from Axon.AxonExceptions import AxonException
from Axon.Ipc import ipc, producerFinished, shutdownMicroprocess
from Axon.Scheduler import scheduler
from componentharness import (Collector, assertShutdownPassesOn,
                              assertUnexpectedControlIgnored, run)
from Kamaelia.Util.TestResult import StopSystem, StopSystemException, TestResult


def test_true_values_pass_and_it_ends_on_producerFinished() -> None:
    result = TestResult()
    sink = run(result, [1, True, "x", [0], 0.5], [producerFinished()])
    assert [type(m) for m in sink.control] == [producerFinished]
    assert result._isStopped()


@pytest.mark.parametrize("false", [False, 0, "", None, []])
def test_a_false_value_raises_AssertionError_naming_it_and_halts_the_system(
        false: Any) -> None:
    bystander = Collector().activate()           # would run for ever
    result = TestResult()
    result.inboxes["inbox"].extend([1, false, 2])
    result.activate()
    with pytest.raises(AssertionError, match="false value message received by") as caught:
        scheduler.run.runThreads()
    assert result.name in str(caught.value) and repr(false) in str(caught.value)
    assert bystander._isStopped()
    assert scheduler.run.listAllThreads() == []


def test_StopSystem_raises_StopSystemException_and_halts_the_system() -> None:
    bystander = Collector().activate()
    result = TestResult()
    result.inboxes["control"].append(StopSystem())
    result.activate()
    with pytest.raises(StopSystemException):
        scheduler.run.runThreads()
    assert bystander._isStopped()


def test_values_waiting_are_checked_before_a_stop_request() -> None:
    result = TestResult()
    result.inboxes["inbox"].append(0)
    result.inboxes["control"].append(StopSystem())
    result.activate()
    with pytest.raises(AssertionError):
        scheduler.run.runThreads()


def test_a_false_value_waiting_at_shutdown_still_fails() -> None:
    with pytest.raises(AssertionError):
        run(TestResult(), [True, False], [producerFinished()])


def test_StopSystemException_propagates_even_when_the_scheduler_only_logs(
        fresh_scheduler: scheduler) -> None:
    fresh_scheduler.reraiseExceptions = False
    bystander = Collector().activate()
    result = TestResult()
    result.inboxes["control"].append(StopSystem())
    result.activate()
    with pytest.raises(StopSystemException):
        fresh_scheduler.runThreads()
    assert bystander._isStopped()


def test_without_reraising_a_failed_check_is_logged_and_runThreads_returns(
        fresh_scheduler: scheduler, caplog: pytest.LogCaptureFixture) -> None:
    fresh_scheduler.reraiseExceptions = False
    bystander = Collector().activate()
    result = TestResult()
    result.inboxes["inbox"].append(False)
    result.activate()
    with caplog.at_level(logging.ERROR, logger="Axon.Scheduler"):
        fresh_scheduler.runThreads()
    assert bystander._isStopped()
    assert any(result.name in r.getMessage() and "AssertionError" in r.getMessage()
               for r in caplog.records)


def test_the_messages_are_the_1_14_kinds() -> None:
    assert isinstance(StopSystem(), ipc)
    assert issubclass(StopSystemException, AxonException)


@pytest.mark.parametrize("message_class", [producerFinished, shutdownMicroprocess])
def test_shutdown_checks_what_is_waiting_then_passes_the_message_on(
        message_class: type) -> None:
    assertShutdownPassesOn(TestResult, message_class, [1, "ok"], [])


def test_other_control_messages_are_logged_and_ignored(
        caplog: pytest.LogCaptureFixture) -> None:
    assertUnexpectedControlIgnored(TestResult, caplog, [1], [])
