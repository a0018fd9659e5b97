"""Handlers.Minimal on its own: request dicts in, response dicts out (no server).

Each test makes a folder in tmp_path, feeds a Minimal the request dictionary
an HTTPServer would build (contract section 2) and looks at the response
dictionaries it sends (section 3).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any, Iterator

import pytest

from Axon.Component import component
from Axon.Ipc import producerFinished, shutdownMicroprocess
from Axon.Scheduler import scheduler
from Kamaelia.Protocol.HTTP.Handlers.Minimal import (Minimal, MinimalFactory,
                                                     sanitizeFilename, sanitizePath)
from Kamaelia._logthrottle import forgetAll

from componentharness import Collector, run
from nettools import Background, inScheduler


@pytest.fixture(autouse=True)
def fresh_log_limiters() -> None:
    forgetAll(report=False)


def request(suffix: str, method: str = "GET", prefix: str = "/", **headers: str) -> dict[str, Any]:
    return {"method": method, "raw-uri": prefix + suffix, "uri-prefix-trigger": prefix,
            "uri-suffix": suffix, "uri-server": "", "version": "1.1", "protocol": "HTTP",
            "headers": {k.replace("_", "-"): v for k, v in headers.items()},
            "peer": "127.0.0.1", "peerport": 4321, "localip": "127.0.0.1",
            "localport": 80, "bad": False, "body": b""}


def answer(root: Path, suffix: str, method: str = "GET", **options: Any) -> tuple[dict[str, Any], bytes, Collector]:
    """Run a Minimal for one request: (first response dict, body bytes, collector)."""
    headers = options.pop("headers", {})
    prefix = options.pop("prefix", "/")
    handler = Minimal(request(suffix, method, prefix, **headers), homedirectory=str(root),
                      **options)
    sink = run(handler)
    assert [type(m) for m in sink.control] == [producerFinished]
    first, rest = sink.got[0], sink.got[1:]
    body = first["data"] + b"".join(m["data"] for m in rest)
    if "length" in first and method != "HEAD":
        assert len(body) == first["length"]
    return first, body, sink


def header(response: dict[str, Any], name: str) -> str | None:
    for key, value in response.get("headers", []):
        if key.lower() == name.lower():
            return value
    return None


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    (root / "docs").mkdir(parents=True)
    (root / "index.html").write_text("<p>home</p>")
    (root / "hello.txt").write_text("hello world\n")
    (root / "docs" / "a b.css").write_text("p {}")
    (root / "docs" / "café.txt").write_text("accents")
    (tmp_path / "secret.txt").write_text("outside")
    return root


# -- what is served ------------------------------------------------------------

def test_a_file_is_served_with_its_type_length_and_validators(site: Path) -> None:
    first, body, _ = answer(site, "hello.txt")
    assert first["statuscode"] == "200" and body == b"hello world\n"
    assert first["type"] == "text/plain" and first["length"] == 12
    assert header(first, "ETag", ).startswith('"')
    assert header(first, "Last-Modified").endswith(" GMT")
    assert header(first, "Accept-Ranges") == "bytes"


@pytest.mark.parametrize("name, kind", [("x.css", "text/css"), ("x.png", "image/png"),
                                        ("x.mp4", "video/mp4"), ("x.json", "application/json"),
                                        ("x.unknownext", "application/octet-stream"),
                                        ("x.txt.gz", "application/gzip")])
def test_the_content_type_comes_from_mimetypes(tmp_path: Path, name: str, kind: str) -> None:
    (tmp_path / name).write_bytes(b"x")
    first, _, _ = answer(tmp_path, name)
    assert first["type"] == kind


def test_percent_encoded_names_are_decoded(site: Path) -> None:
    assert answer(site, "docs/a%20b.css")[1] == b"p {}"
    assert answer(site, "docs/caf%C3%A9.txt")[1] == b"accents"


def test_the_query_string_is_not_part_of_the_name(site: Path) -> None:
    assert answer(site, "hello.txt?v=3#top")[1] == b"hello world\n"


def test_a_folder_gets_its_index_file(site: Path) -> None:
    first, body, _ = answer(site, "")
    assert first["statuscode"] == "200" and body == b"<p>home</p>"
    assert first["type"] == "text/html"


def test_a_folder_asked_for_without_its_slash_is_redirected(site: Path) -> None:
    first, _, _ = answer(site, "docs?x=1")
    assert first["statuscode"] == "301" and header(first, "Location") == "/docs/?x=1"


def test_under_a_prefix_the_redirect_keeps_the_prefix(site: Path) -> None:
    first, _, _ = answer(site, "docs", prefix="/static/")
    assert header(first, "Location") == "/static/docs/"


def test_a_folder_without_index_is_404_unless_listing_is_asked_for(site: Path) -> None:
    assert answer(site, "docs/")[0]["statuscode"] == "404"
    first, body, _ = answer(site, "docs/", listing=True)
    assert first["statuscode"] == "200" and first["type"] == "text/html"
    page = body.decode()
    assert 'href="a%20b.css"' in page and "a b.css" in page and "caf%C3%A9.txt" in page


def test_the_listing_escapes_names_and_hides_links_that_lead_out(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    (root / "<b>.txt").write_text("x")
    (root / "out").symlink_to(tmp_path)
    page = answer(root, "", listing=True, indexfilename=None)[1].decode()
    assert "&lt;b&gt;.txt" in page and "<b>" not in page
    assert "out" not in page.split("<ul>")[1]


def test_indexfilename_none_never_sends_an_index(site: Path) -> None:
    assert answer(site, "", indexfilename=None)[0]["statuscode"] == "404"


def test_a_missing_file_is_404(site: Path) -> None:
    first, body, _ = answer(site, "nothere.txt")
    assert first["statuscode"] == "404" and b"404" in body


def test_a_missing_home_folder_is_404_and_logged(tmp_path: Path,
                                                 caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR):
        first, _, _ = answer(tmp_path / "nowhere", "x")
    assert first["statuscode"] == "404"
    assert "nowhere" in caplog.text and "does not exist" in caplog.text


def test_only_get_and_head_are_served(site: Path) -> None:
    first, _, _ = answer(site, "hello.txt", method="POST")
    assert first["statuscode"] == "405" and header(first, "Allow") == "GET, HEAD"


def test_a_fifo_is_not_opened_for_reading(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    assert answer(tmp_path, "pipe")[0]["statuscode"] == "404"     # (and did not block)


# -- nothing outside the folder, ever -------------------------------------------

ESCAPES = [
    ("../secret.txt", "400"),
    ("docs/../../secret.txt", "400"),
    ("%2e%2e/secret.txt", "400"),
    ("%2E%2E/secret.txt", "400"),
    (".%2e/secret.txt", "400"),
    ("docs%2f..%2f..%2fsecret.txt", "400"),
    ("..%2fsecret.txt", "400"),
    ("..\\secret.txt", "400"),
    ("..%5csecret.txt", "400"),
    ("hello.txt%00.png", "400"),
    ("hello.txt\x00.png", "400"),
    ("%ff%fe", "400"),
]


@pytest.mark.parametrize("suffix, status", ESCAPES)
def test_a_path_that_tries_to_leave_is_refused_and_logged(site: Path, suffix: str, status: str,
                                                          caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        first, body, _ = answer(site, suffix)
    assert first["statuscode"] == status
    assert b"outside" not in body
    assert "refused" in caplog.text and "127.0.0.1:4321" in caplog.text


@pytest.mark.parametrize("suffix", ["/etc/passwd", "//etc/passwd", "///" + "etc/hostname"])
def test_an_absolute_path_stays_inside_the_folder(site: Path, suffix: str) -> None:
    first, body, _ = answer(site, suffix)
    assert first["statuscode"] == "404" and b"root:" not in body


def test_an_absolute_path_names_the_file_inside_not_the_one_outside(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("outside")
    root = tmp_path / "root"
    (root / tmp_path.relative_to("/")).mkdir(parents=True)
    (root / tmp_path.relative_to("/") / "secret.txt").write_text("the copy inside")
    assert answer(root, str(secret))[1] == b"the copy inside"


def test_a_symbolic_link_out_of_the_folder_is_not_followed(site: Path, tmp_path: Path,
                                                           caplog: pytest.LogCaptureFixture) -> None:
    (site / "link.txt").symlink_to(tmp_path / "secret.txt")
    (site / "updir").symlink_to(tmp_path)
    with caplog.at_level(logging.WARNING):
        assert answer(site, "link.txt")[0]["statuscode"] == "404"
        assert answer(site, "updir/secret.txt")[0]["statuscode"] == "404"
    assert "leads outside" in caplog.text


def test_a_symbolic_link_within_the_folder_is_followed(site: Path) -> None:
    (site / "alias.txt").symlink_to(site / "hello.txt")
    assert answer(site, "alias.txt")[1] == b"hello world\n"


def test_an_index_file_that_links_out_is_not_sent(site: Path, tmp_path: Path) -> None:
    (site / "docs" / "index.html").symlink_to(tmp_path / "secret.txt")
    assert answer(site, "docs/")[0]["statuscode"] == "404"


def test_the_home_folder_may_itself_be_a_link(site: Path, tmp_path: Path) -> None:
    (tmp_path / "www").symlink_to(site)
    assert answer(tmp_path / "www", "hello.txt")[1] == b"hello world\n"
    assert answer(tmp_path / "www", "../secret.txt")[0]["statuscode"] == "400"


# -- conditional GET --------------------------------------------------------------

def test_if_none_match_with_the_etag_gets_304(site: Path) -> None:
    first, _, _ = answer(site, "hello.txt")
    etag = header(first, "ETag")
    again, body, _ = answer(site, "hello.txt", headers={"if-none-match": f'"x", {etag}'})
    assert again["statuscode"] == "304" and body == b""
    assert header(again, "ETag") == etag
    assert answer(site, "hello.txt", headers={"if-none-match": "*"})[0]["statuscode"] == "304"
    assert answer(site, "hello.txt", headers={"if-none-match": "W/" + etag})[0]["statuscode"] == "304"


def test_a_changed_file_gets_a_new_etag_and_a_full_answer(site: Path) -> None:
    etag = header(answer(site, "hello.txt")[0], "ETag")
    (site / "hello.txt").write_text("changed, longer\n")
    first, body, _ = answer(site, "hello.txt", headers={"if-none-match": etag})
    assert first["statuscode"] == "200" and body == b"changed, longer\n"
    assert header(first, "ETag") != etag


def test_if_modified_since_gets_304_unless_the_file_is_newer(site: Path) -> None:
    os.utime(site / "hello.txt", (1_000_000_000, 1_000_000_000))     # 2001-09-09 01:46:40
    first, _, _ = answer(site, "hello.txt")
    assert header(first, "Last-Modified") == "Sun, 09 Sep 2001 01:46:40 GMT"
    same = {"if-modified-since": "Sun, 09 Sep 2001 01:46:40 GMT"}
    earlier = {"if-modified-since": "Sun, 09 Sep 2001 01:46:39 GMT"}
    assert answer(site, "hello.txt", headers=same)[0]["statuscode"] == "304"
    assert answer(site, "hello.txt", headers=earlier)[0]["statuscode"] == "200"
    assert answer(site, "hello.txt", headers={"if-modified-since": "nonsense"})[0]["statuscode"] == "200"


def test_if_none_match_wins_over_if_modified_since(site: Path) -> None:
    first, _, _ = answer(site, "hello.txt")
    both = {"if-none-match": '"other"', "if-modified-since": header(first, "Last-Modified")}
    assert answer(site, "hello.txt", headers=both)[0]["statuscode"] == "200"


# -- ranges -----------------------------------------------------------------------

@pytest.fixture
def digits(tmp_path: Path) -> Path:
    (tmp_path / "d.bin").write_bytes(bytes(range(100)))
    return tmp_path


@pytest.mark.parametrize("spec, first, last", [("bytes=10-19", 10, 19), ("bytes=90-", 90, 99),
                                               ("bytes=-5", 95, 99), ("bytes=95-500", 95, 99),
                                               ("bytes=-500", 0, 99), ("bytes=0-0", 0, 0)])
def test_one_range_gets_206_with_content_range(digits: Path, spec: str, first: int,
                                               last: int) -> None:
    response, body, _ = answer(digits, "d.bin", headers={"range": spec})
    assert response["statuscode"] == "206"
    assert header(response, "Content-Range") == f"bytes {first}-{last}/100"
    assert body == bytes(range(first, last + 1)) and response["length"] == last - first + 1


@pytest.mark.parametrize("spec", ["bytes=100-", "bytes=500-600", "bytes=-0"])
def test_a_range_past_the_end_gets_416(digits: Path, spec: str) -> None:
    response, _, _ = answer(digits, "d.bin", headers={"range": spec})
    assert response["statuscode"] == "416"
    assert header(response, "Content-Range") == "bytes */100"


@pytest.mark.parametrize("spec", ["bytes=20-10", "items=0-5", "bytes=0-5,10-15", "bytes=x-",
                                  "bytes=5", "bytes=--5", "bytes=٣-"])
def test_a_range_we_do_not_serve_gets_the_whole_file(digits: Path, spec: str) -> None:
    response, body, _ = answer(digits, "d.bin", headers={"range": spec})
    assert response["statuscode"] == "200" and body == bytes(range(100))


def test_if_range_with_the_current_etag_honours_the_range(digits: Path) -> None:
    etag = header(answer(digits, "d.bin")[0], "ETag")
    assert answer(digits, "d.bin", headers={"range": "bytes=0-1", "if-range": etag}
                  )[0]["statuscode"] == "206"
    stale = answer(digits, "d.bin", headers={"range": "bytes=0-1", "if-range": '"old"'})
    assert stale[0]["statuscode"] == "200" and stale[1] == bytes(range(100))


def test_an_empty_file(tmp_path: Path) -> None:
    (tmp_path / "empty").write_bytes(b"")
    response, body, sink = answer(tmp_path, "empty")
    assert response["statuscode"] == "200" and response["length"] == 0 and body == b""
    assert answer(tmp_path, "empty", headers={"range": "bytes=0-"})[0]["statuscode"] == "416"


# -- HEAD ---------------------------------------------------------------------------

def test_head_gets_the_headers_of_a_get_and_no_data(digits: Path) -> None:
    get, _, _ = answer(digits, "d.bin")
    head, body, sink = answer(digits, "d.bin", method="HEAD")
    assert body == b"" and len(sink.got) == 1
    assert head["length"] == get["length"] == 100
    assert head["headers"] == get["headers"] and head["type"] == get["type"]
    ranged, _, _ = answer(digits, "d.bin", method="HEAD", headers={"range": "bytes=0-9"})
    assert ranged["statuscode"] == "206" and ranged["length"] == 10


# -- streaming ----------------------------------------------------------------------

class TakesWhenFull(component):
    """Takes a message only when ``room`` wait in its inbox (or the producer
    has finished). The inbox is limited to ``room``: a producer that sends
    without waiting for room raises noSpaceInBox (re-raised in the test), and
    one that is not woken when a message is taken never finishes (the test
    times out)."""

    def __init__(self, room: int) -> None:
        super().__init__()
        self.setInboxSize("inbox", room)
        self.room = room
        self.got: list[Any] = []
        self.mostWaiting = 0

    def main(self) -> Iterator[Any]:
        while True:
            self.mostWaiting = max(self.mostWaiting, self.dataReady("inbox"))
            if self.dataReady("control"):
                self.got.extend(self.Inbox("inbox"))
                return
            if self.dataReady("inbox") == self.room:
                self.got.append(self.recv("inbox"))
            else:
                self.pause()
            yield 1


@pytest.mark.timeout(30)
def test_a_big_file_streams_in_pieces_only_as_fast_as_they_are_taken(tmp_path: Path) -> None:
    data = os.urandom(64 * 1024 * 5 + 123)
    (tmp_path / "big.bin").write_bytes(data)
    handler = Minimal(request("big.bin"), homedirectory=str(tmp_path), chunksize=64 * 1024,
                      maxAhead=3)
    taker = TakesWhenFull(room=3)
    handler.link((handler, "outbox"), (taker, "inbox"))
    handler.link((handler, "signal"), (taker, "control"))
    handler.activate()
    taker.activate()
    scheduler.run.runThreads()
    pieces = [m["data"] for m in taker.got[1:]]
    assert b"".join(pieces) == data
    assert [len(p) for p in pieces] == [64 * 1024] * 5 + [123]
    assert taker.mostWaiting == 3       # it went ahead as far as allowed, and no further


def test_a_shutdown_stops_the_stream_and_closes_the_file(tmp_path: Path) -> None:
    (tmp_path / "big.bin").write_bytes(b"x" * (10 * 1024))
    handler = Minimal(request("big.bin"), homedirectory=str(tmp_path), chunksize=1024)
    never = component()        # takes nothing: the handler waits for room
    handler.link((handler, "outbox"), (never, "inbox"))
    waiting = never.inboxes["inbox"]
    with Background(handler) as system:
        # header + 1 piece wait; the handler is paused, not reading on
        inScheduler(lambda: None, when=lambda: len(waiting) == handler.maxAhead
                    and not handler._isRunnable())
        assert handler._file is not None and not handler._file.closed
        handler._deliver(shutdownMicroprocess(), "control")
        system.shutdown()
    assert handler._isStopped() and handler._file.closed
    assert len(waiting) == handler.maxAhead      # nothing more was sent
    assert sum(len(m.get("data", b"")) for m in waiting) == 1024


def test_producer_finished_on_control_does_not_stop_the_answer(site: Path) -> None:
    handler = Minimal(request("hello.txt"), homedirectory=str(site))
    sink = run(handler, control=[producerFinished()])
    assert b"".join(m["data"] for m in sink.got) == b"hello world\n"


# -- the factory and 1.14's helpers -------------------------------------------------------

def test_minimal_factory_makes_handlers_for_its_folder(site: Path) -> None:
    factory = MinimalFactory("index.html", str(site))
    sink = run(factory(request("")))
    assert b"".join(m["data"] for m in sink.got) == b"<p>home</p>"
    listing = MinimalFactory(None, site, listing=True)(request("docs/"))
    assert b"a%20b.css" in run(listing).got[0]["data"]


def test_minimal_1_14_call_shape_still_works(site: Path) -> None:
    sink = run(Minimal(request=request("hello.txt"), homedirectory=str(site) + "/",
                       indexfilename="index.html"))
    assert sink.got[0]["statuscode"] == "200"


def test_bad_arguments_are_named() -> None:
    with pytest.raises(TypeError, match="homedirectory must be the path of a folder, not 42"):
        MinimalFactory("index.html", 42)
    with pytest.raises(TypeError, match=r"unknown options \['listin'\]"):
        MinimalFactory(listin=True)
    with pytest.raises(ValueError, match="chunksize must be a positive int, not 0"):
        Minimal(request("x"), chunksize=0)
    with pytest.raises(TypeError, match="indexfilename must be .* not 3"):
        Minimal(request("x"), indexfilename=3)


def test_sanitize_helpers_keep_1_14_behaviour() -> None:
    assert sanitizeFilename("a b/../c-d_e.TXT\x00é") == "ab..c-d_e.TXT"
    assert sanitizePath("/a/./b/../c") == "a/c"
    assert sanitizePath("../../x") == "x"
