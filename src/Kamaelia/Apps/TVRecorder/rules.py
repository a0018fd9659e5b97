"""Kamaelia.Apps.TVRecorder.rules: what to record -- rules by title, channel and time.

Example Usage
-------------
Read rules (a file is read with ``loadRules(path)``; text with
``parseRules``) and ask which of them a programme from the EIT matches::

    from datetime import datetime, timedelta, timezone
    from Kamaelia.Apps.TVRecorder.rules import RulesError, parseRules

    rules = parseRules('''
        timezone = "Europe/London"
        padding_after = 300

        [[record]]
        name = "news"
        title_contains = "news"
        channel = "BBC ONE"
        from = "18:00"
        until = "23:00"
    ''', source="example.toml")

    programme = {"name": "BBC News at Ten",
                 "start": datetime(2024, 3, 1, 22, 0, tzinfo=timezone.utc),
                 "duration": timedelta(minutes=35)}
    print([rule.name for rule in rules.match(programme, "BBC ONE")])  # ['news']
    print(rules.match(programme, "BBC TWO"))                          # []
    print(rules.padding(programme, "BBC ONE"))                        # (60.0, 300.0)

    try:
        parseRules('[[record]]\\ntitle_regex = "(unclosed"\\n', source="bad.toml")
    except RulesError as error:         # a ValueError
        print(error)
        # bad.toml: [[record]] 1: title_regex = '(unclosed': not a valid regular
        # expression: missing ), unterminated subpattern at position 0

A rules file (``kamaelia record --rules rules.toml``)::

    # Where recordings go (the default for --out), the zone that days, from
    # and until are read in (default: this machine's), and how much to record
    # before and after each programme, in seconds (defaults 60 and 120).
    out = "/srv/recordings"
    timezone = "Europe/London"
    padding_before = 60
    padding_after = 120

    # Everything on a channel, one recording per programme (1.14's Macro).
    [[channel]]
    name = "BBC NEWS"               # the service name, as the SDT gives it

    # A title, on any channel (as 1.14's PVR matched: whole title, any case).
    [[record]]
    name = "soap"
    title = "Neighbours"

    # Part of a title, on some channels.
    [[record]]
    title_contains = "Horizon"
    channels = ["BBC TWO", "BBC FOUR"]

    # A regular expression, case sensitive, in a weekly window that crosses
    # midnight: starting Saturday 22:00 to Sunday 01:00, or Sunday 22:00 to
    # Monday 01:00; with ten minutes more at the end.
    [[record]]
    name = "football"
    title_regex = '^Match of the Day( 2)?$'
    case_sensitive = true
    channel = "BBC ONE"
    days = ["sat", "sun"]
    from = "22:00"
    until = "01:00"
    padding_after = 600

How does it work?
-----------------
Rules that a rule keeps (the matching is pure: no clock, no I/O):

* A :class:`Rule` matches a programme when *every* condition it has
  holds; a condition left out always holds.
* Title: ``title`` is the whole title, ``title_contains`` a part of it,
  ``title_regex`` a regular expression searched for in it (``re.search``:
  anchor it with ``^``/``$`` for the whole title). At most one of the three.
  Matching ignores case unless ``case_sensitive``; for ``title`` and
  ``title_contains`` runs of white space count as one space and white space
  at the ends is ignored (1.14's PVR stripped and lower-cased titles too).
* Channel: ``channels`` are service names as the SDT gives them ("BBC
  ONE"); any of them will do, compared as titles are, ignoring case (1.14
  compared them exactly).
* Time window: a programme matches when it *starts* inside the window (as
  Tvheadend's "start after"/"start before" do). ``from`` and ``until`` are
  local times of day (``until`` is not included); left out, the window
  starts at midnight or runs to the end of the day. ``days`` (mon ... sun,
  "weekdays", "weekends") are the days the window *opens* on, so a window
  from 22:00 until 01:00 on ["sat"] takes a programme starting at 00:30 on
  Sunday. Local time is the time in ``timezone`` (a zoneinfo name, e.g.
  "Europe/London") or, without one, this machine's, converted per
  programme, so summer time and its change days come out right. A programme
  whose start is unknown matches no rule that has a window.
* Padding: seconds recorded before the programme starts and after it
  ends. When several rules match one programme, :meth:`RuleSet.padding`
  gives the widest: the largest before and the largest after.

A programme, for matching, is a mapping (SimplifyEIT's events are such
mappings)::

    {"name": str,                # the title, from the EIT's short event descriptor
     "start": datetime,          # aware (a naive one is taken as UTC, as DVB times are)
     "duration": timedelta}      # how long it is: the recorder's, matching needs none

A missing or mistyped ``"name"`` matches no title condition; a missing or
mistyped ``"start"``, or one too near the ends of ``datetime``'s range to
be put in local time, matches no window.

The file (TOML, read with ``tomllib``) has the top-level keys ``out``,
``timezone``, ``padding_before`` and ``padding_after`` (defaults for the
rules that do not give their own) and two kinds of table:

* ``[[record]]``: ``name``, one of ``title``/``title_contains``/``title_regex``,
  ``case_sensitive``, ``channel`` (one name) or ``channels`` (a list),
  ``days`` (a name or a list), ``from``, ``until`` ("HH:MM", "HH:MM:SS" or a
  TOML time such as ``22:00:00``), ``timezone``, ``padding_before``,
  ``padding_after``. It needs at least one condition.
* ``[[channel]]``: ``name`` (the service name) and the paddings: every
  programme on that channel, each its own recording.

Anything else -- an unknown key, a value of the wrong type, a bad day,
time, zone or regular expression, padding that is negative or over a day --
raises :class:`RulesError` (a ``ValueError``), whose message names the
file, the rule (``[[record]] 2 ('football')``: its number counting from 1,
and its name), the key and the value; no other exception escapes
:func:`parseRules` or :func:`loadRules`, whatever the text.

What it does not do: it does not know what is on (the EIT and
``Kamaelia.Device.DVB.NowNext`` tell that); it does not resolve clashes
between recordings or count tuners.
"""

