"""scale-tcp: TCP echo with 10, 1,000 and 10,000 concurrent connections, against asyncio.

What it measures
----------------
At each point (10, 1,000 and 10,000 connections; 10 and 1,000 with
``--quick``), for two servers:

* ours: ``ServerCore(protocol=EchoProtocol, port=0, host="127.0.0.1")`` run
  by ``scheduler.run.runThreads()``;
* asyncio Protocol: ``loop.create_server`` with an ``asyncio.Protocol`` whose
  ``data_received`` does ``self.transport.write(data)``, the fastest echo
  asyncio offers short of another event loop;

three figures, each from the same runs:

* **round trips per second**: echo-server's load, unchanged (its server
  processes and its load generator are reused, not copied): the
  connections are opened in waves of 50, each doing one round trip, then
  all run at once, each with one 64-byte message in flight, every echo
  checked byte for byte; after a warm-up (0.5 s; 0.1 s with ``--quick``)
  the round trips completed in a fixed window (2 s; 0.4 s with ``--quick``)
  are counted. A wrong echo, a closed connection or a stall raises.
* **server CPU per round trip** (us): the server process's CPU time over
  the window (``time.process_time()`` in the child, as echo-server reads
  it) / the round trips in it. This is the per-unit cost whose growth with
  the connection count shows a bend, whether or not the server is the
  bottleneck (with 10 connections neither side is busy: the figure is
  latency-bound, and the CPU per round trip includes the cost of going to
  sleep and waking for nearly every message).
* **server memory per connection** (KB): the server's resident memory
  (``VmRSS`` from ``/proc/PID/status``) once the window has ended and the
  echoes in flight have come back, all connections still open, minus its
  resident memory listening with none, / the connections. With 10
  connections this is dominated by what the first traffic allocates once
  (buffers, caches), divided by 10; it means something from 1,000 up.

The last rows are the growth from the fewest to the most connections of
the CPU per round trip, for each server. Each repetition starts a fresh
server process; the two servers are interleaved over the repetitions (the
order rotating) and the best run of each is shown (the lowest, for CPU and
memory).

How the load is generated, and why it is fair
---------------------------------------------
Both servers get the same load generator, connection counts, message size
and window, in the same run, and are started the same way (echo-server's
child processes: a fork server with Axon preloaded, glibc's malloc state
evened out; see :mod:`benchmarks.echo_server`). The server runs alone in
its child process; the load generator runs in this (the parent) process:
plain non-blocking sockets and one ``selectors`` (epoll) loop, lighter than
an asyncio client. On the 2-core machine each gets a core (a second
generator process would have to share the server's). It costs about 4-5 us
of CPU per round trip there with 10-1,000 connections and about 8 us with
10,000 (the same growth the servers show: more sockets than fit in the
caches), so it saturates its core near 120,000-200,000 round trips per
second, above our server's rate at every point but not far above asyncio
Protocol's. Its CPU over the busiest window of each point is shown as a
context row: where it is near 100% it held the faster server back, so the
ours / asyncio ratio is then an upper bound (the difference is understated,
never hidden), and the server CPU per round trip stays the fair
comparison (if anything, a server held back pays more per round trip, as
it finds fewer sockets ready per wake-up).

File descriptors: each end needs one per connection (plus a few). The
soft ``RLIMIT_NOFILE`` is raised as far as needed, within the hard limit,
in this process and in each server child; a point the hard limit is too
low for is skipped, with a row saying so. There is no target.
"""

from __future__ import annotations

import resource
from functools import partial

from .echo_server import KINDS as ECHO_KINDS
from .echo_server import SPARE_FILES, LoadGenerator, ensureFileLimit, serverProcess
from .harness import Row, interleave
from .server_memory import memoryKB

NAME = "scale-tcp"

POINTS = (10, 1_000, 10_000)
QUICK_POINTS = (10, 1_000)

KINDS = {"ours": ECHO_KINDS["ours"], "protocol": ECHO_KINDS["protocol"]}


def hardFileLimit() -> float:
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    return float("inf") if hard == resource.RLIM_INFINITY else hard


def measure(kind: str, connections: int, warmup: float, window: float,
            extras: dict[str, list[float]]) -> float:
    """One run: a fresh ``kind`` server, ``connections`` connections; round trips per second.

    Appends the server's CPU us per round trip (``extras[kind + " cpu"]``), its
    KB per connection (``extras[kind + " kb"]``) and the generator's CPU %
    of a core (``extras["generator"]``).
    """
    with serverProcess(kind, connections + SPARE_FILES, benchmark=NAME) as server:
        pid = server.process.pid
        base = memoryKB(pid)["VmRSS"]
        with LoadGenerator(server.port, connections) as generator:
            generator.connect()
            usage: dict[str, float] = {}
            rate = generator.measure(warmup, window, server, usage)
            busy = memoryKB(pid)["VmRSS"]     # every echo back, all connections open
    extras.setdefault(kind + " cpu", []).append(usage["server"] / 100 / rate * 1e6)
    extras.setdefault(kind + " kb", []).append((busy - base) / connections)
    extras.setdefault("generator", []).append(usage["generator"])
    return rate


def run(quick: bool, reps: int) -> list[Row]:
    points = QUICK_POINTS if quick else POINTS
    warmup, window = (0.1, 0.4) if quick else (0.5, 2.0)
    rows: list[Row] = []
    cpu: dict[str, dict[int, float]] = {kind: {} for kind in KINDS}
    for connections in points:
        needed = connections + SPARE_FILES
        if hardFileLimit() < needed:
            rows.append(Row(f"{connections:,} connections: skipped, the hard RLIMIT_NOFILE "
                            f"({hardFileLimit():.0f}) is below the {needed:,} needed",
                            float("nan"), ""))
            continue
        ensureFileLimit(needed)
        extras: dict[str, list[float]] = {}
        samples = interleave(reps, {
            kind: partial(measure, kind, connections, warmup, window, extras) for kind in KINDS
        }, warmup=False)   # each run starts a fresh server and warms it up before its window
        rates = {kind: [rate / 1e3 for rate in samples[kind]] for kind in KINDS}
        best = {kind: max(values) for kind, values in rates.items()}
        for kind in KINDS:
            rows.append(Row(f"{KINDS[kind]}, {connections:,} connections", best[kind],
                            "k msg/s", rates[kind]))
        rows.append(Row(f"ratio ours / asyncio Protocol, {connections:,} connections",
                        best["ours"] / best["protocol"], "x"))
        for kind in KINDS:
            values = extras[kind + " cpu"]
            cpu[kind][connections] = min(values)
            rows.append(Row(f"{KINDS[kind]}, {connections:,}: server CPU per round trip",
                            min(values), "us", values))
        for kind in KINDS:
            values = extras[kind + " kb"]
            rows.append(Row(f"{KINDS[kind]}, {connections:,}: server memory per connection",
                            min(values), "KB/conn", values))
        rows.append(Row(f"load generator CPU, {connections:,}, busiest window (context)",
                        max(extras["generator"]), "% of a core"))
    measured = [c for c in points if c in cpu["ours"]]
    if len(measured) > 1:
        first, last = measured[0], measured[-1]
        for kind in KINDS:
            rows.append(Row(f"{KINDS[kind]}: CPU per round trip growth, {last:,} / {first:,}",
                            cpu[kind][last] / cpu[kind][first], "x"))
    return rows
