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
``pipewidth`` waiting messages (``None`` lifts the limit, as in 1.14);
``setShowTransit()`` traces every message that arrives in the sink box, for
debugging: it prints 1.14's ``Delivery via [ tag ] of ...`` line and logs it
(logger ``Axon.Linkage``). With ``Axon.Box.ShowAllTransits`` set, every
linkage made traces its sink box, tagged with :meth:`linkage.short_str`.

The parameters are in Kamaelia 1.14's order, so ``linkage(a, b, "outbox",
"inbox", 1)`` is a passthrough linkage; ``postoffice`` comes last and is
meant to be given by keyword.
"""

from __future__ import annotations

import logging
from typing import Any

from Axon import Box
from Axon.Base import AxonObject
from Axon.Box import findBox

__all__ = ["linkage"]

_log = logging.getLogger("Axon.Linkage")


def _checkPipewidth(pipewidth: Any) -> None:
    if pipewidth is not None and (not isinstance(pipewidth, int) or pipewidth < 1):
        raise ValueError(f"pipewidth must be a positive int or None, not {pipewidth!r}")


def _shortName(name: Any) -> str:
    text = str(name)
    return text[text.rfind(".") + 1:]


class linkage(AxonObject):
    """linkage(source, sink, sourcebox="outbox", sinkbox="inbox", passthrough=0,
    pipewidth=None, synchronous=None, postoffice=None) -> new linkage record

    The first seven parameters are Kamaelia 1.14's, in its order. If
    ``postoffice`` is given (by keyword), the linkage is made live through it
    at once.
    """

    def __init__(self, source: Any, sink: Any, sourcebox: str = "outbox",
                 sinkbox: str = "inbox", passthrough: int = 0, pipewidth: int | None = None,
                 synchronous: bool | None = None, postoffice: Any = None) -> None:
        super().__init__()
        if passthrough is None:
            # 1.14 took anything but 1 and 2 as an ordinary link; None is the
            # one such value that plausibly means "the default".
            _log.warning("linkage(%r, %r): passthrough=None taken as 0 (outbox to inbox)",
                         getattr(source, "name", source), getattr(sink, "name", sink))
            passthrough = 0
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
        self.showtransit: Any = False
        self.transitTag: Any = None
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
            sinkbox._setTransit(True, self.transitTag, self.showtransit)
        elif Box.ShowAllTransits:
            sinkbox._setTransit(True, self.short_str(), self.short_str())

    def _disconnect(self) -> None:
        self.getSinkbox().removesource(self.getSourcebox())

    def setSynchronous(self, pipewidth: int | None = None) -> int | None:
        """Limit the sink box to ``pipewidth`` waiting messages; ``None`` removes
        the limit (as in 1.14). Returns the sink box's limit."""
        _checkPipewidth(pipewidth)
        self.pipewidth = pipewidth
        self.synchronous = pipewidth is not None
        if self.postoffice is not None:
            return self.getSinkbox().setSize(pipewidth)
        return pipewidth

    def setShowTransit(self, showtransit: Any = True, tag: Any = None) -> None:
        """Trace every message arriving in the sink box: print 1.14's
        ``Delivery via [ tag ] of  'message'`` line and log it (logger
        ``Axon.Linkage``, tagged with ``tag`` or this linkage's description)."""
        self.showtransit = (str(tag) if tag else str(self)) if showtransit else False
        self.transitTag = tag
        if self.postoffice is not None:
            self.getSinkbox()._setTransit(showtransit, tag, self.showtransit)

    def short_str(self) -> str:
        """``(source,box):(sink,box)`` with the components' short names, as 1.14 tagged transits."""
        return "(%s,%s):(%s,%s)" % tuple(_shortName(part) for part in (
            getattr(self.source, "name", self.source), self.sourcebox,
            getattr(self.sink, "name", self.sink), self.sinkbox))

    def __str__(self) -> str:
        arrow = {0: "->", 1: "=>(in)", 2: "=>(out)"}[self.passthrough]
        return (f"Link( source:[{getattr(self.source, 'name', self.source)},{self.sourcebox}] "
                f"{arrow} sink:[{getattr(self.sink, 'name', self.sink)},{self.sinkbox}] )")

    __repr__ = __str__
