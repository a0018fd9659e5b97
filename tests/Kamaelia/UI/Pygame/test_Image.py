"""Image: what it shows (compared with the files), maxpect, bad files, arguments."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

from Axon.Ipc import shutdownMicroprocess
from Kamaelia.UI.Pygame.Image import Image, fitInside
from Kamaelia.UI.Pygame._pygame import pygame
from Kamaelia.UI.Pygame.sample_slides import makeSlides, slideColour

from componentharness import attach


def rgb(surface: Any) -> bytes:
    return pygame.image.tobytes(surface, "RGB")


def showing(screen: Any, image: Image, file: str, at: tuple[int, int]) -> bool:
    picture = pygame.image.load(file)
    width, height = picture.get_size()
    return screen.region((at[0], at[1], width, height)) == rgb(picture)


def test_it_shows_the_file_it_is_sent_pixel_for_pixel(screen: Any, tmp_path: Path) -> None:
    first, second = makeSlides(tmp_path, count=2, size=(200, 150))
    image = Image(size=(200, 150), position=(10, 20))
    attach(image)
    image.inboxes["inbox"].append(first)
    screen.until(lambda: image.display is not None and showing(screen, image, first, (10, 20)),
                 "the first image")
    image.inboxes["inbox"].append(Path(second))         # os.PathLike works too
    image.unpause()
    screen.until(lambda: showing(screen, image, second, (10, 20)), "the second image")


def test_smaller_images_show_the_background_and_none_clears(screen: Any,
                                                            tmp_path: Path) -> None:
    [small] = makeSlides(tmp_path, count=1, size=(64, 48))
    image = Image(image=small, size=(100, 100), position=(0, 0), bgcolour=(0, 255, 0))
    attach(image)
    screen.until(lambda: image.display is not None, "the image")
    screen.settle()
    assert screen.pixel((2, 2)) == slideColour(1) and screen.pixel((80, 80)) == (0, 255, 0)
    image.inboxes["inbox"].append(None)
    image.inboxes["bgcolour"].append((0, 0, 255))
    image.unpause()
    screen.until(lambda: screen.pixel((2, 2)) == (0, 0, 255), "the background alone")


def test_its_size_is_the_first_images_by_default(tmp_path: Path) -> None:
    [slide] = makeSlides(tmp_path, count=1, size=(120, 90))
    assert Image(image=slide).size == (120, 90)
    assert Image().size == (240, 192)


def test_maxpect_fits_the_image_keeping_its_aspect_and_centres_it(screen: Any,
                                                                  tmp_path: Path) -> None:
    [wide] = makeSlides(tmp_path, count=1, size=(400, 100))
    image = Image(image=wide, size=(200, 200), position=(0, 0), maxpect=(200, 200),
                  bgcolour=(0, 0, 0))
    attach(image)
    screen.until(lambda: image.display is not None, "the image")
    screen.settle()
    assert image.image.get_size() == (200, 50) and image.imagePosition == (0, 75)
    assert screen.pixel((5, 70)) == (0, 0, 0) and screen.pixel((5, 130)) == (0, 0, 0)
    red, green, blue = screen.pixel((5, 80))
    assert abs(red - slideColour(1)[0]) <= 2 and abs(blue - slideColour(1)[2]) <= 2
    assert fitInside((400, 100), (200, 200)) == (200, 50)
    assert fitInside((100, 400), (800, 600)) == (150, 600)


def test_file_contents_and_surfaces_can_be_sent_too(screen: Any, tmp_path: Path) -> None:
    [slide] = makeSlides(tmp_path, count=1, size=(80, 60))
    image = Image(size=(80, 60), position=(0, 0), expect_file_strings=True)
    attach(image)
    image.inboxes["inbox"].append(Path(slide).read_bytes())
    screen.until(lambda: image.display is not None and showing(screen, image, slide, (0, 0)),
                 "the image from bytes")
    plain = pygame.Surface((80, 60))
    plain.fill((1, 2, 3))
    image.inboxes["inbox"].append(plain)
    image.unpause()
    screen.until(lambda: screen.pixel((40, 30)) == (1, 2, 3), "the surface")


def test_a_file_it_cannot_read_is_logged_and_the_image_stays(
        screen: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    [slide] = makeSlides(tmp_path, count=1, size=(80, 60))
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"not a picture")
    image = Image(image=slide, position=(0, 0))
    attach(image)
    screen.until(lambda: image.display is not None, "the image")
    with caplog.at_level(logging.ERROR, logger="Kamaelia.UI.Pygame.Image"):
        image.inboxes["inbox"].append(str(broken))
        image.unpause()
        screen.settle()
    assert showing(screen, image, slide, (0, 0))
    [record] = caplog.records
    assert "broken.png" in record.getMessage() and image.name in record.getMessage()


def test_alphacontrol_fades_it_and_shutdown_removes_it(screen: Any) -> None:
    image = Image(size=(50, 50), position=(0, 0), bgcolour=(0, 0, 0))
    sink = attach(image)
    screen.until(lambda: image.display is not None, "the image")
    screen.settle()
    assert screen.pixel((10, 10)) == (0, 0, 0)
    image.inboxes["alphacontrol"].append(128)
    image.unpause()
    screen.until(lambda: 120 <= screen.pixel((10, 10))[0] <= 135, "half transparent")
    image.inboxes["control"].append(shutdownMicroprocess())
    image.unpause()
    screen.until(lambda: sink.control, "the shutdown passed on")
    screen.until(lambda: screen.display() is None, "the display to close with its last surface")


@pytest.mark.parametrize("arguments, message", [
    ({"image": "/no/such/file.png"}, "Image: cannot read the image '/no/such/file.png'"),
    ({"maxpect": (0, 10)}, "Image: maxpect must be >= 1"),
    ({"displayExtra": ["size"]}, "Image: displayExtra must be a dict"),
    ({"bgcolour": None}, "Image: bgcolour must be a colour"),
])
def test_bad_arguments_are_refused_naming_them(arguments: dict[str, Any],
                                               message: str) -> None:
    with pytest.raises((TypeError, ValueError), match=message):
        Image(**arguments)
