"""Work for the transcoder benchmark that its worker processes import (not a benchmark)."""

from __future__ import annotations

import os
import random
from pathlib import Path
from typing import Any

#: 12 megapixels, as a phone camera makes.
PHOTO_SIZE = (4000, 3000)


def makePhoto(arguments: tuple[str, int]) -> str:
    """A photo-like 12-megapixel JPEG at ``path``: smooth colour fields, grain, edges."""
    from PIL import Image, ImageDraw, ImageFilter

    path, seed = arguments
    chance = random.Random(seed)
    small = Image.new("RGB", (16, 12))
    small.putdata([tuple(chance.randrange(256) for _ in range(3)) for _ in range(16 * 12)])
    photo = small.resize(PHOTO_SIZE, Image.Resampling.BICUBIC)
    draw = ImageDraw.Draw(photo)
    for _ in range(40):             # edges, so that the encoder has detail to keep
        x, y = chance.randrange(PHOTO_SIZE[0]), chance.randrange(PHOTO_SIZE[1])
        draw.ellipse((x, y, x + chance.randrange(50, 600), y + chance.randrange(50, 600)),
                     outline=tuple(chance.randrange(256) for _ in range(3)), width=6)
    grain = Image.effect_noise(PHOTO_SIZE, 12).convert("RGB").filter(ImageFilter.BLUR)
    Image.blend(photo, grain, 0.15).save(path, quality=90)
    return path


def transcodeImage(arguments: tuple[str, str, Any]) -> int:
    """The baseline's job: the same Pillow code the service runs, into ``outdir``."""
    from Kamaelia.Apps.Transcoder.images import transcode
    source, outdir, settings = arguments
    Path(outdir).mkdir(parents=True)
    return len(transcode(Path(source), Path(outdir), settings).renditions)


def linkAll(sources: list[str], folder: Path) -> None:
    """Hard links to ``sources`` in the new folder ``folder`` (the service moves them away)."""
    folder.mkdir(parents=True)
    for source in sources:
        os.link(source, folder / os.path.basename(source))
