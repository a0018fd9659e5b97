"""YUV 4:2:0 video frames shown in the pygame window, as an overlay.

Example Usage
-------------
Frames from a decoder (any source of 1.14's YUV frame dictionaries)::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.UI.Pygame.VideoOverlay import VideoOverlay
    from Kamaelia.Util.DataSource import DataSource

    width, height = 160, 120
    grey = {"yuv": (bytes([128]) * (width * height),
                    bytes([128]) * (width * height // 4),
                    bytes([128]) * (width * height // 4)),
            "size": (width, height), "pixformat": "YUV420_planar"}
    Pipeline(DataSource([grey] * 50), VideoOverlay(position=(100, 100))).run()

How does it work?
-----------------
Each message on ``"inbox"`` is a frame::

    {"yuv": (y, u, v),                  # the three planes, bytes: Y is w * h,
                                        # U and V (w / 2) * (h / 2)
     "size": (width, height),
     "pixformat": "YUV420_planar"}

For the first frame (and whenever size or format change) it sends the
display an ``OVERLAYREQUEST`` carrying that frame and naming its
``"yuvdata"`` outbox as the source of the frames to come; later frames'
planes go straight out of ``"yuvdata"`` to the display, which converts the
latest one to RGB (with Pillow) when it draws, so frames arriving faster
than the display's frame rate cost no conversion. The overlay is drawn
above the surfaces, at ``position``.

pygame 2 has no hardware overlays (1.14's VideoOverlay raised
NotImplementedError on import for that reason); this one works everywhere.
``OVERLAY_FUDGE_OFFSET_FACTOR`` (1.14 narrowed the overlay by 2 pixels to
work round an X11 driver bug) is kept, and 0.

Shutdown: ``producerFinished`` or ``shutdownMicroprocess`` on ``"control"``
is passed on out of ``"signal"``; it then sends ``None`` out of
``"yuvdata"``, which ends the overlay, and ends.
"""

from __future__ import annotations

import logging
from typing import Any, Iterator

from Axon.Component import component
from Axon.Ipc import shutdownRequest
from Kamaelia.UI.Pygame.Display import IYUV_OVERLAY
from Kamaelia.UI.Pygame._widget import connect, pair, waitBox
from Kamaelia.Util._stream import shortRepr

__all__ = ["VideoOverlay", "pygame_pixformat_map", "OVERLAY_FUDGE_OFFSET_FACTOR"]

log = logging.getLogger("Kamaelia.UI.Pygame.VideoOverlay")

#: Frame pixformat -> the display's overlay format.
pygame_pixformat_map = {"YUV420_planar": IYUV_OVERLAY}

#: Pixels taken off the overlay's width (1.14's driver workaround; not needed).
OVERLAY_FUDGE_OFFSET_FACTOR = 0


class VideoOverlay(component):
    """VideoOverlay(position=(0, 0)) -> new VideoOverlay component

    - position -- (x, y) of the overlay's top left corner in the window
    """

    Inboxes = {"inbox": 'frames: {"yuv": (y, u, v), "size": (w, h), "pixformat": ...}',
               "control": "producerFinished or shutdownMicroprocess to end"}
    Outboxes = {"outbox": "not used",
                "signal": "the shutdown message, passed on",
                "displayctrl": "requests to the display service",
                "yuvdata": "the planes of each frame after the first, to the display"}

    pixformat = None
    size = None
    position = (0, 0)

    def __init__(self, **argd: Any) -> None:
        super().__init__()
        self.size = None
        self.pixformat = None
        self.position = pair("VideoOverlay", "position", argd.get("position", (0, 0)), None)
        self._linked = False

    def waitBox(self, boxname: str) -> Iterator[int]:
        """Generator: yields (paused) until a message waits on inbox ``boxname``."""
        return waitBox(self, boxname)

    def formatChanged(self, frame: dict[str, Any]) -> bool:
        """True if ``frame``'s size or pixel format differs from the last one's."""
        return frame["size"] != self.size or frame["pixformat"] != self.pixformat

    def newOverlay(self, frame: dict[str, Any]) -> Iterator[int]:
        """Generator: ask the display for an overlay suited to ``frame``."""
        self._requestOverlay(frame)
        yield 1

    def _requestOverlay(self, frame: dict[str, Any]) -> None:
        self.size = pair("VideoOverlay", "frame size", frame["size"], 1)
        self.pixformat = frame["pixformat"]
        if not self._linked:
            connect(self, "displayctrl")
            self._linked = True
        self.send({"OVERLAYREQUEST": True,
                   "pixformat": pygame_pixformat_map[self.pixformat],
                   "yuvservice": (self, "yuvdata"),
                   "size": (self.size[0] - OVERLAY_FUDGE_OFFSET_FACTOR, self.size[1]),
                   "position": self.position,
                   "yuv": frame["yuv"]}, "displayctrl")

    def _handleFrames(self) -> None:
        # A method, so that no frame stays bound in main while it sleeps.
        for frame in self.Inbox("inbox"):
            try:
                if frame["pixformat"] not in pygame_pixformat_map:
                    raise ValueError(f"pixformat must be one of "
                                     f"{sorted(pygame_pixformat_map)}")
                if self.formatChanged(frame):
                    self._requestOverlay(frame)
                else:
                    self.send(frame["yuv"], "yuvdata")
            except (KeyError, TypeError, ValueError) as exc:
                log.error("%s skipped a bad frame %s: %s", self.name, shortRepr(frame), exc)

    def main(self) -> Iterator[int]:
        while True:
            self._handleFrames()
            request = shutdownRequest(self)
            if request is not None:
                break
            if not self.anyReady():
                self.pause()
            yield 1
        self.send(request, "signal")
        if self._linked:
            self.send(None, "yuvdata")


__kamaelia_components__ = (VideoOverlay,)
