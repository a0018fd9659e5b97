"""A Carousel: a new child for each chapter of a book, one after another.

    printf '# Arrival\\nThe train was late.\\nIt rained.\\n# Departure\\nThe sun came out.\\n' \\
        | python examples/carousel_chapters.py

prints::

    == Chapter 1: Arrival ==
      1. The train was late.
      2. It rained.
    == Chapter 2: Departure ==
      1. The sun came out.

Lines starting with ``# `` begin a chapter (lines before the first make a
"Prologue"). ``Chapters`` collects the text
and then answers each ``"NEXT"`` it is sent with the next chapter. The
Carousel asks for the first chapter as it starts (``make1stRequest=True``),
makes a child for each chapter it is given (``showChapter``, the
``componentFactory``), passes that child's output on, and asks for the next
chapter as soon as the child has finished. When ``Chapters`` has no more, it
sends ``producerFinished``, which ends the Carousel, which passes it on to
the echoer, and the program ends.

Each child is itself a small system: a ``Seq`` that first sends the heading,
then runs a ``Pipeline`` numbering the chapter's lines.
"""
from itertools import count
from typing import Iterator

from Axon.Component import component
from Axon.Ipc import producerFinished, shutdownMicroprocess, shutdownRequest
from Kamaelia.Chassis.Carousel import Carousel
from Kamaelia.Chassis.Graphline import Graphline
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.Chassis.Seq import Seq
from Kamaelia.Util.Console import ConsoleEchoer, ConsoleReader
from Kamaelia.Util.DataSource import DataSource
from Kamaelia.Util.PureTransformer import PureTransformer

EXAMPLE_STDIN = ("# Arrival\nThe train was late.\nIt rained.\n"
                 "# Departure\nThe sun came out.\n")
EXAMPLE_EXPECT = ("== Chapter 1: Arrival ==\n"
                  "  1. The train was late.\n"
                  "  2. It rained.\n"
                  "== Chapter 2: Departure ==\n"
                  "  1. The sun came out.\n")


#: A chapter: (number, title, its lines).
Chapter = tuple[int, str, list[str]]


class Chapters(component):
    """Collects the text into chapters; then answers each "NEXT" with the next one."""

    Inboxes = {"inbox": '"NEXT": send the next chapter',
               "lines": "the text, a line at a time",
               "control": "producerFinished: the text is complete"}
    Outboxes = {"outbox": "chapters, as (number, title, lines)",
                "signal": "producerFinished when asked for more than there are"}

    def main(self) -> Iterator[int]:
        chapters: list[Chapter] = []
        while True:                              # read the whole text first
            end = shutdownRequest(self)
            for line in self.Inbox("lines"):
                heading = line.startswith("# ")
                if heading or not chapters:
                    title = line[2:].strip() if heading else "Prologue"
                    chapters.append((len(chapters) + 1, title, []))
                if not heading:
                    chapters[-1][2].append(line)
            if end is not None:
                break
            self.pause()                         # "NEXT" requests wait in "inbox"
            yield 1
        if isinstance(end, shutdownMicroprocess):
            self.send(end, "signal")
            return
        while True:                              # then serve the chapters
            for request in self.Inbox("inbox"):
                if request != "NEXT":
                    continue
                if not chapters:
                    self.send(producerFinished(self), "signal")
                    return
                self.send(chapters.pop(0), "outbox")
            request = shutdownRequest(self)
            if request is not None:
                self.send(request, "signal")    # pass it on, then end
                return
            self.pause()
            yield 1


def showChapter(chapter: Chapter) -> Seq:
    """The Carousel's componentFactory: a new child for each chapter."""
    number, title, lines = chapter
    numbering = count(1)
    return Seq(
        DataSource([f"== Chapter {number}: {title} ==\n"]),
        Pipeline(
            DataSource(lines),
            PureTransformer(lambda line: f"  {next(numbering)}. {line}"),
        ),
    )


if __name__ == "__main__":
    Graphline(
        READER=ConsoleReader(),
        BOOK=Chapters(),
        SHOW=Carousel(showChapter, make1stRequest=True),
        OUT=ConsoleEchoer(),
        linkages={
            ("READER", "outbox"): ("BOOK", "lines"),
            ("READER", "signal"): ("BOOK", "control"),
            ("SHOW", "requestNext"): ("BOOK", "inbox"),
            ("BOOK", "outbox"): ("SHOW", "next"),
            ("BOOK", "signal"): ("SHOW", "control"),
            ("SHOW", "outbox"): ("OUT", "inbox"),
            ("SHOW", "signal"): ("OUT", "control"),
        },
    ).run()
