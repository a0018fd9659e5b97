"""TimeOutCSA's 1.14 parts: InactivityChassis and its pieces, the makers, EchoServer."""

from __future__ import annotations

from typing import Any, Iterator

import pytest

from Axon.Component import component
from Axon.Ipc import producerFinished, shutdownMicroprocess
from Axon.Scheduler import scheduler
from Kamaelia.Chassis.ConnectedServer import MoreComplexServer, ServerCore
from Kamaelia.Chassis.Graphline import Graphline
from Kamaelia.IPC import shutdownCSA
from Kamaelia.Internet import TimeOutCSA as timeoutModule
from Kamaelia.Internet.ConnectedSocketAdapter import ConnectedSocketAdapter
from Kamaelia.Internet.TCPServer import TCPServer
from Kamaelia.Internet.TimeOutCSA import (ActivityMonitor, EchoServer, ExtendedInactivity,
                                          InactivityChassis, NoActivityTimeout, PeriodicWakeup,
                                          ResettableSender, WakeableIntrospector)
from Kamaelia.Protocol.EchoProtocol import EchoProtocol
from componentharness import Collector, run
from nethelpers import runScheduler
from nettools import Background, connect, receiveAll, receiveExactly


class Quiet(component):
    """Says hello, then waits for a message on "control", which it records and
    passes on out of "signal"."""

    def __init__(self) -> None:
        super().__init__()
        self.told: list[Any] = []

    def main(self) -> Iterator[Any]:
        self.send("hello", "outbox")
        while not self.dataReady("control"):
            self.pause()
            yield 1
        self.told.append(self.recv("control"))
        self.send(self.told[-1], "signal")


class FirstMessage(Collector):
    """Ends once something has arrived on "inbox" (a ResettableSender sends
    nothing out of "signal")."""

    def main(self) -> Iterator[Any]:
        while not self.dataReady("inbox"):
            self.pause()
            yield 1
        self.got.extend(self.Inbox("inbox"))


def heardFrom(sender: ResettableSender) -> list[Any]:
    listener = FirstMessage()
    sender.link((sender, "outbox"), (listener, "inbox"))
    sender.activate()
    listener.activate()
    runScheduler()
    return listener.got


# --------------------------------------------------------- ResettableSender
def test_ResettableSender_sends_its_message_once_quiet_for_timeout_then_ends() -> None:
    sender = ResettableSender(timeout=0.05, message="TIME UP")
    assert heardFrom(sender) == ["TIME UP"]
    assert sender._isStopped()
    assert (ResettableSender.timeout, ResettableSender.message) == (5, "NEXT")


def test_ResettableSender_starts_again_each_time_something_arrives() -> None:
    sender = ResettableSender(timeout=1.0)
    fed: list[float] = []

    def feed() -> None:
        fed.append(1)
        sender._deliver("reset", "inbox")
        if len(fed) < 3:
            scheduler.run.callLater(0.4, feed)

    scheduler.run.callLater(0.4, feed)
    heard: list[int] = []

    class Listener(Collector):
        def main(self) -> Iterator[Any]:
            while not self.dataReady("inbox"):
                self.pause()
                yield 1
            heard.append(len(fed))            # how many resets had been fed by then
            self.got.extend(self.Inbox("inbox"))

    listener = Listener()
    sender.link((sender, "outbox"), (listener, "inbox"))
    sender.activate()
    listener.activate()
    runScheduler()
    assert listener.got == ["NEXT"] and heard == [3]    # not at 1.0 s: it was reset at 0.8


def test_ResettableSender_ends_without_sending_on_shutdownMicroprocess() -> None:
    sender = ResettableSender(timeout=3600)
    sender.inboxes["control"].append(shutdownMicroprocess())
    sender.activate()
    runScheduler()
    assert sender._isStopped() and not list(sender.outboxes["outbox"])


# ---------------------------------------------------------- ActivityMonitor
def test_ActivityMonitor_passes_each_box_on_and_says_RESET_when_anything_arrives() -> None:
    monitor = ActivityMonitor()
    for box, message in (("inbox", 1), ("inbox2", 2), ("inbox3", 3)):
        monitor.inboxes[box].append(message)
    ended = shutdownCSA(None, monitor)
    monitor.inboxes["control"].append(ended)
    monitor.activate()
    runScheduler()                          # it ends on shutdownCSA
    sent = {name: list(box) for name, box in monitor.outboxes.items()}
    assert sent == {"outbox": [1], "outbox2": [2], "outbox3": [3], "signal": [ended],
                    "observed": ["RESET"]}


