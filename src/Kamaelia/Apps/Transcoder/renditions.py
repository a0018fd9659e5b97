"""Kamaelia.Apps.Transcoder.renditions: what a transcode makes, and how it says no.

Example Usage
-------------
::

    from Kamaelia.Apps.Transcoder.renditions import ItemResult, Refused, Rendition

    result = ItemResult(kind="image", info={"width": 4000, "height": 3000})
    result.renditions.append(Rendition(name="large", path="large.jpg", kind="image",
                                       format="jpeg", width=626, height=470, bytes=51234))
    print(result.asManifest()["renditions"][0]["path"])      # large.jpg

    try:
        raise Refused("encrypted PDF (needs a password)")
    except Refused as refusal:
        print(refusal.reason)                                # encrypted PDF (needs a password)

The types shared by the three media modules (``images``, ``video``,
``pdf``) and the job runner that calls them:

* each media module has ``transcode(source, outdir, settings, progress)``
  which writes its renditions into the (empty, existing) folder ``outdir``
  and returns an :class:`ItemResult`. It never touches ``source`` beyond
  reading it, and never writes outside ``outdir``;
* a source that cannot be transcoded (corrupt, truncated, a decompression
  bomb, encrypted, no usable stream) raises :class:`Refused` with a reason a
  person can act on: it is written beside the original in ``failed/`` as
  ``NAME.reason.txt``;
* ``progress(step, fraction)`` is called now and then with a short step
  name (``"720p"``, ``"pages"``) and how far the whole item is, 0.0 to 1.0.
  It must be cheap and must not raise; a caller that wants no progress
  passes :func:`noProgress`.

Paths inside an :class:`ItemResult` are relative to ``outdir`` (POSIX
separators), so a manifest stays true when the folder is moved.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Callable

__all__ = ["Progress", "noProgress", "Refused", "Rendition", "ItemResult"]

#: ``progress(step, fraction)``: see the module docstring.
Progress = Callable[[str, float], None]


def noProgress(step: str, fraction: float) -> None:
    """A :data:`Progress` that ignores what it is told."""


class Refused(Exception):
    """The source cannot be transcoded; :attr:`reason` says why, for a person."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class Rendition:
    """One file made from the source.

    ``kind`` is what it is for: ``"image"``, ``"video"``, ``"poster"``,
    ``"thumbnails"``, ``"playlist"``, ``"page"``, ``"text"`` or ``"html"``;
    ``format`` its file format (``"jpeg"``, ``"webp"``, ``"avif"``, ``"gif"``,
    ``"mp4"``, ``"webm"``, ``"m3u8"``, ``"png"``, ``"txt"``, ``"html"``).
    ``width``/``height`` in pixels and ``duration`` in seconds where they
    apply; ``bytes`` is the file's size. ``extra`` holds anything else worth
    keeping (a page number, a bit rate, the codecs).
    """

    name: str
    path: str
    kind: str
    format: str
    width: int | None = None
    height: int | None = None
    duration: float | None = None
    bytes: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class ItemResult:
    """Everything one transcode made: ``kind`` (``"image"``, ``"video"`` or
    ``"pdf"``), facts about the source in ``info`` (its width, height,
    duration, frames, page count, codecs...), and the renditions."""

    kind: str
    info: dict[str, Any] = field(default_factory=dict)
    renditions: list[Rendition] = field(default_factory=list)

    def asManifest(self) -> dict[str, Any]:
        """The JSON-ready form the job runner puts in ``manifest.json``."""
        return {"kind": self.kind, "info": dict(self.info),
                "renditions": [asdict(rendition) for rendition in self.renditions]}
