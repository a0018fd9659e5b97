"""ui-idle: CPU used by an open pygame window where nothing changes.

What it measures
----------------
The home page's presentation tool (a Chooser, an Image showing an 800 x 600
slide and four Buttons, with the display service) left open and untouched.
After two seconds to settle (the window opened, the first slide drawn,
and a second without activity, after which the display takes pygame's
events ``idle_fps`` (10) times a second instead of ``fps`` (60)), the figure
is the process CPU time used over the next 5 seconds (1 with ``--quick``),
as a percentage of one core. The display draws nothing meanwhile, because
nothing asks it to.

Why it is fair
--------------
The baseline is what a pygame program written the usual way costs: the same
window and slide, and a loop that takes the events, draws the frame, flips
and waits with ``Clock.tick(30)`` (half our event rate). It is the context
row; the target is absolute (DESIGN.md: an idle program under 1% of a core).

It uses the real screen when ``DISPLAY`` is set and SDL's dummy driver
otherwise (the row says which): a dummy flip is cheaper than a real one, so
the baseline is lower there.
"""

from __future__ import annotations

import os
import tempfile
import time

from .harness import Row, fresh_scheduler

NAME = "ui-idle"
TARGET_PERCENT = 1.0
#: The window opens and draws, then the display needs idle_after (1 s) without
#: activity before it slows to idle_fps: only then is it idle.
SETTLE_SECONDS = 2.0
#: The plain pygame loop does the same every frame from the start.
BASELINE_SETTLE_SECONDS = 0.5


def _driver() -> str:
    if not os.environ.get("DISPLAY") and not os.environ.get("SDL_VIDEODRIVER"):
        os.environ["SDL_VIDEODRIVER"] = "dummy"
    return os.environ.get("SDL_VIDEODRIVER") or "x11"


def _kamaelia(files: list[str], run_for: float) -> float:
    from Kamaelia.Chassis.Graphline import Graphline
    from Kamaelia.UI.Pygame.Button import Button
    from Kamaelia.UI.Pygame.Image import Image
    from Kamaelia.UI.Pygame._pygame import pygame
    from Kamaelia.Util.Chooser import Chooser

    sched = fresh_scheduler()
    Graphline(
        CHOOSER=Chooser(items=files),
        IMAGE=Image(size=(800, 600), position=(8, 48)),
        NEXT=Button(caption="Next", msg="NEXT", position=(72, 8)),
        PREVIOUS=Button(caption="Previous", msg="PREV", position=(8, 8)),
        FIRST=Button(caption="First", msg="FIRST", position=(256, 8)),
        LAST=Button(caption="Last", msg="LAST", position=(320, 8)),
        linkages={("NEXT", "outbox"): ("CHOOSER", "inbox"),
                  ("PREVIOUS", "outbox"): ("CHOOSER", "inbox"),
                  ("FIRST", "outbox"): ("CHOOSER", "inbox"),
                  ("LAST", "outbox"): ("CHOOSER", "inbox"),
                  ("CHOOSER", "outbox"): ("IMAGE", "inbox")},
    ).activate()
    marks: list[tuple[float, float]] = []

    def mark() -> None:
        marks.append((time.process_time(), time.perf_counter()))

    sched.callLater(SETTLE_SECONDS, mark)
    sched.callLater(SETTLE_SECONDS + run_for, mark)
    sched.callLater(SETTLE_SECONDS + run_for, sched.stop)
    sched.runThreads()
    pygame.quit()
    assert len(marks) == 2, "the idle window did not run its course"
    (cpu0, wall0), (cpu1, wall1) = marks
    return 100.0 * (cpu1 - cpu0) / (wall1 - wall0)


def _bare_pygame(files: list[str], run_for: float) -> float:
    from Kamaelia.UI.Pygame._pygame import pygame

    pygame.display.init()
    window = pygame.display.set_mode((1024, 768))
    slide = pygame.image.load(files[0]).convert()
    clock = pygame.time.Clock()
    began = time.perf_counter()
    cpu0 = wall0 = None
    while time.perf_counter() - began < BASELINE_SETTLE_SECONDS + run_for:
        if cpu0 is None and time.perf_counter() - began >= BASELINE_SETTLE_SECONDS:
            cpu0, wall0 = time.process_time(), time.perf_counter()
        pygame.event.get()
        window.fill((255, 255, 255))
        window.blit(slide, (8, 48))
        pygame.display.flip()
        clock.tick(30)
    cpu1, wall1 = time.process_time(), time.perf_counter()
    pygame.quit()
    assert cpu0 is not None and wall0 is not None
    return 100.0 * (cpu1 - cpu0) / (wall1 - wall0)


def run(quick: bool, reps: int) -> list[Row]:
    from Kamaelia.UI.Pygame.sample_slides import makeSlides

    run_for = 1.0 if quick else 5.0
    driver = _driver()
    with tempfile.TemporaryDirectory(prefix="kamaelia-ui-idle-") as folder:
        files = makeSlides(folder)
        ours = _kamaelia(files, run_for)
        baseline = _bare_pygame(files, run_for)
    return [
        Row(f"Kamaelia presentation tool, idle window ({driver}), {run_for:g} s", ours,
            "% of a core", target=f"< {TARGET_PERCENT:g}%", ok=ours < TARGET_PERCENT),
        Row(f"bare pygame loop, Clock.tick(30) ({driver}) (context)", baseline,
            "% of a core"),
    ]
