"""Recording rules: titles, channels and time windows match as documented, the
widest padding wins, and a rules file with anything wrong in it is refused
with a RulesError that says where and what -- and nothing else escapes."""

from __future__ import annotations

import json
import textwrap
import time as clock
from datetime import datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any, Iterator
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given, settings, strategies as st

from Kamaelia.Apps.TVRecorder import rules as rulesModule
from Kamaelia.Apps.TVRecorder.rules import (DEFAULT_PADDING_AFTER, DEFAULT_PADDING_BEFORE, Rule,
                                            RuleSet, RulesError, loadRules, parseRules)

UTC = timezone.utc
LONDON = "Europe/London"
FRIDAY = datetime(2024, 3, 1, tzinfo=UTC)          # a Friday, in GMT (UTC+0)


def programme(name: Any = "Newsnight", start: Any = FRIDAY + timedelta(hours=22, minutes=30),
              minutes: int = 45) -> dict[str, Any]:
    return {"name": name, "start": start, "duration": timedelta(minutes=minutes)}


def at(day: datetime, hour: int, minute: int = 0) -> dict[str, Any]:
    return programme(start=day + timedelta(hours=hour, minutes=minute))


# ----------------------------------------------------------------- titles

def test_an_exact_title_ignores_case_and_white_space_but_not_other_words() -> None:
    rule = Rule(title="Newsnight")
    assert rule.matches(programme("Newsnight"), "BBC TWO")
    assert rule.matches(programme("  NEWSNIGHT "), "BBC TWO")
    assert not rule.matches(programme("Newsnight Review"), "BBC TWO")
    assert Rule(title="Match  of the Day").matches(programme("match of\tthe day"), None)


def test_an_exact_title_can_be_case_sensitive() -> None:
    rule = Rule(title="Newsnight", case_sensitive=True)
    assert rule.matches(programme("Newsnight"), None)
    assert not rule.matches(programme("NEWSNIGHT"), None)


def test_title_contains_finds_a_part_of_the_title() -> None:
    rule = Rule(title_contains="horizon")
    assert rule.matches(programme("New: Horizon: The Moon"), None)
    assert not rule.matches(programme("Hori zon"), None)
    assert not Rule(title_contains="horizon", case_sensitive=True).matches(
        programme("Horizon"), None)


def test_a_title_regex_is_searched_for_and_anchors_make_it_whole() -> None:
    assert Rule(title_regex=r"of the day").matches(programme("Match of the Day 2"), None)
    whole = Rule(title_regex=r"^Match of the Day( 2)?$")
    assert whole.matches(programme("match of the day 2"), None)      # ignoring case
    assert not whole.matches(programme("Match of the Day Live"), None)
    strict = Rule(title_regex=r"^Match", case_sensitive=True)
    assert strict.matches(programme("Match of the Day"), None)
    assert not strict.matches(programme("match of the day"), None)


def test_a_programme_without_a_usable_title_matches_no_title_rule() -> None:
    for title in (None, 42):
        assert not Rule(title="x").matches(programme(title), None)
        assert not Rule(title_regex="x").matches(programme(title), None)
    assert not Rule(title_contains="x").matches({"start": FRIDAY}, None)
    assert Rule(channels=("BBC ONE",)).matches({}, "BBC ONE")        # no title condition


# ----------------------------------------------------------------- channels

def test_channels_are_any_of_the_names_ignoring_case() -> None:
    rule = Rule(title="Horizon", channels=("BBC TWO", "BBC FOUR"))
    assert rule.matches(programme("Horizon"), "BBC FOUR")
    assert rule.matches(programme("Horizon"), "bbc  two")
    assert not rule.matches(programme("Horizon"), "BBC ONE")
    assert not rule.matches(programme("Horizon"), None)
    assert Rule(title="Horizon").matches(programme("Horizon"), None)   # any channel
    assert Rule(channels=["BBC ONE"]).channels == ("BBC ONE",)  # type: ignore[arg-type]


