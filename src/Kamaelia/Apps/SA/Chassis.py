"""TTL: give a component a time to live, then shut it down, firmly if need be.

Example Usage
-------------
Let a chatty component run for a second::

    from Axon.Component import component
    from Kamaelia.Apps.SA.Chassis import TTL

    class Chatty(component):
        def main(self):
            while not self.dataReady("control"):
                print("hello")
                self.pause(0.3)
                yield 1
            print("told to stop with", type(self.recv("control")).__name__)

    TTL(Chatty(), 1).run()     # hello (4 times), then: told to stop with producerFinished

How does it work?
-----------------
``TTL(comp, delay)`` wraps ``comp``: it has the same public boxes as the
component it wraps (those whose names do not start with ``_``), linked
straight through to it, so it can stand in for ``comp`` in a ``Pipeline``
or a ``Graphline``. When activated it starts ``comp`` and a
:class:`~Kamaelia.Apps.SA.Time.SingleTick` timer of ``delay`` seconds.

If ``comp`` ends first, the timer is disarmed and the TTL ends. When the
timer goes off first, the TTL asks ``comp`` to stop with more and more
force, giving it two scheduler turns after each message (as 1.14 did):
``producerFinished``, then ``shutdownMicroprocess``, then ``serverShutdown``,
then ``shutdown``, each sent to ``comp``'s ``"control"`` inbox. If ``comp``
is still running after all that (or has no ``"control"`` inbox), the TTL
stops it with ``comp.stop()`` and sends ``shutdownMicroprocess`` out of its
own ``"signal"`` outbox (when it has one), since ``comp`` never said it had
ended. What ``comp`` itself sends out of ``"signal"`` passes through the
TTL's ``"signal"`` as usual.

Messages sent to the TTL's ``"control"`` inbox go straight to ``comp``'s
(the boxes are linked through), so the usual shutdown messages end ``comp``
and then the TTL.

The TTL's own private boxes: ``"_trigger"`` (the timer's tick), and the
outboxes ``"_disarm"`` (to the timer) and ``"_sigkill"`` (to ``comp``'s
``"control"``). 1.14 added the wrapped component's box names to the
``TTL`` class itself, so every later TTL had them too; ours adds them to
that one TTL only.
"""

from __future__ import annotations

from typing import Any, Iterator

from Axon.Component import component
from Axon.Ipc import producerFinished, shutdown, shutdownMicroprocess
from Kamaelia.Apps.SA.Time import SingleTick
from Kamaelia.IPC import serverShutdown

__all__ = ["TTL"]


def _publicBoxes(declared: Any, actual: dict[str, Any]) -> dict[str, str]:
    """The child's box names not starting with "_", with its descriptions if any."""
    descriptions = declared if isinstance(declared, dict) else {}
    return {name: str(descriptions.get(name, "")) for name in actual
            if not name.startswith("_")}


class TTL(component):
    """TTL(comp, delay) -> component that runs comp and shuts it down after delay seconds

    - comp  -- the component to wrap (not yet activated)
    - delay -- its time to live, in seconds
    """

    Inboxes = {"_trigger": "the timer's tick (True): time to shut the wrapped component down"}
    Outboxes = {"_sigkill": "linked to the wrapped component's control inbox",
                "_disarm": "stops the timer early"}

    def __init__(self, comp: component, delay: float) -> None:
        if not isinstance(comp, component):
            raise TypeError(f"TTL: comp must be a component, not {comp!r}")
        self.child = comp
        # Per-instance box declarations: the TTL mirrors this child's public boxes.
        self.Inboxes = {**type(self).Inboxes, **_publicBoxes(comp.Inboxes, comp.inboxes)}
        self.Outboxes = {**type(self).Outboxes, **_publicBoxes(comp.Outboxes, comp.outboxes)}
        super().__init__()
        self.delay = delay
        self.timebomb = SingleTick(delay=delay, check_interval=1)
        self.link((self.timebomb, "outbox"), (self, "_trigger"))
        self.link((self, "_disarm"), (self.timebomb, "control"))
        self.nochildcontrol = "control" not in comp.inboxes
        if not self.nochildcontrol:
            self.link((self, "_sigkill"), (comp, "control"))
        for name in self.inboxes:
            if not name.startswith("_"):
                self.link((self, name), (comp, name), passthrough=1)
        for name in self.outboxes:
            if not name.startswith("_"):
                self.link((comp, name), (self, name), passthrough=2)
        self.addChildren(comp)

    def main(self) -> Iterator[Any]:
        for started in (self.timebomb, self.child):
            if started._runstate.step is None:        # not activated yet
                started.activate()
        yield 1
        while not self.child._isStopped() and not self._triggered():
            self.pause()
            yield 1
        if not self.timebomb._isStopped():
            self.send(producerFinished(), "_disarm")

        for message in (producerFinished(), shutdownMicroprocess(), serverShutdown(),
                        shutdown()):
            if self.child._isStopped():
                break
            if not self.nochildcontrol:
                self.send(message, "_sigkill")
            yield 1
            yield 1

        self.removeChild(self.child)
        yield 1
        if not self.child._isStopped():
            self.child.stop()
            yield 1
            if "signal" in self.outboxes:
                self.send(shutdownMicroprocess(), "signal")
                yield 1

    def _triggered(self) -> bool:
        """True once the timer's tick (``True``) has arrived on "_trigger"."""
        while self.dataReady("_trigger"):
            if self.recv("_trigger") is True:
                return True
        return False


__kamaelia_components__ = (TTL,)
