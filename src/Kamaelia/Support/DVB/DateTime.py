"""DVB dates and times: Modified Julian Dates, BCD, and the UTC and duration fields of SI tables.

Example Usage
-------------
Read the start time and duration of an event (EIT), or the time of a TDT,
and write them::

    from datetime import datetime, timedelta, timezone
    from Kamaelia.Support.DVB.DateTime import (parseMJD, unBCD, parseUTC, parseDuration,
                                               encodeUTC, encodeDuration)

    assert parseMJD(0xC079) == (1993, 10, 13)
    assert unBCD(0x45) == 45

    start = parseUTC(bytes.fromhex("C079124500"))     # EN 300 468's own example
    assert start == datetime(1993, 10, 13, 12, 45, tzinfo=timezone.utc)
    assert parseUTC(b"\\xff" * 5) is None                # "undefined"
    assert parseDuration(bytes.fromhex("013045")) == timedelta(hours=1, minutes=30, seconds=45)

    assert encodeUTC(start) == bytes.fromhex("C079124500")
    assert encodeDuration(timedelta(minutes=90)) == bytes.fromhex("013000")

How does it work?
-----------------
ETSI EN 300 468 Annex C. A date is a 16-bit Modified Julian Date: days
since 1858-11-17 (so 0xFFFF is 2038-04-22, the last day it can say). The
time fields are Binary Coded Decimal, two decimal digits a byte (0x45 is
45). ``UTC_time`` (in the EIT, TDT and TOT) is 40 bits: the MJD and then
hours, minutes and seconds in BCD; all 40 bits set mean "undefined" (e.g.
the start of an event of an NVOD reference service). A duration is 24 bits:
hours, minutes, seconds in BCD.

* :func:`parseMJD` gives ``(year, month, day)``, as 1.14 did. Annex C
  gives a floating-point formula that holds from 1900-03-01 to 2100-02-28;
  we count days from the epoch with ``datetime.date`` instead, which agrees
  with the formula wherever it holds and is also right before 1900-03-01.
* :func:`parseUTC` gives a timezone-aware ``datetime`` in UTC, or ``None``
  for the undefined value; :func:`parseDuration` a ``timedelta``, or
  ``None`` when all 24 bits are set. A leap second (``23:59:60``) is the
  first second of the next day (a ``datetime`` cannot hold second 60).
* :func:`encodeUTC` and :func:`encodeDuration` are their inverses, for
  writers of tables (``None`` gives the all-ones "undefined"). A naive
  ``datetime`` is taken to be UTC; an aware one is converted to UTC.
  Fractions of a second are dropped (the fields count whole seconds).
  :func:`toMJD` and :func:`toBCD` are the inverses of :func:`parseMJD`
  and :func:`unBCD`.

Anything that is not a valid field raises :class:`DateError` (a
``ValueError``), saying what and where: a BCD nibble above 9, hours above 23
(99 in a duration), minutes or seconds above 59, a field of the wrong length,
an MJD outside 16 bits, a time outside the dates an MJD can hold.

Differences from 1.14
---------------------
1.14's module raised ``NotImplementedError`` on import ("bit rot"). Its
``unBCD`` turned a nibble above 9 into a wrong number (0x1A was 20); here it
raises :class:`DateError`. ``parseUTC``, ``parseDuration``, the encoders,
``toMJD`` and ``toBCD`` are new (1.14's table parsers did this arithmetic
inline, into lists of numbers).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

__all__ = ["DateError", "MJD_EPOCH", "parseMJD", "toMJD", "unBCD", "toBCD", "parseUTC",
           "parseDuration", "encodeUTC", "encodeDuration"]

#: Day 0 of the Modified Julian Date.
MJD_EPOCH = date(1858, 11, 17)
_LAST_DAY = MJD_EPOCH + timedelta(days=0xFFFF)


class DateError(ValueError):
    """A DVB date, time or duration field that is not valid (bad BCD, out of range)."""


def parseMJD(MJD: int) -> tuple[int, int, int]:
    """parseMJD(MJD) -> (year, month, day) of a 16-bit Modified Julian Date."""
    if not 0 <= MJD <= 0xFFFF:
        raise DateError(f"an MJD is a 16-bit number, not {MJD!r}")
    day = MJD_EPOCH + timedelta(days=MJD)
    return day.year, day.month, day.day


def toMJD(day: date) -> int:
    """toMJD(day) -> the Modified Julian Date of a ``date`` (or of a ``datetime``'s date)."""
    if isinstance(day, datetime):
        day = day.date()
    mjd = (day - MJD_EPOCH).days
    if not 0 <= mjd <= 0xFFFF:
        raise DateError(f"{day.isoformat()} is outside the dates a 16-bit MJD can hold "
                        f"({MJD_EPOCH.isoformat()} to {_LAST_DAY.isoformat()})")
    return mjd


def unBCD(byte: int) -> int:
    """unBCD(byte) -> the number 0-99 that a byte of two BCD digits holds."""
    if not 0 <= byte <= 0xFF:
        raise DateError(f"a BCD byte is 0 to 0xFF, not {byte!r}")
    high, low = byte >> 4, byte & 0x0F
    if high > 9 or low > 9:
        raise DateError(f"{byte:#04x} is not two BCD digits")
    return high * 10 + low


def toBCD(value: int) -> int:
    """toBCD(value) -> the byte of two BCD digits for 0-99."""
    if not 0 <= value <= 99:
        raise DateError(f"two BCD digits hold 0 to 99, not {value!r}")
    return (value // 10) << 4 | value % 10


def _field(data: bytes | bytearray | memoryview, size: int, what: str) -> bytes:
    field = bytes(data)
    if len(field) != size:
        raise DateError(f"{what} is {size} bytes, not {len(field)}: {field.hex()!r}")
    return field


def _hms(field: bytes, what: str, maxHours: int) -> tuple[int, int, int]:
    try:
        hours, minutes, seconds = unBCD(field[0]), unBCD(field[1]), unBCD(field[2])
    except DateError as exc:
        raise DateError(f"{what} {field.hex()!r}: {exc}") from None
    if hours > maxHours or minutes > 59 or seconds > (60 if maxHours == 23 else 59):
        raise DateError(f"{what} {field.hex()!r} is not a time: "
                        f"{hours:02d}:{minutes:02d}:{seconds:02d}")
    return hours, minutes, seconds


def parseUTC(data: bytes | bytearray | memoryview) -> datetime | None:
    """parseUTC(data) -> aware ``datetime`` (UTC) of a 40-bit UTC_time field, or None if undefined.

    ``data`` is the field's 5 bytes: the MJD, then hours, minutes, seconds
    in BCD. All bytes 0xFF is "undefined" (None). Raises :class:`DateError`.
    """
    field = _field(data, 5, "a UTC_time field")
    if field == b"\xff" * 5:
        return None
    year, month, day = parseMJD((field[0] << 8) | field[1])
    hours, minutes, seconds = _hms(field[2:], "the time of UTC_time", 23)
    return (datetime(year, month, day, hours, minutes, tzinfo=timezone.utc)
            + timedelta(seconds=seconds))


def parseDuration(data: bytes | bytearray | memoryview) -> timedelta | None:
    """parseDuration(data) -> ``timedelta`` of a 24-bit BCD hhmmss duration, or None if all 0xFF.

    Raises :class:`DateError`.
    """
    field = _field(data, 3, "a duration field")
    if field == b"\xff" * 3:
        return None
    hours, minutes, seconds = _hms(field, "the duration", 99)
    return timedelta(hours=hours, minutes=minutes, seconds=seconds)


def encodeUTC(when: datetime | None) -> bytes:
    """encodeUTC(when) -> the 5 bytes of a UTC_time field (None: all 0xFF, "undefined").

    A naive ``when`` is taken as UTC; fractions of a second are dropped.
    Raises :class:`DateError` for a time outside the dates an MJD can hold.
    """
    if when is None:
        return b"\xff" * 5
    if not isinstance(when, datetime):
        raise TypeError(f"encodeUTC takes a datetime or None, not {when!r}")
    if when.tzinfo is not None:
        when = when.astimezone(timezone.utc)
    mjd = toMJD(when.date())
    return (mjd.to_bytes(2, "big")
            + bytes([toBCD(when.hour), toBCD(when.minute), toBCD(when.second)]))


def encodeDuration(duration: timedelta | None) -> bytes:
    """encodeDuration(duration) -> the 3 BCD bytes hhmmss (None: all 0xFF).

    Fractions of a second are dropped. Raises :class:`DateError` for a
    negative duration or one of 100 hours or more.
    """
    if duration is None:
        return b"\xff" * 3
    if not isinstance(duration, timedelta):
        raise TypeError(f"encodeDuration takes a timedelta or None, not {duration!r}")
    total = duration.days * 86400 + duration.seconds
    if not 0 <= total < 100 * 3600:
        raise DateError(f"a DVB duration is 0 to 99:59:59, not {duration!r}")
    return bytes([toBCD(total // 3600), toBCD(total // 60 % 60), toBCD(total % 60)])
