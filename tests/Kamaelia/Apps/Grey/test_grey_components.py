"""GreySession, GreyServer and friends through real sockets: smtplib (or a raw
client) in front, a real aiosmtpd server behind, the greylist on a clock the
test moves."""

from __future__ import annotations

import logging
import smtplib
import socket
import ssl
import threading
from pathlib import Path
from typing import Any, Iterator

import pytest
import trustme
from hypothesis import HealthCheck, given, settings, strategies as st

from Kamaelia.Apps.Grey.components import (GreylistWorkers, SessionLog, drainSessions,
                                           logLine)
from Kamaelia.Apps.Grey.store import SQLiteStore
from Kamaelia._logthrottle import forgetAll

from greytools import IO_TIMEOUT, GreyRig, SMTPDialogue, Upstream, freePort
from nettools import inScheduler

MESSAGE = (b"From: Alice <alice@example.net>\r\nTo: bob@example.org\r\nSubject: greetings\r\n"
           b"\r\nHello Bob,\r\n.a line that starts with a dot\r\n..and two\r\n.\r\n"
           b"a lone dot above was in the text\r\n")
WHITELISTED = {"whitelist_senders": ["@example.net"]}


@pytest.fixture(autouse=True)
def fresh_log_limiters() -> None:
    forgetAll(report=False)


@pytest.fixture
def rig(tmp_path: Path) -> Iterator[GreyRig]:
    with GreyRig(tmp_path) as running:
        yield running


@pytest.fixture
def open_rig(tmp_path: Path) -> Iterator[GreyRig]:
    """Every sender from example.net whitelisted: the greylist always passes."""
    with GreyRig(tmp_path, **WHITELISTED) as running:
        yield running


def refusals(result: object) -> dict[str, tuple[int, bytes]]:
    assert isinstance(result, smtplib.SMTPRecipientsRefused), result
    return result.recipients


# ------------------------------------------------------------- greylisting

def test_first_attempt_is_deferred_451_4_7_1_and_nothing_reaches_upstream(rig: GreyRig) -> None:
    refused = refusals(rig.sendmail("alice@example.net", ["bob@example.org"], MESSAGE))
    code, text = refused["bob@example.org"]
    assert code == 451 and text.startswith(b"4.7.1 Greylisted")
    assert rig.upstream.messages == []
    assert " | DEFERRED | bob@example.org=greylisted 451 |" in rig.log()[-1]


def test_retry_too_soon_is_deferred_then_after_the_delay_arrives_byte_for_byte(
        rig: GreyRig) -> None:
    rig.sendmail("alice@example.net", ["bob@example.org"], MESSAGE)
    rig.clock.advance(100)
    refused = refusals(rig.sendmail("alice@example.net", ["bob@example.org"], MESSAGE))
    assert refused["bob@example.org"][0] == 451
    rig.clock.advance(250)                           # 350 s after the first: past 300
    assert rig.sendmail("alice@example.net", ["bob@example.org"], MESSAGE) == {}
    [received] = rig.upstream.waitFor(1)
    assert received.sender == "alice@example.net"
    assert received.recipients == ["bob@example.org"]
    assert received.content == MESSAGE
    assert [line.split(" | ")[5] for line in rig.log()] == ["DEFERRED", "DEFERRED", "ACCEPTED"]


def test_a_passed_triplet_passes_at_once_afterwards(rig: GreyRig) -> None:
    rig.sendmail("alice@example.net", ["bob@example.org"], MESSAGE)
    rig.clock.advance(301)
    assert rig.sendmail("alice@example.net", ["bob@example.org"], MESSAGE) == {}
    assert rig.sendmail("alice@example.net", ["bob@example.org"], MESSAGE) == {}
    assert len(rig.upstream.waitFor(2)) == 2


def test_only_the_greylisted_recipient_is_deferred(rig: GreyRig, tmp_path: Path) -> None:
    rig.sendmail("alice@example.net", ["bob@example.org"], MESSAGE)
    rig.clock.advance(301)
    result = rig.sendmail("alice@example.net", ["bob@example.org", "carol@example.org"], MESSAGE)
    assert list(result) == ["carol@example.org"] and result["carol@example.org"][0] == 451
    [received] = rig.upstream.waitFor(1)
    assert received.recipients == ["bob@example.org"]


# --------------------------------------------------------- real-time relay

