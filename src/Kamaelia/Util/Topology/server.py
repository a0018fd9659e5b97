"""The live topology page: serve a running system's graph to web browsers.

Example Usage
-------------
Serve the page of a running system on a port the system chooses, and read
what a page would get (here with the ``websockets`` library's client, in
place of a browser)::

    import json
    import threading

    from websockets.sync.client import connect

    from Axon.Scheduler import scheduler
    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.IPC import serverShutdown
    from Kamaelia.Util.Clock import CheapAndCheerfulClock
    from Kamaelia.Util.NullSink import nullSinkComponent
    from Kamaelia.Util.Topology.server import TopologyServer

    ticking = Pipeline(CheapAndCheerfulClock(0.1), nullSinkComponent()).activate()
    server = TopologyServer(port=0).activate()
    print("open", server.url)
    running = threading.Thread(target=scheduler.run.runThreads)
    running.start()
    with connect(f"ws://127.0.0.1:{server.port}/ws") as page:
        graph = json.loads(page.recv(timeout=10))
    print(graph["type"], sorted(n["class"].rsplit(".", 1)[1] for n in graph["nodes"]))
    server._deliver(serverShutdown(), "control")           # (thread-safe)
    ticking._deliver(serverShutdown(), "control")
    running.join()

prints ``open http://127.0.0.1:<port>/`` and then ``graph
['CheapAndCheerfulClock', 'Pipeline', 'nullSinkComponent']``. In a program,
``Introspector.serve(port)`` (:meth:`Axon.Introspector.Introspector.serve`)
does the first line's work: it makes and activates a ``TopologyServer``.

How does it work?
-----------------
``TopologyServer(port=0, host="127.0.0.1", interval=0.5, rates=True)`` makes a
:class:`~Kamaelia.Chassis.ConnectedServer.ServerCore` at once (so ``port``
is the real port, and a port in use raises ``OSError`` there) running
Kamaelia's HTTP server (:mod:`Kamaelia.Protocol.HTTP.HTTPServer`) with
these routes:

* ``/`` -- the page, ``web/topology.html`` (package data); ``/topology.js``
  and ``/topology.css`` -- its script and style. Nothing else is loaded,
  from here or from anywhere;
* ``/ws`` -- the page's WebSocket (a
  :class:`~Kamaelia.Protocol.WebSocket.WebSocketRoute`): each one gets a
  :class:`PageConnection` component, fed by the server.

Once activated it runs the HTTP server as its child and, every
``interval`` seconds, in the scheduler's thread, takes a
:func:`~Kamaelia.Util.Topology.snapshot.takeSnapshot` of the system it runs
in, leaving itself out (its HTTP server, the connections and the pages'
components are not drawn). With ``rates`` it also turns on the scheduler's
statistics (:mod:`Axon.Statistics`; ``sampleEvery`` is passed to their
``enable``, and they are turned off again when the server ends) and shows
how often each component runs and how many messages each inbox takes, per
second; statistics that the program turned on itself are used as they are
and left on. When the snapshot differs from the last one, the
difference goes to every page as one JSON text message; nothing is sent
while nothing changes. A page that joins gets a fresh snapshot of
everything first (a ``"graph"`` message), then the changes from there.

The messages (JSON objects):

* ``{"type": "graph", "nodes": [...], "links": [...], "queues": [...],
  "classes": {...}, "measured": true, "runs": [...], "rates": [...]}`` --
  everything: replace what you have;
* ``{"type": "changes", "nodes": [...], "gone": [...], "links": [...],
  "unlinked": [...], "queues": [...], "classes": {...}, "measured": true,
  "runs": [...], "rates": [...]}`` -- nodes added or changed, ids of nodes
  gone, links added and removed, queue lengths changed, classes not seen
  before, rates changed.

A node is ``{"id", "name", "class", "parent" (an id or null), "inboxes",
"outboxes"}`` (box names); a link ``{"from": [id, "o", box], "to": [id,
"i", box], "passthrough": 0}`` (1: parent's inbox to child's inbox, 2:
child's outbox to parent's outbox); a queue entry ``[id, "i" or "o", box,
length]`` (a box not listed has nothing waiting); a class ``{"doc",
"inboxes", "outboxes"}`` (its docstring, and its boxes' descriptions).
``measured`` says whether rates are measured; a ``runs`` entry is ``[id,
runs a second]``, a ``rates`` entry ``[id, "i", inbox, messages taken a
second]`` (over the last interval, two significant digits; one not listed
is 0).

A page that falls behind (more than :data:`BACKLOG` messages waiting for
its WebSocket) is not sent the changes it cannot take: once it catches up
it gets a whole ``"graph"`` again, so a stalled browser costs one pending
snapshot, not an ever-growing queue.

Shutdown
--------
``serverShutdown``, ``producerFinished`` or ``shutdownMicroprocess`` on
``"control"``: the listening socket is closed and every page's WebSocket
with it (the pages say they are disconnected and try to reconnect); once
the HTTP server has ended, the message is passed on out of ``"signal"`` and
the server ends. A server made but never activated gives its port back
with :meth:`TopologyServer.close`.

What it does not do: no authentication (it serves on the loopback address
by default: a page shows every component's name and docstring); TLS only
if given ServerCore's ``sslContext``. The rates are the statistics'
estimates: runs are exact, messages taken are sampled (about one round in
``sampleEvery``, 64 by default), so a quiet component's message rate is
rough; ``sampleEvery=1`` makes it exact at a higher cost.
"""

