"""Tests for Axon.Introspector: the live topology as 1.14's text lines."""

from __future__ import annotations

import logging
import re
import shlex
from typing import Any, Callable, Iterator

import pytest
from hypothesis import given, settings, strategies as st

from Axon.AdaptiveCommsComponent import AdaptiveCommsComponent
from Axon.Component import component
from Axon.Introspector import Introspector, quoted
from Axon.Ipc import producerFinished, shutdownMicroprocess
from Axon.Scheduler import scheduler
from componentharness import Collector, attach
from Kamaelia.Chassis.Pipeline import Pipeline
import Kamaelia.Util.Introspector as KamaeliaIntrospector

RunRounds = Callable[[int], bool]
SETTLE = 30

# What Kamaelia 1.14.32's Introspector sent (run from /work/scratch/k114) for
# Introspector {i} -> Sink {s}, and Pipeline {p} of two Idle components {a},
# {b} with an extra inbox "my box"; ids and names replaced by placeholders.
FIRST_LOOK_114 = """\
ADD NODE "{i}" "{i_name}" randompos component
ADD NODE "{s}" "{s_name}" randompos component
ADD NODE "{p}" "{p_name}" randompos component
ADD NODE "{a}" "{a_name}" randompos component
ADD NODE "{b}" "{b_name}" randompos component
ADD NODE "({i}, 'i', 'inbox')" "inbox" randompos inbox
ADD LINK "{i}" "({i}, 'i', 'inbox')"
ADD NODE "({i}, 'i', 'control')" "control" randompos inbox
ADD LINK "{i}" "({i}, 'i', 'control')"
ADD NODE "({i}, 'o', 'outbox')" "outbox" randompos outbox
ADD LINK "{i}" "({i}, 'o', 'outbox')"
ADD NODE "({i}, 'o', 'signal')" "signal" randompos outbox
ADD LINK "{i}" "({i}, 'o', 'signal')"
ADD NODE "({s}, 'i', 'inbox')" "inbox" randompos inbox
ADD LINK "{s}" "({s}, 'i', 'inbox')"
ADD NODE "({s}, 'i', 'control')" "control" randompos inbox
ADD LINK "{s}" "({s}, 'i', 'control')"
ADD NODE "({s}, 'o', 'outbox')" "outbox" randompos outbox
ADD LINK "{s}" "({s}, 'o', 'outbox')"
ADD NODE "({s}, 'o', 'signal')" "signal" randompos outbox
ADD LINK "{s}" "({s}, 'o', 'signal')"
ADD NODE "({p}, 'i', 'inbox')" "inbox" randompos inbox
ADD LINK "{p}" "({p}, 'i', 'inbox')"
ADD NODE "({p}, 'i', 'control')" "control" randompos inbox
ADD LINK "{p}" "({p}, 'i', 'control')"
ADD NODE "({p}, 'o', 'outbox')" "outbox" randompos outbox
ADD LINK "{p}" "({p}, 'o', 'outbox')"
ADD NODE "({p}, 'o', 'signal')" "signal" randompos outbox
ADD LINK "{p}" "({p}, 'o', 'signal')"
ADD NODE "({a}, 'i', 'inbox')" "inbox" randompos inbox
ADD LINK "{a}" "({a}, 'i', 'inbox')"
ADD NODE "({a}, 'i', 'control')" "control" randompos inbox
ADD LINK "{a}" "({a}, 'i', 'control')"
ADD NODE "({a}, 'i', 'my box')" "my box" randompos inbox
ADD LINK "{a}" "({a}, 'i', 'my box')"
ADD NODE "({a}, 'o', 'outbox')" "outbox" randompos outbox
ADD LINK "{a}" "({a}, 'o', 'outbox')"
ADD NODE "({a}, 'o', 'signal')" "signal" randompos outbox
ADD LINK "{a}" "({a}, 'o', 'signal')"
ADD NODE "({b}, 'i', 'inbox')" "inbox" randompos inbox
ADD LINK "{b}" "({b}, 'i', 'inbox')"
ADD NODE "({b}, 'i', 'control')" "control" randompos inbox
ADD LINK "{b}" "({b}, 'i', 'control')"
ADD NODE "({b}, 'i', 'my box')" "my box" randompos inbox
ADD LINK "{b}" "({b}, 'i', 'my box')"
ADD NODE "({b}, 'o', 'outbox')" "outbox" randompos outbox
ADD LINK "{b}" "({b}, 'o', 'outbox')"
ADD NODE "({b}, 'o', 'signal')" "signal" randompos outbox
ADD LINK "{b}" "({b}, 'o', 'signal')"
ADD LINK "({i}, 'o', 'outbox')" "({s}, 'i', 'inbox')"
ADD LINK "({a}, 'o', 'outbox')" "({b}, 'i', 'inbox')"
ADD LINK "({a}, 'o', 'signal')" "({b}, 'i', 'control')"
ADD LINK "({p}, 'i', 'inbox')" "({a}, 'i', 'inbox')"
ADD LINK "({p}, 'i', 'control')" "({a}, 'i', 'control')"
ADD LINK "({b}, 'o', 'outbox')" "({p}, 'o', 'outbox')"
ADD LINK "({b}, 'o', 'signal')" "({p}, 'o', 'signal')"
"""

