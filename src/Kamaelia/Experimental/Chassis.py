"""Pipeline, Graphline and Carousel with size limits on their children's inboxes.

Example Usage
-------------
A pipeline whose second component takes at most two messages at a time, so
a fast producer is held back instead of filling memory::

    from Kamaelia.Experimental.Chassis import Pipeline
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.Console import ConsoleEchoer

    Pipeline(DataSource(["a\\n", "b\\n", "c\\n"]),
             2, ConsoleEchoer()).run()          # prints a, b and c

A graphline where ``A``'s "inbox" holds at most 5 messages and ``B``'s
"control" at most 17::

    from Kamaelia.Experimental.Chassis import Graphline
    from Kamaelia.Util.PassThrough import PassThrough

    a, b = PassThrough(), PassThrough()
    Graphline(A=a, B=b, linkages={("A", "outbox"): ("B", "inbox")},
              boxsizes={("A", "inbox"): 5, ("B", "control"): 17})
    print(a.inboxes["inbox"].getSize(), b.inboxes["control"].getSize())   # 5 17

A carousel whose children each get an "inbox" of size 5::

    from Kamaelia.Experimental.Chassis import Carousel
    from Kamaelia.Util.PassThrough import PassThrough

    carousel = Carousel(lambda name: PassThrough(), boxsize=5)
    child = carousel.factory("first")
    print(child.inboxes["inbox"].getSize())                                # 5

How does it work?
-----------------
These are prefabs: functions that return the ordinary
:mod:`Kamaelia.Chassis` components, having set the inbox sizes first. They
behave exactly like ``Kamaelia.Chassis.Pipeline``, ``Graphline`` and
``Carousel`` otherwise (shutdown included). A component sending into a full
inbox gets ``noSpaceInBox`` and must wait (most Kamaelia components do).

- ``Pipeline(*components)``: an ``int`` before a component limits that
  component's "inbox" to that many messages; ``None`` there means no limit.
  A size after the last component limits nothing and is logged as a
  warning. Keyword arguments (such as ``circular=True``) go to the Pipeline.
- ``Graphline(linkages=None, boxsizes=None, **components)``: ``boxsizes``
  maps ``(componentname, inboxname)`` to a size.
- ``Carousel(componentFactory, make1stRequest=False, boxsize=None)``: each
  child the factory makes gets an "inbox" of size ``boxsize``.
- ``InboxControlledCarousel(...)`` (same arguments as ``Carousel``): a
  Carousel whose "inbox" takes what makes the next child (the Carousel's
  "next") and whose "data_inbox" takes the data for the current child (the
  Carousel's "inbox"); "control", "outbox" and "signal" are the
  Carousel's.
"""

from __future__ import annotations

import logging
from typing import Any, Callable, Mapping

from Axon.Component import component
from Kamaelia.Chassis.Carousel import Carousel as _Carousel
from Kamaelia.Chassis.Graphline import Graphline as _Graphline
from Kamaelia.Chassis.Pipeline import Pipeline as _Pipeline

__all__ = ["Pipeline", "Graphline", "Carousel", "InboxControlledCarousel"]

log = logging.getLogger("Kamaelia.Experimental.Chassis")


def _isSize(item: Any) -> bool:
    return item is None or (isinstance(item, int) and not isinstance(item, bool))


def _setInboxSize(owner: str, child: Any, boxname: str, size: Any) -> None:
    if not isinstance(child, component):
        raise TypeError(f"{owner}: an inbox size can only be given to a component, "
                        f"not {child!r}")
    if size is not None and (not _isSize(size) or size < 0):
        raise ValueError(f"{owner}: an inbox size must be an int >= 0 or None, not {size!r}")
    child.setInboxSize(boxname, size)


def Pipeline(*components: Any, **argd: Any) -> _Pipeline:
    """Pipeline(*components) -> new Pipeline; an int before a component limits its "inbox"

    - components -- the components, in order, each optionally preceded by the
      size limit for its "inbox" (an int, or None for no limit)
    """
    children: list[Any] = []
    size, sizeGiven = None, False
    for item in components:
        if _isSize(item):
            size, sizeGiven = item, True
            continue
        if sizeGiven:
            _setInboxSize("Pipeline", item, "inbox", size)
            sizeGiven = False
        children.append(item)
    if sizeGiven:
        log.warning("Pipeline: inbox size %r after the last component limits nothing", size)
    return _Pipeline(*children, **argd)


def Graphline(linkages: Mapping[tuple[str, str], tuple[str, str]] | None = None,
              boxsizes: Mapping[tuple[str, str], int | None] | None = None,
              **components: Any) -> _Graphline:
    """Graphline([linkages][, boxsizes], **components) -> new Graphline with limited inboxes

    - linkages   -- as for Kamaelia.Chassis.Graphline
    - boxsizes   -- dict mapping ("componentname", "inboxname") to its size limit
    - components -- the children, each named by its keyword
    """
    graphline = _Graphline(linkages, **components)
    for key, size in (boxsizes or {}).items():
        try:
            name, boxname = key
        except (TypeError, ValueError):
            raise ValueError(f"Graphline: boxsizes keys must be (componentname, "
                             f"inboxname) pairs, not {key!r}") from None
        if name not in components:
            raise ValueError(f"Graphline: boxsizes names component {name!r}, which is "
                             f"not one of {sorted(components)!r}")
        _setInboxSize("Graphline", components[name], boxname, size)
    return graphline


def Carousel(componentFactory: Callable[[Any], component], make1stRequest: bool = False,
             boxsize: int | None = None) -> _Carousel:
    """Carousel(componentFactory[, make1stRequest][, boxsize]) -> new Carousel

    - componentFactory -- called with each "next" message; returns the new child
    - make1stRequest   -- send "NEXT" out of "requestNext" on starting (default False)
    - boxsize          -- size limit for each child's "inbox" (default None: no limit)
    """
    if boxsize is None:
        return _Carousel(componentFactory, make1stRequest)
    if not callable(componentFactory):
        raise TypeError(f"Carousel needs a callable componentFactory, not "
                        f"{componentFactory!r}")
    if not _isSize(boxsize) or boxsize < 0:
        raise ValueError(f"Carousel: boxsize must be an int >= 0 or None, not {boxsize!r}")

    def limitedFactory(meta: Any) -> component:
        child = componentFactory(meta)
        _setInboxSize("Carousel", child, "inbox", boxsize)
        return child

    return _Carousel(limitedFactory, make1stRequest)


def InboxControlledCarousel(*argv: Any, **argd: Any) -> _Graphline:
    """InboxControlledCarousel(componentFactory[, make1stRequest][, boxsize]) -> new Carousel

    Like :func:`Carousel`, but "inbox" makes the next child and "data_inbox"
    carries the data for the current one.
    """
    return _Graphline(CAROUSEL=Carousel(*argv, **argd),
                      linkages={("self", "inbox"): ("CAROUSEL", "next"),
                                ("self", "data_inbox"): ("CAROUSEL", "inbox"),
                                ("self", "control"): ("CAROUSEL", "control"),
                                ("CAROUSEL", "outbox"): ("self", "outbox"),
                                ("CAROUSEL", "signal"): ("self", "signal")})


__kamaelia_prefabs__ = (Pipeline, Graphline, Carousel, InboxControlledCarousel)
