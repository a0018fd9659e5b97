"""Helpers for the transcoder's workflow and service tests: small settings, images."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PIL import Image

from Kamaelia.Apps.Transcoder.config import (ImageSettings, PdfSettings, TranscoderConfig,
                                             VideoSettings)

#: Small, quick settings: one size and one square, JPEG only.
QUICK_IMAGES = ImageSettings(sizes={"small": 64}, squares={"square": 16}, formats=("jpeg",))
QUICK_VIDEO = VideoSettings(ladder={"144p": 144}, preset="ultrafast", thumbnails=2,
                            thumbnail_width=32, poster_width=64)
QUICK_PDF = PdfSettings(sizes={"thumb": 64}, formats=("jpeg",), poster_width=64)


def quickConfig(root: Path, **changes: Any) -> TranscoderConfig:
    """A config with ``root/uploads`` in and ``root/out`` out, and quick settings."""
    uploads = root / "uploads"
    uploads.mkdir(exist_ok=True)
    values: dict[str, Any] = dict(incoming=[str(uploads)], output=str(root / "out"),
                                  image=QUICK_IMAGES, video=QUICK_VIDEO, pdf=QUICK_PDF,
                                  workers=2, settle=0.2)
    values.update(changes)
    return TranscoderConfig(**values)


def makeImage(path: Path, colour: Any = "red", size: tuple[int, int] = (120, 90)) -> Path:
    """A small image (the format from the name's ending); different colours, different bytes."""
    Image.new("RGB", size, colour).save(path)
    return path
