"""\
===================================================
WSGI hosting: any WSGI application as an HTTP route
===================================================

Mount a WSGI application (Flask, Django, Bottle, a plain function...) on a
path of Kamaelia's HTTP server, next to Kamaelia's own routes.

Example Usage
-------------
::

    from flask import Flask
    from Kamaelia.Chassis.ConnectedServer import ServerCore
    from Kamaelia.Protocol.HTTP.HTTPServer import HTTPServer
    from Kamaelia.Protocol.HTTP import HTTPResourceGlue
    from Kamaelia.Protocol.HTTP.Handlers.Minimal import MinimalFactory
    from Kamaelia.Protocol.HTTP.WSGI import WSGIHandler

    app = Flask(__name__)

    @app.route("/hello")
    def hello():
        return "hello from Flask"

    routes = [("/flask", WSGIHandler(app)),          # /flask/hello -> hello()
              ("/static", MinimalFactory(homedirectory="site"))]
    handler = HTTPResourceGlue.createRequestHandler(routes)
    ServerCore(protocol=lambda **info: HTTPServer(handler), port=8080).run()

How does it work?
-----------------
``WSGIHandler(app, threads=8)`` returns a *handler factory* (what a
Kamaelia 1.14 URL table holds): called with a request dict, it makes a
:class:`WSGIRequestHandler` component for that request.

* **The application never runs in the scheduler's thread.** Each request's
  call of ``app(environ, start_response)``, and the iteration of what it
  returns, happen in a thread pool (``concurrent.futures``) shared by every
  request of that factory (``threads`` threads): a slow page delays only
  itself, and at most ``threads`` requests run the application at once
  (the others wait their turn in the pool).
* **environ** (PEP 3333): ``SCRIPT_NAME`` is the route's prefix and
  ``PATH_INFO`` the rest of the path (URL-decoded, as Latin-1 text);
  ``QUERY_STRING``, ``CONTENT_TYPE``, ``CONTENT_LENGTH``, ``HTTP_*`` for
  every other header, ``SERVER_NAME``/``SERVER_PORT`` (from ``Host``),
  ``REMOTE_ADDR``/``REMOTE_PORT``, ``SERVER_PROTOCOL``, and the ``wsgi.*``
  keys (``wsgi.multithread`` is true).
* **wsgi.input** reads the request body: the bytes of ``request["body"]``,
  or, for a body the server streams (``request["bodystream"]``), the
  ``{"body": ...}`` messages arriving on "inbox", as the application reads
  them. At most 4 of those wait for the application; the handler takes no
  more meanwhile, so the server stops reading the socket (back-pressure).
  ``wsgi.input_terminated`` is true: reading to the end is always safe.
* **wsgi.errors** writes to the logger ``Kamaelia.Protocol.HTTP.WSGI``.
* **start_response** takes ``exc_info`` as PEP 3333 says (replacing the
  status and headers if nothing has been sent yet, re-raising otherwise).
  The headers go out with the first non-empty piece of the body (or at the
  end, for an empty one), as the first response dict:
  ``{"statuscode": "200", "headers": [...], "type": content-type, "data": ...}``
  (plus ``"length"`` if the application gave ``Content-Length``); each
  further piece is a ``{"data": bytes}`` message, and ``producerFinished``
  on "signal" ends the response. The ``write`` callable works too.
* **Back-pressure on the response**: at most 8 pieces are in flight
  between the application's thread and the server; beyond that the
  application's thread waits (so a generator producing gigabytes never
  fills memory).
* The iterable's ``close()`` is always called (in the application's
  thread), also when the client went away.

Errors
------
An exception from the application before anything was sent is logged with
its traceback and answered with ``500 Internal Server Error``. After the
headers were sent it is logged and the response is cut short: the handler
sends ``shutdownMicroprocess`` (not ``producerFinished``) on "signal", so
the server closes the connection rather than pretend the body was complete.
A non-bytes piece of body is such an error (``TypeError``, named).

Shutdown
--------
``shutdownMicroprocess`` or ``producerFinished`` on the handler's "control"
(the connection has gone): the application's thread is told to stop (its
next ``write``, body piece or ``wsgi.input`` read ends it, and ``close()``
is called), the message is passed on out of "signal" and the handler ends.
``factory.close()`` shuts the thread pool down (waiting for running
applications).
"""

