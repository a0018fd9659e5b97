"""Reading "slides" out of an XML file, one on demand (experimental in 1.14).

Example Usage
-------------
Print the text of each ``<slide>`` element of a document::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.PureTransformer import PureTransformer
    from Kamaelia.Util.Console import ConsoleEchoer
    from Kamaelia.Support.Data.Experimental import GraphSlideXMLComponent

    document = "<show><slide>ADD NODE a</slide><slide>ADD NODE b</slide></show>"
    Pipeline(DataSource([document]), GraphSlideXMLComponent(),
             PureTransformer(lambda slide: slide + "\\n"), ConsoleEchoer()).run()

prints ``ADD NODE a`` and ``ADD NODE b``.

``onDemandGraphFileParser_Prefab(filename)`` reads such a file and sends one
slide each time ``"NEXT"`` arrives on its ``"inbox"`` (for a topology
visualiser that steps through graphs).

How does it work?
-----------------
:class:`GraphSlideXMLParser` is a SAX content handler: it gathers the text
inside each ``<slide>`` element and calls ``newSlide("slide", text)`` at
its end tag, and ``documentDone()`` at the end of the document; both do
nothing unless overridden.

:class:`GraphSlideXMLComponent` is such a handler fed by its ``"inbox"``
(chunks of XML, ``str`` or ``bytes``) through the standard library's
incremental parser; each slide leaves through ``"outbox"``. On
``producerFinished`` on ``"control"`` it parses what is waiting, finishes
the document, passes the message on out of ``"signal"`` and ends; on
``shutdownMicroprocess`` it passes it on and ends at once (1.14 ignored
it). Malformed XML is logged (with line and column) and the rest of the
input is not parsed; the slides before it are sent. Other control messages
are logged and ignored. A markup token longer than ``maxtokensize``
(64 KiB) ends it, as for :class:`~Kamaelia.XML.SimpleXMLParser.SimpleXMLParser`,
whose linear-time feeding it shares; a slide's text is joined once, at its
end.

``onDemandGraphFileParser_Prefab(filename)`` is a Graphline of a
``ReadFileAdaptor`` reading the file, a ``GraphSlideXMLComponent`` and an
``OnDemandLimit`` that lets one slide through per ``"NEXT"`` on the
Graphline's ``"inbox"``; its ``"control"``, ``"outbox"`` and ``"signal"`` are
the ``OnDemandLimit``'s.
"""

from __future__ import annotations

import logging
from typing import Any, Iterator
from xml.sax import SAXParseException, handler

import Axon
from Axon.Ipc import producerFinished, shutdownMicroprocess
from Kamaelia.Chassis.Graphline import Graphline
from Kamaelia.File.ReadFileAdaptor import ReadFileAdaptor
from Kamaelia.Util.RateFilter import OnDemandLimit
from Kamaelia.Support._limits import MAX_LINE_LENGTH, checkLimit, endOversized
from Kamaelia.XML.SimpleXMLParser import (IncrementalFeeder, TokenTooLarge, describeParseError,
                                          newIncrementalParser)

__all__ = ["GraphSlideXMLParser", "GraphSlideXMLComponent", "onDemandGraphFileParser_Prefab"]

log = logging.getLogger("Kamaelia.Support.Data.Experimental")


class GraphSlideXMLParser(handler.ContentHandler):
    """GraphSlideXMLParser() -> SAX handler calling newSlide(tag, text) for each <slide>"""

    def __init__(self) -> None:
        handler.ContentHandler.__init__(self)
        self.inslide = False
        self._slide: list[str] = []     # the text so far, in pieces (joined once)

    @property
    def current_slide(self) -> str:
        """The text of the slide being read (1.14's attribute)."""
        if len(self._slide) > 1:
            self._slide[:] = ["".join(self._slide)]
        return self._slide[0] if self._slide else ""

    @current_slide.setter
    def current_slide(self, text: str) -> None:
        self._slide = [text] if text else []

    def startElement(self, name: str, attrs: Any) -> None:
        if name == "slide":
            self.inslide = True
            self._slide = []

    def characters(self, chars: str) -> None:
        if self.inslide:
            self._slide.append(chars)

    def endElement(self, name: str) -> None:
        if name == "slide":
            self.inslide = False
            slide = self.current_slide
            self._slide = []
            self.newSlide(name, slide)

    def endDocument(self) -> None:
        self.documentDone()

    def newSlide(self, tag: str, slide: str) -> None:
        """A complete slide: override to use it."""

    def documentDone(self) -> None:
        """The end of the document: override to act on it."""


