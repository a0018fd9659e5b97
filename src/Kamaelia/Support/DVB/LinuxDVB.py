"""LinuxDVB: tune a DVB tuner and read its transport stream through the Linux kernel's DVB API.

**Not tried on real hardware.** There is no DVB adapter on the machine
this was written on. The module follows the kernel's user-space headers
(``linux/dvb/frontend.h`` and ``linux/dvb/dmx.h``) and the documented
DVBv5 API, and its tests run against :class:`ReplayKernel`: a stand-in
kernel that checks every ``ioctl`` against the headers' layouts, records
the exact bytes it was given, and answers from a fixed transcript of what a
kernel answers (FE_GET_INFO's 168 bytes, FE_READ_STATUS flags, the delivery
systems of DTV_ENUM_DELSYS). Those transcripts were written from the
headers, not captured from a card. What is *assumed* without a card to
show it: that drivers accept the whole tuning (``DTV_CLEAR`` to
``DTV_TUNE``) in one FE_SET_PROPERTY; that PID 0x2000 passes the whole
multiplex (most drivers do, some do not); the DiSEqC 1.0 and LNB sequence
below; and the wording of the errors for ``EBUSY`` and ``EACCES``. If you
run it on a card, the DEBUG log (logger ``Kamaelia.Support.DVB.LinuxDVB``)
shows every ioctl it makes.

Example Usage
-------------
Ask adapter 0 what it is (this runs anywhere: without a DVB adapter it prints
why not)::

    from Kamaelia.Support.DVB.LinuxDVB import DVBDeviceError, Frontend, deliverySystemName

    try:
        with Frontend(0) as frontend:
            print(frontend.info().name,
                  [deliverySystemName(system) for system in frontend.deliverySystems()])
    except DVBDeviceError as error:
        print(error)           # e.g. "no DVB adapter 0 (/dev/dvb/adapter0/frontend0 does not exist)"

Tune a DVB-T multiplex, pass two PIDs to the DVR device and read packets
(here through a :class:`ReplayKernel`, so it runs without a card; leave
out ``kernel=`` to use the real one)::

    from Kamaelia.Support.DVB.LinuxDVB import (Demux, Dvr, Frontend, ReplayKernel,
        SYS_DVBT, DTV_BANDWIDTH_HZ, DTV_MODULATION, QAM_16)

    kernel = ReplayKernel()
    with Frontend(0, kernel=kernel) as frontend, Demux(0, kernel=kernel) as demux, \\
            Dvr(0, kernel=kernel) as dvr:
        frontend.tune(SYS_DVBT, 505_833_333,
                      {DTV_BANDWIDTH_HZ: 8_000_000, DTV_MODULATION: QAM_16})
        frontend.waitForLock(timeout=5.0)
        demux.addPid(600)
        demux.addPid(601)
        packets = dvr.readPackets(timeout=0.1)     # bytes, a multiple of 188
    print([call.name for call in kernel.ioctls])

(:mod:`Kamaelia.Support.DVB.ChannelsConf` reads the tuning parameters from a
``channels.conf``; ``frontend.tuneChannel(channel)`` tunes one of its channels.)

How does it work?
-----------------
A DVB adapter appears as ``/dev/dvb/adapterN/`` with three devices:

* ``frontend0`` -- the tuner and demodulator. Opened read-write and
  non-blocking (only one program may hold it read-write: another one gets
  ``EBUSY``). :meth:`Frontend.tune` sends one ``FE_SET_PROPERTY`` ioctl
  with the DVBv5 property list ``DTV_CLEAR``, ``DTV_DELIVERY_SYSTEM``,
  ``DTV_FREQUENCY``, the channel's other ``DTV_*`` properties in ascending
  command order, then ``DTV_TUNE``; :meth:`Frontend.waitForLock` polls
  ``FE_READ_STATUS`` until ``FE_HAS_LOCK`` or the timeout.
  :meth:`Frontend.info` is ``FE_GET_INFO``; :meth:`Frontend.deliverySystems`
  is ``FE_GET_PROPERTY`` of ``DTV_ENUM_DELSYS`` (falling back to the old
  ``fe_type`` of ``FE_GET_INFO`` on kernels before 3.3), checked before
  tuning so that "this card cannot receive DVB-S2" is said plainly.
* ``demux0`` -- the PID filters. :meth:`Demux.addPid` opens it once per PID
  and sets a PES filter (``DMX_SET_PES_FILTER``: input ``DMX_IN_FRONTEND``,
  output ``DMX_OUT_TS_TAP``, type ``DMX_PES_OTHER``, flag
  ``DMX_IMMEDIATE_START``), so the PID's whole TS packets go to the dvr
  device; :meth:`PidFilter.stop` is ``DMX_STOP`` and a close. One file
  descriptor per PID (as Kamaelia 1.14 and ``dvbv5-zap`` do) works with every
  kernel; ``DMX_ADD_PID`` / ``DMX_REMOVE_PID`` on one filter
  (:meth:`PidFilter.addPid`, :meth:`PidFilter.removePid`) are there for
  callers that want one descriptor for many PIDs. PID ``0x2000`` asks most
  drivers for the whole multiplex.
* ``dvr0`` -- the filtered transport stream. :class:`Dvr` opens it read-only
  and non-blocking, sets its ring buffer with ``DMX_SET_BUFFER_SIZE`` when
  asked, waits for data with ``poll`` and reads in multiples of 188 bytes;
  :meth:`Dvr.readPackets` returns whole packets only, keeping a partial
  packet for the next call. When the ring buffer overflowed (the reader was
  too slow) the kernel's ``read`` fails once with ``EOVERFLOW``: that is
  counted in :attr:`Dvr.overflows`, logged as a warning, and reading goes on.
  A real dvr device never reaches an end; a file or pipe standing in for
  one does, and then :attr:`Dvr.ended` is set.

Satellite (DVB-S/S2): the frequency in a channel is the transponder's; the
kernel wants the LNB's intermediate frequency in kHz. :class:`Lnb` (the
default is :data:`UNIVERSAL_LNB`, 9750/10600 MHz switching at 11700 MHz)
gives it; the polarisation selects 13 V (vertical, right) or 18 V
(horizontal, left), the high band the 22 kHz tone, and a satellite number
0-3 a DiSEqC 1.0 committed switch, in the order ``szap`` uses: tone off,
voltage, 15 ms, the master command ``E0 10 38 Fx``, 15 ms, a tone burst,
15 ms, tone; all before ``FE_SET_PROPERTY``. The burst is A for even
satellite numbers and B for odd ones (libdvbv5's choice for 0 and 1;
``szap`` always sends A for 0-3): which one a simple A/B switch needs was
not tried.

All kernel access goes through one small object with ``open``, ``close``,
``ioctl(fd, request, arg)``, ``read`` and ``poll`` (:class:`DVBKernel`; the
real one is :class:`LinuxKernel`, on ``os``, ``fcntl`` and ``select``), and
all waiting through a :class:`Clock` (``monotonic`` and ``sleep``); pass
``kernel=`` and ``clock=`` to replay recorded behaviour in tests.

Errors are :class:`DVBDeviceError` (an ``OSError`` with the errno and the
device's path), worded for the person at the keyboard: ``ENOENT`` is "no
DVB adapter N", ``EBUSY`` "the adapter is in use by another program",
``EACCES`` "permission: add yourself to the video group". A lock that
does not come is :class:`LockTimeout` (also a ``TimeoutError``).

The stand-in kernel
-------------------
``ReplayKernel(adapters=(0,), frontendInfo=None, deliverySystems=(SYS_DVBT,
SYS_DVBT2), statuses=(locked,), dvr=None)`` answers for the devices of
the adapters named. Every descriptor it hands out is a real one (of
``/dev/null`` for frontends and demuxes; for ``dvr0`` the file or FIFO at
``dvr``, or a pipe nobody writes to), so reading, polling and leaks are
real. Its ioctls are checked as the kernel checks them: the request must
belong to the device (else ``ENOTTY``), a buffer argument must be exactly
the size the request number encodes and an ``_IO`` request takes an
integer (else ``EFAULT``), setting anything on a frontend needs a
read-write descriptor (else ``EPERM``), FE_SET_PROPERTY takes 1 to 64 properties and only a
delivery system the frontend has (else ``EINVAL``). It keeps each ioctl in
:attr:`ReplayKernel.ioctls` (an :class:`IoctlCall`: the device, the
request's name, the bytes of the argument, and for the property ioctls the
bytes of the ``dtv_property`` array the argument points at), reads the
PES filters it is given, and passes to ``dvr0`` only the packets of the
PIDs those filters pass (the source must hold whole packets from its
start). FE_READ_STATUS gives 0 until a ``DTV_TUNE``, then ``statuses`` one
by one, the last for ever. ``openErrors`` / ``ioctlErrors`` (path or
request name -> errno) make a call fail, and :meth:`ReplayKernel.overflowNextRead`
makes the next dvr read fail with ``EOVERFLOW``.

ioctl request numbers and struct sizes
--------------------------------------
The request numbers are computed as the kernel's ``_IOC(dir, type, nr,
size)`` macros compute them (:func:`IO`, :func:`IOR`, :func:`IOW`,
:func:`IOWR`), from the sizes of the ``ctypes`` structures below, so they
follow the machine's ABI. The generic encoding (``asm-generic/ioctl.h``:
x86, ARM, RISC-V, s390 ...) is ``dir << 30 | size << 16 | type << 8 | nr``
with read = 2, write = 1; PowerPC, MIPS, SPARC and Alpha use a 3-bit
direction at bit 29 (none = 1, read = 2, write = 4) and a 13-bit size;
PA-RISC swaps read (1) and write (2). The sizes on a 64-bit Linux (LP64:
x86-64 and aarch64 alike):

* ``struct dvb_frontend_info``: 168 bytes (``char name[128]`` and ten
  four-byte fields);
* ``struct dtv_property`` (packed): 76 bytes (``cmd``, three reserved
  words, a 56-byte union whose ``buffer`` member is 32 + 4 + 12 bytes and
  a pointer, ``result``); 72 with 4-byte pointers;
* ``struct dtv_properties``: 16 bytes (``__u32 num``, 4 bytes of padding,
  a pointer); 8 with 4-byte pointers;
* ``struct dmx_pes_filter_params``: 20 bytes (``__u16 pid``, 2 bytes of
  padding, three enums, ``__u32 flags``);
* ``struct dvb_diseqc_master_cmd``: 7 bytes (``__u8 msg[6]``, ``__u8 msg_len``);
* ``fe_status_t``: 4 bytes; a PID for DMX_ADD_PID: 2 bytes (``__u16``).

These give ``FE_GET_INFO`` = 0x80A86F3D, ``FE_READ_STATUS`` = 0x80046F45,
``FE_SET_PROPERTY`` = 0x40106F52, ``FE_GET_PROPERTY`` = 0x80106F53,
``FE_DISEQC_SEND_MASTER_CMD`` = 0x40076F3F, ``FE_SET_TONE`` = 0x6F42,
``FE_SET_VOLTAGE`` = 0x6F43, ``DMX_SET_PES_FILTER`` = 0x40146F2C,
``DMX_START`` = 0x6F29, ``DMX_STOP`` = 0x6F2A, ``DMX_SET_BUFFER_SIZE`` =
0x6F2D, ``DMX_ADD_PID`` = 0x40026F33 and ``DMX_REMOVE_PID`` = 0x40026F34.
On x86-64 these were checked against a C program compiled with the
kernel's headers (linux-libc-dev 6.1) printing the macros and the
``sizeof``/``offsetof`` of each struct. On aarch64 they are *assumed*
the same: it uses the same generic encoding and LP64 sizes, but no
aarch64 compiler or machine was at hand to confirm it. (A 32-bit program
on a 64-bit kernel gets the 32-bit layout, which kernels from 4.16
translate.) ``SYS_DVBC2`` (19) is not in the 6.1 headers; it is taken
from newer ones.

Not done: DVB-T2 multi-PLP selection beyond ``DTV_STREAM_ID``, DiSEqC 1.1/1.2
(rotors, cascaded switches) and Unicable, CI/CAM descrambling, frontend
statistics (``DTV_STAT_*``), and section filters (``DMX_SET_FILTER``); the
recorder filters PSI/SI from the transport stream itself.
"""

