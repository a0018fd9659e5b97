"""The Example Usage code of Kamaelia.Protocol.WebSocket's docstrings runs as printed."""

from __future__ import annotations

import importlib
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[4] / "src"

EXPECTED = {
    "Kamaelia.Protocol.WebSocket": "HELLO\n",
    "Kamaelia.Protocol.WebSocket.session": ("b'HTTP/1.1 101 Switching Protocols' open\n"
                                            "['hi']\nb'\\x81\\x05hello'\n"),
}


def exampleCode(module: str) -> str:
    doc = importlib.import_module(module).__doc__ or ""
    section = re.split(r"\n\S.*\n-+\n", doc.split("Example Usage\n-------------\n", 1)[1])[0]
    blocks = re.findall(r"::\n\n((?:(?:    .*)?\n)+)", section)
    # (a block introduced by "prints::" is the expected output, not code)
    code = [textwrap.dedent(b) for b in blocks]
    if "prints::" in section:
        code = code[:-1]
    return "\n".join(code)


@pytest.mark.parametrize("module", sorted(EXPECTED))
def test_the_docstring_example_prints_what_it_promises(module: str) -> None:
    code = exampleCode(module)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")]))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=30, env=env, input="")
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert done.stdout == EXPECTED[module]


def test_the_printed_output_in_the_session_docstring_is_what_it_prints() -> None:
    doc = importlib.import_module("Kamaelia.Protocol.WebSocket.session").__doc__ or ""
    printed = doc.split("prints::\n\n", 1)[1].split("\n\n", 1)[0]
    assert textwrap.dedent(printed) + "\n" == EXPECTED["Kamaelia.Protocol.WebSocket.session"]
