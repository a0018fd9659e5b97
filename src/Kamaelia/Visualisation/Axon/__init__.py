"""Kamaelia.Visualisation.Axon: draw a running Axon/Kamaelia system as a live graph.

Example Usage
-------------
A program that draws itself (close the window to end)::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Util.Introspector import Introspector
    from Kamaelia.Visualisation.Axon.AxonVisualiserServer import (
        AxonVisualiser, text_to_token_lists)

    Pipeline(Introspector(), text_to_token_lists(), AxonVisualiser()).run()

Components are drawn as coloured hexagons with their names, their inboxes
and outboxes as small labels round them, and linkages as arrows between
boxes (green from an outbox to an inbox, orange for a passthrough). Click a
component or box to see its full name; drag it to move it.

Modules
-------
* ``AxonVisualiserServer`` -- ``AxonVisualiser`` (a topology viewer for the
  Introspector's output) and ``AxonVisualiserServer`` (the same, fed over TCP)
* ``AxonLaws`` -- ``AxonLaws``: the physics laying out components and boxes
* ``PComponent`` -- ``PComponent``: the particle drawing a component
* ``PPostbox`` -- ``PPostbox``: the particle drawing an inbox or outbox
* ``ExtraWindowFurniture`` -- ``ExtraWindowFurniture``: the logo in the corner

Import each from its module, as in Kamaelia 1.14; importing this package
imports none of them. They need pygame-ce (``pip install 'kamaelia[ui]'``).
"""
