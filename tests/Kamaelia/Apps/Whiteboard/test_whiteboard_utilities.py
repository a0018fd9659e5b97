"""Tests for the whiteboard's small components: Entuple, TagFiltering, SingleShot,
TwoWaySplitter, Routers/Router and CheckpointSequencer."""

from __future__ import annotations

from typing import Any, Iterator

import pytest

from Axon.Component import component
from Axon.Ipc import producerFinished, shutdownMicroprocess
from Axon.Scheduler import scheduler
from componentharness import (Collector, attach, assertBadMessageSkipped, assertShutdownPassesOn,
                              assertUnexpectedControlIgnored, run)
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.Util.Backplane import Backplane, PublishTo, SubscribeTo
from Kamaelia.Apps.Whiteboard import Router as RouterModule
from Kamaelia.Apps.Whiteboard.CheckpointSequencer import CheckpointSequencer
from Kamaelia.Apps.Whiteboard.Entuple import Entuple
from Kamaelia.Apps.Whiteboard.Routers import ConditionalSplitter, Router
from Kamaelia.Apps.Whiteboard.SingleShot import OneShot
from Kamaelia.Apps.Whiteboard.TagFiltering import (
    FilterAndTagWrapper, FilterAndTagWrapperKeepingTag, FilterButKeepTag, FilterTag,
    TagAndFilterWrapper, TagAndFilterWrapperKeepingTag, UidTagger)
from Kamaelia.Apps.Whiteboard.TwoWaySplitter import TwoWaySplitter

SHUTDOWNS = [producerFinished, shutdownMicroprocess]


def runWithSides(target: component, sides: list[str], inbox: list[Any] = [],
                 control: list[Any] = [], **boxes: list[Any]) -> tuple[Collector, dict[str, Collector]]:
    """Like ``run``, also collecting each outbox in ``sides``; those collectors are
    told to end once ``target`` has ended (a bounded number of rounds)."""
    collectors = {}
    for outbox in sides:
        collectors[outbox] = Collector()
        target.link((target, outbox), (collectors[outbox], "inbox"))
        collectors[outbox].activate()
    target.inboxes["inbox"].extend(inbox)
    for name, messages in boxes.items():
        target.inboxes[name].extend(messages)
    target.inboxes["control"].extend(control)
    sink = attach(target)
    rounds = scheduler.run.main()
    for _ in range(10_000):
        if target._isStopped():
            break
        next(rounds)
    assert target._isStopped(), f"{target.name} did not end"
    for side in collectors.values():
        side.inboxes["control"].append(producerFinished())
        side.unpause()
    for _ in rounds:
        pass
    return sink, collectors


# ------------------------------------------------------------------ Entuple
def test_entuple_puts_each_message_between_prefix_and_postfix() -> None:
    sink = run(Entuple(prefix=["SOUND"], postfix=("end", 2)), ["a", ["b"]], [producerFinished()])
    assert sink.got == [("SOUND", "a", "end", 2), ("SOUND", ["b"], "end", 2)]


def test_entuple_defaults_to_a_one_item_tuple() -> None:
    assert run(Entuple(), ["x"], [producerFinished()]).got == [("x",)]


@pytest.mark.parametrize("messageClass", SHUTDOWNS)
def test_entuple_passes_shutdown_on_after_waiting_messages(messageClass: type) -> None:
    assertShutdownPassesOn(lambda: Entuple(prefix=[1]), messageClass, ["a"], [(1, "a")])


# ------------------------------------------------------------- TagFiltering
def test_uidtagger_sends_its_uid_first_then_tags_with_it() -> None:
    tagger = UidTagger()
    sink, sides = runWithSides(tagger, ["uid"], ["a", "b"], [producerFinished()])
    assert sides["uid"].got == [tagger.name]
    assert sink.got == [(tagger.name, "a"), (tagger.name, "b")]


def test_filtertag_drops_its_uid_and_untags_the_rest() -> None:
    sink = run(FilterTag(), [("me", "mine"), ("you", "yours"), ("me", "again")],
               [producerFinished()], uid=["me"])
    assert sink.got == ["yours"]


