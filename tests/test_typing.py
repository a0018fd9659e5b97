"""Type hints are consistent: mypy finds no errors in src/Axon and the network
layer, and every documented pattern (the docs' code blocks, the examples)
passes ``mypy --strict``."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_axon_type_checks_cleanly() -> None:
    result = subprocess.run([sys.executable, "-m", "mypy", "--ignore-missing-imports",
                             "--no-error-summary", str(ROOT / "src" / "Axon")],
                            capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_network_layer_type_checks_cleanly() -> None:
    paths = [ROOT / "src" / "Kamaelia" / name for name in
             ("IPC.py", "BaseIPC.py", "Internet", "Protocol", "Chassis/ConnectedServer.py")]
    result = subprocess.run([sys.executable, "-m", "mypy", "--ignore-missing-imports",
                             "--no-error-summary", "--follow-imports=silent",
                             *map(str, paths)],
                            capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


# --------------------------------------------------- the documented patterns
# Every ```python block of the README and docs/ (each as a module of its own),
# and every example program, checked in one mypy run. The docs and the top-level
# examples are held to ``--strict``; examples/compat114/ (1.14's idiom on
# purpose) and the seed examples (the Kamaelia home page's programs, exactly as
# printed there) are 1.14-style untyped code, so they are checked without the
# "annotate everything" flags, but their bodies are still type-checked.

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
EXAMPLES = ROOT / "src" / "Kamaelia" / "examples"
UNTYPED_114 = [*sorted((EXAMPLES / "compat114").glob("*.py")),
               *sorted(EXAMPLES.glob("seed_*.py"))]
TYPED_EXAMPLES = [path for path in sorted(EXAMPLES.glob("*.py")) if path not in UNTYPED_114]

STRICT_PACKAGES = ("kdocs", "kexamples")      # checked with --strict
LENIENT_PACKAGE = "kcompat"                    # 1.14-style: bodies checked, defs may be untyped

MYPY_CONFIG = f"""\
[mypy]
strict = True
follow_imports = silent
ignore_missing_imports = True
warn_unused_configs = False

[mypy-{LENIENT_PACKAGE}.*]
disallow_untyped_defs = False
disallow_incomplete_defs = False
disallow_untyped_calls = False
disallow_any_generics = False
disallow_subclassing_any = False
warn_return_any = False
check_untyped_defs = True
# (1.14 code leaves empty lists unannotated: fine for it, an error under --strict)
disable_error_code = var-annotated
"""


def docBlocks(docs: list[Path] = DOCS) -> list[tuple[Path, int, str]]:
    """(document, line of the block's first code line, code) for each ```python block."""
    found = []
    for doc in docs:
        text = doc.read_text(encoding="utf-8")
        for match in re.finditer(r"^```python\n(.*?)^```", text, re.S | re.M):
            found.append((doc, text.count("\n", 0, match.start(1)) + 1, match.group(1)))
    return found


def _moduleName(path: Path) -> str:
    return re.sub(r"\W", "_", str(path.relative_to(ROOT).with_suffix("")))


def writeCheckedTree(folder: Path) -> dict[str, str]:
    """Write every doc block and example under ``folder`` as a module of one of
    three packages; return {written file, relative to ``folder``: the place it
    came from}, to put the real names in mypy's messages.

    A doc block is preceded by blank lines so that mypy's line numbers are the
    document's.
    """
    origin: dict[str, str] = {}
    for package in (*STRICT_PACKAGES, LENIENT_PACKAGE):
        (folder / package).mkdir()
        (folder / package / "__init__.py").write_text("")
    counts: dict[Path, int] = {}
    for doc, line, code in docBlocks():
        counts[doc] = counts.get(doc, 0) + 1
        target = folder / "kdocs" / f"{_moduleName(doc)}_{counts[doc]}.py"
        target.write_text("\n" * (line - 1) + code, encoding="utf-8")
        origin[str(target.relative_to(folder))] = str(doc.relative_to(ROOT))
    for package, paths in (("kexamples", TYPED_EXAMPLES), (LENIENT_PACKAGE, UNTYPED_114)):
        for path in paths:
            target = folder / package / f"{_moduleName(path)}.py"
            target.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
            origin[str(target.relative_to(folder))] = str(path.relative_to(ROOT))
    return origin


def test_every_documented_pattern_type_checks(tmp_path: Path) -> None:
    origin = writeCheckedTree(tmp_path)
    config = tmp_path / "mypy.ini"
    config.write_text(MYPY_CONFIG)
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(config), "--no-error-summary",
         "--cache-dir", str(ROOT / ".mypy_cache" / "documented"),
         *STRICT_PACKAGES, LENIENT_PACKAGE],
        capture_output=True, text=True, timeout=300, cwd=tmp_path)
    report = result.stdout + result.stderr
    for written, source in sorted(origin.items(), key=lambda item: -len(item[0])):
        report = report.replace(written, source)
    assert result.returncode == 0, report


