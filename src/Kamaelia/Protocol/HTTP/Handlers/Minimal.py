"""\
=======================================
Minimal: serving the files of a folder
=======================================

A request handler for :class:`~Kamaelia.Protocol.HTTP.HTTPServer.HTTPServer`
that answers ``GET`` and ``HEAD`` with the files of one folder -- and never
with anything outside it.

Example Usage
-------------
Serve the folder ``site`` on port 8000 (``kamaelia serve site`` does the
same from the command line)::

    from Kamaelia.Chassis.ConnectedServer import ServerCore
    from Kamaelia.Protocol.HTTP.HTTPServer import HTTPServer
    from Kamaelia.Protocol.HTTP.HTTPResourceGlue import createRequestHandler
    from Kamaelia.Protocol.HTTP.Handlers.Minimal import MinimalFactory

    routes = [("/", MinimalFactory(indexfilename="index.html", homedirectory="site"))]
    ServerCore(protocol=lambda **info: HTTPServer(createRequestHandler(routes)),
               port=8000, host="127.0.0.1").run()

``MinimalFactory(..., listing=True)`` also lists a folder that has no index
file. 1.14's way of naming the handler still works:
``("/", lambda request: Minimal(request, homedirectory="site/"))``.

What it answers
---------------
* **The file**, with ``Content-Type`` guessed from its name by
  :mod:`mimetypes` (``application/octet-stream`` when unknown),
  ``Content-Length``, ``ETag``, ``Last-Modified`` and ``Accept-Ranges: bytes``.
* **304 Not Modified** to a conditional GET or HEAD: ``If-None-Match``
  naming the file's ETag (or ``*``), or, without it, ``If-Modified-Since``
  not earlier than the file's last change.
* **206 Partial Content** with ``Content-Range`` for one byte range
  (``bytes=A-B``, ``bytes=A-``, ``bytes=-N``), which is how players and
  ffmpeg seek; **416** with ``Content-Range: bytes */SIZE`` for a range past
  the end. Several ranges in one request are answered with the whole file
  (RFC 9110 allows ignoring Range), and ``If-Range`` is honoured.
* **A folder**: its ``indexfilename`` (``index.html``; ``None`` for none)
  if there is one, else a listing if ``listing=True``, else 404. A folder
  asked for without its final ``/`` is redirected (301) to it, so that the
  relative links of its page work.
* **400** for a path no browser sends (``..``, ``%2e%2e``, ``%2f``, a
  backslash, a NUL byte raw or as ``%00``, bytes that are not UTF-8), **404**
  for a name that does not exist or that resolves, through symbolic links,
  outside the folder, **405** for methods other than GET and HEAD. Refusals
  are logged, with the client's address, at WARNING (a storm of them costs
  a line every few seconds). Every answer is logged at DEBUG (client,
  method, URL, the Range asked for, status). The precise rules are in
  ``Kamaelia/Protocol/HTTP/Handlers/_static.py``.

How does it work?
-----------------
The component is made for one request (its first argument) and answers it:
it sends a response dictionary (``"statuscode"``, ``"headers"``, ``"type"``,
``"length"``, ``"data"``) on "outbox", then the file as ``{"data": piece}``
messages, then ``producerFinished`` on "signal", and ends.

A big file is never held in memory. The file is read in pieces of
``chunksize`` bytes (256 KiB) by a small pool of reader threads shared by
every download (a disk that seeks must not stall the scheduler, which runs
every other connection too); each piece comes back into the inbox
``"_fileread"``. The next piece is asked for only when fewer than
``maxAhead`` (2) pieces wait in the server's inbox -- the same
``len(self.outboxes["outbox"])`` pacing Kamaelia's file readers use -- so
at most ``maxAhead + 1`` pieces per download are in memory, and a client
that reads slowly slows the reading of its file down to its own pace. While
it waits for the server to take a piece, the component is paused (it asks
the server's inbox to wake it on the next take), so a stalled download costs
nothing.

When the server says it can (``request["sendfile"]``, which
:class:`~Kamaelia.Protocol.HTTP.HTTPServer.HTTPServerConnection` sets), the
file is not read at all: one :class:`~Kamaelia.Internet.FileRegion.FileRegion`
message (``{"data": region}``) names the bytes to send, and the connection
has the kernel copy them from the page cache to the socket (``sendfile``),
as nginx and aiohttp do. ``sendfile=False`` reads in threads as above
(for a file system where a read may wait long: a page-cache miss in
``sendfile`` waits in the scheduler's thread).

On "control": ``shutdownMicroprocess`` or ``shutdown`` (the server giving
up on the connection) ends it at once, closing the file; ``producerFinished``
(sent by 1.14-style servers when the request's body has ended) is ignored.
Request body messages on "inbox" are read and dropped.

What it does not do: serve several ranges in one ``multipart/byteranges``
answer, compress, or hide dot-files (``.git`` in the folder would be served:
serve a folder that holds only what is meant to be public). If the file
shrinks or cannot be read part way through, the error is logged and the
response ends early: the server then closes the connection, which is how a
client learns that a response with a ``Content-Length`` was cut short.

The boxes ``"_filecontrol"``, ``"_fileprompt"`` and ``"_filesignal"`` are
1.14's (which linked a file-reader child to them); they are kept for code
that names them, and are not used.
"""

