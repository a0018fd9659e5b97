"""Seq: run components one after another.

Example Usage
-------------
Three sources, one after the other, all printed by the same echoer::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Chassis.Seq import Seq
    from Kamaelia.Util.Console import ConsoleEchoer
    from Kamaelia.Util.DataSource import DataSource

    Pipeline(
        Seq(
            DataSource(["Hello\\n"]),
            DataSource(["How are you?\\n"]),
            DataSource(["Fine, thank you\\n"]),
        ),
        ConsoleEchoer(),
    ).run()

How does it work?
-----------------
``Seq(*components)`` activates the first component and wires it to the
Seq's own boxes: the Seq's ``"inbox"`` passes straight through to the
child's ``"inbox"``, the child's ``"outbox"`` straight through to the Seq's
``"outbox"``, and the child's ``"signal"`` comes to the Seq's private
``"_control"`` inbox. When that child ends, the Seq unwires it and does the
same with the next one. Messages arriving on ``"inbox"`` between two children
wait, and go to the next one. Each component's boxes (``"inbox"``,
``"control"``, ``"outbox"``, ``"signal"``) are checked when the Seq is
built, so a component lacking one is reported then.

After the last component has ended, the Seq sends ``producerFinished(self)``
out of ``"signal"`` and ends.

As in Kamaelia 1.14, a string among the components is printed (to standard
output, with ``print``) when its turn comes, e.g. ``Seq("BEGIN",
OneShot("Hello\\n"), "END")``.

Boxes
-----
Inboxes: ``"inbox"`` (to the current child), ``"control"`` (shutdown and
anything else for the current child), ``"_control"`` (the child's
``"signal"``). Outboxes: ``"outbox"`` (from the current child), ``"signal"``.

Shutdown
--------
On ``producerFinished`` or ``shutdownMicroprocess`` arriving on
``"control"`` it passes that same message to the current child, waits for it
to end (passing on anything else arriving on ``"control"`` meanwhile), does
not start the remaining components, sends the message out of ``"signal"``
and ends. One waiting when no component is running (before the first starts,
or as one ends) stops the Seq before the next starts. Other messages on
``"control"`` are passed to the current child.

Messages it cannot handle, each logged (logger ``Kamaelia.Chassis``): what is
left on ``"inbox"`` when the Seq ends, or arrives on ``"control"`` with no
child to pass it to, is logged as an error and dropped; a child's
``"signal"`` message that is not a shutdown is logged as a warning. A
child's ``producerFinished`` on ``"signal"`` does not make the Seq move on:
it moves on when the child ends.

What it does not do: it does not loop, it does not run components side by
side (see :mod:`Kamaelia.Chassis.PAR`), and it does not track components its
children create.
"""

from __future__ import annotations

from typing import Any, Iterator

from Axon.Component import component
from Axon.Ipc import newComponent
from Kamaelia._shutdown import isShutdown
from Kamaelia.Chassis._wiring import (SwappingChassis, checkArguments, checkComponents,
                                      requireBoxes)

__all__ = ["Seq"]


class Seq(SwappingChassis):
    """Seq(*components) -> new Seq component

    Arguments:

    - components -- the components to run, one after another (at least one);
      a string among them is printed when its turn comes
    """

    Inboxes = {"inbox": "passed to the current component's inbox",
               "control": "passed to the current component; producerFinished or "
                          "shutdownMicroprocess also stops the sequence",
               "_control": "the current component's signal outbox"}
    Outboxes = {"outbox": "from the current component's outbox",
                "signal": "producerFinished after the last component (or the shutdown "
                          "message received)"}

    def __init__(self, *components: Any, **argd: Any) -> None:
        if not components:
            checkArguments("Seq", components)           # raises: none given
        checkComponents("Seq", [(f"argument {n}", c) for n, c in enumerate(components)
                                if not isinstance(c, str)])
        for n, child in enumerate(components):
            if not isinstance(child, str):
                requireBoxes(child, f"Seq argument {n}", self.CHILD_INBOXES,
                             self.CHILD_OUTBOXES)
        super().__init__(**argd)
        #: The components (and strings to print), in order; 1.14 called it ``sequence``.
        self.sequence: tuple[component | str, ...] = tuple(components)
        self.components: list[component] = [c for c in components if not isinstance(c, str)]

    def main(self) -> Iterator[Any]:
        for n, child in enumerate(self.sequence):
            if self._shutdownWaiting():
                break
            if isinstance(child, str):
                print(child)
                continue
            self.plug(child, f"Seq plugging in argument {n}")
            yield newComponent(child)
            yield from self.waitForEnd()
            if self.shutdownMessage is not None:
                break
        self.passControl([])
        self.dropWaiting("inbox", "it arrived after the last component ran")
        self.signalEnd()

    def _shutdownWaiting(self) -> bool:
        """True (and the message taken) if a shutdown waits on "control"."""
        if not any(isShutdown(message) for message in self.inboxes["control"]):
            return False
        self.passControl([])
        return True


__kamaelia_components__ = (Seq,)
