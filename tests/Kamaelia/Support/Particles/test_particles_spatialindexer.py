"""SpatialIndexer finds exactly what a brute-force search finds, after adds,
moves and removals, in any number of dimensions."""

from __future__ import annotations

import doctest
import importlib
import math
from typing import Sequence

import pytest
from hypothesis import given, settings, strategies as st

from Kamaelia.Support.Particles import SpatialIndexer

coordinate = st.floats(min_value=-2000, max_value=2000, allow_nan=False)


class Thing:
    def __init__(self, *where: float) -> None:
        self.where: Sequence[float] = where

    def getLoc(self) -> Sequence[float]:
        return self.where


def bruteForce(things: list[Thing], centre: Sequence[float], radius: float,
               keep: set[Thing] | None = None) -> dict[Thing, float]:
    found = {}
    for thing in things:
        ds = sum((a - b) * (a - b) for a, b in zip(thing.getLoc(), centre))
        if ds <= radius * radius and (keep is None or thing in keep):
            found[thing] = ds
    return found


def asDict(pairs: list[tuple[Thing, float]]) -> dict[Thing, float]:
    found = dict(pairs)
    assert len(found) == len(pairs), "an entity was reported twice"
    return found


@st.composite
def scenes(draw: st.DrawFn) -> tuple[int, list[tuple[float, ...]], tuple[float, ...], float, float]:
    dims = draw(st.integers(1, 3))
    point = st.tuples(*[coordinate] * dims)
    points = draw(st.lists(point, max_size=60))
    return dims, points, draw(point), draw(st.floats(0, 3000)), draw(st.floats(0.5, 800))


@settings(max_examples=300, deadline=None)
@given(scenes(), st.data())
def test_within_radius_is_what_a_brute_force_search_finds(scene, data) -> None:
    dims, points, centre, radius, cellSize = scene
    things = [Thing(*p) for p in points]
    index = SpatialIndexer(proxDist=cellSize)
    index.add(*things)
    assert asDict(index.withinRadius(centre, radius)) == bruteForce(things, centre, radius)

    keep = set(data.draw(st.lists(st.sampled_from(things), unique=True)) if things else [])
    found = index.withinRadius(centre, radius, lambda thing: thing in keep)
    assert asDict(found) == bruteForce(things, centre, radius, keep)


@settings(max_examples=200, deadline=None)
@given(scenes(), st.data())
def test_after_moves_and_removals_it_still_matches_a_brute_force_search(scene, data) -> None:
    dims, points, centre, radius, cellSize = scene
    things = [Thing(*p) for p in points]
    index = SpatialIndexer(cellSize)
    index.add(*things)
    for thing in things:
        action = data.draw(st.sampled_from(["stay", "move", "remove"]))
        if action == "move":
            thing.where = data.draw(st.tuples(*[coordinate] * dims))
            index.updateLoc(thing)
        elif action == "remove":
            index.remove(thing)
    live = [t for t in things if t in index.entities]
    assert asDict(index.withinRadius(centre, radius)) == bruteForce(live, centre, radius)
    assert sum(len(bucket) for bucket in index.cells.values()) == len(live)


def test_an_entity_exactly_on_the_circle_is_found() -> None:
    index = SpatialIndexer(10)
    edge = Thing(3.0, 4.0)
    index.add(edge)
    assert index.withinRadius((0.0, 0.0), 5.0) == [(edge, 25.0)]
    assert index.withinRadius((0.0, 0.0), 4.999) == []


def test_a_moved_entity_is_found_where_it_was_until_the_index_is_told() -> None:
    index = SpatialIndexer(5)
    thing = Thing(1.0, 1.0)
    index.add(thing)
    thing.where = (100.0, 100.0)
    assert [t for t, _ in index.withinRadius((1, 1), 2)] == [thing]
    assert index.withinRadius((100, 100), 2) == []
    index.updateLoc(thing)
    assert index.withinRadius((1, 1), 2) == []
    assert index.withinRadius((100, 100), 2) == [(thing, 0.0)]


def test_update_all_refiles_every_entity() -> None:
    index = SpatialIndexer(5)
    things = [Thing(float(i), 0.0) for i in range(10)]
    index.add(*things)
    for thing in things:
        thing.where = (thing.where[0], 500.0)
    index.updateAll()
    assert asDict(index.withinRadius((5, 500), 20)) == bruteForce(things, (5, 500), 20)


def test_adding_twice_files_an_entity_once_and_removing_strangers_is_ignored() -> None:
    index = SpatialIndexer(5)
    thing = Thing(1.0, 2.0)
    index.add(thing)
    index.add(thing)
    assert len(index.withinRadius((0, 0), 10)) == 1
    index.remove(Thing(1.0, 2.0))
    assert len(index.withinRadius((0, 0), 10)) == 1
    index.remove(thing)
    index.remove(thing)
    assert index.withinRadius((0, 0), 10) == [] and index.entities == {} and index.cells == {}


def test_cells_left_empty_are_dropped_as_an_entity_wanders() -> None:
    index = SpatialIndexer(1)
    thing = Thing(0.0, 0.0)
    index.add(thing)
    for step in range(100):
        thing.where = (step * 3.0, -step * 7.0)
        index.updateLoc(thing)
    assert list(index.cells) == [index._coord2cell(*thing.where)]


def test_cells_are_floor_divisions_of_the_coordinates() -> None:
    index = SpatialIndexer(10)
    assert index._coord2cell(0, 9.99, 10, -0.01, -10, -10.01) == (0, 0, 1, -1, -1, -2)


@pytest.mark.parametrize("bad", [0, -1.5, math.nan, math.inf, "5", None])
def test_a_cell_size_that_is_not_a_positive_number_is_refused(bad: object) -> None:
    with pytest.raises(ValueError, match=r"proxDist must be a finite number above 0, not "):
        SpatialIndexer(bad)  # type: ignore[arg-type]


def test_the_docstring_example_runs() -> None:
    module = importlib.import_module("Kamaelia.Support.Particles.SpatialIndexer")
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0
