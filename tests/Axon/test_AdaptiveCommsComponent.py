"""Tests for Axon.AdaptiveCommsComponent: boxes added and removed at run time,
and the resource tracker."""

from __future__ import annotations

import re
from typing import Any, Iterator

import pytest

from Axon.AdaptiveCommsComponent import AdaptiveCommsComponent
from Axon.Component import component
from Axon.Ipc import producerFinished


def missing_box(comp: component, kind: str, boxname: str) -> str:
    """The start of the error message for a missing box, as a regex."""
    return re.escape(f"{comp.name} has no {kind} {boxname!r}")


# ------------------------------------------------------------- adding boxes
def test_addInbox_returns_the_name_when_it_is_free() -> None:
    c = AdaptiveCommsComponent()
    assert c.addInbox("x") == "x"
    assert "x" in c.inboxes


def test_addInbox_uniquifies_taken_names() -> None:
    c = AdaptiveCommsComponent()
    assert [c.addInbox("x") for _ in range(3)] == ["x", "x_2", "x_3"]
    assert {"x", "x_2", "x_3"} <= set(c.inboxes)
    assert c.addInbox("inbox") == "inbox_2"       # clashes with a declared inbox


def test_addOutbox_uniquifies_taken_names() -> None:
    c = AdaptiveCommsComponent()
    assert [c.addOutbox("y") for _ in range(3)] == ["y", "y_2", "y_3"]
    assert {"y", "y_2", "y_3"} <= set(c.outboxes)
    assert c.addOutbox("outbox") == "outbox_2"    # clashes with a declared outbox


def test_inbox_and_outbox_names_are_independent() -> None:
    c = AdaptiveCommsComponent()
    assert c.addInbox("pair") == "pair"
    assert c.addOutbox("pair") == "pair"


def test_added_boxes_carry_messages() -> None:
    c = AdaptiveCommsComponent()
    inbox = c.addInbox("in")
    outbox = c.addOutbox("out")
    c.link((c, outbox), (c, inbox))
    c.send("through the new boxes", outbox)
    assert c.dataReady(inbox) == 1
    assert c.recv(inbox) == "through the new boxes"


@pytest.mark.parametrize("bad", ["", None, 3])
def test_addInbox_rejects_a_name_that_is_not_a_non_empty_string(bad: Any) -> None:
    c = AdaptiveCommsComponent()
    with pytest.raises(ValueError, match=re.escape(repr(bad))):
        c.addInbox(bad)
    with pytest.raises(ValueError, match=re.escape(repr(bad))):
        c.addOutbox(bad)


def test_an_added_inbox_wakes_its_running_owner() -> None:
    class Grows(AdaptiveCommsComponent):
        def main(self) -> Iterator[Any]:
            self.name_added = self.addInbox("late")
            self.got: list[Any] = []
            while not self.dataReady("control"):
                self.got.extend(self.Inbox(self.name_added))
                if not self.anyReady():
                    self.pause()
                yield 1
            self.got.extend(self.Inbox(self.name_added))

    class Feeder(component):
        def __init__(self, target: Grows) -> None:
            super().__init__()
            self.target = target

        def main(self) -> Iterator[Any]:
            while not hasattr(self.target, "name_added"):
                yield 1
            self.link((self, "outbox"), (self.target, self.target.name_added))
            self.link((self, "signal"), (self.target, "control"))
            for i in range(3):
                self.send(i, "outbox")
                yield 1
            self.send(producerFinished(self), "signal")

    grows = Grows().activate()
    Feeder(grows).activate()
    grows.scheduler.runThreads()
    assert grows.got == [0, 1, 2]


# ----------------------------------------------------------- deleting boxes
def test_deleteInbox_removes_the_box_and_unlinks_what_this_component_made() -> None:
    c = AdaptiveCommsComponent()
    producer = component()
    name = c.addInbox("fromProducer")
    L = c.link((producer, "outbox"), (c, name))
    keep = c.link((c, "outbox"), (producer, "inbox"))
    c.deleteInbox(name)
    assert name not in c.inboxes
    assert not c.postoffice.islinkageregistered(L)
    assert c.postoffice.islinkageregistered(keep)
    producer.send("after the delete")
    assert list(producer.outboxes["outbox"]) == ["after the delete"]   # waits, unlinked


def test_deleteOutbox_removes_the_box_and_unlinks_what_this_component_made() -> None:
    c = AdaptiveCommsComponent()
    consumer = component()
    name = c.addOutbox("toConsumer")
    L = c.link((c, name), (consumer, "inbox"))
    keep = c.link((consumer, "outbox"), (c, "inbox"))
    c.deleteOutbox(name)
    assert name not in c.outboxes
    assert not c.postoffice.islinkageregistered(L)
    assert c.postoffice.islinkageregistered(keep)
    with pytest.raises(KeyError, match=missing_box(c, "outbox", name)):
        c.send("nowhere", name)


def test_deleting_a_box_frees_its_name() -> None:
    c = AdaptiveCommsComponent()
    c.addInbox("x")
    c.deleteInbox("x")
    assert c.addInbox("x") == "x"
    c.addOutbox("y")
    c.deleteOutbox("y")
    assert c.addOutbox("y") == "y"


