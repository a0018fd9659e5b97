"""Kamaelia.Experimental: components 1.14 marked as experimental.

Modules
-------
* ``Chassis`` -- Pipeline, Graphline and Carousel with size limits on their
  children's inboxes
* ``Services`` -- registering components as named services, and using them
* ``PythonInterpreter`` -- an interactive Python interpreter as a component
* ``ERParsing`` -- parsing entity-relationship descriptions for the ER
  visualiser
"""