# ------------------------------------------------------ PeriodicWakeup etc.
def test_PeriodicWakeup_ticks_until_told_to_stop_and_passes_that_on() -> None:
    wakeup = PeriodicWakeup(interval=0.01, message="tick")

    class TwoTicks(Collector):
        Outboxes = {"outbox": "to the wakeup's control", "signal": "not used"}

        def main(self) -> Iterator[Any]:
            while len(self.got) < 2:
                self.got.extend(self.Inbox("inbox"))
                if len(self.got) < 2:
                    self.pause()
                    yield 1
            self.send(producerFinished(), "outbox")
            while not self.dataReady("control"):
                self.pause()
                yield 1
            self.control.append(self.recv("control"))

    counter = TwoTicks()
    wakeup.link((wakeup, "outbox"), (counter, "inbox"))
    wakeup.link((wakeup, "signal"), (counter, "control"))
    counter.link((counter, "outbox"), (wakeup, "control"))
    wakeup.activate()
    counter.activate()
    runScheduler()
    assert counter.got[:2] == ["tick", "tick"]
    assert [type(m) for m in counter.control] == [producerFinished]


def test_WakeableIntrospector_and_PeriodicWakeup_end_a_system_whose_work_is_done() -> None:
    Graphline(PW=PeriodicWakeup(interval=0.02),
              WI=WakeableIntrospector(),
              linkages={("PW", "outbox"): ("WI", "inbox"),
                        ("PW", "signal"): ("WI", "control"),
                        ("WI", "outbox"): ("PW", "inbox"),
                        ("WI", "signal"): ("PW", "control")}).activate()
    runScheduler()                       # returns: the three have ended each other


# --------------------------------------------------------- InactivityChassis
def test_InactivityChassis_sends_a_quiet_component_producerFinished() -> None:
    quiet = Quiet()
    chassis = InactivityChassis(quiet, timeout=0.05)
    sink = run(chassis)
    assert sink.got == ["hello"]
    assert [type(m) for m in quiet.told] == [producerFinished]
    assert [type(m) for m in sink.control] == [producerFinished]


def test_NoActivityTimeout_is_a_maker_for_a_class_attribute() -> None:
    class Holder:
        make = NoActivityTimeout(Quiet, timeout=0.05)

    chassis = Holder().make()
    assert isinstance(chassis, Graphline)
    sink = run(chassis)
    assert sink.got == ["hello"]


def test_ExtendedInactivity_makes_chassis_with_the_timeout_given_each_time() -> None:
    sink = run(ExtendedInactivity(Quiet)(timeout=0.05))
    assert sink.got == ["hello"]


def test_a_TCPServer_whose_CSA_is_a_maker_closes_idle_connections() -> None:
    class IdleClosing(TCPServer):
        CSA = NoActivityTimeout(ConnectedSocketAdapter, timeout=0.3)

    server = ServerCore(protocol=EchoProtocol, port=0, host="127.0.0.1", TCPS=IdleClosing)
    with Background(server):
        with connect(server.port) as client:
            client.sendall(b"hi")
            assert receiveExactly(client, 2) == b"hi"
            assert receiveAll(client) == b""              # then, idle, it is closed


def test_EchoServer_is_1_14s_demonstration() -> None:
    assert issubclass(EchoServer, MoreComplexServer)
    assert EchoServer.port == 1500
    assert issubclass(EchoServer.TCPS, TCPServer) and callable(EchoServer.TCPS.CSA)
    assert set(timeoutModule.__kamaelia_components__) >= {ResettableSender, ActivityMonitor,
                                                          PeriodicWakeup, WakeableIntrospector}


@pytest.mark.parametrize("make", [lambda: InactivityChassis(Quiet(), timeout=0),
                                  lambda: NoActivityTimeout(Quiet, timeout=-1)])
def test_a_bad_timeout_is_refused(make: Any) -> None:
    with pytest.raises(ValueError, match="timeout must be"):
        make()
