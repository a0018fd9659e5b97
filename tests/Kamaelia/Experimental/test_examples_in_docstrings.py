"""The "Example Usage" code blocks of the modules of this area run as printed.

Covers Kamaelia.Experimental, Kamaelia.XML, Kamaelia.Automata,
Kamaelia.Apps.SA and Kamaelia.Support.Data.Experimental, checked as the
cookbook's code blocks are (``tests/test_docs.py``): exit status 0,
something printed, nothing on stderr. The ``>>>`` examples of
Kamaelia.Support.Data's Escape, Rationals, ISO639_2 and Repository are run
as doctests here too.
"""

from __future__ import annotations

import ast
import doctest
import importlib
import re
import textwrap
from pathlib import Path

import pytest

from test_docs import assert_runs_cleanly

ROOT = Path(__file__).resolve().parents[3]
KAMAELIA = ROOT / "src" / "Kamaelia"
PATHS = [*sorted((KAMAELIA / "Experimental").glob("*.py")),
         *sorted((KAMAELIA / "XML").glob("*.py")),
         *sorted((KAMAELIA / "Automata").glob("*.py")),
         *sorted((KAMAELIA / "Apps" / "SA").glob("*.py")),
         KAMAELIA / "Support" / "Data" / "Experimental.py"]


def example_blocks() -> list[tuple[str, str]]:
    """(id, code) for each ``::`` block between "Example Usage" and "How does it work?"."""
    found = []
    for path in PATHS:
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")), clean=False)
        if not doc or "Example Usage" not in doc:
            continue
        section = doc.split("Example Usage", 1)[1].split("How does it work?", 1)[0]
        blocks = re.findall(r"::\n\n((?:    .*\n|[ \t]*\n)+)", section)
        name = path.relative_to(KAMAELIA).with_suffix("").as_posix()
        found += [(f"{name}#{n}", textwrap.dedent(block)) for n, block in enumerate(blocks)]
    return found


BLOCKS = example_blocks()


def test_every_module_with_components_has_an_example() -> None:
    documented = {name.split("#")[0] for name, _ in BLOCKS}
    assert documented >= {"Experimental/Chassis", "Experimental/Services",
                          "Experimental/PythonInterpreter", "Experimental/ERParsing",
                          "XML/SimpleXMLParser", "Automata/Behaviours", "Apps/SA/DSL",
                          "Apps/SA/Time", "Apps/SA/Chassis", "Support/Data/Experimental"}


@pytest.mark.parametrize("name,code", BLOCKS, ids=[name for name, _ in BLOCKS])
def test_the_example_runs_as_printed(name: str, code: str) -> None:
    assert_runs_cleanly(name, code)


@pytest.mark.parametrize("module", ["Escape", "Rationals", "ISO639_2", "Repository"])
def test_the_doctests_pass(module: str) -> None:
    found = importlib.import_module(f"Kamaelia.Support.Data.{module}")
    failures, tried = doctest.testmod(found, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert tried > 0 and failures == 0
