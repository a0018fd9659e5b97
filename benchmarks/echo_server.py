"""echo-server: a TCP echo server with 1,000 connections, against asyncio; and idle.

What it measures
----------------
1. **Echo round trips, 1,000 concurrent connections** (200 with
   ``--quick``). Three servers, each in a child process of its own:

   * ours: ``ServerCore(protocol=EchoProtocol, port=0, host="127.0.0.1")``
     run by ``scheduler.run.runThreads()``;
   * asyncio streams: ``asyncio.start_server`` with a handler that loops
     ``data = await reader.read(65536)``, ``writer.write(data)``,
     ``await writer.drain()`` until end of file;
   * asyncio Protocol: ``loop.create_server`` with an ``asyncio.Protocol``
     whose ``data_received`` does ``self.transport.write(data)``.

   The load generator, in this (the parent) process, opens the connections
   to 127.0.0.1 in waves of 50 (each wave does one round trip on every new
   connection before the next wave opens, so no server's listen backlog
   overflows), then runs every connection at once: send a 64-byte message
   (connection number, padding and an 8-byte sequence number), wait for the
   whole echo, compare it byte for byte with what was sent, send the next.
   After a warm-up (0.5 s; 0.1 s with ``--quick``) it counts the round
   trips completed in a **fixed window of 2 s** (0.4 s with ``--quick``);
   the figure is that count / the window's measured length, in round trips
   (messages echoed) per second. Then it stops sending and waits for every
   echo still in flight. A wrong echo, a closed connection, or no progress
   for 10 s raises: a broken run reports no figure. Each repetition starts
   a fresh server process; the three servers are interleaved over the
   repetitions (the order rotating) and the best run of each is shown.
2. **Idle server**: our server in a child process with 10 connections open
   (each has done one round trip, then stays quiet) and no traffic. After
   0.5 s to settle, the child's own CPU time (``time.process_time()``, the
   whole process, read by a thread of the child that waits on the pipe to
   the parent and answers when asked) over 5 s of wall time (1 s with
   ``--quick``), as a percentage of one core. Target: under 1%.

Why it is fair
--------------
The same load generator drives the three servers, in the same run, with the
same connection count, message size and window. The servers are started
the same way (the same ``multiprocessing`` context, as the ``processes``
benchmark starts its children: a fork server with Axon preloaded), run
alone in their process, on the default asyncio event loop for the
baselines (no uvloop), and are told nothing about the load. The asyncio
handlers are the textbook ones. The load generator is plain non-blocking
sockets and a ``selectors`` (epoll) loop, lighter than an asyncio client.
On the 2-core machine it leaves the server a core of its own: it costs
about 10-13 microseconds of CPU per round trip there (most of it the
``recv`` and ``send`` system calls, which are expensive in that VM), so it
uses 25-60% of a core at 20,000-50,000 round trips per second and would
only saturate its core near 80,000-100,000. The busiest window of the
generator is shown as a context row, so a run where it became the
bottleneck is visible (it came close, 87-91% of its core, only in
``--quick`` runs with the fastest baseline, asyncio Protocol). A server
slower than the generator leaves the generator waiting, which is the point.
The machine is noisy (a VM with stolen time and slow cross-CPU wake-ups):
runs of the same server differ by up to 2x, hence the best of several
interleaved runs.

Each server child first allocates and frees a 1 MiB block. glibc raises
its mmap threshold the first time a block that large is freed, and whether
a fresh process has done so depends on its history. asyncio's transports
(under both asyncio servers) read with ``recv(256 KiB)``; below the
threshold that buffer is mmap-ed, shrunk with mremap and unmapped on every
read: three extra system calls per message, seen with ``strace`` in some
child processes and not in others. The block makes every server start in
the same (the faster) state, so the asyncio figures do not flip between
two modes from one run to the next.

Each child raises its soft ``RLIMIT_NOFILE`` if it is below what the
connections need (the parent does the same); if the hard limit is too low,
the benchmark stops with an error that says so.

Target: ours >= 1x the messages per second of asyncio streams (ahead of
asyncio streams). The ratio against asyncio Protocol, the fastest
thing asyncio offers short of a different event loop, is context only.
"""

from __future__ import annotations

import os
import resource
import selectors
import socket
import threading
import time
import traceback
from contextlib import contextmanager
from functools import partial
from typing import Any, Callable, Iterator

from .harness import Row, interleave

NAME = "echo-server"

RATIO_TARGET = 1.0
IDLE_TARGET_PERCENT = 1.0

