"""AxonVisualiser: watch a running Axon/Kamaelia system as a live graph.

Example Usage
-------------
A system that draws itself: the Introspector reports the running components,
their boxes and linkages, and the visualiser draws them as they come and go
(close the window to end)::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Util.Introspector import Introspector
    from Kamaelia.Visualisation.Axon.AxonVisualiserServer import (
        AxonVisualiser, text_to_token_lists)

    Pipeline(Introspector(),
             text_to_token_lists(),
             AxonVisualiser(caption="Axon / Kamaelia Visualiser")).run()

Or draw another program: run ``AxonVisualiserServer(serverPort=1500).run()``
here and, in the program to watch, ``Pipeline(Introspector(),
TCPClient("127.0.0.1", 1500)).activate()``.

How does it work?
-----------------
Both are Kamaelia 1.14's prefabs: a topology viewer
(``Kamaelia.Visualisation.PhysicsGraph``) set up for Axon systems, with

- particle types ``"component"`` (``PComponent``), ``"inbox"`` and
  ``"outbox"`` (``PPostbox.Inbox`` / ``PPostbox.Outbox``), the types the
  Introspector names in its ``ADD NODE`` lines;
- ``AxonLaws()`` for the layout, 3 simulation steps per redraw;
- ``ExtraWindowFurniture()``: the logo in the corner.

``AxonVisualiser(**args)`` is the ``TopologyViewer`` itself: send it token
lists (``["ADD", "NODE", id, name, "randompos", "component"]``, ...) on
``"inbox"``, as ``text_to_token_lists()`` makes them from the
Introspector's text. ``AxonVisualiserServer(**args)`` is a
``TopologyViewerServer``: it listens on ``serverPort`` (default 1500) for
TCP clients sending that text, and draws what they send.

Every other keyword argument (``screensize``, ``caption``, ``position``,
``fullscreen``, ``serverPort`` for the server, ...) goes to the viewer as
it is. The viewer's boxes, and what it does on shutdown, are the
``TopologyViewer``'s: close its window, or send ``shutdownMicroprocess`` to
its ``"control"`` inbox, to stop it.

``text_to_token_lists()`` is ``Pipeline(chunks_to_lines(),
lines_to_tokenlists())``: text in (in any chunks), one token list per line
out.

Differences from 1.14
---------------------
``particleTypes`` and ``laws`` given by the caller are replaced by the
visualiser's own, by both functions (1.14's ``AxonVisualiser`` did so and
its server raised ``TypeError``); ``simCyclesPerRedraw`` and
``extraDrawing`` may be given to change the defaults (1.14 raised
``TypeError``).
"""

from __future__ import annotations

from typing import Any

from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.Visualisation.Axon.AxonLaws import AxonLaws
from Kamaelia.Visualisation.Axon.ExtraWindowFurniture import ExtraWindowFurniture
from Kamaelia.Visualisation.Axon.PComponent import PComponent
from Kamaelia.Visualisation.Axon.PPostbox import PPostbox
from Kamaelia.Visualisation.PhysicsGraph.chunks_to_lines import chunks_to_lines
from Kamaelia.Visualisation.PhysicsGraph.lines_to_tokenlists import lines_to_tokenlists
from Kamaelia.Visualisation.PhysicsGraph.TopologyViewer import TopologyViewer as _TopologyViewer
from Kamaelia.Visualisation.PhysicsGraph.TopologyViewerServer import (
    TopologyViewerServer as _TopologyViewerServer)

__all__ = ["AxonVisualiserServer", "AxonVisualiser", "text_to_token_lists", "particleTypes",
           "visualiserArguments"]

#: The Introspector's node types -> the particles that draw them.
particleTypes: dict[str, Any] = {
    "component": PComponent,
    "inbox": PPostbox.Inbox,
    "outbox": PPostbox.Outbox,
}


def visualiserArguments(dictArgs: dict[str, Any], types: dict[str, Any], laws: Any,
                        **defaults: Any) -> dict[str, Any]:
    """The topology viewer's keyword arguments for a specialised visualiser:
    ``dictArgs`` with ``particleTypes`` and ``laws`` replaced by ``types``
    and ``laws``, and ``defaults`` filled in where the caller gave nothing
    (shared with the ER visualiser)."""
    args = {**defaults, **dictArgs}
    args["particleTypes"] = dict(types)
    args["laws"] = laws
    return args


def _axonArguments(dictArgs: dict[str, Any]) -> dict[str, Any]:
    if "extraDrawing" not in dictArgs:
        dictArgs = {**dictArgs, "extraDrawing": ExtraWindowFurniture()}
    return visualiserArguments(dictArgs, particleTypes, AxonLaws(), simCyclesPerRedraw=3)


def AxonVisualiserServer(**dictArgs: Any) -> Any:
    """AxonVisualiserServer(**args) -> new TopologyViewerServer drawing Axon systems

    Listens on ``serverPort`` (default 1500) for TCP clients sending the
    Introspector's text. Keyword arguments are TopologyViewerServer's
    (``particleTypes`` and ``laws`` are the visualiser's own).
    """
    return _TopologyViewerServer(**_axonArguments(dictArgs))


def AxonVisualiser(**dictArgs: Any) -> Any:
    """AxonVisualiser(**args) -> new TopologyViewer drawing Axon systems

    Send it token lists (see ``text_to_token_lists``). Keyword arguments are
    TopologyViewer's (``particleTypes`` and ``laws`` are the visualiser's own).
    """
    return _TopologyViewer(**_axonArguments(dictArgs))


def text_to_token_lists() -> Pipeline:
    """text_to_token_lists() -> Pipeline(chunks_to_lines(), lines_to_tokenlists())

    Text in, in any chunks; one token list per line out.
    """
    return Pipeline(chunks_to_lines(), lines_to_tokenlists())


__kamaelia_prefabs__ = (AxonVisualiserServer, AxonVisualiser)
