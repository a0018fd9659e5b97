"""Kamaelia.Apps.Transcoder.images: web renditions of a photo, a drawing or an animation.

Example Usage
-------------
::

    import tempfile
    from pathlib import Path

    from PIL import Image

    from Kamaelia.Apps.Transcoder.config import ImageSettings
    from Kamaelia.Apps.Transcoder.images import probe, transcode

    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "photo.jpg"
        Image.new("RGB", (1200, 900), "teal").save(source)
        print(probe(source)["width"])                   # 1200
        outdir = Path(folder) / "out"
        outdir.mkdir()
        settings = ImageSettings(sizes={"large": 626, "thumb": 146},
                                 squares={"icon": 40}, formats=("jpeg", "webp"))
        result = transcode(source, outdir, settings)
        for rendition in result.renditions:
            print(rendition.path, rendition.width, rendition.height)
        # large.jpg 626 470, large.webp 626 470, thumb.jpg 146 110, thumb.webp 146 110,
        # icon.jpg 40 40, icon.webp 40 40

How does it work?
-----------------
``transcode(source, outdir, settings, progress)`` reads the image with
Pillow and writes, for each ``settings.sizes`` name -> width, the image
scaled to that width (its aspect kept; never enlarged: a narrower source
keeps its own width), and for each ``settings.squares`` name -> side a
*centred* square crop scaled to ``side`` x ``side`` (1.14 cropped from the
top left corner; a centred crop keeps the subject of most photographs; a
source smaller than ``side`` is not enlarged either). Each is written in
every format of ``settings.formats``, as ``NAME.jpg``, ``NAME.webp``,
``NAME.avif`` in ``outdir``, at the quality the settings give. AVIF is
left out, and ``info["skipped_formats"]`` says so, where Pillow cannot
write it (``PIL.features.check("avif")``).

On the way every picture is made fit for a web page:

* the EXIF orientation (or XMP ``tiff:Orientation``) is applied to the
  pixels, as ``ImageOps.exif_transpose`` does (the same table, here applied
  to every frame of an animation too);
* colours are converted to sRGB with LittleCMS (``ImageCms``) when the
  image carries an ICC profile, whatever the profile (an sRGB profile
  costs one cheap transform of an already reduced picture, which is
  simpler and surer than guessing from its name); a CMYK JPEG becomes RGB
  through its profile, or Pillow's plain conversion when it has none. A
  profile that LittleCMS rejects, or that does not fit the image's colour
  space, is ignored and noted in ``info["icc_ignored"]``. The outputs carry
  no ICC profile: untagged images are sRGB on the web;
* with ``settings.strip_metadata`` (the default) nothing else is kept: no
  EXIF, XMP or comments. Without it, the EXIF is kept, minus the
  orientation that has been applied;
* transparency is kept in WebP, AVIF and GIF and flattened onto white in
  JPEG. An alpha channel that is opaque everywhere is dropped.

Speed: the benchmark is a folder of 12-megapixel camera JPEGs, so a JPEG
is *drafted*: libjpeg decodes it at 1/2, 1/4 or 1/8 scale, the smallest
that leaves at least twice the largest output's size (Pillow's own
``thumbnail`` keeps the same margin). Other sources larger than three times
what is needed are first reduced by a whole factor (``Image.reduce``, a box
filter). Then the outputs are made largest first, each with Lanczos from
the smallest picture already made that is at least twice its size (the
reduced source, or a larger output), which gives what resampling the
full image would, for a fraction of the work. Colours are converted once,
on the reduced source.

Animations (an animated GIF, WebP, PNG or AVIF) keep their frames, the
frames' durations and the loop count: every size and square is also
written as an animated ``NAME.gif`` and, in the formats asked for, an
animated ``NAME.webp`` and ``NAME.avif``; ``NAME.jpg`` is the first frame
(``extra["still"]``). Frames are decoded one at a time and only their
renditions are kept; ``settings.max_pixels`` bounds an animation's pixels
summed over its frames, which bounds its time and memory too. Delays of
10 ms or less become 100 ms, as browsers show them. With
``settings.animated == "mp4"`` the animation is also made into
``animation.mp4`` (H.264, yuv420p, even dimensions, ``+faststart``, at the
largest size), by piping raw frames into ffmpeg (run with an argument
list, ``-nostdin``) at a constant frame rate (at most 50 a second) whose
frame time divides the delays, repeating frames to make each delay up. Its
rendition is ``kind="video"``, ``format="mp4"``.

What is refused (:class:`~Kamaelia.Apps.Transcoder.renditions.Refused`,
with a reason): an empty file; a file that is not an image of a format in
:data:`READABLE_FORMATS` (JPEG, PNG, GIF, WebP, AVIF, TIFF, BMP; a camera's
MPO counts as JPEG); an image with no pixels; a decompression bomb, whose
width x height (read from the header, before any pixel is decoded) is over
``settings.max_pixels`` (for an animation: its frames together) -- Pillow
also refuses, before we can, anything over twice its
``Image.MAX_IMAGE_PIXELS`` (about 179 megapixels), which is refused the
same way; a truncated or corrupt file (Pillow raises when the data runs
out: ``ImageFile.LOAD_TRUNCATED_IMAGES`` must stay false); a colour mode
that cannot be made RGB. With ``animated == "mp4"``, an ffmpeg that cannot
be run, or fails, refuses the item with what it said.

Rules
-----
* Reads ``source``, writes only ``outdir``: every file name is a setting's
  name plus an extension (the settings refuse names with ``/``), and the
  source's name is never used for an output.
* Pillow's warnings (corrupt EXIF, its own decompression-bomb warning,
  which :attr:`ImageSettings.max_pixels` replaces) are caught while the
  image is read and put in ``info["warnings"]``, so the result is the same
  whatever the warning filters say; other warnings pass through. Python's
  warning filters are process-wide and ``warnings.catch_warnings`` is not
  thread-safe, so transcode one image at a time per process (the job
  runner's workers are processes).
* :func:`probe`, :func:`plan` and :func:`writableFormats` are pure
  helpers: the facts of a source, read from its header; the renditions
  its size leads to; the formats this Pillow can write.

Not done: vector formats (SVG), HEIC (Pillow needs a plugin), PDFs (see
:mod:`Kamaelia.Apps.Transcoder.pdf`) and video (see
:mod:`Kamaelia.Apps.Transcoder.video`).
"""

