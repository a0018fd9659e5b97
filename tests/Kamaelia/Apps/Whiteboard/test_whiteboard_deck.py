"""Tests for Kamaelia.Apps.Whiteboard.Deck: decks of slide PNGs in a zip, and PDFs."""

from __future__ import annotations

import io
import os
import random
import re
import struct
import zipfile
import zlib
from datetime import datetime
from pathlib import Path
from typing import Sequence

import pymupdf
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from Kamaelia.Apps.Whiteboard import Deck as DeckModule
from Kamaelia.Apps.Whiteboard.Board import Board
from Kamaelia.Apps.Whiteboard.Commands import MAX_IMAGE_PIXELS, MAX_PAGES
from Kamaelia.Apps.Whiteboard.Deck import DeckError, deckName, exportPdf, loadDeck, saveDeck

SIZE = (48, 32)
RED, GREEN, BLUE = (255, 0, 0), (0, 255, 0), (0, 0, 255)


def solid(colour: Sequence[int], size: Sequence[int] = SIZE) -> bytes:
    return bytes(colour) * (size[0] * size[1])


def png(colour: Sequence[int] = RED, size: Sequence[int] = SIZE, mode: str = "RGB",
        format: str = "PNG") -> bytes:
    out = io.BytesIO()
    Image.new(mode, (size[0], size[1]), tuple(colour) if mode != "1" else 1).save(out, format)
    return out.getvalue()


