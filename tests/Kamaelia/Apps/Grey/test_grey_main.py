"""``kamaelia grey``: the options, the administration sub-commands, and a real
``kamaelia grey`` process stopped by SIGTERM with sessions under way."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
from pathlib import Path
from typing import Iterator

import pytest

from Kamaelia.Apps.Grey.config import GreyConfig
from Kamaelia.Apps.Grey.main import parseUpstream
from Kamaelia.Apps.Grey.policy import Greylist
from Kamaelia.Apps.Grey.store import openStore
from Kamaelia.cli import main

from greytools import IO_TIMEOUT, SMTPDialogue, Upstream

ROOT = Path(__file__).resolve().parents[4]


# ---------------------------------------------------------------- options

@pytest.mark.parametrize("text, expected", [
    ("127.0.0.1:8025", ("127.0.0.1", 8025)), ("mail.example.org:25", ("mail.example.org", 25)),
    ("mail.example.org", ("mail.example.org", 25)), ("[::1]:2525", ("::1", 2525)),
    ("[::1]", ("::1", 25)), ("::1", ("::1", 25))])
def test_upstream_is_host_and_port(text: str, expected: tuple[str, int]) -> None:
    assert parseUpstream(text) == expected


@pytest.mark.parametrize("text", ["", ":25", "host:", "host:0", "host:70000", "host:x",
                                  "[::1]x", "[::1]:"])
def test_a_bad_upstream_is_refused_naming_it(text: str) -> None:
    expected = f"--upstream must be HOST:PORT.*not {re.escape(repr(text))}"
    with pytest.raises(ValueError, match=expected):
        parseUpstream(text)


def test_help_says_what_grey_does(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as ended:
        main(["grey", "--help"])
    assert ended.value.code == 0
    out = capsys.readouterr().out
    assert "greylisting SMTP proxy" in out and "--upstream" in out and "whitelist add" in out


def test_a_bad_config_file_is_one_line_and_status_2(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "greylist.conf"
    config.write_text("port = twenty-five\n")
    assert main(["grey", "--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("kamaelia grey: ") and f"{config}:1" in err and "port" in err


def test_a_bad_upstream_option_is_status_2(capsys: pytest.CaptureFixture[str],
                                           tmp_path: Path) -> None:
    assert main(["grey", "--config", str(_config(tmp_path)), "--upstream", "x:0"]) == 2
    assert "--upstream must be HOST:PORT" in capsys.readouterr().err


def test_a_port_in_use_is_status_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["grey", "--config", str(_config(tmp_path)), "--host", "127.0.0.1",
                     "--port", str(port)]) == 1
    assert "cannot start" in capsys.readouterr().err


def test_no_smtp_needs_a_policy_port(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["grey", "--config", str(_config(tmp_path)), "--no-smtp"]) == 2
    assert "--no-smtp needs --policy-port" in capsys.readouterr().err


# --------------------------------------------------------- administration

def _config(tmp_path: Path, **extra: str) -> Path:
    path = tmp_path / "grey.toml"
    lines = [f'db = "{tmp_path / "greylist.sqlite"}"', f'greylist_log = "{tmp_path / "log"}"',
             *(f"{k} = {v}" for k, v in extra.items())]
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture
def seeded(tmp_path: Path) -> Iterator[Path]:
    """A config whose database has seen two triplets from 192.0.2.0/24 and one
    from 198.51.100.0/24."""
    path = _config(tmp_path)
    store = openStore(str(tmp_path / "greylist.sqlite"))
    greylist = Greylist(GreyConfig(allowed_senders=[]), store, clock=lambda: 1_700_000_000.0)
    greylist.check("192.0.2.7", "mx.example.net", "alice@example.net", "bob@example.org")
    greylist.check("192.0.2.8", "mx.example.net", "alice@example.net", "carol@example.org")
    greylist.check("198.51.100.1", "mx.example.com", "dave@example.com", "bob@example.org")
    store.close()
    yield path


def test_stats_counts_what_the_greylist_holds(seeded: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["grey", "--config", str(seeded), "stats"]) == 0
    out = capsys.readouterr().out
    assert "triplets" in out and "deferred" in out
    assert main(["grey", "stats", "--json", "--config", str(seeded)]) == 0
    import json
    stats = json.loads(capsys.readouterr().out)
    assert stats["triplets"] == 3 and stats["deferred"] == 3 and stats["passed"] == 0


def test_list_shows_the_triplets(seeded: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["grey", "--config", str(seeded), "list", "--limit", "2"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:3] == ["client", "sender", "recipient"]
    assert len(lines) == 3
    assert main(["grey", "--config", str(seeded), "list", "--limit", "0"]) == 2


def test_whitelist_add_show_remove(seeded: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = ["grey", "--config", str(seeded)]
    assert main([*config, "whitelist", "add", "client", "192.0.2.0/24"]) == 0
    assert main([*config, "whitelist", "add", "sender", "example.net"]) == 0
    capsys.readouterr()
    assert main([*config, "whitelist", "show"]) == 0
    assert capsys.readouterr().out.split("\n")[:2] == ["client     192.0.2.0/24",
                                                       "sender     @example.net"]
    assert main([*config, "whitelist", "show", "sender"]) == 0
    assert capsys.readouterr().out == "sender     @example.net\n"
    assert main([*config, "whitelist", "remove", "client", "192.0.2.0/24"]) == 0
    assert main([*config, "whitelist", "remove", "client", "192.0.2.0/24"]) == 1
    assert "was not on the whitelist" in capsys.readouterr().out
    assert main([*config, "whitelist", "add", "client", "not-an-address"]) == 2
    assert "kamaelia grey: " in capsys.readouterr().err
    assert main([*config, "whitelist", "add"]) == 2


def test_delete_forgets_a_clients_triplets_by_its_network(
        seeded: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = ["grey", "--config", str(seeded)]
    assert main([*config, "delete"]) == 2                 # nothing said: refused
    assert main([*config, "delete", "--client", "192.0.2.99"]) == 0
    assert capsys.readouterr().out.strip().endswith("deleted 2 triplets")
    assert main([*config, "delete", "--all", "--db", str(seeded.parent / "greylist.sqlite")]) == 0
    assert capsys.readouterr().out.strip() == "deleted 1 triplet"


# ------------------------------------------------------- a real process

class GreyProcess:
    """``python -m Kamaelia.cli grey ...`` in a child process; ``port`` from what it prints."""

    def __init__(self, *arguments: str) -> None:
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(
            [str(ROOT / "src"), *filter(None, [os.environ.get("PYTHONPATH")])]))
        self.child = subprocess.Popen(
            [sys.executable, "-m", "Kamaelia.cli", "grey", "--host", "127.0.0.1", *arguments],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        assert self.child.stdout is not None
        line = self.child.stdout.readline()
        if "SMTP on 127.0.0.1 port" not in line:
            self.child.kill()
            raise AssertionError(line + self.child.communicate()[1])
        self.port = int(line.split(" port ")[1].split(",")[0])

    def finish(self) -> tuple[int, str, str]:
        out, err = self.child.communicate(timeout=IO_TIMEOUT)
        return self.child.returncode, out, err

    def kill(self) -> None:
        if self.child.poll() is None:
            self.child.kill()
            self.child.communicate()


def _begin(client: SMTPDialogue) -> None:
    assert client.reply()[0] == 220
    for line in ("EHLO busy.example.net", "MAIL FROM:<alice@example.net>",
                 "RCPT TO:<bob@example.org>"):
        assert client.command(line)[0] == 250


def test_sigterm_stops_listening_lets_a_session_finish_then_exits_0(tmp_path: Path) -> None:
    with Upstream() as upstream:
        grey = GreyProcess("--config", str(_config(tmp_path, whitelist_senders='["example.net"]')),
                           "--port", "0", "--upstream", f"127.0.0.1:{upstream.port}")
        try:
            with SMTPDialogue(grey.port) as busy, SMTPDialogue(grey.port) as idle:
                _begin(busy)
                assert idle.reply()[0] == 220
                assert idle.command("EHLO idle.example.net")[0] == 250
                grey.child.send_signal(signal.SIGTERM)
                code, text = idle.reply()                    # not in a transaction: 421
                assert (code, text[:5]) == (421, "4.3.2")
                with pytest.raises(OSError):
                    socket.create_connection(("127.0.0.1", grey.port), timeout=IO_TIMEOUT)
                assert busy.command("DATA")[0] == 354       # the transaction goes on
                busy.send(b"Subject: finished during shutdown\r\n\r\nok\r\n.\r\n")
                assert busy.reply()[0] == 250
                assert busy.reply()[0] == 421               # and then it is told to go
            status, out, err = grey.finish()
        finally:
            grey.kill()
        assert status == 0, err
        assert "Kamaelia Grey: stopped" in out
        [received] = upstream.waitFor(1)
        assert received.content == b"Subject: finished during shutdown\r\n\r\nok\r\n"


def test_sigterm_gives_421_to_a_session_cut_short_by_the_grace_period(tmp_path: Path) -> None:
    with Upstream() as upstream:
        grey = GreyProcess("--config", str(_config(tmp_path, whitelist_senders='["example.net"]')),
                           "--port", "0", "--upstream", f"127.0.0.1:{upstream.port}",
                           "--grace", "0.2")
        try:
            with SMTPDialogue(grey.port) as slow:
                _begin(slow)
                assert slow.command("DATA")[0] == 354
                slow.send(b"Subject: never finished\r\n\r\nthe first half")
                grey.child.send_signal(signal.SIGTERM)
                code, text = slow.reply()
                assert (code, text[:5]) == (421, "4.3.2")
                assert slow.closed()
            status, out, err = grey.finish()
        finally:
            grey.kill()
        assert status == 0, err
        assert upstream.messages == []                       # half a message never relayed


# ------------------------------------------------------------------- docs

def test_the_guide_lists_every_config_key() -> None:
    from Kamaelia.Apps.Grey.config import CONFIG_KEYS
    guide = (ROOT / "docs" / "apps" / "grey.md").read_text(encoding="utf-8")
    missing = [key for key in CONFIG_KEYS if f"| `{key}` |" not in guide]
    assert missing == []


EXAMPLE_MODULES = ["__init__", "components", "service", "main", "policyserver", "MailHandler",
                   "ConcreteMailHandler", "GreyListingPolicy", "PeriodicWakeup",
                   "WakeableIntrospector"]


def _pythonExamples() -> list[tuple[str, str]]:
    import ast
    import textwrap
    found = []
    for name in EXAMPLE_MODULES:
        path = ROOT / "src" / "Kamaelia" / "Apps" / "Grey" / f"{name}.py"
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")), clean=False) or ""
        section = doc.split("Example Usage", 1)[-1].split("How does it work?", 1)[0]
        for n, block in enumerate(re.findall(r"::\n\n((?:    .*\n|[ \t]*\n)+)", section)):
            code = textwrap.dedent(block)
            if not code.lstrip().startswith(("$", "smtpd_")):       # shell, main.cf
                found.append((f"{name}#{n}", code))
    return found


@pytest.mark.parametrize("name, code", _pythonExamples(), ids=[n for n, _ in _pythonExamples()])
def test_the_docstring_examples_run(name: str, code: str, tmp_path: Path) -> None:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(ROOT / "src"), *filter(None, [os.environ.get("PYTHONPATH")])]))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=tmp_path, env=env, timeout=IO_TIMEOUT * 3)
    assert done.returncode == 0 and done.stderr == "", done.stderr
