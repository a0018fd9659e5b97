"""Tests for Kamaelia.Experimental.Services: named services, subscribing and sending to them."""

from __future__ import annotations

import logging
import textwrap
from typing import Any, Iterator

import pytest

from Axon.AxonExceptions import ServiceAlreadyExists
from Axon.AdaptiveCommsComponent import AdaptiveCommsComponent
from Axon.CoordinatingAssistantTracker import coordinatingassistanttracker as CAT
from Axon.Ipc import producerFinished, shutdownMicroprocess
from Axon.Scheduler import scheduler
from componentharness import attach
import Kamaelia.Experimental.Services as Services
from Kamaelia.Experimental.Services import RegisterService, Subscribe, ToService


@pytest.fixture
def service_names() -> Iterator[list[str]]:
    """Names registered by the test: deregistered afterwards (the tracker is process-wide)."""
    names: list[str] = []
    yield names
    cat = CAT.getcat()
    for name in names:
        if name in cat.servicesRegistered():
            cat.deRegisterService(name)


class Recorder(AdaptiveCommsComponent):
    """A service: records requests; answers "ADD" by sending the request back."""

    def __init__(self, replies: int = 1) -> None:
        super().__init__()
        self.requests: list[Any] = []
        self.replies = replies

    def main(self) -> Iterator[Any]:
        while True:
            for request in self.Inbox("inbox"):
                self.requests.append(request)
                if isinstance(request, tuple) and request[0] == "ADD":
                    subscriber, boxname = request[2]
                    box = self.addOutbox("to")
                    self.link((self, box), (subscriber, boxname))
                    self.send(f"about {request[1]}", box)
            if self.dataReady("control"):
                return
            self.pause()
            yield 1


def test_register_service_registers_each_inbox_and_returns_the_component(
        service_names: list[str]) -> None:
    service = Recorder()
    service_names += ["TEST-A", "TEST-B"]
    assert RegisterService(service, {"TEST-A": "inbox", "TEST-B": "control"}) is service
    assert CAT.getcat().retrieveService("TEST-A") == (service, "inbox")
    assert CAT.getcat().retrieveService("TEST-B") == (service, "control")


def test_register_service_refuses_a_name_in_use(service_names: list[str],
                                                caplog: pytest.LogCaptureFixture) -> None:
    service_names.append("TEST-TAKEN")
    RegisterService(Recorder(), {"TEST-TAKEN": "inbox"})
    with caplog.at_level(logging.ERROR, logger="Kamaelia.Experimental.Services"):
        with pytest.raises(ServiceAlreadyExists):
            RegisterService(Recorder(), {"TEST-TAKEN": "inbox"})
    assert any("'TEST-TAKEN' is already registered" in r.getMessage() for r in caplog.records)


def test_register_service_needs_a_dict() -> None:
    with pytest.raises(TypeError, match=r"services must be a dict .* not \['inbox'\]"):
        RegisterService(Recorder(), ["inbox"])  # type: ignore[arg-type]


def test_subscribe_sends_add_requests_forwards_what_comes_and_removes_at_the_end(
        service_names: list[str], run_rounds: Any) -> None:
    service = Recorder()
    service_names.append("TEST-NEWS")
    RegisterService(service, {"TEST-NEWS": "inbox"}).activate()
    subscriber = Subscribe("TEST-NEWS", "sport", "weather")
    sink = attach(subscriber)
    run_rounds(50)
    assert service.requests == [("ADD", "sport", (subscriber, "inbox")),
                                ("ADD", "weather", (subscriber, "inbox"))]
    assert sink.got == ["about sport", "about weather"]
    message = producerFinished()
    subscriber.inboxes["control"].append(message)
    run_rounds(50)
    assert sink.control == [message]
    assert service.requests[2:] == [("REMOVE", "weather", (subscriber, "inbox")),
                                    ("REMOVE", "sport", (subscriber, "inbox"))]
    assert subscriber._isStopped()


def test_subscribe_passes_other_control_messages_on_and_keeps_going(
        service_names: list[str], run_rounds: Any) -> None:
    service_names.append("TEST-CHATTY")
    RegisterService(Recorder(), {"TEST-CHATTY": "inbox"}).activate()
    subscriber = Subscribe("TEST-CHATTY")
    sink = attach(subscriber)
    subscriber.inboxes["control"].append("hello")
    run_rounds(20)
    assert sink.control == ["hello"] and not subscriber._isStopped()
    subscriber.inboxes["control"].append(shutdownMicroprocess())
    run_rounds(20)
    assert subscriber._isStopped()


def test_to_service_delivers_its_inbox_to_the_service(service_names: list[str],
                                                      run_rounds: Any) -> None:
    service = Recorder()
    service_names.append("TEST-LOG")
    RegisterService(service, {"TEST-LOG": "inbox"}).activate()
    sender = ToService("TEST-LOG")
    sink = attach(sender)
    run_rounds(10)
    sender.inboxes["inbox"].extend(["line 1", "line 2"])
    run_rounds(10)
    assert service.requests == ["line 1", "line 2"]
    sender.inboxes["control"].append(producerFinished())
    service.inboxes["control"].append("stop")
    assert run_rounds(50)
    assert [type(m) for m in sink.control] == [producerFinished]


def test_an_unknown_service_raises_keyerror_when_it_starts() -> None:
    scheduler.run.reraiseExceptions = True
    subscriber = Subscribe("TEST-NO-SUCH-SERVICE")
    subscriber.activate()
    with pytest.raises(KeyError, match=r"no service registered as 'TEST-NO-SUCH-SERVICE'"):
        scheduler.run.runThreads()


def test_docstring_example_prints_the_greeting(capsys: pytest.CaptureFixture[str],
                                               service_names: list[str]) -> None:
    service_names.append("GREETER")
    example = Services.__doc__.split("::", 1)[1].split("\nprints")[0]
    exec(textwrap.dedent(example), {})
    assert capsys.readouterr().out == "hello, world\n"
