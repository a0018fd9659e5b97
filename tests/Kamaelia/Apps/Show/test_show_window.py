"""The show in a real window (Xvfb, and SDL's dummy driver): real pygame events in,
the window's pixels read back and compared with the slide files, scaled."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from Axon.Component import component
from Axon.Ipc import producerFinished, shutdownMicroprocess
from componentharness import FakeClock
from Kamaelia.Apps.Show.components import Presenter, ShowDisplay, ShowInput
from Kamaelia.Apps.Show.deck import fitRect, hudFontSize
from Kamaelia.Apps.Show.main import showSystem
from Kamaelia.Apps.Show.slides import openSlides
from Kamaelia.Chassis.Graphline import Graphline
from Kamaelia.UI.Pygame.Display import PygameDisplay
from Kamaelia.UI.Pygame._pygame import pygame
from slidemaker import COLOURS, makeImageSlides

# Tests of the show's own logic (not of the window) run on the dummy driver only.
logicOnly = pytest.mark.parametrize("video", ["dummy"], indirect=True)

SIZE = (640, 480)
BACKGROUND = (0, 0, 0)
# The display takes pygame's events (and may redraw) this often: a high rate
# keeps the tests' waits for "the next round" short.
FPS = 400


def start(screen: Any, path: Path, size: tuple[int, int] = SIZE, **options: Any) -> Presenter:
    """Start a show of ``path`` and run it until its first slide is on the window."""
    show = showSystem(openSlides(path), size=size, fps=FPS, **options).activate()
    presenter = show.components["SHOW"]
    screen.until(lambda: presenter.frames >= 1, "the first slide to be drawn")
    screen.settle()
    return presenter


def press(screen: Any, presenter: Presenter, key: int, text: str = "") -> None:
    frames = presenter.frames
    screen.key(key, text)
    screen.settle(f"the window after {pygame.key.name(key)!r}")
    assert presenter.frames >= frames


def expectedSlide(path: Path, size: tuple[int, int]) -> Image.Image:
    """The slide file scaled to ``size``, by Pillow, independently of the show."""
    with Image.open(path) as picture:
        return picture.convert("RGB").resize(size, Image.Resampling.LANCZOS)


def assertShows(screen: Any, presenter: Presenter, path: Path, tolerance: int = 2) -> None:
    """The window shows the slide file ``path``, scaled to fit keeping its aspect,
    centred, with the background around it."""
    window = screen.window()
    with Image.open(path) as picture:
        natural = picture.size
    rect = fitRect(natural, (0, 0, *window.get_size()))
    assert presenter.slideRect == rect
    expected = expectedSlide(path, rect[2:])
    hud = [pygame.Rect(r) for r in presenter.hudRects.values()]
    checked = 0
    for fx in (0.05, 0.2, 0.35, 0.5, 0.65, 0.8, 0.95):
        for fy in (0.05, 0.2, 0.35, 0.5, 0.65, 0.8, 0.95):
            x, y = int(rect[2] * fx), int(rect[3] * fy)
            where = (rect[0] + x, rect[1] + y)
            if any(r.collidepoint(where) for r in hud):
                continue
            got = screen.pixel(where)
            want = expected.getpixel((x, y))
            assert all(abs(g - w) <= tolerance for g, w in zip(got, want)), \
                f"at {where}: window {got}, slide file {want} ({path.name})"
            checked += 1
    assert checked > 30
    if rect[1] > 0:                              # letterboxed: the bands are background
        assert screen.pixel((rect[2] // 2, rect[1] // 2)) == BACKGROUND
    if rect[0] > 0:                              # pillarboxed
        assert screen.pixel((rect[0] // 2, rect[3] // 2)) == BACKGROUND


def slidePath(folder: Path, number: int) -> Path:
    return folder / f"slide{number}.png"


# -- showing and moving ----------------------------------------------------------------

def test_the_first_slide_fills_the_window_scaled_keeping_its_aspect(
        screen: Any, imageFolder: Path) -> None:
    presenter = start(screen, imageFolder)
    assert screen.window().get_size() == SIZE
    assertShows(screen, presenter, slidePath(imageFolder, 1))


def test_a_wide_slide_is_letterboxed_a_tall_one_pillarboxed(screen: Any, tmp_path: Path) -> None:
    makeImageSlides(tmp_path, COLOURS[:1], size=(480, 270), pattern="a{n}.png")
    makeImageSlides(tmp_path, COLOURS[1:2], size=(200, 400), pattern="b{n}.png")
    presenter = start(screen, tmp_path)
    assert presenter.slideRect == (0, 60, 640, 360)
    assertShows(screen, presenter, tmp_path / "a1.png")
    press(screen, presenter, pygame.K_SPACE)
    assert presenter.slideRect == (200, 0, 240, 480)
    assertShows(screen, presenter, tmp_path / "b1.png")


def test_space_right_and_page_down_each_show_the_next_slide(screen: Any,
                                                           imageFolder: Path) -> None:
    presenter = start(screen, imageFolder)
    for number, key in enumerate([pygame.K_SPACE, pygame.K_RIGHT, pygame.K_PAGEDOWN], start=2):
        press(screen, presenter, key)
        assert presenter.deck.current == number - 1, pygame.key.name(key)
        assertShows(screen, presenter, slidePath(imageFolder, number))


def test_left_backspace_and_page_up_each_show_the_previous_slide(screen: Any,
                                                                imageFolder: Path) -> None:
    presenter = start(screen, imageFolder, start=4)
    assertShows(screen, presenter, slidePath(imageFolder, 5))
    for number, key in enumerate([pygame.K_LEFT, pygame.K_BACKSPACE, pygame.K_PAGEUP]):
        press(screen, presenter, key)
        assertShows(screen, presenter, slidePath(imageFolder, 4 - number))


def test_home_and_end_show_the_first_and_last_slides(screen: Any, imageFolder: Path) -> None:
    presenter = start(screen, imageFolder, start=2)
    press(screen, presenter, pygame.K_END)
    assertShows(screen, presenter, slidePath(imageFolder, 5))
    press(screen, presenter, pygame.K_HOME)
    assertShows(screen, presenter, slidePath(imageFolder, 1))


def test_left_click_is_next_right_click_previous(screen: Any, imageFolder: Path) -> None:
    presenter = start(screen, imageFolder)
    screen.click((320, 240), button=1)
    screen.settle()
    assertShows(screen, presenter, slidePath(imageFolder, 2))
    screen.click((10, 10), button=1)
    screen.settle()
    assertShows(screen, presenter, slidePath(imageFolder, 3))
    screen.click((320, 240), button=3)
    screen.settle()
    assertShows(screen, presenter, slidePath(imageFolder, 2))


@logicOnly
def test_typing_a_number_and_enter_goes_to_that_slide(screen: Any, imageFolder: Path) -> None:
    presenter = start(screen, imageFolder)
    press(screen, presenter, pygame.K_4, "4")
    assert presenter.hudShown["typed"] == "Go to slide 4"
    press(screen, presenter, pygame.K_RETURN)
    assertShows(screen, presenter, slidePath(imageFolder, 4))
    assert "typed" not in presenter.hudShown


@logicOnly
def test_the_presenter_says_which_slide_it_shows(screen: Any, imageFolder: Path) -> None:
    presenter = start(screen, imageFolder)
    shown: list[int] = []
    presenter.outboxes["outbox"].setSize(None)
    press(screen, presenter, pygame.K_END)
    press(screen, presenter, pygame.K_LEFT)
    while presenter.outboxes["outbox"]:
        shown.append(presenter.outboxes["outbox"].pop(0))
    assert shown == [0, 4, 3]


# -- the counter and the timer -----------------------------------------------------------

def assertHudShows(screen: Any, presenter: Presenter, name: str, text: str,
                   slide: Path, colour: tuple[int, int, int] = (240, 240, 240)) -> None:
    """The window's pixels where ``name`` was drawn are ``text``'s, over the slide."""
    rect = presenter.hudRects[name]
    size = hudFontSize(screen.window().get_size()[1])
    slideRect = presenter.slideRect
    assert slideRect is not None
    under = expectedSlide(slide, slideRect[2:])
    expected = pygame.image.frombytes(under.tobytes(), under.size, "RGB")
    expected = expected.subsurface((rect[0] - slideRect[0], rect[1] - slideRect[1],
                                    rect[2], rect[3])).copy()
    box = presenter.hudBox(text, size, colour)
    assert box.get_size() == rect[2:]
    expected.blit(box, (0, 0))
    got = screen.region(rect)
    want = pygame.image.tobytes(expected, "RGB")
    differences = sum(1 for g, w in zip(got, want) if abs(g - w) > 3)
    assert differences <= len(want) // 200, f"{name} does not read {text!r}"


def test_the_counter_reads_right(screen: Any, imageFolder: Path) -> None:
    presenter = start(screen, imageFolder)
    assert presenter.hudShown["counter"] == "1 / 5"
    assertHudShows(screen, presenter, "counter", "1 / 5", slidePath(imageFolder, 1))
    press(screen, presenter, pygame.K_RIGHT)
    press(screen, presenter, pygame.K_RIGHT)
    assert presenter.hudShown["counter"] == "3 / 5"
    assertHudShows(screen, presenter, "counter", "3 / 5", slidePath(imageFolder, 3))
    with pytest.raises(AssertionError, match="does not read"):      # the check can fail
        assertHudShows(screen, presenter, "counter", "2 / 5", slidePath(imageFolder, 3))


@logicOnly
def test_no_counter_means_no_counter(screen: Any, imageFolder: Path) -> None:
    presenter = start(screen, imageFolder, counter=False, timer=False)
    assert presenter.hudRects == {}
    assertShows(screen, presenter, slidePath(imageFolder, 1))


def runWithClock(screen: Any, path: Path, clock: FakeClock, **options: Any) -> Presenter:
    display = ShowDisplay(width=SIZE[0], height=SIZE[1], background_colour=BACKGROUND, fps=FPS)
    PygameDisplay.setDisplayService(display)
    display.activate()
    presenter = Presenter(openSlides(path), clock=clock, **options)
    Graphline(SHOW=presenter, INPUT=ShowInput(),
              linkages={("INPUT", "outbox"): ("SHOW", "input"),
                        ("SHOW", "signal"): ("INPUT", "control")}).activate()
    screen.until(lambda: presenter.frames >= 1, "the first slide")
    screen.settle()
    return presenter


@logicOnly
def test_the_countdown_starts_on_the_first_move_and_warns_then_runs_over(
        screen: Any, imageFolder: Path) -> None:
    clock = FakeClock()
    presenter = runWithClock(screen, imageFolder, clock, duration=600, warning=120)
    assert presenter.hudShown["timer"] == "10:00"
    clock.advance(30)                    # not started yet: the title slide waits
    screen.key(pygame.K_SPACE)
    screen.until(lambda: presenter.deck.current == 1, "the next slide")
    # A fraction short of a whole second: once the presenter has woken for the
    # first time, it sleeps just 0.05 s at a time until the fake clock moves on.
    clock.advance(61.95)
    # The presenter wakes by itself when the timer's text is due to change.
    screen.until(lambda: presenter.hudShown.get("timer") == "08:59", "the timer to read 08:59")
    screen.settle()
    assertHudShows(screen, presenter, "timer", "08:59", slidePath(imageFolder, 2))
    clock.advance(8 * 60)
    screen.until(lambda: presenter.hudShown.get("phase") == "warning", "the warning colour")
    screen.settle()
    assertHudShows(screen, presenter, "timer", presenter.hudShown["timer"],
                   slidePath(imageFolder, 2), colour=(255, 190, 40))
    clock.advance(5 * 60)
    screen.until(lambda: presenter.hudShown.get("phase") == "overtime", "overtime")
    assert presenter.hudShown["timer"].startswith("-0")


@logicOnly
def test_p_pauses_the_timer_and_r_resets_it(screen: Any, imageFolder: Path) -> None:
    clock = FakeClock()
    presenter = runWithClock(screen, imageFolder, clock)
    press(screen, presenter, pygame.K_p)                 # P starts it too
    clock.advance(5)
    press(screen, presenter, pygame.K_p)
    assert presenter.hudShown["timer"] == "00:05 (paused)"
    clock.advance(100)
    press(screen, presenter, pygame.K_r)
    assert presenter.hudShown["timer"] == "00:00"


@logicOnly
def test_an_idle_presenter_sleeps(screen: Any, imageFolder: Path) -> None:
    presenter = start(screen, imageFolder, timer=False)
    display = screen.display()
    frames, drawn = display.statistics().frames, presenter.frames
    rounds = display.statistics().eventRounds
    screen.until(lambda: display.statistics().eventRounds >= rounds + 10, "ten event rounds")
    assert presenter.frames == drawn and display.statistics().frames == frames
    assert not presenter._isRunnable()                   # paused, waiting for a message


# -- the overview ---------------------------------------------------------------------------

def thumbnailsShown(screen: Any, presenter: Presenter) -> bool:
    layout = presenter.overview
    if layout is None:
        return False
    for index in layout.visible():
        x, y, w, h = layout.rect(index)
        got = screen.pixel((x + w * 4 // 5, y + h // 3))
        if not all(abs(g - c) <= 8 for g, c in zip(got, COLOURS[index])):
            return False
    return True


def test_tab_shows_every_slide_as_a_thumbnail_and_enter_jumps(screen: Any,
                                                             imageFolder: Path) -> None:
    presenter = start(screen, imageFolder)
    press(screen, presenter, pygame.K_TAB)
    assert presenter.deck.mode == "overview"
    screen.until(lambda: thumbnailsShown(screen, presenter), "every thumbnail")
    assert list(presenter.overview.visible()) == [0, 1, 2, 3, 4]
    press(screen, presenter, pygame.K_RIGHT)
    press(screen, presenter, pygame.K_RIGHT)
    press(screen, presenter, pygame.K_RETURN)
    assert presenter.deck.mode == "slide"
    assertShows(screen, presenter, slidePath(imageFolder, 3))


def test_a_click_on_a_thumbnail_jumps_to_it(screen: Any, imageFolder: Path) -> None:
    presenter = start(screen, imageFolder)
    press(screen, presenter, pygame.K_TAB)
    x, y, w, h = presenter.overview.rect(4)
    screen.click((x + w // 2, y + h // 2))
    screen.settle()
    assertShows(screen, presenter, slidePath(imageFolder, 5))


@logicOnly
def test_escape_leaves_the_overview_where_it_was(screen: Any, imageFolder: Path) -> None:
    presenter = start(screen, imageFolder, start=1)
    press(screen, presenter, pygame.K_TAB)
    press(screen, presenter, pygame.K_RIGHT)
    press(screen, presenter, pygame.K_ESCAPE)
    assert presenter.deck.mode == "slide"
    assertShows(screen, presenter, slidePath(imageFolder, 2))


# -- the window -----------------------------------------------------------------------------

def test_resizing_the_window_lays_the_slide_out_again(screen: Any, imageFolder: Path) -> None:
    presenter = start(screen, imageFolder)
    # What a window manager's resize does: the window changes, and SDL says so.
    pygame.display.set_mode((800, 450), pygame.RESIZABLE)
    screen.post(pygame.VIDEORESIZE, size=(800, 450), w=800, h=450)
    screen.until(lambda: presenter.surface is not None
                 and presenter.surface.get_size() == (800, 450), "a surface of the new size")
    screen.settle()
    assert screen.window().get_size() == (800, 450)
    assert presenter.slideRect == (100, 0, 600, 450)             # drawn for 800x450, not scaled
    assertShows(screen, presenter, slidePath(imageFolder, 1))
    assert screen.display().statistics().surfaces == 2          # the old surface was given back


def test_f_toggles_full_screen_and_back(screen: Any, imageFolder: Path) -> None:
    presenter = start(screen, imageFolder)
    display = screen.display()
    screen.key(pygame.K_f)
    screen.until(lambda: display.fullscreen and presenter.surface.get_size()
                 == screen.window().get_size() != SIZE, "a full screen surface")
    screen.settle()
    assertShows(screen, presenter, slidePath(imageFolder, 1))
    screen.key(pygame.K_f)
    screen.until(lambda: not display.fullscreen and presenter.surface.get_size() == SIZE,
                 "the window again")
    screen.settle()
    assert screen.window().get_size() == SIZE
    assertShows(screen, presenter, slidePath(imageFolder, 1))


def test_b_blanks_the_screen_and_b_brings_the_slide_back(screen: Any, imageFolder: Path) -> None:
    presenter = start(screen, imageFolder)
    press(screen, presenter, pygame.K_b)
    window = screen.window()
    assert {screen.pixel((x, y)) for x in range(0, 640, 40) for y in range(0, 480, 40)} \
        == {(0, 0, 0)}
    assert window.get_size() == SIZE
    press(screen, presenter, pygame.K_b)
    assertShows(screen, presenter, slidePath(imageFolder, 1))


@pytest.mark.parametrize("key", [pygame.K_q, pygame.K_ESCAPE])
def test_q_and_escape_end_the_show_and_close_the_window(screen: Any, imageFolder: Path,
                                                        key: int) -> None:
    presenter = start(screen, imageFolder)
    screen.key(key)
    screen.runToEnd()
    assert presenter._isStopped()
    assert not pygame.display.get_init() or pygame.display.get_surface() is None


def test_closing_the_window_ends_the_show(screen: Any, imageFolder: Path) -> None:
    presenter = start(screen, imageFolder)
    screen.post(pygame.QUIT)
    screen.runToEnd()
    assert presenter._isStopped()


@logicOnly
def test_auto_advance_and_autoquit_run_through_the_show(screen: Any, imageFolder: Path) -> None:
    presenter = start(screen, imageFolder, autoAdvance=0.02, autoQuit=True)
    shown: list[int] = []
    presenter.outboxes["outbox"].setSize(None)
    screen.runToEnd()
    while presenter.outboxes["outbox"]:
        shown.append(presenter.outboxes["outbox"].pop(0))
    assert shown == [0, 1, 2, 3, 4]


# -- PDFs -----------------------------------------------------------------------------------

def test_a_pdf_page_is_drawn_for_the_window_at_its_resolution(screen: Any, pdfFile: Path) -> None:
    import pymupdf

    presenter = start(screen, pdfFile, size=(800, 600))
    press(screen, presenter, pygame.K_SPACE)
    # MuPDF draws page 2 for 800x600 pixels itself, apart from the show.
    document = pymupdf.open(pdfFile)
    pixmap = document[1].get_pixmap(matrix=pymupdf.Matrix(2, 2), alpha=False)
    expected = Image.frombytes("RGB", (pixmap.width, pixmap.height), pixmap.samples)
    document.close()
    assert presenter.slideRect == (0, 0, 800, 600)
    mismatched = 0
    for x in range(5, 800, 37):
        for y in range(5, 560, 29):               # above the counter
            got = screen.pixel((x, y))
            want = expected.getpixel((x, y))
            if any(abs(g - w) > 24 for g, w in zip(got, want)):
                mismatched += 1
    assert mismatched <= 3, f"{mismatched} pixels differ from MuPDF's own rendering"


# -- shutdown from outside, and arguments -------------------------------------------------

class Send(component):
    """Sends one message out of "outbox", then ends."""

    def __init__(self, message: Any) -> None:
        super().__init__()
        self.message = message

    def main(self) -> Any:
        self.send(self.message, "outbox")
        yield 1


@logicOnly
@pytest.mark.parametrize("message", [producerFinished(), shutdownMicroprocess()],
                         ids=["producerFinished", "shutdownMicroprocess"])
def test_a_shutdown_message_on_control_ends_the_show_tidily(screen: Any, imageFolder: Path,
                                                            message: Any) -> None:
    show = showSystem(openSlides(imageFolder), size=SIZE, fps=FPS).activate()
    presenter = show.components["SHOW"]
    screen.until(lambda: presenter.frames >= 1, "the first slide")
    sender = Send(message)
    sender.link((sender, "outbox"), (show, "control"))
    sender.activate()
    screen.runToEnd()
    assert presenter._isStopped() and show.components["INPUT"]._isStopped()


def test_bad_presenter_arguments_are_refused_naming_the_value(imageFolder: Path) -> None:
    slides = openSlides(imageFolder)
    with pytest.raises(TypeError, match=r"slides must be a SlideSource .*not 'talk\.pdf'"):
        Presenter("talk.pdf")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"autoAdvance must be a number of seconds > 0 or "
                                         r"None, not 0"):
        Presenter(slides, autoAdvance=0)
    with pytest.raises(ValueError, match=r"background must be \(r, g, b\).*not 'black'"):
        Presenter(slides, background="black")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"Deck: start must be an int from 0 to 4, not 5"):
        Presenter(slides, start=5)


@logicOnly
def test_quitting_while_a_new_surface_is_on_its_way_still_closes_the_window(
        screen: Any, imageFolder: Path) -> None:
    presenter = start(screen, imageFolder)
    pygame.display.set_mode((800, 450), pygame.RESIZABLE)
    screen.post(pygame.VIDEORESIZE, size=(800, 450), w=800, h=450)
    screen.key(pygame.K_q)                   # taken in the same round as the resize
    screen.runToEnd()
    assert presenter._isStopped()
