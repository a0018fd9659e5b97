"""Tests for Kamaelia.cli: the ``kamaelia`` command."""

from __future__ import annotations

import ast
import importlib.resources
import logging
import os
import re
import shutil
import signal
import subprocess
import sys
import zipfile
from collections import Counter
from pathlib import Path
from typing import Iterator

import pytest
from test_examples import declared

import Kamaelia
from Kamaelia import cli
from Kamaelia.Apps.Demo import VERSE
from Kamaelia.cli import main


def test_version_prints_the_version_and_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["--version"])
    assert caught.value.code == 0
    assert capsys.readouterr().out.strip() == f"kamaelia {Kamaelia.__version__}"


def test_demo_returns_0_and_prints_the_words_summary_line(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo"]) == 0
    words = [w.strip(",.:;").lower() for line in VERSE for w in line.split()]
    tally = Counter(words)
    common = ", ".join(f"{w!r} x{n}" for w, n in tally.most_common(3))
    summary = f"{len(words)} words, {len(tally)} different; most common: {common}"
    assert summary == "22 words, 17 different; most common: 'of' x3, 'and' x3, 'the' x2"
    out = capsys.readouterr().out
    assert summary in out.splitlines()


def test_demo_shows_each_verse_line_leaving_the_source(capsys: pytest.CaptureFixture[str]) -> None:
    main(["demo"])
    out = capsys.readouterr().out
    for line in VERSE:
        assert re.search(r"source -> " + re.escape(repr(line)), out)


def test_no_subcommand_prints_help_and_returns_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "usage: kamaelia" in capsys.readouterr().out


def test_an_unknown_subcommand_exits_with_status_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["nosuchcommand"])
    assert caught.value.code == 2
    assert "nosuchcommand" in capsys.readouterr().err


# -- the global options --------------------------------------------------

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES_DIR = ROOT / "src" / "Kamaelia" / "examples"


@pytest.fixture(autouse=True)
def restore_logging_and_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # main() sets the root logger's level and, for -v, the diagnosis
    # switches in os.environ: undo both after each test.
    for variable in ("KAMAELIA_DIAGNOSE", "KAMAELIA_TRACEBACK"):
        monkeypatch.delenv(variable, raising=False)
    root = logging.getLogger()
    level = root.level
    yield
    root.setLevel(level)


