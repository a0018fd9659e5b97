"""RGB video frames shown in the pygame window.

Example Usage
-------------
Frames from any source of 1.14's frame dictionaries (here made up: a grey
ramp that brightens), scaled up to 640 x 480::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.UI.Pygame.VideoSurface import VideoSurface
    from Kamaelia.Util.DataSource import DataSource

    frames = [{"rgb": bytes([level]) * (160 * 120 * 3), "size": (160, 120),
               "pixformat": "RGB_interleaved"} for level in range(0, 256, 8)]
    Pipeline(DataSource(frames), VideoSurface(resize=(640, 480))).run()

How does it work?
-----------------
Each message on ``"inbox"`` is a frame, a dictionary::

    {"rgb": bytes,                      # width * height * 3 bytes: R, G, B, R, G, B, ...
     "size": (width, height),
     "pixformat": "RGB_interleaved"}

When the first frame arrives, ``VideoSurface`` asks the display for a
surface of the frame's size (or of ``resize``, if given: every frame is then
scaled to it) at ``position``, and from then on draws each frame on it and
asks for a redraw. The display shows at most one frame per display frame
(``PygameDisplay.fps``), so a fast source does not slow the system down,
but frames are drawn as they come: pace the source (e.g. with
``Kamaelia.Util.RateFilter.MessageRateLimit``) to play at the right speed.

If a frame's size changes, the surface is given back and a new one of the
new size asked for (1.14 raised an error). A frame that is not a frame
dictionary, has another ``pixformat`` or the wrong number of bytes is
logged as an error (logger ``Kamaelia.UI.Pygame.VideoSurface``) and skipped.

Shutdown: ``producerFinished`` or ``shutdownMicroprocess`` on ``"control"``
is passed on out of ``"signal"``; frames already waiting are shown first,
then the surface is given back and it ends.
"""

from __future__ import annotations

import logging
from typing import Any, Iterator

from Axon.Component import component
from Axon.Ipc import producerFinished, shutdownRequest
from Kamaelia.UI.Pygame._pygame import pygame
from Kamaelia.UI.Pygame._widget import connect, pair, waitBox
from Kamaelia.Util._stream import shortRepr

__all__ = ["VideoSurface"]

log = logging.getLogger("Kamaelia.UI.Pygame.VideoSurface")


class VideoSurface(component):
    """VideoSurface(position=None, size=None, resize=None) -> new VideoSurface component

    - position -- (x, y) of its top left corner in the window (default (0, 0))
    - size     -- not needed: the first frame gives it (kept for 1.14)
    - resize   -- (w, h): scale every frame to this size
    """

    Inboxes = {"inbox": 'frames: {"rgb": bytes, "size": (w, h), "pixformat": "RGB_interleaved"}',
               "control": "producerFinished or shutdownMicroprocess to end",
               "callback": "our surface, from the display"}
    Outboxes = {"outbox": "not used",
                "signal": "the shutdown message, passed on",
                "display_signal": "requests to the display service"}

    def __init__(self, position: Any = None, size: Any = None, resize: Any = None) -> None:
        super().__init__()
        self.display: Any = None
        self._pending: Any = None
        self.size = None if size is None else pair("VideoSurface", "size", size, 1)
        self.pixformat: str | None = None
        self.resize = None if resize is None else pair("VideoSurface", "resize", resize, 1)
        self.position = (0, 0) if position is None else pair("VideoSurface", "position",
                                                             position, None)

    def waitBox(self, boxname: str) -> Iterator[int]:
        """Generator: yields (paused) until a message waits on inbox ``boxname``."""
        return waitBox(self, boxname)

    def formatChanged(self, frame: dict[str, Any]) -> bool:
        """True if ``frame``'s size or pixel format differs from the last one's."""
        return frame["size"] != self.size or frame["pixformat"] != self.pixformat

    def shutdown(self) -> bool:
        """True (and the message passed on out of "signal") if told to end."""
        request = shutdownRequest(self)
        if request is None:
            return False
        self.send(request, "signal")
        return True

    def main(self) -> Iterator[int]:
        connect(self, "display_signal")
        while True:
            while self._showFrames():
                # A frame of a new size waits (in _pending) for its surface.
                yield from self._newSurface()
            if self.shutdown():
                break
            if not self.anyReady():
                self.pause()
            yield 1
        if self.display is not None:
            self.send(producerFinished(self, self.display), "display_signal")
        yield 1

    def _image(self, frame: Any) -> Any:
        """The frame as a pygame surface, or None (logged) if it is not a good one."""
        try:
            if frame["pixformat"] != "RGB_interleaved":
                raise ValueError(f"pixformat must be 'RGB_interleaved', not "
                                 f"{frame['pixformat']!r}")
            size = pair("VideoSurface", "frame size", frame["size"], 1)
            return pygame.image.frombytes(bytes(frame["rgb"]), size, "RGB")
        except (KeyError, TypeError, ValueError) as exc:
            log.error("%s skipped a bad frame %s: %s", self.name, shortRepr(frame), exc)
            return None

    def _showFrames(self) -> bool:
        """Draw the frames waiting, until one needs a new surface: then it is
        kept in ``_pending`` and True returned. (A method, so that no frame stays
        bound in main while it sleeps.)"""
        if self._pending is not None:
            self._draw(self._image(self._pending))
            self._pending = None
        for frame in self.Inbox("inbox"):
            image = self._image(frame)
            if image is None:
                continue
            if self.display is None or self.formatChanged(frame):
                self._pending = frame
                return True
            self._draw(image)
        return False

    def _draw(self, image: Any) -> None:
        if self.resize:
            image = pygame.transform.scale(image, self.resize)
        self.display.blit(image, (0, 0))
        self.send({"REDRAW": True, "surface": self.display}, "display_signal")

    def _newSurface(self) -> Iterator[int]:
        """Give back the old surface (if any) and wait for one fitting ``_pending``."""
        if self.display is not None:
            self.send(producerFinished(self, self.display), "display_signal")
        self.size, self.pixformat = tuple(self._pending["size"]), self._pending["pixformat"]
        self.send({"DISPLAYREQUEST": True, "callback": (self, "callback"),
                   "size": self.resize or self.size, "position": self.position},
                  "display_signal")
        yield from self.waitBox("callback")
        self.display = self.recv("callback")


__kamaelia_components__ = (VideoSurface,)
