"""The small components ``kamaelia record`` wires between the sources, recorders and
transcoder (kept apart from ``main`` so that ``kamaelia --help`` imports no Axon).

* ``Say`` prints each status line with the time of day;
* ``AllEnded(n)`` sends ``producerFinished`` once n shutdown messages have come;
* ``Jobs(web)`` turns each finished recording into a ``TranscodeJob``;
* ``Made`` turns each ``TranscodeResult`` into ``(recording, [files made])``.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Iterator, TextIO

from Axon.Component import component

__all__ = ["Say", "AllEnded", "Jobs", "Made"]

class Say(component):
    """Prints each status line with the time; ends on the shutdown it is sent."""

    def __init__(self, out: TextIO) -> None:
        super().__init__()
        self.out = out

    def main(self) -> Iterator[int]:
        while True:
            self.sayWaiting()
            if self.dataReady("control"):
                self.send(self.recv("control"), "signal")
                return
            self.pause()
            yield 1

    def sayWaiting(self) -> None:
        for line in self.Inbox("inbox"):
            print(time.strftime("%H:%M:%S"), line, file=self.out, flush=True)


class AllEnded(component):
    """Sends producerFinished once ``count`` shutdown messages have come."""

    def __init__(self, count: int) -> None:
        super().__init__()
        self.count = count

    def main(self) -> Iterator[int]:
        from Axon.Ipc import producerFinished

        ended = 0
        while ended < self.count:
            for _message in self.Inbox("control"):
                ended += 1
            if ended < self.count:
                self.pause()
                yield 1
        self.send(producerFinished(self), "signal")


class Jobs(component):
    """A Finished recording in, a TranscodeJob for it out (into ``web``)."""

    def __init__(self, web: Path) -> None:
        super().__init__()
        self.web = web

    def main(self) -> Iterator[int]:
        while True:
            self.jobsForWaiting()
            if self.dataReady("control"):
                self.send(self.recv("control"), "signal")
                return
            self.pause()
            yield 1

    def jobsForWaiting(self) -> None:
        from Kamaelia.Apps.TVRecorder.transcode import TranscodeJob

        for done in self.Inbox("inbox"):
            folder = self.web / done.path.parent.name
            try:
                job = TranscodeJob(str(done.path), output=str(folder), name=done.path.stem)
            except (TypeError, ValueError) as error:
                logging.getLogger(__name__).error("not transcoded: %s", error)
                continue
            self.send(job, "outbox")


class Made(component):
    """A TranscodeResult in, (recording, [MP4, playlist]) out for the state."""

    def main(self) -> Iterator[int]:
        while True:
            self.passOnWaiting()
            if self.dataReady("control"):
                self.send(self.recv("control"), "signal")
                return
            self.pause()
            yield 1

    def passOnWaiting(self) -> None:
        for result in self.Inbox("inbox"):
            if result.ok:
                made = [path for path in (result.mp4, result.playlist) if path]
                self.send((result.job.path, made), "outbox")
