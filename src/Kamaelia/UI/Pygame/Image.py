"""An image in the pygame window, changed by sending it another file name.

Example Usage
-------------
A slideshow that moves on when a button is clicked (the home page's
presentation tool is this with four buttons)::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.UI.Pygame.Button import Button
    from Kamaelia.UI.Pygame.Image import Image
    from Kamaelia.Util.Chooser import Chooser

    Pipeline(Button(caption="Next", msg="NEXT", position=(8, 8)),
             Chooser(items=["one.png", "two.png", "three.png"]),
             Image(size=(800, 600), position=(8, 48), maxpect=(800, 600)),
             ).run()

How does it work?
-----------------
``Image`` asks the display service for a surface of ``size`` (default: the
first image's size, or 240 x 192 without one) at ``position``, fills it
with ``bgcolour`` and draws the image on it. What arrives on ``"inbox"``
replaces the image:

* a file name (``str`` or ``os.PathLike``): the file is loaded (any format
  pygame reads: PNG, JPEG, GIF, BMP, ...);
* with ``expect_file_strings=True``, ``bytes``: the contents of an image file;
* a ``pygame.Surface``: shown as it is (e.g. a page rendered by a program);
* ``None``: no image, only the background.

An image is drawn at the top left corner and cropped if it is bigger than
the surface; the background shows around a smaller one. With
``maxpect=(w, h)`` every image is first scaled to fit inside ``w`` x ``h``
*keeping its aspect ratio* (enlarged or reduced) and centred in the
surface. A file that cannot be read is logged as an error (logger
``Kamaelia.UI.Pygame.Image``, naming the file) and the previous image
stays.

``"bgcolour"`` takes a new background colour, ``"alphacontrol"`` a
transparency from 0 (invisible) to 255 (opaque). ``displayExtra`` is a
dict of extra keys for the display request (e.g. ``{"transparency":
(0, 0, 0)}``).

Shutdown: ``producerFinished`` or ``shutdownMicroprocess`` on ``"control"``
is passed on out of ``"signal"``; the image then gives its surface back to
the display and ends. Images already waiting are loaded first.

What it does not do: it does not change its surface's size after the
start, and it does not animate GIFs (the first frame is shown).
"""

from __future__ import annotations

import io
import logging
import os
from typing import Any, Iterator

from Axon.Component import component
from Axon.Ipc import producerFinished, shutdownRequest
from Kamaelia.UI.Pygame._pygame import pygame
from Kamaelia.UI.Pygame._widget import colour, connect, pair, waitBox
from Kamaelia.Util._stream import shortRepr

__all__ = ["Image"]

log = logging.getLogger("Kamaelia.UI.Pygame.Image")

#: The surface's size when neither ``size`` nor a first image gives one (1.14's).
DEFAULT_SIZE = (240, 192)


def fitInside(size: tuple[int, int], box: tuple[int, int]) -> tuple[int, int]:
    """The largest size with ``size``'s aspect ratio that fits inside ``box``."""
    width, height = size
    if width <= 0 or height <= 0:
        return (0, 0)
    scale = min(box[0] / width, box[1] / height)
    return (max(1, round(width * scale)), max(1, round(height * scale)))


