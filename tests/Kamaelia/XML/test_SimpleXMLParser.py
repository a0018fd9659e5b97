"""Tests for Kamaelia.XML.SimpleXMLParser: XML chunks in, 1.14's SAX event tuples out."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Iterator
from xml.sax import handler
from xml.sax.saxutils import escape, quoteattr

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from Axon.Component import component
from Axon.Ipc import producerFinished, shutdownMicroprocess
from Axon.Scheduler import scheduler
from componentharness import run
from Kamaelia.XML.SimpleXMLParser import IncrementalFeeder, SimpleXMLParser, newIncrementalParser

LOGGER = "Kamaelia.XML.SimpleXMLParser"

DOCUMENT = ['<?xml version="1.0"?>\n<EDL a="1">\n  <FileID>File &amp; id</FileID>',
            '\n<Edit><Start frame="0"/></Ed', 'it>\n</EDL>\n']

#: What Kamaelia 1.14.32's SimpleXMLParser sent for DOCUMENT (run from
#: /work/scratch/k114; attributes shown as dicts).
EVENTS_114 = [
    ("document",), ("element", "EDL", {"a": "1"}), ("chars", "\n"), ("chars", "  "),
    ("element", "FileID", {}), ("chars", "File "), ("chars", "&"), ("chars", " id"),
    ("/element", "FileID"), ("chars", "\n"), ("element", "Edit", {}),
    ("element", "Start", {"frame": "0"}), ("/element", "Start"), ("/element", "Edit"),
    ("chars", "\n"), ("/element", "EDL"), ("/document",),
]


def plain(event: tuple[Any, ...]) -> tuple[Any, ...]:
    """The event with its attributes object as a dict, for comparing."""
    if event[0] == "element":
        return ("element", event[1], dict(event[2]))
    return event


def merged(events: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Events with neighbouring text fragments joined (fragmentation is arbitrary)."""
    out: list[tuple[Any, ...]] = []
    for event in map(plain, events):
        if event[0] == "chars" and out and out[-1][0] == "chars":
            out[-1] = ("chars", out[-1][1] + event[1])
        else:
            out.append(event)
    return out


def test_sends_1_14s_events_for_a_document() -> None:
    sink = run(SimpleXMLParser(), DOCUMENT, [producerFinished()])
    assert [plain(e) for e in sink.got] == EVENTS_114
    assert [type(m) for m in sink.control] == [producerFinished]


def test_attributes_object_works_like_a_dict() -> None:
    sink = run(SimpleXMLParser(), ['<img src="/p.jpg" alt="a &lt; b"/>'], [producerFinished()])
    attrs = sink.got[1][2]
    assert attrs["src"] == "/p.jpg" and attrs["alt"] == "a < b"
    assert sorted(attrs.keys()) == ["alt", "src"]


def test_bytes_are_decoded_by_the_declared_encoding() -> None:
    text = '<?xml version="1.0" encoding="latin-1"?><p>café</p>'.encode("latin-1")
    sink = run(SimpleXMLParser(), [text[:45], text[45:]], [producerFinished()])
    assert merged(sink.got) == [("document",), ("element", "p", {}), ("chars", "café"),
                                ("/element", "p"), ("/document",)]


def test_utf8_split_inside_a_character_is_fine() -> None:
    data = "<p>😀é</p>".encode("utf-8")
    chunks = [data[i:i + 1] for i in range(len(data))]
    sink = run(SimpleXMLParser(), chunks, [producerFinished()])
    assert merged(sink.got)[2] == ("chars", "😀é")


def test_shutdownmicroprocess_stops_at_once_without_ending_the_document() -> None:
    target = SimpleXMLParser()
    message = shutdownMicroprocess()
    sink = run(target, ["<a>", "<b/>", "</a>"], [message])
    assert sink.got == []
    assert sink.control == [message]
    assert target._isStopped()