from __future__ import annotations

import json
import logging
from functools import lru_cache
from importlib.resources import files
from typing import Any, Iterator

from Axon.AdaptiveCommsComponent import AdaptiveCommsComponent
from Axon.Component import component
from Axon.Ipc import producerFinished, shutdownMicroprocess
from Kamaelia.Chassis.ConnectedServer import ServerCore
from Kamaelia.Protocol.HTTP.ErrorPages import ErrorPageHandler
from Kamaelia.Protocol.HTTP.HTTPResourceGlue import createRequestHandler
from Kamaelia.Protocol.HTTP.HTTPServer import HTTPServer
from Kamaelia.Protocol.WebSocket import WebSocketRoute
from Kamaelia.Util.OneShot import OneShot

from Kamaelia.Util.Topology.snapshot import (RateMeter, Snapshot, changes, takeSnapshot,
                                             wholeGraph)

__all__ = ["TopologyServer", "PageConnection", "asset", "WEBSOCKET_PATH", "BACKLOG"]

log = logging.getLogger("Kamaelia.Util.Topology")

#: The path of the page's WebSocket.
WEBSOCKET_PATH = "/ws"
#: A page with more messages than this waiting for its WebSocket is resent
#: the whole graph once it catches up, instead of every change.
BACKLOG = 8

#: The files served, by path: (file in web/, its media type).
_ASSETS = {"/": ("topology.html", "text/html"),
           "/topology.js": ("topology.js", "text/javascript"),
           "/topology.css": ("topology.css", "text/css")}


@lru_cache(maxsize=None)
def asset(name: str) -> str:
    """asset(name) -> the text of ``web/<name>`` (the page, its script or its style)"""
    return (files("Kamaelia.Util.Topology") / "web" / name).read_text(encoding="utf-8")


def _assetHandler(request: dict[str, Any]) -> component:
    """The handler answering a request for one of the page's files (or 404)."""
    path = request.get("non-query-uri") or "/"
    if path == "/index.html":
        path = "/"
    if path not in _ASSETS:
        return ErrorPageHandler(404, f"nothing at {path}")
    name, mediaType = _ASSETS[path]
    return OneShot({"statuscode": "200", "type": mediaType, "charset": "utf-8",
                    "headers": [("Cache-Control", "no-cache")], "data": asset(name),
                    "complete": True})


def _checkSampleEvery(sampleEvery: Any) -> None:
    if sampleEvery is not None and (isinstance(sampleEvery, bool) or
                                    not isinstance(sampleEvery, int) or sampleEvery < 1):
        raise ValueError(f"TopologyServer: sampleEvery must be None or an int >= 1, "
                         f"not {sampleEvery!r}")


