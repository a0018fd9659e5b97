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

Modules
-------
Writing components:

* ``Component`` -- components: microprocesses with named inboxes and outboxes
* ``ThreadedComponent`` -- components whose ``main`` is blocking code in a thread
* ``AdaptiveCommsComponent`` -- components that add and remove boxes while they run
* ``async_support`` -- ``async def main`` components, and what they can await
* ``Ipc`` -- the messages components pass (``producerFinished``, ``shutdownMicroprocess``, ...)
* ``AxonExceptions`` -- the exceptions Axon raises

Running them, and reaching them from other code:

* ``Scheduler`` -- the scheduler: steps runnable microprocesses, sleeps when none are
* ``Microprocess`` -- microprocesses: generators that a scheduler steps
* ``background`` -- run the scheduler in a background thread, for use from ordinary code
* ``Handle`` -- let ordinary (non-component) code put messages in and get them out
* ``AsyncHandle`` -- let asyncio code talk to components
* ``diagnostics`` -- what a stuck system is waiting for (the hang report)
* ``Introspector`` -- report the live topology of a system as text
* ``Statistics`` -- how often each component runs, for how long, and what its inboxes carry

Plumbing:

* ``Box`` -- inboxes and outboxes: where messages wait, and how links collapse
* ``Linkage`` -- the record of one box linked to another
* ``Postoffice`` -- make linkages live and remember them so they can be undone
* ``CoordinatingAssistantTracker`` -- the process-wide registry of named services and values
* ``STM`` -- software transactional memory: share values between threads without locks
* ``idGen`` -- process-wide unique ids for microprocesses and components
* ``Base`` -- the base class of Axon's objects (kept for 1.14 compatibility)
* ``util`` -- small helpers used by Axon and by old Kamaelia code
* ``debug`` -- 1.14's ``debug`` class, logging through :mod:`logging`
* ``debugConfigDefaults`` -- the debug configuration used when there is no ``debug.conf``
* ``debugConfigFile`` -- reading 1.14 debug configuration files
* ``experimental`` -- parts whose interface may still change: components as OS processes

The API reference (``docs/reference``) shows each module's components with
their boxes.
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
