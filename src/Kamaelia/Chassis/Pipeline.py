"""Pipeline: wire components in a chain, like a Unix pipe.

Example Usage
-------------
Read lines typed at the console and echo them back::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Util.Console import ConsoleReader, ConsoleEchoer

    Pipeline(
        ConsoleReader(),
        ConsoleEchoer(),
    ).run()

A Pipeline is a component too, so pipelines nest and can be linked to like
anything else.

How does it work?
-----------------
``Pipeline(*components)`` links, for each pair of neighbours, the first one's
``"outbox"`` to the next one's ``"inbox"`` and its ``"signal"`` to the next
one's ``"control"``. Its own ``"inbox"`` and ``"control"`` pass straight
through to the first child's, and the last child's ``"outbox"`` and
``"signal"`` pass straight through to its own, so a message sent into the
Pipeline reaches the first child in a single step.

The links are made when the Pipeline is built, so a component lacking one of
those boxes is reported at once (and no link is left behind). When
activated, the Pipeline activates its children and then sleeps; it is woken
whenever a child ends, and it ends once all of its children have ended.

Shutdown: the Pipeline does not act on ``producerFinished`` or
``shutdownMicroprocess`` itself. Those arriving on its ``"control"`` go to the
first child, and each child conventionally passes them on out of its
``"signal"`` when it ends, so the chain shuts down in order; whatever the
last child sends on ``"signal"`` leaves through the Pipeline's ``"signal"``.
The Pipeline sends nothing on ``"signal"`` of its own.

When a child ends, the Pipeline at once undoes its links to it. So once the
first child has ended, what arrives on the Pipeline's ``"control"`` is no
longer lost in the dead child's inbox: as in a ``Graphline`` whose control
leads to no child, the Pipeline passes it to the running child(ren) whose
``"control"`` nothing is linked to any more -- the new head of the chain --
so a Pipeline can always be shut down. Data arriving on its ``"inbox"``
after the first child has ended has nowhere to go: each message is logged
as an error (logger ``Kamaelia.Chassis``) and dropped.

``Pipeline(*components, circular=True)`` (a class attribute, as in 1.14,
so a subclass may set it) closes the chain into a ring: the last child's
``"outbox"`` and ``"signal"`` go to the first child's ``"inbox"`` and
``"control"`` instead of to the Pipeline's own ``"outbox"`` and
``"signal"`` -- feedback, e.g. a model and something that changes it. The
Pipeline's ``"inbox"`` and ``"control"`` still lead to the first child.
Nothing leaves through its ``"outbox"``; since no child's ``"signal"`` leads
to its own, a circular Pipeline sends ``producerFinished`` (or the shutdown
message it received) out of ``"signal"`` when all its children have ended,
as a Graphline does (1.14's sent nothing).

What it does not do: it does not track components that its children create,
and it does not re-link the chain around a child that ended in the middle.
"""

from __future__ import annotations

from typing import Any

from Axon.Component import component  # noqa: F401  (1.14 offered it from this module)
from Kamaelia.Chassis._wiring import Wire, WiredChassis, checkArguments

__all__ = ["Pipeline", "pipeline"]


class Pipeline(WiredChassis):
    """Pipeline(*components) -> new Pipeline component

    Arguments:

    - components -- the components to chain together, in order (at least one)
    - circular   -- if true, link the last component back to the first
      (default False)
    """

    circular = False

    Inboxes = {"inbox": "passed to the first component's inbox",
               "control": "passed to the first component's control (to the new first "
                          "one's, once it has ended)"}
    Outboxes = {"outbox": "from the last component's outbox",
                "signal": "from the last component's signal"}

    def __init__(self, *components: Any, **argd: Any) -> None:
        checked = checkArguments("Pipeline", components)
        super().__init__(**argd)
        self.components = checked
        wires: list[Wire] = []
        for n, (source, sink) in enumerate(zip(self.components, self.components[1:])):
            where = f"Pipeline linking argument {n} to argument {n + 1}"
            wires.append(((source, "outbox"), (sink, "inbox"), 0, where))
            wires.append(((source, "signal"), (sink, "control"), 0, where))
        first, last = self.components[0], self.components[-1]
        wires += [
            ((self, "inbox"), (first, "inbox"), 1, "Pipeline linking its inbox to argument 0"),
            ((self, "control"), (first, "control"), 1,
             "Pipeline linking its control to argument 0"),
        ]
        n = len(components) - 1
        if self.circular:
            where = f"Pipeline(circular=True) linking argument {n} to argument 0"
            wires += [((last, "outbox"), (first, "inbox"), 0, where),
                      ((last, "signal"), (first, "control"), 0, where)]
        else:
            wires += [((last, "outbox"), (self, "outbox"), 2,
                       f"Pipeline linking argument {n} to its outbox"),
                      ((last, "signal"), (self, "signal"), 2,
                       f"Pipeline linking argument {n} to its signal")]
        self.wire(wires)


#: Lower-case alias used by some 1.14-era code (1.14 warned that it is
#: deprecated; this one is quiet).
pipeline = Pipeline

__kamaelia_components__ = (Pipeline,)
