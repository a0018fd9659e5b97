"""Components and functions the process tests run in child processes.

They live in a module of their own (not in the test file) because a child
process started with ``forkserver``/``spawn`` re-imports what it runs.
"""

from __future__ import annotations

import os
import time
from typing import Any, Iterator

from Axon.Component import component
from Axon.Ipc import producerFinished, shutdownMicroprocess
from Kamaelia._shutdown import runUntilShutdown


class Mapper(component):
    """Sends ``act(message)`` out of ``OUTBOX`` for each message; on a shutdown
    message passes it on and ends."""

    OUTBOX = "outbox"

    def main(self) -> Iterator[Any]:
        request = yield from runUntilShutdown(self, self.handle)
        self.send(request, "signal")

    def handle(self) -> None:
        for message in self.Inbox("inbox"):
            self.send(self.act(message), self.OUTBOX)

    def act(self, message: Any) -> Any:
        return message


class Relay(Mapper):
    """Passes each message on: "boom" raises, "exit N" exits the process with
    code N, "pid" sends the process id, "unpicklable" sends a generator;
    anything else passes unchanged."""

    def act(self, message: Any) -> Any:
        if message == "boom":
            raise ValueError("boom in the child")
        if isinstance(message, str) and message.startswith("exit "):
            os._exit(int(message.split()[1]))
        if message == "pid":
            return os.getpid()
        if message == "unpicklable":
            return (n for n in range(3))
        return message


class Deaf(component):
    """Sends its process id, then ignores everything until terminated."""

    def main(self) -> Iterator[Any]:
        self.send(os.getpid(), "outbox")
        while True:
            list(self.Inbox("inbox"))
            list(self.Inbox("control"))
            self.pause()
            yield 1


class Counter(component):
    """Sends 0 .. n-1 out of "outbox", then producerFinished(self) out of "signal"."""

    def __init__(self, n: int, **argd: Any) -> None:
        super().__init__(**argd)
        self.n = n

    def main(self) -> Iterator[Any]:
        for start in range(0, self.n, 100):
            for i in range(start, min(start + 100, self.n)):
                self.send(i, "outbox")
            yield 1
        self.send(producerFinished(self), "signal")


class Tagger(Mapper):
    """Sends (tag, message) out of "tagged" for each message: a component
    with boxes of its own."""

    Inboxes = {"inbox": "anything", "control": "shutdown signalling"}
    Outboxes = {"outbox": "not used", "tagged": "(tag, message)", "signal": "shutdown"}
    OUTBOX = "tagged"

    def __init__(self, tag: str, **argd: Any) -> None:
        super().__init__(**argd)
        self.tag = tag

    def act(self, message: Any) -> Any:
        return self.tag, message


def square(x: int) -> int:
    return x * x


def slowSquare(x: int) -> int:
    time.sleep(0.001 * (x % 5))
    return x * x


def failOnThree(x: int) -> int:
    if x == 3:
        raise ValueError("three is right out")
    return x


def noneForOdd(x: int) -> int | None:
    return None if x % 2 else x


def workerPid(x: int) -> int:
    return os.getpid()


def sleepForever(x: int) -> int:
    time.sleep(60)
    return x


def unpicklableResult(x: int) -> Any:
    return (lambda: x) if x == 2 else x


def exitOnTwo(x: int) -> int:
    if x == 2:
        os._exit(7)
    return x


class Stamp(Mapper):
    """Sends (message, its process id) for each message."""

    def act(self, message: Any) -> Any:
        return message, os.getpid()


class Narrow(component):
    """Passes messages on, one per turn, through an inbox limited to 2."""

    def __init__(self, **argd: Any) -> None:
        super().__init__(**argd)
        self.setInboxSize("inbox", 2)

    def main(self) -> Iterator[Any]:
        while True:
            if self.dataReady("inbox"):
                self.send(self.recv("inbox"), "outbox")
            elif self.dataReady("control"):
                self.send(self.recv("control"), "signal")
                return
            else:
                self.pause()
            yield 1


class Hasty(component):
    """Passes messages on, one per turn. On producerFinished it passes on what
    has arrived first; on shutdownMicroprocess it ends at once. (It shows
    which of the two reached it first.)"""

    def main(self) -> Iterator[Any]:
        finishing = None
        while True:
            if finishing is None and self.dataReady("control"):
                finishing = self.recv("control")
                if isinstance(finishing, shutdownMicroprocess):
                    break
            if self.dataReady("inbox"):
                self.send(self.recv("inbox"), "outbox")
            elif finishing is not None:
                break
            else:
                self.pause()
            yield 1
        self.send(finishing, "signal")
