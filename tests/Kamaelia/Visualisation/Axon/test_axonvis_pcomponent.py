"""PComponent: 1.14's helpers (abbreviate, acronym), colours, and how a component is drawn."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from Kamaelia.UI.Pygame._pygame import pygame
from Kamaelia.Visualisation.Axon.PComponent import (PComponent, abbreviate, acronym, colours,
                                                    hueFor)
from Kamaelia.Visualisation.Axon.PPostbox import PPostbox, drawInPasses

WHITE, GREY = (255, 255, 255), (192, 192, 192)
SRC = Path(__file__).resolve().parents[4] / "src"


def drawn(*things: Any) -> Any:
    surface = pygame.Surface((600, 300))
    surface.fill(WHITE)
    drawInPasses(surface, *things)
    return surface


def colour(surface: Any, pos: tuple[int, int]) -> tuple[int, int, int]:
    return tuple(surface.get_at(pos))[:3]


# ------------------------------------------------------------ the helpers

@pytest.mark.parametrize("name,short", [
    ("Kamaelia.Chassis.Pipeline.Pipeline_7", "Pipeline_7"),
    ("__main__.Printer_5", "Printer_5"),
    ("plain", "plain"),
    ("trailing.", ""),
    ("", ""),
])
def test_abbreviate_keeps_the_last_dotted_term(name: str, short: str) -> None:
    assert abbreviate(name) == short


@pytest.mark.parametrize("name,letters", [
    ("Kamaelia.Util.Console.ConsoleEchoer_5", "K.U.C.CE_"),
    ("__main__.Printer_5", "__M__.P_"),
    ("hello world", "HW"),
    ("x2y", "XY"),                      # digits are left out, but start a new word
    ("ABC", "ABC"),
    ("camelCaseName", "CCN"),
    ("", ""),
    ("123", ""),
])
def test_acronym_keeps_capitals_word_starts_underscores_and_dots(name: str,
                                                                 letters: str) -> None:
    assert acronym(name) == letters


def test_hueFor_mixes_the_first_letters_colour_with_the_whole_acronyms() -> None:
    for name in ["A", "Kamaelia.Util.Console.ConsoleEchoer_5", "x", "Pipeline", "ab cd"]:
        hue = hueFor(name)
        assert hueFor(name) == hue
        if len(acronym(name)) == 1:
            assert hue in colours
        else:
            assert any(hue == tuple((a + b) // 2 for a, b in zip(first, other))
                       for first in colours for other in colours)
    assert hueFor("123") == colours[0]          # no acronym: 1.14 crashed here


def test_colours_are_the_same_in_every_run() -> None:
    # 1.14 used Python's string hash, which differs from run to run.
    code = ("from Kamaelia.Visualisation.Axon.PComponent import hueFor;"
            "print(hueFor('Kamaelia.Chassis.Graphline.Graphline_12'))")
    seen = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(SRC)}
        seen.add(subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                                text=True, check=True, timeout=30).stdout)
    assert seen == {f"{hueFor('Kamaelia.Chassis.Graphline.Graphline_12')}\n"}


# ------------------------------------------------------------ the particle

def test_a_component_particle_knows_its_names_and_colours() -> None:
    comp = PComponent(ID="7", position=(100, 80), name="Kamaelia.Chassis.Pipeline.Pipeline_7")
    assert (comp.ID, list(comp.pos), comp.ptype, comp.radius) == ("7", [100, 80], "component", 32)
    assert (comp.name, comp.shortname) == ("Kamaelia.Chassis.Pipeline.Pipeline_7", "Pipeline_7")
    assert comp.colour == hueFor(comp.name)
    assert comp.bordercolour == tuple(int(c * 0.75) for c in comp.colour)


def test_it_is_drawn_as_a_hexagon_in_its_colour_with_its_short_name() -> None:
    comp = PComponent(ID="7", position=(200, 150), name="Kamaelia.Chassis.Pipeline.Pipeline_7")
    surface = drawn(comp)
    assert colour(surface, (200, 150 + 18)) == comp.colour            # the fill
    assert colour(surface, (200, 150 + 26)) == comp.bordercolour      # the border
    assert colour(surface, (200, 150 + 30)) == WHITE                  # outside it
    assert colour(surface, (200 + 31, 150)) != WHITE                  # its corner...
    assert colour(surface, (200 + 10, 150 - 26)) != WHITE             # ...and top edge
    label = comp.slabel.get_rect(center=(200, 150))
    assert any(sum(colour(surface, (x, y))) < 200 for x in range(label.left, label.right)
               for y in range(label.top, label.bottom))               # the name


def test_its_bonds_are_grey_lines_under_the_hexagon() -> None:
    comp = PComponent(ID="7", position=(100, 150), name="Thing")
    box = PPostbox.Inbox(ID="box", position=(300, 150), name="inbox")
    comp.makeBond({"box": box}, "box")
    surface = drawn(comp, box)
    assert colour(surface, (200, 150)) == GREY
    assert colour(surface, (100 + 18, 150)) != GREY                  # the hexagon is on top


def test_a_selected_component_is_blue_bordered_red_and_describes_itself() -> None:
    comp = PComponent(ID="7", position=(200, 150), name="Kamaelia.Chassis.Pipeline.Pipeline_7")
    comp.select()
    surface = drawn(comp)
    assert colour(surface, (200, 168)) == (160, 160, 255)
    assert colour(surface, (200, 176)) == (224, 0, 0)
    width, height = comp.desclabel.get_size()
    assert width > 200                  # "Component Pipeline_7 : Kamaelia.Chassis..."
    assert any(sum(colour(surface, (x, y))) < 200 for x in range(72, 72 + width)
               for y in range(16, 16 + height))
    comp.deselect()
    surface = drawn(comp)
    assert colour(surface, (200, 168)) == comp.colour
    assert all(colour(surface, (x, 20)) == WHITE for x in range(72, 72 + width))


def test_setOffset_moves_it_and_set_label_renames_it() -> None:
    comp = PComponent(ID="7", position=(250, 200), name="a.First")
    comp.setOffset((50, 50))
    surface = drawn(comp)
    assert colour(surface, (200, 168)) == comp.colour
    comp.set_label("b.SecondName")
    assert (comp.name, comp.shortname, comp.colour) == ("b.SecondName", "SecondName",
                                                        hueFor("b.SecondName"))


def test_a_name_without_letters_is_drawn_in_the_first_colour() -> None:
    comp = PComponent(ID="1", position=(200, 150), name="1234")
    assert colour(drawn(comp), (200, 168)) == colours[0]
