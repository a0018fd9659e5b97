"""Snapshots of real running systems, and the changes between them.

Systems are run round by round (``run_rounds``) and looked at between
rounds, in the scheduler's own thread, as the server does.
"""

from __future__ import annotations

import json
from typing import Callable, Iterator

from Axon.AdaptiveCommsComponent import AdaptiveCommsComponent
from Axon.Component import component
from Axon.Scheduler import scheduler
from Kamaelia.Chassis.Graphline import Graphline
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.Util.DataSource import DataSource
from Kamaelia.Util.PassThrough import PassThrough
from Kamaelia.Util.Topology.snapshot import (DOC_LIMIT, Link, Node, RateMeter, Snapshot,
                                             changes, takeSnapshot, wholeGraph)

Rounds = Callable[[int], bool]


class Idle(component):
    """Idle() -> never reads anything (what is sent to it waits)"""

    def main(self) -> Iterator[int]:
        while True:
            self.pause()
            yield 1


class Sender(component):
    """Sender(count) -> sends 0 .. count-1 out of "outbox", one a run, then idles"""

    def __init__(self, count: int) -> None:
        super().__init__()
        self.count = count

    def main(self) -> Iterator[int]:
        for number in range(self.count):
            self.send(number, "outbox")
            yield 1
        while True:
            self.pause()
            yield 1


class Taker(component):
    """Taker() -> takes everything that arrives"""

    def main(self) -> Iterator[int]:
        while True:
            while self.dataReady("inbox"):
                self.recv("inbox")
            self.pause()
            yield 1


def names(snapshot: Snapshot) -> set[str]:
    return {node.name for node in snapshot.nodes.values()}


def link(source: component, sourcebox: str, sink: component, sinkbox: str,
         kinds: str = "oi", passthrough: int = 0) -> Link:
    return Link((str(source.id), kinds[0], sourcebox), (str(sink.id), kinds[1], sinkbox),
                passthrough)


def look() -> Snapshot:
    return takeSnapshot(scheduler.run)


# ------------------------------------------------------------ what is running
def test_a_running_pipeline_is_seen_with_its_children_their_parent_and_classes(
        run_rounds: Rounds) -> None:
    first, second = Idle(), Idle()
    pipeline = Pipeline(first, second).activate()
    run_rounds(2)
    snapshot = look()
    assert names(snapshot) == {pipeline.name, first.name, second.name}
    node = snapshot.nodes[str(first.id)]
    assert node.parent == str(pipeline.id) and snapshot.nodes[str(pipeline.id)].parent is None
    assert node.className == f"{__name__}.Idle"
    assert node.inboxes == ("inbox", "control") and node.outboxes == ("outbox", "signal")
    assert snapshot.classes[f"{__name__}.Idle"].doc.startswith("Idle() -> never reads")
    pipelineClass = snapshot.classes["Kamaelia.Chassis.Pipeline.Pipeline"]
    assert pipelineClass.inboxes["inbox"] == " ".join(Pipeline.Inboxes["inbox"].split())


def test_the_links_of_a_pipeline_are_exactly_its_linkages_with_their_kinds(
        run_rounds: Rounds) -> None:
    first, second = Idle(), Idle()
    pipeline = Pipeline(first, second).activate()
    run_rounds(2)
    assert look().links == {
        link(first, "outbox", second, "inbox"), link(first, "signal", second, "control"),
        link(pipeline, "inbox", first, "inbox", "ii", 1),
        link(pipeline, "control", first, "control", "ii", 1),
        link(second, "outbox", pipeline, "outbox", "oo", 2),
        link(second, "signal", pipeline, "signal", "oo", 2)}


def test_a_graphline_s_own_linkages_are_seen(run_rounds: Rounds) -> None:
    source, sink = Idle(), Idle()
    graph = Graphline(A=source, B=sink, linkages={("A", "signal"): ("B", "inbox"),
                                                  ("self", "inbox"): ("B", "control")})
    graph.activate()
    run_rounds(2)
    links = look().links
    assert link(source, "signal", sink, "inbox") in links
    assert link(graph, "inbox", sink, "control", "ii", 1) in links


