"""AxonVisualiser / AxonVisualiserServer: a real running system, introspected and drawn.

Each UI test runs on Xvfb and on SDL's dummy driver (the ``screen``
fixture). Screenshots go to ``KAMAELIA_TEST_ARTIFACTS`` (else tmp_path).
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any, Iterator

from Axon.Component import component
from Axon.Ipc import producerFinished
from Kamaelia.Chassis.Graphline import Graphline
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.Internet.TCPClient import TCPClient
from Kamaelia.UI.Pygame._pygame import pygame
from Kamaelia.Util.DataSource import DataSource
from Kamaelia.Util.Introspector import Introspector
from Kamaelia.Util.PureTransformer import PureTransformer
from Kamaelia.Visualisation.Axon.AxonLaws import AxonLaws
from Kamaelia.Visualisation.Axon.AxonVisualiserServer import (AxonVisualiser,
                                                              AxonVisualiserServer,
                                                              particleTypes,
                                                              text_to_token_lists)
from Kamaelia.Visualisation.Axon.ExtraWindowFurniture import ExtraWindowFurniture
from Kamaelia.Visualisation.Axon.PComponent import PComponent
from Kamaelia.Visualisation.Axon.PPostbox import PPostbox
from Kamaelia.Visualisation.PhysicsGraph.GridRenderer import GridRenderer
from Kamaelia.Visualisation.PhysicsGraph.TopologyViewer import TopologyViewer

GREEN = (0, 160, 0)

#: The commands of 1.14's Examples/Introspection/ManualAxonVisualiser.py.
MANUAL_114 = b"""\
ADD NODE Source Source randompos component
ADD NODE Source#inbox inbox randompos inbox
ADD NODE Source#outbox outbox randompos outbox
ADD LINK Source Source#inbox
ADD LINK Source Source#outbox
ADD NODE Sink Sink randompos component
ADD NODE Sink#inbox inbox randompos inbox
ADD NODE Sink#outbox outbox randompos outbox
ADD LINK Sink Sink#inbox
ADD LINK Sink Sink#outbox
ADD LINK Source#outbox Sink#inbox
ADD LINK Sink#outbox Source#inbox
"""


class Stage(component):
    """Passes messages on; ends when anything arrives on "control" (passed on)."""

    def main(self) -> Iterator[int]:
        while not self.dataReady("control"):
            self.forward()
            self.pause()
            yield 1
        self.send(self.recv("control"), "signal")

    def forward(self) -> None:
        for message in self.Inbox("inbox"):
            self.send(message, "outbox")


def artifacts(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("KAMAELIA_TEST_ARTIFACTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def boxId(comp: component, io: str, box: str) -> str:
    """The id the Introspector gives a box."""
    return str((comp.id, io, box))


def particles(viewer: TopologyViewer) -> dict[Any, Any]:
    return viewer.physics.particleDict


def settled(screen: Any, viewer: TopologyViewer) -> None:
    """Run until the layout has come to rest and the window shows it."""
    screen.until(lambda: not viewer.moving and not viewer.changed, "the layout to settle")
    screen.settle()


def laidOut(screen: Any, viewer: TopologyViewer, cycles: int = 400) -> None:
    """Fast-forward the physics (a graph of a whole system takes a long time
    to come to rest, if ever), then freeze it and let the window show it."""
    viewer.physics.run(cycles)
    viewer._deliver(["FREEZE", "ALL"], "inbox")
    screen.until(lambda: all(p.static for p in viewer.physics.particles), "the freeze")
    settled(screen, viewer)


def inView(screen: Any, viewer: TopologyViewer, particle: Any) -> None:
    """Scroll the view so that ``particle`` is in the middle of the window."""
    x, y = particle.screenPos()
    width, height = viewer.screensize
    viewer.scroll((x - width // 2, y - height // 2))
    viewer.unpause()                    # (as a key press would wake it)
    settled(screen, viewer)


def hexagonShown(screen: Any, particle: PComponent) -> bool:
    """Most of twelve points 18 pixels above and below the centre (clear of
    its own name) are in the component's colour."""
    x, y = particle.screenPos()
    points = [(x + round(18 * math.cos(math.radians(a))), y + round(18 * math.sin(math.radians(a))))
              for a in (60, 70, 80, 90, 100, 110, 240, 250, 260, 270, 280, 290)]
    width, height = screen.window().get_size()
    seen = [screen.pixel(p) for p in points if 0 <= p[0] < width and 0 <= p[1] < height]
    return sum(colour == particle.colour for colour in seen) > len(points) // 2


def greenAlong(screen: Any, start: PPostbox, end: PPostbox) -> int:
    """How many of 15 points along the line between two boxes are green."""
    (x1, y1), (x2, y2) = start.screenPos(), end.screenPos()
    points = [(round(x1 + (x2 - x1) * t / 20), round(y1 + (y2 - y1) * t / 20))
              for t in range(3, 18)]
    return sum(screen.pixel(p) == GREEN for p in points)


# ------------------------------------------------------------ the prefabs

def test_AxonVisualiser_is_a_topology_viewer_set_up_for_axon_systems() -> None:
    viewer = AxonVisualiser(caption="watching", laws="ignored", particleTypes={"x": None})
    assert isinstance(viewer, TopologyViewer) and viewer.caption == "watching"
    assert viewer.particleTypes == {"component": PComponent, "inbox": PPostbox.Inbox,
                                    "outbox": PPostbox.Outbox} == particleTypes
    assert isinstance(viewer.laws, AxonLaws) and viewer.simCyclesPerRedraw == 3
    kinds = [type(thing) for thing in viewer.graphicalFurniture]
    assert kinds == [GridRenderer, ExtraWindowFurniture]


