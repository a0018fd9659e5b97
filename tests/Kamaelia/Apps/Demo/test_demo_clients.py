"""Tests for Kamaelia.Apps.Demo.clients: the Speaker, the Listener, and a
scripted client against the real chat server on loopback."""

from __future__ import annotations

from typing import Callable

import pytest

from Axon.Ipc import producerFinished, shutdownMicroprocess
from Axon.Scheduler import scheduler
from Kamaelia.Apps.Demo.clients import Listener, Speaker, scriptedClient
from componentharness import Collector, FakeClock, attach
from demotools import ChatClient, Recording, chatSystem, protocols
from nettools import inScheduler, runScheduler

#: How late a line may be said (the scheduler wakes a paused Speaker on
#: time; this is for a slow, loaded machine).
LATE = 1.0


@pytest.fixture
def name(request: pytest.FixtureRequest) -> str:
    """A backplane name of this test's own."""
    return f"chat for {request.node.name}"


# ------------------------------------------------------------ Speaker
def test_a_speaker_says_each_line_once_it_is_due_and_leaves_at_its_time(
        run_rounds: Callable[[int], bool]) -> None:
    # On the narrator's clock (a fake one here, moved by the test, which
    # wakes the Speaker as the scheduler's timer would).
    clock = FakeClock(0.0)
    narrator = Recording(clock)
    speaker = Speaker("alice", [(0.0, "first"), (0.1, "second"), (0.25, "third")],
                      leaveAt=0.4, narrator=narrator)
    sink = attach(speaker)

    def said(now: float) -> list[str]:
        clock.now = now
        speaker.unpause()
        run_rounds(10)
        return [text or verb for _, _, verb, text in narrator.told]

    assert said(0.0) == ["first"]
    assert said(0.09) == ["first"]
    assert said(0.1) == ["first", "second"]
    assert said(0.249) == ["first", "second"]
    assert said(0.25) == ["first", "second", "third"]
    assert said(0.399) == ["first", "second", "third"] and not speaker._isStopped()
    assert said(0.4) == ["first", "second", "third", "leaves"]
    assert speaker._isStopped()
    assert sink.got == [b"alice: first\n", b"alice: second\n", b"alice: third\n"]
    assert [type(message) for message in sink.control] == [producerFinished]


def test_a_speaker_is_woken_for_each_line_and_for_leaving_on_time() -> None:
    narrator = Recording()
    speaker = Speaker("alice", [(0.0, "first"), (0.1, "second"), (0.25, "third"),
                                (5.0, "never said")], leaveAt=0.4, narrator=narrator)
    sink = attach(speaker)
    runScheduler()
    assert sink.got == [b"alice: first\n", b"alice: second\n", b"alice: third\n"]
    assert [type(message) for message in sink.control] == [producerFinished]
    assert narrator.events() == [("alice", "says", "first"), ("alice", "says", "second"),
                                 ("alice", "says", "third"), ("alice", "leaves", "")]
    for (at, who, verb, text), due in zip(narrator.told, [0.0, 0.1, 0.25, 0.4]):
        assert due <= at < due + LATE, (verb, text, at)
    assert speaker.said == 3


def test_a_speaker_with_nothing_to_say_just_leaves_on_time() -> None:
    narrator = Recording()
    sink = attach(Speaker("quiet", [], leaveAt=0.2, narrator=narrator))
    runScheduler()
    assert sink.got == []
    [(at, who, verb, text)] = narrator.told
    assert (who, verb, text) == ("quiet", "leaves", "")
    assert 0.2 <= at < 0.2 + LATE


@pytest.mark.parametrize("messageClass", [shutdownMicroprocess, producerFinished])
def test_a_shutdown_message_makes_a_speaker_leave_at_once_passing_it_on(
        messageClass: type) -> None:
    narrator = Recording()
    speaker = Speaker("bob", [(0.0, "hi"), (30.0, "too late")], leaveAt=60.0,
                      narrator=narrator)
    sink = attach(speaker)
    message = messageClass()
    # While it waits for its next line (30 s away):
    scheduler.run.callLater(0.2, speaker._deliver, message, "control")
    runScheduler()
    assert sink.got == [b"bob: hi\n"]
    assert len(sink.control) == 1 and sink.control[0] is message
    assert narrator.events() == [("bob", "says", "hi"), ("bob", "leaves", "")]
    assert narrator.told[-1][0] < LATE


