"""Kamaelia.Apps.Show.deck: the presentation's state, its keys and clicks, and its layout.

Example Usage
-------------
::

    from Kamaelia.Apps.Show.deck import Deck, PresenterTimer, keyAction, fitRect

    deck = Deck(count=12)
    deck.apply("NEXT")                       # -> Outcome(redraw=True, moved=True, ...)
    deck.apply(keyAction("end", deck))       # "LAST": the 12th slide
    print(deck.counterText())                # "12 / 12"
    for key in ("5", "return"):              # pdfpc's "type a number, then Enter"
        deck.apply(keyAction(key, deck))
    print(deck.current)                      # 4 (slides are numbered from 0 inside)

    timer = PresenterTimer(duration=20 * 60) # a 20 minute countdown
    timer.start()
    print(timer.text())                      # "20:00", then "19:59" ...

    print(fitRect((4, 3), (0, 0, 1600, 900)))   # (200, 0, 1200, 900): letterboxed

How does it work?
-----------------
Everything here is plain values in, plain values out: no pygame, no
display, no clock unless one is passed in. The window component
(:mod:`Kamaelia.Apps.Show.components`) turns pygame's events into the key
names and button numbers used here, calls :meth:`Deck.apply`, and draws
what the deck then says.

Theory of operation
^^^^^^^^^^^^^^^^^^^
Rule 1: everything that decides what the presenter sees lives in
:class:`Deck`: the current slide, the mode (``"slide"`` or
``"overview"``), the overview's selection, the blank screen, and the slide
number being typed. Rule 2: the deck changes only in :meth:`Deck.apply`,
which takes one *action* and returns an :class:`Outcome` saying whether to
redraw, whether the slide moved (which starts the presenter timer, as in
pdfpc), and which outside *command* to carry out (``"QUIT"``,
``"FULLSCREEN"``, ``"TIMER_PAUSE"``, ``"TIMER_RESET"``, ``"HUD"``): the
deck has no window and no timer of its own. Rule 3: an action that makes
no sense where the deck is (``"PREV"`` on the first slide, an unknown
action) changes nothing and says so (``Outcome.redraw`` False); it never
raises.

Actions are strings, or tuples for those that carry a value. The four
moves are :class:`Kamaelia.Util.Chooser`'s own words, so a 1.14
``Button(msg="NEXT")`` drives a show as it drives a Chooser:

``"NEXT"``, ``"PREV"``
    one slide on / back (the ends stop it: no wrapping)
``"FIRST"``, ``"LAST"``
    the first / last slide
``("GOTO", index)``
    slide ``index`` (from 0), clamped into the deck
``("DIGIT", d)``
    a digit of a slide number being typed (numbered from 1)
``"ENTER"``
    go to the typed number; in the overview, to the selected slide
``"ERASE"``
    drop the last typed digit
``"CANCEL"``
    forget the typed number; or leave the overview; or end a blank screen;
    with nothing to cancel, it is ``"QUIT"``
``"OVERVIEW"``
    open the overview grid (its selection: the current slide), or close it
    without moving
``"SELECT_LEFT"``, ``"SELECT_RIGHT"``, ``"SELECT_UP"``, ``"SELECT_DOWN"``
    move the overview's selection (up and down: a row); also
    ``"SELECT_PAGE_UP"``, ``"SELECT_PAGE_DOWN"`` (a screenful),
    ``"SELECT_FIRST"``, ``"SELECT_LAST"``
``("CHOOSE", index)``
    in the overview: go to slide ``index`` (a click on its thumbnail)
``"BLACK"``, ``"WHITE"``
    blank the screen black / white, or end the blank (Impressive's ``B``
    and ``W``); any move ends it too
``"QUIT"``, ``"FULLSCREEN"``, ``"TIMER_PAUSE"``, ``"TIMER_RESET"``, ``"HUD"``
    handed out as ``Outcome.command``, for the caller to carry out

:func:`keyAction` and :func:`clickAction` map keys and mouse buttons to
actions, by the tables :data:`SLIDE_KEYS`, :data:`OVERVIEW_KEYS` and
:data:`CLICK_ACTIONS` (1.14's ``Multiclick`` idea: one message per mouse
button, left click on, right click back, the wheel scrolls).

:class:`PresenterTimer` measures the talk: elapsed time, or with a
``duration`` a countdown that turns to *warning* in the last minutes and
to *overtime* (shown as ``-MM:SS``) after, as pdfpc's does. It only reads
its clock when asked, and says when its text will next change
(:meth:`PresenterTimer.nextChange`), so a window can sleep until then
instead of redrawing on a fixed tick.

The layout functions work in *pixels of the drawing surface*. On a HiDPI
screen the window is measured in points and drawn in pixels:
:func:`hidpiFactor` gives pixels per point, and sizes meant for the eye
(the thumbnails' minimum width, the text) are multiplied by it so they
look the same size on any screen. (Mouse positions arrive in pixels
already: the display service converts them.) :func:`fitRect` scales a slide to the largest size that
fits keeping its aspect, centred (letterbox or pillarbox), and
:class:`OverviewLayout` places the thumbnail grid, scrolling when there
are too many slides for thumbnails of a useful size.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any, Callable, Sequence

__all__ = ["Deck", "Outcome", "PresenterTimer", "OverviewLayout", "keyAction",
           "clickAction", "SLIDE_KEYS", "OVERVIEW_KEYS", "CLICK_ACTIONS", "COMMANDS",
           "fitSize", "fitRect", "hidpiFactor", "hudFontSize"]

Size = tuple[int, int]
Rect = tuple[int, int, int, int]        # x, y, width, height

#: Actions the deck hands out as ``Outcome.command`` for its caller to carry out.
COMMANDS = frozenset({"QUIT", "FULLSCREEN", "TIMER_PAUSE", "TIMER_RESET", "HUD"})


@dataclass(frozen=True, slots=True)
class Outcome:
    """What :meth:`Deck.apply` did: redraw? did the slide move? a command to carry out?"""

    redraw: bool = False
    moved: bool = False
    command: str | None = None


_NOTHING = Outcome()


def _selectBy(rows: int = 0, columns: int = 0,
              pages: int = 0) -> Callable[["Deck"], Outcome]:
    """The Deck action moving the overview's selection by rows, columns or pages."""
    def move(deck: "Deck") -> Outcome:
        step = columns + rows * deck.columns + pages * deck.columns * deck.pageRows
        return deck._select(deck.selection + step)
    return move


