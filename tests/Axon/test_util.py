"""Tests for Axon.util."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from Axon import util
from Axon.AxonExceptions import invalidComponentInterface


class DictBoxes:
    Inboxes = {"inbox": "data", "control": "shutdown"}
    Outboxes = {"outbox": "data", "signal": "shutdown"}
    name = "test.DictBoxes_1"


class ListBoxes:
    Inboxes = ["inbox", "control"]
    Outboxes = ["outbox"]


def test_logError_logs_the_exception_name_and_arguments(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger="Axon.util"):
        util.logError(ValueError, "bad", 3)
    [record] = caplog.records
    assert record.name == "Axon.util"
    assert record.levelno == logging.ERROR
    assert record.getMessage() == "ValueError('bad', 3)"


def test_axonRaise_raises_the_exception_with_its_arguments() -> None:
    with pytest.raises(KeyError) as info:
        util.axonRaise(KeyError, "k", 2)
    assert info.value.args == ("k", 2)


def test_removeAll_removes_every_occurrence_in_place() -> None:
    xs = [1, 2, 1, 3, 1]
    same = xs
    assert util.removeAll(xs, 1) is None
    assert same == [2, 3]
    util.removeAll(xs, "absent")
    assert xs == [2, 3]


def test_removeAll_matches_by_identity_as_well_as_equality() -> None:
    nan = float("nan")
    xs = [nan, 1.0, nan]
    util.removeAll(xs, nan)
    assert xs == [1.0]


def test_listSubset() -> None:
    assert util.listSubset(["a"], ["a", "b"])
    assert util.listSubset([], [])
    assert not util.listSubset(["a", "c"], ["a", "b"])
    assert util.listSubset(["inbox"], {"inbox": "doc"})
    assert util.listSubset([[1]], [[1], [2]])  # unhashable items
    assert util.listSubset(["a"], (x for x in "abc"))


def test_testInterface_accepts_components_with_every_required_box() -> None:
    assert util.testInterface(DictBoxes(), (["inbox", "control"], ["signal"])) is True
    assert util.testInterface(ListBoxes(), (["inbox"], ["outbox"])) is True
    assert util.testInterface(ListBoxes(), ([], [])) is True


def test_testInterface_names_missing_inboxes() -> None:
    with pytest.raises(
        invalidComponentInterface,
        match=r"^component 'test.DictBoxes_1' is missing inboxes \['wibble'\]$",
    ):
        util.testInterface(DictBoxes(), (["inbox", "wibble"], ["outbox"]))


def test_testInterface_names_missing_outboxes_and_inboxes_together() -> None:
    with pytest.raises(
        invalidComponentInterface,
        match=r"is missing inboxes \['a'\] and outboxes \['signal', 'b'\]$",
    ):
        util.testInterface(ListBoxes(), (["a", "inbox"], ["signal", "b", "outbox"]))


def test_testInterface_is_not_collected_as_a_pytest_test() -> None:
    assert util.testInterface.__test__ is False  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("arg", "expected"),
    [((1, 2), [1, 2]), ("ab", ["a", "b"]), (None, []), (5, []), ({"k": 1}, ["k"])],
)
def test_safeList(arg: Any, expected: list[Any]) -> None:
    assert util.safeList(arg) == expected


def test_safeList_with_no_argument_is_empty() -> None:
    assert util.safeList() == []


def test_safeList_does_not_hide_errors_raised_while_iterating() -> None:
    def broken() -> Any:
        yield 1
        raise TypeError("inside")

    with pytest.raises(TypeError, match="inside"):
        util.safeList(broken())


def test_Finality_is_an_exception() -> None:
    with pytest.raises(util.Finality):
        raise util.Finality()


def test_production_makes_axonRaise_log_and_return_False(
        caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(util, "production", True)
    with caplog.at_level(logging.ERROR, logger="Axon.util"):
        assert util.axonRaise(KeyError, "k") is False
    assert [r.getMessage() for r in caplog.records] == ["KeyError('k',)"]


def test_production_makes_testInterface_return_False_for_missing_boxes(
        caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(util, "production", True)
    with caplog.at_level(logging.ERROR, logger="Axon.util"):
        assert util.testInterface(ListBoxes(), (["wibble"], [])) is False
    assert "invalidComponentInterface" in caplog.text and "wibble" in caplog.text


def test_production_is_off_by_default() -> None:
    assert util.production is False


def test_next_and_vrange_are_the_builtins_1_14_code_imports() -> None:
    from Axon.util import next as axon_next, vrange
    assert axon_next(iter([7])) == 7
    assert list(vrange(3)) == [0, 1, 2]
