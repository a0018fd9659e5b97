"""The "Example Usage" code in the docstrings of the UDP and multicast modules runs
as printed (checked as ``tests/test_docs.py`` checks the cookbook: exit status
0, something printed, nothing on stderr)."""

from __future__ import annotations

import ast
import re
import textwrap
from pathlib import Path

import pytest

from test_docs import assert_runs_cleanly

INTERNET = Path(__file__).resolve().parents[3] / "src" / "Kamaelia" / "Internet"
MODULES = ["UDP", "UDP_ng", "Multicast_sender", "Multicast_receiver",
           "Multicast_transceiver", "_datagram", "_multicast"]


def example_blocks() -> list[tuple[str, str]]:
    found = []
    for name in MODULES:
        source = (INTERNET / f"{name}.py").read_text(encoding="utf-8")
        doc = ast.get_docstring(ast.parse(source), clean=False) or ""
        section = doc.split("Example Usage", 1)[-1].split("How does it work?", 1)[0]
        blocks = re.findall(r"::\n\n((?:    .*\n|[ \t]*\n)+)", section)
        found += [(f"{name}#{n}", textwrap.dedent(block)) for n, block in enumerate(blocks)]
    return found


BLOCKS = example_blocks()


def test_every_module_has_an_example() -> None:
    assert {name.split("#")[0] for name, _ in BLOCKS} == set(MODULES)


@pytest.mark.parametrize("name,code", BLOCKS, ids=[name for name, _ in BLOCKS])
def test_the_example_runs_as_printed(name: str, code: str) -> None:
    assert_runs_cleanly(name, code)
