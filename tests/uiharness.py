"""Fixtures for the tests that open windows: a real X server (Xvfb) or SDL's dummy driver.

(Registered once, by ``tests/Kamaelia/conftest.py``, so that the UI tests
and the applications' tests share one Xvfb for the session.)

``video`` runs a test twice: once on a private Xvfb (started for the whole
session with ``-displayfd``, so it picks a free display number itself, and
stopped at the end) and once with ``SDL_VIDEODRIVER=dummy``. ``xvfb`` alone
gives the display name, for tests that need a real X server (Tk).

``screen`` drives the system from the test's own thread: it steps the
default scheduler (blocking while everything sleeps, as a program would)
until a condition holds, and injects real pygame events (``click``,
``key``, ``drag``) into pygame's queue, where the display finds them as it
finds the user's. Reading the window is ``screen.window()`` (the window's
surface) and ``screen.pixel(pos)``.

After each test the scheduler is stopped (which closes the window and
deregisters the display service), and the test fails if a window, the
service or an extra thread is left behind; pygame is then shut down, so
no pygame state passes from one test to the next.
"""

from __future__ import annotations

import os
import select
import shutil
import subprocess
import threading
import time
from typing import Any, Callable, Iterator

import pytest

from Axon.CoordinatingAssistantTracker import coordinatingassistanttracker
from Axon.Scheduler import scheduler
from Kamaelia.UI.Pygame.Display import SERVICE_NAME, PygameDisplay
from Kamaelia.UI.Pygame._pygame import pygame

#: How long a test waits for the system to show what it expects.
WAIT = 10.0


