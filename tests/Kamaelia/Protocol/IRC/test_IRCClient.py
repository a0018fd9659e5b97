"""Tests for Kamaelia.Protocol.IRC.IRCClient: IRC_Client, and the prefab against a loopback server."""

from __future__ import annotations

import logging
import socket
import threading
from typing import Any, Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from Axon.Component import component
from Axon.Ipc import producerFinished, shutdownMicroprocess
from Axon.Scheduler import scheduler
from componentharness import Collector, attach, run
from Kamaelia.Chassis.Graphline import Graphline
from Kamaelia.Protocol.IRC import IRCClient as module
from Kamaelia.Protocol.IRC.IRCClient import IRC_Client, SimpleIRCClientPrefab

PATIENCE = 10.0
LOGGER = "Kamaelia.Protocol.IRC.IRCClient"


def talked(*commands: Any) -> list[str]:
    """The lines IRC_Client sends for ``commands``."""
    client = IRC_Client()
    sink = attach(client)
    for command in commands:
        client.handleInput(command)
    return list(sink.inboxes["inbox"].q)


def heard(*pieces: Any) -> list[Any]:
    """What IRC_Client hears from the server's data, sent in ``pieces``."""
    client = IRC_Client()
    for piece in pieces:
        client.handleMessage(piece)
    return list(client.outboxes["heard"].q)


# ----------------------------------------------------------------- talking
# What Kamaelia 1.14.32 (Python 2.7) sent for each command.
TALK_114 = [
    (("NICK", "Zorknpals"), "NICK Zorknpals\r\n"),
    (("USER", "jlei", "nohost", "noserver", "Kamaelia IRC Client"),
     "USER jlei nohost noserver :Kamaelia IRC Client\r\n"),
    (("JOIN", "#kamaelia"), "JOIN #kamaelia\r\n"),
    (("PRIVMSG", "#kamtest", "hey, how's it going?"), "PRIVMSG #kamtest :hey, how's it going?\r\n"),
    (("privmsg", "#k", ":colon"), "PRIVMSG #k ::colon\r\n"),
    (("QUIT",), "QUIT\r\n"),
    (("QUIT", "Konversation terminated!"), "QUIT :Konversation terminated!\r\n"),
    (("ME", "#kamtest", "does the macarena"), "PRIVMSG #kamtest :\x01ACTION does the macarena\x01\r\n"),
    (("ACTION", "#kamtest"), "PRIVMSG #kamtest :\x01ACTION\x01\r\n"),
    (("PONG", "irc.example.net"), "PONG irc.example.net\r\n"),
    (("PRIVMSG", "#k", "one"), "PRIVMSG #k one\r\n"),
]


@pytest.mark.parametrize("command,line", TALK_114, ids=lambda v: repr(v)[:30])
def test_commands_become_the_lines_1_14_sent(command: tuple[str, ...], line: str) -> None:
    assert talked(command) == [line]


def test_a_bare_command_and_a_list_and_numbers_are_taken() -> None:
    assert talked("QUIT", ["mode", "#k", "+l", 10]) == ["QUIT\r\n", "MODE #k +l 10\r\n"]


def test_an_empty_last_parameter_is_sent_with_a_colon() -> None:
    assert talked(("TOPIC", "#k", "")) == ["TOPIC #k :\r\n"]


@pytest.mark.parametrize("command", [("PRIVMSG", "#k", "hi\r\nQUIT"), ("NICK", "a\nb"),
                                     ("PRIVMSG", "#k\0", "x"), (), (None,), ("",)],
                         ids=repr)
def test_a_command_that_could_smuggle_another_is_refused_and_logged(
        command: Any, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger=LOGGER):
        assert talked(command, ("NICK", "ok")) == ["NICK ok\r\n"]
    assert any("cannot send the command" in r.getMessage() for r in caplog.records)


