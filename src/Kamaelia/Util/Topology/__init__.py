"""Kamaelia.Util.Topology: the live topology page, a running system drawn in a browser.

Example Usage
-------------
In any program, one line serves the page (here on a port the system
chooses; its address is ``server.url``)::

    from Axon.Introspector import Introspector
    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Util.Clock import CheapAndCheerfulClock
    from Kamaelia.Util.NullSink import nullSinkComponent

    server = Introspector.serve(0)
    print("open", server.url)
    system = Pipeline(CheapAndCheerfulClock(1.0), nullSinkComponent())
    # system.run()      # the page shows the Pipeline, its two stages and their links
    server.close()      # (not run here: give the port back)

From the command line, ``kamaelia inspect`` runs a small demonstration
system (a Pipeline, a Graphline, a TCP echo server with clients talking to
it) with the page served, and prints its address.

How does it work?
-----------------
:class:`~Kamaelia.Util.Topology.server.TopologyServer` takes a snapshot of
the system it runs in every half second, in the scheduler's thread, and
sends what changed to every page over a WebSocket, as JSON; a page that
joins gets everything first. The page (plain JavaScript on a ``<canvas>``,
served from the package; nothing comes from the internet) draws the
components, their linked boxes and the links as a force-directed graph,
with the number of messages waiting in each box; clicking a component shows
its boxes, its class and its docstring. See the modules for the details.

Modules
-------
* ``snapshot`` -- what is running: components, boxes, links, queue lengths, and their changes
* ``server`` -- ``TopologyServer``: the HTTP and WebSocket server of the page
* ``demo`` -- the small system ``kamaelia inspect`` shows
* ``main`` -- the ``kamaelia inspect`` command

The page itself is package data: ``web/topology.html``, ``web/topology.js``
and ``web/topology.css``.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["TopologyServer", "Snapshot", "changes", "takeSnapshot", "wholeGraph"]

# Imported when first used, so that ``kamaelia --help`` (which reads the
# ``inspect`` command's help from ``main``) imports no Axon.
_HOMES = {"TopologyServer": "server", "Snapshot": "snapshot", "changes": "snapshot",
          "takeSnapshot": "snapshot", "wholeGraph": "snapshot"}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{home}"), name)
