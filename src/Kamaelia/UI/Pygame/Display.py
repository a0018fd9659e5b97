"""The pygame display service: one window, shared by every pygame component.

Example Usage
-------------
A component that asks the display for a surface of its own, paints it, and
asks for the window to be redrawn::

    from Axon.Component import component
    from Kamaelia.UI.Pygame.Display import PygameDisplay

    class Square(component):
        Inboxes = {"inbox": "unused", "control": "unused",
                   "callback": "our surface, from the display"}
        Outboxes = {"outbox": "unused", "signal": "unused",
                    "display_signal": "requests to the display"}

        def main(self):
            self.link((self, "display_signal"), PygameDisplay.getDisplayService())
            self.send({"DISPLAYREQUEST": True, "size": (100, 100),
                       "position": (20, 20), "callback": (self, "callback")},
                      "display_signal")
            while not self.dataReady("callback"):
                self.pause()
                yield 1
            surface = self.recv("callback")
            surface.fill((200, 40, 40))
            self.send({"REDRAW": True, "surface": surface}, "display_signal")
            yield 1

    Square().run()          # a window with a red square, until it is closed

The widgets in this package (``Button``, ``Image``, ``Ticker``, ...) all work
this way; most programs never talk to the display themselves.

To choose the window's size, colour or frame rate, make the display
yourself and register it *before* any widget asks for it::

    display = PygameDisplay(width=1280, height=720, background_colour=(0, 0, 0))
    PygameDisplay.setDisplayService(display)
    display.activate()

How does it work?
-----------------
The display is a *service*: ``PygameDisplay.getDisplayService()`` returns
``(display, "notify")`` for the display registered with the
CoordinatingAssistantTracker under the name ``"pygamedisplay"``, making,
activating and registering one if there is none. Requests are dictionaries
sent to its ``"notify"`` inbox (the same as in Kamaelia 1.14):

``{"DISPLAYREQUEST": True, "size": (w, h), "callback": (component, inbox)}``
    Make a surface of that size; it is sent to ``callback``. Optional keys:
    ``"position": (x, y)`` in the window (default: cascading from the top
    left), ``"alpha": 0..255`` (255 opaque), ``"transparency": (r, g, b)``
    (that colour is see-through), ``"events": (component, inbox)`` (where
    events for this surface go, see below), ``"onlymouseinside": True``
    (mouse events only when they fall on this surface) and
    ``"fullscreen": True`` (switch the window to full screen).
``{"REDRAW": True, "surface": surface}``
    The surface has changed: the window is redrawn.
``{"ADDLISTENEVENT": eventtype, "surface": surface}`` / ``{"REMOVELISTENEVENT": ...}``
    Start or stop receiving pygame events of that type (e.g.
    ``pygame.MOUSEBUTTONDOWN``) at the surface's ``"events"`` inbox. They
    come as a list per round. Mouse events (``pos`` and ``rel``) are given
    relative to the surface's top left corner, in canvas pixels.
``{"CHANGEDISPLAYGEO": True, "surface": surface, "position": (x, y)}``
    Move the surface.
``producerFinished(message=surface)``
    The surface is no longer wanted: it is removed, with its event listening.
``{"OVERLAYREQUEST": True, "size": (w, h), "pixformat": IYUV_OVERLAY}``
    A video overlay: frames of planar YUV 4:2:0 data, ``(y, u, v)`` byte
    strings, arrive with the request (``"yuv"``) and afterwards from the
    outbox named by ``"yuvservice": (component, outbox)`` (``None`` there
    ends the overlay); ``"position"`` places it, ``"positionservice"``
    moves it. Overlays are drawn after (above) the surfaces.

Two requests are new: ``{"FULLSCREEN": True | False | "TOGGLE"}`` and
``{"CAPTION": "text"}`` (the window's title). Anything else is logged as
a warning (logger ``Kamaelia.UI.Pygame.Display``) and ignored; a request
that cannot be carried out (no ``size``, an unknown surface) is logged as
an error naming it, and skipped. 1.14's OpenGL requests (``WRAPPERREQUEST``,
``OGL_DISPLAYREQUEST``, ...) belong to ``Kamaelia.UI.OpenGL``'s display and
are logged as such.

**The canvas and the window.** Components draw on a canvas of
``width`` x ``height`` pixels. The window starts that size and may be
resized by the user, or made full screen with the ``FULLSCREEN`` request
(no key does it: that is the program's choice): the canvas is then
scaled to fit, keeping its
aspect ratio, centred, and mouse positions are mapped back into canvas
pixels, taking the screen's pixel density (HiDPI) into account, as
``Kamaelia.UI.Pygame._layout`` sets out. Components never need to know.

**No thread, no busy loop.** 1.14 ran a thread that polled pygame every
10 ms and woke the display. Here the display is an ordinary component that
sleeps on the scheduler's timers. While the window is open it wakes to
take pygame's events ``fps`` (60) times a second while things happen, and
``idle_fps`` (10) times a second once nothing has happened (no event, no
request) for ``idle_after`` seconds: the first click on an idle window may
wait up to 0.1 s, after which it is back to 60 rounds a second. It wakes at
once when a request arrives, or when anything arrives on ``"events"``
(1.14's wake-up box: a program that puts events in pygame's queue itself
can send there to have them taken at once, as ``Autopilot`` does). An
idle window costs well under 1% of a core (``python -m benchmarks
ui-idle``). Redraws are coalesced: however many ``REDRAW`` requests
arrive, the window is redrawn at most once per frame (``1/fps`` s), with
everything that changed.

**One thread.** pygame must be driven from one thread. Every pygame call
here is made by the display's ``main``, which the scheduler steps in its
own thread; widgets draw only on their own surfaces, in their own
``main``. The display records the thread that opened the window and raises
``RuntimeError`` if it is ever stepped from another one.

**No display?** When there is nothing to show a window on (no ``DISPLAY``
on Linux, and ``SDL_VIDEODRIVER`` not set), SDL quietly falls back to an
invisible window; the display refuses that and raises
:class:`DisplayUnavailable`, whose message names ``SDL_VIDEODRIVER`` and
Xvfb. It ends the whole program (it is raised through the scheduler), so a
program never sits waiting for a window that cannot appear. Set
``SDL_VIDEODRIVER=dummy`` to run headless on purpose (tests, servers).

**Shutdown.** Closing the window (pygame's ``QUIT`` event) stops the whole
system when no component listens for ``QUIT`` and ``close_stops_system`` is
true (the default): the program ends as a desktop program does. A
component that listens for ``QUIT`` decides for itself (``PyGameApp``
does). The display ends when its last surface and overlay have been given
back, or on ``producerFinished`` / ``shutdownMicroprocess`` on
``"control"``; it then closes the window, deregisters the service (so the
next request makes a new display) and sends ``producerFinished`` out of
``"signal"``. It closes the window too if it is stopped from outside.

What it does not do: 1.14's touch-screen calibration (``offsets=``) is
accepted and ignored; there is only one window per program (pygame's
limit), so make only one PygameDisplay.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass
from typing import Any, Iterator

from Axon.AdaptiveCommsComponent import AdaptiveCommsComponent
from Axon.CoordinatingAssistantTracker import coordinatingassistanttracker
from Axon.Ipc import producerFinished, shutdownRequest
from Kamaelia.UI._errors import NO_DISPLAY_HINT, DisplayUnavailable
from Kamaelia.UI.Pygame._layout import Layout, fitCanvas
from Kamaelia.UI.Pygame._pygame import pygame
from Kamaelia.UI.Pygame._widget import colour
from Kamaelia.Util._arguments import positiveInt, positiveNumber
from Kamaelia.Util._stream import shortRepr

__all__ = ["PygameDisplay", "DisplayUnavailable", "DisplayStatistics", "Bunch",
           "SERVICE_NAME", "IYUV_OVERLAY", "YV12_OVERLAY"]

log = logging.getLogger("Kamaelia.UI.Pygame.Display")

#: The name the display registers under with the CoordinatingAssistantTracker.
SERVICE_NAME = "pygamedisplay"

#: Overlay pixel formats (pygame 1's constants, which pygame 2 dropped):
#: planar YUV 4:2:0 with the planes in the order Y, U, V / Y, V, U.
IYUV_OVERLAY = "IYUV"
YV12_OVERLAY = "YV12"
_PIXFORMATS = {IYUV_OVERLAY: (0, 1, 2), YV12_OVERLAY: (0, 2, 1), "YUV420_planar": (0, 1, 2),
               "I420": (0, 1, 2)}

_MOUSE_EVENTS = frozenset({pygame.MOUSEMOTION, pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP})
_RESIZE_EVENTS = frozenset({pygame.VIDEORESIZE, pygame.WINDOWSIZECHANGED})
_EXPOSE_EVENTS = frozenset({pygame.VIDEOEXPOSE, pygame.WINDOWEXPOSED})
_OPENGL_REQUESTS = ("WRAPPERREQUEST", "OGL_DISPLAYREQUEST", "EVENTSPYREQUEST",
                    "UPDATE_DISPLAYLIST", "UPDATE_TRANSFORM")
# SDL's stand-ins for a real screen: a window there is never seen.
_INVISIBLE_DRIVERS = frozenset({"offscreen", "dummy", "evdev"})

_clock = time.monotonic


class Bunch:
    """1.14's plain attribute holder (its display sent mouse events as these)."""


