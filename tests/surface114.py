"""Compare the library with Kamaelia 1.14's public surface.

``tests/data/kamaelia114_surface.json`` (written by
``scripts/generate_surface_data.py`` from the 1.14.32 inventory) lists, per
module, 1.14's classes (bases, methods with their parameter lists, box names,
class attributes), functions and other public names. :func:`problems` checks
one module of ours against that list and says, one line each, what is
missing or incompatible; ``tests/test_surface_114.py`` runs it for every
module. Run this file to see the counts per package::

    python tests/surface114.py            # counts per package
    python tests/surface114.py -v         # and every problem

What "compatible" means for a method or function (1.14 code calls them, and
subclasses override them, so both directions matter):

* every named parameter of 1.14's signature is there, under the same name, in
  the same position (for a positional one), with a default if 1.14 had one;
* ``*args`` and ``**kwargs`` in 1.14's signature are there in ours;
* any parameter we add has a default (or is ``*args`` / ``**kwargs``).

Default values are not compared (the inventory shortens them). A class is
compatible when it has each 1.14 base class somewhere in its MRO (by name;
1.14's private mixins, whose names start with ``_``, are not required),
every 1.14 method (inherited ones count), every 1.14 box, and every class
attribute 1.14 declared (those are the documented overridable defaults).
"""

from __future__ import annotations

import ast
import importlib
import inspect
import json
import sys
from pathlib import Path
from typing import Any, Callable, NamedTuple

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "kamaelia114_surface.json"


def load_surface() -> dict[str, dict[str, Any]]:
    return json.loads(DATA.read_text(encoding="utf-8"))


def retired_reason(module: str) -> str | None:
    """Why ``module`` (or a package above it) is retired, or None."""
    from Kamaelia._retired import RETIRED
    parts = module.split(".")
    for n in range(len(parts), 0, -1):
        reason = RETIRED.get(".".join(parts[:n]))
        if reason is not None:
            return reason
    return None


# -- signatures ---------------------------------------------------------------

class _Params:
    """A parameter list reduced to what calls depend on."""

    def __init__(self, positional: list[tuple[str, bool]], varargs: bool,
                 kwonly: list[tuple[str, bool]], varkw: bool) -> None:
        self.positional = positional    # (name, has default), in order
        self.varargs = varargs
        self.kwonly = kwonly
        self.varkw = varkw

    @classmethod
    def from_text(cls, text: str) -> "_Params":
        if text.endswith("...)") and "=" in text:
            # The inventory cuts long signatures off inside a default value
            # ("x=['port', 'smtp_po...)"): that parameter has a default.
            text = text[:text.rfind("=", 0, len(text) - 4)] + "=None)"
        args = ast.parse(f"def f{text}: pass").body[0].args  # type: ignore[attr-defined]
        positional = [*args.posonlyargs, *args.args]
        first_default = len(positional) - len(args.defaults)
        return cls([(a.arg, i >= first_default) for i, a in enumerate(positional)],
                   args.vararg is not None,
                   [(a.arg, d is not None) for a, d in zip(args.kwonlyargs, args.kw_defaults)],
                   args.kwarg is not None)

    @classmethod
    def from_callable(cls, fn: Callable[..., Any]) -> "_Params":
        sig = inspect.signature(fn)
        P = inspect.Parameter
        return cls(
            [(p.name, p.default is not P.empty) for p in sig.parameters.values()
             if p.kind in (P.POSITIONAL_ONLY, P.POSITIONAL_OR_KEYWORD)],
            any(p.kind is P.VAR_POSITIONAL for p in sig.parameters.values()),
            [(p.name, p.default is not P.empty) for p in sig.parameters.values()
             if p.kind is P.KEYWORD_ONLY],
            any(p.kind is P.VAR_KEYWORD for p in sig.parameters.values()))


