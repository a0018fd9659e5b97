"""Building blocks shared by Kamaelia.Util's stream components (not public API).

How does it work?
-----------------
:class:`StreamTransformer` is the loop behind every component here that
turns each message on ``"inbox"`` into zero or more messages on ``"outbox"``
(``Stringify``, ``Chunkifier``, ``LineSplit``, ``Sync``, ...). A subclass
writes two small methods:

* ``feed(message)`` returns what to send for one message (any iterable, so
  ``()`` to send nothing). If it raises, the error is logged, with the
  component's name and the message, on the logger named after the
  subclass's module, and that message alone is skipped: nothing already
  sent is taken back and nothing else is lost. ``feed`` is called for the
  whole iterable before anything is sent, so a message is handled entirely
  or not at all.
* ``finish()`` returns what to send when the component is told to end (for
  example a partly filled chunk).

On ``producerFinished`` or ``shutdownMicroprocess`` arriving on
``"control"`` it first feeds everything already waiting on ``"inbox"``, then
sends what ``finish()`` returns, then passes the shutdown message on out of
``"signal"`` and ends. It pauses whenever it has nothing to do.

:class:`TextBuffer` collects ``str`` or ``bytes`` chunks (of one kind) and
cuts them into pieces of chosen sizes, copying each character a bounded
number of times however the input was chunked.

:class:`CheckShutdown` and :class:`ControlState` are 1.14's two ways of
reading ``"control"``, kept because 1.14 subclasses call and override them:
``checkShutdown()`` returning ``(canStop, mustStop)`` (PromptedTurnstile,
RateChunker), and ``handleControl()`` with the methods ``canStop()`` and
``mustStop()`` (RangeFilter, TwoWaySplitter). Both keep the message to pass
on in ``shutdownMsg``; ``shutdownMicroprocess`` outranks ``producerFinished``.

:func:`discardUnused` and :func:`reportUnsent` make sure nothing is dropped
without a log line: the first for messages sent to an inbox a component does
not use, the second for messages left unsent when ``shutdownMicroprocess``
stops a component at once. :func:`passOnShutdown` is the shutdown handling
of components that stop at once (sources, clocks); :func:`finishOrStop` that
of components that work off a backlog on ``producerFinished`` (rate limits,
turnstiles).
"""

from __future__ import annotations

import logging
import reprlib
from typing import Any, Iterable, Iterator

from Axon.Component import component
from Axon.Ipc import ipc, producerFinished, shutdownMicroprocess
from Kamaelia._shutdown import ControlState, runUntilShutdown, shutdownRequest

__all__ = ["StreamTransformer", "TextBuffer", "discardUnused", "reportUnsent", "shortRepr",
           "logFor", "passOnShutdown", "finishOrStop", "CheckShutdown", "ControlState"]

_repr = reprlib.Repr()
_repr.maxstring = 80
_repr.maxother = 80


def shortRepr(value: Any) -> str:
    """``repr(value)``, shortened for a log line."""
    return _repr.repr(value)


def logFor(owner: Any) -> logging.Logger:
    """The logger named after the module that defines ``owner``'s class."""
    return logging.getLogger(type(owner).__module__)


def discardUnused(owner: component, boxname: str) -> None:
    """Drop (and log) everything waiting in an inbox that ``owner`` does not use."""
    for message in owner.Inbox(boxname):
        logFor(owner).warning("%s does not use its %r inbox; dropped %s", owner.name,
                              boxname, shortRepr(message))


def passOnShutdown(owner: component) -> bool:
    """If a shutdown message waits on "control", send it out of "signal": True.

    The whole of shutdown handling for a component that stops at once.
    """
    request = shutdownRequest(owner)
    if request is None:
        return False
    owner.send(request, "signal")
    return True


def finishOrStop(owner: component, finishing: ipc | None) -> tuple[bool, ipc | None]:
    """Shutdown handling for components that work off their backlog on
    ``producerFinished`` but stop at once on ``shutdownMicroprocess``.

    Returns ``(stopped, finishing)``. ``stopped`` is True if a
    ``shutdownMicroprocess`` arrived: it has been passed on out of "signal"
    and the messages left in "inbox" reported; the caller should end.
    ``finishing`` is the first ``producerFinished`` received (or None).
    """
    request = shutdownRequest(owner)
    if isinstance(request, shutdownMicroprocess):
        reportUnsent(owner)
        owner.send(request, "signal")
        return True, finishing
    return False, finishing if finishing is not None else request


def reportUnsent(owner: component, boxname: str = "inbox") -> None:
    """Log how many messages a component stopped at once leaves unsent."""
    waiting = owner.dataReady(boxname)
    if waiting:
        logFor(owner).warning("%s stopped by shutdownMicroprocess with %d message(s) still "
                              "waiting in %r; they were not sent", owner.name, waiting,
                              boxname)