def test_simCyclesPerRedraw_and_extraDrawing_may_be_changed() -> None:
    viewer = AxonVisualiser(simCyclesPerRedraw=1, extraDrawing=None, showGrid=False)
    assert viewer.simCyclesPerRedraw == 1 and viewer.graphicalFurniture == []


def test_text_to_token_lists_is_a_pipeline_of_the_two_parsers() -> None:
    pipeline = text_to_token_lists()
    assert [type(c).__name__ for c in pipeline.components] == ["chunks_to_lines",
                                                               "lines_to_tokenlists"]


# ------------------------------------------------------------ drawing, for real

def test_114s_manual_example_commands_draw_two_linked_components(screen: Any,
                                                                 tmp_path: Path) -> None:
    viewer = AxonVisualiser(screensize=(640, 480))
    Pipeline(DataSource([MANUAL_114]), text_to_token_lists(), viewer).activate()
    screen.until(lambda: "Sink#outbox" in particles(viewer) and
                 viewer.physics.particleDict["Sink#outbox"].bondedTo, "the last link")
    nodes = particles(viewer)
    assert {type(nodes[n]) for n in ("Source", "Sink")} == {PComponent}
    assert [(nodes[n].postboxtype, nodes[n].name) for n in ("Sink#inbox", "Source#outbox")] \
        == [("inbox", "inbox"), ("outbox", "outbox")]
    assert nodes["Source#outbox"].bondedTo == [nodes["Sink#inbox"]]
    assert set(nodes["Source"].bondedTo) == {nodes["Source#inbox"], nodes["Source#outbox"]}
    settled(screen, viewer)
    pygame.image.save(screen.window(), str(artifacts(tmp_path) / "axon-visualiser-manual.png"))
    assert hexagonShown(screen, nodes["Source"]) and hexagonShown(screen, nodes["Sink"])
    assert greenAlong(screen, nodes["Source#outbox"], nodes["Sink#inbox"]) >= 3


def test_a_running_system_is_drawn_from_the_introspectors_output(screen: Any,
                                                                  tmp_path: Path) -> None:
    source, sink, loner = Stage(), Stage(), Stage()
    watched = Graphline(SOURCE=source, SINK=sink,
                        linkages={("SOURCE", "outbox"): ("SINK", "inbox")})
    watched.activate()
    loner.activate()
    viewer = AxonVisualiser(screensize=(800, 600))
    Pipeline(Introspector(interval=0.05), text_to_token_lists(), viewer).activate()

    expected = {str(c.id) for c in (watched, source, sink, loner)} | {
        boxId(c, io, box) for c in (source, sink, loner)
        for io, box in [("i", "inbox"), ("i", "control"), ("o", "outbox"), ("o", "signal")]}
    screen.until(lambda: expected <= set(particles(viewer)), "the watched system's nodes")
    nodes = particles(viewer)
    assert all(isinstance(nodes[str(c.id)], PComponent) for c in (watched, source, sink))
    assert nodes[str(source.id)].name == source.name
    assert nodes[boxId(sink, "i", "inbox")].postboxtype == "inbox"
    # a component is bonded to its boxes; a linkage goes from box to box
    assert nodes[boxId(source, "o", "outbox")] in nodes[str(source.id)].bondedTo
    screen.until(lambda: nodes[boxId(sink, "i", "inbox")] in
                 nodes[boxId(source, "o", "outbox")].bondedTo, "the linkage")
    # and the viewer draws itself: it is a component of the system too
    assert str(viewer.id) in nodes

    laidOut(screen, viewer)
    pygame.image.save(screen.window(), str(artifacts(tmp_path) / "axon-visualiser-system.png"))
    inView(screen, viewer, nodes[str(source.id)])
    assert hexagonShown(screen, nodes[str(source.id)])
    assert greenAlong(screen, nodes[boxId(source, "o", "outbox")],
                      nodes[boxId(sink, "i", "inbox")]) >= 3
    inView(screen, viewer, nodes[str(loner.id)])
    assert hexagonShown(screen, nodes[str(loner.id)])

    loner._deliver(producerFinished(), "control")      # it ends: DEL NODE
    gone = {str(loner.id), boxId(loner, "i", "inbox"), boxId(loner, "o", "signal")}
    screen.until(lambda: not gone & set(particles(viewer)), "the ended component to go")
    assert str(source.id) in particles(viewer)


def test_the_server_draws_what_an_introspector_sends_it_over_tcp(screen: Any) -> None:
    server = AxonVisualiserServer(serverPort=0, serverHost="127.0.0.1", screensize=(640, 480))
    server.activate()
    viewer = server.components[2]
    client = TCPClient("127.0.0.1", server.server.port)
    Pipeline(Introspector(interval=0.05), PureTransformer(str.encode), client).activate()
    screen.until(lambda: str(client.id) in particles(viewer), "the TCP client's node")
    assert isinstance(particles(viewer)[str(client.id)], PComponent)
    assert isinstance(particles(viewer)[boxId(client, "i", "inbox")], PPostbox)
