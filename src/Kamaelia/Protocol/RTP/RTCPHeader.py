"""RTCPHeader: the RTP Control Protocol's packets (RFC 3550, section 6), as records.

Example Usage
-------------
A receiver report with one report block, and a source description::

    from Kamaelia.Protocol.RTP.RTCPHeader import (CName, ReceiverReport, ReportBlock,
                                                  SourceDescription, SourceDescription_chunk)

    report = ReceiverReport(receptionReportCount=1, length=7, SSRC=0x11111111)
    block = ReportBlock(SSRC_n=0x22222222, fractionLost=64, cumulativePacketsLost=3,
                        extendedHighSeqNumRecv=1000, interarrivalJitter=5,
                        lastSRTimestamp=0, delaySinceLastSR=0)
    print((report.toBytes() + block.toBytes()).hex())
    # 81c90007111111112222222240000003000003e8000000050000000000000000

    name = CName(description=list(b"me@host"))
    print(name.toBytes())                     # b'\\x01\\x07me@host'
    print(name.CNameInvariant())              # True

How does it work?
-----------------
Each class is a :class:`~Kamaelia.Support.Data.bitfieldrec.bfrec` whose
``fields`` are the RFC's, in order; ``pack()`` gives the bytes as a list of
ints (1.14's form), ``toBytes()`` as ``bytes``:

====================================  ================================================
class                                 RFC 3550
====================================  ================================================
``SenderReport``                      6.4.1 SR header and sender info (packet type 200)
``ReceiverReport``                    6.4.2 RR header (201)
``ReportBlock``                       6.4.1 a reception report block (SR and RR)
``SourceDescription``                 6.5 SDES header (202), then chunks
``SourceDescription_chunk``           6.5 an SDES chunk's SSRC/CSRC, then items
``SourceDescription_item``            6.5 an SDES item: type, length, text
``CName`` ``Name`` ``Email``          6.5.1-6.5.7 the items of types 1 to 7
``Phone`` ``Loc`` ``Tool`` ``Note``
``Priv``                              6.5.8 a private extension item (type 8)
``ByePacket``                         6.6 BYE (203)
``AppPacket``                         6.7 APP (204)
``RTCPHeader``                        the common base (no fields of its own)
====================================  ================================================

Fields the RFC fixes get their values by default: ``version`` 2, each
packet's ``packetType`` and each item's ``itemType``; and an item's
``length`` defaults to the length of its text. Text is a list of byte
values (``list(b"text")``). The counts and lengths are what the packet
says: set them to match the lists (``length`` of a packet is its size in
32-bit words minus one). The ``...Invariant()`` methods check those rules
and return True, raising ``AssertionError`` naming the broken rule.

What it does not do: it reads nothing back, and does not pad SDES chunks
to 32-bit boundaries for you.
"""

from __future__ import annotations

from typing import Any

from Kamaelia.Support.Data.bitfieldrec import bfrec, field

__all__ = ["RTCPHeader", "ReportBlock", "SenderReport", "ReceiverReport",
           "SourceDescription_item", "CName", "Name", "Email", "Phone", "Loc", "Tool", "Note",
           "Priv", "SourceDescription_chunk", "SourceDescription", "ByePacket", "AppPacket"]


def _check(rule: bool, why: str) -> None:
    if not rule:
        raise AssertionError(why)


class RTCPHeader(bfrec):
    """The common base of the RTCP packet types (no fields of its own)."""

    #: The packet type this class is (None for the base).
    PACKET_TYPE: int | None = None

    def __init__(self, **args: Any) -> None:
        if self.PACKET_TYPE is not None:
            args.setdefault("version", 2)
            args.setdefault("packetType", self.PACKET_TYPE)
        super().__init__(**args)

    def _words(self) -> int:
        """The packet's size in 32-bit words minus one (what ``length`` should be)."""
        return self.structureSize() // 32 - 1

    def _checkType(self) -> None:
        _check(self.__dict__.get("packetType") == self.PACKET_TYPE,
               f"{type(self).__name__}: packetType must be {self.PACKET_TYPE}, not "
               f"{self.__dict__.get('packetType')!r}")


