"""Tests for Axon.diagnostics: the hang report, and when the scheduler prints it."""

from __future__ import annotations

import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from Axon import diagnostics
from Axon.Component import component
from Axon.Scheduler import scheduler
from Axon.ThreadedComponent import threadedcomponent
from Kamaelia.Chassis.Graphline import Graphline
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.Util.Console import ConsoleEchoer
from Kamaelia.Util.DataSource import DataSource

ROOT = Path(__file__).resolve().parents[2]

RunRounds = Callable[[int], bool]

LAZY = '''
from Axon.Component import component

class Lazy(component):
    """Upper-cases lines; ends on "control" WITHOUT passing the shutdown on."""

    def main(self):
        while True:
            for message in self.Inbox("inbox"):
                self.send(message.upper(), "outbox")
            if self.dataReady("control"):
                self.recv("control")
                return                      # the bug: nothing sent on "signal"
            if not self.anyReady():
                self.pause()
            yield 1
'''

namespace: dict[str, Any] = {}
exec(LAZY, namespace)
Lazy = namespace["Lazy"]


def _lineOf(text: str, fragment: str) -> str:
    """The one line of ``text`` containing ``fragment``."""
    found = [line for line in text.splitlines() if fragment in line]
    assert len(found) == 1, f"{fragment!r} on {len(found)} lines of:\n{text}"
    return found[0]


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


# ---------------------------------------------------------------- in process
def test_report_on_a_stuck_pipeline_names_the_waiting_component_and_the_cause(
        run_rounds: RunRounds, fresh_scheduler: scheduler,
        capsys: pytest.CaptureFixture[str]) -> None:
    echoer = ConsoleEchoer()
    lazy = Lazy()
    pipeline = Pipeline(DataSource(["a\n"]), lazy, echoer).activate()
    assert not run_rounds(50)                      # it never ends
    assert capsys.readouterr().out == "A\n"

    text = diagnostics.report(fresh_scheduler)

    assert _lineOf(text, "microprocesses alive").startswith(
        f"scheduler {fresh_scheduler.name}: 2 microprocesses alive, 0 runnable")
    top = _lineOf(text, f"- {pipeline.name}:")
    assert "waiting for a child to end (1 left)" in top
    line = _lineOf(text, f"- {echoer.name}:")
    assert line.endswith(": paused, waiting for a message")
    assert _indent(line) > _indent(top)            # shown as the Pipeline's child
    short = lazy.name.rsplit(".", 1)[1]
    assert f"inbox 'inbox': nothing alive can send to it ({short} did, and ended)" in text
    assert f"inbox 'control': nothing alive can send to it ({short} did, and ended)" in text
    cause = " ".join(part.strip() for part in text[text.index("likely cause"):].splitlines())
    assert cause.startswith(f"likely cause: {echoer.name.rsplit('.', 1)[1]} waits for a "
                            f"message that can never come, because {short} ended without "
                            "passing shutdown on.")
    assert "Axon.Ipc.shutdownRequest" in cause
    # The Pipeline is the top level: nothing listens to its "signal".
    assert "'signal' outbox: not linked (usual at the top level)" in text
    assert lazy.name not in text.replace(short, "")  # ended: not listed as alive


def test_report_on_a_graphline_without_signal_linkages_suggests_the_missing_linkage(
        run_rounds: RunRounds, fresh_scheduler: scheduler,
        capsys: pytest.CaptureFixture[str]) -> None:
    source, out = DataSource(["a\n"]), ConsoleEchoer()
    Graphline(SOURCE=source, OUT=out,
              linkages={("SOURCE", "outbox"): ("OUT", "inbox")}).activate()
    assert not run_rounds(50)
    assert capsys.readouterr().out == "a\n"

    text = diagnostics.report(fresh_scheduler)

    assert f"- OUT: {out.name}: paused, waiting for a message" in text
    assert "inbox 'control': nothing is linked to send to it" in text
    assert "'signal' outbox: not linked, its shutdown goes nowhere" in text
    cause = " ".join(part.strip() for part in text[text.index("likely cause"):].splitlines())
    src = source.name.rsplit(".", 1)[1]
    assert (f"because {src}, which sent to its 'inbox', ended, but {src}'s 'signal' outbox "
            "was not linked (its producerFinished waits there)") in cause
    assert "in the Graphline, add the linkage ('SOURCE', 'signal'): ('OUT', 'control')" in text


