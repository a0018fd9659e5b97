"""The transcoder's image renditions (Kamaelia.Apps.Transcoder.images), checked
by opening what it writes with Pillow (and the MP4 with ffprobe)."""

from __future__ import annotations

import io
import json
import math
import subprocess
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable

import pytest
from hypothesis import HealthCheck, given, settings as hypothesisSettings, strategies as st
from PIL import Image, ImageChops, ImageStat

from imagefixtures import coloursClose as _close, newFolder as _outdir, pixelAt as _pixel
from imagefixtures import (ANIMATION_COLOURS, BLUE, GREEN, RED, awkwardName, makeAnimatedGif,
                           makeAnimatedWebp, makeBombGif, makeBombPng, makeCmykJpeg,
                           makeEmptyFile, makeJpegWithOrientation, makeJpegWithProfile,
                           makePhoto, makePngWithAlpha, makeRandomBytes, makeTruncatedJpeg,
                           negativeCmykProfile, swappedRgbProfile)
from Kamaelia.Apps.Transcoder.config import ImageSettings
from Kamaelia.Apps.Transcoder.images import Target, plan, probe, transcode, writableFormats
from Kamaelia.Apps.Transcoder.renditions import ItemResult, Refused

PILLOW_FORMAT = {"jpeg": "JPEG", "webp": "WEBP", "avif": "AVIF", "gif": "GIF"}
# Small sizes keep the tests quick; the default sizes are used where they matter.
SMALL = ImageSettings(sizes={"large": 160, "thumb": 50}, squares={"icon": 24})


def _rgb(path: Path, xy: tuple[int, int]) -> tuple[int, ...]:
    with Image.open(path) as picture:
        return _pixel(picture.convert("RGB"), xy)


# -- sizes, formats, squares ---------------------------------------------------------

def test_every_size_and_square_is_written_in_every_format(tmp_path: Path) -> None:
    source = makePhoto(tmp_path / "photo.jpg", size=(800, 600))
    outdir = _outdir(tmp_path)
    result = transcode(source, outdir, ImageSettings())
    assert isinstance(result, ItemResult) and result.kind == "image"
    settings = ImageSettings()
    expected = {(name, format) for name in [*settings.sizes, *settings.squares]
                for format in ("jpeg", "webp", "avif")}
    assert {(r.name, r.format) for r in result.renditions} == expected
    assert sorted(path.name for path in outdir.iterdir()) == sorted(
        r.path for r in result.renditions)
    for rendition in result.renditions:
        path = outdir / rendition.path
        assert rendition.path == rendition.name + {"jpeg": ".jpg", "webp": ".webp",
                                                   "avif": ".avif"}[rendition.format]
        assert rendition.kind == "image"
        assert rendition.bytes == path.stat().st_size > 0
        with Image.open(path) as picture:
            assert picture.format == PILLOW_FORMAT[rendition.format]
            assert picture.size == (rendition.width, rendition.height)
        if rendition.name in settings.squares:
            side = settings.squares[rendition.name]
            assert (rendition.width, rendition.height) == (side, side)
            assert rendition.extra == {"square": True}
        else:
            width = settings.sizes[rendition.name]
            assert rendition.width == width
            assert rendition.height is not None
            assert abs(rendition.height - width * 600 / 800) <= 1
    assert result.info == {"width": 800, "height": 600, "format": "JPEG", "mode": "RGB",
                           "frames": 1, "had_alpha": False, "icc": False, "orientation": 1}


def test_the_manifest_form_is_plain_data(tmp_path: Path) -> None:
    source = makePhoto(tmp_path / "photo.jpg", size=(320, 240))
    result = transcode(source, _outdir(tmp_path), replace(SMALL, formats=("jpeg",)))
    manifest = json.loads(json.dumps(result.asManifest()))
    assert [r["path"] for r in manifest["renditions"]] == ["large.jpg", "thumb.jpg", "icon.jpg"]


def test_a_narrower_source_keeps_its_own_width(tmp_path: Path) -> None:
    source = makePhoto(tmp_path / "small.png", size=(300, 200))
    outdir = _outdir(tmp_path)
    result = transcode(source, outdir, ImageSettings(formats=("jpeg",)))
    widths = {r.name: (r.width, r.height) for r in result.renditions}
    assert widths == {"large": (300, 200), "normal": (300, 200), "medium": (300, 200),
                      "thumb": (146, 97), "minithumb": (66, 44), "microthumb": (40, 40),
                      "nanothumb": (18, 18)}
    with Image.open(outdir / "large.jpg") as picture:
        assert picture.size == (300, 200)