def test_filterbutkeeptag_keeps_the_tag() -> None:
    sink = run(FilterButKeepTag(), [("me", "mine"), ("you", "yours")], [producerFinished()],
               uid=["me"])
    assert sink.got == [("you", "yours")]


def test_filtertag_filters_nothing_before_it_knows_its_uid() -> None:
    assert run(FilterTag(), [("me", "x")], [producerFinished()]).got == ["x"]


def test_a_message_that_is_not_a_pair_is_logged_and_skipped(
        caplog: pytest.LogCaptureFixture) -> None:
    assertBadMessageSkipped(FilterTag, caplog, "Kamaelia.Apps.Whiteboard.TagFiltering",
                            [("a", 1), "not a pair", ("b", 2)], "not a pair", [1, 2])


@pytest.mark.parametrize("make", [UidTagger, FilterTag, FilterButKeepTag])
@pytest.mark.parametrize("messageClass", SHUTDOWNS)
def test_tagfiltering_components_pass_shutdown_on(make: Any, messageClass: type) -> None:
    target, message = make(), messageClass()
    sink = run(target, [], [message])
    assert sink.control == [message] and target._isStopped()


class Echo(component):
    """Sends back everything it receives; ends on a shutdown message, passing it on."""

    def main(self) -> Iterator[Any]:
        while True:
            for message in self.Inbox("inbox"):
                self.send(message, "outbox")
            while self.dataReady("control"):
                message = self.recv("control")
                if isinstance(message, (producerFinished, shutdownMicroprocess)):
                    self.send(message, "signal")
                    return
            if not self.anyReady():
                self.pause()
            yield 1


def test_tagandfilterwrapper_tags_what_leaves_and_drops_its_own_echo() -> None:
    wrapper = TagAndFilterWrapper(Echo())
    uid = wrapper.components["TAGGER"].name
    sink = run(wrapper, [(uid, "my own, come back"), ("someone", "theirs")],
               [producerFinished()])
    # the pair carrying the wrapper's own uid never reaches the target; the
    # other reaches it untagged, and its echo leaves tagged with that uid
    assert sink.got == [(uid, "theirs")]
    assert [type(m) for m in sink.control] == [producerFinished]


def test_tagandfilterwrapper_keepingtag_hands_the_target_whole_pairs() -> None:
    wrapper = TagAndFilterWrapperKeepingTag(Echo())
    uid = wrapper.components["TAGGER"].name
    sink = run(wrapper, [("someone", "x")], [producerFinished()])
    assert isinstance(wrapper.components["FILTER"], FilterButKeepTag)
    assert sink.got == [(uid, ("someone", "x"))]


def test_filterandtagwrapper_around_a_backplane_hides_a_peers_own_events() -> None:
    hub = Backplane("WB_TEST")
    hub.activate()
    alice = FilterAndTagWrapper(Pipeline(PublishTo("WB_TEST"), SubscribeTo("WB_TEST")))
    bob = FilterAndTagWrapper(Pipeline(PublishTo("WB_TEST"), SubscribeTo("WB_TEST")))
    alice.inboxes["inbox"].append("alice's stroke")
    aliceSink, bobSink = Collector(), Collector()
    for peer, sink in ((alice, aliceSink), (bob, bobSink)):
        peer.link((peer, "outbox"), (sink, "inbox"))
        peer.activate()
        sink.activate()
    runner = scheduler.run.main()
    for _ in range(200):                       # bounded: let the message get round
        next(runner)
        if bobSink.got:
            break
    assert bobSink.got == ["alice's stroke"]
    assert aliceSink.got == []
    for peer in (alice, bob):
        peer.inboxes["control"].append(shutdownMicroprocess())
        peer.unpause()
    hub.inboxes["control"].append(shutdownMicroprocess())
    hub.unpause()
    for sink in (aliceSink, bobSink):
        sink.inboxes["control"].append(shutdownMicroprocess())
        sink.unpause()
    for _ in runner:
        pass


def test_keepingtag_wrappers_are_the_wrappers_with_dontremovetag() -> None:
    # what goes in is tagged on its way to the target; the target's echo of it
    # carries the wrapper's own tag and is dropped, a pair from elsewhere kept whole
    class Forward(Echo):
        def main(self) -> Iterator[Any]:
            self.send(("elsewhere", "theirs"), "outbox")
            yield from super().main()

    sink = run(FilterAndTagWrapperKeepingTag(Forward()), ["mine"], [producerFinished()])
    assert sink.got == [("elsewhere", "theirs")]


