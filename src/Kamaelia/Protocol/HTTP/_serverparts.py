"""Kamaelia.Protocol.HTTP._serverparts: the pure pieces of the HTTP server.

Private: plain functions on plain values (no components, no sockets), used
by :mod:`Kamaelia.Protocol.HTTP.HTTPServer`, :mod:`.HTTPParser` and
:mod:`.HTTPRequestHandler`, and tested with byte strings.

Rules kept here
---------------
1. A request head is judged *before* h11 parses it (:class:`HeadWatch`): the
   request line against ``maxRequestLine`` (414), the rest of the head
   against ``maxHeaderSize`` (431), so that each limit gets its own status
   code and a peer cannot make the server buffer more than the two together.
2. The request dictionary has 1.14's keys (:func:`requestDictionary`).
3. A response dictionary (1.14's shape) becomes a ``_h1server.Response`` by
   :func:`responseHead`; the server adds ``Date`` and ``Server`` unless the
   handler gave them.
4. Error answers the server makes itself (:func:`errorResponse`) are whole
   byte strings with ``Connection: close``: they do not depend on the state
   of an h11 connection that has just seen bad input.
"""

from __future__ import annotations

import html
import http
from typing import Any, Iterable

import h11

from Kamaelia.Internet.FileRegion import FileRegion
from Kamaelia.Protocol.HTTP import _h1server as h1

#: What the ``Server`` header says.
SERVER_SOFTWARE = "Kamaelia"

#: Most bytes one streamed request-body message carries.
BODY_CHUNK = 65536


def httpDate() -> str:
    """The current time as HTTP writes it (``Sun, 06 Nov 1994 08:49:37 GMT``)."""
    return h1.httpDate()


def reasonFor(code: int) -> str:
    """The standard reason phrase for ``code`` (``""`` if there is none)."""
    try:
        return http.HTTPStatus(code).phrase
    except ValueError:
        return ""


class HeadWatch:
    """HeadWatch(maxRequestLine, maxHeaderSize, maxHeaders) -> checks one request head.

    :meth:`feed` each piece of bytes received while the head is incomplete;
    :meth:`incomplete` (h11 needs more data, so every byte fed so far is
    head) and :meth:`complete` (h11 parsed the head) return ``None`` while
    the head is within the limits, or ``(status, reason)`` once it is not.
    Only the first ``maxRequestLine + 2`` bytes are kept (to find the end of
    the request line), and a size.
    """

    __slots__ = ("maxRequestLine", "maxHeaderSize", "maxHeaders", "prefix", "lineLength",
                 "size")

    def __init__(self, maxRequestLine: int, maxHeaderSize: int, maxHeaders: int) -> None:
        self.maxRequestLine = maxRequestLine
        self.maxHeaderSize = maxHeaderSize
        self.maxHeaders = maxHeaders
        self.prefix = b""
        self.lineLength: int | None = None      # known once its end has arrived
        self.size = 0

    def feed(self, data: bytes) -> None:
        self.size += len(data)
        if self.lineLength is None:
            self.prefix += data[:self.maxRequestLine + 2 - len(self.prefix)]
            end = self.prefix.lstrip(b"\r\n").find(b"\n")
            if end >= 0:
                line = self.prefix.lstrip(b"\r\n")[:end]
                self.lineLength = len(line.rstrip(b"\r"))
                self.prefix = b""

    def incomplete(self) -> tuple[int, str] | None:
        if self.lineLength is None:
            if len(self.prefix) > self.maxRequestLine + 1:
                return (414, f"request line longer than {self.maxRequestLine} bytes")
            return None
        if self.lineLength > self.maxRequestLine:
            return (414, f"request line of {self.lineLength} bytes (at most {self.maxRequestLine})")
        if self.size - self.lineLength > self.maxHeaderSize + 4:
            return (431, f"request header fields longer than {self.maxHeaderSize} bytes")
        return None

    def complete(self, event: h11.Request) -> tuple[int, str] | None:
        line = len(event.method) + len(event.target) + 10
        if line > self.maxRequestLine:
            return (414, f"request line of {line} bytes (at most {self.maxRequestLine})")
        if len(event.headers) > self.maxHeaders:
            return (431, f"{len(event.headers)} header fields (at most {self.maxHeaders})")
        size = sum(len(name) + len(value) + 4 for name, value in event.headers.raw_items())
        if size > self.maxHeaderSize:
            return (431, f"request header fields of {size} bytes (at most {self.maxHeaderSize})")
        return None


def splitUri(url: str) -> dict[str, str]:
    """1.14's URI splitting: ``raw-uri`` (the path and query), ``uri-protocol``,
    ``uri-server`` (and ``uri-port``, ``uri-username``, ``uri-password`` when
    given), ``non-query-uri`` and ``query``."""
    parts: dict[str, str] = {"raw-uri": url, "uri-protocol": "", "uri-server": ""}
    rest = url
    if "://" in rest:
        parts["uri-protocol"], rest = rest.split("://", 1)
        server, slash, path = rest.partition("/")
        parts["uri-server"] = server
        rest = slash + path if slash else "/"
    elif rest and not rest.startswith("/") and rest != "*":
        server, slash, path = rest.partition("/")
        parts["uri-server"] = server
        rest = slash + path if slash else "/"
    parts["raw-uri"] = rest
    server = parts["uri-server"]
    if "@" in server:
        user, server = server.rsplit("@", 1)
        if ":" in user:
            user, password = user.split(":", 1)
            parts["uri-password"] = password
        parts["uri-username"] = user
    if server.count(":") == 1:
        server, port = server.split(":")
        parts["uri-port"] = port
    parts["uri-server"] = server
    path, _, query = rest.partition("?")
    parts["non-query-uri"] = path
    parts["query"] = query
    return parts


