"""Tests for Kamaelia.Protocol.HTTP.IcecastClient against a small ICY server.

The server is a real socket server in a thread of the test: it checks that
the client asked for metadata (``Icy-MetaData: 1``), answers as SHOUTcast
does (``ICY 200 OK``, ``icy-metaint``) or as Icecast does (``HTTP/1.0``),
and sends audio bytes with a metadata block after every ``metaint`` bytes,
in awkwardly sized writes so blocks arrive split across chunks.
"""

from __future__ import annotations

import socket
import threading
from pathlib import Path
from typing import Any, Iterator

import pytest

from Axon.Ipc import producerFinished, shutdownMicroprocess
from Axon.Scheduler import scheduler
from componentharness import Collector, run
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia._logthrottle import forgetAll
from Kamaelia.Protocol.HTTP.HTTPClient import ParsedHTTPBodyChunk, ParsedHTTPEnd, ParsedHTTPHeader
from Kamaelia.Protocol.HTTP.IcecastClient import (IceIPCDataChunk, IceIPCDisconnected,
                                                  IceIPCHeader, IceIPCMetadata, IcecastClient,
                                                  IcecastDemux, IcecastStreamRemoveMetadata,
                                                  IcecastStreamWriter)

METAINT = 16
TITLES = ["Artist One - First; Song", "Artist Two - It's Second", ""]


@pytest.fixture(autouse=True)
def fresh_log_limiters() -> Iterator[None]:
    forgetAll(report=False)
    yield


def metadataBlock(title: str) -> bytes:
    if not title:
        return b"\x00"                                   # "no change"
    text = f"StreamTitle='{title}';StreamUrl='http://example.invalid/';".encode()
    length = -(-len(text) // 16)
    return bytes([length]) + text.ljust(length * 16, b"\x00")


def stream(audio: bytes, titles: list[str]) -> bytes:
    """``audio`` with a metadata block after every METAINT bytes: the titles
    in turn, then "no change" blocks."""
    out = bytearray()
    blocks = len(audio) // METAINT
    assert len(titles) <= blocks
    for i in range(blocks):
        title = titles[i] if i < len(titles) else ""
        out += audio[i * METAINT:(i + 1) * METAINT] + metadataBlock(title)
    out += audio[blocks * METAINT:]
    return bytes(out)


class ICYServer:
    """Serves ``connections`` connections, each the same stream, then stops."""

    def __init__(self, statusLine: bytes, payload: bytes, connections: int = 1) -> None:
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen()
        self.port = self.listener.getsockname()[1]
        self.statusLine = statusLine
        self.payload = payload
        self.connections = connections
        self.requests: list[bytes] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        for _ in range(self.connections):
            conn, _ = self.listener.accept()
            with conn:
                conn.settimeout(10)
                request = b""
                while b"\r\n\r\n" not in request:
                    request += conn.recv(4096)
                self.requests.append(request)
                conn.sendall(self.statusLine + b"\r\ncontent-type: audio/mpeg\r\n"
                             b"icy-name: Test Radio\r\nicy-metaint: %d\r\n\r\n" % METAINT)
                for start in range(0, len(self.payload), 7):    # odd-sized pieces
                    conn.sendall(self.payload[start:start + 7])

    def __enter__(self) -> "ICYServer":
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.thread.join(10)
        self.listener.close()


def runDemux(client: IcecastClient) -> Collector:
    sink = Collector()
    system = Pipeline(client, IcecastDemux(), sink)
    system.activate()
    watchdog = scheduler.run.callLater(20, scheduler.run.stop)
    scheduler.run.runThreads()
    watchdog.cancel()
    return sink


@pytest.mark.parametrize("statusLine", [b"ICY 200 OK", b"HTTP/1.0 200 OK"])
def test_audio_and_metadata_are_split_out(statusLine: bytes) -> None:
    audio = bytes(range(256))[:METAINT * 3 + 5]
    with ICYServer(statusLine, stream(audio, TITLES)) as server:
        sink = runDemux(IcecastClient(f"http://127.0.0.1:{server.port}/radio", reconnect=False))
    assert b"icy-metadata: 1" in server.requests[0].lower()
    header, *rest, end = sink.got
    assert isinstance(header, IceIPCHeader) and header.contenttype == "audio/mpeg"
    assert isinstance(end, IceIPCDisconnected)
    assert b"".join(m.data for m in rest if isinstance(m, IceIPCDataChunk)) == audio
    metadata = [m.metadata for m in rest if isinstance(m, IceIPCMetadata)]
    assert metadata == [{"StreamTitle": t, "StreamUrl": "http://example.invalid/"}
                        for t in TITLES if t]
    # the metadata comes where it was in the stream: after 16 and 32 bytes of audio
    seen, positions = 0, []
    for m in rest:
        if isinstance(m, IceIPCDataChunk):
            seen += len(m.data)
        elif isinstance(m, IceIPCMetadata):
            positions.append(seen)
    assert positions == [METAINT, 2 * METAINT]
    assert [type(m) for m in sink.control] == [producerFinished]


def test_the_client_reconnects_when_the_stream_ends_until_shut_down() -> None:
    audio = b"a" * (METAINT + 3)
    with ICYServer(b"ICY 200 OK", stream(audio, ["Only"]), connections=2) as server:
        client = IcecastClient(f"http://127.0.0.1:{server.port}/", reconnectDelay=0.01)
        sink = Collector()
        disconnects: list[int] = []

        class Counter(IcecastDemux):
            def send(self, message: Any, boxname: str = "outbox") -> None:
                super().send(message, boxname)
                if isinstance(message, IceIPCDisconnected):
                    disconnects.append(1)
                    if len(disconnects) == 2:
                        client._deliver(shutdownMicroprocess(), "control")

        Pipeline(client, Counter(), sink).activate()
        watchdog = scheduler.run.callLater(20, scheduler.run.stop)
        scheduler.run.runThreads()
        watchdog.cancel()
    assert len(server.requests) == 2
    assert [type(m) for m in sink.got].count(IceIPCHeader) == 2
    assert [m.metadata["StreamTitle"] for m in sink.got if isinstance(m, IceIPCMetadata)] == \
        ["Only", "Only"]
    assert [type(m) for m in sink.control] == [shutdownMicroprocess]


def test_demux_without_metaint_passes_everything_as_audio() -> None:
    sink = run(IcecastDemux(), inbox=[ParsedHTTPHeader({"headers": {"content-type": "audio/ogg"}}),
                                      ParsedHTTPBodyChunk(b"abc"), ParsedHTTPBodyChunk(b"\x01def"),
                                      ParsedHTTPEnd()], control=[producerFinished()])
    assert [type(m) for m in sink.got] == [IceIPCHeader, IceIPCDataChunk, IceIPCDataChunk,
                                           IceIPCDisconnected]
    assert sink.got[2].data == b"\x01def"


def test_dictizeMetadata_handles_quotes_semicolons_and_latin1() -> None:
    demux = IcecastDemux()
    assert demux.dictizeMetadata("StreamTitle='a;b';StreamUrl='u';") == \
        {"StreamTitle": "a;b", "StreamUrl": "u"}
    assert demux.dictizeMetadata("StreamTitle='it's';") == {"StreamTitle": "it's"}
    assert demux.dictizeMetadata("StreamTitle='caf\xe9';".encode("latin-1") + b"\x00\x00") == \
        {"StreamTitle": "caf\xe9"}
    assert demux.dictizeMetadata(b"") == {}


def test_writer_and_remove_metadata(tmp_path: Path) -> None:
    target = tmp_path / "stream.mp3"
    messages = [IceIPCHeader(contenttype="audio/mpeg"), IceIPCDataChunk(data=b"12"),
                IceIPCMetadata(metadata={}), IceIPCDataChunk(data=b"34"), IceIPCDisconnected()]
    sink = run(IcecastStreamWriter(str(target)), inbox=messages, control=[producerFinished()])
    assert target.read_bytes() == b"1234"
    assert [type(m) for m in sink.control] == [producerFinished]
    sink = run(IcecastStreamRemoveMetadata(), inbox=messages, control=[producerFinished()])
    assert sink.got == [b"12", b"34"]


# ------------------------------------------------------------------ fuzzing
from hypothesis import given, settings, strategies as st  # noqa: E402


@settings(max_examples=200, derandomize=True, deadline=None)
@given(audio=st.binary(min_size=0, max_size=200),
       titles=st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",),
                                                      blacklist_characters="\x00"),
                               max_size=40), max_size=8),
       cuts=st.lists(st.integers(min_value=1, max_value=50), max_size=30))
