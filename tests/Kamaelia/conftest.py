"""Fixtures for the Kamaelia tests that open windows (see ``tests/uiharness.py``).

Registered here, the common parent of ``UI`` and ``Apps``, so one Xvfb
serves the whole session.
"""

from uiharness import screen, video, xvfb

__all__ = ["screen", "video", "xvfb"]      # (pytest fixtures, used by name)