# --------------------------------------------------------------- SingleShot
def test_oneshot_sends_its_message_then_producerfinished() -> None:
    sink = run(OneShot(msg=[["GETIMG"]]))
    assert sink.got == [[["GETIMG"]]]
    assert [type(m) for m in sink.control] == [producerFinished]


# ----------------------------------------------------------- TwoWaySplitter
def test_twowaysplitter_sends_everything_two_ways() -> None:
    split = TwoWaySplitter()
    second = Collector()
    split.link((split, "outbox2"), (second, "inbox"))
    split.link((split, "signal2"), (second, "control"))
    second.activate()
    sink = run(split, [1, 2], [producerFinished()])
    assert sink.got == second.got == [1, 2]
    assert [type(m) for m in second.control] == [producerFinished]


def test_router_module_exports_the_same_classes() -> None:
    assert RouterModule.Router is Router
    assert RouterModule.TwoWaySplitter is TwoWaySplitter


# ------------------------------------------------------------------ Routers
def test_router_sends_each_message_to_every_matching_destination() -> None:
    router = Router((lambda T: T[0] == "SOUND", "audio"), (lambda T: True, "all"))
    sink, sides = runWithSides(router, ["audio", "all"], [["SOUND", "x"], ["LINE"]],
                               [producerFinished()])
    audio, every = sides["audio"], sides["all"]
    assert audio.got == [["SOUND", "x"]]
    assert every.got == [["SOUND", "x"], ["LINE"]]
    assert sink.got == [] and [type(m) for m in sink.control] == [producerFinished]


def test_routers_do_not_share_outboxes() -> None:
    first = Router((bool, "one"))
    second = Router((bool, "two"))
    assert "one" in first.outboxes and "one" not in second.outboxes
    assert "one" not in Router.Outboxes


def test_a_rule_that_raises_counts_as_false_and_is_logged(
        caplog: pytest.LogCaptureFixture) -> None:
    router = Router((lambda T: T[0] == "a", "first"), (lambda T: True, "all"))
    with caplog.at_level("ERROR", logger="Kamaelia.Apps.Whiteboard.Routers"):
        _, sides = runWithSides(router, ["first", "all"], ["abc", 7], [producerFinished()])
    first, every = sides["first"], sides["all"]
    assert first.got == ["abc"] and every.got == ["abc", 7]
    assert any("'first'" in r.getMessage() and router.name in r.getMessage()
               for r in caplog.records)


def test_router_refuses_a_bad_route_at_the_door() -> None:
    with pytest.raises(TypeError, match="Router takes \\(rule, destination\\) pairs"):
        Router(("not callable", "x"))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="not 'oops'"):
        Router("oops")  # type: ignore[arg-type]


@pytest.mark.parametrize("messageClass", SHUTDOWNS)
def test_router_passes_shutdown_on(messageClass: type) -> None:
    assertShutdownPassesOn(lambda: Router((bool, "x")), messageClass, [], [])


class Evens(ConditionalSplitter):
    def condition(self, data: Any) -> bool:
        return data % 2 == 0


def test_conditionalsplitter_splits_by_condition_and_ends_on_shutdown() -> None:
    split = Evens()
    true, false = Collector(), Collector()
    split.link((split, "true"), (true, "inbox"))
    split.link((split, "false"), (false, "inbox"))
    split.link((split, "signal"), (false, "control"))      # false ends when split does
    split.inboxes["inbox"].extend([1, 2, 3, 4])
    split.inboxes["control"].append(producerFinished())
    split.activate()
    false.activate()            # "true" is never run: its inbox is read afterwards
    scheduler.run.runThreads()
    true.got = list(true.Inbox("inbox"))
    assert true.got == [2, 4] and false.got == [1, 3]
    assert [type(m) for m in false.control] == [producerFinished]


def test_unexpected_control_is_ignored_by_router(caplog: pytest.LogCaptureFixture) -> None:
    assertUnexpectedControlIgnored(lambda: Router(), caplog, [], [])


