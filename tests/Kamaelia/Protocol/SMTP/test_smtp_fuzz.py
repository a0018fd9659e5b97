"""Fuzz both SMTP codecs: random and mutated input never raises anything but the
documented error, never hangs, never breaks the reply framing, and reads the
same however the bytes are cut."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings, strategies as st

from Kamaelia.Protocol.SMTP._lines import unstuffLines
from Kamaelia.Protocol.SMTP.client import NEED_DATA, Reply, SMTPClientSession, SMTPReplyError
from Kamaelia.Protocol.SMTP.server import (PAUSED, DataStart, Decision, Event, MessageData,
                                           MessageEnd, ProtocolError, SMTPServerSession)

from smtphelpers import replyLines

FUZZ = settings(max_examples=150, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow])

SCRIPT = [b"EHLO client.example\r\n", b"HELO c\r\n", b"MAIL FROM:<a@b.example>\r\n",
          b"MAIL FROM:<> SIZE=50 BODY=8BITMIME\r\n", b"MAIL FROM:<j\xc3\xb6rg@b.example> SMTPUTF8\r\n",
          b"RCPT TO:<c@d.example>\r\n", b"RCPT TO:<postmaster>\r\n", b"DATA\r\n",
          b"Subject: x\r\n\r\n", b"..dotted\r\n", b"caf\xc3\xa9\r\n", b"bare lf\n", b".\r\n",
          b".\n", b"RSET\r\n", b"NOOP\r\n", b"VRFY x\r\n", b"HELP\r\n", b"STARTTLS\r\n",
          b"QUIT\r\n", b"\r\n", b"y" * 600 + b"\r\n", b"z" * 1100 + b"\r\n", b"GET / HTTP/1.1\r\n"]


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(b"".join(draw(st.lists(st.sampled_from(SCRIPT), min_size=1, max_size=12))))
    for _ in range(draw(st.integers(0, 4))):
        at = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["flip", "cut", "insert"]))
        if action == "flip" and at < len(data):
            data[at] = draw(st.integers(0, 255))
        elif action == "cut":
            del data[at:at + draw(st.integers(1, 8))]
        else:
            data[at:at] = draw(st.binary(max_size=8))
    return bytes(data)


MAILS = [b"MAIL FROM:<a@b.example>\r\n", b"MAIL FROM:<> SIZE=50 BODY=8BITMIME\r\n",
         b"MAIL FROM:<j\xc3\xb6rg@b.example> SMTPUTF8\r\n", b"mail from:<x@y.example> SIZE=5000\r\n",
         b"MAIL FROM:<a@b.example> BODY=7BIT\n"]
RCPTS = [b"RCPT TO:<c@d.example>\r\n", b"RCPT TO:<postmaster>\r\n",
         b"RCPT TO:<\xd0\xb4@d.example>\r\n", b"RCPT TO:<e@f.example> NOTIFY=NEVER\r\n"]
TEXT = [b"Subject: x\r\n", b"\r\n", b"..dotted\r\n", b".\r\r\n", b"caf\xc3\xa9\r\n",
        b"bare lf\n", b"a" * 60 + b"\r\n", b"b" * 998 + b"\r\n", b"c" * 999 + b"\r\n",
        b"\r\n..\r\n", b"x.\r\n"]
OTHERS = [b"RSET\r\n", b"NOOP\r\n", b"VRFY x\r\n", b"EHLO again\r\n", b"DATA\r\n",
          b"BOGUS\r\n", b"y" * 600 + b"\r\n"]


@st.composite
def conversation(draw: st.DrawFn) -> bytes:
    """A plausible session (then maybe mutated): the transactions get far."""
    parts = [draw(st.sampled_from([b"EHLO client.example\r\n", b"HELO c\r\n", b"EHLO c\n"]))]
    for _ in range(draw(st.integers(0, 3))):
        parts.append(draw(st.sampled_from(MAILS)))
        parts += draw(st.lists(st.sampled_from(RCPTS), min_size=1, max_size=5))
        parts.append(b"DATA\r\n")
        parts += draw(st.lists(st.sampled_from(TEXT), max_size=8))
        parts.append(draw(st.sampled_from([b".\r\n", b".\n"])))
        parts += draw(st.lists(st.sampled_from(OTHERS), max_size=2))
    parts.append(draw(st.sampled_from([b"QUIT\r\n", b"", b"STARTTLS\r\nEHLO c\r\n"])))
    data = bytearray(b"".join(parts))
    for _ in range(draw(st.sampled_from([0, 0, 1, 2]))):
        at = draw(st.integers(0, len(data)))
        data[at:at + draw(st.integers(0, 3))] = draw(st.binary(max_size=4))
    return bytes(data)


STREAMS = st.one_of(conversation(), conversation(), conversation(), mutated(),
                    st.binary(max_size=300))
CUTS = st.lists(st.floats(0, 1), max_size=8)        # where to cut, as parts of the length
ANSWERS = st.lists(st.sampled_from([0, 0, 0, 0, 1, 2, 3, 4, 5]), min_size=1, max_size=10)


def pieces(data: bytes, cuts: list[float]) -> list[bytes]:
    points = sorted({int(c * len(data)) for c in cuts} - {0, len(data)})
    return [data[a:b] for a, b in zip([0] + points, points + [len(data)])]


def answerFor(decision: Decision, choice: int) -> tuple[int, str, str | None]:
    if isinstance(decision, DataStart):
        return [(354, "go", None), (354, "go", None), (451, "later", "4.3.0"),
                (554, "no", None), (354, "go", None), (421, "bye", None)][choice]
    return [(250, "ok", None), (250, "ok", None), (451, "later\nmore", "4.7.1"),
            (550, "no", None), (250, "2.1.0 ok", None), (421, "bye", None)][choice]


def run(data: bytes, cuts: list[float], answers: list[int]) -> tuple[list[Event], bytes]:
    """Feed ``data`` in pieces then the end of the input; check the invariants
    on the way; the events (refused messages' text left out) and the output."""
    session = SMTPServerSession(hostname="mx", maxMessageSize=1500, maxRecipients=3,
                                maxErrors=6, startTLS=True)
    events: list[Event] = []
    output = session.greeting()
    decided = 0
    for packet in pieces(data, cuts) + [b""]:
        session.receive(packet)
        for _ in range(10_000):
            event = session.nextEvent()
            if event is NEED_DATA:
                break
            if event is PAUSED:
                assert session.pending is not None
                session.answer(*answerFor(session.pending, answers[decided % len(answers)]))
                decided += 1
                continue
            assert isinstance(event, Event)
            if isinstance(event, MessageData):
                assert event.chunk
            events.append(event)
        else:
            raise AssertionError("nextEvent did not come to NEED_DATA")
        output += session.output()
        assert session.buffered <= len(packet) + 1000
    assert session.closed or session.state == "starttls"
    replyLines(output)                       # every line a good reply line, <= 512 bytes
    return kept(events), output


def kept(events: list[Event]) -> list[Event]:
    """Each accepted message's text as one MessageData; refused messages' text
    (given before the session found the fault) left out."""
    out: list[Event] = []
    text = b""
    for event in events:
        if isinstance(event, MessageData):
            text += event.chunk
            continue
        if isinstance(event, MessageEnd):
            assert event.size == len(text) <= 1500
            if text:
                out.append(MessageData(text))
        elif text:
            assert isinstance(event, ProtocolError), event
        text = b""
        out.append(event)
    assert not text
    return out


@FUZZ
@given(data=STREAMS, cuts=CUTS, answers=ANSWERS)
def test_the_server_takes_anything_and_reads_it_the_same_however_it_is_cut(
        data: bytes, cuts: list[float], answers: list[int]) -> None:
    assert run(data, cuts, answers) == run(data, [], answers)


@FUZZ
@given(data=STREAMS, answers=ANSWERS)
def test_the_server_read_one_byte_at_a_time(data: bytes, answers: list[int]) -> None:
    assert run(data, [i / len(data) for i in range(len(data))], answers) == \
        run(data, [], answers)


# ------------------------------------------------------------------ client

REPLIES = [b"220 mx ESMTP\r\n", b"250-mx\r\n250-PIPELINING\r\n250 SIZE 10\r\n",
           b"250 2.1.0 ok\r\n", b"451-4.7.1 a\r\n451 4.7.1 b\r\n", b"354 go\r\n", b"250\r\n",
           b"221 bye\n", b"550 " + b"n" * 520 + b"\r\n", b"999 what\r\n", b"250-x\r\n" * 3]


@st.composite
def replyStream(draw: st.DrawFn) -> bytes:
    data = bytearray(b"".join(draw(st.lists(st.sampled_from(REPLIES), min_size=1, max_size=8))))
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(data)))
        if at < len(data) and draw(st.booleans()):
            data[at] = draw(st.integers(0, 255))
        else:
            data[at:at] = draw(st.binary(max_size=6))
    return bytes(data)


