"""RepeatLimiter: a repeated message is logged once, then as a count, on a fake clock."""

from __future__ import annotations

import gc
import logging
import weakref

import pytest

from Kamaelia._logthrottle import RepeatLimiter, forgetAll

TEMPLATE = "%s: cannot accept on %s: %s"


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def logger() -> logging.Logger:
    named = logging.getLogger("Kamaelia.test_logthrottle")
    named.setLevel(logging.DEBUG)
    return named


def lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [record.getMessage() for record in caplog.records]


def test_the_first_occurrence_is_logged_at_once_and_repeats_are_only_counted(
        logger: logging.Logger, caplog: pytest.LogCaptureFixture) -> None:
    clock = FakeClock()
    repeats = RepeatLimiter(logger, interval=10.0, clock=clock)
    with caplog.at_level(logging.DEBUG, logger.name):
        assert repeats.error(TEMPLATE, "server_1", "127.0.0.1:80", "EMFILE") is True
        for _ in range(99):
            clock.now += 0.05
            assert repeats.error(TEMPLATE, "server_1", "127.0.0.1:80", "EMFILE") is False
    assert lines(caplog) == ["server_1: cannot accept on 127.0.0.1:80: EMFILE"]
    assert caplog.records[0].levelno == logging.ERROR
    assert repeats.suppressed() == 99


def test_after_the_interval_the_next_occurrence_is_logged_with_the_count(
        logger: logging.Logger, caplog: pytest.LogCaptureFixture) -> None:
    clock = FakeClock()
    repeats = RepeatLimiter(logger, interval=10.0, clock=clock)
    with caplog.at_level(logging.DEBUG, logger.name):
        repeats.warning(TEMPLATE, "s", "a", "one")
        for _ in range(5):
            clock.now += 1.0
            repeats.warning(TEMPLATE, "s", "a", "more")
        clock.now += 5.0                        # 10 s after the first
        assert repeats.warning(TEMPLATE, "s", "a", "later") is True
    assert lines(caplog) == ["s: cannot accept on a: one",
                             "s: cannot accept on a: later (and 5 more like it in the last 10 s)"]
    assert repeats.suppressed() == 0


def test_a_storm_costs_one_line_per_interval(logger: logging.Logger,
                                             caplog: pytest.LogCaptureFixture) -> None:
    clock = FakeClock()
    repeats = RepeatLimiter(logger, interval=10.0, clock=clock)
    with caplog.at_level(logging.DEBUG, logger.name):
        for _ in range(600):                    # 10 a second for a minute
            repeats.error(TEMPLATE, "s", "a", "EMFILE")
            clock.now += 0.1
    assert 6 <= len(caplog.records) <= 7
    assert all("more like it" in line for line in lines(caplog)[1:])


def test_once_quiet_for_an_interval_a_message_is_logged_at_once_again(
        logger: logging.Logger, caplog: pytest.LogCaptureFixture) -> None:
    clock = FakeClock()
    repeats = RepeatLimiter(logger, interval=10.0, clock=clock)
    with caplog.at_level(logging.DEBUG, logger.name):
        repeats.error(TEMPLATE, "s", "a", "first")
        clock.now += 60.0
        assert repeats.error(TEMPLATE, "s", "a", "second") is True
    assert lines(caplog) == ["s: cannot accept on a: first", "s: cannot accept on a: second"]


def test_messages_are_grouped_by_template_and_level_not_by_arguments(
        logger: logging.Logger, caplog: pytest.LogCaptureFixture) -> None:
    clock = FakeClock()
    repeats = RepeatLimiter(logger, interval=10.0, clock=clock)
    with caplog.at_level(logging.DEBUG, logger.name):
        assert repeats.warning("connection with %s reset", "10.0.0.1:1") is True
        assert repeats.warning("connection with %s reset", "10.0.0.2:2") is False
        assert repeats.warning("handshake with %s failed", "10.0.0.1:1") is True
        assert repeats.error("connection with %s reset", "10.0.0.3:3") is True
    assert len(caplog.records) == 3


def test_flush_reports_the_pending_count_with_the_last_suppressed_text(
        logger: logging.Logger, caplog: pytest.LogCaptureFixture) -> None:
    clock = FakeClock()
    repeats = RepeatLimiter(logger, interval=10.0, clock=clock)
    with caplog.at_level(logging.DEBUG, logger.name):
        repeats.error(TEMPLATE, "s", "a", "1")
        clock.now += 1.0
        repeats.error(TEMPLATE, "s", "a", "2")
        clock.now += 1.0
        repeats.error(TEMPLATE, "s", "a", "3")
        clock.now += 1.0
        assert repeats.flush() == 1
        assert repeats.flush() == 0              # nothing left to report
        repeats.error(TEMPLATE, "s", "a", "4")  # forgotten: logged at once
    assert lines(caplog) == ["s: cannot accept on a: 1",
                             "s: cannot accept on a: 3 (2 times more in the last 3 s)",
                             "s: cannot accept on a: 4"]
    assert caplog.records[1].levelno == logging.ERROR


