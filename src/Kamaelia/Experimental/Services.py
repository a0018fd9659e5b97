"""Named services: register a component's inbox by name, subscribe to it, send to it.

Example Usage
-------------
A service that greets whoever subscribes, and a subscriber that prints what
it gets::

    from Axon.Component import component
    from Axon.Ipc import producerFinished
    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Util.Console import ConsoleEchoer
    from Kamaelia.Experimental.Services import RegisterService, Subscribe

    class Greeter(component):              # answers one subscription, then ends
        def main(self):
            while not self.dataReady("inbox"):
                self.pause()
                yield 1
            command, request, (subscriber, boxname) = self.recv("inbox")
            self.link((self, "outbox"), (subscriber, boxname))
            self.link((self, "signal"), (subscriber, "control"))
            self.send(f"hello, {request}\\n", "outbox")
            self.send(producerFinished(self), "signal")

    RegisterService(Greeter(), {"GREETER": "inbox"}).activate()
    Pipeline(Subscribe("GREETER", "world"), ConsoleEchoer()).run()

prints ``hello, world``: the subscriber sent ``("ADD", "world", (itself,
"inbox"))`` to the service, which linked back to it.

How does it work?
-----------------
``RegisterService(component, services)`` registers, for each
``name: boxname`` in the ``services`` dict, that inbox of ``component`` with
the process-wide Coordinating Assistant Tracker under ``name``, and returns
``component`` (so it can stand where the component would). A name already
taken raises ``Axon.AxonExceptions.ServiceAlreadyExists`` (1.14 printed a
banner as well; we log the error).

``Subscribe(servicename, *requests)`` looks the service up when it starts,
links its ``"_toService"`` outbox to the service's inbox and sends
``("ADD", request, (self, "inbox"))`` there for each request. What arrives
on its ``"inbox"`` (from the service, or from anything else linked to it)
is passed on out of its ``"outbox"``. When it ends it sends
``("REMOVE", request, (self, "inbox"))`` for each request, in reverse
order, so the service can unlink it.

``ToService(toService)`` links its own ``"inbox"`` straight through to the
service's inbox (a passthrough link), so what is sent to it goes to the
service; it has no work of its own.

A service name that is not registered raises ``KeyError`` from the
tracker when ``Subscribe`` or ``ToService`` starts, as in 1.14.

Shutdown: ``Subscribe`` and ``ToService`` pass every message arriving on
``"control"`` on out of ``"signal"``, and end after passing on a
``producerFinished`` or ``shutdownMicroprocess`` (``Subscribe`` first
forwards what is waiting in its inbox). They never end by themselves.
"""

from __future__ import annotations

import logging
from typing import Any, Iterator, Mapping

from Axon.AxonExceptions import ServiceAlreadyExists
from Axon.Component import component
from Axon.CoordinatingAssistantTracker import coordinatingassistanttracker as CAT
from Axon.Ipc import producerFinished, shutdownMicroprocess

__all__ = ["RegisterService", "Subscribe", "ToService"]

log = logging.getLogger("Kamaelia.Experimental.Services")


def RegisterService(component: Any, services: Mapping[str, str]) -> Any:
    """RegisterService(component, services) -> component, its inboxes registered as services

    - component -- the component providing the services
    - services  -- dict mapping each service name to the inbox that provides it
    """
    if not hasattr(services, "items"):
        raise TypeError(f"RegisterService: services must be a dict of service name -> "
                        f"inbox name, not {services!r}")
    cat = CAT.getcat()
    for name, boxname in services.items():
        try:
            cat.registerService(name, component, boxname)
        except ServiceAlreadyExists:
            log.error("RegisterService: the service name %r is already registered; "
                      "service names cannot be reused", name)
            raise
    return component


class _ServiceUser(component):
    def shutdown(self) -> bool:
        """Pass what waits on "control" on out of "signal"; True if it was a shutdown."""
        while self.dataReady("control"):
            message = self.recv("control")
            self.send(message, "signal")
            if isinstance(message, (shutdownMicroprocess, producerFinished)):
                return True
        return False


class Subscribe(_ServiceUser):
    """Subscribe(servicename, *requests) -> subscribes to a service; passes on what it sends

    - servicename -- the name the service was registered under
    - requests    -- each is sent to the service as ("ADD", request, (self, "inbox"))
    """

    Inboxes = {"inbox": "what the service sends (passed on out of outbox)",
               "control": "shutdown signalling: passed on out of signal"}
    Outboxes = {"outbox": "what arrived on inbox",
                "signal": "what arrived on control",
                "_toService": "requests to the service"}

    def __init__(self, servicename: str, *requests: Any) -> None:
        super().__init__()
        self.servicename = servicename
        self.requests = requests

    def main(self) -> Iterator[Any]:
        service = CAT.getcat().retrieveService(self.servicename)
        self.link((self, "_toService"), service)
        for request in self.requests:
            self.send(("ADD", request, (self, "inbox")), "_toService")
        while True:
            self._passOn()
            if self.shutdown():
                self._passOn()
                break
            self.pause()
            yield 1
        for request in reversed(self.requests):
            self.send(("REMOVE", request, (self, "inbox")), "_toService")

    def _passOn(self) -> None:
        for message in self.Inbox("inbox"):
            self.send(message, "outbox")


class ToService(_ServiceUser):
    """ToService(toService) -> what is sent to its inbox goes to the named service

    - toService -- the name the service was registered under
    """

    Inboxes = {"inbox": "linked straight through to the service's inbox",
               "control": "shutdown signalling: passed on out of signal"}
    Outboxes = {"outbox": "not used",
                "signal": "what arrived on control"}

    def __init__(self, toService: str) -> None:
        super().__init__()
        self.serviceName = toService

    def main(self) -> Iterator[Any]:
        service = CAT.getcat().retrieveService(self.serviceName)
        self.link((self, "inbox"), service, passthrough=1)
        while not self.shutdown():
            self.pause()
            yield 1


__kamaelia_components__ = (Subscribe, ToService)
__kamaelia_prefabs__ = (RegisterService,)
