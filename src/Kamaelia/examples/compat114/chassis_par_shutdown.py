"""Shutting down nested PARs with producerFinished (mirrors 1.14's
Examples/UsingChassis/PAR, par_shutdown_simple.py).

    python examples/compat114/chassis_par_shutdown.py

prints::

    outer: told producerFinished
    middle-1: told producerFinished
    middle-2: told producerFinished
    inner-1: told producerFinished
    inner-2: told producerFinished
    inner-3: told producerFinished
    outer: shut down
    middle-1: shut down
    middle-2: shut down
    inner-1: shut down
    inner-2: shut down
    inner-3: shut down
    PAR shut down

A PAR runs its components side by side and passes everything arriving on
its "control" to each of them; a PAR or Pipeline among them passes it on in
turn, so one ``producerFinished`` at the top reaches every component, however
deeply nested. Each ``SlowToStop`` takes a few turns to finish what it is
doing before it passes the message on out of "signal" and ends; a PAR ends
once all its components have, and only then sends ``producerFinished`` on,
so nothing is cut off half way.
"""

from Axon.Component import component
from Axon.Ipc import producerFinished
from Kamaelia.Chassis.PAR import PAR
from Kamaelia.Chassis.Pipeline import Pipeline

EXAMPLE_STDIN = ""
EXAMPLE_EXPECT = (
    "outer: told producerFinished\n"
    "middle-1: told producerFinished\n"
    "middle-2: told producerFinished\n"
    "inner-1: told producerFinished\n"
    "inner-2: told producerFinished\n"
    "inner-3: told producerFinished\n"
    "outer: shut down\n"
    "middle-1: shut down\n"
    "middle-2: shut down\n"
    "inner-1: shut down\n"
    "inner-2: shut down\n"
    "inner-3: shut down\n"
    "PAR shut down\n"
)


class TimedShutdown(component):
    """Sends producerFinished out of "signal" and ends."""

    def main(self):
        self.send(producerFinished(self), "signal")
        yield 1


class SlowToStop(component):
    """Waits to be told to stop, then takes ``turns`` turns to finish."""

    def __init__(self, name, turns=20):
        super().__init__()
        self.label, self.turns = name, turns

    def main(self):
        while not self.dataReady("control"):
            self.pause()
            yield 1
        message = self.recv("control")
        print(f"{self.label}: told {type(message).__name__}")
        for _ in range(self.turns):     # finishing off
            yield 1
        print(f"{self.label}: shut down")
        self.send(message, "signal")


Pipeline(
    TimedShutdown(),
    PAR(
        SlowToStop("outer"),
        PAR(
            SlowToStop("middle-1"),
            SlowToStop("middle-2"),
            Pipeline(
                PAR(
                    Pipeline(PAR(SlowToStop("inner-1"), SlowToStop("inner-2"))),
                    Pipeline(PAR(SlowToStop("inner-3"))),
                ),
            ),
        ),
    ),
).run()
print("PAR shut down")
