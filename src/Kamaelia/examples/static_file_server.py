"""A static file server, and a client of our own that asks it for files.

    python examples/static_file_server.py              # the demonstration below
    python examples/static_file_server.py site 8000    # serve the folder "site" on
                                                       # http://127.0.0.1:8000/ until Ctrl-C
                                                       # (the same as: kamaelia serve site)

prints::

    GET /hello.txt -> 200 text/plain: hello from Kamaelia
    GET /hello.txt (Range: bytes=6-13) -> 206 bytes 6-13/20: from Kam
    GET /hello.txt (If-None-Match: its ETag) -> 304
    GET /../secret.txt -> 400

``ServerCore`` makes an ``HTTPServer`` for each connection; ``createRequestHandler``
routes every path to ``MinimalFactory``, which makes a ``Minimal`` handler
per request serving the files of one folder (here a temporary one holding
``hello.txt``; nothing outside it is ever served).

The client is a threaded component (``http.client`` blocks, so it runs in
a thread of its own): it asks for the file, a byte range of it, the file
again only if it changed (it has not: 304), and a path that tries to climb
out of the folder (400). Then it sends ``producerFinished``, which is linked
to the server's "control", so the server shuts down and the program exits.
"""

import http.client
import sys
import tempfile
from pathlib import Path

from Axon.Ipc import producerFinished
from Axon.ThreadedComponent import threadedcomponent
from Kamaelia.Chassis.ConnectedServer import ServerCore
from Kamaelia.Protocol.HTTP.Handlers.Minimal import MinimalFactory
from Kamaelia.Protocol.HTTP.HTTPResourceGlue import createRequestHandler
from Kamaelia.Protocol.HTTP.HTTPServer import HTTPServer

EXAMPLE_STDIN = ""
EXAMPLE_EXPECT = """\
GET /hello.txt -> 200 text/plain: hello from Kamaelia
GET /hello.txt (Range: bytes=6-13) -> 206 bytes 6-13/20: from Kam
GET /hello.txt (If-None-Match: its ETag) -> 304
GET /../secret.txt -> 400
"""


def fileServer(folder: str, port: int = 0, host: str = "127.0.0.1",
               listing: bool = False) -> ServerCore:
    """A ServerCore serving the files of ``folder`` over HTTP."""
    routes = createRequestHandler([("/", MinimalFactory("index.html", folder, listing=listing))])
    return ServerCore(protocol=lambda **info: HTTPServer(routes, **info), port=port, host=host)


class Client(threadedcomponent):
    """Asks the server at ``port`` for a few things and prints what came back."""

    def __init__(self, port: int, host: str = "127.0.0.1") -> None:
        super().__init__()
        self.port = port
        self.host = host

    def fetch(self, path: str, note: str = "", **headers: str) -> http.client.HTTPResponse:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=10)
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            body = response.read().decode()
        finally:
            connection.close()
        status = str(response.status)
        if response.status == 200:
            status += f" {response.getheader('Content-Type', '').split(';')[0]}: {body.strip()}"
        elif response.status == 206:
            status += f" {response.getheader('Content-Range')}: {body}"
        print(f"GET {path}{note} -> {status}", flush=True)
        return response

    def main(self) -> None:
        first = self.fetch("/hello.txt")
        self.fetch("/hello.txt", " (Range: bytes=6-13)", Range="bytes=6-13")
        self.fetch("/hello.txt", " (If-None-Match: its ETag)",
                   **{"If-None-Match": first.getheader("ETag", "")})
        self.fetch("/../secret.txt")
        self.send(producerFinished(self), "signal")


def demonstrate(host: str = "127.0.0.1") -> None:
    """Serve a temporary folder on loopback address ``host`` and fetch from it."""
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "hello.txt").write_text("hello from Kamaelia\n")
        server = fileServer(folder, host=host)
        client = Client(server.port, host)
        client.link((client, "signal"), (server, "control"))    # client done: stop serving
        server.activate()
        client.run()


if __name__ == "__main__":
    if len(sys.argv) > 1:
        port = int(sys.argv[2]) if len(sys.argv) > 2 else 8000
        server = fileServer(sys.argv[1], port=port)
        print(f"Serving {Path(sys.argv[1]).resolve()} at http://127.0.0.1:{server.port}/", flush=True)
        try:
            server.run()
        except KeyboardInterrupt:
            pass
    else:
        demonstrate()
