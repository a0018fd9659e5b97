"""DVB dates and times (EN 300 468 Annex C): the standard's examples and formula, BCD, fuzz."""

from __future__ import annotations

import importlib
import inspect
import textwrap
from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings, strategies as st

from Kamaelia.Support.DVB.DateTime import (MJD_EPOCH, DateError, encodeDuration, encodeUTC,
                                           parseDuration, parseMJD, parseUTC, toBCD, toMJD,
                                           unBCD)

UTC = timezone.utc


def annexC(mjd: int) -> tuple[int, int, int]:
    """EN 300 468 Annex C's formula from MJD to Y, M, D (valid 1900-03-01 to 2100-02-28)."""
    y_ = int((mjd - 15078.2) / 365.25)
    m_ = int((mjd - 14956.1 - int(y_ * 365.25)) / 30.6001)
    d = mjd - 14956 - int(y_ * 365.25) - int(m_ * 30.6001)
    k = 1 if m_ in (14, 15) else 0
    return 1900 + y_ + k, m_ - 1 - k * 12, d


def test_the_standards_worked_examples() -> None:
    # Annex C: MJD 45 218 is 1982-09-06; the UTC_time field example
    # "93/10/13 12:45:00 is coded as 0xC079124500".
    assert parseMJD(45218) == (1982, 9, 6)
    assert parseMJD(0xC079) == (1993, 10, 13)
    assert parseUTC(bytes.fromhex("C079124500")) == datetime(1993, 10, 13, 12, 45, tzinfo=UTC)
    assert encodeUTC(datetime(1993, 10, 13, 12, 45)) == bytes.fromhex("C079124500")


def test_1_14s_functions_have_its_signatures() -> None:
    assert list(inspect.signature(parseMJD).parameters) == ["MJD"]
    assert list(inspect.signature(unBCD).parameters) == ["byte"]
    assert isinstance(parseMJD(0xC079), tuple)


def test_parseMJD_agrees_with_annex_c_wherever_its_formula_holds() -> None:
    # The formula holds from 1900-03-01 (MJD 15079) to beyond a 16-bit MJD.
    for mjd in range(15079, 0x10000):
        assert parseMJD(mjd) == annexC(mjd), mjd


def test_parseMJD_is_right_before_1900_too() -> None:
    assert parseMJD(0) == (1858, 11, 17)
    assert parseMJD(15078) == (1900, 2, 28)
    assert parseMJD(0xFFFF) == (2038, 4, 22)
    assert annexC(15078) != (1900, 2, 28)       # (where the formula goes wrong)


@pytest.mark.parametrize("mjd", [-1, 0x10000, 1 << 20])
def test_an_MJD_outside_16_bits_is_refused(mjd: int) -> None:
    with pytest.raises(DateError, match=f"an MJD is a 16-bit number, not {mjd}"):
        parseMJD(mjd)


def test_toMJD_is_the_inverse_of_parseMJD() -> None:
    for mjd in (0, 1, 15078, 15079, 45218, 0xC079, 0xFFFF):
        assert toMJD(date(*parseMJD(mjd))) == mjd
    assert toMJD(datetime(1993, 10, 13, 23, 59)) == 0xC079
    with pytest.raises(DateError, match="outside the dates a 16-bit MJD can hold"):
        toMJD(date(2038, 4, 23))
    with pytest.raises(DateError, match="outside"):
        toMJD(MJD_EPOCH - timedelta(days=1))


def test_unBCD_and_toBCD() -> None:
    for value in range(100):
        byte = int(f"{value:02d}", 16)          # "45" read as hex is the BCD byte 0x45
        assert unBCD(byte) == value
        assert toBCD(value) == byte


@pytest.mark.parametrize("byte", [0x0A, 0xA0, 0x1F, 0xFF])
def test_a_nibble_above_9_is_not_BCD(byte: int) -> None:
    with pytest.raises(DateError, match=f"{byte:#04x} is not two BCD digits"):
        unBCD(byte)


@pytest.mark.parametrize("bad", [-1, 0x100])
def test_unBCD_takes_a_byte(bad: int) -> None:
    with pytest.raises(DateError, match="a BCD byte is 0 to 0xFF"):
        unBCD(bad)


def test_toBCD_takes_two_digits() -> None:
    with pytest.raises(DateError, match="two BCD digits hold 0 to 99, not 100"):
        toBCD(100)


def test_an_all_ones_field_is_undefined() -> None:
    assert parseUTC(b"\xff" * 5) is None
    assert parseDuration(b"\xff" * 3) is None
    assert encodeUTC(None) == b"\xff" * 5
    assert encodeDuration(None) == b"\xff" * 3


