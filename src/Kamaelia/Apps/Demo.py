"""The ``kamaelia demo`` system: a Pipeline at work on built-in text.

Example Usage
-------------
::

    $ kamaelia demo

or from Python::

    from Kamaelia.Apps.Demo import runDemo
    runDemo()

How does it work?
-----------------
A :class:`~Kamaelia.Util.DataSource.DataSource` sends the lines of a short
verse into a Pipeline: one stage splits each line into words, the next
counts every word seen so far, and a last stage formats a report. A ``Tap``
between stages prints every message that passes, labelled with the stage it
came from, so you can watch the data flow. When the source has sent its last
line it sends ``producerFinished``; each stage passes it on and ends, and the
Pipeline ends with them.

At DEBUG (``kamaelia -v demo``) the ``Kamaelia.Apps.Demo`` logger also
tells the components built, by name, and each stage passing the shutdown
message on as it ends: the detail to compare with when a system of your own
does not end.
"""

from __future__ import annotations

import logging
import sys
from collections import Counter
from typing import Any, Iterator, TextIO

from Axon.Component import component
from Axon.Ipc import shutdownRequest
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.Util.Console import ConsoleEchoer
from Kamaelia.Util.DataSource import DataSource
from Kamaelia.Util.PureTransformer import PureTransformer

__all__ = ["runDemo", "Tap", "WordTally", "VERSE"]

log = logging.getLogger(__name__)

VERSE = [
    "The time has come, the Walrus said,",
    "To talk of many things:",
    "Of shoes and ships and sealing-wax,",
    "Of cabbages and kings.",
]


class Tap(component):
    """Tap(label, out=sys.stdout) -> prints each message it forwards, labelled."""

    Inboxes = {"inbox": "messages to show and forward", "control": "shutdown signalling"}
    Outboxes = {"outbox": "the same messages", "signal": "shutdown signalling"}

    def __init__(self, label: str, out: TextIO | None = None, **argd: Any) -> None:
        super().__init__(**argd)
        self.label = label
        self.out = out

    def main(self) -> Iterator[Any]:
        out = self.out or sys.stdout
        while True:
            self._show(out)
            request = shutdownRequest(self)
            if request is not None:
                log.debug("%s (%s): %s arrived on control; passing it on, then ending",
                          self.name, self.label, type(request).__name__)
                self.send(request, "signal")
                return
            if not self.anyReady():
                self.pause()
            yield 1

    def _show(self, out: TextIO) -> None:
        # A method, so that no message stays bound in main while it waits.
        for message in self.Inbox("inbox"):
            out.write(f"  {self.label:>8} -> {message!r}\n")
            self.send(message, "outbox")


class WordTally(component):
    """WordTally() -> counts words; sends a report line at the end."""

    def main(self) -> Iterator[Any]:
        tally: Counter[str] = Counter()
        while True:
            self._count(tally)
            request = shutdownRequest(self)
            if request is not None:
                common = ", ".join(f"{w!r} x{n}" for w, n in tally.most_common(3))
                self.send(f"\n{sum(tally.values())} words, {len(tally)} different; "
                          f"most common: {common}\n", "outbox")
                log.debug("%s: %s arrived on control; sent the report, passing it on, "
                          "then ending", self.name, type(request).__name__)
                self.send(request, "signal")
                return
            if not self.anyReady():
                self.pause()
            yield 1

    def _count(self, tally: Counter[str]) -> None:
        for words in self.Inbox("inbox"):
            tally.update(words)
            self.send((len(words), sum(tally.values())), "outbox")


def _words(line: str) -> list[str]:
    return [word.strip(",.:;").lower() for word in line.split()]


def runDemo(out: TextIO | None = None) -> None:
    """Run the demo system to its end, writing to ``out`` (default stdout)."""
    out = out or sys.stdout
    out.write("Kamaelia demo: DataSource -> split words -> tally -> console\n"
              "(each line below is one message leaving a stage)\n\n")
    stages = [
        DataSource(VERSE),
        Tap("source", out),
        PureTransformer(_words),
        Tap("words", out),
        WordTally(),
        Tap("tally", out),
        PureTransformer(lambda m: m if isinstance(m, str) else None),
        ConsoleEchoer(),
    ]
    pipeline = Pipeline(*stages)
    log.debug("built %s: %s", pipeline.name, " -> ".join(s.name for s in stages))
    pipeline.run()
    log.debug("%s has ended, and every component in it", pipeline.name)
