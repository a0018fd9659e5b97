"""likefile: use a component from ordinary code, through blocking queues.

Example Usage
-------------
Start the scheduler in a background thread, wrap a component, then ``put``
into its inboxes and ``get`` from its outboxes as if it were a file::

    from Axon.experimental._pprocess_support import background, likefile
    from Kamaelia.Util.PureTransformer import PureTransformer

    background().start()
    shout = likefile(PureTransformer(str.upper))
    shout.put("hello")
    print(shout.get())          # blocks until it comes: HELLO
    shout.shutdown()

Boxes other than the standard four are wrapped on request::

    p = likefile(component, extraInboxes=("secondary",), extraOutboxes="debug")
    p.put("to the secondary inbox", "secondary")
    p.get("debug", timeout=5)

A component that links its own ``"inbox"``/``"outbox"``/``"control"``/
``"signal"`` is wrapped with ``wrapDefault=False``, naming the boxes to
wrap in ``extraInboxes`` / ``extraOutboxes``.

This is Kamaelia 1.14's ``likefile``, which 1.14's process support used in
each child process. :class:`Axon.Handle.Handle` does the same job for the
four standard boxes with non-blocking ``get``.

How does it work?
-----------------
Three pieces, all running on the background scheduler:

* :class:`componentWrapperInput` is a threaded component with one outbox
  per wrapped inbox of the component, linked to it. ``likefile.put`` puts
  the message on a ``queue.Queue`` for that box and names the box on the
  ``whatInbox`` queue; the wrapper's thread wakes up on that and sends
  everything queued for the box into the component (``pollQueue``). When it
  has passed on a ``producerFinished`` or ``shutdownMicroprocess`` it sets
  ``isDead``, tells the output wrapper and ends.
* :class:`componentWrapperOutput` is a component with one inbox per wrapped
  outbox, linked from it, and a ``queue.Queue`` per box that
  ``likefile.get`` reads. It activates the component, moves what arrives
  into the queues (``sendPendingOutput``) and ends when the component has
  ended and everything it sent has been queued. (1.14's ended as soon as
  the input wrapper had passed a shutdown on, losing what the component sent
  while shutting down; its message on ``deathbox`` now only sets
  ``inputEnded``.)
* :class:`likefile` holds the queues: ``put``/``get`` (blocking by
  default, as ``queue.Queue`` does), ``get_nowait``, ``empty``, ``qsize``,
  ``anyReady`` (the names of the outboxes with something waiting, or
  ``None``). ``shutdown()`` puts ``shutdown``, ``producerFinished`` and
  ``shutdownMicroprocess`` into the component's ``"control"``, waits up to a
  second for the input wrapper to confirm, and closes the likefile: later
  calls raise ``AttributeError``, as in 1.14. Dropping the last reference to
  a live likefile shuts it down.

The ``background`` here is :class:`Axon.background.background` keeping a
:class:`dummyComponent` alive, so the scheduler keeps running while
nothing else is; end it with ``scheduler.run.stop()``. ``likefile`` works
with either, and raises ``AttributeError`` when no background scheduler is
running.

The queues of the output side are unlimited (``queuelengths = 0``, as in
1.14); the input queues hold ``componentWrapperInput.queuelengths``
messages (1000), after which ``put`` raises ``queue.Full``.
"""

from __future__ import annotations

import logging
import queue
import threading
from typing import Any, Callable, Iterable, Iterator

import Axon.Ipc as Ipc
from Axon.AdaptiveCommsComponent import AdaptiveCommsComponent
from Axon.Component import component
from Axon.ThreadedComponent import threadedadaptivecommscomponent
from Axon.background import background as _background

__all__ = ["likefile", "background", "componentWrapperInput", "componentWrapperOutput",
           "dummyComponent", "addBox", "DEFIN", "DEFOUT", "queuelengths"]

log = logging.getLogger("Axon.experimental.likefile")

#: The inboxes and outboxes wrapped by default.
DEFIN = ["inbox", "control"]
DEFOUT = ["outbox", "signal"]
#: Size of the output wrapper's queues (0: unlimited).
queuelengths = 0

_SHUTDOWNS = (Ipc.shutdownMicroprocess, Ipc.producerFinished)
_STOP = object()        # tells an input wrapper's thread to end


def addBox(names: Iterable[str], boxMap: dict[str, str], addBox: Callable[[str], str]) -> None:
    """For each name, make a box with ``addBox(name)`` (an ``addInbox`` or
    ``addOutbox``) and record ``boxMap[name] = actual name``.

    Raises ``ValueError`` if a name is already in ``boxMap``.
    """
    for boxname in names:
        if boxname in boxMap:
            raise ValueError(f"box {boxname!r} is already wrapped")
        boxMap[boxname] = addBox(boxname)


