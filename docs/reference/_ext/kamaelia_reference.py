"""Generates the reference's per-package pages from the code, at build time.

Example Usage
-------------
Sphinx loads this extension from ``docs/reference/conf.py``; to see what it
finds without building anything::

    import kamaelia_reference            # with docs/reference/_ext on sys.path

    for package in kamaelia_reference.discover():
        print(package.name, [c.name for m in package.modules for c in m.components])

How does it work?
-----------------
When the builder starts (Sphinx's ``builder-inited`` event, before it looks
for source files), :func:`generate` walks the ``Axon`` and ``Kamaelia``
packages, imports every public module (names not starting with ``_``) and
writes one page per package into ``_generated/`` under the source folder:

1. the package's docstring;
2. "Components": one line per component, with its inboxes and outboxes
   (``name: description``), as in Kamaelia 1.14's Component Reference. A
   component is a class named in the module's ``__kamaelia_components__``
   or any public class the module defines that declares ``Inboxes`` (so a
   new component appears without anyone registering it); "Prefabs" lists
   ``__kamaelia_prefabs__``, functions that build and wire components;
3. the retired modules (:data:`Kamaelia._retired.RETIRED`, whose import
   raises ``ImportError`` by design), which are listed, not imported;
4. "Modules": the autodoc detail of each module.

Sub-packages get pages of their own, linked from their parent's page.
A module that cannot be imported because an optional third-party package is
missing is listed with the package it needs; any other import failure is a
Sphinx warning (so ``-W`` fails the build). Pages whose content did not
change are not rewritten, so incremental builds stay incremental; pages of
packages that no longer exist are removed.

What it does not do: it does not look inside ``Kamaelia.examples`` (those
are programs, which run when imported) or private modules.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

ROOTS = ("Axon", "Kamaelia")
#: Packages whose modules are programs rather than library code.
EXCLUDED = frozenset({"Kamaelia.examples"})
GENERATED = "_generated"


@dataclass
class Component:
    """One component: its name, the first line of its docstring and its boxes."""

    name: str
    qualname: str
    summary: str
    inboxes: dict[str, str]
    outboxes: dict[str, str]
    aliases: list[str] = field(default_factory=list)


@dataclass
class Prefab:
    """A function (or class) named in ``__kamaelia_prefabs__``."""

    name: str
    qualname: str
    signature: str
    summary: str


@dataclass
class Module:
    """A module as the reference shows it."""

    name: str
    summary: str
    components: list[Component] = field(default_factory=list)
    prefabs: list[Prefab] = field(default_factory=list)
    #: Why it is not documented in detail (retired, or an optional dependency
    #: missing); empty when it was imported.
    unavailable: str = ""
    #: The names autodoc documents here (see :func:`_members`).
    members: list[str] = field(default_factory=list)
    #: Public names importable from here but documented elsewhere:
    #: name -> the full name they are documented under.
    reexports: dict[str, str] = field(default_factory=dict)


@dataclass
class Package:
    """A package's page: its modules and its sub-packages."""

    name: str
    modules: list[Module] = field(default_factory=list)
    subpackages: list[str] = field(default_factory=list)
    retired: list[Module] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _retired() -> dict[str, str]:
    from Kamaelia._retired import RETIRED
    return RETIRED


def first_line(doc: str | None) -> str:
    """The first non-empty line of ``doc`` (``""`` if there is none)."""
    for line in (doc or "").strip().splitlines():
        if line.strip():
            return line.strip()
    return ""


def first_paragraph(doc: str | None) -> str:
    """The first paragraph of ``doc``, on one line (a class docstring's
    call signature, which often wraps)."""
    return " ".join((doc or "").strip().split("\n\n")[0].split())


def _boxes(declared: Any) -> dict[str, str]:
    if isinstance(declared, dict):
        return {str(name): " ".join(str(text).split()) for name, text in declared.items()}
    return {str(name): "" for name in declared or ()}


