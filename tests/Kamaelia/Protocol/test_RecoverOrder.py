"""Tests for Kamaelia.Protocol.RecoverOrder: sequence-numbered items back in order."""

from __future__ import annotations

import logging
import random
import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from Axon.Ipc import producerFinished, shutdownMicroprocess
from componentharness import attach, run
from Kamaelia.Protocol import RecoverOrder as module
from Kamaelia.Protocol.RecoverOrder import RecoverOrder


def ordered(items: list[Any], **argd: Any) -> list[Any]:
    return run(RecoverOrder(**argd), items, [producerFinished()]).got


def test_items_come_out_in_order_once_the_buffer_is_full(run_rounds: Any) -> None:
    recover = RecoverOrder(bufsize=3)
    sink = attach(recover)
    recover.inboxes["inbox"].extend([(2, "c"), (0, "a")])
    run_rounds(10)
    assert sink.got == []                                # held back
    recover.inboxes["inbox"].extend([(3, "d"), (1, "b")])
    run_rounds(10)
    assert sink.got == [(0, "a"), (1, "b")]


def test_the_rest_is_sent_in_order_at_the_end() -> None:
    assert ordered([(5, "f"), (3, "d"), (4, "e")]) == [(3, "d"), (4, "e"), (5, "f")]


def test_numbers_keep_their_order_across_the_wrap() -> None:
    items = [(65534, "a"), (0, "c"), (65535, "b"), (1, "d"), (2, "e")]
    assert ordered(items, bufsize=4, modulo=65536) == sorted(
        items, key=lambda i: (i[0] + 2) % 65536)


def test_the_defaults_are_1_14s() -> None:
    assert (RecoverOrder().bufsize, RecoverOrder().modulo) == (30, 2 ** 32)


def test_an_item_too_late_for_its_place_is_still_sent_next() -> None:
    assert ordered([(1, "b"), (2, "c"), (0, "a")], bufsize=1) == [(1, "b"), (2, "c"), (0, "a")]


def test_duplicates_are_dropped() -> None:
    assert ordered([(1, "x"), (1, "x"), (2, "y"), (2, "y"), (2, "y")], bufsize=2) == [
        (1, "x"), (2, "y")]


def test_modulo_None_means_numbers_never_wrap() -> None:
    assert ordered([(10 ** 12, "b"), (1, "a")], modulo=None) == [(1, "a"), (10 ** 12, "b")]


def test_insertitem_keeps_a_list_in_order() -> None:
    buffer: list[Any] = []
    recover = RecoverOrder(modulo=16)
    for item in [(14, "o"), (1, "b"), (15, "p"), (0, "a")]:
        recover.insertitem(buffer, item)
    assert buffer == [(14, "o"), (15, "p"), (0, "a"), (1, "b")]


@pytest.mark.parametrize("bad", [(-1, "x"), (2 ** 32, "x"), ("1", "x"), "plain", (1,)], ids=repr)
def test_what_is_not_a_numbered_item_is_logged_and_skipped(
        bad: Any, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger="Kamaelia.Protocol.RecoverOrder"):
        assert ordered([(1, "a"), bad, (0, "z")]) == [(0, "z"), (1, "a")]
    assert any(repr(bad)[:10] in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("message", [producerFinished(), shutdownMicroprocess()])
def test_the_shutdown_message_is_passed_on_after_what_is_held(message: Any) -> None:
    sink = run(RecoverOrder(), [(1, "b"), (0, "a")], [message])
    assert sink.got == [(0, "a"), (1, "b")] and sink.control == [message]


@pytest.mark.parametrize("argd,message", [({"bufsize": 0}, "bufsize must be >= 1, not 0"),
                                          ({"modulo": 1}, "modulo must be an int >= 2 or None")])
def test_bad_arguments_are_refused(argd: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        RecoverOrder(**argd)


def test_the_module_lists_its_component() -> None:
    assert module.__kamaelia_components__ == (RecoverOrder,)


@settings(max_examples=100, derandomize=True, database=None, deadline=None)
@given(start=st.integers(0, 255), count=st.integers(1, 60), seed=st.integers(0, 10 ** 6),
       spread=st.integers(0, 8))
def test_reordering_within_the_buffer_is_always_undone(start: int, count: int, seed: int,
                                                       spread: int) -> None:
    # Each item moves at most `spread` places; a buffer of spread + 1 undoes it,
    # even across the wrap at 256.
    rng = random.Random(seed)
    items = [((start + n) % 256, n) for n in range(count)]
    keyed = sorted(items, key=lambda item: item[1] + rng.uniform(0, spread))
    assert ordered(keyed, bufsize=spread + 1, modulo=256) == items


class Payload:
    """Data that can be weakly referenced (and hashed)."""


def test_it_keeps_no_reference_to_an_item_it_has_sent(run_rounds: Any) -> None:
    import gc
    import weakref
    reorder = RecoverOrder(bufsize=2)
    sink = attach(reorder)
    first = Payload()
    reorder.inboxes["inbox"].extend([(1, first), (2, Payload())])
    run_rounds(20)
    assert [n for n, _ in sink.got] == [1] and not reorder._isStopped()
    gone = weakref.ref(first)
    del first
    sink.got.clear()
    gc.collect()
    assert gone() is None


def test_a_duplicate_of_the_item_sent_last_is_still_dropped() -> None:
    sink = run(RecoverOrder(bufsize=1), [(1, b"a"), (1, b"a"), (2, b"b"), (1, [1])],
               [producerFinished()])
    assert sink.got == [(1, b"a"), (2, b"b"), (1, [1])]