def test_a_square_is_the_centre_of_the_image(tmp_path: Path) -> None:
    # 300 x 100: blue, with a red middle third; the centred square is all red
    # (1.14's top-left crop would have been all blue).
    source = tmp_path / "wide.png"
    picture = Image.new("RGB", (300, 100), BLUE)
    picture.paste(RED, (100, 0, 200, 100))
    picture.save(source)
    outdir = _outdir(tmp_path)
    transcode(source, outdir, ImageSettings(sizes={}, squares={"icon": 40}, formats=("webp",)))
    with Image.open(outdir / "icon.webp") as square:
        assert square.size == (40, 40)
        for xy in ((1, 1), (38, 1), (20, 20), (1, 38), (38, 38)):
            assert _close(_pixel(square.convert("RGB"), xy), RED), xy


def test_a_square_larger_than_the_source_is_not_enlarged(tmp_path: Path) -> None:
    source = makePhoto(tmp_path / "tiny.png", size=(30, 20))
    result = transcode(source, _outdir(tmp_path),
                       ImageSettings(sizes={}, squares={"icon": 40}, formats=("jpeg",)))
    assert [(r.width, r.height) for r in result.renditions] == [(20, 20)]


def test_plan_lists_sizes_then_squares_never_enlarged() -> None:
    settings = ImageSettings(sizes={"big": 1000, "small": 100}, squares={"sq": 500})
    assert plan(400, 300, settings) == [Target("big", 400, 300), Target("small", 100, 75),
                                        Target("sq", 300, 300, square=True)]


def test_avif_is_left_out_and_noted_where_pillow_cannot_write_it() -> None:
    assert writableFormats(("jpeg", "avif", "webp"), lambda feature: False) == (
        ["jpeg", "webp"], ["avif"])
    assert writableFormats(("jpeg", "avif"), lambda feature: feature == "avif") == (
        ["jpeg", "avif"], [])
    # This Pillow writes AVIF, so the default check keeps it.
    assert writableFormats(("avif",)) == (["avif"], [])


def test_quality_settings_reach_the_encoders(tmp_path: Path) -> None:
    source = makePhoto(tmp_path / "photo.jpg", size=(400, 300))
    sizes: dict[str, dict[str, int]] = {}
    for quality in (20, 95):
        outdir = _outdir(tmp_path, f"q{quality}")
        result = transcode(source, outdir, ImageSettings(
            sizes={"large": 300}, squares={}, jpeg_quality=quality, webp_quality=quality,
            avif_quality=quality))
        sizes[str(quality)] = {r.format: r.bytes for r in result.renditions}
    for format in ("jpeg", "webp", "avif"):
        assert sizes["20"][format] < sizes["95"][format] / 2, format


def test_a_large_photo_is_resized_as_well_as_from_the_full_image(tmp_path: Path) -> None:
    # 3000 x 2000 is drafted (decoded at 1/2 scale) and the small sizes are made
    # from larger outputs: each must still match a Lanczos resize of the full
    # decode closely (both through the same JPEG encoder, whose chroma
    # subsampling would otherwise be most of the difference).
    source = makePhoto(tmp_path / "photo.jpg", size=(3000, 2000))
    outdir = _outdir(tmp_path)
    transcode(source, outdir, ImageSettings(sizes={"large": 626, "thumb": 146},
                                            squares={"icon": 40}, formats=("jpeg",),
                                            jpeg_quality=100))
    with Image.open(source) as full:
        full.load()
        references = {
            "large": full.resize((626, 417), Image.Resampling.LANCZOS),
            "thumb": full.resize((146, 97), Image.Resampling.LANCZOS),
            "icon": full.resize((40, 40), Image.Resampling.LANCZOS, box=(500, 0, 2500, 2000)),
        }
    for name, reference in references.items():
        encoded = io.BytesIO()
        reference.save(encoded, "JPEG", quality=100, optimize=True)
        with Image.open(outdir / f"{name}.jpg") as made, Image.open(encoded) as expected:
            difference = ImageChops.difference(made.convert("RGB"), expected.convert("RGB"))
            mse = sum(ImageStat.Stat(difference).sum2) / (3 * made.width * made.height)
            psnr = 10 * math.log10(255 ** 2 / mse) if mse else 99
            assert psnr > 36, (name, psnr)