def _blankWith(colour: str) -> Callable[["Deck"], Outcome]:
    """The Deck action blanking the screen ``colour``, or ending that blank."""
    def blank(deck: "Deck") -> Outcome:
        if deck.mode == "overview":
            return _NOTHING
        deck.blank = None if deck.blank == colour else colour
        return Outcome(redraw=True)
    return blank


class Deck:
    """Deck(count, start=0) -> the state of a show of ``count`` slides

    ``start`` is the first slide shown (from 0). Attributes (read them; change
    them through :meth:`apply`): ``current``, ``count``, ``mode``
    (``"slide"``/``"overview"``), ``selection`` (the overview's), ``blank``
    (None, ``"black"`` or ``"white"``), ``typed`` (the digits of a slide
    number being typed, ``""`` when none). The overview's shape is set by
    its layout, with :meth:`setGrid`.
    """

    def __init__(self, count: int, start: int = 0) -> None:
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise ValueError(f"Deck: count must be an int >= 1, not {count!r}")
        if isinstance(start, bool) or not isinstance(start, int) or not 0 <= start < count:
            raise ValueError(f"Deck: start must be an int from 0 to {count - 1}, not {start!r}")
        self.count = count
        self.current = start
        self.mode = "slide"
        self.selection = start
        self.blank: str | None = None
        self.typed = ""
        self.columns = 1
        self.pageRows = 1

    # -- reading ------------------------------------------------------------------
    def counterText(self) -> str:
        """The slide counter, ``"3 / 12"`` (from 1, as people count)."""
        return f"{self.current + 1} / {self.count}"

    def setGrid(self, columns: int, pageRows: int) -> None:
        """Tell the deck the overview's shape (how far up/down and page moves go)."""
        self.columns = max(1, int(columns))
        self.pageRows = max(1, int(pageRows))

    # -- changing -----------------------------------------------------------------
    def apply(self, action: Any) -> Outcome:
        """Carry out one action (see the module's table); returns what changed."""
        if action is None:
            return _NOTHING
        if isinstance(action, tuple) and len(action) == 2 and isinstance(action[0], str):
            name, value = action
            handler = self._valued.get(name)
            if handler is None or isinstance(value, bool) or not isinstance(value, int):
                return _NOTHING
            return handler(self, value)
        if not isinstance(action, str):
            return _NOTHING
        if action in COMMANDS:
            return Outcome(command=action)
        plain = self._plain.get(action)
        return plain(self) if plain is not None else _NOTHING

    # moves
    def _moveTo(self, index: int) -> Outcome:
        index = min(max(index, 0), self.count - 1)
        was = (self.current, self.mode, self.blank, self.typed)
        self.current = index
        self.selection = index
        self.mode = "slide"
        self.blank = None
        self.typed = ""
        if (self.current, self.mode, self.blank, self.typed) == was:
            return _NOTHING
        return Outcome(redraw=True, moved=was[0] != index)

    def _next(self) -> Outcome:
        if self.mode == "overview":
            return self._select(self.selection + 1)
        return self._moveTo(self.current + 1)

    def _prev(self) -> Outcome:
        if self.mode == "overview":
            return self._select(self.selection - 1)
        return self._moveTo(self.current - 1)

    def _first(self) -> Outcome:
        if self.mode == "overview":
            return self._select(0)
        return self._moveTo(0)

    def _last(self) -> Outcome:
        if self.mode == "overview":
            return self._select(self.count - 1)
        return self._moveTo(self.count - 1)

    def _goto(self, index: int) -> Outcome:
        return self._moveTo(index)

    # typing a slide number
    def _digit(self, digit: int) -> Outcome:
        if not 0 <= digit <= 9 or (digit == 0 and not self.typed):
            return _NOTHING
        if len(self.typed) >= len(str(self.count)):
            return _NOTHING          # more digits than the deck has slides: ignore
        self.typed += str(digit)
        if self.mode == "overview":
            self.selection = min(int(self.typed), self.count) - 1
        return Outcome(redraw=True)

    def _erase(self) -> Outcome:
        if not self.typed:
            return _NOTHING
        self.typed = self.typed[:-1]
        return Outcome(redraw=True)

    def _enter(self) -> Outcome:
        if self.typed:
            return self._moveTo(min(int(self.typed), self.count) - 1)
        if self.mode == "overview":
            return self._moveTo(self.selection)
        return _NOTHING

    def _cancel(self) -> Outcome:
        if self.typed:
            self.typed = ""
            if self.mode == "overview":
                self.selection = self.current
            return Outcome(redraw=True)
        if self.mode == "overview":
            return self._overview()
        if self.blank is not None:
            self.blank = None
            return Outcome(redraw=True)
        return Outcome(command="QUIT")

    # the overview
    def _overview(self) -> Outcome:
        self.typed = ""
        if self.mode == "overview":
            self.mode = "slide"
        else:
            self.mode = "overview"
            self.selection = self.current
            self.blank = None
        return Outcome(redraw=True)

    def _select(self, index: int) -> Outcome:
        if self.mode != "overview":
            return _NOTHING
        index = min(max(index, 0), self.count - 1)
        self.typed = ""
        if index == self.selection:
            return _NOTHING
        self.selection = index
        return Outcome(redraw=True)

    def _choose(self, index: int) -> Outcome:
        if self.mode != "overview" or not 0 <= index < self.count:
            return _NOTHING
        return self._moveTo(index)

    _plain: dict[str, Callable[["Deck"], Outcome]] = {
        "NEXT": _next, "PREV": _prev, "FIRST": _first, "LAST": _last,
        "ENTER": _enter, "ERASE": _erase, "CANCEL": _cancel, "OVERVIEW": _overview,
        "SELECT_LEFT": _selectBy(columns=-1), "SELECT_RIGHT": _selectBy(columns=1),
        "SELECT_UP": _selectBy(rows=-1), "SELECT_DOWN": _selectBy(rows=1),
        "SELECT_PAGE_UP": _selectBy(pages=-1), "SELECT_PAGE_DOWN": _selectBy(pages=1),
        "SELECT_FIRST": lambda self: self._select(0),
        "SELECT_LAST": lambda self: self._select(self.count - 1),
        "BLACK": _blankWith("black"), "WHITE": _blankWith("white"),
    }
    _valued: dict[str, Callable[["Deck", int], Outcome]] = {
        "GOTO": _goto, "DIGIT": _digit, "CHOOSE": _choose,
    }