# ----------------------------------------------------------------- windows

def test_a_window_takes_programmes_starting_from_from_until_until() -> None:
    rule = Rule(title="Newsnight", from_time=time(22), until_time=time(23), timezone="UTC")
    assert rule.matches(at(FRIDAY, 22), None)                   # from is included
    assert rule.matches(at(FRIDAY, 22, 59), None)
    assert not rule.matches(at(FRIDAY, 23), None)               # until is not
    assert not rule.matches(at(FRIDAY, 21, 59), None)


def test_a_window_without_until_runs_to_midnight_and_without_from_starts_there() -> None:
    evening = Rule(from_time=time(18), timezone="UTC")
    assert evening.matches(at(FRIDAY, 23, 59), None) and not evening.matches(at(FRIDAY, 17), None)
    morning = Rule(until_time=time(6), timezone="UTC")
    assert morning.matches(at(FRIDAY, 0), None) and not morning.matches(at(FRIDAY, 6), None)


def test_days_alone_take_the_whole_day() -> None:
    weekend = Rule(days=frozenset({5, 6}), timezone="UTC")
    assert weekend.matches(at(FRIDAY + timedelta(days=1), 0), None)         # Saturday
    assert weekend.matches(at(FRIDAY + timedelta(days=2), 23, 59), None)    # Sunday
    assert not weekend.matches(at(FRIDAY, 23, 59), None)
    assert not weekend.matches(at(FRIDAY + timedelta(days=3), 0), None)     # Monday


def test_a_window_crossing_midnight_belongs_to_the_day_it_opens_on() -> None:
    rule = Rule(title="Newsnight", days=frozenset({4}), from_time=time(23), until_time=time(2),
                timezone="UTC")                                             # Fridays
    saturday, thursday = FRIDAY + timedelta(days=1), FRIDAY - timedelta(days=1)
    assert rule.matches(at(FRIDAY, 23, 30), None)
    assert rule.matches(at(saturday, 1, 59), None)          # Friday night, after midnight
    assert not rule.matches(at(saturday, 2), None)
    assert not rule.matches(at(saturday, 23, 30), None)     # Saturday evening: not asked for
    assert not rule.matches(at(FRIDAY, 1), None)            # that was Thursday night
    assert Rule(days=frozenset({3}), from_time=time(23), until_time=time(2),
                timezone="UTC").matches(at(FRIDAY, 1), None)
    assert not rule.matches(at(thursday, 23, 30), None)
    assert not rule.matches(at(FRIDAY, 12), None)           # the middle of the day is outside


def test_sunday_night_crossing_midnight_wraps_to_monday_morning() -> None:
    rule = Rule(days=frozenset({6}), from_time=time(22), until_time=time(1), timezone="UTC")
    monday = FRIDAY + timedelta(days=3)
    assert rule.matches(at(monday, 0, 30), None)
    assert not rule.matches(at(monday, 22, 30), None)


def test_the_window_is_local_time_including_on_the_day_summer_time_starts() -> None:
    # UK clocks went forward at 01:00 UTC on 31 March 2024: 19:30 UTC is 19:30
    # local the day before and 20:30 local on the day itself.
    rule = Rule(title="Newsnight", from_time=time(20), until_time=time(21), timezone=LONDON)
    saturday, sunday = datetime(2024, 3, 30, tzinfo=UTC), datetime(2024, 3, 31, tzinfo=UTC)
    assert not rule.matches(at(saturday, 19, 30), None)
    assert rule.matches(at(sunday, 19, 30), None)
    assert rule.matches(at(saturday, 20, 30), None)
    # the hour that does not happen (01:00-02:00 local) takes nothing
    lost = Rule(from_time=time(1), until_time=time(2), timezone=LONDON)
    assert not lost.matches(at(sunday, 0, 59), None)         # 00:59 GMT
    assert not lost.matches(at(sunday, 1, 0), None)          # 02:00 BST


