"""Splitter, PlugSplitter and Plug: send one stream of messages to many destinations.

Example Usage
-------------
Tap one source twice: each plugged component gets every message::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Util.Console import ConsoleEchoer
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.PureTransformer import PureTransformer
    from Kamaelia.Util.Splitter import Plug, PlugSplitter

    splitter = PlugSplitter(DataSource(["one", "two"]))
    Pipeline(Plug(splitter, PureTransformer(lambda w: "upper: " + w.upper() + "\\n")),
             ConsoleEchoer()).activate()
    Pipeline(Plug(splitter, PureTransformer(lambda w: "length: " + str(len(w)) + "\\n")),
             ConsoleEchoer()).activate()
    splitter.run()      # prints each word twice: once upper-cased, once as its length

Or add destinations with messages on a Splitter's "configuration" inbox
(usually sent by a component linked to it; here put there directly)::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Util.Console import ConsoleEchoer
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.Splitter import Splitter, addsink

    splitter, echo = Splitter(), ConsoleEchoer()
    splitter.inboxes["configuration"].append(addsink(echo, "inbox", "control"))
    Pipeline(DataSource(["configured\\n"]), splitter).activate()
    echo.run()      # prints configured; the DataSource's end reaches echo's control

``removesink(echo, "inbox")`` on "configuration" would remove it again.

How does it work?
-----------------
``Splitter()`` sends a copy of every message arriving on its ``"inbox"`` to
each of its *destinations*. Destinations are added and removed at any time
with messages on its ``"configuration"`` inbox:

* ``addsink(sink, sinkbox="inbox", sinkcontrol=None, passthrough=0)``: from
  now on, copy messages to ``(sink, sinkbox)``; if ``sinkcontrol`` names an
  inbox of ``sink``, also copy control messages there. The splitter makes a
  new outbox for each and links it. With ``passthrough=2``, ``sinkbox`` is
  an *outbox* of ``sink``, linked the way a child's outbox feeds its
  parent's: messages go straight to wherever that outbox leads, with no
  extra hop (``SubscribeTo`` in :mod:`Kamaelia.Util.Backplane` uses this).
* ``removesink(sink, sinkbox="inbox", sinkcontrol=None)``: stop copying to
  ``(sink, sinkbox)`` and to the control box added with it; the outboxes are
  unlinked and deleted.

Each turn the splitter handles ``"configuration"`` first, then ``"inbox"``,
so a destination added before a message was sent gets it, and one removed
before gets nothing more. Every destination sees messages in order. The
splitter also sends each message out of its own ``"outbox"``, but only
while that outbox leads to an inbox: an unlinked outbox would hoard a copy
of everything ever sent.

A destination that is a full size-limited inbox holds the splitter back:
the message is kept until there is room, and messages behind it wait in the
splitter's ``"inbox"`` (so back-pressure reaches the producer). Nothing is
dropped. An ``addsink`` naming a box that does not exist, a duplicate
``addsink``, a ``removesink`` for something that is not a destination, and
anything else arriving on ``"configuration"`` are logged (logger
``Kamaelia.Util.Splitter``) and otherwise ignored: the splitter carries on.

Control messages are split too: everything arriving on ``"control"`` is
sent out of ``"signal"`` and to every destination's control box. On
``producerFinished`` the splitter first delivers everything already waiting
on ``"inbox"`` (waiting for room if a destination is full), then passes the
message on (out of ``"signal"`` and to every control box), removes all its
destinations and ends. ``shutdownMicroprocess`` does the same except that
it does not wait for room: what a full destination did not get is logged
as an error.

``PlugSplitter(sourceComponent=None)`` is a Splitter that can own its
source, as in Kamaelia 1.14: the source is its child, activated with it;
the source's ``"outbox"`` and ``"signal"`` are linked to the splitter's
``"_inbox"`` and ``"_control"``, which it then copies from instead of
``"inbox"`` and ``"control"``, and the splitter's own ``"inbox"`` and
``"control"`` pass straight through to the source's, so a PlugSplitter sits
in a Pipeline like the source it holds. It ends when the source's shutdown
message arrives on ``"_control"`` (passing it on as above), or, if the
source ends without one, as if it had sent ``producerFinished``.
``Plug(splitter, component)`` plugs ``component`` into
``splitter`` as a destination for the component's lifetime: it sends
``addsink(component, "inbox", "control")`` when it starts and
``removesink(...)`` when the component has ended, then ends itself. The
Plug's own ``"inbox"``/``"control"`` pass through to the component's, and
the component's ``"outbox"``/``"signal"`` come out of the Plug's, so a Plug
sits in a Pipeline like the component it holds.

What they do not do: a splitter does not copy messages (each destination
gets the same object), does not stop a plugged source when it is shut down
some other way, and does not notice destinations that end without being
removed (copies to them are left in their inboxes). Destinations are named
by ``(sink, sinkbox)``: ``removesink`` ignores its ``sinkcontrol``.

1.14's methods are here and used by ``main``, so a subclass may override
them: ``Splitter.createsink(sink, sinkbox, passthrough)`` and
``deletesink(removesinkMessage)``; ``PlugSplitter._addSink(sink, sinkinbox,
sinkcontrol)`` and ``_delSink(...)``; ``childrenDone()`` on PlugSplitter and
Plug.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Iterator

from Axon.AdaptiveCommsComponent import AdaptiveCommsComponent
from Axon.AxonExceptions import AxonException
from Axon.Component import component as _component
from Axon.Ipc import ipc, newComponent, producerFinished
from Kamaelia._shutdown import forwardControl, runUntilShutdown
from Kamaelia.Util._children import childrenDone
from Kamaelia.Util._copying import Copier

__all__ = ["addsink", "removesink", "Splitter", "PlugSplitter", "Plug"]

log = logging.getLogger("Kamaelia.Util.Splitter")


def _checkBox(message: str, argument: str, value: Any, optional: bool) -> None:
    if value is None and optional:
        return
    if not isinstance(value, str) or not value:
        kind = "a box name or None" if optional else "a box name"
        raise TypeError(f"{message}: {argument} must be {kind}, not {value!r}")


@dataclass(frozen=True, slots=True)
class addsink(ipc):
    """addsink(sink, sinkbox="inbox", sinkcontrol=None, passthrough=0) -> request

    Asks a splitter to copy messages to ``(sink, sinkbox)`` and, if
    ``sinkcontrol`` is given, control messages to ``(sink, sinkcontrol)``.
    ``sinkbox`` may be None for control messages only. ``passthrough=2``
    means ``sinkbox`` is an outbox of ``sink`` (see the module docstring).
    """

    sink: Any
    sinkbox: str | None = "inbox"
    sinkcontrol: str | None = None
    passthrough: int = 0

    def __post_init__(self) -> None:
        if not isinstance(self.sink, _component):
            raise TypeError(f"addsink: sink must be a component, not {self.sink!r}")
        _checkBox("addsink", "sinkbox", self.sinkbox, optional=True)
        _checkBox("addsink", "sinkcontrol", self.sinkcontrol, optional=True)
        if self.passthrough not in (0, 2) or isinstance(self.passthrough, bool):
            raise ValueError(f"addsink: passthrough must be 0 or 2, not {self.passthrough!r}")


@dataclass(frozen=True, slots=True)
class removesink(ipc):
    """removesink(sink, sinkbox="inbox", sinkcontrol=None) -> request

    Asks a splitter to stop copying to ``(sink, sinkbox)`` and to the control
    box that was added with it.
    """

    sink: Any
    sinkbox: str | None = "inbox"
    sinkcontrol: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.sink, _component):
            raise TypeError(f"removesink: sink must be a component, not {self.sink!r}")
        _checkBox("removesink", "sinkbox", self.sinkbox, optional=True)
        _checkBox("removesink", "sinkcontrol", self.sinkcontrol, optional=True)


class Splitter(AdaptiveCommsComponent):
    """Splitter() -> copies each message to every destination added with addsink"""

    Inboxes = {"inbox": "messages to copy to every destination",
               "control": "control messages, copied to every destination's control box; "
                          "producerFinished or shutdownMicroprocess to end",
               "configuration": "addsink(...) and removesink(...) requests"}
    Outboxes = {"outbox": "a copy of every message, while it leads to an inbox",
                "signal": "a copy of every control message"}

    #: The inboxes it copies from (1.14's names; a PlugSplitter with a source
    #: reads the source's output from "_inbox" and "_control" instead).
    inboxname = "inbox"
    controlname = "control"

    def __init__(self, **argd: Any) -> None:
        super().__init__(**argd)
        # (sink, sinkbox) -> (data outbox or None, control outbox or None)
        self._destinations: dict[tuple[Any, str | None], tuple[str | None, str | None]] = {}
        self._dataBoxes: tuple[str, ...] = ()
        self._controlBoxes: tuple[str, ...] = ()
        self._copier = Copier(self)

    def main(self) -> Iterator[Any]:
        request = yield from runUntilShutdown(self, self._handleWaiting, self._copyControl)
        self._copier.abandon(log, self.inboxname)
        for boxname in ("signal",) + self._controlBoxes:
            self.send(request, boxname)
        for sink, sinkbox in list(self._destinations):
            self._remove(sink, sinkbox)

    def _handleWaiting(self) -> Any:
        for request in self.Inbox("configuration"):
            self._configure(request)
        boxes = self._dataBoxes
        if self.outboxes["outbox"].sink.isInbox:
            boxes = ("outbox",) + boxes
        return self._copier.spread(self.inboxname, boxes)

    def _copyControl(self) -> ipc | None:
        return forwardControl(self, self.controlname, ("signal",) + self._controlBoxes)

    # ------------------------------------------------------- configuration
    def createsink(self, sink: Any, sinkbox: str | None = "inbox", passthrough: int = 0,
                   sinkcontrol: str | None = None) -> None:
        """Make ``(sink, sinkbox)`` a destination (as ``addsink`` on "configuration"
        does; 1.14's method). Problems are logged and the request ignored."""
        try:
            request = addsink(sink, sinkbox, sinkcontrol, passthrough)
        except (TypeError, ValueError) as exc:
            log.error("%s cannot add destination: %s; ignored", self.name, exc)
            return
        self._add(request)

    def deletesink(self, oldsink: Any) -> None:
        """Stop copying to ``(oldsink.sink, oldsink.sinkbox)`` (``oldsink`` is a
        removesink message; 1.14's method). Logged if it is not a destination."""
        if (oldsink.sink, oldsink.sinkbox) in self._destinations:
            self._remove(oldsink.sink, oldsink.sinkbox)
        else:
            log.warning("%s: %r is not a destination; removesink ignored",
                        self.name, (getattr(oldsink.sink, "name", oldsink.sink),
                                    oldsink.sinkbox))

    def _configure(self, request: Any) -> None:
        if isinstance(request, addsink):
            self.createsink(request.sink, request.sinkbox, request.passthrough,
                            request.sinkcontrol)
        elif isinstance(request, removesink):
            self.deletesink(request)
        else:
            log.error("%s: its 'configuration' inbox takes addsink or removesink "
                      "messages, not %r; ignored", self.name, request)

    def _add(self, request: addsink) -> None:
        key = (request.sink, request.sinkbox)
        if key in self._destinations:
            log.warning("%s: %r is already a destination; addsink ignored",
                        self.name, (request.sink.name, request.sinkbox))
            return
        made: list[str] = []
        try:
            for box, passthrough in ((request.sinkbox, request.passthrough),
                                     (request.sinkcontrol, 0)):
                if box is None:
                    made.append("")
                    continue
                outbox = self.addOutbox(f"{request.sink.name}-{box}")
                made.append(outbox)
                self.link((self, outbox), (request.sink, box), passthrough=passthrough)
        except (AxonException, ValueError) as exc:
            log.error("%s cannot add destination %r: %s; addsink ignored",
                      self.name, request, exc)
            for outbox in made:
                if outbox:
                    self.deleteOutbox(outbox)
            return
        dataBox, controlBox = (name or None for name in made)
        self._destinations[key] = (dataBox, controlBox)
        if dataBox is not None:
            self._dataBoxes += (dataBox,)
        if controlBox is not None:
            self._controlBoxes += (controlBox,)

    def _remove(self, sink: Any, sinkbox: str | None) -> None:
        dataBox, controlBox = self._destinations.pop((sink, sinkbox))
        for outbox in (dataBox, controlBox):
            if outbox is not None:
                self._copier.forget(outbox)
                self.deleteOutbox(outbox)
        self._dataBoxes = tuple(b for b in self._dataBoxes if b != dataBox)
        self._controlBoxes = tuple(b for b in self._controlBoxes if b != controlBox)


class PlugSplitter(Splitter):
    """PlugSplitter(sourceComponent=None) -> a Splitter, optionally owning its source

    - sourceComponent -- None, or a child component whose output is split: its
      "outbox" and "signal" feed the splitter's "_inbox" and "_control", and
      the splitter's own "inbox" and "control" pass through to it
    """

    Inboxes = {"inbox": "messages to copy to every destination (to the source's inbox, "
                        "if there is a source)",
               "control": "control messages, copied to every destination's control box; "
                          "producerFinished or shutdownMicroprocess to end (to the "
                          "source's control, if there is a source)",
               "configuration": "addsink(...) and removesink(...) requests",
               "_inbox": "the source's outbox (if there is a source)",
               "_control": "the source's signal (if there is a source)"}

    def __init__(self, sourceComponent: Any = None, **argd: Any) -> None:
        super().__init__(**argd)
        if sourceComponent is not None:
            if not isinstance(sourceComponent, _component):
                raise TypeError(f"PlugSplitter: sourceComponent must be a component or "
                                f"None, not {sourceComponent!r}")
            self.link((self, "inbox"), (sourceComponent, "inbox"), passthrough=1)
            self.link((self, "control"), (sourceComponent, "control"), passthrough=1)
            self.link((sourceComponent, "outbox"), (self, "_inbox"))
            self.link((sourceComponent, "signal"), (self, "_control"))
            self.inboxname, self.controlname = "_inbox", "_control"
        self.pluggedSource = sourceComponent
        #: True when it owns a source (1.14's name).
        self.usingChild = sourceComponent is not None

    def main(self) -> Iterator[Any]:
        if self.pluggedSource is not None:
            self.addChildren(self.pluggedSource)
            yield newComponent(self.pluggedSource)
        yield from super().main()

    def _handleWaiting(self) -> Any:
        held = super()._handleWaiting()
        if (self.usingChild and not held and self.childrenDone()
                and not self.dataReady(self.inboxname) and not self.dataReady(self.controlname)):
            # The source ended without a word on "signal": end as if it had
            # said producerFinished, so the destinations are told (1.14 ended
            # silently).
            return producerFinished(self)
        return held

    def childrenDone(self) -> bool:
        """Forget children that have ended; True when none are left (1.14's method)."""
        return childrenDone(self)

    def _configure(self, request: Any) -> None:
        if isinstance(request, addsink):
            self._addSink(request.sink, request.sinkbox, request.sinkcontrol,
                          request.passthrough)
        elif isinstance(request, removesink):
            self._delSink(request.sink, request.sinkbox, request.sinkcontrol)
        else:
            super()._configure(request)

    def _addSink(self, sink: Any, sinkinbox: str | None = None,
                 sinkcontrol: str | None = None, passthrough: int = 0) -> None:
        """Make ``sink`` a destination: data to ``sinkinbox`` and/or control
        messages to ``sinkcontrol`` (1.14's method; as ``addsink`` does)."""
        self.createsink(sink, sinkinbox, passthrough, sinkcontrol)

    def _delSink(self, sink: Any, sinkinbox: str | None = None,
                 sinkcontrol: str | None = None) -> None:
        """Stop copying to ``(sink, sinkinbox)`` and its control box (1.14's method;
        as ``removesink`` does)."""
        self.deletesink(removesink(sink, sinkinbox, sinkcontrol))


class Plug(_component):
    """Plug(splitter, component) -> plugs ``component`` into ``splitter`` while it runs

    - splitter  -- a Splitter or PlugSplitter (anything that takes addsink and
      removesink on a "configuration" inbox)
    - component -- the component to receive the splitter's messages
    """

    Inboxes = {"inbox": "passed through to the plugged component's inbox",
               "control": "passed through to the plugged component's control"}
    Outboxes = {"outbox": "from the plugged component's outbox",
                "signal": "from the plugged component's signal",
                "splitter_config": "addsink and removesink requests to the splitter"}

    def __init__(self, splitter: Any, component: Any, **argd: Any) -> None:
        super().__init__(**argd)
        for argument, value in (("splitter", splitter), ("component", component)):
            if not isinstance(value, _component):
                raise TypeError(f"Plug: {argument} must be a component, not {value!r}")
        if "configuration" not in splitter.inboxes:
            raise TypeError(f"Plug: splitter must have a 'configuration' inbox, and "
                            f"{splitter!r} has none")
        self.splitter = splitter
        self.component = component
        self.link((self, "inbox"), (component, "inbox"), passthrough=1)
        self.link((self, "control"), (component, "control"), passthrough=1)
        self.link((component, "outbox"), (self, "outbox"), passthrough=2)
        self.link((component, "signal"), (self, "signal"), passthrough=2)
        self.link((self, "splitter_config"), (splitter, "configuration"))

    def main(self) -> Iterator[Any]:
        child = self.component
        self.addChildren(child)
        self.send(addsink(child, "inbox", "control"), "splitter_config")
        yield newComponent(child)
        while not self.childrenDone():
            self.pause()
            yield 1
        if not self.splitter._isStopped():
            self.send(removesink(child, "inbox", "control"), "splitter_config")
        self.unlink(self.splitter)

    def childrenDone(self) -> bool:
        """Forget children that have ended; True when none are left (1.14's method)."""
        return childrenDone(self)


__kamaelia_components__ = (Splitter, PlugSplitter, Plug)
