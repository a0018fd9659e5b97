"""Base class of Axon's objects, kept for Kamaelia 1.14 compatibility.

Example Usage
-------------

Old code (written for Kamaelia 1.14) keeps working::

    from Axon.Base import AxonObject

    class Counter(AxonObject):
        def __init__(self, start=0):
            self.__super.__init__()      # 1.14 idiom: the class's own super()
            self.count = start

New code should simply write ``super().__init__()``.

How does it work?
-----------------

Before Python 3's zero-argument ``super()``, Kamaelia gave each class a
private attribute ``__super`` holding ``super(ThatClass)``. Inside a class
body, ``self.__super`` is name-mangled to ``self._ThatClass__super``; an
unbound ``super`` object found through an instance binds to that instance,
so ``self.__super.method()`` calls the next ``method`` in the MRO, exactly as
``super().method()`` does today.

The metaclass ``AxonType`` sets that attribute on every class it creates
(using Python's mangling rule, which drops leading underscores from the class
name: class ``_Hidden`` gets ``_Hidden__super``). ``AxonObject`` is the root
class using it; ``microprocess`` and ``component`` derive from it, so every
component class has its ``__super``.

``AxonObject.__init__`` accepts and ignores any arguments, so subclasses can
pass theirs up the chain without caring whether anything above uses them. It
calls ``super().__init__()`` with no arguments, which is right when the
classes after it in the MRO are ``object`` or take no arguments.

This module does not do: metaclass mixing. A class deriving from both an
``AxonObject`` and a class with a different metaclass (``abc.ABC``, for
example) needs a metaclass deriving from both.
"""

from __future__ import annotations

from typing import Any

__all__ = ["AxonType", "AxonObject"]


class AxonType(type):
    """AxonType(name, bases, namespace) -> metaclass giving each class a ``__super`` attribute.

    The attribute is ``super(cls)``, stored under the name-mangled
    ``_<ClassName>__super`` so ``self.__super`` works inside the class body.
    """

    def __init__(cls, name: str, bases: tuple[type, ...], namespace: dict[str, Any], **kwds: Any) -> None:
        super().__init__(name, bases, namespace, **kwds)
        stripped = name.lstrip("_")
        # Python does not mangle names inside a class whose name is all underscores.
        attribute = f"_{stripped}__super" if stripped else "__super"
        setattr(cls, attribute, super(cls))


class AxonObject(metaclass=AxonType):
    """AxonObject(*args, **argd) -> base object; the arguments are accepted and ignored."""

    def __init__(self, *args: Any, **argd: Any) -> None:
        super().__init__()
