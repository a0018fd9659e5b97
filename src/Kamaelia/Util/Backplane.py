"""Backplane, PublishTo and SubscribeTo: named publish/subscribe hubs.

Example Usage
-------------
Two subscribers and two publishers; when the source feeding the backplane
finishes, the backplane closes and its subscribers end with it::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Util.Backplane import Backplane, PublishTo, SubscribeTo
    from Kamaelia.Util.Console import ConsoleEchoer
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.PureTransformer import PureTransformer

    Pipeline(SubscribeTo("NEWS"), ConsoleEchoer()).activate()
    Pipeline(SubscribeTo("NEWS"), PureTransformer(str.upper), ConsoleEchoer()).activate()
    Pipeline(DataSource(["rain today\\n"]), PublishTo("NEWS")).activate()
    Pipeline(DataSource(["sun tomorrow\\n"]), Backplane("NEWS")).run()

This prints each line twice, once upper-cased. What is sent to a
Backplane's own ``"inbox"`` is published, and a ``producerFinished`` on its
``"control"`` closes it, so a Pipeline ending in a Backplane publishes its
messages and then closes the backplane.

How does it work?
-----------------
``Backplane(name)`` makes a hub: a :class:`~Kamaelia.Util.Splitter.PlugSplitter`
child, registered with the process-wide coordinating assistant tracker
(``Axon.CoordinatingAssistantTracker``) under two service names, as in
Kamaelia 1.14:

* ``"Backplane_I_" + name`` -> ``(splitter, "inbox")``: where publishers send;
* ``"Backplane_O_" + name`` -> ``(splitter, "configuration")``: where
  subscribers send ``addsink``/``removesink``.

The services are registered when the Backplane is *made* (so publishers and
subscribers may be made and activated in any order, as long as the
Backplane exists by the time they run); a second Backplane with the same
name raises ``ServiceAlreadyExists`` naming it. Messages sent to the
Backplane's own ``"inbox"`` are published too.

``PublishTo(name)`` looks the backplane up when it first runs and sends
everything arriving on its ``"inbox"`` to the backplane.
``PublishTo(name, forwarder=True)`` (a class attribute, as in 1.14) also
sends each message on out of its own ``"outbox"``, so it can sit in the
middle of a Pipeline, publishing what passes through.

``SubscribeTo(name)`` looks the backplane up when it first runs and asks to
be a destination; from then on every published message comes out of its
``"outbox"``. The subscription links the hub's outbox straight to
SubscribeTo's ``"outbox"`` (``addsink(..., passthrough=2)``), so a message
reaches each subscriber's consumer in a single step. What arrives on a
SubscribeTo's own ``"inbox"`` is passed on out of its ``"outbox"`` too, as
in 1.14, mixed in with what is published.

When does a subscription start? A SubscribeTo subscribes when it first
runs, and gets everything published from then on: the hub handles
subscription requests before published messages. The scheduler first runs
components in the order they are activated, so a subscriber activated
before a publisher gets all of that publisher's messages. Mind that a
chassis activates its children only when it first runs itself:
``Pipeline(SubscribeTo(...), ...)`` activated before ``Pipeline(...,
PublishTo(...))`` keeps that order, but a bare ``PublishTo`` activated
right after such a Pipeline runs before the SubscribeTo inside it does.

Subscribers and publishers may join and leave at any time. A
``BackplaneNotFound`` error (a ``KeyError``) naming the backplane is raised
from ``main`` if a PublishTo or SubscribeTo runs while no backplane of that
name exists; the scheduler logs it with the component's name.

Shutdown
--------
* **Backplane**: ``producerFinished`` or ``shutdownMicroprocess`` on its
  ``"control"`` closes it. The hub first delivers everything already
  published, then passes the message to every subscriber's ``"control"``
  and out of the Backplane's ``"signal"``; the services are deregistered
  and the Backplane ends (a new one of the same name can then be made). If
  it is stopped abruptly instead (``stop()``), the services are deregistered
  and the hub is stopped too.
* **PublishTo**: every message on ``"control"`` is passed on out of
  ``"signal"`` (as in 1.14); on a shutdown message it also sends on what is
  waiting, stops publishing and ends. The backplane carries on.
* **SubscribeTo**: a shutdown message on ``"control"``: it unsubscribes,
  passes the message out of ``"signal"`` and ends. The backplane's own
  shutdown arrives the same way, so subscribers end with their backplane.
  Other control messages sent to a backplane reach subscribers the same way
  and are passed on out of their ``"signal"``.

Boxes are listed on each class. Messages a component cannot use are logged
(logger ``Kamaelia.Util.Backplane``): anything published through a
PublishTo after its backplane has ended (a forwarder still passes it on
out of its ``"outbox"``).

What it does not do: a backplane keeps no history (a late subscriber sees
only what is published after it joins), does not copy messages (every
subscriber gets the same object), and does not end by itself: someone must
shut it down. A Backplane that is made but never activated keeps its names
registered. ``Backplane.name`` is the component's name, as for every
component; the backplane's own name is ``backplaneName`` (1.14 overwrote
``name``).
"""

