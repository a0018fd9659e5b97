"""chunks_to_lines: join chunks of text (as they come off a socket) and split them into lines.

Example Usage
-------------
Lines cut into arbitrary pieces come out whole::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Util.Console import ConsoleEchoer
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.PureTransformer import PureTransformer
    from Kamaelia.Visualisation.PhysicsGraph.chunks_to_lines import chunks_to_lines

    Pipeline(
        DataSource([b"ADD NODE 1 one ra", b"ndompos -\\r\\nADD NO", b"DE 2 two auto -\\n"]),
        chunks_to_lines(),
        PureTransformer(lambda line: f"[{line}]\\n"),
        ConsoleEchoer(),
    ).run()

prints::

    [ADD NODE 1 one randompos -]
    [ADD NODE 2 two auto -]

How does it work?
-----------------
Chunks arriving on ``"inbox"`` are added to a buffer: ``bytes`` (what a TCP
connection delivers) are decoded as UTF-8, even when a character is split
between two chunks (bytes that are not UTF-8 become U+FFFD, the replacement
character); ``str`` is taken as it is. Each ``"\\n"`` ends a line, which is
sent out of ``"outbox"`` as a ``str`` *without* its line break. Every
``"\\r"`` is removed, so text from telnet (``"\\r\\n"``) reads the same, as
in Kamaelia 1.14.

Shutdown: ``producerFinished`` on ``"control"`` (the text has ended): the
chunks already waiting are split, and text after the last line break, if
any, is sent as a last line; then the message is passed on out of
``"signal"`` and the component ends. ``shutdownMicroprocess``: the chunks
already waiting are split and their whole lines sent, text after the last
line break is dropped, and the message is passed on.

Differences from 1.14: 1.14 accepted only bytes (a ``str`` chunk raised),
a character split between chunks or a byte that is not UTF-8 raised, a
last line without a line break was lost and so could chunks that arrived
just before the shutdown message. Messages that are neither ``bytes`` nor
``str`` are logged (logger ``Kamaelia.Visualisation.PhysicsGraph``) and
skipped.
"""

from __future__ import annotations

import codecs
import logging
from typing import Any, Iterator

from Axon.Component import component
from Axon.Ipc import producerFinished, shutdownRequest

__all__ = ["chunks_to_lines"]

log = logging.getLogger("Kamaelia.Visualisation.PhysicsGraph")


class chunks_to_lines(component):
    """chunks_to_lines() -> new chunks_to_lines component

    Takes chunks of text (bytes or str) and sends the lines in them, one
    ``str`` per line, without the line break.
    """

    Inboxes = {"inbox": "chunks of text: bytes (UTF-8) or str",
               "control": "producerFinished (send the last line too) or "
                          "shutdownMicroprocess to end"}
    Outboxes = {"outbox": "lines of text (str, no line break)",
                "signal": "the shutdown message, passed on"}

    def __init__(self, **argd: Any) -> None:
        super().__init__(**argd)
        self.buffer = ""
        self.lineEnded = False
        self.decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")

    def main(self) -> Iterator[int]:
        """Split chunks into lines until told to stop."""
        while not self.shutdown():
            self._splitWaiting()
            if not self.anyReady():
                self.pause()
            yield 1

    def _splitWaiting(self) -> None:
        for chunk in self.Inbox("inbox"):
            self._add(chunk)
        self._sendWholeLines()

    def _add(self, chunk: Any) -> None:
        if isinstance(chunk, (bytes, bytearray)):
            chunk = self.decoder.decode(bytes(chunk))
        elif not isinstance(chunk, str):
            log.error("%s skipped a message that is neither bytes nor str: %r",
                        self.name, chunk)
            return
        self.buffer += chunk.replace("\r", "")
        self.lineEnded = self.lineEnded or "\n" in chunk

    def _sendWholeLines(self) -> None:
        # Split only when a chunk brought a line break: re-splitting a long
        # unfinished line at every chunk would cost its length each time.
        if not self.lineEnded:
            return
        self.lineEnded = False
        *lines, self.buffer = self.buffer.split("\n")
        for line in lines:
            self.send(line, "outbox")

    def shutdown(self) -> bool:
        """True once a shutdown message has arrived on "control" (1.14's method):
        what is waiting is split and sent first, then the message is passed on."""
        request = shutdownRequest(self)
        if request is None:
            return False
        self._splitWaiting()
        if isinstance(request, producerFinished):
            self.buffer += self.decoder.decode(b"", final=True).replace("\r", "")
            if self.buffer:
                self.send(self.buffer, "outbox")
            self.buffer = ""
        self.send(request, "signal")
        return True


__kamaelia_components__ = (chunks_to_lines,)
