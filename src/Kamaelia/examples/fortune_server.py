"""A fortune-cookie server: each client gets one saying, then the server hangs up.

    python examples/fortune_server.py          # the demonstration below
    python examples/fortune_server.py 1502     # serve on port 1502 until Ctrl-C
                                               # (try: nc localhost 1502)

prints::

    client 1: A component a day keeps the deadlock away.
    client 2: A component a day keeps the deadlock away.

``ServerCore`` makes a ``FortuneCookieProtocol`` for each connection. It
sends one cookie and then ``producerFinished`` out of its "signal", which
the server has linked to the connection: the cookie is written, then the
connection is closed. (Served for real, it runs the ``fortune`` program if
there is one, or picks one of its own sayings, and types it out at 1.14's
pace of 40 characters a second; the demonstration gives it a single saying,
sent whole, so that the output is always the same.)

Two clients connect one after the other (``Seq``). Each is a ``TCPClient``
whose bytes are decoded and labelled; it ends when the server closes the
connection. When both have finished, the server is told to shut down.
"""

import sys

from Axon.Scheduler import scheduler
from Kamaelia.Chassis.ConnectedServer import ServerCore
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.Chassis.Seq import Seq
from Kamaelia.Internet.TCPClient import TCPClient
from Kamaelia.Protocol.FortuneCookieProtocol import FortuneCookieProtocol
from Kamaelia.Util.Console import ConsoleEchoer
from Kamaelia.Util.PureTransformer import PureTransformer

EXAMPLE_STDIN = ""
EXAMPLE_EXPECT = ("client 1: A component a day keeps the deadlock away.\n"
                  "client 2: A component a day keeps the deadlock away.\n")

SAYING = "A component a day keeps the deadlock away."


def oneSaying() -> FortuneCookieProtocol:
    # bitrate=None: the whole saying in one message, so each client prints one
    # line (served for real, a cookie is typed out at 40 characters a second).
    return FortuneCookieProtocol(cookies=[SAYING], bitrate=None)


def client(number: int, host: str, port: int) -> Pipeline:
    return Pipeline(TCPClient(host, port),
                    PureTransformer(lambda data: f"client {number}: {data.decode()}"))


def demonstrate(host: str = "127.0.0.1") -> None:
    """Run the demonstration on loopback address ``host`` ("::1" for IPv6)."""
    server = ServerCore(protocol=oneSaying, port=0, host=host)
    clients = Pipeline(Seq(client(1, host, server.port), client(2, host, server.port)),
                       ConsoleEchoer())
    clients.link((clients, "signal"), (server, "control"))     # both done: stop serving
    server.activate()
    clients.activate()
    scheduler.run.runThreads()


if __name__ == "__main__":
    if len(sys.argv) > 1:
        ServerCore(protocol=FortuneCookieProtocol, port=int(sys.argv[1])).run()
    else:
        demonstrate()