from __future__ import annotations

import concurrent.futures
import io
import logging
import threading
from collections import deque
from typing import Any, Callable, Iterable, Iterator
from urllib.parse import unquote_to_bytes, urlsplit

from Axon.Component import component
from Axon.Ipc import producerFinished, shutdown, shutdownMicroprocess

__all__ = ["WSGIHandler", "WSGIHandlerFactory", "WSGIRequestHandler"]

log = logging.getLogger("Kamaelia.Protocol.HTTP.WSGI")
_SHUTDOWNS = (producerFinished, shutdownMicroprocess, shutdown)

#: Body pieces waiting for the application before the handler stops taking more.
BODY_CHUNKS_BUFFERED = 4
#: Response pieces between the application's thread and the server.
RESPONSE_CHUNKS_IN_FLIGHT = 8


class _Cancelled(Exception):
    """The connection has gone: stop the application."""


class RequestBody(io.RawIOBase):
    """wsgi.input: the request body, fed by the handler, read by the
    application's thread (blocking until the next piece arrives)."""

    def __init__(self, initial: bytes = b"", complete: bool = True,
                 onTake: Callable[[], None] | None = None) -> None:
        super().__init__()
        self._cond = threading.Condition()
        self._chunks: deque[bytes] = deque([initial] if initial else [])
        self._complete = complete
        self._cancelled = False
        self._onTake = onTake

    # --- the handler's side (scheduler thread)
    def feed(self, data: bytes) -> None:
        with self._cond:
            if data:
                self._chunks.append(bytes(data))
            self._cond.notify_all()

    def finish(self) -> None:
        with self._cond:
            self._complete = True
            self._cond.notify_all()

    def cancel(self) -> None:
        with self._cond:
            self._cancelled = True
            self._cond.notify_all()

    def buffered(self) -> int:
        with self._cond:
            return len(self._chunks)

    # --- the application's side
    def readable(self) -> bool:
        return True

    def _take(self, size: int, untilNewline: bool = False) -> bytes:
        out = bytearray()
        with self._cond:
            while size < 0 or len(out) < size:
                while not self._chunks and not self._complete and not self._cancelled:
                    self._cond.wait()
                if self._cancelled:
                    raise _Cancelled("the client has gone")
                if not self._chunks or self._popInto(out, size, untilNewline):
                    break                          # the end of the body, or of the line
        return bytes(out)

    def _popInto(self, out: bytearray, size: int, untilNewline: bool) -> bool:
        """Move (part of) the first piece into ``out``; True at a line's end."""
        chunk = self._chunks.popleft()
        if self._onTake is not None:     # room for the next piece: ask for it
            self._onTake()
        want = len(chunk) if size < 0 else size - len(out)
        if untilNewline:
            newline = chunk.find(b"\n")
            if newline >= 0:
                want = min(want, newline + 1)
        if want < len(chunk):
            self._chunks.appendleft(chunk[want:])
            chunk = chunk[:want]
        out += chunk
        return untilNewline and out.endswith(b"\n")

    def read(self, size: int | None = -1) -> bytes:
        return self._take(-1 if size is None else size)

    def readinto(self, buffer: Any) -> int:
        data = self._take(len(buffer))
        buffer[:len(data)] = data
        return len(data)

    def readline(self, size: int | None = -1) -> bytes:
        return self._take(-1 if size is None else size, untilNewline=True)

    def readlines(self, hint: int | None = -1) -> list[bytes]:
        lines, total = [], 0
        while line := self.readline():
            lines.append(line)
            total += len(line)
            if hint is not None and 0 < hint <= total:
                break
        return lines

    def __iter__(self) -> Iterator[bytes]:
        while line := self.readline():
            yield line