from __future__ import annotations

import difflib
import math
import re
import reprlib
import tomllib
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta, timezone, tzinfo
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = ["Rule", "RuleSet", "RulesError", "loadRules", "parseRules",
           "DEFAULT_PADDING_BEFORE", "DEFAULT_PADDING_AFTER", "DAY_NAMES"]

#: Seconds recorded before and after a programme unless the file says otherwise.
DEFAULT_PADDING_BEFORE = 60.0
DEFAULT_PADDING_AFTER = 120.0

#: The days of the week as ``days`` names them; 0 is Monday (``datetime.weekday()``).
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

_MAX_PADDING = 86400.0          # a day: more is surely a slip (minutes for seconds?)
_LONG_DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
                   "sunday")
_DAY_GROUPS: dict[str, frozenset[int]] = {
    **{name: frozenset({day}) for day, name in enumerate(DAY_NAMES)},
    **{name: frozenset({day}) for day, name in enumerate(_LONG_DAY_NAMES)},
    "weekdays": frozenset(range(5)),
    "weekends": frozenset({5, 6}),
}
_TIME_OF_DAY = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?")

# Values in messages: in full unless long (a title the size of a book is still a title).
_shown = reprlib.Repr()
_shown.maxstring = _shown.maxother = 100


class RulesError(ValueError):
    """A rule, or a rules file, that cannot be used.

    ``source`` (the file), ``rule`` (e.g. "[[record]] 2 ('football')"),
    ``key`` and ``value`` say where, when known; ``reason`` says what is
    wrong. ``str(error)`` puts them together.
    """

    def __init__(self, reason: str, *, key: str | None = None, value: Any = None,
                 source: str | None = None, rule: str | None = None) -> None:
        self.reason, self.key, self.value = reason, key, value
        self.source, self.rule = source, rule
        where = [part for part in (source, rule) if part]
        what = reason if key is None else f"{key} = {_shown.repr(value)}: {reason}"
        super().__init__(": ".join([*where, what]))

    def within(self, source: str, rule: str | None = None) -> "RulesError":
        """The same error, said to be in ``source`` (and ``rule``)."""
        return RulesError(self.reason, key=self.key, value=self.value, source=source,
                          rule=rule if rule is not None else self.rule)


# ------------------------------------------------------------ checking values

def _zone(key: str, name: str | None) -> tzinfo | None:
    """The zone called ``name`` (None: this machine's, found per instant)."""
    if name is None:
        return None
    if not isinstance(name, str):
        raise RulesError("a time zone is a name such as 'Europe/London'", key=key, value=name)
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        # ZoneInfo refuses names that are not zones in several ways: not
        # found (a KeyError), a path it will not follow or a file that is no
        # zone (ValueError), a name the file system rejects (OSError).
        raise RulesError("no such time zone (zoneinfo names, e.g. 'Europe/London')",
                         key=key, value=name) from None


