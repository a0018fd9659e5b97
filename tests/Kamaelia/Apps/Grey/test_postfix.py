"""Postfix's policy delegation protocol: the parser's limits, fuzzing, and the answers."""

from __future__ import annotations

from typing import Callable, Iterator

import pytest
from hypothesis import given, settings, strategies as st

from Kamaelia.Apps.Grey.config import GreyConfig
from Kamaelia.Apps.Grey.policy import Greylist, Verdict
from Kamaelia.Apps.Grey.postfix import (MAX_ATTRIBUTES, MAX_LINE_LENGTH, PolicyProtocolError,
                                        PolicyRequestParser, checkPolicyRequest,
                                        encodePolicyRequest, policyAnswer)
from Kamaelia.Apps.Grey.store import SQLiteStore

#: A request as Postfix 3 sends it (SMTPD_POLICY_README's attributes).
POSTFIX_REQUEST = (
    b"request=smtpd_access_policy\nprotocol_state=RCPT\nprotocol_name=ESMTP\n"
    b"client_address=192.0.2.7\nclient_name=mx.example.net\nclient_port=40402\n"
    b"reverse_client_name=mx.example.net\nserver_address=203.0.113.25\nserver_port=25\n"
    b"helo_name=mx.example.net\nsender=alice@example.net\nrecipient=bob@example.org\n"
    b"recipient_count=0\nqueue_id=\ninstance=123.456.7\nsize=0\netrn_domain=\nstress=\n"
    b"sasl_method=\nsasl_username=\nsasl_sender=\nccert_subject=\nccert_issuer=\n"
    b"ccert_fingerprint=\nencryption_protocol=TLSv1.3\nencryption_cipher=TLS_AES_256_GCM_SHA384\n"
    b"encryption_keysize=256\npolicy_context=\ncompatibility_level=3.6\nmail_version=3.7.11\n\n")


def fakeClock() -> tuple[Callable[[], float], Callable[[float], None]]:
    now = [1_700_000_000.0]

    def clock() -> float:
        return now[0]

    def advance(seconds: float) -> None:
        now[0] += seconds
    return clock, advance


@pytest.fixture
def store() -> Iterator[SQLiteStore]:
    memory = SQLiteStore(":memory:")
    yield memory
    memory.close()


# --- parsing -----------------------------------------------------------------------------------

def test_a_postfix_request_parses_into_its_attributes() -> None:
    requests = PolicyRequestParser().feed(POSTFIX_REQUEST)
    assert len(requests) == 1
    request = requests[0]
    assert request["request"] == "smtpd_access_policy" and request["protocol_state"] == "RCPT"
    assert (request["client_address"], request["helo_name"], request["sender"],
            request["recipient"]) == ("192.0.2.7", "mx.example.net", "alice@example.net",
                                      "bob@example.org")
    assert request["queue_id"] == "" and len(request) == 30


def test_bytes_may_arrive_one_at_a_time_and_requests_several_at_once() -> None:
    parser = PolicyRequestParser()
    found = []
    for byte in POSTFIX_REQUEST:
        assert not found or not parser.pending
        found += parser.feed(bytes([byte]))
        if not found:
            assert parser.pending
    assert len(found) == 1 and not parser.pending
    two = parser.feed(POSTFIX_REQUEST + POSTFIX_REQUEST.replace(b"bob@", b"carol@"))
    assert [r["recipient"] for r in two] == ["bob@example.org", "carol@example.org"]
    assert parser.feed(b"") == []


def test_values_keep_everything_after_the_first_equals_and_the_last_of_a_name_wins() -> None:
    requests = PolicyRequestParser().feed(b"a=b=c\r\nname=one\nname=two\nempty=\n"
                                          b"utf8=caf\xc3\xa9\nlatin1=caf\xe9\n\n")
    assert requests == [{"a": "b=c", "name": "two", "empty": "", "utf8": "café",
                         "latin1": "caf\ufffd"}]


def test_an_empty_line_alone_is_an_empty_request() -> None:
    assert PolicyRequestParser().feed(b"\n\r\n") == [{}, {}]


def test_the_attribute_limit_is_100_per_request() -> None:
    most = b"".join(b"a%d=x\n" % n for n in range(MAX_ATTRIBUTES)) + b"\n"
    parser = PolicyRequestParser()
    assert len(parser.feed(most)[0]) == 100
    assert len(parser.feed(most)[0]) == 100                  # counted per request
    with pytest.raises(PolicyProtocolError, match="more than 100 attributes"):
        PolicyRequestParser().feed(b"".join(b"a=x\n" for _ in range(MAX_ATTRIBUTES + 1)))


