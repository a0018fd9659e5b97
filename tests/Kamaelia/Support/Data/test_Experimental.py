"""Tests for Kamaelia.Support.Data.Experimental: slides read out of XML."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Iterator

import pytest

from Axon.Component import component
from Axon.Ipc import producerFinished, shutdownMicroprocess
from Axon.Scheduler import scheduler
from componentharness import run
from Kamaelia.Support.Data.Experimental import (GraphSlideXMLComponent, GraphSlideXMLParser,
                                                onDemandGraphFileParser_Prefab)

LOGGER = "Kamaelia.Support.Data.Experimental"
DOCUMENT = ("<show><title>not a slide</title><slide>ADD NODE a\nADD NODE b</slide>"
            "<slide>DEL ALL</slide></show>")


def test_parser_calls_newslide_with_each_slides_text() -> None:
    import xml.sax

    seen: list[tuple[str, str]] = []

    class Recording(GraphSlideXMLParser):
        def newSlide(self, tag: str, slide: str) -> None:
            seen.append((tag, slide))

        def documentDone(self) -> None:
            seen.append(("done", ""))

    xml.sax.parseString(DOCUMENT.encode(), Recording())
    assert seen == [("slide", "ADD NODE a\nADD NODE b"), ("slide", "DEL ALL"), ("done", "")]


def test_component_sends_each_slide_from_chunks_split_anywhere() -> None:
    chunks = [DOCUMENT[i:i + 7] for i in range(0, len(DOCUMENT), 7)]
    sink = run(GraphSlideXMLComponent(), chunks, [producerFinished()])
    assert sink.got == ["ADD NODE a\nADD NODE b", "DEL ALL"]
    assert [type(m) for m in sink.control] == [producerFinished]


def test_shutdownmicroprocess_stops_it_at_once() -> None:
    target = GraphSlideXMLComponent()
    sink = run(target, [], [shutdownMicroprocess()])
    assert [type(m) for m in sink.control] == [shutdownMicroprocess]
    assert target._isStopped()


def test_malformed_xml_is_logged_and_the_slides_before_it_are_sent(
        caplog: pytest.LogCaptureFixture) -> None:
    target = GraphSlideXMLComponent()
    with caplog.at_level(logging.ERROR, logger=LOGGER):
        sink = run(target, ["<show><slide>one</slide><slide>two</show>", "<more/>"],
                   [producerFinished()])
    assert sink.got == ["one"]
    assert [type(m) for m in sink.control] == [producerFinished]
    assert target.error is not None
    assert any(target.name in r.getMessage() and "line 1, column" in r.getMessage()
               and "mismatched tag" in r.getMessage() for r in caplog.records)


def test_prefab_sends_one_slide_per_next(tmp_path: Path) -> None:
    path = tmp_path / "slides.xml"
    path.write_text(DOCUMENT, encoding="utf-8")

    class Asker(component):
        Outboxes = {"outbox": "NEXT requests", "signal": "shutdown"}

        def __init__(self) -> None:
            super().__init__()
            self.got: list[Any] = []
            self.ended: list[Any] = []

        def main(self) -> Iterator[Any]:
            for _ in range(2):
                self.send("NEXT", "outbox")
                while not self.dataReady("inbox"):
                    self.pause()
                    yield 1
                self.got.append(self.recv("inbox"))
            while not self.dataReady("control"):   # the file is done: the prefab ends
                self.pause()
                yield 1
            self.ended.append(self.recv("control"))

    prefab, asker = onDemandGraphFileParser_Prefab(str(path)), Asker()
    prefab.link((asker, "outbox"), (prefab, "inbox"))
    prefab.link((prefab, "outbox"), (asker, "inbox"))
    prefab.link((prefab, "signal"), (asker, "control"))
    prefab.activate()
    asker.activate()
    scheduler.run.runThreads()
    assert asker.got == ["ADD NODE a\nADD NODE b", "DEL ALL"]
    assert [type(m) for m in asker.ended] == [producerFinished]


# ------------------------------------------------- limits and hostile input
def test_a_slide_is_gathered_in_pieces_and_joined_once() -> None:
    parser = GraphSlideXMLParser()
    parser.startElement("slide", {})
    for _ in range(1000):
        parser.characters("ADD NODE x ")
    assert parser.current_slide == "ADD NODE x " * 1000
    parser.current_slide = "replaced"
    assert parser.current_slide == "replaced"


def test_a_token_over_maxtokensize_ends_the_component(
        caplog: pytest.LogCaptureFixture) -> None:
    assert GraphSlideXMLComponent().maxtokensize == 65536
    component = GraphSlideXMLComponent(maxtokensize=5000)
    with caplog.at_level(logging.ERROR, logger="Kamaelia.Support.Data.Experimental"):
        sink = run(component, ["<show><slide>one</slide><!--"] + ["c" * 1000] * 10)
    assert sink.got == ["one"]
    assert [type(m) for m in sink.control] == [producerFinished]
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1 and "maxtokensize=5000" in errors[0]


def test_text_with_a_lone_surrogate_is_logged_as_malformed(
        caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger="Kamaelia.Support.Data.Experimental"):
        sink = run(GraphSlideXMLComponent(), ["<show><slide>a</slide>", "\udfff</show>"],
                   [producerFinished()])
    assert sink.got == ["a"] and [type(m) for m in sink.control] == [producerFinished]
    assert any("not UTF-8" in r.getMessage() for r in caplog.records)
