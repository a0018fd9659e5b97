"""Filter: pass messages through a filter object that may change or drop them.

Example Usage
-------------
A filter object has a ``filter(message)`` method; returning ``None`` drops
the message. When the stream ends, ``filter("")`` is called until it
returns ``None`` (or ``""``), so that a filter holding data back can hand it
over (1.14's contract)::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Util.Console import ConsoleEchoer
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.Filter import Filter

    class ShortWords:
        def filter(self, word):
            return word.upper() + "\\n" if 0 < len(word) <= 3 else None

    Pipeline(
        DataSource(["a", "longer", "few", "words"]),
        Filter(filter=ShortWords()),
        ConsoleEchoer(),
    ).run()                                       # prints A and FEW

How does it work?
-----------------
``Filter(filter=NullFilter())`` calls ``filter.filter(message)`` for every
message arriving on ``"inbox"`` and sends the result out of ``"outbox"``,
unless the result is ``None``. The filter object may keep state between
messages. ``NullFilter`` passes everything through unchanged.

A message the filter raises on is logged as an error (logger
``Kamaelia.Util.Filter``, naming the component and the message) and
skipped; the component carries on.

Shutdown: on ``producerFinished`` or ``shutdownMicroprocess`` on
``"control"`` it first filters everything already waiting, then *flushes*
the filter as 1.14 did (``closeDownComponent()``): it calls
``filter.filter("")`` and sends each result, until the filter returns
``None`` or ``""`` (a filter that buffers, such as a line splitter, hands
over what it holds this way; 1.14 looped for ever on a filter that returns
``""``, such as ``NullFilter``; a filter that raises on ``""`` is taken
not to buffer, logged at DEBUG). Then it passes the message on out of
``"signal"`` and ends. Other messages on ``"control"`` are logged and
ignored.

``mainBody()`` and ``closeDownComponent()`` are 1.14's methods (one step of
work, and the flush); ``main`` uses ``closeDownComponent()``, so a subclass
may override it, but handles waiting messages in batches itself rather
than through ``mainBody()``. ``FilterComponent`` is 1.14's old name for
``Filter``.

What it does not do: only ``None`` drops a message (``0`` or ``""`` are
sent, as in 1.14). For a plain function, ``PureTransformer`` does the same
job.
"""

from __future__ import annotations

from typing import Any, Iterable, Iterator

from Kamaelia._shutdown import isShutdown
from Kamaelia.Util._stream import StreamTransformer, logFor

__all__ = ["Filter", "NullFilter", "FilterComponent"]

#: How many results a flush may produce before it is taken to be endless.
FLUSH_LIMIT = 10_000


class NullFilter:
    """NullFilter() -> a filter object that returns every message unchanged"""

    def filter(self, newtext: Any) -> Any:
        return newtext


class Filter(StreamTransformer):
    """Filter(filter=NullFilter()) -> sends filter.filter(message) unless it is None

    - filter -- an object with a ``filter(message)`` method
    """

    Inboxes = {"inbox": "messages to filter",
               "control": "producerFinished or shutdownMicroprocess to end"}
    Outboxes = {"outbox": "filter.filter(message), where not None",
                "signal": "the shutdown message, passed on"}

    def __init__(self, filter: Any = None, **argd: Any) -> None:
        if filter is None:
            filter = NullFilter()
        if not callable(getattr(filter, "filter", None)):
            raise TypeError(f"Filter: filter must be an object with a filter(message) "
                            f"method, not {filter!r}")
        super().__init__(**argd)
        self.filter = filter

    def feed(self, message: Any) -> Iterable[Any]:
        result = self.filter.filter(message)
        return () if result is None else (result,)

    def finish(self) -> Iterable[Any]:
        self.closeDownComponent()
        return ()

    def closeDownComponent(self) -> None:
        """Flush the filter: send each ``filter.filter("")`` until it returns
        ``None`` or ``""`` (1.14's end-of-data convention)."""
        for result in self._flushed():
            self.send(result, "outbox")

    def _flushed(self) -> Iterator[Any]:
        for _ in range(FLUSH_LIMIT):
            try:
                result = self.filter.filter("")
            except Exception as exc:
                # Most likely a filter that does not know 1.14's flush call.
                logFor(self).debug("%s: its filter does not take filter('') (%s: %s), "
                                   "so nothing was flushed", self.name,
                                   type(exc).__name__, exc)
                return
            if result is None or (isinstance(result, str) and result == ""):
                return
            yield result
        logFor(self).error("%s: its filter still had output after %d flushes; stopped "
                           "flushing", self.name, FLUSH_LIMIT)

    def mainBody(self) -> int:
        """One step of 1.14's loop: filter one waiting message; on a shutdown
        message, flush, pass it on and return 0 (done); else return 1."""
        if self.dataReady("inbox"):
            for result in self.feed(self.recv("inbox")):
                self.send(result, "outbox")
        if self.dataReady("control"):
            message = self.recv("control")
            if isShutdown(message):
                self.closeDownComponent()
                self.send(message, "signal")
                return 0
            logFor(self).warning("%s ignored an unexpected message on 'control': %r",
                                 self.name, message)
        return 1


#: 1.14's old name for Filter.
FilterComponent = Filter

__kamaelia_components__ = (Filter,)