def test_the_typing_check_sees_the_docs_and_every_example(tmp_path: Path) -> None:
    origin = writeCheckedTree(tmp_path)
    sources = set(origin.values())
    assert {"README.md", "docs/tutorial.md", "docs/cookbook.md"} <= sources
    assert len([1 for source in origin.values() if source.endswith(".md")]) >= 20
    examples = {str(path.relative_to(ROOT)) for path in EXAMPLES.rglob("*.py")}
    assert examples <= sources
    assert any("compat114" in str(path) for path in UNTYPED_114)


def test_a_doc_block_is_checked_strictly_and_reported_at_its_line(tmp_path: Path) -> None:
    # The mechanism itself: a deliberately wrong block, written and checked as
    # the real ones are, fails with the document's name and line.
    doc = tmp_path / "bad.md"
    doc.write_text("# Bad\n\ntext\n\n```python\ndef f(x):\n    return x\n"
                   "x: int = 'no'\n```\n")
    (_doc, line, code), = docBlocks([doc])
    target = tmp_path / "kdocs_bad.py"
    target.write_text("\n" * (line - 1) + code)
    config = tmp_path / "mypy.ini"
    config.write_text(MYPY_CONFIG)
    result = subprocess.run([sys.executable, "-m", "mypy", "--config-file", str(config),
                             "--no-error-summary", str(target)],
                            capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert result.returncode == 1
    assert "kdocs_bad.py:6: error: Function is missing a type annotation" in result.stdout
    assert "kdocs_bad.py:8: error: Incompatible types" in result.stdout



PRECISE_TYPES = '''\
from typing import Iterator, assert_type

from Axon.Component import component
from Axon.Handle import Handle
from Axon.Ipc import producerFinished, shutdownMicroprocess, shutdownRequest
from Kamaelia.Util.PureTransformer import PureTransformer


class Waiter(component):
    async def main(self) -> None:
        assert_type(await self.waitForMessage("inbox", "control"), str)
        assert_type(await self.waitForMessage(), str)
        assert_type(await self.waitForMessage("inbox", timeout=1.0), str | None)
        assert_type(shutdownRequest(self),
                    producerFinished | shutdownMicroprocess | None)


class Ticker(component):
    def main(self) -> Iterator[int]:
        yield 1


assert_type(Handle(PureTransformer(str.upper)).activate(), Handle)
assert_type(Waiter().activate(), Waiter)
assert_type(Ticker().activate(), Ticker)
'''


def test_activate_waitForMessage_and_shutdownRequest_have_precise_types(tmp_path: Path) -> None:
    # async and generator mains are both valid overrides; activate() is Self;
    # waitForMessage is a str unless given a timeout.
    source = tmp_path / "precise.py"
    source.write_text(PRECISE_TYPES)
    config = tmp_path / "mypy.ini"
    config.write_text(MYPY_CONFIG)
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(config), "--no-error-summary",
         "--cache-dir", str(ROOT / ".mypy_cache" / "documented"), str(source)],
        capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
