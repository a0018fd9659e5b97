"""Tests for Kamaelia.Experimental.ERParsing: ER descriptions to records to commands."""

from __future__ import annotations

import logging
import textwrap

import pytest
from hypothesis import given, settings, strategies as st

from Axon.Ipc import producerFinished, shutdownMicroprocess
from componentharness import run
import Kamaelia.Experimental.ERParsing as ERParsing
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.Experimental.ERParsing import (ERModel2Visualiser, ERParser, ParseError,
                                             commands, parse_model, parseEntityLine,
                                             parseMultilineEntity, parseRelationLine,
                                             parser, parseSimpleAttributes)
from Kamaelia.Util.DataSource import DataSource

LOGGER = "Kamaelia.Experimental.ERParsing"

MODEL = textwrap.dedent("""\
    #
    # a model
    #

    entity person:
        simpleattributes female name=sarah

    entity mum(person):

    entity daughter(person):
    entity son(person)
    entity Manager:
        simpleattributes ID name1
    relation RelatedTo(mum,daughter,son)
    relation siblings(son,daughter)
    entity dog
    """).splitlines(keepends=True)

#: What Kamaelia 1.14.32 gave for MODEL (run from /work/scratch/k114).
TOKENS_114 = ['BLOCK', 'entity person', '    simpleattributes female name=sarah', 'ENDBLOCK',
              'BLOCK', 'entity mum(person)', 'ENDBLOCK', 'BLOCK', 'entity daughter(person)',
              'ENDBLOCK', 'entity son(person)', 'BLOCK', 'entity Manager',
              '    simpleattributes ID name1', 'ENDBLOCK',
              'relation RelatedTo(mum,daughter,son)', 'relation siblings(son,daughter)',
              'entity dog']
RECORDS_114 = [
    ['entity', {'name': 'person', 'simpleattributes': ['female', 'name=sarah']}],
    ['entity', {'subtype': 'person', 'name': 'mum'}],
    ['entity', {'subtype': 'person', 'name': 'daughter'}],
    ['entity', {'subtype': 'person', 'name': 'son'}],
    ['entity', {'name': 'Manager', 'simpleattributes': ['ID', 'name1']}],
    ['relation', {'entities': ['mum', 'daughter', 'son'], 'name': 'RelatedTo'}],
    ['relation', {'entities': ['son', 'daughter'], 'name': 'siblings'}],
    ['entity', {'name': 'dog'}],
]
COMMANDS_114 = [
    'ADD NODE e.person person auto entity', 'ADD NODE person.female female auto attribute',
    'ADD NODE person.name=sarah name=sarah auto attribute', 'ADD NODE e.mum mum auto entity',
    'ADD NODE ISA1 isa auto isa', 'ADD NODE e.daughter daughter auto entity',
    'ADD NODE e.son son auto entity', 'ADD NODE e.Manager Manager auto entity',
    'ADD NODE Manager.ID ID auto attribute', 'ADD NODE Manager.name1 name1 auto attribute',
    'ADD NODE r.RelatedTo RelatedTo auto relation', 'ADD NODE r.siblings siblings auto relation',
    'ADD NODE e.dog dog auto entity', 'ADD LINK e.person person.female',
    'ADD LINK e.person person.name=sarah', 'ADD LINK ISA1 e.person', 'ADD LINK e.mum ISA1',
    'ADD LINK e.daughter ISA1', 'ADD LINK e.son ISA1', 'ADD LINK e.Manager Manager.ID',
    'ADD LINK e.Manager Manager.name1', 'ADD LINK e.mum r.RelatedTo',
    'ADD LINK e.daughter r.RelatedTo', 'ADD LINK e.son r.RelatedTo',
    'ADD LINK e.son r.siblings', 'ADD LINK e.daughter r.siblings',
]

LINES = [line.rstrip("\n") for line in MODEL]


def test_parser_marks_blocks_as_1_14_did() -> None:
    assert list(parser(LINES)) == TOKENS_114


def test_parse_model_gives_1_14s_records() -> None:
    assert list(parse_model(LINES)) == RECORDS_114


def test_line_parsers() -> None:
    assert parseEntityLine("entity mum(person)") == ["entity", {"subtype": "person",
                                                                "name": "mum"}]
    assert parseRelationLine("relation R(a,b)") == ["relation", {"entities": ["a", "b"],
                                                                 "name": "R"}]
    assert parseSimpleAttributes("simpleattributes a b") == {"simpleattributes": ["a", "b"]}
    assert parseMultilineEntity(["entity x", "simpleattributes y"]) == \
        ["entity", {"name": "x", "simpleattributes": ["y"]}]


def test_a_relation_without_entities_raises_parseerror() -> None:
    with pytest.raises(ParseError, match=r"relation Lonely"):
        list(parse_model(["relation Lonely"]))


def test_parse_model_can_report_errors_and_carry_on() -> None:
    errors: list[ParseError] = []
    records = list(parse_model(["relation Lonely", "entity a"], onError=errors.append))
    assert records == [["entity", {"name": "a"}]]
    assert [e.args[0] for e in errors] == ["relation Lonely"]


