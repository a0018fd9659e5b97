"""HTTP helpers: request translators, URI "popping" and routing tables for HTTPServer.

Example Usage
-------------
Route requests by URI prefix, and move down one level of the path::

    from Kamaelia.Support.Protocol.HTTP import PopKamaeliaURI, requestHandlers

    def hello(request):
        return f"handler for {request['uri-prefix-trigger']!r}, rest {request['uri-suffix']!r}"

    def error(code, message):
        return f"{code}: {message}"

    route = requestHandlers([["/hello", hello]], errorhandler=error)
    print(route({"non-query-uri": "/hello/world", "raw-uri": "/hello/world"}))
    # handler for '/hello', rest '/world'
    print(route({"non-query-uri": "/nowhere", "raw-uri": "/nowhere"}))
    # 404: No resource handler found for URI /nowhere

    request = {"uri-prefix-trigger": "/hello", "uri-suffix": "/world/page",
               "non-query-uri": "/hello/world/page"}
    PopKamaeliaURI(request)
    print(request["uri-prefix-trigger"], request["uri-suffix"])     # /hello/world /page

How does it work?
-----------------
The HTTP server of ``Kamaelia.Protocol.HTTP`` describes each request as a
dictionary (``method``, ``raw-uri``, ``non-query-uri``, ``headers``,
``peer``, ``uri-prefix-trigger``, ``uri-suffix``, ...). These functions
work on such dictionaries:

* :func:`requestHandlers` ``(routing, errorhandler=None)`` makes the
  ``createRequestHandler(request)`` function the server calls for each
  request: ``routing`` is a list of ``[prefix, handler factory]`` pairs,
  tried in order; the first prefix that starts the request's
  ``non-query-uri`` wins, and its factory is called with the request, after
  ``uri-prefix-trigger`` (the prefix) and ``uri-suffix`` (the rest) are set
  in it. A request marked ``bad`` gets ``errorhandler(400, errormsg)``, one
  that no prefix matches ``errorhandler(404, message)``. Without an
  ``errorhandler`` the server's own ``ErrorPageHandler`` is used (imported
  from ``Kamaelia.Protocol.HTTP.ErrorPages`` when first needed).
* :func:`HTTPProtocol` ``(routing, errorhandler=None)`` makes a factory of
  ``HTTPServer`` components using such a routing table, to give to
  ``ServerCore(protocol=...)``. It needs ``Kamaelia.Protocol.HTTP`` (the
  server), imported when the factory is first called.
* :func:`ReqTranslatorFactory` ``(hand, trans)`` makes a handler factory
  that passes each request through ``trans`` before ``hand`` sees it.
* :func:`WSGILikeTranslator` ``(request)`` returns the subset of a WSGI
  ``environ`` (PEP 3333) the request gives: ``REQUEST_METHOD``,
  ``REQUEST_URI``, ``SCRIPT_NAME``, ``PATH_INFO``, ``QUERY_STRING``,
  ``NON_QUERY_URI``, ``CONTENT_TYPE``, ``CONTENT_LENGTH``, ``SERVER_NAME``,
  ``SERVER_PORT``, ``SERVER_PROTOCOL``, ``SERVER_SOFTWARE``,
  ``REMOTE_ADDR``, ``REMOTE_PORT``, ``wsgi.url_scheme`` and an
  ``HTTP_<NAME>`` entry for each header (:func:`ConvertHeaders`).
* :func:`PopURI` ``(request, sn_key, pi_key, ru_key)`` moves the first
  segment of the path under ``pi_key`` to the end of the one under
  ``sn_key`` (``ru_key`` is the whole path, used when ``sn_key`` is still
  empty): one level down the server's "file system".
  :func:`PopWsgiURI` does it for a WSGI dictionary (``SCRIPT_NAME``,
  ``PATH_INFO``, ``NON_QUERY_URI``) and :func:`PopKamaeliaURI` for a
  request (``uri-prefix-trigger``, ``uri-suffix``, ``non-query-uri``).
  When there is nothing left to move it changes nothing.
* :func:`checkSlashes` ``(item, sl_char="/")`` makes a path start with a
  slash and not end with one.

What it does not do: these are pure functions on dictionaries; they open no
connections and parse no HTTP.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, MutableMapping, Sequence

__all__ = ["ReqTranslatorFactory", "WSGILikeTranslator", "ConvertHeaders", "PopURI",
           "PopWsgiURI", "PopKamaeliaURI", "HTTPProtocol", "requestHandlers", "checkSlashes"]

Request = MutableMapping[str, Any]

#: What WSGILikeTranslator reports as SERVER_SOFTWARE (1.14's value).
SERVER_SOFTWARE = "Kamaelia HTTPServer/0.6.0"


def ReqTranslatorFactory(hand: Callable[[Any], Any],
                         trans: Callable[[Request], Any]) -> Callable[[Request], Any]:
    """A handler factory: ``hand(trans(request))`` for each request."""
    def _getHandler(request: Request) -> Any:
        return hand(trans(request))
    return _getHandler


def WSGILikeTranslator(request: Request) -> dict[str, Any]:
    """The WSGI-style ``environ`` dictionary for an HTTPServer request."""
    environ: dict[str, Any] = {}
    environ["REQUEST_METHOD"] = request["method"]
    environ["REQUEST_URI"] = request["raw-uri"]
    script = request["uri-prefix-trigger"]
    if not script.startswith("/"):
        script = "/" + script
    elif script == "/":
        script = ""
    environ["SCRIPT_NAME"] = script
    path = request["uri-suffix"]
    if path and not path.startswith("/"):
        path = "/" + path
    environ["PATH_INFO"] = path

    raw = request["raw-uri"]
    if "?" in raw:
        environ["QUERY_STRING"] = raw.split("?")[1]
        environ["PATH_INFO"] = environ["PATH_INFO"].split("?", 1)[0]
        environ["NON_QUERY_URI"] = raw[:raw.index("?")]
    else:
        environ["QUERY_STRING"] = ""
        environ["NON_QUERY_URI"] = raw

    headers = request["headers"]
    environ["CONTENT_TYPE"] = headers.get("content-type", "")
    environ["CONTENT_LENGTH"] = headers.get("content-length", "")

    server = request["uri-server"].split(":")
    environ["SERVER_NAME"] = server[0]
    environ["SERVER_PORT"] = server[1] if len(server) > 1 else ""
    environ["SERVER_PROTOCOL"] = f"{request['protocol']}/{request['version']}"
    environ["SERVER_SOFTWARE"] = SERVER_SOFTWARE
    environ["REMOTE_ADDR"] = request["peer"]
    environ["REMOTE_PORT"] = request["peerport"]
    environ["wsgi.url_scheme"] = request["uri-protocol"].lower()
    ConvertHeaders(request, environ)
    return environ


def ConvertHeaders(request: Request, environ: MutableMapping[str, Any]) -> None:
    """Add an ``HTTP_<NAME>`` entry to ``environ`` for each of the request's
    headers (``Content-Type`` and ``Content-Length`` excepted: WSGI has
    ``CONTENT_TYPE`` and ``CONTENT_LENGTH`` for them)."""
    for header, value in request["headers"].items():
        environ["HTTP_" + header.replace("-", "_").upper()] = value
    environ.pop("HTTP_CONTENT_TYPE", None)
    environ.pop("HTTP_CONTENT_LENGTH", None)


def _segments(path: str) -> list[str]:
    return [part for part in path.split("/") if part]


def PopURI(request: Request, sn_key: str, pi_key: str, ru_key: str) -> None:
    """Move the first segment of ``request[pi_key]`` to the end of ``request[sn_key]``.

    While ``request[sn_key]`` is empty, the segments come from
    ``request[ru_key]`` (the whole path) instead; a request for the root
    gets ``"/"`` and ``""``. Nothing left to move: nothing changes.
    """
    if not request.get(sn_key):
        parts = _segments(request[ru_key])
        if parts:
            request[sn_key] = "/" + parts.pop(0)
            request[pi_key] = "/" + "/".join(parts) if parts else ""
        else:
            request[sn_key] = "/"
            request[pi_key] = ""
        return
    rest = _segments(request.get(pi_key) or "")
    if not rest:
        return
    request[sn_key] = checkSlashes("/".join(_segments(request[sn_key]) + [rest.pop(0)]))
    request[pi_key] = checkSlashes("/".join(rest)) if rest else ""


def PopWsgiURI(request: Request) -> None:
    """:func:`PopURI` on a WSGI dictionary (SCRIPT_NAME, PATH_INFO, NON_QUERY_URI)."""
    return PopURI(request, "SCRIPT_NAME", "PATH_INFO", "NON_QUERY_URI")


def PopKamaeliaURI(request: Request) -> None:
    """:func:`PopURI` on an HTTPServer request (uri-prefix-trigger, uri-suffix, non-query-uri)."""
    return PopURI(request, "uri-prefix-trigger", "uri-suffix", "non-query-uri")


def HTTPProtocol(routing: Iterable[Sequence[Any]],
                 errorhandler: Callable[[int, str], Any] | None = None) -> Callable[..., Any]:
    """A factory of HTTPServer components routing requests by ``routing``,
    for ``ServerCore(protocol=...)``."""
    handlers = requestHandlers(routing, errorhandler)

    def _getHttpServer(**argd: Any) -> Any:
        from Kamaelia.Protocol.HTTP.HTTPServer import HTTPServer
        return HTTPServer(handlers, **argd)
    return _getHttpServer


def requestHandlers(routing: Iterable[Sequence[Any]],
                    errorhandler: Callable[[int, str], Any] | None = None
                    ) -> Callable[[Request], Any]:
    """The ``createRequestHandler(request)`` function for a routing table."""
    table = []
    for entry in routing:
        try:
            prefix, handler = entry
        except (TypeError, ValueError):
            raise ValueError(f"requestHandlers: each route is [prefix, handler factory], "
                             f"not {entry!r}") from None
        if not isinstance(prefix, str) or not callable(handler):
            raise ValueError(f"requestHandlers: each route is [prefix, handler factory], "
                             f"not {entry!r}")
        table.append((prefix, handler))

    def error(code: int, message: str) -> Any:
        handler = errorhandler
        if handler is None:
            from Kamaelia.Protocol.HTTP.ErrorPages import ErrorPageHandler
            handler = ErrorPageHandler
        return handler(code, message)

    def createRequestHandler(request: Request) -> Any:
        if request.get("bad"):
            return error(400, request.get("errormsg", ""))
        uri = request["non-query-uri"]
        for prefix, handler in table:
            if uri.startswith(prefix):
                request["uri-prefix-trigger"] = prefix
                request["uri-suffix"] = uri[len(prefix):]
                return handler(request)
        return error(404, f"No resource handler found for URI {request['raw-uri']}")

    return createRequestHandler


def checkSlashes(item: str = "", sl_char: str = "/") -> str:
    """``item`` starting with ``sl_char`` and without trailing slashes."""
    if not item.startswith(sl_char):
        item = sl_char + item
    return item.rstrip("/")
