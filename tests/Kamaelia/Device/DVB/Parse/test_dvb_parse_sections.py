"""Kamaelia.Device.DVB.Parse: section framing, SectionCollector and the table components' loop.

Also the helpers the other ``test_dvb_parse_*`` files import: section
builders, a stream run through the real demultiplexer and reassembler, the
fuzzing strategies and the docstring-example runner.
"""

from __future__ import annotations

import ast
import logging
import re
import textwrap
from pathlib import Path
from typing import Any, Callable, Sequence

import pytest
from hypothesis import given, settings, strategies as st

from Axon.Component import component
from Axon.Ipc import producerFinished, shutdownMicroprocess
from componentharness import assertShutdownPassesOn, run
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.Device.DVB.Parse import (MAX_SECTION_LENGTH, SectionCollector, TableError,
                                       descriptorLoop, longSection, loopLength, shortSection,
                                       utcTime)
from Kamaelia.Device.DVB.Parse.ParseProgramAssociationTable import ParseProgramAssociationTable
from Kamaelia.Device.DVB.Parse.ReassemblePSITables import ReassemblePSITables
from Kamaelia.Device.DVB.SoftDemux import DVB_SoftDemuxer
from Kamaelia.Support.DVB.CRC import crc32mpeg2
from test_docs import assert_runs_cleanly
from tsfixtures import Multiplex, Service, makeMultiplex

ROOT = Path(__file__).resolve().parents[5]
PARSE = ROOT / "src" / "Kamaelia" / "Device" / "DVB" / "Parse"
FUZZ = settings(max_examples=250, deadline=None)
#: fewer for whole components (a scheduler run per example)
COMPONENT_FUZZ = settings(max_examples=60, deadline=None)
PAT_LOGGER = "Kamaelia.Device.DVB.Parse.ParseProgramAssociationTable"

#: The services of the real multiplexes (names outside ASCII on purpose:
#: ffmpeg writes them as EN 300 468 text, which the SDT parser decodes).
SERVICES = [Service(1, "BBC ONE", "BBC"), Service(2, "BBC TWO", "BBC"),
            Service(0x1234, "Télé Ü", "Fournisseur é")]


# ------------------------------------------------------------ helpers (shared)

def sealed(head: bytes) -> bytes:
    """``head`` with its CRC-32/MPEG-2 after it."""
    return head + crc32mpeg2(head).to_bytes(4, "big")


def longSectionBytes(tableId: int, extension: int, payload: bytes, *, version: int = 0,
                     number: int = 0, last: int = 0, current: bool = True) -> bytes:
    """A long-form section: the 8-byte header, ``payload``, the CRC."""
    length = 5 + len(payload) + 4
    head = bytes([tableId, 0xF0 | length >> 8, length & 0xFF, extension >> 8, extension & 0xFF,
                  0xC0 | version << 1 | int(current), number, last])
    return sealed(head + payload)


def resealed(data: bytes) -> bytes:
    """``data`` with the CRC its section_length places recomputed (if it fits)."""
    total = 3 + (((data[1] & 0x0F) << 8) | data[2]) if len(data) >= 3 else 0
    if not 7 <= total <= len(data):
        return data
    return sealed(data[:total - 4]) + data[total:]


def patSection(tsid: int, services: dict[int, int], version: int = 0, number: int = 0,
               last: int = 0, current: bool = True) -> bytes:
    loop = b"".join(sid.to_bytes(2, "big") + (0xE000 | pid).to_bytes(2, "big")
                    for sid, pid in services.items())
    return longSectionBytes(0x00, tsid, loop, version=version, number=number, last=last,
                            current=current)


def parsedBy(target: component, sections: Sequence[Any]) -> list[Any]:
    """What ``target`` sends for ``sections`` (then producerFinished)."""
    return run(target, sections, [producerFinished()]).got


def fromStream(data: bytes, pid: int, parser: component, checkCrc: bool = True,
               chunk: int = 5000) -> list[Any]:
    """File bytes -> DVB_SoftDemuxer -> ReassemblePSITables -> ``parser``: what it sends."""
    chunks = [data[i:i + chunk] for i in range(0, len(data), chunk)]
    system = Pipeline(DVB_SoftDemuxer({pid: ["outbox"]}), ReassemblePSITables(checkCrc), parser)
    return run(system, chunks, [producerFinished()]).got


def multiplex(directory: Path, seconds: float = 2.0) -> Multiplex:
    """A real multiplex of :data:`SERVICES`, made by ffmpeg."""
    return makeMultiplex(directory / "mux.ts", SERVICES, seconds=seconds)


def outcome(parse: Callable[..., Any], data: Any, **options: Any) -> Any:
    """``parse(data)``, or None if it raised TableError (anything else fails the test)."""
    try:
        return parse(data, **options)
    except TableError as error:
        assert str(error), "a TableError says what is wrong"
        return None


