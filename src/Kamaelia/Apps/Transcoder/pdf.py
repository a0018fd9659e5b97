"""Kamaelia.Apps.Transcoder.pdf: page images, a poster and the text of a PDF.

Example Usage
-------------
::

    import tempfile
    from pathlib import Path

    import pymupdf

    from Kamaelia.Apps.Transcoder.config import PdfSettings
    from Kamaelia.Apps.Transcoder.pdf import transcode

    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "notes.pdf"
        document = pymupdf.open()
        for number in (1, 2):
            document.new_page(width=595, height=842).insert_text((72, 72), f"Page {number}")
        document.save(source)
        document.close()
        outdir = Path(folder) / "out"
        outdir.mkdir()
        result = transcode(source, outdir, PdfSettings(sizes={"thumb": 146}, formats=("jpeg",)))
        print(result.info["pages"], [rendition.path for rendition in result.renditions])
        # 2 ['pages/thumb/page-0001.jpg', 'pages/thumb/page-0002.jpg', 'poster.jpg', 'text.txt']
        print((outdir / "text.txt").read_text().split("\\f"))   # ['Page 1\\n', 'Page 2\\n']

How does it work?
-----------------
``transcode(source, outdir, settings, progress)`` opens the PDF with
PyMuPDF (MuPDF: it renders and extracts text in one library, with no
outside programs, and says whether a file is encrypted) and writes into
``outdir``:

* for each of the first ``settings.max_pages`` pages, an image at each
  ``settings.sizes`` name -> width, in each of ``settings.formats``:
  ``pages/NAME/page-0001.jpg`` (and ``.webp``). A page is interpreted
  once (into a MuPDF display list) and drawn at each size from that: for
  ordinary pages drawing is several times cheaper than scaling a large
  drawing down with Pillow, text is hinted for the size, and MuPDF keeps
  a page's decoded images between sizes. A page is drawn exactly the width
  asked for; its height follows its aspect, except that a page so tall and
  thin that its height would pass :data:`MAX_PAGE_SIDE` pixels is drawn
  narrower to fit;
* ``poster.jpg`` (and ``poster.webp`` when WebP is among the formats): the
  first page, ``settings.poster_width`` wide;
* with ``settings.text``, ``text.txt``: the text of *every* page (also
  those beyond ``max_pages``), in UTF-8, pages separated by a form feed
  (``\\f``), so that page N's text is ``text.split("\\f")[N - 1]``.

``info`` says ``pages`` (the page count), ``pages_drawn``, ``title`` and
``author`` (when the PDF's metadata has them), ``text_chars``, ``repaired``
(MuPDF had to repair the file to read it), ``failed_pages`` (pages after
the first that could not be drawn, skipped) and ``warnings`` (what MuPDF
said while reading, which it would otherwise print on standard error).

What is refused (:class:`~Kamaelia.Apps.Transcoder.renditions.Refused`,
with a reason): an empty file; a file without ``%PDF-`` in its first 1024
bytes (where the PDF specification allows the header to be); a PDF MuPDF
cannot open, or that has no pages (or none left once MuPDF has repaired
it); an encrypted PDF that needs a password
to open ("encrypted PDF: needs a password"; one with only an owner
password, restricting printing or copying, opens and is transcoded).

Damaged files: MuPDF repairs what it can (a lost cross-reference table,
a file cut short) without a word. We accept a repaired file when its
first page can be drawn: a PDF cut short usually still has most of its
pages, and they are worth having; ``info["repaired"]`` says so, and a
later page that cannot be drawn is listed in ``info["failed_pages"]``. When
page 1 cannot be drawn, the file is refused. Whatever MuPDF raises on bad
data becomes a :class:`Refused`, never another exception.

Rules
-----
* Reads ``source``, writes only ``outdir``; output names come from the
  settings' names and page numbers, never from the source's name. A
  source whose name is not valid UTF-8 (MuPDF takes UTF-8 file names) is
  read into memory and opened from there.
* MuPDF's messages on standard error are switched off, process-wide (the
  slide show does the same); they go into ``info["warnings"]``.
* One PDF per thread at a time: MuPDF documents are not thread-safe (the
  job runner uses processes).
"""

from __future__ import annotations

import logging
import math
from pathlib import Path
from typing import Any

from PIL import Image

