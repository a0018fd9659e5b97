"""Kamaelia.Apps.Show.slides: where the slides come from (a folder of images, or a PDF).

Example Usage
-------------
::

    from Kamaelia.Apps.Show.slides import openSlides

    slides = openSlides("talk.pdf")           # or a folder of images, or one image
    print(len(slides), "slides; the first is", slides.names[0])
    width, height = slides.pageSize(0)        # its own size (pixels, or PDF points)
    picture = slides.render(0, (960, 540))    # a Pillow RGB image, exactly 960 x 540
    slides.close()

How does it work?
-----------------
``openSlides(path)`` looks at what ``path`` is and returns a slide source:

* **A folder**: an :class:`ImageFolder` of the image files in it (not in
  its sub-folders), in *natural* order: ``slide2.png`` before
  ``slide10.png``, letters compared without case. A file is a slide if its
  extension is one of the raster formats Pillow opens here (PNG, JPEG, GIF,
  BMP, TIFF, WebP, TGA, the PNM family, QOI, AVIF, APNG...); hidden files
  are left out. Each one is opened once, at once, to read its size (only
  its header is read): a file that Pillow cannot read is logged as a
  warning naming it and the reason, and skipped. A folder with no readable
  slide is a :class:`SlideError` that says what it held.
* **A single image file**: a one-slide :class:`ImageFolder`.
* **A PDF** (by extension, or by its ``%PDF`` signature): a
  :class:`PDFSlides`, one slide per page, rendered with PyMuPDF (MuPDF, the
  renderer Impressive prefers too: fast, and faithful to fonts and vector
  art). A PDF that MuPDF cannot open, that has no pages, or that needs a
  password is a :class:`SlideError` naming the file and what is wrong.

``render(index, (width, height))`` returns the slide as a Pillow ``RGB``
image of exactly that size. The caller chooses the size (keeping the
slide's aspect is the caller's job: see :func:`Kamaelia.Apps.Show.deck.fitSize`);
PDF pages are drawn by MuPDF at that resolution, not scaled from a fixed
bitmap, so they are sharp at any window size and on HiDPI screens. Images
are resampled with Lanczos; a transparent image is laid on ``background``;
a photograph's EXIF orientation is honoured.

Nothing is rendered until it is asked for, and what has been rendered is
kept in a least-recently-used cache bounded in bytes (``cacheBytes``,
default 256 MiB), so going back a slide or opening the overview a second
time costs nothing. :meth:`SlideSource.cached` says whether a render would
be free, which lets a caller render ahead while the presenter is idle.

Rules
-----
* Pure: no display, no pygame, no Kamaelia components. Pillow always;
  PyMuPDF only when a PDF is opened (so a folder of images needs only the
  ``ui`` extra's Pillow).
* Errors at the door: a bad path, an empty folder or a bad PDF raise
  :class:`SlideError` from ``openSlides``, before any window opens. A page
  that fails later (a PDF damaged in the middle) raises :class:`SlideError`
  from ``render`` naming the page.
* Not thread-safe: use a source from one thread (the scheduler's).
"""

from __future__ import annotations

import logging
import os
import re
import time
from collections import OrderedDict
from pathlib import Path
from typing import Any, Sequence

from PIL import Image, ImageOps, UnidentifiedImageError

__all__ = ["SlideError", "SlideSource", "ImageFolder", "PDFSlides", "openSlides",
           "naturalKey", "imageExtensions"]

log = logging.getLogger("Kamaelia.Apps.Show.slides")

Size = tuple[int, int]
Colour = tuple[int, int, int]

DEFAULT_CACHE_BYTES = 256 * 1024 * 1024

# The raster formats worth offering as slides. Pillow also registers
# extensions it can only identify (.mpg, .h5), or open only with outside
# programs (.eps needs Ghostscript) or on one system (.wmf): those are left out.
_WANTED_EXTENSIONS = frozenset({
    ".png", ".apng", ".jpg", ".jpeg", ".jpe", ".jfif", ".gif", ".bmp", ".dib",
    ".tif", ".tiff", ".webp", ".tga", ".ppm", ".pgm", ".pbm", ".pnm", ".qoi",
    ".avif", ".pcx", ".sgi", ".jp2", ".j2k",
})

# EXIF orientations that turn the picture a quarter turn (width and height swap).
_QUARTER_TURNS = frozenset({5, 6, 7, 8})
_EXIF_ORIENTATION = 0x0112


class SlideError(Exception):
    """A path that cannot be shown as slides, or a slide that cannot be drawn."""


