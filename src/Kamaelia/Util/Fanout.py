"""Fanout: copy every message to several named outboxes.

Example Usage
-------------
Send each message out of two outboxes, here both leading to one console::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Util.Console import ConsoleEchoer
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.Fanout import Fanout

    echo = ConsoleEchoer()
    fan = Fanout(["outbox", "again"])
    system = Pipeline(DataSource(["a\\n", "b\\n"]), fan, echo)
    system.link((fan, "again"), (echo, "inbox"))    # an inbox may have many sources
    system.run()                                    # prints a, a, b, b

In a ``Graphline`` each named outbox goes wherever its linkage table says.

How does it work?
-----------------
``Fanout(boxnames)`` has one outbox per name in ``boxnames``, plus
``"outbox"`` and ``"signal"`` (as in 1.14). Every message arriving on
``"inbox"`` is sent out of each named outbox, in the order given, and --
as 1.14 did -- out of ``"outbox"`` too, while ``"outbox"`` leads to an
inbox (an unlinked outbox would hoard a copy of everything). A destination that is a full size-limited inbox
holds Fanout back until it has room; later messages wait in Fanout's
``"inbox"``. Nothing is dropped.

Boxes: ``"inbox"`` takes the messages; ``"control"`` takes shutdown
messages; the named outboxes each get every message; ``"signal"`` passes
the shutdown message on.

Shutdown: on ``producerFinished`` it first sends everything already
waiting (waiting for room if a destination is full), then passes the
message on out of ``"signal"`` (only: not out of the named outboxes) and
ends. ``shutdownMicroprocess`` does the same but does not wait for room:
what a full destination did not get is logged as an error (logger
``Kamaelia.Util.Fanout``). Other messages on ``"control"`` are logged
(logger ``Kamaelia``) and ignored.

What it does not do: it does not copy the messages themselves (every
outbox gets the same object), and it does not send data out of
``"signal"`` (1.14's did, by looping over all its outboxes). ``fanout`` is
1.14's old name for the class.
"""

from __future__ import annotations

from typing import Any, Iterable

from Kamaelia.Util._copying import CopyingComponent

__all__ = ["Fanout", "fanout"]


def _boxnames(boxnames: Any) -> tuple[str, ...]:
    if isinstance(boxnames, (str, bytes)) or not isinstance(boxnames, Iterable):
        raise TypeError(f"Fanout: boxnames must be a list of outbox names, not {boxnames!r}")
    names = tuple(boxnames)
    for name in names:
        if not isinstance(name, str) or not name:
            raise TypeError(f"Fanout: each box name must be a non-empty str, not {name!r}")
        if name == "signal":
            raise ValueError("Fanout: 'signal' is for shutdown messages and cannot be one "
                             f"of boxnames {boxnames!r}")
    if len(set(names)) != len(names):
        raise ValueError(f"Fanout: boxnames has duplicates: {boxnames!r}")
    return names


class Fanout(CopyingComponent):
    """Fanout(boxnames) -> sends every message out of each outbox named in ``boxnames``

    - boxnames -- a list of outbox names (non-empty strs, no duplicates, not "signal")
    """

    Inboxes = {"inbox": "messages to copy to every named outbox",
               "control": "producerFinished or shutdownMicroprocess to end"}
    Outboxes = {"outbox": "a copy of every message, while it leads to an inbox",
                "signal": "the shutdown message, passed on"}

    forwardsControl = False          # only the shutdown message leaves by "signal"

    def __init__(self, boxnames: Iterable[str], **argd: Any) -> None:
        names = _boxnames(boxnames)
        # component.__init__ makes the boxes this instance declares.
        self.Outboxes = dict(Fanout.Outboxes,
                             **{name: "a copy of every message" for name in names})
        super().__init__(**argd)
        self.boxnames = names

    @property
    def dataOutboxes(self) -> tuple[str, ...]:  # type: ignore[override]
        """The named outboxes, and "outbox" while it is linked (and not named)."""
        if "outbox" not in self.boxnames and self.outboxes["outbox"].sink.isInbox:
            return ("outbox",) + self.boxnames
        return self.boxnames


#: 1.14's old name for Fanout.
fanout = Fanout

__kamaelia_components__ = (Fanout,)
