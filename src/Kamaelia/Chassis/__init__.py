"""Chassis: components that hold and wire other components.

- ``Kamaelia.Chassis.Pipeline.Pipeline`` -- a chain, like a Unix pipe
- ``Kamaelia.Chassis.Graphline.Graphline`` -- named children wired in any shape
- ``Kamaelia.Chassis.Carousel.Carousel`` -- one child at a time, replaced on request
- ``Kamaelia.Chassis.Seq.Seq`` -- children one after another
- ``Kamaelia.Chassis.PAR.PAR`` -- children side by side
- ``Kamaelia.Chassis.Prefab.JoinChooserToCarousel`` -- a ready-made wiring

Import each from its module, as in Kamaelia 1.14; importing this package
imports none of them. What they share (checking, wiring, shutdown
forwarding) is in the private module ``Kamaelia.Chassis._wiring``.
"""
