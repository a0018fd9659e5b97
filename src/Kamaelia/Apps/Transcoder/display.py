"""Kamaelia.Apps.Transcoder.display: the transcoder's progress, for a person watching.

Example Usage
-------------
Put it after a :class:`~.components.TranscoderService`, both boxes::

    from Kamaelia.Apps.Transcoder.components import TranscoderService
    from Kamaelia.Apps.Transcoder.config import TranscoderConfig
    from Kamaelia.Apps.Transcoder.display import ProgressDisplay
    from Kamaelia.Chassis.Graphline import Graphline

    if __name__ == "__main__":
        Graphline(
            SERVICE=TranscoderService(TranscoderConfig(incoming=["uploads"]), once=True),
            DISPLAY=ProgressDisplay(),
            linkages={("SERVICE", "outbox"): ("DISPLAY", "inbox"),
                      ("SERVICE", "progress"): ("DISPLAY", "progress"),
                      ("SERVICE", "signal"): ("DISPLAY", "control")},
        ).run()

How does it work?
-----------------
On a terminal (and with ``rich`` installed: the ``transcoder`` extra) it
draws a bar for the whole run (items dealt with out of items queued) and
one per item in progress, fed by the workers' reports, redrawn when a
report comes (no timer thread: an idle transcoder draws nothing). Else,
or with ``plain=True``, it prints one line per event (``done NAME``,
``failed NAME: REASON``), which is what a log or a pipe wants. Either way
:attr:`ProgressDisplay.counts` keeps the tally, and the run ends with a
summary line.
"""

from __future__ import annotations

import sys
import time
from typing import Any, Iterator, TextIO

from Axon.Component import component
from Axon.Ipc import producerFinished, shutdownMicroprocess

from .components import Queued
from .progress import ItemProgress
from .workflow import Outcome

__all__ = ["ProgressDisplay"]


def _printable(name: str) -> str:
    """A file name for a terminal: escapes for control characters and bad bytes."""
    text = name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


class ProgressDisplay(component):
    """ProgressDisplay(output=sys.stderr, plain=None) -> shows the transcoder's progress

    - output -- where to draw or print (default: standard error)
    - plain  -- one line per event (None: when ``output`` is not a terminal
                or ``rich`` is missing)
    - epilogue -- a line to print after the summary
    """

    Inboxes = {"inbox": "Queued and Outcome events", "progress": "ItemProgress reports",
               "control": "producerFinished / shutdownMicroprocess: print the summary, end"}
    Outboxes = {"outbox": "unused", "signal": "the shutdown message, passed on"}

    def __init__(self, output: TextIO | None = None, plain: bool | None = None,
                 epilogue: str | None = None, **argd: Any) -> None:
        super().__init__(**argd)
        self.epilogue = epilogue
        self.output = output or sys.stderr
        self.counts = {"queued": 0, "done": 0, "failed": 0, "duplicate": 0}
        self.began = time.monotonic()
        self._rich: Any = None
        if plain is None:
            plain = not (hasattr(self.output, "isatty") and self.output.isatty())
        if not plain:
            try:
                from rich.console import Console
                from rich.progress import (BarColumn, Progress, TaskProgressColumn,
                                           TextColumn, TimeElapsedColumn)
            except ImportError:
                plain = True
            else:
                self._rich = Progress(TextColumn("{task.description}"), BarColumn(),
                                      TaskProgressColumn(), TimeElapsedColumn(),
                                      console=Console(file=self.output), auto_refresh=False,
                                      transient=False)
                self._overall = self._rich.add_task("all items", total=0)
                self._tasks: dict[str, Any] = {}
                self._names: dict[str, str] = {}
        self.plain = plain

    def _say(self, line: str) -> None:
        if self._rich is not None:
            self._rich.console.print(line, markup=False, highlight=False)
        else:
            print(line, file=self.output, flush=True)

    def _event(self, event: Any) -> None:
        if isinstance(event, Queued):
            self.counts["queued"] += 1
            if self._rich is not None:
                self._names[event.checksum] = _printable(event.name)
                self._rich.update(self._overall, total=self.counts["queued"])
            elif self.plain:
                self._say(f"queued {event.kind} {_printable(event.name)}")
        elif isinstance(event, Outcome):
            self.counts[event.status] = self.counts.get(event.status, 0) + 1
            name = _printable(event.name)
            if event.status == "done":
                line = f"done {name} ({event.seconds:.1f} s)"
            elif event.status == "duplicate":
                line = f"duplicate {name}: {event.reason}"
            else:
                line = f"failed {name}: {event.reason}"
            if self._rich is not None:
                task = self._tasks.pop(event.checksum or "", None)
                if task is not None:
                    self._rich.remove_task(task)
                if event.status != "done":
                    self._say(line)
                if event.status != "duplicate":
                    self._rich.advance(self._overall)
                    self._names.pop(event.checksum or "", None)
            else:
                self._say(line)

    def _progress(self, report: ItemProgress) -> None:
        if self._rich is None:
            return
        if report.checksum not in self._names:
            return              # finished already (a late datagram), or not ours
        task = self._tasks.get(report.checksum)
        if task is None:
            name = self._names[report.checksum]
            task = self._tasks[report.checksum] = self._rich.add_task(f"  {name}", total=1.0)
        self._rich.update(task, completed=report.fraction,
                          description=f"  {self._names[report.checksum]} [{report.step}]")

    def summary(self) -> str:
        """The closing line: how many of each, and how long it took."""
        parts = [f"{self.counts[key]} {key}" for key in ("done", "failed", "duplicate")
                 if self.counts.get(key)]
        return (", ".join(parts) or "nothing to do") + \
            f" in {time.monotonic() - self.began:.1f} s"

    def _takeWaiting(self) -> Any:
        """Show what is waiting; the shutdown message, if one came."""
        for event in self.Inbox("inbox"):
            self._event(event)
        for report in self.Inbox("progress"):
            self._progress(report)
        if self._rich is not None:
            self._rich.refresh()
        ending = None
        while self.dataReady("control"):
            message = self.recv("control")
            if isinstance(message, (producerFinished, shutdownMicroprocess)):
                ending = message
        return ending

    def main(self) -> Iterator[Any]:
        if self._rich is not None:
            self._rich.start()
        ending: Any = None
        try:
            while ending is None:
                ending = self._takeWaiting()
                if ending is None and not self.anyReady():
                    self.pause()
                yield 1
        finally:
            if self._rich is not None:
                self._rich.stop()
        self._say(self.summary())
        if self.epilogue:
            self._say(self.epilogue)
        self.send(ending, "signal")


__kamaelia_components__ = (ProgressDisplay,)
