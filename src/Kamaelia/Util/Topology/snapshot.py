"""What is running: a snapshot of a system's components, boxes and links, and its changes.

Example Usage
-------------
Look at a Pipeline before it runs, and again once one of its stages has
ended::

    from Axon.Scheduler import scheduler
    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.NullSink import nullSinkComponent
    from Kamaelia.Util.Topology.snapshot import changes, takeSnapshot

    pipeline = Pipeline(DataSource(["a", "b"]), nullSinkComponent()).activate()
    loop = scheduler.run.main()
    next(loop)                                  # the Pipeline starts its children
    before = takeSnapshot(scheduler.run)
    print(sorted(node.className.rsplit(".", 1)[1] for node in before.nodes.values()))
    for _ in loop:                              # run it to the end
        pass
    after = takeSnapshot(scheduler.run)
    print(len(changes(before, after)["gone"]))

prints ``['DataSource', 'Pipeline', 'nullSinkComponent']``, then ``3`` (all
three have gone).

How does it work?
-----------------
:func:`takeSnapshot` must be called in the scheduler's thread (the live
topology server does it from a component, on a timer). It starts from the
components the scheduler runs (``listAllThreads()``) and follows the
linkages recorded in their postoffices, as the text
:class:`~Axon.Introspector.Introspector` does, so a component linked to a
running one but not started yet is seen too. A component that has ended is
left out even while a parent still holds links to it, and so is every link
with an end left out. ``hidden`` components are left out with all their
descendants (their children, their children's children...): the server
hides itself that way, so the page does not show the connections it serves.

A :class:`Snapshot` holds:

* ``nodes`` -- component id (as text) -> :class:`Node`: name, class, the
  id of its parent (the component whose children list holds it), its box
  names;
* ``links`` -- a set of :class:`Link`: ``(component id, "o", box)`` to
  ``(component id, "i", box)``; ``passthrough`` 1 is a parent's inbox to a
  child's inbox, 2 a child's outbox to a parent's outbox (both ends are then
  of the same kind, as in the text Introspector);
* ``queues`` -- box -> messages waiting *in that box itself*
  (``local_len()``: an inbox's queue; an outbox holds messages only while
  it is not linked);
* ``classes`` -- class name -> :class:`ClassInfo` (docstring, box
  descriptions), for the classes of the nodes;
* ``measured``, ``runRates``, ``boxRates`` -- given a :class:`RateMeter`
  and with the scheduler's statistics on (:mod:`Axon.Statistics`): each
  component's runs a second and each inbox's messages taken a second since
  the meter's last snapshot (rates of 0 left out).

:func:`wholeGraph` and :func:`changes` turn snapshots into the JSON
messages the page reads (see :mod:`Kamaelia.Util.Topology.server` for their
fields): everything, for a page that has just joined, or what differs
between two snapshots (None when nothing does).

What it does not do: a component that starts and ends between two
snapshots is never seen; plain microprocesses (not components) are not
shown; it does not turn the statistics on (without them there are queue
lengths but no rates).
"""

from __future__ import annotations

import inspect
import time
from dataclasses import dataclass, field
from typing import Any, Iterable

from Axon.Component import component

__all__ = ["Box", "ClassInfo", "Link", "Node", "RateMeter", "Snapshot", "changes",
           "takeSnapshot", "wholeGraph", "DOC_LIMIT"]

#: A box: (component id, "i" for an inbox or "o" for an outbox, box name).
Box = tuple[str, str, str]

#: The longest docstring sent to the page, in characters (the rest is cut).
DOC_LIMIT = 8000

#: The kind of box at each end of a linkage, by its ``passthrough``:
#: 0 outbox -> inbox, 1 inbox -> inbox (into a child), 2 outbox -> outbox.
_SOURCE_KIND = {0: "o", 1: "i", 2: "o"}
_SINK_KIND = {0: "i", 1: "i", 2: "o"}


@dataclass(frozen=True, slots=True)
class Node:
    """One component: its id and name, its class, its parent's id, its box names."""

    id: str
    name: str
    className: str
    parent: str | None
    inboxes: tuple[str, ...]
    outboxes: tuple[str, ...]

    def asJson(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "class": self.className,
                "parent": self.parent, "inboxes": list(self.inboxes),
                "outboxes": list(self.outboxes)}


@dataclass(frozen=True, slots=True)
class Link:
    """A linkage from ``source`` to ``sink`` (boxes); ``passthrough`` as in Axon."""

    source: Box
    sink: Box
    passthrough: int

    def asJson(self) -> dict[str, Any]:
        return {"from": list(self.source), "to": list(self.sink),
                "passthrough": self.passthrough}


@dataclass(frozen=True, slots=True)
class ClassInfo:
    """What a page shows about a class: its docstring and its boxes' descriptions."""

    doc: str
    inboxes: dict[str, str]
    outboxes: dict[str, str]

    def asJson(self) -> dict[str, Any]:
        return {"doc": self.doc, "inboxes": self.inboxes, "outboxes": self.outboxes}