# ----------------------------------------------------------------- hearing
# What Kamaelia 1.14.32 heard in each line (the two it got wrong are below).
HEARD_114 = [
    (":heinlein.freenode.net 001 jinnaslogbot :Welcome to the freenode IRC Network jinnaslogbot",
     ("001", "heinlein.freenode.net", "jinnaslogbot",
      "Welcome to the freenode IRC Network jinnaslogbot")),
    ("NOTICE jinnaslogbot :***Checking ident", ("NOTICE", "", "jinnaslogbot", "***Checking ident")),
    (":jlei!~jlei@host.example PRIVMSG #kamtest :stuff", ("PRIVMSG", "jlei", "#kamtest", "stuff")),
    (":kambot!~k@h PART #kamtest :see you later", ("PART", "kambot", "#kamtest", "see you later")),
    ("PING :irc.example.net", ("PING", "irc.example.net", "", "")),
    (":old!~o@h NICK :new", ("NICK", "old", "", "new")),
    (":nick!u@h JOIN :#kamtest", ("JOIN", "nick", "#kamtest", "")),
    (":server 353 me = #chan :a b c", ("353", "server", "me", "= #chan :a b c")),
    (":onlyprefix", ("CLIENT ERROR", "client", "", ":onlyprefix")),
    ("BROKEN", ("CLIENT ERROR", "client", "", "BROKEN")),
    (":a!b@c MODE #kamtest +o x", ("MODE", "a", "#kamtest", "+o x")),
    (":a!b@c TOPIC #kamtest :new topic here", ("TOPIC", "a", "#kamtest", "new topic here")),
]


@pytest.mark.parametrize("line,tuple_", HEARD_114, ids=lambda v: repr(v)[:30])
def test_lines_are_heard_as_1_14_heard_them(line: str, tuple_: tuple[str, ...]) -> None:
    assert heard(line + "\r\n") == [tuple_]
    assert heard(line.encode() + b"\r\n") == [tuple_]


def test_an_action_loses_its_closing_ctcp_marker() -> None:
    # 1.14 left the closing "\x01" on the body.
    assert heard(":j!~j@h PRIVMSG #kamtest :\x01ACTION does the macarena\x01\r\n") == [
        ("ACTION", "j", "#kamtest", "does the macarena")]


def test_quit_and_error_carry_their_message_as_the_body() -> None:
    # 1.14 took the first word of the message as the recipient.
    assert heard(":nick!u@h QUIT :Quit: bye\r\n", "ERROR :Closing link\r\n") == [
        ("QUIT", "nick", "", "Quit: bye"), ("ERROR", "", "", "Closing link")]


def test_the_text_of_a_message_is_kept_exactly() -> None:
    assert heard(":a!b@c PRIVMSG #k :spaced   out  text \r\n") == [
        ("PRIVMSG", "a", "#k", "spaced   out  text ")]


def test_a_line_may_arrive_in_pieces_and_several_in_one() -> None:
    assert heard(b":a!b@c PRIV", b"MSG #k :one\r\n:a!b@c PRIVMSG #k :t", b"wo\r\nPING :x\r\n") == [
        ("PRIVMSG", "a", "#k", "one"), ("PRIVMSG", "a", "#k", "two"), ("PING", "x", "", "")]


def test_bytes_that_are_not_utf8_are_read_as_latin_1() -> None:
    assert heard(b":a!b@c PRIVMSG #k :caf\xe9\r\n:a!b@c PRIVMSG #k :caf\xc3\xa9\n") == [
        ("PRIVMSG", "a", "#k", "caf\xe9"), ("PRIVMSG", "a", "#k", "caf\xe9")]


def test_blank_lines_are_not_heard() -> None:
    assert heard("\r\n\r\n  \r\n") == []


def test_what_is_not_text_is_logged_and_skipped(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger=LOGGER):
        assert heard(42, "PING :y\r\n") == [("PING", "y", "", "")]
    assert any("42" in r.getMessage() for r in caplog.records)


def test_the_helpers_do_their_1_14_jobs() -> None:
    client = IRC_Client()
    assert client.extractSender(":nick!user@host") == "nick"
    assert client.extractSender(":irc.server.net") == "irc.server.net"
    assert client.extractBody([":hello", "there"]) == "hello there"
    assert client.extractBody(["plain"]) == "plain"
    assert [client.parseable(x) for x in ("", "   ", ":prefix", ":p CMD", "CMD")] == [
        False, False, False, True, True]


@settings(max_examples=300, derandomize=True, database=None, deadline=None)
@given(st.lists(st.binary(max_size=30) | st.sampled_from([b"\r\n", b":", b" :", b"\x01ACTION"]),
                max_size=10))
