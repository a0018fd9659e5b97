"""An interactive Python interpreter, as components: for poking at a running system.

Example Usage
-------------
An interpreter on the console (type Python; Ctrl-D ends it)::

    from Kamaelia.Experimental.PythonInterpreter import StandaloneInterpreter
    StandaloneInterpreter().run()

The same, as a transformer between other components (here the console, but
a pygame ``Textbox``/``TextDisplayer`` pair or a network connection work the
same way)::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Util.Console import ConsoleReader, ConsoleEchoer
    from Kamaelia.Experimental.PythonInterpreter import InterpreterTransformer

    Pipeline(ConsoleReader(), InterpreterTransformer(), ConsoleEchoer()).run()

How does it work?
-----------------
Both components keep 1.14's behaviour. Lines are gathered into a script
until it is a complete statement (the standard library's
``code.compile_command`` decides) and the line just added is not indented
(starts with neither a space nor a tab), so a block is run after the blank
line that ends it. The statement is then run in the interpreter's own
namespace, which starts with ``self`` (the component, so a running system
can be examined from it) and ``Axon``. Its value is shown if it is "true":
the value of an expression (``1 + 1`` shows 2), and, as in 1.14, the value
assigned by a simple assignment (``x = 5`` shows 5); ``None``, 0 and empty
values are not shown. What the code prints goes to standard output.

Errors are reported as 1.14 meant to (its Python 3 code failed while
formatting them and stopped the interpreter): the text ``EPIC FAIL``, then
the error as the Python prompt shows it (a traceback without the
interpreter's own frames, or the syntax error with its caret). After a
syntax error, the script so far is also shown (its ``repr``) and then
discarded. The interpreter carries on with the next line.

``StandaloneInterpreter()`` reads lines itself with ``input("> ")`` (so the
``"> "`` prompt is written to standard output, as in 1.14), prints
``"\\nok"`` before running each complete statement, then prints the value
or the error; after a syntax error it prints the script and its ``repr``.
At the end of input it sends ``producerFinished`` out of ``"signal"`` and
ends. It cannot be stopped while it waits for a line (``input`` cannot be
interrupted), so it suits a program of its own. Its ``console()`` method is
the generator of input lines; override it to read from elsewhere.
Typing ``exit()`` (``SystemExit``) ends either component as the end of
input would.

``InterpreterTransformer()`` takes lines from ``"inbox"`` (one line per
message; a trailing line ending is removed) and sends out of ``"outbox"``:
``" "`` when it starts; then, for each complete statement, its value (the
object itself, not its text) or ``" "`` if there is nothing to show; or,
for an error, ``"EPIC FAIL"`` and the error text as two messages (and the
``repr`` of the script after a syntax error). On ``producerFinished`` on
``"control"`` it runs what is waiting in ``"inbox"`` first, then passes the
message on out of ``"signal"`` and ends; on ``shutdownMicroprocess`` it
passes it on and ends at once. (1.14's loop never ended and kept a CPU busy
while waiting; ours sleeps until a line arrives.)

Both are threaded components: the code typed runs in the component's
thread, so a long computation does not stop the rest of the system (and
code that touches other components should be as careful as any thread).
"""

from __future__ import annotations

import code
import logging
import traceback
from dataclasses import dataclass
from typing import Any, Iterator

import Axon
from Axon.Ipc import producerFinished, shutdownMicroprocess
from Axon.ThreadedComponent import threadedcomponent

__all__ = ["InterpreterTransformer", "StandaloneInterpreter", "InterpreterSession",
           "Ready", "BadSyntax", "Ran", "Failed"]

log = logging.getLogger("Kamaelia.Experimental.PythonInterpreter")

FAILURE = "EPIC FAIL"       # 1.14's marker before an error report


@dataclass(frozen=True, slots=True)
class Ready:
    """A complete statement, compiled and ready for :meth:`InterpreterSession.run`."""
    code: Any
    script: str


@dataclass(frozen=True, slots=True)
class BadSyntax:
    """The script so far cannot compile: ``report`` is the error text."""
    report: str
    script: str


@dataclass(frozen=True, slots=True)
class Ran:
    """The statement ran: ``value`` is what to show (None: nothing)."""
    value: Any


@dataclass(frozen=True, slots=True)
class Failed:
    """Running the statement raised: ``report`` is the traceback text."""
    report: str


