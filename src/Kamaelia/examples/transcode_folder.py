"""A watch-folder transcoder at work: an image, a video and a PDF become web versions.

    python examples/transcode_folder.py

makes a temporary upload folder with a photo (Pillow), a two-second clip
(ffmpeg's test pattern) and a two-page PDF (PyMuPDF), runs the transcoder
over it once and prints what it made for each:

    done clip.mp4 (video): poster.jpg, thumbnails.jpg, 240p.mp4, index.html
    done leaflet.pdf (pdf): 2 pages, poster.jpg, text.txt
    done sunset.png (image): large.jpg, thumb.jpg, square.jpg
    originals in done/: clip.mp4, leaflet.pdf, sunset.png

``TranscoderService(config, once=True)`` is the whole system as one
component: it watches the folder, hands each complete file to a pool of
worker processes, writes each item's ``manifest.json`` and moves the
original to ``done/``; its ``"outbox"`` says what happened. Here the sizes
are cut down so that it runs in a few seconds; the defaults are 1.14's
image sizes in JPEG, WebP and AVIF and a 1080p/720p/360p video ladder.
(``kamaelia transcode uploads/ site/`` runs the same thing as a service.)
"""
import json
import os
import subprocess
import tempfile
from pathlib import Path
from typing import Any, Iterator

import pymupdf
from PIL import Image, ImageDraw

from Axon.Component import component
from Kamaelia.Apps.Transcoder.components import TranscoderService
from Kamaelia.Apps.Transcoder.config import (ImageSettings, PdfSettings, TranscoderConfig,
                                             VideoSettings)
from Kamaelia.Apps.Transcoder.workflow import Outcome
from Kamaelia.Chassis.Pipeline import Pipeline

EXAMPLE_EXPECT = (
    "done clip.mp4 (video): poster.jpg, thumbnails.jpg, 240p.mp4, index.html\n"
    "done leaflet.pdf (pdf): 2 pages, poster.jpg, text.txt\n"
    "done sunset.png (image): large.jpg, thumb.jpg, square.jpg\n"
    "originals in done/: clip.mp4, leaflet.pdf, sunset.png\n"
)


def makeUploads(folder: Path) -> None:
    photo = Image.new("RGB", (900, 600), "orange")
    ImageDraw.Draw(photo).ellipse((300, 150, 600, 450), fill="yellow")
    photo.save(folder / "sunset.png")
    subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-f", "lavfi", "-i",
                    "testsrc=size=426x240:rate=25:duration=2", "-f", "lavfi", "-i",
                    "sine=duration=2", "-pix_fmt", "yuv420p", "-shortest",
                    str(folder / "clip.mp4")], check=True)
    leaflet = pymupdf.open()  # type: ignore[no-untyped-call]  # (PyMuPDF is untyped)
    for text in ("Page one: what we do.", "Page two: where to find us."):
        leaflet.new_page().insert_text((72, 72), text)
    leaflet.save(folder / "leaflet.pdf")  # type: ignore[no-untyped-call]


class Report(component):
    """Prints one line per item made, in name order, once the service ends."""

    def main(self) -> Iterator[Any]:
        done: list[Outcome] = []
        while not self.dataReady("control"):
            done.extend(e for e in self.Inbox("inbox") if isinstance(e, Outcome))
            self.pause()
            yield 1
        done.extend(e for e in self.Inbox("inbox") if isinstance(e, Outcome))
        for outcome in sorted(done, key=lambda o: o.name):
            assert outcome.folder is not None          # (a done item has its folder)
            manifest = json.loads(Path(outcome.folder, "manifest.json").read_text())
            files = [r["path"] for r in manifest["renditions"] if "/" not in r["path"]]
            if manifest["kind"] == "pdf":
                files.insert(0, f"{manifest['info']['pages']} pages")
            print(f"{outcome.status} {outcome.name} ({manifest['kind']}): {', '.join(files)}")


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as scratch:
        uploads, site = Path(scratch, "uploads"), Path(scratch, "site")
        uploads.mkdir()
        makeUploads(uploads)
        config = TranscoderConfig(
            incoming=[str(uploads)], output=str(site), workers=2, settle=0.2,
            image=ImageSettings(sizes={"large": 626, "thumb": 146}, squares={"square": 40},
                                formats=("jpeg",)),
            video=VideoSettings(ladder={"240p": 240}, preset="ultrafast", thumbnails=4),
            pdf=PdfSettings(sizes={"thumb": 146}, formats=("jpeg",)))
        Pipeline(TranscoderService(config, once=True), Report()).run()
        print("originals in done/:", ", ".join(sorted(os.listdir(site / "done"))))