def test_any_data_from_the_server_is_heard_as_four_strings(pieces: list[bytes]) -> None:
    for item in heard(*pieces):
        assert isinstance(item, tuple) and len(item) == 4
        assert all(isinstance(part, str) for part in item)


# ---------------------------------------------------------------- shutdown
@pytest.mark.parametrize("message_class", [producerFinished, shutdownMicroprocess])
def test_what_waits_is_handled_then_the_shutdown_is_passed_on(message_class: type) -> None:
    client = IRC_Client()
    message = message_class()
    client.inboxes["talk"].append(("NICK", "x"))
    sink = run(client, [b"PING :p\r\n"], [message])
    assert sink.got == ["NICK x\r\n"]
    assert list(client.outboxes["heard"].q) == [("PING", "p", "", "")]
    assert sink.control == [message]


def test_setting_done_ends_it() -> None:
    client = IRC_Client()
    client.done = True
    sink = run(client)
    assert [type(m) for m in sink.control] == [producerFinished]


def test_the_module_lists_its_component_and_prefab() -> None:
    assert module.__kamaelia_components__ == (IRC_Client,)
    assert module.__kamaelia_prefabs__ == (SimpleIRCClientPrefab,)


# ------------------------------------------------- against a loopback server
class Bot(component):
    """Logs in, joins, talks, answers PING and leaves when spoken to (as a 1.14 bot did)."""

    def __init__(self) -> None:
        super().__init__()
        self.heard: list[Any] = []

    def main(self) -> Iterator[Any]:
        self.send(("NICK", "tester"))
        self.send(("USER", "tester", "host", "server", "Test Bot"))
        while not self.dataReady("control"):
            for message in self.Inbox("inbox"):
                self.heard.append(message)
                kind = message[0]
                if kind == "001":
                    self.send(("JOIN", "#kamtest"))
                elif kind == "JOIN":
                    self.send(("PRIVMSG", "#kamtest", "hello, world"))
                elif kind == "PING":
                    self.send(("PONG", message[1]))
                elif kind == "PRIVMSG" and message[1] == "alice":
                    self.send(("QUIT", "bye now"))
            if not self.anyReady():
                self.pause()
            yield 1


class TinyServer(threading.Thread):
    """One IRC conversation on loopback, played from the server's side."""

    def __init__(self) -> None:
        super().__init__(name="irc server", daemon=True)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.received: list[bytes] = []
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.listener.settimeout(PATIENCE)
            conn, _ = self.listener.accept()
            with conn, conn.makefile("rb") as lines:
                conn.settimeout(PATIENCE)

                def expect(start: bytes) -> None:
                    line = lines.readline()
                    self.received.append(line)
                    assert line.startswith(start), line

                expect(b"NICK")
                expect(b"USER")
                conn.sendall(b":irc.test 001 tester :Welcome to the test network, tester\r\n")
                expect(b"JOIN")
                conn.sendall(b":tester!t@h JOIN :#kamtest\r\n")
                expect(b"PRIVMSG")
                conn.sendall(b":irc.test PING :tok")         # a line in two pieces
                conn.sendall(b"en\r\n:alice!a@h PRIVMSG #kamtest :hi tester\r\n")
                expect(b"PONG")
                expect(b"QUIT")
        except BaseException as exc:          # re-raised in the test's thread
            self.error = exc
        finally:
            self.listener.close()


def test_the_prefab_talks_to_a_server_on_loopback_and_ends_when_it_closes() -> None:
    server = TinyServer()
    server.start()
    bot = Bot()
    Graphline(BOT=bot, IRC=SimpleIRCClientPrefab("127.0.0.1", server.port),
              linkages={("BOT", "outbox"): ("IRC", "inbox"),
                        ("IRC", "outbox"): ("BOT", "inbox"),
                        ("IRC", "signal"): ("BOT", "control")}).activate()
    overdue: list[bool] = []
    watchdog = scheduler.run.callLater(PATIENCE, lambda: (overdue.append(True),
                                                          scheduler.run.stop()))
    try:
        scheduler.run.runThreads()
    finally:
        watchdog.cancel()
        server.join(PATIENCE)
    assert not overdue, "the client did not end when the server closed the connection"
    if server.error is not None:
        raise server.error
    assert server.received == [b"NICK tester\r\n", b"USER tester host server :Test Bot\r\n",
                               b"JOIN #kamtest\r\n", b"PRIVMSG #kamtest :hello, world\r\n",
                               b"PONG token\r\n", b"QUIT :bye now\r\n"]
    assert bot.heard == [("001", "irc.test", "tester", "Welcome to the test network, tester"),
                         ("JOIN", "tester", "#kamtest", ""),
                         ("PING", "token", "", ""),
                         ("PRIVMSG", "alice", "#kamtest", "hi tester")]
    assert [type(m) for m in bot.inboxes["control"].q] == [producerFinished]


