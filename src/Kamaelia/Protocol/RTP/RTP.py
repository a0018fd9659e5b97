"""RTP: RTP packets (RFC 3550) made from, and read back into, dictionaries.

Example Usage
-------------
Frame two payloads and read them back::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Protocol.RTP.RTP import RTPFramer, RTPDeframer
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.PureTransformer import PureTransformer
    from Kamaelia.Util.Console import ConsoleEchoer

    Pipeline(
        DataSource([{"payloadtype": 33, "payload": b"first", "timestamp": 0, "ssrc": 7},
                    {"payloadtype": 33, "payload": b"second", "timestamp": 3000, "ssrc": 7,
                     "marker": True}]),
        RTPFramer(seqnum=100, timestamp_offset=0),
        RTPDeframer(),
        PureTransformer(lambda p: f"{p[0]} {p[1]['payload']!r} {p[1]['marker']}\\n"),
        ConsoleEchoer(),
    ).run()                   # prints 100 b'first' False, then 101 b'second' True

How does it work?
-----------------
``RTPFramer()`` takes dictionaries on ``"inbox"`` and sends each as an RTP
packet (``bytes``) out of ``"outbox"``. The dictionary holds:

==================  =============================================================
key                 value
==================  =============================================================
``payloadtype``     the payload type, 0 to 127 (required)
``payload``         the payload, bytes (required)
``timestamp``       the media timestamp, a number (required; made an int)
``ssrc``            the synchronisation source, 32 bits (required)
``csrcs``           contributing sources, a list of at most 15 (default ``[]``)
``bytespadding``    bytes of padding to add, 0 to 255 (default 0)
``extension``       ``(profile, data)``: 2 bytes and data whose length is a
                    multiple of 4 (default none)
``marker``          True to set the marker bit (default False)
==================  =============================================================

As RFC 3550 asks, the sequence numbers start at a random value and go up by
one per packet (wrapping at 2**16), and a random offset is added to every
timestamp (modulo 2**32); ``RTPFramer(seqnum=..., timestamp_offset=...)``
fixes them instead (for tests, or to carry on a stream). A dictionary that
cannot be framed is logged as an error (logger ``Kamaelia.Protocol.RTP.RTP``,
naming the component and the reason) and skipped.

``RTPDeframer()`` takes RTP packets on ``"inbox"`` and sends, for each,
``(sequence number, dictionary)`` with the keys ``payloadtype``,
``payload``, ``timestamp``, ``ssrc``, ``csrcs`` (a list), ``extension``
(``(profile, data)`` or None) and ``marker`` (a bool); padding is
removed. :meth:`RTPDeframer.parsePacket` does the reading: it returns None
for what is not an RTP version 2 packet -- too short, or a CSRC list,
extension or padding running past its end -- and such packets are dropped
with a warning.

Both components' ``main`` call the 1.14 methods a subclass may override:
``constructPacket(content)``, ``parsePacket(packet)`` and ``shutdown()``.

Shutdown: every message arriving on ``"control"`` is passed on out of
``"signal"`` (as in 1.14); a ``producerFinished`` or
``shutdownMicroprocess`` also ends the component, after it has handled
what was waiting on ``"inbox"``.

What it does not do: it does not understand payload formats (RFC 3551
profiles), RTCP, or header extensions beyond carrying them.
"""

from __future__ import annotations

import logging
import secrets
import struct
from typing import Any, Iterator

from Axon.Component import component
from Kamaelia._shutdown import isShutdown
from Kamaelia.Util._stream import shortRepr

__all__ = ["RTPFramer", "RTPDeframer"]

log = logging.getLogger(__name__)

_FIXED = struct.Struct(">BBHII")      # the fixed 12-byte header


def _int(content: dict[str, Any], key: str, low: int, high: int, default: Any = None) -> int:
    value = content.get(key, default)
    if value is None:
        raise ValueError(f"an RTP packet needs {key!r}")
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"{key} must be an int from {low} to {high}, not {value!r}")
    return value


def _bytes(value: Any, what: str) -> bytes:
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    raise ValueError(f"{what} must be bytes, not {shortRepr(value)}")


class _RTPComponent(component):
    """What the framer and deframer share: 1.14's loop and its shutdown()."""

    def shutdown(self) -> bool:
        """Pass every control message on out of "signal"; True once one asked to end."""
        while self.dataReady("control"):
            message = self.recv("control")
            self.send(message, "signal")
            if isShutdown(message):
                return True
        return False

    def handle(self, message: Any) -> Any:
        raise NotImplementedError

    def main(self) -> Iterator[Any]:
        while True:
            self._handleWaiting()
            if self.shutdown():
                # What arrived with the shutdown message is handled, then it ends.
                self._handleWaiting()
                return
            if not self.anyReady():
                self.pause()
            yield 1

    def _handleWaiting(self) -> None:
        # A method of its own, so that main holds no packet while it waits.
        for message in self.Inbox("inbox"):
            result = self.handle(message)
            if result is not None:
                self.send(result, "outbox")


