"""PygameDisplay: the requests of 1.14, events, redraws, resizing, no display."""

from __future__ import annotations

import logging
import threading
import warnings
from typing import Any, Iterator

import pytest

from Axon.Component import component
from Axon.CoordinatingAssistantTracker import coordinatingassistanttracker
from Axon.Ipc import producerFinished, shutdownMicroprocess
from Axon.Scheduler import scheduler
from Kamaelia.UI.Pygame.Display import (SERVICE_NAME, DisplayUnavailable, IYUV_OVERLAY,
                                        PygameDisplay)
from Kamaelia.UI.Pygame._pygame import pygame

RED, GREEN, BLUE = (220, 30, 30), (30, 200, 30), (30, 30, 220)


class Client(component):
    """Asks for a surface with ``request``, paints it ``colour``, then obeys
    ``script``: dicts to send to the display (the surface filled in for
    "surface": None), or "GIVEBACK". Records the events it hears."""

    Inboxes = {"inbox": "commands from the test", "control": "ends it",
               "callback": "the surface", "events": "events from the display"}
    Outboxes = {"outbox": "unused", "signal": "unused", "display_signal": "to the display"}

    def __init__(self, request: dict[str, Any], colour: tuple[int, int, int] = RED) -> None:
        super().__init__()
        self.request = {"DISPLAYREQUEST": True, "callback": (self, "callback"),
                        "events": (self, "events"), **request}
        self.colour = colour
        self.surface: Any = None
        self.heard: list[Any] = []

    def main(self) -> Iterator[int]:
        self.link((self, "display_signal"), PygameDisplay.getDisplayService())
        self.send(self.request, "display_signal")
        while not self.dataReady("callback"):
            self.pause()
            yield 1
        self.surface = self.recv("callback")
        self.surface.fill(self.colour)
        self.send({"REDRAW": True, "surface": self.surface}, "display_signal")
        while not self.dataReady("control"):
            for events in self.Inbox("events"):
                self.heard.extend(events)
            for command in self.Inbox("inbox"):
                if command == "GIVEBACK":
                    self.send(producerFinished(self, self.surface), "display_signal")
                else:
                    self.send({key: (self.surface if key == "surface" and value is None
                                     else value) for key, value in command.items()},
                              "display_signal")
            if not self.anyReady():
                self.pause()
            yield 1


def start(screen: Any, *clients: Client) -> PygameDisplay:
    for client in clients:
        client.activate()
    screen.until(lambda: all(c.surface is not None for c in clients), "the surfaces")
    screen.settle()
    return screen.display()


def test_the_service_is_registered_as_pygamedisplay_on_notify(screen: Any) -> None:
    client = Client({"size": (10, 10)})
    display = start(screen, client)
    service, inbox = coordinatingassistanttracker.getcat().retrieveService("pygamedisplay")
    assert service is display and inbox == "notify"
    assert PygameDisplay.getDisplayService() == (display, "notify")
    assert SERVICE_NAME == "pygamedisplay"


def test_a_surface_is_drawn_where_it_was_asked_for(screen: Any) -> None:
    display = start(screen, Client({"size": (40, 30), "position": (100, 50)}))
    assert screen.window().get_size() == (1024, 768)
    assert screen.pixel((100, 50)) == RED and screen.pixel((139, 79)) == RED
    assert screen.pixel((99, 50)) == (255, 255, 255)     # the background
    assert screen.pixel((140, 50)) == (255, 255, 255)
    assert display.surfaces[0][1] == (100, 50)


def test_surfaces_without_a_position_cascade_and_later_ones_are_on_top(screen: Any) -> None:
    first, second = Client({"size": (80, 80)}, RED), Client({"size": (80, 80)}, GREEN)
    start(screen, first, second)
    assert screen.pixel((10, 10)) == RED        # first at (0, 0)
    assert screen.pixel((60, 60)) == GREEN      # second at (50, 50), drawn over it


def test_alpha_and_transparency_are_obeyed(screen: Any) -> None:
    start(screen, Client({"size": (20, 20), "position": (0, 0)}, BLUE),
          Client({"size": (20, 20), "position": (0, 0), "transparency": RED}, RED),
          Client({"size": (20, 20), "position": (40, 0), "alpha": 0}, GREEN))
    assert screen.pixel((5, 5)) == BLUE                   # red was see-through
    assert screen.pixel((45, 5)) == (255, 255, 255)       # alpha 0: invisible


