"""The API reference builds, and the package docstrings list their modules.

The reference (``docs/reference``, Sphinx) is built here from a copy of its
sources with ``-W``, so a docstring that breaks it fails a test rather than
the next person who builds it; its per-package pages are generated from the
code by ``docs/reference/_ext/kamaelia_reference.py``, which is also tested
on a package made up for the purpose. ``pydoc Kamaelia.Util`` (and every
other package) shows a one-line description of each of the package's
modules: the last tests here keep those lists complete and current.
"""

from __future__ import annotations

import html
import importlib
import importlib.util
import os
import pkgutil
import re
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "docs" / "reference"
sys.path.insert(0, str(REFERENCE / "_ext"))

import kamaelia_reference  # noqa: E402  (lives with the reference's sources)

from Kamaelia._retired import RETIRED  # noqa: E402


# ----------------------------------------------------------------- the build

@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The reference built as ``docs/reference/index.rst`` says, with ``-W``,
    from a copy of its sources (so the source tree is left untouched)."""
    work = tmp_path_factory.mktemp("reference")
    source = work / "source"
    shutil.copytree(REFERENCE, source, ignore=shutil.ignore_patterns("_generated", "__pycache__"))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]))
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "html", "-W", "--keep-going", "-q", "-j", "2",
         "-d", str(work / "doctrees"), str(source), str(work / "html")],
        capture_output=True, text=True, timeout=300, env=env, cwd=work)
    assert result.returncode == 0, f"the reference does not build cleanly:\n{result.stderr}"
    return work / "html"


def page_text(path: Path) -> str:
    """The text of an HTML page, tags removed, white space collapsed."""
    body = re.sub(r"<(script|style).*?</\1>", "", path.read_text(encoding="utf-8"), flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def component_items(path: Path) -> dict[str, str]:
    """Component name -> the text of its line in the page's "Components" list."""
    page = path.read_text(encoding="utf-8")
    section = page.split('id="components"', 1)[1].split('<section', 1)[0]
    items = {}
    for item in re.findall(r"<li>(.*?)</li>", section, flags=re.S):
        text = " ".join(html.unescape(re.sub(r"<[^>]+>", "", item)).split())
        items[text.split()[0]] = text
    return items


@pytest.mark.timeout(360)
def test_every_package_has_a_page(built: Path) -> None:
    expected = {package.name for package in kamaelia_reference.discover()}
    assert {"Axon", "Kamaelia.Chassis", "Kamaelia.Util", "Kamaelia.Internet",
            "Kamaelia.Protocol", "Kamaelia.File", "Kamaelia.Support"} <= expected
    missing = sorted(name for name in expected
                     if not (built / "_generated" / f"{name}.html").exists())
    assert missing == []
    index = (built / "index.html").read_text(encoding="utf-8")
    assert "_generated/Axon.html" in index and "_generated/Kamaelia.html" in index


@pytest.mark.timeout(360)
@pytest.mark.parametrize("package,module,name", [
    ("Kamaelia.Util", "Kamaelia.Util.Console", "ConsoleEchoer"),
    ("Kamaelia.Chassis", "Kamaelia.Chassis.Graphline", "Graphline"),
    ("Kamaelia.Internet", "Kamaelia.Internet.TCPClient", "TCPClient"),
    ("Kamaelia.Util", "Kamaelia.Util.ProcessPoolTransformer", "ProcessPoolTransformer"),
    ("Axon", "Axon.ThreadedComponent", "threadedcomponent"),
])
def test_a_component_has_one_line_with_its_boxes(built: Path, package: str, module: str,
                                                  name: str) -> None:
    cls = getattr(importlib.import_module(module), name)
    line = component_items(built / "_generated" / f"{package}.html")[name]
    for boxes in (cls.Inboxes, cls.Outboxes):
        for box, description in boxes.items():
            assert f"{box}: {' '.join(description.split())}" in line, line


@pytest.mark.timeout(360)
def test_a_page_has_the_autodoc_detail_of_its_modules(built: Path) -> None:
    page = (built / "_generated" / "Kamaelia.Util.html").read_text(encoding="utf-8")
    assert 'id="Kamaelia.Util.Console.ConsoleEchoer"' in page
    assert 'id="Kamaelia.Util.PureTransformer.PureTransformer"' in page
    axon = (built / "_generated" / "Axon.html").read_text(encoding="utf-8")
    assert 'id="Axon.Component.component.send"' in axon


@pytest.mark.timeout(360)
def test_retired_modules_are_listed_with_their_reason(built: Path) -> None:
    text = page_text(built / "_generated" / "Kamaelia.Protocol.html")
    assert "Kamaelia.Protocol.AIM -- retired: " + RETIRED["Kamaelia.Protocol.AIM"] in text
    assert "Kamaelia.Protocol.Torrent -- retired" in text


@pytest.mark.timeout(360)
def test_prefabs_are_listed(built: Path) -> None:
    text = page_text(built / "_generated" / "Kamaelia.Chassis.html")
    assert "JoinChooserToCarousel (chooser" in text


# ------------------------------------------------------------- the generator

