"""The whiteboard's desktop window: the toolbar, the board, pen, eraser, text and pages.

Example Usage
-------------
A whiteboard of one's own, without the network: the window, and the keeper
that owns the board (peers would be linked to the keeper's "outbox" and
"inbox")::

    from Kamaelia.Chassis.Graphline import Graphline
    from Kamaelia.Util.NullSink import nullSinkComponent
    from Kamaelia.Apps.Whiteboard.Board import Board
    from Kamaelia.Apps.Whiteboard.Desktop import WhiteboardWindow
    from Kamaelia.Apps.Whiteboard.Keeper import BoardKeeper

    board = Board()                                 # 1024 x 704 pixels
    Graphline(WINDOW=WhiteboardWindow(board, decks="Decks"),
              KEEPER=BoardKeeper(board),
              PEERS=nullSinkComponent(),
              linkages={("WINDOW", "outbox"): ("KEEPER", "local"),
                        ("KEEPER", "changed"): ("WINDOW", "inbox"),
                        ("KEEPER", "status"): ("WINDOW", "status"),
                        ("KEEPER", "outbox"): ("PEERS", "inbox")}).run()

Draw with the left mouse button. The keys: Left / Right turn the page, N
makes a new page, Ctrl+Z takes back one's last stroke, F (or a right click
on the board) switches full screen on and off.

How does it work?
-----------------
:class:`WhiteboardWindow` is a :class:`~Kamaelia.Chassis.Graphline.Graphline`
of the toolbar's buttons (``Kamaelia.Apps.Whiteboard.Toolbar``: two rows of
32-pixel buttons, 64 pixels in all) and a :class:`BoardView`, which shows the
board below them, at (0, 64): board coordinates are window coordinates less
(0, 64). It makes the pygame display (``width`` x ``height`` = ``size``)
unless a program made one already.

The window never draws on the board. Everything the user does leaves its
``"outbox"`` as a tuple for the ``"local"`` inbox of a
:class:`~Kamaelia.Apps.Whiteboard.Keeper.BoardKeeper`, which changes the
board, tells the peers, and sends the board's version to the window's
``"inbox"``; the window then copies the board's current page
(``board.surface``, read afresh each time: pages come and go) onto its
surface and asks the display to redraw. The tuples:

* ``("draw", stroke, commands)``: a pen or eraser stroke's ``LINE``
  segments (``Commands.lineCommand``); ``stroke`` is a number the window
  gives each press-to-release of the left button, so that undo can take
  back the whole stroke. Each round's movements of one stroke go in one
  tuple. A click without movement draws a dot. The eraser draws white lines
  four times the pen size wide (at most 64). ``("draw", None, [CLEAR])``
  from Clear, ``("draw", None, [WRITE ...])`` from the text tool: click on
  the board, type (the text shows where it will go), Enter writes it
  (``WRITE x y 24 r g b text``, its top left where the click was), Escape
  forgets it, Backspace rubs out; clicking elsewhere writes it and starts
  another.
* ``("undo",)`` (Undo, Ctrl+Z), ``("prev",)`` / ``("next",)`` (``<<`` /
  ``>>``, Left / Right), ``("newPage",)`` (New page, N),
  ``("deletePage",)`` (Delete page).
* ``("saveDeck", path)`` (Save deck): ``decks/YYYYmmdd-HHMMSS.zip``, as 1.14
  named them (``-2``, ``-3``, ... added if that file exists).
  ``("loadDeck", path)`` (Load deck): a list of the decks in ``decks``,
  newest first, opens over the board; click one (or Up / Down and Enter) to
  load it; Escape or a click elsewhere on the board closes the list.
  ``("exportPdf", path)`` (Export PDF): next to the deck last saved or
  loaded (the same name, ending ``.pdf``), else a new name in ``decks``.

The swatch beside the palette shows the pen's colour; the pen size in use
(and the eraser, or the text tool) is shown selected. The page counter
("2 / 3") follows the board; the status line shows the last text that
arrived on ``"status"`` (the keeper's reports: "Deck saved to ...").
Fullscreen (the button, F, a right click) asks the display for
``{"FULLSCREEN": "TOGGLE"}``, where 1.14 called
``pygame.display.toggle_fullscreen()`` itself: the display scales the
window's contents and maps the mouse back, so nothing else changes.

Shutdown: ``producerFinished`` or ``shutdownMicroprocess`` on the window's
``"control"`` goes to every child; the BoardView sends what it was
drawing, gives its surfaces back and ends, as do the buttons, and the
window then sends the message out of ``"signal"``. Closing the window ends
the whole program (the display's ``close_stops_system``).

What it does not do: it keeps no drawing of its own (a stroke shows once
the keeper has drawn it, a round later), and it asks nothing before
deleting a page or loading a deck over the board.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any, Iterator, Sequence

from Axon.Component import component
from Axon.CoordinatingAssistantTracker import coordinatingassistanttracker
from Axon.Ipc import producerFinished, shutdownRequest
from Kamaelia.Apps.Whiteboard.Board import Board
from Kamaelia.Apps.Whiteboard.Commands import (MAX_PEN_WIDTH, MAX_TEXT_LENGTH, clearCommand,
                                               lineCommand, writeCommand)
from Kamaelia.Apps.Whiteboard.Deck import deckName
from Kamaelia.Apps.Whiteboard.Toolbar import LAYOUT, SELECTABLE, TOOLBAR_HEIGHT, toolbarButtons
from Kamaelia.Chassis.Graphline import Graphline
from Kamaelia.UI.Pygame.Display import SERVICE_NAME, PygameDisplay
from Kamaelia.UI.Pygame._pygame import pygame
from Kamaelia.UI.Pygame._widget import connect, pair
from Kamaelia.Util._stream import shortRepr

__all__ = ["WhiteboardWindow", "BoardView", "TEXT_SIZE", "ERASER_FACTOR", "INFO_FONT_SIZE",
           "PANEL", "CHOOSER_ROWS", "defaultDecks"]

log = logging.getLogger(__name__)

#: The text tool's font height (pixels), as 1.14's WRITE used.
TEXT_SIZE = 24
#: The eraser is this many times as wide as the pen (at most MAX_PEN_WIDTH).
ERASER_FACTOR = 4
#: The most decks the Load deck list shows.
CHOOSER_ROWS = 12

#: The page counter's and the status line's font height, and their ground.
INFO_FONT_SIZE = 18
PANEL = (236, 236, 236)
WHITE = (255, 255, 255)
_INK = (0, 0, 0)
_HIGHLIGHT = (170, 200, 255)
_CHOOSER_WIDTH = 320
_CHOOSER_ROW = 22

_MOUSE = (pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP, pygame.MOUSEMOTION)
_SHORTCUT_MODIFIERS = pygame.KMOD_CTRL | pygame.KMOD_META
_ENTER = (pygame.K_RETURN, pygame.K_KP_ENTER)


def defaultDecks() -> Path:
    """Where decks are kept unless told otherwise: 1.14's ``~/Whiteboard/Decks``."""
    return Path(os.path.expanduser("~")) / "Whiteboard" / "Decks"


