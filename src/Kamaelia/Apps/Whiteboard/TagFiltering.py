"""TagFiltering: tag what a component sends with a unique id, and filter out echoes.

Example Usage
-------------
A hub that hands everything published to every subscriber -- except back to
whoever sent it (1.14's whiteboard's ``FilteringPubsubBackplane``)::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Util.Backplane import PublishTo, SubscribeTo
    from Kamaelia.Apps.Whiteboard.TagFiltering import FilterAndTagWrapper

    def FilteringPubsubBackplane(backplane, **options):
        return FilterAndTagWrapper(
            Pipeline(PublishTo(backplane), SubscribeTo(backplane)), **options)

Each connection gets one such wrapper: its own strokes go into the
backplane tagged with its id, and come back out of the backplane to every
connection but its own.

How does it work?
-----------------
``UidTagger()`` first sends its id (its ``name``, unique in the process)
out of ``"uid"``, then sends ``(uid, message)`` out of ``"outbox"`` for each
message arriving on ``"inbox"``.

``FilterTag()`` takes ``(uid, message)`` pairs on ``"inbox"`` and sends
``message`` for every pair whose uid is not the one it last received on
``"uid"`` (until one arrives, nothing is filtered). ``FilterButKeepTag()``
does the same but sends the whole pair. A message that is not a pair is
logged as an error (logger ``Kamaelia.Apps.Whiteboard.TagFiltering``,
naming the component and the message) and skipped (1.14 crashed).

``TagAndFilterWrapper(target, dontRemoveTag=False)`` is a Graphline around
``target``: what ``target`` sends is tagged on its way out of ``"outbox"``,
and pairs arriving on ``"inbox"`` that carry that tag are dropped, the
others passed to ``target`` (untagged, unless ``dontRemoveTag``).
``FilterAndTagWrapper(target, dontRemoveTag=False)`` is the other way round:
what arrives on ``"inbox"`` is tagged on its way into ``target``, and what
``target`` sends with that tag is dropped. ``...KeepingTag(target)`` are
the same with ``dontRemoveTag=True``. The linkages are 1.14's.

Shutdown: each of the three components, on ``producerFinished`` or
``shutdownMicroprocess`` on ``"control"``, first handles everything already
waiting, then passes that same message on out of ``"signal"`` and ends
(1.14 sent a new ``producerFinished`` and could leave messages behind).
In the wrappers, ``"control"`` goes to ``target`` first; its ``"signal"``
then ends the tagger and the filter in turn, and leaves through the
wrapper's ``"signal"``.

What they do not do: the filter compares tags with ``==`` only; it does
not look inside messages.
"""

from __future__ import annotations

import logging
from typing import Any, Iterator

from Axon.Component import component
from Kamaelia.Chassis.Graphline import Graphline
from Kamaelia._shutdown import runUntilShutdown
from Kamaelia.Util._stream import shortRepr

__all__ = ["UidTagger", "FilterTag", "FilterButKeepTag", "TagAndFilterWrapper",
           "FilterAndTagWrapper", "TagAndFilterWrapperKeepingTag",
           "FilterAndTagWrapperKeepingTag"]

log = logging.getLogger(__name__)


class UidTagger(component):
    """UidTagger() -> sends its uid out of "uid", then (uid, message) per message"""

    Inboxes = {"inbox": "messages to tag", "control": "shutdown signalling"}
    Outboxes = {"outbox": "(uid, message) pairs", "signal": "shutdown signalling",
                "uid": "the uid used for tagging, sent once at the start"}

    def main(self) -> Iterator[Any]:
        self.send(self.name, "uid")
        request = yield from runUntilShutdown(self, self._tagWaiting)
        self.send(request, "signal")

    def _tagWaiting(self) -> None:
        uid = self.name
        for message in self.Inbox("inbox"):
            self.send((uid, message), "outbox")


