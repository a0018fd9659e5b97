"""An interpreter between console components (mirrors 1.14's PythonInterpreter/ConsolePythonInterpreter.py).

    python examples/compat114/interpreter_console.py

``ConsoleReader`` sends each line typed to an ``InterpreterTransformer``,
whose answers go to a ``ConsoleEchoer``: ``" "`` at the start and for a
statement with nothing to show, otherwise the value itself (here mostly
strings ending in a newline, so the output reads well), or ``EPIC FAIL``
and the error. The values are the objects themselves, so the session makes
new lists rather than changing ones it has already shown. At the end of input the pipeline finishes. Fed the lines in
``EXAMPLE_STDIN`` below, it prints the text in ``EXAMPLE_EXPECT``.
"""
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.Experimental.PythonInterpreter import InterpreterTransformer
from Kamaelia.Util.Console import ConsoleEchoer, ConsoleReader

EXAMPLE_STDIN = ("import textwrap\n"
                 "words = 'components talk through boxes'.split()\n"
                 "'+'.join(words) + '\\n'\n"
                 "loud = []\n"
                 "for w in words[:2]:\n"
                 "    loud.append(w.upper())\n"
                 "\n"
                 "' '.join(loud) + '\\n'\n"
                 "int('seven')\n")
EXAMPLE_EXPECT = (" "                                          # started
                  " "                                          # import: nothing to show
                  "['components', 'talk', 'through', 'boxes']"  # the value assigned
                  "components+talk+through+boxes\n"
                  " "                                          # loud = []: nothing to show
                  " "                                          # the for loop
                  "COMPONENTS TALK\n"
                  "EPIC FAIL"
                  "Traceback (most recent call last):\n"
                  '  File "<stdin>", line 1, in <module>\n'
                  "ValueError: invalid literal for int() with base 10: 'seven'\n")

Pipeline(
    ConsoleReader(),
    InterpreterTransformer(),
    ConsoleEchoer(),
).run()