# -- keys and clicks --------------------------------------------------------------
# Key names are pygame's (pygame.key.name): they follow the keyboard layout, so
# "q" is the key that types q. Keypad keys are "[1]", "enter" and so on.

#: Keys in the slide view.
SLIDE_KEYS: dict[str, Any] = {
    "space": "NEXT", "right": "NEXT", "page down": "NEXT", "down": "NEXT",
    "left": "PREV", "backspace": "PREV", "page up": "PREV", "up": "PREV",
    "home": "FIRST", "end": "LAST",
    "tab": "OVERVIEW",
    "f": "FULLSCREEN", "q": "QUIT", "escape": "CANCEL",
    "b": "BLACK", ".": "BLACK", "w": "WHITE", ",": "WHITE",
    "p": "TIMER_PAUSE", "r": "TIMER_RESET", "t": "HUD",
    "return": "ENTER", "enter": "ENTER",
}

#: Keys in the overview grid.
OVERVIEW_KEYS: dict[str, Any] = {
    "left": "SELECT_LEFT", "right": "SELECT_RIGHT", "up": "SELECT_UP", "down": "SELECT_DOWN",
    "page up": "SELECT_PAGE_UP", "page down": "SELECT_PAGE_DOWN",
    "home": "SELECT_FIRST", "end": "SELECT_LAST", "backspace": "SELECT_LEFT",
    "return": "ENTER", "enter": "ENTER", "space": "ENTER",
    "tab": "OVERVIEW", "escape": "CANCEL",
    "f": "FULLSCREEN", "q": "QUIT",
    "p": "TIMER_PAUSE", "r": "TIMER_RESET", "t": "HUD",
}