from __future__ import annotations

import logging
import math
import os
import re
import subprocess
import threading
import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from typing import IO, Any, Callable, Iterator, Sequence, cast

from PIL import Image, ImageCms, ImageFile, UnidentifiedImageError, features

from Kamaelia.Apps.Transcoder.config import ImageSettings
from Kamaelia.Apps.Transcoder.renditions import (ItemResult, Progress, Refused, Rendition,
                                                 noProgress)

__all__ = ["transcode", "probe", "plan", "writableFormats", "Target", "READABLE_FORMATS",
           "EXTENSIONS"]

log = logging.getLogger("Kamaelia.Apps.Transcoder.images")

#: The formats accepted as sources, by Pillow's names. Others Pillow can
#: read (TGA, PCX, ICO, EPS...) are left out: several have no signature to
#: recognise them by, so random bytes could pass for one. (A camera's MPO
#: is opened as a JPEG, which Pillow then reports as "MPO".)
READABLE_FORMATS = ("JPEG", "PNG", "GIF", "WEBP", "AVIF", "TIFF", "BMP")
#: Formats that can hold an animation.
ANIMATED_FORMATS = frozenset({"GIF", "WEBP", "PNG", "AVIF"})
#: Output format -> file extension.
EXTENSIONS = {"jpeg": ".jpg", "webp": ".webp", "avif": ".avif", "gif": ".gif"}