from __future__ import annotations

import ctypes
import errno as errnos
import fcntl
import logging
import os
import platform
import re
import select
import struct
import sys
import threading
import time
from dataclasses import dataclass
from typing import Callable, Iterable, Mapping, Protocol, Self, Sequence, Union

__all__ = [
    # the kernel interface and waiting
    "DVBKernel", "LinuxKernel", "Clock", "SystemClock", "IoctlArg",
    # the stand-in kernel (tests, replays)
    "ReplayKernel", "IoctlCall",
    # request-number encoding
    "IoctlLayout", "ioctlLayout", "HOST_IOCTL_LAYOUT", "IOC", "IO", "IOR", "IOW", "IOWR",
    # structures
    "DtvProperty", "DtvProperties", "DvbFrontendInfo", "DmxPesFilterParams",
    "DvbDiseqcMasterCmd",
    # devices
    "devicePath", "Frontend", "FrontendInfo", "Demux", "PidFilter", "Dvr",
    "Lnb", "UNIVERSAL_LNB", "tuningProperties", "isSatellite",
    # errors
    "DVBDeviceError", "LockTimeout",
    # names
    "deliverySystemName", "statusNames", "propertyName", "TS_PACKET_SIZE",
    "PROPERTY_NAMES", "DELIVERY_SYSTEMS", "ENUMS",
    # requests
    "FE_GET_INFO", "FE_DISEQC_RESET_OVERLOAD", "FE_DISEQC_SEND_MASTER_CMD",
    "FE_DISEQC_SEND_BURST", "FE_SET_TONE", "FE_SET_VOLTAGE", "FE_READ_STATUS",
    "FE_SET_PROPERTY", "FE_GET_PROPERTY", "DMX_START", "DMX_STOP", "DMX_SET_PES_FILTER",
    "DMX_SET_BUFFER_SIZE", "DMX_ADD_PID", "DMX_REMOVE_PID",
    # fe_type
    "FE_QPSK", "FE_QAM", "FE_OFDM", "FE_ATSC",
    # fe_status
    "FE_NONE", "FE_HAS_SIGNAL", "FE_HAS_CARRIER", "FE_HAS_VITERBI", "FE_HAS_SYNC",
    "FE_HAS_LOCK", "FE_TIMEDOUT", "FE_REINIT",
    # DTV commands
    "DTV_UNDEFINED", "DTV_TUNE", "DTV_CLEAR", "DTV_FREQUENCY", "DTV_MODULATION",
    "DTV_BANDWIDTH_HZ", "DTV_INVERSION", "DTV_DISEQC_MASTER", "DTV_SYMBOL_RATE",
    "DTV_INNER_FEC", "DTV_VOLTAGE", "DTV_TONE", "DTV_PILOT", "DTV_ROLLOFF",
    "DTV_DISEQC_SLAVE_REPLY", "DTV_FE_CAPABILITY_COUNT", "DTV_FE_CAPABILITY",
    "DTV_DELIVERY_SYSTEM", "DTV_ISDBT_PARTIAL_RECEPTION", "DTV_ISDBT_SOUND_BROADCASTING",
    "DTV_ISDBT_SB_SUBCHANNEL_ID", "DTV_ISDBT_SB_SEGMENT_IDX", "DTV_ISDBT_SB_SEGMENT_COUNT",
    "DTV_ISDBT_LAYERA_FEC", "DTV_ISDBT_LAYERA_MODULATION", "DTV_ISDBT_LAYERA_SEGMENT_COUNT",
    "DTV_ISDBT_LAYERA_TIME_INTERLEAVING", "DTV_ISDBT_LAYERB_FEC",
    "DTV_ISDBT_LAYERB_MODULATION", "DTV_ISDBT_LAYERB_SEGMENT_COUNT",
    "DTV_ISDBT_LAYERB_TIME_INTERLEAVING", "DTV_ISDBT_LAYERC_FEC",
    "DTV_ISDBT_LAYERC_MODULATION", "DTV_ISDBT_LAYERC_SEGMENT_COUNT",
    "DTV_ISDBT_LAYERC_TIME_INTERLEAVING", "DTV_API_VERSION", "DTV_CODE_RATE_HP",
    "DTV_CODE_RATE_LP", "DTV_GUARD_INTERVAL", "DTV_TRANSMISSION_MODE", "DTV_HIERARCHY",
    "DTV_ISDBT_LAYER_ENABLED", "DTV_STREAM_ID", "DTV_DVBT2_PLP_ID_LEGACY",
    "DTV_ENUM_DELSYS", "DTV_INTERLEAVING", "DTV_LNA", "DTV_SCRAMBLING_SEQUENCE_INDEX",
    "DTV_IOCTL_MAX_MSGS",
    # delivery systems
    "SYS_UNDEFINED", "SYS_DVBC_ANNEX_A", "SYS_DVBC_ANNEX_B", "SYS_DVBT", "SYS_DSS",
    "SYS_DVBS", "SYS_DVBS2", "SYS_DVBH", "SYS_ISDBT", "SYS_ISDBS", "SYS_ISDBC", "SYS_ATSC",
    "SYS_ATSCMH", "SYS_DTMB", "SYS_CMMB", "SYS_DAB", "SYS_DVBT2", "SYS_TURBO",
    "SYS_DVBC_ANNEX_C", "SYS_DVBC2",
    # enums of the tuning parameters
    "INVERSION_OFF", "INVERSION_ON", "INVERSION_AUTO",
    "FEC_NONE", "FEC_1_2", "FEC_2_3", "FEC_3_4", "FEC_4_5", "FEC_5_6", "FEC_6_7", "FEC_7_8",
    "FEC_8_9", "FEC_AUTO", "FEC_3_5", "FEC_9_10", "FEC_2_5",
    "QPSK", "QAM_16", "QAM_32", "QAM_64", "QAM_128", "QAM_256", "QAM_AUTO", "VSB_8",
    "VSB_16", "PSK_8", "APSK_16", "APSK_32", "DQPSK", "QAM_4_NR",
    "TRANSMISSION_MODE_2K", "TRANSMISSION_MODE_8K", "TRANSMISSION_MODE_AUTO",
    "TRANSMISSION_MODE_4K", "TRANSMISSION_MODE_1K", "TRANSMISSION_MODE_16K",
    "TRANSMISSION_MODE_32K", "TRANSMISSION_MODE_C1", "TRANSMISSION_MODE_C3780",
    "BANDWIDTH_8_MHZ", "BANDWIDTH_7_MHZ", "BANDWIDTH_6_MHZ", "BANDWIDTH_AUTO",
    "BANDWIDTH_5_MHZ", "BANDWIDTH_10_MHZ", "BANDWIDTH_1_712_MHZ", "BANDWIDTH_HZ",
    "GUARD_INTERVAL_1_32", "GUARD_INTERVAL_1_16", "GUARD_INTERVAL_1_8",
    "GUARD_INTERVAL_1_4", "GUARD_INTERVAL_AUTO", "GUARD_INTERVAL_1_128",
    "GUARD_INTERVAL_19_128", "GUARD_INTERVAL_19_256", "GUARD_INTERVAL_PN420",
    "GUARD_INTERVAL_PN595", "GUARD_INTERVAL_PN945",
    "HIERARCHY_NONE", "HIERARCHY_1", "HIERARCHY_2", "HIERARCHY_4", "HIERARCHY_AUTO",
    "PILOT_ON", "PILOT_OFF", "PILOT_AUTO",
    "ROLLOFF_35", "ROLLOFF_20", "ROLLOFF_25", "ROLLOFF_AUTO",
    "SEC_VOLTAGE_13", "SEC_VOLTAGE_18", "SEC_VOLTAGE_OFF", "SEC_TONE_ON", "SEC_TONE_OFF",
    "SEC_MINI_A", "SEC_MINI_B", "NO_STREAM_ID_FILTER",
    # demux
    "DMX_OUT_DECODER", "DMX_OUT_TAP", "DMX_OUT_TS_TAP", "DMX_OUT_TSDEMUX_TAP",
    "DMX_IN_FRONTEND", "DMX_IN_DVR", "DMX_PES_OTHER", "DMX_CHECK_CRC", "DMX_ONESHOT",
    "DMX_IMMEDIATE_START",
]

log = logging.getLogger("Kamaelia.Support.DVB.LinuxDVB")

#: The size of an MPEG-2 transport stream packet.
TS_PACKET_SIZE = 188

# --------------------------------------------------------------------------
# linux/dvb/frontend.h: constants (the values are the kernel's ABI)
# --------------------------------------------------------------------------

# enum fe_type (deprecated by the kernel, still what FE_GET_INFO reports)
FE_QPSK, FE_QAM, FE_OFDM, FE_ATSC = 0, 1, 2, 3

# enum fe_status
FE_NONE = 0x00
FE_HAS_SIGNAL = 0x01
FE_HAS_CARRIER = 0x02
FE_HAS_VITERBI = 0x04
FE_HAS_SYNC = 0x08
FE_HAS_LOCK = 0x10
FE_TIMEDOUT = 0x20
FE_REINIT = 0x40

# DVBv5 (S2API) commands
DTV_UNDEFINED = 0
DTV_TUNE = 1
DTV_CLEAR = 2
DTV_FREQUENCY = 3
DTV_MODULATION = 4
DTV_BANDWIDTH_HZ = 5
DTV_INVERSION = 6
DTV_DISEQC_MASTER = 7
DTV_SYMBOL_RATE = 8
DTV_INNER_FEC = 9
DTV_VOLTAGE = 10
DTV_TONE = 11
DTV_PILOT = 12
DTV_ROLLOFF = 13
DTV_DISEQC_SLAVE_REPLY = 14
DTV_FE_CAPABILITY_COUNT = 15
DTV_FE_CAPABILITY = 16
DTV_DELIVERY_SYSTEM = 17
DTV_ISDBT_PARTIAL_RECEPTION = 18
DTV_ISDBT_SOUND_BROADCASTING = 19
DTV_ISDBT_SB_SUBCHANNEL_ID = 20
DTV_ISDBT_SB_SEGMENT_IDX = 21
DTV_ISDBT_SB_SEGMENT_COUNT = 22
DTV_ISDBT_LAYERA_FEC = 23
DTV_ISDBT_LAYERA_MODULATION = 24
DTV_ISDBT_LAYERA_SEGMENT_COUNT = 25
DTV_ISDBT_LAYERA_TIME_INTERLEAVING = 26
DTV_ISDBT_LAYERB_FEC = 27
DTV_ISDBT_LAYERB_MODULATION = 28
DTV_ISDBT_LAYERB_SEGMENT_COUNT = 29
DTV_ISDBT_LAYERB_TIME_INTERLEAVING = 30
DTV_ISDBT_LAYERC_FEC = 31
DTV_ISDBT_LAYERC_MODULATION = 32
DTV_ISDBT_LAYERC_SEGMENT_COUNT = 33
DTV_ISDBT_LAYERC_TIME_INTERLEAVING = 34
DTV_API_VERSION = 35
DTV_CODE_RATE_HP = 36
DTV_CODE_RATE_LP = 37
DTV_GUARD_INTERVAL = 38
DTV_TRANSMISSION_MODE = 39
DTV_HIERARCHY = 40
DTV_ISDBT_LAYER_ENABLED = 41
DTV_STREAM_ID = 42
DTV_DVBT2_PLP_ID_LEGACY = 43
DTV_ENUM_DELSYS = 44
# 45-59 are the ATSC-M/H parameters (named in PROPERTY_NAMES)
DTV_INTERLEAVING = 60
DTV_LNA = 61
# 62-69 are the statistics (DTV_STAT_*), read-only
DTV_SCRAMBLING_SEQUENCE_INDEX = 70

