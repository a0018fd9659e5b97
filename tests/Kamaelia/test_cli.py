"""Tests for Kamaelia.cli: the ``kamaelia`` command."""

from __future__ import annotations

import ast
import importlib.resources
import io
import logging
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import zipfile
from collections import Counter
from pathlib import Path
from typing import Iterator, NamedTuple

import pytest
from test_examples import declared

import Kamaelia
from Kamaelia import cli
from Kamaelia.Apps.Demo import SCRIPT
from Kamaelia.Apps.Demo.chat import words
from Kamaelia.Apps.Demo.narrator import Narrator
from Kamaelia.cli import main


def test_version_prints_the_version_and_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["--version"])
    assert caught.value.code == 0
    assert capsys.readouterr().out.strip() == f"kamaelia {Kamaelia.__version__}"


def test_no_subcommand_prints_help_and_returns_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "usage: kamaelia" in capsys.readouterr().out


def test_an_unknown_subcommand_exits_with_status_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["nosuchcommand"])
    assert caught.value.code == 2
    assert "nosuchcommand" in capsys.readouterr().err


# -- kamaelia demo -------------------------------------------------------
# One run of the command, as a user runs it (and as CI does, grepping its
# summary), shared by the tests that read what it prints.

DEMO_SECONDS = 3
VERBS = ("joins", "says", "relays", "hears", "leaves")
EVENT = re.compile(r" *(?P<at>\d+\.\d)s  (?P<who>\S+) +(?P<verb>\w+)(?: +(?P<text>.*))?")
SUMMARY = re.compile(r"Summary: (?P<joins>\d+) clients joined and (?P<leaves>\d+) left; "
                     r"(?P<says>\d+) lines said, (?P<relays>\d+) relayed, "
                     r"(?P<hears>\d+) heard; (?P<words>\d+) words, (?P<different>\d+) "
                     r"different; most common: (?P<common>.*)")


class DemoRun(NamedTuple):
    status: int
    lines: list[str]            # standard output, without the blank lines
    err: str

    def events(self) -> list[tuple[str, str, str]]:
        """(who, verb, text) of each narrated line, in the order printed."""
        found = [EVENT.fullmatch(line) for line in self.lines]
        return [(m["who"], m["verb"], m["text"] or "") for m in found
                if m is not None and m["verb"] in VERBS]

    def summary(self) -> re.Match[str]:
        summary = SUMMARY.fullmatch(self.lines[-1]) if self.lines else None
        assert summary is not None, "\n".join(self.lines[-3:]) + self.err
        return summary


@pytest.fixture(scope="module")
def demoRun() -> DemoRun:
    done = _kamaelia("demo", "--seconds", str(DEMO_SECONDS))
    return DemoRun(done.returncode, [line for line in done.stdout.splitlines() if line],
                   done.stderr)


def _scriptLines() -> list[tuple[str, str]]:
    return [(role.name, text) for role in SCRIPT for _, text in role.lines]


def test_demo_exits_0_and_ends_with_the_summary_line(demoRun: DemoRun) -> None:
    assert (demoRun.status, demoRun.err) == (0, "")
    assert demoRun.lines[-1].startswith("Summary: ")
    assert re.search(r"words, .* different", demoRun.lines[-1])      # what CI greps for


def test_demo_says_and_relays_every_line_of_the_script_once(demoRun: DemoRun) -> None:
    events = demoRun.events()
    said = [(who, text) for who, verb, text in events if verb == "says"]
    relayed = [(who, text) for who, verb, text in events if verb == "relays"]
    assert Counter(said) == Counter(_scriptLines())
    assert {who for who, _ in relayed} == {"chat"}
    assert Counter(tuple(text.split(": ", 1)) for _, text in relayed) == Counter(_scriptLines())
    for name, text in _scriptLines():               # each relayed after it is said
        assert (events.index((name, "says", text))
                < events.index(("chat", "relays", f"{name}: {text}")))


