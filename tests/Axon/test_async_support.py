"""Async components (async def main) under the classic scheduler and on asyncio."""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import Any

import pytest

from Axon.Component import component
from Axon.Ipc import producerFinished
from Axon.Scheduler import scheduler
from Axon.ThreadedComponent import threadedcomponent
from Kamaelia._shutdown import isShutdown
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.Util.DataSource import DataSource


class Collector(component):
    """Keeps what arrives; ends on a shutdown message."""

    def __init__(self) -> None:
        super().__init__()
        self.got: list[Any] = []

    def main(self):
        while True:
            self.got.extend(self.Inbox("inbox"))
            if self.dataReady("control") and isShutdown(self.recv("control")):
                self.got.extend(self.Inbox("inbox"))
                return
            self.pause()
            yield 1


class AsyncDoubler(component):
    """Doubles numbers; passes shutdown on."""

    async def main(self):
        while True:
            box = await self.waitForMessage("inbox", "control")
            message = self.recv(box)
            if box == "control":
                self.send(message, "signal")
                return
            self.send(message * 2, "outbox")


class ThreadedIncrement(threadedcomponent):
    def main(self):
        while True:
            while self.dataReady("inbox"):
                self.send(self.recv("inbox") + 1, "outbox")
            if self.dataReady("control"):
                self.send(self.recv("control"), "signal")
                return
            self.pause()


def _pipeline(*middle: component) -> tuple[Pipeline, Collector]:
    sink = Collector()
    return Pipeline(DataSource([1, 2, 3]), *middle, sink), sink


def test_async_component_runs_under_the_classic_scheduler() -> None:
    system, sink = _pipeline(AsyncDoubler())
    system.run()
    assert sink.got == [2, 4, 6]


def test_async_component_runs_on_an_asyncio_loop() -> None:
    system, sink = _pipeline(AsyncDoubler())
    asyncio.run(system.runAsync())
    assert sink.got == [2, 4, 6]


@pytest.mark.parametrize("mode", ["classic", "asyncio"])
def test_generator_threaded_and_async_components_mix_in_one_pipeline(mode: str) -> None:
    system, sink = _pipeline(AsyncDoubler(), ThreadedIncrement(), AsyncDoubler())
    if mode == "classic":
        system.run()
    else:
        asyncio.run(system.runAsync())
    assert sink.got == [6, 10, 14]


def test_waitForMessage_returns_None_on_timeout_and_nextMessage_raises() -> None:
    outcomes: list[Any] = []

    class Patient(component):
        async def main(self):
            outcomes.append(await self.waitForMessage("inbox", timeout=0.01))
            try:
                await self.nextMessage("control", timeout=0.01)
            except TimeoutError as exc:
                outcomes.append(str(exc))

    Patient().run()
    assert outcomes[0] is None
    assert "no message on 'control'" in outcomes[1]


def test_waitForMessage_rejects_an_unknown_box_name() -> None:
    class Confused(component):
        async def main(self):
            await self.waitForMessage("nonesuch")

    with pytest.raises(KeyError, match="no inbox 'nonesuch'"):
        Confused().run()


def test_waitUntil_resumes_only_after_the_deadline() -> None:
    import time
    seen: list[bool] = []

    class Sleeper(component):
        async def main(self):
            deadline = time.monotonic() + 0.02
            await self.waitUntil(deadline)
            seen.append(time.monotonic() >= deadline)

    Sleeper().run()
    assert seen == [True]


def test_awaiting_asyncio_under_the_classic_scheduler_explains_what_is_needed() -> None:
    caught: list[str] = []

    class FromAnotherFramework:
        def __await__(self):
            yield "a future of some event loop"

    class Misplaced(component):
        async def main(self):
            try:
                await FromAnotherFramework()
            except RuntimeError as exc:
                caught.append(str(exc))

    Misplaced().run()
    assert len(caught) == 1 and "needs an asyncio event loop" in caught[0]