def test_shutdownmicroprocess_wins_over_an_earlier_producerfinished() -> None:
    target = SimpleXMLParser()
    now = shutdownMicroprocess()
    target.inboxes["control"].extend([producerFinished(), now])
    assert target.checkShutdown() == "NOW"
    assert target.shutdownMsg is now
    other = SimpleXMLParser()
    other.inboxes["control"].append(producerFinished())
    assert other.checkShutdown() == "WHENEVER"
    assert SimpleXMLParser().checkShutdown() is None


def test_unexpected_control_message_is_logged_and_ignored(
        caplog: pytest.LogCaptureFixture) -> None:
    target = SimpleXMLParser()
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        sink = run(target, ["<a/>"], ["just chatting", producerFinished()])
    assert merged(sink.got)[-1] == ("/document",)
    assert any("just chatting" in r.getMessage() and target.name in r.getMessage()
               for r in caplog.records)


def test_malformed_xml_sends_what_came_before_and_logs_where(
        caplog: pytest.LogCaptureFixture) -> None:
    target = SimpleXMLParser()
    with caplog.at_level(logging.ERROR, logger=LOGGER):
        sink = run(target, ["<a><b>text", "</a>", "<c/>"], [producerFinished()])
    assert merged(sink.got) == [("document",), ("element", "a", {}), ("element", "b", {}),
                                ("chars", "text")]
    assert [type(m) for m in sink.control] == [producerFinished]
    assert target.error is not None and target.error.getMessage() == "mismatched tag"
    messages = [r.getMessage() for r in caplog.records]
    assert any(target.name in m and "line 1, column 12: mismatched tag" in m for m in messages)
    assert any("did not parse the 4 characters" in m for m in messages)


def test_input_ending_inside_the_document_is_reported(caplog: pytest.LogCaptureFixture) -> None:
    target = SimpleXMLParser()
    with caplog.at_level(logging.ERROR, logger=LOGGER):
        sink = run(target, ["<a><b>"], [producerFinished()])
    assert merged(sink.got) == [("document",), ("element", "a", {}), ("element", "b", {})]
    assert [type(m) for m in sink.control] == [producerFinished]
    assert any("ended before the document was complete" in r.getMessage()
               for r in caplog.records)


def test_a_message_that_is_not_text_is_logged_and_skipped(
        caplog: pytest.LogCaptureFixture) -> None:
    target = SimpleXMLParser()
    with caplog.at_level(logging.ERROR, logger=LOGGER):
        sink = run(target, ["<a>", 42, "</a>"], [producerFinished()])
    assert merged(sink.got)[-2:] == [("/element", "a"), ("/document",)]
    assert any("42" in r.getMessage() and target.name in r.getMessage()
               for r in caplog.records)


def test_no_input_at_all_sends_only_the_shutdown_message() -> None:
    sink = run(SimpleXMLParser(), [], [producerFinished()])
    assert sink.got == []
    assert [type(m) for m in sink.control] == [producerFinished]


def test_external_entities_are_not_fetched(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET", encoding="utf-8")
    document = (f'<!DOCTYPE a [<!ENTITY x SYSTEM "{secret.as_uri()}">]><a>&x;</a>')
    sink = run(SimpleXMLParser(), [document], [producerFinished()])
    assert "TOP SECRET" not in repr(sink.got)


def test_a_full_destination_holds_it_back_and_nothing_is_lost() -> None:
    class SlowReader(component):
        def __init__(self) -> None:
            super().__init__()
            self.got: list[Any] = []

        def main(self) -> Iterator[Any]:
            while True:
                if self.dataReady("inbox"):
                    self.got.append(self.recv("inbox"))
                    yield 1              # one a turn, so the inbox fills
                    continue
                if self.dataReady("control"):
                    return
                self.pause()
                yield 1

    parser, reader = SimpleXMLParser(), SlowReader()
    reader.setInboxSize("inbox", 1)
    parser.link((parser, "outbox"), (reader, "inbox"))
    parser.link((parser, "signal"), (reader, "control"))
    parser.inboxes["inbox"].extend(DOCUMENT)
    parser.inboxes["control"].append(producerFinished())
    parser.activate()
    reader.activate()
    scheduler.run.runThreads()
    assert [plain(e) for e in reader.got] == EVENTS_114


def test_a_subclass_can_change_the_events() -> None:
    class NamesOnly(SimpleXMLParser):
        def startElement(self, name: str, attrs: Any) -> None:
            self.waitingEvents.append(name.upper())

        def characters(self, chars: str) -> None:
            pass

        def endElement(self, name: str) -> None:
            pass

    sink = run(NamesOnly(), ["<a><b/></a>"], [producerFinished()])
    assert sink.got == [("document",), "A", "B", ("/document",)]


# -- fuzzing -----------------------------------------------------------------

names = st.sampled_from(["a", "b", "item", "x-y", "ns_1"])
texts = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=8)


