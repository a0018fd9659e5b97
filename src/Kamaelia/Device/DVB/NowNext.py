"""NowNext: programme junctions, told from amendments, in DVB now/next events.

Example Usage
-------------
Feed the simplified events of present/following EITs (as ``SimplifyEIT``
sends them) through the junction detector; only a real change of
programme comes out of ``"outbox"``::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Device.DVB.NowNext import (NowNextProgrammeJunctionDetect,
                                             NowNextServiceFilter)
    from Kamaelia.Util.Console import ConsoleEchoer
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.PureTransformer import PureTransformer

    def event(event_id, when, name, duration=(0, 30, 0), service=4164):
        return {"service": service, "transportstream": 4100, "event_id": event_id,
                "when": when, "startdate": [2006, 12, 22], "starttime": [10, 30, 0],
                "duration": duration, "name": name, "description": "",
                "language_code": "eng"}

    Pipeline(
        DataSource([event(1, "NOW", "News"), event(2, "NEXT", "Weather"),
                    event(1, "NOW", "News"),                        # repeated: nothing
                    event(1, "NOW", "News", duration=(0, 40, 0)),   # overran: an update
                    event(7, "NOW", "Film", service=4228),          # another service
                    event(2, "NOW", "Weather"),                     # next became now
                    event(3, "NEXT", "Sport")]),
        NowNextServiceFilter(4164),
        NowNextProgrammeJunctionDetect(),
        PureTransformer(lambda e: f"now on {e['service']}: {e['name']}\\n"),
        ConsoleEchoer(),
    ).run()                 # prints: now on 4164: News
                            #         now on 4164: Weather

The other outboxes ("now", "now_update", "next", "next_update") say the
rest; a recorder splits its recordings on "now".

How does it work?
-----------------
``NowNextServiceFilter(*services)`` passes on the events whose
``"service"`` (service_id) is one of ``services`` and drops the others.

``NowNextProgrammeJunctionDetect()`` is a thin component around
:class:`JunctionDetector`, which keeps, for each service, the event in
its NOW slot (on air), the one in its NEXT slot, and the events that were
NOW and have been replaced ("ended"). A service is the triple
(``"original_network"``, ``"transportstream"``, ``"service"``) of the event
(the first two may be absent, as in 1.14's events), so services of other
transport streams with the same service_id are kept apart. An event's
*details* are its ``startdate``, ``starttime``, ``duration``, ``name``,
``description``, ``language_code`` and ``running_status`` (:data:`DETAILS`).
The rules, applied to each event in the order the events arrive:

1. Events whose ``"when"`` is neither ``"NOW"`` nor ``"NEXT"`` (schedule
   data) are ignored.
2. *Repeat*: an event with the same id as the one in its slot, with the
   same details, changes nothing and is not sent. (Broadcasts repeat each
   section every few seconds; a new version of a table with the same
   contents -- a version change elsewhere in the table, or a wrap from 31
   to 0 -- is a repeat too, as versions are not looked at here.)
3. *Amendment*: the same id with different details (an overrun: a longer
   duration; a delay: a later start; a new name or text; "pausing" or
   "starts in a few seconds") replaces the slot's event and is sent out of
   ``"now_update"`` or ``"next_update"``. An amendment is never a junction.
4. *Junction*: a NOW event with an id other than the NOW slot's (or the
   first NOW event seen for the service) is a new programme: it takes the
   NOW slot and is sent out of ``"outbox"`` and ``"now"``; the event it
   replaces is remembered as ended (with its start and end); if it is the
   event that was NEXT, the NEXT slot is emptied (the following NEXT fills
   it). The first NOW event seen is a junction although the programme was
   already running: the detector cannot know when it began (the event's
   start time says).
5. *New next*: a NEXT event with an id other than the NEXT slot's takes
   the slot and is sent out of ``"next"``.
6. *Stale*: a NEXT event with the NOW slot's id, or any event with the id
   of an ended one, comes from a late or out-of-date section (e.g. the old
   section 1 arriving after the new section 0 at a junction) and is
   ignored -- so a programme is never started twice. The one exception is
   an event id used again for a later programme (ids are reused over the
   weeks): an event that starts at or after the end of the ended event
   with its id, and not when that one started, is a new event, and rules
   4 and 5 apply. Without start times (undefined, or events without
   ``"start"``, as 1.14's were) an ended id is always stale. The last 64
   ended events of each service are remembered.
7. *Empty present slot*: between programmes, or off-air, a broadcaster
   sends section 0 with no event. SimplifyEIT sends nothing for it, so the
   NOW slot keeps its event until another event comes in the NOW slot
   (the recorder uses the event's end time, ``"end"``, to know when it
   should be over). A NEXT event becoming NOW after a gap is a junction as
   usual (rule 4); a lost section 1 changes nothing else.

What it cannot tell, having no version numbers (simplified events carry
none): which of two different NEXT events is the newer. The sections of
one change may arrive in any order -- the new NEXT before the new NOW is a
new next (rule 5), then the NOW a junction (rule 4), and the old NOW or
NEXT after the new NOW is stale (rule 6) -- but an old NEXT that arrives
after the new NEXT and *before* the new NOW takes the NEXT slot back (a
``"next"`` message for the old event, then one for the new when it comes
again). The junctions are right whatever the order.

What it does not do: look at a clock. A junction is the moment the
broadcaster's table says a new programme is on (that is what "accurate
recording" relies on), not the start time an event gives, and the running
status never makes or delays a junction (it is a detail, rule 3).

A message that is not a dict with ``"service"``, ``"event_id"`` and
``"when"`` is logged as an error and skipped; an event for a full
size-limited inbox is dropped with a warning (the broadcast goes on).

Both components, on ``producerFinished`` or ``shutdownMicroprocess`` on
``"control"``, first deal with everything already waiting on ``"inbox"``,
then pass the message on out of ``"signal"`` and end.

Differences from 1.14
---------------------
1.14 looked at event ids only, one id per service and slot: a NOW event
whose id differed from the last NOW's was a junction, so an old section 0
arriving late (after the new one) made a junction back to the programme
that had ended, and then another forward again; every repeat of an
unchanged event (every few seconds) was sent out of ``"now_update"`` or
``"next_update"``. Here only a change of details is an update, and stale
events are ignored (rules 2 and 6). 1.14 keyed services by service_id
alone, so services of two transport streams with the same id were mixed.
1.14's components passed every message on ``"control"`` out of
``"signal"``; these pass on only the shutdown message that ends them.
"""

