"""A Graphline: named components wired in any shape, used as one component.

    printf 'hello\\nworld\\n' | python examples/graphline_numbered_lines.py

prints::

    1: hello
    2: world
    (2 lines)

``NumberedLines()`` builds a Graphline of two named children. ``NUMBER``
numbers each line; ``COUNT`` passes the lines on and, when told its producer
has finished, sends a summary out of an extra outbox, ``"summary"``. Both
``COUNT``'s outboxes lead to the Graphline's own ``"outbox"`` (an outbox may
have many sources); ``"self"`` names the Graphline's boxes, so the Graphline
sits in a Pipeline like any other component. When the reader reaches the end
of its input, its ``producerFinished`` travels ``NUMBER`` -> ``COUNT`` -> the
Graphline's ``"signal"`` -> the echoer, and everything ends.
"""
from itertools import count
from typing import Iterator

from Axon.Component import component
from Axon.Ipc import shutdownRequest
from Kamaelia.Chassis.Graphline import Graphline
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.Util.Console import ConsoleEchoer, ConsoleReader
from Kamaelia.Util.PureTransformer import PureTransformer

EXAMPLE_STDIN = "hello\nworld\n"
EXAMPLE_EXPECT = "1: hello\n2: world\n(2 lines)\n"


class LineCounter(component):
    """Passes lines on, counting them; on shutdown sends "(N lines)" out of "summary"."""

    Inboxes = {"inbox": "lines", "control": "producerFinished or shutdownMicroprocess"}
    Outboxes = {"outbox": "the lines, unchanged", "summary": "the count, at the end",
                "signal": "the shutdown message, passed on"}

    def main(self) -> Iterator[int]:
        lines = 0
        while True:
            request = shutdownRequest(self)       # first, so no line sent before it is missed
            for line in self.Inbox("inbox"):
                lines += 1
                self.send(line, "outbox")
            if request is not None:
                self.send(f"({lines} lines)\n", "summary")
                self.send(request, "signal")    # pass it on, then end
                return
            if not self.anyReady():
                self.pause()
            yield 1


def LineNumberer() -> PureTransformer:
    """Prefixes each line with its number."""
    numbers = count(1)
    return PureTransformer(lambda line: f"{next(numbers)}: {line}")


def NumberedLines() -> Graphline:
    """Numbers lines and counts them: a Graphline used as one component."""
    return Graphline(
        NUMBER=LineNumberer(),
        COUNT=LineCounter(),
        linkages={
            ("self", "inbox"): ("NUMBER", "inbox"),
            ("self", "control"): ("NUMBER", "control"),
            ("NUMBER", "outbox"): ("COUNT", "inbox"),
            ("NUMBER", "signal"): ("COUNT", "control"),
            ("COUNT", "outbox"): ("self", "outbox"),
            ("COUNT", "summary"): ("self", "outbox"),
            ("COUNT", "signal"): ("self", "signal"),
        },
    )


if __name__ == "__main__":
    Pipeline(
        ConsoleReader(),
        NumberedLines(),
        ConsoleEchoer(),
    ).run()
