"""AxonLaws: the forces between components and boxes, and the layout they make."""

from __future__ import annotations

import math

import pytest

from Kamaelia.Support.Particles import MultipleLaws, Particle, ParticleSystem
from Kamaelia.Visualisation.Axon.AxonLaws import AxonLaws


def settle(system: ParticleSystem, limit: int = 2000) -> int:
    """Run the physics until nothing moves; the number of cycles it took."""
    for cycle in range(limit):
        system.run(1)
        if not any(any(p.velocity) for p in system.particles):
            return cycle
    pytest.fail(f"the layout was still moving after {limit} cycles")


def test_it_is_a_MultipleLaws_for_components_and_postboxes() -> None:
    laws = AxonLaws()
    assert isinstance(laws, MultipleLaws)
    assert set(laws.laws) == {("component", "component"), ("postbox", "postbox"),
                              ("component", "postbox"), ("postbox", "component")}
    assert laws.laws[("component", "postbox")] is laws.laws[("postbox", "component")]


def test_reach_scales_with_the_linkage_length() -> None:
    assert AxonLaws().maxInteractRadius == pytest.approx(230)
    assert AxonLaws(postboxBondLength=50).maxInteractRadius == pytest.approx(115)
    assert AxonLaws().particleMaxInteractRadius("component") == pytest.approx(230)


def test_the_forces_are_114s() -> None:
    laws = AxonLaws()
    # components repel each other but are never pulled by a bond
    assert laws.bonded("component", "component", 500, 500 ** 2) == 0
    assert laws.unbonded("component", "component", 100, 100 ** 2) < 0
    # a component does not push its own boxes away; it holds them 48 pixels off
    assert laws.unbonded("component", "postbox", 10, 100) == 0
    assert laws.bonded("component", "postbox", 48, 48 ** 2) == pytest.approx(0)
    assert laws.bonded("postbox", "component", 1000, 1000 ** 2) == pytest.approx(10)
    # a linkage pulls towards its length, at most with a force of 5
    assert laws.bonded("postbox", "postbox", 100, 100 ** 2) == pytest.approx(0)
    assert 0 < laws.bonded("postbox", "postbox", 150, 150 ** 2) <= 5
    assert laws.bonded("postbox", "postbox", 1000, 1000 ** 2) == pytest.approx(5)
    # and boxes only push each other when closer than a component's radius
    assert laws.unbonded("postbox", "postbox", 20, 400) < 0
    assert laws.unbonded("postbox", "postbox", 40, 1600) == 0


def test_a_component_keeps_its_boxes_close_and_other_components_away() -> None:
    comp = Particle((200, 200), ptype="component", ID="c")
    boxes = [Particle((205, 200), ptype="postbox", ID="in"),
             Particle((200, 260), ptype="postbox", ID="out")]
    other = Particle((250, 200), ptype="component", ID="d")
    system = ParticleSystem(AxonLaws(), [comp, *boxes, other])
    for box in boxes:
        comp.makeBond(system.particleDict, box.ID)
    settle(system)
    for box in boxes:
        assert 40 < math.dist(comp.pos, box.pos) < 56
    assert math.dist(comp.pos, other.pos) > 200
