"""MimeObject: a MIME-style header and body, handled as one thing.

Example Usage
-------------
::

    from Kamaelia.Support.Data.MimeObject import mimeObject

    message = mimeObject({"content-type": ["Content-Type", "text/plain"]}, "hello")
    print(message.header["content-type"])     # ['Content-Type', 'text/plain']
    print(str(message))                       # Content-Type: text/plain, a blank line, hello

How does it work?
-----------------
``mimeObject(header={}, body="", preambleLine=None)`` keeps a copy of
``header`` as ``.header``, ``body`` as ``.body`` and ``preambleLine`` (for
example a :class:`~Kamaelia.Support.Data.requestLine.requestLine`) as
``.preambleLine`` (``None`` when not given or empty). The header maps a
key (by convention the lower-case field name) to a pair ``[name, value]``:
the field's name as it was written, and its value. This is the shape
``Kamaelia.Protocol.MimeRequestComponent`` builds.

``str()`` gives the object in its text form: the preamble line (if any),
then a ``"name: value"`` line for each header field, in the header's order,
then an empty line, then the body; lines end with ``"\\n"``. A header value
that is not such a pair is written as it is, under its key.

What it does not do: it does not parse text (see ``MimeDict.fromString``),
fold long lines, or encode non-ASCII values.
"""

from __future__ import annotations

from typing import Any, Mapping

__all__ = ["mimeObject"]


class mimeObject:
    """mimeObject(header={}, body="", preambleLine=None) -> a header and a body as one object

    - header       -- maps keys to ``[field name, value]`` pairs (copied)
    - body         -- the body (a str)
    - preambleLine -- a line to write before the header (e.g. a requestLine)
    """

    def __init__(self, header: Mapping[str, Any] = {}, body: Any = "",   # noqa: B006 - copied
                 preambleLine: Any = None) -> None:
        self.header = dict(header)
        self.body = body
        self.preambleLine = preambleLine if preambleLine else None

    def __str__(self) -> str:
        lines = [] if self.preambleLine is None else [str(self.preambleLine)]
        for key, value in self.header.items():
            if isinstance(value, (list, tuple)) and len(value) == 2:
                name, text = value
            else:
                name, text = key, value
            lines.append(f"{name}: {text}")
        lines.append("")
        return "\n".join(lines) + "\n" + str(self.body)

    def __repr__(self) -> str:
        return (f"mimeObject({self.header!r}, {self.body!r}, "
                f"preambleLine={self.preambleLine!r})")
