"""The HTTP client against our own HTTP server, both in one scheduler.

``ServerCore`` counts the connections it is given (one protocol made per
connection), so keep-alive reuse is seen from the server's side.
"""

from __future__ import annotations

from typing import Any, Callable, Iterator

from Axon.Component import component
from Axon.Ipc import producerFinished
from Axon.Scheduler import scheduler
from componentharness import Collector
from Kamaelia.Chassis.ConnectedServer import ServerCore
from Kamaelia.Protocol.HTTP import HTTPResourceGlue
from Kamaelia.Protocol.HTTP.HTTPClient import (ParsedHTTPBodyChunk, ParsedHTTPHeader,
                                               SimpleHTTPClient, SingleShotHTTPClient)
from Kamaelia.Protocol.HTTP.HTTPServer import HTTPServer

PIECES = 200


class Pieces(component):
    """Answers with PIECES numbered pieces and no length: a chunked response."""

    def __init__(self, request: dict[str, Any]) -> None:
        super().__init__()
        self.request = request

    def main(self) -> Iterator[int]:
        self.send({"statuscode": "200", "type": "text/plain", "data": "start;"}, "outbox")
        for i in range(PIECES):
            while len(self.outboxes["outbox"]) >= 4:      # 1.14's way of not running ahead
                self.pause()
                yield 1
            self.send({"data": f"{i};"}, "outbox")
            yield 1
        self.send(producerFinished(self), "signal")


class Moved(Pieces):
    def main(self) -> Iterator[int]:
        self.send({"statuscode": "307", "headers": [("Location", "/pieces")],
                   "data": "", "complete": True}, "outbox")
        self.send(producerFinished(self), "signal")
        yield 1


class StopsServer(Collector):
    """A Collector that, once it has ended, tells the server to stop."""

    def __init__(self, server: ServerCore) -> None:
        super().__init__()
        self.server = server

    def main(self) -> Iterator[Any]:
        yield from super().main()
        self.server._deliver(producerFinished(), "control")


def serve(makeClient: Callable[[str], component], inbox: tuple[str, ...] = ()) -> tuple[Collector, list[int]]:
    made: list[int] = []
    routes = HTTPResourceGlue.createRequestHandler([("/pieces", Pieces), ("/moved", Moved)])

    def protocol(**info: Any) -> Any:
        made.append(1)
        return HTTPServer(routes, **info)

    server = ServerCore(protocol=protocol, port=0, host="127.0.0.1")
    base = f"http://127.0.0.1:{server.port}"
    client = makeClient(base)
    sink = StopsServer(server)
    client.inboxes["inbox"].extend(base + path for path in inbox)
    client.inboxes["control"].append(producerFinished())
    client.link((client, "outbox"), (sink, "inbox"))
    client.link((client, "signal"), (sink, "control"))
    for c in (server, client, sink):
        c.activate()
    watchdog = scheduler.run.callLater(20, scheduler.run.stop)
    scheduler.run.runThreads()
    watchdog.cancel()
    assert server._isStopped()
    return sink, made


EXPECTED = ("start;" + "".join(f"{i};" for i in range(PIECES))).encode()


def test_simple_client_reuses_one_connection_to_our_server() -> None:
    sink, made = serve(lambda base: SimpleHTTPClient(), ("/pieces", "/moved", "/pieces"))
    assert sink.got == [EXPECTED] * 3
    assert len(made) == 1


def test_single_shot_streams_our_chunked_response_after_a_307() -> None:
    sink, made = serve(lambda base: SingleShotHTTPClient(base + "/moved"))
    header = sink.got[1]
    assert isinstance(header, ParsedHTTPHeader)
    assert header.header["headers"]["transfer-encoding"] == "chunked"
    chunks = [m.bodychunk for m in sink.got if isinstance(m, ParsedHTTPBodyChunk)]
    assert b"".join(chunks) == EXPECTED and len(chunks) > 1
    assert len(made) == 1
