"""Prefab: ready-made wirings of common chassis arrangements.

Example Usage
-------------
A slideshow: a chooser hands out one item per ``"NEXT"``, and a Carousel
makes a child to show each item, asking for the next when it is done::

    from Kamaelia.Chassis.Carousel import Carousel
    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Chassis.Prefab import JoinChooserToCarousel
    from Kamaelia.Util.Chooser import ForwardIteratingChooser
    from Kamaelia.Util.Console import ConsoleEchoer
    from Kamaelia.Util.DataSource import DataSource

    Pipeline(
        JoinChooserToCarousel(
            ForwardIteratingChooser(["one", "two", "three"]),
            Carousel(lambda item: DataSource([f"showing {item}\\n"])),
        ),
        ConsoleEchoer(),
    ).run()                          # showing one, showing two, showing three

Any component that answers ``"NEXT"`` on its ``"inbox"`` by sending an item
out of its ``"outbox"`` will do as the chooser.

How does it work?
-----------------
``JoinChooserToCarousel(chooser, carousel)`` returns a
:class:`~Kamaelia.Chassis.Graphline.Graphline` whose children are named
``"CHOOSER"`` and ``"CAROUSEL"``, linked as in Kamaelia 1.14:

===============================  ===========================
from                             to
===============================  ===========================
``("CHOOSER", "outbox")``        ``("CAROUSEL", "next")``
``("CHOOSER", "signal")``        ``("CAROUSEL", "control")``
``("CAROUSEL", "requestNext")``  ``("CHOOSER", "inbox")``
``("self", "inbox")``            ``("CAROUSEL", "inbox")``
``("self", "control")``          ``("CHOOSER", "control")``
``("CAROUSEL", "outbox")``       ``("self", "outbox")``
``("CAROUSEL", "signal")``       ``("self", "signal")``
===============================  ===========================

So each item the chooser sends makes a new child of the Carousel; each
time a child finishes, the Carousel's ``"NEXT"`` asks the chooser for another;
data sent to the Graphline reaches the current child, and the children's
output leaves through the Graphline's ``"outbox"``.

Shutdown: a ``producerFinished`` or ``shutdownMicroprocess`` sent to the
Graphline's ``"control"`` goes to the chooser; by convention it passes it on
out of ``"signal"``, to the Carousel, which passes it to its current child,
waits for that to end, and passes it on out of the Graphline's ``"signal"``.
A chooser that runs out of items and says so with ``producerFinished`` ends
the whole arrangement the same way. The Graphline ends when both have ended,
and sends nothing on ``"signal"`` of its own (the Carousel's leaves there).

Bad input: a ``chooser`` or ``carousel`` that is not a component, or that
lacks one of the boxes above, raises the Graphline's error naming it and the
box, when the prefab is built. Messages neither can handle are dealt with as
each of them documents.

What it does not do: it does not check that the chooser understands
``"NEXT"``, and it does not ask for the first item: Kamaelia's choosers send
it unasked; for one that waits to be asked, give the Carousel
``make1stRequest=True``.
"""

from __future__ import annotations

from typing import Any

from Kamaelia.Chassis.Graphline import Graphline

__all__ = ["JoinChooserToCarousel"]


def JoinChooserToCarousel(chooser: Any, carousel: Any) -> Graphline:
    """JoinChooserToCarousel(chooser, carousel) -> new Graphline with CHOOSER and CAROUSEL

    Arguments:

    - chooser  -- answers each "NEXT" on its inbox with an item on its outbox
    - carousel -- a Carousel (or anything with its boxes) making a child per item
    """
    return Graphline(
        CHOOSER=chooser,
        CAROUSEL=carousel,
        linkages={
            ("CHOOSER", "outbox"): ("CAROUSEL", "next"),
            ("CHOOSER", "signal"): ("CAROUSEL", "control"),
            ("CAROUSEL", "requestNext"): ("CHOOSER", "inbox"),
            ("self", "inbox"): ("CAROUSEL", "inbox"),
            ("self", "control"): ("CHOOSER", "control"),
            ("CAROUSEL", "outbox"): ("self", "outbox"),
            ("CAROUSEL", "signal"): ("self", "signal"),
        },
    )

__kamaelia_prefabs__ = (JoinChooserToCarousel,)
