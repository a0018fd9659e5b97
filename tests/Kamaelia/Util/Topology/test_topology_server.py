"""The live topology server, against real clients: HTTP for the files, a
WebSocket client (the ``websockets`` library's) in place of the page.

The system and the server run in the default scheduler in a thread; the
test starts and stops components in the scheduler's thread (``inScheduler``).
"""

from __future__ import annotations

import json
import logging
import re
import socket
import threading
import urllib.error
import urllib.request
from typing import Any, Callable, Iterator

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from Axon.Component import component
from Axon.Introspector import Introspector
from Axon.Scheduler import scheduler
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.Util.Clock import CheapAndCheerfulClock
from Kamaelia.Util.Topology.server import (BACKLOG, WEBSOCKET_PATH, PageConnection,
                                           TopologyServer, asset)

from nettools import IO_TIMEOUT, Background, inScheduler

INTERVAL = 0.05
Rounds = Callable[[int], bool]


class Idle(component):
    """Idle() -> does nothing until stopped"""

    def main(self) -> Iterator[int]:
        while True:
            self.pause()
            yield 1


class Taker(component):
    """Taker() -> takes everything that arrives"""

    def main(self) -> Iterator[int]:
        while True:
            while self.dataReady("inbox"):
                self.recv("inbox")
            self.pause()
            yield 1


class Running:
    """The default scheduler running ``components`` in a thread; stopped (all
    of it) at the end."""

    def __init__(self, *components: component) -> None:
        for comp in components:
            comp.activate()
        self.thread = threading.Thread(target=scheduler.run.runThreads, daemon=True)

    def __enter__(self) -> "Running":
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        scheduler.run.stop()
        self.thread.join(IO_TIMEOUT)
        assert not self.thread.is_alive(), "the scheduler did not stop"


def page(server: TopologyServer) -> ClientConnection:
    return connect(f"ws://127.0.0.1:{server.port}{WEBSOCKET_PATH}", open_timeout=IO_TIMEOUT)


def receive(websocket: ClientConnection) -> dict[str, Any]:
    message = json.loads(websocket.recv(timeout=IO_TIMEOUT))
    assert isinstance(message, dict)
    return message


def receiveUntil(websocket: ClientConnection, holds: Callable[[dict[str, Any]], bool]
                 ) -> dict[str, Any]:
    """The first message for which ``holds`` is true (fails after IO_TIMEOUT)."""
    while True:
        message = receive(websocket)
        if holds(message):
            return message


def get(server: TopologyServer, path: str) -> tuple[int, str, str]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{server.port}{path}",
                                    timeout=IO_TIMEOUT) as answer:
            return answer.status, answer.headers["Content-Type"], answer.read().decode()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.headers["Content-Type"], ""


def nodeNames(message: dict[str, Any]) -> set[str]:
    return {node["name"] for node in message["nodes"]}


# ------------------------------------------------------------ the files
def test_the_page_its_script_and_its_style_are_served_and_nothing_else() -> None:
    server = TopologyServer(port=0, interval=INTERVAL)
    with Running(server):
        assert get(server, "/") == (200, "text/html; charset=utf-8", asset("topology.html"))
        assert get(server, "/index.html?x=1")[2] == asset("topology.html")
        assert get(server, "/topology.js") == (200, "text/javascript; charset=utf-8",
                                               asset("topology.js"))
        assert get(server, "/topology.css")[:2] == (200, "text/css; charset=utf-8")
        assert get(server, "/secrets.txt")[0] == 404
        assert get(server, WEBSOCKET_PATH)[0] == 426           # a WebSocket only


def test_the_page_loads_nothing_from_anywhere_else() -> None:
    html = asset("topology.html")
    references = re.findall(r'(?:src|href)="([^"]*)"', html)
    assert sorted(references) == ["data:,", "topology.css", "topology.js"]
    script = asset("topology.js")
    assert "http" not in script.replace("https:", "") and "import " not in script
    assert f'const WEBSOCKET_PATH = "{WEBSOCKET_PATH}";' in script


