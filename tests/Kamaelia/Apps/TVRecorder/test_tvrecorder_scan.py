"""``record scan``'s scanner finds the services, streams and now/next of real multiplexes."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from Kamaelia.Apps.TVRecorder.scan import ServiceScanner, formatScan
from tsfixtures import (BASE, EIT_PID, Programme, Service, corruptSection, insertEIT,
                        makeMultiplex)

SECOND = timedelta(seconds=1)


def scanned(data: bytes, chunk: int = 188 * 64) -> tuple[ServiceScanner, int]:
    scanner = ServiceScanner()
    read = 0
    while not scanner.complete and read < len(data):
        scanner.feed(data[read:read + chunk])
        read += chunk
    return scanner, read


def test_services_streams_and_now_next(tmp_path: Path) -> None:
    mux = makeMultiplex(tmp_path / "mux.ts", [Service(7, "BBC ONE", "BBC"),
                                             Service(9, "Channel 4", "C4")], seconds=3)
    stream = insertEIT(mux.path, tmp_path / "eit.ts", {
        7: [Programme(1, "News", "The news.", BASE, 60 * SECOND),
            Programme(2, "Weather", "Rain.", BASE + 60 * SECOND, 60 * SECOND)],
        9: [Programme(3, "Countdown", "Words.", BASE - SECOND, 60 * SECOND)]})
    data = stream.path.read_bytes()
    scanner, read = scanned(data)
    assert scanner.complete and read < len(data), "it stops once it has seen everything"
    assert sorted(scanner.services) == [7, 9]
    one = scanner.services[7]
    assert (one.name, one.provider) == ("BBC ONE", "BBC")
    assert [pid for pid, _ in one.streams] == [0x101, 0x102]
    assert one.now is not None and one.now["name"] == "News"
    assert one.next is not None and one.next["name"] == "Weather"
    text = formatScan(scanner)
    assert f"transport stream {mux.transportStreamId} (network {mux.originalNetworkId}): " \
           "2 services" in text
    assert "BBC ONE (BBC)   video 0x101 mpeg2  audio 0x102 mp2" in text
    assert "now:  19:00 News -- The news." in text and "next: 19:01 Weather" in text
    assert "Countdown" in text


def test_a_stream_without_eit_is_complete_without_it(tmp_path: Path) -> None:
    mux = makeMultiplex(tmp_path / "mux.ts", [Service(1, "Only", "Me")], seconds=3)
    scanner, _ = scanned(mux.path.read_bytes())
    assert scanner.complete and scanner.services[1].now is None
    assert "now:" not in formatScan(scanner)


def test_a_bad_table_is_skipped(tmp_path: Path) -> None:
    mux = makeMultiplex(tmp_path / "mux.ts", [Service(1, "One", "Me")], seconds=3)
    stream = insertEIT(mux.path, tmp_path / "eit.ts",
                       {1: [Programme(1, "News", "", BASE, 60 * SECOND)]})
    scanner, _ = scanned(corruptSection(stream.path.read_bytes(), EIT_PID, 0))
    assert scanner.tables.crcErrors == 1 and scanner.services[1].now is not None


def test_nothing_found_says_so() -> None:
    scanner = ServiceScanner()
    scanner.feed(b"\x47" + bytes(187) * 3)
    assert "0 services" in formatScan(scanner) and "nothing found" in formatScan(scanner)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=3000))
def test_anything_is_survived(data: bytes) -> None:
    scanner = ServiceScanner()
    scanner.feed(data)
    formatScan(scanner)
