"""Async components: ``async def main`` and what it can await.

Example Usage
-------------
A component whose ``main`` is an ``async def`` runs like any other. It
awaits messages and deadlines instead of pausing, and sends as usual::

    from Axon.Component import component
    from Axon.Ipc import shutdownRequest

    class Greeter(component):
        async def main(self) -> None:
            while True:
                box = await self.waitForMessage("inbox", "control")   # a str
                if box == "inbox":                   # data first: finish what came
                    name = self.recv("inbox")
                    await self.waitFor(0.01)         # a deadline, no busy wait
                    self.send(f"hello, {name}", "outbox")
                else:
                    request = shutdownRequest(self)
                    if request is not None:
                        self.send(request, "signal")    # pass it on, then end
                        return

The awaitables (methods of every component):

* ``await self.waitForMessage(*boxnames, timeout=None)``: the name of an inbox
  that has a message (the first in the order given), or ``None`` on timeout;
  with no names it waits on every inbox (typed ``str`` without a timeout,
  ``str | None`` with one);
* ``await self.nextMessage(boxname="inbox", timeout=None)``: takes and
  returns the next message (``TimeoutError`` on timeout);
* ``await self.waitFor(seconds)`` and ``await self.waitUntil(deadline)``
  (``time.monotonic()`` clock).

How does it work?
-----------------
Under the classic scheduler (``run()``, ``runThreads()``), the coroutine is
stepped by a small generator that the scheduler treats like any ``main``: the
awaitables above pause the component and hand control back. Awaiting
anything else that needs an event loop (``asyncio.sleep``, sockets) raises a
``RuntimeError`` at the ``await`` explaining that the system must run on an
asyncio loop.

On an asyncio loop (``await component.runAsync()`` or ``await
scheduler.run.runAsync()``, see :mod:`Axon.Scheduler`), the coroutine runs
as a real ``asyncio.Task``, so it may await anything asyncio offers. The
scheduler side keeps a stand-in that is woken like any component (a message
arriving, a timer) and then resolves the future the task is waiting on.

Ending: when the coroutine returns the component ends as any other does. An
exception escaping it follows the scheduler's policy (logged with the
component's name, or re-raised). When the component is stopped or the system
ends while the coroutine is suspended, the coroutine is cancelled: closed
under the classic scheduler, ``Task.cancel()``-led and awaited on asyncio.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any, Coroutine, Generator, Iterator, overload

__all__ = ["AsyncComponentMixin", "driveCoroutine"]

_SUSPEND = object()   # what our awaitables hand the classic driver


class _Suspend:
    """Awaitable that hands control back to the classic driver once."""

    __slots__ = ()

    def __await__(self) -> Generator[Any, None, None]:
        yield _SUSPEND


_suspend = _Suspend()


def driveCoroutine(component: Any, coro: Coroutine[Any, Any, Any]) -> Iterator[Any]:
    """The generator the scheduler steps for a component whose main is async."""
    loop = component.scheduler._asyncLoop
    if loop is None:
        yield from _driveInline(component, coro)
    else:
        yield from _driveAsTask(component, coro, loop)


def _driveInline(component: Any, coro: Coroutine[Any, Any, Any]) -> Iterator[Any]:
    try:
        toThrow: BaseException | None = None
        while True:
            try:
                yielded = coro.throw(toThrow) if toThrow is not None else coro.send(None)
            except StopIteration:
                return
            toThrow = None
            if yielded is _SUSPEND or yielded is None:   # None: a bare yield, e.g. sleep(0)
                yield 1
            else:
                toThrow = RuntimeError(
                    f"{component.name} awaited {yielded!r}, which needs an asyncio event "
                    "loop; run the system on one with 'await component.runAsync()'")
    finally:
        coro.close()


def _driveAsTask(component: Any, coro: Coroutine[Any, Any, Any],
                 loop: asyncio.AbstractEventLoop) -> Iterator[Any]:
    scheduler = component.scheduler
    task = loop.create_task(coro, name=component.name)
    component._asyncTask = task
    scheduler._asyncTasks.add(task)
    task.add_done_callback(lambda _: (scheduler._asyncTasks.discard(task),
                                      component.unpause()))
    try:
        while not task.done():
            waiter = component._asyncWaiter
            if waiter is not None:
                _settle(waiter)               # woken: let the task look again
            component.pause()
            yield 1
        if not task.cancelled() and task.exception() is not None:
            raise task.exception()  # type: ignore[misc]
    finally:
        component._asyncTask = None
        if not task.done():
            task.cancel()             # awaited when the scheduler's runAsync ends


def _settle(waiter: asyncio.Future[Any]) -> None:
    if not waiter.done():
        waiter.set_result(None)


class AsyncComponentMixin:
    """The awaitables, mixed into :class:`Axon.Component.component`."""

    _asyncTask: asyncio.Task[Any] | None = None
    _asyncWaiter: asyncio.Future[Any] | None = None

    # Overloaded so that a type checker knows the result is a box name (never
    # None) when no timeout is given: ``box = await self.waitForMessage("inbox")``
    # is a ``str``; with ``timeout=`` it is ``str | None``.
    @overload
    async def waitForMessage(self, *boxnames: str, timeout: None = None) -> str: ...

    @overload
    async def waitForMessage(self, *boxnames: str, timeout: float) -> str | None: ...

    async def waitForMessage(self, *boxnames: str, timeout: float | None = None) -> str | None:
        """Wait until one of ``boxnames`` (default: every inbox) has a message.

        Returns that box's name, or ``None`` if ``timeout`` seconds pass first
        (so, without a timeout, always a name: the type checker knows).
        """
        names = boxnames or tuple(self.inboxes)  # type: ignore[attr-defined]
        for name in names:
            self.dataReady(name)                 # type: ignore[attr-defined]  # checks names
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            for name in names:
                if self.dataReady(name):         # type: ignore[attr-defined]
                    return name
            remaining = None if deadline is None else deadline - time.monotonic()
            if remaining is not None and remaining <= 0:
                return None
            await self._suspendUntilWoken(remaining)

    async def nextMessage(self, boxname: str = "inbox", timeout: float | None = None) -> Any:
        """Take the next message from ``boxname``, waiting for one if need be."""
        if await self.waitForMessage(boxname, timeout=timeout) is None:
            raise TimeoutError(f"{self.name}: no message on {boxname!r} "  # type: ignore[attr-defined]
                               f"within {timeout!r} s")
        return self.recv(boxname)                # type: ignore[attr-defined]

    async def waitFor(self, seconds: float) -> None:
        """Wait ``seconds`` (other components run meanwhile)."""
        if seconds < 0:
            raise ValueError(f"waitFor needs a non-negative delay, not {seconds!r}")
        await self.waitUntil(time.monotonic() + seconds)

    async def waitUntil(self, deadline: float) -> None:
        """Wait until ``time.monotonic()`` reaches ``deadline``."""
        if self._asyncTask is not None:
            await asyncio.sleep(max(0.0, deadline - time.monotonic()))
            return
        while (remaining := deadline - time.monotonic()) > 0:
            await self._suspendUntilWoken(remaining)

    async def _suspendUntilWoken(self, timeout: float | None) -> None:
        """Sleep until woken (a message, a timer), at most ``timeout`` seconds."""
        if self._asyncTask is None:
            self.pause(timeout)                  # type: ignore[attr-defined]
            await _suspend
            return
        loop = asyncio.get_running_loop()
        waiter = self._asyncWaiter = loop.create_future()
        timer = None if timeout is None else loop.call_later(timeout, _settle, waiter)
        try:
            await waiter
        finally:
            self._asyncWaiter = None
            if timer is not None:
                timer.cancel()
