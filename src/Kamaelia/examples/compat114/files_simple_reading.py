"""Reading a file line by line, then again at a limited rate (mirrors 1.14's
Examples/Files, SimpleReading.py).

    python examples/compat114/files_simple_reading.py

As in 1.14's example, three pipelines run one after the other: a
``SimpleReader`` sending the file a line at a time to a ``ConsoleEchoer``;
the same through ``MessageRateLimit(2, 1, hardlimit=0)`` (two lines a
second); and through ``MessageRateLimit(4, 1, hardlimit=1)`` (1.14's third
pass was half a line a second: this one is quicker, and its reader may run
only one line ahead). 1.14's read ``/etc/fstab``; this reads a little file
of its own, in a temporary folder. It prints::

    pass 1
    Reading, line by line.
    One more line.
    pass 2
    Reading, line by line.
    One more line.
    pass 3
    Reading, line by line.
    One more line.
"""

import os
import shutil
import tempfile

from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.File.Reading import SimpleReader
from Kamaelia.Util.Console import ConsoleEchoer
from Kamaelia.Util.RateFilter import MessageRateLimit

EXAMPLE_STDIN = ""
EXAMPLE_EXPECT = ("pass 1\nReading, line by line.\nOne more line.\n"
                  "pass 2\nReading, line by line.\nOne more line.\n"
                  "pass 3\nReading, line by line.\nOne more line.\n")

folder = tempfile.mkdtemp()
try:
    path = os.path.join(folder, "notes.txt")
    with open(path, "w") as notes:
        notes.write("Reading, line by line.\nOne more line.\n")

    print("pass 1", flush=True)
    Pipeline(
        SimpleReader(path),
        ConsoleEchoer(),
    ).run()

    print("pass 2", flush=True)
    Pipeline(
        SimpleReader(path),
        MessageRateLimit(2, 1, hardlimit=0),
        ConsoleEchoer(),
    ).run()

    print("pass 3", flush=True)
    Pipeline(
        SimpleReader(path),
        MessageRateLimit(4, 1, hardlimit=1),
        ConsoleEchoer(),
    ).run()
finally:
    shutil.rmtree(folder)
