"""SMTPClientSession, rule by rule, with byte strings."""

from __future__ import annotations

import pytest

from Kamaelia.Protocol.SMTP.client import (NEED_DATA, Reply, SMTPClientSession,
                                           SMTPReplyError)


def replies(client: SMTPClientSession, *packets: bytes) -> list[Reply]:
    got = []
    for packet in packets:
        client.receive(packet)
        while (reply := client.nextReply()) is not NEED_DATA:
            assert isinstance(reply, Reply)
            got.append(reply)
    return got


# ---------------------------------------------------------------- replies

def test_a_greeting_and_a_multi_line_reply() -> None:
    client = SMTPClientSession()
    client.ehlo("me.example")
    got = replies(client, b"220 mx.example ESMTP ready\r\n250-mx.example\r\n250-PIPELINING\r\n"
                          b"250-SIZE 1000\r\n250 8BITMIME\r\n")
    assert got == [Reply(220, ["mx.example ESMTP ready"], None, "greeting"),
                   Reply(250, ["mx.example", "PIPELINING", "SIZE 1000", "8BITMIME"], None,
                         "EHLO")]
    assert got[1].text == "mx.example\nPIPELINING\nSIZE 1000\n8BITMIME"


def test_enhanced_codes_are_taken_off_each_line() -> None:
    client = SMTPClientSession(tlsActive=True)
    client.mail("a@b.example")
    client.rcpt("c@d.example")
    got = replies(client, b"250 2.1.0 Sender ok\r\n"
                          b"451-4.7.1 Greylisted\r\n451 4.7.1 come back later\r\n")
    assert got[0] == Reply(250, ["Sender ok"], "2.1.0", "MAIL")
    assert got[1] == Reply(451, ["Greylisted", "come back later"], "4.7.1", "RCPT")
    assert got[1].transient and not got[1].ok and not got[1].permanent


def test_an_enhanced_code_of_the_wrong_class_is_just_text() -> None:
    [reply] = replies(SMTPClientSession(), b"250 5.1.1 odd\r\n")
    assert reply.enhanced is None and reply.lines == ["5.1.1 odd"]


def test_reply_kinds() -> None:
    assert Reply(354, []).ok and Reply(250, []).ok
    assert Reply(550, []).permanent and not Reply(550, []).ok
    assert Reply(421, []).transient


def test_a_code_alone_and_an_empty_continuation_are_replies() -> None:
    client = SMTPClientSession()
    client.noop()
    assert replies(client, b"220\r\n250-\r\n250\r\n") == [
        Reply(220, [""], None, "greeting"), Reply(250, ["", ""], None, "NOOP")]


def test_replies_cut_anywhere_read_the_same() -> None:
    wire = b"220 hi\r\n250-a\r\n250-b\r\n250 c\r\n221 2.0.0 bye\r\n"
    for cut in range(1, len(wire)):
        client = SMTPClientSession()
        client.ehlo("x")
        client.quit()
        assert replies(client, wire[:cut], wire[cut:]) == replies_whole(wire)


def replies_whole(wire: bytes) -> list[Reply]:
    client = SMTPClientSession()
    client.ehlo("x")
    client.quit()
    return replies(client, wire)


def test_bare_lf_is_tolerated_and_bad_utf8_replaced() -> None:
    [reply] = replies(SMTPClientSession(), b"220 caf\xe9\n")
    assert reply.lines == ["caf\ufffd"]


def test_replies_are_paired_with_pipelined_commands_in_order() -> None:
    client = SMTPClientSession(tlsActive=True)
    wire = client.mail("a@b.example") + client.rcpt("c@d.example") + client.data()
    assert client.expecting == ["MAIL", "RCPT", "DATA"]
    got = replies(client, b"250 ok\r\n550 no\r\n554 no valid recipients\r\n250 extra\r\n")
    assert [(r.command, r.code) for r in got] == [("MAIL", 250), ("RCPT", 550),
                                                  ("DATA", 554), (None, 250)]
    assert wire.count(b"\r\n") == 3


