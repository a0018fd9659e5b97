"""Images and PDFs made at test time for the transcoder's tests (not a test file).

Each ``make...(path, ...)`` writes one source file at ``path`` and returns
``path``; the integration tests import them too. Everything is generated
with Pillow and PyMuPDF, small and fast, except :func:`makeBombPng` and
:func:`makeBombGif`, which are a few dozen bytes that *claim* to be huge.

Colours are chosen so that a test can tell by a few pixels whether
orientation, colour conversion and cropping were done.
"""

from __future__ import annotations

import io
import itertools
import os
import random
import struct
import zlib
from pathlib import Path
from typing import Sequence

from PIL import Image, ImageCms, ImageDraw

Colour = tuple[int, int, int]

RED: Colour = (220, 30, 30)
GREEN: Colour = (30, 180, 40)
BLUE: Colour = (30, 50, 210)
ANIMATION_COLOURS: tuple[Colour, ...] = (RED, GREEN, BLUE)


def makeJpegWithOrientation(path: Path, orientation: int = 6,
                            size: tuple[int, int] = (400, 200)) -> Path:
    """A JPEG whose stored pixels are RED in the left half and BLUE in the
    right, with EXIF ``orientation`` (and a camera make, model and date, an
    XMP packet and a comment, for the metadata tests).

    Shown upright with orientation 6 (turn 90 degrees clockwise) it is
    portrait, RED on top and BLUE below.
    """
    width, height = size
    picture = Image.new("RGB", size, BLUE)
    ImageDraw.Draw(picture).rectangle((0, 0, width // 2 - 1, height - 1), fill=RED)
    exif = Image.Exif()
    exif[0x0112] = orientation           # Orientation
    exif[0x010F] = "Kamaelia Camera Co"  # Make
    exif[0x0110] = "Test Model"          # Model
    exif[0x0132] = "2026:01:02 03:04:05"  # DateTime
    xmp = (b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999'
           b'/02/22-rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"'
           b'><dc:creator>Someone Private</dc:creator></rdf:Description></rdf:RDF></x:xmpmeta>')
    picture.save(path, "JPEG", quality=95, exif=exif, xmp=xmp, comment=b"a private comment")
    return path


def makePngWithAlpha(path: Path, size: tuple[int, int] = (300, 200)) -> Path:
    """A PNG, fully transparent except an opaque RED rectangle in its middle
    (the middle third each way)."""
    width, height = size
    picture = Image.new("RGBA", size, (0, 0, 0, 0))
    ImageDraw.Draw(picture).rectangle((width // 3, height // 3, 2 * width // 3, 2 * height // 3),
                                      fill=(*RED, 255))
    picture.save(path, "PNG")
    return path


def _s15Fixed16(value: float) -> bytes:
    return struct.pack(">i", round(value * 65536))


def _iccProfile(deviceClass: bytes, colourSpace: bytes, pcs: bytes,
                tags: Sequence[tuple[bytes, bytes]]) -> bytes:
    """An ICC v2.1 profile with these tags (signature, body), laid out as the
    specification says: a 128-byte header, the tag table, the tags 4-byte aligned."""
    tableEnd = 128 + 4 + 12 * len(tags)
    table, data = b"", b""
    for signature, body in tags:
        data += b"\0" * (-(tableEnd + len(data)) % 4)
        table += struct.pack(">4sII", signature, tableEnd + len(data), len(body))
        data += body
    header = struct.pack(">I4sI4s4s4s", tableEnd + len(data), b"\0" * 4, 0x02100000,
                         deviceClass, colourSpace, pcs)
    header += b"\0" * 12 + b"acsp" + b"\0" * 28        # date; signature; platform...attributes
    header += b"\0" * 4                                 # rendering intent: perceptual
    header += _s15Fixed16(0.9642) + _s15Fixed16(1.0) + _s15Fixed16(0.8249)   # D50
    header += b"\0" * (128 - len(header))
    return header + struct.pack(">I", len(tags)) + table + data


def _textDescription(text: str) -> bytes:
    ascii = text.encode("ascii") + b"\0"
    return (b"desc" + b"\0" * 4 + struct.pack(">I", len(ascii)) + ascii
            + b"\0" * 8 + b"\0" * 3 + b"\0" * 67)     # no Unicode, no ScriptCode


def negativeCmykProfile() -> bytes:
    """A CMYK ICC profile that prints a *negative*: each ink shows as its
    complement (cyan ink looks red, no ink black, full black ink white).

    Nothing like a real press, on purpose: a CMYK JPEG converted through it
    looks nothing like one converted without it, so a test can tell that
    the profile was used. Its A2B0 is an 8-bit LUT whose 2x2x2x2 grid holds
    the Lab value of each corner of the CMYK cube.
    """
    corners = list(itertools.product((0, 1), repeat=4))      # first channel slowest
    rgb = Image.new("RGB", (len(corners), 1))
    for index, (c, m, y, k) in enumerate(corners):
        naive = [(1 - ink) * (1 - k) for ink in (c, m, y)]
        rgb.putpixel((index, 0), tuple(round(255 * (1 - value)) for value in naive))
    lab = ImageCms.profileToProfile(rgb, ImageCms.createProfile("sRGB"),
                                    ImageCms.createProfile("LAB"), outputMode="LAB")
    assert lab is not None
    # getpixel shows a and b offset by 128, which is also the ICC lut8 encoding.
    grid = b"".join(bytes(lab.getpixel((index, 0)))  # type: ignore[arg-type]
                    for index in range(len(corners)))
    identity = bytes(range(256))
    lut = (b"mft1" + b"\0" * 4 + bytes([4, 3, 2, 0])
           + b"".join(_s15Fixed16(value) for value in (1, 0, 0, 0, 1, 0, 0, 0, 1))
           + identity * 4 + grid + identity * 3)
    white = b"XYZ " + b"\0" * 4 + _s15Fixed16(0.9642) + _s15Fixed16(1.0) + _s15Fixed16(0.8249)
    return _iccProfile(b"prtr", b"CMYK", b"Lab ", [(b"desc", _textDescription("negative CMYK")),
                                                   (b"wtpt", white), (b"A2B0", lut)])


def swappedRgbProfile() -> bytes:
    """An RGB ICC profile like sRGB but with its red and green primaries
    swapped (Pillow's own sRGB profile with two tags exchanged): a pixel
    (255, 0, 0) in it is sRGB's pure green, so a test can tell it was converted."""
    data = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    count = struct.unpack(">I", data[128:132])[0]
    entries = {bytes(data[132 + 12 * n:136 + 12 * n]): 132 + 12 * n for n in range(count)}
    red, green = entries[b"rXYZ"], entries[b"gXYZ"]
    data[red + 4:red + 12], data[green + 4:green + 12] = (data[green + 4:green + 12],
                                                          data[red + 4:red + 12])
    description = data.find(b"s\0R\0G\0B")             # its name: not "sRGB" any more
    if description >= 0:
        data[description:description + 8] = "swap".encode("utf-16-be")
    data[84:100] = b"\0" * 16                           # the profile ID: "not computed"
    return bytes(data)


def makeCmykJpeg(path: Path, colour: tuple[int, int, int, int] = (255, 0, 0, 0),
                 size: tuple[int, int] = (200, 150), profile: bytes | None = None) -> Path:
    """A CMYK JPEG of one ink ``colour`` (default: full cyan), with the ICC
    ``profile`` embedded if given (e.g. :func:`negativeCmykProfile`)."""
    picture = Image.new("CMYK", size, colour)
    options = {"icc_profile": profile} if profile else {}
    picture.save(path, "JPEG", quality=95, **options)
    return path


def makeJpegWithProfile(path: Path, profile: bytes, colour: Colour = (255, 0, 0),
                        size: tuple[int, int] = (200, 150)) -> Path:
    """An RGB JPEG of one ``colour`` with the ICC ``profile`` embedded (e.g.
    :func:`swappedRgbProfile`)."""
    Image.new("RGB", size, colour).save(path, "JPEG", quality=95, icc_profile=profile)
    return path


def makePhoto(path: Path, size: tuple[int, int] = (3000, 2000), quality: int = 90) -> Path:
    """A detailed JPEG (a Mandelbrot set in colour, with fine lines), for the
    tests of quality and of draft decoding of large photographs."""
    width, height = size
    grey = Image.effect_mandelbrot(size, (-2.2, -1.2, 1.0, 1.2), 60)
    picture = Image.merge("RGB", (grey, grey.transpose(Image.Transpose.FLIP_LEFT_RIGHT),
                                  Image.linear_gradient("L").resize(size)))
    draw = ImageDraw.Draw(picture)
    for x in range(0, width, max(1, width // 60)):
        draw.line((x, 0, x, height), fill=(255, 255, 255), width=max(1, width // 600))
    picture.save(path, "JPEG", quality=quality)
    return path


def animationFrames(colours: Sequence[Colour] = ANIMATION_COLOURS,
                    size: tuple[int, int] = (120, 80)) -> list[Image.Image]:
    """One frame per colour, each with a white square in its top left quarter."""
    frames = []
    width, height = size
    for colour in colours:
        frame = Image.new("RGB", size, colour)
        ImageDraw.Draw(frame).rectangle((width // 8, height // 8, width // 4, height // 4),
                                        fill=(255, 255, 255))
        frames.append(frame)
    return frames


def makeAnimatedGif(path: Path, colours: Sequence[Colour] = ANIMATION_COLOURS,
                    size: tuple[int, int] = (120, 80),
                    durations: Sequence[int] = (100, 200, 300), loop: int = 0) -> Path:
    """An animated GIF, one frame per colour, with these frame ``durations`` (ms)."""
    frames = animationFrames(colours, size)
    frames[0].save(path, "GIF", save_all=True, append_images=frames[1:],
                   duration=list(durations), loop=loop)
    return path


def makeAnimatedWebp(path: Path, colours: Sequence[Colour] = ANIMATION_COLOURS,
                     size: tuple[int, int] = (120, 80),
                     durations: Sequence[int] = (100, 200, 300), loop: int = 0) -> Path:
    """An animated WebP, one frame per colour, with these frame ``durations`` (ms)."""
    frames = animationFrames(colours, size)
    frames[0].save(path, "WEBP", save_all=True, append_images=frames[1:],
                   duration=list(durations), loop=loop, lossless=True)
    return path


def makeTruncatedJpeg(path: Path, fraction: float = 0.6,
                      size: tuple[int, int] = (640, 480)) -> Path:
    """A detailed JPEG cut off after ``fraction`` of its bytes."""
    whole = io.BytesIO()
    grey = Image.effect_mandelbrot(size, (-2.2, -1.2, 1.0, 1.2), 60)
    Image.merge("RGB", (grey, grey, grey)).save(whole, "JPEG", quality=90)
    data = whole.getvalue()
    path.write_bytes(data[:int(len(data) * fraction)])
    return path


def _pngChunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(
        ">I", zlib.crc32(kind + body))


def makeBombPng(path: Path, width: int = 20_000, height: int = 20_000) -> Path:
    """A PNG whose header says ``width`` x ``height`` (a 1.2 GB RGB image
    by default) though the file holds a few dozen bytes: a 1-pixel PNG with
    its IHDR rewritten (and its checksum recomputed, so it passes)."""
    small = io.BytesIO()
    Image.new("RGB", (1, 1), RED).save(small, "PNG")
    data = small.getvalue()
    assert data[12:16] == b"IHDR"
    header = struct.pack(">II", width, height) + data[24:29]      # depth, colour type...
    path.write_bytes(data[:8] + _pngChunk(b"IHDR", header) + data[33:])
    return path


def makeBombGif(path: Path, width: int = 20_000, height: int = 20_000) -> Path:
    """A GIF whose logical screen is ``width`` x ``height`` (at most 65535
    each way, GIF's limit), holding one 1-pixel image."""
    small = io.BytesIO()
    Image.new("P", (1, 1)).save(small, "GIF")
    data = bytearray(small.getvalue())
    data[6:10] = struct.pack("<HH", width, height)
    path.write_bytes(bytes(data))
    return path


def makeRandomBytes(path: Path, length: int = 4096, seed: int = 16) -> Path:
    """``length`` random bytes (the same for the same ``seed``)."""
    path.write_bytes(random.Random(seed).randbytes(length))
    return path


def makeEmptyFile(path: Path) -> Path:
    path.write_bytes(b"")
    return path


# -- PDFs ---------------------------------------------------------------------------

def pageText(number: int) -> str:
    """The text on page ``number`` (from 1) of :func:`makePdf`'s documents."""
    return f"Page {number} of the Kamaelia test document"


def makePdf(path: Path, pages: int = 3, size: tuple[float, float] = (595, 842),
            title: str | None = "Test document", author: str | None = "A. Tester",
            password: str | None = None, ownerPassword: str | None = None) -> Path:
    """A PDF of ``pages`` pages of ``size`` points, each with :func:`pageText`
    near its top and a coloured band across its top quarter (RED, GREEN,
    BLUE, RED...). With ``password`` it is AES-256 encrypted and needs it to open."""
    import pymupdf

    document = pymupdf.open()
    width, height = size
    for number in range(1, pages + 1):
        page = document.new_page(width=width, height=height)
        colour = tuple(value / 255 for value in ANIMATION_COLOURS[(number - 1) % 3])
        page.draw_rect(pymupdf.Rect(0, 0, width, height / 4), color=colour, fill=colour)
        page.insert_text((36, height / 4 + 36), pageText(number), fontsize=14)
    metadata = {key: value for key, value in (("title", title), ("author", author)) if value}
    if metadata:
        document.set_metadata(metadata)
    # (Saved through Python: MuPDF cannot be given a file name that is not UTF-8.)
    if password is None:
        data = document.tobytes()
    else:
        aes256 = pymupdf.PDF_ENCRYPT_AES_256  # type: ignore[attr-defined]
        data = document.tobytes(encryption=aes256, user_pw=password,
                                owner_pw=ownerPassword or password + "-owner")
    document.close()
    path.write_bytes(data)
    return path


def makeEncryptedPdf(path: Path, password: str = "x", ownerPassword: str = "y") -> Path:
    """A 3-page PDF that needs ``password`` to open."""
    return makePdf(path, password=password, ownerPassword=ownerPassword)


def makeGarbagePdf(path: Path, length: int = 3000, seed: int = 16) -> Path:
    """A valid PDF header followed by random bytes."""
    path.write_bytes(b"%PDF-1.7\n" + random.Random(seed).randbytes(length))
    return path


def makePagelessPdf(path: Path) -> Path:
    """A well-formed PDF (its cross-reference table right, so that MuPDF has
    nothing to repair) whose page tree is empty: no pages."""
    objects = [b"<</Type/Catalog/Pages 2 0 R>>", b"<</Type/Pages/Kids[]/Count 0>>"]
    data = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(data))
        data += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(data)
    data += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    data += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    data += b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    path.write_bytes(data)
    return path


def makeTruncatedPdf(path: Path, fraction: float = 0.5, pages: int = 3) -> Path:
    """:func:`makePdf`'s document cut off after ``fraction`` of its bytes."""
    makePdf(path, pages=pages)
    data = path.read_bytes()
    path.write_bytes(data[:int(len(data) * fraction)])
    return path


def awkwardName(extension: str) -> str:
    """A file name with a space, quotes, ``$``, a newline, a leading dash and a
    non-UTF-8 byte (surrogate-escaped, as Linux gives it), ending ``extension``."""
    return os.fsdecode(b"-odd \"name\" 'quoted' $HOME\nline \xff" + extension.encode())


# -- helpers for looking at what was made -------------------------------

def newFolder(parent: Path, name: str = "out") -> Path:
    """A new, empty folder ``parent/name`` (an ``outdir`` for a transcode)."""
    folder = parent / name
    folder.mkdir()
    return folder


def coloursClose(colour: tuple[int, ...], expected: tuple[int, ...],
                 tolerance: int = 30) -> bool:
    """True if each channel of ``colour`` is within ``tolerance`` of ``expected``'s."""
    return all(abs(a - b) <= tolerance for a, b in zip(colour, expected))


def pixelAt(picture: Image.Image, xy: tuple[int, int]) -> tuple[int, ...]:
    """The colour at ``xy`` as a tuple (RGB, RGBA...)."""
    value = picture.getpixel(xy)
    assert isinstance(value, tuple), value
    return value