def test_a_component_linked_to_a_running_one_is_seen_before_it_starts(
        run_rounds: Rounds) -> None:
    running, waiting = Idle().activate(), Idle()
    running.link((running, "outbox"), (waiting, "inbox"))
    run_rounds(1)
    snapshot = look()
    assert names(snapshot) == {running.name, waiting.name}
    assert snapshot.links == {link(running, "outbox", waiting, "inbox")}


def test_queue_lengths_are_the_messages_waiting_in_each_box(run_rounds: Rounds) -> None:
    sender, idle = Sender(3), Idle()
    sender.link((sender, "outbox"), (idle, "inbox"))
    lonely = Sender(2)                        # its outbox goes nowhere: messages wait there
    for comp in (sender, idle, lonely):
        comp.activate()
    run_rounds(6)
    queues = look().queues
    assert queues[(str(idle.id), "i", "inbox")] == 3
    assert queues[(str(sender.id), "o", "outbox")] == 0      # (they wait in the inbox)
    assert queues[(str(lonely.id), "o", "outbox")] == 2
    assert queues[(str(idle.id), "i", "control")] == 0


# ------------------------------------------------------------ what goes
def test_components_that_end_go_even_while_a_parent_still_links_them(
        run_rounds: Rounds) -> None:
    keeper, short = Idle(), DataSource(["one"])
    keeper.link((short, "outbox"), (keeper, "inbox"))       # keeper's postoffice holds it
    keeper.activate()
    short.activate()
    run_rounds(1)
    before = look()
    assert str(short.id) in before.nodes
    run_rounds(5)
    after = look()
    assert names(after) == {keeper.name}
    assert after.links == frozenset()
    message = changes(before, after)
    assert message is not None and message["gone"] == [str(short.id)]
    assert message["unlinked"] == [{"from": [str(short.id), "o", "outbox"],
                                    "to": [str(keeper.id), "i", "inbox"], "passthrough": 0}]


def test_a_finished_pipeline_leaves_nothing(run_rounds: Rounds) -> None:
    Pipeline(DataSource(["a", "b"]), PassThrough()).activate()
    run_rounds(2)
    before = look()
    assert len(before.nodes) == 3
    assert run_rounds(100)                      # everything ended
    after = look()
    assert after.nodes == {} and after.links == frozenset() and after.queues == {}
    message = changes(before, after)
    assert message is not None and sorted(message["gone"]) == sorted(before.nodes)


def test_hidden_components_are_left_out_with_their_descendants_and_links(
        run_rounds: Rounds) -> None:
    inner = Idle()
    hidden = Pipeline(inner, Idle()).activate()
    shown = Idle().activate()
    shown.link((shown, "outbox"), (inner, "inbox"))
    run_rounds(2)
    snapshot = takeSnapshot(scheduler.run, hidden=[hidden])
    assert names(snapshot) == {shown.name}
    assert snapshot.links == frozenset()
    assert len(takeSnapshot(scheduler.run).nodes) == 4      # not hidden: all of them


# ------------------------------------------------------------ the messages
def test_nothing_changed_is_no_message_and_a_new_component_is(run_rounds: Rounds) -> None:
    first = Idle().activate()
    run_rounds(1)
    before = look()
    assert changes(before, look()) is None
    second = Idle().activate()
    run_rounds(1)
    message = changes(before, look())
    assert message is not None
    assert [node["name"] for node in message["nodes"]] == [second.name]
    assert message["gone"] == [] and message["classes"] == {}       # Idle was known
    assert message["measured"] is False
    assert str(first.id) not in {node["id"] for node in message["nodes"]}


