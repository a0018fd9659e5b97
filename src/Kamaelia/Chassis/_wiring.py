"""What the chassis have in common: checking, wiring and outliving children.

Example Usage
-------------
This module is for writing chassis; users meet its classes through
``Pipeline``, ``Graphline``, ``PAR``, ``Seq`` and ``Carousel``. A chassis that
runs its children side by side and passes shutdowns to all of them::

    from Axon.Ipc import newComponent
    from Kamaelia.Chassis._wiring import Chassis, checkArguments

    class Together(Chassis):
        def __init__(self, *components, **argd):
            super().__init__(**argd)
            self.components = checkArguments("Together", components)

        def main(self):
            self.adopt(*self.components)
            yield newComponent(*self.components)
            while not self.childrenDone():
                self.passControl(self.liveChildren())
                self.pause()
                yield 1
            self.signalEnd()

How does it work?
-----------------
:class:`Chassis` is a component with the bookkeeping every chassis needs:

* ``adopt(*children)`` makes them children (the chassis is woken when one
  ends) and arranges that the moment a child ends, every link the chassis
  made to or from it is undone. So nothing sent after a child's end
  disappears into its inboxes: a passthrough from the chassis's own inbox
  to the dead child now leaves messages waiting in the chassis's inbox,
  where the chassis can see them, report them or hand them to the next
  child. ``childrenDone()`` forgets the children that have ended and says
  whether any are left.
* ``passControl(targets)`` takes everything waiting on the chassis's own
  ``"control"`` and puts each message into the ``"control"`` inbox of each
  target child. The first ``producerFinished`` or ``shutdownMicroprocess``
  among them is remembered in ``shutdownMessage``, and ``signalEnd()`` later
  sends that same message out of ``"signal"`` (or ``producerFinished(self)``
  if none came), following the convention of :mod:`Kamaelia._shutdown`.
* ``dropWaiting(box, why)`` and ``takeChildSignals()`` make sure that
  messages a chassis cannot deliver are logged (logger ``Kamaelia.Chassis``)
  with the chassis's name, never silently dropped.

:class:`WiredChassis` (Pipeline, Graphline) is wired once, at construction,
by ``wire()``, which makes all the links or none and names the offending
link in its error. Its ``main`` runs the children until all have ended.
While its own ``"control"`` leads to no running child (it was never linked,
or the child it led to has ended), it passes what arrives there to every
running child whose ``"control"`` inbox no running sibling is linked to
(links from outside the chassis, such as a Backplane's to a
``SubscribeTo``, do not count), or, if there is none, to every running
child: so it can always be shut down. Messages on its
other inboxes that lead nowhere are logged and dropped. It sends its own
message on ``"signal"`` when it ends only if no child's ``"signal"`` was
linked to its ``"signal"``.

:class:`SwappingChassis` (Seq, Carousel) has one child at a time, whose
``"inbox"`` and ``"outbox"`` pass through to its own and whose ``"signal"``
comes to its ``"_control"`` inbox while it runs (``plug`` / ``unplug``).

What it does not do: it reads no ``"control"`` by itself (each chassis
decides when to call ``passControl``), and it does not track components its
children create.
"""

from __future__ import annotations

import logging
from functools import partial
from typing import Any, Iterable, Iterator, Mapping, Sequence

from Axon.AxonExceptions import AxonException, noSpaceInBox
from Axon.Box import BoxNotFound, noSuchBox
from Axon.Component import component
from Axon.Ipc import ipc, newComponent, producerFinished
from Axon.Linkage import linkage
from Axon.Microprocess import missingSuperInit
from Kamaelia._shutdown import isShutdown

__all__ = ["Chassis", "WiredChassis", "SwappingChassis", "Wire", "boxDict",
           "checkArguments", "checkComponents", "requireBoxes", "log"]

log = logging.getLogger("Kamaelia.Chassis")

#: One link to make: ((source, box), (sink, box), passthrough, description for errors).
Wire = tuple[tuple[Any, str], tuple[Any, str], int, str]


def checkComponents(owner: str, labelled: Iterable[tuple[str, Any]]) -> None:
    """Raise unless every value is a distinct component instance.

    ``labelled`` holds (label, value) pairs; errors read e.g.
    ``Pipeline argument 1 is not a component: 'oops'``.

    A plain function gets a hint to wrap it in ``PureTransformer``; a
    component whose class's ``__init__`` did not call ``super().__init__()``
    gets the error saying so.
    """
    seen: dict[int, str] = {}
    for label, value in labelled:
        if not isinstance(value, component):
            hint = ""
            if isinstance(value, type) and issubclass(value, component):
                hint = f" (a class: did you mean {value.__name__}()?)"
            elif callable(value) and not isinstance(value, type):
                hint = (f" (a plain function: wrap it as PureTransformer({_callableName(value)}),"
                        " from Kamaelia.Util.PureTransformer, to apply it to each message)")
            raise TypeError(f"{owner} {label} is not a component: {value!r}{hint}")
        if not hasattr(value, "_runstate"):
            raise missingSuperInit(value)
        if id(value) in seen:
            raise ValueError(f"{owner} {label} is the same component as {seen[id(value)]} "
                             f"({value.name}); each may be used once")
        seen[id(value)] = label