def imageExtensions() -> frozenset[str]:
    """The file extensions (lower case, with the dot) taken as image slides."""
    Image.init()
    readable = {ext for ext, fmt in Image.registered_extensions().items() if fmt in Image.OPEN}
    return _WANTED_EXTENSIONS & readable


_DIGITS = re.compile(r"(\d+)")


def naturalKey(name: str) -> tuple[Any, ...]:
    """Sort key putting ``slide2`` before ``slide10`` and ``A.png`` beside ``a.png``."""
    parts = _DIGITS.split(name.casefold())
    # (0, number) and (1, text) never compare a number with a string; the
    # name itself breaks ties ("01" and "1"), so the order is total.
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in parts if p) + (name,)


class SlideSource:
    """SlideSource(path, *, background=(0, 0, 0), cacheBytes=256 MiB)

    What every slide source offers (:class:`ImageFolder`, :class:`PDFSlides`):

    * ``len(source)``: how many slides;
    * ``names``: one short name per slide (a file name, or ``"page 3"``);
    * ``pageSize(i)``: slide ``i``'s own size, whose ratio is its aspect;
    * ``render(i, (w, h))``: slide ``i`` as a Pillow RGB image of that size;
    * ``cached(i, (w, h))``: whether that render is in the cache;
    * ``close()``: let go of files and the cache (a source is also a
      context manager).

    Slide numbers are 0-based here; the counter on screen is 1-based.
    """

    def __init__(self, path: str | os.PathLike[str], *, background: Colour = (0, 0, 0),
                 cacheBytes: int = DEFAULT_CACHE_BYTES) -> None:
        self.path = Path(path)
        self.background = _colour(background)
        if isinstance(cacheBytes, bool) or not isinstance(cacheBytes, int) or cacheBytes < 0:
            raise ValueError(f"{type(self).__name__}: cacheBytes must be an int >= 0, "
                             f"not {cacheBytes!r}")
        self.cacheBytes = cacheBytes
        self._cache: OrderedDict[tuple[int, Size], Image.Image] = OrderedDict()
        self._cachedBytes = 0
        self.names: list[str] = []

    # -- what subclasses provide ------------------------------------------
    def __len__(self) -> int:
        return len(self.names)

    def pageSize(self, index: int) -> Size:
        raise NotImplementedError

    def _draw(self, index: int, size: Size) -> Image.Image:
        raise NotImplementedError

    # -- shared ---------------------------------------------------------------
    def render(self, index: int, size: Sequence[int]) -> Image.Image:
        """Slide ``index`` as an RGB image of exactly ``size`` (width, height)."""
        index = self._index(index)
        wanted = _size(type(self).__name__, size)
        key = (index, wanted)
        picture = self._cache.get(key)
        if picture is not None:
            self._cache.move_to_end(key)
            return picture
        started = time.perf_counter()
        picture = self._draw(index, wanted)
        if picture.size != wanted:
            # MuPDF rounds the page's edges outwards: a pixel more or less.
            picture = picture.resize(wanted, Image.Resampling.LANCZOS)
        log.debug("%s: rendered slide %d/%d at %dx%d in %.0f ms", self.path.name, index + 1,
                  len(self), wanted[0], wanted[1], (time.perf_counter() - started) * 1000)
        self._remember(key, picture)
        return picture

    def cached(self, index: int, size: Sequence[int]) -> bool:
        """True if ``render(index, size)`` would come from the cache."""
        return (self._index(index), _size(type(self).__name__, size)) in self._cache

    def close(self) -> None:
        """Drop the cache (and, for a PDF, close the file)."""
        self._cache.clear()
        self._cachedBytes = 0

    def __enter__(self) -> "SlideSource":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {str(self.path)!r}: {len(self)} slides>"

    def _index(self, index: Any) -> int:
        if isinstance(index, bool) or not isinstance(index, int):
            raise TypeError(f"{type(self).__name__}: slide index must be an int, not {index!r}")
        if not 0 <= index < len(self):
            raise IndexError(f"{type(self).__name__}: no slide {index!r} in {self.path.name!r} "
                             f"(it has {len(self)}, numbered from 0)")
        return index

    def _remember(self, key: tuple[int, Size], picture: Image.Image) -> None:
        cost = picture.width * picture.height * 3
        if cost > self.cacheBytes:
            return
        self._cache[key] = picture
        self._cachedBytes += cost
        while self._cachedBytes > self.cacheBytes:
            _, old = self._cache.popitem(last=False)
            self._cachedBytes -= old.width * old.height * 3


