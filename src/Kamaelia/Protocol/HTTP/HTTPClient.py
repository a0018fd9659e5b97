"""\
===========================================================
HTTP client: SimpleHTTPClient and SingleShotHTTPClient
===========================================================

Fetch pages over HTTP (and HTTPS) from inside a Kamaelia system, with
redirects followed, connections kept open and reused per host, chunked and
close-delimited bodies, TLS with certificate checking, timeouts, and bodies
that stream through the system without ever sitting in memory whole.

Example Usage
-------------
Type URLs; each page is fetched and written, back to back, to a file::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.File.Writing import SimpleFileWriter
    from Kamaelia.Protocol.HTTP.HTTPClient import SimpleHTTPClient
    from Kamaelia.Util.Console import ConsoleReader

    Pipeline(
        ConsoleReader(">>> ", ""),
        SimpleHTTPClient(),
        SimpleFileWriter("downloadedfile.txt"),
    ).run()

``SimpleHTTPClient`` takes URLs (``str``) or dicts on its "inbox"::

    {"url": "http://127.0.0.1:8080/upload", "postbody": b"data",
     "method": "PUT", "extraheaders": {"Content-Type": "text/plain"}}

and sends each page's body out of "outbox" as one ``bytes`` message, in the
order asked for (as Kamaelia 1.14 did). ``SimpleHTTPClient(streaming=True)``
sends each body as it arrives instead, in ``bytes`` chunks, so a download of
any size goes through in bounded memory.

``SingleShotHTTPClient(url)`` fetches one URL and sends what 1.14's did::

    ParsedHTTPHeader(header)              # header["responsecode"] == "200", header["headers"], ...
    ParsedHTTPBodyChunk(bytes), ...       # the body, as it arrives
    ParsedHTTPEnd()                       # the end (a ParsedHTTPError if it failed)

with a ``ParsedHTTPRedirect(redirectto=url)`` before each redirect it follows,
then ``producerFinished`` on "signal".

How does it work?
-----------------
The HTTP protocol is ``h11`` (a sans-I/O HTTP/1.1 implementation): the
client turns its request into bytes with it and turns the server's bytes
into the messages above with it; a :class:`~Kamaelia.Internet.TCPClient.TCPClient`
child carries the bytes.

* **Requests**: :meth:`SingleShotHTTPClient.formRequest` writes the request
  as text (1.14's ``requestobject["request"]``: the head, then the body); a
  subclass that overrides it (as :mod:`Kamaelia.Protocol.HTTP.IcecastClient`
  does, to add a header) changes what is sent. It is checked by ``h11``
  before anything goes on the wire.
* **Keep-alive**: when a response has ended cleanly and the server has not
  asked to close, the connection goes back to a pool (one idle connection
  per scheme, host and port; ``maxIdleConnections`` of them) and the next
  request to that host uses it. A ``SimpleHTTPClient`` keeps one pool for
  all its requests; a ``SingleShotHTTPClient`` reuses a connection for a
  redirect to the same host (or shares the pool it is given as ``pool=``).
  If a reused connection turns out to have been closed by the server before
  it answered, the request is sent once more on a new one.
* **Redirects**: 301, 302, 303, 307 and 308 with a ``Location`` are
  followed (relative locations too). 303 (and 301/302 after a ``POST``)
  become a ``GET`` without a body, as browsers do; 307 and 308 repeat the
  method and body. More than ``maxRedirects`` (default 10) in a row, or a
  redirect back to a URL already fetched, end the fetch with a
  ``ParsedHTTPError``. (1.14 gave up silently after two.)
* **Streaming and back-pressure**: at most ``outboxLimit`` (default 8)
  messages wait in the inbox fed by "outbox"; beyond that the client stops
  taking from its connection, whose socket then stops being read, so TCP
  flow control slows the server down. An inbox with a size limit is waited
  on the same way.
* **TLS**: ``https://`` URLs are fetched over TLS, checking the server's
  certificate and name with ``ssl.create_default_context()`` or the
  ``sslContext`` given.
* **Timeouts**: ``connectTimeout`` (default 30 s) to connect and finish the
  TLS handshake; ``idleTimeout`` (default 60 s) for the server to send
  anything at all while we wait on it (time spent waiting for our own
  consumer does not count). Both are scheduler timers: nothing polls.

Errors
------
Whatever goes wrong (no such host, connection refused, a bad certificate, a
timeout, a malformed response, the connection dropping mid-body, too many
redirects) is logged with the URL and the reason (on the
``Kamaelia.Protocol.HTTP.HTTPClient`` logger, at WARNING) and ends that
response with a :class:`ParsedHTTPError` (a ``ParsedHTTPEnd``, so 1.14 code
sees an ordinary end) carrying ``reason``, ``url`` and ``exception``. A
``SimpleHTTPClient`` then sends ``b""`` for that URL (``streaming``: just
what had arrived) and goes on with the next. Responses that are not
redirects are passed on whatever their status (the header says which):
a 404 page's body is still a body, as in 1.14.

Shutdown
--------
* ``SingleShotHTTPClient``: sends ``producerFinished(self)`` on "signal"
  when the fetch has ended. ``shutdownMicroprocess`` (or 1.14's
  ``shutdown``) on "control" stops it at once (the connection is closed)
  and is passed on out of "signal".
* ``SimpleHTTPClient``: ``producerFinished`` on "control": the URLs already
  received are fetched, then it closes its connections and sends
  ``producerFinished(self)`` on "signal". ``shutdownMicroprocess`` (or
  ``shutdown``): it stops at once, closes everything, and passes the
  message on out of "signal".

What it does not do: cookies, authentication, proxies, HTTP/2, or
decompressing ``Content-Encoding`` (the body comes as the server sent it).

Compatibility with 1.14
-----------------------
Names, signatures and boxes are 1.14's. Bodies are ``bytes`` (1.14 on
Python 3 decoded them as UTF-8, which broke every binary download).
``SimpleHTTPClient`` no longer needs a ``Carousel``: it makes a
``SingleShotHTTPClient`` per URL itself, so its ``_carousel*`` boxes carry
what that child sends. The ``_parser*`` boxes of ``SingleShotHTTPClient``
are kept and unused (there is no separate parser component any more); its
connection's bytes arrive on ``_tcpinbox``.
"""