from Kamaelia.Apps.Transcoder.config import PdfSettings
from Kamaelia.Apps.Transcoder.renditions import (ItemResult, Progress, Refused, Rendition,
                                                 noProgress)

__all__ = ["transcode", "MAX_PAGE_SIDE", "HEADER_WINDOW"]

log = logging.getLogger("Kamaelia.Apps.Transcoder.pdf")

#: The PDF header may be anywhere in a file's first this many bytes.
HEADER_WINDOW = 1024
#: No side of a page image is longer (WebP's own limit is 16383).
MAX_PAGE_SIDE = 16383
#: At most this many of MuPDF's messages are kept in ``info["warnings"]``.
MAX_WARNINGS = 20
EXTENSIONS = {"jpeg": ".jpg", "webp": ".webp"}
# libwebp's method (0 fast .. 6 slow; Pillow's default is 4). On a 1240 x 1754
# page of text, method 4 takes ~160 ms and method 2 ~60 ms for a file 6%
# larger: at 1240 pixels, WebP would otherwise be most of a PDF's time.
WEBP_METHOD = 2


def _quietMuPDF() -> Any:
    try:
        import pymupdf
    except ImportError as exc:                     # (the transcoder's extra installs it)
        raise Refused("transcoding a PDF needs PyMuPDF: pip install PyMuPDF") from exc
    pymupdf.TOOLS.mupdf_display_errors(False)
    pymupdf.TOOLS.mupdf_display_warnings(False)
    return pymupdf


def _mupdfSays(pymupdf: Any, heard: list[str]) -> None:
    """Moves MuPDF's collected messages into ``heard`` (no repeats)."""
    for line in pymupdf.TOOLS.mupdf_warnings(reset=True).splitlines():
        line = line.strip()
        if line and line not in heard and len(heard) < MAX_WARNINGS:
            heard.append(line)


def _checkHeader(source: Path) -> None:
    try:
        with open(source, "rb") as file:
            head = file.read(HEADER_WINDOW)
    except OSError as exc:
        raise Refused(f"cannot read the file: {exc.strerror or exc}") from exc
    if not head:
        raise Refused("empty file (0 bytes)")
    if b"%PDF-" not in head:
        raise Refused(f"not a PDF (no %PDF- header in its first {HEADER_WINDOW} bytes)")


def _open(pymupdf: Any, source: Path, heard: list[str]) -> Any:
    """The open document; :class:`Refused` if it cannot be opened and read."""
    _checkHeader(source)
    try:
        name = str(source)
        name.encode("utf-8")
    except UnicodeEncodeError:
        # (A Linux name with bytes that are not UTF-8: MuPDF cannot be given it.)
        name = ""
    try:
        if name:
            document = pymupdf.open(name, filetype="pdf")
        else:
            document = pymupdf.open(stream=source.read_bytes(), filetype="pdf")
    except Exception as exc:      # MuPDF's errors: FileDataError, RuntimeError, ValueError...
        _mupdfSays(pymupdf, heard)
        raise Refused(f"damaged PDF: MuPDF cannot open it ({exc or type(exc).__name__})") \
            from exc
    try:
        if document.needs_pass:
            raise Refused("encrypted PDF: needs a password")
        if document.page_count == 0:
            raise Refused("damaged PDF: no pages left once MuPDF had repaired it"
                          if document.is_repaired else "PDF has no pages")
    except Refused:
        document.close()
        raise
    except Exception as exc:
        document.close()
        raise Refused(f"damaged PDF: {exc or type(exc).__name__}") from exc
    return document


def _draw(pymupdf: Any, page: Any, width: int) -> Image.Image:
    """``page`` (a MuPDF page or display list) drawn ``width`` pixels wide
    (or less, see MAX_PAGE_SIDE), as RGB."""
    rect = page.rect
    if not (rect.width > 0 and rect.height > 0):
        raise ValueError(f"the page has no area ({rect.width} x {rect.height} points)")
    zoom = min(width / rect.width, MAX_PAGE_SIDE / rect.height)
    pixmap = page.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), alpha=False,
                             colorspace=pymupdf.csRGB)
    picture = Image.frombytes("RGB", (pixmap.width, pixmap.height), pixmap.samples)
    # MuPDF rounds the drawing's bounds outwards: now and then a pixel wider.
    wanted = min(width, math.floor(rect.width * zoom + 0.5))
    if picture.width != wanted:
        picture = picture.resize((wanted, max(1, round(picture.height * wanted / picture.width))),
                                 Image.Resampling.LANCZOS)
    return picture


