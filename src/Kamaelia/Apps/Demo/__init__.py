"""The ``kamaelia demo`` tour: a small real system on loopback, narrated and drawn live.

Example Usage
-------------
::

    $ kamaelia demo                 # 20 s; open the URL it prints to watch it
    $ kamaelia demo --seconds 60    # the same script, slower
    $ kamaelia -v demo              # with debugging detail on standard error

or from Python::

    from Kamaelia.Apps.Demo import runDemo
    runDemo(seconds=4)

How does it work?
-----------------
A chat server (``ServerCore``, a ``Graphline`` per connection, a
``Backplane`` joining them) runs on the loopback address; four scripted
clients (each a ``Pipeline`` around a ``TCPClient``) join, talk and leave
on a timetable; every message is printed as it passes a component, and
the live topology page (``Kamaelia.Util.Topology``) draws the system as it
changes. After the script (20 s by default) every component ends and a
summary is printed. See :mod:`Kamaelia.Apps.Demo.tour`.

Modules
-------
* ``chat`` -- the server side: the chat server's per-connection Graphline, and ChatLog
* ``clients`` -- the scripted clients: Speaker -> TCPClient -> LineSplit -> Listener
* ``narrator`` -- Narrator: one timestamped line per message, counted for the summary
* ``tour`` -- runDemo and the Director: the script, the system, the summary
"""

from Kamaelia.Apps.Demo.tour import SCRIPT, runDemo

__all__ = ["SCRIPT", "runDemo"]
