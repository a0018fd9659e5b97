"""Handles: let ordinary (non-component) code talk to a component.

Example Usage
-------------
With the scheduler running in the background, wrap a component in a
``Handle``, then put messages into its inboxes and get messages from its
outboxes from any thread::

    import queue
    from Axon.background import background
    from Axon.Handle import Handle
    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Util.PureTransformer import PureTransformer

    background().start()
    shout = Handle(Pipeline(PureTransformer(str.upper),
                            PureTransformer(lambda s: s + "!"))).activate()
    shout.put("hello", "inbox")
    try:
        print(shout.get("outbox"))            # non-blocking: may raise queue.Empty
    except queue.Empty:
        print(shout.get("outbox", block=True, timeout=5))

How does it work?
-----------------
``Handle(component)`` is a threaded component (as in Kamaelia 1.14) that
makes the wrapped component its child and links **only the four standard
boxes**: its outboxes ``"_outbox"`` and ``"_signal"`` feed the component's
``"inbox"`` and ``"control"``, and the component's ``"outbox"`` and
``"signal"`` feed its inboxes ``"_inbox"`` and ``"_control"``. Any other box
of the wrapped component is left alone, so a component that links its own
private boxes (``TCPClient`` does) can still do so. A standard box the
component does not have is simply not linked.

``put(message, boxname="inbox")`` is thread-safe: it queues the message
(``boxname`` is ``"inbox"`` or ``"control"``) and wakes the handle's thread,
which sends it on. What the component sends arrives in the handle's inboxes;
the thread moves it into a queue of ``(message, boxname)`` pairs
(``"outbox"`` or ``"signal"``). ``get(boxname="outbox")`` returns the next
message from that outbox without blocking and raises ``queue.Empty`` when
there is none (pass ``block=True`` and optionally ``timeout`` to wait);
``_get()`` takes the next pair whatever its box, as in 1.14.

The thread sleeps until something happens (a ``put``, a message from the
component, the component ending): unlike 1.14's it does not poll.

When the wrapped component ends, the handle collects everything it sent,
unlinks it (``childrenDone()``) and ends too; what it collected stays
available to ``get``. ``put`` after that raises ``RuntimeError`` rather than
losing the message; so does ``put`` to a box that is not forwarded.
``producerFinished`` or ``shutdownMicroprocess`` put into ``"control"`` is
passed to the component like any message; the handle itself sends nothing
on its outboxes of its own accord.

Once ended, the handle lets go of the component: ``comp`` becomes ``None``
(its name and box names are remembered for error messages), so plain code
that keeps a handle after its system has finished does not keep that system,
or what it last held, alive. The handle keeps no message it has passed on
either: each leaves its queues as it is forwarded or taken by ``get``.
"""

from __future__ import annotations

import queue
import threading
import time
from collections import deque
from typing import Any

from Axon.Box import BoxNotFound, noSuchBox
from Axon.ThreadedComponent import threadedcomponent

__all__ = ["Handle"]

#: Wrapped component's inbox -> the handle's outbox that feeds it.
_TO_COMPONENT = {"inbox": "_outbox", "control": "_signal"}
#: Wrapped component's outbox -> the handle's inbox it feeds.
_FROM_COMPONENT = {"outbox": "_inbox", "signal": "_control"}


def linkStandardBoxes(owner: Any, comp: Any) -> None:
    """Link ``owner``'s private boxes to the standard boxes ``comp`` has (and
    only those, so ``comp`` can still link its other boxes itself), and adopt
    ``comp`` as ``owner``'s child."""
    for theirs, ours in _TO_COMPONENT.items():
        if theirs in comp.inboxes:
            owner.link((owner, ours), (comp, theirs))
    for theirs, ours in _FROM_COMPONENT.items():
        if theirs in comp.outboxes:
            owner.link((comp, theirs), (owner, ours))
    owner.addChildren(comp)


def _checkBox(comp: Any, boxname: Any, inbox: bool) -> None:
    """Raise unless ``boxname`` is one of ``comp``'s standard boxes that a handle carries."""
    forwarded = _TO_COMPONENT if inbox else _FROM_COMPONENT
    boxes = comp.inboxes if inbox else comp.outboxes
    if boxname not in boxes:
        raise noSuchBox(comp, boxname, inbox)
    if boxname not in forwarded:
        kind = "inbox" if inbox else "outbox"
        raise BoxNotFound(f"a Handle reaches only the standard boxes of {comp.name}, "
                          f"not its {kind} {boxname!r} (it carries "
                          f"{' and '.join(map(repr, forwarded))})", comp, boxname)


class _Remembered:
    """What a handle keeps of its component once it has let it go: its name
    and box names, for error messages."""

    __slots__ = ("name", "inboxes", "outboxes")

    def __init__(self, comp: Any) -> None:
        self.name = comp.name
        self.inboxes = dict.fromkeys(comp.inboxes)
        self.outboxes = dict.fromkeys(comp.outboxes)


class LetsGoOfComponent:
    """Mixin for the handles: ``comp`` until the handle ends, then ``None``.

    ``_described`` is the component, or once let go, what is remembered of
    it (enough for :func:`_checkBox` and error messages). On close-down the
    handle unlinks and forgets its children and lets go of ``comp``.
    """

    comp: Any
    _remembered: _Remembered | None = None

    @property
    def _described(self) -> Any:
        comp = self.comp         # read once: another thread may let go meanwhile
        return comp if comp is not None else self._remembered

    def _letGo(self) -> None:
        comp = self.comp
        if comp is not None:
            self._remembered = _Remembered(comp)
            self.comp = None

    def _closeDownMicroprocess(self) -> Any:
        result = super()._closeDownMicroprocess()  # type: ignore[misc]
        owner: Any = self
        for child in owner.childComponents():
            owner.removeChild(child)
        self._letGo()
        return result


