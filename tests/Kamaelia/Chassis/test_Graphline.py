"""Tests for Kamaelia.Chassis.Graphline: named children, wired by a linkage table."""

from __future__ import annotations

import gc
import logging
import re
import weakref

import pytest

from Axon.AxonExceptions import BoxAlreadyLinkedToDestination
from Axon.Box import BoxNotFound
from Axon.Ipc import producerFinished, shutdownMicroprocess
from Axon.Scheduler import scheduler
from Kamaelia.Chassis.Graphline import Graphline
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.Util.DataSource import DataSource
from Kamaelia.Util.PureTransformer import PureTransformer

from chassis_helpers import (Collector, Emitter, Harness, RunRounds, Stubborn, both_shutdowns,
                             chassisErrors, runUntil, watch)


def chain(source: str, sink: str) -> dict[tuple[str, str], tuple[str, str]]:
    """Linkages for ``source`` feeding ``sink`` (outbox and signal)."""
    return {(source, "outbox"): (sink, "inbox"), (source, "signal"): (sink, "control")}


# ---------------------------------------------------------------- data flow
def test_children_are_wired_as_the_linkages_say() -> None:
    sink = Collector()
    Graphline(
        SOURCE=DataSource(["a", "b"]),
        UPPER=PureTransformer(str.upper),
        SINK=sink,
        linkages={**chain("SOURCE", "UPPER"), **chain("UPPER", "SINK")},
    ).run()
    assert sink.got == ["A", "B"]
    assert isinstance(sink.control[0], producerFinished)


def test_self_boxes_pass_through_to_and_from_the_children() -> None:
    g = Graphline(
        FIRST=PureTransformer(lambda s: s + "1"),
        SECOND=PureTransformer(lambda s: s + "2"),
        linkages={
            ("self", "inbox"): ("FIRST", "inbox"),
            ("self", "control"): ("FIRST", "control"),
            **chain("FIRST", "SECOND"),
            ("SECOND", "outbox"): ("self", "outbox"),
            ("SECOND", "signal"): ("self", "signal"),
        },
    )
    finisher = producerFinished()
    harness = Harness(g, ["x", "y"], finisher)
    harness.run()
    assert harness.got == ["x12", "y12"]
    assert harness.control == [finisher]


def test_the_links_are_made_when_the_graphline_is_built() -> None:
    first, second = Emitter([]), Collector()
    g = Graphline(A=first, B=second, linkages={("A", "outbox"): ("B", "inbox"),
                                               ("self", "inbox"): ("B", "inbox")})
    first.send("made already")
    g.inboxes["inbox"].append("me too")
    assert list(second.inboxes["inbox"]) == ["made already", "me too"]


def test_several_outboxes_may_lead_to_one_inbox_and_to_one_of_its_own_outboxes() -> None:
    g = Graphline(
        LEFT=DataSource(["l"]),
        RIGHT=DataSource(["r"]),
        linkages={("LEFT", "outbox"): ("self", "outbox"),
                  ("RIGHT", "outbox"): ("self", "outbox")},
    )
    outside = watch(g)
    g.run()
    assert sorted(outside.got) == ["l", "r"]


def test_graphlines_nest_in_pipelines_and_graphlines() -> None:
    inner = Graphline(
        UPPER=PureTransformer(str.upper),
        linkages={("self", "inbox"): ("UPPER", "inbox"),
                  ("self", "control"): ("UPPER", "control"),
                  ("UPPER", "outbox"): ("self", "outbox"),
                  ("UPPER", "signal"): ("self", "signal")},
    )
    sink = Collector()
    Graphline(
        PIPE=Pipeline(DataSource(["nested"]), inner),
        SINK=sink,
        linkages=chain("PIPE", "SINK"),
    ).run()
    assert sink.got == ["NESTED"]


def test_a_link_from_its_own_inbox_to_its_own_outbox_is_carried_by_the_graphline() -> None:
    child = Collector()
    g = Graphline(CHILD=child, linkages={("self", "inbox"): ("self", "outbox")})
    outside = watch(g)
    g.inboxes["inbox"].append("straight through")
    g.inboxes["control"].append(producerFinished())
    g.run()
    assert outside.got == ["straight through"]
    assert child.got == [] and len(child.control) == 1


