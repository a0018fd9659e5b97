"""What the cookie servers share: a protocol streaming a file through a paced child (not public API).

How does it work?
-----------------
:class:`PacedFileProtocol` is an old-style component, as 1.14's cookie
protocols were: :meth:`initialiseComponent` asks the subclass for a
:class:`~Kamaelia.File.ReadFileAdaptor.ReadFileAdaptor` (:meth:`makeReader`),
links the reader's ``"outbox"`` to the protocol (straight through to its
``"outbox"``, or to the inbox named by ``dataInbox``), its ``"signal"`` to a
private inbox, and starts it. :meth:`mainBody` then runs the subclass's
:meth:`handleBoxes` and waits for the reader to end; it then sends, out of
``"signal"``: the ``shutdownMicroprocess`` it was given, else the reader's
``fileError`` if the file could not be read, else ``producerFinished``.

``shutdownMicroprocess`` on ``"control"`` stops the reader (the protocol
ends once it has); ``producerFinished`` (a client that closed its sending
side) changes nothing: the file is still sent. Other control messages are
logged and ignored. A subclass whose :meth:`makeReader` returns a
``fileError`` instead ends at once, sending it.
"""

from __future__ import annotations

import logging
from typing import Any

from Axon.Component import component
from Axon.Ipc import ipc, newComponent, producerFinished, shutdownMicroprocess
from Kamaelia.File.ReadFileAdaptor import ReadFileAdaptor
from Kamaelia.File.messages import fileError

__all__ = ["PacedFileProtocol", "checkRates"]


def checkRates(owner: str, bitrate: Any, chunkrate: Any) -> None:
    """Raise ValueError naming the value unless both rates are positive numbers."""
    for name, value in (("bitrate", bitrate), ("chunkrate", chunkrate)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
            raise ValueError(f"{owner}: {name} must be a positive number, not {value!r}")


class PacedFileProtocol(component):
    """Base of the protocols that stream one file, paced, to a client."""

    #: Where the reader's data goes: "outbox" (straight through) or an inbox name.
    dataInbox = "outbox"
    #: Extra private boxes every such protocol has.
    _privateInboxes = {"_done": "the reader's end"}
    _privateOutboxes = {"_stop": "shutdown messages for the reader"}

    def __init__(self, **argd: Any) -> None:
        super().__init__(**argd)
        self.reader: ReadFileAdaptor | None = None
        self._request: ipc | None = None
        self._failure: fileError | None = None

    def log(self) -> logging.Logger:
        return logging.getLogger(type(self).__module__)

    def makeReader(self) -> ReadFileAdaptor | fileError:
        """The reader of what to send (or a fileError saying why there is none)."""
        raise NotImplementedError

    def handleBoxes(self) -> None:
        """Anything to do on each turn besides waiting (subclasses)."""

    def initialiseComponent(self) -> Any:
        """Make the reader, link it and return it to be started."""
        made = self.makeReader()
        if isinstance(made, fileError):
            self.log().error("%s", made.message)
            self._failure = made
            return 1
        reader = self.reader = made
        if self.dataInbox == "outbox":
            self.link((reader, "outbox"), (self, "outbox"), passthrough=2)
        else:
            self.link((reader, "outbox"), (self, self.dataInbox))
        self.link((reader, "signal"), (self, "_done"))
        self.link((self, "_stop"), (reader, "control"))
        self.addChildren(reader)
        return newComponent(reader)

    def _takeControl(self) -> None:
        while self.dataReady("control"):
            message = self.recv("control")
            if isinstance(message, shutdownMicroprocess):
                if self._request is None:
                    self._request = message
                    if self.reader is not None:
                        self.send(shutdownMicroprocess(self), "_stop")
            elif not isinstance(message, producerFinished):
                self.log().warning("%s ignored an unexpected message on 'control': %r",
                                   self.name, message)

    def mainBody(self) -> int:
        """Wait for the reader to end; then pass the right message on and return 0."""
        if self._failure is not None:
            self.send(self._failure, "signal")
            return 0
        self._takeControl()
        self.handleBoxes()
        if self.dataReady("_done"):
            self.handleBoxes()                # data sent just before the end
            ending = self.recv("_done")
            if self.reader is not None:
                self.removeChild(self.reader)
            if self._request is not None:
                self.send(self._request, "signal")
            elif isinstance(ending, fileError):
                self.send(ending, "signal")
            else:
                self.send(producerFinished(self), "signal")
            return 0
        if not self.anyReady():
            self.pause()
        return 1