def pngHeader(width: int, height: int) -> bytes:
    """The start of a PNG that claims ``width`` x ``height`` (its pixels are never read)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2,
                                                               0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00" * 16)) + chunk(b"IEND", b""))


def makeZip(path: Path, members: dict[str, bytes] | list[tuple[str, bytes]],
            compression: int = zipfile.ZIP_STORED) -> Path:
    items = members.items() if isinstance(members, dict) else members
    with zipfile.ZipFile(path, "w", compression) as deck:
        for name, data in items:
            deck.writestr(name, data)
    return path


def threePages() -> Board:
    """Three pages: red with a white circle, green with a line, blue with text."""
    board = Board(size=SIZE)
    board.apply(["CLEAR", *map(str, RED)])
    board.apply(["CIRCLE", "255", "255", "255", "24", "16", "8"])
    board.newPage()
    board.apply(["CLEAR", *map(str, GREEN)])
    board.apply(["LINE", "0", "0", "0", "0", "0", "47", "31", "5"])
    board.newPage()
    board.apply(["CLEAR", *map(str, BLUE)])
    board.apply(["WRITE", "2", "2", "16", "255", "255", "0", "Hi"])
    return board


def pagesOf(board: Board) -> list[bytes]:
    return [board.pixels(page) for page in range(1, board.pageCount + 1)]


def refusedLoad(path: Path, size: Sequence[int] = SIZE) -> str:
    with pytest.raises(DeckError) as info:
        loadDeck(path, size)
    text = str(info.value)
    assert str(path) in text
    return text


# ------------------------------------------------------------------ saving and loading
def test_save_then_load_gives_every_page_pixel_for_pixel(tmp_path: Path) -> None:
    board = threePages()
    assert saveDeck(board, tmp_path / "talk.zip") == tmp_path / "talk.zip"
    assert loadDeck(tmp_path / "talk.zip", SIZE) == pagesOf(board)


def test_a_loaded_deck_replaces_another_boards_pages(tmp_path: Path) -> None:
    board, other = threePages(), Board(size=SIZE)
    saveDeck(board, tmp_path / "talk.zip")
    other.replacePages(loadDeck(str(tmp_path / "talk.zip"), other.size))
    assert (other.pageCount, other.current) == (3, 1)
    assert pagesOf(other) == pagesOf(board)


def test_the_saved_zip_holds_exactly_slide_n_png_members(tmp_path: Path) -> None:
    board = threePages()
    saveDeck(board, tmp_path / "deck.zip")
    with zipfile.ZipFile(tmp_path / "deck.zip") as deck:
        assert deck.namelist() == ["slide.1.png", "slide.2.png", "slide.3.png"]
        for number, name in enumerate(deck.namelist(), 1):
            with Image.open(io.BytesIO(deck.read(name))) as image:
                assert (image.format, image.size) == ("PNG", SIZE)
                assert image.convert("RGB").tobytes() == board.pixels(number)


def test_a_deck_of_one_page(tmp_path: Path) -> None:
    board = Board(size=SIZE)
    saveDeck(board, tmp_path / "one.zip")
    assert loadDeck(tmp_path / "one.zip", SIZE) == [solid((255, 255, 255))]


def test_slides_load_in_the_order_of_their_numbers(tmp_path: Path) -> None:
    # Written out of order, and "slide.10" sorts before "slide.2" as text.
    order = [10, 2, 1, 11, 9, 3, 4, 5, 6, 7, 8]
    makeZip(tmp_path / "deck.zip", [(f"slide.{n}.png", png((n, 0, 0))) for n in order])
    assert [page[0] for page in loadDeck(tmp_path / "deck.zip", SIZE)] == list(range(1, 12))


def test_gaps_in_the_numbers_are_closed_up(tmp_path: Path) -> None:
    makeZip(tmp_path / "deck.zip", {"slide.7.png": png(BLUE), "slide.3.png": png(RED)})
    assert loadDeck(tmp_path / "deck.zip", SIZE) == [solid(RED), solid(BLUE)]


def test_other_members_are_ignored(tmp_path: Path) -> None:
    makeZip(tmp_path / "deck.zip", {
        "README.txt": b"not a slide", "slide.2.png": png(GREEN), "slide.x.png": png(BLUE),
        "slides.3.png": png(BLUE), "slide.1.png.bak": b"junk", "slide.0.png": png(BLUE),
        "slide.01.png": png(BLUE), "slide.1.jpg": png(BLUE, format="JPEG"),
        "slide.1.png": png(RED), "Slide.4.PNG": png(BLUE)})
    assert loadDeck(tmp_path / "deck.zip", SIZE) == [solid(RED), solid(GREEN)]


def test_a_deck_of_another_size_is_scaled_to_the_board(tmp_path: Path) -> None:
    small = Board(size=(24, 16))
    small.apply(["CLEAR", *map(str, BLUE)])
    small.apply(["LINE", "255", "0", "0", "0", "8", "11", "8", "16"])     # left half red
    small.newPage()
    saveDeck(small, tmp_path / "small.zip")
    [first, second] = loadDeck(tmp_path / "small.zip", (96, 64))
    assert len(first) == len(second) == 96 * 64 * 3
    image = Image.frombytes("RGB", (96, 64), first)
    assert image.getpixel((10, 32)) == RED and image.getpixel((85, 32)) == BLUE
    assert second == solid((255, 255, 255), (96, 64))


def test_slides_in_other_pixel_formats_load_as_rgb(tmp_path: Path) -> None:
    makeZip(tmp_path / "deck.zip", {"slide.1.png": png((10, 20, 30, 255), mode="RGBA"),
                                    "slide.2.png": png((77,), mode="L")})
    assert loadDeck(tmp_path / "deck.zip", SIZE) == [solid((10, 20, 30)), solid((77, 77, 77))]


def test_a_compressed_deck_loads(tmp_path: Path) -> None:
    makeZip(tmp_path / "deck.zip", {"slide.1.png": png(GREEN)}, zipfile.ZIP_DEFLATED)
    assert loadDeck(tmp_path / "deck.zip", SIZE) == [solid(GREEN)]


# ------------------------------------------------------------------ bad decks
def test_a_file_that_is_not_a_zip_is_refused(tmp_path: Path) -> None:
    (tmp_path / "notes.zip").write_text("just some text\n")
    assert "is not a zip file" in refusedLoad(tmp_path / "notes.zip")


def test_an_empty_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "empty.zip").write_bytes(b"")
    assert "is not a zip file" in refusedLoad(tmp_path / "empty.zip")


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    assert "cannot read the deck" in refusedLoad(tmp_path / "nowhere.zip")


def test_a_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "folder.zip").mkdir()
    assert "cannot read the deck" in refusedLoad(tmp_path / "folder.zip")


def test_an_empty_zip_is_refused(tmp_path: Path) -> None:
    makeZip(tmp_path / "deck.zip", {})
    assert "holds no slide.N.png pages" in refusedLoad(tmp_path / "deck.zip")


def test_a_zip_without_slides_is_refused(tmp_path: Path) -> None:
    makeZip(tmp_path / "deck.zip", {"photo.png": png(), "notes.txt": b"hello"})
    assert "holds no slide.N.png pages" in refusedLoad(tmp_path / "deck.zip")


@pytest.mark.parametrize("data", [png(format="JPEG"), png(format="BMP"), png(format="GIF"),
                                  b"", b"not an image at all"], ids=["jpeg", "bmp", "gif",
                                                                     "empty", "text"])
def test_a_slide_that_is_not_a_png_is_refused(tmp_path: Path, data: bytes) -> None:
    makeZip(tmp_path / "deck.zip", {"slide.1.png": png(), "slide.2.png": data})
    assert "slide 2 is not a PNG image" in refusedLoad(tmp_path / "deck.zip")


def noisyPng() -> bytes:
    """A PNG of 64x64 pixels of noise (it does not compress: damage hits pixels)."""
    out = io.BytesIO()
    Image.frombytes("RGB", (64, 64), random.Random(17).randbytes(64 * 64 * 3)).save(out, "PNG")
    return out.getvalue()


def test_a_damaged_png_is_refused(tmp_path: Path) -> None:
    data = noisyPng()
    assert len(data) > 10000
    makeZip(tmp_path / "deck.zip", {"slide.1.png": png(), "slide.2.png": data[:5000]})
    assert "slide 2 cannot be read" in refusedLoad(tmp_path / "deck.zip")


def test_too_many_pages_are_refused(tmp_path: Path) -> None:
    makeZip(tmp_path / "deck.zip", [(f"slide.{n}.png", b"") for n in range(1, MAX_PAGES + 2)])
    assert f"has 501 pages; at most {MAX_PAGES}" in refusedLoad(tmp_path / "deck.zip")


def test_the_most_pages_are_loaded(tmp_path: Path) -> None:
    tiny = png(RED, (2, 2))
    makeZip(tmp_path / "deck.zip", [(f"slide.{n}.png", tiny) for n in range(1, MAX_PAGES + 1)])
    assert len(loadDeck(tmp_path / "deck.zip", (2, 2))) == MAX_PAGES


def test_an_image_of_too_many_pixels_is_refused(tmp_path: Path) -> None:
    makeZip(tmp_path / "deck.zip", {"slide.1.png": png(), "slide.2.png": pngHeader(4097, 4096)})
    assert (f"slide 2 is 4097x4096, larger than {MAX_IMAGE_PIXELS} pixels"
            in refusedLoad(tmp_path / "deck.zip"))


@pytest.mark.parametrize("width,height", [(10000, 10000), (30000, 30000)])
def test_an_image_past_pillows_own_limits_is_refused_without_a_warning(
        tmp_path: Path, width: int, height: int) -> None:
    # Pillow warns past 89M pixels and refuses past twice that; the warning
    # would be an error here (filterwarnings = error) and noise elsewhere.
    makeZip(tmp_path / "deck.zip", {"slide.1.png": pngHeader(width, height)})
    assert f"slide 1 is {width}x{height}, larger than" in refusedLoad(tmp_path / "deck.zip")


def test_a_real_oversized_png_is_refused(tmp_path: Path) -> None:
    makeZip(tmp_path / "deck.zip", {"slide.1.png": png(size=(4097, 4097), mode="1")},
            zipfile.ZIP_DEFLATED)
    assert "slide 1 is 4097x4097, larger than" in refusedLoad(tmp_path / "deck.zip")


def test_two_slides_of_one_number_are_refused(tmp_path: Path) -> None:
    makeZip(tmp_path / "deck.zip", {"old/slide.1.png": png(BLUE), "slide.1.png": png(RED),
                                    "slide.2.png": png(GREEN)})
    assert "holds slide 1 twice" in refusedLoad(tmp_path / "deck.zip")


def test_an_encrypted_slide_is_refused(tmp_path: Path) -> None:
    # zipfile cannot encrypt: set the flag that says a member is, in the
    # local header and in the central directory.
    path = makeZip(tmp_path / "deck.zip", {"slide.1.png": png()})
    data = bytearray(path.read_bytes())
    for signature, flags in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        offset = data.index(signature)
        data[offset + flags] |= 0x1
    path.write_bytes(bytes(data))
    with zipfile.ZipFile(path) as deck:
        assert deck.infolist()[0].flag_bits & 0x1
    assert "slide 1 cannot be read" in refusedLoad(path)


def test_a_slide_damaged_inside_the_zip_is_refused(tmp_path: Path) -> None:
    path = makeZip(tmp_path / "deck.zip", {"slide.1.png": noisyPng()}, zipfile.ZIP_DEFLATED)
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle:middle + 40] = bytes(40)
    path.write_bytes(bytes(data))
    assert "slide 1 cannot be read" in refusedLoad(path)


def test_a_slide_compressed_in_a_way_zipfile_cannot_read_is_refused(tmp_path: Path) -> None:
    path = makeZip(tmp_path / "deck.zip", {"slide.1.png": png()})
    data = bytearray(path.read_bytes())
    # Compression method 99 (AES), in the local header and the central directory.
    for offset in (m.start() for m in re.finditer(b"PK\x03\x04", bytes(data))):
        data[offset + 8:offset + 10] = struct.pack("<H", 99)
    for offset in (m.start() for m in re.finditer(b"PK\x01\x02", bytes(data))):
        data[offset + 10:offset + 12] = struct.pack("<H", 99)
    path.write_bytes(bytes(data))
    assert "slide 1 cannot be read" in refusedLoad(path)


DECK = io.BytesIO()
with zipfile.ZipFile(DECK, "w", zipfile.ZIP_DEFLATED) as _deck:
    _deck.writestr("slide.1.png", png(RED, (8, 6)))
    _deck.writestr("slide.2.png", png(BLUE, (8, 6)))


@settings(max_examples=120, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.one_of(
    st.binary(max_size=400),
    st.tuples(st.integers(0, len(DECK.getvalue()) - 1), st.binary(min_size=1, max_size=8)).map(
        lambda t: DECK.getvalue()[:t[0]] + t[1] + DECK.getvalue()[t[0] + len(t[1]):]),
    st.integers(0, len(DECK.getvalue())).map(lambda n: DECK.getvalue()[:n])))
def test_fuzz_loading_any_file_gives_pages_or_a_deckerror(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "fuzzed.zip"
    path.write_bytes(data)
    try:
        loaded = loadDeck(path, (8, 6))
    except DeckError as exc:
        assert str(path) in str(exc)
        return
    assert 1 <= len(loaded) <= 2 and all(len(page) == 8 * 6 * 3 for page in loaded)


# ------------------------------------------------------------------ writing safely
def test_saving_leaves_no_temporary_file(tmp_path: Path) -> None:
    saveDeck(threePages(), tmp_path / "deck.zip")
    exportPdf(threePages(), tmp_path / "deck.pdf")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["deck.pdf", "deck.zip"]


def test_saving_over_a_deck_replaces_it(tmp_path: Path) -> None:
    saveDeck(threePages(), tmp_path / "deck.zip")
    saveDeck(Board(size=SIZE), tmp_path / "deck.zip")
    assert len(loadDeck(tmp_path / "deck.zip", SIZE)) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["deck.zip"]


def test_a_saved_deck_gets_the_permissions_open_would_give(tmp_path: Path) -> None:
    (tmp_path / "plain").write_bytes(b"")
    saveDeck(threePages(), tmp_path / "deck.zip")
    exportPdf(threePages(), tmp_path / "deck.pdf")
    mode = (tmp_path / "plain").stat().st_mode & 0o777
    assert (tmp_path / "deck.zip").stat().st_mode & 0o777 == mode
    assert (tmp_path / "deck.pdf").stat().st_mode & 0o777 == mode


def test_saving_over_a_deck_keeps_its_permissions(tmp_path: Path) -> None:
    saveDeck(threePages(), tmp_path / "deck.zip")
    os.chmod(tmp_path / "deck.zip", 0o640)
    saveDeck(Board(size=SIZE), tmp_path / "deck.zip")
    assert (tmp_path / "deck.zip").stat().st_mode & 0o777 == 0o640


def test_saving_makes_the_folders_it_needs(tmp_path: Path) -> None:
    saveDeck(threePages(), tmp_path / "decks" / "2024" / "deck.zip")
    assert len(loadDeck(tmp_path / "decks" / "2024" / "deck.zip", SIZE)) == 3


@pytest.mark.parametrize("write", [saveDeck, exportPdf], ids=["saveDeck", "exportPdf"])
def test_a_failed_write_leaves_the_target_untouched_and_no_temporary_file(
        tmp_path: Path, write: object) -> None:
    target = tmp_path / "deck.out"
    target.mkdir()                                       # a folder in the way
    (target / "keep.txt").write_text("mine")
    with pytest.raises(DeckError) as info:
        write(threePages(), target)                      # type: ignore[operator]
    assert str(target) in str(info.value) and "cannot write" in str(info.value)
    assert [p.name for p in tmp_path.iterdir()] == ["deck.out"]
    assert [p.name for p in target.iterdir()] == ["keep.txt"]
    assert (target / "keep.txt").read_text() == "mine"


def test_a_failed_write_over_an_existing_deck_keeps_it(tmp_path: Path) -> None:
    saveDeck(threePages(), tmp_path / "deck.zip")
    before = (tmp_path / "deck.zip").read_bytes()
    with pytest.raises(DeckError, match="cannot write the deck"):
        saveDeck(threePages(), tmp_path / "deck.zip" / "inside.zip")   # a file in the way
    assert (tmp_path / "deck.zip").read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["deck.zip"]


# ------------------------------------------------------------------ names
def test_deck_names_are_114s_timestamps() -> None:
    assert deckName(datetime(2024, 1, 31, 17, 45, 0)) == "20240131-174500.zip"
    assert re.fullmatch(r"\d{8}-\d{6}\.zip", deckName())


# ------------------------------------------------------------------ PDF
def _mostly(pixmap: pymupdf.Pixmap, colour: Sequence[int]) -> float:
    samples, n = pixmap.samples, pixmap.n
    close = sum(all(abs(samples[i + k] - colour[k]) <= 8 for k in range(3))
                for i in range(0, len(samples), n))
    return close / (pixmap.width * pixmap.height)


def test_export_pdf_writes_each_page_in_order(tmp_path: Path) -> None:
    board = threePages()
    assert exportPdf(board, tmp_path / "talk.pdf") == tmp_path / "talk.pdf"
    with pymupdf.open(tmp_path / "talk.pdf") as document:
        assert document.page_count == 3
        for number, colour in enumerate([RED, GREEN, BLUE]):
            page = document[number]
            assert page.rect.width / page.rect.height == pytest.approx(SIZE[0] / SIZE[1],
                                                                       rel=0.01)
            pixmap = page.get_pixmap(matrix=pymupdf.Matrix(4, 4), colorspace=pymupdf.csRGB,
                                     alpha=False)
            # Mostly the page's colour, about as much as on the board (what
            # was drawn on it shows too).
            drawn = board.pixels(number + 1)
            share = sum(drawn[i:i + 3] == bytes(colour) for i in range(0, len(drawn), 3)) / (
                SIZE[0] * SIZE[1])
            assert 0.7 < share < 0.97
            assert _mostly(pixmap, colour) == pytest.approx(share, abs=0.06), number


def test_export_pdf_holds_the_pages_pixels_exactly(tmp_path: Path) -> None:
    board = threePages()
    exportPdf(board, tmp_path / "talk.pdf")
    with pymupdf.open(tmp_path / "talk.pdf") as document:
        for number in range(3):
            pixmap = document[number].get_pixmap(dpi=96, colorspace=pymupdf.csRGB, alpha=False)
            assert (pixmap.width, pixmap.height) == SIZE
            assert pixmap.samples == board.pixels(number + 1), number


def test_export_pdf_without_jpeg2000_writes_jpeg_pages(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(DeckModule, "_JPEG2000", False)
    board = threePages()
    exportPdf(board, tmp_path / "talk.pdf")
    with pymupdf.open(tmp_path / "talk.pdf") as document:
        assert document.page_count == 3
        for number, colour in enumerate([RED, GREEN, BLUE]):
            pixmap = document[number].get_pixmap(dpi=96, colorspace=pymupdf.csRGB, alpha=False)
            assert pixmap.samples != board.pixels(number + 1)       # JPEG: close, not exact
            assert _mostly(pixmap, colour) > 0.7


def test_export_pdf_of_one_page(tmp_path: Path) -> None:
    board = Board(size=SIZE)
    board.apply(["CLEAR", *map(str, GREEN)])
    exportPdf(board, tmp_path / "one.pdf")
    with pymupdf.open(tmp_path / "one.pdf") as document:
        assert document.page_count == 1
        pixmap = document[0].get_pixmap(colorspace=pymupdf.csRGB, alpha=False)
        assert _mostly(pixmap, GREEN) > 0.95
