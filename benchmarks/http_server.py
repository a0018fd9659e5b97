"""http-small: small HTTP responses on 100 keep-alive connections, against aiohttp; and idle.

What it measures
----------------
1. **Requests per second, 100 keep-alive connections** (the same with
   ``--quick``), one ``GET /`` in flight on each. Two servers, each in a
   child process of its own:

   * ours: ``ServerCore(protocol=lambda **info: HTTPServer(handler), port=0,
     host="127.0.0.1")`` with ``handler = createRequestHandler([("/",
     SmallResponse)])`` (:mod:`Kamaelia.Protocol.HTTP.HTTPResourceGlue`),
     where ``SmallResponse`` is a handler written the 1.14 way: a component
     made with the request dict that sends ``{"statuscode": "200", "type":
     "text/plain", "length": len(BODY), "data": BODY}`` on "outbox" and
     ``producerFinished`` on "signal"; run by ``scheduler.run.runThreads()``;
   * aiohttp: a ``web.Application`` with ``router.add_get("/", handler)``,
     the handler returning ``web.Response(body=BODY,
     content_type="text/plain")``, served by ``web.AppRunner`` and a
     ``web.SockSite`` on the default asyncio loop.

   ``BODY`` is the same 14 bytes for both. The load generator
   (:class:`benchmarks._httpload.HTTPRequests`, in this process) opens the
   connections in waves of 50, each doing one request, then runs them all
   at once: send ``GET / HTTP/1.1`` (Host, User-Agent, Accept), read the
   whole response, check it (status 200, the body byte for byte, nothing
   extra, no ``Connection: close``), send the next. After a warm-up
   (0.5 s; 0.2 s with ``--quick``) it counts the responses in a fixed
   window of 2 s (0.5 s with ``--quick``). Any wrong response, a closed
   connection or no progress for 10 s fails the run. Each repetition
   starts fresh server processes, the two interleaved; the best of each
   is shown. Target: ours >= 1x aiohttp.
2. **Idle server**: our server in a child process holding 100 keep-alive
   connections open (each has had one response, then stays quiet); after
   0.5 s to settle, the child's CPU time over 5 s (1 s with ``--quick``),
   as a percentage of one core (read as :mod:`benchmarks.echo_server`
   does). The connections must still be open and silent afterwards.
   Target: under 1%.

Why it is fair
--------------
The same load generator drives both servers in the same run, with the same
requests, checks, connection count and window; both servers are started
the same way (:func:`benchmarks.echo_server.serverProcess`: a fork server
with Axon preloaded, glibc's malloc evened out, alone in their process)
and route the request by its path before calling a handler that returns a
fixed body with its length. aiohttp runs as its documentation shows
(``AppRunner`` + a site), with its C HTTP parser (the one its wheels
ship) on the default asyncio loop, no uvloop; its access log is switched
off (``access_log=None``), as ours logs no access line. The generator is
one ``selectors`` loop over non-blocking sockets, a few microseconds of
CPU per request; its busiest window is shown as a context row, so a run
where it, rather than the server, was the limit is visible (as are the
servers' own CPU % of a core in the windows: a server at 100% was the limit).
"""

from __future__ import annotations

import socket
import time
from functools import partial
from typing import Any, Callable

from ._httpload import HTTPRequests, LoadError, against
from .echo_server import ensureFileLimit, serverProcess
from .harness import Row, interleave

NAME = "http-small"

RATIO_TARGET = 1.0
IDLE_TARGET_PERCENT = 1.0

BODY = b"Hello, world!\n"
CONNECTIONS = 100
IDLE_SETTLE = 0.5
#: Descriptors needed beyond one per connection.
SPARE_FILES = 64

KINDS = {"ours": "ServerCore + HTTPServer + 1.14-style handler",
         "aiohttp": "aiohttp web.Response"}

#: The modules ours needs; a clear error if they are not there.
OUR_MODULES = ("Kamaelia.Protocol.HTTP.HTTPServer", "Kamaelia.Protocol.HTTP.HTTPResourceGlue")


def requireModules(modules: tuple[str, ...], benchmark: str) -> None:
    """Import ``modules`` or raise :class:`LoadError` saying which is missing."""
    import importlib
    for module in modules:
        try:
            importlib.import_module(module)
        except ImportError as error:
            raise LoadError(f"{benchmark}: our server needs {module}, which does not "
                            f"import ({error}); build it first") from error


# ------------------------------------------------------------ the servers
# In the child process: listen on 127.0.0.1, port 0, announce(port), serve.

def _serveOurs(announce: Callable[[int], None], socketBuffer: int | None) -> None:
    from Axon.Component import component
    from Axon.Ipc import producerFinished
    from Axon.Scheduler import scheduler
    from Kamaelia.Chassis.ConnectedServer import ServerCore
    from Kamaelia.Protocol.HTTP.HTTPResourceGlue import createRequestHandler
    from Kamaelia.Protocol.HTTP.HTTPServer import HTTPServer

    class SmallResponse(component):
        """A request handler as 1.14 applications write them."""

        def __init__(self, request: dict) -> None:
            super().__init__()
            self.request = request

        def main(self):  # type: ignore[no-untyped-def]
            self.send({"statuscode": "200", "type": "text/plain", "length": len(BODY),
                       "data": BODY}, "outbox")
            self.send(producerFinished(self), "signal")
            yield 1

    handler = createRequestHandler([("/", SmallResponse)])
    server = ServerCore(protocol=lambda **info: HTTPServer(handler), port=0, host="127.0.0.1")
    server.activate()
    announce(server.port)
    scheduler.run.runThreads()


