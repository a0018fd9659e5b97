"""Components as processes: run a component in an OS process of its own.

Example Usage
-------------
Wrap a component and use the wrapper wherever the component would have gone;
its work then runs on another core. (The stage lives in an importable
module, here the standard library's, because the child process re-imports
it: see "What it needs" below)::

    import zlib
    from Axon.experimental.Process import ProcessWrapComponent
    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.PureTransformer import PureTransformer
    from Kamaelia.Util.Console import ConsoleEchoer

    if __name__ == "__main__":
        Pipeline(
            DataSource([b"spam" * 1000, b"eggs" * 1000]),
            ProcessWrapComponent(PureTransformer(zlib.compress)),   # another process
            PureTransformer(lambda block: f"{len(block)} bytes\\n"),
            ConsoleEchoer(),
        ).run()

``ProcessPipeline(*components)`` and ``ProcessGraphline(linkages={...},
**components)`` wire every child this way; they are Kamaelia chassis, whose
stable home is :mod:`Kamaelia.Chassis.Process`. This module re-exports them
under their Kamaelia 1.14 names (see "Why the chassis live in Kamaelia").
:class:`ProcessPipelineComponent` is 1.14's component form of the same
pipeline, defined here.

``wrapper.run(channel)`` is the other side, as in 1.14: given one end of a
``multiprocessing.Pipe`` it runs the wrapped component in the calling
process, talking to the wrapper that holds the other end; the child
process started by an activated wrapper does just that. (``run()`` without
a channel runs the wrapper like any component.)

How does it work?
-----------------
``ProcessWrapComponent(component)`` pickles ``component`` at once (so a
component that cannot run elsewhere is refused at the door) and becomes a
stand-in with the same inboxes and outboxes. When the wrapper is activated
it starts a process (``forkserver`` on Linux, ``spawn`` elsewhere: never a
bare ``fork``, which is unsafe while the parent has threads) joined to it by
a duplex ``multiprocessing.Pipe``. The child process makes its own
scheduler, unpickles the component, links it to a small *bridge* component
(the bridge's outboxes feed the component's inboxes of the same names, and
the other way round) and runs until the component ends.

Both ends of the pipe then do the same thing. Each turn, every message
waiting in the wrapper's inboxes crosses as **one pickled batch**: a list of
``(box name, [messages])``, ``"control"`` last so that a shutdown never
overtakes data sent before it. On the other side each message is sent out of
the box of the same name, in order. Neither end ever blocks on the pipe: the
parent's scheduler watches its end (``addReader``) and wakes the wrapper when
something arrives; what cannot be written at once waits and is written when
the pipe has room (``addWriter``). While a lot (256 KB) is waiting to be
written, the wrapper leaves messages in its inboxes, so a size-limited inbox
pushes back on its producer; when a receiving inbox is full, that end stops
reading the pipe until there is room, which pushes back across the boundary.

Messages are pickled; a component inside one (the ``caller`` of a
``producerFinished``, say) crosses as a :class:`RemoteComponent` stand-in
with its name, not as a copy (it turns back into the real component if it
comes home).

Shutdown
--------
Shutdown messages cross like any other: a ``producerFinished`` or
``shutdownMicroprocess`` sent to the wrapper's ``"control"`` reaches the
component, and what it passes on out of ``"signal"`` leaves the wrapper's
``"signal"``. When the component ends, the child ships what it sent, stops
anything the component left running and exits; the wrapper ends once the
process has exited and been joined. If the wrapper is closed down before
that (``stop()``, the scheduler stopping, Ctrl-C), it closes the pipe, which
ends the child, and terminates a child that does not end within half a
second. Child processes ignore Ctrl-C: the parent decides.

Failures
--------
* **A message that cannot be pickled** is reported where it is sent across:
  logged as an error (logger ``Axon.experimental.Process``) naming the
  component, the box and the message's type, and dropped; the rest of its
  batch goes through, in order. It is logged rather than raised because the
  component that sent it has moved on by then (``send`` only appended it to
  a box); a message the *child* cannot pickle is logged the same way, in
  the parent. A message that pickles but cannot be unpickled on the other
  side (its class cannot be imported there) loses the batch it travelled
  in; that is logged too.
* **The child dies** (its component raised, it was killed by a signal, even
  ``kill -9``, or it exited with a non-zero code): the wrapper sees the pipe
  close, logs which component died and how (the exception and its
  traceback, or the signal's name, or the exit code), sends
  ``errorInformation(wrapper, ProcessDied(...), text)`` out of ``"signal"``
  followed by ``shutdownMicroprocess(wrapper)`` (so that a successor, which
  ends on a shutdown message, ends too), logs how many messages it was
  still holding, and ends. Inside a process chassis the chassis does the
  signalling instead, once, for the whole chassis.
* A process that closes its pipe but does not exit within ``exitTimeout``
  seconds (default 5) is terminated.

What it needs
-------------
The component, and every message, must be picklable, and their classes
importable in the child: define components in a module, not in a function
or an interactive session (a script's ``__main__`` works, if what starts the
system is under ``if __name__ == "__main__":``). A ``threadedcomponent``
cannot be pickled (it holds threading events).

What it does not do: the original component object stays in this process,
untouched and unused (the child gets a copy); changes made to it after the
wrapper was built are not seen. Child processes are daemonic, so a
component running in one cannot itself start processes (so process
chassis do not nest). Messages between two wrapped components travel
through the parent (two pipe crossings).

Why the chassis live in Kamaelia
--------------------------------
``ProcessPipeline`` and ``ProcessGraphline`` are ``Pipeline`` and
``Graphline`` with wrapped children, and Axon (the core) depends on the
standard library only, never on Kamaelia. So they are defined in
:mod:`Kamaelia.Chassis.Process`, and this module hands them out on first use
(``from Axon.experimental.Process import ProcessPipeline`` works as in 1.14).
"""

