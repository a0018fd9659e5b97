"""Tests for Kamaelia.Apps.Whiteboard.Keeper.BoardKeeper, run by the real scheduler."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Callable, Iterator

import pymupdf
import pytest

from Axon.Ipc import producerFinished, shutdownMicroprocess
from Axon.Scheduler import scheduler
from componentharness import Collector, attach
from Kamaelia.Apps.Whiteboard.Board import WHITE, Board
from Kamaelia.Apps.Whiteboard.Commands import decodeImage
from Kamaelia.Apps.Whiteboard.Deck import loadDeck, saveDeck
from Kamaelia.Apps.Whiteboard.Keeper import BoardKeeper

SIZE = (40, 30)
LOGGER = "Kamaelia.Apps.Whiteboard.Keeper"
RED_LINE = ["LINE", "255", "0", "0", "0", "15", "39", "15", "3"]
BLUE_LINE = ["LINE", "0", "0", "255", "20", "0", "20", "29"]


class Run:
    """A keeper with collectors on all its outboxes, run by the default scheduler."""

    def __init__(self, board: Board | None = None) -> None:
        self.board = board or Board(size=SIZE)
        self.keeper = BoardKeeper(self.board)
        self.sides = {name: Collector() for name in ("changed", "status")}
        for name, side in self.sides.items():
            self.keeper.link((self.keeper, name), (side, "inbox"))
            side.activate()
        self.sink = attach(self.keeper)
        self.rounds: Iterator[Any] = scheduler.run.main()

    @property
    def sent(self) -> list[Any]:
        return self.sink.got

    @property
    def changed(self) -> list[Any]:
        return self.sides["changed"].got

    @property
    def status(self) -> list[Any]:
        return self.sides["status"].got

    def put(self, box: str, *messages: Any) -> None:
        for message in messages:
            self.keeper.inboxes[box].append(message)          # wakes the keeper

    def _idle(self) -> bool:
        # Everything has handled what it was sent, and waits for more.
        return all(scheduler.run.isThreadPaused(part) and not part.anyReady()
                   for part in (self.keeper, self.sink, *self.sides.values()))

    def settle(self, until: Callable[[], bool] | None = None) -> None:
        """Run rounds until everything waits for more (or until ``until()``)."""
        done = until or self._idle
        for _ in range(1000):
            if done():
                return
            next(self.rounds)
        raise AssertionError("the keeper did not settle")

    def finish(self, message: Any = None) -> Any:
        """Shut the keeper down, run everything to the end; the shutdown message."""
        message = message or producerFinished()
        self.put("control", message)
        self.settle(self.keeper._isStopped)
        for side in self.sides.values():
            side.inboxes["control"].append(producerFinished())
        for _ in self.rounds:
            pass
        return message


def run(board: Board | None = None, inbox: list[Any] = [], local: list[Any] = [],
        control: Any = None) -> Run:
    """Everything waiting before the keeper starts, then a shutdown: run to the end."""
    running = Run(board)
    running.put("inbox", *inbox)
    running.put("local", *local)
    running.finish(control)
    return running


def errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records
            if r.name == LOGGER and r.levelno == logging.ERROR]


def at(board: Board, x: int, y: int) -> tuple[int, int, int]:
    return tuple(board.surface.get_at((x, y)))[:3]  # type: ignore[return-value]


# ------------------------------------------------------------------ drawing
def test_messages_from_peers_are_drawn_and_not_sent_back() -> None:
    done = run(inbox=[[RED_LINE], [BLUE_LINE, ["CIRCLE", "0", "255", "0", "5", "5", "3"]]])
    assert at(done.board, 5, 15) == (255, 0, 0)
    assert at(done.board, 20, 25) == (0, 0, 255)
    assert at(done.board, 5, 5) == (0, 255, 0)
    assert done.sent == []


def test_peer_messages_turn_pages() -> None:
    done = run(inbox=[[["PAGE", "2", "3"]], [RED_LINE], [["PREV"]]])
    assert (done.board.current, done.board.pageCount) == (1, 3)
    assert at(done.board, 5, 15) == WHITE
    assert done.board.pixels(2) != Board(size=SIZE).pixels()


def test_a_local_draw_is_drawn_and_sent_to_the_peers() -> None:
    done = run(local=[("draw", 1, [RED_LINE, BLUE_LINE])])
    assert done.sent == [[RED_LINE, BLUE_LINE]]
    assert at(done.board, 5, 15) == (255, 0, 0) and at(done.board, 20, 25) == (0, 0, 255)


def test_a_local_draw_keeps_its_stroke_for_undo() -> None:
    board = Board(size=SIZE)
    done = run(board, inbox=[[BLUE_LINE]],
               local=[("draw", 7, [RED_LINE]), ("draw", None, [["CIRCLE", "0", "0", "0",
                                                                 "35", "5", "3"]]),
                      ("undo",)])
    expected = Board(size=SIZE)
    expected.apply(BLUE_LINE)
    expected.apply(["CIRCLE", "0", "0", "0", "35", "5", "3"])
    assert board.pixels() == expected.pixels()
    assert len(done.sent) == 3
    [setimg] = done.sent[2]
    assert setimg[0] == "SETIMG" and decodeImage(setimg[1], *SIZE) == expected.pixels()


def test_a_local_draw_without_a_stroke_cannot_be_undone() -> None:
    done = run(local=[("draw", None, [RED_LINE]), ("undo",)])
    assert done.sent == [[RED_LINE]]
    assert at(done.board, 5, 15) == (255, 0, 0)


# ------------------------------------------------------------------ changed
def test_changed_carries_the_version_once_per_round_that_changed() -> None:
    running = Run()
    running.settle()
    assert running.changed == []
    running.put("inbox", [RED_LINE], [BLUE_LINE])
    running.put("local", ("draw", 1, [BLUE_LINE]))
    running.settle()
    assert running.changed == [running.board.version] and running.board.version == 3
    running.put("inbox", [["GETIMG"]])                       # changes nothing
    running.put("local", ("prev",), ("next",))               # on the only page
    running.settle()
    assert running.changed == [3]
    running.put("local", ("newPage",))
    running.settle()
    assert running.changed == [3, running.board.version] and running.board.version == 4
    running.finish()
    assert running.changed == [3, 4]


def test_changed_is_sent_for_whats_waiting_at_shutdown_before_the_signal() -> None:
    done = run(inbox=[[RED_LINE]])
    assert done.changed == [1]
    assert len(done.sink.control) == 1


# ------------------------------------------------------------------ page actions
def test_page_actions_send_the_documented_commands() -> None:
    done = run(local=[("newPage",), ("newPage",), ("prev",), ("goto", 1), ("next",),
                      ("deletePage",), ("prev",), ("prev",), ("next",), ("next",)])
    assert done.sent == [[["PAGE", "2", "2"]], [["PAGE", "3", "3"]], [["PAGE", "2", "3"]],
                         [["PAGE", "1", "3"]], [["PAGE", "2", "3"]],
                         [["DELPAGE", "2"], ["PAGE", "1", "2"]],
                         # prev on page 1 sends nothing
                         [["PAGE", "2", "2"]]]
    assert (done.board.current, done.board.pageCount) == (2, 2)


def test_page_actions_send_what_the_board_returns() -> None:
    twin = Board(size=SIZE)
    expected = [twin.newPage(), twin.newPage(), twin.previousPage(), twin.goTo(3),
                twin.deletePage()]
    done = run(local=[("newPage",), ("newPage",), ("prev",), ("goto", 3), ("deletePage",)])
    assert done.sent == expected


def test_delete_page_of_the_only_page_sends_clear() -> None:
    done = run(inbox=[[RED_LINE]], local=[("deletePage",)])
    assert done.sent == [[["CLEAR"]]]
    assert done.board.pixels() == Board(size=SIZE).pixels()


def test_goto_the_page_shown_sends_nothing() -> None:
    done = run(local=[("goto", 1)])
    assert done.sent == [] and done.status == []


def test_goto_a_page_that_is_not_there_is_reported_on_status() -> None:
    done = run(local=[("goto", 5), ("newPage",)])
    assert done.status == ["page 5 is not one of this board's 1 pages"]
    assert done.sent == [[["PAGE", "2", "2"]]]


def test_undo_with_nothing_to_undo_sends_nothing() -> None:
    done = run(inbox=[[RED_LINE]], local=[("undo",)])
    assert done.sent == []


# ------------------------------------------------------------------ files
def test_save_deck_writes_the_deck_and_reports_on_status(tmp_path: Path) -> None:
    target = tmp_path / "talk.zip"
    done = run(inbox=[[RED_LINE]], local=[("newPage",), ("saveDeck", str(target))])
    assert done.status == [f"Deck saved to {target}"]
    assert loadDeck(target, SIZE) == [done.board.pixels(1), done.board.pixels(2)]


def test_export_pdf_writes_the_pdf_and_reports_on_status(tmp_path: Path) -> None:
    target = tmp_path / "talk.pdf"
    done = run(local=[("newPage",), ("newPage",), ("exportPdf", target)])
    assert done.status == [f"PDF written to {target}"]
    with pymupdf.open(target) as document:
        assert document.page_count == 3


def test_load_deck_replaces_the_board_and_sends_the_snapshot(tmp_path: Path) -> None:
    source = Board(size=SIZE)
    source.apply(["CLEAR", "0", "0", "255"])
    source.newPage()
    source.apply(RED_LINE)
    saveDeck(source, tmp_path / "talk.zip")
    board = Board(size=SIZE)
    done = run(board, inbox=[[BLUE_LINE]], local=[("loadDeck", tmp_path / "talk.zip")])
    assert done.status == [f"Deck loaded from {tmp_path / 'talk.zip'}: 2 pages"]
    assert (board.current, board.pageCount) == (1, 2)
    assert [board.pixels(1), board.pixels(2)] == [source.pixels(1), source.pixels(2)]
    assert done.sent == board.snapshot()
    assert done.sent[-1][0] == ["PAGE", "1", "2"]


def test_a_bad_deck_is_reported_and_leaves_the_board_as_it_was(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    (tmp_path / "bad.zip").write_text("not a deck")
    board = Board(size=SIZE)
    board.apply(RED_LINE)
    board.newPage()
    before = (board.current, board.pageCount, board.pixels(1), board.pixels(2), board.version)
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        done = run(board, local=[("loadDeck", str(tmp_path / "bad.zip"))])
    assert done.status == [f"{tmp_path / 'bad.zip'} is not a zip file"]
    assert (board.current, board.pageCount, board.pixels(1), board.pixels(2),
            board.version) == before
    assert done.sent == [] and done.changed == []
    assert any(str(tmp_path / "bad.zip") in r.getMessage() and r.levelno == logging.WARNING
               for r in caplog.records if r.name == LOGGER)


def test_a_deck_that_cannot_be_written_is_reported(tmp_path: Path) -> None:
    (tmp_path / "in-the-way").mkdir()
    done = run(local=[("saveDeck", str(tmp_path / "in-the-way")),
                      ("exportPdf", str(tmp_path / "in-the-way")), ("newPage",)])
    assert len(done.status) == 2
    assert done.status[0].startswith(f"cannot write the deck {tmp_path / 'in-the-way'}")
    assert done.status[1].startswith(f"cannot write the PDF {tmp_path / 'in-the-way'}")
    assert done.sent == [[["PAGE", "2", "2"]]]                # and it carries on


# ------------------------------------------------------------------ bad input
BAD_ACTIONS = [("dance",), "newPage", (), ["undo"], ("undo", 1), ("goto",), ("goto", "2"),
               ("goto", 1, 2), ("draw", 1), ("saveDeck",), ("saveDeck", None), ("loadDeck", 5),
               None]


def test_unknown_actions_are_logged_and_skipped(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger=LOGGER):
        running = Run()
        running.put("local", *BAD_ACTIONS, ("newPage",))
        running.finish()
    assert running.sent == [[["PAGE", "2", "2"]]]
    logged = errors(caplog)
    assert len(logged) == len(BAD_ACTIONS)
    assert all(running.keeper.name in text for text in logged)
    assert "'dance'" in logged[0] and "'newPage'" in logged[1]


def test_messages_from_peers_that_cannot_be_drawn_are_logged_and_skipped(
        caplog: pytest.LogCaptureFixture) -> None:
    bad = [[["LINE", "x"]], 5, [["CIRCLE", "0", "0", "0"]], [None]]
    with caplog.at_level(logging.ERROR, logger=LOGGER):
        done = run(inbox=[*bad, [RED_LINE]])
    assert at(done.board, 5, 15) == (255, 0, 0)
    logged = errors(caplog)
    assert len(logged) == len(bad)
    assert all("cannot draw" in text and done.keeper.name in text for text in logged)
    assert "'LINE', 'x'" in logged[0]


def test_a_local_command_that_cannot_be_drawn_is_logged_and_left_out(
        caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger=LOGGER):
        done = run(local=[("draw", 1, [RED_LINE, ["LINE", "oops"], BLUE_LINE]),
                          ("draw", 2, 42), ("newPage",)])
    assert done.sent == [[RED_LINE, BLUE_LINE], [["PAGE", "2", "2"]]]
    assert len(errors(caplog)) == 2


def test_a_keeper_needs_a_board() -> None:
    with pytest.raises(TypeError, match="BoardKeeper needs a Board"):
        BoardKeeper("a board")  # type: ignore[arg-type]


# ------------------------------------------------------------------ shutdown
@pytest.mark.parametrize("messageClass", [producerFinished, shutdownMicroprocess])
def test_shutdown_passes_the_message_on_after_handling_what_waits(messageClass: type) -> None:
    message = messageClass()
    done = run(inbox=[[BLUE_LINE]], local=[("draw", 1, [RED_LINE]), ("newPage",)],
               control=message)
    assert done.sent == [[RED_LINE], [["PAGE", "2", "2"]]]
    assert done.board.pageCount == 2
    assert done.sink.control == [message]
    assert done.keeper._isStopped()


def test_other_control_messages_do_not_stop_the_keeper() -> None:
    running = Run()
    running.put("control", "hello")
    running.settle()
    assert not running.keeper._isStopped()
    running.put("local", ("newPage",))
    running.finish()
    assert running.sent == [[["PAGE", "2", "2"]]]
