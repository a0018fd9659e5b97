"""Components: microprocesses with named inboxes and outboxes.

Example Usage
-------------
A component declares its boxes and writes ``main`` as a generator that takes
messages from inboxes and sends messages out of outboxes::

    from typing import Iterator

    from Axon.Component import component
    from Axon.Ipc import shutdownRequest

    class Doubler(component):
        Inboxes = {"inbox": "numbers", "control": "shutdown signalling"}
        Outboxes = {"outbox": "doubled numbers", "signal": "shutdown signalling"}

        def main(self) -> Iterator[int]:
            while True:
                for number in self.Inbox("inbox"):
                    self.send(number * 2, "outbox")
                request = shutdownRequest(self)
                if request is not None:
                    self.send(request, "signal")    # pass it on, then end
                    return
                if not self.anyReady():
                    self.pause()
                yield 1

``main`` may also be an ``async def`` (see :mod:`Axon.async_support`).
1.14's way of reading ``"control"`` (``recv`` it, then test it with
``isinstance`` against ``producerFinished`` and ``shutdownMicroprocess``)
works just the same.

Parents wire components together with :meth:`component.link`; most programs
let :class:`Kamaelia.Chassis.Pipeline.Pipeline` or ``Graphline`` do it.

How does it work?
-----------------
``Inboxes`` and ``Outboxes`` are class attributes: a dict of box name ->
one-line description (or just a list of names). The defaults are inboxes
``inbox`` and ``control`` and outboxes ``outbox`` and ``signal``.

Keyword arguments to the constructor become instance attributes, which is how
class attributes serve as overridable defaults: with
``class Button(component): caption = "Press"``, ``Button(caption="Next")``
overrides the caption for one instance. Subclasses must call
``super().__init__(**argd)``; one whose ``__init__`` forgets is told so (a
``TypeError`` naming the class) when it is activated or put in a chassis.

Messaging:

* ``send(message, boxname="outbox")`` appends the message to wherever the
  outbox leads (the final inbox of a chain of links) and wakes its owner. Sent
  to an unlinked outbox, it waits there until the outbox is linked. Into a
  full size-limited inbox it raises ``noSpaceInBox``.
* ``recv(boxname="inbox")`` takes the oldest message (``IndexError`` if none);
  ``dataReady(boxname)`` is the number waiting; ``anyReady()`` is true if any
  inbox has something; ``Inbox(boxname)`` iterates over (and drains) a box.

Children: ``addChildren`` records child components; the parent is woken when
a child ends, so a parent can ``pause()`` until something happens.
``removeChild`` undoes the links this component made to or from the child.
An ended component forgets who asked to hear of its end, so it keeps no
reference to its parent.

Holding nothing: a name in ``main`` keeps what it refers to alive while
``main`` waits at a ``yield``. After ``for number in self.Inbox("inbox")``
the name ``number`` still holds the last message until the loop runs again,
which for a paused component may be never. That costs nothing for numbers;
for big messages, handle the inbox in a method (its names end with the
call), as Kamaelia's own components do, or ``del`` the name before waiting.

Old-style components that define ``initialiseComponent()``, ``mainBody()``
(return a false value to stop) and ``closeDownComponent()`` instead of
``main`` still run: the default ``main`` calls them.

Tracing
-------
Set ``Axon.Component.TraceAllSends = True`` (or ``TraceAllRecvs``) before
making components, as in 1.14, and every component made from then on prints
a line for each message it sends (``SEND: <id of message> <short name>
'<box>' : <message>``) or receives (``RECV: ...``), and logs the same line
at ``DEBUG`` on the logger ``Axon.Component.trace``. The switch is read when
a component is made, so tracing costs nothing while it is off.

What it does not do: a component does not read its own inboxes for you, and
it does not stop itself on a shutdown message; each component's ``main``
decides how it answers ``producerFinished`` and ``shutdownMicroprocess``.
"""

from __future__ import annotations

import logging
from collections import deque
from threading import get_ident
from typing import Any, Callable, Iterator

from Axon.async_support import AsyncComponentMixin
from Axon.Box import noSuchBox, postbox
from Axon.Linkage import linkage
from Axon.Microprocess import MainBody, microprocess
from Axon.Postoffice import postoffice

__all__ = ["component", "TraceAllSends", "TraceAllRecvs"]

#: Trace every send of components made while this is true (1.14's switch).
TraceAllSends = False
#: Trace every receive of components made while this is true (1.14's switch).
TraceAllRecvs = False

_traceLog = logging.getLogger("Axon.Component.trace")


def _trace(kind: str, owner: "component", message: Any, boxname: str) -> None:
    name = owner.name
    line = "%s: %s %s '%s' : %s" % (kind, id(message), name[name.rfind(".") + 1:],
                                     boxname, message)
    print(line)
    _traceLog.debug("%s", line)


