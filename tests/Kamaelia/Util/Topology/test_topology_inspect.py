"""``kamaelia inspect`` (run as its own program) and the demonstration system it shows."""

from __future__ import annotations

import json
import re
import signal
import socket
import subprocess
import sys
from typing import Any, Callable, Iterator

import pytest
from websockets.sync.client import connect

from Axon.Component import component
from Axon.Ipc import producerFinished, shutdownMicroprocess
from Kamaelia.Chassis.ConnectedServer import ServerCore
from Kamaelia.Protocol.EchoProtocol import EchoProtocol
from Kamaelia.Util.Topology.demo import Burst, Chatter, SlowSink, Visitors, demoSystem
from Kamaelia.Util.Topology.main import main

from nettools import IO_TIMEOUT, runScheduler

Rounds = Callable[[int], bool]
COMMAND = [sys.executable, "-m", "Kamaelia.Util.Topology.main"]


class Collector(component):
    """Collector() -> keeps what arrives on "inbox" and "control" (in ``got``)"""

    def __init__(self) -> None:
        super().__init__()
        self.got: list[Any] = []

    def main(self) -> Iterator[int]:
        while True:
            self.got += list(self.Inbox("inbox")) + list(self.Inbox("control"))
            if any(isinstance(message, producerFinished) for message in self.got):
                return
            self.pause()
            yield 1


def start(*arguments: str) -> tuple[subprocess.Popen[str], str, str]:
    """The command running, the port it serves on, and the line it printed after."""
    child = subprocess.Popen([*COMMAND, *arguments], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    assert child.stdout is not None
    first = child.stdout.readline()
    match = re.fullmatch(r"Live topology of the demonstration system: "
                         r"(http://127\.0\.0\.1:(\d+)/)\n", first)
    assert match, (first, child.stderr.read() if child.stderr else "")
    return child, match.group(2), child.stdout.readline()


# ------------------------------------------------------------ the command
def test_it_serves_the_demonstration_system_and_stops_by_itself() -> None:
    child, port, second = start("--seconds", "2", "--interval", "0.1")
    assert second == "(for 2 s; Ctrl-C stops sooner)\n"
    try:
        with connect(f"ws://127.0.0.1:{port}/ws", open_timeout=IO_TIMEOUT) as page:
            graph = json.loads(page.recv(timeout=IO_TIMEOUT))
        classes = {node["class"].rsplit(".", 1)[1] for node in graph["nodes"]}
        assert {"ServerCore", "Pipeline", "Graphline", "Burst", "SlowSink", "TwoWaySplitter",
                "Visitors", "TCPClient"} <= classes
        assert graph["measured"] is True
        out, err = child.communicate(timeout=IO_TIMEOUT)
    finally:
        child.kill()
        child.wait()
    assert child.returncode == 0, err
    assert out == "Stopped.\n"


def test_ctrl_c_stops_it() -> None:
    child, port, second = start()
    assert second == "(Ctrl-C stops)\n"
    try:
        with connect(f"ws://127.0.0.1:{port}/ws", open_timeout=IO_TIMEOUT) as page:
            page.recv(timeout=IO_TIMEOUT)
        child.send_signal(signal.SIGINT)
        out, err = child.communicate(timeout=IO_TIMEOUT)
    finally:
        child.kill()
        child.wait()
    assert child.returncode == 0, err
    assert out == "Stopped.\n"


@pytest.mark.parametrize("arguments,problem", [
    (["--port", "70000"], "--port must be a port from 0 to 65535, got 70000"),
    (["--seconds", "0"], "--seconds must be a number of seconds > 0, got 0.0"),
    (["--interval", "-1"], "--interval must be a number of seconds > 0, got -1.0"),
])
def test_bad_options_exit_2_saying_why(arguments: list[str], problem: str,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    assert main(arguments) == 2
    assert capsys.readouterr().err == f"kamaelia inspect: {problem}\n"


def test_a_port_in_use_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        assert main(["--port", str(taken.getsockname()[1])]) == 1
    assert capsys.readouterr().err.startswith("kamaelia inspect: cannot serve on port ")


# ------------------------------------------------------------ the demonstration
def test_the_demonstration_system_is_a_server_a_pipeline_a_graphline_and_visitors() -> None:
    echo, talker, numbers, visitors = parts = demoSystem()
    assert isinstance(echo, ServerCore)
    try:
        assert [type(part).__name__ for part in parts] == ["ServerCore", "Pipeline",
                                                           "Graphline", "Visitors"]
        assert isinstance(visitors, Visitors) and visitors.port == echo.port
    finally:
        echo.close()


def test_a_burst_sends_its_numbers_at_once(run_rounds: Rounds) -> None:
    burst, collector = Burst(size=3, period=60), Collector()
    burst.link((burst, "outbox"), (collector, "inbox"))
    burst.activate()
    collector.activate()
    run_rounds(4)
    assert collector.got == [1, 2, 3]
    burst._deliver(producerFinished(), "control")
    burst.link((burst, "signal"), (collector, "control"))
    run_rounds(4)
    assert burst._isStopped() and isinstance(collector.got[-1], producerFinished)


def test_a_slow_sink_takes_one_message_and_leaves_the_rest_waiting(run_rounds: Rounds) -> None:
    sink = SlowSink(delay=60).activate()
    for number in range(3):
        sink._deliver(number, "inbox")
    run_rounds(5)
    assert sink.taken == 1 and sink.dataReady("inbox") == 2
    sink._deliver(shutdownMicroprocess(), "control")
    run_rounds(2)
    assert sink._isStopped()


def test_a_chatter_says_hello_so_many_times_then_finishes() -> None:
    chatter, collector = Chatter(lines=2, every=0.01), Collector()
    chatter.link((chatter, "outbox"), (collector, "inbox"))
    chatter.link((chatter, "signal"), (collector, "control"))
    chatter.activate()
    collector.activate()
    runScheduler()
    assert collector.got[:2] == [b"hello 1\n", b"hello 2\n"]
    assert isinstance(collector.got[2], producerFinished)


def test_visitors_visit_at_once_and_stop_their_visitors_on_shutdown(run_rounds: Rounds) -> None:
    echo = ServerCore(protocol=EchoProtocol, port=0, host="127.0.0.1").activate()
    visitors, collector = Visitors("127.0.0.1", echo.port, every=60), Collector()
    visitors.link((visitors, "signal"), (collector, "control"))
    visitors.activate()
    collector.activate()
    run_rounds(3)
    [visitor] = visitors.childComponents()
    assert visitors.visits == 1
    visitors._deliver(producerFinished(), "control")
    run_rounds(5)
    assert visitors._isStopped() and visitor._isStopped()
    assert visitors.childComponents() == [] and isinstance(collector.got[-1], producerFinished)
    echo._deliver(shutdownMicroprocess(), "control")