@st.composite
def mutated(draw: st.DrawFn, valid: Sequence[bytes]) -> bytes:
    """One of ``valid``, with bytes changed (often in the header and length
    fields), cut short or lengthened."""
    data = bytearray(draw(st.sampled_from(valid)))
    for _ in range(draw(st.integers(1, 6))):
        near = draw(st.booleans())
        at = draw(st.integers(0, min(len(data), 24 if near else len(data)) - 1))
        data[at] = draw(st.integers(0, 255))
    cut = draw(st.sampled_from(["whole", "short", "long"]))
    if cut == "short":
        data = data[:draw(st.integers(0, len(data)))]
    elif cut == "long":
        data += draw(st.binary(min_size=1, max_size=40))
    return bytes(data)


def randomSection(tableIds: Sequence[int]) -> st.SearchStrategy[bytes]:
    """Random bytes after one of the table's ids (so the checks past it run)."""
    return st.builds(lambda tid, rest: bytes([tid]) + rest, st.sampled_from(tableIds),
                     st.binary(max_size=300))


def exampleProgram(module: str) -> str:
    """The "Example Usage" code blocks of a Parse module, as one program (the
    later blocks use what the first made, as a reader would run them)."""
    path = PARSE / f"{module}.py"
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")), clean=False)
    assert doc and "Example Usage" in doc and "How does it work?" in doc
    section = doc.split("Example Usage", 1)[1].split("How does it work?", 1)[0]
    blocks = re.findall(r"::\n\n((?:    .*\n|[ \t]*\n)+)", section)
    assert blocks, f"{module} has no example"
    return "\n".join(textwrap.dedent(block) for block in blocks)


def assertExamplesRun(module: str) -> None:
    """The module's examples run as printed: exit 0, print, nothing on stderr."""
    assert_runs_cleanly(module, exampleProgram(module))


# ------------------------------------------------------------ framing

PAT = patSection(1, {1: 0x100})


def test_long_section_gives_the_header_and_cuts_off_stuffing() -> None:
    data, header = longSection(PAT + b"\xff" * 10, "PAT", (0x00,))
    assert data == PAT
    assert (header.table_id, header.section_length, header.table_id_extension,
            header.version, header.current_next, header.section_number,
            header.last_section_number) == (0, len(PAT) - 3, 1, 0, 1, 0, 0)


@pytest.mark.parametrize("damage,message", [
    (lambda s: s[:-1], "section_length 13 needs 16 bytes, only 15 are there"),
    (lambda s: b"\x02" + s[1:], r"table_id 0x02 is not 0x00"),
    (lambda s: s[:1] + bytes([s[1] & 0x7F]) + s[2:], "section_syntax_indicator is 0"),
    (lambda s: s[:-1] + bytes([s[-1] ^ 1]), "CRC-32 check failed over 16 bytes"),
    (lambda s: s[:2], r"2 byte\(s\) is too short"),
    (lambda s: bytes([0, 0xBF, 0xFF]) + bytes(4096), "section_length 4095 is past the 4093"),
    (lambda s: bytes([0, 0xB0, 5]) + bytes(5), "section_length 5 is too short for the "
                                               r"long-form header and CRC \(at least 9\)"),
    (lambda s: "not bytes", "a section is bytes, not 'not bytes'"),
])
def test_long_section_names_what_is_wrong(damage: Callable[[bytes], Any], message: str) -> None:
    with pytest.raises(TableError, match=message):
        longSection(damage(PAT), "PAT", (0x00,))


def test_a_run_of_table_ids_is_named_as_a_range() -> None:
    with pytest.raises(TableError, match="table_id 0x00 is not 0x4e-0x6f"):
        longSection(PAT, "EIT", range(0x4E, 0x70))


def test_section_number_past_the_last_is_refused() -> None:
    with pytest.raises(TableError, match="section_number 2 is past last_section_number 1"):
        longSection(patSection(1, {}, number=2, last=1), "PAT", (0x00,))


def test_crc_is_not_checked_when_told_not_to() -> None:
    damaged = PAT[:-1] + bytes([PAT[-1] ^ 1])
    data, _ = longSection(damaged, "PAT", (0x00,), checkCRC=False)
    assert data == damaged