def _drain(box: postbox) -> Iterator[Any]:
    q = box.q       # once made, a box's storage never changes (see Axon.Box)
    try:
        while q:
            yield q.popleft()
    finally:
        if q.__class__ is deque and box.q is not q:
            # The box became guarded while we held its bare storage, so
            # those takes went unobserved: tell its watchers and producers.
            box._taken(box.size is not None)


class component(AsyncComponentMixin, microprocess):
    """component(**argd) -> new component; keyword arguments become attributes"""

    Inboxes: Any = {
        "inbox": "Default inbox for bulk data. Used in a pipeline much like stdin",
        "control": "Secondary inbox often used for signals. The closest analogy is unix signals",
    }
    Outboxes: Any = {
        "outbox": "Default data out outbox, used in a pipeline much like stdout",
        "signal": "The default signal based outbox - kinda like stderr, but more for "
                  "sending signal type signals",
    }
    Usescomponents: list[Any] = []

    def __init__(self, *args: Any, **argd: Any) -> None:
        super().__init__()
        # setattr, not self.__dict__.update: touching __dict__ makes Python
        # 3.11+ give up its fast inline attribute storage for this object.
        for name, value in argd.items():
            setattr(self, name, value)
        self.inboxes: dict[str, postbox] = postbox._plainBoxes(self, self.Inboxes, True)
        self.outboxes: dict[str, postbox] = postbox._plainBoxes(self, self.Outboxes, False)
        if TraceAllSends:
            self._o_send = self.send
            self.send = self._debug_send          # type: ignore[method-assign]
        if TraceAllRecvs:
            self._o_recv = self.recv
            self.recv = self._debug_recv          # type: ignore[method-assign]
            self.Inbox = self._debug_Inbox        # type: ignore[method-assign]

    # ------------------------------------------------------------ messaging
    # These four methods are the message-passing hot path: keep them short.
    # try/except costs nothing in Python 3.11+ until something is raised.
    def send(self, message: Any, boxname: str = "outbox") -> None:
        """Send ``message`` out of outbox ``boxname``."""
        try:
            sink = self.outboxes[boxname].sink
            sink.q.append(message)
        except AttributeError:          # storage not made yet: the box's slow path
            sink._store(message)
        except KeyError:
            raise noSuchBox(self, boxname, False) from None
        if sink.wakes.paused:
            sink.wakes.wake()

    def recv(self, boxname: str = "inbox") -> Any:
        """Take the oldest message from inbox ``boxname`` (IndexError if empty)."""
        try:
            return self.inboxes[boxname].q.popleft()
        except (IndexError, AttributeError):
            raise IndexError(f"{self.name}: inbox {boxname!r} is empty") from None
        except KeyError:
            raise noSuchBox(self, boxname, True) from None

    def dataReady(self, boxname: str = "inbox") -> int:
        """Number of messages waiting in inbox ``boxname`` (so: truthy if any)."""
        try:
            return len(self.inboxes[boxname].q)
        except KeyError:
            raise noSuchBox(self, boxname, True) from None

    def anyReady(self) -> bool:
        """True if any inbox has a message waiting."""
        for box in self.inboxes.values():
            if box.q:
                return True
        return False

    def Inbox(self, boxname: str = "inbox") -> Iterator[Any]:
        """Iterate over the messages waiting in inbox ``boxname``, taking each."""
        try:
            box = self.inboxes[boxname]
        except KeyError:
            raise noSuchBox(self, boxname, True) from None
        return _drain(box)

    # ------------------------------------------------------------ tracing
    def _debug_send(self, message: Any, boxname: str = "outbox") -> None:
        """``send`` that first prints (and logs) a ``SEND:`` line; see "Tracing"."""
        _trace("SEND", self, message, boxname)
        original = getattr(self, "_o_send", None)
        if original is None:
            type(self).send(self, message, boxname)
        else:
            original(message, boxname)

    def _debug_recv(self, boxname: str = "inbox") -> Any:
        """``recv`` that prints (and logs) a ``RECV:`` line for what it took."""
        original = getattr(self, "_o_recv", None)
        message = type(self).recv(self, boxname) if original is None else original(boxname)
        _trace("RECV", self, message, boxname)
        return message

    def _debug_Inbox(self, boxname: str = "inbox") -> Iterator[Any]:
        """``Inbox`` taking each message through the traced ``recv``, as 1.14's did."""
        while self.dataReady(boxname):
            yield self.recv(boxname)

    def setInboxSize(self, boxname: str, size: int | None) -> None:
        """Limit inbox ``boxname`` to ``size`` waiting messages (None: no limit)."""
        try:
            box = self.inboxes[boxname]
        except KeyError:
            raise noSuchBox(self, boxname, True) from None
        box.setSize(size)

    def _deliver(self, message: Any, boxname: str = "inbox") -> None:
        """Put ``message`` into inbox ``boxname`` as if it had been sent there.

        Safe to call from another thread than the scheduler's.
        """
        try:
            box = self.inboxes[boxname]
        except KeyError:
            raise noSuchBox(self, boxname, True) from None
        scheduler = self.scheduler
        if scheduler is not None and scheduler._loopThread not in (None, get_ident()):
            scheduler.callFromThread(box.append, message)
        else:
            box.append(message)

    def _collect(self, boxname: str = "outbox") -> Any:
        """Take the oldest message waiting in (unlinked) outbox ``boxname``."""
        try:
            box = self.outboxes[boxname]
        except KeyError:
            raise noSuchBox(self, boxname, False) from None
        return box.pop(0)

    # --------------------------------------------------------------- wiring
    def link(self, source: tuple[Any, str], sink: tuple[Any, str], *optionalargs: Any,
             **kwoptionalargs: Any) -> linkage:
        """Link ``(component, box)`` to ``(component, box)``; return the linkage.

        ``passthrough=0`` (default) links an outbox to an inbox;
        ``passthrough=1`` a parent's inbox to a child's inbox;
        ``passthrough=2`` a child's outbox to a parent's outbox.
        """
        return self.postoffice.link(source, sink, *optionalargs, **kwoptionalargs)

    def unlink(self, thecomponent: Any = None, thelinkage: linkage | None = None) -> None:
        """Undo a linkage this component made, or all of those involving a component."""
        return self.postoffice.unlink(thecomponent, thelinkage)

    def addChildren(self, *children: "component") -> None:
        """Record ``children`` as this component's children; it is woken when one ends."""
        for child in children:
            if child not in self.children:
                self.children.append(child)
                child._callOnCloseDown.append(self.unpause)

    def removeChild(self, child: "component") -> None:
        """Forget ``child`` and undo the linkages this component made involving it."""
        self.postoffice.unlink(thecomponent=child)
        try:
            self.children.remove(child)
        except ValueError:
            return
        try:
            child._callOnCloseDown.remove(self.unpause)
        except ValueError:
            pass

    def childComponents(self) -> list["component"]:
        """A copy of the list of children."""
        return self.children[:]

    # ------------------------------------------------------------ lifecycle
    def main(self) -> MainBody:
        """Default body: runs the old-style initialiseComponent/mainBody/closeDownComponent.

        Override it with a generator (``def main(self) -> Iterator[int]``) or a
        coroutine (``async def main(self) -> None``); see "Typing" in
        :mod:`Axon.Microprocess` for why it is annotated as it is.
        """
        return self._oldStyleMain()

    def _oldStyleMain(self) -> Iterator[Any]:
        result = self.initialiseComponent()
        if not result:
            result = 1
        yield result
        while result:
            result = self.mainBody()
            if result:
                yield result
        yield self.closeDownComponent()

    def initialiseComponent(self) -> Any:
        """Old-style hook: called once before ``mainBody``."""
        return 0

    def mainBody(self) -> Any:
        """Old-style hook: called repeatedly; return a false value to stop."""
        return 0

    def closeDownComponent(self) -> Any:
        """Old-style hook: called once after ``mainBody`` returned false."""
        return 0

    def _closeDownMicroprocess(self) -> Any:
        """Wake everyone waiting for this component to end (its parent).

        Each callback in ``_callOnCloseDown`` is called once, and the list
        is then empty: an ended component holds no reference to its parent
        (or to anything else that asked to hear of its end).
        """
        callbacks, self._closeDownCalls = self._closeDownCalls, None
        if callbacks:
            for callback in callbacks:
                callback()
        return None

    # Most components never link, have children or anyone waiting for their
    # end: their postoffice and both lists are made when first asked for
    # (1,849 -> 1,529 bytes a component, with the postoffice's own tables).
    _postofficeMade: postoffice | None = None
    _childList: list[Any] | None = None
    _closeDownCalls: list[Callable[[], Any]] | None = None

    @property
    def postoffice(self) -> postoffice:
        """The postoffice keeping the linkages this component makes (1.14's attribute)."""
        made = self._postofficeMade
        if made is None:
            made = self._postofficeMade = postoffice(self.name)
        return made

    @postoffice.setter
    def postoffice(self, value: postoffice) -> None:
        self._postofficeMade = value

    @property
    def children(self) -> list[Any]:
        """This component's children (1.14's list: ``addChildren`` adds to it)."""
        children = self._childList
        if children is None:
            children = self._childList = []
        return children

    @children.setter
    def children(self, value: list[Any]) -> None:
        self._childList = value

    @property
    def _callOnCloseDown(self) -> list[Callable[[], Any]]:
        """Callbacks called once when this component ends (1.14's list)."""
        calls = self._closeDownCalls
        if calls is None:
            calls = self._closeDownCalls = []
        return calls

    @_callOnCloseDown.setter
    def _callOnCloseDown(self, value: list[Callable[[], Any]]) -> None:
        self._closeDownCalls = value

    def __str__(self) -> str:
        def describe(boxes: dict[str, postbox]) -> str:
            return ", ".join(f"{name}[{len(box)}]" + ("" if box.sink is box
                             else f"->{box.sink.describe()}") for name, box in boxes.items())
        return (f"Component {self.name} [ inboxes: {describe(self.inboxes)} "
                f"outboxes: {describe(self.outboxes)} ]")

