"""What the ``processes`` benchmark runs, in child processes too.

A module of its own, imported only when that benchmark runs: child processes
re-import the module that defines what they run (so it must import cleanly
and cheaply), and it imports Axon, which ``python -m benchmarks`` checks for
before importing any benchmark's work.
"""

from __future__ import annotations

import hashlib
import os
import zlib
from typing import Any, Iterator

from Axon.AxonExceptions import noSpaceInBox
from Axon.Component import component
from Axon.Ipc import producerFinished

BLOCK = 256 * 1024

#: Rounds of hashing per block; the parent calibrates it and passes it in the items.
DEFAULT_ROUNDS = 1


def makeBlocks(count: int, rounds: int) -> list[tuple[int, bytes]]:
    """``count`` blocks (half repetitive, half random), each with its hashing rounds."""
    return [(rounds, hashlib.sha256(bytes([n])).digest() * (BLOCK // 64) + os.urandom(BLOCK // 2))
            for n in range(count)]


def hashStage(item: tuple[int, bytes]) -> tuple[bytes, bytes]:
    """Stage 1: the block hashed ``rounds`` times over."""
    rounds, block = item
    digest = b""
    for _ in range(rounds):
        digest = hashlib.sha256(digest + block).digest()
    return digest, block


def compressStage(hashed: tuple[bytes, bytes]) -> tuple[bytes, int]:
    """Stage 2: the digest and the compressed size of the block."""
    digest, block = hashed
    return digest, len(zlib.compress(block, 6))


def calibrate() -> int:
    """Rounds of hashing that take about as long as compressing one block."""
    from time import perf_counter
    blocks = makeBlocks(3, 10)

    def timed(stage: Any, items: list[Any]) -> float:
        start = perf_counter()
        for item in items:
            stage(item)
        return perf_counter() - start

    timed(compressStage, [(b"", block) for _, block in blocks])        # warm up
    compress = min(timed(compressStage, [(b"", block) for _, block in blocks])
                   for _ in range(3))
    tenRounds = min(timed(hashStage, blocks) for _ in range(3))
    return max(1, round(10 * compress / tenRounds))


def poolWork(seed: int) -> int:
    """A few milliseconds of CPU for one item."""
    data = seed.to_bytes(8, "big") * 8192
    for _ in range(40):
        data = hashlib.sha256(data).digest() * 2048
    return zlib.crc32(data)


class Source(component):
    """Sends ``items`` as fast as the destination takes them (pausing while it
    is full), 100 per turn, then producerFinished."""

    def __init__(self, items: Any, **argd: Any) -> None:
        super().__init__(**argd)
        self.items = items

    def main(self) -> Iterator[Any]:
        for n, item in enumerate(self.items):
            while True:
                try:
                    self.send(item, "outbox")
                    break
                except noSpaceInBox:
                    self.pause()          # woken when the destination takes one
                    yield 1
            if n % 100 == 99:
                yield 1
        self.send(producerFinished(self), "signal")


class Counter(component):
    """Sends 0 .. n-1, 1000 per turn, then producerFinished (runs in a child)."""

    def __init__(self, n: int, **argd: Any) -> None:
        super().__init__(**argd)
        self.n = n

    def main(self) -> Iterator[Any]:
        send = self.send
        for start in range(0, self.n, 1000):
            for i in range(start, min(start + 1000, self.n)):
                send(i, "outbox")
            yield 1
        self.send(producerFinished(self), "signal")


class Sink(component):
    """Keeps what arrives; stops the scheduler on a shutdown message."""

    def __init__(self, **argd: Any) -> None:
        super().__init__(**argd)
        self.got: list[Any] = []

    def main(self) -> Iterator[Any]:
        got = self.got
        while not self.dataReady("control"):
            got.extend(self.Inbox("inbox"))
            self.pause()
            yield 1
        got.extend(self.Inbox("inbox"))
        self.scheduler.stop()
