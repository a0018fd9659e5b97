"""Kamaelia.Internet.Simulate: components that make a connection misbehave, for testing.

Modules
-------
* ``BrokenNetwork`` -- ``Duplicate``, ``Throwaway`` and ``Reorder``: they
  sometimes duplicate, lose or reorder what passes through them, as a poor
  network would
"""
