"""Kamaelia.Support.DVB.ChannelsConf: zap and dvbv5 channels.conf files, and 1.14's functions.

The lines are in the shapes the tools write (tzap/czap/szap/azap, libdvbv5's
zap and DVBV5 formats); the enum values expected are written as numbers,
from the kernel's headers, so a wrong table in the module shows.
"""

from __future__ import annotations

import ast
import logging
import re
import textwrap
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import Kamaelia.Support.DVB.ChannelsConf as conf
from Kamaelia.Support.DVB.ChannelsConf import (
    Channel, ChannelsConfError, channelFromFeparams, getdvb, legacyChannelDict, open_config,
    parse_channel_config, parseChannels, read_channel_configs, read_config, readChannels,
    tokenise_channels_config,
)
from test_docs import assert_runs_cleanly

FUZZ = settings(max_examples=250, deadline=None)

# DTV property numbers (linux/dvb/frontend.h)
MODULATION, BANDWIDTH_HZ, INVERSION, SYMBOL_RATE, INNER_FEC = 4, 5, 6, 8, 9
PILOT, ROLLOFF, CODE_RATE_HP, CODE_RATE_LP, GUARD_INTERVAL = 12, 13, 36, 37, 38
TRANSMISSION_MODE, HIERARCHY, STREAM_ID = 39, 40, 42

CBEEBIES = ("CBeebies:801833000:INVERSION_AUTO:BANDWIDTH_8_MHZ:FEC_2_3:FEC_1_2:QAM_64:"
            "TRANSMISSION_MODE_8K:GUARD_INTERVAL_1_32:HIERARCHY_NONE:401:402:4672")
DVBV5 = """# written by dvbv5-scan
[BBC ONE HD]
	SERVICE_ID = 17472
	VIDEO_PID = 101
	AUDIO_PID = 102 106
	PID_06 = 105
	PID_0b = 150 151
	FREQUENCY = 474000000
	MODULATION = QAM/256
	BANDWIDTH_HZ = 8000000
	INVERSION = AUTO
	CODE_RATE_HP = 2/3
	CODE_RATE_LP = AUTO
	GUARD_INTERVAL = 1/128
	TRANSMISSION_MODE = 32K
	HIERARCHY = NONE
	STREAM_ID = 0
	VCHANNEL = 101
	DELIVERY_SYSTEM = DVBT2

[Arte HD]
	SERVICE_ID = 10302
	FREQUENCY = 10744000
	POLARIZATION = VERTICAL
	SYMBOL_RATE = 22000000
	INNER_FEC = 2/3
	MODULATION = PSK/8
	ROLLOFF = 35
	PILOT = AUTO
	SAT_NUMBER = 2
	LNB = UNIVERSAL
	DELIVERY_SYSTEM = DVBS2
"""


# ------------------------------------------------------------------ zap

def test_a_tzap_line_is_dvb_t() -> None:
    (channel,) = parseChannels(CBEEBIES, "channels.conf")
    assert channel == Channel(
        name="CBeebies", deliverySystem=3, frequency=801_833_000,
        properties={INVERSION: 2, BANDWIDTH_HZ: 8_000_000, CODE_RATE_HP: 2, CODE_RATE_LP: 1,
                    MODULATION: 3, TRANSMISSION_MODE: 1, GUARD_INTERVAL: 0, HIERARCHY: 0},
        serviceId=4672, videoPids=(401,), audioPids=(402,), source="channels.conf", line=1)
    assert channel.pids == (401, 402) and channel.deliverySystemName == "DVB-T"


def test_a_czap_line_is_dvb_c() -> None:
    (channel,) = parseChannels("Das Erste:410000000:INVERSION_AUTO:6900000:FEC_NONE:QAM_256:"
                               "101:102:28106")
    assert (channel.deliverySystem, channel.frequency, channel.serviceId) == (1, 410_000_000, 28106)
    assert channel.properties == {INVERSION: 2, SYMBOL_RATE: 6_900_000, INNER_FEC: 0,
                                  MODULATION: 5}