def test_unknown_statements_give_empty_records_and_a_non_entity_block_its_statement() -> None:
    assert list(parse_model(["frobnicate x"])) == [[]]
    assert list(parse_model(["relation R(a,b):", "  ignored"])) == \
        [["relation", {"entities": ["a", "b"], "name": "R"}]]


def test_erparser_sends_the_records_when_the_input_ends() -> None:
    sink = run(ERParser(), MODEL, [producerFinished()])
    assert sink.got == [RECORDS_114]
    assert [type(m) for m in sink.control] == [producerFinished]


def test_erparser_treats_shutdownmicroprocess_the_same() -> None:
    message = shutdownMicroprocess()
    sink = run(ERParser(), MODEL, [message])
    assert sink.got == [RECORDS_114] and sink.control == [message]


def test_erparser_keeps_the_last_character_of_a_line_without_line_ending() -> None:
    sink = run(ERParser(), ["entity cat\r\n", "entity dog"], [producerFinished()])
    assert sink.got == [[["entity", {"name": "cat"}], ["entity", {"name": "dog"}]]]


def test_erparser_logs_bad_statements_and_other_messages(
        caplog: pytest.LogCaptureFixture) -> None:
    target = ERParser()
    with caplog.at_level(logging.ERROR, logger=LOGGER):
        sink = run(target, ["relation Lonely\n", 42, "entity a\n"], [producerFinished()])
    assert sink.got == [[["entity", {"name": "a"}]]]
    messages = [r.getMessage() for r in caplog.records]
    assert any("'relation Lonely'" in m and target.name in m for m in messages)
    assert any("42" in m for m in messages)


def test_visualiser_sends_1_14s_commands() -> None:
    sink = run(ERModel2Visualiser(), [RECORDS_114], [producerFinished()])
    assert sink.got == COMMANDS_114
    assert [type(m) for m in sink.control] == [producerFinished]


def test_visualiser_links_each_subtype_to_its_own_supertypes_isa_node() -> None:
    nodes, links = commands(list(parse_model(["entity a(x)", "entity b(y)", "entity c(x)"])))
    assert "ADD NODE ISA1 isa auto isa" in nodes and "ADD NODE ISA2 isa auto isa" in nodes
    assert links == ["ADD LINK ISA1 e.x", "ADD LINK e.a ISA1", "ADD LINK ISA2 e.y",
                     "ADD LINK e.b ISA2", "ADD LINK e.c ISA1"]


def test_parser_and_visualiser_together_lose_nothing() -> None:
    from componentharness import Collector
    from Axon.Scheduler import scheduler
    chain = Pipeline(DataSource(MODEL), ERParser(), ERModel2Visualiser())
    sink = Collector()
    chain.link((chain, "outbox"), (sink, "inbox"))
    chain.link((chain, "signal"), (sink, "control"))
    chain.activate()
    sink.activate()
    scheduler.run.runThreads()
    assert sink.got == COMMANDS_114


def test_docstring_example(capsys: pytest.CaptureFixture[str]) -> None:
    doc = ERParsing.__doc__
    example = doc.split("::", 1)[1].split("\nprints:")[0]
    exec(textwrap.dedent(example), {})
    expected = doc.split(".. code-block:: text", 1)[1].split("\nThose")[0]
    assert capsys.readouterr().out == textwrap.dedent(expected).strip("\n") + "\n"


@settings(max_examples=300, derandomize=True, deadline=None)
@given(st.lists(st.text(st.sampled_from(" \t#:(),abentityrelationsimpleattributes"),
                        max_size=30), max_size=8))
def test_fuzz_parse_model_raises_only_parseerror(lines: list[str]) -> None:
    try:
        records = list(parse_model(lines))
    except ParseError:
        return
    for record in records:
        assert record == [] or record[0] in ("entity", "relation")
    commands(records)


def test_ERParser_past_maxsize_logs_signals_and_ends_without_records(
        caplog: pytest.LogCaptureFixture) -> None:
    assert ERParser().maxsize == 16 * 1024 * 1024
    parser = ERParser(maxsize=50)
    with caplog.at_level(logging.ERROR, logger="Kamaelia.Experimental.ERParsing"):
        sink = run(parser, ["entity a\n"] * 10, [producerFinished()])
    assert sink.got == [] and [type(m) for m in sink.control] == [producerFinished]
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1 and "maxsize=50" in errors[0]


@settings(max_examples=150, derandomize=True, deadline=None)
@given(st.lists(st.text(max_size=20) | st.sampled_from(
    ["entity", "relation", "relation r(", "entity e(x)", ":", "\ud800", "\x00", " ", "\t:"]),
    max_size=10))
def test_fuzz_parse_model_of_hostile_text_raises_only_parseerror(lines: list[str]) -> None:
    try:
        records = list(parse_model(lines))
    except ParseError:
        return
    assert all(isinstance(r, list) for r in records)
