"""Kamaelia.Visualisation: watch a graph, or a running Kamaelia system, as a live picture.

Example Usage
-------------
Draw the topology commands typed at the console (``ADD NODE 1 one auto -``,
``ADD NODE 2 two auto -``, ``ADD LINK 1 2`` ...)::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Util.Console import ConsoleReader
    from Kamaelia.Visualisation.PhysicsGraph.TopologyViewerServer import (
        TextControlledTopologyViewer)

    Pipeline(ConsoleReader(), TextControlledTopologyViewer()).run()

Packages
--------
* ``PhysicsGraph`` -- ``TopologyViewer``: a pygame window drawing a graph of
  nodes and links laid out by simple physics, fed with commands or lines of
  text (``TopologyViewerServer``)
* ``Axon`` -- the viewer dressed for Kamaelia systems: components and their
  boxes, as the Introspector reports them (``AxonVisualiserServer``)
* ``ER`` -- the viewer dressed for entity-relationship diagrams

How does it work?
-----------------
Each package is a TopologyViewer with particles (how a node looks) and laws
(how nodes push and pull) of its own. They need pygame (the ``ui`` extra:
``pip install 'kamaelia[ui]'``). Importing this package imports none of
them.
"""
