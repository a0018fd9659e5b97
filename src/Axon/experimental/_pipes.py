"""Plumbing between processes: framing, pickling, a non-blocking pipe end, reaping.

Not public API: :mod:`Axon.experimental.Process` and
:mod:`Kamaelia.Util.ProcessPoolTransformer` are built on it.

Example Usage
-------------
The framing is a pure object (bytes in, frames out), so it is tested with
plain byte strings::

    from Axon.experimental._pipes import FrameDecoder, encodeFrame

    decoder = FrameDecoder()
    wire = encodeFrame(b"hello") + encodeFrame(b"world")
    decoder.feed(wire[:7])
    assert decoder.nextFrame() is None          # need more data
    decoder.feed(wire[7:])
    assert decoder.nextFrame() == b"hello"
    assert decoder.nextFrame() == b"world"

How does it work?
-----------------
* **Processes** are started with :func:`processContext`: ``forkserver`` on
  Linux, ``spawn`` elsewhere. Neither forks the calling process, so starting
  one is safe while the parent has threads running (a plain ``fork`` copies
  whatever locks those threads hold, and can deadlock the child). The price:
  whatever the child runs is pickled, and its classes must be importable.
* **Frames** are an 8-byte big-endian length followed by that many bytes.
  :class:`FrameDecoder` reads them back in time linear in the bytes, and
  skips (with :class:`FrameTooLarge`) a frame longer than its
  ``maxframesize``, 1 GiB unless told otherwise.
* **Pickling** (:func:`dumps`) uses the highest protocol. A microprocess or
  component met *inside* a message (the ``caller`` of a ``producerFinished``,
  say) is not copied: it crosses as a :class:`RemoteComponent` stand-in that
  carries its name, and turns back into the real object if it comes home to
  the process it left. Components hold their scheduler, boxes and peers, none
  of which means anything in another process.
* :class:`PipeChannel` is one end of a duplex ``multiprocessing.Pipe`` used
  from a component: the file descriptor is non-blocking and registered with
  the component's scheduler (``addReader``), so the component is woken when
  data arrives, with no polling and no thread. What cannot be written at once
  waits in the channel (``backlog``) and is written when the pipe has room
  (``addWriter``). Neither end ever blocks on the other, so two processes
  sending to each other at the same time cannot deadlock.
* :func:`awaitExit` and :func:`reap` wait for a process to end: the first
  without blocking (from ``main``, on the process's sentinel), the second
  blocking for a bounded time (when a component is being closed down).
"""

from __future__ import annotations

import io
import logging
import multiprocessing
import os
import pickle
import signal
import struct
import sys
import weakref
from typing import Any, Generator

from Axon.AxonExceptions import AxonException
from Axon.Microprocess import microprocess

__all__ = ["processContext", "FrameDecoder", "FrameTooLarge", "MAX_FRAME_SIZE", "encodeFrame",
           "dumps", "loads",
           "RemoteComponent", "PipeChannel", "ProcessDied", "describeExit",
           "awaitExit", "reap", "ignoreInterrupts", "writeAll", "readSome",
           "HIGH_WATER", "roughSize", "typeName"]

log = logging.getLogger("Axon.experimental")

#: Stop taking messages from inboxes while this many bytes wait to be written.
HIGH_WATER = 256 * 1024
#: Read at most this much from a pipe per readiness callback (fairness).
_READ_CHUNK = 256 * 1024
_READ_LIMIT = 4 * 1024 * 1024

_HEADER = struct.Struct("!Q")


#: Imported once by the fork server, so that each child starts with them loaded.
_PRELOAD = ["Axon.experimental.Process", "Kamaelia.Chassis.Process",
            "Kamaelia.Util.ProcessPoolTransformer"]


def processContext() -> Any:
    """The multiprocessing context to start processes with (see the module docstring).

    On Linux, the fork server (started by the first process) is asked to
    import Axon and the process components first: a child forked from it then
    starts in a few milliseconds instead of re-importing them (asyncio among
    them) every time. Modules already on its list are kept.
    """
    if not sys.platform.startswith("linux"):
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    from multiprocessing import forkserver
    server = getattr(forkserver, "_forkserver", None)
    current = list(getattr(server, "_preload_modules", None) or ["__main__"])
    if not set(_PRELOAD) <= set(current):
        context.set_forkserver_preload(current + [m for m in _PRELOAD if m not in current])
    return context


