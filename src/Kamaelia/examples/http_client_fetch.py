"""Fetch pages over HTTP from a Kamaelia web server running in the same program.

    python examples/http_client_fetch.py                     # the demonstration below
    python examples/http_client_fetch.py http://127.0.0.1:8080/   # fetch these URLs

prints::

    /hello: Hello from Kamaelia!
    /hello/again (after a redirect): Hello from Kamaelia!

The server is ``ServerCore`` making an ``HTTPServer`` per connection, with
two routes: ``/hello`` answers with a greeting (a Kamaelia 1.14 style
request handler: a component that sends a response dict, then
``producerFinished``), ``/moved`` redirects to ``/hello/again``.

The client side is a ``Pipeline``: a ``DataSource`` sends the URLs to a
``SimpleHTTPClient``, which fetches each in turn (following the redirect,
and reusing one kept-alive connection for all of them) and sends each body
on as ``bytes``; the last stage labels and prints them. When the
``DataSource`` has run out it says so (``producerFinished``); the client
finishes its work and passes that on, and the pipeline's "signal" then
stops the server.
"""

import sys
from typing import Any, Iterator

from Axon.Component import component
from Axon.Ipc import producerFinished
from Axon.Scheduler import scheduler
from Kamaelia.Chassis.ConnectedServer import ServerCore
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.Protocol.HTTP import HTTPResourceGlue
from Kamaelia.Protocol.HTTP.HTTPClient import SimpleHTTPClient
from Kamaelia.Protocol.HTTP.HTTPServer import HTTPServer
from Kamaelia.Util.Console import ConsoleEchoer
from Kamaelia.Util.DataSource import DataSource
from Kamaelia.Util.PureTransformer import PureTransformer

EXAMPLE_STDIN = ""
EXAMPLE_EXPECT = ("/hello: Hello from Kamaelia!\n"
                  "/hello/again (after a redirect): Hello from Kamaelia!\n")


class Greeter(component):
    """A 1.14-style request handler: one response, then producerFinished."""

    def __init__(self, request: dict[str, Any]) -> None:
        super().__init__()
        self.request = request

    def main(self) -> Iterator[int]:
        self.send({"statuscode": "200", "type": "text/plain", "charset": "utf-8",
                   "data": "Hello from Kamaelia!"}, "outbox")
        self.send(producerFinished(self), "signal")
        yield 1


class Mover(Greeter):
    """Redirects to /hello/again."""

    def main(self) -> Iterator[int]:
        self.send({"statuscode": "302", "type": "text/plain",
                   "headers": [("Location", "/hello/again")], "data": "moved"}, "outbox")
        self.send(producerFinished(self), "signal")
        yield 1


def serverFor(host: str) -> ServerCore:
    handler = HTTPResourceGlue.createRequestHandler([("/hello", Greeter), ("/moved", Mover)])
    return ServerCore(protocol=lambda **info: HTTPServer(handler), port=0, host=host)


def demonstrate(host: str = "127.0.0.1") -> None:
    """Serve and fetch on loopback address ``host``."""
    server = serverFor(host)
    base = f"http://{host}:{server.port}"
    labels = iter(["/hello", "/hello/again (after a redirect)"])
    clients = Pipeline(DataSource([base + "/hello", base + "/moved"]),
                       SimpleHTTPClient(),
                       PureTransformer(lambda body: f"{next(labels)}: {body.decode()}\n"),
                       ConsoleEchoer())
    clients.link((clients, "signal"), (server, "control"))       # done: stop serving
    server.activate()
    clients.activate()
    scheduler.run.runThreads()


if __name__ == "__main__":
    if len(sys.argv) > 1:
        Pipeline(DataSource(sys.argv[1:]), SimpleHTTPClient(),
                 PureTransformer(lambda body: body.decode("utf-8", "replace") + "\n"),
                 ConsoleEchoer()).run()
    else:
        demonstrate()
