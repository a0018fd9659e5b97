"""Every code block in the "Example Usage" section of a Kamaelia.Util module's
docstring runs as printed, checked exactly as the cookbook's code blocks are
(``tests/test_docs.py``): exit status 0, something printed, nothing on stderr.

The house style puts a runnable example first in each module docstring; this
keeps them runnable. Private modules (``_name.py``) are not covered.
"""

from __future__ import annotations

import ast
import re
import textwrap
from pathlib import Path

import pytest

from test_docs import assert_runs_cleanly

ROOT = Path(__file__).resolve().parents[3]
UTIL = ROOT / "src" / "Kamaelia" / "Util"


def example_blocks() -> list[tuple[str, str]]:
    """(id, code) for each ``::`` block between "Example Usage" and "How does it work?"."""
    found = []
    for path in sorted(UTIL.rglob("*.py")):
        if path.name.startswith("_"):
            continue
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")), clean=False)
        if not doc or "Example Usage" not in doc:
            continue
        section = doc.split("Example Usage", 1)[1].split("How does it work?", 1)[0]
        blocks = re.findall(r"::\n\n((?:    .*\n|[ \t]*\n)+)", section)
        name = path.relative_to(UTIL).with_suffix("").as_posix()
        found += [(f"{name}#{n}", textwrap.dedent(block)) for n, block in enumerate(blocks)]
    return found


BLOCKS = example_blocks()


def test_there_are_examples_to_run() -> None:
    assert len(BLOCKS) >= 20


@pytest.mark.parametrize("name,code", BLOCKS, ids=[name for name, _ in BLOCKS])
def test_the_example_runs_as_printed(name: str, code: str) -> None:
    assert_runs_cleanly(name, code)
