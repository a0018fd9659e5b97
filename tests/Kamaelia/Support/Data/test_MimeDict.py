"""Tests for Kamaelia.Support.Data.MimeDict: header fields in order, with a body."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from Kamaelia.Support.Data.MimeDict import MimeDict

# Each text, the fields and insertion order Kamaelia 1.14.32 read from it, and
# what str() gave back (Python 2.7).
SOURCES_114 = [
    ("Header: value\r\nOther: two\r\nHeader: again\r\n\r\nbody text",
     {"Header": ["value", "again"], "Other": "two", "__BODY__": "body text"},
     ["Header", "Other", "Header"],
     "Header: value\r\nOther: two\r\nHeader: again\r\n\r\nbody text"),
    ("Key: line one\r\n  continued\r\n\r\n",
     {"Key": "line one\r\n  continued", "__BODY__": ""}, ["Key"],
     "Key: line one\r\n  continued\r\n\r\n"),
    ("no header here", {"__BODY__": "no header here"}, [], "no header here"),
    ("Empty: \r\n\r\nB", {"Empty": "", "__BODY__": "B"}, ["Empty"], "Empty: \r\n\r\nB"),
    ("\r\nbody only", {"__BODY__": "body only"}, [], "\r\nbody only"),
]


@pytest.mark.parametrize("source,fields,order,text", SOURCES_114, ids=lambda v: repr(v)[:20])
def test_fromString_reads_what_1_14_read(source: str, fields: dict[str, object],
                                         order: list[str], text: str) -> None:
    parsed = MimeDict.fromString(source)
    assert dict(parsed) == fields
    assert parsed.insertionorder == order
    assert str(parsed) == text


def test_text_without_a_valid_header_is_all_body_and_marked() -> None:
    parsed = MimeDict.fromString("Broken header line\r\n\r\n")
    assert dict(parsed) == {"__BODY__": "Broken header line\r\n\r\n"}
    assert parsed.invalidSource is True
    assert MimeDict.fromString("A: b\r\n\r\n").invalidSource is False


def test_bare_newlines_do_not_end_header_lines() -> None:
    assert MimeDict.fromString("A: b\n\nbody").invalidSource is True


def test_made_from_keywords_in_the_order_given() -> None:
    made = MimeDict(b=["1", "2"], a="x", __BODY__="hi")
    assert str(made) == "b: 1\r\nb: 2\r\na: x\r\n\r\nhi"
    assert MimeDict()["__BODY__"] == ""


def test_setting_moves_a_field_to_the_end_and_deleting_removes_it() -> None:
    made = MimeDict(b=["1", "2"], a="x", __BODY__="hi")
    made["c"] = "y"
    del made["a"]
    assert str(made) == "b: 1\r\nb: 2\r\nc: y\r\n\r\nhi"
    made["b"] = "only"
    assert str(made) == "c: y\r\nb: only\r\n\r\nhi"
    made["__BODY__"] = "new body"
    assert str(made).endswith("\r\n\r\nnew body")


def test_a_list_shorter_than_its_lines_writes_empty_values() -> None:
    made = MimeDict.fromString("A: 1\r\nA: 2\r\n\r\n")
    made["A"].pop()
    assert str(made) == "A: 1\r\nA: \r\n\r\n"


def test_fromString_takes_only_str() -> None:
    with pytest.raises(TypeError, match=re.escape("MimeDict.fromString takes a str, not bytes")):
        MimeDict.fromString(b"A: b\r\n\r\n")  # type: ignore[arg-type]


TEXT = st.text(alphabet=st.sampled_from(list("Ab: \r\n-x\t")) | st.characters(), max_size=60)


@settings(max_examples=300, derandomize=True, database=None, deadline=None)
@given(TEXT)
def test_fromString_never_raises_and_its_text_reads_back_the_same(source: str) -> None:
    parsed = MimeDict.fromString(source)
    text = str(parsed)
    again = MimeDict.fromString(text)
    if parsed.invalidSource:
        assert text == source
    else:
        assert dict(again) == dict(parsed) and str(again) == text
