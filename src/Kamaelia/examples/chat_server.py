"""A line-based chat server: every line a client sends reaches every client.

    python examples/chat_server.py           # the demonstration below
    python examples/chat_server.py 1503      # serve on port 1503 until Ctrl-C
                                             # (try it with two: telnet localhost 1503)

prints::

    bob hears: bob: anyone here?
    alice hears: alice: hi bob
    bob hears: alice: hi bob

Each connection's protocol is a small ``Graphline``: what the client sends
is cut into lines (``LineSplit``), and each line published to the
``Backplane("chat")``; everything published there comes back out to the
client (``SubscribeTo``). The connections never refer to one another: the
backplane's name joins them. The Graphline's "control" is not linked to a
child, so when the client leaves, the shutdown reaches both children and
the protocol ends; the server then closes the connection.

The demonstration plays two clients with ordinary blocking sockets while
the server runs in a thread. Bob speaks first and waits to hear his own
line come back, which proves his subscription is live; only then does
Alice connect and speak, so Bob is sure to hear her too.
"""

import socket
import sys
import threading

from Axon.Ipc import producerFinished
from Axon.Scheduler import scheduler
from Kamaelia.Chassis.ConnectedServer import ServerCore
from Kamaelia.Chassis.Graphline import Graphline
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.IPC import serverShutdown
from Kamaelia.Util.Backplane import Backplane, PublishTo, SubscribeTo
from Kamaelia.Util.LineSplit import LineSplit
from Kamaelia.Util.PureTransformer import PureTransformer

EXAMPLE_STDIN = ""
EXAMPLE_EXPECT = ("bob hears: bob: anyone here?\n"
                  "alice hears: alice: hi bob\n"
                  "bob hears: alice: hi bob\n")


def chatter() -> Graphline:
    """The protocol for one connection: its lines to the chat, the chat to it."""
    return Graphline(
        SPLIT=LineSplit(),
        PUBLISH=Pipeline(PureTransformer(lambda line: line + b"\n"), PublishTo("chat")),
        HEAR=SubscribeTo("chat"),
        linkages={("self", "inbox"): ("SPLIT", "inbox"),
                  ("SPLIT", "outbox"): ("PUBLISH", "inbox"),
                  ("HEAR", "outbox"): ("self", "outbox")})


def chatServer(port: int, host: str | None = None) -> tuple[ServerCore, Backplane]:
    return ServerCore(protocol=chatter, port=port, host=host), Backplane("chat")


class Client:
    """A chat user on a blocking socket."""

    def __init__(self, name: str, host: str, port: int) -> None:
        self.name = name
        self.sock = socket.create_connection((host, port), timeout=10)
        self.lines = self.sock.makefile("rb")

    def say(self, text: str) -> None:
        self.sock.sendall(f"{self.name}: {text}\n".encode())

    def hear(self) -> None:
        print(f"{self.name} hears: {self.lines.readline().decode()}", end="")

    def close(self) -> None:
        self.lines.close()
        self.sock.close()


def demonstrate(host: str = "127.0.0.1") -> None:
    """Run the demonstration on loopback address ``host`` ("::1" for IPv6)."""
    server, backplane = chatServer(0, host)
    server.activate()
    backplane.activate()
    running = threading.Thread(target=scheduler.run.runThreads)
    running.start()
    bob = Client("bob", host, server.port)
    bob.say("anyone here?")
    bob.hear()
    alice = Client("alice", host, server.port)
    alice.say("hi bob")
    alice.hear()
    bob.hear()
    alice.close()
    bob.close()
    server._deliver(serverShutdown(), "control")          # thread-safe delivery
    backplane._deliver(producerFinished(), "control")
    running.join()


if __name__ == "__main__":
    if len(sys.argv) > 1:
        server, backplane = chatServer(int(sys.argv[1]))
        backplane.activate()
        server.run()
    else:
        demonstrate()
