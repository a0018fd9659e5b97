"""PAR: run components side by side.

Example Usage
-------------
Two sources at once, their output merged into one echoer::

    from Kamaelia.Chassis.PAR import PAR
    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Util.Console import ConsoleEchoer
    from Kamaelia.Util.DataSource import DataSource

    Pipeline(
        PAR(
            DataSource(["left\\n"]),
            DataSource(["right\\n"]),
        ),
        ConsoleEchoer(),
    ).run()

The name comes from occam's ``PAR`` (and ``Seq`` from its ``SEQ``).

How does it work?
-----------------
``PAR(*components)`` links, when it is built, each child's ``"outbox"``
straight through to the PAR's ``"outbox"`` (so the children's output merges,
each message in one step; an outbox may have many sources), a private
outbox ``"_child<N>_inbox"`` of its own to each child's ``"inbox"``, and each
child's ``"signal"`` to its private ``"_control"`` inbox. When activated it
activates all the children at once.

The PAR reads its own ``"inbox"`` and sends a copy of each message (the same
object: do not change it in place) to every child that is still running,
in order. It ends when all its children have ended, sending the first
``producerFinished`` / ``shutdownMicroprocess`` it received on
``"control"`` -- or, if none came, ``producerFinished(self)`` -- out of
``"signal"``.

Boxes
-----
Inboxes: ``"inbox"`` (copied to every child), ``"control"`` (passed to every
child), ``"_control"`` (the children's ``"signal"``). Outboxes: ``"outbox"``
(every child's output), ``"signal"``, and ``"_child<N>_inbox"`` per child;
``"_co"`` and ``"_cs"`` exist, unused, as in 1.14's class.

Shutdown
--------
Everything arriving on ``"control"`` -- ``producerFinished`` and
``shutdownMicroprocess`` like anything else -- is passed to the
``"control"`` of every child still running, after the waiting ``"inbox"``
messages have been copied to them. The PAR then ends once they all have.

Messages it cannot handle, each logged (logger ``Kamaelia.Chassis``):
messages on ``"inbox"`` or ``"control"`` once no child is running, and a copy
refused by a child's full inbox, are logged as errors and dropped; a child's
``"signal"`` message that is not a shutdown is logged as a warning.

What it does not do: it does not choose between children (every child gets
every message), it does not pass a child's ``"signal"`` on, and it does not
track components its children create.
"""

from __future__ import annotations

from typing import Any, Iterator

from Axon.AxonExceptions import noSpaceInBox
from Axon.Component import component
from Axon.Ipc import newComponent
from Kamaelia.Chassis._wiring import Chassis, Wire, boxDict, checkArguments, log

__all__ = ["PAR"]


class PAR(Chassis):
    """PAR(*components) -> new PAR component

    Arguments:

    - components -- the components to run side by side (at least one)
    """

    Inboxes = {"inbox": "copied to every running component's inbox",
               "control": "passed to every running component's control",
               "_control": "the components' signal outboxes"}
    Outboxes = {"outbox": "from every component's outbox, merged",
                "signal": "once all have ended: the shutdown message received, "
                          "else producerFinished",
                "_co": "not used (1.14 reserved it for policies it never implemented)",
                "_cs": "not used: 1.14 sent control messages to children through it "
                       "(this PAR delivers them directly); free for subclasses"}

    #: 1.14's placeholder for an input policy: declared, never implemented
    #: (1.14 stopped forwarding anything when one was set). Only None works.
    policy = None

    def __init__(self, *components: Any, **argd: Any) -> None:
        checked = checkArguments("PAR", components)
        feeds = [f"_child{n}_inbox" for n in range(len(checked))]
        self.Outboxes = boxDict(type(self).Outboxes)
        for n, feed in enumerate(feeds):
            self.Outboxes[feed] = f"copies of inbox messages for argument {n}"
        super().__init__(**argd)
        if self.policy is not None:
            log.warning("%s: policy=%r ignored: PAR has only its default policy (as in "
                        "Kamaelia 1.14, where policies were never implemented)",
                        self.name, self.policy)
        self.components: list[component] = checked
        self._feeds: dict[component, str] = dict(zip(checked, feeds))
        wires: list[Wire] = []
        for n, (child, feed) in enumerate(self._feeds.items()):
            where = f"PAR linking argument {n}"
            wires += [((child, "outbox"), (self, "outbox"), 2, where),
                      ((self, feed), (child, "inbox"), 0, where),
                      ((child, "signal"), (self, "_control"), 0, where)]
        self.wire(wires)

    def main(self) -> Iterator[Any]:
        self.adopt(*self.components)
        yield newComponent(*self.components)
        while not self.childrenDone():
            live = self.liveChildren()
            self._copyInbox(live)
            self.passControl(live)
            self.takeChildSignals()
            self.pause()
            yield 1
        self.takeChildSignals()
        self.passControl([])
        self.dropWaiting("inbox", "it arrived after all the components had ended")
        self.signalEnd()

    def _copyInbox(self, live: list[component]) -> None:
        if not live:
            return          # all ended; main() reports what is left
        for message in self.Inbox("inbox"):
            for child in live:
                try:
                    self.send(message, self._feeds[child])
                except noSpaceInBox:
                    log.error("%s: the inbox of %s is full, so it was not given %r",
                              self.name, child.name, message)


__kamaelia_components__ = (PAR,)
