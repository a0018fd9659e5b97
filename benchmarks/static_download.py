"""http-static: downloading a 1 GB file, Minimal against aiohttp's FileResponse; server memory.

What it measures
----------------
A file of 1 GiB (64 MiB with ``--quick``) of real bytes (a 1,000,003-byte
random block written over and over: not sparse, so every byte is read
from the page cache and sent) in a temporary folder, with a 14-byte
``small.txt`` beside it. Two servers of that folder, each in a child
process of its own, fresh for every repetition:

* ours: ``ServerCore(protocol=lambda **info: HTTPServer(handler), port=0,
  host="127.0.0.1")`` with ``handler = createRequestHandler([("/",
  MinimalFactory(indexfilename=None, homedirectory=folder))])``
  (:mod:`Kamaelia.Protocol.HTTP.Handlers.Minimal`, its defaults);
* aiohttp: ``app.router.add_static("/", folder)``, aiohttp's own way of
  serving a folder, which answers with a ``web.FileResponse`` (and so with
  ``loop.sendfile``: the kernel copies the file to the socket), served by
  ``web.AppRunner`` and a ``web.SockSite`` on the default asyncio loop.

Each run: ``GET /small.txt`` first (the server's first request pays for its
lazy set-up, e.g. reader threads, not the download), then the server's
resident memory is read (*idle*, ``VmRSS``) and its peak reset
(``/proc/PID/clear_refs``, as :mod:`benchmarks.server_memory` does), then
**one download** of the big file on a new connection: the load generator
(:func:`benchmarks._httpload.download`, in this process) sends the ``GET``,
checks the head (200, ``Content-Length``) and every byte of the body
against the pattern, and the time runs from the request to the last byte.
Figures: MB/s (10^6 bytes per second), best of the repetitions, and the
server's peak memory during the download above idle (``VmHWM`` - idle),
the highest of the repetitions (the worst case is what "flat" is about).
Context rows: the CPU % of a core used during the download by the server
(the whole process, its reader threads included) and by the client, which
show which of the two was the limit.

Targets: ours >= 0.8x aiohttp's MB/s, and **flat memory**: ours peaks less
than 32 MB above idle however big the file is (the file is 1 GiB in the
full run; with ``--quick``, 64 MiB, where the memory target says less).

Why it is fair
--------------
The same file, the same client and checks, the same run, both servers
started the same way (:func:`benchmarks.echo_server.serverProcess`) and
warmed up by the same small request; the file is in the page cache for
both (it was just written, and the machine has the memory to keep it).
aiohttp's static route is the way its documentation serves files, on its
defaults (sendfile on; no uvloop); its access log is off, as ours logs no
access line. One download at a time is the case that shows the server's
own speed: the client is a single ``recv(256 KiB)`` loop, and
with several downloads it, not the server, would be the limit sooner.
The client's check is a ``memcmp`` per piece and costs little next to the
``recv`` copies.
"""

from __future__ import annotations

import os
import random
import tempfile
from functools import partial
from typing import Callable

from ._httpload import against, download
from .echo_server import serverProcess
from .harness import Row, interleave
from .http_server import aiohttpMain, requireModules
from .server_memory import memoryKB, resetPeak

NAME = "http-static"

RATIO_TARGET = 0.8
MEMORY_TARGET_MB = 32.0

FILE_SIZE = 1 << 30
QUICK_FILE_SIZE = 64 << 20
#: The file is this block over and over (a prime length: pieces never line up with it).
BLOCK_SIZE = 1_000_003
SMALL = b"Hello, world!\n"
FILES = 64

KINDS = {"ours": "ServerCore + HTTPServer + Minimal",
         "aiohttp": "aiohttp add_static (FileResponse)"}

OUR_MODULES = ("Kamaelia.Protocol.HTTP.HTTPServer", "Kamaelia.Protocol.HTTP.HTTPResourceGlue",
               "Kamaelia.Protocol.HTTP.Handlers.Minimal")


# ------------------------------------------------------------ the servers
def _serveOurs(folder: str, announce: Callable[[int], None], socketBuffer: int | None) -> None:
    from Axon.Scheduler import scheduler
    from Kamaelia.Chassis.ConnectedServer import ServerCore
    from Kamaelia.Protocol.HTTP.Handlers.Minimal import MinimalFactory
    from Kamaelia.Protocol.HTTP.HTTPResourceGlue import createRequestHandler
    from Kamaelia.Protocol.HTTP.HTTPServer import HTTPServer

    handler = createRequestHandler([("/", MinimalFactory(indexfilename=None,
                                                         homedirectory=folder))])
    server = ServerCore(protocol=lambda **info: HTTPServer(handler), port=0, host="127.0.0.1")
    server.activate()
    announce(server.port)
    scheduler.run.runThreads()