class Ticker(component):
    """Sends a tick per timeout; ends on a shutdown, passing it on."""

    def main(self) -> Iterator[Any]:
        while not self.dataReady("control"):
            self.send("tick", "outbox")
            self.pause(60)
            yield 1
        self.send(self.recv("control"), "signal")


class Quiet(component):
    def main(self) -> Iterator[Any]:
        while not self.dataReady("control"):
            self.Inbox("inbox")
            self.pause()
            yield 1


def test_a_component_fed_by_a_live_one_has_no_likely_cause(
        run_rounds: RunRounds, fresh_scheduler: scheduler) -> None:
    ticker, quiet = Ticker(), Quiet()
    Pipeline(ticker, quiet).activate()
    assert not run_rounds(20)

    text = diagnostics.report(fresh_scheduler)

    assert f"inbox 'inbox': from outbox 'outbox' of {ticker.name.rsplit('.', 1)[1]}" in text
    assert "pause(timeout), due in" in _lineOf(text, f"- {ticker.name}:")
    assert "likely cause" not in text


def test_report_shows_unread_messages_and_where_main_waits(
        run_rounds: RunRounds, fresh_scheduler: scheduler) -> None:
    class Deaf(component):
        def main(self) -> Iterator[Any]:
            while True:
                self.pause()
                yield 1                            # never reads its inbox

    deaf = Deaf().activate()
    run_rounds(2)
    deaf.inboxes["inbox"].append("unheard")        # wakes it; it pauses again
    deaf.inboxes["inbox"].append("unheard")
    run_rounds(2)

    text = diagnostics.report(fresh_scheduler)

    assert "2 messages wait unread in inbox 'inbox' (it paused without taking them" in text
    yieldLine = Deaf.main.__code__.co_firstlineno + 3
    where = _lineOf(text, "    at ").strip()
    assert where.startswith("at ") and where.endswith(f"test_diagnostics.py:{yieldLine} in main")
    assert os.path.samefile(where[3:].split(":")[0], __file__)


def test_report_shows_timers_and_watched_sockets_with_their_owner(
        run_rounds: RunRounds, fresh_scheduler: scheduler) -> None:
    a, b = socket.socketpair()

    class Watcher(component):
        def main(self) -> Iterator[Any]:
            self.scheduler.addReader(a, self.readable)
            self.scheduler.callLater(30, self.later)
            try:
                while not self.dataReady("control"):
                    self.pause()
                    yield 1
            finally:
                self.scheduler.removeReader(a)

        def readable(self) -> None:
            pass

        def later(self) -> None:
            pass

    try:
        watcher = Watcher().activate()
        run_rounds(2)
        text = diagnostics.report(fresh_scheduler)
        block = text[text.index(f"- {watcher.name}:"):]
        assert "timer: test_report_shows_timers_and_watched_sockets_with_their_owner." \
               "<locals>.Watcher.later() due in" in block
        assert f"watching socket fd {a.fileno()} for reading" in block
        assert "1 timer, 1 watched file" in text
    finally:
        fresh_scheduler.stop()
        run_rounds(3)
        a.close()
        b.close()


def test_report_describes_an_async_main_by_what_it_awaits(
        run_rounds: RunRounds, fresh_scheduler: scheduler) -> None:
    class Awaiting(component):
        async def main(self) -> None:
            await self.waitForMessage("control")

    class Dozing(component):
        async def main(self) -> None:
            await self.waitFor(30)

    awaiting, dozing = Awaiting().activate(), Dozing().activate()
    run_rounds(2)

    text = diagnostics.report(fresh_scheduler)

    assert _lineOf(text, f"- {awaiting.name}:").endswith(
        ": paused, awaiting a message on 'control'")
    assert re.search(r": paused, awaiting waitFor/waitUntil, due in (30|29\.\d+) s$",
                     _lineOf(text, f"- {dozing.name}:"))
    assert text.count("async main at ") == 2