class ReportBlock(bfrec):
    """A reception report block (RFC 3550, 6.4.1), used in SR and RR packets."""

    fields = field.mkList([("SSRC_n", 32, None),
                           ("fractionLost", 8, None),
                           ("cumulativePacketsLost", 24, None),
                           ("extendedHighSeqNumRecv", 32, None),
                           ("interarrivalJitter", 32, None),
                           ("lastSRTimestamp", 32, None),      # LSR
                           ("delaySinceLastSR", 32, None)])    # DLSR


class SenderReport(RTCPHeader):
    """The SR header and sender information (RFC 3550, 6.4.1); report blocks follow."""

    PACKET_TYPE = 200
    fields = field.mkList([("version", 2, None),
                           ("padding", 1, None),
                           ("receptionReportCount", 5, None),
                           ("packetType", 8, None),
                           ("length", 16, None),
                           ("SSRC", 32, None),
                           ("NTPtimestamp", 64, None),
                           ("RTPtimestamp", 32, None),
                           ("sendersPacketCount", 32, None),
                           ("sendersOctetCount", 32, None)])

    def SenderReportInvariant(self) -> bool:
        """True; raises AssertionError if packetType is not 200 (SR)."""
        self._checkType()
        return True


class ReceiverReport(RTCPHeader):
    """The RR header (RFC 3550, 6.4.2); report blocks follow."""

    PACKET_TYPE = 201
    fields = field.mkList([("version", 2, None),
                           ("padding", 1, None),
                           ("receptionReportCount", 5, None),
                           ("packetType", 8, None),
                           ("length", 16, None),
                           ("SSRC", 32, None)])

    def ReceiverReportInvariant(self) -> bool:
        """True; raises AssertionError if packetType is not 201 (RR)."""
        self._checkType()
        return True


class SourceDescription_item(bfrec):
    """An SDES item (RFC 3550, 6.5): type, length of the text, the text (byte values)."""

    #: The item type this class is (None: any, given as ``itemType``).
    ITEM_TYPE: int | None = None
    fields = field.mkList([("itemType", 8, None),
                           ("length", 8, None),
                           ("description", 8, list)])

    def __init__(self, **args: Any) -> None:
        if self.ITEM_TYPE is not None:
            args.setdefault("itemType", self.ITEM_TYPE)
        args.setdefault("length", self._textLength(args))
        super().__init__(**args)

    @staticmethod
    def _textLength(args: dict[str, Any]) -> int:
        return len(args.get("description", []))

    def SourceDescription_itemInvariant(self) -> bool:
        """True; raises AssertionError if ``length`` is not the text's length."""
        expected = self._textLength(self.__dict__)
        _check(self.__dict__["length"] == expected,
               f"{type(self).__name__}: length is {self.__dict__['length']} but the text "
               f"holds {expected} bytes")
        return True

    def _checkItem(self) -> bool:
        _check(self.__dict__["itemType"] == self.ITEM_TYPE,
               f"{type(self).__name__}: itemType must be {self.ITEM_TYPE}, not "
               f"{self.__dict__['itemType']!r}")
        return self.SourceDescription_itemInvariant()


class CName(SourceDescription_item):
    """CNAME: canonical end-point identifier (RFC 3550, 6.5.1), item type 1."""

    ITEM_TYPE = 1

    def CNameInvariant(self) -> bool:
        return self._checkItem()


class Name(SourceDescription_item):
    """NAME: user name (6.5.2), item type 2."""

    ITEM_TYPE = 2

    def NameInvariant(self) -> bool:
        return self._checkItem()


class Email(SourceDescription_item):
    """EMAIL: electronic mail address (6.5.3), item type 3."""

    ITEM_TYPE = 3

    def EmailInvariant(self) -> bool:
        return self._checkItem()


class Phone(SourceDescription_item):
    """PHONE: phone number (6.5.4), item type 4."""

    ITEM_TYPE = 4

    def PhoneInvariant(self) -> bool:
        return self._checkItem()


class Loc(SourceDescription_item):
    """LOC: geographic user location (6.5.5), item type 5."""

    ITEM_TYPE = 5

    def LocInvariant(self) -> bool:
        return self._checkItem()


class Tool(SourceDescription_item):
    """TOOL: application or tool name (6.5.6), item type 6."""

    ITEM_TYPE = 6

    def ToolInvariant(self) -> bool:
        return self._checkItem()


