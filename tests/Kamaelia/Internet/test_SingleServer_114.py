"""SingleServer: 1.14's class attributes, method, boxes and companions."""

from __future__ import annotations

import socket
from typing import Any

from Axon.Ipc import producerFinished
from Kamaelia.Internet import SingleServer as singleModule
from Kamaelia.Internet.SingleServer import FastRestartSingleServer, SingleServer, echo
from Kamaelia.Internet.TCPServer import TCPServer
from componentharness import run
from nethelpers import Peer, deliverer, runScheduler
from nettools import connect

from test_SingleServer import HOST, exchange, serving


def test_the_1_14_attributes_boxes_and_names_are_there() -> None:
    assert (SingleServer.port, SingleServer.socketOptions, SingleServer.TCPS) == \
        (1601, None, TCPServer)
    assert FastRestartSingleServer.socketOptions == (socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    assert singleModule.__kamaelia_components__ == (SingleServer, FastRestartSingleServer, echo)
    server = SingleServer(port=0, host=HOST)
    try:
        assert "_CSA_signal" in server.outboxes and "_oobinfo" in server.inboxes
        assert server.listenport == server.port > 0
    finally:
        server.close()


def test_TCPS_is_the_server_class_it_runs() -> None:
    made: list[Any] = []

    class Recording(TCPServer):
        def __init__(self, *args: Any, **argd: Any) -> None:
            made.append(argd.get("listenport"))
            super().__init__(*args, **argd)

    server = SingleServer(port=0, host=HOST, TCPS=Recording)
    server.close()
    assert made == [0] and isinstance(server.server, Recording)


def test_a_FastRestartSingleServer_serves_as_a_SingleServer_does() -> None:
    server = FastRestartSingleServer(port=0, host=HOST)
    serving(server)

    def talk() -> None:
        with connect(server.port) as client:
            exchange(client, b"fast")

    peer = Peer(talk, deliverer(server, producerFinished())).begin()
    runScheduler()
    peer.finish()


def test_handleNewCSA_is_called_for_each_client() -> None:
    seen: list[Any] = []

    class Watched(SingleServer):
        def handleNewCSA(self, data: Any) -> None:
            seen.append(data.object)
            super().handleNewCSA(data)

    server = Watched(port=0, host=HOST)
    serving(server)

    def talk() -> None:
        with connect(server.port) as client:
            exchange(client, b"once")

    peer = Peer(talk, deliverer(server, producerFinished())).begin()
    runScheduler()
    peer.finish()
    assert len(seen) == 1


def test_echo_sends_back_what_arrives_and_ends_on_a_shutdown() -> None:
    finished = producerFinished()
    sink = run(echo(), inbox=[b"a", 2, "c"], control=[finished])
    assert sink.got == [b"a", 2, "c"] and sink.control == [finished]
