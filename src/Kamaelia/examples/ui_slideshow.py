"""A slideshow with four buttons (Kamaelia 1.14's _SimpleGraphicalApps/Slideshows/slideshow.py).

    python examples/ui_slideshow.py            # sample slides; click the buttons
    python examples/ui_slideshow.py --demo     # clicks by itself, prints, ends

With ``--demo`` it prints::

    slide 1 of 6
    Next: slide 2 of 6
    Last: slide 6 of 6
    Next: slide 6 of 6
    Previous: slide 5 of 6
    First: slide 1 of 6

This is 1.14's program, line for line from ``path = "Slides"`` on: it lists
the ``.gif`` files in the folder ``Slides``, sorts them and shows them with
a Graphline of a ``Chooser``, an ``Image`` and four ``Button``s. 1.14
shipped six GIFs of a 2005 talk in ``Slides``; here six sample slides are
drawn into a temporary ``Slides`` folder first, and the program runs from
the folder above it. "Next" on the last slide does nothing (the Chooser
does not wrap round).

``--demo`` clicks the buttons itself and says which slide shows after each
click, then closes the window; ``--headless`` draws without a window
(``SDL_VIDEODRIVER=dummy``).
"""

import argparse
import os
import tempfile
from typing import Any, Callable

from Kamaelia.Chassis.Graphline import Graphline
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
    "Last: slide 6 of 6\n"
    "Next: slide 6 of 6\n"
    "Previous: slide 5 of 6\n"
    "First: slide 1 of 6\n"
)


def looking(prefix: str, count: int) -> Callable[[Any], str]:
    """A report step's function: which slide the Image shows, as a line."""
    def look(window: Any) -> str:
        return f"{prefix}slide {whichSlide(window.get_at((18, 58)), count)} of {count}\n"
    return look


def demonstration(count: int) -> Pipeline:
    steps = [report(looking("", count))]
    for label, position in [("Next", (80, 16)), ("Last", (328, 16)), ("Next", (80, 16)),
                            ("Previous", (16, 16)), ("First", (264, 16))]:
        steps += [click(position), report(looking(f"{label}: ", count))]
    return Pipeline(Autopilot(steps + [close()]), ConsoleEchoer())


parser = argparse.ArgumentParser(description="1.14's slideshow example.")
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
        demonstration(6).activate()

    # ---- Kamaelia 1.14's slideshow.py from here on ----
    path = "Slides"
    extn = ".gif"
    allfiles = os.listdir(path)
    files = list()
    for fname in allfiles:
        if fname[-len(extn):]==extn:
            files.append(os.path.join(path,fname))

    files.sort()

    Graphline(
         CHOOSER = Chooser(items = files),
         IMAGE = Image(size=(800,600), position=(8,48)),
         NEXT = Button(caption="Next", msg="NEXT", position=(72,8)),
         PREVIOUS = Button(caption="Previous", msg="PREV",position=(8,8)),
         FIRST = Button(caption="First", msg="FIRST",position=(256,8)),
         LAST = Button(caption="Last", msg="LAST",position=(320,8)),
         linkages = {
            ("NEXT","outbox") : ("CHOOSER","inbox"),
            ("PREVIOUS","outbox") : ("CHOOSER","inbox"),
            ("FIRST","outbox") : ("CHOOSER","inbox"),
            ("LAST","outbox") : ("CHOOSER","inbox"),
            ("CHOOSER","outbox") : ("IMAGE","inbox"),
         }
    ).run()
    os.chdir(os.path.dirname(workplace))     # leave the folder before it is removed