for _digit in range(10):
    SLIDE_KEYS[str(_digit)] = OVERVIEW_KEYS[str(_digit)] = ("DIGIT", _digit)
    SLIDE_KEYS[f"[{_digit}]"] = OVERVIEW_KEYS[f"[{_digit}]"] = ("DIGIT", _digit)
del _digit


def keyAction(key: str, deck: Deck) -> Any:
    """The action for the key named ``key`` (pygame's name), where ``deck`` is; or None."""
    if deck.typed and key == "backspace":
        return "ERASE"       # while typing a number, Backspace corrects it
    table = OVERVIEW_KEYS if deck.mode == "overview" else SLIDE_KEYS
    return table.get(key.lower() if len(key) == 1 else key)


#: Mouse button number -> action in the slide view, as 1.14's ``Multiclick``
#: takes ``msgs`` (index = pygame's button: 1 left, 2 middle, 3 right,
#: 4 and 5 the wheel up and down).
CLICK_ACTIONS: tuple[Any, ...] = (None, "NEXT", None, "PREV", "PREV", "NEXT")

_OVERVIEW_CLICKS: tuple[Any, ...] = (None, None, None, "OVERVIEW", "SELECT_UP", "SELECT_DOWN")


def clickAction(button: int, deck: Deck, hit: int | None = None) -> Any:
    """The action for a press of mouse ``button``; ``hit`` is the thumbnail under
    the pointer in the overview (from :meth:`OverviewLayout.hit`)."""
    if deck.mode == "overview":
        if button == 1:
            return None if hit is None else ("CHOOSE", hit)
        table = _OVERVIEW_CLICKS
    else:
        table = CLICK_ACTIONS
    return table[button] if 0 <= button < len(table) else None


# -- the presenter timer ----------------------------------------------------------

