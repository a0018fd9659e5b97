"""Watch a running system draw itself (Kamaelia 1.14's Tools/AxonVisualiser.py --navelgaze).

    python examples/axon_visualiser.py            # a window; close it to end
    python examples/axon_visualiser.py --demo     # says what it sees, then ends

A small system runs: a Graphline in which a ``Producer`` sends a number
every fifth of a second to a ``Consumer``, and a ``Worker`` that finishes
its job after a few seconds. An ``Introspector`` reports every component,
box and linkage in the program, and an ``AxonVisualiser`` draws them:
components as hexagons, boxes as labels round them, linkages as arrows
(green from an outbox to an inbox, orange for a passthrough). When the
Worker finishes, it disappears from the picture. Drag the nodes about,
click one to see its full name; close the window to end.

With ``--demo`` a ``Narrator`` (between the Introspector and the
visualiser) says what the Introspector reports about the watched system,
tells the Worker to finish once its linkage has been reported, says when it has
gone, then closes the window::

    appeared: Consumer, Graphline, Producer, Worker
    linkage: Producer outbox -> Consumer inbox
    gone: Worker

``--headless`` draws without a window (``SDL_VIDEODRIVER=dummy``).
"""

from __future__ import annotations

import argparse
import os
import re
from typing import Any, Iterator

from Axon.Component import component
from Axon.Ipc import producerFinished
from Kamaelia.Chassis.Graphline import Graphline
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.UI.Pygame.autopilot import Autopilot, close
from Kamaelia.Util.Introspector import Introspector
from Kamaelia.Visualisation.Axon.AxonVisualiserServer import AxonVisualiser, text_to_token_lists

EXAMPLE_ARGS = "--demo --headless"
EXAMPLE_STDIN = ""
EXAMPLE_EXPECT = (
    "appeared: Consumer, Graphline, Producer, Worker\n"
    "linkage: Producer outbox -> Consumer inbox\n"
    "gone: Worker\n"
)

WATCHED = {"Consumer", "Graphline", "Producer", "Worker"}


class Producer(component):
    """Sends 0, 1, 2, ... every ``interval`` seconds."""

    def __init__(self, interval: float = 0.2) -> None:
        super().__init__()
        self.interval = interval

    def main(self) -> Iterator[int]:
        count = 0
        while not self.dataReady("control"):
            self.send(count, "outbox")
            count += 1
            self.pause(self.interval)
            yield 1


class Consumer(component):
    """Counts what it is sent."""

    def __init__(self) -> None:
        super().__init__()
        self.received = 0

    def main(self) -> Iterator[int]:
        while not self.dataReady("control"):
            self.received += len(list(self.Inbox("inbox")))
            self.pause()
            yield 1


class Worker(component):
    """Finishes after ``seconds``, or as soon as anything arrives on "control"."""

    def __init__(self, seconds: float) -> None:
        super().__init__()
        self.seconds = seconds

    def main(self) -> Iterator[int]:
        self.pause(self.seconds)
        yield 1


def className(name: str) -> str:
    """``"__main__.Producer_7"`` -> ``"Producer"``."""
    return re.sub(r"_\d+$", "", name.split(".")[-1])


class Narrator(component):
    """Passes topology commands on, saying what they show of the watched system."""

    def __init__(self, worker: Worker) -> None:
        super().__init__()
        self.worker = worker
        self.names: dict[str, str] = {}         # node id -> class name, watched ones
        self.announced = False

    def main(self) -> Iterator[int]:
        while not self.passOn():
            self.pause()
            yield 1

    def passOn(self) -> bool:
        """Pass on (and narrate) what has arrived; True when the story is over."""
        for command in self.Inbox("inbox"):
            self.send(command, "outbox")
            if self.narrate(command):
                return True
        return False

    def narrate(self, command: list[str]) -> bool:
        """Say what ``command`` shows; True when the story is over."""
        words = [word.upper() for word in command[:2]]
        if words == ["ADD", "NODE"] and command[-1] == "component":
            self.added(command[2], className(command[3]))
        elif words == ["ADD", "LINK"] and self.announced:
            self.linked(command[2], command[3])
        elif words == ["DEL", "NODE"] and command[2] == str(self.worker.id):
            self.say("gone: Worker")
            Autopilot([close()]).activate()     # close the window: the program ends
            return True
        return False

    def added(self, nodeId: str, name: str) -> None:
        if name in WATCHED:
            self.names[nodeId] = name
        if not self.announced and set(self.names.values()) == WATCHED:
            self.announced = True
            self.say("appeared: " + ", ".join(sorted(WATCHED)))

    def linked(self, source: str, sink: str) -> None:
        ends = [self.box(source), self.box(sink)]
        if ends[0] == "Producer outbox" and ends[1] == "Consumer inbox":
            self.say(f"linkage: {ends[0]} -> {ends[1]}")
            self.worker._deliver(producerFinished(), "control")    # seen: now finish

    def box(self, boxId: str) -> str:
        """``"(7, 'o', 'outbox')"`` -> ``"Producer outbox"`` (for watched components)."""
        match = re.fullmatch(r"\((\d+), '[io]', '(.*)'\)", boxId)
        if match is None or match.group(1) not in self.names:
            return ""
        return f"{self.names[match.group(1)]} {match.group(2)}"

    def say(self, line: str) -> None:
        print(line, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description="Watch a running system draw itself.")
    parser.add_argument("--demo", action="store_true",
                        help="say what is drawn, then end by itself")
    parser.add_argument("--headless", action="store_true",
                        help="draw without a window (SDL_VIDEODRIVER=dummy)")
    arguments = parser.parse_args()
    if arguments.headless:
        os.environ["SDL_VIDEODRIVER"] = "dummy"

    worker = Worker(seconds=60.0 if arguments.demo else 5.0)
    Graphline(PRODUCER=Producer(), CONSUMER=Consumer(),
              linkages={("PRODUCER", "outbox"): ("CONSUMER", "inbox")}).activate()
    worker.activate()

    stages: list[Any] = [Introspector(interval=0.1), text_to_token_lists()]
    if arguments.demo:
        stages.append(Narrator(worker))
    stages.append(AxonVisualiser(caption="Axon / Kamaelia Visualiser", screensize=(800, 600)))
    Pipeline(*stages).run()


if __name__ == "__main__":
    main()
