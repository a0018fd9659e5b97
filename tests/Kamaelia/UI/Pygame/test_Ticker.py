"""Ticker: words appear one at a time (screenshot), wrap, pause, clear, stop."""

from __future__ import annotations

import time
from typing import Any

from Axon.Ipc import producerFinished, shutdownMicroprocess
from Kamaelia.UI.Pygame.Ticker import CLEAR, Ticker

from componentharness import attach

BACKGROUND, TEXT = (128, 48, 128), (232, 232, 48)


def textPixels(screen: Any, rect: tuple[int, int, int, int]) -> int:
    """How many pixels in ``rect`` are (nearly) the text colour."""
    area = screen.window().subsurface(rect)
    return sum(1 for x in range(0, rect[2], 2) for y in range(0, rect[3], 2)
               if all(abs(a - b) < 40 for a, b in zip(tuple(area.get_at((x, y)))[:3], TEXT)))


def allShown(ticker: Ticker) -> bool:
    return not ticker._words and not ticker.dataReady("inbox")


def started(screen: Any, **argd: Any) -> tuple[Ticker, Any]:
    ticker = Ticker(position=(10, 10), render_right=300, render_bottom=120,
                    words_per_second=200, **argd)
    sink = attach(ticker)
    screen.until(lambda: ticker.display is not None, "the ticker's surface")
    screen.settle()
    return ticker, sink


def test_screenshot_an_empty_ticker_then_words_one_by_one(screen: Any) -> None:
    ticker, _ = started(screen, outline_colour=(255, 0, 0), outline_width=2)
    assert screen.pixel((10, 10)) == (255, 0, 0)                # the border
    assert screen.pixel((100, 60)) == BACKGROUND
    assert textPixels(screen, (10, 10, 300, 120)) == 0
    ticker.inboxes["inbox"].append("Kamaelia components    pass\nmessages")
    ticker.unpause()
    screen.until(lambda: len(ticker._words) == 3, "the first word shown")
    screen.until(lambda: allShown(ticker), "every word shown")
    screen.settle()
    assert textPixels(screen, (10, 10, 300, 50)) > 20           # on the first line


def test_words_wrap_onto_the_next_line_and_scroll_at_the_bottom(screen: Any) -> None:
    ticker, _ = started(screen, text_height=30)
    ticker.inboxes["inbox"].append("wrap " * 40)
    ticker.unpause()
    screen.until(lambda: allShown(ticker), "every word shown")
    screen.settle()
    lines = ticker.font.get_linesize() + ticker.line_spacing
    assert textPixels(screen, (10, 10 + lines, 300, lines)) > 20    # the second line
    assert ticker._y + ticker.font.get_linesize() <= 120            # scrolled, not off the end


def test_the_pace_is_kept_with_timers(screen: Any) -> None:
    ticker = Ticker(position=(0, 0), words_per_second=20)
    attach(ticker)
    screen.until(lambda: ticker.display is not None, "the surface")
    ticker.inboxes["inbox"].append("one two three four five six")
    ticker.unpause()
    screen.until(lambda: 0 < len(ticker._words) <= 5, "the first word")
    started = time.monotonic()
    screen.until(lambda: allShown(ticker), "the last word")
    assert time.monotonic() - started >= 4 * (1 / 20)       # 5 more words, 1/20 s apart


def test_pausebox_holds_the_words_and_unpausebox_lets_them_go(screen: Any) -> None:
    ticker, _ = started(screen)
    ticker.inboxes["pausebox"].append("wait")
    ticker.inboxes["inbox"].append("held words")
    ticker.unpause()
    screen.settle()
    screen.settle()
    assert list(ticker._words) == ["held", "words"]
    ticker.inboxes["unpausebox"].append("go")
    ticker.unpause()
    screen.until(lambda: allShown(ticker), "the words after unpausing")


def test_clear_wipes_it(screen: Any) -> None:
    ticker, _ = started(screen)
    ticker.inboxes["inbox"].append("something")
    ticker.unpause()
    screen.until(lambda: textPixels(screen, (10, 10, 300, 120)) > 0, "the word")
    ticker.inboxes["inbox"].append(CLEAR)
    ticker.unpause()
    screen.until(lambda: textPixels(screen, (10, 10, 300, 120)) == 0, "a clear ticker")


def test_a_control_message_stops_it_even_when_paused(screen: Any) -> None:
    ticker, sink = started(screen)
    ticker.inboxes["pausebox"].append("wait")
    ticker.inboxes["inbox"].append("never shown")
    ticker.unpause()
    screen.settle()
    message = shutdownMicroprocess()
    ticker.inboxes["control"].append(message)
    ticker.unpause()
    screen.until(lambda: sink.control, "the shutdown passed on")
    assert sink.control == [message]
    screen.until(lambda: screen.display() is None, "the surface given back")


def test_producerfinished_shows_the_rest_first(screen: Any) -> None:
    ticker, sink = started(screen)
    ticker.inboxes["inbox"].append("last few words")
    ticker.inboxes["control"].append(producerFinished())
    ticker.unpause()
    screen.until(lambda: sink.control, "the end")
    assert not ticker._words and isinstance(sink.control[0], producerFinished)
