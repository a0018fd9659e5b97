"""Live HLS while recording: each recording in progress gets a playlist that ends with it."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any, Iterator

from Axon.Component import component
from Kamaelia.Apps.TVRecorder.live import LiveRecordings
from Kamaelia.Apps.TVRecorder.recorder import ChannelSelection, Recorder
from Kamaelia.Apps.TVRecorder.sources import TransportStreamSource
from Kamaelia.Apps.TVRecorder.transcode import recordingSettings
from Kamaelia.Chassis.Graphline import Graphline
from tsfixtures import BASE, Programme, Service, ffprobeDuration, insertEIT, makeMultiplex

SECOND = timedelta(seconds=1)


class Lines(component):
    """Keeps the status lines it is sent; ends on the shutdown it is sent."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def main(self) -> Iterator[Any]:
        while True:
            self.lines.extend(self.Inbox("inbox"))
            if self.dataReady("control"):
                return
            self.pause()
            yield 1


def test_every_recording_has_a_live_playlist_that_ends_with_it(tmp_path: Path) -> None:
    mux = makeMultiplex(tmp_path / "mux.ts", [Service(1, "BBC ONE", "BBC")], seconds=5)
    stream = insertEIT(mux.path, tmp_path / "eit.ts", {
        1: [Programme(1, "News", "", BASE - SECOND, 3 * SECOND),
            Programme(2, "Film", "", BASE + 2 * SECOND, 60 * SECOND)]})
    lines = Lines()
    Graphline(SOURCE=TransportStreamSource(f"file:{stream.path}"),
              REC=Recorder(tmp_path / "out", ChannelSelection(["BBC ONE"]), live=True),
              LIVE=LiveRecordings(tmp_path / "live",
                                  settings=recordingSettings(hls_segment_seconds=1),
                                  analyzeDuration=1),
              LINES=lines,
              linkages={("SOURCE", "outbox"): ("REC", "inbox"),
                        ("SOURCE", "signal"): ("REC", "control"),
                        ("REC", "live"): ("LIVE", "inbox"),
                        ("REC", "signal"): ("LIVE", "control"),
                        ("LIVE", "status"): ("LINES", "inbox"),
                        ("LIVE", "signal"): ("LINES", "control")}).run()
    recordings = sorted((tmp_path / "out" / "BBC ONE").glob("*.ts"))
    assert [path.stem.split(" ", 2)[2] for path in recordings] == ["News", "Film"]   # by time
    for recording in recordings:
        playlist = tmp_path / "live" / "BBC ONE" / recording.stem / "index.m3u8"
        text = playlist.read_text()
        assert "#EXT-X-ENDLIST" in text and "#EXT-X-PLAYLIST-TYPE:EVENT" in text
        assert abs(ffprobeDuration(playlist) - ffprobeDuration(recording)) < 1.0
    assert any(line.endswith("ended") and "News" in line for line in lines.lines), lines.lines


def test_a_message_that_is_not_the_recorders_is_skipped(tmp_path: Path) -> None:
    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Util.DataSource import DataSource

    live = LiveRecordings(tmp_path)
    Pipeline(DataSource(["nonsense", ("data", tmp_path / "unknown.ts", b"x"),
                         ("end", tmp_path / "unknown.ts")]), live).run()
    assert live.playlists == {} and not list(tmp_path.iterdir())
