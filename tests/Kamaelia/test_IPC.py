"""Tests for Kamaelia.IPC: the messages of the network components."""

from __future__ import annotations

import re
from typing import Any

import pytest

import Kamaelia.IPC
from Axon.Ipc import notify, producerFinished, shutdownMicroprocess
from Kamaelia.BaseIPC import IPC
from Kamaelia.IPC import (connectionFailed, newCSA, newExceptional, newReader, newServer,
                          newWriter, removeExceptional, removeReader, removeWriter,
                          serverShutdown, shutdownCSA, socketShutdown)

# Stand-ins: the messages only carry these, so no real components or sockets are needed.
CALLER, COMPONENT, SOCK, CSA = object(), object(), object(), object()
REFUSED = ConnectionRefusedError(111, "Connection refused")

#: class -> its fields in declared order, with a value for each (as 1.14 code passes them).
FIELDS: dict[type, dict[str, Any]] = {
    newReader: {"caller": CALLER, "object": ((COMPONENT, "inbox"), SOCK)},
    newWriter: {"caller": CALLER, "object": ((COMPONENT, "writable"), SOCK)},
    newExceptional: {"caller": CALLER, "object": ((COMPONENT, "oops"), SOCK)},
    newServer: {"caller": CALLER, "object": ((COMPONENT, "newconnection"), SOCK)},
    removeReader: {"caller": CALLER, "object": SOCK},
    removeWriter: {"caller": CALLER, "object": SOCK},
    removeExceptional: {"caller": CALLER, "object": SOCK},
    newCSA: {"caller": CALLER, "object": CSA, "sock": SOCK},
    shutdownCSA: {"caller": CALLER, "object": CSA},
    socketShutdown: {"caller": CALLER, "message": [SOCK, "peer closed"]},
    serverShutdown: {"caller": CALLER},
    connectionFailed: {"caller": CALLER, "host": "example.org", "port": 80,
                       "reason": "Connection refused", "exception": REFUSED},
}

messageClasses = pytest.mark.parametrize("kind", list(FIELDS), ids=lambda k: k.__name__)


def documentedMessages() -> set[str]:
    """The message names in the first column of the module docstring's table."""
    doc = Kamaelia.IPC.__doc__ or ""
    rule = re.compile(r"^=+ +=+ +=+$", re.MULTILINE)
    table = rule.split(doc)[2]           # (before, header, rows, after)
    return set(re.findall(r"^``(\w+)``", table, re.MULTILINE))


def test_every_message_in_the_docstring_table_is_tested_and_exported() -> None:
    assert documentedMessages() == {kind.__name__ for kind in FIELDS}
    assert set(Kamaelia.IPC.__all__) == {kind.__name__ for kind in FIELDS}


@messageClasses
def test_a_message_made_positionally_in_the_documented_order_has_its_fields(kind: type) -> None:
    message = kind(*FIELDS[kind].values())
    for name, value in FIELDS[kind].items():
        assert getattr(message, name) is value, name


@messageClasses
def test_a_message_made_with_keywords_has_its_fields(kind: type) -> None:
    message = kind(**FIELDS[kind])
    for name, value in FIELDS[kind].items():
        assert getattr(message, name) is value, name


@messageClasses
def test_every_message_is_a_BaseIPC_message(kind: type) -> None:
    assert isinstance(kind(**FIELDS[kind]), IPC)


@messageClasses
def test_the_caller_is_optional(kind: type) -> None:
    fields = {name: value for name, value in FIELDS[kind].items() if name != "caller"}
    assert kind(**fields).caller is None


def test_the_1_14_calls_construct_as_written() -> None:
    ask = newReader(CALLER, ((COMPONENT, "inbox"), SOCK))
    assert ask.object == ((COMPONENT, "inbox"), SOCK)
    made = newCSA(CALLER, CSA, SOCK)
    assert (made.object, made.sock) == (CSA, SOCK)
    closed = socketShutdown(CALLER, [SOCK, "reason"])
    assert closed.message == [SOCK, "reason"]


# ------------------------------------------------- what the Axon components see
@pytest.mark.parametrize("kind", [socketShutdown, connectionFailed],
                         ids=lambda k: k.__name__)
def test_socketShutdown_and_connectionFailed_are_producerFinished(
        kind: type) -> None:
    message = kind(**FIELDS[kind])
    assert isinstance(message, producerFinished)
    assert not isinstance(message, shutdownMicroprocess)


