"""CRC-32/MPEG-2: the checksum at the end of every MPEG-2 and DVB table section.

Example Usage
-------------
Check a section, and make the CRC for one being written::

    from Kamaelia.Support.DVB.CRC import crc32mpeg2, dvbcrc

    body = bytes.fromhex("0000b00d0001c100000001e020")     # a PAT without its CRC
    section = body + crc32mpeg2(body).to_bytes(4, "big")
    assert dvbcrc(section)                      # whole and intact
    assert not dvbcrc(section[:-1] + b"\\x00")

    assert crc32mpeg2(b"123456789") == 0x0376E6E7   # the algorithm's check value

How does it work?
-----------------
ISO/IEC 13818-1 Annex A: polynomial 0x04C11DB7, initial value 0xFFFFFFFF,
bits taken most significant first, no final XOR. Run over a whole section
*including* its last four bytes (the CRC the writer put there), it gives 0
when nothing was damaged. ``dvbcrc(section)`` is Kamaelia 1.14's name for
that check (True: intact); :func:`crc32mpeg2` gives the CRC of data, for
writers. (This is not the CRC-32 of ``zlib``/``binascii``, which reflects
its bits and XORs the result.)

A byte at a time through a 256-entry table: sections are at most 4 KiB and
only PSI/SI packets carry them, a small share of a stream.

Differences from 1.14: 1.14's module raised ``NotImplementedError`` on
import ("bit rot"); this one works, on ``bytes``.
"""

from __future__ import annotations

__all__ = ["crc32mpeg2", "dvbcrc"]


def _table() -> tuple[int, ...]:
    entries = []
    for byte in range(256):
        crc = byte << 24
        for _ in range(8):
            crc = ((crc << 1) ^ 0x04C11DB7) if crc & 0x80000000 else crc << 1
        entries.append(crc & 0xFFFFFFFF)
    return tuple(entries)


_TABLE = _table()


def crc32mpeg2(data: bytes | bytearray | memoryview) -> int:
    """The CRC-32/MPEG-2 of ``data``, as an unsigned 32-bit int."""
    crc = 0xFFFFFFFF
    table = _TABLE
    for byte in bytes(data):
        crc = table[(crc >> 24) ^ byte] ^ ((crc << 8) & 0xFFFFFFFF)
    return crc


def dvbcrc(data: bytes | bytearray | memoryview) -> bool:
    """dvbcrc(section) -> True if the section, with its CRC at the end, is intact"""
    return crc32mpeg2(data) == 0
