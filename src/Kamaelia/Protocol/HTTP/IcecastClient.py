"""\
======================================
Icecast/SHOUTcast MP3 streaming client
======================================

Receive an Icecast or SHOUTcast stream (internet radio) over HTTP, with the
track titles the server weaves into it.

Example Usage
-------------
Receive a stream, split the metadata out, and write the audio to a file::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Protocol.HTTP.IcecastClient import (IcecastClient, IcecastDemux,
                                                      IcecastStreamWriter)

    Pipeline(
        IcecastClient("http://127.0.0.1:8000/stream"),
        IcecastDemux(),
        IcecastStreamWriter("stream.mp3"),
    ).run()

``IcecastDemux`` sends, in order, what 1.14's did:

* ``IceIPCHeader(contenttype=...)`` when a stream starts;
* ``IceIPCDataChunk(data=bytes)`` for the audio (or video);
* ``IceIPCMetadata(metadata={"StreamTitle": ..., "StreamUrl": ...})`` where
  the server put a metadata block;
* ``IceIPCDisconnected()`` when the stream ends.

``IcecastStreamRemoveMetadata()`` keeps only the audio bytes.

How does it work?
-----------------
The protocol (ICY) is HTTP with two additions. The client asks for the
metadata with an ``Icy-MetaData: 1`` header; a server that obliges says
``icy-metaint: N`` in its answer and then, after every ``N`` bytes of audio,
sends one length byte ``L`` and ``16 * L`` bytes of metadata
(``StreamTitle='Artist - Title';StreamUrl='...';`` padded with NUL bytes;
``L = 0`` means "no change"). SHOUTcast servers answer with the status line
``ICY 200 OK`` instead of ``HTTP/1.0 200 OK``; both are understood.

:class:`IcecastClient` is a
:class:`~Kamaelia.Protocol.HTTP.HTTPClient.SingleShotHTTPClient` that adds
the header (its :meth:`IcecastClient.formRequest`) and, when the stream
ends or cannot be reached, connects again after ``reconnectDelay`` seconds
(default 5; 1.14 retried at once, forever), unless ``reconnect=False``. It
sends the parsed-HTTP messages of its parent, so the stream flows with the
same back-pressure: a slow writer slows the download, never fills memory.

:class:`IcecastDemux` cuts the body into audio and metadata with a small
state machine over a byte buffer (a block split across chunks is waited
for). Metadata text is decoded as UTF-8 (Latin-1 if that fails); values may
contain ``;`` and quotes. Blocks of length 0 send nothing.

Shutdown
--------
``IcecastClient``: ``shutdownMicroprocess`` (or ``shutdown``) on "control"
closes the connection, is passed on out of "signal", and it ends; with
``reconnect=False`` it ends with ``producerFinished`` once the stream ends.
``IcecastDemux``: ``producerFinished`` or a shutdown on "control": what is
waiting is handled, the message is passed on out of "signal". The writer
closes its file and passes the message on the same way.
"""

from __future__ import annotations

import logging
import re
import time
from typing import Any, Iterator

from Axon.Component import component
from Axon.Ipc import producerFinished, shutdown, shutdownMicroprocess
from Kamaelia.BaseIPC import IPC
from Kamaelia.Protocol.HTTP.HTTPClient import (HTTPRequest, ParsedHTTPBodyChunk, ParsedHTTPEnd,
                                               ParsedHTTPHeader, SingleShotHTTPClient, splitURL,
                                               _hostHeader)
from Kamaelia.Util.PureTransformer import PureTransformer

__all__ = ["IcecastClient", "IcecastDemux", "IcecastStreamWriter", "IcecastStreamRemoveMetadata",
           "IceIPCHeader", "IceIPCMetadata", "IceIPCDataChunk", "IceIPCDisconnected"]

log = logging.getLogger("Kamaelia.Protocol.HTTP.IcecastClient")
_SHUTDOWNS = (producerFinished, shutdownMicroprocess, shutdown)
#: key='value'; pairs. A value ends at a quote-semicolon followed by the next key or the end.
_PAIR = re.compile(r"([A-Za-z][\w-]*)='(.*?)';?(?=\s*[A-Za-z][\w-]*='|\s*$)", re.S)


