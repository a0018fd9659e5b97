"""Console input and output components.

Example Usage
-------------
Echo back what is typed, until end of input (Ctrl-D, or the end of a pipe)::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Util.Console import ConsoleReader, ConsoleEchoer

    Pipeline(ConsoleReader(), ConsoleEchoer()).run()

and ``printf 'hello\\nworld\\n' | python echo.py`` prints ``hello`` and
``world`` and exits.

ConsoleReader
-------------
``ConsoleReader(prompt=">>> ", eol="\\n")`` reads standard input line by line
in its own thread and sends each line, with its line ending replaced by
``eol``, out of ``"outbox"``. The prompt is shown only when standard input is
a terminal, so piped input produces clean output.

At end of input it waits until the next component has *taken* every line it
sent (so a component that checks ``"control"`` before ``"inbox"`` loses
nothing), then sends ``producerFinished`` out of ``"signal"`` and ends. A
``producerFinished`` or ``shutdownMicroprocess`` arriving on its ``"control"``
makes it stop reading and pass the message on out of ``"signal"`` (its
``shutdown()`` method, as in 1.14, checks for one); it is noticed between
lines (a read already waiting for input cannot be
interrupted, which is why the reading thread is a daemon).

ConsoleEchoer
-------------
``ConsoleEchoer(forwarder=False, use_repr=False, tag="")`` writes each
message from ``"inbox"`` to standard output, after ``tag``: strings as they
are, other objects through ``str`` (or ``repr`` with ``use_repr=True``; the
function used is its ``serialise`` attribute, as in 1.14). No newline is
added: pair it with ``ConsoleReader``'s ``eol``, send lines that end in one,
or use ``tag="\n"`` to start each message on a new line. With
``forwarder=True`` it also sends each message on out of ``"outbox"``.

On ``producerFinished`` or ``shutdownMicroprocess`` arriving on ``"control"``
it first writes everything already in ``"inbox"``, then sends that same
message out of ``"signal"`` and ends. Other messages on ``"control"`` are
logged and ignored.
"""

from __future__ import annotations

import sys
from typing import Any, Callable, Iterator

from Axon.Component import component
from Axon.Ipc import producerFinished
from Axon.ThreadedComponent import threadedcomponent
from Kamaelia._shutdown import shutdownRequest

__all__ = ["ConsoleReader", "ConsoleEchoer"]


class ConsoleReader(threadedcomponent):
    """ConsoleReader(prompt=">>> ", eol="\\n") -> reads lines from standard input

    - prompt -- shown before each line when standard input is a terminal
    - eol    -- put at the end of each line sent, in place of its line ending
    """

    Inboxes = {"inbox": "not used",
               "control": "producerFinished or shutdownMicroprocess to stop reading"}
    Outboxes = {"outbox": "lines read from standard input",
                "signal": "producerFinished at end of input"}

    def __init__(self, prompt: str = ">>> ", eol: str = "\n", **argd: Any) -> None:
        super().__init__(**argd)
        self.prompt = prompt
        self.eol = eol

    def main(self) -> None:
        stdin = sys.stdin
        interactive = stdin.isatty()
        while True:
            if self.shutdown():
                return
            if interactive and self.prompt:
                sys.stdout.write(self.prompt)
                sys.stdout.flush()
            line = stdin.readline()
            if not line:
                break
            self.send(line.rstrip("\r\n") + self.eol, "outbox", block=True)
            del line        # sent: not kept while blocked reading the next one
        self.waitForConsumer("outbox")
        self.send(producerFinished(self), "signal")

    def shutdown(self) -> bool:
        """True if a shutdown message waited on "control" (it is passed on out
        of "signal"); other control messages are logged and dropped."""
        stop = shutdownRequest(self)
        if stop is None:
            return False
        self.send(stop, "signal")
        return True


class ConsoleEchoer(component):
    """ConsoleEchoer(forwarder=False, use_repr=False, tag="") -> writes messages to standard output

    - forwarder -- also send each message on out of "outbox"
    - use_repr  -- write ``repr(message)`` instead of ``str(message)``
    - tag       -- text written before each message
    """

    Inboxes = {"inbox": "messages to write to standard output",
               "control": "producerFinished or shutdownMicroprocess to end"}
    Outboxes = {"outbox": "the messages, if forwarder is set",
                "signal": "the shutdown message, passed on when ending"}

    forwarder = False
    use_repr = False
    tag = ""

    def __init__(self, forwarder: bool = False, use_repr: bool = False, tag: str = "",
                 **argd: Any) -> None:
        super().__init__(**argd)
        self.forwarder = forwarder
        self.use_repr = use_repr
        if not isinstance(tag, str):
            raise TypeError(f"ConsoleEchoer: tag must be a str, not {tag!r}")
        self.tag = tag
        #: How a message becomes text (1.14's attribute): ``repr`` or ``str``.
        self.serialise: Callable[[Any], str] = repr if use_repr else str

    def main(self) -> Iterator[Any]:
        while True:
            if self.dataReady("inbox"):
                self._write(self.Inbox("inbox"))
            request = shutdownRequest(self)
            if request is not None:
                self._write(self.Inbox("inbox"))
                self.send(request, "signal")
                return
            if not self.anyReady():
                self.pause()
            yield 1

    def _write(self, messages: Iterator[Any]) -> None:
        out = sys.stdout
        serialise, tag = self.serialise, self.tag
        for message in messages:
            out.write(tag + serialise(message))
            if self.forwarder:
                self.send(message, "outbox")
        out.flush()


__kamaelia_components__ = (ConsoleReader, ConsoleEchoer)