@st.composite
def elements(draw: st.DrawFn, depth: int = 0) -> tuple[str, list[tuple[Any, ...]]]:
    """(xml text, expected merged events) of a random element."""
    name = draw(names)
    attrs = draw(st.dictionaries(names, texts, max_size=2))
    xml = "<" + name + "".join(f" {k}={quoteattr(v)}" for k, v in attrs.items()) + ">"
    events: list[tuple[Any, ...]] = [("element", name, attrs)]
    for _ in range(draw(st.integers(0, 3 if depth < 3 else 0))):
        if draw(st.booleans()):
            text = draw(texts.filter(bool))
            xml += escape(text)
            events.append(("chars", text.replace("\r", "\n")))
        else:
            childXml, childEvents = draw(elements(depth + 1))
            xml += childXml
            events.extend(childEvents)
    xml += f"</{name}>"
    events.append(("/element", name))
    return xml, events


def chunked(data: str, cuts: list[int]) -> list[str]:
    points = sorted({min(c, len(data)) for c in cuts})
    return [data[a:b] for a, b in zip([0] + points, points + [len(data)]) if data[a:b]]


@settings(max_examples=150, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(elements(), st.lists(st.integers(0, 200), max_size=6))
def test_fuzz_well_formed_documents_give_their_events_however_chunked(
        element: tuple[str, list[tuple[Any, ...]]], cuts: list[int]) -> None:
    xml, expected = element
    sink = run(SimpleXMLParser(), chunked(xml, cuts), [producerFinished()])
    assert merged(sink.got) == merged([("document",), *expected, ("/document",)])
    assert [type(m) for m in sink.control] == [producerFinished]


@settings(max_examples=200, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.text(st.sampled_from("<>/=\"'&;!?ab \n-[]x")),
                          st.binary(max_size=12)), max_size=5))
def test_fuzz_any_input_never_fails_the_component(chunks: list[Any]) -> None:
    logging.getLogger(LOGGER).disabled = True
    try:
        target = SimpleXMLParser()
        sink = run(target, chunks, [producerFinished()])
    finally:
        logging.getLogger(LOGGER).disabled = False
    assert [type(m) for m in sink.control] == [producerFinished]
    assert all(isinstance(e, tuple) and e[0] in ("document", "element", "chars", "/element",
                                                 "/document") for e in sink.got)
    if target.error is None and sink.got:
        assert sink.got[-1] == ("/document",)


# ------------------------------------------------- limits and hostile input
class Recorder(handler.ContentHandler):
    def __init__(self) -> None:
        super().__init__()
        self.elements: list[str] = []

    def startElement(self, name: str, attrs: Any) -> None:
        self.elements.append(name)


def countingFeeder(limit: int | None = 65536) -> tuple[IncrementalFeeder, Recorder, list[int]]:
    """A feeder whose parser counts how much it is given, call by call."""
    recorder = Recorder()
    parser = newIncrementalParser(recorder)
    calls: list[int] = []
    feed = parser.feed

    def counted(data: Any) -> None:
        calls.append(len(data))
        feed(data)

    parser.feed = counted  # type: ignore[method-assign]
    return IncrementalFeeder(parser, limit), recorder, calls