def test_upstream_550_for_one_recipient_reaches_the_client_for_that_one_only(
        open_rig: GreyRig) -> None:
    open_rig.upstream.refuse["nobody@example.org"] = "550 5.1.1 No such user here"
    result = open_rig.sendmail("alice@example.net", ["bob@example.org", "nobody@example.org"],
                               MESSAGE)
    assert result == {"nobody@example.org": (550, b"5.1.1 No such user here")}
    [received] = open_rig.upstream.waitFor(1)
    assert received.recipients == ["bob@example.org"] and received.content == MESSAGE
    assert "nobody@example.org=whitelisted-sender upstream-refused 550" in open_rig.log()[-1]


def test_upstream_refusing_the_message_is_the_clients_answer(open_rig: GreyRig) -> None:
    open_rig.upstream.refuseData = "554 5.7.1 Message content rejected"
    result = open_rig.sendmail("alice@example.net", ["bob@example.org"], MESSAGE)
    assert isinstance(result, smtplib.SMTPDataError)
    assert (result.smtp_code, result.smtp_error) == (554, b"5.7.1 Message content rejected")
    assert " | REJECTED | " in open_rig.log()[-1]


def test_upstream_refusing_the_sender_is_the_answer_to_each_recipient(open_rig: GreyRig) -> None:
    open_rig.upstream.refuseSender = "553 5.7.1 Sender not welcome"
    refused = refusals(open_rig.sendmail("alice@example.net",
                                         ["bob@example.org", "carol@example.org"], MESSAGE))
    assert refused == {"bob@example.org": (553, b"5.7.1 Sender not welcome"),
                       "carol@example.org": (553, b"5.7.1 Sender not welcome")}


def test_upstream_down_gives_451_4_4_1(tmp_path: Path) -> None:
    dead = Upstream()
    dead.stop()                                      # nothing listens on its port now
    with GreyRig(tmp_path, upstream=dead, smtp_port=freePort(), **WHITELISTED) as rig:
        refused = refusals(rig.sendmail("alice@example.net", ["bob@example.org"], MESSAGE))
        code, text = refused["bob@example.org"]
        assert code == 451 and text.startswith(b"4.4.1")
        assert " | UPSTREAM FAILED | " in rig.log()[-1]


def test_two_messages_and_a_reset_on_one_connection(open_rig: GreyRig) -> None:
    client = open_rig.smtp()
    try:
        assert client.sendmail("alice@example.net", ["bob@example.org"], MESSAGE) == {}
        client.mail("alice@example.net")
        client.rcpt("carol@example.org")
        assert client.rset()[0] == 250
        assert client.sendmail("alice@example.net", ["dave@example.org"], b"second\r\n") == {}
    finally:
        client.quit()
    first, second = open_rig.upstream.waitFor(2)
    assert (first.recipients, second.recipients) == (["bob@example.org"], ["dave@example.org"])
    assert second.content == b"second\r\n"
    assert [line.split(" | ")[5] for line in open_rig.log()] == ["ACCEPTED", "ABORTED",
                                                                "ACCEPTED"]


def test_pipelined_commands_in_one_packet_are_answered_in_order(open_rig: GreyRig) -> None:
    open_rig.upstream.refuse["nobody@example.org"] = "550 5.1.1 No such user"
    with SMTPDialogue(open_rig.port) as client:
        assert client.reply()[0] == 220
        client.send(b"EHLO client.example.net\r\nMAIL FROM:<alice@example.net>\r\n"
                    b"RCPT TO:<bob@example.org>\r\nRCPT TO:<nobody@example.org>\r\nDATA\r\n")
        replies = client.replies(5)
        assert [code for code, _ in replies] == [250, 250, 250, 550, 354]
        assert "PIPELINING" in replies[0][1]
        client.send(MESSAGE.replace(b"\r\n.", b"\r\n..") + b".\r\nQUIT\r\n")
        assert [code for code, _ in client.replies(2)] == [250, 221]
    [received] = open_rig.upstream.waitFor(1)
    assert received.content == MESSAGE and received.recipients == ["bob@example.org"]


# --------------------------------------------------------------- bad input