from __future__ import annotations

import collections
from datetime import datetime
from typing import Any, Mapping, Optional, Tuple

from Kamaelia.Device.DVB.PSITables import _PerMessage

__all__ = ["JunctionDetector", "NowNextProgrammeJunctionDetect", "NowNextServiceFilter",
           "serviceKey", "DETAILS", "NOW", "NOW_UPDATE", "NEXT", "NEXT_UPDATE"]

#: What :meth:`JunctionDetector.feed` returns (and the outbox each goes to).
NOW, NOW_UPDATE, NEXT, NEXT_UPDATE = "now", "now_update", "next", "next_update"

#: The entries of an event compared to tell an amendment from a repeat.
DETAILS = ("startdate", "starttime", "duration", "name", "description", "language_code",
           "running_status")

ServiceKey = Tuple[Optional[int], Optional[int], int]
Event = Mapping[str, Any]


def serviceKey(event: Event) -> ServiceKey:
    """(original_network, transportstream, service) of a simplified event."""
    return (event.get("original_network"), event.get("transportstream"), event["service"])


def _details(event: Event) -> tuple[Any, ...]:
    return tuple(event.get(key) for key in DETAILS)


def _time(event: Event, key: str) -> datetime | None:
    value = event.get(key)
    return value if isinstance(value, datetime) else None


class _Ended:
    """When an event that was NOW ran, as far as its last copy said."""

    __slots__ = ("start", "end")

    def __init__(self, event: Event) -> None:
        self.start = _time(event, "start")
        self.end = _time(event, "end")

    def reusedBy(self, start: datetime | None) -> bool:
        """True if an event starting at ``start`` is a later programme that
        has been given this ended event's id (rule 6's exception)."""
        end = self.end
        if start is None or end is None or (start.tzinfo is None) != (end.tzinfo is None):
            return False
        # (a start equal to the ended one's is the same event, even if it
        # lasted no time at all)
        return start >= end and start != self.start


class _Service:
    """What the detector knows of one service."""

    __slots__ = ("now", "next", "ended")

    def __init__(self) -> None:
        self.now: Event | None = None
        self.next: Event | None = None
        # event_id -> when it ran, oldest first
        self.ended: collections.OrderedDict[int, _Ended] = collections.OrderedDict()

    def isStale(self, event: Event) -> bool:
        """Rule 6: the event was NOW before, and is not a later reuse of its id."""
        ended = self.ended.get(event["event_id"])
        if ended is None:
            return False
        if ended.reusedBy(_time(event, "start")):
            del self.ended[event["event_id"]]
            return False
        return True

    def end(self, event: Event, keep: int) -> None:
        """Remember ``event`` (leaving the NOW slot) as ended; keep the last ``keep``."""
        self.ended[event["event_id"]] = _Ended(event)
        self.ended.move_to_end(event["event_id"])
        while len(self.ended) > keep:
            self.ended.popitem(last=False)


def _sameEvent(slot: Event | None, event_id: int) -> bool:
    return slot is not None and slot["event_id"] == event_id


