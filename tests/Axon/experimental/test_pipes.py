"""The non-blocking pipe channel under the process components (Axon.experimental._pipes)."""

from __future__ import annotations

import multiprocessing
import select
import threading
from typing import Callable

from Axon.experimental._pipes import _READ_LIMIT, PipeChannel, dumps, encodeFrame, writeAll


class FakeScheduler:
    """Records which descriptors a channel is watching."""

    def __init__(self) -> None:
        self.readers: dict[int, Callable[[], None]] = {}
        self.writers: dict[int, Callable[[], None]] = {}

    def addReader(self, fd: int, callback: Callable[[], None]) -> None:
        self.readers[fd] = callback

    def removeReader(self, fd: int) -> None:
        del self.readers[fd]

    def addWriter(self, fd: int, callback: Callable[[], None]) -> None:
        self.writers[fd] = callback

    def removeWriter(self, fd: int) -> None:
        del self.writers[fd]


class Owner:
    def __init__(self) -> None:
        self.wakeups = 0

    def unpause(self) -> None:
        self.wakeups += 1


def pump(channel: PipeChannel, scheduler: FakeScheduler, until: Callable[[], bool]) -> None:
    """Run the channel's read callback as the scheduler would, while it is reading."""
    while channel.fd in scheduler.readers and not until():
        select.select([channel.fd], [], [], 5.0)
        scheduler.readers[channel.fd]()


def test_reading_resumes_once_no_whole_frame_is_left_even_if_part_of_one_is() -> None:
    # Regression (a ProcessPipeline of big messages hung): with more than
    # _READ_LIMIT bytes buffered, fill() stops reading until the owner catches
    # up. Taking the last whole frame while part of the next one is buffered
    # must start reading again, or the rest of that frame is never read.
    big = b"x" * (_READ_LIMIT + 1000)
    wire = encodeFrame(dumps(big)) + encodeFrame(dumps(b"tail"))
    cut = len(wire) - 3                                 # the second frame arrives short
    ours, theirs = multiprocessing.Pipe(duplex=True)
    channel = PipeChannel(ours, Owner())
    scheduler = FakeScheduler()
    writer = threading.Thread(target=writeAll, args=(theirs.fileno(), wire[:cut]))
    try:
        channel.start(scheduler)
        writer.start()
        pump(channel, scheduler, until=lambda: False)   # until fill() pauses reading
        writer.join()
        assert len(channel.decoder) > _READ_LIMIT and channel.decoder.hasFrame()

        assert channel.nextObject() == big
        assert channel.fd in scheduler.readers, "reading must resume for the partial frame"

        writeAll(theirs.fileno(), wire[cut:])
        pump(channel, scheduler, until=channel.decoder.hasFrame)
        assert channel.nextObject() == b"tail"
    finally:
        writer.join()
        channel.close()
        theirs.close()
