"""A text ticker: incoming text shown a word at a time, wrapping and scrolling.

Example Usage
-------------
Lines of a file, eight words a second::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.File.ReadFileAdaptor import ReadFileAdaptor
    from Kamaelia.UI.Pygame.Ticker import Ticker

    Pipeline(ReadFileAdaptor("poem.txt"),
             Ticker(position=(100, 100), render_right=600, render_bottom=200),
             ).run()

How does it work?
-----------------
The ticker asks the display for a surface of ``render_right`` x
``render_bottom`` pixels at ``position``, fills it with
``background_colour`` and draws a border of ``outline_width`` pixels in
``outline_colour`` around it. Text arriving on ``"inbox"`` (strings; bytes
are decoded as UTF-8) is split into words (any run of spaces and line
breaks separates two words) and the words are shown one after another,
``words_per_second`` of them a second (default 8), in ``text_colour`` at
``text_height`` points. A word that does not fit on the current line
starts the next; when the last line is full the text scrolls up a line.
The special message ``"\\x00CLRTKR"`` (1.14's) clears the ticker.

The pace is kept with the scheduler's timers: between words the ticker
sleeps. Any message on ``"pausebox"`` pauses it (text keeps being
collected) and any message on ``"unpausebox"`` resumes it;
``"alphacontrol"`` takes a transparency from 0 (invisible) to 255.

Shutdown: any message on ``"control"`` ends it at once (1.14's rule), even
while paused (1.14 could not be stopped then); the message is passed on out
of ``"signal"``, words not yet shown are dropped, and the surface is given
back to the display. ``producerFinished`` instead lets it show what it
has first.
"""

from __future__ import annotations

import time
from collections import deque
from typing import Any, Iterator

from Axon.Component import component
from Axon.Ipc import WaitComplete, producerFinished
from Kamaelia.UI.Pygame._pygame import pygame
from Kamaelia.UI.Pygame._widget import colour, connect, pair, waitBox
from Kamaelia.Util._arguments import positiveInt, positiveNumber

__all__ = ["Ticker", "GotShutdownException"]

#: The message that clears the ticker (1.14's).
CLEAR = "\x00CLRTKR"


class GotShutdownException(Exception):
    """1.14's way out of the ticker's loop on a control message (kept for
    code that catches it)."""