def readReplies(data: bytes, cuts: list[float]) -> tuple[list[Reply], str | None]:
    client = SMTPClientSession()
    for _ in range(5):
        client.noop()
    got: list[Reply] = []
    try:
        for packet in pieces(data, cuts) + [b""]:
            client.receive(packet)
            for _ in range(10_000):
                reply = client.nextReply()
                if reply is NEED_DATA:
                    break
                assert isinstance(reply, Reply) and 200 <= reply.code <= 599
                assert 1 <= len(reply.lines) <= 100
                got.append(reply)
            else:
                raise AssertionError("nextReply did not come to NEED_DATA")
    except SMTPReplyError as error:
        return got, str(error)
    return got, None


@FUZZ
@given(data=st.one_of(replyStream(), st.binary(max_size=300)), cuts=CUTS)
def test_the_client_raises_only_reply_errors_and_reads_the_same_however_cut(
        data: bytes, cuts: list[float]) -> None:
    assert readReplies(data, cuts) == readReplies(data, [])


# -------------------------------------------------------------- round trip

LINE = st.one_of(st.sampled_from([b"", b".", b"..", b".x", b"\r", b"x\r", b" .", b"\xff"]),
                 st.binary(max_size=40), st.just(b"w" * 998), st.just(b"w" * 999))


