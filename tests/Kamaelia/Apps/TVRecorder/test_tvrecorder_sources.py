"""Tests for Kamaelia.Apps.TVRecorder.sources: the text of a source, RTP, PCR pacing,
and TransportStreamSource over real loopback sockets, an HTTP server and files.

The streams are real multiplexes made with ffmpeg (``tsfixtures.makeMultiplex``),
sent at their own pace by ``tsfixtures.UDPStreamer`` / ``RTPStreamer`` or served by
``http.server`` in a thread. A :class:`Watcher` component takes what a source sends
and carries out the steps of a test as their conditions come true (start a
streamer once the source listens, stop the source once everything has come), so
nothing waits by sleeping; ``nettools.runScheduler`` fails a test that does not end.
"""

from __future__ import annotations

import ast
import http.server
import itertools
import re
import socket
import struct
import textwrap
import threading
import time
from collections import deque
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

import pytest
from hypothesis import given, settings, strategies as st

from Axon.Component import component
from Axon.Ipc import producerFinished, shutdownMicroprocess
from Kamaelia.Apps.TVRecorder.sources import (PCRPacer, RTPDepacketiser, RTPError,
                                              SourceSpec, TransportStreamSource, parseRTP,
                                              parseSource)
from nettools import IO_TIMEOUT, runScheduler
from test_docs import assert_runs_cleanly
from Kamaelia.Support.DVB.LinuxDVB import ReplayKernel
from tsfixtures import (PACKET_SIZE, Multiplex, RTPStreamer, Service, UDPStreamer,
                        makeMultiplex, packetTimes)

ROOT = Path(__file__).resolve().parents[4]
MODULE = ROOT / "src" / "Kamaelia" / "Apps" / "TVRecorder" / "sources.py"
_groups = itertools.count(1)


# ================================================================ fixtures and helpers

@pytest.fixture(scope="module")
def mux(tmp_path_factory: pytest.TempPathFactory) -> Multiplex:
    """A 1.5 s, one-service multiplex (about 120 KB)."""
    folder = tmp_path_factory.mktemp("sources")
    return makeMultiplex(folder / "mux.ts", [Service(1, "BBC ONE", "BBC")], seconds=1.5,
                         size=(160, 90))


@pytest.fixture
def streamers() -> Iterator[list[UDPStreamer]]:
    """Streamers a test makes; each is stopped (and its errors raised) at the end."""
    made: list[UDPStreamer] = []
    yield made
    for streamer in made:
        streamer.stop()


def freePort() -> int:
    """A UDP/TCP port nothing on 127.0.0.1 uses just now."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def group() -> str:
    """A fresh administratively scoped multicast group for each use."""
    return f"239.255.18.{next(_groups)}"


def halves(path: Path, folder: Path) -> tuple[Path, Path]:
    """The first and second halves of a stream (whole packets, each with PCRs)."""
    data = path.read_bytes()
    middle = len(data) // PACKET_SIZE // 2 * PACKET_SIZE
    first, second = folder / "first.ts", folder / "second.ts"
    first.write_bytes(data[:middle])
    second.write_bytes(data[middle:])
    return first, second


Step = tuple[Callable[["Watcher"], bool], Callable[["Watcher"], None]]


class Watcher(component):
    """Takes a source's stream, status lines and signal; carries out ``steps``
    (condition, action) in order, each once its condition holds."""

    Inboxes = {"inbox": "the stream", "status": "status lines", "control": "the signal"}
    Outboxes = {"outbox": "not used", "signal": "not used", "stop": "to the source's control"}

    def __init__(self, steps: Sequence[Step] = ()) -> None:
        super().__init__()
        self.data = bytearray()
        self.lines: list[str] = []
        self.ending: Any = None
        self.firstData: float | None = None
        self.lastData: float | None = None
        self.steps = deque(steps)

    def main(self) -> Iterator[int]:
        while True:
            self._take()
            while self.steps and self.steps[0][0](self):
                self.steps.popleft()[1](self)
            if self.dataReady("control"):
                self.ending = self.recv("control")
                self._take()
                return
            if not self.anyReady():
                self.pause()
            yield 1

    def _take(self) -> None:
        for chunk in self.Inbox("inbox"):
            assert isinstance(chunk, bytes)
            self.lastData = time.monotonic()
            if self.firstData is None:
                self.firstData = self.lastData
            self.data += chunk
        self.lines.extend(self.Inbox("status"))

    def said(self, text: str) -> bool:
        return any(text in line for line in self.lines)

    def stop(self, message: Any = None) -> None:
        self.send(message or shutdownMicroprocess(), "stop")


def said(text: str) -> Callable[[Watcher], bool]:
    return lambda watcher: watcher.said(text)


def got(size: int) -> Callable[[Watcher], bool]:
    return lambda watcher: len(watcher.data) >= size


def stop(watcher: Watcher) -> None:
    watcher.stop()


def start(streamer: UDPStreamer) -> Callable[[Watcher], None]:
    def action(watcher: Watcher) -> None:
        streamer.start()
    return action


def watch(source: TransportStreamSource, steps: Sequence[Step] = ()) -> Watcher:
    """A Watcher linked to ``source``, both activated (run them with ``runScheduler``)."""
    watcher = Watcher(steps)
    for box, into in (("outbox", "inbox"), ("status", "status"), ("signal", "control")):
        source.link((source, box), (watcher, into))
    watcher.link((watcher, "stop"), (source, "control"))
    source.activate()
    watcher.activate()
    return watcher


def run(source: TransportStreamSource, steps: Sequence[Step] = (),
        limit: float = IO_TIMEOUT) -> Watcher:
    watcher = watch(source, steps)
    runScheduler(limit)
    return watcher


def states(watcher: Watcher, source: TransportStreamSource) -> list[str]:
    """The status lines without the source's text: ``["started: ...", "receiving", ...]``."""
    prefix = source.spec.text + ": "
    assert all(line.startswith(prefix) for line in watcher.lines), watcher.lines
    return [line[len(prefix):] for line in watcher.lines]


