"""Kamaelia Grey 1.14's modules: the whole 1.14 surface is there, and 1.14-style
code (ConcreteMailHandler / GreyListingPolicy subclasses, PeriodicWakeup, the
introspector) works, relaying to a real aiosmtpd server."""

from __future__ import annotations

import smtplib
from pathlib import Path
from typing import Any, Iterator

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import surface114
from Axon.Component import component
from Axon.Ipc import producerFinished, shutdownMicroprocess
from Kamaelia.Apps.Grey.ConcreteMailHandler import ConcreteMailHandler
from Kamaelia.Apps.Grey.GreyListingPolicy import GreyListingPolicy, closeGreylists, logStamp
from Kamaelia.Apps.Grey.MailHandler import MailHandler, lineBytes
from Kamaelia.Apps.Grey.PeriodicWakeup import PeriodicWakeup
from Kamaelia.Apps.Grey.WakeableIntrospector import (LoggingWakeableIntrospector,
                                                     WakeableIntrospector)
from Kamaelia.Chassis.ConnectedServer import ServerCore
from Kamaelia.IPC import socketShutdown
from Kamaelia._logthrottle import forgetAll

from componentharness import run
from greytools import IO_TIMEOUT, SMTPDialogue, Upstream, freePort
from nettools import Background, runScheduler

# Kamaelia 1.14.32's surface of these modules (from its API inventory).
SURFACE_114: dict[str, dict[str, Any]] = {
    "Kamaelia.Apps.Grey.ConcreteMailHandler": {"classes": {"ConcreteMailHandler": {
        "Inboxes": ["inbox", "control", "tcp_inbox", "tcp_control"],
        "Outboxes": ["outbox", "signal", "tcp_outbox", "tcp_signal"],
        "attributes": ["peer", "peerport", "local", "localport", "servername", "serverid",
                       "smtp_ip", "smtp_port"],
        "bases": ["MailHandler"],
        "methods": {"RelayError": "(self)", "__init__": "(self, **argv)",
                    "acceptMail": "(self)", "connectToRealSMTPServer": "(self)",
                    "deferMail": "(self)", "error": "(self, message)",
                    "getline_fromsmtpserver": "(self)", "handleConnect": "(self)",
                    "handleData": "(self, command)", "handleDisconnect": "(self)",
                    "handleEhlo": "(self, command)", "handleHelo": "(self, command)",
                    "handleHelp": "(self, command)", "handleMail": "(self, command)",
                    "handleNoop": "(self, command)", "handleQuit": "(self, command)",
                    "handleRcpt": "(self, command)", "handleRset": "(self, command)",
                    "handleVrfy": "(self, command)", "shouldWeAcceptMail": "(self)"}}},
        "names": ["__kamaelia_components__"]},
    "Kamaelia.Apps.Grey.GreyListingPolicy": {"classes": {"GreyListingPolicy": {
        "attributes": ["allowed_senders", "allowed_sender_nets", "allowed_domains"],
        "bases": ["ConcreteMailHandler"],
        "methods": {"isGreylisted": "(self, recipient)", "logResult": "(self)",
                    "sentFromAllowedIPAddress": "(self)", "sentFromAllowedNetwork": "(self)",
                    "sentToADomainWeForwardFor": "(self)", "shouldWeAcceptMail": "(self)",
                    "whiteListed": "(self, recipient)"}}},
        "names": ["__kamaelia_components__"]},
    "Kamaelia.Apps.Grey.MailHandler": {"classes": {"MailHandler": {
        "attributes": ["logfile", "debuglogfile"],
        "bases": ["Axon.Component.component"],
        "methods": {"__init__": "(self, **argd)", "getline": "(self)",
                    "handleCommand": "(self, command)", "handleConnect": "(self)",
                    "handleData": "(self, command)", "handleDisconnect": "(self)",
                    "handleEhlo": "(self, command)", "handleHelo": "(self, command)",
                    "handleHelp": "(self, command)", "handleMail": "(self, command)",
                    "handleNoop": "(self, command)", "handleQuit": "(self, command)",
                    "handleRcpt": "(self, command)", "handleRset": "(self, command)",
                    "handleVrfy": "(self, command)", "lastline": "(self)",
                    "logResult": "(self)", "logging_recv_connection": "(self)",
                    "main": "(self)", "netPrint": "(self, *args)",
                    "noteToDebugLog": "(self, line)", "noteToLog": "(self, line)"}}},
        "names": ["__kamaelia_components__"]},
    "Kamaelia.Apps.Grey.PeriodicWakeup": {"classes": {"PeriodicWakeup": {
        "attributes": ["interval", "message"],
        "bases": ["Axon.ThreadedComponent.threadedcomponent"],
        "methods": {"main": "(self)"}}},
        "names": ["__kamaelia_components__"]},
    "Kamaelia.Apps.Grey.WakeableIntrospector": {"classes": {"WakeableIntrospector": {
        "bases": ["Axon.Component.component"], "methods": {"main": "(self)"}}},
        "functions": {"LoggingWakeableIntrospector": "(logfile='greylist-debug.log')"},
        "names": ["__kamaelia_components__", "__kamaelia_prefabs__"]},
}

