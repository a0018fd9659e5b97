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

**Between two wrapped children of a process chassis** messages go straight
from one child process to the other. For each link the chassis makes
between two of its children (``"outbox"`` -> ``"inbox"`` and ``"signal"``
-> ``"control"`` for each pair of neighbours in a pipeline), the first of
the two wrappers to start makes a one-way OS pipe, and each child gets its
end: the sender's bridge ships those outboxes over it (the same batches,
``"signal"`` last) and the receiver's bridge sends them out of the boxes
linked to the inboxes they were meant for. Relaying through the parent cost
each message a pickle, an unpickle and two more pipe crossings, and cost
the parent CPU that the stages need on a machine with few cores (two
CPU-bound stages on two cores: 1.39x a single-process ``Pipeline`` relayed,
1.5x direct). The parent still feeds the first child and receives from the
last, and the chassis's links between the wrappers stay in place, unused,
so its bookkeeping (whose ``"control"`` is linked, what to undo when a child
ends) is unchanged; ``wrapper.relayed`` counts, by box, what did cross
between a wrapper and its child. One rule keeps the order a ``Pipeline``
gives: what the parent sends a child (a shutdown passed on after its
neighbour ended, say) is delivered only once everything waiting on the
child's direct pipes has been, since a neighbour that has ended wrote all it
sent before it ended.

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
* **A neighbour has ended** (inside a process chassis): what is still sent
  straight to it is dropped, and the first such drop is logged as an error
  with the number of messages (the chassis has unlinked the ended child, as
  a ``Pipeline`` does, so they had nowhere to go).

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
chassis do not nest). Messages between two wrappers that you link yourself
(not a process chassis) travel through the parent (two pipe crossings).

