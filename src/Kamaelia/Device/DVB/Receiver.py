"""Receiver: a DVB tuner shared by many clients, each asking for the PIDs it wants.

**Not tried on real hardware**: there is no DVB adapter on the machine it
was written on (see ``Kamaelia.Device.DVB.Tuner``: the kernel path was
tested against a stand-in kernel only).

Example Usage
-------------
Make a receiver a named service, then subscribe to PIDs: the video and audio
of one channel to a file, and the EIT (PID 18) to another. Without a DVB
adapter the tuner logs why ("no DVB adapter 0 ...") and the receiver ends::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Device.DVB.Receiver import Receiver
    from Kamaelia.Experimental.Services import RegisterService, Subscribe
    from Kamaelia.File.Writing import SimpleFileWriter
    from Kamaelia.Support.DVB.LinuxDVB import FEC_3_4, INVERSION_AUTO, QAM_16

    feparams = {"inversion": INVERSION_AUTO, "constellation": QAM_16,
                "code_rate_HP": FEC_3_4, "code_rate_LP": FEC_3_4}
    RegisterService(Receiver(505.833330, feparams), {"DEMUXER": "inbox"}).activate()
    Pipeline(Subscribe("DEMUXER", [600, 601]),
             SimpleFileWriter("recording_of_600_and_601.ts")).run()

How does it work?
-----------------
``Receiver(frequency, feparams, card=0)`` is a prefab: a ``Graphline`` of a
:class:`~Kamaelia.Device.DVB.Tuner.Tuner` (``frequency`` in MHz,
``feparams`` as the Tuner takes them) and a
``Kamaelia.Device.DVB.DemuxerService.DemuxerService``. Use it as you would
the DemuxerService, but send requests to its ``"inbox"``::

    ("ADD",    [pid, pid, ...], (dest_component, dest_inboxname))
    ("REMOVE", [pid, pid, ...], (dest_component, dest_inboxname))

The DemuxerService's own ``("ADD", [pid])`` / ``("REMOVE", [pid])``
requests go to the Tuner, so the tuner passes just the PIDs its clients
want. A shutdown message on the Graphline's ``"control"`` goes to the
Tuner, whose ``"signal"`` goes to the DemuxerService, whose ``"signal"``
leaves the Graphline: the whole receiver ends, and the message is passed
on. Further keyword arguments (``kernel=``, ``lnb=``, ``readTimeout=`` ...) go to
the Tuner.

Differences from 1.14
---------------------
1.14's module raised ``NotImplementedError`` on import ("bit rot");
otherwise the wiring is 1.14's.
"""

from __future__ import annotations

from typing import Any, Mapping

from Kamaelia.Chassis.Graphline import Graphline
from Kamaelia.Device.DVB.Tuner import Tuner
from Kamaelia.Support.DVB.ChannelsConf import Channel

__all__ = ["Receiver"]


def Receiver(frequency: float | int | None, feparams: Mapping[str, Any] | Channel,
             card: int = 0, **tunerOptions: Any) -> Graphline:
    """Receiver(frequency, feparams[, card]) -> new Receiver (a Graphline).

    - frequency -- MHz (0: ``feparams["frequency"]``, in Hz)
    - feparams  -- the Tuner's tuning parameters (a dict, or a ChannelsConf ``Channel``)
    - card      -- the DVB adapter number
    """
    # Imported here: DemuxerService needs nothing of this module, and a
    # program that only tunes should not need it.
    from Kamaelia.Device.DVB.DemuxerService import DemuxerService

    return Graphline(
        TUNER=Tuner(frequency, feparams, card, **tunerOptions),
        DEMUX=DemuxerService(),
        linkages={
            ("self", "inbox"): ("DEMUX", "request"),
            ("DEMUX", "pid_request"): ("TUNER", "inbox"),
            ("TUNER", "outbox"): ("DEMUX", "inbox"),
            # shutdown goes through the tuner, then the demuxer, then out
            ("self", "control"): ("TUNER", "control"),
            ("TUNER", "signal"): ("DEMUX", "control"),
            ("DEMUX", "signal"): ("self", "signal"),
        },
    )


__kamaelia_prefabs__ = (Receiver,)
