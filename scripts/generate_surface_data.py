"""Write ``tests/data/kamaelia114_surface.json`` from the 1.14.32 API inventory.

The inventory (``../shared/reference/kamaelia-1.14-api.json``, read from the
1.14 source with ``ast``) covers all of 1.14. This script keeps the packages
the compatibility promise covers today and writes them, sorted, as the data
file that ``tests/test_surface_114.py`` checks the library against. Run it
again when the promise grows to more packages (add them to ``COVERED``)::

    python scripts/generate_surface_data.py [path/to/kamaelia-1.14-api.json]

Leading-double-underscore names (Python's name mangling makes them private
to their class) are left out; everything else, single-underscore methods
included, is kept, because 1.14 subclasses call and override them.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_INVENTORY = ROOT.parent / "shared" / "reference" / "kamaelia-1.14-api.json"
OUTPUT = ROOT / "tests" / "data" / "kamaelia114_surface.json"

#: Packages covered in full (the package and everything below it).
COVERED = (
    "Axon",
    "Kamaelia.Chassis", "Kamaelia.Util", "Kamaelia.Internet", "Kamaelia.File",
    "Kamaelia.Protocol", "Kamaelia.Experimental", "Kamaelia.Support.Data",
    "Kamaelia.Support.Protocol", "Kamaelia.XML", "Kamaelia.Automata",
    "Kamaelia.Apps.SA", "Kamaelia.UI", "Kamaelia.Apps.Grey",
)
#: Below a covered package but promised by a later piece of work.
NOT_YET: tuple[str, ...] = ("Kamaelia.UI.OpenGL",)   # the visualisation issue
#: Top-level modules and the package files that hold the covered ones.
TOP_LEVEL = (
    "Kamaelia", "Kamaelia.Apps", "Kamaelia.Support", "Kamaelia.Community",
    "Kamaelia.BaseIPC", "Kamaelia.Exceptions", "Kamaelia.IPC",
    "Kamaelia.KamaeliaExceptions", "Kamaelia.KamaeliaIPC", "Kamaelia.ReadFileAdaptor",
    "Kamaelia.SampleTemplateComponent", "Kamaelia.SimpleServerComponent",
    "Kamaelia.SingleServer", "Kamaelia.vorbisDecodeComponent",
    # 1.14's AIM helpers sit in Kamaelia.Support; they are retired with AIM.
    "Kamaelia.Support.OscarUtil", "Kamaelia.Support.OscarUtil2",
)


def covered(module: str) -> bool:
    def under(prefix: str) -> bool:
        return module == prefix or module.startswith(prefix + ".")
    if any(under(p) for p in NOT_YET):
        return False
    return module in TOP_LEVEL or any(under(p) for p in COVERED)


def public(name: str) -> bool:
    return not (name.startswith("__") and not name.endswith("__"))


def trimmed(entry: dict) -> dict:
    out: dict = {}
    classes = {}
    for cname, c in sorted(entry.get("classes", {}).items()):
        if not public(cname):
            continue
        cls = {"bases": c.get("bases", []),
               "methods": {m: s for m, s in sorted(c.get("methods", {}).items()) if public(m)}}
        for key in ("Inboxes", "Outboxes"):
            if key in c:
                cls[key] = sorted(c[key])
        if c.get("attributes"):
            cls["attributes"] = sorted(a for a in c["attributes"] if public(a))
        classes[cname] = cls
    if classes:
        out["classes"] = classes
    functions = {f: s for f, s in sorted(entry.get("functions", {}).items()) if public(f)}
    if functions:
        out["functions"] = functions
    names = sorted(n for n in entry.get("names", []) if public(n))
    if names:
        out["names"] = names
    if entry.get("disabled_in_1_14"):
        out["disabled_in_1_14"] = True
    return out


def main(argv: list[str]) -> None:
    inventory = Path(argv[1]) if len(argv) > 1 else DEFAULT_INVENTORY
    api = json.loads(inventory.read_text(encoding="utf-8"))
    surface = {m: trimmed(e) for m, e in sorted(api.items()) if covered(m)}
    OUTPUT.write_text(json.dumps(surface, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{OUTPUT.relative_to(ROOT)}: {len(surface)} modules")


if __name__ == "__main__":
    main(sys.argv)
