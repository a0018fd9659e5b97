"""Kamaelia.Apps.Show.slides: slides from a folder of images (made with Pillow here)
and from PDFs (made with PyMuPDF here), rendered lazily, cached, errors at the door."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from PIL import Image

from Kamaelia.Apps.Show.slides import (ImageFolder, PDFSlides, SlideError, imageExtensions,
                                       naturalKey, openSlides)
from slidemaker import COLOURS, makeImageSlides, makePDF, slideImage


def colourAt(picture: Image.Image, x: float, y: float) -> tuple[int, int, int]:
    return picture.getpixel((int(picture.width * x), int(picture.height * y)))[:3]


def near(a: tuple[int, ...], b: tuple[int, ...], tolerance: int = 6) -> bool:
    return all(abs(p - q) <= tolerance for p, q in zip(a, b))


# -- folders of images ------------------------------------------------------------

def test_natural_order_puts_slide2_before_slide10() -> None:
    names = ["slide10.png", "Slide2.png", "slide1.png", "intro.png", "slide02.png"]
    # Equal numbers (2 and 02, any case) are put in the order of the names as they are.
    assert sorted(names, key=naturalKey) == ["intro.png", "slide1.png", "Slide2.png",
                                             "slide02.png", "slide10.png"]


def test_a_folder_is_its_images_in_natural_order(tmp_path: Path) -> None:
    makeImageSlides(tmp_path, COLOURS[:3], pattern="p{n}.png")
    slideImage(COLOURS[3]).save(tmp_path / "p10.jpg")
    (tmp_path / "notes.txt").write_text("not a slide")
    (tmp_path / ".hidden.png").write_bytes((tmp_path / "p1.png").read_bytes())
    (tmp_path / "sub").mkdir()
    slideImage(COLOURS[4]).save(tmp_path / "sub" / "p0.png")     # sub-folders are not looked in
    slides = openSlides(tmp_path)
    assert isinstance(slides, ImageFolder)
    assert slides.names == ["p1.png", "p2.png", "p3.png", "p10.jpg"]
    assert len(slides) == 4 and slides.pageSize(0) == (400, 300)


def test_each_image_renders_at_the_size_asked(tmp_path: Path) -> None:
    makeImageSlides(tmp_path, COLOURS[:2])
    slides = openSlides(tmp_path)
    picture = slides.render(1, (200, 150))
    assert picture.size == (200, 150) and picture.mode == "RGB"
    assert near(colourAt(picture, 0.8, 0.8), COLOURS[1])
    assert near(colourAt(picture, 0.25, 0.25), (255, 255, 255))


def test_renders_are_made_lazily_and_cached(tmp_path: Path) -> None:
    makeImageSlides(tmp_path, COLOURS[:3])
    slides = openSlides(tmp_path)
    assert not slides.cached(0, (80, 60))
    first = slides.render(0, (80, 60))
    assert slides.cached(0, (80, 60)) and not slides.cached(1, (80, 60))
    assert slides.render(0, (80, 60)) is first


def test_the_cache_is_bounded_in_bytes(tmp_path: Path) -> None:
    makeImageSlides(tmp_path, COLOURS[:3])
    slides = ImageFolder(tmp_path, cacheBytes=2 * 100 * 100 * 3)    # room for two renders
    for index in range(3):
        slides.render(index, (100, 100))
    assert [slides.cached(i, (100, 100)) for i in range(3)] == [False, True, True]
    slides.render(1, (100, 100))             # used again: now the newest
    slides.render(0, (100, 100))
    assert [slides.cached(i, (100, 100)) for i in range(3)] == [True, True, False]


def test_transparent_images_are_laid_on_the_background(tmp_path: Path) -> None:
    Image.new("RGBA", (40, 30), (0, 0, 0, 0)).save(tmp_path / "clear.png")
    slides = openSlides(tmp_path, background=(10, 20, 30))
    assert slides.render(0, (40, 30)).getpixel((5, 5)) == (10, 20, 30)


def test_exif_orientation_is_honoured(tmp_path: Path) -> None:
    picture = slideImage(COLOURS[0], (400, 300))
    exif = Image.Exif()
    exif[0x0112] = 6                          # "turn 90 degrees clockwise to view"
    picture.save(tmp_path / "photo.jpg", exif=exif, quality=95)
    slides = openSlides(tmp_path)
    assert slides.pageSize(0) == (300, 400)
    shown = slides.render(0, (300, 400))
    # The white block, top left as stored, is top right once turned.
    assert near(colourAt(shown, 0.75, 0.25), (255, 255, 255), 30)
    assert near(colourAt(shown, 0.25, 0.25), COLOURS[0], 30)


def test_a_single_image_file_is_a_one_slide_show(tmp_path: Path) -> None:
    path = makeImageSlides(tmp_path, COLOURS[:1])[0]
    slides = openSlides(path)
    assert slides.names == ["slide1.png"]


def test_unreadable_images_are_logged_and_skipped(tmp_path: Path,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    makeImageSlides(tmp_path, COLOURS[:2])
    (tmp_path / "slide1b.png").write_bytes(b"this is no PNG")
    with caplog.at_level(logging.WARNING, logger="Kamaelia.Apps.Show.slides"):
        slides = openSlides(tmp_path)
    assert slides.names == ["slide1.png", "slide2.png"]
    assert any("slide1b.png" in r.getMessage() and "skipping" in r.getMessage()
               for r in caplog.records)


def test_an_empty_folder_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "readme.txt").write_text("no slides here")
    with pytest.raises(SlideError, match=r"no slides in '.*': it has no image files"):
        openSlides(tmp_path)


def test_a_folder_of_only_broken_images_says_why(tmp_path: Path) -> None:
    (tmp_path / "a.png").write_bytes(b"\x89PNG\r\n\x1a\n broken")
    with pytest.raises(SlideError, match=r"no readable slides in .*a\.png"):
        openSlides(tmp_path)


def test_a_missing_path_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SlideError, match=r"'.*nowhere' does not exist; give a folder of "
                                         r"images or a PDF"):
        openSlides(tmp_path / "nowhere")


def test_bad_arguments_are_refused_naming_the_value(tmp_path: Path) -> None:
    makeImageSlides(tmp_path, COLOURS[:1])
    slides = openSlides(tmp_path)
    with pytest.raises(IndexError, match=r"no slide 1 in .* \(it has 1, numbered from 0\)"):
        slides.render(1, (10, 10))
    with pytest.raises(ValueError, match=r"size must be two ints >= 1, not \(0, 10\)"):
        slides.render(0, (0, 10))
    with pytest.raises(TypeError, match=r"slide index must be an int, not '0'"):
        slides.render("0", (10, 10))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"background must be three ints 0 to 255, not "
                                         r"\(0, 0, 300\)"):
        openSlides(tmp_path, background=(0, 0, 300))
    with pytest.raises(TypeError, match=r"openSlides: path must be a str or a path, not 7"):
        openSlides(7)  # type: ignore[arg-type]


def test_the_common_formats_are_offered() -> None:
    assert {".png", ".jpg", ".jpeg", ".gif", ".bmp", ".webp", ".tiff"} <= imageExtensions()
    assert ".pdf" not in imageExtensions() and ".eps" not in imageExtensions()


# -- PDFs ---------------------------------------------------------------------------

def test_a_pdf_is_one_slide_per_page_rendered_at_the_size_asked(tmp_path: Path) -> None:
    path = makePDF(tmp_path / "talk.pdf", COLOURS[:3], size=(400, 300))
    with openSlides(path) as slides:
        assert isinstance(slides, PDFSlides)
        assert len(slides) == 3 and slides.names == ["page 1", "page 2", "page 3"]
        assert slides.pageSize(2) == (400, 300)
        for size in [(160, 120), (1600, 1200)]:
            picture = slides.render(2, size)
            assert picture.size == size
            assert near(colourAt(picture, 0.8, 0.8), COLOURS[2])
            assert near(colourAt(picture, 0.25, 0.25), (255, 255, 255))


def test_a_pdf_is_drawn_at_the_resolution_asked_not_scaled_up(tmp_path: Path) -> None:
    # A one-point hairline is one pixel wide at 1x and about four at 4x: a
    # bitmap scaled up would blur it instead of drawing it sharp.
    import pymupdf

    document = pymupdf.open()
    page = document.new_page(width=100, height=100)
    page.draw_line((0, 50), (100, 50), color=(0, 0, 0), width=1)
    document.save(tmp_path / "line.pdf")
    document.close()
    slides = openSlides(tmp_path / "line.pdf")
    big = slides.render(0, (400, 400))
    column = [big.getpixel((200, y))[0] for y in range(190, 210)]
    assert sum(1 for v in column if v < 60) >= 3           # dark and thick
    assert sum(1 for v in column if 60 <= v < 200) <= 2    # with sharp edges
    slides.close()


def test_a_pdf_is_found_by_its_signature_whatever_its_name(tmp_path: Path) -> None:
    path = makePDF(tmp_path / "talk.pdf", COLOURS[:2])
    renamed = path.rename(tmp_path / "talk.slides")
    with openSlides(renamed) as slides:
        assert isinstance(slides, PDFSlides) and len(slides) == 2


def test_an_encrypted_pdf_is_refused_clearly(tmp_path: Path) -> None:
    path = makePDF(tmp_path / "secret.pdf", COLOURS[:2], password="sesame")
    with pytest.raises(SlideError, match=r"secret\.pdf' is encrypted \(it needs a password\)"):
        openSlides(path)


def test_a_broken_pdf_is_refused_clearly(tmp_path: Path) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"this was never a PDF at all " * 20)
    with pytest.raises(SlideError, match=r"cannot open '.*broken\.pdf' as a PDF"):
        openSlides(path)


def test_a_pdf_without_pages_is_refused_clearly(tmp_path: Path) -> None:
    good = makePDF(tmp_path / "good.pdf", COLOURS[:1]).read_bytes()
    # The header and nothing else: MuPDF "repairs" it into a document of no pages,
    # or refuses it; either way it is a clear SlideError.
    path = tmp_path / "empty.pdf"
    path.write_bytes(good[:9] + b"\n%%EOF\n")
    with pytest.raises(SlideError, match=r"empty\.pdf'"):
        openSlides(path)


def test_mupdf_says_nothing_on_standard_error(tmp_path: Path,
                                              capfd: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.4\n garbage garbage\n")
    with pytest.raises(SlideError):
        openSlides(path)
    assert capfd.readouterr().err == ""