def test_the_hour_that_happens_twice_when_summer_time_ends_matches_twice() -> None:
    # 27 October 2024: 01:30 local is 00:30 UTC (BST) and again 01:30 UTC (GMT).
    rule = Rule(from_time=time(1), until_time=time(2), days=frozenset({6}), timezone=LONDON)
    sunday = datetime(2024, 10, 27, tzinfo=UTC)
    assert rule.matches(at(sunday, 0, 30), None)
    assert rule.matches(at(sunday, 1, 30), None)
    assert not rule.matches(at(sunday, 2, 0), None)          # 02:00 GMT


@pytest.fixture
def machine_zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """This process's local zone set to New York for the test (then put back)."""
    monkeypatch.setenv("TZ", "America/New_York")
    clock.tzset()
    yield
    monkeypatch.undo()
    clock.tzset()


def test_without_a_timezone_the_window_is_in_the_machines_zone(machine_zone: None) -> None:
    rule = Rule(from_time=time(20), until_time=time(21))
    # 20:30 in New York (EST, UTC-5) is 01:30 UTC the next day
    assert rule.matches(at(FRIDAY + timedelta(days=1), 1, 30), None)
    assert not rule.matches(at(FRIDAY, 20, 30), None)


def test_a_naive_start_is_utc_and_an_unknown_start_matches_no_window() -> None:
    rule = Rule(from_time=time(22), until_time=time(23), timezone=LONDON)
    assert rule.matches(programme(start=datetime(2024, 3, 1, 22, 30)), None)
    assert not rule.matches(programme(start=None), None)
    assert not rule.matches({"name": "Newsnight"}, None)
    assert Rule(title="Newsnight").matches(programme(start=None), None)      # no window


# ----------------------------------------------------------------- padding

def test_when_several_rules_match_the_widest_padding_is_used() -> None:
    rules = RuleSet((Rule(title="Newsnight", padding_before=30, padding_after=600),
                     Rule(channels=("BBC TWO",), padding_before=120, padding_after=60),
                     Rule(title="Other", padding_before=900, padding_after=900)))
    news = programme("Newsnight")
    assert [r.padding_before for r in rules.match(news, "BBC TWO")] == [30.0, 120.0]
    assert rules.padding(news, "BBC TWO") == (120.0, 600.0)
    assert rules.padding(news, "BBC ONE") == (30.0, 600.0)
    assert rules.padding(programme("Panorama"), "BBC ONE") is None


def test_rules_default_to_the_module_padding() -> None:
    rule = Rule(title="x")
    assert (rule.padding_before, rule.padding_after) == (DEFAULT_PADDING_BEFORE,
                                                         DEFAULT_PADDING_AFTER)


# ----------------------------------------------------------------- a Rule's own checks

@pytest.mark.parametrize("arguments, message", [
    ({"title": "a", "title_regex": "b"}, "give one of title, title_contains and title_regex, "
                                         "not title and title_regex"),
    ({"title": "  "}, "title = '  ': must be a string that is not empty"),
    ({"title_regex": "(x"}, "title_regex = '(x': not a valid regular expression"),
    ({"title_regex": "a{99999999999}"}, "title_regex = 'a{99999999999}': not a valid"),
    ({"title_regex": "(" * 2000 + ")" * 2000}, "not a valid regular expression"),
    ({"channels": ("BBC ONE", "")}, "channels = '': a channel is a service name"),
    ({"channels": "BBC ONE"}, "channels = 'BBC ONE': must be a list of service names"),
    ({"days": frozenset({7})}, "days = 7: a day is a number from 0 (Monday) to 6"),
    ({"days": "sat"}, "days = 'sat': must be a collection of day numbers"),
    ({"from_time": time(20, tzinfo=UTC)}, "from = datetime.time(20, 0, tzinfo="),
    ({"from_time": time(20), "until_time": time(20)}, "from and until are both 20:00:00"),
    ({"until_time": time(0)}, "from and until are both 00:00:00 (from left out is 00:00)"),
    ({"timezone": "Mars/Olympus"}, "timezone = 'Mars/Olympus': no such time zone"),
    ({"timezone": "../etc"}, "timezone = '../etc': no such time zone"),
    ({"padding_before": -1}, "padding_before = -1: must be a number of seconds from 0 to 86400"),
    ({"padding_after": float("nan")}, "padding_after = nan: must be a number of seconds"),
    ({"padding_after": True}, "padding_after = True: must be a number of seconds"),
    ({"case_sensitive": "yes"}, "case_sensitive = 'yes': must be true or false"),
    ({"name": 3}, "name = 3: must be a string"),
])
def test_a_rule_refuses_bad_values_naming_them(arguments: dict[str, Any], message: str) -> None:
    with pytest.raises(RulesError) as caught:
        Rule(**arguments)
    assert message in str(caught.value)