# AVIF encoding speed (libavif's 0-10). Measured on a detailed 626 x 470
# picture at quality 60: speed 6 (Pillow's default) ~280 ms, 8 ~230 ms, 9
# ~40 ms for a file 15% larger than at 8 and still a quarter smaller than
# the WebP at quality 80. AVIF would otherwise be most of a folder's time.
AVIF_SPEED = 9
# Margins (how much larger than an output the picture it is made from must be).
DRAFT_MARGIN = 2.0      # as Image.thumbnail's reducing_gap
REDUCE_MARGIN = 3.0     # a box reduce this far ahead is indistinguishable from Lanczos
DERIVE_MARGIN = 2.0     # an output made from one at least this much larger
# Browsers show a GIF frame delay of 10 ms or less as 100 ms.
SHORTEST_DELAY_MS = 10
DEFAULT_DELAY_MS = 100
# The MP4's frame rate is at most this (frames are repeated to make up delays).
MP4_FASTEST_FRAME_MS = 20

_EXIF_ORIENTATION = 0x0112
# EXIF orientation -> the transpose that shows it upright (ImageOps.exif_transpose's table).
_ORIENT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_QUARTER_TURNS = frozenset({5, 6, 7, 8})


@dataclass(frozen=True)
class Target:
    """One picture to make: ``name`` (a setting's name), its exact size, and
    whether it is a centred square crop."""

    name: str
    width: int
    height: int
    square: bool = False


# -- reading --------------------------------------------------------------------

class _Warnings:
    """Collects Pillow's warnings while a source is read (see the Rules)."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    @contextmanager
    def catching(self) -> Iterator[None]:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                yield
            finally:
                pillow = os.path.dirname(Image.__file__)
                for warning in caught:
                    if warning.filename.startswith(pillow):
                        if not issubclass(warning.category, Image.DecompressionBombWarning):
                            self.messages.append(str(warning.message))
                    else:
                        warnings.warn_explicit(warning.message, warning.category,
                                               warning.filename, warning.lineno,
                                               source=warning.source)


@contextmanager
def _reading(maxPixels: int | None) -> Iterator[None]:
    """Turns whatever Pillow raises on bad data into a :class:`Refused`.

    Pillow's plugins raise many kinds of exception for malformed input
    (OSError, SyntaxError, ValueError, EOFError, struct.error, IndexError,
    ...), and which ones is not documented, so all are caught here, around
    the code that parses the source and no other.
    """
    try:
        yield
    except Refused:
        raise
    except FileNotFoundError as exc:
        raise Refused(f"cannot read the file: {exc.strerror}") from exc
    except PermissionError as exc:
        raise Refused(f"cannot read the file: {exc.strerror}") from exc
    except UnidentifiedImageError as exc:
        raise Refused("not an image, or a damaged one: Pillow cannot read it as any of "
                      + ", ".join(READABLE_FORMATS)) from exc
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        found = re.search(r"\((\d+) pixels\)", str(exc))
        pixels = f"{int(found.group(1)):,} pixels" if found else "too many pixels"
        raise Refused(f"decompression bomb: the image has {pixels}, more than the "
                      f"{_pixelLimit(maxPixels):,} allowed") from exc
    except OSError as exc:
        if "truncated" in str(exc):
            raise Refused(f"truncated image: {exc}") from exc
        raise Refused(f"corrupt image: {exc}") from exc
    except MemoryError as exc:
        raise Refused("the image is too large to decode") from exc
    except Exception as exc:
        raise Refused(f"corrupt image ({type(exc).__name__}: {exc})") from exc


def _pixelLimit(maxPixels: int | None) -> int:
    """The most pixels allowed: ``maxPixels``, and no more than Pillow's own hard limit."""
    pillow = 2 * Image.MAX_IMAGE_PIXELS if Image.MAX_IMAGE_PIXELS else None
    limits = [limit for limit in (maxPixels, pillow) if limit]
    return min(limits) if limits else 0


def _openImage(source: Path) -> ImageFile.ImageFile:
    if source.stat().st_size == 0:
        raise Refused("empty file (0 bytes)")
    # (Image.open() checks the size against its own limit before returning.)
    image = Image.open(source, formats=READABLE_FORMATS)
    return image