def _save(picture: Image.Image, path: Path, format: str, settings: PdfSettings) -> None:
    if format == "jpeg":
        picture.save(path, "JPEG", quality=settings.jpeg_quality, optimize=True)
    else:
        picture.save(path, "WEBP", quality=settings.webp_quality, method=WEBP_METHOD)


def _image(outdir: Path, relative: str, name: str, kind: str, format: str,
           picture: Image.Image, **extra: Any) -> Rendition:
    return Rendition(name=name, path=relative, kind=kind, format=format, width=picture.width,
                     height=picture.height, bytes=(outdir / relative).stat().st_size,
                     extra=extra)


def _metadata(document: Any) -> dict[str, str]:
    try:
        metadata = document.metadata or {}
    except Exception:             # (metadata in a damaged trailer: none, then)
        return {}
    return {key: value.strip() for key in ("title", "author")
            if isinstance(value := metadata.get(key), str) and value.strip()}


def _text(document: Any) -> tuple[str, list[int]]:
    """The text of every page, separated by form feeds, and the pages whose
    text could not be read (left empty)."""
    texts, failed = [], []
    for number in range(document.page_count):
        try:
            texts.append(document[number].get_text("text"))
        except Exception:
            texts.append("")
            failed.append(number + 1)
    return "\f".join(texts), failed


def transcode(source: Path, outdir: Path, settings: PdfSettings,
              progress: Progress = noProgress) -> ItemResult:
    """Writes the page images, poster and text of the PDF ``source`` into
    ``outdir`` (see the module's docstring) and returns what it made.
    Raises :class:`Refused` for a source it cannot transcode."""
    source, outdir = Path(source), Path(outdir)
    pymupdf = _quietMuPDF()
    pymupdf.TOOLS.mupdf_warnings(reset=True)
    heard: list[str] = []
    document = _open(pymupdf, source, heard)
    try:
        pages = document.page_count
        drawn = min(pages, settings.max_pages)
        result = ItemResult(kind="pdf", info={"pages": pages, "pages_drawn": drawn,
                                              **_metadata(document)})
        posters, failed = [], []
        steps = drawn + (1 if settings.text else 0)
        for index in range(drawn):
            try:
                page = document[index].get_displaylist()
                drawings = {name: _draw(pymupdf, page, width)
                            for name, width in settings.sizes.items()}
                if index == 0:
                    drawings[""] = _draw(pymupdf, page, settings.poster_width)
            except Exception as exc:
                _mupdfSays(pymupdf, heard)
                if index == 0:
                    raise Refused(f"damaged PDF: page 1 cannot be drawn "
                                  f"({exc or type(exc).__name__})") from exc
                failed.append(index + 1)
                continue
            for name in settings.sizes:
                (outdir / "pages" / name).mkdir(parents=True, exist_ok=True)
                for format in settings.formats:
                    relative = f"pages/{name}/page-{index + 1:04d}{EXTENSIONS[format]}"
                    _save(drawings[name], outdir / relative, format, settings)
                    result.renditions.append(_image(outdir, relative, name, "page", format,
                                                    drawings[name], page=index + 1))
            if index == 0:
                for format in ("jpeg", *[name for name in settings.formats if name != "jpeg"]):
                    relative = "poster" + EXTENSIONS[format]
                    _save(drawings[""], outdir / relative, format, settings)
                    posters.append(_image(outdir, relative, "poster", "poster", format,
                                          drawings[""]))
            progress("pages", (index + 1) / steps)
        result.renditions.extend(posters)
        if settings.text:
            text, unreadable = _text(document)
            (outdir / "text.txt").write_text(text, encoding="utf-8", errors="replace")
            result.info["text_chars"] = len(text)
            if unreadable:
                result.info["unreadable_text_pages"] = unreadable
            result.renditions.append(Rendition(
                name="text", path="text.txt", kind="text", format="txt",
                bytes=(outdir / "text.txt").stat().st_size))
            progress("text", 1.0)
        result.info["repaired"] = bool(document.is_repaired)
    finally:
        _mupdfSays(pymupdf, heard)
        document.close()
    if failed:
        result.info["failed_pages"] = failed
    if heard:
        result.info["warnings"] = heard
        log.debug("%s: MuPDF says: %s", source.name, "; ".join(heard))
    return result
