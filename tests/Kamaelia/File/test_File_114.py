"""Kamaelia.File: 1.14's methods, attributes, names and pacing, doing their 1.14 job."""

from __future__ import annotations

import fcntl
import logging
import os
from pathlib import Path
from typing import Any, Iterator

import pytest

from Axon.AxonExceptions import noSpaceInBox
from Axon.Component import component
from Axon.Ipc import producerFinished, shutdownMicroprocess
from Kamaelia.File import (Append, BetterReading, MaxSpeedFileReader, Reading,
                           TriggeredFileReader, UnixProcess, UnixProcess2, WholeFileWriter,
                           Writing)
from Kamaelia.File.Append import Append as AppendComponent
from Kamaelia.File.BetterReading import IntelligentFileReader
from Kamaelia.File.MaxSpeedFileReader import MaxSpeedFileReader as MaxSpeed
from Kamaelia.File.Reading import (EOF, PromptedFileReader, RateControlledFileReader,
                                   SimpleReader)
from Kamaelia.File.UnixProcess import (Chargen, ChargenComponent, Pipethrough,
                                       makeNonBlocking, run_command)
from Kamaelia.File.UnixProcess import UnixProcess as UnixProcessComponent
from Kamaelia.File.UnixProcess2 import UnixProcess2 as UnixProcess2Component
from Kamaelia.File.Writing import SimpleFileWriter
from filehelpers import run, runAll, through


@pytest.fixture
def textfile(tmp_path: Path) -> Path:
    path = tmp_path / "text.txt"
    path.write_bytes(b"first line\nsecond line\nthird\n")
    return path


def test_each_module_names_its_components_and_prefabs_as_1_14() -> None:
    assert Append.__kamaelia_components__ == (AppendComponent,)
    assert BetterReading.__kamaelia_components__ == (IntelligentFileReader,)
    assert MaxSpeedFileReader.__kamaelia_components__ == (MaxSpeed,)
    assert Reading.__kamaelia_components__ == (PromptedFileReader, SimpleReader)
    assert Reading.__kamaelia_prefabs__ == (
        RateControlledFileReader, Reading.ReusableFileReader,
        Reading.RateControlledReusableFileReader, Reading.FixedRateControlledReusableFileReader)
    assert TriggeredFileReader.__kamaelia_components__ == (
        TriggeredFileReader.TriggeredFileReader,)
    assert WholeFileWriter.__kamaelia_components__ == (WholeFileWriter.WholeFileWriter,)
    assert Writing.__kamaelia_components__ == (SimpleFileWriter,)
    assert UnixProcess.__kamaelia_components__ == (UnixProcessComponent, ChargenComponent)
    assert UnixProcess2.__kamaelia_components__ == (UnixProcess2Component,)


# ------------------------------------------------------------------- Append
def test_Appends_options_are_class_attributes_with_1_14s_defaults(tmp_path: Path) -> None:
    assert (AppendComponent.filename, AppendComponent.forwarder, AppendComponent.blat_file,
            AppendComponent.hold_open) == (None, True, False, True)

    class Quiet(AppendComponent):
        forwarder = False
        filename = str(tmp_path / "log.txt")

    sink = run(Quiet(), inbox=["a\n", "b\n"], control=[producerFinished()])
    assert sink.got == [] and (tmp_path / "log.txt").read_text() == "a\nb\n"


def test_a_subclass_overriding_writeChunk_changes_what_is_written(tmp_path: Path) -> None:
    class Upper(AppendComponent):
        def writeChunk(self, chunk: Any) -> bool:
            return super().writeChunk(chunk.upper())

    target = tmp_path / "upper.txt"
    sink = run(Upper(filename=str(target)), inbox=["quiet\n"], control=[producerFinished()])
    assert target.read_text() == "QUIET\n" and sink.got == ["quiet\n"]


