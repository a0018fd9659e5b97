"""Child-process programs for the whiteboard benchmark (not a benchmark itself).

``python -m benchmarks._whiteboardwork hub`` runs a headless WhiteboardHub
serving on a free loopback port; ``... asyncio`` runs the baseline: an
asyncio ``Protocol`` relay that sends every line it gets to every other
connection (what a hand-written relay does, with nothing checked or drawn).
Each prints its port on the first line of standard output, then serves
until its standard input closes.
"""

from __future__ import annotations

import asyncio
import sys
import threading


def _hub() -> None:
    from Axon.Ipc import producerFinished
    from Axon.Scheduler import scheduler
    from Kamaelia.Apps.Whiteboard.Hub import WhiteboardHub

    hub = WhiteboardHub(serveport=0, host="127.0.0.1", web=False)
    print(hub.port, flush=True)

    def stopWhenStdinCloses() -> None:
        sys.stdin.read()
        scheduler.run.callFromThread(hub._deliver, producerFinished(), "control")

    threading.Thread(target=stopWhenStdinCloses, daemon=True).start()
    hub.activate()
    scheduler.run.runThreads()


class _Relay(asyncio.Protocol):
    peers: set["_Relay"] = set()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport          # type: ignore[assignment]
        self.buffer = b""
        self.peers.add(self)

    def connection_lost(self, exc: Exception | None) -> None:
        self.peers.discard(self)

    def data_received(self, data: bytes) -> None:
        data = self.buffer + data
        end = data.rfind(b"\n") + 1
        self.buffer = data[end:]
        if end:
            whole = data[:end]
            for peer in self.peers:
                if peer is not self:
                    peer.transport.write(whole)   # type: ignore[attr-defined]


async def _asyncioRelay() -> None:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(_Relay, "127.0.0.1", 0)
    print(server.sockets[0].getsockname()[1], flush=True)
    await loop.run_in_executor(None, sys.stdin.read)
    server.close()


if __name__ == "__main__":
    if sys.argv[1] == "hub":
        _hub()
    else:
        asyncio.run(_asyncioRelay())
