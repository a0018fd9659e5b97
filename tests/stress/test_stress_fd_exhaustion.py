"""Stress: a server out of file descriptors logs it once, serves on, and recovers.

The probe of issue 11: at file-descriptor exhaustion the server logged
about ten ERROR lines a second for as long as it lasted. Now the first
failure is logged at once and the repeats are counted, so the log says
how often it happened without being flooded by it.

The server runs in a child process whose soft ``RLIMIT_NOFILE`` is lowered
(``nettools.ServerChild(fileLimit=...)``), so only it runs out. More
clients connect than it can accept: the kernel completes their handshakes
and they wait in the listen queue. The exhaustion is then held for
``HOLD`` seconds (the condition's duration is the point of the test), the
connections already accepted go on being served, and once some of them
close, every waiting client is accepted and answered.
"""

from __future__ import annotations

import select
import socket
import time
from pathlib import Path

from nettools import IO_TIMEOUT, ServerChild

#: Descriptors the server may open once listening.
FILE_LIMIT = 20
#: Clients beyond what it can accept.
EXTRA = 10
#: How long the exhaustion lasts: about 20 accept retries (every 0.1 s).
HOLD = 2.0
#: The error logged when accepting fails for want of descriptors.
FAILURE = "cannot accept connections"


def echoed(sock: socket.socket, data: bytes) -> bool:
    sock.settimeout(IO_TIMEOUT)
    received = b""
    while len(received) < len(data):
        chunk = sock.recv(len(data) - len(received))
        if not chunk:
            return False
        received += chunk
    return received == data


def answeredWithin(socks: list[socket.socket], seconds: float) -> list[socket.socket]:
    """The sockets whose one-byte echo came within ``seconds`` (all that time is spent)."""
    deadline = time.monotonic() + seconds
    answered: list[socket.socket] = []
    while (left := deadline - time.monotonic()) > 0:
        readable, _, _ = select.select([s for s in socks if s not in answered], [], [], left)
        for sock in readable:
            assert sock.recv(1) == b"?"
            answered.append(sock)
    return answered


def test_exhaustion_is_logged_once_with_a_count_and_the_server_recovers(
        tmp_path: Path) -> None:
    with ServerChild(tmp_path, fileLimit=FILE_LIMIT) as server:
        socks = []
        try:
            for _ in range(FILE_LIMIT + EXTRA):
                sock = socket.create_connection(("127.0.0.1", server.port), timeout=IO_TIMEOUT)
                sock.sendall(b"?")
                socks.append(sock)
            # The exhaustion lasts HOLD seconds; meanwhile accepted clients get
            # their echo, the others wait in the listen queue.
            accepted = answeredWithin(socks, HOLD)
            waiting = [sock for sock in socks if sock not in accepted]
            assert accepted and waiting, f"{len(accepted)} accepted of {len(socks)}"

            log = server.logText()
            assert log.count(FAILURE) == 1, f"the failure was logged more than once:\n{log}"
            assert "Too many open files" in log

            # Connections already accepted are served as usual meanwhile.
            assert echoed_again(accepted[0])

            # Free some descriptors: every waiting client is accepted and answered.
            for sock in accepted[:len(waiting)]:
                sock.close()
            assert all(echoed(sock, b"?") for sock in waiting)
        finally:
            for sock in socks:
                sock.close()
        log = server.logText()
        assert "accepting connections on" in log and "again" in log, log
        # The repeats were counted, and reported once accepting worked again.
        # (Closing frees the descriptors a moment after the clients close, so
        # the server may run out again briefly: a new episode, a line of its own.)
        assert "times more in the last" in log, log
        assert log.count(FAILURE) <= 4, log
        assert "Traceback" not in log, log


def echoed_again(sock: socket.socket) -> bool:
    sock.sendall(b"still served")
    return echoed(sock, b"still served")
