"""Regular messages with PeriodicTick (mirrors 1.14's Contrib/Kamaelia.Apps.SA/PeriodicTick.1-3.py).

    python examples/compat114/sa_periodic_tick.py

Three ``PeriodicTick`` pipelines, as in 1.14's three examples: the default
tick (``True``, shown with ``repr``), a tick message of our own, and the
same with a short ``check_interval``. 1.14's examples ran until Ctrl-C;
here a small ``Countdown`` between the ticker and the ``ConsoleEchoer``
lets three ticks through, then tells the ticker to stop (through an extra
link back to its ``"control"``), so each pipeline ends by itself. It prints::

    TrueTrueTrue
    tick
    tick
    tick
    tock
    tock
    tock
"""
from Axon.Component import component
from Axon.Ipc import producerFinished, shutdownMicroprocess
from Kamaelia.Apps.SA.Time import PeriodicTick
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.Util.Console import ConsoleEchoer

EXAMPLE_STDIN = ""
EXAMPLE_EXPECT = "TrueTrueTrue\ntick\ntick\ntick\ntock\ntock\ntock\n"


class Countdown(component):
    """Passes on ``count`` messages, then stops the ticker and the echoer."""

    Outboxes = {"outbox": "the first messages", "signal": "producerFinished at the end",
                "stopTicker": "shutdownMicroprocess for the ticker"}

    def __init__(self, count):
        super().__init__()
        self.count = count

    def main(self):
        while self.count:
            for message in self.Inbox("inbox"):
                if self.count:
                    self.send(message, "outbox")
                    self.count -= 1
            self.pause()
            yield 1
        self.send(shutdownMicroprocess(), "stopTicker")
        while not self.dataReady("control"):       # the ticker says it has stopped
            self.pause()
            yield 1
        self.recv("control")
        self.send(producerFinished(self), "signal")


def threeTicks(ticker, echoer):
    countdown = Countdown(3)
    countdown.link((countdown, "stopTicker"), (ticker, "control"))
    Pipeline(ticker, countdown, echoer).run()


threeTicks(PeriodicTick(0.05), ConsoleEchoer(use_repr=True))
print()
threeTicks(PeriodicTick(0.05, tick_mesg="tick\n"), ConsoleEchoer())
threeTicks(PeriodicTick(delay=0.05, tick_mesg="tock\n", check_interval=0.01), ConsoleEchoer())