MESSAGE = b"Subject: old style\r\n\r\nhello\r\n.dotted\r\n"


@pytest.fixture(autouse=True)
def fresh_state() -> Iterator[None]:
    forgetAll(report=False)
    yield
    closeGreylists()


@pytest.mark.parametrize("module", sorted(SURFACE_114))
def test_the_1_14_surface_is_all_here(module: str) -> None:
    assert [str(p) for p in surface114.problems(module, SURFACE_114[module])] == []


# ------------------------------------------------------- PeriodicWakeup

class TwoTicks(component):
    """Takes two ticks, then tells the ticker to stop and waits for its signal."""

    Outboxes = ["outbox", "signal", "stop"]

    def __init__(self) -> None:
        super().__init__()
        self.got: list[Any] = []
        self.ended: list[Any] = []

    def main(self) -> Iterator[Any]:
        while len(self.got) < 2:
            self.got.extend(self.Inbox("inbox"))
            if len(self.got) < 2:
                self.pause()
                yield 1
        self.send(producerFinished(self), "stop")
        while not self.dataReady("control"):
            self.pause()
            yield 1
        self.ended.append(self.recv("control"))


def test_periodic_wakeup_ticks_and_passes_its_shutdown_on() -> None:
    ticker = PeriodicWakeup(interval=0.02, message="tock")
    taker = TwoTicks()
    taker.link((ticker, "outbox"), (taker, "inbox"))
    taker.link((ticker, "signal"), (taker, "control"))
    taker.link((taker, "stop"), (ticker, "control"))
    ticker.activate()
    taker.activate()
    runScheduler()
    assert taker.got[:2] == ["tock", "tock"]
    assert [type(m) for m in taker.ended] == [producerFinished]


def test_periodic_wakeup_refuses_a_bad_interval() -> None:
    with pytest.raises(ValueError, match="interval must be a finite number > 0, not 0"):
        PeriodicWakeup(interval=0)


# -------------------------------------------------- WakeableIntrospector

def test_the_introspector_lists_the_components_when_woken_and_ends_on_control() -> None:
    probe = WakeableIntrospector()
    stop = shutdownMicroprocess()
    sink = run(probe, inbox=["wake up"], control=[stop])
    assert sink.control == [stop]
    assert sink.got, "nothing was listed"
    assert all(names == sorted(names) for names in sink.got)
    assert any(probe.name in names for names in sink.got)


def test_the_logging_introspector_appends_1_14s_debug_lines(tmp_path: Path) -> None:
    logfile = tmp_path / "greylist-debug.log"
    prefab = LoggingWakeableIntrospector(logfile=str(logfile))
    run(prefab, control=[producerFinished()])
    lines = logfile.read_text().splitlines()
    assert lines and lines[0].startswith("*debug* THREADS['")


# ----------------------------------------------------------- MailHandler

class Agreeable(MailHandler):
    """The module docstring's example: a server that says yes to everything."""

    def __init__(self, **argd: Any) -> None:
        super().__init__(**argd)
        self.message: list[str] = []

    def handleConnect(self) -> None:
        self.netPrint("220 agreeable.example ESMTP")

    def handleHelo(self, command: list[str]) -> None:
        self.netPrint("250 agreeable.example")

    handleMail = handleRcpt = handleNoop = handleHelo

    def handleData(self, command: list[str]) -> None:
        self.gettingdata = True

    def handleQuit(self, command: list[str]) -> None:
        self.netPrint("221 bye")
        self.breakConnection = True

    def messageLine(self, line: str) -> None:
        self.message.append(line)


def test_mail_handler_reads_lines_however_the_packets_cut_them() -> None:
    handler = Agreeable()
    chunks = [b"HE", b"LO a\r\nMAIL FROM:<a@b>\r\nRC", b"PT TO:<c@d>\nDATA\r\nline one\r\n.",
              b"dotted\r\n\xff\xfe\r\n.\r\nQUIT\r\n"]
    sink = run(handler, inbox=chunks)
    replies = b"".join(sink.got).decode().split("\r\n")
    assert replies[:6] == ["220 agreeable.example ESMTP", "250 agreeable.example",
                           "250 agreeable.example", "250 agreeable.example",
                           '354 Enter message, ending with "." on a line by itself',
                           "250 OK id-deferred"]
    assert replies[6] == "221 bye"
    assert [lineBytes(line) for line in handler.message] == [b"line one\r\n", b".dotted\r\n",
                                                             b"\xff\xfe\r\n"]
    assert isinstance(sink.control[0], producerFinished)


