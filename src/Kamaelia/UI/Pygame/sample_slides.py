"""A few slides drawn on the spot, for the examples, the tests and a first try.

Example Usage
-------------
Four 800 x 600 PNG slides in a temporary folder, shown by a Chooser and an
Image::

    import tempfile
    from Kamaelia.UI.Pygame.sample_slides import makeSlides

    folder = tempfile.mkdtemp()
    files = makeSlides(folder)          # [".../slide-1.png", ..., ".../slide-4.png"]

How does it work?
-----------------
``makeSlides(folder, count=4, size=(800, 600), extension=".png")`` draws
``count`` slides with Pillow and saves them in ``folder`` as
``slide-1.png``, ``slide-2.png``, ... (any extension Pillow writes:
``".gif"`` for 1.14's slideshow examples, ``".jpg"``, ...). It returns their
paths, sorted as a program listing the folder would sort them (the number
is zero-padded when there are ten or more).

Each slide has a plain background colour of its own (``SLIDE_COLOURS``, in
order), a title and "n / count" in large type, and a band along the bottom.
The backgrounds differ enough that a program (or a test) can tell which
slide is showing from a single pixel of its background:
:func:`slideColour` gives slide ``n``'s colour and :func:`whichSlide`
turns a colour back into a slide number.

Nothing is downloaded and no font file is needed: the text uses Pillow's
built-in font.
"""

from __future__ import annotations

import os
from typing import Sequence

__all__ = ["makeSlides", "slideColour", "whichSlide", "SLIDE_COLOURS", "TITLES"]

#: Background colours, slide 1 first (then round again).
SLIDE_COLOURS: tuple[tuple[int, int, int], ...] = (
    (32, 64, 160), (160, 48, 48), (40, 140, 72), (200, 150, 24),
    (112, 48, 150), (24, 140, 150), (150, 80, 24), (90, 90, 90),
)

#: Slide titles, slide 1 first (then "Slide n").
TITLES: tuple[str, ...] = ("Kamaelia", "Components", "Backplanes", "Questions?")


def slideColour(number: int) -> tuple[int, int, int]:
    """Slide ``number``'s (1-based) background colour."""
    if number < 1:
        raise ValueError(f"slide numbers start at 1, not {number!r}")
    return SLIDE_COLOURS[(number - 1) % len(SLIDE_COLOURS)]


def whichSlide(colour: Sequence[int], count: int) -> int | None:
    """The number of the slide (of ``count``) whose background is ``colour``
    (r, g, b, and any alpha ignored), or None. Each channel may be off by 2
    (a scaled or converted image)."""
    for number in range(1, count + 1):
        if all(abs(a - b) <= 2 for a, b in zip(slideColour(number), colour[:3])):
            return number
    return None


def makeSlides(folder: str | os.PathLike[str], count: int = 4,
               size: tuple[int, int] = (800, 600), extension: str = ".png") -> list[str]:
    """Draw ``count`` slides of ``size`` pixels into ``folder``; their paths, in order."""
    from PIL import Image, ImageDraw, ImageFont

    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise ValueError(f"makeSlides: count must be an int >= 1, not {count!r}")
    width, height = size
    if width < 64 or height < 48:
        raise ValueError(f"makeSlides: size must be at least (64, 48), not {size!r}")
    if count > len(SLIDE_COLOURS):
        raise ValueError(f"makeSlides: at most {len(SLIDE_COLOURS)} slides have colours "
                         f"of their own, not {count!r}")
    os.makedirs(folder, exist_ok=True)
    digits = len(str(count)) if count >= 10 else 1
    big = ImageFont.load_default(size=max(12, height // 8))
    small = ImageFont.load_default(size=max(10, height // 20))
    paths = []
    for number in range(1, count + 1):
        background = slideColour(number)
        title = TITLES[number - 1] if number <= len(TITLES) else f"Slide {number}"
        slide = Image.new("RGB", (width, height), background)
        draw = ImageDraw.Draw(slide)
        draw.text((width // 2, height * 2 // 5), title, fill=(255, 255, 255), font=big,
                  anchor="mm")
        draw.text((width // 2, height * 3 // 5), f"{number} / {count}",
                  fill=(230, 230, 230), font=small, anchor="mm")
        draw.rectangle((0, height - height // 12, width, height), fill=(20, 20, 20))
        path = os.path.join(os.fspath(folder), f"slide-{number:0{digits}d}{extension}")
        if extension.lower() == ".gif":
            # A palette image keeps the background colour exact.
            slide = slide.quantize(colors=64, method=Image.Quantize.MEDIANCUT)
        slide.save(path)
        paths.append(path)
    return paths
