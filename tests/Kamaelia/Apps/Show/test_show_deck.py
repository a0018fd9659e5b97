"""Kamaelia.Apps.Show.deck: navigation, the overview, typing a number, keys, clicks,
the presenter timer and the layout maths (plain values, no window)."""

from __future__ import annotations

import pytest

from componentharness import FakeClock
from Kamaelia.Apps.Show.deck import (CLICK_ACTIONS, Deck, OverviewLayout, Outcome,
                                     PresenterTimer, clickAction, fitRect, fitSize,
                                     hidpiFactor, hudFontSize, keyAction)


def press(deck: Deck, *keys: str) -> list[Outcome]:
    return [deck.apply(keyAction(key, deck)) for key in keys]


# -- moving ---------------------------------------------------------------------

def test_next_and_prev_move_one_slide_and_stop_at_the_ends() -> None:
    deck = Deck(3)
    assert deck.apply("NEXT") == Outcome(redraw=True, moved=True)
    assert deck.apply("NEXT").moved and deck.current == 2
    assert deck.apply("NEXT") == Outcome()          # no wrapping past the end
    assert deck.current == 2
    deck.apply("PREV")
    deck.apply("PREV")
    assert deck.current == 0
    assert deck.apply("PREV") == Outcome()


def test_first_last_and_goto() -> None:
    deck = Deck(10, start=4)
    assert deck.current == 4
    deck.apply("LAST")
    assert deck.current == 9
    deck.apply("FIRST")
    assert deck.current == 0
    deck.apply(("GOTO", 6))
    assert deck.current == 6
    deck.apply(("GOTO", 99))                        # clamped into the deck
    assert deck.current == 9


def test_the_counter_counts_from_one() -> None:
    deck = Deck(12)
    assert deck.counterText() == "1 / 12"
    deck.apply("LAST")
    assert deck.counterText() == "12 / 12"


def test_unknown_and_malformed_actions_change_nothing() -> None:
    deck = Deck(3)
    for action in ("SIDEWAYS", 42, ("GOTO", "2"), ("GOTO", True), ("NOPE", 1), None, ()):
        assert deck.apply(action) == Outcome()
    assert deck.current == 0


@pytest.mark.parametrize("count, start", [(0, 0), (-1, 0), (3, 3), (3, -1), (True, 0),
                                          (3, 1.0)])
def test_bad_deck_arguments_are_refused_naming_the_value(count: object, start: object) -> None:
    with pytest.raises(ValueError, match=r"Deck: (count|start) must be"):
        Deck(count, start)  # type: ignore[arg-type]


@pytest.mark.parametrize("command", ["QUIT", "FULLSCREEN", "TIMER_PAUSE", "TIMER_RESET", "HUD"])
def test_commands_are_handed_out_not_carried_out(command: str) -> None:
    deck = Deck(3)
    assert deck.apply(command) == Outcome(command=command)
    assert deck.current == 0


# -- keys and clicks ------------------------------------------------------------

@pytest.mark.parametrize("key", ["space", "right", "page down", "down"])
def test_next_keys(key: str) -> None:
    deck = Deck(3)
    press(deck, key)
    assert deck.current == 1


@pytest.mark.parametrize("key", ["left", "backspace", "page up", "up"])
def test_previous_keys(key: str) -> None:
    deck = Deck(3, start=2)
    press(deck, key)
    assert deck.current == 1


def test_home_and_end_keys() -> None:
    deck = Deck(5, start=2)
    press(deck, "end")
    assert deck.current == 4
    press(deck, "home")
    assert deck.current == 0


@pytest.mark.parametrize("key, command", [("q", "QUIT"), ("Q", "QUIT"), ("escape", "QUIT"),
                                          ("f", "FULLSCREEN"), ("p", "TIMER_PAUSE"),
                                          ("r", "TIMER_RESET"), ("t", "HUD")])
def test_command_keys(key: str, command: str) -> None:
    deck = Deck(3)
    assert press(deck, key) == [Outcome(command=command)]


def test_an_unmapped_key_does_nothing() -> None:
    deck = Deck(3)
    assert keyAction("x", deck) is None
    assert press(deck, "x") == [Outcome()]


def test_mouse_buttons_follow_multiclick_left_next_right_previous_wheel_scrolls() -> None:
    deck = Deck(5, start=2)
    assert CLICK_ACTIONS[1] == "NEXT" and CLICK_ACTIONS[3] == "PREV"
    deck.apply(clickAction(1, deck))
    assert deck.current == 3
    deck.apply(clickAction(3, deck))
    assert deck.current == 2
    deck.apply(clickAction(5, deck))                # wheel down
    assert deck.current == 3
    deck.apply(clickAction(4, deck))                # wheel up
    assert deck.current == 2
    assert clickAction(2, deck) is None             # the middle button does nothing
    assert clickAction(9, deck) is None             # nor do extra buttons


# -- typing a slide number (pdfpc) -----------------------------------------------