def _components(module: ModuleType) -> list[Component]:
    found: dict[type, Component] = {}
    named = [getattr(module, item) if isinstance(item, str) else item
             for item in getattr(module, "__kamaelia_components__", ())]
    for name, value in vars(module).items():
        if (inspect.isclass(value) and value.__module__ == module.__name__
                and not name.startswith("_") and hasattr(value, "Inboxes")):
            named.append(value)
    for cls in named:
        if not inspect.isclass(cls) or cls in found:
            continue
        found[cls] = Component(
            name=cls.__name__, qualname=f"{cls.__module__}.{cls.__qualname__}",
            summary=first_paragraph(cls.__doc__),
            inboxes=_boxes(getattr(cls, "Inboxes", ())),
            outboxes=_boxes(getattr(cls, "Outboxes", ())))
    for name, value in vars(module).items():
        if (inspect.isclass(value) and value in found and name != value.__name__
                and not name.startswith("_")):
            found[value].aliases.append(name)
    return sorted(found.values(), key=lambda c: c.name.lower())


def _prefabs(module: ModuleType) -> list[Prefab]:
    prefabs = []
    for item in getattr(module, "__kamaelia_prefabs__", ()):
        value = getattr(module, item) if isinstance(item, str) else item
        try:
            signature = str(inspect.signature(value))
        except (TypeError, ValueError):
            signature = "(...)"
        prefabs.append(Prefab(name=value.__name__,
                              qualname=f"{value.__module__}.{value.__qualname__}",
                              signature=signature, summary=first_paragraph(value.__doc__)))
    return prefabs


def _describe(name: str, package: Package) -> Module | None:
    retired = _retired()
    if name in retired:
        package.retired.append(Module(name, "", unavailable=f"retired: {retired[name]}"))
        return None
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as error:
        missing = (error.name or "").split(".")[0]
        if missing and missing not in ROOTS:
            return Module(name, "", unavailable=f"needs the optional package ``{missing}``")
        package.problems.append(f"cannot import {name}: {error!r}")
        return None
    except Exception as error:  # a module that fails to import is reported, not fatal
        package.problems.append(f"cannot import {name}: {error!r}")
        return None
    described = Module(name, first_line(module.__doc__), _components(module), _prefabs(module))
    described.members, described.reexports = _members(module)
    return described


#: id of an object defined in a private module -> the full name it is
#: documented under (in the first module, in discovery order, to export it
#: in ``__all__``).
_CLAIMED: dict[int, str] = {}


def _members(module: ModuleType) -> tuple[list[str], dict[str, str]]:
    """Which of ``module``'s public names autodoc documents here.

    An object is documented once, where it is defined; one defined in a
    private module (``Axon.experimental._pipes.ProcessDied``) is documented
    in the first public module that exports it in ``__all__``. Elsewhere it
    is listed as a re-export, which keeps Sphinx from describing one object
    twice.
    """
    name = module.__name__
    exported = getattr(module, "__all__", None)
    candidates = list(exported) if exported is not None else [
        n for n, v in vars(module).items()
        if not n.startswith("_") and (inspect.isclass(v) or inspect.isfunction(v))]
    members: list[str] = []
    reexports: dict[str, str] = {}
    for member in candidates:
        if member == "__version__" or not hasattr(module, member):
            continue
        value = getattr(module, member)
        home = getattr(value, "__module__", None) if (
            inspect.isclass(value) or inspect.isfunction(value)) else name
        if inspect.ismodule(value):
            continue
        if home == name or not home or home.split(".")[0] not in ROOTS:
            members.append(member)      # defined here, or an alias of a builtin
        elif any(part.startswith("_") for part in home.split(".")):
            claimed = _CLAIMED.setdefault(id(value), f"{name}.{member}")
            if claimed == f"{name}.{member}":
                members.append(member)
            else:
                reexports[member] = claimed
        else:
            reexports[member] = f"{home}.{value.__qualname__}"
    return members, reexports


def discover(roots: tuple[str, ...] = ROOTS) -> list[Package]:
    """Every package under ``roots`` (retired and excluded ones left out), in
    alphabetical order, with what the reference shows of its modules."""
    packages: list[Package] = []
    _CLAIMED.clear()

    def walk(name: str) -> None:
        package = Package(name)
        packages.append(package)
        module = importlib.import_module(name)
        for info in sorted(pkgutil.iter_modules(module.__path__), key=lambda i: i.name.lower()):
            full = f"{name}.{info.name}"
            if info.name.startswith("_") or full in EXCLUDED:
                continue
            if info.ispkg and full not in _retired():
                package.subpackages.append(full)
                walk(full)
            else:
                described = _describe(full, package)
                if described is not None:
                    package.modules.append(described)

    for root in roots:
        walk(root)
    return sorted(packages, key=lambda p: p.name.lower())


# ---------------------------------------------------------------- rendering

_SPECIAL = str.maketrans({c: "\\" + c for c in "\\*`|_[]<>"})


