"""Appending what is typed to a file (mirrors 1.14's Examples/Files, DemoAppend.py).

    echo "a note" | python examples/compat114/files_append.py

As in 1.14's example, ``Pipeline(ConsoleReader(eol=""), Append(filename=...),
ConsoleEchoer())``: each line read is appended to the file by ``Append``,
which passes it on to the ``ConsoleEchoer``. ``eol=""`` means the lines are
passed on without their line ending, so they run together, on the console
and in the file. Here the file is a fresh ``demo.txt`` in a temporary
folder that already holds a line; at the end of the input the program
prints what the file holds now, then removes the folder. Given the two
lines in ``EXAMPLE_STDIN`` it prints::

    first note.second note.
    demo.txt now holds: 'an old line.first note.second note.'

(Typed at a terminal, the ConsoleReader's ``>>> `` prompt shows too.)
"""

import os
import shutil
import tempfile

from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.File.Append import Append
from Kamaelia.Util.Console import ConsoleEchoer, ConsoleReader

EXAMPLE_STDIN = "first note.\nsecond note.\n"
EXAMPLE_EXPECT = ("first note.second note.\n"
                  "demo.txt now holds: 'an old line.first note.second note.'\n")

folder = tempfile.mkdtemp()
try:
    path = os.path.join(folder, "demo.txt")
    with open(path, "w") as demo:
        demo.write("an old line.")
    Pipeline(
        ConsoleReader(eol=""),
        Append(filename=path),
        ConsoleEchoer(),
    ).run()
    with open(path) as demo:
        print()
        print("demo.txt now holds:", repr(demo.read()))
finally:
    shutil.rmtree(folder)
