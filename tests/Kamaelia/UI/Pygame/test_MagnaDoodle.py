"""MagnaDoodle: drag a line and find it on the window; wipe; shutdown."""

from __future__ import annotations

from typing import Any

from Axon.Ipc import shutdownMicroprocess
from Kamaelia.UI.Pygame.MagnaDoodle import MagnaDoodle
from Kamaelia.UI.Pygame._pygame import pygame

from componentharness import attach

BOARD = (124, 124, 124)


def board(screen: Any) -> tuple[MagnaDoodle, Any]:
    doodle = MagnaDoodle(position=(100, 100), size=(200, 200))
    sink = attach(doodle)
    screen.until(lambda: doodle.display is not None, "the board")
    screen.settle()
    return doodle, sink


def test_screenshot_the_empty_board_has_a_red_frame(screen: Any) -> None:
    board(screen)
    assert screen.pixel((100, 100)) == (255, 0, 0) and screen.pixel((109, 150)) == (255, 0, 0)
    assert screen.pixel((110, 110)) == BOARD and screen.pixel((200, 200)) == BOARD


def test_dragging_draws_a_line_along_the_path(screen: Any) -> None:
    doodle, _ = board(screen)
    path = [(130, 150), (160, 150), (190, 150), (220, 150), (250, 150)]
    screen.drag(path)
    screen.until(lambda: screen.pixel((250, 150)) == (0, 0, 0), "the line to its end")
    for x in range(130, 251, 5):
        assert screen.pixel((x, 150)) == (0, 0, 0), x           # along the line
    assert screen.pixel((190, 140)) == BOARD                    # not beside it
    assert screen.pixel((190, 170)) == BOARD
    # Moving without the button held draws nothing.
    screen.post(pygame.MOUSEMOTION, pos=(150, 250), rel=(0, 0), buttons=(0, 0, 0))
    screen.post(pygame.MOUSEMOTION, pos=(250, 250), rel=(100, 0),
                buttons=(0, 0, 0))
    screen.settle()
    assert screen.pixel((200, 250)) == BOARD


def test_a_right_click_wipes_the_board(screen: Any) -> None:
    board(screen)
    screen.drag([(130, 150), (250, 150)])
    screen.until(lambda: screen.pixel((200, 150)) == (0, 0, 0), "the line")
    screen.click((200, 200), button=3)
    screen.until(lambda: screen.pixel((200, 150)) == BOARD, "a clean board")


def test_the_pen_stays_on_the_board(screen: Any) -> None:
    board(screen)
    screen.drag([(150, 150), (150, 50), (250, 150)])      # out over the top, back in
    screen.settle()
    assert screen.pixel((150, 105)) == (255, 0, 0)        # the frame is not drawn on
    assert screen.pixel((150, 95)) == (255, 255, 255)     # nor the window outside


def test_shutdown_is_passed_on(screen: Any) -> None:
    doodle, sink = board(screen)
    message = shutdownMicroprocess()
    doodle.inboxes["control"].append(message)
    doodle.unpause()
    screen.until(lambda: sink.control, "the shutdown")
    assert sink.control == [message]