def ignoreInterrupts() -> None:
    """In a child process: leave Ctrl-C to the parent, which shuts the children down.

    A terminal sends SIGINT to the whole process group; a child that died of
    it would be reported as a crash while the parent is stopping anyway.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)


# ------------------------------------------------------------------ framing
#: The largest frame a :class:`FrameDecoder` accepts by default: 1 GiB. The
#: other end is a process of our own, so this only guards against a corrupt
#: stream (a length of 2**63 would otherwise have the decoder wait for it).
MAX_FRAME_SIZE = 1 << 30


class FrameTooLarge(AxonException):
    """A frame's header gives a length over the decoder's ``maxframesize``.

    ``size`` is the length given, ``limit`` the limit. The frame is dropped
    (what has arrived of it at once, the rest as it arrives).
    """

    def __init__(self, message: str, size: int, limit: int) -> None:
        super().__init__(message)
        self.size = size
        self.limit = limit


def encodeFrame(payload: bytes) -> bytes:
    """``payload`` with its length in front."""
    return _HEADER.pack(len(payload)) + payload


class FrameDecoder:
    """FrameDecoder(maxframesize=MAX_FRAME_SIZE) -> splits a byte stream back into frames.

    ``feed(data)`` adds bytes; ``nextFrame()`` returns the next whole frame
    (a ``bytearray``) or ``None`` if more data is needed. ``len()`` is the
    number of bytes buffered.

    A header giving more than ``maxframesize`` bytes (None: no limit) makes
    ``nextFrame()`` raise :class:`FrameTooLarge`, its only error; the frame
    is skipped without being held (its bytes are dropped as they arrive), so
    the frames after it are read as usual. ``hasFrame()`` is true while such
    a header waits, so that the caller calls ``nextFrame()`` and hears of it.
    Time is linear in the bytes fed, however they are cut: the buffer is a
    ``bytearray`` that grows at its end and is cut at its start in place.
    """

    __slots__ = ("_buffer", "maxframesize", "_limit", "_skip")

    def __init__(self, maxframesize: int | None = MAX_FRAME_SIZE) -> None:
        if maxframesize is not None and (isinstance(maxframesize, bool) or
                                         not isinstance(maxframesize, int) or maxframesize < 0):
            raise ValueError(f"FrameDecoder: maxframesize must be an int >= 0 or None, "
                             f"not {maxframesize!r}")
        self._buffer = bytearray()
        self.maxframesize = maxframesize
        # One comparison per frame: "no limit" is a length no header can give.
        self._limit = 1 << 64 if maxframesize is None else maxframesize
        self._skip = 0               # bytes still to drop of an oversized frame

    def feed(self, data: bytes | bytearray | memoryview) -> None:
        if self._skip:
            dropped = min(self._skip, len(data))
            self._skip -= dropped
            if dropped == len(data):
                return
            data = memoryview(data)[dropped:]
        self._buffer += data

    def nextFrame(self) -> bytearray | None:
        buffer = self._buffer
        have = len(buffer)
        if have < 8:
            return None
        size = _HEADER.unpack_from(buffer)[0]
        if size > self._limit:
            self._skipFrame(size)
        end = 8 + size
        if have < end:
            return None
        frame = buffer[8:end]
        del buffer[:end]          # cheap: a bytearray drops its head in place
        return frame

    def _skipFrame(self, size: int) -> None:
        buffer = self._buffer
        dropped = min(len(buffer), 8 + size)
        del buffer[:dropped]
        self._skip = 8 + size - dropped
        raise FrameTooLarge(f"a frame of {size} bytes is over the limit of "
                            f"{self.maxframesize} (maxframesize); it was skipped",
                            size, self._limit)

    def hasFrame(self) -> bool:
        """True if a whole frame (or an oversized frame's header) is buffered."""
        buffer = self._buffer
        if len(buffer) < 8:
            return False
        size = _HEADER.unpack_from(buffer)[0]
        return len(buffer) >= 8 + size or size > self._limit

    def __len__(self) -> int:
        return len(self._buffer)


# ----------------------------------------------------------------- pickling
#: Microprocesses that left this process inside a message, by id, so that a
#: stand-in coming back turns into the real object again.
_exported: "weakref.WeakValueDictionary[int, microprocess]" = weakref.WeakValueDictionary()


class RemoteComponent:
    """RemoteComponent(name, pid, ident) -> stands in for a component of another process.

    What a component inside a message (e.g. ``producerFinished(caller)``)
    becomes when the message crosses to another process. It has the
    component's ``name`` and ``id`` and the ``pid`` of its process; it is not
    a component and cannot be linked to or stopped.
    """

    __slots__ = ("name", "pid", "id")

    def __init__(self, name: str, pid: int, ident: int) -> None:
        self.name = name
        self.pid = pid
        self.id = ident

    def __reduce__(self) -> tuple[Any, ...]:
        return _componentRef, (self.pid, self.id, self.name)

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, RemoteComponent) and other.pid == self.pid
                and other.id == self.id)

    def __hash__(self) -> int:
        return hash((self.pid, self.id))

    def __repr__(self) -> str:
        return f"<RemoteComponent {self.name} in process {self.pid}>"


