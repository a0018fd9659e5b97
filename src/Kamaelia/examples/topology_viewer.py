"""A topology viewer server: draw the graph clients send (Kamaelia 1.14's GraphVisualisation/TopologyVisualiser.py).

    python examples/topology_viewer.py                  # listen on port 1500
    python examples/topology_viewer.py --port=1600 --resolution=640x480
    python examples/topology_viewer.py --demo           # a client of its own; clicks; ends

Then connect and type commands (``telnet 127.0.0.1 1500``)::

    ADD NODE greet "Hello there!" auto -
    ADD NODE starter "How are you today?" auto -
    ADD LINK greet starter
    DEL NODE greet
    DEL ALL

or watch a Kamaelia program: add
``Pipeline(Introspector(), PureTransformer(str.encode), TCPClient("127.0.0.1",
1500)).activate()`` to it, with ``particleTypes`` for ``component``,
``inbox`` and ``outbox`` nodes (as ``Kamaelia.Visualisation.Axon`` has).
Drag nodes with the mouse; what the viewer says (a click selects a node) is
printed.

With ``--demo`` the program plays the session of 1.14's README itself, over
TCP on 127.0.0.1, then checks that the four nodes are drawn, clicks the
first (the viewer prints ``('SELECT', 'NODE', 'greet')``) and closes the
window, which ends the program; ``--headless`` draws without a window
(``SDL_VIDEODRIVER=dummy``). Options are read with 1.14's ``parseArgs``.
"""

import os
import sys
from typing import Any

from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.Chassis.Seq import Seq
from Kamaelia.Internet.TCPClient import TCPClient
from Kamaelia.UI.Pygame.autopilot import Autopilot, click, close, report
from Kamaelia.Util.Console import ConsoleEchoer
from Kamaelia.Util.DataSource import DataSource
from Kamaelia.Visualisation.PhysicsGraph import parseArgs
from Kamaelia.Visualisation.PhysicsGraph.RenderingParticle import NODE_COLOUR

EXAMPLE_ARGS = "--demo --headless"
EXAMPLE_STDIN = ""
EXAMPLE_EXPECT = ("drawn: greet starter response1 response2\n"
                  "('SELECT', 'NODE', 'greet')")

# 1.14's README session, with places for the nodes (so that the demo knows
# where to click), frozen there.
PLACES = {"greet": (150, 150), "starter": (400, 150),
          "response1": (250, 400), "response2": (550, 400)}
SESSION = (b'ADD NODE greet "Hello there!" 150,150 -\n'
           b'ADD NODE starter "How are you today?" 400,150 -\n'
           b"ADD LINK greet starter\n"
           b'ADD NODE response1 "Not so good really" 250,400 -\n'
           b'ADD NODE response2 "Quite good, thanks" 550,400 -\n'
           b"ADD LINK starter response1\n"
           b"ADD LINK starter response2\n"
           b"FREEZE ALL\n")


def drawn(window: Any) -> str:
    """Which of the nodes show their colour where they were put."""
    shown = [name for name, (x, y) in PLACES.items()
             if tuple(window.get_at((x, y + 14)))[:3] == NODE_COLOUR]
    return "drawn: " + " ".join(shown) + "\n"


def demonstration(port: int) -> Seq:
    """Send the session, then (once it has been sent) look, click and close."""
    return Seq(Pipeline(DataSource([SESSION]), TCPClient("127.0.0.1", port)),
               Pipeline(Autopilot([report(drawn), click(PLACES["greet"]), close()]),
                        ConsoleEchoer()))


options, optlist, _ = parseArgs(sys.argv[1:], extraLongArgs=["demo", "headless"])
flags = {option for option, _ in optlist}
if "--headless" in flags:
    os.environ["SDL_VIDEODRIVER"] = "dummy"

# Imported after SDL_VIDEODRIVER is settled (the viewer needs pygame).
from Kamaelia.Visualisation.PhysicsGraph.TopologyViewerServer import TopologyViewerServer  # noqa: E402

if "help" in options:
    print(options["help"])
elif "--demo" in flags:
    server = TopologyViewerServer(serverPort=0, serverHost="127.0.0.1", showGrid=False)
    server.activate()
    demonstration(server.server.port).run()
else:
    TopologyViewerServer(**options).run()
