"""Kamaelia.Apps.Show.main: the ``kamaelia show`` command, and the wiring of a show.

Example Usage
-------------
From the shell::

    $ kamaelia show talk.pdf                      # a PDF, one slide per page
    $ kamaelia show slides/ --timer 20            # a folder of images; 20 minute countdown
    $ kamaelia show talk.pdf --fullscreen --start 5
    $ kamaelia show photos/ --auto 4 --autoquit   # a kiosk: 4 s a slide, then end

From Python (the same, with the arguments as keywords)::

    from Kamaelia.Apps.Show.main import runShow
    status = runShow("talk.pdf", duration=20 * 60)    # 0 when the show ended normally

How does it work?
-----------------
:func:`runShow` opens the slides first (:func:`~.slides.openSlides`), so a
missing path, an empty folder or a bad PDF is reported before any window
opens. :func:`showSystem` then makes a :class:`~.components.ShowDisplay`
of the size asked, registers it as the pygame display service, and
returns a Graphline of a :class:`~.components.Presenter` and a
:class:`~.components.ShowInput`; ``runShow`` runs it until the show ends
(Q, Escape, closing the window, or ``--autoquit``). Its result is the
exit status: 0, or 1 with one line on standard error for slides that
cannot be shown or a screen that cannot be had (the message names
``SDL_VIDEODRIVER`` and Xvfb; it comes at once, never after a wait).

``addArguments`` and ``command`` are what :mod:`Kamaelia.cli` registers
as ``kamaelia show``.
"""

from __future__ import annotations

import argparse
import logging
import math
import sys
from pathlib import Path
from typing import Any, Sequence

# Nothing heavy at import: ``kamaelia --help`` reads HELP and the arguments
# from here, and must work without the ui extra (Pillow, pygame-ce) installed.

__all__ = ["runShow", "showSystem", "addArguments", "command", "parseSize", "parseColour",
           "HELP"]

log = logging.getLogger("Kamaelia.Apps.Show")

HELP = """\
Show PATH as a presentation: a PDF (one slide per page, drawn by MuPDF at the
window's resolution), a folder of images (PNG, JPEG, GIF, WebP, TIFF, ...,
in natural order: slide2 before slide10) or one image.

Keys:
  Space, Right, Down, Page Down, left click    next slide
  Left, Up, Backspace, Page Up, right click    previous slide
  the mouse wheel                              next / previous
  Home / End                                   first / last slide
  a number, then Enter                         go to that slide (pdfpc)
  Tab                                          overview of all slides: arrows,
                                               Page Up/Down, Home/End move; Enter,
                                               Space or a click goes there;
                                               Tab, Escape or right click go back
  B or .  /  W or ,                            black / white screen (again: back)
  P / R                                        pause or resume / reset the timer
  T                                            hide or show the counter and timer
  F                                            full screen on / off
  Q, Escape, closing the window                quit

The timer starts at the first change of slide (or P). With --timer MIN it
counts down, turns amber in the last --last-minutes and red (counting on,
as -MM:SS) when the time is up.
"""


def parseSize(text: str) -> tuple[int, int]:
    """``"1280x720"`` -> ``(1280, 720)``; ValueError naming the text otherwise."""
    parts = text.lower().replace("*", "x").split("x")
    try:
        width, height = (int(p) for p in parts)
    except ValueError:
        raise ValueError(f"size must be WIDTHxHEIGHT, e.g. 1280x720, not {text!r}") from None
    if width < 1 or height < 1:
        raise ValueError(f"size must be at least 1x1, not {text!r}")
    return width, height


def parseColour(text: str) -> tuple[int, int, int]:
    """A colour name or ``#rrggbb`` -> ``(r, g, b)``; ValueError naming the text."""
    from PIL import ImageColor

    try:
        return ImageColor.getrgb(text)[:3]
    except ValueError:
        raise ValueError(f"colour must be a name (black) or #rrggbb, not {text!r}") from None


def showSystem(slides: Any, *, size: tuple[int, int] = (1280, 720), fullscreen: bool = False,
               start: int = 0, duration: float | None = None, warning: float = 300,
               counter: bool = True, timer: bool = True,
               background: tuple[int, int, int] = (0, 0, 0),
               autoAdvance: float | None = None, autoQuit: bool = False,
               caption: str | None = None, fps: float = 60) -> Any:
    """Make and register the display, and return the show's Graphline (not started).

    ``slides`` is a slide source (``openSlides(path)``); the other keywords
    are :class:`~.components.Presenter`'s, and for the window: ``size``
    (points), ``fullscreen``, ``caption``, ``fps``.
    """
    from Kamaelia.Apps.Show.components import Presenter, ShowDisplay, ShowInput
    from Kamaelia.Chassis.Graphline import Graphline
    from Kamaelia.UI.Pygame.Display import PygameDisplay

    presenter = Presenter(slides, start=start, duration=duration, warning=warning,
                          counter=counter, timer=timer, background=background,
                          autoAdvance=autoAdvance, autoQuit=autoQuit)
    display = ShowDisplay(width=size[0], height=size[1], fullscreen=fullscreen,
                          background_colour=background, fps=fps,
                          caption=caption or f"kamaelia show: {slides.path.name}")
    PygameDisplay.setDisplayService(display)
    display.activate()
    return Graphline(SHOW=presenter, INPUT=ShowInput(),
                     linkages={("INPUT", "outbox"): ("SHOW", "input"),
                               ("SHOW", "signal"): ("INPUT", "control")})