def _componentRef(pid: int, ident: int, name: str) -> Any:
    if pid == os.getpid():
        found = _exported.get(ident)
        if found is not None:
            return found
    return RemoteComponent(name, pid, ident)


class _Pickler(pickle.Pickler):
    # Called only for objects that are not of a built-in atomic or container
    # type, so batches of plain data pay nothing for it.
    def reducer_override(self, obj: Any) -> Any:
        if isinstance(obj, microprocess):
            _exported[obj.id] = obj
            return _componentRef, (os.getpid(), obj.id, obj.name)
        return NotImplemented


def dumps(obj: Any) -> bytes:
    """Pickle ``obj``; components inside it become :class:`RemoteComponent` stand-ins."""
    buffer = io.BytesIO()
    _Pickler(buffer, pickle.HIGHEST_PROTOCOL).dump(obj)
    return buffer.getvalue()


loads = pickle.loads


def roughSize(message: Any) -> int:
    """A cheap guess at the pickled size of ``message`` (for sizing batches)."""
    if isinstance(message, (bytes, bytearray, str, memoryview)):
        return len(message)
    if isinstance(message, (tuple, list)) and len(message) < 16:
        return 16 + sum(len(part) if isinstance(part, (bytes, bytearray, str)) else 16
                        for part in message)
    return 16


def typeName(value: Any) -> str:
    """``module.QualName`` of ``value``'s type (builtins without the module)."""
    kind = type(value)
    module = kind.__module__
    return kind.__qualname__ if module == "builtins" else f"{module}.{kind.__qualname__}"


