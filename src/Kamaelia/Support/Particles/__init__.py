"""Kamaelia.Support.Particles: a small physics engine that lays out graphs.

Example Usage
-------------
Lay out a triangle of bonded particles::

    >>> from Kamaelia.Support.Particles import Particle, ParticleSystem, SimpleLaws
    >>> sim = ParticleSystem(SimpleLaws(bondLength=100))
    >>> sim.add(*[Particle(pos, ID=name) for name, pos in
    ...           [("a", (0, 0)), ("b", (10, 0)), ("c", (0, 10))]])
    >>> for src, dst in [("a", "b"), ("b", "c"), ("c", "a")]:
    ...     sim.particleDict[src].makeBond(sim.particleDict, dst)
    >>> sim.run(cycles=200)
    >>> a, b, c = sim.particles
    >>> [round(p.distSquared(q.getLoc()) ** 0.5 / 10) * 10 for p, q in [(a, b), (b, c), (c, a)]]
    [100, 100, 100]

How does it work?
-----------------
Particles (:class:`Particle`) have positions, velocities and bonds to
each other. Laws (:class:`SimpleLaws`, or :class:`MultipleLaws` for laws
that depend on the types of the particles) say how hard bonded particles
pull towards their bond length and unbonded ones push each other away,
and how much friction slows them. A :class:`ParticleSystem` steps the
simulation, finding each particle's neighbours quickly through a
:class:`SpatialIndexer`. Any number of dimensions works (1.14's 2D and 3D
topology viewers both use this package). Pure Python; nothing is drawn
here.

The package exports the five classes, as Kamaelia 1.14's did.

Modules
-------
* ``Particle`` -- a point with a velocity and bonds, that works out its own forces
* ``ParticleSystem`` -- the simulation: particles, their index, and cycles of physics
* ``SpatialIndexer`` -- a grid index for finding the entities within a radius of a point
* ``SimpleLaws`` -- the forces between particles, the same for every type of particle
* ``MultipleLaws`` -- different force laws for each pair of particle types
"""

from __future__ import annotations

from .MultipleLaws import MultipleLaws
from .Particle import Particle
from .ParticleSystem import ParticleSystem
from .SimpleLaws import SimpleLaws
from .SpatialIndexer import SpatialIndexer

__all__ = ["SpatialIndexer", "ParticleSystem", "Particle", "SimpleLaws", "MultipleLaws"]
