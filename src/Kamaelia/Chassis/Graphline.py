"""Graphline: named components wired together in any shape.

Example Usage
-------------
Name the children with keywords, and say in ``linkages`` which box feeds
which::

    from Kamaelia.Chassis.Graphline import Graphline
    from Kamaelia.Util.Console import ConsoleEchoer
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.PureTransformer import PureTransformer

    Graphline(
        SOURCE=DataSource(["hello\\n", "world\\n"]),
        SHOUT=PureTransformer(str.upper),
        OUT=ConsoleEchoer(),
        linkages={
            ("SOURCE", "outbox"): ("SHOUT", "inbox"),
            ("SOURCE", "signal"): ("SHOUT", "control"),
            ("SHOUT", "outbox"): ("OUT", "inbox"),
            ("SHOUT", "signal"): ("OUT", "control"),
        },
    ).run()                                     # prints HELLO and WORLD

``"self"`` (or ``""``, the spelling most Kamaelia 1.14 code uses) names the
Graphline's own boxes, so a Graphline can be used as one component, here in
a Pipeline::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Util.Console import ConsoleReader

    def Shouter():
        return Graphline(
            SHOUT=PureTransformer(str.upper),
            linkages={
                ("self", "inbox"): ("SHOUT", "inbox"),
                ("self", "control"): ("SHOUT", "control"),
                ("SHOUT", "outbox"): ("self", "outbox"),
                ("SHOUT", "signal"): ("self", "signal"),
            },
        )

    Pipeline(ConsoleReader(), Shouter(), ConsoleEchoer()).run()

The example ``graphline_numbered_lines`` (installed with Kamaelia; run it
with ``kamaelia examples graphline_numbered_lines``, and list the others
with ``kamaelia examples``) has a child with an extra outbox, and two
outboxes leading to one.

A duplicated key in ``linkages`` is lost without a word: ``linkages`` is a
Python dict, so when a dict literal names the same ``(name, box)`` source
twice, only the *last* entry is kept, and the Graphline never sees the
first (nothing can detect it). An outbox leads to one place only anyway: to
send one outbox's messages to two places, put a splitter (e.g.
``Kamaelia.Util.Fanout``'s ``Fanout``) or a ``Backplane`` between them, and
to join several outboxes into one inbox write one entry per *source*
(``("A", "outbox"): ("OUT", "inbox")`` and ``("B", "outbox"): ("OUT",
"inbox")`` are two different keys, so both are kept).

How does it work?
-----------------
``Graphline(linkages={...}, **components)``: each keyword argument names a
child. Each linkage maps ``(name, box)`` to ``(name, box)``: messages sent out
of the first box arrive in the second. ``"self"`` or ``""`` names the
Graphline's own boxes: ``("self", inbox)`` as a source passes the Graphline's inbox straight
through to a child's inbox, and ``("self", outbox)`` as a destination passes a
child's outbox straight through to the Graphline's outbox (each a single
step). Several outboxes may lead to one inbox (or to one of the Graphline's
outboxes); an outbox leads to one place only. A linkage from one of its own
inboxes to one of its own outboxes is carried by the Graphline itself (one
extra step per message).

Everything is checked, and the links are made, when the Graphline is built:
a name that is no child, a child box that does not exist (named with the
child and its boxes), a value that is not a component, a component given
twice or a linkage end that is no ``(name, box)`` pair raise an error naming
the linkage, and no link is left behind. Boxes of ``"self"`` named in the
linkages that the class does not declare are made for this Graphline, as in
Kamaelia 1.14 (by ``addExternalPostboxes()``, which a subclass may extend):
an inbox when ``("self", box)`` is a source, an outbox when it is a
destination, described as the child's box at the other end is; naming one
that the Graphline already has as the other kind (an outbox as a source,
say) is an error, most likely swapped ends. A name that is neither a child
nor ``"self"``/``""`` is an error too (1.14 took any unknown name to mean
the Graphline, hiding misspelt child names).
Subclasses may also declare extra boxes in ``Inboxes`` / ``Outboxes``.

When activated, it activates its children and sleeps; it is woken when a
child ends, undoes its links to that child at once, and ends when all its
children have ended.

Boxes
-----
``"inbox"`` and ``"control"`` (and any other inboxes) pass through to the
children the linkages say; ``"outbox"`` and ``"signal"`` (and any other
outboxes) carry what children the linkages say send there.

Shutdown
--------
If ``("self", "control")`` is linked to a child, ``producerFinished`` and
``shutdownMicroprocess`` go straight there, and the children pass them on
along their own ``"signal"`` -> ``"control"`` links. If it is not (or that
child has ended), the Graphline takes what arrives on its ``"control"`` and
passes every message -- a ``producerFinished`` or ``shutdownMicroprocess``
just like anything else -- to each running child whose ``"control"``
inbox nothing is linked to (if there is none, to every running child), so a
Graphline can always be shut down.

On ``"signal"``: if a child's ``"signal"`` (or any box) is linked to
``("self", "signal")``, the Graphline sends nothing of its own there. Otherwise,
when its last child has ended, it sends the first ``producerFinished`` /
``shutdownMicroprocess`` that arrived on its ``"control"``, or, if none did,
``producerFinished(self)``.

Messages it cannot handle: a message arriving on one of its inboxes that
leads to no running child (never linked, or the child has ended) is logged
as an error (logger ``Kamaelia.Chassis``) and dropped; one on ``"control"``
with no running child left is logged too (at debug level if it is a
shutdown message).

What it does not do: it does not track components its children create, it
does not restart children, and it does not copy one outbox to several
places (use a splitter component for that).
"""

