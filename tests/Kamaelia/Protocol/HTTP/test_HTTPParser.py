"""HTTPParser (1.14's one-message parser, on h11), HTTPRequestHandler, glue, pages, types."""

from __future__ import annotations

from typing import Any

import pytest

from Axon.Component import component
from Axon.Ipc import producerFinished
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.Protocol.HTTP.ErrorPages import getErrorPage
from Kamaelia.Protocol.HTTP.HTTPParser import (HTTPParser, ParsedHTTPBodyChunk, ParsedHTTPEnd,
                                               ParsedHTTPHeader, splitUri)
from Kamaelia.Protocol.HTTP.HTTPRequestHandler import HTTPRequestHandler
from Kamaelia.Protocol.HTTP.HTTPResourceGlue import createRequestHandler
from Kamaelia.Protocol.HTTP.MimeTypes import workoutMimeType
from Kamaelia.Protocol.HTTP._serverparts import HeadWatch
from Kamaelia.Util.DataSource import DataSource


class Collect(component):
    def __init__(self) -> None:
        super().__init__()
        self.got: list[Any] = []

    def main(self):
        while not self.dataReady("control"):
            self.got += list(self.Inbox("inbox"))
            self.pause()
            yield 1
        self.got += list(self.Inbox("inbox"))


def run(pieces: list[bytes], *middle: Any) -> list[Any]:
    sink = Collect()
    Pipeline(DataSource(pieces), *middle, sink).run()
    return sink.got


def test_parser_gives_header_body_chunks_and_end() -> None:
    got = run([b"POST /f?a=b HTTP/1.1\r\nHost: h\r\n", b"Content-Length: 5\r\n\r\nhel", b"lo"],
              HTTPParser(peer="1.2.3.4"))
    assert isinstance(got[0], ParsedHTTPHeader) and isinstance(got[-1], ParsedHTTPEnd)
    header = got[0].header
    assert (header["method"], header["raw-uri"], header["query"]) == ("POST", "/f?a=b", "a=b")
    assert header["peer"] == "1.2.3.4" and header["bad"] is False
    assert b"".join(c.bodychunk for c in got if isinstance(c, ParsedHTTPBodyChunk)) == b"hello"


def test_parser_marks_malformed_input_bad() -> None:
    got = run([b"nonsense\r\n\r\n"], HTTPParser())
    assert got[0].header["bad"] == "400" and isinstance(got[1], ParsedHTTPEnd)


def test_parser_parses_a_response_in_response_mode() -> None:
    got = run([b"HTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\nno"], HTTPParser(mode="response"))
    assert got[0].header["responsecode"] == "404" and got[1].bodychunk == b"no"


def test_split_uri_is_1_14s() -> None:
    parts = splitUri("http://user:pw@host:81/path?q")
    assert (parts["uri-protocol"], parts["uri-server"], parts["uri-port"]) == ("http", "host", "81")
    assert (parts["uri-username"], parts["uri-password"]) == ("user", "pw")
    assert (parts["raw-uri"], parts["non-query-uri"], parts["query"]) == ("/path?q", "/path", "q")


class Hello(component):
    def __init__(self, request: dict[str, Any]) -> None:
        super().__init__()

    def main(self):
        self.send({"statuscode": "200", "data": "hi", "type": "text/plain"})
        self.send(producerFinished(self), "signal")
        yield 1


def test_1_14_parser_and_request_handler_wired_by_hand_answer() -> None:
    got = run([b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"], HTTPParser(), HTTPRequestHandler(Hello))
    answer = b"".join(got)
    assert answer.startswith(b"HTTP/1.1 200 OK\r\n")
    assert answer.endswith(b"\r\n\r\n2\r\nhi\r\n0\r\n\r\n")


def test_glue_picks_the_longest_prefix_and_checks_its_table() -> None:
    route = createRequestHandler([("/", lambda r: "root"), ("/a/b", lambda r: "deep")])
    request = {"raw-uri": "/a/b/c"}
    assert route(request) == "deep" and request["uri-suffix"] == "/c"
    with pytest.raises(ValueError, match=r"each entry must be \(prefix, factory\), not \('/x',\)"):
        createRequestHandler([("/x",)])


def test_error_pages_and_mime_types() -> None:
    page = getErrorPage(403, "<no>")
    assert page["statuscode"] == "403" and "&lt;no&gt;" in page["data"] and page["complete"]
    with pytest.raises(ValueError, match="not 'x'"):
        getErrorPage("x")
    assert workoutMimeType("a/b/index.HTML") == "text/html"
    assert workoutMimeType("noextension") == "application/octet-stream"
    assert workoutMimeType("x.py") == "text/plain"


def test_head_watch_separates_414_from_431() -> None:
    watch = HeadWatch(10, 20, 5)
    watch.feed(b"GET /aaaaaaaaaaaa")
    assert watch.incomplete()[0] == 414
    watch = HeadWatch(100, 20, 5)
    watch.feed(b"GET / HTTP/1.1\r\nX: " + b"y" * 30)
    assert watch.incomplete()[0] == 431