# ------------------------------------------------- limits and hostile input
def test_the_default_line_limit_is_16_KiB() -> None:
    assert module.MAX_LINE_LENGTH == 16 * 1024 == IRC_Client().maxlinelength


def test_a_line_over_the_limit_ends_the_client_after_the_lines_before_it(
        caplog: pytest.LogCaptureFixture) -> None:
    client = IRC_Client(maxlinelength=100)
    with caplog.at_level(logging.ERROR, logger=LOGGER):
        sink = run(client, [b"PING :a\r\n:s 001 me :hi\r\n", b"x" * 60, b"y" * 60,
                            b"PING :never\r\n"])
    assert list(client.outboxes["heard"].q) == [("PING", "a", "", ""),
                                                ("001", "s", "me", "hi")]
    assert [type(m) for m in sink.control] == [producerFinished]
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1 and "maxlinelength=100" in errors[0] and client.name in errors[0]


def test_a_line_of_exactly_the_limit_is_heard() -> None:
    client = IRC_Client(maxlinelength=10)
    client.handleMessage(b"PING :abcd\n")               # 10 bytes before the newline
    assert list(client.outboxes["heard"].q) == [("PING", "abcd", "", "")]


def test_a_line_cut_into_many_pieces_is_heard_once_whole() -> None:
    line = b"PRIVMSG #k :" + b"z" * 5000 + b"\r\n"
    assert heard(*(line[i:i + 3] for i in range(0, len(line), 3))) == [
        ("PRIVMSG", "", "#k", "z" * 5000)]


def test_the_client_keeps_no_reference_to_what_it_heard(
        run_rounds: Any) -> None:
    import gc
    import sys
    client = IRC_Client()
    client.link((client, "heard"), (sink := Collector(), "inbox"))
    client.activate()
    sink.activate()
    client.inboxes["inbox"].append(b"PRIVMSG #k :" + "é".encode() * 900 + b"\r\nPART")
    run_rounds(20)
    item = sink.got.pop()
    assert item[3] == "é" * 900 and not client._isStopped()
    body = item[3]
    del item
    gc.collect()
    assert sys.getrefcount(body) == 2      # ``body`` and getrefcount's argument


@settings(max_examples=200, derandomize=True, database=None, deadline=None)
@given(st.lists(st.binary(max_size=30) | st.sampled_from(
    [b"\r\n", b"\n", b":", b" :", b"\x00", b"\xff\xfe", b"\xed\xa0\x80", b"9" * 5000,
     b"\x01ACTION", b"PING"]), max_size=10),
       st.one_of(st.none(), st.integers(1, 40)))
def test_any_data_is_heard_as_four_strings_or_ends_the_client_past_its_limit(
        pieces: list[bytes], limit: int | None) -> None:
    client = IRC_Client(maxlinelength=limit)
    for piece in pieces:
        client.handleMessage(piece)
        if client._oversized is not None:
            break
    for item in client.outboxes["heard"].q:
        assert isinstance(item, tuple) and len(item) == 4
        assert all(isinstance(part, str) for part in item)


@settings(max_examples=150, derandomize=True, database=None, deadline=None)
@given(st.lists(st.text(max_size=20) | st.sampled_from(
    ["\r\n", "\n", ":", "\ud800", "\udfff", "\x00", "9" * 5000, "\x01ACTION"]), max_size=10))
def test_any_text_from_the_server_is_heard_as_four_strings(pieces: list[str]) -> None:
    for item in heard(*pieces):
        assert isinstance(item, tuple) and len(item) == 4
        assert all(isinstance(part, str) for part in item)
