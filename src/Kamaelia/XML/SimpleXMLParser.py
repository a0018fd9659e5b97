"""SimpleXMLParser: XML text in, SAX events (documents, elements, text) out.

Example Usage
-------------
Print the events of a small document::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.PureTransformer import PureTransformer
    from Kamaelia.Util.Console import ConsoleEchoer
    from Kamaelia.XML.SimpleXMLParser import SimpleXMLParser

    Pipeline(DataSource(['<edit frame="25">', 'cut</edit>']),
             SimpleXMLParser(),
             PureTransformer(lambda e: f"{e[0]} {e[1:2]}\\n"),
             ConsoleEchoer()).run()

prints ``document ()``, ``element ('edit',)``, ``chars ('cut',)``,
``/element ('edit',)`` and ``/document ()``, one a line.

What does it send?
------------------
Tuples whose first item says what was found (1.14's messages, unchanged):

- ``("document",)`` -- the document has started;
- ``("element", name, attrs)`` -- a start tag; ``attrs`` is the SAX
  attributes object, which works like a read-only dict of attribute names
  to values (``attrs["frame"] == "25"``);
- ``("chars", text)`` -- text inside the document. The text of one element
  may come as several fragments (the parser splits it where the input
  chunks were split, and around newlines); whitespace is included;
- ``("/element", name)`` -- an end tag (``<b/>`` gives a start and an end);
- ``("/document",)`` -- the document has ended: sent when the component is
  told the input is finished (``producerFinished``), not on
  ``shutdownMicroprocess``.

How does it work?
-----------------
Send the XML text to ``"inbox"`` in chunks of any size, as ``str`` or
``bytes`` (bytes are decoded as the document's declared encoding, UTF-8 by
default); chunks may split tags and characters anywhere. The chunks are
fed to the standard library's incremental SAX parser (expat), for which
this component is the content handler: its ``startDocument``,
``startElement``, ``characters``, ``endElement`` and ``endDocument``
methods queue the messages above (override them in a subclass to send
something else), and ``main`` sends them out of ``"outbox"`` in order.

If the destination is a size-limited inbox that is full, it waits (without
busy waiting) until there is room, so nothing is lost (``safesend``).

Malformed XML: the messages for everything before the error are sent, the
error is logged (logger ``Kamaelia.XML.SimpleXMLParser``) with the line,
column and what was wrong, and kept in the ``error`` attribute (the
``xml.sax.SAXParseException``). The parser cannot go on past a
well-formedness error, so the rest of that input is not parsed: how much was
skipped is logged when the component ends. Input that ends inside the
document (unclosed elements) is reported the same way when
``producerFinished`` arrives. Anything other than ``str`` or ``bytes`` on
``"inbox"`` is logged and skipped. The component never fails on bad input
(1.14 raised the parser's exception and died). External entities and DTDs
are not fetched.

Limits and hostile input
------------------------
``SimpleXMLParser(maxtokensize=65536)``: expat must hold a tag, comment,
processing instruction or entity reference whole before it can report
it; one longer than ``maxtokensize`` bytes (``None``: no limit) ends the
component: the reason is logged as an error naming the limit,
``producerFinished`` goes out of ``"signal"`` and it stops (on a network
connection, that closes it). Text is reported as it arrives, so long text
is not limited.

Expat reads such an unfinished token again from its start each time it is
given more data, so feeding it a long token in many small pieces costs
time quadratic in the token. To keep the cost linear, once expat holds
more than 4 KiB of an unfinished token, new input is held back and given
to it only when as much again has arrived, or -- at most 8 times per
token, so that a tag ending in a small piece is not delayed -- when a
turn's input holds a ``>`` or ``;`` that may end it, or when the input
ends. Text that cannot be encoded as UTF-8 (a lone surrogate) is
malformed XML like any other.

Shutdown
--------
On ``producerFinished`` on ``"control"`` it parses what is waiting in
``"inbox"``, finishes the document (sending ``("/document",)``), sends the
remaining messages, then passes the ``producerFinished`` on out of
``"signal"`` and ends. On ``shutdownMicroprocess`` it stops at once, sends
nothing more out of ``"outbox"`` and passes that message on out of
``"signal"``. A ``shutdownMicroprocess`` arriving after a
``producerFinished`` still stops it at once. Other control messages are
logged and ignored.
"""

from __future__ import annotations

import logging
from collections import deque
from typing import Any, Iterator
from xml.sax import SAXException, SAXParseException, handler, make_parser

from Axon.AxonExceptions import noSpaceInBox
from Axon.Component import component
from Axon.Ipc import producerFinished, shutdownMicroprocess
from Kamaelia.Support._limits import MAX_LINE_LENGTH, checkLimit, endOversized

__all__ = ["SimpleXMLParser", "TokenTooLarge", "IncrementalFeeder"]

#: Once expat holds this much of an unfinished token, input is held back (see above).
_STUCK = 4096
#: How many times per token held-back input is given early, for a ">" or ";".
_EARLY_FEEDS = 8