def test_short_section_checks_id_syntax_length_and_crc() -> None:
    tdt = bytes.fromhex("707005c079124500")
    assert shortSection(tdt, "TDT", 0x70, 5, hasCRC=False) == tdt
    with pytest.raises(TableError, match="section_syntax_indicator is 1"):
        shortSection(bytes([0x70, 0xF0, 5]) + tdt[3:], "TDT", 0x70, 5, hasCRC=False)
    with pytest.raises(TableError, match="section_length 4 is below the 5"):
        shortSection(bytes([0x70, 0x70, 4]) + tdt[3:7], "TDT", 0x70, 5, hasCRC=False)
    tot = sealed(bytes.fromhex("73700b" "c079124500" "f000"))
    assert shortSection(tot, "TOT", 0x73, 11, hasCRC=True) == tot
    with pytest.raises(TableError, match="CRC-32 check failed"):
        shortSection(tot[:-1] + b"\x00", "TOT", 0x73, 11, hasCRC=True)


def test_loop_length_must_fit_the_section() -> None:
    data = bytes([0xF0, 3, 1, 2, 3, 9])
    assert loopLength(data, 0, 5, "T", "loop") == (3, 5)
    with pytest.raises(TableError, match="loop of 3 bytes at byte 2 runs past the end"):
        loopLength(data, 0, 4, "T", "loop")
    with pytest.raises(TableError, match="loop length field at byte 5 is past the end"):
        loopLength(data, 5, 6, "T", "loop")


def test_descriptor_loop_parses_and_wraps_descriptor_errors() -> None:
    data = b"xx" + bytes([0x52, 1, 7])
    assert descriptorLoop(data, 2, 5, "PMT", "descriptors") == [
        (0x52, {"type": "stream_identifier", "component_tag": 7})]
    assert descriptorLoop(data, 2, 2, "PMT", "descriptors") == []
    with pytest.raises(TableError, match=r"PMT: bad descriptors at bytes 2\.\.4"):
        descriptorLoop(data, 2, 4, "PMT", "descriptors")


def test_utc_time_gives_1_14s_list_and_refuses_undefined_or_bad_times() -> None:
    now, when = utcTime(bytes.fromhex("c079124500"), 0, "TDT")
    assert now == [1993, 10, 13, 12, 45, 0] and when.isoformat() == "1993-10-13T12:45:00+00:00"
    with pytest.raises(TableError, match="undefined"):
        utcTime(b"\xff" * 5, 0, "TDT")
    with pytest.raises(TableError, match="UTC_time at byte 0"):
        utcTime(bytes.fromhex("c0791a4500"), 0, "TDT")


def test_max_section_length_is_the_4096_byte_section() -> None:
    assert MAX_SECTION_LENGTH == 4096 - 3


# ------------------------------------------------------------ SectionCollector

def test_collector_returns_a_table_once_when_its_last_section_comes() -> None:
    collector = SectionCollector()
    assert collector.add("t", 0, 1, 2, "one") is None
    assert collector.add("t", 0, 0, 2, "zero") is None
    assert collector.add("t", 0, 1, 2, "one again") is None     # a repeat changes nothing
    assert collector.add("t", 0, 2, 2, "two") == ["zero", "one", "two"]
    assert collector.add("t", 0, 2, 2, "two") is None           # complete: quiet
    assert not collector.isNeeded("t", 0, 0, 2)


def test_collector_starts_afresh_on_a_new_version_or_last_section_number() -> None:
    collector = SectionCollector()
    assert collector.add("t", 0, 0, 0, "v0") == ["v0"]
    assert collector.isNeeded("t", 1, 0, 0) and collector.add("t", 1, 0, 0, "v1") == ["v1"]
    assert collector.add("t", 1, 0, 1, "v1 of two") is None     # last_section_number changed
    assert collector.add("t", 1, 1, 1, "second") == ["v1 of two", "second"]
    assert collector.add("t", 0, 0, 0, "v0 back") == ["v0 back"]   # any change is new


def test_collector_forgets_the_oldest_table_past_its_limit() -> None:
    collector = SectionCollector(maxTables=2)
    for key in "abc":
        assert collector.add(key, 0, 0, 0, key) == [key]
    assert len(collector) == 2 and collector.isNeeded("a", 0, 0, 0)
    assert not collector.isNeeded("c", 0, 0, 0)
    collector.clear()
    assert len(collector) == 0 and collector.isNeeded("c", 0, 0, 0)


def test_a_section_numbered_past_the_last_is_needed_so_it_is_parsed_and_refused() -> None:
    collector = SectionCollector()
    collector.add("t", 0, 0, 1, "zero")
    assert collector.isNeeded("t", 0, 2, 1)
    first, second = patSection(1, {}, number=0, last=1), patSection(1, {2: 2}, number=1, last=1)
    parser = ParseProgramAssociationTable()
    got = parsedBy(parser, [first, patSection(1, {}, number=2, last=1), second])
    assert parser.refused == 1 and [t["transport_streams"] for t in got] == [{1: {2: 2}}]


