"""SMTPServerSession, rule by rule, with byte strings."""

from __future__ import annotations

import tracemalloc

import pytest

from Kamaelia.Protocol.SMTP.server import (NEED_DATA, PAUSED, DataStart, Decision, Hello,
                                           MailFrom, MessageData, MessageEnd, ProtocolError,
                                           Quit, RcptTo, Reset, SMTPServerSession, StartTLS)

from smtphelpers import accept, converse, drain, greeted, merged, replyLines, text

ENVELOPE = b"MAIL FROM:<alice@example.org>\r\nRCPT TO:<bob@example.net>\r\nDATA\r\n"


def refuse(code: int, message: str = "No") -> object:
    def answer(decision: Decision) -> tuple[int, str]:
        return (code, message)
    return answer


# ---------------------------------------------------------------- greeting

def test_the_greeting_names_the_host_and_the_software() -> None:
    session = SMTPServerSession(hostname="mx.example.org", software="Kamaelia-Grey")
    assert session.greeting() == b"220 mx.example.org ESMTP Kamaelia-Grey\r\n"
    assert SMTPServerSession(hostname="mx", software="").greeting() == b"220 mx ESMTP\r\n"
    assert session.state == "command" and not session.closed


@pytest.mark.parametrize("argument,value,error,match", [
    ("hostname", "", ValueError, r"hostname must be a host name .*, not ''"),
    ("hostname", "mx example", ValueError, r"not 'mx example'"),
    ("hostname", "mx\r\n", ValueError, r"not 'mx\\r\\n'"),
    ("hostname", 7, TypeError, r"hostname must be .*, not 7"),
    ("software", "x\r\n250 hi", ValueError, r"software must be printable ASCII text"),
    ("maxMessageSize", 0, ValueError, r"SMTPServerSession: maxMessageSize must be >= 1, not 0"),
    ("maxMessageSize", 1.5, TypeError, r"maxMessageSize must be an int, not 1.5"),
    ("maxRecipients", True, TypeError, r"maxRecipients must be an int, not True"),
    ("maxErrors", -1, ValueError, r"maxErrors must be >= 1, not -1"),
    ("startTLS", 1, TypeError, r"startTLS must be True or False, not 1"),
    ("tlsActive", "yes", TypeError, r"tlsActive must be True or False, not 'yes'"),
])
def test_bad_arguments_are_refused_by_name(argument: str, value: object,
                                           error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        SMTPServerSession(**{argument: value})  # type: ignore[arg-type]


def test_receive_takes_bytes_only() -> None:
    with pytest.raises(TypeError, match=r"data must be bytes, not 'EHLO x'"):
        SMTPServerSession().receive("EHLO x")  # type: ignore[arg-type]


# ------------------------------------------------------------ EHLO and HELO

def test_ehlo_announces_every_extension() -> None:
    session = SMTPServerSession(hostname="mx.example.org", maxMessageSize=12345)
    events, output = converse(session, b"EHLO client.example\r\n")
    assert events == [Hello("client.example", True)]
    assert output == (b"250-mx.example.org Hello client.example\r\n250-PIPELINING\r\n"
                      b"250-SIZE 12345\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n"
                      b"250 ENHANCEDSTATUSCODES\r\n")
    assert session.extended and session.helo == "client.example"


def test_starttls_is_announced_when_offered_and_not_yet_active() -> None:
    _, offered = converse(SMTPServerSession(startTLS=True), b"EHLO c\r\n")
    assert offered.endswith(b"250-ENHANCEDSTATUSCODES\r\n250 STARTTLS\r\n")
    _, active = converse(SMTPServerSession(startTLS=True, tlsActive=True), b"EHLO c\r\n")
    assert b"STARTTLS" not in active and active.endswith(b"250 ENHANCEDSTATUSCODES\r\n")


def test_helo_gives_a_plain_session_without_extensions_or_enhanced_codes() -> None:
    session = SMTPServerSession(hostname="mx")
    events, output = converse(session, b"HELO client\r\n", b"NOOP\r\n",
                              b"MAIL FROM:<a@b.example> SIZE=10\r\n", b"MAIL FROM:<a@b.example>\r\n")
    assert events[0] == Hello("client", False)
    assert replyLines(output) == ["250 mx Hello client", "250 OK",
                                  "555 Parameters need EHLO", "250 OK"]
    assert not session.extended


@pytest.mark.parametrize("line", [b"EHLO\r\n", b"EHLO \r\n", b"HELO two words\r\n",
                                  b"EHLO bad\x01name\r\n"])
def test_hello_needs_one_name(line: bytes) -> None:
    events, output = converse(SMTPServerSession(), line)
    assert output.startswith(b"501 Syntax: ") and isinstance(events[0], ProtocolError)


def test_commands_are_case_insensitive() -> None:
    session = SMTPServerSession()
    events, output = converse(session, b"ehlo c\r\nmail from:<a@b.example>\r\n"
                                       b"Rcpt To:<c@d.example>\r\ndAtA\r\n")
    assert [type(e) for e in events] == [Hello, MailFrom, RcptTo, DataStart]
    assert session.state == "data"


# --------------------------------------------------------- a transaction

def test_a_whole_transaction_gives_its_events_and_replies_in_order() -> None:
    session = greeted()
    events, output = converse(session, ENVELOPE,
                              b"Subject: hi\r\n\r\nHello\r\n.\r\n", b"QUIT\r\n")
    assert events == [MailFrom("alice@example.org", {}), RcptTo("bob@example.net", {}),
                      DataStart(), MessageData(b"Subject: hi\r\n\r\nHello\r\n"),
                      MessageEnd(22), Quit()]
    assert output == (b"250 2.1.0 OK\r\n250 2.1.5 OK\r\n354 Go ahead\r\n250 2.0.0 OK\r\n"
                      b"221 2.0.0 mx.example.org closing connection\r\n")
    assert session.closed and session.state == "closed"


def test_the_null_sender_source_routes_and_postmaster() -> None:
    events, output = converse(greeted(), b"MAIL FROM:<>\r\n",
                              b"RCPT TO:<@relay.example,@b.example:carol@c.example>\r\n",
                              b"RCPT TO:<Postmaster>\r\n")
    assert events == [MailFrom("", {}), RcptTo("carol@c.example", {}),
                      RcptTo("Postmaster", {})]
    assert replyLines(output) == ["250 2.1.0 OK", "250 2.1.5 OK", "250 2.1.5 OK"]


def test_sloppy_but_common_address_forms_are_tolerated() -> None:
    events, _ = converse(greeted(), b"MAIL FROM: <a@b.example>\r\n",
                         b"RCPT TO:c@d.example\r\n",
                         b'RCPT  TO:<"john doe"@d.example>\r\n')
    assert events == [MailFrom("a@b.example", {}), RcptTo("c@d.example", {}),
                      RcptTo('"john doe"@d.example', {})]


@pytest.mark.parametrize("command,reply", [
    (b"MAIL FROM<a@b.example>", "501 5.5.4 Syntax: MAIL FROM:<address>"),
    (b"MAIL FROM:<a@b.example", "501 5.1.7 Bad address syntax"),
    (b"MAIL FROM:<a b@c.example>", "501 5.1.7 Bad address syntax"),
    (b"MAIL FROM:<a@b.example>SIZE=1", "501 5.1.7 Bad address syntax"),
    (b"MAIL FROM:<no-domain>", "501 5.1.7 Bad address syntax"),
    (b"MAIL FROM:<@route-without-colon>", "501 5.1.7 Bad address syntax"),
    (b"MAIL FROM:<a@b..example>", "501 5.1.7 Bad address syntax"),
    (b"MAIL FROM:<" + b"a" * 250 + b"@b.example>", "501 5.1.7 Address too long"),
])
def test_bad_sender_syntax_is_501(command: bytes, reply: str) -> None:
    events, output = converse(greeted(), command + b"\r\n")
    assert replyLines(output) == [reply]
    assert events == [ProtocolError(reply[10:], 501, reply[4:9])]


def test_bad_recipient_syntax_is_501_5_1_3() -> None:
    _, output = converse(greeted(), b"MAIL FROM:<a@b.example>\r\nRCPT TO:<>\r\n"
                                    b"RCPT TO:<x>\r\nRCPT <c@d.example>\r\n")
    assert replyLines(output)[1:] == ["501 5.1.3 Bad address syntax",
                                      "501 5.1.3 Bad address syntax",
                                      "501 5.5.4 Syntax: RCPT TO:<address>"]


# ----------------------------------------------------------- PIPELINING

def test_pipelined_commands_wait_for_each_decision_in_order() -> None:
    session = greeted()
    session.receive(b"MAIL FROM:<a@b.example>\r\nRCPT TO:<c@d.example>\r\n"
                    b"RCPT TO:<e@f.example>\r\nDATA\r\nSubject: x\r\n\r\nbody\r\n.\r\nQUIT\r\n")
    assert session.nextEvent() == MailFrom("a@b.example", {})
    assert session.nextEvent() is PAUSED and session.nextEvent() is PAUSED
    assert session.output() == b""               # nothing is answered before its decision
    assert session.pending == MailFrom("a@b.example", {})
    session.answer(250, "Sender OK")
    assert session.nextEvent() == RcptTo("c@d.example", {})
    assert session.nextEvent() is PAUSED
    session.answer(451, "Greylisted, try later", "4.7.1")
    assert session.nextEvent() == RcptTo("e@f.example", {})
    session.answer(250, "Recipient OK")
    assert session.output() == (b"250 2.1.0 Sender OK\r\n451 4.7.1 Greylisted, try later\r\n"
                                b"250 2.1.5 Recipient OK\r\n")
    assert session.recipients == 1
    assert session.nextEvent() == DataStart()
    session.answer(354, "Send it")
    assert session.nextEvent() == MessageData(b"Subject: x\r\n\r\nbody\r\n")
    assert session.nextEvent() == MessageEnd(20)
    session.answer(250, "Queued as 1234")
    assert session.nextEvent() == Quit() and session.nextEvent() is NEED_DATA
    assert replyLines(session.output()) == ["354 Send it", "250 2.0.0 Queued as 1234",
                                            "221 2.0.0 mx.example.org closing connection"]


def test_commands_that_arrive_while_paused_are_kept_in_order() -> None:
    session = greeted()
    session.receive(b"MAIL FROM:<a@b.example>\r\n")
    assert isinstance(session.nextEvent(), MailFrom) and session.nextEvent() is PAUSED
    session.receive(b"RCPT TO:<c@d.exa")
    session.receive(b"mple>\r\nNOOP\r\n")
    assert session.nextEvent() is PAUSED and session.buffered == 29
    session.answer(250)
    assert drain(session) == [RcptTo("c@d.example", {})]
    assert replyLines(session.output()) == ["250 2.1.0", "250 2.1.5 OK", "250 2.0.0 OK"]


def test_pipelined_data_after_refused_recipients_is_554_and_its_text_is_commands() -> None:
    session = greeted()
    events, output = converse(session, ENVELOPE + b"NOOP\r\n",
                              answer=lambda d: (550, "No such user") if isinstance(d, RcptTo)
                              else accept(d))
    assert replyLines(output) == ["250 2.1.0 OK", "550 5.0.0 No such user",
                                  "554 5.5.1 No valid recipients", "250 2.0.0 OK"]
    assert isinstance(events[-1], ProtocolError) and session.errors == 0


def test_a_refused_data_leaves_the_session_in_command_state() -> None:
    session = greeted()
    _, output = converse(session, ENVELOPE + b"RSET\r\n",
                         answer=lambda d: (451, "Upstream unavailable", ) if isinstance(
                             d, DataStart) else accept(d))
    assert replyLines(output)[-2:] == ["451 4.0.0 Upstream unavailable", "250 2.0.0 OK"]
    assert session.state == "command"


# ------------------------------------------------------------ parameters

def test_size_within_the_limit_is_passed_on() -> None:
    events, _ = converse(greeted(maxMessageSize=1000), b"MAIL FROM:<a@b.example> SIZE=1000\r\n")
    assert events == [MailFrom("a@b.example", {"SIZE": "1000"})]


def test_size_over_the_limit_is_refused_by_the_session() -> None:
    session = greeted(maxMessageSize=1000)
    events, output = converse(session, b"MAIL FROM:<a@b.example> SIZE=1001\r\n")
    assert output == b"552 5.3.4 Message size exceeds fixed maximum message size\r\n"
    assert events == [ProtocolError("Message size exceeds fixed maximum message size", 552,
                                    "5.3.4")]
    assert session.pending is None and session.errors == 0


@pytest.mark.parametrize("params,reply", [
    (b"SIZE=abc", "501 5.5.4 Syntax: SIZE=<number of bytes>"),
    (b"SIZE", "501 5.5.4 Syntax: SIZE=<number of bytes>"),
    (b"BODY=9BIT", "501 5.5.4 Syntax: BODY=7BIT or BODY=8BITMIME"),
    (b"BODY=BINARYMIME", "555 5.5.4 BODY=BINARYMIME is not supported"),
    (b"SMTPUTF8=yes", "501 5.5.4 SMTPUTF8 takes no value"),
    (b"AUTH=<>", "555 5.5.4 MAIL parameter AUTH is not supported"),
    (b"SIZE=1 size=2", "501 5.5.4 Parameter SIZE given twice"),
    (b"=x", "501 5.5.4 Bad parameter '=x'"),
    (b"SIZE=a=b", "501 5.5.4 Bad parameter 'SIZE=a=b'"),
])
def test_bad_mail_parameters(params: bytes, reply: str) -> None:
    _, output = converse(greeted(), b"MAIL FROM:<a@b.example> " + params + b"\r\n")
    assert replyLines(output) == [reply]


def test_parameter_names_are_upper_cased_and_body_values_too() -> None:
    events, _ = converse(greeted(), b"MAIL FROM:<a@b.example> body=8bitmime smtputf8 Size=9\r\n")
    assert events == [MailFrom("a@b.example", {"BODY": "8BITMIME", "SMTPUTF8": None,
                                               "SIZE": "9"})]


def test_rcpt_takes_no_parameters() -> None:
    _, output = converse(greeted(), b"MAIL FROM:<a@b.example>\r\n"
                                    b"RCPT TO:<c@d.example> NOTIFY=NEVER\r\n")
    assert replyLines(output)[1] == "555 5.5.4 RCPT parameter NOTIFY is not supported"


# ----------------------------------------------------- 8BITMIME, SMTPUTF8

def message(session: SMTPServerSession, mailParams: bytes, body: bytes) -> tuple[list, bytes]:
    return converse(session, b"MAIL FROM:<a@b.example>" + mailParams + b"\r\n"
                             b"RCPT TO:<c@d.example>\r\nDATA\r\n" + body + b".\r\n")


def test_8bit_text_with_body_8bitmime_is_taken() -> None:
    events, output = message(greeted(), b" BODY=8BITMIME", "Grüße\r\n".encode())
    assert text(events) == "Grüße\r\n".encode() and isinstance(events[-1], MessageEnd)


def test_8bit_text_with_smtputf8_is_taken_and_so_are_utf8_addresses() -> None:
    session = greeted()
    events, output = converse(session, "MAIL FROM:<jörg@bücher.example> SMTPUTF8\r\n"
                                       "RCPT TO:<даша@пример.рф>\r\nDATA\r\nПривет\r\n.\r\n".encode())
    assert events[0] == MailFrom("jörg@bücher.example", {"SMTPUTF8": None})
    assert events[1] == RcptTo("даша@пример.рф", {})
    assert text(events) == "Привет\r\n".encode() and isinstance(events[-1], MessageEnd)


@pytest.mark.parametrize("params", [b"", b" BODY=7BIT"])
def test_8bit_text_without_8bitmime_is_refused_whole_at_the_end(params: bytes) -> None:
    session = greeted()
    events, output = message(session, params, b"plain\r\n" * 10 + b"caf\xc3\xa9\r\nmore\r\n")
    assert replyLines(output)[-1] == "554 5.6.1 8-bit text needs BODY=8BITMIME or SMTPUTF8"
    assert not any(isinstance(e, MessageEnd) for e in events)
    assert isinstance(events[-1], ProtocolError) and events[-1].code == 554
    assert session.state == "command" and session.recipients == 0


def test_non_ascii_addresses_need_smtputf8() -> None:
    _, output = converse(greeted(), "MAIL FROM:<jörg@example.org>\r\n"
                                    "MAIL FROM:<a@b.example>\r\nRCPT TO:<jörg@example.org>\r\n"
                                    .encode())
    assert replyLines(output) == ["553 5.6.7 A non-ASCII address needs SMTPUTF8",
                                  "250 2.1.0 OK",
                                  "553 5.6.7 A non-ASCII address needs SMTPUTF8"]


def test_non_ascii_outside_addresses_and_bad_utf8_are_errors() -> None:
    _, output = converse(greeted(), "NOOP café\r\n".encode(), b"NOOP \xff\xfe\r\n")
    assert replyLines(output) == ["501 5.5.2 Non-ASCII text in a command",
                                  "500 5.5.2 Command is not valid UTF-8"]


# ---------------------------------------------------------------- STARTTLS

def test_starttls_hands_over_and_throws_away_what_was_sent_in_the_clear() -> None:
    session = greeted(startTLS=True)
    events, output = converse(session, b"STARTTLS\r\nMAIL FROM:<injected@evil.example>\r\n")
    assert events == [StartTLS()]
    assert output == b"220 2.0.0 Ready to start TLS\r\n"
    assert session.state == "starttls" and not session.closed and session.buffered == 0
    session.receive(b"RCPT TO:<more@evil.example>\r\n")
    assert session.nextEvent() is NEED_DATA and session.output() == b""
    # after the handshake: a new session, no greeting, EHLO again
    tls = SMTPServerSession(hostname="mx.example.org", startTLS=True, tlsActive=True)
    events, output = converse(tls, b"MAIL FROM:<a@b.example>\r\nEHLO c\r\nSTARTTLS\r\n")
    assert replyLines(output)[0] == "503 Send HELO/EHLO first"
    assert "250 ENHANCEDSTATUSCODES" in replyLines(output)
    assert replyLines(output)[-1] == "503 5.5.1 TLS already active"


@pytest.mark.parametrize("options,before,reply", [
    ({}, b"EHLO c\r\n", "502 5.5.1 STARTTLS is not available"),
    ({"startTLS": True}, b"", "503 Send EHLO first"),
    ({"startTLS": True}, b"HELO c\r\n", "503 Send EHLO first"),
    ({"startTLS": True}, b"EHLO c\r\nMAIL FROM:<a@b.example>\r\n",
     "503 5.5.1 STARTTLS is not allowed in a mail transaction"),
])
def test_starttls_only_when_offered_after_ehlo_outside_a_transaction(
        options: dict, before: bytes, reply: str) -> None:
    session = SMTPServerSession(**options)
    _, output = converse(session, before + b"STARTTLS\r\n")
    assert replyLines(output)[-1] == reply and session.state == "command"


def test_starttls_takes_no_parameters() -> None:
    _, output = converse(greeted(startTLS=True), b"STARTTLS now\r\n")
    assert output == b"501 5.5.4 Syntax: STARTTLS\r\n"


# ------------------------------------------------------- the other commands

def test_rset_resets_the_transaction() -> None:
    session = greeted()
    events, output = converse(session, b"MAIL FROM:<a@b.example>\r\nRCPT TO:<c@d.example>\r\n"
                                       b"RSET\r\nRCPT TO:<c@d.example>\r\nRSET x\r\n")
    assert events[2] == Reset() and session.recipients == 0
    assert replyLines(output)[2:] == ["250 2.0.0 OK", "503 5.5.1 Need MAIL before RCPT",
                                      "501 5.5.4 Syntax: RSET"]


def test_a_new_ehlo_in_a_transaction_resets_it() -> None:
    session = greeted()
    events, _ = converse(session, b"MAIL FROM:<a@b.example>\r\nEHLO other\r\nEHLO again\r\n")
    assert events[1:] == [Reset(), Hello("other", True), Hello("again", True)]
    assert session.helo == "again"


def test_noop_vrfy_help_expn() -> None:
    session = greeted()
    _, output = converse(session, b"NOOP\r\nNOOP anything\r\nVRFY bob\r\nVRFY\r\n"
                                  b"HELP\r\nEXPN staff\r\n")
    assert replyLines(output) == [
        "250 2.0.0 OK", "250 2.0.0 OK",
        "252 2.5.0 Cannot VRFY user, but will accept message and attempt delivery",
        "501 5.5.4 Syntax: VRFY address",
        "214-2.0.0 Commands: EHLO HELO MAIL RCPT DATA RSET NOOP VRFY HELP QUIT STARTTLS",
        "214 2.0.0 See RFC 5321",
        "502 5.5.1 EXPN is not available"]


def test_quit_closes_and_nothing_after_it_is_read() -> None:
    session = greeted()
    events, output = converse(session, b"QUIT\r\nNOOP\r\n", b"NOOP\r\n")
    assert events == [Quit()] and session.closed
    assert output == b"221 2.0.0 mx.example.org closing connection\r\n"
    assert session.nextEvent() is NEED_DATA


@pytest.mark.parametrize("before,command,reply", [
    (b"", b"MAIL FROM:<a@b.example>", "503 Send HELO/EHLO first"),
    (b"EHLO c\r\n", b"RCPT TO:<a@b.example>", "503 5.5.1 Need MAIL before RCPT"),
    (b"EHLO c\r\n", b"DATA", "503 5.5.1 Need MAIL command"),
    (b"EHLO c\r\nMAIL FROM:<a@b.example>\r\n", b"MAIL FROM:<a@b.example>",
     "503 5.5.1 Sender already specified"),
    (b"EHLO c\r\nMAIL FROM:<a@b.example>\r\n", b"DATA", "554 5.5.1 No valid recipients"),
    (b"EHLO c\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<c@d.example>\r\n", b"DATA now",
     "501 5.5.4 Syntax: DATA"),
])
def test_bad_sequence(before: bytes, command: bytes, reply: str) -> None:
    session = SMTPServerSession()
    _, output = converse(session, before + command + b"\r\n")
    assert replyLines(output)[-1] == reply


@pytest.mark.parametrize("line", [b"BDAT 10", b"XYZZY", b"", b"  ", b"AUTH PLAIN x"])
def test_unknown_commands_are_500_5_5_2(line: bytes) -> None:
    events, output = converse(greeted(), line + b"\r\n")
    assert output == b"500 5.5.2 Command not recognised\r\n"
    assert events == [ProtocolError("Command not recognised", 500, "5.5.2")]


@pytest.mark.parametrize("line", [b"GET / HTTP/1.1", b"POST /x HTTP/1.0",
                                  b"CONNECT mx:25 HTTP/1.1"])
def test_a_browser_request_closes_the_connection(line: bytes) -> None:
    session = SMTPServerSession()
    events, output = converse(session, line + b"\r\nHost: x\r\n\r\n")
    assert output == b"221 This is an SMTP server, goodbye\r\n" and session.closed
    assert isinstance(events[0], ProtocolError)


# ------------------------------------------------------------- line limits

def test_command_lines_of_512_bytes_are_taken_and_longer_ones_refused() -> None:
    session = greeted()
    fits = b"NOOP " + b"x" * 505 + b"\r\n"
    over = b"NOOP " + b"x" * 506 + b"\r\n"
    assert len(fits) == 512
    _, output = converse(session, fits, over, b"NOOP " + b"x" * 506 + b"\n")
    assert replyLines(output) == ["250 2.0.0 OK", "500 5.5.6 Line too long",
                                  "500 5.5.6 Line too long"]


def test_an_endless_command_line_is_not_kept() -> None:
    session = greeted()
    session.receive(b"NOOP ")
    for _ in range(1000):
        session.receive(b"x" * 1000)
        assert session.nextEvent() is NEED_DATA
        assert session.buffered < 2000
    session.receive(b"\r\nNOOP\r\n")
    drain(session)
    assert replyLines(session.output()) == ["500 5.5.6 Line too long", "250 2.0.0 OK"]


def in_data(**options: object) -> SMTPServerSession:
    session = greeted(**options)
    converse(session, ENVELOPE)
    assert session.state == "data"
    return session


def test_text_lines_of_1000_bytes_are_taken_and_longer_ones_refuse_the_message() -> None:
    fits = b"a" * 998 + b"\r\n"
    session = in_data()
    events, _ = converse(session, fits + b".\r\n")
    assert text(events) == fits and isinstance(events[-1], MessageEnd)
    session = in_data()
    events, output = converse(session, fits + b"b" * 999 + b"\r\n" + fits + b".\r\nNOOP\r\n")
    assert events == [ProtocolError("Line too long (over 1000 bytes)", 500, "5.5.6")]
    assert replyLines(output) == ["500 5.5.6 Line too long (over 1000 bytes)", "250 2.0.0 OK"]


def test_an_endless_text_line_is_not_kept_and_the_final_dot_is_still_found() -> None:
    session = in_data()
    events, _ = converse(session, b"good line\r\n")
    assert text(events) == b"good line\r\n"
    for _ in range(100):
        session.receive(b"y" * 700)
        assert drain(session) == [] and session.buffered < 1400
    events, output = converse(session, b"\r\nmore\r\n.\r\n")
    assert events == [ProtocolError("Line too long (over 1000 bytes)", 500, "5.5.6")]
    assert session.state == "command"


# ------------------------------------------------------------ dot-stuffing

def test_dot_unstuffing() -> None:
    session = in_data()
    events, _ = converse(session, b"..leading dot\r\n...two\r\n..\r\n.x\r\nend.\r\n. \r\n.\r\n")
    assert text(events) == b".leading dot\r\n..two\r\n.\r\nx\r\nend.\r\n \r\n"


WIRE = b"Subject: dots\r\n\r\n..one\r\nmid.dle\r\n..\r\n...\r\nlast\r\n.\r\nNOOP\r\n"
TEXT = b"Subject: dots\r\n\r\n.one\r\nmid.dle\r\n.\r\n..\r\nlast\r\n"


@pytest.mark.parametrize("cut", range(1, len(WIRE)))
def test_text_cut_anywhere_reads_the_same(cut: int) -> None:
    # every cut point, including the middle of "\r\n." and of the final dot
    session = in_data()
    events, output = converse(session, WIRE[:cut], WIRE[cut:])
    assert merged(events) == [MessageData(TEXT), MessageEnd(len(TEXT))]
    assert replyLines(output) == ["250 2.0.0 OK", "250 2.0.0 OK"]


def test_text_one_byte_at_a_time() -> None:
    session = in_data()
    events, _ = converse(session, *[bytes([b]) for b in WIRE])
    assert merged(events) == [MessageData(TEXT), MessageEnd(len(TEXT))]


@pytest.mark.parametrize("packets", [
    [b"text\r\n", b".", b"\r\n"],
    [b"text\r\n.", b"\r", b"\n"],
    [b"text\r", b"\n.\r\n"],
    [b"text", b"\r\n", b".\r", b"\n"],
])
def test_the_final_dot_split_across_packets(packets: list[bytes]) -> None:
    session = in_data()
    events, _ = converse(session, *packets)
    assert merged(events) == [MessageData(b"text\r\n"), MessageEnd(6)]


def test_an_empty_message() -> None:
    session = in_data()
    events, _ = converse(session, b".\r\n")
    assert events == [MessageEnd(0)]


# ----------------------------------------------------------------- bare LF

def test_bare_lf_is_tolerated_in_commands_and_text() -> None:
    session = greeted()
    events, output = converse(session, b"MAIL FROM:<a@b.example>\nRCPT TO:<c@d.example>\n"
                                       b"DATA\nline one\n..dotted\r\nline\rwith CR\n.\nQUIT\n")
    assert text(events) == b"line one\r\n.dotted\r\nline\rwith CR\r\n"
    assert isinstance(events[-2], MessageEnd) and events[-1] == Quit()


# -------------------------------------------------------------- size limit

def test_a_message_over_the_size_limit_is_refused_at_the_end() -> None:
    session = in_data(maxMessageSize=100)
    events, _ = converse(session, b"x" * 48 + b"\r\n")
    events2, output = converse(session, b"y" * 48 + b"\r\n", b"z" * 48 + b"\r\n", b".\r\nNOOP\r\n")
    events += events2
    assert len(text(events)) == 100                  # never more than the limit
    assert events[-1] == ProtocolError("Message size exceeds fixed maximum message size",
                                       552, "5.3.4")
    assert replyLines(output) == ["552 5.3.4 Message size exceeds fixed maximum message size",
                                  "250 2.0.0 OK"]
    assert session.errors == 0


# ------------------------------------------------------------- recipients

def test_ten_thousand_recipients_are_bounded_by_max_recipients_in_bounded_memory() -> None:
    session = greeted(maxRecipients=100)
    converse(session, b"MAIL FROM:<a@b.example>\r\n")
    packet = b"".join(b"RCPT TO:<user%d@d.example>\r\n" % i for i in range(100))
    answers = {"accepted": 0}

    def count(decision: Decision) -> tuple[int, str]:
        answers["accepted"] += 1
        return (250, "OK")

    refused = 0
    tracemalloc.start()
    try:
        for round in range(100):
            events, output = converse(session, packet, answer=count)
            refused += output.count(b"452 4.5.3 Too many recipients\r\n")
            if round == 10:
                settled = tracemalloc.get_traced_memory()[0]
        grown = tracemalloc.get_traced_memory()[0] - settled
    finally:
        tracemalloc.stop()
    assert answers["accepted"] == 100 and session.recipients == 100
    assert refused == 9900
    assert grown < 20_000                # nothing is kept per recipient
    assert not session.closed and session.errors == 0 and session.buffered == 0


# -------------------------------------------------------- end of the input

def test_a_client_that_disappears_mid_data() -> None:
    session = in_data()
    events, output = converse(session, b"Subject: x\r\n\r\npart of a", b"")
    assert events == [MessageData(b"Subject: x\r\n\r\n"),
                      ProtocolError("the connection closed in the middle of a message")]
    assert output == b"" and session.closed
    assert not any(isinstance(e, MessageEnd) for e in events)


def test_what_came_before_the_end_of_the_input_is_still_read() -> None:
    session = greeted()
    session.receive(b"MAIL FROM:<a@b.example>\r\nQUIT\r\nhalf a comm")
    session.receive(b"")
    assert session.nextEvent() == MailFrom("a@b.example", {})
    assert session.nextEvent() is PAUSED and not session.closed
    session.answer(250)
    assert session.nextEvent() == Quit() and session.closed
    assert session.nextEvent() is NEED_DATA


def test_the_end_of_the_input_between_commands_closes_quietly() -> None:
    session = greeted()
    events, output = converse(session, b"NOOP\r\nNO", b"")
    assert events == [] and output == b"250 2.0.0 OK\r\n" and session.closed
    session.receive(b"NOOP\r\n")                      # after the end: ignored
    assert session.nextEvent() is NEED_DATA


# ------------------------------------------------------------ error limit

def test_max_errors_gives_421_and_closes() -> None:
    session = greeted(maxErrors=3)
    events, output = converse(session, b"BAD1\r\nNOOP\r\nBAD2\r\nBAD3\r\nNOOP\r\n")
    assert replyLines(output) == ["500 5.5.2 Command not recognised", "250 2.0.0 OK",
                                  "500 5.5.2 Command not recognised",
                                  "500 5.5.2 Command not recognised",
                                  "421 4.7.0 mx.example.org Error: too many errors"]
    assert sum(isinstance(e, ProtocolError) for e in events) == 3
    assert session.closed and session.errors == 3


def test_refusals_that_are_not_mistakes_do_not_count() -> None:
    session = greeted(maxErrors=2, maxRecipients=1, maxMessageSize=10)
    converse(session, b"MAIL FROM:<a@b.example> SIZE=11\r\nMAIL FROM:<a@b.example>\r\n"
                      b"RCPT TO:<c@d.example>\r\nRCPT TO:<e@d.example>\r\n"
                      b"RCPT TO:<f@d.example>\r\nDATA\r\n" + b"x" * 20 + b"\r\n.\r\n")
    assert session.errors == 0 and not session.closed


# ------------------------------------------------------------------ answer

def test_answer_without_a_decision_is_an_error() -> None:
    with pytest.raises(RuntimeError, match=r"no decision is waiting for an answer "
                                           r"\(state 'command'\)"):
        greeted().answer(250, "OK")


@pytest.mark.parametrize("pending,code,enhanced,match", [
    (b"MAIL FROM:<a@b.example>", 199, None, r"code must be an int from 200 to 599, not 199"),
    (b"MAIL FROM:<a@b.example>", True, None, r"not True"),
    (b"MAIL FROM:<a@b.example>", 354, None, r"MailFrom takes a 2xx, 4xx or 5xx reply, not 354"),
    (b"MAIL FROM:<a@b.example>", 451, "5.7.1", r"enhanced must be None or a status code of "
                                               r"class 4 like '4.0.0', not '5.7.1'"),
    (b"MAIL FROM:<a@b.example>", 250, "2.1", r"not '2.1'"),
    (ENVELOPE, 250, None, r"DataStart takes 354 or a 4xx/5xx refusal, not 250"),
])
def test_bad_answers_are_refused_by_value(pending: bytes, code: int, enhanced: str | None,
                                          match: str) -> None:
    wanted = DataStart if pending == ENVELOPE else MailFrom
    session = greeted()
    session.receive(pending + b"\r\n" if pending != ENVELOPE else pending)
    while not isinstance(session.pending, wanted):
        if session.nextEvent() is PAUSED:
            session.answer(*accept(session.pending))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=match):
        session.answer(code, "x", enhanced)
    assert session.pending is not None                # still waiting