#: At most this many properties in one FE_SET_PROPERTY / FE_GET_PROPERTY.
DTV_IOCTL_MAX_MSGS = 64

# enum fe_delivery_system
SYS_UNDEFINED = 0
SYS_DVBC_ANNEX_A = 1
SYS_DVBC_ANNEX_B = 2
SYS_DVBT = 3
SYS_DSS = 4
SYS_DVBS = 5
SYS_DVBS2 = 6
SYS_DVBH = 7
SYS_ISDBT = 8
SYS_ISDBS = 9
SYS_ISDBC = 10
SYS_ATSC = 11
SYS_ATSCMH = 12
SYS_DTMB = 13
SYS_CMMB = 14
SYS_DAB = 15
SYS_DVBT2 = 16
SYS_TURBO = 17
SYS_DVBC_ANNEX_C = 18
SYS_DVBC2 = 19

# enum fe_spectral_inversion
INVERSION_OFF, INVERSION_ON, INVERSION_AUTO = 0, 1, 2

# enum fe_code_rate
FEC_NONE = 0
FEC_1_2 = 1
FEC_2_3 = 2
FEC_3_4 = 3
FEC_4_5 = 4
FEC_5_6 = 5
FEC_6_7 = 6
FEC_7_8 = 7
FEC_8_9 = 8
FEC_AUTO = 9
FEC_3_5 = 10
FEC_9_10 = 11
FEC_2_5 = 12

# enum fe_modulation
QPSK = 0
QAM_16 = 1
QAM_32 = 2
QAM_64 = 3
QAM_128 = 4
QAM_256 = 5
QAM_AUTO = 6
VSB_8 = 7
VSB_16 = 8
PSK_8 = 9
APSK_16 = 10
APSK_32 = 11
DQPSK = 12
QAM_4_NR = 13

# enum fe_transmit_mode
TRANSMISSION_MODE_2K = 0
TRANSMISSION_MODE_8K = 1
TRANSMISSION_MODE_AUTO = 2
TRANSMISSION_MODE_4K = 3
TRANSMISSION_MODE_1K = 4
TRANSMISSION_MODE_16K = 5
TRANSMISSION_MODE_32K = 6
TRANSMISSION_MODE_C1 = 7
TRANSMISSION_MODE_C3780 = 8

# enum fe_bandwidth (DVBv3; DVBv5 takes DTV_BANDWIDTH_HZ in Hz: see BANDWIDTH_HZ)
BANDWIDTH_8_MHZ = 0
BANDWIDTH_7_MHZ = 1
BANDWIDTH_6_MHZ = 2
BANDWIDTH_AUTO = 3
BANDWIDTH_5_MHZ = 4
BANDWIDTH_10_MHZ = 5
BANDWIDTH_1_712_MHZ = 6

#: The DVBv3 bandwidth enum -> DTV_BANDWIDTH_HZ (0 is "automatic").
BANDWIDTH_HZ: Mapping[int, int] = {
    BANDWIDTH_8_MHZ: 8_000_000, BANDWIDTH_7_MHZ: 7_000_000, BANDWIDTH_6_MHZ: 6_000_000,
    BANDWIDTH_AUTO: 0, BANDWIDTH_5_MHZ: 5_000_000, BANDWIDTH_10_MHZ: 10_000_000,
    BANDWIDTH_1_712_MHZ: 1_712_000,
}

# enum fe_guard_interval
GUARD_INTERVAL_1_32 = 0
GUARD_INTERVAL_1_16 = 1
GUARD_INTERVAL_1_8 = 2
GUARD_INTERVAL_1_4 = 3
GUARD_INTERVAL_AUTO = 4
GUARD_INTERVAL_1_128 = 5
GUARD_INTERVAL_19_128 = 6
GUARD_INTERVAL_19_256 = 7
GUARD_INTERVAL_PN420 = 8
GUARD_INTERVAL_PN595 = 9
GUARD_INTERVAL_PN945 = 10

# enum fe_hierarchy
HIERARCHY_NONE, HIERARCHY_1, HIERARCHY_2, HIERARCHY_4, HIERARCHY_AUTO = 0, 1, 2, 3, 4

# enum fe_pilot, fe_rolloff
PILOT_ON, PILOT_OFF, PILOT_AUTO = 0, 1, 2
ROLLOFF_35, ROLLOFF_20, ROLLOFF_25, ROLLOFF_AUTO = 0, 1, 2, 3

# enum fe_sec_voltage, fe_sec_tone_mode, fe_sec_mini_cmd
SEC_VOLTAGE_13, SEC_VOLTAGE_18, SEC_VOLTAGE_OFF = 0, 1, 2
SEC_TONE_ON, SEC_TONE_OFF = 0, 1
SEC_MINI_A, SEC_MINI_B = 0, 1

#: DTV_STREAM_ID's "no filter" value.
NO_STREAM_ID_FILTER = 0xFFFFFFFF

# --------------------------------------------------------------------------
# linux/dvb/dmx.h
# --------------------------------------------------------------------------

DMX_OUT_DECODER, DMX_OUT_TAP, DMX_OUT_TS_TAP, DMX_OUT_TSDEMUX_TAP = 0, 1, 2, 3
DMX_IN_FRONTEND, DMX_IN_DVR = 0, 1
DMX_PES_OTHER = 20          # after AUDIO0..PCR3 (0-19) in enum dmx_ts_pes
DMX_CHECK_CRC, DMX_ONESHOT, DMX_IMMEDIATE_START = 1, 2, 4

# --------------------------------------------------------------------------
# Names, for messages and for the channels.conf readers
# --------------------------------------------------------------------------

#: DTV command number -> its name without ``DTV_`` (the dvbv5 file keys).
PROPERTY_NAMES: Mapping[int, str] = {
    0: "UNDEFINED", 1: "TUNE", 2: "CLEAR", 3: "FREQUENCY", 4: "MODULATION",
    5: "BANDWIDTH_HZ", 6: "INVERSION", 7: "DISEQC_MASTER", 8: "SYMBOL_RATE",
    9: "INNER_FEC", 10: "VOLTAGE", 11: "TONE", 12: "PILOT", 13: "ROLLOFF",
    14: "DISEQC_SLAVE_REPLY", 15: "FE_CAPABILITY_COUNT", 16: "FE_CAPABILITY",
    17: "DELIVERY_SYSTEM", 18: "ISDBT_PARTIAL_RECEPTION", 19: "ISDBT_SOUND_BROADCASTING",
    20: "ISDBT_SB_SUBCHANNEL_ID", 21: "ISDBT_SB_SEGMENT_IDX", 22: "ISDBT_SB_SEGMENT_COUNT",
    23: "ISDBT_LAYERA_FEC", 24: "ISDBT_LAYERA_MODULATION", 25: "ISDBT_LAYERA_SEGMENT_COUNT",
    26: "ISDBT_LAYERA_TIME_INTERLEAVING", 27: "ISDBT_LAYERB_FEC",
    28: "ISDBT_LAYERB_MODULATION", 29: "ISDBT_LAYERB_SEGMENT_COUNT",
    30: "ISDBT_LAYERB_TIME_INTERLEAVING", 31: "ISDBT_LAYERC_FEC",
    32: "ISDBT_LAYERC_MODULATION", 33: "ISDBT_LAYERC_SEGMENT_COUNT",
    34: "ISDBT_LAYERC_TIME_INTERLEAVING", 35: "API_VERSION", 36: "CODE_RATE_HP",
    37: "CODE_RATE_LP", 38: "GUARD_INTERVAL", 39: "TRANSMISSION_MODE", 40: "HIERARCHY",
    41: "ISDBT_LAYER_ENABLED", 42: "STREAM_ID", 43: "DVBT2_PLP_ID_LEGACY",
    44: "ENUM_DELSYS", 45: "ATSCMH_FIC_VER", 46: "ATSCMH_PARADE_ID", 47: "ATSCMH_NOG",
    48: "ATSCMH_TNOG", 49: "ATSCMH_SGN", 50: "ATSCMH_PRC", 51: "ATSCMH_RS_FRAME_MODE",
    52: "ATSCMH_RS_FRAME_ENSEMBLE", 53: "ATSCMH_RS_CODE_MODE_PRI",
    54: "ATSCMH_RS_CODE_MODE_SEC", 55: "ATSCMH_SCCC_BLOCK_MODE",
    56: "ATSCMH_SCCC_CODE_MODE_A", 57: "ATSCMH_SCCC_CODE_MODE_B",
    58: "ATSCMH_SCCC_CODE_MODE_C", 59: "ATSCMH_SCCC_CODE_MODE_D", 60: "INTERLEAVING",
    61: "LNA", 62: "STAT_SIGNAL_STRENGTH", 63: "STAT_CNR", 64: "STAT_PRE_ERROR_BIT_COUNT",
    65: "STAT_PRE_TOTAL_BIT_COUNT", 66: "STAT_POST_ERROR_BIT_COUNT",
    67: "STAT_POST_TOTAL_BIT_COUNT", 68: "STAT_ERROR_BLOCK_COUNT",
    69: "STAT_TOTAL_BLOCK_COUNT", 70: "SCRAMBLING_SEQUENCE_INDEX",
}

#: Delivery system number -> its name as libdvbv5 writes it (``DELIVERY_SYSTEM = DVBT``).
DELIVERY_SYSTEMS: Mapping[int, str] = {
    SYS_UNDEFINED: "UNDEFINED", SYS_DVBC_ANNEX_A: "DVBC/ANNEX_A",
    SYS_DVBC_ANNEX_B: "DVBC/ANNEX_B", SYS_DVBT: "DVBT", SYS_DSS: "DSS", SYS_DVBS: "DVBS",
    SYS_DVBS2: "DVBS2", SYS_DVBH: "DVBH", SYS_ISDBT: "ISDBT", SYS_ISDBS: "ISDBS",
    SYS_ISDBC: "ISDBC", SYS_ATSC: "ATSC", SYS_ATSCMH: "ATSCMH", SYS_DTMB: "DTMB",
    SYS_CMMB: "CMMB", SYS_DAB: "DAB", SYS_DVBT2: "DVBT2", SYS_TURBO: "TURBO",
    SYS_DVBC_ANNEX_C: "DVBC/ANNEX_C", SYS_DVBC2: "DVBC2",
}

