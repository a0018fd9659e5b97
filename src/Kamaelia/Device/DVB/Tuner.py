"""Tuner: tune a Linux DVB adapter and send out the packets of the PIDs asked for.

**Not tried on real hardware**: there is no DVB adapter on the machine it
was written on. It drives the kernel's DVB API through
:mod:`Kamaelia.Support.DVB.LinuxDVB` (``ioctl`` on
``/dev/dvb/adapterN/frontend0``, ``demux0`` and ``dvr0``), which follows
the kernel's headers; its tests run it against
:class:`~Kamaelia.Support.DVB.LinuxDVB.ReplayKernel`, a stand-in kernel
with answers written from those headers, not captured from a card (that
module says what is assumed). Please report what happens on yours.

Example Usage
-------------
Record a whole DVB-T multiplex (PID 0x2000 asks for every packet) to a
file. Without a DVB adapter this logs why ("no DVB adapter 0 ...") and
ends::

    from Kamaelia.Chassis.Graphline import Graphline
    from Kamaelia.Device.DVB.Tuner import Tuner
    from Kamaelia.File.Writing import SimpleFileWriter
    from Kamaelia.Util.OneShot import OneShot
    from Kamaelia.Support.DVB.LinuxDVB import FEC_3_4, INVERSION_AUTO, QAM_16

    feparams = {"inversion": INVERSION_AUTO, "constellation": QAM_16,
                "code_rate_HP": FEC_3_4, "code_rate_LP": FEC_3_4}
    Graphline(
        ASK=OneShot(msg=["ADD", [0x2000]]),
        TUNER=Tuner(505.833333, feparams),           # MHz, as in 1.14
        FILE=SimpleFileWriter("multiplex.ts"),
        linkages={("ASK", "outbox"): ("TUNER", "inbox"),
                  ("TUNER", "outbox"): ("FILE", "inbox"),
                  ("TUNER", "signal"): ("FILE", "control")},
    ).run()

Tune to a channel of a ``channels.conf``::

    from Kamaelia.Support.DVB.ChannelsConf import readChannels

    channel = readChannels("channels.conf")["BBC ONE"]
    Tuner(0, channel)          # a Channel instead of feparams: its frequency is used

Replay a recorded dvr stream through the stand-in kernel (this runs
anywhere): the Tuner tunes, sets filters for PIDs 600 and 18, and passes
on just their packets, as a card's demux would::

    import os, tempfile
    from Kamaelia.Chassis.Graphline import Graphline
    from Kamaelia.Device.DVB.Tuner import Tuner
    from Kamaelia.Support.DVB.LinuxDVB import ReplayKernel
    from Kamaelia.Util.Console import ConsoleEchoer
    from Kamaelia.Util.OneShot import OneShot
    from Kamaelia.Util.PureTransformer import PureTransformer

    def packet(pid, counter):
        return bytes([0x47, pid >> 8, pid & 0xFF, 0x10 | counter]).ljust(188, b"\\xff")

    recording = os.path.join(tempfile.mkdtemp(), "dvr0.ts")
    with open(recording, "wb") as f:
        f.write(b"".join(packet(pid, n) for n in range(3) for pid in (600, 601, 18)))

    Graphline(
        ASK=OneShot(msg=["ADD", [600, 18]]),
        TUNER=Tuner(505.833333, {"constellation": "QAM_16"},
                    kernel=ReplayKernel(dvr=recording)),
        COUNT=PureTransformer(lambda data: f"{len(data) // 188} packets\\n"),
        OUT=ConsoleEchoer(),
        linkages={("ASK", "outbox"): ("TUNER", "inbox"),
                  ("TUNER", "outbox"): ("COUNT", "inbox"),
                  ("TUNER", "signal"): ("COUNT", "control"),
                  ("COUNT", "outbox"): ("OUT", "inbox"),
                  ("COUNT", "signal"): ("OUT", "control")},
    ).run()                                     # prints "6 packets"

How does it work?
-----------------
``Tuner(freq, feparams={}, card=0)`` runs in its own thread. It opens
``/dev/dvb/adapter{card}/frontend0``, tunes it (:meth:`Tuner.tune_DVB`: one
``FE_SET_PROPERTY`` with the DVBv5 properties) and polls ``FE_READ_STATUS``
every ``lockPollInterval`` (0.1 s) until the frontend locks, logging a
warning every ``lockTimeout`` (10 s) that it has not, with what the
frontend has (signal, carrier ...), and carrying on: the signal may come.
Then it opens ``dvr0`` (with a ``bufferSize`` of 4 MiB, about a second of
a busy multiplex, if the driver allows) and, while any PID is wanted,
sends out of ``"outbox"`` what ``dvr0`` delivers: ``bytes`` of whole
188-byte packets, one message per read.

``freq`` is in MHz (1.14's unit; values of 100000 and more are taken as
Hz, since 1.14's own examples gave both). ``feparams`` is 1.14's dict of
DVBv3 parameters (``inversion``, ``bandwidth``, ``code_rate_HP``,
``code_rate_LP``, ``constellation``, ``transmission_mode``,
``guard_interval``, ``hierarchy_information``; ``symbol_rate``,
``fec_inner``, ``modulation`` for cable and satellite; ``polarisation``
and ``sat_no`` for satellite), with a ``frequency`` in Hz that wins over
``freq``, as :func:`Kamaelia.Support.DVB.ChannelsConf.read_channel_configs`
gives; what is not given is left to the frontend's automatic detection
(the kernel's defaults after ``DTV_CLEAR``). Without a DVB-T key, a
``delivery_system`` or a satellite key, the delivery system is the
frontend's own kind (FE_GET_INFO), as 1.14 did. ``feparams`` may also be
a :class:`~Kamaelia.Support.DVB.ChannelsConf.Channel`.

Send requests to ``"inbox"`` (lists or tuples, as 1.14's)::

    ["ADD",    [pid, pid, ...]]      # start passing these PIDs (0x2000: all)
    ["REMOVE", [pid, pid, ...]]      # stop passing them

Each added PID gets a demux filter (``DMX_SET_PES_FILTER`` to the TS tap);
removing stops it (``DMX_STOP``). Requests that arrive before the lock are
carried out once it comes. A malformed request, a PID that is not an int
from 0 to 0x2000, or a PID the kernel refuses, is logged and skipped.
``Kamaelia.Device.DVB.DemuxerService`` sends these requests (see
``Kamaelia.Device.DVB.Receiver``).

Shutdown and failure
--------------------
A ``producerFinished`` or ``shutdownMicroprocess`` on ``"control"`` (also
while waiting for the lock) stops the filters, closes the devices, and is
passed on out of ``"signal"``. (So in a ``Pipeline`` after a ``OneShot``
the Tuner stops as soon as the OneShot finishes: link the OneShot's
outbox only, as above.) Parameters that cannot tune (a bad ``card``,
frequency or ``feparams`` key or value) raise ``ValueError`` naming the
value when the Tuner is made. If a device cannot be opened or fails
(:class:`~Kamaelia.Support.DVB.LinuxDVB.DVBDeviceError`: no adapter,
adapter busy, permission, a delivery system the card lacks), the reason is
logged as an error (logger ``Kamaelia.Device.DVB.Tuner``), kept in the
``error`` attribute, and the Tuner ends, sending ``producerFinished`` out
of ``"signal"``. A full destination holds the Tuner back (the kernel's
buffer takes up the slack; when it overflows, the loss is logged). When
a file or pipe standing in for ``dvr0`` ends (a replay), the Tuner sends
what it read, logs that the stream ended, and ends with
``producerFinished``. Either way every device it opened is closed.

For tests and replays, ``kernel=`` replaces the kernel (e.g. with a
:class:`~Kamaelia.Support.DVB.LinuxDVB.ReplayKernel`).

Differences from 1.14
---------------------
1.14's Tuner raised ``NotImplementedError`` on import ("bit rot"), needed
the Pyrex ``dvb3`` bindings, and could not have run: ``main`` called a
``tune_DVBT`` method that did not exist and ``tune_DVB`` used an undefined
``fe``; it waited for a lock for ever without seeing shutdown messages; an
unknown request replaced its table of filters with None; and it sent
reads of 2048 bytes, which cut packets in two. This one tunes through
DVBv5 properties (so DVB-T2, DVB-S2 and the rest work), takes the
frequency from ``feparams`` or a ``Channel``, sends whole packets, sees
shutdown messages while it waits for a lock, and reports device errors
instead of dying in its thread. The keyword arguments ``kernel=`` and
``lnb=`` are new. ``DVB_RESYNC`` is
``b"\\x47"`` (bytes, not a str).
"""

