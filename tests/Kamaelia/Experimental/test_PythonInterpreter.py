"""Tests for Kamaelia.Experimental.PythonInterpreter: 1.14's interactive interpreter."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from Axon.Ipc import producerFinished, shutdownMicroprocess
from componentharness import run
from Kamaelia.Experimental.PythonInterpreter import (BadSyntax, Failed, InterpreterSession,
                                                     InterpreterTransformer, Ran, Ready,
                                                     StandaloneInterpreter)

ROOT = Path(__file__).resolve().parents[3]


def session() -> InterpreterSession:
    return InterpreterSession({})


def push(s: InterpreterSession, *lines: str) -> Any:
    outcome = None
    for line in lines:
        outcome = s.push(line)
    return s.run(outcome) if isinstance(outcome, Ready) else outcome


def test_an_expression_shows_its_value() -> None:
    assert push(session(), "1 + 1") == Ran(2)


def test_a_simple_assignment_shows_the_value_assigned_as_in_1_14() -> None:
    s = session()
    assert push(s, "x = 5") == Ran(5)
    assert push(s, "x * 2") == Ran(10)
    assert push(s, "a, b = 1, 2") == Ran((1, 2))


@pytest.mark.parametrize("line", ["None", "0", "''", "[]", "import os", "y = 0",
                                  "def f(): return 1"])
def test_false_values_and_statements_show_nothing(line: str) -> None:
    assert push(session(), line) == Ran(None)


def test_a_block_runs_after_the_line_that_ends_it() -> None:
    s = session()
    push(s, "total = 0")
    assert s.push("for i in range(4):") is None
    assert s.push("    total += i") is None
    ready = s.push("")
    assert isinstance(ready, Ready)
    assert s.run(ready) == Ran(None)
    assert push(s, "total") == Ran(6)


def test_a_tab_indents_too() -> None:
    # 1.14 counted only spaces, so it ran "if True:" + "\tx = 1" before the next line
    s = session()
    assert s.push("if True:") is None
    assert s.push("\tx = 1") is None
    assert s.push("\tx += 1") is None
    assert push(s, "") == Ran(None)
    assert push(s, "x") == Ran(2)


def test_an_error_is_reported_without_the_interpreters_own_frames() -> None:
    outcome = push(session(), "1/0")
    assert isinstance(outcome, Failed)
    assert outcome.report == ("Traceback (most recent call last):\n"
                              '  File "<stdin>", line 1, in <module>\n'
                              "ZeroDivisionError: division by zero\n")


def test_a_syntax_error_is_reported_and_the_script_discarded() -> None:
    s = session()
    outcome = s.push("1 +")
    assert isinstance(outcome, BadSyntax)
    assert outcome.report.endswith("SyntaxError: invalid syntax\n")
    assert '"<stdin>", line 1' in outcome.report and outcome.script == "1 +\n"
    assert push(s, "2 + 2") == Ran(4)


def test_a_value_without_a_truth_value_is_shown() -> None:
    class Vague:
        def __bool__(self) -> bool:
            raise ValueError("ambiguous")

    s = InterpreterSession({"thing": Vague()})
    outcome = push(s, "thing")
    assert isinstance(outcome, Ran) and isinstance(outcome.value, Vague)


def collect(*lines: Any, control: Any = None, **argd: Any) -> Any:
    ending = [control if control is not None else producerFinished()]
    return run(InterpreterTransformer(**argd), list(lines), ending)


def test_transformer_sends_values_and_a_space_for_nothing() -> None:
    sink = collect("x = 1\n", "x + 1\n", "import os\n", "for i in range(2):\n", "  i\n", "\n")
    assert sink.got == [" ", 1, 2, " ", " "]
    assert [type(m) for m in sink.control] == [producerFinished]


def test_transformer_sends_objects_not_text() -> None:
    sink = collect("[1, 2]")
    assert sink.got == [" ", [1, 2]]


def test_transformer_reports_errors_in_1_14s_messages() -> None:
    sink = collect("1/0", "1 +", "2")
    assert sink.got[:2] == [" ", "EPIC FAIL"]
    assert sink.got[2].endswith("ZeroDivisionError: division by zero\n")
    assert sink.got[3] == "EPIC FAIL" and sink.got[4].endswith("SyntaxError: invalid syntax\n")
    assert sink.got[5:] == ["'1 +\\n'", 2]


def test_transformer_namespace_has_the_component_itself() -> None:
    target = InterpreterTransformer()
    sink = run(target, ["self.name"], [producerFinished()])
    assert sink.got == [" ", target.name]


def test_transformer_passes_shutdownmicroprocess_on_and_ends() -> None:
    target = InterpreterTransformer()
    message = shutdownMicroprocess()
    sink = run(target, [], [message])
    assert sink.got == [" "] and sink.control == [message]
    assert target._isStopped()


def test_transformer_ignores_other_control_messages(caplog: pytest.LogCaptureFixture) -> None:
    sink = collect("1", control=None)
    assert sink.got == [" ", 1]
    with caplog.at_level("WARNING", logger="Kamaelia.Experimental.PythonInterpreter"):
        sink = run(InterpreterTransformer(), ["2"], ["hello", producerFinished()])
    assert sink.got == [" ", 2]
    assert any("'hello'" in r.getMessage() for r in caplog.records)


def test_transformer_ends_when_exit_is_typed() -> None:
    sink = run(InterpreterTransformer(), ["exit()", "never run"])
    assert sink.got == [" "]
    assert [type(m) for m in sink.control] == [producerFinished]


def runStandalone(stdin: str) -> str:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT / "src")
    code = ("from Kamaelia.Experimental.PythonInterpreter import StandaloneInterpreter\n"
            "StandaloneInterpreter().run()\n")
    done = subprocess.run([sys.executable, "-c", code], input=stdin, capture_output=True,
                          text=True, env=env, timeout=30)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_standalone_prints_what_1_14_printed() -> None:
    # 1.14.32's BasicPythonInterpreter.py printed exactly this for the same input
    out = runStandalone('x = 1\nx + 1\nprint("hi")\nfor i in range(3):\n  print(i)\n\n')
    assert out == "> \nok\n1\n> \nok\n2\n> \nok\nhi\n> > > \nok\n0\n1\n2\n> "


def test_standalone_reports_errors_and_carries_on() -> None:
    out = runStandalone("1/0\n1 +\n7\n")
    assert out == ("> \nok\nEPIC FAIL\nTraceback (most recent call last):\n"
                   '  File "<stdin>", line 1, in <module>\n'
                   "ZeroDivisionError: division by zero\n\n"
                   '> EPIC FAIL\n  File "<stdin>", line 1\n    1 +\n       ^\n'
                   "SyntaxError: invalid syntax\n\n1 +\n\n'1 +\\n'\n"
                   "> \nok\n7\n> ")


def test_standalone_reads_from_console_which_a_subclass_may_replace() -> None:
    from Axon.Scheduler import scheduler
    from componentharness import Collector

    class Scripted(StandaloneInterpreter):
        def console(self) -> Any:
            yield "answer = 6 * 7"
            raise EOFError

    target, sink = Scripted(), Collector()
    target.link((target, "signal"), (sink, "control"))
    target.activate()
    sink.activate()
    scheduler.run.runThreads()
    assert [type(m) for m in sink.control] == [producerFinished]
