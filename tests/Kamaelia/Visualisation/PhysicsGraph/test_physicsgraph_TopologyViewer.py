"""TopologyViewer on a real window: nodes and links drawn, dragged, selected, removed; commands, replies, idling."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from Axon.Ipc import producerFinished, shutdownMicroprocess
from Kamaelia.Support.Particles import SimpleLaws
from Kamaelia.UI.Pygame._pygame import pygame
from Kamaelia.Visualisation.PhysicsGraph.RenderingParticle import (LINK_COLOUR, NODE_COLOUR,
                                                                   RenderingParticle)
from Kamaelia.Visualisation.PhysicsGraph.TopologyViewer import TopologyViewer

from componentharness import Collector, attach

WHITE = (255, 255, 255)
GRID = (200, 200, 200)


def artifacts(tmp_path: Path) -> Path:
    """Where screenshots are kept: $KAMAELIA_TEST_ARTIFACTS, else the test's tmp_path."""
    folder = Path(os.environ.get("KAMAELIA_TEST_ARTIFACTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def screenshot(screen: Any, tmp_path: Path, name: str) -> Path:
    path = artifacts(tmp_path) / f"physicsgraph_{name}.png"
    pygame.image.save(screen.window(), str(path))
    return path


class CountingViewer(TopologyViewer):
    """A TopologyViewer that counts the frames it draws."""

    frames = 0

    def mainLoop(self) -> int:
        self.frames += 1
        return super().mainLoop()


def start(screen: Any, **options: Any) -> tuple[CountingViewer, Collector]:
    options.setdefault("simCyclesPerRedraw", 20)      # settle in a few frames
    viewer = CountingViewer(**options)
    sink = attach(viewer)
    screen.until(lambda: viewer.frames > 0, "the viewer's first frame")
    screen.settle()
    return viewer, sink


def command(screen: Any, viewer: TopologyViewer, *commands: Any) -> None:
    viewer.inboxes["inbox"].extend(commands)
    viewer.unpause()
    screen.until(lambda: not viewer.dataReady("inbox"), "the commands to be taken")


def drawn(screen: Any, viewer: TopologyViewer) -> None:
    """Run until the viewer has drawn every change and the window shows it."""
    screen.settle()
    screen.until(lambda: not viewer.changed and screen.quiescent(), "the change to be drawn")
    screen.settle()


def settled(screen: Any, viewer: TopologyViewer) -> None:
    """Run until the graph has come to rest and the window shows it."""
    screen.until(lambda: not viewer.moving and not viewer.changed and screen.quiescent(),
                 "the graph to come to rest")
    screen.settle()


def where(viewer: TopologyViewer, nodeId: str) -> tuple[int, int]:
    x, y = viewer.physics.particleDict[nodeId].pos
    return int(x) - viewer.left, int(y) - viewer.top


def below(pos: tuple[int, int], by: int = 14) -> tuple[int, int]:
    """A point on a node's disc, clear of its label."""
    return pos[0], pos[1] + by


def test_screenshot_nodes_are_drawn_where_they_are(screen: Any, tmp_path: Path) -> None:
    viewer, _ = start(screen)
    command(screen, viewer, ["ADD", "NODE", "1", "one", "150,150", "-"],
            ["add", "node", "2", "two words", "(450,350)", "-"])
    settled(screen, viewer)
    screenshot(screen, tmp_path, "two_nodes")
    assert where(viewer, "1") == (150, 150)          # too far apart to push each other
    assert where(viewer, "2") == (450, 350)
    assert screen.pixel(below((150, 150))) == NODE_COLOUR
    assert screen.pixel(below((450, 350))) == NODE_COLOUR
    assert screen.pixel((150, 190)) == WHITE         # beyond the disc
    assert screen.pixel((200, 100)) == GRID          # the grid, every 200 pixels
    assert viewer.physics.particleDict["2"].name == "two words"


def test_screenshot_a_link_is_drawn_between_its_nodes(screen: Any, tmp_path: Path) -> None:
    viewer, _ = start(screen)
    command(screen, viewer, ["ADD", "NODE", "a", "a", "250,300", "-"],
            ["ADD", "NODE", "b", "b", "450,310", "-"], ["ADD", "LINK", "a", "b"])
    settled(screen, viewer)
    screenshot(screen, tmp_path, "link")
    (ax, ay), (bx, by) = where(viewer, "a"), where(viewer, "b")
    assert 80 < ((ax - bx) ** 2 + (ay - by) ** 2) ** 0.5 < 120    # pulled to the bond length
    middle = ((ax + bx) // 2, (ay + by) // 2)
    assert screen.pixel(middle) == LINK_COLOUR
    command(screen, viewer, ["DEL", "LINK", "a", "b"])
    settled(screen, viewer)
    assert screen.pixel(middle) in (WHITE, GRID)


def test_screenshot_dragging_a_node_moves_it(screen: Any, tmp_path: Path) -> None:
    viewer, sink = start(screen)
    command(screen, viewer, ["ADD", "NODE", "n", "drag me", "300,300", "-"])
    settled(screen, viewer)
    screen.drag([(305, 305), (350, 330), (400, 360), (505, 405)])
    settled(screen, viewer)
    screenshot(screen, tmp_path, "dragged")
    assert where(viewer, "n") == (500, 400)
    assert screen.pixel(below((500, 400))) == NODE_COLOUR
    assert screen.pixel(below((300, 300))) == WHITE
    assert sink.got == [("SELECT", "NODE", "n")]
    assert not viewer.physics.particleDict["n"].static      # let go after the drag


def test_clicking_selects_a_node_and_clicking_nothing_deselects(screen: Any) -> None:
    viewer, sink = start(screen)
    command(screen, viewer, ["ADD", "NODE", "n", "n", "300,300", "-"],
            ["ADD", "NODE", "m", "m", "600,300", "-"])
    settled(screen, viewer)
    screen.click((310, 290))
    drawn(screen, viewer)
    assert screen.pixel((300, 300 + 19)) == (0, 0, 0)        # the selected node's ring
    screen.click((310, 290))                                  # already selected: no news
    screen.click((600, 300))
    screen.click((100, 500))
    screen.settle()
    assert sink.got == [("SELECT", "NODE", "n"), ("SELECT", "NODE", "m"),
                        ("SELECT", "NODE", None)]


def test_screenshot_del_node_removes_it_and_its_links(screen: Any, tmp_path: Path) -> None:
    viewer, _ = start(screen)
    command(screen, viewer, ["ADD", "NODE", "x", "x", "300,300", "-"],
            ["ADD", "NODE", "y", "y", "380,300", "-"], ["ADD", "LINK", "y", "x"])
    settled(screen, viewer)
    gone = where(viewer, "x")
    command(screen, viewer, ["DEL", "NODE", "x"])
    settled(screen, viewer)
    screenshot(screen, tmp_path, "deleted")
    assert "x" not in viewer.physics.particleDict
    assert viewer.physics.particleDict["y"].bondedTo == []
    assert screen.pixel(below(gone)) in (WHITE, GRID)
    stays = where(viewer, "y")
    assert screen.pixel(below(stays)) == NODE_COLOUR
    command(screen, viewer, ["DEL", "ALL"])
    settled(screen, viewer)
    assert viewer.physics.particles == []
    assert screen.pixel(below(stays)) in (WHITE, GRID)


def test_get_all_sends_commands_that_rebuild_the_graph(screen: Any) -> None:
    viewer, sink = start(screen)
    command(screen, viewer, ["ADD", "NODE", "1", "one", "100,100", "-"],
            ["ADD", "NODE", "2", "two", "500,500", "-"], ["ADD", "LINK", "1", "2"],
            ["FREEZE", "ALL"], ["GET", "ALL"])
    screen.settle()
    assert sink.got == [("TOPOLOGY", [("DEL", "ALL"),
                                      ("ADD", "NODE", "1", "one", "100,100", "-"),
                                      ("ADD", "NODE", "2", "two", "500,500", "-"),
                                      ("ADD", "LINK", "1", "2")])]
    # ... which another viewer takes as they are.
    other = TopologyViewer()
    other.doCommand(["DEL", "ALL"])
    for rebuild in sink.got[0][1]:
        other.doCommand(rebuild)
    assert sorted(other.physics.particleDict) == ["1", "2"]
    assert other.physics.particleDict["1"].bondedTo == [other.physics.particleDict["2"]]


def test_names_can_be_changed_and_asked_for(screen: Any) -> None:
    viewer, sink = start(screen)
    command(screen, viewer, ["ADD", "NODE", "1", "one", "auto", "-"],
            ["UPDATE_NAME", "NODE", "1", "uno"], ["UPDATE_NAME", "NODE", "9", "ghost"],
            ["GET_NAME", "NODE", "1"], ["GET_NAME", "NODE", "9"])
    screen.settle()
    assert sink.got == [("UPDATE_NAME", "NODE", "1", "uno"),
                        ("UPDATE_NAME", "NODE", "9", None)]
    assert sorted(viewer.physics.particleDict) == ["1"]        # no ghost was made


def test_freeze_all_stops_the_physics_and_unfreeze_all_restarts_it(screen: Any) -> None:
    viewer, _ = start(screen)
    command(screen, viewer, ["ADD", "NODE", "p", "p", "300,300", "-"],
            ["ADD", "NODE", "q", "q", "330,300", "-"], ["FREEZE", "ALL"])
    settled(screen, viewer)
    assert (where(viewer, "p"), where(viewer, "q")) == ((300, 300), (330, 300))
    command(screen, viewer, ["UNFREEZE", "ALL"])
    settled(screen, viewer)
    assert where(viewer, "q")[0] - where(viewer, "p")[0] > 100     # pushed apart


@pytest.mark.parametrize("bad, reason", [
    (["ADD", "NODE", "1", "one", "auto"], "ADD NODE takes 4 arguments, not 3"),
    (["ADD", "NODE", "1", "one", "auto", "nosuchtype"], "no particle type 'nosuchtype'"),
    (["ADD", "NODE", "1", "one", "somewhere", "-"], "'somewhere' is not a position"),
    (["ADD", "NODE", "0", "again", "auto", "-"], "already a node '0'"),
    (["DEL", "NODE", "7"], "there is no node '7'"),
    (["ADD", "LINK", "0", "7"], "there is no node '7'"),
    (["DEL", "LINK", "0", "0"], "there is no link from '0' to '0'"),
    (["JUMP", "ABOUT"], "there is no command JUMP ABOUT"),
    (["DEL"], "at least two words"),
    ("DEL ALL", "at least two words"),
])
def test_a_bad_command_changes_nothing_and_says_why(screen: Any, bad: Any, reason: str) -> None:
    viewer, sink = start(screen)
    command(screen, viewer, ["ADD", "NODE", "0", "zero", "200,200", "-"], bad)
    screen.settle()
    assert len(sink.got) == 1 and sink.got[0][0] == "ERROR"
    assert sink.got[0][1].startswith(f"Error processing message : {bad!r} reason: ")
    assert reason in sink.got[0][1]
    assert list(viewer.physics.particleDict) == ["0"]
    command(screen, viewer, ["GET_NAME", "NODE", "0"])         # and it carries on
    screen.until(lambda: len(sink.got) == 2, "the reply")


def test_a_settled_viewer_draws_nothing_until_something_changes(screen: Any) -> None:
    viewer, _ = start(screen)
    command(screen, viewer, ["ADD", "NODE", "a", "a", "300,300", "-"],
            ["ADD", "NODE", "b", "b", "320,300", "-"], ["ADD", "LINK", "a", "b"])
    settled(screen, viewer)
    frames = viewer.frames
    for _ in range(3):          # event rounds, and a mouse that moves over the window
        screen.post(pygame.MOUSEMOTION, pos=(100, 100), rel=(1, 1), buttons=(0, 0, 0))
        screen.settle()
    assert viewer.frames == frames
    assert screen.scheduler.isThreadPaused(viewer)
    command(screen, viewer, ["UPDATE_NAME", "NODE", "a", "A"])
    drawn(screen, viewer)
    assert viewer.frames == frames + 1                         # one frame for one change


def test_the_arrow_keys_scroll_the_view(screen: Any) -> None:
    viewer, _ = start(screen)
    command(screen, viewer, ["ADD", "NODE", "1", "one", "300,300", "-"])
    settled(screen, viewer)
    screen.post(pygame.KEYDOWN, key=pygame.K_RIGHT, unicode="", mod=0, scancode=0)
    screen.until(lambda: viewer.left > 20, "the view to scroll")
    screen.post(pygame.KEYUP, key=pygame.K_RIGHT, mod=0, scancode=0)
    settled(screen, viewer)
    left = viewer.left
    assert viewer.dleft == 0 and where(viewer, "1") == (300 - left, 300)
    assert screen.pixel(below((300 - left, 300))) == NODE_COLOUR
    screen.settle()
    assert viewer.left == left                                 # it stopped


def test_initial_topology_and_other_particle_types(screen: Any) -> None:
    class Big(RenderingParticle):
        radius = 40
        colour = (10, 200, 10)

    first, second = Big(ID="b1", position=(200, 300), name="big"), \
        RenderingParticle(ID="r1", position=(500, 300), name="small")
    viewer, sink = start(screen, particleTypes={"big": Big, "-": RenderingParticle},
                         initialTopology=([first, second], [("b1", "r1")]),
                         laws=SimpleLaws(bondLength=300), showGrid=False)
    command(screen, viewer, ["ADD", "NODE", "b2", "two", "200,500", "big"], ["FREEZE", "ALL"],
            ["GET", "ALL"])
    drawn(screen, viewer)
    assert screen.pixel((200, 300 + 35)) == (10, 200, 10)
    assert screen.pixel((200, 500 + 35)) == (10, 200, 10)
    assert screen.pixel((200, 100)) == WHITE                   # no grid
    assert [c[5] for c in sink.got[0][1] if c[:2] == ("ADD", "NODE")] == ["big", "-", "big"]


def test_shutdown_is_passed_on_and_producer_finished_is_not_an_ending(screen: Any) -> None:
    viewer, sink = start(screen)
    viewer.inboxes["control"].append(producerFinished())
    viewer.unpause()
    screen.settle()
    assert not viewer._isStopped() and sink.control == []
    message = shutdownMicroprocess()
    viewer.inboxes["control"].append(message)
    viewer.unpause()
    screen.until(lambda: sink.control, "the shutdown")
    assert sink.control == [message]
    screen.until(lambda: screen.display() is None, "the surface to be given back")


def test_escape_ends_the_program(screen: Any) -> None:
    start(screen)
    screen.key(pygame.K_ESCAPE)
    screen.runToEnd()