@pytest.fixture
def made_up_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A package ``refprobe`` with a component module, a broken module, one
    that needs a package that is not installed, and a private one."""
    package = tmp_path / "refprobe"
    package.mkdir()
    (package / "__init__.py").write_text('"""A made-up package."""\n')
    (package / "widgets.py").write_text(textwrap.dedent('''\
        """Widgets, polished."""
        from Axon.Component import component

        class Polisher(component):
            """Polisher() -> polishes widgets"""
            Inboxes = {"inbox": "widgets to polish", "control": "shutdown *now*"}
            Outboxes = ["outbox", "signal"]

        polisher = Polisher

        def PolishingLine():
            """PolishingLine() -> a Pipeline of polishers"""

        __kamaelia_prefabs__ = (PolishingLine,)
        '''))
    (package / "broken.py").write_text("raise RuntimeError('broken on purpose')\n")
    (package / "optional.py").write_text("import surely_not_installed_anywhere\n")
    (package / "_private.py").write_text("class Hidden:\n    Inboxes = {}\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield "refprobe"
    for name in [m for m in sys.modules if m == "refprobe" or m.startswith("refprobe.")]:
        del sys.modules[name]


def test_a_new_component_appears_without_being_registered(made_up_package: str) -> None:
    [package] = kamaelia_reference.discover((made_up_package,))
    page = kamaelia_reference.render(package)
    assert ("* :class:`Polisher <refprobe.widgets.Polisher>` (also ``polisher``) -- "
            "Polisher() -\\> polishes widgets") in page
    assert "**inboxes** ``inbox``: widgets to polish; ``control``: shutdown \\*now\\*;" in page
    assert "**outboxes** ``outbox``; ``signal``" in page
    assert ":func:`PolishingLine <refprobe.widgets.PolishingLine>`" in page
    assert ".. automodule:: refprobe.widgets" in page
    assert "Hidden" not in page


def test_modules_that_cannot_be_imported_are_reported(made_up_package: str) -> None:
    [package] = kamaelia_reference.discover((made_up_package,))
    assert [problem.split(":")[0] for problem in package.problems] == [
        "cannot import refprobe.broken"]
    [optional] = [m for m in package.modules if m.name == "refprobe.optional"]
    assert optional.unavailable == "needs the optional package ``surely_not_installed_anywhere``"


def test_retired_modules_are_listed_not_imported() -> None:
    packages = {package.name: package for package in kamaelia_reference.discover()}
    retired = {module.name for package in packages.values() for module in package.retired}
    assert retired == set(RETIRED)
    assert "Kamaelia.Protocol.AIM" not in packages


def test_generating_twice_leaves_unchanged_pages_alone(tmp_path: Path,
                                                       made_up_package: str) -> None:
    packages = kamaelia_reference.discover((made_up_package,))
    (tmp_path / "out").mkdir()
    stale = tmp_path / "out" / "gone.package.rst"
    stale.write_text("old")
    kamaelia_reference.generate(tmp_path / "out", packages)
    page = tmp_path / "out" / "refprobe.rst"
    first = page.stat().st_mtime_ns
    os.utime(page, ns=(first - 10**9, first - 10**9))
    kamaelia_reference.generate(tmp_path / "out", packages)
    assert page.stat().st_mtime_ns == first - 10**9
    assert not stale.exists()


# ------------------------------------------- package docstrings (pydoc views)

def packages() -> list[str]:
    """Every package of Axon and Kamaelia, retired ones left out."""
    found = []

    def walk(name: str) -> None:
        found.append(name)
        for info in pkgutil.iter_modules(importlib.import_module(name).__path__):
            full = f"{name}.{info.name}"
            if info.ispkg and full not in RETIRED and not info.name.startswith("_"):
                walk(full)

    walk("Axon")
    walk("Kamaelia")
    return sorted(found)


def public_modules(package: str) -> list[str]:
    """The short names of a package's public modules and sub-packages."""
    return sorted(info.name for info in pkgutil.iter_modules(
        importlib.import_module(package).__path__) if not info.name.startswith("_"))


def listed(package: str, doc: str) -> set[str]:
    """The module names a package docstring lists: lines such as
    ``* ``Console`` -- console input and output`` (or a row of a table whose
    first column is the module's name, followed by a description)."""
    entry = re.compile(r"^[ \t]*(?:[*-][ \t]+)?``(?:%s\.)?([A-Za-z_]\w*)``"
                       r"(?:[ \t]+--[ \t]+|[ \t]{2,})\S" % re.escape(package), re.M)
    return set(entry.findall(doc))


@pytest.mark.parametrize("package", packages())
def test_the_package_docstring_lists_every_module(package: str) -> None:
    doc = importlib.import_module(package).__doc__ or ""
    missing = [name for name in public_modules(package) if name not in listed(package, doc)]
    init = Path(importlib.import_module(package).__file__ or "").relative_to(ROOT)
    assert missing == [], (
        f"{package}'s docstring (pydoc {package}) does not list {missing}: add a line "
        f"'* ``{missing[0] if missing else ''}`` -- <what it is, in one line>' to {init}")


@pytest.mark.parametrize("package", packages())
def test_the_package_docstring_lists_only_modules_that_exist(package: str) -> None:
    doc = importlib.import_module(package).__doc__ or ""
    gone = sorted(name for name in listed(package, doc)
                  if importlib.util.find_spec(f"{package}.{name}") is None)
    assert gone == [], f"{package}'s docstring lists modules that do not exist: {gone}"


def test_the_package_list_check_would_notice_a_missing_module() -> None:
    doc = "Modules\n-------\n* ``Console`` -- console input and output\n"
    assert listed("Kamaelia.Util", doc) == {"Console"}
    assert listed("Kamaelia.Util", "``Console`` is mentioned in passing") == set()
    assert listed("Kamaelia.File", "``Kamaelia.File.Reading``   readers\n") == {"Reading"}
