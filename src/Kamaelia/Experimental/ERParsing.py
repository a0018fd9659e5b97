"""Parsing entity-relationship descriptions, and turning them into topology commands.

Example Usage
-------------
Parse a small model and print the commands that would draw it::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.PureTransformer import PureTransformer
    from Kamaelia.Util.Console import ConsoleEchoer
    from Kamaelia.Experimental.ERParsing import ERParser, ERModel2Visualiser

    model = ["entity Artist:\\n",
             "    simpleattributes name genre\\n",
             "entity Manager\\n",
             "relation ManagedBy(Artist,Manager)\\n"]
    Pipeline(DataSource(model), ERParser(), ERModel2Visualiser(),
             PureTransformer(lambda command: command + "\\n"),
             ConsoleEchoer()).run()

prints:

.. code-block:: text

    ADD NODE e.Artist Artist auto entity
    ADD NODE Artist.name name auto attribute
    ADD NODE Artist.genre genre auto attribute
    ADD NODE e.Manager Manager auto entity
    ADD NODE r.ManagedBy ManagedBy auto relation
    ADD LINK e.Artist Artist.name
    ADD LINK e.Artist Artist.genre
    ADD LINK e.Artist r.ManagedBy
    ADD LINK e.Manager r.ManagedBy

Those commands drive a ``TopologyViewer`` set up with particle types
``entity``, ``relation``, ``attribute`` and ``isa`` (such as
``Kamaelia.Visualisation.ER.ERVisualiserServer.ERVisualiser``).

How does it work?
-----------------
:class:`ERParser` collects the lines sent to its ``"inbox"`` (one line per
message, with or without its line ending). When ``producerFinished`` or
``shutdownMicroprocess`` arrives on ``"control"`` it parses every line it
received (including any still waiting in its inbox: 1.14 could stop before
reading them), sends the list of records out of ``"outbox"`` as one
message, then passes the shutdown message on out of ``"signal"`` and ends.

:class:`ERModel2Visualiser` collects lists of records from its ``"inbox"``.
When ``producerFinished`` or ``shutdownMicroprocess`` arrives it sends the
``ADD NODE`` commands, one message each, then the ``ADD LINK`` commands,
then passes the shutdown message on out of ``"signal"`` and ends. Each
entity ``E`` is node ``e.E``, each relation ``R`` node ``r.R``, each
attribute ``A`` of ``E`` node ``E.A``; each supertype gets one ``ISAn``
node linked to it, to which its subtypes link.

Other messages on ``"control"`` are ignored, as in 1.14. ``ERParser``
collects at most ``maxsize`` characters (16 MiB; ``None``: no limit):
past it, it logs an error naming the limit, sends ``producerFinished``
out of ``"signal"`` and ends without sending records. Parsing is linear
in the description, and raises only :class:`ParseError`.

The description format
----------------------
One statement a line; blank lines and lines starting with ``#`` are
ignored.

- ``entity NAME`` declares an entity; ``entity NAME(SUPERTYPE)`` one that is
  a subtype of another. Ending the line with ``:`` opens a block: the
  indented lines after it belong to the entity, and
  ``simpleattributes A B C`` lists its attributes.
- ``relation NAME(ENTITY,ENTITY,...)`` declares a relation between entities.

Parsed data
-----------
``parse_model(lines)`` (and :class:`ERParser`) give a list of records::

    ["entity", {"name": "person", "simpleattributes": ["female", "age"]}]
    ["entity", {"name": "mum", "subtype": "person"}]
    ["relation", {"name": "RelatedTo", "entities": ["mum", "son"]}]

A statement that is neither an entity nor a relation gives an empty list
``[]``, as in 1.14. A relation without its ``(...)`` raises ``ParseError``
(the components log it, naming the line, and carry on).

"""

from __future__ import annotations

import logging
from typing import Any, Callable, Iterable, Iterator

import Axon
from Axon.Ipc import producerFinished, shutdownMicroprocess
from Kamaelia.Support._limits import MAX_MESSAGE_SIZE, checkLimit, endOversized

__all__ = ["ParseError", "parser", "parseEntityLine", "parseRelationLine",
           "parseSimpleAttributes", "parseMultilineEntity", "parse_model",
           "ERParser", "ERModel2Visualiser", "commands"]

log = logging.getLogger("Kamaelia.Experimental.ERParsing")

Record = list[Any]


class ParseError(Exception):
    """A statement that cannot be parsed; its argument is the line."""