class ImageFolder(SlideSource):
    """ImageFolder(path, *, background=(0, 0, 0), cacheBytes=256 MiB) -> slides from images

    ``path`` is a folder (its image files, in natural order) or one image
    file. Raises :class:`SlideError` when there is no readable image.
    """

    def __init__(self, path: str | os.PathLike[str], *, background: Colour = (0, 0, 0),
                 cacheBytes: int = DEFAULT_CACHE_BYTES) -> None:
        super().__init__(path, background=background, cacheBytes=cacheBytes)
        self.files: list[Path] = []
        self._sizes: list[Size] = []
        # A few decoded originals: the full view and the overview's thumbnail
        # of one slide are made from the same decoded picture.
        self._decoded: OrderedDict[int, Image.Image] = OrderedDict()
        extensions = imageExtensions()
        if self.path.is_dir():
            candidates = sorted((p for p in self.path.iterdir()
                                 if p.suffix.lower() in extensions and not p.name.startswith(".")
                                 and p.is_file()),
                                key=lambda p: naturalKey(p.name))
        elif self.path.is_file():
            candidates = [self.path]
        else:
            raise SlideError(f"{str(self.path)!r} does not exist")
        skipped: list[str] = []
        for candidate in candidates:
            try:
                size = _imageSize(candidate)
            except (OSError, UnidentifiedImageError, ValueError, Image.DecompressionBombError) as exc:
                reason = str(exc) or type(exc).__name__
                log.warning("skipping %s: Pillow cannot read it (%s)", candidate, reason)
                skipped.append(f"{candidate.name} ({reason})")
                continue
            self.files.append(candidate)
            self._sizes.append(size)
        self.names = [p.name for p in self.files]
        if not self.files:
            raise SlideError(self._nothingToShow(extensions, skipped))

    def _nothingToShow(self, extensions: frozenset[str], skipped: list[str]) -> str:
        if not self.path.is_dir():
            return f"{str(self.path)!r} is not an image Pillow can read: {skipped[0]}"
        if skipped:
            return (f"no readable slides in {str(self.path)!r}: Pillow could not read "
                    + ", ".join(skipped))
        return (f"no slides in {str(self.path)!r}: it has no image files (PNG, JPEG, GIF, "
                f"WebP, ...); give a folder of images or a PDF")

    def pageSize(self, index: int) -> Size:
        return self._sizes[self._index(index)]

    def _draw(self, index: int, size: Size) -> Image.Image:
        original = self._decoded.get(index)
        if original is None:
            try:
                with Image.open(self.files[index]) as opened:
                    original = _flatten(ImageOps.exif_transpose(opened), self.background)
            except (OSError, UnidentifiedImageError, ValueError) as exc:
                raise SlideError(f"cannot read slide {index + 1} ({self.files[index]}): "
                                 f"{exc}") from exc
            self._decoded[index] = original
            while len(self._decoded) > 3:
                self._decoded.popitem(last=False)
        else:
            self._decoded.move_to_end(index)
        if original.size == size:
            return original
        return original.resize(size, Image.Resampling.LANCZOS)

    def close(self) -> None:
        super().close()
        self._decoded.clear()


