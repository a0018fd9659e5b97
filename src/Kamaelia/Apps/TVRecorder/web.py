"""The recorder's web face: ``/epg.xml`` (XMLTV), a page of recordings and now/next.

Example Usage
-------------
Keep a :class:`RecorderState` up to date from the recorder's outboxes and
serve it (``kamaelia record --web 8080`` does this)::

    from Kamaelia.Apps.TVRecorder.web import RecorderState, StateKeeper, webServer

    state = RecorderState("recordings")
    keeper = StateKeeper(state)       # link Recorder's "outbox" -> "finished",
                                      # "epg" -> "inbox", "status" -> "status"
    server, close = webServer(state, port=8080)    # a ServerCore; activate or run it

Then ``http://HOST:8080/`` lists the recordings made (each a link to its
``.ts``, its ``.json`` and its MP4 once transcoded) and what each channel
has on now and next; ``/epg.xml`` is the guide as XMLTV (for Kodi,
Jellyfin, Plex, tvheadend's XMLTV grabber ...); ``/status.json`` is the
same as the page, as JSON; ``/files/...`` serves the recordings folder.

How does it work?
-----------------
The state is written in the scheduler's thread (by :class:`StateKeeper`,
a component) and read by the web pages, which run in the WSGI handler's
threads (``Kamaelia.Protocol.HTTP.WSGI``); a lock keeps the two apart and
is held only to copy or change a few references. The guide is an
:class:`~Kamaelia.Apps.TVRecorder.xmltv.EPG`; now and next are the last
now/next events the stream gave for each channel (not the wall clock: a
recording replayed from a file shows what was on in it).
"""

from __future__ import annotations

import html
import json
import threading
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping
from urllib.parse import quote

from Axon.Component import component
from Kamaelia._shutdown import runUntilShutdown
from Kamaelia.Apps.TVRecorder.recorder import Finished
from Kamaelia.Apps.TVRecorder.xmltv import EPG, toXMLTV

__all__ = ["RecorderState", "StateKeeper", "webApplication", "webServer"]

#: Recordings listed on the page (the newest).
_LISTED = 500


class RecorderState:
    """RecorderState(out) -> what the web pages show: guide, now/next, recordings, status"""

    def __init__(self, out: Path | str) -> None:
        self.out = Path(out)
        self.epg = EPG()
        self._lock = threading.Lock()
        self._nowNext: dict[str, dict[str, dict[str, Any]]] = {}
        self._recordings: list[dict[str, Any]] = []
        self._status: list[str] = []

    def event(self, event: Mapping[str, Any]) -> None:
        """A now/next event from the recorder (SimplifyEIT's dict and ``"channel"``)."""
        channel = event.get("channel")
        with self._lock:
            self.epg.addSimplified(event)
            if channel and event.get("service") is not None:
                self.epg.setServiceName(event["service"], channel,
                                        original_network_id=event.get("original_network"))
            if channel and event.get("when") in ("NOW", "NEXT"):
                slots = dict(self._nowNext.get(channel, {}))
                slots[event["when"]] = dict(event)
                self._nowNext[channel] = slots

    def finished(self, done: Finished) -> None:
        with self._lock:
            self._recordings.append({"path": str(done.path), **done.metadata})
            del self._recordings[:-_LISTED]

    def transcoded(self, source: Path | str, made: Iterable[Path | str]) -> None:
        """Note the web versions made of the recording ``source``."""
        with self._lock:
            for recording in self._recordings:
                if recording["path"] == str(source):
                    recording["web"] = [str(path) for path in made]

    def status(self, line: str) -> None:
        with self._lock:
            self._status.append(line)
            del self._status[:-20]

    def snapshot(self) -> dict[str, Any]:
        """Everything the page shows, as plain data (JSON-able)."""
        with self._lock:
            nowNext = {channel: {slot: _brief(event) for slot, event in slots.items()}
                       for channel, slots in self._nowNext.items()}
            recordings = [dict(item) for item in self._recordings]
            status = list(self._status)
        return {"now_next": nowNext, "recordings": recordings[::-1], "status": status}

    def xmltv(self) -> bytes:
        with self._lock:
            return toXMLTV(self.epg)


def _brief(event: Mapping[str, Any]) -> dict[str, Any]:
    start, end = event.get("start"), event.get("end")
    return {"title": event.get("name", ""), "description": event.get("description", ""),
            "start": start.isoformat() if isinstance(start, datetime) else None,
            "end": end.isoformat() if isinstance(end, datetime) else None}


class StateKeeper(component):
    """StateKeeper(state, onFinished=None) -> keeps a RecorderState up to date
    from the recorder's outboxes (and calls ``onFinished`` with each recording)"""

    Inboxes = {"inbox": "now/next events (Recorder's 'epg')",
               "finished": "Finished recordings (Recorder's 'outbox')",
               "transcoded": "(source path, [paths made]) pairs",
               "status": "status lines", "control": "shutdown signalling"}
    Outboxes = {"outbox": "the Finished recordings, passed on (e.g. to a transcoder)",
                "signal": "shutdown signalling"}

    def __init__(self, state: RecorderState,
                 onFinished: Callable[[Finished], None] | None = None, **argd: Any) -> None:
        super().__init__(**argd)
        self.state = state
        self.onFinished = onFinished

    def main(self) -> Iterator[int]:
        request = yield from runUntilShutdown(self, self._keep)
        self.send(request, "signal")

    def _keep(self) -> bool:
        for event in self.Inbox("inbox"):
            if isinstance(event, Mapping):
                self.state.event(event)
        for done in self.Inbox("finished"):
            if isinstance(done, Finished):
                self.state.finished(done)
                if self.onFinished is not None:
                    self.onFinished(done)
                self.send(done, "outbox")
        for item in self.Inbox("transcoded"):
            if isinstance(item, tuple) and len(item) == 2:
                self.state.transcoded(*item)
        for line in self.Inbox("status"):
            self.state.status(str(line))
        return False


