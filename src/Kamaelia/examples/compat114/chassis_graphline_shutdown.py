"""How a shutdown reaches the children of a Graphline (mirrors 1.14's
Examples/UsingChassis/Graphline).

    python examples/compat114/chassis_graphline_shutdown.py

prints::

    -- nothing linked to the waiters' controls --
    waiter A got producerFinished
    waiter B got producerFinished
    waiter C got producerFinished
    whinger: shut down
    -- the waiters linked in a chain --
    waiter A got producerFinished
    waiter B got producerFinished
    waiter C got producerFinished
    whinger: shut down

Each run is ``Pipeline(Pinger(), Graphline(...), Whinger())``: the pinger
sends ``producerFinished`` into the Graphline's "control" and ends.

In the first Graphline nothing is linked to the children's "control"
inboxes, so the Graphline passes the message to every one of them. In the
second, the Graphline's own "control" goes to waiter A and each waiter's
"signal" to the next one's "control" (the Graphline itself is named ``""``
in the linkages, Kamaelia 1.14's usual spelling), so the message travels
down the chain. Either way, once all its children have ended the Graphline
sends a ``producerFinished`` of its own out of "signal" (in the second,
waiter C's "signal" is linked there instead), which reaches the whinger, so
the whole Pipeline ends.

1.14's ``FailShutdown.py`` shows the trap: link the Graphline's "control" to
one child that does not pass the message on, and the others are never told.
That program never ends, so it is not repeated here.
"""

from Axon.Component import component
from Axon.Ipc import producerFinished
from Kamaelia.Chassis.Graphline import Graphline
from Kamaelia.Chassis.Pipeline import Pipeline

EXAMPLE_STDIN = ""
EXAMPLE_EXPECT = (
    "-- nothing linked to the waiters' controls --\n"
    "waiter A got producerFinished\n"
    "waiter B got producerFinished\n"
    "waiter C got producerFinished\n"
    "whinger: shut down\n"
    "-- the waiters linked in a chain --\n"
    "waiter A got producerFinished\n"
    "waiter B got producerFinished\n"
    "waiter C got producerFinished\n"
    "whinger: shut down\n"
)


class Pinger(component):
    """Sends producerFinished out of "signal" and ends."""

    def main(self):
        self.send(producerFinished(self), "signal")
        yield 1


class Waiter(component):
    """Waits for a message on "control", says so, passes it on and ends."""

    def __init__(self, label):
        super().__init__()
        self.label = label

    def main(self):
        while not self.dataReady("control"):
            self.pause()
            yield 1
        message = self.recv("control")
        print(f"waiter {self.label} got {type(message).__name__}")
        self.send(message, "signal")


class Whinger(component):
    """Ends when told to, saying so."""

    def main(self):
        while not self.dataReady("control"):
            self.pause()
            yield 1
        print("whinger: shut down")
        self.send(self.recv("control"), "signal")


print("-- nothing linked to the waiters' controls --")
Pipeline(
    Pinger(),
    Graphline(A=Waiter("A"), B=Waiter("B"), C=Waiter("C"), linkages={}),
    Whinger(),
).run()

print("-- the waiters linked in a chain --")
Pipeline(
    Pinger(),
    Graphline(
        A=Waiter("A"), B=Waiter("B"), C=Waiter("C"),
        linkages={
            ("", "control"): ("A", "control"),
            ("A", "signal"): ("B", "control"),
            ("B", "signal"): ("C", "control"),
            ("C", "signal"): ("", "signal"),
        },
    ),
    Whinger(),
).run()
