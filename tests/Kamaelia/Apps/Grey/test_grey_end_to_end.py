"""Grey as a mail administrator runs it: swaks and smtplib as clients, a real
aiosmtpd server behind, the greylist surviving a restart, and the Postfix
policy service answering a scripted Postfix (Postfix itself is not run)."""

from __future__ import annotations

import shutil
import socket
import subprocess
from pathlib import Path
from typing import Iterator

import pytest
import trustme

from Kamaelia.Apps.Grey.postfix import encodePolicyRequest
from Kamaelia._logthrottle import forgetAll

from greytools import IO_TIMEOUT, Clock, GreyRig

#: Debian's swaks (scripts/install-system-packages.sh installs it).
SWAKS = shutil.which("swaks") or "swaks"

BODY = (b"From: alice@example.net\r\nTo: bob@example.org\r\nSubject: through swaks\r\n"
        b"Message-ID: <1@example.net>\r\n\r\nFirst line.\r\n.starts with a dot\r\n"
        b"..two dots\r\nlast line\r\n")


@pytest.fixture(autouse=True)
def fresh_log_limiters() -> None:
    forgetAll(report=False)


@pytest.fixture
def rig(tmp_path: Path) -> Iterator[GreyRig]:
    with GreyRig(tmp_path, policy_port=0) as running:
        yield running


def swaks(port: int, *options: str, body: Path | None = None) -> subprocess.CompletedProcess[str]:
    command = [SWAKS, "--server", f"127.0.0.1:{port}", "--from", "alice@example.net",
               "--to", "bob@example.org", "--ehlo", "mx.example.net", "--timeout", "10",
               *options]
    if body is not None:
        command += ["--data", f"@{body}"]
    return subprocess.run(command, capture_output=True, text=True, timeout=IO_TIMEOUT * 3)


# --------------------------------------------------------------------- swaks

def test_swaks_is_deferred_then_passes_and_the_message_arrives_byte_for_byte(
        rig: GreyRig, tmp_path: Path) -> None:
    body = tmp_path / "message.eml"
    body.write_bytes(BODY)
    first = swaks(rig.port, "--pipeline", body=body)
    assert first.returncode == 24, first.stdout          # 24: no recipient accepted
    assert "<** 451 4.7.1 Greylisted" in first.stdout
    rig.clock.advance(360)
    second = swaks(rig.port, "--pipeline", body=body)
    assert second.returncode == 0, second.stdout
    assert "<~  250 2.0.0 Message accepted for delivery" in second.stdout \
        or "<-  250 2.0.0 Message accepted for delivery" in second.stdout
    # Byte for byte what the real server gets from swaks directly (swaks adds
    # a CRLF of its own at the end).
    direct = swaks(rig.upstream.port, "--pipeline", body=body)
    assert direct.returncode == 0, direct.stdout
    proxied, straight = rig.upstream.waitFor(2)
    assert proxied.content == straight.content and proxied.content.startswith(BODY)
    assert (proxied.sender, proxied.recipients) == ("alice@example.net", ["bob@example.org"])


def test_swaks_gets_the_upstream_refusal_of_its_recipient(tmp_path: Path) -> None:
    with GreyRig(tmp_path, whitelist_clients=["127.0.0.1"]) as rig:
        rig.upstream.refuse["bob@example.org"] = "550 5.1.1 <bob@example.org>: unknown user"
        done = swaks(rig.port)
        assert done.returncode == 24, done.stdout
        assert "<** 550 5.1.1 <bob@example.org>: unknown user" in done.stdout
        assert rig.upstream.messages == []


def test_swaks_over_starttls_verifying_a_trustme_certificate(tmp_path: Path) -> None:
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "grey.test")
    chain, key, authority = tmp_path / "chain.pem", tmp_path / "key.pem", tmp_path / "ca.pem"
    cert.private_key_pem.write_to_path(str(key))
    cert.cert_chain_pems[0].write_to_path(str(chain))
    ca.cert_pem.write_to_path(str(authority))
    body = tmp_path / "message.eml"
    body.write_bytes(BODY)
    with GreyRig(tmp_path, tls_certificate=str(chain), tls_key=str(key),
                 whitelist_senders=["alice@example.net"]) as rig:
        done = swaks(rig.port, "--tls", "--tls-verify", "--tls-ca-path", str(authority),
                     body=body)
        assert done.returncode == 0, done.stdout + done.stderr
        assert "=== TLS started" in done.stdout
        [received] = rig.upstream.waitFor(1)
        assert received.content == BODY + b"\r\n"        # (swaks's own CRLF at the end)