from __future__ import annotations

import logging
import ssl
import time
from collections import deque
from typing import Any, Generator, Iterator
from urllib.parse import quote, urljoin, urlsplit

import h11

from Axon.AxonExceptions import noSpaceInBox
from Axon.Component import component
from Axon.Ipc import producerFinished, shutdown, shutdownMicroprocess
from Kamaelia.IPC import connectionFailed
from Kamaelia.Internet.TCPClient import TCPClient
from Kamaelia.Protocol.HTTP._client_pool import Connection, ConnectionPool
from Kamaelia._logthrottle import RepeatLimiter

# 1.14's home for them: one class of each, shared with the server side.
from Kamaelia.Protocol.HTTP.HTTPParser import ParsedHTTPBodyChunk, ParsedHTTPEnd, ParsedHTTPHeader

__all__ = ["SimpleHTTPClient", "SingleShotHTTPClient", "HTTPRequest", "ParsedHTTPRedirect",
           "ParsedHTTPError", "ParsedHTTPHeader", "ParsedHTTPBodyChunk", "ParsedHTTPEnd"]

log = logging.getLogger("Kamaelia.Protocol.HTTP.HTTPClient")
#: A client polling a server that is down fails the same way each time.
repeats = RepeatLimiter(log)

REDIRECT_CODES = frozenset({"301", "302", "303", "307", "308"})
DEFAULT_PORTS = {"http": 80, "https": 443}
USER_AGENT = "Kamaelia HTTP Client (h11)"
#: A redirect's own body is read (so the connection can be reused) up to this.
_REDIRECT_BODY_LIMIT = 1 << 20
#: Characters left alone when a URL's path and query are made ASCII.
_URL_SAFE = "/%?=&:@!$'()*+,;~-._[]#"
_SHUTDOWNS = (shutdownMicroprocess, shutdown)


class ParsedHTTPRedirect:
    """ParsedHTTPRedirect(redirectto) -> "the response was a redirect to ``redirectto``"."""

    def __init__(self, redirectto: str) -> None:
        self.redirectto = redirectto

    def __repr__(self) -> str:
        return f"ParsedHTTPRedirect(redirectto={self.redirectto!r})"


class ParsedHTTPError(ParsedHTTPEnd):
    """ParsedHTTPError(reason, url="", exception=None) -> the fetch of ``url`` failed.

    A ``ParsedHTTPEnd`` (1.14 code sees the response end); ``reason`` says
    what went wrong, ``exception`` is the error behind it, if any.
    """

    def __init__(self, reason: str, url: str = "", exception: BaseException | None = None) -> None:
        self.reason = reason
        self.url = url
        self.exception = exception

    def __repr__(self) -> str:
        return f"ParsedHTTPError(reason={self.reason!r}, url={self.url!r})"


def intval(mystring: Any) -> int | None:
    """``int(mystring)``, or None if it is not a number."""
    try:
        return int(mystring)
    except (ValueError, TypeError):
        return None


def removeTrailingCr(line: str) -> str:
    """``line`` without one trailing ``"\\r"``."""
    return line[:-1] if line.endswith("\r") else line


