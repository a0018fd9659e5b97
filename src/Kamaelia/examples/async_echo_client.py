"""An async component talking TCP, inside a Pipeline with classic components.

    python examples/async_echo_client.py

The server is one of our own: a ``ServerCore`` on a port the OS picks
(loopback only) whose protocol answers in upper case.
``LineClient`` is an async component that opens a connection to it with
``asyncio.open_connection`` and, for each line arriving in its inbox, sends
the server's reply on. A classic ``DataSource`` feeds it and a classic
``ConsoleEchoer`` prints the replies. The whole system runs on one asyncio
event loop (``asyncio.run(system.runAsync())``), no extra thread: the
server's sockets are watched by that loop too.
"""

import asyncio

from Axon.Component import component
from Axon.Ipc import shutdownRequest
from Kamaelia.Chassis.ConnectedServer import ServerCore
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.IPC import serverShutdown
from Kamaelia.Util.Console import ConsoleEchoer
from Kamaelia.Util.DataSource import DataSource
from Kamaelia.Util.PureTransformer import PureTransformer

EXAMPLE_EXPECT = "HELLO\nASYNC\nWORLD\n"


class LineClient(component):
    """Sends each line to the server at the port given; passes the replies on."""

    def __init__(self, port: int) -> None:
        super().__init__()
        self.port = port

    async def main(self) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        while True:
            box = await self.waitForMessage("inbox", "control")
            if box == "inbox":                       # data first: finish what came
                line: str = self.recv("inbox")
                writer.write(line.encode() + b"\n")
                await writer.drain()
                self.send((await reader.readline()).decode(), "outbox")
                continue
            request = shutdownRequest(self)
            if request is not None:
                writer.close()
                await writer.wait_closed()
                self.send(request, "signal")         # pass it on, then end
                return


def shouter() -> PureTransformer:
    """The protocol for each connection: bytes in, the same in upper case out."""
    return PureTransformer(bytes.upper)


class Wiring(component):
    """Starts the server and the client system; stops the server at the end."""

    async def main(self) -> None:
        server = ServerCore(protocol=shouter, port=0, host="127.0.0.1")
        system = Pipeline(DataSource(["hello", "async", "world"]), LineClient(server.port),
                          ConsoleEchoer())
        self.link((system, "signal"), (self, "control"))       # the system has finished
        self.link((self, "outbox"), (server, "control"))       # so stop the server
        self.addChildren(server, system)
        server.activate()
        system.activate()
        await self.nextMessage("control")
        self.send(serverShutdown(self), "outbox")


asyncio.run(Wiring().runAsync())
