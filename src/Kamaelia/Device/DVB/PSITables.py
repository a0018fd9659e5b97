"""PSITables: components that sort parsed DVB PSI/SI tables.

Example Usage
-------------
Keep only the tables that are in force now (drop those announced for
later)::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Device.DVB.PSITables import FilterOutNotCurrent
    from Kamaelia.Util.Console import ConsoleEchoer
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.PureTransformer import PureTransformer

    Pipeline(
        DataSource([{"table_type": "PAT", "current": True, "version": 3},
                    {"table_type": "PAT", "current": False, "version": 4}]),
        FilterOutNotCurrent(),
        PureTransformer(lambda table: f"version {table['version']} is current\\n"),
        ConsoleEchoer(),
    ).run()                                   # prints: version 3 is current

In a receiver it sits after a table parser, e.g. ``ReassemblePSITables()``,
``ParseProgramAssociationTable()``, ``FilterOutNotCurrent()``,
``PrettifyProgramAssociationTable()``.

How does it work?
-----------------
Every table section carries a ``current_next_indicator`` bit (ISO/IEC
13818-1 2.4.4.5, ETSI EN 300 468 5.1.1): 1 says the table applies now, 0
that it is the *next* version, sent ahead of the moment it takes over.
(That is not the "present/following" of event information, which is about
programmes; a present/following EIT has its own current and next versions.)

``FilterOutNotCurrent()`` sends on, out of ``"outbox"``, each parsed table
(a dict) whose ``"current"`` entry -- the key the parsers of
``Kamaelia.Device.DVB.Parse`` give it, as in 1.14 -- is true, and drops
those whose ``"current"`` is false. A dict without ``"current"`` but with
``"current_next"`` (the key of the pure section parsers, such as
``ParseEventInformationTable.parseEITSection``) is judged by that instead.
Anything else (not a dict, or neither key) is logged as an error, naming
the component and the message, and skipped. A table for a full
size-limited inbox is dropped, with a warning at most every 10 s (a
broadcast cannot be held back, and its tables come again).

On ``producerFinished`` or ``shutdownMicroprocess`` arriving on
``"control"`` it first deals with every table already waiting on
``"inbox"``, then passes the message on out of ``"signal"`` and ends. Other
messages on ``"control"`` are logged and ignored.

Differences from 1.14
---------------------
1.14 looked at ``"current"`` alone and ended, with a ``KeyError``, at a
table without it (or anything not a dict); this one also takes
``"current_next"``, and logs and skips what it cannot judge. 1.14 passed
every message on ``"control"`` out of ``"signal"``; this passes on only the
shutdown message that ends it (the library's convention, see
``Axon.Ipc.shutdownRequest``) and logs the others.
"""

from __future__ import annotations

import logging
from typing import Any, Iterator

from Axon.AxonExceptions import noSpaceInBox
from Axon.Component import component
from Kamaelia._logthrottle import RepeatLimiter
from Kamaelia._shutdown import shutdownRequest

__all__ = ["FilterOutNotCurrent"]

_full = RepeatLimiter(logging.getLogger(__name__))


def _short(message: Any, limit: int = 200) -> str:
    text = repr(message)
    return text if len(text) <= limit else text[:limit] + "..."


class _PerMessage(component):
    """A component that handles each message on "inbox" by itself.

    The shared loop of the components of ``Kamaelia.Device.DVB``'s table
    modules (``PSITables``, ``EIT``, ``NowNext``, ``Parse.ParseEventInformationTable``):
    subclasses define :meth:`handleMessage`. Messages are handled in a
    method, not in ``main``, so ``main`` holds no message while it waits at
    ``yield``. An exception from :meth:`handleMessage` is logged (on the
    logger of the subclass's module) with the component's name and the
    message, which is skipped: one bad message must not stop a receiver.
    (``TypeError``, ``KeyError`` and ``ValueError`` -- a message that is not
    what the component takes -- are logged without a traceback.) A result
    for a full size-limited inbox is dropped, with a warning at most every
    10 s: a broadcast cannot be held back, and its tables come again.
    """

    Inboxes = {"inbox": "messages to handle", "control": "shutdown signalling"}
    Outboxes = {"outbox": "results", "signal": "shutdown signalling"}

    def handleMessage(self, message: Any) -> None:
        """Deal with one message from "inbox" (override)."""
        raise NotImplementedError

    def _handleWaiting(self) -> None:
        for message in self.Inbox("inbox"):
            try:
                self.handleMessage(message)
            except noSpaceInBox as exc:
                _full.warning("%s: a destination is full, result dropped: %s", self.name, exc)
            except (TypeError, KeyError, ValueError) as exc:
                # the message is not what the component takes: say which, and why
                logging.getLogger(type(self).__module__).error(
                    "%s: skipped %s: %s", self.name, _short(message), exc)
            except Exception:
                logging.getLogger(type(self).__module__).exception(
                    "%s: failed on %s; skipped", self.name, _short(message))

    def shutdown(self) -> bool:
        """True once a shutdown message has arrived on "control": what was
        waiting on "inbox" has then been handled and the message passed on
        out of "signal". (1.14's name for this check.)"""
        request = shutdownRequest(self)
        if request is None:
            return False
        self._handleWaiting()
        self.send(request, "signal")
        return True

    def main(self) -> Iterator[Any]:
        while True:
            self._handleWaiting()
            if self.shutdown():
                return
            if not self.anyReady():
                self.pause()
            yield 1


class FilterOutNotCurrent(_PerMessage):
    """FilterOutNotCurrent() -> passes on only the parsed tables that apply now

    Send parsed tables (dicts) to "inbox"; those marked current
    (``table["current"]``, else ``table["current_next"]``) come out of
    "outbox", the others are dropped.
    """

    Inboxes = {"inbox": "parsed PSI/SI tables (dicts)", "control": "shutdown signalling"}
    Outboxes = {"outbox": "the tables marked current", "signal": "shutdown signalling"}

    def handleMessage(self, message: Any) -> None:
        if not isinstance(message, dict):
            raise TypeError(f"a parsed table is a dict, not {type(message).__name__}")
        if "current" in message:
            current = message["current"]
        elif "current_next" in message:
            current = message["current_next"]
        else:
            raise KeyError("the table has neither 'current' nor 'current_next'")
        if current:
            self.send(message, "outbox")


__kamaelia_components__ = (FilterOutNotCurrent,)
