"""The Example Usage code in each Kamaelia.Protocol module's docstring runs as printed.

All the ``::`` blocks of a module's "Example Usage" section are run together,
as one program in its own interpreter, and must print exactly what is
expected here, to stdout only. (The server examples further down the
docstrings serve for ever, so they are not run.)
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
    "Kamaelia.Protocol": "hello\nworld\n",
    "Kamaelia.Protocol.Framing": ("1: hello\n2: world\none message\nand another\nTrue\n"
                                  "SimpleFrame(7, b'hi')\nb'XXXXXXXXXXXXXXXXXXXXXXXX50%25 %58'\n"
                                  "b'first'\nb'second'\n"),
    "Kamaelia.Protocol.EchoProtocol": "hello\nworld\n",
    "Kamaelia.Protocol.FortuneCookieProtocol": "Luck is a pause.\n",
    "Kamaelia.Protocol.AudioCookieProtocol": "476 476 48 ",
    "Kamaelia.Protocol.EchoProtocolComponent": "echo\n",
    "Kamaelia.Protocol.MimeRequestComponent": "GET /index.html ['Host', 'example.com'] 'hello'\n",
    "Kamaelia.Protocol.RecoverOrder": "0a 1b 2c 3d 4e 5f 6g 7h 0i 1j ",
    "Kamaelia.Protocol.SDP": "SDP Seminar: [('audio', 49170), ('video', 51372)]\n",
    "Kamaelia.Protocol.SimpleReliableMulticast": "1 one\n2 two\n3 three\n",
    "Kamaelia.Protocol.SimpleVideoCookieServer": "1953 1953 1094 ",
    "Kamaelia.Protocol.Packetise": "b'abcd'\nb'ef'\nb'gh'\nb'ijk'\nb'abcd'\nb'efgh'\nb'ijk'\n",
}


def exampleCode(module: str) -> str:
    """The ``::`` blocks of ``module``'s "Example Usage" section, joined."""
    doc = importlib.import_module(module).__doc__ or ""
    section = re.split(r"\n\S.*\n-+\n", doc.split("Example Usage\n-------------\n", 1)[1])[0]
    blocks = re.findall(r"::\n\n((?:(?:    .*)?\n)+)", section)
    return "\n".join(textwrap.dedent(block) for block in blocks)


def test_every_module_of_the_package_has_an_expected_output() -> None:
    modules = {f"Kamaelia.Protocol.{p.stem}" for p in (SRC / "Kamaelia" / "Protocol").glob("*.py")
               if not p.name.startswith("_")}
    assert modules | {"Kamaelia.Protocol"} == set(EXPECTED)


@pytest.mark.parametrize("module", sorted(EXPECTED))
def test_the_docstring_example_prints_what_it_promises(module: str) -> None:
    code = exampleCode(module)
    assert code.strip(), f"{module} has no example code"
    assert "SimpleServer" not in code, "a server example would never end"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(SRC)] + ([os.environ["PYTHONPATH"]] if os.environ.get("PYTHONPATH") else [])))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=30, env=env, input="")
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert done.stdout == EXPECTED[module]