def test_changedisplaygeo_moves_a_surface(screen: Any) -> None:
    client = Client({"size": (20, 20), "position": (0, 0)})
    start(screen, client)
    client.inboxes["inbox"].append({"CHANGEDISPLAYGEO": True, "surface": None,
                                    "position": (300, 200)})
    client.unpause()
    screen.until(lambda: screen.pixel((305, 205)) == RED, "the surface at its new place")
    assert screen.pixel((5, 5)) == (255, 255, 255)


def test_listeners_get_the_events_they_asked_for_relative_to_their_surface(
        screen: Any) -> None:
    listener = Client({"size": (100, 100), "position": (200, 100)})
    deaf = Client({"size": (50, 50), "position": (0, 0)})
    start(screen, listener, deaf)
    listener.inboxes["inbox"].append({"ADDLISTENEVENT": pygame.MOUSEBUTTONDOWN,
                                      "surface": None})
    listener.unpause()
    screen.settle()
    screen.click((210, 130))
    screen.key(pygame.K_a, "a")                         # not asked for
    screen.until(lambda: listener.heard, "the click to arrive")
    screen.settle()
    assert [(e.type, e.pos, e.button) for e in listener.heard] == \
        [(pygame.MOUSEBUTTONDOWN, (10, 30), 1)]
    assert deaf.heard == []
    listener.inboxes["inbox"].append({"REMOVELISTENEVENT": pygame.MOUSEBUTTONDOWN,
                                      "surface": None})
    listener.unpause()
    screen.settle()
    screen.click((210, 130))
    screen.settle()
    assert len(listener.heard) == 1


def test_onlymouseinside_filters_mouse_events_outside_the_surface(screen: Any) -> None:
    inside = Client({"size": (100, 100), "position": (200, 100), "onlymouseinside": True})
    start(screen, inside)
    inside.inboxes["inbox"].append({"ADDLISTENEVENT": pygame.MOUSEBUTTONDOWN,
                                    "surface": None})
    inside.unpause()
    screen.settle()
    screen.click((50, 50))          # outside
    screen.click((299, 199))        # the last pixel inside
    screen.until(lambda: inside.heard, "the click inside")
    screen.settle()
    assert [e.pos for e in inside.heard] == [(99, 99)]


def test_many_redraws_in_one_frame_are_one_redraw(screen: Any) -> None:
    client = Client({"size": (10, 10)})
    display = start(screen, client)
    before = display.statistics()
    for _ in range(50):
        client.inboxes["inbox"].append({"REDRAW": True, "surface": None})
    client.unpause()
    screen.settle()
    after = display.statistics()
    assert after.redrawRequests == before.redrawRequests + 50
    assert after.frames == before.frames + 1


def test_an_idle_window_is_not_redrawn_and_not_polled_faster_than_fps(screen: Any) -> None:
    import time
    display = start(screen, Client({"size": (10, 10)}))
    before, started = display.statistics(), time.monotonic()
    screen.until(lambda: display.statistics().eventRounds >= before.eventRounds + 12,
                 "a dozen event rounds")
    elapsed = time.monotonic() - started
    after = display.statistics()
    assert after.frames == before.frames
    # Timer driven: never more rounds than fps allows (a slow machine does fewer).
    assert after.eventRounds - before.eventRounds <= elapsed * display.fps + 2


def test_giving_back_the_last_surface_closes_the_window_and_deregisters(
        screen: Any) -> None:
    first, second = Client({"size": (10, 10)}), Client({"size": (10, 10)})
    display = start(screen, first, second)
    first.inboxes["inbox"].append("GIVEBACK")
    first.unpause()
    screen.settle()
    assert display.statistics().surfaces == 1 and not display._isStopped()
    second.inboxes["inbox"].append("GIVEBACK")
    second.unpause()
    screen.until(display._isStopped, "the display to end")
    assert not pygame.display.get_init()
    assert screen.display() is None
    # The next request makes a new display (and window).
    third = Client({"size": (10, 10)}, GREEN)
    start(screen, third)
    assert screen.display() is not display and screen.pixel((5, 5)) == GREEN