def test_the_summarys_counts_are_those_of_the_lines_printed(demoRun: DemoRun) -> None:
    summary = demoRun.summary()
    printed = Counter(verb for _, verb, _ in demoRun.events())
    assert {verb: int(summary[verb]) for verb in VERBS} == {verb: printed[verb] for verb in VERBS}
    assert printed["joins"] == printed["leaves"] == len(SCRIPT)
    assert printed["hears"] >= printed["relays"] > 0


def test_the_summarys_word_count_is_that_of_the_scripts_lines(demoRun: DemoRun) -> None:
    tally = Counter(word for name, text in _scriptLines() for word in words(f"{name}: {text}"))
    summary = demoRun.summary()
    assert (int(summary["words"]), int(summary["different"])) == (sum(tally.values()), len(tally))
    common = [(ast.literal_eval(m["word"]), int(m["n"])) for m in
              re.finditer(r"(?P<word>'[^']*'|\"[^\"]*\") x(?P<n>\d+)", summary["common"])]
    assert len(common) == 3
    for word, n in common:                  # the three most common (ties in any order)
        assert tally[word] == n
        assert all(count <= n for other, count in tally.items()
                   if other not in dict(common))


def test_nobody_hears_a_line_before_joining_or_after_leaving(demoRun: DemoRun) -> None:
    joined: set[str] = set()
    left: set[str] = set()
    relayed: set[str] = set()
    for who, verb, text in demoRun.events():
        if verb == "joins":
            joined.add(who)
        elif verb == "leaves":
            assert who in joined and who not in left, (who, verb)
            left.add(who)
        elif verb == "relays":
            relayed.add(text)
        elif verb == "hears":
            assert who in joined, f"{who} hears {text!r} before joining"
            assert who not in left, f"{who} hears {text!r} after leaving"
            assert text in relayed, f"{who} hears {text!r}, which was never relayed"
    assert joined == left == {role.name for role in SCRIPT}


def test_the_header_gives_the_chat_servers_address_and_the_live_pages_url(
        demoRun: DemoRun) -> None:
    chat = re.fullmatch(r"Kamaelia demo: a chat server on 127\.0\.0\.1:(\d+) and four "
                        rf"scripted clients, for {DEMO_SECONDS} s", demoRun.lines[0])
    page = re.fullmatch(r"Watch it live: http://127\.0\.0\.1:(\d+)/", demoRun.lines[1])
    assert chat is not None and page is not None, demoRun.lines[:2]
    assert 0 < int(page[1]) < 65536 and page[1] != chat[1]
    joins = [text for _, verb, text in demoRun.events() if verb == "joins"]
    assert joins == [f"(connects to 127.0.0.1:{chat[1]})"] * len(SCRIPT)


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


def test_verbose_demo_logs_the_components_each_client_leaving_and_each_part_stopped(
        caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["-v", "demo", "--seconds", "2"]) == 0
    assert capsys.readouterr().out.splitlines()[-1].startswith("Summary: ")
    records = [r for r in caplog.records if r.name == "Kamaelia.Apps.Demo"]
    assert {r.levelname for r in records} == {"DEBUG"}       # (-v only)
    demo = [r.getMessage() for r in records]
    built = re.fullmatch(r"built (.*)", demo[0])
    assert built is not None, demo[0]
    parts = built[1].split(", ")
    kinds = [re.sub(r"^Kamaelia\.[\w.]+\.(\w+)_\d+$", r"\1", part) for part in parts]
    assert kinds == ["TopologyServer", "ServerCore", "Backplane", "Pipeline", "Director"]
    page, server, backplane, chatLog, director = parts
    leaving = [next((i for i, m in enumerate(demo) if re.fullmatch(
                   rf"Kamaelia\.Apps\.Demo\.clients\.Speaker_\d+ \({role.name}\) leaves: "
                   r"producerFinished out of signal", m)), None) for role in SCRIPT]
    assert None not in leaving, demo
    stops = [(i, m) for i, m in enumerate(demo)
             if m.startswith(f"{director}: every client has left; ")]
    assert [m for _, m in stops] == [f"{director}: every client has left; {message} to {part}"
                                     for message, part in [("serverShutdown", server),
                                                           ("producerFinished", chatLog),
                                                           ("producerFinished", backplane),
                                                           ("producerFinished", page)]]
    assert max(i for i in leaving if i is not None) < stops[0][0]
    assert demo[-1] == "every component has ended"


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

