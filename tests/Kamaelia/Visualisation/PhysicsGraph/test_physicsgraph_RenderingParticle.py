"""RenderingParticle: links in pass 1, disc and label in pass 2, offset, selection, labels."""

from __future__ import annotations

from Kamaelia.Support.Particles import Particle
from Kamaelia.UI.Pygame._pygame import pygame
from Kamaelia.Visualisation.PhysicsGraph.RenderingParticle import (LINK_COLOUR, NODE_COLOUR,
                                                                   RenderingParticle)

WHITE = (255, 255, 255)


def surface() -> pygame.Surface:
    canvas = pygame.Surface((300, 200))
    canvas.fill(WHITE)
    return canvas


def test_links_are_drawn_in_pass_1_and_the_disc_in_pass_2() -> None:
    canvas = surface()
    a = RenderingParticle(ID="a", position=(50, 100), name="a")
    b = RenderingParticle(ID="b", position=(250, 100), name="b")
    a.makeBond({"a": a, "b": b}, "b")
    drawing = a.render(canvas)
    assert next(drawing) == 1
    assert canvas.get_at((150, 100))[:3] == WHITE
    assert next(drawing) == 2
    assert canvas.get_at((150, 100))[:3] == LINK_COLOUR     # the link, from a to b
    assert canvas.get_at((50, 114))[:3] == WHITE            # not the disc yet
    for _ in drawing:
        pass
    assert canvas.get_at((50, 114))[:3] == NODE_COLOUR
    assert canvas.get_at((50, 100))[:3] != NODE_COLOUR      # the label, on top
    assert canvas.get_at((250, 114))[:3] == WHITE           # b draws itself


def test_the_offset_moves_where_it_is_drawn() -> None:
    canvas = surface()
    node = RenderingParticle(ID=1, position=(150, 150), name="x")
    node.setOffset((100, 50))
    list(node.render(canvas))
    assert canvas.get_at((50, 114))[:3] == NODE_COLOUR
    assert canvas.get_at((150, 164))[:3] == WHITE


def test_a_selected_node_has_a_ring() -> None:
    node = RenderingParticle(ID=1, position=(100, 100), name="")
    canvas = surface()
    node.select()
    list(node.render(canvas))
    assert canvas.get_at((100, 119))[:3] == (0, 0, 0)
    node.deselect()
    list(node.render(canvas))
    assert canvas.get_at((100, 119))[:3] == NODE_COLOUR


def test_the_name_is_its_label_and_can_be_changed() -> None:
    node = RenderingParticle(ID=1, position=(0, 0), name=42)
    assert node.name == "42" and isinstance(node, Particle) and node.radius == 20
    narrow = node.label.get_width()
    node.set_label("a much longer name")
    assert node.name == "a much longer name" and node.label.get_width() > narrow