def runShow(path: str | Path, *, start: int = 0, size: tuple[int, int] = (1280, 720),
            **options: Any) -> int:
    """Show the slides at ``path`` until the show ends; the exit status.

    ``start`` is the first slide (from 0); the other keywords are
    :func:`showSystem`'s (``background`` also colours the slides'
    transparent parts).
    """
    try:
        from Kamaelia.Apps.Show.slides import SlideError, openSlides
        from Kamaelia.UI.Pygame.Display import DisplayUnavailable
    except ImportError as exc:
        print(f"kamaelia show: needs the ui extra (pygame-ce, Pillow, PyMuPDF): "
              f"pip install 'kamaelia[ui]' ({exc})", file=sys.stderr)
        return 1
    try:
        slides = openSlides(path, background=options.get("background", (0, 0, 0)))
    except SlideError as exc:
        print(f"kamaelia show: {exc}", file=sys.stderr)
        return 1
    try:
        if not 0 <= start < len(slides):
            print(f"kamaelia show: --start must be 1 to {len(slides)} (there are "
                  f"{len(slides)} slides in {str(path)!r}), not {start + 1}", file=sys.stderr)
            return 2
        try:
            showSystem(slides, start=start, size=size, **options).run()
        except DisplayUnavailable as exc:
            print(f"kamaelia show: {exc}", file=sys.stderr)
            return 1
        except KeyboardInterrupt:
            return 130
        return 0
    finally:
        slides.close()


# -- the command line -----------------------------------------------------------

def addArguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``kamaelia show``."""
    parser.add_argument("path", metavar="PATH",
                        help="a PDF, a folder of images, or one image")
    parser.add_argument("--size", default="1280x720", metavar="WxH",
                        help="the window's size (default 1280x720); it can be resized")
    parser.add_argument("-f", "--fullscreen", action="store_true",
                        help="start full screen (F switches)")
    parser.add_argument("--start", type=int, default=1, metavar="N",
                        help="the slide to start on, from 1 (default 1)")
    parser.add_argument("-d", "--timer", "--duration", type=float, default=None,
                        metavar="MIN", dest="timer",
                        help="count down from MIN minutes (default: count up)")
    parser.add_argument("-l", "--last-minutes", type=float, default=5, metavar="MIN",
                        help="the countdown turns amber MIN minutes before the end "
                             "(default 5)")
    parser.add_argument("--no-counter", action="store_true",
                        help="do not show the slide counter")
    parser.add_argument("--no-timer", action="store_true",
                        help="do not show the timer")
    parser.add_argument("--background", default="black", metavar="COLOUR",
                        help="around slides that do not fill the window: a name or "
                             "#rrggbb (default black)")
    parser.add_argument("-a", "--auto", type=float, default=None, metavar="SECONDS",
                        help="go on to the next slide by itself every SECONDS")
    parser.add_argument("-Q", "--autoquit", action="store_true",
                        help="end the show on going past the last slide")


def command(args: argparse.Namespace) -> int:
    """Run ``kamaelia show`` with parsed ``args``; the exit status."""
    def refuse(message: str) -> int:
        print(f"kamaelia show: {message}", file=sys.stderr)
        return 2

    try:
        size = parseSize(args.size)
        background = parseColour(args.background)
    except ValueError as exc:
        return refuse(str(exc))
    if args.start < 1:
        return refuse(f"--start must be 1 or more, not {args.start}")
    if args.timer is not None and not (math.isfinite(args.timer) and args.timer > 0):
        return refuse(f"--timer must be a number of minutes > 0, not {args.timer:g}")
    if not (math.isfinite(args.last_minutes) and args.last_minutes >= 0):
        return refuse(f"--last-minutes must be a number of minutes >= 0, "
                      f"not {args.last_minutes:g}")
    if args.auto is not None and not (math.isfinite(args.auto) and args.auto > 0):
        return refuse(f"--auto must be a number of seconds > 0, not {args.auto:g}")
    return runShow(args.path, start=args.start - 1, size=size, fullscreen=args.fullscreen,
                   duration=None if args.timer is None else args.timer * 60,
                   warning=args.last_minutes * 60, counter=not args.no_counter,
                   timer=not args.no_timer, background=background,
                   autoAdvance=args.auto, autoQuit=args.autoquit)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m Kamaelia.Apps.Show.main PATH ...``: the same as ``kamaelia show``."""
    parser = argparse.ArgumentParser(prog="kamaelia show", description=HELP,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    addArguments(parser)
    return command(parser.parse_args(argv))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
