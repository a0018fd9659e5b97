"""Tests for Kamaelia.Apps.Demo.tour: the Director against the real chat
server, and runDemo, the whole tour, on loopback.

``runDemo`` runs the default scheduler in the thread that calls it, so the
tests call it in a thread of their own (``DemoThread``) and act on it from
the test's thread: through ``Director.interrupt()``, ``inScheduler``, and a
WebSocket client in place of the live page's browser.
"""

from __future__ import annotations

import io
import json
import math
import re
import socket
import threading
from typing import Any, Iterator

import pytest
from websockets.sync.client import connect

from Axon.Component import component
from Axon.CoordinatingAssistantTracker import coordinatingassistanttracker
from Axon.Ipc import producerFinished, shutdownRequest
from Axon.Scheduler import scheduler
from Kamaelia.Apps.Demo import SCRIPT, runDemo
from Kamaelia.Apps.Demo.narrator import Narrator
from Kamaelia.Apps.Demo.tour import BACKPLANE, Director, Role
from Kamaelia.IPC import serverShutdown
from Kamaelia.Util.Topology.server import TopologyServer
from componentharness import Collector
from demotools import Recording, chatSystem
from nettools import IO_TIMEOUT, inScheduler

#: How late something timed may happen (for a slow, loaded machine).
LATE = 1.0
HEADER = re.compile(r"Kamaelia demo: a chat server on 127\.0\.0\.1:(?P<chat>\d+) and four "
                    r"scripted clients, for (?P<seconds>\S+) s\n"
                    r"Watch it live: http://127\.0\.0\.1:(?P<page>\d+)/\n")
EVENT = re.compile(r" *\d+\.\ds  (?P<who>\S+) +(?P<verb>joins|says|relays|hears|leaves)\b.*")
SUMMARY = re.compile(r"Summary: (\d+) clients joined and (\d+) left; (\d+) lines said, "
                     r"(\d+) relayed, (\d+) heard; \d+ words, \d+ different; most common: .*")


@pytest.fixture
def name(request: pytest.FixtureRequest) -> str:
    """A backplane name of this test's own."""
    return f"chat for {request.node.name}"


class Part(component):
    """Part(narrator, label) -> on a shutdown message on "control", tells the
    narrator ``label stops`` (with the message's class), passes it on and ends"""

    def __init__(self, narrator: Narrator, label: str, **argd: Any) -> None:
        super().__init__(**argd)
        self.narrator = narrator
        self.label = label

    def main(self) -> Iterator[int]:
        while (request := shutdownRequest(self)) is None:
            self.pause()
            yield 1
        self.narrator.tell(self.label, "stops", type(request).__name__)
        self.send(request, "signal")


class DemoThread:
    """``runDemo(out=a StringIO, **options)`` in a thread of its own, started
    on entering the block; leaving it, a demo still running is stopped (all
    of it) and waited for."""

    def __init__(self, **options: Any) -> None:
        self.out = io.StringIO()
        self.options = options
        self.status: list[int] = []
        self.errors: list[BaseException] = []
        self.thread = threading.Thread(target=self._run, name="demo", daemon=True)

    def _run(self) -> None:
        try:
            self.status.append(runDemo(out=self.out, **self.options))
        except BaseException as exc:     # noqa: BLE001 - re-raised in the test thread
            self.errors.append(exc)

    def __enter__(self) -> "DemoThread":
        self.thread.start()
        return self

    def wait(self, limit: float = IO_TIMEOUT) -> int:
        """runDemo's result, once it has ended by itself (fails after ``limit`` s)."""
        self.thread.join(limit)
        assert not self._stop(), f"the demo had not ended after {limit} s"
        if self.errors:
            raise self.errors[0]
        return self.status[0]

    def text(self) -> str:
        """What it printed (once it has ended)."""
        assert not self.thread.is_alive()
        return self.out.getvalue()

    def _stop(self) -> bool:
        """Stop the demo if it is still running; whether it was."""
        if not self.thread.is_alive():
            return False
        scheduler.run.stop()            # (thread-safe)
        self.thread.join(IO_TIMEOUT)
        assert not self.thread.is_alive(), "the demo did not stop"
        return True

    def __exit__(self, *exc: Any) -> None:
        self._stop()