def test_control_routed_to_its_own_signal_still_shuts_the_children_down() -> None:
    child = Collector()
    g = Graphline(CHILD=child, linkages={("self", "control"): ("self", "signal")})
    outside = watch(g)
    message = shutdownMicroprocess()
    g.inboxes["control"].append(message)
    g.run()
    assert child.control == [message]
    assert outside.control == [message]           # routed; nothing of its own after


# ------------------------------------------------------------- its own boxes
def test_boxes_of_self_named_in_the_linkages_are_made_for_that_graphline() -> None:
    child = PureTransformer(str.upper)
    g = Graphline(CHILD=child, linkages={("self", "words"): ("CHILD", "inbox"),
                                         ("CHILD", "outbox"): ("self", "shouts"),
                                         ("CHILD", "signal"): ("self", "signal")})
    assert "words" in g.inboxes and "shouts" in g.outboxes
    assert "words" not in Graphline.Inboxes and "shouts" not in Graphline.Outboxes
    watcher = watch(g, "shouts")
    g.inboxes["words"].append("hi")
    child.inboxes["control"].append(producerFinished())
    g.run()
    assert watcher.got == ["HI"]


class WithExtraBoxes(Graphline):
    Inboxes = {"inbox": "unused", "control": "shutdown", "orders": "to the worker"}
    Outboxes = ["outbox", "signal", "reports"]


def test_a_subclass_may_declare_extra_boxes() -> None:
    worker = PureTransformer(lambda order: f"done: {order}")
    g = WithExtraBoxes(WORKER=worker, linkages={("self", "orders"): ("WORKER", "inbox"),
                                                ("WORKER", "outbox"): ("self", "reports")})
    assert set(g.inboxes) == {"inbox", "control", "orders"}
    assert set(g.outboxes) == {"outbox", "signal", "reports"}
    watcher = watch(g, "reports")
    g.inboxes["orders"].append("tea")
    g.inboxes["control"].append(producerFinished())
    g.run()
    assert watcher.got == ["done: tea"]


def test_a_box_of_self_named_on_the_wrong_end_is_an_error() -> None:
    with pytest.raises(ValueError, match=re.escape(
            "Graphline linkage ('self', 'outbox') -> ('A', 'inbox'): 'outbox' is one of "
            "the Graphline's outboxes, but this end needs an inbox")):
        Graphline(A=PureTransformer(), linkages={("self", "outbox"): ("A", "inbox")})
    with pytest.raises(ValueError, match="'inbox' is one of the Graphline's inboxes"):
        Graphline(A=PureTransformer(), linkages={("A", "outbox"): ("self", "inbox")})


# --------------------------------------------------------------- lifetime
def test_it_ends_only_when_all_its_children_have_ended(run_rounds: RunRounds) -> None:
    quick, stubborn = DataSource(["x"]), Stubborn()
    g = Graphline(QUICK=quick, STUBBORN=stubborn, linkages=chain("QUICK", "STUBBORN")).activate()
    assert run_rounds(100) is False
    assert quick._isStopped() and not g._isStopped()
    assert scheduler.run.isThreadPaused(g)          # sleeps, costing nothing
    stubborn.inboxes["release"].append("go")
    assert run_rounds(100) is True
    assert g._isStopped() and g.childComponents() == []


def test_a_graphline_without_children_ends_at_once() -> None:
    g = Graphline()
    outside = watch(g)
    g.run()
    assert [type(m) for m in outside.control] == [producerFinished]


def test_a_link_to_a_child_is_undone_the_moment_it_ends(run_rounds: RunRounds) -> None:
    first, rest = Stubborn(), Collector()
    g = Graphline(FIRST=first, REST=rest, linkages={("self", "control"): ("FIRST", "control"),
                                                    ("FIRST", "outbox"): ("REST", "inbox")})
    g.activate()
    run_rounds(5)
    first.inboxes["release"].append("go")
    runUntil(run_rounds, first._isStopped)
    assert first in g.childComponents()               # the Graphline has not run yet
    assert g.inboxes["control"].target is None
    assert first.outboxes["outbox"].target is None


# ----------------------------------------------------------------- shutdown
@both_shutdowns
def test_a_shutdown_on_an_unlinked_control_reaches_every_child_with_an_unlinked_control(
        run_rounds: RunRounds, kind: type) -> None:
    a, b, c = PureTransformer(), Stubborn(), Collector()     # A passes it on to B
    g = Graphline(A=a, B=b, C=c, linkages={("A", "signal"): ("B", "control")})
    outside = watch(g)
    message = kind()
    g.inboxes["control"].append(message)
    g.activate()
    run_rounds(50)
    assert a._isStopped() and c.control == [message]
    assert list(b.inboxes["control"]) == [message]    # from A only: not given it directly
    b.inboxes["release"].append("go")
    assert run_rounds(50) is True
    assert outside.control == [message]               # passed on: its signal is not linked


