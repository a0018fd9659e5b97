"""Tests for Kamaelia.Apps.Whiteboard.Recording: the record format, Timestamp,
DeTimestamp, IntersperseNewlines, and recorder/player against a real TCP hub
stand-in (a plain socket server in a thread, on loopback)."""

from __future__ import annotations

import logging
import math
import random
import re
import socket
import threading
import time
import zlib
from pathlib import Path
from types import TracebackType
from typing import Any, Callable, Iterator

import pytest
from hypothesis import given, settings, strategies as st

from Axon.Component import component
from Axon.Ipc import producerFinished, shutdownMicroprocess
from Axon.Scheduler import scheduler
from componentharness import (Collector, FakeClock, assertShutdownPassesOn,
                              assertUnexpectedControlIgnored, attach, run)
from nettools import IO_TIMEOUT, Background, runScheduler
from Kamaelia.IPC import connectionFailed
from Kamaelia.Apps.Whiteboard.Recording import (BadRecord, DeTimestamp, IntersperseNewlines,
                                                Timestamp, formatRecord, parseRecord,
                                                player, recorder)
from Kamaelia.Apps.Whiteboard.Tokenisation import decodeLine, encodeTokens

LOGGER = "Kamaelia.Apps.Whiteboard.Recording"
SHUTDOWNS = [producerFinished, shutdownMicroprocess]


def wire(tokens: list[list[Any]]) -> bytes:
    """The wire line of ``tokens`` without its final newline."""
    return encodeTokens(tokens)[:-1]


def imageData() -> bytes:
    """zlib data of a 16x16 RGB page that holds a LF byte and bytes >= 0x80."""
    rng = random.Random(7)
    data = zlib.compress(bytes(rng.randrange(256) for _ in range(16 * 16 * 3)))
    assert b"\n" in data and max(data) >= 0x80
    return data


#: What the hub stand-in sends a recorder: a SETIMG with raw zlib bytes (its
#: LF escaped as %a), UTF-8 text, bytes that are no UTF-8, two commands in one
#: line, and an empty line.
SESSION = [
    wire([["SETIMG", imageData(), "16", "16", "RGB"]]),
    wire([["WRITE", "10", "10", "24", "0", "0", "0", "héllo ✓"]]),
    b"[ WRITE 1 1 8 0 0 0 \xff\xfe\x80 ] ",
    b"[ CLEAR ] [ PAGE 2 3 ] ",
    b"",
    b"[ LINE 255 0 0 10 20 30 40 ] ",
]


def test_the_session_covers_what_it_claims() -> None:
    assert b"%a" in SESSION[0] and b"\n" not in SESSION[0]
    assert decodeLine(SESSION[1])[0][-1] == "héllo ✓"