# ----------------------------------------------------------------- the file

def documented_example() -> str:
    """The example rules file in the module's docstring."""
    doc = rulesModule.__doc__ or ""
    block = doc.split("A rules file (``kamaelia record --rules rules.toml``)::\n", 1)[1]
    return textwrap.dedent(block.split("How does it work?", 1)[0])


def test_the_documented_example_file_reads_as_it_says() -> None:
    rules = parseRules(documented_example(), source="rules.toml")
    assert rules.out == Path("/srv/recordings") and rules.source == "rules.toml"
    soap, horizon, football, news = rules.rules
    assert (soap.name, soap.title, soap.channels) == ("soap", "Neighbours", ())
    assert horizon.title_contains == "Horizon" and horizon.channels == ("BBC TWO", "BBC FOUR")
    assert football.title_regex == "^Match of the Day( 2)?$" and football.case_sensitive
    assert football.days == {5, 6} and (football.from_time, football.until_time) == (time(22),
                                                                                     time(1))
    assert (football.padding_before, football.padding_after) == (60.0, 600.0)
    assert news.channels == ("BBC NEWS",) and news.title is None and not news.hasWindow
    assert all(rule.timezone == LONDON for rule in rules.rules)
    # Sunday 00:30 BST (23:30 UTC Saturday, in May): Saturday night's window
    motd = programme("Match of the Day", datetime(2024, 5, 4, 23, 30, tzinfo=UTC))
    assert rules.match(motd, "BBC ONE") == [football]
    assert rules.match(programme("Anything at all"), "bbc news") == [news]


def test_file_defaults_apply_unless_a_rule_gives_its_own() -> None:
    rules = parseRules("""
        padding_before = 10
        padding_after = 20.5
        timezone = "Asia/Tokyo"
        [[record]]
        title = "A"
        [[record]]
        title = "B"
        padding_before = 0
        timezone = "UTC"
        [[channel]]
        name = "BBC ONE"
        padding_after = 5
    """)
    a, b, channel = rules.rules
    assert (a.padding_before, a.padding_after, a.timezone) == (10.0, 20.5, "Asia/Tokyo")
    assert (b.padding_before, b.padding_after, b.timezone) == (0.0, 20.5, "UTC")
    assert (channel.padding_before, channel.padding_after) == (10.0, 5.0)
    assert rules.out is None and len(rules) == 3


def test_times_may_be_toml_times_and_days_names_or_groups() -> None:
    rule, = parseRules("""
        [[record]]
        channel = "BBC ONE"
        from = 21:30:00
        until = "6:05"
        days = ["Monday", "weekends", "fri"]
    """).rules
    assert (rule.from_time, rule.until_time) == (time(21, 30), time(6, 5))
    assert rule.days == {0, 4, 5, 6}
    assert parseRules('[[record]]\ndays = "weekdays"\n').rules[0].days == {0, 1, 2, 3, 4}


def test_an_empty_file_has_no_rules() -> None:
    assert parseRules("").rules == () and parseRules(b"# nothing\n").rules == ()