def test_progress_is_reported_after_each_size(tmp_path: Path) -> None:
    source = makePhoto(tmp_path / "photo.jpg", size=(320, 240))
    calls: list[tuple[str, float]] = []
    transcode(source, _outdir(tmp_path), replace(SMALL, formats=("jpeg",)),
              progress=lambda step, fraction: calls.append((step, fraction)))
    assert [step for step, _ in calls] == ["large", "thumb", "icon"]
    fractions = [fraction for _, fraction in calls]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0 and fractions[0] > 0


# -- orientation, metadata --------------------------------------------------------------

@pytest.mark.parametrize("orientation,size,redAt,blueAt", [
    (1, (160, 80), (10, 40), (150, 40)),      # as stored: red left
    (3, (160, 80), (150, 40), (10, 40)),      # turned 180: red right
    (6, (80, 160), (40, 10), (40, 150)),      # turned 90 clockwise: red on top
    (8, (80, 160), (40, 150), (40, 10)),      # turned 90 anticlockwise: red below
])
def test_the_exif_orientation_is_applied(tmp_path: Path, orientation: int,
                                         size: tuple[int, int], redAt: tuple[int, int],
                                         blueAt: tuple[int, int]) -> None:
    source = makeJpegWithOrientation(tmp_path / "camera.jpg", orientation)
    outdir = _outdir(tmp_path)
    result = transcode(source, outdir, ImageSettings(sizes={"large": size[0]}, squares={}))
    assert result.info["orientation"] == orientation
    assert (result.info["width"], result.info["height"]) == (
        (200, 400) if orientation in (6, 8) else (400, 200))
    for format, extension in (("jpeg", ".jpg"), ("webp", ".webp"), ("avif", ".avif")):
        path = outdir / f"large{extension}"
        with Image.open(path) as picture:
            assert picture.size == size
            assert 0x0112 not in picture.getexif()
        assert _close(_rgb(path, redAt), RED), (format, _rgb(path, redAt))
        assert _close(_rgb(path, blueAt), BLUE), (format, _rgb(path, blueAt))


def test_metadata_is_stripped(tmp_path: Path) -> None:
    source = makeJpegWithOrientation(tmp_path / "camera.jpg")
    with Image.open(source) as original:       # (the fixture does carry it all)
        assert original.getexif()[0x010F] == "Kamaelia Camera Co"
        assert "xmp" in original.info and "comment" in original.info
    outdir = _outdir(tmp_path)
    result = transcode(source, outdir, SMALL)
    assert len(result.renditions) == 9
    for rendition in result.renditions:
        data = (outdir / rendition.path).read_bytes()
        assert b"Kamaelia Camera" not in data and b"Someone Private" not in data
        assert b"private comment" not in data
        with Image.open(outdir / rendition.path) as picture:
            assert len(picture.getexif()) == 0, rendition.path
            for key in ("exif", "xmp", "XML:com.adobe.xmp", "icc_profile", "comment"):
                assert not picture.info.get(key), (rendition.path, key)


def test_without_stripping_the_exif_is_kept_minus_the_orientation(tmp_path: Path) -> None:
    source = makeJpegWithOrientation(tmp_path / "camera.jpg")
    outdir = _outdir(tmp_path)
    transcode(source, outdir, replace(SMALL, strip_metadata=False))
    for name in ("large.jpg", "large.webp", "large.avif", "icon.jpg"):
        with Image.open(outdir / name) as picture:
            exif = picture.getexif()
            assert exif.get(0x010F) == "Kamaelia Camera Co", name
            assert exif.get(0x0110) == "Test Model", name
            assert 0x0112 not in exif, name
            if name.startswith("large"):
                assert picture.height > picture.width, name    # the pixels were turned


# -- colour and transparency -------------------------------------------------------------

