"""Filter: pass messages through a filter object that may change or drop them.

Example Usage
-------------
A filter object has a ``filter(message)`` method; returning ``None`` drops
the message::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Util.Console import ConsoleEchoer
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.Filter import Filter

    class ShortWords:
        def filter(self, word):
            return word.upper() + "\\n" if len(word) <= 3 else None

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
``"control"`` it first filters everything already waiting, then passes the
message on out of ``"signal"`` and ends. Other messages on ``"control"``
are logged and ignored.

What it does not do: only ``None`` drops a message (1.14 also dropped other
false results such as ``0`` or ``""``; here they are sent). For a plain
function, ``PureTransformer`` does the same job.
"""

from __future__ import annotations

from typing import Any, Iterable

from Kamaelia.Util._stream import StreamTransformer

__all__ = ["Filter", "NullFilter"]


class NullFilter:
    """NullFilter() -> a filter object that returns every message unchanged"""

    def filter(self, message: Any) -> Any:
        return message


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