# ------------------------------------------------------------ the messages
def test_a_page_gets_the_whole_graph_first_and_the_server_is_not_in_it() -> None:
    first, second = Idle(), Idle()
    pipeline = Pipeline(first, second)
    server = TopologyServer(port=0, interval=INTERVAL)
    with Running(pipeline, server), page(server) as websocket:
        graph = receive(websocket)
        assert graph["type"] == "graph"
        assert nodeNames(graph) == {pipeline.name, first.name, second.name}
        assert {"from": [str(first.id), "o", "outbox"], "to": [str(second.id), "i", "inbox"],
                "passthrough": 0} in graph["links"]
        assert len(graph["links"]) == 6
        assert f"{__name__}.Idle" in graph["classes"]


def test_components_that_start_and_stop_are_sent_as_changes() -> None:
    server = TopologyServer(port=0, interval=INTERVAL)
    with Running(Idle(), server), page(server) as websocket:
        assert receive(websocket)["type"] == "graph"
        newcomer = Idle()
        inScheduler(newcomer.activate)
        added = receiveUntil(websocket, lambda m: bool(m["nodes"]))
        assert added["type"] == "changes" and nodeNames(added) == {newcomer.name}
        inScheduler(newcomer.stop)
        gone = receiveUntil(websocket, lambda m: bool(m["gone"]))
        assert gone["gone"] == [str(newcomer.id)]


def test_a_page_that_joins_late_gets_everything_as_it_is_now() -> None:
    early = Idle()
    server = TopologyServer(port=0, interval=INTERVAL)
    with Running(early, server), page(server) as first:
        receive(first)
        late = Idle()
        inScheduler(late.activate)
        receiveUntil(first, lambda m: bool(m["nodes"]))
        inScheduler(early.stop)
        receiveUntil(first, lambda m: bool(m["gone"]))
        with page(server) as second:
            assert nodeNames(receive(second)) == {late.name}


def test_nothing_is_sent_while_nothing_changes() -> None:
    # (rates=False: with rates, the start's runs a second going back to 0 is a change.)
    server = TopologyServer(port=0, interval=INTERVAL, rates=False)
    with Running(Pipeline(Idle(), Idle()), server), page(server) as websocket:
        receive(websocket)
        with pytest.raises(TimeoutError):
            websocket.recv(timeout=6 * INTERVAL)       # six looks, none different


def test_rates_reach_the_page_while_the_statistics_are_on() -> None:
    clock, taker = CheapAndCheerfulClock(0.01), Taker()
    system = Pipeline(clock, taker)
    server = TopologyServer(port=0, interval=0.2, sampleEvery=1)
    with Running(system, server), page(server) as websocket:
        assert receive(websocket)["measured"] is True
        assert inScheduler(lambda: scheduler.run.statistics.enabled) is True
        message = receiveUntil(websocket, lambda m: any(
            entry[0] == str(taker.id) and entry[2] == "inbox" for entry in m["rates"]))
        [rate] = [entry[3] for entry in message["rates"]
                  if entry[0] == str(taker.id) and entry[2] == "inbox"]
        assert 20 <= rate <= 110, message                    # about 100 ticks a second
        assert any(entry[0] == str(clock.id) and entry[1] > 0 for entry in message["runs"])


def test_without_rates_the_statistics_stay_off_and_nothing_is_measured() -> None:
    server = TopologyServer(port=0, interval=INTERVAL, rates=False)
    with Running(Idle(), server), page(server) as websocket:
        assert receive(websocket)["measured"] is False
        assert inScheduler(lambda: scheduler.run.statistics.enabled) is False


# ------------------------------------------------------------ shutdown
def test_shutdown_closes_the_pages_and_the_port_and_turns_the_statistics_off() -> None:
    server = TopologyServer(port=0, interval=INTERVAL)
    port = server.port
    with Background(server), page(server) as websocket:
        receive(websocket)
        assert inScheduler(lambda: scheduler.run.statistics.enabled) is True
    # (Background's end: serverShutdown, then the whole system ended.)
    with pytest.raises(ConnectionClosed):
        websocket.recv(timeout=IO_TIMEOUT)
    assert scheduler.run.statistics.enabled is False
    assert server.pages == {}
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=IO_TIMEOUT).close()