def aiohttpMain(announce: Callable[[int], None], app: Any) -> None:
    """Serve the aiohttp ``app`` on 127.0.0.1, a free port, until killed."""
    import asyncio

    from aiohttp import web

    async def main() -> None:
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", 0))
        site = web.SockSite(runner, listener, backlog=socket.SOMAXCONN)
        await site.start()
        announce(listener.getsockname()[1])
        await asyncio.Event().wait()

    asyncio.run(main())


def _serveAiohttp(announce: Callable[[int], None], socketBuffer: int | None) -> None:
    from aiohttp import web

    async def hello(request: web.Request) -> web.Response:
        return web.Response(body=BODY, content_type="text/plain")

    app = web.Application()
    app.router.add_get("/", hello)
    aiohttpMain(announce, app)


_SERVE = {"ours": _serveOurs, "aiohttp": _serveAiohttp}


# -------------------------------------------------------------------- run
def requestRate(kind: str, warmup: float, window: float,
                usage: dict[str, list[float]]) -> float:
    """One run: a fresh ``kind`` server, 100 connections; responses per second.

    The CPU % of a core used in the window by the server and by the
    generator are appended to ``usage[kind]`` and ``usage["generator"]``.
    """
    with serverProcess(kind, CONNECTIONS + SPARE_FILES, benchmark=NAME, serve=_SERVE[kind],
                       label=KINDS[kind]) as server, \
            HTTPRequests(server.port, CONNECTIONS, "/", BODY) as load, against(KINDS[kind]):
        load.connect()
        cpu: dict[str, float] = {}
        rate = load.measure(warmup, window, server, cpu)
    usage.setdefault(kind, []).append(cpu["server"])
    usage.setdefault("generator", []).append(cpu["generator"])
    # CPU time per request: steadier than the rate on a shared machine,
    # where a server may get less than the core it could use.
    usage.setdefault(f"{kind} per request", []).append(1e4 * cpu["server"] / rate)
    return rate


def idleServerCpu(seconds: float) -> float:
    """Our server holding 100 quiet keep-alive connections: its CPU % of a core."""
    with serverProcess("ours", CONNECTIONS + SPARE_FILES, benchmark=NAME,
                       serve=_serveOurs, label=KINDS["ours"]) as server, \
            HTTPRequests(server.port, CONNECTIONS, "/", BODY) as load, against(KINDS["ours"]):
        load.connect()                       # one response each, then quiet
        time.sleep(IDLE_SETTLE)
        cpu0, wall0 = server.cpu(), time.perf_counter()
        time.sleep(seconds)                  # the thing being measured: nothing happening
        cpu1, wall1 = server.cpu(), time.perf_counter()
        load.assertQuiet()                   # still open, nothing sent unasked
    return 100.0 * (cpu1 - cpu0) / (wall1 - wall0)


def run(quick: bool, reps: int) -> list[Row]:
    requireModules(OUR_MODULES, NAME)
    warmup, window = (0.2, 0.5) if quick else (0.5, 2.0)
    idleSeconds = 1.0 if quick else 5.0
    ensureFileLimit(CONNECTIONS + SPARE_FILES)

    usage: dict[str, list[float]] = {}
    samples = interleave(reps, {
        kind: partial(requestRate, kind, warmup, window, usage) for kind in KINDS
    }, warmup=False)   # each run starts a fresh server and warms it up before its window
    rates = {kind: [rate / 1e3 for rate in samples[kind]] for kind in KINDS}
    best = {kind: max(values) for kind, values in rates.items()}
    ratio = best["ours"] / best["aiohttp"]
    rows = [Row(f"{KINDS['ours']}, {CONNECTIONS} keep-alive connections, {len(BODY)} B body",
                best["ours"], "k req/s", rates["ours"]),
            Row(f"{KINDS['aiohttp']}, same", best["aiohttp"], "k req/s", rates["aiohttp"]),
            Row("ratio ours / aiohttp", ratio, "x", target=f">= {RATIO_TARGET:g}x",
                ok=ratio >= RATIO_TARGET),
            Row("server CPU in the window, ours (context)", max(usage["ours"]),
                "% of a core", usage["ours"]),
            Row("server CPU in the window, aiohttp (context)", max(usage["aiohttp"]),
                "% of a core", usage["aiohttp"]),
            Row("server CPU per request, ours (context)", min(usage["ours per request"]),
                "us", usage["ours per request"]),
            Row("server CPU per request, aiohttp (context)", min(usage["aiohttp per request"]),
                "us", usage["aiohttp per request"]),
            Row(f"load generator CPU, busiest of the {len(usage['generator'])} windows "
                "(context)", max(usage["generator"]), "% of a core")]

    idle = idleServerCpu(idleSeconds)
    rows.append(Row(f"ours idle, {CONNECTIONS} open keep-alive connections, {idleSeconds:g} s",
                    idle, "% of a core", target=f"< {IDLE_TARGET_PERCENT:g}%",
                    ok=idle < IDLE_TARGET_PERCENT))
    return rows
