"""An interactive interpreter on the console (mirrors 1.14's PythonInterpreter/BasicPythonInterpreter.py).

    python examples/compat114/interpreter_basic.py

``StandaloneInterpreter`` reads lines with the prompt ``"> "``, runs each
complete statement (a block after the blank line that ends it), prints
``ok`` and then the value, if there is one worth showing; an error is
reported after ``EPIC FAIL`` and the session goes on. Ctrl-D (the end of
input) ends it. Fed the lines in ``EXAMPLE_STDIN`` below, it prints the
text in ``EXAMPLE_EXPECT``.
"""
from Kamaelia.Experimental.PythonInterpreter import StandaloneInterpreter

EXAMPLE_STDIN = ("squares = [n * n for n in range(5)]\n"
                 "sum(squares)\n"
                 "for n in squares[:2]:\n"
                 "    print('square', n)\n"
                 "\n"
                 "squares[10]\n"
                 "'done'\n")
EXAMPLE_EXPECT = ("> \nok\n[0, 1, 4, 9, 16]\n"
                  "> \nok\n30\n"
                  "> > > \nok\nsquare 0\nsquare 1\n"
                  "> \nok\nEPIC FAIL\nTraceback (most recent call last):\n"
                  '  File "<stdin>", line 1, in <module>\n'
                  "IndexError: list index out of range\n\n"
                  "> \nok\ndone\n> ")

StandaloneInterpreter().run()