def test_statistics_the_program_turned_on_are_left_on() -> None:
    scheduler.run.statistics.enable()
    try:
        with Background(TopologyServer(port=0, interval=INTERVAL)):
            pass
        assert scheduler.run.statistics.enabled is True
    finally:
        scheduler.run.statistics.disable()


def test_other_messages_on_control_are_logged_and_ignored(
        caplog: pytest.LogCaptureFixture) -> None:
    server = TopologyServer(port=0, interval=INTERVAL)
    with Background(server), page(server) as websocket:
        receive(websocket)
        with caplog.at_level(logging.WARNING, logger="Kamaelia.Util.Topology"):
            server._deliver("hello?", "control")
            inScheduler(lambda: None, when=lambda: not server.dataReady("control"))
        websocket.send("pages may talk: it is ignored")
        assert inScheduler(lambda: server._isStopped()) is False
    assert "ignored an unexpected message on 'control': 'hello?'" in caplog.text


# ------------------------------------------------------------ one page's connection
def test_a_page_that_falls_behind_gets_the_whole_graph_once_it_catches_up(
        run_rounds: Rounds) -> None:
    connection, browser = PageConnection(lambda: "WHOLE"), Idle()
    connection.link((connection, "outbox"), (browser, "inbox"))
    connection.activate()
    browser.activate()
    for number in range(BACKLOG + 5):
        connection._deliver(f"change {number}", "updates")
    run_rounds(3)
    waiting = browser.inboxes["inbox"]
    assert list(waiting) == [f"change {number}" for number in range(BACKLOG)]
    assert connection.behind and not connection.dataReady("updates")
    connection._deliver("missed while behind", "updates")
    run_rounds(3)
    assert len(waiting) == BACKLOG and connection.behind
    browser.recv("inbox")                      # the browser takes one: it is catching up
    run_rounds(3)
    assert list(waiting)[-1] == "WHOLE" and len(waiting) == BACKLOG
    assert not connection.behind
    connection._deliver("next change", "updates")      # full again: behind again
    run_rounds(3)
    browser.recv("inbox")
    run_rounds(3)
    assert list(waiting)[-2:] == ["WHOLE", "WHOLE"] and "next change" not in list(waiting)


def test_the_connection_ends_when_the_websocket_closes(run_rounds: Rounds) -> None:
    from Axon.Ipc import shutdownMicroprocess
    connection = PageConnection(lambda: "WHOLE").activate()
    run_rounds(1)
    connection._deliver(shutdownMicroprocess(), "control")
    run_rounds(2)
    assert connection._isStopped()


# ------------------------------------------------------------ making one
def test_introspector_serve_starts_a_server_on_the_port_it_says() -> None:
    server = Introspector.serve(0)
    assert isinstance(server, TopologyServer)
    assert server.url == f"http://127.0.0.1:{server.port}/"
    with Running():
        assert get(server, "/")[0] == 200


@pytest.mark.parametrize("interval", [0, -1, float("inf"), "1", True, None])
def test_the_interval_must_be_a_positive_number(interval: Any) -> None:
    with pytest.raises(ValueError, match=re.escape(
            f"TopologyServer: interval must be a number of seconds > 0, not {interval!r}")):
        TopologyServer(interval=interval)


@pytest.mark.parametrize("sampleEvery", [0, 2.0, True])
def test_sample_every_must_be_none_or_a_positive_int(sampleEvery: Any) -> None:
    with pytest.raises(ValueError, match=re.escape(f"not {sampleEvery!r}")):
        TopologyServer(sampleEvery=sampleEvery)


def test_a_port_in_use_is_an_error_at_once() -> None:
    first = TopologyServer(port=0)
    try:
        with pytest.raises(OSError):
            TopologyServer(port=first.port)
    finally:
        first.close()


def test_the_url_of_a_server_on_every_address_is_the_loopback_one() -> None:
    server = TopologyServer(port=0, host="0.0.0.0")
    try:
        assert server.url == f"http://127.0.0.1:{server.port}/"
    finally:
        server.close()
