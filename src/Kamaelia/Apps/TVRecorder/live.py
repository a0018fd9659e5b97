"""Watching while it records: a live HLS playlist for every recording in progress.

Example Usage
-------------
Give ``Recorder(..., live=True)``'s ``"live"`` outbox to a
:class:`LiveRecordings` (``kamaelia record --live-hls`` does this)::

    from Kamaelia.Apps.TVRecorder.live import LiveRecordings
    from Kamaelia.Apps.TVRecorder.recorder import ChannelSelection, Recorder
    from Kamaelia.Apps.TVRecorder.sources import TransportStreamSource
    from Kamaelia.Chassis.Graphline import Graphline

    if __name__ == "__main__":
        Graphline(SOURCE=TransportStreamSource("udp://239.1.1.1:1234"),
                  REC=Recorder("recordings", ChannelSelection(["BBC ONE"]), live=True),
                  LIVE=LiveRecordings("recordings/live"),
                  linkages={("SOURCE", "outbox"): ("REC", "inbox"),
                            ("SOURCE", "signal"): ("REC", "control"),
                            ("REC", "live"): ("LIVE", "inbox"),
                            ("REC", "signal"): ("LIVE", "control")}).run()

While ``News`` records on BBC ONE, ``recordings/live/BBC ONE/2026-12-04 1900
News/index.m3u8`` grows a segment every few seconds (an HLS ``EVENT``
playlist: a player can start at the beginning or join at the live edge);
when the programme ends the playlist gets its ``#EXT-X-ENDLIST``.

How does it work?
-----------------
For each ``("start", path, channel)`` a
:class:`~Kamaelia.Apps.TVRecorder.transcode.LiveHLS` child is made (its own
ffmpeg reading the recording's bytes on standard input) in
``FOLDER/CHANNEL/NAME``; each ``("data", path, bytes)`` goes to that child,
and ``("end", path)`` tells it the recording is over (it finishes the
playlist and ends). Its progress (``LivePlaylist`` events) comes out of
``"status"`` as lines, at most one per segment. A shutdown message on
``"control"`` ends every playlist the same way, waits for the children
to end, and is passed on out of ``"signal"``. A recording whose ffmpeg
fails is reported on ``"status"``; the recording itself is not affected.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Iterator

from Axon.AdaptiveCommsComponent import AdaptiveCommsComponent
from Axon.Ipc import producerFinished, shutdownMicroprocess
from Kamaelia.Apps.TVRecorder.transcode import LiveHLS, recordingSettings

__all__ = ["LiveRecordings"]

log = logging.getLogger(__name__)


class _Live:
    """One recording's playlist: its child and the boxes that reach it."""

    __slots__ = ("child", "data", "control", "events", "ended")

    def __init__(self, child: Any, data: str, control: str, events: str, ended: str) -> None:
        self.child, self.data, self.control = child, data, control
        self.events, self.ended = events, ended


class LiveRecordings(AdaptiveCommsComponent):
    """LiveRecordings(folder, settings=None, analyzeDuration=5.0) -> a live HLS playlist
    per recording in progress (see the module's docstring)"""

    Inboxes = {"inbox": "Recorder's 'live' tuples: start, data, end",
               "control": "producerFinished or shutdownMicroprocess: finish and end"}
    Outboxes = {"status": "a line per new segment, and when a playlist ends",
                "outbox": "not used", "signal": "the shutdown message, when all have ended"}

    def __init__(self, folder: Path | str, settings: Any = None, analyzeDuration: float = 5.0,
                 **argd: Any) -> None:
        super().__init__(**argd)
        self.folder = Path(folder)
        self.settings = settings if settings is not None else recordingSettings()
        self.analyzeDuration = analyzeDuration
        self.playlists: dict[Path, _Live] = {}

    def main(self) -> Iterator[int]:
        request: Any = None
        while request is None or self.playlists:
            self._take()
            self._listen()
            if request is None:
                request = self._shutdownRequest()
            if request is None or self.playlists:
                self.pause()
                yield 1
        self.send(request, "signal")

    def _shutdownRequest(self) -> Any:
        """The shutdown message, if one has come: every playlist is told to end."""
        for message in self.Inbox("control"):
            if isinstance(message, (producerFinished, shutdownMicroprocess)):
                self._take()
                for path in list(self.playlists):
                    self._end(path)
                return message
        return None

    def _take(self) -> None:
        for item in self.Inbox("inbox"):
            if not isinstance(item, tuple) or len(item) < 2:
                log.error("%s: not a recorder's live message, skipped: %.80r", self.name, item)
            elif item[0] == "start" and len(item) == 3:
                self._start(Path(item[1]), str(item[2]))
            elif item[0] == "data" and len(item) == 3:
                live = self.playlists.get(Path(item[1]))
                if live is not None:
                    self.send(item[2], live.data)
            elif item[0] == "end":
                self._end(Path(item[1]))

    def _start(self, path: Path, channel: str) -> None:
        folder = self.folder / path.parent.name / path.stem
        try:
            child = LiveHLS(folder, settings=self.settings, analyzeDuration=self.analyzeDuration)
        except (OSError, ValueError, TypeError) as error:
            self.send(f"live {path.stem}: not started: {error}", "status")
            return
        data, control = self.addOutbox("data"), self.addOutbox("childcontrol")
        events, ended = self.addInbox("events"), self.addInbox("ended")
        self.link((self, data), (child, "inbox"))
        self.link((self, control), (child, "control"))
        self.link((child, "outbox"), (self, events))
        self.link((child, "signal"), (self, ended))
        self.addChildren(child)
        child.activate()
        self.playlists[path] = _Live(child, data, control, events, ended)

    def _end(self, path: Path) -> None:
        live = self.playlists.get(path)
        if live is not None and not live.child._isStopped():
            self.send(producerFinished(self), live.control)

    def _listen(self) -> None:
        for path, live in list(self.playlists.items()):
            for event in self.Inbox(live.events):
                if event.segments or event.ended:
                    self.send(str(event), "status")
            if self.dataReady(live.ended):
                self.recv(live.ended)
                for event in self.Inbox(live.events):
                    self.send(str(event), "status")
                self._forget(path, live)

    def _forget(self, path: Path, live: _Live) -> None:
        del self.playlists[path]
        self.removeChild(live.child)
        for box in (live.data, live.control):
            self.deleteOutbox(box)
        for box in (live.events, live.ended):
            self.deleteInbox(box)
