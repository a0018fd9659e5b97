"""PAttribute: an attribute drawn as its name in an ellipse."""

from __future__ import annotations

from typing import Any

from Kamaelia.UI.Pygame._pygame import pygame
from Kamaelia.Visualisation.Axon import PPostbox as axon
from Kamaelia.Visualisation.Axon.PPostbox import drawInPasses
from Kamaelia.Visualisation.ER.PAttribute import (PAttribute, abbreviate, angleMappings,
                                                  nearest45DegreeStep)
from Kamaelia.Visualisation.ER.PEntity import PEntity

WHITE, BLACK, ORANGE, GREY = (255, 255, 255), (0, 0, 0), (224, 128, 0), (192, 192, 192)


def drawn(*things: Any) -> Any:
    surface = pygame.Surface((400, 300))
    surface.fill((200, 200, 200))
    drawInPasses(surface, *things)
    return surface


def colour(surface: Any, pos: tuple[int, int]) -> tuple[int, int, int]:
    return tuple(surface.get_at(pos))[:3]


def test_the_helpers_are_the_postbox_particles() -> None:
    assert (abbreviate, nearest45DegreeStep, angleMappings) == \
        (axon.abbreviate, axon.nearest45DegreeStep, axon.angleMappings)
    assert abbreviate("working_title") == "working_title"
    assert nearest45DegreeStep((0, 5)) == 90


def test_an_attribute_is_its_name_in_a_white_ellipse_outlined_black() -> None:
    genre = PAttribute.Attribute(ID="genre", position=(200, 150), name="genre")
    assert (genre.ptype, genre.attributetype, genre.name) == ("attribute", "attribute", "genre")
    label = genre.label[2]
    assert genre.radius == max(genre.slabel[0].get_size()) / 2
    w, h = label.get_width() * 1.4, label.get_height() * 1.4
    surface = drawn(genre)
    assert colour(surface, (200 - int(w / 2) + 3, 150)) == WHITE          # inside the ellipse
    outline = {colour(surface, (x, 150)) for x in range(200 - int(w / 2) - 1,
                                                          200 - int(w / 2) + 2)}
    assert BLACK in outline
    assert colour(surface, (200 - int(w / 2) - 4, 150)) == (200, 200, 200)
    assert any(sum(colour(surface, (x, y))) < 200 for x in range(190, 210)
               for y in range(145, 155))                                   # the name


def test_a_bond_between_attributes_is_orange_and_to_anything_else_grey() -> None:
    first = PAttribute.Attribute(ID="a", position=(50, 100), name="a")
    second = PAttribute.Attribute(ID="b", position=(350, 100), name="b")
    entity = PEntity(ID="E", position=(50, 280), name="E")
    nodes = {p.ID: p for p in (first, second, entity)}
    first.makeBond(nodes, "b")
    first.makeBond(nodes, "E")                  # (1.14 crashed drawing this one)
    surface = drawn(first)
    assert colour(surface, (200, 100)) == ORANGE
    assert colour(surface, (50, 200)) == GREY


def test_a_selected_attribute_describes_itself() -> None:
    genre = PAttribute.Attribute(ID="genre", position=(200, 150), name="genre")
    genre.select()
    surface = drawn(genre)
    width, height = genre.desclabel.get_size()          # "ATTRIBUTE : genre"
    assert any(sum(colour(surface, (x, y))) < 200 for x in range(72, 72 + width)
               for y in range(16, 16 + height))
    genre.deselect()
    surface = drawn(genre)
    assert all(colour(surface, (x, 20)) == (200, 200, 200) for x in range(72, 72 + width))
