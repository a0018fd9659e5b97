"""Tests for Kamaelia.Util.Console: ConsoleEchoer and ConsoleReader."""

from __future__ import annotations

import io
import logging
import sys
import threading
import time
from typing import Any, Iterator

import pytest

from Axon.Component import component
from Axon.Ipc import producerFinished, shutdownMicroprocess
from Axon.Scheduler import scheduler
from componentharness import Collector
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.Util.Console import ConsoleEchoer, ConsoleReader
from Kamaelia.Util.DataSource import DataSource

#: Upper bound for any handshake; reaching it means the behaviour under test is broken.
PATIENCE = 10.0



class ControlFirst(component):
    """A consumer that checks "control" before "inbox" and stops at once on
    shutdown, dropping anything still waiting; takes one line per time slice."""

    def __init__(self, **argd: Any) -> None:
        super().__init__(**argd)
        self.got: list[Any] = []
        self.control: list[Any] = []

    def main(self) -> Iterator[Any]:
        while True:
            if self.dataReady("control"):
                self.control.append(self.recv("control"))
                return
            if self.dataReady("inbox"):
                self.got.append(self.recv("inbox"))
            else:
                self.pause()
            yield 1


class Shown:
    """An object whose str and repr differ."""

    def __str__(self) -> str:
        return "<str form>"

    def __repr__(self) -> str:
        return "<repr form>"


def run_all(*components: component) -> None:
    for c in components:
        c.activate()
    scheduler.run.runThreads()


# ------------------------------------------------------------ ConsoleEchoer
def test_echoer_writes_strings_as_they_are_and_other_objects_through_str(
        capsys: pytest.CaptureFixture[str]) -> None:
    Pipeline(DataSource(["one\n", 2, Shown(), " three"]), ConsoleEchoer()).run()
    assert capsys.readouterr().out == "one\n2<str form> three"


def test_echoer_with_use_repr_writes_objects_through_repr(
        capsys: pytest.CaptureFixture[str]) -> None:
    Pipeline(DataSource([Shown(), 2]), ConsoleEchoer(use_repr=True)).run()
    assert capsys.readouterr().out == "<repr form>2"


def test_echoer_adds_no_newline(capsys: pytest.CaptureFixture[str]) -> None:
    Pipeline(DataSource(["a", "b"]), ConsoleEchoer()).run()
    assert capsys.readouterr().out == "ab"


def test_echoer_forwards_each_message_when_forwarder_is_set(
        capsys: pytest.CaptureFixture[str]) -> None:
    shown = Shown()
    sink = Collector()
    Pipeline(DataSource(["x\n", shown]), ConsoleEchoer(forwarder=True), sink).run()
    assert capsys.readouterr().out == "x\n<str form>"
    assert len(sink.got) == 2 and sink.got[0] == "x\n" and sink.got[1] is shown


def test_echoer_writes_its_tag_before_each_message(
        capsys: pytest.CaptureFixture[str]) -> None:
    Pipeline(DataSource(["a", 2, Shown()]), ConsoleEchoer(tag="\n> ")).run()
    assert capsys.readouterr().out == "\n> a\n> 2\n> <str form>"


def test_echoer_takes_1_14s_positional_arguments(capsys: pytest.CaptureFixture[str]) -> None:
    sink = Collector()
    echoer = ConsoleEchoer(True, True, "#")
    assert echoer.serialise is repr and echoer.tag == "#"
    Pipeline(DataSource(["x"]), echoer, sink).run()
    assert capsys.readouterr().out == "#'x'" and sink.got == ["x"]


def test_echoer_refuses_a_tag_that_is_not_text() -> None:
    with pytest.raises(TypeError, match="tag must be a str, not 5"):
        ConsoleEchoer(tag=5)


def test_echoer_forwards_nothing_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    sink = Collector()
    Pipeline(DataSource(["x\n"]), ConsoleEchoer(), sink).run()
    assert capsys.readouterr().out == "x\n"
    assert sink.got == []
    assert len(sink.control) == 1     # but it does pass the shutdown on


@pytest.mark.parametrize("message_class", [producerFinished, shutdownMicroprocess])
def test_echoer_on_shutdown_writes_everything_waiting_then_passes_it_on_and_ends(
        message_class: type, capsys: pytest.CaptureFixture[str]) -> None:
    echoer = ConsoleEchoer()
    after = Collector()
    echoer.link((echoer, "signal"), (after, "control"))
    message = message_class()
    echoer.inboxes["inbox"].extend(["one\n", "two\n", "three\n"])
    echoer.inboxes["control"].append(message)
    run_all(echoer, after)
    assert capsys.readouterr().out == "one\ntwo\nthree\n"
    assert after.control == [message]
    assert echoer._isStopped()


