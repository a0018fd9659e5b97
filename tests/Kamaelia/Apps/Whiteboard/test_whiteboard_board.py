"""Tests for Kamaelia.Apps.Whiteboard.Board: drawing, pages, undo and snapshots."""

from __future__ import annotations

from typing import Any, Sequence

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from Kamaelia.Apps.Whiteboard import Board as BoardModule
from Kamaelia.Apps.Whiteboard.Board import DEFAULT_SIZE, MAX_HISTORY, WHITE, Board
from Kamaelia.Apps.Whiteboard.Commands import (MAX_PAGES, checkMessage, decodeImage,
                                               pageimgCommand, setimgCommand)
from Kamaelia.Apps.Whiteboard.Tokenisation import decodeLine, encodeTokens

SIZE = (64, 48)
RED, GREEN, BLUE, BLACK = (255, 0, 0), (0, 255, 0), (0, 0, 255), (0, 0, 0)


def at(board: Board, x: int, y: int, page: int | None = None) -> tuple[int, int, int]:
    surface = board.surface if page is None else board.pageSurface(page)
    return tuple(surface.get_at((x, y)))[:3]  # type: ignore[return-value]


def solid(colour: Sequence[int], size: Sequence[int] = SIZE) -> bytes:
    return bytes(colour) * (size[0] * size[1])


def count(board: Board, colour: Sequence[int]) -> int:
    """How many of the current page's pixels are ``colour``."""
    raw, wanted = board.pixels(), bytes(colour)
    return sum(raw[i:i + 3] == wanted for i in range(0, len(raw), 3))


def line(colour: Sequence[int], x0: int, y0: int, x1: int, y1: int,
         width: int = 1) -> list[str]:
    tokens = ["LINE", *map(str, colour), str(x0), str(y0), str(x1), str(y1)]
    return tokens + ([str(width)] if width != 1 else [])


def wire(message: list[list[Any]]) -> list[list[Any]]:
    """``message`` as a peer receives and checks it."""
    tokens: Any = message
    return checkMessage(decodeLine(encodeTokens(tokens)))


def state(board: Board) -> tuple[int, int, list[bytes]]:
    return (board.current, board.pageCount,
            [board.pixels(page) for page in range(1, board.pageCount + 1)])


def pages(count: int, current: int = 1) -> Board:
    """A board of ``count`` pages, page n filled with the colour (n, 2n, 3n)."""
    board = Board(size=SIZE)
    board.apply(["PAGE", "1", str(count)])
    for page in range(1, count + 1):
        board.apply(["PAGE", str(page), str(count)])
        board.apply(["CLEAR", str(page), str(2 * page), str(3 * page)])
    board.apply(["PAGE", str(current), str(count)])
    return board


def colours(board: Board) -> list[int]:
    """Which of ``pages``' pages the board holds, in order (by their colour)."""
    return [board.pixels(page)[0] for page in range(1, board.pageCount + 1)]


# ------------------------------------------------------------------ a new board
def test_a_new_board_is_one_white_page_of_the_default_size() -> None:
    board = Board()
    assert board.size == DEFAULT_SIZE == (1024, 704)
    assert (board.current, board.pageCount, board.version) == (1, 1, 0)
    assert board.pixels() == solid(WHITE, DEFAULT_SIZE)
    assert board.surface.get_size() == DEFAULT_SIZE


def test_a_board_may_have_another_background() -> None:
    board = Board(size=SIZE, background=BLACK)
    assert board.pixels() == solid(BLACK)
    board.apply(["CLEAR", "1", "2", "3"])
    board.apply(["CLEAR"])
    assert board.pixels() == solid(BLACK)
    assert board.newPage() and board.pixels() == solid(BLACK)


@pytest.mark.parametrize("size", [(0, 10), (10, 0), (-1, 5)])
def test_a_board_needs_a_positive_size(size: tuple[int, int]) -> None:
    with pytest.raises(ValueError, match="positive size"):
        Board(size=size)


# ------------------------------------------------------------------ drawing
def test_a_line_one_pixel_wide() -> None:
    board = Board(size=SIZE)
    board.apply(line(RED, 5, 10, 30, 10))
    for x in (5, 17, 30):
        assert at(board, x, 10) == RED
    for x, y in ((4, 10), (31, 10), (17, 9), (17, 11)):
        assert at(board, x, y) == WHITE
    assert count(board, RED) == 26


