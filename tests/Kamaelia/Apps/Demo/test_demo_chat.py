"""Tests for Kamaelia.Apps.Demo.chat: the demo's chat server, on real loopback
sockets, and the ChatLog that tells what the backplane relays.

The server and its Backplane run in the default scheduler in a thread
(``demotools.chatSystem``); the test plays the clients with blocking
sockets, and looks at the server in the scheduler's thread (``inScheduler``).
"""

from __future__ import annotations

import io
from collections import Counter

import pytest

from Axon.Ipc import producerFinished, shutdownMicroprocess
from Kamaelia.Apps.Demo.chat import ChatLog, words
from Kamaelia.Apps.Demo.narrator import Narrator
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.Util.Backplane import SubscribeTo
from componentharness import FakeClock, attach
from demotools import ChatClient, chatSystem, descendants, protocols
from nettools import inScheduler, runScheduler


@pytest.fixture
def name(request: pytest.FixtureRequest) -> str:
    """A backplane name of this test's own."""
    return f"chat for {request.node.name}"


# ------------------------------------------------------------ words
def test_words_are_those_after_the_speakers_name_lower_case_without_punctuation() -> None:
    assert words("alice: Hello, World!") == ["hello", "world"]
    assert words('dave: sorry I\'m late: "ok" (really) ?!') == ["sorry", "i'm", "late",
                                                                 "ok", "really"]


def test_a_line_without_a_speaker_has_no_words() -> None:
    assert words("no name here") == []
    assert words("alice: ") == []
    assert words("alice:hello") == []


# ------------------------------------------------------------ the server
def test_a_line_from_one_client_reaches_every_client_its_sender_too(name: str) -> None:
    with chatSystem(name) as server, ChatClient(server.port) as alice:
        alice.enter("alice")
        with ChatClient(server.port) as bob:                # (once alice is in)
            bob.enter("bob")
            assert alice.hear() == b"bob: hello"
            alice.say(b"alice: one\nalice: two")            # two lines in one send
            assert [bob.hear(), bob.hear()] == [b"alice: one", b"alice: two"]
            assert [alice.hear(), alice.hear()] == [b"alice: one", b"alice: two"]
            bob.sock.sendall(b"bob: in two")                # a line in two sends
            bob.sock.sendall(b" parts\n")
            assert alice.hear() == bob.hear() == b"bob: in two parts"


def test_each_connection_has_a_graphline_of_its_own(name: str) -> None:
    with chatSystem(name) as server, ChatClient(server.port) as alice:
        alice.enter("alice")
        with ChatClient(server.port) as bob:
            bob.enter("bob")
            graphlines = inScheduler(lambda: protocols(server))
            assert len(graphlines) == 2 and graphlines[0] is not graphlines[1]
            assert inScheduler(lambda: server.connectedTo) == 2


def test_a_client_that_half_closes_is_disconnected_and_its_components_end(name: str) -> None:
    # The connection's Graphline is sent socketShutdown (a producerFinished);
    # its SubscribeTo, whose "control" the Backplane's hub is linked to, must
    # be told too, or the Graphline never ends and the connection stays open.
    with chatSystem(name) as server, ChatClient(server.port) as stayer:
        stayer.enter("stayer")
        [stayers] = inScheduler(lambda: protocols(server))
        with ChatClient(server.port) as leaver:
            leaver.enter("leaver")
            assert stayer.hear() == b"leaver: hello"
            [leavers] = inScheduler(lambda: [p for p in protocols(server) if p is not stayers])
            parts = inScheduler(lambda: [leavers, *descendants(leavers)])
            assert {type(part).__name__ for part in parts} >= {"Graphline", "LineSplit",
                                                               "PublishTo", "SubscribeTo"}
            leaver.halfClose()
            assert leaver.rest() == b""                      # the server closes it
        ended = inScheduler(lambda: [part.name for part in parts if not part._isStopped()],
                            when=lambda: server.connectedTo == 1)
        assert ended == []
        assert inScheduler(lambda: protocols(server)) == [stayers]
        stayer.say(b"stayer: still here")
        assert stayer.hear() == b"stayer: still here"


def test_a_client_that_closes_is_forgotten_and_the_others_carry_on(name: str) -> None:
    with chatSystem(name) as server, ChatClient(server.port) as stayer:
        stayer.enter("stayer")
        with ChatClient(server.port) as leaver:
            leaver.enter("leaver")
            assert stayer.hear() == b"leaver: hello"
        inScheduler(lambda: None, when=lambda: server.connectedTo == 1)
        stayer.say(b"stayer: alone")
        assert stayer.hear() == b"stayer: alone"


# ------------------------------------------------------------ ChatLog
@pytest.mark.parametrize("messageClass", [producerFinished, shutdownMicroprocess])
def test_the_chat_log_tells_each_line_relayed_and_tallies_its_words(
        messageClass: type) -> None:
    out = io.StringIO()
    chatLog = ChatLog(Narrator(out, clock=FakeClock()))
    chatLog.inboxes["inbox"].extend([b"alice: Hello, hello world!\n", b"bob: caf\xc3\xa9 \xff\n"])
    message = messageClass()
    chatLog.inboxes["control"].append(message)
    sink = attach(chatLog)
    runScheduler()
    assert out.getvalue() == ("   0.0s  chat    relays  alice: Hello, hello world!\n"
                              "   0.0s  chat    relays  bob: caf\u00e9 \ufffd\n")
    assert chatLog.relayed == 2
    assert chatLog.tally == Counter({"hello": 2, "world": 1, "caf\u00e9": 1, "\ufffd": 1})
    assert sink.control == [message] and sink.control[0] is message
    assert sink.got == []


def test_the_chat_log_tells_what_the_backplane_relays(name: str) -> None:
    out = io.StringIO()
    chatLog = ChatLog(Narrator(out, clock=FakeClock()))
    subscription = SubscribeTo(name)
    with chatSystem(name) as server:
        inScheduler(Pipeline(subscription, chatLog).activate)
        inScheduler(lambda: None, when=lambda: subscription._hub is not None)   # subscribed
        with ChatClient(server.port) as alice:
            alice.enter("alice")
            alice.say(b"alice: The end.")
            assert alice.hear() == b"alice: The end."
            told = inScheduler(lambda: out.getvalue(), when=lambda: chatLog.relayed == 2)
    assert told == ("   0.0s  chat    relays  alice: hello\n"
                    "   0.0s  chat    relays  alice: The end.\n")
    assert chatLog.tally == Counter({"hello": 1, "the": 1, "end": 1})
    assert chatLog._isStopped()                 # the backplane's closing ended it