@both_shutdowns
def test_once_the_child_its_control_led_to_has_ended_the_graphline_can_still_be_shut_down(
        run_rounds: RunRounds, kind: type) -> None:
    first, rest = Stubborn(), Collector()
    g = Graphline(FIRST=first, REST=rest, linkages={("self", "control"): ("FIRST", "control")})
    g.activate()
    run_rounds(5)
    first.inboxes["release"].append("go")
    runUntil(run_rounds, first._isStopped)
    message = kind()
    g.inboxes["control"].append(message)
    assert run_rounds(100) is True
    assert rest.control == [message]


@both_shutdowns
def test_a_link_from_outside_to_a_childs_control_does_not_keep_the_shutdown_from_it(
        run_rounds: RunRounds, kind: type) -> None:
    # As 1.14 judged by its own linkages: a child whose "control" something
    # outside links to (a Backplane's hub does, to every SubscribeTo) is
    # still a child nothing in the Graphline tells to stop.
    a, b = Collector(), Collector()
    g = Graphline(A=a, B=b)
    outsider = Emitter([])
    outsider.link((outsider, "signal"), (b, "control"))
    message = kind()
    g.inboxes["control"].append(message)
    g.activate()
    assert run_rounds(100) is True
    assert a.control == [message] and b.control == [message]


def test_a_graphline_with_a_backplane_subscriber_ends_on_shutdown(run_rounds: RunRounds) -> None:
    from Kamaelia.Util.Backplane import Backplane, PublishTo, SubscribeTo

    backplane = Backplane("graphline-shutdown")
    hear = SubscribeTo("graphline-shutdown")
    g = Graphline(SAY=PublishTo("graphline-shutdown"), HEAR=hear)
    outside = watch(g)
    backplane.activate()
    g.activate()
    run_rounds(20)                              # (subscribed: the hub links to its control)
    assert hear.inboxes["control"].sources
    g.inboxes["control"].append(producerFinished())
    runUntil(run_rounds, lambda: bool(outside.control))
    assert hear._isStopped() and isinstance(outside.control[0], producerFinished)
    backplane.inboxes["control"].append(producerFinished())
    assert run_rounds(100) is True


def test_a_shutdown_reaches_children_whose_controls_are_all_linked_in_a_ring() -> None:
    a, b = Collector(), Collector()
    g = Graphline(A=a, B=b, linkages={("A", "signal"): ("B", "control"),
                                      ("B", "signal"): ("A", "control")})
    message = shutdownMicroprocess()
    g.inboxes["control"].append(message)
    g.run()
    assert a.control[0] is message and b.control[0] is message


def test_children_ending_by_themselves_end_it_with_producerFinished_on_signal() -> None:
    g = Graphline(ONLY=DataSource(["x"]))
    outside = watch(g)
    g.run()
    assert len(outside.control) == 1
    assert isinstance(outside.control[0], producerFinished)
    assert outside.control[0].caller is g


def test_it_sends_nothing_of_its_own_when_a_child_feeds_its_signal() -> None:
    source = DataSource(["x"])
    g = Graphline(SOURCE=source, linkages={("SOURCE", "signal"): ("self", "signal")})
    outside = watch(g)
    g.run()
    assert len(outside.control) == 1 and outside.control[0].caller is source


def test_other_messages_on_an_unlinked_control_are_passed_on_too() -> None:
    child = Collector()
    g = Graphline(CHILD=child)
    finisher = producerFinished()
    g.inboxes["control"].append("status?")
    g.inboxes["control"].append(finisher)
    g.run()
    assert child.control == ["status?", finisher]


# ------------------------------------------------- messages it cannot handle
def test_data_on_an_inbox_leading_to_no_child_is_logged_and_dropped(
        caplog: pytest.LogCaptureFixture) -> None:
    child = Collector()
    g = Graphline(CHILD=child)                      # its "inbox" is linked to nothing
    g.inboxes["inbox"].append("lost?")
    g.inboxes["control"].append(producerFinished())
    g.run()
    assert child.got == []
    errors = chassisErrors(caplog)
    assert len(errors) == 1
    assert g.name in errors[0] and "'inbox'" in errors[0] and "'lost?'" in errors[0]


