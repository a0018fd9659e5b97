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

from typing import Any

from Axon.Linkage import linkage

__all__ = ["postoffice"]


class postoffice:
    """postoffice(debugname="") -> new postoffice with no linkages"""

    __slots__ = ("linkages", "debugname")

    def __init__(self, debugname: str = "") -> None:
        self.linkages: list[linkage] = []
        self.debugname = debugname

    def link(self, source: tuple[Any, str], sink: tuple[Any, str], *optionalargs: Any,
             **kwoptionalargs: Any) -> linkage:
        """Link ``(component, boxname)`` to ``(component, boxname)``; return the linkage.

        Extra arguments are passed to :class:`~Axon.Linkage.linkage`
        (``passthrough``, ``pipewidth``, ``synchronous``).
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
        self.linkages.append(thelinkage)
        return thelinkage

    def unlink(self, thecomponent: Any = None, thelinkage: linkage | None = None) -> None:
        """Undo ``thelinkage``, and/or every linkage involving ``thecomponent``."""
        if thelinkage is not None:
            for i, candidate in enumerate(self.linkages):
                if candidate is thelinkage:
                    del self.linkages[i]
                    thelinkage._disconnect()
                    thelinkage.postoffice = None
                    break
        if thecomponent is not None:
            for candidate in [L for L in self.linkages
                              if L.source is thecomponent or L.sink is thecomponent]:
                self.unlink(thelinkage=candidate)

    def unlinkAll(self) -> None:
        """Undo every linkage this postoffice made."""
        while self.linkages:
            self.unlink(thelinkage=self.linkages[-1])

    def islinkageregistered(self, linkage: linkage) -> bool:
        """True if this postoffice made ``linkage`` and has not undone it."""
        return any(L is linkage for L in self.linkages)

    def __str__(self) -> str:
        inner = "\n".join(f"    {L}" for L in self.linkages)
        return f"{{{{ POSTOFFICE: {self.debugname}: linkages:\n{inner}\n}}}}"
