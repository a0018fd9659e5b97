"""Axon: the core of Kamaelia - components, boxes, linkages and the scheduler.

Example Usage
-------------
::

    from Axon.Component import component

    class Hello(component):
        def main(self):
            self.send("hello, world", "outbox")
            yield 1

    Hello().run()

Importing ``Axon`` makes its modules available as attributes, as in
Kamaelia 1.14 (``Axon.Component.component``, ``Axon.Ipc.producerFinished``,
``Axon.debugConfigFile``, ...), and also the base classes ``Axon.AxonObject``
and ``Axon.AxonType``. See :mod:`Axon.Component` for how components are written and
:mod:`Axon.Scheduler` for how they are run. The core uses the standard
library only.
"""

from __future__ import annotations

from Axon import (AxonExceptions, Base, Box, CoordinatingAssistantTracker, Ipc, Linkage,
                  Microprocess, Postoffice, Scheduler, STM, debug, debugConfigDefaults,
                  debugConfigFile, idGen, util)
from Axon import Component, AdaptiveCommsComponent, ThreadedComponent
from Axon import Handle, Introspector, background
from Axon.Base import AxonObject, AxonType

__version__ = "2.0.0.dev0"

__all__ = ["AdaptiveCommsComponent", "AxonExceptions", "AxonObject", "AxonType", "Base",
           "Box", "Component", "CoordinatingAssistantTracker", "Handle", "Introspector", "Ipc",
           "Linkage",
           "Microprocess", "Postoffice", "STM", "Scheduler", "ThreadedComponent",
           "background", "debug", "debugConfigDefaults", "debugConfigFile", "idGen", "util",
           "__version__"]
