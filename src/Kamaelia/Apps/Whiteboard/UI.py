"""Kamaelia 1.14's whiteboard buttons: paging controls, eraser, clear, decks, quit.

Example Usage
-------------
1.14's toolbar row, its clicks printed::

    from Kamaelia.Chassis.PAR import PAR
    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Util.Console import ConsoleEchoer
    from Kamaelia.Util.PureTransformer import PureTransformer
    from Kamaelia.Apps.Whiteboard.UI import (ClearPage, Delete, Eraser, LoadDeck,
                                             PagingControls, Quit, SaveDeck)

    Pipeline(PAR(Eraser(0, 0), PagingControls(64, 0), ClearPage(320, 0),
                 Delete(384, 0), LoadDeck(448, 0), SaveDeck(512, 0), Quit(576, 0)),
             PureTransformer(lambda msg: f"{msg!r}\\n"),
             ConsoleEchoer()).run()

How does it work?
-----------------
Each function takes the ``(left, top)`` of its first button in the window
and returns a :class:`~Kamaelia.UI.Pygame.Button.Button` (or a
:class:`~Kamaelia.Chassis.Graphline.Graphline` of them whose buttons all
send out of its ``"outbox"``), with 1.14's captions, sizes and messages:

* ``PagingControls``: ``<<``, ``>>``, ``Checkpoint``, ``New Page`` at x offsets
  0, 64, 128, 192, sending ``"prev"``, ``"next"``, ``"checkpoint"``, ``"new"``
* ``LocalPagingControls``: ``~~<<~~``, ``~~>>~~`` at 0, 64, sending ``[["prev"]]``,
  ``[["next"]]`` (messages of 1.14's ``prev``/``next`` commands)
* ``Eraser``: ``Eraser``, 64 wide, sending Button's default ``("CLICK", id)``
* ``ClearPage``: ``Clear``, sending ``[["clear"]]``
* ``SaveDeck``: ``Save Deck``, sending ``"savedeck"``
* ``LoadDeck``: ``Load Deck``, sending ``"loaddeck"``
* ``ClearScribbles``: ``Close Deck``, sending ``"clearscribbles"``
* ``Delete``: ``Delete Slide``, sending ``"delete"``
* ``Quit``: ``Quit``, sending ``"quit"``

Every button is 32 pixels high and 63 wide (64 for the eraser), so that
buttons placed 64 pixels apart leave a one-pixel gap between them.

Shutdown: a Button passes ``producerFinished`` or ``shutdownMicroprocess``
on ``"control"`` out of ``"signal"`` and ends; a Graphline here passes it to
each of its buttons and sends it on once they have all ended.

What it does not do: the buttons only send their messages; what a message
means is up to the component they are linked to (in our whiteboard,
:mod:`Kamaelia.Apps.Whiteboard.Desktop`, which understands the paging,
clear and deck messages).
"""

from __future__ import annotations

from typing import Any

from Kamaelia.Chassis.Graphline import Graphline
from Kamaelia.UI.Pygame.Button import Button

__all__ = ["PagingControls", "LocalPagingControls", "Eraser", "ClearPage", "SaveDeck",
           "LoadDeck", "ClearScribbles", "Delete", "Quit"]

#: A button's height, and the width of all but the eraser (1.14's).
HEIGHT = 32
WIDTH = 63


def _button(caption: str, left: int, top: int, msg: Any = None, width: int = WIDTH) -> Button:
    return Button(caption=caption, size=(width, HEIGHT), position=(left, top), msg=msg)


def _row(left: int, top: int, *buttons: tuple[str, str, Any]) -> Graphline:
    """A Graphline of buttons 64 pixels apart from (left, top), all sending out
    of its "outbox"; ``buttons`` are (child name, caption, msg)."""
    children = {name: _button(caption, left + 64 * index, top, msg)
                for index, (name, caption, msg) in enumerate(buttons)}
    return Graphline(linkages={(name, "outbox"): ("self", "outbox") for name in children},
                     **children)


def PagingControls(left: int, top: int) -> Graphline:
    """PagingControls(left, top) -> Graphline of the <<, >>, Checkpoint and New Page buttons"""
    return _row(left, top, ("PREV", "<<", "prev"), ("NEXT", ">>", "next"),
                ("CHECKPOINT", "Checkpoint", "checkpoint"), ("NEWPAGE", "New Page", "new"))


def LocalPagingControls(left: int, top: int) -> Graphline:
    """LocalPagingControls(left, top) -> Graphline of the ~~<<~~ and ~~>>~~ buttons,
    which send messages of the ``prev``/``next`` commands"""
    return _row(left, top, ("REMOTEPREV", "~~<<~~", [["prev"]]),
                ("REMOTENEXT", "~~>>~~", [["next"]]))


def Eraser(left: int, top: int) -> Button:
    """Eraser(left, top) -> the Eraser button (it sends Button's default message)"""
    return _button("Eraser", left, top, width=64)


def ClearPage(left: int, top: int) -> Button:
    """ClearPage(left, top) -> the Clear button, sending ``[["clear"]]``"""
    return _button("Clear", left, top, [["clear"]])


def SaveDeck(left: int, top: int) -> Button:
    """SaveDeck(left, top) -> the Save Deck button, sending ``"savedeck"``"""
    return _button("Save Deck", left, top, "savedeck")


def LoadDeck(left: int, top: int) -> Button:
    """LoadDeck(left, top) -> the Load Deck button, sending ``"loaddeck"``"""
    return _button("Load Deck", left, top, "loaddeck")


def ClearScribbles(left: int, top: int) -> Button:
    """ClearScribbles(left, top) -> the Close Deck button, sending ``"clearscribbles"``"""
    return _button("Close Deck", left, top, "clearscribbles")


def Delete(left: int, top: int) -> Button:
    """Delete(left, top) -> the Delete Slide button, sending ``"delete"``"""
    return _button("Delete Slide", left, top, "delete")


def Quit(left: int, top: int) -> Button:
    """Quit(left, top) -> the Quit button, sending ``"quit"``"""
    return _button("Quit", left, top, "quit")


__kamaelia_prefabs__ = (PagingControls, LocalPagingControls, Eraser, ClearPage, SaveDeck,
                        LoadDeck, ClearScribbles, Delete, Quit)