class dummyComponent(component):
    """dummyComponent() -> a component that sleeps until stopped, keeping the scheduler running."""

    def main(self) -> Iterator[Any]:
        while True:
            self.pause()
            yield 1


class background(_background):
    """background(slowmo=0, zap=False) -> :class:`Axon.background.background`
    that keeps its scheduler running (with a :class:`dummyComponent`) until
    ``scheduler.run.stop()``."""

    def start(self) -> None:
        super().start()
        dummyComponent().activate(Scheduler=self._scheduler)


class componentWrapperInput(threadedadaptivecommscomponent):
    """componentWrapperInput(child, inboxes=DEFIN) -> feeds ``child``'s inboxes from queues

    Attributes: ``inQueues`` (wrapped inbox -> ``queue.Queue``), ``whatInbox``
    (queue of box names that have something new), ``isDead`` (an event set
    once a shutdown message has been passed on), ``deathbox`` (the outbox that
    tells the output wrapper to end).
    """

    def __init__(self, child: Any, inboxes: Iterable[str] = DEFIN) -> None:
        super().__init__()
        self.child = child
        self.inQueues: dict[str, queue.Queue[Any]] = {}
        self.whatInbox: queue.Queue[Any] = queue.Queue()
        self.isDead = threading.Event()
        self.childInboxMapping: dict[str, str] = {}
        addBox(inboxes, self.childInboxMapping, self.addOutbox)
        for childSink, parentSource in self.childInboxMapping.items():
            self.inQueues[childSink] = queue.Queue(self.queuelengths)
            self.link((self, parentSource), (self.child, childSink))
        self.deathbox = self.addOutbox(str(id(self)))

    def main(self) -> Any:
        while True:
            whatInbox = self.whatInbox.get()
            if self._runstate.stopped:
                return
            if whatInbox is _STOP:          # likefile.shutdown() without a "control"
                self.isDead.set()
                self.send(object, self.deathbox)
                return
            if not self.pollQueue(whatInbox):
                self.isDead.set()
                self.send(object, self.deathbox)
                return

    def pollQueue(self, whatInbox: str) -> bool:
        """Send everything queued for ``whatInbox`` into the child; False once a
        shutdown message (``producerFinished``/``shutdownMicroprocess``) went."""
        parentSource = self.childInboxMapping[whatInbox]
        waiting = self.inQueues[whatInbox]
        while True:
            try:
                message = waiting.get_nowait()
            except queue.Empty:
                return True
            self.send(message, parentSource, block=True)
            if isinstance(message, _SHUTDOWNS):
                return False

    def stop(self) -> None:
        super().stop()
        self.whatInbox.put(_STOP)       # wake the thread from its blocking get


class componentWrapperOutput(AdaptiveCommsComponent):
    """componentWrapperOutput(child, inputHandler, outboxes=DEFOUT) -> queues what ``child`` sends

    Activates ``child`` (its child) and moves what arrives from each wrapped
    outbox into ``outQueues[outbox]``.
    """

    def __init__(self, child: Any, inputHandler: componentWrapperInput,
                 outboxes: Iterable[str] = DEFOUT) -> None:
        super().__init__()
        self.queuelengths = queuelengths
        self.child = child
        self.addChildren(child)
        self.outQueues: dict[str, queue.Queue[Any]] = {}
        self.isDead = inputHandler.isDead
        self.inputEnded = False
        self.deathbox = self.addInbox(str(id(self)))
        self.link((inputHandler, inputHandler.deathbox), (self, self.deathbox))
        self.childOutboxMapping: dict[str, str] = {}
        addBox(outboxes, self.childOutboxMapping, self.addInbox)
        for childSource, parentSink in self.childOutboxMapping.items():
            self.outQueues[childSource] = queue.Queue(self.queuelengths)
            self.link((self.child, childSource), (self, parentSink))

    def main(self) -> Iterator[Any]:
        if self.child._runstate.step is None:
            self.child.activate(Scheduler=self.scheduler)
        while True:
            self.sendPendingOutput()
            for _ in self.Inbox(self.deathbox):
                self.inputEnded = True
            if self.child._isStopped() and not any(
                    self.dataReady(box) for box in self.childOutboxMapping.values()):
                return
            self.pause()
            yield 1

    def sendPendingOutput(self) -> None:
        """Move what the child sent into the queues (leaving it waiting if a queue is full)."""
        for childSource, parentSink in self.childOutboxMapping.items():
            target = self.outQueues[childSource]
            while self.dataReady(parentSink) and not target.full():
                target.put_nowait(self.recv(parentSink))


