"""Tests for Kamaelia.Chassis.Prefab: JoinChooserToCarousel."""

from __future__ import annotations

import re
from typing import Any, Iterator

import pytest

from Axon.Box import BoxNotFound
from Axon.Component import component
from Axon.Ipc import producerFinished
from Kamaelia._shutdown import shutdownRequest
from Kamaelia.Chassis.Carousel import Carousel
from Kamaelia.Chassis.Graphline import Graphline
from Kamaelia.Chassis.Prefab import JoinChooserToCarousel
from Kamaelia.Util.DataSource import DataSource
from Kamaelia.Util.PureTransformer import PureTransformer

from chassis_helpers import Harness, RunRounds, both_shutdowns, watch


class Playlist(component):
    """Answers each "NEXT" with its next item; producerFinished when it has none."""

    def __init__(self, items: list[Any], **argd: Any) -> None:
        super().__init__(**argd)
        self.items = list(items)

    def main(self) -> Iterator[Any]:
        while True:
            for request in self.Inbox("inbox"):
                if request != "NEXT":
                    continue
                if not self.items:
                    self.send(producerFinished(self), "signal")
                    return
                self.send(self.items.pop(0), "outbox")
            stop = shutdownRequest(self)
            if stop is not None:
                self.send(stop, "signal")
                return
            self.pause()
            yield 1


def show(item: str) -> component:
    return DataSource([f"showing {item}"])


def test_it_returns_a_graphline_of_CHOOSER_and_CAROUSEL() -> None:
    chooser, carousel = Playlist([]), Carousel(show)
    joined = JoinChooserToCarousel(chooser, carousel)
    assert isinstance(joined, Graphline)
    assert joined.components == {"CHOOSER": chooser, "CAROUSEL": carousel}
    assert chooser.outboxes["outbox"].sink is carousel.inboxes["next"]
    assert carousel.outboxes["requestNext"].sink is chooser.inboxes["inbox"]


def test_each_item_is_shown_in_turn_and_running_out_ends_everything() -> None:
    chooser = Playlist(["one", "two", "three"])
    joined = JoinChooserToCarousel(chooser, Carousel(show, make1stRequest=True))
    outside = watch(joined)
    joined.run()
    assert outside.got == ["showing one", "showing two", "showing three"]
    assert len(outside.control) == 1
    assert isinstance(outside.control[0], producerFinished)
    assert outside.control[0].caller is chooser        # passed on by the Carousel


def test_data_sent_to_it_reaches_the_current_child() -> None:
    carousel = Carousel(lambda item: PureTransformer(lambda s: f"{item}({s})"),
                        make1stRequest=True)
    finisher = producerFinished()
    harness = Harness(JoinChooserToCarousel(Playlist(["f"]), carousel), ["x", "y"], finisher)
    harness.run()
    assert harness.got == ["f(x)", "f(y)"]
    assert harness.control == [finisher]


@both_shutdowns
def test_a_shutdown_on_its_control_passes_through_chooser_and_carousel(
        run_rounds: RunRounds, kind: type) -> None:
    chooser = Playlist(["a", "b"])
    carousel = Carousel(lambda item: PureTransformer(), make1stRequest=True)
    joined = JoinChooserToCarousel(chooser, carousel)
    outside = watch(joined)
    joined.activate()
    run_rounds(20)
    assert len(carousel.childComponents()) == 1
    message = kind()
    joined.inboxes["control"].append(message)
    run_rounds(100)
    assert joined._isStopped() and chooser._isStopped() and carousel._isStopped()
    assert outside.control == [message]


def test_a_chooser_that_is_not_a_component_is_refused_by_name() -> None:
    with pytest.raises(TypeError, match=re.escape(
            "Graphline component 'CHOOSER' is not a component: ['a', 'b']")):
        JoinChooserToCarousel(["a", "b"], Carousel(show))


def test_a_carousel_without_the_carousels_boxes_is_refused_naming_the_box() -> None:
    not_a_carousel = PureTransformer()
    with pytest.raises(BoxNotFound, match=re.escape(
            f"{not_a_carousel.name} has no inbox 'next'")):
        JoinChooserToCarousel(Playlist([]), not_a_carousel)


def test_the_module_lists_its_prefabs_as_1_14_did() -> None:
    import Kamaelia.Chassis.Prefab as module
    assert module.__kamaelia_prefabs__ == (module.JoinChooserToCarousel,)