def test_answer_text_with_newlines_is_a_multi_line_reply() -> None:
    _, output = converse(greeted(), b"MAIL FROM:<a@b.example>\r\n",
                         answer=lambda d: (451, "Greylisted\nsee http://x.example/why", ))
    assert output == (b"451-4.0.0 Greylisted\r\n"
                      b"451 4.0.0 see http://x.example/why\r\n")


def test_an_enhanced_code_leading_the_text_is_used_not_doubled() -> None:
    _, output = converse(greeted(), b"MAIL FROM:<a@b.example>\r\n",
                         answer=lambda d: (451, "4.7.1 Try later"))
    assert output == b"451 4.7.1 Try later\r\n"


def test_upstream_text_cannot_break_the_reply_framing() -> None:
    _, output = converse(greeted(), b"MAIL FROM:<a@b.example>\r\n",
                         answer=lambda d: (550, "x" * 2000 + "\r\nbad\x00byte\x1b é"))
    lines = replyLines(output)
    assert len(lines) == 2 and len(lines[0]) == 510
    assert lines[1] == "550 5.0.0 bad?byte? ?"


def test_a_421_answer_closes_the_session() -> None:
    session = greeted()
    _, output = converse(session, b"MAIL FROM:<a@b.example>\r\nNOOP\r\n",
                         answer=lambda d: (421, "Upstream is going away", "4.3.2"))
    assert output == b"421 4.3.2 Upstream is going away\r\n" and session.closed


def test_close_queues_a_421() -> None:
    session = greeted()
    session.receive(b"MAIL FROM:<a@b.example>\r\n")
    assert isinstance(session.nextEvent(), MailFrom)
    session.close("Timeout", "4.4.2")
    assert session.output() == b"421 4.4.2 mx.example.org Timeout\r\n"
    assert session.closed and session.pending is None and session.nextEvent() is NEED_DATA
    session.close()
    assert session.output() == b""
    session.answer(250, "the check came back after the timeout")    # ignored: closed
    assert session.output() == b""


def test_events_have_short_reprs() -> None:
    assert repr(MessageData(b"x" * 1000)).endswith("...', 1000 bytes)")
    assert repr(MailFrom("a@b", {"SIZE": "1"})) == "MailFrom(address='a@b', params={'SIZE': '1'})"
    assert repr(NEED_DATA) == "NEED_DATA" and repr(PAUSED) == "PAUSED"
    assert "state=command" in repr(SMTPServerSession())
    assert not hasattr(Hello("a", True), "__dict__")
