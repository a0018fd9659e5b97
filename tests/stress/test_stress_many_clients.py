"""Stress: 2,000 echo clients of mixed sizes, under a memory ceiling.

The probe of issue 11: with 2,000 busy echo clients the server peaked at
1.2-1.5 GB, 600-750 KB per connection, because nothing bounded what a
connection held. The target: at most 64 KB per busy connection above the
idle server, plus the data in flight.

Two loads, both on 2,000 connections whose sockets have 32 KiB kernel
buffers at both ends (so that data backs up in the server, where it is
counted, rather than in the kernel, where it is not):

* **all backed up**: every client sends messages of mixed sizes and does not
  read until nothing more is taken anywhere. Every connection then holds as
  much as the server lets it hold, at once: the worst case, and a
  deterministic one. Then every client reads its echo back, byte for byte.
* **busy**: every client streams messages of mixed sizes while reading its
  echoes (``EchoLoad``; at most ``WINDOW`` sent and not yet echoed).

The data in flight sits in the kernel's socket buffers, which the server's
resident memory does not count, so both loads hold the server to the
stricter ceiling, with no allowance for it. Every client's bytes are its
own, so a lost, extra, reordered or misdelivered byte fails the test as
surely as the memory does. The server is a child process
(``nettools.ServerChild``), so its memory is its own.
"""

from __future__ import annotations

import selectors
import socket
from pathlib import Path

from nettools import IO_TIMEOUT, EchoLoad, ServerChild, raiseFileLimit

CLIENTS = 2000
#: Message sizes, cycled through (small ones most common, as in real traffic).
SIZES = [64, 1024, 64, 16384, 1024, 65536, 64, 262144]
MESSAGES = 8
#: Bytes a busy client keeps sent and not yet echoed, at most.
WINDOW = 1 << 20
#: SO_RCVBUF / SO_SNDBUF at both ends.
SOCKET_BUFFER = 32768
#: Issue 11's ceiling per connection, above the idle server, in KiB.
CEILING_KB = 64
#: No socket taking a byte for this long: everything is backed up.
STALL = 0.5
#: A client that got this much taken has not been stopped (the kernels'
#: buffers and a bounded server take about 250 KiB).
NEVER_STOPPED = 512 * 1024


def clients(port: int) -> list[socket.socket]:
    """``CLIENTS`` connections, each after a one-byte round trip, non-blocking."""
    socks = []
    for _ in range(CLIENTS):
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, SOCKET_BUFFER)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SOCKET_BUFFER)
        sock.settimeout(IO_TIMEOUT)
        sock.connect(("127.0.0.1", port))
        sock.sendall(b"!")
        socks.append(sock)
    for sock in socks:
        assert sock.recv(1) == b"!"
        sock.setblocking(False)
    return socks


def backUp(socks: list[socket.socket]) -> list[int]:
    """Send mixed-size messages on every socket, reading nothing, until no
    socket takes a byte for ``STALL`` s (or each has sent ``NEVER_STOPPED``);
    the bytes each one took. Client ``i`` sends bytes of value ``i % 251``."""
    sent = [0] * len(socks)
    nextSize = list(range(len(socks)))
    selector = selectors.DefaultSelector()
    for i, sock in enumerate(socks):
        selector.register(sock, selectors.EVENT_WRITE, i)
    try:
        while events := selector.select(STALL):
            for key, _ in events:
                i = key.data
                size = SIZES[nextSize[i] % len(SIZES)]
                nextSize[i] += 1
                try:
                    sent[i] += key.fileobj.send(bytes([i % 251]) * size)
                except BlockingIOError:
                    pass
                if sent[i] >= NEVER_STOPPED:
                    selector.unregister(key.fileobj)
    finally:
        selector.close()
    return sent


def readBack(socks: list[socket.socket], sent: list[int]) -> None:
    """Read every echo, checking each client gets exactly its own bytes."""
    selector = selectors.DefaultSelector()
    received = [0] * len(socks)
    for i, sock in enumerate(socks):
        selector.register(sock, selectors.EVENT_READ, i)
    waiting = len(socks)
    try:
        while waiting:
            events = selector.select(IO_TIMEOUT)
            assert events, f"no echo in {IO_TIMEOUT} s; {waiting} clients still waiting"
            for key, _ in events:
                i = key.data
                data = key.fileobj.recv(1 << 18)
                assert data, f"the server closed client {i}'s connection"
                assert data.count(i % 251) == len(data), f"client {i}: a wrong echo"
                received[i] += len(data)
                assert received[i] <= sent[i], f"client {i}: more came back than was sent"
                if received[i] == sent[i]:
                    selector.unregister(key.fileobj)
                    waiting -= 1
    finally:
        selector.close()


def test_two_thousand_backed_up_clients_cost_at_most_64_kb_a_connection(
        tmp_path: Path) -> None:
    raiseFileLimit(2 * CLIENTS + 256)     # (both ends of every connection are here)
    with ServerChild(tmp_path, socketBuffer=SOCKET_BUFFER) as server:
        socks = clients(server.port)
        try:
            idle = server.rssKB()
            server.resetPeak()
            sent = backUp(socks)
            held = (server.peakKB() - idle) / CLIENTS
            assert 0 < min(sent) and max(sent) < NEVER_STOPPED, \
                f"the server went on reading from clients that never read ({max(sent)} bytes)"
            readBack(socks, sent)
        finally:
            for sock in socks:
                sock.close()
        assert held <= CEILING_KB, \
            f"{held:.1f} KiB per backed-up connection above idle (at most {CEILING_KB})"
    assert "Traceback" not in server.logText()


def test_two_thousand_busy_clients_stay_under_64_kb_a_connection(tmp_path: Path) -> None:
    raiseFileLimit(2 * CLIENTS + 256)
    with ServerChild(tmp_path, socketBuffer=SOCKET_BUFFER) as server:
        with EchoLoad(server.port, CLIENTS, SIZES, MESSAGES, WINDOW,
                      socketBuffer=SOCKET_BUFFER) as load:
            load.connect()
            idle = server.rssKB()
            server.resetPeak()
            load.run()
            busy = (server.peakKB() - idle) / CLIENTS
            assert load.finished == CLIENTS
            assert sum(load.received) == sum(load.sent) >= CLIENTS * MESSAGES * 64
        assert busy <= CEILING_KB, \
            f"{busy:.1f} KiB per busy connection above idle (at most {CEILING_KB})"
    assert "Traceback" not in server.logText()
