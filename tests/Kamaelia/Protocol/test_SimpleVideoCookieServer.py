"""Tests for Kamaelia.Protocol.SimpleVideoCookieServer: a video file, paced, to each client."""

from __future__ import annotations

from pathlib import Path

import pytest

from Axon.Ipc import producerFinished
from componentharness import run
from Kamaelia.File.messages import fileError
from Kamaelia.Protocol import SimpleVideoCookieServer as module
from Kamaelia.Protocol.SimpleVideoCookieServer import DEFAULT_FILE, HelloServer
from protocolhelpers import connect, recvAll, serve


@pytest.fixture
def clip(tmp_path: Path) -> Path:
    path = tmp_path / "clip.mpg"
    path.write_bytes(bytes(range(256)) * 20)           # 5120 bytes of "video"
    return path


def test_the_file_is_sent_at_1_14s_pace(clip: Path) -> None:
    server = HelloServer(filename=str(clip))
    assert (server.bitrate, server.chunkrate) == (375000, 24)
    sink = run(server)
    assert [len(p) for p in sink.got] == [1953, 1953, 1214]          # 375000 / 8 / 24
    assert b"".join(sink.got) == clip.read_bytes()
    assert [type(m) for m in sink.control] == [producerFinished]


def test_what_the_client_sends_is_sent_back_as_in_1_14(clip: Path) -> None:
    sink = run(HelloServer(filename=str(clip), bitrate=8 * 10 ** 6), inbox=[b"ping"])
    assert b"ping" in sink.got


def test_the_default_file_is_1_14s_and_missing_is_a_fileError() -> None:
    assert DEFAULT_FILE == "/video/sample-100.mpg"
    server = HelloServer()
    assert server.filename == DEFAULT_FILE
    sink = run(HelloServer(filename="/no/such/clip.mpg"))
    assert sink.got == [] and isinstance(sink.control[0], fileError)


def test_the_1_14_methods_and_attributes_are_there(clip: Path) -> None:
    server = HelloServer(filename=str(clip), debug=1)
    server.inboxes["datain"].append(b"data")
    server.inboxes["inbox"].append(b"echo")
    assert server.handleDataIn() == 1 and server.handleInbox() == 1
    assert list(server.outboxes["outbox"].q) == [b"data", b"echo"]
    assert HelloServer.maxid == 0


def test_as_a_server_s_protocol_it_sends_the_clip_then_closes(clip: Path) -> None:
    def talk(port: int) -> bytes:
        with connect(port) as sock:
            return recvAll(sock)

    got = serve(lambda **argd: HelloServer(filename=str(clip), bitrate=8 * 10 ** 6, **argd), talk)
    assert got == clip.read_bytes()


def test_the_module_lists_its_component() -> None:
    assert module.__kamaelia_components__ == (HelloServer,)