def test_load_rules_reads_a_file_and_names_it(tmp_path: Path) -> None:
    path = tmp_path / "rules.toml"
    path.write_text('[[record]]\nname = "n"\ntitle = "Newsnight"\n', encoding="utf-8")
    rules = loadRules(path)
    assert rules.source == str(path) and rules.rules[0].title == "Newsnight"
    path.write_text('[[record]]\ntitle = "Newsnight"\ndays = ["someday"]\n', encoding="utf-8")
    with pytest.raises(RulesError, match=rf"^{path}: \[\[record\]\] 1: days = \['someday'\]"):
        loadRules(path)
    with pytest.raises(RulesError, match=rf"^{tmp_path / 'missing.toml'}: cannot read the rules"):
        loadRules(tmp_path / "missing.toml")


BAD_FILES = [
    # (text, the message's beginning after "f.toml: ", words it must also hold)
    ("title = 'x'", "title = 'x': unknown key here: it goes in a [[record]] table",
     ["known keys: out"]),
    ("titel = 'x'", "titel = 'x': unknown key (did you mean 'title' in a [[record]] table", []),
    ("timezon = 'UTC'", "timezon = 'UTC': unknown key (did you mean 'timezone'?)", []),
    ("[[recrod]]\ntitle = 'x'", "recrod = [{'title': 'x'}]: unknown key (did you mean 'record'?)",
     []),
    ("[[record]]\nname = 'n'\ntitel = 'x'",
     "[[record]] 1 ('n'): titel = 'x': unknown key (did you mean 'title'?)", []),
    ("[[record]]\ntitle = 'a'\n[[record]]\nname = 'second'\ntitle_regex = '[a-'",
     "[[record]] 2 ('second'): title_regex = '[a-': not a valid regular expression",
     ["unterminated character set"]),
    ("[[record]]\ntitle = 'a'\ndays = ['sat', 'funday']",
     "[[record]] 1: days = ['sat', 'funday']: 'funday' is not a day", ["weekdays"]),
    ("[[record]]\ntitle = 'a'\ndays = []", "[[record]] 1: days = []: must be a day name", []),
    ("[[record]]\ntitle = 'a'\ndays = [5]", "[[record]] 1: days = [5]: 5 is not a day", []),
    ("[[record]]\ntitle = 'a'\nfrom = '25:00'", "[[record]] 1: from = '25:00': not a time of day",
     ["HH:MM"]),
    ("[[record]]\ntitle = 'a'\nuntil = 1900-01-01T20:00:00",
     "[[record]] 1: until = datetime.datetime(1900, 1, 1, 20, 0): not a time of day", []),
    ("[[record]]\ntitle = 'a'\nfrom = 20:00:00\nuntil = '20:00'",
     "[[record]] 1: from and until are both 20:00:00 (from left out is 00:00): the window "
     "would be empty", []),
    ("[[record]]\ntitle = 'a'\npadding_after = '60'",
     "[[record]] 1: padding_after = '60': must be a number of seconds from 0 to 86400", []),
    ("padding_before = 1e400", "padding_before = inf: must be a number of seconds", []),
    ("padding_before = 100000", "padding_before = 100000: must be a number of seconds", []),
    ("[[record]]\ntitle = 7", "[[record]] 1: title = 7: must be a string", []),
    ("[[record]]\ntitle = 'a'\ncase_sensitive = 1",
     "[[record]] 1: case_sensitive = 1: must be true or false", []),
    ("[[record]]\ntitle = 'a'\ntitle_contains = 'b'",
     "[[record]] 1: give one of title, title_contains and title_regex", []),
    ("[[record]]\ntitle = 'a'\nchannel = 'X'\nchannels = ['Y']",
     "[[record]] 1: give channel (one name) or channels (a list), not both", []),
    ("[[record]]\ntitle = 'a'\nchannel = ['X']",
     "[[record]] 1: channel = ['X']: must be a service name (a string)", []),
    ("[[record]]\ntitle = 'a'\nchannels = 'X'", "[[record]] 1: channels = 'X': must be a list", []),
    ("[[record]]\ntitle = 'a'\nchannels = []", "[[record]] 1: channels = []: must be a list", []),
    ("[[record]]\ntitle = 'a'\nchannels = ['X', 3]",
     "[[record]] 1: channels = 3: a channel is a service name", []),
    ("[[record]]\nname = 'all'", "[[record]] 1 ('all'): has no condition", ["everything"]),
    ("[[record]]\ntitle = 'a'\ntimezone = 'Europe/Londres'",
     "[[record]] 1: timezone = 'Europe/Londres': no such time zone", []),
    ("timezone = 'Nowhere'", "timezone = 'Nowhere': no such time zone", []),
    ("timezone = 3", "timezone = 3: must be a string", []),
    ("out = ''", "out = '': must be a folder's path", []),
    ("out = 5", "out = 5: must be a string", []),
    ("[record]\ntitle = 'a'", "record = {'title': 'a'}: must be [[record]] tables", []),
    ("record = [1]", "[[record]] 1: must be a table of keys, not 1", []),
    ("[[channel]]\npadding_after = 5", "[[channel]] 1: name is missing", ["BBC ONE"]),
    ("[[channel]]\nname = 'BBC ONE'\ntitle = 'x'",
     "[[channel]] 1 ('BBC ONE'): title = 'x': unknown key", []),
    ("[[channel]]\nname = 'BBC ONE'\n[[channel]]\nname = ''",
     "[[channel]] 2 (''): channels = '': a channel is a service name", []),
    ("[[record]\ntitle = 'a'", "not valid TOML:", ["line 1"]),
    ("x = = 1", "not valid TOML:", ["line 1"]),
    ("a = " + "[" * 5000 + "]" * 5000, "not usable TOML: nested too deeply", []),
]


