"""ERLaws: the forces between entities, attributes, relations and "is a" links."""

from __future__ import annotations

import math

import pytest

from Kamaelia.Support.Particles import MultipleLaws, Particle, ParticleSystem, SimpleLaws
from Kamaelia.Visualisation.ER.ERLaws import AxonLaws, ERLaws

TYPES = ("entity", "attribute", "relation", "isa")


def test_erlaws_is_114s_axonlaws_a_multiplelaws_over_every_pairing() -> None:
    assert ERLaws is AxonLaws
    laws = AxonLaws()
    assert isinstance(laws, MultipleLaws)
    assert set(laws.laws) == {(a, b) for a in TYPES for b in TYPES}


def test_each_pairing_has_114s_law() -> None:
    laws = AxonLaws()
    entityRelation = laws.laws[("entity", "relation")]
    relationRelation = laws.laws[("relation", "relation")]
    for pair in [("entity", "isa"), ("isa", "entity"), ("relation", "entity")]:
        assert laws.laws[pair] is entityRelation
    for pair in [("isa", "relation"), ("relation", "isa"), ("isa", "isa")]:
        assert laws.laws[pair] is relationRelation
    # pairings 1.14 left out get the default law, entity-relation's
    for pair in [("attribute", "attribute"), ("attribute", "relation"), ("isa", "attribute")]:
        assert laws.laws[pair] is entityRelation
    assert laws.laws[("attribute", "entity")] is laws.laws[("entity", "attribute")]


def test_the_forces_are_114s() -> None:
    laws = AxonLaws()
    assert laws.bonded("entity", "entity", 400, 400 ** 2) == 0            # never bonded
    assert laws.unbonded("entity", "entity", 200, 200 ** 2) < 0           # 230 reach
    assert laws.unbonded("entity", "entity", 240, 240 ** 2) == 0
    assert laws.bonded("entity", "attribute", 64, 64 ** 2) == pytest.approx(0)
    assert laws.bonded("entity", "relation", 96, 96 ** 2) == pytest.approx(0)
    assert laws.bonded("relation", "relation", 100, 100 ** 2) == pytest.approx(0)
    assert laws.bonded("relation", "relation", 1000, 1000 ** 2) == pytest.approx(3)
    shorter = AxonLaws(relationBondLength=50).laws[("entity", "entity")]
    assert isinstance(shorter, SimpleLaws) and shorter.bondLength == 50


def test_an_entity_holds_its_attribute_64_away_and_its_relation_96() -> None:
    entity = Particle((300, 300), ptype="entity", ID="Artist")
    attribute = Particle((310, 300), ptype="attribute", ID="genre")
    relation = Particle((300, 320), ptype="relation", ID="ManagedBy")
    system = ParticleSystem(AxonLaws(), [entity, attribute, relation])
    entity.makeBond(system.particleDict, "genre")
    entity.makeBond(system.particleDict, "ManagedBy")
    system.run(500)
    assert math.dist(entity.pos, attribute.pos) == pytest.approx(64, abs=6)
    assert math.dist(entity.pos, relation.pos) == pytest.approx(96, abs=6)
