"""The whiteboard's colour palette: a row of buttons, one per pen colour.

Example Usage
-------------
Ten colour buttons along the top of the window; each click prints the
colour chosen::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Util.Console import ConsoleEchoer
    from Kamaelia.Util.PureTransformer import PureTransformer
    from Kamaelia.Apps.Whiteboard.Palette import buildPalette, colours, colours_order

    Pipeline(buildPalette(cols=colours, order=colours_order, topleft=(0, 0), size=32),
             PureTransformer(lambda rgb: f"pen colour {rgb}\\n"),
             ConsoleEchoer()).run()

How does it work?
-----------------
``colours`` is Kamaelia 1.14's dictionary of the whiteboard's pen colours
(name -> ``(r, g, b)``), in 1.14's order, which ``colours_order`` (the name
1.14's whiteboard program gave that list) spells out.

``buildPalette(cols, order, topleft, size)`` makes one square
:class:`~Kamaelia.UI.Pygame.Button.Button` of ``size`` pixels per name in
``order``, filled with that colour and without a caption, side by side from
``topleft`` to the right. Clicking one sends its ``(r, g, b)`` tuple (the
button's ``msg``); all the buttons' outboxes lead to the ``"outbox"`` of
the :class:`~Kamaelia.Chassis.Graphline.Graphline` returned, whose children
are named by the colours' names. A name in ``order`` that ``cols`` lacks,
or a ``size`` below 1, is refused with a ``ValueError`` naming it (1.14
raised a bare ``KeyError`` from inside the loop).

Shutdown: the Graphline passes ``producerFinished`` or
``shutdownMicroprocess`` from its ``"control"`` to every button; each gives
its surface back and ends, and the Graphline then sends the message out of
``"signal"``.

What it does not do: it does not show which colour is chosen (the
whiteboard window shows that next to the palette).
"""

from __future__ import annotations

from typing import Iterable, Mapping, Sequence

from Kamaelia.Chassis.Graphline import Graphline
from Kamaelia.UI.Pygame.Button import Button

__all__ = ["colours", "colours_order", "buildPalette"]

Colour = tuple[int, int, int]

#: The whiteboard's pen colours, name -> (r, g, b), as in Kamaelia 1.14.
colours: dict[str, Colour] = {
    "black": (0, 0, 0),
    "red": (192, 0, 0),
    "orange": (192, 96, 0),
    "yellow": (160, 160, 0),
    "green": (0, 192, 0),
    "turquoise": (0, 160, 160),
    "blue": (0, 0, 255),
    "purple": (192, 0, 192),
    "darkgrey": (96, 96, 96),
    "lightgrey": (192, 192, 192),
}

#: The order 1.14's whiteboard laid the palette out in (left to right).
colours_order: list[str] = list(colours)


def buildPalette(cols: Mapping[str, Sequence[int]], order: Iterable[str],
                 topleft: Sequence[int] = (0, 0), size: int = 32) -> Graphline:
    """buildPalette(cols, order, topleft=(0, 0), size=32) -> Graphline of colour buttons

    - cols    -- name -> (r, g, b)
    - order   -- the names to show, left to right
    - topleft -- (x, y) of the first button in the window
    - size    -- each button's width and height in pixels
    """
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise ValueError(f"buildPalette: size must be an int >= 1, not {size!r}")
    left, top = int(topleft[0]), int(topleft[1])
    buttons: dict[str, Button] = {}
    for index, name in enumerate(order):
        if name not in cols:
            known = ", ".join(map(repr, cols)) or "none"
            raise ValueError(f"buildPalette: no colour named {name!r} in cols "
                             f"(it has {known})")
        rgb = tuple(int(part) for part in cols[name])
        buttons[name] = Button(caption="", position=(left + index * size, top),
                               size=(size, size), bgcolour=rgb, msg=rgb)
    return Graphline(linkages={(name, "outbox"): ("self", "outbox") for name in buttons},
                     **buttons)


__kamaelia_prefabs__ = (buildPalette,)
