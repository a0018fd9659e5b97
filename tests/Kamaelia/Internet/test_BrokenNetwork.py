"""Kamaelia.Internet.Simulate.BrokenNetwork: Duplicate, Throwaway, Reorder."""

from __future__ import annotations

import random
from typing import Any

import pytest

from Axon.Ipc import producerFinished, shutdownMicroprocess
from Kamaelia.Internet.Simulate import BrokenNetwork
from Kamaelia.Internet.Simulate.BrokenNetwork import Duplicate, Reorder, Throwaway
from componentharness import SHUTDOWN, run

ITEMS = list(range(200))


def test_Duplicate_passes_everything_on_in_order_some_twice() -> None:
    sink = run(Duplicate(rng=random.Random(1)), ITEMS, [producerFinished()])
    assert sorted(set(sink.got)) == ITEMS and sink.got == sorted(sink.got)
    assert len(ITEMS) < len(sink.got) < 2 * len(ITEMS)


def test_Throwaway_passes_on_in_order_all_but_some() -> None:
    sink = run(Throwaway(rng=random.Random(2)), ITEMS, [producerFinished()])
    assert set(sink.got) < set(ITEMS) and sink.got == sorted(sink.got)
    assert len(sink.got) > len(ITEMS) // 2


def test_Reorder_loses_nothing_but_changes_the_order() -> None:
    sink = run(Reorder(rng=random.Random(3)), ITEMS, [producerFinished()])
    assert sorted(sink.got) == ITEMS and sink.got != ITEMS


def test_a_chance_of_0_changes_nothing_and_1_always_acts() -> None:
    assert run(Duplicate(chance=0), [1, 2], [producerFinished()]).got == [1, 2]
    assert run(Duplicate(chance=1), [1, 2], [producerFinished()]).got == [1, 1, 2, 2]
    assert run(Throwaway(chance=1), [1, 2], [producerFinished()]).got == []


def test_the_defaults_are_1_14s_one_in_ten_and_a_window_of_8() -> None:
    assert Duplicate.chance == Throwaway.chance == 0.1 and Reorder.window == 8
    assert BrokenNetwork.__kamaelia_components__ == (Duplicate, Throwaway, Reorder)


@pytest.mark.parametrize("kind", [Duplicate, Throwaway, Reorder])
@pytest.mark.parametrize("message_class", SHUTDOWN)
def test_each_passes_on_what_came_before_a_shutdown_then_the_shutdown(
        kind: type, message_class: type) -> None:
    message = message_class()
    sink = run(kind(chance=0), [1, 2, 3], [message])
    assert sorted(sink.got) == [1, 2, 3] and sink.control == [message]


@pytest.mark.parametrize("make, text", [
    (lambda: Duplicate(chance=2), "chance must be a probability from 0 to 1, not 2"),
    (lambda: Throwaway(chance="often"), "not 'often'"),
    (lambda: Reorder(window=1), "window must be an int >= 2, not 1"),
    (lambda: Duplicate(rng=42), "rng must be a random.Random, not 42"),
])
def test_bad_arguments_are_refused_naming_the_value(make: Any, text: str) -> None:
    with pytest.raises((ValueError, TypeError), match=text.replace("(", r"\(")):
        make()