def test_deleting_a_declared_box_works_too() -> None:
    c = AdaptiveCommsComponent()
    c.deleteInbox("control")
    c.deleteOutbox("signal")
    assert set(c.inboxes) == {"inbox"}
    assert set(c.outboxes) == {"outbox"}


def test_deleteInbox_of_a_missing_box_is_a_KeyError_naming_it() -> None:
    c = AdaptiveCommsComponent()
    with pytest.raises(KeyError, match=missing_box(c, "inbox", "nosuch")):
        c.deleteInbox("nosuch")


def test_deleteOutbox_of_a_missing_box_is_a_KeyError_naming_it() -> None:
    c = AdaptiveCommsComponent()
    with pytest.raises(KeyError, match=missing_box(c, "outbox", "nosuch")):
        c.deleteOutbox("nosuch")


# --------------------------------------------------------- resource tracking
def test_trackResource_and_retrieveTrackedResource() -> None:
    c = AdaptiveCommsComponent()
    client = object()
    inbox = c.addInbox("fromClient")
    c.trackResource(client, inbox)
    assert c.retrieveTrackedResource(inbox) is client


def test_trackResource_on_a_missing_inbox_is_a_KeyError_naming_it() -> None:
    c = AdaptiveCommsComponent()
    with pytest.raises(KeyError, match=missing_box(c, "inbox", "nosuch")):
        c.trackResource("client", "nosuch")


def test_retrieveTrackedResource_of_an_untracked_inbox_is_a_KeyError_naming_it() -> None:
    c = AdaptiveCommsComponent()
    with pytest.raises(KeyError, match=re.escape("'inbox'")):
        c.retrieveTrackedResource("inbox")


def test_trackResourceInformation_and_retrieveTrackedResourceInformation() -> None:
    c = AdaptiveCommsComponent()
    client = ("127.0.0.1", 1234)
    inbox, outbox = c.addInbox("fromClient"), c.addOutbox("toClient")
    c.trackResourceInformation(client, [inbox], [outbox], {"since": 0})
    inboxes, outboxes, info = c.retrieveTrackedResourceInformation(client)
    assert (list(inboxes), list(outboxes), info) == ([inbox], [outbox], {"since": 0})


def test_trackResourceInformation_accepts_any_iterables_of_box_names() -> None:
    c = AdaptiveCommsComponent()
    c.trackResourceInformation("r", (n for n in ["inbox", "control"]), ("outbox",), None)
    inboxes, outboxes, info = c.retrieveTrackedResourceInformation("r")
    assert (list(inboxes), list(outboxes), info) == (["inbox", "control"], ["outbox"], None)


def test_trackResourceInformation_with_a_missing_inbox_is_a_KeyError_naming_it() -> None:
    c = AdaptiveCommsComponent()
    with pytest.raises(KeyError, match=missing_box(c, "inbox", "nosuch")):
        c.trackResourceInformation("r", ["inbox", "nosuch"], [], None)
    with pytest.raises(KeyError):
        c.retrieveTrackedResourceInformation("r")       # nothing was recorded


def test_trackResourceInformation_with_a_missing_outbox_is_a_KeyError_naming_it() -> None:
    c = AdaptiveCommsComponent()
    with pytest.raises(KeyError, match=missing_box(c, "outbox", "nosuch")):
        c.trackResourceInformation("r", [], ["nosuch"], None)


def test_retrieveTrackedResourceInformation_of_an_untracked_resource_names_it() -> None:
    c = AdaptiveCommsComponent()
    with pytest.raises(KeyError, match=re.escape("'stranger'")):
        c.retrieveTrackedResourceInformation("stranger")


def test_ceaseTrackingResource_forgets_information_and_inboxes() -> None:
    c = AdaptiveCommsComponent()
    client, other = "client", "other"
    a, b, o = c.addInbox("a"), c.addInbox("b"), c.addInbox("o")
    c.trackResource(client, a)
    c.trackResource(client, b)
    c.trackResource(other, o)
    c.trackResourceInformation(client, [a, b], [], "info")
    c.ceaseTrackingResource(client)
    with pytest.raises(KeyError):
        c.retrieveTrackedResourceInformation(client)
    with pytest.raises(KeyError):
        c.retrieveTrackedResource(a)
    with pytest.raises(KeyError):
        c.retrieveTrackedResource(b)
    assert c.retrieveTrackedResource(o) == other


def test_ceaseTrackingResource_of_an_untracked_resource_is_a_KeyError_naming_it() -> None:
    c = AdaptiveCommsComponent()
    with pytest.raises(KeyError, match=re.escape("'stranger'")):
        c.ceaseTrackingResource("stranger")


def test_ceaseTrackingResource_twice_is_an_error_the_second_time() -> None:
    c = AdaptiveCommsComponent()
    c.trackResourceInformation("r", [], [], None)
    c.ceaseTrackingResource("r")
    with pytest.raises(KeyError):
        c.ceaseTrackingResource("r")


def test_each_component_tracks_its_own_resources() -> None:
    a, b = AdaptiveCommsComponent(), AdaptiveCommsComponent()
    a.trackResource("only a's", "inbox")
    with pytest.raises(KeyError):
        b.retrieveTrackedResource("inbox")
