"""Axon.experimental: parts of Axon whose interface may still change.

* :mod:`Axon.experimental.Process` -- run a component in an OS process of
  its own (``ProcessWrapComponent``), and the 1.14 names of the process
  chassis ``ProcessPipeline`` / ``ProcessGraphline``, whose stable home is
  :mod:`Kamaelia.Chassis.Process`.

Importing this package imports nothing else.
"""

from __future__ import annotations

__all__ = ["Process"]
