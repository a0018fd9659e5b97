"""Tests for Kamaelia.Protocol.RTP.RTPHeader: RFC 3550's fixed header as a record."""

from __future__ import annotations

import pytest

from Kamaelia.Protocol.RTP.RTPHeader import RawRTPPayload, RawRTPPayloadHeader, RTPHeader, RTPSource
from Kamaelia.Support.Data.bitfieldrec import bfrec


def test_the_header_packs_to_rfc_3550s_layout_as_1_14_packed_it() -> None:
    # Kamaelia 1.14.32 (Python 2.7) packed this header to these ints.
    header = RTPHeader(version=2, padding=0, extension=0, CSRCCount=2, marker=1,
                       payloadtype=33, sequencenumber=0x1234, timestamp=0xDEADBEEF,
                       SSRC=0x01020304, CSRC=[5, 0xFFFFFFFF])
    assert header.pack() == [130, 161, 18, 52, 222, 173, 190, 239, 1, 2, 3, 4, 0, 0, 0, 5,
                             255, 255, 255, 255]
    # RFC 3550 5.1: V=2 P X CC | M PT | sequence number | timestamp | SSRC | CSRC list
    assert header.toBytes() == (bytes([0b10_0_0_0010, 0b1_0100001]) + b"\x12\x34"
                                + b"\xde\xad\xbe\xef" + b"\x01\x02\x03\x04"
                                + b"\x00\x00\x00\x05" + b"\xff\xff\xff\xff")


def test_the_fields_are_rfc_3550s_in_order() -> None:
    assert [(f, f.size) for f in RTPHeader.fields] == [
        ("version", 2), ("padding", 1), ("extension", 1), ("CSRCCount", 4), ("marker", 1),
        ("payloadtype", 7), ("sequencenumber", 16), ("timestamp", 32), ("SSRC", 32),
        ("CSRC", 32)]
    assert RTPHeader.fields[-1].extra is list and issubclass(RTPHeader, bfrec)


def test_the_version_defaults_to_2() -> None:
    assert RTPHeader().toBytes() == b"\x80" + bytes(11)


def test_the_invariant_checks_the_CSRC_list() -> None:
    assert RTPHeader(CSRCCount=1, CSRC=[9]).RTPHeaderInvariant() is True
    with pytest.raises(AssertionError, match="CSRCCount is 0 but there are 1 CSRCs"):
        RTPHeader(CSRC=[9]).RTPHeaderInvariant()
    with pytest.raises(AssertionError, match="at most 15 CSRCs, not 16"):
        RTPHeader(CSRCCount=15, CSRC=[0] * 16).RTPHeaderInvariant()


def test_a_source_gets_a_random_32_bit_ssrc() -> None:
    ids = {RTPSource().SSRC for _ in range(20)}
    assert len(ids) > 1 and all(0 <= i < 2 ** 32 for i in ids)
    assert 0 <= RTPSource()._generateSSRC() < 2 ** 32


def test_a_raw_payload_is_the_header_a_length_and_the_data() -> None:
    packet = RawRTPPayload(RTPHeader(payloadtype=33, sequencenumber=7, timestamp=90000,
                                     SSRC=0x1234), b"data")
    assert packet.pack() == bytes.fromhex("8021000700015f9000001234") + b"\x00\x04data"
    assert RawRTPPayloadHeader(length=300).toBytes() == b"\x01\x2c"