# ... and after {b} ended (the Pipeline unlinking it).
B_ENDED_114 = """\
DEL LINK "({a}, 'o', 'outbox')" "({b}, 'i', 'inbox')"
DEL LINK "({a}, 'o', 'signal')" "({b}, 'i', 'control')"
DEL LINK "({b}, 'o', 'outbox')" "({p}, 'o', 'outbox')"
DEL LINK "({b}, 'o', 'signal')" "({p}, 'o', 'signal')"
DEL NODE "{b}"
DEL NODE "({b}, 'i', 'inbox')"
DEL NODE "({b}, 'i', 'control')"
DEL NODE "({b}, 'i', 'my box')"
DEL NODE "({b}, 'o', 'outbox')"
DEL NODE "({b}, 'o', 'signal')"
"""


class Idle(component):
    """Runs, paused, until anything arrives on "control"."""

    Inboxes = {"inbox": "", "control": "ends it", "my box": ""}
    Outboxes = ["outbox", "signal"]

    def main(self) -> Iterator[Any]:
        while not self.dataReady("control"):
            self.pause()
            yield 1


class Forever(component):
    """Runs, paused, until stopped."""

    def main(self) -> Iterator[Any]:
        while True:
            self.pause()
            yield 1


def placeholders(**named: component) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for label, comp in named.items():
        found[label] = comp.id
        found[f"{label}_name"] = comp.name
    return found


def watch(run_rounds: RunRounds, cls: type = Introspector) -> tuple[Introspector, Collector]:
    """An Introspector (looking only when asked) and the Collector of its output."""
    spy = cls(interval=None)
    sink = attach(spy)
    run_rounds(SETTLE)
    return spy, sink


def look(spy: Introspector, sink: Collector, run_rounds: RunRounds) -> list[list[str]]:
    """Ask for a look; the lines sent since the last call, each split into tokens."""
    spy.inboxes["inbox"].append("look")
    run_rounds(SETTLE)
    return tokens(sink)


def tokens(sink: Collector) -> list[list[str]]:
    text = "".join(sink.got)
    sink.got.clear()
    assert text == "" or text.endswith("\n")
    return [shlex.split(line) for line in text.splitlines()]


@pytest.mark.parametrize("cls", [Introspector, KamaeliaIntrospector.Introspector],
                         ids=["Axon", "Kamaelia.Util"])
