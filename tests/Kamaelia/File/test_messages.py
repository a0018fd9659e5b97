"""Tests for Kamaelia.File.messages and the package's public names."""

from __future__ import annotations

import importlib
import os
import signal
import subprocess
import sys

import pytest

from Axon.Component import component
from Axon.Ipc import producerFinished, shutdownMicroprocess
from Kamaelia.File.messages import describeExit, fileError, processExited, processStopped


def test_fileError_names_the_component_the_path_the_action_and_the_reason() -> None:
    reader = component()
    error = fileError(reader, "/data/in.txt", "No such file or directory", action="read")
    assert str(error) == error.message == (
        f"{reader.name} cannot read '/data/in.txt': No such file or directory")
    assert isinstance(error, shutdownMicroprocess)       # the components after it stop too
    assert error.microprocesses() == ()


def test_processExited_is_a_producerFinished_carrying_the_exit_status() -> None:
    ended = processExited(None, "grep x", 1)
    assert isinstance(ended, producerFinished)
    assert (ended.returncode, ended.command) == (1, "grep x")
    assert str(ended) == "'grep x' exited with status 1"


def test_processStopped_carries_the_status_and_the_request_that_stopped_it() -> None:
    target = component()
    request = shutdownMicroprocess(target)
    stopped = processStopped(None, "sleep 9", -signal.SIGKILL, request)
    assert isinstance(stopped, shutdownMicroprocess)
    assert stopped.microprocesses() == (target,) and stopped.request is request
    assert str(stopped) == "'sleep 9' was killed by SIGKILL"


def test_describeExit_names_unknown_signals_by_number() -> None:
    assert describeExit("x", -99) == "'x' was killed by signal 99"
    assert describeExit("x", 0) == "'x' exited with status 0"


PUBLIC = {
    "Kamaelia.File.ReadFileAdaptor": ["ReadFileAdaptor", "EOF"],
    "Kamaelia.File.Reading": ["PromptedFileReader", "SimpleReader", "RateControlledFileReader",
                              "ReusableFileReader", "RateControlledReusableFileReader",
                              "FixedRateControlledReusableFileReader", "EOF"],
    "Kamaelia.File.MaxSpeedFileReader": ["MaxSpeedFileReader"],
    "Kamaelia.File.TriggeredFileReader": ["TriggeredFileReader"],
    "Kamaelia.File.BetterReading": ["IntelligentFileReader"],
    "Kamaelia.File.Writing": ["SimpleFileWriter"],
    "Kamaelia.File.WholeFileWriter": ["WholeFileWriter"],
    "Kamaelia.File.Append": ["Append"],
    "Kamaelia.File.UnixProcess": ["UnixProcess", "ChargenComponent", "Chargen", "Pipethrough",
                                  "makeNonBlocking", "run_command"],
    "Kamaelia.File.UnixProcess2": ["UnixProcess2", "makeNonBlocking"],
    "Kamaelia.File.UnixPipe": ["Pipethrough"],
    "Kamaelia.File.DirectoryWatcher": ["DirectoryWatcher", "FileEvent", "CREATED", "MODIFIED",
                                       "DELETED", "COMPLETE", "KINDS"],
    "Kamaelia.File.messages": ["fileError", "processExited", "processStopped", "describeExit",
                               "NameRefused"],
    "Kamaelia.File": ["fileError", "processExited", "processStopped", "NameRefused"],
}


@pytest.mark.parametrize("module", sorted(PUBLIC))
def test_every_public_name_imports_from_where_users_expect_it(module: str) -> None:
    imported = importlib.import_module(module)
    assert sorted(imported.__all__) == sorted(PUBLIC[module])
    for name in PUBLIC[module]:
        assert getattr(imported, name) is not None
    assert imported.__doc__ and "Example Usage" in imported.__doc__


def test_importing_the_package_imports_no_component_module_nor_watchfiles() -> None:
    code = ("import sys, Kamaelia.File\n"
            "print(sorted(m for m in sys.modules if m.startswith(('Kamaelia.File.', "
            "'watchfiles'))))")
    path = os.pathsep.join(entry for entry in sys.path if entry)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, env={**os.environ, "PYTHONPATH": path})
    assert done.stdout.strip() == "['Kamaelia.File.messages']"
