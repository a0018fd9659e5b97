"""websocket-echo: WebSocket echo on 100 connections, against the websockets library.

What it measures
----------------
Messages echoed per second on 100 WebSocket connections (the same with
``--quick``), one 64-byte text message in flight on each. Two servers, each
in a child process of its own, fresh for every repetition:

* ours: ``WebSocketServer(EchoProtocol, port=0, host="127.0.0.1",
  path="/")`` (:mod:`Kamaelia.Protocol.WebSocket`, its defaults): the
  user's component is Kamaelia's plain ``EchoProtocol``, which sends every
  message on its "inbox" back out of its "outbox"; run by
  ``scheduler.run.runThreads()``;
* websockets: ``websockets.asyncio.server.serve(echo, "127.0.0.1", 0)``
  with the handler of its documentation, ``async for message in
  websocket: await websocket.send(message)``, on the default asyncio loop.

The load generator (:class:`benchmarks._httpload.WebSocketEcho`, in this
process) is the same raw-socket client for both: it opens the connections
in waves of 50 (the opening handshake, ``Sec-WebSocket-Accept`` checked,
then one echo each), then runs them all at once: send a masked text frame
(a fresh random mask each time) holding the connection number, a
sequence number and padding, read the echo (an unmasked text frame),
compare it byte for byte, send the next; pings are answered. After a
warm-up (0.5 s; 0.2 s with ``--quick``) it counts the echoes in a fixed
window of 2 s (0.5 s with ``--quick``). A wrong echo, a closed connection
or no progress for 10 s fails the run. The best run of each server is
shown. Target: ours >= 1x websockets.

Why it is fair
--------------
The same client, messages, checks and window drive both servers in the
same run; both are started the same way
(:func:`benchmarks.echo_server.serverProcess`) and both run on their
defaults. The client offers no extension, so neither compresses (both
would negotiate permessage-deflate if offered), and both servers validate
the UTF-8 of every text message and unmask every frame (websockets with
its C speed-ups, ours through wsproto). The generator is one ``selectors``
loop over non-blocking sockets; its busiest window is a context row, and so
are the servers' CPU % of a core in the windows (at 100% the server was the
limit; well under it, the run was held back by the machine's cross-CPU
wake-ups, as in :mod:`benchmarks.echo_server`).
"""

from __future__ import annotations

from functools import partial
from typing import Callable

from ._httpload import WebSocketEcho, against
from .echo_server import ensureFileLimit, serverProcess
from .harness import Row, interleave
from .http_server import requireModules

NAME = "websocket-echo"

RATIO_TARGET = 1.0
CONNECTIONS = 100
SPARE_FILES = 64

KINDS = {"ours": "WebSocketServer + EchoProtocol",
         "websockets": "websockets asyncio server"}

OUR_MODULES = ("Kamaelia.Protocol.WebSocket",)


# ------------------------------------------------------------ the servers
def _serveOurs(announce: Callable[[int], None], socketBuffer: int | None) -> None:
    from Axon.Scheduler import scheduler
    from Kamaelia.Protocol.EchoProtocol import EchoProtocol
    from Kamaelia.Protocol.WebSocket import WebSocketServer

    server = WebSocketServer(EchoProtocol, port=0, host="127.0.0.1", path="/")
    server.activate()
    announce(server.port)
    scheduler.run.runThreads()


def _serveWebsockets(announce: Callable[[int], None], socketBuffer: int | None) -> None:
    import asyncio

    from websockets.asyncio.server import ServerConnection, serve

    async def echo(websocket: ServerConnection) -> None:
        async for message in websocket:
            await websocket.send(message)

    async def main() -> None:
        async with serve(echo, "127.0.0.1", 0) as server:
            announce(next(iter(server.sockets)).getsockname()[1])
            await server.serve_forever()

    asyncio.run(main())


_SERVE = {"ours": _serveOurs, "websockets": _serveWebsockets}


# -------------------------------------------------------------------- run
def echoRate(kind: str, warmup: float, window: float, usage: dict[str, list[float]]) -> float:
    """One run: a fresh ``kind`` server, 100 connections; echoes per second.

    The CPU % of a core used in the window by the server and by the
    generator are appended to ``usage[kind]`` and ``usage["generator"]``.
    """
    with serverProcess(kind, CONNECTIONS + SPARE_FILES, benchmark=NAME, serve=_SERVE[kind],
                       label=KINDS[kind]) as server, \
            WebSocketEcho(server.port, CONNECTIONS, "/") as load, against(KINDS[kind]):
        load.connect()
        cpu: dict[str, float] = {}
        rate = load.measure(warmup, window, server, cpu)
    usage.setdefault(kind, []).append(cpu["server"])
    usage.setdefault("generator", []).append(cpu["generator"])
    return rate


def run(quick: bool, reps: int) -> list[Row]:
    requireModules(OUR_MODULES, NAME)
    warmup, window = (0.2, 0.5) if quick else (0.5, 2.0)
    ensureFileLimit(CONNECTIONS + SPARE_FILES)
    usage: dict[str, list[float]] = {}
    samples = interleave(reps, {
        kind: partial(echoRate, kind, warmup, window, usage) for kind in KINDS
    }, warmup=False)   # each run starts a fresh server and warms it up before its window
    rates = {kind: [rate / 1e3 for rate in samples[kind]] for kind in KINDS}
    best = {kind: max(values) for kind, values in rates.items()}
    ratio = best["ours"] / best["websockets"]
    return [Row(f"{KINDS['ours']}, {CONNECTIONS} connections, "
                f"{WebSocketEcho.SIZE} B text messages", best["ours"], "k msg/s", rates["ours"]),
            Row(f"{KINDS['websockets']}, same", best["websockets"], "k msg/s",
                rates["websockets"]),
            Row("ratio ours / websockets", ratio, "x", target=f">= {RATIO_TARGET:g}x",
                ok=ratio >= RATIO_TARGET),
            Row("server CPU in the window, ours (context)", max(usage["ours"]),
                "% of a core", usage["ours"]),
            Row("server CPU in the window, websockets (context)", max(usage["websockets"]),
                "% of a core", usage["websockets"]),
            Row(f"load generator CPU, busiest of the {len(usage['generator'])} windows "
                "(context)", max(usage["generator"]), "% of a core")]