from __future__ import annotations

import importlib
import logging
import os
import pickle
import sys
import time
import traceback
from collections import deque
from typing import Any, Iterator, Mapping

from Axon.AxonExceptions import noSpaceInBox
from Axon.Component import component
from Axon.Ipc import errorInformation, newComponent, shutdownMicroprocess
from Axon.Scheduler import scheduler
from Axon.experimental._pipes import (HIGH_WATER, PipeChannel, ProcessDied, RemoteComponent,
                                      awaitExit, describeExit, dumps, ignoreInterrupts,
                                      processContext, reap, roughSize, typeName)

__all__ = ["ProcessWrapComponent", "ProcessPipelineComponent", "ProcessPipeline",
           "ProcessGraphline", "ProcessDied", "RemoteComponent"]

log = logging.getLogger("Axon.experimental.Process")

#: Names this module hands out from Kamaelia.Chassis.Process (see the docstring).
_CHASSIS = ("ProcessPipeline", "ProcessGraphline")


def __getattr__(name: str) -> Any:
    if name in _CHASSIS:
        return getattr(importlib.import_module("Kamaelia.Chassis.Process"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _boxDescriptions(declared: Any, names: Any, fallback: str) -> dict[str, str]:
    """Descriptions for box ``names``, taken from ``declared`` (dict or list) where given."""
    described = declared if isinstance(declared, Mapping) else {}
    return {name: described.get(name) or fallback for name in names}


class _PipeEnd(component):
    """What both ends of a process boundary do: carry the messages waiting in
    the inboxes across the pipe, and send what arrives out of the outboxes of
    the same names."""

    #: Shipped last in each batch, so that shutdowns never overtake data.
    LAST_BOX = "control"

    channel: PipeChannel | None = None

    def _beginPiping(self, conn: Any) -> None:
        self.channel = PipeChannel(conn, self)
        self._arrived: deque[tuple[str, Any]] = deque()   # held back by a full inbox
        names = [name for name in self.inboxes if name != self.LAST_BOX]
        self._shipOrder = names + ([self.LAST_BOX] if self.LAST_BOX in self.inboxes else [])
        self.channel.start(self.scheduler)

    # ---------------------------------------------------------- outgoing
    def _ship(self) -> bool:
        """Send what waits in our inboxes across, as one batch of at most about
        HIGH_WATER bytes; True if more is waiting that could go at once."""
        channel = self.channel
        if channel is None or channel.closedByPeer or channel.backlog > HIGH_WATER:
            return False        # woken again when the pipe has room
        batch = []
        budget = HIGH_WATER     # small batches of big messages keep stages overlapping
        for name in self._shipOrder:
            if not self.dataReady(name):
                continue
            taken = []
            for message in self.Inbox(name):
                taken.append(message)
                budget -= roughSize(message)
                if budget <= 0:
                    break
            batch.append((name, taken))
            if budget <= 0:
                break
        if batch:
            self._sendBatch(batch)
        return budget <= 0 and self.anyReady()

    def _sendBatch(self, batch: list[tuple[str, list[Any]]]) -> None:
        assert self.channel is not None
        try:
            self.channel.send(("data", batch))
            return
        except Exception:   # noqa: BLE001 - pickling raises many kinds; found below
            pass
        kept = []
        for name, messages in batch:
            good = []
            for message in messages:
                try:
                    dumps(message)
                except Exception as exc:  # noqa: BLE001
                    self._report(self._unpicklable(name, message, exc))
                else:
                    good.append(message)
            if good:
                kept.append((name, good))
        if kept:
            self.channel.send(("data", kept))

    def _unpicklable(self, boxname: str, message: Any, exc: Exception) -> str:
        raise NotImplementedError

    def _report(self, text: str) -> None:
        log.error("%s", text)

    # ---------------------------------------------------------- incoming
    def _passOnArrivals(self) -> bool:
        """Send what arrived out of our outboxes: what was held back, then one
        more batch. True if more batches are waiting (call again next turn)."""
        channel = self.channel
        if channel is None:
            return False
        arrived = self._arrived
        send = self.send
        while arrived:
            name, message = arrived[0]
            try:
                send(message, name)
            except noSpaceInBox:
                channel.pauseReading()      # woken when the inbox has room
                return False
            arrived.popleft()
        while True:
            try:
                frame = channel.nextObject()
            except Exception as exc:  # noqa: BLE001 - whatever unpickling raised
                self._report(f"{self._where()}: could not unpickle a batch of messages "
                             f"({type(exc).__name__}: {exc}); the batch was lost")
                continue
            if frame is None:
                return False
            kind, payload = frame
            if kind == "data":
                # One batch per turn, so that the component gets to work on it
                # (and send results on) before the next one lands.
                self._deliverBatch(payload)
                return not arrived and channel.decoder.hasFrame()
            self._special(kind, payload)

    @property
    def _heldBack(self) -> bool:
        return bool(self._arrived)

    def _deliverBatch(self, batch: list[tuple[str, list[Any]]]) -> None:
        send = self.send
        for position, (name, messages) in enumerate(batch):
            sent = 0
            try:
                for message in messages:
                    send(message, name)
                    sent += 1
            except noSpaceInBox:
                self._arrived.extend((name, message) for message in messages[sent:])
                self._arrived.extend((later, message) for later, rest in batch[position + 1:]
                                     for message in rest)
                return

    def _special(self, kind: str, payload: Any) -> None:
        log.error("%s: unexpected %r frame from the other process", self._where(), kind)

    def _where(self) -> str:
        return self.name


# ------------------------------------------------------------ parent side
class ProcessWrapComponent(_PipeEnd):
    """ProcessWrapComponent(somecomponent) -> runs ``somecomponent`` in a process of its own

    Arguments:

    - somecomponent -- a component (not activated, not linked to anything)
      that, with its messages, can be pickled

    The wrapper has the component's inboxes and outboxes. Attributes:
    ``pid`` (the child's process id once started), ``failure`` (a
    :class:`ProcessDied` if the child died, else ``None``), ``exitTimeout``.
    """

    #: Seconds a child that has closed its pipe may take to exit before it is terminated.
    exitTimeout: float = 5.0

    def __init__(self, somecomponent: Any, **argd: Any) -> None:
        payload = self._check(somecomponent)
        self.Inboxes = _boxDescriptions(type(somecomponent).Inboxes, somecomponent.inboxes,
                                        "passed to the component in the child process")
        self.Outboxes = _boxDescriptions(type(somecomponent).Outboxes, somecomponent.outboxes,
                                         "from the component in the child process")
        super().__init__(**argd)
        self.wrappedName: str = somecomponent.name
        self.tick = time.monotonic()
        self.pid: int | None = None
        self.failure: ProcessDied | None = None
        self._payload: bytes | None = payload
        self._process: Any = None
        self._failedInChild: tuple[str, str] | None = None
        self._terminated = False
        #: The process chassis this wrapper belongs to (it signals failures).
        self._chassis: Any = None

    @staticmethod
    def _check(candidate: Any) -> bytes:
        if not isinstance(candidate, component):
            hint = ""
            if isinstance(candidate, type) and issubclass(candidate, component):
                hint = f" (a class: did you mean {candidate.__name__}()?)"
            raise TypeError(f"ProcessWrapComponent needs a component, not {candidate!r}{hint}")
        if candidate._runstate.step is not None:
            raise ValueError(f"ProcessWrapComponent needs a component that has not been "
                             f"activated; {candidate.name} has")
        for boxes in (candidate.inboxes, candidate.outboxes):
            for box in boxes.values():
                if box.target is not None or box.sources:
                    raise ValueError(f"ProcessWrapComponent needs a component that is not "
                                     f"linked to anything; {box.describe()} is")
        try:
            return pickle.dumps(candidate, pickle.HIGHEST_PROTOCOL)
        except Exception as exc:
            raise TypeError(f"ProcessWrapComponent cannot run {candidate.name} in another "
                            f"process: it cannot be pickled ({type(exc).__name__}: {exc})"
                            ) from exc

    # ------------------------------------------------------------- running
    def main(self) -> Iterator[Any]:
        try:
            self._start()
        except Exception as exc:  # noqa: BLE001 - e.g. out of file descriptors
            self._release()
            self._died(f"could not be started ({type(exc).__name__}: {exc})", None)
            return
        try:
            assert self.channel is not None
            while True:
                more = self._ship()
                more |= self._passOnArrivals()
                if self.channel.eof and not self._heldBack:
                    break
                if not more:
                    self.pause()
                yield 1
            self.channel.close()
            process, self._process = self._process, None
            exitcode = yield from awaitExit(self, process, self.exitTimeout)
            self._ended(exitcode)
        finally:
            self._release()

    def run(self, channel: Any = None) -> None:
        """Without ``channel``: activate and run the scheduler, as for any
        component (the child process is started as usual).

        With ``channel`` (one end of a ``multiprocessing.Pipe``): be the other
        process, as 1.14's ``run(channel)`` was -- run the wrapped component
        here, on a fresh default scheduler, exchanging its messages over
        ``channel`` with the wrapper holding the other end, until it ends.
        An exception it raises propagates (after being reported over the
        channel).
        """
        if channel is None:
            super().run()
            return
        if self._payload is None:
            raise RuntimeError(f"{self.name} has already handed its component to a process")
        payload, self._payload = self._payload, None
        _serve(channel, payload)

    def ticking(self) -> bool:
        """True (and the clock reset) if a second has passed since the last tick.

        1.14's wrapper called this on each turn to pace its debugging output.
        """
        now = time.monotonic()
        if now - self.tick > 1:
            self.tick = now
            return True
        return False

    def _start(self) -> None:
        context = processContext()
        parentEnd, childEnd = context.Pipe(duplex=True)
        try:
            process = context.Process(target=_runChild, args=(childEnd, self._payload),
                                      name=f"{self.wrappedName} (from {self.name})",
                                      daemon=True)
            process.start()
        except BaseException:
            parentEnd.close()
            raise
        finally:
            childEnd.close()        # the child has its own copy; we must see EOF
        self._payload = None
        self._process = process
        self.pid = process.pid
        self._beginPiping(parentEnd)

    def terminate(self) -> None:
        """Stop the child now (SIGTERM). The wrapper ends once it has exited;
        that is not reported as a failure."""
        process = self._process
        if process is not None and process.exitcode is None:
            self._terminated = True
            process.terminate()

    def _ended(self, exitcode: int | None) -> None:
        if self._failedInChild is not None:
            summary, text = self._failedInChild
            self._died(f"raised {summary}", exitcode, text)
        elif exitcode != 0 and self._terminated:
            log.warning("%s: terminated, as asked", self._where())
            self._dropWaiting("its process was terminated")
        elif exitcode != 0:
            self._died(describeExit(exitcode), exitcode)
        else:
            self._dropWaiting("its process had ended")

    def _died(self, how: str, exitcode: int | None, tb: str | None = None) -> None:
        text = f"{self._where()} {how}"
        log.error("%s%s", text, f"\n{tb.rstrip()}" if tb else "")
        self.failure = ProcessDied(text, component=self.wrappedName, pid=self.pid,
                                   exitcode=exitcode, traceback=tb)
        self._dropWaiting("its process had died")
        if self._chassis is not None:
            self._chassis._childFailed(self)
        else:
            self.send(errorInformation(self, self.failure, text), "signal")
            self.send(shutdownMicroprocess(self), "signal")

    def _dropWaiting(self, why: str) -> None:
        count = sum(len(list(self.Inbox(name))) for name in self.inboxes)
        if count:
            log.error("%s: dropped %d message(s) waiting in its inboxes: %s",
                      self._where(), count, why)

    def _special(self, kind: str, payload: Any) -> None:
        if kind == "error":                # the child could not send something
            log.error("%s", payload)
        elif kind == "failed":
            self._failedInChild = payload
        else:
            super()._special(kind, payload)

    def _unpicklable(self, boxname: str, message: Any, exc: Exception) -> str:
        return (f"{self._where()}: cannot pass a message of type {typeName(message)} "
                f"into its inbox {boxname!r} ({type(exc).__name__}: {exc}); the "
                "message was dropped, the others go on in order")

    def _where(self) -> str:
        process = "" if self.pid is None else f" in process {self.pid}"
        return f"{self.name} ({self.wrappedName}{process})"

    # ------------------------------------------------------------ ending
    def _release(self) -> None:
        """Close the pipe and make sure the child has ended and been joined."""
        if self.channel is not None:
            self.channel.close()
        process, self._process = self._process, None
        if process is not None:
            reap(process, 0.5)
        self._payload = None

    def _closeDownMicroprocess(self) -> Any:
        self._release()
        return super()._closeDownMicroprocess()


# ------------------------------------------------------------- child side
class _ChildEnd(_PipeEnd):
    """In the child process: feeds the component from the pipe and ships what
    it sends; ends (stopping whatever is left) when the component ends or the
    parent goes away."""

    LAST_BOX = "signal"

    def __init__(self, conn: Any, wrapped: component) -> None:
        self.Inboxes = {name: "from the component's outbox" for name in wrapped.outboxes}
        self.Outboxes = {name: "to the component's inbox" for name in wrapped.inboxes}
        super().__init__()
        self.wrapped = wrapped
        self._conn = conn
        for name in wrapped.inboxes:
            self.link((self, name), (wrapped, name))
        for name in wrapped.outboxes:
            self.link((wrapped, name), (self, name))

    def main(self) -> Iterator[Any]:
        self._beginPiping(self._conn)
        channel = self.channel
        assert channel is not None
        self.addChildren(self.wrapped)
        yield newComponent(self.wrapped)
        while True:
            ended = self.wrapped._isStopped()
            more = self._ship()
            more |= self._passOnArrivals()
            if channel.closedByPeer:            # the parent has gone: nobody to serve
                break
            if ended and not self.anyReady():
                break
            if not more:
                self.pause()
            yield 1
        while channel.backlog and not channel.closedByPeer:
            self.pause()                        # woken as the pipe takes it
            yield 1
        self.scheduler.stop()                   # whatever the component left running

    def shipRemaining(self) -> None:
        """After a failure: queue everything the component sent, however much."""
        if self.channel is not None:
            self.channel.detach()
            batch = [(name, list(self.Inbox(name))) for name in self._shipOrder
                     if self.dataReady(name)]
            if batch:
                self._sendBatch(batch)

    def _report(self, text: str) -> None:
        if self.channel is not None and not self.channel.closedByPeer:
            self.channel.send(("error", text))    # logged by the parent
        else:
            log.error("%s", text)

    def _unpicklable(self, boxname: str, message: Any, exc: Exception) -> str:
        return (f"{self.wrapped.name} (in process {os.getpid()}) sent a message of type "
                f"{typeName(message)} out of its outbox {boxname!r} that cannot be pickled "
                f"({type(exc).__name__}: {exc}); the message was dropped, the others go "
                "on in order")

    def _where(self) -> str:
        return f"{self.wrapped.name} (in process {os.getpid()})"


def _serve(conn: Any, payload: bytes) -> None:
    """Run the pickled component here until it ends, bridged over ``conn``.

    A failure is reported over ``conn`` (what the component sent first),
    then re-raised.
    """
    sched = scheduler()
    sched.reraiseExceptions = True      # the component failing ends the run
    bridge: _ChildEnd | None = None
    try:
        wrapped = pickle.loads(payload)
        bridge = _ChildEnd(conn, wrapped)
        bridge.activate(Scheduler=sched)
        sched.runThreads()
    except BaseException as exc:
        text = traceback.format_exc()
        channel = bridge.channel if bridge is not None else None
        if bridge is not None:
            bridge.shipRemaining()          # what it sent before failing goes first
        if channel is None:
            channel = PipeChannel(conn, None)
        channel.send(("failed", (f"{type(exc).__name__}: {exc}", text)))
        channel.flushBlocking(5.0)
        conn.close()
        raise
    conn.close()


def _runChild(conn: Any, payload: bytes) -> None:
    """The child process: run the pickled component until it ends."""
    ignoreInterrupts()
    try:
        _serve(conn, payload)
    except BaseException:  # noqa: BLE001 - reported to the parent: exit 1
        sys.exit(1)


class ProcessPipelineComponent(component):
    """ProcessPipelineComponent(*components, **argd) -> pipeline whose stages each run in a process

    Kamaelia 1.14's component form of ``ProcessPipeline``: each component is
    wrapped in a :class:`ProcessWrapComponent` (pickled at once) and they are
    chained ``"outbox"`` -> ``"inbox"``, ``"signal"`` -> ``"control"``. What
    arrives on this component's ``"inbox"`` and ``"control"`` goes to the
    first stage; what the last stage sends on ``"outbox"`` and ``"signal"``
    comes out of this component's. It ends when every stage has ended.

    When a stage's process dies, it sends ``errorInformation(self,
    ProcessDied(...), text)`` out of ``"signal"``, tells the other stages to
    shut down (and terminates those still running ``shutdownTimeout``
    seconds later), then sends ``shutdownMicroprocess(self)`` when all have
    ended. (:class:`Kamaelia.Chassis.Process.ProcessPipeline` is the same
    with the whole Pipeline interface.)
    """

    Inboxes = {"inbox": "to the first stage's inbox",
               "control": "to the first stage's control"}
    Outboxes = {"outbox": "from the last stage's outbox",
                "signal": "from the last stage's signal, or failure reports"}

    #: Seconds the other stages get to end after one died, before being terminated.
    shutdownTimeout: float = 5.0

    def __init__(self, *components: Any, **argd: Any) -> None:
        if not components:
            raise ValueError("ProcessPipelineComponent needs at least one component")
        super().__init__(**argd)
        self.components = components
        self.stages = [child if isinstance(child, ProcessWrapComponent)
                       else ProcessWrapComponent(child) for child in components]
        for stage in self.stages:
            stage._chassis = self
        self.failure: ProcessDied | None = None
        self._signalLink: Any = None
        self._terminator: Any = None

    def main(self) -> Iterator[Any]:
        stages = self.stages
        self.link((self, "inbox"), (stages[0], "inbox"), passthrough=1)
        self.link((self, "control"), (stages[0], "control"), passthrough=1)
        for upstream, downstream in zip(stages, stages[1:]):
            self.link((upstream, "outbox"), (downstream, "inbox"))
            self.link((upstream, "signal"), (downstream, "control"))
        self.link((stages[-1], "outbox"), (self, "outbox"), passthrough=2)
        self._signalLink = self.link((stages[-1], "signal"), (self, "signal"), passthrough=2)
        self.addChildren(*stages)
        yield newComponent(*stages)
        while not all(stage._isStopped() for stage in stages):
            self.pause()
            yield 1
        if self.failure is not None:
            self.send(shutdownMicroprocess(self), "signal")

    def _childFailed(self, child: ProcessWrapComponent) -> None:
        """Called by a stage whose process died (it has logged how)."""
        if self.failure is not None:
            return
        self.failure = child.failure
        if self._signalLink is not None:
            self.unlink(thelinkage=self._signalLink)
        self.send(errorInformation(self, child.failure, str(child.failure)), "signal")
        survivors = [stage for stage in self.stages
                     if stage is not child and not stage._isStopped()]
        for stage in survivors:
            stage.inboxes["control"].append(shutdownMicroprocess(self))
        if survivors:
            self._terminator = self.scheduler.callLater(self.shutdownTimeout,
                                                        self._terminateSurvivors)
        self.unpause()

    def _terminateSurvivors(self) -> None:
        self._terminator = None
        for stage in self.stages:
            if not stage._isStopped():
                log.warning("%s: %s had not ended %gs after being told to shut down; "
                            "terminating it", self.name, stage.wrappedName,
                            self.shutdownTimeout)
                stage.terminate()

    def _closeDownMicroprocess(self) -> Any:
        if self._terminator is not None:
            self._terminator.cancel()
            self._terminator = None
        return super()._closeDownMicroprocess()
