"""Kamaelia: a library of components built on Axon, and the chassis that wire them.

Example Usage
-------------
::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Util.Console import ConsoleReader, ConsoleEchoer

    Pipeline(ConsoleReader(), ConsoleEchoer()).run()

Modules keep the import paths of Kamaelia 1.14 (``Kamaelia.Chassis.Pipeline``,
``Kamaelia.Util.Console``, ...). Importing ``Kamaelia`` itself imports
nothing else.
"""

__version__ = "2.0.0.dev0"
