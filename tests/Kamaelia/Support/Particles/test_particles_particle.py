"""Particle: its bonds, and the forces it applies, once per pair per tick,
equally and oppositely, in any number of dimensions."""

from __future__ import annotations

import doctest
import importlib
from typing import Sequence

import pytest
from hypothesis import given, settings, strategies as st

from Kamaelia.Support.Particles import Particle, SimpleLaws, SpatialIndexer


def cycle(particles: Sequence[Particle], laws: SimpleLaws, tick: int) -> SpatialIndexer:
    """One simulation cycle by hand: interactions, then updates."""
    index = SpatialIndexer(laws.maxInteractRadius)
    index.add(*particles)
    for p in particles:
        p.doInteractions(index, laws, tick)
    for p in particles:
        p.update(laws)
    return index


def interact(particles: Sequence[Particle], laws: SimpleLaws, tick: int = 1) -> None:
    index = SpatialIndexer(laws.maxInteractRadius)
    index.add(*particles)
    for p in particles:
        p.doInteractions(index, laws, tick)


def test_a_new_particle_is_still_unbonded_and_identified() -> None:
    p = Particle((1.0, 2.0, 3.0))
    assert p.getLoc() == (1.0, 2.0, 3.0) and p.velocity == [0.0, 0.0, 0.0]
    assert p.ID == str(id(p)) and p.ptype is None and p.tick == 0 and not p.static
    assert p.getBonded() == p.getBondedTo() == p.getBondedFrom() == []
    q = Particle(position=(0, 0), initialTick=7, ptype="t", velocity=(1, 2), ID="q")
    assert (q.tick, q.ptype, q.velocity, q.ID) == (7, "t", [1, 2], "q")


def test_bonds_have_a_direction_and_are_made_once() -> None:
    a, b = Particle((0, 0), ID="a"), Particle((1, 1), ID="b")
    byID = {"a": a, "b": b}
    a.makeBond(byID, "b")
    a.makeBond([a, b], 1)   # a list works as well as a dict, and twice is once
    assert a.getBondedTo() == [b] and a.getBondedFrom() == []
    assert b.getBondedFrom() == [a] and b.getBondedTo() == []


def test_breaking_a_bond_undoes_both_ends_and_a_missing_one_is_an_error() -> None:
    a, b = Particle((0, 0), ID="a"), Particle((1, 1), ID="b")
    byID = {"a": a, "b": b}
    a.makeBond(byID, "b")
    with pytest.raises(ValueError, match=r"particle 'b' has no bond to particle 'a'"):
        b.breakBond(byID, "a")
    a.breakBond(byID, "b")
    assert a.bondedTo == [] and b.bondedFrom == []


@pytest.mark.parametrize("outgoing, incoming", [(True, True), (True, False), (False, True)])
def test_breaking_all_bonds_breaks_those_asked_for(outgoing: bool, incoming: bool) -> None:
    hub, *others = [Particle((i, 0), ID=i) for i in range(5)]
    hub.makeBond(others, 0)
    hub.makeBond(others, 1)
    others[2].makeBond([hub], 0)
    others[3].makeBond([hub], 0)
    hub.breakAllBonds(outgoing=outgoing, incoming=incoming)
    assert (hub.bondedTo == []) == outgoing and (hub.bondedFrom == []) == incoming
    assert (others[0].bondedFrom == others[1].bondedFrom == []) == outgoing
    assert (others[2].bondedTo == others[3].bondedTo == []) == incoming


def test_distance_squared_is_measured_in_every_dimension() -> None:
    assert Particle((1, 2, 3)).distSquared((4, 6, 15)) == 9 + 16 + 144


def test_two_strangers_push_each_other_equally_and_once_per_tick() -> None:
    laws = SimpleLaws()
    a, b = Particle((0.0, 0.0)), Particle((30.0, 40.0))
    interact([a, b], laws)
    push = -laws.unbonded(None, None, 50.0, 2500.0)
    assert a.velocity == pytest.approx([-push * 0.6, -push * 0.8])
    assert b.velocity == pytest.approx([push * 0.6, push * 0.8])
    assert a.tick == b.tick == 1


def test_bonded_particles_feel_only_their_bond() -> None:
    laws = SimpleLaws(bondLength=100)
    a, b = Particle((0.0, 0.0)), Particle((100.0, 0.0))   # close enough to push, unbonded
    b.makeBond([a], 0)
    interact([a, b], laws)
    assert a.velocity == b.velocity == [0.0, 0.0]


