"""Kamaelia.Internet.Simulate: components that make a connection misbehave, for testing.

Example Usage
-------------
See :mod:`Kamaelia.Internet.Simulate.BrokenNetwork`: ``Duplicate``,
``Throwaway`` and ``Reorder`` sometimes duplicate, lose or reorder what
passes through them, as a poor network would.
"""