def test_socketShutdown_can_be_made_bare_like_producerFinished() -> None:
    message = socketShutdown()
    assert (message.caller, message.message) == (None, None)


def test_serverShutdown_is_a_shutdownMicroprocess_naming_no_other_microprocesses() -> None:
    message = serverShutdown(CALLER)
    assert isinstance(message, shutdownMicroprocess)
    assert not isinstance(message, producerFinished)
    assert message.microprocesses() == ()
    assert serverShutdown().microprocesses() == ()


@pytest.mark.parametrize("kind", [k for k in FIELDS if k not in
                                  (socketShutdown, connectionFailed, serverShutdown)],
                         ids=lambda k: k.__name__)
def test_the_other_messages_are_not_mistaken_for_shutdowns(kind: type) -> None:
    assert not isinstance(kind(**FIELDS[kind]), (producerFinished, shutdownMicroprocess))


# ------------------------------------------------------------- connectionFailed
def test_connectionFailed_message_is_its_reason() -> None:
    failed = connectionFailed(**FIELDS[connectionFailed])
    assert failed.message == "Connection refused"
    assert failed.exception is REFUSED


def test_connectionFailed_str_names_host_port_and_reason() -> None:
    failed = connectionFailed(host="example.org", port=8080, reason="timed out after 5 s")
    assert str(failed) == "could not connect to example.org port 8080: timed out after 5 s"
    assert failed.exception is None


def test_connectionFailed_requires_host_port_and_reason() -> None:
    with pytest.raises(ValueError, match=re.escape("'reason' not given as a parameter to "
                                                   "connectionFailed")):
        connectionFailed(host="example.org", port=80)


def test_socketShutdown_str_shows_its_message() -> None:
    assert str(socketShutdown(CALLER, ["sock", "peer closed"])) == \
        "The network connection has closed (['sock', 'peer closed'])"


# ------------------------------------------------------------ 1.14's notify family
NOTIFIES = [newReader, newWriter, newExceptional, newServer, removeReader, removeWriter,
            removeExceptional, newCSA, shutdownCSA]


@pytest.mark.parametrize("kind", NOTIFIES, ids=lambda k: k.__name__)
def test_the_selector_requests_and_connection_news_are_Axon_notify_messages(
        kind: type) -> None:
    message = kind(CALLER, CSA)
    assert isinstance(message, notify)
    assert (message.caller, message.object) == (CALLER, CSA)


@pytest.mark.parametrize("kind", NOTIFIES, ids=lambda k: k.__name__)
def test_the_second_field_may_be_given_as_1_14s_CSA_keyword(kind: type) -> None:
    assert kind(caller=CALLER, CSA=SOCK).object is SOCK


@pytest.mark.parametrize("kind", NOTIFIES, ids=lambda k: k.__name__)
def test_giving_the_object_twice_is_refused(kind: type) -> None:
    with pytest.raises(ValueError, match=f"{kind.__name__} got its object both as CSA= "
                                         "and as object="):
        kind(CALLER, CSA, object=SOCK)


@pytest.mark.parametrize("kind", NOTIFIES, ids=lambda k: k.__name__)
def test_a_notify_message_without_its_object_is_refused(kind: type) -> None:
    with pytest.raises(ValueError, match=f"'object' not given as a parameter to {kind.__name__}"):
        kind(CALLER)


def test_newCSA_sock_defaults_to_None_as_in_1_14() -> None:
    assert newCSA(CALLER, CSA).sock is None


@pytest.mark.parametrize("kind", [newReader, newWriter, newExceptional, newServer,
                                  removeReader, removeWriter, removeExceptional],
                         ids=lambda k: k.__name__)
def test_selector_requests_carry_hasOOB_False(kind: type) -> None:
    assert kind(CALLER, SOCK).hasOOB is False


def test_the_1_14_predicates_answer_as_in_1_14() -> None:
    assert newCSA(CALLER, CSA).handlesWriting() is True
    assert newServer(CALLER, CSA).handlesWriting() is False
    assert shutdownCSA(CALLER, CSA).shutdown() is True


def test_shutdownCSA_is_a_notify_not_a_producerFinished_as_in_1_14() -> None:
    message = shutdownCSA(CALLER, CSA)
    assert not isinstance(message, (producerFinished, shutdownMicroprocess))
