"""Tests for Kamaelia.Experimental.Chassis: chassis with inbox size limits."""

from __future__ import annotations

import logging
from typing import Any, Callable, Iterator

import pytest

from Axon.Component import component
from Axon.Ipc import producerFinished
from componentharness import attach, run
from Kamaelia.Chassis.Carousel import Carousel as PlainCarousel
from Kamaelia.Chassis.Graphline import Graphline as PlainGraphline
from Kamaelia.Chassis.Pipeline import Pipeline as PlainPipeline
from Kamaelia.Experimental.Chassis import Carousel, Graphline, InboxControlledCarousel, Pipeline
from Kamaelia.Util.DataSource import DataSource
from Kamaelia.Util.PassThrough import PassThrough


def test_pipeline_sets_the_size_of_the_inbox_after_each_int() -> None:
    a, b, c = PassThrough(), PassThrough(), PassThrough()
    chain = Pipeline(5, a, b, 2, c)
    assert isinstance(chain, PlainPipeline)
    assert a.inboxes["inbox"].getSize() == 5
    assert b.inboxes["inbox"].getSize() is None
    assert c.inboxes["inbox"].getSize() == 2


def test_pipeline_none_means_no_limit() -> None:
    a = PassThrough()
    a.setInboxSize("inbox", 3)
    Pipeline(None, a)
    assert a.inboxes["inbox"].getSize() is None


def test_pipeline_size_after_the_last_component_is_logged(
        caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="Kamaelia.Experimental.Chassis"):
        Pipeline(PassThrough(), 4)
    assert any("after the last component limits nothing" in r.getMessage()
               for r in caplog.records)


def test_limited_pipeline_delivers_everything() -> None:
    sink = run(Pipeline(DataSource(list(range(200))), 1, PassThrough(), 2, PassThrough()))
    assert sink.got == list(range(200))


def test_pipeline_passes_keywords_on() -> None:
    assert Pipeline(PassThrough(), PassThrough(), circular=True).circular


def test_graphline_sets_the_sizes_named_in_boxsizes() -> None:
    a, b = PassThrough(), PassThrough()
    graph = Graphline(A=a, B=b, linkages={("A", "outbox"): ("B", "inbox")},
                      boxsizes={("A", "inbox"): 5, ("B", "control"): 17})
    assert isinstance(graph, PlainGraphline)
    assert a.inboxes["inbox"].getSize() == 5
    assert b.inboxes["control"].getSize() == 17
    assert b.inboxes["inbox"].getSize() is None


def test_graphline_boxsizes_must_name_its_components() -> None:
    with pytest.raises(ValueError, match=r"names component 'C', which is not one of \['A'\]"):
        Graphline(A=PassThrough(), linkages={}, boxsizes={("C", "inbox"): 1})
    with pytest.raises(KeyError, match=r"no inbox 'nowhere'"):
        Graphline(A=PassThrough(), linkages={}, boxsizes={("A", "nowhere"): 1})


def test_carousel_children_get_the_boxsize() -> None:
    made: list[component] = []

    def factory(meta: Any) -> component:
        child = PassThrough()
        made.append(child)
        return child

    carousel = Carousel(factory, boxsize=3)
    assert isinstance(carousel, PlainCarousel)
    carousel.factory("x")
    assert made[0].inboxes["inbox"].getSize() == 3
    plain = Carousel(factory)
    assert plain.factory is factory


def test_carousel_refuses_a_bad_boxsize() -> None:
    with pytest.raises(ValueError, match=r"boxsize must be an int >= 0 or None, not 'big'"):
        Carousel(PassThrough, boxsize="big")  # type: ignore[arg-type]


def test_inbox_controlled_carousel_makes_children_from_inbox_and_feeds_data_inbox(
        run_rounds: Callable[[int], bool]) -> None:
    class Echo(component):
        """Sends its prefix joined to each message, until producerFinished."""

        def __init__(self, prefix: str) -> None:
            super().__init__()
            self.prefix = prefix

        def main(self) -> Iterator[Any]:
            while True:
                for message in self.Inbox("inbox"):
                    self.send(self.prefix + message, "outbox")
                if self.dataReady("control"):
                    self.send(self.recv("control"), "signal")
                    return
                self.pause()
                yield 1

    carousel = InboxControlledCarousel(Echo)
    assert "data_inbox" in carousel.inboxes
    carousel.inboxes["inbox"].append("first:")
    sink = attach(carousel)
    run_rounds(50)
    carousel.inboxes["data_inbox"].extend(["one", "two"])
    run_rounds(50)
    assert sink.got == ["first:one", "first:two"]
    carousel.inboxes["control"].append(producerFinished())
    assert run_rounds(200)                   # everything ended
    assert [type(m) for m in sink.control] == [producerFinished]
