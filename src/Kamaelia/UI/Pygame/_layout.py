"""Fitting the display's canvas into its window (not public API).

The rules this module keeps:

1. Components draw on a *canvas* of a fixed size in *canvas pixels* (the
   ``width`` x ``height`` the display was made with). They never see the
   window's size; resizing the window or going fullscreen changes nothing
   for them.
2. The canvas is shown as large as the window allows, keeping its aspect
   ratio, centred; the bands left over (letterbox or pillarbox) are filled
   with the background colour.
3. Mouse positions arrive in *window points* (what the windowing system
   calls the window's size). On a HiDPI screen the window's surface has
   more pixels than the window has points: the ratio between the two is the
   *density*, which pygame tells us by the sizes of ``get_surface()`` (in
   pixels) and ``get_window_size()`` (in points). A position is first turned
   into window pixels (times the density), then into canvas pixels.
4. When window and canvas are the same size in pixels, the mapping is the
   identity and the canvas is copied 1:1, with no resampling.

Everything here is plain arithmetic on tuples, so it is tested without a
window.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Layout", "fitCanvas"]


@dataclass(frozen=True, slots=True)
class Layout:
    """Where the canvas sits in the window.

    - canvas  -- (w, h) canvas size, in canvas pixels
    - window  -- (w, h) window surface size, in window pixels
    - density -- (x, y) window pixels per window point (1.0 but on HiDPI screens)
    - scale   -- window pixels per canvas pixel (the same along both axes)
    - offset  -- (x, y) window pixels from the window's corner to the canvas's
    - shown   -- (w, h) size of the scaled canvas, in window pixels
    """

    canvas: tuple[int, int]
    window: tuple[int, int]
    density: tuple[float, float]
    scale: float
    offset: tuple[int, int]
    shown: tuple[int, int]

    @property
    def identity(self) -> bool:
        """True when the canvas fills the window pixel for pixel."""
        return self.shown == self.window == self.canvas and self.offset == (0, 0)

    def toCanvas(self, pos: tuple[float, float]) -> tuple[int, int]:
        """A position in window points -> the canvas pixel under it (may lie
        outside the canvas, e.g. in a letterbox band)."""
        x = pos[0] * self.density[0]
        y = pos[1] * self.density[1]
        return (int((x - self.offset[0]) // self.scale),
                int((y - self.offset[1]) // self.scale))

    def toWindow(self, pos: tuple[float, float]) -> tuple[int, int]:
        """A canvas pixel -> the window point at its centre (toCanvas's inverse)."""
        x = self.offset[0] + (pos[0] + 0.5) * self.scale
        y = self.offset[1] + (pos[1] + 0.5) * self.scale
        return (int(x / self.density[0]), int(y / self.density[1]))


def fitCanvas(canvas: tuple[int, int], window: tuple[int, int],
              points: tuple[int, int] | None = None) -> Layout:
    """The layout showing ``canvas`` in a window of ``window`` pixels whose
    size in points is ``points`` (default: the same as ``window``)."""
    cw, ch = canvas
    ww, wh = window
    if points is None or points[0] <= 0 or points[1] <= 0:
        points = window
    density = ((ww / points[0], wh / points[1]) if points[0] > 0 and points[1] > 0
               else (1.0, 1.0))
    if cw <= 0 or ch <= 0 or ww <= 0 or wh <= 0:
        # A minimised window (or an empty canvas): nothing is shown.
        return Layout(canvas, window, density, 1.0, (0, 0), (0, 0))
    if (cw, ch) == (ww, wh):
        return Layout(canvas, window, density, 1.0, (0, 0), (cw, ch))
    scale = min(ww / cw, wh / ch)
    shown = (max(1, round(cw * scale)), max(1, round(ch * scale)))
    offset = ((ww - shown[0]) // 2, (wh - shown[1]) // 2)
    return Layout(canvas, window, density, scale, offset, shown)
