"""A real browser talks to a Kamaelia component over a WebSocket.

Debian's headless Chromium, driven by selenium through Debian's
chromedriver (never a downloaded one: the driver's path is given, so
selenium-manager is not run), loads a page from a ``WebSocketServer`` (its
``page`` option: the page and its socket on one port, no HTTP server
needed). The page opens a WebSocket to a component that upper-cases what it
gets, sends a message and shows the reply; the test reads the reply from
the page and saves a screenshot.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from Kamaelia.Protocol.WebSocket import WebSocketServer
from Kamaelia.Util.PureTransformer import PureTransformer

from nettools import Background

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>Kamaelia WebSocket</title></head>
<body>
<h1>Kamaelia says</h1>
<p id="reply">(waiting)</p>
<script>
const socket = new WebSocket("ws://" + location.host + "/");
socket.onopen = () => socket.send("hello from " + navigator.userAgent.split(" ")[0]);
socket.onmessage = (event) => {
  const reply = document.getElementById("reply");
  reply.textContent = event.data;
  reply.className = "answered";
};
socket.onerror = () => { document.getElementById("reply").textContent = "socket error"; };
</script>
</body></html>
"""


def test_a_browser_page_talks_to_a_kamaelia_component(tmp_path: Path) -> None:
    # (Installed by .ci/run with apt; a missing browser is a failure, not a skip.)
    assert shutil.which(CHROMIUM) and shutil.which(CHROMEDRIVER), \
        "Debian's chromium and chromium-driver packages are needed"
    server = WebSocketServer(lambda: PureTransformer(str.upper), port=0, page=PAGE)
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu",
                     "--disable-dev-shm-usage", f"--user-data-dir={tmp_path / 'profile'}"):
        options.add_argument(argument)
    with Background(server):
        driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
        try:
            driver.set_page_load_timeout(30)
            driver.get(f"http://127.0.0.1:{server.port}/")
            reply = WebDriverWait(driver, 30).until(
                expected_conditions.presence_of_element_located((By.CLASS_NAME, "answered")))
            assert reply.text.startswith("HELLO FROM MOZILLA/")
            assert driver.title == "Kamaelia WebSocket"
            shot = tmp_path / "page.png"
            assert driver.save_screenshot(str(shot))
        finally:
            driver.quit()
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 1000