def test_an_szap_line_is_dvb_s_in_mhz_and_ksymbols() -> None:
    (channel,) = parseChannels("Das Erste HD:11494:h:1:22000:5101:5102:10301")
    assert (channel.deliverySystem, channel.frequency) == (5, 11_494_000_000)
    assert (channel.polarisation, channel.satelliteNumber) == ("H", 1)
    assert channel.properties == {INVERSION: 2, INNER_FEC: 9, SYMBOL_RATE: 22_000_000}
    assert channel.pids == (5101, 5102)


def test_libdvbv5s_zap_line_for_dvb_s_has_no_satellite_number() -> None:
    (channel,) = parseChannels("Arte:10744:V:22000:401:402:10302")
    assert (channel.deliverySystem, channel.polarisation, channel.satelliteNumber) == (5, "V", None)
    assert channel.properties[SYMBOL_RATE] == 22_000_000


def test_an_azap_line_is_atsc() -> None:
    (channel,) = parseChannels("KCBS-HD:195028615:8VSB:49:52:1")
    assert (channel.deliverySystem, channel.frequency) == (11, 195_028_615)
    assert channel.properties == {INVERSION: 2, MODULATION: 7}


def test_the_zap_tools_spellings_and_any_case() -> None:
    (channel,) = parseChannels("X:177500000:inversion_off:BANDWIDTH_1.712_MHZ:fec_auto:FEC_AUTO:"
                               "qam_auto:TRANSMISSION_MODE_AUTO:GUARD_INTERVAL_AUTO:"
                               "HIERARCHY_AUTO:0:0:1")
    assert channel.properties[BANDWIDTH_HZ] == 1_712_000 and channel.properties[INVERSION] == 0
    assert channel.pids == ()                              # PID 0: none
    (s2,) = parseChannels("Y:12000:r:0:27500:0:0:2".replace(":0:27500", ":3:27500"))
    assert (s2.polarisation, s2.satelliteNumber) == ("R", 3)


def test_blank_lines_comments_and_crlf_are_skipped_and_lines_keep_their_numbers() -> None:
    text = f"# my channels\r\n\r\n{CBEEBIES}\r\n   \n# end\nKCBS:57028615:8VSB:49:52:3\n"
    channels = parseChannels(text, "x.conf")
    assert [(c.name, c.line) for c in channels] == [("CBeebies", 3), ("KCBS", 6)]


ZAP_ERRORS = [
    ("A:1:2:3", "4 field\\(s\\); a zap line has 13 \\(DVB-T\\), 9 \\(DVB-C\\), 8 or 7 "
                "\\(DVB-S\\) or 6 \\(ATSC\\)"),
    (CBEEBIES.replace("QAM_64", "QAM_99"), "channel 'CBeebies': modulation 'QAM_99' is not one of"),
    (CBEEBIES.replace("801833000", "8O1833000"),
     "channel 'CBeebies': the frequency must be a number, not '8O1833000'"),
    (CBEEBIES.replace("801833000", "801"), "frequency 801 is out of range for DVB-T: give it in Hz"),
    (CBEEBIES.replace(":401:", ":8192:"), "the video PID 8192 is more than 8191"),
    (CBEEBIES.replace(":4672", ":65536"), "the service id 65536 is more than 65535"),
    (CBEEBIES.replace("CBeebies", " "), "the channel has no name"),
    ("S:11494:x:0:22000:1:2:3", "polarisation 'x' is not one of H, L, R, V"),
    ("S:11494:h:4:22000:1:2:3", "the satellite number is 0-3 \\(a DiSEqC 1.0 switch\\), not 4"),
    ("S:70000:h:0:22000:1:2:3", "satellite frequency 70000 MHz is out of range"),
    ("[A]", "1 field\\(s\\).*this looks like a dvbv5 file's channel header"),
    ("BBC ONE;BBC:506000:B8C34D12I999M16T2G32Y0:T:27500:101=2:102=eng@3:105:0:4165:9018:4165:0",
     "this looks like VDR's channels.conf, which is not read here"),
]


