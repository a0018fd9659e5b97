"""The shutdown convention shared by Kamaelia's components.

Example Usage
-------------
Components in the library use the public helper
:func:`Axon.Ipc.shutdownRequest` (re-exported here, so internal code may
import it from either place). Inside a component's ``main``::

    from Axon.Ipc import shutdownRequest

    while True:
        ...                                        # handle "inbox"
        request = shutdownRequest(self)            # drains "control"
        if request is not None:
            self.send(request, "signal")           # pass it on, then end
            return
        if not self.anyReady():
            self.pause()
        yield 1

How does it work?
-----------------
A component is asked to end by a ``producerFinished`` (its producer has
finished: finish what is waiting, then end) or a ``shutdownMicroprocess``
(stop now) arriving on its ``"control"`` inbox. By convention it then sends
that same message out of its ``"signal"`` outbox, so the component after it
ends too. :func:`shutdownRequest` (from :mod:`Axon.Ipc`) takes everything
waiting on ``"control"`` and returns the first such message (or ``None``);
anything else there is logged as unexpected and dropped, so a stray message
cannot block shutdown.
:func:`forwardControl` is the variant for components that pass *every*
control message on out of ``"signal"`` (``PassThrough``, ``SubscribeTo``).

:class:`ControlState` is the same convention in the shape of 1.14's
components (``handleControl()``, ``canStop()``, ``mustStop()``,
``waitSend()``), as a mixin for components that keep 1.14's methods.

:func:`runUntilShutdown` is the whole loop above as a generator, for
components whose work is "handle what is waiting, pause when idle"::

    def main(self):
        request = yield from runUntilShutdown(self, self.handleWaiting)
        self.send(request, "signal")
"""

from __future__ import annotations

import logging
import reprlib
from typing import Any, Callable, Generator, Iterator, Sequence

from Axon.AxonExceptions import noSpaceInBox
from Axon.Ipc import ipc, producerFinished, shutdownMicroprocess, shutdownRequest

__all__ = ["SHUTDOWN_MESSAGES", "isShutdown", "shutdownRequest", "forwardControl",
           "runUntilShutdown", "ControlState"]

log = logging.getLogger("Kamaelia")

#: Messages on "control" that ask a component to end.
SHUTDOWN_MESSAGES = (producerFinished, shutdownMicroprocess)


def isShutdown(message: Any) -> bool:
    """True if ``message`` asks a component to end."""
    return isinstance(message, SHUTDOWN_MESSAGES)


def forwardControl(component: Any, boxname: str = "control",
                   outboxes: Sequence[str] = ("signal",)) -> ipc | None:
    """Pass every message waiting in ``boxname`` on out of each of ``outboxes``,
    up to the first shutdown message, which is returned (not yet passed on);
    None if there is none.

    For components whose job includes carrying control messages downstream.
    """
    while component.dataReady(boxname):
        message = component.recv(boxname)
        if isinstance(message, SHUTDOWN_MESSAGES):
            return message
        for outbox in outboxes:
            component.send(message, outbox)
    return None


def runUntilShutdown(component: Any, handle: Callable[[], Any],
                     control: Callable[[], ipc | None] | None = None,
                     timeout: float | None = None) -> Generator[int, None, ipc]:
    """The usual component loop, as a generator to ``yield from`` in ``main``.

    Each time the component runs, ``handle()`` deals with what is waiting in
    its inboxes, then ``control()`` (default: :func:`shutdownRequest`) looks
    for a shutdown message. When one comes, ``handle()`` runs once more, so
    nothing already received is lost, and the message is *returned*: passing
    it on (usually out of ``"signal"``) is the caller's job. Otherwise the
    component pauses until a message arrives (or ``timeout`` seconds pass).

    ``handle()`` returns a false value normally, or ``True`` when it is held
    back by a full destination (a size-limited inbox): the component then
    pauses even though messages wait in its inboxes, and is woken when the
    full inbox has a message taken out (or something new arrives). After a
    ``producerFinished`` the loop goes on until ``handle()`` stops returning
    ``True`` (everything received has been dealt with); a
    ``shutdownMicroprocess``, before or during that wait, ends it at once.
    ``handle()`` may also return an ``ipc`` message to say that the component
    has finished by itself: the loop ends and returns that message.
    """
    check = control if control is not None else (lambda: shutdownRequest(component))
    request: ipc | None = None
    while True:
        outcome = handle()
        if isinstance(outcome, ipc):
            return outcome
        if request is None:
            request = check()
            if request is not None:
                continue                # handle what came before it, then decide
        elif outcome is not True or isinstance(request, shutdownMicroprocess):
            return request
        else:                           # finishing, held back: only "stop now" matters
            later = check()
            if isinstance(later, shutdownMicroprocess):
                request = later
                continue
        if outcome is True or not component.anyReady():
            component.pause(timeout)
        yield 1


class ControlState:
    """Mixin: 1.14's ``handleControl()``, ``canStop()``, ``mustStop()`` and
    ``waitSend()``, keeping the message to pass on in ``shutdownMsg``."""

    shutdownMsg: ipc | None = None

    def handleControl(self) -> None:
        """Take what waits on "control", keeping the strongest shutdown message
        (``shutdownMicroprocess`` over ``producerFinished``) in ``shutdownMsg``;
        others go to ``otherControl(message)``."""
        owner: Any = self
        for message in owner.Inbox("control"):
            if isinstance(message, shutdownMicroprocess):
                if not isinstance(self.shutdownMsg, shutdownMicroprocess):
                    self.shutdownMsg = message
            elif isinstance(message, producerFinished):
                if not isinstance(self.shutdownMsg, SHUTDOWN_MESSAGES):
                    self.shutdownMsg = message
            else:
                self.otherControl(message)

    def otherControl(self, message: Any) -> None:
        """A control message that is no shutdown: logged and ignored."""
        owner: Any = self
        logging.getLogger(type(owner).__module__).warning(
            "%s ignored an unexpected message on 'control': %s", owner.name,
            reprlib.repr(message))

    def canStop(self) -> bool:
        """True once told to end (after finishing what waits)."""
        self.handleControl()
        return isinstance(self.shutdownMsg, SHUTDOWN_MESSAGES)

    def mustStop(self) -> bool:
        """True once told to end at once (``shutdownMicroprocess``)."""
        self.handleControl()
        return isinstance(self.shutdownMsg, shutdownMicroprocess)

    def waitSend(self, data: Any, boxname: str) -> Iterator[int]:
        """waitSend(data, boxname) -> generator: send ``data`` out of ``boxname``,
        pausing while the destination is full; raises ``UserWarning("STOP")`` if
        told to end at once meanwhile (1.14's method, for ``yield from``)."""
        owner: Any = self
        while True:
            try:
                owner.send(data, boxname)
                return
            except noSpaceInBox:
                if self.mustStop():
                    raise UserWarning("STOP") from None
                owner.pause()
                yield 1