from __future__ import annotations

import logging
import reprlib
import time
from typing import Any, Callable, Mapping, Sequence

from Axon.AxonExceptions import noSpaceInBox
from Axon.Ipc import ipc, producerFinished, shutdownRequest
from Axon.ThreadedComponent import threadedcomponent
from Kamaelia.Support.DVB.ChannelsConf import Channel, channelFromFeparams
from Kamaelia.Support.DVB.LinuxDVB import (
    FE_HAS_LOCK, SYS_DVBT, Demux, DVBDeviceError, DVBKernel, Dvr, Frontend, Lnb, PidFilter,
    UNIVERSAL_LNB, devicePath, statusNames,
)

__all__ = ["Tuner", "DVB_PACKET_SIZE", "DVB_RESYNC", "frequencyInHz"]

log = logging.getLogger("Kamaelia.Device.DVB.Tuner")

#: The size of a transport stream packet.
DVB_PACKET_SIZE = 188
#: The byte each transport stream packet starts with.
DVB_RESYNC = b"\x47"

#: PID 0x2000: "every PID", to most drivers.
_ALL_PIDS = 0x2000


def frequencyInHz(freq: float | int | None) -> int | None:
    """1.14's frequency argument in Hz: MHz, or Hz if 100000 or more; None for 0/None."""
    if freq is None or freq == 0:
        return None
    if isinstance(freq, bool) or not isinstance(freq, (int, float)) or freq < 0:
        raise ValueError(f"a frequency is a positive number (MHz, or Hz), not {freq!r}")
    return int(round(freq)) if freq >= 100_000 else int(round(freq * 1_000_000))


