"""The whiteboard in a web browser: one self-contained page and where it connects.

Example Usage
-------------
Serve the page and its WebSocket on one port (here ``EchoProtocol`` stands
in for the whiteboard hub's per-connection component)::

    from Kamaelia.Apps.Whiteboard.WebClient import WEBSOCKET_PATH, pageHtml
    from Kamaelia.Protocol.EchoProtocol import EchoProtocol
    from Kamaelia.Protocol.WebSocket import WebSocketServer

    server = WebSocketServer(EchoProtocol, port=0, path=None, page=pageHtml())
    print(f"open http://127.0.0.1:{server.port}/ (its WebSocket: {WEBSOCKET_PATH})")
    # server.run()   # serves until it gets serverShutdown on "control"
    server.close()

How does it work?
-----------------
:func:`pageHtml` gives the text of ``web/whiteboard.html`` (package data):
HTML, CSS and JavaScript in one file, with nothing loaded from anywhere
else. Loaded from ``http(s)://host:port/...``, the page opens a WebSocket
to ``ws(s)://host:port`` + :data:`WEBSOCKET_PATH` and speaks the
whiteboard's line protocol (Kamaelia 1.14's tokenisation, byte for byte;
see ``Kamaelia.Apps.Whiteboard.Tokenisation``) in **binary** messages,
each holding whole lines: the per-connection component gets ``bytes`` on
its "inbox" and sends ``bytes`` (whole lines) out of its "outbox".

``WebSocketServer(factory, path=..., page=...)`` answers a plain ``GET`` of
its ``path`` with the page and upgrades a WebSocket request on that same
``path``. So:

* ``path=WEBSOCKET_PATH``: the page is at ``http://host:port/ws`` (and its
  WebSocket too); ``http://host:port/`` is a 404;
* ``path=None``: every path gets the page (so ``http://host:port/``
  works) and a WebSocket on any path is accepted.

What the page sends: on opening (and on every reconnection) ``AUTH token``
if its URL has ``?token=...``, then ``GETIMG``; then the user's ``LINE``
segments (with a width; those of one animation frame in one line),
``WRITE``, ``CLEAR``, ``PAGE n count``, ``DELPAGE n`` + ``PAGE cur count``
and, for undo, ``SETIMG`` of the page as it is after the undo. It draws
``LINE``, ``CIRCLE``, ``CLEAR``, ``WRITE``, ``SETIMG``, ``PAGEIMG``,
``PAGE``, ``DELPAGE``, ``prev`` and ``next`` as they come, strictly in
order, and reports anything malformed on the browser's console, skipping
it. It reconnects after 1 s, doubling to 10 s.

What it does not do: the page does not queue what is drawn while it is
disconnected (drawing is off until it is back in step). It cannot undo
another user's strokes, nor anything before the last ``SETIMG``,
``PAGEIMG`` or ``CLEAR`` of a page. A hub must allow WebSocket messages as
long as a ``SETIMG`` of a page (``maxMessageSize``; a hand-drawn page
compresses to far less than its 2 MiB of pixels, a photograph does not).
"""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files

__all__ = ["WEBSOCKET_PATH", "pageHtml"]

#: The path the page opens its WebSocket on (on the host and port it came from).
WEBSOCKET_PATH = "/ws"


@lru_cache(maxsize=1)
def pageHtml() -> str:
    """pageHtml() -> the whiteboard's web page (HTML with its CSS and JavaScript inline)"""
    return (files("Kamaelia.Apps.Whiteboard") / "web" / "whiteboard.html").read_text(
        encoding="utf-8")
