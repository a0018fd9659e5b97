"""ChannelsConf: read a ``channels.conf`` (zap or dvbv5 format) into tuning parameters.

Example Usage
-------------
Read channels from a file that ``w_scan2`` or ``dvbv5-scan`` wrote, and
look one up::

    import tempfile, os
    from Kamaelia.Support.DVB.ChannelsConf import readChannels
    from Kamaelia.Support.DVB.LinuxDVB import DTV_BANDWIDTH_HZ, SYS_DVBT

    folder = tempfile.mkdtemp()
    path = os.path.join(folder, "channels.conf")
    with open(path, "w") as f:
        f.write("BBC ONE:505833333:INVERSION_AUTO:BANDWIDTH_8_MHZ:FEC_3_4:FEC_3_4:"
                "QAM_16:TRANSMISSION_MODE_2K:GUARD_INTERVAL_1_32:HIERARCHY_NONE:"
                "600:601:4165\\n")

    channels = readChannels(path)
    bbc = channels["BBC ONE"]
    assert bbc.deliverySystem == SYS_DVBT and bbc.frequency == 505_833_333
    assert bbc.properties[DTV_BANDWIDTH_HZ] == 8_000_000
    assert (bbc.serviceId, bbc.videoPids, bbc.audioPids) == (4165, (600,), (601,))
    print(bbc.name, bbc.deliverySystemName, bbc.frequency, "Hz, PIDs", bbc.pids)

Kamaelia 1.14's functions are here too, with their return shapes::

    from Kamaelia.Support.DVB.ChannelsConf import read_channel_configs

    chan_by_name, chan_by_service, chans_by_frequency = read_channel_configs("channels.conf")
    chan_info = chan_by_name["bbc one"]        # 1.14 keyed names in lower case
    chan_info["apid"], chan_info["vpid"], chan_info["feparams"]

(``read_channel_configs`` looks for the file in the places of
:data:`search_path`, as 1.14 did; :func:`readChannels` reads the path given.)

How does it work?
-----------------
Two formats, told apart by the first line that is not blank or a ``#``
comment: one that starts with ``[``, or is ``KEY = VALUE`` without a
colon, is dvbv5; anything else zap.

**zap** (``tzap``, ``czap``, ``szap``, ``azap``, ``dvbv5-scan -O ZAP``,
``w_scan2 -X``): one channel per line, fields separated by ``:``, the
delivery system told by how many fields there are:

* 13 fields, DVB-T: ``NAME:FREQ_HZ:INVERSION:BANDWIDTH:FEC_HP:FEC_LP:MODULATION:``
  ``TRANSMISSION_MODE:GUARD_INTERVAL:HIERARCHY:VPID:APID:SERVICE_ID``
* 9 fields, DVB-C: ``NAME:FREQ_HZ:INVERSION:SYMBOL_RATE:FEC:MODULATION:VPID:APID:SERVICE_ID``
* 8 fields, DVB-S (``szap``): ``NAME:FREQ_MHZ:POLARISATION:SAT_NO:SYMBOL_RATE_KSPS:VPID:APID:SERVICE_ID``
* 7 fields, DVB-S (libdvbv5's zap): ``NAME:FREQ_MHZ:POLARISATION:SYMBOL_RATE_KSPS:VPID:APID:SERVICE_ID``
* 6 fields, ATSC: ``NAME:FREQ_HZ:MODULATION:VPID:APID:SERVICE_ID``

(VDR's ``channels.conf``, also 13 fields but ``;`` and ``=`` inside them,
is not read; a line of it is reported as such.)

Enumerated fields are the kernel's names (``FEC_3_4``, ``QAM_64``,
``BANDWIDTH_8_MHZ``, ``GUARD_INTERVAL_1_32`` ...) in any case, plus the
zap tools' spellings ``8VSB``, ``16VSB``, ``8PSK``, ``APSK16``, ``APSK32``
and ``BANDWIDTH_1.712_MHZ``; the polarisation is ``h``, ``v``, ``l`` or
``r``. A PID of 0 means "none".

**dvbv5** (``dvbv5-scan``'s default, libdvbv5's ``DVBV5`` format): a
``[CHANNEL NAME]`` line starts each channel, then ``KEY = VALUE`` lines.
Keys are the kernel's ``DTV_*`` property names without ``DTV_``
(``DELIVERY_SYSTEM``, ``FREQUENCY``, ``BANDWIDTH_HZ``, ``MODULATION``,
``SYMBOL_RATE``, ``INNER_FEC``, ``CODE_RATE_HP`` ...) with libdvbv5's value
names (``DVBT2``, ``DVBC/ANNEX_A``, ``QAM/64``, ``PSK/8``, ``2/3``, ``1/32``,
``8K``, ``AUTO``, ``NONE`` ...), and ``SERVICE_ID``, ``VIDEO_PID``,
``AUDIO_PID`` (PIDs separated by spaces), ``PID_xx`` (other streams of
stream type ``xx`` in hex), ``POLARIZATION`` (``HORIZONTAL``, ``VERTICAL``,
``LEFT``, ``RIGHT``), ``SAT_NUMBER``, ``LNB`` and ``VCHANNEL``. A
satellite ``FREQUENCY`` there is in kHz, as libdvbv5 keeps it. Keys this
module does not know are kept in :attr:`Channel.extra` and have no effect
(libdvbv5 skips them too, so newer files still load). Each channel needs a
``DELIVERY_SYSTEM`` and a ``FREQUENCY``.

Both give :class:`Channel` objects: the name, the delivery system (a
``SYS_*`` number of :mod:`Kamaelia.Support.DVB.LinuxDVB`), the frequency in
Hz (a satellite transponder's own frequency), the other tuning parameters
as the kernel's ``DTV_*`` properties (``{DTV_MODULATION: QAM_64, ...}``),
the service id and the PIDs. ``LinuxDVB.Frontend.tuneChannel(channel)``
tunes one. A zap line that gives no inversion gets ``INVERSION_AUTO``, and
szap's lines (which give no FEC) ``FEC_AUTO``, as libdvbv5 does.

Anything wrong in a file raises :class:`ChannelsConfError` (a
``ValueError``) naming the file, the line and what is wrong; nothing else
escapes the parsers, whatever the text.

The 1.14 functions
------------------
:func:`read_channel_configs` returns ``(chan_by_name, chan_by_service,
chans_by_frequency)``: dicts keyed by the lower-cased name, the service id
and the frequency in Hz (a list of channels each), of 1.14's channel dicts::

    {"name": "cbeebies", "freq_mhz": 801.833, "frequency": 801833000,
     "inversion": 2, "bandwidth": 0, "code_rate_HP": 2, "code_rate_LP": 1,
     "constellation": 3, "transmission_mode": 1, "guard_interval": 0,
     "hierarchy_information": 0, "vpid": 401, "apid": 402, "serviceid": 4672,
     "feparams": {the same nine tuning keys, from "frequency" on}}

with the values of the kernel's (DVBv3) enums, so that ``feparams`` is what
``Kamaelia.Device.DVB.Tuner``/``Core`` take. Channels other than DVB-T get
the DVBv3 keys of their kind (``symbol_rate``, ``fec_inner``,
``modulation``; for satellite also ``polarisation`` and ``sat_no``) and a
``"delivery_system"`` key; properties with no DVBv3 name go under
``"properties"``. :func:`channelFromFeparams` turns such a dict back into
a :class:`Channel`. ``tokenise_channels_config``, ``parse_channel_config``,
``open_config``, ``read_config`` and ``getdvb`` are 1.14's steps.

Differences from 1.14
---------------------
1.14's module raised ``NotImplementedError`` on import ("bit rot") and
needed the Pyrex ``dvb3`` bindings for the enum values; it read DVB-T zap
files only; a field it did not know silently became "auto" (``getdvb``),
a short line raised ``IndexError`` and a bad number ``ValueError`` without
saying where; ``getdvb`` took a default of 0 (``HIERARCHY_NONE``) as "no
default". Here every format above is read, blank lines and ``#`` comments
are skipped, bad lines raise :class:`ChannelsConfError` naming the file and
line, and ``getdvb``'s default is used whenever it is not None.
``read_channel_configs`` also looks in ``~/.tzap``, ``~/.czap``,
``~/.szap``, ``~/.azap`` and ``~/.mplayer`` (where the zap tools and
MPlayer keep theirs), and reads dvbv5 files too.
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass, field
from typing import IO, Any, Callable, Iterable, Mapping, Sequence

from Kamaelia.Support.DVB import LinuxDVB as dvb
from Kamaelia.Support.DVB.LinuxDVB import (
    BANDWIDTH_AUTO, BANDWIDTH_HZ, DELIVERY_SYSTEMS, DTV_BANDWIDTH_HZ, DTV_CODE_RATE_HP,
    DTV_CODE_RATE_LP, DTV_GUARD_INTERVAL, DTV_HIERARCHY, DTV_INNER_FEC, DTV_INVERSION,
    DTV_MODULATION, DTV_PILOT, DTV_ROLLOFF, DTV_STREAM_ID, DTV_SYMBOL_RATE,
    DTV_TRANSMISSION_MODE, ENUMS, FEC_AUTO, GUARD_INTERVAL_AUTO, HIERARCHY_AUTO,
    INVERSION_AUTO, PROPERTY_NAMES, QAM_AUTO, SYS_ATSC, SYS_DSS, SYS_DVBC_ANNEX_A,
    SYS_DVBC_ANNEX_B, SYS_DVBC_ANNEX_C, SYS_DVBS, SYS_DVBS2, SYS_DVBT, SYS_DVBT2,
    SYS_ISDBS, SYS_TURBO, SYS_UNDEFINED, TRANSMISSION_MODE_AUTO, deliverySystemName,
    isSatellite,
)

__all__ = [
    # 1.14's names
    "debug", "search_path", "open_config", "read_config", "getdvb",
    "tokenise_channels_config", "parse_channel_config", "read_channel_configs",
    # ours
    "Channel", "ChannelsConfError", "TokenisedLine", "parseChannels", "readChannels",
    "legacyChannelDict", "channelFromFeparams",
]

log = logging.getLogger("Kamaelia.Support.DVB.ChannelsConf")

#: 1.14's switch for printing where the file was found (now a DEBUG log line either way).
debug = False

#: Where ``open_config`` looks, in order (1.14's list).
search_path = [
    ".",
    os.path.expanduser("~"),
    os.path.expanduser("~/.kamaelia"),
    "/usr/local/etc/",
    "/etc/",
]

#: Where ``read_channel_configs`` looks besides ``search_path``.
_EXTRA_SEARCH = [
    "/usr/local/etc/mplayer/", "/etc/mplayer/",        # 1.14's
    os.path.expanduser("~/.tzap"), os.path.expanduser("~/.czap"),
    os.path.expanduser("~/.szap"), os.path.expanduser("~/.azap"),
    os.path.expanduser("~/.mplayer"),
]


class ChannelsConfError(ValueError):
    """ChannelsConfError(source, line, reason) -> a channels.conf that cannot be read.

    ``source`` names the file (or ``"<string>"``), ``line`` is 1-based.
    """

    def __init__(self, source: str, line: int, reason: str) -> None:
        super().__init__(f"{source}, line {line}: {reason}")
        self.source = source
        self.line = line
        self.reason = reason


@dataclass(frozen=True)
class Channel:
    """One channel (service) of a channels.conf, ready to tune.

    - name            -- as written in the file
    - deliverySystem  -- ``LinuxDVB.SYS_*``
    - frequency       -- Hz (satellite: the transponder's frequency, not the LNB's)
    - properties      -- the other tuning parameters: ``DTV_*`` command -> value
      (never DTV_FREQUENCY or DTV_DELIVERY_SYSTEM, which are the fields above)
    - serviceId       -- the service (programme) number, or None
    - videoPids, audioPids -- the PIDs the file names (may be empty)
    - otherPids       -- (stream type, PID) pairs from a dvbv5 file's ``PID_xx``
    - polarisation    -- satellite: ``"H"``, ``"V"``, ``"L"`` or ``"R"``; else None
    - satelliteNumber -- satellite: the DiSEqC switch position 0-3, or None
    - lnb             -- a dvbv5 file's LNB name (e.g. ``"UNIVERSAL"``), or None
    - extra           -- dvbv5 keys this module does not use, as written
    - source, line    -- where it was read
    """
    name: str
    deliverySystem: int
    frequency: int
    properties: Mapping[int, int] = field(default_factory=dict)
    serviceId: int | None = None
    videoPids: tuple[int, ...] = ()
    audioPids: tuple[int, ...] = ()
    otherPids: tuple[tuple[int, int], ...] = ()
    polarisation: str | None = None
    satelliteNumber: int | None = None
    lnb: str | None = None
    extra: Mapping[str, str] = field(default_factory=dict)
    source: str = "<string>"
    line: int = 0

    @property
    def pids(self) -> tuple[int, ...]:
        """Every PID named: video, audio, then the others, without repeats."""
        every = [*self.videoPids, *self.audioPids, *(pid for _, pid in self.otherPids)]
        return tuple(dict.fromkeys(every))

    @property
    def deliverySystemName(self) -> str:
        """E.g. ``"DVB-T2"``."""
        return deliverySystemName(self.deliverySystem)


class TokenisedLine(list[str]):
    """A list of a zap line's fields that remembers where it came from
    (``source``, ``line``), so :func:`parse_channel_config` can say."""

    def __init__(self, fields: Iterable[str], source: str = "<string>", line: int = 0) -> None:
        super().__init__(fields)
        self.source = source
        self.line = line


# --------------------------------------------------------------------------
# Value tables
# --------------------------------------------------------------------------

def _upper(table: Mapping[str, int]) -> dict[str, int]:
    return {name.upper(): value for name, value in table.items()}


_ZAP_INVERSION = _upper(ENUMS["inversion"])
_ZAP_CODE_RATE = _upper(ENUMS["code_rate"])
_ZAP_MODULATION = {**_upper(ENUMS["modulation"]), "8PSK": dvb.PSK_8, "8VSB": dvb.VSB_8,
                   "16VSB": dvb.VSB_16, "APSK16": dvb.APSK_16, "APSK32": dvb.APSK_32}
_ZAP_TRANSMISSION = _upper(ENUMS["transmission_mode"])
_ZAP_GUARD = _upper(ENUMS["guard_interval"])
_ZAP_HIERARCHY = _upper(ENUMS["hierarchy"])
_ZAP_BANDWIDTH = {**{name: BANDWIDTH_HZ[value] for name, value in ENUMS["bandwidth"].items()},
                  "BANDWIDTH_1.712_MHZ": 1_712_000}


def _v5Names(table: Mapping[str, int], prefix: str, slashFirst: bool = False) -> dict[str, int]:
    """libdvbv5's value names from the kernel's: ``FEC_2_3`` -> ``2/3``,
    ``QAM_64`` -> ``QAM/64`` (slashFirst); the kernel's names are accepted too."""
    names: dict[str, int] = {}
    for kernelName, value in table.items():
        short = kernelName[len(prefix):] if kernelName.startswith(prefix) else kernelName
        if slashFirst:
            short = short.replace("_", "/", 1)
        else:
            short = re.sub(r"(?<=\d)_(?=\d)", "/", short)
        names[short.upper()] = value
        names[kernelName.upper()] = value
    return names