from __future__ import annotations

import html
import logging
import os
import stat as statmodule
from typing import Any, Callable, Iterator

from Axon.Component import component
from Axon.Ipc import producerFinished, shutdown, shutdownMicroprocess
from Kamaelia._logthrottle import RepeatLimiter
from Kamaelia.Protocol.HTTP.Handlers import _static
from Kamaelia.Internet.FileRegion import FileRegion
from Kamaelia.Protocol.HTTP.Handlers._reader import OpenFile, readPiece

__all__ = ["Minimal", "MinimalFactory", "sanitizeFilename", "sanitizePath"]

log = logging.getLogger("Kamaelia.Protocol.HTTP.Handlers.Minimal")
_refusals = RepeatLimiter(log)

_REASONS = {"301": "Moved Permanently", "400": "Bad Request", "404": "Not Found",
            "405": "Method Not Allowed", "416": "Range Not Satisfiable"}


def sanitizeFilename(filename: str) -> str:
    """``filename`` with every character dropped except ASCII letters, digits,
    ``-``, ``_`` and ``.`` (1.14's helper; :class:`Minimal` does not need it)."""
    return "".join(c for c in filename
                   if c.isascii() and (c.isalnum() or c in "-_."))


def sanitizePath(uri: str) -> str:
    """``uri`` without leading ``/``, with ``.`` segments dropped and each ``..``
    removing the segment before it (1.14's helper).

    Not enough to keep a server inside a folder (it knows nothing of
    percent-encoding or symbolic links): :class:`Minimal` uses stricter rules,
    described in its module's docstring."""
    parts: list[str] = []
    for segment in uri.lstrip("/").split("/"):
        if segment == "..":
            if parts:
                parts.pop()
        elif segment != ".":
            parts.append(segment)
    return "/".join(parts)


def _checkNames(indexfilename: Any, homedirectory: Any) -> None:
    if indexfilename is not None and not isinstance(indexfilename, str):
        raise TypeError(f"indexfilename must be a file name (str) or None, "
                        f"not {indexfilename!r}")
    if not isinstance(homedirectory, (str, os.PathLike)):
        raise TypeError(f"homedirectory must be the path of a folder, not {homedirectory!r}")


def MinimalFactory(indexfilename: str | None = "index.html", homedirectory: Any = "htdocs",
                   **options: Any) -> Callable[[dict[str, Any]], "Minimal"]:
    """MinimalFactory(indexfilename="index.html", homedirectory="htdocs", **options)
    -> a request handler factory for a URLHandlers entry

    Each request it is given makes a :class:`Minimal` serving
    ``homedirectory``; ``options`` (``listing=True``, ``chunksize=``,
    ``maxAhead=``, ``sendfile=``) are passed on to it.
    """
    _checkNames(indexfilename, homedirectory)
    unknown = sorted(set(options) - {"listing", "chunksize", "maxAhead", "sendfile"})
    if unknown:
        raise TypeError(f"MinimalFactory got unknown options {unknown!r}; "
                        f"it takes listing=, chunksize=, maxAhead= and sendfile=")

    def _getMinimal(request: dict[str, Any]) -> Minimal:
        return Minimal(request, indexfilename, homedirectory, **options)

    return _getMinimal


