"""Test videos, made on the spot with ffmpeg's lavfi sources (never downloaded).

Example Usage
-------------
::

    from videofixtures import makeVideo, makePortrait, makeCorrupt

    clip = makeVideo(tmp_path / "clip.mp4", seconds=1.0, size=(320, 240))
    tall = makePortrait(tmp_path / "phone.mp4")            # 240x426 pixels
    broken = makeCorrupt(tmp_path / "broken.mp4")          # ffprobe reads it; ffmpeg cannot

Every maker returns the path it wrote. The pictures are ``testsrc`` (a
moving pattern with a frame counter), the sound a ``sine``; everything is
encoded with ``-preset ultrafast`` and kept tiny so that tests stay quick.
The container follows the name's suffix (``.mp4``, ``.mov``, ``.mkv``,
``.webm``, ``.ts``) unless ``container`` names one; paths may hold any
character (they are passed as ``file:`` names, never through a shell).
"""

from __future__ import annotations

import os
import random
import subprocess
from pathlib import Path
from typing import Any, Sequence

FFMPEG = "ffmpeg"

_CONTAINERS = {".mp4": "mp4", ".m4v": "mp4", ".mov": "mov", ".mkv": "matroska",
               ".webm": "webm", ".ts": "mpegts", ".avi": "avi"}


def _file(path: Path) -> str:
    return "file:" + os.path.abspath(os.fspath(path))


def makeVideo(path: Path, seconds: float = 1.0, size: tuple[int, int] = (320, 240),
              rate: int = 25, audio: bool = True, container: str | None = None,
              videoCodec: str = "libx264", audioCodec: str = "aac",
              extra: Sequence[str] = (), faststart: bool = False) -> Path:
    """A ``size`` test pattern of ``seconds`` at ``rate`` frames a second, with a
    440 Hz tone when ``audio``; ``extra`` arguments go just before the output."""
    path = Path(path)
    width, height = size
    argv = [FFMPEG, "-nostdin", "-y", "-hide_banner", "-loglevel", "error",
            "-f", "lavfi", "-i", f"testsrc=size={width}x{height}:rate={rate}:duration={seconds}"]
    if audio:
        argv += ["-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=44100:duration={seconds}"]
    argv += ["-c:v", videoCodec]
    if videoCodec == "libx264":
        argv += ["-preset", "ultrafast", "-pix_fmt", "yuv420p"]
    elif videoCodec == "libvpx-vp9":
        argv += ["-deadline", "realtime", "-cpu-used", "8", "-pix_fmt", "yuv420p"]
    if audio:
        argv += ["-c:a", audioCodec]
    if faststart:
        argv += ["-movflags", "+faststart"]
    argv += [*extra, "-f", container or _CONTAINERS.get(path.suffix.lower(), "mp4"), _file(path)]
    subprocess.run(argv, check=True, stdin=subprocess.DEVNULL)
    return path


def makeMp4(path: Path, **options: Any) -> Path:
    """An H.264/AAC MP4."""
    return makeVideo(path, container="mp4", **options)


def makeMov(path: Path, **options: Any) -> Path:
    """An H.264/AAC QuickTime movie, as phones and cameras write them."""
    return makeVideo(path, container="mov", **options)


def makeMkv(path: Path, **options: Any) -> Path:
    """An H.264/AAC Matroska file (whose streams carry no duration of their own)."""
    return makeVideo(path, container="matroska", **options)


def makeSilent(path: Path, **options: Any) -> Path:
    """A video with no audio stream at all."""
    return makeVideo(path, audio=False, **options)


def makePortrait(path: Path, size: tuple[int, int] = (240, 426), **options: Any) -> Path:
    """A video whose pictures are taller than wide."""
    return makeVideo(path, size=size, **options)


def makeRotated(path: Path, size: tuple[int, int] = (320, 240), rotation: int = 90,
                **options: Any) -> Path:
    """A landscape-coded MP4 whose display matrix turns it ``rotation`` degrees, as
    a phone held upright records: it is shown ``size`` turned on its side."""
    path = Path(path)
    flat = makeVideo(path.with_name(path.name + ".flat.mp4"), size=size,
                     container="mp4", **options)
    # ffmpeg 5 turns the "rotate" tag into a display matrix (6 and later
    # spell it -display_rotation).
    subprocess.run([FFMPEG, "-nostdin", "-y", "-hide_banner", "-loglevel", "error",
                    "-i", _file(flat), "-map", "0", "-c", "copy",
                    "-metadata:s:v:0", f"rotate={rotation}", "-f", "mp4", _file(path)],
                   check=True, stdin=subprocess.DEVNULL)
    flat.unlink()
    return path


def makeCorrupt(path: Path, seconds: float = 2.0, seed: int = 16) -> Path:
    """An MP4 whose header (moov, first) is sound but whose media data is
    random bytes: ffprobe describes it happily, ffmpeg cannot decode it."""
    path = Path(path)
    makeVideo(path, seconds=seconds, faststart=True, container="mp4")
    data = bytearray(path.read_bytes())
    boxes = topLevelBoxes(bytes(data))
    offset = next(start for kind, start, _ in boxes if kind == "mdat")
    payload = offset + 8
    data[payload:] = random.Random(seed).randbytes(len(data) - payload)
    path.write_bytes(bytes(data))
    return path


def makeTruncated(path: Path, seconds: float = 2.0, keep: float = 0.4) -> Path:
    """A faststart MP4 cut off after ``keep`` of its bytes, like a broken download."""
    path = Path(path)
    makeVideo(path, seconds=seconds, faststart=True, container="mp4")
    data = path.read_bytes()
    path.write_bytes(data[:int(len(data) * keep)])
    return path


def makeRandomBytes(path: Path, count: int = 20_000, seed: int = 16) -> Path:
    """A file of random bytes with a video's name."""
    path = Path(path)
    path.write_bytes(random.Random(seed).randbytes(count))
    return path


def topLevelBoxes(data: bytes) -> list[tuple[str, int, int]]:
    """The top-level boxes of an MP4/MOV: (type, offset, size) in file order."""
    boxes: list[tuple[str, int, int]] = []
    offset = 0
    while offset + 8 <= len(data):
        size = int.from_bytes(data[offset:offset + 4], "big")
        kind = data[offset + 4:offset + 8].decode("latin-1")
        if size == 1:                       # a 64-bit size follows the type
            size = int.from_bytes(data[offset + 8:offset + 16], "big")
        elif size == 0:                     # to the end of the file
            size = len(data) - offset
        if size < 8:
            break
        boxes.append((kind, offset, size))
        offset += size
    return boxes
