"""Confining file names that arrive in messages to one folder (the ``root=`` option).

Not public API: the components of :mod:`Kamaelia.File` that take file names
from their inboxes use it when given ``root=``.

Example Usage
-------------
::

    root = checkRoot("/srv/uploads")             # at construction: ValueError if unusable
    path = confine(root, "reports/may.csv")      # "/srv/uploads/reports/may.csv"
    confine(root, "../../etc/passwd")            # NameRefused: leads outside the root

How does it work?
-----------------
:func:`checkRoot` resolves the folder once (``os.path.realpath``: symbolic
links followed) and insists that it exists. :func:`confine` then joins each
name to it, resolves the result the same way -- every symbolic link on the
way, *including the last one*, so a link inside the folder that points out
of it is caught, even when its target does not exist yet -- and accepts the
name only if what it resolves to lies strictly inside the folder. It
returns that resolved path, which is what the component then opens (with
``O_NOFOLLOW``, so a link put in place of the file since the check is not
followed either).

Refused, with :class:`~Kamaelia.File.messages.NameRefused` saying why:

* a name that leads outside (``../x``, ``/etc/passwd``, a symbolic link to
  a file or folder elsewhere); an absolute name *inside* the folder is
  fine, which lets the paths a :class:`DirectoryWatcher` reports be used;
* a name that resolves to the folder itself (``""``, ``"."``, ``"a/.."``);
* a name holding a NUL byte, and anything that is not a ``str``,
  ``bytes`` or ``os.PathLike`` name.

What it does not do: guard against someone who can change the folder's
contents *while* a name is checked and opened (replacing a folder on the
way with a symbolic link between the two steps). Keep the folder writable
only by the program if that matters.
"""

from __future__ import annotations

import os
from typing import Any

from Kamaelia.File.messages import NameRefused

__all__ = ["checkRoot", "confine"]


def checkRoot(root: Any) -> str | None:
    """``root`` resolved (None stays None: no confinement); ValueError if it is
    not an existing folder."""
    if root is None:
        return None
    try:
        resolved = os.path.realpath(os.fsdecode(os.fspath(root)))
    except (TypeError, ValueError) as exc:
        raise ValueError(f"root must be the path of a folder, not {root!r}") from exc
    if not os.path.isdir(resolved):
        raise ValueError(f"root must be an existing folder, not {root!r}")
    return resolved


def confine(root: str, name: Any) -> str:
    """The path ``name`` leads to under the resolved folder ``root``; raises
    :class:`NameRefused` if it leads anywhere else (see module docstring)."""
    try:
        text = os.fsdecode(os.fspath(name))
    except TypeError:
        raise NameRefused(name, root, f"a file name must be a str, not "
                                      f"{type(name).__name__}") from None
    if "\0" in text:
        raise NameRefused(name, root, "it holds a NUL byte")
    resolved = os.path.realpath(os.path.join(root, text))
    if resolved == root:
        raise NameRefused(name, root, "it names the root folder itself")
    if os.path.commonpath([root, resolved]) != root:
        raise NameRefused(name, root, "it leads outside the root folder")
    return resolved
