"""Kamaelia.Exceptions and its 1.14 alias Kamaelia.KamaeliaExceptions."""

from __future__ import annotations

import pytest

import Kamaelia.Exceptions as Exceptions
import Kamaelia.KamaeliaExceptions as KamaeliaExceptions
from Axon.AxonExceptions import AxonException


def test_the_connection_family_can_be_caught_broadly_or_narrowly() -> None:
    with pytest.raises(Exceptions.connectionClosedown):
        raise Exceptions.connectionDiedSending()
    with pytest.raises(Exceptions.connectionDied):
        raise Exceptions.connectionDiedReceiving()
    assert not issubclass(Exceptions.connectionServerShutdown, Exceptions.connectionDied)
    assert issubclass(Exceptions.connectionServerShutdown, Exceptions.connectionClosedown)


@pytest.mark.parametrize("name", Exceptions.__all__)
def test_every_exception_is_an_axon_exception(name: str) -> None:
    assert issubclass(getattr(Exceptions, name), AxonException)


def test_bad_request_keeps_the_request_and_what_it_raised() -> None:
    inner = ValueError("not a number")
    error = Exceptions.BadRequest("forty-two", inner)
    assert error.request == "forty-two"
    assert error.exception is inner
    assert str(error) == "bad request 'forty-two': ValueError('not a number')"


@pytest.mark.parametrize("name", Exceptions.__all__)
def test_the_old_module_name_gives_the_same_classes(name: str) -> None:
    assert getattr(KamaeliaExceptions, name) is getattr(Exceptions, name)