def _padding(key: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not (
            math.isfinite(value) and 0 <= value <= _MAX_PADDING):
        raise RulesError(f"must be a number of seconds from 0 to {_MAX_PADDING:.0f}",
                         key=key, value=value)
    return float(value)


def _words(text: str) -> str:
    return " ".join(text.split())


def _folded(text: str, caseSensitive: bool) -> str:
    words = _words(text)
    return words if caseSensitive else words.casefold()


def _compile(pattern: str, caseSensitive: bool) -> re.Pattern[str]:
    try:
        return re.compile(pattern, 0 if caseSensitive else re.IGNORECASE)
    except (re.error, OverflowError, RecursionError) as exc:
        # OverflowError: a repeat count too big; RecursionError: groups
        # nested too deep for the parser. Both are bad patterns too.
        raise RulesError(f"not a valid regular expression: {exc}", key="title_regex",
                         value=pattern) from None


# ------------------------------------------------------------ the rule

@dataclass(frozen=True, slots=True)
class Rule:
    """Rule(title=None, title_contains=None, title_regex=None, case_sensitive=False,
    channels=(), days=frozenset(), from_time=None, until_time=None, timezone=None,
    padding_before=60.0, padding_after=120.0, name=None) -> a recording rule

    - title / title_contains / title_regex -- the whole title, a part of it,
      or a regular expression searched for in it (at most one)
    - case_sensitive -- compare titles with case (channel names never are)
    - channels       -- service names (as in the SDT); empty for any channel
    - days           -- weekdays, 0 (Monday) to 6, the window opens on; empty for every day
    - from_time, until_time -- the window, local ``datetime.time`` (``from``
      and ``until`` in a rules file); None for midnight / the end of the day
    - timezone       -- a zoneinfo name for local time; None for this machine's
    - padding_before, padding_after -- seconds to record before and after
    - name           -- what to call the rule (in logs and errors)

    Raises :class:`RulesError` for a bad value. ``channels`` may be given as
    a list, ``days`` as any collection of day numbers.
    """

    title: str | None = None
    title_contains: str | None = None
    title_regex: str | None = None
    case_sensitive: bool = False
    channels: tuple[str, ...] = ()
    days: frozenset[int] = frozenset()
    from_time: time | None = None
    until_time: time | None = None
    timezone: str | None = None
    padding_before: float = DEFAULT_PADDING_BEFORE
    padding_after: float = DEFAULT_PADDING_AFTER
    name: str | None = None
    # worked out once, from the fields above
    _pattern: re.Pattern[str] | None = field(default=None, init=False, repr=False, compare=False)
    _needle: str | None = field(default=None, init=False, repr=False, compare=False)
    _channelSet: frozenset[str] = field(default=frozenset(), init=False, repr=False,
                                        compare=False)
    _zoneInfo: tzinfo | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.case_sensitive, bool):
            raise RulesError("must be true or false", key="case_sensitive",
                             value=self.case_sensitive)
        if self.name is not None and not isinstance(self.name, str):
            raise RulesError("must be a string", key="name", value=self.name)
        self._checkTitle()
        self._checkChannels()
        self._checkWindow()
        self._set("padding_before", _padding("padding_before", self.padding_before))
        self._set("padding_after", _padding("padding_after", self.padding_after))
        self._set("_zoneInfo", _zone("timezone", self.timezone))

    def _set(self, name: str, value: Any) -> None:
        object.__setattr__(self, name, value)       # (frozen: only while being made)

    def _checkTitle(self) -> None:
        given = [(key, value) for key, value in (("title", self.title),
                                                  ("title_contains", self.title_contains),
                                                  ("title_regex", self.title_regex))
                 if value is not None]
        if len(given) > 1:
            raise RulesError("give one of title, title_contains and title_regex, not "
                             + " and ".join(key for key, _ in given))
        for key, value in given:
            if not isinstance(value, str) or not value.strip():
                raise RulesError("must be a string that is not empty", key=key, value=value)
        if self.title_regex is not None:
            self._set("_pattern", _compile(self.title_regex, self.case_sensitive))
        elif given:
            self._set("_needle", _folded(given[0][1], self.case_sensitive))

    def _checkChannels(self) -> None:
        channels = self.channels
        if not isinstance(channels, (tuple, list)):
            raise RulesError("must be a list of service names", key="channels", value=channels)
        for channel in channels:
            if not isinstance(channel, str) or not channel.strip():
                raise RulesError("a channel is a service name, e.g. 'BBC ONE'",
                                 key="channels", value=channel)
        self._set("channels", tuple(channels))
        self._set("_channelSet", frozenset(_folded(c, False) for c in channels))

    def _checkWindow(self) -> None:
        days = self.days
        if isinstance(days, (str, bytes)) or not isinstance(days, Iterable):
            raise RulesError("must be a collection of day numbers, 0 (Monday) to 6",
                             key="days", value=days)
        days = frozenset(days)
        for day in days:
            if isinstance(day, bool) or not isinstance(day, int) or not 0 <= day <= 6:
                raise RulesError("a day is a number from 0 (Monday) to 6", key="days",
                                 value=day)
        self._set("days", days)
        for key, value in (("from", self.from_time), ("until", self.until_time)):
            if value is not None and (not isinstance(value, time) or value.tzinfo is not None):
                raise RulesError("must be a local time of day (the zone goes in timezone)",
                                 key=key, value=value)
        if (self.from_time or time(0)) == self.until_time:
            raise RulesError(f"from and until are both {self.until_time} (from left out is "
                             "00:00): the window would be empty (leave until out for the "
                             "rest of the day)")

    # -- matching -----------------------------------------------------------

    @property
    def hasWindow(self) -> bool:
        """Whether the rule has days or times of day."""
        return bool(self.days) or self.from_time is not None or self.until_time is not None

    def matches(self, programme: Mapping[str, Any], channel: str | None) -> bool:
        """matches(programme, channel) -> whether this rule records that programme

        ``programme`` is a mapping as the module's docstring says; ``channel``
        the service name it is on (None if not known: no match for a rule
        with channels).
        """
        return (self._titleMatches(programme.get("name"))
                and self._channelMatches(channel)
                and self._startMatches(programme.get("start")))

    def _titleMatches(self, title: Any) -> bool:
        if self._pattern is not None:
            return isinstance(title, str) and self._pattern.search(title) is not None
        if self._needle is None:
            return True
        if not isinstance(title, str):
            return False
        folded = _folded(title, self.case_sensitive)
        return folded == self._needle if self.title is not None else self._needle in folded

    def _channelMatches(self, channel: str | None) -> bool:
        if not self._channelSet:
            return True
        return isinstance(channel, str) and _folded(channel, False) in self._channelSet

    def _startMatches(self, start: Any) -> bool:
        if not self.hasWindow:
            return True
        if not isinstance(start, datetime):
            return False
        if start.tzinfo is None:
            start = start.replace(tzinfo=timezone.utc)
        try:
            local = start.astimezone(self._zoneInfo)    # (None: the machine's zone)
        except (OverflowError, ValueError):
            return False                        # (years 1 and 9999: no broadcast is then)
        return self._inWindow(local.weekday(), local.time())

    def _inWindow(self, day: int, at: time) -> bool:
        opens = self.from_time or time(0)
        closes = self.until_time
        if closes is None or opens < closes:            # within one day
            inside = at >= opens and (closes is None or at < closes)
            return inside and self._onDay(day)
        if at >= opens:                                 # crosses midnight: the evening ...
            return self._onDay(day)
        return at < closes and self._onDay((day - 1) % 7)   # ... and the next morning

    def _onDay(self, day: int) -> bool:
        return not self.days or day in self.days


