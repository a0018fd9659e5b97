"""Kamaelia.Protocol.HTTP.MimeTypes: the MIME type of a file, from its name.

Example Usage
-------------
::

    from Kamaelia.Protocol.HTTP.MimeTypes import workoutMimeType

    print(workoutMimeType("index.html"))     # text/html
    print(workoutMimeType("clip.mp4"))       # video/mp4
    print(workoutMimeType("README"))         # application/octet-stream

How does it work?
-----------------
:func:`workoutMimeType` ``(filename)`` asks the standard library's
:mod:`mimetypes` (its built-in table, without reading the system's
``mime.types`` files, so the answer is the same on every machine), after
1.14's own table ``extensionToMimeType`` (extension without the dot ->
type), which is kept and may be extended by assigning to it: a name found
in neither is ``application/octet-stream``. 1.14 answered ``text/plain``
for source files (``.py``, ``.c``, ``.h``, ...); that table keeps doing so.
"""

from __future__ import annotations

import mimetypes

__all__ = ["workoutMimeType", "extensionToMimeType"]

#: Extensions (lower case, no dot) whose type is fixed here, before mimetypes is asked.
extensionToMimeType: dict[str, str] = {
    "c": "text/plain", "cc": "text/plain", "cpp": "text/plain", "h": "text/plain",
    "hpp": "text/plain", "py": "text/plain",
    "ts": "video/mp2t",         # (transport streams: not in the standard table)
    "cool": "text/cool",        # 1.14's own made-up type
}

_TYPES = mimetypes.MimeTypes(filenames=())


def workoutMimeType(filename: str) -> str:
    """workoutMimeType(filename) -> the MIME type for that file name"""
    if not isinstance(filename, str):
        raise TypeError(f"workoutMimeType: filename must be a str, not {filename!r}")
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension in extensionToMimeType:
        return extensionToMimeType[extension]
    guessed, _ = _TYPES.guess_type("x." + extension if extension else filename, strict=False)
    return guessed or "application/octet-stream"
