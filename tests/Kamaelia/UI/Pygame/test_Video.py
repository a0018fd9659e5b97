"""VideoSurface (RGB frames) and VideoOverlay (YUV 4:2:0 frames) on the window."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from Axon.Ipc import producerFinished
from Kamaelia.UI.Pygame.VideoOverlay import OVERLAY_FUDGE_OFFSET_FACTOR, VideoOverlay
from Kamaelia.UI.Pygame.VideoSurface import VideoSurface

from componentharness import attach


def rgbFrame(size: tuple[int, int], colour: tuple[int, int, int]) -> dict[str, Any]:
    return {"rgb": bytes(colour) * (size[0] * size[1]), "size": size,
            "pixformat": "RGB_interleaved"}


def yuvFrame(size: tuple[int, int], y: int, u: int, v: int) -> dict[str, Any]:
    quarter = (size[0] // 2) * (size[1] // 2)
    return {"yuv": (bytes([y]) * (size[0] * size[1]), bytes([u]) * quarter,
                    bytes([v]) * quarter), "size": size, "pixformat": "YUV420_planar"}


def test_videosurface_shows_each_frame_and_follows_a_size_change(screen: Any) -> None:
    video = VideoSurface(position=(20, 20))
    sink = attach(video)
    video.inboxes["inbox"].append(rgbFrame((16, 8), (200, 10, 10)))
    screen.until(lambda: video.display is not None and screen.pixel((25, 25)) == (200, 10, 10),
                 "the first frame")
    assert screen.pixel((36, 20)) == (255, 255, 255)          # 16 wide
    video.inboxes["inbox"].append(rgbFrame((32, 8), (10, 200, 10)))
    video.unpause()
    screen.until(lambda: screen.pixel((45, 25)) == (10, 200, 10), "the bigger frame")
    screen.settle()
    assert screen.display().statistics().surfaces == 1        # the old one given back
    video.inboxes["control"].append(producerFinished())
    video.unpause()
    screen.until(lambda: sink.control, "the shutdown")


def test_videosurface_resize_scales_frames(screen: Any) -> None:
    video = VideoSurface(position=(0, 0), resize=(64, 64))
    attach(video)
    video.inboxes["inbox"].append(rgbFrame((4, 4), (10, 10, 200)))
    screen.until(lambda: screen.pixel((60, 60)) == (10, 10, 200), "the scaled frame")


def test_a_bad_frame_is_logged_and_skipped(screen: Any, caplog: pytest.LogCaptureFixture) -> None:
    video = VideoSurface(position=(0, 0))
    attach(video)
    with caplog.at_level(logging.ERROR, logger="Kamaelia.UI.Pygame.VideoSurface"):
        video.inboxes["inbox"].extend([{"rgb": b"short", "size": (4, 4),
                                        "pixformat": "RGB_interleaved"},
                                       rgbFrame((4, 4), (1, 2, 3))])
        screen.until(lambda: video.display is not None and screen.pixel((1, 1)) == (1, 2, 3),
                     "the good frame")
    [record] = caplog.records
    assert video.name in record.getMessage() and "bad frame" in record.getMessage()


def test_videooverlay_shows_yuv_frames_and_ends_its_overlay(screen: Any) -> None:
    assert OVERLAY_FUDGE_OFFSET_FACTOR == 0
    overlay = VideoOverlay(position=(50, 50))
    sink = attach(overlay)
    overlay.inboxes["inbox"].append(yuvFrame((16, 16), 81, 90, 240))          # red
    screen.until(lambda: screen.display() is not None
                 and screen.display().statistics().overlays == 1, "the overlay")
    screen.until(lambda: (screen.pixel((55, 55)) or (0,))[0] > 200, "red")
    overlay.inboxes["inbox"].append(yuvFrame((16, 16), 145, 54, 34))          # green
    overlay.unpause()
    screen.until(lambda: screen.pixel((55, 55))[1] > 200 and screen.pixel((55, 55))[0] < 100,
                 "green")
    overlay.inboxes["inbox"].append(yuvFrame((32, 16), 41, 240, 110))          # blue, wider
    overlay.unpause()
    screen.until(lambda: screen.pixel((75, 55))[2] > 200, "the wider blue frame")
    assert screen.display().statistics().overlays == 1          # replaced, not added
    overlay.inboxes["control"].append(producerFinished())
    overlay.unpause()
    screen.until(lambda: sink.control, "the shutdown")
    screen.until(lambda: screen.display() is None, "the overlay ended (and the display)")
