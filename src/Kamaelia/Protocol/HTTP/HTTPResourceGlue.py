"""Kamaelia.Protocol.HTTP.HTTPResourceGlue: pick a request handler by path prefix.

Example Usage
-------------
A routing table of ``(prefix, handler factory)`` pairs becomes the
``createRequestHandler`` an :func:`~Kamaelia.Protocol.HTTP.HTTPServer.HTTPServer`
needs::

    from Kamaelia.Chassis.ConnectedServer import ServerCore
    from Kamaelia.Protocol.HTTP.ErrorPages import ErrorPageHandler
    from Kamaelia.Protocol.HTTP.HTTPResourceGlue import createRequestHandler
    from Kamaelia.Protocol.HTTP.HTTPServer import HTTPServer

    routes = createRequestHandler([
        ("/private", lambda request: ErrorPageHandler(403, "keep out")),
        ("/", lambda request: ErrorPageHandler(404, request["uri-suffix"])),
    ])
    server = ServerCore(protocol=lambda **info: HTTPServer(routes, **info),
                        port=0, host="127.0.0.1")
    print("routes ready on port", server.port)

How does it work?
-----------------
``createRequestHandler(URLHandlers)`` (a list of ``(prefix, factory)``
pairs) returns a function ``route(request)``: the *longest* prefix that
starts the request's ``raw-uri`` wins; ``request["uri-prefix-trigger"]`` is
set to it and ``request["uri-suffix"]`` to the rest of the ``raw-uri``, and
the factory is called with the request. Nothing matching: a 404 page
handler; a request marked ``bad``: a 400 one. A factory that is a
WebSocket route (it has a ``makeConnection`` method, like
:class:`Kamaelia.Protocol.WebSocket.WebSocketRoute`) is returned itself,
not called: the server upgrades the connection with it.

``createRequestHandler(request)`` with a request dictionary is 1.14's
form: it routes with this module's own ``URLHandlers`` list, which is empty
until you fill it (1.14's listed demonstration handlers serving
``htdocs/``; put ``("/", MinimalFactory(...))`` from
:mod:`Kamaelia.Protocol.HTTP.Handlers.Minimal` there for that).

What it does not do: decode ``%``-escapes or normalise the path (handlers
that map paths to files must, as ``Handlers.Minimal`` does).
"""

from __future__ import annotations

from typing import Any, Sequence

from Kamaelia.Protocol.HTTP.ErrorPages import ErrorPageHandler

__all__ = ["createRequestHandler", "URLHandlers"]

#: 1.14's module-level routing table, used by ``createRequestHandler(request)``.
URLHandlers: list[Sequence[Any]] = []


def _route(table: Sequence[Sequence[Any]], request: dict[str, Any]) -> Any:
    if request.get("bad"):
        return ErrorPageHandler(400, str(request.get("errormsg", request.get("error-msg", ""))))
    uri = request.get("raw-uri", "")
    best: Sequence[Any] | None = None
    for entry in table:
        prefix = entry[0]
        if uri.startswith(prefix) and (best is None or len(prefix) > len(best[0])):
            best = entry
    if best is None:
        return ErrorPageHandler(404, "No resource handler could be found for the requested URL.")
    prefix, factory = best[0], best[1]
    request["uri-prefix-trigger"] = prefix
    request["uri-suffix"] = uri[len(prefix):]
    if hasattr(factory, "makeConnection"):       # a WebSocket route: the server upgrades
        return factory
    return factory(request)


def createRequestHandler(request: Any) -> Any:
    """createRequestHandler(URLHandlers) -> route(request), or createRequestHandler(request)
    -> a handler (1.14: routed by the module's ``URLHandlers``)

    - URLHandlers -- a list of ``(prefix, factory)`` pairs, ``factory(request)``
      making the handler component (or a WebSocket route)
    """
    if isinstance(request, dict):
        return _route(URLHandlers, request)
    if isinstance(request, (str, bytes)) or not hasattr(request, "__iter__"):
        raise TypeError("createRequestHandler: give a list of (prefix, factory) pairs "
                        f"(or a request dictionary), not {request!r}")
    table = [tuple(entry) for entry in request]
    for entry in table:
        if len(entry) != 2 or not isinstance(entry[0], str) or not (
                callable(entry[1]) or hasattr(entry[1], "makeConnection")):
            raise ValueError("createRequestHandler: each entry must be (prefix, factory), "
                             f"not {entry!r}")

    def route(request: dict[str, Any]) -> Any:
        return _route(table, request)

    route.URLHandlers = table       # type: ignore[attr-defined]   # for introspection
    return route


