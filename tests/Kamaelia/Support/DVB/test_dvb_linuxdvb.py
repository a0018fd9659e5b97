"""Kamaelia.Support.DVB.LinuxDVB: the kernel's DVB API, against recorded kernel behaviour.

There is no DVB adapter here. The ioctl numbers and struct layouts are
pinned to literal values (those of linux-libc-dev 6.1 on x86-64, the
machine this suite runs on) and, when a C compiler and the kernel's
headers are present, to what C itself says. Each tuning is checked byte
by byte: the expected ``dtv_property`` arrays are written out here with
``struct``, from the header's layout, not from the module's ctypes
structures. The kernel's answers (FE_GET_INFO, FE_READ_STATUS,
DTV_ENUM_DELSYS) are replayed by ``ReplayKernel``; the dvr stream is read
from real descriptors (a FIFO, a pipe) fed with a multiplex ffmpeg made.
"""

from __future__ import annotations

import ast
import ctypes
import errno
import logging
import os
import re
import shutil
import struct
import subprocess
import termios
import textwrap
import threading
from pathlib import Path
from typing import Iterator

import pytest

import Kamaelia.Support.DVB.LinuxDVB as dvb
from Kamaelia.Support.DVB.ChannelsConf import parseChannels
from Kamaelia.Support.DVB.LinuxDVB import (
    DVBDeviceError, Demux, Dvr, Frontend, IoctlCall, LinuxKernel, Lnb, LockTimeout,
    ReplayKernel, UNIVERSAL_LNB,
)
from test_docs import assert_runs_cleanly
from tsfixtures import Service, makeMultiplex

LOGGER = "Kamaelia.Support.DVB.LinuxDVB"
PACKET = 188
LOCKED = 0x1F                      # signal, carrier, viterbi, sync, lock


# --------------------------------------------------------------- helpers

def prop(command: int, value: int = 0) -> bytes:
    """One ``struct dtv_property`` as the header lays it out on LP64: cmd,
    reserved[3], a 56-byte union starting with ``__u32 data``, result."""
    return struct.pack("=I12xI52xi", command, value, 0)


def props(*pairs: tuple[int, int]) -> bytes:
    return b"".join(prop(command, value) for command, value in pairs)


def frontendInfo(name: bytes, kind: int, low: int, high: int, step: int,
                 symbolLow: int = 0, symbolHigh: int = 0, caps: int = 0) -> bytes:
    """FE_GET_INFO's answer, laid out as ``struct dvb_frontend_info``."""
    return struct.pack("=128s10I", name, kind, low, high, step, 0, symbolLow, symbolHigh, 0, 0,
                       caps)


def packet(pid: int, counter: int) -> bytes:
    return bytes([0x47, pid >> 8, pid & 0xFF, 0x10 | counter & 15]).ljust(PACKET, bytes([pid & 0xFF]))


def pidOf(data: bytes) -> int:
    return (data[1] & 0x1F) << 8 | data[2]


def packetsOf(data: bytes) -> list[bytes]:
    return [data[i:i + PACKET] for i in range(0, len(data), PACKET)]


