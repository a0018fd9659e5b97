"""Kamaelia.Experimental: components 1.14 marked as experimental.

- ``Chassis`` -- Pipeline, Graphline and Carousel with inbox size limits;
- ``Services`` -- registering components as named services and using them;
- ``PythonInterpreter`` -- an interactive Python interpreter as a component;
- ``ERParsing`` -- parsing entity-relationship descriptions for the ER
  visualiser.
"""