class Handle(LetsGoOfComponent, threadedcomponent):
    """Handle(someComponent) -> handle giving plain code access to its four standard boxes"""

    Inboxes = {
        "_inbox": "what the wrapped component sends from 'outbox' (for get('outbox'))",
        "_control": "what the wrapped component sends from 'signal' (for get('signal'))",
    }
    Outboxes = {
        "_outbox": "messages put() for the wrapped component's 'inbox'",
        "_signal": "messages put() for the wrapped component's 'control'",
    }

    def __init__(self, someComponent: Any) -> None:
        super().__init__()
        self.comp = someComponent
        self.inboundData: queue.Queue[tuple[Any, str]] = queue.Queue()
        self.outboundData: queue.Queue[tuple[Any, str]] = queue.Queue()
        self.temp: dict[str, deque[Any]] = {}       # taken from outboundData by get()
        self._tempLock = threading.Lock()
        self._finished = False

    # ------------------------------------------------------- plain code side
    def put(self, *args: Any, boxname: str | None = None) -> None:
        """put(message, boxname="inbox"): deliver ``message`` to the wrapped
        component's ``"inbox"`` or ``"control"`` (thread-safe)."""
        if not 1 <= len(args) <= 2 or (len(args) == 2 and boxname is not None):
            raise TypeError(f"put() takes a message and an optional box name, not {args!r}")
        message = args[0]
        box = args[1] if len(args) == 2 else (boxname or "inbox")
        self._checkBox(box, inbox=True)
        if self._finished:
            raise RuntimeError(f"{self._described.name} has ended: cannot deliver {message!r} "
                               f"to its {box!r}")
        self.inboundData.put((message, box))
        self._messageArrived.set()

    def _get(self) -> tuple[Any, str]:
        """The next ``(message, boxname)`` collected, whatever its box (``queue.Empty`` if none)."""
        return self.outboundData.get_nowait()

    def get(self, boxname: str = "outbox", block: bool = False,
            timeout: float | None = None) -> Any:
        """Take the next message the wrapped component sent from ``boxname``.

        Non-blocking by default: raises ``queue.Empty`` if there is none.
        With ``block=True`` waits for one (at most ``timeout`` seconds).
        """
        self._checkBox(boxname, inbox=False)
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            with self._tempLock:
                while True:
                    try:
                        message, box = self.outboundData.get_nowait()
                    except queue.Empty:
                        break
                    self.temp.setdefault(box, deque()).append(message)
                waiting = self.temp.get(boxname)
                if waiting:
                    return waiting.popleft()
            if not block:
                raise queue.Empty
            remaining = None if deadline is None else deadline - time.monotonic()
            if remaining is not None and remaining <= 0:
                raise queue.Empty
            message, box = self.outboundData.get(True, remaining)
            with self._tempLock:
                self.temp.setdefault(box, deque()).append(message)

    def _checkBox(self, boxname: Any, inbox: bool) -> None:
        _checkBox(self._described, boxname, inbox)

    # ---------------------------------------------------------- thread side
    def main(self) -> Any:
        """Forward put() messages in and collected messages out until the component ends."""
        self._do_threadsafe(self._wire, (), {})
        try:
            while not self._runstate.stopped:
                self._messageArrived.clear()
                self._forwardPuts()
                self._collectFromComponent()
                if self.childrenDone():
                    break
                if self.inboundData.empty() and not self.anyReady():
                    self._messageArrived.wait()
            self._collectFromComponent()
            if not self._runstate.stopped:
                for boxname, message in self._do_threadsafe(self._takeRest, (), {}):
                    self._handOver(boxname, message)
        finally:
            self._finished = True
            self._ended()

    def childrenDone(self) -> bool:
        """Unlink and forget children that have ended; True when none is left."""
        ended = [child for child in self.childComponents() if child._isStopped()]
        if ended:
            self._do_threadsafe(self._removeChildren, (ended,), {})
        return not self.childComponents()

    def _wire(self) -> None:
        comp = self.comp
        linkStandardBoxes(self, comp)
        comp._callOnCloseDown.append(self._messageArrived.set)   # wake the thread too
        if comp._runstate.step is None:
            comp.activate(Scheduler=self.scheduler)

    def _removeChildren(self, ended: list[Any]) -> None:
        for child in ended:
            self.removeChild(child)

    def _forwardPuts(self) -> None:
        while True:
            try:
                message, box = self.inboundData.get_nowait()
            except queue.Empty:
                return
            self.send(message, _TO_COMPONENT[box], block=True)

    def _collectFromComponent(self) -> None:
        for theirs, ours in _FROM_COMPONENT.items():
            for message in self.Inbox(ours):
                self._handOver(theirs, message)

    def _takeRest(self) -> list[tuple[str, Any]]:
        """In the scheduler's thread, once the component has ended: what it
        sent that has not been carried to the thread yet, in order."""
        rest = []
        for theirs, ours in _FROM_COMPONENT.items():
            queued = self._inqueues.get(ours)
            while queued:
                rest.append((theirs, queued.popleft()))
            box = self.inboxes[ours]
            while box.q:
                rest.append((theirs, box.q.popleft()))
        return rest

    def _handOver(self, boxname: str, message: Any) -> None:
        """Make a message from the wrapped component's ``boxname`` available to ``get``."""
        self.outboundData.put((message, boxname))

    def _ended(self) -> None:
        """Called (in the thread) once the component has ended and everything is collected."""
