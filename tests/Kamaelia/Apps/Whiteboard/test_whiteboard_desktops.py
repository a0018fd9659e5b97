"""Desktop whiteboards in their own processes, on a real X server, joined over TCP.

Each instance is ``whiteboard_instance.py`` (``kamaelia whiteboard``'s hub
and window, driven over stdin) in a child process on the session's Xvfb.
Strokes are pygame mouse events put into one instance's event queue; the
test then waits for the other's *window* to show them, comparing pixels
along the line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from wbinstances import BLACK, WHITE, Instance, artifacts


@pytest.fixture
def instances(xvfb: str) -> Iterator[list[Instance]]:
    started: list[Instance] = []
    yield started
    for instance in reversed(started):
        instance.close()
    for instance in started:
        assert instance.process.returncode == 0


def along(y: int, x0: int = 120, x1: int = 380, colour: list[int] = BLACK
          ) -> list[tuple[int, int, list[int]]]:
    """Points on a horizontal line drawn from x0 to x1 at window height y."""
    return [(x, y, colour) for x in range(x0 + 10, x1 - 10, 20)]


def test_a_stroke_in_one_window_appears_in_the_other(xvfb: str, instances: list[Instance],
                                                    tmp_path: Path) -> None:
    server = Instance(xvfb, "--serveport", "0")
    instances.append(server)
    client = Instance(xvfb, "--connectto", f"127.0.0.1:{server.port}")
    instances.append(client)
    line = 200
    client.waitFor([(250, line, WHITE)])
    server.drag((120, line), (380, line))
    server.waitFor(along(line))                   # drawn where it was made ...
    client.waitFor(along(line))                   # ... and in the other window
    client.drag((600, 400), (900, 400))           # and the other way
    server.waitFor(along(400, 600, 900))
    folder = artifacts(tmp_path)
    server.do(do="shot", path=str(folder / "whiteboard-desktop-server.png"))
    client.do(do="shot", path=str(folder / "whiteboard-desktop-client.png"))


def test_page_changes_propagate_and_a_late_joiner_gets_the_current_page(
        xvfb: str, instances: list[Instance]) -> None:
    server = Instance(xvfb, "--serveport", "0")
    instances.append(server)
    client = Instance(xvfb, "--connectto", f"127.0.0.1:{server.port}")
    instances.append(client)
    server.drag((120, 200), (380, 200))
    client.waitFor(along(200))
    client.do(do="key", key="n")                  # a new page, from the joined window
    server.waitFor([(250, 200, WHITE)])
    assert server.state() == (2, 2)
    server.drag((120, 300), (380, 300))           # on page 2
    client.waitFor(along(300))
    late = Instance(xvfb, "--connectto", f"127.0.0.1:{server.port}")
    instances.append(late)
    late.waitFor(along(300) + [(250, 200, WHITE)])     # the current page, page 2 ...
    assert late.state() == (2, 2)                      # ... of 2
    late.do(do="key", key="left")                      # and page 1 came too
    late.waitFor(along(200) + [(250, 300, WHITE)])
    server.waitFor(along(200))                         # (the turn reached the others)
    client.waitFor(along(200))
