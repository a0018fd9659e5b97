"""One way for a 1.14 module kept under its old name to say so.

Kamaelia 1.14 renamed many modules (``Kamaelia.Util.PipelineComponent``
became ``Kamaelia.Chassis.Pipeline``, ``Kamaelia.KamaeliaIPC`` became
``Kamaelia.IPC``, ...) and left the old modules as stubs. Ours give the very
same classes under the old name, so ``isinstance`` checks and subclasses
behave either way, and each calls :func:`oldName` once, at import::

    from Kamaelia._oldnames import oldName

    oldName(__name__, "Kamaelia.Chassis.Pipeline")

1.14's deprecation notes were silent unless the environment variable
``KAMAELIA_DEPRECATION_WARNINGS`` asked for them, so ours are too: the note
is logged at INFO on the ``Kamaelia.deprecation`` logger, or at WARNING
when ``KAMAELIA_DEPRECATION_WARNINGS`` is ``WARN``, ``VERBOSE`` or ``CRASH``
(1.14's louder levels; we never crash on an old name). No Python warning is
raised, so old code runs under ``-W error`` too.
"""

from __future__ import annotations

import logging
import os

logger = logging.getLogger("Kamaelia.deprecation")

_LOUD = frozenset({"WARN", "VERBOSE", "CRASH"})


def oldName(module: str, replacement: str) -> None:
    """Note that ``module`` is 1.14's old name and ``replacement`` the one to use."""
    loud = os.environ.get("KAMAELIA_DEPRECATION_WARNINGS", "").upper() in _LOUD
    logger.log(logging.WARNING if loud else logging.INFO,
               "%s is Kamaelia 1.14's old name for %s; it still works", module, replacement)
