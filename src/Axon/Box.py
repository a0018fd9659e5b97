"""Inboxes and outboxes: where messages wait, and how links collapse.

Example Usage
-------------
Components make their boxes for you; you meet them as ``component.inboxes``
and ``component.outboxes`` (dicts of name -> :class:`postbox`)::

    from Axon.Component import component

    c = component()
    c.inboxes["inbox"].append("hello")        # same as delivering a message
    assert c.dataReady("inbox") == 1
    c.inboxes["inbox"].setSize(10)            # at most 10 waiting messages
    assert c.inboxes["inbox"].getSize() == 10

How does it work?
-----------------
Every box can be linked to one *target* box and can have many *sources*.
An outbox linked to an inbox has that inbox as its target; a passthrough link
makes a parent's inbox target a child's inbox, or a child's outbox target its
parent's outbox. Following targets from any box leads to its *sink*: the box
where a message sent into it will actually wait. Each box keeps its sink up to
date (recomputed whenever links change, which is rare), so sending along a
chain of passthrough links costs one append, however long the chain.

Messages sent to a box with no target wait in that box. When it gains a
target, the waiting messages move on to the new sink, in order, so nothing
sent to an unlinked outbox is lost.

Storage is a ``collections.deque`` made on first use (until then the box holds
an empty tuple, which keeps idle components small), and once made it is never
replaced. Appending to an inbox's
storage is followed by waking the inbox's owner; components do this in
``send`` (see :mod:`Axon.Component`).

Size limits and take notifications
----------------------------------
``setSize(n)`` limits a box to ``n`` waiting messages; appending to a full box
raises :class:`~Axon.AxonExceptions.noSpaceInBox`. When a message is taken
from a box that was full, the owners of the outboxes that feed it are woken so
that producers that backed off can retry. Boxes with no limit never refuse a
message, so no producer can be blocked on them and taking from them wakes
nobody: that keeps ``recv`` to a single C call on the common path.
:meth:`postbox.notifyOnTake` registers a one-shot callback for the next take
from a box, which is how a producer can wait for its consumer to catch up.
"""

from __future__ import annotations

import logging
from collections import deque
from typing import Any, Callable, Iterable

from Axon.AxonExceptions import BadInbox, BoxAlreadyLinkedToDestination, noSpaceInBox
from Axon.Microprocess import RunState

__all__ = ["postbox", "makeInbox", "makeOutbox", "nullsink", "realsink", "BoxNotFound",
           "findBox"]

log = logging.getLogger("Axon.Linkage")


class BoxNotFound(BadInbox, KeyError):
    """A component has no box of that name.

    A ``BadInbox`` (the Axon error for a bad box) that is also a ``KeyError``,
    which is what 1.14 code looking a box up in ``component.inboxes`` expects.
    """

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "no such box"


def findBox(component: Any, boxname: Any, inbox: bool) -> "postbox":
    """Return ``component``'s inbox (or outbox) named ``boxname``, or raise BoxNotFound."""
    boxes = component.inboxes if inbox else component.outboxes
    try:
        return boxes[boxname]
    except (KeyError, TypeError):
        raise noSuchBox(component, boxname, inbox) from None


def noSuchBox(component: Any, boxname: Any, inbox: bool) -> BoxNotFound:
    """The error for a missing box, naming the component and the boxes it has."""
    kind = "inbox" if inbox else "outbox"
    boxes = component.inboxes if inbox else component.outboxes
    return BoxNotFound(f"{getattr(component, 'name', component)} has no {kind} "
                       f"{boxname!r} (its {kind}es: {', '.join(map(repr, boxes))})",
                       component, boxname)


#: Stands in for "no one to wake" (an unlinked outbox's owner is not woken by
#: messages waiting in it), so the send path needs no None check: it is never
#: paused, so nothing ever calls its ``wake``.
NOBODY = RunState()