@pytest.mark.parametrize("wire,reason", [
    (b"hello\r\n", r"not a reply line: b'hello'"),
    (b"2500 x\r\n", r"not a reply line"),
    (b"199 x\r\n", r"not a reply line"),
    (b"600 x\r\n", r"not a reply line"),
    (b"250x\r\n", r"not a reply line"),
    (b"250-a\r\n251 b\r\n", r"reply code 251 in a reply begun with 250"),
    (b"250 " + b"x" * 600 + b"\r\n", r"a reply line is longer than 512 bytes"),
    (b"250-x\r\n" * 101 + b"250 x\r\n", r"a reply is longer than 100 lines"),
])
def test_malformed_replies_raise_with_the_reason(wire: bytes, reason: str) -> None:
    client = SMTPClientSession()
    client.receive(wire)
    with pytest.raises(SMTPReplyError, match=reason):
        client.nextReply()
    with pytest.raises(SMTPReplyError, match=reason):     # and stays broken
        client.nextReply()
    assert issubclass(SMTPReplyError, ValueError)


def test_a_reply_line_of_512_bytes_is_fine() -> None:
    [reply] = replies(SMTPClientSession(), b"220 " + b"x" * 506 + b"\r\n")
    assert len(reply.text) == 506


def test_the_end_of_the_input_in_the_middle_of_a_reply() -> None:
    client = SMTPClientSession()
    client.receive(b"250-first\r\n250 sec")
    assert client.nextReply() is NEED_DATA
    client.receive(b"")
    assert client.closed
    with pytest.raises(SMTPReplyError, match="the connection closed in the middle of a reply"):
        client.nextReply()


def test_the_end_of_the_input_between_replies_is_just_the_end() -> None:
    client = SMTPClientSession()
    replies(client, b"220 hi\r\n", b"")
    assert client.closed and client.nextReply() is NEED_DATA


def test_bytes_after_the_starttls_reply_are_an_injection() -> None:
    client = SMTPClientSession(tlsActive=True)
    client.startTLS()
    client.receive(b"220 2.0.0 Ready to start TLS\r\n250 injected\r\n")
    with pytest.raises(SMTPReplyError, match="bytes came after the STARTTLS reply"):
        client.nextReply()
    clean = SMTPClientSession(tlsActive=True)
    clean.startTLS()
    assert replies(clean, b"220 2.0.0 Ready\r\n") == [Reply(220, ["Ready"], "2.0.0", "STARTTLS")]


# ----------------------------------------------------------- capabilities

def test_capabilities_of_an_ehlo_reply() -> None:
    reply = Reply(250, ["mx.example Hello", "pipelining", "SIZE 10240000", "AUTH PLAIN LOGIN",
                        "8BITMIME", ""], None, "EHLO")
    assert SMTPClientSession.capabilities(reply) == {
        "PIPELINING": None, "SIZE": "10240000", "AUTH": "PLAIN LOGIN", "8BITMIME": None}
    assert SMTPClientSession().capabilities(Reply(502, ["no EHLO here"])) == {}


# ---------------------------------------------------------------- commands

def test_the_commands() -> None:
    client = SMTPClientSession()
    assert client.ehlo("me.example") == b"EHLO me.example\r\n"
    assert client.helo("me.example") == b"HELO me.example\r\n"
    assert client.mail("") == b"MAIL FROM:<>\r\n"
    assert client.mail("a@b.example", {"SIZE": "10", "BODY": "8BITMIME", "SMTPUTF8": None}) == \
        b"MAIL FROM:<a@b.example> SIZE=10 BODY=8BITMIME SMTPUTF8\r\n"
    assert client.rcpt("jörg@bücher.example") == "RCPT TO:<jörg@bücher.example>\r\n".encode()
    assert client.rcpt("postmaster") == b"RCPT TO:<postmaster>\r\n"
    assert client.rcpt('"john doe"@d.example') == b'RCPT TO:<"john doe"@d.example>\r\n'
    assert [client.data(), client.rset(), client.noop(), client.quit(), client.startTLS()] == [
        b"DATA\r\n", b"RSET\r\n", b"NOOP\r\n", b"QUIT\r\n", b"STARTTLS\r\n"]
    assert client.expecting == ["greeting", "EHLO", "HELO", "MAIL", "MAIL", "RCPT", "RCPT",
                                "RCPT", "DATA", "RSET", "NOOP", "QUIT", "STARTTLS"]