def test_the_line_limit_is_2048_bytes_and_is_found_before_the_line_ends() -> None:
    longest = b"n=" + b"v" * (MAX_LINE_LENGTH - 2)
    assert PolicyRequestParser().feed(longest + b"\r\n\n") == [{"n": "v" * (MAX_LINE_LENGTH - 2)}]
    with pytest.raises(PolicyProtocolError, match="longer than 2048 bytes"):
        PolicyRequestParser().feed(longest + b"v\n")
    parser = PolicyRequestParser()
    parser.feed(b"n=" + b"v" * 2000)
    with pytest.raises(PolicyProtocolError, match="longer than 2048 bytes"):
        parser.feed(b"v" * 100)                                # no newline yet: found anyway


@pytest.mark.parametrize("data,match", [
    (b"no equals sign\n", r"not a name=value line: b'no equals sign'"),
    (b"=value\n", r"no name before '='"),
    (b"  =value\n", r"no name before '='"),
])
def test_a_line_that_is_not_an_attribute_is_an_error(data: bytes, match: str) -> None:
    with pytest.raises(PolicyProtocolError, match=match):
        PolicyRequestParser().feed(data)


def test_after_an_error_the_parser_refuses_everything() -> None:
    parser = PolicyRequestParser()
    with pytest.raises(PolicyProtocolError) as first:
        parser.feed(b"garbage\n")
    with pytest.raises(PolicyProtocolError) as again:
        parser.feed(POSTFIX_REQUEST)
    assert again.value is first.value and parser.failed is first.value
    assert isinstance(first.value, ValueError) and first.value.reason.startswith("not a name=value")


def test_smaller_limits_may_be_chosen_and_bad_ones_are_named() -> None:
    parser = PolicyRequestParser(maxAttributes=2, maxLineLength=10)
    assert parser.feed(b"a=1\nb=2\n\n") == [{"a": "1", "b": "2"}]
    with pytest.raises(PolicyProtocolError, match="more than 2 attributes"):
        parser.feed(b"a=1\nb=2\nc=3\n\n")
    with pytest.raises(ValueError, match="maxAttributes must be an int >= 1, not 0"):
        PolicyRequestParser(maxAttributes=0)
    with pytest.raises(ValueError, match="maxLineLength must be an int >= 1, not True"):
        PolicyRequestParser(maxLineLength=True)


# --- encoding requests and answers --------------------------------------------------------------

def test_encode_policy_request_makes_what_the_parser_reads() -> None:
    attributes = {"request": "smtpd_access_policy", "sender": "", "recipient": "b@example.org"}
    data = encodePolicyRequest(attributes)
    assert data == b"request=smtpd_access_policy\nsender=\nrecipient=b@example.org\n\n"
    assert PolicyRequestParser().feed(data) == [attributes]
    for bad in ({"a=b": "c"}, {"": "x"}, {"a": "line\nbreak"}, {"a": "cr\r"}):
        with pytest.raises(ValueError, match="cannot send the attribute"):
            encodePolicyRequest(bad)


def test_policy_answers_say_dunno_defer_if_permit_or_reject() -> None:
    assert policyAnswer(Verdict.accept("passed")) == b"action=DUNNO\n\n"
    assert policyAnswer(Verdict.defer("greylisted", 300)) == (
        b"action=DEFER_IF_PERMIT 4.7.1 Greylisted, please try again in 300 seconds\n\n")
    assert policyAnswer(Verdict.reject("relay-denied", "Relaying denied for <x@y.com>")) == (
        b"action=REJECT 5.7.1 Relaying denied for <x@y.com>\n\n")
    sneaky = Verdict("reject", "relay-denied", 550, "5.7.1", "two\nlines\r\naction=DUNNO")
    assert policyAnswer(sneaky) == b"action=REJECT 5.7.1 two lines action=DUNNO\n\n"
    with pytest.raises(ValueError, match="action must be accept, defer or reject, not 'maybe'"):
        policyAnswer(Verdict("maybe", "x", 0, "", ""))


# --- asking the greylist -------------------------------------------------------------------------

