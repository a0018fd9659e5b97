"""CRC-32/MPEG-2: the check value, sections ffmpeg wrote, and damage detected."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from Kamaelia.Support.DVB.CRC import crc32mpeg2, dvbcrc


def test_the_check_value_of_the_algorithm() -> None:
    # The catalogue's check value for CRC-32/MPEG-2 (the CRC of b"123456789").
    assert crc32mpeg2(b"123456789") == 0x0376E6E7
    assert crc32mpeg2(b"") == 0xFFFFFFFF


def sections(stream: bytes, pid: int) -> list[bytes]:
    """The sections that start in packets of ``pid`` and end in them (a test's scanner)."""
    found = []
    for start in range(0, len(stream) - 187, 188):
        packet = stream[start:start + 188]
        if ((packet[1] & 0x1F) << 8 | packet[2]) == pid and packet[1] & 0x40:
            payload = packet[4:]
            section = payload[1 + payload[0]:]
            length = (section[1] & 0x0F) << 8 | section[2]
            if 3 + length <= len(section):
                found.append(section[:3 + length])
    return found


@pytest.fixture(scope="module")
def stream(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = Path(tmp_path_factory.mktemp("ts")) / "out.ts"
    subprocess.run(["ffmpeg", "-v", "error", "-nostdin", "-f", "lavfi", "-i",
                    "testsrc=size=160x120:rate=25", "-t", "1", "-metadata",
                    "service_name=BBC ONE", "-f", "mpegts", str(path)], check=True)
    return path.read_bytes()


@pytest.mark.parametrize("pid", [0x00, 0x11], ids=["PAT", "SDT"])
def test_sections_ffmpeg_wrote_are_intact(stream: bytes, pid: int) -> None:
    found = sections(stream, pid)
    assert found
    assert all(dvbcrc(section) for section in found)
    # Their last four bytes are the CRC of the rest.
    assert all(crc32mpeg2(s[:-4]).to_bytes(4, "big") == s[-4:] for s in found)


def test_one_flipped_bit_anywhere_is_detected(stream: bytes) -> None:
    section = sections(stream, 0x00)[0]
    for position in range(len(section)):
        for bit in range(8):
            damaged = bytearray(section)
            damaged[position] ^= 1 << bit
            assert not dvbcrc(bytes(damaged)), (position, bit)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_appending_the_crc_makes_any_data_check(data: bytes) -> None:
    assert dvbcrc(data + crc32mpeg2(data).to_bytes(4, "big"))
    assert dvbcrc(memoryview(data + crc32mpeg2(data).to_bytes(4, "big")))
