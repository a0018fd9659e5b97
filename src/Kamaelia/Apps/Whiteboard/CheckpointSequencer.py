"""CheckpointSequencer: the whiteboard's page counter, turning navigation into load/save commands.

Example Usage
-------------
Pages saved as ``slide.N.png``; "next", "new" and "prev" become canvas
commands::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.PureTransformer import PureTransformer
    from Kamaelia.Util.Console import ConsoleEchoer
    from Kamaelia.Apps.Whiteboard.CheckpointSequencer import CheckpointSequencer

    Pipeline(
        DataSource(["new", "prev", "next"]),
        CheckpointSequencer(lambda n: [["LOAD", f"slide.{n}.png", "nopropogate"]],
                            lambda n: [["LOAD", f"slide.{n}.png"]],
                            lambda n: [["SAVE", f"slide.{n}.png"]],
                            lambda n: [["NEW"]]),
        PureTransformer(lambda commands: f"{commands}\\n"),
        ConsoleEchoer(),
    ).run()

How does it work?
-----------------
``CheckpointSequencer(rev_init_callback, rev_access_callback,
rev_checkpoint_callback, blank_slate_callback, initial=1, last=1)`` keeps
the current page number (from ``initial``) and the last one (``last``).
Each callback turns a page number into the message to send out of
``"outbox"``: *init* (sent once, at the start), *load* (access), *save*
(checkpoint) and *new* (blank slate); without one, the page number itself
is sent. The callbacks are also the methods ``initMessage``,
``loadMessage``, ``saveMessage`` and ``newMessage``, for subclasses.

Commands on ``"inbox"`` (1.14's):

* ``"prev"``: save the page if it is dirty; if not on page 1, go back one
  and load it.
* ``"next"``: the same, forward, if not on the last page.
* ``("prev", "local")`` / ``("next", "local")``: the same, but the load
  message's first command gets ``"nopropogate"`` appended (the canvas then
  does not send the page to its peers).
* ``"dirty"``: the page has changed since it was loaded or saved.
* ``"new"``: save the page, add a page after the last, go to it, send *new*
  then *save* for it.
* ``"checkpoint"``: on the last page, save it and go to a fresh page after
  it; elsewhere, save this page as a new last page and go to a fresh page
  after that (1.14's numbering, kept).
* ``"first"``: go to page 1 and load it; ``["first", n]`` also sets the
  last page to ``n``.
* ``"reset"``: go to page 1, load it, and make it the last (a deck was
  closed).
* ``"undo"``: load the current page again.
* ``"delete"``: delete the current page: ``["delete", n]`` goes out of
  ``"toDecks"`` (or ``"clearscribbles"`` when it is the only page), and the
  sequencer moves to the page before (or, on page 1, waits for
  ``"loadsafe"``).
* ``"loadsafe"``: after page 1 was deleted (and the decks component has
  renumbered the files), load page 1.

A list command other than ``["first", n]`` stands for its first item
(``["next"]`` is ``"next"``). Other messages are ignored. A command that
fails (a callback raising, ``["first"]`` without its page) is logged as an
error (logger ``Kamaelia.Apps.Whiteboard.CheckpointSequencer``, naming the
component and the command) and skipped; 1.14 crashed. Unlike 1.14, the
``"local"`` commands do not change the list the load callback returned
(they append to a copy).

Shutdown: on ``producerFinished`` or ``shutdownMicroprocess`` on
``"control"`` it first handles every command already waiting, then passes
that same message on out of ``"signal"`` and ends (1.14 sent a new
``producerFinished``). Other messages on ``"control"`` are logged and
ignored.

What it does not do: it does not touch files; the canvas loads and saves,
and the decks component deletes and renumbers.
"""

from __future__ import annotations

import logging
from typing import Any, Callable, Iterator

from Axon.Component import component
from Kamaelia._shutdown import runUntilShutdown
from Kamaelia.Util._stream import shortRepr

__all__ = ["CheckpointSequencer"]

log = logging.getLogger(__name__)

PageMessage = Callable[[int], Any]


