"""Helpers for network tests (imported by tests; not a test file).

``Background(component)`` runs the default scheduler in a thread while the
test plays the client with ordinary blocking sockets; leaving the block
shuts the component down (``serverShutdown`` on its "control") and joins the
thread, failing the test if the system did not end. ``openDescriptors()``
counts this process's file descriptors, for leak checks.
"""

from __future__ import annotations

import os
import socket
import threading
from types import TracebackType
from typing import Any

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
