"""TopologyViewerServer and TextControlledTopologyViewer: a TopologyViewer fed with lines of text.

Example Usage
-------------
A viewer that draws what clients send it over TCP, on port 1500::

    from Kamaelia.Visualisation.PhysicsGraph.TopologyViewerServer import TopologyViewerServer

    TopologyViewerServer(serverPort=1500).run()

Any client will do, ``telnet 127.0.0.1 1500`` or a Kamaelia one::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Internet.TCPClient import TCPClient
    from Kamaelia.Util.Console import ConsoleReader

    Pipeline(ConsoleReader(), TCPClient("127.0.0.1", 1500)).run()

then type ``DEL ALL``, ``ADD NODE 1 "1st node" randompos -``, ``ADD NODE 2
"2nd node" randompos -``, ``ADD LINK 1 2``, ``DEL NODE 1`` ... To watch a
running Kamaelia system, send it what :mod:`Kamaelia.Util.Introspector`
writes (``Pipeline(Introspector(), TCPClient("127.0.0.1", 1500))``).

Without a network, the same viewer reads text from a Pipeline::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Visualisation.PhysicsGraph.TopologyViewerServer import (
        TextControlledTopologyViewer)

    Pipeline(DataSource([b'ADD NODE a "node a" 300,300 -\\nADD NODE b "node b" 400,300 -\\n',
                         b"ADD LINK a b\\n"]),
             TextControlledTopologyViewer()).run()

How does it work?
-----------------
``TextControlledTopologyViewer(**args)`` is a Pipeline of ``chunks_to_lines``
(text, ``bytes`` or ``str``, into lines), ``lines_to_tokenlists`` (lines into
commands), a ``TopologyViewer(**args)`` and a ``ConsoleEchoer``, which
prints what the viewer sends (``('SELECT', 'NODE', '1')`` when a node is
clicked, ``('ERROR', ...)`` for a bad command).

``TopologyViewerServer(serverPort=1500, **args)`` is the same with a TCP
server at its head: a Pipeline of a Graphline (a ``FastRestartServer`` on
``serverPort``, a ``Backplane`` of its own and a ``SubscribeTo`` that
brings what is published to the Pipeline), ``lines_to_tokenlists``, the
viewer and a ``ConsoleEchoer``. Any number of clients may be connected at
once; for each the server runs ``Users()``, a ``chunks_to_lines`` that
publishes the connection's lines to the backplane, so lines from two
clients never get mixed up. The other keyword arguments go to the
``TopologyViewer``. The Pipeline's ``server`` attribute is the server, whose
``port`` is the port it listens on (useful with ``serverPort=0``: the system
chooses). ``serverHost`` (new) is the address to listen on (default: every
address, as in 1.14).

Shutdown: the viewer's window ends the program, as in 1.14 (closing it,
Escape or ``q`` stops the scheduler; see :mod:`.TopologyViewer`).
``shutdownMicroprocess`` sent to the server Pipeline's ``"control"`` closes
the server and its connections, then the backplane, and is passed down the
Pipeline, ending the viewer (which gives its surface back) and the
``ConsoleEchoer``. ``TextControlledTopologyViewer`` passes
``shutdownMicroprocess`` on to the viewer the same way; ``producerFinished``
(the text has ended) leaves the viewer showing the graph, as in 1.14.

Differences from 1.14: 1.14 made the ``"NODEEVENTS"`` Backplane when the
module was imported (so two servers in one program clashed) and joined every
client's chunks before splitting lines, so two clients sending at once could
garble each other's lines. Here each server has its own backplane and each
connection its own line splitter. ``Users(**peerInfo)`` takes a
``backplane`` keyword naming the backplane (default ``"NODEEVENTS"``).
"""

from __future__ import annotations

import functools
import itertools
from typing import Any

from Kamaelia.Chassis.ConnectedServer import FastRestartServer
from Kamaelia.Chassis.Graphline import Graphline
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.Util.Backplane import Backplane, PublishTo, SubscribeTo
from Kamaelia.Util.Console import ConsoleEchoer
from Kamaelia.Visualisation.PhysicsGraph.TopologyViewer import TopologyViewer
from Kamaelia.Visualisation.PhysicsGraph.chunks_to_lines import chunks_to_lines
from Kamaelia.Visualisation.PhysicsGraph.lines_to_tokenlists import lines_to_tokenlists

__all__ = ["TopologyViewerServer", "TextControlledTopologyViewer", "Users"]

_serverNumbers = itertools.count(1)


class _ServedPipeline(Pipeline):
    """A Pipeline that keeps the server at its head in ``server``."""

    def __init__(self, server: FastRestartServer, *components: Any) -> None:
        super().__init__(*components)
        self.server = server


def Users(backplane: str = "NODEEVENTS", **peerInfo: Any) -> Pipeline:
    """Users(backplane="NODEEVENTS", **peerInfo) -> the protocol for one connection

    A Pipeline of a ``chunks_to_lines`` and a ``PublishTo(backplane)``: the
    connection's text, published as lines. ``peerInfo`` (the client's
    address, from the server) is not used.
    """
    return Pipeline(chunks_to_lines(), PublishTo(backplane))


def TopologyViewerServer(serverPort: int = 1500, serverHost: str | None = None,
                         **dictArgs: Any) -> _ServedPipeline:
    """TopologyViewerServer(serverPort=1500, serverHost=None, **args) -> new Pipeline

    A TopologyViewer drawing the topology commands its TCP clients send.

    - serverPort -- the port to listen on (0: the system chooses; see ``.server.port``)
    - serverHost -- the address to listen on (default: every address)
    - args       -- the TopologyViewer's keyword arguments
    """
    backplane = f"TopologyViewerServer_{next(_serverNumbers)}"
    server = FastRestartServer(protocol=functools.partial(Users, backplane=backplane),
                               port=serverPort, host=serverHost)
    front = Graphline(
        SERVER=server,
        HUB=Backplane(backplane),
        FEED=SubscribeTo(backplane),
        linkages={("self", "control"): ("SERVER", "control"),
                  ("SERVER", "signal"): ("HUB", "control"),
                  ("FEED", "outbox"): ("self", "outbox"),
                  ("FEED", "signal"): ("self", "signal")})
    return _ServedPipeline(server, front, lines_to_tokenlists(), TopologyViewer(**dictArgs),
                           ConsoleEchoer())


def TextControlledTopologyViewer(**dictArgs: Any) -> Pipeline:
    """TextControlledTopologyViewer(**args) -> new Pipeline

    A TopologyViewer drawing the topology commands in the text sent to the
    Pipeline's ``"inbox"`` (bytes or str); ``args`` are the viewer's.
    """
    return Pipeline(chunks_to_lines(), lines_to_tokenlists(), TopologyViewer(**dictArgs),
                    ConsoleEchoer())


__kamaelia_prefabs__ = (TopologyViewerServer, TextControlledTopologyViewer)
