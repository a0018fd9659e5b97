"""Tests for Axon.AxonExceptions."""

from __future__ import annotations

import pickle

import pytest

from Axon import AxonExceptions
from Axon.AxonExceptions import AxonException

SUBCLASS_NAMES = [
    "normalShutdown",
    "invalidComponentInterface",
    "noSpaceInBox",
    "BadParentTracker",
    "ServiceAlreadyExists",
    "BadComponent",
    "BadInbox",
    "MultipleServiceDeletion",
    "NamespaceClash",
    "AccessToUndeclaredTrackedVariable",
    "ArgumentsClash",
    "BoxAlreadyLinkedToDestination",
]


def test_all_lists_the_base_and_every_subclass() -> None:
    assert sorted(AxonExceptions.__all__) == sorted(["AxonException", *SUBCLASS_NAMES])


@pytest.mark.parametrize("name", SUBCLASS_NAMES)
def test_every_subclass_derives_from_AxonException_and_is_documented(name: str) -> None:
    cls = getattr(AxonExceptions, name)
    assert issubclass(cls, AxonException)
    assert issubclass(cls, Exception)
    assert cls.__doc__ and "raised" in cls.__doc__.lower()
    with pytest.raises(AxonException):
        raise cls("boom")


def test_AxonException_keeps_its_arguments_in_args() -> None:
    marker = object()
    exc = AxonException("text", 3, marker)
    assert exc.args == ("text", 3, marker)
    assert AxonExceptions.noSpaceInBox(5, "inbox").args == (5, "inbox")
    assert AxonException().args == ()


def test_str_with_no_arguments_is_the_class_name() -> None:
    assert str(AxonExceptions.normalShutdown()) == "normalShutdown"


def test_str_with_one_argument_is_that_argument() -> None:
    assert str(AxonException("box is full")) == "box is full"
    assert str(AxonException(42)) == "42"


def test_str_with_leading_string_joins_the_rest() -> None:
    assert str(AxonExceptions.BadInbox("no such inbox", "inbox2")) == "no such inbox inbox2"
    assert str(AxonException("size limit", 5, None)) == "size limit 5 None"
    assert str(AxonException("bad box", ("a", 1))) == "bad box ('a', 1)"


def test_str_with_leading_non_string_shows_the_argument_tuple() -> None:
    assert str(AxonException(5, "inbox")) == "(5, 'inbox')"


class _Unprintable:
    def __str__(self) -> str:
        raise RuntimeError("no str")

    def __repr__(self) -> str:
        raise RuntimeError("no repr")


def test_str_never_fails_on_unprintable_arguments() -> None:
    assert str(AxonException(_Unprintable())) == "<unprintable _Unprintable>"
    assert str(AxonException("oops", _Unprintable())) == "oops <unprintable _Unprintable>"
    assert str(AxonException(1, _Unprintable())) == "<unprintable tuple>"


def test_raise_with_match_sees_the_readable_message() -> None:
    with pytest.raises(AxonExceptions.BoxAlreadyLinkedToDestination, match=r"^already linked to \('c', 'inbox'\)$"):
        raise AxonExceptions.BoxAlreadyLinkedToDestination("already linked to", ("c", "inbox"))


def test_exceptions_survive_pickling() -> None:
    exc = AxonExceptions.noSpaceInBox(5, "inbox")
    copy = pickle.loads(pickle.dumps(exc))
    assert type(copy) is AxonExceptions.noSpaceInBox
    assert copy.args == (5, "inbox")
