"""PPostbox: 1.14's helpers (nearest45DegreeStep, abbreviate) and how a box is drawn."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from Kamaelia.UI.Pygame._pygame import pygame
from Kamaelia.Visualisation.Axon.PComponent import PComponent
from Kamaelia.Visualisation.Axon.PPostbox import (PPostbox, abbreviate, drawArrowhead,
                                                  drawInPasses, labelFont, nearest45DegreeStep)

WHITE = (255, 255, 255)
GREEN, ORANGE, GREY = (0, 160, 0), (224, 128, 0), (192, 192, 192)


def blank(size: tuple[int, int] = (400, 300)) -> Any:
    surface = pygame.Surface(size)
    surface.fill(WHITE)
    return surface


def colour(surface: Any, pos: tuple[int, int]) -> tuple[int, int, int]:
    return tuple(surface.get_at(pos))[:3]


def linked(kinds: tuple[str, str], start: tuple[int, int], end: tuple[int, int]
           ) -> tuple[PPostbox, PPostbox]:
    make = {"inbox": PPostbox.Inbox, "outbox": PPostbox.Outbox}
    source = make[kinds[0]](ID="a", position=start, name=kinds[0])
    sink = make[kinds[1]](ID="b", position=end, name=kinds[1])
    source.makeBond({"a": source, "b": sink}, "b")
    return source, sink


# ------------------------------------------------------------ the helpers

@pytest.mark.parametrize("delta,angle", [
    ((0, 0), 0), ((1, 0), 0), ((1, 1), 45), ((0, 1), 90), ((-1, 1), 135),
    ((-1, 0), 180), ((-1, -1), 225), ((0, -1), 270), ((1, -1), 315),
    ((200, 3), 0), ((3.5, 200.25), 90),
    # either side of 22.5 degrees (tan 22.5 = 0.4142) and of 67.5
    ((13, 5), 0), ((12, 5), 45), ((5, 12), 45), ((5, 13), 90),
    ((-13, -5), 180), ((-12, -5), 225), ((13, -5), 0), ((12, -5), 315),
])
def test_nearest45DegreeStep_picks_the_nearest_multiple_of_45_y_downwards(
        delta: tuple[float, float], angle: int) -> None:
    assert nearest45DegreeStep(delta) == angle


@settings(max_examples=250, deadline=None)
@given(st.floats(-1e6, 1e6), st.floats(-1e6, 1e6))
def test_nearest45DegreeStep_agrees_with_atan2_away_from_the_boundaries(dx: float,
                                                                      dy: float) -> None:
    degrees = math.degrees(math.atan2(dy, dx)) % 360
    if math.hypot(dx, dy) < 1e-6 or abs((degrees % 45) - 22.5) < 1e-6:
        return                  # the origin, or on a boundary: no "nearest"
    assert nearest45DegreeStep((dx, dy)) == round(degrees / 45) % 8 * 45


@pytest.mark.parametrize("name", ["inbox", "outbox", "control", "signal",
                                  "Kamaelia.Util.Console", "data_2", ""])
def test_abbreviate_leaves_a_box_name_whole_as_114_did(name: str) -> None:
    assert abbreviate(name) == name


# ------------------------------------------------------------ the particle

def test_inbox_and_outbox_make_postbox_particles_of_their_kind() -> None:
    inbox = PPostbox.Inbox(ID="(5, 'i', 'inbox')", position=(10, 20), name="inbox")
    outbox = PPostbox.Outbox(ID="(5, 'o', 'signal')", position=(30, 40), name="signal")
    assert (inbox.ID, list(inbox.pos), inbox.name, inbox.postboxtype, inbox.ptype) == \
        ("(5, 'i', 'inbox')", [10, 20], "inbox", "inbox", "postbox")
    assert (outbox.postboxtype, outbox.ptype, outbox.radius) == ("outbox", "postbox", 16)
    assert not inbox.selected


@pytest.mark.parametrize("kinds,expected", [
    (("outbox", "inbox"), GREEN), (("inbox", "inbox"), ORANGE), (("outbox", "outbox"), ORANGE)])
def test_a_linkage_is_a_line_with_an_arrowhead_three_quarters_along(
        kinds: tuple[str, str], expected: tuple[int, int, int]) -> None:
    surface = blank()
    drawInPasses(surface, *linked(kinds, (50, 100), (250, 100)))
    assert colour(surface, (150, 100)) == expected                  # the line
    # the arrowhead's tip is at x=200; its barbs reach back 6 and out 6
    assert colour(surface, (197, 97)) == expected
    assert colour(surface, (197, 103)) == expected
    assert colour(surface, (100, 97)) == WHITE                      # no barbs elsewhere


def test_the_label_is_the_name_centred_and_tilted_along_the_linkage() -> None:
    level, _ = linked(("outbox", "inbox"), (100, 100), (300, 100))
    upright, _ = linked(("outbox", "inbox"), (100, 100), (100, 250))
    slanted, _ = linked(("outbox", "inbox"), (100, 100), (200, 200))
    assert (level.labelIndex(), upright.labelIndex(), slanted.labelIndex()) == (2, 0, 3)
    assert level.label[2].get_width() > level.label[2].get_height()
    assert upright.label[0].get_height() > upright.label[0].get_width()
    surface = blank()
    drawInPasses(surface, level)
    box = level.label[2].get_rect(center=(100, 100))
    dark = [p for p in ((x, y) for x in range(box.left, box.right)
                        for y in range(box.top, box.bottom)) if sum(colour(surface, p)) < 300]
    assert dark                                                      # the text is there
    assert colour(surface, (100, 100 - box.height)) == WHITE         # and only there


def test_an_unlinked_box_is_labelled_along_a_box_linked_to_it() -> None:
    source, sink = linked(("outbox", "inbox"), (100, 100), (100, 200))
    assert sink.labelDirection() == (0, -100) and sink.labelIndex() == 0
    alone = PPostbox.Inbox(ID="c", position=(0, 0), name="inbox")
    assert alone.labelDirection() == (0, 0) and alone.labelIndex() == 2


def test_a_bond_to_a_component_is_grey_and_a_zero_length_one_is_harmless() -> None:
    box = PPostbox.Outbox(ID="box", position=(50, 150), name="outbox")
    comp = PComponent(ID="comp", position=(350, 150), name="Thing")
    twin = PPostbox.Inbox(ID="twin", position=(50, 150), name="inbox")
    box.makeBond({"comp": comp, "twin": twin}, "comp")
    box.makeBond({"comp": comp, "twin": twin}, "twin")
    surface = blank()
    drawInPasses(surface, box)                      # (1.14 crashed on both)
    assert colour(surface, (200, 150)) == GREY


def test_a_selected_box_is_blue_and_describes_itself_at_the_top() -> None:
    box = PPostbox.Inbox(ID="b", position=(200, 200), name="inbox")
    surface = blank()
    drawInPasses(surface, box)
    assert colour(surface, (80, 24)) == WHITE and not any(
        colour(surface, (x, y))[2] == 255 and colour(surface, (x, y))[0] < 128
        for x in range(180, 220) for y in range(190, 210))
    box.select()
    surface = blank()
    drawInPasses(surface, box)
    text = {colour(surface, (x, y)) for x in range(72, 72 + box.desclabel.get_width())
            for y in range(16, 16 + box.desclabel.get_height())}
    assert any(sum(c) < 200 for c in text)          # "INBOX : inbox" at (72, 16)
    assert any(c[2] > 200 and c[0] < 160 for c in (colour(surface, (x, y))
               for x in range(180, 220) for y in range(190, 210)))   # blue label
    box.deselect()
    surface = blank()
    drawInPasses(surface, box)
    assert all(sum(colour(surface, (x, 20))) == 765 for x in range(72, 150))


def test_the_description_names_the_kind_and_the_box() -> None:
    font = labelFont(20)
    box = PPostbox.Outbox(ID="b", position=(0, 0), name="signal")
    assert box.desclabel.get_size() == font.render("OUTBOX : signal", True, (0, 0, 0)).get_size()
    assert box.desclabel.get_size() != font.render("INBOX : signal", True, (0, 0, 0)).get_size()


def test_setOffset_scrolls_the_drawing() -> None:
    source, sink = linked(("outbox", "inbox"), (150, 100), (350, 100))
    for particle in (source, sink):
        particle.setOffset((100, -50))
    surface = blank()
    drawInPasses(surface, source, sink)
    assert colour(surface, (150, 150)) == GREEN         # drawn at (50..250, 150)
    assert colour(surface, (150, 100)) == WHITE


def test_set_label_relabels_the_box() -> None:
    box = PPostbox.Inbox(ID="b", position=(0, 0), name="in")
    before = box.label[2].get_width()
    box.set_label("a much longer name")
    assert box.name == "a much longer name" and box.label[2].get_width() > before


def test_drawArrowhead_points_at_the_end() -> None:
    surface = blank((100, 100))
    drawArrowhead(surface, (0, 0, 0), (10, 50), (90, 50), 0.5)
    assert colour(surface, (47, 47)) == (0, 0, 0) and colour(surface, (47, 53)) == (0, 0, 0)
    assert colour(surface, (53, 47)) == WHITE          # barbs trail behind the tip


def test_drawInPasses_layers_passes_across_particles() -> None:
    source, sink = linked(("outbox", "inbox"), (50, 100), (350, 100))
    comp = PComponent(ID="c", position=(200, 100), name="M")     # on the linkage's line
    onTheLine = (185, 100)                  # inside the hexagon, clear of its name
    surface = blank()
    drawInPasses(surface, comp, source, sink)
    assert colour(surface, onTheLine) == comp.colour    # the hexagon (pass 2) covers the line
    assert colour(surface, (120, 100)) == GREEN
    surface = blank()
    for thing in (comp, source):            # particle by particle instead:
        for _ in thing.render(surface):
            pass
    assert colour(surface, onTheLine) == GREEN          # the line lies over the hexagon


def test_labelFont_works_after_pygame_is_restarted() -> None:
    pygame.quit()
    assert labelFont(14).size("x")[0] > 0
    for _ in range(2):
        pygame.quit()
        pygame.init()
    try:
        box = PPostbox.Inbox(ID="b", position=(50, 20), name="inbox")
        surface = blank((100, 40))
        drawInPasses(surface, box)
        assert any(sum(colour(surface, (x, y))) < 300 for x in range(30, 70)
                   for y in range(10, 30))
    finally:
        pygame.quit()
