"""Tests for Kamaelia.Util.LossyConnector: pass on what fits, drop the rest."""

from __future__ import annotations

import logging

import pytest

from Axon.Ipc import producerFinished, shutdownMicroprocess
from Axon.Scheduler import scheduler
from componentharness import (Collector, assertShutdownPassesOn,
                              assertUnexpectedControlIgnored, run)
from Kamaelia.Util.LossyConnector import LossyConnector


def test_passes_everything_on_when_there_is_room() -> None:
    lossy = LossyConnector()
    sink = run(lossy, range(100), [producerFinished()])
    assert sink.got == list(range(100))
    assert lossy.dropped == 0


def test_drops_what_does_not_fit_and_counts_it(caplog: pytest.LogCaptureFixture) -> None:
    lossy, sink = LossyConnector(), Collector()
    sink.setInboxSize("inbox", 3)
    lossy.link((lossy, "outbox"), (sink, "inbox"))
    lossy.link((lossy, "signal"), (sink, "control"))
    lossy.inboxes["inbox"].extend(range(10))
    lossy.inboxes["control"].append(producerFinished())
    lossy.activate()
    with caplog.at_level(logging.DEBUG, logger="Kamaelia.Util.LossyConnector"):
        scheduler.run.runThreads()      # the sink is not running, so its inbox fills up
    assert lossy._isStopped()
    sink.activate()
    scheduler.run.runThreads()
    assert sink.got == [0, 1, 2]
    assert lossy.dropped == 7
    drops = [r for r in caplog.records if r.name == "Kamaelia.Util.LossyConnector"]
    assert len(drops) == 7 and all(r.levelno == logging.DEBUG for r in drops)


@pytest.mark.parametrize("message_class", [producerFinished, shutdownMicroprocess])
def test_shutdown_passes_on_what_is_waiting_then_the_message(message_class: type) -> None:
    assertShutdownPassesOn(LossyConnector, message_class, ["a", "b"], ["a", "b"])


def test_other_control_messages_are_logged_and_ignored(
        caplog: pytest.LogCaptureFixture) -> None:
    assertUnexpectedControlIgnored(LossyConnector, caplog, ["a"], ["a"])
