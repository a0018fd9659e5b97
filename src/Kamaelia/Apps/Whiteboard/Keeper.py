"""BoardKeeper: the component that owns a board -- what peers send, what the user does.

Example Usage
-------------
A keeper between a window (here a list of scripted actions) and the peers
(here printed)::

    from Kamaelia.Chassis.Graphline import Graphline
    from Kamaelia.Util.Console import ConsoleEchoer
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.PureTransformer import PureTransformer
    from Kamaelia.Apps.Whiteboard.Board import Board
    from Kamaelia.Apps.Whiteboard.Keeper import BoardKeeper

    Graphline(
        USER=DataSource([("draw", 1, [["LINE", "0", "0", "0", "1", "1", "9", "9"]]),
                         ("newPage",)]),
        KEEPER=BoardKeeper(Board(size=(64, 48))),
        OUT=PureTransformer(lambda message: f"to peers: {message}\\n"),
        SHOW=ConsoleEchoer(),
        linkages={("USER", "outbox"): ("KEEPER", "local"),
                  ("USER", "signal"): ("KEEPER", "control"),
                  ("KEEPER", "outbox"): ("OUT", "inbox"),
                  ("KEEPER", "signal"): ("OUT", "control"),
                  ("OUT", "outbox"): ("SHOW", "inbox"),
                  ("OUT", "signal"): ("SHOW", "control")}).run()

prints::

    to peers: [['LINE', '0', '0', '0', '1', '1', '9', '9']]
    to peers: [['PAGE', '2', '2']]

How does it work?
-----------------
Every change to a :class:`~Kamaelia.Apps.Whiteboard.Board.Board` goes
through its keeper, in the scheduler's thread, so the board never needs a
lock:

* ``"inbox"``: messages from the peers (lists of commands that
  ``Commands.checkMessage`` accepted), drawn in order. (In an instance the
  keeper sits inside a ``TagAndFilterWrapper`` on the whiteboard's
  backplane, as 1.14's sketcher did, so it never gets its own messages
  back.) ``GETIMG`` is answered by each connection itself, from the board.
* ``"local"``: what the local user does, as tuples:
  ``("draw", stroke, commands)`` (drawn, and sent to the peers; ``stroke``
  is the window's id for one pen-down to pen-up, or ``None``),
  ``("undo",)``, ``("prev",)``, ``("next",)``, ``("newPage",)``,
  ``("deletePage",)``, ``("goto", n)`` (the commands that tell the peers
  are sent), ``("saveDeck", path)``, ``("loadDeck", path)`` (the loaded deck
  is sent to the peers whole), ``("exportPdf", path)``.
* ``"outbox"``: messages for the peers.
* ``"changed"``: after a round in which the board changed, its version
  (for a window to draw).
* ``"status"``: one line of text for the user after each file action, or
  when something could not be done.

A message that cannot be drawn (which ``checkMessage`` should have kept
out), a command of a ``"draw"`` that cannot be drawn (the others of it are
drawn and sent) and an unknown or malformed tuple on ``"local"`` are logged
and skipped. File
errors are reported on ``"status"`` and logged; the board is left as it
was.

Shutdown: ``producerFinished`` or ``shutdownMicroprocess`` on ``"control"``
-- what is waiting is handled first, then the same message leaves on
``"signal"``.
"""

from __future__ import annotations

import logging
import os
from typing import Any, Iterator

from Axon.Component import component
from Axon.Ipc import shutdownRequest
from Kamaelia.Apps.Whiteboard.Board import Board
from Kamaelia.Apps.Whiteboard.Deck import DeckError, exportPdf, loadDeck, saveDeck
from Kamaelia.Util._stream import shortRepr

__all__ = ["BoardKeeper"]

log = logging.getLogger(__name__)


