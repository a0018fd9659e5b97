"""MultipleLaws: different force laws for each pair of particle types.

Example Usage
-------------
Entities that only push each other apart, attributes that bond at 200
units, and attributes that bond to entities at 50::

    >>> from Kamaelia.Support.Particles.MultipleLaws import MultipleLaws
    >>> from Kamaelia.Support.Particles.SimpleLaws import SimpleLaws
    >>> laws = MultipleLaws(typesToLaws={
    ...     ("entity", "entity"): SimpleLaws(maxBondForce=0, repulsionStrength=10),
    ...     ("attribute", "attribute"): SimpleLaws(bondLength=200),
    ...     ("entity", "attribute"): SimpleLaws(bondLength=50),
    ... })
    >>> laws.bonded("attribute", "entity", 50, 50 ** 2)   # either way round
    0.0
    >>> laws.bonded("attribute", "attribute", 50, 50 ** 2)  # squashed: pushes
    -30.0
    >>> laws.particleMaxInteractRadius("entity"), laws.maxInteractRadius
    (200.0, 400.0)

Use it wherever a :class:`~Kamaelia.Support.Particles.SimpleLaws.SimpleLaws`
would go: a ``ParticleSystem``, or a topology viewer's ``laws`` argument
(1.14's ``AxonLaws`` and ``ERLaws`` are subclasses of this).

How does it work?
-----------------
``typesToLaws`` maps pairs of particle types ``(A, B)`` to a law object
(anything with SimpleLaws' methods and a ``maxInteractRadius``). A pair
given one way round also serves the other way (unless that is given as
well). Pairs of the types mentioned that the mapping leaves out get
``defaultLaw``; with no ``defaultLaw`` that is an error (``ValueError``
naming the missing pair). A type mentioned nowhere in the mapping is not
covered by ``defaultLaw``: asking about it raises ``KeyError``.

* ``bonded`` and ``unbonded`` ask the law of the pair of types;
* ``dampening(ptype, velocity)`` asks the law of ``(ptype, ptype)``;
* ``particleMaxInteractRadius(ptype)`` is the largest ``maxInteractRadius``
  of the laws ``ptype`` takes part in, so that a simulation looking that far
  around each particle finds every pair that some law says interact;
* the attribute ``maxInteractRadius`` is the largest of all (a simulation
  sizes its spatial index by it).

The pairs and their laws are in the attribute ``laws`` (both ways round).

Differences from 1.14: ``particleMaxInteractRadius(ptype)`` is the largest
radius of the laws the type takes part in, as 1.14 documented; 1.14's code
gave the radius of the ``(ptype, ptype)`` law alone, so a pair of types
whose law reached further than either type's own was only seen to
interact when the simulation happened to visit the right particle of the
pair first (with pair laws that, like SimpleLaws, push nothing beyond
their own ``maxInteractRadius``, a pair now interacts whatever the order).
A missing pair with no ``defaultLaw`` raises ``ValueError``
naming it (1.14 failed with ``AttributeError`` on ``None``).
"""

from __future__ import annotations

from typing import Any, Mapping, Optional, Protocol, Sequence

__all__ = ["MultipleLaws"]


class PairLaw(Protocol):
    """A law for one pair of types (see SimpleLaws)."""

    maxInteractRadius: float

    def unbonded(self, ptype1: Any, ptype2: Any, dist: float, distSquared: float) -> float: ...

    def bonded(self, ptype1: Any, ptype2: Any, dist: float, distSquared: float) -> float: ...

    def dampening(self, ptype: Any, velocity: Sequence[float]) -> list[float]: ...


class MultipleLaws:
    """MultipleLaws(typesToLaws[, defaultLaw]) -> new MultipleLaws object

    - typesToLaws -- dict mapping pairs of particle types ``(A, B)`` to the law
      that acts between them
    - defaultLaw -- the law for pairs of those types that the dict leaves out
      (default None: leaving any out is an error)
    """

    def __init__(self, typesToLaws: Mapping[tuple[Any, Any], PairLaw],
                 defaultLaw: Optional[PairLaw] = None) -> None:
        self.laws: dict[tuple[Any, Any], PairLaw] = {}
        for (type1, type2), law in typesToLaws.items():
            self.laws[(type1, type2)] = law
            self.laws.setdefault((type2, type1), law)
        types = list(dict.fromkeys(ptype for pair in self.laws for ptype in pair))
        for type1 in types:
            for type2 in types:
                if (type1, type2) not in self.laws:
                    if defaultLaw is None:
                        raise ValueError(f"no law for particle types {(type1, type2)!r} "
                                         "and no defaultLaw")
                    self.laws[(type1, type2)] = defaultLaw
        if not self.laws:
            raise ValueError("typesToLaws is empty: there must be at least one law")
        self._reach = {ptype: max(self.laws[(ptype, other)].maxInteractRadius for other in types)
                       for ptype in types}
        self.maxInteractRadius = max(self._reach.values())

    def _law(self, ptype1: Any, ptype2: Any) -> PairLaw:
        try:
            return self.laws[(ptype1, ptype2)]
        except KeyError:
            raise KeyError(f"no law for particle types {(ptype1, ptype2)!r}") from None

    def particleMaxInteractRadius(self, ptype: Any) -> float:
        """How far particles of type ``ptype`` interact: the furthest of their laws' reaches."""
        try:
            return self._reach[ptype]
        except KeyError:
            raise KeyError(f"no laws for particle type {ptype!r}") from None

    def unbonded(self, ptype1: Any, ptype2: Any, dist: float, distSquared: float) -> float:
        """unbonded(ptype1, ptype2, dist, distSquared) -> force between unbonded particles of these types"""
        return self._law(ptype1, ptype2).unbonded(ptype1, ptype2, dist, distSquared)

    def bonded(self, ptype1: Any, ptype2: Any, dist: float, distSquared: float) -> float:
        """bonded(ptype1, ptype2, dist, distSquared) -> force between bonded particles of these types"""
        return self._law(ptype1, ptype2).bonded(ptype1, ptype2, dist, distSquared)

    def dampening(self, ptype: Any, velocity: Sequence[float]) -> list[float]:
        """dampening(ptype, velocity) -> the velocity after friction, by the law of ``(ptype, ptype)``"""
        return self._law(ptype, ptype).dampening(ptype, velocity)
