"""Kamaelia.Protocol.SMTP._lines: line framing shared by the SMTP server and client (private).

Used by :mod:`Kamaelia.Protocol.SMTP.server` and
:mod:`Kamaelia.Protocol.SMTP.client`; tested with byte strings.

Rules kept here
---------------
1. **A line ends at LF.** CRLF is the standard ending; a bare LF is
   tolerated (many scripts send it) and one CR before the LF is not part
   of the line. A CR anywhere else is an ordinary byte of the line.
2. **Lengths are counted as on the wire with CRLF** (RFC 5321 4.5.3.1):
   a line of a given ``limit`` holds at most ``limit - 2`` bytes before its
   ending, whatever ending it came with.
3. **Nothing past a limit is kept.** When the bytes of a line that has not
   ended reach the limit it can no longer be a good line: they are thrown
   away as they arrive, and the line is reported as too long when its LF
   comes. So memory is bounded by the limit plus what one ``feed`` brings.
4. **Message text (DATA)** is read in blocks of whole lines, from a line
   start, up to the final dot (a line holding only ``.``): each line is
   dot-unstuffed (a leading ``.`` removed, RFC 5321 4.5.2) and ends in
   CRLF. The final dot and what follows it stay in the buffer as commands.
5. **Dot-stuffing when sending** doubles a ``.`` at the start of every line,
   however the chunks cut the lines, and writes every line ending (CRLF,
   bare LF or bare CR) as CRLF, so the receiver cannot read an end of data
   where the sender meant none ("SMTP smuggling").
"""

from __future__ import annotations

__all__ = ["LineBuffer", "DataDecoder", "DotStuffer", "unstuffLines", "TOO_LONG", "NEED_DATA",
           "PAUSED", "Sentinel", "COMMAND_LINE_LIMIT", "REPLY_LINE_LIMIT", "TEXT_LINE_LIMIT"]

#: RFC 5321 4.5.3.1.4: a command line, CRLF included.
COMMAND_LINE_LIMIT = 512
#: RFC 5321 4.5.3.1.5: a reply line, CRLF included.
REPLY_LINE_LIMIT = 512
#: RFC 5321 4.5.3.1.6: a line of message text, CRLF included.
TEXT_LINE_LIMIT = 1000


