"""The recorder: a multiplex in, one file per programme of each wanted channel out.

Example Usage
-------------
Record every programme of two channels from a transport stream file (as
``kamaelia record --source mux.ts --channel "BBC ONE" --channel "BBC TWO"``
does)::

    from pathlib import Path
    from Kamaelia.Apps.TVRecorder.recorder import ChannelSelection, MultiplexRecorder

    recorder = MultiplexRecorder(Path("recordings"), ChannelSelection(["BBC ONE", "BBC TWO"]),
                                 onFinished=lambda done: print("recorded", done.path))
    with open("mux.ts", "rb") as stream:
        while chunk := stream.read(188 * 512):
            recorder.feed(chunk)
    recorder.close()              # the end of the stream: what is open is finished

Each programme becomes ``recordings/BBC ONE/2026-12-04 1800 News.ts``
(that service alone: its video, audio and subtitles behind a PAT and PMT
of its own) and, beside it, ``... News.json`` with the programme's EIT
data and what was recorded. :class:`Recorder` is the same as a component:
chunks of stream on ``"inbox"``, a :class:`Finished` per recording out of
``"outbox"``, each now/next event out of ``"epg"``, status lines out of
``"status"``.

How does it work?
-----------------
Everything happens in :meth:`MultiplexRecorder.feed`, with the sans-I/O
parts of ``Kamaelia.Support.DVB`` and ``Kamaelia.Device.DVB``:

* a ``PacketReader`` cuts the stream into packets (resynchronising over
  junk); the SDT's and EIT's packets (PIDs 0x11 and 0x12) go to a
  ``SectionAssembler`` (a section with a bad CRC is dropped there, and
  recording goes on); the SDT names the services (``serviceNames``), the
  present/following EIT says what is on (``simplifyEIT``), and a
  ``JunctionDetector`` tells a new programme (a junction) from an
  amendment of the one on now (a longer duration, a new description);
* the stream's clock is the PCR (``StreamClock``: the first PID seen
  carrying one), in seconds; padding is measured on it, so a file read as fast as the disk
  allows is cut exactly as the live broadcast would be;
* a junction on a wanted service ends that service's current recording
  and starts the next. With no padding the cut is seamless: the service's
  ``ServiceRemuxer`` is asked for a new file (``startNewFile``), which
  begins at the next random access point of the video, so the two files
  together hold every packet once. With padding, the old recording goes
  on ``padding_after`` seconds past the junction, and the new one gets a
  remuxer of its own, fed first from a buffer of the last seconds of the
  multiplex so that it begins ``padding_before`` seconds before it;
* while a recording is written its file is ``NAME.ts.part``; when it is
  finished it is renamed ``NAME.ts`` and its ``.json`` written, so
  nothing half-written is taken for a recording, and a crash leaves
  what was recorded so far on disk.

The first programme seen on a channel was already running: it is recorded
from then on, and its ``.json`` says ``"partial": true`` and
``"joined_late": true``; a recording the end of the stream (or a stop)
cuts short says ``"partial": true`` and ``"cut_short": true``.

Padding before a programme comes from a buffer of the last seconds of
the multiplex (the selection's ``maxPaddingBefore`` and five more, at
most ``PREROLL_LIMIT`` bytes, 256 MB: about 85 s of a 3 MB/s DVB-T
multiplex; a recording whose padding the buffer cannot hold starts as far
back as it goes).

Which programmes are recorded is up to the *selection*, an object with
``wants(programme, channel) -> (padding_before, padding_after) | None``
(and optionally ``maxPaddingBefore``):
:class:`ChannelSelection` takes every programme of the channels it is
given; ``Kamaelia.Apps.TVRecorder.rules`` matches titles, channels and
times.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping, Protocol

from Axon.Component import component
from Kamaelia._shutdown import runUntilShutdown
from Kamaelia.Apps.TVRecorder.remux import ServiceRemuxer
from Kamaelia.Device.DVB.NowNext import NOW, JunctionDetector
from Kamaelia.Device.DVB.Parse import TableError
from Kamaelia.Device.DVB.Parse.ParseEventInformationTable import (
    eitTable, parseEITSection, simplifyEIT)
from Kamaelia.Device.DVB.Parse.ParseServiceDescriptionTable import (
    parseServiceDescriptionTableSection, serviceNames)
from Kamaelia.Support.DVB.TransportStream import (
    PacketReader, SectionAssembler, StreamClock)

__all__ = ["Selection", "ChannelSelection", "RuleSelection", "Finished", "MultiplexRecorder",
           "Recorder", "recordingName", "PREROLL_LIMIT"]

log = logging.getLogger("Kamaelia.Apps.TVRecorder.recorder")

SDT_PID, EIT_PID = 0x11, 0x12
#: The multiplex kept for recordings that start late (the SDT named the
#: channel after its junction) or padded: this much more than the padding.
_PREROLL_MARGIN = 5.0
#: At most this much of the multiplex is kept for padding before (about 85 s
#: of a 3 MB/s DVB-T multiplex); more padding than that is cut to it.
PREROLL_LIMIT = 256 * 1024 * 1024
#: Events kept for services the SDT has not named (a stream without an SDT
#: must not fill the memory).
_MAX_WAITING = 1000


class Selection(Protocol):
    """What to record: ``wants`` returns the padding (seconds before, after) or None."""

    def wants(self, programme: Mapping[str, Any], channel: str) -> tuple[float, float] | None:
        ...


@dataclass(frozen=True)
class ChannelSelection:
    """Every programme of ``channels`` (names as the SDT gives them; case is ignored)."""

    channels: Iterable[str]
    paddingBefore: float = 0.0
    paddingAfter: float = 0.0

    @property
    def maxPaddingBefore(self) -> float:
        """The most padding before any recording (how much stream to keep)."""
        return float(self.paddingBefore)

    def __post_init__(self) -> None:
        names = [self.channels] if isinstance(self.channels, str) else list(self.channels)
        if not names or not all(isinstance(name, str) and name.strip() for name in names):
            raise ValueError(f"ChannelSelection: channel names, not {self.channels!r}")
        for what in ("paddingBefore", "paddingAfter"):
            value = getattr(self, what)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise ValueError(f"ChannelSelection: {what} must be seconds >= 0, not {value!r}")
        object.__setattr__(self, "channels", tuple(names))

    def wants(self, programme: Mapping[str, Any], channel: str) -> tuple[float, float] | None:
        folded = channel.casefold()
        if any(folded == name.casefold() for name in self.channels):
            return (float(self.paddingBefore), float(self.paddingAfter))
        return None


class RuleSelection:
    """RuleSelection(rules) -> the programmes a ``rules.RuleSet`` matches, with its padding"""

    def __init__(self, rules: Any) -> None:
        if not callable(getattr(rules, "padding", None)):
            raise TypeError(f"RuleSelection: not a RuleSet: {rules!r}")
        self.rules = rules
        self.maxPaddingBefore = max((rule.padding_before for rule in rules.rules), default=0.0)

    def wants(self, programme: Mapping[str, Any], channel: str) -> tuple[float, float] | None:
        padding: tuple[float, float] | None = self.rules.padding(programme, channel)
        return padding


@dataclass
class Finished:
    """A recording, finished: its ``.ts`` and ``.json``, and what the ``.json`` says."""

    path: Path
    metadata: dict[str, Any]

    @property
    def jsonPath(self) -> Path:
        return self.path.with_suffix(".json")


_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')


def recordingName(channel: str, programme: Mapping[str, Any]) -> str:
    """``"2026-12-04 1800 News"``: the programme's start (its EIT time, UTC) and title,
    made safe for a file name (no path separators or control characters)."""
    start = programme.get("start")
    stamp = start.strftime("%Y-%m-%d %H%M") if isinstance(start, datetime) else "undated"
    title = _UNSAFE.sub(" ", str(programme.get("name") or "untitled")).strip(" .")
    return f"{stamp} {title[:120] or 'untitled'}"


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, Mapping):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(item) for item in value]
    return value


class _Recording:
    """One file being written, and how long it goes on."""

    def __init__(self, path: Path, channel: str, programme: Mapping[str, Any],
                 padding: tuple[float, float], startedAt: float, partial: bool,
                 source: str) -> None:
        self.path = path
        self.part = path.with_name(path.name + ".part")
        self.channel, self.programme, self.padding = channel, dict(programme), padding
        self.startedAt, self.partial, self.source = startedAt, partial, source
        self.endAt: float | None = None          # stream time to stop at, once known
        self.bytes = 0
        self.listener: Callable[[tuple[Any, ...]], None] | None = None
        path.parent.mkdir(parents=True, exist_ok=True)
        self._file = open(self.part, "wb")

    def write(self, data: bytes) -> None:
        if data:
            self._file.write(data)
            self.bytes += len(data)
            if self.listener is not None:
                self.listener(("data", self.path, data))

    def finish(self, endedAt: float, cutShort: bool) -> Finished:
        self._file.close()
        if self.listener is not None:
            self.listener(("end", self.path))
        os.replace(self.part, self.path)
        metadata = {
            "channel": self.channel,
            "service_id": self.programme.get("service"),
            "transport_stream_id": self.programme.get("transportstream"),
            "original_network_id": self.programme.get("original_network"),
            "event_id": self.programme.get("event_id"),
            "title": self.programme.get("name", ""),
            "description": self.programme.get("description", ""),
            "language": self.programme.get("language_code", ""),
            "start": _jsonable(self.programme.get("start")),
            "end": _jsonable(self.programme.get("end")),
            "partial": self.partial or cutShort,
            "joined_late": self.partial,        # the programme was on when the stream began
            "cut_short": cutShort,              # the stream (or a stop) ended it early
            "padding_before": self.padding[0],
            "padding_after": self.padding[1],
            "recorded_seconds": round(max(0.0, endedAt - self.startedAt), 3),
            "bytes": self.bytes,
            "source": self.source,
            "eit": _jsonable(self.programme),
        }
        tmp = self.path.with_suffix(".json.part")
        tmp.write_text(json.dumps(metadata, indent=2, ensure_ascii=False) + "\n",
                       encoding="utf-8")
        os.replace(tmp, self.path.with_suffix(".json"))
        return Finished(self.path, metadata)

    def abandon(self) -> None:
        self._file.close()


@dataclass
class _Writer:
    """A remuxer and the recording(s) its output goes to."""

    remuxer: ServiceRemuxer
    recording: _Recording
    # The no-padding cut: what the remuxer starts as a new file goes here.
    nextRecording: _Recording | None = None


@dataclass
class _Channel:
    """A wanted service: its name and the writers of its recordings."""

    serviceId: int
    name: str
    writers: list[_Writer] = field(default_factory=list)


class MultiplexRecorder:
    """MultiplexRecorder(out, selection, source="", onFinished=None, onEvent=None,
    onStatus=None, onLive=None) -> records programmes out of one multiplex (sans-I/O)

    - out        -- the folder; each channel gets a folder in it
    - selection  -- what to record (:class:`Selection`)
    - source     -- where the stream comes from, for the ``.json``
    - onFinished -- called with a :class:`Finished` for each recording made
    - onEvent    -- called with each now/next event (SimplifyEIT's dicts, plus
      ``"channel"``), e.g. for the EPG
    - onStatus   -- called with a line of text when a recording starts or ends
    - onLive     -- called with each recording's bytes as they are written, for
      watching while it records: ``("start", path, channel)``, then
      ``("data", path, bytes)`` ..., then ``("end", path)``

    :meth:`feed` takes chunks of stream of any size; :meth:`close` finishes
    what is being recorded.
    """

    def __init__(self, out: Path | str, selection: Selection, source: str = "",
                 onFinished: Callable[[Finished], None] | None = None,
                 onEvent: Callable[[dict[str, Any]], None] | None = None,
                 onStatus: Callable[[str], None] | None = None,
                 onLive: Callable[[tuple[Any, ...]], None] | None = None) -> None:
        if not callable(getattr(selection, "wants", None)):
            raise TypeError(f"MultiplexRecorder: a selection has a wants() method: {selection!r}")
        self.out = Path(out)
        self.selection, self.source = selection, source
        self.onFinished = onFinished or (lambda finished: None)
        self.onEvent = onEvent or (lambda event: None)
        self.onStatus = onStatus or (lambda line: None)
        self.onLive = onLive
        self.reader = PacketReader()
        self.tables = SectionAssembler()
        self.junctions = JunctionDetector()
        self.names: dict[int, str] = {}            # service_id -> name (SDT)
        self.channels: dict[int, _Channel] = {}    # services being recorded
        self.clock = 0.0                           # stream time, seconds
        self.finished: list[Finished] = []
        self.tableErrors = 0
        self.streamClock = StreamClock()
        self._preroll: deque[tuple[float, bytes]] = deque()
        self._prerollBytes = 0
        before = getattr(selection, "maxPaddingBefore", 0.0)
        self._prerollSeconds = float(before or 0.0) + _PREROLL_MARGIN
        # events of services the SDT has not named yet: (seen at, kind, event)
        self._waiting: list[tuple[float, str, dict[str, Any]]] = []
        self._junctionSeen: set[int] = set()
        self._closed = False

    # ------------------------------------------------------------------ feed
    def feed(self, data: bytes | bytearray | memoryview) -> None:
        """Record from the next chunk of the multiplex."""
        if self._closed:
            raise RuntimeError("MultiplexRecorder.feed: the recorder has been closed")
        packets = self.reader.feed(data)
        streamClock = self.streamClock
        start = 0
        for index, packet in enumerate(packets):
            pid = (packet[1] & 0x1F) << 8 | packet[2]
            if packet[3] & 0x20:
                streamClock.feed(packet)
                self.clock = streamClock.seconds
            if pid == SDT_PID or pid == EIT_PID:
                events = self._tables(packet, pid)
                if events:
                    # The programme changes here: what came before goes to
                    # the recordings as they were, what follows as they become.
                    self._write(b"".join(packets[start:index + 1]))
                    start = index + 1
                    for event in events:
                        self._event(event)
        self._write(b"".join(packets[start:]))
        self._endDue()

    def close(self) -> None:
        """The end of the stream: finish every recording (marked partial if cut short)."""
        if self._closed:
            return
        self._write(b"".join(self.reader.flush()))
        for channel in self.channels.values():
            for writer in channel.writers:
                parts = writer.remuxer.flushParts()
                writer.recording.write(parts[0] if parts else b"")
                if writer.nextRecording is not None:
                    writer.nextRecording.write(b"".join(parts[1:]))
                    self._finish(writer.nextRecording, cutShort=True)
                self._finish(writer.recording,
                             cutShort=writer.recording.endAt is None
                             or writer.recording.endAt > self.clock)
            channel.writers.clear()
        self._closed = True

    # ----------------------------------------------------------- the tables
    def _tables(self, packet: bytes, pid: int) -> list[dict[str, Any]]:
        """Feed a packet of the SDT or EIT; the now/next events it completes."""
        events: list[dict[str, Any]] = []
        for section in self.tables.feed(packet):
            try:
                if pid == SDT_PID:
                    if section[0] == 0x42:           # this multiplex's own SDT
                        self._named(serviceNames(parseServiceDescriptionTableSection(section)))
                elif section[0] == 0x4E:             # this multiplex's now and next
                    events.extend(simplifyEIT(eitTable(parseEITSection(section))))
            except TableError as error:
                self.tableErrors += 1
                log.warning("%s: a table was ignored: %s", self.source or "stream", error)
        return events

    def _named(self, names: Mapping[str, int]) -> None:
        for name, serviceId in names.items():
            self.names[serviceId] = name
        if self._waiting:
            waiting, self._waiting = self._waiting, []
            for seenAt, kind, event in waiting:
                channel = self.names.get(event["service"])
                if channel is None:
                    self._waiting.append((seenAt, kind, event))
                    continue
                self.onEvent({**event, "channel": channel})
                if kind == NOW:
                    self._junction(event, seenAt)

    def _event(self, event: dict[str, Any]) -> None:
        kind = self.junctions.feed(event)
        if kind is None:
            return
        channel = self.names.get(event["service"])
        if channel is None:         # told, with its channel's name, once the SDT comes
            if len(self._waiting) < _MAX_WAITING:
                self._waiting.append((self.clock, kind, event))
            return
        self.onEvent({**event, "channel": channel})
        if kind == NOW:
            self._junction(event, self.clock)

    # ----------------------------------------------------------- recordings
    def _junction(self, event: dict[str, Any], seenAt: float) -> None:
        serviceId = event["service"]
        name = self.names[serviceId]
        # The first programme seen on a service was already running.
        first = serviceId not in self._junctionSeen
        self._junctionSeen.add(serviceId)
        padding = self.selection.wants(event, name)
        channel = self.channels.get(serviceId)
        if channel is None and padding is None:
            return
        if channel is None:
            channel = self.channels[serviceId] = _Channel(serviceId, name)
        open_ = [w for w in channel.writers if w.recording.endAt is None]
        if padding is None:
            for writer in open_:
                writer.recording.endAt = seenAt + writer.recording.padding[1]
            return
        recording = self._open(name, event, padding, seenAt, partial=first)
        seamless = (len(open_) == 1 and open_[0].nextRecording is None
                    and padding[0] == 0 and open_[0].recording.padding[1] == 0
                    and seenAt == self.clock)
        if seamless:
            writer = open_[0]
            writer.recording.endAt = seenAt
            writer.nextRecording = recording
            writer.remuxer.startNewFile()
        else:
            for writer in open_:
                writer.recording.endAt = seenAt + writer.recording.padding[1]
            writer = _Writer(ServiceRemuxer(serviceId), recording)
            recording.startedAt = max(0.0, seenAt - padding[0])
            for when, chunk in self._preroll:
                if when >= seenAt - padding[0]:
                    recording.write(writer.remuxer.feed(chunk))
            channel.writers.append(writer)
        self.onStatus(f"recording {name}: {event.get('name') or 'untitled'}"
                      + (" (already running)" if first else ""))

    def _open(self, channel: str, event: Mapping[str, Any], padding: tuple[float, float],
              startedAt: float, partial: bool) -> _Recording:
        folder = self.out / _UNSAFE.sub(" ", channel).strip(" .")
        base = recordingName(channel, event)
        path = folder / f"{base}.ts"
        number = 2
        while path.exists() or path.with_name(path.name + ".part").exists():
            path = folder / f"{base} ({number}).ts"
            number += 1
        recording = _Recording(path, channel, event, padding, startedAt, partial, self.source)
        if self.onLive is not None:
            self.onLive(("start", path, channel))
            recording.listener = self.onLive
        return recording

    def _write(self, chunk: bytes) -> None:
        if not chunk:
            return
        preroll = self._preroll
        preroll.append((self.clock, chunk))
        self._prerollBytes += len(chunk)
        while preroll and (preroll[0][0] < self.clock - self._prerollSeconds
                           or self._prerollBytes > PREROLL_LIMIT):
            self._prerollBytes -= len(preroll.popleft()[1])
        for channel in self.channels.values():
            for writer in channel.writers:
                parts = writer.remuxer.feedParts(chunk)
                writer.recording.write(parts[0])
                if len(parts) > 1 and writer.nextRecording is not None:
                    # the cut: the old file is complete, the new one begins
                    self._finish(writer.recording, cutShort=False)
                    writer.recording, writer.nextRecording = writer.nextRecording, None
                    writer.recording.startedAt = self.clock
                    writer.recording.write(b"".join(parts[1:]))

    def _endDue(self) -> None:
        for channel in self.channels.values():
            for writer in list(channel.writers):
                recording = writer.recording
                if (writer.nextRecording is None and recording.endAt is not None
                        and self.clock >= recording.endAt):
                    recording.write(writer.remuxer.flush())
                    self._finish(recording, cutShort=False)
                    channel.writers.remove(writer)

    def _finish(self, recording: _Recording, cutShort: bool) -> None:
        finished = recording.finish(self.clock, cutShort)
        self.finished.append(finished)
        self.onStatus(f"recorded {recording.channel}: {finished.metadata['title'] or 'untitled'}"
                      f" ({finished.metadata['recorded_seconds']:.0f} s, "
                      f"{recording.bytes / 1e6:.1f} MB) -> {finished.path}")
        self.onFinished(finished)


class Recorder(component):
    """Recorder(out, selection, source="", live=False) -> records programmes from the stream it is sent

    The component face of :class:`MultiplexRecorder`. On ``producerFinished``
    or ``shutdownMicroprocess`` it records what is waiting, finishes every
    recording, and passes the message on out of ``"signal"``.
    """

    Inboxes = {"inbox": "chunks of transport stream (bytes)", "control": "shutdown signalling"}
    Outboxes = {"outbox": "a Finished for each recording made",
                "epg": "now/next events (dicts), for the EPG",
                "status": "status lines (str)",
                "live": "with live=True, each recording's bytes as they are written "
                        "(MultiplexRecorder's onLive tuples)",
                "signal": "shutdown signalling"}

    def __init__(self, out: Path | str, selection: Selection, source: str = "",
                 live: bool = False, **argd: Any) -> None:
        super().__init__(**argd)
        self.recorder = MultiplexRecorder(
            out, selection, source, onFinished=lambda done: self.send(done, "outbox"),
            onEvent=lambda event: self.send(event, "epg"),
            onStatus=lambda line: self.send(line, "status"),
            onLive=(lambda item: self.send(item, "live")) if live else None)

    def main(self) -> Iterator[int]:
        request = yield from runUntilShutdown(self, self._recordWaiting)
        self.recorder.close()
        self.send(request, "signal")

    def _recordWaiting(self) -> bool:
        for chunk in self.Inbox("inbox"):
            if isinstance(chunk, (bytes, bytearray, memoryview)):
                self.recorder.feed(chunk)
            else:
                log.error("%s: not transport stream, skipped: %.80r", self.name, chunk)
        return False
