"""Whiteboard hubs on loopback: serving, joining, relaying, and bad peers.

Real TCP on 127.0.0.1 with ports the system picks. "Raw" peers are plain
sockets speaking the 1.14 line protocol, as a 1.14 whiteboard would; the
instances are WhiteboardHubs (headless boards) run by the scheduler in a
background thread. Waiting is on the boards' own state, looked at from the
scheduler's thread (``inScheduler``), never by sleeping.
"""

from __future__ import annotations

import socket
import ssl
import subprocess
import zlib
from pathlib import Path
from typing import Any, Iterator

import pytest

from Axon.Component import component
from Axon.Ipc import producerFinished
from Kamaelia.Apps.Whiteboard.Board import Board
from Kamaelia.Apps.Whiteboard.Hub import WhiteboardHub
from Kamaelia.Apps.Whiteboard.Tokenisation import decodeLine, encodeTokens

from nettools import IO_TIMEOUT, Background, inScheduler

SIZE = (64, 48)
RED, BLUE = ("255", "0", "0"), ("0", "0", "255")


class Hubs(component):
    """Runs several hubs as one system, for ``Background``; stops them all."""

    def __init__(self, *hubs: WhiteboardHub) -> None:
        super().__init__()
        self.hubs = list(hubs)

    def main(self) -> Iterator[Any]:
        for hub in self.hubs:
            self.addChildren(hub)
            hub.activate()
        while not self.dataReady("control"):
            self.pause()
            yield 1
        self.recv("control")
        for hub in self.hubs:
            hub._deliver(producerFinished(), "control")
        while not all(hub._isStopped() for hub in self.hubs):
            self.pause()
            yield 1


def hub(board: Board, name: str, **options: Any) -> WhiteboardHub:
    options.setdefault("retry", (0.05, 0.1))
    return WhiteboardHub(board, host="127.0.0.1", backplane=f"WB-{name}", **options)


def when(condition: Any) -> None:
    """Wait until ``condition()`` holds in the scheduler's thread."""
    inScheduler(lambda: None, when=condition)


def rawPeer(port: int) -> socket.socket:
    peer = socket.create_connection(("127.0.0.1", port), timeout=IO_TIMEOUT)
    return peer


def readLine(peer: socket.socket, buffer: bytearray) -> list[Any]:
    while b"\n" not in buffer:
        data = peer.recv(65536)
        assert data, "the hub closed the connection"
        buffer += data
    end = buffer.index(b"\n")
    line = bytes(buffer[:end + 1])
    del buffer[:end + 1]
    return decodeLine(line)


def closedByHub(peer: socket.socket) -> bool:
    """True once the hub has closed this connection (whatever it sent before)."""
    while True:
        try:
            data = peer.recv(65536)
        except ConnectionResetError:
            return True
        if not data:
            return True


def line(*commands: list[str]) -> bytes:
    return encodeTokens(list(commands))


def red(y: int) -> list[str]:
    return ["LINE", *RED, "0", str(y), "63", str(y), "3"]


def redAt(board: Board, y: int) -> bool:
    return board.surface.get_at((32, y))[:3] == (255, 0, 0)


# -- Joining ---------------------------------------------------------------------------------

def test_a_late_joiner_gets_every_page_and_the_current_one() -> None:
    served, joined = Board(SIZE), Board(SIZE)
    served.apply(red(10))
    served.newPage()
    served.apply(["CIRCLE", *BLUE, "20", "20", "5"])
    server = hub(served, "late-s", serveport=0)
    client = hub(joined, "late-c", connectto=("127.0.0.1", server.port))
    with Background(Hubs(server, client)):
        when(lambda: joined.pageCount == 2 and joined.current == 2
             and joined.pixels(1) == served.pixels(1) and joined.pixels(2) == served.pixels(2))


def test_strokes_go_both_ways_and_never_back_to_their_sender() -> None:
    served, joined = Board(SIZE), Board(SIZE)
    server = hub(served, "both-s", serveport=0)
    client = hub(joined, "both-c", connectto=("127.0.0.1", server.port))
    with Background(Hubs(server, client)):
        when(lambda: joined.version > 0)        # joined: the server's board has arrived
        peer = rawPeer(server.port)
        buffer = bytearray()
        peer.sendall(line(["GETIMG"]))
        assert readLine(peer, buffer)[0][0] == "PAGEIMG"       # (the snapshot, first)
        assert readLine(peer, buffer)[0] == ["PAGE", "1", "1"]
        peer.sendall(line(red(10)))
        when(lambda: redAt(served, 10) and redAt(joined, 10))
        # The joined instance's user draws: the raw peer and the server see it.
        keeper = _keeperOf(client)
        keeper._deliver(("draw", 1, [["LINE", *BLUE, "0", "30", "63", "30", "3"]]), "local")
        assert readLine(peer, buffer) == [["LINE", *BLUE, "0", "30", "63", "30", "3"]]
        when(lambda: served.surface.get_at((32, 30))[:3] == (0, 0, 255))
        peer.sendall(line(["CLEAR"]))
        when(lambda: not redAt(joined, 10))
        # Nothing of the raw peer's own came back to it: the next line is someone else's.
        keeper._deliver(("draw", None, [["CLEAR", "1", "2", "3"]]), "local")
        assert readLine(peer, buffer) == [["CLEAR", "1", "2", "3"]]
        peer.close()