def inOrder(lines: Sequence[str], *wanted: str) -> bool:
    """Each of ``wanted`` starts a line, in this order (other lines between)."""
    rest = iter(lines)
    return all(any(line.startswith(text) for line in rest) for text in wanted)


def canBind(port: int) -> bool:
    """True if a UDP socket can be bound to ``port`` on 127.0.0.1 (nobody holds it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


# ================================================================ parseSource

@pytest.mark.parametrize("text,expected", [
    ("udp://239.1.1.1:1234",
     SourceSpec("udp", "udp://239.1.1.1:1234", host="239.1.1.1", port=1234)),
    ("udp://@239.1.1.1:1234/?iface=192.168.1.20",
     SourceSpec("udp", "udp://@239.1.1.1:1234/?iface=192.168.1.20", host="239.1.1.1",
                port=1234, interface="192.168.1.20")),
    ("udp://:5000", SourceSpec("udp", "udp://:5000", host="", port=5000)),
    ("udp://127.0.0.1:5000", SourceSpec("udp", "udp://127.0.0.1:5000", host="127.0.0.1",
                                        port=5000)),
    ("udp://[ff15::1]:1234?iface=eth0",
     SourceSpec("udp", "udp://[ff15::1]:1234?iface=eth0", host="ff15::1", port=1234,
                interface="eth0")),
    ("UDP://[::]:1234", SourceSpec("udp", "UDP://[::]:1234", host="::", port=1234)),
    ("rtp://239.1.1.1:5004", SourceSpec("rtp", "rtp://239.1.1.1:5004", host="239.1.1.1",
                                        port=5004)),
    ("  http://hdhomerun.local:5004/auto/v101  ",
     SourceSpec("http", "http://hdhomerun.local:5004/auto/v101",
                url="http://hdhomerun.local:5004/auto/v101")),
    ("https://tv.example/stream?profile=pass",
     SourceSpec("http", "https://tv.example/stream?profile=pass",
                url="https://tv.example/stream?profile=pass")),
    ("file:rec.ts", SourceSpec("file", "file:rec.ts", path="rec.ts")),
    ("file:///srv/tv/rec.ts?realtime=1",
     SourceSpec("file", "file:///srv/tv/rec.ts?realtime=1", path="/srv/tv/rec.ts",
                realtime=True)),
    ("file://localhost/srv/rec.ts", SourceSpec("file", "file://localhost/srv/rec.ts",
                                               path="/srv/rec.ts")),
    ("recordings/news.ts", SourceSpec("file", "recordings/news.ts", path="recordings/news.ts")),
    ("news.ts?realtime=yes", SourceSpec("file", "news.ts?realtime=yes", path="news.ts",
                                        realtime=True)),
    ("what?.ts", SourceSpec("file", "what?.ts", path="what?.ts")),
    ("C:recording.ts", SourceSpec("file", "C:recording.ts", path="C:recording.ts")),
    ("dvb://BBC ONE", SourceSpec("dvb", "dvb://BBC ONE", channel="BBC ONE")),
    ("dvb://BBC%20ONE%20HD?adapter=2&conf=/etc/a+b.conf",
     SourceSpec("dvb", "dvb://BBC%20ONE%20HD?adapter=2&conf=/etc/a+b.conf",
                channel="BBC ONE HD", adapter=2, conf="/etc/a+b.conf")),
])
def test_parseSource_reads_each_kind_of_source(text: str, expected: SourceSpec) -> None:
    assert parseSource(text) == expected


def test_a_spec_knows_whether_its_host_is_a_multicast_group() -> None:
    assert parseSource("udp://239.1.1.1:1234").multicast
    assert parseSource("rtp://[ff15::7]:1234").multicast
    assert not parseSource("udp://127.0.0.1:1234").multicast
    assert not parseSource("udp://:1234").multicast
    assert not parseSource("file:x.ts").multicast


@pytest.mark.parametrize("text,message", [
    ("", "must not be empty"),
    ("   ", "must not be empty"),
    ("udp://239.1.1.1:1234\n", None),       # (trailing white space is trimmed)
    ("udp://239.1.1.1:12\x0034", "control characters"),
    ("udp:239.1.1.1:1234", "write udp://HOST:PORT"),
    ("udp://239.1.1.1", "needs a port"),
    ("udp://239.1.1.1:0", "'0'"),
    ("udp://239.1.1.1:65536", "'65536'"),
    ("udp://239.1.1.1:port", "'port'"),
    ("udp://tv.example:1234", "'tv.example'"),
    ("udp://239.1.1.300:1234", "'239.1.1.300'"),
    ("udp://ff15::1:1234", "brackets"),
    ("udp://[ff15::1:1234", "\\[ADDRESS\\]:PORT"),
    ("udp://[239.1.1.1]:1234", "'239.1.1.1'"),
    ("udp://239.1.1.1:1234?iface=eth0", "'eth0'"),
    ("udp://127.0.0.1:1234?iface=127.0.0.1", "'127.0.0.1' is not one"),
    ("udp://:1234?iface=127.0.0.1", "'' is not one"),
    ("udp://[ff15::1]:1234?iface=a%20b", "'a b'"),
    ("udp://239.1.1.1:1234?ttl=3", "'ttl'"),
    ("udp://239.1.1.1:1234?iface=1.2.3.4&iface=1.2.3.5", "twice"),
    ("udp://239.1.1.1:1234?iface", "name=value"),
    ("rtp//239.1.1.1:1234", None),          # (no colon after the scheme: a file's name)
    ("ftp://example.com/x.ts", "'ftp'"),
    ("http:/example.com/", "write http://"),
    ("http://", "has no host"),
    ("http://example.com:99999/", "is not a URL"),
    ("http://example.com/a b", "spaces"),
    ("file:", "no file"),
    ("file://server/share/x.ts", "another machine"),
    ("file:x.ts?realtime=maybe", "'maybe'"),
    ("x.ts?speed=2", "'speed'"),
    ("dvb://", "no channel"),
    ("dvb://?adapter=1", "no channel"),
    ("dvb:BBC ONE", "write dvb://CHANNEL"),
    ("dvb://BBC ONE?adapter=-1", "'-1'"),
    ("dvb://BBC ONE?adapter=256", "'256'"),
    ("dvb://BBC ONE?conf=", "conf="),
    ("dvb://BBC%FFONE", "not UTF-8"),
    ("dvb://BBC ONE?lnb=universal", "'lnb'"),
])
def test_parseSource_refuses_bad_text_naming_the_bad_part(text: str, message: str | None
                                                           ) -> None:
    if message is None:                     # these are not errors: see the comments
        parseSource(text)
        return
    with pytest.raises(ValueError, match=message):
        parseSource(text)


def test_parseSource_wants_text() -> None:
    with pytest.raises(TypeError, match="b'udp://:1234'"):
        parseSource(b"udp://:1234")         # type: ignore[arg-type]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_parseSource_raises_nothing_but_ValueError_on_any_text(text: str) -> None:
    try:
        spec = parseSource(text)
    except ValueError:
        return
    assert spec.kind in ("udp", "rtp", "http", "file", "dvb")


_PIECES = st.sampled_from(["udp://", "rtp://", "http://", "https://", "file:", "file://",
                           "dvb://", "@", "[", "]", ":", "?", "&", "=", "%", "%2", "%FF",
                           "/", "239.1.1.1", "127.0.0.1", "::1", "ff15::1", "1234", "0",
                           "65536", "iface", "realtime", "adapter", "conf", "1", "eth0",
                           "localhost", " ", "+"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=10))
def test_parseSource_raises_nothing_but_ValueError_on_near_misses(pieces: list[str]) -> None:
    try:
        spec = parseSource("".join(pieces))
    except ValueError:
        return
    if spec.kind in ("udp", "rtp"):
        assert 1 <= spec.port <= 65535
        spec.multicast                      # (the host is an address)


# ================================================================ RTP

def rtp(payload: bytes, sequence: int = 7, csrcs: Sequence[int] = (),
        extension: bytes | None = None, padding: int = 0, ssrc: int = 0x4B414D41,
        version: int = 2) -> bytes:
    """An RTP packet written out by hand (RFC 3550 5.1)."""
    first = version << 6 | (0x20 if padding else 0) | (0x10 if extension is not None else 0)
    out = struct.pack("!BBHII", first | len(csrcs), 0x80 | 33, sequence, 90_000, ssrc)
    out += b"".join(struct.pack("!I", csrc) for csrc in csrcs)
    if extension is not None:
        out += struct.pack("!HH", 0xBEDE, len(extension) // 4) + extension
    out += payload
    if padding:
        out += bytes(padding - 1) + bytes([padding])
    return out


PAYLOAD = bytes([0x47]) + bytes(range(187))


def test_parseRTP_reads_the_fixed_header() -> None:
    packet = parseRTP(rtp(PAYLOAD, sequence=65535))
    assert (packet.payloadType, packet.marker, packet.sequence, packet.timestamp,
            packet.ssrc, packet.csrcs, packet.payload) == (
        33, True, 65535, 90_000, 0x4B414D41, (), PAYLOAD)


def test_parseRTP_skips_csrcs_the_extension_and_the_padding() -> None:
    packet = parseRTP(rtp(PAYLOAD, csrcs=(1, 2, 3), extension=b"\x10\xaa\x00\x00" * 2,
                          padding=4))
    assert packet.csrcs == (1, 2, 3)
    assert packet.payload == PAYLOAD


@pytest.mark.parametrize("datagram,message", [
    (b"\x80\x21\x00", "3 bytes is too short"),
    (rtp(PAYLOAD, version=1), "version 1, not 2"),
    (rtp(b"", csrcs=(1, 2))[:16], "2 CSRCs do not fit in 16 bytes"),
    (rtp(b"", extension=b"")[:14], "extension does not fit"),
    (rtp(b"", extension=b"\x00" * 4)[:16], "the header \\(20 bytes\\) .* \\(16 bytes\\)"),
    (rtp(b"ab")[:-2] + b"\x00\x00", None),
    (bytes([0xA0]) + rtp(b"x")[1:-1] + b"\x00", "padding count is 0"),
    (bytes([0xA0]) + rtp(b"xy")[1:-1] + b"\x40", "longer than the datagram"),
])
def test_parseRTP_says_why_a_datagram_is_not_rtp(datagram: bytes, message: str | None
                                                  ) -> None:
    if message is None:                     # (well formed: an empty or 2-byte payload)
        parseRTP(datagram)
        return
    with pytest.raises(RTPError, match=message):
        parseRTP(datagram)


def test_the_depacketiser_passes_payloads_on_and_counts_a_gap_as_lost() -> None:
    depacketiser = RTPDepacketiser()
    payloads = [depacketiser.payload(rtp(bytes([n]), sequence=n)) for n in (1, 2, 5, 6)]
    assert payloads == [b"\x01", b"\x02", b"\x05", b"\x06"]
    assert (depacketiser.lost, depacketiser.packets, depacketiser.late) == (2, 4, 0)


def test_the_depacketiser_counts_across_the_sequence_wrap() -> None:
    depacketiser = RTPDepacketiser()
    for sequence in (65534, 65535, 0, 2):
        assert depacketiser.payload(rtp(b"x", sequence=sequence)) == b"x"
    assert depacketiser.lost == 1           # 1 was missing, not 65535 of them


def test_the_depacketiser_drops_duplicates_and_late_packets() -> None:
    depacketiser = RTPDepacketiser()
    results = [depacketiser.payload(rtp(bytes([n]), sequence=n)) for n in (10, 11, 11, 9, 12)]
    assert results == [b"\x0a", b"\x0b", None, None, b"\x0c"]
    assert (depacketiser.late, depacketiser.lost) == (2, 0)


def test_the_depacketiser_takes_a_big_jump_or_a_new_ssrc_as_a_restart() -> None:
    depacketiser = RTPDepacketiser()
    for sequence, ssrc in ((100, 1), (30_000, 1), (30_001, 1), (5, 2), (6, 2)):
        assert depacketiser.payload(rtp(b"x", sequence=sequence, ssrc=ssrc)) == b"x"
    assert (depacketiser.restarts, depacketiser.lost) == (2, 0)


def test_the_depacketiser_drops_and_counts_what_is_not_rtp() -> None:
    depacketiser = RTPDepacketiser()
    assert depacketiser.payload(PAYLOAD) is None        # bare transport stream
    assert depacketiser.payload(b"") is None
    assert (depacketiser.bad, depacketiser.packets) == (2, 0)


# ================================================================ PCR pacing

def pcrPacket(pcr: int, pid: int = 0x100) -> bytes:
    """A packet of ``pid`` with an adaptation field carrying ``pcr`` (27 MHz ticks)."""
    base, extension = divmod(pcr, 300)
    field = bytes([0x10]) + (base << 15 | 0x3F << 9 | extension).to_bytes(6, "big")
    return (bytes([0x47, pid >> 8, pid & 0xFF, 0x30, len(field)]) + field).ljust(188, b"\xff")


def plainPacket(pid: int = 0x100) -> bytes:
    return bytes([0x47, pid >> 8, pid & 0xFF, 0x10]).ljust(188, b"\x00")


def perPacket(pieces: list[tuple[float, bytes]]) -> list[tuple[float, bytes]]:
    return [(when, piece[at:at + 188]) for when, piece in pieces
            for at in range(0, len(piece), 188)]


def test_the_pacer_gives_each_piece_the_stream_time_of_its_pcr(mux: Multiplex) -> None:
    data = mux.path.read_bytes()
    pacer = PCRPacer()
    pieces = pacer.feed(data) + pacer.flush()
    assert b"".join(piece for _, piece in pieces) == data
    times = [when for when, _ in pieces]
    assert times == sorted(times) and times[0] == 0.0
    assert pieces[-1][0] == pytest.approx(mux.span, abs=1e-6)
    # Each piece starts at a PCR, whose time the fixtures' own clock agrees with.
    reference = packetTimes(data)
    at = 0
    for when, piece in pieces:
        assert when == pytest.approx(reference[at // 188], abs=1e-6)
        at += len(piece)


def test_the_pacer_gives_the_same_times_however_the_stream_is_cut(mux: Multiplex) -> None:
    data = mux.path.read_bytes()
    whole = PCRPacer()
    expected = perPacket(whole.feed(data) + whole.flush())
    cut = PCRPacer()
    pieces = [piece for at in range(0, len(data), 1000) for piece in cut.feed(data[at:at + 1000])]
    assert perPacket(pieces + cut.flush()) == expected


def test_the_pacer_counts_through_the_pcr_wrap() -> None:
    top = (1 << 33) * 300
    pacer = PCRPacer()
    pieces = pacer.feed(pcrPacket(top - 13_500_000) + plainPacket()
                        + pcrPacket(13_500_000) + plainPacket() + plainPacket())
    pieces += pacer.flush()
    assert [when for when, _ in perPacket(pieces)] == [0.0, 0.0, 1.0, 1.0, 1.0]
    assert pacer.discontinuities == 0


def test_the_pacer_carries_on_over_a_discontinuity(mux: Multiplex) -> None:
    data = mux.path.read_bytes()
    pacer = PCRPacer()
    pieces = pacer.feed(data + data) + pacer.flush()      # the clock jumps back
    assert pacer.discontinuities == 1
    assert pieces[-1][0] == pytest.approx(2 * mux.span, abs=0.2)


def test_the_pacer_follows_one_pid_and_leaves_junk_out() -> None:
    pacer = PCRPacer()
    stream = (b"junk" + pcrPacket(0) + pcrPacket(27_000_000 * 5, pid=0x200)
              + pcrPacket(27_000_000) + plainPacket())
    pieces = pacer.feed(stream) + pacer.flush()
    assert [when for when, _ in perPacket(pieces)] == [0.0, 0.0, 1.0, 1.0]
    assert b"".join(piece for _, piece in pieces) == stream[4:]


def test_the_pacer_refuses_a_bad_max_step() -> None:
    with pytest.raises(ValueError, match="-1"):
        PCRPacer(-1)


# ================================================================ the component: checks

@pytest.mark.parametrize("options,message", [
    ({"stallTimeout": 0}, "stallTimeout .* not 0"),
    ({"stallTimeout": float("inf")}, "inf"),
    ({"retry": ()}, "retry must be a non-empty list"),
    ({"retry": (1, -2)}, "-2"),
    ({"retry": 5}, "not 5"),
    ({"maxAttempts": 0}, "maxAttempts .* not 0"),
    ({"reportInterval": -1}, "-1"),
    ({"outboxLimit": 0}, "outboxLimit"),
])
def test_bad_options_are_refused_naming_the_value(options: dict[str, Any], message: str
                                                  ) -> None:
    with pytest.raises(ValueError, match=message):
        TransportStreamSource("udp://:1234", **options)


def test_bad_source_text_is_refused_when_the_component_is_made() -> None:
    with pytest.raises(ValueError, match="'tv.example'"):
        TransportStreamSource("udp://tv.example:1234")


def test_the_examples_in_the_module_docstring_run() -> None:
    doc = ast.get_docstring(ast.parse(MODULE.read_text(encoding="utf-8")), clean=False)
    assert doc is not None
    section = doc.split("Example Usage", 1)[1].split("How does it work?", 1)[0]
    blocks = re.findall(r"::\n\n((?:    .*\n|[ \t]*\n)+)", section)
    assert len(blocks) == 2
    for n, block in enumerate(blocks):
        assert_runs_cleanly(f"sources#{n}", textwrap.dedent(block))


# ================================================================ UDP and RTP

def test_udp_bytes_received_are_the_bytes_sent(mux: Multiplex,
                                               streamers: list[UDPStreamer]) -> None:
    data = mux.path.read_bytes()
    port = freePort()
    streamer = UDPStreamer(mux.path, port, realtime=True, speed=2.0)
    streamers.append(streamer)
    source = TransportStreamSource(f"udp://127.0.0.1:{port}", stallTimeout=IO_TIMEOUT)
    # The socket is bound before "started" reaches the watcher (the source makes
    # its feed in the same time slice), so nothing sent after it is lost.
    watcher = run(source, [(said("started"), start(streamer)), (got(len(data)), stop)])
    assert bytes(watcher.data) == data
    assert states(watcher, source) == [f"started: listening on 127.0.0.1 port {port}",
                                       "receiving", "stopped"]
    assert isinstance(watcher.ending, shutdownMicroprocess)
    assert canBind(port)                    # its socket was closed
    stats = source.statistics()
    assert (stats.state, stats.bytes, stats.attempts, stats.stalls) == ("stopped", len(data),
                                                                        1, 0)


def test_multicast_on_loopback_bytes_received_are_the_bytes_sent(
        mux: Multiplex, streamers: list[UDPStreamer]) -> None:
    data = mux.path.read_bytes()
    port, where = freePort(), group()
    streamer = UDPStreamer(mux.path, port, host=where, interface="127.0.0.1", speed=2.0)
    streamers.append(streamer)
    source = TransportStreamSource(f"udp://{where}:{port}?iface=127.0.0.1",
                                   stallTimeout=IO_TIMEOUT)
    watcher = run(source, [(said("started"), start(streamer)), (got(len(data)), stop)])
    assert bytes(watcher.data) == data
    assert states(watcher, source)[0] == (f"started: listening to the group {where} port "
                                          f"{port} on 127.0.0.1")


class GappyRTPStreamer(RTPStreamer):
    """An RTPStreamer whose sequence numbers skip one after the 5th datagram (all
    the data still comes: only the count says a packet was lost)."""

    def header(self, number: int, streamTime: float) -> bytes:
        return super().header(number + (number >= 5), streamTime)


def test_rtp_headers_are_stripped_and_a_sequence_gap_counted(
        mux: Multiplex, streamers: list[UDPStreamer]) -> None:
    data = mux.path.read_bytes()
    port, where = freePort(), group()
    # Sequence numbers 65531.. so the gap (65535 skipped) straddles the wrap.
    streamer = GappyRTPStreamer(mux.path, port, host=where, interface="127.0.0.1",
                                speed=2.0, firstSequence=65531)
    streamers.append(streamer)
    source = TransportStreamSource(f"rtp://{where}:{port}?iface=127.0.0.1",
                                   stallTimeout=IO_TIMEOUT, reportInterval=0.2)
    watcher = run(source, [(said("started"), start(streamer)), (got(len(data)), stop)])
    assert bytes(watcher.data) == data
    stats = source.statistics()
    assert (stats.lostPackets, stats.badPackets) == (1, 0)
    assert watcher.said("; 1 RTP packets lost")      # in a "receiving R KB/s" line


def test_a_udp_source_that_stops_is_reported_retried_and_recovers(
        mux: Multiplex, tmp_path: Path, streamers: list[UDPStreamer]) -> None:
    data = mux.path.read_bytes()
    first, second = halves(mux.path, tmp_path)
    port = freePort()
    before = UDPStreamer(first, port, speed=2.0)
    after = UDPStreamer(second, port, speed=2.0)
    streamers += [before, after]
    source = TransportStreamSource(f"udp://:{port}", stallTimeout=0.3, retry=(2.0,))
    # The next socket listens when "listening again" is said: the rest goes then.
    watcher = run(source, [(said("started"), start(before)),
                           (said("listening again"), start(after)),
                           (got(len(data)), stop)])
    assert bytes(watcher.data) == data
    lines = states(watcher, source)
    assert inOrder(lines, "started", "receiving", "stalled: no data for 0.3 s",
                   "retrying: listening again (attempt 2), next retry in 2 s",
                   "recovered after", "stopped"), lines
    stats = source.statistics()
    assert (stats.stalls, stats.attempts, stats.failures) == (1, 2, 0)


def test_a_silent_udp_source_keeps_retrying_with_longer_waits() -> None:
    source = TransportStreamSource(f"udp://:{freePort()}", stallTimeout=0.1,
                                   retry=(0.1, 0.2))
    watcher = run(source, [(said("attempt 4"), stop)])
    lines = states(watcher, source)
    assert [line for line in lines if line.startswith(("stalled", "retrying"))] == [
        "stalled: no data for 0.1 s",
        "retrying: listening again (attempt 2), next retry in 0.1 s",
        "retrying: listening again (attempt 3), next retry in 0.2 s",
        "retrying: listening again (attempt 4), next retry in 0.2 s"]
    assert source.statistics().stalls == 3


def test_a_source_that_gives_up_says_so_and_sends_producerFinished() -> None:
    source = TransportStreamSource(f"udp://:{freePort()}", stallTimeout=0.1, retry=(0.1,),
                                   maxAttempts=2)
    watcher = run(source)
    assert states(watcher, source)[-1] == "gave up after 2 attempts: no data for 0.1 s"
    assert isinstance(watcher.ending, producerFinished)
    assert source.statistics().state == "gave up"


@pytest.mark.parametrize("message", [producerFinished, shutdownMicroprocess])
def test_a_shutdown_message_stops_it_at_once_and_closes_its_socket(message: type) -> None:
    port = freePort()
    source = TransportStreamSource(f"udp://127.0.0.1:{port}")
    watcher = run(source, [(said("started"), lambda w: w.stop(message()))], limit=2.0)
    assert isinstance(watcher.ending, message)
    assert states(watcher, source)[-1] == "stopped"
    assert canBind(port)


def test_a_port_in_use_is_a_failure_that_is_retried() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as holder:
        holder.bind(("127.0.0.1", 0))
        port = holder.getsockname()[1]
        source = TransportStreamSource(f"udp://127.0.0.1:{port}", retry=(0.05,),
                                       maxAttempts=2)
        watcher = run(source)
    lines = states(watcher, source)
    assert lines[1].startswith("failed: ") and "in use" in lines[1], lines
    assert lines[2] == "retrying in 0.05 s (attempt 2)"     # (waits: no tight loop)
    assert lines[-1].startswith("gave up after 2 attempts")
    assert source.statistics().failures == 2


# ================================================================ HTTP

class StreamServer:
    """An http.server in a thread serving ``parts[n]`` to the n-th request:
    ``("drop", data)`` promises more than ``data`` (Content-Length) and hangs up
    after it; ``("stall", data)`` sends ``data`` and then nothing until the test
    ends; ``("live", data)`` sends ``data`` and closes (a close-delimited body);
    ``("404", b"")`` answers 404."""

    def __init__(self, parts: Sequence[tuple[str, bytes]]) -> None:
        self.parts = list(parts)
        self.requests = 0
        self.release = threading.Event()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                kind, data = outer.parts[min(outer.requests, len(outer.parts) - 1)]
                outer.requests += 1
                if kind == "404":
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "video/mp2t")
                if kind == "drop":
                    self.send_header("Content-Length", str(len(data) * 2))
                self.end_headers()
                self.wfile.write(data)
                self.wfile.flush()
                if kind == "stall":
                    outer.release.wait(IO_TIMEOUT)
                self.close_connection = True

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/stream.ts"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "StreamServer":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(IO_TIMEOUT)


def test_http_a_connection_dropped_mid_stream_is_reported_retried_and_resumes(
        mux: Multiplex) -> None:
    data = mux.path.read_bytes()
    middle = len(data) // 2
    with StreamServer([("drop", data[:middle]), ("live", data[middle:])]) as server:
        source = TransportStreamSource(server.url, stallTimeout=IO_TIMEOUT, retry=(0.1,))
        watcher = run(source, [(got(len(data)), stop)])
        assert server.requests == 2
    assert bytes(watcher.data) == data
    lines = states(watcher, source)
    assert inOrder(lines, f"started: fetching {server.url}", "receiving", "failed: ",
                   "retrying in 0.1 s (attempt 2)", "recovered after", "stopped"), lines
    assert source.statistics().failures == 1


def test_http_a_stream_that_stalls_is_reconnected(mux: Multiplex) -> None:
    data = mux.path.read_bytes()
    middle = len(data) // 2
    with StreamServer([("stall", data[:middle]), ("stall", data[middle:])]) as server:
        source = TransportStreamSource(server.url, stallTimeout=0.3, retry=(0.1,))
        watcher = run(source, [(got(len(data)), stop)])
    assert bytes(watcher.data) == data
    assert inOrder(states(watcher, source), "receiving", "stalled: no data for 0.3 s",
                   "retrying in 0.1 s (attempt 2)", "recovered after")


def test_http_an_error_status_is_a_failure_and_its_page_is_not_stream() -> None:
    with StreamServer([("404", b"")]) as server:
        source = TransportStreamSource(server.url, retry=(0.05,), maxAttempts=2)
        watcher = run(source)
        assert server.requests == 2
    assert watcher.data == b""
    lines = states(watcher, source)
    assert lines.count("failed: the server answered 404 Not Found") == 2, lines
    assert isinstance(watcher.ending, producerFinished)


def test_http_connection_refused_is_a_failure() -> None:
    source = TransportStreamSource(f"http://127.0.0.1:{freePort()}/", retry=(0.05,),
                                   maxAttempts=1)
    watcher = run(source)
    lines = states(watcher, source)
    assert lines[1].startswith("failed: ") and "refused" in lines[1].lower(), lines
    assert lines[-1].startswith("gave up after 1 attempts")


# ================================================================ files

def test_a_file_is_read_as_fast_as_it_is_taken_and_ends_the_source(mux: Multiplex) -> None:
    data = mux.path.read_bytes()
    source = TransportStreamSource(f"file:{mux.path}")
    watcher = run(source)
    assert bytes(watcher.data) == data
    assert states(watcher, source) == [f"started: reading {mux.path}", "receiving",
                                       f"ended: end of file ({len(data)} bytes)"]
    assert isinstance(watcher.ending, producerFinished)
    assert watcher.firstData is not None and watcher.lastData is not None
    assert watcher.lastData - watcher.firstData < mux.span       # (not paced)


def test_a_file_in_realtime_takes_about_the_streams_duration(mux: Multiplex) -> None:
    data = mux.path.read_bytes()
    source = TransportStreamSource(f"{mux.path}?realtime=1")
    watcher = run(source)
    assert bytes(watcher.data) == data
    assert watcher.firstData is not None and watcher.lastData is not None
    took = watcher.lastData - watcher.firstData
    # Never early (each piece waits for its PCR's time); "about" is left loose.
    assert 0.8 * mux.span <= took < 10 * mux.span
    assert states(watcher, source)[-1] == f"ended: end of file ({len(data)} bytes)"


def test_a_file_that_cannot_be_read_is_given_up_at_once(tmp_path: Path) -> None:
    missing = tmp_path / "missing.ts"
    source = TransportStreamSource(f"file:{missing}")
    watcher = run(source)
    lines = states(watcher, source)
    assert len(lines) == 2 and lines[1].startswith("gave up: cannot read "), lines
    assert "missing.ts" in lines[1]
    assert isinstance(watcher.ending, producerFinished)
    assert source.statistics().attempts == 1


def test_the_consumer_holds_a_file_back(mux: Multiplex) -> None:
    data = mux.path.read_bytes()
    source = TransportStreamSource(f"file:{mux.path}", outboxLimit=1)
    watcher = Watcher()
    watcher.setInboxSize("inbox", 1)        # take one, then the source must wait
    for box, into in (("outbox", "inbox"), ("status", "status"), ("signal", "control")):
        source.link((source, box), (watcher, into))
    source.activate()
    watcher.activate()
    runScheduler()
    assert bytes(watcher.data) == data


def test_several_sources_at_once(mux: Multiplex, streamers: list[UDPStreamer]) -> None:
    data = mux.path.read_bytes()
    port = freePort()
    streamer = UDPStreamer(mux.path, port, speed=2.0)
    streamers.append(streamer)
    network = TransportStreamSource(f"udp://127.0.0.1:{port}", stallTimeout=IO_TIMEOUT)
    replay = TransportStreamSource(f"file:{mux.path}?realtime=1")
    fromNetwork = watch(network, [(said("started"), start(streamer)), (got(len(data)), stop)])
    fromFile = watch(replay)
    runScheduler()
    assert bytes(fromNetwork.data) == data and bytes(fromFile.data) == data


# ================================================================ DVB

CHANNELS = ("BBC ONE:505833333:INVERSION_AUTO:BANDWIDTH_8_MHZ:FEC_3_4:FEC_3_4:QAM_16:"
            "TRANSMISSION_MODE_2K:GUARD_INTERVAL_1_32:HIERARCHY_NONE:600:601:4165\n")


def test_dvb_the_channels_multiplex_is_tuned_and_passed_on(mux: Multiplex,
                                                           tmp_path: Path) -> None:
    data = mux.path.read_bytes()
    conf, dvr = tmp_path / "channels.conf", tmp_path / "dvr0.ts"
    conf.write_text(CHANNELS)
    dvr.write_bytes(data)
    kernel = ReplayKernel(dvr=dvr)          # (its dvr0 reads the file)
    source = TransportStreamSource(f"dvb://BBC%20ONE?conf={conf}", dvbKernel=kernel,
                                   stallTimeout=IO_TIMEOUT)
    watcher = run(source, [(got(len(data)), stop)])
    assert bytes(watcher.data) == data
    (tuning,) = kernel.calls("FE_SET_PROPERTY")
    properties = [struct.unpack_from("=I12xI", tuning.properties, offset)
                  for offset in range(0, len(tuning.properties), 76)]
    assert (3, 505_833_333) in properties   # DTV_FREQUENCY, from the channels.conf
    assert kernel.openFds() == {}           # stopped: every device closed


def test_dvb_without_an_adapter_is_a_failure_that_is_retried(tmp_path: Path) -> None:
    conf = tmp_path / "channels.conf"
    conf.write_text(CHANNELS)
    # (no machine has 256 adapters: adapter 255 is missing everywhere)
    source = TransportStreamSource(f"dvb://BBC ONE?adapter=255&conf={conf}", retry=(0.05,),
                                   maxAttempts=2)
    watcher = run(source)
    lines = states(watcher, source)
    assert lines[0] == "started: tuning adapter 255 to 'BBC ONE'"
    assert lines.count(next(line for line in lines if line.startswith("failed: "))) == 2
    assert "adapter 255" in lines[1], lines
    assert lines[-1].startswith("gave up after 2 attempts")


def test_dvb_a_channel_not_in_the_conf_is_given_up_at_once(tmp_path: Path) -> None:
    conf = tmp_path / "channels.conf"
    conf.write_text(CHANNELS)
    source = TransportStreamSource(f"dvb://ITV9?conf={conf}")
    watcher = run(source)
    assert states(watcher, source)[1:] == [
        f"gave up: {conf} has no channel 'ITV9' (it has BBC ONE)"]
    assert source.statistics().attempts == 1


def test_dvb_a_conf_that_cannot_be_read_is_given_up_at_once(tmp_path: Path) -> None:
    source = TransportStreamSource(f"dvb://BBC ONE?conf={tmp_path / 'none.conf'}")
    watcher = run(source)
    lines = states(watcher, source)
    assert lines[1].startswith("gave up: cannot read the channels.conf: "), lines
    assert "none.conf" in lines[1]