def test_mail_handler_refuses_an_unknown_command_and_ends() -> None:
    sink = run(MailHandler(), inbox=[b"FROB nicate\r\nHELO late\r\n"])
    assert b"".join(sink.got) == b"500 Sorry we don't like broken mailers\r\n"


def test_mail_handler_ends_when_the_client_goes() -> None:
    handler = Agreeable()
    sink = run(handler, inbox=[b"HELO a\r\n"], control=[socketShutdown()])
    assert b"".join(sink.got).count(b"\r\n") == 2     # greeting, one answer
    assert handler.breakConnection


def test_mail_handler_refuses_an_endless_line(tmp_path: Path) -> None:
    sink = run(Agreeable(debuglogfile=str(tmp_path / "debug.log")),
               inbox=[b"x" * 70000])
    assert b"".join(sink.got).endswith(b"500 5.5.6 Line too long\r\n")
    assert (tmp_path / "debug.log").read_text().splitlines()[-1] == "500 5.5.6 Line too long"


@settings(max_examples=80, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(st.binary(max_size=64),
                          st.sampled_from([b"HELO x\r\n", b"MAIL FROM:<a@b>\r\n",
                                           b"RCPT TO:<c@d>\r\n", b"DATA\r\n", b".\r\n",
                                           b"RSET\r\n", b"\r\n", b"\n", b"QUIT\r\n"])),
                max_size=12))
def test_fuzzed_input_never_breaks_a_concrete_mail_handler(chunks: list[bytes]) -> None:
    class Eager(ConcreteMailHandler):
        smtp_port = freePort()                 # nothing there: relaying fails, 451

        def shouldWeAcceptMail(self) -> bool:
            return True

    handler = Eager(logfile=None)
    sink = run(handler, inbox=chunks, control=[socketShutdown()])
    assert handler._isStopped()
    for line in b"".join(sink.got).split(b"\r\n")[:-1]:
        assert line[:3].isdigit(), line


# ------------------------------------------- ConcreteMailHandler, for real

@pytest.fixture
def upstream() -> Iterator[Upstream]:
    with Upstream() as server:
        yield server


def serve(protocol: type) -> Background:
    return Background(ServerCore(protocol=protocol, port=0, host="127.0.0.1"))


def test_a_spam_me_handler_relays_byte_for_byte(upstream: Upstream, tmp_path: Path) -> None:
    class SpamMeHandler(ConcreteMailHandler):
        smtp_ip, smtp_port = "127.0.0.1", upstream.port
        logfile = str(tmp_path / "log")

        def shouldWeAcceptMail(self) -> bool:
            return True

    with serve(SpamMeHandler) as running:
        client = smtplib.SMTP("127.0.0.1", running.component.port, timeout=IO_TIMEOUT)
        try:
            assert client.ehlo("c.example.net")[0] == 250      # 1.14 refused EHLO
            assert client.sendmail("a@example.net", ["b@example.org"], MESSAGE) == {}
            assert client.sendmail("a@example.net", ["c@example.org"], b"two\r\n") == {}
        finally:
            client.quit()
    first, second = upstream.waitFor(2)
    assert first.content == MESSAGE and first.recipients == ["b@example.org"]
    assert second.content == b"two\r\n"


def test_by_default_nothing_is_accepted(upstream: Upstream) -> None:
    class Configured(ConcreteMailHandler):
        smtp_port = upstream.port

    with serve(Configured) as running, SMTPDialogue(running.component.port) as client:
        assert client.reply()[0] == 220
        for line in ("HELO c.example.net", "MAIL FROM:<a@example.net>",
                     "RCPT TO:<b@example.org>"):
            assert client.command(line)[0] == 250
        assert client.command("DATA") == (451, "4.7.1 Please try again later")
        assert client.closed()
    assert upstream.messages == []


def test_an_upstream_refusal_refuses_the_message_naming_the_recipient(
        upstream: Upstream) -> None:
    upstream.refuse["nobody@example.org"] = "550 5.1.1 No such user"

    class Eager(ConcreteMailHandler):
        smtp_port = upstream.port
        logfile = None

        def shouldWeAcceptMail(self) -> bool:
            return True

    with serve(Eager) as running, SMTPDialogue(running.component.port) as client:
        client.reply()
        for line in ("HELO c.example.net", "MAIL FROM:<a@example.net>",
                     "RCPT TO:<b@example.org>", "RCPT TO:<nobody@example.org>"):
            assert client.command(line)[0] == 250
        assert client.command("DATA") == (550, "<nobody@example.org>: 5.1.1 No such user")
        assert client.command("QUIT")[0] == 221
    assert upstream.messages == []


