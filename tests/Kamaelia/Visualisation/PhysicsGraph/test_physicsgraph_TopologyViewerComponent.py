"""TopologyViewerComponent: 1.14's old name is the TopologyViewer itself."""

from __future__ import annotations

import importlib
import logging

import pytest

from Kamaelia.Visualisation.PhysicsGraph.TopologyViewer import TopologyViewer


def test_the_old_name_is_the_new_class_and_says_so(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO):
        module = importlib.reload(importlib.import_module(
            "Kamaelia.Visualisation.PhysicsGraph.TopologyViewerComponent"))
    assert module.TopologyViewerComponent is TopologyViewer
    assert "Kamaelia.Visualisation.PhysicsGraph.TopologyViewer" in caplog.text