@pytest.mark.parametrize("text, start, words", BAD_FILES)
def test_a_bad_file_is_refused_saying_where_and_what(text: str, start: str,
                                                     words: list[str]) -> None:
    with pytest.raises(RulesError) as caught:
        parseRules(text, source="f.toml")
    message = str(caught.value)
    assert message.startswith("f.toml: " + start), message
    for word in words:
        assert word in message, message
    assert caught.value.source == "f.toml"


def test_a_long_value_is_shortened_in_the_message_but_kept_whole() -> None:
    pattern = "(" * 5000
    with pytest.raises(RulesError) as caught:
        Rule(title_regex=pattern)
    assert len(str(caught.value)) < 300 and caught.value.value == pattern


def test_a_rules_error_carries_its_parts() -> None:
    with pytest.raises(RulesError) as caught:
        parseRules("[[record]]\nname = 'n'\ntitle = 'a'\nfrom = 'noon'", source="f.toml")
    error = caught.value
    assert (error.source, error.rule, error.key, error.value) == ("f.toml", "[[record]] 1 ('n')",
                                                                  "from", "noon")
    assert isinstance(error, ValueError)


def test_text_that_is_not_utf8_is_refused() -> None:
    with pytest.raises(RulesError, match=r"^f.toml: not UTF-8 text \(byte 9\)"):
        parseRules(b"title = '\xff'", source="f.toml")
    with pytest.raises(TypeError, match="not int"):
        parseRules(3)  # type: ignore[arg-type]


# ----------------------------------------------------------------- fuzzing

KEYS = ["out", "timezone", "padding_before", "padding_after", "name", "title", "title_contains",
        "title_regex", "case_sensitive", "channel", "channels", "days", "from", "until", "x"]
VALUES = ['"Europe/London"', '"BBC ONE"', '"(a"', '"^a$"', '"sat"', '["sat", "weekdays"]',
          '"20:00"', "20:00:00", "1979-05-27T07:32:00Z", "60", "-5", "1e400", "nan", "inf",
          "true", "[]", "[1, 2]", "{a = 1}", '""', '"  "', "'a{99999999999}'", '"../x"',
          "0x10", "99999999999999999999999999"]
HEADERS = ["[[record]]"] * 4 + ["[[channel]]"] * 2 + ["[record]", "[channel]", "[[x]]",
                                                       "[record.title]"]

