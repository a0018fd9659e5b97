"""Linkages: the record of one box linked to another.

Example Usage
-------------
You rarely make a linkage directly; ``component.link`` makes one, wires the
boxes and returns it::

    from Axon.Component import component

    producer, consumer = component(), component()
    L = producer.link((producer, "outbox"), (consumer, "inbox"))
    assert L.sourcePair() == (producer, "outbox")
    assert L.sinkPair() == (consumer, "inbox")
    producer.send("hi")
    assert consumer.recv() == "hi"
    producer.unlink(thelinkage=L)

How does it work?
-----------------
A linkage names a source box and a sink box and how to find them:

* ``passthrough=0``: source's *outbox* -> sink's *inbox* (the usual link);
* ``passthrough=1``: a parent's *inbox* -> a child's *inbox*;
* ``passthrough=2``: a child's *outbox* -> a parent's *outbox*.

Creating a linkage only records it. A :class:`~Axon.Postoffice.postoffice`
(every component has one) makes it take effect and remembers it, so that it
can be undone later. ``setSynchronous(pipewidth)`` limits the sink box to
``pipewidth`` waiting messages; ``setShowTransit()`` logs every message that
arrives in the sink box (logger ``Axon.Linkage``), for debugging.
"""

from __future__ import annotations

from typing import Any

from Axon.Box import findBox

__all__ = ["linkage"]


def _checkPipewidth(pipewidth: Any) -> None:
    if pipewidth is not None and (not isinstance(pipewidth, int) or pipewidth < 1):
        raise ValueError(f"pipewidth must be a positive int or None, not {pipewidth!r}")


class linkage:
    """linkage(source, sink, sourcebox="outbox", sinkbox="inbox", postoffice=None,
    passthrough=0, pipewidth=None, synchronous=None) -> new linkage record

    If ``postoffice`` is given, the linkage is made live through it at once.
    """

    def __init__(self, source: Any, sink: Any, sourcebox: str = "outbox",
                 sinkbox: str = "inbox", postoffice: Any = None, passthrough: int = 0,
                 pipewidth: int | None = None, synchronous: bool | None = None) -> None:
        if passthrough not in (0, 1, 2):
            raise ValueError(f"passthrough must be 0, 1 or 2, not {passthrough!r}")
        _checkPipewidth(pipewidth)
        self.source = source
        self.sink = sink
        self.sourcebox = sourcebox
        self.sinkbox = sinkbox
        self.passthrough = passthrough
        self.pipewidth = pipewidth
        self.synchronous = bool(synchronous) or pipewidth is not None
        self.showtransit: str | bool = False
        self.postoffice: Any = None
        if postoffice is not None:
            postoffice.registerlinkage(self)

    def getSourcebox(self) -> Any:
        """The box messages come from."""
        return findBox(self.source, self.sourcebox, inbox=self.passthrough == 1)

    def getSinkbox(self) -> Any:
        """The box messages go to."""
        return findBox(self.sink, self.sinkbox, inbox=self.passthrough != 2)

    def sourcePair(self) -> tuple[Any, str]:
        """``(source component, source box name)``."""
        return self.source, self.sourcebox

    def sinkPair(self) -> tuple[Any, str]:
        """``(sink component, sink box name)``."""
        return self.sink, self.sinkbox

    def _connect(self) -> None:
        sinkbox = self.getSinkbox()
        sinkbox.addsource(self.getSourcebox())
        if self.synchronous:
            sinkbox.setSize(self.pipewidth if self.pipewidth is not None else 1)
        if self.showtransit:
            sinkbox.showTransit(self.showtransit)

    def _disconnect(self) -> None:
        self.getSinkbox().removesource(self.getSourcebox())

    def setSynchronous(self, pipewidth: int | None = None) -> None:
        """Limit the sink box to ``pipewidth`` waiting messages (default 1)."""
        _checkPipewidth(pipewidth)
        if pipewidth is not None:
            self.pipewidth = pipewidth
        self.synchronous = True
        if self.postoffice is not None:
            self.getSinkbox().setSize(self.pipewidth if self.pipewidth is not None else 1)

    def setShowTransit(self, showtransit: bool = True, tag: str | None = None) -> None:
        """Log every message arriving in the sink box (for debugging)."""
        self.showtransit = (tag or str(self)) if showtransit else False
        if self.postoffice is not None:
            self.getSinkbox().showTransit(self.showtransit)

    def __str__(self) -> str:
        arrow = {0: "->", 1: "=>(in)", 2: "=>(out)"}[self.passthrough]
        return (f"Link( source:[{getattr(self.source, 'name', self.source)},{self.sourcebox}] "
                f"{arrow} sink:[{getattr(self.sink, 'name', self.sink)},{self.sinkbox}] )")

    __repr__ = __str__