def _keeperOf(instance: WhiteboardHub) -> Any:
    return instance.keeper


def _descendants(root: Any) -> Iterator[Any]:
    for child in root.childComponents():
        yield child
        yield from _descendants(child)


def test_a_relay_passes_strokes_along_a_chain() -> None:
    first, middle, last = Board(SIZE), Board(SIZE), Board(SIZE)
    head = hub(first, "chain-1", serveport=0)
    relay = hub(middle, "chain-2", serveport=0, connectto=("127.0.0.1", head.port))
    tail = hub(last, "chain-3", connectto=("127.0.0.1", relay.port))
    with Background(Hubs(head, relay, tail)):
        peer = rawPeer(head.port)
        peer.sendall(line(red(5)))
        when(lambda: redAt(first, 5) and redAt(middle, 5) and redAt(last, 5))
        other = rawPeer(relay.port)
        other.sendall(line(["PAGE", "3", "3"]))
        when(lambda: all(board.current == 3 and board.pageCount == 3
                         for board in (first, middle, last)))
        peer.close()
        other.close()


def test_page_changes_propagate() -> None:
    served, joined = Board(SIZE), Board(SIZE)
    server = hub(served, "pages-s", serveport=0)
    client = hub(joined, "pages-c", connectto=("127.0.0.1", server.port))
    with Background(Hubs(server, client)):
        keeper = _keeperOf(client)
        when(lambda: joined.version > 0)        # joined: the server's board has arrived
        keeper._deliver(("newPage",), "local")
        keeper._deliver(("draw", 1, [red(20)]), "local")
        when(lambda: served.pageCount == 2 and served.current == 2 and redAt(served, 20))
        keeper._deliver(("prev",), "local")
        when(lambda: served.current == 1 and not redAt(served, 20))
        keeper._deliver(("deletePage",), "local")
        when(lambda: served.pageCount == 1 and redAt(served, 20))


# -- Bad peers ---------------------------------------------------------------------------------

def _zipBomb() -> bytes:
    return zlib.compress(bytes(64 * 48 * 3 * 1000))


@pytest.mark.parametrize("bad", [
    b"this is not ] a message\n",
    b"[ LINE 1 2 3 ] \n",
    line(["LINE", "300", "0", "0", "0", "0", "1", "1"]),
    line(["PAGE", "501", "600"]),
    line(["PAGE", "4", "3"]),
    line(["SAVE", "/tmp/evil.png"]),
    line(["SETIMG", zlib.compress(b"\0" * 10), "64", "48", "RGB"]),     # type: ignore[list-item]
    line(["SETIMG", _zipBomb(), "64", "48", "RGB"]),                    # type: ignore[list-item]
    line(["SETIMG", b"not zlib", "64", "48", "RGB"]),                    # type: ignore[list-item]
    line(["SETIMG", b"x", "5000", "5000", "RGB"]),                       # type: ignore[list-item]
    b"[ \xff\xfe GARBAGE ] \n",
    b"[ [ [ nested ] ] \n",
], ids=["garbage", "short-line", "colour", "page-range", "page-past-count", "save",
        "short-image", "zip-bomb", "not-zlib", "huge-setimg", "binary", "unclosed"])
def test_a_bad_message_closes_only_its_connection(bad: bytes, caplog: pytest.LogCaptureFixture
                                                  ) -> None:
    served = Board(SIZE)
    server = hub(served, "bad", serveport=0)
    with Background(Hubs(server)):
        good, villain = rawPeer(server.port), rawPeer(server.port)
        villain.sendall(line(red(5)) + bad + line(["CLEAR"]))
        assert closedByHub(villain)
        when(lambda: redAt(served, 5))          # what came before the bad line was drawn
        # (Had the CLEAR after the bad line been drawn, the line would be gone.)
        good.sendall(line(["LINE", *BLUE, "0", "40", "63", "40", "3"]))
        when(lambda: served.surface.get_at((32, 40))[:3] == (0, 0, 255))
        good.close()
        villain.close()
    assert any("closing the connection from 127.0.0.1:" in record.getMessage()
               for record in caplog.records)


def test_an_overlong_line_closes_the_connection_naming_the_limit(
        caplog: pytest.LogCaptureFixture) -> None:
    served = Board(SIZE)
    server = hub(served, "long", serveport=0, maxLine=1000)
    with Background(Hubs(server)):
        villain = rawPeer(server.port)
        villain.sendall(b"[ WRITE 1 1 10 0 0 0 " + b"x" * 5000)
        assert closedByHub(villain)
        villain.close()
    assert any("longer than 1000 bytes" in record.getMessage() for record in caplog.records)


