"""Kamaelia.Automata: components that produce values by simple rules.

Modules
-------
* ``Behaviours`` -- the value generators 1.14 used to drive animations
  (bouncing, looping, constant values)
"""