def parser(model_lines: Iterable[str]) -> Iterator[str]:
    """parser(lines) -> the meaningful lines, with "BLOCK" / "ENDBLOCK" around blocks

    A line ending in ":" opens a block (yielded as "BLOCK", then the line
    without its ":"); the block ends at the next line that is not indented.
    """
    block = False
    for line in model_lines:
        stripped = line.lstrip()
        if stripped == "" or stripped[0] == "#":
            continue
        if block and line[0] != " ":
            yield "ENDBLOCK"
            block = False
        if line[-1] == ":":
            yield "BLOCK"
            block = True
            line = line[:-1]
        yield line
    if block:
        yield "ENDBLOCK"


def _nameAndArguments(token: str) -> tuple[str, str] | None:
    """"name(args)" -> ("name", "args"); None if it is not of that shape."""
    if "(" in token and token[-1] == ")":
        name, _, arguments = token[:-1].partition("(")
        return name, arguments
    return None


def parseEntityLine(P: str) -> Record:
    """parseEntityLine("entity NAME[(SUPERTYPE)]") -> ["entity", {...}]"""
    toks = P.split()
    if len(toks) < 2:
        raise ParseError(P)
    entity: dict[str, Any] = {}
    name = toks[1]
    found = _nameAndArguments(name)
    if found is not None:
        name, entity["subtype"] = found
    entity["name"] = name
    return ["entity", entity]


def parseRelationLine(P: str) -> Record:
    """parseRelationLine("relation NAME(E1,E2,...)") -> ["relation", {...}]"""
    toks = P.split()
    found = _nameAndArguments(toks[1]) if len(toks) >= 2 else None
    if found is None:
        raise ParseError(P)
    name, arguments = found
    return ["relation", {"entities": arguments.split(","), "name": name}]


def parseSimpleAttributes(P: str) -> dict[str, list[str]]:
    """parseSimpleAttributes("simpleattributes A B ...") -> {"simpleattributes": [A, B, ...]}"""
    return {"simpleattributes": P.split()[1:]}


def parseMultilineEntity(X: list[str]) -> Record:
    """parseMultilineEntity(lines of an entity block, stripped) -> ["entity", {...}]"""
    record: dict[str, Any] = {}
    for P in X:
        if P[:6] == "entity":
            record.update(parseEntityLine(P)[1])
        elif P[:16] == "simpleattributes":
            record.update(parseSimpleAttributes(P))
    return ["entity", record]


def _parseStatement(P: str) -> Record:
    toks = P.split()
    if not toks:
        return []
    if toks[0] == "entity":
        return parseEntityLine(P)
    if toks[0] == "relation":
        return parseRelationLine(P)
    return []


def parse_model(model_lines: Iterable[str],
                onError: Callable[[ParseError], None] | None = None) -> Iterator[Record]:
    """parse_model(lines) -> the records described by the lines (a generator)

    - onError -- if given, called with each ``ParseError`` instead of raising
      it; parsing then carries on with the next statement
    """
    def attempt(parse: Callable[[], Record]) -> Iterator[Record]:
        try:
            yield parse()
        except ParseError as error:
            if onError is None:
                raise
            onError(error)

    inBlock = False
    block: list[str] = []
    for P in parser(model_lines):
        if P == "BLOCK":
            inBlock, block = True, []
        elif P == "ENDBLOCK":
            lines = [line.strip() for line in block]
            inBlock = False
            if lines[0][:6] == "entity":
                yield from attempt(lambda: parseMultilineEntity(lines))
            else:
                # 1.14 repeated the previous record here (or failed); a block
                # that is not an entity is read as its first statement.
                yield from attempt(lambda: _parseStatement(lines[0]))
        elif inBlock:
            block.append(P)
        else:
            yield from attempt(lambda: _parseStatement(P))


def _withoutLineEnding(line: str) -> str:
    # 1.14 dropped the last character, whatever it was.
    if line.endswith("\r\n"):
        return line[:-2]
    if line.endswith(("\n", "\r")):
        return line[:-1]
    return line


class _Collector(Axon.Component.component):
    """Collects from "inbox" until told to shut down, then produces its output."""

    Inboxes = {"inbox": "", "control": "producerFinished or shutdownMicroprocess: "
                                        "produce the output, then end"}
    Outboxes = {"outbox": "", "signal": "the shutdown message, passed on at the end"}

    def shutdown(self) -> bool:
        """Take what waits on "control"; True (and ``shutdown_mess`` set) on a shutdown."""
        while self.dataReady("control"):
            data = self.recv("control")
            if isinstance(data, (producerFinished, shutdownMicroprocess)):
                self.shutdown_mess = data
                return True
        return False

    def collect(self, message: Any) -> None:
        raise NotImplementedError

    def produce(self) -> None:
        raise NotImplementedError

    def _collectWaiting(self) -> None:
        # A method of its own, so that main holds no message while it waits.
        for message in self.Inbox("inbox"):
            self.collect(message)

    _oversized: ValueError | None = None

    def main(self) -> Iterator[Any]:
        while True:
            self._collectWaiting()
            ending = self._oversized is None and self.shutdown()
            if ending:
                self._collectWaiting()                 # what came with the shutdown
            if self._oversized is not None:
                endOversized(self, self._oversized, "maxsize", getattr(self, "maxsize", None))
                return
            if ending:
                break
            self.pause()
            yield 1
        self.produce()
        yield 1
        yield 1
        self.send(self.shutdown_mess, "signal")


