"""`kamaelia show PATH`: the command's options, its errors, and how it ends
(Q, Escape, closing the window, --autoquit; and at once when there is no screen)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable

import pytest

from Axon.Scheduler import scheduler
from Kamaelia.Apps.Show.main import parseColour, parseSize
from Kamaelia.cli import main
from Kamaelia.UI.Pygame._pygame import pygame
from slidemaker import COLOURS, makePDF

ROOT = Path(__file__).resolve().parents[4]
TIMEOUT = 30


def kamaelia(*arguments: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    environment = dict(env, PYTHONPATH=str(ROOT / "src"))
    return subprocess.run([sys.executable, "-m", "Kamaelia.cli", *arguments],
                          capture_output=True, text=True, env=environment, timeout=TIMEOUT)


def headless() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["SDL_VIDEODRIVER"] = "dummy"
    return env


# -- a real process ------------------------------------------------------------------

def test_a_show_runs_through_and_ends_by_itself_with_auto_and_autoquit(
        imageFolder: Path) -> None:
    done = kamaelia("show", str(imageFolder), "--auto", "0.02", "--autoquit", "--timer", "1",
                    "--size", "320x240", env=headless())
    assert done.returncode == 0, done.stderr
    assert done.stdout == "" and done.stderr == ""             # quiet by default


def test_a_pdf_show_runs_through_too(pdfFile: Path) -> None:
    done = kamaelia("show", str(pdfFile), "-a", "0.02", "-Q", "--start", "4",
                    env=headless())
    assert done.returncode == 0, done.stderr


def test_with_no_screen_it_says_so_at_once_naming_sdl_videodriver_and_xvfb(
        imageFolder: Path) -> None:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "SDL_VIDEODRIVER")}
    done = kamaelia("show", str(imageFolder), env=env)      # a hang would time out
    assert done.returncode == 1
    assert "kamaelia show: no display" in done.stderr
    assert "SDL_VIDEODRIVER" in done.stderr and "Xvfb" in done.stderr


# -- in this process: keys and the window's close button ---------------------------------

def whileShowing(sched: scheduler, act: Callable[[], None]) -> None:
    """Call ``act`` every 20 ms once the show's window is open, until the show
    ends (checked on the scheduler's timer, from inside the running command).

    Again and again, because the window opens a moment before the show
    listens for keys: an event taken before that is not heard by anyone."""
    from Axon.CoordinatingAssistantTracker import coordinatingassistanttracker
    from Kamaelia.UI.Pygame.Display import SERVICE_NAME

    def check() -> None:
        try:
            display = coordinatingassistanttracker.getcat().retrieveService(SERVICE_NAME)[0]
        except KeyError:
            display = None
        if display is not None and display.statistics().surfaces >= 2:
            act()
        # (A timer does not keep the scheduler running: once the show has
        # ended, the command returns, whatever is left here.)
        sched.callLater(0.02, check)

    sched.callLater(0.02, check)


# The window tests run on both Xvfb and the dummy driver; here one is enough.
@pytest.mark.parametrize("video", ["dummy"], indirect=True)
@pytest.mark.parametrize("key", [pygame.K_q, pygame.K_ESCAPE])
def test_q_and_escape_end_the_command_with_status_0(screen: Any, fresh_scheduler: scheduler,
                                                   imageFolder: Path, key: int) -> None:
    whileShowing(fresh_scheduler, lambda: screen.key(key))
    assert main(["show", str(imageFolder), "--size", "320x240"]) == 0
    assert not pygame.display.get_init() or pygame.display.get_surface() is None


@pytest.mark.parametrize("video", ["dummy"], indirect=True)
def test_closing_the_window_ends_the_command_with_status_0(
        screen: Any, fresh_scheduler: scheduler, imageFolder: Path) -> None:
    whileShowing(fresh_scheduler, lambda: screen.post(pygame.QUIT))
    assert main(["show", str(imageFolder), "--size", "320x240"]) == 0


# -- errors, before any window opens ------------------------------------------------------

def error(capsys: pytest.CaptureFixture[str], *arguments: str) -> tuple[int, str]:
    status = main(["show", *arguments])
    return status, capsys.readouterr().err


def test_a_missing_path(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    status, err = error(capsys, str(tmp_path / "talk.pdf"))
    assert status == 1
    assert err == (f"kamaelia show: {str(tmp_path / 'talk.pdf')!r} does not exist; "
                   f"give a folder of images or a PDF\n")


def test_an_empty_folder(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    status, err = error(capsys, str(tmp_path))
    assert status == 1 and "no slides in" in err and "give a folder of images or a PDF" in err


def test_an_unreadable_pdf(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "talk.pdf").write_bytes(b"not a PDF, whatever its name says " * 10)
    status, err = error(capsys, str(tmp_path / "talk.pdf"))
    assert status == 1 and "cannot open" in err and "as a PDF" in err


def test_an_encrypted_pdf(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = makePDF(tmp_path / "locked.pdf", COLOURS[:1], password="x")
    status, err = error(capsys, str(path))
    assert status == 1 and "is encrypted" in err


@pytest.mark.parametrize("arguments, message", [
    (["--start", "9"], "--start must be 1 to 5 (there are 5 slides in"),
    (["--start", "0"], "--start must be 1 or more, not 0"),
    (["--size", "wide"], "size must be WIDTHxHEIGHT, e.g. 1280x720, not 'wide'"),
    (["--size", "0x10"], "size must be at least 1x1, not '0x10'"),
    (["--timer", "0"], "--timer must be a number of minutes > 0, not 0"),
    (["--auto", "-1"], "--auto must be a number of seconds > 0, not -1"),
    (["--last-minutes", "-2"], "--last-minutes must be a number of minutes >= 0, not -2"),
    (["--background", "plaid"], "colour must be a name (black) or #rrggbb, not 'plaid'"),
])
def test_bad_options_are_refused_naming_the_value(capsys: pytest.CaptureFixture[str],
                                                  imageFolder: Path, arguments: list[str],
                                                  message: str) -> None:
    status, err = error(capsys, str(imageFolder), *arguments)
    assert status == 2
    assert err.startswith("kamaelia show: ") and message in err


def test_sizes_and_colours_parse() -> None:
    assert parseSize("1280x720") == (1280, 720) and parseSize("800X600") == (800, 600)
    assert parseColour("black") == (0, 0, 0) and parseColour("#ff8000") == (255, 128, 0)


def test_help_lists_the_keys(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["show", "--help"])
    assert caught.value.code == 0
    text = capsys.readouterr().out
    for words in ("usage: kamaelia show", "PATH", "Tab", "Page Down", "a number, then Enter",
                  "--timer MIN", "--fullscreen", "--no-counter", "--autoquit"):
        assert words in text, words


def test_the_command_line_imports_no_pygame_until_show_runs() -> None:
    # `kamaelia --help` must work without the ui extra.
    code = ("import sys, Kamaelia.cli\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('pygame', 'PIL', 'pymupdf', 'Axon')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=dict(os.environ, PYTHONPATH=str(ROOT / "src")), timeout=TIMEOUT)
    assert done.stdout.strip() == "[]", done.stderr