@pytest.mark.parametrize("line,message", ZAP_ERRORS)
def test_a_bad_zap_line_names_the_file_the_line_and_the_value(line: str, message: str) -> None:
    with pytest.raises(ChannelsConfError, match=message) as err:
        parseChannels(f"# first\n{CBEEBIES}\n{line}\n", "/etc/channels.conf")
    assert str(err.value).startswith("/etc/channels.conf, line 3: ")
    assert (err.value.source, err.value.line) == ("/etc/channels.conf", 3)
    assert isinstance(err.value, ValueError)


# ---------------------------------------------------------------- dvbv5

def test_dvbv5_blocks() -> None:
    t2, s2 = parseChannels(DVBV5, "dvb_channel.conf")
    assert (t2.name, t2.deliverySystem, t2.frequency, t2.line) == ("BBC ONE HD", 16, 474_000_000, 2)
    assert t2.properties == {MODULATION: 5, BANDWIDTH_HZ: 8_000_000, INVERSION: 2,
                             CODE_RATE_HP: 2, CODE_RATE_LP: 9, GUARD_INTERVAL: 5,
                             TRANSMISSION_MODE: 6, HIERARCHY: 0, STREAM_ID: 0}
    assert (t2.serviceId, t2.videoPids, t2.audioPids) == (17472, (101,), (102, 106))
    assert t2.otherPids == ((0x06, 105), (0x0B, 150), (0x0B, 151))
    assert t2.pids == (101, 102, 106, 105, 150, 151)
    assert t2.extra == {"VCHANNEL": "101"}
    # a satellite FREQUENCY is in kHz there
    assert (s2.deliverySystem, s2.frequency, s2.polarisation) == (6, 10_744_000_000, "V")
    assert (s2.satelliteNumber, s2.lnb) == (2, "UNIVERSAL")
    assert s2.properties == {SYMBOL_RATE: 22_000_000, INNER_FEC: 2, MODULATION: 9,
                             ROLLOFF: 0, PILOT: 2}


def test_dvbv5_delivery_system_names() -> None:
    for written, system in [("DVBC/ANNEX_A", 1), ("DVBC/ANNEX_B", 2), ("DVBT", 3), ("DVBS", 5),
                            ("ISDBT", 8), ("ATSC", 11), ("DVBC/ANNEX_C", 18), ("dvbt2", 16)]:
        kHz = written == "DVBS"
        (channel,) = parseChannels(f"[x]\nDELIVERY_SYSTEM = {written}\n"
                                   f"FREQUENCY = {11_000_000 if kHz else 600_000_000}\n")
        assert channel.deliverySystem == system, written
        assert channel.frequency == (11_000_000_000 if kHz else 600_000_000)


DVBV5_ERRORS = [
    ("[A]\nFREQUENCY = 474000000\n", 1, "channel 'A' has no DELIVERY_SYSTEM"),
    ("[A]\nDELIVERY_SYSTEM = DVBT\n", 1, "channel 'A' has no FREQUENCY"),
    ("[A]\nDELIVERY_SYSTEM = DVBX\n", 2, "delivery system 'DVBX' is not one of"),
    ("[A]\nDELIVERY_SYSTEM = DVBT\nMODULATION = QAM/99\nFREQUENCY = 1\n", 3,
     "channel 'A': modulation 'QAM/99' is not one of"),
    ("[A]\nDELIVERY_SYSTEM = DVBT\nFREQUENCY = 506\n", 3, "frequency 506 is out of range"),
    ("[A]\nDELIVERY_SYSTEM = DVBT\nFREQUENCY 506\n", 3, "'FREQUENCY 506' is not KEY = VALUE"),
    ("[A]\nVIDEO_PID = 1 x\n", 2, "a video PID must be a number, not 'x'"),
    ("[A]\nSAT_NUMBER = 7\n", 2, "the satellite number is 0-3"),
    ("[A]\nPOLARIZATION = DIAGONAL\n", 2, "polarization 'DIAGONAL' is not HORIZONTAL"),
    ("[A]\nSERVICE_ID =\n", 2, "SERVICE_ID has no value"),
    ("[A\n", 1, "'\\[A' has no closing \\]"),
    ("[]\n", 1, "a channel with no name"),
    ("[A]\nDELIVERY_SYSTEM = DVBT\nFREQUENCY = 474000000\n[B]\nFREQUENCY = 1\n", 4,
     "channel 'B' has no DELIVERY_SYSTEM"),
]


