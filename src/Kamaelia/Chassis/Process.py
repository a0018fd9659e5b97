"""Process chassis: Pipeline and Graphline whose children each run in their own process.

Example Usage
-------------
Two CPU-heavy stages on two cores. What runs in a child process must be
importable there (here: functions of the standard library), and the system
is started under ``if __name__ == "__main__":`` because each child
re-imports the main module::

    import zlib
    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Chassis.Process import ProcessPipeline
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.PureTransformer import PureTransformer
    from Kamaelia.Util.Console import ConsoleEchoer

    if __name__ == "__main__":
        Pipeline(
            DataSource([bytes(range(256)) * 4096] * 8),
            ProcessPipeline(
                PureTransformer(zlib.compress),     # in one process ...
                PureTransformer(zlib.crc32),        # ... and this in another
            ),
            PureTransformer(lambda crc: f"{crc:08x}\\n"),   # back in this one
            ConsoleEchoer(),
        ).run()

``kamaelia examples process_pipeline_blocks`` runs a complete program with
stages of its own (``kamaelia examples --show process_pipeline_blocks``
prints it).

The same with any shape::

    ProcessGraphline(
        HASH=Hasher(), PACK=Packer(),
        linkages={("self", "inbox"): ("HASH", "inbox"),
                  ("HASH", "outbox"): ("PACK", "inbox"),
                  ("PACK", "outbox"): ("self", "outbox"),
                  ("self", "control"): ("HASH", "control"),
                  ("HASH", "signal"): ("PACK", "control"),
                  ("PACK", "signal"): ("self", "signal")})

How does it work?
-----------------
``ProcessPipeline(*components)`` is a :class:`~Kamaelia.Chassis.Pipeline.Pipeline`
and ``ProcessGraphline(linkages={...}, **components)`` a
:class:`~Kamaelia.Chassis.Graphline.Graphline` whose children are each
wrapped in an :class:`~Axon.experimental.Process.ProcessWrapComponent`
(children that already are wrappers are used as they are). So they are
wired, started and shut down exactly as those chassis are -- read their
docstrings -- while each child runs in an OS process of its own, with its
own scheduler; messages cross by pickling over pipes, in batches. The
chassis themselves run in the parent. Each link the chassis makes between
two of its children is carried by an OS pipe straight from one child's
process to the other's (made when the children start, at activation), not
relayed by the parent: that saves each message a pickle, an unpickle and
two pipe crossings, and the parent's CPU (two CPU-bound stages on two
cores: 1.39x a ``Pipeline`` relayed, 1.5x direct). The wrappers' links in
the parent stay in place, unused, so wiring, shutdown and the handling of
an ended child are exactly the Pipeline's and Graphline's. See
:mod:`Axon.experimental.Process` for what crosses, how, and what must be
picklable.

Shutdown
--------
As for ``Pipeline`` / ``Graphline``: ``producerFinished`` and
``shutdownMicroprocess`` arriving on ``"control"`` reach the children (in
their processes) and are passed along the chain; the chassis ends when all
its children have ended, by which time every child process has been joined.

When a child process dies (its component raised, or the process was killed
by a signal or exited with a non-zero code), the chassis:

1. logs which component died and how (logger ``Axon.experimental.Process``);
2. sends ``errorInformation(chassis, ProcessDied(...), text)`` out of its
   ``"signal"`` at once, and from then on nothing its children send on
   ``"signal"`` leaves it;
3. sends ``shutdownMicroprocess(chassis)`` to every other running child, and
   terminates those still running ``shutdownTimeout`` seconds later
   (default 5);
4. when all have ended, sends ``shutdownMicroprocess(chassis)`` out of
   ``"signal"`` (so that what follows it, which ends on a shutdown message,
   ends too) and ends.

It never waits forever: each child process is terminated if it has not
exited in time.

What it does not do: it does not restart children, and links made to its
children from outside it (or synchronous, size-limited ones) go through the
parent as before.
"""

from __future__ import annotations

from typing import Any, Mapping

from Axon.Ipc import errorInformation, shutdownMicroprocess
from Axon.experimental.Process import ProcessDied, ProcessWrapComponent, log
from Kamaelia.Chassis._wiring import WiredChassis, checkArguments, checkComponents
from Kamaelia.Chassis.Graphline import Graphline
from Kamaelia.Chassis.Pipeline import Pipeline