class Sentinel:
    """A named marker (the type of :data:`NEED_DATA` and :data:`PAUSED`)."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


#: ``nextEvent``/``nextReply``: nothing more until more bytes arrive.
NEED_DATA = Sentinel("NEED_DATA")
#: ``SMTPServerSession.nextEvent``: nothing more until the decision is answered.
PAUSED = Sentinel("PAUSED")


class _TooLong:
    __slots__ = ()

    def __repr__(self) -> str:
        return "TOO_LONG"


#: :meth:`LineBuffer.readLine`: a line longer than the limit was read (and dropped).
TOO_LONG = _TooLong()


class LineBuffer:
    """The bytes received and not yet used, read back a line at a time."""

    __slots__ = ("buffer", "_skipping")

    def __init__(self) -> None:
        # A bytearray: deleting from its front is cheap in CPython, so a
        # packet of many pipelined commands is read in linear time.
        self.buffer = bytearray()
        self._skipping = False

    def feed(self, data: bytes | bytearray | memoryview) -> None:
        self.buffer += data

    def __len__(self) -> int:
        return len(self.buffer)

    def clear(self) -> None:
        self.buffer.clear()
        self._skipping = False

    def readLine(self, limit: int) -> bytes | _TooLong | None:
        """The next line without its ending, :data:`TOO_LONG`, or ``None``
        when no whole line is here yet."""
        buf = self.buffer
        end = buf.find(b"\n")
        if end < 0:
            if len(buf) >= limit:        # rule 3: cannot fit any more
                self._skipping = True
                buf.clear()
            return None
        line = bytes(buf[:end])
        del buf[:end + 1]
        if self._skipping:
            self._skipping = False
            return TOO_LONG
        if line[-1:] == b"\r":
            line = line[:-1]
        if len(line) > limit - 2:
            return TOO_LONG
        return line


def unstuffLines(block: bytes) -> tuple[bytes, bool]:
    """``block`` (whole lines, from a line start) dot-unstuffed with CRLF
    endings, and whether a line over :data:`TEXT_LINE_LIMIT` was dropped."""
    lines = block.split(b"\n")
    lines.pop()                          # block ends with LF: the last is empty
    # The common case, text already in CRLF form with no line starting with
    # a dot and none too long, is the block itself.
    if (not block.startswith(b".") and b"\n." not in block
            and block.count(b"\r\n") == len(lines)
            and max(map(len, lines), default=0) <= TEXT_LINE_LIMIT - 1):
        return block, False
    tooLong = False
    out = []
    for line in lines:
        if line[-1:] == b"\r":
            line = line[:-1]
        if len(line) > TEXT_LINE_LIMIT - 2:
            tooLong = True
            continue
        if line[:1] == b".":
            line = line[1:]
        out.append(line)
    if not out:
        return b"", tooLong
    out.append(b"")
    return b"\r\n".join(out), tooLong


class DataDecoder:
    """The message text of one DATA command, read from a :class:`LineBuffer`.

    :meth:`step` gives ``(text, ended)``: the next piece of text (dot-unstuffed,
    CRLF line ends; may be empty) and whether the final dot was reached, or
    ``None`` when more bytes are needed. :attr:`tooLong` becomes true (and
    stays so) once a line over the limit was met; that line is dropped.
    """

    __slots__ = ("_lines", "_skipping", "tooLong")

    def __init__(self, lines: LineBuffer) -> None:
        self._lines = lines
        self._skipping = False
        self.tooLong = False

    def step(self) -> tuple[bytes, bool] | None:
        buf = self._lines.buffer
        progressed = False
        if self._skipping:               # the rest of a line already too long
            end = buf.find(b"\n")
            if end < 0:
                buf.clear()
                return None
            del buf[:end + 1]
            self._skipping = False
            progressed = True
        last = buf.rfind(b"\n")
        if last < 0:
            if self._tailTooLong():
                return b"", False
            return (b"", False) if progressed else None
        end = last + 1
        # The final dot: at the start of the buffer (always a line start) or
        # after any LF, followed by CRLF or a bare LF; the first one counts.
        if buf.startswith(b".\r\n"):
            contentEnd, consumed = 0, 3
        elif buf.startswith(b".\n"):
            contentEnd, consumed = 0, 2
        else:
            crlf = buf.find(b"\n.\r\n", 0, end)
            lf = buf.find(b"\n.\n", 0, end)
            if lf >= 0 and (crlf < 0 or lf < crlf):
                contentEnd, consumed = lf + 1, lf + 3
            elif crlf >= 0:
                contentEnd, consumed = crlf + 1, crlf + 4
            else:
                contentEnd = consumed = -1
        if consumed >= 0:
            block = bytes(buf[:contentEnd])
            del buf[:consumed]
            text, tooLong = unstuffLines(block) if block else (b"", False)
            self.tooLong = self.tooLong or tooLong
            return text, True
        block = bytes(buf[:end])
        del buf[:end]
        text, tooLong = unstuffLines(block)
        self.tooLong = self.tooLong or tooLong
        self._tailTooLong()
        return text, False

    def _tailTooLong(self) -> bool:
        """Rule 3 for text: drop a partial line that can no longer fit."""
        buf = self._lines.buffer
        if len(buf) >= TEXT_LINE_LIMIT:
            self.tooLong = True
            self._skipping = True
            buf.clear()
            return True
        return False


class DotStuffer:
    """Message text to DATA's wire form, one chunk at a time (rule 5).

    ``encode(chunk)`` may be given chunks cut anywhere, even between a CR
    and its LF; ``end()`` gives the final dot (after a CRLF when the text
    did not end with one) and makes the stuffer ready for another message.
    """

    __slots__ = ("_lineStart", "_afterCR")

    def __init__(self) -> None:
        self._lineStart = True
        self._afterCR = False            # the last chunk ended with a CR, written as CRLF

    def encode(self, chunk: bytes | bytearray | memoryview) -> bytes:
        data = bytes(chunk)
        if self._afterCR and data[:1] == b"\n":
            data = data[1:]              # the LF of a CRLF cut in two
        if not data:
            return b""
        self._afterCR = data[-1:] == b"\r"
        if b"\r" in data:
            data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        data = data.replace(b"\n", b"\r\n").replace(b"\n.", b"\n..")
        if self._lineStart and data[:1] == b".":
            data = b"." + data
        self._lineStart = data[-1:] == b"\n"
        return data

    def end(self) -> bytes:
        wire = b".\r\n" if self._lineStart else b"\r\n.\r\n"
        self._lineStart, self._afterCR = True, False
        return wire