def test_a_peer_that_leaves_mid_stroke_keeps_what_it_finished() -> None:
    served = Board(SIZE)
    server = hub(served, "midstroke", serveport=0)
    with Background(Hubs(server)):
        peer = rawPeer(server.port)
        peer.sendall(line(red(5)) + b"[ LINE 0 0 255 0 30 63 3")      # the last one unfinished
        when(lambda: redAt(served, 5))
        peer.close()
        later = rawPeer(server.port)
        later.sendall(line(red(25)))
        when(lambda: redAt(served, 25))
        assert inScheduler(lambda: served.surface.get_at((32, 30))[:3]) == (255, 255, 255)
        later.close()


# -- Token and TLS -----------------------------------------------------------------------------

def test_a_token_is_required_and_checked() -> None:
    served, joined = Board(SIZE), Board(SIZE)
    served.apply(red(10))
    server = hub(served, "token-s", serveport=0, token="s3cret")
    client = hub(joined, "token-c", connectto=("127.0.0.1", server.port), token="s3cret")
    with Background(Hubs(server, client)):
        when(lambda: redAt(joined, 10))                 # the right token: joined
        for first in (line(["GETIMG"]), line(["AUTH", "wrong"]), line(red(20))):
            stranger = rawPeer(server.port)
            stranger.sendall(first)
            assert closedByHub(stranger)
            stranger.close()
        assert inScheduler(lambda: not redAt(served, 20))
        friend = rawPeer(server.port)
        friend.sendall(line(["AUTH", "s3cret"], red(30)))
        when(lambda: redAt(served, 30) and redAt(joined, 30))
        friend.close()


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                    str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
                   check=True, capture_output=True)
    return cert, key


def test_tls_between_instances(certificate: tuple[Path, Path]) -> None:
    cert, key = certificate
    serverContext = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    serverContext.load_cert_chain(cert, key)
    clientContext = ssl.create_default_context(cafile=str(cert))
    served, joined = Board(SIZE), Board(SIZE)
    served.apply(red(10))
    server = hub(served, "tls-s", serveport=0, sslContext=serverContext)
    client = hub(joined, "tls-c", connectto=("127.0.0.1", server.port),
                 clientOptions={"sslContext": clientContext})
    with Background(Hubs(server, client)):
        when(lambda: redAt(joined, 10))
        with clientContext.wrap_socket(rawPeer(server.port), server_hostname="127.0.0.1") as peer:
            peer.sendall(line(red(30)))
            when(lambda: redAt(served, 30) and redAt(joined, 30))


# -- Coming back -------------------------------------------------------------------------------

def test_a_client_reconnects_and_catches_up() -> None:
    served, joined = Board(SIZE), Board(SIZE)
    server = hub(served, "again-s", serveport=0)
    port = server.port
    client = hub(joined, "again-c", connectto=("127.0.0.1", port))
    with Background(Hubs(server, client)):
        peer = rawPeer(port)
        peer.sendall(line(red(5)))
        when(lambda: redAt(joined, 5))
        peer.close()

        def cutAndDraw() -> None:
            # Cut every connection the server has (the client is told, and comes
            # back), and draw on the server before it can: only asking again
            # brings the new line.
            for connection in _connections(server):
                connection._deliver(producerFinished(), "control")
            served.apply(red(25))

        inScheduler(cutAndDraw)
        when(lambda: redAt(joined, 25))


def _connections(instance: WhiteboardHub) -> list[Any]:
    from Kamaelia.Apps.Whiteboard.Network import PeerConnection
    return [child for child in _descendants(instance._server)
            if isinstance(child, PeerConnection) and not child._isStopped()]


# -- The browser's WebSocket -------------------------------------------------------------------

def test_the_web_socket_speaks_the_same_protocol_with_token_and_tls(
        certificate: tuple[Path, Path]) -> None:
    from websockets.exceptions import ConnectionClosed
    from websockets.sync.client import connect

    cert, key = certificate
    serverContext = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    serverContext.load_cert_chain(cert, key)
    clientContext = ssl.create_default_context(cafile=str(cert))
    served = Board(SIZE)
    served.apply(red(10))
    server = hub(served, "web", serveport=0, token="pw", sslContext=serverContext)
    assert server.webPort is not None
    address = f"wss://127.0.0.1:{server.webPort}/ws"
    with Background(Hubs(server)):
        with connect(address, ssl=clientContext, open_timeout=IO_TIMEOUT) as browser:
            browser.send(line(["AUTH", "pw"], ["GETIMG"]))
            replies = [decodeLine(browser.recv(timeout=IO_TIMEOUT)) for _ in range(2)]
            assert replies[0][0][:2] == ["PAGEIMG", "1"]
            assert replies[1][0] == ["PAGE", "1", "1"]
            browser.send(line(["LINE", *BLUE, "0", "40", "63", "40", "3"]))
            when(lambda: served.surface.get_at((32, 40))[:3] == (0, 0, 255))
        with connect(address, ssl=clientContext, open_timeout=IO_TIMEOUT) as stranger:
            stranger.send(line(["GETIMG"]))             # no token: closed, nothing sent
            with pytest.raises(ConnectionClosed):
                stranger.recv(timeout=IO_TIMEOUT)
