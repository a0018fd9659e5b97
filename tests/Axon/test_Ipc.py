"""Tests for Axon.Ipc."""

from __future__ import annotations

import logging
from typing import Any, Iterator

import pytest

from Axon import Ipc
from Axon.Ipc import (
    WaitComplete,
    errorInformation,
    ipc,
    newComponent,
    notify,
    producerFinished,
    reactivate,
    shutdown,
    shutdownMicroprocess,
    shutdownRequest,
    status,
    wouldblock,
)


def test_every_message_class_is_an_ipc_and_public() -> None:
    classes = [
        newComponent, shutdownMicroprocess, shutdown, notify, status, wouldblock,
        producerFinished, errorInformation, reactivate, WaitComplete,
    ]
    for cls in classes:
        assert issubclass(cls, ipc)
        assert cls.__name__ in Ipc.__all__
    assert "ipc" in Ipc.__all__


def test_newComponent_carries_its_components() -> None:
    a, b = object(), object()
    msg = newComponent(a, b)
    assert msg.comps == (a, b)
    assert msg.components() == (a, b)
    assert newComponent().components() == ()


def test_shutdownMicroprocess_carries_its_microprocesses() -> None:
    a = object()
    msg = shutdownMicroprocess(a)
    assert msg.mps == (a,)
    assert msg.microprocesses() == (a,)
    assert shutdownMicroprocess().microprocesses() == ()


def test_shutdown_takes_no_arguments() -> None:
    assert isinstance(shutdown(), ipc)


def test_notify_keeps_caller_and_payload_as_object() -> None:
    msg = notify("me", {"x": 1})
    assert msg.caller == "me"
    assert msg.object == {"x": 1}


def test_status_message_available_as_attribute_and_method() -> None:
    msg = status("running")
    assert msg.statusMessage == "running"
    assert msg.status() == "running"


def test_wouldblock_keeps_caller() -> None:
    assert wouldblock("me").caller == "me"


def test_producerFinished_defaults_to_none() -> None:
    msg = producerFinished()
    assert msg.caller is None and msg.message is None
    msg = producerFinished("me", "eof")
    assert (msg.caller, msg.message) == ("me", "eof")
    msg = producerFinished(message="eof")
    assert (msg.caller, msg.message) == (None, "eof")


def test_errorInformation_keeps_caller_exception_and_message() -> None:
    err = ValueError("bad")
    msg = errorInformation("me", err, "while parsing")
    assert (msg.caller, msg.exception, msg.message) == ("me", err, "while parsing")
    msg = errorInformation("me")
    assert (msg.exception, msg.message) == (None, None)


def test_reactivate_keeps_the_original_under_both_names() -> None:
    message = reactivate(original="comp")
    assert message.original == "comp"
    assert message.component == "comp"


def test_WaitComplete_keeps_args_and_keywords() -> None:
    def gen() -> Any:
        yield 1

    g = gen()
    msg = WaitComplete(g, tag="x")
    assert msg.args == (g,)
    assert msg.argd == {"tag": "x"}


def test_repr_shows_class_name_and_fields() -> None:
    assert repr(producerFinished(None, "eof")) == "producerFinished(caller=None, message='eof')"
    assert repr(shutdown()) == "shutdown()"
    assert repr(status("ok")) == "status(statusMessage='ok')"
    assert repr(ipc()) == "ipc()"


class _Custom(ipc):
    def __init__(self, value: int) -> None:
        self.value = value


class _FinishedWithReason(producerFinished):
    def __init__(self, reason: str) -> None:
        super().__init__(None, "done")
        self.reason = reason


def test_user_subclasses_of_ipc_can_set_any_attribute() -> None:
    msg = _Custom(3)
    assert msg.value == 3
    assert repr(msg) == "_Custom(value=3)"
    msg.extra = "allowed"  # type: ignore[attr-defined]
    assert msg.extra == "allowed"  # type: ignore[attr-defined]


def test_user_subclasses_of_message_classes_keep_their_own_attributes() -> None:
    msg = _FinishedWithReason("eof")
    assert isinstance(msg, producerFinished)
    assert (msg.caller, msg.message, msg.reason) == (None, "done", "eof")
    assert repr(msg) == "_FinishedWithReason(caller=None, message='done', reason='eof')"


def test_repr_of_self_referencing_message_does_not_recurse() -> None:
    msg = notify(None, None)
    msg.object = msg
    assert repr(msg) == "notify(caller=None, object=...)"


def test_messages_compare_by_identity() -> None:
    a, b = shutdown(), shutdown()
    assert a != b
    assert a == a
    assert len({a, b}) == 2


# ------------------------------------------------------------ shutdownRequest
class _Boxes:
    """Just enough of a component for shutdownRequest: a name and inboxes."""

    name = "test.Boxes_1"

    def __init__(self, **boxes: list[Any]) -> None:
        self.boxes = boxes

    def dataReady(self, boxname: str = "inbox") -> int:
        return len(self.boxes[boxname])

    def recv(self, boxname: str = "inbox") -> Any:
        return self.boxes[boxname].pop(0)


def test_shutdownRequest_returns_the_first_shutdown_message_and_leaves_the_rest() -> None:
    first, later = producerFinished(), shutdownMicroprocess()
    boxes = _Boxes(control=[first, later])
    assert shutdownRequest(boxes) is first
    assert boxes.boxes["control"] == [later]


def test_shutdownRequest_is_None_with_nothing_waiting() -> None:
    assert shutdownRequest(_Boxes(control=[])) is None


def test_shutdownRequest_logs_and_drops_other_messages_naming_the_component(
        caplog: pytest.LogCaptureFixture) -> None:
    stop = shutdownMicroprocess()
    boxes = _Boxes(control=["chatter", stop])
    with caplog.at_level(logging.WARNING, logger="Axon.Ipc"):
        assert shutdownRequest(boxes) is stop
    assert any("test.Boxes_1" in r.getMessage() and "chatter" in r.getMessage()
               for r in caplog.records)


def test_shutdownRequest_reads_the_box_it_is_given() -> None:
    done = producerFinished()
    boxes = _Boxes(control=[], _control=[done])
    assert shutdownRequest(boxes) is None
    assert shutdownRequest(boxes, "_control") is done


def test_the_Kamaelia_shutdownRequest_is_the_public_one() -> None:
    from Kamaelia import _shutdown
    assert _shutdown.shutdownRequest is shutdownRequest
    assert "shutdownRequest" in Ipc.__all__


def test_a_component_using_the_documented_idiom_passes_shutdown_on() -> None:
    from Axon.Component import component
    from Axon.Scheduler import scheduler

    class Echo(component):
        def main(self) -> Iterator[int]:
            while True:
                for item in self.Inbox("inbox"):
                    self.send(item, "outbox")
                request = shutdownRequest(self)
                if request is not None:
                    self.send(request, "signal")    # pass it on, then end
                    return
                if not self.anyReady():
                    self.pause()
                yield 1

    echo, done = Echo(), producerFinished()
    echo._deliver("x", "inbox")
    echo._deliver(done, "control")
    echo.activate()
    scheduler.run.runThreads()
    assert echo._collect("outbox") == "x"
    assert echo._collect("signal") is done
