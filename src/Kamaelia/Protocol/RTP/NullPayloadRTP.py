"""NullPayloadRTP: a byte stream cut into length-prefixed, timestamped chunks.

Example Usage
-------------
Chunk a stream of 4 kbit/s into 4-byte pieces, each stamped with the time
(in seconds of the stream) at which it starts::

    from Kamaelia.Chassis.Graphline import Graphline
    from Kamaelia.Protocol.RTP.NullPayloadRTP import NullPayloadPreFramer
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.PureTransformer import PureTransformer
    from Kamaelia.Util.Console import ConsoleEchoer

    Graphline(
        SOURCE=DataSource([b"abcdef", b"ghij"]),
        FRAMER=NullPayloadPreFramer("demo", sourcebitrate=4000, chunksize=4),
        SHOW=PureTransformer(lambda t: f"{t[0]:.3f} {t[1]!r}\\n"),
        OUT=ConsoleEchoer(),
        linkages={("SOURCE", "outbox"): ("FRAMER", "recvsrc"),
                  ("SOURCE", "signal"): ("FRAMER", "control"),
                  ("FRAMER", "output"): ("SHOW", "inbox"),
                  ("FRAMER", "signal"): ("SHOW", "control"),
                  ("SHOW", "outbox"): ("OUT", "inbox"),
                  ("SHOW", "signal"): ("OUT", "control")},
    ).run()
    # 0.000 b'\\x00\\x00\\x00\\x04abcd'
    # 0.008 b'\\x00\\x00\\x00\\x04efgh'
    # 0.016 b'\\x00\\x00\\x00\\x02ij'

How does it work?
-----------------
``NullPayloadPreFramer(sourcename, sourcebitrate=65536, chunksize=1400)``
collects the bytes arriving on ``"recvsrc"`` and sends ``(timestamp,
chunk)`` pairs out of ``"output"``: each ``chunk`` is a 4-byte big-endian
length (:func:`packLengthAsString`) followed by ``chunksize`` bytes of the
stream (the "null payload" format: the data, unchanged). The stream is
taken to run at a constant ``sourcebitrate`` bits a second, so the
``timestamp`` of a chunk is the time, in seconds from the start of the
stream, at which its first byte plays. A chunk is sent as soon as there
are ``chunksize`` bytes for it.

It is an old-style component, as in 1.14: ``mainBody()`` does one step
(send a whole chunk; or take data; or take a control message) and returns
what it did, ``sendCurrentChunk()``, ``makeChunk()`` and
``updateTimestamp()`` are its parts, and a subclass may override any of
them. ``sourcename`` names the stream (kept, and shown in log lines).
Messages on ``"recvsrc"`` that are not bytes are logged and skipped.

Shutdown: the string ``"shutdown"`` (1.14's request), ``producerFinished``
or ``shutdownMicroprocess`` on ``"control"`` makes it send the rest of the
stream as one shorter chunk, then pass on ``producerFinished`` (for the
string) or the message out of ``"signal"`` and end. Other control messages
are logged and ignored.

What it does not do: it does not make RTP packets (see
:class:`~Kamaelia.Protocol.RTP.RtpPacker.RtpPacker`) or pace its output.
"""

from __future__ import annotations

import logging
import struct
from typing import Any

from Axon.Component import component
from Axon.Ipc import ipc, producerFinished
from Kamaelia._shutdown import isShutdown
from Kamaelia.Util._stream import shortRepr

__all__ = ["NullPayloadPreFramer", "packLengthAsString"]

log = logging.getLogger(__name__)


def packLengthAsString(aNumber: int) -> bytes:
    """``aNumber`` (0 to 2**32 - 1) as 4 bytes, most significant first."""
    if isinstance(aNumber, bool) or not isinstance(aNumber, int) or not 0 <= aNumber < 1 << 32:
        raise ValueError(f"packLengthAsString takes an int from 0 to 2**32 - 1, not {aNumber!r}")
    return struct.pack(">I", aNumber)


