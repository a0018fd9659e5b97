"""The decisions of a static file server, as pure functions (not public API).

:class:`~Kamaelia.Protocol.HTTP.Handlers.Minimal.Minimal` is a thin
component around these; they take plain values (a folder, the part of the
URL after the handler's prefix, header strings, ``os.stat`` numbers) and
return plain values, so each rule is tested with plain strings.

Example Usage
-------------
::

    found = locate("/srv/www", "docs/a%20b.txt?x=1")    # a Found, a Refused or a Missing
    parseRange("bytes=100-", size=1000)                 # (100, 999)
    parseRange("bytes=5000-", size=1000)                # UNSATISFIABLE
    notModified({"if-none-match": '"1a-2b"'}, '"1a-2b"', mtime=0)   # True

The rules :func:`locate` keeps
------------------------------
Nothing outside the folder is ever named by what it returns:

1. The query (``?...``) and fragment (``#...``) are cut off first.
2. A backslash, raw or percent-encoded, is refused: no client sends one in
   a path, and on some systems it separates folders.
3. The path is split on ``/`` *before* percent-decoding, and a segment
   holding an encoded slash (``%2f``) is refused: decoding it would make a
   new segment the split never saw.
4. Each segment is percent-decoded and must be UTF-8 without a NUL byte
   (raw or ``%00``: the C library would cut the name there).
5. A ``..`` segment (raw or encoded as ``%2e%2e``) is refused rather than
   resolved: browsers and curl remove them before sending, so only a
   client probing for a way out sends one. Empty and ``.`` segments are
   dropped, so ``//etc/passwd`` is ``etc/passwd`` *inside* the folder: an
   absolute path can never be formed.
6. The joined name is resolved with :func:`os.path.realpath` (every symbolic
   link followed) and must lie in the folder (itself resolved the same way).
   A link inside that leads out is answered as missing (404), so a prober
   learns nothing about what lies outside.

Refusals (rules 2-5) are 400 Bad Request; names that resolve outside, or to
nothing, are 404 Not Found. What it does not do: guard against someone who
changes the folder between the check and the open (the component opens with
``O_NOFOLLOW``, so a file swapped for a link since is not followed either).
"""

from __future__ import annotations

import email.utils
import html
import mimetypes
import os
import re
from dataclasses import dataclass
from typing import Mapping
from urllib.parse import quote, unquote_to_bytes

__all__ = ["Found", "Refused", "Missing", "locate", "UNSATISFIABLE", "parseRange",
           "entityTag", "httpDate", "notModified", "rangeStillValid", "guessType",
           "listingPage"]


@dataclass(frozen=True, slots=True)
class Found:
    """The request names ``path`` (resolved, inside the folder)."""
    path: str
    isdir: bool


@dataclass(frozen=True, slots=True)
class Refused:
    """A path no well-behaved client sends (answer 400); ``reason`` says why."""
    reason: str


@dataclass(frozen=True, slots=True)
class Missing:
    """Nothing that may be served is there (answer 404); ``reason`` says why."""
    reason: str
    outside: bool = False   # it resolved outside the folder (worth logging)


def inside(root: str, path: str) -> bool:
    """True if resolved ``path`` is ``root`` (resolved) or lies below it."""
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def locate(root: str, suffix: str) -> Found | Refused | Missing:
    """What URL path ``suffix`` names inside folder ``root`` (already resolved
    with ``os.path.realpath``), by the rules in the module docstring."""
    path = suffix.split("?", 1)[0].split("#", 1)[0]
    if "\\" in path or "%5c" in path.lower():
        return Refused("a backslash in the path")
    parts: list[str] = []
    for segment in path.split("/"):
        if "%2f" in segment.lower():
            return Refused("an encoded slash (%2f) in the path")
        try:
            name = unquote_to_bytes(segment).decode("utf-8")
        except UnicodeDecodeError:
            return Refused("a path that is not UTF-8")
        if "\x00" in name:
            return Refused("a NUL byte in the path")
        if name == "..":
            return Refused("a '..' segment in the path")
        if name not in ("", "."):
            parts.append(name)
    resolved = os.path.realpath(os.path.join(root, *parts))
    if not inside(root, resolved):
        return Missing("it leads outside the served folder", outside=True)
    try:
        isdir = os.path.isdir(resolved)
        if not isdir and not os.path.exists(resolved):
            return Missing("no such file")
    except (OSError, ValueError):
        return Missing("it cannot be looked at")
    return Found(resolved, isdir)


# -- Range (RFC 9110 section 14) ------------------------------------------------

#: parseRange's answer for a range that lies wholly past the end (416).
UNSATISFIABLE = "unsatisfiable"