class likefile:
    """likefile(child, extraInboxes=(), extraOutboxes=(), wrapDefault=True) -> file-like access to ``child``

    Needs a running background scheduler (:class:`background` or
    :class:`Axon.background.background`).

    - child         -- the component to wrap (not yet activated)
    - extraInboxes  -- a box name or tuple of names of other inboxes to wrap
    - extraOutboxes -- likewise for outboxes
    - wrapDefault   -- wrap those of ``"inbox"``, ``"control"``, ``"outbox"``
      and ``"signal"`` that the component has
    """

    alive = False

    def __init__(self, child: Any, extraInboxes: Any = (), extraOutboxes: Any = (),
                 wrapDefault: bool = True) -> None:
        if _background.lock.acquire(False):
            _background.lock.release()
            raise AttributeError("no running scheduler found: likefile needs a background "
                                 "scheduler (background().start())")
        if not isinstance(extraInboxes, tuple):
            extraInboxes = (extraInboxes,)
        if not isinstance(extraOutboxes, tuple):
            extraOutboxes = (extraOutboxes,)
        inboxes = [name for name in DEFIN if name in child.inboxes] if wrapDefault else []
        outboxes = [name for name in DEFOUT if name in child.outboxes] if wrapDefault else []
        inboxes += list(extraInboxes)
        outboxes += list(extraOutboxes)
        try:
            inputComponent = componentWrapperInput(child, inboxes)
        except KeyError as e:
            raise KeyError(f"component to wrap has no such inbox: {e}") from None
        try:
            outputComponent = componentWrapperOutput(child, inputComponent, outboxes)
        except KeyError as e:
            inputComponent.unlink(thecomponent=child)
            raise KeyError(f"component to wrap has no such outbox: {e}") from None
        self.inQueues = dict(inputComponent.inQueues)
        self.outQueues = dict(outputComponent.outQueues)
        self.inputComponent = inputComponent
        self.outputComponent = outputComponent
        inputComponent.activate()
        outputComponent.activate()
        self.alive = True

    def _check(self) -> None:
        if not self.alive:
            raise AttributeError("shutdown was previously called, or we were never activated.")

    def empty(self, boxname: str = "outbox") -> bool:
        """True if nothing from ``boxname`` is waiting to be collected."""
        return self.outQueues[boxname].empty()

    def qsize(self, boxname: str = "outbox") -> int:
        """About how many messages from ``boxname`` wait to be collected."""
        return self.outQueues[boxname].qsize()

    def get_nowait(self, boxname: str = "outbox") -> Any:
        """Same as ``get(boxname, blocking=False)``."""
        return self.get(boxname, blocking=False)

    def anyReady(self) -> list[str] | None:
        """Names of the wrapped outboxes with messages waiting, or None."""
        names = [name for name in self.outQueues if self.qsize(name)]
        return names or None

    def get(self, boxname: str = "outbox", blocking: bool = True, timeout: float = 86400) -> Any:
        """Take the next message the component sent from ``boxname``.

        Blocks (for at most ``timeout`` seconds) unless ``blocking`` is false;
        raises ``queue.Empty`` if nothing came.
        """
        self._check()
        return self.outQueues[boxname].get(blocking, timeout)

    def put(self, msg: Any, boxname: str = "inbox") -> None:
        """Deliver ``msg`` to the component's inbox ``boxname``."""
        self._check()
        self.inQueues[boxname].put_nowait(msg)
        self.inputComponent.whatInbox.put_nowait(boxname)

    def shutdown(self) -> None:
        """Send the shutdown messages to the component's "control" and close this likefile."""
        self._check()
        if "control" in self.inQueues:
            for message in (Ipc.shutdown(), Ipc.producerFinished(), Ipc.shutdownMicroprocess()):
                self.put(message, "control")
        else:
            log.warning("%s has no wrapped 'control' inbox: ending the likefile without "
                        "telling the component", self.inputComponent.child.name)
            self.inputComponent.whatInbox.put_nowait(_STOP)
        self.inputComponent.isDead.wait(1)
        if not self.inputComponent.isDead.is_set():
            log.warning("timed out waiting for %s to confirm its shutdown; it may still run",
                        self.inputComponent.child.name)
        self.alive = False

    def __del__(self) -> None:
        if self.alive:
            try:
                self.shutdown()
            except Exception:  # noqa: BLE001 - nothing to report to during collection
                pass
