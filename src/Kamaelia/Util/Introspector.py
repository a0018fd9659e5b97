"""Introspector: report the live topology of the system as a stream of changes.

Example Usage
-------------
Show which components are running::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Util.Console import ConsoleEchoer
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.Introspector import Introspector
    from Kamaelia.Util.PureTransformer import PureTransformer

    Pipeline(
        DataSource(["look now"]),              # anything on "inbox": look again
        Introspector(interval=None),           # look at start and when asked
        PureTransformer(lambda line: line if line.endswith(" component\\n") else None),
        ConsoleEchoer(),
    ).run()    # e.g. ADD NODE 4 Kamaelia.Chassis.Pipeline.Pipeline_4 randompos component

Feed its output to a topology viewer (1.14's ``AxonVisualiser`` reads this
format) to watch a system as it runs.

How does it work?
-----------------
``Introspector(interval=0.5)`` looks at every component its scheduler is
running (``scheduler.listAllThreads()``), their inboxes and outboxes, and
the linkages recorded in each component's postoffice. It compares what it
sees with what it saw last time and sends the differences out of
``"outbox"``, one text line per message, in the format of Kamaelia 1.14's
topology visualiser:

=================================  =========================================
line                               meaning
=================================  =========================================
``DEL ALL``                        forget everything (sent first, once)
``ADD NODE <id> <label> randompos  a component, inbox or outbox appeared;
<kind>``                           ``kind`` is ``component``, ``inbox`` or
                                   ``outbox``
``DEL NODE <id>``                  it disappeared
``ADD LINK <from id> <to id>``     a box belongs to a component (component
                                   -> box), or a linkage from one box to
                                   another appeared
``DEL LINK <from id> <to id>``     it disappeared
=================================  =========================================

Each line ends with ``"\\n"``. Ids are stable while the thing exists: a
component's id is its ``id`` number; a box's is ``<component id>.i.<name>``
for an inbox and ``<component id>.o.<name>`` for an outbox. A component's
label is its ``name``, a box's its box name. Tokens are separated by
single spaces; a token that is empty or contains whitespace, ``"`` or
``\\`` is written in double quotes with ``"`` and ``\\`` escaped by a
backslash. Within one look, removals come first (links, then nodes), then
additions (nodes, each component before its boxes, then links), in
component id order. A linkage is shown only while both of its boxes are
shown (both components running). Passthrough linkages go inbox -> inbox
(parent to child) or outbox -> outbox (child to parent).

It looks when it starts, whenever anything arrives on ``"inbox"`` (the
message itself is ignored), and every ``interval`` seconds; with
``interval=None`` only on those two occasions. In between it is paused.

Shutdown: on ``producerFinished`` or ``shutdownMicroprocess`` on
``"control"`` it takes one last look (reporting what changed), passes the
message on out of ``"signal"`` and ends. Other messages on ``"control"``
are logged (logger ``Kamaelia``) and ignored.

What it does not do: it only sees components of its own scheduler that are
running (not plain microprocesses, not components made but never
activated); something that appears and disappears between two looks is
never reported; it runs until it is shut down. 1.14's Introspector looked
at every scheduler round, keeping a CPU busy; this one looks on a timer.
"""

from __future__ import annotations

import re
from typing import Any, Iterator

from Axon.Component import component
from Kamaelia._shutdown import runUntilShutdown
from Kamaelia.Util._arguments import positiveNumber

__all__ = ["Introspector"]

Nodes = dict[str, tuple[str, str]]          # id -> (label, kind)
Links = dict[tuple[str, str], None]         # (from id, to id), in insertion order

_PLAIN = re.compile(r'[^\s"\\]+')


def _token(text: str) -> str:
    """``text`` as one token of the topology format (quoted if need be)."""
    if _PLAIN.fullmatch(text):
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _boxId(owner: Any, boxname: str, inbox: bool) -> str:
    return f"{owner.id}.{'i' if inbox else 'o'}.{boxname}"


class Introspector(component):
    """Introspector(interval=0.5) -> sends the changes in the system's topology as text

    - interval -- seconds between looks (a number > 0), or None to look only at
      start and when something arrives on "inbox"
    """

    Inboxes = {"inbox": "anything: look at the system now",
               "control": "producerFinished or shutdownMicroprocess to end"}
    Outboxes = {"outbox": 'topology changes, one line per message ("ADD NODE ...")',
                "signal": "the shutdown message, passed on"}

    def __init__(self, interval: float | None = 0.5, **argd: Any) -> None:
        super().__init__(**argd)
        self.interval = None if interval is None else positiveNumber(
            "Introspector", "interval", interval)
        self._nodes: Nodes = {}
        self._links: Links = {}

    def main(self) -> Iterator[Any]:
        self.send("DEL ALL\n", "outbox")
        request = yield from runUntilShutdown(self, self._look, timeout=self.interval)
        self.send(request, "signal")

    def _look(self) -> None:
        for _ in self.Inbox("inbox"):
            pass                        # a request to look, which we are doing
        nodes, links = self.topology()
        oldNodes, oldLinks = self._nodes, self._links
        send = self.send
        for source, sink in oldLinks:
            if (source, sink) not in links:
                send(f"DEL LINK {_token(source)} {_token(sink)}\n", "outbox")
        for nodeId in reversed(oldNodes):           # boxes before their component
            if nodeId not in nodes:
                send(f"DEL NODE {_token(nodeId)}\n", "outbox")
        for nodeId, (label, kind) in nodes.items():
            if nodeId not in oldNodes:
                send(f"ADD NODE {_token(nodeId)} {_token(label)} randompos {kind}\n",
                     "outbox")
        for source, sink in links:
            if (source, sink) not in oldLinks:
                send(f"ADD LINK {_token(source)} {_token(sink)}\n", "outbox")
        self._nodes, self._links = nodes, links

    def topology(self) -> tuple[Nodes, Links]:
        """What runs now: nodes (id -> (label, kind)) and links ((from id, to id))."""
        running = sorted((mp for mp in self.scheduler.listAllThreads()
                          if isinstance(mp, component)), key=lambda c: c.id)
        nodes: Nodes = {}
        links: Links = {}
        for comp in running:
            compId = str(comp.id)
            nodes[compId] = (comp.name, "component")
            for inbox, boxes in ((True, comp.inboxes), (False, comp.outboxes)):
                for boxname in list(boxes):
                    boxId = _boxId(comp, boxname, inbox)
                    nodes[boxId] = (boxname, "inbox" if inbox else "outbox")
                    links[(compId, boxId)] = None
        for comp in running:
            for linkage in list(comp.postoffice.linkages):
                source = _boxId(linkage.source, linkage.sourcebox, linkage.passthrough == 1)
                sink = _boxId(linkage.sink, linkage.sinkbox, linkage.passthrough != 2)
                if source in nodes and sink in nodes:
                    links[(source, sink)] = None
        return nodes, links
