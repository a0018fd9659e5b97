"""The process-wide registry of named services and tracked values.

Example Usage
-------------

Offering a service (a component and the inbox where it takes requests)::

    from Axon.CoordinatingAssistantTracker import coordinatingassistanttracker

    cat = coordinatingassistanttracker.getcat()
    cat.registerService("selector", selectorComponent, "notify")

Finding it from anywhere else in the program::

    service, inbox = cat.retrieveService("selector")
    self.link((self, "toSelector"), (service, inbox))

Sharing a value by name::

    cat.trackValue("connections", 0)
    cat.updateValue("connections", cat.retrieveValue("connections") + 1)

When the provider goes away::

    cat.deRegisterService("selector")

How does it work?
-----------------

A ``coordinatingassistanttracker`` ("CAT") holds two tables: *services*
(name -> ``(component, inboxname)``) and *tracked values* (name -> any object).
``coordinatingassistanttracker.getcat()`` returns the one CAT shared by the
whole process, creating it the first time; backplanes and the network
selector register themselves there. Components reach the same CAT through
their ``tracker`` attribute.

The rules, each enforced with an exception from ``Axon.AxonExceptions`` whose
message names the offending value:

- ``registerService(service, thecomponent, inbox)``: ``thecomponent`` must be
  an ``Axon.Component.component`` (else ``BadComponent``) with an inbox
  called ``inbox`` (else ``BadInbox``), and ``service`` must not be registered
  already (else ``ServiceAlreadyExists``).
- ``deRegisterService(service)``: the service must be registered (else
  ``MultipleServiceDeletion``, since the usual cause is deregistering twice).
- ``trackValue(name, value)``: ``name`` must be new (else ``NamespaceClash``).
- ``updateValue(name, value)``: ``name`` must be tracked already (else
  ``AccessToUndeclaredTrackedVariable``).
- ``retrieveService(name)`` / ``retrieveValue(name)``: if this CAT does not
  have the name, its parent CAT (if any) is asked; if none has it, ``KeyError``
  naming it.

A CAT can be made with a ``parent`` CAT (``coordinatingassistanttracker(parent=cat)``)
to add local names on top of the shared ones. Only lookups fall through to
the parent; registering, deregistering, updating and listing
(``servicesRegistered()``, ``informationItemsLogged()``) act on this CAT
alone. ``zap()`` forgets everything this CAT holds.

All methods may be called from any thread: the tables are guarded by a lock.

What it does not do: it does not notice when a registered component ends;
the provider (or whoever shuts it down) must deregister it.
"""

from __future__ import annotations

import threading
from typing import Any, ClassVar, Iterator

from Axon.AxonExceptions import (
    AccessToUndeclaredTrackedVariable,
    BadComponent,
    BadInbox,
    BadParentTracker,
    MultipleServiceDeletion,
    NamespaceClash,
    ServiceAlreadyExists,
)

__all__ = ["coordinatingassistanttracker"]