def test_garbage_and_overlong_lines_are_refused_and_the_server_goes_on(open_rig: GreyRig) -> None:
    with SMTPDialogue(open_rig.port) as client:
        assert client.reply()[0] == 220
        assert client.command("\x00\x01garbage \xff")[0] == 500
        client.send(b"HELO " + b"x" * 3000 + b"\r\n")
        assert client.reply()[0] == 500
        assert client.command("MAIL FROM:<alice@example.net>")[0] == 503     # no HELO yet
        assert client.command("EHLO ok.example")[0] == 250
    client = socket.create_connection(("127.0.0.1", open_rig.port), timeout=IO_TIMEOUT)
    client.sendall(bytes(range(256)) * 40)           # binary noise, then gone
    client.close()
    assert open_rig.sendmail("alice@example.net", ["bob@example.org"], MESSAGE) == {}
    assert len(open_rig.upstream.waitFor(1)) == 1


def test_a_client_that_leaves_in_the_middle_of_data_delivers_nothing(open_rig: GreyRig) -> None:
    with SMTPDialogue(open_rig.port) as client:
        client.reply()
        for line in ("EHLO c.example.net", "MAIL FROM:<alice@example.net>",
                     "RCPT TO:<bob@example.org>"):
            assert client.command(line)[0] == 250
        assert client.command("DATA")[0] == 354
        client.send(b"Subject: half\r\n\r\nonly half of it")
    # The next message arrives alone: the first never got its final dot.
    assert open_rig.sendmail("alice@example.net", ["carol@example.org"], b"whole\r\n") == {}
    [received] = open_rig.upstream.waitFor(1)
    assert received.content == b"whole\r\n"
    inScheduler(lambda: None, when=lambda: any(" | ABORTED | " in line
                                               for line in open_rig.log()))


def test_8bit_data_without_8bitmime_is_refused_whole(open_rig: GreyRig) -> None:
    with SMTPDialogue(open_rig.port) as client:
        client.reply()
        for line in ("EHLO c.example.net", "MAIL FROM:<alice@example.net>",
                     "RCPT TO:<bob@example.org>"):
            assert client.command(line)[0] == 250
        assert client.command("DATA")[0] == 354
        client.send("Subject: caf\u00e9\r\n\r\nna\u00efve\r\n.\r\n".encode())
        code, text = client.reply()
        assert (code, text[:5]) == (554, "5.6.1")
        # With BODY=8BITMIME the same bytes go through.
        assert client.command("MAIL FROM:<alice@example.net> BODY=8BITMIME")[0] == 250
        assert client.command("RCPT TO:<bob@example.org>")[0] == 250
        assert client.command("DATA")[0] == 354
        client.send("Subject: caf\u00e9\r\n\r\nna\u00efve\r\n.\r\n".encode())
        assert client.reply()[0] == 250
    [received] = open_rig.upstream.waitFor(1)
    assert received.content == "Subject: caf\u00e9\r\n\r\nna\u00efve\r\n".encode()
    assert "BODY=8BITMIME" in received.params


def test_a_message_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    with GreyRig(tmp_path, max_message_size=1000, **WHITELISTED) as rig:
        with SMTPDialogue(rig.port) as client:
            client.reply()
            assert "SIZE 1000" in client.command("EHLO c.example.net")[1]
            code, text = client.command("MAIL FROM:<alice@example.net> SIZE=5000")
            assert (code, text[:5]) == (552, "5.3.4")
            assert client.command("MAIL FROM:<alice@example.net>")[0] == 250
            assert client.command("RCPT TO:<bob@example.org>")[0] == 250
            assert client.command("DATA")[0] == 354
            client.send((b"x" * 70 + b"\r\n") * 30 + b".\r\n")
            code, text = client.reply()
            assert (code, text[:5]) == (552, "5.3.4")
        assert rig.sendmail("alice@example.net", ["bob@example.org"], b"small\r\n") == {}
        [received] = rig.upstream.waitFor(1)
        assert received.content == b"small\r\n"


def test_ten_thousand_recipients_are_bounded_by_max_recipients(open_rig: GreyRig) -> None:
    count = 10_000
    replies: list[tuple[int, str]] = []
    with SMTPDialogue(open_rig.port) as client:
        client.reply()
        assert client.command("EHLO many.example.net")[0] == 250
        assert client.command("MAIL FROM:<alice@example.net>")[0] == 250
        reader = threading.Thread(target=lambda: replies.extend(client.replies(count)))
        reader.start()                 # (read while writing, or both sides would block)
        client.send(b"".join(b"RCPT TO:<user%d@example.org>\r\n" % i for i in range(count)))
        reader.join(IO_TIMEOUT * 3)
        assert not reader.is_alive()
        assert [code for code, _ in replies].count(250) == 100
        assert all(code == 452 and text.startswith("4.5.3") for code, text in replies[100:])
        assert client.command("DATA")[0] == 354
        client.send(b"to many\r\n.\r\n")
        assert client.reply()[0] == 250
    [received] = open_rig.upstream.waitFor(1)
    assert len(received.recipients) == 100


