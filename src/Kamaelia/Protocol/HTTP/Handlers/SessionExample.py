"""\
==========================================
SessionExample: a page that counts visits
==========================================

A small example of a request handler that remembers something between
requests: each session (named by the rest of the URL after the handler's
prefix) has a hit counter, and its page shows how many times it was asked for.

Example Usage
-------------
Mount it next to the static files, as 1.14's ``HTTPResourceGlue`` did::

    from Kamaelia.Protocol.HTTP.Handlers.Minimal import MinimalFactory
    from Kamaelia.Protocol.HTTP.Handlers.SessionExample import SessionExampleWrapper

    routes = [("/session/", SessionExampleWrapper),
              ("/", MinimalFactory(homedirectory="site"))]

``GET /session/alice`` answers ``<html><body>1</body></html>``, the next
``GET /session/alice`` ``...2...``, and ``GET /session/bob`` starts at 1.

How does it work?
-----------------
``SessionExampleWrapper(request)`` is the factory: it makes a
:class:`SessionExample` for the session ``request["uri-suffix"]``, which
adds one to that session's count in :data:`Sessions`, sends the page as one
response dictionary (with its ``"length"``), sends ``producerFinished`` on
"signal" and ends.

1.14 kept one long-lived component per session and handed it to the server
again for the next request (answering 500 "Session handler busy" while it
was in use). Ours keeps the count in :data:`Sessions` and makes a fresh
component per request: the same pages, without relying on a server reusing a
component, and two requests for one session at once are both answered.
:data:`Sessions` remembers the :data:`MAXSESSIONS` most recently used
sessions, so clients inventing session names cannot grow it without bound.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any, Iterator

from Axon.Component import component
from Axon.Ipc import producerFinished

__all__ = ["SessionExample", "SessionExampleWrapper", "Sessions", "MAXSESSIONS"]

#: The sessions known, by name: ``{"hits": N, "busy": False}``; most recent last.
Sessions: "OrderedDict[str, dict[str, Any]]" = OrderedDict()

#: Sessions remembered at most (the least recently used is forgotten first).
MAXSESSIONS = 1000


def SessionExampleWrapper(request: dict[str, Any]) -> "SessionExample":
    """The request handler factory: a :class:`SessionExample` for the session
    named by ``request["uri-suffix"]``."""
    return SessionExample(str(request.get("uri-suffix", "")))


class SessionExample(component):
    """\
    SessionExample(sessionid) -> answers one request with the session's hit count

    Adds one to ``Sessions[sessionid]["hits"]`` and sends
    ``<html><body>COUNT</body></html>``.
    """

    Inboxes = {"inbox": "request body messages (not used)",
               "control": "not used (a 1.14 server's producerFinished is ignored)"}
    Outboxes = {"outbox": "the response dictionary",
                "signal": "producerFinished once it is sent"}

    def __init__(self, sessionid: str) -> None:
        super().__init__()
        self.sessionid = sessionid

    def main(self) -> Iterator[Any]:
        """Count the hit, send the page, finish."""
        self.send(self._countHit(), "outbox")
        self.send(producerFinished(self), "signal")
        yield 1

    def _countHit(self) -> dict[str, Any]:
        """Add one to the session's hits; the response dictionary showing them.
        (A method of its own, so that ``main`` keeps no page while it waits.)"""
        session = Sessions.pop(self.sessionid, None) or {"hits": 0, "busy": False}
        session["hits"] += 1
        Sessions[self.sessionid] = session           # (now the most recent)
        while len(Sessions) > MAXSESSIONS:
            Sessions.popitem(last=False)
        page = f"<html><body>{session['hits']}</body></html>".encode("utf-8")
        return {"statuscode": "200", "type": "text/html", "charset": "utf-8",
                "length": len(page), "data": page}


__kamaelia_components__ = (SessionExample,)
