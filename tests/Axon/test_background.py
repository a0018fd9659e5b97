"""Tests for Axon.background: the scheduler running in a daemon thread."""

from __future__ import annotations

import threading
from typing import Any, Iterator

import pytest

from Axon.background import background
from Axon.Component import component
from Axon.CoordinatingAssistantTracker import coordinatingassistanttracker
from Axon.Scheduler import scheduler

#: Upper bound for any handshake; reaching it means the behaviour under test is broken.
PATIENCE = 10.0


class WhereAmI(component):
    """Records the thread its main runs in, then ends."""

    def main(self) -> Iterator[Any]:
        self.thread = threading.current_thread()
        yield 1


@pytest.fixture
def started() -> Iterator[list[background]]:
    """Backgrounds a test starts go in this list; any still running afterwards
    are stopped (by stopping their scheduler) and joined."""
    threads: list[background] = []
    yield threads
    for thread in threads:
        if thread.is_alive():
            scheduler.run.stop()
            thread.join(PATIENCE)
        assert not thread.is_alive()


def test_background_runs_components_in_its_own_daemon_thread(
        started: list[background]) -> None:
    bg = background()
    assert bg.daemon
    bg.start()
    started.append(bg)
    c = WhereAmI().activate()
    bg.join(PATIENCE)
    assert not bg.is_alive()       # the system ended, so the loop ended
    assert c.thread is bg
    assert c._isStopped()


def test_background_waits_for_something_to_run(started: list[background]) -> None:
    bg = background()
    bg.start()
    started.append(bg)
    assert bg.is_alive()           # nothing activated yet: it waits, it does not end
    WhereAmI().activate()
    bg.join(PATIENCE)
    assert not bg.is_alive()


def test_a_second_background_while_one_runs_raises_RuntimeError(
        started: list[background]) -> None:
    first = background()
    first.start()
    started.append(first)
    second = background()
    with pytest.raises(RuntimeError, match="already running"):
        second.start()
    assert not second.is_alive()
    WhereAmI().activate()
    first.join(PATIENCE)
    assert not first.is_alive()


def test_a_new_background_may_start_once_the_first_has_ended(
        started: list[background]) -> None:
    for _ in range(2):
        bg = background()
        bg.start()
        started.append(bg)
        c = WhereAmI().activate()
        bg.join(PATIENCE)
        assert not bg.is_alive()
        assert c.thread is bg


def test_zap_starts_from_a_fresh_scheduler_and_tracker(
        started: list[background]) -> None:
    cat = coordinatingassistanttracker.getcat()
    provider = component()
    cat.registerService("test_background.service", provider, "inbox")
    before = scheduler.run
    bg = background(zap=True)
    try:
        bg.start()
        started.append(bg)
        assert scheduler.run is not before
        assert "test_background.service" not in cat.servicesRegistered()
    finally:
        if "test_background.service" in cat.servicesRegistered():
            cat.deRegisterService("test_background.service")
    c = WhereAmI().activate()
    assert c.scheduler is scheduler.run
    bg.join(PATIENCE)
    assert not bg.is_alive()
    assert c.thread is bg
