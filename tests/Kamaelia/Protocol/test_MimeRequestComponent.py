"""Tests for Kamaelia.Protocol.MimeRequestComponent: one request, as a mimeObject."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from Axon.Ipc import errorInformation, producerFinished, shutdownMicroprocess
from componentharness import run
from Kamaelia.KamaeliaExceptions import BadRequest
from Kamaelia.Protocol import MimeRequestComponent as module
from Kamaelia.Protocol.MimeRequestComponent import MimeRequestComponent
from Kamaelia.Support.Data.MimeObject import mimeObject
from Kamaelia.Support.Data.requestLine import requestLine

REQUEST = (b"GET http://example.com/index.html HTTP/1.0\r\nHost: example.com\r\n"
           b"Accept: text/plain\r\naccept: text/html\r\nContent-Length: 5\r\n\r\nhello")


def request(pieces: list[Any], control: list[Any] = ()) -> Any:  # type: ignore[assignment]
    return run(MimeRequestComponent(), pieces, list(control))


def test_a_request_becomes_a_mime_object_then_it_ends() -> None:
    sink = request([REQUEST])
    [message] = sink.got
    assert isinstance(message, mimeObject) and isinstance(message.preambleLine, requestLine)
    assert (message.preambleLine.method, message.preambleLine.domain,
            message.preambleLine.url) == ("GET", "example.com", "/index.html")
    assert message.header == {"host": ["Host", "example.com"],
                              "accept": ["Accept", "text/plain, text/html"],
                              "content-length": ["Content-Length", "5"]}
    assert message.body == "hello"
    assert [type(m) for m in sink.control] == [producerFinished]


def test_a_request_cut_anywhere_reads_the_same() -> None:
    whole = request([REQUEST]).got[0]
    for cut in range(0, len(REQUEST), 7):
        [message] = request([REQUEST[:cut], REQUEST[cut:cut + 3], REQUEST[cut + 3:]]).got
        assert (message.header, message.body, str(message.preambleLine)) == (
            whole.header, whole.body, str(whole.preambleLine)), cut


def test_without_a_length_there_is_no_body_and_bare_newlines_do() -> None:
    [message] = request(["GET http://h/ HTTP/1.1\nA: b\n\nnot body"]).got
    assert message.header == {"a": ["A", "b"]} and message.body == ""


def test_the_body_stops_at_its_length() -> None:
    [message] = request([b"PUT http://h/x HTTP/1.1\r\nContent-Length: 3\r\n\r\nabcdef"]).got
    assert message.body == "abc"


@pytest.mark.parametrize("data", [b"GET /path HTTP/1.1\r\n\r\n",
                                  b"GET http://h/ HTTP/1.1\r\nno colon here\r\n\r\n",
                                  b"GET http://h/ HTTP/1.1\r\nContent-Length: x\r\n\r\n"],
                         ids=["origin-form", "bad-header", "bad-length"])
def test_a_bad_request_is_an_errorInformation_on_signal(data: bytes) -> None:
    component = MimeRequestComponent()
    sink = run(component, [data])
    assert sink.got == []
    error, finished = sink.control
    assert isinstance(error, errorInformation) and error.caller is component
    assert isinstance(error.exception, BadRequest)
    assert isinstance(finished, producerFinished)


@pytest.mark.parametrize("message_class", [producerFinished, shutdownMicroprocess])
def test_a_shutdown_before_the_request_is_whole_ends_it_and_is_logged(
        message_class: type, caplog: pytest.LogCaptureFixture) -> None:
    message = message_class()
    with caplog.at_level(logging.WARNING, logger="Kamaelia.Protocol.MimeRequestComponent"):
        sink = request([b"GET http://h/ HTTP/1.1\r\nHost: h\r\n"], [message])
    assert sink.got == [] and sink.control == [message]
    assert any("before the request was complete" in r.getMessage() for r in caplog.records)


def test_the_steps_do_their_1_14_jobs() -> None:
    component = MimeRequestComponent()
    component.initialiseComponent()
    component.inboxes["inbox"].append("GET http://h/p HTTP/1.0\r\nX-A: 1\r\n")
    assert component.nextLine() == (1, "GET http://h/p HTTP/1.0")
    component.getALine()
    assert (component.currentLineRead, component.currentLine) == (1, "X-A: 1")
    component.readHeader()
    assert component.header == {"x-a": ["X-A", "1"]} and component.currentLineRead == 0
    assert component.nextLine() == (0, "")
    component.checkEndOfHeader()
    assert component.seenEndHeader == 1 and component.headerlength == 0


def test_the_module_lists_its_component() -> None:
    assert module.__kamaelia_components__ == (MimeRequestComponent,)


@settings(max_examples=150, derandomize=True, database=None, deadline=None)
@given(st.lists(st.binary(max_size=30) | st.sampled_from(
    [b"GET http://h/ HTTP/1.1", b"\r\n", b"\n", b"A: b", b"Content-Length: 2"]), max_size=8))
def test_any_data_gives_a_request_an_error_or_nothing(pieces: list[bytes]) -> None:
    sink = request(pieces, [producerFinished()])
    assert all(isinstance(m, mimeObject) for m in sink.got)
    assert isinstance(sink.control[-1], producerFinished)


# ------------------------------------------------- limits and hostile input
def refusal(component: MimeRequestComponent, pieces: list[Any]) -> BadRequest:
    """The BadRequest a request over a limit gets (on "signal", then producerFinished)."""
    sink = run(component, pieces)
    assert sink.got == []
    error, finished = sink.control
    assert isinstance(error, errorInformation) and isinstance(finished, producerFinished)
    assert isinstance(error.exception, BadRequest)
    return error.exception


def test_the_default_limits_are_64_KiB_of_header_and_16_MiB_of_body() -> None:
    component = MimeRequestComponent()
    assert (component.maxheadersize, component.maxbodysize) == (65536, 16 * 1024 * 1024)


def test_a_header_over_maxheadersize_is_refused_before_it_ends() -> None:
    line = b"GET http://h/ HTTP/1.0\r\n"
    exc = refusal(MimeRequestComponent(maxheadersize=100),
                  [line] + [b"X-Long: " + b"y" * 10] * 20)       # never a blank line
    assert "maxheadersize=100" in str(exc.exception)


def test_a_header_of_exactly_maxheadersize_is_read() -> None:
    data = b"GET http://h/ HTTP/1.0\r\nA: b\r\n\r\n"
    [message] = run(MimeRequestComponent(maxheadersize=len(data)), [data]).got
    assert message.header == {"a": ["A", "b"]}


def test_a_content_length_over_maxbodysize_is_refused_at_once() -> None:
    exc = refusal(MimeRequestComponent(maxbodysize=10),
                  [b"PUT http://h/ HTTP/1.0\r\nContent-Length: 11\r\n\r\n"])
    assert "maxbodysize=10" in str(exc.exception)
    exc = refusal(MimeRequestComponent(),
                  [b"PUT http://h/ HTTP/1.0\r\nContent-Length: " + b"9" * 5000 + b"\r\n\r\n"])
    assert "too long" in str(exc.exception)


def test_a_request_fed_a_byte_at_a_time_reads_the_same() -> None:
    [message] = request([REQUEST[i:i + 1] for i in range(len(REQUEST))]).got
    assert message.body == "hello" and message.header["accept"][1] == "text/plain, text/html"


def test_a_key_given_many_times_is_joined_once() -> None:
    data = b"GET http://h/ HTTP/1.0\r\n" + b"A: v\r\n" * 3000 + b"\r\n"
    [message] = request([data]).got
    assert message.header["a"][1] == ", ".join(["v"] * 3000)


@settings(max_examples=150, derandomize=True, database=None, deadline=None)
@given(st.lists(st.binary(max_size=30) | st.sampled_from(
    [b"GET http://h/ HTTP/1.1", b"\r\n", b"\n", b"A: b", b"Content-Length: 2",
     b"Content-Length: " + b"9" * 5000, b"\x00", b"\xff\xfe", b"Content-Length: -1"]),
    max_size=8),
       st.one_of(st.none(), st.integers(1, 60)))
def test_any_data_gives_a_request_an_error_or_nothing_whatever_the_limit(
        pieces: list[bytes], limit: int | None) -> None:
    sink = run(MimeRequestComponent(maxheadersize=limit, maxbodysize=limit), pieces,
               [producerFinished()])
    assert all(isinstance(m, mimeObject) for m in sink.got)
    assert isinstance(sink.control[-1], producerFinished)
    assert all(isinstance(m.exception, BadRequest) for m in sink.control
               if isinstance(m, errorInformation))