class _ErrorStream:
    """wsgi.errors: text written to it is logged, a line at a time."""

    def __init__(self, where: str) -> None:
        self._where = where
        self._pending = ""
        self._lock = threading.Lock()

    def write(self, text: str) -> int:
        with self._lock:
            self._pending += text
            *lines, self._pending = self._pending.split("\n")
        for line in lines:
            log.error("%s: %s", self._where, line)
        return len(text)

    def writelines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        with self._lock:
            rest, self._pending = self._pending, ""
        if rest:
            log.error("%s: %s", self._where, rest)


def _latin1(raw: bytes) -> str:
    return raw.decode("latin-1")


def buildEnviron(request: dict[str, Any], body: Any, errors: Any) -> dict[str, Any]:
    """The PEP 3333 environ for a Kamaelia request dict."""
    headers = {str(k).lower(): str(v) for k, v in (request.get("headers") or {}).items()}
    rawuri = str(request.get("raw-uri") or "/")
    if rawuri.lower().startswith(("http://", "https://")):       # absolute-form
        parts = urlsplit(rawuri)
        rawuri = (parts.path or "/") + ("?" + parts.query if parts.query else "")
    path, _, query = rawuri.partition("?")
    path = _latin1(unquote_to_bytes(path))
    script = str(request.get("uri-prefix-trigger") or "").rstrip("/")
    if script and (path == script or path.startswith(script + "/")):
        pathInfo = path[len(script):]
    else:
        script, pathInfo = "", path
    host = headers.get("host") or str(request.get("uri-server") or request.get("localip") or "")
    serverName, serverPort = host, str(request.get("localport", ""))
    if host.startswith("["):                                     # [IPv6]:port
        end = host.find("]")
        serverName = host[1:end]
        if host[end + 1:end + 2] == ":":
            serverPort = host[end + 2:]
    elif ":" in host:
        serverName, serverPort = host.rsplit(":", 1)
    scheme = str(request.get("url-scheme") or ("https" if request.get("secure") else "http"))
    if not serverPort:
        serverPort = "443" if scheme == "https" else "80"
    environ: dict[str, Any] = {
        "REQUEST_METHOD": str(request.get("method") or "GET"),
        "SCRIPT_NAME": script,
        "PATH_INFO": pathInfo,
        "QUERY_STRING": query,
        "SERVER_NAME": serverName or "localhost",
        "SERVER_PORT": serverPort,
        "SERVER_PROTOCOL": f"{request.get('protocol') or 'HTTP'}/{request.get('version') or '1.0'}",
        "REMOTE_ADDR": str(request.get("peer", "")),
        "REMOTE_PORT": str(request.get("peerport", "")),
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scheme,
        "wsgi.input": body,
        "wsgi.errors": errors,
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        "wsgi.input_terminated": True,
    }
    if "content-type" in headers:
        environ["CONTENT_TYPE"] = headers["content-type"]
    if "content-length" in headers:
        environ["CONTENT_LENGTH"] = headers["content-length"]
    for name, value in headers.items():
        if name in ("content-type", "content-length"):
            continue
        key = "HTTP_" + name.upper().replace("-", "_")
        environ[key] = f"{environ[key]}, {value}" if key in environ else value
    return environ