def test_shutdown_on_control_closes_the_window_and_is_passed_on(screen: Any) -> None:
    display = start(screen, Client({"size": (10, 10)}))
    heard: list[Any] = []

    class Sink(component):
        def main(self) -> Iterator[int]:
            while not self.dataReady("control"):
                self.pause()
                yield 1
            heard.append(self.recv("control"))

    sink = Sink().activate()
    display.link((display, "signal"), (sink, "control"))
    message = shutdownMicroprocess()
    display.inboxes["control"].append(message)
    display.unpause()
    screen.until(lambda: heard, "the shutdown to be passed on")
    assert heard == [message] and not pygame.display.get_init() and screen.display() is None


def test_closing_the_window_stops_the_system_unless_someone_listens(screen: Any) -> None:
    listener = Client({"size": (10, 10)})
    start(screen, listener)
    listener.inboxes["inbox"].append({"ADDLISTENEVENT": pygame.QUIT, "surface": None})
    listener.unpause()
    screen.settle()
    screen.post(pygame.QUIT)
    screen.until(lambda: listener.heard, "the QUIT to be heard")
    assert [e.type for e in listener.heard] == [pygame.QUIT]
    assert not listener._isStopped()
    listener.inboxes["inbox"].append({"REMOVELISTENEVENT": pygame.QUIT, "surface": None})
    listener.unpause()
    screen.settle()
    screen.post(pygame.QUIT)
    screen.runToEnd()
    assert listener._isStopped() and screen.display() is None


def test_a_resized_window_shows_the_canvas_scaled_and_maps_the_mouse_back(
        screen: Any) -> None:
    listener = Client({"size": (512, 384), "position": (512, 384)}, BLUE)
    display = start(screen, listener)
    listener.inboxes["inbox"].append({"ADDLISTENEVENT": pygame.MOUSEBUTTONDOWN,
                                      "surface": None})
    listener.unpause()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)   # the test plays the WM
        pygame.Window.from_display_module().size = (512, 600)
    screen.until(lambda: display.layout.window == (512, 600), "the new layout")
    screen.settle()
    layout = display.layout
    assert layout.scale == 0.5 and layout.shown == (512, 384) and layout.offset == (0, 108)
    assert screen.window().get_size() == (512, 600)
    assert screen.pixel((400, 400)) == BLUE                # canvas (800, 584)
    assert screen.pixel((100, 150)) == (255, 255, 255)
    assert screen.pixel((100, 50)) == (255, 255, 255)     # the letterbox band
    screen.click((300, 320))            # window (300, 320) = canvas (600, 424)
    screen.until(lambda: listener.heard, "the click")
    assert listener.heard[0].pos == (600 - 512, 424 - 384)


def test_fullscreen_scales_the_canvas_to_the_screen_and_back(screen: Any) -> None:
    client = Client({"size": (10, 10)})
    display = start(screen, client)
    client.inboxes["inbox"].append({"FULLSCREEN": True})
    client.unpause()
    screen.until(lambda: display.fullscreen, "full screen")
    screen.settle()
    size = screen.window().get_size()
    assert display.layout.window == size
    assert display.layout.identity == (size == (1024, 768))
    client.inboxes["inbox"].append({"FULLSCREEN": "TOGGLE"})
    client.unpause()
    screen.until(lambda: not display.fullscreen, "a window again")
    screen.settle()
    assert screen.window().get_size() == (1024, 768) and display.layout.identity


def test_caption_request_sets_the_window_title(screen: Any) -> None:
    client = Client({"size": (10, 10)})
    start(screen, client)
    client.inboxes["inbox"].append({"CAPTION": "Slides"})
    client.unpause()
    screen.until(lambda: pygame.display.get_caption()[0] == "Slides", "the caption")


def test_bad_requests_are_logged_and_skipped(screen: Any,
                                             caplog: pytest.LogCaptureFixture) -> None:
    client = Client({"size": (10, 10)})
    display = start(screen, client)
    bad = [{"DISPLAYREQUEST": True, "callback": (client, "callback")},
           {"ADDLISTENEVENT": pygame.KEYDOWN, "surface": "not a surface"},
           {"WRAPPERREQUEST": True, "wrap_objectid": 1},
           {"FROBNICATE": True},
           "not a dict"]
    with caplog.at_level(logging.WARNING, logger="Kamaelia.UI.Pygame.Display"):
        display.inboxes["notify"].extend(bad)
        display.unpause()
        screen.settle()
    text = [r.getMessage() for r in caplog.records]
    assert len(text) == 5, text
    assert "needs a 'size'" in text[0] and display.name in text[0]
    assert "not one this display handed out" in text[1]
    assert "OpenGL" in text[2] and "WRAPPERREQUEST" in text[2]
    assert "does not understand" in text[3] and "FROBNICATE" in text[3]
    assert "must be a dict" in text[4]
    assert display.statistics().surfaces == 1 and not display._isStopped()