def test_collector_refuses_impossible_section_numbers() -> None:
    with pytest.raises(TableError, match="section 3 of 2"):
        SectionCollector().add("t", 0, 3, 2, "x")
    with pytest.raises(ValueError, match="maxTables must be at least 1, not 0"):
        SectionCollector(0)


# ------------------------------------------------------------ the components' loop

def test_a_table_is_sent_once_per_version_and_current_next_apart() -> None:
    v0, v1 = patSection(1, {1: 0x100}), patSection(1, {1: 0x200}, version=1)
    following = patSection(1, {1: 0x300}, version=2, current=False)
    got = parsedBy(ParseProgramAssociationTable(), [v0, v0, following, v0, v1, v1, following, v0])
    assert [(t["version"], t["current"], t["transport_streams"][1][1]) for t in got] == [
        (0, 1, 0x100), (2, 0, 0x300), (1, 1, 0x200), (0, 1, 0x100)]


def test_a_bad_section_is_counted_logged_and_parsing_goes_on(
        caplog: pytest.LogCaptureFixture) -> None:
    damaged = PAT[:-1] + bytes([PAT[-1] ^ 0xFF])
    parser = ParseProgramAssociationTable()
    with caplog.at_level(logging.WARNING, logger=PAT_LOGGER):
        got = parsedBy(parser, [damaged, damaged[:9], b"", PAT])
    assert [t["transport_streams"] for t in got] == [{1: {1: 0x100}}]
    assert parser.refused == 3
    warnings = [r.getMessage() for r in caplog.records if r.name == PAT_LOGGER]
    assert warnings and "CRC-32 check failed" in warnings[0] and parser.name in warnings[0]


def test_a_message_that_is_no_section_is_logged_as_an_error(
        caplog: pytest.LogCaptureFixture) -> None:
    parser = ParseProgramAssociationTable()
    with caplog.at_level(logging.ERROR, logger=PAT_LOGGER):
        got = parsedBy(parser, [{"not": "bytes"}, PAT])
    assert len(got) == 1 and parser.refused == 0
    errors = [r.getMessage() for r in caplog.records
              if r.name == PAT_LOGGER and r.levelno == logging.ERROR]
    assert len(errors) == 1 and "{'not': 'bytes'}" in errors[0] and parser.name in errors[0]


def test_sections_of_other_tables_are_ignored_silently(caplog: pytest.LogCaptureFixture) -> None:
    other = longSectionBytes(0x02, 1, bytes.fromhex("e100f000"))
    parser = ParseProgramAssociationTable()
    with caplog.at_level(logging.DEBUG, logger=PAT_LOGGER):
        assert parsedBy(parser, [other, PAT]) == [parsedBy(ParseProgramAssociationTable(),
                                                           [PAT])[0]]
    assert parser.refused == 0 and not [r for r in caplog.records if r.name == PAT_LOGGER]


@pytest.mark.parametrize("message", [producerFinished, shutdownMicroprocess])
def test_waiting_sections_are_parsed_before_the_shutdown_is_passed_on(message: type) -> None:
    expected = parsedBy(ParseProgramAssociationTable(), [PAT])
    assertShutdownPassesOn(ParseProgramAssociationTable, message, [PAT], expected)


def test_shutdown_method_passes_the_message_on_as_1_14s_did() -> None:
    parser = ParseProgramAssociationTable()
    assert parser.shutdown() is False
    request = producerFinished()
    parser.inboxes["control"].append(request)
    assert parser.shutdown() is True and list(parser.outboxes["signal"]) == [request]


# ------------------------------------------------------------ real streams, damage

@pytest.fixture(scope="module")
def mux(tmp_path_factory: pytest.TempPathFactory) -> Multiplex:
    return multiplex(tmp_path_factory.mktemp("sections"))


def test_the_real_pat_comes_once_through_demuxer_and_reassembler(mux: Multiplex) -> None:
    data = mux.path.read_bytes()
    got = fromStream(data, 0x00, ParseProgramAssociationTable())
    assert len(got) == 1          # ffmpeg repeats it; one version, so sent once
    assert got[0]["transport_streams"] == {
        mux.transportStreamId: {s.serviceId: s.pmtPid for s in mux.services}}


def test_package_example_runs() -> None:
    assertExamplesRun("__init__")


# ------------------------------------------------------------ fuzz

@FUZZ
@given(st.binary(max_size=64), st.integers(0, 255), st.booleans(), st.booleans())
def test_framing_raises_only_table_error(data: bytes, tableId: int, crc: bool,
                                         short: bool) -> None:
    section = bytes([tableId]) + data
    if short:
        outcome(lambda s: shortSection(s, "T", tableId, 5, hasCRC=crc), section)
    else:
        outcome(lambda s: longSection(s, "T", (tableId,), checkCRC=crc), section)