class WSGIRequestHandler(component):
    """WSGIRequestHandler(request, app, executor) -> answers one request with a WSGI application.

    Made by a :class:`WSGIHandlerFactory` (see the module docstring).
    """

    Inboxes = {"inbox": "the request dict, then its {'body': ...} messages",
               "control": "shutdownMicroprocess or producerFinished: the connection has gone",
               "_fromapp": "what the application's thread produced"}
    Outboxes = {"outbox": "response dicts: the head with the first data, then {'data': ...}",
                "signal": "producerFinished when the response is complete "
                          "(shutdownMicroprocess if it was cut short)"}

    def __init__(self, request: dict[str, Any], app: Callable[..., Any],
                 executor: concurrent.futures.Executor, **argd: Any) -> None:
        super().__init__(**argd)
        self.request = request
        self.app = app
        self.executor = executor
        streamed = bool(request.get("bodystream"))
        self.body = RequestBody(b"" if streamed else bytes(request.get("body") or b""),
                                complete=not streamed, onTake=self._bodyTaken)
        self._bodyDone = not streamed
        self._room = threading.Semaphore(RESPONSE_CHUNKS_IN_FLIGHT)
        self._cancelled = False

    # --- called from the application's thread
    def _bodyTaken(self) -> None:
        self._deliver(("took",), "_fromapp")

    def _put(self, item: tuple[Any, ...]) -> None:
        self._room.acquire()
        if self._cancelled:
            raise _Cancelled("the client has gone")
        self._deliver(item, "_fromapp")

    def _runApp(self, environ: dict[str, Any]) -> None:
        state: dict[str, Any] = {"status": None, "headers": None, "sent": False}

        def emit(data: Any) -> None:
            if not isinstance(data, (bytes, bytearray, memoryview)):
                raise TypeError(f"a WSGI application must give bytes, not {data!r}")
            if state["status"] is None:
                raise AssertionError("the application sent a body before calling start_response")
            if not state["sent"]:
                state["sent"] = True
                self._put(("start", state["status"], state["headers"], bytes(data)))
            elif data:
                self._put(("data", bytes(data)))

        def start_response(status: str, headers: list[tuple[str, str]],
                           exc_info: Any = None) -> Callable[[bytes], None]:
            if exc_info:
                try:
                    if state["sent"]:
                        raise exc_info[1].with_traceback(exc_info[2])
                finally:
                    exc_info = None
            elif state["status"] is not None:
                raise AssertionError("start_response called a second time without exc_info")
            if not isinstance(status, str) or len(status) < 3 or not status[:3].isdigit():
                raise ValueError(f"status must be a str such as '200 OK', not {status!r}")
            if not isinstance(headers, list) or not all(
                    isinstance(h, tuple) and len(h) == 2 and all(isinstance(p, str) for p in h)
                    for h in headers):
                raise TypeError(f"headers must be a list of (str, str) tuples, not {headers!r}")
            state["status"], state["headers"] = status, headers
            return write

        def write(data: bytes) -> None:
            if data:
                emit(data)

        outcome = "end"
        try:
            result = self.app(environ, start_response)
            try:
                for piece in result:
                    if self._cancelled:
                        raise _Cancelled("the client has gone")
                    if piece or not state["sent"]:
                        if piece:
                            emit(piece)
                if not state["sent"]:
                    emit(b"")
            finally:
                close = getattr(result, "close", None)
                if close is not None:
                    close()
        except _Cancelled:
            outcome = "gone"
        except BaseException as exc:       # noqa: BLE001 - reported, never raised into the pool
            if self._cancelled:
                outcome = "gone"
            else:
                log.error("%s: the WSGI application failed on %s %s", self.name,
                          environ.get("REQUEST_METHOD"), environ.get("PATH_INFO"),
                          exc_info=(type(exc), exc, exc.__traceback__))
                if not state["sent"]:
                    state["sent"] = True
                    page = b"500 Internal Server Error\n"
                    self._deliver(("start", "500 Internal Server Error",
                                   [("Content-Type", "text/plain; charset=utf-8"),
                                    ("Content-Length", str(len(page)))], page), "_fromapp")
                else:
                    outcome = "abort"
            if not isinstance(exc, Exception):
                self._deliver((outcome,), "_fromapp")
                raise
        self._deliver((outcome,), "_fromapp")

    # --- the scheduler's side
    def _head(self, status: str, headers: list[tuple[str, str]], data: bytes) -> dict[str, Any]:
        kept: list[tuple[str, str]] = []
        response: dict[str, Any] = {"statuscode": status[:3], "data": data}
        for name, value in headers:
            lower = name.lower()
            if lower == "content-type":
                response["type"] = value
            elif lower == "content-length" and value.strip().isdigit():
                response["length"] = int(value)
            else:
                kept.append((name, value))
        response["headers"] = kept
        return response

    def _feedBody(self) -> None:
        while not self._bodyDone and self.body.buffered() < BODY_CHUNKS_BUFFERED \
                and self.dataReady("inbox"):
            message = self.recv("inbox")
            if message is self.request or not isinstance(message, dict) or "method" in message:
                continue                             # the request itself
            if message.get("body"):
                self.body.feed(message["body"])
            if message.get("complete"):
                self._bodyDone = True
                self.body.finish()
        if self._bodyDone:
            while self.dataReady("inbox"):
                self.recv("inbox")

    def _stopApp(self) -> None:
        self._cancelled = True
        self.body.cancel()
        self._room.release(RESPONSE_CHUNKS_IN_FLIGHT + 1)

    def main(self) -> Iterator[Any]:
        environ = buildEnviron(self.request, self.body, _ErrorStream(self.name))
        try:
            self.executor.submit(self._runApp, environ)
        except RuntimeError as exc:                   # the pool was shut down
            log.error("%s: cannot run the WSGI application: %s", self.name, exc)
            self.send({"statuscode": "503", "headers": [], "type": "text/plain",
                       "data": b"503 Service Unavailable\n"}, "outbox")
            self.send(producerFinished(self), "signal")
            return
        while True:
            self._feedBody()
            outcome = self._pumpApp()
            if outcome is not None:
                if outcome != "gone":
                    self.send(producerFinished(self) if outcome == "end"
                              else shutdownMicroprocess(self), "signal")
                return
            stop = self._shutdownMessage()
            if stop is not None:
                self._stopApp()
                self.send(stop, "signal")
                return
            outbox = self.outboxes["outbox"]
            if self.dataReady("_fromapp") and len(outbox) >= RESPONSE_CHUNKS_IN_FLIGHT:
                outbox.sink.notifyOnTake(self.unpause)
            self.pause()
            yield 1

    def _pumpApp(self) -> str | None:
        """Pass on what the application's thread produced, while there is
        room downstream; its outcome ("end", "abort", "gone") once it is done."""
        outbox = self.outboxes["outbox"]
        while self.dataReady("_fromapp") and len(outbox) < RESPONSE_CHUNKS_IN_FLIGHT:
            item = self.recv("_fromapp")
            kind = item[0]
            if kind == "start":
                self.send(self._head(item[1], item[2], item[3]), "outbox")
                self._room.release()
            elif kind == "data":
                self.send({"data": item[1]}, "outbox")
                self._room.release()
            elif kind in ("end", "abort", "gone"):
                return str(kind)
        return None

    def _shutdownMessage(self) -> Any:
        while self.dataReady("control"):
            message = self.recv("control")
            if isinstance(message, _SHUTDOWNS):
                return message
        return None


