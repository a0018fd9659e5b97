"""Particle: a point with a velocity and bonds, that works out its own forces in a particle system.

Example Usage
-------------
Two particles bonded 300 units apart pull together; one step at a time::

    >>> from Kamaelia.Support.Particles.Particle import Particle
    >>> from Kamaelia.Support.Particles.SimpleLaws import SimpleLaws
    >>> from Kamaelia.Support.Particles.SpatialIndexer import SpatialIndexer
    >>> laws = SimpleLaws(bondLength=100)
    >>> a, b = Particle((0, 0), ID="a"), Particle((300, 0), ID="b")
    >>> a.makeBond({"a": a, "b": b}, "b")           # a bond from a to b
    >>> a.getBondedTo() == [b] and b.getBondedFrom() == [a]
    True
    >>> index = SpatialIndexer(laws.maxInteractRadius)
    >>> index.add(a, b)
    >>> for p in (a, b):                            # step 1 of 2: forces
    ...     p.doInteractions(index, laws, tick=1)
    >>> a.velocity, b.velocity                      # equal and opposite
    ([20.0, 0.0], [-20.0, 0.0])
    >>> for p in (a, b):                            # step 2 of 2: move
    ...     p.update(laws)
    >>> a.getLoc(), b.getLoc()
    ([16.0, 0.0], [284.0, 0.0])

Normally a :class:`~Kamaelia.Support.Particles.ParticleSystem.ParticleSystem`
makes those calls; subclass ``Particle`` to give particles a look (1.14's
topology viewers draw ``Particle`` subclasses).

How does it work?
-----------------
A particle has a position ``pos`` (a sequence of coordinates, as many as
you like, the same number for every particle of a simulation), a
``velocity`` (a list, zeros unless given), a type ``ptype`` the laws may
look at, an ``ID`` (unique within its simulation; ``str(id(particle))``
unless given) and a ``tick``, the number of the last simulation cycle it
took part in.

Bonds have a direction: ``a.makeBond(particles, key)`` bonds ``a`` to
``particles[key]`` (``particles`` is any list or dict of particles, e.g. a
``ParticleSystem``'s ``particleDict`` keyed by ID), recording it in
``a.bondedTo`` and in the other's ``bondedFrom``; making it again does
nothing. ``breakBond(particles, key)`` undoes one (and raises
``ValueError`` if there is none), ``breakAllBonds(outgoing=True,
incoming=True)`` undoes all of them, outgoing, incoming or both. The
physics does not care about the direction: a bond pulls both ways.

A simulation cycle has two stages, so that every particle sees the others
where they were at the start of the cycle:

1. ``doInteractions(particleIndex, laws, tick)`` on every particle: the
   particle sets its ``tick`` and changes its own velocity and that of each
   particle it interacts with, equally and oppositely, by the force
   ``laws.bonded(...)`` along its bonds and ``laws.unbonded(...)`` from
   the other particles within ``laws.particleMaxInteractRadius(ptype)``
   (found with ``particleIndex.withinRadius(pos, radius)``, e.g. a
   :class:`~Kamaelia.Support.Particles.SpatialIndexer.SpatialIndexer`).
   Particles already on this ``tick`` are skipped: they have done this pair
   from their side. Positions do not change.
2. ``update(laws)`` on every particle: the velocity goes through
   ``laws.dampening(ptype, velocity)`` and is added to the position (a
   new list). A frozen particle (``freeze()``, undone by ``unFreeze()``)
   instead has its velocity set to zero and stays where it is, though it
   still pushes and pulls the others; user code moves it by setting ``pos``.

Two particles at the same position exert no force on each other (there
is no direction to push in).

Differences from 1.14: the particles' velocities are changed in place
rather than replaced by new lists; ``breakBond`` on a bond that is not
there says which bond (1.14 raised the bare ``ValueError`` of
``list.remove``).
"""

from __future__ import annotations

from typing import Any, Mapping, Optional, Protocol, Sequence, Union

__all__ = ["Particle"]


class Laws(Protocol):
    """What a particle asks of the laws it is given (see SimpleLaws)."""

    def particleMaxInteractRadius(self, ptype: Any) -> float: ...

    def unbonded(self, ptype1: Any, ptype2: Any, dist: float, distSquared: float) -> float: ...

    def bonded(self, ptype1: Any, ptype2: Any, dist: float, distSquared: float) -> float: ...

    def dampening(self, ptype: Any, velocity: Sequence[float]) -> list[float]: ...


class ParticleIndex(Protocol):
    """What a particle asks of the index of the others (see SpatialIndexer)."""

    def withinRadius(self, centre: Sequence[float], radius: float) -> list[tuple[Any, float]]: ...


Particles = Union[Sequence["Particle"], Mapping[Any, "Particle"]]