_V5_CODE_RATE = _v5Names(ENUMS["code_rate"], "FEC_")
_V5_ENUM_VALUES: dict[int, dict[str, int]] = {
    DTV_CODE_RATE_HP: _V5_CODE_RATE, DTV_CODE_RATE_LP: _V5_CODE_RATE, DTV_INNER_FEC: _V5_CODE_RATE,
    dvb.DTV_ISDBT_LAYERA_FEC: _V5_CODE_RATE, dvb.DTV_ISDBT_LAYERB_FEC: _V5_CODE_RATE,
    dvb.DTV_ISDBT_LAYERC_FEC: _V5_CODE_RATE,
    DTV_MODULATION: _v5Names(ENUMS["modulation"], "", slashFirst=True),
    DTV_TRANSMISSION_MODE: _v5Names(ENUMS["transmission_mode"], "TRANSMISSION_MODE_"),
    DTV_GUARD_INTERVAL: _v5Names(ENUMS["guard_interval"], "GUARD_INTERVAL_"),
    DTV_HIERARCHY: _v5Names(ENUMS["hierarchy"], "HIERARCHY_"),
    DTV_INVERSION: _v5Names(ENUMS["inversion"], "INVERSION_"),
    DTV_PILOT: _v5Names(ENUMS["pilot"], "PILOT_"),
    DTV_ROLLOFF: _v5Names(ENUMS["rolloff"], "ROLLOFF_"),
    dvb.DTV_VOLTAGE: _v5Names(ENUMS["voltage"], "SEC_VOLTAGE_"),
    dvb.DTV_TONE: _v5Names(ENUMS["tone"], "SEC_TONE_"),
}
for _layer in (dvb.DTV_ISDBT_LAYERA_MODULATION, dvb.DTV_ISDBT_LAYERB_MODULATION,
               dvb.DTV_ISDBT_LAYERC_MODULATION):
    _V5_ENUM_VALUES[_layer] = _V5_ENUM_VALUES[DTV_MODULATION]