_NUMBER = re.compile(r"[0-9]{1,19}")


def parseRange(header: str | None, size: int) -> tuple[int, int] | str | None:
    """The one byte range ``header`` asks for in a file of ``size`` bytes.

    Returns ``(first, last)`` (inclusive, clipped to the file), or
    :data:`UNSATISFIABLE` (answer 416), or None: serve the whole file --
    for no header, one that is malformed, another unit than bytes, or
    several ranges (RFC 9110 lets a server ignore Range; one range is what
    players, ffmpeg and download managers ask for).
    """
    if header is None:
        return None
    unit, equals, spec = header.partition("=")
    if not equals or unit.strip().lower() != "bytes" or "," in spec:
        return None
    first, dash, last = spec.strip().partition("-")
    first, last = first.strip(), last.strip()
    if not dash:
        return None
    if first == "":                                 # bytes=-N: the last N bytes
        if not _NUMBER.fullmatch(last):
            return None
        count = int(last)
        if count == 0 or size == 0:
            return UNSATISFIABLE
        return (max(0, size - count), size - 1)
    if not _NUMBER.fullmatch(first) or (last and not _NUMBER.fullmatch(last)):
        return None
    start = int(first)
    if last and int(last) < start:
        return None                                 # invalid: ignored, not refused
    end = int(last) if last else size - 1
    if start >= size:
        return UNSATISFIABLE
    return (start, min(end, size - 1))


# -- validators and conditional requests (RFC 9110 section 13) ----------------

def entityTag(stat: os.stat_result) -> str:
    """A strong ETag for a file: it changes when the file is replaced or written."""
    return f'"{stat.st_ino:x}-{stat.st_size:x}-{stat.st_mtime_ns:x}"'


def httpDate(timestamp: float) -> str:
    """``timestamp`` as an HTTP date (``Sun, 06 Nov 1994 08:49:37 GMT``)."""
    return email.utils.formatdate(timestamp, usegmt=True)


def _parseDate(text: str) -> float | None:
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:         # (RFC 9110: HTTP dates are always GMT)
        return None
    return when.timestamp()


def _tags(header: str) -> list[str]:
    return [tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()]


def notModified(headers: Mapping[str, str], etag: str, mtime: float) -> bool:
    """True if a GET or HEAD with these (lower-case) headers may be answered
    304: If-None-Match names the ETag (weak comparison) or ``*``; without
    If-None-Match, If-Modified-Since is not before the file's modification."""
    match = headers.get("if-none-match")
    if match is not None:
        return match.strip() == "*" or etag in _tags(match)
    since = headers.get("if-modified-since")
    if since is None:
        return False
    when = _parseDate(since)
    return when is not None and int(mtime) <= when


def rangeStillValid(headers: Mapping[str, str], etag: str, mtime: float) -> bool:
    """If-Range: honour Range only if the client's copy is still current
    (its ETag strongly equal, or its date exactly the Last-Modified)."""
    condition = headers.get("if-range")
    if condition is None:
        return True
    condition = condition.strip()
    if condition.startswith(('"', "W/")):
        return condition == etag
    when = _parseDate(condition)
    return when is not None and int(mtime) == int(when)


# -- types and listings ----------------------------------------------------------

_COMPRESSED = {"gzip": "application/gzip", "bzip2": "application/x-bzip2",
               "xz": "application/x-xz", "br": "application/x-brotli",
               "compress": "application/x-compress"}


def guessType(name: str) -> str:
    """The Content-Type for a file name, from :mod:`mimetypes`.

    A compressed file (``notes.txt.gz``) is served as the compressed type,
    not as ``text/plain`` with ``Content-Encoding``: a browser would unpack
    it on the way and save something else than the file."""
    kind, encoding = mimetypes.guess_type(name, strict=False)
    if encoding is not None:
        return _COMPRESSED.get(encoding, "application/octet-stream")
    return kind or "application/octet-stream"


def listingPage(urlPath: str, entries: list[tuple[str, bool]]) -> str:
    """An HTML page listing ``entries`` (name, is a folder) of the folder at
    ``urlPath``; names are escaped in the text and percent-encoded in links."""
    title = html.escape(urlPath)
    rows = [f'<li><a href="{quote(name)}{"/" if isdir else ""}">'
            f'{html.escape(name)}{"/" if isdir else ""}</a></li>'
            for name, isdir in sorted(entries, key=lambda e: (not e[1], e[0]))]
    return ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
            f"<title>Index of {title}</title></head>\n<body><h1>Index of {title}</h1>\n"
            "<ul>\n" + "\n".join(rows) + "\n</ul></body></html>\n")
