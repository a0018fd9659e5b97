"""Fixtures for the Show tests: the UI tests' ``screen`` (each test runs on a private
Xvfb and again on SDL's dummy driver), and folders of slides made here.

``screen``, ``video`` and ``xvfb`` come from ``tests/uiharness.py`` (through
``tests/Kamaelia/conftest.py``), so the Show tests drive windows exactly as
the UI tests do and are checked for leaks the same way.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from slidemaker import COLOURS, makeImageSlides, makePDF


@pytest.fixture
def imageFolder(tmp_path: Path) -> Path:
    """A folder of five 400x300 PNG slides (slide1.png ... slide5.png)."""
    makeImageSlides(tmp_path / "slides", COLOURS)
    return tmp_path / "slides"


@pytest.fixture
def pdfFile(tmp_path: Path) -> Path:
    """A five-page PDF, 400 x 300 points a page."""
    return makePDF(tmp_path / "talk.pdf", COLOURS)