def _running(kind: type) -> Any:
    """In the scheduler's thread: the running component of class ``kind``, or None."""
    return next((mp for mp in scheduler.run.listAllThreads() if isinstance(mp, kind)), None)


def _counts(text: str) -> list[int]:
    summary = SUMMARY.fullmatch(text.rstrip("\n").rsplit("\n", 1)[-1])
    assert summary is not None, text[-300:]
    return [int(n) for n in summary.groups()]


def _events(text: str) -> list[tuple[str, str]]:
    return [(m["who"], m["verb"]) for line in text.splitlines()
            if (m := EVENT.fullmatch(line)) is not None]


def _portIsFree(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)   # (TIME_WAIT is fine)
        try:
            probe.bind(("127.0.0.1", port))
            probe.listen()
        except OSError:
            return False
        return True


def _backplanesRegistered() -> list[str]:
    return [service for service in coordinatingassistanttracker.getcat().servicesRegistered()
            if BACKPLANE in str(service)]


# ------------------------------------------------------------ the Director
def test_the_director_plays_each_role_on_time_then_tells_each_part_to_stop_in_order(
        name: str) -> None:
    narrator = Recording()
    roles = (Role("bob", 0.4, 1.0, ((0.6, "hi alice"),)),           # (out of order)
             Role("alice", 0.0, 0.8, ((0.2, "hello"),)))
    first, second = Part(narrator, "first"), Part(narrator, "second")
    with chatSystem(name) as server:
        director = Director(roles, "127.0.0.1", server.port, narrator,
                            stops=[(first, producerFinished()), (second, serverShutdown())],
                            scale=0.5)
        ended = Collector()
        director.link((director, "signal"), (ended, "control"))
        inScheduler(lambda: [part.activate() for part in (first, second, ended, director)])
        inScheduler(lambda: None, when=lambda: all(
            part._isStopped() for part in (first, second, ended, director)))
    at = {(who, verb): seconds for seconds, who, verb, _ in narrator.told}
    due = {("alice", "joins"): 0.0, ("alice", "says"): 0.1, ("alice", "leaves"): 0.4,
           ("bob", "joins"): 0.2, ("bob", "says"): 0.3, ("bob", "leaves"): 0.5}
    for event, seconds in due.items():                  # the times, scaled
        assert seconds <= at[event] < seconds + LATE, (event, at[event])
    assert ("alice", "joins", f"(connects to 127.0.0.1:{server.port})") in narrator.events()
    stops = [(who, text) for _, who, verb, text in narrator.told if verb == "stops"]
    assert stops == [("first", "producerFinished"), ("second", "serverShutdown")]
    assert at[("first", "stops")] >= max(at[("alice", "leaves")], at[("bob", "leaves")])
    assert [type(message) for message in ended.control] == [producerFinished]
    assert (director.joined, director.ended, director.cut) == (2, 2, False)


def test_interrupting_the_director_makes_the_clients_leave_and_the_rest_never_join(
        name: str) -> None:
    narrator = Recording()
    roles = (Role("alice", 0.0, 60.0, ((0.0, "hello"), (30.0, "too late"))),
             Role("bob", 30.0, 60.0, ()))
    part = Part(narrator, "part")
    with chatSystem(name) as server:
        director = Director(roles, "127.0.0.1", server.port, narrator,
                            stops=[(part, producerFinished())])
        inScheduler(lambda: (part.activate(), director.activate()))
        inScheduler(lambda: None, when=lambda: ("alice", "says", "hello") in narrator.events())
        director.interrupt()                            # (from the test's thread)
        inScheduler(lambda: None, when=lambda: director._isStopped() and part._isStopped())
    events = narrator.events()
    assert [e for e in events if e[1] != "hears"] == [
        ("alice", "joins", f"(connects to 127.0.0.1:{server.port})"),
        ("alice", "says", "hello"), ("alice", "leaves", ""),
        ("part", "stops", "producerFinished")]
    # (her own line may or may not have come back to her before she left)
    assert [e for e in events if e[1] == "hears"] in ([], [("alice", "hears", "alice: hello")])
    assert narrator.told[-1][0] < LATE
    assert (director.joined, director.ended, director.cut) == (1, 1, True)


