"""Postoffices: make linkages live and remember them so they can be undone.

Example Usage
-------------
Every component owns a postoffice; ``component.link`` and ``component.unlink``
use it::

    from Axon.Postoffice import postoffice
    from Axon.Component import component

    a, b = component(), component()
    po = postoffice("demo")
    L = po.link((a, "outbox"), (b, "inbox"))
    assert po.islinkageregistered(L)
    po.unlink(thecomponent=b)          # undoes every linkage involving b
    assert not po.islinkageregistered(L)

How does it work?
-----------------
``link`` builds a :class:`~Axon.Linkage.linkage`, wires its boxes together
(which fails with ``BoxAlreadyLinkedToDestination`` if the source box is
already linked) and records it. ``unlink`` undoes either one linkage or every
linkage that involves a component; ``unlinkAll`` undoes them all. A postoffice
only ever undoes linkages it made, so a parent tearing down its children's
wiring cannot break links someone else made.
"""

from __future__ import annotations

import logging
from typing import Any

from Axon.Linkage import linkage

__all__ = ["postoffice"]

log = logging.getLogger("Axon.Postoffice")


#: The tables of a postoffice that has made no linkage yet: shared, never written.
_NO_LINKS: dict[int, Any] = {}


class postoffice:
    """postoffice(debugname="") -> new postoffice with no linkages"""

    # Linkages are kept by id, in the order made, and indexed by the
    # components at their ends, so that undoing one linkage, or every
    # linkage of one component, costs the same with ten linkages or ten
    # thousand (a server with a thousand connections has that many).
    __slots__ = ("_links", "_byComponent", "debugname")

    def __init__(self, debugname: str = "") -> None:
        # Every component has a postoffice and most never link anything:
        # both tables start as the shared empty one and are made on the
        # first link (128 bytes a component).
        self._links: dict[int, linkage] = _NO_LINKS
        self._byComponent: dict[int, dict[int, linkage]] = _NO_LINKS  # type: ignore[assignment]
        self.debugname = debugname

    @property
    def linkages(self) -> list[linkage]:
        """The live linkages this postoffice made, oldest first (a copy)."""
        return list(self._links.values())

    def link(self, source: tuple[Any, str], sink: tuple[Any, str], *optionalargs: Any,
             **kwoptionalargs: Any) -> linkage:
        """Link ``(component, boxname)`` to ``(component, boxname)``; return the linkage.

        Extra arguments are passed to :class:`~Axon.Linkage.linkage`, in its
        order (``passthrough``, ``pipewidth``, ``synchronous``) or by name.
        """
        try:
            sourcecomp, sourcebox = source
            sinkcomp, sinkbox = sink
        except (TypeError, ValueError):
            raise TypeError(f"link() takes (component, boxname) pairs, not {source!r} "
                            f"and {sink!r}") from None
        thelink = linkage(sourcecomp, sinkcomp, sourcebox, sinkbox, *optionalargs,
                          **kwoptionalargs)
        self.registerlinkage(thelink)
        return thelink

    def registerlinkage(self, thelinkage: linkage) -> linkage:
        """Make an existing linkage live and record it."""
        thelinkage._connect()
        thelinkage.postoffice = self
        key = id(thelinkage)
        if self._links is _NO_LINKS:
            self._links, self._byComponent = {}, {}
        self._links[key] = thelinkage
        for end in (thelinkage.source, thelinkage.sink):
            self._byComponent.setdefault(id(end), {})[key] = thelinkage
        return thelinkage

    def unlink(self, thecomponent: Any = None, thelinkage: linkage | None = None) -> None:
        """Undo ``thelinkage``, and/or every linkage involving ``thecomponent``."""
        if thelinkage is not None:
            key = id(thelinkage)
            if self._links.get(key) is thelinkage:
                del self._links[key]
                for end in (thelinkage.source, thelinkage.sink):
                    mine = self._byComponent.get(id(end))
                    if mine is not None:
                        mine.pop(key, None)
                        if not mine:
                            del self._byComponent[id(end)]
                thelinkage._disconnect()
                thelinkage.postoffice = None
        if thecomponent is not None:
            involved = self._byComponent.get(id(thecomponent))
            if involved:
                for candidate in list(involved.values()):
                    self.unlink(thelinkage=candidate)

    def deregisterlinkage(self, thecomponent: Any = None, thelinkage: linkage | None = None) -> None:
        """Old name of :meth:`unlink` (1.14 had already deprecated it); logs a warning, then unlinks."""
        log.warning("postoffice.deregisterlinkage() is deprecated: use unlink() (or "
                    "component.unlink()) instead; component %r, linkage %s",
                    getattr(thecomponent, "name", thecomponent), thelinkage)
        self.unlink(thecomponent, thelinkage)

    def linkagesOf(self, thecomponent: Any) -> list[linkage]:
        """The live linkages this postoffice made with ``thecomponent`` at an end."""
        return list(self._byComponent.get(id(thecomponent), {}).values())

    def unlinkAll(self) -> None:
        """Undo every linkage this postoffice made."""
        for candidate in reversed(list(self._links.values())):
            self.unlink(thelinkage=candidate)

    def islinkageregistered(self, linkage: linkage) -> bool:
        """True if this postoffice made ``linkage`` and has not undone it."""
        return self._links.get(id(linkage)) is linkage

    def __str__(self) -> str:
        inner = "\n".join(f"    {L}" for L in self._links.values())
        return f"{{{{ POSTOFFICE: {self.debugname}: linkages:\n{inner}\n}}}}"