# ------------------------------------------------------------- BetterReading
def test_IntelligentFileReader_opens_with_openFile_and_says_when_it_ends(
        textfile: Path) -> None:
    opened: list[str] = []

    class Watched(IntelligentFileReader):
        def openFile(self, filename: str) -> int:
            opened.append(filename)
            return super().openFile(filename)

    reader = Watched(str(textfile), chunksize=11)
    sink = through(reader)
    assert b"".join(sink.got) == textfile.read_bytes() and opened == [str(textfile)]
    assert list(reader.outboxes["debug"]) == ["IntelligentFileReader terminated"]


def test_tryReadChunk_sends_a_chunk_until_the_end_and_makeNonBlocking_works(
        textfile: Path) -> None:
    results: list[Any] = []

    class ByHand(IntelligentFileReader):
        def main(self) -> None:                       # (runs in the reader's thread)
            fd = self.openFile(self.filename)
            try:
                self.makeNonBlocking(fd)
                results.append(bool(fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_NONBLOCK))
                while self.tryReadChunk(fd):
                    pass
                results.append(self.done)
                self.debug("note")
            finally:
                os.close(fd)
            self.send(producerFinished(self), "signal")

    reader = ByHand(str(textfile), chunksize=20)
    sink = through(reader)
    assert results == [True, True]
    assert [len(chunk) for chunk in sink.got] == [20, len(textfile.read_bytes()) - 20]
    assert list(reader.outboxes["debug"]) == ["note"]


def test_selectorWait_asks_the_Selector_to_say_when_the_descriptor_can_be_read(
        textfile: Path) -> None:
    reading, writing = os.pipe()
    told: list[Any] = []

    class Asking(IntelligentFileReader):
        def main(self) -> None:                       # (runs in the reader's thread)
            self.selectorWait(reading)
            while not self.dataReady("_selectorready"):
                self.pause()
            told.append(self.recv("_selectorready"))
            self.send(producerFinished(self), "signal")

    try:
        os.write(writing, b"ready")
        run(Asking(str(textfile)))                    # the Selector ends once it has told
    finally:
        os.close(reading)
        os.close(writing)
    assert told == [reading]


# -------------------------------------------------------- MaxSpeedFileReader
class InThread(MaxSpeed):
    """Runs ``probe(self)`` in its thread once ``wanted`` control messages are in."""

    def __init__(self, path: str, probe: Any, wanted: int = 0) -> None:
        super().__init__(path)
        self.probe = probe
        self.wanted = wanted
        self.results: list[Any] = []

    def main(self) -> None:
        while self.dataReady("control") < self.wanted:
            self.pause()
        self.results = self.probe(self)
        self.send(producerFinished(self), "signal")


def test_handleControl_canStop_and_mustStop_answer_as_1_14(textfile: Path) -> None:
    def probe(reader: MaxSpeed) -> list[Any]:
        return [reader.shutdownMsg, reader.canStop(), reader.mustStop(),
                type(reader.shutdownMsg)]

    reader = InThread(str(textfile), probe, wanted=2)
    run(reader, control=[producerFinished(), shutdownMicroprocess()])
    assert reader.results == ["", True, True, shutdownMicroprocess]   # it wins

    reader = InThread(str(textfile), probe, wanted=1)
    run(reader, control=[producerFinished()])
    assert reader.results == ["", True, False, producerFinished]


def test_waitSend_sends_at_once_when_there_is_room(textfile: Path) -> None:
    reader = InThread(str(textfile), lambda me: list(me.waitSend(b"chunk", "outbox")))
    sink = run(reader)
    assert reader.results == [] and sink.got == [b"chunk"]


def test_waitSend_raises_STOP_when_told_to_stop_while_the_consumer_is_full(
        textfile: Path) -> None:
    def probe(reader: MaxSpeed) -> list[Any]:
        def full(*_: Any, **__: Any) -> None:
            raise noSpaceInBox("full")

        reader.send = full                         # type: ignore[method-assign]
        try:
            list(reader.waitSend(b"chunk", "outbox"))
        except UserWarning as stop:
            del reader.send
            return [str(stop)]
        del reader.send
        return []

    reader = InThread(str(textfile), probe, wanted=1)
    run(reader, control=[shutdownMicroprocess()])
    assert reader.results == ["STOP"]


