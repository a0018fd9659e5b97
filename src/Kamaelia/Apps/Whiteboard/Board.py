"""The board: a deck of pages of pixels, what drew them, and undo.

Example Usage
-------------
Draw on a board, turn pages, and take back one's own stroke::

    from Kamaelia.Apps.Whiteboard.Board import Board

    board = Board(size=(200, 100))
    board.apply(["LINE", "255", "0", "0", "10", "50", "190", "50", "5"], stroke=1)
    assert board.surface.get_at((100, 50))[:3] == (255, 0, 0)

    assert board.newPage() == [["PAGE", "2", "2"]]     # what to tell the others
    assert (board.current, board.pageCount) == (2, 2)
    board.apply(["PREV"])                              # a peer turned back
    assert board.undo()[0][0] == "SETIMG"              # our stroke is gone again
    assert board.surface.get_at((100, 50))[:3] == (255, 255, 255)

How does it work?
-----------------
A :class:`Board` holds its pages as pygame surfaces (no window is needed:
the surfaces are plain memory) and draws the commands of ``Commands`` on
them with :meth:`Board.apply`. It does not check them: give it commands
that ``Commands.checkMessage`` accepted, or that were made locally with the
builders there. Every peer draws the same commands in the same order with
the same code, so two boards that saw the same events hold the same pixels.
``board.version`` grows with every change, for a window to know when to
draw.

Pages are numbered from 1; ``board.current`` is the one shown, and drawing
commands draw on it. ``PAGE n count`` (someone turned a page) shows page
``n`` and makes the deck ``count`` pages long; ``DELPAGE n`` removes page
``n``; ``PREV`` and ``NEXT`` are 1.14's page turns. The methods that turn
pages here (:meth:`goTo`, :meth:`nextPage`, :meth:`previousPage`,
:meth:`newPage`, :meth:`deletePage`) return the commands that tell the
other peers, as does :meth:`undo`.

Undo: each page remembers how it began (a colour, or an image it was sent)
and the commands drawn on it since, each marked with its stroke (an id the
local user's window gave it) or none (someone else's). :meth:`undo` drops
the local user's last stroke, draws the page again from its beginning
without it, and returns a ``SETIMG`` of the result for the other peers (a
1.14 peer understands it too). A page that was sent whole (SETIMG, PAGEIMG)
or cleared begins again there: undo reaches back to that point. So that
memory stays bounded, a page keeps at most :data:`MAX_HISTORY` commands;
older ones are folded into its beginning.

:meth:`snapshot` is the answer to ``GETIMG``: one message per page
(``PAGEIMG``), then ``PAGE current count`` and a ``SETIMG`` of the current
page (what a 1.14 peer asks GETIMG for).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from typing import Any, Sequence

from Kamaelia.Apps.Whiteboard.Commands import (MAX_PAGES, decodeImage, delPageCommand,
                                               pageCommand, pageimgCommand, setimgCommand)
from Kamaelia.Apps.Whiteboard.Tokenisation import tokenBytes
from Kamaelia.UI.Pygame._pygame import pygame

__all__ = ["Board", "DEFAULT_SIZE", "WHITE", "MAX_HISTORY"]

#: The board's size unless told otherwise: a 1024x768 window less 64 pixels of toolbars.
DEFAULT_SIZE = (1024, 704)
WHITE = (255, 255, 255)
#: The most commands a page remembers for undo.
MAX_HISTORY = 20000

Colour = tuple[int, int, int]


@dataclass
class _Page:
    surface: pygame.Surface
    #: How the page began: a fill colour, or zlib-compressed RGB pixels.
    beginning: Colour | bytes
    #: What was drawn since: (command, stroke id or None).
    history: list[tuple[list[Any], int | None]] = field(default_factory=list)


class Board:
    """A deck of pages; see the module."""

    def __init__(self, size: Sequence[int] = DEFAULT_SIZE, background: Colour = WHITE) -> None:
        width, height = (int(size[0]), int(size[1]))
        if width < 1 or height < 1:
            raise ValueError(f"a board needs a positive size, got {tuple(size)!r}")
        self.size = (width, height)
        self.background = tuple(background)
        self._pages = [self._blankPage()]
        self._index = 0
        self.version = 0
        self._fonts: dict[int, pygame.font.Font] = {}

    # -- What is there -----------------------------------------------------------------------

    @property
    def current(self) -> int:
        """The page shown, from 1."""
        return self._index + 1

    @property
    def pageCount(self) -> int:
        return len(self._pages)

    @property
    def surface(self) -> pygame.Surface:
        """The current page's pixels (a new surface when the page changes)."""
        return self._pages[self._index].surface

    def pageSurface(self, page: int) -> pygame.Surface:
        return self._pages[self._checkedIndex(page)].surface

    def pixels(self, page: int | None = None) -> bytes:
        """A page's RGB pixels, rows top to bottom (the current page by default)."""
        surface = self.surface if page is None else self.pageSurface(page)
        return pygame.image.tobytes(surface, "RGB")

    def snapshot(self) -> list[list[list[Any]]]:
        """The messages that give another peer this whole board (the answer to GETIMG)."""
        messages: list[list[list[Any]]] = [
            [pageimgCommand(number, self.pixels(number), self.size)]
            for number in range(1, self.pageCount + 1)]
        messages.append([pageCommand(self.current, self.pageCount),
                         setimgCommand(self.pixels(), self.size)])
        return messages

    # -- Drawing -----------------------------------------------------------------------------

    def apply(self, command: Sequence[Any], stroke: int | None = None) -> None:
        """Draw or do one (checked) command; ``stroke``: the local user's stroke id."""
        name = command[0].upper()
        arguments = list(command[1:])
        page = self._pages[self._index]
        if name in ("LINE", "CIRCLE", "WRITE"):
            self._draw(page.surface, name, arguments)
            self._remember(page, list(command), stroke)
        elif name == "CLEAR":
            colour = tuple(int(v) for v in arguments[:3]) if arguments else self.background
            page.surface.fill(colour)
            page.beginning, page.history = colour, []   # type: ignore[assignment]
        elif name == "SETIMG":
            self._setImage(page, arguments)
        elif name == "PAGEIMG":
            number = int(arguments[0])
            if number > self.pageCount:
                self._resize(number)
            self._setImage(self._pages[number - 1], arguments[1:])
        elif name == "PAGE":
            self._resize(int(arguments[1]))
            self._index = int(arguments[0]) - 1
        elif name == "DELPAGE":
            self._delete(int(arguments[0]))
        elif name == "PREV":
            self._index = max(0, self._index - 1)
        elif name == "NEXT":
            self._index = min(self.pageCount - 1, self._index + 1)
        else:
            return          # GETIMG, AUTH: not the board's business
        self.version += 1

    def _draw(self, surface: pygame.Surface, name: str, arguments: list[Any]) -> None:
        if name == "LINE":
            r, g, b, x0, y0, x1, y1 = (int(v) for v in arguments[:7])
            width = int(arguments[7]) if len(arguments) > 7 else 1
            pygame.draw.line(surface, (r, g, b), (x0, y0), (x1, y1), width)
            if width > 2:
                # Round ends, so that a stroke of many segments has no notches.
                for point in ((x0, y0), (x1, y1)):
                    pygame.draw.circle(surface, (r, g, b), point, width // 2)
        elif name == "CIRCLE":
            r, g, b, x, y, radius = (int(v) for v in arguments[:6])
            pygame.draw.circle(surface, (r, g, b), (x, y), radius)
        else:   # WRITE
            x, y, size, r, g, b = (int(v) for v in arguments[:6])
            text = tokenBytes(arguments[6]).decode("utf-8", "replace").replace("\x00", "")
            font = self._font(size)
            # Text of only zero-width characters (U+200B, U+FEFF...) draws
            # nothing; pygame would raise "Text has zero width" for it.
            if text and font.size(text)[0] > 0:
                # Not antialiased, as 1.14 drew it: the same pixels on every peer.
                surface.blit(font.render(text, False, (r, g, b)), (x, y))

    def _font(self, size: int) -> pygame.font.Font:
        if size not in self._fonts:
            if not pygame.font.get_init():
                pygame.font.init()
            self._fonts[size] = pygame.font.Font(None, size)
        return self._fonts[size]

    def _setImage(self, page: _Page, arguments: list[Any]) -> None:
        width, height = int(arguments[1]), int(arguments[2])
        pixels = decodeImage(arguments[0], width, height)
        if (width, height) == self.size:
            page.surface = pygame.image.frombytes(pixels, self.size, "RGB")
            compressed = tokenBytes(arguments[0]) if isinstance(arguments[0], str) \
                else bytes(arguments[0])
        else:
            # Another size (a 1.14 peer's canvas was 832x720): at the top left, as 1.14 did.
            page.surface.blit(pygame.image.frombytes(pixels, (width, height), "RGB"), (0, 0))
            compressed = zlib.compress(pygame.image.tobytes(page.surface, "RGB"), 1)
        page.beginning, page.history = compressed, []

    def _remember(self, page: _Page, command: list[Any], stroke: int | None) -> None:
        page.history.append((command, stroke))
        if len(page.history) > MAX_HISTORY:
            # Fold the older half into the beginning: undo cannot reach it any more.
            older, newer = page.history[:MAX_HISTORY // 2], page.history[MAX_HISTORY // 2:]
            page.history = older
            page.beginning = zlib.compress(self._render(page), 1)
            page.history = newer

    def _render(self, page: _Page) -> bytes:
        """The page drawn again from its beginning and history, as RGB pixels."""
        surface = self._beginningSurface(page.beginning)
        for command, _stroke in page.history:
            self._draw(surface, command[0].upper(), list(command[1:]))
        return pygame.image.tobytes(surface, "RGB")

    def _beginningSurface(self, beginning: Colour | bytes) -> pygame.Surface:
        if isinstance(beginning, bytes):
            return pygame.image.frombytes(zlib.decompress(beginning), self.size, "RGB")
        surface = pygame.Surface(self.size)
        surface.fill(beginning)
        return surface

    # -- Pages -------------------------------------------------------------------------------

    def _blankPage(self) -> _Page:
        surface = pygame.Surface(self.size)
        surface.fill(self.background)
        return _Page(surface, self.background)   # type: ignore[arg-type]

    def _checkedIndex(self, page: int) -> int:
        if not 1 <= page <= self.pageCount:
            raise ValueError(f"page {page} is not one of this board's {self.pageCount} pages")
        return page - 1

    def _resize(self, count: int) -> None:
        count = max(1, min(MAX_PAGES, count))
        while len(self._pages) < count:
            self._pages.append(self._blankPage())
        del self._pages[count:]
        self._index = min(self._index, count - 1)

    def _delete(self, page: int) -> None:
        if not 1 <= page <= self.pageCount:
            return          # already gone here
        del self._pages[page - 1]
        if not self._pages:
            self._pages.append(self._blankPage())
        if self._index >= page - 1 and self._index > 0:
            self._index -= 1
        self._index = min(self._index, self.pageCount - 1)

    def goTo(self, page: int) -> list[list[Any]]:
        """Show ``page``; the command that tells the others (none if already there)."""
        index = self._checkedIndex(page)
        if index == self._index:
            return []
        self._index = index
        self.version += 1
        return [pageCommand(self.current, self.pageCount)]

    def nextPage(self) -> list[list[Any]]:
        return self.goTo(self.current + 1) if self.current < self.pageCount else []

    def previousPage(self) -> list[list[Any]]:
        return self.goTo(self.current - 1) if self.current > 1 else []

    def newPage(self) -> list[list[Any]]:
        """A blank page at the end, shown; [] if the deck is full."""
        if self.pageCount >= MAX_PAGES:
            return []
        self._pages.append(self._blankPage())
        self._index = self.pageCount - 1
        self.version += 1
        return [pageCommand(self.current, self.pageCount)]

    def deletePage(self) -> list[list[Any]]:
        """Delete the current page (the last one left is cleared instead)."""
        deleted = self.current
        if self.pageCount == 1:
            self.apply(["CLEAR"])
            return [["CLEAR"]]
        self._delete(deleted)
        self.version += 1
        return [delPageCommand(deleted), pageCommand(self.current, self.pageCount)]

    def replacePages(self, pages: Sequence[bytes]) -> None:
        """Make the deck these pages (RGB pixels of the board's size), showing the first."""
        if not 1 <= len(pages) <= MAX_PAGES:
            raise ValueError(f"a deck has 1 to {MAX_PAGES} pages, got {len(pages)}")
        self._pages = []
        for pixels in pages:
            self._pages.append(_Page(pygame.image.frombytes(pixels, self.size, "RGB"),
                                     zlib.compress(pixels, 1)))
        self._index = 0
        self.version += 1

    # -- Undo --------------------------------------------------------------------------------

    def undo(self) -> list[list[Any]]:
        """Take back the local user's last stroke on this page; the SETIMG for the others."""
        page = self._pages[self._index]
        strokes = [stroke for _command, stroke in page.history if stroke is not None]
        if not strokes:
            return []
        last = strokes[-1]
        page.history = [(command, stroke) for command, stroke in page.history
                        if stroke != last]
        pixels = self._render(page)
        page.surface = pygame.image.frombytes(pixels, self.size, "RGB")
        self.version += 1
        return [setimgCommand(pixels, self.size)]