def intval(mystring: Any) -> int | None:
    """``int(mystring)``, or None if it is not a number."""
    try:
        return int(mystring)
    except (ValueError, TypeError):
        return None


def _shutdownMessage(comp: component) -> Any:
    """The shutdown message waiting on ``comp``'s "control", or None."""
    while comp.dataReady("control"):
        message = comp.recv("control")
        if isinstance(message, _SHUTDOWNS):
            return message
    return None


class IceIPCHeader(IPC):
    "Icecast header - content type: %(contenttype)s"
    Parameters = ["contenttype"]
    contenttype: str | None


class IceIPCMetadata(IPC):
    "Icecast stream metadata"
    Parameters = ["metadata"]
    metadata: dict[str, str]


class IceIPCDataChunk(IPC):
    "An audio/video stream data chunk (typically MP3)"
    Parameters = ["data"]
    data: bytes


class IceIPCDisconnected(IPC):
    "Icecast stream disconnected"
    Parameters = []


class IcecastDemux(component):
    """IcecastDemux() -> splits an Icecast stream (parsed-HTTP messages) into
    IceIPCHeader, IceIPCDataChunk, IceIPCMetadata and IceIPCDisconnected."""

    Inboxes = {"inbox": "ParsedHTTPHeader / ParsedHTTPBodyChunk / ParsedHTTPEnd",
               "control": "producerFinished or shutdownMicroprocess: finish"}
    Outboxes = {"outbox": "IceIPCHeader, IceIPCDataChunk, IceIPCMetadata, IceIPCDisconnected",
                "signal": "the shutdown message, passed on"}

    def dictizeMetadata(self, metadata: str | bytes) -> dict[str, str]:
        """``"StreamTitle='a';StreamUrl='b';"`` -> ``{"StreamTitle": "a", "StreamUrl": "b"}``."""
        if isinstance(metadata, (bytes, bytearray)):
            raw = bytes(metadata).rstrip(b"\x00")
            try:
                metadata = raw.decode("utf-8")
            except UnicodeDecodeError:
                metadata = raw.decode("latin-1")
        return {key: value for key, value in _PAIR.findall(metadata.strip())}

    def _handleInbox(self) -> None:
        for message in self.Inbox("inbox"):
            if isinstance(message, ParsedHTTPHeader):
                headers = message.header.get("headers", {})
                self._interval = max(intval(headers.get("icy-metaint", 0)) or 0, 0)
                self._untilMetadata = self._interval
                self._buffer.clear()
                self.send(IceIPCHeader(contenttype=headers.get("content-type")), "outbox")
            elif isinstance(message, ParsedHTTPBodyChunk):
                self._buffer += message.bodychunk
                self._untilMetadata = self._split(self._buffer, self._interval,
                                                  self._untilMetadata)
            elif isinstance(message, ParsedHTTPEnd):
                self._buffer.clear()
                self.send(IceIPCDisconnected(), "outbox")

    def main(self) -> Iterator[Any]:
        self._interval = 0          # bytes of audio between metadata blocks (0: none)
        self._untilMetadata = 0
        self._buffer = bytearray()
        while True:
            self._handleInbox()
            stop = _shutdownMessage(self)
            if stop is not None:
                self.send(stop, "signal")
                return
            if not self.anyReady():
                self.pause()
            yield 1

    def _split(self, buffer: bytearray, interval: int, untilMetadata: int) -> int:
        """Send what ``buffer`` holds as audio and metadata; leave an
        incomplete metadata block in it. Returns the new untilMetadata."""
        if interval == 0:
            if buffer:
                self.send(IceIPCDataChunk(data=bytes(buffer)), "outbox")
                buffer.clear()
            return 0
        while buffer:
            if untilMetadata > 0:
                audio = bytes(buffer[:untilMetadata])
                del buffer[:untilMetadata]
                untilMetadata -= len(audio)
                self.send(IceIPCDataChunk(data=audio), "outbox")
                continue
            length = buffer[0] * 16
            if len(buffer) < length + 1:
                break                                 # the rest of the block is to come
            block = bytes(buffer[1:length + 1])
            del buffer[:length + 1]
            untilMetadata = interval
            if length:
                self.send(IceIPCMetadata(metadata=self.dictizeMetadata(block)), "outbox")
        return untilMetadata


