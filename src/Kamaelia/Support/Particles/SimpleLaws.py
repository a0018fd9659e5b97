"""SimpleLaws: the forces between particles, the same for every type of particle.

Example Usage
-------------
Laws for a graph whose links settle at 200 units; the other settings
follow, scaled to that length::

    >>> from Kamaelia.Support.Particles.SimpleLaws import SimpleLaws
    >>> laws = SimpleLaws(bondLength=200)
    >>> laws.maxInteractRadius, laws.maxBondForce, laws.maxVelocity
    (400.0, 40.0, 64.0)
    >>> laws.bonded(None, None, 200, 200 ** 2)      # at its length a bond pulls not at all
    0.0
    >>> laws.bonded(None, None, 250, 250 ** 2)      # stretched: pulls (positive)
    10.0
    >>> laws.unbonded(None, None, 100, 100 ** 2)    # strangers push apart (negative)
    -25.6
    >>> laws.unbonded(None, None, 500, 500 ** 2)    # beyond maxInteractRadius: nothing
    0.0
    >>> laws.dampening(None, [10.0, -5.0])          # friction takes a fifth each step
    [8.0, -4.0]

Hand the laws to a :class:`~Kamaelia.Support.Particles.ParticleSystem.ParticleSystem`
(or to a topology viewer's ``laws`` argument) to lay particles out.

How does it work?
-----------------
A law object answers four questions for the simulation, each step:

* ``bonded(ptype1, ptype2, dist, distSquared)`` -- the force along a bond
  between two particles this far apart: a spring (Hooke's law) of
  stiffness ``maxBondForce / bondLength``, zero at ``bondLength``,
  positive (pulling together) when stretched, negative (pushing apart)
  when squashed, and never beyond ``maxBondForce`` either way, so that a
  bond stretched far does not fling its ends at each other.
* ``unbonded(ptype1, ptype2, dist, distSquared)`` -- the force between two
  particles that are not bonded: always a push, by the inverse square law,
  ``repulsionStrength`` at ``bondLength`` apart, as strong as at 1 unit
  for anything closer than that; over the outer fifth of
  ``maxInteractRadius`` it fades in a straight line to zero, and beyond
  that radius it is zero.
* ``dampening(ptype, velocity)`` -- the velocity after a step's friction:
  multiplied by ``1 - damp``, then scaled down so that its size is at most
  ``maxVelocity``; a velocity smaller than ``dampcutoff`` becomes zero, so
  that a settled system stops dead instead of creeping. The size of a
  velocity here is the sum of its components' sizes (``|vx| + |vy|``),
  as in 1.14.
* ``particleMaxInteractRadius(ptype)`` -- how far away the simulation has
  to look for particles that push this one: ``maxInteractRadius``.

The particle types are ignored (see
:class:`~Kamaelia.Support.Particles.MultipleLaws.MultipleLaws` for laws
that depend on them). ``dist`` and ``distSquared`` are both passed because
the caller has computed both already. A force here is a change of
velocity per step: the simulation adds it to both particles, in opposite
directions.

Every setting left out is scaled from ``bondLength`` (the defaults below
are those for a bond length of 100), so a layout looks the same at any
scale. The settings become attributes of the same names, except that
``maxRepelRadius`` is kept as ``maxInteractRadius``, ``repulsionStrength``
as ``repulsionForceAtBondLength``, and ``damp`` as its complement (the
attribute ``damp`` is the fraction of velocity *kept*, ``0.8`` by default).

In a discrete-time simulation forces that are too strong for the damping
make the layout unstable (particles overshoot and fly apart); ``damp``,
``dampcutoff`` and ``maxVelocity`` are the settings that tame it.

Differences from 1.14: the push fades out between 0.8 and 1 times
``maxInteractRadius``. 1.14's stopped dead at that radius, from a push 20
times the ``dampcutoff`` (by default) to nothing, so two particles about
that far apart hopped in and out of each other's reach for ever: most
graphs of ten or more particles never came to rest, and a viewer never
stopped redrawing (with the fade, graphs of 500 particles come to rest
within about a thousand cycles). Closer than ``0.8 * maxInteractRadius``
the push is 1.14's. ``unbonded`` is zero beyond ``maxInteractRadius``, as
1.14 documented ("maximum distance repulsion force acts at"); 1.14's
method went on pushing at any distance and relied on the simulation not
looking further, which made ``MultipleLaws`` give different layouts
depending on the order of the particles. A ``bondLength`` that is not above
zero raises ``ValueError`` (1.14 divided by zero). In one dimension a
negative velocity is damped like a positive one (1.14 took the sign as the
size and stopped every particle moving left).
"""

