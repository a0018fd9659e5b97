"""Kamaelia.Internet.ThreadedTCPClient: a TCP connection handled by blocking code in a thread.

Example Usage
-------------
Connect, send a greeting, and print what comes back (``"signal"`` carries
progress notes, as in 1.14)::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Internet.ThreadedTCPClient import ThreadedTCPClient
    from Kamaelia.Util.Console import ConsoleEchoer

    client = ThreadedTCPClient("127.0.0.1", 8080, initialsendmessage=b"hello\\n")
    # Pipeline(client, ConsoleEchoer()).run()

Most programs want :class:`Kamaelia.Internet.TCPClient.TCPClient`, which
needs no thread; this one is for code written for 1.14 that used it.

How does it work?
-----------------
``ThreadedTCPClient(host, port, chargen=0, initialsendmessage=None)`` is a
``threadedcomponent``: its thread connects with an ordinary blocking
socket, sends ``initialsendmessage`` (``bytes``; ``str`` as UTF-8) if given,
then sends what arrives on ``"inbox"`` to the server, while a helper thread
reads from the socket (up to 1024 bytes at a time, as 1.14) and sends what
arrives out of ``"outbox"``. ``chargen`` is accepted and ignored, as it was
in 1.14.

Out of ``"signal"``, as 1.14's did: ``"Thread running"``, ``"socket object
created"``, ``"socket connected"`` as it goes; any socket error (the
``OSError`` itself); and, when the connection has ended (the server closed
it, an error, or a shutdown message), ``socketShutdown()``.

Shutdown
--------
``producerFinished`` or ``shutdownMicroprocess`` on ``"control"``: what was
sent to ``"inbox"`` before it is sent, then the connection is closed and
``socketShutdown()`` goes out of ``"signal"``. (1.14 looked at ``"control"``
only after data arrived from the server, and never sent what arrived on
``"inbox"``.)
"""

from __future__ import annotations

import socket
import threading
from typing import Any

from Axon.Ipc import producerFinished, shutdownMicroprocess
from Axon.ThreadedComponent import threadedcomponent
from Kamaelia.File._base import asBytes
from Kamaelia.IPC import socketShutdown
from Kamaelia.Internet._addresses import checkHost, checkPort

__all__ = ["ThreadedTCPClient"]


class ThreadedTCPClient(threadedcomponent):
    """ThreadedTCPClient(host, port, chargen=0, initialsendmessage=None) -> a TCP
    connection run by blocking code in a thread

    - host               -- name or address of the server
    - port               -- its port
    - chargen            -- accepted and ignored (as in 1.14)
    - initialsendmessage -- sent as soon as the connection is made
    """

    Inboxes = {"inbox": "data to send to the server (bytes; str is sent as UTF-8)",
               "control": "producerFinished or shutdownMicroprocess: close the connection",
               "_readerEnded": "internal: the reading thread has finished"}
    Outboxes = {"outbox": "data received from the server",
                "signal": "progress notes, socket errors, then socketShutdown()"}

    #: Bytes read from the socket at a time (1.14's figure).
    readSize: int = 1024

    def __init__(self, host: str, port: int, chargen: int = 0,
                 initialsendmessage: Any = None) -> None:
        super().__init__()
        self.host = checkHost(host, "host")
        self.port = checkPort(port, "port", allowZero=False)
        self.chargen = chargen
        self.sendmessage = initialsendmessage

    def main(self) -> None:  # type: ignore[override]  # a thread's blocking main
        self.send("Thread running", "signal")
        try:
            family, kind, proto, _, address = socket.getaddrinfo(
                self.host, self.port, 0, socket.SOCK_STREAM)[0]
            sock = socket.socket(family, kind, proto)
        except OSError as exc:
            self.send(exc, "signal")
            self.send(socketShutdown(), "signal")
            return
        self.send("socket object created", "signal")
        with sock:
            try:
                sock.connect(address)
            except OSError as exc:
                self.send(exc, "signal")
                self.send(socketShutdown(), "signal")
                return
            self.send("socket connected", "signal")
            reader = threading.Thread(target=self._read, args=(sock,), daemon=True,
                                      name=f"{self.name} reading")
            reader.start()
            try:
                self._talk(sock)
            finally:
                try:
                    sock.shutdown(socket.SHUT_RDWR)     # ends the reader's recv
                except OSError:
                    pass
                reader.join()
        self.send(socketShutdown(), "signal")

    def _talk(self, sock: socket.socket) -> None:
        """Send the greeting and what arrives on "inbox" until told to stop
        or the reader has finished."""
        try:
            if self.sendmessage is not None:
                sock.sendall(asBytes(self.sendmessage))
            while not self._isStopped():
                for data in self.Inbox("inbox"):
                    sock.sendall(asBytes(data))
                data = None                  # (not kept while waiting)
                while self.dataReady("control"):
                    if isinstance(self.recv("control"), (producerFinished,
                                                         shutdownMicroprocess)):
                        for data in self.Inbox("inbox"):
                            sock.sendall(asBytes(data))
                        return
                if self.dataReady("_readerEnded"):
                    return
                self.pause()
        except (OSError, TypeError) as exc:
            self.send(exc, "signal")

    def _read(self, sock: socket.socket) -> None:
        """The helper thread: pass on what the server sends until it closes."""
        try:
            while True:
                data = sock.recv(self.readSize)
                if not data:
                    break
                self.send(data, "outbox", block=True)
        except OSError as exc:
            if not self._isStopped():
                self.send(exc, "signal", block=True)
        finally:
            self._deliver(True, "_readerEnded")


__kamaelia_components__ = (ThreadedTCPClient,)