def signature_problem(reference: str, fn: Callable[..., Any], *, bound_first: bool) -> str | None:
    """Why ``fn`` cannot stand in for a 1.14 callable declared ``reference``.

    ``bound_first``: the first parameter is ``self``/``cls``; its name is not
    compared.
    """
    try:
        ours = _Params.from_callable(fn)
    except (TypeError, ValueError):
        return None if reference in ("(self)", "()") else "signature cannot be read"
    ref = _Params.from_text(reference)
    start = 1 if bound_first and ref.positional else 0
    for i in range(start, len(ref.positional)):
        name, has_default = ref.positional[i]
        if i >= len(ours.positional):
            return f"parameter {name!r} (position {i}) is missing"
        our_name, our_default = ours.positional[i]
        if our_name != name:
            return f"position {i} is {our_name!r}, 1.14 has {name!r}"
        if has_default and not our_default:
            return f"parameter {name!r} needs a default, as in 1.14"
    for name, our_default in ours.positional[len(ref.positional):]:
        if not our_default:
            return f"added parameter {name!r} has no default"
    if ref.varargs and not ours.varargs:
        return "1.14 takes *args"
    if ref.varkw and not ours.varkw:
        return "1.14 takes **kwargs"
    our_kwonly = dict(ours.kwonly)
    our_positional = {n for n, _ in ours.positional}
    for name, has_default in ref.kwonly:
        if name not in our_kwonly and name not in our_positional:
            return f"keyword-only parameter {name!r} is missing"
        if has_default and name in our_kwonly and not our_kwonly[name]:
            return f"keyword-only parameter {name!r} needs a default"
    ref_kwonly = {n for n, _ in ref.kwonly}
    for name, our_default in ours.kwonly:
        if name not in ref_kwonly and not our_default:
            return f"added keyword-only parameter {name!r} has no default"
    return None


def _raw_attribute(cls: type, name: str) -> Any:
    for klass in cls.__mro__:
        if name in vars(klass):
            return vars(klass)[name]
    raise AttributeError(name)


def _method_problem(cls: type, name: str, reference: str) -> str | None:
    try:
        raw = _raw_attribute(cls, name)
    except AttributeError:
        return "missing"
    if isinstance(raw, staticmethod):
        return signature_problem(reference, raw.__func__, bound_first=False)
    if isinstance(raw, classmethod):
        return signature_problem(reference, raw.__func__, bound_first=True)
    if isinstance(raw, property):
        return None
    if not callable(raw):
        return f"is {type(raw).__name__}, not a method"
    if inspect.isfunction(raw):
        return signature_problem(reference, raw, bound_first=True)
    # A builtin slot (object.__init__) or a callable object.
    return signature_problem(reference, getattr(cls, name), bound_first=False) \
        if not isinstance(raw, type) else None


class Problem(NamedTuple):
    """One way a module falls short: ``kind`` is ``module``, ``name`` (a
    class, function or other name), ``method`` or ``box``; ``name`` is the
    top-level name it concerns."""

    kind: str
    name: str
    detail: str

    def __str__(self) -> str:
        return f"{self.name}: {self.detail}" if self.name else self.detail


#: Bases that 1.14 imported under another name (``from Axon.AxonExceptions
#: import AxonException as _AxonException``): the inventory records the alias.
BASE_ALIASES = {"_AxonException": "AxonException", "_AxonIntrospector": "Introspector",
                "_AC": "_AdaptiveCommsable"}


def class_problems(name: str, cls: Any, spec: dict[str, Any]) -> list[Problem]:
    if not isinstance(cls, type):
        return [Problem("name", name, f"is {type(cls).__name__}, not a class")]
    found: list[Problem] = []
    mro_names = {k.__name__ for k in cls.__mro__}
    for base in spec.get("bases", []):
        short = base.rsplit(".", 1)[-1]
        short = BASE_ALIASES.get(short, short)
        if short.startswith("_"):
            continue  # a private mixin of 1.14's, not part of its API
        if short not in mro_names:
            found.append(Problem("name", name, f"base {base!r} is not in the MRO"))
    for attribute in spec.get("attributes", []):
        if not hasattr(cls, attribute):
            found.append(Problem("name", name, f"class attribute {attribute!r} is missing"))
    for method, reference in spec.get("methods", {}).items():
        problem = _method_problem(cls, method, reference)
        if problem:
            found.append(Problem("method", name, f"method {method}{reference}: {problem}"))
    for key in ("Inboxes", "Outboxes"):
        ours = getattr(cls, key, None) or ()
        for box in spec.get(key, []):
            if box not in ours:
                found.append(Problem("box", name, f"{key} lacks {box!r}"))
    return found


