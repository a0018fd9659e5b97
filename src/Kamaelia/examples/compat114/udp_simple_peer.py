"""One UDP peer sending to another (mirrors 1.14's Examples/UDP_Systems,
SimplePeer_Example.py).

    python examples/compat114/udp_simple_peer.py

As in 1.14's example, two pipelines: ``Pipeline(Chargen(),
PureTransformer(lambda x: x.encode("utf8")), SimplePeer(receiver_addr=...,
receiver_port=...))`` sends "Hello World" datagrams as fast as it can, and
``Pipeline(SimplePeer(localaddr=..., localport=...), ...)`` receives them
(each as ``(data, (host, port))``) and prints them. 1.14's used port 1600
and printed each tuple (with the sender's port, which changes from run to
run) for ever; this one's receiver binds to a port the system picks, a
``PureTransformer`` keeps the data, and after three datagrams a small
``Enough`` component tells both pipelines to stop, so the program ends. It
prints::

    received Hello World
    received Hello World
    received Hello World
"""

from typing import Any, Iterator

from Axon.Component import component
from Axon.Ipc import shutdownMicroprocess
from Axon.Scheduler import scheduler
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.Internet.UDP import SimplePeer
from Kamaelia.Util.Chargen import Chargen
from Kamaelia.Util.Console import ConsoleEchoer
from Kamaelia.Util.PureTransformer import PureTransformer

EXAMPLE_STDIN = ""
EXAMPLE_EXPECT = "received Hello World\nreceived Hello World\nreceived Hello World\n"

server_addr = "127.0.0.1"


class Enough(component):
    """Passes the first ``count`` messages on, then stops the sending pipeline
    (out of "stopSender"), the receiving peer (out of "stopReceiver") and
    what comes after it (out of "signal")."""

    Outboxes = {"outbox": "the first messages", "signal": "shutdownMicroprocess at the end",
                "stopSender": "shutdownMicroprocess for the sender",
                "stopReceiver": "shutdownMicroprocess for the receiving peer"}

    def __init__(self, count: int) -> None:
        super().__init__()
        self.count = count

    def main(self) -> Iterator[Any]:
        while self.count:
            for message in self.Inbox("inbox"):
                if self.count:
                    self.send(message, "outbox")
                    self.count -= 1
            if self.count:
                self.pause()
                yield 1
        for box in ("stopSender", "stopReceiver", "signal"):
            self.send(shutdownMicroprocess(self), box)


receiver = SimplePeer(localaddr=server_addr, localport=0)
server_port = receiver.localaddress[1]

sender = Pipeline(
    Chargen(),
    PureTransformer(lambda x: x.encode("utf8")),
    SimplePeer(receiver_addr=server_addr, receiver_port=server_port),
)
enough = Enough(3)
listener = Pipeline(
    receiver,
    PureTransformer(lambda received: "received " + received[0].decode("utf8") + "\n"),
    enough,
    ConsoleEchoer(),
)
enough.link((enough, "stopSender"), (sender, "control"))
enough.link((enough, "stopReceiver"), (receiver, "control"))
sender.activate()
listener.activate()
scheduler.run.runThreads()