def test_transparency_is_flattened_on_white_in_jpeg_and_kept_in_webp_and_avif(
        tmp_path: Path) -> None:
    source = makePngWithAlpha(tmp_path / "logo.png")
    outdir = _outdir(tmp_path)
    result = transcode(source, outdir, ImageSettings(sizes={"large": 150}, squares={}))
    assert result.info["had_alpha"] is True
    with Image.open(outdir / "large.jpg") as jpeg:
        assert jpeg.mode == "RGB"
        assert _close(_pixel(jpeg, (2, 2)), (255, 255, 255), 8)
        assert _close(_pixel(jpeg, (75, 50)), RED)
    for name in ("large.webp", "large.avif"):
        with Image.open(outdir / name) as picture:
            assert picture.mode == "RGBA", name
            assert _pixel(picture, (2, 2))[3] == 0, name
            centre = _pixel(picture, (75, 50))
            assert centre[3] == 255 and _close(centre[:3], RED), name


def test_an_opaque_alpha_channel_is_dropped(tmp_path: Path) -> None:
    source = tmp_path / "opaque.png"
    Image.new("RGBA", (100, 80), (*GREEN, 255)).save(source)
    outdir = _outdir(tmp_path)
    transcode(source, outdir, ImageSettings(sizes={"large": 50}, squares={}, formats=("webp",)))
    with Image.open(outdir / "large.webp") as picture:
        assert picture.mode == "RGB"


def test_a_cmyk_jpeg_without_a_profile_becomes_rgb(tmp_path: Path) -> None:
    source = makeCmykJpeg(tmp_path / "print.jpg")           # full cyan ink
    outdir = _outdir(tmp_path)
    result = transcode(source, outdir, SMALL)
    assert result.info["mode"] == "CMYK" and result.info["icc"] is False
    for name in ("large.jpg", "large.webp", "large.avif"):
        with Image.open(outdir / name) as picture:
            assert picture.mode == "RGB"
            assert _close(_pixel(picture, (20, 20)), (0, 255, 255)), name


def test_a_cmyk_jpeg_is_converted_through_its_own_profile(tmp_path: Path) -> None:
    # The negative profile shows cyan ink as red: only a conversion that
    # used the profile gives red.
    source = makeCmykJpeg(tmp_path / "print.jpg", profile=negativeCmykProfile())
    outdir = _outdir(tmp_path)
    result = transcode(source, outdir, SMALL)
    assert result.info["icc"] is True and "icc_ignored" not in result.info
    for name in ("large.jpg", "large.webp", "large.avif"):
        with Image.open(outdir / name) as picture:
            assert picture.mode == "RGB"
            assert _close(_pixel(picture, (20, 20)), (255, 0, 0)), name
            assert not picture.info.get("icc_profile"), name


def test_an_rgb_image_with_another_profile_is_converted_to_srgb(tmp_path: Path) -> None:
    # In the swapped profile (255, 0, 0) is sRGB's green.
    source = makeJpegWithProfile(tmp_path / "wide-gamut.jpg", swappedRgbProfile())
    outdir = _outdir(tmp_path)
    transcode(source, outdir, SMALL)
    for name in ("large.jpg", "large.webp", "large.avif", "icon.jpg"):
        with Image.open(outdir / name) as picture:
            assert _close(_pixel(picture.convert("RGB"), (5, 5)), (0, 255, 0)), name
            assert not picture.info.get("icc_profile"), name


def test_a_profile_littlecms_rejects_is_ignored_and_noted(tmp_path: Path) -> None:
    source = tmp_path / "bad-profile.jpg"
    Image.new("RGB", (100, 80), GREEN).save(source, icc_profile=b"not an ICC profile at all")
    outdir = _outdir(tmp_path)
    result = transcode(source, outdir, replace(SMALL, formats=("jpeg",)))
    assert result.info["icc"] is True and result.info["icc_ignored"]
    assert _close(_rgb(outdir / "large.jpg", (5, 5)), GREEN)


def _paletteWithTransparency(path: Path) -> None:
    picture = Image.new("P", (80, 60), 0)
    picture.putpalette([0, 0, 0, *RED])
    picture.paste(1, (20, 15, 60, 45))
    picture.save(path, transparency=0)