class HTTPRequest:
    """HTTPRequest(requestobject, redirectcount) -> a request to make, and how
    many redirects led to it (``requestobject`` as ``formRequest`` makes it)."""

    def __init__(self, requestobject: dict[str, Any], redirectcount: int) -> None:
        self.requestobject = requestobject
        self.redirectcount = redirectcount


def AttachConsoleToDebug(comp: component) -> None:
    """Print what ``comp`` sends on its "debug" outbox (1.14's debugging aid)."""
    from Kamaelia.Util.Console import ConsoleEchoer
    echoer = ConsoleEchoer()
    setattr(comp, "debuggingconsole", echoer)
    comp.link((comp, "debug"), (echoer, "inbox"))
    echoer.activate()


def splitURL(url: str) -> dict[str, Any]:
    """1.14's split of ``url``: ``"uri-protocol"``, ``"uri-server"``,
    ``"uri-port"`` (a string, if given), ``"raw-uri"`` (path and query),
    ``"non-query-uri"``, ``"query"``, and ``"url"`` (the whole URL).

    Raises ``ValueError`` for anything but an absolute http/https URL."""
    if not isinstance(url, str):
        raise TypeError(f"a URL must be a str, not {url!r}")
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        raise ValueError(f"not an http:// or https:// URL with a host: {url!r}")
    try:
        port = parts.port
    except ValueError:
        raise ValueError(f"bad port in URL {url!r}") from None
    path = quote(parts.path or "/", safe=_URL_SAFE)
    query = quote(parts.query, safe=_URL_SAFE)
    result: dict[str, Any] = {
        "url": url.strip(), "uri-protocol": scheme, "uri-server": parts.hostname,
        "raw-uri": path + ("?" + query if query else ""),
        "non-query-uri": path, "query": query,
    }
    if port is not None:
        result["uri-port"] = str(port)
    if parts.username is not None:
        result["uri-username"] = parts.username
    if parts.password is not None:
        result["uri-password"] = parts.password
    return result


def _hostHeader(splituri: dict[str, Any]) -> str:
    host = splituri["uri-server"]
    if ":" in host:                                  # an IPv6 address
        host = f"[{host}]"
    if "uri-port" in splituri:
        host += ":" + splituri["uri-port"]
    return host


def _asBytes(part: Any) -> bytes:
    if isinstance(part, str):
        return part.encode("utf-8")
    if isinstance(part, (bytes, bytearray, memoryview)):
        return bytes(part)
    raise TypeError(f"a request body must be str or bytes, not {part!r}")


def _requestFrom(requestobject: dict[str, Any]) -> tuple[h11.Request, list[bytes]]:
    """The request ``formRequest`` wrote, read back with h11 (so it is checked)."""
    parts = requestobject["request"]
    if isinstance(parts, (str, bytes)):
        parts = [parts]
    reader = h11.Connection(our_role=h11.SERVER)
    reader.receive_data(b"".join(_asBytes(p) for p in parts))
    try:
        head = reader.next_event()
        if not isinstance(head, h11.Request):
            raise ValueError(f"no complete request head in {parts[0]!r}")
        body: list[bytes] = []
        while True:
            event = reader.next_event()
            if isinstance(event, h11.Data):
                body.append(bytes(event.data))
            elif isinstance(event, h11.EndOfMessage):
                break
            else:
                raise ValueError("the request body is shorter than its Content-Length")
    except h11.RemoteProtocolError as exc:
        raise ValueError(f"malformed request: {exc}") from exc
    if requestobject.get("redirect-as-get"):
        dropped = {b"content-length", b"transfer-encoding", b"content-type"}
        head = h11.Request(method=b"GET" if head.method != b"HEAD" else b"HEAD",
                           target=head.target,
                           headers=[(n, v) for n, v in head.headers if n not in dropped])
        body = []
    return head, body


