"""Kamaelia.Visualisation.ER: draw entity-relationship diagrams as live graphs.

Example Usage
-------------
An entity with an attribute, drawn in a window (close it to end)::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Visualisation.ER.ERVisualiserServer import (
        ERVisualiser, text_to_token_lists)

    Pipeline(DataSource(["ADD NODE Artist Artist auto entity\\n"
                         "ADD NODE genre genre auto attribute\\n"
                         "ADD LINK Artist genre\\n"]),
             text_to_token_lists(), ERVisualiser()).run()

Entities are drawn as coloured rectangles, attributes as ellipses,
relations as diamonds and "is a" (subtype) links as circles with arrows
towards the supertype. The nodes are laid out by a physics simulation;
click one to see its full name, drag it to move it.

Modules
-------
* ``ERVisualiserServer`` -- ``ERVisualiser`` (a topology viewer for ER
  diagrams) and ``ERVisualiserServer`` (the same, fed over TCP)
* ``ERLaws`` -- ``AxonLaws`` (1.14's name; also ``ERLaws``): the physics
  laying out the diagram
* ``PEntity`` -- ``PEntity``: the particle drawing an entity
* ``PAttribute`` -- ``PAttribute``: the particle drawing an attribute
* ``PRelation`` -- ``PRelation``: the particle drawing a relation
* ``PISA`` -- ``PISA``: the particle drawing an "is a" link
* ``ExtraWindowFurniture`` -- ``ExtraWindowFurniture``: the logo in the corner

Import each from its module, as in Kamaelia 1.14; importing this package
imports none of them. They need pygame-ce (``pip install 'kamaelia[ui]'``).
"""