class TokenTooLarge(ValueError):
    """A tag, comment or other markup token longer than ``maxtokensize``."""

log = logging.getLogger("Kamaelia.XML.SimpleXMLParser")


def newIncrementalParser(contentHandler: handler.ContentHandler) -> Any:
    """A standard library (expat) incremental SAX parser that never fetches anything."""
    parser = make_parser()
    parser.setFeature(handler.feature_external_ges, False)
    parser.setFeature(handler.feature_external_pes, False)
    parser.setContentHandler(contentHandler)
    return parser


class IncrementalFeeder:
    """IncrementalFeeder(parser, maxtokensize=65536) -> gives input to an incremental expat parser, in linear time

    - parser       -- an ``xml.sax`` expat parser (:func:`newIncrementalParser`)
    - maxtokensize -- the longest unfinished token expat may hold, in bytes
      (None: no limit)

    ``feed(data, endOfTurn=True)`` takes the next piece (str or bytes);
    ``endOfTurn`` says no more input is waiting right now (held-back input
    may be given then: see the module docstring). ``flush()`` gives
    everything held back (call it before ``parser.close()``). Both raise
    ``SAXParseException`` for malformed XML (text that is not UTF-8
    encodable included) and :class:`TokenTooLarge` past ``maxtokensize``.
    """

    __slots__ = ("parser", "maxtokensize", "_fed", "_held", "_heldSize", "_heldEnds", "_early")

    def __init__(self, parser: Any, maxtokensize: int | None = MAX_LINE_LENGTH) -> None:
        self.parser = parser
        self.maxtokensize = checkLimit("IncrementalFeeder", "maxtokensize", maxtokensize)
        self._fed = 0                           # bytes given to expat
        self._held: list[Any] = []              # input held back
        self._heldSize = 0
        self._heldEnds = False                  # whether it holds a ">" or ";"
        self._early = 0                         # early feeds for the current token

    def feed(self, data: Any, endOfTurn: bool = True) -> None:
        if isinstance(data, str):
            try:
                size = len(data.encode("utf-8"))
            except UnicodeEncodeError as exc:
                raise SAXParseException(f"text that is not UTF-8 encodable: {exc}", exc,
                                        self.parser) from None
        else:
            data = bytes(data)
            size = len(data)
        self._held.append(data)
        self._heldSize += size
        if not self._heldEnds:
            self._heldEnds = (">" in data or ";" in data) if isinstance(data, str) \
                else (b">" in data or b";" in data)
        pending = self._pending()
        if pending >= _STUCK:
            limit = self.maxtokensize
            if limit is not None and pending + self._heldSize > limit:
                self._tooLarge(pending + self._heldSize)
            if not endOfTurn:
                return
            if self._heldSize < pending:
                if self._early >= _EARLY_FEEDS or not self._heldEnds:
                    return
                self._early += 1
        self.flush()

    def _pending(self) -> int:
        """Bytes expat holds of a token it has not finished."""
        expat = getattr(self.parser, "_parser", None)
        return 0 if expat is None else self._fed - expat.CurrentByteIndex

    def flush(self) -> None:
        """Give expat everything held back."""
        held, self._held, self._heldSize, self._heldEnds = self._held, [], 0, False
        if not held:
            return
        before = self._pending()
        start = 0
        for end in range(1, len(held) + 1):
            if end == len(held) or type(held[end]) is not type(held[start]):
                data = held[start][:0].join(held[start:end])
                start = end
                self._fed += len(data) if not isinstance(data, str) else \
                    len(data.encode("utf-8"))
                self.parser.feed(data)
        pending = self._pending()
        if pending < before or pending < _STUCK:
            self._early = 0                     # a token was finished
        limit = self.maxtokensize
        if limit is not None and pending > limit:
            self._tooLarge(pending)

    def _tooLarge(self, size: int) -> None:
        self._held, self._heldSize, self._heldEnds = [], 0, False
        raise TokenTooLarge(
            f"the XML holds a token (a tag, comment or the like) of more than {size} bytes, "
            f"longer than maxtokensize={self.maxtokensize}")


def describeParseError(error: SAXParseException) -> str:
    return (f"line {error.getLineNumber()}, column {error.getColumnNumber()}: "
            f"{error.getMessage()}")