@pytest.mark.parametrize("name,make,middle,corner", [
    ("grey.png", lambda path: Image.new("L", (80, 60), 100).save(path), (100,) * 3, None),
    ("grey16.png", lambda path: Image.new("I;16", (80, 60), 40000).save(path), (156,) * 3,
     None),
    ("greyalpha.png", lambda path: Image.new("LA", (80, 60), (200, 255)).save(path),
     (200,) * 3, None),
    ("bilevel.bmp", lambda path: Image.new("1", (80, 60), 1).save(path), (255,) * 3, None),
    ("palette.png", _paletteWithTransparency, RED, 0),
    ("cmyk.tif", lambda path: Image.new("CMYK", (80, 60), (0, 255, 255, 0)).save(path),
     (255, 0, 0), None),
])
def test_other_colour_modes_come_out_rgb(tmp_path: Path, name: str,
                                         make: Callable[[Path], None],
                                         middle: tuple[int, ...], corner: int | None) -> None:
    source = tmp_path / name
    make(source)
    outdir = _outdir(tmp_path)
    transcode(source, outdir, ImageSettings(sizes={"large": 40}, squares={},
                                            formats=("jpeg", "webp")))
    assert _close(_rgb(outdir / "large.jpg", (20, 15)), middle, 12)
    with Image.open(outdir / "large.webp") as picture:
        assert picture.mode == ("RGBA" if corner is not None else "RGB")
        assert _close(_pixel(picture.convert("RGB"), (20, 15)), middle, 12)
        if corner is not None:
            assert _pixel(picture, (1, 1))[3] == corner


# -- animations ----------------------------------------------------------------------------