#: Each enum of the tuning parameters: the kernel's names -> values. (The
#: channels.conf readers and ``getdvb`` look names up here.)
ENUMS: Mapping[str, Mapping[str, int]] = {
    "inversion": {"INVERSION_OFF": 0, "INVERSION_ON": 1, "INVERSION_AUTO": 2},
    "code_rate": {
        "FEC_NONE": 0, "FEC_1_2": 1, "FEC_2_3": 2, "FEC_3_4": 3, "FEC_4_5": 4, "FEC_5_6": 5,
        "FEC_6_7": 6, "FEC_7_8": 7, "FEC_8_9": 8, "FEC_AUTO": 9, "FEC_3_5": 10,
        "FEC_9_10": 11, "FEC_2_5": 12},
    "modulation": {
        "QPSK": 0, "QAM_16": 1, "QAM_32": 2, "QAM_64": 3, "QAM_128": 4, "QAM_256": 5,
        "QAM_AUTO": 6, "VSB_8": 7, "VSB_16": 8, "PSK_8": 9, "APSK_16": 10, "APSK_32": 11,
        "DQPSK": 12, "QAM_4_NR": 13},
    "transmission_mode": {
        "TRANSMISSION_MODE_2K": 0, "TRANSMISSION_MODE_8K": 1, "TRANSMISSION_MODE_AUTO": 2,
        "TRANSMISSION_MODE_4K": 3, "TRANSMISSION_MODE_1K": 4, "TRANSMISSION_MODE_16K": 5,
        "TRANSMISSION_MODE_32K": 6, "TRANSMISSION_MODE_C1": 7,
        "TRANSMISSION_MODE_C3780": 8},
    "bandwidth": {
        "BANDWIDTH_8_MHZ": 0, "BANDWIDTH_7_MHZ": 1, "BANDWIDTH_6_MHZ": 2,
        "BANDWIDTH_AUTO": 3, "BANDWIDTH_5_MHZ": 4, "BANDWIDTH_10_MHZ": 5,
        "BANDWIDTH_1_712_MHZ": 6},
    "guard_interval": {
        "GUARD_INTERVAL_1_32": 0, "GUARD_INTERVAL_1_16": 1, "GUARD_INTERVAL_1_8": 2,
        "GUARD_INTERVAL_1_4": 3, "GUARD_INTERVAL_AUTO": 4, "GUARD_INTERVAL_1_128": 5,
        "GUARD_INTERVAL_19_128": 6, "GUARD_INTERVAL_19_256": 7, "GUARD_INTERVAL_PN420": 8,
        "GUARD_INTERVAL_PN595": 9, "GUARD_INTERVAL_PN945": 10},
    "hierarchy": {
        "HIERARCHY_NONE": 0, "HIERARCHY_1": 1, "HIERARCHY_2": 2, "HIERARCHY_4": 3,
        "HIERARCHY_AUTO": 4},
    "pilot": {"PILOT_ON": 0, "PILOT_OFF": 1, "PILOT_AUTO": 2},
    "rolloff": {"ROLLOFF_35": 0, "ROLLOFF_20": 1, "ROLLOFF_25": 2, "ROLLOFF_AUTO": 3},
    "voltage": {"SEC_VOLTAGE_13": 0, "SEC_VOLTAGE_18": 1, "SEC_VOLTAGE_OFF": 2},
    "tone": {"SEC_TONE_ON": 0, "SEC_TONE_OFF": 1},
}

_STATUS_NAMES = ((FE_HAS_SIGNAL, "signal"), (FE_HAS_CARRIER, "carrier"),
                 (FE_HAS_VITERBI, "viterbi"), (FE_HAS_SYNC, "sync"), (FE_HAS_LOCK, "lock"),
                 (FE_TIMEDOUT, "timed out"), (FE_REINIT, "reinit"))

#: Delivery systems whose DTV_FREQUENCY is an intermediate frequency in kHz.
_SATELLITE = frozenset({SYS_DVBS, SYS_DVBS2, SYS_TURBO, SYS_ISDBS, SYS_DSS})

#: What the deprecated fe_type of FE_GET_INFO means, for kernels without DTV_ENUM_DELSYS.
_TYPE_SYSTEMS = {FE_QPSK: (SYS_DVBS,), FE_QAM: (SYS_DVBC_ANNEX_A,), FE_OFDM: (SYS_DVBT,),
                 FE_ATSC: (SYS_ATSC,)}


def deliverySystemName(system: int) -> str:
    """A delivery system's name as people write it (``SYS_DVBT2`` -> ``"DVB-T2"``)."""
    name = DELIVERY_SYSTEMS.get(system)
    if name is None:
        return f"delivery system {system}"
    for prefix in ("DVB", "ISDB", "ATSC"):
        if name.startswith(prefix) and name != prefix and not name.startswith(prefix + "-"):
            name = prefix + "-" + name[len(prefix):]
            break
    return name.replace("/ANNEX_", " annex ")


def statusNames(status: int) -> str:
    """FE_READ_STATUS flags in words (``0x03`` -> ``"signal, carrier"``)."""
    names = [name for flag, name in _STATUS_NAMES if status & flag]
    return ", ".join(names) if names else "nothing"


def propertyName(command: int) -> str:
    """``DTV_*`` name of a property number (``3`` -> ``"DTV_FREQUENCY"``)."""
    name = PROPERTY_NAMES.get(command)
    return f"DTV_{name}" if name else f"DTV property {command}"


def isSatellite(system: int) -> bool:
    """True for delivery systems tuned through an LNB (DVB-S/S2, Turbo, ISDB-S, DSS)."""
    return system in _SATELLITE


# --------------------------------------------------------------------------
# The structures (ctypes mirrors of the headers' layouts)
# --------------------------------------------------------------------------

class DvbFrontendInfo(ctypes.Structure):
    """``struct dvb_frontend_info`` (168 bytes on every Linux ABI)."""
    _fields_ = [
        ("name", ctypes.c_char * 128),
        ("type", ctypes.c_uint32),
        ("frequency_min", ctypes.c_uint32),
        ("frequency_max", ctypes.c_uint32),
        ("frequency_stepsize", ctypes.c_uint32),
        ("frequency_tolerance", ctypes.c_uint32),
        ("symbol_rate_min", ctypes.c_uint32),
        ("symbol_rate_max", ctypes.c_uint32),
        ("symbol_rate_tolerance", ctypes.c_uint32),
        ("notifier_delay", ctypes.c_uint32),
        ("caps", ctypes.c_uint32),
    ]


class _DtvStats(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("scale", ctypes.c_uint8), ("value", ctypes.c_uint64)]


class _DtvFeStats(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("len", ctypes.c_uint8), ("stat", _DtvStats * 4)]


class _DtvBuffer(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("data", ctypes.c_uint8 * 32), ("len", ctypes.c_uint32),
                ("reserved1", ctypes.c_uint32 * 3), ("reserved2", ctypes.c_void_p)]


class _DtvPropertyUnion(ctypes.Union):
    _pack_ = 1
    _fields_ = [("data", ctypes.c_uint32), ("st", _DtvFeStats), ("buffer", _DtvBuffer)]


class DtvProperty(ctypes.Structure):
    """``struct dtv_property`` (packed: 76 bytes with 8-byte pointers, 72 with 4)."""
    _pack_ = 1
    _fields_ = [("cmd", ctypes.c_uint32), ("reserved", ctypes.c_uint32 * 3),
                ("u", _DtvPropertyUnion), ("result", ctypes.c_int32)]


class DtvProperties(ctypes.Structure):
    """``struct dtv_properties``: a count and a pointer to an array of DtvProperty."""
    _fields_ = [("num", ctypes.c_uint32), ("props", ctypes.POINTER(DtvProperty))]


class DmxPesFilterParams(ctypes.Structure):
    """``struct dmx_pes_filter_params`` (20 bytes)."""
    _fields_ = [("pid", ctypes.c_uint16), ("input", ctypes.c_uint32),
                ("output", ctypes.c_uint32), ("pes_type", ctypes.c_uint32),
                ("flags", ctypes.c_uint32)]


class DvbDiseqcMasterCmd(ctypes.Structure):
    """``struct dvb_diseqc_master_cmd`` (7 bytes)."""
    _fields_ = [("msg", ctypes.c_uint8 * 6), ("msg_len", ctypes.c_uint8)]


# --------------------------------------------------------------------------
# ioctl request numbers: the kernel's _IOC encoding
# --------------------------------------------------------------------------

@dataclass(frozen=True)
class IoctlLayout:
    """How an architecture packs ``_IOC(dir, type, nr, size)`` (asm/ioctl.h)."""
    sizeBits: int
    dirBits: int
    none: int
    read: int
    write: int


_GENERIC = IoctlLayout(sizeBits=14, dirBits=2, none=0, read=2, write=1)
_THREE_BIT_DIRECTION = IoctlLayout(sizeBits=13, dirBits=3, none=1, read=2, write=4)
_PARISC = IoctlLayout(sizeBits=14, dirBits=2, none=0, read=1, write=2)


def ioctlLayout(machine: str | None = None) -> IoctlLayout:
    """The ioctl encoding of ``machine`` (``platform.machine()`` names; default: this one)."""
    name = (platform.machine() if machine is None else machine).lower()
    if name.startswith(("ppc", "powerpc", "mips", "sparc", "alpha")):
        return _THREE_BIT_DIRECTION
    if name.startswith("parisc"):
        return _PARISC
    return _GENERIC


#: This machine's ioctl encoding.
HOST_IOCTL_LAYOUT = ioctlLayout()


def IOC(direction: int, type_: str, number: int, size: int,
        layout: IoctlLayout = HOST_IOCTL_LAYOUT) -> int:
    """``_IOC(dir, type, nr, size)``: ``direction`` is a combination of the
    layout's ``read``/``write`` bits (or its ``none``)."""
    if not 0 <= size < 1 << layout.sizeBits:
        raise ValueError(f"ioctl argument size {size!r} does not fit {layout.sizeBits} bits")
    sizeShift = 16
    dirShift = sizeShift + layout.sizeBits
    return (direction << dirShift) | (size << sizeShift) | (ord(type_) << 8) | number


def IO(type_: str, number: int, layout: IoctlLayout = HOST_IOCTL_LAYOUT) -> int:
    """``_IO(type, nr)``: no argument copied (an integer may be passed by value)."""
    return IOC(layout.none, type_, number, 0, layout)


def IOR(type_: str, number: int, size: int, layout: IoctlLayout = HOST_IOCTL_LAYOUT) -> int:
    """``_IOR(type, nr, size)``: the kernel writes ``size`` bytes back."""
    return IOC(layout.read, type_, number, size, layout)


def IOW(type_: str, number: int, size: int, layout: IoctlLayout = HOST_IOCTL_LAYOUT) -> int:
    """``_IOW(type, nr, size)``: the kernel reads ``size`` bytes."""
    return IOC(layout.write, type_, number, size, layout)


def IOWR(type_: str, number: int, size: int, layout: IoctlLayout = HOST_IOCTL_LAYOUT) -> int:
    """``_IOWR(type, nr, size)``: both ways."""
    return IOC(layout.read | layout.write, type_, number, size, layout)


FE_GET_INFO = IOR("o", 61, ctypes.sizeof(DvbFrontendInfo))
FE_DISEQC_RESET_OVERLOAD = IO("o", 62)
FE_DISEQC_SEND_MASTER_CMD = IOW("o", 63, ctypes.sizeof(DvbDiseqcMasterCmd))
FE_DISEQC_SEND_BURST = IO("o", 65)
FE_SET_TONE = IO("o", 66)
FE_SET_VOLTAGE = IO("o", 67)
FE_READ_STATUS = IOR("o", 69, ctypes.sizeof(ctypes.c_uint32))
FE_SET_PROPERTY = IOW("o", 82, ctypes.sizeof(DtvProperties))
FE_GET_PROPERTY = IOR("o", 83, ctypes.sizeof(DtvProperties))
DMX_START = IO("o", 41)
DMX_STOP = IO("o", 42)
DMX_SET_PES_FILTER = IOW("o", 44, ctypes.sizeof(DmxPesFilterParams))
DMX_SET_BUFFER_SIZE = IO("o", 45)
DMX_ADD_PID = IOW("o", 51, ctypes.sizeof(ctypes.c_uint16))
DMX_REMOVE_PID = IOW("o", 52, ctypes.sizeof(ctypes.c_uint16))

