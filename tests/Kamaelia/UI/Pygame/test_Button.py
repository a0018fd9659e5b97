"""Button: looks (screenshot), clicks, keys, shutdown, arguments."""

from __future__ import annotations

from typing import Any

import pytest

from Axon.Ipc import producerFinished
from Kamaelia.UI.Pygame.Button import Button
from Kamaelia.UI.Pygame._pygame import pygame

from componentharness import attach


def shown(screen: Any, *buttons: Button) -> None:
    for button in buttons:
        attach(button)
    screen.until(lambda: all(b.display is not None for b in buttons), "the buttons")
    screen.settle()


def test_screenshot_background_and_caption(screen: Any) -> None:
    button = Button(caption="Next", position=(72, 8), bgcolour=(200, 220, 240),
                    fgcolour=(10, 10, 10))
    shown(screen, button)
    width, height = button.size
    caption = button.image.get_size()
    assert (width, height) == (caption[0] + 16, caption[1] + 16)      # margin 8
    region = screen.window().subsurface((72, 8, width, height))
    colours = {tuple(region.get_at((x, y)))[:3] for x in range(width) for y in range(height)}
    assert (200, 220, 240) in colours                        # the background...
    assert any(sum(c) < 200 for c in colours)                # ...and dark caption pixels
    for corner in [(0, 0), (width - 1, 0), (0, height - 1), (width - 1, height - 1)]:
        assert tuple(region.get_at(corner))[:3] == (200, 220, 240)
    inside = {tuple(region.get_at((x, y)))[:3] for x in range(8, width - 8)
              for y in range(8, height - 8)}
    assert any(sum(c) < 200 for c in inside)                 # the caption is inside the margin
    assert screen.pixel((71, 8)) == (255, 255, 255)          # nothing drawn outside it


def test_a_click_inside_sends_msg_and_one_outside_does_not(screen: Any) -> None:
    button = Button(caption="Next", msg="NEXT", position=(72, 8))
    sink = attach(button)
    screen.until(lambda: button.display is not None, "the button")
    screen.settle()
    screen.click((60, 15))
    screen.click((75, 12), button=3)             # any mouse button clicks it
    screen.until(lambda: sink.got, "the click")
    screen.settle()
    assert sink.got == ["NEXT"]


def test_the_default_msg_is_click_and_the_id(screen: Any) -> None:
    button = Button(position=(0, 0))
    sink = attach(button)
    screen.until(lambda: button.display is not None, "the button")
    screen.settle()
    screen.click((2, 2))
    screen.until(lambda: sink.got, "the click")
    assert sink.got == [("CLICK", button.id)] and button.caption == f"Button {button.id}"


def test_its_key_clicks_it_too(screen: Any) -> None:
    button = Button(caption="Space", key=pygame.K_SPACE, msg="go", position=(0, 0))
    sink = attach(button)
    screen.until(lambda: button.display is not None, "the button")
    screen.settle()
    screen.key(pygame.K_a, "a")
    screen.key(pygame.K_SPACE, " ")
    screen.until(lambda: sink.got, "the key")
    screen.settle()
    assert sink.got == ["go"]


def test_a_given_size_centres_the_caption_and_transparent_shows_the_background(
        screen: Any) -> None:
    button = Button(caption="OK", size=(100, 40), position=(10, 10), transparent=True)
    shown(screen, button)
    assert button.display.get_size() == (100, 40)
    assert screen.pixel((12, 12)) == (255, 255, 255)   # see-through background
    w, h = button.image.get_size()
    assert button.imagePosition == ((100 - w) // 2, (40 - h) // 2)


def test_shutdown_is_passed_on_and_the_button_disappears(screen: Any) -> None:
    keep = Button(caption="Stay", position=(200, 0))
    button = Button(caption="Go", position=(0, 0), bgcolour=(0, 0, 0))
    sink = attach(button)
    shown(screen, keep)
    screen.until(lambda: button.display is not None, "the button")
    screen.settle()
    assert screen.pixel((1, 1)) == (0, 0, 0)
    message = producerFinished()
    button.inboxes["control"].append(message)
    button.unpause()
    screen.until(lambda: sink.control, "the shutdown")
    screen.settle()
    assert sink.control == [message] and button._isStopped()
    assert screen.pixel((1, 1)) == (255, 255, 255)
    assert screen.display().statistics().surfaces == 1


@pytest.mark.parametrize("argument, value, message", [
    ("bgcolour", "mauve-ish", "Button: bgcolour must be a colour"),
    ("margin", -1, "Button: margin must be an int >= 0, not -1"),
    ("size", (0, 10), "Button: size must be >= 1"),
    ("position", "top left", "Button: position must be a pair of numbers"),
])
def test_bad_arguments_are_refused_naming_them(argument: str, value: Any,
                                               message: str) -> None:
    with pytest.raises((TypeError, ValueError), match=message):
        Button(**{argument: value})