# --------------------------------------------------------- blocking pipe I/O
def writeAll(fd: int, data: bytes) -> None:
    """Write all of ``data`` to a blocking ``fd``."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def readSome(fd: int, decoder: FrameDecoder) -> bool:
    """Block until bytes arrive on ``fd`` and feed them to ``decoder``; False at EOF."""
    try:
        data = os.read(fd, _READ_CHUNK)
    except ConnectionResetError:
        return False
    if not data:
        return False
    decoder.feed(data)
    return True


# ------------------------------------------------------- non-blocking channel
class PipeChannel:
    """PipeChannel(conn, owner) -> one end of a pipe, driven by ``owner``'s scheduler.

    - conn  -- a ``multiprocessing.connection.Connection`` (its descriptor is
      used directly, with this module's framing)
    - owner -- the component using it: woken (``unpause``) whenever a frame
      may have arrived, the pipe closed, or room appeared for writing
    - maxframesize -- the largest frame read (default :data:`MAX_FRAME_SIZE`);
      a larger one makes ``nextObject()`` raise :class:`FrameTooLarge`

    ``send(obj)`` pickles and queues a frame (raising whatever pickling
    raises, having queued nothing); ``nextObject()`` returns the next
    unpickled frame or ``None``. ``eof`` becomes true once the other end has
    closed (or vanished) and everything it sent has been read.
    """

    def __init__(self, conn: Any, owner: Any, maxframesize: int | None = MAX_FRAME_SIZE) -> None:
        self.conn = conn
        self.fd: int = conn.fileno()
        os.set_blocking(self.fd, False)
        self.owner = owner
        self.decoder = FrameDecoder(maxframesize)
        self.outgoing = bytearray()
        self.closedByPeer = False       # read EOF, or a write found the pipe broken
        self._scheduler: Any = None
        self._reading = False
        self._writing = False

    # -- registration
    def start(self, scheduler: Any) -> None:
        """Start watching the pipe with ``scheduler`` (the owner's)."""
        self._scheduler = scheduler
        self.resumeReading()
        self._updateWriter()

    def resumeReading(self) -> None:
        if not self._reading and not self.closedByPeer and self._scheduler is not None:
            self._reading = True
            self._scheduler.addReader(self.fd, self._onReadable)

    def pauseReading(self) -> None:
        """Stop reading (the owner cannot deliver what it has): the other end,
        finding the pipe full, keeps what it has to send."""
        if self._reading:
            self._reading = False
            self._scheduler.removeReader(self.fd)

    def _updateWriter(self) -> None:
        want = bool(self.outgoing) and not self.closedByPeer and self._scheduler is not None
        if want != self._writing:
            self._writing = want
            if want:
                self._scheduler.addWriter(self.fd, self._onWritable)
            else:
                self._scheduler.removeWriter(self.fd)

    # -- callbacks (scheduler thread)
    def _onReadable(self) -> None:
        self.fill()
        self.owner.unpause()

    def _onWritable(self) -> None:
        self.flush()
        self.owner.unpause()

    # -- I/O
    def fill(self) -> None:
        """Read what has arrived (at most a few MB at a time)."""
        total = 0
        while total < _READ_LIMIT:
            try:
                data = os.read(self.fd, _READ_CHUNK)
            except BlockingIOError:
                break
            except OSError:          # ECONNRESET: the other end vanished
                data = b""
            if not data:
                self._peerClosed()
                break
            self.decoder.feed(data)
            total += len(data)
        if len(self.decoder) > _READ_LIMIT and self.decoder.hasFrame():
            self.pauseReading()      # nextObject resumes once the owner has caught up

    def send(self, obj: Any) -> None:
        """Pickle ``obj`` and write it (what does not fit waits in ``outgoing``)."""
        payload = dumps(obj)
        if self.closedByPeer:
            return
        header = _HEADER.pack(len(payload))
        if not self.outgoing:
            try:
                written = os.writev(self.fd, (header, payload))
            except BlockingIOError:
                written = 0
            except OSError:
                self._peerClosed()
                return
            if written >= len(header):
                self.outgoing += memoryview(payload)[written - len(header):]
            else:
                self.outgoing += header[written:]
                self.outgoing += payload
        else:
            self.outgoing += header
            self.outgoing += payload
        self._updateWriter()

    def flush(self) -> None:
        """Write as much of ``outgoing`` as the pipe takes now."""
        outgoing = self.outgoing
        while outgoing:
            try:
                written = os.write(self.fd, outgoing)
            except BlockingIOError:
                break
            except OSError:
                self._peerClosed()
                break
            del outgoing[:written]
        self._updateWriter()

    def flushBlocking(self, timeout: float) -> None:
        """Write everything queued, waiting up to ``timeout`` seconds (used by a
        child process on its way out, when there is no scheduler to wait with)."""
        import selectors
        with selectors.DefaultSelector() as selector:
            selector.register(self.fd, selectors.EVENT_WRITE)
            while self.outgoing and not self.closedByPeer:
                if not selector.select(timeout):
                    break
                self.flush()

    def nextObject(self) -> Any:
        """The next frame, unpickled, or ``None`` if no whole frame is buffered.

        Raises what unpickling raises (the frame is consumed), and
        :class:`FrameTooLarge` for a frame over the limit (skipped).
        """
        decoder = self.decoder
        try:
            frame = decoder.nextFrame()
        finally:
            if not decoder.hasFrame():
                # Reading is paused only while a whole frame waits to be taken
                # (see fill); once none does, the rest must be read or nothing
                # would ever wake the owner again.
                self.resumeReading()
        return None if frame is None else loads(frame)

    @property
    def backlog(self) -> int:
        """Bytes queued but not yet written."""
        return len(self.outgoing)

    @property
    def eof(self) -> bool:
        """True once the other end has gone and every frame it sent has been taken."""
        return self.closedByPeer and not self.decoder.hasFrame()

    def _peerClosed(self) -> None:
        self.closedByPeer = True
        self.outgoing.clear()
        if self._scheduler is not None:
            self.pauseReading()
            self._updateWriter()

    def detach(self) -> None:
        """Stop watching the pipe (it stays open; ``flushBlocking`` still works)."""
        if self._scheduler is not None:
            self.pauseReading()
            if self._writing:
                self._writing = False
                self._scheduler.removeWriter(self.fd)
            self._scheduler = None

    def close(self) -> None:
        """Stop watching the pipe and close this end (idempotent)."""
        self.detach()
        self.conn.close()


# ----------------------------------------------------------------- endings
class ProcessDied(AxonException):
    """ProcessDied(message, component=..., pid=..., exitcode=..., traceback=...)

    How a process running a component (or a pool worker) ended badly: it
    raised, was killed by a signal or exited with a non-zero code. Carried as
    the ``exception`` of the ``errorInformation`` sent on ``"signal"``.

    - component -- name of the component that ran in it
    - pid       -- its process id
    - exitcode  -- as ``multiprocessing.Process.exitcode`` (negative: signal)
    - traceback -- the child's formatted traceback, if it raised
    """

    def __init__(self, message: str, component: str = "", pid: int | None = None,
                 exitcode: int | None = None, traceback: str | None = None) -> None:
        super().__init__(message)
        self.component = component
        self.pid = pid
        self.exitcode = exitcode
        self.traceback = traceback


def describeExit(exitcode: int | None) -> str:
    """E.g. ``"was killed by signal SIGKILL"`` or ``"exited with code 3"``."""
    if exitcode is None:
        return "is still running"
    if exitcode == 0:
        return "exited normally"
    if exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = str(-exitcode)
        return f"was killed by signal {name}"
    return f"exited with code {exitcode}"


def awaitExit(owner: Any, process: Any, timeout: float) -> Generator[int, None, int | None]:
    """``yield from`` in ``owner``'s main: pause until ``process`` has exited, then
    join and close it; returns its exit code. After ``timeout`` seconds it is
    sent SIGTERM, and a second later SIGKILL, so this always ends."""
    scheduler = owner.scheduler
    exited: list[bool] = []

    def onExit() -> None:
        scheduler.removeReader(process.sentinel)
        exited.append(True)
        owner.unpause()

    def escalate(stage: int) -> None:
        if exited:
            return
        (process.terminate if stage == 0 else process.kill)()
        if stage == 0:
            timers.append(scheduler.callLater(1.0, escalate, 1))

    scheduler.addReader(process.sentinel, onExit)
    timers = [scheduler.callLater(timeout, escalate, 0)]
    try:
        while not exited:
            owner.pause()
            yield 1
    finally:
        for timer in timers:
            timer.cancel()
        if not exited:                 # closed down while waiting
            scheduler.removeReader(process.sentinel)
    return reap(process, 0)


def reap(process: Any, grace: float) -> int | None:
    """Make sure ``process`` has ended (waiting ``grace`` s, then SIGTERM, then
    SIGKILL), join it and release its resources; return its exit code. Blocks
    for at most ``grace`` + 2 seconds; for close-downs, where nothing can wait."""
    try:
        if process.pid is None:      # never started
            return None
        process.join(grace)
        if process.exitcode is None:
            process.terminate()
            process.join(1.0)
        if process.exitcode is None:
            process.kill()
            process.join()
        exitcode: int | None = process.exitcode
        process.close()
        return exitcode
    except ValueError:               # already closed: nothing left to do
        return None