def _narrated(at: float, who: str, verb: str, text: str) -> str:
    """The line the demo's Narrator prints for this, ``at`` seconds in."""
    out = io.StringIO()
    times = iter([0.0, at])
    Narrator(out, clock=lambda: next(times)).tell(who, verb, text)
    return out.getvalue().rstrip("\n")


def _shape(line: str) -> str:
    return re.sub(r"\d+|PORT", "N", line)


def test_demo_help_explains_every_kind_of_line_the_demo_prints(
        demoRun: DemoRun, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["demo", "--help"])
    assert caught.value.code == 0
    helpText = capsys.readouterr().out
    assert "usage: kamaelia demo" in helpText
    assert {verb for _, verb, _ in demoRun.events()} == set(VERBS)
    for verb in VERBS:              # an example of each, with its meaning after it
        example = re.search(rf"^  ( *\d+\.\ds  \w+ +{verb}\b.*)\n +\^ \S", helpText, re.M)
        assert example is not None, verb
        shown = EVENT.fullmatch(example[1])
        assert shown is not None
        assert example[1] == _narrated(float(shown["at"]), shown["who"], shown["verb"],
                                       shown["text"] or "")     # laid out as printed
    header = re.search(r"^  (Kamaelia demo: .*)\n  (Watch it live: .*)\n +\^ \S",
                       helpText, re.M)
    assert header is not None
    assert [_shape(line) for line in header.groups()] == [_shape(line)
                                                          for line in demoRun.lines[:2]]
    summary = re.search(r"^  (Summary: .*)\.\.\.\n +\^ \S", helpText, re.M)
    assert summary is not None
    assert _shape(demoRun.lines[-1]).startswith(_shape(summary[1]))
    assert "producerFinished" in helpText and "kamaelia -v demo" in helpText


@pytest.mark.parametrize("option, value", [("--seconds", "0"), ("--seconds", "-1"),
                                           ("--port", "70000")])
def test_demo_with_a_bad_seconds_or_port_exits_2_naming_the_value(
        option: str, value: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", option, value]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert re.fullmatch(rf"kamaelia demo: {option} must be .*, got {value}\n", captured.err)


def test_demo_with_seconds_that_are_not_a_number_exits_2_naming_them(
        capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["demo", "--seconds", "soon"])
    assert caught.value.code == 2
    assert "invalid float value: 'soon'" in capsys.readouterr().err


def test_demo_with_its_page_port_in_use_exits_1_saying_so(
        capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["demo", "--port", str(port)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(f"kamaelia demo: cannot serve the page on port {port}: ")
    assert "Address already in use" in captured.err


def test_ctrl_c_ends_the_demo_early_with_the_summary_and_status_0() -> None:
    child = subprocess.Popen([sys.executable, "-m", "Kamaelia.cli", "demo", "--seconds", "60"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None
        seen = []
        for line in child.stdout:                   # until the first client is in
            seen.append(line)
            if " joins " in line:
                break
        child.send_signal(signal.SIGINT)
        rest, err = child.communicate(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.communicate()
    lines = [line for line in (*seen, *rest.splitlines()) if line.strip()]
    assert (child.returncode, err) == (0, "")
    assert "(cut short)" in lines and lines[-1].startswith("Summary: ")
    assert re.search(r"\d+ clients joined and \d+ left", lines[-1])
    leaves = [line for line in lines if " leaves" in line]
    joins = [line for line in lines if " joins " in line]
    assert joins and len(leaves) == len(joins)      # everyone who came has left


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