def _frames(path: Path) -> list[tuple[tuple[int, ...], int]]:
    """(colour in the middle, duration) of each frame."""
    found = []
    with Image.open(path) as picture:
        for index in range(getattr(picture, "n_frames", 1)):
            picture.seek(index)
            frame = picture.convert("RGB")
            found.append((_pixel(frame, (frame.width // 2, frame.height * 3 // 4)),
                          int(picture.info.get("duration", 0))))
    return found


@pytest.mark.parametrize("maker", [makeAnimatedGif, makeAnimatedWebp])
def test_an_animation_keeps_its_frames_durations_and_loop(
        tmp_path: Path, maker: Callable[..., Path]) -> None:
    source = maker(tmp_path / "anim")
    outdir = _outdir(tmp_path)
    result = transcode(source, outdir, ImageSettings(sizes={"large": 60}, squares={"icon": 20}))
    assert result.info["frames"] == 3 and result.info["duration"] == pytest.approx(0.6)
    made = {(r.name, r.format): r for r in result.renditions}
    assert set(made) == {(name, format) for name in ("large", "icon")
                         for format in ("jpeg", "gif", "webp", "avif")}
    for (name, format), rendition in made.items():
        path = outdir / rendition.path
        with Image.open(path) as picture:
            assert picture.format == PILLOW_FORMAT[format]
            assert picture.size == ((60, 40) if name == "large" else (20, 20))
        if format == "jpeg":
            assert rendition.extra.get("still") is True
            assert _close(_frames(path)[0][0], RED)
            continue
        assert rendition.extra["frames"] == 3
        frames = _frames(path)
        assert len(frames) == 3, path
        for (colour, duration), expected, delay in zip(frames, ANIMATION_COLOURS,
                                                       (100, 200, 300)):
            assert _close(colour, expected), (path, colour)
            if format != "avif":             # (Pillow reads no per-frame AVIF durations)
                assert duration == delay, (path, duration)
    with Image.open(outdir / "large.gif") as gif:
        assert gif.info.get("loop") == 0
    with Image.open(outdir / "large.webp") as webp:
        assert webp.info.get("loop") == 0


def _ffprobe(path: Path) -> dict[str, Any]:
    found = subprocess.run(["ffprobe", "-v", "error", "-show_streams", "-show_format",
                            "-of", "json", "file:" + str(path)],
                           capture_output=True, check=True, stdin=subprocess.DEVNULL, timeout=30)
    return json.loads(found.stdout)  # type: ignore[no-any-return]


def test_an_animation_becomes_an_h264_mp4_too(tmp_path: Path) -> None:
    source = makeAnimatedGif(tmp_path / "anim.gif", size=(121, 81))
    outdir = _outdir(tmp_path)
    result = transcode(source, outdir, ImageSettings(sizes={"large": 101, "icon": 30},
                                                     squares={}, formats=("jpeg",),
                                                     animated="mp4"))
    movie, = [r for r in result.renditions if r.format == "mp4"]
    assert (movie.path, movie.kind, movie.extra["frames"]) == ("animation.mp4", "video", 3)
    assert (movie.width, movie.height) == (100, 66)              # the largest size, even
    assert movie.duration == pytest.approx(0.6)
    probed = _ffprobe(outdir / "animation.mp4")
    stream, = probed["streams"]
    assert (stream["codec_name"], stream["pix_fmt"]) == ("h264", "yuv420p")
    assert (stream["width"], stream["height"]) == (100, 66)
    assert float(probed["format"]["duration"]) == pytest.approx(0.6, abs=0.05)
    data = (outdir / "animation.mp4").read_bytes()
    assert data.index(b"moov") < data.index(b"mdat")              # +faststart
    # and the GIF and the still are there as with "keep"
    assert {"large.gif", "large.jpg", "icon.gif", "animation.mp4"} <= {
        path.name for path in outdir.iterdir()}


def test_a_missing_ffmpeg_is_a_reason_not_a_crash(tmp_path: Path) -> None:
    source = makeAnimatedGif(tmp_path / "anim.gif")
    with pytest.raises(Refused, match="cannot run '/nonexistent/ffmpeg'"):
        transcode(source, _outdir(tmp_path), replace(SMALL, animated="mp4"),
                  ffmpeg="/nonexistent/ffmpeg")


# -- refusals ------------------------------------------------------------------------------

@pytest.mark.parametrize("maker,name,reason", [
    (lambda path: makeTruncatedJpeg(path), "cut.jpg", "^truncated image"),
    (lambda path: makeTruncatedJpeg(path, fraction=0.95), "cut.jpg", "^truncated image"),
    (lambda path: makeBombPng(path), "bomb.png", "^decompression bomb: .*400,000,000 pixels"),
    (lambda path: makeBombGif(path), "bomb.gif", "^decompression bomb: .*400,000,000 pixels"),
    (lambda path: makeRandomBytes(path), "noise.jpg", "^not an image"),
    (lambda path: makeEmptyFile(path), "empty.jpg", r"^empty file \(0 bytes\)"),
    (lambda path: makeBombPng(path, 0, 0), "zero.png", "^not an image"),
    (lambda path: path.write_text("%PDF-1.7 not an image"), "doc.jpg", "^not an image"),
])
def test_a_bad_source_is_refused_with_a_reason_and_nothing_written(
        tmp_path: Path, maker: Callable[[Path], Path], name: str, reason: str) -> None:
    source = tmp_path / name
    maker(source)
    outdir = _outdir(tmp_path)
    with pytest.raises(Refused, match=reason):
        transcode(source, outdir, SMALL)
    assert list(outdir.iterdir()) == []


def test_the_bomb_fixtures_are_small_files(tmp_path: Path) -> None:
    assert makeBombPng(tmp_path / "bomb.png").stat().st_size < 100
    assert makeBombGif(tmp_path / "bomb.gif").stat().st_size < 100


def test_more_pixels_than_max_pixels_is_refused_from_the_header(tmp_path: Path) -> None:
    source = makePhoto(tmp_path / "photo.png", size=(200, 150))
    settings = replace(SMALL, max_pixels=29_999)
    with pytest.raises(Refused, match=r"^decompression bomb: the image is 200 x 150 = "
                                      r"30,000 pixels, more than the 29,999 allowed"):
        transcode(source, _outdir(tmp_path), settings)
    with pytest.raises(Refused, match="^decompression bomb"):
        probe(source, maxPixels=29_999)
    assert probe(source, maxPixels=30_000)["width"] == 200


def test_an_animation_with_too_many_pixels_in_all_is_refused(tmp_path: Path) -> None:
    source = makeAnimatedGif(tmp_path / "anim.gif", size=(120, 80))      # 3 x 9,600 pixels
    with pytest.raises(Refused, match=r"^animation too large: 3 frames of 120 x 80 = "
                                      r"28,800 pixels, more than the 20,000 allowed"):
        transcode(source, _outdir(tmp_path), replace(SMALL, max_pixels=20_000))
    result = transcode(source, _outdir(tmp_path, "enough"), replace(SMALL, max_pixels=28_800))
    assert result.info["frames"] == 3


def test_pillows_own_bomb_warning_does_not_escape(tmp_path: Path) -> None:
    # 10000 x 9000 is over Pillow's warning threshold (89.5 megapixels) but
    # under our max_pixels: Pillow's warning must not turn into a refusal (nor
    # escape: warnings are errors here). The file then runs out of data.
    source = makeBombPng(tmp_path / "big.png", 10_000, 9_000)
    with pytest.raises(Refused, match="^truncated image"):
        transcode(source, _outdir(tmp_path), replace(SMALL, max_pixels=100_000_000))


def test_probe_reads_the_header_only(tmp_path: Path) -> None:
    assert probe(makeJpegWithOrientation(tmp_path / "camera.jpg")) == {
        "width": 200, "height": 400, "format": "JPEG", "mode": "RGB", "frames": 1,
        "animated": False, "had_alpha": False, "icc": False, "orientation": 6}
    facts = probe(makeAnimatedGif(tmp_path / "anim.gif"))
    assert (facts["format"], facts["frames"], facts["animated"]) == ("GIF", 3, True)
    with pytest.raises(Refused, match="^decompression bomb"):
        probe(makeBombPng(tmp_path / "bomb.png"))


# -- awkward names ------------------------------------------------------------------------

def test_awkward_file_and_folder_names_work(tmp_path: Path) -> None:
    folder = tmp_path / awkwardName("")
    folder.mkdir()
    photo = makeJpegWithOrientation(folder / awkwardName(".jpg"))
    animation = makeAnimatedGif(folder / awkwardName(".gif"))
    for source in (photo, animation):
        outdir = folder / ("-" + awkwardName(f" out{source.suffix}"))
        outdir.mkdir()
        result = transcode(source, outdir, replace(SMALL, animated="mp4"))
        for rendition in result.renditions:
            assert (outdir / rendition.path).stat().st_size == rendition.bytes > 0
        assert ("animation.mp4" in {r.path for r in result.renditions}) == (source is animation)


# -- fuzzing -------------------------------------------------------------------------------

def _seedFiles() -> dict[str, bytes]:
    """Small valid files of each kind, to mutate."""
    seeds = {}
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        for name, maker in (("a.jpg", lambda path: makeJpegWithOrientation(path, 6, (40, 20))),
                            ("a.png", lambda path: makePngWithAlpha(path, (30, 20))),
                            ("a.gif", lambda path: makeAnimatedGif(path, size=(20, 10))),
                            ("a.webp", lambda path: makeAnimatedWebp(path, size=(20, 10)))):
            seeds[name] = maker(base / name).read_bytes()
    return seeds


SEEDS = _seedFiles()
FUZZ_SETTINGS = ImageSettings(sizes={"large": 16}, squares={"icon": 8}, max_pixels=250_000)


def _transcodeIsolated(name: str, data: bytes) -> None:
    """transcode ``data`` as a file called ``name``: an ItemResult or a
    Refused, nothing else, and nothing written outside its outdir."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "in").mkdir()
        source = root / "in" / name
        source.write_bytes(data)
        outdir = root / "out"
        outdir.mkdir()
        try:
            result = transcode(source, outdir, FUZZ_SETTINGS)
        except Refused as refusal:
            assert refusal.reason
        else:
            assert isinstance(result, ItemResult)
            for rendition in result.renditions:
                assert (outdir / rendition.path).is_file()
        assert {path for path in root.rglob("*") if outdir not in path.parents} == {
            root / "in", source, outdir}
        assert source.read_bytes() == data


@hypothesisSettings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000), st.sampled_from(["x.jpg", "x.png", "x.gif", "x.webp", "x"]))
def test_fuzz_random_bytes_are_transcoded_or_refused(data: bytes, name: str) -> None:
    _transcodeIsolated(name, data)


@hypothesisSettings(max_examples=120, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(SEEDS)), st.lists(st.tuples(st.floats(0, 1), st.integers(0, 255)),
                                                max_size=8),
       st.floats(0.05, 1.0))
def test_fuzz_mutated_images_are_transcoded_or_refused(
        name: str, changes: list[tuple[float, int]], keep: float) -> None:
    data = bytearray(SEEDS[name])
    for where, value in changes:
        data[min(len(data) - 1, int(where * len(data)))] = value
    _transcodeIsolated(name, bytes(data[:max(1, int(len(data) * keep))]))


def test_the_fuzz_seeds_are_valid_images() -> None:
    for name, data in SEEDS.items():
        with Image.open(io.BytesIO(data)) as picture:
            picture.load()
            assert picture.format in ("JPEG", "PNG", "GIF", "WEBP"), name
