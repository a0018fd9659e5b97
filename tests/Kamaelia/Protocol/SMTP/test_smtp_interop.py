"""The codecs against real SMTP software over loopback sockets.

The client codec talks to aiosmtpd (a real server, in its own asyncio loop
in a thread); the server codec is talked to by Python's smtplib, behind a
small blocking-socket loop in a thread (test glue, not a server to use).
Both ways, STARTTLS included, with certificates made by trustme.
"""

from __future__ import annotations

import asyncio
import smtplib
import socket
import ssl
import threading
from typing import Any, Callable, Iterator

import pytest
import trustme
from aiosmtpd.smtp import SMTP as AioSMTP

from Kamaelia.Protocol.SMTP import (NEED_DATA, DataStart, Decision, MailFrom, MessageData,
                                    MessageEnd, RcptTo, Reply, SMTPClientSession,
                                    SMTPServerSession, StartTLS)

from smtphelpers import accept

TIMEOUT = 10


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


def serverContext(ca: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    return context


def clientContext(ca: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context()
    ca.configure_trust(context)
    return context


# ------------------------------------------------- aiosmtpd as the server

class Recorder:
    """aiosmtpd's handler: keeps each envelope; refuses recipients at nowhere.example."""

    def __init__(self) -> None:
        self.envelopes: list[Any] = []

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          options: list[str]) -> str:
        if address.endswith("@nowhere.example"):
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.envelopes.append(envelope)
        return "250 2.0.0 Message accepted for delivery"


class Upstream:
    """aiosmtpd listening on 127.0.0.1 (a port the system chose), in a thread."""

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self.recorder = Recorder()
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.tls = tls

    def __enter__(self) -> "Upstream":
        self.thread.start()
        self.server = asyncio.run_coroutine_threadsafe(self._start(), self.loop).result(TIMEOUT)
        self.port = self.server.sockets[0].getsockname()[1]
        return self

    async def _start(self) -> asyncio.base_events.Server:
        return await self.loop.create_server(
            lambda: AioSMTP(self.recorder, hostname="upstream.test", enable_SMTPUTF8=True,
                            tls_context=self.tls, loop=self.loop),
            "127.0.0.1", 0)

    def __exit__(self, *exc: object) -> None:
        async def stop() -> None:
            self.server.close()
            await self.server.wait_closed()
        asyncio.run_coroutine_threadsafe(stop(), self.loop).result(TIMEOUT)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(TIMEOUT)
        self.loop.close()


class Conversation:
    """SMTPClientSession over a blocking socket."""

    def __init__(self, port: int) -> None:
        self.sock: socket.socket | ssl.SSLSocket = socket.create_connection(
            ("127.0.0.1", port), timeout=TIMEOUT)
        self.client = SMTPClientSession()

    def say(self, wire: bytes, replies: int = 1) -> list[Reply]:
        """Send ``wire``; read ``replies`` replies."""
        self.sock.sendall(wire)
        return self.read(replies)

    def read(self, count: int) -> list[Reply]:
        got: list[Reply] = []
        while len(got) < count:
            reply = self.client.nextReply()
            if reply is NEED_DATA:
                data = self.sock.recv(65536)
                self.client.receive(data)
                assert data, f"the server closed after {got}"
            else:
                assert isinstance(reply, Reply)
                got.append(reply)
        return got

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def upstream() -> Iterator[Upstream]:
    with Upstream() as server:
        yield server


MESSAGE = (b"From: alice@example.com\r\nTo: bob@example.org\r\nSubject: dots\r\n\r\n"
           b".leading dot\r\n..two dots\r\n.\r\nend.\r\n\r\n" + b"w" * 998 + b"\r\nlast line\r\n")


def test_the_client_delivers_a_message_to_aiosmtpd_byte_for_byte(upstream: Upstream) -> None:
    talk = Conversation(upstream.port)
    try:
        [greeting] = talk.read(1)
        assert greeting.code == 220 and greeting.command == "greeting"
        [ehlo] = talk.say(talk.client.ehlo("relay.example.com"))
        features = talk.client.capabilities(ehlo)
        assert ehlo.code == 250 and {"SIZE", "8BITMIME", "SMTPUTF8"} <= set(features)
        client = talk.client
        # pipelined: four commands in one write, four replies in order
        replies = talk.say(client.mail("alice@example.com", {"SIZE": str(len(MESSAGE))})
                           + client.rcpt("bob@example.org")
                           + client.rcpt("nobody@nowhere.example") + client.data(), 4)
        assert [(r.command, r.code) for r in replies] == [
            ("MAIL", 250), ("RCPT", 250), ("RCPT", 550), ("DATA", 354)]
        assert replies[2].enhanced == "5.1.1" and replies[2].text == "No such user here"
        wire = b"".join(client.messageChunk(MESSAGE[i:i + 100])
                        for i in range(0, len(MESSAGE), 100))
        [done] = talk.say(wire + client.endMessage())
        assert (done.command, done.code, done.enhanced) == ("END-OF-DATA", 250, "2.0.0")
        [bye] = talk.say(client.quit())
        assert bye.code == 221
    finally:
        talk.close()
    [envelope] = upstream.recorder.envelopes
    assert envelope.original_content == MESSAGE
    assert envelope.mail_from == "alice@example.com"
    assert envelope.rcpt_tos == ["bob@example.org"]


def test_the_client_relays_smtputf8_mail_to_aiosmtpd(upstream: Upstream) -> None:
    body = "Subject: Grüße\r\n\r\nПривет\r\n".encode()
    talk = Conversation(upstream.port)
    client = talk.client
    try:
        talk.read(1)
        talk.say(client.ehlo("relay.example.com"))
        replies = talk.say(client.mail("jörg@bücher.example", {"SMTPUTF8": None,
                                                               "BODY": "8BITMIME"})
                           + client.rcpt("даша@пример.рф") + client.data(), 3)
        assert [r.code for r in replies] == [250, 250, 354]
        [done] = talk.say(client.messageChunk(body) + client.endMessage())
        assert done.code == 250
        talk.say(client.quit())
    finally:
        talk.close()
    [envelope] = upstream.recorder.envelopes
    assert envelope.original_content == body and envelope.smtp_utf8
    assert envelope.mail_from == "jörg@bücher.example"
    assert envelope.rcpt_tos == ["даша@пример.рф"]


def test_the_client_starts_tls_with_aiosmtpd(ca: trustme.CA) -> None:
    with Upstream(tls=serverContext(ca)) as upstream:
        talk = Conversation(upstream.port)
        try:
            talk.read(1)
            [ehlo] = talk.say(talk.client.ehlo("relay.example.com"))
            assert "STARTTLS" in talk.client.capabilities(ehlo)
            [ready] = talk.say(talk.client.startTLS())
            assert (ready.command, ready.code) == ("STARTTLS", 220)
            talk.sock = clientContext(ca).wrap_socket(talk.sock, server_hostname="localhost")
            talk.client = client = SMTPClientSession(tlsActive=True)
            [ehlo] = talk.say(client.ehlo("relay.example.com"))
            assert "STARTTLS" not in client.capabilities(ehlo)
            replies = talk.say(client.mail("a@example.com") + client.rcpt("b@example.org")
                               + client.data(), 3)
            assert [r.code for r in replies] == [250, 250, 354]
            [done] = talk.say(client.messageChunk(b"Subject: secret\r\n\r\nhi\r\n")
                              + client.endMessage())
            assert done.code == 250
            talk.say(client.quit())
        finally:
            talk.close()
        [envelope] = upstream.recorder.envelopes
        assert envelope.original_content == b"Subject: secret\r\n\r\nhi\r\n"


# ------------------------------------------------ smtplib as the client

class Downstream:
    """SMTPServerSession behind a blocking socket, serving connections one at
    a time in a thread; decisions made by ``answer``; what it received is in
    :attr:`messages` and :attr:`events`."""

    def __init__(self, answer: Callable[[Decision], tuple[int, str]] = accept,
                 tls: ssl.SSLContext | None = None, **options: Any) -> None:
        self.answer, self.tls, self.options = answer, tls, options
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(TIMEOUT)
        self.port = self.listener.getsockname()[1]
        self.messages: list[dict[str, Any]] = []
        self.events: list[Any] = []
        self.connections = 0
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self._stopping = False

    def __enter__(self) -> "Downstream":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stopping = True
        socket.create_connection(("127.0.0.1", self.port), timeout=TIMEOUT).close()
        self.thread.join(TIMEOUT)
        self.listener.close()
        assert not self.thread.is_alive()

    def _serve(self) -> None:
        while True:
            conn, _ = self.listener.accept()
            if self._stopping:
                conn.close()
                return
            self.connections += 1
            conn.settimeout(TIMEOUT)
            self._converse(conn).close()

    def _session(self, tlsActive: bool) -> SMTPServerSession:
        return SMTPServerSession(hostname="mx.test", software="test", tlsActive=tlsActive,
                                 startTLS=self.tls is not None, **self.options)

    def _converse(self, conn: socket.socket) -> socket.socket:
        """One connection to its end; the socket it ended on (TLS or not), to close."""
        sock: socket.socket = conn
        session = self._session(False)
        sock.sendall(session.greeting())
        transaction: dict[str, Any] = {"recipients": [], "text": b""}
        while True:
            event = session.nextEvent()
            if event is NEED_DATA:
                sock.sendall(session.output())
                if session.closed:
                    return sock
                session.receive(sock.recv(65536))
                continue
            if session.pending is not None:
                decision = session.pending
                code, text = self.answer(decision)
                if isinstance(decision, MailFrom) and code < 300:
                    transaction = {"sender": decision.address, "params": decision.params,
                                   "recipients": [], "text": b""}
                elif isinstance(decision, RcptTo) and code < 300:
                    transaction["recipients"].append(decision.address)
                elif isinstance(decision, MessageEnd) and code < 300:
                    self.messages.append(transaction)
                session.answer(code, text)
            self.events.append(event)
            if isinstance(event, MessageData):
                transaction["text"] += event.chunk
            elif isinstance(event, StartTLS):
                assert self.tls is not None
                sock.sendall(session.output())
                sock = self.tls.wrap_socket(sock, server_side=True)
                session = self._session(True)


def test_smtplib_delivers_a_message_through_the_server_codec() -> None:
    text = "Subject: dots\n\n.leading dot\n..two\nend.\n.\nlast"
    with Downstream() as server:
        with smtplib.SMTP("127.0.0.1", server.port, timeout=TIMEOUT) as smtp:
            smtp.ehlo("client.example")
            assert smtp.has_extn("pipelining") and smtp.has_extn("8bitmime")
            assert smtp.has_extn("smtputf8") and smtp.has_extn("enhancedstatuscodes")
            assert int(smtp.esmtp_features["size"]) == 10 * 1024 * 1024
            assert smtp.noop() == (250, b"2.0.0 OK")
            assert smtp.verify("bob")[0] == 252
            assert smtp.help().startswith(b"2.0.0 Commands:")
            refused = smtp.sendmail("alice@example.com", ["bob@example.org", "c@example.net"],
                                    text)
            assert refused == {}
    [message] = server.messages
    assert message["sender"] == "alice@example.com"
    assert message["recipients"] == ["bob@example.org", "c@example.net"]
    assert message["params"] == {"SIZE": str(len(text.replace("\n", "\r\n")))}
    assert message["text"] == b"Subject: dots\r\n\r\n.leading dot\r\n..two\r\nend.\r\n.\r\nlast\r\n"


def test_smtplib_hears_refusals_and_greylisting() -> None:
    def policy(decision: Decision) -> tuple[int, str]:
        if isinstance(decision, RcptTo) and decision.address.startswith("grey"):
            return (451, "4.7.1 Greylisted, please try again later")
        if isinstance(decision, RcptTo) and decision.address.startswith("nobody"):
            return (550, "5.1.1 No such user")
        return accept(decision)

    with Downstream(policy) as server:
        with smtplib.SMTP("127.0.0.1", server.port, timeout=TIMEOUT) as smtp:
            refused = smtp.sendmail("a@example.com", ["bob@example.org", "nobody@example.org"],
                                    "Subject: one\n\nhi\n")
            assert refused == {"nobody@example.org": (550, b"5.1.1 No such user")}
            with pytest.raises(smtplib.SMTPRecipientsRefused) as caught:
                smtp.sendmail("a@example.com", ["grey@example.org"], "Subject: two\n\nhi\n")
            assert caught.value.recipients == {
                "grey@example.org": (451, b"4.7.1 Greylisted, please try again later")}
    assert [m["recipients"] for m in server.messages] == [["bob@example.org"]]


def test_smtplib_is_told_a_message_is_too_big() -> None:
    with Downstream(maxMessageSize=100) as server:
        with smtplib.SMTP("127.0.0.1", server.port, timeout=TIMEOUT) as smtp:
            with pytest.raises(smtplib.SMTPSenderRefused) as caught:
                smtp.sendmail("a@example.com", ["b@example.org"], "x" * 200)
            assert caught.value.smtp_code == 552
    assert server.messages == []


def test_smtplib_sends_smtputf8_mail() -> None:
    text = "Subject: Grüße\r\n\r\nПривет\r\n"          # (smtplib leaves bytes' line ends alone)
    with Downstream() as server:
        with smtplib.SMTP("127.0.0.1", server.port, timeout=TIMEOUT) as smtp:
            smtp.sendmail("jörg@bücher.example", ["даша@пример.рф"], text.encode(),
                          mail_options=["SMTPUTF8", "BODY=8BITMIME"])
    [message] = server.messages
    assert message["sender"] == "jörg@bücher.example"
    assert message["recipients"] == ["даша@пример.рф"]
    assert message["text"] == "Subject: Grüße\r\n\r\nПривет\r\n".encode()


def test_smtplib_starts_tls_with_the_server_codec(ca: trustme.CA) -> None:
    with Downstream(tls=serverContext(ca)) as server:
        with smtplib.SMTP("127.0.0.1", server.port, timeout=TIMEOUT) as smtp:
            smtp.ehlo("client.example")
            assert smtp.has_extn("starttls")
            assert smtp.starttls(context=clientContext(ca))[0] == 220
            smtp.ehlo("client.example")
            assert not smtp.has_extn("starttls")
            smtp.sendmail("a@example.com", ["b@example.org"], "Subject: secret\n\nhi\n")
    [message] = server.messages
    assert message["text"] == b"Subject: secret\r\n\r\nhi\r\n"
    assert sum(isinstance(e, StartTLS) for e in server.events) == 1
    assert sum(isinstance(e, DataStart) for e in server.events) == 1
