"""The home page's presentation tool, and 1.14's two slideshow examples.

The home page's Graphline and 1.14's ``_SimpleGraphicalApps/Slideshows/
slideshow.py`` (the same Graphline over ``.gif`` files) and
``UsingChassis/PAR/par_slideshow.py`` (the buttons in a PAR, then a Pipeline
of Chooser and Image) are built here with 1.14's components and arguments
exactly, over slides the tests draw. Real mouse clicks go to the buttons'
rectangles; the window's pixels under the Image are compared with the slide
files. (The examples/ programs run the same systems as whole programs.)
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable

import pytest

from Kamaelia.Chassis.Graphline import Graphline
from Kamaelia.Chassis.PAR import PAR
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.UI.Pygame.Button import Button
from Kamaelia.UI.Pygame.Image import Image
from Kamaelia.UI.Pygame._pygame import pygame
from Kamaelia.UI.Pygame.sample_slides import makeSlides
from Kamaelia.Util.Chooser import Chooser

IMAGE_AREA = (8, 48, 800, 600)
#: Inside each button (its position plus a few pixels).
NEXT, PREVIOUS, FIRST, LAST = (76, 12), (12, 12), (260, 12), (324, 12)


def homePage(files: list[str]) -> Any:
    return Graphline(
        CHOOSER=Chooser(items=files),
        IMAGE=Image(size=(800, 600), position=(8, 48)),
        NEXT=Button(caption="Next", msg="NEXT", position=(72, 8)),
        PREVIOUS=Button(caption="Previous", msg="PREV", position=(8, 8)),
        FIRST=Button(caption="First", msg="FIRST", position=(256, 8)),
        LAST=Button(caption="Last", msg="LAST", position=(320, 8)),
        linkages={
            ("NEXT", "outbox"): ("CHOOSER", "inbox"),
            ("PREVIOUS", "outbox"): ("CHOOSER", "inbox"),
            ("FIRST", "outbox"): ("CHOOSER", "inbox"),
            ("LAST", "outbox"): ("CHOOSER", "inbox"),
            ("CHOOSER", "outbox"): ("IMAGE", "inbox"),
        })


def parSlideshow(files: list[str]) -> Any:
    return Pipeline(
        PAR(
            Button(caption="Next", msg="NEXT", position=(72, 8)),
            Button(caption="Previous", msg="PREV", position=(8, 8)),
            Button(caption="First", msg="FIRST", position=(256, 8)),
            Button(caption="Last", msg="LAST", position=(320, 8)),
        ),
        Chooser(items=files),
        Image(size=(800, 600), position=(8, 48)),
    )


@pytest.fixture(scope="module")
def slideFolders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A "Slides" folder of six slides per file type, drawn once for this module."""
    folders = {}
    for extension in (".png", ".gif"):
        folder = tmp_path_factory.mktemp(extension[1:]) / "Slides"
        makeSlides(folder, count=6, extension=extension)
        folders[extension] = folder
    return folders


def slidesLike114(folder: Path, extension: str) -> list[str]:
    """1.14's file listing: the files ending in ``extension``, sorted."""
    return sorted(str(folder / name) for name in os.listdir(folder)
                  if name[-len(extension):] == extension)


@pytest.mark.parametrize("build, extension", [
    (homePage, ".png"),          # the home page's program
    (homePage, ".gif"),          # 1.14's slideshow.py
    (parSlideshow, ".gif"),      # 1.14's par_slideshow.py
], ids=["home-page", "slideshow.py", "par_slideshow.py"])
def test_the_buttons_move_through_the_slides(screen: Any, slideFolders: dict[str, Path],
                                             build: Callable[[list[str]], Any],
                                             extension: str) -> None:
    files = slidesLike114(slideFolders[extension], extension)
    pictures = [pygame.image.tobytes(pygame.image.load(file), "RGB") for file in files]
    build(files).activate()

    def slideShown() -> int | None:
        if screen.display() is None or not pygame.display.get_init():
            return None
        region = screen.region(IMAGE_AREA)
        for number, picture in enumerate(pictures, start=1):
            if region == picture:
                return number
        return None

    def shows(number: int) -> Callable[[], bool]:
        return lambda: slideShown() == number and not screen.display().needsRedrawing

    screen.until(shows(1), "the first slide")
    for where, expected in [(NEXT, 2), (NEXT, 3), (PREVIOUS, 2), (LAST, 6), (NEXT, 6),
                            (FIRST, 1), (PREVIOUS, 1)]:
        screen.click(where)
        screen.settle()
        screen.until(shows(expected), f"slide {expected} after a click at {where}")
