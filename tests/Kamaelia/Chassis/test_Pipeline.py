"""Tests for Kamaelia.Chassis.Pipeline: chaining components like a Unix pipe."""

from __future__ import annotations

import re
from typing import Any, Callable, Iterator

import pytest

from Axon.Component import component
from Axon.Ipc import producerFinished, shutdownMicroprocess
from Axon.Scheduler import scheduler
from Kamaelia.Chassis.Pipeline import Pipeline, pipeline
from Kamaelia.Util.DataSource import DataSource
from Kamaelia.Util.PureTransformer import PureTransformer

from chassis_helpers import (Collector, Harness, RunRounds, Stubborn, both_shutdowns,
                             chassisErrors, runUntil, watch)


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


@both_shutdowns
def test_once_the_first_child_has_ended_a_shutdown_on_control_reaches_the_new_head(
        run_rounds: RunRounds, kind: type) -> None:
    # The first child ends without signalling anyone, so only a shutdown sent
    # to the Pipeline can end the rest: it must not vanish into the dead child.
    first, middle, last = Stubborn(), PureTransformer(), Collector()
    p = Pipeline(first, middle, last).activate()
    run_rounds(5)
    first.inboxes["release"].append("go")
    runUntil(run_rounds, first._isStopped)
    assert p.inboxes["control"].target is None     # undone the moment it ended
    assert first in p.childComponents()            # ... before the Pipeline even ran
    message = kind()
    p.inboxes["control"].append(message)
    assert run_rounds(100) is True
    assert last.control == [message]               # passed on by the middle child
    assert middle._isStopped() and p._isStopped()


def test_data_arriving_after_the_first_child_ended_is_logged_not_silently_lost(
        run_rounds: RunRounds, caplog: pytest.LogCaptureFixture) -> None:
    first, second = Stubborn(), Collector()
    p = Pipeline(first, second).activate()
    run_rounds(5)
    first.inboxes["release"].append("go")
    runUntil(run_rounds, first._isStopped)
    p.inboxes["inbox"].append("late")
    p.inboxes["control"].append(producerFinished())
    assert run_rounds(100) is True
    assert second.got == []
    assert any("'inbox'" in error and "'late'" in error for error in chassisErrors(caplog))


def test_the_pipeline_sends_nothing_of_its_own_on_signal() -> None:
    source = DataSource(["a"])
    p = Pipeline(source, PureTransformer())
    outside = watch(p)
    p.run()
    assert [type(m) for m in outside.control] == [producerFinished]
    assert outside.control[0].caller is source


# --------------------------------------------------------- argument checking
def test_a_non_component_argument_raises_TypeError_naming_it() -> None:
    with pytest.raises(TypeError, match=re.escape("Pipeline argument 1 is not a component: 'oops'")):
        Pipeline(PureTransformer(), "oops")


def test_a_plain_function_is_refused_with_a_hint_to_wrap_it_in_PureTransformer() -> None:
    with pytest.raises(TypeError, match=re.escape(
            "Pipeline argument 1 is not a component: <method 'upper' of 'str' objects> "
            "(a plain function: wrap it as PureTransformer(str.upper), from "
            "Kamaelia.Util.PureTransformer")):
        Pipeline(DataSource(["a"]), str.upper, PureTransformer())


def test_a_child_whose_init_forgot_super_init_is_refused_saying_so() -> None:
    class Forgetful(component):
        def __init__(self) -> None:       # no super().__init__(): the mistake
            pass

    with pytest.raises(TypeError, match=r"Forgetful did not call super\(\)\.__init__\(\) "
                                        r"in its __init__; add it"):
        Pipeline(DataSource(["a"]), Forgetful())


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


def test_a_failed_construction_leaves_no_links_behind() -> None:
    first, second = PureTransformer(), PureTransformer()
    with pytest.raises(Exception, match="has no inbox 'inbox'"):
        Pipeline(first, second, NoInbox())
    assert first.outboxes["outbox"].target is None
    assert second.outboxes["outbox"].target is None
    sink = Collector()
    Pipeline(DataSource(["again"]), Pipeline(first, second), sink).run()
    assert sink.got == ["again"]


def test_an_error_names_the_link_that_failed() -> None:
    with pytest.raises(Exception, match="Pipeline linking argument 0 to argument 1"):
        Pipeline(NoOutbox(), PureTransformer())


def test_lower_case_alias() -> None:
    assert pipeline is Pipeline


# ---------------------------------------------------------------- circular (1.14)
class Counter(component):
    """Sends 0, then each number that comes back, until it gets ``upto`` back;
    records what came back, then signals producerFinished and ends."""

    def __init__(self, upto: int) -> None:
        super().__init__()
        self.upto = upto
        self.back: list[int] = []

    def main(self) -> Iterator[Any]:
        self.send(0, "outbox")
        while True:
            for n in self.Inbox("inbox"):
                self.back.append(n)
                if n >= self.upto:
                    self.send(producerFinished(self), "signal")
                    return
                self.send(n, "outbox")
            if not self.anyReady():
                self.pause()
            yield 1


def test_circular_links_the_last_component_back_to_the_first() -> None:
    counter = Counter(upto=5)
    ring = Pipeline(counter, PureTransformer(add(1)), circular=True)
    watcher = watch(ring)
    ring.run()
    assert counter.back == [1, 2, 3, 4, 5]
    assert watcher.got == []                          # nothing leaves the ring
    assert [type(m) for m in watcher.control] == [producerFinished]   # sent when it ends


def test_circular_is_a_class_attribute_a_subclass_may_set() -> None:
    class Ring(Pipeline):
        circular = True

    counter = Counter(upto=3)
    Ring(counter, PureTransformer(add(1))).run()
    assert counter.back == [1, 2, 3]
    assert Pipeline.circular is False


def test_a_circular_pipelines_inbox_still_reaches_the_first_child() -> None:
    first = PureTransformer(lambda s: s + "!")
    ring = Pipeline(first, circular=True)
    assert first.inboxes["inbox"].sources and first.inboxes["control"].sources
    assert [link.sinkbox for link in ring.postoffice.linkages if link.sink is first] == [
        "inbox", "control", "inbox", "control"]


def test_the_module_has_1_14s_names() -> None:
    import Kamaelia.Chassis.Pipeline as module
    assert module.__kamaelia_components__ == (Pipeline,)
    assert module.component is component and module.pipeline is Pipeline