def escape(text: str) -> str:
    """``text`` as literal reStructuredText inline content, except that
    ````literals```` stay literals (docstrings use them)."""
    parts = re.split(r"(``[^`]+``)", " ".join(text.split()))
    return "".join(part if part.startswith("``") and part.endswith("``") and len(part) > 4
                   else part.translate(_SPECIAL) for part in parts)


def _title(text: str, char: str, over: bool = False) -> list[str]:
    rule = char * len(text)
    return [rule, text, rule, ""] if over else [text, rule, ""]


def _box_list(boxes: dict[str, str]) -> str:
    if not boxes:
        return "none"
    return "; ".join(f"``{name}``: {escape(text)}" if text else f"``{name}``"
                     for name, text in boxes.items())


def component_line(component: Component) -> list[str]:
    """The bullet for one component: name, summary, inboxes, outboxes."""
    alias = (" (also " + ", ".join(f"``{a}``" for a in sorted(component.aliases)) + ")"
             if component.aliases else "")
    summary = f" -- {escape(component.summary)}" if component.summary else ""
    return [f"* :class:`{component.name} <{component.qualname}>`{alias}{summary}",
            f"  **inboxes** {_box_list(component.inboxes)};",
            f"  **outboxes** {_box_list(component.outboxes)}", ""]


def render(package: Package) -> str:
    """The reStructuredText page for ``package``."""
    lines = [".. This page is generated by docs/reference/_ext/kamaelia_reference.py:",
             "   edit the docstrings, not this file.", ""]
    lines += _title(package.name, "=", over=True)
    lines += [f".. automodule:: {package.name}", ""]
    if package.subpackages:
        lines += _title("Sub-packages", "*")
        lines += [".. toctree::", "   :maxdepth: 1", ""]
        lines += [f"   {sub}" for sub in package.subpackages] + [""]
    components = [(m, c) for m in package.modules for c in m.components]
    if components:
        lines += _title("Components", "*")
        for module, component in components:
            lines += component_line(component)
    prefabs = [p for m in package.modules for p in m.prefabs]
    if prefabs:
        lines += _title("Prefabs", "*")
        for prefab in prefabs:
            summary = f" -- {escape(prefab.summary)}" if prefab.summary else ""
            lines += [f"* :func:`{prefab.name} <{prefab.qualname}>`\\ "
                      f"``{' '.join(prefab.signature.split())}``{summary}", ""]
    if package.retired:
        lines += _title("Retired", "*")
        for module in package.retired:
            lines += [f"* ``{module.name}`` -- {escape(module.unavailable)}", ""]
    if package.modules:
        lines += _title("Modules", "*")
        for module in package.modules:
            lines += _title(module.name, "+")
            if module.unavailable:
                lines += [f"Not documented here: it {escape(module.unavailable)}.", ""]
                continue
            lines += [f".. automodule:: {module.name}"]
            if module.members:
                lines += [f"   :members: {', '.join(module.members)}", "   :show-inheritance:"]
            lines += [""]
            if module.reexports:
                lines += ["Also importable from here: " + ", ".join(
                    f":py:obj:`{n} <{target}>`" for n, target in module.reexports.items())
                    + ".", ""]
    return "\n".join(lines)


def generate(outdir: Path, packages: list[Package] | None = None) -> list[Package]:
    """Write one page per package into ``outdir`` (rewriting only changed
    pages, removing pages of packages that are gone); returns the packages."""
    packages = discover() if packages is None else packages
    outdir.mkdir(parents=True, exist_ok=True)
    wanted = {}
    for package in packages:
        wanted[f"{package.name}.rst"] = render(package)
    for stale in outdir.glob("*.rst"):
        if stale.name not in wanted:
            stale.unlink()
    for name, text in wanted.items():
        path = outdir / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
    return packages


def _builder_inited(app: Any) -> None:
    from sphinx.util import logging
    logger = logging.getLogger(__name__)
    for package in generate(Path(app.srcdir) / GENERATED):
        for problem in package.problems:
            logger.warning("%s (reference page %s)", problem, package.name)


def setup(app: Any) -> dict[str, Any]:
    app.connect("builder-inited", _builder_inited)
    return {"version": "1", "parallel_read_safe": True}


if __name__ == "__main__":
    for found in discover():
        print(found.name, len(found.modules), "modules,",
              sum(len(m.components) for m in found.modules), "components", file=sys.stdout)