# ------------------------------------------------------------ a set of rules

@dataclass(frozen=True)
class RuleSet:
    """RuleSet(rules=(), out=None, source="<string>") -> the rules of one file

    - rules  -- the :class:`Rule` objects, ``[[record]]`` tables first, then ``[[channel]]``
    - out    -- where recordings go (the file's ``out``), or None
    - source -- where the rules came from (for messages)
    """

    rules: tuple[Rule, ...] = ()
    out: Path | None = None
    source: str = "<string>"

    def match(self, programme: Mapping[str, Any], channel: str | None) -> list[Rule]:
        """match(programme, channel) -> the rules that record it, in the file's order"""
        return [rule for rule in self.rules if rule.matches(programme, channel)]

    def padding(self, programme: Mapping[str, Any],
                channel: str | None) -> tuple[float, float] | None:
        """padding(programme, channel) -> (seconds before, seconds after), or None

        The widest padding of the rules that match (the largest before, the
        largest after); None when none matches.
        """
        rules = self.match(programme, channel)
        if not rules:
            return None
        return (max(rule.padding_before for rule in rules),
                max(rule.padding_after for rule in rules))

    def __len__(self) -> int:
        return len(self.rules)


# ------------------------------------------------------------ the file format

_TOP_KEYS = ("out", "timezone", "padding_before", "padding_after", "record", "channel")
_RECORD_KEYS = ("name", "title", "title_contains", "title_regex", "case_sensitive",
                "channel", "channels", "days", "from", "until", "timezone",
                "padding_before", "padding_after")
