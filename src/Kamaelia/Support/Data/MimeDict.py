"""MimeDict: a dictionary of MIME-style header fields, in their order, with a body.

Example Usage
-------------
Read a header and body, change them, write them back::

    from Kamaelia.Support.Data.MimeDict import MimeDict

    message = MimeDict.fromString("Subject: hi\\r\\nTo: a\\r\\nTo: b\\r\\n\\r\\nthe body")
    print(message["Subject"], message["To"], message["__BODY__"])
    # hi ['a', 'b'] the body
    message["X-Seen"] = "yes"
    print(repr(str(message)))
    # 'Subject: hi\\r\\nTo: a\\r\\nTo: b\\r\\nX-Seen: yes\\r\\n\\r\\nthe body'

    made = MimeDict(Host="example.com", Accept=["text/plain", "text/html"])
    print(repr(str(made)))
    # 'Host: example.com\\r\\nAccept: text/plain\\r\\nAccept: text/html\\r\\n\\r\\n'

How does it work?
-----------------
A ``MimeDict`` is a ``dict`` from field names to values: a ``str`` for a
field that appears once, a list of ``str`` for one that appears more than
once (in order). The key ``"__BODY__"`` holds the body (``""`` by default).
Keys keep the case they were written in. Alongside, ``insertionorder`` lists
the field names in the order their lines are written, a name once per
line, so that ``str()`` writes the fields back in the order they were read
(or set), interleaved as they were::

    name: value\\r\\n      (one line per value, in insertionorder)
    \\r\\n
    body

Setting a field (``md[key] = value``) moves all its lines to the end;
deleting one removes them. ``MimeDict(**fields)`` takes the fields in the
order given.

:meth:`MimeDict.fromString` reads text in that form (the rules of 1.14):

* a field line is ``name:value\\r\\n``; the name is at least one character,
  does not start with a space and holds no ``:``; one space after the colon
  is dropped; the value runs to the ``\\r`` and is not empty (``"name: "``
  gives the value ``""``);
* a line that starts with spaces continues the previous field's value
  (joined to it with ``"\\r\\n"``, keeping the spaces);
* the header ends with an empty line (``\\r\\n``); the rest is the body.

Text whose header does not end so -- no blank line, a line that is not a
field, or bare ``\\n`` line endings -- is not taken apart at all: the whole
text becomes the body, there are no fields, and ``invalidSource`` is True;
``str()`` then gives back the original text. ``fromString`` never raises
for a ``str``; anything else is a ``TypeError``.

``fromString`` takes time linear in the text, however many fields or
continuation lines it holds.

What it does not do: it does not unfold continuation lines, decode encoded
words, treat field names case-insensitively, or accept ``\\n`` alone as a
line ending (HTTP-style parsers in ``Kamaelia.Protocol.HTTP`` do).
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["MimeDict"]

BODY = "__BODY__"

# One header line, as 1.14 read it: a name that does not start with a space
# and has no colon; a colon; an optional single space; a non-empty value up
# to the carriage return.
_FIELD = re.compile(r"([^: ][^:]*):( ?)([^\r]+)\r\n")
# A continuation line: leading spaces, then anything up to the line end.
_CONTINUATION = re.compile(r"( +[^\r\n]*)\r\n")


class MimeDict(dict):  # type: ignore[type-arg]
    """MimeDict(**fields) -> a dict of header fields (str, or list of str) and a body

    - fields -- header fields by name (a list for a field with several
      lines); ``__BODY__`` is the body (default ``""``)

    ``insertionorder`` lists the names of the lines in order;
    ``invalidSource`` is True when :meth:`fromString` found no valid header.
    """

    def __init__(self, **args: Any) -> None:
        super().__init__(**args)
        self.insertionorder: list[str] = []
        self.invalidSource = False
        for key, value in args.items():
            if isinstance(value, list) and value:
                self.insertionorder.extend([key] * len(value))
            else:
                self.insertionorder.append(key)
        if BODY not in self:
            super().__setitem__(BODY, "")

    def __setitem__(self, i: str, y: Any) -> None:
        super().__setitem__(i, y)
        if i != BODY:
            self.insertionorder = [k for k in self.insertionorder if k != i]
            self.insertionorder.extend([i] * len(y) if isinstance(y, list) and y else [i])

    def __delitem__(self, y: str) -> None:
        self.insertionorder = [k for k in self.insertionorder if k != y]
        super().__delitem__(y)

    def __str__(self) -> str:
        lines: list[str] = []
        seen: dict[str, int] = {}
        for key in self.insertionorder:
            if key == BODY or key not in self:
                continue
            index = seen[key] = seen.get(key, -1) + 1
            value = self[key]
            if isinstance(value, list):
                value = value[index] if index < len(value) else ""
            lines.append(f"{key}: {value}\r\n")
        lines.append("\r\n")
        lines.append(str(self.get(BODY, "")))
        text = "".join(lines)
        return text[2:] if self.invalidSource else text

    def __repr__(self) -> str:
        return f"MimeDict({dict.__repr__(self)})"

    @staticmethod
    def fromString(source: str) -> "MimeDict":
        """The MimeDict that ``source`` (header, blank line, body) describes.

        Text without a valid header becomes all body, with ``invalidSource``
        set (see the module docstring); this never raises for a ``str``.
        """
        if not isinstance(source, str):
            raise TypeError(f"MimeDict.fromString takes a str, not {type(source).__name__}: "
                            f"{source!r:.60}")
        # Each field line, with its continuation lines, as pieces joined at
        # the end (joining as they come would copy a long value once per line).
        lines: list[tuple[str, list[str]]] = []
        at = 0
        while True:
            match = _FIELD.match(source, at)
            if match is not None:
                key, spaces, value = match.groups()
                if value == " " and not spaces:        # "name: " is an empty value
                    value = ""
                lines.append((key, [value]))
            elif lines:
                match = _CONTINUATION.match(source, at)
                if match is None:
                    break
                lines[-1][1].extend(("\r\n", match.group(1)))
            else:
                break
            at = match.end()
        fields: dict[str, Any] = {}
        order: list[str] = []
        for key, pieces in lines:
            value = pieces[0] if len(pieces) == 1 else "".join(pieces)
            if key not in fields:
                fields[key] = value
            elif isinstance(fields[key], list):
                fields[key].append(value)
            else:
                fields[key] = [fields[key], value]
            order.append(key)
        if source.startswith("\r\n", at):
            result = MimeDict(**fields)
            super(MimeDict, result).__setitem__(BODY, source[at + 2:])
            result.insertionorder = order
            return result
        result = MimeDict()
        super(MimeDict, result).__setitem__(BODY, source)
        result.insertionorder = []
        result.invalidSource = True
        return result