def test_echoer_logs_and_ignores_other_control_messages(
        capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture) -> None:
    echoer = ConsoleEchoer()
    echoer.inboxes["control"].append("not a shutdown")
    echoer.inboxes["inbox"].append("still echoing\n")
    echoer.inboxes["control"].append(producerFinished())
    with caplog.at_level(logging.WARNING, logger="Kamaelia.Util.Console"):
        echoer.run()
    assert capsys.readouterr().out == "still echoing\n"
    assert any("not a shutdown" in r.getMessage() and echoer.name in r.getMessage()
               for r in caplog.records)


# ------------------------------------------------------------ ConsoleReader
class TtyInput(io.StringIO):
    """A StringIO that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def test_reader_sends_each_line_with_eol_then_producerFinished(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("hello\nworld\n"))
    reader = ConsoleReader()
    sink = Collector()
    Pipeline(reader, sink).run()
    assert sink.got == ["hello\n", "world\n"]
    assert len(sink.control) == 1
    assert isinstance(sink.control[0], producerFinished)
    assert sink.control[0].caller is reader
    assert capsys.readouterr().out == ""      # not a terminal: no prompt


def test_reader_replaces_line_endings_with_eol(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("dos\r\nunix\nno end"))
    sink = Collector()
    Pipeline(ConsoleReader(eol="|"), sink).run()
    assert sink.got == ["dos|", "unix|", "no end|"]


def test_reader_with_empty_input_sends_only_producerFinished(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    sink = Collector()
    Pipeline(ConsoleReader(), sink).run()
    assert sink.got == []
    assert [type(m) for m in sink.control] == [producerFinished]


def test_reader_shows_the_prompt_when_input_is_a_terminal(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "stdin", TtyInput("a\nb\n"))
    sink = Collector()
    Pipeline(ConsoleReader(prompt="? "), sink).run()
    assert sink.got == ["a\n", "b\n"]
    assert capsys.readouterr().out == "? ? ? "     # before each of three reads


def test_a_consumer_checking_control_before_inbox_still_gets_every_line(
        monkeypatch: pytest.MonkeyPatch) -> None:
    lines = [f"line {i}" for i in range(300)]
    monkeypatch.setattr(sys, "stdin", io.StringIO("".join(f"{s}\n" for s in lines)))
    consumer = ControlFirst()
    Pipeline(ConsoleReader(), consumer).run()
    assert consumer.got == [f"{s}\n" for s in lines]
    assert [type(m) for m in consumer.control] == [producerFinished]


def test_reader_delivers_every_line_of_a_large_input(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("x\n" * 20000))
    sink = Collector()
    Pipeline(ConsoleReader(), sink).run()
    assert len(sink.got) == 20000
    assert [type(m) for m in sink.control] == [producerFinished]


class EndlessInput:
    """Standard input that never ends, but whose every read after the first
    waits (in the reader's own thread) until the reader has a control message
    waiting, so the reader is sure to see it between two lines."""

    def __init__(self) -> None:
        self.reader: ConsoleReader | None = None
        self.reads = 0

    def isatty(self) -> bool:
        return False

    def readline(self) -> str:
        self.reads += 1
        reader = self.reader
        assert reader is not None
        deadline = time.monotonic() + PATIENCE
        while not reader.dataReady("control") and time.monotonic() < deadline:
            reader.pause(timeout=PATIENCE)
        return "more\n"


@pytest.mark.parametrize("message_class", [producerFinished, shutdownMicroprocess])
def test_reader_stops_on_a_shutdown_message_and_passes_it_on(
        message_class: type, monkeypatch: pytest.MonkeyPatch) -> None:
    stdin = EndlessInput()
    monkeypatch.setattr(sys, "stdin", stdin)
    reader = ConsoleReader()
    stdin.reader = reader
    sink = Collector()
    message = message_class()
    reader.inboxes["control"].append(message)
    Pipeline(reader, sink).run()
    assert sink.control == [message]
    assert stdin.reads <= 1            # noticed between lines
    assert sink.got == ["more\n"] * stdin.reads
    assert reader._isStopped()


def test_reader_thread_has_ended_when_the_system_has(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("a\n"))
    seen: list[threading.Thread] = []

    class Recording(ConsoleReader):
        def main(self) -> None:
            seen.append(threading.current_thread())
            super().main()

    Pipeline(Recording(), Collector()).run()
    assert len(seen) == 1 and not seen[0].is_alive()


def test_reader_stops_through_its_shutdown_method_which_a_subclass_may_override(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("a\nb\nc\n"))

    class TwoLines(ConsoleReader):
        checks = 0

        def shutdown(self) -> bool:
            self.checks += 1
            if self.checks > 2:
                self.send(producerFinished(self), "signal")
                return True
            return super().shutdown()

    sink = Collector()
    Pipeline(TwoLines(), sink).run()
    assert sink.got == ["a\n", "b\n"] and len(sink.control) == 1

