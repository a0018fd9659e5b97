"""A countdown paced by a clock, which the countdown stops when it is done.

    python examples/clock_countdown.py

prints 3, 2, 1 and "lift off", a tenth of a second apart, then exits.

``CheapAndCheerfulClock`` sends a tick every 0.1 s without using any CPU in
between (it waits with ``pause(timeout)``). ``Countdown`` shows one number
per tick; after "lift off" it sends ``producerFinished`` down the Pipeline
(so the ``ConsoleEchoer`` ends) and ``shutdownMicroprocess`` back to the
clock through an extra link (so the clock ends too). Once all three have
ended, the Pipeline ends and ``run()`` returns.
"""
from typing import Iterator

from Axon.Component import component
from Axon.Ipc import producerFinished, shutdownMicroprocess
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.Util.Clock import CheapAndCheerfulClock
from Kamaelia.Util.Console import ConsoleEchoer

EXAMPLE_EXPECT = "3\n2\n1\nlift off\n"


class Countdown(component):
    Inboxes = {"inbox": "clock ticks", "control": "not used"}
    Outboxes = {"outbox": "lines to show",
                "signal": "producerFinished after lift off",
                "clock": "shutdownMicroprocess for the clock after lift off"}

    def __init__(self, start: int, **argd: object) -> None:
        super().__init__(**argd)
        self.start = start

    def main(self) -> Iterator[int]:
        for line in [f"{n}\n" for n in range(self.start, 0, -1)] + ["lift off\n"]:
            while not self.dataReady("inbox"):
                self.pause()
                yield 1
            self.recv("inbox")
            self.send(line, "outbox")
        self.send(shutdownMicroprocess(), "clock")
        self.send(producerFinished(self), "signal")


clock, countdown = CheapAndCheerfulClock(0.1), Countdown(3)
countdown.link((countdown, "clock"), (clock, "control"))
Pipeline(clock, countdown, ConsoleEchoer()).run()