class ERParser(_Collector):
    """ERParser(maxsize=16 MiB) -> component parsing entity-relationship lines; sends the records when shut down

    - maxsize -- the longest description collected, in characters (None: no
      limit); past it the component logs an error naming the limit, sends
      ``producerFinished`` out of ``"signal"`` and ends, sending no records

    Send the description to "inbox", one line per message; when
    producerFinished arrives on "control", the list of records leaves
    through "outbox".
    """

    Inboxes = {"inbox": "lines of an entity-relationship description (str)",
               "control": "producerFinished or shutdownMicroprocess: send the records, "
                          "then end"}
    Outboxes = {"outbox": "the list of parsed records, once",
                "signal": "the shutdown message, passed on at the end"}

    def __init__(self, maxsize: int | None = MAX_MESSAGE_SIZE, **argd: Any) -> None:
        super().__init__(**argd)
        self.maxsize = checkLimit("ERParser", "maxsize", maxsize)
        self.lines: list[str] = []
        self._size = 0

    def collect(self, message: Any) -> None:
        if self._oversized is not None:
            return
        if isinstance(message, str):
            self._size += len(message)
            if self.maxsize is not None and self._size > self.maxsize:
                self.lines = []
                self._oversized = ValueError(f"the description is longer than "
                                             f"maxsize={self.maxsize} characters")
                return
            self.lines.append(_withoutLineEnding(message))
        else:
            log.error("%s skipped a message that is not a line of text: %.200r",
                      self.name, message)

    def produce(self) -> None:
        def report(error: ParseError) -> None:
            log.error("%s could not parse %r; it is left out", self.name, error.args[0])
        self.send(list(parse_model(self.lines, onError=report)), "outbox")


class ERModel2Visualiser(_Collector):
    """ERModel2Visualiser() -> component turning parsed ER records into TopologyViewer commands

    Send lists of records (ERParser's output) to "inbox"; when
    producerFinished arrives on "control", the commands leave through
    "outbox", one per message.
    """

    Inboxes = {"inbox": "lists of parsed entity-relationship records",
               "control": "producerFinished or shutdownMicroprocess: send the commands, "
                          "then end"}
    Outboxes = {"outbox": "'ADD NODE ...' then 'ADD LINK ...' commands, one per message",
                "signal": "the shutdown message, passed on at the end"}

    def __init__(self, **argd: Any) -> None:
        super().__init__(**argd)
        self.records: list[Any] = []

    def collect(self, message: Any) -> None:
        try:
            self.records.extend(message)
        except TypeError:
            log.error("%s skipped a message that is not a list of records: %.200r",
                      self.name, message)

    def produce(self) -> None:
        nodes, links = commands(self.records)
        for command in nodes + links:
            self.send(command, "outbox")


def commands(records: Iterable[Any]) -> tuple[list[str], list[str]]:
    """The ADD NODE and ADD LINK commands drawing ``records`` (ERModel2Visualiser's output)."""
    nodes: list[str] = []
    links: list[str] = []
    isaNodes: dict[str, str] = {}
    for item in records:
        if not item:
            continue
        kind, details = item[0], item[1]
        if kind == "relation":
            relationID = "r." + details["name"]
            nodes.append("ADD NODE %s %s auto relation" % (relationID, details["name"]))
            for entity in details["entities"]:
                links.append("ADD LINK %s %s" % ("e." + entity, relationID))
        elif kind == "entity":
            name = details["name"]
            entityID = "e." + name
            nodes.append("ADD NODE %s %s auto entity" % (entityID, name))
            supertype = details.get("subtype")
            if supertype:
                if supertype not in isaNodes:
                    isa = isaNodes[supertype] = "ISA%d" % (len(isaNodes) + 1)
                    nodes.append("ADD NODE %s isa auto isa" % isa)
                    links.append("ADD LINK %s %s" % (isa, "e." + supertype))
                # 1.14 linked to the newest ISA node, whichever supertype it was for.
                links.append("ADD LINK %s %s" % (entityID, isaNodes[supertype]))
            for attribute in details.get("simpleattributes") or ():
                nodeName = name + "." + attribute
                nodes.append("ADD NODE %s %s auto attribute" % (nodeName, attribute))
                links.append("ADD LINK %s %s" % (entityID, nodeName))
    return nodes, links


__kamaelia_components__ = (ERParser, ERModel2Visualiser)