_REQUEST_NAMES = {
    FE_GET_INFO: "FE_GET_INFO", FE_DISEQC_SEND_MASTER_CMD: "FE_DISEQC_SEND_MASTER_CMD",
    FE_DISEQC_SEND_BURST: "FE_DISEQC_SEND_BURST", FE_SET_TONE: "FE_SET_TONE",
    FE_SET_VOLTAGE: "FE_SET_VOLTAGE", FE_READ_STATUS: "FE_READ_STATUS",
    FE_SET_PROPERTY: "FE_SET_PROPERTY", FE_GET_PROPERTY: "FE_GET_PROPERTY",
    DMX_START: "DMX_START", DMX_STOP: "DMX_STOP", DMX_SET_PES_FILTER: "DMX_SET_PES_FILTER",
    DMX_SET_BUFFER_SIZE: "DMX_SET_BUFFER_SIZE", DMX_ADD_PID: "DMX_ADD_PID",
    DMX_REMOVE_PID: "DMX_REMOVE_PID", FE_DISEQC_RESET_OVERLOAD: "FE_DISEQC_RESET_OVERLOAD",
}

# --------------------------------------------------------------------------
# The kernel and the clock, injectable
# --------------------------------------------------------------------------

#: What an ioctl takes: an integer passed by value, or a ctypes object / bytearray
#: the kernel reads from and writes into.
IoctlArg = Union[int, bytearray, ctypes.Structure, ctypes.c_uint32, ctypes.c_uint16]


class DVBKernel(Protocol):
    """Everything this module asks of the kernel. Errors are ``OSError`` with an errno."""

    def open(self, path: str, flags: int) -> int:
        """Open a device file; returns a file descriptor."""

    def close(self, fd: int) -> None:
        """Close a file descriptor."""

    def ioctl(self, fd: int, request: int, arg: IoctlArg) -> int:
        """Issue an ioctl; a buffer argument is read and written in place."""

    def read(self, fd: int, size: int) -> bytes:
        """Read at most ``size`` bytes (``BlockingIOError`` when there are none yet)."""

    def poll(self, fd: int, timeout: float | None) -> bool:
        """Wait up to ``timeout`` seconds (None: for ever) until ``fd`` is readable."""


class LinuxKernel:
    """The real kernel, through ``os``, ``fcntl.ioctl`` and ``select.poll``."""

    def open(self, path: str, flags: int) -> int:
        return os.open(path, flags)

    def close(self, fd: int) -> None:
        os.close(fd)

    def ioctl(self, fd: int, request: int, arg: IoctlArg) -> int:
        if isinstance(arg, int):
            return fcntl.ioctl(fd, request, arg)
        # mutate_flag: the kernel's answer is written back into arg itself
        # (with a buffer, fcntl returns the ioctl's int result).
        return int(fcntl.ioctl(fd, request, arg, True))

    def read(self, fd: int, size: int) -> bytes:
        return os.read(fd, size)

    def poll(self, fd: int, timeout: float | None) -> bool:
        poller = select.poll()
        poller.register(fd, select.POLLIN | select.POLLPRI)
        milliseconds = None if timeout is None else max(0, int(timeout * 1000))
        return bool(poller.poll(milliseconds))


class Clock(Protocol):
    """Time as this module waits for it (inject a fake one in tests)."""

    def monotonic(self) -> float:
        """Seconds from some fixed point."""

    def sleep(self, seconds: float) -> None:
        """Wait ``seconds``."""


class SystemClock:
    """``time.monotonic`` and ``time.sleep``."""

    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


# --------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------

class DVBDeviceError(OSError):
    """DVBDeviceError(errno, message, path) -> an error from a DVB device.

    An ``OSError``: ``errno`` and ``filename`` (the device's path) are set;
    ``str()`` is the message alone, which already names the device.
    """

    def __init__(self, errno: int, message: str, path: str) -> None:
        super().__init__(errno, message, path)
        self.message = message

    def __str__(self) -> str:
        return self.message


class LockTimeout(DVBDeviceError, TimeoutError):
    """The frontend did not lock in time; ``status`` holds the last FE_READ_STATUS flags."""

    def __init__(self, message: str, path: str, status: int) -> None:
        super().__init__(errnos.ETIMEDOUT, message, path)
        self.status = status


def devicePath(adapter: int, kind: str, number: int = 0) -> str:
    """``/dev/dvb/adapter{adapter}/{kind}{number}`` (kind: frontend, demux, dvr)."""
    if not isinstance(adapter, int) or isinstance(adapter, bool) or adapter < 0:
        raise ValueError(f"a DVB adapter number is an int from 0, not {adapter!r}")
    if not isinstance(number, int) or isinstance(number, bool) or number < 0:
        raise ValueError(f"a DVB device number is an int from 0, not {number!r}")
    return f"/dev/dvb/adapter{adapter}/{kind}{number}"


def _openError(error: OSError, path: str, adapter: int) -> DVBDeviceError:
    code = error.errno or errnos.EIO
    if code == errnos.ENOENT:
        if path.endswith("/frontend0"):
            message = f"no DVB adapter {adapter} ({path} does not exist)"
        else:
            message = f"no DVB adapter {adapter}, or it has no such device ({path} does not exist)"
    elif code == errnos.EBUSY:
        message = (f"the adapter is in use by another program ({path} is busy): "
                   f"stop the other program or use another adapter")
    elif code in (errnos.EACCES, errnos.EPERM):
        message = (f"permission: add yourself to the video group to use {path} "
                   f"(permission denied; log in again after adding)")
    elif code == errnos.ENODEV:
        message = f"DVB adapter {adapter} has gone away ({path}: no such device)"
    else:
        message = f"cannot open {path}: {os.strerror(code)}"
    return DVBDeviceError(code, message, path)


def _openDevice(kernel: DVBKernel, path: str, flags: int, adapter: int) -> int:
    try:
        fd = kernel.open(path, flags)
    except OSError as error:
        raise _openError(error, path, adapter) from error
    log.debug("opened %s as fd %d", path, fd)
    return fd


def _ioctl(kernel: DVBKernel, fd: int, path: str, request: int, arg: IoctlArg,
           what: str = "") -> int:
    name = _REQUEST_NAMES.get(request, f"ioctl {request:#x}")
    log.debug("%s on %s", name, path)
    try:
        return kernel.ioctl(fd, request, arg)
    except OSError as error:
        code = error.errno or errnos.EIO
        detail = f" ({what})" if what else ""
        raise DVBDeviceError(code, f"{name} on {path} failed{detail}: {os.strerror(code)}",
                             path) from error


# --------------------------------------------------------------------------
# Tuning parameters
# --------------------------------------------------------------------------

@dataclass(frozen=True)
class Lnb:
    """Lnb(lowOscillator, highOscillator=None, switch=None) -> a satellite dish's LNB.

    Frequencies in Hz. With a ``switch`` frequency, transponders at or above
    it use ``highOscillator`` and the 22 kHz tone; below it the low one.
    A C-band LNB (oscillator above the band) works too: the intermediate
    frequency is the distance between the two.
    """
    lowOscillator: int
    highOscillator: int | None = None
    switch: int | None = None

    def intermediate(self, frequency: int) -> tuple[int, bool]:
        """(intermediate frequency in kHz, high band?) for a transponder at ``frequency`` Hz."""
        high = (self.switch is not None and self.highOscillator is not None
                and frequency >= self.switch)
        oscillator = self.highOscillator if high and self.highOscillator else self.lowOscillator
        return abs(frequency - oscillator) // 1000, high


#: The universal Ku-band LNB: 9750 MHz below 11700 MHz, 10600 MHz above.
UNIVERSAL_LNB = Lnb(9_750_000_000, 10_600_000_000, 11_700_000_000)

#: Tuning properties the caller may not give: this module sends them itself.
_RESERVED_PROPERTIES = frozenset({DTV_TUNE, DTV_CLEAR, DTV_FREQUENCY, DTV_DELIVERY_SYSTEM})


