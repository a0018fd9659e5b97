"""Watching an echo server from the inside (mirrors 1.14's Examples/Introspection,
IntrospectingEchoServer.py and its tutorial).

    python examples/compat114/introspection_echo_server.py

prints::

    client: the echo server sent back 'hello'
    viewer: saw EchoProtocol appear, with inboxes control, inbox
    viewer: and a link from its outbox to the inbox of a ConnectedSocketAdapter

As in 1.14's example, ``Pipeline(Introspector(), PureTransformer(str.encode),
TCPClient(...))`` sends the system's topology over TCP to a viewer (1.14's
was the AxonVisualiser on port 1600; here it is a small server of our own,
on a port the system picks). The Introspector looks every half second and
sends what changed as text lines: ``ADD NODE "<id>" "<name>" randompos
component`` for a component, ``ADD NODE "(<id>, 'i', '<box>')" ...`` for
each of its boxes and ``ADD LINK ...`` for each linkage.

The system being watched is a ``FastRestartServer`` running an
``EchoProtocol`` per connection, and a client that sends ``hello``. The
client keeps its connection open until the viewer has seen the
``EchoProtocol`` that serves it (and the linkage from the protocol to the
socket adapter that carries its replies to the network); the viewer tells
it so through a linkage it makes at run time, and the client prints what
the viewer saw. Then the
client hangs up and a ``Stopper`` shuts down the servers and the
introspector, so the program ends.
"""

import re

from Axon.Component import component
from Axon.Ipc import producerFinished, shutdownMicroprocess
from Axon.Scheduler import scheduler
from Kamaelia.Chassis.ConnectedServer import FastRestartServer
from Kamaelia.Chassis.Graphline import Graphline
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.Internet.TCPClient import TCPClient
from Kamaelia.Protocol.EchoProtocol import EchoProtocol
from Kamaelia.Util.Introspector import Introspector
from Kamaelia.Util.PureTransformer import PureTransformer

EXAMPLE_STDIN = ""
EXAMPLE_EXPECT = (
    "client: the echo server sent back 'hello'\n"
    "viewer: saw EchoProtocol appear, with inboxes control, inbox\n"
    "viewer: and a link from its outbox to the inbox of a ConnectedSocketAdapter\n"
)

HOST = "127.0.0.1"
TOKEN = re.compile(r'"((?:[^"\\]|\\.)*)"|(\S+)')


def tokens(line):
    """The tokens of a topology line (quoted ones unquoted)."""
    return [quoted if quoted or not bare else bare for quoted, bare in TOKEN.findall(line)]


class Greeter(component):
    """Sends hello, prints the echo, waits to hear from the viewer, then hangs up."""

    Inboxes = {"inbox": "from the echo server", "control": "the connection's end",
               "viewer": "what the viewer saw"}

    def main(self):
        self.send(b"hello", "outbox")
        echoed = b""
        while echoed != b"hello":
            for data in self.Inbox("inbox"):
                echoed += data
            if echoed != b"hello":
                self.pause()
                yield 1
        print("client: the echo server sent back", repr(echoed.decode()))
        while not self.dataReady("viewer"):
            self.pause()
            yield 1
        for line in self.recv("viewer"):
            print("viewer:", line)
        self.send(producerFinished(self), "signal")      # hang up


class Viewer(component):
    """Reads topology lines; tells the Greeter once an EchoProtocol has appeared."""

    Outboxes = {"outbox": "back to the introspector's connection (not used)",
                "signal": "the end of the connection",
                "toGreeter": "what it saw, for the Greeter"}

    def __init__(self, greeter):
        super().__init__()
        self.greeter = greeter

    def main(self):
        self.link((self, "toGreeter"), (self.greeter, "viewer"))
        text, names, boxes, told = "", {}, {}, False
        while not self.dataReady("control"):
            for data in self.Inbox("inbox"):
                text += data.decode()
            *lines, text = text.split("\n")
            for line in lines:
                found = tokens(line)
                if found[:2] == ["ADD", "NODE"] and found[-1] == "component":
                    names[found[2]] = found[3]
                elif found[:2] == ["ADD", "NODE"]:
                    boxes[found[2]] = (found[3], found[-1])
                elif found[:2] == ["ADD", "LINK"] and not told:
                    told = self.report(names, boxes, found[2], found[3])
            if not self.anyReady():
                self.pause()
            yield 1
        self.send(self.recv("control"), "signal")

    def report(self, names, boxes, source, sink):
        """True (and the Greeter told) once the echo protocol's outbox link is seen."""
        echo = next((cid for cid, name in names.items() if ".EchoProtocol_" in name), None)
        if echo is None or source != f"({echo}, 'o', 'outbox')":
            return False
        inboxes = sorted(box for box, (label, kind) in boxes.items()
                         if kind == "inbox" and box.startswith(f"({echo}, "))
        labels = ", ".join(boxes[box][0] for box in inboxes)
        target = names.get(sink.strip("()").split(",")[0], "?")
        kind = target.rsplit(".", 1)[-1].rsplit("_", 1)[0]       # class name, no id
        self.send([f"saw EchoProtocol appear, with inboxes {labels}",
                   f"and a link from its outbox to the inbox of a {kind}"], "toGreeter")
        return True


class Stopper(component):
    """When the client has finished, stops everything else."""

    Outboxes = {"outbox": "not used", "signal": "not used",
                "echo": "to the echo server", "viewer": "to the viewer's server",
                "introspector": "to the introspecting pipeline"}

    def main(self):
        while not self.dataReady("inbox") and not self.dataReady("control"):
            self.pause()
            yield 1
        for box in ("introspector", "echo", "viewer"):
            self.send(shutdownMicroprocess(self), box)


echoServer = FastRestartServer(protocol=EchoProtocol, port=0, host=HOST)
greeter = Greeter()
viewerServer = FastRestartServer(protocol=lambda: Viewer(greeter), port=0, host=HOST)
introspecting = Pipeline(
    Introspector(),
    PureTransformer(lambda text: text.encode("utf8")),
    TCPClient(HOST, viewerServer.port),
)
client = Graphline(
    GREETER=greeter,
    TCP=TCPClient(HOST, echoServer.port),
    linkages={
        ("GREETER", "outbox"): ("TCP", "inbox"),
        ("GREETER", "signal"): ("TCP", "control"),
        ("TCP", "outbox"): ("GREETER", "inbox"),
        ("TCP", "signal"): ("", "signal"),
    },
)
stopper = Stopper()
stopper.link((client, "signal"), (stopper, "control"))
stopper.link((stopper, "echo"), (echoServer, "control"))
stopper.link((stopper, "viewer"), (viewerServer, "control"))
stopper.link((stopper, "introspector"), (introspecting, "control"))
for part in (echoServer, viewerServer, introspecting, client, stopper):
    part.activate()
scheduler.run.runThreads()
