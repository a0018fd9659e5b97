"""Tests for Axon.debug, Axon.debugConfigFile and Axon.debugConfigDefaults."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from Axon import debugConfigFile
from Axon.AxonExceptions import AxonException
from Axon.debug import debug
from Axon.debugConfigDefaults import defaultConfig


@pytest.fixture(autouse=True)
def _fresh_shared_state() -> Iterator[None]:
    """Each test starts with no configuration loaded and none read."""
    saved = (debug.configs, debug.noConfig, dict(debugConfigFile.debugConfig))
    debug.configs, debug.noConfig = None, True
    debugConfigFile.debugConfig.clear()
    yield
    debug.configs, debug.noConfig = saved[0], saved[1]
    debugConfigFile.debugConfig.clear()
    debugConfigFile.debugConfig.update(saved[2])


def test_setDebugSections_replaces_all_sections() -> None:
    d = debug()
    d.addDebugSection("old", 3)
    d.setDebugSections(scheduler=5, linkage=1)
    assert d.debugSections == {"scheduler": 5, "linkage": 1}


def test_sections_belong_to_one_object() -> None:
    configured = debug()
    configured.addDebugSection("mine", 2)
    assert configured.areDebugging("mine", 2)
    assert not debug().areDebugging("mine", 0)


def test_addDebug_adds_several_sections_keeping_others() -> None:
    d = debug()
    d.addDebugSection("a", 1)
    d.addDebug(b=2, c=3)
    assert d.debugSections == {"a": 1, "b": 2, "c": 3}


def test_areDebugging_compares_the_section_level() -> None:
    d = debug()
    d.addDebugSection("s", 3)
    assert d.areDebugging("s", 3)
    assert d.areDebugging("s", 1)
    assert not d.areDebugging("s", 4)
    assert not d.areDebugging("unknown", 0)


def test_increase_and_decrease_debug_move_by_five_as_in_1_14() -> None:
    d = debug()
    d.increaseDebug("s")
    d.increaseDebug("s")
    assert d.debugSections["s"] == 10
    d.decreaseDebug("s")
    assert d.debugSections["s"] == 5
    d.decreaseDebug("s")
    d.decreaseDebug("s")
    assert d.debugSections["s"] == 0
    d.decreaseDebug("never configured")
    assert "never configured" not in d.debugSections


def test_debug_and_note_log_only_when_the_section_level_is_high_enough(
    caplog: pytest.LogCaptureFixture,
) -> None:
    d = debug()
    d.setDebugSections(scheduler=2)
    with caplog.at_level(logging.DEBUG, logger="Axon.debug"):
        assert d.debug("scheduler", 2, "ran", 10, "threads") is True
        assert d.note("scheduler", 3, "too detailed") is True
        assert d.debug("other", 0, "not configured") is True
    assert [(r.name, r.levelno, r.getMessage()) for r in caplog.records] == [
        ("Axon.debug.scheduler", logging.DEBUG, "ran 10 threads")
    ]


def test_debug_returns_true_so_it_can_sit_in_an_assert() -> None:
    assert debug().debug("anything", 99, "quiet")


def test_debugmessage_logs_unconditionally(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="Axon.debug"):
        debug().debugmessage("anything", "hello", ("a", 1))
    assert [(r.name, r.getMessage()) for r in caplog.records] == [
        ("Axon.debug.anything", "hello ('a', 1)")
    ]


def test_readConfig_returns_sections_with_levels_and_locations(tmp_path: Path) -> None:
    conf = tmp_path / "debug.conf"
    conf.write_text("# Section level where\n\nscheduler   5 default\n  linkage 2  \n",
                    encoding="utf-8")
    d = debug()
    assert d.readConfig(conf) == {"scheduler": (5, "default"), "linkage": (2, "default")}
    assert d.debugSections == {}          # reading does not apply (useConfig does)
    assert debug.noConfig is False


def test_readConfig_of_an_absent_file_raises_OSError_as_in_1_14(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        debug().readConfig(tmp_path / "absent.conf")
    assert debug.noConfig is True


def test_readConfig_reports_and_skips_malformed_lines(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    conf = tmp_path / "debug.conf"
    conf.write_text("good 1\nbad\nworse x\ntoo many fields 3\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="Axon.debugConfigFile"):
        config = debugConfigFile.readConfig(str(conf))
    assert config == {"good": (1, "default")}
    messages = [r.getMessage() for r in caplog.records]
    assert messages[0] == (f"{conf}:2: ignoring malformed debug config line 'bad' "
                           "(expected 'section level [location]')")
    assert f"{conf}:3:" in messages[1] and f"{conf}:4:" in messages[2]
    assert len(messages) == 3


def test_readConfig_adds_to_the_shared_debugConfig(tmp_path: Path) -> None:
    first, second = tmp_path / "a.conf", tmp_path / "b.conf"
    first.write_text("a 1 here\nshared 1\n", encoding="utf-8")
    second.write_text("shared 7\n", encoding="utf-8")
    debugConfigFile.readConfig(first)
    result = debugConfigFile.readConfig(second)
    assert result is debugConfigFile.debugConfig
    assert result == {"a": (1, "here"), "shared": (7, "default")}


@settings(max_examples=200, derandomize=True, deadline=None)
@given(st.text())
def test_parseConfig_never_raises_and_keeps_only_well_formed_lines(text: str) -> None:
    logging.getLogger("Axon.debugConfigFile").disabled = True
    try:
        config = debugConfigFile.parseConfig(text)
    finally:
        logging.getLogger("Axon.debugConfigFile").disabled = False
    for section, (level, location) in config.items():
        assert isinstance(level, int) and section and not section.startswith("#")
        assert location and not any(ch.isspace() for ch in location)


@settings(max_examples=50, derandomize=True, deadline=None)
@given(st.binary(max_size=200))
def test_readConfig_of_any_bytes_raises_nothing(tmp_path_factory: pytest.TempPathFactory,
                                                data: bytes) -> None:
    conf = tmp_path_factory.mktemp("conf") / "debug.conf"
    conf.write_bytes(data)
    logging.getLogger("Axon.debugConfigFile").disabled = True
    try:
        assert isinstance(debugConfigFile.readConfig(conf), dict)
    finally:
        logging.getLogger("Axon.debugConfigFile").disabled = False


def test_useConfig_reads_debug_conf_in_the_working_directory_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "debug.conf").write_text("x 4 default\n", encoding="utf-8")
    first = debug()
    first.useConfig()
    assert first.debugSections == {"x": 4}
    (tmp_path / "debug.conf").write_text("x 9 default\n", encoding="utf-8")
    second = debug()
    second.useConfig()                # the configuration is shared, not re-read
    assert second.debugSections == {"x": 4}


def test_useConfig_without_a_file_uses_the_defaults(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    d = debug()
    d.useConfig()
    assert debug.configs == defaultConfig()
    assert debug.noConfig is True


def test_defaultConfig_is_a_fresh_empty_configuration() -> None:
    assert defaultConfig() == {}
    assert defaultConfig() is not defaultConfig()


def test_unknown_section_after_reading_a_config_warns_and_raises_if_asked(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    conf = tmp_path / "debug.conf"
    conf.write_text("known 1\n", encoding="utf-8")
    strict = debug()
    strict.useConfig(conf)
    with caplog.at_level(logging.WARNING, logger="Axon.debug"):
        with pytest.raises(AxonException, match=re.escape(
                "BadDebug Undefined section: 'knwon', Message: hello 1")):
            strict.debug("knwon", 1, "hello", 1)
        lenient = debug(assertBadDebug=0)
        assert lenient.debug("knwon", 1, "again") is True
    assert ["'knwon' is not configured" in r.getMessage() for r in caplog.records] == [True, True]


def test_assertBadDebug_is_kept() -> None:
    assert debug(assertBadDebug=0).assertBadDebug == 0
    assert debug().assertBadDebug == 1


def test_parseConfig_skips_a_level_too_long_for_int_and_is_linear_in_lines(
        caplog: pytest.LogCaptureFixture) -> None:
    from Axon.debugConfigFile import parseConfig
    text = "huge " + "9" * 5000 + "\nscheduler 2\n" + "# comment\n" * 10_000
    with caplog.at_level(logging.WARNING, logger="Axon.debugConfigFile"):
        assert parseConfig(text) == {"scheduler": (2, "default")}
    assert any("malformed" in r.getMessage() for r in caplog.records)
