"""Record a live session from a hub, replay it into a fresh one: the same pages, pixel for pixel.

Real TCP on loopback: a serving hub (headless board) with a plain-socket
peer drawing on it and ``Recording.recorder`` joined to it; then a new hub
and ``Recording.player`` sending the recording back at four times its pace.
"""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any, Iterator

from Axon.Component import component
from Axon.Ipc import producerFinished
from Kamaelia.Apps.Whiteboard.Board import Board
from Kamaelia.Apps.Whiteboard.Hub import WhiteboardHub
from Kamaelia.Apps.Whiteboard.Network import PeerConnection
from Kamaelia.Apps.Whiteboard.Recording import parseRecord, player, recorder
from Kamaelia.Apps.Whiteboard.Tokenisation import decodeLine, encodeTokens

from nettools import IO_TIMEOUT, Background, inScheduler

SIZE = (96, 64)


class Running(component):
    """Runs a hub and a client of it; ends when told, or when both have ended."""

    def __init__(self, hub: WhiteboardHub, client: Any) -> None:
        super().__init__()
        self.hub, self.client = hub, client

    def main(self) -> Iterator[Any]:
        for child in (self.hub, self.client):
            self.addChildren(child)
            child.activate()
        while not self.dataReady("control"):
            self.pause()
            yield 1
        self.recv("control")
        self.hub._deliver(producerFinished(), "control")
        while not (self.hub._isStopped() and self.client._isStopped()):
            self.pause()
            yield 1


def connections(hub: WhiteboardHub) -> int:
    def walk(root: Any) -> Iterator[Any]:
        for child in root.childComponents():
            yield child
            yield from walk(child)
    return sum(1 for child in walk(hub._server)
               if isinstance(child, PeerConnection) and not child._isStopped())


def roundTrip(peer: socket.socket) -> None:
    """Ask the hub for the board and read the whole answer (it has handled all before)."""
    peer.sendall(encodeTokens([["GETIMG"]]))
    received = b""
    while True:
        received += peer.recv(1 << 20)
        lines = received.split(b"\n")
        if any(line and decodeLine(line)[0][0] == "PAGE" for line in lines[:-1]):
            return


def test_a_replayed_recording_reproduces_the_final_pages(tmp_path: Path) -> None:
    recording = tmp_path / "session.wbrec"
    original = Board(SIZE)
    original.apply(["LINE", "0", "128", "0", "0", "5", "95", "60", "4"])   # there before recording
    served = WhiteboardHub(original, serveport=0, host="127.0.0.1", web=False, backplane="REC")
    assert served.port is not None
    with Background(Running(served, recorder(recording, "127.0.0.1", served.port))):
        inScheduler(lambda: None, when=lambda: connections(served) == 1)
        with socket.create_connection(("127.0.0.1", served.port), timeout=IO_TIMEOUT) as peer:
            roundTrip(peer)
            roundTrip(peer)              # (the recorder's subscription is surely in place)
            for y in range(10, 60, 10):
                peer.sendall(encodeTokens([["LINE", "255", "0", "0", "0", str(y), "95",
                                            str(y), "3"]]))
            peer.sendall(encodeTokens([["WRITE", "5", "40", "20", "0", "0", "255", "Hi"]]))
            peer.sendall(encodeTokens([["PAGE", "2", "2"], ["CIRCLE", "0", "0", "0", "48",
                                                             "32", "12"]]))
            peer.sendall(encodeTokens([["PAGE", "1", "2"], ["CIRCLE", "200", "0", "200", "20",
                                                             "20", "6"]]))
            roundTrip(peer)
    pages = [original.pixels(n) for n in (1, 2)]
    assert original.current == 1 and original.pageCount == 2
    records = [parseRecord(line) for line in recording.read_bytes().splitlines(keepends=True)]
    assert decodeLine(records[0][1])[0][0] == "PAGEIMG"          # it began with the board
    assert [time for time, _ in records] == sorted(time for time, _ in records)

    replayed = Board(SIZE)
    fresh = WhiteboardHub(replayed, serveport=0, host="127.0.0.1", web=False, backplane="PLAY")
    assert fresh.port is not None
    playing = player(recording, "127.0.0.1", fresh.port, speed=4.0)
    with Background(Running(fresh, playing)):
        inScheduler(lambda: None, when=playing._isStopped)
        with socket.create_connection(("127.0.0.1", fresh.port), timeout=IO_TIMEOUT) as peer:
            roundTrip(peer)              # (everything the player sent is drawn)
        result = inScheduler(lambda: (replayed.current, replayed.pageCount,
                                      [replayed.pixels(n) for n in (1, 2)]))
    assert result == (1, 2, pages)