def test_async_component_may_await_asyncio_sockets_on_the_loop() -> None:
    replies: list[bytes] = []

    class Client(component):
        def __init__(self, port: int) -> None:
            super().__init__()
            self.port = port

        async def main(self):
            reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
            writer.write(b"ping\n")
            replies.append(await reader.readline())
            writer.close()
            await writer.wait_closed()

    async def main() -> None:
        async def echo(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            writer.write(await reader.readline())
            await writer.drain()
            writer.close()
            await writer.wait_closed()

        server = await asyncio.start_server(echo, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        async with server:
            await Client(port).runAsync()

    asyncio.run(main())
    assert replies == [b"ping\n"]


def test_exception_in_async_component_is_reraised_when_asked() -> None:
    class Broken(component):
        async def main(self):
            raise ValueError("bad async component")

    with pytest.raises(ValueError, match="bad async component"):
        Broken().run()
    with pytest.raises(ValueError, match="bad async component"):
        asyncio.run(Broken().runAsync())


@pytest.mark.parametrize("mode", ["classic", "asyncio"])
def test_exception_in_async_component_is_logged_and_the_system_goes_on(
        mode: str, caplog: pytest.LogCaptureFixture) -> None:
    scheduler.run.reraiseExceptions = False

    class Broken(component):
        async def main(self):
            await self.waitFor(0)
            raise ValueError("bad async component")

    broken = Broken()
    system, sink = _pipeline(AsyncDoubler())
    with caplog.at_level(logging.ERROR, logger="Axon.Scheduler"):
        broken.activate()
        if mode == "classic":
            system.run()
        else:
            asyncio.run(system.runAsync())
    assert sink.got == [2, 4, 6]
    assert broken.name in caplog.text and "ValueError" in caplog.text


def test_stopping_the_system_cancels_pending_awaits_on_asyncio() -> None:
    cleaned: list[str] = []

    class Forever(component):
        async def main(self):
            try:
                await asyncio.Event().wait()          # never set
            except asyncio.CancelledError:
                cleaned.append("cancelled")
                raise
            finally:
                cleaned.append("finally")

    class Stopper(component):
        async def main(self):
            await self.waitFor(0.01)
            self.scheduler.stop()

    async def main() -> None:
        Forever().activate()
        await Stopper().runAsync()
        assert not [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]

    asyncio.run(main())
    assert cleaned == ["cancelled", "finally"]


def test_stopping_the_system_closes_a_suspended_coroutine_under_the_classic_scheduler() -> None:
    cleaned: list[str] = []

    class Forever(component):
        async def main(self):
            try:
                await self.waitForMessage("inbox")
            finally:
                cleaned.append("finally")

    class Stopper(component):
        def main(self):
            yield 1
            self.scheduler.stop()

    Forever().activate()
    Stopper().run()
    assert cleaned == ["finally"]


def test_other_asyncio_work_runs_while_a_busy_system_runs() -> None:
    ticks: list[int] = []

    class Busy(component):
        def main(self):
            for _ in range(20000):
                yield 1
            self.send(len(ticks), "outbox")

    async def main() -> None:
        async def ticker() -> None:
            while True:
                ticks.append(1)
                await asyncio.sleep(0)

        other = asyncio.create_task(ticker())
        busy = Busy()
        await busy.runAsync()
        other.cancel()
        assert busy.outboxes["outbox"].pop(0) > 0      # ticks happened while busy

    asyncio.run(main())


def test_a_thread_wakes_the_system_sleeping_on_asyncio() -> None:
    release = threading.Event()

    class Sender(threadedcomponent):
        def main(self):
            release.wait(5)
            self.send("from thread", "outbox")
            self.send(producerFinished(self), "signal")

    sink = Collector()
    system = Pipeline(Sender(), sink)

    async def main() -> None:
        runner = asyncio.create_task(system.runAsync())
        await asyncio.sleep(0.01)            # let the system go idle on the loop
        release.set()
        await asyncio.wait_for(runner, 10)

    asyncio.run(main())
    assert sink.got == ["from thread"]
