"""MultipleLaws: a law per pair of particle types, either way round, with a
default for the gaps, and a reach per type that finds every interacting pair."""

from __future__ import annotations

import doctest
import importlib
from typing import Any

import pytest

from Kamaelia.Support.Particles import MultipleLaws, Particle, ParticleSystem, SimpleLaws


def test_a_pair_given_one_way_round_serves_both() -> None:
    short, long = SimpleLaws(bondLength=10), SimpleLaws(bondLength=200)
    laws = MultipleLaws({("a", "a"): short, ("b", "b"): short, ("a", "b"): long})
    assert laws.bonded("a", "b", 200, 200 ** 2) == laws.bonded("b", "a", 200, 200 ** 2) == 0.0
    assert laws.bonded("a", "a", 200, 200 ** 2) == short.maxBondForce


def test_a_pair_given_both_ways_round_keeps_both() -> None:
    ab, ba = SimpleLaws(bondLength=10), SimpleLaws(bondLength=20)
    laws = MultipleLaws({("a", "b"): ab, ("b", "a"): ba}, defaultLaw=SimpleLaws())
    assert laws.laws[("a", "b")] is ab and laws.laws[("b", "a")] is ba


def test_the_default_law_fills_the_gaps() -> None:
    default = SimpleLaws(bondLength=42)
    laws = MultipleLaws({("a", "b"): SimpleLaws()}, defaultLaw=default)
    assert laws.laws[("a", "a")] is default and laws.laws[("b", "b")] is default
    assert laws.bonded("a", "a", 42, 42 ** 2) == 0.0


def test_gaps_without_a_default_law_are_refused() -> None:
    with pytest.raises(ValueError, match=r"no law for particle types \('a', 'a'\) and no defaultLaw"):
        MultipleLaws({("a", "b"): SimpleLaws()})
    with pytest.raises(ValueError, match=r"typesToLaws is empty"):
        MultipleLaws({})


def test_a_type_mentioned_nowhere_is_an_error_even_with_a_default() -> None:
    laws = MultipleLaws({("a", "a"): SimpleLaws()}, defaultLaw=SimpleLaws())
    with pytest.raises(KeyError, match=r"no law for particle types \('a', 'z'\)"):
        laws.unbonded("a", "z", 10, 100)
    with pytest.raises(KeyError, match=r"no law for particle types \('z', 'z'\)"):
        laws.dampening("z", [1.0, 1.0])
    with pytest.raises(KeyError, match=r"no laws for particle type 'z'"):
        laws.particleMaxInteractRadius("z")


def test_each_method_asks_the_law_of_its_types() -> None:
    ee = SimpleLaws(repulsionStrength=10, damp=0.5)
    ea = SimpleLaws(repulsionStrength=1, damp=0.1)
    aa = SimpleLaws(repulsionStrength=2, damp=0.9)
    laws = MultipleLaws({("e", "e"): ee, ("e", "a"): ea, ("a", "a"): aa})
    assert laws.unbonded("e", "e", 100, 100 ** 2) == pytest.approx(-10)
    assert laws.unbonded("a", "e", 100, 100 ** 2) == pytest.approx(-1)
    assert laws.unbonded("a", "a", 100, 100 ** 2) == pytest.approx(-2)
    assert laws.dampening("e", [10.0, 0.0]) == [5.0, 0.0]
    assert laws.dampening("a", [10.0, 0.0]) == pytest.approx([1.0, 0.0])


def test_a_type_reaches_as_far_as_the_furthest_of_its_laws() -> None:
    laws = MultipleLaws({("small", "small"): SimpleLaws(maxRepelRadius=10),
                         ("big", "big"): SimpleLaws(maxRepelRadius=20),
                         ("small", "big"): SimpleLaws(maxRepelRadius=300)})
    assert laws.particleMaxInteractRadius("small") == 300
    assert laws.particleMaxInteractRadius("big") == 300
    assert laws.maxInteractRadius == 300


@pytest.mark.parametrize("order", [("small", "big"), ("big", "small")])
def test_a_pair_whose_law_reaches_further_than_either_type_interacts_in_any_order(
        order: tuple[str, str]) -> None:
    laws = MultipleLaws({("small", "small"): SimpleLaws(maxRepelRadius=10),
                         ("big", "big"): SimpleLaws(maxRepelRadius=10),
                         ("small", "big"): SimpleLaws(maxRepelRadius=300)})
    where = {"small": (0.0, 0.0), "big": (100.0, 0.0)}
    sim = ParticleSystem(laws, [Particle(where[t], ptype=t, ID=t) for t in order])
    sim.run(1)
    small, big = sim.particleDict["small"], sim.particleDict["big"]
    assert small.pos[0] < 0 < 100 < big.pos[0]   # pushed apart (1.14: only in one order)


def test_laws_of_the_same_kind_as_1_14s_axon_laws_work_as_a_subclass() -> None:
    class PostboxLaws(MultipleLaws):
        def __init__(self, postboxBondLength: float = 100) -> None:
            box = SimpleLaws(bondLength=postboxBondLength, maxRepelRadius=32,
                             repulsionStrength=0.05, maxBondForce=5.0)
            comp = SimpleLaws(bondLength=postboxBondLength, maxRepelRadius=230,
                              repulsionStrength=10.0, maxBondForce=0.0)
            mixed = SimpleLaws(bondLength=48, maxRepelRadius=32, repulsionStrength=0.0,
                               maxBondForce=10.0)
            super().__init__(typesToLaws={("component", "component"): comp,
                                          ("postbox", "postbox"): box,
                                          ("component", "postbox"): mixed,
                                          ("postbox", "component"): mixed})

    laws = PostboxLaws()
    simple: dict[tuple[str, str], Any] = laws.laws   # (all SimpleLaws here)
    assert laws.particleMaxInteractRadius("component") == 230
    assert laws.particleMaxInteractRadius("postbox") == 32
    sim = ParticleSystem(laws)
    comp = Particle((0, 0), ptype="component", ID="c")
    box = Particle((100, 0), ptype="postbox", ID="b")
    sim.add(comp, box)
    comp.makeBond(sim.particleDict, "b")
    sim.run(200)
    gap = comp.distSquared(box.getLoc()) ** 0.5
    # at rest when the bond's pull is below the dampening cutoff of
    # each end's own type (the dampening law is that of its type)
    cutoff = max(simple[(t, t)].dampcutoff for t in ("component", "postbox"))
    slack = cutoff / simple[("component", "postbox")].bondForce
    assert abs(gap - 48) <= slack


def test_the_docstring_example_runs() -> None:
    module = importlib.import_module("Kamaelia.Support.Particles.MultipleLaws")
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0
