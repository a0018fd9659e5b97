"""Helpers for network tests (imported by tests; not a test file).

``Background(component)`` runs the default scheduler in a thread while the
test plays the client with ordinary blocking sockets; leaving the block
shuts the component down (``serverShutdown`` on its "control") and joins the
thread, failing the test if the system did not end. ``openDescriptors()``
counts this process's file descriptors, for leak checks. ``runScheduler()``
runs the default scheduler in the test's own thread, failing the test if the
system has not finished in time.

``ServerChild(tmp_path, ...)`` runs an echo ``ServerCore`` in a child Python
process, for the stress tests: its memory (``rssKB()``, ``peakKB()``,
``resetPeak()``, from ``/proc``) is the server's alone, and a lowered
``RLIMIT_NOFILE`` (``fileLimit``) cannot harm the test process. What it logs
goes to a file (``logText()``). ``EchoLoad`` drives many echo connections at
once from one ``selectors`` loop, with messages of mixed sizes.
"""

from __future__ import annotations

import json
import os
import resource
import selectors
import socket
import subprocess
import sys
import threading
from pathlib import Path
from types import TracebackType
from typing import Any, Callable

from Axon.Scheduler import scheduler
from Kamaelia.IPC import serverShutdown

#: Seconds a blocking test-side socket operation may take before the test fails.
IO_TIMEOUT = 10.0


class Background:
    """Run the default scheduler in a thread with ``component`` active."""

    def __init__(self, component: Any) -> None:
        self.component = component
        self.errors: list[BaseException] = []
        self.thread = threading.Thread(target=self._run, name="scheduler", daemon=True)

    def _run(self) -> None:
        try:
            scheduler.run.runThreads()
        except BaseException as exc:     # noqa: BLE001 - re-raised in the test thread
            self.errors.append(exc)

    def __enter__(self) -> "Background":
        self.component.activate()
        self.thread.start()
        return self

    def shutdown(self, message: Any = None) -> None:
        """Send ``message`` (default serverShutdown) and wait for the system to end."""
        if self.thread.is_alive():
            self.component._deliver(message or serverShutdown(), "control")
        self.thread.join(IO_TIMEOUT)
        assert not self.thread.is_alive(), "the system did not end after the shutdown"
        if self.errors:
            raise self.errors[0]

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if kind is None:
            self.shutdown()
            return
        if self.thread.is_alive():
            self.component._deliver(serverShutdown(), "control")
            self.thread.join(IO_TIMEOUT)
            if self.thread.is_alive():
                scheduler.run.stop()
                self.thread.join(IO_TIMEOUT)


def inScheduler(action: Callable[[], Any], when: Callable[[], bool] | None = None) -> Any:
    """From the test's thread, while ``Background`` runs the scheduler: call
    ``action()`` in the scheduler's thread as soon as ``when()`` holds there
    (checked once per round; at once if ``when`` is None) and return what it
    returned (or raise what it raised). Fails after ``IO_TIMEOUT``.

    For looking at a running system without racing it, and for waiting on a
    state that nothing announces (a server having forgotten a connection)."""
    sched = scheduler.run
    done = threading.Event()
    outcome: list[Any] = []

    def attempt() -> None:
        try:
            if when is not None and not when():
                sched.callLater(0, attempt)
                return
            outcome.append((True, action()))
        except BaseException as exc:     # noqa: BLE001 - re-raised in the test thread
            outcome.append((False, exc))
        done.set()

    sched.callFromThread(attempt)
    assert done.wait(IO_TIMEOUT), f"not done in {IO_TIMEOUT} s (condition never held?)"
    ok, value = outcome[0]
    if not ok:
        raise value
    return value


def runScheduler(limit: float = IO_TIMEOUT) -> None:
    """``scheduler.run.runThreads()``, failing the test (after stopping everything,
    which closes the components' sockets) if it has not finished in ``limit`` seconds."""
    sched = scheduler.run
    overdue: list[list[str]] = []

    def giveUp() -> None:
        overdue.append(sorted(mp.name for mp in sched.listAllThreads()))
        sched.stop()

    watchdog = sched.callLater(limit, giveUp)
    try:
        sched.runThreads()
    finally:
        watchdog.cancel()
    assert not overdue, f"still running after {limit} s: {overdue[0]}"


def connect(port: int, host: str = "127.0.0.1") -> socket.socket:
    """A blocking client socket connected to ``(host, port)``, with a timeout."""
    sock = socket.create_connection((host, port), timeout=IO_TIMEOUT)
    return sock