def test_a_control_message_no_child_can_take_is_logged(
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="Kamaelia.Chassis")
    g = Graphline()
    g.inboxes["control"].append("hello?")
    g.inboxes["control"].append(shutdownMicroprocess())
    g.run()
    assert chassisErrors(caplog) == [f"{g.name}: no running child to pass 'hello?' to "
                                     "(it arrived on 'control'); dropped"]
    assert any("shutdownMicroprocess" in r.getMessage() and r.levelno == logging.DEBUG
               for r in caplog.records)


# --------------------------------------------------------- argument checking
def test_an_unknown_component_name_is_reported_at_construction() -> None:
    with pytest.raises(ValueError, match=re.escape(
            "Graphline linkage ('A', 'outbox') -> ('B', 'inbox'): no component named 'B' "
            "(its components: 'A'; 'self' or '' is the Graphline)")):
        Graphline(A=PureTransformer(), linkages={("A", "outbox"): ("B", "inbox")})


@pytest.mark.parametrize("linkage, kind, box", [
    ((("A", "outbx"), ("B", "inbox")), "outbox", "outbx"),
    ((("A", "outbox"), ("B", "inbx")), "inbox", "inbx"),
    ((("self", "inbox"), ("B", "inbx")), "inbox", "inbx"),
    ((("B", "outbx"), ("self", "outbox")), "outbox", "outbx"),
], ids=["child-outbox", "child-inbox", "passthrough-in", "passthrough-out"])
def test_an_unknown_child_box_is_reported_naming_the_linkage_child_and_box(
        linkage: tuple[tuple[str, str], tuple[str, str]], kind: str, box: str) -> None:
    a, b = PureTransformer(), PureTransformer()
    named = {"A": a, "B": b}
    with pytest.raises(BoxNotFound) as caught:
        Graphline(A=a, B=b, linkages=dict([linkage]))
    owner = named[linkage[0][0] if kind == "outbox" else linkage[1][0]]
    assert str(caught.value).startswith(f"Graphline linkage {linkage[0]!r} -> {linkage[1]!r}: ")
    assert f"{owner.name} has no {kind} {box!r}" in str(caught.value)


def test_the_same_component_under_two_names_is_refused() -> None:
    twice = PureTransformer()
    with pytest.raises(ValueError, match="component 'B' is the same component as component 'A'"):
        Graphline(A=twice, B=twice)


@pytest.mark.parametrize("end", ["A", ("A",), ("A", "outbox", "x"), ("A", 3), ["A", "outbox"]])
def test_a_linkage_end_that_is_not_a_name_box_pair_is_refused(end: object) -> None:
    with pytest.raises(TypeError, match=re.escape("each end must be a (name, boxname) pair")):
        Graphline(A=PureTransformer(), linkages={("A", "outbox"): end})
    if isinstance(end, tuple) or isinstance(end, str):
        with pytest.raises(TypeError, match=re.escape(f"pair of strings, not {end!r}")):
            Graphline(A=PureTransformer(), linkages={end: ("self", "outbox")})


def test_linkages_that_are_not_a_dict_are_refused() -> None:
    with pytest.raises(TypeError, match="Graphline linkages must be a dict"):
        Graphline([("A", "outbox"), ("self", "outbox")], A=PureTransformer())


def test_a_failed_construction_leaves_no_links_behind() -> None:
    a, b = PureTransformer(), PureTransformer()
    with pytest.raises(BoxNotFound):
        Graphline(A=a, B=b, linkages={("A", "outbox"): ("B", "inbox"),
                                      ("B", "outbx"): ("A", "inbox")})
    assert a.outboxes["outbox"].target is None
    Graphline(A=a, B=b, linkages={("A", "outbox"): ("B", "inbox")})   # free to link again


def test_an_outbox_already_linked_elsewhere_is_reported_with_the_linkage() -> None:
    a, b, c = PureTransformer(), PureTransformer(), PureTransformer()
    Graphline(A=a, B=b, linkages={("A", "outbox"): ("B", "inbox")})
    with pytest.raises(BoxAlreadyLinkedToDestination,
                       match=re.escape("Graphline linkage ('A', 'outbox') -> ('C', 'inbox'): ")):
        Graphline(A=a, C=c, linkages={("A", "outbox"): ("C", "inbox")})


