"""AsyncHandle: let asyncio code talk to a Kamaelia subsystem.

Example Usage
-------------
From a plain asyncio program, start a subsystem and exchange messages with
it; the scheduler runs on the same loop, with no extra thread::

    import asyncio
    from Axon.AsyncHandle import AsyncHandle
    from Axon.Scheduler import scheduler
    from Kamaelia.Util.PureTransformer import PureTransformer

    async def main():
        shout = AsyncHandle(PureTransformer(str.upper)).activate()
        system = asyncio.create_task(scheduler.run.runAsync())
        await shout.put("hello")
        print(await shout.get(timeout=5))          # HELLO
        await shout.shutdown()                      # ends the subsystem
        async for leftover in shout.messages():     # nothing left: ends at once
            print(leftover)
        await system

    asyncio.run(main())

It works the same when the scheduler runs in a background thread
(:mod:`Axon.background`) instead of on the loop.

How does it work?
-----------------
``AsyncHandle(component)`` is the asyncio counterpart of
:class:`~Axon.Handle.Handle`, with the same boxes: it makes the wrapped
component its child and links only its four standard boxes (``"inbox"``,
``"control"``, ``"outbox"``, ``"signal"``), so the component may link its
other boxes itself. Unlike ``Handle`` it needs no thread of its own: it is
an ordinary component, and what the wrapped component sends is put into
``asyncio.Queue``\\ s on the event loop that made the handle (with
``call_soon_threadsafe`` when the scheduler runs in another thread).

* ``await put(message, boxname="inbox")`` delivers into the wrapped
  component's ``"inbox"`` or ``"control"``;
* ``await get(boxname="outbox", timeout=None)`` returns the next message it
  sent from ``"outbox"`` or ``"signal"``, raising ``TimeoutError`` after
  ``timeout`` seconds and :class:`EndOfStream` once the component has ended
  and everything it sent has been taken;
* ``messages(boxname="outbox")`` is an async iterator over the same, ending
  at the end of the stream;
* ``await shutdown()`` sends ``shutdownMicroprocess`` to its ``"control"``.

When the wrapped component ends, the handle collects what is left, ends the
streams and ends itself; it sends nothing of its own on its outboxes. It
then lets go of the component, as a ``Handle`` does: ``comp`` becomes
``None``, its name is remembered for error messages.
"""

from __future__ import annotations

import asyncio
from collections import deque
from typing import Any, AsyncIterator, Iterator

from Axon.Component import component
from Axon.Handle import (_FROM_COMPONENT, _TO_COMPONENT, Handle, LetsGoOfComponent, _checkBox,
                         linkStandardBoxes)
from Axon.Ipc import shutdownMicroprocess

__all__ = ["AsyncHandle", "EndOfStream"]


class EndOfStream(Exception):
    """The wrapped component has ended and everything it sent has been taken."""


_END = object()


class AsyncHandle(LetsGoOfComponent, component):
    """AsyncHandle(someComponent) -> handle for asyncio code; make it inside a running loop"""

    Inboxes = Handle.Inboxes
    Outboxes = Handle.Outboxes

    def __init__(self, someComponent: Any) -> None:
        super().__init__()
        self.comp = someComponent
        self._loop = asyncio.get_running_loop()
        self._toDeliver: deque[tuple[str, Any]] = deque()
        self._queues: dict[str, asyncio.Queue[Any]] = {
            name: asyncio.Queue() for name in _FROM_COMPONENT if name in someComponent.outboxes}

    # ---------------------------------------------------- scheduler side
    def main(self) -> Iterator[Any]:
        comp = self.comp
        linkStandardBoxes(self, comp)
        if comp._runstate.step is None:
            comp.activate(Scheduler=self.scheduler)
        while True:
            self._deliverPuts()
            self._collectFromComponent()
            if comp._isStopped() and not self._toDeliver:
                break
            self.pause()
            yield 1
        self.removeChild(comp)
        del comp
        self._letGo()
        self._collectFromComponent()
        for queue in self._queues.values():
            self._onLoop(queue.put_nowait, _END)

    def _deliverPuts(self) -> None:
        toDeliver = self._toDeliver
        while toDeliver:
            boxname, message = toDeliver.popleft()
            self.send(message, _TO_COMPONENT[boxname])

    def _collectFromComponent(self) -> None:
        for theirs, ours in _FROM_COMPONENT.items():
            queue = self._queues.get(theirs)
            for message in self.Inbox(ours):
                if queue is not None:
                    self._onLoop(queue.put_nowait, message)

    def _onLoop(self, function: Any, *args: Any) -> None:
        if self.scheduler is not None and self.scheduler._asyncLoop is self._loop:
            function(*args)
        else:
            self._loop.call_soon_threadsafe(function, *args)

    # ------------------------------------------------------ asyncio side
    async def put(self, message: Any, boxname: str = "inbox") -> None:
        """Deliver ``message`` to the wrapped component's ``"inbox"`` or ``"control"``."""
        _checkBox(self._described, boxname, inbox=True)
        self._toDeliver.append((boxname, message))
        self.unpause()

    async def get(self, boxname: str = "outbox", timeout: float | None = None) -> Any:
        """The next message the wrapped component sent from ``boxname``."""
        _checkBox(self._described, boxname, inbox=False)
        queue = self._queues[boxname]
        try:
            message = await asyncio.wait_for(queue.get(), timeout)
        except asyncio.TimeoutError:
            raise TimeoutError(f"nothing from {self._described.name} on {boxname!r} within "
                               f"{timeout!r} s") from None
        if message is _END:
            queue.put_nowait(_END)            # the stream stays ended
            raise EndOfStream(f"{self._described.name} has ended")
        return message

    async def messages(self, boxname: str = "outbox") -> AsyncIterator[Any]:
        """Iterate over what the wrapped component sends, until it ends."""
        while True:
            try:
                yield await self.get(boxname)
            except EndOfStream:
                return

    async def shutdown(self) -> None:
        """Ask the wrapped component to stop (``shutdownMicroprocess`` on "control")."""
        await self.put(shutdownMicroprocess(self), "control")
