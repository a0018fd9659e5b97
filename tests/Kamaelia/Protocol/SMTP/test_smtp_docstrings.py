"""The Example Usage of each Kamaelia.Protocol.SMTP module runs and prints what it says.

In each module's "Example Usage" section the first ``::`` block is the
program and the ``prints::`` block after it is its output, exactly; the
program runs in a new interpreter.
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

SRC = Path(__file__).resolve().parents[4] / "src"
MODULES = ["Kamaelia.Protocol.SMTP", "Kamaelia.Protocol.SMTP.server",
           "Kamaelia.Protocol.SMTP.client"]


def test_every_public_module_is_here() -> None:
    found = {f"Kamaelia.Protocol.SMTP.{p.stem}"
             for p in (SRC / "Kamaelia" / "Protocol" / "SMTP").glob("*.py")
             if not p.name.startswith("_")}
    assert found | {"Kamaelia.Protocol.SMTP"} == set(MODULES)


@pytest.mark.parametrize("module", MODULES)
def test_the_example_prints_what_it_promises(module: str) -> None:
    doc = importlib.import_module(module).__doc__ or ""
    section = re.split(r"\n\S.*\n-+\n", doc.split("Example Usage\n-------------\n", 1)[1])[0]
    code, printed = [textwrap.dedent(block)
                     for block in re.findall(r"::\n\n((?:(?:    .*)?\n)+)", section)][:2]
    assert "prints::" in section
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(SRC)] + ([os.environ["PYTHONPATH"]] if os.environ.get("PYTHONPATH") else [])))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=30, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert done.stdout == printed.rstrip("\n") + "\n"


def test_the_names_are_importable_from_the_package() -> None:
    package = importlib.import_module("Kamaelia.Protocol.SMTP")
    server = importlib.import_module("Kamaelia.Protocol.SMTP.server")
    client = importlib.import_module("Kamaelia.Protocol.SMTP.client")
    for name in package.__all__:
        assert getattr(package, name) is getattr(server, name, None) or \
            getattr(package, name) is getattr(client, name, None), name
    assert set(server.__all__) | set(client.__all__) == set(package.__all__)