def test_an_idle_client_gets_421_after_the_inactivity_timeout(tmp_path: Path) -> None:
    with GreyRig(tmp_path, inactivity_timeout=0.3) as rig:
        with SMTPDialogue(rig.port) as client:
            assert client.reply()[0] == 220
            assert client.command("EHLO slow.example.net")[0] == 250
            code, text = client.reply()              # then nothing: wait for the server
            assert (code, text[:5]) == (421, "4.4.2")
            assert client.closed()


def test_a_failing_greylist_defers_with_451_4_3_0(tmp_path: Path,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    from Kamaelia.Apps.Grey.service import GreyService
    from nettools import Background
    from greytools import greyConfig

    broken = SQLiteStore(tmp_path / "broken.sqlite")
    broken.close()                                   # every use raises StoreError now
    with Upstream() as upstream:
        service = GreyService(greyConfig(tmp_path, upstream.port), host="127.0.0.1",
                              store=broken)
        with caplog.at_level(logging.ERROR), Background(service):
            client = smtplib.SMTP("127.0.0.1", service.smtpPort, timeout=IO_TIMEOUT)
            try:
                client.ehlo()
                client.mail("alice@example.net")
                code, text = client.rcpt("bob@example.org")
            finally:
                client.quit()
    assert (code, text[:5]) == (451, b"4.3.0")
    assert any("greylist check" in r.getMessage() for r in caplog.records)


# --------------------------------------------------------------------- TLS

@pytest.fixture
def certificate(tmp_path: Path) -> tuple[trustme.CA, Path, Path]:
    ca = trustme.CA()
    cert = ca.issue_cert("grey.test", "127.0.0.1")
    chain, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert.private_key_pem.write_to_path(str(key))
    cert.cert_chain_pems[0].write_to_path(str(chain))
    return ca, chain, key


def test_starttls_with_a_trustme_certificate(tmp_path: Path,
                                             certificate: tuple[trustme.CA, Path, Path]) -> None:
    ca, chain, key = certificate
    context = ssl.create_default_context()
    ca.configure_trust(context)
    with GreyRig(tmp_path, tls_certificate=str(chain), tls_key=str(key), **WHITELISTED) as rig:
        client = smtplib.SMTP("127.0.0.1", rig.port, timeout=IO_TIMEOUT)
        try:
            client.ehlo("c.example.net")
            assert client.has_extn("starttls")
            client._host = "grey.test"               # the name the certificate is for
            assert client.starttls(context=context)[0] == 220
            assert client.sock.version() in ("TLSv1.2", "TLSv1.3")
            client.ehlo("c.example.net")
            assert not client.has_extn("starttls")   # not twice
            assert client.sendmail("alice@example.net", ["bob@example.org"], MESSAGE) == {}
        finally:
            client.quit()
        [received] = rig.upstream.waitFor(1)
        assert received.content == MESSAGE


def test_no_starttls_without_a_certificate(open_rig: GreyRig) -> None:
    client = open_rig.smtp()
    try:
        client.ehlo("c.example.net")
        assert not client.has_extn("starttls")
        assert client.docmd("STARTTLS")[0] in (500, 502)
    finally:
        client.quit()


def test_data_sent_in_the_clear_after_starttls_closes_the_connection(
        tmp_path: Path, certificate: tuple[trustme.CA, Path, Path]) -> None:
    ca, chain, key = certificate
    with GreyRig(tmp_path, tls_certificate=str(chain), tls_key=str(key)) as rig:
        with SMTPDialogue(rig.port) as client:
            client.reply()
            client.command("EHLO c.example.net")
            client.send(b"STARTTLS\r\nMAIL FROM:<injected@example.net>\r\n")
            assert client.reply()[0] == 220
            client.send(b"RCPT TO:<bob@example.org>\r\n")      # not a TLS handshake
            assert client.closed()


# ------------------------------------------------------------------ drains

def test_draining_closes_idle_sessions_with_421_and_lets_a_transaction_finish(
        open_rig: GreyRig) -> None:
    with SMTPDialogue(open_rig.port) as idle, SMTPDialogue(open_rig.port) as busy:
        idle.reply(), busy.reply()
        assert idle.command("EHLO idle.example.net")[0] == 250
        for line in ("EHLO busy.example.net", "MAIL FROM:<alice@example.net>",
                     "RCPT TO:<bob@example.org>"):
            assert busy.command(line)[0] == 250
        inScheduler(lambda: open_rig.service._deliver(drainSessions(30), "control"))
        code, text = idle.reply()
        assert (code, text[:5]) == (421, "4.3.2") and idle.closed()
        with pytest.raises(OSError):                  # no longer listening
            socket.create_connection(("127.0.0.1", open_rig.port), timeout=IO_TIMEOUT)
        assert busy.command("DATA")[0] == 354
        busy.send(b"finished\r\n.\r\n")
        assert busy.reply()[0] == 250
        code, text = busy.reply()                     # then it is told to go too
        assert (code, text[:5]) == (421, "4.3.2") and busy.closed()
    [received] = open_rig.upstream.waitFor(1)
    assert received.content == b"finished\r\n"
    open_rig.background.thread.join(IO_TIMEOUT)       # the service ended by itself
    assert not open_rig.background.thread.is_alive()


def test_after_the_grace_period_a_message_under_way_is_abandoned(open_rig: GreyRig) -> None:
    with SMTPDialogue(open_rig.port) as busy:
        busy.reply()
        for line in ("EHLO busy.example.net", "MAIL FROM:<alice@example.net>",
                     "RCPT TO:<bob@example.org>"):
            assert busy.command(line)[0] == 250
        assert busy.command("DATA")[0] == 354
        busy.send(b"the start of a message\r\n")
        inScheduler(lambda: open_rig.service._deliver(drainSessions(0.05), "control"))
        code, text = busy.reply()
        assert (code, text[:5]) == (421, "4.3.2") and busy.closed()
    open_rig.background.thread.join(IO_TIMEOUT)
    assert not open_rig.background.thread.is_alive()
    assert open_rig.upstream.messages == []


# ------------------------------------------------------------------- parts

def test_the_session_log_line_has_1_14s_fields_and_the_outcomes() -> None:
    line = logLine("mx.example.net", "192.0.2.1", "a@example.net", ["b@x.org", "c@x.org"],
                   "ACCEPTED", ["b@x.org=passed 250", "c@x.org=greylisted 451"], now=0.5)
    assert line == ("19700101000000.500 | mx.example.net | 192.0.2.1 | a@example.net | "
                    "b@x.org, c@x.org | ACCEPTED | b@x.org=passed 250, c@x.org=greylisted 451 |")


def test_the_session_log_follows_a_rotated_file(tmp_path: Path) -> None:
    path = tmp_path / "greylist.log"
    log = SessionLog(str(path))
    log.write("one")
    path.rename(tmp_path / "greylist.log.1")         # what logrotate does
    log.write("two")
    log.close()
    assert (tmp_path / "greylist.log.1").read_text() == "one\n"
    assert path.read_text() == "two\n"


def test_workers_deliver_results_and_errors_and_refuse_a_bad_thread_count() -> None:
    class Target:
        def __init__(self) -> None:
            self.got: list[tuple[object, object, object]] = []
            self.done = threading.Event()

        def _deliver(self, message: tuple[object, object, object], box: str) -> None:
            assert box == "_verdict"
            self.got.append(message)
            if len(self.got) == 2:
                self.done.set()

    target = Target()
    workers = GreylistWorkers(threads=1)
    workers.submit(target, 1, lambda x: x * 2, 21)
    workers.submit(target, 2, lambda: 1 / 0)
    assert target.done.wait(IO_TIMEOUT)
    workers.close()
    assert target.got[0] == (1, 42, None)
    assert target.got[1][0] == 2 and isinstance(target.got[1][2], ZeroDivisionError)
    workers.submit(target, 3, int)                   # after close: an error, not a hang
    assert isinstance(target.got[2][2], RuntimeError)
    with pytest.raises(ValueError, match="threads must be >= 1, not 0"):
        GreylistWorkers(threads=0)


def test_drain_sessions_message() -> None:
    assert repr(drainSessions(5, final=True)) == "drainSessions(grace=5, final=True)"


# ------------------------------------------------------------------- fuzzing

_PIECES = [b"EHLO fuzz.example.net\r\n", b"HELO x\r\n", b"MAIL FROM:<a@example.net>\r\n",
           b"MAIL FROM:<> BODY=8BITMIME SIZE=10\r\n", b"RCPT TO:<b@example.org>\r\n",
           b"DATA\r\n", b"text\r\n", b".\r\n", b"..\r\n", b"RSET\r\n", b"NOOP\r\n",
           b"STARTTLS\r\n", b"QUIT\r\n", b"\r\n", b"\n", b"\xff\xfe\x00"]


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(chunks=st.lists(st.one_of(st.binary(max_size=80), st.sampled_from(_PIECES)),
                       max_size=12))
def test_fuzzed_input_never_breaks_a_session(chunks: list[bytes]) -> None:
    """Random and mutated conversations, the real server unreachable: the session
    answers only with replies, and ends once the client has gone."""
    from Kamaelia.Apps.Grey.components import GreySession
    from Kamaelia.Apps.Grey.config import GreyConfig
    from Kamaelia.Apps.Grey.policy import Greylist
    from Kamaelia.IPC import socketShutdown
    from componentharness import attach
    from nettools import runScheduler

    config = GreyConfig(smtp_port=freePort(), allowed_senders=[], greylist_log=None,
                        whitelist_senders=["example.net"], db=":memory:")
    store = SQLiteStore(":memory:")
    workers = GreylistWorkers(threads=1)
    try:
        session = GreySession(config, Greylist(config, store), workers, peer="192.0.2.1")
        session.inboxes["inbox"].extend(chunks)
        session.inboxes["control"].append(socketShutdown())
        sink = attach(session)
        runScheduler()
        assert session._isStopped()
        replies = b"".join(sink.got)
        assert replies.startswith(b"220 ")
        assert all(line[:3].isdigit() for line in replies.split(b"\r\n")[:-1]), replies
    finally:
        workers.close()
        store.close()


_LINE = st.text(alphabet=st.sampled_from(list("abc .\t-:") + ["."]), max_size=30)


def test_any_message_text_arrives_byte_for_byte(tmp_path: Path) -> None:
    """Messages of lines with dots anywhere (a lone ".", "..", ". " at the start,
    dots at the end), sent by smtplib through Grey, reach the real server as
    they were: dot-stuffing is undone and redone exactly."""
    with GreyRig(tmp_path, **WHITELISTED) as rig:
        client = rig.smtp()
        sent: list[bytes] = []

        @settings(max_examples=40, deadline=None, derandomize=True,
                  suppress_health_check=[HealthCheck.too_slow])
        @given(lines=st.lists(_LINE, min_size=1, max_size=12))
        def relay(lines: list[str]) -> None:
            text = "".join(line + "\r\n" for line in lines).encode()
            sent.append(text)
            assert client.sendmail("alice@example.net", ["bob@example.org"], text) == {}
            assert rig.upstream.waitFor(len(sent))[-1].content == text

        try:
            relay()
        finally:
            client.quit()


# ---------------------------------------------------- reusing connections

def test_a_second_client_reuses_the_idle_connection_to_the_real_server(
        open_rig: GreyRig) -> None:
    for n in range(3):
        assert open_rig.sendmail("alice@example.net", [f"u{n}@example.org"], MESSAGE) == {}
    assert len(open_rig.upstream.waitFor(3)) == 3
    assert open_rig.upstream.connections == 1
    assert open_rig.service.upstreamPool.reuses == 2


def test_a_pooled_connection_the_real_server_closed_is_not_used(tmp_path: Path) -> None:
    upstream = Upstream(timeout=0.2)          # aiosmtpd drops idle sessions (421)
    with GreyRig(tmp_path, upstream=upstream, **WHITELISTED) as rig:
        assert rig.sendmail("alice@example.net", ["bob@example.org"], MESSAGE) == {}
        pool = rig.service.upstreamPool
        inScheduler(lambda: None, when=lambda: len(pool) == 1
                    and pool._parked[0].client._isStopped())
        assert rig.sendmail("alice@example.net", ["carol@example.org"], MESSAGE) == {}
        assert [m.recipients for m in upstream.waitFor(2)] == [["bob@example.org"],
                                                               ["carol@example.org"]]
        assert upstream.connections == 2 and pool.reuses == 0


class OneMessagePerConnection:
    """A raw SMTP server that takes one message per connection and answers the
    next MAIL FROM with 421 and closes: what a reused connection can meet."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.messages: list[bytes] = []
        self.connections = 0
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                sock, _ = self.listener.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._session, args=(sock,), daemon=True).start()

    def _session(self, sock: socket.socket) -> None:
        reader = sock.makefile("rb")
        sock.sendall(b"220 raw.test ESMTP\r\n")
        delivered = False
        with sock, reader:
            for line in reader:
                command = line[:4].upper()
                if command == b"EHLO":
                    sock.sendall(b"250-raw.test\r\n250 PIPELINING\r\n")
                elif command == b"MAIL" and delivered:
                    sock.sendall(b"421 4.4.2 raw.test closing\r\n")
                    return
                elif command in (b"MAIL", b"RCPT"):
                    sock.sendall(b"250 OK\r\n")
                elif command == b"DATA":
                    sock.sendall(b"354 go\r\n")
                    text = b"".join(iter(reader.readline, b".\r\n"))
                    self.messages.append(text)
                    delivered = True
                    sock.sendall(b"250 2.0.0 taken\r\n")
                elif command == b"QUIT":
                    sock.sendall(b"221 bye\r\n")
                    return

    def close(self) -> None:
        self.listener.close()


def test_a_reused_connection_that_fails_at_once_is_replaced_transparently(
        tmp_path: Path) -> None:
    raw = OneMessagePerConnection()
    dead = Upstream()
    dead.stop()
    try:
        with GreyRig(tmp_path, upstream=dead, smtp_port=raw.port, **WHITELISTED) as rig:
            assert rig.sendmail("alice@example.net", ["bob@example.org"], b"one\r\n") == {}
            assert rig.sendmail("alice@example.net", ["bob@example.org"], b"two\r\n") == {}
            assert raw.messages == [b"one\r\n", b"two\r\n"]
            assert raw.connections == 2
    finally:
        raw.close()


def test_a_bad_pool_size_or_idle_timeout_is_refused() -> None:
    from Kamaelia.Apps.Grey.components import UpstreamPool
    with pytest.raises(ValueError, match="size must be an int >= 0, not -1"):
        UpstreamPool(size=-1)
    with pytest.raises(ValueError, match="idleTimeout must be a finite number > 0, not 0"):
        UpstreamPool(idleTimeout=0)
    assert len(UpstreamPool(size=0)) == 0


@pytest.mark.parametrize("gently", [True, False])
def test_closing_the_pool_quits_parked_sessions_or_cuts_them(gently: bool,
                                                             fresh_scheduler: Any) -> None:
    from Axon.Ipc import producerFinished, shutdownMicroprocess
    from Kamaelia.Apps.Grey.components import UpstreamPool, _Upstream
    from Kamaelia.Internet.TCPClient import TCPClient

    pool = UpstreamPool(size=2)
    up = _Upstream(TCPClient("127.0.0.1", 9))        # never activated: only its boxes
    assert pool.give(up, fresh_scheduler)
    pool.close(gently=gently)
    control = list(up.client.inboxes["control"])
    said = list(up.client.inboxes["inbox"])
    if gently:
        assert said == [b"QUIT\r\n"] and isinstance(control[0], producerFinished)
    else:
        assert said == [] and isinstance(control[0], shutdownMicroprocess)
    assert len(pool) == 0 and up.timer is None


def test_a_stop_now_cuts_connections_still_saying_quit(fresh_scheduler: Any) -> None:
    from Axon.Ipc import shutdownMicroprocess
    from Kamaelia.Apps.Grey.components import UpstreamPool
    from Kamaelia.Internet.TCPClient import TCPClient

    pool = UpstreamPool(size=2)
    leaving = TCPClient("127.0.0.1", 9)               # never activated: only its boxes
    pool.leaving(leaving)
    pool.close(gently=True)                           # a gentle stop lets it finish
    assert not leaving.inboxes["control"].q
    pool.leaving(leaving)
    pool.close(gently=False)
    assert [type(m) for m in leaving.inboxes["control"]] == [shutdownMicroprocess]
