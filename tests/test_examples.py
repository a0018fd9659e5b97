"""Run every example in ``examples/`` as a program and check what it prints.

Examples live in ``src/Kamaelia/examples/`` and its ``compat114/`` folder
(programs in the shape of Kamaelia 1.14's own examples): package data, so
that ``kamaelia examples`` finds them after a pip install. The top-level
``examples/`` is a link to that folder, which is how the examples' own usage
lines (``python examples/...``) and these tests reach them. Each is run with
the interpreter running the tests, ``src`` on ``PYTHONPATH``, the repository
root as working directory and a 30 s limit.
By default it is fed ``hello\\nworld\\n`` on standard input and must print
exactly that and exit 0 (the seed examples echo their input). An example
that needs something else declares it with module-level string constants,
read here by parsing the file (examples are never imported)::

    EXAMPLE_STDIN = "some input\\n"
    EXAMPLE_EXPECT = "what it must print\\n"
    EXAMPLE_ARGS = "--demo --headless"      # command-line arguments (shell words)
"""

from __future__ import annotations

import ast
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# examples/compat114/ holds our own programs in the shape of Kamaelia 1.14's
# maintained examples (one per 1.14 example folder).
EXAMPLES = sorted([*(ROOT / "examples").glob("*.py"),
                   *(ROOT / "examples" / "compat114").glob("*.py")])

DEFAULT_STDIN = "hello\nworld\n"
DEFAULT_EXPECT = "hello\nworld\n"


def declared(path: Path) -> dict[str, str]:
    """The EXAMPLE_STDIN / EXAMPLE_EXPECT / EXAMPLE_ARGS string constants an
    example declares."""
    found: dict[str, str] = {}
    for node in ast.parse(path.read_text(encoding="utf-8"), filename=str(path)).body:
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        else:
            continue
        for target in targets:
            if isinstance(target, ast.Name) and target.id in ("EXAMPLE_STDIN",
                                                              "EXAMPLE_EXPECT",
                                                              "EXAMPLE_ARGS"):
                constant = ast.literal_eval(value)
                if not isinstance(constant, str):
                    raise TypeError(f"{path.name}: {target.id} must be a str literal, "
                                    f"not {constant!r}")
                found[target.id] = constant
    return found


def test_there_are_examples() -> None:
    assert EXAMPLES, "examples/ has no *.py files"


def test_the_top_level_examples_folder_is_the_packages() -> None:
    # `python examples/NAME.py` (in a checkout) and `kamaelia examples NAME`
    # (from an install) must run the same files.
    assert (ROOT / "examples").resolve() == (ROOT / "src" / "Kamaelia" / "examples").resolve()


@pytest.mark.parametrize("path", EXAMPLES,
                         ids=[str(p.relative_to(ROOT / "examples")) for p in EXAMPLES])
def test_example_runs_and_prints_what_it_should(path: Path) -> None:
    settings = declared(path)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(ROOT / "src")] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    done = subprocess.run(
        [sys.executable, str(path), *shlex.split(settings.get("EXAMPLE_ARGS", ""))],
        input=settings.get("EXAMPLE_STDIN", DEFAULT_STDIN),
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=30,
    )
    assert done.returncode == 0, f"{path.name} exited {done.returncode}:\n{done.stderr}"
    assert done.stdout == settings.get("EXAMPLE_EXPECT", DEFAULT_EXPECT), done.stderr


def test_declared_reads_the_constants_without_importing(tmp_path: Path) -> None:
    example = tmp_path / "custom.py"
    example.write_text('raise SystemExit("importing me is a mistake")\n'
                       'EXAMPLE_STDIN = "in\\n"\n'
                       'EXAMPLE_EXPECT: str = "out\\n"\n', encoding="utf-8")
    assert declared(example) == {"EXAMPLE_STDIN": "in\n", "EXAMPLE_EXPECT": "out\n"}


NETWORK_EXAMPLES = ["echo_server.py", "fortune_server.py", "chat_server.py"]


@pytest.mark.parametrize("name", NETWORK_EXAMPLES)
def test_network_example_works_over_ipv6_too(name: str) -> None:
    # The demonstrations run on 127.0.0.1 above; their demonstrate(host)
    # runs the same system on ::1.
    path = ROOT / "examples" / name
    code = (f"import runpy; runpy.run_path({str(path)!r}, run_name='example')"
            f"['demonstrate']('::1')")
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(ROOT / "src")] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=30, input="")
    assert done.returncode == 0, f"{name} on ::1 exited {done.returncode}:\n{done.stderr}"
    assert done.stdout == declared(path)["EXAMPLE_EXPECT"], done.stderr