@pytest.mark.parametrize("text,line,message", DVBV5_ERRORS)
def test_a_bad_dvbv5_file_names_the_file_the_line_and_the_value(text: str, line: int,
                                                                message: str) -> None:
    with pytest.raises(ChannelsConfError, match=message) as err:
        parseChannels(text, "dvb_channel.conf")
    assert str(err.value).startswith(f"dvb_channel.conf, line {line}: ")


def test_a_key_before_the_first_channel_is_an_error() -> None:
    with pytest.raises(ChannelsConfError, match="line 2: KEY = VALUE before the first"):
        parseChannels("# x\nFREQUENCY = 1\n[A]\n")


# ------------------------------------------------------- reading files

def test_read_channels_keeps_the_first_of_a_repeated_name(tmp_path: Path,
                                                         caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "channels.conf"
    path.write_text(f"{CBEEBIES}\n{CBEEBIES.replace('801833000', '690000000')}\n")
    with caplog.at_level(logging.INFO, "Kamaelia.Support.DVB.ChannelsConf"):
        channels = readChannels(path)
    assert list(channels) == ["CBeebies"] and channels["CBeebies"].frequency == 801_833_000
    assert f"{path}, line 2: 'CBeebies' again (kept the one on line 1)" in caplog.text
    assert channels["CBeebies"].source == str(path)


def test_a_bad_file_is_named_in_the_error(tmp_path: Path) -> None:
    path = tmp_path / "channels.conf"
    path.write_text("nonsense\n")
    with pytest.raises(ChannelsConfError, match=re.escape(f"{path}, line 1: 1 field(s)")):
        readChannels(path)
    with pytest.raises(FileNotFoundError):
        readChannels(tmp_path / "missing.conf")


def test_the_parser_takes_only_text() -> None:
    with pytest.raises(TypeError, match="text is the str of a channels.conf, not bytes"):
        parseChannels(b"x")  # type: ignore[arg-type]


# ----------------------------------------------------- 1.14's functions

def test_1_14s_channel_dict_shape() -> None:
    chan_by_name, chan_by_service, chans_by_frequency = parse_channel_config(
        tokenise_channels_config(CBEEBIES + "\n"))
    expected = {
        "name": "cbeebies", "freq_mhz": 801.833, "frequency": 801833000, "inversion": 2,
        "bandwidth": 0, "code_rate_HP": 2, "code_rate_LP": 1, "constellation": 3,
        "transmission_mode": 1, "guard_interval": 0, "hierarchy_information": 0,
        "vpid": 401, "apid": 402, "serviceid": 4672,
        "feparams": {"frequency": 801833000, "inversion": 2, "bandwidth": 0, "code_rate_HP": 2,
                     "code_rate_LP": 1, "constellation": 3, "transmission_mode": 1,
                     "guard_interval": 0, "hierarchy_information": 0}}
    assert chan_by_name == {"cbeebies": expected}
    assert chan_by_service == {4672: expected}
    assert chans_by_frequency == {801833000: [expected]}


def test_tokenise_gives_each_lines_fields_and_where_it_was() -> None:
    tokens = tokenise_channels_config("# c\nA:1:2\n\nB:3\n", "f.conf")
    assert tokens == [["A", "1", "2"], ["B", "3"]]
    assert [(t.source, t.line) for t in tokens] == [("f.conf", 2), ("f.conf", 4)]
    with pytest.raises(TypeError, match="raw_config is the text"):
        tokenise_channels_config(None)  # type: ignore[arg-type]


def test_parse_channel_config_of_plain_lists_names_the_index() -> None:
    with pytest.raises(ChannelsConfError, match="<tokens>, line 2: 3 field"):
        parse_channel_config([CBEEBIES.split(":"), ["a", "b", "c"]])
    with pytest.raises(ChannelsConfError, match="a line's fields must be a list of str"):
        parse_channel_config([[1, 2]])  # type: ignore[list-item]


def test_legacy_dicts_of_other_systems_and_back() -> None:
    channels = parseChannels("S:11494:h:1:22000:5101:5102:10301\n") + parseChannels(DVBV5)
    satellite = legacyChannelDict(channels[0])
    assert satellite["feparams"] == {"frequency": 11_494_000_000, "inversion": 2,
                                     "symbol_rate": 22_000_000, "fec_inner": 9,
                                     "polarisation": "H", "sat_no": 1, "delivery_system": 5}
    t2 = legacyChannelDict(channels[1])
    assert t2["feparams"]["delivery_system"] == 16 and t2["feparams"]["stream_id"] == 0
    assert (t2["vpid"], t2["apid"], t2["serviceid"]) == (101, 102, 17472)
    for channel in channels:
        back = channelFromFeparams(legacyChannelDict(channel)["feparams"])
        # 1.14's dicts always have an inversion: INVERSION_AUTO when the file gave none
        assert (back.deliverySystem, back.frequency, dict(back.properties),
                back.polarisation, back.satelliteNumber) == (
            channel.deliverySystem, channel.frequency, {INVERSION: 2, **channel.properties},
            channel.polarisation, channel.satelliteNumber)


def test_feparams_with_names_or_numbers() -> None:
    channel = channelFromFeparams({"constellation": "QAM_16", "code_rate_HP": 3,
                                   "bandwidth": "BANDWIDTH_7_MHZ"}, 506_000_000)
    assert (channel.deliverySystem, channel.frequency) == (3, 506_000_000)
    assert channel.properties == {MODULATION: 1, CODE_RATE_HP: 3, BANDWIDTH_HZ: 7_000_000}
    asked = channelFromFeparams({"symbol_rate": 6_900_000, "frequency": 410e6},
                                defaultSystem=lambda: 1)
    assert (asked.deliverySystem, asked.frequency) == (1, 410_000_000)
    satellite = channelFromFeparams({"polarisation": "v", "frequency": 10_744_000_000})
    assert (satellite.deliverySystem, satellite.polarisation) == (5, "V")


FEPARAMS_ERRORS: list[tuple[Any, Any, str]] = [
    ({}, None, "no frequency: give it in Hz in feparams\\['frequency'\\]"),
    ({"constelation": 1}, 1, "unknown tuning parameter\\(s\\) 'constelation'"),
    ({"constellation": "FEC_3_4"}, 1, "constellation 'FEC_3_4' is not one of QPSK, QAM_16"),
    ({"constellation": 99}, 1, "constellation 99 is not one of the values of"),
    ({"code_rate_HP": 2.0}, 1, "'code_rate_HP' must be an int or a constant's name, not 2.0"),
    ({"delivery_system": []}, 1, "unknown delivery system \\[\\]"),
    ({"delivery_system": "DVB-X"}, 1, "unknown delivery system 'DVB-X'"),
    ({"polarisation": 5}, 1, "polarisation is H, V, L or R, not 5"),
    ({"sat_no": 4}, 1, "sat_no is a DiSEqC 1.0 position 0-3, not 4"),
    ({"properties": 5}, 1, "maps DTV property numbers to values, not 5"),
    ({"properties": {3: 1}}, 1, "3 in feparams\\['properties'\\] is not a DTV tuning property"),
    ({"symbol_rate": 2 ** 32}, 1, "symbol_rate 4294967296 does not fit 32 bits"),
    ("QAM_16", 1, "feparams is a dict of tuning parameters, not 'QAM_16'"),
]


@pytest.mark.parametrize("feparams,frequency,message", FEPARAMS_ERRORS)
def test_bad_feparams_name_the_key_and_value(feparams: Any, frequency: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        channelFromFeparams(feparams, frequency)


def test_getdvb() -> None:
    assert getdvb("QAM_64") == 3 and getdvb("FEC_AUTO") == 9
    assert getdvb("QAM_OF_SPACE", 6) == 6
    assert getdvb("NOT_A_THING", 0) == 0               # 1.14 took 0 as "no default"
    with pytest.raises(AttributeError, match="no DVB constant named 'QAM_OF_SPACE'"):
        getdvb("QAM_OF_SPACE")
    with pytest.raises(AttributeError):
        getdvb("log")                                  # module attributes are not constants


def test_open_config_searches_the_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    (second / "channels.conf").write_text(CBEEBIES + "\n")
    monkeypatch.setattr(conf, "search_path", [str(first)])
    with open_config("channels.conf", [str(second)]) as f:
        assert f.name == str(second / "channels.conf")
    assert read_config("channels.conf", [str(second)]) == CBEEBIES + "\n"
    with pytest.raises(FileNotFoundError, match=f"no nothing.conf file found on the search "
                                                f"path \\({re.escape(str(first))}"):
        open_config("nothing.conf")


def test_read_channel_configs_finds_and_reads_either_format(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "channels.conf").write_text(DVBV5)
    monkeypatch.setattr(conf, "search_path", [str(tmp_path)])
    chan_by_name, chan_by_service, chans_by_frequency = read_channel_configs()
    assert sorted(chan_by_name) == ["arte hd", "bbc one hd"]
    assert chan_by_service[10302]["name"] == "arte hd"
    assert [c["name"] for c in chans_by_frequency[474_000_000]] == ["bbc one hd"]


# ------------------------------------------------------------------ fuzz

FIELD_TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]),
                     max_size=12)
