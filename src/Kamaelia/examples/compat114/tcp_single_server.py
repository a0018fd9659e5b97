"""A server for one client, fed at a limited rate (mirrors 1.14's
Examples/TCP_Systems, SingleServerExample.py).

    python examples/compat114/tcp_single_server.py

As in 1.14's example, ``Pipeline(Cat([...]), MessageRateLimit(2, 1),
PureTransformer(lambda x: x.encode("utf8")), SingleServer(port=...))`` sends
its messages, two a second, to whoever connects, and ``Pipeline(TCPClient(...),
PureTransformer(lambda x: x.decode("utf8")), ConsoleEchoer())`` connects and
prints them. What the server is sent before the client has connected waits
for it. 1.14's used port 1602 and ran until stopped; this one listens on a
port the system picks, and its ``Cat`` sends ``producerFinished`` after its
messages, which passes down the pipeline to the ``SingleServer``: it writes
what it has, closes the connection, and the client (and the program) ends.
It prints::

    Hello World 1
    Hello World 2
    Hello World 3
    Hello World 4
"""

from typing import Any, Iterator

import Axon
from Axon.Ipc import producerFinished
from Axon.Scheduler import scheduler
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.Internet.SingleServer import SingleServer
from Kamaelia.Internet.TCPClient import TCPClient
from Kamaelia.Util.Console import ConsoleEchoer
from Kamaelia.Util.PureTransformer import PureTransformer
from Kamaelia.Util.RateFilter import MessageRateLimit

EXAMPLE_STDIN = ""
EXAMPLE_EXPECT = "Hello World 1\nHello World 2\nHello World 3\nHello World 4\n"


class Cat(Axon.Component.component):
    """Sends its messages, then producerFinished (1.14's Cat went on for ever)."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__()
        self.messages = messages

    def main(self) -> Iterator[Any]:
        for message in self.messages:
            self.send(message, "outbox")
        self.send(producerFinished(self), "signal")
        yield 1


server = SingleServer(port=0, host="127.0.0.1")
Pipeline(
    Cat([f"Hello World {n}\n" for n in range(1, 5)]),
    MessageRateLimit(2, 1),
    PureTransformer(lambda x: x.encode("utf8")),
    server,
).activate()

Pipeline(
    TCPClient("127.0.0.1", server.port),
    PureTransformer(lambda x: x.decode("utf8")),
    ConsoleEchoer(),
).activate()
scheduler.run.runThreads()
