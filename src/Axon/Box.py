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

Kamaelia 1.14's box interface
-----------------------------
1.14 built a box from a piece of *storage* (``postbox(storage, notify)``):
a :class:`realsink` (a list that calls ``notify()`` when a message arrives
and every callback in its ``wakeOnPop`` list when one is taken) for an
inbox, a :class:`nullsink` for an outbox. Both classes exist and work on
their own as 1.14 described. Given to ``postbox`` they say what the box is:
a ``realsink`` makes an inbox whose arrivals call its ``notify`` (or wake
its owner, when ``notify`` is a component's bound ``unpause``), with its
size limit and its ``wakeOnPop`` callbacks, and takes over any messages
already in it; a ``nullsink`` makes an outbox. The messages themselves then
live in the box's own storage, as for every other box.

1.14 also called *take callbacks*: each outbox made with a ``notify`` has it
called whenever a message is taken from the inbox the outbox feeds.
``getnotifys()`` lists the callbacks a box passes on to whatever it is
linked to; linking (``addsource``) hands them down the chain
(``_addnotifys``) and unlinking takes them back (``_removenotifys``). The
boxes of our own components pass on none: producers are woken only when a
full inbox gets room, which keeps ``recv`` cheap.

Transit tracing: ``setShowTransit(True, tag)`` prints 1.14's ``Delivery via
[ tag ] of  'message'`` line for each arrival (and logs it, see
``showTransit``). Setting the module flag ``ShowAllTransits = True`` traces
every box made (and every linkage made) from then on; boxes that already
exist are not affected, which keeps the check off the send path.
"""

from __future__ import annotations

import logging
from collections import deque
from typing import Any, Callable, Iterable

from Axon.AxonExceptions import BadInbox, BoxAlreadyLinkedToDestination, noSpaceInBox
from Axon.Microprocess import RunState

__all__ = ["postbox", "makeInbox", "makeOutbox", "nullsink", "realsink", "BoxNotFound",
           "findBox", "ShowAllTransits"]

log = logging.getLogger("Axon.Linkage")

#: Trace every box (and linkage) made from now on, as 1.14's flag did.
ShowAllTransits = False


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


class _CallbackWaker:
    """Stands where a box's owner's RunState would, for a box whose arrivals
    call a plain callback (1.14's ``realsink(notify)``): always "paused", so
    every arrival calls ``wake``, which calls the callback."""

    __slots__ = ("callback",)
    paused = True
    stopped = False

    def __init__(self, callback: Callable[[], Any]) -> None:
        self.callback = callback

    def wake(self) -> None:
        self.callback()


class _Extras:
    """What few boxes need, kept out of the box itself so that every box
    stays small: take watchers, 1.14's take callbacks and storage, and
    transit tracing."""

    __slots__ = ("watchers", "onTake", "myNotifyOnPop", "storage", "logTag", "printOn",
                 "printTag")

    def __init__(self) -> None:
        self.watchers: list[Callable[[], Any]] | None = None   # one-shot (notifyOnTake)
        self.onTake: list[Callable[[], Any]] = []             # every take (1.14 wakeOnPop)
        self.myNotifyOnPop: list[Callable[[], Any]] = []      # passed on when linked
        self.storage: Any = None                              # 1.14 storage object given
        self.logTag: str | None = None                        # showTransit: log arrivals
        self.printOn = False                                  # setShowTransit: print them
        self.printTag: Any = None

    def guarded(self) -> bool:
        return bool(self.watchers or self.onTake or self.logTag or self.printOn)


def _showArrival(box: "postbox", item: Any) -> None:
    extras = box._extras
    assert extras is not None
    if extras.logTag:
        log.info("%s: %r arrives in %s", extras.logTag, item, box.describe())
    if extras.printOn:
        print("Delivery via [", extras.printTag, "] of ", repr(item))


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
        if box._extras is not None:
            _showArrival(box, item)
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
    """postbox(storage=None, notify=None, owner=None, name="", isInbox=True, size=None)
    -> a box belonging to ``owner``

    ``owner`` is the component (or any microprocess) the box belongs to.
    Messages waiting in an inbox wake its owner; messages waiting in an
    unlinked outbox wake nobody.

    ``storage`` and ``notify`` are Kamaelia 1.14's arguments (see "Kamaelia
    1.14's box interface" above): ``storage`` a :class:`realsink` (an inbox)
    or :class:`nullsink` (an outbox), ``notify`` a callback to call whenever
    a message is taken from the inbox this box feeds.
    """

    __slots__ = ("q", "items", "sink", "target", "sources", "wakes", "owner", "name",
                 "isInbox", "size", "_extras", "__weakref__")

    @classmethod
    def _plainBoxes(cls, owner: Any, names: Iterable[str], isInbox: bool) -> dict[str, "postbox"]:
        """``{name: postbox(None, None, owner, name, isInbox)}`` for ``names``, made faster.

        What every component's ``__init__`` does for its declared boxes: the
        same fields as ``__init__`` sets in its common case, stored without
        its call and branches (4.84 -> 4.62 us a component created).
        """
        wakes = owner._runstate if isInbox else NOBODY
        new = cls.__new__
        boxes = {}
        for name in names:
            box = new(cls)
            box.items = None
            box.q = ()
            box.sink = box
            box.target = None
            box.sources = ()
            box.name = name
            box.size = None
            box._extras = None
            box.owner = owner
            box.isInbox = isInbox
            box.wakes = wakes
            if ShowAllTransits and isInbox:
                box.setShowTransit(True)
            boxes[name] = box
        return boxes

    def __init__(self, storage: Any = None, notify: Callable[[], Any] | None = None,
                 owner: Any = None, name: str = "", isInbox: bool = True,
                 size: int | None = None) -> None:
        self.items: deque | None = None   # the storage, made on first use
        self.q: Any = ()     # what send/recv use: (), the storage, or a _GuardedView
        self.sink: postbox = self
        self.target: postbox | None = None
        self.sources: tuple[postbox, ...] = ()
        self.name = name
        self.size: int | None = None
        self._extras: _Extras | None = None
        if storage is not None or notify is not None:
            self._adopt1_14(storage, notify, owner, isInbox, size)
            return
        self.owner = owner
        self.isInbox = isInbox
        runstate = getattr(owner, "_runstate", None)
        self.wakes: Any = runstate if isInbox and runstate is not None else NOBODY
        if size is not None:
            self.setSize(size)
        if ShowAllTransits and isInbox:
            self.setShowTransit(True)

    def _adopt1_14(self, storage: Any, notify: Any, owner: Any, isInbox: bool,
                   size: int | None) -> None:
        """Set up a box from 1.14's ``storage`` / ``notify`` arguments."""
        extras = self._extras = _Extras()
        extras.storage = storage
        arrival = None
        waiting: list[Any] = []
        if isinstance(storage, nullsink):
            isInbox = False
            extras.printOn, extras.printTag = bool(storage.showtransit), storage.tag
        elif storage is not None:
            isInbox = True
            arrival = getattr(storage, "notify", None)
            if size is None:
                size = getattr(storage, "size", None)
            wakeOnPop = getattr(storage, "wakeOnPop", None)
            if isinstance(wakeOnPop, list):
                extras.onTake = wakeOnPop      # shared, as 1.14's storage was
            if getattr(storage, "showtransit", None) or ShowAllTransits:
                extras.printOn, extras.printTag = True, getattr(storage, "tag", None)
            try:
                waiting = list(storage)
            except TypeError:
                waiting = []
            if waiting:
                storage.clear()
        if notify is not None:
            extras.myNotifyOnPop.append(notify)
        if owner is None:
            owner = _ownerOf(arrival if isInbox and arrival is not None else notify)
        self.owner = owner
        self.isInbox = isInbox
        runstate = getattr(owner, "_runstate", None)
        if not isInbox:
            self.wakes = NOBODY
        elif runstate is not None and arrival == getattr(owner, "unpause", None):
            self.wakes = runstate         # the same thing, on the fast path
        elif callable(arrival):
            self.wakes = _CallbackWaker(arrival)
        else:
            self.wakes = NOBODY
        if size is not None:
            self.setSize(size)
        self._chooseStorage()
        for message in waiting:
            self._storage().append(message)

    def _ensureExtras(self) -> _Extras:
        if self._extras is None:
            self._extras = _Extras()
        return self._extras

    @property
    def storage(self) -> Any:
        """The 1.14 storage object this box was made with, else its own message storage."""
        extras = self._extras
        if extras is not None and extras.storage is not None:
            return extras.storage
        return self._storage()

    # ------------------------------------------------------------ messages
    def append(self, message: Any) -> None:
        """Put ``message`` where it would go if sent into this box.

        Follows passthrough links to the sink, enforces its size limit and
        wakes the sink's owner.
        """
        sink = self.sink
        q = sink.q
        if q.__class__ is deque:
            # A plain inbox: what _store does, without its two calls (an
            # append to a linked box: 135 -> 87 ns; each chunk a connection
            # reads goes this way to its protocol).
            q.append(message)
        else:
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
    def setSize(self, size: int | None) -> int | None:
        """Limit this box to ``size`` waiting messages (``None``: no limit); return the limit."""
        if size is not None and (not isinstance(size, int) or size < 0):
            raise ValueError(f"box size must be a non-negative int or None, not {size!r}")
        self.size = size
        extras = self._extras
        if extras is not None and isinstance(extras.storage, realsink):
            extras.storage.size = size      # 1.14 kept the limit on the storage
        self._chooseStorage()
        return size

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
        extras = self._ensureExtras()
        if extras.watchers is None:
            extras.watchers = []
        extras.watchers.append(callback)
        self._chooseStorage()

    def _taken(self, wasFull: bool) -> None:
        if wasFull:
            for producer in self._producers():
                unpause = getattr(producer, "unpause", None)
                if unpause is not None:
                    unpause()
        extras = self._extras
        if extras is None:
            return
        for callback in list(extras.onTake):
            callback()
        watchers = extras.watchers
        if watchers:
            extras.watchers = None
            self._chooseStorage()
            for callback in watchers:
                callback()

    # ------------------------------------------- 1.14's take callbacks
    def getnotifys(self) -> list[Callable[[], Any]]:
        """The take callbacks this box hands to whatever it is linked to.

        Its own ``notify`` (if it was made with one) plus those handed to it
        by the boxes linked to it, as in 1.14.
        """
        extras = self._extras
        if extras is None:
            return []
        return extras.myNotifyOnPop + extras.onTake

    def _addnotifys(self, newnotifys: Iterable[Callable[[], Any]]) -> None:
        """Call ``newnotifys`` whenever a message is taken here, and pass them down the chain."""
        newnotifys = list(newnotifys)
        if not newnotifys:
            return
        self._ensureExtras().onTake.extend(newnotifys)
        self._chooseStorage()
        if self.target is not None:
            self.target._addnotifys(newnotifys)

    def _removenotifys(self, oldnotifys: Iterable[Callable[[], Any]]) -> None:
        """Undo :meth:`_addnotifys` here and down the chain."""
        oldnotifys = list(oldnotifys)
        extras = self._extras
        if not oldnotifys or extras is None:
            return
        for callback in oldnotifys:
            try:
                extras.onTake.remove(callback)
            except ValueError:
                pass
        self._chooseStorage()
        if self.target is not None:
            self.target._removenotifys(oldnotifys)

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
        self._ensureExtras().logTag = tag or None
        self._chooseStorage()

    def setShowTransit(self, showtransit: bool = False, tag: Any = None) -> None:
        """Trace each message arriving in this box, as 1.14 did: print ``Delivery
        via [ tag ] of  'message'`` and log it (see :meth:`showTransit`)."""
        self._setTransit(showtransit, tag, str(tag) if tag is not None else self.describe())

    def _setTransit(self, showtransit: Any, printTag: Any, logTag: str) -> None:
        extras = self._ensureExtras()
        extras.printOn = bool(showtransit)
        extras.printTag = printTag
        extras.logTag = logTag if showtransit else None
        self._chooseStorage()

    def _chooseStorage(self) -> None:
        extras = self._extras
        guarded = self.size is not None or (extras is not None and extras.guarded())
        if guarded and self.items is None:
            self.items = deque()
        if self.items is not None:
            self.q = _GuardedView(self, self.items) if guarded else self.items

    # -------------------------------------------------------------- links
    def addsource(self, newsource: "postbox") -> None:
        """Link ``newsource`` to this box: what is sent into it comes here."""
        source = newsource
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
        self._addnotifys(source.getnotifys())

    def removesource(self, oldsource: "postbox") -> None:
        """Undo :meth:`addsource`; ``oldsource`` keeps new messages itself again.

        Removing a box that is not linked here does nothing.
        """
        if oldsource.target is not self:
            return
        self.sources = tuple(s for s in self.sources if s is not oldsource)
        oldsource.target = None
        oldsource._resink(oldsource)
        self._removenotifys(oldsource.getnotifys())

    def _retarget(self, newtarget: "postbox | None" = None) -> None:
        """Aim this box (and the boxes linked to it) at ``newtarget``'s sink, or
        at itself if None; what waits here moves on. 1.14's internal step of
        linking: it does not record this box as a source of ``newtarget``
        (``addsource`` does both)."""
        self.target = newtarget
        self._resink(self if newtarget is None else newtarget.sink)

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
    """Make an inbox: ``notify()`` is called when a message arrives (the owner
    is woken instead when ``notify`` is a component's bound method)."""
    return postbox(realsink(notify, size), owner=_ownerOf(notify), name=name)


def makeOutbox(notify: Any = None, name: str = "") -> postbox:
    """Make an outbox: ``notify()`` is called whenever a message is taken from
    the inbox it feeds, as in 1.14."""
    return postbox(nullsink(), notify, owner=_ownerOf(notify), name=name)


class nullsink:
    """nullsink() -> storage that discards what is appended to it (1.14).

    It always looks empty. With ``setShowTransit(True, tag)`` each discarded
    message is printed, as in 1.14.
    """

    def __init__(self) -> None:
        self.size: int | None = None
        self.tag: Any = None
        self.showtransit: Any = ShowAllTransits
        self.wakeOnPop: list[Callable[[], Any]] = []

    def append(self, data: Any) -> None:
        """Discard ``data``."""
        if self.showtransit:
            print("Discarding Delivery via [", self.tag, self, "] of ", repr(data))

    def setShowTransit(self, showtransit: Any, tag: Any) -> None:
        """Print each discarded message (if ``showtransit``), labelled ``tag``."""
        self.showtransit = showtransit
        self.tag = tag

    def __len__(self) -> int:
        return 0

    def pop(self, index: int) -> Any:
        """Always raises ``IndexError``: there is nothing to take."""
        raise IndexError("nullsink: a nullsink never holds anything to pop")

    def setSize(self, size: int | None) -> None:
        pass

    def getSize(self) -> None:
        return None

    def isFull(self) -> bool:
        return False

    def __repr__(self) -> str:
        return f"<{id(self)}>"


class realsink(list):
    """realsink(notify, size=None) -> list-like storage for an inbox (1.14).

    ``append`` refuses a message with ``noSpaceInBox`` once ``size`` messages
    wait, and calls ``notify()`` after storing one; ``pop`` calls every
    callback in ``wakeOnPop`` after taking one.
    """

    def __init__(self, notify: Callable[[], Any] | None, size: int | None = None) -> None:
        super().__init__()
        self.notify = notify
        self.size = size
        self.tag: Any = None
        self.showtransit: Any = None
        self.wakeOnPop: list[Callable[[], Any]] = []

    def append(self, data: Any) -> None:
        """Store ``data`` and call ``notify()``; ``noSpaceInBox`` if full."""
        if self.showtransit or ShowAllTransits:
            print("Delivery via [", self.tag, "] of ", repr(data))
        if self.size is not None and len(self) >= self.size:
            raise noSpaceInBox(f"realsink is full ({len(self)} of {self.size} messages)",
                               len(self), self.size)
        list.append(self, data)
        if self.notify is not None:
            self.notify()

    def setShowTransit(self, showtransit: Any, tag: Any) -> None:
        """Print each arriving message (if ``showtransit``), labelled ``tag``."""
        self.showtransit = showtransit
        self.tag = tag

    def pop(self, index: int) -> Any:  # type: ignore[override]
        """Take the item at ``index`` (``IndexError`` if none); call the ``wakeOnPop`` callbacks."""
        item = list.pop(self, index)
        for callback in list(self.wakeOnPop):
            callback()
        return item
