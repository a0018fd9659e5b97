"""Tests for Kamaelia.Protocol.Packetise: data cut into packets no larger than a size."""

from __future__ import annotations

import re
from typing import Any, Callable

import pytest

from Axon.Ipc import producerFinished, shutdownMicroprocess
from componentharness import (assertBadMessageSkipped, assertShutdownPassesOn,
                              assertUnexpectedControlIgnored, attach, run)
from Kamaelia.Protocol.Packetise import MaxSizePacketiser

LOGGER = "Kamaelia.Protocol.Packetise"
RunRounds = Callable[[int], bool]


def packets(size: int, messages: list[Any]) -> list[Any]:
    """What MaxSizePacketiser(size, coalesce=True) sends for ``messages`` before it ends."""
    return run(MaxSizePacketiser(size, coalesce=True), messages, [producerFinished()]).got


def cut(size: int, messages: list[Any]) -> list[Any]:
    """What MaxSizePacketiser(size) (1.14's behaviour) sends for ``messages``."""
    return run(MaxSizePacketiser(size), messages, [producerFinished()]).got


# --------------------------------------------------- the default: 1.14's behaviour
def test_each_message_is_cut_on_its_own_and_nothing_is_held_back() -> None:
    # Kamaelia 1.14.32 sent 'ab' 'cd' 'ef' 'gh' '' 'ij' 'k' for these messages.
    assert cut(2, [b"abcdef", b"gh", b"", b"ijk"]) == [b"ab", b"cd", b"ef", b"gh", b"", b"ij",
                                                      b"k"]


def test_a_message_within_the_size_goes_out_at_once(run_rounds: RunRounds) -> None:
    packetiser = MaxSizePacketiser(4)
    sink = attach(packetiser)
    packetiser.inboxes["inbox"].append(b"abcdef")
    run_rounds(10)
    assert sink.got == [b"abcd", b"ef"]
    assert not packetiser._isRunnable() and not packetiser._isStopped()   # paused


def test_the_default_size_is_1000_and_is_called_maxsize() -> None:
    assert MaxSizePacketiser().maxsize == 1000
    assert MaxSizePacketiser(maxsize=2).maxsize == 2
    assert MaxSizePacketiser().coalesce is False
    assert [len(p) for p in cut(1000, [b"x" * 2500, b"y" * 10])] == [1000, 1000, 500, 10]


def test_str_and_bytes_may_alternate_when_each_message_is_cut_alone() -> None:
    assert cut(2, ["h\xe9llo", bytearray(b"abc")]) == ["h\xe9", "ll", "o", b"ab", b"c"]


@pytest.mark.parametrize("bad", [17, None, ["x"]], ids=repr)
def test_a_message_that_is_not_data_is_logged_and_skipped(
        bad: Any, caplog: pytest.LogCaptureFixture) -> None:
    assertBadMessageSkipped(lambda: MaxSizePacketiser(2), caplog, LOGGER,
                            [b"abc", bad, b"de"], bad, [b"ab", b"c", b"de"])


def test_the_module_lists_its_component() -> None:
    from Kamaelia.Protocol import Packetise
    assert Packetise.__kamaelia_components__ == (MaxSizePacketiser,)


# ------------------------------------------------------------- coalesce=True


def test_the_stream_is_recut_into_packets_of_exactly_the_size() -> None:
    assert packets(4, [b"abcdef", b"gh", b"ijk"]) == [b"abcd", b"efgh", b"ijk"]


def test_one_message_may_make_many_packets_and_many_messages_one() -> None:
    assert packets(3, [b"abcdefghi"]) == [b"abc", b"def", b"ghi"]
    assert packets(3, [b"a", b"b", b"c", b"d"]) == [b"abc", b"d"]


def test_every_way_of_cutting_the_input_gives_the_same_packets() -> None:
    data = bytes(range(50))
    expected = [data[i:i + 7] for i in range(0, 50, 7)]
    for cut in range(51):
        assert packets(7, [data[:cut], data[cut:]]) == expected, cut


def test_the_coalesced_packets_have_the_size() -> None:
    assert [len(p) for p in packets(1000, [b"x" * 2500])] == [1000, 1000, 500]


def test_str_streams_are_cut_in_characters() -> None:
    assert packets(2, ["h\xe9", "llo\u2603"]) == ["h\xe9", "ll", "o\u2603"]


def test_bytearray_is_taken_as_bytes() -> None:
    assert packets(2, [bytearray(b"abc")]) == [b"ab", b"c"]


def test_no_empty_packets_are_sent() -> None:
    assert packets(2, [b"", b"ab", b""]) == [b"ab"]
    assert packets(2, []) == []


def test_a_partial_packet_waits_for_more_data(run_rounds: RunRounds) -> None:
    packetiser = MaxSizePacketiser(4, coalesce=True)
    sink = attach(packetiser)
    packetiser.inboxes["inbox"].append(b"abcdef")
    run_rounds(10)
    assert sink.got == [b"abcd"]
    assert not packetiser._isRunnable() and not packetiser._isStopped()   # paused
    packetiser.inboxes["inbox"].append(b"gh")
    run_rounds(10)
    assert sink.got == [b"abcd", b"efgh"]


@pytest.mark.parametrize("message_class", [producerFinished, shutdownMicroprocess])
def test_on_shutdown_the_rest_is_sent_as_a_shorter_packet_then_passed_on(
        message_class: type) -> None:
    assertShutdownPassesOn(lambda: MaxSizePacketiser(3, coalesce=True), message_class,
                           [b"abcd"], [b"abc", b"d"])


def test_other_control_messages_are_logged_and_ignored(
        caplog: pytest.LogCaptureFixture) -> None:
    assertUnexpectedControlIgnored(lambda: MaxSizePacketiser(2, coalesce=True), caplog,
                                   [b"abc"], [b"ab", b"c"])


@pytest.mark.parametrize("bad", ["text after bytes", 17, None], ids=repr)
def test_a_message_that_does_not_fit_the_coalesced_stream_is_logged_and_skipped(
        bad: Any, caplog: pytest.LogCaptureFixture) -> None:
    assertBadMessageSkipped(lambda: MaxSizePacketiser(2, coalesce=True), caplog, LOGGER,
                            [b"abc", bad, b"de"], bad, [b"ab", b"cd", b"e"])


@pytest.mark.parametrize("size", [0, -1])
def test_a_size_below_one_raises_ValueError_naming_it(size: int) -> None:
    with pytest.raises(ValueError, match=re.escape(
            f"MaxSizePacketiser: maxsize must be >= 1, not {size!r}")):
        MaxSizePacketiser(size)


@pytest.mark.parametrize("size", [2.5, "10", True, None])
def test_a_size_that_is_not_an_int_raises_TypeError_naming_it(size: Any) -> None:
    with pytest.raises(TypeError, match=re.escape(
            f"MaxSizePacketiser: maxsize must be an int, not {size!r}")):
        MaxSizePacketiser(size)
