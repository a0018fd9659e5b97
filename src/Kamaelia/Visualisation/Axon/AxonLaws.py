"""AxonLaws: the physics that lays out a picture of an Axon system.

Example Usage
-------------
A topology viewer drawing components and their boxes, laid out by these
laws (this is what ``AxonVisualiser`` sets up for you)::

    from Kamaelia.Visualisation.Axon.AxonLaws import AxonLaws
    from Kamaelia.Visualisation.Axon.PComponent import PComponent
    from Kamaelia.Visualisation.Axon.PPostbox import PPostbox
    from Kamaelia.Visualisation.PhysicsGraph.TopologyViewer import TopologyViewer

    viewer = TopologyViewer(particleTypes={"component": PComponent,
                                           "inbox": PPostbox.Inbox,
                                           "outbox": PPostbox.Outbox},
                            laws=AxonLaws(postboxBondLength=100))

How does it work?
-----------------
``AxonLaws(postboxBondLength=100)`` is a ``MultipleLaws``
(``Kamaelia.Support.Particles``) with one ``SimpleLaws`` for each pairing of
the two particle types the Axon particles have (``ptype``): ``"component"``
(PComponent) and ``"postbox"`` (PPostbox, for inboxes and outboxes alike).

- component and component: strong repulsion out to 2.3 linkage lengths and
  no bond force (components are never bonded to each other), so components
  spread out;
- postbox and postbox: a bond of ``postboxBondLength`` (a linkage) and a
  gentle repulsion within a component's radius, so boxes do not pile up;
- component and postbox: a short, strong bond (1.5 component radii) and no
  repulsion, so a component's boxes stay round it.

All damp velocities to 20% per step below a cut-off and cap them at 32.
Only the ranges of the forces scale with ``postboxBondLength``; their
strengths do not. The figures are 1.14's.
"""

from __future__ import annotations

from Kamaelia.Support.Particles import MultipleLaws, SimpleLaws

__all__ = ["AxonLaws"]

#: A component particle's radius (PComponent's), which sets the box distances.
_COMPONENT_RADIUS = 32
#: Velocity damping shared by every pairing: keep 20% of the velocity each
#: step, stop below the cut-off, never faster than the maximum.
_DAMPING = {"damp": 1.0 - 0.8, "dampcutoff": 0.4, "maxVelocity": 32}


class AxonLaws(MultipleLaws):
    """AxonLaws(postboxBondLength=100) -> new AxonLaws object

    Laws between "component" and "postbox" particles.

    - postboxBondLength -- the length of a linkage between two boxes (pixels)
    """

    def __init__(self, postboxBondLength: float = 100) -> None:
        componentComponent = SimpleLaws(bondLength=postboxBondLength,
                                        maxRepelRadius=2.3 * postboxBondLength,
                                        repulsionStrength=10.0, maxBondForce=0.0,
                                        **_DAMPING)
        postboxPostbox = SimpleLaws(bondLength=postboxBondLength,
                                    maxRepelRadius=_COMPONENT_RADIUS * 1.0,
                                    repulsionStrength=0.05, maxBondForce=5.0, **_DAMPING)
        componentPostbox = SimpleLaws(bondLength=_COMPONENT_RADIUS * 1.5,
                                      maxRepelRadius=_COMPONENT_RADIUS,
                                      repulsionStrength=0.0, maxBondForce=10.0, **_DAMPING)
        super().__init__(typesToLaws={("component", "component"): componentComponent,
                                      ("postbox", "postbox"): postboxPostbox,
                                      ("component", "postbox"): componentPostbox,
                                      ("postbox", "component"): componentPostbox})