@pytest.fixture(scope="session")
def xvfb() -> Iterator[str]:
    """The name (":N") of a private X server for this test session."""
    program = shutil.which("Xvfb")
    if program is None:
        pytest.fail("Xvfb is not installed (sh scripts/install-system-packages.sh "
                    "installs it: Debian package xvfb)")
    readEnd, writeEnd = os.pipe()
    server = subprocess.Popen(
        [program, "-displayfd", str(writeEnd), "-screen", "0", "1280x1024x24",
         "-nolisten", "tcp", "-noreset"],
        pass_fds=[writeEnd], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    os.close(writeEnd)
    try:
        number = b""
        deadline = time.monotonic() + WAIT
        while not number.endswith(b"\n"):
            left = deadline - time.monotonic()
            ready, _, _ = select.select([readEnd], [], [], max(0.0, left))
            chunk = os.read(readEnd, 16) if ready else b""
            if not chunk:
                raise RuntimeError(f"Xvfb did not say which display it took "
                                   f"(exit status {server.poll()})")
            number += chunk
        yield f":{int(number)}"
    finally:
        os.close(readEnd)
        server.terminate()
        try:
            server.wait(WAIT)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


#: How often a waiting test looks at its condition when nothing else happens.
PERIOD = 0.002


class _Alarm:
    """A timer every PERIOD seconds until cancelled."""

    def __init__(self, sched: scheduler) -> None:
        self.scheduler = sched
        self.handle = sched.callLater(PERIOD, self.fire)

    def fire(self) -> None:
        self.handle = self.scheduler.callLater(PERIOD, self.fire)

    def cancel(self) -> None:
        self.handle.cancel()


def _registeredDisplay() -> Any:
    try:
        return coordinatingassistanttracker.getcat().retrieveService(SERVICE_NAME)[0]
    except KeyError:
        return None


class Screen:
    """Step the scheduler until the screen shows something; put events in."""

    def __init__(self, sched: scheduler) -> None:
        self.scheduler = sched
        self._loop = sched.main(canblock=True)
        self.ended = False

    # ------------------------------------------------------- running
    def until(self, condition: Callable[[], Any], what: str, timeout: float = WAIT) -> Any:
        """Run the system until ``condition()`` is true (returns its value);
        fail naming ``what`` if it is not within ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            value = condition()
            if value:
                return value
            if self.ended:
                pytest.fail(f"the system ended before {what}")
            if time.monotonic() > deadline:
                pytest.fail(f"timed out ({timeout} s) waiting for {what}")
            # The scheduler sleeps (before returning from next()) when nothing
            # is runnable; a short timer, re-armed whenever it fires, bounds
            # that sleep, so the condition is looked at again soon even if
            # nothing else wakes the scheduler.
            alarm = _Alarm(self.scheduler)
            try:
                next(self._loop)
            except StopIteration:
                self.ended = True
            finally:
                alarm.cancel()

    def runToEnd(self, timeout: float = WAIT) -> None:
        """Run until nothing is left (fail if it takes longer than ``timeout``)."""
        self.until(lambda: self.ended, "the system to end", timeout)

    def frames(self) -> int:
        display = self.display()
        return display.statistics().frames if display is not None else 0

    def quiescent(self) -> bool:
        """True when every microprocess is paused (waiting for a message or a
        timer): whatever was started has run its course."""
        return all(self.scheduler.isThreadPaused(thing)
                   for thing in self.scheduler.listAllThreads())

    def settle(self, what: str = "the window to be redrawn") -> None:
        """Run until the display has taken pygame's events once more (it is told
        to, at once) and everything is paused again (or three rounds have
        passed), then until the window has been redrawn: what was posted before has been handled, and what it
        changed is on the window."""
        display = self.until(self.display, "a display")
        rounds = display.statistics().eventRounds
        display.inboxes["events"].append(True)
        display.unpause()
        # Everything paused again means the reactions are over. A system that
        # never pauses for long (an animation) is given three event rounds
        # instead (at fps, as things are happening).
        self.until(lambda: display.statistics().eventRounds > rounds and self.quiescent()
                   or display.statistics().eventRounds > rounds + 3, what)
        # Then the frame with all that on it (a frame drawn since will do, for
        # components that redraw all the time).
        frames = display.statistics().frames
        self.until(lambda: not display.needsRedrawing or display.statistics().frames > frames,
                   what)

    def close(self) -> None:
        self.scheduler.stop()
        for _ in range(1000):
            try:
                next(self._loop)
            except StopIteration:
                break
        self._loop.close()
        self.ended = True

    # --------------------------------------------------------- looking
    def display(self) -> PygameDisplay | None:
        return _registeredDisplay()

    def window(self) -> Any:
        surface = pygame.display.get_surface() if pygame.display.get_init() else None
        assert surface is not None, "no window is open"
        return surface

    def pixel(self, pos: tuple[int, int]) -> tuple[int, int, int] | None:
        """The window's (r, g, b) at ``pos``; None while no window is open."""
        if not pygame.display.get_init() or pygame.display.get_surface() is None:
            return None
        return tuple(self.window().get_at(pos))[:3]

    def region(self, rect: tuple[int, int, int, int]) -> bytes:
        """The window's pixels in ``rect``, as RGB bytes."""
        return pygame.image.tobytes(self.window().subsurface(rect), "RGB")

    # ---------------------------------------------------------- acting
    def post(self, kind: int, **attributes: Any) -> None:
        """Put an event in pygame's queue and tell the display (as Autopilot
        does), so that an idle display takes it at once."""
        pygame.event.post(pygame.event.Event(kind, attributes))
        display = self.display()
        if display is not None:
            display.inboxes["events"].append(True)
            display.unpause()

    def click(self, pos: tuple[int, int], button: int = 1) -> None:
        self.post(pygame.MOUSEBUTTONDOWN, pos=pos, button=button)
        self.post(pygame.MOUSEBUTTONUP, pos=pos, button=button)

    def key(self, key: int, text: str = "", mod: int = 0) -> None:
        self.post(pygame.KEYDOWN, key=key, unicode=text, mod=mod, scancode=0)
        self.post(pygame.KEYUP, key=key, mod=mod, scancode=0)

    def type(self, text: str) -> None:
        for char in text:
            code = pygame.K_RETURN if char == "\n" else pygame.key.key_code(char) \
                if char.strip() else pygame.K_SPACE
            self.key(code, char)

    def drag(self, points: list[tuple[int, int]], button: int = 1) -> None:
        """Press at the first point, move through the rest, release at the last."""
        self.post(pygame.MOUSEBUTTONDOWN, pos=points[0], button=button)
        last = points[0]
        for point in points[1:]:
            self.post(pygame.MOUSEMOTION, pos=point,
                      rel=(point[0] - last[0], point[1] - last[1]),
                      buttons=(1, 0, 0) if button == 1 else (0, 0, 1))
            last = point
        self.post(pygame.MOUSEBUTTONUP, pos=points[-1], button=button)


@pytest.fixture(params=["xvfb", "dummy"])
def video(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Run the test on a real X server, then again on SDL's dummy driver."""
    if request.param == "xvfb":
        monkeypatch.setenv("DISPLAY", request.getfixturevalue("xvfb"))
        monkeypatch.delenv("SDL_VIDEODRIVER", raising=False)
    else:
        monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")
        monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    yield request.param


@pytest.fixture
def screen(video: str, fresh_scheduler: scheduler) -> Iterator[Screen]:
    """A Screen on the test's scheduler; afterwards, checks that nothing is left."""
    threadsBefore = set(threading.enumerate())
    driver = Screen(fresh_scheduler)
    try:
        yield driver
    finally:
        driver.close()
        leftService = _registeredDisplay()
        windowLeft = pygame.display.get_init() and pygame.display.get_surface() is not None
        newThreads = [t for t in threading.enumerate() if t not in threadsBefore]
        if leftService is not None:
            coordinatingassistanttracker.getcat().deRegisterService(SERVICE_NAME)
        pygame.quit()
        assert leftService is None, "the display service was left registered"
        assert not windowLeft, "a pygame window was left open"
        assert not newThreads, f"threads were left running: {newThreads}"