class JunctionDetector:
    """JunctionDetector() -> tells junctions from amendments in now/next events

    :meth:`feed` takes one simplified event (as SimplifyEIT sends) and says
    what it is, by the rules in the module's docstring. It is a plain
    object (no component, no I/O): the recorder and the tests drive it with
    dicts.
    """

    #: Ended events remembered per service (rule 6).
    maxEnded = 64
    #: Services remembered; past this the least recently heard is forgotten.
    maxServices = 65536

    def __init__(self) -> None:
        self._services: collections.OrderedDict[ServiceKey, _Service] = collections.OrderedDict()

    def feed(self, event: Event) -> str | None:
        """feed(event) -> NOW, NOW_UPDATE, NEXT, NEXT_UPDATE, or None (nothing to tell)

        Raises KeyError if the event lacks "service", "event_id" or "when".
        """
        when, event_id, key = event["when"], event["event_id"], serviceKey(event)
        if when == "NOW":
            return self._feedNow(self._service(key), event, event_id)
        if when == "NEXT":
            return self._feedNext(self._service(key), event, event_id)
        return None                                             # rule 1

    def _service(self, key: ServiceKey) -> _Service:
        service = self._services.get(key)
        if service is None:
            service = self._services[key] = _Service()
            if len(self._services) > self.maxServices:
                self._services.popitem(last=False)
        else:
            self._services.move_to_end(key)
        return service

    def _feedNow(self, service: _Service, event: Event, event_id: int) -> str | None:
        if _sameEvent(service.now, event_id):
            return self._amend(service, "now", event, NOW_UPDATE)     # rules 2, 3
        if service.isStale(event):
            return None                                             # rule 6
        if service.now is not None:                                 # rule 4
            service.end(service.now, self.maxEnded)
        service.now = event
        if _sameEvent(service.next, event_id):
            service.next = None
        return NOW

    def _feedNext(self, service: _Service, event: Event, event_id: int) -> str | None:
        if _sameEvent(service.now, event_id):
            return None                                             # rule 6
        if _sameEvent(service.next, event_id):
            return self._amend(service, "next", event, NEXT_UPDATE)   # rules 2, 3
        if service.isStale(event):
            return None                                             # rule 6
        service.next = event
        return NEXT                                                 # rule 5

    @staticmethod
    def _amend(service: _Service, slot: str, event: Event, kind: str) -> str | None:
        if _details(getattr(service, slot)) == _details(event):
            return None                                             # rule 2
        setattr(service, slot, event)
        return kind                                                 # rule 3

    def nowAndNext(self, key: ServiceKey) -> tuple[Event | None, Event | None]:
        """(NOW event, NEXT event) of the service ``key`` (see :func:`serviceKey`)."""
        service = self._services.get(key)
        return (None, None) if service is None else (service.now, service.next)

    def services(self) -> list[ServiceKey]:
        """The services heard of, least recently heard first."""
        return list(self._services)


def _event(message: Any) -> Event:
    if not isinstance(message, Mapping):
        raise TypeError(f"an event is a dict, not {type(message).__name__}")
    return message


class NowNextServiceFilter(_PerMessage):
    """NowNextServiceFilter(*services) -> passes on the events of the services given

    - services -- service ids (ints) whose events are let through
    """

    Inboxes = {"inbox": "simplified now/next events", "control": "shutdown signalling"}
    Outboxes = {"outbox": "the events of the chosen services", "signal": "shutdown signalling"}

    def __init__(self, *services: int, **argd: Any) -> None:
        for service in services:
            if isinstance(service, bool) or not isinstance(service, int):
                raise TypeError(f"NowNextServiceFilter takes service ids (ints), not {service!r}")
        super().__init__(**argd)
        self.services = services

    def handleMessage(self, message: Any) -> None:
        if _event(message)["service"] in self.services:
            self.send(message, "outbox")


class NowNextProgrammeJunctionDetect(_PerMessage):
    """NowNextProgrammeJunctionDetect() -> sorts now/next events into junctions and amendments

    Send simplified events (from SimplifyEIT) to "inbox". A new programme
    comes out of "outbox" and "now"; see the module's docstring for the
    rules. ``detector`` is the :class:`JunctionDetector` it uses.
    """

    Inboxes = {"inbox": "simplified now/next events, from SimplifyEIT",
               "control": "shutdown signalling"}
    Outboxes = {"outbox": "the NOW event at each programme junction (a new programme on air)",
                "now": "the same as 'outbox'",
                "now_update": "the NOW event again when its details change (same programme)",
                "next": "the NEXT event when a different programme is to follow",
                "next_update": "the NEXT event again when its details change (same programme)",
                "signal": "shutdown signalling"}

    _BOXES = {NOW: ("now", "outbox"), NOW_UPDATE: ("now_update",),
              NEXT: ("next",), NEXT_UPDATE: ("next_update",)}

    def __init__(self, **argd: Any) -> None:
        super().__init__(**argd)
        self.detector = JunctionDetector()

    def handleMessage(self, message: Any) -> None:
        kind = self.detector.feed(_event(message))
        if kind is not None:
            for box in self._BOXES[kind]:
                self.send(message, box)


__kamaelia_components__ = (NowNextServiceFilter, NowNextProgrammeJunctionDetect)