class BoardKeeper(component):
    """BoardKeeper(board) -> the component every change to ``board`` goes through."""

    Inboxes = {"inbox": "messages (lists of checked commands) from the peers",
               "local": "the local user's actions, as tuples (see the module)",
               "control": "producerFinished or shutdownMicroprocess"}
    Outboxes = {"outbox": "messages for the peers",
                "changed": "the board's version, after a round that changed it",
                "status": "a line of text for the user",
                "signal": "the shutdown message, passed on"}

    def __init__(self, board: Board, **argd: Any) -> None:
        super().__init__(**argd)
        if not isinstance(board, Board):
            raise TypeError(f"BoardKeeper needs a Board, got {shortRepr(board)}")
        self.board = board

    def main(self) -> Iterator[Any]:
        while True:
            stop = shutdownRequest(self)
            before = self.board.version
            self._handleWaiting()
            if self.board.version != before:
                self.send(self.board.version, "changed")
            if stop is not None:
                self.send(stop, "signal")
                return
            if not self.anyReady():
                self.pause()
            yield 1

    def _handleWaiting(self) -> None:
        while self.dataReady("inbox"):
            self._fromPeers(self.recv("inbox"))
        while self.dataReady("local"):
            self._fromUser(self.recv("local"))

    def _fromPeers(self, message: Any) -> None:
        try:
            for command in message:
                self.board.apply(command)
        except Exception as exc:          # a bug upstream must not end the board
            log.error("%s: cannot draw %s (%s); skipped", self.name, shortRepr(message), exc)

    def _fromUser(self, action: Any) -> None:
        if not isinstance(action, tuple) or not action:
            log.error("%s: not an action: %s; skipped", self.name, shortRepr(action))
            return
        kind, arguments = action[0], action[1:]
        board = self.board
        if kind == "draw" and len(arguments) == 2:
            self._draw(*arguments)
        elif kind in ("undo", "prev", "next", "newPage", "deletePage") and not arguments:
            method = {"undo": board.undo, "prev": board.previousPage,
                      "next": board.nextPage, "newPage": board.newPage,
                      "deletePage": board.deletePage}[kind]
            self._tellPeers(method())
        elif kind == "goto" and len(arguments) == 1 and isinstance(arguments[0], int):
            try:
                self._tellPeers(board.goTo(arguments[0]))
            except ValueError as exc:
                self.send(str(exc), "status")
        elif (kind in ("saveDeck", "loadDeck", "exportPdf") and len(arguments) == 1
              and isinstance(arguments[0], (str, os.PathLike))):
            self._fileAction(kind, arguments[0])
        else:
            log.error("%s: unknown action %s; skipped", self.name, shortRepr(action))

    def _draw(self, stroke: Any, commands: Any) -> None:
        # The peers get exactly what was drawn here: a command the board
        # cannot draw (a bug in the window) is logged and left out.
        drawn = []
        try:
            for command in commands:
                try:
                    self.board.apply(command, stroke=stroke)
                except Exception as exc:
                    log.error("%s: cannot draw %s (%s); skipped", self.name,
                              shortRepr(command), exc)
                else:
                    drawn.append(list(command))
        except TypeError as exc:      # not a list of commands at all
            log.error("%s: cannot draw %s (%s); skipped", self.name, shortRepr(commands), exc)
        self._tellPeers(drawn)

    def _tellPeers(self, commands: list[list[Any]]) -> None:
        if commands:
            self.send(commands, "outbox")

    def _fileAction(self, kind: str, path: Any) -> None:
        board = self.board
        try:
            if kind == "saveDeck":
                report = f"Deck saved to {saveDeck(board, path)}"
            elif kind == "exportPdf":
                report = f"PDF written to {exportPdf(board, path)}"
            else:
                board.replacePages(loadDeck(path, board.size))
                for message in board.snapshot():
                    self.send(message, "outbox")
                report = f"Deck loaded from {path}: {board.pageCount} pages"
        except DeckError as exc:
            log.warning("%s: %s", self.name, exc)
            report = str(exc)
        self.send(report, "status")