@st.composite
def messages(draw: st.DrawFn) -> bytes:
    lines = draw(st.lists(LINE, max_size=12))
    ends = draw(st.lists(st.sampled_from([b"\r\n", b"\n", b"\r"]), min_size=len(lines),
                         max_size=len(lines)))
    text = b"".join(line + end for line, end in zip(lines, ends))
    return text + draw(st.sampled_from([b"", b"no end", b"."]))


def normalised(text: bytes) -> bytes:
    """What the receiver must get: every line end CRLF, a last one added."""
    text = text.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    if text and not text.endswith(b"\n"):
        text += b"\n"
    return text.replace(b"\n", b"\r\n")


@FUZZ
@given(message=messages(), cuts=CUTS, wireCuts=CUTS)
def test_any_message_crosses_client_to_server_intact(message: bytes, cuts: list[float],
                                                     wireCuts: list[float]) -> None:
    client = SMTPClientSession(tlsActive=True)
    server = SMTPServerSession(maxMessageSize=100_000)
    wire = client.ehlo("c") + client.mail("a@b.example", {"BODY": "8BITMIME"})
    wire += client.rcpt("c@d.example") + client.data()
    wire += b"".join(client.messageChunk(piece) for piece in pieces(message, cuts))
    wire += client.endMessage() + client.quit()
    events: list[Event] = []
    for packet in pieces(wire, wireCuts):
        server.receive(packet)
        while (event := server.nextEvent()) is not NEED_DATA:
            if event is PAUSED:
                server.answer(354 if isinstance(server.pending, DataStart) else 250)
            else:
                assert isinstance(event, Event)
                events.append(event)
    expected = normalised(message)
    if max(map(len, expected.split(b"\r\n"))) <= 998:
        assert b"".join(e.chunk for e in events if isinstance(e, MessageData)) == expected
        assert any(isinstance(e, MessageEnd) for e in events)
    else:
        assert ProtocolError("Line too long (over 1000 bytes)", 500, "5.5.6") in events
    assert server.closed                      # the QUIT after the final dot was read as a command


# ------------------------------------------------- DATA against the rule

