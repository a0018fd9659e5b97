"""PRelation: a relation drawn as its name on a white diamond."""

from __future__ import annotations

from typing import Any

from Kamaelia.UI.Pygame._pygame import pygame
from Kamaelia.Visualisation.Axon.PPostbox import drawInPasses
from Kamaelia.Visualisation.ER.PEntity import PEntity
from Kamaelia.Visualisation.ER.PRelation import PRelation, abbreviate, nearest45DegreeStep

BACKGROUND, WHITE, GREY = (200, 230, 200), (255, 255, 255), (192, 192, 192)
ORANGE, RED = (224, 128, 0), (224, 0, 0)


def drawn(*things: Any) -> Any:
    surface = pygame.Surface((400, 300))
    surface.fill(BACKGROUND)
    drawInPasses(surface, *things)
    return surface


def colour(surface: Any, pos: tuple[int, int]) -> tuple[int, int, int]:
    return tuple(surface.get_at(pos))[:3]


def test_helpers() -> None:
    assert abbreviate("ManagedBy") == "ManagedBy" and nearest45DegreeStep((-3, 0)) == 180


def test_a_relation_is_a_48_by_32_white_diamond_outlined_grey() -> None:
    managed = PRelation.Relation(ID="by", position=(200, 150), name="by")   # (fits inside)
    assert (managed.ptype, managed.relationtype) == ("relation", "relation")
    surface = drawn(managed)
    assert colour(surface, (200, 150 - 12)) == WHITE                 # inside, above the name
    assert colour(surface, (200 - 24, 150)) == GREY                  # its left corner
    assert colour(surface, (200, 150 - 16)) == GREY                  # its top corner
    assert colour(surface, (200 - 20, 150 - 12)) == BACKGROUND       # outside its edge
    managed.select()
    surface = drawn(managed)
    assert colour(surface, (200 - 24, 150)) == RED
    width, height = managed.desclabel.get_size()                     # "RELATION : by"
    assert any(sum(colour(surface, (x, y))) < 200 for x in range(72, 72 + width)
               for y in range(16, 16 + height))


def test_bonds_between_relations_are_orange_others_grey() -> None:
    first = PRelation.Relation(ID="r1", position=(50, 100), name="r1")
    second = PRelation.Relation(ID="r2", position=(350, 100), name="r2")
    entity = PEntity(ID="E", position=(50, 280), name="E")
    nodes = {p.ID: p for p in (first, second, entity)}
    first.makeBond(nodes, "r2")
    first.makeBond(nodes, "E")
    surface = drawn(first)
    assert colour(surface, (200, 100)) == ORANGE
    assert colour(surface, (50, 200)) == GREY
