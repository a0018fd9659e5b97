"""Sphinx configuration for the Kamaelia API reference.

Build it with ``python -m sphinx -b html docs/reference build/reference``
(from the top of a checkout; ``build/`` is not committed). The per-package
pages are generated from the code by ``_ext/kamaelia_reference.py`` when the
build starts, into ``docs/reference/_generated/`` (ignored by git).
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))
# Document the checkout this file is in, when there is one; otherwise (a
# copy of this folder) whatever ``import Axon`` finds.
_SRC = HERE.parent.parent / "src"
if (_SRC / "Axon" / "__init__.py").exists():
    sys.path.insert(0, str(_SRC))

project = "Kamaelia"
author = "The Kamaelia rebuild team"
copyright = "BBC R&D and the Kamaelia rebuild team"

extensions = ["sphinx.ext.autodoc", "kamaelia_reference"]

autodoc_member_order = "bysource"
autodoc_typehints = "signature"
# A method that does not document itself shows nothing rather than its base
# class's text (``main`` would otherwise repeat component.main everywhere).
autodoc_inherit_docstrings = False
# Type hints name things (Iterator, Any, ...) that need not be documented
# here, and a name re-exported from a private module has no page of its own.
nitpicky = False
suppress_warnings = ["ref.python"]
# Box descriptions and messages are code-like: keep their quotes straight.
smartquotes = False
html_theme = "alabaster"
html_title = "Kamaelia API reference"
html_static_path: list[str] = []