__all__ = ["ProcessPipeline", "ProcessGraphline", "ProcessWrapComponent", "ProcessDied"]


def _wrapped(child: Any) -> ProcessWrapComponent:
    return child if isinstance(child, ProcessWrapComponent) else ProcessWrapComponent(child)


class _ProcessChassis(WiredChassis):
    """What the process chassis add to Pipeline / Graphline: handling a child
    process's death (see the module docstring)."""

    #: Seconds the other children get to end after one died, before being terminated.
    shutdownTimeout: float = 5.0
    #: The first child's :class:`ProcessDied`, once one has died.
    failure: ProcessDied | None = None
    _terminator: Any = None

    def _adoptWrappers(self) -> None:
        children = self.childrenToStart()
        for child in children:
            assert isinstance(child, ProcessWrapComponent)
            child._chassis = self
        # Each link between two children goes straight from one child process
        # to the other: no pickle, unpickle and two pipe crossings in this
        # process per message (1.39x -> 1.5x a Pipeline for two CPU-bound
        # stages on two cores; see the module docstring).
        for linkage in list(self.postoffice.linkages):
            source, outbox = linkage.sourcePair()
            sink, inbox = linkage.sinkPair()
            if (linkage.passthrough == 0 and not linkage.synchronous and source is not sink
                    and source in children and sink in children):
                source._routeDirect(outbox, sink, inbox)

    def _childFailed(self, child: ProcessWrapComponent) -> None:
        """Called by a wrapper whose process died (it has logged how)."""
        if self.failure is not None:
            return
        assert child.failure is not None
        self.failure = child.failure
        survivors = [other for other in self.liveChildren() if other is not child]
        log.error("%s: shutting down its %d other component(s) because %s died",
                  self.name, len(survivors), child.wrappedName)
        for linkage in list(self.postoffice.linkages):
            if linkage.sinkPair() == (self, "signal"):
                self.unlink(thelinkage=linkage)
        self.send(errorInformation(self, child.failure, str(child.failure)), "signal")
        for other in survivors:
            self._deliverControl(other, shutdownMicroprocess(self))
        if survivors:
            self._terminator = self.scheduler.callLater(self.shutdownTimeout,
                                                        self._terminateSurvivors)
        # WiredChassis.main sends this out of "signal" once every child has ended.
        self.shutdownMessage = shutdownMicroprocess(self)
        self.sendsOwnSignal = True
        self.unpause()

    def _terminateSurvivors(self) -> None:
        self._terminator = None
        for child in self.liveChildren():
            assert isinstance(child, ProcessWrapComponent)
            log.warning("%s: %s had not ended %gs after being told to shut down; "
                        "terminating it", self.name, child.wrappedName, self.shutdownTimeout)
            child.terminate()

    def _closeDownMicroprocess(self) -> Any:
        if self._terminator is not None:
            self._terminator.cancel()
            self._terminator = None
        return super()._closeDownMicroprocess()


class ProcessPipeline(_ProcessChassis, Pipeline):
    """ProcessPipeline(*components) -> new ProcessPipeline component

    A Pipeline whose children each run in a process of their own.

    Arguments:

    - components -- the components to chain together, in order (at least
      one); each must be picklable (see :mod:`Axon.experimental.Process`)
    """

    def __init__(self, *components: Any, **argd: Any) -> None:
        checked = checkArguments("ProcessPipeline", components)
        super().__init__(*[_wrapped(child) for child in checked], **argd)
        self._adoptWrappers()


class ProcessGraphline(_ProcessChassis, Graphline):
    """ProcessGraphline(linkages={...}, **components) -> new ProcessGraphline component

    A Graphline whose children each run in a process of their own.

    Arguments:

    - linkages   -- as for Graphline: ``(name, outbox)`` -> ``(name, inbox)``,
      ``"self"`` meaning the chassis's own boxes
    - components -- the children, each named by its keyword; each must be
      picklable (see :mod:`Axon.experimental.Process`)
    """

    def __init__(self, linkages: Mapping[tuple[str, str], tuple[str, str]] | None = None,
                 **components: Any) -> None:
        checkComponents("ProcessGraphline", [(f"component {name!r}", value)
                                             for name, value in components.items()])
        super().__init__(linkages, **{name: _wrapped(child)
                                      for name, child in components.items()})
        self._adoptWrappers()