def _checkSeconds(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise ValueError(f"{name} must be a number of seconds > 0, not {value!r}")
    return float(value)


class SingleShotHTTPClient(component):
    """\
    SingleShotHTTPClient(starturl[, postbody][, connectionclass][, extraheaders][, method][, option=value...]) -> fetches one URL

    Arguments (1.14's):

    - starturl        -- the URL to fetch (http:// or https://)
    - postbody        -- a body (str or bytes) to send; ``""`` (default): none,
                         and a GET; ``None``: an empty body (``Content-Length: 0``)
    - connectionclass -- the component carrying the bytes (default TCPClient,
                         made as ``connectionclass(host, port)``)
    - extraheaders    -- a dict of headers to add
    - method          -- the method (default GET, or POST with a postbody)

    Keyword options:

    - sslContext         -- ``ssl.SSLContext`` for https (default: the system's trust)
    - connectTimeout     -- seconds to connect, TLS included (default 30)
    - idleTimeout        -- seconds the server may stay silent (default 60)
    - maxRedirects       -- redirects followed in a row (default 10)
    - outboxLimit        -- messages allowed to wait downstream (default 8)
    - pool               -- a connection pool to share (``SimpleHTTPClient`` uses this)
    - maxIdleConnections -- idle connections kept in its own pool (default 10)

    See the module docstring for what it sends and how it ends.
    """

    Inboxes = {
        "inbox": "UNUSED",
        "control": "shutdownMicroprocess or shutdown: stop now",
        "_tcpinbox": "bytes from the connection",
        "_parserinbox": "UNUSED (1.14: data from the parser)",
        "_parsercontrol": "UNUSED (1.14: signals from the parser)",
        "_tcpcontrol": "signals from the connection",
    }
    Outboxes = {
        "outbox": "ParsedHTTPHeader, ParsedHTTPBodyChunk..., ParsedHTTPEnd (and ParsedHTTPRedirect)",
        "debug": "output to aid debugging",
        "_parsersignal": "UNUSED (1.14: signals for the parser)",
        "_tcpoutbox": "bytes for the connection",
        "_tcpsignal": "shutdown for the connection",
        "signal": "producerFinished when done; a shutdown passed on",
    }

    sslContext: ssl.SSLContext | None = None
    connectTimeout: float = 30.0
    idleTimeout: float = 60.0
    maxRedirects: int = 10
    outboxLimit: int = 8
    maxIdleConnections: int = 10

    def __init__(self, starturl: str, postbody: Any = "", connectionclass: Any = TCPClient,
                 extraheaders: dict[str, Any] | None = None, method: str | None = None,
                 *, pool: ConnectionPool | None = None, **options: Any) -> None:
        super().__init__(**options)
        splitURL(starturl)                                   # checks it
        if postbody is not None and not isinstance(postbody, (str, bytes, bytearray)):
            raise TypeError(f"postbody must be str, bytes or None, not {postbody!r}")
        if extraheaders is not None and not isinstance(extraheaders, dict):
            raise TypeError(f"extraheaders must be a dict, not {extraheaders!r}")
        if method is not None and (not isinstance(method, str) or not method.isalpha()):
            raise ValueError(f"method must be a word such as 'GET', not {method!r}")
        if self.sslContext is not None and not isinstance(self.sslContext, ssl.SSLContext):
            raise TypeError(f"sslContext must be an ssl.SSLContext, not {self.sslContext!r}")
        self.connectTimeout = _checkSeconds("connectTimeout", self.connectTimeout)
        self.idleTimeout = _checkSeconds("idleTimeout", self.idleTimeout)
        for name in ("maxRedirects", "outboxLimit"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < (name == "outboxLimit"):
                raise ValueError(f"{name} must be an int >= {int(name == 'outboxLimit')}, "
                                 f"not {value!r}")
        self.starturl = starturl
        self.postbody = postbody
        self.connectionclass = connectionclass
        self.extraheaders = dict(extraheaders) if extraheaders is not None else {}
        self.method = method.upper() if method else None
        self.tcpclient: Any = None
        self.httpparser: Any = None                  # (1.14's; there is no parser child)
        self.requestqueue: list[HTTPRequest] = []
        self.currentrequest: HTTPRequest | None = None
        self.ownPool = pool is None
        self.pool = ConnectionPool(self.maxIdleConnections) if pool is None else pool
        self._conn: Connection | None = None
        self._links: list[Any] = []
        self._job: Generator[Any, None, None] | None = None
        self._visited: set[tuple[str, str]] = set()
        self._sentMethod = "GET"
        self._pendingFailure: str | None = None
        self._stopMessage: Any = None
        self._defaultContext: ssl.SSLContext | None = None
        self.failure: ParsedHTTPError | None = None

    # ------------------------------------------------------------ 1.14 API
    def formRequest(self, url: str) -> dict[str, Any]:
        """The request for ``url``: :func:`splitURL`'s dict plus ``"request"``,
        a list of the head (text) and the body, if any."""
        splituri = splitURL(url)
        method = self.method or ("GET" if self.postbody == "" else "POST")
        lines = [f"{method} {splituri['raw-uri']} HTTP/1.1",
                 f"Host: {_hostHeader(splituri)}",
                 f"User-Agent: {USER_AGENT}",
                 "Connection: keep-alive"]
        body = b"" if self.postbody is None else _asBytes(self.postbody)
        if self.postbody != "":
            lines.append(f"Content-Length: {len(body)}")
        lines.extend(f"{name}: {value}" for name, value in self.extraheaders.items())
        splituri["request"] = ["\r\n".join(lines) + "\r\n\r\n"] + ([body] if body else [])
        return splituri

    def makeRequest(self, request: HTTPRequest) -> None:
        """Take (or open) a connection to the request's host and send the request."""
        ro = request.requestobject
        head, body = _requestFrom(ro)
        scheme = ro.get("uri-protocol") or "http"
        host = ro["uri-server"]
        port = intval(ro.get("uri-port", "")) or DEFAULT_PORTS.get(scheme, 80)
        key = (scheme, host, port)
        conn = self.pool.take(key)
        self._reused = conn is not None
        if conn is None:
            conn = Connection(key, self._connect(scheme, host, port))
        self._attach(conn)
        data = [conn.h11.send(head)]
        data.extend(conn.h11.send(h11.Data(data=part)) for part in body)
        data.append(conn.h11.send(h11.EndOfMessage()))
        self._sentMethod = head.method.decode("ascii")
        self._visited.add((self._sentMethod, ro.get("url", "")))
        self.send(b"".join(d for d in data if d), "_tcpoutbox")

    def shutdownKids(self) -> None:
        """Close the connection in use (and, unless shared, the idle ones)."""
        if self._conn is not None:
            conn = self._conn
            self._detach(conn)
            conn.close()
        if self.ownPool:
            self.pool.closeAll()

    def handleRedirect(self, header: dict[str, Any]) -> bool:
        """If ``header`` is a redirect, announce it (ParsedHTTPRedirect) and
        queue the request it asks for; True if it was one."""
        code = header.get("responsecode", "")
        location = header.get("headers", {}).get("location", "")
        if code not in REDIRECT_CODES or not location:
            return False
        current = self.currentrequest.requestobject if self.currentrequest else {}
        newurl = urljoin(current.get("url", self.starturl), location.strip())
        try:
            requestobject = self.formRequest(newurl)
        except (TypeError, ValueError) as exc:
            self._pendingFailure = f"cannot follow the redirect to {newurl!r}: {exc}"
            return True
        asGet = bool(current.get("redirect-as-get")) or code == "303" or (
            code in ("301", "302") and self._sentMethod == "POST")
        method = ("HEAD" if self._sentMethod == "HEAD" else "GET") if asGet else self._sentMethod
        if (method, requestobject["url"]) in self._visited:
            self._pendingFailure = f"redirect loop: {newurl} was already fetched"
            return True
        if asGet:
            requestobject["redirect-as-get"] = True
        self.send(ParsedHTTPRedirect(redirectto=newurl), "outbox")
        redirectcount = self.currentrequest.redirectcount + 1 if self.currentrequest else 1
        self.requestqueue.append(HTTPRequest(requestobject, redirectcount))
        return True

    def main(self) -> Iterator[Any]:
        """Fetch ``starturl`` (following redirects), then say so on "signal"."""
        self.requestqueue.append(HTTPRequest(self.formRequest(self.starturl), 0))
        while self.mainBody():
            yield 1
        self.shutdownKids()
        self.send(self._stopMessage or producerFinished(self), "signal")

    def mainBody(self) -> int:
        """One step: handle "control", start the next queued request or go on
        with the current one. 0 when there is nothing more to do."""
        while self.dataReady("control"):
            message = self.recv("control")
            if isinstance(message, _SHUTDOWNS):
                self._stopMessage = message
                if self._job is not None:
                    self._job.close()
                    self._job = None
                self.requestqueue.clear()
                self.shutdownKids()
                return 0
        if self._job is None:
            if not self.requestqueue:
                return 0
            self.currentrequest = self.requestqueue.pop(0)
            if self.currentrequest.redirectcount > self.maxRedirects:
                self._fail(f"too many redirects (more than {self.maxRedirects})")
                return 0
            self._job = self._exchange(self.currentrequest)
        try:
            next(self._job)
        except StopIteration:
            self._job = None
        return 1

    # -------------------------------------------------------------- inside
    def _connect(self, scheme: str, host: str, port: int) -> Any:
        cls = self.connectionclass
        if isinstance(cls, type) and issubclass(cls, TCPClient):
            options: dict[str, Any] = {"connect_timeout": self.connectTimeout}
            if scheme == "https":
                context = self.sslContext
                if context is None:
                    if self._defaultContext is None:
                        self._defaultContext = ssl.create_default_context()
                    context = self._defaultContext
                options.update(sslContext=context, serverHostname=host)
            tcp = cls(host, port, **options)
        else:
            if scheme == "https":
                raise ValueError(f"connectionclass {cls!r} cannot fetch https:// URLs")
            tcp = cls(host, port)
        tcp.activate()
        return tcp

    def _attach(self, conn: Connection) -> None:
        tcp = conn.tcp
        self._links = [self.link((self, "_tcpoutbox"), (tcp, "inbox")),
                       self.link((self, "_tcpsignal"), (tcp, "control")),
                       self.link((tcp, "outbox"), (self, "_tcpinbox")),
                       self.link((tcp, "signal"), (self, "_tcpcontrol"))]
        self._conn = conn
        self.tcpclient = tcp
        csa = getattr(tcp, "CSA", None)
        if csa is not None:     # relinked: let it look at where its data goes now
            csa.unpause()

    def _detach(self, conn: Connection) -> bool:
        """Unlink ``conn``; True if it had sent more than we read (then it
        must not be reused: those bytes are not the next response's)."""
        for linkage in self._links:
            self.unlink(thelinkage=linkage)
        self._links = []
        leftover = bool(self.dataReady("_tcpinbox"))
        while self.dataReady("_tcpinbox"):
            self.recv("_tcpinbox")
        self._readConnectionSignals(conn)
        self._conn = None
        self.tcpclient = None
        return leftover

    def _readConnectionSignals(self, conn: Connection) -> None:
        while self.dataReady("_tcpcontrol"):
            message = self.recv("_tcpcontrol")
            if getattr(message, "caller", conn.tcp) is conn.tcp:
                conn.closed = True
                conn.reason = (getattr(message, "reason", None)
                               or getattr(message, "message", None) or "connection closed")
                if isinstance(message, connectionFailed):
                    conn.reason = (f"could not connect to {message.host}:{message.port}: "
                                   f"{message.reason}")

    def _roomDownstream(self) -> bool:
        box = self.outboxes["outbox"]
        if len(box) < self.outboxLimit:
            return True
        box.sink.notifyOnTake(self.unpause)
        return False

    def _emit(self, message: Any) -> Iterator[Any]:
        """Send ``message`` on, waiting while a size-limited inbox is full."""
        while True:
            try:
                self.send(message, "outbox")
                return
            except noSpaceInBox:
                self.outboxes["outbox"].sink.notifyOnTake(self.unpause)
                self.pause()
                yield 1

    def _fail(self, reason: str, exception: BaseException | None = None) -> None:
        url = self.currentrequest.requestobject.get("url", "") if self.currentrequest else ""
        repeats.warning("%s: fetching %s failed: %s", self.name, url or self.starturl, reason)
        self.failure = ParsedHTTPError(reason, url, exception)
        self.requestqueue.clear()
        if self._conn is not None:
            conn = self._conn
            self._detach(conn)
            conn.close()
        try:
            self.send(self.failure, "outbox")
        except noSpaceInBox:
            log.warning("%s: could not pass on %r (the next inbox is full)", self.name,
                        self.failure)

    def _headerFrom(self, event: h11.Response, ro: dict[str, Any], port: int) -> dict[str, Any]:
        headers: dict[str, str] = {}
        for rawname, rawvalue in event.headers:
            name, value = rawname.decode("latin-1").lower(), rawvalue.decode("latin-1")
            headers[name] = f"{headers[name]}, {value}" if name in headers else value
        return {"bad": False, "headers": headers, "version": event.http_version.decode("ascii"),
                "method": self._sentMethod, "protocol": "HTTP", "body": "",
                "responsecode": str(event.status_code),
                "reason": event.reason.decode("latin-1"), "url": ro.get("url", ""),
                "uri-server": ro.get("uri-server", ""), "peer": ro.get("uri-server", ""),
                "peerport": port}

    def _fixResponseStart(self, data: bytes) -> bytes:
        """The first bytes of a response, as h11 is to read them (a hook for
        dialects such as SHOUTcast's ``ICY 200 OK``)."""
        return data

    def _finishExchange(self, conn: Connection) -> None:
        conn.exchanges += 1
        leftover = self._detach(conn)
        state = conn.h11
        if (state.our_state is h11.DONE and state.their_state is h11.DONE and not leftover
                and not state.trailing_data[0] and conn.alive()):
            state.start_next_cycle()
            self.pool.put(conn)
        else:
            conn.close()

    def _exchange(self, request: HTTPRequest) -> Generator[Any, None, None]:
        """Send ``request`` and pass its response on (a generator stepped by mainBody)."""
        ro = request.requestobject
        for attempt in (1, 2):
            try:
                self.makeRequest(request)
            except (ValueError, TypeError, h11.LocalProtocolError) as exc:
                self._fail(f"cannot send the request: {exc}", exc)
                return
            conn = self._conn
            assert conn is not None
            port = conn.key[2]
            reused, heard, redirect, discarded = self._reused, False, False, 0
            lastHeard = time.monotonic()
            eofFed = False
            while True:
                try:
                    event = conn.h11.next_event()
                except h11.RemoteProtocolError as exc:
                    if not heard and reused and attempt == 1:
                        break                                  # stale: try a new connection
                    self._fail(f"bad response from the server: {exc}", exc)
                    return
                if event is h11.NEED_DATA:
                    if self.dataReady("_tcpinbox"):
                        if not redirect and not self._roomDownstream():
                            self.pause()                      # woken when the consumer takes
                            yield 1
                            lastHeard = time.monotonic()
                            continue
                        data = self.recv("_tcpinbox")
                        if not heard:
                            data = self._fixResponseStart(data)
                        conn.h11.receive_data(data)
                        del data
                        heard, lastHeard = True, time.monotonic()
                        continue
                    self._readConnectionSignals(conn)
                    if conn.closed and not self.dataReady("_tcpinbox"):
                        if not heard and (reused and attempt == 1):
                            break                              # stale: try a new connection
                        if not heard:
                            self._fail(conn.reason or "connection closed before any response")
                            return
                        if eofFed:
                            self._fail("connection closed mid-response")
                            return
                        eofFed = True
                        conn.h11.receive_data(b"")
                        continue
                    remaining = lastHeard + self.idleTimeout - time.monotonic()
                    if remaining <= 0:
                        self._fail(f"timed out: nothing from the server for "
                                   f"{self.idleTimeout:g} s")
                        return
                    self.pause(remaining)
                    yield 1
                    continue
                if isinstance(event, h11.InformationalResponse):
                    continue
                if isinstance(event, h11.Response):
                    header = self._headerFrom(event, ro, port)
                    redirect = self.handleRedirect(header)
                    if not redirect:
                        yield from self._emit(ParsedHTTPHeader(header))
                elif isinstance(event, h11.Data):
                    if redirect:
                        discarded += len(event.data)
                        if discarded > _REDIRECT_BODY_LIMIT:   # not worth reading: hang up
                            self._detach(conn)
                            conn.close()
                            break
                    else:
                        yield from self._emit(ParsedHTTPBodyChunk(bytes(event.data)))
                elif isinstance(event, h11.EndOfMessage):
                    self._finishExchange(conn)
                    if self._pendingFailure is not None:
                        reason, self._pendingFailure = self._pendingFailure, None
                        self._fail(reason)
                    elif not redirect:
                        yield from self._emit(ParsedHTTPEnd())
                    return
                elif isinstance(event, h11.ConnectionClosed):
                    if not heard and reused and attempt == 1:
                        break
                    self._fail(conn.reason or "connection closed before the response")
                    return
            if redirect:                  # (its body was too long to bother reading)
                if self._pendingFailure is not None:
                    reason, self._pendingFailure = self._pendingFailure, None
                    self._fail(reason)
                return
            # A reused connection the server had closed: once more, on a new one.
            log.debug("%s: reused connection to %s was closed; retrying", self.name, conn.key)
            if self._conn is conn:
                self._detach(conn)
            conn.close()


def makeSSHTTPClient(paramdict: dict[str, Any]) -> SingleShotHTTPClient:
    """A SingleShotHTTPClient for ``paramdict`` (``"url"``, ``"postbody"``,
    ``"extraheaders"``, ``"method"``), as 1.14's Carousel factory."""
    return SingleShotHTTPClient(paramdict.get("url", ""), paramdict.get("postbody", ""),
                                extraheaders=paramdict.get("extraheaders", None),
                                method=paramdict.get("method", None))


class SimpleHTTPClient(component):
    """\
    SimpleHTTPClient(streaming=False[, option=value...]) -> fetches each URL it is sent

    - streaming -- send each body in chunks as it arrives (default: one
                   ``bytes`` message per URL, as 1.14)
    - options   -- keyword options for each ``SingleShotHTTPClient``
                   (``sslContext``, ``connectTimeout``, ``idleTimeout``,
                   ``maxRedirects``, ``outboxLimit``), and
                   ``maxIdleConnections`` for the shared keep-alive pool

    See the module docstring.
    """

    Inboxes = {
        "inbox": "URLs to download - a dict {'url': 'x', 'postbody': 'y'} or just the URL as a string",
        "control": "producerFinished: finish what was asked, then stop; shutdownMicroprocess: stop now",
        "_carouselready": "the fetcher of the current URL has finished",
        "_carouselinbox": "what the fetcher of the current URL sends",
    }
    Outboxes = {
        "outbox": "each page's body (bytes), or its chunks with streaming=True",
        "signal": "producerFinished when done; a shutdown passed on",
        "_carouselnext": "UNUSED (1.14: make a fetcher)",
        "_carouselsignal": "shutdown for the fetcher of the current URL",
        "debug": "information to aid debugging",
    }

    def __init__(self, streaming: bool = False, **options: Any) -> None:
        maxIdle = options.pop("maxIdleConnections", SingleShotHTTPClient.maxIdleConnections)
        super().__init__()
        self.streaming = bool(streaming)
        self.options = options
        self.outboxLimit = options.get("outboxLimit", SingleShotHTTPClient.outboxLimit)
        self.pool = ConnectionPool(maxIdle)
        self.fetcher: SingleShotHTTPClient | None = None
        self._stopMessage: Any = None
        # Fail at the door on bad options, not at the first URL.
        SingleShotHTTPClient("http://127.0.0.1/", pool=self.pool, **options)

    def debug(self, msg: Any) -> None:
        """Send ``msg`` out of "debug"."""
        self.send(msg, "debug")

    def cleanup(self) -> None:
        """Stop the current fetch, close the connections and say so on "signal"."""
        if self.fetcher is not None:
            if not self.fetcher._isStopped():
                self.send(self._stopMessage or shutdownMicroprocess(self), "_carouselsignal")
            self.removeChild(self.fetcher)
            self.fetcher = None
        self.pool.closeAll()
        self.send(self._stopMessage or producerFinished(self), "signal")

    def _readControl(self) -> bool:
        """True once told to stop now; notes a producerFinished."""
        while self.dataReady("control"):
            message = self.recv("control")
            if isinstance(message, _SHUTDOWNS):
                self._stopMessage = message
                return True
            if isinstance(message, producerFinished):
                self._finishing = True
        return False

    def _start(self, request: Any) -> SingleShotHTTPClient | None:
        if isinstance(request, str):
            request = {"url": request}
        if not isinstance(request, dict):
            repeats.error("%s: cannot fetch %r: send a URL (str) or a dict with 'url'",
                          self.name, request)
            return None
        self.debug(f"SimpleHTTPClient received url {request.get('url', '')}\n")
        try:
            fetcher = SingleShotHTTPClient(request.get("url", ""), request.get("postbody", ""),
                                           extraheaders=request.get("extraheaders"),
                                           method=request.get("method"), pool=self.pool,
                                           **self.options)
        except (TypeError, ValueError) as exc:
            repeats.error("%s: cannot fetch %r: %s", self.name, request, exc)
            return None
        self.link((fetcher, "outbox"), (self, "_carouselinbox"))
        self.link((fetcher, "signal"), (self, "_carouselready"))
        self.link((self, "_carouselsignal"), (fetcher, "control"))
        self.addChildren(fetcher)
        fetcher.activate()
        return fetcher

    def _takeFromFetcher(self, body: list[bytes]) -> None:
        """Pass on (or keep in ``body``) what the current fetcher sent."""
        while self.dataReady("_carouselinbox"):
            if self.streaming and len(self.outboxes["outbox"]) >= self.outboxLimit:
                self.outboxes["outbox"].sink.notifyOnTake(self.unpause)
                return
            message = self.recv("_carouselinbox")
            if isinstance(message, ParsedHTTPBodyChunk):
                if self.streaming:
                    self.send(message.bodychunk, "outbox")
                else:
                    body.append(message.bodychunk)
            elif isinstance(message, ParsedHTTPError):
                body.clear()                              # (already logged)

    def main(self) -> Iterator[Any]:
        """Fetch the URLs in the order they arrive."""
        self._finishing = False
        waiting: deque[Any] = deque()
        while True:
            if self._readControl():
                break
            waiting.extend(self.Inbox("inbox"))
            if not waiting:
                if self._finishing:
                    break
                self.pause()
                yield 1
                continue
            self.fetcher = self._start(waiting.popleft())
            if self.fetcher is None:
                if not self.streaming:
                    self.send(b"", "outbox")
                continue
            body: list[bytes] = []
            stopped = False
            while True:
                self._takeFromFetcher(body)
                if self._readControl():
                    stopped = True
                    break
                if self.dataReady("_carouselready") and not self.dataReady("_carouselinbox"):
                    self.recv("_carouselready")
                    break
                self.pause()
                yield 1
            if stopped:
                break
            self.removeChild(self.fetcher)
            self.fetcher = None
            if not self.streaming:
                self.send(b"".join(body), "outbox")
            while self.dataReady("_carouselready"):
                self.recv("_carouselready")
        self.debug("eoml in SimpleHTTPClient\n")
        self.cleanup()


__kamaelia_components__ = (SimpleHTTPClient, SingleShotHTTPClient)
