"""Introspector: report the live topology of an Axon system as text.

Example Usage
-------------
Print what is running (the ``ADD NODE`` lines of the components)::

    from Axon.Component import component
    from Axon.Introspector import Introspector
    from Axon.Ipc import producerFinished

    class Printer(component):
        def main(self):
            while not self.dataReady("inbox"):
                self.pause()
                yield 1
            for line in self.recv("inbox").splitlines():      # "DEL ALL"
                print(line)
            while not self.dataReady("inbox"):
                self.pause()
                yield 1
            for line in self.recv("inbox").splitlines():      # the first look
                if line.endswith(" component"):
                    print(line)
            self.send(producerFinished(self), "signal")

    spy = Introspector(interval=None)
    printer = Printer()
    spy.link((spy, "outbox"), (printer, "inbox"))
    printer.link((printer, "signal"), (spy, "control"))
    spy.activate()
    printer.run()
    # DEL ALL
    # ADD NODE "4" "Axon.Introspector.Introspector_4" randompos component
    # ADD NODE "5" "__main__.Printer_5" randompos component

``Kamaelia.Util.Introspector.Introspector`` is the same component under its
Kamaelia name; feed its output to a topology viewer (1.14's
``AxonVisualiser`` reads this format) to watch a system as it runs.

How does it work?
-----------------
``Introspector(interval=0.5)`` looks at every component its scheduler is
running (``scheduler.listAllThreads()``) and, through the linkages recorded
in their postoffices, at every component linked to one of those (running or
not, as in Kamaelia 1.14). It compares what it sees with what it saw last
time and sends the differences out of ``"outbox"`` as *one* string per look
(nothing if nothing changed), made of lines in the format of Kamaelia 1.14,
byte for byte:

==================================================  ==================================
line                                                meaning
==================================================  ==================================
``DEL ALL``                                         forget everything (sent first,
                                                    on its own)
``ADD NODE "<id>" "<name>" randompos component``    a component appeared
``ADD NODE "<box id>" "<box>" randompos inbox``     a box appeared (``outbox`` for an
                                                    outbox), followed at once by
                                                    ``ADD LINK "<id>" "<box id>"``
                                                    (the box belongs to the component)
``ADD LINK "<box id>" "<box id>"``                  a linkage between two boxes
``DEL LINK "<box id>" "<box id>"``                  a linkage disappeared
``DEL NODE "<id>"``                                 a component or box disappeared
==================================================  ==================================

A component's id is its ``id`` (``"5"``) and its name its ``name``; a box's
id is the text of the tuple ``(component id, "i" or "o", box name)``, e.g.
``"(5, 'i', 'inbox')"``. Every id and name is written in double quotes.
Within one look the lines come in this order: link removals, node removals
(in the order the nodes were added: components, then boxes), component
additions, box additions (each with its ``ADD LINK`` from its component),
then link additions; components in the order the scheduler lists them, then
those found through linkages. A component's ``DEL NODE`` comes without
``DEL LINK`` lines for its boxes (a viewer drops a node's links with it).
Passthrough linkages go inbox -> inbox (parent to child) or outbox ->
outbox (child to parent).

It looks one scheduler round after sending ``DEL ALL``, then whenever
anything arrives on ``"inbox"`` (the message itself is ignored) and every
``interval`` seconds; with ``interval=None`` only when asked. In between it
is paused, using no CPU.

Boxes
-----
Inboxes: ``"inbox"`` (anything: look now), ``"control"`` (shutdown).
Outboxes: ``"outbox"`` (the topology changes), ``"signal"`` (the shutdown
message, passed on).

Shutdown: on ``producerFinished`` or ``shutdownMicroprocess`` on
``"control"`` it takes one last look (reporting what changed), passes the
message on out of ``"signal"`` and ends. Other messages on ``"control"``
are logged (logger ``Axon.Introspector``) and ignored.

Differences from 1.14: 1.14's Introspector looked at every scheduler round,
keeping a CPU busy, and ended only on ``shutdownMicroprocess``; this one
looks on a timer or on request and also ends on ``producerFinished``. A name
containing ``"`` or ``\\`` is escaped with a backslash (1.14 wrote it as it
was, which broke the line for its own reader) and a line break in a name is
written as a space. What it does not do: something that appears and
disappears between two looks is never reported; plain microprocesses
(not components) are not shown.
"""

