"""Kamaelia.Device.DVB.PSITables: FilterOutNotCurrent, and the loop its DVB neighbours share.

FilterOutNotCurrent is checked with dicts, then behind the real table
parsers: the PAT of an ffmpeg-made multiplex, with a "next" version of it
(current_next_indicator 0) slipped in, and EIT sections of both kinds.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

from Axon.Ipc import producerFinished, shutdownMicroprocess
from Axon.Scheduler import scheduler
from componentharness import (Collector, assertBadMessageSkipped, assertShutdownPassesOn,
                              assertUnexpectedControlIgnored, run)
from Kamaelia._logthrottle import forgetAll
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.Device.DVB.PSITables import FilterOutNotCurrent, _PerMessage
from Kamaelia.Device.DVB.Parse.ParseEventInformationTable import (
    ParseEventInformationTable_Subset, eitSection)
from Kamaelia.Device.DVB.Parse.ParseProgramAssociationTable import ParseProgramAssociationTable
from Kamaelia.Device.DVB.Parse.ReassemblePSITables import ReassemblePSITables
from Kamaelia.Device.DVB.SoftDemux import DVB_SoftDemuxer
from Kamaelia.Support.DVB.CRC import crc32mpeg2
from Kamaelia.Util.DataSource import DataSource
from tsfixtures import Service, makeMultiplex, packetise, sections

LOGGER = "Kamaelia.Device.DVB.PSITables"


def table(current: Any, version: int = 0, key: str = "current") -> dict[str, Any]:
    return {"table_type": "PAT", key: current, "version": version}


def test_only_the_tables_marked_current_come_out() -> None:
    feed = [table(True, 1), table(False, 2), table(1, 3), table(0, 4), table(True, 5)]
    sink = run(FilterOutNotCurrent(), feed, [producerFinished()])
    assert [t["version"] for t in sink.got] == [1, 3, 5]
    assert sink.got[0] is feed[0]                   # passed on as it is


def test_a_pure_parsers_current_next_is_judged_when_there_is_no_current() -> None:
    feed = [table(True, 1, "current_next"), table(False, 2, "current_next"),
            {"current": False, "current_next": True, "version": 3}]     # "current" decides
    sink = run(FilterOutNotCurrent(), feed, [producerFinished()])
    assert [t["version"] for t in sink.got] == [1]


@pytest.mark.parametrize("bad", [{"table_type": "PAT", "version": 7}, "PAT", None])
def test_a_message_that_cannot_be_judged_is_logged_and_skipped(
        bad: Any, caplog: pytest.LogCaptureFixture) -> None:
    record = assertBadMessageSkipped(FilterOutNotCurrent, caplog, LOGGER,
                                     [bad, table(True)], bad, [table(True)])
    assert ("neither 'current' nor 'current_next'" if isinstance(bad, dict)
            else "a parsed table is a dict") in record.getMessage()


@pytest.mark.parametrize("message_class", [producerFinished, shutdownMicroprocess])
def test_shutdown_handles_what_is_waiting_then_passes_the_message_on(
        message_class: type) -> None:
    assertShutdownPassesOn(FilterOutNotCurrent, message_class,
                           [table(True), table(False)], [table(True)])


def test_other_control_messages_are_logged_and_ignored(
        caplog: pytest.LogCaptureFixture) -> None:
    assertUnexpectedControlIgnored(FilterOutNotCurrent, caplog, [table(True)], [table(True)])


def test_the_1_14_shutdown_method() -> None:
    target = FilterOutNotCurrent()
    assert target.shutdown() is False
    target.inboxes["inbox"].append(table(True))
    target.inboxes["control"].append(shutdownMicroprocess())
    assert target.shutdown() is True
    assert list(target.outboxes["outbox"]) == [table(True)]      # what waited was handled
    assert [type(m) for m in target.outboxes["signal"]] == [shutdownMicroprocess]


# ------------------------------------------------------ behind the real parsers

def notCurrent(section: bytes, version: int) -> bytes:
    """``section`` (long form) as its next version, not yet current, CRC redone."""
    body = bytearray(section[:-4])
    body[5] = 0xC0 | version << 1                   # current_next_indicator 0
    return bytes(body) + crc32mpeg2(bytes(body)).to_bytes(4, "big")


def test_a_next_pat_slipped_into_a_real_stream_is_filtered_out(tmp_path: Path) -> None:
    mux = makeMultiplex(tmp_path / "mux.ts", [Service(4164, "BBC ONE", "BBC")], seconds=1.0)
    data = mux.path.read_bytes()
    pat = sections(data, 0x00)[0]
    first = next(i for i in range(0, len(data), 188) if data[i + 1] & 0x1F == data[i + 2] == 0)
    # the next version's packet goes first, its continuity counter just before the PAT's
    upcoming, _ = packetise(0x00, [notCurrent(pat, 5)], continuity=(data[first + 3] - 1) & 0x0F)
    stream = upcoming + data
    sink = Collector()
    parse = ParseProgramAssociationTable()
    Pipeline(DataSource([stream]), DVB_SoftDemuxer({0x00: ["outbox"]}), ReassemblePSITables(),
             parse, FilterOutNotCurrent(), sink).activate()
    scheduler.run.runThreads()
    assert [(t["version"], t["transport_streams"]) for t in sink.got] == [
        (pat[5] >> 1 & 0x1F, {mux.transportStreamId: {4164: mux.services[0].pmtPid}})]


def test_eit_sections_not_yet_current_are_filtered_out() -> None:
    event = {"event_id": 1, "name": "News", "text": ""}
    feed = [eitSection(0x4E, 1, 2, 3, 0, 0, 0, [event]),
            eitSection(0x4E, 1, 2, 3, 1, 0, 0, [event], current_next=False)]
    sink = run(Pipeline(ParseEventInformationTable_Subset(True), FilterOutNotCurrent()),
               feed, [producerFinished()])
    assert [(t["version"], t["current"]) for t in sink.got] == [(0, True)]


# --------------------------------------------------------- the shared loop

class Doubler(_PerMessage):
    """Sends each number twice; fails on 13 and on text."""

    def handleMessage(self, message: Any) -> None:
        if message == 13:
            raise RuntimeError("unlucky")
        if not isinstance(message, int):
            raise TypeError(f"a number, not {message!r}")
        self.send(message, "outbox")
        self.send(message, "outbox")


def test_a_failure_on_one_message_is_logged_with_its_traceback_and_skipped(
        caplog: pytest.LogCaptureFixture) -> None:
    target = Doubler()
    with caplog.at_level(logging.ERROR, logger=__name__):
        sink = run(target, [1, 13, "x", 2], [producerFinished()])
    assert sink.got == [1, 1, 2, 2]
    failed, refused = [r for r in caplog.records if r.name == __name__]
    assert target.name in failed.getMessage() and "13" in failed.getMessage()
    assert failed.exc_info is not None                    # an unforeseen failure: the trace
    assert "a number, not 'x'" in refused.getMessage() and refused.exc_info is None


def test_a_result_for_a_full_inbox_is_dropped_with_one_warning_for_a_run_of_them(
        caplog: pytest.LogCaptureFixture) -> None:
    target = Doubler()
    sink = Collector()
    target.link((target, "outbox"), (sink, "inbox"))
    target.link((target, "signal"), (sink, "control"))
    sink.setInboxSize("inbox", 3)
    target.inboxes["inbox"].extend([1, 2, 3, 4])
    target.inboxes["control"].append(producerFinished())
    forgetAll(report=False)
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        target.activate()
        sink.activate()
        scheduler.run.runThreads()
    assert sink.got == [1, 1, 2]
    full = [r for r in caplog.records if r.name == LOGGER]
    assert len(full) == 1 and target.name in full[0].getMessage()
    assert "full" in full[0].getMessage()


def test_it_sleeps_while_nothing_is_waiting(run_rounds: Any) -> None:
    target = Doubler().activate()
    source = DataSource([4])
    source.link((source, "outbox"), (target, "inbox"))
    run_rounds(3)
    assert scheduler.run.isThreadPaused(target)
    source.activate()
    run_rounds(5)
    assert list(target.outboxes["outbox"]) == [4, 4]
