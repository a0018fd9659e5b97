"""Components that add and remove boxes while they run.

Example Usage
-------------
A server-like component makes a pair of boxes for each client it serves and
remembers which client each box belongs to::

    from Axon.AdaptiveCommsComponent import AdaptiveCommsComponent

    class Hub(AdaptiveCommsComponent):
        def addClient(self, client):
            inbox = self.addInbox("fromClient")        # e.g. "fromClient"
            outbox = self.addOutbox("toClient")        # e.g. "toClient_2" if taken
            self.trackResourceInformation(client, [inbox], [outbox], "any info")
            self.trackResource(client, inbox)
            return inbox, outbox

        def removeClient(self, client):
            inboxes, outboxes, info = self.retrieveTrackedResourceInformation(client)
            self.ceaseTrackingResource(client)
            for name in inboxes:
                self.deleteInbox(name)
            for name in outboxes:
                self.deleteOutbox(name)

How does it work?
-----------------
``addInbox(name)`` / ``addOutbox(name)`` make a box and return its actual
name: ``name`` itself if free, otherwise ``name`` with ``_2``, ``_3``, ...
appended. ``deleteInbox`` / ``deleteOutbox`` undo the linkages this component
made to or from the box, then remove it.

The resource tracker is a pair of lookup tables for the bookkeeping such
components always need: ``trackResource(resource, inbox)`` lets
``retrieveTrackedResource(inbox)`` tell which resource a message arriving in
``inbox`` concerns; ``trackResourceInformation(resource, inboxes, outboxes,
information)`` records everything about a resource, which
``retrieveTrackedResourceInformation(resource)`` returns, and
``ceaseTrackingResource(resource)`` forgets both.
"""

from __future__ import annotations

from typing import Any, Iterable

from Axon.Box import noSuchBox, postbox
from Axon.Component import component

__all__ = ["AdaptiveCommsComponent", "_AdaptiveCommsable"]


class _AdaptiveCommsable:
    """The adaptive-comms methods, mixed into component classes."""

    inboxes: dict[str, postbox]
    outboxes: dict[str, postbox]

    def _initAdaptiveComms(self) -> None:
        self._resourceStore: dict[Any, tuple[list[str], list[str], Any]] = {}
        self._resourceLookup: dict[str, Any] = {}

    @staticmethod
    def _uniqueName(name: str, taken: dict[str, Any]) -> str:
        if not isinstance(name, str) or not name:
            raise ValueError(f"box names must be non-empty strings, not {name!r}")
        if name not in taken:
            return name
        n = 2
        while f"{name}_{n}" in taken:
            n += 1
        return f"{name}_{n}"

    def _newInboxName(self, name: str = "inbox") -> str:
        return self._uniqueName(name, self.inboxes)

    def _newOutboxName(self, name: str = "outbox") -> str:
        return self._uniqueName(name, self.outboxes)

    def addInbox(self, name: str = "inbox") -> str:
        """Add an inbox named after ``name``; return its actual name."""
        name = self._newInboxName(name)
        self.inboxes[name] = postbox(None, None, self, name, True)
        return name

    def addOutbox(self, name: str = "outbox") -> str:
        """Add an outbox named after ``name``; return its actual name."""
        name = self._newOutboxName(name)
        self.outboxes[name] = postbox(None, None, self, name, False)
        return name

    def deleteInbox(self, name: str) -> None:
        """Remove inbox ``name`` and the linkages this component made to it."""
        self._unlinkBox(name, inbox=True)
        del self.inboxes[name]

    def deleteOutbox(self, name: str) -> None:
        """Remove outbox ``name`` and the linkages this component made from it."""
        self._unlinkBox(name, inbox=False)
        del self.outboxes[name]

    def _unlinkBox(self, name: str, inbox: bool) -> None:
        boxes = self.inboxes if inbox else self.outboxes
        if name not in boxes:
            raise noSuchBox(self, name, inbox)
        box = boxes[name]
        postoffice = self.postoffice  # type: ignore[attr-defined]
        for L in postoffice.linkagesOf(self):
            if box in (L.getSourcebox(), L.getSinkbox()):
                postoffice.unlink(thelinkage=L)

    # ------------------------------------------------------ resource tracking
    def trackResource(self, resource: Any, inbox: str) -> None:
        """Remember that messages arriving in ``inbox`` concern ``resource``."""
        if inbox not in self.inboxes:
            raise noSuchBox(self, inbox, True)
        self._resourceLookup[inbox] = resource

    def retrieveTrackedResource(self, inbox: str) -> Any:
        """The resource tracked for ``inbox`` (KeyError if none)."""
        try:
            return self._resourceLookup[inbox]
        except KeyError:
            raise KeyError(f"no resource is tracked for inbox {inbox!r}") from None

    def trackResourceInformation(self, resource: Any, inboxes: Iterable[str],
                                 outboxes: Iterable[str], information: Any) -> None:
        """Record the boxes and information belonging to ``resource``."""
        inboxes, outboxes = list(inboxes), list(outboxes)
        for name in inboxes:
            if name not in self.inboxes:
                raise noSuchBox(self, name, True)
        for name in outboxes:
            if name not in self.outboxes:
                raise noSuchBox(self, name, False)
        self._resourceStore[resource] = (inboxes, outboxes, information)

    def retrieveTrackedResourceInformation(self, resource: Any) -> tuple[list[str], list[str], Any]:
        """``(inboxes, outboxes, information)`` recorded for ``resource``."""
        try:
            return self._resourceStore[resource]
        except KeyError:
            raise KeyError(f"resource {resource!r} is not tracked") from None

    def ceaseTrackingResource(self, resource: Any) -> None:
        """Forget ``resource``: its information and every inbox tracked for it."""
        found = self._resourceStore.pop(resource, None) is not None
        for inbox in [i for i, r in self._resourceLookup.items() if r is resource or r == resource]:
            del self._resourceLookup[inbox]
            found = True
        if not found:
            raise KeyError(f"resource {resource!r} is not tracked")


class AdaptiveCommsComponent(_AdaptiveCommsable, component):
    """AdaptiveCommsComponent(**argd) -> component that can add and remove boxes."""

    def __init__(self, *args: Any, **argd: Any) -> None:
        super().__init__(*args, **argd)
        self._initAdaptiveComms()
