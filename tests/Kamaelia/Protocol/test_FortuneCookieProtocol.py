"""Tests for Kamaelia.Protocol.FortuneCookieProtocol: one cookie, then finished."""

from __future__ import annotations

import functools
import logging
import random
import re
import sys
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from Axon.Component import component
from Axon.Ipc import newComponent, producerFinished, shutdownMicroprocess
from Axon.Scheduler import scheduler
from componentharness import Collector, assertUnexpectedControlIgnored, attach, run
from Kamaelia.Protocol import FortuneCookieProtocol as module
from Kamaelia.Protocol.FortuneCookieProtocol import COOKIES, FortuneCookieProtocol
from protocolhelpers import connect, recvAll, serve

LOGGER = "Kamaelia.Protocol.FortuneCookieProtocol"


def Fortune(*args: Any, **argd: Any) -> FortuneCookieProtocol:
    """A FortuneCookieProtocol sending its cookie whole (for tests not about the pace)."""
    return FortuneCookieProtocol(*args, bitrate=None, **argd)


def python(code: str) -> list[str]:
    """A command that runs ``code`` in a new Python interpreter."""
    return [sys.executable, "-c", code]


@pytest.fixture
def no_fortune(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No ``fortune`` program anywhere it is looked for."""
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(module, "_GAMES", str(tmp_path))


def fakeFortune(folder: Path, text: str) -> None:
    """An executable ``fortune`` in ``folder`` that prints ``text``."""
    script = folder / "fortune"
    script.write_text(f"#!/bin/sh\nprintf '%s' {text!r}\n")
    script.chmod(0o755)


# ------------------------------------------------------------- from a list
def test_it_sends_one_cookie_then_producerFinished_and_ends() -> None:
    protocol = Fortune(cookies=["Patience is a queue."])
    sink = run(protocol)
    assert sink.got == [b"Patience is a queue.\n"]
    assert [type(m) for m in sink.control] == [producerFinished]
    assert sink.control[0].caller is protocol
    assert protocol._isStopped()


def test_a_cookie_ending_with_a_newline_gets_no_second_one() -> None:
    assert run(Fortune(cookies=[b"bytes\n"])).got == [b"bytes\n"]


def test_str_cookies_are_sent_as_utf8() -> None:
    assert run(Fortune(cookies=["caf\xe9 \u2603"])).got == [
        "caf\xe9 \u2603\n".encode()]


def test_the_cookie_is_picked_at_random_from_the_list() -> None:
    cookies = ["one", "two", "three"]
    random.seed(7)
    sent = [run(Fortune(cookies=cookies)).got[0] for _ in range(30)]
    assert set(sent) == {b"one\n", b"two\n", b"three\n"}


def test_without_a_fortune_program_it_sends_a_built_in_saying(no_fortune: None) -> None:
    protocol = Fortune()
    assert protocol.command is None
    sink = run(protocol)
    assert len(sink.got) == 1
    assert sink.got[0].decode().rstrip("\n") in COOKIES


def test_the_built_in_sayings_are_short_single_lines() -> None:
    assert len(COOKIES) >= 5
    assert all(0 < len(c) <= 80 and "\n" not in c for c in COOKIES)


def test_what_the_client_sends_is_not_echoed() -> None:
    sink = run(Fortune(cookies=["only this"]), inbox=[b"hello?", b"anyone?"])
    assert sink.got == [b"only this\n"]


def test_the_connection_details_a_server_passes_are_kept() -> None:
    protocol = Fortune(cookies=["x"], peer="10.0.0.1", peerport=5,
                                     localip="10.0.0.2", localport=1500)
    kept = [getattr(protocol, name) for name in ("peer", "peerport", "localip", "localport")]
    assert kept == [
        "10.0.0.1", 5, "10.0.0.2", 1500]


def test_debug_is_accepted_for_compatibility() -> None:
    assert run(Fortune(1, cookies=["x"])).got == [b"x\n"]


# ------------------------------------------------------------ from a program
def test_the_fortune_program_is_used_when_installed(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    fakeFortune(tmp_path, "Installed wisdom.")
    monkeypatch.setenv("PATH", str(tmp_path))
    protocol = Fortune()
    assert protocol.command == [str(tmp_path / "fortune"), "-a"]      # 1.14's command
    assert run(protocol).got == [b"Installed wisdom.\n"]


def test_fortune_is_also_found_in_usr_games(monkeypatch: pytest.MonkeyPatch,
                                            tmp_path: Path) -> None:
    games = tmp_path / "games"
    games.mkdir()
    fakeFortune(games, "From the games folder.")
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(module, "_GAMES", str(games))
    assert Fortune().command == [str(games / "fortune"), "-a"]


def test_given_cookies_mean_no_program_is_looked_for(monkeypatch: pytest.MonkeyPatch,
                                                     tmp_path: Path) -> None:
    fakeFortune(tmp_path, "Should not be used.")
    monkeypatch.setenv("PATH", str(tmp_path))
    protocol = Fortune(cookies=["predictable"])
    assert protocol.command is None
    assert run(protocol).got == [b"predictable\n"]


def test_a_given_command_s_output_is_the_cookie() -> None:
    sink = run(Fortune(command=python("print('From a program.')")))
    assert sink.got == [b"From a program.\n"]
    assert [type(m) for m in sink.control] == [producerFinished]


def test_a_program_s_output_in_several_pieces_is_one_cookie() -> None:
    code = "import sys\nfor w in 'one two three'.split():\n sys.stdout.write(w); sys.stdout.flush()"
    assert run(Fortune(command=python(code))).got == [b"onetwothree\n"]


@pytest.mark.parametrize("command,why", [
    (python("import sys; print('partial'); sys.exit(3)"), "exited with status 3"),
    (python("pass"), "it wrote nothing"),
    (["/no/such/fortune"], "cannot run '/no/such/fortune'"),
], ids=["fails", "silent", "missing"])
def test_when_the_program_fails_a_cookie_from_the_list_is_sent_and_it_is_logged(
        command: list[str], why: str, caplog: pytest.LogCaptureFixture) -> None:
    protocol = Fortune(cookies=["fallback"], command=command)
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        sink = run(protocol)
    assert sink.got == [b"fallback\n"]
    assert [type(m) for m in sink.control] == [producerFinished]
    warnings = [r.getMessage() for r in caplog.records if r.name == LOGGER]
    assert len(warnings) == 1 and why in warnings[0] and protocol.name in warnings[0]


def test_the_program_gets_no_input() -> None:
    # It would wait for ever if its standard input were left open.
    code = "import sys; print(repr(sys.stdin.read()))"
    assert run(Fortune(command=python(code))).got == [b"''\n"]


# ------------------------------------------------------------------ shutdown
def test_shutdownMicroprocess_before_it_starts_means_no_cookie() -> None:
    protocol = Fortune(cookies=["unsent"])
    stop = shutdownMicroprocess()
    sink = run(protocol, control=[stop])
    assert sink.got == []
    assert sink.control == [stop]
    assert protocol._isStopped()


class StopLater(component):
    """Sends ``message`` out of "outbox" after a few turns of its own."""

    def __init__(self, message: Any) -> None:
        super().__init__()
        self.message = message

    def main(self) -> Iterator[Any]:
        for _ in range(5):
            yield 1
        self.send(self.message, "outbox")


def test_shutdownMicroprocess_while_the_program_runs_stops_it_quietly(
        caplog: pytest.LogCaptureFixture) -> None:
    protocol = Fortune(cookies=["unsent"],
                                     command=python("import time; time.sleep(50)"))
    stop = shutdownMicroprocess()
    stopper = StopLater(stop)
    stopper.link((stopper, "outbox"), (protocol, "control"))
    sink = Collector()
    protocol.link((protocol, "outbox"), (sink, "inbox"))
    protocol.link((protocol, "signal"), (sink, "control"))
    for part in (stopper, protocol, sink):
        part.activate()
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        scheduler.run.runThreads()
    assert sink.got == []
    assert sink.control == [stop]
    assert protocol._process is not None and protocol._process.returncode is not None
    assert protocol._process.returncode < 0                     # killed, not finished
    assert not [r for r in caplog.records if r.name == LOGGER]  # quietly


def test_producerFinished_still_gets_the_cookie_sent_then_passed_on() -> None:
    finished = producerFinished()
    sink = run(Fortune(command=python("print('still sent')")),
               control=[finished])
    assert sink.got == [b"still sent\n"]
    assert sink.control == [finished]


def test_other_control_messages_are_logged_and_ignored(
        caplog: pytest.LogCaptureFixture) -> None:
    assertUnexpectedControlIgnored(lambda: Fortune(cookies=["x"]), caplog,
                                   [], [b"x\n"])


# ------------------------------------------------------------------ arguments
@pytest.mark.parametrize("cookies", ["a string", b"bytes", 5, {"a"}], ids=repr)
def test_cookies_that_are_not_a_list_raise_TypeError_naming_them(cookies: Any) -> None:
    with pytest.raises(TypeError, match=re.escape(
            f"FortuneCookieProtocol: cookies must be a list of str or bytes, not {cookies!r}")):
        FortuneCookieProtocol(cookies=cookies)


def test_an_empty_list_of_cookies_raises_ValueError() -> None:
    with pytest.raises(ValueError, match=re.escape(
            "FortuneCookieProtocol: cookies must not be empty, not []")):
        FortuneCookieProtocol(cookies=[])


def test_a_cookie_that_is_not_text_raises_TypeError_naming_it() -> None:
    with pytest.raises(TypeError, match=re.escape(
            "FortuneCookieProtocol: each cookie must be str or bytes, not 42")):
        FortuneCookieProtocol(cookies=["fine", 42])  # type: ignore[list-item]


def test_a_bad_command_is_refused_at_once() -> None:
    with pytest.raises(ValueError, match=re.escape("command must not be empty, not ''")):
        FortuneCookieProtocol(command="")


def test_as_a_server_s_protocol_it_gives_each_client_a_cookie_then_closes(
        no_fortune: None) -> None:
    def talk(port: int) -> list[bytes]:
        got = []
        for _ in range(3):
            with connect(port) as sock:
                got.append(recvAll(sock))               # ends: the server closed it
        return got

    # 1.14's one-byte pieces, ten times faster than 1.14's pace to keep the test short.
    cookies = serve(functools.partial(FortuneCookieProtocol, bitrate=3200, chunkrate=400), talk)
    assert len(cookies) == 3
    assert all(c.endswith(b"\n") and c.decode().rstrip("\n") in COOKIES for c in cookies)


# ---------------------------------------------------------------- 1.14's pace
def test_the_pace_is_1_14s_one_byte_at_a_time_forty_times_a_second() -> None:
    # 1.14 read "fortune -a" through ReadFileAdaptor(readmode="bitrate",
    # bitrate=320, chunkrate=40): 320 / 8 / 40 = one byte per piece.
    protocol = FortuneCookieProtocol(cookies=["ok"])
    assert (protocol.bitrate, protocol.chunkrate, protocol.chunksize) == (320, 40, 1)
    sink = run(protocol)
    assert protocol.source is not None and protocol.source.interval == 1 / 40
    assert sink.got == [b"o", b"k", b"\n"]
    assert [type(m) for m in sink.control] == [producerFinished]


def test_a_faster_bitrate_sends_bigger_pieces() -> None:
    protocol = FortuneCookieProtocol(cookies=["abcdefg"], bitrate=32000, chunkrate=1000)
    assert protocol.chunksize == 4
    assert run(protocol).got == [b"abcd", b"efg\n"]


def test_between_pieces_it_is_paused_waiting_for_a_timer(run_rounds: Callable[[int], bool]) -> None:
    protocol = FortuneCookieProtocol(cookies=["slow"], bitrate=8, chunkrate=1)   # 1 byte/s
    sink = attach(protocol)
    assert not run_rounds(30)
    assert sink.got == [b"s"]
    source = protocol.source
    assert source is not None and not source._isRunnable() and not source._isStopped()


def test_shutdownMicroprocess_part_way_through_stops_the_cookie(
        run_rounds: Callable[[int], bool]) -> None:
    protocol = FortuneCookieProtocol(cookies=["slow"], bitrate=8, chunkrate=1)
    sink = attach(protocol)
    run_rounds(30)
    stop = shutdownMicroprocess()
    protocol.inboxes["control"].append(stop)
    assert run_rounds(50)
    assert sink.got == [b"s"]
    assert sink.control == [stop]


def test_bitrate_None_sends_the_cookie_whole() -> None:
    protocol = FortuneCookieProtocol(cookies=["whole"], bitrate=None)
    assert protocol.chunksize is None
    assert run(protocol).got == [b"whole\n"]


@pytest.mark.parametrize("name,value", [("bitrate", 0), ("bitrate", "fast"), ("chunkrate", -1),
                                        ("chunkrate", None)])
def test_a_bad_rate_raises_ValueError_naming_it(name: str, value: Any) -> None:
    with pytest.raises(ValueError, match=re.escape(
            f"FortuneCookieProtocol: {name} must be a positive number, not {value!r}")):
        FortuneCookieProtocol(cookies=["x"], **{name: value})


# ------------------------------------------------------------ 1.14's structure
class CountingTurns(FortuneCookieProtocol):
    """A 1.14-style subclass overriding the old-style hooks."""

    def initialiseComponent(self) -> Any:
        self.started = True
        return super().initialiseComponent()

    def mainBody(self) -> int:
        self.turns = getattr(self, "turns", 0) + 1
        return super().mainBody()


def test_the_old_style_hooks_run_and_may_be_overridden() -> None:
    protocol = CountingTurns(cookies=["hooked"], bitrate=None)
    assert run(protocol).got == [b"hooked\n"]
    assert protocol.started and protocol.turns >= 1


def test_initialiseComponent_makes_the_source_and_returns_it_to_be_started() -> None:
    protocol = FortuneCookieProtocol(cookies=["x"], bitrate=None)
    made = protocol.initialiseComponent()
    assert isinstance(made, newComponent) and made.components() == (protocol.source,)
    assert protocol.childComponents() == [protocol.source]


def test_the_module_lists_its_component() -> None:
    assert module.__kamaelia_components__ == (FortuneCookieProtocol,)