def _callableName(function: Any) -> str:
    """How to write ``function`` in a hint: ``str.upper``, ``shout``; else a placeholder."""
    for attribute in ("__qualname__", "__name__"):      # str.upper; a local def's name
        name = getattr(function, attribute, "")
        if isinstance(name, str) and name and all(part.isidentifier()
                                                  for part in name.split(".")):
            return name
    return "yourFunction"


def checkArguments(owner: str, components: Sequence[Any]) -> list[component]:
    """``components`` as a list, checked as by :func:`checkComponents` (labelled
    "argument N"); at least one is needed."""
    if not components:
        raise ValueError(f"{owner}() needs at least one component")
    checkComponents(owner, [(f"argument {n}", c) for n, c in enumerate(components)])
    return list(components)


def requireBoxes(child: Any, where: str, inboxes: Sequence[str] = (),
                 outboxes: Sequence[str] = ()) -> None:
    """Raise BoxNotFound, prefixed with ``where``, unless ``child`` has these boxes."""
    for names, isInbox in ((inboxes, True), (outboxes, False)):
        boxes = child.inboxes if isInbox else child.outboxes
        for name in names:
            if name not in boxes:
                error = noSuchBox(child, name, isInbox)
                raise _inContext(error, where)


def boxDict(boxes: Any) -> dict[str, str]:
    """``Inboxes``/``Outboxes`` (a dict, or a list of names) as a new dict."""
    return dict(boxes) if isinstance(boxes, Mapping) else {name: "" for name in boxes}


def _inContext(error: Exception, where: str) -> Exception:
    """``error`` with ``where`` put in front of its message (same type, same traceback)."""
    extra = error.args[1:] if isinstance(error, BoxNotFound) else ()
    error.args = (f"{where}: {error}",) + extra
    return error


class Chassis(component):
    """Chassis(**argd) -> base class of the chassis (see the module docstring)."""

    def __init__(self, **argd: Any) -> None:
        super().__init__(**argd)
        #: The first producerFinished/shutdownMicroprocess taken from "control".
        self.shutdownMessage: ipc | None = None
        self._closeDownHooks: dict[component, Any] = {}

    # ------------------------------------------------------------- children
    def adopt(self, *children: component) -> None:
        """Make ``children`` children; undo this chassis's links to each as it ends."""
        self.addChildren(*children)
        for child in children:
            if child not in self._closeDownHooks:
                # Runs inside the scheduler's close-down of the child, so no
                # message can be sent into the dead child's boxes after it.
                hook = partial(self.postoffice.unlink, child)
                self._closeDownHooks[child] = hook
                child._callOnCloseDown.append(hook)

    def forget(self, child: component) -> None:
        """Undo ``adopt`` for ``child``: unlink it and stop counting it as a child."""
        self.removeChild(child)
        hook = self._closeDownHooks.pop(child, None)
        if hook is not None and hook in child._callOnCloseDown:
            child._callOnCloseDown.remove(hook)

    def liveChildren(self) -> list[component]:
        """The children that have not ended."""
        return [child for child in self.children if not child._isStopped()]

    def childrenDone(self) -> bool:
        """Forget children that have ended; True when none are left."""
        for child in self.childComponents():
            if child._isStopped():
                self.forget(child)
        return not self.children

    # ------------------------------------------------------------- messages
    def passControl(self, targets: Sequence[component], routed: bool = False) -> list[Any]:
        """Pass every message waiting on "control" to each target's "control".

        Returns the messages. With no targets, a message that is not a
        shutdown is logged as dropped, unless ``routed`` (the caller sends
        it on elsewhere).
        """
        if "control" not in self.inboxes:
            return []
        messages = list(self.Inbox("control"))
        for message in messages:
            if self.shutdownMessage is None and isShutdown(message):
                self.shutdownMessage = message
            for child in targets:
                self._deliverControl(child, message)
            if targets or routed:
                continue
            if isShutdown(message):
                log.debug("%s: %r arrived with no running child to pass it to",
                          self.name, message)
            else:
                log.error("%s: no running child to pass %r to (it arrived on "
                          "'control'); dropped", self.name, message)
        return messages

    def _deliverControl(self, child: component, message: Any) -> None:
        box = child.inboxes.get("control")
        if box is None:
            log.warning("%s: %s has no 'control' inbox, so it was not passed %r",
                        self.name, child.name, message)
            return
        try:
            box.append(message)
        except noSpaceInBox:
            log.error("%s: the 'control' inbox of %s is full, so it was not passed %r",
                      self.name, child.name, message)

    def dropWaiting(self, boxname: str, why: str) -> None:
        """Log and drop each message waiting on inbox ``boxname``."""
        for message in self.Inbox(boxname):
            log.error("%s: dropped %r from its %r inbox: %s", self.name, message, boxname, why)

    def takeChildSignals(self, boxname: str = "_control") -> bool:
        """Take what children sent out of "signal"; True if a shutdown message was
        among it. Anything else is logged as ignored."""
        finished = False
        for message in self.Inbox(boxname):
            if isShutdown(message):
                finished = True
            else:
                log.warning("%s: ignored %r from a child's 'signal' outbox",
                            self.name, message)
        return finished

    def signalEnd(self) -> None:
        """Send the shutdown message received (else producerFinished) out of "signal"."""
        message = self.shutdownMessage
        self.send(message if message is not None else producerFinished(self), "signal")

    # --------------------------------------------------------------- wiring
    def wire(self, wires: Iterable[Wire]) -> list[linkage]:
        """Make every link, or (raising the first error, in context) none."""
        made: list[linkage] = []
        for source, sink, passthrough, where in wires:
            try:
                made.append(self.link(source, sink, passthrough=passthrough))
            except (AxonException, ValueError) as error:
                for done in made:
                    self.unlink(thelinkage=done)
                raise _inContext(error, where)
        return made


