"""A slideshow: a Chooser steps through slides on NEXT / PREV / FIRST / LAST.

    printf 'next\\nnext\\nprev\\nlast\\nnext\\nfirst\\n' | python examples/chooser_slideshow.py

prints::

    [1/4] Kamaelia
    [2/4] Components
    [3/4] Backplanes
    [2/4] Components
    [4/4] Questions?
    [1/4] Kamaelia

Each line typed is a command (any case). The ``Chooser`` sends the first
slide as soon as it starts, then the slide each command moves to. The
second ``next`` after ``last`` shows nothing: there is no slide after the
last (``Chooser(SLIDES, loop=True)`` would wrap round to the first). When the
input ends, the reader's ``producerFinished`` passes down the Pipeline and
everything ends. A command the Chooser does not know is logged and skipped.
"""
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.Util.Chooser import Chooser
from Kamaelia.Util.Console import ConsoleEchoer, ConsoleReader
from Kamaelia.Util.PureTransformer import PureTransformer

EXAMPLE_STDIN = "next\nnext\nprev\nlast\nnext\nfirst\n"
EXAMPLE_EXPECT = (
    "[1/4] Kamaelia\n"
    "[2/4] Components\n"
    "[3/4] Backplanes\n"
    "[2/4] Components\n"
    "[4/4] Questions?\n"
    "[1/4] Kamaelia\n"
)

SLIDES = ["Kamaelia", "Components", "Backplanes", "Questions?"]

Pipeline(
    ConsoleReader(eol=""),                            # one command per line
    PureTransformer(lambda command: command.strip().upper()),
    Chooser(list(enumerate(SLIDES, start=1))),        # items: (number, title)
    PureTransformer(lambda slide: f"[{slide[0]}/{len(SLIDES)}] {slide[1]}\n"),
    ConsoleEchoer(),
).run()