@dataclass(frozen=True)
class Snapshot:
    """What was running at one moment (see the module docstring)."""

    nodes: dict[str, Node] = field(default_factory=dict)
    links: frozenset[Link] = frozenset()
    queues: dict[Box, int] = field(default_factory=dict)
    classes: dict[str, ClassInfo] = field(default_factory=dict)
    #: Whether the rates below were measured (the scheduler's statistics were on).
    measured: bool = False
    #: Component id -> runs a second; inbox -> messages taken a second (none: absent).
    runRates: dict[str, float] = field(default_factory=dict)
    boxRates: dict[Box, float] = field(default_factory=dict)


def _rate(count: float, seconds: float) -> float:
    """A count over an interval as a rate, to two significant digits (less churn on
    the page); never negative (counts start again from 0 after a reset)."""
    rate = max(0.0, count / seconds)
    return float(f"{rate:.2g}")


class RateMeter:
    """RateMeter() -> turns the scheduler's statistics (counts since they were
    enabled) into rates over the time between two calls of :meth:`rates`"""

    def __init__(self) -> None:
        #: At the last call: component id -> (runs, {inbox: messages taken}).
        self.counts: dict[str, tuple[int, dict[str, int]]] = {}
        self.when: float | None = None

    def rates(self, figures: dict[Any, dict[str, Any]], now: float
              ) -> tuple[dict[str, float], dict[Box, float]]:
        """``figures`` (``scheduler.statistics.snapshot()``) taken at ``now``
        (``time.monotonic()``) -> runs a second by component id and messages taken a
        second by inbox, since the last call (nothing at the first call); zeros left out."""
        counts = {str(comp.id): (figure["runs"], {name: box["taken"] for name, box
                                                  in figure.get("inboxes", {}).items()})
                  for comp, figure in figures.items() if isinstance(comp, component)}
        runRates: dict[str, float] = {}
        boxRates: dict[Box, float] = {}
        if self.when is not None and now > self.when:
            seconds = now - self.when
            for cid, (runs, taken) in counts.items():
                before = self.counts.get(cid)
                if before is None:
                    continue                    # not running at the last call
                if rate := _rate(runs - before[0], seconds):
                    runRates[cid] = rate
                for name, count in taken.items():
                    if rate := _rate(count - before[1].get(name, 0), seconds):
                        boxRates[(cid, "i", name)] = rate
        self.counts, self.when = counts, now
        return runRates, boxRates


