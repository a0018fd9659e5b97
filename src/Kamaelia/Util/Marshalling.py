"""Marshaller, DeMarshaller, BasicMarshallComponent: turn objects into data and back.

Example Usage
-------------
Any class with ``marshall`` and ``demarshall`` static (or class) methods
will do::

    import json
    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Util.Console import ConsoleEchoer
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.Marshalling import DeMarshaller, Marshaller
    from Kamaelia.Util.PureTransformer import PureTransformer

    class JSON:
        marshall = staticmethod(json.dumps)
        demarshall = staticmethod(json.loads)

    Pipeline(
        DataSource([{"x": 1}, [1, 2]]),
        Marshaller(JSON),                     # objects -> text
        DeMarshaller(JSON),                   # text -> objects
        PureTransformer(lambda obj: f"{obj!r}\\n"),
        ConsoleEchoer(),
    ).run()                                   # prints {'x': 1} and [1, 2]

How does it work?
-----------------
``Marshaller(klass)`` sends ``klass.marshall(message)`` out of ``"outbox"``
for each message arriving on ``"inbox"``; ``DeMarshaller(klass)`` sends
``klass.demarshall(message)``. Every result is sent, ``None`` included.

``BasicMarshallComponent(klass)`` does both in one component, with 1.14's
box names: messages on ``"marshall"`` come out of ``"marshalled"``, and
messages on ``"demarshall"`` come out of ``"demarshalled"``.

A message that ``marshall``/``demarshall`` raises on is logged as an error
(logger ``Kamaelia.Util.Marshalling``, naming the component and the
message) and skipped; the component carries on.

Shutdown: on ``producerFinished`` or ``shutdownMicroprocess`` on
``"control"`` each first converts everything already waiting, then passes
the message on out of ``"signal"`` and ends. Other messages on
``"control"`` are logged and ignored.

What they do not do: they do not frame the data (see the Chunkifier and
framing components for that), and they call the class's methods, never an
instance's: ``klass`` is not instantiated.
"""

from __future__ import annotations

import logging
from typing import Any, Callable, Iterable, Iterator

from Axon.Component import component
from Kamaelia._shutdown import runUntilShutdown
from Kamaelia.Util._stream import StreamTransformer, shortRepr

__all__ = ["Marshaller", "DeMarshaller", "BasicMarshallComponent"]

log = logging.getLogger("Kamaelia.Util.Marshalling")


def _method(owner: str, klass: Any, name: str) -> Callable[[Any], Any]:
    method = getattr(klass, name, None)
    if not callable(method):
        raise TypeError(f"{owner} needs a class with a {name}() method, not {klass!r}")
    return method


class Marshaller(StreamTransformer):
    """Marshaller(klass) -> sends klass.marshall(message) for each message

    - klass -- a class (or any object) with a ``marshall(obj)`` method
    """

    Inboxes = {"inbox": "messages to convert",
               "control": "producerFinished or shutdownMicroprocess to end"}
    Outboxes = {"outbox": "each message, converted by klass's method",
                "signal": "the shutdown message, passed on"}

    _direction = "marshall"

    def __init__(self, klass: Any, **argd: Any) -> None:
        self._convert = _method(type(self).__name__, klass, self._direction)
        super().__init__(**argd)
        self.klass = klass

    def feed(self, message: Any) -> Iterable[Any]:
        return (self._convert(message),)


class DeMarshaller(Marshaller):
    """DeMarshaller(klass) -> sends klass.demarshall(message) for each message

    - klass -- a class (or any object) with a ``demarshall(data)`` method
    """

    _direction = "demarshall"


class BasicMarshallComponent(component):
    """BasicMarshallComponent(klass) -> marshalls "marshall" and demarshalls "demarshall"

    - klass -- a class with ``marshall(obj)`` and ``demarshall(data)`` methods
    """

    Inboxes = {"marshall": "objects to marshall", "demarshall": "data to demarshall",
               "control": "producerFinished or shutdownMicroprocess to end"}
    Outboxes = {"marshalled": "klass.marshall(object) for each",
                "demarshalled": "klass.demarshall(data) for each",
                "signal": "the shutdown message, passed on"}

    def __init__(self, klass: Any, **argd: Any) -> None:
        self._routes = [(box, box + "ed", _method("BasicMarshallComponent", klass, box))
                        for box in ("marshall", "demarshall")]
        super().__init__(**argd)
        self.klass = klass

    def main(self) -> Iterator[Any]:
        request = yield from runUntilShutdown(self, self._convertWaiting)
        self.send(request, "signal")

    def _convertWaiting(self) -> None:
        for inbox, outbox, convert in self._routes:
            for message in self.Inbox(inbox):
                try:
                    result = convert(message)
                except Exception as exc:
                    log.error("%s cannot %s %s (%s: %s); that message was skipped",
                              self.name, inbox, shortRepr(message), type(exc).__name__, exc,
                              exc_info=exc)
                    continue
                self.send(result, outbox)


__kamaelia_components__ = (Marshaller, DeMarshaller)