class WiredChassis(Chassis):
    """WiredChassis(**argd) -> base of chassis wired once, at construction.

    Subclasses set ``self.components`` (the children; a list unless they
    override :meth:`childrenToStart`), call
    :meth:`wire` from ``__init__`` and may set ``self.routes`` (own inbox ->
    own outbox, carried by the chassis itself) before it.
    """

    components: Any

    def __init__(self, **argd: Any) -> None:
        super().__init__(**argd)
        self.routes: dict[str, str] = {}
        self.sendsOwnSignal = False

    def wire(self, wires: Iterable[Wire]) -> list[linkage]:
        made = super().wire(wires)
        signal = self.outboxes.get("signal")
        self.sendsOwnSignal = (signal is not None and not signal.sources
                               and "signal" not in self.routes.values())
        return made

    def main(self) -> Iterator[Any]:
        """Run the children; end, sending on "signal" if it is ours, once all have ended."""
        children = self.childrenToStart()
        self.adopt(*children)
        yield newComponent(*children)
        del children        # from here on self.children: it forgets each as it ends
        while not self.childrenDone():
            self.handleOwnInboxes()
            self.pause()        # every inbox we read was drained just now
            yield 1
        self.handleOwnInboxes()
        if self.sendsOwnSignal:
            self.signalEnd()

    def childrenToStart(self) -> list[component]:
        """The children to activate."""
        return list(self.components)

    def controlTargets(self) -> list[component]:
        """Running children whose "control" no running sibling is linked to (else all running).

        Only links from siblings count, as 1.14 judged by the chassis's own
        wiring: a child subscribed to a Backplane has the backplane's hub
        linked to its "control", and must still be told to stop.
        """
        live = [child for child in self.liveChildren() if "control" in child.inboxes]
        free = [child for child in live
                if not any(source.owner in live and source.owner is not child
                           for source in child.inboxes["control"].sources)]
        return free or live

    def handleOwnInboxes(self) -> None:
        """Deal with messages waiting in our own inboxes, which lead to no child."""
        for name in list(self.inboxes):
            if not self.dataReady(name):
                continue
            route = self.routes.get(name)
            if name == "control":
                messages = self.passControl(self.controlTargets(), routed=route is not None)
            elif route is None:
                self.dropWaiting(name, "it leads to no running child")
                continue
            else:
                messages = list(self.Inbox(name))
            if route is not None:
                for message in messages:
                    self.send(message, route)


class SwappingChassis(Chassis):
    """SwappingChassis(**argd) -> base of chassis with one child at a time.

    The class must declare a ``"_control"`` inbox for the child's signals.
    """

    #: The boxes a child must have to be plugged in (and told to stop).
    CHILD_INBOXES = ("inbox", "control")
    CHILD_OUTBOXES = ("outbox", "signal")

    def __init__(self, **argd: Any) -> None:
        super().__init__(**argd)
        self.child: component | None = None
        self._inboxLink: linkage | None = None

    def plug(self, child: component, where: str) -> None:
        """Wire ``child`` to our boxes and make it the current child (not activated)."""
        links = self.wire([
            ((self, "inbox"), (child, "inbox"), 1, where),
            ((child, "outbox"), (self, "outbox"), 2, where),
            ((child, "signal"), (self, "_control"), 0, where),
        ])
        self._inboxLink = links[0]
        self.adopt(child)
        self.child = child

    def unplugInbox(self) -> None:
        """From now on, what arrives on "inbox" waits for the next child."""
        if self._inboxLink is not None:
            self.unlink(thelinkage=self._inboxLink)
            self._inboxLink = None

    def unplug(self) -> None:
        """Forget the current child (which has ended) and what it signalled."""
        child = self.child
        if child is not None:
            self.unplugInbox()
            self.forget(child)
            self.takeChildSignals()
            self.child = None

    def waitForEnd(self, passControl: bool = True) -> Iterator[Any]:
        """Wait until the current child has ended, then unplug it.

        Meanwhile messages on "control" go to the child (if ``passControl``).
        """
        child = self.child
        while child is not None and not child._isStopped():
            if passControl:
                self.passControl([child])
            self.takeChildSignals()
            self.pause()
            yield 1
        self.unplug()