def _serveAiohttp(folder: str, announce: Callable[[int], None],
                  socketBuffer: int | None) -> None:
    from aiohttp import web
    app = web.Application()
    app.router.add_static("/", folder)
    aiohttpMain(announce, app)


_SERVE = {"ours": _serveOurs, "aiohttp": _serveAiohttp}


# -------------------------------------------------------------------- run
def writeFile(path: str, size: int, block: bytes) -> None:
    """``size`` bytes of ``block`` repeated, really written (not sparse)."""
    with open(path, "wb") as out:
        left = size
        while left:
            piece = block[:left]
            out.write(piece)
            left -= len(piece)


def measure(kind: str, folder: str, size: int, block: bytes,
            peaks: dict[str, list[float]], usage: dict[str, list[float]]) -> float:
    """One run: a fresh ``kind`` server; the download's seconds.

    The server's peak memory above idle during it (MB) goes in
    ``peaks[kind]``, the CPU % of a core used by the server and by the
    client in ``usage[kind]`` and ``usage["client " + kind]``.
    """
    with serverProcess(kind, FILES, benchmark=NAME, serve=partial(_SERVE[kind], folder),
                       label=KINDS[kind]) as server:
        pid = server.process.pid
        with against(KINDS[kind]):
            download(server.port, "/small.txt", len(SMALL), SMALL)
        idle = memoryKB(pid)["VmRSS"]
        resetPeak(pid)
        serverCpu = server.cpu()
        with against(KINDS[kind]):
            seconds, clientCpu = download(server.port, "/big.bin", size, block)
        serverCpu = server.cpu() - serverCpu
        peak = memoryKB(pid)["VmHWM"]
    peaks.setdefault(kind, []).append((peak - idle) / 1024)
    usage.setdefault(kind, []).append(100.0 * serverCpu / seconds)
    usage.setdefault("client " + kind, []).append(100.0 * clientCpu / seconds)
    return seconds


def run(quick: bool, reps: int) -> list[Row]:
    requireModules(OUR_MODULES, NAME)
    size = QUICK_FILE_SIZE if quick else FILE_SIZE
    block = random.Random(13).randbytes(BLOCK_SIZE)
    peaks: dict[str, list[float]] = {}
    usage: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="kamaelia-bench-") as folder:
        with open(os.path.join(folder, "small.txt"), "wb") as small:
            small.write(SMALL)
        writeFile(os.path.join(folder, "big.bin"), size, block)
        samples = interleave(reps, {
            kind: partial(measure, kind, folder, size, block, peaks, usage) for kind in KINDS
        }, warmup=False)   # each run starts a fresh server, warmed up by small.txt
    rates = {kind: [size / seconds / 1e6 for seconds in samples[kind]] for kind in KINDS}
    best = {kind: max(values) for kind, values in rates.items()}
    ratio = best["ours"] / best["aiohttp"]
    mib = size >> 20
    worst = {kind: max(values) for kind, values in peaks.items()}
    rows = [Row(f"{KINDS['ours']}, one download of {mib:,} MiB", best["ours"], "MB/s",
                rates["ours"]),
            Row(f"{KINDS['aiohttp']}, same", best["aiohttp"], "MB/s", rates["aiohttp"]),
            Row("ratio ours / aiohttp", ratio, "x", target=f">= {RATIO_TARGET:g}x",
                ok=ratio >= RATIO_TARGET),
            Row("ours, server peak memory above idle during the download (highest)",
                worst["ours"], "MB", peaks["ours"], target=f"< {MEMORY_TARGET_MB:g} MB (flat)",
                ok=worst["ours"] < MEMORY_TARGET_MB),
            Row("aiohttp, same (context)", worst["aiohttp"], "MB", peaks["aiohttp"])]
    for kind in KINDS:          # who was the limit: the server, or the client
        rows.append(Row(f"{kind}: server CPU during the download (context)",
                        max(usage[kind]), "% of a core", usage[kind]))
        rows.append(Row(f"{kind}: client CPU during the download (context)",
                        max(usage["client " + kind]), "% of a core", usage["client " + kind]))
    return rows
