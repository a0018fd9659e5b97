"""The Example Usage code in each chassis module's docstring runs as printed.

All the ``::`` blocks of a module are run together (later ones may use what
earlier ones imported) as a program, fed ``hello\\nworld\\n`` on standard
input, and must print exactly what is expected here, to stdout only.
"""

from __future__ import annotations

import importlib
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[3] / "src"

EXPECTED = {
    "Kamaelia.Chassis.Pipeline": "hello\nworld\n",
    "Kamaelia.Chassis.Graphline": "HELLO\nWORLD\nHELLO\nWORLD\n",
    "Kamaelia.Chassis.Carousel": "-- one --\n(text)\n-- two --\n(text)\n",
    "Kamaelia.Chassis.Seq": "Hello\nHow are you?\nFine, thank you\n",
    "Kamaelia.Chassis.PAR": "left\nright\n",
    "Kamaelia.Chassis.Prefab": "showing one\nshowing two\nshowing three\n",
}


def exampleCode(module: str) -> str:
    """The indented blocks after ``::`` lines in ``module``'s docstring, joined."""
    doc = importlib.import_module(module).__doc__ or ""
    blocks = re.findall(r"::\n\n((?:(?:    .*)?\n)+)", doc)
    return "\n".join(textwrap.dedent(block) for block in blocks)


@pytest.mark.parametrize("module", sorted(EXPECTED))
def test_the_docstring_example_prints_what_it_promises(module: str) -> None:
    code = exampleCode(module)
    assert code.strip(), f"{module} has no example code"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(SRC)] + ([os.environ["PYTHONPATH"]] if os.environ.get("PYTHONPATH") else [])))
    done = subprocess.run([sys.executable, "-c", code], input="hello\nworld\n",
                          capture_output=True, text=True, timeout=30, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert done.stdout == EXPECTED[module]