def _orientation(image: Image.Image) -> int:
    value = image.getexif().get(_EXIF_ORIENTATION, 1)
    return value if isinstance(value, int) and value in range(1, 9) else 1


def _hasAlpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info


def _frames(image: Image.Image) -> int:
    return int(getattr(image, "n_frames", 1) or 1)


def _isAnimated(image: Image.Image) -> bool:
    # A camera's MPO holds a second picture (a preview), a TIFF pages: not animations.
    return image.format in ANIMATED_FORMATS and _frames(image) > 1


def _facts(image: Image.Image, maxPixels: int | None) -> dict[str, Any]:
    width, height = image.size
    if width <= 0 or height <= 0:
        raise Refused(f"the image has no pixels ({width} x {height})")
    if maxPixels is not None and width * height > maxPixels:
        raise Refused(f"decompression bomb: the image is {width} x {height} = "
                      f"{width * height:,} pixels, more than the {maxPixels:,} allowed")
    animated = _isAnimated(image)
    frames = _frames(image) if animated else 1
    if maxPixels is not None and animated and width * height * frames > maxPixels:
        raise Refused(f"animation too large: {frames} frames of {width} x {height} = "
                      f"{width * height * frames:,} pixels, more than the {maxPixels:,} "
                      "allowed")
    orientation = _orientation(image)
    if orientation in _QUARTER_TURNS:
        width, height = height, width
    return {"width": width, "height": height, "format": image.format, "mode": image.mode,
            "frames": frames, "animated": animated,
            "had_alpha": _hasAlpha(image), "icc": bool(image.info.get("icc_profile")),
            "orientation": orientation}


def probe(source: Path, maxPixels: int | None = None) -> dict[str, Any]:
    """The facts of the image at ``source``, read from its header (no pixel
    is decoded): ``width`` and ``height`` (as shown, after the EXIF
    orientation), ``format`` (Pillow's name), ``mode``, ``frames``,
    ``animated``, ``had_alpha``, ``icc`` (it carries a profile) and
    ``orientation`` (the EXIF value, 1 when there is none).

    Raises :class:`Refused` for a file that is empty, not a readable image,
    has no pixels, or has more than ``maxPixels`` pixels.
    """
    found = _Warnings()
    with found.catching(), _reading(maxPixels), _openImage(source) as image:
        return _facts(image, maxPixels)


def plan(width: int, height: int, settings: ImageSettings) -> list[Target]:
    """The pictures a ``width`` x ``height`` source (as shown) leads to: the
    sizes, then the squares, in the settings' order. A size is never wider
    than the source, a square never larger than its shorter side."""
    targets = []
    for name, wanted in settings.sizes.items():
        size = min(wanted, width)
        targets.append(Target(name, size, max(1, round(height * size / width))))
    for name, side in settings.squares.items():
        size = min(side, width, height)
        targets.append(Target(name, size, size, square=True))
    return targets


# -- pixels -----------------------------------------------------------------------

@lru_cache(maxsize=1)
def _sRGB() -> ImageCms.ImageCmsProfile:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


class _Colours:
    """Makes a picture RGB (or RGBA) in sRGB, building the ICC transform once
    (an animation's frames share it)."""

    def __init__(self, icc: bytes | None) -> None:
        self.icc = icc
        self.ignored: str | None = None
        self._transforms: dict[str, ImageCms.ImageCmsTransform | None] = {}

    def _transform(self, mode: str) -> ImageCms.ImageCmsTransform | None:
        if mode not in self._transforms:
            transform = None
            if self.icc and self.ignored is None:
                try:
                    profile = ImageCms.ImageCmsProfile(BytesIO(self.icc))
                    transform = ImageCms.buildTransform(profile, _sRGB(), mode, "RGB")
                except (ImageCms.PyCMSError, OSError, ValueError, TypeError) as exc:
                    self.ignored = str(exc) or type(exc).__name__
            self._transforms[mode] = transform
        return self._transforms[mode]

    def toSRGB(self, picture: Image.Image) -> Image.Image:
        """``picture`` (L, LA, RGB, RGBA or CMYK) as sRGB RGB or RGBA."""
        alpha = picture.getchannel("A") if picture.mode in ("LA", "RGBA") else None
        colour = picture.convert(picture.mode[:-1]) if alpha is not None else picture
        transform = self._transform(colour.mode)
        if transform is not None:
            converted = ImageCms.applyTransform(colour, transform)
            assert converted is not None      # (only None when done in place)
            colour = converted
        else:
            colour = colour.convert("RGB")
        if alpha is not None and alpha.getextrema() != (255, 255):
            colour.putalpha(alpha)
        colour.info = {}
        return colour


