"""Publishing in the middle of a pipeline (mirrors 1.14's Examples/Backplane).

    printf 'hello\\nworld\\n' | python examples/compat114/backplane_forwarding.py

prints::

    forwarded: hello
    forwarded: world
    the subscriber heard: hello, world
    and passed on from its own inbox: tick

Lines typed at the console go through ``PublishTo("broadcast",
forwarder=True)``: each is published to the backplane *and* passed on out of
the PublishTo's outbox, to a ``ConsoleEchoer`` that prints it with a tag.
On the other side, ``SubscribeTo("broadcast")`` sits in the middle of a
pipeline too: what is published comes out of its outbox, and so does what
its own inbox receives from the component before it (here one ``"tick"``).
The ``Report`` at the end of that pipeline sorts the two apart and says what
it got once the subscription ends.

End of input ends the reader; its ``producerFinished`` travels down the
publishing pipeline and on to the backplane's "control", which closes the
backplane: it delivers what was published, then passes the shutdown to its
subscribers (and out of its own "signal", to the ticking source), so
everything ends.
"""

from Axon.Component import component
from Axon.Ipc import producerFinished, shutdownMicroprocess
from Axon.Scheduler import scheduler
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.Util.Backplane import Backplane, PublishTo, SubscribeTo
from Kamaelia.Util.Console import ConsoleEchoer, ConsoleReader

EXAMPLE_STDIN = "hello\nworld\n"
EXAMPLE_EXPECT = (
    "forwarded: hello\n"
    "forwarded: world\n"
    "the subscriber heard: hello, world\n"
    "and passed on from its own inbox: tick\n"
)


class Ticker(component):
    """Sends one "tick", then waits to be told to stop."""

    def main(self):
        self.send("tick", "outbox")
        while not self.dataReady("control"):
            self.pause()
            yield 1
        self.send(self.recv("control"), "signal")


class Report(component):
    """Collects what the subscription brings; says what it got when it ends."""

    def main(self):
        heard, ticks = [], []
        while True:
            for message in self.Inbox("inbox"):
                (ticks if message == "tick" else heard).append(message.strip())
            if self.dataReady("control"):
                message = self.recv("control")
                if isinstance(message, (producerFinished, shutdownMicroprocess)):
                    break
            self.pause()
            yield 1
        for message in self.Inbox("inbox"):
            (ticks if message == "tick" else heard).append(message.strip())
        print("the subscriber heard:", ", ".join(heard))
        print("and passed on from its own inbox:", ", ".join(ticks))


backplane = Backplane("broadcast")
subscriber = Pipeline(Ticker(), SubscribeTo("broadcast"), Report())
publisher = Pipeline(ConsoleReader(),
                     PublishTo("broadcast", forwarder=True),
                     ConsoleEchoer(tag="forwarded: "))
publisher.link((publisher, "signal"), (backplane, "control"))
backplane.link((backplane, "signal"), (subscriber, "control"))
for part in (backplane, subscriber, publisher):   # subscribers first: see the module doc
    part.activate()
scheduler.run.runThreads()