def receiveExactly(sock: socket.socket, size: int) -> bytes:
    """Read exactly ``size`` bytes (fails the test on early end of file)."""
    chunks = []
    while size:
        chunk = sock.recv(min(size, 65536))
        assert chunk, f"connection closed with {size} bytes still expected"
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def receiveAll(sock: socket.socket) -> bytes:
    """Read until end of file."""
    chunks = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def openDescriptors() -> int:
    """How many file descriptors this process has open."""
    return len(os.listdir("/proc/self/fd"))


# ------------------------------------------------------------ a server child
_SERVER_CHILD = """
import json, logging, os, resource, sys
config = json.loads(sys.argv[1])
logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                    format="%(levelname)s %(name)s %(message)s")
from Axon.Scheduler import scheduler
from Kamaelia.Chassis.ConnectedServer import ServerCore
from Kamaelia.Protocol.EchoProtocol import EchoProtocol
options = config["connectionOptions"]
extra = {"connectionOptions": options} if options is not None else {}
if config["socketBuffer"] is not None:      # (accepted sockets inherit them)
    import socket
    extra["socketOptions"] = [(socket.SOL_SOCKET, socket.SO_RCVBUF, config["socketBuffer"]),
                              (socket.SOL_SOCKET, socket.SO_SNDBUF, config["socketBuffer"])]
server = ServerCore(protocol=EchoProtocol, port=0, host="127.0.0.1", **extra)
if config["fileLimit"] is not None:
    # (after the imports: only what the server opens from now on counts)
    opened = len(os.listdir("/proc/self/fd"))
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    resource.setrlimit(resource.RLIMIT_NOFILE, (opened + config["fileLimit"], hard))
server.activate()
print(server.port, flush=True)
scheduler.run.runThreads()
"""


