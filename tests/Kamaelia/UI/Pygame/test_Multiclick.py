"""Multiclick: a message per mouse button; transparent by default."""

from __future__ import annotations

from typing import Any

from Kamaelia.UI.Pygame.Multiclick import Multiclick

from componentharness import attach


def test_each_mouse_button_sends_its_own_message(screen: Any) -> None:
    button = Multiclick(caption="Click", msgs=[None, "left", "middle", "right"],
                        position=(10, 10))
    sink = attach(button)
    screen.until(lambda: button.display is not None, "the button")
    screen.settle()
    for which in (1, 3, 2, 5):                   # 5 (wheel down) has no message
        screen.click((14, 14), button=which)
    screen.click((200, 200), button=1)           # outside
    screen.until(lambda: len(sink.got) == 3, "three clicks")
    screen.settle()
    assert sink.got == ["left", "right", "middle"]
    assert screen.pixel((11, 11)) == (255, 255, 255)      # transparent background


def test_without_msgs_every_button_sends_msg(screen: Any) -> None:
    button = Multiclick(caption="Any", msg="clicked", transparent=False, position=(0, 0),
                        bgcolour=(0, 0, 0))
    sink = attach(button)
    screen.until(lambda: button.display is not None, "the button")
    screen.settle()
    assert screen.pixel((1, 1)) == (0, 0, 0)
    screen.click((3, 3), button=3)
    screen.until(lambda: sink.got, "the click")
    assert sink.got == ["clicked"]