def test_its_children_and_linkages_keep_their_1_14_attribute_names() -> None:
    a = PureTransformer()
    linkages = {("self", "inbox"): ("A", "inbox")}
    g = Graphline(A=a, linkages=linkages)
    assert g.components == {"A": a} and g.layout == linkages


# ---------------------------------------------------------------- 1.14 spellings
def test_an_empty_name_means_the_graphline_itself_as_in_1_14() -> None:
    g = Graphline(
        FIRST=PureTransformer(lambda s: s + "1"),
        linkages={
            ("", "inbox"): ("FIRST", "inbox"),
            ("", "control"): ("FIRST", "control"),
            ("FIRST", "outbox"): ("", "outbox"),
            ("FIRST", "signal"): ("", "signal"),
        },
    )
    finisher = producerFinished()
    harness = Harness(g, ["x", "y"], finisher)
    harness.run()
    assert harness.got == ["x1", "y1"]
    assert harness.control == [finisher]


def test_boxes_named_with_an_empty_name_are_made_for_the_graphline() -> None:
    child = PureTransformer(str.upper)
    g = Graphline(CHILD=child, linkages={("", "words"): ("CHILD", "inbox"),
                                         ("CHILD", "outbox"): ("", "shouts")})
    assert "words" in g.inboxes and "shouts" in g.outboxes


def test_boxes_made_for_self_take_the_description_of_the_childs_box() -> None:
    g = Graphline(CHILD=PureTransformer(str.upper),
                  linkages={("self", "words"): ("CHILD", "inbox"),
                            ("CHILD", "outbox"): ("self", "shouts")})
    assert g.Inboxes["words"] == PureTransformer.Inboxes["inbox"]
    assert g.Outboxes["shouts"] == PureTransformer.Outboxes["outbox"]
    assert "_cs" in g.outboxes and "_cs" in Graphline.Outboxes


def test_a_subclass_may_extend_addExternalPostboxes() -> None:
    class WithLog(Graphline):
        def addExternalPostboxes(self) -> None:
            super().addExternalPostboxes()
            self.Outboxes["log"] = "added by the subclass"

    g = WithLog(CHILD=PureTransformer(), linkages={("self", "inbox"): ("CHILD", "inbox")})
    assert "log" in g.outboxes and "log" not in Graphline.Outboxes


def test_the_module_has_1_14s_names() -> None:
    import Kamaelia.Chassis.Graphline as module
    from Axon.Component import component
    assert module.__kamaelia_components__ == (Graphline,)
    assert module.component is component


def test_a_running_graphline_lets_go_of_an_ended_child_except_in_components(
        run_rounds: RunRounds) -> None:
    ends, stays = Emitter([]), Stubborn()
    graph = Graphline(ENDS=ends, STAYS=stays,
                      linkages={("ENDS", "outbox"): ("STAYS", "inbox")}).activate()
    run_rounds(10)
    assert ends._isStopped() and not graph._isStopped()
    assert graph.children == [stays] and ends._callOnCloseDown == []
    ref = weakref.ref(ends)
    del ends, graph.components["ENDS"]   # the declaration is the only reference left
    gc.collect()
    assert ref() is None
    stays.inboxes["release"].append("go")
    assert run_rounds(10)


def test_a_plain_function_as_a_child_is_refused_with_a_hint_to_wrap_it() -> None:
    def shout(text: str) -> str:
        return text.upper()

    with pytest.raises(TypeError, match=re.escape(
            "Graphline component 'SHOUT' is not a component: ") + r".*"
            + re.escape("wrap it as PureTransformer(") + r".*shout\)"):
        Graphline(SHOUT=shout, linkages={})


def test_a_duplicated_linkage_key_keeps_only_the_last_entry_as_the_docs_warn() -> None:
    # Not detectable (the dict literal has already dropped the first entry):
    # this pins the behaviour that the docstring and the cookbook warn about.
    from Kamaelia.Util.PureTransformer import PureTransformer
    graph = Graphline(A=PureTransformer(), B=PureTransformer(), C=PureTransformer(),
                      linkages={("A", "outbox"): ("B", "inbox"),      # lost
                                ("A", "outbox"): ("C", "inbox")})     # noqa: F601  kept
    assert graph.layout == {("A", "outbox"): ("C", "inbox")}
    assert "silently" in (Graphline.__doc__ or "")
    assert "only the *last* entry is kept" in (__import__("Kamaelia.Chassis.Graphline",
                                                          fromlist=["x"]).__doc__ or "")
