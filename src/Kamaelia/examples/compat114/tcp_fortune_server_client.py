"""A fortune-cookie server and a client of it in one program (mirrors 1.14's
Examples/TCP_Systems, FortuneCookieServer.py and FortuneCookie_ServerClient.py).

    python examples/compat114/tcp_fortune_server_client.py

As in 1.14's examples, a ``SimpleServer(protocol=FortuneCookieProtocol, ...)``
is activated, and ``Pipeline(TCPClient("127.0.0.1", port),
PureTransformer(lambda x: x.decode("utf8")), ConsoleEchoer())`` connects to it
and prints what the server sends. Each connection's protocol sends one
cookie (a character at a time, as 1.14's did) and then ends, which closes
the connection; the client then ends. 1.14's server used a random port
from 1500-1599 and ran the ``fortune`` program; this one listens on a
port the system picks, its protocol knows one cookie (so the output is
always the same), and when the client has finished the server is told to
shut down, so the program ends. It prints::

    Whoever yields often is never in anyone's way.
"""

from Axon.Scheduler import scheduler
from Kamaelia.Chassis.ConnectedServer import SimpleServer
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.Internet.TCPClient import TCPClient
from Kamaelia.Protocol.FortuneCookieProtocol import FortuneCookieProtocol
from Kamaelia.Util.Console import ConsoleEchoer
from Kamaelia.Util.PureTransformer import PureTransformer

EXAMPLE_STDIN = ""
EXAMPLE_EXPECT = "Whoever yields often is never in anyone's way.\n"


class OneCookieProtocol(FortuneCookieProtocol):
    """A FortuneCookieProtocol that knows one cookie (SimpleServer calls the
    protocol with no arguments, as in 1.14)."""

    def __init__(self) -> None:
        super().__init__(cookies=["Whoever yields often is never in anyone's way.\n"])


server = SimpleServer(protocol=OneCookieProtocol, port=0, host="127.0.0.1")
server.activate()

client = Pipeline(TCPClient("127.0.0.1", server.port),
                  PureTransformer(lambda x: x.decode("utf8")),
                  ConsoleEchoer())
client.link((client, "signal"), (server, "control"))       # done: stop serving
client.activate()
scheduler.run.runThreads()
