"""Every Python code block in the docs and the README runs as printed."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def _blocks() -> list[tuple[str, str]]:
    found = []
    for doc in DOCS:
        for n, block in enumerate(re.findall(r"```python\n(.*?)```", doc.read_text(), re.S)):
            found.append((f"{doc.name}#{n}", block))
    return found


def assert_runs_cleanly(name: str, code: str) -> None:
    """Run ``code`` in its own interpreter (``src`` on the path, ``hello\\nworld\\n``
    on standard input): it must exit 0, print something and write no stderr.

    Also used for the examples in module docstrings
    (``tests/Kamaelia/Util/test_docstring_examples.py``).
    """
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]))
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=30, env=env, cwd=ROOT, input="hello\nworld\n")
    assert result.returncode == 0, f"{name} failed:\n{result.stderr}"
    assert result.stderr == "", f"{name} wrote to stderr:\n{result.stderr}"
    assert result.stdout.strip(), f"{name} printed nothing"


@pytest.mark.parametrize("name,code", _blocks(), ids=[name for name, _ in _blocks()])
def test_doc_code_block_runs_cleanly(name: str, code: str) -> None:
    assert_runs_cleanly(name, code)


def test_docs_have_code_to_run() -> None:
    assert len(_blocks()) >= 10
