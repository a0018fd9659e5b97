"""The transcoder's PDF renditions (Kamaelia.Apps.Transcoder.pdf): page images,
the poster and the text, checked with Pillow; and the PDFs it refuses."""

from __future__ import annotations

import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Callable

import pytest
from hypothesis import HealthCheck, given, settings as hypothesisSettings, strategies as st
from PIL import Image

from imagefixtures import coloursClose as _close, newFolder as _outdir, pixelAt as _pixel
from imagefixtures import (ANIMATION_COLOURS, awkwardName, makeEmptyFile, makeEncryptedPdf,
                           makeGarbagePdf, makePagelessPdf, makePdf, makePngWithAlpha,
                           makeRandomBytes, makeTruncatedPdf, pageText)
from Kamaelia.Apps.Transcoder.config import PdfSettings
from Kamaelia.Apps.Transcoder.pdf import MAX_PAGE_SIDE, transcode
from Kamaelia.Apps.Transcoder.renditions import ItemResult, Refused

# Small pages and sizes keep the tests quick.
PAGE = (300.0, 400.0)
SMALL = PdfSettings(sizes={"large": 240, "thumb": 60}, poster_width=120)


def test_every_page_is_drawn_at_every_size_in_every_format(tmp_path: Path) -> None:
    source = makePdf(tmp_path / "doc.pdf", size=PAGE)
    outdir = _outdir(tmp_path)
    result = transcode(source, outdir, SMALL)
    assert isinstance(result, ItemResult) and result.kind == "pdf"
    pages = [r for r in result.renditions if r.kind == "page"]
    assert {(r.name, r.format, r.extra["page"]) for r in pages} == {
        (name, format, page) for name in ("large", "thumb") for format in ("jpeg", "webp")
        for page in (1, 2, 3)}
    for rendition in pages:
        extension = {"jpeg": "jpg", "webp": "webp"}[rendition.format]
        assert rendition.path == (f"pages/{rendition.name}/"
                                  f"page-{rendition.extra['page']:04d}.{extension}")
        path = outdir / rendition.path
        assert rendition.bytes == path.stat().st_size > 0
        width = SMALL.sizes[rendition.name]
        with Image.open(path) as picture:
            assert picture.format == rendition.format.upper()
            assert picture.size == (rendition.width, rendition.height)
            assert picture.width == width
            assert abs(picture.height - width * PAGE[1] / PAGE[0]) <= 1


