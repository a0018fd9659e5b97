"""Kamaelia 1.14's public surface is all here, or retired for a stated reason.

For every module of ``tests/data/kamaelia114_surface.json`` (1.14.32's
classes, methods with their parameters, boxes, functions and names, for the
packages we promise), the module imports and :func:`surface114.problems`
finds nothing missing or incompatible. A retired module instead raises an
ImportError that says why, and the retired table is the same here, in
``Kamaelia._retired`` and in ``docs/compatibility.md``.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import re
import sys
from pathlib import Path

import pytest

import surface114
from Kamaelia._retired import RETIRED

ROOT = Path(__file__).resolve().parent.parent
SURFACE = surface114.load_surface()
LIVE = sorted(m for m in SURFACE if surface114.retired_reason(m) is None)
GONE = sorted(m for m in SURFACE if surface114.retired_reason(m) is not None)

#: What is retired and a word of why; the test pins that exactly these are
#: retired and that each says so when imported.
RETIRED_HERE = {
    "Kamaelia.Protocol.AIM": "AIM",
    "Kamaelia.Support.OscarUtil": "AIM",
    "Kamaelia.Support.OscarUtil2": "AIM",
    "Kamaelia.Protocol.Torrent": "BitTorrent 4",
    "Kamaelia.Protocol.HTTP.Handlers.UploadTorrents": "BitTorrent",
    "Kamaelia.vorbisDecodeComponent": "disabled",
    "Kamaelia.Support.Data.tests": "unit tests",
}


#: Deliberate departures from 1.14's surface, where ours is better (e.g. a
#: timer where 1.14 spent a thread): module -> {problem as the checker words
#: it: the reason}. Each is also listed on the compatibility page.
DELIBERATE: dict[str, dict[str, str]] = {
    "Kamaelia.Util.Clock": {
        "CheapAndCheerfulClock: base 'threadedcomponent' is not in the MRO":
            "it waits on the scheduler's timers instead of sleeping in a thread of its own",
    },
}


@pytest.mark.parametrize("module", LIVE)
def test_module_has_the_whole_1_14_surface(module: str) -> None:
    allowed = DELIBERATE.get(module, {})
    found = [str(p) for p in surface114.problems(module, SURFACE[module])]
    unexpected = [p for p in found if p not in allowed]
    assert not unexpected, f"{module}:\n" + "\n".join(f"  {p}" for p in unexpected)
    stale = [p for p in allowed if p not in found]
    assert not stale, f"{module}: no longer differs, drop from DELIBERATE: {stale}"


def test_every_deliberate_departure_is_on_the_compatibility_page() -> None:
    page = (ROOT / "docs" / "compatibility.md").read_text(encoding="utf-8")
    for module, departures in DELIBERATE.items():
        for problem in departures:
            name = problem.split(":", 1)[0]
            assert f"{module}.{name}" in page, (module, problem)


@pytest.mark.parametrize("module", GONE)
def test_retired_module_says_why_when_imported(module: str) -> None:
    sys.modules.pop(module, None)
    with pytest.raises(ImportError, match=r"is retired: .*docs/compatibility\.md"):
        importlib.import_module(module)


def test_the_retired_table_is_the_agreed_one() -> None:
    assert set(RETIRED) == set(RETIRED_HERE)
    for module, word in RETIRED_HERE.items():
        assert word in RETIRED[module], (module, RETIRED[module])


def test_the_docs_list_every_retired_module_with_its_reason() -> None:
    page = (ROOT / "docs" / "compatibility.md").read_text(encoding="utf-8")
    table = page.split("## Retired modules", 1)[1].split("\n## ", 1)[0]
    rows = dict(re.findall(r"^\| `([\w.]+)` \| (.+?) \|$", table, re.M))
    assert set(rows) == set(RETIRED)
    for module, reason in RETIRED.items():
        assert rows[module] == reason


def test_every_retired_module_is_in_the_surface() -> None:
    for module in RETIRED:
        assert module in SURFACE or any(m.startswith(module + ".") for m in SURFACE), module


def test_the_data_file_is_what_the_generator_makes() -> None:
    inventory = ROOT.parent / "shared" / "reference" / "kamaelia-1.14-api.json"
    if not inventory.exists():
        pytest.skip(f"the 1.14 inventory is not beside this checkout ({inventory})")
    spec = importlib.util.spec_from_file_location(
        "generate_surface_data", ROOT / "scripts" / "generate_surface_data.py")
    assert spec and spec.loader
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    api = json.loads(inventory.read_text(encoding="utf-8"))
    expected = {m: generator.trimmed(e) for m, e in sorted(api.items()) if generator.covered(m)}
    assert SURFACE == expected


# -- the checker itself -------------------------------------------------------

@pytest.mark.parametrize("ours,problem", [
    ("def f(self, a, b=1, *args, **kw): ...", None),
    ("def f(self, a, b=1, c=2, *args, d=3, **kw): ...", None),
    ("def f(this, a, b=1, *args, **kw): ...", None),
    ("def f(self, x, b=1, *args, **kw): ...", "position 1 is 'x', 1.14 has 'a'"),
    ("def f(self, a, b, *args, **kw): ...", "parameter 'b' needs a default, as in 1.14"),
    ("def f(self, a, *args, **kw): ...", "parameter 'b' (position 2) is missing"),
    ("def f(self, a, b=1, c=None, *args, **kw): ...", None),
    ("def f(self, a, b=1, **kw): ...", "1.14 takes *args"),
    ("def f(self, a, b=1, *args): ...", "1.14 takes **kwargs"),
    ("def f(self, a, b=1, *args, d, **kw): ...",
     "added keyword-only parameter 'd' has no default"),
])
def test_signature_problem_names_what_breaks_1_14_callers(ours: str, problem: str | None) -> None:
    namespace: dict = {}
    exec(ours, namespace)
    assert surface114.signature_problem("(self, a, b=1, *args, **kw)", namespace["f"],
                                        bound_first=True) == problem


def test_an_added_parameter_without_a_default_breaks_1_14_callers() -> None:
    def f(self, a, extra): ...
    assert surface114.signature_problem("(self, a)", f, bound_first=True) == \
        "added parameter 'extra' has no default"


def test_class_problems_reports_missing_methods_boxes_and_bases() -> None:
    class Thing:
        Inboxes = {"inbox": "data"}

        def go(self, fast): ...

    found = [str(p) for p in surface114.class_problems("Thing", Thing, {
        "bases": ["component"], "methods": {"go": "(self, fast)", "stop": "(self)"},
        "Inboxes": ["inbox", "control"], "attributes": ["speed"]})]
    assert found == ["Thing: base 'component' is not in the MRO",
                     "Thing: class attribute 'speed' is missing",
                     "Thing: method stop(self): missing",
                     "Thing: Inboxes lacks 'control'"]