def test_particles_beyond_reach_do_not_interact() -> None:
    laws = SimpleLaws()
    a, b = Particle((0.0, 0.0)), Particle((0.0, laws.maxInteractRadius + 1))
    interact([a, b], laws)
    assert a.velocity == b.velocity == [0.0, 0.0]


def test_particles_in_the_same_place_exert_nothing_on_each_other() -> None:
    laws = SimpleLaws()
    a, b = Particle((5.0, 5.0)), Particle((5.0, 5.0))
    a.makeBond([b], 0)
    c = Particle((5.0, 5.0))
    interact([a, b, c], laws)
    assert a.velocity == b.velocity == c.velocity == [0.0, 0.0]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.floats(-300, 300), st.floats(-300, 300), st.floats(-300, 300)),
                min_size=2, max_size=12),
       st.lists(st.tuples(st.integers(0, 11), st.integers(0, 11)), max_size=15))
def test_every_push_and_pull_is_equal_and_opposite(points, bonds) -> None:
    laws = SimpleLaws()
    particles = [Particle(p) for p in points]
    for i, j in bonds:
        if i < len(particles) and j < len(particles) and i != j:
            particles[i].makeBond(particles, j)
    interact(particles, laws)
    total = [sum(p.velocity[axis] for p in particles) for axis in range(3)]
    largest = max(abs(v) for p in particles for v in p.velocity)
    assert total == pytest.approx([0.0] * 3, abs=1e-9 * max(1.0, largest))


def test_a_particle_already_on_this_tick_is_left_alone() -> None:
    laws = SimpleLaws()
    a, b = Particle((0.0, 0.0)), Particle((50.0, 0.0))
    index = SpatialIndexer(laws.maxInteractRadius)
    index.add(a, b)
    a.doInteractions(index, laws, 1)
    after = list(b.velocity)
    b.doInteractions(index, laws, 1)       # b's side of the pair was done by a
    assert b.velocity == after and a.velocity == [-after[0], 0.0]
    a.doInteractions(index, laws, 2)       # a new tick: again
    assert b.velocity[0] == pytest.approx(2 * after[0])


def test_update_applies_friction_then_moves() -> None:
    laws = SimpleLaws()
    p = Particle((10.0, 10.0), velocity=(5.0, -5.0))
    p.update(laws)
    assert p.velocity == [4.0, -4.0] and p.getLoc() == [14.0, 6.0]


def test_a_frozen_particle_stays_put_but_still_pushes() -> None:
    laws = SimpleLaws()
    held, free = Particle((0.0, 0.0)), Particle((20.0, 0.0))
    held.freeze()
    cycle([held, free], laws, 1)
    assert held.getLoc() == (0.0, 0.0) and held.velocity == [0.0, 0.0]
    assert free.getLoc()[0] > 20.0
    held.unFreeze()
    cycle([held, free], laws, 2)
    assert held.getLoc()[0] < 0.0


@pytest.mark.parametrize("dims", [1, 3, 4])
def test_the_physics_works_in_other_numbers_of_dimensions(dims: int) -> None:
    laws = SimpleLaws(bondLength=2)
    a = Particle((0.0,) * dims)
    b = Particle((1.0,) + (0.0,) * (dims - 1))
    a.makeBond([b], 0)
    for tick in range(1, 200):
        cycle([a, b], laws, tick)
    assert abs(a.distSquared(b.getLoc()) ** 0.5 - 2) <= laws.dampcutoff / laws.bondForce
    assert all(v == 0.0 for v in a.velocity + b.velocity)


def test_a_subclass_in_the_style_of_1_14s_rendering_particles_works() -> None:
    class LabelledParticle(Particle):
        def __init__(self, position: Sequence[float], pname: str, radius: int) -> None:
            super().__init__(position=position, ID=pname)
            self.radius = radius

        def bondLines(self) -> list[tuple[list[int], list[int]]]:
            return [([int(c) for c in self.pos], [int(c) for c in p.pos]) for p in self.bondedTo]

    a, b = LabelledParticle((10, 10), "a", 20), LabelledParticle((50, 10), "b", 20)
    a.makeBond({"a": a, "b": b}, "b")
    assert a.bondLines() == [([10, 10], [50, 10])]
    cycle([a, b], SimpleLaws(bondLength=100), 1)     # 40 apart: the bond pushes
    assert a.ID == "a" and a.bondLines()[0][0][0] < 10 and a.bondLines()[0][1][0] > 50


def test_the_docstring_example_runs() -> None:
    module = importlib.import_module("Kamaelia.Support.Particles.Particle")
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0