GOOD_LINES = [CBEEBIES, "Das Erste:410000000:INVERSION_AUTO:6900000:FEC_NONE:QAM_256:1:2:3",
              "S:11494:h:1:22000:5101:5102:10301", "Arte:10744:V:22000:401:402:10302",
              "KCBS:57028615:8VSB:49:52:1"]


@FUZZ
@given(st.text(max_size=300))
def test_fuzz_any_text_raises_only_the_documented_error(text: str) -> None:
    try:
        parseChannels(text)
    except ChannelsConfError:
        pass


@FUZZ
@given(st.sampled_from(GOOD_LINES), st.data())
def test_fuzz_zap_lines_with_a_field_changed(line: str, data: st.DataObject) -> None:
    fields = line.split(":")
    index = data.draw(st.integers(0, len(fields) - 1))
    fields[index] = data.draw(FIELD_TEXT)
    try:
        channels = parseChannels(":".join(fields))
    except ChannelsConfError:
        return
    # (a changed field may make the line a comment, or two lines)
    assert all(channel.name and channel.frequency > 0 for channel in channels)


@FUZZ
@given(st.lists(st.sampled_from(DVBV5.splitlines() + ["[X]", "FREQUENCY = 12", "= 3",
                                                      "PID_zz = 1", "SAT_NUMBER = 1"]),
                max_size=25), st.lists(FIELD_TEXT, max_size=4))
