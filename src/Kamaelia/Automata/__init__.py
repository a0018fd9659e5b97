"""Kamaelia.Automata: components that produce values by simple rules.

``Behaviours`` holds the value generators 1.14 used to drive animations
(bouncing, looping, constant values).
"""