_CHANNEL_KEYS = ("name", "padding_before", "padding_after")


@dataclass(frozen=True)
class _Defaults:
    timezone: str | None
    padding_before: float
    padding_after: float


def _checkKeys(table: Mapping[str, Any], known: Sequence[str],
               elsewhere: Sequence[str] = ()) -> None:
    """Refuse a key not ``known``; ``elsewhere`` are keys of a table inside."""
    inside = " in a [[record]] table (after a [[record]] line)"
    for key in table:
        if key not in known:
            close = difflib.get_close_matches(key, [*known, *elsewhere], n=1)
            hint = ""
            if key in elsewhere:
                hint = f" here: it goes{inside}"
            elif close:
                hint = f" (did you mean {close[0]!r}{'' if close[0] in known else inside}?)"
            raise RulesError(f"unknown key{hint}; known keys: {', '.join(known)}",
                             key=key, value=table[key])


def _string(table: Mapping[str, Any], key: str) -> str | None:
    value = table.get(key)
    if value is not None and not isinstance(value, str):
        raise RulesError("must be a string", key=key, value=value)
    return value


def _timeOfDay(key: str, value: Any) -> time | None:
    if value is None:
        return None
    if isinstance(value, time) and value.tzinfo is None:
        return value
    if isinstance(value, str):
        found = _TIME_OF_DAY.fullmatch(value.strip())
        if found:
            hour, minute, second = found.groups()
            return time(int(hour), int(minute), int(second or 0))
    raise RulesError("not a time of day: 'HH:MM' or 'HH:MM:SS' (00:00 to 23:59:59)",
                     key=key, value=value)


def _days(value: Any) -> frozenset[int]:
    if value is None:
        return frozenset()
    names = [value] if isinstance(value, str) else value
    if not isinstance(names, list) or not names:
        raise RulesError("must be a day name or a list of them", key="days", value=value)
    days: set[int] = set()
    for name in names:
        group = _DAY_GROUPS.get(name.strip().lower()) if isinstance(name, str) else None
        if group is None:
            raise RulesError(f"{name!r} is not a day: {', '.join(DAY_NAMES)} (or the whole "
                             "name), weekdays or weekends", key="days", value=value)
        days |= group
    return frozenset(days)


def _channels(table: Mapping[str, Any]) -> tuple[str, ...]:
    if "channel" in table and "channels" in table:
        raise RulesError("give channel (one name) or channels (a list), not both")
    if "channel" in table:
        channel = table["channel"]
        if not isinstance(channel, str):
            raise RulesError("must be a service name (a string); for several use channels",
                             key="channel", value=channel)
        return (channel,)
    channels = table.get("channels", [])
    if not isinstance(channels, list) or ("channels" in table and not channels):
        raise RulesError("must be a list of service names", key="channels", value=channels)
    return tuple(channels)


def _paddings(table: Mapping[str, Any], defaults: _Defaults) -> tuple[float, float]:
    return (_padding("padding_before", table.get("padding_before", defaults.padding_before)),
            _padding("padding_after", table.get("padding_after", defaults.padding_after)))


