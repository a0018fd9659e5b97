"""ER's ExtraWindowFurniture is the Axon visualiser's (1.14's copy crashed without a logo)."""

from __future__ import annotations

from pathlib import Path

import pytest

from Kamaelia.UI.Pygame._pygame import pygame
from Kamaelia.Visualisation.Axon import ExtraWindowFurniture as axon
from Kamaelia.Visualisation.ER.ExtraWindowFurniture import ExtraWindowFurniture


def test_it_is_the_axon_visualisers_logo() -> None:
    assert ExtraWindowFurniture is axon.ExtraWindowFurniture


def test_without_a_logo_file_it_still_draws_a_badge(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    surface = pygame.Surface((100, 100))
    surface.fill((255, 255, 255))
    assert list(ExtraWindowFurniture().render(surface)) == [10]
    assert tuple(surface.get_at((18, 40)))[:3] == axon.BADGE_COLOUR
