"""PEntity: an entity drawn as a coloured rectangle, with arrows towards its supertype."""

from __future__ import annotations

from typing import Any

from Kamaelia.UI.Pygame._pygame import pygame
from Kamaelia.Visualisation.Axon import PComponent as axon
from Kamaelia.Visualisation.Axon.PPostbox import drawInPasses
from Kamaelia.Visualisation.ER.PAttribute import PAttribute
from Kamaelia.Visualisation.ER.PEntity import PEntity, abbreviate, acronym, colours
from Kamaelia.Visualisation.ER.PISA import PISA

WHITE, GREY = (255, 255, 255), (192, 192, 192)


def drawn(*things: Any) -> Any:
    surface = pygame.Surface((600, 300))
    surface.fill(WHITE)
    drawInPasses(surface, *things)
    return surface


def colour(surface: Any, pos: tuple[int, int]) -> tuple[int, int, int]:
    return tuple(surface.get_at(pos))[:3]


def test_the_helpers_are_the_component_particles() -> None:
    assert (abbreviate, acronym, colours) == (axon.abbreviate, axon.acronym, axon.colours)
    assert abbreviate("music.Artist") == "Artist" and acronym("MasterTrack") == "MT"


def test_an_entity_is_an_82_by_48_rectangle_in_its_colour() -> None:
    artist = PEntity(ID="Artist", position=(200, 150), name="Artist")
    assert (artist.ptype, artist.radius_x, artist.radius_y) == ("entity", 41, 24)
    assert artist.colour == axon.hueFor("Artist")
    surface = drawn(artist)
    assert colour(surface, (200 - 35, 150 + 18)) == artist.colour     # a corner, inside
    assert colour(surface, (200 - 41, 150 + 24)) == artist.bordercolour
    assert colour(surface, (200 - 45, 150)) == WHITE
    assert colour(surface, (200, 150 + 28)) == WHITE
    label = artist.slabel.get_rect(center=(200, 150))
    assert any(sum(colour(surface, (x, y))) < 200 for x in range(label.left, label.right)
               for y in range(label.top, label.bottom))


def test_bonds_are_grey_and_a_bond_to_an_isa_has_an_arrowhead() -> None:
    album = PEntity(ID="Album", position=(100, 150), name="Album")
    title = PAttribute.Attribute(ID="title", position=(100, 290), name="title")
    isa = PISA.Isa(ID="ISA1", position=(400, 150), name="isa")
    nodes = {p.ID: p for p in (album, title, isa)}
    album.makeBond(nodes, "title")
    album.makeBond(nodes, "ISA1")
    surface = drawn(album)
    assert colour(surface, (100, 230)) == GREY                        # to the attribute
    assert colour(surface, (250, 150)) == GREY                        # to the "is a"
    # arrowhead tip two thirds along (x=300), barbs 6 back and 6 out, 2 wide
    assert colour(surface, (297, 147)) == GREY and colour(surface, (297, 153)) == GREY
    assert colour(surface, (97, 227)) == WHITE                        # none to the attribute


def test_a_selected_entity_is_blue_bordered_red_and_describes_itself() -> None:
    artist = PEntity(ID="Artist", position=(200, 150), name="music.Artist")
    artist.select()
    surface = drawn(artist)
    assert colour(surface, (200 - 35, 150 + 18)) == (160, 160, 255)
    assert colour(surface, (200 - 41, 150 + 24)) == (224, 0, 0)
    width, height = artist.desclabel.get_size()
    assert any(sum(colour(surface, (x, y))) < 200 for x in range(72, 72 + width)
               for y in range(16, 16 + height))           # "Entity Artist : music.Artist"
    artist.deselect()
    assert colour(drawn(artist), (200 - 35, 150 + 18)) == artist.colour