class StepClock:
    """A clock that moves only when slept on (so lock waits take no time)."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def openDescriptors() -> set[int]:
    return {int(name) for name in os.listdir("/proc/self/fd")}


@pytest.fixture
def noLeaks() -> Iterator[None]:
    """The test leaves no file descriptor open that it did not find open."""
    before = openDescriptors()
    yield
    leaked = {fd: os.readlink(f"/proc/self/fd/{fd}") for fd in openDescriptors() - before
              if os.path.exists(f"/proc/self/fd/{fd}")}
    assert not leaked, f"descriptors left open: {leaked}"


def tuned(kernel: ReplayKernel) -> IoctlCall:
    (call,) = kernel.calls("FE_SET_PROPERTY")
    return call


# ------------------------------------------------ request numbers, layouts

# The values C gives for the macros, compiled with linux-libc-dev 6.1 on x86-64.
HEADER_REQUESTS = {
    "FE_GET_INFO": 0x80A86F3D, "FE_READ_STATUS": 0x80046F45, "FE_SET_PROPERTY": 0x40106F52,
    "FE_GET_PROPERTY": 0x80106F53, "FE_SET_TONE": 0x6F42, "FE_SET_VOLTAGE": 0x6F43,
    "FE_DISEQC_SEND_MASTER_CMD": 0x40076F3F, "FE_DISEQC_SEND_BURST": 0x6F41,
    "FE_DISEQC_RESET_OVERLOAD": 0x6F3E, "DMX_START": 0x6F29, "DMX_STOP": 0x6F2A,
    "DMX_SET_PES_FILTER": 0x40146F2C, "DMX_SET_BUFFER_SIZE": 0x6F2D,
    "DMX_ADD_PID": 0x40026F33, "DMX_REMOVE_PID": 0x40026F34,
}


@pytest.mark.parametrize("name", sorted(HEADER_REQUESTS))
def test_request_numbers_are_the_headers(name: str) -> None:
    assert getattr(dvb, name) == HEADER_REQUESTS[name]


def test_struct_sizes_and_offsets_are_the_headers() -> None:
    assert ctypes.sizeof(dvb.DvbFrontendInfo) == 168
    assert ctypes.sizeof(dvb.DtvProperty) == 76
    assert dvb.DtvProperty.u.offset == 16 and dvb.DtvProperty.result.offset == 72
    assert ctypes.sizeof(dvb.DtvProperties) == 16 and dvb.DtvProperties.props.offset == 8
    assert ctypes.sizeof(dvb.DmxPesFilterParams) == 20
    assert dvb.DmxPesFilterParams.input.offset == 4 and dvb.DmxPesFilterParams.flags.offset == 16
    assert ctypes.sizeof(dvb.DvbDiseqcMasterCmd) == 7


C_CHECK = r"""
#include <stdio.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <linux/dvb/frontend.h>
#include <linux/dvb/dmx.h>
#define SHOW(name) printf(#name " %lu\n", (unsigned long)(name))
int main(void) {
    SHOW(FE_GET_INFO); SHOW(FE_READ_STATUS); SHOW(FE_SET_PROPERTY); SHOW(FE_GET_PROPERTY);
    SHOW(FE_SET_TONE); SHOW(FE_SET_VOLTAGE); SHOW(FE_DISEQC_SEND_MASTER_CMD);
    SHOW(FE_DISEQC_SEND_BURST); SHOW(FE_DISEQC_RESET_OVERLOAD); SHOW(DMX_START);
    SHOW(DMX_STOP); SHOW(DMX_SET_PES_FILTER); SHOW(DMX_SET_BUFFER_SIZE); SHOW(DMX_ADD_PID);
    SHOW(DMX_REMOVE_PID); SHOW(DMX_PES_OTHER); SHOW(DTV_SCRAMBLING_SEQUENCE_INDEX);
    SHOW(SYS_DVBC_ANNEX_C); SHOW(DTV_IOCTL_MAX_MSGS);
    SHOW(sizeof(struct dtv_property)); SHOW(offsetof(struct dtv_property, result));
    SHOW(sizeof(struct dmx_pes_filter_params));
    return 0;
}
"""


def test_the_numbers_are_what_c_says_with_the_kernel_headers(tmp_path: Path) -> None:
    compiler = shutil.which("cc") or shutil.which("gcc")
    if compiler is None or not Path("/usr/include/linux/dvb/frontend.h").exists():
        pytest.skip("needs a C compiler and the kernel's headers (linux-libc-dev)")
    (tmp_path / "check.c").write_text(C_CHECK)
    subprocess.run([compiler, "-o", str(tmp_path / "check"), str(tmp_path / "check.c")],
                   check=True, capture_output=True, timeout=60)
    output = subprocess.run([str(tmp_path / "check")], check=True, capture_output=True,
                            text=True, timeout=10).stdout
    said = {name: int(value) for name, value in (line.rsplit(" ", 1) for line in
                                                   output.splitlines())}
    for name in HEADER_REQUESTS:
        assert said[name] == getattr(dvb, name), name
    assert said["DMX_PES_OTHER"] == dvb.DMX_PES_OTHER
    assert said["DTV_SCRAMBLING_SEQUENCE_INDEX"] == dvb.DTV_SCRAMBLING_SEQUENCE_INDEX
    assert said["SYS_DVBC_ANNEX_C"] == dvb.SYS_DVBC_ANNEX_C
    assert said["DTV_IOCTL_MAX_MSGS"] == dvb.DTV_IOCTL_MAX_MSGS
    assert said["sizeof(struct dtv_property)"] == ctypes.sizeof(dvb.DtvProperty)
    assert said["offsetof(struct dtv_property, result)"] == dvb.DtvProperty.result.offset
    assert said["sizeof(struct dmx_pes_filter_params)"] == ctypes.sizeof(dvb.DmxPesFilterParams)


@pytest.mark.parametrize("machine", ["x86_64", "aarch64", "armv7l", "riscv64"])
def test_the_generic_encoding(machine: str) -> None:
    layout = dvb.ioctlLayout(machine)
    assert dvb.IOR("o", 61, 168, layout) == 0x80A86F3D
    assert dvb.IOW("o", 82, 16, layout) == 0x40106F52
    assert dvb.IO("o", 42, layout) == 0x6F2A
    assert dvb.IOWR("o", 1, 4, layout) == 0xC0046F01


def test_powerpc_and_parisc_encode_the_direction_otherwise() -> None:
    ppc = dvb.ioctlLayout("ppc64le")
    assert dvb.IOR("o", 61, 168, ppc) == 0x40A86F3D
    assert dvb.IOW("o", 82, 16, ppc) == 0x80106F52
    assert dvb.IO("o", 42, ppc) == 0x20006F2A
    parisc = dvb.ioctlLayout("parisc64")
    assert dvb.IOR("o", 61, 168, parisc) == 0x40A86F3D
    assert dvb.IOW("o", 82, 16, parisc) == 0x80106F52


def test_a_size_that_does_not_fit_the_encoding_is_refused() -> None:
    with pytest.raises(ValueError, match="8192 does not fit 13 bits"):
        dvb.IOR("o", 1, 8192, dvb.ioctlLayout("mips"))


# -------------------------------------------- tuning, byte by byte

DVBT_LINE = ("BBC ONE:505833333:INVERSION_AUTO:BANDWIDTH_8_MHZ:FEC_3_4:FEC_2_3:QAM_16:"
             "TRANSMISSION_MODE_8K:GUARD_INTERVAL_1_32:HIERARCHY_NONE:600:601:4165")
DVBT2_BLOCK = """[BBC ONE HD]
    SERVICE_ID = 17472
    VIDEO_PID = 101
    AUDIO_PID = 102 106
    FREQUENCY = 474000000
    MODULATION = QAM/256
    BANDWIDTH_HZ = 8000000
    INVERSION = AUTO
    CODE_RATE_HP = 2/3
    GUARD_INTERVAL = 1/128
    TRANSMISSION_MODE = 32K
    STREAM_ID = 0
    DELIVERY_SYSTEM = DVBT2
