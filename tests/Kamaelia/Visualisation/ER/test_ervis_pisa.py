"""PISA: an "is a" link drawn as a circle, with an arrow towards the supertype."""

from __future__ import annotations

from typing import Any

from Kamaelia.UI.Pygame._pygame import pygame
from Kamaelia.Visualisation.Axon.PPostbox import drawInPasses
from Kamaelia.Visualisation.ER.PEntity import PEntity
from Kamaelia.Visualisation.ER.PISA import PISA, abbreviate, nearest45DegreeStep

BACKGROUND, WHITE, GREY, RED = (200, 230, 200), (255, 255, 255), (192, 192, 192), (224, 0, 0)


def drawn(*things: Any) -> Any:
    surface = pygame.Surface((400, 300))
    surface.fill(BACKGROUND)
    drawInPasses(surface, *things)
    return surface


def colour(surface: Any, pos: tuple[int, int]) -> tuple[int, int, int]:
    return tuple(surface.get_at(pos))[:3]


def test_helpers() -> None:
    assert abbreviate("isa") == "isa" and nearest45DegreeStep((1, -1)) == 315


def test_an_isa_is_a_white_circle_the_size_of_its_label() -> None:
    isa = PISA.Isa(ID="ISA1", position=(200, 150), name="isa")
    assert (isa.ptype, isa.name, isa.ID) == ("isa", "isa", "ISA1")
    radius = int(isa.radius)
    assert radius == int(max(isa.slabel[0].get_size()) / 2) and radius > 5
    surface = drawn(isa)
    assert colour(surface, (200 - radius + 1, 150)) == GREY          # the 2-pixel outline
    assert colour(surface, (200, 150 + radius - 3)) == WHITE         # inside, under the name
    assert colour(surface, (200 - radius - 3, 150)) == BACKGROUND
    isa.select()
    surface = drawn(isa)
    assert colour(surface, (200 - radius + 1, 150)) == RED
    width, height = isa.desclabel.get_size()                         # "ISA : isa"
    assert any(sum(colour(surface, (x, y))) < 200 for x in range(72, 72 + width)
               for y in range(16, 16 + height))


def test_its_bond_to_the_supertype_has_an_arrowhead_half_way() -> None:
    isa = PISA.Isa(ID="ISA1", position=(50, 150), name="isa")
    release = PEntity(ID="Release", position=(350, 150), name="Release")
    isa.makeBond({"ISA1": isa, "Release": release}, "Release")
    surface = drawn(isa)
    assert colour(surface, (120, 150)) == GREY
    assert colour(surface, (197, 147)) == GREY and colour(surface, (197, 153)) == GREY
    assert colour(surface, (120, 147)) == BACKGROUND
    assert isa.labelIndex() == 2                                     # level, along the bond
