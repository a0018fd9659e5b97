"""Kamaelia.Protocol.WebSocket: a browser talking to a Kamaelia component.

Example Usage
-------------
A component that answers every message, behind a WebSocket on a port the
system chooses; a client (here the ``websockets`` library's, standing in
for a browser) sends a message and prints the answer::

    import threading

    from websockets.sync.client import connect

    from Axon.Scheduler import scheduler
    from Kamaelia.IPC import serverShutdown
    from Kamaelia.Protocol.WebSocket import WebSocketServer
    from Kamaelia.Util.PureTransformer import PureTransformer

    server = WebSocketServer(lambda: PureTransformer(str.upper), port=0, path="/shout")
    server.activate()
    running = threading.Thread(target=scheduler.run.runThreads)
    running.start()
    with connect(f"ws://127.0.0.1:{server.port}/shout") as websocket:
        websocket.send("hello")
        print(websocket.recv(timeout=10))
    server._deliver(serverShutdown(), "control")      # (thread-safe)
    running.join()

prints ``HELLO``. In a page, the same is
``new WebSocket("ws://" + location.host + "/shout")``.

Each connection gets its own component, made by the factory (here a
``PureTransformer``) once the browser's handshake is accepted: its "inbox"
receives each message (``str`` for a text message, ``bytes`` for a binary
one), what it sends on "outbox" goes to the browser the same way, and
``producerFinished`` on its "signal" closes the WebSocket (code 1000).
When the browser closes, the component is sent ``shutdownMicroprocess``.

To serve the page and the socket on one port, give the HTTP server's URL
handlers a :class:`~Kamaelia.Protocol.WebSocket.protocol.WebSocketRoute`
(``("/shout", WebSocketRoute(factory))``): a request there that asks to
upgrade becomes a WebSocket.

Modules
-------
* ``protocol`` -- ``WebSocketProtocol`` (one connection, as a component),
  ``WebSocketRoute`` (a route of the HTTP server), ``WebSocketServer`` (a
  ``ServerCore`` of WebSockets), their options and close codes
* ``session`` -- ``WebSocketSession``: the server end of one WebSocket as a
  plain object (bytes in, messages out), over ``wsproto``

The names of both are importable from here. ``wsproto`` does the wire
format, the handshake's checks and permessage-deflate; see the modules for
the limits (message size, back-pressure, keep-alive pings, timeouts).
"""

from Kamaelia.Protocol.WebSocket.protocol import (OPTIONS, WebSocketProtocol, WebSocketRoute,
                                                  WebSocketServer, checkOptions)
from Kamaelia.Protocol.WebSocket.session import Message, WebSocketSession

__all__ = ["WebSocketProtocol", "WebSocketRoute", "WebSocketServer", "WebSocketSession",
           "Message", "OPTIONS", "checkOptions"]
