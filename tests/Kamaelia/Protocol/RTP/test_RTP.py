"""Tests for Kamaelia.Protocol.RTP.RTP: RTP packets from and to dictionaries."""

from __future__ import annotations

import logging
import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from Axon.Ipc import producerFinished, shutdownMicroprocess
from componentharness import run
from Kamaelia.Protocol.RTP import RTP
from Kamaelia.Protocol.RTP.RTP import RTPDeframer, RTPFramer

LOGGER = "Kamaelia.Protocol.RTP.RTP"


def framer() -> RTPFramer:
    return RTPFramer(seqnum=0xFFFE, timestamp_offset=0xFFFFFFF0)


def test_packets_are_byte_for_byte_those_1_14_made() -> None:
    # Kamaelia 1.14.32 (Python 2.7), seqnum 0xfffe and timestamp offset 0xfffffff0.
    made = framer()
    assert made.constructPacket({"payloadtype": 33, "payload": b"abc", "timestamp": 5,
                                 "ssrc": 7}) == (
        b"\x80!\xff\xfe\xff\xff\xff\xf5\x00\x00\x00\x07abc")
    assert made.constructPacket({"payloadtype": 96, "payload": b"", "timestamp": 0x20,
                                 "ssrc": 0xFFFFFFFF, "marker": True, "csrcs": [1, 2, 3],
                                 "bytespadding": 4}) == (
        b"\xa3\xe0\xff\xff\x00\x00\x00\x10\xff\xff\xff\xff\x00\x00\x00\x01\x00\x00\x00\x02"
        b"\x00\x00\x00\x03\x00\x00\x00\x04")
    assert made.seqnum == 0                          # wrapped at 2**16


def test_an_extension_s_length_counts_32_bit_words() -> None:
    # RFC 3550 5.3.1; 1.14 wrote the length in bytes (b"\x00\x04" here).
    packet = framer().constructPacket({"payloadtype": 14, "payload": b"xy", "timestamp": 1,
                                       "ssrc": 2, "extension": (b"\xbe\xde", b"abcd")})
    assert packet == b"\x90\x0e\xff\xfe\xff\xff\xff\xf1\x00\x00\x00\x02\xbe\xde\x00\x01abcdxy"
    assert RTPDeframer().parsePacket(packet)[1]["extension"] == (b"\xbe\xde", b"abcd")


def test_packets_1_14_made_read_back() -> None:
    assert RTPDeframer().parsePacket(b"\x80\x21\x00\x01\x00\x00\x00\x05\x00\x00\x00\x07abc") == (
        1, {"ssrc": 7, "extension": None, "timestamp": 5, "payloadtype": 33, "csrcs": [],
            "marker": False, "payload": b"abc"})
    seqnum, fields = RTPDeframer().parsePacket(
        b"\xa3\xe0\xff\xff\x00\x00\x00\x10\xff\xff\xff\xff\x00\x00\x00\x01\x00\x00\x00\x02"
        b"\x00\x00\x00\x03\x00\x00\x00\x04")
    assert (seqnum, fields["csrcs"], fields["payload"], fields["marker"]) == (
        0xFFFF, [1, 2, 3], b"", True)


def test_float_timestamps_are_made_ints() -> None:
    packet = RTPFramer(seqnum=0, timestamp_offset=0).constructPacket(
        {"payloadtype": 33, "payload": b"", "timestamp": 1.5 * 90000, "ssrc": 1})
    assert packet[4:8] == (135000).to_bytes(4, "big")


def test_the_defaults_are_random_as_rfc_3550_asks() -> None:
    starts = {(f.seqnum, f.timestamp_offset) for f in (RTPFramer() for _ in range(10))}
    assert len(starts) > 1


@pytest.mark.parametrize("content,why", [
    ({"payload": b"", "timestamp": 0, "ssrc": 1}, "needs 'payloadtype'"),
    ({"payloadtype": 128, "payload": b"", "timestamp": 0, "ssrc": 1}, "from 0 to 127"),
    ({"payloadtype": 1, "payload": "text", "timestamp": 0, "ssrc": 1}, "payload must be bytes"),
    ({"payloadtype": 1, "payload": b"", "ssrc": 1}, "needs 'ssrc' and 'timestamp'"),
    ({"payloadtype": 1, "payload": b"", "timestamp": 0, "ssrc": 1, "csrcs": [0] * 16},
     "at most 15"),
    ({"payloadtype": 1, "payload": b"", "timestamp": 0, "ssrc": 1, "bytespadding": 256},
     "from 0 to 255"),
    ({"payloadtype": 1, "payload": b"", "timestamp": 0, "ssrc": 1,
      "extension": (b"\x00\x00", b"abc")}, "32-bit words"),
    ("not a dict", "described by a dict"),
])
def test_content_that_cannot_be_framed_is_a_ValueError(content: Any, why: str) -> None:
    with pytest.raises(ValueError, match=re.escape(why)):
        framer().constructPacket(content)


