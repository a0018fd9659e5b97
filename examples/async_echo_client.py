"""An async component talking TCP, inside a Pipeline with classic components.

    python examples/async_echo_client.py

``UpperServer`` is a component whose ``async def main`` serves TCP on a port
the OS picks (loopback only) and answers each line in upper case.
``LineClient`` is an async component that opens a connection to it with
``asyncio.open_connection`` and, for each line arriving in its inbox, sends
the server's reply on. A classic ``DataSource`` feeds it and a classic
``ConsoleEchoer`` prints the replies. The whole system runs on one asyncio
event loop (``asyncio.run(system.runAsync())``), no extra thread.
"""

import asyncio

from Axon.Component import component
from Kamaelia._shutdown import isShutdown
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.Util.Console import ConsoleEchoer
from Kamaelia.Util.DataSource import DataSource

EXAMPLE_EXPECT = "HELLO\nASYNC\nWORLD\n"


class UpperServer(component):
    """Serves until told to stop on "control"; sends its port out of "outbox" once ready."""

    async def main(self):
        async def answer(reader, writer):
            while line := await reader.readline():
                writer.write(line.upper())
                await writer.drain()
            writer.close()
            await writer.wait_closed()

        server = await asyncio.start_server(answer, "127.0.0.1", 0)
        self.send(server.sockets[0].getsockname()[1], "outbox")
        async with server:
            await self.waitForMessage("control")


class LineClient(component):
    """Sends each line to the server at the port given; passes the replies on."""

    Inboxes = {"inbox": "lines to send", "control": "shutdown signalling",
               "port": "the server's port"}

    async def main(self):
        port = await self.nextMessage("port")
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        while True:
            box = await self.waitForMessage("inbox", "control")
            message = self.recv(box)
            if box == "control" and isShutdown(message):
                break
            writer.write(message.encode() + b"\n")
            await writer.drain()
            self.send((await reader.readline()).decode(), "outbox")
        writer.close()
        await writer.wait_closed()
        self.send(message, "signal")


class Wiring(component):
    """Starts the server, hands its port to the client, stops the server at the end."""

    async def main(self):
        server, client = UpperServer(), LineClient()
        system = Pipeline(DataSource(["hello", "async", "world"]), client, ConsoleEchoer())
        self.link((server, "outbox"), (client, "port"))
        self.link((system, "signal"), (self, "control"))       # the system has finished
        self.link((self, "outbox"), (server, "control"))       # so stop the server
        self.addChildren(server, system)
        server.activate()
        system.activate()
        finished = await self.nextMessage("control")
        self.send(finished, "outbox")


asyncio.run(Wiring().runAsync())