def test_a_single_suppressed_repeat_is_reported_as_once_more(
        logger: logging.Logger, caplog: pytest.LogCaptureFixture) -> None:
    clock = FakeClock()
    repeats = RepeatLimiter(logger, interval=10.0, clock=clock)
    with caplog.at_level(logging.DEBUG, logger.name):
        repeats.warning("gone: %s", "a")
        clock.now += 2.0
        repeats.warning("gone: %s", "b")
        repeats.flush()
    assert lines(caplog) == ["gone: a", "gone: b (once more in the last 2 s)"]


def test_messages_the_logger_would_not_write_are_not_counted(
        logger: logging.Logger, caplog: pytest.LogCaptureFixture) -> None:
    repeats = RepeatLimiter(logger, interval=10.0, clock=FakeClock())
    logger.setLevel(logging.ERROR)
    with caplog.at_level(logging.ERROR, logger.name):
        assert repeats.warning("quiet %s", 1) is False
        assert repeats.warning("quiet %s", 2) is False
    assert repeats.suppressed() == 0
    assert caplog.records == []


def test_a_suppressed_exception_argument_is_not_kept_alive(logger: logging.Logger) -> None:
    class Failure(Exception):
        pass

    repeats = RepeatLimiter(logger, interval=10.0, clock=FakeClock())
    repeats.error("failed: %s", Failure("first"))
    failure = Failure("second")
    ref = weakref.ref(failure)
    repeats.error("failed: %s", failure)
    del failure
    gc.collect()
    assert ref() is None
    assert repeats.suppressed() == 1


def test_past_max_templates_the_oldest_is_flushed_and_forgotten(
        logger: logging.Logger, caplog: pytest.LogCaptureFixture) -> None:
    clock = FakeClock()
    repeats = RepeatLimiter(logger, interval=10.0, clock=clock, maxTemplates=2)
    with caplog.at_level(logging.DEBUG, logger.name):
        repeats.warning("a %s", 1)
        repeats.warning("a %s", 2)              # suppressed
        repeats.warning("b %s", 1)
        repeats.warning("c %s", 1)              # evicts "a", reporting its count
        assert repeats.warning("a %s", 3) is True   # "a" was forgotten: logged at once
    assert lines(caplog) == ["a 1", "b 1", "a 2 (once more in the last 0 s)", "c 1", "a 3"]


@pytest.mark.parametrize("interval", [0, -1.0, True, "10"])
def test_the_interval_must_be_a_positive_number(logger: logging.Logger,
                                                interval: object) -> None:
    with pytest.raises(ValueError, match=rf"interval must be a number of seconds > 0, "
                                         rf"not {interval!r}"):
        RepeatLimiter(logger, interval=interval)  # type: ignore[arg-type]


def test_it_needs_a_logger() -> None:
    with pytest.raises(TypeError, match=r"RepeatLimiter needs a logging.Logger, not 'log'"):
        RepeatLimiter("log")  # type: ignore[arg-type]


@pytest.mark.parametrize("count", [0, 1.5, False])
def test_max_templates_must_be_a_positive_int(logger: logging.Logger, count: object) -> None:
    with pytest.raises(ValueError, match=rf"maxTemplates must be an int >= 1, not {count!r}"):
        RepeatLimiter(logger, maxTemplates=count)  # type: ignore[arg-type]


def test_forget_all_reports_and_resets_every_limiter(logger: logging.Logger,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    clock = FakeClock()
    first = RepeatLimiter(logger, interval=10.0, clock=clock)
    second = RepeatLimiter(logger, interval=10.0, clock=clock)
    with caplog.at_level(logging.DEBUG, logger.name):
        for limiter in (first, second):
            limiter.warning("x %s", 1)
            limiter.warning("x %s", 2)
        assert forgetAll() >= 2
        assert first.warning("x %s", 3) is True
        assert second.warning("x %s", 3) is True
    assert lines(caplog).count("x 2 (once more in the last 0 s)") == 2


def test_forget_all_without_report_drops_the_counts_silently(
        logger: logging.Logger, caplog: pytest.LogCaptureFixture) -> None:
    repeats = RepeatLimiter(logger, interval=10.0, clock=FakeClock())
    with caplog.at_level(logging.DEBUG, logger.name):
        repeats.warning("y %s", 1)
        repeats.warning("y %s", 2)
        assert forgetAll(report=False) == 0
        assert repeats.suppressed() == 0
        assert repeats.warning("y %s", 3) is True
    assert lines(caplog) == ["y 1", "y 3"]
