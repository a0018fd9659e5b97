"""What the pygame widgets share (not public API).

* :func:`waitBox` -- 1.14's ``waitBox(boxname)`` generator, which every
  widget has as a method: it yields until a message waits on the box. 1.14's
  version yielded in a busy loop; this one pauses, so a widget waiting for
  its surface costs nothing.
* :func:`connect` -- link a widget's outbox to the display service.
* :func:`clicked` -- is a mouse-button-down event on the widget's surface?
* :func:`colour` -- check a colour argument at the door.
"""

from __future__ import annotations

from typing import Any, Iterator

from Kamaelia.UI.Pygame._pygame import pygame

__all__ = ["waitBox", "connect", "clicked", "colour", "pair"]


def waitBox(owner: Any, boxname: str) -> Iterator[int]:
    """Yield (paused) until a message waits on ``owner``'s inbox ``boxname``."""
    while not owner.dataReady(boxname):
        owner.pause()
        yield 1


def connect(owner: Any, outbox: str) -> Any:
    """Link ``owner``'s ``outbox`` to the display service's "notify" inbox."""
    from Kamaelia.UI.Pygame.Display import PygameDisplay    # Display imports us
    return owner.link((owner, outbox), PygameDisplay.getDisplayService())


def clicked(event: Any, surface: Any) -> bool:
    """True if ``event`` is a mouse button press inside ``surface``'s rectangle
    (its ``pos`` is relative to the surface, as the display sends it)."""
    return (event.type == pygame.MOUSEBUTTONDOWN
            and surface.get_rect().collidepoint(event.pos))


def colour(owner: str, name: str, value: Any) -> tuple[int, ...]:
    """``value`` as an (r, g, b) or (r, g, b, a) tuple, or ValueError naming it."""
    try:
        converted = pygame.Color(value)
    except (TypeError, ValueError):
        raise ValueError(f"{owner}: {name} must be a colour such as (255, 0, 0), "
                         f"not {value!r}") from None
    if isinstance(value, (tuple, list)) and len(value) == 4:
        return tuple(converted)
    return tuple(converted)[:3]


def pair(owner: str, name: str, value: Any, minimum: int | None = 0) -> tuple[int, int]:
    """``value`` as an (int, int) pair (each >= minimum, if given), or an error naming it."""
    try:
        a, b = value
        result = (int(a), int(b))
    except (TypeError, ValueError):
        raise TypeError(f"{owner}: {name} must be a pair of numbers (x, y), "
                        f"not {value!r}") from None
    if minimum is not None and (result[0] < minimum or result[1] < minimum):
        raise ValueError(f"{owner}: {name} must be >= {minimum} in both parts, "
                         f"not {value!r}")
    return result
