"""Kamaelia.Protocol.HTTP: an HTTP/1.1 server and client, WSGI hosting and Icecast streams.

Example Usage
-------------
Serve requests by path prefix (each request gets its own handler component)::

    from Kamaelia.Chassis.ConnectedServer import ServerCore
    from Kamaelia.Protocol.HTTP.ErrorPages import ErrorPageHandler
    from Kamaelia.Protocol.HTTP.HTTPResourceGlue import createRequestHandler
    from Kamaelia.Protocol.HTTP.HTTPServer import HTTPServer

    routes = createRequestHandler([("/", lambda request: ErrorPageHandler(404, "empty"))])
    server = ServerCore(protocol=lambda **info: HTTPServer(routes, **info),
                        port=0, host="127.0.0.1")
    print("listening on", server.port)

The modules
-----------
* ``HTTPServer`` -- ``HTTPServer(createRequestHandler)``:
  one connection, on h11 (keep-alive, pipelining, chunked bodies,
  100-continue, streamed bodies, limits, WebSocket upgrades).
* ``HTTPResourceGlue`` -- routing by path prefix.
* ``HTTPParser`` -- 1.14's parser component and
  its ``ParsedHTTP...`` messages.
* ``HTTPRequestHandler`` -- 1.14's response half of
  a server, for code that wires the parts itself.
* ``ErrorPages`` -- error pages and their handler.
* ``MimeTypes`` -- the MIME type of a file name.
* ``Handlers`` -- ready-made request handlers
  (static files, a session example).
* ``WSGI`` -- host a WSGI application (Flask, ...)
  on a path.
* ``HTTPClient`` -- ``SimpleHTTPClient``,
  ``SingleShotHTTPClient`` and their messages.
* ``HTTPHelpers`` -- ``HTTPMakePostRequest``.
* ``IcecastClient`` -- Icecast/SHOUTcast streams
  with their metadata.

WebSocket connections are in :mod:`Kamaelia.Protocol.WebSocket`.
"""