from __future__ import annotations

import logging
from typing import Any, Iterator

from Axon.Component import component
from Axon.Ipc import producerFinished, shutdownMicroprocess
from Axon.Scheduler import scheduler

__all__ = ["Introspector", "quoted"]

log = logging.getLogger("Axon.Introspector")

#: A box as 1.14 named it: (component id, "i" or "o", box name).
Postbox = tuple[int, str, str]
#: A linkage between two boxes: (from box, to box).
Link = tuple[Postbox, Postbox]


def quoted(value: Any) -> str:
    """``value`` as one double-quoted token of the topology format.

    ``"`` and ``\\`` are escaped with a backslash (lines_to_tokenlists reads
    them back) and line breaks become spaces, so a token never spans lines.
    For anything without those characters this is exactly 1.14's ``'"' +
    str(value) + '"'``.
    """
    text = str(value)
    if '"' in text or "\\" in text:
        text = text.replace("\\", "\\\\").replace('"', '\\"')
    if "\n" in text or "\r" in text:
        text = text.replace("\r\n", " ").replace("\n", " ").replace("\r", " ")
    return f'"{text}"'


def _positiveInterval(interval: Any) -> float | None:
    if interval is None:
        return None
    if isinstance(interval, bool) or not isinstance(interval, (int, float)):
        raise TypeError(f"Introspector: interval must be a number or None, not {interval!r}")
    if not 0 < interval < float("inf"):
        raise ValueError(f"Introspector: interval must be a finite number > 0, "
                         f"not {interval!r}")
    return interval