class PDFSlides(SlideSource):
    """PDFSlides(path, *, background=(0, 0, 0), cacheBytes=256 MiB) -> a PDF's pages

    Raises :class:`SlideError` for a file MuPDF cannot open, a PDF without
    pages, or one that needs a password. ``pageSize`` is in PDF points
    (1/72 inch), of the page as it is shown (its crop box, turned by its
    ``/Rotate``).
    """

    def __init__(self, path: str | os.PathLike[str], *, background: Colour = (0, 0, 0),
                 cacheBytes: int = DEFAULT_CACHE_BYTES) -> None:
        super().__init__(path, background=background, cacheBytes=cacheBytes)
        try:
            import pymupdf
        except ImportError as exc:
            raise SlideError(f"showing a PDF ({str(self.path)!r}) needs PyMuPDF: "
                             f"pip install 'kamaelia[ui]' (or pip install PyMuPDF)") from exc
        self._pymupdf = pymupdf
        # MuPDF reports repairs and errors on standard error by itself; they
        # are collected and logged here instead.
        pymupdf.TOOLS.mupdf_display_errors(False)
        pymupdf.TOOLS.mupdf_display_warnings(False)
        if not self.path.is_file():
            raise SlideError(f"{str(self.path)!r} does not exist" if not self.path.exists()
                             else f"{str(self.path)!r} is not a file")
        try:
            document = pymupdf.open(self.path, filetype="pdf")
        except Exception as exc:       # MuPDF's errors are FileDataError, RuntimeError...
            raise SlideError(f"cannot open {str(self.path)!r} as a PDF: "
                             f"{exc or type(exc).__name__}") from exc
        self._logWarnings()
        if document.needs_pass:
            document.close()
            raise SlideError(f"{str(self.path)!r} is encrypted (it needs a password); "
                             f"save a copy without the password (e.g. qpdf --decrypt) and show that")
        if document.page_count == 0:
            document.close()
            raise SlideError(f"{str(self.path)!r} has no pages")
        self._document: Any = document
        self._rects = [document[n].rect for n in range(document.page_count)]
        self._sizes = [(max(1, round(r.width)), max(1, round(r.height))) for r in self._rects]
        self.names = [f"page {n + 1}" for n in range(document.page_count)]

    def pageSize(self, index: int) -> Size:
        return self._sizes[self._index(index)]

    def _draw(self, index: int, size: Size) -> Image.Image:
        pymupdf = self._pymupdf
        rect = self._rects[index]
        # (A degenerate page, zero wide or high, is drawn as a blank.)
        matrix = pymupdf.Matrix(size[0] / (rect.width or 1), size[1] / (rect.height or 1))
        try:
            pixmap = self._document[index].get_pixmap(matrix=matrix, alpha=False)
        except Exception as exc:
            raise SlideError(f"cannot draw page {index + 1} of {str(self.path)!r}: "
                             f"{exc or type(exc).__name__}") from exc
        finally:
            self._logWarnings()
        picture = Image.frombytes("RGB", (pixmap.width, pixmap.height), pixmap.samples)
        return picture

    def _logWarnings(self) -> None:
        text = self._pymupdf.TOOLS.mupdf_warnings(reset=True)
        if text:
            log.debug("%s: MuPDF says: %s", self.path.name, text.replace("\n", "; "))

    def close(self) -> None:
        super().close()
        document = getattr(self, "_document", None)
        if document is not None:
            document.close()
            self._document = None


def openSlides(path: str | os.PathLike[str], *, background: Colour = (0, 0, 0),
               cacheBytes: int = DEFAULT_CACHE_BYTES) -> SlideSource:
    """The slides at ``path``: a folder of images, one image, or a PDF.

    Raises :class:`SlideError` (naming the path and the problem) when there
    is nothing there to show.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"openSlides: path must be a str or a path, not {path!r}")
    where = Path(path)
    if not where.exists():
        raise SlideError(f"{str(where)!r} does not exist; give a folder of images or a PDF")
    if where.is_file() and (where.suffix.lower() == ".pdf" or _looksLikePDF(where)):
        return PDFSlides(where, background=background, cacheBytes=cacheBytes)
    return ImageFolder(where, background=background, cacheBytes=cacheBytes)


# -- helpers ------------------------------------------------------------------

def _looksLikePDF(path: Path) -> bool:
    try:
        with path.open("rb") as file:
            return file.read(1024).lstrip().startswith(b"%PDF")
    except OSError:
        return False


def _imageSize(path: Path) -> Size:
    """The size an image will be shown at (after its EXIF turn); reads the header only."""
    with Image.open(path) as opened:
        width, height = opened.size
        try:
            orientation = opened.getexif().get(_EXIF_ORIENTATION)
        except Exception:          # a broken EXIF block: show the picture as stored
            orientation = None
    if orientation in _QUARTER_TURNS:
        width, height = height, width
    if width < 1 or height < 1:
        raise ValueError(f"it is {width}x{height} pixels")
    return width, height


def _flatten(picture: Image.Image, background: Colour) -> Image.Image:
    """``picture`` as RGB, laid on ``background`` where it is transparent."""
    if picture.mode in ("RGBA", "LA", "PA") or (picture.mode == "P"
                                               and "transparency" in picture.info):
        rgba = picture.convert("RGBA")
        ground = Image.new("RGBA", rgba.size, background + (255,))
        ground.alpha_composite(rgba)
        return ground.convert("RGB")
    if picture.mode != "RGB":
        return picture.convert("RGB")
    picture.load()
    return picture


def _size(owner: str, size: Any) -> Size:
    try:
        width, height = size
    except (TypeError, ValueError):
        raise TypeError(f"{owner}: size must be (width, height), not {size!r}") from None
    for value in (width, height):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{owner}: size must be two ints >= 1, not {size!r}")
    return width, height


def _colour(colour: Any) -> Colour:
    try:
        red, green, blue = colour
    except (TypeError, ValueError):
        raise TypeError(f"background must be (red, green, blue), not {colour!r}") from None
    for value in (red, green, blue):
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 255:
            raise ValueError(f"background must be three ints 0 to 255, not {colour!r}")
    return red, green, blue
