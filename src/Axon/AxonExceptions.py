"""Exceptions raised by Axon.

Example Usage
-------------

::

    from Axon.AxonExceptions import noSpaceInBox

    try:
        self.send(data, "outbox")
    except noSpaceInBox:
        # The destination inbox is full: keep the data and retry later.
        self.pending.append(data)

    raise AxonException("inbox", "has no such box")   # str() -> "inbox has no such box"

How does it work?
-----------------

Every exception Axon raises derives from ``AxonException``, so
``except AxonException`` catches any of them. The constructor takes any
positional arguments, exactly like ``Exception``: they are kept unchanged in
``.args`` (Kamaelia 1.14 code inspects ``exc.args``), so that, for example,
``noSpaceInBox(size, box)`` still carries the size and the box.

``str()`` of an ``AxonException`` is meant to be read by a person:

- no arguments: the class name;
- one argument: ``str()`` of it;
- several arguments starting with a string: the string followed by the
  ``repr()`` of each remaining non-string argument (strings are appended as
  they are), separated by spaces, so ``BadInbox("no such inbox", "inbox2")``
  reads ``no such inbox inbox2``;
- otherwise: the ``repr()`` of the argument tuple.

Converting an argument to text never raises: an argument whose ``str`` or
``repr`` fails is shown as ``<unprintable ClassName>``.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "AxonException",
    "normalShutdown",
    "invalidComponentInterface",
    "noSpaceInBox",
    "BadParentTracker",
    "ServiceAlreadyExists",
    "BadComponent",
    "BadInbox",
    "MultipleServiceDeletion",
    "NamespaceClash",
    "AccessToUndeclaredTrackedVariable",
    "ArgumentsClash",
    "BoxAlreadyLinkedToDestination",
]


def _text(value: Any, as_repr: bool) -> str:
    """Convert ``value`` to text without ever raising."""
    try:
        return repr(value) if as_repr else str(value)
    except Exception:
        return f"<unprintable {type(value).__name__}>"


class AxonException(Exception):
    """AxonException(*args) -> base class of every exception Axon raises.

    The arguments are kept, unchanged, in ``.args``.
    """

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.args = args

    def __str__(self) -> str:
        args = self.args
        if not args:
            return type(self).__name__
        if len(args) == 1:
            return _text(args[0], as_repr=False)
        if isinstance(args[0], str):
            parts = [args[0]]
            for arg in args[1:]:
                parts.append(_text(arg, as_repr=not isinstance(arg, str)))
            return " ".join(parts)
        return _text(args, as_repr=True)


class normalShutdown(AxonException):
    """Raised to end a microprocess's life cleanly (not an error)."""


class invalidComponentInterface(AxonException):
    """Raised by ``Axon.util.testInterface`` when a component lacks required inboxes or outboxes."""


class noSpaceInBox(AxonException):
    """Raised by ``send`` when the destination inbox has reached its size limit.

    Arguments: the size limit and the box that is full.
    """


class BadParentTracker(AxonException):
    """Raised when a coordinatingassistanttracker's parent is not a coordinatingassistanttracker."""


class ServiceAlreadyExists(AxonException):
    """Raised when registering a service under a name that is already registered."""


class BadComponent(AxonException):
    """Raised when registering a service whose provider is not a component."""


class BadInbox(AxonException):
    """Raised when registering a service on an inbox the component does not have."""


class MultipleServiceDeletion(AxonException):
    """Raised when deregistering a service that is not (or no longer) registered."""


class NamespaceClash(AxonException):
    """Raised when tracking a value under a name that is already tracked."""


class AccessToUndeclaredTrackedVariable(AxonException):
    """Raised when updating a tracked value that was never declared with ``trackValue``."""


class ArgumentsClash(AxonException):
    """Raised when arguments given to a component conflict with each other."""


class BoxAlreadyLinkedToDestination(AxonException):
    """Raised when linking an outbox that is already linked to a destination (an outbox has one destination)."""