def _recordingSubcommand(monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    """Replace ``demo``'s work with a probe of the settings it runs under."""
    seen: dict[str, object] = {}

    def probe(args: object) -> int:
        seen["level"] = logging.getLogger("Kamaelia.Apps.Demo").getEffectiveLevel()
        seen["diagnose"] = os.environ.get("KAMAELIA_DIAGNOSE")
        seen["traceback"] = os.environ.get("KAMAELIA_TRACEBACK")
        return 0

    monkeypatch.setitem(cli._SUBCOMMANDS, "demo", cli._SUBCOMMANDS["demo"]._replace(run=probe))
    return seen


def test_verbose_sets_debug_logging_and_diagnose_for_the_command_it_runs(
        monkeypatch: pytest.MonkeyPatch) -> None:
    seen = _recordingSubcommand(monkeypatch)
    assert main(["-v", "demo"]) == 0
    assert seen == {"level": logging.DEBUG, "diagnose": "1", "traceback": None}


def test_without_verbose_logging_is_at_warning_and_diagnose_is_not_set(
        monkeypatch: pytest.MonkeyPatch) -> None:
    seen = _recordingSubcommand(monkeypatch)
    assert main(["demo"]) == 0
    assert seen == {"level": logging.WARNING, "diagnose": None, "traceback": None}


def test_vv_also_asks_for_the_interrupt_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = _recordingSubcommand(monkeypatch)
    assert main(["-vv", "demo"]) == 0
    assert seen == {"level": logging.DEBUG, "diagnose": "1", "traceback": "1"}


def test_verbose_demo_logs_the_components_and_the_shutdown_passing_on(
        caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["-v", "demo"]) == 0
    demo = [r.getMessage() for r in caplog.records if r.name == "Kamaelia.Apps.Demo"]
    assert re.fullmatch(r"built Kamaelia\.Chassis\.Pipeline\.Pipeline_\d+: "
                        r"Kamaelia\.Util\.DataSource\.DataSource_\d+ -> .*"
                        r" -> Kamaelia\.Util\.Console\.ConsoleEchoer_\d+", demo[0])
    for label in ("source", "words", "tally"):
        assert any(re.fullmatch(rf"Kamaelia\.Apps\.Demo\.Tap_\d+ \({label}\): producerFinished"
                                r" arrived on control; passing it on, then ending", m)
                   for m in demo), demo
    assert re.fullmatch(r"Kamaelia\.Chassis\.Pipeline\.Pipeline_\d+ has ended, "
                        r"and every component in it", demo[-1])


def test_help_lists_every_subcommand_with_its_summary(
        capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["--help"])
    assert caught.value.code == 0
    out = " ".join(capsys.readouterr().out.split())     # argparse wraps lines
    for name, sub in cli._SUBCOMMANDS.items():
        assert f"{name} {sub.summary}" in out
    assert "-v, --verbose" in out


# -- kamaelia demo --help ------------------------------------------------

def test_demo_help_explains_every_kind_of_line_the_demo_prints(
        capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["demo", "--help"])
    assert caught.value.code == 0
    helpText = capsys.readouterr().out
    assert "usage: kamaelia demo" in helpText
    main(["demo"])
    lines = [line for line in capsys.readouterr().out.splitlines() if line]
    header, summary = lines[:2], lines[-1]
    for line in [*header, summary]:          # shown verbatim in the help
        assert f"  {line}\n" in helpText
    stages = {line.split("->")[0] + "->" for line in lines[2:-1]}
    assert stages == {"    source ->", "     words ->", "     tally ->"}
    for stage in stages:                     # each kind of line, with its meaning after it
        assert re.search(rf"\n  {re.escape(stage)} .*\n +\^ \w", helpText), stage
    assert "producerFinished" in helpText and "kamaelia -v demo" in helpText


# -- kamaelia examples ---------------------------------------------------

def _exampleFiles() -> dict[str, Path]:
    top = {p.stem: p for p in EXAMPLES_DIR.glob("*.py")}
    below = {f"{p.parent.name}/{p.stem}": p for p in EXAMPLES_DIR.glob("*/*.py")}
    return {**top, **below}


def _firstDocstringLine(path: Path) -> str:
    docstring = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
    assert docstring, f"{path} has no docstring"
    return docstring.splitlines()[0].strip()


def test_examples_lists_every_example_file_with_its_docstring(
        capsys: pytest.CaptureFixture[str]) -> None:
    files = _exampleFiles()
    assert "compat114/tcp_single_server" in files and "echo_server" in files
    assert main(["examples"]) == 0
    out = capsys.readouterr().out
    listed = {}
    for line in out.splitlines():
        match = re.fullmatch(r"  (\S+) +(.*)", line)
        if match and not match.group(1).startswith("kamaelia"):
            listed[match.group(1)] = match.group(2)
    assert set(listed) == set(files)
    for name, path in files.items():
        assert listed[name].startswith(_firstDocstringLine(path)), name
    # (the folder of the Kamaelia imported: the checkout's for an editable
    # install, site-packages' for a plain one, as in CI)
    installed = Path(str(importlib.resources.files("Kamaelia") / "examples"))
    assert f"(in {installed})" in out
    assert "kamaelia examples NAME" in out


def _kamaelia(*argv: str, input: str = "", cwd: Path | None = None,
              env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the kamaelia command as a program, as a user would."""
    return subprocess.run([sys.executable, "-m", "Kamaelia.cli", *argv], input=input,
                          capture_output=True, text=True, timeout=30, cwd=cwd, env=env)


def test_running_an_example_by_name_passes_stdin_and_prints_what_it_should() -> None:
    expected = declared(EXAMPLES_DIR / "graphline_numbered_lines.py")
    done = _kamaelia("examples", "graphline_numbered_lines", input=expected["EXAMPLE_STDIN"])
    assert (done.returncode, done.stdout, done.stderr) == (0, expected["EXAMPLE_EXPECT"], "")


def test_arguments_after_the_name_are_passed_on_to_the_example(tmp_path: Path) -> None:
    lines = tmp_path / "lines.txt"
    lines.write_text("a brown cow\nno match here\n", encoding="utf-8")
    done = _kamaelia("examples", "grep_pipeline", "brown", str(lines))
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == "a brown cow\n('grep -i brown' exited with status 0)\n"


PROBE = '''\
"""Reports what it was given, then exits with the status it is told."""
import logging, os, sys
print("argv", sys.argv[1:])
print("stdin", sys.stdin.read().split())
print("diagnose", os.environ.get("KAMAELIA_DIAGNOSE"))
print("level", logging.getLevelName(logging.getLogger().getEffectiveLevel()))
sys.exit(int(sys.argv[1]))
'''


def _withFakeExamples(folder: Path, *argv: str, input: str = "") -> (
        subprocess.CompletedProcess[str]):
    """Run ``kamaelia *argv`` with ``folder`` in place of the installed examples."""
    code = ("import pathlib, sys; import Kamaelia.cli as cli; "
            "cli._examplesRoot = lambda: pathlib.Path(sys.argv[1]); "
            "sys.exit(cli.main(sys.argv[2:]))")
    return subprocess.run([sys.executable, "-c", code, str(folder), *argv], input=input,
                          capture_output=True, text=True, timeout=30)


def test_an_examples_exit_status_is_the_commands_and_it_gets_stdin_and_options(tmp_path: Path) -> None:
    (tmp_path / "probe.py").write_text(PROBE, encoding="utf-8")
    # Options after NAME are the example's, even those kamaelia itself has.
    done = _withFakeExamples(tmp_path, "examples", "probe", "3", "-v", "--flag",
                             input="x y\n")
    assert done.returncode == 3, done.stderr
    assert done.stdout == ("argv ['3', '-v', '--flag']\nstdin ['x', 'y']\n"
                           "diagnose None\nlevel WARNING\n")


def test_verbose_reaches_an_example_run_as_its_own_process(tmp_path: Path) -> None:
    (tmp_path / "probe.py").write_text(PROBE, encoding="utf-8")
    done = _withFakeExamples(tmp_path, "-v", "examples", "probe", "0")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "argv ['0']\nstdin []\ndiagnose 1\nlevel DEBUG\n"
    assert "DEBUG Kamaelia.cli: running " in done.stderr


def test_an_example_ended_by_a_signal_exits_with_128_plus_the_signal(tmp_path: Path) -> None:
    (tmp_path / "killed.py").write_text(
        "import os, signal\nos.kill(os.getpid(), signal.SIGTERM)\n", encoding="utf-8")
    done = _withFakeExamples(tmp_path, "examples", "killed")
    assert done.returncode == 128 + signal.SIGTERM, done.stderr


def test_an_unknown_example_exits_2_and_suggests_close_names(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["examples", "echoserver"]) == 2
    err = capsys.readouterr().err
    assert "no example named 'echoserver'. Did you mean: echo_server" in err
    assert "Run `kamaelia examples` to list them all." in err
    assert main(["examples", "tcp_single"]) == 2
    assert "Did you mean: compat114/tcp_single_server" in capsys.readouterr().err
    assert main(["examples", "xyzzy"]) == 2
    assert "no example named 'xyzzy'.\nRun `kamaelia examples`" in capsys.readouterr().err


def test_show_prints_the_source_and_a_unique_name_may_leave_out_its_folder(
        capsys: pytest.CaptureFixture[str]) -> None:
    source = (EXAMPLES_DIR / "compat114" / "tcp_single_server.py").read_text(encoding="utf-8")
    for name in ("compat114/tcp_single_server", "tcp_single_server",
                 "compat114/tcp_single_server.py"):
        assert main(["examples", "--show", name]) == 0
        assert capsys.readouterr().out == source


def test_show_without_a_name_exits_2_saying_what_to_do(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["examples", "--show"]) == 2
    assert "--show needs the NAME of an example" in capsys.readouterr().err


def test_a_reader_that_goes_away_ends_the_listing_quietly() -> None:
    # As `kamaelia examples | head -1`: the pipe is closed before the
    # command has written anything (it is still starting up).
    child = subprocess.Popen([sys.executable, "-m", "Kamaelia.cli", "examples"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert child.stdout is not None and child.stderr is not None
    child.stdout.close()
    err = child.stderr.read()
    child.stderr.close()
    assert (child.wait(timeout=30), err) == (128 + signal.SIGPIPE, b"")


# -- the examples are in the wheel, and work from it ----------------------

def test_a_built_wheel_holds_the_examples_and_the_command_finds_them_there(
        tmp_path: Path) -> None:
    # Build from a copy, so the build does not write build/ and *.egg-info
    # into the working tree.
    project = tmp_path / "project"
    project.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, project / name)
    shutil.copytree(ROOT / "src", project / "src", symlinks=True,
                    ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--no-index", "--quiet", "-w", str(tmp_path / "dist"), str(project)],
        capture_output=True, text=True, timeout=120)
    assert built.returncode == 0, (
        "building the wheel failed (it needs setuptools, and for setuptools < 70.1 "
        "wheel, installed here: python -m pip install setuptools wheel):\n"
        + built.stdout + built.stderr)
    [wheel] = (tmp_path / "dist").glob("kamaelia-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        archive.extractall(tmp_path / "installed")
    # Every file of the examples folder, and nothing else: the programs and
    # what they come with (e.g. grey/kamaelia-grey.service, a systemd unit).
    expected = {f"Kamaelia/examples/{path.relative_to(EXAMPLES_DIR).as_posix()}"
                for path in EXAMPLES_DIR.rglob("*")
                if path.is_file() and "__pycache__" not in path.parts}
    assert {f"Kamaelia/examples/{name}.py" for name in _exampleFiles()} <= expected
    assert {n for n in names if n.startswith("Kamaelia/examples/")} == expected

    # The command, run from the unpacked wheel alone (-S: no site-packages,
    # so not the editable install of this checkout), lists and runs them.
    installed = tmp_path / "installed"
    env = {**os.environ, "PYTHONPATH": str(installed)}
    code = "import sys; from Kamaelia.cli import main; sys.exit(main(sys.argv[1:]))"
    listing = subprocess.run([sys.executable, "-S", "-c", code, "examples"],
                             capture_output=True, text=True, timeout=30, cwd=tmp_path, env=env)
    assert listing.returncode == 0, listing.stderr
    assert f"(in {installed / 'Kamaelia' / 'examples'})" in listing.stdout
    for name in _exampleFiles():
        assert f"  {name} " in listing.stdout
    expect = declared(EXAMPLES_DIR / "graphline_numbered_lines.py")
    ran = subprocess.run([sys.executable, "-S", "-c", code, "examples",
                          "graphline_numbered_lines"], input=expect["EXAMPLE_STDIN"],
                         capture_output=True, text=True, timeout=30, cwd=tmp_path, env=env)
    assert (ran.returncode, ran.stdout, ran.stderr) == (0, expect["EXAMPLE_EXPECT"], "")
