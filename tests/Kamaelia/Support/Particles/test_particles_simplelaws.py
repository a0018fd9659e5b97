"""SimpleLaws: springs along bonds, inverse-square pushes between strangers,
friction, and defaults that scale with the bond length."""

from __future__ import annotations

import doctest
import importlib

import pytest
from hypothesis import given, settings, strategies as st

from Kamaelia.Support.Particles import SimpleLaws


def test_the_defaults_are_those_for_a_bond_length_of_100() -> None:
    laws = SimpleLaws()
    assert (laws.bondLength, laws.maxInteractRadius, laws.repulsionForceAtBondLength,
            laws.maxBondForce, laws.damp, laws.dampcutoff, laws.maxVelocity) == \
        (100, 200, 3.2, 20, 0.8, 0.4, 32)
    assert laws.particleMaxInteractRadius("any type") == 200


def test_the_defaults_scale_with_the_bond_length_except_friction() -> None:
    laws = SimpleLaws(bondLength=25)
    assert (laws.maxInteractRadius, laws.repulsionForceAtBondLength, laws.maxBondForce,
            laws.dampcutoff, laws.maxVelocity) == pytest.approx((50, 0.8, 5, 0.1, 8))
    assert laws.damp == 0.8


def test_settings_given_are_kept_as_given() -> None:
    laws = SimpleLaws(bondLength=10, maxRepelRadius=7, repulsionStrength=1.5, maxBondForce=3,
                      damp=0.5, dampcutoff=0.01, maxVelocity=4)
    assert (laws.maxInteractRadius, laws.repulsionForceAtBondLength, laws.maxBondForce,
            laws.damp, laws.dampcutoff, laws.maxVelocity) == (7, 1.5, 3, 0.5, 0.01, 4)


@settings(max_examples=200, deadline=None)
@given(st.floats(1, 1000), st.floats(0, 5000))
def test_a_bond_is_a_spring_that_pulls_when_stretched_and_pushes_when_squashed(
        length: float, dist: float) -> None:
    laws = SimpleLaws(bondLength=length)
    force = laws.bonded(None, None, dist, dist * dist)
    spring = laws.maxBondForce / length * (dist - length)
    assert force == pytest.approx(max(-laws.maxBondForce, min(laws.maxBondForce, spring)))
    assert abs(force) <= laws.maxBondForce
    if dist > length:
        assert force > 0
    elif dist < length:
        assert force < 0


def test_a_bond_at_its_length_exerts_nothing_and_is_strongest_from_twice_its_length() -> None:
    laws = SimpleLaws(bondLength=50)
    assert laws.bonded("a", "b", 50, 2500) == 0.0
    assert laws.bonded("a", "b", 100, 100 ** 2) == pytest.approx(laws.maxBondForce)
    assert laws.bonded("a", "b", 300, 300 ** 2) == laws.maxBondForce
    assert laws.bonded("a", "b", 0, 0) == -laws.maxBondForce


def test_strangers_push_by_the_inverse_square_law_within_reach_only() -> None:
    laws = SimpleLaws(bondLength=100)      # reach 200, fading from 160
    assert laws.unbonded(1, 2, 100, 100 ** 2) == pytest.approx(-3.2)
    assert laws.unbonded(1, 2, 50, 50 ** 2) == pytest.approx(-3.2 * 4)
    assert laws.unbonded(1, 2, 160, 160 ** 2) == pytest.approx(-3.2 * (100 / 160) ** 2)
    # closer than one unit, as at one unit (no infinite push)
    assert laws.unbonded(1, 2, 0.1, 0.01) == laws.unbonded(1, 2, 1, 1) == -laws.maxRepulsionForce


def test_the_push_fades_to_nothing_over_the_outer_fifth_of_the_reach() -> None:
    laws = SimpleLaws(bondLength=100)
    assert laws.unbonded(1, 2, 180, 180 ** 2) == pytest.approx(-3.2 * (100 / 180) ** 2 / 2)
    assert laws.unbonded(1, 2, 200, 200 ** 2) == 0.0
    assert laws.unbonded(1, 2, 200.001, 200.001 ** 2) == 0.0
    assert laws.unbonded(1, 2, 5000, 5000 ** 2) == 0.0


def test_the_push_never_jumps_so_particles_can_come_to_rest_at_the_edge() -> None:
    laws = SimpleLaws(bondLength=100)
    # from the bond length to beyond the reach, in steps of 0.01
    forces = [laws.unbonded(1, 2, d / 100, (d / 100) ** 2) for d in range(10000, 25000)]
    assert max(abs(b - a) for a, b in zip(forces, forces[1:])) < laws.dampcutoff / 10


def test_friction_takes_its_share_of_the_velocity_each_step() -> None:
    laws = SimpleLaws(damp=0.25)
    assert laws.dampening(None, [8.0, -4.0, 2.0]) == [6.0, -3.0, 1.5]


def test_a_velocity_below_the_cutoff_stops_dead() -> None:
    laws = SimpleLaws()   # dampcutoff 0.4, measured as |vx| + |vy|
    assert laws.dampening(None, [0.2, -0.19]) == [0.0, 0.0]
    assert laws.dampening(None, [0.2, -0.2]) == pytest.approx([0.16, -0.16])


def test_in_one_dimension_moving_backwards_is_damped_not_stopped() -> None:
    laws = SimpleLaws()
    assert laws.dampening(None, [-10.0]) == [-8.0]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=4), st.floats(1, 100))
def test_no_velocity_is_left_faster_than_max_velocity(velocity: list[float], top: float) -> None:
    laws = SimpleLaws(maxVelocity=top)
    damped = laws.dampening(None, velocity)
    size = sum(map(abs, velocity))
    assert sum(map(abs, damped)) <= top * (1 + 1e-12)
    if size >= laws.dampcutoff:
        # only ever slowed down, in the same direction
        scale = sum(map(abs, damped)) / size
        assert damped == pytest.approx([v * scale for v in velocity])
        assert scale <= laws.damp * (1 + 1e-12)


@pytest.mark.parametrize("bad", [0, -100])
def test_a_bond_length_that_is_not_above_zero_is_refused(bad: float) -> None:
    with pytest.raises(ValueError, match=rf"bondLength must be above 0, not {bad}"):
        SimpleLaws(bondLength=bad)


def test_the_docstring_example_runs() -> None:
    module = importlib.import_module("Kamaelia.Support.Particles.SimpleLaws")
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0
