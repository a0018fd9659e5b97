"""Core: receive a fixed set of PIDs from a DVB multiplex (DVB_Multiplex), and split packets by PID (DVB_Demuxer).

**DVB_Multiplex was not tried on real hardware**: there is no DVB adapter
on the machine it was written on. It is a
:class:`~Kamaelia.Device.DVB.Tuner.Tuner` with its PIDs given at the start,
and the Tuner's kernel path (``Kamaelia.Support.DVB.LinuxDVB``) was tested
against a stand-in kernel only (that module says what is assumed).

Example Usage
-------------
Split a stream by PID: PIDs 600 and 601 out of "outbox" and each also out
of an outbox of its own, 610 and 611 together out of "two" (this runs
anywhere; the stream is made on the spot)::

    from Kamaelia.Chassis.Graphline import Graphline
    from Kamaelia.Device.DVB.Core import DVB_Demuxer
    from Kamaelia.Util.Console import ConsoleEchoer
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.PureTransformer import PureTransformer

    def packet(pid):
        return bytes([0x47, pid >> 8, pid & 0xFF, 0x10]).ljust(188, b"\\xff")

    Graphline(
        SOURCE=DataSource([packet(600) + packet(610) + packet(601) + packet(18)]),
        DEMUX=DVB_Demuxer({600: ["outbox", "video"], 601: ["outbox", "audio"],
                           610: ["two"], 611: ["two"]}),
        SHOW=PureTransformer(lambda p: f"{(p[1] & 0x1F) << 8 | p[2]}\\n"),
        OUT=ConsoleEchoer(),
        linkages={("SOURCE", "outbox"): ("DEMUX", "inbox"),
                  ("SOURCE", "signal"): ("DEMUX", "control"),
                  ("DEMUX", "outbox"): ("SHOW", "inbox"),
                  ("DEMUX", "signal"): ("SHOW", "control"),
                  ("SHOW", "outbox"): ("OUT", "inbox"),
                  ("SHOW", "signal"): ("OUT", "control")},
    ).run()                                     # prints 600 and 601

Record the video and audio PIDs of 'BBC ONE' (a DVB adapter is needed;
without one the reason is logged and it ends)::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Device.DVB.Core import DVB_Multiplex
    from Kamaelia.File.Writing import SimpleFileWriter
    from Kamaelia.Support.DVB.LinuxDVB import FEC_3_4, INVERSION_AUTO, QAM_16

    feparams = {"inversion": INVERSION_AUTO, "constellation": QAM_16,
                "code_rate_HP": FEC_3_4, "code_rate_LP": FEC_3_4}
    Pipeline(DVB_Multiplex(505.833330, [600, 601], feparams),
             SimpleFileWriter("BBC ONE.ts")).run()

How does it work?
-----------------
``DVB_Multiplex(freq, pids, feparams={}, card=0)`` tunes adapter ``card``
(``freq`` in MHz; with ``freq`` 0 the frequency comes from
``feparams["frequency"]`` in Hz, as ``ChannelsConf.read_channel_configs``
gives it) and, once locked, sends out of ``"outbox"`` the packets of
``pids`` (``[0x2000]``: the whole multiplex) as ``bytes`` of whole
188-byte packets. It is a Tuner (see ``Kamaelia.Device.DVB.Tuner`` for the
parameters, the lock wait, shutdown and errors), so ``["ADD", [pids]]``
and ``["REMOVE", [pids]]`` on its "inbox" change the PIDs as well. A
``pids`` that is not a list of ints from 0 to 0x2000 raises
``ValueError`` naming the bad value when it is made; ``kernel=`` replaces
the kernel (see :class:`~Kamaelia.Support.DVB.LinuxDVB.ReplayKernel`).

``DVB_Demuxer(pidmap)`` is
:class:`~Kamaelia.Device.DVB.SoftDemux.DVB_SoftDemuxer` with 1.14's name
and 1.14's two packet checks as methods (the demuxer makes the same checks
inline, for speed: overriding the methods does not change it):
``pidmap`` maps each PID (or ``"default"``, for the PIDs not named) to a list of outbox names, made if
new; a packet goes out of each outbox its PID maps to; packets of PIDs not
mapped are dropped, as are packets flagged in error
(:meth:`DVB_Demuxer.errorIndicatorSet`) or scrambled
(:meth:`DVB_Demuxer.scrambledPacket`). It takes chunks of any size and
resynchronises over junk. Shutdown as DVB_SoftDemuxer: on
``producerFinished`` it splits everything received first, on
``shutdownMicroprocess`` what is waiting; then it passes the message on
out of ``"signal"``.

The functions ``tune_DVB(fe, frequency, feparams={})``, ``notLocked(fe)``
and ``addPIDS(pids, card=0, kernel=None)`` (which returns the filters,
each with a ``stop()``) are 1.14's steps, on a
:class:`~Kamaelia.Support.DVB.LinuxDVB.Frontend`.

Differences from 1.14
---------------------
1.14's module raised ``NotImplementedError`` on import ("bit rot") and
needed the Pyrex ``dvb3`` bindings. Its DVB_Multiplex never looked at its
"control" inbox while waiting for a lock or reading (a blocking read), so
it could not be stopped, and ``addPIDS`` always used adapter 0 whatever
the card; here ``addPIDS`` takes the card (default 0) and returns the
filters. DVB_Multiplex also takes ``["ADD"/"REMOVE", [pids]]`` requests
(it is a Tuner); 1.14's ignored its "inbox". Its DVB_Demuxer
resynchronised on the first 0x47 byte it saw; this one (DVB_SoftDemuxer's
reader) needs two more a packet apart.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

from Kamaelia.Device.DVB.SoftDemux import DVB_SoftDemuxer
from Kamaelia.Device.DVB.Tuner import DVB_PACKET_SIZE, DVB_RESYNC, Tuner, frequencyInHz
from Kamaelia.Support.DVB.ChannelsConf import Channel, channelFromFeparams
from Kamaelia.Support.DVB.LinuxDVB import Demux, DVBKernel, Frontend, PidFilter

__all__ = ["DVB_Multiplex", "DVB_Demuxer", "tune_DVB", "notLocked", "addPIDS",
           "DVB_PACKET_SIZE", "DVB_RESYNC"]


def tune_DVB(fe: Frontend, frequency: float | int | None,
             feparams: Mapping[str, Any] | Channel = {}) -> None:
    """Tune ``fe`` (``frequency`` in MHz, unless ``feparams`` has a ``frequency`` in Hz)."""
    if isinstance(feparams, Channel):
        fe.tuneChannel(feparams)
    else:
        fe.tuneChannel(channelFromFeparams(feparams, frequencyInHz(frequency),
                                           fe.defaultDeliverySystem))


def notLocked(fe: Frontend) -> bool:
    """True if the frontend has not locked yet."""
    return not fe.hasLock()


def addPIDS(pids: Sequence[int], card: int = 0, kernel: DVBKernel | None = None
            ) -> list[PidFilter]:
    """Pass each of ``pids`` to ``/dev/dvb/adapter{card}/dvr0``; returns their filters
    (each with a ``stop()``)."""
    demux = Demux(card, kernel=kernel)
    return [demux.addPid(pid) for pid in pids]


class DVB_Multiplex(Tuner):
    """DVB_Multiplex(freq, pids, feparams={}, card=0) -> new DVB_Multiplex component.

    Tunes DVB adapter ``card`` and sends out the packets of ``pids``.

    - freq     -- MHz; 0 to take ``feparams["frequency"]`` (Hz)
    - pids     -- the PIDs to receive (``[0x2000]``: all)
    - feparams -- 1.14's tuning parameters, or a ChannelsConf ``Channel``
    - card     -- the adapter number
    """

    def __init__(self, freq: float | int | None, pids: Sequence[int],
                 feparams: Mapping[str, Any] | Channel = {}, card: int = 0,
                 kernel: DVBKernel | None = None, **argd: Any) -> None:
        """x.__init__(...) initializes x; see x.__class__.__doc__ for signature"""
        if isinstance(pids, (str, bytes)) or not isinstance(pids, Sequence):
            raise ValueError(f"pids is a list of PIDs, not {pids!r}")
        for pid in pids:
            if isinstance(pid, bool) or not isinstance(pid, int) or not 0 <= pid <= 0x2000:
                raise ValueError(f"a PID is an int from 0 to 0x1FFF (or 0x2000 for all), "
                                 f"not {pid!r}")
        super().__init__(freq, feparams, card, kernel=kernel, **argd)
        self.pids = list(pids)

    def initialPids(self) -> Sequence[int]:
        return self.pids


class DVB_Demuxer(DVB_SoftDemuxer):
    """DVB_Demuxer(pidmap) -> new DVB_Demuxer component.

    Sends each packet out of the outboxes its PID maps to.

    - pidmap -- dict: PID (or ``"default"``) -> list of outbox names (made if new)
    """

    Inboxes = {"inbox": "chunks of transport stream (bytes of any size)",
               "control": "shutdown signalling"}

    def errorIndicatorSet(self, packet: bytes) -> int:
        """Non-zero if the packet's transport_error_indicator is set."""
        return packet[1] & 0x80

    def scrambledPacket(self, packet: bytes) -> int:
        """Non-zero if the packet's transport_scrambling_control is not 0."""
        return packet[3] & 0xC0


__kamaelia_components__ = (DVB_Multiplex, DVB_Demuxer)
