"""The desktop whiteboard's toolbar: where each button is and what it sends.

Example Usage
-------------
The two rows of buttons on their own, their clicks printed (the window,
``Kamaelia.Apps.Whiteboard.Desktop``, links them to the board instead)::

    from Kamaelia.Chassis.Graphline import Graphline
    from Kamaelia.Util.Console import ConsoleEchoer
    from Kamaelia.Util.PureTransformer import PureTransformer
    from Kamaelia.Apps.Whiteboard.Toolbar import toolbarButtons

    buttons = toolbarButtons()
    links = {(name, "outbox"): ("SHOW", "inbox") for name in buttons}
    Graphline(SHOW=PureTransformer(lambda msg: f"{msg!r}\\n"), OUT=ConsoleEchoer(),
              linkages={**links, ("SHOW", "outbox"): ("OUT", "inbox")},
              **buttons).run()

A button that shows whether its tool is the one in use::

    from Kamaelia.Apps.Whiteboard.Toolbar import ToolButton

    pen = ToolButton(dot=6, msg=("size", 6), position=(416, 0))
    # a message True on its "select" inbox draws it selected, False plain

How does it work?
-----------------
The toolbar is 64 pixels high: two rows of 32-pixel buttons above the
board. Row one: 1.14's palette (``Palette.buildPalette``, ten colours from
x = 0), the pen swatch (drawn by the window: the colour in use), the four
pen sizes (:data:`PEN_SIZES`, each drawn as a dot of that size), then
Eraser, Text, Undo and Clear. Row two: ``<<``, ``>>``, New page, Delete
page, the page counter (drawn by the window), Save deck, Load deck, Export
PDF, Fullscreen, and the status line (drawn by the window) to the right
edge. :data:`LAYOUT` holds every position; :func:`toolbarButtons` makes
the buttons.

What each sends (its ``msg``), as the window (``Desktop.BoardView``'s
``"tools"`` inbox) understands it: a colour button ``(r, g, b)``; a pen size
``("size", n)``; ``"eraser"``; ``"text"``; ``"undo"``; Clear 1.14's
``[["clear"]]``; ``"prev"``, ``"next"``, ``"new"``, ``"delete"``,
``"savedeck"``, ``"loaddeck"`` (1.14's messages for those buttons);
``"exportpdf"``; ``"fullscreen"``.

:class:`ToolButton` is a :class:`~Kamaelia.UI.Pygame.Button.Button` with a
``"select"`` inbox: ``True`` paints it selected (a dark blue frame on a
pale blue ground), ``False`` plain again. With ``dot=n`` it shows a dot
``n`` pixels across instead of a caption.

Shutdown: each button passes ``producerFinished`` or
``shutdownMicroprocess`` on ``"control"`` out of ``"signal"``, gives its
surface back and ends (the palette's Graphline passes it to its buttons).
"""

from __future__ import annotations

from typing import Any

from Axon.Component import component
from Kamaelia.Apps.Whiteboard.Palette import buildPalette, colours, colours_order
from Kamaelia.Apps.Whiteboard.UI import ClearPage
from Kamaelia.UI.Pygame.Button import Button
from Kamaelia.UI.Pygame._pygame import pygame

__all__ = ["ToolButton", "toolbarButtons", "LAYOUT", "PEN_SIZES", "ROW_HEIGHT",
           "TOOLBAR_HEIGHT", "SELECTABLE", "SELECTED_FRAME", "SELECTED_GROUND"]

#: One row of buttons, and the whole toolbar, in pixels.
ROW_HEIGHT = 32
TOOLBAR_HEIGHT = 2 * ROW_HEIGHT
#: The pen sizes offered (pixels); the eraser is four times as wide, at most 64.
PEN_SIZES = (1, 3, 6, 12)
#: How a selected ToolButton looks.
SELECTED_FRAME = (0, 60, 160)
SELECTED_GROUND = (170, 200, 255)
_FRAME_WIDTH = 2

_ROW2 = ROW_HEIGHT
#: Where everything is: name -> (x, y, width, height) in the window.
LAYOUT: dict[str, tuple[int, int, int, int]] = {
    "PALETTE": (0, 0, 32 * len(colours_order), ROW_HEIGHT),
    "SWATCH": (320, 0, 32, ROW_HEIGHT),
    **{f"SIZE{size}": (352 + 32 * index, 0, 32, ROW_HEIGHT)
       for index, size in enumerate(PEN_SIZES)},
    "ERASER": (488, 0, 63, ROW_HEIGHT),
    "TEXT": (552, 0, 63, ROW_HEIGHT),
    "UNDO": (616, 0, 63, ROW_HEIGHT),
    "CLEAR": (680, 0, 63, ROW_HEIGHT),
    "PREV": (0, _ROW2, 63, ROW_HEIGHT),
    "NEXT": (64, _ROW2, 63, ROW_HEIGHT),
    "NEWPAGE": (128, _ROW2, 63, ROW_HEIGHT),
    "DELETEPAGE": (192, _ROW2, 63, ROW_HEIGHT),
    "COUNTER": (256, _ROW2, 63, ROW_HEIGHT),
    "SAVEDECK": (320, _ROW2, 63, ROW_HEIGHT),
    "LOADDECK": (384, _ROW2, 63, ROW_HEIGHT),
    "EXPORTPDF": (448, _ROW2, 63, ROW_HEIGHT),
    "FULLSCREEN": (512, _ROW2, 63, ROW_HEIGHT),
    "STATUS": (576, _ROW2, 448, ROW_HEIGHT),
}

