"""Tests for Kamaelia.Protocol.AudioCookieProtocol: an audio file, paced, to each client."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any, Callable

import pytest

from Axon.Ipc import producerFinished, shutdownMicroprocess
from componentharness import attach, run
from Kamaelia.File.messages import fileError
from Kamaelia.Protocol import AudioCookieProtocol as module
from Kamaelia.Protocol.AudioCookieProtocol import AudioCookieProtocol
from protocolhelpers import connect, recvAll, serve

SOUND = bytes(range(256)) * 4                          # 1024 bytes of "audio"


@pytest.fixture
def wavs(tmp_path: Path) -> Path:
    folder = tmp_path / "wav"
    folder.mkdir()
    (folder / "one.raw").write_bytes(SOUND)
    return folder


def test_the_pace_is_1_14s_95200_bits_a_second_in_25_pieces(wavs: Path) -> None:
    protocol = AudioCookieProtocol(folder=str(wavs))
    assert (protocol.bitrate, protocol.chunkrate) == (95200, 25)
    sink = run(protocol)
    assert [len(piece) for piece in sink.got] == [476, 476, 72]       # 95200 / 8 / 25 = 476
    assert b"".join(sink.got) == SOUND
    assert [type(m) for m in sink.control] == [producerFinished]
    assert protocol.reader is not None and protocol.reader.chunkrate == 25


def test_the_default_folder_is_1_14s(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "Support" / "wav").mkdir(parents=True)
    (tmp_path / "Support" / "wav" / "x.raw").write_bytes(b"sound")
    monkeypatch.chdir(tmp_path)
    protocol = AudioCookieProtocol()
    assert protocol.folder == "Support/wav"
    assert b"".join(run(protocol).got) == b"sound"


def test_a_file_is_picked_at_random_from_the_folder(wavs: Path) -> None:
    (wavs / "two.raw").write_bytes(b"other")
    sent = {b"".join(run(AudioCookieProtocol(folder=str(wavs), bitrate=800000)).got)
            for _ in range(12)}
    assert sent == {SOUND, b"other"}


def test_a_given_file_or_command_is_sent_instead(tmp_path: Path) -> None:
    path = tmp_path / "given.raw"
    path.write_bytes(b"given file")
    assert b"".join(run(AudioCookieProtocol(filename=str(path))).got) == b"given file"
    command = f"{sys.executable} -c \"import sys; sys.stdout.write('from a command')\""
    assert b"".join(run(AudioCookieProtocol(command=command)).got) == b"from a command"


@pytest.mark.parametrize("make", [lambda p: AudioCookieProtocol(folder=str(p / "none")),
                                  lambda p: AudioCookieProtocol(folder=str(p)),
                                  lambda p: AudioCookieProtocol(filename=str(p / "no.raw"))],
                         ids=["no-folder", "empty-folder", "no-file"])
def test_nothing_to_send_is_a_fileError_on_signal(
        make: Callable[[Path], AudioCookieProtocol], tmp_path: Path,
        caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR):
        sink = run(make(tmp_path))
    assert sink.got == []
    [error] = sink.control
    assert isinstance(error, fileError)
    assert any(error.message in r.getMessage() for r in caplog.records)


def test_shutdownMicroprocess_stops_it(wavs: Path, run_rounds: Callable[[int], bool]) -> None:
    protocol = AudioCookieProtocol(folder=str(wavs), bitrate=800, chunkrate=1)   # 100 B/s
    sink = attach(protocol)
    stop = shutdownMicroprocess()
    protocol.inboxes["control"].append(producerFinished())     # changes nothing
    run_rounds(20)
    protocol.inboxes["control"].append(stop)
    while not run_rounds(50):
        pass
    assert sink.control == [stop]
    assert len(b"".join(sink.got)) < len(SOUND)


def test_a_bad_rate_is_refused_naming_it() -> None:
    with pytest.raises(ValueError, match="AudioCookieProtocol: chunkrate must be a positive "
                                         "number, not 0"):
        AudioCookieProtocol(chunkrate=0)


def test_as_a_server_s_protocol_it_sends_the_file_then_closes(wavs: Path) -> None:
    def talk(port: int) -> bytes:
        with connect(port) as sock:
            return recvAll(sock)

    assert serve(lambda **argd: AudioCookieProtocol(folder=str(wavs), **argd), talk) == SOUND


def test_the_module_lists_its_component() -> None:
    assert module.__kamaelia_components__ == (AudioCookieProtocol,)


def test_debug_and_connection_details_are_kept(wavs: Path) -> None:
    protocol: Any = AudioCookieProtocol(1, folder=str(wavs), peer="10.0.0.1")
    assert (protocol.debug, protocol.peer) == (1, "10.0.0.1")
