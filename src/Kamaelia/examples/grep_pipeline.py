"""A grep-like pipeline: a file's lines filtered through a program.

    python examples/grep_pipeline.py [PATTERN [FILE]]

prints the lines of FILE that contain PATTERN (ignoring case), found by
running ``grep -i PATTERN`` as a component, then how grep ended. Without
arguments it searches a few lines it writes to a temporary file for "fox".

``MaxSpeedFileReader`` reads the file in its own thread; ``UnixProcess``
feeds what arrives to grep's standard input and sends grep's output on as
bytes, which the ``PureTransformer`` decodes (an incremental decoder, so a
character split between two pieces of output is still decoded right).
When the reader reaches the end of the file it sends ``producerFinished``;
``UnixProcess`` then closes grep's input, and once grep has ended it sends
``processExited``, carrying grep's exit status, down the pipeline, where
``ReportExit`` prints it.
"""
import codecs
import os
import sys
import tempfile
from typing import Iterator

from Axon.Component import component
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.File.MaxSpeedFileReader import MaxSpeedFileReader
from Kamaelia.File.UnixProcess import UnixProcess
from Kamaelia.Util.Console import ConsoleEchoer
from Kamaelia.Util.PureTransformer import PureTransformer

EXAMPLE_EXPECT = (
    "The quick brown fox\n"
    "A FOX in the henhouse\n"
    "('grep -i fox' exited with status 0)\n"
)

LINES = (
    "The quick brown fox\n"
    "jumps over the lazy dog.\n"
    "A FOX in the henhouse\n"
    "is no laughing matter.\n"
)


class ReportExit(component):
    """Prints how the program ended, when that news arrives on "control"."""

    def main(self) -> Iterator[int]:
        while not self.dataReady("control"):
            self.pause()
            yield 1
        print(f"({self.recv('control')})")


def grep(pattern: str, path: str) -> None:
    Pipeline(
        MaxSpeedFileReader(path),
        UnixProcess(["grep", "-i", pattern]),
        PureTransformer(codecs.getincrementaldecoder("utf-8")().decode),
        ConsoleEchoer(),
        ReportExit(),
    ).run()


if len(sys.argv) > 2:
    grep(sys.argv[1], sys.argv[2])
else:
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "lines.txt")
        with open(path, "w", encoding="utf-8") as f:
            f.write(LINES)
        grep(sys.argv[1] if len(sys.argv) > 1 else "fox", path)
