"""Slides made at test time (imported by the Show tests; not a test file).

``makeImageSlides(folder, colours)`` draws one PNG per colour with Pillow;
``makePDF(path, colours)`` makes a PDF with one page per colour with
PyMuPDF. Every slide is its colour with a white block in its top left
quarter, so a test can tell a slide from another, and up from down, by a
few pixels.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from PIL import Image, ImageDraw

Colour = tuple[int, int, int]

COLOURS: list[Colour] = [(200, 30, 30), (30, 160, 40), (40, 60, 200), (220, 180, 20),
                         (150, 40, 160)]


def slideImage(colour: Colour, size: tuple[int, int] = (400, 300), label: str = "") -> Image.Image:
    picture = Image.new("RGB", size, colour)
    draw = ImageDraw.Draw(picture)
    width, height = size
    draw.rectangle((width // 10, height // 10, width * 4 // 10, height * 4 // 10),
                   fill=(255, 255, 255))
    if label:
        draw.text((width // 2, height // 2), label, fill=(0, 0, 0))
    return picture


def makeImageSlides(folder: Path, colours: Sequence[Colour] = COLOURS,
                    size: tuple[int, int] = (400, 300), pattern: str = "slide{n}.png") -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number, colour in enumerate(colours, start=1):
        path = folder / pattern.format(n=number)
        slideImage(colour, size, label=str(number)).save(path)
        paths.append(path)
    return paths


def makePDF(path: Path, colours: Sequence[Colour] = COLOURS,
            size: tuple[float, float] = (400, 300), password: str | None = None) -> Path:
    import pymupdf

    document = pymupdf.open()
    width, height = size
    for number, colour in enumerate(colours, start=1):
        page = document.new_page(width=width, height=height)
        fill = tuple(c / 255 for c in colour)
        page.draw_rect(page.rect, color=fill, fill=fill)
        page.draw_rect(pymupdf.Rect(width / 10, height / 10, width * 4 / 10, height * 4 / 10),
                       color=(1, 1, 1), fill=(1, 1, 1))
        page.insert_text((width / 2, height / 2), f"Slide {number}", fontsize=12)
    if password is None:
        document.save(path)
    else:
        document.save(path, encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw=password,
                      owner_pw=password + "-owner")
    document.close()
    return path