# ------------------------------------------------------------ Listener
def test_a_listener_tells_each_line_it_hears_and_passes_the_shutdown_on() -> None:
    narrator = Recording()
    listener = Listener("bob", narrator)
    listener.inboxes["inbox"].extend([b"alice: hi", b"carol: caf\xc3\xa9", b"dave: \xff"])
    message = producerFinished()
    listener.inboxes["control"].append(message)
    sink = attach(listener)
    runScheduler()
    assert narrator.events() == [("bob", "hears", "alice: hi"), ("bob", "hears", "carol: caf\u00e9"),
                                 ("bob", "hears", "dave: \ufffd")]
    assert listener.heard == 3
    assert sink.control == [message] and sink.got == []


def test_a_listener_tells_lines_as_they_arrive() -> None:
    narrator = Recording()
    listener = Listener("bob", narrator)
    sink = attach(listener)
    sched = scheduler.run
    sched.callLater(0.05, listener._deliver, b"one", "inbox")
    sched.callLater(0.1, listener._deliver, b"two", "inbox")
    sched.callLater(0.15, listener._deliver, shutdownMicroprocess(), "control")
    runScheduler()
    assert narrator.events() == [("bob", "hears", "one"), ("bob", "hears", "two")]
    assert [type(message) for message in sink.control] == [shutdownMicroprocess]


# ------------------------------------------------------------ scriptedClient
def test_a_scripted_client_talks_and_hears_through_the_chat_server_then_leaves(
        name: str) -> None:
    narrator = Recording()
    with chatSystem(name) as server, ChatClient(server.port) as watcher:
        watcher.enter("watcher")
        alice = scriptedClient("alice", [(0.0, "hello?"), (0.1, "anyone here?")],
                               leaveAt=60.0, host="127.0.0.1", port=server.port,
                               narrator=narrator)
        ended = Collector()
        alice.link((alice, "signal"), (ended, "control"))
        inScheduler(lambda: (ended.activate(), alice.activate()))
        assert [watcher.hear(), watcher.hear()] == [b"alice: hello?", b"alice: anyone here?"]
        watcher.say(b"watcher: hi alice")
        assert watcher.hear() == b"watcher: hi alice"
        inScheduler(lambda: None, when=lambda: ("alice", "hears", "watcher: hi alice")
                    in narrator.events())
        # Told to leave (as the Director does on Ctrl-C): the Pipeline ends.
        inScheduler(lambda: alice._deliver(producerFinished(), "control"))
        inScheduler(lambda: None, when=lambda: alice._isStopped() and ended._isStopped())
        assert [type(message) for message in ended.control] == [producerFinished]
        # ... and the server has closed its side of alice's connection.
        left = inScheduler(lambda: protocols(server), when=lambda: server.connectedTo == 1)
        assert len(left) == 1                           # (the watcher's)
    events = narrator.events()
    assert events[-1] == ("alice", "leaves", "")
    assert [e for e in events if e[1] == "says"] == [("alice", "says", "hello?"),
                                                     ("alice", "says", "anyone here?")]
    assert [e for e in events if e[1] == "hears"] == [
        ("alice", "hears", "alice: hello?"), ("alice", "hears", "alice: anyone here?"),
        ("alice", "hears", "watcher: hi alice")]
    assert events.index(("alice", "says", "hello?")) < events.index(
        ("alice", "hears", "alice: hello?"))


def test_a_scripted_client_leaves_at_its_time_and_its_connection_is_closed(
        name: str) -> None:
    narrator = Recording()
    with chatSystem(name) as server, ChatClient(server.port) as watcher:
        watcher.enter("watcher")
        bob = scriptedClient("bob", [(0.05, "brief")], leaveAt=0.3, host="127.0.0.1",
                             port=server.port, narrator=narrator)
        inScheduler(bob.activate)
        assert watcher.hear() == b"bob: brief"
        inScheduler(lambda: None, when=lambda: bob._isStopped() and server.connectedTo == 1)
    [leaving] = [at for at, who, verb, _ in narrator.told if verb == "leaves"]
    assert 0.3 <= leaving < 0.3 + LATE
    assert narrator.events()[-1] == ("bob", "leaves", "")