def test_output_is_byte_for_byte_what_1_14_sent_for_the_same_system(
        cls: type, run_rounds: RunRounds) -> None:
    spy = cls(interval=None)
    sink = Collector()
    spy.link((spy, "outbox"), (sink, "inbox"))
    a, b = Idle(), Idle()
    pipe = Pipeline(a, b)
    spy.activate()
    sink.activate()
    pipe.activate()
    run_rounds(SETTLE)
    names = placeholders(i=spy, s=sink, p=pipe, a=a, b=b)
    assert sink.got == ["DEL ALL\n", FIRST_LOOK_114.format(**names)]
    b.inboxes["control"].append("bye")
    run_rounds(SETTLE)
    spy.inboxes["inbox"].append("look")
    run_rounds(SETTLE)
    assert sink.got[2:] == [B_ENDED_114.format(**names)]


def test_the_kamaelia_name_is_a_subclass_of_the_axon_one() -> None:
    assert issubclass(KamaeliaIntrospector.Introspector, Introspector)
    assert KamaeliaIntrospector.__kamaelia_components__ == (KamaeliaIntrospector.Introspector,)
    assert Introspector.srcBoxType == {0: "o", 1: "i", 2: "o"}
    assert Introspector.dstBoxType == {0: "i", 1: "i", 2: "o"}


def test_nothing_is_sent_when_nothing_changed(run_rounds: RunRounds) -> None:
    spy, sink = watch(run_rounds)
    tokens(sink)
    assert look(spy, sink, run_rounds) == []
    assert sink.got == []


def test_a_newcomer_is_added_with_its_boxes_each_linked_from_it(run_rounds: RunRounds) -> None:
    spy, sink = watch(run_rounds)
    tokens(sink)
    newcomer = Forever().activate()
    output = look(spy, sink, run_rounds)
    n = newcomer.id
    box = lambda io, name: f"({n}, '{io}', '{name}')"       # noqa: E731
    assert output == [
        ["ADD", "NODE", str(n), newcomer.name, "randompos", "component"],
        ["ADD", "NODE", box("i", "inbox"), "inbox", "randompos", "inbox"],
        ["ADD", "LINK", str(n), box("i", "inbox")],
        ["ADD", "NODE", box("i", "control"), "control", "randompos", "inbox"],
        ["ADD", "LINK", str(n), box("i", "control")],
        ["ADD", "NODE", box("o", "outbox"), "outbox", "randompos", "outbox"],
        ["ADD", "LINK", str(n), box("o", "outbox")],
        ["ADD", "NODE", box("o", "signal"), "signal", "randompos", "outbox"],
        ["ADD", "LINK", str(n), box("o", "signal")],
    ]


def test_components_linked_to_running_ones_are_shown_as_in_1_14(run_rounds: RunRounds) -> None:
    spy, sink = watch(run_rounds)
    tokens(sink)
    running, never = Forever(), Forever()
    running.link((running, "outbox"), (never, "inbox"))
    running.activate()
    output = look(spy, sink, run_rounds)
    assert ["ADD", "NODE", str(never.id), never.name, "randompos", "component"] in output
    assert ["ADD", "LINK", f"({running.id}, 'o', 'outbox')",
            f"({never.id}, 'i', 'inbox')"] in output


def test_introspect_returns_1_14s_components_postboxes_and_linkages(
        run_rounds: RunRounds) -> None:
    spy, sink = watch(run_rounds)
    components, postboxes, linkages = spy.introspect()
    assert components == {spy.id: spy.name, sink.id: sink.name}
    assert (spy.id, "o", "outbox") in postboxes and (sink.id, "i", "control") in postboxes
    assert list(linkages) == [((spy.id, "o", "outbox"), (sink.id, "i", "inbox")),
                              ((spy.id, "o", "signal"), (sink.id, "i", "control"))]


def test_a_deleted_box_and_its_linkage_go(run_rounds: RunRounds) -> None:
    class Adaptive(AdaptiveCommsComponent):
        main = Forever.main

    spy, sink = watch(run_rounds)
    odd = Adaptive()
    extra = odd.addOutbox("extra")
    odd.link((odd, extra), (sink, "inbox"))
    odd.activate()
    look(spy, sink, run_rounds)
    odd.unlink(thecomponent=sink)
    odd.deleteOutbox(extra)
    box = f"({odd.id}, 'o', 'extra')"
    assert look(spy, sink, run_rounds) == [
        ["DEL", "LINK", box, f"({sink.id}, 'i', 'inbox')"], ["DEL", "NODE", box]]