class PresenterTimer:
    """PresenterTimer(duration=None, warning=300, clock=time.monotonic)

    Measures the talk. Without ``duration`` it counts up from 0:00; with
    ``duration`` (seconds) it counts down, its :meth:`phase` is
    ``"warning"`` in the last ``warning`` seconds and ``"overtime"`` after
    the end. It starts stopped (at 0:00, or at the full duration): call
    :meth:`start`, or :meth:`toggle` to start, pause and resume it;
    :meth:`reset` stops it and sets it back. ``clock`` returns seconds.
    """

    def __init__(self, duration: float | None = None, warning: float = 300,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if duration is not None and (isinstance(duration, bool)
                                     or not isinstance(duration, (int, float))
                                     or not math.isfinite(duration) or duration <= 0):
            raise ValueError(f"PresenterTimer: duration must be a number of seconds > 0 "
                             f"or None, not {duration!r}")
        if isinstance(warning, bool) or not isinstance(warning, (int, float)) or warning < 0:
            raise ValueError(f"PresenterTimer: warning must be a number of seconds >= 0, "
                             f"not {warning!r}")
        self.duration = duration
        self.warning = warning
        self.clock = clock
        self._banked = 0.0                  # seconds run before the latest start
        self._since: float | None = None    # when it last started, while running
        self.started = False

    @property
    def running(self) -> bool:
        return self._since is not None

    def start(self) -> None:
        """Start (the first time) or resume; does nothing while running."""
        if self._since is None:
            self._since = self.clock()
            self.started = True

    def pause(self) -> None:
        if self._since is not None:
            self._banked += self.clock() - self._since
            self._since = None

    def toggle(self) -> None:
        """Start, pause or resume (pdfpc's ``P``)."""
        if self.running:
            self.pause()
        else:
            self.start()

    def reset(self) -> None:
        """Stop, back to the beginning (started again by the next :meth:`start`)."""
        self._banked = 0.0
        self._since = None
        self.started = False

    def elapsed(self) -> float:
        if self._since is None:
            return self._banked
        return self._banked + max(0.0, self.clock() - self._since)

    def remaining(self) -> float | None:
        """Seconds left (negative in overtime), or None without a duration."""
        return None if self.duration is None else self.duration - self.elapsed()

    def phase(self) -> str:
        """``"normal"``, ``"warning"`` (the last minutes) or ``"overtime"``."""
        left = self.remaining()
        if left is None or left > self.warning:
            return "normal"
        return "warning" if left > 0 else "overtime"

    def text(self) -> str:
        """``"MM:SS"`` (``"H:MM:SS"`` past an hour); overtime as ``"-MM:SS"``."""
        left = self.remaining()
        if left is None:
            return _clockText(math.floor(self.elapsed()))
        if left > 0:
            # A countdown shows whole seconds left, rounded up: "0:01" until the end.
            return _clockText(math.ceil(left))
        return "-" + _clockText(math.floor(-left))

    def nextChange(self) -> float | None:
        """Seconds until :meth:`text` (or :meth:`phase`) next changes; None while stopped."""
        if self._since is None:
            return None
        elapsed = self.elapsed()
        # Counting up, the text changes on whole seconds of elapsed time;
        # counting down, on whole seconds of time left, which are offset by
        # the duration's fraction of a second.
        offset = 0.0 if self.duration is None else (self.duration % 1.0)
        step = math.floor(elapsed - offset + 1e-9) + 1 + offset - elapsed
        return max(step, 0.001)


def _clockText(seconds: int) -> str:
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


# -- layout -----------------------------------------------------------------------

def fitSize(content: Sequence[float], box: Sequence[float]) -> Size:
    """The largest (width, height) inside ``box`` with ``content``'s aspect (>= 1x1)."""
    cw, ch = content
    bw, bh = box
    if cw <= 0 or ch <= 0:
        raise ValueError(f"fitSize: content must have a positive size, not {tuple(content)!r}")
    if bw <= 0 or bh <= 0:
        return (1, 1)
    scale = min(bw / cw, bh / ch)
    width = min(int(bw), max(1, round(cw * scale)))
    height = min(int(bh), max(1, round(ch * scale)))
    return width, height


def fitRect(content: Sequence[float], box: Sequence[int]) -> Rect:
    """``content`` scaled to fit ``box`` (x, y, w, h) keeping its aspect, centred."""
    x, y, bw, bh = box
    width, height = fitSize(content, (bw, bh))
    return (x + (bw - width) // 2, y + (bh - height) // 2, width, height)


def hidpiFactor(windowSize: Sequence[int], pixelSize: Sequence[int]) -> float:
    """Pixels per window point (1.0 on an ordinary screen, 2.0 on a "Retina" one)."""
    ww, wh = windowSize
    pw, ph = pixelSize
    if ww <= 0 or wh <= 0 or pw <= 0 or ph <= 0:
        return 1.0
    return max(pw / ww, ph / wh)


def hudFontSize(surfaceHeight: int, factor: float = 1.0) -> int:
    """The counter and timer's text height in pixels: a 24th of the height,
    but never under 14 points (so it stays readable in a small window)."""
    return max(round(14 * factor), surfaceHeight // 24)


class OverviewLayout:
    """OverviewLayout(count, area, aspect, factor=1.0, minThumbWidth=160, gap=16)

    The overview grid for ``count`` slides in ``area`` (x, y, w, h, in
    pixels), each thumbnail with ``aspect`` (width, height). It picks the
    number of columns that makes the thumbnails largest with every slide on
    screen; when that would make them narrower than ``minThumbWidth``
    points (times ``factor``), it keeps them that wide and scrolls by rows
    instead (:meth:`scrollTo`). Attributes: ``columns``, ``rows``,
    ``visibleRows``, ``firstRow``, ``cell`` and ``thumb`` (sizes).
    """

    def __init__(self, count: int, area: Sequence[int], aspect: Sequence[float],
                 factor: float = 1.0, minThumbWidth: int = 160, gap: int = 16) -> None:
        if count < 1:
            raise ValueError(f"OverviewLayout: count must be >= 1, not {count!r}")
        self.count = count
        self.area = tuple(int(v) for v in area)
        self.gap = max(0, round(gap * factor))
        x, y, width, height = self.area
        minimum = max(8, round(minThumbWidth * factor))
        best: tuple[float, int] | None = None
        for columns in range(1, count + 1):
            rows = math.ceil(count / columns)
            thumb = self._thumbFor(aspect, width / columns, height / rows)
            # On a tie the wider grid wins: screens are wider than tall.
            if best is None or thumb[0] * thumb[1] >= best[0]:
                best = (thumb[0] * thumb[1], columns)
        assert best is not None
        columns = best[1]
        thumb = self._thumbFor(aspect, width / columns, height / math.ceil(count / columns))
        if thumb[0] < minimum and width >= minimum + self.gap:
            # Too many slides to show at a useful size: as many columns of
            # minimum-width thumbnails as fit, and scroll.
            columns = max(1, min(count, width // (minimum + self.gap)))
            cellWidth = width / columns
            thumb = fitSize(aspect, (cellWidth - self.gap, (cellWidth - self.gap) * 10))
            cellHeight: float = thumb[1] + self.gap
            self.visibleRows = max(1, int(height // cellHeight))
        else:
            cellWidth = width / columns
            self.visibleRows = math.ceil(count / columns)
            cellHeight = height / self.visibleRows
        self.columns = columns
        self.rows = math.ceil(count / columns)
        self.cell = (cellWidth, cellHeight)
        self.thumb = thumb
        self.firstRow = 0

    def _thumbFor(self, aspect: Sequence[float], cellWidth: float, cellHeight: float) -> Size:
        return fitSize(aspect, (cellWidth - self.gap, cellHeight - self.gap))

    def scrollTo(self, index: int) -> bool:
        """Scroll the least that shows slide ``index``; True if it scrolled."""
        row = index // self.columns
        first = self.firstRow
        if row < first:
            first = row
        elif row >= first + self.visibleRows:
            first = row - self.visibleRows + 1
        first = max(0, min(first, self.rows - self.visibleRows))
        moved = first != self.firstRow
        self.firstRow = first
        return moved

    def visible(self) -> range:
        """The slides whose thumbnails are on screen."""
        start = self.firstRow * self.columns
        return range(start, min(self.count, start + self.visibleRows * self.columns))

    def rect(self, index: int) -> Rect:
        """Where slide ``index``'s thumbnail goes (meaningful when it is visible)."""
        x, y, width, height = self.area
        row, column = divmod(index, self.columns)
        row -= self.firstRow
        # Centre the whole grid when it is smaller than the area.
        usedWidth = self.cell[0] * self.columns
        usedHeight = self.cell[1] * min(self.visibleRows, self.rows)
        left = x + (width - usedWidth) / 2 + column * self.cell[0]
        top = y + (height - usedHeight) / 2 + row * self.cell[1]
        return (round(left + (self.cell[0] - self.thumb[0]) / 2),
                round(top + (self.cell[1] - self.thumb[1]) / 2),
                self.thumb[0], self.thumb[1])

    def hit(self, position: Sequence[int]) -> int | None:
        """The slide whose thumbnail is at ``position`` (pixels), or None."""
        px, py = position
        for index in self.visible():
            x, y, width, height = self.rect(index)
            if x <= px < x + width and y <= py < y + height:
                return index
        return None
