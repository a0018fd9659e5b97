"""Kamaelia 1.14's older names for the display service."""

from __future__ import annotations

import importlib
import logging
import sys

import pytest

from Kamaelia.UI.Pygame.Display import PygameDisplay


def test_uipygamedisplay_is_the_same_class_and_says_it_is_old(
        caplog: pytest.LogCaptureFixture) -> None:
    sys.modules.pop("Kamaelia.UI.PygameDisplay", None)
    with caplog.at_level(logging.INFO, logger="Kamaelia.deprecation"):
        module = importlib.import_module("Kamaelia.UI.PygameDisplay")
    assert module.PygameDisplay is PygameDisplay
    assert any("Kamaelia.UI.Pygame.Display" in r.getMessage() for r in caplog.records)


def test_graphicdisplay_names_the_pygame_display() -> None:
    from Kamaelia.UI import GraphicDisplay
    assert GraphicDisplay.PygameDisplay is PygameDisplay
    assert GraphicDisplay.have_pygame and not GraphicDisplay.have_opengl


def test_the_packages_import_nothing_heavy() -> None:
    for name in ("Kamaelia.UI", "Kamaelia.UI.Pygame", "Kamaelia.UI.Tk"):
        module = importlib.import_module(name)
        assert module.__doc__ and "Example Usage" in (module.__doc__ or "") or \
            "Modules" in (module.__doc__ or "")
