"""TextDisplayer and Textbox: lines shown (screenshot), typing, Enter, shutdown."""

from __future__ import annotations

from typing import Any

from Axon.Ipc import producerFinished
from Kamaelia.UI.Pygame.Text import TextDisplayer, Textbox
from Kamaelia.UI.Pygame._pygame import pygame

from componentharness import attach

BACKGROUND = (255, 255, 200)


def dark(screen: Any, rect: tuple[int, int, int, int]) -> int:
    area = screen.window().subsurface(rect)
    return sum(1 for x in range(rect[2]) for y in range(rect[3])
               if sum(tuple(area.get_at((x, y)))[:3]) < 300)


def test_screenshot_lines_appear_at_the_bottom_and_move_up(screen: Any) -> None:
    shown = TextDisplayer(size=(300, 100), position=(0, 0), border_size=2)
    attach(shown)
    screen.until(lambda: getattr(shown, "screen", None) is not None, "the surface")
    screen.settle()
    assert screen.pixel((0, 0)) == (128, 128, 128) and screen.pixel((150, 50)) == BACKGROUND
    lineHeight = shown.font.get_linesize()
    bottom = (2, 100 - 2 - lineHeight, 296, lineHeight)
    assert dark(screen, bottom) == 0
    shown.inboxes["inbox"].append("hello world")
    shown.unpause()
    screen.until(lambda: dark(screen, bottom) > 10, "the line at the bottom")
    above = (2, 100 - 2 - 2 * lineHeight, 296, lineHeight)
    assert dark(screen, above) == 0
    shown.inboxes["inbox"].append("second line")
    shown.unpause()
    screen.until(lambda: dark(screen, above) > 10, "the first line moved up")


def test_long_lines_wrap_at_a_space(screen: Any) -> None:
    shown = TextDisplayer(size=(120, 200), position=(0, 0))
    attach(shown)
    screen.until(lambda: getattr(shown, "screen", None) is not None, "the surface")
    lines = shown._wrap("the quick brown fox jumps over the lazy dog")
    assert len(lines) > 1 and " ".join(lines) == "the quick brown fox jumps over the lazy dog"
    assert all(shown.font.size(line)[0] <= shown.textWidth for line in lines)
    assert all(shown.font.size(line)[0] <= shown.textWidth
               for line in shown._wrap("x" * 200))


def test_textbox_types_keys_and_sends_the_line_on_enter(screen: Any) -> None:
    box = Textbox(size=(300, 60), position=(0, 0))
    sink = attach(box)
    screen.until(lambda: getattr(box, "screen", None) is not None, "the surface")
    screen.settle()
    before = dark(screen, (0, 0, 300, 60))         # the cursor alone
    screen.type("hi therx")
    screen.until(lambda: box.string_buffer == "hi therx", "the typing")
    screen.settle()
    assert dark(screen, (0, 0, 300, 60)) > before + 20      # screenshot: text drawn
    screen.key(pygame.K_BACKSPACE, "\x08")
    screen.type("e\n")
    screen.until(lambda: sink.got, "the line")
    assert sink.got == ["hi there"] and box.string_buffer == ""


def test_textbox_takes_characters_on_inbox_too(screen: Any) -> None:
    box = Textbox(size=(300, 60), position=(0, 0), initial_string_buffer="ab")
    sink = attach(box)
    box.inboxes["inbox"].extend(["c", "\x08", "d", "\n"])
    screen.until(lambda: sink.got, "the line")
    assert sink.got == ["abd"]


def test_escape_ends_a_textbox_and_shutdown_ends_a_displayer(screen: Any) -> None:
    box = Textbox(size=(100, 40), position=(0, 0))
    boxSink = attach(box)
    shown = TextDisplayer(size=(100, 40), position=(0, 50))
    shownSink = attach(shown)
    screen.until(lambda: getattr(box, "screen", None) is not None
                 and getattr(shown, "screen", None) is not None, "the surfaces")
    screen.settle()
    screen.key(pygame.K_ESCAPE, "\x1b")
    screen.until(lambda: boxSink.control, "the Textbox to end")
    message = producerFinished()
    shown.inboxes["control"].append(message)
    shown.unpause()
    screen.until(lambda: shownSink.control, "the TextDisplayer to end")
    assert shownSink.control == [message]
    screen.until(lambda: screen.display() is None, "both surfaces given back")
