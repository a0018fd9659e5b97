"""Kamaelia.IPC: the messages of the network components.

Example Usage
-------------
Ask the selector service to say when a socket can be read, and stop a
server::

    import socket
    from Axon.Component import component
    from Kamaelia.IPC import newReader, removeReader, serverShutdown

    me, sock = component(), socket.socket()
    ask = newReader(me, ((me, "inbox"), sock))          # as in Kamaelia 1.14
    same = newReader(caller=me, object=((me, "inbox"), sock))
    assert ask.object == same.object
    stop = removeReader(me, sock)
    sock.close()
    # server_component.inboxes["control"].append(serverShutdown())

Every message is a :class:`Kamaelia.BaseIPC.IPC`: fields are given as
keywords or positionally in the order listed below, and are attributes.

=====================  ==============================  ==========================================
message                fields                          meaning
=====================  ==============================  ==========================================
``newReader``          caller, object                  ``object = ((component, inbox), sock)``:
``newWriter``                                          send ``sock`` to that inbox once it is
``newExceptional``                                     readable / writable / has an exception
``newServer``                                          as ``newReader``, for a listening socket
``removeReader``       caller, object                  ``object = sock``: stop watching it
``removeWriter``
``removeExceptional``
``newCSA``             caller, object, sock            a connection was accepted; ``object`` is
                                                       its ConnectedSocketAdapter
``shutdownCSA``        caller, object                  that connection's adapter has ended
                                                       (a ``producerFinished``)
``socketShutdown``     caller, message                 the socket closed; ``message`` is
                                                       ``[sock, reason]`` (a ``producerFinished``)
``serverShutdown``     caller                          stop the server (a ``shutdownMicroprocess``)
``connectionFailed``   caller, host, port, reason,     a client could not connect (a
                       exception                       ``producerFinished``; ``message`` = reason)
=====================  ==============================  ==========================================

``socketShutdown``, ``shutdownCSA`` and ``connectionFailed`` are also
``producerFinished`` messages and ``serverShutdown`` a ``shutdownMicroprocess``, so components
that know only the Axon messages end on them as they should.
"""

from __future__ import annotations

from typing import Any

from Axon.Ipc import producerFinished, shutdownMicroprocess
from Kamaelia.BaseIPC import IPC

__all__ = ["socketShutdown", "serverShutdown", "newCSA", "shutdownCSA", "newServer",
           "newReader", "newWriter", "newExceptional", "removeReader", "removeWriter",
           "removeExceptional", "connectionFailed"]


class socketShutdown(IPC, producerFinished):
    """The network connection has closed (%(message)s)"""

    caller: Any
    message: Any

    Parameters = ["?caller", "?message"]


class serverShutdown(IPC, shutdownMicroprocess):
    """Stop the server: close the listening socket and every connection"""

    Parameters = ["?caller"]

    def __init__(self, *args: Any, **kwds: Any) -> None:
        IPC.__init__(self, *args, **kwds)
        self.mps = ()


class connectionFailed(IPC, producerFinished):
    """could not connect to %(host)s port %(port)s: %(reason)s"""

    caller: Any
    host: str
    port: int
    reason: str
    exception: BaseException | None

    Parameters = ["?caller", "host", "port", "reason", "?exception"]

    def __init__(self, *args: Any, **kwds: Any) -> None:
        IPC.__init__(self, *args, **kwds)
        self.message = self.reason


class newCSA(IPC):
    """New connection: %(object)s"""

    caller: Any
    object: Any
    sock: Any

    Parameters = ["?caller", "object", "?sock"]


class shutdownCSA(IPC, producerFinished):
    """Connection ended: %(object)s"""

    caller: Any
    object: Any

    Parameters = ["?caller", "object", "?message"]


class _Registration(IPC):
    caller: Any
    object: Any
    Parameters = ["?caller", "object"]


class newServer(_Registration):
    """Tell %(caller)s about connections to the listening socket in %(object)s"""


class newReader(_Registration):
    """Tell %(caller)s when the socket in %(object)s is readable"""


class newWriter(_Registration):
    """Tell %(caller)s when the socket in %(object)s is writable"""


class newExceptional(_Registration):
    """Tell %(caller)s when the socket in %(object)s has an exceptional condition"""


class removeReader(_Registration):
    """Stop watching %(object)s for reading"""


class removeWriter(_Registration):
    """Stop watching %(object)s for writing"""


class removeExceptional(_Registration):
    """Stop watching %(object)s for exceptional conditions"""