class Particle:
    """Particle(position[, initialTick][, ptype][, velocity][, ID]) -> new Particle

    - position -- sequence of coordinates
    - initialTick -- the tick count to start from, the simulation's (default 0)
    - ptype -- the particle's type, for laws that tell types apart (default None)
    - velocity -- sequence of initial velocity components (default all zero)
    - ID -- unique identifier (default ``str(id(self))``)
    """

    def __init__(self, position: Sequence[float], initialTick: int = 0, ptype: Any = None,
                 velocity: Optional[Sequence[float]] = None, ID: Any = None) -> None:
        super().__init__()
        self.pos = position
        self.tick = initialTick
        self.static = False
        self.ptype = ptype
        self.bondedTo: list[Particle] = []
        self.bondedFrom: list[Particle] = []
        self.velocity: list[float] = [0.0] * len(position) if velocity is None else list(velocity)
        self.ID = str(id(self)) if ID is None else ID

    def getBonded(self) -> list[Particle]:
        """The particles this one has bonds to (its outgoing bonds)."""
        return self.bondedTo

    def getBondedTo(self) -> list[Particle]:
        """The particles this one has bonds to (its outgoing bonds)."""
        return self.bondedTo

    def getBondedFrom(self) -> list[Particle]:
        """The particles that have bonds to this one (its incoming bonds)."""
        return self.bondedFrom

    def makeBond(self, particles: Particles, index: Any) -> None:
        """makeBond(particles, index) -> bond this particle to ``particles[index]``

        Does nothing if that bond is there already.
        """
        target = particles[index]
        if target not in self.bondedTo:
            self.bondedTo.append(target)
            target.bondedFrom.append(self)

    def breakBond(self, particles: Particles, index: Any) -> None:
        """breakBond(particles, index) -> break the bond from this particle to ``particles[index]``

        Raises ``ValueError`` if there is no such bond.
        """
        target = particles[index]
        if target not in self.bondedTo:
            raise ValueError(f"particle {self.ID!r} has no bond to particle {target.ID!r}")
        self.bondedTo.remove(target)
        target.bondedFrom.remove(self)

    def breakAllBonds(self, outgoing: bool = True, incoming: bool = True) -> None:
        """breakAllBonds([outgoing][, incoming]) -> break the bonds from and/or to this particle"""
        if outgoing:
            for target in self.bondedTo:
                target.bondedFrom.remove(self)
            self.bondedTo = []
        if incoming:
            for source in self.bondedFrom:
                source.bondedTo.remove(self)
            self.bondedFrom = []

    def getLoc(self) -> Sequence[float]:
        """The particle's position (its coordinates)."""
        return self.pos

    def freeze(self) -> None:
        """Hold the particle where it is, whatever the forces on it."""
        self.static = True

    def unFreeze(self) -> None:
        """Let the forces move the particle again."""
        self.static = False

    def distSquared(self, altpos: Sequence[float]) -> float:
        """The square of the distance from this particle to the point ``altpos``."""
        return sum((a - b) * (a - b) for a, b in zip(self.pos, altpos))

    def doInteractions(self, particleIndex: ParticleIndex, laws: Laws, tick: int) -> None:
        """doInteractions(particleIndex, laws, tick) -> apply this cycle's forces to velocities

        Interacts with the particles it is bonded to and, through
        ``particleIndex``, the unbonded ones within reach, except those
        already on ``tick``; changes their velocities and its own.
        """
        self.tick = tick
        pos, ptype = self.pos, self.ptype
        partners = self.bondedTo + self.bondedFrom
        bondForce = laws.bonded
        for other in partners:
            if other.tick != tick:
                ds = self.distSquared(other.pos)
                if ds > 0.0:
                    dist = ds ** 0.5
                    self._push(other, bondForce(ptype, other.ptype, dist, ds) / dist)

        skip = set(partners)
        pushForce = laws.unbonded
        radius = laws.particleMaxInteractRadius(ptype)
        for other, ds in particleIndex.withinRadius(pos, radius):
            if other.tick != tick and ds > 0.0 and other not in skip:
                dist = ds ** 0.5
                self._push(other, pushForce(ptype, other.ptype, dist, ds) / dist)

    def _push(self, other: Particle, perUnit: float) -> None:
        """Change both velocities by ``perUnit`` times the vector from here
        to ``other``: towards each other if it is positive."""
        mine, theirs, here, there = self.velocity, other.velocity, self.pos, other.pos
        if len(mine) == 2:
            # the common case, unrolled: this runs for every interacting pair
            dx, dy = (there[0] - here[0]) * perUnit, (there[1] - here[1]) * perUnit
            mine[0] += dx
            mine[1] += dy
            theirs[0] -= dx
            theirs[1] -= dy
            return
        for axis, (a, b) in enumerate(zip(here, there)):
            change = (b - a) * perUnit
            mine[axis] += change
            theirs[axis] -= change

    def update(self, laws: Laws) -> None:
        """update(laws) -> apply friction to the velocity, then move by it (unless frozen)"""
        if self.static:
            self.velocity = [0.0] * len(self.velocity)
        else:
            self.velocity = laws.dampening(self.ptype, self.velocity)
            self.pos = [here + step for here, step in zip(self.pos, self.velocity)]