MESSAGE_SIZE = 64
#: New connections opened at once; each wave completes a round trip before the next.
CONNECT_WAVE = 50
#: Open but quiet connections during the idle measurement.
IDLE_CONNECTIONS = 10
IDLE_SETTLE = 0.5
#: Descriptors needed beyond one per connection (listener, selector, pipes, stdio ...).
SPARE_FILES = 64
#: A server that has not said its port by then is broken.
STARTUP_TIMEOUT = 60.0
#: No echo at all for this long while some are awaited: echoes were lost.
STALL_TIMEOUT = 10.0
#: Waiting for a server to end after SIGTERM (then SIGKILL).
STOP_TIMEOUT = 5.0

KINDS = {"ours": "ServerCore + EchoProtocol",
         "streams": "asyncio streams",
         "protocol": "asyncio Protocol"}


class EchoError(RuntimeError):
    """The run is broken: an echo was wrong or lost, or a server failed."""


def ensureFileLimit(needed: int) -> None:
    """Raise the soft RLIMIT_NOFILE to ``needed`` if it is lower; fail if the hard limit is."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY or soft >= needed:
        return
    if hard != resource.RLIM_INFINITY and hard < needed:
        raise EchoError(
            f"the hard limit on open files (RLIMIT_NOFILE, ulimit -Hn) is {hard}, below the "
            f"{needed} this benchmark needs; raise it (e.g. ulimit -n {needed} as root or "
            f"in limits.conf) or run with --quick")
    resource.setrlimit(resource.RLIMIT_NOFILE, (needed, hard))


# ------------------------------------------------------------ the servers
# These run in the child process. Each sets up its server, calls
# ``announce(port)`` once it is listening, then serves until it is killed.

def bufferOptions(size: int | None) -> list[tuple[int, int, int]]:
    """``SO_RCVBUF`` and ``SO_SNDBUF`` of ``size`` bytes (none for None), as
    ``(level, option, value)`` for ``setsockopt``."""
    if size is None:
        return []
    return [(socket.SOL_SOCKET, socket.SO_RCVBUF, size),
            (socket.SOL_SOCKET, socket.SO_SNDBUF, size)]


# Each server: listen on 127.0.0.1, port 0, with socket buffers of
# ``socketBuffer`` bytes if given (set on the listening socket: accepted
# sockets inherit them), call announce(port), serve until killed.

def _serveOurs(announce: Callable[[int], None], socketBuffer: int | None) -> None:
    from Axon.Scheduler import scheduler
    from Kamaelia.Chassis.ConnectedServer import ServerCore
    from Kamaelia.Protocol.EchoProtocol import EchoProtocol
    server = ServerCore(protocol=EchoProtocol, port=0, host="127.0.0.1",
                        socketOptions=bufferOptions(socketBuffer))
    server.activate()
    announce(server.port)
    scheduler.run.runThreads()


def _listener(socketBuffer: int | None) -> socket.socket | None:
    """A listening socket with those buffers for an asyncio server (None: let it make one)."""
    if socketBuffer is None:
        return None
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    for level, option, value in bufferOptions(socketBuffer):
        listener.setsockopt(level, option, value)
    listener.bind(("127.0.0.1", 0))
    return listener


def _serveStreams(announce: Callable[[int], None], socketBuffer: int | None) -> None:
    import asyncio

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                data = await reader.read(65536)
                if not data:
                    break
                writer.write(data)
                await writer.drain()
        except ConnectionError:
            pass
        finally:
            writer.close()

    async def main() -> None:
        listener = _listener(socketBuffer)
        if listener is None:
            server = await asyncio.start_server(handle, host="127.0.0.1", port=0)
        else:
            server = await asyncio.start_server(handle, sock=listener,
                                                backlog=socket.SOMAXCONN)
        announce(server.sockets[0].getsockname()[1])
        async with server:
            await server.serve_forever()

    asyncio.run(main())


def _serveProtocol(announce: Callable[[int], None], socketBuffer: int | None) -> None:
    import asyncio

    class Echo(asyncio.Protocol):
        def connection_made(self, transport: Any) -> None:
            self.transport = transport

        def data_received(self, data: bytes) -> None:
            self.transport.write(data)

    async def main() -> None:
        listener = _listener(socketBuffer)
        loop = asyncio.get_running_loop()
        if listener is None:
            server = await loop.create_server(Echo, host="127.0.0.1", port=0)
        else:
            server = await loop.create_server(Echo, sock=listener, backlog=socket.SOMAXCONN)
        announce(server.sockets[0].getsockname()[1])
        async with server:
            await server.serve_forever()

    asyncio.run(main())


_SERVE = {"ours": _serveOurs, "streams": _serveStreams, "protocol": _serveProtocol}


#: ``serve(announce, socketBuffer)``: set up a server, call ``announce(port)``, serve forever.
ServeFunction = Callable[[Callable[[int], None], int | None], None]


def serverMain(kind: str, conn: Any, files: int, socketBuffer: int | None = None,
               serve: ServeFunction | None = None, label: str | None = None) -> None:
    """Child process: run the ``kind`` server; talk to the parent over ``conn``.

    ``serve`` is the server to run (None: this module's ``kind`` echo
    server); ``label`` names it in errors (None: ``KINDS[kind]``).
    Sends ``("port", port)`` once listening, ``("cpu", seconds)`` (this
    process's CPU time) whenever the parent sends ``"cpu"``, and
    ``("error", text)`` if the server fails or stops by itself. When the
    parent goes away (end of file on the pipe) the child ends too.
    """
    from Axon.experimental._pipes import ignoreInterrupts
    ignoreInterrupts()
    lock = threading.Lock()

    def reply(message: tuple[str, Any]) -> None:
        with lock:
            conn.send(message)

    def meter() -> None:        # blocked in recv: costs nothing while idle
        while True:
            try:
                request = conn.recv()
            except (EOFError, OSError):
                os._exit(0)     # the parent is gone: do not outlive it
            if request == "cpu":
                reply(("cpu", time.process_time()))

    def announce(port: int) -> None:
        reply(("port", port))
        threading.Thread(target=meter, name="cpu meter", daemon=True).start()

    bytes(1 << 20)      # allocated and freed at once: see the module docstring (glibc)
    try:
        ensureFileLimit(files)
        (serve or _SERVE[kind])(announce, socketBuffer)
        raise EchoError("the server stopped by itself")
    except BaseException:
        try:
            name = label or KINDS.get(kind, kind)
            reply(("error", f"{name} server failed:\n{traceback.format_exc()}"))
        except OSError:
            pass


class ServerProcess:
    """The parent's handle on a server child: its port and CPU time."""

    def __init__(self, kind: str, conn: Any, process: Any, label: str | None = None) -> None:
        self.kind, self.conn, self.process = kind, conn, process
        self.label = label or KINDS.get(kind, kind)
        self.port: int = self._expect("port", STARTUP_TIMEOUT)

    def cpu(self) -> float:
        """The child's CPU time so far, in seconds."""
        self.conn.send("cpu")
        return self._expect("cpu", STALL_TIMEOUT)

    def _expect(self, tag: str, timeout: float) -> Any:
        name = self.label
        try:
            if not self.conn.poll(timeout):
                raise EchoError(f"{name} server: no {tag!r} answer in {timeout:g} s")
            what, value = self.conn.recv()
        except (EOFError, OSError):
            self.process.join(1)
            raise EchoError(f"{name} server process died "
                            f"(exit code {self.process.exitcode})") from None
        if what == "error":
            raise EchoError(value)
        assert what == tag, (what, tag)
        return value


@contextmanager
def serverProcess(kind: str, files: int, socketBuffer: int | None = None,
                  benchmark: str = "echo-server", serve: ServeFunction | None = None,
                  label: str | None = None) -> Iterator[ServerProcess]:
    """Start a ``kind`` server in a child process; stop it (and wait for it) on leaving.

    ``socketBuffer``: the size of its sockets' kernel buffers (None: the
    system's); ``benchmark`` names the process. Other benchmarks run their
    own server with ``serve``: a module-level function (or a
    ``functools.partial`` of one: it is pickled to the child)
    ``serve(announce, socketBuffer)`` that listens on 127.0.0.1, calls
    ``announce(port)`` and serves until killed; ``label`` names it in errors
    (default: this module's ``KINDS[kind]``, else ``kind``)."""
    from Axon.experimental._pipes import processContext
    context = processContext()
    ours, theirs = context.Pipe()
    process = context.Process(target=serverMain,
                              args=(kind, theirs, files, socketBuffer, serve, label),
                              name=f"{benchmark} {kind}", daemon=True)
    try:
        process.start()
        theirs.close()
        yield ServerProcess(kind, ours, process, label)
    finally:
        if process.pid is not None:
            process.terminate()
            process.join(STOP_TIMEOUT)
            if process.is_alive():
                process.kill()
                process.join()
        ours.close()
        theirs.close()


# -------------------------------------------------------- load generator
class LoadGenerator:
    """``count`` echo connections to ``port``, each with one 64-byte message in flight.

    Connection ``i`` sends ``prefix[i] + seq`` (8 bytes, big-endian) and
    expects exactly those bytes back before sending ``seq + 1``.
    """

    def __init__(self, port: int, count: int) -> None:
        self.port, self.count = port, count
        self.selector = selectors.DefaultSelector()
        self.socks: list[socket.socket] = []
        pad = MESSAGE_SIZE - 4 - 8
        self.prefix = [i.to_bytes(4, "big") + bytes([65 + i % 26]) * pad for i in range(count)]
        self.seq = [0] * count
        self.expected = [b""] * count
        self.partial = [b""] * count
        self.inFlight = 0
        self.done = 0            # round trips completed

    def close(self) -> None:
        self.selector.close()
        for sock in self.socks:
            sock.close()

    def __enter__(self) -> LoadGenerator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _send(self, i: int) -> None:
        sock = self.socks[i]
        seq = self.seq[i] + 1
        self.seq[i] = seq
        message = self.prefix[i] + seq.to_bytes(8, "big")
        self.expected[i] = message
        sent = sock.send(message)
        if sent != MESSAGE_SIZE:      # cannot happen with an empty send buffer; be correct anyway
            sock.setblocking(True)
            sock.sendall(message[sent:])
            sock.setblocking(False)
        self.inFlight += 1

    def connect(self) -> None:
        """Open all connections, in waves; each does one round trip."""
        while len(self.socks) < self.count:
            first = len(self.socks)
            for i in range(first, min(first + CONNECT_WAVE, self.count)):
                sock = socket.create_connection(("127.0.0.1", self.port), timeout=STALL_TIMEOUT)
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                sock.setblocking(False)
                self.socks.append(sock)
                self.selector.register(sock, selectors.EVENT_READ, i)
                self._send(i)
            self.pump(sending=False, until=None)

    def pump(self, sending: bool, until: float | None) -> None:
        """Handle echoes until ``until`` (perf_counter), or until none is in flight.

        With ``sending``, each good echo is answered with the next message.
        """
        select = self.selector.select
        expected, pending, socks = self.expected, self.partial, self.socks
        prefix, seqs = self.prefix, self.seq
        done = self.done
        inFlight = self.inFlight
        lastProgress = now = time.perf_counter()
        try:
            while (now < until) if until is not None else inFlight:
                timeout = 1.0 if until is None else min(1.0, until - now)
                events = select(timeout)
                now = time.perf_counter()
                if not events:
                    if inFlight and now - lastProgress > STALL_TIMEOUT:
                        raise EchoError(f"{inFlight} echoes still awaited after "
                                        f"{STALL_TIMEOUT:g} s with none arriving: lost")
                    continue
                lastProgress = now
                for key, _ in events:
                    i = key.data
                    sock = socks[i]
                    try:
                        data = sock.recv(4096)
                    except BlockingIOError:
                        continue
                    if not data:
                        raise EchoError(f"the server closed connection {i} "
                                        f"({self.seq[i]} messages sent on it)")
                    if pending[i]:
                        data = pending[i] + data
                    want = expected[i]
                    if data != want:
                        if len(data) < MESSAGE_SIZE and want.startswith(data):
                            pending[i] = data         # more of this echo to come
                            continue
                        raise EchoError(f"connection {i}: wrong echo {data!r}, expected {want!r}")
                    pending[i] = b""
                    done += 1
                    if sending:
                        seq = seqs[i] + 1
                        seqs[i] = seq
                        message = prefix[i] + seq.to_bytes(8, "big")
                        expected[i] = message
                        sent = sock.send(message)
                        if sent != MESSAGE_SIZE:
                            sock.setblocking(True)
                            sock.sendall(message[sent:])
                            sock.setblocking(False)
                    else:
                        inFlight -= 1
        finally:
            self.done, self.inFlight = done, inFlight

    def measure(self, warmup: float, window: float, server: ServerProcess | None = None,
                usage: dict[str, float] | None = None) -> float:
        """All connections at once: round trips per second over ``window`` after ``warmup``."""
        for i in range(self.count):
            self._send(i)
        return timedWindow(self, warmup, window, server, usage, "round trip")


def timedWindow(load: Any, warmup: float, window: float, server: ServerProcess | None,
                usage: dict[str, float] | None, what: str) -> float:
    """Exchanges per second of a primed ``load`` over ``window`` after ``warmup``.

    ``load`` has ``pump(sending, until)`` (``until=None``: until nothing is in
    flight) and a count ``done``. The CPU % of a core over the window goes in
    ``usage["server"]`` (``server``'s) and ``usage["generator"]`` (this
    process's). Raises :class:`EchoError` if no ``what`` completed in it.
    """
    load.pump(sending=True, until=time.perf_counter() + warmup)
    serverCpu0 = server.cpu() if server is not None else 0.0
    ownCpu0 = time.process_time()
    done0, start = load.done, time.perf_counter()
    load.pump(sending=True, until=start + window)
    done1, end = load.done, time.perf_counter()
    ownCpu1 = time.process_time()
    serverCpu1 = server.cpu() if server is not None else 0.0
    load.pump(sending=False, until=None)     # everything still in flight must arrive
    if usage is not None:
        usage["server"] = 100.0 * (serverCpu1 - serverCpu0) / (end - start)
        usage["generator"] = 100.0 * (ownCpu1 - ownCpu0) / (end - start)
    if done1 == done0:
        raise EchoError(f"no {what} completed during the window")
    return (done1 - done0) / (end - start)


def echoRate(kind: str, connections: int, warmup: float, window: float,
             usage: dict[str, list[float]] | None = None) -> float:
    """One run: a fresh ``kind`` server, ``connections`` connections; round trips per second.

    The CPU % of a core used during the window by the server and by the
    generator are appended to ``usage["server"]`` and ``usage["generator"]``.
    """
    with serverProcess(kind, connections + SPARE_FILES) as server, \
            LoadGenerator(server.port, connections) as generator:
        generator.connect()
        cpu: dict[str, float] = {}
        rate = generator.measure(warmup, window, server, cpu)
    if usage is not None:
        for who, percent in cpu.items():
            usage.setdefault(who, []).append(percent)
    return rate


def idleServerCpu(seconds: float) -> float:
    """Our server, a few quiet connections, no traffic: its CPU % of a core over ``seconds``."""
    with serverProcess("ours", IDLE_CONNECTIONS + SPARE_FILES) as server, \
            LoadGenerator(server.port, IDLE_CONNECTIONS) as generator:
        generator.connect()                  # one round trip each, then quiet
        time.sleep(IDLE_SETTLE)
        cpu0, wall0 = server.cpu(), time.perf_counter()
        time.sleep(seconds)                  # the thing being measured: nothing happening
        cpu1, wall1 = server.cpu(), time.perf_counter()
        done = generator.done
        generator.pump(sending=False, until=time.perf_counter() + 0.01)
        if generator.done != done:
            raise EchoError("the idle server sent data nobody asked for")
    return 100.0 * (cpu1 - cpu0) / (wall1 - wall0)


# ------------------------------------------------------------------- run
def run(quick: bool, reps: int) -> list[Row]:
    connections = 200 if quick else 1000
    warmup, window = (0.1, 0.4) if quick else (0.5, 2.0)
    idleSeconds = 1.0 if quick else 5.0
    ensureFileLimit(connections + SPARE_FILES)

    usage: dict[str, list[float]] = {}
    samples = interleave(reps, {
        kind: partial(echoRate, kind, connections, warmup, window, usage) for kind in KINDS
    }, warmup=False)   # each run starts a fresh server and warms it up before its window
    rates = {kind: [rate / 1e3 for rate in samples[kind]] for kind in KINDS}
    best = {kind: max(values) for kind, values in rates.items()}

    rows = [Row(f"{KINDS['ours']}, {connections:,} connections, {MESSAGE_SIZE} B",
                best["ours"], "k msg/s", rates["ours"])]
    for kind in ("streams", "protocol"):
        rows.append(Row(f"{KINDS[kind]}, same", best[kind], "k msg/s", rates[kind]))
    ratio = best["ours"] / best["streams"]
    rows.append(Row("ratio ours / asyncio streams", ratio, "x",
                    target=f">= {RATIO_TARGET:g}x (ahead of asyncio streams)",
                    ok=ratio >= RATIO_TARGET))
    rows.append(Row("ratio ours / asyncio Protocol (context)", best["ours"] / best["protocol"],
                    "x"))
    rows.append(Row(f"load generator CPU, busiest of the {len(usage['generator'])} windows "
                    "(context)", max(usage["generator"]), "% of a core"))

    idle = idleServerCpu(idleSeconds)
    rows.append(Row(f"{KINDS['ours']} idle, {IDLE_CONNECTIONS} quiet connections, "
                    f"{idleSeconds:g} s", idle, "% of a core",
                    target=f"< {IDLE_TARGET_PERCENT:g}%", ok=idle < IDLE_TARGET_PERCENT))
    return rows