class IcecastClient(SingleShotHTTPClient):
    """\
    IcecastClient(starturl, reconnect=True, reconnectDelay=5[, option=value...]) -> Icecast/SHOUTcast streaming component

    - starturl       -- the URL of the stream
    - reconnect      -- connect again when the stream ends or fails (default True)
    - reconnectDelay -- seconds to wait before that (default 5)
    - options        -- as :class:`~Kamaelia.Protocol.HTTP.HTTPClient.SingleShotHTTPClient`
    """

    reconnect: bool = True
    reconnectDelay: float = 5.0

    def formRequest(self, url: str) -> dict[str, Any]:
        """The request for the stream, asking for its metadata (``Icy-MetaData: 1``)."""
        self.send("IcecastClient.formRequest()", "debug")
        splituri = splitURL(url)
        lines = [f"GET {splituri['raw-uri']} HTTP/1.1",
                 f"Host: {_hostHeader(splituri)}",
                 "User-Agent: Kamaelia Icecast Client (h11)",
                 "Icy-MetaData: 1"]
        lines.extend(f"{name}: {value}" for name, value in self.extraheaders.items())
        splituri["request"] = "\r\n".join(lines) + "\r\n\r\n"
        return splituri

    def _fixResponseStart(self, data: bytes) -> bytes:
        # SHOUTcast v1 answers "ICY 200 OK": read it as the HTTP/1.0 it is.
        if data.startswith(b"ICY "):
            return b"HTTP/1.0 " + data[4:]
        return data

    def main(self) -> Iterator[Any]:
        """Receive the stream; connect again when it ends (see the class)."""
        while True:
            self.requestqueue.append(HTTPRequest(self.formRequest(self.starturl), 0))
            while self.mainBody():
                yield 1
            if self._stopMessage is not None or not self.reconnect:
                break
            self._visited.clear()
            self.shutdownKids()
            log.info("%s: stream %s ended; connecting again in %g s", self.name,
                     self.starturl, self.reconnectDelay)
            wake = time.monotonic() + self.reconnectDelay
            while time.monotonic() < wake and not self.dataReady("control"):
                self.pause(wake - time.monotonic())
                yield 1
        self.shutdownKids()
        self.send(self._stopMessage or producerFinished(self), "signal")


def IcecastStreamRemoveMetadata() -> PureTransformer:
    """IcecastStreamRemoveMetadata() -> passes on only the audio bytes of IcecastDemux's output."""
    def audioOnly(message: Any) -> Any:
        return message.data if isinstance(message, IceIPCDataChunk) else None
    return PureTransformer(audioOnly)


class IcecastStreamWriter(component):
    """IcecastStreamWriter(filename) -> writes the audio of IcecastDemux's output to a file."""

    Inboxes = {"inbox": "IcecastDemux's messages (IceIPCDataChunk is written)",
               "control": "producerFinished or shutdownMicroprocess: close the file and finish"}
    Outboxes = {"outbox": "UNUSED", "signal": "the shutdown message, passed on"}

    def __init__(self, filename: str) -> None:
        super().__init__()
        self.filename = filename

    def _write(self, f: Any) -> None:
        for message in self.Inbox("inbox"):
            if isinstance(message, IceIPCDataChunk):
                f.write(message.data)

    def main(self) -> Iterator[Any]:
        with open(self.filename, "wb") as f:
            while True:
                self._write(f)
                stop = _shutdownMessage(self)
                if stop is not None:
                    self._write(f)
                    self.send(stop, "signal")
                    return
                if not self.anyReady():
                    self.pause()
                yield 1


__kamaelia_components__ = (IcecastDemux, IcecastClient, IcecastStreamWriter)
__kamaelia_prefabs__ = (IcecastStreamRemoveMetadata,)
