"""Axon.experimental: parts of Axon whose interface may still change.

Modules
-------
* ``Process`` -- components as OS processes: ``ProcessWrapComponent`` (one
  component in a process of its own), ``ProcessPipelineComponent``, and the
  1.14 names of the process chassis ``ProcessPipeline`` /
  ``ProcessGraphline``, whose stable home is :mod:`Kamaelia.Chassis.Process`

The private ``_pprocess_support`` holds Kamaelia 1.14's ``likefile``
(blocking ``put``/``get`` access to a component from ordinary code, with the
scheduler in a background thread); ``_pipes`` the batched pipes between
processes.

Importing this package imports nothing else.
"""

from __future__ import annotations

__all__ = ["Process"]
