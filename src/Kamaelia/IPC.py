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
    assert ask.object == same.object == newReader(me, CSA=((me, "inbox"), sock)).object
    stop = removeReader(me, sock)
    sock.close()
    # server_component.inboxes["control"].append(serverShutdown())

Every message is a :class:`Kamaelia.BaseIPC.IPC`: fields are given as
keywords or positionally in the order listed below, and are attributes.
A required field that is missing, or an unknown keyword, raises
``ValueError`` when the message is made.

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
``socketShutdown``     caller, message                 the socket closed; ``message`` is
                                                       ``[sock, reason]`` (a ``producerFinished``)
``serverShutdown``     caller                          stop the server (a ``shutdownMicroprocess``)
``connectionFailed``   caller, host, port, reason,     a client could not connect (a
                       exception                       ``producerFinished``; ``message`` = reason)
=====================  ==============================  ==========================================

As in Kamaelia 1.14, the selector requests, ``newCSA`` and ``shutdownCSA``
are ``Axon.Ipc.notify`` messages (``.caller`` and ``.object``), made as
``kind(caller, CSA)`` (``newCSA(caller, CSA, sock=None)``); the second field
may also be given as the keyword ``object=``. The selector requests carry
``hasOOB = False``; ``newCSA.handlesWriting()`` is True,
``newServer.handlesWriting()`` False and ``shutdownCSA.shutdown()`` True, as
in 1.14.

``socketShutdown`` and ``connectionFailed`` are also ``producerFinished``
messages and ``serverShutdown`` a ``shutdownMicroprocess``, so components
that know only the Axon messages end on them as they should.
"""

from __future__ import annotations

from typing import Any

from Axon.Ipc import notify, producerFinished, shutdownMicroprocess
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


_UNSET: Any = type("_Unset", (), {"__repr__": lambda self: "<unset>"})()


class _Notification(IPC, notify):
    """A 1.14 ``notify`` message: ``kind(caller, CSA)``; the second field is
    ``.object`` (also accepted as the keyword ``object=``)."""

    caller: Any
    object: Any

    Parameters = ["?caller", "object"]

    def __init__(self, caller: Any = None, CSA: Any = _UNSET, **kwds: Any) -> None:
        if CSA is not _UNSET:
            if "object" in kwds:
                raise ValueError(f"{type(self).__name__} got its object both as CSA= "
                                 f"and as object=")
            kwds["object"] = CSA
        IPC.__init__(self, caller=caller, **kwds)


class newCSA(_Notification):
    """New connection: %(object)s"""

    sock: Any

    Parameters = ["?caller", "object", "?sock"]

    def __init__(self, caller: Any = None, CSA: Any = _UNSET, sock: Any = None,
                 **kwds: Any) -> None:
        super().__init__(caller, CSA, sock=sock, **kwds)

    def handlesWriting(self) -> bool:
        """True, as in 1.14: the connection's adapter writes to the socket."""
        return True


class shutdownCSA(_Notification):
    """Connection ended: %(object)s"""

    def shutdown(self) -> bool:
        """True, as in 1.14: this message means a connection has shut down."""
        return True


class _Registration(_Notification):
    """A request to (or not to) watch a socket; ``hasOOB`` is False, as in 1.14."""

    def __init__(self, caller: Any = None, CSA: Any = _UNSET, **kwds: Any) -> None:
        super().__init__(caller, CSA, **kwds)
        self.hasOOB = False


class newServer(_Registration):
    """Tell %(caller)s about connections to the listening socket in %(object)s"""

    def handlesWriting(self) -> bool:
        """False, as in 1.14: a listening socket is only read."""
        return False


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