class GraphSlideXMLComponent(Axon.Component.component, GraphSlideXMLParser):
    """GraphSlideXMLComponent(maxtokensize=65536) -> component sending the text of each <slide> in the XML it gets

    - maxtokensize -- the longest tag, comment or other markup token, in
      bytes (None: no limit); past it the component logs an error naming
      the limit, sends ``producerFinished`` out of ``"signal"`` and ends
    """

    Inboxes = {"inbox": "chunks of XML text (str or bytes)",
               "control": "producerFinished (finish the document) or "
                          "shutdownMicroprocess (stop now)"}
    Outboxes = {"outbox": "the text of each slide",
                "signal": "the shutdown message, passed on at the end"}

    def __init__(self, maxtokensize: int | None = MAX_LINE_LENGTH) -> None:
        super().__init__()
        GraphSlideXMLParser.__init__(self)
        self.maxtokensize = checkLimit("GraphSlideXMLComponent", "maxtokensize", maxtokensize)
        self.error: SAXParseException | None = None
        self._oversized: TokenTooLarge | None = None

    def newSlide(self, _: str, slide: str) -> None:
        self.send(slide, "outbox")

    def main(self) -> Iterator[Any]:
        parser = newIncrementalParser(self)
        feeder = IncrementalFeeder(parser, self.maxtokensize)
        while True:
            while self.dataReady("inbox") and self._oversized is None:
                self._feed(feeder, self.recv("inbox"), not self.dataReady("inbox"))
            if self._oversized is not None:
                endOversized(self, self._oversized, "maxtokensize", self.maxtokensize)
                return
            if self._handleControl(parser, feeder):
                return
            self.pause()
            yield 1

    def _handleControl(self, parser: Any, feeder: IncrementalFeeder) -> bool:
        """Act on "control"; True if the component is to end (having said so on "signal")."""
        while self.dataReady("control"):
            message = self.recv("control")
            if isinstance(message, producerFinished):
                while self.dataReady("inbox") and self._oversized is None:
                    self._feed(feeder, self.recv("inbox"), not self.dataReady("inbox"))
                if self.error is None and self._oversized is None:
                    try:
                        feeder.flush()
                        parser.close()
                    except SAXParseException as error:
                        self._failed(error)
                    except TokenTooLarge as error:
                        self._oversized = error
                if self._oversized is not None:
                    endOversized(self, self._oversized, "maxtokensize", self.maxtokensize)
                    return True
                self.send(message, "signal")
                return True
            if isinstance(message, shutdownMicroprocess):
                self.send(message, "signal")
                return True
            log.warning("%s ignored an unexpected message on 'control': %r",
                        self.name, message)
        return False

    def _feed(self, feeder: IncrementalFeeder, data: Any, endOfTurn: bool) -> None:
        if not isinstance(data, (str, bytes, bytearray)):
            log.error("%s skipped a message that is not XML text: %.200r", self.name, data)
            return
        if self.error is not None:
            return
        try:
            feeder.feed(data, endOfTurn)
        except SAXParseException as error:
            self._failed(error)
        except TokenTooLarge as error:
            self._oversized = error

    def _failed(self, error: SAXParseException) -> None:
        self.error = error
        log.error("%s: malformed XML at %s; the rest of the input is not parsed",
                  self.name, describeParseError(error))


def onDemandGraphFileParser_Prefab(filename: str) -> Graphline:
    """onDemandGraphFileParser_Prefab(filename) -> Graphline sending one slide of the
    file per "NEXT" on its inbox"""
    return Graphline(
        FILEREAD=ReadFileAdaptor(filename),
        PARSER=GraphSlideXMLComponent(),
        CONTROL=OnDemandLimit(),
        linkages={
            ("FILEREAD", "outbox"): ("PARSER", "inbox"),
            ("FILEREAD", "signal"): ("PARSER", "control"),
            ("PARSER", "outbox"): ("CONTROL", "inbox"),
            ("PARSER", "signal"): ("CONTROL", "control"),
            ("self", "inbox"): ("CONTROL", "slidecontrol"),
            ("self", "control"): ("CONTROL", "control"),
            ("CONTROL", "outbox"): ("self", "outbox"),
            ("CONTROL", "signal"): ("self", "signal"),
        })


__kamaelia_components__ = (GraphSlideXMLComponent,)
__kamaelia_prefabs__ = (onDemandGraphFileParser_Prefab,)