def test_fuzz_dvbv5_files_shuffled(lines: list[str], noise: list[str]) -> None:
    try:
        parseChannels("\n".join(["[start]", *lines, *noise]))
    except ChannelsConfError:
        pass


FEPARAM_VALUES = st.one_of(st.integers(-2, 2 ** 33), st.text(max_size=10), st.none(),
                           st.booleans(), st.floats(), st.lists(st.integers(), max_size=2),
                           st.sampled_from(["QAM_16", "FEC_3_4", "DVBT2", "h", "BANDWIDTH_8_MHZ"]),
                           st.dictionaries(st.integers(0, 80), st.integers(-1, 2 ** 33),
                                           max_size=3))


@FUZZ
@given(st.dictionaries(st.sampled_from([*conf._LEGACY_KEYS, "bandwidth", "delivery_system",
                                        "polarisation", "sat_no", "properties", "frequency",
                                        "bogus"]),
                       FEPARAM_VALUES, max_size=6),
       st.one_of(st.none(), st.integers(-1, 2 ** 33)))
def test_fuzz_feparams_raise_only_value_error(feparams: dict[str, Any],
                                              frequency: int | None) -> None:
    try:
        channel = channelFromFeparams(feparams, frequency)
    except ValueError:
        return
    assert channel.frequency > 0


# --------------------------------------------------------------- example

def test_the_first_example_runs_as_printed() -> None:
    doc = ast.get_docstring(ast.parse(Path(conf.__file__).read_text(encoding="utf-8")),
                            clean=False) or ""
    section = doc.split("Example Usage", 1)[1]
    block = re.findall(r"::\n\n((?:    .*\n|[ \t]*\n)+)", section)[0]
    assert_runs_cleanly("ChannelsConf#0", textwrap.dedent(block))