class _GuardedView:
    """Stands in front of a box's storage while it has a size limit, take
    watchers or transit logging.

    It wraps the box's own deque rather than copying it, so the storage
    object never changes once made: code may hold on to it (``Inbox()``
    does). Unguarded boxes expose the bare deque, keeping ``append`` and
    ``popleft`` at full C speed.
    """

    __slots__ = ("box", "items")

    def __init__(self, box: "postbox", items: deque) -> None:
        self.box = box
        self.items = items

    def append(self, item: Any) -> None:
        box, items = self.box, self.items
        if box.size is not None and len(items) >= box.size:
            raise noSpaceInBox(
                f"{box.describe()} is full ({len(items)} of {box.size} messages)",
                len(items), box.size)
        if box.transitTag:
            log.info("%s: %r arrives in %s", box.transitTag, item, box.describe())
        items.append(item)

    def popleft(self) -> Any:
        box, items = self.box, self.items
        wasFull = box.size is not None and len(items) >= box.size
        item = items.popleft()
        box._taken(wasFull)
        return item

    def __len__(self) -> int:
        return len(self.items)

    def __bool__(self) -> bool:
        return bool(self.items)

    def __getitem__(self, index: int) -> Any:
        return self.items[index]

    def __delitem__(self, index: int) -> None:
        del self.items[index]

    def __iter__(self):
        return iter(self.items)

    def clear(self) -> None:
        self.items.clear()


