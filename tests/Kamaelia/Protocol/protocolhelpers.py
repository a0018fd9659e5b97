"""Run a protocol behind a real TCP server on loopback (imported by tests; not a test file).

``serve(protocol, talk)`` starts a ``ServerCore`` on ``127.0.0.1``, port 0,
and runs ``talk(port)`` in a client thread using plain blocking sockets with
timeouts, while the scheduler runs in the test's thread. When ``talk``
returns (or fails) the server is told to stop; ``serve`` returns what
``talk`` returned, or re-raises what it raised. A watchdog stops everything
if it takes more than ``PATIENCE`` seconds, so a broken protocol fails the
test instead of hanging it. No sleeps.
"""

from __future__ import annotations

import socket
import threading
from typing import Any, Callable

from Axon.Ipc import shutdownMicroprocess
from Axon.Scheduler import scheduler
from Kamaelia.Chassis.ConnectedServer import ServerCore

#: Seconds a socket call, or the whole exchange, may take before the test fails.
PATIENCE = 10.0


def connect(port: int) -> socket.socket:
    return socket.create_connection(("127.0.0.1", port), timeout=PATIENCE)


def recvAll(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection."""
    data = bytearray()
    while chunk := sock.recv(65536):
        data += chunk
    return bytes(data)


def serve(protocol: Callable[..., Any], talk: Callable[[int], Any]) -> Any:
    server = ServerCore(protocol=protocol, port=0, host="127.0.0.1")
    sched = scheduler.run
    outcome: dict[str, Any] = {}

    def client() -> None:
        try:
            outcome["result"] = talk(server.port)
        except BaseException as exc:          # re-raised in the test's thread
            outcome["error"] = exc
        finally:
            sched.callFromThread(server.inboxes["control"].append, shutdownMicroprocess())

    overdue: list[bool] = []

    def giveUp() -> None:
        overdue.append(True)
        sched.stop()

    server.activate()
    peer = threading.Thread(target=client, name="test client", daemon=True)
    watchdog = sched.callLater(PATIENCE, giveUp)
    peer.start()
    try:
        sched.runThreads()
    finally:
        watchdog.cancel()
        peer.join(PATIENCE)
    assert not overdue, f"the server was still running after {PATIENCE} s"
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]
