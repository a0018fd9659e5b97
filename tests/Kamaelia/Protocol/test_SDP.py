"""Tests for Kamaelia.Protocol.SDP: session descriptions (RFC 4566) parsed into dicts."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from Axon.Ipc import producerFinished, shutdownMicroprocess
from componentharness import run
from Kamaelia.Protocol import SDP
from Kamaelia.Protocol.SDP import (AllDone, SDPError, SDPParser, SessionDescriptionParser,
                                   ShutdownNow, parseLine)

SEMINAR = """v=0
o=jdoe 2890844526 2890842807 IN IP4 10.47.16.5
s=SDP Seminar
i=A Seminar on the session description protocol
u=http://www.example.com/seminars/sdp.pdf
e=j.doe@example.com (Jane Doe)
c=IN IP4 224.2.17.12/127
t=2873397496 2873404696
a=recvonly
m=audio 49170 RTP/AVP 0
m=video 51372 RTP/AVP 99
a=rtpmap:99 h263-1998/90000""".splitlines()

# What Kamaelia 1.14.32 (Python 2.7) made of SEMINAR, but for the ttl, which
# 1.14 gave as the string '127' when the line had it and the int 127 when not.
CONNECTION = ("IN", "IP4", "224.2.17.12", 127, 1)
SEMINAR_114 = {
    "protocol_version": 0,
    "origin": ("jdoe", 2890844526, 2890842807, "IN", "IP4", "10.47.16.5"),
    "sessionname": "SDP Seminar",
    "information": "A Seminar on the session description protocol",
    "URI": "http://www.example.com/seminars/sdp.pdf",
    "email": "j.doe@example.com (Jane Doe)",
    "connection": CONNECTION,
    "time": [(2873397496, 2873404696, [])],
    "attribute": ["recvonly"],
    "media": [{"media": ("audio", 49170, 1, "RTP/AVP", "0"), "connection": CONNECTION},
              {"media": ("video", 51372, 1, "RTP/AVP", "99"), "connection": CONNECTION,
               "attribute": ["rtpmap:99 h263-1998/90000"]}],
}


def parsed(lines: list[Any], control: Any = None) -> list[dict[str, Any]]:
    return run(SDPParser(), lines, [control or producerFinished()]).got


def test_a_description_parses_to_what_1_14_gave() -> None:
    assert parsed(SEMINAR) == [SEMINAR_114]


def test_a_new_v_line_ends_the_description_before_it() -> None:
    sdp = parsed(SEMINAR + [""] + SEMINAR[:5] + ["t=0 0"])
    assert len(sdp) == 2 and sdp[0] == SEMINAR_114
    assert sdp[1]["time"] == [(0, 0, [])] and sdp[1]["media"] == []


def test_lines_may_come_together_as_bytes_or_with_crlf() -> None:
    assert parsed(["\r\n".join(SEMINAR).encode() + b"\r\n"]) == [SEMINAR_114]


def test_shutdownMicroprocess_sends_nothing_in_progress() -> None:
    stop = shutdownMicroprocess()
    sink = run(SDPParser(), SEMINAR, [stop])
    assert sink.got == [] and sink.control == [stop]


def test_other_control_messages_are_passed_on() -> None:
    sink = run(SDPParser(), SEMINAR, ["note", producerFinished()])
    assert sink.control[0] == "note" and isinstance(sink.control[1], producerFinished)


def test_the_other_line_types_are_read() -> None:
    sdp = parsed(["v=0", "o=u 1 2 IN IP6 ::1", "s=-", "p=+44 20 7946 0000", "b=AS:128",
                  "t=3034423619 3042462419", "r=7d 1h 0 25h", "r=604800 3600 0",
                  "z=2882844526 -1h 2898848070 0", "k=prompt",
                  "m=video 5150/2 RTP/AVP 33", "c=IN IP6 FF1E:03AD::7F2E:172A:1E24/3",
                  "k=clear:secret", "b=X-YZ:5", "i=the video"])
    [one] = sdp
    assert one["origin"] == ("u", 1, 2, "IN", "IP6", "::1")
    assert (one["phone"], one["bandwidth"], one["encryption"]) == (
        "+44 20 7946 0000", [("AS", 128000)], ("prompt", None))
    assert one["time"] == [(3034423619, 3042462419, [(604800, 3600, [0, 90000]),
                                                     (604800, 3600, [0])])]
    assert one["timezone adjustments"] == [(2882844526, -3600), (2898848070, 0)]
    [media] = one["media"]
    assert media == {"media": ("video", 5150, 2, "RTP/AVP", "33"),
                     "connection": ("IN", "IP6", "FF1E:03AD::7F2E:172A:1E24", None, 3),
                     "encryption": ("clear", "secret"), "bandwidth": ("X-YZ", 5000),
                     "information": "the video"}


def test_a_media_description_keeps_its_own_connection() -> None:
    # 1.14 overwrote it with the session's.
    [one] = parsed(SEMINAR[:10] + ["c=IN IP4 10.0.0.1"])
    assert one["media"][0]["connection"] == ("IN", "IP4", "10.0.0.1", 127, 1)


@pytest.mark.parametrize("bad,why", [
    (["v=1"], "only SDP version 0"),
    (["v=0", "s=no origin", "t=0 0", "m=audio 1 RTP/AVP 0", "c=IN IP4 1.2.3.4"], "no o= line"),
    (["v=0", "o=u 1 2 IN IP4 h", "s=x", "s=again"], "a second s= line"),
    (["v=0", "o=u 1 2 IN IP4 h", "s=x", "r=1 2"], "r= must follow a t= line"),
    (["v=0", "o=u 1 2 IN IP4 h", "s=x", "t=0 0", "m=audio 1 RTP/AVP 0", "t=0 0"],
     "t= is not understood in a media description"),
    (["v=0", "o=u 1 2 IN IP4 h", "s=x", "t=0 0", "m=audio 1 RTP/AVP 0", "m=audio 2 RTP/AVP 0"],
     "a media description has no c= line"),
    (["v=0", "o=nonsense", "s=x", "t=0 0"], "cannot read the origin"),
    (["v=0", "o=u 1 2 IN IP4 h", "s=x", "t=0 0", "q=what"], "q= is not understood"),
    (["not an sdp line"], "not an SDP line"),
    (["s=before v"], "starts with v=0"),
], ids=lambda v: str(v)[:30])
def test_a_description_breaking_the_rules_is_dropped_with_a_warning(
        bad: list[str], why: str, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="Kamaelia.Protocol.SDP"):
        sdp = parsed(bad + ["o=skipped 1 1 IN IP4 x"] + SEMINAR)
    assert sdp == [SEMINAR_114]
    messages = [r.getMessage() for r in caplog.records if r.name == "Kamaelia.Protocol.SDP"]
    assert len(messages) == 1 and why in messages[0]


def test_parseLine_gives_type_key_and_value() -> None:
    assert parseLine("c=IN IP4 224.2.1.1/127/3") == ("c", "connection",
                                                     ("IN", "IP4", "224.2.1.1", 127, 3))
    assert parseLine("a=rtpmap:99 h263") == ("a", "attribute", "rtpmap:99 h263")
    with pytest.raises(SDPError) as caught:
        parseLine("b=nonsense")
    assert caught.value.line == "b=nonsense"


def test_the_plain_parser_needs_no_component() -> None:
    parser = SessionDescriptionParser()
    assert [d for line in SEMINAR for d in parser.feed(line)] == []
    assert parser.close() == {**SEMINAR_114, "media": [
        {"media": ("audio", 49170, 1, "RTP/AVP", "0")},
        {"media": ("video", 51372, 1, "RTP/AVP", "99"),
         "attribute": ["rtpmap:99 h263-1998/90000"]}]}
    assert parser.close() is None


def test_handleControl_raises_1_14s_exceptions() -> None:
    parser = SDPParser()
    parser.inboxes["control"].append(producerFinished())
    with pytest.raises(AllDone):
        parser.handleControl()
    parser.inboxes["control"].append(shutdownMicroprocess())
    with pytest.raises(ShutdownNow):
        parser.handleControl()


def test_the_module_lists_its_component() -> None:
    assert SDP.__kamaelia_components__ == (SDPParser,)


LINE = st.sampled_from("vosiuepcbtrzkam").flatmap(lambda kind: st.builds(
    lambda value: f"{kind}={value}",
    st.sampled_from(["0", "u 1 2 IN IP4 h", "IN IP4 1.2.3.4/5", "AS:10", "0 0", "1d 2h",
                     "1 -1h", "prompt", "audio 5 RTP/AVP 0", "x"]) | st.text(max_size=12)))


@settings(max_examples=150, derandomize=True, database=None, deadline=None)
@given(st.lists(LINE | st.text(max_size=15), max_size=10))
def test_any_lines_give_descriptions_or_SDPError_only(lines: list[str]) -> None:
    parser = SessionDescriptionParser()
    found = []
    for line in lines:
        try:
            found += parser.feed(line)
        except SDPError:
            pass
    try:
        last = parser.close()
    except SDPError:
        last = None
    for description in found + ([last] if last else []):
        assert description["protocol_version"] == 0 and isinstance(description["media"], list)


# ------------------------------------------------- limits and hostile input
HUGE = "9" * 5000


@pytest.mark.parametrize("line", [f"o=u {HUGE} 1 IN IP4 h", f"c=IN IP4 1.2.3.4/{HUGE}",
                                  f"b=AS:{HUGE}", f"t={HUGE} 0", f"r={HUGE} 1", f"z={HUGE} 1h",
                                  f"m=audio {HUGE} RTP/AVP 0"])
def test_a_number_too_long_for_python_is_an_SDPError(line: str) -> None:
    with pytest.raises(SDPError, match="cannot read a number"):
        parseLine(line)


def test_the_default_description_limit_is_64_KiB() -> None:
    assert SessionDescriptionParser().maxsize == SDPParser().maxsize == 65536


def test_a_description_over_maxsize_is_dropped_and_the_next_one_read() -> None:
    parser = SessionDescriptionParser(maxsize=200)
    for line in SEMINAR[:4]:
        parser.feed(line)
    with pytest.raises(SDP.DescriptionTooLarge, match="maxsize=200"):
        for _ in range(20):
            parser.feed("a=" + "x" * 10)
    parser.feed("a=skipped")
    found = []
    for line in ["v=0", "o=u 1 2 IN IP4 h", "s=next", "t=0 0"]:
        found += parser.feed(line)
    assert found == [] and parser.close()["sessionname"] == "next"


def test_SDPParser_past_its_limit_logs_signals_and_ends(
        caplog: pytest.LogCaptureFixture) -> None:
    component = SDPParser(maxsize=400)
    with caplog.at_level(logging.ERROR, logger="Kamaelia.Protocol.SDP"):
        sink = run(component, ["\n".join(SEMINAR), "v=0"] + ["a=" + "y" * 50] * 10)
    assert [d["sessionname"] for d in sink.got] == ["SDP Seminar"]
    assert [type(m) for m in sink.control] == [producerFinished]
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1 and "maxsize=400" in errors[0] and component.name in errors[0]


def test_a_message_of_many_lines_is_read_in_linear_time_order() -> None:
    lines = ["v=0", "o=u 1 2 IN IP4 h", "s=many", "t=0 0"] + ["a=x"] * 5000
    sink = run(SDPParser(), ["\n".join(lines)], [producerFinished()])
    assert len(sink.got[0]["attribute"]) == 5000


@settings(max_examples=150, derandomize=True, database=None, deadline=None)
@given(st.lists(LINE | st.text(max_size=15) | st.sampled_from(
    ["\ud800", "a=\udfff", "v=0", "o=\x00", f"t={HUGE} 1", "m=audio 1/" + HUGE + " x y"]),
    max_size=10), st.one_of(st.none(), st.integers(1, 60)))
def test_parseLine_and_the_parser_raise_only_SDPError(lines: list[str],
                                                      limit: int | None) -> None:
    parser = SessionDescriptionParser(maxsize=limit)
    for line in lines:
        try:
            parseLine(line)
        except SDPError:
            pass
        try:
            parser.feed(line)
        except SDPError:
            pass
    try:
        parser.close()
    except SDPError:
        pass