def _qualifiedName(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def _descriptions(boxes: Any) -> dict[str, str]:
    """A class's ``Inboxes``/``Outboxes`` (a dict, or a list of names) as a dict."""
    if isinstance(boxes, dict):
        return {str(name): " ".join(str(text).split()) for name, text in boxes.items()}
    return {str(name): "" for name in boxes}


def _classInfo(cls: type) -> ClassInfo:
    doc = inspect.getdoc(cls) or ""
    if len(doc) > DOC_LIMIT:
        doc = doc[:DOC_LIMIT] + "\n[...]"
    return ClassInfo(doc=doc, inboxes=_descriptions(getattr(cls, "Inboxes", {})),
                     outboxes=_descriptions(getattr(cls, "Outboxes", {})))


def _descendants(roots: Iterable[Any]) -> set[Any]:
    """``roots`` and all their children, recursively."""
    seen: set[Any] = set()
    waiting = list(roots)
    while waiting:
        comp = waiting.pop()
        if comp in seen:
            continue
        seen.add(comp)
        waiting += getattr(comp, "children", ())
    return seen


def _visible(thing: Any, hidden: set[Any]) -> bool:
    return isinstance(thing, component) and thing not in hidden and not thing._isStopped()


def _componentsAndLinkages(sched: Any, hidden: set[Any]) -> tuple[list[Any], list[Any]]:
    """The visible components (those running, then those linked to them) and
    the linkages between them."""
    found = {mp: None for mp in sched.listAllThreads() if _visible(mp, hidden)}
    toScan = list(found)
    linkages = []
    for comp in toScan:                 # grows as linked components are found
        for link in comp.postoffice.linkages:
            if not (_visible(link.source, hidden) and _visible(link.sink, hidden)):
                continue
            linkages.append(link)
            for end in (link.source, link.sink):
                if end not in found:
                    found[end] = None
                    toScan.append(end)
    return list(found), linkages


def _measure(sched: Any, meter: RateMeter | None, nodes: dict[str, Node]
             ) -> tuple[bool, dict[str, float], dict[Box, float]]:
    """Rates of ``nodes`` from the scheduler's statistics, if they are on."""
    statistics = getattr(sched, "statistics", None)
    if meter is None or statistics is None or not statistics.enabled:
        return False, {}, {}
    runRates, boxRates = meter.rates(statistics.snapshot(), time.monotonic())
    return (True, {cid: rate for cid, rate in runRates.items() if cid in nodes},
            {box: rate for box, rate in boxRates.items() if box[0] in nodes})


def takeSnapshot(sched: Any, hidden: Iterable[Any] = (), meter: RateMeter | None = None
                 ) -> Snapshot:
    """takeSnapshot(scheduler, hidden=(), meter=None) -> a Snapshot of what ``scheduler`` runs

    - scheduler -- the ``Axon.Scheduler.scheduler`` to look at (call this in its thread)
    - hidden    -- components to leave out, with all their descendants
    - meter     -- a :class:`RateMeter`, the same at every call: measure the rates
      since the last call from the scheduler's statistics, when they are on
    """
    comps, linkages = _componentsAndLinkages(sched, _descendants(hidden))
    parents = {child: comp for comp in comps for child in comp.children}
    nodes: dict[str, Node] = {}
    queues: dict[Box, int] = {}
    classes: dict[str, ClassInfo] = {}
    for comp in comps:
        cid, cls = str(comp.id), type(comp)
        className = _qualifiedName(cls)
        if className not in classes:
            classes[className] = _classInfo(cls)
        parent = parents.get(comp)
        inboxes, outboxes = tuple(comp.inboxes), tuple(comp.outboxes)
        nodes[cid] = Node(cid, str(comp.name), className,
                          None if parent is None else str(parent.id), inboxes, outboxes)
        for name in inboxes:
            queues[(cid, "i", name)] = comp.inboxes[name].local_len()
        for name in outboxes:
            queues[(cid, "o", name)] = comp.outboxes[name].local_len()
    links = set()
    for link in linkages:
        source = (str(link.source.id), _SOURCE_KIND[link.passthrough], link.sourcebox)
        sink = (str(link.sink.id), _SINK_KIND[link.passthrough], link.sinkbox)
        if source in queues and sink in queues:     # (not to a box deleted since)
            links.add(Link(source, sink, link.passthrough))
    measured, runRates, boxRates = _measure(sched, meter, nodes)
    return Snapshot(nodes, frozenset(links), queues, classes, measured, runRates, boxRates)


def _sortedLinks(links: Iterable[Link]) -> list[dict[str, Any]]:
    return [link.asJson() for link in sorted(links, key=lambda l: (l.source, l.sink))]


def _queueEntries(items: Iterable[tuple[Box, float]]) -> list[list[Any]]:
    return [[*box, length] for box, length in items]


def wholeGraph(snapshot: Snapshot) -> dict[str, Any]:
    """The message for a page that has just joined: every node, link and class,
    the queues that are not empty, the rates that are not 0."""
    return {"type": "graph",
            "nodes": [node.asJson() for node in snapshot.nodes.values()],
            "links": _sortedLinks(snapshot.links),
            "queues": _queueEntries((box, n) for box, n in snapshot.queues.items() if n),
            "classes": {name: info.asJson() for name, info in snapshot.classes.items()},
            "measured": snapshot.measured,
            "runs": [[cid, rate] for cid, rate in snapshot.runRates.items()],
            "rates": _queueEntries(snapshot.boxRates.items())}


def _changedRates(old: dict[Any, float], new: dict[Any, float]) -> list[tuple[Any, float]]:
    """The rates that differ (one that is gone is now 0)."""
    changed = [(key, rate) for key, rate in new.items() if old.get(key) != rate]
    return changed + [(key, 0.0) for key in old if key not in new]


def changes(old: Snapshot, new: Snapshot) -> dict[str, Any] | None:
    """What differs from ``old`` to ``new``, as a ``"changes"`` message (None if nothing).

    ``nodes`` are those added or changed (name, parent or boxes), ``gone`` the
    ids of those removed; ``links`` and ``unlinked`` the links added and
    removed; ``queues`` the boxes whose queue length changed (a box not seen
    before is listed only if its queue is not empty); ``classes`` those not in
    ``old``; ``runs`` and ``rates`` the rates that changed (0: gone) of the
    nodes in ``new``; ``measured`` is ``new``'s.
    """
    gone = [cid for cid in old.nodes if cid not in new.nodes]
    message: dict[str, Any] = {
        "type": "changes",
        "nodes": [node.asJson() for cid, node in new.nodes.items() if old.nodes.get(cid) != node],
        "gone": gone,
        "links": _sortedLinks(new.links - old.links),
        "unlinked": _sortedLinks(old.links - new.links),
        "queues": _queueEntries((box, n) for box, n in new.queues.items()
                                if old.queues.get(box, 0) != n),
        "classes": {name: info.asJson() for name, info in new.classes.items()
                    if name not in old.classes},
        # (The rates of a node that is gone go with it.)
        "runs": [[cid, rate] for cid, rate in _changedRates(old.runRates, new.runRates)
                 if cid in new.nodes],
        "rates": _queueEntries((box, rate) for box, rate
                               in _changedRates(old.boxRates, new.boxRates)
                               if box[0] in new.nodes),
    }
    if not any(message[key] for key in message if key != "type") and \
            old.measured == new.measured:
        return None
    message["measured"] = new.measured
    return message