def _unexpected(owner: Any, message: Any) -> None:
    logFor(owner).warning("%s ignored an unexpected message on 'control': %s",
                          owner.name, shortRepr(message))


class CheckShutdown:
    """Mixin: 1.14's ``checkShutdown()`` and its attributes ``shutdownMsg``,
    ``canStop`` (finish, then end) and ``mustStop`` (end now)."""

    shutdownMsg: ipc | None = None
    canStop = False
    mustStop = False

    def checkShutdown(self) -> tuple[bool, bool]:
        """checkShutdown() -> (canStop, mustStop), as in 1.14

        Takes what waits on "control": ``producerFinished`` sets ``canStop``,
        ``shutdownMicroprocess`` sets both; ``shutdownMsg`` is the message to
        pass on. Anything else is logged and ignored.
        """
        owner: Any = self
        for message in owner.Inbox("control"):
            if isinstance(message, shutdownMicroprocess):
                if not self.mustStop:
                    self.shutdownMsg, self.canStop, self.mustStop = message, True, True
            elif isinstance(message, producerFinished):
                if not self.canStop:
                    self.shutdownMsg, self.canStop = message, True
            else:
                _unexpected(owner, message)
        return self.canStop, self.mustStop


class StreamTransformer(component):
    """StreamTransformer() -> sends what ``feed(message)`` returns, for each message"""

    Inboxes = {"inbox": "messages to process", "control": "shutdown signalling"}
    Outboxes = {"outbox": "the results", "signal": "shutdown signalling"}

    def feed(self, message: Any) -> Iterable[Any]:
        """What to send for ``message`` (default: the message itself)."""
        return (message,)

    def finish(self) -> Iterable[Any]:
        """What to send when told to end, after everything waiting was fed."""
        return ()

    def deliver(self, message: Any) -> None:
        """Send one result out of "outbox"."""
        self.send(message, "outbox")

    def controlRequest(self) -> ipc | None:
        """The shutdown message, once one has come (default: read "control",
        logging anything else)."""
        return shutdownRequest(self)

    def main(self) -> Iterator[Any]:
        request = yield from runUntilShutdown(self, self._feedWaiting, self.controlRequest)
        for result in self.finish():
            self.deliver(result)
        self.send(request, "signal")

    def _feedWaiting(self) -> None:
        feed, deliver = self.feed, self.deliver
        for message in self.Inbox("inbox"):
            try:
                results = list(feed(message))
            except Exception as exc:
                logFor(self).error(
                    "%s cannot handle %s (%s: %s); that message was skipped", self.name,
                    shortRepr(message), type(exc).__name__, exc, exc_info=exc)
                continue
            for result in results:
                deliver(result)


class TextBuffer:
    """TextBuffer(owner) -> collects str or bytes chunks; the first chunk fixes which

    ``owner`` names the component in error messages. ``bytearray`` chunks
    are taken as ``bytes``.
    """

    __slots__ = ("owner", "kind", "_parts", "_start", "_size")

    def __init__(self, owner: str) -> None:
        self.owner = owner
        self.kind: type | None = None
        self._parts: list[Any] = []
        self._start = 0          # offset of the unread data in _parts[0]
        self._size = 0

    def push(self, chunk: Any) -> None:
        """Add ``chunk`` (TypeError if it is not text, or not of the buffer's kind)."""
        if isinstance(chunk, (bytes, bytearray)):
            kind: type = bytes
            chunk = bytes(chunk)
        elif isinstance(chunk, str):
            kind = str
        else:
            raise TypeError(f"{self.owner} takes str or bytes, not {shortRepr(chunk)}")
        if self.kind is None:
            self.kind = kind
        elif kind is not self.kind:
            raise TypeError(f"{self.owner} was given {self.kind.__name__} so far and cannot "
                            f"mix in {kind.__name__}: {shortRepr(chunk)}")
        if chunk:
            self._parts.append(chunk)
            self._size += len(chunk)

    def __len__(self) -> int:
        return self._size

    def cut(self, size: int) -> Any:
        """Take the first ``size`` characters (``size`` <= ``len(self)``)."""
        parts = self._parts
        if len(parts) > 1:
            # Join once; later cuts slice the joined text from an offset, so
            # each character is copied at most twice.
            first = parts[0][self._start:]
            parts[:] = [first[:0].join([first, *parts[1:]])]
            self._start = 0
        start = self._start
        piece = parts[0][start:start + size]
        self._size -= len(piece)
        if self._size:
            self._start = start + len(piece)
        else:
            parts.clear()
            self._start = 0
        return piece

    def takeAll(self) -> Any:
        """Take everything waiting (an empty str or bytes if nothing is)."""
        if not self._size:
            return (self.kind or str)()
        return self.cut(self._size)