# ---------------------------------------------------------- the hub stand-in
class LineReader:
    """Reads lines (without their LF) from a blocking socket, noting when each came."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.buffer = b""

    def line(self) -> bytes:
        while b"\n" not in self.buffer:
            chunk = self.sock.recv(65536)
            assert chunk, f"the connection ended before a whole line: {self.buffer!r}"
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        return line

    def untilEnd(self) -> list[tuple[float, bytes]]:
        """(arrival time, line) for each line until the peer shuts its side."""
        got = []
        while True:
            while b"\n" in self.buffer:
                line, self.buffer = self.buffer.split(b"\n", 1)
                got.append((time.monotonic(), line))
            chunk = self.sock.recv(65536)
            if not chunk:
                assert self.buffer == b"", f"a part line at the end: {self.buffer!r}"
                return got
            self.buffer += chunk


def waitForClose(sock: socket.socket) -> bytes:
    """Read until the peer closes the connection; what came meanwhile."""
    data = b""
    try:
        while chunk := sock.recv(65536):
            data += chunk
    except ConnectionResetError:        # (it closed with our bytes unread)
        pass
    return data


class OneConnectionServer:
    """A listening socket on loopback (port 0) whose thread accepts one
    connection and runs ``script(connection)`` on it, then closes it.

    Use it as a context manager around the code under test; afterwards
    ``result`` is what the script returned (an error in the thread is
    re-raised in the test)."""

    def __init__(self, script: Callable[[socket.socket], Any]) -> None:
        self.script = script
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(IO_TIMEOUT)
        self.port: int = self.listener.getsockname()[1]
        self.result: Any = None
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._serve, name="hub", daemon=True)

    def _serve(self) -> None:
        try:
            connection, _ = self.listener.accept()
            with connection:
                connection.settimeout(IO_TIMEOUT)
                self.result = self.script(connection)
        except BaseException as exc:     # noqa: BLE001 - re-raised in the test
            self.error = exc

    def __enter__(self) -> "OneConnectionServer":
        self.thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.thread.join(IO_TIMEOUT)
        self.listener.close()
        assert not self.thread.is_alive(), "the hub stand-in did not finish"
        if self.error is not None and kind is None:
            raise self.error


def sendingHub(lines: list[bytes], expectFirst: int) -> Callable[[socket.socket], Any]:
    """A hub that reads ``expectFirst`` lines, sends ``lines``, then closes
    (after the client has closed its side too, so nothing is reset)."""
    def script(connection: socket.socket) -> list[bytes]:
        reader = LineReader(connection)
        first = [reader.line() for _ in range(expectFirst)]
        connection.sendall(b"".join(line + b"\n" for line in lines))
        connection.shutdown(socket.SHUT_WR)
        assert waitForClose(connection) == b""
        return first
    return script


def listeningHub(connection: socket.socket) -> list[tuple[float, bytes]]:
    """A hub that notes each line a player sends, until the player shuts its side."""
    return LineReader(connection).untilEnd()


def playInto(path: Path, **options: Any) -> tuple[float, list[tuple[float, bytes]]]:
    """Run a player of ``path`` into a listening hub; (the time just before it
    started, [(arrival, line)])."""
    with OneConnectionServer(listeningHub) as hub:
        play = player(path, "127.0.0.1", hub.port, **options)
        began = time.monotonic()
        play.activate()
        runScheduler()
    return began, hub.result


def record(path: Path, lines: list[bytes], token: str | None = None, **options: Any) -> list[bytes]:
    """Run a recorder into ``path`` from a hub sending ``lines``; what the hub read first."""
    with OneConnectionServer(sendingHub(lines, 2 if token else 1)) as hub:
        recorder(path, "127.0.0.1", hub.port, token=token, **options).activate()
        runScheduler()
    first: list[bytes] = hub.result
    return first


def records(path: Path) -> list[tuple[float, bytes]]:
    data = path.read_bytes()
    assert data == b"" or data.endswith(b"\n")
    return [parseRecord(line) for line in data.split(b"\n")[:-1]]


# -------------------------------------------------------------- the format
def test_formatRecord_writes_1_14s_layout() -> None:
    assert formatRecord(0.25, b"[ LINE 0 0 0 1 2 3 4 ] ") == b"0.25 [ LINE 0 0 0 1 2 3 4 ] \n"
    assert formatRecord(0, b"[ GETIMG ] ") == b"0.0 [ GETIMG ] \n"
    assert formatRecord(1e-05, b"x") == b"1e-05 x\n"
    assert formatRecord(12.5, b"") == b"12.5 \n"


def test_formatRecord_takes_off_the_final_newline_and_raw_carriage_returns() -> None:
    assert formatRecord(1.5, b"[ CLEAR ] \n") == b"1.5 [ CLEAR ] \n"
    assert formatRecord(1.5, b"[ CLEAR ] \r\n") == b"1.5 [ CLEAR ] \n"


@pytest.mark.parametrize("seconds", [-0.5, math.nan, math.inf])
def test_formatRecord_refuses_a_time_that_is_not_finite_and_non_negative(seconds: float) -> None:
    with pytest.raises(ValueError, match=re.escape(repr(seconds))):
        formatRecord(seconds, b"[ CLEAR ] ")


def test_formatRecord_refuses_a_line_feed_inside_and_what_is_not_bytes() -> None:
    with pytest.raises(ValueError, match="line feed"):
        formatRecord(1.0, b"[ CLEAR ] \n[ CLEAR ] ")
    with pytest.raises(TypeError, match="bytes"):
        formatRecord(1.0, "[ CLEAR ] ")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="number"):
        formatRecord(True, b"")


@pytest.mark.parametrize("record,expected", [
    (b"0.25 [ LINE 0 0 0 1 2 3 4 ] \n", (0.25, b"[ LINE 0 0 0 1 2 3 4 ] ")),
    (b"0.25 [ LINE 0 0 0 1 2 3 4 ] ", (0.25, b"[ LINE 0 0 0 1 2 3 4 ] ")),
    (b"3 [ CLEAR ] \r\n", (3.0, b"[ CLEAR ] ")),
    (b"1e-05 x\n", (1e-05, b"x")),
    (b".5 x", (0.5, b"x")),
    (b"2. x", (2.0, b"x")),
    (b"1.5E+2 x", (150.0, b"x")),
    (b"0.5 \n", (0.5, b"")),
    (b"0.5  two  spaces ", (0.5, b" two  spaces ")),
    (b"7.0 \xff\x00\x80 ", (7.0, b"\xff\x00\x80 ")),
])
def test_parseRecord_reads_a_record(record: bytes, expected: tuple[float, bytes]) -> None:
    assert parseRecord(record) == expected


@pytest.mark.parametrize("record,reason", [
    (b"[CLEAR]\n", "no space"),
    (b"[ CLEAR ]\n", "not a decimal"),
    (b"", "no space"),
    (b"\n", "no space"),
    (b"0.5\n", "no space"),
    (b"1" * 80 + b" x", "no space"),
    (b"abc [ CLEAR ] ", "not a decimal"),
    (b" 0.5 x", "not a decimal"),
    (b"-1 x", "not a decimal"),
    (b"nan x", "not a decimal"),
    (b"inf x", "not a decimal"),
    (b"1_0 x", "not a decimal"),
    (b"0x1 x", "not a decimal"),
    (b"1e999 x", "not finite"),
    (b"0.5 one\n0.6 two\n", "line break inside"),
])
def test_parseRecord_refuses_what_is_no_record(record: bytes, reason: str) -> None:
    with pytest.raises(BadRecord, match=reason):
        parseRecord(record)


def test_BadRecord_is_a_ValueError() -> None:
    assert issubclass(BadRecord, ValueError)
    with pytest.raises(TypeError, match="bytes"):
        parseRecord("0.5 x")  # type: ignore[arg-type]


@settings(max_examples=500, deadline=None)
@given(st.binary(max_size=200) | st.builds(lambda t, s: t + b" " + s,
                                             st.sampled_from([b"0.5", b"1e5", b"-0", b"1.",
                                                              b"9" * 70, b"nan", b""]),
                                             st.binary(max_size=50)))
def test_parseRecord_fuzzed_raises_only_BadRecord(data: bytes) -> None:
    try:
        seconds, line = parseRecord(data)
    except BadRecord:
        return
    assert math.isfinite(seconds) and seconds >= 0
    assert b"\n" not in line and b"\r" not in line


@settings(max_examples=300, deadline=None)
@given(st.floats(min_value=0, allow_nan=False, allow_infinity=False),
       st.binary(max_size=100).map(lambda b: b.replace(b"\n", b"").replace(b"\r", b"")))
def test_formatRecord_then_parseRecord_gives_back_time_and_line(seconds: float,
                                                               line: bytes) -> None:
    assert parseRecord(formatRecord(seconds, line)) == (seconds, line)


# ------------------------------------------------- Timestamp, IntersperseNewlines
def test_timestamp_prefixes_each_line_with_the_seconds_since_it_started() -> None:
    clock = iter([100.0, 100.5, 101.25]).__next__
    sink = run(Timestamp(clock=clock), [b"[ CLEAR ] ", "[ WRITE 1 1 8 0 0 0 é ] "],
               [producerFinished()])
    assert sink.got == [b"0.5 [ CLEAR ] ", "1.25 [ WRITE 1 1 8 0 0 0 é ] ".encode()]


def test_timestamp_times_never_go_backwards() -> None:
    clock = iter([100.0, 101.0, 100.5]).__next__
    sink = run(Timestamp(clock=clock), [b"a", b"b"], [producerFinished()])
    assert sink.got == [b"1.0 a", b"1.0 b"]


def test_timestamp_skips_what_is_not_a_line_with_an_error(caplog: pytest.LogCaptureFixture) -> None:
    stamp = Timestamp(clock=FakeClock())
    with caplog.at_level(logging.ERROR, logger=LOGGER):
        sink = run(stamp, [b"a", 42, b"b\nc", b"d"], [producerFinished()])
    assert sink.got == [b"0.0 a", b"0.0 d"]
    messages = [r.getMessage() for r in caplog.records if r.name == LOGGER]
    assert len(messages) == 2 and all(stamp.name in m for m in messages)


@pytest.mark.parametrize("messageClass", SHUTDOWNS)
def test_timestamp_stamps_what_waits_then_passes_the_shutdown_on(messageClass: type) -> None:
    assertShutdownPassesOn(lambda: Timestamp(clock=FakeClock()), messageClass, [b"x"],
                           [b"0.0 x"])


def test_timestamp_logs_and_ignores_other_control_messages(
        caplog: pytest.LogCaptureFixture) -> None:
    assertUnexpectedControlIgnored(lambda: Timestamp(clock=FakeClock()), caplog, [b"x"],
                                   [b"0.0 x"])


def test_intersperse_newlines_sends_a_newline_after_each_message() -> None:
    sink = run(IntersperseNewlines(), [b"0.5 a", "0.6 b"], [producerFinished()])
    assert sink.got == [b"0.5 a", b"\n", "0.6 b", "\n"]


@pytest.mark.parametrize("messageClass", SHUTDOWNS)
def test_intersperse_newlines_passes_the_shutdown_on(messageClass: type) -> None:
    assertShutdownPassesOn(IntersperseNewlines, messageClass, [b"x"], [b"x", b"\n"])


def test_timestamp_and_newlines_write_records_parseRecord_reads() -> None:
    clock = iter([10.0, 10.125, 10.5]).__next__
    stamp, newlines = Timestamp(clock=clock), IntersperseNewlines()
    stamp.link((stamp, "outbox"), (newlines, "inbox"))
    stamp.link((stamp, "signal"), (newlines, "control"))
    stamp.inboxes["inbox"].extend([SESSION[0], SESSION[2]])
    stamp.inboxes["control"].append(producerFinished())
    stamp.activate()
    sink = run(newlines)
    written = b"".join(sink.got)
    assert written == formatRecord(0.125, SESSION[0]) + formatRecord(0.5, SESSION[2])


# ------------------------------------------------------------- DeTimestamp
@pytest.mark.parametrize("speed", [0, -1.0, math.nan, math.inf, "fast", True])
def test_detimestamp_refuses_a_bad_speed_naming_it(speed: Any) -> None:
    with pytest.raises(ValueError, match=re.escape(f"not {speed!r}")):
        DeTimestamp(speed=speed)


def test_detimestamp_plays_each_record_at_its_time_divided_by_speed(
        run_rounds: Callable[[int], bool], fresh_scheduler: scheduler) -> None:
    clock = FakeClock(100.0)
    det = DeTimestamp(speed=2.0, clock=clock)
    requests = Collector()
    det.link((det, "next"), (requests, "inbox"))
    requests.activate()
    # (several records in one message, as PromptedFileReader sends n lines)
    det.inboxes["inbox"].append(b"5.0 [ A ] \n5.5 [ B ] \n7.0 [ C ] \n")
    sink = attach(det)

    def stepTo(seconds: float) -> list[bytes]:
        clock.now = seconds
        det.unpause()               # (as its timer would, in real time)
        run_rounds(50)
        assert fresh_scheduler.isThreadPaused(det), "it must sleep while it waits"
        return list(sink.got)

    # the first record is the start: it plays at once
    assert stepTo(100.0) == [b"[ A ] \n"]
    assert stepTo(100.125) == [b"[ A ] \n"]
    assert stepTo(100.25) == [b"[ A ] \n", b"[ B ] \n"]          # 0.5 s / 2
    assert stepTo(100.75) == [b"[ A ] \n", b"[ B ] \n"]
    assert stepTo(101.0) == [b"[ A ] \n", b"[ B ] \n", b"[ C ] \n"]  # 2.0 s / 2
    det.inboxes["control"].append(producerFinished())
    det.unpause()
    run_rounds(50)
    assert det._isStopped()
    assert [type(m) for m in sink.control] == [producerFinished]
    assert requests.got == [10, 1, 1, 1]        # the read-ahead, then one per record


def test_detimestamp_wakes_by_itself_when_a_record_is_due() -> None:
    det = DeTimestamp()
    began = time.monotonic()
    sink = run(det, [b"0.0 [ A ] \n0.2 [ B ] \n"], [producerFinished()])
    assert sink.got == [b"[ A ] \n", b"[ B ] \n"]
    assert time.monotonic() - began >= 0.2


def test_detimestamp_skips_malformed_records_naming_their_lines(
        caplog: pytest.LogCaptureFixture) -> None:
    det = DeTimestamp(source="session.rec")
    records = [b"0.0 [ A ] \n", b"garbage\n", b"nan [ X ] \n", b"0.1 [ B ] \n", b"-1 [ Y ] \n",
               b"0.05 [ BACK ] \n", b"0.1 [ C ] \n", b"0.2 [ D ] "]     # (no final LF)
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        sink = run(det, records, [producerFinished()])
    assert sink.got == [b"[ A ] \n", b"[ B ] \n", b"[ C ] \n", b"[ D ] \n"]
    warnings = [r.getMessage() for r in caplog.records if r.name == LOGGER]
    assert len(warnings) == 4
    for number, text in zip([2, 3, 5, 6], warnings):
        assert f"line {number} of 'session.rec'" in text and det.name in text


def test_detimestamp_counts_skipped_records_in_its_requests(
        run_rounds: Callable[[int], bool]) -> None:
    det = DeTimestamp()
    requests = Collector()
    det.link((det, "next"), (requests, "inbox"))
    requests.activate()
    det.inboxes["inbox"].append(b"bad\n" * 3 + b"0.0 ok\n")
    sink = attach(det)
    run_rounds(50)
    assert sink.got == [b"ok\n"]
    assert requests.got == [10, 4]


def test_detimestamp_takes_records_in_pieces_and_as_text() -> None:
    sink = run(DeTimestamp(), [b"0.0 [ A", b" ] \n0.0 ", "[ é ] \n"], [producerFinished()])
    assert sink.got == [b"[ A ] \n", "[ é ] \n".encode()]


def test_detimestamp_stops_at_once_on_shutdownMicroprocess() -> None:
    det = DeTimestamp()
    stop = shutdownMicroprocess()
    sink = run(det, [b"0.0 [ A ] \n30.0 [ B ] \n"], [stop])
    assert sink.got == [] and sink.control == [stop]


def test_detimestamp_logs_and_ignores_other_control_messages(
        caplog: pytest.LogCaptureFixture) -> None:
    assertUnexpectedControlIgnored(DeTimestamp, caplog, [b"0 x\n"], [b"x\n"])


# ---------------------------------------------------------------- recorder
def test_recorder_sends_auth_then_getimg_and_records_every_line_byte_for_byte(
        tmp_path: Path) -> None:
    path = tmp_path / "session.rec"
    first = record(path, SESSION, token="s3cret token")
    assert first == [wire([["AUTH", "s3cret token"]]), b"[ GETIMG ] "]
    got = records(path)
    assert [line for _, line in got] == SESSION
    times = [seconds for seconds, _ in got]
    assert times == sorted(times) and times[0] >= 0
    # each record is exactly formatRecord's (so exactly 1.14's layout)
    assert path.read_bytes() == b"".join(formatRecord(t, line) for t, line in got)


def test_recorder_without_a_token_sends_getimg_first(tmp_path: Path) -> None:
    path = tmp_path / "session.rec"
    assert record(path, SESSION[:1]) == [b"[ GETIMG ] "]
    assert [line for _, line in records(path)] == SESSION[:1]


def test_recorder_drops_raw_carriage_returns(tmp_path: Path) -> None:
    path = tmp_path / "session.rec"
    record(path, [b"[ CLEAR ] \r", b"[ LINE 1 2 \r3 4 ] "])
    assert [line for _, line in records(path)] == [b"[ CLEAR ] ", b"[ LINE 1 2 3 4 ] "]


def test_recorder_drops_a_cut_off_last_line_with_a_warning(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "session.rec"

    def cutOff(connection: socket.socket) -> None:
        LineReader(connection).line()
        connection.sendall(b"[ CLEAR ] \n[ LINE 1 2")
        connection.shutdown(socket.SHUT_WR)
        waitForClose(connection)

    with caplog.at_level(logging.WARNING, logger=LOGGER):
        with OneConnectionServer(cutOff) as hub:
            recorder(path, "127.0.0.1", hub.port).activate()
            runScheduler()
    assert [line for _, line in records(path)] == [b"[ CLEAR ] "]
    assert any("middle of a line" in r.getMessage() for r in caplog.records)


def test_recorder_ends_and_closes_the_connection_on_a_line_too_long(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "session.rec"

    def tooLong(connection: socket.socket) -> str:
        LineReader(connection).line()
        connection.sendall(b"[ CLEAR ] \n" + b"x" * 500 + b"\n")
        waitForClose(connection)            # (fails the test on a timeout)
        return "closed"

    with caplog.at_level(logging.ERROR):
        with OneConnectionServer(tooLong) as hub:
            recorder(path, "127.0.0.1", hub.port, maxlength=100).activate()
            runScheduler()
    assert hub.result == "closed"
    assert [line for _, line in records(path)] == [b"[ CLEAR ] "]
    assert any("maxlength=100" in r.getMessage() for r in caplog.records)


def test_recorder_stopped_by_shutdownMicroprocess_keeps_what_it_recorded(
        tmp_path: Path) -> None:
    path = tmp_path / "session.rec"
    sent = threading.Event()

    def quietHub(connection: socket.socket) -> None:
        LineReader(connection).line()
        connection.sendall(b"[ CLEAR ] \n")
        sent.set()
        waitForClose(connection)            # (the hub never closes first)

    with OneConnectionServer(quietHub) as hub:
        with Background(recorder(path, "127.0.0.1", hub.port)):
            assert sent.wait(IO_TIMEOUT)
            deadline = time.monotonic() + IO_TIMEOUT
            # (nothing announces the line's arrival: poll the file it is flushed to)
            while not path.exists() or not path.read_bytes().endswith(b"\n"):
                assert time.monotonic() < deadline, "the line was never recorded"
                time.sleep(0.01)
        # (leaving Background sent serverShutdown and waited for the recorder to end)
    assert [line for _, line in records(path)] == [b"[ CLEAR ] "]


def test_recorder_checks_its_arguments(tmp_path: Path) -> None:
    missing = tmp_path / "no such folder"
    with pytest.raises(FileNotFoundError, match=re.escape(repr(str(missing)))):
        recorder(missing / "session.rec", "127.0.0.1", 1500)
    with pytest.raises(IsADirectoryError, match=re.escape(repr(str(tmp_path)))):
        recorder(tmp_path, "127.0.0.1", 1500)
    for port in (0, 65536, "1500", True):
        with pytest.raises(ValueError, match=re.escape(f"not {port!r}")):
            recorder(tmp_path / "r.rec", "127.0.0.1", port)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="token must not be empty"):
        recorder(tmp_path / "r.rec", "127.0.0.1", 1500, token="")
    with pytest.raises(TypeError, match="token must be a str"):
        recorder(tmp_path / "r.rec", "127.0.0.1", 1500, token=b"x")  # type: ignore[arg-type]


# ------------------------------------------------------------------ player
def test_player_sends_auth_first_then_the_lines_at_their_pace_then_closes(
        tmp_path: Path) -> None:
    path = tmp_path / "session.rec"
    path.write_bytes(formatRecord(2.0, b"[ GETIMG ] ") + formatRecord(2.3, b"[ CLEAR ] ") +
                     formatRecord(2.3, SESSION[0]) + formatRecord(2.6, b"[ LINE 1 2 3 ] "))
    began, got = playInto(path, token="tok en")
    # (the hub stand-in returns only once the player has shut its side)
    assert [line for _, line in got] == [wire([["AUTH", "tok en"]]), b"[ GETIMG ] ",
                                         b"[ CLEAR ] ", SESSION[0], b"[ LINE 1 2 3 ] "]
    arrivals = [arrival - began for arrival, _ in got]
    assert arrivals[2] >= 0.3 and arrivals[3] >= 0.3 and arrivals[4] >= 0.6


def test_player_speed_scales_the_gaps(tmp_path: Path) -> None:
    path = tmp_path / "session.rec"
    path.write_bytes(b"0.0 [ A ] \n0.2 [ B ] \n")
    began, got = playInto(path, speed=0.5)
    assert [line for _, line in got] == [b"[ A ] ", b"[ B ] "]
    assert got[1][0] - began >= 0.4


def test_player_replays_a_file_in_1_14s_format(tmp_path: Path) -> None:
    path = tmp_path / "from114.rec"
    path.write_bytes(b"0.0 [ GETIMG ] \n0.25 [ LINE 0 0 0 1 2 3 4 ] \n")
    began, got = playInto(path)
    assert [line for _, line in got] == [b"[ GETIMG ] ", b"[ LINE 0 0 0 1 2 3 4 ] "]
    assert got[1][0] - began >= 0.25


def test_player_skips_malformed_records_with_a_warning_and_plays_the_rest(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "damaged.rec"
    # more bad lines in a row than the read-ahead: reading must go on
    path.write_bytes(b"0.0 [ A ] \n" + b"no time here\n" * 25 + b"nan [ X ] \n" +
                     b"0.05 [ B ] \n0.01 [ BACK ] \n0.1 [ C ] ")
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        _, got = playInto(path)
    assert [line for _, line in got] == [b"[ A ] ", b"[ B ] ", b"[ C ] "]
    warnings = [r.getMessage() for r in caplog.records if r.name == LOGGER]
    assert len(warnings) == 27
    assert "line 2 of" in warnings[0] and str(path) in warnings[0]
    assert "line 27 of" in warnings[25] and "line 29 of" in warnings[26]


def test_a_recording_replays_to_identical_bytes(tmp_path: Path) -> None:
    path = tmp_path / "session.rec"
    record(path, SESSION)
    _, got = playInto(path, speed=4.0)
    assert [line for _, line in got] == SESSION


class SignalCatcher(component):
    """Wraps a system: runs it and keeps what comes out of its "signal"."""

    def __init__(self, system: component) -> None:
        super().__init__()
        self.system = system
        self.signals: list[Any] = []
        self.link((system, "signal"), (self, "control"))
        self.addChildren(system)

    def main(self) -> Iterator[Any]:
        self.system.activate()
        while not self.signals:
            self.signals.extend(self.Inbox("control"))
            if not self.signals:
                self.pause()
                yield 1


def test_player_stops_when_it_cannot_connect(tmp_path: Path) -> None:
    path = tmp_path / "session.rec"
    path.write_bytes(b"0.0 [ A ] \n60.0 [ B ] \n")
    unused = socket.create_server(("127.0.0.1", 0))
    port = unused.getsockname()[1]
    unused.close()                              # nothing listens there now
    catcher = SignalCatcher(player(path, "127.0.0.1", port))
    catcher.activate()
    runScheduler()                              # (fails if it plays on for 60 s)
    assert len(catcher.signals) == 1 and isinstance(catcher.signals[0], connectionFailed)


def test_player_stops_when_the_hub_closes_early(tmp_path: Path) -> None:
    path = tmp_path / "session.rec"
    path.write_bytes(b"0.0 [ A ] \n60.0 [ B ] \n")

    def closeEarly(connection: socket.socket) -> bytes:
        return LineReader(connection).line()

    with OneConnectionServer(closeEarly) as hub:
        player(path, "127.0.0.1", hub.port).activate()
        runScheduler()                          # (fails if it plays on for 60 s)
    assert hub.result == b"[ A ] "


def test_player_stopped_by_shutdownMicroprocess_closes_the_connection(
        tmp_path: Path) -> None:
    path = tmp_path / "session.rec"
    path.write_bytes(b"0.0 [ A ] \n60.0 [ B ] \n")
    first = threading.Event()

    def hub(connection: socket.socket) -> list[bytes]:
        reader = LineReader(connection)
        lines = [reader.line()]
        first.set()
        return lines + [waitForClose(connection)]

    with OneConnectionServer(hub) as server:
        with Background(player(path, "127.0.0.1", server.port)):
            assert first.wait(IO_TIMEOUT)
        # (leaving Background stopped it, failing the test unless it ended)
    assert server.result == [b"[ A ] ", b""]


def test_player_checks_its_arguments(tmp_path: Path) -> None:
    missing = tmp_path / "missing.rec"
    with pytest.raises(FileNotFoundError, match=re.escape(str(missing))):
        player(missing, "127.0.0.1", 1500)
    path = tmp_path / "session.rec"
    path.write_bytes(b"0.0 [ A ] \n")
    for port in (0, 65536, "1500", None):
        with pytest.raises(ValueError, match=re.escape(f"not {port!r}")):
            player(path, "127.0.0.1", port)  # type: ignore[arg-type]
    for speed in (0, -2.0, math.nan, "x"):
        with pytest.raises(ValueError, match=re.escape(f"not {speed!r}")):
            player(path, "127.0.0.1", 1500, speed=speed)  # type: ignore[arg-type]
