"""Tests for Axon.debug."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from Axon.debug import debug


@pytest.fixture(autouse=True)
def _fresh_sections() -> Iterator[None]:
    saved = dict(debug.debugSections)
    debug.debugSections.clear()
    yield
    debug.debugSections.clear()
    debug.debugSections.update(saved)


def test_setDebugSections_replaces_all_sections() -> None:
    d = debug()
    d.addDebugSection("old", 3)
    d.setDebugSections(scheduler=5, linkage=1)
    assert debug.debugSections == {"scheduler": 5, "linkage": 1}


def test_sections_are_shared_between_instances() -> None:
    debug().addDebugSection("shared", 2)
    assert debug().areDebugging("shared", 2)


def test_addDebug_adds_several_sections_keeping_others() -> None:
    d = debug()
    d.addDebugSection("a", 1)
    d.addDebug(b=2, c=3)
    assert debug.debugSections == {"a": 1, "b": 2, "c": 3}


def test_areDebugging_compares_the_section_level() -> None:
    d = debug()
    d.addDebugSection("s", 3)
    assert d.areDebugging("s", 3)
    assert d.areDebugging("s", 1)
    assert not d.areDebugging("s", 4)
    assert not d.areDebugging("unknown", 0)


def test_increase_and_decrease_debug() -> None:
    d = debug()
    d.increaseDebug("s")
    d.increaseDebug("s")
    assert debug.debugSections["s"] == 2
    d.decreaseDebug("s")
    assert debug.debugSections["s"] == 1
    d.decreaseDebug("s")
    d.decreaseDebug("s")
    assert debug.debugSections["s"] == 0


def test_note_logs_only_when_the_section_level_is_high_enough(
    caplog: pytest.LogCaptureFixture,
) -> None:
    d = debug()
    d.setDebugSections(scheduler=2)
    with caplog.at_level(logging.DEBUG, logger="Axon.debug"):
        d.note("scheduler", 2, "ran", 10, "threads")
        d.note("scheduler", 3, "too detailed")
        d.note("other", 0, "not configured")
    assert [(r.name, r.levelno, r.getMessage()) for r in caplog.records] == [
        ("Axon.debug.scheduler", logging.DEBUG, "ran 10 threads")
    ]


def test_debugmessage_logs_unconditionally(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="Axon.debug"):
        debug().debugmessage("anything", "hello", ("a", 1))
    assert [(r.name, r.getMessage()) for r in caplog.records] == [
        ("Axon.debug.anything", "hello ('a', 1)")
    ]


def test_readConfig_does_nothing_when_the_file_is_absent(tmp_path: Path) -> None:
    debug().readConfig(tmp_path / "absent.conf")
    assert debug.debugSections == {}


def test_readConfig_reads_section_level_lines(tmp_path: Path) -> None:
    conf = tmp_path / "debug.conf"
    conf.write_text("# comment\n\nscheduler 5\n  linkage   2  \n", encoding="utf-8")
    d = debug()
    d.addDebugSection("kept", 1)
    d.addDebugSection("linkage", 9)
    d.readConfig(conf)
    assert debug.debugSections == {"kept": 1, "scheduler": 5, "linkage": 2}


def test_readConfig_reports_and_skips_malformed_lines(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    conf = tmp_path / "debug.conf"
    conf.write_text("good 1\nbad\nworse x\ntoo many 3\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="Axon.debug"):
        debug().readConfig(str(conf))
    assert debug.debugSections == {"good": 1}
    messages = [r.getMessage() for r in caplog.records]
    assert len(messages) == 3
    assert messages[0] == (
        f"{conf}:2: ignoring malformed debug config line 'bad' (expected 'section level')"
    )
    assert f"{conf}:3:" in messages[1] and f"{conf}:4:" in messages[2]


def test_readConfig_default_file_is_debug_conf_in_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    debug().readConfig()
    assert debug.debugSections == {}
    (tmp_path / "debug.conf").write_text("x 4\n", encoding="utf-8")
    debug().readConfig()
    assert debug.debugSections == {"x": 4}


def test_assertion_argument_is_accepted_and_kept() -> None:
    assert debug(assertion=True).assertion is True
    assert debug().assertion is False
