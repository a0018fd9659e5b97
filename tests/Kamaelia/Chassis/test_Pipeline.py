"""Tests for Kamaelia.Chassis.Pipeline: chaining components like a Unix pipe."""

from __future__ import annotations

import re
from typing import Any, Callable, Iterator

import pytest

from Axon.Component import component
from Axon.Ipc import newComponent, producerFinished, shutdownMicroprocess
from Axon.Scheduler import scheduler
from Kamaelia.Chassis.Pipeline import Pipeline, pipeline
from Kamaelia.Util.DataSource import DataSource
from Kamaelia.Util.PureTransformer import PureTransformer

RunRounds = Callable[[int], bool]
SHUTDOWN = (producerFinished, shutdownMicroprocess)


class Collector(component):
    """Records what reaches "inbox" and "control"; ends on a shutdown message."""

    def __init__(self, **argd: Any) -> None:
        super().__init__(**argd)
        self.got: list[Any] = []
        self.control: list[Any] = []

    def main(self) -> Iterator[Any]:
        while True:
            self.got.extend(self.Inbox("inbox"))
            while self.dataReady("control"):
                message = self.recv("control")
                self.control.append(message)
                if isinstance(message, SHUTDOWN):
                    self.got.extend(self.Inbox("inbox"))
                    return
            if not self.anyReady():
                self.pause()
            yield 1


class Harness(component):
    """Drives a component as its parent: sends ``messages`` into its "inbox",
    then ``finisher`` into its "control", and records what comes out of its
    "outbox" and "signal" until the latter says it is done."""

    Inboxes = {"inbox": "from the child's outbox", "control": "from the child's signal"}
    Outboxes = {"outbox": "to the child's inbox", "signal": "to the child's control"}

    def __init__(self, child: component, messages: list[Any], finisher: Any) -> None:
        super().__init__()
        self.child = child
        self.messages = messages
        self.finisher = finisher
        self.got: list[Any] = []
        self.control: list[Any] = []

    def main(self) -> Iterator[Any]:
        child = self.child
        self.link((self, "outbox"), (child, "inbox"))
        self.link((self, "signal"), (child, "control"))
        self.link((child, "outbox"), (self, "inbox"))
        self.link((child, "signal"), (self, "control"))
        self.addChildren(child)
        yield newComponent(child)
        for message in self.messages:
            self.send(message, "outbox")
            yield 1
        self.send(self.finisher, "signal")
        while True:
            self.got.extend(self.Inbox("inbox"))
            self.control.extend(self.Inbox("control"))
            if self.control:
                return
            if not self.anyReady():
                self.pause()
            yield 1


def add(n: int) -> Callable[[int], int]:
    return lambda x: x + n


# ---------------------------------------------------------------- data flow
def test_messages_pass_through_several_stages_in_order() -> None:
    sink = Collector()
    Pipeline(
        DataSource(list(range(100))),
        PureTransformer(add(1)),
        PureTransformer(lambda x: x * 10),
        PureTransformer(add(-3)),
        sink,
    ).run()
    assert sink.got == [(x + 1) * 10 - 3 for x in range(100)]


def test_pipelines_nest() -> None:
    sink = Collector()
    Pipeline(
        Pipeline(DataSource(["a", "b"]), PureTransformer(str.upper)),
        Pipeline(PureTransformer(lambda s: s * 2), PureTransformer(lambda s: s + "!")),
        sink,
    ).run()
    assert sink.got == ["AA!", "BB!"]


def test_the_pipelines_inbox_reaches_the_first_child_and_its_outbox_gets_the_last_childs_output() -> None:
    first = PureTransformer(lambda s: "first(" + s + ")")
    last = PureTransformer(lambda s: "last(" + s + ")")
    finisher = producerFinished()
    harness = Harness(Pipeline(first, last), ["x", "y", "z"], finisher)
    harness.run()
    assert harness.got == ["last(first(x))", "last(first(y))", "last(first(z))"]
    assert harness.control == [finisher]


def test_a_single_component_pipeline_passes_its_boxes_through() -> None:
    only = PureTransformer(str.upper)
    finisher = shutdownMicroprocess()
    harness = Harness(Pipeline(only), ["x"], finisher)
    harness.run()
    assert harness.got == ["X"]
    assert harness.control == [finisher]


def test_messages_sent_to_the_pipeline_before_activation_arrive() -> None:
    sender = component()
    sink = Collector()
    p = Pipeline(PureTransformer(str.upper), sink)
    sender.link((sender, "outbox"), (p, "inbox"))
    sender.link((sender, "signal"), (p, "control"))
    sender.send("early")
    sender.send("bird")
    sender.send(producerFinished(sender), "signal")
    p.run()
    assert sink.got == ["EARLY", "BIRD"]
    assert len(sink.control) == 1 and sink.control[0].caller is sender


