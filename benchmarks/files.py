"""files: copying a file, and piping data through a program, against the standard library.

What it measures
----------------
1. **File copy**: ``Pipeline(MaxSpeedFileReader(src), SimpleFileWriter(dst))``
   (default 1 MiB chunks) against ``shutil.copyfileobj`` between the same
   two files (opened the usual way, default buffer size). The figure is MB/s
   of file copied; target ours >= 0.5x copyfileobj. The same copy in 32 KiB
   chunks (1.14's default) is shown for context: each message handed from
   a thread costs some tens of microseconds, which small chunks multiply.
2. **Through a program**: the data as 64 KiB messages from a ``DataSource``
   through ``UnixProcess("cat")`` into a component that keeps what arrives,
   against ``subprocess.run(["cat"], input=data, capture_output=True)``.
   MB/s; target ours >= 0.5x subprocess.run.

Sizes: 256 MB copied and 100 MB through ``cat`` (``--quick``: 16 MB each).

Why the baselines are fair
--------------------------
Both sides of each pair do the same work from the same starting point: the
source file is written once, before timing, so both copies read it from the
page cache, and each copy writes a fresh destination (deleted, and the
disk synced, untimed, before the next run, so that no run is slowed by the
writeback of the one before); neither calls ``fsync``. ``subprocess.run`` gets the
data as one ``bytes`` and returns the output as one ``bytes``; ours gets it
as messages and keeps the messages (joining them is not timed, nor is the
check). Program start-up is timed on both sides. Every run checks its
result: the copy's size and a sample of its bytes, and that the program's
output equals the input; a wrong result fails the benchmark.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from time import perf_counter
from typing import Any, Iterator

from .harness import Row, fresh_scheduler, interleave

NAME = "files"
TARGET = 0.5          # ours >= 0.5x the standard library, for both

MiB = 1 << 20
PIECE = 65536


def makeSource(folder: str, size: int) -> tuple[str, bytes]:
    """A file of ``size`` bytes, every MiB different; returns its path and a sample."""
    path = os.path.join(folder, "source.bin")
    block = bytearray(os.urandom(MiB))
    with open(path, "wb") as out:
        for n in range(size // MiB):
            block[:8] = n.to_bytes(8, "little")
            out.write(block)
    return path, bytes(block)


def checkCopy(name: str, path: str, size: int, lastBlock: bytes) -> None:
    assert os.path.getsize(path) == size, f"{name}: the copy has the wrong size"
    with open(path, "rb") as copy:
        copy.seek(size - MiB)
        assert copy.read() == lastBlock, f"{name}: the copy's last MiB differs"


def copyOurs(source: str, target: str, chunksize: int) -> float:
    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.File.MaxSpeedFileReader import MaxSpeedFileReader
    from Kamaelia.File.Writing import SimpleFileWriter
    fresh_scheduler()
    system = Pipeline(MaxSpeedFileReader(source, chunksize=chunksize), SimpleFileWriter(target))
    start = perf_counter()
    system.run()
    return perf_counter() - start


def copyShutil(source: str, target: str) -> float:
    start = perf_counter()
    with open(source, "rb") as fsrc, open(target, "wb") as fdst:
        shutil.copyfileobj(fsrc, fdst)
    return perf_counter() - start


def _keeperClass() -> Any:
    from Axon.Component import component

    class Keeper(component):
        """Keeps every message; ends on the shutdown message it is sent."""

        def __init__(self) -> None:
            super().__init__()
            self.got: list[bytes] = []

        def main(self) -> Iterator[Any]:
            while not self.dataReady("control"):
                self.got.extend(self.Inbox("inbox"))
                self.pause()
                yield 1
            self.got.extend(self.Inbox("inbox"))
            self.ended = self.recv("control")

    return Keeper


def catOurs(pieces: list[bytes], data: bytes) -> float:
    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.File.UnixProcess import UnixProcess
    from Kamaelia.Util.DataSource import DataSource
    fresh_scheduler()
    keeper = _keeperClass()()
    system = Pipeline(DataSource(pieces), UnixProcess("cat"), keeper)
    start = perf_counter()
    system.run()
    elapsed = perf_counter() - start
    assert getattr(keeper.ended, "returncode", None) == 0, f"UnixProcess: {keeper.ended}"
    assert b"".join(keeper.got) == data, "UnixProcess: the output differs from the input"
    return elapsed


def catSubprocess(data: bytes) -> float:
    start = perf_counter()
    done = subprocess.run(["cat"], input=data, capture_output=True, check=True)
    elapsed = perf_counter() - start
    assert done.stdout == data, "subprocess.run: the output differs from the input"
    return elapsed


def rows(size: int, samples: dict[str, list[float]], labels: dict[str, str], ours: str,
         baseline: str, what: str) -> list[Row]:
    """MB/s per contender, then ours/baseline against the target."""
    rates = {name: [size / 1e6 / t for t in times] for name, times in samples.items()}
    best = {name: max(values) for name, values in rates.items()}
    result = [Row(labels[name], best[name], "MB/s", rates[name]) for name in samples]
    ratio = best[ours] / best[baseline]
    result.append(Row(f"ratio {what}", ratio, "x", target=f">= {TARGET:g}x",
                      ok=ratio >= TARGET))
    return result


def run(quick: bool, reps: int) -> list[Row]:
    copySize = (16 if quick else 256) * MiB
    catSize = (16 if quick else 100) * MiB
    with tempfile.TemporaryDirectory(prefix="kamaelia-bench-") as folder:
        source, lastBlock = makeSource(folder, copySize)
        target = os.path.join(folder, "copy.bin")

        def copying(copy: Any, name: str) -> Any:
            def timed() -> float:
                if os.path.exists(target):
                    os.unlink(target)
                os.sync()         # no run pays for the writeback of the one before
                elapsed = copy()
                checkCopy(name, target, copySize, lastBlock)
                return elapsed
            return timed

        copies = interleave(reps, {
            "ours": copying(lambda: copyOurs(source, target, MiB), "reader+writer"),
            "ours32k": copying(lambda: copyOurs(source, target, 32768), "reader+writer 32k"),
            "shutil": copying(lambda: copyShutil(source, target), "copyfileobj"),
        })
    data = os.urandom(catSize)
    pieces = [data[i:i + PIECE] for i in range(0, catSize, PIECE)]
    cats = interleave(reps, {
        "ours": lambda: catOurs(pieces, data),
        "subprocess": lambda: catSubprocess(data),
    })
    copyRows = rows(copySize, copies, {
        "ours": f"copy {copySize // MiB} MiB: reader+writer (1 MiB chunks)",
        "ours32k": "copy: reader+writer, 32 KiB chunks",
        "shutil": "copy: shutil.copyfileobj",
    }, "ours", "shutil", "reader+writer / copyfileobj")
    catRows = rows(catSize, cats, {
        "ours": f"{catSize // MiB} MiB through UnixProcess('cat')",
        "subprocess": "subprocess.run(['cat'], input=...)",
    }, "ours", "subprocess", "UnixProcess / subprocess.run")
    return copyRows + catRows
