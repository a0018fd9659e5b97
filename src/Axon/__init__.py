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
...). See :mod:`Axon.Component` for how components are written and
:mod:`Axon.Scheduler` for how they are run. The core uses the standard
library only.
"""

from __future__ import annotations

from Axon import (AxonExceptions, Base, Box, CoordinatingAssistantTracker, Ipc, Linkage,
                  Microprocess, Postoffice, Scheduler, STM, debug, idGen, util)
from Axon import Component, AdaptiveCommsComponent, ThreadedComponent
from Axon import Handle, background

__version__ = "2.0.0.dev0"

__all__ = ["AdaptiveCommsComponent", "AxonExceptions", "Base", "Box", "Component",
           "CoordinatingAssistantTracker", "Handle", "Ipc", "Linkage", "Microprocess",
           "Postoffice", "STM", "Scheduler", "ThreadedComponent", "background", "debug",
           "idGen", "util", "__version__"]
