"""bitfieldrec: records of bit fields, packed most significant bit first.

Example Usage
-------------
Describe a record as a list of fields (name, width in bits, ``None`` for
one value or ``list`` for a run of values), then pack it::

    from Kamaelia.Support.Data.bitfieldrec import bfrec, field

    class Pair(bfrec):
        fields = field.mkList([("kind", 4, None), ("flags", 4, None),
                               ("values", 16, list)])

    record = Pair(kind=0xA, flags=0x5, values=[1, 0xBEEF])
    print(record.pack())              # [165, 0, 1, 190, 239]
    print(record.toBytes().hex())     # a50001beef
    print(record.structureSize())     # 40 (bits)

How does it work?
-----------------
:class:`field` is a ``str`` (the field's name) carrying two attributes:
``size``, its width in bits, and ``extra``: ``None`` for a field holding one
unsigned integer, ``list`` for one holding a list of them, each ``size``
bits wide. :meth:`field.mkList` makes the list of fields from
``(name, size, extra)`` triples, as records declare them.

A :class:`bfrec` subclass lists its fields in the class attribute
``fields``. Making one sets every field from the keyword argument of the
same name (missing ones are 0, or ``[]`` for list fields); a ``fields=``
keyword gives that one record its own list of triples instead. Fields are
ordinary attributes, so they can be set afterwards too.

:meth:`bfrec.pack` lays the fields end to end in declaration order, each
value most significant bit first (network order, as RFC 3550 and most
protocol diagrams draw them), and cuts the result into chunks of ``csize``
bits (class attribute, 8 by default): it returns the chunks as a list of
ints, as Kamaelia 1.14 did; :meth:`bfrec.toBytes` returns the same as
``bytes`` (``csize`` 8). It raises ``ValueError`` naming the field if a
value is not an int in ``0 .. 2**size - 1`` (or a list field does not hold a
list of them), and if the record's size is not a whole number of chunks.

What it does not do: it only packs; reading records back is up to the
protocol that knows how long each list is (see
``Kamaelia.Protocol.RTP.RTP.RTPDeframer.parsePacket``).
"""

from __future__ import annotations

from typing import Any, Iterable

from Axon.Base import AxonObject

__all__ = ["field", "bfrec"]


class field(str):
    """field(name) -> a field name carrying ``size`` (bits) and ``extra`` (None or list)

    Made by :meth:`mkList`; ``size`` and ``extra`` default to 0 and None.
    """

    size: int = 0
    extra: Any = None

    @staticmethod
    def mkList(fieldDefs: Iterable[tuple[str, int, Any]]) -> list["field"]:
        """The fields described by ``(name, size, extra)`` triples, in order."""
        result = []
        for definition in fieldDefs:
            try:
                name, size, extra = definition
            except (TypeError, ValueError):
                raise ValueError(f"a field is described by (name, size, extra), not "
                                 f"{definition!r}") from None
            if not isinstance(name, str):
                raise TypeError(f"a field's name must be a str, not {name!r}")
            if isinstance(size, bool) or not isinstance(size, int) or size < 1:
                raise ValueError(f"field {name!r}: size must be an int >= 1, not {size!r}")
            if extra is not None and extra is not list:
                raise ValueError(f"field {name!r}: extra must be None or list, not {extra!r}")
            made = field(name)
            made.size = size
            made.extra = extra
            result.append(made)
        return result


class bfrec(AxonObject):
    """bfrec(**values) -> a record of the bit fields listed in ``fields``

    - values -- a value for each field, by name (default 0, or [] for list
      fields); ``fields=[(name, size, extra), ...]`` gives this record its own
      fields
    """

    fields: list[field] = []
    #: Bits per chunk that :meth:`pack` returns.
    csize: int = 8

    def __init__(self, **args: Any) -> None:
        super().__init__()
        if "fields" in args:
            self.fields = field.mkList(args.pop("fields"))
        for aField in self.fields:
            if aField in args:
                value = args[aField]
            else:
                value = [] if aField.extra is list else 0
            self.__dict__[str(aField)] = value

    def _values(self, aField: field) -> list[int]:
        value = self.__dict__.get(str(aField), [] if aField.extra is list else 0)
        if aField.extra is list:
            if not isinstance(value, (list, tuple)):
                raise ValueError(f"{type(self).__name__}: field {str(aField)!r} holds a list "
                                 f"of values, not {value!r}")
            return list(value)
        return [value]

    def structureSize(self) -> int:
        """The record's size in bits."""
        return sum(aField.size * len(self._values(aField)) for aField in self.fields)

    def _packedInt(self) -> tuple[int, int]:
        """The whole record as one integer, and its size in bits."""
        total = bits = 0
        for aField in self.fields:
            size = aField.size
            top = (1 << size) - 1
            for value in self._values(aField):
                if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= top:
                    raise ValueError(f"{type(self).__name__}: field {str(aField)!r} must hold "
                                     f"an int from 0 to {top}, not {value!r}")
                total = (total << size) | value
                bits += size
        return total, bits

    def pack(self) -> list[int]:
        """The record as a list of ``csize``-bit chunks (ints), most significant first."""
        csize = self.csize
        total, bits = self._packedInt()
        if bits % csize:
            raise ValueError(f"{type(self).__name__} is {bits} bits long, not a whole "
                             f"number of {csize}-bit chunks")
        mask = (1 << csize) - 1
        return [(total >> shift) & mask for shift in range(bits - csize, -1, -csize)]

    def toBytes(self) -> bytes:
        """The record as bytes (its size must be a whole number of bytes)."""
        total, bits = self._packedInt()
        if bits % 8:
            raise ValueError(f"{type(self).__name__} is {bits} bits long, not a whole "
                             f"number of bytes")
        return total.to_bytes(bits // 8, "big")

    def __repr__(self) -> str:
        values = ", ".join(f"{name}={self.__dict__.get(str(name))!r}" for name in self.fields)
        return f"{type(self).__name__}({values})"