def test_each_page_image_shows_its_own_page(tmp_path: Path) -> None:
    # Page N has a band of ANIMATION_COLOURS[N - 1] across its top quarter.
    source = makePdf(tmp_path / "doc.pdf", size=PAGE)
    outdir = _outdir(tmp_path)
    transcode(source, outdir, SMALL)
    for number, colour in enumerate(ANIMATION_COLOURS, start=1):
        for name in ("large", "thumb"):
            with Image.open(outdir / f"pages/{name}/page-{number:04d}.jpg") as picture:
                band = _pixel(picture, (picture.width // 2, picture.height // 10))
                paper = _pixel(picture, (picture.width // 2, picture.height * 9 // 10))
            assert _close(band, colour), (number, name, band)
            assert _close(paper, (255, 255, 255)), (number, name, paper)


def test_the_poster_is_the_first_page(tmp_path: Path) -> None:
    source = makePdf(tmp_path / "doc.pdf", size=PAGE)
    outdir = _outdir(tmp_path)
    result = transcode(source, outdir, SMALL)
    posters = {r.format: r for r in result.renditions if r.kind == "poster"}
    assert set(posters) == {"jpeg", "webp"}
    assert (posters["jpeg"].path, posters["webp"].path) == ("poster.jpg", "poster.webp")
    for rendition in posters.values():
        with Image.open(outdir / rendition.path) as picture:
            assert picture.format == rendition.format.upper()
            assert picture.size == (120, 160) == (rendition.width, rendition.height)
            assert _close(_pixel(picture, (60, 10)), ANIMATION_COLOURS[0])


def test_a_poster_wider_than_every_size_and_jpeg_only(tmp_path: Path) -> None:
    source = makePdf(tmp_path / "doc.pdf", pages=1, size=PAGE)
    outdir = _outdir(tmp_path)
    result = transcode(source, outdir, PdfSettings(sizes={"thumb": 60}, poster_width=500,
                                                   formats=("jpeg",)))
    assert [(r.path, r.width) for r in result.renditions if r.kind != "text"] == [
        ("pages/thumb/page-0001.jpg", 60), ("poster.jpg", 500)]


def test_the_text_of_every_page_is_kept_separated_by_form_feeds(tmp_path: Path) -> None:
    source = makePdf(tmp_path / "doc.pdf", pages=4, size=PAGE)
    outdir = _outdir(tmp_path)
    result = transcode(source, outdir, replace(SMALL, max_pages=2))
    text = (outdir / "text.txt").read_text(encoding="utf-8")
    pages = text.split("\f")
    assert len(pages) == 4
    for number, page in enumerate(pages, start=1):
        assert pageText(number) in page
    assert result.info["text_chars"] == len(text)
    textRendition, = [r for r in result.renditions if r.kind == "text"]
    assert (textRendition.path, textRendition.format) == ("text.txt", "txt")
    assert textRendition.bytes == (outdir / "text.txt").stat().st_size
    # max_pages limits the images, not the text or the count
    assert result.info["pages"] == 4 and result.info["pages_drawn"] == 2
    assert {r.extra["page"] for r in result.renditions if r.kind == "page"} == {1, 2}
    assert not (outdir / "pages" / "large" / "page-0003.jpg").exists()


def test_no_text_file_when_text_is_off(tmp_path: Path) -> None:
    source = makePdf(tmp_path / "doc.pdf", pages=1, size=PAGE)
    outdir = _outdir(tmp_path)
    result = transcode(source, outdir, replace(SMALL, text=False))
    assert not (outdir / "text.txt").exists()
    assert "text" not in {r.kind for r in result.renditions}
    assert "text_chars" not in result.info


def test_info_has_the_page_count_title_and_author(tmp_path: Path) -> None:
    source = makePdf(tmp_path / "doc.pdf", size=PAGE, title="Minutes", author="The Clerk")
    result = transcode(source, _outdir(tmp_path), SMALL)
    assert result.info["pages"] == 3
    assert (result.info["title"], result.info["author"]) == ("Minutes", "The Clerk")
    assert result.info["repaired"] is False and "failed_pages" not in result.info
    bare = makePdf(tmp_path / "bare.pdf", pages=1, size=PAGE, title=None, author=None)
    info = transcode(bare, _outdir(tmp_path, "bare"), SMALL).info
    assert "title" not in info and "author" not in info


def test_progress_is_reported_after_each_page_and_the_text(tmp_path: Path) -> None:
    source = makePdf(tmp_path / "doc.pdf", size=PAGE)
    calls: list[tuple[str, float]] = []
    transcode(source, _outdir(tmp_path), SMALL,
              progress=lambda step, fraction: calls.append((step, fraction)))
    assert [step for step, _ in calls] == ["pages", "pages", "pages", "text"]
    fractions = [fraction for _, fraction in calls]
    assert fractions == sorted(fractions) and fractions[0] > 0 and fractions[-1] == 1.0


def test_a_tall_thin_page_is_drawn_no_taller_than_the_limit(tmp_path: Path) -> None:
    source = makePdf(tmp_path / "ribbon.pdf", pages=1, size=(10, 14_400))
    outdir = _outdir(tmp_path)
    result = transcode(source, outdir, PdfSettings(sizes={"large": 300}, poster_width=300))
    for rendition in result.renditions:
        if rendition.kind != "text":
            assert rendition.height is not None and rendition.height <= MAX_PAGE_SIDE
            assert rendition.width is not None and rendition.width < 300
            with Image.open(outdir / rendition.path) as picture:
                assert picture.size == (rendition.width, rendition.height)


def test_a_pdf_with_only_an_owner_password_is_transcoded(tmp_path: Path) -> None:
    source = makePdf(tmp_path / "locked.pdf", pages=1, size=PAGE, password="",
                     ownerPassword="secret")
    result = transcode(source, _outdir(tmp_path), SMALL)
    assert result.info["pages"] == 1


# -- refusals -------------------------------------------------------------------------------

@pytest.mark.parametrize("maker,reason", [
    (makeEncryptedPdf, r"^encrypted PDF: needs a password$"),
    (makeGarbagePdf, r"^damaged PDF: MuPDF cannot open it"),
    (lambda path: makeTruncatedPdf(path, fraction=0.05), r"^damaged PDF"),
    (makePagelessPdf, r"^PDF has no pages$"),
    (makeRandomBytes, r"^not a PDF \(no %PDF- header in its first 1024 bytes\)$"),
    (makePngWithAlpha, r"^not a PDF"),
    (makeEmptyFile, r"^empty file \(0 bytes\)$"),
])
def test_a_bad_pdf_is_refused_with_a_reason_and_nothing_written(
        tmp_path: Path, maker: Callable[[Path], Path], reason: str) -> None:
    source = maker(tmp_path / "bad.pdf")
    outdir = _outdir(tmp_path)
    with pytest.raises(Refused, match=reason):
        transcode(source, outdir, SMALL)
    assert list(outdir.iterdir()) == []


def test_a_truncated_pdf_that_mupdf_repairs_is_accepted_and_marked(tmp_path: Path) -> None:
    # Cut short, the file loses its cross-reference table and trailer; MuPDF
    # rebuilds them from the objects and every page is still there.
    source = makeTruncatedPdf(tmp_path / "cut.pdf", fraction=0.8)
    outdir = _outdir(tmp_path)
    result = transcode(source, outdir, SMALL)
    assert result.info["repaired"] is True
    assert any("repair" in line for line in result.info["warnings"])
    assert result.info["pages"] == 3
    with Image.open(outdir / "poster.jpg") as poster:
        assert poster.width == 120


def test_mupdf_says_nothing_on_standard_error(tmp_path: Path,
                                              capfd: pytest.CaptureFixture[str]) -> None:
    for name, maker in (("garbage.pdf", makeGarbagePdf),
                        ("cut.pdf", lambda path: makeTruncatedPdf(path, fraction=0.6))):
        source = maker(tmp_path / name)
        try:
            transcode(source, _outdir(tmp_path, name + ".out"), SMALL)
        except Refused:
            pass
    captured = capfd.readouterr()
    assert captured.err == "" and captured.out == ""


def test_awkward_file_and_folder_names_work(tmp_path: Path) -> None:
    folder = tmp_path / awkwardName("")
    folder.mkdir()
    source = makePdf(folder / awkwardName(".pdf"), pages=2, size=PAGE)
    outdir = folder / ("-" + awkwardName(" out"))
    outdir.mkdir()
    result = transcode(source, outdir, SMALL)
    assert result.info["pages"] == 2
    for rendition in result.renditions:
        assert (outdir / rendition.path).stat().st_size == rendition.bytes > 0
    with pytest.raises(Refused, match="^encrypted PDF"):
        transcode(makeEncryptedPdf(folder / awkwardName(".enc.pdf")),
                  _outdir(folder, "enc"), SMALL)


# -- fuzzing -------------------------------------------------------------------------------

def _seed() -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        return makePdf(Path(folder) / "seed.pdf", pages=2, size=(60, 80)).read_bytes()


SEED = _seed()
FUZZ_SETTINGS = PdfSettings(sizes={"thumb": 20}, poster_width=30, max_pages=3)


def _transcodeIsolated(data: bytes) -> None:
    """transcode ``data``: an ItemResult or a Refused, nothing else, and
    nothing written outside its outdir."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "in").mkdir()
        source = root / "in" / "x.pdf"
        source.write_bytes(data)
        outdir = root / "out"
        outdir.mkdir()
        try:
            result = transcode(source, outdir, FUZZ_SETTINGS)
        except Refused as refusal:
            assert refusal.reason
        else:
            assert isinstance(result, ItemResult) and result.info["pages"] >= 1
            for rendition in result.renditions:
                assert (outdir / rendition.path).is_file()
        assert {path for path in root.rglob("*") if outdir not in path.parents} == {
            root / "in", source, outdir}


@hypothesisSettings(max_examples=50, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=1500), st.booleans())
def test_fuzz_random_bytes_are_transcoded_or_refused(data: bytes, header: bool) -> None:
    _transcodeIsolated((b"%PDF-1.7\n" if header else b"") + data)


@hypothesisSettings(max_examples=100, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.floats(0, 1), st.integers(0, 255)), max_size=10),
       st.floats(0.05, 1.0))
def test_fuzz_mutated_pdfs_are_transcoded_or_refused(changes: list[tuple[float, int]],
                                                     keep: float) -> None:
    data = bytearray(SEED)
    for where, value in changes:
        data[min(len(data) - 1, int(where * len(data)))] = value
    _transcodeIsolated(bytes(data[:max(1, int(len(data) * keep))]))