# ------------------------------------------------------------------- restart

def test_a_restart_keeps_the_greylist(tmp_path: Path) -> None:
    clock = Clock()
    with GreyRig(tmp_path, clock=clock) as first:
        refused = first.sendmail("alice@example.net", ["bob@example.org"], BODY)
        assert refused.recipients["bob@example.org"][0] == 451     # type: ignore[union-attr]
    clock.advance(400)
    with GreyRig(tmp_path, clock=clock) as second:                 # the same database file
        assert second.sendmail("alice@example.net", ["bob@example.org"], BODY) == {}
        assert second.upstream.waitFor(1)[0].content == BODY
        assert len(second.log()) == 2                              # the log goes on too


# ------------------------------------------------------- the Postfix service

class PostfixClient:
    """What Postfix's smtpd does with check_policy_service: requests on one
    connection, each answered before the next is sent."""

    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=IO_TIMEOUT)
        self.buffer = b""

    def ask(self, **attributes: str) -> str:
        request = {"request": "smtpd_access_policy", "protocol_state": "RCPT",
                   "protocol_name": "ESMTP", "client_address": "192.0.2.7",
                   "client_name": "mx.example.net", "helo_name": "mx.example.net",
                   "sender": "alice@example.net", "recipient": "bob@example.org",
                   "queue_id": "", "instance": "123.456.7", "size": "0"}
        request.update(attributes)
        self.sock.sendall(encodePolicyRequest(request))
        return self.answer()

    def answer(self) -> str:
        while b"\n\n" not in self.buffer:
            chunk = self.sock.recv(4096)
            if not chunk:
                return ""
            self.buffer += chunk
        answer, self.buffer = self.buffer.split(b"\n\n", 1)
        return answer.decode()

    def close(self) -> None:
        self.sock.close()


def test_the_policy_service_greylists_as_postgrey_answers(rig: GreyRig) -> None:
    postfix = PostfixClient(rig.policyPort)
    try:
        assert postfix.ask().startswith("action=DEFER_IF_PERMIT 4.7.1 Greylisted")
        rig.clock.advance(100)
        assert postfix.ask().startswith("action=DEFER_IF_PERMIT 4.7.1")          # too soon
        rig.clock.advance(300)
        assert postfix.ask() == "action=DUNNO"
        assert postfix.ask(client_address="192.0.2.200") == "action=DUNNO"     # the same /24
        assert postfix.ask(protocol_state="DATA") == "action=DUNNO"            # not for us
    finally:
        postfix.close()


def test_the_policy_service_and_the_proxy_share_one_greylist(rig: GreyRig) -> None:
    postfix = PostfixClient(rig.policyPort)
    try:
        # (the proxy sees 127.0.0.1: Postfix reports that client too)
        assert postfix.ask(client_address="127.0.0.1").startswith("action=DEFER_IF_PERMIT")
    finally:
        postfix.close()
    rig.clock.advance(400)
    assert rig.sendmail("alice@example.net", ["bob@example.org"], BODY) == {}
    assert rig.upstream.waitFor(1)[0].recipients == ["bob@example.org"]


def test_a_malformed_policy_request_closes_that_connection_only(rig: GreyRig) -> None:
    bad = PostfixClient(rig.policyPort)
    try:
        bad.sock.sendall(b"request=smtpd_access_policy\nthis line has no equals sign\n\n")
        assert bad.answer() == ""                                   # closed
    finally:
        bad.close()
    good = PostfixClient(rig.policyPort)
    try:
        assert good.ask(protocol_state="END-OF-MESSAGE") == "action=DUNNO"
    finally:
        good.close()