def _isPid(pid: Any) -> bool:
    return isinstance(pid, int) and not isinstance(pid, bool) and 0 <= pid <= _ALL_PIDS


def _isRequest(cmd: Any) -> bool:
    return (isinstance(cmd, (list, tuple)) and len(cmd) >= 2 and cmd[0] in ("ADD", "REMOVE")
            and isinstance(cmd[1], (list, tuple, set, frozenset)))


def _checkTuning(freq: float | int | None, feparams: Mapping[str, Any] | Channel,
                 card: int) -> None:
    """Raise ValueError, naming the bad value, for arguments that cannot tune."""
    devicePath(card, "frontend")
    hz = frequencyInHz(freq)
    if not isinstance(feparams, Channel):
        # DVB-T stands in for the frontend's own kind, which is asked only when tuning.
        channelFromFeparams(feparams, hz, SYS_DVBT)


class Tuner(threadedcomponent):
    """Tuner(freq[, feparams][, card]) -> new Tuner component.

    Tunes DVB adapter ``card`` and sends out the packets of the PIDs asked
    for on ``"inbox"`` (``["ADD", [pids]]`` / ``["REMOVE", [pids]]``).

    - freq     -- the frequency in MHz (0: take ``feparams["frequency"]``, in Hz)
    - feparams -- 1.14's tuning parameters (a dict), or a ChannelsConf ``Channel``
    - card     -- the adapter number (``/dev/dvb/adapter{card}``)
    - kernel   -- a replacement for the kernel (tests, replays)
    - lnb      -- the satellite LNB (default: universal)
    """

    Inboxes = {"inbox": "[\"ADD\", [pid, ...]] / [\"REMOVE\", [pid, ...]] requests",
               "control": "shutdown signalling"}
    Outboxes = {"outbox": "the transport stream: bytes of whole 188-byte packets",
                "signal": "shutdown signalling (producerFinished if the tuner failed)"}

    #: Seconds between FE_READ_STATUS polls while waiting for a lock.
    lockPollInterval: float = 0.1
    #: Seconds between "no lock yet" warnings.
    lockTimeout: float = 10.0
    #: Longest wait for data from dvr0 before looking at the inboxes again.
    readTimeout: float = 0.1
    #: The dvr0 ring buffer asked for (None: the driver's default).
    bufferSize: int | None = 4 * 1024 * 1024

    def __init__(self, freq: float | int | None, feparams: Mapping[str, Any] | Channel = {},
                 card: int = 0, kernel: DVBKernel | None = None, lnb: Lnb = UNIVERSAL_LNB,
                 **argd: Any) -> None:
        """x.__init__(...) initializes x; see x.__class__.__doc__ for signature"""
        _checkTuning(freq, feparams, card)
        super().__init__(**argd)
        self.freq = freq
        self.feparams = feparams
        self.card = card
        self.kernel = kernel
        self.lnb = lnb
        self.error: Exception | None = None
        self.fe: Frontend | None = None
        self.dvr: Dvr | None = None
        self._demux: Demux | None = None
        self.demuxers: dict[int, PidFilter] = {}
        self._request: ipc | None = None
        self._lastStatus = 0
        self._early: list[Any] = []         # requests that came before the lock

    # -- 1.14's methods ---------------------------------------------------

    def shutdown(self) -> bool:
        """True once a shutdown message has come on "control" (taken, and kept to pass on)."""
        if self._request is None:
            self._request = shutdownRequest(self)
        return self._request is not None

    def tune_DVB(self, frequency: float | int | None, feparams: Mapping[str, Any] | Channel = {}
                 ) -> None:
        """Tune the frontend (``frequency`` in MHz; ``feparams`` as the constructor's)."""
        frontend = self._frontend()
        if isinstance(feparams, Channel):
            channel = feparams
            hz = frequencyInHz(frequency)
            if hz is not None and hz != channel.frequency:
                log.warning("%s: tuning to %s at %d Hz as its channels.conf says, not %d Hz",
                            self.name, channel.name, channel.frequency, hz)
        else:
            channel = channelFromFeparams(feparams, frequencyInHz(frequency),
                                          frontend.defaultDeliverySystem)
        frontend.tuneChannel(channel, self.lnb)

    def notLocked(self) -> bool:
        """True if the frontend has not locked yet."""
        self._lastStatus = self._frontend().readStatus()
        return not self._lastStatus & FE_HAS_LOCK

    def addPID(self, pid: int) -> PidFilter:
        """Start passing ``pid`` to dvr0; returns its filter (with a ``stop()``)."""
        if self._demux is None:
            self._demux = Demux(self.card, kernel=self.kernel)
        return self._demux.addPid(pid)

    def handleCommand(self, cmd: Any, demuxers: dict[int, PidFilter]) -> dict[int, PidFilter]:
        """Carry out one ADD/REMOVE request; returns the table of filters (PID -> filter)."""
        if not _isRequest(cmd):
            log.warning("%s ignored a request that is not [\"ADD\"|\"REMOVE\", [pids]]: %s",
                        self.name, reprlib.repr(cmd))
            return demuxers
        for pid in cmd[1]:
            if not _isPid(pid):
                log.warning("%s ignored PID %s of a request: a PID is an int from 0 to "
                            "0x1FFF, or 0x2000 for all", self.name, reprlib.repr(pid))
            elif cmd[0] == "ADD":
                self._add(pid, demuxers)
            elif pid in demuxers:
                self._remove(pid, demuxers)
        return demuxers

    # -- running ----------------------------------------------------------

    def _add(self, pid: int, demuxers: dict[int, PidFilter]) -> None:
        if pid in demuxers:
            return
        try:
            demuxers[pid] = self.addPID(pid)
        except DVBDeviceError as error:
            log.error("%s could not add PID %#x: %s", self.name, pid, error)

    def _remove(self, pid: int, demuxers: dict[int, PidFilter]) -> None:
        found = demuxers.pop(pid)
        if self._demux is not None and self._demux.filters.get(pid) is found:
            del self._demux.filters[pid]
        found.stop()

    def _frontend(self) -> Frontend:
        if self.fe is None:
            self.fe = Frontend(self.card, kernel=self.kernel)
        return self.fe

    def initialPids(self) -> Sequence[int]:
        """PIDs to pass from the start (none: they come as requests)."""
        return ()

    def main(self) -> None:
        try:
            outcome = self._run()
        except (DVBDeviceError, ValueError) as error:
            self.error = error
            log.error("%s: %s", self.name, error)
            outcome = producerFinished(self)
        finally:
            self._closeAll()
        self.send(outcome, "signal")

    def _run(self) -> ipc:
        self.tune_DVB(self.freq, self.feparams)
        if not self._waitForLock():
            assert self._request is not None
            return self._request
        self.dvr = Dvr(self.card, kernel=self.kernel)
        if self.bufferSize is not None:
            try:
                self.dvr.setBufferSize(self.bufferSize)
            except DVBDeviceError as error:
                log.warning("%s: keeping the driver's buffer size: %s", self.name, error)
        if self.initialPids():
            self.demuxers = self.handleCommand(["ADD", list(self.initialPids())], self.demuxers)
        for cmd in self._early:
            self.demuxers = self.handleCommand(cmd, self.demuxers)
        self._early = []
        return self._pass(self.dvr)

    def _handleRequests(self) -> None:
        # (a method of its own, so that no request stays bound while the thread waits)
        for cmd in self.Inbox("inbox"):
            self.demuxers = self.handleCommand(cmd, self.demuxers)

    def _pass(self, dvr: Dvr) -> ipc:
        """Send what dvr0 delivers until told to stop (or a stand-in's stream ends)."""
        while not self.shutdown():
            self._handleRequests()
            if not self.demuxers:
                self.pause()                # until a request (or shutdown) comes
                continue
            data = dvr.readPackets(self.readTimeout)
            if data:
                self._sendHeldBack(data)
            elif dvr.ended:
                log.info("%s: the stream from %s ended", self.name, dvr.path)
                return producerFinished(self)
        assert self._request is not None
        return self._request

    def _waitForLock(self) -> bool:
        """Poll until locked (True) or told to stop (False); requests wait in ``_early``."""
        lastWarning = time.monotonic()
        while not self.shutdown():
            self._early.extend(self.Inbox("inbox"))
            if not self.notLocked():
                return True
            now = time.monotonic()
            if now - lastWarning >= self.lockTimeout:
                lastWarning = now
                log.warning("%s: no lock on %s yet (the frontend has: %s); still trying",
                            self.name, self._frontend().path, statusNames(self._lastStatus))
            self.pause(self.lockPollInterval)   # a message ends the wait early
        return False

    def _sendHeldBack(self, data: bytes) -> None:
        """Send, waiting while the destination is full, unless told to stop meanwhile."""
        while True:
            try:
                self.send(data, "outbox", block=True, timeout=0.5)
                return
            except noSpaceInBox:
                if self.dataReady("control") or self._isStopped():
                    log.warning("%s dropped %d bytes at shutdown: the destination was full",
                                self.name, len(data))
                    return

    def _closeAll(self) -> None:
        closers: list[Callable[[], None]] = []
        if self._demux is not None:
            closers.append(self._demux.close)
        closers += [pidFilter.stop for pidFilter in self.demuxers.values()]
        if self.dvr is not None:
            closers.append(self.dvr.close)
        if self.fe is not None:
            closers.append(self.fe.close)
        for close in closers:
            try:
                close()
            except OSError as error:
                log.warning("%s: %s", self.name, error)
        self.demuxers = {}


__kamaelia_components__ = (Tuner,)