@dataclass(frozen=True, slots=True)
class DisplayStatistics:
    """What :meth:`PygameDisplay.statistics` reports.

    - frames          -- times the window has been redrawn
    - eventRounds     -- times pygame's event queue has been drained
    - redrawRequests  -- REDRAW requests received (frames <= redrawRequests + others)
    - surfaces        -- surfaces handed out and not yet given back
    - overlays        -- video overlays showing
    - canvas          -- (w, h) the canvas, in canvas pixels
    - window          -- (w, h) the window's surface, in pixels ((0, 0) when closed)
    - driver          -- SDL's video driver ("x11", "wayland", "dummy", ...), or None
    """

    frames: int
    eventRounds: int
    redrawRequests: int
    surfaces: int
    overlays: int
    canvas: tuple[int, int]
    window: tuple[int, int]
    driver: str | None


class _Client:
    """One surface handed out: where it is drawn and who hears its events."""

    __slots__ = ("surface", "position", "callbackcomms", "eventcomms", "onlymouseinside",
                 "wanted")

    def __init__(self, surface: Any, position: tuple[int, int], callbackcomms: str,
                 eventcomms: str | None, onlymouseinside: bool) -> None:
        self.surface = surface
        self.position = position
        self.callbackcomms = callbackcomms
        self.eventcomms = eventcomms
        self.onlymouseinside = onlymouseinside
        self.wanted: set[int] = set()