def _eventually(condition: Callable[[], bool], seconds: float = 5.0) -> bool:
    """Poll ``condition``: for a thread entering a blocking call, which nothing
    announces (the thread cannot tell us *after* it has started waiting)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        threading.Event().wait(0.002)
    return True


def test_report_says_what_a_threaded_components_thread_is_doing(
        run_rounds: RunRounds, fresh_scheduler: scheduler) -> None:
    gate = threading.Event()

    class Pausing(threadedcomponent):
        def main(self) -> None:
            while not self.dataReady("control"):
                self.pause()

    class Blocking(threadedcomponent):
        def main(self) -> None:
            gate.wait()

    pausing, blocking = Pausing().activate(), Blocking().activate()
    try:
        run_rounds(2)

        def described() -> bool:
            text = diagnostics.report(fresh_scheduler)
            return ("its thread is waiting for a message (pause)" in text
                    and "gate.wait()" in text)

        assert _eventually(described), diagnostics.report(fresh_scheduler)
        text = diagnostics.report(fresh_scheduler)
        assert _lineOf(text, f"- {pausing.name}:").endswith(
            ": its thread is waiting for a message (pause)")
        assert _lineOf(text, f"- {blocking.name}:").endswith(
            ": its thread is running (blocking code)")
        assert _lineOf(text, "gate.wait()").strip().startswith("thread at ")
    finally:
        gate.set()
        fresh_scheduler.stop()
        run_rounds(3)


def test_report_limit_lists_that_many_and_counts_the_rest(
        run_rounds: RunRounds, fresh_scheduler: scheduler) -> None:
    for _ in range(5):
        Quiet().activate()
    run_rounds(2)

    text = diagnostics.report(fresh_scheduler, limit=2)

    assert sum(1 for line in text.splitlines() if line.startswith("- ")) == 2
    assert "... and 3 more (set KAMAELIA_DIAGNOSE=1 to list them all)" in text
    with pytest.raises(ValueError, match="limit must be a positive int or None, not 0"):
        diagnostics.report(fresh_scheduler, limit=0)


def test_report_defaults_to_the_default_scheduler_and_printReport_writes_it(
        fresh_scheduler: scheduler, capsys: pytest.CaptureFixture[str]) -> None:
    assert diagnostics.report().startswith(f"scheduler {fresh_scheduler.name}: "
                                           "0 microprocesses alive")
    diagnostics.printReport()
    assert capsys.readouterr().err == diagnostics.report()
    with pytest.raises(TypeError, match="report\\(\\) needs an Axon scheduler, not 'x'"):
        diagnostics.report("x")


def test_sigusr1_prints_the_report_and_the_system_carries_on(
        fresh_scheduler: scheduler, capsys: pytest.CaptureFixture[str]) -> None:
    class Poke(component):
        def main(self) -> Iterator[Any]:
            os.kill(os.getpid(), signal.SIGUSR1)
            yield 1                           # the handler runs about here
            print("still running")

    assert signal.getsignal(signal.SIGUSR1) is signal.SIG_DFL
    poke = Poke()
    poke.run()

    captured = capsys.readouterr()
    assert captured.out == "still running\n"
    assert captured.err.startswith("Kamaelia: report on request (SIGUSR1); "
                                   "the system carries on:\n")
    assert f"- {poke.name}: runnable" in captured.err
    assert signal.getsignal(signal.SIGUSR1) is signal.SIG_DFL     # put back


def test_sigusr1_handler_of_the_program_is_left_alone(
        fresh_scheduler: scheduler, capsys: pytest.CaptureFixture[str]) -> None:
    seen: list[int] = []

    def own(signum: int, frame: Any) -> None:
        seen.append(signum)

    class Poke(component):
        def main(self) -> Iterator[Any]:
            os.kill(os.getpid(), signal.SIGUSR1)
            yield 1

    previous = signal.signal(signal.SIGUSR1, own)
    try:
        Poke().run()
        assert signal.getsignal(signal.SIGUSR1) is own
    finally:
        signal.signal(signal.SIGUSR1, previous)
    assert seen == [signal.SIGUSR1]
    assert capsys.readouterr().err == ""


class Interrupter(component):
    def main(self) -> Iterator[Any]:
        yield 1
        raise KeyboardInterrupt


def test_keyboard_interrupt_prints_the_report_once_and_is_re_raised(
        fresh_scheduler: scheduler, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)     # restored afterwards
    monkeypatch.delenv("KAMAELIA_TRACEBACK", raising=False)
    inner = scheduler()
    fresh_scheduler.reraiseExceptions = inner.reraiseExceptions = True

    class RunsAnother(component):
        def main(self) -> Iterator[Any]:
            Interrupter().activate(Scheduler=inner)
            inner.runThreads()                 # interrupted in here
            yield 1

    scheduler.run = fresh_scheduler
    outer = RunsAnother().activate(Scheduler=fresh_scheduler)
    with pytest.raises(KeyboardInterrupt) as raised:
        fresh_scheduler.runThreads()

    err = capsys.readouterr().err
    assert err.count("Kamaelia: interrupted (Ctrl-C, KeyboardInterrupt)") == 1
    assert f"scheduler {inner.name}:" in err          # the innermost run reported it
    assert outer._isStopped()
    assert raised.value._kamaeliaReported        # type: ignore[attr-defined]
    assert getattr(sys.excepthook, "_kamaeliaQuiet", False)


# -------------------------------------------------------------- subprocesses
STUCK = LAZY + '''
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.Util.Console import ConsoleEchoer
from Kamaelia.Util.DataSource import DataSource

Pipeline(DataSource(["a\\n"]), Lazy(), ConsoleEchoer()).run()
'''

CAUGHT = LAZY + '''
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.Util.Console import ConsoleEchoer
from Kamaelia.Util.DataSource import DataSource

try:
    Pipeline(DataSource(["a\\n"]), Lazy(), ConsoleEchoer()).run()
except KeyboardInterrupt:
    print("caught it", flush=True)
'''


class Child:
    """A Python program run with ``src`` on its path; its stderr read line by
    line in a thread, so a test can wait for a line with a deadline."""

    def __init__(self, program: str, **env: str) -> None:
        environ = dict(os.environ, PYTHONPATH=os.pathsep.join(
            [str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]))
        for name in ("KAMAELIA_DIAGNOSE", "KAMAELIA_TRACEBACK"):
            environ.pop(name, None)
        environ.update(env)
        self.process = subprocess.Popen(
            [sys.executable, "-c", program], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True, env=environ)
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.err: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.put(line)
        self.lines.put(None)

    def waitFor(self, fragment: str, seconds: float = 10.0) -> str:
        """The first stderr line (from here on) containing ``fragment``."""
        deadline = time.monotonic() + seconds
        while True:
            try:
                line = self.lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"no {fragment!r} on stderr within {seconds} s; "
                                     f"so far:\n{''.join(self.err)}") from None
            if line is None:
                raise AssertionError(f"stderr ended without {fragment!r}:\n{''.join(self.err)}")
            self.err.append(line)
            if fragment in line:
                return line

    def finish(self, seconds: float = 10.0) -> tuple[int, str, str]:
        """Wait for the end: (status, stdout, all of stderr)."""
        assert self.process.stdout is not None
        out = self.process.stdout.read()
        self.process.wait(seconds)
        self.reader.join(seconds)
        while True:
            line = self.lines.get_nowait() if not self.lines.empty() else None
            if line is None:
                break
            self.err.append(line)
        return self.process.returncode, out, "".join(self.err)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()


@pytest.fixture
def child() -> Iterator[Callable[..., Child]]:
    started: list[Child] = []

    def start(program: str, **env: str) -> Child:
        started.append(Child(program, **env))
        return started[-1]

    yield start
    for each in started:
        each.close()


def test_stuck_pipeline_says_so_and_ctrl_c_prints_the_report_without_traceback(
        child: Callable[..., Child]) -> None:
    program = child(STUCK)
    hint = program.waitFor("Kamaelia:")
    assert hint == ("Kamaelia: nothing can run again: 2 components are paused and nothing "
                    "can wake them; press Ctrl-C for a report (or set KAMAELIA_DIAGNOSE=1)\n")
    program.process.send_signal(signal.SIGINT)
    status, out, err = program.finish()
    assert status == -signal.SIGINT                 # as Python ends on Ctrl-C: a shell shows 130
    assert out == "A\n"
    assert "Kamaelia: interrupted (Ctrl-C, KeyboardInterrupt); this was still alive:" in err
    assert "ConsoleEchoer" in err and "ended without passing shutdown on" in err
    assert "Traceback" not in err
    assert err.count("Kamaelia: interrupted") == 1


def test_kamaelia_diagnose_prints_the_full_report_when_stuck(
        child: Callable[..., Child]) -> None:
    program = child(STUCK, KAMAELIA_DIAGNOSE="1")
    assert program.waitFor("Kamaelia:") == ("Kamaelia: nothing can run again: 2 components "
                                            "are paused and nothing can wake them\n")
    program.waitFor("likely cause: ConsoleEchoer")   # the whole report, before any Ctrl-C
    program.process.send_signal(signal.SIGINT)
    status, _out, err = program.finish()
    assert status == -signal.SIGINT
    assert "Kamaelia: interrupted" in err
    assert "Traceback" not in err


def test_kamaelia_traceback_shows_the_traceback_after_the_report(
        child: Callable[..., Child]) -> None:
    program = child(STUCK, KAMAELIA_TRACEBACK="1")
    program.waitFor("Kamaelia: nothing can run again")
    program.process.send_signal(signal.SIGINT)
    status, _out, err = program.finish()
    assert status == -signal.SIGINT
    assert err.index("Kamaelia: interrupted") < err.index("Traceback (most recent call last)")
    assert err.rstrip().endswith("KeyboardInterrupt")


def test_try_except_keyboard_interrupt_around_run_still_catches_it(
        child: Callable[..., Child]) -> None:
    program = child(CAUGHT)
    program.waitFor("Kamaelia: nothing can run again")
    program.process.send_signal(signal.SIGINT)
    status, out, err = program.finish()
    assert status == 0
    assert out == "A\ncaught it\n"
    assert "Kamaelia: interrupted" in err and "Traceback" not in err


WAITS_ON_TIMER = '''
from Axon.Component import component

class Later(component):
    def main(self):
        self.pause(0.05)
        yield 1
        print("timer fired")

Later().run()
'''

WAITS_ON_FILE = '''
import sys
from Axon.Component import component

class Reader(component):
    def main(self):
        self.scheduler.addReader(sys.stdin, self.readable)
        print("ready", flush=True)
        while not self.dataReady("inbox"):
            self.pause()
            yield 1
        print("read", self.recv("inbox").strip())

    def readable(self):
        self.scheduler.removeReader(sys.stdin)
        self._deliver(sys.stdin.readline())

Reader().run()
'''

WAITS_ON_THREAD = '''
import sys, threading
from Axon.Component import component

class Waiter(component):
    def main(self):
        threading.Thread(target=lambda: self._deliver(sys.stdin.readline())).start()
        print("ready", flush=True)
        while not self.dataReady("inbox"):
            self.pause()
            yield 1
        print("read", self.recv("inbox").strip())

Waiter().run()
'''

WAITS_ON_THREADED_COMPONENT = '''
import sys
from Axon.Component import component
from Axon.ThreadedComponent import threadedcomponent
from Kamaelia.Chassis.Pipeline import Pipeline

class LineReader(threadedcomponent):
    def main(self):
        self.send(sys.stdin.readline(), "outbox")

class Printer(component):
    def main(self):
        print("ready", flush=True)
        while not self.dataReady("inbox"):
            self.pause()
            yield 1
        print("read", self.recv("inbox").strip())

Pipeline(LineReader(), Printer()).run()
'''


@pytest.mark.parametrize("program,expected", [
    (WAITS_ON_TIMER, "timer fired\n"),
    (WAITS_ON_FILE, "ready\nread go\n"),
    (WAITS_ON_THREAD, "ready\nread go\n"),
    (WAITS_ON_THREADED_COMPONENT, "ready\nread go\n"),
], ids=["timer", "file", "thread", "threadedcomponent"])
def test_a_program_waiting_on_something_that_can_wake_it_is_not_called_stuck(
        child: Callable[..., Child], program: str, expected: str) -> None:
    running = child(program, KAMAELIA_DIAGNOSE="1")
    assert running.process.stdin is not None
    if "ready" in expected:
        assert running.process.stdout is not None
        assert running.process.stdout.readline() == "ready\n"   # now paused, waiting
        running.process.stdin.write("go\n")
        running.process.stdin.flush()
    status, out, err = running.finish()
    assert (status, err) == (0, "")
    assert ("ready\n" if "ready" in expected else "") + out == expected