def _u32(value: int, what: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 0xFFFFFFFF:
        raise ValueError(f"{what} must be an int from 0 to 2**32-1, not {value!r}")
    return value


def tuningProperties(deliverySystem: int, frequency: int,
                     properties: Mapping[int, int] | None = None,
                     lnb: Lnb = UNIVERSAL_LNB) -> list[tuple[int, int]]:
    """The (command, value) list :meth:`Frontend.tune` sends with FE_SET_PROPERTY.

    ``frequency`` is in Hz (a satellite transponder's own frequency: the
    LNB's intermediate frequency in kHz is what is sent); ``properties``
    maps other ``DTV_*`` commands to values and may not hold the four this
    function adds (``DTV_CLEAR``, ``DTV_DELIVERY_SYSTEM``, ``DTV_FREQUENCY``,
    ``DTV_TUNE``).
    """
    if deliverySystem not in DELIVERY_SYSTEMS or deliverySystem == SYS_UNDEFINED:
        raise ValueError(f"unknown delivery system {deliverySystem!r}")
    if not isinstance(frequency, int) or isinstance(frequency, bool) or frequency <= 0:
        raise ValueError(f"the frequency is a positive int in Hz, not {frequency!r}")
    given = dict(properties or {})
    clash = sorted(set(given) & _RESERVED_PROPERTIES)
    if clash:
        raise ValueError(f"{', '.join(propertyName(c) for c in clash)} cannot be given "
                         f"as a property: tune() sends it itself")
    if isSatellite(deliverySystem):
        kernelFrequency = lnb.intermediate(frequency)[0]
    else:
        kernelFrequency = frequency
    sequence = [(DTV_CLEAR, 0), (DTV_DELIVERY_SYSTEM, deliverySystem),
                (DTV_FREQUENCY, _u32(kernelFrequency, "the frequency the kernel is given"))]
    for command in sorted(given):
        if command not in PROPERTY_NAMES:
            raise ValueError(f"unknown DTV property {command!r}")
        sequence.append((command, _u32(given[command], propertyName(command))))
    sequence.append((DTV_TUNE, 0))
    if len(sequence) > DTV_IOCTL_MAX_MSGS:
        raise ValueError(f"{len(sequence)} properties; the kernel takes at most "
                         f"{DTV_IOCTL_MAX_MSGS} at once")
    return sequence


class _ChannelLike(Protocol):
    """What :meth:`Frontend.tuneChannel` reads (``ChannelsConf.Channel`` has it)."""

    @property
    def deliverySystem(self) -> int: ...

    @property
    def frequency(self) -> int: ...

    @property
    def properties(self) -> Mapping[int, int]: ...

    @property
    def polarisation(self) -> str | None: ...

    @property
    def satelliteNumber(self) -> int | None: ...


@dataclass(frozen=True)
class FrontendInfo:
    """What FE_GET_INFO says of a frontend (frequencies in Hz, or kHz for satellite)."""
    name: str
    type: int
    frequencyMin: int
    frequencyMax: int
    frequencyStepsize: int
    frequencyTolerance: int
    symbolRateMin: int
    symbolRateMax: int
    symbolRateTolerance: int
    caps: int


class _OpenDevice:
    """A device file held open: its path, its descriptor, :meth:`close`, and
    use as a context manager."""

    def __init__(self, adapter: int, kind: str, number: int, flags: int,
                 kernel: DVBKernel | None) -> None:
        self.adapter = adapter
        self.path = devicePath(adapter, kind, number)
        self.kernel: DVBKernel = kernel if kernel is not None else LinuxKernel()
        self.fd: int | None = _openDevice(self.kernel, self.path, flags, adapter)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _fd(self) -> int:
        if self.fd is None:
            raise DVBDeviceError(errnos.EBADF, f"{self.path} is closed", self.path)
        return self.fd

    def close(self) -> None:
        """Close the device (a second call does nothing)."""
        if self.fd is not None:
            fd, self.fd = self.fd, None
            try:
                self.kernel.close(fd)
            except OSError as error:
                log.warning("closing %s: %s", self.path, error)


class Frontend(_OpenDevice):
    """Frontend(adapter=0, frontend=0, kernel=None, clock=None) -> an open DVB frontend.

    Opens ``/dev/dvb/adapter{adapter}/frontend{frontend}`` read-write and
    non-blocking (raises :class:`DVBDeviceError` if it cannot). Use as a
    context manager, or call :meth:`close` (which leaves the tuner as it
    is; the kernel powers it down).

    - kernel -- the :class:`DVBKernel` to go through (default: the real one)
    - clock  -- the :class:`Clock` for waiting (default: the system's)
    """

    def __init__(self, adapter: int = 0, frontend: int = 0, kernel: DVBKernel | None = None,
                 clock: Clock | None = None) -> None:
        self.clock: Clock = clock if clock is not None else SystemClock()
        self._info: FrontendInfo | None = None
        super().__init__(adapter, "frontend", frontend, os.O_RDWR | os.O_NONBLOCK, kernel)

    def info(self) -> FrontendInfo:
        """FE_GET_INFO: the frontend's name, type and limits (asked once)."""
        if self._info is None:
            raw = DvbFrontendInfo()
            _ioctl(self.kernel, self._fd(), self.path, FE_GET_INFO, raw)
            self._info = FrontendInfo(
                name=raw.name.decode("utf-8", "replace"), type=raw.type,
                frequencyMin=raw.frequency_min, frequencyMax=raw.frequency_max,
                frequencyStepsize=raw.frequency_stepsize,
                frequencyTolerance=raw.frequency_tolerance,
                symbolRateMin=raw.symbol_rate_min, symbolRateMax=raw.symbol_rate_max,
                symbolRateTolerance=raw.symbol_rate_tolerance, caps=raw.caps)
        return self._info

    def getProperties(self, commands: Sequence[int]) -> list[DtvProperty]:
        """FE_GET_PROPERTY of ``commands``: the filled-in DtvProperty structures."""
        if not 0 < len(commands) <= DTV_IOCTL_MAX_MSGS:
            raise ValueError(f"between 1 and {DTV_IOCTL_MAX_MSGS} properties, "
                             f"not {len(commands)}")
        array = (DtvProperty * len(commands))()
        for slot, command in zip(array, commands):
            slot.cmd = command
        request = DtvProperties(len(commands), ctypes.cast(array, ctypes.POINTER(DtvProperty)))
        _ioctl(self.kernel, self._fd(), self.path, FE_GET_PROPERTY, request,
               ", ".join(propertyName(c) for c in commands))
        return list(array)

    def setProperties(self, sequence: Sequence[tuple[int, int]], what: str = "") -> None:
        """FE_SET_PROPERTY of (command, value) pairs, in the order given."""
        if not 0 < len(sequence) <= DTV_IOCTL_MAX_MSGS:
            raise ValueError(f"between 1 and {DTV_IOCTL_MAX_MSGS} properties, "
                             f"not {len(sequence)}")
        array = (DtvProperty * len(sequence))()
        for slot, (command, value) in zip(array, sequence):
            slot.cmd = command
            slot.u.data = value
        request = DtvProperties(len(sequence), ctypes.cast(array, ctypes.POINTER(DtvProperty)))
        _ioctl(self.kernel, self._fd(), self.path, FE_SET_PROPERTY, request, what)

    def deliverySystems(self) -> tuple[int, ...]:
        """The delivery systems this frontend can receive (``DTV_ENUM_DELSYS``).

        On kernels without it (before 3.3) the answer comes from FE_GET_INFO's
        old frontend type, which names one system per type.
        """
        try:
            (answer,) = self.getProperties([DTV_ENUM_DELSYS])
        except DVBDeviceError as error:
            if error.errno not in (errnos.EINVAL, errnos.ENOTTY, errnos.EOPNOTSUPP):
                raise
            return _TYPE_SYSTEMS.get(self.info().type, ())
        count = min(answer.u.buffer.len, 32)
        return tuple(answer.u.buffer.data[:count])

    def defaultDeliverySystem(self) -> int:
        """The delivery system of FE_GET_INFO's frontend type (``FE_OFDM`` -> DVB-T ...):
        what a DVBv3 program (Kamaelia 1.14's Tuner) tuned when not told."""
        return _TYPE_SYSTEMS.get(self.info().type, (SYS_UNDEFINED,))[0]

    def tune(self, deliverySystem: int, frequency: int,
             properties: Mapping[int, int] | None = None, *, polarisation: str | None = None,
             satelliteNumber: int | None = None, lnb: Lnb = UNIVERSAL_LNB) -> list[tuple[int, int]]:
        """Tune (without waiting for a lock); returns the properties sent.

        Checks first that the frontend receives ``deliverySystem``. For
        satellite, sets the LNB's voltage from ``polarisation`` (``"H"``,
        ``"V"``, ``"L"``, ``"R"``; None: 13 V), the tone for the band, and a
        DiSEqC 1.0 switch position if ``satelliteNumber`` (0-3) is given.
        """
        sequence = tuningProperties(deliverySystem, frequency, properties, lnb)
        supported = self.deliverySystems()
        if supported and deliverySystem not in supported:
            raise DVBDeviceError(
                errnos.EINVAL,
                f"{self.path} ({self.info().name}) cannot receive "
                f"{deliverySystemName(deliverySystem)}; it receives "
                f"{', '.join(deliverySystemName(s) for s in supported)}", self.path)
        if isSatellite(deliverySystem):
            self._setUpLnb(frequency, polarisation, satelliteNumber, lnb)
        log.info("tuning %s to %s at %d Hz", self.path, deliverySystemName(deliverySystem),
                 frequency)
        self.setProperties(sequence, f"tuning to {frequency} Hz")
        return sequence

    def tuneChannel(self, channel: _ChannelLike, lnb: Lnb = UNIVERSAL_LNB) -> list[tuple[int, int]]:
        """Tune to a channel read by :mod:`Kamaelia.Support.DVB.ChannelsConf`."""
        return self.tune(channel.deliverySystem, channel.frequency, channel.properties,
                         polarisation=channel.polarisation,
                         satelliteNumber=channel.satelliteNumber, lnb=lnb)

    def _setUpLnb(self, frequency: int, polarisation: str | None,
                  satelliteNumber: int | None, lnb: Lnb) -> None:
        pol = (polarisation or "V").upper()[:1]
        if pol not in "HVLR":
            raise ValueError(f"polarisation is H, V, L or R, not {polarisation!r}")
        voltage = SEC_VOLTAGE_18 if pol in "HL" else SEC_VOLTAGE_13
        high = lnb.intermediate(frequency)[1]
        fd = self._fd()
        _ioctl(self.kernel, fd, self.path, FE_SET_TONE, SEC_TONE_OFF)
        _ioctl(self.kernel, fd, self.path, FE_SET_VOLTAGE, voltage)
        if satelliteNumber is not None:
            if not isinstance(satelliteNumber, int) or not 0 <= satelliteNumber <= 3:
                raise ValueError(f"a DiSEqC 1.0 satellite number is 0-3, not {satelliteNumber!r}")
            # DiSEqC 1.0 "write to port group 0" (committed switch): framing E0
            # (master, no reply), address 10 (any LNB/switch), command 38, then
            # F0 | option/position bits | polarisation bit | band bit.
            command = DvbDiseqcMasterCmd()
            data = (0xE0, 0x10, 0x38, 0xF0 | ((satelliteNumber * 4) & 0x0F)
                    | (2 if voltage == SEC_VOLTAGE_18 else 0) | (1 if high else 0))
            for index, byte in enumerate(data):
                command.msg[index] = byte
            command.msg_len = len(data)
            self.clock.sleep(0.015)         # the bus needs 15 ms of quiet between messages
            _ioctl(self.kernel, fd, self.path, FE_DISEQC_SEND_MASTER_CMD, command)
            self.clock.sleep(0.015)
            _ioctl(self.kernel, fd, self.path, FE_DISEQC_SEND_BURST,
                   SEC_MINI_B if satelliteNumber & 1 else SEC_MINI_A)
            self.clock.sleep(0.015)
        _ioctl(self.kernel, fd, self.path, FE_SET_TONE, SEC_TONE_ON if high else SEC_TONE_OFF)

    def readStatus(self) -> int:
        """FE_READ_STATUS: the FE_HAS_* flags now."""
        status = ctypes.c_uint32()
        _ioctl(self.kernel, self._fd(), self.path, FE_READ_STATUS, status)
        return status.value

    def hasLock(self) -> bool:
        """True if the frontend is locked (FE_HAS_LOCK)."""
        return bool(self.readStatus() & FE_HAS_LOCK)

    def waitForLock(self, timeout: float = 10.0, interval: float = 0.1) -> int:
        """Poll FE_READ_STATUS every ``interval`` s until FE_HAS_LOCK; returns the status.

        Raises :class:`LockTimeout` (naming the last status) after ``timeout`` s.
        """
        deadline = self.clock.monotonic() + timeout
        while True:
            status = self.readStatus()
            if status & FE_HAS_LOCK:
                log.info("%s locked (%s)", self.path, statusNames(status))
                return status
            now = self.clock.monotonic()
            if now >= deadline:
                raise LockTimeout(f"no lock on {self.path} after {timeout:g} s "
                                  f"(the frontend has: {statusNames(status)})", self.path, status)
            self.clock.sleep(min(interval, deadline - now))


# --------------------------------------------------------------------------
# The demux: PID filters
# --------------------------------------------------------------------------

def _checkPid(pid: int) -> int:
    if not isinstance(pid, int) or isinstance(pid, bool) or not 0 <= pid <= 0x2000:
        raise ValueError(f"a PID is an int from 0 to 0x1FFF (or 0x2000 for all), not {pid!r}")
    return pid


class PidFilter:
    """One demux file descriptor passing PIDs to the dvr device; :meth:`stop` ends it.

    ``pid`` is the PID its PES filter was set for; :meth:`addPid` and
    :meth:`removePid` change the set on the same descriptor (``pids``).
    """

    def __init__(self, kernel: DVBKernel, fd: int, path: str, pid: int) -> None:
        self.kernel = kernel
        self.fd: int | None = fd
        self.path = path
        self.pid = pid
        self.pids = [pid]

    def _fd(self) -> int:
        if self.fd is None:
            raise DVBDeviceError(errnos.EBADF, f"the filter of PID {self.pid} on {self.path} "
                                               f"is stopped", self.path)
        return self.fd

    def addPid(self, pid: int) -> None:
        """DMX_ADD_PID: pass ``pid`` too, through this descriptor (kernels from 3.x)."""
        value = ctypes.c_uint16(_checkPid(pid))
        _ioctl(self.kernel, self._fd(), self.path, DMX_ADD_PID, value, f"PID {pid}")
        if pid not in self.pids:
            self.pids.append(pid)

    def removePid(self, pid: int) -> None:
        """DMX_REMOVE_PID: stop passing ``pid`` through this descriptor."""
        value = ctypes.c_uint16(_checkPid(pid))
        _ioctl(self.kernel, self._fd(), self.path, DMX_REMOVE_PID, value, f"PID {pid}")
        if pid in self.pids:
            self.pids.remove(pid)

    def stop(self) -> None:
        """DMX_STOP and close (a second call does nothing)."""
        if self.fd is None:
            return
        fd, self.fd = self.fd, None
        try:
            _ioctl(self.kernel, fd, self.path, DMX_STOP, 0, f"PID {self.pid}")
        except DVBDeviceError as error:
            log.warning("%s", error)
        finally:
            try:
                self.kernel.close(fd)
            except OSError as error:
                log.warning("closing %s: %s", self.path, error)

    def __repr__(self) -> str:
        return f"PidFilter(pid={self.pid:#x}, path={self.path!r}, fd={self.fd!r})"


class Demux:
    """Demux(adapter=0, demux=0, kernel=None) -> PID filters on ``/dev/dvb/adapterN/demuxM``.

    :meth:`addPid` opens the demux device once per PID; :meth:`close` stops
    them all. Nothing is opened until the first PID is added.
    """

    def __init__(self, adapter: int = 0, demux: int = 0, kernel: DVBKernel | None = None) -> None:
        self.adapter = adapter
        self.path = devicePath(adapter, "demux", demux)
        self.kernel: DVBKernel = kernel if kernel is not None else LinuxKernel()
        self.filters: dict[int, PidFilter] = {}

    def __enter__(self) -> Demux:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def addPid(self, pid: int, output: int = DMX_OUT_TS_TAP) -> PidFilter:
        """Pass ``pid`` (0x2000: everything) to the dvr device; returns its filter.

        A PID already added keeps its filter.
        """
        _checkPid(pid)
        if pid in self.filters:
            return self.filters[pid]
        fd = _openDevice(self.kernel, self.path, os.O_RDWR | os.O_NONBLOCK, self.adapter)
        params = DmxPesFilterParams(pid=pid, input=DMX_IN_FRONTEND, output=output,
                                    pes_type=DMX_PES_OTHER, flags=DMX_IMMEDIATE_START)
        try:
            _ioctl(self.kernel, fd, self.path, DMX_SET_PES_FILTER, params, f"PID {pid}")
        except DVBDeviceError:
            self.kernel.close(fd)
            raise
        self.filters[pid] = PidFilter(self.kernel, fd, self.path, pid)
        return self.filters[pid]

    def removePid(self, pid: int) -> None:
        """Stop passing ``pid`` (nothing happens if it was not added)."""
        found = self.filters.pop(pid, None)
        if found is not None:
            found.stop()

    def pids(self) -> list[int]:
        """The PIDs being passed, in the order added."""
        return list(self.filters)

    def close(self) -> None:
        """Stop every filter."""
        for pid in list(self.filters):
            self.removePid(pid)


# --------------------------------------------------------------------------
# The dvr device: reading the stream
# --------------------------------------------------------------------------

class Dvr(_OpenDevice):
    """Dvr(adapter=0, dvr=0, kernel=None, bufferSize=None) -> the open dvr device.

    - bufferSize -- if given, the kernel ring buffer's size in bytes
      (DMX_SET_BUFFER_SIZE; the kernel's default is 10 * 188 * 1024 bytes,
      about 1.9 MB: a few seconds of a multiplex)
    """

    #: Bytes asked for per read: 348 packets, just under 64 KiB.
    readSize = TS_PACKET_SIZE * 348

    def __init__(self, adapter: int = 0, dvr: int = 0, kernel: DVBKernel | None = None,
                 bufferSize: int | None = None) -> None:
        self.overflows = 0
        #: True once the stand-in for the device (a file, a pipe) has ended.
        self.ended = False
        self._partial = b""
        super().__init__(adapter, "dvr", dvr, os.O_RDONLY | os.O_NONBLOCK, kernel)
        if bufferSize is not None:
            try:
                self.setBufferSize(bufferSize)
            except BaseException:
                self.close()
                raise

    def setBufferSize(self, size: int) -> None:
        """DMX_SET_BUFFER_SIZE on the dvr device: its ring buffer, in bytes."""
        _ioctl(self.kernel, self._fd(), self.path, DMX_SET_BUFFER_SIZE,
               _u32(size, "the buffer size"))

    def readPackets(self, timeout: float | None = 0.1) -> bytes:
        """Whole TS packets that have arrived (waiting up to ``timeout`` s for some).

        Returns ``b""`` if none came; otherwise a multiple of 188 bytes. A
        partial packet at the end of a read is kept for the next call. At
        the end of a file or pipe standing in for the device, returns
        ``b""`` and sets :attr:`ended`.
        """
        fd = self._fd()
        if self.ended:
            return b""
        if not self.kernel.poll(fd, timeout):
            return b""
        try:
            data = self.kernel.read(fd, self.readSize)
        except BlockingIOError:
            return b""
        except OSError as error:
            if error.errno == errnos.EOVERFLOW:
                # The kernel's ring buffer filled: it has dropped what it held
                # and says so once; the stream goes on from here.
                self.overflows += 1
                self._partial = b""
                log.warning("%s: the kernel's buffer overflowed (%d times so far): packets "
                            "were lost; a bigger bufferSize or a faster reader helps",
                            self.path, self.overflows)
                return b""
            code = error.errno or errnos.EIO
            raise DVBDeviceError(code, f"reading {self.path} failed: {os.strerror(code)}",
                                 self.path) from error
        if not data:
            # Only a file or pipe standing in for the device ends (a real one
            # would have failed instead); a partial packet left is dropped.
            self.ended = True
            self._partial = b""
            return b""
        if self._partial:
            data = self._partial + data
        whole = len(data) - len(data) % TS_PACKET_SIZE
        self._partial = data[whole:]
        return data[:whole]


# --------------------------------------------------------------------------
# The stand-in kernel: recorded answers, real descriptors
# --------------------------------------------------------------------------

@dataclass(frozen=True)
class IoctlCall:
    """One ioctl a :class:`ReplayKernel` was given.

    - path       -- the device it was made on
    - name       -- the request's name (``"FE_SET_PROPERTY"``)
    - argument   -- the bytes of the struct passed, as passed (before the
      kernel answered into it), or the integer of an ``_IO`` request
    - properties -- FE_SET_PROPERTY / FE_GET_PROPERTY: the bytes of the
      ``dtv_property`` array the argument points at; ``b""`` otherwise
    """
    path: str
    name: str
    argument: bytes | int
    properties: bytes = b""


_DEVICE_PATH = re.compile(r"/dev/dvb/adapter([0-9]+)/(frontend|demux|dvr)0")

#: A frontend locked, as FE_READ_STATUS says it.
_LOCKED = FE_HAS_SIGNAL | FE_HAS_CARRIER | FE_HAS_VITERBI | FE_HAS_SYNC | FE_HAS_LOCK

#: The requests each kind of device answers (any other gives ENOTTY).
_DEVICE_REQUESTS = {
    "frontend": frozenset({"FE_GET_INFO", "FE_READ_STATUS", "FE_SET_PROPERTY",
                           "FE_GET_PROPERTY", "FE_SET_TONE", "FE_SET_VOLTAGE",
                           "FE_DISEQC_SEND_MASTER_CMD", "FE_DISEQC_SEND_BURST",
                           "FE_DISEQC_RESET_OVERLOAD"}),
    "demux": frozenset({"DMX_SET_PES_FILTER", "DMX_START", "DMX_STOP", "DMX_ADD_PID",
                        "DMX_REMOVE_PID", "DMX_SET_BUFFER_SIZE"}),
    "dvr": frozenset({"DMX_SET_BUFFER_SIZE"}),
}

#: Frontend requests that only read its state (the others need it open read-write).
_QUERIES = frozenset({"FE_GET_INFO", "FE_READ_STATUS", "FE_GET_PROPERTY"})

# The headers' layouts, written out with ``struct`` (native byte order,
# standard sizes), independently of the ctypes mirrors above.
_POINTER = ctypes.sizeof(ctypes.c_void_p)
_PROPERTY_SIZE = 4 + 12 + (32 + 4 + 12 + _POINTER) + 4
_PROPERTY_VALUE_OFFSET = 16                      # the union, after cmd and reserved[3]
_BUFFER_LEN_OFFSET = _PROPERTY_VALUE_OFFSET + 32  # u.buffer.len, after u.buffer.data[32]
_PES_FILTER = struct.Struct("=H2xIIII")           # pid, input, output, pes_type, flags


def _defaultFrontendInfo() -> bytes:
    """FE_GET_INFO's answer for a DVB-T/T2 frontend (made from the layout, not a card)."""
    return struct.pack("=128s10I", b"Replay DVB-T/T2", FE_OFDM, 42_000_000, 870_000_000,
                       62_500, 0, 0, 0, 0, 0, 0x7FF_FFFF)


class _StandInDevice:
    """An open descriptor of the stand-in kernel and its state."""

    def __init__(self, path: str, kind: str, adapter: int, flags: int) -> None:
        self.path = path
        self.kind = kind
        self.adapter = adapter
        self.flags = flags
        self.pids: set[int] = set()         # demux: the PES filter's PIDs
        self.output: int | None = None      # demux: DMX_OUT_* of the filter set
        self.started = False                # demux: filtering
        self.bufferSize: int | None = None  # demux, dvr: DMX_SET_BUFFER_SIZE
        self.writer: int | None = None      # dvr: the write end of its pipe, if a pipe
        self.partial = b""                  # dvr: a part-packet read, not passed yet
        self.overflow = False               # dvr: the next read fails with EOVERFLOW

    @property
    def writable(self) -> bool:
        return self.flags & os.O_ACCMODE != os.O_RDONLY


class ReplayKernel:
    """ReplayKernel(adapters=(0,), ..., dvr=None) -> a stand-in for the kernel's DVB devices.

    A :class:`DVBKernel` for tests and replays (see "The stand-in kernel"
    in the module's documentation):

    - adapters        -- the adapter numbers whose devices exist
    - frontendInfo    -- FE_GET_INFO's answer: the 168 bytes of a
      ``dvb_frontend_info`` (default: a DVB-T/T2 frontend)
    - deliverySystems -- DTV_ENUM_DELSYS's answer; None: the request is
      unknown (``EINVAL``), as on kernels before 3.3
    - statuses        -- FE_READ_STATUS's answers after DTV_TUNE, in turn,
      the last repeated
    - dvr             -- the file or FIFO each ``dvr0`` reads; None: a pipe
      that nobody writes to
    - openErrors      -- device path -> errno its open fails with
    - ioctlErrors     -- request name -> errno it fails with (after being recorded)

    Safe to use from several threads: :meth:`waitFor` blocks until a
    condition on the recorded state holds.
    """

    def __init__(self, adapters: Iterable[int] = (0,), frontendInfo: bytes | None = None,
                 deliverySystems: Sequence[int] | None = (SYS_DVBT, SYS_DVBT2),
                 statuses: Sequence[int] = (_LOCKED,),
                 dvr: str | os.PathLike[str] | None = None,
                 openErrors: Mapping[str, int] | None = None,
                 ioctlErrors: Mapping[str, int] | None = None) -> None:
        info = _defaultFrontendInfo() if frontendInfo is None else bytes(frontendInfo)
        if len(info) != ctypes.sizeof(DvbFrontendInfo):
            raise ValueError(f"frontendInfo is the {ctypes.sizeof(DvbFrontendInfo)} bytes of a "
                             f"struct dvb_frontend_info, not {len(info)} bytes")
        if not statuses:
            raise ValueError("statuses needs at least one FE_READ_STATUS answer")
        self.adapters = frozenset(adapters)
        self.frontendInfo = info
        self.deliverySystems = None if deliverySystems is None else tuple(deliverySystems)
        self.statuses = tuple(statuses)
        self.dvr = dvr
        self.openErrors = dict(openErrors or {})
        self.ioctlErrors = dict(ioctlErrors or {})
        #: Every ioctl made, in order.
        self.ioctls: list[IoctlCall] = []
        #: Every open that succeeded: (path, flags).
        self.opens: list[tuple[str, int]] = []
        self._devices: dict[int, _StandInDevice] = {}
        self._statusIndex: dict[int, int] = {}       # adapter -> next answer, once tuned
        self._changed = threading.Condition()

    # -- what tests look at ----------------------------------------------

    def openFds(self) -> dict[int, str]:
        """The descriptors open now: fd -> device path."""
        with self._changed:
            return {fd: device.path for fd, device in self._devices.items()}

    def passedPids(self, adapter: int = 0) -> set[int]:
        """The PIDs the adapter's started TS-tap filters pass to its dvr device."""
        with self._changed:
            return self._passedPids(adapter)

    def calls(self, name: str) -> list[IoctlCall]:
        """The ioctls of one request (``"FE_SET_PROPERTY"``), in order."""
        with self._changed:
            return [call for call in self.ioctls if call.name == name]

    def waitFor(self, condition: Callable[[], object], timeout: float = 5.0) -> None:
        """Block until ``condition()`` is true; it is checked after every call.

        Raises ``TimeoutError`` after ``timeout`` seconds.
        """
        with self._changed:
            if not self._changed.wait_for(condition, timeout):
                raise TimeoutError(f"not within {timeout:g} s; ioctls so far: "
                                   f"{[call.name for call in self.ioctls]}")

    def overflowNextRead(self, adapter: int = 0) -> None:
        """Make the next read of the adapter's dvr device fail with EOVERFLOW."""
        with self._changed:
            for device in self._devices.values():
                if device.kind == "dvr" and device.adapter == adapter:
                    device.overflow = True

    # -- DVBKernel ----------------------------------------------------------

    def open(self, path: str, flags: int) -> int:
        match = _DEVICE_PATH.fullmatch(path)
        if match is None or int(match[1]) not in self.adapters:
            raise FileNotFoundError(errnos.ENOENT, os.strerror(errnos.ENOENT), path)
        if path in self.openErrors:
            code = self.openErrors[path]
            raise OSError(code, os.strerror(code), path)
        device = _StandInDevice(path, match[2], int(match[1]), flags)
        with self._changed:
            if device.kind == "frontend" and device.writable and any(
                    other.path == path and other.writable for other in self._devices.values()):
                raise OSError(errnos.EBUSY, os.strerror(errnos.EBUSY), path)
            fd = self._openStandIn(device, flags)
            self._devices[fd] = device
            self.opens.append((path, flags))
            self._changed.notify_all()
        return fd

    def _openStandIn(self, device: _StandInDevice, flags: int) -> int:
        if device.kind != "dvr":
            return os.open(os.devnull, os.O_RDWR)
        if self.dvr is not None:
            return os.open(self.dvr, flags)
        reader, device.writer = os.pipe()
        os.set_blocking(reader, not flags & os.O_NONBLOCK)
        return reader

    def close(self, fd: int) -> None:
        with self._changed:
            device = self._device(fd)
            del self._devices[fd]
            self._changed.notify_all()
        os.close(fd)
        if device.writer is not None:
            os.close(device.writer)

    def poll(self, fd: int, timeout: float | None) -> bool:
        with self._changed:
            self._device(fd)
        return LinuxKernel().poll(fd, timeout)

    def read(self, fd: int, size: int) -> bytes:
        with self._changed:
            device = self._device(fd)
            if device.kind != "dvr":
                raise OSError(errnos.EINVAL, f"{device.path}: this stand-in reads only dvr0")
            if device.overflow:
                device.overflow = False
                raise OSError(errnos.EOVERFLOW, os.strerror(errnos.EOVERFLOW))
        data = os.read(fd, size)
        if not data:
            return b""
        with self._changed:
            passed = self._filterPackets(device, data)
            self._changed.notify_all()
        if not passed:
            raise BlockingIOError(errnos.EAGAIN, os.strerror(errnos.EAGAIN))
        return passed

    def ioctl(self, fd: int, request: int, arg: IoctlArg) -> int:
        with self._changed:
            device = self._device(fd)
            name = _REQUEST_NAMES.get(request)
            if name is None or name not in _DEVICE_REQUESTS[device.kind]:
                raise OSError(errnos.ENOTTY, f"{device.path}: no ioctl {request:#x} here")
            argument, properties = self._copyIn(name, request, arg)
            self.ioctls.append(IoctlCall(device.path, name, argument, properties))
            self._changed.notify_all()
            if name in self.ioctlErrors:
                code = self.ioctlErrors[name]
                raise OSError(code, os.strerror(code))
            if device.kind == "frontend" and name not in _QUERIES and not device.writable:
                raise OSError(errnos.EPERM, f"{name} needs {device.path} open read-write")
            self._answer(device, name, arg, argument, properties)
            self._changed.notify_all()
        return 0

    # -- the kernel's side of each request --------------------------------

    def _device(self, fd: int) -> _StandInDevice:
        try:
            return self._devices[fd]
        except KeyError:
            raise OSError(errnos.EBADF, f"fd {fd} is not a DVB device open here") from None

    def _copyIn(self, name: str, request: int, arg: IoctlArg) -> tuple[bytes | int, bytes]:
        """What the kernel copies from the caller: the argument, and the
        property array it points at (checked against the request's size)."""
        layout = HOST_IOCTL_LAYOUT
        size = (request >> 16) & ((1 << layout.sizeBits) - 1)
        if size == 0:
            if not isinstance(arg, int):
                raise OSError(errnos.EFAULT, f"{name} takes an integer, not {type(arg).__name__}")
            return arg, b""
        given = _bufferSize(arg)
        if given != size:
            raise OSError(errnos.EFAULT, f"{name} copies {size} bytes; the argument has {given}")
        argument = ctypes.string_at(_bufferAddress(arg), size)
        if name not in ("FE_SET_PROPERTY", "FE_GET_PROPERTY"):
            return argument, b""
        count = struct.unpack_from("=I", argument)[0]
        if not 0 < count <= DTV_IOCTL_MAX_MSGS:
            raise OSError(errnos.EINVAL, f"{name} of {count} properties")
        pointer = int.from_bytes(argument[_POINTER:2 * _POINTER], sys.byteorder)
        if not pointer:
            raise OSError(errnos.EFAULT, f"{name}: a NULL property array")
        return argument, ctypes.string_at(pointer, count * _PROPERTY_SIZE)

    def _answer(self, device: _StandInDevice, name: str, arg: IoctlArg, argument: bytes | int,
                properties: bytes) -> None:
        if name == "FE_GET_INFO":
            ctypes.memmove(_bufferAddress(arg), self.frontendInfo, len(self.frontendInfo))
        elif name == "FE_READ_STATUS":
            ctypes.memmove(_bufferAddress(arg), struct.pack("=I", self._status(device.adapter)), 4)
        elif name == "FE_SET_PROPERTY":
            self._setProperties(device, properties)
        elif name == "FE_GET_PROPERTY":
            assert isinstance(argument, bytes)
            self._getProperties(argument, properties)
        elif name == "DMX_SET_PES_FILTER":
            assert isinstance(argument, bytes)
            self._setPesFilter(device, argument)
        elif name in ("DMX_START", "DMX_STOP"):
            if device.output is None:
                raise OSError(errnos.EINVAL, f"{name} before DMX_SET_PES_FILTER")
            device.started = name == "DMX_START"
        elif name in ("DMX_ADD_PID", "DMX_REMOVE_PID"):
            assert isinstance(argument, bytes)
            self._changePids(device, name, struct.unpack("=H", argument)[0])
        elif name == "DMX_SET_BUFFER_SIZE":
            assert isinstance(argument, int)
            device.bufferSize = argument
        # FE_SET_TONE, FE_SET_VOLTAGE and the DiSEqC requests: recorded only.

    def _status(self, adapter: int) -> int:
        index = self._statusIndex.get(adapter)
        if index is None:
            return FE_NONE                      # not tuned yet
        self._statusIndex[adapter] = index + 1
        return self.statuses[min(index, len(self.statuses) - 1)]

    def _setProperties(self, device: _StandInDevice, properties: bytes) -> None:
        for offset in range(0, len(properties), _PROPERTY_SIZE):
            command, value = struct.unpack_from("=I12xI", properties, offset)
            if (command == DTV_DELIVERY_SYSTEM and self.deliverySystems is not None
                    and value not in self.deliverySystems):
                raise OSError(errnos.EINVAL, f"{device.path} has no delivery system {value}")
            if command not in PROPERTY_NAMES:
                raise OSError(errnos.EINVAL, f"no DTV property {command}")
            if command == DTV_TUNE:
                self._statusIndex[device.adapter] = 0

    def _getProperties(self, argument: bytes, properties: bytes) -> None:
        pointer = int.from_bytes(argument[_POINTER:2 * _POINTER], sys.byteorder)
        for offset in range(0, len(properties), _PROPERTY_SIZE):
            (command,) = struct.unpack_from("=I", properties, offset)
            if command != DTV_ENUM_DELSYS or self.deliverySystems is None:
                raise OSError(errnos.EINVAL, f"no recorded answer for {propertyName(command)}")
            systems = bytes(self.deliverySystems)
            ctypes.memmove(pointer + offset + _PROPERTY_VALUE_OFFSET, systems, len(systems))
            ctypes.memmove(pointer + offset + _BUFFER_LEN_OFFSET,
                           struct.pack("=I", len(systems)), 4)

    def _setPesFilter(self, device: _StandInDevice, argument: bytes) -> None:
        pid, source, output, pesType, flags = _PES_FILTER.unpack(argument)
        if pid > 0x2000 or pesType > DMX_PES_OTHER or source not in (DMX_IN_FRONTEND,
                                                                       DMX_IN_DVR):
            raise OSError(errnos.EINVAL, f"a PES filter of PID {pid:#x}, input {source}, "
                                         f"type {pesType}")
        device.pids, device.output = {pid}, output
        device.started = bool(flags & DMX_IMMEDIATE_START)

    def _changePids(self, device: _StandInDevice, name: str, pid: int) -> None:
        if device.output != DMX_OUT_TS_TAP or pid > 0x2000:
            raise OSError(errnos.EINVAL, f"{name} of PID {pid:#x} without a TS filter")
        if name == "DMX_ADD_PID":
            device.pids.add(pid)
        else:
            device.pids.discard(pid)

    def _passedPids(self, adapter: int) -> set[int]:
        passed: set[int] = set()
        for device in self._devices.values():
            if (device.kind == "demux" and device.adapter == adapter and device.started
                    and device.output == DMX_OUT_TS_TAP):
                passed |= device.pids
        return passed

    def _filterPackets(self, device: _StandInDevice, data: bytes) -> bytes:
        """The whole packets of ``data`` (after a part-packet kept from before)
        whose PIDs the adapter's filters pass."""
        data = device.partial + data
        whole = len(data) - len(data) % TS_PACKET_SIZE
        device.partial = data[whole:]
        passed = self._passedPids(device.adapter)
        if 0x2000 in passed:
            return data[:whole]
        return b"".join(data[i:i + TS_PACKET_SIZE] for i in range(0, whole, TS_PACKET_SIZE)
                        if (data[i + 1] & 0x1F) << 8 | data[i + 2] in passed)


def _bufferAddress(arg: IoctlArg) -> int:
    if isinstance(arg, bytearray):
        return ctypes.addressof((ctypes.c_char * len(arg)).from_buffer(arg))
    return ctypes.addressof(arg)            # type: ignore[arg-type]


def _bufferSize(arg: IoctlArg) -> int:
    if isinstance(arg, bytearray):
        return len(arg)
    try:
        return ctypes.sizeof(arg)           # type: ignore[arg-type]
    except TypeError:
        return -1