from __future__ import annotations

from typing import Any, Optional, Sequence

__all__ = ["SimpleLaws"]


class SimpleLaws:
    """SimpleLaws([bondLength][, maxRepelRadius][, repulsionStrength][, maxBondForce][, damp][, dampcutoff][, maxVelocity]) -> new SimpleLaws object

    - bondLength -- the length bonds settle at (default 100)
    - maxRepelRadius -- the distance beyond which unbonded particles do not
      push each other (default 200)
    - repulsionStrength -- the push between unbonded particles ``bondLength``
      apart (default 3.2)
    - maxBondForce -- the strongest pull or push of a bond, reached at 0 and
      at twice ``bondLength`` (default 20)
    - damp -- friction: the fraction of velocity lost each step, 0 (none) to
      1 (no movement) (default 0.2)
    - dampcutoff -- a velocity smaller than this becomes zero (default 0.4)
    - maxVelocity -- the largest velocity a particle may have (default 32)

    Defaults other than ``damp`` are for ``bondLength=100`` and scale with it.
    """

    def __init__(self, bondLength: float = 100,
                 maxRepelRadius: Optional[float] = None,
                 repulsionStrength: Optional[float] = None,
                 maxBondForce: Optional[float] = None,
                 damp: Optional[float] = None,
                 dampcutoff: Optional[float] = None,
                 maxVelocity: Optional[float] = None) -> None:
        if not bondLength > 0:
            raise ValueError(f"bondLength must be above 0, not {bondLength!r}")
        self.bondLength = bondLength
        scale = bondLength / 100.0
        self.maxInteractRadius = _given(maxRepelRadius, 200 * scale)
        self.repulsionForceAtBondLength = _given(repulsionStrength, 3.2 * scale)
        self.maxBondForce = _given(maxBondForce, 20.0 * scale)
        self.damp = 1.0 - _given(damp, 0.2)
        self.dampcutoff = _given(dampcutoff, 0.4 * scale)
        self.maxVelocity = _given(maxVelocity, 32 * scale)
        # derived constants, so that the per-pair methods do one multiply
        self.bondForce = self.maxBondForce / bondLength
        self.maxRepulsionForce = self.repulsionForceAtBondLength * bondLength ** 2

    def particleMaxInteractRadius(self, ptype: Any) -> float:
        """How far a particle (of any type) pushes others: ``maxInteractRadius``."""
        return self.maxInteractRadius

    def unbonded(self, ptype1: Any, ptype2: Any, dist: float, distSquared: float) -> float:
        """unbonded(ptype1, ptype2, dist, distSquared) -> force between unbonded particles

        Negative (a push), by the inverse square law, fading out over the
        outer fifth of ``maxInteractRadius``; 0 beyond it.
        """
        reach = self.maxInteractRadius
        if distSquared > reach * reach:
            return 0.0
        force = -self.maxRepulsionForce / max(distSquared, 1.0)
        fadeFrom = _FADE_FROM * reach
        if dist > fadeFrom:
            force *= (reach - dist) / (reach - fadeFrom)
        return force

    def bonded(self, ptype1: Any, ptype2: Any, dist: float, distSquared: float) -> float:
        """bonded(ptype1, ptype2, dist, distSquared) -> force between bonded particles

        Positive pulls together, negative pushes apart; zero at ``bondLength``.
        """
        force = self.bondForce * (dist - self.bondLength)
        return max(-self.maxBondForce, min(self.maxBondForce, force))

    def dampening(self, ptype: Any, velocity: Sequence[float]) -> list[float]:
        """dampening(ptype, velocity) -> the velocity after one step's friction, as a list"""
        size = sum(map(abs, velocity))
        if size < self.dampcutoff:
            return [0.0] * len(velocity)
        keep = self.damp
        if keep * size > self.maxVelocity:
            keep = self.maxVelocity / size
        return [component * keep for component in velocity]


#: The push is the plain inverse square out to this fraction of
#: maxInteractRadius, then fades in a straight line to nothing at it.
_FADE_FROM = 0.8


def _given(value: Optional[float], default: float) -> float:
    return default if value is None else value