def _normalMode(picture: Image.Image) -> Image.Image:
    """``picture`` in one of L, LA, RGB, RGBA or CMYK (the modes that ICC
    transforms and Image.reduce both take)."""
    mode = picture.mode
    if mode in ("L", "LA", "RGB", "RGBA", "CMYK"):
        return picture
    if mode in ("P", "PA"):
        return picture.convert("RGBA" if _hasAlpha(picture) else "RGB")
    if mode == "1":
        return picture.convert("L")
    if mode.startswith("I;16") or mode in ("I", "F"):
        # 16-bit (or wider) grey: keep the top 8 of 16 bits, which
        # convert("L") would clip instead.
        wide = picture.convert("I") if mode.startswith("I;16") else picture
        return wide.point(lambda value: value / 256).convert("L")
    if mode in ("RGBa", "La"):
        return picture.convert(mode[:-1] + "A")
    if "transparency" in picture.info:
        return picture.convert("RGBA")
    return picture.convert("RGB")   # RGBX, YCbCr, LAB, HSV (a ValueError if it cannot)


def _neededFraction(width: int, height: int, targets: Sequence[Target]) -> float:
    """How large, as a fraction of a ``width`` x ``height`` picture, the
    largest output is (1.0: full size)."""
    needed = 0.0
    for target in targets:
        across = min(width, height) if target.square else width
        needed = max(needed, target.width / across)
    return min(1.0, needed)


def _prepare(picture: Image.Image, orientation: int, targets: Sequence[Target],
             colours: _Colours) -> Image.Image:
    """A decoded picture (or frame) upright, reduced to what the outputs
    need, and in sRGB."""
    picture = _normalMode(picture)
    if orientation in _ORIENT:
        picture = picture.transpose(_ORIENT[orientation])
    fraction = _neededFraction(picture.width, picture.height, targets)
    factor = int(1 / (fraction * REDUCE_MARGIN)) if fraction > 0 else 1
    if factor >= 2:
        picture = picture.reduce(factor)
    return colours.toSRGB(picture)


def _render(pool: list[Image.Image], target: Target) -> Image.Image:
    """``target`` made with Lanczos from the smallest picture in ``pool``
    (the source first, then larger outputs) that is ``DERIVE_MARGIN`` times
    its size, or else from the source."""
    def across(picture: Image.Image) -> int:
        return min(picture.size) if target.square else picture.width

    roomy = [picture for picture in pool if across(picture) >= DERIVE_MARGIN * target.width]
    origin = min(roomy, key=across) if roomy else pool[0]
    width, height = origin.size
    if target.square:
        side = min(width, height)
        box = ((width - side) / 2, (height - side) / 2, (width + side) / 2, (height + side) / 2)
    else:
        box = (0, 0, width, height)
    if (target.width, target.height) == origin.size and box == (0, 0, width, height):
        return origin.copy()
    return origin.resize((target.width, target.height), Image.Resampling.LANCZOS, box=box)


def _renderAll(base: Image.Image, targets: Sequence[Target]) -> dict[Target, Image.Image]:
    pool = [base]
    made = {}
    for target in sorted(targets, key=lambda target: -target.width):
        made[target] = _render(pool, target)
        if not target.square:
            pool.append(made[target])
    return made