from __future__ import annotations

import logging
from typing import Any, Iterator

from Axon.AxonExceptions import ServiceAlreadyExists
from Axon.Component import component
from Axon.CoordinatingAssistantTracker import coordinatingassistanttracker
from Axon.Ipc import ipc, newComponent, shutdownMicroprocess
from Kamaelia._shutdown import forwardControl, runUntilShutdown
from Kamaelia.Util._children import childrenDone
from Kamaelia.Util.Splitter import PlugSplitter, addsink, removesink

__all__ = ["Backplane", "PublishTo", "SubscribeTo", "BackplaneNotFound",
           "publishTo", "subscribeTo"]

log = logging.getLogger("Kamaelia.Util.Backplane")

#: Service-name prefixes, as in Kamaelia 1.14.
PUBLISH_PREFIX = "Backplane_I_"
SUBSCRIBE_PREFIX = "Backplane_O_"


class BackplaneNotFound(KeyError):
    """No backplane of that name is registered."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "no such backplane"


def _checkName(owner: str, value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{owner}: the backplane name must be a str, not {value!r}")
    if not value:
        raise ValueError(f"{owner}: the backplane name must not be empty, not {value!r}")
    return value


def _lookUp(who: component, prefix: str, name: str) -> tuple[Any, str]:
    try:
        return coordinatingassistanttracker.getcat().retrieveService(prefix + name)
    except KeyError:
        raise BackplaneNotFound(
            f"{who.name}: there is no Backplane named {name!r} (service "
            f"{prefix + name!r} is not registered); make Backplane({name!r}) before "
            f"its publishers and subscribers run") from None


class Backplane(component):
    """Backplane(name) -> new Backplane: a named hub publishers and subscribers find

    - name -- the backplane's name (a non-empty str), used by PublishTo and SubscribeTo
    """

    Inboxes = {"inbox": "messages to publish, as if sent to a PublishTo",
               "control": "producerFinished or shutdownMicroprocess to close the backplane"}
    Outboxes = {"outbox": "not used",
                "signal": "the shutdown message, passed on once everything is delivered"}

    def __init__(self, name: str, **argd: Any) -> None:
        super().__init__(**argd)
        self.backplaneName = _checkName("Backplane", name)
        self.splitter = PlugSplitter()
        self.link((self, "inbox"), (self.splitter, "inbox"), passthrough=1)
        self.link((self, "control"), (self.splitter, "control"), passthrough=1)
        self.link((self.splitter, "signal"), (self, "signal"), passthrough=2)
        self._services = [(PUBLISH_PREFIX + name, "inbox"),
                          (SUBSCRIBE_PREFIX + name, "configuration")]
        cat = coordinatingassistanttracker.getcat()
        registered: list[str] = []
        try:
            for service, inbox in self._services:
                cat.registerService(service, self.splitter, inbox)
                registered.append(service)
        except ServiceAlreadyExists as exc:
            for service in registered:
                cat.deRegisterService(service)
            raise ServiceAlreadyExists(
                f"a Backplane named {name!r} already exists ({exc}); shut it down "
                f"before making another") from None

    def main(self) -> Iterator[Any]:
        self.addChildren(self.splitter)
        yield newComponent(self.splitter)
        while not self.childrenDone():
            self.pause()
            yield 1

    def childrenDone(self) -> bool:
        """Forget children (the hub) that have ended; True when none are left."""
        return childrenDone(self)

    def _closeDownMicroprocess(self) -> Any:
        super()._closeDownMicroprocess()
        cat = coordinatingassistanttracker.getcat()
        for service, _ in self._services:
            try:
                if cat.retrieveService(service)[0] is self.splitter:
                    cat.deRegisterService(service)
            except KeyError:
                pass                    # already gone (deregistered by hand)
        if not self.splitter._isStopped():
            return shutdownMicroprocess(self.splitter)
        return None


class _BackplaneUser(component):
    """What PublishTo and SubscribeTo share: find the backplane when first
    run, link ``hubOutbox`` to the service found, run until told to stop,
    unlink, pass the shutdown message on."""

    servicePrefix = ""
    hubOutbox = ""

    def __init__(self, name: str, **argd: Any) -> None:
        super().__init__(**argd)
        self._backplane = _checkName(type(self).__name__, name)
        self._hub: Any = None

    def main(self) -> Iterator[Any]:
        hub, inbox = _lookUp(self, self.servicePrefix, self._backplane)
        self._hub = hub
        self.link((self, self.hubOutbox), (hub, inbox))
        self.joined()
        request = yield from runUntilShutdown(self, self.handleWaiting, self.controlRequest)
        self.leaving()
        self.unlink(hub)
        self.send(request, "signal")

    def joined(self) -> None:
        """Called once linked to the backplane."""

    def leaving(self) -> None:
        """Called when told to stop, before unlinking from the backplane."""

    def handleWaiting(self) -> None:
        """Deal with what waits in "inbox"."""

    def controlRequest(self) -> ipc | None:
        """Pass control messages on out of "signal"; the shutdown one is returned."""
        return forwardControl(self)


class PublishTo(_BackplaneUser):
    """PublishTo(destination, forwarder=False) -> publishes everything it receives to a Backplane

    - destination -- the name of the Backplane
    - forwarder   -- if true, also send each message on out of "outbox"
    """

    Inboxes = {"inbox": "messages to publish",
               "control": "passed on out of signal; producerFinished or "
                          "shutdownMicroprocess to stop publishing"}
    Outboxes = {"outbox": "not used, unless a forwarder: then a copy of every message",
                "signal": "control messages, passed on",
                "_outbox": "published messages, on their way to the backplane"}

    servicePrefix = PUBLISH_PREFIX
    hubOutbox = "_outbox"
    forwarder = False

    def __init__(self, destination: str, **argd: Any) -> None:
        super().__init__(destination, **argd)
        self.destination = destination

    def handleWaiting(self) -> None:
        forwarding = self.forwarder
        if not self._hub._isStopped():
            for message in self.Inbox("inbox"):
                if forwarding:
                    self.send(message, "outbox")
                self.send(message, "_outbox")
            return
        lost = list(self.Inbox("inbox"))
        if lost:
            log.error("%s: Backplane %r has ended; %d message(s) published to it were "
                      "not delivered: %r", self.name, self.destination, len(lost), lost)
            if forwarding:
                for message in lost:
                    self.send(message, "outbox")


class SubscribeTo(_BackplaneUser):
    """SubscribeTo(source) -> sends out everything published to a Backplane

    - source -- the name of the Backplane
    """

    Inboxes = {"inbox": "passed on out of outbox (as in 1.14)",
               "control": "producerFinished or shutdownMicroprocess to unsubscribe; "
                          "the backplane's own control messages arrive here too"}
    Outboxes = {"outbox": "everything published to the backplane, and what arrives "
                          "on inbox",
                "signal": "control messages, passed on",
                "splitter_config": "subscription requests to the backplane"}

    servicePrefix = SUBSCRIBE_PREFIX
    hubOutbox = "splitter_config"

    def __init__(self, source: str, **argd: Any) -> None:
        super().__init__(source, **argd)
        self.source = source

    def joined(self) -> None:
        self.send(addsink(self, "outbox", "control", passthrough=2), "splitter_config")

    def leaving(self) -> None:
        if not self._hub._isStopped():
            self.send(removesink(self, "outbox", "control"), "splitter_config")

    def handleWaiting(self) -> None:
        for message in self.Inbox("inbox"):
            self.send(message, "outbox")

    def childrenDone(self) -> bool:
        """Forget children that have ended; True when none are left (1.14's
        method: 1.14's SubscribeTo had a Plug child; this one has none)."""
        return childrenDone(self)


#: The names used before Kamaelia 0.4, kept by 1.14 (which warned that they
#: are deprecated; these are quiet).
publishTo = PublishTo
subscribeTo = SubscribeTo

__kamaelia_components__ = (Backplane, PublishTo, SubscribeTo)
