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
those boxes is reported at once. When activated, the Pipeline activates its
children and then sleeps; it is woken whenever a child ends, and it ends once
all of its children have ended.

Shutdown: the Pipeline does not act on ``producerFinished`` or
``shutdownMicroprocess`` itself. Those arriving on its ``"control"`` go to the
first child, and each child conventionally passes them on out of its
``"signal"`` when it ends, so the chain shuts down in order; whatever the
last child sends on ``"signal"`` leaves through the Pipeline's ``"signal"``.

What it does not do: it does not track components that its children create.
"""

from __future__ import annotations

from typing import Any, Iterator

from Axon.Component import component
from Axon.Ipc import newComponent

__all__ = ["Pipeline", "pipeline"]


class Pipeline(component):
    """Pipeline(*components) -> new Pipeline component

    Arguments:

    - components -- the components to chain together, in order (at least one)
    """

    Inboxes = {"inbox": "passed to the first component's inbox",
               "control": "passed to the first component's control"}
    Outboxes = {"outbox": "from the last component's outbox",
                "signal": "from the last component's signal"}

    def __init__(self, *components: Any, **argd: Any) -> None:
        super().__init__(**argd)
        if not components:
            raise ValueError("Pipeline() needs at least one component")
        for position, candidate in enumerate(components):
            if not isinstance(candidate, component):
                raise TypeError(f"Pipeline argument {position} is not a component: "
                                f"{candidate!r}")
        self.components = list(components)
        for source, sink in zip(self.components, self.components[1:]):
            self.link((source, "outbox"), (sink, "inbox"))
            self.link((source, "signal"), (sink, "control"))
        first, last = self.components[0], self.components[-1]
        self.link((self, "inbox"), (first, "inbox"), passthrough=1)
        self.link((self, "control"), (first, "control"), passthrough=1)
        self.link((last, "outbox"), (self, "outbox"), passthrough=2)
        self.link((last, "signal"), (self, "signal"), passthrough=2)

    def main(self) -> Iterator[Any]:
        self.addChildren(*self.components)
        yield newComponent(*self.components)
        while not self.childrenDone():
            self.pause()
            yield 1

    def childrenDone(self) -> bool:
        """Forget children that have ended; True when none are left."""
        for child in self.childComponents():
            if child._isStopped():
                self.removeChild(child)
        return not self.children


#: Lower-case alias used by some 1.14-era code.
pipeline = Pipeline