@pytest.mark.parametrize("call,match", [
    (lambda c: c.ehlo("me\r\nMAIL FROM:<x>"), r"ehlo: name must be a host name .*not 'me\\r\\n"),
    (lambda c: c.helo(""), r"helo: name must be a host name"),
    (lambda c: c.mail("a@b>\r\nRCPT TO:<c@d"), r"mail: address must be a mail address"),
    (lambda c: c.rcpt(""), r"rcpt: address must be a mail address .*not ''"),
    (lambda c: c.rcpt("<a@b.example>"), r"not '<a@b.example>'"),
    (lambda c: c.rcpt("a b@c.example"), r"not 'a b@c.example'"),
    (lambda c: c.mail("a@b.example", {"SIZE": "1 2"}), r"parameter SIZE must have None or"),
    (lambda c: c.mail("a@b.example", {"SIZE": 10}), r"not 10"),
    (lambda c: c.mail("a@b.example", {"BAD KEY": None}), r"'BAD KEY' is not a parameter name"),
    (lambda c: c.rcpt("a@" + "b" * 600), r"rcpt: the command would be 614 bytes, over the "
                                         r"limit of 512"),
])
def test_commands_that_could_change_the_command_line_are_refused(call: object,
                                                                 match: str) -> None:
    client = SMTPClientSession()
    with pytest.raises(ValueError, match=match):
        call(client)  # type: ignore[operator]
    assert client.expecting == ["greeting"]           # nothing noted for a refused command


def test_bad_argument_types() -> None:
    with pytest.raises(TypeError, match="tlsActive must be True or False, not 'no'"):
        SMTPClientSession(tlsActive="no")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="data must be bytes"):
        SMTPClientSession().receive("250 ok")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="chunk must be bytes"):
        SMTPClientSession().messageChunk("text")  # type: ignore[arg-type]


# ------------------------------------------------------------ message text

def test_dot_stuffing_and_the_final_dot() -> None:
    client = SMTPClientSession()
    assert client.messageChunk(b".starts\r\nmid.dle\r\n.\r\n..two\r\n") == \
        b"..starts\r\nmid.dle\r\n..\r\n...two\r\n"
    assert client.endMessage() == b".\r\n"
    assert client.messageChunk(b"no line end") + client.endMessage() == \
        b"no line end\r\n.\r\n"
    assert client.endMessage() == b".\r\n"            # an empty message
    assert client.expecting[-3:] == ["END-OF-DATA"] * 3


def test_dot_stuffing_across_chunks_cut_anywhere() -> None:
    text = b"a\r\n.b\r\n\r\n..\r\nc.\r\n.\r\n"
    wire = b"a\r\n..b\r\n\r\n...\r\nc.\r\n..\r\n.\r\n"
    for cut in range(len(text) + 1):
        client = SMTPClientSession()
        assert client.messageChunk(text[:cut]) + client.messageChunk(text[cut:]) + \
            client.endMessage() == wire
    client = SMTPClientSession()
    assert b"".join(client.messageChunk(bytes([b])) for b in text) + client.endMessage() == wire


def test_every_line_ending_is_sent_as_crlf() -> None:
    client = SMTPClientSession()
    assert client.messageChunk(b"lf\n.lf-dot\ncr\r.cr-dot\rcrlf\r\n") == \
        b"lf\r\n..lf-dot\r\ncr\r\n..cr-dot\r\ncrlf\r\n"
    # a CR that ends a chunk is a line end, and an LF right after it is its pair
    assert client.messageChunk(b"x\r") == b"x\r\n"
    assert client.messageChunk(b"\n.y\r") == b"..y\r\n"
    assert client.messageChunk(b"\r") == b"\r\n"      # an empty line: CR CR
    assert client.messageChunk(b"") == b"" and client.endMessage() == b".\r\n"