def _flattened(picture: Image.Image) -> Image.Image:
    if picture.mode != "RGBA":
        return picture
    white = Image.new("RGB", picture.size, (255, 255, 255))
    white.paste(picture, mask=picture.getchannel("A"))
    return white


# -- writing ----------------------------------------------------------------------

def _encoderOptions(format: str, settings: ImageSettings, exif: bytes | None) -> dict[str, Any]:
    options: dict[str, Any]
    if format == "jpeg":
        options = {"quality": settings.jpeg_quality, "optimize": True}
    elif format == "webp":
        options = {"quality": settings.webp_quality}
    elif format == "avif":
        options = {"quality": settings.avif_quality, "speed": AVIF_SPEED}
    else:
        options = {}
    if exif and format != "gif":
        options["exif"] = exif
    return options


def _saveStill(picture: Image.Image, path: Path, format: str, settings: ImageSettings,
               exif: bytes | None) -> None:
    if format == "jpeg":
        picture = _flattened(picture)
    picture.save(path, format.upper(), **_encoderOptions(format, settings, exif))


def _saveAnimation(frames: list[Image.Image], delays: list[int], loop: int | None,
                   path: Path, format: str, settings: ImageSettings,
                   exif: bytes | None) -> None:
    options = _encoderOptions(format, settings, exif)
    if format == "gif":
        # Every frame is whole (Pillow composites them as it reads): each
        # replaces the last, so transparent parts do not show the one before.
        options["disposal"] = 2
        if loop is not None:
            options["loop"] = loop
    elif format == "webp":
        options["loop"] = 1 if loop is None else loop     # (a GIF without a loop plays once)
    frames[0].save(path, format.upper(), save_all=True, append_images=frames[1:],
                   duration=delays, **options)


def _rendition(outdir: Path, target: Target, format: str, **extra: Any) -> Rendition:
    name = target.name + EXTENSIONS[format]
    if target.square:
        extra["square"] = True
    return Rendition(name=target.name, path=name, kind="image", format=format,
                     width=target.width, height=target.height,
                     bytes=(outdir / name).stat().st_size, extra=extra)


def writableFormats(formats: Sequence[str],
                    available: Callable[[str], bool | None] = features.check,
                    ) -> tuple[list[str], list[str]]:
    """(the ``formats`` to write, the ones skipped because this Pillow cannot
    write them): AVIF needs Pillow built with libavif (``available("avif")``)."""
    writable, skipped = [], []
    for format in formats:
        if format == "avif" and not available("avif"):
            skipped.append(format)
        else:
            writable.append(format)
    return writable, skipped


def _exifToKeep(image: Image.Image, settings: ImageSettings) -> bytes | None:
    if settings.strip_metadata:
        return None
    exif = image.getexif()
    if _EXIF_ORIENTATION in exif:
        del exif[_EXIF_ORIENTATION]
    return exif.tobytes() if len(exif) else None


def _stills(image: ImageFile.ImageFile, facts: dict[str, Any], targets: Sequence[Target],
            read: _Reader) -> dict[Target, Image.Image]:
    """Every target, from one decode of the source."""
    with read():
        fraction = _neededFraction(facts["width"], facts["height"], targets)
        if image.format in ("JPEG", "MPO") and 0 < fraction * DRAFT_MARGIN < 1:
            width, height = image.size
            image.draft(None, (math.ceil(width * fraction * DRAFT_MARGIN),
                               math.ceil(height * fraction * DRAFT_MARGIN)))
        image.load()
        base = _prepare(image, facts["orientation"], targets, read.colours)
    return _renderAll(base, targets)