class CheckpointSequencer(component):
    """CheckpointSequencer(rev_init_callback=None, rev_access_callback=None,
    rev_checkpoint_callback=None, blank_slate_callback=None, initial=1, last=1)
    -> turns page navigation into load and save messages

    - rev_init_callback       -- page -> the message sent at the start
    - rev_access_callback     -- page -> the message that loads it
    - rev_checkpoint_callback -- page -> the message that saves it
    - blank_slate_callback    -- page -> the message that blanks the canvas
    - initial                 -- the page to start on
    - last                    -- the last page there is
    """

    Inboxes = {"inbox": "page navigation commands: prev, next, new, delete, ...",
               "control": "shutdown signalling"}
    Outboxes = {"outbox": "the canvas's load, save and new messages",
                "signal": "shutdown signalling",
                "toDecks": "['delete', page] or 'clearscribbles', for the decks component"}

    def __init__(self, rev_init_callback: PageMessage | None = None,
                 rev_access_callback: PageMessage | None = None,
                 rev_checkpoint_callback: PageMessage | None = None,
                 blank_slate_callback: PageMessage | None = None,
                 initial: int = 1, last: int = 1, **argd: Any) -> None:
        super().__init__(**argd)
        callbacks = (("initMessage", rev_init_callback), ("loadMessage", rev_access_callback),
                     ("saveMessage", rev_checkpoint_callback),
                     ("newMessage", blank_slate_callback))
        for name, callback in callbacks:
            if callback is not None:
                if not callable(callback):
                    raise TypeError(f"CheckpointSequencer: the {name} callback must be "
                                    f"callable, not {callback!r}")
                setattr(self, name, callback)
        self.initial = initial
        self.last = last
        self.current = initial
        self.dirty = False
        self.loadsafe = False

    def initMessage(self, current: int) -> Any:
        """The message sent at the start (default: the page number)."""
        return current

    def loadMessage(self, current: int) -> Any:
        """The message that loads page ``current`` (default: the page number)."""
        return current

    def saveMessage(self, current: int) -> Any:
        """The message that saves page ``current`` (default: the page number)."""
        return current

    def newMessage(self, current: int) -> Any:
        """The message that blanks the canvas for page ``current`` (default: the number)."""
        return current

    def main(self) -> Iterator[Any]:
        self.current, self.dirty, self.loadsafe = self.initial, False, False
        self.send(self.initMessage(self.current), "outbox")
        request = yield from runUntilShutdown(self, self._handleWaiting)
        self.send(request, "signal")

    def _handleWaiting(self) -> None:
        for command in self.Inbox("inbox"):
            try:
                self.handleCommand(command)
            except Exception as exc:
                log.error("%s cannot handle the command %s (%s: %s); it was skipped",
                          self.name, shortRepr(command), type(exc).__name__, exc)

    def handleCommand(self, command: Any) -> None:
        """Act on one navigation command (the table in the module's docstring)."""
        if isinstance(command, list):
            if command[0] == "first":
                self.last = command[1]
            command = command[0]
        if command == "first":
            self.current = 1
            self._load()
        elif command == "delete":
            self._delete()
        elif command == "loadsafe":
            if self.loadsafe:
                self._load()
                self.loadsafe = False
        elif command == "prev" or command == ("prev", "local"):
            if self.current > 1:
                self._saveIfDirty()
                self.current -= 1
                self._load(local=command != "prev")
        elif command == "next" or command == ("next", "local"):
            if self.current < self.last:
                self._saveIfDirty()
                self.current += 1
                self._load(local=command != "next")
        elif command == "reset":
            self.dirty = False
            self.current = 1
            self._load()
            self.last = 1
        elif command == "checkpoint":
            if self.current == self.last:
                self.send(self.saveMessage(self.current), "outbox")
                self.last += 1
            else:
                self.last += 1
                self.send(self.saveMessage(self.last), "outbox")
                self.last += 1
            self.current = self.last
        elif command == "new":
            self.send(self.saveMessage(self.current), "outbox")
            self.last += 1
            self.current = self.last
            self.send(self.newMessage(self.current), "outbox")
            self.send(self.saveMessage(self.current), "outbox")
        elif command == "undo":
            self._load()
        elif command == "dirty":
            self.dirty = True

    def _delete(self) -> None:
        current, last = self.current, self.last
        if (current == last and last > 1) or (current < last and current != 1):
            # the page before takes its place; what was drawn is not saved
            self.dirty = False
            self.last -= 1
            self.send(["delete", current], "toDecks")
            self.handleCommand("prev")
        elif current == 1 and current < last:
            # page 2 becomes page 1 once the decks component has renumbered
            self.last -= 1
            self.loadsafe = True
            self.send(["delete", current], "toDecks")
        elif current == 1:
            self.send("clearscribbles", "toDecks")

    def _saveIfDirty(self) -> None:
        if self.dirty:
            self.send(self.saveMessage(self.current), "outbox")
            self.dirty = False

    def _load(self, local: bool = False) -> None:
        message = self.loadMessage(self.current)
        if local:
            message = [list(message[0]) + ["nopropogate"], *message[1:]]
        self.send(message, "outbox")


__kamaelia_components__ = (CheckpointSequencer,)
