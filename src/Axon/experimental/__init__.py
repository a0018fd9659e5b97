"""Axon.experimental: parts of Axon whose interface may still change.

* :mod:`Axon.experimental.Process` -- run a component in an OS process of
  its own (``ProcessWrapComponent``), ``ProcessPipelineComponent``, and the
  1.14 names of the process chassis ``ProcessPipeline`` /
  ``ProcessGraphline``, whose stable home is :mod:`Kamaelia.Chassis.Process`.
* :mod:`Axon.experimental._pprocess_support` -- Kamaelia 1.14's
  ``likefile``: blocking ``put``/``get`` access to a component from ordinary
  code, with the scheduler in a background thread.

Importing this package imports nothing else.
"""

from __future__ import annotations

__all__ = ["Process"]
