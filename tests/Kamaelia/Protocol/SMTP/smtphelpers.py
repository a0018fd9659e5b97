"""Helpers for the SMTP codec tests: drive a server session with byte strings."""

from __future__ import annotations

import re
from typing import Any, Callable

from Kamaelia.Protocol.SMTP.server import (NEED_DATA, PAUSED, DataStart, Decision, Event,
                                           MessageData, SMTPServerSession)

Answer = Callable[[Decision], tuple[Any, ...]]   # (code, text) or (code, text, enhanced)

REPLY_LINE = re.compile(rb"[2-5][0-9][0-9][ -][\x20-\x7e]*\r\n|[2-5][0-9][0-9]\r\n")


def accept(decision: Decision) -> tuple[int, str]:
    """Say yes to everything: 354 to DATA, 250 to the rest."""
    return (354, "Go ahead") if isinstance(decision, DataStart) else (250, "OK")


def drain(session: SMTPServerSession, answer: Answer | None = accept) -> list[Event]:
    """Every event until NEED_DATA, each decision answered by ``answer``
    (``None``: stop at the first PAUSED)."""
    events: list[Event] = []
    for _ in range(1_000_000):
        event = session.nextEvent()
        if event is NEED_DATA:
            return events
        if event is PAUSED:
            assert session.pending is not None
            if answer is None:
                return events
            session.answer(*answer(session.pending))
            continue
        assert isinstance(event, Event)
        events.append(event)
    raise AssertionError("nextEvent never said NEED_DATA")


def converse(session: SMTPServerSession, *packets: bytes,
             answer: Answer | None = accept) -> tuple[list[Event], bytes]:
    """Give each packet in turn, taking the events after each; the events
    and all the output."""
    events: list[Event] = []
    output = b""
    for packet in packets:
        session.receive(packet)
        events += drain(session, answer)
        output += session.output()
    return events, output


def replyLines(output: bytes) -> list[str]:
    """The output as reply lines, each checked to be a well-formed reply line."""
    lines = output.split(b"\r\n")
    assert lines.pop() == b""
    for line in lines:
        assert REPLY_LINE.fullmatch(line + b"\r\n"), line
        assert len(line) + 2 <= 512
    return [line.decode("ascii") for line in lines]


def merged(events: list[Event]) -> list[Event]:
    """Consecutive MessageData joined (how a message was cut is not an event)."""
    out: list[Event] = []
    for event in events:
        if isinstance(event, MessageData) and out and isinstance(out[-1], MessageData):
            out[-1] = MessageData(out[-1].chunk + event.chunk)
        else:
            out.append(event)
    return out


def text(events: list[Event]) -> bytes:
    """All the message text the events carried."""
    return b"".join(event.chunk for event in events if isinstance(event, MessageData))


def greeted(**options: object) -> SMTPServerSession:
    """A session that has had ``EHLO client.example`` (its output taken)."""
    session = SMTPServerSession(hostname="mx.example.org", software="Kamaelia-Grey",
                                **options)  # type: ignore[arg-type]
    converse(session, b"EHLO client.example\r\n")
    return session