class NullPayloadPreFramer(component):
    """NullPayloadPreFramer(sourcename, sourcebitrate=65536, chunksize=1400) -> timestamped chunks

    - sourcename    -- the stream's name
    - sourcebitrate -- the stream's constant bit rate, bits a second
    - chunksize     -- bytes of data per chunk
    """

    Inboxes = {"recvsrc": "the stream, bytes in any pieces",
               "control": '"shutdown", producerFinished or shutdownMicroprocess: send the '
                          "rest and end"}
    Outboxes = {"output": "(timestamp in seconds, length-prefixed chunk) pairs",
                "signal": "producerFinished (or the shutdown message) at the end"}
    #: 1.14's list of the component classes it uses (none).
    Usescomponents: list[type] = []

    def __init__(self, sourcename: str, sourcebitrate: float = 65536, chunksize: int = 1400,
                 **argd: Any) -> None:
        if isinstance(sourcebitrate, bool) or not isinstance(sourcebitrate, (int, float)) or \
                not sourcebitrate > 0:
            raise ValueError(f"NullPayloadPreFramer: sourcebitrate must be a positive number, "
                             f"not {sourcebitrate!r}")
        if isinstance(chunksize, bool) or not isinstance(chunksize, int) or chunksize < 1:
            raise ValueError(f"NullPayloadPreFramer: chunksize must be an int >= 1, "
                             f"not {chunksize!r}")
        super().__init__(**argd)
        self.sourcename = sourcename
        self.sourcebitrate = sourcebitrate
        self.sourceoctetrate = sourcebitrate / 8.0
        self.chunksize = chunksize
        self.currentchunk = bytearray()     # the data not yet sent
        self.timestamp = 0.0                # when the next chunk starts, in seconds
        self._dataSent = 0
        self.quitFlag = False
        self._request: ipc | None = None

    def initialiseComponent(self) -> int:
        """Nothing to set up."""
        return 1

    def updateTimestamp(self, datatosend: bytes) -> None:
        """Move ``timestamp`` past ``datatosend`` (at the source's bit rate)."""
        self._dataSent += len(datatosend)
        self.timestamp = self._dataSent / self.sourceoctetrate

    def makeChunk(self, datatosend: bytes) -> bytes:
        """``datatosend`` with its 4-byte length in front."""
        return packLengthAsString(len(datatosend)) + datatosend

    def sendCurrentChunk(self, sendpartial: bool = False) -> int:
        """Send the next ``chunksize`` bytes as a chunk: 1 if sent, 0 if there were
        too few (unless ``sendpartial``: then what there is is sent)."""
        if len(self.currentchunk) < self.chunksize and not sendpartial:
            return 0
        datatosend = bytes(self.currentchunk[:self.chunksize])
        # A bytearray loses its head in place: cutting chunk after chunk off a
        # large message is linear, not a copy of the rest each time.
        del self.currentchunk[:self.chunksize]
        timestamp = self.timestamp
        self.updateTimestamp(datatosend)
        self.send((timestamp, self.makeChunk(datatosend)), "output")
        return 1

    def handleShutdown(self) -> int:
        """Send what is left as a last chunk: 2 if there was some, else 0 (end)."""
        if self.currentchunk:
            self.sendCurrentChunk(sendpartial=True)
            return 2
        return 0

    def handleControl(self) -> bool:
        """Take one control message: True if it asks to shut down."""
        if self.dataReady("control"):
            message = self.recv("control")
            if message == "shutdown" or isShutdown(message):
                self._request = message if isinstance(message, ipc) else None
                return True
            log.warning("%s (%s) ignored an unexpected message on 'control': %s", self.name,
                        self.sourcename, shortRepr(message))
        return False

    def mainBody(self) -> int:
        """One step: 1 sent a chunk, 2 sent the last one, 3 took data, 4 took a
        control message, 5 had nothing to do; 0 when finished."""
        if len(self.currentchunk) >= self.chunksize:
            self.sendCurrentChunk()
            return 1
        if self.quitFlag:
            return self.handleShutdown()
        if self.dataReady("recvsrc"):
            data = self.recv("recvsrc")
            if isinstance(data, (bytes, bytearray, memoryview)):
                self.currentchunk += data
            else:
                log.error("%s (%s) takes bytes on 'recvsrc', not %s; skipped", self.name,
                          self.sourcename, shortRepr(data))
            return 3
        if self.dataReady("control"):
            self.quitFlag = self.handleControl()
            return 4
        self.pause()
        return 5

    def closeDownComponent(self) -> None:
        """Pass the shutdown on out of "signal"."""
        self.send(self._request or producerFinished(self), "signal")


__kamaelia_components__ = (NullPayloadPreFramer,)