class ServerChild:
    """ServerChild(tmp_path, connectionOptions=None, fileLimit=None) -> an echo server process

    ``ServerCore(protocol=EchoProtocol, port=0, host="127.0.0.1")`` in a
    child Python process, listening on ``port`` once made. ``fileLimit``:
    the descriptors it may open beyond those open when it starts to listen
    (its soft ``RLIMIT_NOFILE`` is lowered to that). It logs (INFO and up)
    to ``tmp_path / "server.log"``. Use it as a context manager: leaving
    the block ends the process (SIGTERM, then SIGKILL) and waits for it.
    """

    def __init__(self, tmp_path: Path, connectionOptions: dict[str, Any] | None = None,
                 fileLimit: int | None = None, socketBuffer: int | None = None) -> None:
        self.logPath = tmp_path / "server.log"
        config = json.dumps({"connectionOptions": connectionOptions, "fileLimit": fileLimit,
                             "socketBuffer": socketBuffer})
        with open(self.logPath, "wb") as log:
            self.process = subprocess.Popen([sys.executable, "-c", _SERVER_CHILD, config],
                                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                            stderr=log)
        assert self.process.stdout is not None
        line = self.process.stdout.readline()     # (blocks until it listens, or dies)
        if not line:
            self.close()
            raise AssertionError(f"the server process did not start:\n{self.logText()}")
        self.port = int(line)
        self.pid = self.process.pid

    def __enter__(self) -> "ServerChild":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(IO_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()

    def _status(self, field: str) -> int:
        with open(f"/proc/{self.pid}/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
        raise AssertionError(f"no {field} in /proc/{self.pid}/status")

    def rssKB(self) -> int:
        """The server's resident memory now, in KiB."""
        return self._status("VmRSS")

    def peakKB(self) -> int:
        """The server's peak resident memory (since :meth:`resetPeak`), in KiB."""
        return self._status("VmHWM")

    def resetPeak(self) -> None:
        """Make the peak the current resident memory (Linux ``clear_refs``);
        if the kernel refuses, the peak stays the lifetime one (only higher)."""
        try:
            with open(f"/proc/{self.pid}/clear_refs", "w") as clear:
                clear.write("5")
        except OSError:
            pass

    def logText(self) -> str:
        return self.logPath.read_text(errors="replace")


def raiseFileLimit(needed: int) -> None:
    """Raise this process's soft RLIMIT_NOFILE to ``needed`` (the hard limit allowing)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < needed:
        resource.setrlimit(resource.RLIMIT_NOFILE,
                           (needed if hard == resource.RLIM_INFINITY else min(needed, hard), hard))


# ---------------------------------------------------------- many echo clients
class EchoLoad:
    """EchoLoad(port, count, sizes, messages, window) -> ``count`` echo clients

    Client ``i`` streams ``messages`` messages whose sizes cycle through
    ``sizes`` (starting at a different place for each client), reading the
    echo as it comes and keeping at most ``window`` bytes sent and not yet
    echoed. Every byte client ``i`` sends is ``i % 251``, so an echo that
    comes back on the wrong connection fails the check, as does one byte
    more or less. :meth:`connect` opens the connections (each does a
    one-byte round trip), :meth:`run` streams until everything is back;
    :meth:`close` closes them. No sleeps: one ``selectors`` loop, whose
    waits fail the test after ``IO_TIMEOUT`` without progress.
    """

    def __init__(self, port: int, count: int, sizes: list[int], messages: int,
                 window: int, socketBuffer: int | None = None, readSize: int = 262144) -> None:
        self.port, self.count, self.sizes = port, count, sizes
        self.messages, self.window, self.socketBuffer = messages, window, socketBuffer
        self.readSize = readSize
        self.selector = selectors.DefaultSelector()
        self.socks: list[socket.socket] = []
        self.fill = [bytes([i % 251]) * max(sizes) for i in range(min(count, 251))]
        self.sent = [0] * count
        self.received = [0] * count
        self.begun = [0] * count
        self.rest: list[memoryview | None] = [None] * count
        self.writing = [False] * count
        self.done = [False] * count
        self.finished = 0

    def __enter__(self) -> "EchoLoad":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.selector.close()
        for sock in self.socks:
            sock.close()
        self.socks.clear()

    def connect(self, wave: int = 50) -> None:
        while len(self.socks) < self.count:
            first = len(self.socks)
            for i in range(first, min(first + wave, self.count)):
                sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                if self.socketBuffer is not None:
                    # (set before connecting: it also sets the window offered)
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, self.socketBuffer)
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, self.socketBuffer)
                sock.settimeout(IO_TIMEOUT)
                sock.connect(("127.0.0.1", self.port))
                sock.sendall(self.fill[i % 251][:1])
                self.socks.append(sock)
            for i in range(first, len(self.socks)):
                assert self.socks[i].recv(1) == self.fill[i % 251][:1], f"client {i}: no echo"
                self.socks[i].setblocking(False)
                self.selector.register(self.socks[i], selectors.EVENT_READ, i)

    def _send(self, i: int) -> None:
        sock = self.socks[i]
        while True:
            rest = self.rest[i]
            if rest is None:
                if self.begun[i] == self.messages:
                    break
                size = self.sizes[(i + self.begun[i]) % len(self.sizes)]
                unechoed = self.sent[i] - self.received[i]
                if unechoed and unechoed + size > self.window:
                    break
                rest = memoryview(self.fill[i % 251])[:size]
                self.begun[i] += 1
            try:
                written = sock.send(rest)
            except BlockingIOError:
                written = 0
            self.sent[i] += written
            self.rest[i] = rest[written:] if written < len(rest) else None
            if self.rest[i] is not None:
                break
        want = self.rest[i] is not None
        if want != self.writing[i]:
            self.writing[i] = want
            self.selector.modify(sock, selectors.EVENT_READ | (selectors.EVENT_WRITE * want), i)

    def run(self) -> None:
        for i in range(self.count):
            self._send(i)
        while self.finished < self.count:
            events = self.selector.select(IO_TIMEOUT)
            assert events, f"no progress in {IO_TIMEOUT} s ({self.finished} clients finished)"
            for key, mask in events:
                i = key.data
                if mask & selectors.EVENT_READ:
                    self._receive(i)
                if not self.done[i]:
                    self._send(i)

    def _receive(self, i: int) -> None:
        try:
            data = self.socks[i].recv(self.readSize)
        except BlockingIOError:
            return
        assert data, f"the server closed client {i}'s connection"
        assert data.count(self.fill[i % 251][0]) == len(data), f"client {i}: a wrong echo"
        self.received[i] += len(data)
        assert self.received[i] <= self.sent[i], f"client {i}: more came back than was sent"
        if self.begun[i] == self.messages and self.rest[i] is None and \
                self.received[i] == self.sent[i]:
            self.finished += 1
            self.done[i] = True
            self.selector.unregister(self.socks[i])
