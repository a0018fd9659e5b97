"""Tests for Kamaelia.Protocol.RTP.NullPayloadRTP: length-prefixed, timestamped chunks."""

from __future__ import annotations

import logging
import re
from typing import Any

import pytest

from Axon.Ipc import producerFinished, shutdownMicroprocess
from Axon.Scheduler import scheduler
from componentharness import Collector
from Kamaelia.Protocol.RTP import NullPayloadPreFramer as alias
from Kamaelia.Protocol.RTP import NullPayloadRTP
from Kamaelia.Protocol.RTP.NullPayloadRTP import NullPayloadPreFramer, packLengthAsString


def frame(preframer: NullPayloadPreFramer, stream: list[Any],
          control: list[Any]) -> Collector:
    sink = Collector()
    preframer.link((preframer, "output"), (sink, "inbox"))
    preframer.link((preframer, "signal"), (sink, "control"))
    preframer.inboxes["recvsrc"].extend(stream)
    preframer.inboxes["control"].extend(control)
    preframer.activate()
    sink.activate()
    scheduler.run.runThreads()
    return sink


def test_lengths_are_four_bytes_most_significant_first_as_in_1_14() -> None:
    assert [packLengthAsString(n) for n in (0, 258, 0x01020304)] == [
        b"\x00\x00\x00\x00", b"\x00\x00\x01\x02", b"\x01\x02\x03\x04"]
    with pytest.raises(ValueError, match=re.escape("from 0 to 2**32 - 1, not 4294967296")):
        packLengthAsString(2 ** 32)


def test_the_chunks_and_timestamps_are_1_14s() -> None:
    # Kamaelia 1.14.32 (Python 2.7): NullPayloadPreFramer("src", 65536, chunksize=4)
    # given "abcdefghij", then shut down.
    sink = frame(NullPayloadPreFramer("src", 65536, chunksize=4), [b"abcdefg", b"hij"],
                 ["shutdown"])
    assert sink.got == [(0, b"\x00\x00\x00\x04abcd"), (0.00048828125, b"\x00\x00\x00\x04efgh"),
                        (0.0009765625, b"\x00\x00\x00\x02ij")]
    assert [type(m) for m in sink.control] == [producerFinished]


@pytest.mark.parametrize("message", [producerFinished(), shutdownMicroprocess()])
def test_a_shutdown_message_sends_the_rest_and_is_passed_on(message: Any) -> None:
    sink = frame(NullPayloadPreFramer("s", 8, chunksize=3), [b"abcd"], [message])
    assert sink.got == [(0, b"\x00\x00\x00\x03abc"), (3.0, b"\x00\x00\x00\x01d")]
    assert sink.control == [message]


def test_other_control_messages_and_non_bytes_are_logged_and_skipped(
        caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="Kamaelia.Protocol.RTP.NullPayloadRTP"):
        sink = frame(NullPayloadPreFramer("s", 8, chunksize=2), [b"ab", "text", b"c"],
                     ["chatter", "shutdown"])
    assert [chunk for _, chunk in sink.got] == [b"\x00\x00\x00\x02ab", b"\x00\x00\x00\x01c"]
    messages = [r.getMessage() for r in caplog.records]
    assert any("chatter" in m for m in messages) and any("'text'" in m for m in messages)


def test_mainBody_does_one_step_and_says_which() -> None:
    preframer = NullPayloadPreFramer("s", 8, chunksize=2)
    sent: list[Any] = []
    preframer.link((preframer, "output"), (Collector(), "inbox"))
    preframer.send = lambda message, box="outbox": sent.append((box, message))  # type: ignore
    assert preframer.initialiseComponent() == 1
    preframer.inboxes["recvsrc"].append(b"abc")
    preframer.inboxes["control"].append("shutdown")
    steps = []
    while (step := preframer.mainBody()) != 0:
        steps.append(step)
    assert steps == [3, 1, 4, 2]
    assert [m for _, m in sent] == [(0, b"\x00\x00\x00\x02ab"), (2.0, b"\x00\x00\x00\x01c")]
    assert preframer.sendCurrentChunk() == 0          # nothing left


def test_the_parts_do_their_1_14_jobs() -> None:
    preframer = NullPayloadPreFramer("s", 800, chunksize=10)
    assert preframer.makeChunk(b"xyz") == b"\x00\x00\x00\x03xyz"
    preframer.updateTimestamp(b"x" * 50)
    assert preframer.timestamp == 0.5
    assert preframer.handleShutdown() == 0
    assert NullPayloadPreFramer.Usescomponents == []


@pytest.mark.parametrize("argd,message", [
    ({"sourcebitrate": 0}, "sourcebitrate must be a positive number, not 0"),
    ({"chunksize": 0}, "chunksize must be an int >= 1, not 0"),
])
def test_bad_arguments_are_refused_naming_them(argd: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        NullPayloadPreFramer("s", **argd)


def test_the_old_module_name_gives_the_same_class() -> None:
    assert alias.NullPayloadPreFramer is NullPayloadPreFramer
    assert NullPayloadRTP.__kamaelia_components__ == (NullPayloadPreFramer,)
