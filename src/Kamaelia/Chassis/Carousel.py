"""Carousel: one child at a time, replaced by a new one on request.

Example Usage
-------------
Read each chapter in turn: a chooser hands out chapter names, one per
``"NEXT"``; the Carousel makes a child to read each, and asks for the next
name when that child has finished::

    from Kamaelia.Chassis.Carousel import Carousel
    from Kamaelia.Chassis.Graphline import Graphline
    from Kamaelia.Util.Chooser import ForwardIteratingChooser
    from Kamaelia.Util.Console import ConsoleEchoer
    from Kamaelia.Util.DataSource import DataSource

    def readChapter(name):                       # the componentFactory
        return DataSource([f"-- {name} --\\n", "(text)\\n"])

    Graphline(
        CHAPTERS=ForwardIteratingChooser(["one", "two"]),
        READ=Carousel(readChapter),
        OUT=ConsoleEchoer(),
        linkages={
            ("CHAPTERS", "outbox"): ("READ", "next"),
            ("CHAPTERS", "signal"): ("READ", "control"),
            ("READ", "requestNext"): ("CHAPTERS", "inbox"),
            ("READ", "outbox"): ("OUT", "inbox"),
            ("READ", "signal"): ("OUT", "control"),
        },
    ).run()

The chooser sends its first item unasked; a driver that waits to be asked
needs ``Carousel(..., make1stRequest=True)``, as in the example that
``kamaelia examples --show carousel_chapters`` prints (and
``kamaelia examples carousel_chapters`` runs).
:func:`Kamaelia.Chassis.Prefab.JoinChooserToCarousel` makes such wiring for
you.

How does it work?
-----------------
``Carousel(componentFactory, make1stRequest=False)``: each message arriving
on ``"next"`` is passed to ``componentFactory``, which returns a new (not yet
activated) component. The Carousel then

1. stops passing its ``"inbox"`` to the current child (what arrives meanwhile
   waits for the new one), sends the current child ``shutdownMicroprocess``
   on its ``"control"`` and waits for it to end, so that everything it sends
   while finishing still leaves through the Carousel's ``"outbox"``;
2. wires the new child: the Carousel's ``"inbox"`` passes straight through to
   the child's ``"inbox"``, the child's ``"outbox"`` straight through to the
   Carousel's ``"outbox"``, and the child's ``"signal"`` comes to the
   Carousel's private ``"_control"`` inbox; then activates it.

Messages arriving on ``"inbox"`` while there is no child wait, and go to the
next child. Messages on ``"next"`` are dealt with before those on
``"control"``, so "show this, then stop" sent together shows it first.

When the current child finishes by itself -- it ends, or sends
``producerFinished`` / ``shutdownMicroprocess`` out of its ``"signal"`` --
the Carousel sends the string ``"NEXT"`` out of ``"requestNext"``, once per
child. The request goes to whatever hands out items -- in
:func:`~Kamaelia.Chassis.Prefab.JoinChooserToCarousel`, the ``"inbox"`` of a
:class:`Kamaelia.Util.Chooser.Chooser`, which answers ``"NEXT"`` with its
next item -- so it is that command, not a ``producerFinished`` (a shutdown
message, meaningless on a chooser's ``"inbox"``). A child the Carousel told
to stop does not cause a request. With ``make1stRequest=True`` it also sends
``"NEXT"`` as soon as it starts. It does not end when a child ends: it waits
for the next ``"next"``, keeping no reference to the child that ended (its
links are undone and it is forgotten) or to the item it was made from, so
a long-running Carousel holds only its current child.

Boxes
-----
Inboxes: ``"inbox"`` (to the current child), ``"next"`` (makes a new child),
``"control"`` (shutdown), ``"_control"`` (the child's ``"signal"``).
Outboxes: ``"outbox"`` (from the current child), ``"signal"`` (shutdown,
passed on), ``"requestNext"`` (``"NEXT"``), ``"_signal"`` (linked to the
current child's ``"control"``: the shutdown messages for it).

1.14's methods are here and ``main`` calls them, so a subclass may override
them: ``requestNext()`` (sends ``"NEXT"``), ``checkControl()`` (takes
``"control"``, returns ``(mustStop, pleaseStop)``), ``shutdownChild(msg)``
and ``handleChildTerminations()``. ``instantiateNewChild(args)`` makes, wires
and activates a child when called; ``main`` makes children itself, checking
the new one before it stops the current one.

Shutdown
--------
On ``producerFinished`` or ``shutdownMicroprocess`` arriving on
``"control"`` it passes that same message to the current child's
``"control"`` (so a child told ``producerFinished`` can finish its work),
waits for the child to end (passing on anything else that arrives on
``"control"`` meanwhile, such as a later ``shutdownMicroprocess``), then sends
the message out of ``"signal"`` and ends. With no child it ends at once.
Other messages on ``"control"`` are passed to the current child.

Messages it cannot handle, each logged (logger ``Kamaelia.Chassis``), never
silently lost: a ``"next"`` message for which ``componentFactory`` raises or
returns something that is not a fresh component with ``"inbox"``,
``"control"``, ``"outbox"`` and ``"signal"`` is logged as an error and skipped, and the
current child carries on; a message on ``"control"`` with no child to pass it
to, and anything left on ``"inbox"`` or ``"next"`` when the Carousel ends,
are logged as errors and dropped; a child's ``"signal"`` message that is not
a shutdown is logged as a warning.

What it does not do: it does not limit how long a child may take to end
when told to (a child that ignores ``shutdownMicroprocess`` holds the
Carousel up), and it does not track components its children create.
"""

