"""Make docs/images/show.png: a screenshot of `kamaelia show` at work.

Usage::

    python scripts/screenshot_show.py                    # writes docs/images/show.png
    python scripts/screenshot_show.py --output /tmp/s.png --overview

It draws a small deck of sample slides with Pillow (into a temporary
folder), runs the real show on them (the same Presenter, ShowInput and
ShowDisplay that `kamaelia show` wires), moves to the second slide with a
real key press, waits for the window to show it, and saves the window's
pixels as a PNG. ``--overview`` presses Tab first, for the thumbnail grid.
With no ``DISPLAY`` it draws with SDL's dummy driver (no window is seen;
the pixels are the same). The test suite runs it
(tests/Kamaelia/Apps/Show/test_show_screenshot.py), so the picture in the
docs comes from code that is tested.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

SIZE = (960, 540)
SLIDES = [
    ("kamaelia show", ["a presentation tool built from", "Kamaelia components"]),
    ("How it is made", ["ShowInput: keys and clicks as messages",
                        "Presenter: the deck, the timer, drawing",
                        "ShowDisplay: a canvas the size of the window",
                        "all on the pygame display service"]),
    ("Keys", ["Space / Left: next / back", "Tab: every slide at once",
              "12 Enter: slide 12", "F: full screen, Q: quit"]),
    ("Slides", ["a PDF, drawn by MuPDF at the window's pixels",
                "or a folder of images, in natural order"]),
    ("Timer", ["counts up, or down from --timer MIN", "amber near the end, red after"]),
    ("Thank you", ["pip install 'kamaelia[ui]'"]),
]
COLOURS = [(32, 64, 128), (24, 96, 72), (112, 48, 96), (128, 80, 24), (40, 40, 40),
           (32, 64, 128)]


def drawSlides(folder: Path) -> list[Path]:
    """The sample deck, as 1600x900 PNGs (a title and a few lines each)."""
    from PIL import Image, ImageDraw, ImageFont

    paths = []
    for number, ((title, lines), colour) in enumerate(zip(SLIDES, COLOURS), start=1):
        picture = Image.new("RGB", (1600, 900), colour)
        draw = ImageDraw.Draw(picture)
        draw.rectangle((0, 0, 1600, 170), fill=tuple(min(255, c + 40) for c in colour))
        draw.text((90, 50), title, fill=(255, 255, 255), font=ImageFont.load_default(84))
        body = ImageFont.load_default(56)
        for row, line in enumerate(lines):
            y = 260 + row * 110
            draw.ellipse((100, y + 18, 124, y + 42), fill=(255, 210, 80))
            draw.text((160, y), line, fill=(240, 240, 240), font=body)
        path = folder / f"slide{number}.png"
        picture.save(path)
        paths.append(path)
    return paths


def screenshot(output: Path, overview: bool = False, timeout: float = 20.0) -> Path:
    """Run the show on the sample deck and save what its window shows to ``output``."""
    if not os.environ.get("DISPLAY") and not os.environ.get("SDL_VIDEODRIVER"):
        os.environ["SDL_VIDEODRIVER"] = "dummy"
    from PIL import Image

    from Axon.Scheduler import scheduler
    from Kamaelia.Apps.Show.main import showSystem
    from Kamaelia.Apps.Show.slides import openSlides
    from Kamaelia.UI.Pygame._pygame import pygame

    with tempfile.TemporaryDirectory() as folder:
        drawSlides(Path(folder))
        show = showSystem(openSlides(folder), size=SIZE, duration=20 * 60, fps=200)
        presenter = show.components["SHOW"]
        # The timer's clock is moved on by hand, so the picture always shows
        # the same time: 4 min 39 s into a 20 minute talk.
        now = [0.0]
        presenter.presenterTimer.clock = lambda: now[0]
        show.activate()
        loop = scheduler.run.main(canblock=True)
        deadline = time.monotonic() + timeout

        def runUntil(condition: Callable[[], bool], what: str) -> None:
            while not condition():
                if time.monotonic() > deadline:
                    raise RuntimeError(f"screenshot_show: timed out waiting for {what}")
                alarm = scheduler.run.callLater(0.05, lambda: None)
                try:
                    next(loop)
                finally:
                    alarm.cancel()

        def key(code: int) -> None:
            frames = presenter.frames
            pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=code, mod=0,
                                                 unicode="", scancode=0))
            runUntil(lambda: presenter.frames > frames, f"the key {pygame.key.name(code)!r}")

        runUntil(lambda: presenter.frames >= 1, "the first slide")
        key(pygame.K_SPACE)                     # starts the timer, as a talk does
        now[0] += 279.0
        runUntil(lambda: presenter.hudShown.get("timer") == "15:21", "the timer")
        if overview:
            key(pygame.K_TAB)
            runUntil(lambda: presenter.placeholders == 0, "every thumbnail")
        display = presenter.display
        drawn = display.statistics().frames
        runUntil(lambda: display.statistics().frames > drawn and not display.needsRedrawing,
                 "the window to be redrawn")
        window = pygame.display.get_surface()
        picture = Image.frombytes("RGB", window.get_size(),
                                  pygame.image.tobytes(window, "RGB"))
        output.parent.mkdir(parents=True, exist_ok=True)
        # A palette of 64 colours: the flat slides lose nothing visible and the
        # file stays small enough to commit.
        picture.quantize(64).save(output, optimize=True)
        pygame.event.post(pygame.event.Event(pygame.QUIT))
        runUntil(lambda: presenter._isStopped(), "the show to end")
        for _ in loop:                          # the display closes, and all ends
            pass
    return output


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "images" / "show.png")
    parser.add_argument("--overview", action="store_true", help="show the overview grid")
    args = parser.parse_args(argv)
    path = screenshot(args.output, overview=args.overview)
    print(f"wrote {path} ({path.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
