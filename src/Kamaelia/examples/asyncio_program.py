"""A plain asyncio program that uses a Kamaelia subsystem through an AsyncHandle.

    python examples/asyncio_program.py

``main()`` is ordinary asyncio code. It builds a small Kamaelia Pipeline
(number words, then upper-case them), wraps it in an ``AsyncHandle``, runs
the scheduler on the same event loop (``scheduler.run.runAsync()`` as a
task: no extra thread), then puts words in and awaits the results. Asking the
subsystem to shut down ends its stream, which ends the ``async for``.
"""

import asyncio
import itertools

from Axon.AsyncHandle import AsyncHandle
from Axon.Scheduler import scheduler
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.Util.PureTransformer import PureTransformer

EXAMPLE_EXPECT = "1: KAMAELIA\n2: MEETS\n3: ASYNCIO\ndone\n"


async def main() -> None:
    counter = itertools.count(1)
    subsystem = AsyncHandle(Pipeline(
        PureTransformer(lambda word: f"{next(counter)}: {word}"),
        PureTransformer(str.upper),
    )).activate()
    system = asyncio.create_task(scheduler.run.runAsync())

    for word in ["kamaelia", "meets", "asyncio"]:
        await subsystem.put(word)
    print(await subsystem.get(timeout=5))           # one at a time...
    await subsystem.shutdown()
    async for result in subsystem.messages():       # ...or until the stream ends
        print(result)
    await system
    print("done")


asyncio.run(main())