Why the chassis live in Kamaelia
--------------------------------
``ProcessPipeline`` and ``ProcessGraphline`` are ``Pipeline`` and
``Graphline`` with wrapped children, and Axon (the core) depends on the
standard library only, never on Kamaelia. So they are defined in
:mod:`Kamaelia.Chassis.Process`, and this module hands them out on first use
(``from Axon.experimental.Process import ProcessPipeline`` works as in 1.14).
"""

from __future__ import annotations

import fcntl
import importlib
import logging
import os
import pickle
import sys
import time
import traceback
from collections import Counter, deque
from multiprocessing.connection import Connection
from typing import Any, Iterator, Mapping, Sequence

from Axon.AxonExceptions import noSpaceInBox
from Axon.Box import noSuchBox
from Axon.Component import component
from Axon.Ipc import errorInformation, newComponent, shutdownMicroprocess
from Axon.Scheduler import scheduler
from Axon.experimental._pipes import (HIGH_WATER, PipeChannel, ProcessDied, RemoteComponent,
                                      awaitExit, describeExit, dumps, ignoreInterrupts,
                                      processContext, reap, roughSize, typeName)

__all__ = ["ProcessWrapComponent", "ProcessPipelineComponent", "ProcessPipeline",
           "ProcessGraphline", "ProcessDied", "RemoteComponent"]

log = logging.getLogger("Axon.experimental.Process")

#: Bytes a pipe between two children holds (see _DirectPipe.takeEnd).
_DIRECT_PIPE_SIZE = 1 << 20

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

    def __init__(self, **argd: Any) -> None:
        super().__init__(**argd)
        #: How many messages crossed this end's pipe, by box: inboxes' going
        #: across, outboxes' coming back.
        self.relayed: Counter[str] = Counter()

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
        return self._shipTo(self.channel, self._shipOrder)

    def _shipTo(self, channel: PipeChannel | None, names: list[str],
                rename: Mapping[str, str] | None = None) -> bool:
        """Send what waits in inboxes ``names`` (in that order) over ``channel``
        as one batch, each box named as ``rename`` says; True if more of them is
        waiting that could go at once."""
        if channel is None or channel.closedByPeer or channel.backlog > HIGH_WATER:
            return False        # woken again when the pipe has room
        batch = []
        budget = HIGH_WATER     # small batches of big messages keep stages overlapping
        for name in names:
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
            self._sendBatch(channel, batch, rename)
        return budget <= 0 and any(self.dataReady(name) for name in names)

    def _sendBatch(self, channel: PipeChannel, batch: list[tuple[str, list[Any]]],
                   rename: Mapping[str, str] | None = None) -> None:
        counts = self.relayed
        for name, messages in batch:
            counts[name] += len(messages)
        if rename:
            wire = [(rename[name], messages) for name, messages in batch]
        else:
            wire = batch
        try:
            channel.send(("data", wire))
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
                    counts[name] -= 1
                else:
                    good.append(message)
            if good:
                kept.append((rename[name] if rename else name, good))
        if kept:
            channel.send(("data", kept))

    def _unpicklable(self, boxname: str, message: Any, exc: Exception) -> str:
        raise NotImplementedError

    def _report(self, text: str) -> None:
        log.error("%s", text)

    # ---------------------------------------------------------- incoming
    def _inputs(self) -> list[PipeChannel]:
        """The channels messages arrive on, in the order they are read."""
        return [] if self.channel is None else [self.channel]

    def _passOnArrivals(self) -> bool:
        """Send what arrived out of our outboxes: what was held back, then one
        more batch from each input. True if more batches are waiting (call
        again next turn)."""
        inputs = self._inputs()
        if not inputs or not self._sendHeldBack(inputs):
            return False
        more = False
        for channel in inputs:
            if self._waitForUpstream(channel):
                more = True
                continue
            more |= self._takeBatch(channel)
            if self._arrived:           # a full inbox: the rest waits its turn
                return False
        return more

    def _waitForUpstream(self, channel: PipeChannel) -> bool:
        """True if what arrived on ``channel`` must wait for what arrived on others."""
        return False

    def _sendHeldBack(self, inputs: list[PipeChannel]) -> bool:
        """Send what a full inbox held back; False (reading paused) if it still cannot."""
        arrived = self._arrived
        if not arrived:
            return True
        send = self.send
        while arrived:
            name, message = arrived[0]
            try:
                send(message, name)
            except noSpaceInBox:
                for channel in inputs:
                    channel.pauseReading()      # woken when the inbox has room
                return False
            arrived.popleft()
        for channel in inputs:
            channel.resumeReading()
        return True

    def _takeBatch(self, channel: PipeChannel) -> bool:
        """Pass on the next batch from ``channel`` (handling other frames before
        it); True if another whole batch is waiting there."""
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
                return not self._arrived and channel.decoder.hasFrame()
            self._special(kind, payload)

    @property
    def _heldBack(self) -> bool:
        return bool(self._arrived)

    def _deliverBatch(self, batch: list[tuple[str, list[Any]]]) -> None:
        send = self.send
        counts = self.relayed
        for name, messages in batch:
            counts[name] += len(messages)
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


class _DirectPipe:
    """A one-way OS pipe from ``source``'s child process to ``sink``'s, carrying
    the messages of ``source``'s outboxes in ``boxes`` to ``sink``'s inboxes
    (``{outbox: inbox}``). Made when the first of the two starts; this process
    keeps each end only until its wrapper has handed it to its child."""

    def __init__(self, source: ProcessWrapComponent, sink: ProcessWrapComponent) -> None:
        self.source = source
        self.sink = sink
        self.boxes: dict[str, str] = {}
        self._ends: dict[Any, Any] | None = None      # wrapper -> its end, until taken
        self._abandoned: set[Any] = set()

    def takeEnd(self, wrapper: ProcessWrapComponent) -> Any:
        """``wrapper``'s end (a Connection); the caller closes it once passed on."""
        if self._ends is None:
            readFd, writeFd = os.pipe()
            try:
                # A 256 KB message then crosses in one write and one read instead
                # of four of the default 64 KB: 256 such blocks through two
                # stages that do nothing took 290 ms instead of 370 (the limit
                # for unprivileged processes is /proc/sys/fs/pipe-max-size,
                # 1 MB by default).
                fcntl.fcntl(writeFd, fcntl.F_SETPIPE_SZ, _DIRECT_PIPE_SIZE)
            except (AttributeError, OSError):   # not Linux, or over the limit
                pass
            self._ends = {self.sink: Connection(readFd, writable=False),
                          self.source: Connection(writeFd, readable=False)}
            for gone in self._abandoned:
                self._ends.pop(gone).close()
        return self._ends.pop(wrapper)

    def abandon(self, wrapper: ProcessWrapComponent) -> None:
        """``wrapper`` will not start (or is done): close its end if still here, so
        that the other child sees the pipe closed."""
        self._abandoned.add(wrapper)
        if self._ends is not None:
            end = self._ends.pop(wrapper, None)
            if end is not None:
                end.close()


