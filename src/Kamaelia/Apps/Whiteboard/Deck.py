"""Decks on disk: a zip of page PNGs (1.14's layout), and export to PDF.

Example Usage
-------------
Save a board's pages, load them into another board, and make a PDF::

    import tempfile, pathlib
    from Kamaelia.Apps.Whiteboard.Board import Board
    from Kamaelia.Apps.Whiteboard.Deck import exportPdf, loadDeck, saveDeck

    folder = pathlib.Path(tempfile.mkdtemp())
    board = Board(size=(320, 200))
    board.apply(["CIRCLE", "0", "0", "255", "160", "100", "50"])
    board.newPage()
    saveDeck(board, folder / "talk.zip")        # slide.1.png, slide.2.png
    other = Board(size=(320, 200))
    other.replacePages(loadDeck(folder / "talk.zip", other.size))
    assert other.pageCount == 2
    exportPdf(board, folder / "talk.pdf")       # two pages, in order

How does it work?
-----------------
Kamaelia 1.14 kept each page as ``slide.N.png`` in a "scribbles" folder and
saved a deck by zipping those files (``zip -j``, so no folders inside), into
a decks folder, named by the time (``20240131-174500.zip``, :func:`deckName`).
:func:`saveDeck` writes the same layout straight from the board (no files
in between, no shell: 1.14 ran ``zip`` through ``os.system`` with the
password on the command line); it writes to a temporary name first and
renames, so a deck is never left half written (a new deck gets the
permissions ``open()`` would give it, a replaced one keeps its own).

:func:`loadDeck` reads ``slide.N.png`` members in page order (other
members are ignored, 1.14's decks had only those) and returns each page's
RGB pixels, scaled to the board's size if the deck was made on a board of
another size. A file that is not a zip, has no slides, has more than
``Commands.MAX_PAGES``, holds two slides of one number, a member it cannot
read (encrypted, damaged) or an image that is not a PNG or is larger than
``Commands.MAX_IMAGE_PIXELS`` raises :class:`DeckError` naming the file and
the reason; nothing is half loaded.

:func:`exportPdf` writes the pages in order, one PDF page each, with
Pillow. The pages go in as lossless JPEG 2000 images, so the PDF holds
the board's pixels exactly (Pillow can put RGB pixels in a PDF only as
JPEG, which smears thin coloured strokes; it writes RGBA ones as JPEG 2000,
lossless by default). A Pillow built without OpenJPEG falls back to JPEG
of quality 95 without chroma subsampling.

Password-protected decks (1.14's option) are not made: zip's password
encryption is weak, and a deck is better protected by where it is kept.
"""

from __future__ import annotations

import io
import lzma
import os
import re
import secrets
import stat
import struct
import zipfile
import zlib
from datetime import datetime
from pathlib import Path
from typing import BinaryIO, Callable, Sequence

from PIL import Image, features

from Kamaelia.Apps.Whiteboard.Board import Board
from Kamaelia.Apps.Whiteboard.Commands import MAX_IMAGE_PIXELS, MAX_PAGES

__all__ = ["DeckError", "deckName", "saveDeck", "loadDeck", "exportPdf"]

_SLIDE = re.compile(r"slide\.([1-9][0-9]{0,3})\.png\Z")
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
#: Whether this Pillow writes JPEG 2000 (it does when built with OpenJPEG, as its wheels are).
_JPEG2000 = bool(features.check_codec("jpg_2000"))


class DeckError(ValueError):
    """A deck that cannot be read or written; says which file and why."""


def deckName(now: datetime | None = None) -> str:
    """1.14's name for a deck saved now: ``YYYYmmdd-HHMMSS.zip``."""
    return (now or datetime.now()).strftime("%Y%m%d-%H%M%S") + ".zip"


def _pageImage(board: Board, page: int) -> Image.Image:
    return Image.frombytes("RGB", board.size, board.pixels(page))