def test_a_node_whose_boxes_change_is_sent_again(run_rounds: Rounds) -> None:
    adaptive = AdaptiveCommsComponent().activate()
    run_rounds(1)
    before = look()
    name = adaptive.addInbox("extra")
    message = changes(before, look())
    assert message is not None
    [node] = message["nodes"]
    assert node["id"] == str(adaptive.id) and name in node["inboxes"]


def test_queue_changes_list_only_the_boxes_that_changed(run_rounds: Rounds) -> None:
    sender, idle = Sender(2), Idle()
    sender.link((sender, "outbox"), (idle, "inbox"))
    sender.activate()
    idle.activate()
    run_rounds(1)
    before = look()
    run_rounds(4)
    message = changes(before, look())
    assert message is not None
    assert message["queues"] == [[str(idle.id), "i", "inbox", 2]]
    full = look()
    idle.inboxes["inbox"].clear()
    emptied = changes(full, look())
    assert emptied is not None and emptied["queues"] == [[str(idle.id), "i", "inbox", 0]]


def test_the_whole_graph_is_json_with_every_node_link_class_and_nonempty_queue(
        run_rounds: Rounds) -> None:
    sender, idle = Sender(1), Idle()
    pipeline = Pipeline(sender, idle).activate()
    run_rounds(4)
    graph = json.loads(json.dumps(wholeGraph(look())))
    assert graph["type"] == "graph"
    assert {node["name"] for node in graph["nodes"]} == {pipeline.name, sender.name, idle.name}
    assert len(graph["links"]) == 6
    assert graph["queues"] == [[str(idle.id), "i", "inbox", 1]]
    assert set(graph["classes"]) == {"Kamaelia.Chassis.Pipeline.Pipeline",
                                     f"{__name__}.Sender", f"{__name__}.Idle"}
    assert graph["measured"] is False and graph["runs"] == [] and graph["rates"] == []


def test_a_long_docstring_is_cut(run_rounds: Rounds) -> None:
    class Wordy(Idle):
        __doc__ = "word " * DOC_LIMIT

    Wordy().activate()
    run_rounds(1)
    [info] = [info for name, info in look().classes.items() if name.endswith("Wordy")]
    assert len(info.doc) == DOC_LIMIT + len("\n[...]") and info.doc.endswith("[...]")


# ------------------------------------------------------------ rates
def test_rates_come_from_the_scheduler_s_statistics_between_two_looks(
        run_rounds: Rounds) -> None:
    statistics = scheduler.run.statistics
    statistics.enable(sampleEvery=1)             # every run timed: exact figures
    try:
        sender, taker = Sender(40), Taker()
        sender.link((sender, "outbox"), (taker, "inbox"))
        sender.activate()
        taker.activate()
        run_rounds(2)
        meter = RateMeter()
        assert meter.rates(statistics.snapshot(), now=100.0) == ({}, {})   # a first look
        run_rounds(20)
        runRates, boxRates = meter.rates(statistics.snapshot(), now=102.0)
        assert runRates[str(sender.id)] == 10.0          # 20 runs in 2 s
        assert boxRates[(str(taker.id), "i", "inbox")] == 10.0
        assert (str(taker.id), "i", "control") not in boxRates           # 0: left out
        snapshot = takeSnapshot(scheduler.run, meter=RateMeter())
        assert snapshot.measured is True
    finally:
        statistics.disable()
    assert takeSnapshot(scheduler.run, meter=RateMeter()).measured is False


def test_rate_changes_are_sent_and_a_rate_gone_is_sent_as_zero() -> None:
    box = ("7", "i", "inbox")
    node = Node("7", "x_7", "x", None, ("inbox",), ())
    old = Snapshot(nodes={"7": node}, measured=True, runRates={"7": 3.0}, boxRates={box: 2.0})
    new = Snapshot(nodes={"7": node}, measured=True, runRates={"7": 4.0})
    message = changes(old, new)
    assert message is not None
    assert message["runs"] == [["7", 4.0]] and message["rates"] == [["7", "i", "inbox", 0.0]]
    assert message["nodes"] == [] and message["measured"] is True