def test_a_rcpt_request_is_greylisted_then_passes_after_the_delay(store: SQLiteStore) -> None:
    clock, advance = fakeClock()
    greylist = Greylist(GreyConfig(), store, clock=clock)
    request = PolicyRequestParser().feed(POSTFIX_REQUEST)[0]
    first = checkPolicyRequest(greylist, request)
    assert first.reason == "greylisted"
    assert policyAnswer(first).startswith(b"action=DEFER_IF_PERMIT 4.7.1 ")
    advance(300)
    assert policyAnswer(checkPolicyRequest(greylist, request)) == b"action=DUNNO\n\n"
    assert store.getTriplet(("192.0.2.0/24", "alice@example.net", "bob@example.org")) is not None


def test_the_helo_name_reaches_the_non_standard_triples(store: SQLiteStore) -> None:
    config = GreyConfig(whitelisted_nonstandard_triples=[
        ("mx.example.net", "192.0.2", "bob@example.org")])
    request = PolicyRequestParser().feed(POSTFIX_REQUEST)[0]
    assert checkPolicyRequest(Greylist(config, store), request).reason == "whitelisted-triple"


@pytest.mark.parametrize("change", [
    {"request": "junk"}, {"protocol_state": "DATA"}, {"protocol_state": "END-OF-MESSAGE"},
    {"client_address": ""}, {"recipient": ""},
])
def test_requests_that_are_not_for_a_recipient_are_not_applicable(
        store: SQLiteStore, change: dict[str, str]) -> None:
    request = {**PolicyRequestParser().feed(POSTFIX_REQUEST)[0], **change}
    verdict = checkPolicyRequest(Greylist(GreyConfig(), store), request)
    assert verdict == Verdict.accept("not-applicable")
    assert policyAnswer(verdict) == b"action=DUNNO\n\n"
    assert store.stats()["triplets"] == 0
    assert checkPolicyRequest(Greylist(GreyConfig(), store), {}).reason == "not-applicable"


def test_a_lower_case_protocol_state_still_counts(store: SQLiteStore) -> None:
    request = {**PolicyRequestParser().feed(POSTFIX_REQUEST)[0], "protocol_state": "rcpt"}
    assert checkPolicyRequest(Greylist(GreyConfig(), store), request).reason == "greylisted"


# --- fuzzing -------------------------------------------------------------------------------------

@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(POSTFIX_REQUEST * draw(st.integers(1, 2)))
    for _ in range(draw(st.integers(0, 6))):
        at = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["flip", "cut", "insert", "newline"]))
        if action == "flip" and at < len(data):
            data[at] = draw(st.integers(0, 255))
        elif action == "cut":
            del data[at:at + draw(st.integers(1, 40))]
        elif action == "newline":
            data[at:at] = b"\n"
        else:
            data[at:at] = draw(st.sampled_from([b"=", b"\r", b"\n\n", b"\xff", b"x" * 2100]))
    return bytes(data)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(data=st.one_of(mutated(), st.binary(max_size=3000)),
       cuts=st.lists(st.integers(0, 3000), max_size=8))
def test_any_bytes_in_any_pieces_parse_or_raise_the_protocol_error_only(data: bytes,
                                                                        cuts: list[int]) -> None:
    parser = PolicyRequestParser()
    points = sorted({0, len(data), *(c for c in cuts if c < len(data))})
    try:
        for start, end in zip(points, points[1:]):
            for request in parser.feed(data[start:end]):
                assert len(request) <= MAX_ATTRIBUTES
                assert all(isinstance(k, str) and isinstance(v, str) for k, v in request.items())
    except PolicyProtocolError:
        assert parser.failed is not None
    assert len(parser._buffer) <= MAX_LINE_LENGTH + 1        # memory stays bounded


_NAME = st.text(st.characters(min_codepoint=33, max_codepoint=0x2FF, blacklist_characters="="),
                min_size=1, max_size=12)
_VALUE = st.text(st.characters(blacklist_characters="\r\n", blacklist_categories=("Cs",)),
                 max_size=40)


@settings(max_examples=100, deadline=None, derandomize=True)
@given(requests=st.lists(st.dictionaries(_NAME, _VALUE, max_size=6), max_size=3),
       cuts=st.lists(st.integers(0, 1000), max_size=8))
def test_encoded_requests_come_back_whole_however_the_bytes_are_cut(
        requests: list[dict[str, str]], cuts: list[int]) -> None:
    data = b"".join(encodePolicyRequest(request) for request in requests)
    parser = PolicyRequestParser()
    points = sorted({0, len(data), *(c for c in cuts if c < len(data))})
    found = []
    for start, end in zip(points, points[1:]):
        found += parser.feed(data[start:end])
    assert found == requests and not parser.pending
