"""Kamaelia.Apps.Show.components: the presenter window, its input, and its display.

Example Usage
-------------
The show as ``kamaelia show`` wires it (:func:`Kamaelia.Apps.Show.main.showSystem`
does this for you)::

    from Kamaelia.Chassis.Graphline import Graphline
    from Kamaelia.UI.Pygame.Display import PygameDisplay
    from Kamaelia.Apps.Show.components import Presenter, ShowDisplay, ShowInput
    from Kamaelia.Apps.Show.slides import openSlides

    display = ShowDisplay(width=1280, height=720, background_colour=(0, 0, 0))
    PygameDisplay.setDisplayService(display)
    display.activate()
    Graphline(
        SHOW=Presenter(openSlides("talk.pdf"), duration=20 * 60),
        INPUT=ShowInput(),
        linkages={("INPUT", "outbox"): ("SHOW", "input"),
                  ("SHOW", "signal"): ("INPUT", "control")},
    ).run()

A 1.14 ``Button`` drives a Presenter as it drives a ``Chooser``: link its
``"outbox"`` to the Presenter's ``"inbox"`` and give it ``msg="NEXT"``.

How does it work?
-----------------
Three parts, each thin around the pure modules :mod:`.deck` and :mod:`.slides`:

* :class:`ShowInput` asks the display service for an empty (0 x 0) surface
  at the window's corner, only to listen with it (as 1.14's ``KeyEvent``
  did), and turns pygame's events into plain messages on ``"outbox"``:
  ``("KEY", name)`` for a key pressed (pygame's key name: ``"space"``,
  ``"page down"``, ``"q"``), ``("CLICK", button, (x, y))`` for a mouse
  button pressed (in canvas pixels), ``("RESIZE",)`` when the window
  changed size and ``("QUIT",)`` when it was closed. Because it listens for
  ``QUIT``, closing the window no longer stops the whole system: the
  Presenter ends the show itself, tidily.
* :class:`Presenter` owns the slides, a :class:`~.deck.Deck` and a
  :class:`~.deck.PresenterTimer`, and one surface as large as the display's
  canvas at (0, 0). It maps ``"input"`` through :func:`~.deck.keyAction`
  and :func:`~.deck.clickAction` and takes actions directly on ``"inbox"``
  (``"NEXT"``, ``("GOTO", 3)``...). It draws the slide scaled to fit,
  keeping its aspect, centred on the background colour; the overview grid;
  and over both the *heads-up display*: the slide counter (bottom right),
  the timer (bottom left, amber in the last minutes, red in overtime) and
  the slide number being typed (centre). The counter and timer are drawn on
  the same surface as the slide rather than on a surface of their own so
  that they stay on top when the slide's surface is replaced after a
  resize (the display draws surfaces in the order they were asked for).
  After drawing it sends ``REDRAW``; the display coalesces redraws per frame.
* :class:`ShowDisplay` is a :class:`~Kamaelia.UI.Pygame.Display.PygameDisplay`
  whose canvas follows the window: a plain PygameDisplay scales a fixed
  canvas to the window, which would blur slides on a large or HiDPI screen.
  Here the canvas is always the window's size *in pixels*, so a slide is
  rendered (a PDF page by MuPDF) for the pixels it will cover. When the
  window changes, the Presenter hears ``("RESIZE",)``, asks for a surface
  of the new size, redraws on it, and gives the old one back.

Nothing polls. The Presenter sleeps (``pause``) until a message arrives,
or until the timer's text next changes (once a second, only while it is
shown and running), or the next ``--auto`` advance is due. While it is
idle it renders ahead: the slides either side of the current one, and in
the overview the thumbnails not yet drawn (placeholders are shown at once,
filled in a few at a time, so a 300-page PDF opens its overview without a
pause).

Shutdown
^^^^^^^^
The Presenter ends on ``"QUIT"`` (Q, Escape, closing the window), on
``producerFinished`` or ``shutdownMicroprocess`` on ``"control"``, or with
``autoQuit`` after the last slide: it gives its surface back to the display
and sends ``producerFinished(self)`` out of ``"signal"`` (link that to the
ShowInput's ``"control"``). ShowInput ends on a message on ``"control"``,
gives its surface back, and passes the message on out of ``"signal"``.
With both surfaces given back the display closes the window and ends, and
so the program ends.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from typing import Any, Callable, Iterator

from Axon.Component import component
from Axon.Ipc import producerFinished, shutdownRequest
from Kamaelia.Apps.Show.deck import (Deck, OverviewLayout, PresenterTimer, clickAction,
                                     fitRect, hidpiFactor, hudFontSize, keyAction)
from Kamaelia.Apps.Show.slides import SlideError, SlideSource
from Kamaelia.UI.Pygame._pygame import pygame
from Kamaelia.UI.Pygame.Display import PygameDisplay

__all__ = ["Presenter", "ShowInput", "ShowDisplay"]

log = logging.getLogger("Kamaelia.Apps.Show")

Colour = tuple[int, int, int]

_TEXT = (240, 240, 240)
_TEXT_PHASE = {"normal": _TEXT, "warning": (255, 190, 40), "overtime": (255, 80, 64)}
_HUD_BACKDROP = (0, 0, 0, 160)
_OVERVIEW_BACKGROUND = (28, 28, 32)
_PLACEHOLDER = (64, 64, 72)
_SELECTION = (255, 200, 0)
_CURRENT = (235, 235, 235)
_BLANK = {"black": (0, 0, 0), "white": (255, 255, 255)}
# Rendering ahead stops after this long in one turn, so keys are never kept waiting.
_WORK_BUDGET = 0.03


class ShowDisplay(PygameDisplay):
    """ShowDisplay(**argd) -> a PygameDisplay whose canvas is the window's size in pixels

    Takes PygameDisplay's keywords; ``width`` and ``height`` are the window's
    starting size (in window points). After every change of the window (a
    resize, full screen and back) ``width`` and ``height`` are the canvas's
    new size in pixels: components that want to fill the window read them
    when they hear ``VIDEORESIZE`` and ask for a surface of that size.
    Components that do not (the 1.14 widgets) keep their surfaces and
    positions as they were.
    """

    def __init__(self, **argd: Any) -> None:
        super().__init__(**argd)
        self._windowedSize: tuple[int, int] | None = None
        self._canvasSize: tuple[int, int] | None = None

    # PygameDisplay calls _setMode to open or switch the window and _relayout
    # whenever the window's size may have changed.
    def _setMode(self, fullscreen: bool) -> None:
        if fullscreen and not self.fullscreen and pygame.display.get_surface() is not None:
            self._windowedSize = pygame.display.get_window_size()
        elif not fullscreen and self.fullscreen and self._windowedSize is not None:
            self.width, self.height = self._windowedSize
        super()._setMode(fullscreen)

    def _relayout(self) -> None:
        window = pygame.display.get_surface()
        if window is not None:
            size = window.get_size()
            if size[0] > 0 and size[1] > 0 and size != self._canvasSize:
                self._canvasSize = size
                self.width, self.height = size
                if self._canvas is not None:
                    self._canvas = pygame.Surface(size)
                    # SDL tells of a resize by the window manager, but not of
                    # one the program made (set_mode: leaving full screen, on
                    # X11): say so to the listeners, who hear it next round.
                    pygame.event.post(pygame.event.Event(pygame.VIDEORESIZE, size=size,
                                                         w=size[0], h=size[1]))
        super()._relayout()


class ShowInput(component):
    """ShowInput() -> keys, clicks, resizes and window-closing as plain messages

    Sends on ``"outbox"``: ``("KEY", name)``, ``("CLICK", button, (x, y))``,
    ``("RESIZE",)``, ``("QUIT",)`` (see the module's docstring).
    """

    Inboxes = {"inbox": "pygame events, from the display",
               "control": "any message: give the surface back, pass it on out of signal, end",
               "callback": "our (empty) surface, from the display"}
    Outboxes = {"outbox": "('KEY', name), ('CLICK', button, (x, y)), ('RESIZE',), ('QUIT',)",
                "signal": "the message that arrived on control, as it ends",
                "display_signal": "requests to the display service"}

    EVENTS = (pygame.KEYDOWN, pygame.MOUSEBUTTONDOWN, pygame.QUIT, pygame.VIDEORESIZE,
              pygame.WINDOWSIZECHANGED)

    def main(self) -> Iterator[int]:
        self.link((self, "display_signal"), PygameDisplay.getDisplayService())
        self.send({"DISPLAYREQUEST": True, "size": (0, 0), "position": (0, 0),
                   "callback": (self, "callback"), "events": (self, "inbox")},
                  "display_signal")
        while not self.dataReady("callback"):
            self.pause()
            yield 1
        surface = self.recv("callback")
        for eventType in self.EVENTS:
            self.send({"ADDLISTENEVENT": eventType, "surface": surface}, "display_signal")
        while not self.dataReady("control"):
            self._forward()
            if not self.anyReady():
                self.pause()
            yield 1
        self.send(producerFinished(self, surface), "display_signal")
        self.send(self.recv("control"), "signal")

    def _forward(self) -> None:
        # In a method of its own, so that no event stays bound in main's
        # frame while it sleeps.
        for events in self.Inbox("inbox"):
            for event in events:
                message = self.translate(event)
                if message is not None:
                    self.send(message, "outbox")

    @staticmethod
    def translate(event: Any) -> tuple[Any, ...] | None:
        """One pygame event as the message ShowInput sends for it (or None)."""
        if event.type == pygame.KEYDOWN:
            return ("KEY", pygame.key.name(event.key))
        if event.type == pygame.MOUSEBUTTONDOWN:
            return ("CLICK", event.button, tuple(event.pos))
        if event.type in (pygame.VIDEORESIZE, pygame.WINDOWSIZECHANGED):
            return ("RESIZE",)
        if event.type == pygame.QUIT:
            return ("QUIT",)
        return None


class Presenter(component):
    """Presenter(slides, start=0, duration=None, warning=300, counter=True, timer=True,
    background=(0, 0, 0), autoAdvance=None, autoQuit=False, clock=time.monotonic)
    -> the presenter window

    - slides       -- a :class:`~.slides.SlideSource` (from ``openSlides(path)``)
    - start        -- the first slide shown, from 0
    - duration     -- seconds: the timer counts down from it (pdfpc's
      ``--duration``); None: it counts up
    - warning      -- seconds before the end when the timer turns amber
    - counter      -- show the slide counter ("3 / 12")
    - timer        -- show the presenter timer
    - background   -- (r, g, b) around a slide that does not fill the window
    - autoAdvance  -- seconds: go on to the next slide by itself after that
      long (Impressive's ``--auto``); None: never
    - autoQuit     -- end the show on going past the last slide
      (Impressive's ``--autoquit``)
    - clock        -- the timer's clock (tests pass a fake one)

    The timer starts at the first change of slide (so the title can be up
    while people come in) or on ``P``. Read-only attributes for the curious
    and for tests: ``deck``, ``presenterTimer``, ``surface``, ``slideRect``
    (where the slide was drawn), ``hudRects`` (where the counter and timer
    were drawn: ``{"counter": rect, "timer": rect, "typed": rect}``),
    ``overview`` (the :class:`~.deck.OverviewLayout`, in the overview),
    ``placeholders`` (thumbnails shown as grey boxes, not yet drawn, when the
    overview was last drawn), ``frames`` (how many times it has drawn),
    ``hudShown`` (the texts) and ``display`` (the display service used).
    """

    Inboxes = {"inbox": "actions: 'NEXT', 'PREV', 'FIRST', 'LAST', ('GOTO', index), ... "
                        "(see Kamaelia.Apps.Show.deck)",
               "input": "from ShowInput: ('KEY', name), ('CLICK', button, pos), "
                        "('RESIZE',), ('QUIT',)",
               "control": "producerFinished or shutdownMicroprocess: give the window "
                          "back and end",
               "callback": "our surface, from the display (again after each resize)"}
    Outboxes = {"outbox": "the slide shown (its index, from 0), each time it changes",
                "signal": "producerFinished(self) when the show ends",
                "display_signal": "requests to the display service"}

    def __init__(self, slides: SlideSource, start: int = 0, duration: float | None = None,
                 warning: float = 300, counter: bool = True, timer: bool = True,
                 background: Colour = (0, 0, 0), autoAdvance: float | None = None,
                 autoQuit: bool = False, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        if not isinstance(slides, SlideSource):
            raise TypeError(f"Presenter: slides must be a SlideSource (from openSlides), "
                            f"not {slides!r}")
        if autoAdvance is not None and (isinstance(autoAdvance, bool)
                                        or not isinstance(autoAdvance, (int, float))
                                        or not autoAdvance > 0):
            raise ValueError(f"Presenter: autoAdvance must be a number of seconds > 0 or "
                             f"None, not {autoAdvance!r}")
        if not (isinstance(background, (tuple, list)) and len(background) == 3
                and all(isinstance(c, int) and not isinstance(c, bool) and 0 <= c <= 255
                        for c in background)):
            raise ValueError(f"Presenter: background must be (r, g, b), three ints 0 to 255, "
                             f"not {background!r}")
        self.slides = slides
        self.deck = Deck(len(slides), start)
        self.presenterTimer = PresenterTimer(duration, warning, clock)
        self.showCounter = bool(counter)
        self.showTimer = bool(timer)
        self.hudVisible = True
        self.background = tuple(background)
        self.autoAdvance = autoAdvance
        self.autoQuit = bool(autoQuit)
        self.surface: Any = None
        self.slideRect: tuple[int, int, int, int] | None = None
        self.hudRects: dict[str, tuple[int, int, int, int]] = {}
        self.hudShown: dict[str, str] = {}
        self.overview: OverviewLayout | None = None
        self.frames = 0
        self.placeholders = 0
        self.display: Any = None
        self._asked: tuple[int, int] | None = None     # size of a surface asked for
        self._dirty = True
        self._quitting = False
        self._fonts: dict[int, Any] = {}
        self._pictures: OrderedDict[tuple[int, tuple[int, int]], Any] = OrderedDict()
        self._thumbs: dict[int, Any] = {}
        self._thumbSize: tuple[int, int] | None = None
        self._shownAt = time.monotonic()
        self._announced: int | None = None

    # -- the main loop ----------------------------------------------------------------
    def main(self) -> Iterator[int]:
        service = PygameDisplay.getDisplayService()
        self.display = service[0]
        self.link((self, "display_signal"), service)
        self._askForSurface()
        request = None
        while self.surface is None:
            request = request or shutdownRequest(self)
            self._takeSurfaces()
            if self.surface is None:
                self.pause()
                yield 1
        self._shownAt = time.monotonic()
        while request is None and not self._quitting:
            self._takeMessages()
            self._autoAdvance()
            request = shutdownRequest(self)
            if request is not None or self._quitting:
                break
            self._announce()
            if self._dirty or self._hudTexts() != self.hudShown:
                self._draw()
            busy = not self.anyReady() and self._renderAhead()
            if not busy and not self._dirty and not self.anyReady():
                self.pause(self._sleepFor())
            yield 1
        self._giveBack()
        while self._asked is not None:
            # A surface asked for (after a resize) is still on its way: wait
            # for it and give it back too, or the display would keep it, and
            # the window, for ever.
            self.pause()
            yield 1
            self._giveBack()
        self.send(producerFinished(self), "signal")

    # Messages are taken in methods of their own, so that none stays bound in
    # main's frame while it sleeps.
    def _takeSurfaces(self) -> None:
        for surface in self.Inbox("callback"):
            self._adopt(surface)

    def _takeMessages(self) -> None:
        self._takeSurfaces()
        for message in self.Inbox("input"):
            self._input(message)
        for action in self.Inbox("inbox"):
            self._act(action)

    def _sleepFor(self) -> float | None:
        """How long nothing will change on screen by itself (None: until a message)."""
        waits = []
        if self.showTimer and self.hudVisible and self.deck.blank is None:
            change = self.presenterTimer.nextChange()
            if change is not None:
                waits.append(change)
        if self.autoAdvance is not None and self.deck.mode == "slide":
            waits.append(max(0.0, self._shownAt + self.autoAdvance - time.monotonic()))
        return min(waits) if waits else None

    # -- surfaces -------------------------------------------------------------------
    def _canvasSize(self) -> tuple[int, int]:
        return (int(self.display.width), int(self.display.height))

    def _askForSurface(self) -> None:
        size = self._canvasSize()
        self._asked = size
        self.send({"DISPLAYREQUEST": True, "size": size, "position": (0, 0),
                   "callback": (self, "callback")}, "display_signal")

    def _adopt(self, surface: Any) -> None:
        old, self.surface = self.surface, surface
        self._asked = None
        if old is not None:
            # The new surface is in place (the display took our requests in
            # order): the old one can go without the window ever being empty.
            self.send(producerFinished(self, old), "display_signal")
        self._dirty = True
        if surface.get_size() != self._canvasSize():
            self._askForSurface()          # the window changed again meanwhile

    def _giveBack(self) -> None:
        if self.surface is not None:
            self.send(producerFinished(self, self.surface), "display_signal")
            self.surface = None
        for surface in self.Inbox("callback"):
            self.send(producerFinished(self, surface), "display_signal")
            self._asked = None

    # -- input and actions -------------------------------------------------------------
    def _input(self, message: Any) -> None:
        if not isinstance(message, tuple) or not message:
            log.warning("%s ignored %r on 'input'", self.name, message)
            return
        kind = message[0]
        if kind == "KEY" and len(message) == 2:
            self._act(keyAction(str(message[1]), self.deck))
        elif kind == "CLICK" and len(message) == 3:
            button, position = message[1], message[2]
            hit = self.overview.hit(position) if (self.overview is not None
                                                  and self.deck.mode == "overview") else None
            self._act(clickAction(button, self.deck, hit))
        elif kind == "RESIZE":
            if self.surface is not None and self._asked is None \
                    and self.surface.get_size() != self._canvasSize():
                self._askForSurface()
        elif kind == "QUIT":
            self._quitting = True
        else:
            log.warning("%s ignored %r on 'input'", self.name, message)

    def _act(self, action: Any) -> None:
        if action is None:
            return
        if self.autoQuit and action == "NEXT" and self.deck.mode == "slide" \
                and self.deck.current == self.deck.count - 1:
            self._quitting = True
            return
        outcome = self.deck.apply(action)
        if outcome.redraw:
            self._dirty = True
        if outcome.moved:
            self.presenterTimer.start()
            self._shownAt = time.monotonic()
        command = outcome.command
        if command == "QUIT":
            self._quitting = True
        elif command == "FULLSCREEN":
            self.send({"FULLSCREEN": "TOGGLE"}, "display_signal")
        elif command == "TIMER_PAUSE":
            self.presenterTimer.toggle()
        elif command == "TIMER_RESET":
            self.presenterTimer.reset()
        elif command == "HUD":
            self.hudVisible = not self.hudVisible
            self._dirty = True

    def _autoAdvance(self) -> None:
        if self.autoAdvance is None or self.deck.mode != "slide":
            return
        if time.monotonic() >= self._shownAt + self.autoAdvance:
            self._shownAt = time.monotonic()
            self._act("NEXT")

    def _announce(self) -> None:
        if self._announced != self.deck.current:
            self._announced = self.deck.current
            self.send(self.deck.current, "outbox")

    # -- drawing ---------------------------------------------------------------------
    def _draw(self) -> None:
        surface = self.surface
        if surface is None:
            return
        self.hudRects = {}
        if self.deck.mode == "overview":
            self._drawOverview(surface)
            self.slideRect = None
        elif self.deck.blank is not None:
            surface.fill(_BLANK[self.deck.blank])
            self.slideRect = None
        else:
            self.overview = None
            surface.fill(self.background)
            width, height = surface.get_size()
            index = self.deck.current
            rect = fitRect(self.slides.pageSize(index), (0, 0, width, height))
            surface.blit(self._picture(index, (rect[2], rect[3])), rect[:2])
            self.slideRect = rect
        texts = self._hudTexts()
        if self.deck.blank is None:
            self._drawHud(surface, texts)
        self.hudShown = texts
        self._dirty = False
        self.frames += 1
        self.send({"REDRAW": True, "surface": surface}, "display_signal")

    def _picture(self, index: int, size: tuple[int, int]) -> Any:
        """Slide ``index`` as a pygame surface of ``size`` (kept for a few slides)."""
        key = (index, size)
        picture = self._pictures.get(key)
        if picture is not None:
            self._pictures.move_to_end(key)
            return picture
        picture = self._toSurface(index, size)
        self._pictures[key] = picture
        while len(self._pictures) > 5:
            self._pictures.popitem(last=False)
        return picture

    def _toSurface(self, index: int, size: tuple[int, int]) -> Any:
        try:
            image = self.slides.render(index, size)
        except SlideError as exc:
            log.error("%s: %s", self.name, exc)
            return self._brokenSlide(size, f"slide {index + 1}: {exc}")
        return pygame.image.frombytes(image.tobytes(), image.size, "RGB")

    def _brokenSlide(self, size: tuple[int, int], text: str) -> Any:
        picture = pygame.Surface(size)
        picture.fill((60, 0, 0))
        label = self._font(max(12, size[1] // 20)).render(text[:120], True, _TEXT)
        picture.blit(label, (8, 8))
        return picture

    def _font(self, size: int) -> Any:
        font = self._fonts.get(size)
        if font is None:
            pygame.font.init()
            font = self._fonts[size] = pygame.font.Font(None, size)
        return font

    def _density(self) -> float:
        """Window pixels per window point (2.0 on a "Retina" screen)."""
        window = pygame.display.get_surface() if pygame.display.get_init() else None
        if window is None:
            return 1.0
        return hidpiFactor(pygame.display.get_window_size(), window.get_size())

    # the heads-up display
    def _hudTexts(self) -> dict[str, str]:
        texts: dict[str, str] = {}
        if not self.hudVisible and not self.deck.typed:
            return texts
        if self.hudVisible and self.showCounter:
            texts["counter"] = self.deck.counterText()
        if self.hudVisible and self.showTimer:
            timer = self.presenterTimer
            paused = " (paused)" if timer.started and not timer.running else ""
            texts["timer"] = timer.text() + paused
            texts["phase"] = timer.phase()
        if self.deck.typed:
            texts["typed"] = f"Go to slide {self.deck.typed}"
        return texts

    def _hudHeight(self) -> int:
        size = hudFontSize(self.surface.get_size()[1], self._density())
        return size + 2 * (size // 3) + 2 * (size // 2)

    def _drawHud(self, surface: Any, texts: dict[str, str]) -> None:
        width, height = surface.get_size()
        size = hudFontSize(height, self._density())
        margin = size // 2
        colours = {"counter": _TEXT, "typed": _SELECTION,
                   "timer": _TEXT_PHASE.get(texts.get("phase", "normal"), _TEXT)}
        for name in ("timer", "counter", "typed"):
            if name not in texts:
                continue
            box = self.hudBox(texts[name], size, colours[name])
            bw, bh = box.get_size()
            y = height - margin - bh
            x = {"timer": margin, "counter": width - margin - bw,
                 "typed": (width - bw) // 2}[name]
            surface.blit(box, (x, y))
            self.hudRects[name] = (x, y, bw, bh)

    def hudBox(self, text: str, size: int, colour: Colour = _TEXT) -> Any:
        """``text`` as the heads-up display draws it: on a dark translucent box."""
        label = self._font(size).render(text, True, colour)
        pad = size // 3
        box = pygame.Surface((label.get_width() + 2 * pad, label.get_height() + 2 * pad),
                             pygame.SRCALPHA)
        box.fill(_HUD_BACKDROP)
        box.blit(label, (pad, pad))
        return box

    # the overview
    def _overviewLayout(self, surface: Any) -> OverviewLayout:
        width, height = surface.get_size()
        band = self._hudHeight() if self.hudVisible else 0
        area = (0, 0, width, max(1, height - band))
        layout = self.overview
        if layout is None or layout.area != area:
            density = self._density()
            layout = OverviewLayout(self.deck.count, area, self.slides.pageSize(0),
                                    factor=density, minThumbWidth=160, gap=24)
            self.overview = layout
            self.deck.setGrid(layout.columns, layout.visibleRows)
        return layout

    def _drawOverview(self, surface: Any) -> None:
        surface.fill(_OVERVIEW_BACKGROUND)
        layout = self._overviewLayout(surface)
        layout.scrollTo(self.deck.selection)
        if self._thumbSize != layout.thumb:
            self._thumbs = {}
            self._thumbSize = layout.thumb
        density = self._density()
        labelSize = max(12, round(14 * density))
        self.placeholders = 0
        for index in layout.visible():
            cell = layout.rect(index)
            rect = fitRect(self.slides.pageSize(index), cell)
            thumb = self._thumbs.get(index)
            if thumb is None:
                pygame.draw.rect(surface, _PLACEHOLDER, rect)
                self.placeholders += 1
            else:
                surface.blit(thumb, rect[:2])
            if index == self.deck.selection:
                grow = max(3, round(4 * density))
                pygame.draw.rect(surface, _SELECTION, pygame.Rect(rect).inflate(2 * grow,
                                                                              2 * grow), grow)
            elif index == self.deck.current:
                grow = max(1, round(2 * density))
                pygame.draw.rect(surface, _CURRENT, pygame.Rect(rect).inflate(2 * grow,
                                                                             2 * grow), grow)
            number = self.hudBox(str(index + 1), labelSize)
            surface.blit(number, (rect[0], rect[1] + rect[3] - number.get_height()))

    # -- rendering ahead, while idle ------------------------------------------------------
    def _renderAhead(self) -> bool:
        """Render a little of what will be wanted soon; True if there is more to do."""
        if self.surface is None or self.deck.blank is not None:
            return False
        deadline = time.perf_counter() + _WORK_BUDGET
        if self.deck.mode == "overview" and self.overview is not None:
            layout = self.overview
            missing = [i for i in layout.visible() if i not in self._thumbs]
            for index in missing:
                rect = fitRect(self.slides.pageSize(index), layout.rect(index))
                self._thumbs[index] = self._toSurface(index, (rect[2], rect[3]))
                self._dirty = True
                if time.perf_counter() > deadline:
                    break
            done = len(self._thumbs)
            if missing and (done % 20 == 0 or done == self.deck.count):
                log.info("%s: overview: %d of %d thumbnails drawn", self.name, done,
                         self.deck.count)
            return any(i not in self._thumbs for i in layout.visible())
        width, height = self.surface.get_size()
        for index in (self.deck.current + 1, self.deck.current - 1):
            if 0 <= index < self.deck.count:
                rect = fitRect(self.slides.pageSize(index), (0, 0, width, height))
                if (index, (rect[2], rect[3])) not in self._pictures:
                    self._picture(index, (rect[2], rect[3]))
                    # Keep the current slide's picture newest, so it stays cached.
                    current = self.slideRect
                    key = None if current is None else (self.deck.current,
                                                        (current[2], current[3]))
                    if key is not None and key in self._pictures:
                        self._pictures.move_to_end(key)
                    return True
        return False