def test_odd_names_are_escaped_so_that_a_reader_gets_them_back(run_rounds: RunRounds) -> None:
    class Adaptive(AdaptiveCommsComponent):
        main = Forever.main

    spy, sink = watch(run_rounds)
    tokens(sink)
    odd = Adaptive()
    strange = 'say "hi" \\ bye'
    odd.addInbox(strange)
    odd.activate()
    spy.inboxes["inbox"].append("look")
    run_rounds(SETTLE)
    text = "".join(sink.got)
    assert f'"{odd.id}" "{odd.name}" randompos component\n' in text     # as 1.14
    assert ' "say \\"hi\\" \\\\ bye" randompos inbox\n' in text
    output = tokens(sink)
    assert ["ADD", "NODE", str((odd.id, "i", strange)), strange, "randompos",
            "inbox"] in output


@settings(max_examples=200, derandomize=True, deadline=None)
@given(st.text())
def test_quoted_is_one_token_that_reads_back(text: str) -> None:
    token = quoted(text)
    assert "\n" not in token and "\r" not in token
    flat = text.replace("\r\n", " ").replace("\n", " ").replace("\r", " ")
    assert shlex.split(f"A {token} B") == ["A", flat, "B"]


def test_quoted_is_1_14s_plain_quoting_for_ordinary_text() -> None:
    assert quoted(5) == '"5"'
    assert quoted((5, "i", "my box")) == "\"(5, 'i', 'my box')\""


def test_with_an_interval_it_looks_again_when_its_timer_fires(run_rounds: RunRounds) -> None:
    spy = Introspector(interval=30)
    sink = attach(spy)
    run_rounds(SETTLE)
    tokens(sink)
    timer = spy._runstate.timer          # the pending pause(30) wake-up
    assert timer is not None and scheduler.run.isThreadPaused(spy)
    newcomer = Forever().activate()
    run_rounds(SETTLE)
    assert tokens(sink) == []                        # not looked yet
    timer.callback(*timer.args)                      # as if 30 s had passed
    run_rounds(SETTLE)
    assert ["ADD", "NODE", str(newcomer.id), newcomer.name, "randompos",
            "component"] in tokens(sink)
    assert spy._runstate.timer is not None           # and it waits again


@pytest.mark.parametrize("message_class", [producerFinished, shutdownMicroprocess])
def test_shutdown_reports_a_last_look_then_passes_the_message_on(
        message_class: type, run_rounds: RunRounds) -> None:
    spy, sink = watch(run_rounds)
    tokens(sink)
    newcomer = Forever().activate()
    stop = message_class()
    spy.inboxes["control"].append(stop)
    run_rounds(SETTLE)
    assert ["ADD", "NODE", str(newcomer.id), newcomer.name, "randompos",
            "component"] in tokens(sink)
    assert sink.control == [stop] and spy._isStopped()


def test_other_control_messages_are_logged_and_ignored(
        run_rounds: RunRounds, caplog: pytest.LogCaptureFixture) -> None:
    spy, sink = watch(run_rounds)
    with caplog.at_level(logging.WARNING, logger="Axon.Introspector"):
        spy.inboxes["control"].append("just chatting")
        run_rounds(SETTLE)
    assert not spy._isStopped() and sink.control == []
    assert any("just chatting" in r.getMessage() and spy.name in r.getMessage()
               for r in caplog.records)


def test_an_introspector_never_activated_reports_nothing() -> None:
    spy = Introspector()
    spy.report()
    assert not spy.outboxes["outbox"]


@pytest.mark.parametrize("interval,error", [(0, ValueError), (-1, ValueError),
                                            (float("inf"), ValueError),
                                            ("1", TypeError), (True, TypeError)])
def test_a_bad_interval_raises_naming_it(interval: Any, error: type) -> None:
    with pytest.raises(error, match=re.escape(repr(interval))):
        Introspector(interval=interval)
