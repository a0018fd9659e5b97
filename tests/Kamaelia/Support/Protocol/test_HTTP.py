"""Tests for Kamaelia.Support.Protocol.HTTP: translators, URI popping and routing."""

from __future__ import annotations

import re
from typing import Any

import pytest

from Kamaelia.Support.Protocol.HTTP import (ConvertHeaders, HTTPProtocol, PopKamaeliaURI,
                                            PopURI, PopWsgiURI, ReqTranslatorFactory,
                                            WSGILikeTranslator, checkSlashes, requestHandlers)


def request(**changes: Any) -> dict[str, Any]:
    base = {"bad": False, "body": "", "method": "GET", "protocol": "HTTP", "version": "1.1",
            "headers": {"accept": "text/xml", "content-type": "text/plain",
                        "content-length": "5", "host": "127.0.0.1:8082", "x-thing": "y"},
            "localip": "127.0.0.1", "localport": 8082, "peer": "127.0.0.1", "peerport": 40819,
            "non-query-uri": "/hello/there", "raw-uri": "/hello/there?a=1", "query": "a=1",
            "uri-prefix-trigger": "/hello", "uri-suffix": "/there?a=1", "uri-protocol": "HTTP",
            "uri-server": "127.0.0.1:8082"}
    base.update(changes)
    return base


def test_the_WSGI_translation_is_1_14s() -> None:
    # Kamaelia 1.14.32's WSGILikeTranslator of the same request (Python 2.7).
    assert WSGILikeTranslator(request()) == {
        "CONTENT_LENGTH": "5", "CONTENT_TYPE": "text/plain", "HTTP_ACCEPT": "text/xml",
        "HTTP_HOST": "127.0.0.1:8082", "HTTP_X_THING": "y", "NON_QUERY_URI": "/hello/there",
        "PATH_INFO": "/there", "QUERY_STRING": "a=1", "REMOTE_ADDR": "127.0.0.1",
        "REMOTE_PORT": 40819, "REQUEST_METHOD": "GET", "REQUEST_URI": "/hello/there?a=1",
        "SCRIPT_NAME": "/hello", "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8082",
        "SERVER_PROTOCOL": "HTTP/1.1", "SERVER_SOFTWARE": "Kamaelia HTTPServer/0.6.0",
        "wsgi.url_scheme": "http"}


def test_a_root_prefix_is_an_empty_script_name_and_a_bare_host_has_no_port() -> None:
    environ = WSGILikeTranslator(request(**{"uri-prefix-trigger": "/", "uri-suffix": "x",
                                            "raw-uri": "/x", "uri-server": "host"}))
    assert (environ["SCRIPT_NAME"], environ["PATH_INFO"], environ["NON_QUERY_URI"]) == (
        "", "/x", "/x")
    assert (environ["SERVER_NAME"], environ["SERVER_PORT"], environ["QUERY_STRING"]) == (
        "host", "", "")


def test_ConvertHeaders_leaves_content_headers_to_their_own_variables() -> None:
    environ: dict[str, Any] = {}
    ConvertHeaders({"headers": {"content-type": "a", "content-length": "1", "if-match": "x"}},
                   environ)
    assert environ == {"HTTP_IF_MATCH": "x"}


@pytest.mark.parametrize("before,after", [
    ({"uri-prefix-trigger": "", "uri-suffix": "", "non-query-uri": "/a/b/c"}, ("/a", "/b/c")),
    ({"uri-prefix-trigger": "", "uri-suffix": "", "non-query-uri": "/"}, ("/", "")),
    ({"uri-prefix-trigger": "/a", "uri-suffix": "/b/c", "non-query-uri": "/a/b/c"},
     ("/a/b", "/c")),
    ({"uri-prefix-trigger": "/a", "uri-suffix": "/b", "non-query-uri": "/a/b"}, ("/a/b", "")),
    ({"uri-prefix-trigger": "/a", "uri-suffix": "b//c/", "non-query-uri": "/a/b/c"},
     ("/a/b", "/c")),
])
def test_popping_moves_one_segment_as_1_14_did(before: dict[str, str],
                                               after: tuple[str, str]) -> None:
    PopKamaeliaURI(before)
    assert (before["uri-prefix-trigger"], before["uri-suffix"]) == after


def test_popping_with_nothing_left_changes_nothing() -> None:
    # 1.14 raised IndexError here.
    environ = {"SCRIPT_NAME": "/a/b", "PATH_INFO": "", "NON_QUERY_URI": "/a/b"}
    PopWsgiURI(environ)
    assert environ == {"SCRIPT_NAME": "/a/b", "PATH_INFO": "", "NON_QUERY_URI": "/a/b"}


def test_PopURI_takes_any_keys() -> None:
    record = {"s": "", "p": "", "r": "/x/y"}
    PopURI(record, "s", "p", "r")
    assert record == {"s": "/x", "p": "/y", "r": "/x/y"}


def test_checkSlashes_gives_a_leading_slash_and_no_trailing_one() -> None:
    assert [checkSlashes(""), checkSlashes("a/"), checkSlashes("/a//"),
            checkSlashes("x", "x")] == ["", "/a", "/a", "x"]


def errors(code: int, message: str) -> tuple[str, int, str]:
    return ("error", code, message)


def test_requestHandlers_route_by_the_first_matching_prefix() -> None:
    seen: list[dict[str, Any]] = []

    def handler(name: str) -> Any:
        return lambda req: (seen.append(dict(req)), name)[1]

    route = requestHandlers([["/a/b", handler("ab")], ["/a", handler("a")]], errors)
    assert route({"non-query-uri": "/a/b/c", "raw-uri": "/a/b/c"}) == "ab"
    assert route({"non-query-uri": "/a/x", "raw-uri": "/a/x"}) == "a"
    assert [(r["uri-prefix-trigger"], r["uri-suffix"]) for r in seen] == [
        ("/a/b", "/c"), ("/a", "/x")]


def test_unrouted_and_bad_requests_go_to_the_error_handler() -> None:
    route = requestHandlers([["/a", lambda req: "a"]], errorhandler=errors)
    assert route({"non-query-uri": "/z", "raw-uri": "/z?q"}) == (
        "error", 404, "No resource handler found for URI /z?q")
    assert route({"bad": True, "errormsg": "Bad header"}) == ("error", 400, "Bad header")


def test_a_route_that_is_not_a_prefix_and_a_factory_is_refused() -> None:
    with pytest.raises(ValueError, match=re.escape(
            "requestHandlers: each route is [prefix, handler factory], not ['/a']")):
        requestHandlers([["/a"]])


def test_ReqTranslatorFactory_translates_before_the_handler_sees_the_request() -> None:
    make = ReqTranslatorFactory(lambda environ: environ["REQUEST_METHOD"], WSGILikeTranslator)
    assert make(request(method="POST")) == "POST"


def test_HTTPProtocol_makes_a_factory_checking_its_routes_at_once() -> None:
    assert callable(HTTPProtocol([["/", lambda req: None]], errors))
    with pytest.raises(ValueError, match="each route is"):
        HTTPProtocol([("/", "not callable")])