class Note(SourceDescription_item):
    """NOTE: notice or status (6.5.7), item type 7."""

    ITEM_TYPE = 7

    def NoteInvariant(self) -> bool:
        return self._checkItem()


class Priv(SourceDescription_item):
    """PRIV: private extension (6.5.8), item type 8: a prefix, then the value."""

    ITEM_TYPE = 8
    fields = field.mkList([("itemType", 8, None),
                           ("length", 8, None),
                           ("prefixLength", 8, None),
                           ("prefixString", 8, list),
                           ("description", 8, list)])

    def __init__(self, **args: Any) -> None:
        args.setdefault("prefixLength", len(args.get("prefixString", [])))
        super().__init__(**args)

    @staticmethod
    def _textLength(args: dict[str, Any]) -> int:
        return 1 + len(args.get("prefixString", [])) + len(args.get("description", []))

    def PrivInvariant(self) -> bool:
        """True; raises AssertionError if the lengths do not match the texts."""
        _check(self.__dict__["prefixLength"] == len(self.__dict__["prefixString"]),
               f"Priv: prefixLength is {self.__dict__['prefixLength']} but the prefix holds "
               f"{len(self.__dict__['prefixString'])} bytes")
        return self._checkItem()


class SourceDescription_chunk(bfrec):
    """An SDES chunk's SSRC/CSRC (RFC 3550, 6.5); its items follow, then padding."""

    fields = field.mkList([("SSRC_CSRC", 32, None)])

    def SourceDescription_chunkInvariant(self) -> bool:
        """True (the chunk's padding to 32 bits is up to whoever adds the items)."""
        return True


class SourceDescription(RTCPHeader):
    """The SDES header (RFC 3550, 6.5); its chunks follow."""

    PACKET_TYPE = 202
    fields = field.mkList([("version", 2, None),
                           ("padding", 1, None),
                           ("sourceCount", 5, None),
                           ("packetType", 8, None),
                           ("length", 16, None)])

    def SourceDescriptionInvariant(self) -> bool:
        """True; raises AssertionError if packetType is not 202 (SDES)."""
        self._checkType()
        return True


class ByePacket(RTCPHeader):
    """BYE (RFC 3550, 6.6): the sources leaving, and an optional reason."""

    PACKET_TYPE = 203
    fields = field.mkList([("version", 2, None),
                           ("padding", 1, None),
                           ("sourceCount", 5, None),
                           ("packetType", 8, None),
                           ("length", 16, None),
                           ("SSRC_CSRC", 32, list),
                           ("reasonLength", 8, None),
                           ("reasonString", 8, list)])

    def ByePacketInvariant(self) -> bool:
        """True; raises AssertionError if the type, counts or length are wrong."""
        self._checkType()
        values = self.__dict__
        _check(values["sourceCount"] == len(values["SSRC_CSRC"]),
               f"ByePacket: sourceCount is {values['sourceCount']} but "
               f"{len(values['SSRC_CSRC'])} sources are listed")
        _check(values["reasonLength"] == len(values["reasonString"]),
               f"ByePacket: reasonLength is {values['reasonLength']} but the reason holds "
               f"{len(values['reasonString'])} bytes")
        _check(self.structureSize() % 32 == 0 and values["length"] == self._words(),
               f"ByePacket: length must be the size in 32-bit words minus one "
               f"({self.structureSize() / 32 - 1:g}), not {values['length']}")
        return True


class AppPacket(RTCPHeader):
    """APP (RFC 3550, 6.7): an application-defined packet with a 4-character name."""

    PACKET_TYPE = 204
    fields = field.mkList([("version", 2, None),
                           ("padding", 1, None),
                           ("subtype", 5, None),
                           ("packetType", 8, None),
                           ("length", 16, None),
                           ("SSRC_CSRC", 32, None),
                           ("name", 8, list),
                           ("appData", 32, list)])

    def AppPacketInvariant(self) -> bool:
        """True; raises AssertionError if the type, name or length are wrong."""
        self._checkType()
        values = self.__dict__
        _check(len(values["name"]) == 4,
               f"AppPacket: name must be 4 bytes, not {len(values['name'])}")
        _check(values["length"] == self._words(),
               f"AppPacket: length must be the size in 32-bit words minus one "
               f"({self._words()}), not {values['length']}")
        return True