def _checkedInterval(interval: Any) -> float:
    if isinstance(interval, bool) or not isinstance(interval, (int, float)) or \
            not 0 < interval < float("inf"):
        raise ValueError(f"TopologyServer: interval must be a number of seconds > 0, "
                         f"not {interval!r}")
    return float(interval)


class PageConnection(component):
    """PageConnection(snapshotNow) -> the server's end of one page's WebSocket

    - snapshotNow -- called with no arguments, returns the current graph as
      JSON text (to resend to a page that fell behind)

    Passes the server's JSON messages from ``"updates"`` to the page (its
    ``"outbox"``, the WebSocket); see :data:`BACKLOG` for a page that falls
    behind. What the page sends is ignored. Ends on ``shutdownMicroprocess``
    or ``producerFinished`` on ``"control"`` (the WebSocket has closed).
    """

    Inboxes = {"inbox": "messages from the page (ignored)",
               "control": "shutdownMicroprocess or producerFinished: the WebSocket closed",
               "updates": "the topology server's JSON messages for the page"}
    Outboxes = {"outbox": "JSON text messages to the page",
                "signal": "not used (the WebSocket ends the connection)"}

    def __init__(self, snapshotNow: Any) -> None:
        super().__init__()
        self.snapshotNow = snapshotNow
        self.behind = False

    def main(self) -> Iterator[int]:
        while not self._closed():
            self.inboxes["inbox"].clear()
            self._forward()
            if not self.anyReady():
                self.pause()
            yield 1

    def _closed(self) -> bool:
        for message in self.Inbox("control"):
            if isinstance(message, (producerFinished, shutdownMicroprocess)):
                return True
        return False

    def _forward(self) -> None:
        queue = self.outboxes["outbox"]
        if self.behind and len(queue) < BACKLOG:
            self.behind = False
            self.inboxes["updates"].clear()         # (the whole graph has all they say)
            self.send(self.snapshotNow(), "outbox")
        while self.dataReady("updates"):
            if len(queue) >= BACKLOG:
                self.inboxes["updates"].clear()
                if not self.behind:
                    self.behind = True
                    queue.sink.notifyOnTake(self.unpause)   # woken as the page catches up
                return
            self.send(self.recv("updates"), "outbox")