def _writeAtomically(path: Path, write: Callable[[BinaryIO], None]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # Not tempfile.mkstemp: its files are private (0600), and the deck would
    # keep that mode. Made with 0666 the umask applies, as for open(path, "w").
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    while True:
        temporary = path.parent / f".{path.name}.{secrets.token_hex(6)}.tmp"
        try:
            handle = os.open(temporary, flags, 0o666)
            break
        except FileExistsError:         # another writer's name: draw again
            continue
    try:
        with os.fdopen(handle, "wb") as out:
            if path.is_file():
                # Replacing a deck keeps its permissions, as writing over it would.
                os.chmod(temporary, stat.S_IMODE(path.stat().st_mode))
            write(out)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def saveDeck(board: Board, path: str | os.PathLike[str]) -> Path:
    """Write every page as ``slide.N.png`` into the zip ``path``; returns the path."""
    target = Path(path)

    def write(out: BinaryIO) -> None:
        # PNG is compressed already: store the members as they are.
        with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as deck:
            for page in range(1, board.pageCount + 1):
                png = io.BytesIO()
                _pageImage(board, page).save(png, "PNG")
                deck.writestr(f"slide.{page}.png", png.getvalue())

    try:
        _writeAtomically(target, write)
    except OSError as exc:
        raise DeckError(f"cannot write the deck {target}: {exc.strerror or exc}") from None
    return target


def loadDeck(path: str | os.PathLike[str], size: Sequence[int]) -> list[bytes]:
    """The RGB pixels of each slide of the zip ``path``, in order, at ``size``."""
    source = Path(path)
    width, height = int(size[0]), int(size[1])
    try:
        with zipfile.ZipFile(source) as deck:
            # Sorted by number alone: two members of one number (in two
            # folders, say) must not fall back to comparing ZipInfos.
            slides = sorted(((int(match.group(1)), info)
                             for info in deck.infolist()
                             if (match := _SLIDE.match(Path(info.filename).name))),
                            key=lambda slide: slide[0])
            if not slides:
                raise DeckError(f"{source} holds no slide.N.png pages")
            if len(slides) > MAX_PAGES:
                raise DeckError(f"{source} has {len(slides)} pages; at most {MAX_PAGES}")
            for (number, _info), (following, _next) in zip(slides, slides[1:]):
                if number == following:
                    raise DeckError(f"{source} holds slide {number} twice")
            pages = []
            for number, info in slides:
                pages.append(_readSlide(source, deck, info, number, (width, height)))
    except zipfile.BadZipFile:
        raise DeckError(f"{source} is not a zip file") from None
    except (NotImplementedError, ValueError, EOFError) as exc:
        # A zip of a version or a layout zipfile does not read.
        raise DeckError(f"{source} is not a zip file this can read ({exc})") from None
    except OSError as exc:
        raise DeckError(f"cannot read the deck {source}: {exc.strerror or exc}") from None
    return pages


def _readSlide(source: Path, deck: zipfile.ZipFile, info: zipfile.ZipInfo, number: int,
               size: tuple[int, int]) -> bytes:
    # A PNG holds at most 4 bytes a pixel, compressed: a member that claims
    # more than that for the largest allowed image is refused unread.
    if info.file_size > MAX_IMAGE_PIXELS * 4 + 65536:
        raise DeckError(f"{source}: slide {number} is too large ({info.file_size} bytes)")
    try:
        data = deck.read(info)
        # The size from the PNG's own header, before Pillow sees it: Pillow
        # warns (an error under -W error) or refuses past its own limit.
        if data[:8] != _PNG_SIGNATURE or data[12:16] != b"IHDR" or len(data) < 24:
            raise DeckError(f"{source}: slide {number} is not a PNG image")
        width, height = struct.unpack(">II", data[16:24])
        if width * height > MAX_IMAGE_PIXELS:
            raise DeckError(f"{source}: slide {number} is {width}x{height}, "
                            f"larger than {MAX_IMAGE_PIXELS} pixels")
        with Image.open(io.BytesIO(data)) as image:
            if image.format != "PNG":
                raise DeckError(f"{source}: slide {number} is not a PNG image")
            picture = image.convert("RGB")
    except DeckError:
        raise
    # RuntimeError: an encrypted member; NotImplementedError: a compression
    # zipfile cannot read; zlib/lzma errors and EOFError: a damaged member.
    except (OSError, SyntaxError, ValueError, EOFError, RuntimeError, NotImplementedError,
            zipfile.BadZipFile, zlib.error, lzma.LZMAError, Image.DecompressionBombError) as exc:
        raise DeckError(f"{source}: slide {number} cannot be read ({exc})") from None
    if picture.size != size:
        picture = picture.resize(size, Image.Resampling.LANCZOS)
    return picture.tobytes()


def exportPdf(board: Board, path: str | os.PathLike[str]) -> Path:
    """Write the board's pages, in order, as the pages of the PDF ``path``."""
    target = Path(path)
    # RGBA (opaque) pages become lossless JPEG 2000 in the PDF; see the module.
    mode = "RGBA" if _JPEG2000 else "RGB"
    images = [_pageImage(board, page).convert(mode) for page in range(1, board.pageCount + 1)]

    def write(out: BinaryIO) -> None:
        # quality and subsampling matter only to the JPEG fallback.
        images[0].save(out, "PDF", save_all=True, append_images=images[1:], resolution=96.0,
                       quality=95, subsampling=0)

    try:
        _writeAtomically(target, write)
    except OSError as exc:
        raise DeckError(f"cannot write the PDF {target}: {exc.strerror or exc}") from None
    return target