class Image(component):
    """Image(image=None, position=None, bgcolour=(128, 128, 128), size=None,
    displayExtra=None, maxpect=0, expect_file_strings=0) -> new Image component

    - image               -- the first image: a file name (default: none)
    - position            -- (x, y) of its top left corner in the window
    - bgcolour            -- (r, g, b) behind and around the image
    - size                -- (w, h) of the area (default: the first image's size,
      else 240 x 192)
    - displayExtra        -- dict of extra keys for the display request
    - maxpect             -- (w, h): scale each image to fit inside, keeping its
      aspect ratio (default: no scaling)
    - expect_file_strings -- "inbox" takes image file contents (bytes), not names
    """

    Inboxes = {"inbox": "the next image: a file name, bytes, a pygame Surface, or None",
               "control": "producerFinished or shutdownMicroprocess to end",
               "callback": "our surface, from the display",
               "bgcolour": "a new background colour (r, g, b)",
               "events": "events from the display (none are asked for)",
               "alphacontrol": "transparency, 0 (invisible) to 255 (opaque)"}
    Outboxes = {"outbox": "not used",
                "signal": "the shutdown message, passed on",
                "display_signal": "requests to the display service"}

    def __init__(self, image: Any = None, position: Any = None,
                 bgcolour: Any = (128, 128, 128), size: Any = None,
                 displayExtra: dict[str, Any] | None = None, maxpect: Any = 0,
                 expect_file_strings: Any = 0) -> None:
        super().__init__()
        self.display: Any = None
        self.backgroundColour = colour("Image", "bgcolour", bgcolour)
        self.size = None if size is None else pair("Image", "size", size, 1)
        self.imagePosition = (0, 0)
        self.maxpect: Any = pair("Image", "maxpect", maxpect, 1) if maxpect else 0
        self.expect_file_strings = bool(expect_file_strings)
        if displayExtra is not None and not isinstance(displayExtra, dict):
            raise TypeError(f"Image: displayExtra must be a dict, not {displayExtra!r}")
        self.image: Any = None
        if image is not None and not self._load(image, self.fetchImage):
            raise ValueError(f"Image: cannot read the image {image!r}")
        if self.size is None:
            self.size = DEFAULT_SIZE
        self.disprequest: dict[str, Any] = {"DISPLAYREQUEST": True,
                                            "callback": (self, "callback"),
                                            "events": (self, "events"),
                                            "size": self.size}
        if displayExtra is not None:
            self.disprequest.update(displayExtra)
        if position is not None:
            self.disprequest["position"] = pair("Image", "position", position, None)

    def waitBox(self, boxname: str) -> Iterator[int]:
        """Generator: yields (paused) until a message waits on inbox ``boxname``."""
        return waitBox(self, boxname)

    def main(self) -> Iterator[int]:
        connect(self, "display_signal")
        self.send(self.disprequest, "display_signal")
        self._changed = True
        while True:
            self._handleWaiting()
            if self._changed and self.display is not None:
                self.blitToSurface()
                self.send({"REDRAW": True, "surface": self.display}, "display_signal")
                self._changed = False
            request = shutdownRequest(self)
            if request is not None:
                break
            if not self.anyReady():
                self.pause()
            yield 1
        self.send(request, "signal")
        if self.display is None:
            yield from self.waitBox("callback")   # give back the surface once it comes
            self.display = self.recv("callback")
        self.display.set_alpha(0)
        self.send(producerFinished(self, self.display), "display_signal")
        yield 1

    def _handleWaiting(self) -> None:
        """Take what waits on the inboxes (a method, so that no message stays
        bound in main while it sleeps); sets ``_changed`` if the picture changed."""
        if self.display is None and self.dataReady("callback"):
            self.display = self.recv("callback")
            self._changed = True
        for alpha in self.Inbox("alphacontrol"):
            if self.display is not None:
                self.display.set_alpha(alpha)
                self._changed = True
        for newImage in self.Inbox("inbox"):
            loader = self.imageFromString if self.expect_file_strings else self.fetchImage
            if self._load(newImage, loader):
                self._changed = True
        for newColour in self.Inbox("bgcolour"):
            try:
                self.backgroundColour = colour("Image", "bgcolour", newColour)
                self._changed = True
            except ValueError as exc:
                log.error("%s: %s", self.name, exc)
        for _ in self.Inbox("events"):
            pass                     # 1.14 asked for none; drop any that come

    def _load(self, newImage: Any, loader: Any) -> bool:
        """Load with ``loader``; on failure log it (naming the image) and keep the
        current image. True if the image changed."""
        try:
            loader(newImage)
        except (pygame.error, OSError, TypeError, ValueError) as exc:
            log.error("%s cannot show %s: %s", self.name, shortRepr(newImage), exc)
            return False
        return True

    def _use(self, image: Any) -> None:
        if self.maxpect:
            if image.get_bitsize() not in (24, 32):      # smoothscale's limit
                truecolour = pygame.Surface(image.get_size(), pygame.SRCALPHA, 32)
                truecolour.blit(image, (0, 0))
                image = truecolour
            image = pygame.transform.smoothscale(image, fitInside(image.get_size(),
                                                                  self.maxpect))
        self.image = image
        if self.size is None:
            self.size = image.get_size()

    def fetchImage(self, newImage: Any) -> None:
        """Take ``newImage`` (a file name, a Surface, or None) as the image; with
        maxpect, scaled to fit. Sets ``size`` from it if there is none yet."""
        if newImage is None:
            self.image = None
        elif isinstance(newImage, pygame.Surface):
            self._use(newImage)
        elif isinstance(newImage, (str, os.PathLike)):
            self._use(pygame.image.load(os.fspath(newImage)))
        else:
            raise TypeError("an image must be a file name, a pygame Surface or None")

    def imageFromString(self, newImage: Any) -> None:
        """Take ``newImage`` (bytes: an image file's contents; or a Surface, or
        None) as the image."""
        if isinstance(newImage, (bytes, bytearray, memoryview)):
            self._use(pygame.image.load(io.BytesIO(bytes(newImage))))
        else:
            self.fetchImage(newImage)

    def blitToSurface(self) -> None:
        """Paint the background and the image on the surface."""
        self.display.fill(self.backgroundColour)
        if self.image is None:
            return
        if self.maxpect:
            width, height = self.image.get_size()
            surfaceWidth, surfaceHeight = self.display.get_size()
            self.imagePosition = ((surfaceWidth - width) // 2, (surfaceHeight - height) // 2)
        self.display.blit(self.image, self.imagePosition)


__kamaelia_components__ = (Image,)
