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
``AsyncHandle(component)`` is a :class:`~Axon.Handle.Handle` whose outputs
arrive in ``asyncio.Queue``\\ s on the event loop that made it (delivered with
``call_soon_threadsafe`` when the scheduler runs in another thread).

* ``await put(message, boxname="inbox")`` delivers into the wrapped
  component's inbox;
* ``await get(boxname="outbox", timeout=None)`` returns the next message it
  sent from that outbox, raising ``TimeoutError`` after ``timeout`` seconds
  and :class:`EndOfStream` once the component has ended and everything it
  sent has been taken;
* ``messages(boxname="outbox")`` is an async iterator over the same, ending
  at the end of the stream;
* ``await shutdown()`` sends ``shutdownMicroprocess`` to its ``"control"``.
"""

from __future__ import annotations

import asyncio
from typing import Any, AsyncIterator

from Axon.Box import noSuchBox
from Axon.Handle import Handle
from Axon.Ipc import shutdownMicroprocess

__all__ = ["AsyncHandle", "EndOfStream"]


class EndOfStream(Exception):
    """The wrapped component has ended and everything it sent has been taken."""


_END = object()


class AsyncHandle(Handle):
    """AsyncHandle(someComponent) -> handle for asyncio code; make it inside a running loop"""

    def __init__(self, someComponent: Any) -> None:
        super().__init__(someComponent)
        self._loop = asyncio.get_running_loop()
        self._queues: dict[str, asyncio.Queue[Any]] = {
            name: asyncio.Queue() for name in someComponent.outboxes}

    # ---------------------------------------------------- scheduler side
    def _handOver(self, boxname: str, message: Any) -> None:
        self._onLoop(self._queues[boxname].put_nowait, message)

    def _ended(self) -> None:
        for queue in self._queues.values():
            self._onLoop(queue.put_nowait, _END)

    def _onLoop(self, function: Any, *args: Any) -> None:
        if self.scheduler is not None and self.scheduler._asyncLoop is self._loop:
            function(*args)
        else:
            self._loop.call_soon_threadsafe(function, *args)

    # ------------------------------------------------------ asyncio side
    async def put(self, message: Any, boxname: str = "inbox") -> None:  # type: ignore[override]
        """Deliver ``message`` to the wrapped component's inbox ``boxname``."""
        Handle.put(self, message, boxname)

    async def get(self, boxname: str = "outbox",  # type: ignore[override]
                  timeout: float | None = None) -> Any:
        """The next message the wrapped component sent from ``boxname``."""
        try:
            queue = self._queues[boxname]
        except KeyError:
            raise noSuchBox(self.comp, boxname, False) from None
        try:
            message = await asyncio.wait_for(queue.get(), timeout)
        except asyncio.TimeoutError:
            raise TimeoutError(f"nothing from {self.comp.name} on {boxname!r} within "
                               f"{timeout!r} s") from None
        if message is _END:
            queue.put_nowait(_END)            # the stream stays ended
            raise EndOfStream(f"{self.comp.name} has ended")
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
