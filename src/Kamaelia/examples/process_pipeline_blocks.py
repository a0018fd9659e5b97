"""Hash, then compress, blocks of data: once as a Pipeline, once as a ProcessPipeline.

Two CPU-bound stages. As a ``Pipeline`` both run in this process, one after
the other; as a ``ProcessPipeline`` each runs in a process of its own, so on
a machine with two cores they work at the same time. The output is the same
either way, which the program checks before printing it.

The stage functions are defined at the top level of this module, and the
systems are started under ``if __name__ == "__main__":``: each child process
re-imports this module to find them (without running the systems again).
"""

from __future__ import annotations

import hashlib
import random
import zlib
from typing import Any, Iterator

from Axon.Component import component
from Axon.Ipc import shutdownRequest
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.Chassis.Process import ProcessPipeline
from Kamaelia.Util.DataSource import DataSource
from Kamaelia.Util.PureTransformer import PureTransformer

EXAMPLE_STDIN = ""
EXAMPLE_EXPECT = """\
block 0: sha256 e3859326104df59b, 65536 -> 32880 bytes, crc 1d031fa2
block 1: sha256 fe9a23259241843f, 65536 -> 32882 bytes, crc 1d7b451a
block 2: sha256 072acc9da5024c9b, 65536 -> 32898 bytes, crc 1c1cf13c
block 3: sha256 74bea7d7a9f4b5a2, 65536 -> 32892 bytes, crc 26e3a9c6
block 4: sha256 ae26d515e7ec0581, 65536 -> 32879 bytes, crc 9e9c4953
block 5: sha256 5a81390969091e41, 65536 -> 32874 bytes, crc d610a03b
same output from Pipeline and ProcessPipeline
"""

BLOCK_SIZE = 64 * 1024
HASH_ROUNDS = 20


def makeBlocks(count: int) -> list[tuple[int, bytes]]:
    """``count`` numbered blocks of half-random, half-repetitive bytes."""
    rng = random.Random(2024)
    return [(n, rng.randbytes(BLOCK_SIZE // 2) + bytes([n]) * (BLOCK_SIZE // 2))
            for n in range(count)]


def hashBlock(numbered: tuple[int, bytes]) -> tuple[int, bytes, str]:
    """Stage 1: a deliberately slow digest (the block hashed HASH_ROUNDS times)."""
    n, block = numbered
    digest = b""
    for _ in range(HASH_ROUNDS):
        digest = hashlib.sha256(digest + block).digest()
    return n, block, digest.hex()[:16]


def compressBlock(hashed: tuple[int, bytes, str]) -> str:
    """Stage 2: compress the block hard; describe the result in one line."""
    n, block, digest = hashed
    packed = zlib.compress(block, 9)
    return (f"block {n}: sha256 {digest}, {len(block)} -> {len(packed)} bytes, "
            f"crc {zlib.crc32(packed):08x}")


class Lines(component):
    """Keeps every line that arrives; ends on a shutdown message."""

    def __init__(self, **argd: Any) -> None:
        super().__init__(**argd)
        self.lines: list[str] = []

    def main(self) -> Iterator[Any]:
        while True:
            self.lines.extend(self.Inbox("inbox"))
            request = shutdownRequest(self)
            if request is not None:
                self.lines.extend(self.Inbox("inbox"))
                self.send(request, "signal")    # pass it on, then end
                return
            if not self.anyReady():
                self.pause()
            yield 1


def run(chassis: type) -> list[str]:
    """The lines the two stages make of the blocks, wired by ``chassis``."""
    sink = Lines()
    Pipeline(
        DataSource(makeBlocks(6)),
        chassis(PureTransformer(hashBlock), PureTransformer(compressBlock)),
        sink,
    ).run()
    return sink.lines


if __name__ == "__main__":
    inOneProcess = run(Pipeline)
    inThree = run(ProcessPipeline)
    for line in inThree:
        print(line)
    if inThree == inOneProcess:
        print("same output from Pipeline and ProcessPipeline")
    else:
        print("the outputs differ!")
