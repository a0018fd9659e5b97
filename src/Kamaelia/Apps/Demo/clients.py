"""The demo's chat clients: a script spoken on a real TCP connection, and what comes back.

Example Usage
-------------
A client that says two lines, one and two seconds after the narrator
started, and leaves at three (activate it once a chat server listens on
the port, then run the scheduler)::

    from Kamaelia.Apps.Demo.clients import scriptedClient
    from Kamaelia.Apps.Demo.narrator import Narrator

    narrator = Narrator()
    alice = scriptedClient("alice", [(1.0, "hello?"), (2.0, "anyone here?")],
                           leaveAt=3.0, host="127.0.0.1", port=1501,
                           narrator=narrator)

How does it work?
-----------------
:func:`scriptedClient` is a ``Pipeline`` of four components:

    Speaker -> TCPClient -> LineSplit -> Listener

The :class:`Speaker` sends each line of its script, as
``b"name: text\\n"``, when the narrator's clock reaches the line's time,
telling the narrator it ``says`` it. The ``TCPClient`` writes it to the
server and sends on the bytes that come back, which ``LineSplit`` cuts into
lines; the :class:`Listener` tells each one as ``hears``.

At its ``leaveAt`` time -- or sooner, on a shutdown message on the
Pipeline's "control" (which reaches the Speaker) -- the Speaker tells the
narrator it ``leaves`` and sends ``producerFinished``: the ``TCPClient``
writes what is still queued, closes the connection and passes it on, and
each component after it ends in turn, so the Pipeline ends, and its
"signal" says so.
"""

from __future__ import annotations

import logging
from typing import Any, Iterator, Sequence

from Axon.Component import component
from Axon.Ipc import producerFinished, shutdownRequest
from Kamaelia.Apps.Demo.narrator import Narrator
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.Internet.TCPClient import TCPClient
from Kamaelia.Util.LineSplit import LineSplit

__all__ = ["Listener", "Speaker", "scriptedClient"]

log = logging.getLogger("Kamaelia.Apps.Demo")


class Speaker(component):
    """Speaker(name, lines, leaveAt, narrator) -> says each (seconds, text) line on time, then leaves

    - name     -- who is speaking; each line goes out as ``b"name: text\\n"``
    - lines    -- (seconds, text) pairs, seconds on the narrator's clock, in order
    - leaveAt  -- when to send ``producerFinished`` out of "signal" and end
    - narrator -- the :class:`~Kamaelia.Apps.Demo.narrator.Narrator` told
      ``says`` for each line and ``leaves`` at the end

    A shutdown message on "control" makes it leave at once, passing that
    message on instead.
    """

    Inboxes = {"inbox": "not used", "control": "producerFinished or shutdownMicroprocess: leave now"}
    Outboxes = {"outbox": "the script's lines, as bytes",
                "signal": "producerFinished when leaving (or the shutdown message received)"}

    def __init__(self, name: str, lines: Sequence[tuple[float, str]], leaveAt: float,
                 narrator: Narrator, **argd: Any) -> None:
        super().__init__(**argd)
        self.speaker = name
        self.lines = list(lines)
        self.leaveAt = leaveAt
        self.narrator = narrator
        self.said = 0

    def main(self) -> Iterator[int]:
        while (request := shutdownRequest(self)) is None:
            self._sayWhatIsDue()
            if self.narrator.elapsed() >= self.leaveAt:
                break
            self.pause(self._secondsToNext())
            yield 1
        self.narrator.tell(self.speaker, "leaves")
        log.debug("%s (%s) leaves: %s out of signal", self.name, self.speaker,
                  "producerFinished" if request is None else type(request).__name__)
        self.send(request if request is not None else producerFinished(self), "signal")

    def _sayWhatIsDue(self) -> None:
        now = min(self.narrator.elapsed(), self.leaveAt)   # (woken late: nothing after leaving)
        while self.said < len(self.lines) and self.lines[self.said][0] <= now:
            text = self.lines[self.said][1]
            self.said += 1
            self.narrator.tell(self.speaker, "says", text)
            self.send(f"{self.speaker}: {text}\n".encode("utf-8"), "outbox")

    def _secondsToNext(self) -> float:
        due = self.lines[self.said][0] if self.said < len(self.lines) else self.leaveAt
        return max(0.0, min(due, self.leaveAt) - self.narrator.elapsed())


class Listener(component):
    """Listener(name, narrator) -> tells each line (bytes) arriving on "inbox" as ``name hears``

    Attribute ``heard``: how many. Ends on a shutdown message on "control",
    passing it on.
    """

    Inboxes = {"inbox": "lines from the server (bytes, without the newline)",
               "control": "producerFinished or shutdownMicroprocess"}
    Outboxes = {"outbox": "not used", "signal": "the shutdown message, passed on"}

    def __init__(self, name: str, narrator: Narrator, **argd: Any) -> None:
        super().__init__(**argd)
        self.listener = name
        self.narrator = narrator
        self.heard = 0

    def main(self) -> Iterator[int]:
        while (request := shutdownRequest(self)) is None:
            self._tellWhatArrived()
            if not self.dataReady("inbox"):
                self.pause()
            yield 1
        self._tellWhatArrived()
        self.send(request, "signal")

    def _tellWhatArrived(self) -> None:
        for line in self.Inbox("inbox"):
            self.heard += 1
            self.narrator.tell(self.listener, "hears", line.decode("utf-8", "replace"))


def scriptedClient(name: str, lines: Sequence[tuple[float, str]], leaveAt: float,
                   host: str, port: int, narrator: Narrator) -> Pipeline:
    """``Pipeline(Speaker, TCPClient(host, port), LineSplit(), Listener)`` for ``name``."""
    return Pipeline(Speaker(name, lines, leaveAt, narrator), TCPClient(host, port),
                    LineSplit(), Listener(name, narrator))


__kamaelia_components__ = (Listener, Speaker)
