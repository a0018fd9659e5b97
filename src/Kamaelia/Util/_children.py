"""1.14's ``childrenDone()`` for Kamaelia.Util components (not public API).

Several 1.14 components (Backplane, SubscribeTo, PlugSplitter, Plug) had a
``childrenDone()`` method; each of ours calls :func:`childrenDone` from it.
"""

from __future__ import annotations

from typing import Any

__all__ = ["childrenDone"]


def childrenDone(owner: Any) -> bool:
    """Forget (``removeChild``) ``owner``'s children that have ended, undoing
    its links to them; True when none are left."""
    for child in owner.childComponents():
        if child._isStopped():
            owner.removeChild(child)
    return not owner.childComponents()