class InterpreterSession:
    """InterpreterSession(namespace) -> 1.14's line-at-a-time interpreter, without I/O

    ``push(line)`` adds a line (without its line ending) and returns None
    while the statement is incomplete, :class:`BadSyntax` if it cannot
    compile (the script is then discarded), or :class:`Ready` once it is
    complete; ``run(ready)`` runs it and returns :class:`Ran` or
    :class:`Failed`. ``SystemExit`` raised by the code (``exit()``) is not
    caught. The components format the results.
    """

    def __init__(self, namespace: dict[str, Any]) -> None:
        self.namespace = namespace
        self.namespace.setdefault("__builtins__", __builtins__)
        self.script = ""

    def push(self, line: str) -> Ready | BadSyntax | None:
        self.script += line + "\n"
        try:
            compiled = code.compile_command(self.script, "<stdin>", "exec")
        except (SyntaxError, OverflowError, ValueError) as error:
            script, self.script = self.script, ""
            report = "".join(traceback.format_exception_only(type(error), error))
            return BadSyntax(report, script)
        if compiled is None or line[:1] in (" ", "\t"):
            return None                              # more to come
        script, self.script = self.script, ""
        try:
            # 1.14 showed a statement's value by running "_=" + script when
            # that compiles: an expression, or the value of an assignment.
            compiled = code.compile_command("_=" + script, "<stdin>", "exec") or compiled
        except (SyntaxError, OverflowError, ValueError):
            pass
        return Ready(compiled, script)

    def run(self, ready: Ready) -> Ran | Failed:
        namespace = self.namespace
        namespace["_"] = None
        try:
            exec(ready.code, namespace)
        except SystemExit:
            raise
        except BaseException as error:               # the user's code failed: report it
            tb = error.__traceback__
            report = "".join(traceback.format_exception(
                type(error), error, tb.tb_next if tb is not None else None))
            return Failed(report)
        value = namespace.get("_")
        namespace["_"] = None
        try:
            shown = bool(value)
        except Exception:                            # no truth value: show it
            shown = True
        return Ran(value if shown else None)


def _namespace(owner: Any) -> dict[str, Any]:
    return {"__name__": "__console__", "__doc__": None, "self": owner, "Axon": Axon}


class StandaloneInterpreter(threadedcomponent):
    """StandaloneInterpreter() -> interactive interpreter on the console (input / print)"""

    Inboxes = {"inbox": "not used", "control": "not used (input() cannot be interrupted)"}
    Outboxes = {"outbox": "not used", "signal": "producerFinished at the end of input"}

    def console(self) -> Iterator[str]:
        """The lines typed: ``input("> ")`` until the end of input."""
        while True:
            try:
                yield input("> ")
            except EOFError:
                return

    def main(self) -> None:
        session = InterpreterSession(_namespace(self))
        try:
            self._interact(session)
        except (EOFError, SystemExit):      # end of input, or exit() typed
            pass
        self.send(producerFinished(self), "signal", block=True)

    def _interact(self, session: InterpreterSession) -> None:
        for line in self.console():
            outcome = session.push(line)
            if isinstance(outcome, BadSyntax):
                print(FAILURE)
                print(outcome.report)
                print(outcome.script)
                print(repr(outcome.script))
                continue
            if outcome is None:
                continue
            print("\nok")
            result = session.run(outcome)
            if isinstance(result, Failed):
                print(FAILURE)
                print(result.report)
            elif result.value is not None:
                print(result.value)


class InterpreterTransformer(threadedcomponent):
    """InterpreterTransformer() -> component running the Python lines it receives

    Values and error reports leave through "outbox" (see the module docs).
    """

    Inboxes = {"inbox": "lines of Python, one per message",
               "control": "producerFinished (after what is waiting) or "
                          "shutdownMicroprocess (at once) ends it"}
    Outboxes = {"outbox": 'values, error reports and " " (nothing to show)',
                "signal": "the shutdown message, passed on at the end"}

    def main(self) -> None:
        session = InterpreterSession(_namespace(self))
        self.send(" ", "outbox", block=True)
        try:
            while not self._isStopped():
                while self.dataReady("inbox") and not self.dataReady("control"):
                    self._run(session, self.recv("inbox"))
                if self.dataReady("control"):
                    if self._obeyControl(session):
                        return
                    continue
                self.pause()
        except SystemExit:                  # exit() typed: the session is over
            self.send(producerFinished(self), "signal", block=True)

    def _obeyControl(self, session: InterpreterSession) -> bool:
        """Act on the next control message; True if it ended the session."""
        message = self.recv("control")
        if isinstance(message, producerFinished):
            for line in self.Inbox("inbox"):
                self._run(session, line)
            self.send(message, "signal", block=True)
            return True
        if isinstance(message, shutdownMicroprocess):
            self.send(message, "signal", block=True)
            return True
        log.warning("%s ignored an unexpected message on 'control': %r",
                    self.name, message)
        return False

    def _run(self, session: InterpreterSession, line: Any) -> None:
        if not isinstance(line, str):
            line = str(line)
        if line.endswith("\r\n"):
            line = line[:-2]
        elif line.endswith(("\n", "\r")):
            line = line[:-1]
        outcome = session.push(line)
        if outcome is None:
            return
        if isinstance(outcome, BadSyntax):
            for message in (FAILURE, outcome.report, repr(outcome.script)):
                self.send(message, "outbox", block=True)
            return
        result = session.run(outcome)
        if isinstance(result, Failed):
            for message in (FAILURE, result.report):
                self.send(message, "outbox", block=True)
        else:
            self.send(" " if result.value is None else result.value, "outbox", block=True)