# ------------------------------------------------------------ parent side
class ProcessWrapComponent(_PipeEnd):
    """ProcessWrapComponent(somecomponent) -> runs ``somecomponent`` in a process of its own

    Arguments:

    - somecomponent -- a component (not activated, not linked to anything)
      that, with its messages, can be pickled

    The wrapper has the component's inboxes and outboxes. Attributes:
    ``pid`` (the child's process id once started), ``failure`` (a
    :class:`ProcessDied` if the child died, else ``None``), ``exitTimeout``,
    ``relayed`` (a ``Counter``: how many messages crossed between this
    process and the child, by box -- inboxes going, outboxes coming back;
    what a process chassis routes straight to a sibling is not counted).
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
        #: Pipes straight to / from other wrappers' processes (see _routeDirect).
        self._pipesOut: list[_DirectPipe] = []
        self._pipesIn: list[_DirectPipe] = []

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

    def _routeDirect(self, outbox: str, sink: ProcessWrapComponent, inbox: str) -> None:
        """Have ``outbox`` of our component go straight to ``inbox`` of ``sink``'s,
        over an OS pipe between the two child processes, instead of through
        this process. (What a process chassis does for each link it makes
        between two of its children; both must not have started yet.)"""
        if outbox not in self.outboxes:
            raise noSuchBox(self, outbox, False)
        if inbox not in sink.inboxes:
            raise noSuchBox(sink, inbox, True)
        if self._process is not None or self._payload is None or sink._payload is None:
            raise ValueError(f"{self.name}: cannot route {outbox!r} directly to "
                             f"{sink.name} once either has started")
        if any(outbox in pipe.boxes for pipe in self._pipesOut):
            raise ValueError(f"{self.name}: {outbox!r} is already routed directly")
        for pipe in self._pipesOut:
            if pipe.sink is sink:
                break
        else:
            pipe = _DirectPipe(self, sink)
            self._pipesOut.append(pipe)
            sink._pipesIn.append(pipe)
        pipe.boxes[outbox] = inbox

    def _start(self) -> None:
        context = processContext()
        parentEnd, childEnd = context.Pipe(duplex=True)
        ends = [childEnd]
        try:
            outputs = []
            for pipe in self._pipesOut:
                ends.append(pipe.takeEnd(self))
                outputs.append((ends[-1], dict(pipe.boxes)))
            inputs = []
            for pipe in self._pipesIn:
                ends.append(pipe.takeEnd(self))
                inputs.append(ends[-1])
            process = context.Process(target=_runChild,
                                      args=(childEnd, self._payload, outputs, inputs),
                                      name=f"{self.wrappedName} (from {self.name})",
                                      daemon=True)
            process.start()
        except BaseException:
            parentEnd.close()
            raise
        finally:
            for end in ends:
                end.close()     # the child has its own copy; we must see EOF
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
        for pipe in self._pipesOut + self._pipesIn:
            pipe.abandon(self)
        process, self._process = self._process, None
        if process is not None:
            reap(process, 0.5)
        self._payload = None

    def _closeDownMicroprocess(self) -> Any:
        self._release()
        return super()._closeDownMicroprocess()


# ------------------------------------------------------------- child side
class _PipeOut(PipeChannel):
    """The writing end of a one-way pipe to a sibling's process. It is never
    read: the reader having gone shows as a broken pipe when writing."""

    #: Whether dropping messages for the sibling (it has ended) was reported.
    dropReported = False

    def resumeReading(self) -> None:
        pass


class _ChildEnd(_PipeEnd):
    """In the child process: feeds the component from the pipe (and from the
    pipes of the siblings sending to it directly) and ships what it sends
    (straight to a sibling for the boxes routed so); ends (stopping whatever
    is left) when the component ends or the parent goes away."""

    LAST_BOX = "signal"

    def __init__(self, conn: Any, wrapped: component,
                 outputs: Sequence[tuple[Any, dict[str, str]]] = (),
                 inputs: Sequence[Any] = ()) -> None:
        self.Inboxes = {name: "from the component's outbox" for name in wrapped.outboxes}
        self.Outboxes = {name: "to the component's inbox" for name in wrapped.inboxes}
        super().__init__()
        self.wrapped = wrapped
        self._conn = conn
        self._outputConns: list[tuple[Any, dict[str, str]]] = list(outputs)
        self._inputConns: list[Any] = list(inputs)
        #: (channel, our inbox names in shipping order, {our name: sibling's inbox})
        self._directOut: list[tuple[_PipeOut, list[str], dict[str, str]]] = []
        self._directIn: list[PipeChannel] = []
        for name in wrapped.inboxes:
            self.link((self, name), (wrapped, name))
        for name in wrapped.outboxes:
            self.link((wrapped, name), (self, name))

    def _beginDirectPiping(self) -> None:
        routed: set[str] = set()
        for conn, boxes in self._outputConns:
            out = _PipeOut(conn, self)
            out.start(self.scheduler)
            names = [name for name in self._shipOrder if name in boxes]
            self._directOut.append((out, names, boxes))
            routed.update(boxes)
        self._shipOrder = [name for name in self._shipOrder if name not in routed]
        for conn in self._inputConns:
            channel = PipeChannel(conn, self)
            channel.start(self.scheduler)
            self._directIn.append(channel)
        self._outputConns, self._inputConns = [], []

    def main(self) -> Iterator[Any]:
        self._beginPiping(self._conn)
        self._beginDirectPiping()
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
        outputs = [channel] + [out for out, _, _ in self._directOut]
        while not channel.closedByPeer and any(out.backlog and not out.closedByPeer
                                               for out in outputs):
            channel.resumeReading()             # to see the parent go, if it does
            while not channel.closedByPeer and channel.decoder.hasFrame():
                channel.nextObject()            # nobody left to give it to
            self.pause()                        # woken as the pipes take it
            yield 1
        for direct in [*self._directIn, *(out for out, _, _ in self._directOut)]:
            direct.close()
        channel.detach()                        # _serve closes it
        self.scheduler.stop()                   # whatever the component left running

    # -------------------------------------------------------- direct pipes
    def _ship(self) -> bool:
        more = False
        for out, names, rename in self._directOut:
            if out.closedByPeer:
                self._dropFor(out, names)
            else:
                more |= self._shipTo(out, names, rename)
        return self._shipTo(self.channel, self._shipOrder) or more

    def _dropFor(self, out: _PipeOut, names: list[str]) -> None:
        """The sibling that ``out`` led to has ended: what is still sent to it is dropped."""
        count = sum(len(list(self.Inbox(name))) for name in names)
        if count and not out.dropReported:
            out.dropReported = True
            self._report(f"{self._where()}: dropped {count} message(s) sent out of "
                         f"{', '.join(map(repr, names))}: the process they went "
                         "straight to has ended (further ones are dropped unreported)")

    def _inputs(self) -> list[PipeChannel]:
        live = []
        for direct in self._directIn:
            if direct.eof:
                direct.close()                  # the sibling has ended
            else:
                live.append(direct)
        self._directIn = live
        return live + ([] if self.channel is None else [self.channel])

    def _waitForUpstream(self, channel: PipeChannel) -> bool:
        # What the parent sends (a shutdown passed on after a sibling ended)
        # must not overtake what that sibling sent us directly before ending:
        # it has all been written by then, so read it all and deliver it first.
        if channel is not self.channel or not self._directIn or not channel.decoder.hasFrame():
            return False
        for direct in self._directIn:
            if not direct.closedByPeer:
                direct.fill()
        return any(direct.decoder.hasFrame() for direct in self._directIn)

    def shipRemaining(self) -> None:
        """After a failure: queue everything the component sent, however much."""
        for out, names, rename in self._directOut:
            out.detach()
            batch = [(name, list(self.Inbox(name))) for name in names if self.dataReady(name)]
            if batch and not out.closedByPeer:
                self._sendBatch(out, batch, rename)
        if self.channel is not None:
            self.channel.detach()
            batch = [(name, list(self.Inbox(name))) for name in self._shipOrder
                     if self.dataReady(name)]
            if batch:
                self._sendBatch(self.channel, batch)

    def flushDirect(self, timeout: float) -> None:
        """After a failure: write what is queued for the siblings (before the
        parent hears of it and tells them to stop)."""
        for out, _, _ in self._directOut:
            out.flushBlocking(timeout)

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


def _serve(conn: Any, payload: bytes, outputs: Sequence[tuple[Any, dict[str, str]]] = (),
           inputs: Sequence[Any] = ()) -> None:
    """Run the pickled component here until it ends, bridged over ``conn``
    (and, for the boxes routed directly to or from siblings, over the pipes
    in ``outputs`` and ``inputs``).

    A failure is reported over ``conn`` (after what the component sent
    first), then re-raised.
    """
    sched = scheduler()
    sched.reraiseExceptions = True      # the component failing ends the run
    bridge: _ChildEnd | None = None
    try:
        wrapped = pickle.loads(payload)
        bridge = _ChildEnd(conn, wrapped, outputs, inputs)
        bridge.activate(Scheduler=sched)
        sched.runThreads()
    except BaseException as exc:
        text = traceback.format_exc()
        channel = bridge.channel if bridge is not None else None
        if bridge is not None:
            bridge.shipRemaining()          # what it sent before failing goes first
            bridge.flushDirect(5.0)
        if channel is None:
            channel = PipeChannel(conn, None)
        channel.send(("failed", (f"{type(exc).__name__}: {exc}", text)))
        channel.flushBlocking(5.0)
        conn.close()
        raise
    conn.close()


def _runChild(conn: Any, payload: bytes, outputs: Sequence[tuple[Any, dict[str, str]]] = (),
              inputs: Sequence[Any] = ()) -> None:
    """The child process: run the pickled component until it ends."""
    ignoreInterrupts()
    try:
        _serve(conn, payload, outputs, inputs)
    except BaseException:  # noqa: BLE001 - reported to the parent: exit 1
        sys.exit(1)


class ProcessPipelineComponent(component):
    """ProcessPipelineComponent(*components, **argd) -> pipeline whose stages each run in a process

    Kamaelia 1.14's component form of ``ProcessPipeline``: each component is
    wrapped in a :class:`ProcessWrapComponent` (pickled at once) and they are
    chained ``"outbox"`` -> ``"inbox"``, ``"signal"`` -> ``"control"``, stage
    to stage over pipes of their own (see "How does it work?"). What
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
            if upstream._process is None and downstream._process is None:
                upstream._routeDirect("outbox", downstream, "inbox")
                upstream._routeDirect("signal", downstream, "control")
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