# ------------------------------------------------------------ runDemo
def test_run_demo_plays_the_whole_script_ends_by_itself_and_leaves_nothing_behind() -> None:
    with DemoThread(seconds=2) as demo:
        assert demo.wait() == 0
    text = demo.text()
    header = HEADER.match(text)
    assert header is not None, text[:300]
    assert header["seconds"] == "2"
    lines = sum(len(role.lines) for role in SCRIPT)
    joins, leaves, said, relayed, heard = _counts(text)
    assert (joins, leaves, said, relayed) == (len(SCRIPT), len(SCRIPT), lines, lines)
    assert heard >= lines
    assert "(cut short)" not in text
    assert scheduler.run.listAllThreads() == []
    assert _backplanesRegistered() == []
    assert _portIsFree(int(header["chat"])) and _portIsFree(int(header["page"]))


def test_interrupt_from_another_thread_cuts_the_tour_short_with_a_summary() -> None:
    with DemoThread() as demo:                          # (20 s, unless cut short)
        director = inScheduler(lambda: _running(Director),
                               when=lambda: getattr(_running(Director), "joined", 0) >= 1)
        director.interrupt()
        assert demo.wait() == 0
    text = demo.text()
    assert "\n(cut short)\n" in text
    joins, leaves, *_ = _counts(text)
    assert 1 <= joins < len(SCRIPT) and leaves == joins
    events = _events(text)
    assert ("dave", "joins") not in events              # (due at 10.5 s)
    assert scheduler.run.listAllThreads() == []
    assert _backplanesRegistered() == []


@pytest.mark.parametrize("seconds", [0, -1.5, math.nan])
def test_run_demo_needs_a_positive_number_of_seconds(seconds: float) -> None:
    out = io.StringIO()
    with pytest.raises(ValueError, match=rf"got {re.escape(repr(seconds))}$"):
        runDemo(seconds=seconds, out=out)
    assert out.getvalue() == ""
    assert scheduler.run.listAllThreads() == [] and _backplanesRegistered() == []


def test_the_live_page_shows_the_system_and_the_clients_as_they_join() -> None:
    with DemoThread(seconds=3) as demo:
        port = inScheduler(lambda: _running(TopologyServer).port,
                           when=lambda: _running(TopologyServer) is not None)
        with connect(f"ws://127.0.0.1:{port}/ws", open_timeout=IO_TIMEOUT) as page:
            graph = json.loads(page.recv(timeout=IO_TIMEOUT))
            assert graph["type"] == "graph"
            nodes = {node["id"]: node for node in graph["nodes"]}
            shown = {node["class"].rsplit(".", 1)[-1] for node in nodes.values()}
            assert {"ServerCore", "Backplane", "Director", "ChatLog"} <= shown, shown
            assert "TopologyServer" not in shown        # (the page leaves itself out)
            client = {"Speaker", "TCPClient", "LineSplit", "Listener"}
            while not client <= shown:                  # a client joins: it is drawn
                change = json.loads(page.recv(timeout=IO_TIMEOUT))
                if change["type"] == "graph":
                    nodes = {}
                nodes.update({node["id"]: node for node in change["nodes"]})
                for gone in change.get("gone", []):
                    nodes.pop(gone, None)
                shown = {node["class"].rsplit(".", 1)[-1] for node in nodes.values()}
        assert demo.wait() == 0
    header = HEADER.match(demo.text())
    assert header is not None and int(header["page"]) == port