class BoardView(component):
    """BoardView(board, size=(1024, 768), decks=None, title=None) -> new BoardView component

    The part of :class:`WhiteboardWindow` that shows the board and turns the
    mouse, the keys and the toolbar's messages into the keeper's tuples (see
    the module).

    - board -- the :class:`~Kamaelia.Apps.Whiteboard.Board.Board` to show (read only)
    - size  -- (w, h) of the window; the board is shown at (0, 64)
    - decks -- the folder decks are saved to and loaded from (default
      :func:`defaultDecks`)
    - title -- the window's title, if given
    """

    Inboxes = {"inbox": "the board's version, from its keeper: show the board again",
               "status": "a line of text for the status line",
               "tools": "the toolbar's messages (see Kamaelia.Apps.Whiteboard.Toolbar)",
               "events": "lists of pygame events, from the display",
               "callback": "our surfaces, from the display",
               "control": "producerFinished or shutdownMicroprocess to end"}
    Outboxes = {"outbox": "the user's actions: tuples for a BoardKeeper's 'local' inbox",
                "display_signal": "requests to the display service",
                "signal": "the shutdown message, passed on",
                **{f"select_{name}": f"True / False: show the {name} button selected"
                   for name in SELECTABLE}}

    def __init__(self, board: Board, size: Sequence[int] = (1024, 768),
                 decks: str | os.PathLike[str] | None = None, title: str | None = None,
                 **argd: Any) -> None:
        super().__init__(**argd)
        for attribute in ("size", "surface", "current", "pageCount", "version"):
            if not hasattr(board, attribute):
                raise TypeError(f"BoardView needs a Board (with .{attribute}), "
                                f"got {shortRepr(board)}")
        self.board = board
        self.windowSize = pair("BoardView", "size", size, 1)
        self.decks = defaultDecks() if decks is None else Path(decks)
        self.title = title
        pygame.font.init()
        self._fonts: dict[int, Any] = {}
        # Our surfaces, once the display has sent them.
        self.canvas: Any = None
        self.swatch: Any = None
        self.counter: Any = None
        self.statusLine: Any = None
        # The tool in use.
        self.colour: tuple[int, int, int] = (0, 0, 0)
        self.penSize = 3
        self.mode = "pen"                       # "pen", "eraser" or "text"
        # The stroke being drawn, and its segments not sent yet.
        self.stroke: int | None = None
        self.lastStroke = 0
        self.lastPos: tuple[int, int] = (0, 0)
        self.strokeDrew = False
        self.pending: list[list[str]] = []
        self.pendingStroke: int | None = None
        # The text being typed: where, and what.
        self.textAt: tuple[int, int] | None = None
        self.text = ""
        # The Load deck list, when open, and the row chosen in it.
        self.chooser: list[Path] | None = None
        self.chooserRow = 0
        self.lastDeck: Path | None = None
        self.status = ""
        self._shown: dict[str, bool] = {}
        self._dirty: set[str] = set()

    # ------------------------------------------------------------ running
    def _requests(self) -> list[dict[str, Any]]:
        boardWidth, boardHeight = self.board.size
        statusX, statusY, _, statusHeight = LAYOUT["STATUS"]
        statusWidth = max(1, self.windowSize[0] - statusX)
        places = [((boardWidth, boardHeight), (0, TOOLBAR_HEIGHT), True),
                  (LAYOUT["SWATCH"][2:], LAYOUT["SWATCH"][:2], False),
                  (LAYOUT["COUNTER"][2:], LAYOUT["COUNTER"][:2], False),
                  ((statusWidth, statusHeight), (statusX, statusY), False)]
        return [{"DISPLAYREQUEST": True, "size": tuple(size), "position": tuple(position),
                 "callback": (self, "callback"),
                 "events": (self, "events") if events else None}
                for size, position, events in places]

    def main(self) -> Iterator[int]:
        wanted = self._askForSurfaces()
        while self.dataReady("callback") < wanted:
            if self._ended(giveBack=False):
                return
            self.pause()
            yield 1
        self._start()
        while not self._ended():
            self._handleRound()
            if not self.anyReady():
                self.pause()
            yield 1
        yield 1

    def _askForSurfaces(self) -> int:
        """Ask the display for our surfaces; how many."""
        connect(self, "display_signal")
        requests = self._requests()
        for request in requests:
            self.send(request, "display_signal")
        if self.title is not None:
            self.send({"CAPTION": self.title}, "display_signal")
        return len(requests)

    def _start(self) -> None:
        """Take the surfaces (the display answers in the order asked), listen, paint."""
        self.canvas, self.swatch, self.counter, self.statusLine = (
            self.recv("callback") for _ in range(4))
        for kind in (*_MOUSE, pygame.KEYDOWN):
            self.send({"ADDLISTENEVENT": kind, "surface": self.canvas}, "display_signal")
        self._dirty.update(("canvas", "swatch", "counter", "status"))
        self._showTool()
        self._paint()

    def _ended(self, giveBack: bool = True) -> bool:
        """If a shutdown message waits: send what was drawn, pass it on, give the
        surfaces back; True then."""
        request = shutdownRequest(self)
        if request is None:
            return False
        self._flush()
        self.send(request, "signal")
        if giveBack:
            for surface in (self.canvas, self.swatch, self.counter, self.statusLine):
                self.send(producerFinished(self, surface), "display_signal")
        return True

    def _handleRound(self) -> None:
        """Everything that waits, in a method (so that no message stays bound in
        main while it sleeps)."""
        for message in self.Inbox("tools"):
            self._tool(message)
        for events in self.Inbox("events"):
            for event in events:
                self._event(event)
        # One "draw" per stroke per round, however many movements it had.
        self._flush()
        for text in self.Inbox("status"):
            self._setStatus(str(text))
        for _version in self.Inbox("inbox"):
            self._dirty.update(("canvas", "counter"))
        self._paint()

    # ------------------------------------------------------------ sending
    def _emit(self, *action: Any) -> None:
        """Send an action to the keeper (after the stroke drawn so far)."""
        self._flush()
        self.send(tuple(action), "outbox")

    def _add(self, command: list[str]) -> None:
        if self.pendingStroke != self.stroke:
            self._flush()
        self.pendingStroke = self.stroke
        self.pending.append(command)

    def _flush(self) -> None:
        if self.pending:
            self.send(("draw", self.pendingStroke, self.pending), "outbox")
            self.pending = []

    # ------------------------------------------------------------ the tools
    def _tool(self, message: Any) -> None:
        if (isinstance(message, tuple) and len(message) == 3
                and all(isinstance(v, int) and 0 <= v <= 255 for v in message)):
            self.colour = (message[0], message[1], message[2])
            if self.mode == "eraser":
                self._choose("pen")
            self._dirty.update(("swatch", "canvas"))      # (the text's colour too)
        elif (isinstance(message, tuple) and len(message) == 2 and message[0] == "size"
              and isinstance(message[1], int) and 1 <= message[1] <= MAX_PEN_WIDTH):
            self.penSize = message[1]
            self._choose("pen" if self.mode == "text" else self.mode)
        elif message == [["clear"]]:
            self._emit("draw", None, [clearCommand()])
        elif isinstance(message, str) and message in _TOOL_ACTIONS:
            _TOOL_ACTIONS[message](self)
        else:
            log.warning("%s: a toolbar message it does not know: %s; ignored", self.name,
                        shortRepr(message))
        self._showTool()

    def _choose(self, mode: str) -> None:
        self._endStroke(None)
        if mode != "text":
            self._commitText()
        self.mode = mode

    def _showTool(self) -> None:
        """Tell each tool button whether it is the one in use (when that changed)."""
        for name, (mode, size) in SELECTABLE.items():
            if size is not None:
                selected = self.mode != "text" and size == self.penSize
            else:
                selected = self.mode == mode
            if self._shown.get(name) != selected:
                self._shown[name] = selected
                self.send(selected, f"select_{name}")
        self._dirty.add("swatch")

    def _fullscreen(self) -> None:
        self.send({"FULLSCREEN": "TOGGLE"}, "display_signal")

    def _freshPath(self, suffix: str) -> Path:
        stem = deckName()[:-len(".zip")]
        path = self.decks / f"{stem}{suffix}"
        number = 1
        while path.exists():
            number += 1
            path = self.decks / f"{stem}-{number}{suffix}"
        return path

    def _saveDeck(self) -> None:
        path = self._freshPath(".zip")
        self.lastDeck = path
        self._emit("saveDeck", str(path))

    def _exportPdf(self) -> None:
        path = self._freshPath(".pdf") if self.lastDeck is None \
            else self.lastDeck.with_suffix(".pdf")
        self._emit("exportPdf", str(path))

    def _loadDeck(self) -> None:
        decks = self._deckFiles()
        if not decks:
            self._setStatus(f"No decks to load in {self.decks}")
            return
        self.chooser = decks[:CHOOSER_ROWS]
        self.chooserRow = 0
        self._dirty.add("canvas")

    def _deckFiles(self) -> list[Path]:
        """The decks in the decks folder, newest first."""
        found = []
        try:
            entries = list(self.decks.glob("*.zip"))
        except OSError:
            return []
        for path in entries:
            try:
                found.append((path.stat().st_mtime, path.name, path))
            except OSError:
                continue                # gone since it was listed
        return [path for _, _, path in sorted(found, reverse=True)]

    def _closeChooser(self, load: Path | None = None) -> None:
        self.chooser = None
        self._dirty.add("canvas")
        if load is not None:
            self.lastDeck = load
            self._emit("loadDeck", str(load))

    # ------------------------------------------------------------ events
    def _event(self, event: Any) -> None:
        kind = event.type
        if kind == pygame.MOUSEBUTTONDOWN:
            self._mouseDown(event.pos, getattr(event, "button", 1))
        elif kind == pygame.MOUSEMOTION:
            if self.stroke is not None:
                self._segment(event.pos)
        elif kind == pygame.MOUSEBUTTONUP:
            if getattr(event, "button", 1) == 1:
                self._endStroke(event.pos)
        elif kind == pygame.KEYDOWN:
            self._key(event.key, getattr(event, "mod", 0), getattr(event, "unicode", ""))

    def _onBoard(self, pos: tuple[int, int]) -> bool:
        return 0 <= pos[0] < self.board.size[0] and 0 <= pos[1] < self.board.size[1]

    def _mouseDown(self, pos: tuple[int, int], button: int) -> None:
        if not self._onBoard(pos):
            # The toolbar's: its buttons tell us what they mean. (So Load deck
            # clicked again while its list is open just lists the decks afresh.)
            return
        if self.chooser is not None:
            if button == 1:
                row = self._chooserRowAt(pos)
                self._closeChooser(None if row is None else self.chooser[row])
            return
        if button == 3:
            self._fullscreen()              # 1.14's right click
        elif button == 1:
            if self.mode == "text":
                self._commitText()
                self.textAt = (int(pos[0]), int(pos[1]))
                self._dirty.add("canvas")
            else:
                self._endStroke(None)
                self.lastStroke += 1
                self.stroke = self.lastStroke
                self.lastPos = (int(pos[0]), int(pos[1]))
                self.strokeDrew = False

    def _width(self) -> int:
        if self.mode == "eraser":
            return min(MAX_PEN_WIDTH, ERASER_FACTOR * self.penSize)
        return self.penSize

    def _segment(self, pos: tuple[int, int]) -> None:
        point = (int(pos[0]), int(pos[1]))
        if point == self.lastPos:
            return
        colour = WHITE if self.mode == "eraser" else self.colour
        self._add(lineCommand(colour, self.lastPos, point, self._width()))
        self.lastPos = point
        self.strokeDrew = True

    def _endStroke(self, pos: tuple[int, int] | None) -> None:
        """The pen is lifted (at ``pos``; None: the stroke is cut short)."""
        if self.stroke is None:
            return
        if pos is not None:
            self._segment(pos)
            if not self.strokeDrew:         # a click: a dot
                colour = WHITE if self.mode == "eraser" else self.colour
                self._add(lineCommand(colour, self.lastPos, self.lastPos, self._width()))
        self._flush()
        self.stroke = None

    def _key(self, key: int, mod: int, char: str) -> None:
        if self.chooser is not None:
            self._chooserKey(key)
        elif self.textAt is not None:
            self._typing(key, mod, char)
        elif mod & _SHORTCUT_MODIFIERS:
            if key == pygame.K_z:
                self._emit("undo")
        elif key == pygame.K_LEFT:
            self._emit("prev")
        elif key == pygame.K_RIGHT:
            self._emit("next")
        elif key == pygame.K_n:
            self._emit("newPage")
        elif key == pygame.K_f:
            self._fullscreen()

    def _typing(self, key: int, mod: int, char: str) -> None:
        if key in _ENTER:
            self._commitText()
        elif key == pygame.K_ESCAPE:
            self.textAt, self.text = None, ""
        elif key == pygame.K_BACKSPACE:
            self.text = self.text[:-1]
        elif mod & _SHORTCUT_MODIFIERS:
            if key == pygame.K_z and not self.text:
                self._emit("undo")
            return
        elif char and char.isprintable() and len(self.text) < MAX_TEXT_LENGTH:
            self.text += char
        else:
            return
        self._dirty.add("canvas")

    def _commitText(self) -> None:
        """Write the text typed so far (if any); stop typing."""
        if self.textAt is not None and self.text:
            self._emit("draw", None, [writeCommand(self.textAt, TEXT_SIZE, self.colour,
                                                   self.text)])
        if self.textAt is not None:
            self._dirty.add("canvas")
        self.textAt, self.text = None, ""

    def _chooserKey(self, key: int) -> None:
        assert self.chooser is not None
        if key == pygame.K_ESCAPE:
            self._closeChooser()
        elif key in _ENTER:
            self._closeChooser(self.chooser[self.chooserRow])
        elif key in (pygame.K_UP, pygame.K_DOWN):
            step = -1 if key == pygame.K_UP else 1
            self.chooserRow = (self.chooserRow + step) % len(self.chooser)
            self._dirty.add("canvas")

    # ------------------------------------------------------------ the list of decks
    def _chooserRect(self) -> Any:
        assert self.chooser is not None
        left = min(LAYOUT["LOADDECK"][0], max(0, self.board.size[0] - _CHOOSER_WIDTH))
        height = _CHOOSER_ROW * (len(self.chooser) + 1) + 4
        return pygame.Rect(left, 0, _CHOOSER_WIDTH, height)

    def _chooserRowAt(self, pos: tuple[int, int]) -> int | None:
        assert self.chooser is not None
        panel = self._chooserRect()
        if not panel.collidepoint(pos):
            return None
        row = (pos[1] - panel.top - 2) // _CHOOSER_ROW - 1    # row 0 is the heading
        return row if 0 <= row < len(self.chooser) else None

    def _paintChooser(self, surface: Any) -> None:
        assert self.chooser is not None
        panel = self._chooserRect()
        surface.fill(PANEL, panel)
        pygame.draw.rect(surface, _INK, panel, 1)
        font = self._font(INFO_FONT_SIZE)
        heading = font.render("Load which deck? (Esc: none)", True, (64, 64, 64))
        surface.blit(heading, (panel.left + 6, panel.top + 2 + (_CHOOSER_ROW - 12) // 2))
        for index, path in enumerate(self.chooser):
            top = panel.top + 2 + _CHOOSER_ROW * (index + 1)
            if index == self.chooserRow:
                surface.fill(_HIGHLIGHT, (panel.left + 1, top, panel.width - 2, _CHOOSER_ROW))
            surface.blit(font.render(path.name, True, _INK),
                         (panel.left + 6, top + (_CHOOSER_ROW - 12) // 2))

    # ------------------------------------------------------------ painting
    def _font(self, size: int) -> Any:
        if size not in self._fonts:
            self._fonts[size] = pygame.font.Font(None, size)
        return self._fonts[size]

    def _setStatus(self, text: str) -> None:
        self.status = text
        self._dirty.add("status")

    def _paint(self) -> None:
        """Paint the surfaces that changed; ask the display to show them."""
        if self.canvas is None or not self._dirty:
            return
        dirty, self._dirty = self._dirty, set()
        if "canvas" in dirty:
            self._paintCanvas()
        if "swatch" in dirty:
            self._paintSwatch()
        if "counter" in dirty:
            self._paintText(self.counter, f"{self.board.current} / {self.board.pageCount}",
                            centred=True)
        if "status" in dirty:
            self._paintText(self.statusLine, self.status, centred=False)

    def _redraw(self, surface: Any) -> None:
        self.send({"REDRAW": True, "surface": surface}, "display_signal")

    def _paintCanvas(self) -> None:
        surface = self.canvas
        surface.blit(self.board.surface, (0, 0))
        if self.textAt is not None:
            # As the board will draw it (not antialiased), then a cursor.
            image = self._font(TEXT_SIZE).render(self.text, False, self.colour) \
                if self.text else None
            x, y = self.textAt
            if image is not None:
                surface.blit(image, (x, y))
                x += image.get_width()
            surface.fill(self.colour, (x + 1, y, 2, TEXT_SIZE))
        if self.chooser is not None:
            self._paintChooser(surface)
        self._redraw(surface)

    def _paintSwatch(self) -> None:
        surface = self.swatch
        surface.fill(PANEL)
        inner = surface.get_rect().inflate(-8, -8)
        surface.fill(WHITE if self.mode == "eraser" else self.colour, inner)
        pygame.draw.rect(surface, _INK, inner, 1)
        self._redraw(surface)

    def _paintText(self, surface: Any, text: str, centred: bool) -> None:
        surface.fill(PANEL)
        font = self._font(INFO_FONT_SIZE)
        width, height = surface.get_size()
        room = width - 12
        shown = text
        # Too long: keep the end (a path's file name), with "..." before it.
        while shown and font.size(shown)[0] > room:
            shown = shown[1:]
        if shown != text:
            while shown and font.size("..." + shown)[0] > room:
                shown = shown[1:]
            shown = "..." + shown
        image = font.render(shown, True, _INK)
        x = (width - image.get_width()) // 2 if centred else 6
        surface.blit(image, (x, (height - image.get_height()) // 2))
        self._redraw(surface)


#: The toolbar's plain messages, and what each does.
_TOOL_ACTIONS: dict[str, Any] = {
    "eraser": lambda view: view._choose("eraser"),
    "text": lambda view: view._choose("text"),
    "undo": lambda view: view._emit("undo"),
    "prev": lambda view: view._emit("prev"),
    "next": lambda view: view._emit("next"),
    "new": lambda view: view._emit("newPage"),
    "delete": lambda view: view._emit("deletePage"),
    "savedeck": BoardView._saveDeck,
    "loaddeck": BoardView._loadDeck,
    "exportpdf": BoardView._exportPdf,
    "fullscreen": BoardView._fullscreen,
}


class WhiteboardWindow(Graphline):
    """WhiteboardWindow(board, size=(1024, 768), decks=None, title="Kamaelia Whiteboard")
    -> new WhiteboardWindow component (a Graphline)

    - board -- the :class:`~Kamaelia.Apps.Whiteboard.Board.Board` its keeper owns
    - size  -- (w, h) of the window (the display's canvas, if this makes the display)
    - decks -- the folder for decks and PDFs (default ``~/Whiteboard/Decks``)
    - title -- the window's title

    Boxes: "inbox" takes the keeper's "changed", "status" its status text;
    "outbox" carries the user's actions to the keeper's "local". ``view`` is
    its :class:`BoardView`.
    """

    def __init__(self, board: Board, size: Sequence[int] = (1024, 768),
                 decks: str | os.PathLike[str] | None = None,
                 title: str = "Kamaelia Whiteboard") -> None:
        windowSize = pair("WhiteboardWindow", "size", size, 1)
        view = BoardView(board, size=windowSize, decks=decks, title=str(title))
        buttons = toolbarButtons()
        linkages: dict[tuple[str, str], tuple[str, str]] = {
            ("self", "inbox"): ("VIEW", "inbox"),
            ("self", "status"): ("VIEW", "status"),
            ("VIEW", "outbox"): ("self", "outbox"),
        }
        for name in buttons:
            linkages[(name, "outbox")] = ("VIEW", "tools")
        for name in SELECTABLE:
            linkages[("VIEW", f"select_{name}")] = (name, "select")
        super().__init__(linkages=linkages, VIEW=view, **buttons)
        self.view = view
        self.board = board
        self.windowSize = windowSize
        self.title = str(title)

    def main(self) -> Iterator[Any]:
        self._openDisplay()
        yield from super().main()

    def _openDisplay(self) -> None:
        """Make the display, of our size, unless a program made one already (before
        the buttons ask for the display service, which would make a default one)."""
        tracker = coordinatingassistanttracker.getcat()
        try:
            tracker.retrieveService(SERVICE_NAME)
        except KeyError:
            display = PygameDisplay(width=self.windowSize[0], height=self.windowSize[1],
                                    caption=self.title)
            PygameDisplay.setDisplayService(display, tracker)
            display.activate()

__kamaelia_components__ = (WhiteboardWindow, BoardView)