def test_a_long_token_in_small_pieces_is_given_to_expat_a_few_times_only() -> None:
    feeder, recorder, calls = countingFeeder()
    feeder.feed(b"<doc><a x='")
    for _ in range(500):                       # 50 KB of one attribute, 100 bytes a turn
        feeder.feed(b"y" * 100)
    feeder.feed(b"'/></doc>")
    assert recorder.elements == ["doc", "a"]
    # expat rescans what it holds on every call: doubling keeps that linear.
    assert sum(calls) < 4 * 50_000 and len(calls) < 60


def test_a_tag_ending_in_a_small_piece_is_given_at_once() -> None:
    feeder, recorder, _ = countingFeeder()
    feeder.feed(b"<doc><a x='" + b"y" * 10_000)
    feeder.feed(b"y" * 10)
    assert recorder.elements == ["doc"]
    feeder.feed(b"'/>")                        # holds a ">": given without waiting
    assert recorder.elements == ["doc", "a"]


def test_greater_thans_inside_a_value_cannot_make_it_quadratic() -> None:
    feeder, recorder, calls = countingFeeder()
    feeder.feed(b"<doc><a x='")
    for _ in range(500):
        feeder.feed(b">" * 100)
    feeder.feed(b"'/></doc>")
    feeder.flush()              # (the early feeds are spent: the end waits for more, or this)
    assert recorder.elements == ["doc", "a"]
    assert sum(calls) < 6 * 50_000


def test_a_token_over_maxtokensize_ends_the_component(
        caplog: pytest.LogCaptureFixture) -> None:
    assert SimpleXMLParser().maxtokensize == 65536
    component = SimpleXMLParser(maxtokensize=5000)
    with caplog.at_level(logging.ERROR, logger=LOGGER):
        sink = run(component, ["<doc><ok/><a x='"] + ["z" * 1000] * 10 + ["'/></doc>"])
    assert [plain(e) for e in sink.got] == [("document",), ("element", "doc", {}),
                                            ("element", "ok", {}), ("/element", "ok")]
    assert [type(m) for m in sink.control] == [producerFinished]
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1 and "maxtokensize=5000" in errors[0]


def test_long_text_is_not_limited() -> None:
    sink = run(SimpleXMLParser(maxtokensize=5000), ["<doc>"] + ["t" * 1000] * 20 + ["</doc>"],
               [producerFinished()])
    assert merged(sink.got)[2] == ("chars", "t" * 20_000)


def test_text_with_a_lone_surrogate_is_malformed_not_a_crash(
        caplog: pytest.LogCaptureFixture) -> None:
    component = SimpleXMLParser()
    with caplog.at_level(logging.ERROR, logger=LOGGER):
        sink = run(component, ["<doc>ok", "\ud800", "</doc>"], [producerFinished()])
    assert component.error is not None and "not UTF-8" in component.error.getMessage()
    assert [type(m) for m in sink.control] == [producerFinished]


@settings(max_examples=60, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(5000, 12000), st.lists(st.integers(16, 3000), min_size=1, max_size=8))
def test_fuzz_long_tokens_give_their_events_however_chunked_and_turned(
        size: int, steps: list[int]) -> None:
    xml = (b"<doc><a x='" + b"v" * size + b"'>t</a><!--" + b"c" * size + b"--><b/></doc>")
    recorder = Recorder()
    parser = newIncrementalParser(recorder)
    feeder = IncrementalFeeder(parser)
    at = turn = 0
    while at < len(xml):
        step = steps[turn % len(steps)]
        feeder.feed(xml[at:at + step], endOfTurn=turn % 3 == 0)
        at, turn = at + step, turn + 1
    feeder.flush()
    parser.close()
    assert recorder.elements == ["doc", "a", "b"]


def test_the_component_keeps_no_reference_to_what_it_sent(run_rounds: Any) -> None:
    import gc
    import weakref
    from componentharness import attach
    component = SimpleXMLParser()
    sink = attach(component)
    component.inboxes["inbox"].append('<doc><item n="1"/><more')
    run_rounds(20)
    element = next(e for e in sink.got if e[:2] == ("element", "item"))
    assert not component._isStopped()
    gone = weakref.ref(element[2])
    del element
    sink.got.clear()
    gc.collect()
    assert gone() is None