TOML_VALUES = st.sampled_from(VALUES) | st.text(max_size=8).map(
    lambda text: json.dumps(text, ensure_ascii=False))      # (JSON's escapes are TOML's too)
TOML_PAIRS = st.lists(st.tuples(st.sampled_from(KEYS), TOML_VALUES), max_size=5).map(
    lambda pairs: [f"{key} = {value}" for key, value in dict(pairs).items()])  # (keys once)
TOML_TABLES = st.lists(st.tuples(st.sampled_from(HEADERS), TOML_PAIRS), max_size=4)
JUNK = st.none() | st.tuples(st.integers(0, 40), st.text(max_size=20))


@st.composite
def tomlish(draw: st.DrawFn) -> str:
    """Mostly TOML (so that the rules' own checks are reached), now and then not."""
    lines = draw(TOML_PAIRS)
    for header, pairs in draw(TOML_TABLES):
        lines += [header, *pairs]
    junk = draw(JUNK)
    if junk is not None:
        lines.insert(junk[0] % (len(lines) + 1), junk[1])
    return "\n".join(lines)


def programmes() -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({}, optional={
        "name": st.one_of(st.text(max_size=20), st.none(), st.integers()),
        "start": st.one_of(st.datetimes(timezones=st.just(UTC)), st.datetimes(), st.none(),
                           st.text(max_size=3)),
        "duration": st.timedeltas()})


@settings(max_examples=300, deadline=None)
@given(tomlish(), programmes(), st.one_of(st.none(), st.sampled_from(["BBC ONE", "x"])))
def test_parsing_any_text_raises_only_rules_error(text: str, item: dict[str, Any],
                                                  channel: str | None) -> None:
    try:
        rules = parseRules(text, source="fuzz.toml")
    except RulesError as error:
        assert str(error).startswith("fuzz.toml: ")
        return
    matched = rules.match(item, channel)
    assert all(isinstance(rule, Rule) for rule in matched)
    padding = rules.padding(item, channel)
    assert (padding is None) == (not matched)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=60))
def test_parsing_any_bytes_raises_only_rules_error(data: bytes) -> None:
    try:
        parseRules(data)
    except RulesError:
        pass


ZONES = [None, "UTC", LONDON, "America/St_Johns", "Pacific/Chatham", "Asia/Kathmandu"]


def inWindowByDates(rule: Rule, start: datetime) -> bool:
    """The window, said another way: the start's local wall-clock time lies
    in [opening, opening + length) for an opening on one of the days."""
    local = start.astimezone(None if rule.timezone is None else ZoneInfo(rule.timezone))
    wall = local.replace(tzinfo=None)
    opens = rule.from_time or time(0)
    if rule.until_time is None:
        length = timedelta(days=1) - (datetime.combine(wall.date(), opens)
                                      - datetime.combine(wall.date(), time(0)))
    else:
        length = (datetime.combine(wall.date(), rule.until_time)
                  - datetime.combine(wall.date(), opens)) % timedelta(days=1)
    for day in (wall.date(), wall.date() - timedelta(days=1)):
        opening = datetime.combine(day, opens)
        if opening <= wall < opening + length and (not rule.days or day.weekday() in rule.days):
            return True
    return False


@settings(max_examples=300, deadline=None)
@given(st.frozensets(st.integers(0, 6)), st.none() | st.times(), st.none() | st.times(),
       st.sampled_from(ZONES),
       st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2037, 12, 31),
                    timezones=st.just(UTC)))
def test_windows_agree_with_counting_from_each_opening(days: frozenset[int], opens: time | None,
                                                       closes: time | None, zone: str | None,
                                                       start: datetime) -> None:
    assume((opens or time(0)) != closes)
    rule = Rule(days=days, from_time=opens, until_time=closes, timezone=zone)
    expected = inWindowByDates(rule, start) if rule.hasWindow else True
    assert rule.matches({"start": start}, None) == expected
