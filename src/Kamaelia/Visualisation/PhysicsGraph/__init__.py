"""Kamaelia.Visualisation.PhysicsGraph: draw a changing graph in pygame, laid out by simple physics.

Example Usage
-------------
A viewer that draws the topology commands typed at the console::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Util.Console import ConsoleReader
    from Kamaelia.Visualisation.PhysicsGraph.TopologyViewerServer import (
        TextControlledTopologyViewer)

    Pipeline(ConsoleReader(), TextControlledTopologyViewer()).run()

then type ``ADD NODE 1 "first node" randompos -``, ``ADD NODE 2 second auto -``,
``ADD LINK 1 2``, ``DEL NODE 1`` ... (see :mod:`.TopologyViewer`). A program
that takes 1.14's command-line options::

    import sys
    from Kamaelia.Visualisation.PhysicsGraph import parseArgs
    from Kamaelia.Visualisation.PhysicsGraph.TopologyViewerServer import TopologyViewerServer

    options, _, _ = parseArgs(sys.argv[1:])      # e.g. --port=1500 --resolution=640x480
    if "help" in options:
        print(options["help"])
    else:
        TopologyViewerServer(**options).run()

Modules
-------
* ``TopologyViewer`` -- ``TopologyViewer``: the pygame component that draws the graph
* ``TopologyViewerServer`` -- the viewer fed with lines of text, over TCP or from a Pipeline
* ``TopologyViewerComponent`` -- 1.14's old name for ``TopologyViewer``
* ``RenderingParticle`` -- a node drawn as a labelled disc, with lines to the nodes it links to
* ``ParticleDragger`` -- dragging nodes with the mouse
* ``GridRenderer`` -- the grid drawn behind the graph
* ``chunks_to_lines`` -- ``chunks_to_lines``: chunks of text (bytes or str) into lines
* ``lines_to_tokenlists`` -- ``lines_to_tokenlists``: lines into lists of words, quotes respected

How does it work?
-----------------
Importing the package imports only the particle base class (``BaseParticle``,
which is :class:`Kamaelia.Support.Particles.Particle`, as in 1.14) and
:func:`parseArgs`; the modules that need pygame are imported when used.

``parseArgs(argv, extraShortArgs="", extraLongArgs=())`` reads 1.14's options
(``-h``/``--help``, ``-f``/``--fullscreen``, ``--resolution=WxH`` (also
``W,H`` or ``W-H``), ``--port=N``) with :mod:`getopt` and returns
``(options, optlist, remaining)``: ``options`` holds the keyword arguments
for ``TopologyViewerServer`` (``fullscreen=True``, ``screensize=(W, H)``,
``serverPort=N``) and, after ``--help``, ``"help"`` (the text to print);
``optlist`` is getopt's list of ``(option, value)`` pairs, including those
asked for with ``extraShortArgs`` / ``extraLongArgs``; ``remaining`` is the
arguments that are not options. An unknown option raises
``getopt.GetoptError``; a resolution or port that is not a number raises
``ValueError`` naming the value (1.14 raised ``AttributeError`` for a bad
resolution and let a port of any size through).
"""

from __future__ import annotations

import getopt
import re
from typing import Any, Sequence

from Kamaelia.Support.Particles import Particle as BaseParticle

__all__ = ["parseArgs", "BaseParticle", "HELP"]

#: What ``--help`` puts in ``options["help"]``.
HELP = """\
Arguments:
   -h, --help
      This help message

   -f, --fullscreen
      Full screen mode

   --resolution=WxH
      Set window size to W by H pixels

   --port=N
      Listen on port N (default is 1500)

"""

_RESOLUTION = re.compile(r"([0-9]+)[x,-]([0-9]+)")


def _resolution(text: str) -> tuple[int, int]:
    match = _RESOLUTION.fullmatch(text)
    if match is None:
        raise ValueError(f"--resolution must be WIDTHxHEIGHT (e.g. 800x600), not {text!r}")
    return int(match.group(1)), int(match.group(2))


def _port(text: str) -> int:
    if re.fullmatch("[0-9]{1,5}", text) is None or int(text) > 65535:
        raise ValueError(f"--port must be a port number (0 to 65535), not {text!r}")
    return int(text)


def parseArgs(argv: Sequence[str], extraShortArgs: str = "",
              extraLongArgs: Sequence[str] = ()) -> tuple[dict[str, Any],
                                                         list[tuple[str, str]], list[str]]:
    """parseArgs(argv, extraShortArgs="", extraLongArgs=()) -> (options, optlist, remaining)

    - argv           -- the command-line arguments (without the program's name)
    - extraShortArgs -- more getopt short options to accept (e.g. ``"n:"``)
    - extraLongArgs  -- more getopt long options to accept (e.g. ``["name="]``)
    """
    optlist, remaining = getopt.getopt(list(argv), "fh" + extraShortArgs,
                                       ["help", "fullscreen", "resolution=", "port=",
                                        *extraLongArgs])
    options: dict[str, Any] = {}
    for option, value in optlist:
        if option in ("-h", "--help"):
            options["help"] = HELP
        elif option in ("-f", "--fullscreen"):
            options["fullscreen"] = True
        elif option == "--resolution":
            options["screensize"] = _resolution(value)
        elif option == "--port":
            options["serverPort"] = _port(value)
    return options, optlist, remaining