class _Overlay:
    """One video overlay: its latest frame and where it is drawn."""

    __slots__ = ("size", "order", "position", "yuv", "image", "yuvinbox", "posinbox",
                 "source")

    def __init__(self, size: tuple[int, int], order: tuple[int, int, int],
                 position: tuple[int, int]) -> None:
        self.size = size
        self.order = order
        self.position = position
        self.yuv: Any = None
        self.image: Any = None
        self.yuvinbox: str | None = None
        self.posinbox: str | None = None
        self.source: tuple[int, str] | None = None     # (id(component), outbox) of frames


def _pair(value: Any, what: str, minimum: int) -> tuple[int, int]:
    """``value`` as an (int, int) pair whose parts are >= minimum, or ValueError."""
    try:
        a, b = value
        pair = (int(a), int(b))
    except (TypeError, ValueError):
        raise ValueError(f"{what} must be a pair of numbers, not {value!r}") from None
    if pair[0] < minimum or pair[1] < minimum:
        raise ValueError(f"{what} must be >= {minimum}, not {value!r}")
    return pair


def _openVideo() -> str:
    """Initialise pygame's display; its driver's name, or DisplayUnavailable."""
    requested = os.environ.get("SDL_VIDEODRIVER", "")
    hint = NO_DISPLAY_HINT
    try:
        pygame.display.init()
    except pygame.error as exc:
        raise DisplayUnavailable(
            f"no display to open the pygame window on: SDL said {str(exc)!r} "
            f"(SDL_VIDEODRIVER={requested!r}, DISPLAY={os.environ.get('DISPLAY', '')!r}). "
            + hint) from None
    driver = pygame.display.get_driver()
    if not requested and driver in _INVISIBLE_DRIVERS:
        pygame.display.quit()
        raise DisplayUnavailable(
            f"no display to open the pygame window on: DISPLAY is "
            f"{os.environ.get('DISPLAY', '')!r} and SDL_VIDEODRIVER is not set, so SDL "
            f"fell back to its {driver!r} driver, whose windows nobody sees. " + hint)
    return driver


