"""sample_slides: slides drawn with Pillow, told apart by their background."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from Kamaelia.UI.Pygame._pygame import pygame
from Kamaelia.UI.Pygame.sample_slides import makeSlides, slideColour, whichSlide


@pytest.mark.parametrize("extension", [".png", ".gif", ".jpg"])
def test_slides_are_written_sorted_and_recognisable(tmp_path: Path, extension: str) -> None:
    files = makeSlides(tmp_path, count=4, size=(160, 120), extension=extension)
    assert files == sorted(files) == sorted(str(p) for p in tmp_path.iterdir())
    assert [os.path.basename(f) for f in files] == [f"slide-{n}{extension}" for n in (1, 2, 3, 4)]
    for number, file in enumerate(files, start=1):
        picture = pygame.image.load(file)
        assert picture.get_size() == (160, 120)
        corner = tuple(picture.get_at((3, 3)))
        if extension == ".jpg":
            assert all(abs(a - b) <= 8 for a, b in zip(corner, slideColour(number)))
        else:
            assert whichSlide(corner, 4) == number


def test_ten_or_more_slides_are_zero_padded(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="at most 8 slides"):
        makeSlides(tmp_path, count=10)
    assert whichSlide((1, 2, 3), 4) is None


@pytest.mark.parametrize("arguments, message", [
    ({"count": 0}, "count must be an int >= 1, not 0"),
    ({"size": (10, 10)}, "size must be at least"),
])
def test_bad_arguments_are_refused(tmp_path: Path, arguments: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        makeSlides(tmp_path, **arguments)
