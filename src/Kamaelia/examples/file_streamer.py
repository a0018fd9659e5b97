"""Stream a text file to the console at a controlled rate.

    python examples/file_streamer.py [FILE [LINES_PER_SECOND]]

prints FILE a line at a time, LINES_PER_SECOND lines a second (default 20),
then exits. Without FILE it writes a short poem to a temporary file and
streams that.

``RateControlledFileReader`` is a ``PromptedFileReader`` driven by a
``ByteRate_RequestControl``, which asks for ``chunksize`` lines every
``chunksize / rate`` seconds; the reader reads from disk in its own thread,
so a slow disk never holds up the rest of the system. At the end of the
file the reader sends ``producerFinished``; the ``ConsoleEchoer`` passes it
on and ends, and ``run()`` returns.
"""
import os
import sys
import tempfile

from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.File.Reading import RateControlledFileReader
from Kamaelia.Util.Console import ConsoleEchoer

POEM = EXAMPLE_EXPECT = (
    "The file streams out\n"
    "one line at a time, paced by\n"
    "a clock, not a loop.\n"
)


def stream(path: str, linesPerSecond: float) -> None:
    Pipeline(
        RateControlledFileReader(path, "lines", rate=linesPerSecond, chunksize=1),
        ConsoleEchoer(),
    ).run()


if len(sys.argv) > 1:
    stream(sys.argv[1], float(sys.argv[2]) if len(sys.argv) > 2 else 20)
else:
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "poem.txt")
        with open(path, "w", encoding="utf-8") as f:
            f.write(POEM)
        stream(path, 20)
