"""TopologyViewerServer and TextControlledTopologyViewer: text over TCP or a Pipeline drives the viewer,
including 1.14's Introspector output and ours."""

from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import Any, Iterator

import pytest

from Axon.Component import component
from Axon.Ipc import shutdownMicroprocess
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.UI.Pygame._pygame import pygame
from Kamaelia.Util.Introspector import Introspector
from Kamaelia.Visualisation.PhysicsGraph.RenderingParticle import NODE_COLOUR, RenderingParticle
from Kamaelia.Visualisation.PhysicsGraph.TopologyViewer import TopologyViewer
from Kamaelia.Visualisation.PhysicsGraph.TopologyViewerServer import (
    TextControlledTopologyViewer, TopologyViewerServer)

# As Kamaelia 1.14's Axon.Introspector writes it (written out by hand from its format:
# ids and names in double quotes, a box's id the text of (component id, 'i'/'o', name)).
INTROSPECTOR_114 = """\
DEL ALL
ADD NODE "5" "Kamaelia.Util.Console.ConsoleReader_5" randompos component
ADD NODE "7" "Kamaelia.Util.Console.ConsoleEchoer_7" randompos component
ADD NODE "(5, 'o', 'outbox')" "outbox" randompos outbox
ADD LINK "5" "(5, 'o', 'outbox')"
ADD NODE "(7, 'i', 'inbox')" "inbox" randompos inbox
ADD LINK "7" "(7, 'i', 'inbox')"
ADD LINK "(5, 'o', 'outbox')" "(7, 'i', 'inbox')"
ADD NODE "9" "__main__.Gone_9" randompos component
DEL LINK "(5, 'o', 'outbox')" "(7, 'i', 'inbox')"
DEL NODE "9"
ADD LINK "(5, 'o', 'outbox')" "(7, 'i', 'inbox')"
"""

AXON_TYPES = {"component": RenderingParticle, "inbox": RenderingParticle,
              "outbox": RenderingParticle}


def artifacts(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("KAMAELIA_TEST_ARTIFACTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def viewerOf(pipeline: Pipeline) -> TopologyViewer:
    viewer = pipeline.components[2]
    assert isinstance(viewer, TopologyViewer)
    return viewer


def links(viewer: TopologyViewer) -> set[tuple[Any, Any]]:
    return {(p.ID, q.ID) for p in viewer.physics.particles for q in p.bondedTo}


@pytest.fixture
def clients() -> Iterator[list[socket.socket]]:
    made: list[socket.socket] = []
    yield made
    for client in made:
        client.close()


def connect(port: int, clients: list[socket.socket]) -> socket.socket:
    client = socket.create_connection(("127.0.0.1", port), timeout=5)
    clients.append(client)
    return client


def test_screenshot_clients_send_commands_over_tcp(screen: Any, clients: list[socket.socket],
                                                   tmp_path: Path) -> None:
    server = TopologyViewerServer(serverPort=0, serverHost="127.0.0.1", showGrid=False)
    server.activate()
    viewer = viewerOf(server)
    first, second = connect(server.server.port, clients), connect(server.server.port, clients)
    # Lines cut mid-way and interleaved between two clients arrive whole.
    first.sendall(b'ADD NODE 1 "first node" 200,2')
    second.sendall(b"ADD NODE 2 second 600,")
    first.sendall(b"00 -\r\n")
    second.sendall(b"400 -\n")
    screen.until(lambda: len(viewer.physics.particles) == 2, "two nodes")
    first.sendall(b"ADD LINK 1 2\nFREEZE ALL\n")
    screen.until(lambda: links(viewer) == {("1", "2")}, "the link")
    second.close()                      # one client leaving changes nothing
    first.sendall(b"UPDATE_NAME NODE 2 'renamed, by the first'\n")
    screen.until(lambda: viewer.getParticleLabel("2") == "renamed, by the first", "the name")
    screen.until(lambda: not viewer.changed and screen.quiescent(), "the frame")
    screen.settle()
    pygame.image.save(screen.window(), str(artifacts(tmp_path) / "physicsgraph_server.png"))
    assert screen.pixel((200, 214)) == NODE_COLOUR


def test_shutdown_closes_the_server_and_ends_the_viewer(screen: Any,
                                                       clients: list[socket.socket]) -> None:
    server = TopologyViewerServer(serverPort=0, serverHost="127.0.0.1")
    server.activate()
    port = server.server.port
    connect(port, clients).sendall(b"ADD NODE 1 one auto -\n")
    screen.until(lambda: len(viewerOf(server).physics.particles) == 1, "the node")
    server.inboxes["control"].append(shutdownMicroprocess())
    server.unpause()
    screen.runToEnd()
    with pytest.raises(OSError):
        connect(port, clients)


def test_fixture_of_114s_introspector_output_is_drawn(screen: Any, clients: list[socket.socket]
                                                      ) -> None:
    server = TopologyViewerServer(serverPort=0, serverHost="127.0.0.1",
                                  particleTypes=AXON_TYPES)
    server.activate()
    viewer = viewerOf(server)
    connect(server.server.port, clients).sendall(INTROSPECTOR_114.encode())
    box = {"o": "(5, 'o', 'outbox')", "i": "(7, 'i', 'inbox')"}
    screen.until(lambda: (box["o"], box["i"]) in links(viewer), "the last line")
    assert sorted(viewer.physics.particleDict) == sorted(["5", "7", box["o"], box["i"]])
    assert links(viewer) == {("5", box["o"]), ("7", box["i"]), (box["o"], box["i"])}
    assert viewer.getParticleLabel("5") == "Kamaelia.Util.Console.ConsoleReader_5"
    assert viewer.getParticleLabel(box["i"]) == "inbox"


class Idle(component):
    """Something for the Introspector to find: waits, with one linkage."""

    def main(self) -> Iterator[int]:
        while not self.dataReady("control"):
            self.pause()
            yield 1


def test_screenshot_our_introspector_drives_the_viewer(screen: Any, tmp_path: Path) -> None:
    watched, other = Idle(), Idle()
    watched.link((watched, "outbox"), (other, "inbox"))
    watched.activate()
    other.activate()
    viewer = TextControlledTopologyViewer(particleTypes=AXON_TYPES)
    Pipeline(Introspector(interval=0.05), viewer).activate()
    shown = viewerOf(viewer)
    outbox = f"({watched.id}, 'o', 'outbox')"
    inbox = f"({other.id}, 'i', 'inbox')"
    screen.until(lambda: (outbox, inbox) in links(shown), "the Idle linkage in the viewer")
    assert shown.getParticleLabel(str(watched.id)) == watched.name
    assert (str(watched.id), outbox) in links(shown)
    assert shown.getParticleLabel(str(shown.id)) == shown.name      # it sees itself too
    pygame.image.save(screen.window(), str(artifacts(tmp_path) / "physicsgraph_introspector.png"))
    # A component that goes is taken out of the picture.
    watched.inboxes["control"].append(shutdownMicroprocess())
    watched.unpause()
    screen.until(lambda: str(watched.id) not in shown.physics.particleDict, "the Idle to go")
    assert (outbox, inbox) not in links(shown)


def test_text_controlled_viewer_takes_str_and_bytes(screen: Any) -> None:
    pipeline = TextControlledTopologyViewer()
    pipeline.activate()
    viewer = viewerOf(pipeline)
    pipeline.inboxes["inbox"].extend(["ADD NODE a 'node a' 300,300 -\n", b"ADD NODE b b 40",
                                      b"0,300 -\nADD LINK a b\n"])
    pipeline.unpause()
    screen.until(lambda: links(viewer) == {("a", "b")}, "the link")
