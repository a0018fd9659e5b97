"""The canvas-in-window arithmetic (Kamaelia.UI.Pygame._layout), without a window."""

from __future__ import annotations

from Kamaelia.UI.Pygame._layout import fitCanvas


def test_a_window_the_canvas_size_is_the_identity() -> None:
    layout = fitCanvas((1024, 768), (1024, 768))
    assert layout.identity and layout.scale == 1.0
    assert layout.toCanvas((10, 20)) == (10, 20) and layout.toWindow((10, 20)) == (10, 20)


def test_a_wider_window_pillarboxes_and_a_taller_one_letterboxes() -> None:
    wide = fitCanvas((800, 600), (1600, 900))
    assert wide.scale == 1.5 and wide.shown == (1200, 900) and wide.offset == (200, 0)
    tall = fitCanvas((800, 600), (400, 600))
    assert tall.scale == 0.5 and tall.shown == (400, 300) and tall.offset == (0, 150)
    assert not wide.identity


def test_positions_map_back_to_canvas_pixels_and_round_trip() -> None:
    layout = fitCanvas((800, 600), (1600, 900))
    assert layout.toCanvas((200, 0)) == (0, 0)
    assert layout.toCanvas((1399, 899)) == (799, 599)
    assert layout.toCanvas((100, 10)) == (-67, 6)          # in the band: off the canvas
    for pixel in [(0, 0), (123, 456), (799, 599)]:
        assert layout.toCanvas(layout.toWindow(pixel)) == pixel


def test_hidpi_density_turns_points_into_pixels_first() -> None:
    # A 2x screen: the window is 1024 x 768 points, 2048 x 1536 pixels.
    layout = fitCanvas((1024, 768), (2048, 1536), (1024, 768))
    assert layout.density == (2.0, 2.0) and layout.scale == 2.0
    assert layout.toCanvas((512, 384)) == (512, 384)     # the pointer's point = the pixel
    assert layout.toWindow((512, 384)) == (512, 384)


def test_a_minimised_window_shows_nothing_and_does_not_divide_by_zero() -> None:
    layout = fitCanvas((800, 600), (0, 0))
    assert layout.shown == (0, 0) and layout.scale == 1.0