class SimpleXMLParser(component, handler.ContentHandler):
    """SimpleXMLParser() -> new SimpleXMLParser component

    Send chunks of XML text to "inbox"; SAX events describing the document,
    its elements and its text come out of "outbox".
    """

    Inboxes = {"inbox": "chunks of XML text (str or bytes)",
               "control": "producerFinished (finish the document) or "
                          "shutdownMicroprocess (stop now)"}
    Outboxes = {"outbox": "XML events: ('document',), ('element', name, attrs), "
                          "('chars', text), ('/element', name), ('/document',)",
                "signal": "the shutdown message received, passed on at the end"}

    def __init__(self, maxtokensize: int | None = MAX_LINE_LENGTH) -> None:
        super().__init__()
        self.maxtokensize = checkLimit("SimpleXMLParser", "maxtokensize", maxtokensize)
        self._locator = None                    # what ContentHandler() would set
        self.waitingEvents: deque[tuple[Any, ...]] = deque()
        self.shutdownMsg: Any = None
        self.documentStarted = False
        self.error: SAXParseException | None = None
        self._skipped = 0
        self._oversized: TokenTooLarge | None = None

    # ------------------------------------------------------------ control
    def checkShutdown(self) -> str | None:
        """Take what waits on "control"; "NOW" (shutdownMicroprocess seen),
        "WHENEVER" (producerFinished seen) or None.

        A shutdownMicroprocess always wins over a producerFinished.
        """
        while self.dataReady("control"):
            message = self.recv("control")
            if isinstance(message, shutdownMicroprocess):
                self.shutdownMsg = message
            elif isinstance(message, producerFinished):
                if self.shutdownMsg is None:
                    self.shutdownMsg = message
            else:
                log.warning("%s ignored an unexpected message on 'control': %r",
                            self.name, message)
        if isinstance(self.shutdownMsg, shutdownMicroprocess):
            return "NOW"
        if self.shutdownMsg is not None:
            return "WHENEVER"
        return None

    # --------------------------------------------------------------- main
    def main(self) -> Iterator[Any]:
        self.parser = newIncrementalParser(self)
        self.feeder = IncrementalFeeder(self.parser, self.maxtokensize)
        while True:
            state = self.checkShutdown()
            if state == "NOW":
                break
            if self.dataReady("inbox"):
                self._feed(self.recv("inbox"), endOfTurn=not self.dataReady("inbox"))
                yield from self._sendWaiting()
                if self._oversized is not None:
                    endOversized(self, self._oversized, "maxtokensize", self.maxtokensize)
                    return
                continue
            if state == "WHENEVER":
                break
            self.pause()
            yield 1

        if self.checkShutdown() == "WHENEVER":
            self._close()
            yield from self._sendWaiting()
            if self._oversized is not None:
                endOversized(self, self._oversized, "maxtokensize", self.maxtokensize)
                return
        if self._skipped:
            log.error("%s did not parse the %d characters (or bytes) of input that came "
                      "after the malformed XML (%s)",
                      self.name, self._skipped, describeParseError(self.error))  # type: ignore[arg-type]
        self.send(self.shutdownMsg, "signal")

    def _feed(self, data: Any, endOfTurn: bool = True) -> None:
        if not isinstance(data, (str, bytes, bytearray)):
            log.error("%s skipped a message that is not XML text (str or bytes): %.200r",
                      self.name, data)
            return
        if self.error is not None or self._oversized is not None:
            self._skipped += len(data)
            return
        try:
            self.feeder.feed(data, endOfTurn)
        except SAXParseException as error:
            self._failed(error)
        except TokenTooLarge as error:
            self._oversized = error
        except SAXException as error:          # not expected from expat, but be safe
            log.error("%s: XML parser failed: %s", self.name, error)

    def _close(self) -> None:
        if self.error is not None or self._oversized is not None:
            return
        try:
            self.feeder.flush()
        except SAXParseException as error:
            self._failed(error)
            return
        except TokenTooLarge as error:
            self._oversized = error
            return
        if not self.documentStarted:
            return
        try:
            self.parser.close()
        except SAXParseException as error:
            self._failed(error, atEnd=True)

    def _failed(self, error: SAXParseException, atEnd: bool = False) -> None:
        self.error = error
        if atEnd:
            log.error("%s: the XML ended before the document was complete (%s)",
                      self.name, describeParseError(error))
        else:
            log.error("%s: malformed XML at %s; the rest of the input is not parsed",
                      self.name, describeParseError(error))

    def _sendWaiting(self) -> Iterator[Any]:
        events = self.waitingEvents
        while events:
            yield from self.safesend(events.popleft(), "outbox")
            if self.checkShutdown() == "NOW":
                return

    def safesend(self, data: Any, boxname: str) -> Iterator[Any]:
        """Generator: send ``data`` out of ``boxname``, waiting while the
        destination is full. Returns early (data not sent) if told to stop NOW."""
        while True:
            try:
                self.send(data, boxname)
                return
            except noSpaceInBox:
                if self.checkShutdown() == "NOW":
                    return
                self.pause()            # woken when the consumer takes a message
                yield 1

    # ------------------------------------------------- SAX content handler
    def startDocument(self) -> None:
        self.documentStarted = True
        self.waitingEvents.append(("document",))

    def startElement(self, name: str, attrs: Any) -> None:
        self.waitingEvents.append(("element", name, attrs))

    def characters(self, chars: str) -> None:
        self.waitingEvents.append(("chars", chars))

    def endElement(self, name: str) -> None:
        self.waitingEvents.append(("/element", name))

    def endDocument(self) -> None:
        self.waitingEvents.append(("/document",))


__kamaelia_components__ = (SimpleXMLParser,)
