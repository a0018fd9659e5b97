"""Kamaelia.KamaeliaIPC: 1.14's old name for :mod:`Kamaelia.IPC`.

Example Usage
-------------
Code written for early Kamaelia imports the network messages from here; it
gets the very classes of :mod:`Kamaelia.IPC` (and Axon's ``notify`` and
``producerFinished``), so messages made either way are the same kind::

    from Kamaelia.KamaeliaIPC import newCSA
    import Kamaelia.IPC

    assert newCSA is Kamaelia.IPC.newCSA

How does it work?
-----------------
The names are the classes themselves, not subclasses (1.14 made a stub
subclass of each that printed a deprecation note when first made, so that
``isinstance`` with a 1.14 stub failed for messages the library made).
Importing it logs a note through :func:`Kamaelia._oldnames.oldName` (silent
unless logging shows INFO, or ``KAMAELIA_DEPRECATION_WARNINGS`` asks for
warnings, as in 1.14).
"""

from __future__ import annotations

from Kamaelia._oldnames import oldName
from Kamaelia.IPC import (newCSA, newExceptional, newReader, newServer, newWriter, notify,
                          producerFinished, removeExceptional, removeReader, removeWriter,
                          shutdownCSA, socketShutdown)

__all__ = ["producerFinished", "notify", "socketShutdown", "newCSA", "shutdownCSA",
           "newServer", "newWriter", "newReader", "newExceptional", "removeReader",
           "removeWriter", "removeExceptional"]

oldName(__name__, "Kamaelia.IPC")