def _yuvToSurface(yuv: Any, size: tuple[int, int], order: tuple[int, int, int]) -> Any:
    """A planar YUV 4:2:0 frame -> an RGB pygame surface (converted by Pillow)."""
    from PIL import Image as PILImage      # only overlays need Pillow

    width, height = size
    half = ((width + 1) // 2, (height + 1) // 2)
    y, u, v = (bytes(yuv[i]) for i in order)
    planes = (PILImage.frombytes("L", size, y),
              PILImage.frombytes("L", half, u).resize(size),
              PILImage.frombytes("L", half, v).resize(size))
    rgb = PILImage.merge("YCbCr", planes).convert("RGB")
    return pygame.image.frombytes(rgb.tobytes(), size, "RGB")


class PygameDisplay(AdaptiveCommsComponent):
    """PygameDisplay(**argd) -> the display service component (one per program)

    Prefer ``PygameDisplay.getDisplayService()``, which returns the one in
    use, or makes one. To configure it, make it, ``setDisplayService`` it and
    activate it before any widget asks for it.

    Keyword arguments (all optional):

    - width              -- canvas width in pixels (default 1024)
    - height             -- canvas height in pixels (default 768)
    - background_colour  -- (r, g, b) behind the surfaces (default white)
    - fullscreen         -- start full screen (default False)
    - resizable          -- the window may be resized; the canvas is scaled (default True)
    - fps                -- at most this many redraws and event rounds a second (default 60)
    - idle_fps           -- event rounds a second once idle_after seconds have passed
      with no event and no request (default 10)
    - idle_after         -- seconds without activity before slowing down (default 1.0)
    - caption            -- the window's title (default "Kamaelia")
    - close_stops_system -- closing the window stops every component, unless a
      component listens for pygame.QUIT (default True)
    - offsets            -- 1.14's touch-screen calibration: accepted, not used
    """

    Inboxes = {"inbox": "not used",
               "control": "producerFinished or shutdownMicroprocess: close the window and end",
               "notify": "requests: surfaces, overlays, events, redraws (see the module doc)",
               "events": "any message: take pygame's events now (1.14's wake-up box)"}
    Outboxes = {"outbox": "not used",
                "signal": "producerFinished when the display ends",
                "_signal": "not used (1.14 stopped its event thread with it)"}

    width = 1024
    height = 768
    background_colour: tuple[int, ...] = (255, 255, 255)
    fullscreen = False
    resizable = True
    fps: float = 60
    idle_fps: float = 10
    idle_after = 1.0
    caption = "Kamaelia"
    close_stops_system = True
    offsets = None

    @staticmethod
    def setDisplayService(pygamedisplay: "PygameDisplay", tracker: Any = None) -> None:
        """Register ``pygamedisplay`` as the display service (ServiceAlreadyExists if
        there is one already)."""
        if tracker is None:
            tracker = coordinatingassistanttracker.getcat()
        tracker.registerService(SERVICE_NAME, pygamedisplay, "notify")

    @staticmethod
    def getDisplayService(tracker: Any = None) -> tuple["PygameDisplay", str]:
        """``(display, "notify")``: the registered display, or a new one (activated
        and registered) if there is none."""
        if tracker is None:
            tracker = coordinatingassistanttracker.getcat()
        try:
            return tracker.retrieveService(SERVICE_NAME)
        except KeyError:
            display = PygameDisplay()
            display.activate()
            PygameDisplay.setDisplayService(display, tracker)
            return display, "notify"

    def __init__(self, **argd: Any) -> None:
        super().__init__(**argd)
        self.width = positiveInt("PygameDisplay", "width", self.width)
        self.height = positiveInt("PygameDisplay", "height", self.height)
        self.fps = positiveNumber("PygameDisplay", "fps", self.fps)
        self.background_colour = colour("PygameDisplay", "background_colour",
                                        self.background_colour)
        self.next_position = (0, 0)
        self.needsRedrawing = True
        self.startShutdown = False
        self._clients: list[_Client] = []
        self._bySurface: dict[int, _Client] = {}
        self.overlays: list[_Overlay] = []
        self.idle_fps = positiveNumber("PygameDisplay", "idle_fps", self.idle_fps)
        self._interval = 1.0 / self.fps
        self._idleInterval = 1.0 / min(self.idle_fps, self.fps)
        self._lastActivity = _clock()
        self._layout: Layout = fitCanvas((self.width, self.height), (self.width, self.height))
        self._canvas: Any = None
        self._nextEvents = 0.0
        self._nextFrame = 0.0
        self._thread: int | None = None
        self._tracker: Any = None
        self._driver: str | None = None
        self._frames = 0
        self._eventRounds = 0
        self._redraws = 0
        self._quitRequested = False

    # ------------------------------------------------------------ public
    @property
    def surfaces(self) -> list[tuple[Any, tuple[int, int], str, str | None, bool]]:
        """1.14's list: ``(surface, position, callbackcomms, eventcomms,
        onlymouseinside)`` for each surface, in drawing order (a copy)."""
        return [(c.surface, c.position, c.callbackcomms, c.eventcomms, c.onlymouseinside)
                for c in self._clients]

    @property
    def canvas(self) -> Any:
        """The canvas as last drawn (a pygame Surface of width x height), or None
        before the first frame. Read it, do not draw on it."""
        return self._canvas

    @property
    def layout(self) -> Layout:
        """Where the canvas sits in the window (see Kamaelia.UI.Pygame._layout)."""
        return self._layout

    def statistics(self) -> DisplayStatistics:
        """Counts of what the display has done so far (see DisplayStatistics)."""
        window = (0, 0)
        if self._thread is not None and pygame.display.get_init():
            surface = pygame.display.get_surface()
            if surface is not None:
                window = surface.get_size()
        return DisplayStatistics(self._frames, self._eventRounds, self._redraws,
                                 len(self._clients), len(self.overlays),
                                 (self.width, self.height), window, self._driver)

    def surfacePosition(self, surface: Any) -> tuple[int, int]:
        """Where to put a surface whose request gave no position: each one 50
        pixels down and right of the last (1.14's cascade)."""
        position = self.next_position
        self.next_position = (position[0] + 50, position[1] + 50)
        return position

    # -------------------------------------------------------------- main
    def main(self) -> Iterator[int]:
        """Open the window; serve requests and events until the end."""
        ending: Any = None
        try:
            self._openWindow()
            while ending is None:
                self._checkThread()
                now = _clock()
                if self.dataReady("notify") or self.overlays:
                    self._lastActivity = now
                self.handleDisplayRequest()
                self.updateOverlays()
                if now >= self._nextEvents or self.dataReady("events"):
                    for _ in self.Inbox("events"):
                        pass
                    if self.handleEvents():
                        self._lastActivity = now
                    # Busy: fps rounds a second. Idle for a while: idle_fps.
                    busy = now - self._lastActivity < self.idle_after
                    self._nextEvents = now + (self._interval if busy else self._idleInterval)
                if self.needsRedrawing and now >= self._nextFrame:
                    self.updateDisplay(self._canvas)
                    self._present()
                    self._nextFrame = now + self._interval
                wake = self._nextEvents
                if self.needsRedrawing:
                    wake = min(wake, self._nextFrame)
                self.pause(max(0.0, wake - _clock()))
                yield 1
                ending = self._ending()
        finally:
            self._closeWindow()
        self.send(ending, "signal")

    def _ending(self) -> Any:
        """The message to send out of "signal" if it is time to end, else None."""
        request = shutdownRequest(self)
        if request is not None:
            return request
        if self.startShutdown:
            if not self._clients and not self.overlays:
                return producerFinished(self)
            self.startShutdown = False       # a new request came in meanwhile
        return None

    def _checkThread(self) -> None:
        if threading.get_ident() != self._thread:
            raise RuntimeError(f"{self.name} opened its pygame window in thread "
                               f"{self._thread} and is now being run in thread "
                               f"{threading.get_ident()}: pygame must be used from one "
                               "thread (run all pygame components in one scheduler)")

    # ------------------------------------------------------------ window
    def _openWindow(self) -> None:
        self._driver = _openVideo()
        pygame.font.init()
        self._thread = threading.get_ident()
        self._tracker = coordinatingassistanttracker.getcat()
        self._setMode(bool(self.fullscreen))
        pygame.display.set_caption(str(self.caption))
        self._canvas = pygame.Surface((self.width, self.height))
        self._canvas.fill(self.background_colour)
        now = _clock()
        self._nextEvents = now
        self._nextFrame = now
        log.debug("%s opened a %dx%d window (SDL driver %r)", self.name, self.width,
                  self.height, self._driver)

    def _setMode(self, fullscreen: bool) -> None:
        if fullscreen:
            pygame.display.set_mode((0, 0), pygame.FULLSCREEN)
        else:
            flags = pygame.RESIZABLE if self.resizable else 0
            pygame.display.set_mode((self.width, self.height), flags)
        self.fullscreen = fullscreen
        self._relayout()

    def _relayout(self) -> None:
        window = pygame.display.get_surface()
        if window is None:
            return
        self._layout = fitCanvas((self.width, self.height), window.get_size(),
                                 pygame.display.get_window_size())
        self.needsRedrawing = True

    def _closeWindow(self) -> None:
        if self._thread is not None and pygame.display.get_init():
            pygame.display.quit()
        self._thread = None
        tracker = self._tracker or coordinatingassistanttracker.getcat()
        try:
            registered = tracker.retrieveService(SERVICE_NAME)[0]
        except KeyError:
            registered = None
        if registered is self:
            tracker.deRegisterService(SERVICE_NAME)
        for client in self._clients:
            client.surface = None
        self._clients.clear()
        self._bySurface.clear()

    def updateDisplay(self, display: Any) -> None:
        """Draw the background, every surface, then every overlay onto ``display``
        (the canvas)."""
        display.fill(self.background_colour)
        for client in self._clients:
            display.blit(client.surface, client.position)
        for overlay in self.overlays:
            if overlay.image is None and overlay.yuv is not None:
                try:
                    overlay.image = _yuvToSurface(overlay.yuv, overlay.size, overlay.order)
                except (ValueError, TypeError) as exc:
                    log.error("%s could not show a %dx%d overlay frame: %s", self.name,
                              overlay.size[0], overlay.size[1], exc)
                    overlay.yuv = None
            if overlay.image is not None:
                display.blit(overlay.image, overlay.position)

    def _present(self) -> None:
        """Show the canvas in the window (scaled if the window is another size)."""
        window: Any = pygame.display.get_surface()
        layout = self._layout
        if layout.identity:
            window.blit(self._canvas, (0, 0))
        else:
            window.fill(self.background_colour)
            if layout.shown[0] and layout.shown[1]:
                try:
                    scaled = pygame.transform.smoothscale(self._canvas, layout.shown)
                except ValueError:          # smoothscale wants 24 or 32 bit surfaces
                    scaled = pygame.transform.scale(self._canvas, layout.shown)
                window.blit(scaled, layout.offset)
        pygame.display.flip()
        self.needsRedrawing = False
        self._frames += 1

    # ------------------------------------------------------------ events
    def handleEvents(self) -> int:
        """Take every waiting pygame event and send each listener the ones it
        wants; how many events there were."""
        events = pygame.event.get()
        self._eventRounds += 1
        if not events:
            return 0
        for event in events:
            if event.type in _RESIZE_EVENTS:
                self._relayout()
            elif event.type in _EXPOSE_EVENTS:
                self.needsRedrawing = True
            elif event.type == pygame.QUIT:
                self._quitRequested = True
        quitHeard = False
        for client in self._clients:
            if client.eventcomms is None or not client.wanted:
                continue
            bundle = []
            for event in events:
                if event.type not in client.wanted:
                    continue
                if event.type in _MOUSE_EVENTS:
                    event = self._forSurface(client, event)
                    if event is None:
                        continue
                elif event.type == pygame.QUIT:
                    quitHeard = True
                bundle.append(event)
            if bundle:
                self.send(bundle, client.eventcomms)
        if self._quitRequested and not quitHeard:
            self._quitRequested = False
            if self.close_stops_system:
                log.info("%s: the window was closed; stopping the system", self.name)
                # From a timer, not from inside this generator: stopping
                # retires every microprocess, this one included.
                self.scheduler.callLater(0, self.scheduler.stop)
        self._quitRequested = False
        return len(events)

    def _forSurface(self, client: _Client, event: Any) -> Any:
        """A mouse event, with ``pos`` (and ``rel``) in the client surface's pixels;
        None if the client wants only events inside its surface and this is not."""
        x, y = self._layout.toCanvas(event.pos)
        x -= client.position[0]
        y -= client.position[1]
        if client.onlymouseinside:
            width, height = client.surface.get_size()
            if not (0 <= x < width and 0 <= y < height):
                return None
        attributes = dict(event.dict)
        attributes["pos"] = (x, y)
        rel = attributes.get("rel")
        if rel is not None and not self._layout.identity:
            layout = self._layout
            attributes["rel"] = (int(rel[0] * layout.density[0] / layout.scale),
                                 int(rel[1] * layout.density[1] / layout.scale))
        return pygame.event.Event(event.type, attributes)

    # ---------------------------------------------------------- requests
    def handleDisplayRequest(self) -> None:
        """Carry out every request waiting on "notify"."""
        for message in self.Inbox("notify"):
            try:
                self._obey(message)
            except (ValueError, KeyError, TypeError, pygame.error) as exc:
                log.error("%s could not carry out %s: %s", self.name, shortRepr(message), exc)

    def _obey(self, message: Any) -> None:
        if isinstance(message, producerFinished):
            self._removeSurface(message.message)
            return
        if not isinstance(message, dict):
            raise TypeError("a request must be a dict (or producerFinished(message=surface))")
        if message.get("REDRAW", False):
            self._redraws += 1
            self.needsRedrawing = True
        elif message.get("DISPLAYREQUEST", False):
            self._newSurface(message)
        elif message.get("ADDLISTENEVENT", None) is not None:
            self._clientFor(message).wanted.add(message["ADDLISTENEVENT"])
        elif message.get("REMOVELISTENEVENT", None) is not None:
            self._clientFor(message).wanted.discard(message["REMOVELISTENEVENT"])
        elif message.get("CHANGEDISPLAYGEO", False):
            self._move(message)
        elif message.get("OVERLAYREQUEST", False):
            self._newOverlay(message)
        elif "FULLSCREEN" in message:
            self._fullscreen(message["FULLSCREEN"])
        elif "CAPTION" in message:
            pygame.display.set_caption(str(message["CAPTION"]))
        elif any(message.get(key) for key in _OPENGL_REQUESTS):
            log.warning("%s is the pygame display; %s is a request for the OpenGL display "
                        "(Kamaelia.UI.OpenGL); ignored", self.name, shortRepr(message))
        else:
            log.warning("%s does not understand the request %s; ignored", self.name,
                        shortRepr(message))

    def _clientFor(self, message: dict[str, Any]) -> _Client:
        client = self._bySurface.get(id(message.get("surface")))
        if client is None:
            raise KeyError("its 'surface' is not one this display handed out (or it "
                           "was given back)")
        if client.eventcomms is None:
            raise ValueError("that surface was requested without an 'events' inbox to "
                             "send events to")
        return client

    def _newSurface(self, message: dict[str, Any]) -> None:
        if "callback" not in message:
            raise KeyError("a DISPLAYREQUEST needs a 'callback': (component, inbox)")
        if message.get("size") is None:
            raise KeyError("a DISPLAYREQUEST needs a 'size': (width, height)")
        size = _pair(message["size"], "size", 0)
        surface = pygame.Surface(size)
        surface.set_alpha(message.get("alpha", 255))
        if message.get("transparency") is not None:
            surface.set_colorkey(message["transparency"])
        if message.get("position") is not None:
            position = _pair(message["position"], "position", -(1 << 30))
        else:
            position = self.surfacePosition(surface)
        callbackcomms = self.addOutbox("displayerfeedback")
        self.link((self, callbackcomms), message["callback"])
        eventcomms = None
        if message.get("events") is not None:
            eventcomms = self.addOutbox("eventsfeedback")
            self.link((self, eventcomms), message["events"])
        client = _Client(surface, position, callbackcomms, eventcomms,
                         bool(message.get("onlymouseinside", False)))
        self._clients.append(client)
        self._bySurface[id(surface)] = client
        self.send(surface, callbackcomms)
        self.needsRedrawing = True
        if message.get("fullscreen", False) and not self.fullscreen:
            self._setMode(True)

    def _removeSurface(self, surface: Any) -> None:
        client = self._bySurface.pop(id(surface), None)
        if client is None:
            raise KeyError("that surface is not one this display handed out (or it was "
                           "given back already)")
        self._clients.remove(client)
        for box in (client.callbackcomms, client.eventcomms):
            if box is not None:
                self.deleteOutbox(box)
        self.needsRedrawing = True
        if not self._clients and not self.overlays:
            self.startShutdown = True

    def _move(self, message: dict[str, Any]) -> None:
        surface = message.get("surface")
        if surface is None or message.get("position") is None:
            return                      # 1.14: without both, nothing happens
        client = self._bySurface.get(id(surface))
        if client is None:
            raise KeyError("its 'surface' is not one this display handed out")
        client.position = _pair(message["position"], "position", -(1 << 30))
        self.needsRedrawing = True

    def _fullscreen(self, wanted: Any) -> None:
        if wanted == "TOGGLE":
            wanted = not self.fullscreen
        elif not isinstance(wanted, bool):
            raise ValueError("FULLSCREEN must be True, False or 'TOGGLE'")
        if wanted != self.fullscreen:
            self._setMode(wanted)

    # ---------------------------------------------------------- overlays
    def _newOverlay(self, message: dict[str, Any]) -> None:
        size = _pair(message["size"], "size", 1)
        pixformat = message.get("pixformat", IYUV_OVERLAY)
        if pixformat not in _PIXFORMATS:
            raise ValueError(f"pixformat must be one of {sorted(_PIXFORMATS)}, "
                             f"not {pixformat!r}")
        position = _pair(message.get("position", (0, 0)), "position", -(1 << 30))
        source = message.get("yuvservice") or None
        key = None if source is None else (id(source[0]), source[1])
        for overlay in self.overlays:
            if key is not None and overlay.source == key:
                # The same source asks again (its frames changed size or
                # format): the overlay is replaced, keeping its inbox.
                overlay.size, overlay.order = size, _PIXFORMATS[pixformat]
                overlay.position, overlay.image, overlay.yuv = position, None, None
                break
        else:
            overlay = _Overlay(size, _PIXFORMATS[pixformat], position)
            overlay.source = key
            if source is not None:
                overlay.yuvinbox = self.addInbox("overlay_yuv")
                self.link(source, (self, overlay.yuvinbox))
            self.overlays.append(overlay)
        yuv = message.get("yuv")
        if yuv is not None and len(yuv) == 3 and any(yuv):
            overlay.yuv = yuv
        if message.get("positionservice") and overlay.posinbox is None:
            overlay.posinbox = self.addInbox("overlay_position")
            self.link(message["positionservice"], (self, overlay.posinbox))
        self.needsRedrawing = True

    def updateOverlays(self) -> None:
        """Take new frames and positions for the overlays; end those sent None."""
        ended = []
        for overlay in self.overlays:
            if overlay.yuvinbox is not None:
                for frame in self.Inbox(overlay.yuvinbox):
                    if frame is None:
                        ended.append(overlay)
                        break
                    overlay.yuv = frame
                    overlay.image = None
                    self.needsRedrawing = True
            if overlay.posinbox is not None:
                for position in self.Inbox(overlay.posinbox):
                    overlay.position = _pair(position, "overlay position", -(1 << 30))
                    self.needsRedrawing = True
        for overlay in ended:
            self.overlays.remove(overlay)
            for box in (overlay.yuvinbox, overlay.posinbox):
                if box is not None:
                    self.deleteInbox(box)
            if not self._clients and not self.overlays:
                self.startShutdown = True


__kamaelia_components__ = (PygameDisplay,)