def test_the_framer_logs_and_skips_what_it_cannot_frame(caplog: pytest.LogCaptureFixture) -> None:
    good = {"payloadtype": 33, "payload": b"x", "timestamp": 0, "ssrc": 1}
    made = RTPFramer(seqnum=5, timestamp_offset=0)
    with caplog.at_level(logging.ERROR, logger=LOGGER):
        sink = run(made, [good, {"payloadtype": 1}, good], [producerFinished()])
    assert [p[2:4] for p in sink.got] == [b"\x00\x05", b"\x00\x06"]
    [record] = [r for r in caplog.records if r.name == LOGGER]
    assert made.name in record.getMessage() and "cannot frame" in record.getMessage()


def test_the_deframer_drops_what_is_not_rtp_with_a_warning(
        caplog: pytest.LogCaptureFixture) -> None:
    good = b"\x80\x21\x00\x01\x00\x00\x00\x05\x00\x00\x00\x07abc"
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        sink = run(RTPDeframer(), [b"\x40" + good[1:], good[:5], good, "text"],
                   [producerFinished()])
    assert [seq for seq, _ in sink.got] == [1]
    assert len([r for r in caplog.records if r.name == LOGGER]) == 3


@pytest.mark.parametrize("packet", [
    b"\x81\x21\x00\x01\x00\x00\x00\x05\x00\x00\x00\x07abc",          # one CSRC, 3 bytes left
    b"\x90\x21\x00\x01\x00\x00\x00\x05\x00\x00\x00\x07\x00\x00\x00\x02abcd",   # short extension
    b"\xa0\x21\x00\x01\x00\x00\x00\x05\x00\x00\x00\x07ab\x09",       # padding past the start
    b"\xa0\x21\x00\x01\x00\x00\x00\x05\x00\x00\x00\x07ab\x00",       # zero padding count
], ids=["csrcs", "extension", "padding", "zero-padding"])
def test_a_packet_whose_parts_run_past_its_end_is_not_rtp(packet: bytes) -> None:
    assert RTPDeframer().parsePacket(packet) is None


@pytest.mark.parametrize("make", [framer, RTPDeframer])
def test_every_control_message_is_passed_on_and_a_shutdown_ends_it(make: Any) -> None:
    stop = shutdownMicroprocess()
    sink = run(make(), [], ["hello", stop])
    assert sink.control == ["hello", stop]


def test_what_waits_is_handled_before_the_shutdown() -> None:
    good = {"payloadtype": 33, "payload": b"x", "timestamp": 0, "ssrc": 1}
    sink = run(RTPFramer(), [good, good], [producerFinished()])
    assert len(sink.got) == 2


def test_the_module_lists_its_components() -> None:
    assert RTP.__kamaelia_components__ == (RTPFramer, RTPDeframer)


CONTENT = st.fixed_dictionaries(
    {"payloadtype": st.integers(0, 127), "payload": st.binary(max_size=30),
     "timestamp": st.integers(0, 2 ** 32 - 1), "ssrc": st.integers(0, 2 ** 32 - 1)},
    optional={"csrcs": st.lists(st.integers(0, 2 ** 32 - 1), max_size=15),
              "bytespadding": st.integers(0, 255), "marker": st.booleans(),
              "extension": st.tuples(st.binary(min_size=2, max_size=2),
                                     st.binary(max_size=12).map(lambda b: b[:len(b) // 4 * 4]))})


@settings(max_examples=200, derandomize=True, database=None, deadline=None)
@given(CONTENT, st.integers(0, 2 ** 16 - 1))
def test_what_is_framed_reads_back(content: dict[str, Any], seqnum: int) -> None:
    packet = RTPFramer(seqnum=seqnum, timestamp_offset=0).constructPacket(content)
    number, fields = RTPDeframer().parsePacket(packet)
    assert number == seqnum
    assert fields["payload"] == content["payload"]
    assert fields["csrcs"] == content.get("csrcs", [])
    assert fields["marker"] == bool(content.get("marker"))
    assert fields["extension"] == (content.get("extension") or None)
    assert (fields["payloadtype"], fields["timestamp"], fields["ssrc"]) == (
        content["payloadtype"], content["timestamp"], content["ssrc"])


@settings(max_examples=300, derandomize=True, database=None, deadline=None)
@given(st.binary(max_size=60))
def test_parsePacket_gives_None_or_a_packet_for_any_bytes(data: bytes) -> None:
    parsed = RTPDeframer().parsePacket(b"\x80" + data)
    assert parsed is None or (isinstance(parsed[0], int) and isinstance(parsed[1], dict))