def test_a_diagonal_line_one_pixel_wide() -> None:
    board = Board(size=SIZE)
    board.apply(line(BLUE, 0, 0, 20, 20))
    assert all(at(board, i, i) == BLUE for i in range(21))
    assert at(board, 1, 0) == at(board, 0, 1) == WHITE


def test_a_wide_line_has_its_width_and_round_ends() -> None:
    board = Board(size=SIZE)
    board.apply(line(GREEN, 20, 20, 40, 20, 9))
    assert at(board, 30, 16) == at(board, 30, 24) == GREEN       # 4 either side
    assert at(board, 30, 14) == at(board, 30, 26) == WHITE
    # Round ends: past each end along the line, but not in the corners.
    assert at(board, 17, 20) == at(board, 43, 20) == GREEN
    assert at(board, 17, 16) == at(board, 43, 24) == WHITE      # square ends would fill these
    assert at(board, 15, 20) == at(board, 45, 20) == WHITE


def test_a_filled_circle() -> None:
    board = Board(size=SIZE)
    board.apply(["CIRCLE", "0", "0", "255", "30", "20", "8"])
    for x, y in ((30, 20), (23, 20), (37, 20), (30, 13), (30, 27), (25, 16)):
        assert at(board, x, y) == BLUE
    for x, y in ((30, 11), (21, 20), (39, 20), (30, 29), (23, 13)):
        assert at(board, x, y) == WHITE


def test_a_circle_is_114s_eraser() -> None:
    board = Board(size=SIZE)
    board.apply(["CLEAR", "0", "0", "0"])
    board.apply(["CIRCLE", "255", "255", "255", "10", "10", "8"])
    assert at(board, 10, 10) == WHITE and at(board, 30, 30) == BLACK


def test_clear_with_a_colour_fills_the_page() -> None:
    board = Board(size=SIZE)
    board.apply(line(RED, 0, 0, 63, 47, 5))
    board.apply(["CLEAR", "10", "20", "30"])
    assert board.pixels() == solid((10, 20, 30))


def test_clear_without_a_colour_makes_the_page_white() -> None:
    board = Board(size=SIZE)
    board.apply(["CLEAR", "10", "20", "30"])
    board.apply(["CLEAR"])
    assert board.pixels() == solid(WHITE)


def test_clear_draws_only_on_the_current_page() -> None:
    board = pages(3, current=2)
    board.apply(["CLEAR", "9", "9", "9"])
    assert colours(board) == [1, 9, 3]


