"""Introspector: report the live topology of a Kamaelia system as text.

Example Usage
-------------
Show which components are running::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Util.Console import ConsoleEchoer
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.Introspector import Introspector
    from Kamaelia.Util.PureTransformer import PureTransformer

    def components(text):
        found = [line for line in text.splitlines(True) if line.endswith(" component\\n")]
        return "".join(found) or None

    Pipeline(
        DataSource(["look now"]),              # anything on "inbox": look again
        Introspector(interval=None),           # look at start and when asked
        PureTransformer(components),
        ConsoleEchoer(),
    ).run()    # e.g. ADD NODE "4" "Kamaelia.Chassis.Pipeline.Pipeline_4" randompos component

Feed its output to a topology viewer (1.14's ``AxonVisualiser`` reads this
format, through ``chunks_to_lines`` and ``lines_to_tokenlists``) to watch a
system as it runs, e.g. over TCP as 1.14's introspection examples do
(``Pipeline(Introspector(), PureTransformer(str.encode), TCPClient(host,
port))``).

How does it work?
-----------------
This is :class:`Axon.Introspector.Introspector` under its Kamaelia name (as
in Kamaelia 1.14, where this class is a subclass of that one); see
:mod:`Axon.Introspector` for the format, which is 1.14's byte for byte.
In short: ``DEL ALL`` first, then at each look one string of the changes
since the last look: ``ADD NODE "<id>" "<name>" randompos component``, for
each box ``ADD NODE "(<id>, 'i', '<box>')" "<box>" randompos inbox`` (or
``'o'`` ... ``outbox``) followed by ``ADD LINK "<id>" "<box id>"``, then
``ADD LINK`` between linked boxes; ``DEL LINK`` and ``DEL NODE`` (removals
first) when things go.

``Introspector(interval=0.5)`` looks every ``interval`` seconds, and whenever
anything arrives on ``"inbox"``; with ``interval=None`` only when asked (and
once, one scheduler round after it starts).

Shutdown: on ``producerFinished`` or ``shutdownMicroprocess`` on
``"control"`` it takes one last look (reporting what changed), passes the
message on out of ``"signal"`` and ends. Other messages on ``"control"``
are logged and ignored.

What it does not do: something that appears and disappears between two
looks is never reported; it runs until it is shut down. 1.14's
Introspector looked at every scheduler round, keeping a CPU busy; this one
looks on a timer.
"""

from __future__ import annotations

from Axon.Introspector import Introspector as _AxonIntrospector

__all__ = ["Introspector"]


class Introspector(_AxonIntrospector):
    """Introspector(interval=0.5) -> sends the changes in the system's topology as text

    - interval -- seconds between looks (a number > 0), or None to look only
      when something arrives on "inbox"
    """


__kamaelia_components__ = (Introspector,)