class FilterTag(component):
    """FilterTag() -> sends the message of each (uid, message) pair not tagged with
    the uid given on "uid"
    """

    Inboxes = {"inbox": "(uid, message) pairs", "control": "shutdown signalling",
               "uid": "the uid to filter out"}
    Outboxes = {"outbox": "messages not tagged with that uid",
                "signal": "shutdown signalling"}

    #: Until a uid arrives, no tag equals this.
    uid: Any = None

    def __init__(self, **argd: Any) -> None:
        super().__init__(**argd)
        self.uid = object()

    def main(self) -> Iterator[Any]:
        request = yield from runUntilShutdown(self, self._filterWaiting)
        self.send(request, "signal")

    def passOn(self, tag: Any, message: Any) -> None:
        """Send a pair that passed the filter (here: just its message)."""
        self.send(message, "outbox")

    def _filterWaiting(self) -> None:
        for uid in self.Inbox("uid"):
            self.uid = uid
        for pair in self.Inbox("inbox"):
            try:
                tag, message = pair
            except (TypeError, ValueError):
                log.error("%s was given %s, which is not a (uid, message) pair; skipped",
                          self.name, shortRepr(pair))
                continue
            if not tag == self.uid:
                self.passOn(tag, message)


class FilterButKeepTag(FilterTag):
    """FilterButKeepTag() -> sends each (uid, message) pair not tagged with the uid
    given on "uid"
    """

    Outboxes = {"outbox": "(uid, message) pairs not tagged with that uid",
                "signal": "shutdown signalling"}

    def passOn(self, tag: Any, message: Any) -> None:
        """Send a pair that passed the filter, tag and all."""
        self.send((tag, message), "outbox")


def _wrapper(target: component, dontRemoveTag: bool, tagOutgoing: bool) -> Graphline:
    filterClass = FilterButKeepTag if dontRemoveTag else FilterTag
    if tagOutgoing:
        paths = {("TARGET", "outbox"): ("TAGGER", "inbox"),
                 ("TAGGER", "outbox"): ("self", "outbox"),
                 ("self", "inbox"): ("FILTER", "inbox"),
                 ("FILTER", "outbox"): ("TARGET", "inbox")}
    else:
        paths = {("TARGET", "outbox"): ("FILTER", "inbox"),
                 ("FILTER", "outbox"): ("self", "outbox"),
                 ("self", "inbox"): ("TAGGER", "inbox"),
                 ("TAGGER", "outbox"): ("TARGET", "inbox")}
    return Graphline(
        TAGGER=UidTagger(),
        FILTER=filterClass(),
        TARGET=target,
        linkages={
            **paths,
            ("TAGGER", "uid"): ("FILTER", "uid"),
            # shutdown: the target first, then the tagger, then the filter
            ("self", "control"): ("TARGET", "control"),
            ("TARGET", "signal"): ("TAGGER", "control"),
            ("TAGGER", "signal"): ("FILTER", "control"),
            ("FILTER", "signal"): ("self", "signal"),
        },
    )


def TagAndFilterWrapper(target: component, dontRemoveTag: bool = False) -> Graphline:
    """TagAndFilterWrapper(target, dontRemoveTag=False) -> Graphline: what target sends
    is tagged; what comes in with that tag is dropped"""
    return _wrapper(target, dontRemoveTag, tagOutgoing=True)


def FilterAndTagWrapper(target: component, dontRemoveTag: bool = False) -> Graphline:
    """FilterAndTagWrapper(target, dontRemoveTag=False) -> Graphline: what comes in is
    tagged on its way to target; what target sends with that tag is dropped"""
    return _wrapper(target, dontRemoveTag, tagOutgoing=False)


def TagAndFilterWrapperKeepingTag(target: component) -> Graphline:
    """TagAndFilterWrapperKeepingTag(target) -> TagAndFilterWrapper(target, True)"""
    return TagAndFilterWrapper(target, dontRemoveTag=True)


def FilterAndTagWrapperKeepingTag(target: component) -> Graphline:
    """FilterAndTagWrapperKeepingTag(target) -> FilterAndTagWrapper(target, True)"""
    return FilterAndTagWrapper(target, dontRemoveTag=True)


__kamaelia_components__ = (UidTagger, FilterTag, FilterButKeepTag)
__kamaelia_prefabs__ = (TagAndFilterWrapper, FilterAndTagWrapper,
                        TagAndFilterWrapperKeepingTag, FilterAndTagWrapperKeepingTag)
