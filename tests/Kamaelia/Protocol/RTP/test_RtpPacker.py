"""Tests for Kamaelia.Protocol.RTP.RtpPacker: pre-framed chunks as RTP packets."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from Axon.Ipc import producerFinished, shutdownMicroprocess
from Axon.Scheduler import scheduler
from componentharness import run
from Kamaelia.Protocol.RTP import RtpPacker as module
from Kamaelia.Protocol.RTP.RTP import RTPDeframer
from Kamaelia.Protocol.RTP.RtpPacker import RtpPacker


def packer(**argd: Any) -> RtpPacker:
    return RtpPacker("test", 0, seqnum=0xFFFF, timestamp_offset=10, ssrc=0xABCD, **argd)


def test_each_chunk_becomes_an_rtp_packet_with_the_next_sequence_number() -> None:
    sink = run(packer(), [(0.0, b"one"), (1.0, b"two")], [producerFinished()])
    assert sink.got[0] == bytes.fromhex("80 60 ffff 0000000a 0000abcd") + b"one"
    parsed = [RTPDeframer().parsePacket(p) for p in sink.got]
    assert [(n, f["timestamp"], f["ssrc"], f["payload"]) for n, f in parsed] == [
        (0xFFFF, 10, 0xABCD, b"one"), (0, 90010, 0xABCD, b"two")]


def test_the_payload_type_and_clock_rate_may_be_chosen() -> None:
    sink = run(packer(payloadtype=14, clockrate=8000), [(0.5, b"x")], [producerFinished()])
    number, fields = RTPDeframer().parsePacket(sink.got[0])
    assert (fields["payloadtype"], fields["timestamp"]) == (14, 4010)


@pytest.mark.parametrize("message", [producerFinished(), shutdownMicroprocess()])
def test_the_shutdown_message_is_passed_on(message: Any) -> None:
    assert run(packer(), [], [message]).control == [message]


def test_what_is_not_a_chunk_is_logged_and_skipped(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger="Kamaelia.Protocol.RTP.RtpPacker"):
        sink = run(packer(), [b"bare", (0, "text"), (0, b"ok")], [producerFinished()])
    assert len(sink.got) == 1
    assert len([r for r in caplog.records if "cannot pack" in r.getMessage()]) == 2


def test_selfstart_activates_it() -> None:
    made = RtpPacker("auto", 3, selfstart=1)
    assert made in scheduler.run.listAllThreads()
    assert (made.label, made.looptimes) == ("auto", 3)


def test_a_bad_payload_type_is_refused() -> None:
    with pytest.raises(ValueError, match="payloadtype must be an int from 0 to 127, not 200"):
        RtpPacker("x", 0, payloadtype=200)


def test_the_module_lists_its_component() -> None:
    assert module.__kamaelia_components__ == (RtpPacker,)
