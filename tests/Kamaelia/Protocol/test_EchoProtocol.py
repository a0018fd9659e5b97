"""Tests for Kamaelia.Protocol.EchoProtocol: send back everything that arrives."""

from __future__ import annotations

import logging
import socket
from typing import Any, Callable

import pytest

from Axon.Component import component
from Axon.Ipc import producerFinished, shutdownMicroprocess
from componentharness import (Collector, assertShutdownPassesOn,
                              assertUnexpectedControlIgnored, attach, run)
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.Protocol.EchoProtocol import EchoProtocol
from Kamaelia.Util.DataSource import DataSource
from protocolhelpers import connect, recvAll, serve

RunRounds = Callable[[int], bool]


def test_every_message_comes_back_unchanged_and_in_order() -> None:
    messages: list[Any] = [b"hello", b"", b"\x00\xff" * 100, "text too", 42]
    sink = Collector()
    Pipeline(DataSource(messages), EchoProtocol(), sink).run()
    assert sink.got == messages
    assert sink.got[2] is messages[2]                  # the same objects, not copies
    assert [type(m) for m in sink.control] == [producerFinished]


def test_the_connection_details_a_server_passes_are_kept() -> None:
    echo = EchoProtocol(peer="127.0.0.1", peerport=40000, localip="127.0.0.1",
                        localport=1501)
    kept = [getattr(echo, name) for name in ("peer", "peerport", "localip", "localport")]
    assert kept == [
        "127.0.0.1", 40000, "127.0.0.1", 1501]
    sink = run(echo, [b"still echoes"], [producerFinished()])
    assert sink.got == [b"still echoes"]


def test_it_can_be_made_without_arguments_as_a_factory_would() -> None:
    factory: Callable[..., component] = EchoProtocol
    assert isinstance(factory(), EchoProtocol)


@pytest.mark.parametrize("message_class", [producerFinished, shutdownMicroprocess])
def test_what_waits_is_sent_then_the_shutdown_message_is_passed_on(
        message_class: type) -> None:
    assertShutdownPassesOn(EchoProtocol, message_class, [b"a", b"b", b"c"],
                           [b"a", b"b", b"c"])


def test_other_control_messages_are_logged_and_not_passed_on(
        caplog: pytest.LogCaptureFixture) -> None:
    assertUnexpectedControlIgnored(EchoProtocol, caplog, [b"x"], [b"x"])


def test_it_pauses_while_there_is_nothing_to_echo(run_rounds: RunRounds) -> None:
    echo = EchoProtocol()
    sink = attach(echo)
    run_rounds(10)
    assert not echo._isRunnable() and not echo._isStopped()
    echo.inboxes["inbox"].append(b"wake")             # delivery wakes it
    run_rounds(10)
    assert sink.got == [b"wake"]
    assert not echo._isRunnable() and not echo._isStopped()


def slowClient(echo: EchoProtocol, room: int) -> tuple[Collector, Collector]:
    """Link ``echo`` to a client that is not reading (an inactive Collector whose
    inbox holds ``room`` messages) and to a Collector for "signal"; activate."""
    client, signals = Collector(), Collector()
    client.setInboxSize("inbox", room)
    echo.link((echo, "outbox"), (client, "inbox"))
    echo.link((echo, "signal"), (signals, "control"))
    echo.activate()
    signals.activate()
    return client, signals


def test_a_full_destination_holds_it_back_without_losing_anything(
        run_rounds: RunRounds) -> None:
    echo = EchoProtocol()
    client, _ = slowClient(echo, room=2)
    echo.inboxes["inbox"].extend([b"1", b"2", b"3", b"4", b"5"])
    run_rounds(10)
    assert client.dataReady("inbox") == 2
    assert echo.dataReady("inbox") == 2           # one held back, two still waiting
    assert not echo._isRunnable()                 # paused, not spinning
    received: list[bytes] = []
    while len(received) < 5:                      # the client reads, slowly
        received.append(client.recv("inbox"))
        run_rounds(5)
    assert received == [b"1", b"2", b"3", b"4", b"5"]


def test_on_shutdownMicroprocess_what_a_full_destination_did_not_take_is_logged(
        caplog: pytest.LogCaptureFixture, run_rounds: RunRounds) -> None:
    echo = EchoProtocol()
    client, signals = slowClient(echo, room=1)
    echo.inboxes["inbox"].extend([b"taken", b"held", b"waiting"])
    run_rounds(10)
    stop = shutdownMicroprocess()
    echo.inboxes["control"].append(stop)
    with caplog.at_level(logging.ERROR, logger="Kamaelia.Protocol.EchoProtocol"):
        run_rounds(10)
    assert echo._isStopped()
    assert signals.control == [stop]
    assert list(client.Inbox("inbox")) == [b"taken"]
    errors = [r.getMessage() for r in caplog.records
              if r.name == "Kamaelia.Protocol.EchoProtocol"]
    assert len(errors) == 1 and "b'held'" in errors[0] and echo.name in errors[0]


def test_as_a_server_s_protocol_it_echoes_each_client() -> None:
    payload = bytes(range(256)) * 400                  # more than one socket read

    def talk(port: int) -> list[bytes]:
        got = []
        for n in range(2):
            with connect(port) as sock:
                sock.sendall(payload + bytes([n]))
                sock.shutdown(socket.SHUT_WR)          # the echo ends with our input
                got.append(recvAll(sock))
        return got

    assert serve(EchoProtocol, talk) == [payload + b"\x00", payload + b"\x01"]


def test_the_module_lists_its_component_and_the_old_module_name_still_works() -> None:
    from Kamaelia.Protocol import EchoProtocol as module
    from Kamaelia.Protocol.EchoProtocolComponent import EchoProtocol as OldName
    assert module.__kamaelia_components__ == (EchoProtocol,)
    assert OldName is EchoProtocol
