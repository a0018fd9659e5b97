"""The client codec talking to the server codec in memory delivers messages byte for byte."""

from __future__ import annotations

import pytest

from Kamaelia.Protocol.SMTP import (NEED_DATA, MailFrom, Reply, SMTPClientSession,
                                    SMTPServerSession)

from smtphelpers import converse, text


class Pair:
    """A client and a server session wired back to back; decisions accepted."""

    def __init__(self, **options: object) -> None:
        self.server = SMTPServerSession(hostname="mx.example.org", **options)  # type: ignore
        self.client = SMTPClientSession()
        self.events: list = []
        self.replies: list[Reply] = []
        self._toClient(self.server.greeting())

    def _toClient(self, wire: bytes) -> None:
        self.client.receive(wire)
        while (reply := self.client.nextReply()) is not NEED_DATA:
            assert isinstance(reply, Reply)
            self.replies.append(reply)

    def send(self, wire: bytes, cut: int = 0) -> None:
        packets = [wire[i:i + cut] for i in range(0, len(wire), cut)] if cut else [wire]
        for packet in packets:
            events, output = converse(self.server, packet)
            self.events += events
            self._toClient(output)


MESSAGE = (b"From: Alice <alice@example.com>\r\nTo: bob@example.org\r\nSubject: dots\r\n\r\n"
           b".\r\n..\r\n.leading dot\r\nend with a dot.\r\n\r\n" + b"x" * 998 + b"\r\n"
           b"\r\n.\r\nnot the end\r\n")


@pytest.mark.parametrize("cut", [0, 1, 7, 64, 1000])
def test_a_message_is_delivered_byte_for_byte(cut: int) -> None:
    pair = Pair()
    client = pair.client
    pair.send(client.ehlo("relay.example.com"))
    assert client.capabilities(pair.replies[-1])["PIPELINING"] is None
    pair.send(client.mail("alice@example.com", {"SIZE": str(len(MESSAGE))})
              + client.rcpt("bob@example.org") + client.rcpt("carol@example.org")
              + client.data(), cut)
    wire = b"".join(client.messageChunk(MESSAGE[i:i + 13]) for i in range(0, len(MESSAGE), 13))
    pair.send(wire + client.endMessage() + client.quit(), cut)
    assert text(pair.events) == MESSAGE
    assert [(r.command, r.code) for r in pair.replies] == [
        ("greeting", 220), ("EHLO", 250), ("MAIL", 250), ("RCPT", 250), ("RCPT", 250),
        ("DATA", 354), ("END-OF-DATA", 250), ("QUIT", 221)]
    assert pair.events[1] == MailFrom("alice@example.com", {"SIZE": str(len(MESSAGE))})
    assert pair.server.closed and not client.expecting


def test_text_without_a_final_line_end_gets_one() -> None:
    pair = Pair()
    client = pair.client
    pair.send(client.ehlo("c") + client.mail("a@b.example") + client.rcpt("c@d.example")
              + client.data())
    pair.send(client.messageChunk(b"one\n.two") + client.endMessage())
    assert text(pair.events) == b"one\r\n.two\r\n"


def test_8bit_and_smtputf8_round_trip() -> None:
    body = "Subject: Grüße\r\n\r\nПривет, мир\r\n.точка\r\n".encode()
    pair = Pair()
    client = pair.client
    pair.send(client.ehlo("c") + client.mail("jörg@bücher.example", {"SMTPUTF8": None,
                                                                     "BODY": "8BITMIME"})
              + client.rcpt("даша@пример.рф") + client.data())
    pair.send(client.messageChunk(body) + client.endMessage())
    assert text(pair.events) == body
    assert pair.replies[-1].command == "END-OF-DATA" and pair.replies[-1].code == 250


def test_several_messages_on_one_connection() -> None:
    pair = Pair()
    client = pair.client
    pair.send(client.ehlo("c"))
    for n in range(3):
        body = b"message %d\r\n.\r\n" % n
        pair.send(client.mail("a@b.example") + client.rcpt("c@d.example") + client.data())
        pair.send(client.messageChunk(body) + client.endMessage())
    assert text(pair.events) == b"".join(b"message %d\r\n.\r\n" % n for n in range(3))
    assert [r.code for r in pair.replies if r.command == "END-OF-DATA"] == [250, 250, 250]


def test_a_message_over_the_limit_is_refused_to_the_client() -> None:
    pair = Pair(maxMessageSize=100)
    client = pair.client
    pair.send(client.ehlo("c") + client.mail("a@b.example") + client.rcpt("c@d.example")
              + client.data())
    pair.send(client.messageChunk(b"y" * 200) + client.endMessage())
    assert pair.replies[-1] == Reply(552, ["Message size exceeds fixed maximum message size"],
                                     "5.3.4", "END-OF-DATA")