# ------------------------------------------------------------------ Reading
def test_PromptedFileReader_reads_through_readNBytes_and_readNLines(textfile: Path) -> None:
    class Counting(PromptedFileReader):
        calls = 0

        def readNLines(self, n: int) -> Any:
            Counting.calls += 1
            return super().readNLines(n)

    sink = run(Counting(str(textfile), "lines"), inbox=[2, 5, 1])
    assert sink.got == ["first line\nsecond line\n", "third\n"] and Counting.calls == 3
    assert [type(m) for m in sink.control] == [producerFinished]


def test_readNBytes_raises_EOF_at_the_end(textfile: Path) -> None:
    reader = PromptedFileReader(str(textfile))
    with open(textfile, "rb") as reader.file:
        assert reader.readNBytes(5) == b"first"
        reader.readNBytes(100)
        with pytest.raises(EOF):
            reader.readNBytes(1)
        with pytest.raises(EOF):
            reader.readNLines(1)


@pytest.mark.parametrize("kind", [PromptedFileReader, SimpleReader])
def test_shutdown_is_true_and_passes_on_a_shutdownMicroprocess(textfile: Path,
                                                               kind: type) -> None:
    answers: list[bool] = []

    class Probe(kind):  # type: ignore[valid-type, misc]
        def main(self) -> None:                      # (runs in the reader's thread)
            while not self.dataReady("control"):
                self.pause()
            answers.append(self.shutdown())

    stop = shutdownMicroprocess()
    sink = run(Probe(str(textfile)), control=[stop])
    assert answers == [True] and sink.control == [stop]


def test_SimpleReaders_mode_and_buffering_are_class_attributes(textfile: Path) -> None:
    assert (SimpleReader.mode, SimpleReader.buffering) == ("r", 1)

    class Binary(SimpleReader):
        mode = "rb"

    sink = through(Binary(str(textfile)))
    assert b"".join(sink.got) == textfile.read_bytes()


def test_a_RateControlledFileReader_sends_its_first_chunk_at_once_as_1_14(
        textfile: Path) -> None:
    # One chunk a thousand seconds: the first is asked for at once (1.14's
    # pacing), so the run ends as soon as the file has been told to stop.
    reader = RateControlledFileReader(str(textfile), "bytes", rate=0.011, chunksize=11)

    class StopAfterOne(component):
        Outboxes = {"outbox": "to the reader's control", "signal": "not used"}

        def __init__(self) -> None:
            super().__init__()
            self.got: list[Any] = []

        def main(self) -> Iterator[Any]:
            while not self.got:
                self.got.extend(self.Inbox("inbox"))
                if not self.got:
                    self.pause()
                    yield 1
            self.send(shutdownMicroprocess(), "outbox")

    stopper = StopAfterOne()
    reader.link((reader, "outbox"), (stopper, "inbox"))
    stopper.link((stopper, "outbox"), (reader, "control"))
    runAll(reader, stopper)
    assert stopper.got == [b"first line\n"]


def test_a_RateControlledFileReader_sends_chunksize_pieces(textfile: Path) -> None:
    sink = through(RateControlledFileReader(str(textfile), rate=100_000, chunksize=7))
    assert b"".join(sink.got) == textfile.read_bytes()
    assert [len(chunk) for chunk in sink.got[:-1]] == [7] * (len(sink.got) - 1)


# ------------------------------------------------------------------ Writing
def test_a_subclass_overriding_writeData_changes_what_is_written(tmp_path: Path) -> None:
    class Doubling(SimpleFileWriter):
        def writeData(self, data: Any) -> None:             # 1.14 returned nothing
            super().writeData(data * 2)

    target = tmp_path / "out.bin"
    run(Doubling(str(target)), inbox=[b"ab", b"c"], control=[producerFinished()])
    assert target.read_bytes() == b"ababcc"