from __future__ import annotations

from typing import Any, Mapping

from Axon.Component import component  # (1.14 offered it from this module too)
from Kamaelia.Chassis._wiring import Wire, WiredChassis, boxDict, checkComponents

__all__ = ["Graphline"]

SELF = "self"
#: The names that mean the Graphline itself: "self", and 1.14's "".
SELF_NAMES = frozenset({SELF, ""})


class Graphline(WiredChassis):
    """Graphline(linkages={...}, **components) -> new Graphline component

    Arguments:

    - linkages   -- dict mapping ``(name, outbox)`` to ``(name, inbox)``;
      the name ``"self"`` means the Graphline's own boxes (default: no links).
      Each source may appear once: a dict literal that repeats a key keeps
      only its last entry, silently (see the module docstring)
    - components -- the children, each named by its keyword
    """

    Inboxes = {"inbox": "passed to the child the linkages say",
               "control": "passed to the child the linkages say; else shutdown "
                          "messages for every child with nothing linked to its control"}
    Outboxes = {"outbox": "from the child(ren) the linkages say",
                "signal": "from the child the linkages say; else the shutdown "
                          "message received (or producerFinished) once all children end",
                "_cs": "not used: 1.14 sent control messages to children through it "
                       "(this Graphline delivers them directly); free for subclasses"}

    def __init__(self, linkages: Mapping[tuple[str, str], tuple[str, str]] | None = None,
                 **components: Any) -> None:
        if linkages is None:
            linkages = {}
        if not isinstance(linkages, Mapping):
            raise TypeError("Graphline linkages must be a dict of (name, box) -> "
                            f"(name, box), not {linkages!r}")
        checkComponents("Graphline", [(f"component {name!r}", value)
                                      for name, value in components.items()])
        for source, sink in linkages.items():
            for end in (source, sink):
                self._checkEnd(end, source, sink, components)
        self.layout = dict(linkages)
        #: The children by name (as in 1.14).
        self.components: dict[str, component] = dict(components)
        self.addExternalPostboxes()
        super().__init__()
        wires: list[Wire] = []
        for (sourceName, sourceBox), (sinkName, sinkBox) in linkages.items():
            fromSelf, toSelf = sourceName in SELF_NAMES, sinkName in SELF_NAMES
            if fromSelf and toSelf:
                self.routes[sourceBox] = sinkBox
                continue
            passthrough = 1 if fromSelf else 2 if toSelf else 0
            wires.append(((self._named(sourceName), sourceBox),
                          (self._named(sinkName), sinkBox), passthrough,
                          _describe((sourceName, sourceBox), (sinkName, sinkBox))))
        self.wire(wires)

    def addExternalPostboxes(self) -> None:
        """Give this Graphline (before its boxes are made) the boxes of "self"
        that ``self.layout`` names and its class does not declare.

        An inbox when ``("self", box)`` is a source, an outbox when it is a
        destination; the description is copied from the child's box at the
        other end, as in 1.14. Sets ``self.Inboxes`` / ``self.Outboxes`` (copies:
        the class's stay as they are). Raises ValueError when a box the
        Graphline has is named as the other kind (most likely swapped ends).
        """
        inboxes, outboxes = boxDict(self.Inboxes), boxDict(self.Outboxes)
        for source, sink in self.layout.items():
            for (name, box), (otherName, otherBox), wanted, other, kind in (
                    (source, sink, inboxes, outboxes, "inbox"),
                    (sink, source, outboxes, inboxes, "outbox")):
                if name not in SELF_NAMES or box in wanted:
                    continue
                if box in other:
                    raise ValueError(
                        f"{_describe(source, sink)}: {box!r} is one of the Graphline's "
                        f"{'outboxes' if kind == 'inbox' else 'inboxes'}, but this end "
                        f"needs an {kind} (are the two ends swapped?)")
                wanted[box] = self._description(otherName, otherBox, kind) or \
                    f"named in the linkages ({kind} made for this Graphline)"
        self.Inboxes, self.Outboxes = inboxes, outboxes

    def _description(self, name: str, box: str, kind: str) -> str:
        """The description of the child's box at the other end of a linkage, or ""."""
        child = self.components.get(name)
        declared = getattr(child, "Inboxes" if kind == "inbox" else "Outboxes", None)
        if isinstance(declared, Mapping) and isinstance(declared.get(box), str):
            return declared[box]
        return ""

    def childrenToStart(self) -> list[component]:
        return list(self.components.values())

    def _named(self, name: str) -> component:
        return self if name in SELF_NAMES else self.components[name]

    @staticmethod
    def _checkEnd(end: Any, source: Any, sink: Any, components: Mapping[str, Any]) -> None:
        if (not isinstance(end, tuple) or len(end) != 2
                or not all(isinstance(part, str) for part in end)):
            raise TypeError(f"{_describe(source, sink)}: each end must be a "
                            f"(name, boxname) pair of strings, not {end!r}")
        name = end[0]
        if name not in SELF_NAMES and name not in components:
            known = ", ".join(map(repr, components)) or "none"
            raise ValueError(f"{_describe(source, sink)}: no component named {name!r} "
                             f"(its components: {known}; 'self' or '' is the Graphline)")


def _describe(source: Any, sink: Any) -> str:
    return f"Graphline linkage {source!r} -> {sink!r}"


__kamaelia_components__ = (Graphline,)
