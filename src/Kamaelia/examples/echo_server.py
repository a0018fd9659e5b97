"""An echo server, and a client of our own that talks to it.

    python examples/echo_server.py            # the demonstration below
    python examples/echo_server.py 1501       # serve on port 1501 until Ctrl-C
                                              # (try: telnet localhost 1501)

prints::

    hello
    echo
    world

``ServerCore`` listens (here on a port the system picks, loopback only) and
makes an ``EchoProtocol`` for each connection: what the client sends
arrives in its inbox, and what it sends out goes back to the client.

The client side is a ``Pipeline``: a ``DataSource`` with three lines, a
``TCPClient`` connected to the server, and a ``ConsoleEchoer`` printing
what comes back (decoded: the network carries bytes). When the ``DataSource`` has sent its lines it says
``producerFinished``; the client then shuts its sending side (the server
sees end of file), the echo protocol sends back what it still had and
finishes, the server closes the connection, and the client ends. Its end is
linked to the server's "control", so the server shuts down too and the
program exits.
"""

import sys

from Kamaelia.Chassis.ConnectedServer import ServerCore
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.Internet.TCPClient import TCPClient
from Kamaelia.Protocol.EchoProtocol import EchoProtocol
from Kamaelia.Util.Console import ConsoleEchoer
from Kamaelia.Util.DataSource import DataSource
from Kamaelia.Util.PureTransformer import PureTransformer
from Axon.Scheduler import scheduler

EXAMPLE_STDIN = ""
EXAMPLE_EXPECT = "hello\necho\nworld\n"


def demonstrate(host: str = "127.0.0.1") -> None:
    """Run the demonstration on loopback address ``host`` ("::1" for IPv6)."""
    server = ServerCore(protocol=EchoProtocol, port=0, host=host)
    client = Pipeline(DataSource([b"hello\n", b"echo\n", b"world\n"]),
                      TCPClient(host, server.port),
                      PureTransformer(bytes.decode),
                      ConsoleEchoer())
    client.link((client, "signal"), (server, "control"))    # client done: stop serving
    server.activate()
    client.activate()
    scheduler.run.runThreads()


if __name__ == "__main__":
    if len(sys.argv) > 1:
        ServerCore(protocol=EchoProtocol, port=int(sys.argv[1])).run()
    else:
        demonstrate()
