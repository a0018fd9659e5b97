"""Tests for Kamaelia.BaseIPC: messages with named, checked fields."""

from __future__ import annotations

import re

import pytest

from Kamaelia.BaseIPC import IPC


class fileArrived(IPC):
    """%(path)s arrived (%(size)s bytes)"""

    Parameters = ["path", "?size"]


class ping(IPC):
    """ping"""


# ---------------------------------------------------------------- construction
def test_fields_given_as_keywords_become_attributes() -> None:
    message = fileArrived(path="in/a.mov", size=1024)
    assert message.path == "in/a.mov"
    assert message.size == 1024


def test_fields_given_positionally_follow_the_declared_order() -> None:
    message = fileArrived("in/a.mov", 1024)
    assert message.path == "in/a.mov"
    assert message.size == 1024


def test_positional_and_keyword_fields_can_be_mixed() -> None:
    message = fileArrived("in/a.mov", size=1024)
    assert (message.path, message.size) == ("in/a.mov", 1024)


def test_an_optional_field_that_is_not_given_is_None() -> None:
    assert fileArrived("in/b.mov").size is None
    assert fileArrived(path="in/b.mov").size is None


def test_a_message_without_parameters_takes_none() -> None:
    assert repr(ping()) == "ping()"
    with pytest.raises(ValueError, match=re.escape(
            "ping takes at most 0 positional argument(s) (none), got 1")):
        ping(1)


def test_each_message_has_its_own_field_values() -> None:
    first, second = fileArrived("a", 1), fileArrived("b")
    assert (first.path, first.size) == ("a", 1)
    assert (second.path, second.size) == ("b", None)


# ---------------------------------------------------------------------- errors
def test_a_missing_required_field_raises_naming_it_and_the_class() -> None:
    with pytest.raises(ValueError, match=re.escape("'path' not given as a parameter to fileArrived")):
        fileArrived(size=3)


def test_an_unknown_keyword_raises_naming_it_and_the_class() -> None:
    with pytest.raises(ValueError,
                       match=re.escape("unknown parameter(s) 'colour' to fileArrived")):
        fileArrived(path="a", colour="red")


def test_every_unknown_keyword_is_named() -> None:
    with pytest.raises(ValueError, match=re.escape("'colour', 'shape'")):
        fileArrived(path="a", colour="red", shape="round")


def test_too_many_positional_arguments_raise_naming_the_fields_and_the_count() -> None:
    with pytest.raises(ValueError, match=re.escape(
            "fileArrived takes at most 2 positional argument(s) (path, size), got 3")):
        fileArrived("a", 3, 4)


def test_a_field_given_both_positionally_and_as_a_keyword_raises_naming_it() -> None:
    with pytest.raises(ValueError, match=re.escape(
            "fileArrived got 'path' both positionally and as a keyword")):
        fileArrived("a", path="b")


# ------------------------------------------------------------------- str, repr
def test_str_fills_the_docstring_template_with_the_fields() -> None:
    assert str(fileArrived("in/a.mov", 1024)) == "in/a.mov arrived (1024 bytes)"


def test_str_shows_an_optional_field_not_given_as_None() -> None:
    assert str(fileArrived("in/b.mov")) == "in/b.mov arrived (None bytes)"


def test_repr_names_the_class_and_lists_the_fields_in_order() -> None:
    assert repr(fileArrived("in/a.mov", 1024)) == "fileArrived(path='in/a.mov', size=1024)"
    assert repr(fileArrived(path="x")) == "fileArrived(path='x', size=None)"