# ------------------------------------------------------ CheckpointSequencer
def sequencer(**argd: Any) -> CheckpointSequencer:
    return CheckpointSequencer(lambda n: [["LOAD", f"s{n}", "nopropogate"]],
                               lambda n: [["LOAD", f"s{n}"]],
                               lambda n: [["SAVE", f"s{n}"]],
                               lambda n: [["NEW"]], **argd)


def drive(commands: list[Any], **argd: Any) -> tuple[list[Any], list[Any]]:
    sink, sides = runWithSides(sequencer(**argd), ["toDecks"], commands, [producerFinished()])
    return sink.got, sides["toDecks"].got


def test_the_init_message_goes_first() -> None:
    assert drive([])[0] == [[["LOAD", "s1", "nopropogate"]]]


def test_new_saves_adds_a_page_and_blanks_it() -> None:
    out, _ = drive(["new"])
    assert out[1:] == [[["SAVE", "s1"]], [["NEW"]], [["SAVE", "s2"]]]


def test_prev_and_next_save_dirty_pages_and_stay_in_range() -> None:
    out, _ = drive(["prev", "next", "new", "dirty", "prev", "prev", "next", "next"])
    assert out[4:] == [[["SAVE", "s2"]], [["LOAD", "s1"]], [["LOAD", "s2"]]]


def test_local_navigation_marks_the_load_as_not_to_propagate() -> None:
    loads = [["LOAD", "s1"]]
    seq = CheckpointSequencer(rev_access_callback=lambda n: loads, last=2, initial=2)
    sink = run(seq, [("prev", "local"), ("prev", "local")], [producerFinished()])
    assert sink.got == [2, [["LOAD", "s1", "nopropogate"]]]
    assert loads == [["LOAD", "s1"]]                     # the callback's list is left alone


def test_checkpoint_in_the_middle_appends_a_copy_and_moves_past_it() -> None:
    out, _ = drive(["checkpoint", "prev", "checkpoint", "next"])
    # on the last page (1): save it, go to page 2; from page 1 of 2: save as page 3,
    # go to page 4 (1.14's numbering)
    assert out[1:] == [[["SAVE", "s1"]], [["LOAD", "s1"]], [["SAVE", "s3"]]]


def test_first_with_a_count_sets_the_last_page() -> None:
    out, _ = drive([["first", 3], "next", "next", "next"])
    assert out[1:] == [[["LOAD", "s1"]], [["LOAD", "s2"]], [["LOAD", "s3"]]]


def test_reset_goes_back_to_a_single_page() -> None:
    out, _ = drive([["first", 3], "next", "reset", "next"])
    assert out[-1] == [["LOAD", "s1"]] and len(out) == 4


def test_deleting_the_last_page_goes_back_one() -> None:
    out, decks = drive([["first", 2], "next", "delete", "next"])
    assert decks == [["delete", 2]]
    assert out[-1] == [["LOAD", "s1"]]


def test_deleting_page_one_waits_for_loadsafe() -> None:
    out, decks = drive([["first", 2], "delete", "loadsafe", "loadsafe"])
    assert decks == [["delete", 1]]
    assert out[1:] == [[["LOAD", "s1"]], [["LOAD", "s1"]]]


def test_deleting_the_only_page_clears_the_scribbles() -> None:
    assert drive(["delete"])[1] == ["clearscribbles"]


def test_a_failing_command_is_logged_and_skipped(caplog: pytest.LogCaptureFixture) -> None:
    assertBadMessageSkipped(lambda: CheckpointSequencer(initial=1, last=2), caplog,
                            "Kamaelia.Apps.Whiteboard.CheckpointSequencer",
                            [["first"], "next"], ["first"], [1, 2])


def test_a_callback_that_is_not_callable_is_refused() -> None:
    with pytest.raises(TypeError, match="the loadMessage callback must be callable, not 5"):
        CheckpointSequencer(rev_access_callback=5)  # type: ignore[arg-type]


@pytest.mark.parametrize("messageClass", SHUTDOWNS)
def test_sequencer_passes_shutdown_on_after_waiting_commands(messageClass: type) -> None:
    assertShutdownPassesOn(lambda: CheckpointSequencer(last=2), messageClass, ["next"], [1, 2])
