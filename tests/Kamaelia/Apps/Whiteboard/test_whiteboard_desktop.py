"""The desktop whiteboard window, with a real Board and BoardKeeper; Palette and UI.

Every test runs the window on a private Xvfb and on SDL's dummy driver (the
``screen`` fixture of ``tests/uiharness.py``), drives it with real pygame
events (drags, clicks, keys) and looks at what it sends and at the window's
pixels: each action goes out of the window to a tap (which records it) and
on to the keeper, which draws on the board and tells the window, which
shows it.
"""

from __future__ import annotations

import os
import re
import zipfile
from pathlib import Path
from typing import Any, Iterator

import pytest

from Axon.Component import component
from Axon.Ipc import shutdownMicroprocess
from Kamaelia.Apps.Whiteboard.Board import Board
from Kamaelia.Apps.Whiteboard.Desktop import (INFO_FONT_SIZE, PANEL, TEXT_SIZE, BoardView,
                                              WhiteboardWindow)
from Kamaelia.Apps.Whiteboard.Keeper import BoardKeeper
from Kamaelia.Apps.Whiteboard.Palette import buildPalette, colours, colours_order
from Kamaelia.Apps.Whiteboard.Toolbar import (LAYOUT, SELECTED_FRAME, ToolButton,
                                              toolbarButtons)
from Kamaelia.Apps.Whiteboard.UI import (ClearPage, ClearScribbles, Delete, Eraser, LoadDeck,
                                         LocalPagingControls, PagingControls, Quit, SaveDeck)
from Kamaelia.Chassis.Graphline import Graphline
from Kamaelia.UI.Pygame.Button import Button
from Kamaelia.UI.Pygame._pygame import pygame

from componentharness import Collector, attach

WHITE = (255, 255, 255)
BLACK = (0, 0, 0)
TOP = 64                    # the board starts this far down the window


class Tap(component):
    """Records every action the window sends, and passes it on to the keeper."""

    def __init__(self) -> None:
        super().__init__()
        self.got: list[Any] = []

    def main(self) -> Iterator[int]:
        while True:
            for message in self.Inbox("inbox"):
                self.got.append(message)
                self.send(message, "outbox")
            if not self.anyReady():
                self.pause()
            yield 1


