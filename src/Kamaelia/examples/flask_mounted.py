"""A Flask application mounted on a Kamaelia web server, next to a Kamaelia route.

    python examples/flask_mounted.py          # the demonstration below
    python examples/flask_mounted.py 8080     # serve on port 8080 until Ctrl-C
                                              # (try: curl localhost:8080/flask/hello?name=you)

prints::

    /flask/hello?name=Kamaelia: Hello, Kamaelia, from Flask (mounted at /flask)
    /flask/add (POST): {"sum":6}
    /kamaelia: Hello from a Kamaelia component

``WSGIHandler(app)`` makes a Kamaelia 1.14 style handler factory out of any
WSGI application: the URL table maps ``/flask`` to it (Flask sees
``/flask`` as ``SCRIPT_NAME`` and the rest as its own path) and
``/kamaelia`` to an ordinary Kamaelia request handler. Flask's views run
in a thread pool, so a slow view never holds up the server's other
connections.

A ``SimpleHTTPClient`` in the same program fetches the three pages, one
after the other over one kept-alive connection, and the last stage prints
them. When it has finished, the server is told to stop.
"""

import sys
from typing import Any, Iterator

from flask import Flask, jsonify, request

from Axon.Component import component
from Axon.Ipc import producerFinished
from Axon.Scheduler import scheduler
from Kamaelia.Chassis.ConnectedServer import ServerCore
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.Protocol.HTTP import HTTPResourceGlue
from Kamaelia.Protocol.HTTP.HTTPClient import SimpleHTTPClient
from Kamaelia.Protocol.HTTP.HTTPServer import HTTPServer
from Kamaelia.Protocol.HTTP.WSGI import WSGIHandler
from Kamaelia.Util.Console import ConsoleEchoer
from Kamaelia.Util.DataSource import DataSource
from Kamaelia.Util.PureTransformer import PureTransformer

EXAMPLE_STDIN = ""
EXAMPLE_EXPECT = ("/flask/hello?name=Kamaelia: Hello, Kamaelia, from Flask (mounted at /flask)\n"
                  '/flask/add (POST): {"sum":6}\n'
                  "/kamaelia: Hello from a Kamaelia component\n")

app = Flask(__name__)


@app.route("/hello")
def hello() -> str:
    return f"Hello, {request.args.get('name', 'stranger')}, from Flask (mounted at {request.script_root})"


@app.post("/add")
def add() -> Any:
    return jsonify(sum=sum(request.get_json()))


class KamaeliaPage(component):
    """A 1.14-style request handler: one response, then producerFinished."""

    def __init__(self, request: dict[str, Any]) -> None:
        super().__init__()
        self.request = request

    def main(self) -> Iterator[int]:
        self.send({"statuscode": "200", "type": "text/plain",
                   "data": "Hello from a Kamaelia component"}, "outbox")
        self.send(producerFinished(self), "signal")
        yield 1


def routes() -> Any:
    return HTTPResourceGlue.createRequestHandler([("/flask", WSGIHandler(app)),
                                                  ("/kamaelia", KamaeliaPage)])


def demonstrate(host: str = "127.0.0.1") -> None:
    """Serve and fetch on loopback address ``host``."""
    handler = routes()
    server = ServerCore(protocol=lambda **info: HTTPServer(handler), port=0, host=host)
    base = f"http://{host}:{server.port}"
    asked: list[Any] = [base + "/flask/hello?name=Kamaelia",
             {"url": base + "/flask/add", "postbody": b"[1, 2, 3]",
              "extraheaders": {"Content-Type": "application/json"}},
             base + "/kamaelia"]
    labels = iter(["/flask/hello?name=Kamaelia", "/flask/add (POST)", "/kamaelia"])
    clients = Pipeline(DataSource(asked), SimpleHTTPClient(),
                       PureTransformer(lambda body: f"{next(labels)}: {body.decode().strip()}\n"),
                       ConsoleEchoer())
    clients.link((clients, "signal"), (server, "control"))       # done: stop serving
    server.activate()
    clients.activate()
    scheduler.run.runThreads()


if __name__ == "__main__":
    if len(sys.argv) > 1:
        handler = routes()
        ServerCore(protocol=lambda **info: HTTPServer(handler), port=int(sys.argv[1])).run()
    else:
        demonstrate()