class Ticker(component):
    """Ticker(**argd) -> new Ticker component

    Keyword arguments (all optional):

    - text_height       -- font size in points (default 39)
    - line_spacing      -- pixels between lines (default text_height // 7)
    - background_colour -- (r, g, b) (default (128, 48, 128))
    - text_colour       -- (r, g, b) (default (232, 232, 48))
    - outline_colour    -- (r, g, b) of the border (default background_colour)
    - outline_width     -- pixels width of the border (default 1)
    - position          -- (x, y) of its top left corner in the window (default (1, 1))
    - render_left, render_top -- where the text starts inside it (default 1, 1)
    - render_right, render_bottom -- its width and height (default 399 x 299)
    - words_per_second  -- the pace (default 8)
    """

    Inboxes = {"inbox": "text to show (str, or UTF-8 bytes)",
               "control": "any message ends it (producerFinished: after the text waiting)",
               "alphacontrol": "transparency, 0 (invisible) to 255 (opaque)",
               "pausebox": "any message pauses the ticker",
               "unpausebox": "any message resumes it",
               "_displaycontrol": "our surface, from the display"}
    Outboxes = {"outbox": "not used",
                "signal": "the control message that ended it, passed on",
                "_displaysignal": "requests to the display service"}

    def __init__(self, **argd: Any) -> None:
        super().__init__()
        self.text_height = positiveInt("Ticker", "text_height", argd.get("text_height", 39))
        self.line_spacing = argd.get("line_spacing", self.text_height // 7)
        self.background_colour = colour("Ticker", "background_colour",
                                        argd.get("background_colour", (128, 48, 128)))
        self.text_colour = colour("Ticker", "text_colour",
                                  argd.get("text_colour", (232, 232, 48)))
        self.outline_colour = colour("Ticker", "outline_colour",
                                     argd.get("outline_colour", self.background_colour))
        self.outline_width = argd.get("outline_width", 1)
        self.position = pair("Ticker", "position", argd.get("position", (1, 1)), None)
        width = positiveInt("Ticker", "render_right", argd.get("render_right", 399))
        height = positiveInt("Ticker", "render_bottom", argd.get("render_bottom", 299))
        self.render_area = pygame.Rect(argd.get("render_left", 1), argd.get("render_top", 1),
                                       width, height)
        self.words_per_second = positiveNumber("Ticker", "words_per_second",
                                               argd.get("words_per_second", 8))
        self.delay = 1.0 / self.words_per_second
        self.display: Any = None
        self._words: deque[str] = deque()

    def waitBox(self, boxname: str) -> Iterator[int]:
        """Generator: yields (paused) until a message waits on inbox ``boxname``."""
        return waitBox(self, boxname)

    def requestDisplay(self, **argd: Any) -> Iterator[int]:
        """Generator: send ``argd`` as a request to the display; yields until the
        surface arrives on "_displaycontrol" (then in ``self.display``)."""
        connect(self, "_displaysignal")
        self.send(argd, "_displaysignal")
        yield from self.waitBox("_displaycontrol")
        self.display = self.recv("_displaycontrol")

    def clearDisplay(self) -> None:
        """Wipe the text; ask for a redraw."""
        self.display.fill(self.background_colour)
        self.renderBorder(self.display)
        self.send({"REDRAW": True, "surface": self.display}, "_displaysignal")

    def renderBorder(self, display: Any) -> None:
        """Draw the border around the edge of ``display``."""
        if self.outline_width > 0:
            pygame.draw.rect(display, self.outline_colour, display.get_rect(),
                             self.outline_width)

    def handleAlpha(self) -> None:
        """Take the latest transparency waiting on "alphacontrol"."""
        for alpha in self.Inbox("alphacontrol"):
            self.display.set_alpha(alpha)
            self.send({"REDRAW": True, "surface": self.display}, "_displaysignal")

    def main(self) -> Iterator[Any]:
        yield WaitComplete(self.requestDisplay(
            DISPLAYREQUEST=True, callback=(self, "_displaycontrol"),
            size=(self.render_area.width, self.render_area.height), position=self.position))
        self.font = pygame.font.Font(None, self.text_height)
        inset = max(self.outline_width, 0)
        self._left = max(self.render_area.left, inset)
        self._top = max(self.render_area.top, inset)
        self._right = self.render_area.width - inset
        self._bottom = self.render_area.height - inset
        self._x, self._y = self._left, self._top
        self.clearDisplay()
        paused = False
        self._finishing: Any = None
        nextWord = time.monotonic()
        while True:
            self.handleAlpha()
            self._takeText()
            if self.dataReady("pausebox"):
                self._drain("pausebox")
                paused = True
            if self.dataReady("unpausebox"):
                self._drain("unpausebox")
                paused = False
            if self._stopped():
                break
            now = time.monotonic()
            if not paused and self._words and now >= nextWord:
                self._show(self._words.popleft())
                nextWord = now + self.delay
            if self._finishing is not None and not self._words:
                self.send(self._finishing, "signal")
                break
            if not self.anyReady():
                if paused or not self._words:
                    self.pause()
                else:           # sleep until the next word is due
                    self.pause(max(0.0, nextWord - time.monotonic()))
            yield 1
        self.send(producerFinished(self, self.display), "_displaysignal")

    def _stopped(self) -> bool:
        """Take a control message: True (passed on) if it says stop now; a
        producerFinished is kept in ``_finishing`` (stop once the words are out)."""
        if self.dataReady("control"):
            message = self.recv("control")
            if not isinstance(message, producerFinished):
                self.send(message, "signal")
                return True
            self._finishing = message
        return False

    def _drain(self, boxname: str) -> None:
        for _ in self.Inbox(boxname):
            pass

    def _takeText(self) -> None:
        for text in self.Inbox("inbox"):
            if isinstance(text, (bytes, bytearray)):
                text = bytes(text).decode("utf-8", "replace")
            text = str(text)
            if text == CLEAR:
                self._words.clear()
                self._words.append(CLEAR)
                continue
            self._words.extend(text.split())

    def _show(self, word: str) -> None:
        """Draw one word (wrapping and scrolling as needed); ask for a redraw."""
        if word == CLEAR:
            self._x, self._y = self._left, self._top
            self.clearDisplay()
            return
        text = word if self._x == self._left else " " + word
        width, height = self.font.size(text)
        lineHeight = self.font.get_linesize() + self.line_spacing
        if self._x + width > self._right and self._x != self._left:
            self._x = self._left
            self._y += lineHeight
            text = word
            width, height = self.font.size(text)
        if self._y + height > self._bottom:
            # Scroll by whole lines, so that the lines stay where they started.
            lines = -(-(self._y + height - self._bottom) // lineHeight)
            self._scroll(lines * lineHeight)
        alpha = self.display.get_alpha()
        self.display.set_alpha(None)        # draw at full strength; the display fades
        self.display.blit(self.font.render(text, True, self.text_colour), (self._x, self._y))
        self.display.set_alpha(alpha)
        self._x += width
        self.send({"REDRAW": True, "surface": self.display}, "_displaysignal")

    def _scroll(self, pixels: int) -> None:
        """Move the text up by ``pixels`` and clear the space left at the bottom."""
        area = pygame.Rect(self._left, self._top, self._right - self._left,
                           self._bottom - self._top)
        self.display.set_clip(area)
        self.display.scroll(0, -pixels)
        self.display.fill(self.background_colour,
                          pygame.Rect(area.left, area.bottom - pixels, area.width, pixels))
        self.display.set_clip(None)
        self._y -= pixels


__kamaelia_components__ = (Ticker,)
