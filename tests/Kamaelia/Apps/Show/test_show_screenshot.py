"""scripts/screenshot_show.py, which makes docs/images/show.png, makes a true picture."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[4]
SCRIPT = ROOT / "scripts" / "screenshot_show.py"


def near(a: tuple[int, ...], b: tuple[int, ...], tolerance: int = 12) -> bool:
    return all(abs(p - q) <= tolerance for p, q in zip(a, b))


def shoot(tmp_path: Path, *options: str) -> Image.Image:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["SDL_VIDEODRIVER"] = "dummy"
    output = tmp_path / "show.png"
    done = subprocess.run([sys.executable, str(SCRIPT), "--output", str(output), *options],
                          capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"wrote {output}")
    assert output.stat().st_size < 100_000                  # small enough to commit
    return Image.open(output).convert("RGB")


@pytest.mark.parametrize("overview", [False, True], ids=["slide", "overview"])
def test_the_screenshot_shows_the_second_slide_the_counter_and_the_timer(
        tmp_path: Path, overview: bool) -> None:
    picture = shoot(tmp_path, *(["--overview"] if overview else []))
    assert picture.size == (960, 540)
    width, height = picture.size
    if overview:
        # The second thumbnail is framed in the selection's yellow.
        assert any(near(picture.getpixel((x, y)), (255, 200, 0), 30)
                   for x in range(width // 3, 2 * width // 3) for y in range(20, 60))
    else:
        assert near(picture.getpixel((width // 2, height * 3 // 4)), (24, 96, 72))
    # The counter (bottom right) and timer (bottom left): dark boxes with light text.
    for x0 in (5, width - 60):
        corner = [picture.getpixel((x, y)) for x in range(x0, x0 + 50)
                  for y in range(height - 40, height - 10)]
        assert any(sum(p) > 600 for p in corner) and any(sum(p) < 100 for p in corner)