def test_parseUTC_is_aware_and_in_utc() -> None:
    when = parseUTC(bytes.fromhex("C079235959"))
    assert when == datetime(1993, 10, 13, 23, 59, 59, tzinfo=UTC)
    assert when is not None and when.utcoffset() == timedelta(0)
    assert parseUTC(bytearray.fromhex("0000000000")) == datetime(1858, 11, 17, tzinfo=UTC)


def test_a_leap_second_is_the_first_second_of_the_next_day() -> None:
    assert parseUTC(bytes.fromhex("C079235960")) == datetime(1993, 10, 14, tzinfo=UTC)


@pytest.mark.parametrize("field, message", [
    ("C079240000", r"is not a time: 24:00:00"),
    ("C079126000", r"is not a time: 12:60:00"),
    ("C0791A0000", r"0x1a is not two BCD digits"),
    ("C07912450F", r"0x0f is not two BCD digits"),
    ("C0791245", r"a UTC_time field is 5 bytes, not 4"),
    ("C07912450000", r"is 5 bytes, not 6"),
    ("", r"is 5 bytes, not 0"),
])
def test_bad_UTC_fields_raise_DateError(field: str, message: str) -> None:
    with pytest.raises(DateError, match=message):
        parseUTC(bytes.fromhex(field))


def test_durations() -> None:
    assert parseDuration(bytes.fromhex("013045")) == timedelta(hours=1, minutes=30, seconds=45)
    assert parseDuration(bytes.fromhex("000000")) == timedelta(0)
    assert parseDuration(bytes.fromhex("995959")) == timedelta(hours=99, minutes=59, seconds=59)
    assert encodeDuration(timedelta(minutes=90)) == bytes.fromhex("013000")
    assert encodeDuration(timedelta(hours=26, seconds=1)) == bytes.fromhex("260001")
    assert encodeDuration(timedelta(seconds=59, microseconds=999999)) == bytes.fromhex("000059")


@pytest.mark.parametrize("field, message", [
    ("006000", r"is not a time: 00:60:00"),
    ("000060", r"is not a time: 00:00:60"),
    ("0A0000", r"0x0a is not two BCD digits"),
    ("0130", r"a duration field is 3 bytes, not 2"),
])
def test_bad_durations_raise_DateError(field: str, message: str) -> None:
    with pytest.raises(DateError, match=message):
        parseDuration(bytes.fromhex(field))


@pytest.mark.parametrize("duration", [timedelta(hours=100), timedelta(seconds=-1)])
def test_durations_a_field_cannot_hold_are_refused(duration: timedelta) -> None:
    with pytest.raises(DateError, match="a DVB duration is 0 to 99:59:59"):
        encodeDuration(duration)


def test_encodeUTC_converts_aware_times_and_drops_fractions() -> None:
    plus2 = timezone(timedelta(hours=2))
    assert encodeUTC(datetime(1993, 10, 13, 14, 45, tzinfo=plus2)) == bytes.fromhex("C079124500")
    assert encodeUTC(datetime(1993, 10, 14, 1, 0, tzinfo=plus2)) == bytes.fromhex("C079230000")
    assert encodeUTC(datetime(1993, 10, 13, 12, 45, 0, 999999)) == bytes.fromhex("C079124500")
    with pytest.raises(DateError, match="outside the dates"):
        encodeUTC(datetime(2040, 1, 1))
    with pytest.raises(TypeError, match="encodeUTC takes a datetime or None"):
        encodeUTC(date(1993, 10, 13))  # type: ignore[arg-type]


@settings(max_examples=300, deadline=None)
@given(st.datetimes(min_value=datetime(1858, 11, 17), max_value=datetime(2038, 4, 22, 23, 59, 59)))
def test_UTC_round_trips_to_the_second(when: datetime) -> None:
    assert parseUTC(encodeUTC(when)) == when.replace(microsecond=0, tzinfo=UTC)


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 100 * 3600 - 1))
def test_durations_round_trip(seconds: int) -> None:
    assert parseDuration(encodeDuration(timedelta(seconds=seconds))) == timedelta(seconds=seconds)


@settings(max_examples=300, deadline=None)
@given(st.binary(min_size=5, max_size=5) | st.binary(max_size=8))
def test_any_bytes_give_a_time_None_or_DateError(raw: bytes) -> None:
    for parse in (parseUTC, parseDuration):
        try:
            result = parse(raw)
        except DateError:
            continue
        assert result is None or isinstance(result, (datetime, timedelta))


def test_the_module_docstring_example_runs() -> None:
    doc = importlib.import_module("Kamaelia.Support.DVB.DateTime").__doc__ or ""
    block = doc.split("::\n", 1)[1].split("\nHow does it work?", 1)[0]
    exec(compile(textwrap.dedent(block), "<DateTime docstring>", "exec"), {})