from __future__ import annotations

from typing import Any, Callable, Iterator

from Axon.AxonExceptions import AxonException, noSpaceInBox
from Axon.Component import component
from Axon.Ipc import newComponent, producerFinished, shutdownMicroprocess
from Kamaelia._shutdown import isShutdown
from Kamaelia.Chassis._wiring import SwappingChassis, log, requireBoxes

__all__ = ["Carousel"]

#: What the Carousel sends out of "requestNext".
NEXT = "NEXT"


class Carousel(SwappingChassis):
    """Carousel(componentFactory, make1stRequest=False) -> new Carousel component

    Arguments:

    - componentFactory -- called with each message from "next"; returns the new child
    - make1stRequest   -- send "NEXT" out of "requestNext" on starting
    """

    Inboxes = {"inbox": "passed to the current child's inbox (waits while there is none)",
               "next": "each message makes a new child: componentFactory(message)",
               "control": "producerFinished/shutdownMicroprocess: passed to the child; "
                          "the Carousel ends once it has",
               "_control": "the current child's signal outbox"}
    Outboxes = {"outbox": "from the current child's outbox",
                "signal": "the shutdown message received on control, when it ends",
                "requestNext": '"NEXT" when a child finishes by itself (and at start '
                               'with make1stRequest)',
                "_signal": "to the current child's control: shutdown messages for it"}

    def __init__(self, componentFactory: Callable[[Any], component],
                 make1stRequest: bool = False, **argd: Any) -> None:
        if not callable(componentFactory):
            raise TypeError(f"Carousel needs a callable componentFactory, not "
                            f"{componentFactory!r}")
        super().__init__(**argd)
        self.componentFactory = componentFactory
        self.make1stRequest = make1stRequest
        #: The shutdownMicroprocess / producerFinished received (1.14's names).
        self.mustStop: shutdownMicroprocess | None = None
        self.pleaseStop: producerFinished | None = None
        self._requested = False     # "NEXT" already asked for on behalf of this child

    @property
    def factory(self) -> Callable[[Any], component]:
        """1.14's name for ``componentFactory``."""
        return self.componentFactory

    @factory.setter
    def factory(self, value: Callable[[Any], component]) -> None:
        self.componentFactory = value

    def main(self) -> Iterator[Any]:
        if self.make1stRequest:
            self.requestNext()
        while True:
            while self.dataReady("next"):
                # recv, not a loop over Inbox(): no name keeps the item (or,
                # through it, what the factory made of it) after its child ends.
                yield from self._replaceChild(self.recv("next"))
            self._noticeFinishedChild()
            self.handleChildTerminations()
            mustStop, pleaseStop = self.checkControl()
            request = self.shutdownMessage or mustStop or pleaseStop
            if request is not None:
                self.shutdownChild(request)
                yield from self.waitForEnd()
                self.dropWaiting("inbox", "no child took it before the Carousel ended")
                self.dropWaiting("next", "it arrived as the Carousel was ending")
                self.send(request, "signal")
                return
            self.pause()
            yield 1

    # ---------------------------------------------------- 1.14's methods
    def requestNext(self) -> None:
        """Send ``"NEXT"`` out of "requestNext" (ask for the next item)."""
        self.send(NEXT, "requestNext")

    def checkControl(self) -> tuple[shutdownMicroprocess | None, producerFinished | None]:
        """checkControl() -> (mustStop, pleaseStop)

        Takes everything waiting on "control": the first ``shutdownMicroprocess``
        becomes ``self.mustStop``, the first ``producerFinished``
        ``self.pleaseStop`` (and the first of either ``self.shutdownMessage``);
        anything else is passed to the current child's "control" (logged and
        dropped if there is none). Returns both, each None if not received.
        """
        child = self.child if self.child is not None and not self.child._isStopped() else None
        for message in self.Inbox("control"):
            if isShutdown(message):
                if self.shutdownMessage is None:
                    self.shutdownMessage = message
                if isinstance(message, shutdownMicroprocess):
                    self.mustStop = self.mustStop or message
                else:
                    self.pleaseStop = self.pleaseStop or message
            elif child is not None:
                self._deliverControl(child, message)
            else:
                log.error("%s: no running child to pass %r to (it arrived on "
                          "'control'); dropped", self.name, message)
        return self.mustStop, self.pleaseStop

    def handleChildTerminations(self) -> None:
        """Unplug the current child if it has ended (undoing its links)."""
        if self.child is not None and self.child._isStopped():
            self.unplug()

    def shutdownChild(self, shutdownMsg: Any) -> None:
        """Send ``shutdownMsg`` to the current child's "control" (out of
        "_signal", as in 1.14); nothing if there is no running child."""
        child = self.child
        if child is None or child._isStopped():
            return          # never leave it waiting in "_signal" for the next child
        try:
            self.send(shutdownMsg, "_signal")
        except noSpaceInBox:
            log.error("%s: the 'control' inbox of %s is full, so it was not passed %r",
                      self.name, child.name, shutdownMsg)

    def instantiateNewChild(self, args: Any) -> component | None:
        """Make a child with ``componentFactory(args)``, wire it in and activate it.

        Returns it, or None (logged) if the factory raised or returned no
        usable component. It does not stop the current child first: ``main``
        does that, and checks the new child before stopping the old one, so
        it does not call this method (a subclass overriding it changes only
        explicit calls).
        """
        new = self._make(args)
        if new is None or not self._plugIn(new, args):
            return None
        new.activate()
        return new

    # ---------------------------------------------------- the work
    def plug(self, child: component, where: str) -> None:
        super().plug(child, where)
        self.wire([((self, "_signal"), (child, "control"), 0, where)])

    def _noticeFinishedChild(self) -> None:
        child = self.child
        if child is None:
            return
        finished = self.takeChildSignals() or child._isStopped()
        if finished:
            # Unplug before asking for more: whatever arrives with the next
            # item must wait for the next child, not reach this finished one.
            self.unplugInbox()
        if finished and not self._requested:
            self._requested = True
            self.requestNext()

    def _replaceChild(self, item: Any) -> Iterator[Any]:
        new = self._make(item)
        if new is None:
            return
        if self.child is not None:
            self.unplugInbox()
            self.shutdownChild(shutdownMicroprocess(self))
            yield from self.waitForEnd(passControl=False)
        if self._plugIn(new, item):
            yield newComponent(new)

    def _plugIn(self, new: component, item: Any) -> bool:
        try:
            self.plug(new, f"Carousel plugging in componentFactory({item!r})")
        except (AxonException, ValueError):
            log.exception("%s: could not wire the component made for %r; item skipped",
                          self.name, item)
            return False
        self._requested = False
        return True

    def _make(self, item: Any) -> component | None:
        """componentFactory(item), or None (logged) if that is no usable child."""
        try:
            new = self.componentFactory(item)
        except Exception:
            log.exception("%s: componentFactory(%r) raised; item skipped", self.name, item)
            return None
        problem = None
        if not isinstance(new, component):
            problem = "which is not a component"
        elif new.scheduler is not None:
            problem = "which has already been activated"
        else:
            try:
                requireBoxes(new, "it cannot be plugged in",
                             self.CHILD_INBOXES, self.CHILD_OUTBOXES)
            except AxonException as error:
                problem = str(error)
        if problem is not None:
            log.error("%s: componentFactory(%r) returned %r, %s; item skipped",
                      self.name, item, new, problem)
            return None
        return new


__kamaelia_components__ = (Carousel,)
