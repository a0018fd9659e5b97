"""ParticleSystem: a discrete-time simulation of particles pushing and pulling each other.

Example Usage
-------------
Three particles, two of them bonded: the bond pulls its ends towards its
length, and the third particle, too far away to feel anything, stays put::

    >>> from Kamaelia.Support.Particles import Particle, ParticleSystem, SimpleLaws
    >>> sim = ParticleSystem(SimpleLaws(bondLength=50))
    >>> sim.add(Particle((0, 0), ID="a"), Particle((0, 100), ID="b"),
    ...         Particle((400, 400), ID="c"))
    >>> sim.particleDict["a"].makeBond(sim.particleDict, "b")
    >>> sim.run(cycles=100)
    >>> a, b, c = sim.particles
    >>> round(a.distSquared(b.getLoc()) ** 0.5 / 10) * 10   # the bond's length, near enough
    50
    >>> c.getLoc()
    [400.0, 400.0]
    >>> sim.withinRadius((0, 50), 30) == [(a, a.distSquared((0, 50))), (b, b.distSquared((0, 50)))]
    True
    >>> sim.tick
    100

1.14's topology viewers (``Kamaelia.Visualisation.PhysicsGraph``) keep
their layout in one of these, as ``self.physics``, and call ``run`` before
drawing each frame.

How does it work?
-----------------
``ParticleSystem(laws, initialParticles=(), initialTick=0)`` holds the
particles in ``particles`` (a list, in the order they were added) and
``particleDict`` (the same particles by ``ID``), and indexes them by
position in ``indexer``, a
:class:`~Kamaelia.Support.Particles.SpatialIndexer.SpatialIndexer` whose
cells are ``laws.maxInteractRadius`` wide. Particles are
:class:`~Kamaelia.Support.Particles.Particle.Particle` objects (or objects
with the same methods), all with the same number of dimensions.

* ``add(*particles)`` -- put particles in (an ``ID`` already in the system
  raises ``ValueError`` and adds none of them)
* ``remove(*particles)`` / ``removeByID(*ids)`` -- take particles out, with
  their bonds to the particles that stay (a particle that is not in the
  system raises ``ValueError``, an unknown ID ``KeyError``, and nothing is
  removed)
* ``updateLoc(*particles)`` -- say that user code has moved these particles
  (by setting ``pos``, e.g. dragging one with the mouse), so that the index
  finds them where they now are
* ``withinRadius(centre, radius, filter=None)`` -- ``(particle,
  distanceSquared)`` pairs for the particles that near a point (e.g. the
  one under the mouse), optionally only those for which ``filter(particle)``
  is true
* ``run(cycles=1)`` -- simulate this many cycles

Each cycle adds one to ``tick``, calls every particle's
``doInteractions(indexer, laws, tick)`` (so that they change each other's
velocities; the physics is the particles' and the laws' business), then
every particle's ``update(laws)`` (so that they move), then re-files the
moved particles in the index. The two passes mean that within a cycle
every particle sees the others where they were at its start, whatever
their order. The cost of a cycle grows with the number of particles times
the number within ``maxInteractRadius`` of each, not with the square of
the number of particles, because the index only offers each particle its
neighbours.

When a cycle leaves every velocity at zero the system is at rest, and
stays so (each later cycle works out the same forces, each too weak to
get past the laws' ``dampcutoff``) until something changes: a particle
added, removed, moved or bonded. A viewer can stop running it then, and
start again after such a change. A graph of 500 particles with the default
laws comes to rest within about a thousand cycles.

Bonds belong to the particles (``makeBond`` and ``breakBond``): the
system keeps none of its own.

Differences from 1.14: the index is brought up to date after every cycle
(1.14 only did it at the end of ``run``, so in ``run(cycles=10)`` the
particles kept looking for their neighbours where they had been before
the first cycle). ``remove`` also breaks the bonds between the particles
it removes and the ones that stay (1.14 left them, so the particles that
stayed kept being pulled by, and moving, particles that were no longer
simulated; its topology viewers broke the bonds first themselves, which
still works). Adding a particle whose ``ID`` is in use raises
``ValueError`` (1.14 kept both, with only the second reachable by ID, and a
later ``removeByID`` left the first behind); removing fails before
changing anything rather than part way through.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, Optional, Protocol, Sequence

from .Particle import Particle
from .SpatialIndexer import SpatialIndexer

__all__ = ["ParticleSystem"]


class SystemLaws(Protocol):
    """What a system asks of its laws: their reach, and what particles ask."""

    maxInteractRadius: float

    def particleMaxInteractRadius(self, ptype: Any) -> float: ...

    def unbonded(self, ptype1: Any, ptype2: Any, dist: float, distSquared: float) -> float: ...

    def bonded(self, ptype1: Any, ptype2: Any, dist: float, distSquared: float) -> float: ...

    def dampening(self, ptype: Any, velocity: Sequence[float]) -> list[float]: ...


class ParticleSystem:
    """ParticleSystem(laws[, initialParticles][, initialTick]) -> new ParticleSystem

    - laws -- the force laws (e.g. SimpleLaws or MultipleLaws)
    - initialParticles -- particles to start with (default none)
    - initialTick -- the tick count to start from (default 0)
    """

    def __init__(self, laws: SystemLaws, initialParticles: Iterable[Particle] = (),
                 initialTick: int = 0) -> None:
        self.indexer = SpatialIndexer(laws.maxInteractRadius)
        self.laws = laws
        self.particles: list[Particle] = []
        self.tick = initialTick
        self.particleDict: dict[Any, Particle] = {}
        self.add(*initialParticles)

    def add(self, *newParticles: Particle) -> None:
        """Put these particles into the simulation."""
        ids = [p.ID for p in newParticles]
        clashes = [i for i in dict.fromkeys(ids) if i in self.particleDict or ids.count(i) > 1]
        if clashes:
            raise ValueError(f"particle IDs already in use: {clashes!r}")
        self.particles.extend(newParticles)
        self.particleDict.update(zip(ids, newParticles))
        self.indexer.add(*newParticles)

    def remove(self, *oldParticles: Particle) -> None:
        """Take these particles out of the simulation, breaking their bonds
        to the particles that stay."""
        strangers = [p.ID for p in oldParticles if self.particleDict.get(p.ID) is not p]
        if strangers:
            raise ValueError(f"particles not in this system: {strangers!r}")
        leaving = set(oldParticles)
        for particle in leaving:
            _cutBondsOutside(particle, leaving)
            del self.particleDict[particle.ID]
        # in place: a 1.14 caller may hold on to this list
        self.particles[:] = [p for p in self.particles if p not in leaving]
        self.indexer.remove(*leaving)

    def removeByID(self, *ids: Any) -> None:
        """Take the particles with these IDs out of the simulation (see ``remove``)."""
        unknown = [i for i in ids if i not in self.particleDict]
        if unknown:
            raise KeyError(f"no particles with IDs {unknown!r}")
        self.remove(*[self.particleDict[i] for i in dict.fromkeys(ids)])

    def updateLoc(self, *particles: Particle) -> None:
        """Tell the simulation that user code has moved these particles."""
        self.indexer.updateLoc(*particles)

    def withinRadius(self, centre: Sequence[float], radius: float,
                     filter: Optional[Callable[[Any], bool]] = None) -> list[tuple[Any, float]]:
        """withinRadius(centre, radius[, filter]) -> list of (particle, distanceSquared)"""
        return self.indexer.withinRadius(centre, radius, filter)

    def run(self, cycles: int = 1) -> None:
        """Simulate ``cycles`` cycles (default 1)."""
        indexer, laws = self.indexer, self.laws
        for _ in range(cycles):
            self.tick += 1
            tick = self.tick
            particles = self.particles
            for p in particles:
                p.doInteractions(indexer, laws, tick)
            for p in particles:
                p.update(laws)
            indexer.updateLoc(*particles)


def _cutBondsOutside(particle: Particle, group: set[Particle]) -> None:
    """Break the bonds between ``particle`` and the particles not in ``group``."""
    for other in [o for o in particle.bondedTo if o not in group]:
        particle.bondedTo.remove(other)
        other.bondedFrom.remove(particle)
    for other in [o for o in particle.bondedFrom if o not in group]:
        other.bondedTo.remove(particle)
        particle.bondedFrom.remove(other)
