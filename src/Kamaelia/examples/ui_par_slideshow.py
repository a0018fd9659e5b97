"""A slideshow whose buttons run side by side in a PAR (Kamaelia 1.14's
UsingChassis/PAR/par_slideshow.py).

    python examples/ui_par_slideshow.py            # sample slides; click the buttons
    python examples/ui_par_slideshow.py --demo     # clicks by itself, prints, ends

With ``--demo`` it prints::

    slide 1 of 6
    Next: slide 2 of 6
    Next: slide 3 of 6
    Last: slide 6 of 6
    Previous: slide 5 of 6
    First: slide 1 of 6

1.14's program, line for line from ``path = "Slides"`` on. Where the
home page's version wires the buttons to the Chooser with a Graphline, this
one puts them in a ``PAR``: the PAR's "outbox" carries what any of them
sends, so a three-stage Pipeline does the rest. Six sample GIF slides are
drawn into a temporary ``Slides`` folder first (1.14 shipped six of a 2005
talk). ``--demo`` clicks the buttons itself and says which slide shows after
each click; ``--headless`` draws without a window.
"""

import argparse
import os
import tempfile
from typing import Any, Callable

from Kamaelia.Chassis.PAR import PAR
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.UI.Pygame.Button import Button
from Kamaelia.UI.Pygame.Image import Image
from Kamaelia.UI.Pygame.autopilot import Autopilot, click, close, report
from Kamaelia.UI.Pygame.sample_slides import makeSlides, whichSlide
from Kamaelia.Util.Chooser import Chooser
from Kamaelia.Util.Console import ConsoleEchoer

EXAMPLE_ARGS = "--demo --headless"
EXAMPLE_STDIN = ""
EXAMPLE_EXPECT = (
    "slide 1 of 6\n"
    "Next: slide 2 of 6\n"
    "Next: slide 3 of 6\n"
    "Last: slide 6 of 6\n"
    "Previous: slide 5 of 6\n"
    "First: slide 1 of 6\n"
)

parser = argparse.ArgumentParser(description="1.14's PAR slideshow example.")
parser.add_argument("--demo", action="store_true", help="click the buttons by itself")
parser.add_argument("--headless", action="store_true",
                    help="draw without a window (SDL_VIDEODRIVER=dummy)")
arguments = parser.parse_args()
if arguments.headless:
    os.environ["SDL_VIDEODRIVER"] = "dummy"

with tempfile.TemporaryDirectory(prefix="kamaelia-slideshow-") as workplace:
    makeSlides(os.path.join(workplace, "Slides"), count=6, extension=".gif")
    os.chdir(workplace)
    if arguments.demo:
        def looking(prefix: str) -> Callable[[Any], str]:
            def look(window: Any) -> str:
                return f"{prefix}slide {whichSlide(window.get_at((18, 58)), 6)} of 6\n"
            return look
        steps = [report(looking(""))]
        for label, position in [("Next", (80, 16)), ("Next", (80, 16)), ("Last", (328, 16)),
                                ("Previous", (16, 16)), ("First", (264, 16))]:
            steps += [click(position), report(looking(f"{label}: "))]
        Pipeline(Autopilot(steps + [close()]), ConsoleEchoer()).activate()

    # ---- Kamaelia 1.14's par_slideshow.py from here on ----
    path = "Slides"
    extn = ".gif"
    allfiles = os.listdir(path)
    files = list()
    for fname in allfiles:
        if fname[-len(extn):]==extn:
            files.append(os.path.join(path,fname))

    files.sort()

    Pipeline(
        PAR(
            Button(caption="Next",     msg="NEXT", position=(72,8)),
            Button(caption="Previous", msg="PREV", position=(8,8)),
            Button(caption="First",    msg="FIRST" ,position=(256,8)),
            Button(caption="Last",     msg="LAST", position=(320,8)),
        ),
        Chooser(items = files),
        Image(size=(800,600), position=(8,48)),
    ).run()
    os.chdir(os.path.dirname(workplace))     # leave the folder before it is removed