def test_typing_a_number_then_enter_goes_to_that_slide() -> None:
    deck = Deck(20)
    press(deck, "1", "[2]")                          # keypad digits count too
    assert deck.typed == "12" and deck.current == 0
    outcomes = press(deck, "return")
    assert deck.current == 11 and deck.typed == ""
    assert outcomes[0].moved


def test_a_number_past_the_end_goes_to_the_last_slide() -> None:
    deck = Deck(9)
    press(deck, "9", "9", "return")                  # the second 9 is one digit too many
    assert deck.current == 8


def test_backspace_corrects_a_typed_number_and_escape_forgets_it() -> None:
    deck = Deck(30, start=5)
    press(deck, "2", "7", "backspace")
    assert deck.typed == "2" and deck.current == 5
    assert press(deck, "escape") == [Outcome(redraw=True)]   # cancels, does not quit
    assert deck.typed == ""
    press(deck, "backspace")                          # nothing typed: previous slide again
    assert deck.current == 4


def test_a_leading_zero_is_ignored_and_enter_alone_does_nothing() -> None:
    deck = Deck(30, start=3)
    press(deck, "0")
    assert deck.typed == ""
    assert press(deck, "return") == [Outcome()]
    assert deck.current == 3


# -- the overview (Impressive's Tab) -------------------------------------------------

def test_tab_opens_the_overview_on_the_current_slide_and_enter_jumps_to_the_selection() -> None:
    deck = Deck(12, start=4)
    deck.setGrid(columns=4, pageRows=3)
    press(deck, "tab")
    assert deck.mode == "overview" and deck.selection == 4
    press(deck, "right", "down")                      # one on, one row down
    assert deck.selection == 9 and deck.current == 4
    outcomes = press(deck, "return")
    assert deck.mode == "slide" and deck.current == 9
    assert outcomes[0] == Outcome(redraw=True, moved=True)


def test_leaving_the_overview_with_tab_or_escape_keeps_the_slide() -> None:
    for leave in ("tab", "escape"):
        deck = Deck(12, start=4)
        deck.setGrid(4, 3)
        press(deck, "tab", "right", "right", leave)
        assert deck.mode == "slide" and deck.current == 4


def test_overview_selection_moves_and_stops_at_the_edges() -> None:
    deck = Deck(10)
    deck.setGrid(columns=3, pageRows=2)
    press(deck, "tab")
    press(deck, "up", "left")
    assert deck.selection == 0
    press(deck, "page down")                          # a screenful: 2 rows of 3
    assert deck.selection == 6
    press(deck, "end")
    assert deck.selection == 9
    press(deck, "down")
    assert deck.selection == 9
    press(deck, "home")
    assert deck.selection == 0


def test_typing_a_number_in_the_overview_selects_it() -> None:
    deck = Deck(30)
    press(deck, "tab", "1", "5")
    assert deck.selection == 14
    press(deck, "return")
    assert deck.current == 14 and deck.mode == "slide"


def test_a_click_on_a_thumbnail_chooses_it_right_click_leaves() -> None:
    deck = Deck(8, start=1)
    press(deck, "tab")
    assert clickAction(1, deck, hit=None) is None     # between thumbnails: nothing
    assert clickAction(3, deck) == "OVERVIEW"
    deck.apply(clickAction(1, deck, hit=6))
    assert deck.mode == "slide" and deck.current == 6


def test_q_and_f_still_work_in_the_overview() -> None:
    deck = Deck(4)
    press(deck, "tab")
    assert press(deck, "q", "f") == [Outcome(command="QUIT"), Outcome(command="FULLSCREEN")]


# -- blanking (Impressive's B and W) ----------------------------------------------

def test_black_and_white_screens_toggle_and_a_move_ends_them() -> None:
    deck = Deck(4)
    press(deck, "b")
    assert deck.blank == "black"
    press(deck, "w")
    assert deck.blank == "white"
    press(deck, "w")
    assert deck.blank is None
    press(deck, ".")
    assert deck.blank == "black"
    press(deck, "space")
    assert deck.blank is None and deck.current == 1


def test_escape_unblanks_before_it_quits() -> None:
    deck = Deck(4)
    press(deck, "b")
    assert press(deck, "escape") == [Outcome(redraw=True)]
    assert press(deck, "escape") == [Outcome(command="QUIT")]


# -- the presenter timer ------------------------------------------------------------

def test_timer_counts_up_from_the_start_and_pauses() -> None:
    clock = FakeClock()
    timer = PresenterTimer(clock=clock)
    assert timer.text() == "00:00" and not timer.running and timer.nextChange() is None
    timer.start()
    clock.advance(61.4)
    assert timer.text() == "01:01" and timer.elapsed() == pytest.approx(61.4)
    timer.pause()
    clock.advance(100)
    assert timer.text() == "01:01"
    timer.toggle()                                    # resumes
    clock.advance(3600)
    assert timer.text() == "1:01:01"


def test_timer_reset_goes_back_to_the_beginning_stopped() -> None:
    clock = FakeClock()
    timer = PresenterTimer(duration=600, clock=clock)
    timer.start()
    clock.advance(30)
    timer.reset()
    assert timer.text() == "10:00" and not timer.running and not timer.started


