"""Tests for Kamaelia.Support.Data.requestLine: URI request lines taken apart."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from Kamaelia.KamaeliaExceptions import BadRequest
from Kamaelia.Support.Data.requestLine import requestLine

# Each line, and what Kamaelia 1.14.32 took from it: method, scheme, user,
# password, domain, url, protocol, version.
LINES_114 = [
    ("GET http://user:pw@example.com/path?q=1 HTTP/1.1",
     ["GET", "http", "user", "pw", "example.com", "/path?q=1", "HTTP", "1.1"]),
    ("BIBBLE foo://toor@server.bigcompany.com/bla?this&that=other PROTO/3.3",
     ["BIBBLE", "foo", "toor", "", "server.bigcompany.com", "/bla?this&that=other", "PROTO",
      "3.3"]),
    ("BIBBLE foo://server.bigcompany.com/ PROTO/3.3",
     ["BIBBLE", "foo", "", "", "server.bigcompany.com", "/", "PROTO", "3.3"]),
    ("A b://c/d e/f/g", ["A", "b", "", "", "c", "/d", "e", "f/g"]),
]
ATTRIBUTES = ["method", "reqprotocol", "user", "passwd", "domain", "url", "protocol", "version"]


@pytest.mark.parametrize("line,parts", LINES_114, ids=lambda v: str(v)[:30])
def test_the_parts_are_those_1_14_found(line: str, parts: list[str]) -> None:
    request = requestLine(line)
    assert [getattr(request, name) for name in ATTRIBUTES] == parts
    assert str(request) == line


def test_debug_str_lists_the_parts_as_1_14_did() -> None:
    request = requestLine("GET http://user:pw@example.com/path?q=1 HTTP/1.1")
    assert request.debug__str__() == (
        "METHOD  \t:GET\nPROTOCOL\t:HTTP\nVERSION \t:1.1\nReq Type\t:http\nUSER    \t:user\n"
        "PASSWORD\t:pw\nDOMAIN  \t:example.com\nURL     \t:/path?q=1")


def test_a_line_ending_is_not_part_of_the_version() -> None:
    assert requestLine("GET http://a/b HTTP/1.0\r\n").version == "1.0"


@pytest.mark.parametrize("line", ["", "GET", "GET /path HTTP/1.1", "GET http://nodomainslash",
                                  "GET http://a/b", "GET http://a/b HTTP"])
def test_a_line_of_another_form_is_a_BadRequest_carrying_it(line: str) -> None:
    with pytest.raises(BadRequest) as caught:
        requestLine(line)
    assert caught.value.request == line
    assert isinstance(caught.value.exception, ValueError)


def test_what_is_not_a_str_is_a_BadRequest() -> None:
    with pytest.raises(BadRequest, match="must be a str"):
        requestLine(b"GET http://a/b HTTP/1.1")  # type: ignore[arg-type]


@settings(max_examples=300, derandomize=True, database=None, deadline=None)
@given(st.text(alphabet=" /:@?abHTP1.\r\n", max_size=40) | st.text(max_size=40))
def test_any_text_gives_a_request_or_a_BadRequest(line: str) -> None:
    try:
        request = requestLine(line)
    except BadRequest:
        return
    again = requestLine(str(request))
    assert [getattr(again, n) for n in ATTRIBUTES] == [getattr(request, n) for n in ATTRIBUTES]