class WSGIHandlerFactory:
    """WSGIHandlerFactory(app, threads=8) -> makes a WSGIRequestHandler per request.

    What :func:`WSGIHandler` returns; ``close()`` shuts its thread pool down.
    """

    def __init__(self, app: Callable[..., Any], threads: int = 8) -> None:
        if not callable(app):
            raise TypeError(f"app must be a WSGI application (a callable), not {app!r}")
        if isinstance(threads, bool) or not isinstance(threads, int) or threads < 1:
            raise ValueError(f"threads must be an int >= 1, not {threads!r}")
        self.app = app
        self.threads = threads
        self._executor: concurrent.futures.ThreadPoolExecutor | None = None
        self._lock = threading.Lock()

    @property
    def executor(self) -> concurrent.futures.ThreadPoolExecutor:
        with self._lock:
            if self._executor is None:
                self._executor = concurrent.futures.ThreadPoolExecutor(
                    max_workers=self.threads, thread_name_prefix="Kamaelia-WSGI")
            return self._executor

    def __call__(self, request: dict[str, Any]) -> WSGIRequestHandler:
        return WSGIRequestHandler(request, self.app, self.executor)

    def close(self, wait: bool = True) -> None:
        """Shut the thread pool down (a new one is made if used again)."""
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=wait)


def WSGIHandler(app: Callable[..., Any], threads: int = 8) -> WSGIHandlerFactory:
    """WSGIHandler(app, threads=8) -> a 1.14-style handler factory running ``app``.

    - app     -- a WSGI application (PEP 3333)
    - threads -- how many requests may run the application at once
    """
    return WSGIHandlerFactory(app, threads)


__kamaelia_components__ = (WSGIRequestHandler,)
