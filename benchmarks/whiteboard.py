"""whiteboard: stroke latency through a relay, and one hub's fan-out to 20 peers.

What it measures
----------------
1. **Stroke latency**: a serving hub in a child process (headless, with its
   own board, checking and drawing every line) and two instances in this
   process, each joined to it with ``WhiteboardClient``: for each of 1,000
   strokes (100 with ``--quick``) the first instance's user draws a segment
   (a ``"draw"`` action on its keeper, from this thread) and the time until
   the second instance's board has drawn it is taken (a hook on that
   board's ``apply``). That is input to screen through the relay, less the
   window's blit (about a millisecond at 1024x704). Median and 99th
   percentile; targets < 10 ms and < 50 ms. Baseline, for context: the
   same two hops through a hand-written asyncio ``Protocol`` relay (no
   checking, no drawing) between two plain sockets.
2. **Fan-out**: the same hub, 20 connected peers and one sender that
   writes 20,000 LINE events (5,000 with ``--quick``) as fast as the hub
   takes them; the time until all 20 peers have received all of them gives
   input events per second (each one delivered 20 times). Target >= 20,000
   events/s. (The sender writes as fast as it can, so the hub reads many
   lines at a time, and those go round its backplane as one message; one
   segment per read, before that batching, measured about 27,000/s.)
   Baseline: the asyncio relay under the same load. It forwards
   whole chunks of bytes without looking at them, so it is a ceiling, not
   a like-for-like contender; the ratio is context.
"""

from __future__ import annotations

import selectors
import socket
import statistics
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from time import perf_counter
from typing import Any, Iterator

from .harness import Row, fresh_scheduler, interleave

NAME = "whiteboard"
LATENCY_MEDIAN_MS = 10.0
LATENCY_P99_MS = 50.0
FANOUT_TARGET = 20000
PEERS = 20
ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def _relay(kind: str) -> Iterator[int]:
    """A relay ('hub' or 'asyncio') in a child process; its port."""
    child = subprocess.Popen([sys.executable, "-m", "benchmarks._whiteboardwork", kind],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=ROOT)
    try:
        assert child.stdout is not None
        yield int(child.stdout.readline())
    finally:
        assert child.stdin is not None
        child.stdin.close()
        if child.wait(30) != 0:
            raise RuntimeError(f"the {kind} relay failed (exit status {child.returncode})")


def _segment(i: int) -> list[str]:
    return ["LINE", "0", "0", "0", str(i % 1000), "10", str(i % 1000 + 5), "20", "3"]


# -- Latency -----------------------------------------------------------------------------------

def _oursLatency(port: int, strokes: int) -> list[float]:
    from Axon.Ipc import producerFinished
    from Axon.Scheduler import scheduler
    from Kamaelia.Apps.Whiteboard.Board import Board
    from Kamaelia.Apps.Whiteboard.Hub import WhiteboardHub

    arrived = threading.Event()
    times: list[float] = []

    class TimedBoard(Board):
        def apply(self, command: Any, stroke: int | None = None) -> None:
            super().apply(command, stroke)
            if command[0] == "LINE":
                times.append(perf_counter())
                arrived.set()

    fresh_scheduler()
    sender, receiver = Board(), TimedBoard()
    first = WhiteboardHub(sender, connectto=("127.0.0.1", port), backplane="BENCH-A")
    second = WhiteboardHub(receiver, connectto=("127.0.0.1", port), backplane="BENCH-B")
    first.activate()
    second.activate()
    running = threading.Thread(target=scheduler.run.runThreads)
    running.start()
    try:
        _waitFor(lambda: sender.version > 0 and receiver.version > 0)     # both joined
        latencies = []
        for i in range(strokes):
            arrived.clear()
            began = perf_counter()
            first.keeper._deliver(("draw", i, [_segment(i)]), "local")
            if not arrived.wait(10):
                raise RuntimeError(f"stroke {i} never arrived")
            latencies.append(times[-1] - began)
        return latencies
    finally:
        for instance in (first, second):
            instance._deliver(producerFinished(), "control")
        running.join(30)