#: The ToolButtons the window tells which tool is in use: name -> the
#: (mode, pen size) it stands for (None: any size).
SELECTABLE: dict[str, tuple[str, int | None]] = {
    **{f"SIZE{size}": ("pen", size) for size in PEN_SIZES},
    "ERASER": ("eraser", None),
    "TEXT": ("text", None),
}


class ToolButton(Button):
    """ToolButton(caption=None, position=None, msg=None, size=(32, 32), dot=None,
    selected=False, ...) -> new ToolButton component

    A Button (it takes Button's other keyword arguments too) that can be
    shown selected:

    - dot      -- draw a dot this many pixels across instead of the caption
    - selected -- start selected
    """

    Inboxes = {**Button.Inboxes, "select": "True: look selected; False: look plain"}

    def __init__(self, caption: Any = None, position: Any = None, msg: Any = None,
                 size: Any = (32, 32), dot: int | None = None, selected: bool = False,
                 **argd: Any) -> None:
        if dot is not None and (isinstance(dot, bool) or not isinstance(dot, int) or dot < 1):
            raise ValueError(f"ToolButton: dot must be an int >= 1, not {dot!r}")
        super().__init__(caption="" if dot is not None and caption is None else caption,
                         position=position, msg=msg, size=size, **argd)
        self.dot = dot
        self.selected = bool(selected)

    def _handleEvents(self) -> None:
        super()._handleEvents()
        wanted = self.selected
        for message in self.Inbox("select"):
            wanted = bool(message)
        if wanted != self.selected:
            self.selected = wanted
            self.blitToSurface()

    def blitToSurface(self) -> None:
        """Paint the button (selected or not); ask for a redraw."""
        surface = self.display
        surface.fill(SELECTED_GROUND if self.selected else self.backgroundColour)
        width, height = surface.get_size()
        if self.dot is not None:
            # A pixel larger than the pen, so that 1 and 3 differ at a glance.
            across = min(self.dot + 1, min(width, height) - 8)
            centre = (width // 2, height // 2)
            if across < 3:
                # A square of at least 2 pixels: a 1-pixel dot is hard to see.
                side = max(2, across)
                surface.fill(self.foregroundColour,
                             (centre[0] - side // 2, centre[1] - side // 2, side, side))
            else:
                pygame.draw.circle(surface, self.foregroundColour, centre, across / 2)
        else:
            surface.blit(self.image, self.imagePosition)
        if self.selected:
            pygame.draw.rect(surface, SELECTED_FRAME, surface.get_rect(), _FRAME_WIDTH)
        self.send({"REDRAW": True, "surface": surface}, "display_signal")


def _at(name: str) -> tuple[int, int]:
    x, y, _, _ = LAYOUT[name]
    return (x, y)


def _size(name: str) -> tuple[int, int]:
    _, _, width, height = LAYOUT[name]
    return (width, height)


def toolbarButtons() -> dict[str, component]:
    """The toolbar's buttons (and the palette's Graphline), named as in
    :data:`LAYOUT`; each sends its message (see the module) out of "outbox"."""
    buttons: dict[str, component] = {
        "PALETTE": buildPalette(cols=colours, order=colours_order, topleft=_at("PALETTE"),
                                size=ROW_HEIGHT),
    }
    for size in PEN_SIZES:
        name = f"SIZE{size}"
        buttons[name] = ToolButton(dot=size, msg=("size", size), position=_at(name),
                                   size=_size(name))
    for name, caption, msg in (("ERASER", "Eraser", "eraser"), ("TEXT", "Text", "text")):
        buttons[name] = ToolButton(caption=caption, msg=msg, position=_at(name),
                                   size=_size(name))
    buttons["CLEAR"] = ClearPage(*_at("CLEAR"))
    for name, caption, msg in (("UNDO", "Undo", "undo"),
                               ("PREV", "<<", "prev"), ("NEXT", ">>", "next"),
                               ("NEWPAGE", "New page", "new"),
                               ("DELETEPAGE", "Delete page", "delete"),
                               ("SAVEDECK", "Save deck", "savedeck"),
                               ("LOADDECK", "Load deck", "loaddeck"),
                               ("EXPORTPDF", "Export PDF", "exportpdf"),
                               ("FULLSCREEN", "Fullscreen", "fullscreen")):
        buttons[name] = Button(caption=caption, msg=msg, position=_at(name), size=_size(name))
    return buttons


__kamaelia_components__ = (ToolButton,)