_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Kamaelia TV recorder</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem; max-width: 60rem; }}
table {{ border-collapse: collapse; width: 100%; margin-bottom: 2rem; }}
th, td {{ text-align: left; padding: .3rem .6rem; border-bottom: 1px solid #ddd; }}
.muted {{ color: #666; }}
</style></head><body>
<h1>TV recorder</h1>
<p class="muted">Guide: <a href="epg.xml">epg.xml</a> (XMLTV) &middot;
<a href="status.json">status.json</a></p>
<h2>On now and next</h2>
<table><tr><th>Channel</th><th>Now</th><th>Next</th></tr>{nowNext}</table>
<h2>Recordings</h2>
<table><tr><th>Channel</th><th>Programme</th><th>Start</th><th>Length</th><th>Files</th></tr>
{recordings}</table>
<h2>Status</h2><pre>{status}</pre>
</body></html>
"""


def _slot(event: Mapping[str, Any] | None) -> str:
    if not event:
        return '<span class="muted">-</span>'
    start = (event.get("start") or "")[11:16]
    return f"{html.escape(start)} {html.escape(event.get('title') or '')}"


def _link(state: RecorderState, path: str, label: str) -> str:
    try:
        relative = Path(path).resolve().relative_to(state.out.resolve())
    except ValueError:
        return html.escape(label)
    href = "files/" + "/".join(quote(part) for part in relative.parts)
    return f'<a href="{href}">{html.escape(label)}</a>'


def page(state: RecorderState) -> str:
    """The HTML page: now/next per channel, recordings (newest first), recent status."""
    snap = state.snapshot()
    rows = "".join(
        f"<tr><td>{html.escape(channel)}</td><td>{_slot(slots.get('NOW'))}</td>"
        f"<td>{_slot(slots.get('NEXT'))}</td></tr>"
        for channel, slots in sorted(snap["now_next"].items()))
    recs = []
    for item in snap["recordings"]:
        path = item["path"]
        files = [_link(state, path, "ts"), _link(state, str(Path(path).with_suffix(".json")),
                                                 "json")]
        files += [_link(state, made, Path(made).suffix.lstrip(".") or "file")
                  for made in item.get("web", [])]
        recs.append(f"<tr><td>{html.escape(str(item.get('channel', '')))}</td>"
                    f"<td>{html.escape(str(item.get('title', '')))}</td>"
                    f"<td>{html.escape(str(item.get('start') or '')[:16].replace('T', ' '))}</td>"
                    f"<td>{float(item.get('recorded_seconds', 0)) / 60:.0f} min</td>"
                    f"<td>{' '.join(files)}</td></tr>")
    return _PAGE.format(nowNext=rows, recordings="".join(recs),
                        status=html.escape("\n".join(snap["status"])))


def webApplication(state: RecorderState) -> Callable[..., Iterable[bytes]]:
    """A WSGI application for ``/``, ``/epg.xml`` and ``/status.json``."""

    def application(environ: Mapping[str, Any], start_response: Callable[..., Any]
                    ) -> Iterable[bytes]:
        path = "/" + str(environ.get("PATH_INFO", "")).lstrip("/")
        if path in ("/", "/index.html"):
            body, kind = page(state).encode("utf-8"), "text/html; charset=utf-8"
        elif path == "/epg.xml":
            body, kind = state.xmltv(), "application/xml"
        elif path == "/status.json":
            body = json.dumps(state.snapshot(), ensure_ascii=False).encode("utf-8")
            kind = "application/json"
        else:
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"not found\n"]
        start_response("200 OK", [("Content-Type", kind), ("Content-Length", str(len(body))),
                                  ("Cache-Control", "no-cache")])
        return [body]

    return application


def webServer(state: RecorderState, port: int = 0, host: str = "127.0.0.1"
              ) -> tuple[Any, Callable[[], None]]:
    """(server, close): a ServerCore serving :func:`webApplication` and, under
    ``/files/``, the recordings; ``close()`` stops the pages' threads once the
    server has ended."""
    from Kamaelia.Chassis.ConnectedServer import ServerCore
    from Kamaelia.Protocol.HTTP.HTTPResourceGlue import createRequestHandler
    from Kamaelia.Protocol.HTTP.HTTPServer import HTTPServer
    from Kamaelia.Protocol.HTTP.Handlers.Minimal import MinimalFactory
    from Kamaelia.Protocol.HTTP.WSGI import WSGIHandler

    state.out.mkdir(parents=True, exist_ok=True)
    pages = WSGIHandler(webApplication(state), threads=2)
    handler = createRequestHandler([("/files/", MinimalFactory(None, str(state.out))),
                                    ("/", pages)])
    server = ServerCore(protocol=lambda **info: HTTPServer(handler, **info), port=port,
                        host=host)
    return server, pages.close
