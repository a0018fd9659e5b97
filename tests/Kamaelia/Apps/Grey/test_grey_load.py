"""Load, bounded and on loopback: 500 SMTP sessions at once through Grey to a real
aiosmtpd server; every message Grey accepted arrives exactly once, and none
that it deferred."""

from __future__ import annotations

import re
import selectors
import socket
import time
from pathlib import Path

from Kamaelia._logthrottle import forgetAll

from greytools import IO_TIMEOUT, GreyRig
from nettools import raiseFileLimit

SESSIONS = 500
#: Every fifth session writes to a recipient that is greylisted (deferred).
GREYLISTED_EVERY = 5
_REPLY_END = re.compile(rb"(?:^|\n)(\d{3}) [^\n]*\n")


class _Session:
    """One client's conversation, step by step: send a command, wait for its reply."""

    def __init__(self, number: int) -> None:
        self.number = number
        deferred = number % GREYLISTED_EVERY == 0
        self.recipient = (f"stranger{number}@grey.example.net" if deferred
                          else f"user{number}@pass.example.org")
        self.expectDeferral = deferred
        body = (f"Subject: message {number}\r\nMessage-ID: <{number}@load.test>\r\n\r\n"
                f".line {number}\r\n" + "x" * (number % 700) + "\r\n").encode()
        self.steps: list[tuple[bytes, int]] = [
            (b"", 220), (b"EHLO load.example.net\r\n", 250),
            (b"MAIL FROM:<load@example.net>\r\n", 250),
            (f"RCPT TO:<{self.recipient}>\r\n".encode(), 451 if deferred else 250)]
        if not deferred:
            self.steps += [(b"DATA\r\n", 354),
                           (body.replace(b"\r\n.", b"\r\n..") + b".\r\n", 250)]
        self.steps.append((b"QUIT\r\n", 221))
        self.buffer = b""
        self.codes: list[int] = []
        self.done = False

    def replyIn(self) -> int | None:
        """The code of the whole reply at the start of the buffer (then taken off)."""
        match = _REPLY_END.search(self.buffer)
        if match is None:
            return None
        self.buffer = self.buffer[match.end():]
        return int(match.group(1))


def test_five_hundred_concurrent_sessions_deliver_each_accepted_message_once(
        tmp_path: Path) -> None:
    forgetAll(report=False)
    raiseFileLimit(4 * SESSIONS + 200)       # clients, proxy both ways, upstream
    # Recipients at pass.example.org are whitelisted; those at grey.example.net
    # are new triplets, so deferred.
    with GreyRig(tmp_path, whitelist_recipients=["pass.example.org"]) as rig:
        sessions = [_Session(n) for n in range(SESSIONS)]
        selector = selectors.DefaultSelector()
        for session in sessions:
            sock = socket.socket()
            sock.setblocking(False)
            sock.connect_ex(("127.0.0.1", rig.port))
            selector.register(sock, selectors.EVENT_READ, session)
        open_ = SESSIONS
        deadline = time.monotonic() + 6 * IO_TIMEOUT
        try:
            while open_:
                if time.monotonic() > deadline:
                    unfinished = [s.codes for s in sessions if not s.done]
                    raise AssertionError(f"{open_} sessions unfinished, e.g. {unfinished[:3]}")
                for key, _ in selector.select(timeout=1.0):
                    sock, session = key.fileobj, key.data
                    try:
                        chunk = sock.recv(65536)
                    except ConnectionResetError:
                        chunk = b""
                    session.buffer += chunk
                    while (code := session.replyIn()) is not None:
                        session.codes.append(code)
                        step = len(session.codes)
                        if step < len(session.steps):
                            sock.sendall(session.steps[step][0])
                    if not chunk or len(session.codes) == len(session.steps):
                        session.done = True
                        selector.unregister(sock)
                        sock.close()
                        open_ -= 1
        finally:
            for key in list(selector.get_map().values()):
                key.fileobj.close()
            selector.close()
        for session in sessions:
            assert session.codes == [code for _, code in session.steps], \
                (session.number, session.codes)
        accepted = [s for s in sessions if not s.expectDeferral]
        received = rig.upstream.waitFor(len(accepted))
        ids = sorted(int(re.search(rb"Message-ID: <(\d+)@", m.content).group(1))
                     for m in received)
        assert ids == sorted(s.number for s in accepted)        # each exactly once
        for message in received:
            number = int(re.search(rb"<(\d+)@", message.content).group(1))
            assert message.content.endswith(b"x" * (number % 700) + b"\r\n")
            assert f".line {number}\r\n".encode() in message.content