class RTPFramer(_RTPComponent):
    """RTPFramer(seqnum=None, timestamp_offset=None) -> makes RTP packets from dictionaries

    - seqnum           -- the first sequence number (default: random)
    - timestamp_offset -- added to every timestamp (default: random)
    """

    Inboxes = {"inbox": "dicts describing packets (payloadtype, payload, timestamp, ssrc, ...)",
               "control": "shutdown signalling"}
    Outboxes = {"outbox": "RTP packets (bytes)", "signal": "shutdown signalling"}

    def __init__(self, seqnum: int | None = None, timestamp_offset: int | None = None,
                 **argd: Any) -> None:
        super().__init__(**argd)
        self.seqnum = (secrets.randbelow(1 << 16) if seqnum is None else
                       _int({"seqnum": seqnum}, "seqnum", 0, 0xFFFF))
        self.timestamp_offset = (secrets.randbits(32) if timestamp_offset is None else
                                 _int({"timestamp_offset": timestamp_offset},
                                      "timestamp_offset", 0, 0xFFFFFFFF))

    def handle(self, message: Any) -> bytes | None:
        try:
            return self.constructPacket(message)
        except (ValueError, TypeError) as exc:
            log.error("%s cannot frame %s (%s); skipped", self.name, shortRepr(message), exc)
            return None

    def constructPacket(self, content: dict[str, Any]) -> bytes:
        """The RTP packet ``content`` describes (see the module docstring); the
        sequence number goes up by one. Raises ValueError for a bad content."""
        if not isinstance(content, dict):
            raise ValueError(f"a packet is described by a dict, not {shortRepr(content)}")
        padding = _int(content, "bytespadding", 0, 255, 0)
        csrcs = content.get("csrcs", []) or []
        if not isinstance(csrcs, (list, tuple)) or len(csrcs) > 15:
            raise ValueError(f"csrcs must be a list of at most 15 ids, not {shortRepr(csrcs)}")
        payloadtype = _int(content, "payloadtype", 0, 127)
        if "ssrc" not in content or "timestamp" not in content:
            raise ValueError("an RTP packet needs 'ssrc' and 'timestamp'")
        ssrc = content["ssrc"]
        timestamp = content["timestamp"]
        if isinstance(ssrc, bool) or not isinstance(ssrc, int):
            raise ValueError(f"ssrc must be an int, not {ssrc!r}")
        if isinstance(timestamp, bool) or not isinstance(timestamp, (int, float)):
            raise ValueError(f"timestamp must be a number, not {timestamp!r}")
        payload = _bytes(content.get("payload"), "payload")
        extension = content.get("extension")

        first = 0x80 | (0x20 if padding else 0) | (0x10 if extension else 0) | len(csrcs)
        second = payloadtype | (0x80 if content.get("marker") else 0)
        parts = [_FIXED.pack(first, second, self.seqnum,
                             (int(timestamp) + self.timestamp_offset) & 0xFFFFFFFF,
                             ssrc & 0xFFFFFFFF)]
        for csrc in csrcs:
            if isinstance(csrc, bool) or not isinstance(csrc, int):
                raise ValueError(f"each csrc must be an int, not {csrc!r}")
            parts.append(struct.pack(">I", csrc & 0xFFFFFFFF))
        if extension:
            try:
                profile, data = extension
            except (TypeError, ValueError):
                raise ValueError(f"extension must be (profile, data), not "
                                 f"{shortRepr(extension)}") from None
            profile, data = _bytes(profile, "the extension's profile"), _bytes(data, "its data")
            if len(profile) != 2 or len(data) % 4 or len(data) > 4 * 0xFFFF:
                raise ValueError(f"an extension is 2 bytes of profile and data in 32-bit "
                                 f"words, not {profile!r} and {len(data)} bytes")
            parts.append(profile + struct.pack(">H", len(data) // 4) + data)
        parts.append(payload)
        if padding:
            # RFC 3550 5.1: the last byte of the padding counts the padding.
            parts.append(bytes(padding - 1) + bytes([padding]))
        self.seqnum = (self.seqnum + 1) & 0xFFFF
        return b"".join(parts)


class RTPDeframer(_RTPComponent):
    """RTPDeframer() -> reads RTP packets into (sequence number, dict) pairs"""

    Inboxes = {"inbox": "RTP packets (bytes)", "control": "shutdown signalling"}
    Outboxes = {"outbox": "(seqnum, dict) pairs", "signal": "shutdown signalling"}

    def handle(self, message: Any) -> tuple[int, dict[str, Any]] | None:
        parsed = self.parsePacket(message)
        if parsed is None:
            log.warning("%s dropped what is not an RTP packet: %s", self.name,
                        shortRepr(message))
        return parsed

    def parsePacket(self, packet: Any) -> tuple[int, dict[str, Any]] | None:
        """``(seqnum, fields)`` for an RTP version 2 packet, else None."""
        if not isinstance(packet, (bytes, bytearray, memoryview)):
            return None
        packet = bytes(packet)
        if len(packet) < _FIXED.size:
            return None
        first, second, seqnum, timestamp, ssrc = _FIXED.unpack_from(packet)
        if first >> 6 != 2:
            return None
        at = _FIXED.size
        count = first & 0x0F
        if len(packet) < at + 4 * count:
            return None
        csrcs = list(struct.unpack_from(f">{count}I", packet, at))
        at += 4 * count
        extension = None
        if first & 0x10:
            if len(packet) < at + 4:
                return None
            profile, words = struct.unpack_from(">2sH", packet, at)
            end = at + 4 + 4 * words
            if len(packet) < end:
                return None
            extension = (profile, packet[at + 4:end])
            at = end
        end = len(packet)
        if first & 0x20:
            amount = packet[-1]
            if amount == 0 or amount > end - at:
                return None
            end -= amount
        return (seqnum, {"payloadtype": second & 0x7F,
                         "payload": packet[at:end],
                         "timestamp": timestamp,
                         "ssrc": ssrc,
                         "extension": extension,
                         "csrcs": csrcs,
                         "marker": bool(second & 0x80)})


__kamaelia_components__ = (RTPFramer, RTPDeframer)