class Whiteboard:
    """A window, a tap, a keeper and a collector of what goes to the peers."""

    def __init__(self, screen: Any, decks: Path) -> None:
        self.screen = screen
        self.decks = decks
        self.board = Board()
        self.window = WhiteboardWindow(self.board, decks=decks)
        self.view: BoardView = self.window.view
        self.tap = Tap()
        self.keeper = BoardKeeper(self.board)
        self.peers = Collector()
        Graphline(WINDOW=self.window, TAP=self.tap, KEEPER=self.keeper, PEERS=self.peers,
                  linkages={("WINDOW", "outbox"): ("TAP", "inbox"),
                            ("TAP", "outbox"): ("KEEPER", "local"),
                            ("KEEPER", "changed"): ("WINDOW", "inbox"),
                            ("KEEPER", "status"): ("WINDOW", "status"),
                            ("KEEPER", "outbox"): ("PEERS", "inbox")}).activate()
        buttons = allButtons(self.window)
        screen.until(lambda: self.view.canvas is not None
                     and all(b.display is not None for b in buttons), "the window")
        screen.settle()

    # -- acting
    def click(self, name: str, button: int = 1) -> None:
        """Click a toolbar button, and let the window hear of it (a button's
        message reaches the window a round after the click, and a person does
        not click and draw within one round; events posted together would)."""
        x, y, width, height = LAYOUT[name]
        self.screen.click((x + width // 2, y + height // 2), button=button)
        self.screen.settle()

    def colour(self, name: str) -> None:
        self.screen.click((32 * colours_order.index(name) + 16, 16))
        self.screen.settle()

    def drag(self, points: list[tuple[int, int]]) -> None:
        """A drag through board positions (the window's are TOP pixels lower)."""
        self.screen.drag([(x, y + TOP) for x, y in points])

    def sent(self, what: str = "the window to send something") -> list[Any]:
        """Wait for actions from the window; take them."""
        self.screen.until(lambda: self.tap.got, what)
        self.screen.settle()
        got, self.tap.got = self.tap.got, []
        return got

    # -- looking
    def pixel(self, x: int, y: int) -> tuple[int, int, int] | None:
        """The window's pixel at board position (x, y)."""
        shown: tuple[int, int, int] | None = self.screen.pixel((x, y + TOP))
        return shown

    def shows(self, x: int, y: int, colour: tuple[int, int, int], what: str) -> None:
        self.screen.until(lambda: self.pixel(x, y) == colour, what)

    def region(self, name: str) -> bytes:
        pixels: bytes = self.screen.region(LAYOUT[name])
        return pixels


def allButtons(root: Any) -> list[Button]:
    found, todo = [], [root]
    while todo:
        node = todo.pop()
        if isinstance(node, Button):
            found.append(node)
        todo.extend(getattr(node, "components", {}).values())
    return found


@pytest.fixture
def wb(screen: Any, tmp_path: Path) -> Whiteboard:
    return Whiteboard(screen, tmp_path / "Decks")


def segments(actions: list[Any]) -> list[list[str]]:
    return [command for action in actions if action[0] == "draw" for command in action[2]]


def counterImage(text: str) -> bytes:
    """What the page counter looks like showing ``text`` (its font, centred)."""
    _, _, width, height = LAYOUT["COUNTER"]
    surface = pygame.Surface((width, height))
    surface.fill(PANEL)
    image = pygame.font.Font(None, INFO_FONT_SIZE).render(text, True, BLACK)
    surface.blit(image, ((width - image.get_width()) // 2, (height - image.get_height()) // 2))
    return pygame.image.tobytes(surface, "RGB")


def artifacts(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("KAMAELIA_TEST_ARTIFACTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


# ---------------------------------------------------------------- drawing

def test_a_drag_sends_one_stroke_of_lines_along_the_path_and_the_keeper_draws_it(
        wb: Whiteboard) -> None:
    path = [(100, 200), (150, 200), (200, 200), (300, 200), (400, 200)]
    wb.drag(path)
    actions = wb.sent("the stroke")
    # One round's movements of one stroke: one tuple, a stroke number, LINEs 3 wide.
    assert actions == [("draw", 1, [
        ["LINE", "0", "0", "0", str(a[0]), str(a[1]), str(b[0]), str(b[1]), "3"]
        for a, b in zip(path, path[1:])])]
    wb.shows(400, 200, BLACK, "the line's end")
    for x in range(100, 401, 10):
        assert wb.pixel(x, 200) == BLACK, x
        assert tuple(wb.board.surface.get_at((x, 200)))[:3] == BLACK
    assert wb.pixel(250, 190) == WHITE and wb.pixel(250, 210) == WHITE
    assert wb.peers.got == [actions[0][2]]                    # and on to the peers
    wb.drag([(100, 300), (200, 300)])
    assert [action[1] for action in wb.sent("the second stroke")] == [2]
    # A click without moving draws a dot; moving without the button draws nothing.
    wb.screen.click((500, 400 + TOP))
    assert segments(wb.sent("the dot")) == [["LINE", "0", "0", "0", "500", "400", "500",
                                             "400", "3"]]
    wb.shows(500, 400, BLACK, "the dot")
    wb.screen.post(pygame.MOUSEMOTION, pos=(600, 500 + TOP), rel=(1, 1), buttons=(0, 0, 0))
    wb.screen.post(pygame.MOUSEMOTION, pos=(700, 500 + TOP), rel=(100, 0), buttons=(0, 0, 0))
    wb.screen.settle()
    assert wb.tap.got == [] and wb.pixel(650, 500) == WHITE


def test_choosing_red_then_dragging_draws_red(wb: Whiteboard) -> None:
    red = colours["red"]
    wb.colour("red")
    swatch = LAYOUT["SWATCH"]
    assert wb.screen.pixel((swatch[0] + 16, swatch[1] + 16)) == red      # the swatch
    wb.drag([(100, 100), (300, 100)])
    assert segments(wb.sent("the red stroke"))[0][1:4] == ["192", "0", "0"]
    wb.shows(200, 100, red, "a red line")


def test_pen_size_12_draws_a_line_at_least_10_pixels_wide_and_is_shown_selected(
        wb: Whiteboard) -> None:
    def selected(name: str) -> bool:
        x, y, _, _ = LAYOUT[name]
        return bool(wb.screen.pixel((x, y)) == SELECTED_FRAME)

    assert selected("SIZE3") and not selected("SIZE12")      # 3 to begin with
    wb.click("SIZE12")
    wb.screen.until(lambda: selected("SIZE12") and not selected("SIZE3"), "12 selected")
    wb.drag([(100, 300), (500, 300)])
    assert {command[8] for command in segments(wb.sent("the stroke"))} == {"12"}
    wb.shows(300, 300, BLACK, "the wide line")
    column = [wb.pixel(300, y) for y in range(280, 321)]
    assert column.count(BLACK) >= 10
    assert wb.pixel(300, 280) == WHITE and wb.pixel(300, 320) == WHITE


def test_the_eraser_paints_white_four_times_the_pen_size(wb: Whiteboard) -> None:
    wb.click("SIZE12")
    wb.drag([(100, 300), (500, 300)])
    wb.sent("the line")
    wb.shows(300, 300, BLACK, "the line")
    wb.click("SIZE3")
    wb.click("ERASER")
    wb.drag([(300, 250), (300, 350)])
    commands = segments(wb.sent("the eraser"))
    assert commands == [["LINE", "255", "255", "255", "300", "250", "300", "350", "12"]]
    wb.shows(300, 300, WHITE, "the line rubbed out")
    assert all(wb.pixel(x, 300) == WHITE for x in range(295, 306))
    assert wb.pixel(250, 300) == BLACK and wb.pixel(350, 300) == BLACK
    x, y, _, _ = LAYOUT["ERASER"]
    assert wb.screen.pixel((x, y)) == SELECTED_FRAME
    wb.click("SIZE12")                           # 4 x 12 = 48
    wb.drag([(100, 600), (110, 600)])
    assert segments(wb.sent("the wide eraser"))[0][8] == "48"


def test_undo_takes_back_the_whole_stroke(wb: Whiteboard) -> None:
    wb.drag([(100, 100), (300, 100)])                     # kept
    wb.drag([(100, 400), (200, 400), (300, 400), (400, 400)])
    wb.sent("two strokes")
    wb.shows(350, 400, BLACK, "the second stroke")
    wb.click("UNDO")
    assert wb.sent("the undo") == [("undo",)]
    wb.shows(350, 400, WHITE, "the second stroke gone")
    assert all(wb.pixel(x, 400) == WHITE for x in range(100, 401, 25))
    assert wb.pixel(200, 100) == BLACK
    assert wb.peers.got[-1][0][0] == "SETIMG"              # the peers get the page
    # Ctrl+Z does the same.
    wb.screen.key(pygame.K_z, "z", mod=pygame.KMOD_LCTRL)
    assert wb.sent("Ctrl+Z") == [("undo",)]
    wb.shows(200, 100, WHITE, "the first stroke gone")


def test_clear_sends_clear(wb: Whiteboard) -> None:
    wb.drag([(100, 100), (300, 100)])
    wb.sent("the stroke")
    wb.click("CLEAR")
    assert wb.sent("the clear") == [("draw", None, [["CLEAR"]])]
    wb.shows(200, 100, WHITE, "a clean page")


# ---------------------------------------------------------------- pages

def test_the_page_buttons_send_their_actions_and_the_counter_follows(wb: Whiteboard) -> None:
    def counter(text: str) -> None:
        wb.screen.until(lambda: wb.region("COUNTER") == counterImage(text), f"'{text}'")

    counter("1 / 1")
    wb.drag([(100, 100), (300, 100)])
    wb.sent("a stroke on page 1")
    wb.click("NEWPAGE")
    assert wb.sent("new page") == [("newPage",)]
    counter("2 / 2")
    wb.shows(200, 100, WHITE, "a blank page 2")
    wb.click("PREV")
    assert wb.sent("prev") == [("prev",)]
    counter("1 / 2")
    wb.shows(200, 100, BLACK, "page 1 again")
    wb.click("NEXT")
    assert wb.sent("next") == [("next",)]
    counter("2 / 2")
    wb.click("DELETEPAGE")
    assert wb.sent("delete page") == [("deletePage",)]
    counter("1 / 1")
    assert (wb.board.current, wb.board.pageCount) == (1, 1)
    # The keys.
    wb.screen.key(pygame.K_n, "n")
    assert wb.sent("N") == [("newPage",)]
    counter("2 / 2")
    wb.screen.key(pygame.K_LEFT)
    assert wb.sent("Left") == [("prev",)]
    counter("1 / 2")
    wb.screen.key(pygame.K_RIGHT)
    assert wb.sent("Right") == [("next",)]
    counter("2 / 2")


# ---------------------------------------------------------------- text

def test_the_text_tool_shows_what_is_typed_and_enter_writes_it(wb: Whiteboard) -> None:
    area = (200, 236 + TOP, 60, TEXT_SIZE)

    def inked() -> int:
        pixels = wb.screen.region(area)
        return sum(1 for i in range(0, len(pixels), 3) if pixels[i:i + 3] != b"\xff\xff\xff")

    wb.click("TEXT")
    wb.screen.click((200, 236 + TOP))
    wb.screen.type("Hi")
    wb.screen.settle()
    assert wb.tap.got == []                               # nothing sent while typing...
    assert wb.view.text == "Hi" and inked() > 20          # ...but it shows
    wb.screen.key(pygame.K_RETURN, "\r")
    assert wb.sent("the WRITE") == [("draw", None, [["WRITE", "200", "236", "24", "0", "0",
                                                    "0", "Hi"]])]
    assert wb.peers.got[-1] == [["WRITE", "200", "236", "24", "0", "0", "0", "Hi"]]
    written = wb.board.surface.subsurface((200, 236, 60, TEXT_SIZE))
    assert any(tuple(written.get_at((x, y)))[:3] != WHITE
               for x in range(60) for y in range(TEXT_SIZE))
    wb.screen.settle()
    shown = inked()
    assert shown > 20                                     # the board's, cursor gone
    # Escape forgets what was typed.
    wb.screen.click((500, 400 + TOP))
    wb.screen.type("Bye")
    wb.screen.until(lambda: wb.view.text == "Bye", "typing")
    wb.screen.key(pygame.K_ESCAPE)
    wb.screen.settle()
    assert wb.tap.got == [] and wb.view.textAt is None
    assert wb.pixel(505, 410) == WHITE and wb.pixel(501, 405) == WHITE


# ---------------------------------------------------------------- full screen

def test_f_and_a_right_click_toggle_fullscreen(wb: Whiteboard, video: str) -> None:
    display = wb.screen.display()
    assert not display.fullscreen
    wb.screen.key(pygame.K_f, "f")
    wb.screen.until(lambda: display.fullscreen, "full screen")
    assert pygame.display.is_fullscreen()
    if video == "xvfb":
        # The whole screen (Xvfb's is 1280x1024); the board is scaled to fit.
        wb.screen.until(lambda: display.statistics().window == (1280, 1024), "a large window")
    # The mouse still draws where it points on the scaled board.
    layout = display.layout
    wb.screen.drag([layout.toWindow((100, 300 + TOP)), layout.toWindow((400, 300 + TOP))])
    [(_, _, commands)] = wb.sent("a stroke in full screen")
    assert [int(token) for token in commands[0][4:8]] == [100, 300, 400, 300]
    wb.screen.click(layout.toWindow((300, 500 + TOP)), button=3)
    wb.screen.until(lambda: not display.fullscreen, "a window again")
    assert display.statistics().window == (1024, 768)
    wb.click("FULLSCREEN")
    wb.screen.until(lambda: display.fullscreen, "full screen from the button")
    assert wb.tap.got == []                               # none of this is the board's


# ---------------------------------------------------------------- shutdown

def test_shutdown_ends_the_window_and_gives_its_surfaces_back(screen: Any,
                                                             tmp_path: Path) -> None:
    window = WhiteboardWindow(Board(), decks=tmp_path)
    sink = attach(window)
    buttons = allButtons(window)
    screen.until(lambda: window.view.canvas is not None
                 and all(b.display is not None for b in buttons), "the window")
    screen.settle()
    # A stroke begun and moved, not yet ended: what was drawn of it is sent.
    screen.post(pygame.MOUSEBUTTONDOWN, pos=(100, 100 + TOP), button=1)
    screen.post(pygame.MOUSEMOTION, pos=(200, 100 + TOP), rel=(100, 0), buttons=(1, 0, 0))
    screen.settle()
    message = shutdownMicroprocess()
    window.inboxes["control"].append(message)
    window.unpause()
    screen.until(lambda: sink.control, "the window's signal")
    assert sink.control == [message]
    assert [action[0] for action in sink.got] == ["draw"]
    # Every surface was given back, so the display closed the window.
    screen.until(lambda: screen.display() is None, "the display to end")


# ---------------------------------------------------------------- decks

def test_save_export_and_load_a_deck(wb: Whiteboard) -> None:
    wb.drag([(100, 100), (300, 100)])
    wb.sent("a stroke")
    blank = wb.region("STATUS")
    wb.click("SAVEDECK")
    [(kind, saved)] = wb.sent("save")
    assert kind == "saveDeck" and Path(saved).parent == wb.decks
    assert re.fullmatch(r"\d{8}-\d{6}\.zip", Path(saved).name)
    wb.screen.until(lambda: Path(saved).exists() and wb.region("STATUS") != blank,
                    "the deck and the status line")
    assert zipfile.ZipFile(saved).namelist() == ["slide.1.png"]
    wb.click("EXPORTPDF")
    assert wb.sent("export") == [("exportPdf", str(Path(saved).with_suffix(".pdf")))]
    wb.screen.until(lambda: Path(saved).with_suffix(".pdf").exists(), "the PDF")
    # Saving again in the same second does not overwrite the first.
    wb.click("SAVEDECK")
    [(_, again)] = wb.sent("save again")
    assert again != saved
    # An older deck, and a change to the board since.
    wb.screen.until(lambda: Path(again).exists(), "the second deck")
    os.utime(again, (1_000_000_000, 1_000_000_000))
    wb.drag([(100, 400), (300, 400)])
    wb.sent("another stroke")
    wb.shows(200, 400, BLACK, "the stroke after saving")
    wb.click("LOADDECK")
    wb.screen.settle()
    assert wb.view.chooser == [Path(saved), Path(again)]     # newest first
    assert wb.tap.got == []
    # Escape closes the list; a click on a row loads that deck.
    wb.screen.key(pygame.K_ESCAPE)
    wb.screen.settle()
    assert wb.view.chooser is None
    wb.click("LOADDECK")
    wb.screen.settle()
    left = LAYOUT["LOADDECK"][0]
    wb.screen.click((left + 40, TOP + 2 + 22 + 11))           # the first row
    assert wb.sent("load") == [("loadDeck", saved)]
    wb.shows(200, 400, WHITE, "the deck as saved")
    assert wb.pixel(200, 100) == BLACK


def test_load_with_no_decks_says_so(wb: Whiteboard) -> None:
    blank = wb.region("STATUS")
    wb.click("LOADDECK")
    wb.screen.until(lambda: wb.region("STATUS") != blank, "the status line")
    assert wb.view.status == f"No decks to load in {wb.decks}"
    assert wb.view.chooser is None and wb.tap.got == []


# ---------------------------------------------------------------- screenshot

def test_screenshot_of_a_board_with_strokes(wb: Whiteboard, tmp_path: Path) -> None:
    for name, size, points in (("red", "SIZE3", [(80, 100), (300, 220), (520, 120)]),
                               ("blue", "SIZE12", [(120, 500), (400, 420), (700, 560)]),
                               ("green", "SIZE6", [(600, 100), (900, 300), (650, 450)])):
        wb.colour(name)
        wb.click(size)
        wb.drag(points)
        wb.sent(f"the {name} stroke")
    wb.click("TEXT")
    wb.screen.click((760, 620 + TOP))
    wb.screen.type("Kamaelia")
    wb.screen.key(pygame.K_RETURN, "\r")
    wb.sent("the text")
    wb.shows(700, 560, colours["blue"], "the last stroke")
    wb.screen.settle()
    target = artifacts(tmp_path) / "whiteboard-desktop.png"
    pygame.image.save(wb.screen.window(), str(target))
    saved = pygame.image.load(str(target))
    assert saved.get_size() == (1024, 768)
    assert tuple(saved.get_at((300, 220 + TOP)))[:3] == colours["red"]


# ---------------------------------------------------------------- arguments

def test_the_window_checks_its_arguments() -> None:
    with pytest.raises(TypeError, match="BoardView needs a Board"):
        BoardView(object())                               # type: ignore[arg-type]
    with pytest.raises(TypeError, match="size"):
        WhiteboardWindow(Board(), size=5)                 # type: ignore[arg-type]
    with pytest.raises(ValueError, match="dot must be an int >= 1"):
        ToolButton(dot=0)


def test_the_toolbar_fits_in_two_rows_without_overlaps() -> None:
    rects = [pygame.Rect(r) for r in LAYOUT.values()]
    assert all(r.top in (0, 32) and r.height == 32 and r.right <= 1024 for r in rects)
    assert not any(a.colliderect(b) for i, a in enumerate(rects) for b in rects[i + 1:])
    assert set(toolbarButtons()) | {"SWATCH", "COUNTER", "STATUS"} == set(LAYOUT)


# ---------------------------------------------------------------- Palette and UI

def test_build_palette_lays_out_1_14s_colours_and_sends_them(screen: Any) -> None:
    assert colours_order == ["black", "red", "orange", "yellow", "green", "turquoise",
                             "blue", "purple", "darkgrey", "lightgrey"]
    palette = buildPalette(cols=colours, order=colours_order, topleft=(10, 100), size=24)
    sink = attach(palette)
    screen.until(lambda: all(b.display is not None for b in allButtons(palette)), "the palette")
    screen.settle()
    for index, name in enumerate(colours_order):
        button = palette.components[name]
        assert isinstance(button, Button)
        assert button.size == (24, 24) and button.disprequest["position"] == (10 + 24 * index,
                                                                             100)
        assert screen.pixel((10 + 24 * index + 12, 112)) == colours[name]
        screen.click((10 + 24 * index + 12, 112))
    screen.until(lambda: len(sink.got) == len(colours_order), "ten clicks")
    assert sink.got == [colours[name] for name in colours_order]


def test_build_palette_checks_its_arguments() -> None:
    with pytest.raises(ValueError, match="no colour named 'pink'"):
        buildPalette(colours, ["black", "pink"])
    with pytest.raises(ValueError, match="size must be an int >= 1"):
        buildPalette(colours, colours_order, size=0)


def test_the_ui_buttons_send_1_14s_messages_from_their_places(screen: Any) -> None:
    eraser = Eraser(0, 200)
    parts = {"paging": PagingControls(0, 0), "local": LocalPagingControls(0, 100),
             "eraser": eraser, "clear": ClearPage(100, 200), "save": SaveDeck(200, 200),
             "load": LoadDeck(300, 200), "close": ClearScribbles(400, 200),
             "delete": Delete(500, 200), "quit": Quit(600, 200)}
    sinks = {name: attach(part) for name, part in parts.items()}
    buttons = [b for part in parts.values() for b in allButtons(part)]
    screen.until(lambda: all(b.display is not None for b in buttons), "the buttons")
    screen.settle()
    assert eraser.size == (64, 32) and eraser.caption == "Eraser"
    assert all(b.size == (63, 32) for b in buttons if b is not eraser)
    captions = {b.caption for b in buttons}
    assert {"<<", ">>", "Checkpoint", "New Page", "~~<<~~", "~~>>~~", "Clear", "Save Deck",
            "Load Deck", "Close Deck", "Delete Slide", "Quit"} <= captions
    for x in (10, 74, 138, 202):
        screen.click((x, 16))
    for x in (10, 74):
        screen.click((x, 116))
    for x in (10, 110, 210, 310, 410, 510, 610):
        screen.click((x, 216))
    screen.until(lambda: all(sink.got for sink in sinks.values())
                 and len(sinks["paging"].got) == 4, "every click")
    screen.settle()
    assert sinks["paging"].got == ["prev", "next", "checkpoint", "new"]
    assert sinks["local"].got == [[["prev"]], [["next"]]]
    assert sinks["eraser"].got == [("CLICK", eraser.id)]
    assert [sinks[name].got for name in ("clear", "save", "load", "close", "delete", "quit")] \
        == [[[["clear"]]], ["savedeck"], ["loaddeck"], ["clearscribbles"], ["delete"], ["quit"]]
