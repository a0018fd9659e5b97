"""Chassis: components that hold and wire other components.

Modules
-------
* ``Pipeline`` -- ``Pipeline``: a chain, like a Unix pipe
* ``Graphline`` -- ``Graphline``: named children wired in any shape
* ``Carousel`` -- ``Carousel``: one child at a time, replaced on request
* ``Seq`` -- ``Seq``: children one after another
* ``PAR`` -- ``PAR``: children side by side
* ``Prefab`` -- ``JoinChooserToCarousel``: a ready-made wiring
* ``ConnectedServer`` -- ``ServerCore``, ``SimpleServer``, ``FastRestartServer``: a TCP
  server running a protocol component per connection
* ``Process`` -- ``ProcessPipeline``, ``ProcessGraphline``, ``ProcessWrapComponent``:
  each child in an OS process of its own

Import each from its module, as in Kamaelia 1.14; importing this package
imports none of them. What they share (checking, wiring, shutdown
forwarding) is in the private module ``Kamaelia.Chassis._wiring``.
"""