def _animation(image: ImageFile.ImageFile, facts: dict[str, Any], targets: Sequence[Target],
               read: _Reader) -> tuple[dict[Target, list[Image.Image]], list[int]]:
    """Every target as a list of frames, and the frames' delays in ms."""
    made: dict[Target, list[Image.Image]] = {target: [] for target in targets}
    delays = []
    with read():
        for index in range(facts["frames"]):
            image.seek(index)
            # (convert() loads the frame, which Pillow composites on the ones
            # before; WebP and AVIF only know a frame's duration once it is loaded.)
            frame = _prepare(image.convert("RGBA"), facts["orientation"], targets,
                             read.colours)
            delay = image.info.get("duration")
            delays.append(int(delay) if isinstance(delay, (int, float))
                          and delay > SHORTEST_DELAY_MS else DEFAULT_DELAY_MS)
            for target, picture in _renderAll(frame, targets).items():
                made[target].append(picture)
    # An animation is transparent if any of its frames is: then all are RGBA.
    for target, frames in made.items():
        if any(frame.mode == "RGBA" for frame in frames):
            made[target] = [frame.convert("RGBA") for frame in frames]
    return made, delays


def _movieTarget(facts: dict[str, Any], settings: ImageSettings) -> Target:
    """The MP4's size: the largest size's (or the source's) with both sides even."""
    width = min(max(settings.sizes.values(), default=facts["width"]), facts["width"])
    width = max(2, width - width % 2)
    height = max(2, round(facts["height"] * width / facts["width"]))
    return Target("animation", width, height - height % 2)