def test_messages_put_straight_into_the_pipelines_inbox_before_activation_arrive() -> None:
    sink = Collector()
    p = Pipeline(PureTransformer(str.upper), sink)
    p.inboxes["inbox"].append("direct")
    p.inboxes["control"].append(producerFinished())
    p.run()
    assert sink.got == ["DIRECT"]


# ----------------------------------------------------------------- shutdown
def test_producerFinished_propagates_and_the_pipeline_ends_with_its_children() -> None:
    source = DataSource(["only"])
    middle = PureTransformer()
    sink = Collector()
    p = Pipeline(source, middle, sink)
    p.run()
    assert sink.got == ["only"]
    assert len(sink.control) == 1
    assert isinstance(sink.control[0], producerFinished)
    assert sink.control[0].caller is source        # passed on, not replaced
    assert all(c._isStopped() for c in (source, middle, sink, p))
    assert p.childComponents() == []


def test_the_last_childs_signal_leaves_through_the_pipelines_signal() -> None:
    source = DataSource([1, 2])
    outside = Collector()
    p = Pipeline(source, PureTransformer())
    p.link((p, "outbox"), (outside, "inbox"))
    p.link((p, "signal"), (outside, "control"))
    outside.activate()
    p.run()
    assert outside.got == [1, 2]
    assert len(outside.control) == 1 and outside.control[0].caller is source


class Stubborn(component):
    """Ignores "control"; ends only when something arrives on "release"."""

    Inboxes = {"inbox": "ignored", "control": "ignored", "release": "ends it"}

    def main(self) -> Iterator[Any]:
        while not self.dataReady("release"):
            self.pause()
            yield 1


def test_the_pipeline_ends_only_when_all_its_children_have_ended(run_rounds: RunRounds) -> None:
    source = DataSource(["x"])
    stubborn = Stubborn()
    p = Pipeline(source, stubborn).activate()
    assert run_rounds(100) is False
    assert source._isStopped()
    assert not stubborn._isStopped()
    assert not p._isStopped()
    stubborn.inboxes["release"].append("go")
    assert run_rounds(100) is True
    assert stubborn._isStopped() and p._isStopped()


def test_the_pipeline_sleeps_while_its_children_run(run_rounds: RunRounds) -> None:
    p = Pipeline(Stubborn()).activate()
    run_rounds(10)
    assert scheduler.run.isThreadPaused(p)


# --------------------------------------------------------- argument checking
def test_a_non_component_argument_raises_TypeError_naming_it() -> None:
    with pytest.raises(TypeError, match=re.escape("Pipeline argument 1 is not a component: 'oops'")):
        Pipeline(PureTransformer(), "oops")


def test_a_component_class_instead_of_an_instance_is_refused() -> None:
    with pytest.raises(TypeError, match="argument 0"):
        Pipeline(PureTransformer, PureTransformer())


def test_an_empty_pipeline_raises_ValueError() -> None:
    with pytest.raises(ValueError, match="at least one component"):
        Pipeline()


class NoOutbox(component):
    Outboxes = {"signal": "only a signal"}


class NoInbox(component):
    Inboxes = {"control": "only a control"}


class NoSignal(component):
    Outboxes = {"outbox": "only an outbox"}


def first(odd: component) -> tuple[component, ...]:
    return odd, PureTransformer()


def last(odd: component) -> tuple[component, ...]:
    return PureTransformer(), odd


@pytest.mark.parametrize(
    "odd_class, arrange, kind, boxname",
    [
        (NoOutbox, first, "outbox", "outbox"),
        (NoOutbox, last, "outbox", "outbox"),
        (NoInbox, last, "inbox", "inbox"),
        (NoSignal, first, "outbox", "signal"),
    ],
    ids=["first-without-outbox", "last-without-outbox", "second-without-inbox",
         "first-without-signal"],
)
def test_a_child_lacking_a_box_is_reported_at_construction_naming_child_and_box(
        odd_class: type[component], arrange: Callable[[component], tuple[component, ...]],
        kind: str, boxname: str) -> None:
    odd = odd_class()
    with pytest.raises(Exception) as caught:
        Pipeline(*arrange(odd))
    assert f"{odd.name} has no {kind} {boxname!r}" in str(caught.value)


def test_lower_case_alias() -> None:
    assert pipeline is Pipeline
