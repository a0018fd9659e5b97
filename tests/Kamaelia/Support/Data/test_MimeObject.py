"""Tests for Kamaelia.Support.Data.MimeObject: a header and a body as one object."""

from __future__ import annotations

from Kamaelia.Support.Data.MimeObject import mimeObject
from Kamaelia.Support.Data.requestLine import requestLine


def test_the_text_form_is_1_14s() -> None:
    # Kamaelia 1.14.32: str(mimeObject({"content-type": [...]}, "body"))
    message = mimeObject({"content-type": ["Content-Type", "text/plain"]}, "body")
    assert str(message) == "Content-Type: text/plain\n\nbody"


def test_the_preamble_line_comes_first_and_the_body_once() -> None:
    # 1.14 wrote the body twice when there was a preamble line (a bug).
    message = mimeObject({"a": ["A", "1"], "b": ["B", "2"]}, "body",
                         requestLine("GET http://h/p HTTP/1.0"))
    assert str(message) == "GET http://h/p HTTP/1.0\nA: 1\nB: 2\n\nbody"


def test_the_header_is_copied_and_the_parts_are_attributes() -> None:
    header = {"x": ["X", "y"]}
    message = mimeObject(header, "b")
    header["z"] = ["Z", "w"]
    assert message.header == {"x": ["X", "y"]}
    assert (message.body, message.preambleLine) == ("b", None)
    assert mimeObject(preambleLine="").preambleLine is None


def test_defaults_make_an_empty_object() -> None:
    assert str(mimeObject()) == "\n"


def test_values_that_are_not_pairs_are_written_under_their_key() -> None:
    assert str(mimeObject({"plain": "value"})) == "plain: value\n\n"
