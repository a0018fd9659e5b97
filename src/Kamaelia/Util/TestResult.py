"""TestResult: fail a test system on a false message; stop it on request.

Example Usage
-------------
Check that every result a system produces is true::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.PureTransformer import PureTransformer
    from Kamaelia.Util.TestResult import TestResult

    Pipeline(
        DataSource([2, 4, 6]),
        PureTransformer(lambda n: n % 2 == 0),   # True for even numbers
        TestResult(),
    ).run()
    print("all results were true")

A 1.14-style test stops the whole system from inside by sending
``StopSystem()`` to a TestResult's ``"control"``, and catches the exception::

    from Axon.Scheduler import scheduler
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.TestResult import TestResult, StopSystem, StopSystemException

    source, result = DataSource([StopSystem()]), TestResult()
    source.link((source, "outbox"), (result, "control"))
    source.activate()
    result.activate()
    scheduler.run.reraiseExceptions = True     # let the exception out (see below)
    try:
        scheduler.run.runThreads()
    except StopSystemException:
        print("system stopped")

How does it work?
-----------------
``TestResult()`` takes each message arriving on ``"inbox"``: a true value
is fine; a false one (``False``, ``0``, ``""``, ``None``, ...) halts the
system and raises ``AssertionError`` naming the component and the message.
A ``StopSystem`` message arriving on ``"control"`` halts the system and
raises ``StopSystemException``. Messages waiting on ``"inbox"`` are checked
before ``"control"``, so a failure is never hidden by a stop request.

"Halts the system" means ``scheduler.stop()``: every component on the
TestResult's scheduler is stopped and closed down, so ``runThreads()``
returns. The exception itself follows the scheduler's policy for
exceptions escaping a component: with ``scheduler.reraiseExceptions`` set
(as tests do) it propagates out of ``runThreads()``, as in 1.14; otherwise
it is logged (logger ``Axon.Scheduler``) and ``runThreads()`` returns
normally.

``StopSystem`` is an ``Axon.Ipc.ipc`` message; ``StopSystemException`` is an
``Axon.AxonExceptions.AxonException``.

Boxes: ``"inbox"`` takes values to check; ``"control"`` takes
``StopSystem`` and shutdown messages; ``"outbox"`` is not used;
``"signal"`` passes shutdown messages on.

Shutdown: on ``producerFinished`` or ``shutdownMicroprocess`` it checks
everything already waiting on ``"inbox"`` (so a false value there still
fails), then sends that same message out of ``"signal"`` and ends. Other
messages on ``"control"`` are logged and ignored. (1.14's TestResult
ignored shutdown messages and never ended by itself.)

What it does not do: it does not count or report passing values, and it
compares nothing: put the comparison in front of it (a ``PureTransformer``
or ``Comparator``).
"""

from __future__ import annotations

from typing import Any, Iterator

from Axon.AxonExceptions import AxonException
from Axon.Component import component
from Axon.Ipc import ipc
from Kamaelia._shutdown import isShutdown
from Kamaelia.Util._stream import logFor, shortRepr

__all__ = ["TestResult", "StopSystem", "StopSystemException"]


class StopSystem(ipc):
    """StopSystem() -> ask a TestResult to halt the system with StopSystemException"""


class StopSystemException(AxonException):
    """Raised by TestResult to stop the whole Axon system.

    It always propagates out of ``runThreads()`` (``axonReraise``), so the
    1.14 idiom ``try: scheduler.run.runThreads() except StopSystemException:``
    works whatever the scheduler's exception policy.
    """

    axonReraise = True


class TestResult(component):
    """TestResult() -> raises AssertionError on a false value, StopSystemException on StopSystem"""

    __test__ = False        # not a pytest test class, despite its name

    Inboxes = {"inbox": "values that must all be true",
               "control": "StopSystem to halt the system; shutdown signalling"}
    Outboxes = {"outbox": "not used", "signal": "shutdown signalling"}

    def main(self) -> Iterator[Any]:
        while True:
            self._checkWaiting()
            if self._obeyControl():
                return
            if not self.anyReady():
                self.pause()
            yield 1

    def _obeyControl(self) -> bool:
        """Act on what waits on "control"; True once a shutdown was passed on."""
        while self.dataReady("control"):
            message = self.recv("control")
            if isinstance(message, StopSystem):
                self._halt()
                raise StopSystemException("StopSystem request raised from TestResult")
            if isShutdown(message):
                self._checkWaiting()
                self.send(message, "signal")
                return True
            logFor(self).warning("%s ignored an unexpected message on 'control': %s",
                                 self.name, shortRepr(message))
        return False

    def _checkWaiting(self) -> None:
        for message in self.Inbox("inbox"):
            if not message:
                self._halt()
                raise AssertionError(f"false value message received by: {self.name}: "
                                     f"{shortRepr(message)}")

    def _halt(self) -> None:
        if self.scheduler is not None:
            self.scheduler.stop()


__kamaelia_components__ = (TestResult,)