class Introspector(component):
    """Introspector(interval=0.5) -> sends the changes in the system's topology as text

    - interval -- seconds between looks (a number > 0), or None to look only
      when something arrives on "inbox"
    """

    Inboxes = {"inbox": "anything: look at the system now",
               "control": "producerFinished or shutdownMicroprocess to end"}
    Outboxes = {"outbox": 'topology changes, one string of lines per look ("ADD NODE ...")',
                "signal": "the shutdown message, passed on"}

    #: The kind of box at each end of a linkage, by its ``passthrough``:
    #: 0 outbox -> inbox, 1 inbox -> inbox (into a child), 2 outbox -> outbox.
    srcBoxType = {0: "o", 1: "i", 2: "o"}
    dstBoxType = {0: "i", 1: "i", 2: "o"}

    def __init__(self, interval: float | None = 0.5, **argd: Any) -> None:
        super().__init__(**argd)
        self.interval = _positiveInterval(interval)
        #: What the last look saw: node id -> name, and the inter-box linkages.
        self.nodes: dict[Any, str] = {}
        self.linkages: dict[Link, Any] = {}

    def main(self) -> Iterator[Any]:
        """Send ``DEL ALL``, then the changes at each look, until told to stop."""
        self.send("DEL ALL\n", "outbox")
        yield 1         # as 1.14: what starts alongside us is in the first look
        while True:
            for _ in self.Inbox("inbox"):
                pass                    # a request to look, which we are doing
            request = self._shutdownRequest()
            self.report()
            if request is not None:
                self.send(request, "signal")
                return
            if not self.anyReady():
                self.pause(self.interval)
            yield 1

    def _shutdownRequest(self) -> Any:
        for message in self.Inbox("control"):
            if isinstance(message, (producerFinished, shutdownMicroprocess)):
                return message
            log.warning("%s ignored an unexpected message on 'control': %r",
                        self.name, message)
        return None

    @classmethod
    def serve(cls, port: int = 0, host: str | None = "127.0.0.1") -> Any:
        """serve(port=0, host="127.0.0.1") -> the started live topology server

        Serves a web page drawing this program's components and links as they
        come and go (``Kamaelia.Util.Topology``): a
        ``Kamaelia.Util.Topology.server.TopologyServer``, activated on the
        default scheduler; its ``port`` and ``url`` say where. Call it where
        you would activate a component (before the scheduler runs, or in its
        thread). Needs Kamaelia installed (Axon alone has no web server).
        """
        from Kamaelia.Util.Topology.server import TopologyServer   # Axon stays stdlib-only
        return TopologyServer(port=port, host=host).activate()

    def report(self) -> None:
        """Look now, and send what changed since the last look (if anything)."""
        if not isinstance(self.scheduler, scheduler):
            return      # not activated: there is nothing to look at (as in 1.14)
        message, self.nodes, self.linkages = self.changes(self.nodes, self.linkages)
        if message:
            self.send(message, "outbox")

    def changes(self, oldNodes: dict[Any, str], oldLinkages: dict[Link, Any]
                ) -> tuple[str, dict[Any, str], dict[Link, Any]]:
        """What changed since ``oldNodes``/``oldLinkages`` (a previous look):
        the lines to send ("" if none), and the new nodes and linkages."""
        components, postboxes, linkages = self.introspect()
        nodes: dict[Any, str] = {}
        addNodes: list[str] = []
        for cid, name in components.items():
            nodes[cid] = name
            if cid not in oldNodes:
                addNodes.append(f"ADD NODE {quoted(cid)} {quoted(name)} randompos component\n")
        for box in postboxes:
            if box in nodes:
                continue
            cid, io, boxname = box
            nodes[box] = boxname
            if box not in oldNodes:
                kind = "inbox" if io == "i" else "outbox"
                addNodes.append(f"ADD NODE {quoted(box)} {quoted(boxname)} randompos {kind}\n"
                                f"ADD LINK {quoted(cid)} {quoted(box)}\n")
        delLinks = [f"DEL LINK {quoted(src)} {quoted(dst)}\n"
                    for src, dst in oldLinkages if (src, dst) not in linkages]
        delNodes = [f"DEL NODE {quoted(node)}\n" for node in oldNodes if node not in nodes]
        addLinks = [f"ADD LINK {quoted(src)} {quoted(dst)}\n"
                    for src, dst in linkages if (src, dst) not in oldLinkages]
        # Removals before additions; links before the nodes they join go, nodes
        # before the links that join them come (a viewer needs both ends).
        return "".join(delLinks + delNodes + addNodes + addLinks), nodes, linkages

    def introspect(self) -> tuple[dict[int, str], list[Postbox], dict[Link, Any]]:
        """introspect() -> components, postboxes, linkages, as 1.14 returned them

        - components -- dict of component id -> name: those the scheduler runs,
          then those linked to them
        - postboxes  -- list of (component id, "i" or "o", box name)
        - linkages   -- dict whose keys are (from postbox, to postbox)
        """
        found: dict[Any, None] = {mp: None for mp in self.scheduler.listAllThreads()
                                  if isinstance(mp, component)}
        toScan = list(found)
        linkages: dict[Link, Any] = {}
        for comp in toScan:                     # grows as linked components are found
            for link in comp.postoffice.linkages:
                src = (link.source.id, self.srcBoxType[link.passthrough], link.sourcebox)
                dst = (link.sink.id, self.dstBoxType[link.passthrough], link.sinkbox)
                linkages[(src, dst)] = True
                for end in (link.source, link.sink):
                    if end not in found and isinstance(end, component):
                        found[end] = None
                        toScan.append(end)
        postboxes: list[Postbox] = []
        for comp in found:
            postboxes += [(comp.id, "i", boxname) for boxname in list(comp.inboxes)]
            postboxes += [(comp.id, "o", boxname) for boxname in list(comp.outboxes)]
        boxes = set(postboxes)
        # A linkage to a box deleted since (adaptive comms) is not shown.
        linkages = {link: True for link in linkages if link[0] in boxes and link[1] in boxes}
        return {comp.id: comp.name for comp in found}, postboxes, linkages


__kamaelia_components__ = (Introspector,)