def _waitFor(condition: Any, limit: float = 10.0) -> None:
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError("the instances did not join the relay")
        time.sleep(0.01)        # (benchmark set-up only: nothing to wait on)


def _baselineLatency(port: int, strokes: int) -> list[float]:
    from Kamaelia.Apps.Whiteboard.Tokenisation import encodeTokens
    with socket.create_connection(("127.0.0.1", port)) as one, \
            socket.create_connection(("127.0.0.1", port)) as other:
        for sock in (one, other):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        time.sleep(0.2)         # (both connections accepted by the relay)
        latencies = []
        for i in range(strokes):
            line = encodeTokens([_segment(i)])
            began = perf_counter()
            one.sendall(line)
            got = b""
            while not got.endswith(b"\n"):
                got += other.recv(65536)
            latencies.append(perf_counter() - began)
        return latencies


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


# -- Fan-out ---------------------------------------------------------------------------------

def _fanout(port: int, events: int) -> float:
    from Kamaelia.Apps.Whiteboard.Tokenisation import encodeTokens
    receivers = [socket.create_connection(("127.0.0.1", port)) for _ in range(PEERS)]
    sender = socket.create_connection(("127.0.0.1", port))
    try:
        time.sleep(0.3)         # (every connection accepted and subscribed)
        data = b"".join(encodeTokens([_segment(i)]) for i in range(events))
        selector = selectors.DefaultSelector()
        owed = {}
        for peer in receivers:
            peer.setblocking(False)
            selector.register(peer, selectors.EVENT_READ)
            owed[peer] = len(data)
        sender.setblocking(False)
        selector.register(sender, selectors.EVENT_WRITE)
        sent = 0
        began = perf_counter()
        while owed:
            ready = selector.select(10)
            if not ready:
                raise RuntimeError(f"fan-out stalled with {len(owed)} peers still owed data")
            for key, _events in ready:
                sock = key.fileobj
                if sock is sender:
                    sent += sender.send(data[sent:sent + 65536])
                    if sent >= len(data):
                        selector.unregister(sender)
                else:
                    owed[sock] -= len(sock.recv(1 << 20))     # type: ignore[union-attr]
                    if owed[sock] <= 0:                       # type: ignore[index]
                        selector.unregister(sock)
                        del owed[sock]                        # type: ignore[arg-type]
        return perf_counter() - began
    finally:
        for sock in receivers + [sender]:
            sock.close()


def run(quick: bool, reps: int) -> list[Row]:
    strokes, events = (100, 5000) if quick else (1000, 20000)
    rows: list[Row] = []
    with _relay("hub") as hubPort, _relay("asyncio") as asyncioPort:
        ours = _oursLatency(hubPort, strokes)
        theirs = _baselineLatency(asyncioPort, strokes)
        median, p99 = statistics.median(ours) * 1000, _percentile(ours, 0.99) * 1000
        rows += [
            Row(f"stroke latency through a relay, median of {strokes}", median, "ms",
                target=f"< {LATENCY_MEDIAN_MS:g} ms", ok=median < LATENCY_MEDIAN_MS),
            Row("stroke latency, 99th percentile", p99, "ms",
                target=f"< {LATENCY_P99_MS:g} ms", ok=p99 < LATENCY_P99_MS),
            Row("asyncio relay, raw sockets, median (context)",
                statistics.median(theirs) * 1000, "ms"),
            Row("asyncio relay, 99th percentile (context)", _percentile(theirs, 0.99) * 1000,
                "ms"),
        ]
        samples = interleave(min(reps, 3), {
            "ours": lambda: _fanout(hubPort, events),
            "asyncio": lambda: _fanout(asyncioPort, events),
        }, warmup=False)
    best = {name: min(times) for name, times in samples.items()}
    rate = events / best["ours"]
    rows += [
        Row(f"hub fan-out to {PEERS} peers, {events} LINE events", rate, "events/s",
            [events / t for t in samples["ours"]], target=f">= {FANOUT_TARGET}",
            ok=rate >= FANOUT_TARGET),
        Row("asyncio relay, chunks passed unread (ceiling, context)",
            events / best["asyncio"], "events/s", [events / t for t in samples["asyncio"]]),
    ]
    return rows