def _makeMp4(frames: list[Image.Image], delays: list[int], path: Path, ffmpeg: str) -> float:
    """Writes ``frames`` (all one size, even) as an H.264 MP4 at ``path``;
    returns its duration in seconds."""
    # A constant frame rate whose frame time divides every delay (repeating
    # frames to make them up), but no faster than MP4_FASTEST_FRAME_MS.
    step = max(MP4_FASTEST_FRAME_MS, math.gcd(*delays))
    repeats = [max(1, round(delay / step)) for delay in delays]
    width, height = frames[0].size
    command = [ffmpeg, "-nostdin", "-y", "-loglevel", "error",
               "-f", "rawvideo", "-pix_fmt", "rgb24", "-video_size", f"{width}x{height}",
               "-framerate", f"1000/{step}", "-i", "pipe:0", "-an",
               "-c:v", "libx264", "-preset", "veryfast", "-crf", "23",
               "-pix_fmt", "yuv420p", "-movflags", "+faststart",
               "file:" + os.fspath(path.absolute())]
    try:
        process = subprocess.Popen(command, stdin=subprocess.PIPE,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    except OSError as exc:
        raise Refused(f"cannot run {ffmpeg!r} to make animation.mp4 ({exc.strerror}); "
                      "install ffmpeg, or set image.animated = 'keep'") from exc
    stdin, stderr = cast(IO[bytes], process.stdin), cast(IO[bytes], process.stderr)
    errors: list[bytes] = []
    # (ffmpeg's errors are read as they come, so that a chatty ffmpeg cannot
    # block on a full pipe while we block writing frames to it.)
    reader = threading.Thread(target=lambda: errors.append(stderr.read()), daemon=True)
    reader.start()
    try:
        for frame, count in zip(frames, repeats):
            data = _flattened(frame).convert("RGB").tobytes()
            for _ in range(count):
                stdin.write(data)
    except BrokenPipeError:
        pass                      # ffmpeg stopped early: its exit status says why
    finally:
        try:
            stdin.close()
        except BrokenPipeError:
            pass
        process.wait()
        reader.join()
        stderr.close()
    if process.returncode != 0 or not path.exists():
        message = b"".join(errors).decode("utf-8", "replace").strip()
        raise Refused(f"ffmpeg could not make animation.mp4 (exit status "
                      f"{process.returncode}): {message[-500:]}")
    return sum(repeats) * step / 1000


class _Reader:
    """``with read():`` parses the source: Pillow's warnings collected, its
    errors made :class:`Refused`. Also carries the colour converter."""

    def __init__(self, settings: ImageSettings) -> None:
        self.maxPixels = settings.max_pixels
        self.warnings = _Warnings()
        self.colours = _Colours(None)

    @contextmanager
    def __call__(self) -> Iterator[None]:
        with self.warnings.catching(), _reading(self.maxPixels):
            yield


def _writeStills(image: ImageFile.ImageFile, facts: dict[str, Any], targets: list[Target],
                 formats: list[str], exif: bytes | None, read: _Reader, outdir: Path,
                 settings: ImageSettings, progress: Progress, result: ItemResult) -> None:
    pictures = _stills(image, facts, targets, read)
    for done, target in enumerate(targets, start=1):
        for format in formats:
            _saveStill(pictures[target], outdir / (target.name + EXTENSIONS[format]),
                       format, settings, exif)
            result.renditions.append(_rendition(outdir, target, format))
        progress(target.name, done / len(targets))


def _writeAnimations(image: ImageFile.ImageFile, facts: dict[str, Any],
                     targets: list[Target], formats: list[str], exif: bytes | None,
                     read: _Reader, outdir: Path, settings: ImageSettings,
                     progress: Progress, result: ItemResult, ffmpeg: str) -> None:
    loop = image.info.get("loop")
    loop = loop if isinstance(loop, int) else None
    movie = _movieTarget(facts, settings) if settings.animated == "mp4" else None
    animations, delays = _animation(image, facts, [*targets, *([movie] if movie else [])],
                                    read)
    duration = sum(delays) / 1000
    result.info["duration"] = duration
    steps = len(targets) + (1 if movie else 0)
    for done, target in enumerate(targets, start=1):
        frames = animations[target]
        if "jpeg" in formats:
            _saveStill(frames[0], outdir / (target.name + ".jpg"), "jpeg", settings, exif)
            result.renditions.append(_rendition(outdir, target, "jpeg", still=True))
        # GIF always: the animated format every browser and mail reader shows.
        for format in ["gif", *[name for name in formats if name != "jpeg"]]:
            _saveAnimation(frames, delays, loop, outdir / (target.name + EXTENSIONS[format]),
                           format, settings, exif)
            rendition = _rendition(outdir, target, format, frames=len(frames))
            rendition.duration = duration
            result.renditions.append(rendition)
        progress(target.name, done / steps)
    if movie is not None:
        path = outdir / "animation.mp4"
        seconds = _makeMp4(animations[movie], delays, path, ffmpeg)
        result.renditions.append(Rendition(
            name="animation", path=path.name, kind="video", format="mp4",
            width=movie.width, height=movie.height, duration=seconds,
            bytes=path.stat().st_size, extra={"frames": len(delays), "codec": "h264"}))
        progress("animation", 1.0)


def transcode(source: Path, outdir: Path, settings: ImageSettings,
              progress: Progress = noProgress, ffmpeg: str = "ffmpeg") -> ItemResult:
    """Writes the web renditions of the image ``source`` into ``outdir`` (see
    the module's docstring) and returns what it made. Raises
    :class:`Refused` for a source it cannot (or must not) transcode."""
    source, outdir = Path(source), Path(outdir)
    read = _Reader(settings)
    with read():
        image = _openImage(source)
    with image:
        with read():
            facts = _facts(image, settings.max_pixels)
            icc = image.info.get("icc_profile")
            read.colours = _Colours(icc if isinstance(icc, bytes) and icc else None)
            exif = _exifToKeep(image, settings)
        formats, skipped = writableFormats(settings.formats)
        targets = plan(facts["width"], facts["height"], settings)
        result = ItemResult(kind="image", info={key: value for key, value in facts.items()
                                                if key != "animated"})
        if facts["animated"]:
            _writeAnimations(image, facts, targets, formats, exif, read, outdir, settings,
                             progress, result, ffmpeg)
        else:
            _writeStills(image, facts, targets, formats, exif, read, outdir, settings,
                         progress, result)
    if skipped:
        result.info["skipped_formats"] = skipped
    if read.colours.ignored is not None:
        result.info["icc_ignored"] = read.colours.ignored
    if read.warnings.messages:
        result.info["warnings"] = sorted(set(read.warnings.messages))
        log.debug("%s: Pillow warned: %s", source.name, "; ".join(result.info["warnings"]))
    return result
