"""Kamaelia.Community: the part of the Kamaelia namespace 1.14 reserved for contributors.

Example Usage
-------------
::

    from Kamaelia.Community import Namespaces

    for name, (person, organisation, contact) in Namespaces.items():
        print(name, person)

1.14 gave contributors sub-packages here, named by their initials, and
recorded who owned each in ``Namespaces`` (name -> (person, organisation,
e-mail address)). The rebuild ships no community code, so ``Namespaces`` is
empty; code that reads it still works.

Modules
-------
None: the rebuild ships no community packages.
"""

from __future__ import annotations

__all__ = ["Namespaces"]

#: Reserved sub-package name -> (owner, organisation, contact). The rebuild
#: ships no community packages, so none is reserved.
Namespaces: dict[str, tuple[str, str, str]] = {}
