"""The recorder's web pages, asked by a real HTTP client, after recording a real stream."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import timedelta
from pathlib import Path
from typing import Iterator

import httpx
import pytest

from Kamaelia.Apps.TVRecorder.recorder import ChannelSelection, MultiplexRecorder
from Kamaelia.Apps.TVRecorder.web import RecorderState, webServer
from nettools import IO_TIMEOUT, Background
from tsfixtures import BASE, Programme, Service, insertEIT, makeMultiplex

SECOND = timedelta(seconds=1)


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[str, RecorderState]]:
    mux = makeMultiplex(tmp_path / "mux.ts", [Service(1, "BBC ONE", "BBC"),
                                             Service(2, "Film & <Co>", "Indie")], seconds=4)
    stream = insertEIT(mux.path, tmp_path / "eit.ts", {
        1: [Programme(11, "News", "The news.", BASE - SECOND, 3 * SECOND),
            Programme(12, "Weather", "Rain.", BASE + 2 * SECOND, 60 * SECOND)],
        2: [Programme(21, "Casablanca", "Play it again.", BASE, 60 * SECOND)]})
    state = RecorderState(tmp_path / "out")
    recorder = MultiplexRecorder(state.out, ChannelSelection(["BBC ONE"]),
                                 onFinished=state.finished, onEvent=state.event,
                                 onStatus=state.status)
    recorder.feed(stream.path.read_bytes())
    recorder.close()
    server, close = webServer(state, port=0)
    with Background(server):
        yield f"http://127.0.0.1:{server.port}", state
    close()


def test_the_guide_is_xmltv_with_every_channel_and_programme(site: tuple[str, RecorderState]
                                                             ) -> None:
    url, _state = site
    reply = httpx.get(url + "/epg.xml", timeout=IO_TIMEOUT)
    assert reply.status_code == 200 and reply.headers["content-type"] == "application/xml"
    tv = ET.fromstring(reply.content)
    names = sorted(c.findtext("display-name") for c in tv.iter("channel"))
    assert names == ["BBC ONE", "Film & <Co>"]
    titles = sorted(p.findtext("title") for p in tv.iter("programme"))
    assert titles == ["Casablanca", "News", "Weather"]


def test_the_page_lists_recordings_and_now_next(site: tuple[str, RecorderState]) -> None:
    url, state = site
    page = httpx.get(url + "/", timeout=IO_TIMEOUT).text
    assert "Film &amp; &lt;Co&gt;" in page and "Casablanca" in page     # escaped
    assert "Weather" in page and "News" in page
    snapshot = httpx.get(url + "/status.json", timeout=IO_TIMEOUT).json()
    assert [r["title"] for r in snapshot["recordings"]] == ["Weather", "News"]
    assert snapshot["now_next"]["BBC ONE"]["NOW"]["title"] == "Weather"
    # each recording's link serves its file
    first = state.snapshot()["recordings"][0]
    href = page.split('href="files/', 1)[1].split('"', 1)[0]
    got = httpx.get(url + "/files/" + href, timeout=IO_TIMEOUT)
    assert got.status_code == 200 and got.content == Path(first["path"]).read_bytes()
    assert httpx.get(url + "/nothing", timeout=IO_TIMEOUT).status_code == 404
