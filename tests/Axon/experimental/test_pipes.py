"""The non-blocking pipe channel under the process components (Axon.experimental._pipes)."""

from __future__ import annotations

import multiprocessing
import select
import struct
import threading
from typing import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from Axon.experimental._pipes import (_READ_LIMIT, MAX_FRAME_SIZE, FrameDecoder, FrameTooLarge,
                                      PipeChannel, dumps, encodeFrame, writeAll)


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


# ------------------------------------------------------------ FrameDecoder
def frames(decoder: FrameDecoder) -> list[object]:
    """Every frame the decoder gives now, and FrameTooLarge as (FrameTooLarge, size)."""
    found: list[object] = []
    while True:
        try:
            frame = decoder.nextFrame()
        except FrameTooLarge as exc:
            found.append((FrameTooLarge, exc.size))
            continue
        if frame is None:
            return found
        found.append(bytes(frame))


def test_the_default_limit_is_1_GiB() -> None:
    assert MAX_FRAME_SIZE == 1 << 30
    assert FrameDecoder().maxframesize == MAX_FRAME_SIZE


@pytest.mark.parametrize("cut", [1, 5, 9, 100])
def test_a_frame_over_the_limit_is_skipped_and_the_next_one_read(cut: int) -> None:
    wire = encodeFrame(b"ok") + encodeFrame(b"x" * 50) + encodeFrame(b"after")
    decoder = FrameDecoder(maxframesize=10)
    found: list[object] = []
    for at in range(0, len(wire), cut):
        decoder.feed(wire[at:at + cut])
        found += frames(decoder)
    assert found == [b"ok", (FrameTooLarge, 50), b"after"]


def test_a_frame_of_exactly_the_limit_is_read() -> None:
    decoder = FrameDecoder(maxframesize=3)
    decoder.feed(encodeFrame(b"abc"))
    assert frames(decoder) == [b"abc"]


def test_an_oversized_frame_is_never_held() -> None:
    decoder = FrameDecoder(maxframesize=1000)
    decoder.feed(struct.pack("!Q", 2 ** 63))            # a corrupt length
    assert decoder.hasFrame()                           # so that the caller hears of it
    with pytest.raises(FrameTooLarge, match="over the limit of 1000"):
        decoder.nextFrame()
    for _ in range(100):
        decoder.feed(b"y" * 10_000)
        assert decoder.nextFrame() is None and len(decoder) == 0


def test_a_bad_limit_is_refused_naming_it() -> None:
    with pytest.raises(ValueError, match=r"maxframesize must be an int >= 0 or None, not -1"):
        FrameDecoder(maxframesize=-1)


def test_the_channel_passes_its_limit_to_its_decoder() -> None:
    ours, theirs = multiprocessing.Pipe(duplex=True)
    try:
        assert PipeChannel(ours, Owner(), maxframesize=77).decoder.maxframesize == 77
    finally:
        ours.close()
        theirs.close()


@settings(max_examples=200, derandomize=True, database=None, deadline=None)
@given(pieces=st.lists(st.binary(max_size=20) | st.sampled_from(
    [struct.pack("!Q", 2 ** 64 - 1), struct.pack("!Q", 0), struct.pack("!Q", 5), b"\x00" * 8]),
    max_size=10),
       limit=st.one_of(st.none(), st.integers(0, 30)))
def test_any_bytes_give_frames_or_FrameTooLarge_only(pieces: list[bytes],
                                                     limit: int | None) -> None:
    decoder = FrameDecoder(maxframesize=limit)
    for piece in pieces:
        decoder.feed(piece)
        for item in frames(decoder):
            assert isinstance(item, bytes) or item[0] is FrameTooLarge
            if limit is not None and isinstance(item, bytes):
                assert len(item) <= limit


@settings(max_examples=100, derandomize=True, database=None, deadline=None)
@given(payloads=st.lists(st.binary(max_size=40), max_size=8),
       cuts=st.lists(st.integers(0, 400), max_size=6))
def test_frames_come_back_however_the_stream_is_cut(payloads: list[bytes],
                                                   cuts: list[int]) -> None:
    wire = b"".join(encodeFrame(p) for p in payloads)
    points = sorted(min(c, len(wire)) for c in cuts)
    decoder = FrameDecoder()
    found: list[object] = []
    for a, b in zip([0] + points, points + [len(wire)]):
        decoder.feed(wire[a:b])
        found += frames(decoder)
    assert found == payloads