def problems(module_name: str, spec: dict[str, Any]) -> list[Problem]:
    """Every way ``module_name`` falls short of 1.14's ``spec``; [] if none."""
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        return [Problem("module", "", f"module does not import: {error}")]
    found: list[Problem] = []
    for cname, cspec in spec.get("classes", {}).items():
        if not hasattr(module, cname):
            found.append(Problem("name", cname, "class is missing"))
        else:
            found += class_problems(cname, getattr(module, cname), cspec)
    for fname, reference in spec.get("functions", {}).items():
        fn = getattr(module, fname, None)
        if fn is None:
            found.append(Problem("name", fname, "function is missing"))
        elif not callable(fn):
            found.append(Problem("name", fname, f"is {type(fn).__name__}, not callable"))
        elif not inspect.isclass(fn):
            problem = signature_problem(reference, fn, bound_first=False)
            if problem:
                found.append(Problem("name", fname, f"function{reference}: {problem}"))
    for name in spec.get("names", []):
        if not hasattr(module, name):
            found.append(Problem("name", name, "is missing"))
    return found


def counts(spec: dict[str, Any]) -> dict[str, int]:
    """How many names, methods and boxes ``spec`` declares."""
    classes = spec.get("classes", {})
    return {"name": len(classes) + len(spec.get("functions", {})) + len(spec.get("names", [])),
            "method": sum(len(c.get("methods", {})) for c in classes.values()),
            "box": sum(len(c.get("Inboxes", [])) + len(c.get("Outboxes", []))
                       for c in classes.values())}


def package_of(module: str) -> str:
    parts = module.split(".")
    if parts[0] == "Axon":
        return "Axon"
    if len(parts) == 1 or parts[1] not in PACKAGES:
        return "Kamaelia (top level)"
    if parts[1] in ("Support", "Apps"):
        return ".".join(parts[:3]) if len(parts) > 2 else "Kamaelia (top level)"
    return ".".join(parts[:2])


PACKAGES = ("Chassis", "Util", "Internet", "File", "Protocol", "Experimental", "XML",
            "Automata", "Support", "Apps")


def report(verbose: bool = False) -> None:
    """Print, per package, how much of 1.14's surface is present (a retired
    module counts as accounted for)."""
    sys.path.insert(0, str(ROOT / "src"))
    kinds = ("module", "name", "method", "box")
    totals: dict[str, dict[str, list[int]]] = {}
    for module, spec in load_surface().items():
        row = totals.setdefault(package_of(module), {k: [0, 0] for k in kinds})
        declared = {"module": 1, **counts(spec)}
        found = [] if retired_reason(module) else problems(module, spec)
        if verbose:
            for p in found:
                print(f"{module}: {p}")
        broken = bool(found) and found[0].kind == "module"
        missing = {"module": int(broken),
                   "name": len({p.name for p in found if p.kind == "name"}),
                   "method": sum(p.kind == "method" for p in found),
                   "box": sum(p.kind == "box" for p in found)}
        for k in kinds:
            row[k][0] += declared[k]
            row[k][1] += 0 if broken else declared[k] - missing[k]
    print(f"{'package':28}" + "".join(f"{k + ('es' if k == 'box' else 's'):>14}" for k in kinds))
    for package, row in sorted(totals.items()):
        print(f"{package:28}" + "".join(f"{row[k][1]:>7}/{row[k][0]:<6}" for k in kinds))


if __name__ == "__main__":
    report(verbose="-v" in sys.argv)
