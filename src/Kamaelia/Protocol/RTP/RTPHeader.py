"""RTPHeader: the fixed header of an RTP packet (RFC 3550, section 5.1), as a record.

Example Usage
-------------
::

    from Kamaelia.Protocol.RTP.RTPHeader import RTPHeader, RawRTPPayload

    header = RTPHeader(payloadtype=33, sequencenumber=7, timestamp=90000, SSRC=0x1234)
    print(header.toBytes().hex())          # 8021000700015f9000001234
    print(header.RTPHeaderInvariant())     # True

    packet = RawRTPPayload(header, b"data")
    print(packet.pack().hex())             # 8021000700015f9000001234000464617461

How does it work?
-----------------
:class:`RTPHeader` is a :class:`~Kamaelia.Support.Data.bitfieldrec.bfrec`
with RFC 3550's fields, in order: ``version`` (2 bits, 2 by default),
``padding`` (1), ``extension`` (1), ``CSRCCount`` (4), ``marker`` (1),
``payloadtype`` (7), ``sequencenumber`` (16), ``timestamp`` (32), ``SSRC``
(32) and ``CSRC``, a list of 32-bit contributing sources. ``pack()`` gives
the bytes as a list of ints (as 1.14 did) and ``toBytes()`` as ``bytes``.
``CSRCCount`` is what the header says; keep it equal to ``len(CSRC)``
(:meth:`RTPHeader.RTPHeaderInvariant` checks that, and that there are at
most 15, raising ``AssertionError`` if not).

:class:`RawRTPPayload` is Kamaelia's own simple payload format: the RTP
header, a 16-bit length, then the data. :class:`RTPSource` makes random
synchronisation source identifiers (``_generateSSRC()``), as RFC 3550
section 8 asks.

What it does not do: it reads nothing back; see
:class:`Kamaelia.Protocol.RTP.RTP.RTPDeframer` for that.
"""

from __future__ import annotations

import secrets
from typing import Any

from Kamaelia.Support.Data.bitfieldrec import bfrec, field

__all__ = ["RTPHeader", "RTPSource", "RawRTPPayloadHeader", "RawRTPPayload"]


class RTPHeader(bfrec):
    """RTPHeader(**fields) -> the fixed RTP header (RFC 3550, 5.1); version defaults to 2"""

    fields = field.mkList([("version", 2, None),
                           ("padding", 1, None),
                           ("extension", 1, None),
                           ("CSRCCount", 4, None),
                           ("marker", 1, None),
                           ("payloadtype", 7, None),
                           ("sequencenumber", 16, None),
                           ("timestamp", 32, None),
                           ("SSRC", 32, None),
                           ("CSRC", 32, list)])

    def __init__(self, **args: Any) -> None:
        args.setdefault("version", 2)
        super().__init__(**args)

    def RTPHeaderInvariant(self) -> bool:
        """True; raises AssertionError if the CSRC list does not fit the header."""
        csrcs = self.__dict__["CSRC"]
        if len(csrcs) > 15:
            raise AssertionError(f"an RTP header holds at most 15 CSRCs, not {len(csrcs)}")
        if self.__dict__["CSRCCount"] != len(csrcs):
            raise AssertionError(f"CSRCCount is {self.__dict__['CSRCCount']} but there are "
                                 f"{len(csrcs)} CSRCs")
        return True


class RTPSource:
    """RTPSource() -> a source of RTP packets, with a random SSRC (``.SSRC``)"""

    def __init__(self) -> None:
        self.SSRC = self._generateSSRC()

    def _generateSSRC(self) -> int:
        """A random 32-bit synchronisation source identifier (RFC 3550, 8.1)."""
        return secrets.randbits(32)


class RawRTPPayloadHeader(bfrec):
    """RawRTPPayloadHeader(length=0) -> the 16-bit length before a raw payload"""

    fields = field.mkList([("length", 16, None)])


class RawRTPPayload:
    """RawRTPPayload(header=None, data=b"") -> an RTP header, a 16-bit length, then the data"""

    def __init__(self, header: RTPHeader | None = None, data: bytes = b"") -> None:
        self.header = header if header is not None else RTPHeader()
        self.data = bytes(data)
        self.payloadheader = RawRTPPayloadHeader(length=len(self.data))

    def pack(self) -> bytes:
        """The packet's bytes."""
        self.payloadheader.length = len(self.data)  # type: ignore[attr-defined]
        return self.header.toBytes() + self.payloadheader.toBytes() + self.data