"""
DVBC_LINE = "Das Erste:410000000:INVERSION_AUTO:6900000:FEC_NONE:QAM_256:101:102:28106"
ATSC_LINE = "KCBS-HD:195028615:8VSB:49:52:1"
DVBS_LINE = "Das Erste HD:11494:h:0:22000:5101:5102:10301"
DVBS2_BLOCK = """[Arte HD]
    SERVICE_ID = 10302
    FREQUENCY = 10744000
    POLARIZATION = VERTICAL
    SYMBOL_RATE = 22000000
    INNER_FEC = 2/3
    MODULATION = PSK/8
    ROLLOFF = 35
    PILOT = AUTO
    DELIVERY_SYSTEM = DVBS2
"""

# (channels.conf text, delivery systems the card has, the property array expected)
TUNINGS = {
    "DVB-T": (DVBT_LINE, (3, 16), props(
        (2, 0), (17, 3), (3, 505_833_333),            # DTV_CLEAR, DELIVERY_SYSTEM DVBT, FREQUENCY
        (4, 1), (5, 8_000_000), (6, 2),               # MODULATION QAM_16, BANDWIDTH_HZ, INVERSION_AUTO
        (36, 3), (37, 2), (38, 0), (39, 1), (40, 0),  # FEC 3/4, 2/3, 1/32, 8K, no hierarchy
        (1, 0))),                                     # DTV_TUNE
    "DVB-T2": (DVBT2_BLOCK, (3, 16), props(
        (2, 0), (17, 16), (3, 474_000_000),
        (4, 5), (5, 8_000_000), (6, 2),               # QAM_256, 8 MHz, auto
        (36, 2), (38, 5), (39, 6), (42, 0),           # 2/3, 1/128, 32K, PLP 0
        (1, 0))),
    "DVB-C": (DVBC_LINE, (1,), props(
        (2, 0), (17, 1), (3, 410_000_000),            # DVBC/ANNEX_A
        (4, 5), (6, 2), (8, 6_900_000), (9, 0),       # QAM_256, auto, 6.9 MBd, FEC_NONE
        (1, 0))),
    "ATSC": (ATSC_LINE, (11, 2), props(
        (2, 0), (17, 11), (3, 195_028_615),
        (4, 7), (6, 2),                               # VSB_8, INVERSION_AUTO
        (1, 0))),
    "DVB-S": (DVBS_LINE, (5, 6), props(
        (2, 0), (17, 5), (3, 1_744_000),              # 11494 MHz - 9750 MHz, in kHz
        (6, 2), (8, 22_000_000), (9, 9),              # auto, 22 MBd, FEC_AUTO
        (1, 0))),
    "DVB-S2": (DVBS2_BLOCK, (5, 6), props(
        (2, 0), (17, 6), (3, 994_000),                # 10744 MHz - 9750 MHz, in kHz
        (4, 9), (8, 22_000_000), (9, 2), (12, 2), (13, 0),   # PSK_8, 2/3, pilot auto, 0.35
        (1, 0))),
}


@pytest.mark.parametrize("system", sorted(TUNINGS))
def test_the_exact_properties_of_each_tuning(system: str, noLeaks: None) -> None:
    text, systems, expected = TUNINGS[system]
    (channel,) = parseChannels(text)
    kernel = ReplayKernel(deliverySystems=systems)
    with Frontend(0, kernel=kernel) as frontend:
        frontend.tuneChannel(channel)
    call = tuned(kernel)
    assert call.path == "/dev/dvb/adapter0/frontend0"
    assert call.properties == expected
    count = len(expected) // 76
    assert isinstance(call.argument, bytes) and len(call.argument) == 16
    assert call.argument[:8] == struct.pack("=I4x", count)      # num, then padding
    assert int.from_bytes(call.argument[8:], "little") != 0     # the array's address
    (ask,) = kernel.calls("FE_GET_PROPERTY")                    # the systems, asked first
    assert ask.properties == prop(44)                           # DTV_ENUM_DELSYS
    assert kernel.openFds() == {}


def test_dvb_s_sets_the_lnb_and_the_diseqc_switch_before_tuning() -> None:
    (channel,) = parseChannels("Astra 1:11836:h:1:27500:101:102:28106")
    clock = StepClock()
    kernel = ReplayKernel(deliverySystems=(5, 6))
    with Frontend(0, kernel=kernel, clock=clock) as frontend:
        frontend.tuneChannel(channel)
    made = [(call.name, call.argument) for call in kernel.ioctls]
    assert made == [
        ("FE_GET_PROPERTY", made[0][1]),
        ("FE_SET_TONE", 1),                                    # SEC_TONE_OFF
        ("FE_SET_VOLTAGE", 1),                                 # SEC_VOLTAGE_18: horizontal
        # E0 10 38, F0 | position 1 << 2 | horizontal 2 | high band 1; msg_len 4
        ("FE_DISEQC_SEND_MASTER_CMD", bytes([0xE0, 0x10, 0x38, 0xF7, 0, 0, 4])),
        ("FE_DISEQC_SEND_BURST", 1),                           # SEC_MINI_B for an odd position
        ("FE_SET_TONE", 0),                                    # SEC_TONE_ON: high band
        ("FE_SET_PROPERTY", made[-1][1]),
    ]
    assert clock.slept == [0.015, 0.015, 0.015]
    assert tuned(kernel).properties[2 * 76:3 * 76] == prop(3, 1_236_000)  # 11836 - 10600 MHz


def test_dvb_s_without_a_satellite_number_sends_no_diseqc() -> None:
    (channel,) = parseChannels(DVBS2_BLOCK)
    kernel = ReplayKernel(deliverySystems=(5, 6))
    with Frontend(0, kernel=kernel, clock=StepClock()) as frontend:
        frontend.tuneChannel(channel)
    assert [(call.name, call.argument) for call in kernel.ioctls[1:-1]] == [
        ("FE_SET_TONE", 1), ("FE_SET_VOLTAGE", 0), ("FE_SET_TONE", 1)]   # 13 V, low band


def test_lnb_intermediate_frequencies() -> None:
    assert UNIVERSAL_LNB.intermediate(10_744_000_000) == (994_000, False)
    assert UNIVERSAL_LNB.intermediate(11_700_000_000) == (1_100_000, True)
    assert Lnb(5_150_000_000).intermediate(3_800_000_000) == (1_350_000, False)   # C band


def test_the_card_is_asked_what_it_receives_before_tuning() -> None:
    (channel,) = parseChannels(DVBS2_BLOCK)
    kernel = ReplayKernel(deliverySystems=(3, 16))
    with Frontend(0, kernel=kernel) as frontend:
        with pytest.raises(DVBDeviceError, match=r"/dev/dvb/adapter0/frontend0 \(Replay "
                           r"DVB-T/T2\) cannot receive DVB-S2; it receives DVB-T, DVB-T2") as err:
            frontend.tuneChannel(channel)
    assert err.value.errno == errno.EINVAL
    assert kernel.calls("FE_SET_PROPERTY") == [] and kernel.calls("FE_SET_VOLTAGE") == []


def test_an_old_kernel_without_enum_delsys_falls_back_to_the_frontend_type() -> None:
    kernel = ReplayKernel(deliverySystems=None,
                          frontendInfo=frontendInfo(b"Old DVB-C", 1, 47_000_000, 862_000_000,
                                                    62_500, 870_000, 11_700_000))
    with Frontend(0, kernel=kernel) as frontend:
        assert frontend.deliverySystems() == (dvb.SYS_DVBC_ANNEX_A,)
        assert frontend.defaultDeliverySystem() == dvb.SYS_DVBC_ANNEX_A
        (channel,) = parseChannels(DVBC_LINE)
        frontend.tuneChannel(channel)
    assert tuned(kernel).properties == TUNINGS["DVB-C"][2]


def test_tuning_properties_are_checked_before_any_ioctl() -> None:
    with pytest.raises(ValueError, match="DTV_FREQUENCY cannot be given as a property"):
        dvb.tuningProperties(dvb.SYS_DVBT, 506_000_000, {dvb.DTV_FREQUENCY: 1})
    with pytest.raises(ValueError, match="unknown delivery system 99"):
        dvb.tuningProperties(99, 506_000_000)
    with pytest.raises(ValueError, match="positive int in Hz, not 506.5"):
        dvb.tuningProperties(dvb.SYS_DVBT, 506.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="DTV_MODULATION must be an int from 0 to 2\\*\\*32-1"):
        dvb.tuningProperties(dvb.SYS_DVBT, 506_000_000, {dvb.DTV_MODULATION: -1})
    with pytest.raises(ValueError, match="unknown DTV property 200"):
        dvb.tuningProperties(dvb.SYS_DVBT, 506_000_000, {200: 1})


# ----------------------------------------- recorded answers, replayed

# FE_GET_INFO of a DVB-T/T2 frontend, as the bytes the kernel copies out
# (written from the header's layout; no card here to capture one from): the
# name, FE_OFDM, 42-870 MHz in steps of 62.5 kHz, no symbol rates, caps
# FE_CAN_INVERSION_AUTO | FE_CAN_FEC_AUTO | FE_CAN_QAM_AUTO |
# FE_CAN_TRANSMISSION_MODE_AUTO | FE_CAN_GUARD_INTERVAL_AUTO |
# FE_CAN_HIERARCHY_AUTO | FE_CAN_2G_MODULATION.
RECORDED_INFO = bytes.fromhex(
    "53696c69636f6e204c61627320536932313638" + "00" * 109
    + "02000000" + "80de8002" + "8025db33" + "24f40000" + "00000000"
    + "00000000" + "00000000" + "00000000" + "00000000" + "01021b10")


def test_fe_get_info_is_read_from_the_answer() -> None:
    kernel = ReplayKernel(frontendInfo=RECORDED_INFO)
    with Frontend(0, kernel=kernel) as frontend:
        info = frontend.info()
        assert frontend.info() is info                     # asked once
    assert info == dvb.FrontendInfo(
        name="Silicon Labs Si2168", type=dvb.FE_OFDM, frequencyMin=42_000_000,
        frequencyMax=870_000_000, frequencyStepsize=62_500, frequencyTolerance=0,
        symbolRateMin=0, symbolRateMax=0, symbolRateTolerance=0, caps=0x101B0201)
    (call,) = kernel.calls("FE_GET_INFO")
    assert call.argument == bytes(168)                     # an empty struct went in


def test_a_recorded_answer_must_be_a_whole_struct() -> None:
    with pytest.raises(ValueError, match="168 bytes of a struct dvb_frontend_info, not 5"):
        ReplayKernel(frontendInfo=b"short")


def test_waiting_for_a_lock_polls_the_status() -> None:
    clock = StepClock()
    kernel = ReplayKernel(statuses=(0x00, 0x01, 0x03, LOCKED))
    with Frontend(0, kernel=kernel, clock=clock) as frontend:
        assert frontend.readStatus() == 0                 # not tuned yet: nothing
        frontend.tune(dvb.SYS_DVBT, 506_000_000)
        assert frontend.waitForLock(timeout=2.0, interval=0.1) == LOCKED
        assert frontend.hasLock()
    statuses = kernel.calls("FE_READ_STATUS")
    assert len(statuses) == 6 and {call.argument for call in statuses} == {bytes(4)}
    assert clock.slept == [0.1, 0.1, 0.1]


def test_no_lock_in_time_is_a_clear_error() -> None:
    kernel = ReplayKernel(statuses=(0x01, 0x03))
    with Frontend(0, kernel=kernel, clock=StepClock()) as frontend:
        frontend.tune(dvb.SYS_DVBT, 506_000_000)
        with pytest.raises(LockTimeout, match=r"no lock on /dev/dvb/adapter0/frontend0 after "
                                              r"0\.5 s \(the frontend has: signal, carrier\)") as err:
            frontend.waitForLock(timeout=0.5, interval=0.1)
    assert isinstance(err.value, TimeoutError) and err.value.errno == errno.ETIMEDOUT
    assert err.value.status == 0x03 and err.value.filename == "/dev/dvb/adapter0/frontend0"


def test_status_names() -> None:
    assert dvb.statusNames(LOCKED) == "signal, carrier, viterbi, sync, lock"
    assert dvb.statusNames(0) == "nothing"
    assert dvb.deliverySystemName(dvb.SYS_DVBC_ANNEX_A) == "DVB-C annex A"
    assert dvb.deliverySystemName(dvb.SYS_ISDBT) == "ISDB-T"
    assert dvb.deliverySystemName(99) == "delivery system 99"


# ------------------------------------------------- devices and errors

def test_a_missing_adapter_names_its_path() -> None:
    kernel = ReplayKernel(adapters=(0,))
    with pytest.raises(DVBDeviceError, match=re.escape(
            "no DVB adapter 3 (/dev/dvb/adapter3/frontend0 does not exist)")) as err:
        Frontend(3, kernel=kernel)
    assert err.value.errno == errno.ENOENT and err.value.filename == "/dev/dvb/adapter3/frontend0"
    with pytest.raises(DVBDeviceError, match=re.escape("/dev/dvb/adapter3/dvr0 does not exist")):
        Dvr(3, kernel=kernel)


def test_a_missing_adapter_on_this_machine_names_its_path() -> None:
    adapter = next(n for n in range(100, 1000) if not os.path.exists(f"/dev/dvb/adapter{n}"))
    path = f"/dev/dvb/adapter{adapter}/frontend0"
    with pytest.raises(DVBDeviceError, match=re.escape(
            f"no DVB adapter {adapter} ({path} does not exist)")) as err:
        Frontend(adapter)                                  # the real kernel
    assert err.value.errno == errno.ENOENT and err.value.filename == path


def test_a_frontend_in_use_is_busy(noLeaks: None) -> None:
    kernel = ReplayKernel()
    with Frontend(0, kernel=kernel):
        with pytest.raises(DVBDeviceError, match=r"in use by another program "
                                                 r"\(/dev/dvb/adapter0/frontend0 is busy\)"):
            Frontend(0, kernel=kernel)
    with Frontend(0, kernel=kernel):                        # free again once closed
        pass


def test_permission_denied_says_what_to_do() -> None:
    kernel = ReplayKernel(openErrors={"/dev/dvb/adapter0/demux0": errno.EACCES})
    with pytest.raises(DVBDeviceError, match="add yourself to the video group to use "
                                             "/dev/dvb/adapter0/demux0") as err:
        Demux(0, kernel=kernel).addPid(18)
    assert err.value.errno == errno.EACCES


def test_a_failing_ioctl_names_the_request_and_the_device() -> None:
    kernel = ReplayKernel(ioctlErrors={"FE_SET_PROPERTY": errno.EINVAL})
    with Frontend(0, kernel=kernel) as frontend:
        with pytest.raises(DVBDeviceError, match=r"FE_SET_PROPERTY on /dev/dvb/adapter0/"
                                                 r"frontend0 failed \(tuning to 506000000 Hz\): "
                                                 r"Invalid argument"):
            frontend.tune(dvb.SYS_DVBT, 506_000_000)
    assert len(kernel.calls("FE_SET_PROPERTY")) == 1        # recorded, then refused


def test_a_closed_frontend_says_so() -> None:
    frontend = Frontend(0, kernel=ReplayKernel())
    frontend.close()
    frontend.close()                                        # twice is fine
    with pytest.raises(DVBDeviceError, match="frontend0 is closed"):
        frontend.readStatus()


# ---------------------------------------------------------- PID filters

def test_each_pid_gets_a_pes_filter_to_the_ts_tap(noLeaks: None) -> None:
    kernel = ReplayKernel()
    with Demux(0, kernel=kernel) as demux:
        first = demux.addPid(600)
        assert demux.addPid(600) is first                   # once per PID
        demux.addPid(0x12)
        assert demux.pids() == [600, 0x12] and kernel.passedPids() == {600, 0x12}
        # pid, padding, DMX_IN_FRONTEND, DMX_OUT_TS_TAP, DMX_PES_OTHER, DMX_IMMEDIATE_START
        assert [call.argument for call in kernel.calls("DMX_SET_PES_FILTER")] == [
            struct.pack("=H2xIIII", 600, 0, 2, 20, 4), struct.pack("=H2xIIII", 0x12, 0, 2, 20, 4)]
        assert len(kernel.openFds()) == 2                   # one descriptor per PID
        demux.removePid(600)
        demux.removePid(600)                                # not there: nothing happens
        assert kernel.passedPids() == {0x12}
        assert [call.argument for call in kernel.calls("DMX_STOP")] == [0]
        assert list(kernel.openFds().values()) == ["/dev/dvb/adapter0/demux0"]
    assert kernel.openFds() == {} and kernel.passedPids() == set()


def test_more_pids_on_one_filter_with_dmx_add_pid() -> None:
    kernel = ReplayKernel()
    with Demux(0, kernel=kernel) as demux:
        pidFilter = demux.addPid(600)
        pidFilter.addPid(601)
        assert kernel.passedPids() == {600, 601} and pidFilter.pids == [600, 601]
        pidFilter.removePid(600)
        assert kernel.passedPids() == {601} and pidFilter.pids == [601]
    assert [(call.name, call.argument) for call in kernel.ioctls[1:3]] == [
        ("DMX_ADD_PID", struct.pack("=H", 601)), ("DMX_REMOVE_PID", struct.pack("=H", 600))]
    with pytest.raises(DVBDeviceError, match="the filter of PID 600 .* is stopped"):
        pidFilter.addPid(602)


@pytest.mark.parametrize("pid", [-1, 0x2001, True, "18", 1.0])
def test_a_bad_pid_is_refused(pid: object) -> None:
    with pytest.raises(ValueError, match=f"a PID is an int from 0 to 0x1FFF .*not {re.escape(repr(pid))}"):
        Demux(0, kernel=ReplayKernel()).addPid(pid)  # type: ignore[arg-type]


# ---------------------------------------------------------- the dvr device

@pytest.fixture(scope="module")
def multiplex(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    made = makeMultiplex(tmp_path_factory.mktemp("mux") / "mux.ts",
                         [Service(1, "BBC ONE", "BBC"), Service(2, "BBC TWO", "BBC")], seconds=1.0)
    return made.path.read_bytes()


def test_the_dvr_stream_comes_through_a_fifo_filtered_by_pid(tmp_path: Path, multiplex: bytes,
                                                             noLeaks: None) -> None:
    fifo = tmp_path / "dvr0"
    os.mkfifo(fifo)
    kernel = ReplayKernel(dvr=fifo)

    def feed() -> None:
        kernel.waitFor(lambda: kernel.passedPids() == {0x101, 0x0})
        with open(fifo, "wb") as writer:                    # a reader is there: no block
            for start in range(0, len(multiplex), 4 * PACKET):
                writer.write(multiplex[start:start + 4 * PACKET])

    received = bytearray()
    with Demux(0, kernel=kernel) as demux, Dvr(0, kernel=kernel, bufferSize=1 << 20) as dvr:
        feeder = threading.Thread(target=feed)
        feeder.start()
        demux.addPid(0x101)
        demux.addPid(0x0)
        while not dvr.ended:
            received += dvr.readPackets(timeout=5.0)
        feeder.join(5)
    expected = [p for p in packetsOf(multiplex) if pidOf(p) in (0x101, 0x0)]
    assert packetsOf(bytes(received)) == expected and len(expected) > 50
    assert [call.argument for call in kernel.calls("DMX_SET_BUFFER_SIZE")] == [1 << 20]
    assert ("/dev/dvb/adapter0/dvr0", os.O_RDONLY | os.O_NONBLOCK) in kernel.opens


def test_pid_0x2000_passes_the_whole_multiplex(tmp_path: Path, multiplex: bytes) -> None:
    (tmp_path / "dvr0.ts").write_bytes(multiplex)
    kernel = ReplayKernel(dvr=tmp_path / "dvr0.ts")
    received = bytearray()
    with Demux(0, kernel=kernel) as demux, Dvr(0, kernel=kernel) as dvr:
        demux.addPid(0x2000)
        while not dvr.ended:
            received += dvr.readPackets()
    assert bytes(received) == multiplex


class CuttingKernel(ReplayKernel):
    """A stand-in whose dvr reads come in pieces of 100 bytes, cutting packets
    in two (and passing every PID)."""

    def read(self, fd: int, size: int) -> bytes:
        return os.read(fd, min(size, 100))


def test_a_packet_cut_between_reads_is_kept_for_the_next(tmp_path: Path) -> None:
    stream = b"".join(packet(0x100, n) for n in range(5))
    (tmp_path / "dvr0.ts").write_bytes(stream)
    kernel = CuttingKernel(dvr=tmp_path / "dvr0.ts")
    pieces = []
    with Dvr(0, kernel=kernel) as dvr:
        while not dvr.ended:
            pieces.append(dvr.readPackets())
    assert all(len(piece) % PACKET == 0 for piece in pieces)
    assert b"".join(pieces) == stream


def test_nothing_yet_is_an_empty_read(noLeaks: None) -> None:
    kernel = ReplayKernel()                                 # a pipe nobody writes to
    with Demux(0, kernel=kernel) as demux, Dvr(0, kernel=kernel) as dvr:
        demux.addPid(18)
        assert dvr.readPackets(timeout=0.01) == b""
        assert not dvr.ended
    assert kernel.openFds() == {}


def test_an_overflow_is_counted_logged_and_reading_goes_on(tmp_path: Path,
                                                          caplog: pytest.LogCaptureFixture) -> None:
    stream = b"".join(packet(18, n) for n in range(3))
    (tmp_path / "dvr0.ts").write_bytes(stream)
    kernel = ReplayKernel(dvr=tmp_path / "dvr0.ts")
    with caplog.at_level(logging.WARNING, LOGGER), Demux(0, kernel=kernel) as demux, \
            Dvr(0, kernel=kernel) as dvr:
        demux.addPid(18)
        kernel.overflowNextRead()
        assert dvr.readPackets() == b"" and dvr.overflows == 1
        assert dvr.readPackets() == stream
    assert "the kernel's buffer overflowed (1 times so far)" in caplog.text


def test_a_failing_read_names_the_device(tmp_path: Path) -> None:
    class Failing(ReplayKernel):
        def poll(self, fd: int, timeout: float | None) -> bool:
            return True

        def read(self, fd: int, size: int) -> bytes:
            raise OSError(errno.ENODEV, "gone")

    with Dvr(0, kernel=Failing()) as dvr:
        with pytest.raises(DVBDeviceError, match="reading /dev/dvb/adapter0/dvr0 failed: "
                                                 "No such device"):
            dvr.readPackets(timeout=0)


# ------------------------------------ the stand-in checks what it is given

def test_the_stand_in_checks_the_size_of_each_argument() -> None:
    kernel = ReplayKernel()
    with Frontend(0, kernel=kernel) as frontend:
        fd = frontend.fd
        assert fd is not None
        with pytest.raises(OSError, match="FE_READ_STATUS copies 4 bytes; the argument has 2"):
            kernel.ioctl(fd, dvb.FE_READ_STATUS, ctypes.c_uint16())
        with pytest.raises(OSError, match="FE_SET_TONE takes an integer"):
            kernel.ioctl(fd, dvb.FE_SET_TONE, ctypes.c_uint32())
        with pytest.raises(OSError, match="no ioctl 0x6f2a here") as err:
            kernel.ioctl(fd, dvb.DMX_STOP, 0)             # a demux request on a frontend
        assert err.value.errno == errno.ENOTTY
    with pytest.raises(OSError) as err:
        kernel.ioctl(12345, dvb.FE_READ_STATUS, ctypes.c_uint32())
    assert err.value.errno == errno.EBADF


def test_the_stand_in_refuses_to_set_through_a_read_only_frontend() -> None:
    kernel = ReplayKernel()
    fd = kernel.open("/dev/dvb/adapter0/frontend0", os.O_RDONLY)
    try:
        status = ctypes.c_uint32()
        kernel.ioctl(fd, dvb.FE_READ_STATUS, status)        # reading is fine
        with pytest.raises(OSError, match="FE_SET_TONE needs .* open read-write") as err:
            kernel.ioctl(fd, dvb.FE_SET_TONE, dvb.SEC_TONE_OFF)
        assert err.value.errno == errno.EPERM
    finally:
        kernel.close(fd)


def test_the_stand_in_refuses_a_delivery_system_the_card_lacks() -> None:
    kernel = ReplayKernel(deliverySystems=(3,))
    with Frontend(0, kernel=kernel) as frontend:
        with pytest.raises(DVBDeviceError, match="Invalid argument"):
            frontend.setProperties([(dvb.DTV_DELIVERY_SYSTEM, dvb.SYS_DVBS2), (dvb.DTV_TUNE, 0)])
        with pytest.raises(ValueError, match="between 1 and 64 properties, not 65"):
            frontend.setProperties([(dvb.DTV_TUNE, 0)] * 65)


# ------------------------------------------------------- the real kernel

def test_the_real_kernel_writes_its_answer_into_the_buffer() -> None:
    kernel = LinuxKernel()
    reader, writer = os.pipe()
    try:
        assert not kernel.poll(reader, 0)
        os.write(writer, b"x" * 300)
        assert kernel.poll(reader, 1.0)
        waiting = ctypes.c_uint32()
        kernel.ioctl(reader, termios.FIONREAD, waiting)     # the kernel fills it in
        assert waiting.value == 300
        assert kernel.read(reader, 1000) == b"x" * 300
    finally:
        kernel.close(reader)
        kernel.close(writer)


# ------------------------------------------------------------ the examples

def exampleBlocks() -> list[str]:
    source = Path(dvb.__file__).read_text(encoding="utf-8")
    doc = ast.get_docstring(ast.parse(source), clean=False) or ""
    section = doc.split("Example Usage", 1)[1].split("How does it work?", 1)[0]
    return [textwrap.dedent(block)
            for block in re.findall(r"::\n\n((?:    .*\n|[ \t]*\n)+)", section)]


@pytest.mark.parametrize("index", [0, 1])
def test_the_examples_run_as_printed(index: int) -> None:
    assert_runs_cleanly(f"LinuxDVB#{index}", exampleBlocks()[index])
