"""A browser and a desktop window on one board: each sees the other's strokes.

The desktop instance is ``whiteboard_instance.py`` in a child process on
the session's Xvfb, serving; Debian's headless Chromium (selenium, Debian's
chromedriver) opens the page it serves on the next port. A stroke drawn in
the page with synthetic pointer events appears in the desktop *window*; a
stroke made in the window with pygame mouse events appears on the page's
canvas, read back with ``toDataURL``.
"""

from __future__ import annotations

import base64
import io
import shutil
from pathlib import Path
from typing import Any, Iterator

import pytest
from PIL import Image
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.actions import interaction
from selenium.webdriver.common.actions.action_builder import ActionBuilder
from selenium.webdriver.common.actions.pointer_input import PointerInput
from selenium.webdriver.support.ui import WebDriverWait

from wbinstances import BLACK, TOOLBAR, Instance, artifacts

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
WAIT = 30
W, H = 1024, 704


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[webdriver.Chrome]:
    # (Installed by .ci/run with apt; a missing browser is a failure, not a skip.)
    assert shutil.which(CHROMIUM) and shutil.which(CHROMEDRIVER), \
        "Debian's chromium and chromium-driver packages are needed"
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu",
                     "--disable-dev-shm-usage", f"--user-data-dir={tmp_path / 'profile'}",
                     "--window-size=1280,900"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        driver.set_page_load_timeout(WAIT)
        driver.set_script_timeout(WAIT)
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def desktop(xvfb: str) -> Iterator[Instance]:
    instance = Instance(xvfb, "--serveport", "0", "--token", "letmein")
    yield instance
    instance.close()
    assert instance.process.returncode == 0


def viewport(driver: webdriver.Chrome, x: float, y: float) -> tuple[int, int]:
    """The viewport point over board pixel (x, y)."""
    left, top, width, height = driver.execute_script(
        "const r = document.getElementById('board').getBoundingClientRect();"
        "return [r.left, r.top, r.width, r.height];")
    return round(left + (x + 0.5) * width / W), round(top + (y + 0.5) * height / H)


def stroke(driver: webdriver.Chrome, points: list[tuple[int, int]]) -> None:
    pointer = PointerInput(interaction.POINTER_MOUSE, "mouse")
    actions = ActionBuilder(driver, mouse=pointer, duration=10)
    actions.pointer_action.move_to_location(*viewport(driver, *points[0]))
    actions.pointer_action.pointer_down()
    for point in points[1:]:
        actions.pointer_action.move_to_location(*viewport(driver, *point))
    actions.pointer_action.pointer_up()
    actions.perform()


def canvas(driver: webdriver.Chrome) -> Image.Image:
    url = driver.execute_script("return window.whiteboard.dataURL();")
    return Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1]))).convert("RGB")


def dark(colour: Any) -> bool:
    return max(colour) < 90


def test_browser_and_desktop_see_each_others_strokes(browser: webdriver.Chrome,
                                                     desktop: Instance, tmp_path: Path) -> None:
    browser.get(f"http://127.0.0.1:{desktop.webPort}/?token=letmein")
    WebDriverWait(browser, WAIT).until(
        lambda driver: driver.execute_script(
            "return window.whiteboard && window.whiteboard.connected"
            " && window.whiteboard.received > 0"))        # joined: the board has arrived

    # In the browser, a stroke across the board at board height 300 ...
    stroke(browser, [(100 + 30 * i, 300) for i in range(11)])
    # ... shows in the desktop window (its board starts TOOLBAR pixels down).
    desktop.waitFor([(x, 300 + TOOLBAR, BLACK) for x in range(130, 380, 25)])

    # In the window, a stroke at board height 500 ...
    desktop.drag((500, 500 + TOOLBAR), (900, 500 + TOOLBAR))
    # ... shows on the page's canvas.
    WebDriverWait(browser, WAIT).until(
        lambda driver: all(dark(canvas(driver).getpixel((x, 500))) for x in range(520, 880, 40)))
    picture = canvas(browser)
    assert all(dark(picture.getpixel((x, 300))) for x in range(130, 380, 25))
    assert not dark(picture.getpixel((700, 400)))          # (and not everywhere)

    folder = artifacts(tmp_path)
    assert browser.save_screenshot(str(folder / "whiteboard-browser-with-desktop.png"))
    desktop.do(do="shot", path=str(folder / "whiteboard-desktop-with-browser.png"))
    browser.get("about:blank")          # (the page's socket closes before the desktop does)