def _systemKey(name: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", name.upper())


_V5_SYSTEMS = {_systemKey(name): system for system, name in DELIVERY_SYSTEMS.items()
               if system != SYS_UNDEFINED}
_V5_SYSTEMS[_systemKey("DVBC/ANNEX_AC")] = SYS_DVBC_ANNEX_A

#: dvbv5 keys that are tuning properties (the rest of the DTV names are
#: commands or read-only statistics, kept in Channel.extra if they appear).
_V5_TUNING = {name: command for command, name in PROPERTY_NAMES.items()
              if command in (dvb.DTV_MODULATION, dvb.DTV_BANDWIDTH_HZ, dvb.DTV_INVERSION,
                             dvb.DTV_SYMBOL_RATE, dvb.DTV_INNER_FEC, dvb.DTV_VOLTAGE,
                             dvb.DTV_TONE, dvb.DTV_PILOT, dvb.DTV_ROLLOFF)
              or 18 <= command <= 34 or 36 <= command <= 43 or 45 <= command <= 61
              or command == dvb.DTV_SCRAMBLING_SEQUENCE_INDEX}

_V5_POLARISATION = {"HORIZONTAL": "H", "VERTICAL": "V", "LEFT": "L", "RIGHT": "R",
                    "H": "H", "V": "V", "L": "L", "R": "R", "OFF": None}

_DIGITS = re.compile(r"[0-9]{1,10}")
#: The fourth field of a VDR channels.conf line: its source (T, C, A, or S and an orbit).
_VDR_SOURCE = re.compile(r"[TCA]|S[0-9]{1,3}(\.[0-9])?[EW]")
_MAX_HZ = 0xFFFFFFFF


# --------------------------------------------------------------------------
# Parsing helpers (each raises _Bad, turned into ChannelsConfError with the place)
# --------------------------------------------------------------------------

class _Bad(Exception):
    pass


def _number(text: str, what: str, top: int = 0xFFFFFFFF) -> int:
    text = text.strip()
    if not _DIGITS.fullmatch(text):
        raise _Bad(f"{what} must be a number, not {text!r}")
    value = int(text)
    if value > top:
        raise _Bad(f"{what} {value} is more than {top}")
    return value


def _pid(text: str, what: str) -> int:
    return _number(text, what, 0x1FFF)


def _enum(text: str, table: Mapping[str, int], what: str) -> int:
    try:
        return table[text.strip().upper()]
    except KeyError:
        raise _Bad(f"{what} {text.strip()!r} is not one of "
                   f"{', '.join(sorted(table))}") from None


def _frequency(hz: int, system: int, written: str) -> int:
    if isSatellite(system):
        if not 1_000_000_000 <= hz <= 60_000_000_000:
            raise _Bad(f"satellite frequency {written} is out of range (1-60 GHz)")
    elif not 1_000_000 <= hz <= _MAX_HZ:
        raise _Bad(f"frequency {written} is out of range for "
                   f"{deliverySystemName(system)}: give it in Hz (e.g. 506000000)")
    return hz


def _satelliteNumber(text: str) -> int:
    value = _number(text, "the satellite number")
    if value > 3:
        raise _Bad(f"the satellite number is 0-3 (a DiSEqC 1.0 switch), not {value}")
    return value


def _pids(*pids: int) -> tuple[int, ...]:
    return tuple(pid for pid in pids if pid)


# --------------------------------------------------------------------------
# zap
# --------------------------------------------------------------------------

def _zapChannel(fields: Sequence[str], source: str, line: int) -> Channel:
    count = len(fields)
    name = fields[0].strip() if fields else ""
    if count not in (6, 7, 8, 9, 13):
        hint = ""
        if count == 1 and name.startswith("["):
            hint = " (this looks like a dvbv5 file's channel header)"
        raise ChannelsConfError(source, line, f"{count} field(s); a zap line has 13 (DVB-T), "
                                              f"9 (DVB-C), 8 or 7 (DVB-S) or 6 (ATSC){hint}")
    if count == 13 and _VDR_SOURCE.fullmatch(fields[3].strip()):
        raise ChannelsConfError(source, line, "this looks like VDR's channels.conf, which is "
                                              "not read here: make a zap or dvbv5 one "
                                              "(dvbv5-scan, w_scan2 -X)")
    try:
        if not name:
            raise _Bad("the channel has no name")
        f = [text.strip() for text in fields]
        common: dict[str, Any] = {"name": name, "source": source, "line": line}
        if count == 13:
            properties = {
                DTV_INVERSION: _enum(f[2], _ZAP_INVERSION, "inversion"),
                DTV_BANDWIDTH_HZ: _enum(f[3], _ZAP_BANDWIDTH, "bandwidth"),
                DTV_CODE_RATE_HP: _enum(f[4], _ZAP_CODE_RATE, "the high-priority code rate"),
                DTV_CODE_RATE_LP: _enum(f[5], _ZAP_CODE_RATE, "the low-priority code rate"),
                DTV_MODULATION: _enum(f[6], _ZAP_MODULATION, "modulation"),
                DTV_TRANSMISSION_MODE: _enum(f[7], _ZAP_TRANSMISSION, "transmission mode"),
                DTV_GUARD_INTERVAL: _enum(f[8], _ZAP_GUARD, "guard interval"),
                DTV_HIERARCHY: _enum(f[9], _ZAP_HIERARCHY, "hierarchy"),
            }
            hz = _number(f[1], "the frequency")
            return Channel(deliverySystem=SYS_DVBT, frequency=_frequency(hz, SYS_DVBT, f[1]),
                           properties=properties, videoPids=_pids(_pid(f[10], "the video PID")),
                           audioPids=_pids(_pid(f[11], "the audio PID")),
                           serviceId=_number(f[12], "the service id", 0xFFFF), **common)
        if count == 9:
            properties = {
                DTV_INVERSION: _enum(f[2], _ZAP_INVERSION, "inversion"),
                DTV_SYMBOL_RATE: _number(f[3], "the symbol rate"),
                DTV_INNER_FEC: _enum(f[4], _ZAP_CODE_RATE, "the FEC"),
                DTV_MODULATION: _enum(f[5], _ZAP_MODULATION, "modulation"),
            }
            hz = _number(f[1], "the frequency")
            return Channel(deliverySystem=SYS_DVBC_ANNEX_A,
                           frequency=_frequency(hz, SYS_DVBC_ANNEX_A, f[1]),
                           properties=properties, videoPids=_pids(_pid(f[6], "the video PID")),
                           audioPids=_pids(_pid(f[7], "the audio PID")),
                           serviceId=_number(f[8], "the service id", 0xFFFF), **common)
        if count in (7, 8):
            polarisation = _enum(f[2], {"H": 0, "V": 1, "L": 2, "R": 3}, "polarisation")
            satellite = _satelliteNumber(f[3]) if count == 8 else None
            rest = f[4:] if count == 8 else f[3:]
            mhz = _number(f[1], "the frequency (MHz)")
            properties = {
                DTV_INVERSION: INVERSION_AUTO, DTV_INNER_FEC: FEC_AUTO,
                DTV_SYMBOL_RATE: _number(rest[0], "the symbol rate (kSymbols/s)",
                                         _MAX_HZ // 1000) * 1000,
            }
            return Channel(deliverySystem=SYS_DVBS,
                           frequency=_frequency(mhz * 1_000_000, SYS_DVBS, f"{f[1]} MHz"),
                           properties=properties, polarisation="HVLR"[polarisation],
                           satelliteNumber=satellite,
                           videoPids=_pids(_pid(rest[1], "the video PID")),
                           audioPids=_pids(_pid(rest[2], "the audio PID")),
                           serviceId=_number(rest[3], "the service id", 0xFFFF), **common)
        properties = {DTV_INVERSION: INVERSION_AUTO,
                      DTV_MODULATION: _enum(f[2], _ZAP_MODULATION, "modulation")}
        hz = _number(f[1], "the frequency")
        return Channel(deliverySystem=SYS_ATSC, frequency=_frequency(hz, SYS_ATSC, f[1]),
                       properties=properties, videoPids=_pids(_pid(f[3], "the video PID")),
                       audioPids=_pids(_pid(f[4], "the audio PID")),
                       serviceId=_number(f[5], "the service id", 0xFFFF), **common)
    except _Bad as bad:
        raise ChannelsConfError(source, line, f"channel {name!r}: {bad}") from None


def _lines(text: str) -> Iterable[tuple[int, str]]:
    """(line number, stripped text) of the lines that are not blank or comments."""
    # Numbered by "\n" alone, as editors and grep -n count them.
    for number, raw in enumerate(text.split("\n"), 1):
        stripped = raw.strip()
        if stripped and not stripped.startswith("#"):
            yield number, stripped


def tokenise_channels_config(raw_config: str, source: str = "<string>") -> list[TokenisedLine]:
    """tokenise_channels_config(raw_config) -> a list of each zap line's fields.

    Blank lines and ``#`` comments are left out; each item is a
    :class:`TokenisedLine` (a list) that knows its ``source`` and ``line``.
    """
    if not isinstance(raw_config, str):
        raise TypeError(f"raw_config is the text of a channels.conf, not {raw_config!r}")
    return [TokenisedLine(text.split(":"), source, number) for number, text in _lines(raw_config)]


# --------------------------------------------------------------------------
# dvbv5
# --------------------------------------------------------------------------

class _Section:
    def __init__(self, name: str, line: int) -> None:
        self.name = name
        self.line = line
        self.system: int | None = None
        self.frequency: tuple[int, int] | None = None       # (value, line)
        self.properties: dict[int, int] = {}
        self.serviceId: int | None = None
        self.video: tuple[int, ...] = ()
        self.audio: tuple[int, ...] = ()
        self.others: list[tuple[int, int]] = []
        self.polarisation: str | None = None
        self.satellite: int | None = None
        self.lnb: str | None = None
        self.extra: dict[str, str] = {}

    def set(self, key: str, value: str, line: int) -> None:
        if key == "DELIVERY_SYSTEM":
            system = _V5_SYSTEMS.get(_systemKey(value))
            if system is None:
                raise _Bad(f"delivery system {value!r} is not one of "
                           f"{', '.join(sorted(set(DELIVERY_SYSTEMS.values()) - {'UNDEFINED'}))}")
            self.system = system
        elif key == "FREQUENCY":
            self.frequency = (_number(value, "the frequency"), line)
        elif key in _V5_TUNING:
            command = _V5_TUNING[key]
            table = _V5_ENUM_VALUES.get(command)
            self.properties[command] = (_enum(value, table, key.lower().replace("_", " "))
                                        if table else _number(value, key))
        elif key == "SERVICE_ID":
            self.serviceId = _number(value, "the service id", 0xFFFF)
        elif key == "VIDEO_PID":
            self.video = tuple(_pid(pid, "a video PID") for pid in value.split())
        elif key == "AUDIO_PID":
            self.audio = tuple(_pid(pid, "an audio PID") for pid in value.split())
        elif key.startswith("PID_") and re.fullmatch(r"PID_[0-9A-F]{1,2}", key):
            kind = int(key[4:], 16)
            if kind:                        # libdvbv5 skips type 0 too
                self.others.extend((kind, _pid(pid, key)) for pid in value.split())
        elif key == "POLARIZATION":
            try:
                self.polarisation = _V5_POLARISATION[value.upper()]
            except KeyError:
                raise _Bad(f"polarization {value!r} is not HORIZONTAL, VERTICAL, LEFT, "
                           f"RIGHT or OFF") from None
        elif key == "SAT_NUMBER":
            self.satellite = _satelliteNumber(value)
        elif key == "LNB":
            self.lnb = value
        else:
            self.extra[key] = value

    def channel(self, source: str) -> Channel:
        if self.system is None:
            raise ChannelsConfError(source, self.line,
                                    f"channel {self.name!r} has no DELIVERY_SYSTEM")
        if self.frequency is None:
            raise ChannelsConfError(source, self.line, f"channel {self.name!r} has no FREQUENCY")
        value, line = self.frequency
        try:
            # libdvbv5 keeps satellite frequencies in kHz, the kernel's unit for them.
            hz = value * 1000 if isSatellite(self.system) else value
            frequency = _frequency(hz, self.system, str(value))
        except _Bad as bad:
            raise ChannelsConfError(source, line, f"channel {self.name!r}: {bad}") from None
        return Channel(name=self.name, deliverySystem=self.system, frequency=frequency,
                       properties=dict(self.properties), serviceId=self.serviceId,
                       videoPids=_pids(*self.video), audioPids=_pids(*self.audio),
                       otherPids=tuple(self.others), polarisation=self.polarisation,
                       satelliteNumber=self.satellite, lnb=self.lnb, extra=dict(self.extra),
                       source=source, line=self.line)


def _dvbv5Channels(text: str, source: str) -> list[Channel]:
    channels: list[Channel] = []
    section: _Section | None = None
    for number, line in _lines(text):
        if line.startswith("["):
            if not line.endswith("]"):
                raise ChannelsConfError(source, number, f"{line!r} has no closing ]")
            if section is not None:
                channels.append(section.channel(source))
            name = line[1:-1].strip()
            if not name:
                raise ChannelsConfError(source, number, "a channel with no name ([])")
            section = _Section(name, number)
            continue
        if section is None:
            raise ChannelsConfError(source, number, "KEY = VALUE before the first [channel]")
        key, equals, value = line.partition("=")
        key, value = key.strip().upper(), value.strip()
        if not equals or not key:
            raise ChannelsConfError(source, number, f"{line!r} is not KEY = VALUE")
        if not value:
            raise ChannelsConfError(source, number, f"{key} has no value")
        try:
            section.set(key, value, number)
        except _Bad as bad:
            raise ChannelsConfError(source, number, f"channel {section.name!r}: {bad}") from None
    if section is not None:
        channels.append(section.channel(source))
    return channels


# --------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------

def _looksLikeDvbv5(line: str) -> bool:
    """A ``[channel]`` header, or a ``KEY = VALUE`` line (never a zap line, which has colons)."""
    return line.startswith("[") or ("=" in line and ":" not in line)


def parseChannels(text: str, source: str = "<string>") -> list[Channel]:
    """The channels of a channels.conf's text (zap or dvbv5), in file order.

    Raises :class:`ChannelsConfError` (naming ``source`` and the line) for
    anything it cannot read; nothing else, whatever the text.
    """
    if not isinstance(text, str):
        raise TypeError(f"text is the str of a channels.conf, not {type(text).__name__}")
    first = next(iter(_lines(text)), None)
    if first is not None and _looksLikeDvbv5(first[1]):
        return _dvbv5Channels(text, source)
    return [_zapChannel(tokens, source, tokens.line)
            for tokens in tokenise_channels_config(text, source)]


def _readText(path: str | os.PathLike[str]) -> str:
    with open(path, encoding="utf-8", errors="replace") as f:
        return f.read()


def readChannels(path: str | os.PathLike[str]) -> dict[str, Channel]:
    """readChannels(path) -> {name: Channel} of the channels.conf at ``path``.

    Names keep their case. A name that appears twice keeps its first channel
    (scanners list a service once per multiplex it is heard on); the others
    are logged. Raises ``OSError`` if the file cannot be read and
    :class:`ChannelsConfError` if it is not a channels.conf.
    """
    channels: dict[str, Channel] = {}
    for channel in parseChannels(_readText(path), os.fspath(path)):
        if channel.name in channels:
            log.info("%s, line %d: %r again (kept the one on line %d)", channel.source,
                     channel.line, channel.name, channels[channel.name].line)
        else:
            channels[channel.name] = channel
    return channels


def open_config(config_file: str, extra_search: Sequence[str] = []) -> IO[str]:
    """open_config(config_file, extra_search=[]) -> the first ``config_file`` found.

    Tries each folder of :data:`search_path`, then of ``extra_search``; a
    folder where it does not exist is skipped, any other error raised.
    Raises ``FileNotFoundError`` naming the folders if none has it.
    """
    places = [*search_path, *extra_search]
    for folder in places:
        candidate = os.path.join(os.path.expanduser(folder), os.path.expanduser(config_file))
        try:
            f = open(candidate, encoding="utf-8", errors="replace")
        except (FileNotFoundError, NotADirectoryError):
            continue
        if debug:
            print("Opened", config_file, "from", folder)
        log.debug("opened %s", candidate)
        return f
    raise FileNotFoundError(2, f"no {config_file} file found on the search path "
                               f"({', '.join(places)})", config_file)


def read_config(config_file: str, extra_search: Sequence[str] = []) -> str:
    """read_config(config_file, extra_search=[]) -> the text of the file open_config finds."""
    with open_config(config_file, extra_search) as f:
        return f.read()


def getdvb(symbol: str, default: int | None = None) -> int:
    """getdvb(symbol, default=None) -> the value of a kernel DVB constant by name.

    ``getdvb("QAM_64")`` is 3. An unknown name gives ``default``, or raises
    ``AttributeError`` when there is none.
    """
    value = getattr(dvb, symbol, None) if isinstance(symbol, str) and symbol.isupper() \
        and symbol in dvb.__all__ else None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if default is not None:
        return default
    raise AttributeError(f"no DVB constant named {symbol!r}")


# --------------------------------------------------------------------------
# 1.14's channel dicts
# --------------------------------------------------------------------------

_OFDM = (SYS_DVBT, SYS_DVBT2)
_QAM = (SYS_DVBC_ANNEX_A, SYS_DVBC_ANNEX_C)
_QPSK = (SYS_DVBS, SYS_DVBS2, SYS_TURBO, SYS_ISDBS, SYS_DSS)
_VSB = (SYS_ATSC, SYS_DVBC_ANNEX_B)

_V3_BANDWIDTH = {hz: enum for enum, hz in BANDWIDTH_HZ.items()}

#: DVBv3 parameter names (1.14's feparams keys) -> the DTV property they are.
_LEGACY_KEYS: Mapping[str, int] = {
    "inversion": DTV_INVERSION, "code_rate_HP": DTV_CODE_RATE_HP,
    "code_rate_LP": DTV_CODE_RATE_LP, "constellation": DTV_MODULATION,
    "transmission_mode": DTV_TRANSMISSION_MODE, "guard_interval": DTV_GUARD_INTERVAL,
    "hierarchy_information": DTV_HIERARCHY, "symbol_rate": DTV_SYMBOL_RATE,
    "fec_inner": DTV_INNER_FEC, "modulation": DTV_MODULATION, "pilot": DTV_PILOT,
    "rolloff": DTV_ROLLOFF, "stream_id": DTV_STREAM_ID,
}
#: feparams keys that are not DTV properties of their own.
_LEGACY_EXTRA_KEYS = frozenset({"bandwidth", "delivery_system", "polarisation", "sat_no",
                                "properties"})
_OFDM_KEYS = frozenset({"bandwidth", "code_rate_HP", "code_rate_LP", "constellation",
                        "transmission_mode", "guard_interval", "hierarchy_information"})


def legacyChannelDict(channel: Channel) -> dict[str, Any]:
    """A :class:`Channel` as one of 1.14's channel dicts (see the module's docstring)."""
    props = dict(channel.properties)
    system = channel.deliverySystem
    feparams: dict[str, Any] = {"frequency": channel.frequency,
                                "inversion": props.pop(DTV_INVERSION, INVERSION_AUTO)}

    def take(key: str, command: int, default: int | None = None) -> None:
        if command in props:
            feparams[key] = props.pop(command)
        elif default is not None:
            feparams[key] = default

    if system in _OFDM:
        feparams["bandwidth"] = _V3_BANDWIDTH.get(props.pop(DTV_BANDWIDTH_HZ, 0), BANDWIDTH_AUTO)
        take("code_rate_HP", DTV_CODE_RATE_HP, FEC_AUTO)
        take("code_rate_LP", DTV_CODE_RATE_LP, FEC_AUTO)
        take("constellation", DTV_MODULATION, QAM_AUTO)
        take("transmission_mode", DTV_TRANSMISSION_MODE, TRANSMISSION_MODE_AUTO)
        take("guard_interval", DTV_GUARD_INTERVAL, GUARD_INTERVAL_AUTO)
        take("hierarchy_information", DTV_HIERARCHY, HIERARCHY_AUTO)
        take("stream_id", DTV_STREAM_ID)
    elif system in _QAM or system in _QPSK:
        take("symbol_rate", DTV_SYMBOL_RATE, 0)
        take("fec_inner", DTV_INNER_FEC, FEC_AUTO)
        take("modulation", DTV_MODULATION, None if system in _QPSK else QAM_AUTO)
        if system in _QPSK:
            take("pilot", DTV_PILOT)
            take("rolloff", DTV_ROLLOFF)
            take("stream_id", DTV_STREAM_ID)
            feparams["polarisation"] = channel.polarisation
            feparams["sat_no"] = channel.satelliteNumber
    elif system in _VSB:
        take("modulation", DTV_MODULATION, QAM_AUTO if system == SYS_DVBC_ANNEX_B else dvb.VSB_8)
    if system != SYS_DVBT:
        feparams["delivery_system"] = system
    if props:
        feparams["properties"] = props
    summary: dict[str, Any] = {"name": channel.name.lower(),
                               "freq_mhz": channel.frequency / 1_000_000.0}
    summary.update(feparams)
    summary["vpid"] = channel.videoPids[0] if channel.videoPids else 0
    summary["apid"] = channel.audioPids[0] if channel.audioPids else 0
    summary["serviceid"] = channel.serviceId if channel.serviceId is not None else 0
    summary["feparams"] = feparams
    return summary


#: The enum each of 1.14's feparams keys takes (kernel names -> values);
#: keys not here take a plain number.
_LEGACY_ENUMS: Mapping[str, Mapping[str, int]] = {
    "inversion": ENUMS["inversion"], "code_rate_HP": ENUMS["code_rate"],
    "code_rate_LP": ENUMS["code_rate"], "fec_inner": ENUMS["code_rate"],
    "constellation": ENUMS["modulation"], "modulation": ENUMS["modulation"],
    "transmission_mode": ENUMS["transmission_mode"], "guard_interval": ENUMS["guard_interval"],
    "hierarchy_information": ENUMS["hierarchy"], "pilot": ENUMS["pilot"],
    "rolloff": ENUMS["rolloff"], "bandwidth": ENUMS["bandwidth"],
}


def _legacyValue(key: str, value: Any, names: Mapping[str, int] | None) -> int:
    """A tuning value given as an int or (for an enum) a constant's name, checked."""
    if isinstance(value, str) and names is not None:
        found = {name.upper(): number for name, number in names.items()}.get(value.strip().upper())
        if found is None:
            raise ValueError(f"{key} {value!r} is not one of {', '.join(names)}")
        return found
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"tuning parameter {key!r} must be an int or a constant's name, "
                         f"not {value!r}")
    if names is not None and value not in names.values():
        raise ValueError(f"{key} {value!r} is not one of the values of {', '.join(names)}")
    if not 0 <= value <= _MAX_HZ:
        raise ValueError(f"{key} {value!r} does not fit 32 bits")
    return value


def _legacySystem(wanted: Any) -> int:
    if isinstance(wanted, str):
        system = _V5_SYSTEMS.get(_systemKey(wanted), SYS_UNDEFINED)
    elif isinstance(wanted, int) and not isinstance(wanted, bool):
        system = wanted if wanted in DELIVERY_SYSTEMS else SYS_UNDEFINED
    else:
        system = SYS_UNDEFINED
    if system == SYS_UNDEFINED:
        raise ValueError(f"unknown delivery system {wanted!r}")
    return system


def _legacyFrequency(hz: Any) -> int:
    if isinstance(hz, float) and hz.is_integer():
        hz = int(hz)
    if isinstance(hz, bool) or not isinstance(hz, int) or hz <= 0:
        raise ValueError(f"no frequency: give it in Hz in feparams['frequency'] or as the "
                         f"frequency, not {hz!r}")
    return hz


def _legacyPolarisation(given: Any) -> str | None:
    if given is None:
        return None
    polarisation = given.strip().upper()[:1] if isinstance(given, str) else ""
    if polarisation not in ("H", "V", "L", "R"):
        raise ValueError(f"polarisation is H, V, L or R, not {given!r}")
    return polarisation


def _legacySatellite(given: Any) -> int | None:
    if given is not None and (isinstance(given, bool) or not isinstance(given, int)
                              or not 0 <= given <= 3):
        raise ValueError(f"sat_no is a DiSEqC 1.0 position 0-3, not {given!r}")
    return given


def _legacyProperties(extra: Any) -> dict[int, int]:
    """feparams["properties"]: DTV command -> value (an int, or a name)."""
    if extra is None:
        return {}
    if not isinstance(extra, Mapping):
        raise ValueError(f"feparams['properties'] maps DTV property numbers to values, "
                         f"not {extra!r}")
    properties: dict[int, int] = {}
    for command, value in extra.items():
        if isinstance(command, bool) or command not in _V5_TUNING.values():
            raise ValueError(f"{command!r} in feparams['properties'] is not a DTV tuning "
                             f"property")
        properties[command] = _legacyValue(PROPERTY_NAMES[command], value,
                                           _V5_ENUM_VALUES.get(command))
    return properties


def channelFromFeparams(feparams: Mapping[str, Any], frequency: int | None = None,
                        defaultSystem: int | Callable[[], int] = SYS_DVBT,
                        name: str = "") -> Channel:
    """A :class:`Channel` from one of 1.14's ``feparams`` dicts.

    ``feparams["frequency"]`` (Hz) is used if there; otherwise ``frequency``
    (Hz). The delivery system is ``feparams["delivery_system"]`` if given,
    else DVB-T if a DVB-T key is there (``bandwidth``, ``code_rate_HP``,
    ``constellation`` ...), DVB-S if ``polarisation`` or ``sat_no`` is, else
    ``defaultSystem`` (or what it returns, if it is a function: the Tuner
    passes one that asks the frontend its kind, as 1.14's did). Values are
    the kernel's ints or their names (``"QAM_16"``), each checked against
    its enum; ``bandwidth`` is the DVBv3 enum (``BANDWIDTH_8_MHZ``). Raises
    ``ValueError``, naming the key and value, for anything else.
    """
    if not isinstance(feparams, Mapping):
        raise ValueError(f"feparams is a dict of tuning parameters, not {feparams!r}")
    params = dict(feparams)
    hz = _legacyFrequency(params.pop("frequency", frequency))
    unknown = sorted(str(key) for key in params
                     if key not in _LEGACY_KEYS and key not in _LEGACY_EXTRA_KEYS)
    if unknown:
        raise ValueError(f"unknown tuning parameter(s) {', '.join(map(repr, unknown))} (known: "
                         f"{', '.join(sorted([*_LEGACY_KEYS, *_LEGACY_EXTRA_KEYS, 'frequency']))})")
    if "delivery_system" in params:
        system = _legacySystem(params.pop("delivery_system"))
    elif _OFDM_KEYS & params.keys():
        system = SYS_DVBT
    elif {"polarisation", "sat_no"} & params.keys():
        system = SYS_DVBS
    else:
        system = defaultSystem() if callable(defaultSystem) else defaultSystem
    polarisation = _legacyPolarisation(params.pop("polarisation", None))
    satellite = _legacySatellite(params.pop("sat_no", None))
    properties = _legacyProperties(params.pop("properties", None))
    if "bandwidth" in params:
        enum = _legacyValue("bandwidth", params.pop("bandwidth"), _LEGACY_ENUMS["bandwidth"])
        properties[DTV_BANDWIDTH_HZ] = BANDWIDTH_HZ[enum]
    for key, value in params.items():
        properties[_LEGACY_KEYS[key]] = _legacyValue(key, value, _LEGACY_ENUMS.get(key))
    return Channel(name=name, deliverySystem=system, frequency=hz, properties=properties,
                   polarisation=polarisation, satelliteNumber=satellite, source="<feparams>")


def _legacyTables(channels: Iterable[Channel]) -> tuple[dict[str, dict[str, Any]],
                                                        dict[int, dict[str, Any]],
                                                        dict[int, list[dict[str, Any]]]]:
    chan_by_name: dict[str, dict[str, Any]] = {}
    chan_by_service: dict[int, dict[str, Any]] = {}
    chans_by_frequency: dict[int, list[dict[str, Any]]] = {}
    for channel in channels:
        summary = legacyChannelDict(channel)
        # As 1.14: a later channel of the same name or service id replaces an earlier one.
        chan_by_name[summary["name"]] = summary
        chan_by_service[summary["serviceid"]] = summary
        chans_by_frequency.setdefault(summary["frequency"], []).append(summary)
    return chan_by_name, chan_by_service, chans_by_frequency


def parse_channel_config(unparsed_chans: Iterable[Sequence[str]]) -> tuple[
        dict[str, dict[str, Any]], dict[int, dict[str, Any]], dict[int, list[dict[str, Any]]]]:
    """parse_channel_config(unparsed_chans) -> (chan_by_name, chan_by_service, chans_by_frequency)

    From zap lines split into fields (what :func:`tokenise_channels_config`
    gives). Raises :class:`ChannelsConfError` for a bad line.
    """
    channels = []
    for index, fields in enumerate(unparsed_chans, 1):
        source = getattr(fields, "source", "<tokens>")
        line = getattr(fields, "line", index)
        if isinstance(fields, str) or not all(isinstance(text, str) for text in fields):
            raise ChannelsConfError(source, line, "a line's fields must be a list of str")
        channels.append(_zapChannel(list(fields), source, line))
    return _legacyTables(channels)


def read_channel_configs(filename: str = "channels.conf") -> tuple[
        dict[str, dict[str, Any]], dict[int, dict[str, Any]], dict[int, list[dict[str, Any]]]]:
    """read_channel_configs(filename="channels.conf") -> (chan_by_name, chan_by_service, chans_by_frequency)

    Finds ``filename`` on the search path (see :func:`open_config`) and
    reads it, zap or dvbv5.
    """
    with open_config(filename, _EXTRA_SEARCH) as f:
        text, source = f.read(), f.name
    return _legacyTables(parseChannels(text, str(source)))
