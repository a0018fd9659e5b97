"""ERLaws: the physics that lays out an entity-relationship diagram.

Example Usage
-------------
A topology viewer drawing entities, attributes and relations, laid out by
these laws (this is what ``ERVisualiser`` sets up for you)::

    from Kamaelia.Visualisation.ER.ERLaws import AxonLaws
    from Kamaelia.Visualisation.ER.ERVisualiserServer import particleTypes
    from Kamaelia.Visualisation.PhysicsGraph.TopologyViewer import TopologyViewer

    viewer = TopologyViewer(particleTypes=particleTypes, laws=AxonLaws())

How does it work?
-----------------
``AxonLaws(relationBondLength=100)`` (1.14's name for it, kept; ``ERLaws``
is the same class) is a ``MultipleLaws`` (``Kamaelia.Support.Particles``)
over the ER particles' types (``ptype``): ``"entity"``, ``"attribute"``,
``"relation"`` and ``"isa"`` (a subtype-supertype link's midpoint).

- entity and entity: strong repulsion out to 2.3 bond lengths, no bond
  force, so entities spread out;
- relation or "is a" with relation or "is a": a bond of
  ``relationBondLength`` and a mild repulsion within two component radii;
- entity and attribute: a short strong bond (64 pixels), attributes cluster
  round their entity;
- entity and relation or "is a", and every pairing not listed (attribute
  with attribute, with relation, ...): a bond of 96 pixels with a mild
  repulsion at the same range.

All damp velocities to 20% per step below a cut-off and cap them at 32.
The figures are 1.14's.
"""

from __future__ import annotations

from Kamaelia.Support.Particles import MultipleLaws, SimpleLaws

__all__ = ["AxonLaws", "ERLaws"]

_COMPONENT_RADIUS = 32
#: Velocity damping shared by every pairing (as AxonLaws' for Axon systems).
_DAMPING = {"damp": 1.0 - 0.8, "dampcutoff": 0.4, "maxVelocity": 32}


class AxonLaws(MultipleLaws):
    """AxonLaws(relationBondLength=100) -> new laws for entity-relationship diagrams

    (1.14 named the ER laws ``AxonLaws`` too; ``ERLaws`` is the same class.)

    - relationBondLength -- the length of the bonds between entities and
      relations (pixels)
    """

    def __init__(self, relationBondLength: float = 100) -> None:
        entityEntity = SimpleLaws(bondLength=relationBondLength,
                                  maxRepelRadius=2.3 * relationBondLength,
                                  repulsionStrength=10.0, maxBondForce=0.0, **_DAMPING)
        relationRelation = SimpleLaws(bondLength=relationBondLength,
                                      maxRepelRadius=_COMPONENT_RADIUS * 2.0,
                                      repulsionStrength=1.0, maxBondForce=3.0, **_DAMPING)
        entityAttribute = SimpleLaws(bondLength=_COMPONENT_RADIUS * 2,
                                     maxRepelRadius=_COMPONENT_RADIUS * 2,
                                     repulsionStrength=2.0, maxBondForce=10.0, **_DAMPING)
        entityRelation = SimpleLaws(bondLength=_COMPONENT_RADIUS * 3,
                                    maxRepelRadius=_COMPONENT_RADIUS * 3,
                                    repulsionStrength=2.0, maxBondForce=10.0, **_DAMPING)
        links = ("relation", "isa")
        typesToLaws = {("entity", "entity"): entityEntity,
                       ("entity", "attribute"): entityAttribute}
        for first in links:
            typesToLaws[("entity", first)] = entityRelation
            typesToLaws[(first, "entity")] = entityRelation
            for second in links:
                typesToLaws[(first, second)] = relationRelation
        super().__init__(typesToLaws=typesToLaws, defaultLaw=entityRelation)


#: The same laws under a name that says what they are for.
ERLaws = AxonLaws
