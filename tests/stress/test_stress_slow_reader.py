"""Stress: a client that sends but never reads costs the server a bounded amount.

The probe of issue 11: a client that sent 100 MB to an echo server and
never read grew the server by 97 MB (500 MB: by about 500 MB), and its
sends never blocked. With the defaults now, the server stops reading from
a connection whose echoes it cannot write, so TCP's flow control reaches
the sender: its sends block after a few megabytes (what the kernels'
socket buffers on both ends and the server's bounded buffers take), and
the server's memory grows by at most 1 MB.

The server runs in a child process (``nettools.ServerChild``), so its
resident memory is its own. "Blocked" is a send that makes no progress for
``STALL`` seconds: the condition here is an absence of progress, so that
wait is the measurement, not a guess at how long something takes.
"""

from __future__ import annotations

import socket
from pathlib import Path

from nettools import IO_TIMEOUT, ServerChild, connect

#: What the slow reader may cost the server (issue 11's target), in KiB.
SLOW_READER_KB = 1024
#: A send making no progress for this long counts as blocked.
STALL = 1.0
#: A sender that gets this far has not been stopped (the probe sent 500 MiB).
NEVER_STOPPED = 64 << 20
CHUNK = 1 << 20


def floodUntilBlocked(sock: socket.socket) -> int:
    """Send 1 MiB pieces of a known pattern until a send stalls; bytes sent."""
    sock.settimeout(STALL)
    piece = bytes(range(256)) * (CHUNK // 256)
    sent = 0
    while sent < NEVER_STOPPED:
        view = memoryview(piece)
        while view:
            try:
                written = sock.send(view)
            except TimeoutError:
                return sent
            sent += written
            view = view[written:]
    return sent


def echoOf(sent: int) -> bytes:
    piece = bytes(range(256)) * (CHUNK // 256)
    return (piece * (sent // CHUNK + 1))[:sent]


def receiveExactly(sock: socket.socket, size: int) -> bytes:
    sock.settimeout(IO_TIMEOUT)
    received = bytearray()
    while len(received) < size:
        chunk = sock.recv(min(size - len(received), 1 << 20))
        assert chunk, f"the server closed the connection after {len(received)} bytes of {size}"
        received += chunk
    return bytes(received)


def test_a_client_that_never_reads_is_stopped_and_costs_at_most_a_megabyte(
        tmp_path: Path) -> None:
    with ServerChild(tmp_path) as server:
        with connect(server.port) as probe:       # one round trip: all set up
            probe.sendall(b"hello")
            assert probe.recv(5) == b"hello"
            before = server.rssKB()
            server.resetPeak()

            with socket.create_connection(("127.0.0.1", server.port)) as flooder:
                sent = floodUntilBlocked(flooder)
                grown = server.peakKB() - before
                assert sent < NEVER_STOPPED, "the server went on reading from a client " \
                    f"that never reads ({sent >> 20} MiB taken)"
                assert grown <= SLOW_READER_KB, \
                    f"the slow reader cost the server {grown} KiB (at most {SLOW_READER_KB})"

                # Meanwhile every other connection is served as usual.
                probe.sendall(b"still here")
                assert probe.recv(10) == b"still here"

                # Nothing was lost: once the client reads, every byte comes back,
                # in order, and the connection goes on working.
                assert receiveExactly(flooder, sent) == echoOf(sent)
                flooder.sendall(b"more")
                assert receiveExactly(flooder, 4) == b"more"
    assert "Traceback" not in server.logText()


def test_a_non_reading_client_blocks_itself_with_a_hard_inbox_limit_too(
        tmp_path: Path) -> None:
    """1.14's way of bounding a connection (``inboxSize``) still bounds it."""
    with ServerChild(tmp_path, connectionOptions={"inboxSize": 4}) as server:
        with socket.create_connection(("127.0.0.1", server.port)) as flooder:
            before = server.rssKB()
            server.resetPeak()
            sent = floodUntilBlocked(flooder)
            grown = server.peakKB() - before
            assert sent < NEVER_STOPPED
            assert grown <= SLOW_READER_KB, f"{grown} KiB"
            assert receiveExactly(flooder, sent) == echoOf(sent)
