"""1.14's old module names (Kamaelia.KamaeliaIPC, Kamaelia.Util.PipelineComponent,
...) give the very classes of the modules that replaced them, and note when
imported which to use, quietly unless asked (Kamaelia._oldnames)."""

from __future__ import annotations

import importlib
import logging
import sys

import pytest

import Axon.Ipc
import Kamaelia.IPC
from Kamaelia.Chassis.ConnectedServer import SimpleServer
from Kamaelia.File.ReadFileAdaptor import ReadFileAdaptor
from Kamaelia.File.UnixProcess import UnixProcess
from Kamaelia.Internet.SingleServer import SingleServer
from Kamaelia.Chassis.Graphline import Graphline
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.Protocol.EchoProtocol import EchoProtocol
from Kamaelia.Util.Console import ConsoleEchoer
from Kamaelia.Util.Filter import Filter
from Kamaelia.Util.NullSink import nullSinkComponent
from Kamaelia.Util.Stringify import Stringify
from Kamaelia.Util.TestResult import TestResult

ALIASES = {
    "Kamaelia.SingleServer": ({"SingleServer": SingleServer}, "Kamaelia.Internet.SingleServer"),
    "Kamaelia.ReadFileAdaptor": ({"ReadFileAdaptor": ReadFileAdaptor},
                                 "Kamaelia.File.ReadFileAdaptor"),
    "Kamaelia.SimpleServerComponent": ({"SimpleServer": SimpleServer},
                                       "Kamaelia.Chassis.ConnectedServer"),
    "Kamaelia.File.UnixPipe": ({"Pipethrough": UnixProcess}, "Kamaelia.File.UnixProcess"),
    "Kamaelia.Protocol.EchoProtocolComponent": ({"EchoProtocol": EchoProtocol},
                                                "Kamaelia.Protocol.EchoProtocol"),
    "Kamaelia.Util.Graphline": ({"Graphline": Graphline}, "Kamaelia.Chassis.Graphline"),
    "Kamaelia.Util.Pipeline": ({"pipeline": Pipeline, "Pipeline": Pipeline}, "Kamaelia.Chassis.Pipeline"),
    "Kamaelia.Util.PipelineComponent": ({"pipeline": Pipeline}, "Kamaelia.Chassis.Pipeline"),
    "Kamaelia.Util.ConsoleEcho": ({"consoleEchoer": ConsoleEchoer}, "Kamaelia.Util.Console"),
    "Kamaelia.Util.FilterComponent": ({"FilterComponent": Filter}, "Kamaelia.Util.Filter"),
    "Kamaelia.Util.NullSinkComponent": ({"nullSinkComponent": nullSinkComponent},
                                        "Kamaelia.Util.NullSink"),
    "Kamaelia.Util.TestResultComponent": ({"testResultComponent": TestResult},
                                          "Kamaelia.Util.TestResult"),
    "Kamaelia.Util.ToStringComponent": ({"ToStringComponent": Stringify},
                                        "Kamaelia.Util.Stringify"),
    "Kamaelia.KamaeliaIPC": ({name: getattr(Kamaelia.IPC, name) for name in
                              ("socketShutdown", "newCSA", "shutdownCSA", "newServer",
                               "newWriter", "newReader", "newExceptional", "removeReader",
                               "removeWriter", "removeExceptional")}
                             | {"notify": Axon.Ipc.notify,
                                "producerFinished": Axon.Ipc.producerFinished},
                             "Kamaelia.IPC"),
}


@pytest.mark.parametrize("module", sorted(ALIASES))
def test_an_old_name_gives_the_same_objects_as_the_new_module(module: str) -> None:
    names, _ = ALIASES[module]
    imported = importlib.import_module(module)
    for name, thing in names.items():
        assert getattr(imported, name) is thing, name
    assert sorted(imported.__all__) == sorted(names)


@pytest.mark.parametrize("module", sorted(ALIASES))
def test_importing_an_old_name_notes_quietly_which_module_to_use(
        module: str, caplog: pytest.LogCaptureFixture,
        monkeypatch: pytest.MonkeyPatch) -> None:
    _, replacement = ALIASES[module]
    monkeypatch.delenv("KAMAELIA_DEPRECATION_WARNINGS", raising=False)
    sys.modules.pop(module, None)
    with caplog.at_level(logging.INFO, logger="Kamaelia.deprecation"):
        importlib.import_module(module)
    (record,) = [r for r in caplog.records if r.name == "Kamaelia.deprecation"]
    assert record.levelno == logging.INFO
    assert record.getMessage() == (f"{module} is Kamaelia 1.14's old name for {replacement}; "
                                   "it still works")


@pytest.mark.parametrize("level", ["WARN", "verbose", "CRASH"])
def test_1_14s_switch_makes_the_note_a_warning(
        level: str, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAMAELIA_DEPRECATION_WARNINGS", level)
    sys.modules.pop("Kamaelia.Util.Graphline", None)
    with caplog.at_level(logging.INFO, logger="Kamaelia.deprecation"):
        importlib.import_module("Kamaelia.Util.Graphline")
    (record,) = [r for r in caplog.records if r.name == "Kamaelia.deprecation"]
    assert record.levelno == logging.WARNING


def test_a_message_made_under_the_new_name_is_an_instance_of_the_old_one() -> None:
    import Kamaelia.KamaeliaIPC as old
    assert isinstance(Kamaelia.IPC.newCSA(None, object()), old.newCSA)