def test_an_unreachable_real_server_gives_451(tmp_path: Path) -> None:
    class Eager(ConcreteMailHandler):
        smtp_port = freePort()
        logfile = None

        def shouldWeAcceptMail(self) -> bool:
            return True

    with serve(Eager) as running, SMTPDialogue(running.component.port) as client:
        client.reply()
        for line in ("HELO c.example.net", "MAIL FROM:<a@example.net>",
                     "RCPT TO:<b@example.org>"):
            assert client.command(line)[0] == 250
        code, text = client.command("DATA")
        assert (code, text[:5]) == (451, "4.4.1")


def test_the_strict_state_machine_of_1_14(upstream: Upstream) -> None:
    class Configured(ConcreteMailHandler):
        smtp_port = upstream.port

    with serve(Configured) as running:
        with SMTPDialogue(running.component.port) as client:
            client.reply()
            assert client.command("MAIL FROM:<a@example.net>") == (503, "5.5.2 Send hello first")
            assert client.command("VRFY bob")[0] == 252
            assert client.command("HELO")[0] == 501      # then closed: 1.14 is strict
            assert client.closed()
        with SMTPDialogue(running.component.port) as client:
            client.reply()
            client.command("HELO c.example.net")
            assert client.command("RCPT TO:<b@example.org>") == (503, "sender not yet given")
            assert client.closed()


# ---------------------------------------------- GreyListingPolicy, for real

def test_a_1_14_greylister_defers_then_accepts_on_retry(upstream: Upstream,
                                                        tmp_path: Path) -> None:
    class GreyLister(ServerCore):
        class protocol(GreyListingPolicy):
            smtp_ip, smtp_port = "127.0.0.1", upstream.port
            allowed_domains = ["example.org"]
            greylist_db = str(tmp_path / "greylist.sqlite")
            greylist_delay = 0                   # a retry passes at once
            logfile = str(tmp_path / "greylist.log")

    with Background(GreyLister(port=0, host="127.0.0.1")) as running:
        def attempt(recipient: str) -> Any:
            client = smtplib.SMTP("127.0.0.1", running.component.port, timeout=IO_TIMEOUT)
            try:
                client.helo("mx.example.net")
                return client.sendmail("a@example.net", [recipient], MESSAGE)
            except smtplib.SMTPException as exc:
                return exc
            finally:
                client.close()

        first = attempt("b@example.org")
        assert isinstance(first, smtplib.SMTPDataError) and first.smtp_code == 451
        assert attempt("b@example.org") == {}
        elsewhere = attempt("b@example.com")     # not a domain we forward for
        assert isinstance(elsewhere, smtplib.SMTPDataError) and elsewhere.smtp_code == 451
    [received] = upstream.waitFor(1)
    assert received.content == MESSAGE
    log = (tmp_path / "greylist.log").read_text().splitlines()
    assert [line.split(" | ")[1:] for line in log] == [
        ["mx.example.net", "127.0.0.1", "<a@example.net>", "<b@example.org>", "DEFERRED", ""],
        ["mx.example.net", "127.0.0.1", "<a@example.net>", "<b@example.org>", "ACCEPTED", ""],
        ["mx.example.net", "127.0.0.1", "<a@example.net>", "<b@example.com>", "DEFERRED", ""]]


def test_allowed_senders_networks_and_whitelisted_triples() -> None:
    policy = GreyListingPolicy(peer="192.168.2.5", allowed_senders=["10.0.0.1"],
                               allowed_sender_nets=["192.168.2"], allowed_domains=["x.org"])
    assert not policy.sentFromAllowedIPAddress() and policy.sentFromAllowedNetwork()
    assert policy.shouldWeAcceptMail()
    cidr = GreyListingPolicy(peer="10.1.2.3", allowed_sender_nets=["10.0.0.0/8"])
    assert cidr.sentFromAllowedNetwork()
    triple = GreyListingPolicy(peer="192.0.2.1", allowed_domains=["x.org"],
                               whitelisted_triples=[("192.0.2.1", "<a@y.net>", "<b@x.org>")])
    triple.sender, triple.recipients = "<a@y.net>", ["<b@x.org>"]
    assert triple.whiteListed("<b@x.org>") and triple.shouldWeAcceptMail()
    odd = GreyListingPolicy(peer="204.15.20.9", whitelisted_nonstandard_triples=[
        ("mx-out.example.com", "204.15.20", "<u@x.org>")])
    odd.remotename = "mx-out.example.com"           # (what HELO sets)
    assert odd.whiteListed("<u@x.org>") and not odd.whiteListed("<v@x.org>")


def test_the_log_stamp_is_utc_with_milliseconds() -> None:
    assert logStamp(86400 * 365 + 3723.25) == "19710101010203.250"