class TopologyServer(AdaptiveCommsComponent):
    """TopologyServer(port=0, host="127.0.0.1", interval=0.5, **options) -> serves the live page

    - port     -- the TCP port (0: one the system chooses; see ``port``)
    - host     -- the address to listen on ("127.0.0.1": this machine only)
    - interval -- seconds between snapshots (a number > 0)
    - rates    -- measure runs and messages a second (turns the scheduler's
      statistics on while it runs, unless they are on already)
    - sampleEvery -- passed to ``scheduler.statistics.enable`` (None: its default)
    - options  -- ServerCore's options (e.g. ``sslContext``, ``maxConnections``)

    Attributes: ``port`` (the real port), ``url`` (the page's address),
    ``snapshot`` (the last :class:`~Kamaelia.Util.Topology.snapshot.Snapshot`).
    """

    Inboxes = {"inbox": "not used",
               "control": "serverShutdown, producerFinished or shutdownMicroprocess: stop",
               "_httpSignal": "the HTTP server's signal, once it has stopped"}
    Outboxes = {"outbox": "not used",
                "signal": "the shutdown message, passed on once the HTTP server has stopped",
                "_httpControl": "shutdown for the HTTP server"}

    def __init__(self, port: int = 0, host: str | None = "127.0.0.1", interval: float = 0.5,
                 rates: bool = True, sampleEvery: int | None = None, **options: Any) -> None:
        self.interval = _checkedInterval(interval)
        _checkSampleEvery(sampleEvery)
        super().__init__()
        self.rates, self.sampleEvery = bool(rates), sampleEvery
        self.meter = RateMeter()
        self._enabledStatistics = False
        routes = createRequestHandler([(WEBSOCKET_PATH, WebSocketRoute(self._newPage)),
                                       ("/", _assetHandler)])
        self.http = ServerCore(protocol=lambda **info: HTTPServer(routes, **info),
                               port=port, host=host, **options)
        self.port: int = self.http.port
        self.host = host
        self.snapshot = Snapshot()
        self.pages: dict[PageConnection, str] = {}

    @property
    def url(self) -> str:
        """The page's address (on the loopback address when serving on every one)."""
        host = self.host if self.host not in (None, "", "0.0.0.0", "::") else "127.0.0.1"
        if ":" in str(host):
            host = f"[{host}]"
        scheme = "https" if self.http.sslContext is not None else "http"
        return f"{scheme}://{host}:{self.port}/"

    def close(self) -> None:
        """Give the port back, for a server that is never activated."""
        self.http.close()

    # ------------------------------------------------------------- main
    def main(self) -> Iterator[int]:
        self.link((self, "_httpControl"), (self.http, "control"))
        self.link((self.http, "signal"), (self, "_httpSignal"))
        self.addChildren(self.http)
        self.http.activate()
        self._startStatistics()
        try:
            while not self._stopRequested():
                self.look()
                self.pause(self.interval)
                yield 1
            while not self.dataReady("_httpSignal"):
                self.pause()
                yield 1
        finally:
            self._stopStatistics()
        self._dropPages()
        self.removeChild(self.http)
        self.send(self.recv("_httpSignal"), "signal")

    def _startStatistics(self) -> None:
        """Turn the scheduler's statistics on for the rates, unless they are on
        already (then the program's settings are left alone)."""
        statistics = getattr(self.scheduler, "statistics", None)
        if not self.rates or statistics is None or statistics.enabled:
            return
        if self.sampleEvery is None:
            statistics.enable()
        else:
            statistics.enable(sampleEvery=self.sampleEvery)
        self._enabledStatistics = True

    def _stopStatistics(self) -> None:
        if self._enabledStatistics:
            self._enabledStatistics = False
            self.scheduler.statistics.disable()

    def _stopRequested(self) -> bool:
        """Pass the first shutdown message on "control" to the HTTP server."""
        for message in self.Inbox("control"):
            if isinstance(message, (producerFinished, shutdownMicroprocess)):
                self.send(message, "_httpControl")
                return True
            log.warning("%s ignored an unexpected message on 'control': %r",
                        self.name, message)
        return False

    def look(self) -> None:
        """Take a snapshot now and send what changed to every page."""
        self._forgetClosedPages()
        snapshot = takeSnapshot(self.scheduler, hidden=[self],
                                meter=self.meter if self.rates else None)
        message = changes(self.snapshot, snapshot)
        self.snapshot = snapshot
        if message is not None and self.pages:
            text = json.dumps(message, separators=(",", ":"))
            for outbox in self.pages.values():
                self.send(text, outbox)

    def graphNow(self) -> str:
        """The last snapshot, whole, as a ``"graph"`` message (JSON text)."""
        return json.dumps(wholeGraph(self.snapshot), separators=(",", ":"))

    # ------------------------------------------------------------ pages
    def _newPage(self) -> PageConnection:
        """A page's WebSocket is open (called in the scheduler's thread, by its
        connection): bring every page up to date, then send it everything."""
        self.look()
        page = PageConnection(self.graphNow)
        outbox = self.addOutbox("page")
        self.link((self, outbox), (page, "updates"))
        self.pages[page] = outbox
        self.send(self.graphNow(), outbox)
        return page

    def _forgetClosedPages(self) -> None:
        for page in [page for page in self.pages if page._isStopped()]:
            self._forget(page)

    def _forget(self, page: PageConnection) -> None:
        self.deleteOutbox(self.pages.pop(page))

    def _dropPages(self) -> None:
        for page in list(self.pages):
            self._forget(page)


__kamaelia_components__ = (TopologyServer, PageConnection)
