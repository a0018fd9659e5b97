"""AsyncHandle: asyncio code driving a Kamaelia subsystem."""

from __future__ import annotations

import asyncio
import gc
import weakref
from typing import Any

import pytest

from Axon.AsyncHandle import AsyncHandle, EndOfStream
from Axon.Scheduler import scheduler
from Axon.background import background
from Kamaelia.Util.PureTransformer import PureTransformer


def test_put_and_get_round_trip_with_the_scheduler_on_the_same_loop() -> None:
    async def main() -> list[str]:
        handle = AsyncHandle(PureTransformer(str.upper)).activate()
        system = asyncio.create_task(scheduler.run.runAsync())
        await handle.put("one")
        await handle.put("two")
        got = [await handle.get(timeout=5), await handle.get(timeout=5)]
        await handle.shutdown()
        await system
        return got

    assert asyncio.run(main()) == ["ONE", "TWO"]


def test_get_raises_TimeoutError_when_nothing_arrives_in_time() -> None:
    async def main() -> None:
        handle = AsyncHandle(PureTransformer(str.upper)).activate()
        system = asyncio.create_task(scheduler.run.runAsync())
        with pytest.raises(TimeoutError, match="within 0.01 s"):
            await handle.get(timeout=0.01)
        await handle.shutdown()
        await system

    asyncio.run(main())


def test_end_of_stream_ends_messages_and_makes_get_raise() -> None:
    async def main() -> list[str]:
        handle = AsyncHandle(PureTransformer(str.upper)).activate()
        system = asyncio.create_task(scheduler.run.runAsync())
        await handle.put("last words")
        await handle.shutdown()
        got = [message async for message in handle.messages()]
        with pytest.raises(EndOfStream):
            await handle.get()
        await system
        return got

    assert asyncio.run(main()) == ["LAST WORDS"]


def test_get_from_an_unknown_outbox_names_it() -> None:
    async def main() -> None:
        handle = AsyncHandle(PureTransformer(str.upper))
        with pytest.raises(KeyError, match="no outbox 'nonesuch'"):
            await handle.get("nonesuch")

    asyncio.run(main())


def test_works_with_the_scheduler_in_a_background_thread() -> None:
    async def main() -> list[str]:
        handle = AsyncHandle(PureTransformer(str.upper))
        runner = background()
        runner.start()
        handle.activate()
        await handle.put("from the loop")
        got = [await handle.get(timeout=5)]
        await handle.shutdown()
        got += [message async for message in handle.messages()]
        await asyncio.get_running_loop().run_in_executor(None, runner.join, 10)
        assert not runner.is_alive()
        return got

    assert asyncio.run(main()) == ["FROM THE LOOP"]


def test_an_ended_async_handle_lets_go_of_its_component_but_still_names_it() -> None:
    refs: list[weakref.ref[Any]] = []

    async def main() -> AsyncHandle:
        wrapped = PureTransformer(str.upper)
        refs.append(weakref.ref(wrapped))
        handle = AsyncHandle(wrapped).activate()
        assert handle.comp is wrapped
        del wrapped
        system = asyncio.create_task(scheduler.run.runAsync())
        await handle.shutdown()
        await system
        with pytest.raises(EndOfStream, match="PureTransformer_[0-9]+ has ended"):
            await handle.get()
        with pytest.raises(KeyError, match="no outbox 'nonesuch'"):
            await handle.get("nonesuch")
        return handle

    handle = asyncio.run(main())
    assert handle.comp is None and handle.childComponents() == []
    gc.collect()
    assert refs[0]() is None
