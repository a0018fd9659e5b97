"""The home page's presentation tool: a Chooser, an Image and four Buttons.

    python examples/presentation_tool.py            # sample slides; click the buttons
    python examples/presentation_tool.py FOLDER     # the images in FOLDER, by name
    python examples/presentation_tool.py --demo     # clicks by itself, prints, ends

With ``--demo`` it prints::

    showing slide 1 of 4
    Next: slide 2 of 4
    Next: slide 3 of 4
    Previous: slide 2 of 4
    Last: slide 4 of 4
    First: slide 1 of 4

The Graphline below is the one on the Kamaelia home page, as printed there;
what the page leaves out is the set-up around it: the imports and ``files``,
the list of slides. Without a FOLDER the slides are drawn on the spot
(``Kamaelia.UI.Pygame.sample_slides``) into a temporary folder, removed at
the end. Clicking a button sends its ``msg`` ("NEXT", "PREV", ...) to the
Chooser, which sends the file name of the slide it moves to on to the
Image, which shows it. Closing the window ends the program.

``--demo`` adds an ``Autopilot`` beside the Graphline: it clicks each button
in turn, like a person, and after each click looks at the window to say
which slide is showing (each sample slide has a background colour of its
own). ``--headless`` draws without a window (``SDL_VIDEODRIVER=dummy``),
for machines without a screen.
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
    "showing slide 1 of 4\n"
    "Next: slide 2 of 4\n"
    "Next: slide 3 of 4\n"
    "Previous: slide 2 of 4\n"
    "Last: slide 4 of 4\n"
    "First: slide 1 of 4\n"
)

IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".gif", ".bmp")


def slidesIn(folder: str) -> list[str]:
    """The image files in ``folder``, sorted by name."""
    return sorted(os.path.join(folder, name) for name in os.listdir(folder)
                  if name.lower().endswith(IMAGE_EXTENSIONS))


def demonstration(count: int) -> Pipeline:
    """An Autopilot clicking each button, printing the slide shown after each."""
    def shown(prefix: str) -> Callable[[Any], str]:
        def look(window: Any) -> str:
            number = whichSlide(window.get_at((18, 58)), count)    # inside the Image
            return f"{prefix}slide {number} of {count}\n"
        return look
    buttons = [("Next", (80, 16)), ("Next", (80, 16)), ("Previous", (16, 16)),
               ("Last", (328, 16)), ("First", (264, 16))]
    steps = [report(shown("showing "))]
    for label, position in buttons:
        steps += [click(position), report(shown(f"{label}: "))]
    return Pipeline(Autopilot(steps + [close()]), ConsoleEchoer())


parser = argparse.ArgumentParser(description="The Kamaelia home page's presentation tool.")
parser.add_argument("folder", nargs="?", help="a folder of slides (default: sample slides)")
parser.add_argument("--demo", action="store_true", help="click the buttons by itself")
parser.add_argument("--headless", action="store_true",
                    help="draw without a window (SDL_VIDEODRIVER=dummy)")
arguments = parser.parse_args()
if arguments.headless:
    os.environ["SDL_VIDEODRIVER"] = "dummy"      # read when the window opens

with tempfile.TemporaryDirectory(prefix="kamaelia-slides-") as samples:
    files = slidesIn(arguments.folder) if arguments.folder else makeSlides(samples)
    if arguments.demo:
        demonstration(len(files)).activate()

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