class postbox:
    """postbox(owner, name, isInbox=True) -> a box belonging to ``owner``

    ``owner`` is the component (or any microprocess) the box belongs to.
    Messages waiting in an inbox wake its owner; messages waiting in an
    unlinked outbox wake nobody.
    """

    __slots__ = ("q", "items", "sink", "target", "sources", "wakes", "owner", "name",
                 "isInbox", "size", "_watchers", "transitTag", "__weakref__")

    def __init__(self, owner: Any = None, name: str = "", isInbox: bool = True,
                 size: int | None = None) -> None:
        self.items: deque | None = None   # the storage, made on first use
        self.q: Any = ()     # what send/recv use: (), the storage, or a _GuardedView
        self.sink: postbox = self
        self.target: postbox | None = None
        self.sources: tuple[postbox, ...] = ()
        self.owner = owner
        runstate = getattr(owner, "_runstate", None)
        self.wakes: RunState = runstate if isInbox and runstate is not None else NOBODY
        self.name = name
        self.isInbox = isInbox
        self.size: int | None = None
        self._watchers: list[Callable[[], Any]] | None = None
        self.transitTag: str | None = None
        if size is not None:
            self.setSize(size)

    # ------------------------------------------------------------ messages
    def append(self, message: Any) -> None:
        """Put ``message`` where it would go if sent into this box.

        Follows passthrough links to the sink, enforces its size limit and
        wakes the sink's owner.
        """
        sink = self.sink
        sink._store(message)
        if sink.wakes.paused:
            sink.wakes.wake()

    def _store(self, message: Any) -> None:
        self._storage().append(message)

    def _storage(self) -> deque:
        """The storage deque, made on first use."""
        if self.items is None:
            self.items = deque()
            self._chooseStorage()
        return self.q

    def extend(self, messages: Iterable[Any]) -> None:
        """Append each message in turn (see :meth:`append`)."""
        for message in messages:
            self.append(message)

    def pop(self, index: int = 0) -> Any:
        """Take a message from this box's own storage (oldest first by default).

        Raises ``IndexError`` when the box is empty.
        """
        q = self.q
        if not q:
            raise IndexError(f"{self.describe()} is empty")
        if index == 0:
            return q.popleft()
        wasFull = self.size is not None and len(q) >= self.size
        item = q[index]
        del q[index]
        if isinstance(q, _GuardedView):
            self._taken(wasFull)
        return item

    def popleft(self) -> Any:
        """Same as ``pop(0)``."""
        return self.pop(0)

    def __len__(self) -> int:
        """Messages waiting where a message sent into this box would go (its sink).

        For a linked outbox that is the destination inbox, as in 1.14, so
        ``len(self.outboxes["outbox"]) < limit`` keeps a producer ahead of its
        consumer by at most ``limit``. :meth:`local_len` counts this box alone.
        """
        return len(self.sink.q)

    def local_len(self) -> int:
        """Number of messages waiting in this box itself (1.14 name)."""
        return len(self.q)

    def __iter__(self):
        return iter(tuple(self.items or ()))

    def clear(self) -> None:
        """Drop every message waiting in this box."""
        if self.q:
            self.q.clear()

    # --------------------------------------------------------- size limits
    def setSize(self, size: int | None) -> None:
        """Limit this box to ``size`` waiting messages (``None``: no limit)."""
        if size is not None and (not isinstance(size, int) or size < 0):
            raise ValueError(f"box size must be a non-negative int or None, not {size!r}")
        self.size = size
        self._chooseStorage()

    def getSize(self) -> int | None:
        """The size limit, or ``None`` if unlimited."""
        return self.size

    def isFull(self) -> bool:
        """True if a message sent into this box now would be refused."""
        sink = self.sink
        return sink.size is not None and len(sink.q) >= sink.size

    # ------------------------------------------------------ take watchers
    def notifyOnTake(self, callback: Callable[[], Any]) -> None:
        """Call ``callback()`` once, the next time a message is taken from this box."""
        if self._watchers is None:
            self._watchers = []
        self._watchers.append(callback)
        self._chooseStorage()

    def _taken(self, wasFull: bool) -> None:
        if wasFull:
            for producer in self._producers():
                producer.unpause()
        watchers = self._watchers
        if watchers:
            self._watchers = None
            self._chooseStorage()
            for callback in watchers:
                callback()

    def _producers(self) -> list[Any]:
        """Owners of the outboxes whose messages end up here."""
        found: list[Any] = []
        pending = list(self.sources)
        while pending:
            box = pending.pop()
            if not box.isInbox and box.owner is not None and box.owner not in found:
                found.append(box.owner)
            pending.extend(box.sources)
        return found

    def showTransit(self, tag: str | None) -> None:
        """Log each message arriving in this box, prefixed by ``tag`` (None: stop)."""
        self.transitTag = tag or None
        self._chooseStorage()

    def _chooseStorage(self) -> None:
        guarded = self.size is not None or bool(self._watchers) or bool(self.transitTag)
        if guarded and self.items is None:
            self.items = deque()
        if self.items is not None:
            self.q = _GuardedView(self, self.items) if guarded else self.items

    # -------------------------------------------------------------- links
    def addsource(self, source: "postbox") -> None:
        """Link ``source`` to this box: what is sent into it comes here."""
        if source.target is not None:
            raise BoxAlreadyLinkedToDestination(
                f"{source.describe()} is already linked to {source.target.describe()}; "
                f"unlink it before linking it to {self.describe()}")
        box: postbox | None = self
        while box is not None:
            if box is source:
                raise ValueError(f"linking {source.describe()} to {self.describe()} "
                                 "would make a loop of links")
            box = box.target
        source.target = self
        self.sources = self.sources + (source,)
        source._resink(self.sink)

    def removesource(self, source: "postbox") -> None:
        """Undo :meth:`addsource`; ``source`` keeps new messages itself again."""
        if source.target is not self:
            return
        self.sources = tuple(s for s in self.sources if s is not source)
        source.target = None
        source._resink(source)

    def _resink(self, newsink: "postbox") -> None:
        """Make ``newsink`` the sink of this box and every box feeding it."""
        self.sink = newsink
        if newsink is not self and self.q:
            moved = list(self.q)
            self.q.clear()
            newsink._storage()
            assert newsink.items is not None
            newsink.items.extend(moved)      # never refused: nothing is lost
            if newsink.wakes.paused:
                newsink.wakes.wake()
        for source in self.sources:
            source._resink(newsink)

    def describe(self) -> str:
        """E.g. ``inbox 'control' of Kamaelia.Util.Console.ConsoleEchoer_7``."""
        kind = "inbox" if self.isInbox else "outbox"
        owner = getattr(self.owner, "name", None) or repr(self.owner)
        return f"{kind} {self.name!r} of {owner}"

    def __repr__(self) -> str:
        where = "" if self.sink is self else f" -> {self.sink.describe()}"
        return f"<{self.describe()}: {len(self.q)} waiting{where}>"


def _ownerOf(notify: Any) -> Any:
    # 1.14 passed a bound method (component.unpause); accept that or the owner.
    return getattr(notify, "__self__", notify)


def makeInbox(notify: Any = None, size: int | None = None, name: str = "") -> postbox:
    """Make an inbox whose owner (or the owner of bound method ``notify``) is woken."""
    return postbox(_ownerOf(notify), name, True, size)


def makeOutbox(notify: Any = None, name: str = "") -> postbox:
    """Make an outbox belonging to ``notify``'s owner."""
    return postbox(_ownerOf(notify), name, False)


# 1.14 names for the storage classes; kept as aliases for code that imports them.
realsink = postbox


class nullsink:
    """A box that accepts and discards everything (1.14 compatibility)."""

    size = None

    def append(self, message: Any) -> None:
        pass

    def __len__(self) -> int:
        return 0

    def setSize(self, size: int | None) -> None:
        pass

    def getSize(self) -> None:
        return None

    def isFull(self) -> bool:
        return False
