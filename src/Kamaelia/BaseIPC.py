"""Kamaelia.BaseIPC: a base class for messages with named, checked fields.

Example Usage
-------------
Declare the fields a message carries; construct it with keywords (or
positionally, in the declared order); a ``"?"`` marks a field as optional::

    from Kamaelia.BaseIPC import IPC

    class fileArrived(IPC):
        \"\"\"%(path)s arrived (%(size)s bytes)\"\"\"
        Parameters = ["path", "?size"]

    message = fileArrived(path="in/a.mov", size=1024)
    assert message.path == "in/a.mov" and str(message) == "in/a.mov arrived (1024 bytes)"
    assert fileArrived("in/b.mov").size is None

How does it work?
-----------------
``IPC.__init__`` walks ``Parameters``: each named field is taken from the
keyword arguments (or the positional ones, in order) and set as an
attribute; a missing field that is not optional, an unknown keyword, or
too many positional arguments raise ``ValueError`` naming the field and the
class, when the message is made rather than when somebody reads it.
``str(message)`` fills the class docstring's ``%(field)s`` placeholders
from the fields, as in Kamaelia 1.14; ``repr`` lists the fields.
"""

from __future__ import annotations

from typing import Any, ClassVar

__all__ = ["IPC"]


class IPC:
    """IPC(**fields) -> a message whose fields are declared in ``Parameters``.

    Subclasses set ``Parameters`` (names; ``"?name"`` is optional and
    defaults to ``None``) and a docstring used by ``str()``.
    """

    Parameters: ClassVar[list[str]] = []

    def __init__(self, *args: Any, **kwds: Any) -> None:
        kind = type(self).__name__
        names = [(p[1:], True) if p.startswith("?") else (p, False) for p in self.Parameters]
        if len(args) > len(names):
            raise ValueError(f"{kind} takes at most {len(names)} positional argument(s) "
                             f"({', '.join(n for n, _ in names) or 'none'}), got {len(args)}")
        for (name, _), value in zip(names, args):
            if name in kwds:
                raise ValueError(f"{kind} got {name!r} both positionally and as a keyword")
            kwds[name] = value
        for name, optional in names:
            if name in kwds:
                setattr(self, name, kwds.pop(name))
            elif optional:
                setattr(self, name, None)
            else:
                raise ValueError(f"{name!r} not given as a parameter to {kind}")
        if kwds:
            unknown = ", ".join(repr(name) for name in kwds)
            raise ValueError(f"unknown parameter(s) {unknown} to {kind}")

    def _fieldValues(self) -> dict[str, Any]:
        return {p.lstrip("?"): getattr(self, p.lstrip("?"), None) for p in self.Parameters}

    def __str__(self) -> str:
        template = type(self).__doc__
        if not template:
            return repr(self)
        try:
            return template % self._fieldValues()
        except (KeyError, TypeError, ValueError):
            return template

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={value!r}" for name, value in self._fieldValues().items())
        return f"{type(self).__name__}({fields})"