def referenceData(wire: bytes) -> tuple[str, bytes, bytes]:
    """RFC 5321 4.5.2 and 4.5.3.1.6 line by line: ``("ended", text, after)``
    (the text and what follows the final dot), ``("too long", b"", after)``
    (a final dot after a line over 1000 bytes) or ``("open", b"", b"")``."""
    lines = wire.split(b"\n")
    text, tooLong = b"", False
    for n, line in enumerate(lines[:-1]):
        line = line[:-1] if line.endswith(b"\r") else line
        if line == b".":
            after = b"\n".join(lines[n + 1:])
            return ("too long", b"", after) if tooLong else ("ended", text, after)
        if len(line) > 998:
            tooLong = True
        else:
            text += (line[1:] if line.startswith(b".") else line) + b"\r\n"
    return "open", b"", b""


@st.composite
def dataStream(draw: st.DrawFn) -> bytes:
    parts = draw(st.lists(st.one_of(st.sampled_from(TEXT + [b".x\n", b"\n", b".\r", b"."]),
                                    st.binary(max_size=12)), max_size=10))
    end = draw(st.sampled_from([b".\r\n", b".\n", b"\r\n.\r\n", b"\n.\n", b""]))
    return b"".join(parts) + end + draw(st.sampled_from([b"", b"NOOP\r\n", b"QUIT\n"]))


@FUZZ
@given(wire=dataStream(), cuts=CUTS, bytewise=st.booleans())
def test_message_text_follows_the_rule_however_it_is_cut(wire: bytes, cuts: list[float],
                                                         bytewise: bool) -> None:
    session = SMTPServerSession(maxMessageSize=100_000)
    for command in (b"EHLO c\r\n", b"MAIL FROM:<a@b.example> BODY=8BITMIME\r\n",
                    b"RCPT TO:<c@d.example>\r\n", b"DATA\r\n"):
        session.receive(command)
        while session.nextEvent() is not NEED_DATA:
            if session.pending is not None:
                session.answer(354 if isinstance(session.pending, DataStart) else 250)
    session.output()
    if bytewise:
        cuts = [i / max(len(wire), 1) for i in range(len(wire))]
    events: list[Event] = []
    for packet in pieces(wire, cuts):
        session.receive(packet)                   # (b"" only when the wire is empty: the end)
        while (event := session.nextEvent()) is not NEED_DATA:
            if event is PAUSED:
                session.answer(250)
            else:
                assert isinstance(event, Event)
                events.append(event)
    outcome, text, after = referenceData(wire)
    got = b"".join(e.chunk for e in events if isinstance(e, MessageData))
    ended = [e for e in events if isinstance(e, (MessageEnd, ProtocolError))]
    if outcome == "ended":
        assert got == text and ended[0] == MessageEnd(len(text))
        assert session.state == "closed" if after.startswith(b"QUIT") else session.state != "data"
    elif outcome == "too long":
        assert ended[0] == ProtocolError("Line too long (over 1000 bytes)", 500, "5.5.6")
        assert session.state == "closed" if after.startswith(b"QUIT") else session.state != "data"
    elif wire:                                    # no final dot: still reading text
        assert ended == [] and session.state == "data" and session.buffered < 1000


# ----------------------------------------------------- the fast text path

def referenceUnstuff(block: bytes) -> tuple[bytes, bool]:
    """RFC 5321 4.5.2 line by line: the specification of unstuffLines."""
    out, tooLong = b"", False
    for line in block.split(b"\n")[:-1]:
        line = line[:-1] if line.endswith(b"\r") else line
        if len(line) > 998:
            tooLong = True
        else:
            out += (line[1:] if line.startswith(b".") else line) + b"\r\n"
    return out, tooLong


@FUZZ
@given(lines=st.lists(st.one_of(LINE, st.binary(min_size=995, max_size=1002)), max_size=8),
       crlf=st.booleans())
def test_the_fast_path_for_text_agrees_with_the_rule(lines: list[bytes], crlf: bool) -> None:
    block = b"".join(re.sub(rb"\n", b"", line) + (b"\r\n" if crlf else b"\n") for line in lines)
    assert unstuffLines(block) == referenceUnstuff(block)