class coordinatingassistanttracker:
    """coordinatingassistanttracker(parent=None) -> registry of services and tracked values.

    Arguments:

    - parent -- None, or a coordinatingassistanttracker consulted for names
      this one does not hold (``BadParentTracker`` otherwise).

    Use ``coordinatingassistanttracker.getcat()`` for the process-wide one.
    """

    basecat: ClassVar[coordinatingassistanttracker | None] = None
    _basecatLock: ClassVar[threading.Lock] = threading.Lock()

    @classmethod
    def getcat(cls) -> coordinatingassistanttracker:
        """The process-wide tracker, created on first use."""
        cat = cls.basecat
        if cat is None:
            with coordinatingassistanttracker._basecatLock:
                cat = cls.basecat
                if cat is None:
                    cat = cls.basecat = cls()
        return cat

    def __init__(self, parent: coordinatingassistanttracker | None = None) -> None:
        if parent is not None and not isinstance(parent, coordinatingassistanttracker):
            raise BadParentTracker(
                f"parent must be a coordinatingassistanttracker or None, not {parent!r}"
            )
        self.parent = parent
        self.services: dict[Any, tuple[Any, str]] = {}
        self.trackedvalues: dict[Any, Any] = {}
        self._lock = threading.Lock()

    # ---- services ------------------------------------------------------

    def registerService(self, service: Any, thecomponent: Any, inbox: str) -> None:
        """Register ``(thecomponent, inbox)`` under the name ``service``."""
        # Imported here: Axon.Component imports this module (through Microprocess).
        from Axon.Component import component

        if not isinstance(thecomponent, component):
            raise BadComponent(
                f"cannot register service {service!r}: {thecomponent!r} is not a component"
            )
        if inbox not in getattr(thecomponent, "inboxes", {}):
            name = getattr(thecomponent, "name", thecomponent)
            raise BadInbox(
                f"cannot register service {service!r}: component {name!r} has no inbox {inbox!r}"
            )
        with self._lock:
            if service in self.services:
                existing, existingInbox = self.services[service]
                name = getattr(existing, "name", existing)
                raise ServiceAlreadyExists(
                    f"service {service!r} is already registered "
                    f"(component {name!r}, inbox {existingInbox!r})"
                )
            self.services[service] = (thecomponent, inbox)

    def deRegisterService(self, service: Any) -> None:
        """Forget the service ``service``."""
        with self._lock:
            if service not in self.services:
                raise MultipleServiceDeletion(
                    f"cannot deregister service {service!r}: it is not registered "
                    "(already deregistered?)"
                )
            del self.services[service]

    def retrieveService(self, name: Any) -> tuple[Any, str]:
        """``(component, inbox)`` registered as ``name`` here or in a parent tracker."""
        with self._lock:
            found = self.services.get(name, _MISSING)
        if found is not _MISSING:
            return found
        if self.parent is not None:
            return self.parent.retrieveService(name)
        raise KeyError(f"no service registered as {name!r}")

    def servicesRegistered(self) -> list[Any]:
        """Names of the services registered with this tracker."""
        with self._lock:
            return list(self.services)

    # ---- tracked values ------------------------------------------------

    def trackValue(self, name: Any, value: Any) -> None:
        """Start tracking ``value`` under the new name ``name``."""
        with self._lock:
            if name in self.trackedvalues:
                raise NamespaceClash(
                    f"value {name!r} is already tracked; use updateValue to change it"
                )
            self.trackedvalues[name] = value

    def updateValue(self, name: Any, value: Any) -> None:
        """Change the tracked value ``name``."""
        with self._lock:
            if name not in self.trackedvalues:
                raise AccessToUndeclaredTrackedVariable(
                    f"cannot update value {name!r}: it is not tracked "
                    "(declare it with trackValue first)"
                )
            self.trackedvalues[name] = value

    def retrieveValue(self, name: Any) -> Any:
        """The value tracked as ``name`` here or in a parent tracker."""
        with self._lock:
            found = self.trackedvalues.get(name, _MISSING)
        if found is not _MISSING:
            return found
        if self.parent is not None:
            return self.parent.retrieveValue(name)
        raise KeyError(f"no value tracked as {name!r}")

    def informationItemsLogged(self) -> list[Any]:
        """Names of the values tracked by this tracker."""
        with self._lock:
            return list(self.trackedvalues)

    # ---- housekeeping --------------------------------------------------

    def main(self) -> Iterator[int]:
        """An endless generator of ``1`` s, as in 1.14.

        1.14 kept it for a tracker that might one day run as a microprocess;
        the tracker does nothing per turn, so nothing runs it.
        """
        while True:
            yield 1

    def zap(self) -> None:
        """Forget every service and tracked value held by this tracker."""
        with self._lock:
            self.services.clear()
            self.trackedvalues.clear()


_MISSING: Any = object()