def test_demux_splits_any_stream_however_it_is_cut(audio: bytes, titles: list[str],
                                                   cuts: list[int]) -> None:
    titles = titles[:len(audio) // METAINT]
    data = stream(audio, titles)
    pieces, start = [], 0
    for cut in cuts:
        pieces.append(data[start:start + cut])
        start += cut
    pieces.append(data[start:])
    scheduler.run = scheduler()
    sink = run(IcecastDemux(),
               inbox=[ParsedHTTPHeader({"headers": {"icy-metaint": str(METAINT)}}),
                      *(ParsedHTTPBodyChunk(p) for p in pieces if p), ParsedHTTPEnd()],
               control=[producerFinished()])
    assert b"".join(m.data for m in sink.got if isinstance(m, IceIPCDataChunk)) == audio
    got = [m.metadata.get("StreamTitle") for m in sink.got if isinstance(m, IceIPCMetadata)]
    assert got == [t.strip() for t in titles if t]


@settings(max_examples=300, derandomize=True, deadline=None)
@given(st.binary(max_size=300))
def test_demux_never_fails_on_garbage(data: bytes) -> None:
    scheduler.run = scheduler()
    sink = run(IcecastDemux(), inbox=[ParsedHTTPHeader({"headers": {"icy-metaint": "3"}}),
                                      ParsedHTTPBodyChunk(data), ParsedHTTPEnd()],
               control=[producerFinished()])
    assert isinstance(sink.got[-1], IceIPCDisconnected)
