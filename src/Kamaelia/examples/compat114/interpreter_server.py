"""A Python interpreter served over TCP (mirrors 1.14's PythonInterpreter/ServerBasedPythonInterpreter.py).

    python examples/compat114/interpreter_server.py

As in 1.14's example, ``ServerCore`` gives each connection its own
``NetInterpreter``: a Pipeline that decodes the bytes, strips the line
ending, runs the line in an ``InterpreterTransformer`` and sends back each
answer followed by ``">>> "``. 1.14's server ran until Ctrl-C on port
1236; this one listens on a port of the loopback interface chosen by the
system, and a scripted user connects to it with a ``TCPClient``, types a
few lines (waiting for each answer), then closes the connection and shuts
the server down, so the program ends. It prints what the user saw, one
line per line typed (``(nothing)`` for the ``" "`` the interpreter answers
when there is nothing to show), and the ``hi`` that the served code prints
on the server's own standard output, as in 1.14::

    connected: (nothing)
    x = 6 * 7 -> 42
    x + 1 -> 43
    hi
    print('hi') -> (nothing)
    1/0 -> EPIC FAIL | Traceback (most recent call last): ... ZeroDivisionError: division by zero
    closed
"""
from Axon.Component import component
from Axon.Ipc import producerFinished
from Kamaelia.Chassis.ConnectedServer import ServerCore
from Kamaelia.Chassis.Graphline import Graphline
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.Experimental.PythonInterpreter import InterpreterTransformer
from Kamaelia.Internet.TCPClient import TCPClient
from Kamaelia.IPC import serverShutdown
from Kamaelia.Util.PureTransformer import PureTransformer

EXAMPLE_STDIN = ""
EXAMPLE_EXPECT = ("connected: (nothing)\n"
                  "x = 6 * 7 -> 42\n"
                  "x + 1 -> 43\n"
                  "hi\n"
                  "print('hi') -> (nothing)\n"
                  "1/0 -> EPIC FAIL | Traceback (most recent call last): ... "
                  "ZeroDivisionError: division by zero\n"
                  "closed\n")

PROMPT = b"\r\n>>> "


def NetInterpreter(*args, **argv):
    return Pipeline(
        PureTransformer(lambda x: x.decode("utf8")),
        PureTransformer(lambda x: str(x).rstrip()),
        InterpreterTransformer(),
        PureTransformer(lambda x: str(x) + "\r\n>>> "),
        PureTransformer(lambda x: x.encode("utf8")),
    )


class ScriptedUser(component):
    """Types each line, then waits for as many prompts as answers it expects."""

    Outboxes = {"outbox": "bytes typed", "signal": "producerFinished: hang up",
                "stopServer": "serverShutdown for the server"}

    # (line, how many answers it gets): an error comes as two messages
    SCRIPT = [("x = 6 * 7", 1), ("x + 1", 1), ("print('hi')", 1), ("1/0", 2)]

    def main(self):
        received = yield from self.answers(1)
        print("connected:", received)
        for line, count in self.SCRIPT:
            self.send((line + "\r\n").encode("utf8"), "outbox")
            received = yield from self.answers(count)
            print(line, "->", received)
        self.send(producerFinished(self), "signal")
        while not self.dataReady("control"):          # the connection has closed
            self.pause()
            yield 1
        print("closed")
        self.send(serverShutdown(), "stopServer")

    def answers(self, count):
        data = b""
        while data.count(PROMPT) < count:
            data += b"".join(self.Inbox("inbox"))
            if data.count(PROMPT) < count:
                self.pause()
                yield 1
        return " | ".join(describe(answer)
                          for answer in data.decode("utf8").split("\r\n>>> ")[:-1])


def describe(answer):
    """One answer on one line: "(nothing)" for " ", a traceback by its ends."""
    lines = [line.strip() for line in answer.splitlines() if line.strip()]
    if not lines:
        return "(nothing)"
    return lines[0] if len(lines) == 1 else f"{lines[0]} ... {lines[-1]}"

server = ServerCore(protocol=NetInterpreter, port=0, host="127.0.0.1")
Graphline(
    SERVER=server,
    CLIENT=TCPClient("127.0.0.1", server.port),
    USER=ScriptedUser(),
    linkages={
        ("USER", "outbox"): ("CLIENT", "inbox"),
        ("CLIENT", "outbox"): ("USER", "inbox"),
        ("USER", "signal"): ("CLIENT", "control"),
        ("CLIENT", "signal"): ("USER", "control"),
        ("USER", "stopServer"): ("SERVER", "control"),
    },
).run()
