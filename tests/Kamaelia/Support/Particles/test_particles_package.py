"""Kamaelia.Support.Particles has 1.14's whole surface, importable the ways
1.14 code imports it."""

from __future__ import annotations

import doctest
import importlib
from typing import Any

import pytest

import surface114

# Kamaelia 1.14.32's surface of these modules (from its API inventory).
SURFACE_114: dict[str, dict[str, Any]] = {
    "Kamaelia.Support.Particles": {
        "names": ["SpatialIndexer", "ParticleSystem", "Particle", "SimpleLaws", "MultipleLaws"]},
    "Kamaelia.Support.Particles.MultipleLaws": {"classes": {"MultipleLaws": {
        "bases": ["object"],
        "methods": {"__init__": "(self, typesToLaws, defaultLaw=None)",
                    "bonded": "(self, ptype1, ptype2, dist, distSquared)",
                    "dampening": "(self, ptype, velocity)",
                    "particleMaxInteractRadius": "(self, ptype)",
                    "unbonded": "(self, ptype1, ptype2, dist, distSquared)"}}}},
    "Kamaelia.Support.Particles.Particle": {"classes": {"Particle": {
        "attributes": ["getBondedTo"],
        "bases": ["object"],
        "methods": {"__init__": "(self, position, initialTick=0, ptype=None, velocity=None, ID=None)",
                    "breakAllBonds": "(self, outgoing=True, incoming=True)",
                    "breakBond": "(self, particles, index)",
                    "distSquared": "(self, altpos)",
                    "doInteractions": "(self, particleIndex, laws, tick)",
                    "freeze": "(self)",
                    "getBonded": "(self)",
                    "getBondedFrom": "(self)",
                    "getLoc": "(self)",
                    "makeBond": "(self, particles, index)",
                    "unFreeze": "(self)",
                    "update": "(self, laws)"}}}},
    "Kamaelia.Support.Particles.ParticleSystem": {"classes": {"ParticleSystem": {
        "bases": ["object"],
        "methods": {"__init__": "(self, laws, initialParticles=[], initialTick=0)",
                    "add": "(self, *newParticles)",
                    "remove": "(self, *oldParticles)",
                    "removeByID": "(self, *ids)",
                    "run": "(self, cycles=1)",
                    "updateLoc": "(self, *particles)",
                    "withinRadius": "(self, centre, radius, filter=lambda particle: True)"}}}},
    "Kamaelia.Support.Particles.SimpleLaws": {"classes": {"SimpleLaws": {
        "bases": ["object"],
        "methods": {"__init__": "(self, bondLength=100, maxRepelRadius=None, repulsionStrength=None, "
                                "maxBondForce=None, damp=None, dampcutoff=None, maxVelocity=None)",
                    "bonded": "(self, ptype1, ptype2, dist, distSquared)",
                    "dampening": "(self, ptype, velocity)",
                    "particleMaxInteractRadius": "(self, ptype)",
                    "unbonded": "(self, ptype1, ptype2, dist, distSquared)"}}}},
    "Kamaelia.Support.Particles.SpatialIndexer": {"classes": {"SpatialIndexer": {
        "attributes": ["add"],
        "bases": ["object"],
        "methods": {"__init__": "(self, proxDist=1.0)",
                    "_coord2cell": "(self, *coords)",
                    "remove": "(self, *entities)",
                    "updateAll": "(self)",
                    "updateLoc": "(self, *entities)",
                    "withinRadius": "(self, centre, radius, filter=lambda particle: True)"}}}},
}


@pytest.mark.parametrize("module", sorted(SURFACE_114))
def test_the_module_has_1_14s_surface(module: str) -> None:
    assert [str(p) for p in surface114.problems(module, SURFACE_114[module])] == []


def test_1_14s_import_styles_work() -> None:
    import Kamaelia.Support.Particles
    from Kamaelia.Support.Particles import Particle as BaseParticle
    from Kamaelia.Support.Particles.ParticleSystem import ParticleSystem
    from Kamaelia.Support.Particles.SimpleLaws import SimpleLaws

    class VisibleParticle(Kamaelia.Support.Particles.Particle):
        pass

    assert BaseParticle is Kamaelia.Support.Particles.Particle
    assert ParticleSystem is Kamaelia.Support.Particles.ParticleSystem
    laws = Kamaelia.Support.Particles.SimpleLaws(bondLength=100)
    assert isinstance(laws, SimpleLaws)
    physics = ParticleSystem(laws, [], 0)
    physics.add(VisibleParticle(position=(1, 2), ID="v"))
    assert physics.withinRadius((1, 2), 1)[0][0].ID == "v"


def test_the_package_exports_the_five_classes() -> None:
    import Kamaelia.Support.Particles as package
    assert sorted(package.__all__) == sorted(SURFACE_114["Kamaelia.Support.Particles"]["names"])


def test_the_docstring_example_runs() -> None:
    module = importlib.import_module("Kamaelia.Support.Particles")
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0
