"""Tests for Kamaelia.Protocol.RTP.RTCPHeader: RFC 3550's RTCP packets as records."""

from __future__ import annotations

import pytest

from Kamaelia.Protocol.RTP import RTCPHeader as R


def test_each_packet_packs_to_the_bytes_1_14_packed() -> None:
    # Kamaelia 1.14.32 (Python 2.7) packed each of these records to these ints.
    assert R.ReportBlock(SSRC_n=0x11223344, fractionLost=5, cumulativePacketsLost=0x010203,
                         extendedHighSeqNumRecv=0x00010005, interarrivalJitter=6,
                         lastSRTimestamp=7, delaySinceLastSR=8).pack() == [
        17, 34, 51, 68, 5, 1, 2, 3, 0, 1, 0, 5, 0, 0, 0, 6, 0, 0, 0, 7, 0, 0, 0, 8]
    assert R.SenderReport(version=2, padding=0, receptionReportCount=1, packetType=200,
                          length=12, SSRC=12345, NTPtimestamp=12345678901234567890,
                          RTPtimestamp=123456789, sendersPacketCount=5,
                          sendersOctetCount=1000).pack() == [
        129, 200, 0, 12, 0, 0, 48, 57, 171, 84, 169, 140, 235, 31, 10, 210, 7, 91, 205, 21,
        0, 0, 0, 5, 0, 0, 3, 232]
    assert R.ReceiverReport(version=2, padding=0, receptionReportCount=1, packetType=201,
                            length=7, SSRC=123454321).pack() == [129, 201, 0, 7, 7, 91, 195, 113]
    assert R.CName(itemType=1, description=list(b"user@host"), length=9).pack() == [
        1, 9, 117, 115, 101, 114, 64, 104, 111, 115, 116]
    assert R.Priv(itemType=8, length=8, prefixLength=3, prefixString=list(b"abc"),
                  description=list(b"wxyz")).pack() == [8, 8, 3, 97, 98, 99, 119, 120, 121, 122]
    assert R.SourceDescription_chunk(SSRC_CSRC=1234).pack() == [0, 0, 4, 210]
    assert R.SourceDescription(version=2, padding=0, sourceCount=1, packetType=202,
                               length=6).pack() == [129, 202, 0, 6]
    assert R.ByePacket(version=2, padding=0, sourceCount=2, packetType=203, length=3,
                       SSRC_CSRC=[1, 2], reasonLength=3, reasonString=list(b"bye")).pack() == [
        130, 203, 0, 3, 0, 0, 0, 1, 0, 0, 0, 2, 3, 98, 121, 101]
    assert R.AppPacket(version=2, padding=0, subtype=6, packetType=204, length=3,
                       SSRC_CSRC=123456, name=list(b"TEST"), appData=[1]).pack() == [
        134, 204, 0, 3, 0, 1, 226, 64, 84, 69, 83, 84, 0, 0, 0, 1]


def test_a_receiver_report_is_rfc_3550s_layout() -> None:
    # RFC 3550 6.4.2: V=2 P RC | PT=RR=201 | length | SSRC, then report blocks.
    report = R.ReceiverReport(receptionReportCount=1, length=7, SSRC=0x11111111)
    block = R.ReportBlock(SSRC_n=0x22222222, fractionLost=64, cumulativePacketsLost=3,
                          extendedHighSeqNumRecv=1000, interarrivalJitter=5)
    assert report.toBytes() + block.toBytes() == bytes.fromhex(
        "81c90007" "11111111" "22222222" "40000003" "000003e8" "00000005" "00000000" "00000000")
    assert (report.structureSize() + block.structureSize()) // 32 - 1 == 7


@pytest.mark.parametrize("packet,kind", [(R.SenderReport, 200), (R.ReceiverReport, 201),
                                         (R.SourceDescription, 202), (R.ByePacket, 203),
                                         (R.AppPacket, 204)])
def test_the_fixed_fields_default_to_the_rfcs_values(packet: type, kind: int) -> None:
    made = packet()
    assert (made.version, made.packetType) == (2, kind)
    assert issubclass(packet, R.RTCPHeader)


@pytest.mark.parametrize("item,kind", [(R.CName, 1), (R.Name, 2), (R.Email, 3), (R.Phone, 4),
                                       (R.Loc, 5), (R.Tool, 6), (R.Note, 7), (R.Priv, 8)])
def test_each_item_knows_its_type_and_its_invariant_holds(item: type, kind: int) -> None:
    made = item(description=list(b"text"))
    assert made.itemType == kind
    invariant = getattr(made, f"{item.__name__}Invariant")
    assert invariant() is True
    made.itemType = 99
    with pytest.raises(AssertionError, match=f"itemType must be {kind}, not 99"):
        invariant()


def test_an_item_s_length_defaults_to_its_text_s() -> None:
    assert R.Email(description=list(b"a@b.c")).length == 5
    assert R.Priv(prefixString=list(b"ab"), description=list(b"c")).length == 4
    with pytest.raises(AssertionError, match="length is 2 but the text holds 5 bytes"):
        R.CName(description=list(b"hello"), length=2).CNameInvariant()


def test_the_packet_invariants_check_counts_and_lengths() -> None:
    bye = R.ByePacket(sourceCount=1, SSRC_CSRC=[7], reasonLength=3, reasonString=list(b"bye"),
                      length=2)
    assert bye.ByePacketInvariant() is True
    bye.length = 4
    with pytest.raises(AssertionError, match="length must be the size in 32-bit words minus one"):
        bye.ByePacketInvariant()
    with pytest.raises(AssertionError, match="sourceCount is 0 but 1 sources are listed"):
        R.ByePacket(SSRC_CSRC=[7], reasonLength=3, reasonString=list(b"bye"),
                    length=2).ByePacketInvariant()
    app = R.AppPacket(name=list(b"TEST"), length=2)
    assert app.AppPacketInvariant() is True
    with pytest.raises(AssertionError, match="name must be 4 bytes, not 3"):
        R.AppPacket(name=list(b"ABC"), length=2).AppPacketInvariant()
    with pytest.raises(AssertionError, match="packetType must be 200, not 201"):
        R.SenderReport(packetType=201).SenderReportInvariant()
    assert R.ReceiverReport().ReceiverReportInvariant() is True
    assert R.SourceDescription().SourceDescriptionInvariant() is True
    assert R.SourceDescription_chunk().SourceDescription_chunkInvariant() is True
    assert R.SourceDescription_item(itemType=1).SourceDescription_itemInvariant() is True