def _recordRule(table: Mapping[str, Any], defaults: _Defaults) -> Rule:
    _checkKeys(table, _RECORD_KEYS)
    if not any(key in table for key in ("title", "title_contains", "title_regex", "channel",
                                        "channels", "days", "from", "until")):
        raise RulesError("has no condition, so it would record everything on every "
                         "channel: give a title, channel, days or from/until")
    before, after = _paddings(table, defaults)
    return Rule(title=_string(table, "title"), title_contains=_string(table, "title_contains"),
                title_regex=_string(table, "title_regex"),
                case_sensitive=table.get("case_sensitive", False),
                channels=_channels(table), days=_days(table.get("days")),
                from_time=_timeOfDay("from", table.get("from")),
                until_time=_timeOfDay("until", table.get("until")),
                timezone=table.get("timezone", defaults.timezone),
                name=table.get("name"), padding_before=before, padding_after=after)


def _channelRule(table: Mapping[str, Any], defaults: _Defaults) -> Rule:
    _checkKeys(table, _CHANNEL_KEYS)
    name = _string(table, "name")
    if name is None:
        raise RulesError("name is missing: the service name, as the SDT gives it "
                         "(e.g. 'BBC ONE')")
    before, after = _paddings(table, defaults)
    return Rule(channels=(name,), name=name, timezone=defaults.timezone,
                padding_before=before, padding_after=after)


def _label(kind: str, index: int, table: Any) -> str:
    name = table.get("name") if isinstance(table, dict) else None
    return f"[[{kind}]] {index}" + (f" ({name!r})" if isinstance(name, str) else "")


def _tables(data: Mapping[str, Any], kind: str) -> list[Any]:
    tables = data.get(kind, [])
    if not isinstance(tables, list):
        raise RulesError(f"must be [[{kind}]] tables (an array of tables)", key=kind,
                         value=tables)
    return tables


def _defaults(data: Mapping[str, Any]) -> tuple[_Defaults, Path | None]:
    _checkKeys(data, _TOP_KEYS, elsewhere=_RECORD_KEYS)
    zone = _string(data, "timezone")
    _zone("timezone", zone)
    out = _string(data, "out")
    if out is not None and not out.strip():
        raise RulesError("must be a folder's path, not empty", key="out", value=out)
    defaults = _Defaults(zone, _padding("padding_before",
                                        data.get("padding_before", DEFAULT_PADDING_BEFORE)),
                         _padding("padding_after", data.get("padding_after",
                                                            DEFAULT_PADDING_AFTER)))
    return defaults, None if out is None else Path(out)


def _decode(text: str | bytes, source: str) -> str:
    if isinstance(text, str):
        return text
    try:
        return text.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RulesError(f"not UTF-8 text (byte {exc.start})", source=source) from None


def parseRules(text: str | bytes, source: str = "<string>") -> RuleSet:
    """parseRules(text[, source]) -> RuleSet of the rules in a TOML text

    ``source`` names the text in messages (a file's path). Raises
    :class:`RulesError`, and nothing else, for anything wrong with it.
    """
    if not isinstance(text, (str, bytes)):
        raise TypeError(f"rules are TOML text (str or bytes), not {type(text).__name__}")
    try:
        data = tomllib.loads(_decode(text, source))
    except tomllib.TOMLDecodeError as exc:
        raise RulesError(f"not valid TOML: {exc}", source=source) from None
    except RecursionError:
        # (arrays or tables nested thousands deep exhaust tomllib's recursion)
        raise RulesError("not usable TOML: nested too deeply", source=source) from None
    try:
        defaults, out = _defaults(data)
        records = _tables(data, "record")
        channels = _tables(data, "channel")
    except RulesError as error:
        raise error.within(source) from None
    rules = [_ruleOf(kind, index, table, defaults, source)
             for kind, tables in (("record", records), ("channel", channels))
             for index, table in enumerate(tables, 1)]
    return RuleSet(tuple(rules), out=out, source=source)


def _ruleOf(kind: str, index: int, table: Any, defaults: _Defaults, source: str) -> Rule:
    label = _label(kind, index, table)
    try:
        if not isinstance(table, dict):
            raise RulesError(f"must be a table of keys, not {table!r}")
        return (_recordRule if kind == "record" else _channelRule)(table, defaults)
    except RulesError as error:
        raise error.within(source, label) from None


def loadRules(path: str | Path) -> RuleSet:
    """loadRules(path) -> RuleSet of the rules in a TOML file

    Raises :class:`RulesError`, naming the file, if it cannot be read or
    its rules are wrong.
    """
    source = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise RulesError(f"cannot read the rules: {exc.strerror or exc}", source=source) from None
    return parseRules(data, source)