def test_countdown_warns_in_the_last_minutes_then_goes_into_overtime() -> None:
    clock = FakeClock()
    timer = PresenterTimer(duration=20 * 60, warning=5 * 60, clock=clock)
    timer.start()
    assert timer.text() == "20:00" and timer.phase() == "normal"
    clock.advance(0.2)
    assert timer.text() == "20:00"                     # whole seconds left, rounded up
    clock.advance(14 * 60 + 59)
    assert timer.phase() == "normal" and timer.text() == "05:01"
    clock.advance(0.8)
    assert timer.phase() == "warning" and timer.text() == "05:00"
    clock.advance(5 * 60)
    assert timer.phase() == "overtime"
    clock.advance(65)
    assert timer.text() == "-01:05" and timer.remaining() == pytest.approx(-65.0)


def test_next_change_is_when_the_text_changes() -> None:
    clock = FakeClock(now=0.0)
    timer = PresenterTimer(clock=clock)
    timer.start()
    clock.advance(2.25)
    assert timer.nextChange() == pytest.approx(0.75)
    countdown = PresenterTimer(duration=10.5, clock=clock)
    countdown.start()
    clock.advance(0.2)
    assert countdown.text() == "00:11"
    assert countdown.nextChange() == pytest.approx(0.3)
    clock.advance(0.3)
    assert countdown.text() == "00:10"


@pytest.mark.parametrize("duration", [0, -5, float("inf"), "10", True])
def test_bad_durations_are_refused_naming_the_value(duration: object) -> None:
    with pytest.raises(ValueError, match=r"duration must be .*not " + repr(duration)[:3]):
        PresenterTimer(duration=duration)  # type: ignore[arg-type]


# -- layout ---------------------------------------------------------------------------

def test_fit_keeps_the_aspect_and_centres() -> None:
    assert fitSize((4, 3), (1600, 900)) == (1200, 900)
    assert fitRect((4, 3), (0, 0, 1600, 900)) == (200, 0, 1200, 900)     # pillarbox
    assert fitRect((16, 9), (10, 20, 800, 600)) == (10, 95, 800, 450)    # letterbox
    assert fitSize((100, 100), (0, 50)) == (1, 1)                         # a minimised window
    with pytest.raises(ValueError, match=r"content must have a positive size, not \(0, 5\)"):
        fitSize((0, 5), (10, 10))


def test_hidpi_factor_and_the_text_size() -> None:
    assert hidpiFactor((800, 600), (800, 600)) == 1.0
    assert hidpiFactor((800, 600), (1600, 1200)) == 2.0
    assert hidpiFactor((0, 0), (1600, 1200)) == 1.0
    assert hudFontSize(600) == 25 and hudFontSize(300, 2.0) == 28


def test_overview_puts_every_slide_on_screen_as_large_as_it_can() -> None:
    layout = OverviewLayout(12, (0, 0, 1200, 900), (4, 3), gap=0)
    assert (layout.columns, layout.rows) == (4, 3)
    assert layout.thumb == (300, 225)
    assert list(layout.visible()) == list(range(12))
    # Cells are 300 x 300: each thumbnail is centred in its own.
    assert layout.rect(0) == (0, 38, 300, 225)
    assert layout.rect(5) == (300, 338, 300, 225)
    assert layout.hit((310, 340)) == 5 and layout.hit((1199, 862)) == 11
    assert layout.hit((310, 320)) is None             # the band above a thumbnail


def test_overview_centres_a_short_last_row_free_cells_hit_nothing() -> None:
    layout = OverviewLayout(3, (0, 0, 1000, 400), (1, 1), gap=20)
    assert layout.columns == 3 and layout.rows == 1
    x, y, w, h = layout.rect(1)
    assert (w, h) == layout.thumb and abs((x + w / 2) - 500) <= 1
    assert layout.hit((5, 5)) is None


def test_overview_of_many_slides_scrolls_with_thumbnails_of_a_useful_size() -> None:
    layout = OverviewLayout(200, (0, 0, 800, 600), (4, 3), minThumbWidth=160, gap=16)
    assert layout.thumb[0] >= 160
    assert layout.visibleRows < layout.rows
    first = list(layout.visible())
    assert first[0] == 0 and len(first) == layout.columns * layout.visibleRows
    assert layout.scrollTo(199) is True
    assert 199 in layout.visible()
    assert layout.scrollTo(199) is False
    x, y, w, h = layout.rect(199)
    assert layout.hit((x + 1, y + 1)) == 199
    assert layout.scrollTo(0) and layout.firstRow == 0


def test_overview_minimum_thumbnail_width_grows_with_the_hidpi_factor() -> None:
    plain = OverviewLayout(200, (0, 0, 1600, 1200), (4, 3), factor=1.0)
    dense = OverviewLayout(200, (0, 0, 1600, 1200), (4, 3), factor=2.0)
    assert dense.thumb[0] >= 320 and dense.columns < plain.columns
