"""ParticleDragger: which node a press picks (nearest disc holding the point, scroll allowed for)."""

from __future__ import annotations

from typing import Any

from Kamaelia.UI.Pygame._pygame import pygame
from Kamaelia.Visualisation.PhysicsGraph.ParticleDragger import ParticleDragger
from Kamaelia.Visualisation.PhysicsGraph.RenderingParticle import RenderingParticle
from Kamaelia.Visualisation.PhysicsGraph.TopologyViewer import TopologyViewer


def viewer(*nodes: tuple[str, int, int]) -> TopologyViewer:
    made = TopologyViewer()
    made.addParticle(*(RenderingParticle(ID=i, position=(x, y), name=i) for i, x, y in nodes))
    return made


def press(app: TopologyViewer, pos: tuple[int, int]) -> tuple[ParticleDragger, Any]:
    event = pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=pos, button=1)
    dragger = ParticleDragger(event, app)
    return dragger, dragger.detect(pos, 1)


def test_a_press_on_a_node_picks_and_freezes_it() -> None:
    app = viewer(("a", 100, 100), ("b", 300, 100))
    dragger, start = press(app, (310, 95))
    assert start == (300, 100) and dragger.particle.ID == "b" and dragger.particle.static
    assert app.selected is dragger.particle
    assert list(app.outboxes["outbox"])[-1] == ("SELECT", "NODE", "b")


def test_of_overlapping_discs_the_nearest_centre_wins() -> None:
    app = viewer(("a", 100, 100), ("b", 125, 100))
    assert press(app, (108, 100))[0].particle.ID == "a"
    assert press(app, (118, 100))[0].particle.ID == "b"


def test_a_press_beside_every_disc_picks_nothing_and_deselects() -> None:
    app = viewer(("a", 100, 100))
    press(app, (100, 100))
    dragger, start = press(app, (100, 125))
    assert start is False and dragger.particle is None and app.selected is None
    assert list(app.outboxes["outbox"])[-1] == ("SELECT", "NODE", None)


def test_the_views_scroll_is_allowed_for() -> None:
    app = viewer(("a", 500, 400))
    app.scroll((400, 300))
    dragger, start = press(app, (100, 100))
    assert start == (500, 400) and dragger.particle.ID == "a"


def test_dragging_moves_the_node_and_release_lets_it_go() -> None:
    app = viewer(("a", 100, 100))
    dragger, _ = press(app, (100, 100))
    dragger.drag(150, 160)
    assert tuple(dragger.particle.pos) == (150, 160)
    assert app.physics.withinRadius((150, 160), 1)[0][0] is dragger.particle
    dragger.release(170, 180)
    assert tuple(dragger.particle.pos) == (170, 180) and not dragger.particle.static