def joinHeaders(items: Iterable[tuple[bytes, bytes]]) -> dict[str, str]:
    """Header names lower-cased; a repeated header's values joined with ", "."""
    headers: dict[str, str] = {}
    for name, value in items:
        key = name.decode("latin-1").lower()
        text = value.decode("latin-1")
        headers[key] = f"{headers[key]}, {text}" if key in headers else text
    return headers


def requestDictionary(event: h11.Request | h1.Request, peerInfo: dict[str, Any]) -> dict[str, Any]:
    """The 1.14 request dictionary for ``event`` (see the HTTPServer docstring)."""
    version = event.http_version.decode("ascii")
    request: dict[str, Any] = {
        "method": event.method.decode("ascii"),
        "protocol": "HTTP",
        "version": version,
        "bad": False,
        "body": b"",
        "bodystream": False,
    }
    request.update(splitUri(event.target.decode("latin-1")))
    headers = joinHeaders((name, value) for name, value in event.headers)
    if "host" in headers:
        request["uri-server"] = headers["host"]
    headers.setdefault("connection", "keep-alive" if version == "1.1" else "close")
    request["headers"] = headers
    request.update(peerInfo)
    return request


def serialiseHead(event: h11.Request | h1.Request) -> bytes:
    """The request line and headers of ``event`` as bytes, ending with the blank line."""
    lines = [b"%s %s HTTP/%s" % (event.method, event.target, event.http_version)]
    items = event.raw_items() if isinstance(event, h1.Request) else event.headers.raw_items()
    lines += [name + b": " + value for name, value in items]
    return b"\r\n".join(lines) + b"\r\n\r\n"


def statusOf(resource: dict[str, Any]) -> int:
    """The status code a response dictionary asks for (1.14: anything else is 500)."""
    code = resource.get("statuscode")
    if isinstance(code, bool):
        return 500
    if isinstance(code, int):
        return code if 100 <= code <= 999 else 500
    if isinstance(code, str):
        first = code.strip().split(" ", 1)[0]
        if first.isdigit() and 100 <= int(first) <= 999:
            return int(first)
    return 500


def _headerPairs(headers: Any) -> list[tuple[str, str]]:
    if not headers:
        return []
    if isinstance(headers, dict):
        headers = headers.items()
    return [(str(name), str(value)) for name, value in headers]


def responseHead(resource: dict[str, Any], textData: bool) -> h1.Response:
    """The :class:`~._h1server.Response` for the first response dictionary of a handler.

    ``statuscode``, ``headers`` (a list of pairs or a dict), ``type`` or
    1.14's ``content-type``, ``charset`` (or ``utf-8`` when ``textData``:
    the data is ``str``), ``length`` or ``complete`` (the length is that of
    ``data``) -> ``Content-Length``. ``Date`` and ``Server`` are added.
    """
    code = statusOf(resource)
    headers = _headerPairs(resource.get("headers"))
    names = {name.lower() for name, _ in headers}
    mime = resource.get("type") or resource.get("content-type")
    if mime and "content-type" not in names:
        mime = str(mime)
        charset = resource.get("charset") or ("utf-8" if textData else None)
        if charset and "charset=" not in mime.lower():
            mime = f"{mime}; charset={charset}"
        headers.append(("Content-Type", mime))
    if "content-length" not in names:
        if resource.get("complete"):
            data = resource.get("data", b"")
            size = (data.remaining if isinstance(data, FileRegion) else
                    len(data.encode("utf-8") if isinstance(data, str) else data))
            headers.append(("Content-Length", str(size)))
        elif resource.get("length") is not None:
            headers.append(("Content-Length", str(int(resource["length"]))))
    if "date" not in names:
        headers.append(("Date", httpDate()))
    if "server" not in names:
        headers.append(("Server", SERVER_SOFTWARE))
    return h1.Response(code, headers, reasonFor(code))


def errorPageHTML(code: int, message: str = "") -> str:
    """The HTML of the error page for ``code`` (``message`` is escaped)."""
    title = f"{code} {reasonFor(code)}".strip()
    detail = f"<p>{html.escape(message)}</p>" if message else ""
    return (f"<!DOCTYPE html>\n<html><head><title>{title}</title></head>\n"
            f"<body><h1>{title}</h1>{detail}</body></html>\n")


def errorResponse(code: int, message: str = "", withBody: bool = True) -> bytes:
    """A complete ``Connection: close`` response for an error the server answers itself."""
    body = errorPageHTML(code, message).encode("utf-8")
    head = [f"HTTP/1.1 {code} {reasonFor(code)}".rstrip(),
            "Content-Type: text/html; charset=utf-8",
            f"Content-Length: {len(body)}",
            "Connection: close",
            f"Date: {httpDate()}",
            f"Server: {SERVER_SOFTWARE}"]
    return ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + (body if withBody else b"")