def test_SimpleFileWriter_shutdown_passes_on_either_shutdown_message(tmp_path: Path) -> None:
    answers: list[bool] = []

    class Probe(SimpleFileWriter):
        def main(self) -> None:
            while not self.dataReady("control"):
                self.pause()
            answers.append(self.shutdown())

    finished = producerFinished()
    sink = run(Probe(str(tmp_path / "x")), control=[finished])
    assert answers == [True] and sink.control == [finished]


# -------------------------------------------------------------- UnixProcess
def test_UnixProcess_starts_its_program_with_openSubprocess() -> None:
    started: list[Any] = []

    class Watched(UnixProcessComponent):
        def openSubprocess(self) -> Any:
            process = super().openSubprocess()
            started.append(process)
            return process

    sink = run(Watched("tr a-z A-Z"), inbox=[b"shout\n"], control=[producerFinished()])
    assert b"".join(sink.got) == b"SHOUT\n" and len(started) == 1
    for pipe in (started[0].stdout, started[0].stderr):
        assert pipe.closed or not os.get_blocking(pipe.fileno())


def test_UnixProcess_has_1_14s_ready_boxes_and_ignores_what_arrives_there() -> None:
    process = UnixProcessComponent("cat")
    assert {"stdinready", "stdoutready", "stderrready"} <= set(process.inboxes)
    assert {"selector", "selectorsignal"} <= set(process.outboxes)
    sink = run(process, inbox=[b"x"], stdinready=[1], stdoutready=[2], stderrready=[3],
               control=[producerFinished()])
    assert b"".join(sink.got) == b"x"


def test_makeNonBlocking_sets_O_NONBLOCK() -> None:
    reading, writing = os.pipe()
    try:
        makeNonBlocking(reading)
        assert not os.get_blocking(reading)
    finally:
        os.close(reading)
        os.close(writing)


def test_Pipethrough_makes_a_UnixProcess_and_warns_it_is_deprecated(
        caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="Kamaelia.File"):
        process = Pipethrough("cat")
    assert isinstance(process, UnixProcessComponent) and "deprecated" in caplog.text


def test_run_command_prints_and_returns_the_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_command("tr a-z A-Z", [b"abc", "def"]) == b"ABCDEF"
    assert capsys.readouterr().out == "b'ABCDEF'\n"          # as 1.14 printed it


def test_Chargen_and_ChargenComponent_are_1_14s_sources_of_hello(
        capsys: pytest.CaptureFixture[str]) -> None:
    first = next(Chargen())
    assert first == "hello\n"
    sink = run(ChargenComponent())
    assert sink.got and set(sink.got) == {"hello\n"}
    assert [type(m) for m in sink.control] == [producerFinished]
    assert capsys.readouterr().out == f"total sent {6 * len(sink.got)}\n"


# ------------------------------------------------------------- UnixProcess2
def test_setupNamedPipes_return_1_14s_shapes_and_are_called_when_it_starts(
        tmp_path: Path) -> None:
    calls: list[Any] = []

    class Watched(UnixProcess2Component):
        def setupNamedInPipes(self, pipeshutdown: Any) -> Any:
            result = super().setupNamedInPipes(pipeshutdown)
            calls.append(("in", result))
            return result

        def setupNamedOutPipes(self, pipeshutdown: Any) -> Any:
            result = super().setupNamedOutPipes(pipeshutdown)
            calls.append(("out", result))
            return result

    fifo = str(tmp_path / "extra")
    sink = run(Watched(f"cat > /dev/null; echo done > {fifo}", outpipes={fifo: "extra"}),
               inbox=[b"x"], control=[producerFinished()])
    assert calls == [("in", (None, None)), ("out", None)]
    assert "_shutdownPipes" in UnixProcess2Component.Outboxes
    assert [type(m).__name__ for m in sink.control] == ["processExited"]


def test_childrenDone_removes_ended_children_and_says_if_none_are_left() -> None:
    process = UnixProcess2Component("true")
    child = component()
    process.addChildren(child)
    assert process.childrenDone() is False
    child.stop()
    assert process.childrenDone() is True and process.childComponents() == []
    assert UnixProcess2.makeNonBlocking is makeNonBlocking
