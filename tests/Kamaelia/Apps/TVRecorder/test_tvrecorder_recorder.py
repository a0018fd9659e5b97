"""The recorder cuts each wanted channel into one file per programme, from real streams.

The multiplexes are made by ffmpeg (tsfixtures.makeMultiplex) with EIT
present/following tables written in by tsfixtures.insertEIT: a programme
change every few seconds. Each file is checked with ffprobe.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from Kamaelia.Apps.TVRecorder.recorder import (
    ChannelSelection, Finished, MultiplexRecorder, Recorder, recordingName)
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.File.Reading import RateControlledFileReader
from tsfixtures import (BASE, EIT_PID, InsertedTables, Programme, Service, corruptSection,
                        dropPackets, ffprobeDuration, ffprobeStreams, insertEIT, makeMultiplex,
                        withJunk)

SECOND = timedelta(seconds=1)
SERVICES = [Service(1, "BBC ONE", "BBC"), Service(2, "BBC TWO", "BBC"), Service(3, "ITV", "ITV")]
#: Two programme changes on each of the two channels recorded (at 3 s and
#: 6 s of stream on BBC ONE, 4 s and 7 s on BBC TWO); ITV has one programme.
SCHEDULE = {
    1: [Programme(101, "News", "The news.", BASE - 2 * SECOND, 5 * SECOND),
        Programme(102, "Film", "A film.", BASE + 3 * SECOND, 3 * SECOND),
        Programme(103, "Late Show", "Talk.", BASE + 6 * SECOND, 60 * SECOND)],
    2: [Programme(201, "Quiz", "A quiz.", BASE - SECOND, 5 * SECOND),
        Programme(202, "Drama", "A drama.", BASE + 4 * SECOND, 3 * SECOND),
        Programme(203, "Sport", "Football.", BASE + 7 * SECOND, 60 * SECOND)],
    3: [Programme(301, "Soap", "A soap.", BASE, 60 * SECOND)],
}
PIDS = {"BBC ONE": {"0x101", "0x102"}, "BBC TWO": {"0x201", "0x202"}}


@pytest.fixture(scope="module")
def stream(tmp_path_factory: pytest.TempPathFactory) -> InsertedTables:
    folder = tmp_path_factory.mktemp("mux")
    mux = makeMultiplex(folder / "mux.ts", SERVICES, seconds=9)
    return insertEIT(mux.path, folder / "eit.ts", SCHEDULE)


def record(data: bytes, out: Path, selection: Any, chunk: int = 188 * 300) -> MultiplexRecorder:
    recorder = MultiplexRecorder(out, selection, source="test")
    for start in range(0, len(data), chunk):
        recorder.feed(data[start:start + chunk])
    recorder.close()
    return recorder


def byTitle(finished: list[Finished]) -> dict[str, Finished]:
    return {done.metadata["title"]: done for done in finished}


def test_two_channels_at_once_one_file_per_programme(stream: InsertedTables,
                                                     tmp_path: Path) -> None:
    recorder = record(stream.path.read_bytes(), tmp_path,
                      ChannelSelection(["BBC ONE", "bbc two"]))    # case is ignored
    found = byTitle(recorder.finished)
    assert sorted(found) == ["Drama", "Film", "Late Show", "News", "Quiz", "Sport"]
    assert not any("Soap" in str(path) for path in tmp_path.rglob("*"))     # not asked for
    for done in recorder.finished:
        channel = done.metadata["channel"]
        assert done.path.parent == tmp_path / channel and done.path.suffix == ".ts"
        streams = ffprobeStreams(done.path)
        assert sorted(s["codec_type"] for s in streams) == ["audio", "video"], done.path
        assert {s["id"] for s in streams} == PIDS[channel], done.path
        saved = json.loads(done.jsonPath.read_text(encoding="utf-8"))
        assert saved["title"] == done.metadata["title"] and saved["channel"] == channel
    # The programmes that began and ended inside the stream last what the EIT says.
    for title, seconds in (("Film", 3), ("Drama", 3)):
        assert abs(ffprobeDuration(found[title].path) - seconds) < 1.0, title
        assert found[title].metadata["partial"] is False
    # The first was already running, the last was cut off by the end of the stream.
    assert found["News"].metadata["partial"] and found["Sport"].metadata["partial"]
    assert found["Film"].metadata["description"] == "A film."
    assert found["Film"].metadata["start"] == (BASE + 3 * SECOND).isoformat()
    assert not list(tmp_path.rglob("*.part")), "every file was finished"


def test_without_padding_nothing_is_lost_between_programmes(stream: InsertedTables,
                                                            tmp_path: Path) -> None:
    recorder = record(stream.path.read_bytes(), tmp_path, ChannelSelection(["BBC ONE"]))
    pieces = [done.path for done in recorder.finished]
    assert len(pieces) == 3
    whole = sum(ffprobeDuration(path) for path in pieces)
    assert abs(whole - ffprobeDuration(stream.path)) < 0.5, "the cuts lose or double nothing"


def test_padding_starts_early_and_ends_late(stream: InsertedTables, tmp_path: Path) -> None:
    recorder = record(stream.path.read_bytes(), tmp_path,
                      ChannelSelection(["BBC ONE"], paddingBefore=1.0, paddingAfter=1.0))
    film = byTitle(recorder.finished)["Film"]
    assert abs(ffprobeDuration(film.path) - 5.0) < 1.0      # 3 s and a second each side
    assert film.metadata["padding_before"] == 1.0 and film.metadata["padding_after"] == 1.0


def test_recording_goes_on_through_junk_lost_packets_and_a_bad_table(
        stream: InsertedTables, tmp_path: Path) -> None:
    data = stream.path.read_bytes()
    damaged = withJunk(dropPackets(corruptSection(data, EIT_PID, 3), EIT_PID, 7),
                       every=400, size=50)
    recorder = record(damaged, tmp_path, ChannelSelection(["BBC ONE"]))
    assert recorder.reader.junkBytes > 0 and recorder.tables.crcErrors >= 1
    found = byTitle(recorder.finished)
    assert sorted(found) == ["Film", "Late Show", "News"]
    assert abs(ffprobeDuration(found["Film"].path) - 3.0) < 1.0


def test_a_stream_that_stops_leaves_what_was_recorded(stream: InsertedTables,
                                                     tmp_path: Path) -> None:
    data = stream.path.read_bytes()
    recorder = record(data[:len(data) // 2 // 188 * 188], tmp_path, ChannelSelection(["BBC ONE"]))
    # News was already running when the stream began, Film is cut off by its end
    assert [(done.metadata["title"], done.metadata["partial"]) for done in recorder.finished] \
        == [("News", True), ("Film", True)]
    news, film = (done.metadata for done in recorder.finished)
    assert (news["joined_late"], news["cut_short"]) == (True, False)
    assert (film["joined_late"], film["cut_short"]) == (False, True)
    assert all(ffprobeDuration(done.path) > 0.5 for done in recorder.finished)


def test_the_component_sends_each_recording_and_the_epg(stream: InsertedTables,
                                                       tmp_path: Path) -> None:
    from Axon.Component import component

    got: dict[str, list[Any]] = {"outbox": [], "epg": [], "status": []}

    class Keep(component):
        Inboxes = {"inbox": "", "epg": "", "status": "", "control": ""}

        def main(self) -> Any:
            while True:
                for box in got:
                    got[box].extend(self.Inbox(box if box != "outbox" else "inbox"))
                if self.dataReady("control"):
                    return
                self.pause()
                yield 1

    recorder = Recorder(tmp_path, ChannelSelection(["BBC TWO"]), source=str(stream.path))
    keep = Keep()
    recorder.link((recorder, "epg"), (keep, "epg"))
    recorder.link((recorder, "status"), (keep, "status"))
    Pipeline(RateControlledFileReader(str(stream.path), readmode="bytes", rate=10**9,
                                      chunksize=188 * 100),
             recorder, keep).run()
    assert [done.metadata["title"] for done in got["outbox"]] == ["Quiz", "Drama", "Sport"]
    assert {event["channel"] for event in got["epg"]} >= {"BBC ONE", "BBC TWO", "ITV"}
    assert any(line.startswith("recording BBC TWO: Drama") for line in got["status"])


def test_names_are_safe_for_files() -> None:
    name = recordingName("X", {"name": "a/b: c\x00?", "start": BASE})
    assert name == "2024-03-01 1900 a b  c" and "/" not in name
    assert recordingName("X", {}) == "undated untitled"


def test_bad_selections_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="paddingBefore"):
        ChannelSelection(["BBC ONE"], paddingBefore=-1)
    with pytest.raises(ValueError, match="channel names"):
        ChannelSelection([])
    with pytest.raises(TypeError, match="wants"):
        MultiplexRecorder(tmp_path, object())  # type: ignore[arg-type]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=4000), st.integers(1, 400))
def test_anything_fed_in_is_survived(tmp_path: Path, data: bytes, chunk: int) -> None:
    recorder = MultiplexRecorder(tmp_path, ChannelSelection(["BBC ONE"]))
    for start in range(0, len(data), chunk):
        recorder.feed(data[start:start + chunk])
    recorder.close()


def test_rules_pick_programmes_by_title_and_channel(stream: InsertedTables,
                                                    tmp_path: Path) -> None:
    from Kamaelia.Apps.TVRecorder.recorder import RuleSelection
    from Kamaelia.Apps.TVRecorder.rules import parseRules

    rules = parseRules("""
        padding_before = 0
        padding_after = 0
        [[record]]
        title = "film"
        channel = "BBC ONE"
        [[record]]
        title_contains = "ram"
        [[record]]
        title = "Soap"
        channel = "BBC TWO"        # it is on ITV: not recorded
    """)
    recorder = record(stream.path.read_bytes(), tmp_path, RuleSelection(rules))
    found = byTitle(recorder.finished)
    assert sorted(found) == ["Drama", "Film"]
    for title in ("Drama", "Film"):
        assert abs(ffprobeDuration(found[title].path) - 3.0) < 1.0, title
        assert found[title].metadata["partial"] is False