def test_write_draws_its_text_in_its_colour_inside_its_box() -> None:
    board = Board(size=(200, 80))
    board.apply(["WRITE", "20", "30", "24", "0", "0", "0", "Hi!"])
    raw = board.pixels()
    dark = [(i // 3 % 200, i // 3 // 200) for i in range(0, len(raw), 3)
            if raw[i:i + 3] != bytes(WHITE)]
    assert len(dark) > 20
    assert all(raw[3 * (x + 200 * y):3 * (x + 200 * y) + 3] == bytes(BLACK) for x, y in dark)
    assert all(20 <= x < 20 + 3 * 24 and 30 <= y < 30 + 24 for x, y in dark)


def test_write_is_not_antialiased_so_every_peer_draws_the_same_pixels() -> None:
    board = Board(size=(200, 80))
    board.apply(["WRITE", "5", "5", "40", "255", "0", "0", "Ag"])
    raw = board.pixels()
    found = {raw[i:i + 3] for i in range(0, len(raw), 3)}
    assert found == {bytes(WHITE), bytes(RED)}


def test_write_text_from_the_wire_draws_the_same_as_given() -> None:
    one, two = Board(size=(200, 80)), Board(size=(200, 80))
    command = ["WRITE", "5", "5", "30", "0", "0", "0", "Grüße 9 [x]"]
    one.apply(command)
    [received] = wire([command])
    two.apply(received)
    assert one.pixels() == two.pixels() != solid(WHITE, (200, 80))


@pytest.mark.parametrize("text", ["", "\u200b", "\ufeff\u200d", "\x00", "\x00\u200b"])
def test_write_of_text_with_no_width_draws_nothing(text: str) -> None:
    board = Board(size=SIZE)
    board.apply(["WRITE", "5", "5", "20", "0", "0", "0", text])
    assert board.pixels() == solid(WHITE)
    assert board.version == 1


def test_write_drops_nul_characters() -> None:
    one, two = Board(size=(200, 80)), Board(size=(200, 80))
    one.apply(["WRITE", "5", "5", "30", "0", "0", "0", "a\x00b"])
    two.apply(["WRITE", "5", "5", "30", "0", "0", "0", "ab"])
    assert one.pixels() == two.pixels()


def test_drawing_far_off_the_page_changes_no_pixel() -> None:
    board = Board(size=SIZE)
    board.apply(line(RED, -100000, -5, -90000, -5, 64))
    board.apply(["CIRCLE", "0", "0", "0", "1048576", "1048576", "2048"])
    assert board.pixels() == solid(WHITE)


def test_drawing_commands_draw_on_the_current_page_only() -> None:
    board = pages(2, current=2)
    board.apply(line(RED, 0, 0, 10, 0))
    assert at(board, 5, 0) == RED
    assert at(board, 5, 0, page=1) == (1, 2, 3)


def test_getimg_and_auth_change_nothing() -> None:
    board = Board(size=SIZE)
    board.apply(["GETIMG"])
    board.apply(["AUTH", "secret"])
    assert board.version == 0 and board.pixels() == solid(WHITE)


def test_the_version_grows_with_every_change() -> None:
    board = Board(size=SIZE)
    changes: list[list[Any]] = [
        line(RED, 1, 1, 5, 5), ["CIRCLE", "0", "0", "0", "5", "5", "2"], ["CLEAR"],
        ["WRITE", "1", "1", "10", "0", "0", "0", "x"], setimgCommand(solid(RED), SIZE),
        pageimgCommand(2, solid(BLUE), SIZE), ["PAGE", "2", "3"], ["PREV"], ["NEXT"],
        ["DELPAGE", "3"]]
    seen = [board.version]
    for command in changes:
        board.apply(command)
        seen.append(board.version)
    for method in (board.newPage, board.previousPage, board.nextPage, board.deletePage):
        method()
        seen.append(board.version)
    board.goTo(1)
    seen.append(board.version)
    board.apply(line(RED, 1, 1, 5, 5), stroke=1)
    board.undo()
    seen.append(board.version)
    board.replacePages([solid(GREEN)])
    seen.append(board.version)
    assert all(later > earlier for earlier, later in zip(seen, seen[1:])), seen


# ------------------------------------------------------------------ images
def test_setimg_of_the_board_size_replaces_the_page() -> None:
    board = Board(size=SIZE)
    board.apply(line(RED, 0, 0, 63, 47, 9))
    picture = bytes(i % 251 for i in range(SIZE[0] * SIZE[1] * 3))
    board.apply(setimgCommand(picture, SIZE))
    assert board.pixels() == picture


def test_setimg_from_the_wire_replaces_the_page() -> None:
    board = Board(size=SIZE)
    picture = bytes(i % 253 for i in range(SIZE[0] * SIZE[1] * 3))
    [received] = wire([setimgCommand(picture, SIZE)])
    assert isinstance(received[1], str)
    board.apply(received)
    assert board.pixels() == picture


def test_setimg_of_a_smaller_size_is_drawn_at_the_top_left() -> None:
    board = Board(size=SIZE)
    board.apply(["CLEAR", "0", "0", "255"])
    board.apply(setimgCommand(solid(RED, (10, 5)), (10, 5)))
    assert at(board, 0, 0) == at(board, 9, 4) == RED
    assert at(board, 10, 0) == at(board, 0, 5) == at(board, 63, 47) == BLUE
    assert count(board, RED) == 50


def test_setimg_of_a_larger_size_is_cut_at_the_board_edges() -> None:
    board = Board(size=SIZE)
    big = (SIZE[0] + 20, SIZE[1] + 10)
    picture = b"".join(bytes((x % 256, y % 256, 7)) for y in range(big[1]) for x in range(big[0]))
    board.apply(setimgCommand(picture, big))
    expected = b"".join(picture[3 * big[0] * y:3 * (big[0] * y + SIZE[0])]
                        for y in range(SIZE[1]))
    assert board.pixels() == expected


def test_pageimg_sets_another_page_without_going_there() -> None:
    board = pages(3, current=1)
    board.apply(pageimgCommand(3, solid(RED), SIZE))
    assert board.current == 1
    assert board.pixels(3) == solid(RED)
    assert colours(board)[:2] == [1, 2]


def test_pageimg_past_the_last_page_makes_the_deck_that_long() -> None:
    board = Board(size=SIZE)
    board.apply(pageimgCommand(4, solid(RED), SIZE))
    assert (board.current, board.pageCount) == (1, 4)
    assert board.pixels(4) == solid(RED)
    assert board.pixels(2) == board.pixels(3) == solid(WHITE)


def test_pageimg_of_another_size_is_drawn_at_the_top_left() -> None:
    board = pages(2)
    board.apply(pageimgCommand(2, solid(RED, (3, 2)), (3, 2)))
    assert at(board, 2, 1, page=2) == RED and at(board, 3, 1, page=2) == (2, 4, 6)


# ------------------------------------------------------------------ pages
def test_page_grows_the_deck_and_goes_to_the_page() -> None:
    board = Board(size=SIZE)
    board.apply(line(RED, 0, 0, 10, 0))
    board.apply(["PAGE", "3", "5"])
    assert (board.current, board.pageCount) == (3, 5)
    assert board.pixels() == board.pixels(5) == solid(WHITE)
    assert at(board, 5, 0, page=1) == RED


def test_page_shrinks_the_deck_keeping_the_first_pages() -> None:
    board = pages(5, current=5)
    board.apply(["PAGE", "2", "2"])
    assert (board.current, board.pageCount) == (2, 2)
    assert colours(board) == [1, 2]


def test_page_moves_within_the_deck() -> None:
    board = pages(4, current=4)
    board.apply(["PAGE", "1", "4"])
    assert (board.current, colours(board)) == (1, [1, 2, 3, 4])
    assert board.pixels() == solid((1, 2, 3))


def test_the_deck_holds_at_most_max_pages() -> None:
    board = Board(size=(4, 4))
    board.apply(["PAGE", str(MAX_PAGES), str(MAX_PAGES)])
    assert (board.current, board.pageCount) == (MAX_PAGES, MAX_PAGES)
    assert board.newPage() == []
    assert board.pageCount == MAX_PAGES
    board.apply(pageimgCommand(MAX_PAGES, solid(RED, (4, 4)), (4, 4)))
    assert board.pageCount == MAX_PAGES


def test_delpage_before_the_current_page() -> None:
    board = pages(3, current=3)
    board.apply(["DELPAGE", "1"])
    assert (board.current, board.pageCount, colours(board)) == (2, 2, [2, 3])
    assert board.pixels() == solid((3, 6, 9))           # still showing the same page


def test_delpage_after_the_current_page() -> None:
    board = pages(3, current=1)
    board.apply(["DELPAGE", "3"])
    assert (board.current, board.pageCount, colours(board)) == (1, 2, [1, 2])


def test_delpage_of_the_current_page() -> None:
    board = pages(3, current=2)
    board.apply(["DELPAGE", "2"])
    assert (board.pageCount, colours(board)) == (2, [1, 3])
    assert 1 <= board.current <= 2


def test_delpage_of_the_first_page_when_showing_it() -> None:
    board = pages(3, current=1)
    board.apply(["DELPAGE", "1"])
    assert (board.current, colours(board)) == (1, [2, 3])


def test_delpage_of_the_last_page_when_showing_it() -> None:
    board = pages(3, current=3)
    board.apply(["DELPAGE", "3"])
    assert (board.current, colours(board)) == (2, [1, 2])


def test_delpage_of_the_only_page_leaves_one_blank_page() -> None:
    board = pages(1)
    board.apply(["DELPAGE", "1"])
    assert (board.current, board.pageCount) == (1, 1)
    assert board.pixels() == solid(WHITE)


def test_delpage_of_a_page_that_is_not_there_changes_nothing() -> None:
    board = pages(2, current=2)
    board.apply(["DELPAGE", "5"])
    assert (board.current, colours(board)) == (2, [1, 2])


def test_prev_and_next_turn_pages_and_stop_at_the_ends() -> None:
    board = pages(3, current=1)
    board.apply(["PREV"])
    assert board.current == 1
    board.apply(["NEXT"])
    assert board.current == 2
    board.apply(["next"])
    board.apply(["NEXT"])
    assert board.current == 3
    board.apply(["prev"])
    assert board.current == 2 and board.pageCount == 3
    assert board.pixels() == solid((2, 4, 6))


def test_goto_returns_the_page_command() -> None:
    board = pages(3, current=1)
    assert board.goTo(3) == [["PAGE", "3", "3"]]
    assert board.current == 3
    assert board.goTo(3) == []                          # already there


@pytest.mark.parametrize("page", [0, 4, -1])
def test_goto_a_page_that_is_not_there_raises(page: int) -> None:
    board = pages(3, current=2)
    with pytest.raises(ValueError, match=f"page {page} is not one of this board's 3 pages"):
        board.goTo(page)
    assert board.current == 2


def test_next_and_previous_page_return_the_page_command_or_nothing_at_the_ends() -> None:
    board = pages(2, current=1)
    assert board.previousPage() == []
    assert board.nextPage() == [["PAGE", "2", "2"]]
    assert board.nextPage() == []
    assert board.current == 2
    assert board.previousPage() == [["PAGE", "1", "2"]]
    assert board.current == 1


def test_new_page_adds_a_blank_page_at_the_end_and_shows_it() -> None:
    board = pages(3, current=1)
    assert board.newPage() == [["PAGE", "4", "4"]]
    assert (board.current, board.pageCount) == (4, 4)
    assert board.pixels() == solid(WHITE)
    assert colours(board)[:3] == [1, 2, 3]


def test_delete_page_returns_delpage_then_page() -> None:
    board = pages(3, current=2)
    commands = board.deletePage()
    assert commands[0] == ["DELPAGE", "2"]
    assert commands[1] == ["PAGE", str(board.current), "2"]
    assert colours(board) == [1, 3]


def test_delete_page_of_a_one_page_deck_clears_it() -> None:
    board = Board(size=SIZE)
    board.apply(line(RED, 0, 0, 10, 10, 5))
    assert board.deletePage() == [["CLEAR"]]
    assert (board.pageCount, board.pixels()) == (1, solid(WHITE))


TURNS = {  # name: (pages, current, the turn)
    "goTo": (3, 2, lambda board: board.goTo(3)),
    "nextPage": (3, 2, Board.nextPage),
    "previousPage": (3, 2, Board.previousPage),
    "newPage": (3, 2, Board.newPage),
    "deletePage": (3, 2, Board.deletePage),
    "deleteFirstPage": (3, 1, Board.deletePage),
    "deleteLastPage": (3, 3, Board.deletePage),
    "deleteOnlyPage": (1, 1, Board.deletePage),
}


@pytest.mark.parametrize("name", list(TURNS))
def test_a_peer_that_applies_the_returned_commands_ends_in_the_same_state(name: str) -> None:
    count, current, turn = TURNS[name]
    here, there = pages(count, current), pages(count, current)
    commands = turn(here)
    assert commands
    for command in wire(commands):
        there.apply(command)
    assert state(here) == state(there)


def test_replace_pages_makes_the_deck_those_pages_showing_the_first() -> None:
    board = pages(3, current=3)
    board.replacePages([solid(RED), solid(GREEN)])
    assert (board.current, board.pageCount) == (1, 2)
    assert [board.pixels(1), board.pixels(2)] == [solid(RED), solid(GREEN)]


@pytest.mark.parametrize("count", [0, MAX_PAGES + 1])
def test_replace_pages_needs_one_to_max_pages(count: int) -> None:
    board = Board(size=(2, 2))
    with pytest.raises(ValueError, match="a deck has 1 to 500 pages"):
        board.replacePages([solid(RED, (2, 2))] * count)
    assert board.pageCount == 1


def test_pixels_of_a_page_that_is_not_there_raises() -> None:
    board = pages(2)
    with pytest.raises(ValueError, match="page 3 is not one of"):
        board.pixels(3)
    with pytest.raises(ValueError):
        board.pageSurface(0)


# ------------------------------------------------------------------ undo
def _draw(board: Board, stroke: int | None, *commands: list[str]) -> None:
    for command in commands:
        board.apply(command, stroke=stroke)


def test_undo_takes_back_only_the_last_local_stroke() -> None:
    board, expected = Board(size=SIZE), Board(size=SIZE)
    mine1 = [line(RED, 0, 10, 60, 10, 3), line(RED, 60, 10, 60, 40, 3)]
    peer = [line(BLUE, 30, 0, 30, 47, 5), ["CIRCLE", "0", "255", "0", "20", "20", "6"]]
    mine2 = [line(BLACK, 0, 0, 63, 47, 7), line(BLACK, 63, 0, 0, 47, 7)]
    _draw(board, 1, *mine1)
    _draw(board, 2, mine2[0])
    _draw(board, None, peer[0])                  # a peer's line while our stroke goes on
    _draw(board, 2, mine2[1])
    _draw(board, None, peer[1])
    _draw(expected, None, *mine1, *peer)
    [command] = board.undo()
    assert board.pixels() == expected.pixels()
    assert command[0] == "SETIMG" and command[2:] == ["64", "48", "RGB"]
    assert decodeImage(command[1], *SIZE) == board.pixels()


def test_undo_again_takes_back_the_stroke_before_then_nothing() -> None:
    board, expected = Board(size=SIZE), Board(size=SIZE)
    peer = line(BLUE, 30, 0, 30, 47, 5)
    _draw(board, 1, line(RED, 0, 10, 60, 10, 3))
    _draw(board, None, peer)
    _draw(board, 2, line(GREEN, 0, 20, 60, 20, 3))
    _draw(expected, None, peer)
    assert board.undo() and board.undo()
    assert board.pixels() == expected.pixels()
    version = board.version
    assert board.undo() == []                    # the peer's line is not ours to undo
    assert board.version == version and board.pixels() == expected.pixels()


def test_nothing_to_undo_on_a_new_board() -> None:
    board = Board(size=SIZE)
    assert board.undo() == []
    assert board.version == 0


def test_undo_sent_to_a_peer_gives_it_the_same_pixels() -> None:
    here, there = Board(size=SIZE), Board(size=SIZE)
    commands = [line(RED, 0, 0, 63, 47, 9), ["WRITE", "5", "5", "20", "0", "0", "0", "hi"]]
    _draw(here, 1, *commands)
    for command in commands:
        there.apply(command)
    for command in wire(here.undo()):
        there.apply(command)
    assert there.pixels() == here.pixels() == solid(WHITE)


def test_undo_redraws_text_and_wide_lines_exactly() -> None:
    board, expected = Board(size=(200, 80)), Board(size=(200, 80))
    kept = [["WRITE", "5", "5", "30", "200", "0", "0", "Kept"], line(BLUE, 0, 0, 199, 79, 11),
            ["CIRCLE", "0", "0", "0", "150", "40", "20"]]
    _draw(board, 1, *kept)
    _draw(board, 2, ["WRITE", "50", "40", "30", "0", "0", "0", "Gone"])
    _draw(expected, None, *kept)
    board.undo()
    assert board.pixels() == expected.pixels()


def test_undo_does_not_reach_past_a_clear() -> None:
    board, expected = Board(size=SIZE), Board(size=SIZE)
    _draw(board, 1, line(RED, 0, 10, 60, 10, 3))
    _draw(board, None, ["CLEAR", "0", "0", "255"])
    _draw(board, 2, line(GREEN, 0, 20, 60, 20, 3))
    expected.apply(["CLEAR", "0", "0", "255"])
    assert board.undo()
    assert board.pixels() == expected.pixels()
    assert board.undo() == []
    assert board.pixels() == expected.pixels()


@pytest.mark.parametrize("name", ["SETIMG", "PAGEIMG"])
def test_undo_does_not_reach_past_an_image(name: str) -> None:
    board = Board(size=SIZE)
    picture = bytes(i % 249 for i in range(SIZE[0] * SIZE[1] * 3))
    image = setimgCommand(picture, SIZE) if name == "SETIMG" else pageimgCommand(1, picture, SIZE)
    _draw(board, 1, line(RED, 0, 10, 60, 10, 3))
    _draw(board, None, image)
    _draw(board, 2, line(GREEN, 0, 20, 60, 20, 3))
    assert board.undo()
    assert board.pixels() == picture
    assert board.undo() == []
    assert board.pixels() == picture


def test_undo_after_a_smaller_image_keeps_what_was_under_it() -> None:
    board, expected = Board(size=SIZE), Board(size=SIZE)
    for target in (board, expected):
        target.apply(["CLEAR", "0", "0", "255"])
        target.apply(setimgCommand(solid(RED, (8, 8)), (8, 8)))
    _draw(board, 1, line(GREEN, 0, 20, 60, 20, 3))
    board.undo()
    assert board.pixels() == expected.pixels()


def test_undo_works_on_the_current_page_only() -> None:
    board = Board(size=SIZE)
    _draw(board, 1, line(RED, 0, 10, 60, 10, 3))
    board.newPage()
    _draw(board, 2, line(GREEN, 0, 20, 60, 20, 3))
    assert board.undo()
    assert board.undo() == []                    # stroke 1 is on page 1
    assert board.pixels() == solid(WHITE)
    board.previousPage()
    assert board.undo()
    assert board.pixels() == solid(WHITE)


def test_undo_of_a_stroke_starting_on_a_loaded_deck() -> None:
    board = Board(size=SIZE)
    board.replacePages([solid(RED), solid(GREEN)])
    _draw(board, 1, line(BLUE, 0, 10, 60, 10, 3))
    board.undo()
    assert board.pixels() == solid(RED)


def test_history_folding_keeps_the_pixels_and_undo_still_works(
        monkeypatch: pytest.MonkeyPatch) -> None:
    strokes = [line((20 * n, 255 - 20 * n, 7 * n), 0, 2 * n, 63, 47 - 2 * n, 1 + n % 4)
               for n in range(12)]
    # The pixels of the first k strokes, drawn with the usual (large) history.
    references = []
    for count in range(len(strokes) + 1):
        reference = Board(size=SIZE)
        _draw(reference, None, *strokes[:count])
        references.append(reference.pixels())
    assert MAX_HISTORY > len(strokes)
    monkeypatch.setattr(BoardModule, "MAX_HISTORY", 4)
    board = Board(size=SIZE)
    for count, command in enumerate(strokes, 1):
        _draw(board, count, command)
        assert board.pixels() == references[count]
    undone = 0
    while board.undo():
        undone += 1
        assert board.pixels() == references[len(strokes) - undone]
    assert 1 <= undone <= 4                      # older strokes were folded in


def test_folding_with_commands_of_peers_and_text(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(BoardModule, "MAX_HISTORY", 3)
    board, expected = Board(size=(120, 60)), Board(size=(120, 60))
    for n in range(8):
        command = ["WRITE", str(5 * n), str(4 * n), "20", str(30 * n), "0", "0", f"w{n}"]
        _draw(board, None, command)
        _draw(board, 100, line(BLACK, 0, 0, 119, 59))     # one stroke, many segments
        _draw(expected, None, command)
    _draw(expected, None, line(BLACK, 0, 0, 119, 59))
    _draw(board, 101, line(RED, 0, 59, 119, 0, 5))
    assert board.undo()
    assert board.pixels() == expected.pixels()


# ------------------------------------------------------------------ snapshot
def _busyBoard() -> Board:
    board = Board(size=SIZE)
    board.apply(line(RED, 0, 0, 63, 47, 9))
    board.newPage()
    board.apply(["CIRCLE", "0", "0", "255", "30", "20", "12"])
    board.newPage()
    board.apply(["WRITE", "2", "2", "20", "0", "128", "0", "p3"])
    board.goTo(2)
    return board


def test_snapshot_is_pageimg_per_page_then_page_and_setimg() -> None:
    board = _busyBoard()
    messages = board.snapshot()
    assert len(messages) == 4
    for number, message in enumerate(messages[:3], 1):
        [command] = message
        assert command[:2] == ["PAGEIMG", str(number)] and command[3:] == ["64", "48", "RGB"]
        assert decodeImage(command[2], *SIZE) == board.pixels(number)
    page, setimg = messages[3]
    assert page == ["PAGE", "2", "3"]
    assert setimg[0] == "SETIMG" and decodeImage(setimg[1], *SIZE) == board.pixels(2)


def test_snapshot_applied_to_a_fresh_board_reproduces_the_board() -> None:
    board, fresh = _busyBoard(), Board(size=SIZE)
    for message in board.snapshot():
        for command in wire(message):
            fresh.apply(command)
    assert state(fresh) == state(board)


def test_snapshot_applied_to_a_board_with_more_pages_reproduces_the_board() -> None:
    board, other = _busyBoard(), pages(6, current=5)
    for message in board.snapshot():
        for command in wire(message):
            other.apply(command)
    assert state(other) == state(board)


def test_snapshot_of_a_new_board() -> None:
    fresh = Board(size=SIZE)
    snapshot = fresh.snapshot()
    assert len(snapshot) == 2 and snapshot[1][0] == ["PAGE", "1", "1"]
    other = pages(2, current=2)
    for message in snapshot:
        for command in message:
            other.apply(command)
    assert state(other) == state(fresh)


# ------------------------------------------------------------------ determinism
SEQUENCE: list[tuple[list[Any], int | None]] = [
    (line(RED, 0, 0, 63, 47), 1), (line(RED, 63, 0, 0, 47, 6), 1),
    (["CIRCLE", "0", "0", "255", "32", "24", "10"], None),
    (["WRITE", "3", "3", "18", "0", "0", "0", "Sync 9"], 2), (["PAGE", "2", "2"], None),
    (["CLEAR", "200", "200", "0"], None), (line(GREEN, 5, 40, 60, 5, 64), 3), (["PREV"], None),
    (setimgCommand(solid(BLUE, (20, 10)), (20, 10)), None), (line(BLACK, 0, 24, 63, 24, 2), 4),
    (["NEXT"], None), (["DELPAGE", "1"], None), (["PAGE", "3", "4"], None),
    (["WRITE", "0", "30", "40", "255", "0", "255", "é😀"], 5)]


def test_two_boards_applying_the_same_commands_hold_the_same_pixels() -> None:
    one, two = Board(size=SIZE), Board(size=SIZE)
    for command, stroke in SEQUENCE:
        one.apply(command, stroke=stroke)
    for message in [[command] for command, _ in SEQUENCE]:
        for command in wire(message):
            two.apply(command)
    assert state(one) == state(two)
    assert one.pageCount == 4 and one.current == 3


ACTIONS = st.one_of(
    st.tuples(st.just("draw"), st.integers(1, 4), st.integers(0, 63), st.integers(0, 47),
              st.integers(0, 63), st.integers(0, 47), st.integers(1, 12)),
    st.tuples(st.just("peer"), st.integers(0, 63), st.integers(0, 47), st.integers(0, 20)),
    st.sampled_from([("undo",), ("newPage",), ("deletePage",), ("nextPage",),
                     ("previousPage",), ("clear",)]),
    st.tuples(st.just("goTo"), st.integers(1, 4)))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ACTIONS, max_size=25))
def test_fuzz_a_peer_following_what_a_board_sends_holds_the_same_board(
        actions: list[tuple[Any, ...]]) -> None:
    here, there = Board(size=(64, 48)), Board(size=(64, 48))
    for action in actions:
        kind = action[0]
        sent: list[list[Any]]
        if kind == "draw":
            _, stroke, x0, y0, x1, y1, width = action
            sent = [line((stroke * 60, 0, 0), x0, y0, x1, y1, width)]
            here.apply(sent[0], stroke=stroke)
        elif kind == "peer":
            _, x, y, radius = action
            command = ["CIRCLE", "0", "0", "255", str(x), str(y), str(radius)]
            here.apply(command)
            there.apply(command)
            sent = []
        elif kind == "clear":
            sent = [["CLEAR"]]
            here.apply(sent[0])
        elif kind == "goTo":
            sent = here.goTo(action[1]) if action[1] <= here.pageCount else []
        else:
            sent = getattr(here, kind)()
        for command in wire(sent) if sent else []:
            there.apply(command)
        assert state(here) == state(there)