def test_an_overlay_shows_yuv_frames(screen: Any) -> None:
    client = Client({"size": (10, 10), "position": (500, 500)})
    display = start(screen, client)
    y, u, v = bytes([81]) * 64, bytes([90]) * 16, bytes([240]) * 16     # red
    display.inboxes["notify"].append({"OVERLAYREQUEST": True, "size": (8, 8),
                                      "pixformat": IYUV_OVERLAY, "position": (20, 30),
                                      "yuv": (y, u, v)})
    display.unpause()
    screen.until(lambda: display.statistics().overlays == 1, "the overlay")
    screen.settle()
    red, green, blue = screen.pixel((24, 34))
    assert red > 200 and green < 40 and blue < 40


def test_the_display_must_stay_in_the_thread_that_opened_the_window(screen: Any) -> None:
    display = start(screen, Client({"size": (10, 10)}))
    display._thread = threading.get_ident() + 1      # as if opened elsewhere
    display.unpause()
    with pytest.raises(RuntimeError, match="pygame must be used from one thread"):
        screen.until(lambda: False, "the error")
    display._thread = threading.get_ident()


@pytest.mark.parametrize("display, driver, said", [
    ("", "", "fell back to its 'offscreen' driver"),
    ("", "no-such-driver", "SDL said"),
])
def test_no_display_is_a_clear_error_not_a_hang(monkeypatch: pytest.MonkeyPatch,
                                                fresh_scheduler: scheduler, display: str,
                                                driver: str, said: str) -> None:
    monkeypatch.setenv("DISPLAY", display)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    if driver:
        monkeypatch.setenv("SDL_VIDEODRIVER", driver)
    else:
        monkeypatch.delenv("SDL_VIDEODRIVER", raising=False)
    fresh_scheduler.reraiseExceptions = False       # it must end the run by itself
    Client({"size": (10, 10)}).activate()
    try:
        with pytest.raises(DisplayUnavailable) as caught:
            fresh_scheduler.runThreads()
    finally:
        fresh_scheduler.stop()
        pygame.quit()
    message = str(caught.value)
    assert said in message and "SDL_VIDEODRIVER" in message and "Xvfb" in message
    with pytest.raises(KeyError):
        coordinatingassistanttracker.getcat().retrieveService(SERVICE_NAME)


@pytest.mark.parametrize("argument, value, message", [
    ("width", 0, "width must be >= 1, not 0"),
    ("height", "tall", "height must be an int, not 'tall'"),
    ("fps", -5, "fps must be a finite number > 0, not -5"),
    ("background_colour", "no such colour", "background_colour must be a colour"),
])
def test_bad_arguments_are_refused_naming_them(argument: str, value: Any,
                                               message: str) -> None:
    with pytest.raises((TypeError, ValueError), match=message):
        PygameDisplay(**{argument: value})


def test_an_idle_display_slows_its_event_rounds_and_wakes_on_events(screen: Any) -> None:
    import time
    display = PygameDisplay(idle_after=0.05, idle_fps=5)
    PygameDisplay.setDisplayService(display)
    display.activate()
    listener = Client({"size": (10, 10), "position": (0, 0)})
    start(screen, listener)
    listener.inboxes["inbox"].append({"ADDLISTENEVENT": pygame.MOUSEBUTTONDOWN,
                                      "surface": None})
    listener.unpause()
    screen.settle()
    before, started = display.statistics().eventRounds, time.monotonic()
    screen.until(lambda: time.monotonic() - started > 0.6, "0.6 s of idleness")
    rounds = display.statistics().eventRounds - before
    assert rounds <= 0.6 * 5 + 3, rounds            # idle_fps, not fps
    # An event in pygame's queue plus a word on "events" is taken at once.
    screen.click((5, 5))
    asked = time.monotonic()
    screen.until(lambda: listener.heard, "the click")
    assert time.monotonic() - asked < 0.15