class Minimal(component):
    """\
    Minimal(request, indexfilename="index.html", homedirectory="htdocs/",
    listing=False, chunksize=262144, maxAhead=2, sendfile=True) -> answers one request
    with a file of ``homedirectory``

    Arguments:

    - request -- the request dictionary (its "method", "uri-suffix",
      "raw-uri", "headers", "peer")
    - indexfilename -- the file sent for a folder, if the folder has one
      (None: never)
    - homedirectory -- the folder served; nothing outside it ever is
    - listing -- list a folder that has no index file (default: 404)
    - chunksize -- bytes per piece read and sent
    - maxAhead -- pieces that may wait in the server's inbox before the next
      one is read
    - sendfile -- let the kernel send the file when the server can (default True)
    """

    Inboxes = {
        "inbox": "request body messages (read and dropped)",
        "control": "shutdownMicroprocess or shutdown: stop now; producerFinished: ignored",
        "_fileread": "pieces of the file (bytes) or an OSError, from the reader threads",
        "_filecontrol": "unused (1.14's file reader signals)",
    }
    Outboxes = {
        "outbox": "the response dictionary, then {'data': piece} messages",
        "signal": "producerFinished when the response is complete",
        "_fileprompt": "unused (1.14's file reader prompts)",
        "_filesignal": "unused (1.14's file reader shutdown)",
    }

    listing = False
    chunksize = 256 * 1024
    maxAhead = 2
    sendfile = True

    def __init__(self, request: dict[str, Any], indexfilename: str | None = "index.html",
                 homedirectory: Any = "htdocs/", **argd: Any) -> None:
        super().__init__(**argd)
        _checkNames(indexfilename, homedirectory)
        if not isinstance(self.chunksize, int) or self.chunksize < 1:
            raise ValueError(f"chunksize must be a positive int, not {self.chunksize!r}")
        if not isinstance(self.maxAhead, int) or self.maxAhead < 1:
            raise ValueError(f"maxAhead must be a positive int, not {self.maxAhead!r}")
        self.request = request
        self.indexfilename = indexfilename
        self.homedirectory = homedirectory
        self._file: OpenFile | None = None

    # -- the response ---------------------------------------------------------
    def main(self) -> Iterator[Any]:
        """Answer the request, stream the file if there is one, then end."""
        try:
            yield from self._respond()
        finally:
            if self._file is not None:
                self._file.close()

    def _respond(self) -> Iterator[Any]:
        # The choosing is done in plain methods, so that none of their locals
        # (the request's parts, the range asked for) lives on while it streams.
        path = self._choose()
        if path is None:
            return                                  # answered in full
        span = self._startFile(path)
        if span is None:
            return                                  # answered in full
        if self.sendfile and self.request.get("sendfile"):
            assert self._file is not None
            self.send({"data": FileRegion(self._file.fd, *span)}, "outbox")
        else:
            yield from self._stream(*span, path)
        self.send(producerFinished(self), "signal")

    def _choose(self) -> str | None:
        """The path of the file to send, or None once it has answered otherwise
        (a refusal, a redirection, a listing)."""
        request = self.request
        method = str(request.get("method", "GET")).upper()
        self._head = method == "HEAD"
        if method not in ("GET", "HEAD"):
            self._refuse("405", f"method {method} is not served", [("Allow", "GET, HEAD")])
            return None
        root = os.path.realpath(os.fspath(self.homedirectory))
        if not os.path.isdir(root):
            _refusals.error("%s: the folder it serves, %r, does not exist; "
                            "answering 404", self.name, os.fspath(self.homedirectory))
            self._refuse("404", "nothing is served here")
            return None
        found = _static.locate(root, str(request.get("uri-suffix", "")))
        if isinstance(found, _static.Refused):
            self._logRefusal(found.reason)
            self._refuse("400", found.reason)
            return None
        if isinstance(found, _static.Missing):
            if found.outside:
                self._logRefusal(found.reason)
            self._refuse("404", "no such file")
            return None
        if not found.isdir:
            return found.path
        rawPath, query = (str(request.get("raw-uri", "/")) + "?").split("?", 1)[:2]
        if not rawPath.endswith("/"):
            location = rawPath + "/" + ("?" + query[:-1] if query[:-1] else "")
            self._refuse("301", "this is a folder", [("Location", location)])
            return None
        index = self._index(root, found.path)
        if index is None:
            if self.listing:
                self._sendPage("200", self._listing(root, found.path, rawPath))
            else:
                self._refuse("404", "this folder has no index")
        return index

    def _index(self, root: str, folder: str) -> str | None:
        if not self.indexfilename:
            return None
        index = os.path.realpath(os.path.join(folder, self.indexfilename))
        return index if _static.inside(root, index) and os.path.isfile(index) else None

    def _listing(self, root: str, folder: str, rawPath: str) -> str:
        entries = []
        with os.scandir(folder) as scan:
            for entry in scan:
                # (a link that leads out is not shown: following it gives 404)
                resolved = os.path.realpath(entry.path)
                if _static.inside(root, resolved):
                    entries.append((entry.name, os.path.isdir(resolved)))
        return _static.listingPage(rawPath, entries)

    def _startFile(self, path: str) -> tuple[int, int] | None:
        """Open ``path`` and send the response's headers; the ``(offset, count)``
        of the bytes to send after them, or None once it has answered in full
        (a refusal, 304, HEAD)."""
        headers = {str(k).lower(): str(v)
                   for k, v in (self.request.get("headers") or {}).items()}
        try:
            # O_NONBLOCK: opening a FIFO put in the folder must not block the
            # scheduler (it is refused below); it changes nothing for files.
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
        except OSError as exc:
            log.info("%s: cannot open %r: %s", self.name, path, exc)
            self._refuse("404", "no such file")
            return None
        self._file = OpenFile(fd)
        info = os.fstat(fd)
        if not statmodule.S_ISREG(info.st_mode):
            self._refuse("404", "not a file")
            return None
        size, mtime = info.st_size, info.st_mtime
        etag = _static.entityTag(info)
        common = [("ETag", etag), ("Last-Modified", _static.httpDate(mtime)),
                  ("Accept-Ranges", "bytes")]
        if _static.notModified(headers, etag, mtime):
            self._answer({"statuscode": "304", "headers": common, "data": b""})
            self.send(producerFinished(self), "signal")
            return None
        wanted = (_static.parseRange(headers.get("range"), size)
                  if _static.rangeStillValid(headers, etag, mtime) else None)
        if wanted == _static.UNSATISFIABLE:
            self._refuse("416", f"the file has {size} bytes",
                         [*common, ("Content-Range", f"bytes */{size}")])
            return None
        kind = _static.guessType(os.path.basename(path))
        if wanted is None:
            first, count, status, extra = 0, size, "200", []
        else:
            assert isinstance(wanted, tuple)
            first, last = wanted
            count, status = last - first + 1, "206"
            extra = [("Content-Range", f"bytes {first}-{last}/{size}")]
        self._answer({"statuscode": status, "headers": [*common, *extra], "type": kind,
                      "length": count, "data": b""})
        if self._head:
            self.send(producerFinished(self), "signal")
            return None
        return first, count

    def _stream(self, offset: int, remaining: int, path: str) -> Iterator[Any]:
        """Send ``remaining`` bytes from ``offset``, a piece at a time, as the
        server takes them."""
        assert self._file is not None
        box = self.outboxes["outbox"]
        pieces = self.inboxes["_fileread"]
        inFlight = False
        while remaining or inFlight:
            if self._stopRequested():
                return
            for _ in self.Inbox("inbox"):
                pass                                    # a request body: not used
            while self.dataReady("_fileread"):
                result = self.recv("_fileread")
                inFlight = False
                if isinstance(result, OSError) or not result:
                    log.error("%s: reading %r stopped %d bytes before the end (%s); "
                              "the response is cut short", self.name, path, remaining,
                              result or "the file shrank")
                    return
                self.send({"data": result}, "outbox")
                offset += len(result)
                remaining -= len(result)
                del result                  # (sent: not kept while it waits)
            if remaining and not inFlight:
                if len(box) < self.maxAhead:
                    readPiece(self._file, offset, min(self.chunksize, remaining),
                              self.scheduler, pieces.append)
                    inFlight = True
                elif box.sink is not box:
                    box.sink.notifyOnTake(self.unpause)   # wake me when it takes one
            if (remaining or inFlight) and not self.anyReady():
                self.pause()
                yield 1

    # -- helpers ----------------------------------------------------------------
    def _stopRequested(self) -> bool:
        while self.dataReady("control"):
            message = self.recv("control")
            if isinstance(message, (shutdownMicroprocess, shutdown)):
                return True
        return self._isStopped()

    def _answer(self, resource: dict[str, Any]) -> None:
        request = self.request
        asked = (request.get("headers") or {}).get("range")
        log.debug("%s:%s %s %s%s -> %s", request.get("peer"), request.get("peerport"),
                  request.get("method"), request.get("raw-uri"),
                  f" (Range: {asked})" if asked else "", resource["statuscode"])
        if self._head:
            resource["data"] = b""      # the headers say what a GET would get
        self.send(resource, "outbox")

    def _sendPage(self, status: str, page: str, headers: list[tuple[str, str]] = []) -> None:
        body = page.encode("utf-8")
        self._answer({"statuscode": status, "headers": list(headers), "type": "text/html",
                      "charset": "utf-8", "length": len(body), "data": body})
        self.send(producerFinished(self), "signal")

    def _refuse(self, status: str, why: str, headers: list[tuple[str, str]] = []) -> None:
        title = f"{status} {_REASONS.get(status, '')}".rstrip()
        self._sendPage(status, f"<!DOCTYPE html>\n<html><head><title>{title}</title></head>"
                               f"<body><h1>{title}</h1><p>{html.escape(why)}</p></body></html>\n",
                       headers)

    def _logRefusal(self, reason: str) -> None:
        request = self.request
        _refusals.warning("%s: refused %r from %s:%s: %s", self.name,
                          request.get("raw-uri"), request.get("peer"),
                          request.get("peerport"), reason)


__kamaelia_components__ = (Minimal,)
