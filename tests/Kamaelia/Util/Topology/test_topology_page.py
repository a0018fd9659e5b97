"""The live topology page in a real browser, showing a real running system.

Debian's headless Chromium, driven by selenium through Debian's
chromedriver, opens the page of a :class:`TopologyServer` serving a system
of a Pipeline, a Graphline and a TCP echo server with a client connected to
it. What the page shows is read from its own model (``window.topology``)
and from the pixels of its canvas; the truth it is compared with is read
from the scheduler, in its thread. A screenshot is kept (in
``$KAMAELIA_TEST_ARTIFACTS`` when set) as ``live-topology.png``.

One browser serves the whole module (starting it is the slow part).
"""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path
from typing import Any, Iterator

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from Axon.Component import component
from Axon.Scheduler import scheduler
from Kamaelia.Chassis.ConnectedServer import ServerCore
from Kamaelia.Chassis.Graphline import Graphline
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.Internet.TCPClient import TCPClient
from Kamaelia.Protocol.EchoProtocol import EchoProtocol
from Kamaelia.Util.Topology.server import TopologyServer

from nettools import IO_TIMEOUT, inScheduler

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
BACKGROUND = (246, 246, 243)            # the canvas's background (#f6f6f3)
KIND = {0: ("o", "i"), 1: ("i", "i"), 2: ("o", "o")}


class Idle(component):
    """Idle() -> does nothing until stopped, a component to look at"""

    def main(self) -> Iterator[int]:
        while True:
            self.pause()
            yield 1


class Hello(component):
    """Hello() -> sends b"hello" once, then waits"""

    def main(self) -> Iterator[int]:
        self.send(b"hello", "outbox")
        while True:
            self.pause()
            yield 1


class Heard(component):
    """Heard(event) -> sets ``event`` once anything arrives"""

    def __init__(self, event: threading.Event) -> None:
        super().__init__()
        self.event = event

    def main(self) -> Iterator[int]:
        while True:
            if self.dataReady("inbox"):
                self.inboxes["inbox"].clear()
                self.event.set()
            self.pause()
            yield 1


# ------------------------------------------------------------ fixtures
@pytest.fixture(scope="module")
def driver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[webdriver.Chrome]:
    # (Installed by .ci/run with apt; a missing browser is a failure, not a skip.)
    assert shutil.which(CHROMIUM) and shutil.which(CHROMEDRIVER), \
        "Debian's chromium and chromium-driver packages are needed"
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    profile = tmp_path_factory.mktemp("chromium") / "profile"
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu",
                     "--disable-dev-shm-usage", f"--user-data-dir={profile}",
                     "--window-size=1280,800"):
        options.add_argument(argument)
    browser = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        browser.set_page_load_timeout(30)
        browser.set_script_timeout(IO_TIMEOUT)
        yield browser
    finally:
        browser.quit()


class System:
    """A Pipeline, a Graphline, an echo server and its client, and the page's
    server, running in the default scheduler in a thread."""

    def __init__(self) -> None:
        self.first, self.second = Idle(), Idle()
        self.pipeline = Pipeline(self.first, self.second)
        self.graphline = Graphline(A=Idle(), B=Idle(),
                                   linkages={("A", "outbox"): ("B", "inbox"),
                                             ("self", "control"): ("A", "control")})
        self.echo = ServerCore(protocol=EchoProtocol, port=0, host="127.0.0.1")
        self.heard = threading.Event()
        self.client = Pipeline(Hello(), TCPClient("127.0.0.1", self.echo.port),
                               Heard(self.heard))
        self.server = TopologyServer(port=0, interval=0.1)
        for comp in (self.pipeline, self.graphline, self.echo, self.client, self.server):
            comp.activate()
        self.thread = threading.Thread(target=scheduler.run.runThreads, daemon=True)

    def start(self) -> None:
        self.thread.start()
        assert self.heard.wait(IO_TIMEOUT), "the echo never came back"

    def stop(self) -> None:
        scheduler.run.stop()
        self.thread.join(IO_TIMEOUT)
        assert not self.thread.is_alive(), "the scheduler did not stop"

    # -- the truth, read in the scheduler's thread
    def _visible(self) -> list[component]:
        hidden: set[component] = set()
        waiting: list[component] = [self.server]
        while waiting:
            comp = waiting.pop()
            hidden.add(comp)
            waiting += comp.childComponents()
        return [mp for mp in scheduler.run.listAllThreads()
                if isinstance(mp, component) and mp not in hidden]

    def names(self) -> list[str]:
        return sorted(inScheduler(lambda: [comp.name for comp in self._visible()]))

    def links(self) -> list[str]:
        def read() -> list[str]:
            visible = set(self._visible())
            found = set()
            for comp in visible:
                for link in comp.postoffice.linkages:
                    if link.source in visible and link.sink in visible:
                        source, sink = KIND[link.passthrough]
                        found.add(f"{link.source.id}:{source}:{link.sourcebox}->"
                                  f"{link.sink.id}:{sink}:{link.sinkbox}")
            return sorted(found)
        return list(inScheduler(read))


@pytest.fixture
def system() -> Iterator[System]:
    running = System()
    running.start()
    try:
        yield running
    finally:
        running.stop()


class Page:
    def __init__(self, driver: webdriver.Chrome, system: System) -> None:
        self.driver = driver
        driver.get(system.server.url)
        self.until(lambda: self.js("topology.connected && topology.messages > 0"))

    def js(self, expression: str, *args: Any) -> Any:
        return self.driver.execute_script("return " + expression, *args)

    def until(self, condition: Any, message: str = "") -> Any:
        return WebDriverWait(self.driver, IO_TIMEOUT).until(lambda _: condition(), message)

    def pixelAt(self, x: float, y: float) -> tuple[int, int, int]:
        """The canvas's pixel under the page point (x, y)."""
        return tuple(self.js("""(() => {
            const canvas = document.getElementById("graph");
            const rect = canvas.getBoundingClientRect(), ratio = canvas.width / rect.width;
            const data = canvas.getContext("2d").getImageData(
                Math.round((arguments[0] - rect.left) * ratio),
                Math.round((arguments[1] - rect.top) * ratio), 1, 1).data;
            return [data[0], data[1], data[2]]; })()""", x, y))

    def drawnShare(self) -> float:
        """The share of the canvas's pixels that are not background."""
        return float(self.js("""(() => {
            const canvas = document.getElementById("graph");
            const data = canvas.getContext("2d").getImageData(0, 0, canvas.width,
                                                              canvas.height).data;
            let drawn = 0;
            for (let i = 0; i < data.length; i += 4) {
                if (data[i] !== %d || data[i + 1] !== %d || data[i + 2] !== %d) drawn++;
            }
            return drawn / (canvas.width * canvas.height); })()""" % BACKGROUND))

    def settle(self) -> None:
        self.until(lambda: self.js("topology.settled"), "the layout never settled")


@pytest.fixture
def page(driver: webdriver.Chrome, system: System) -> Iterator[Page]:
    shown = Page(driver, system)
    try:
        yield shown
    finally:
        driver.get("about:blank")        # before the server goes: no reconnecting page


def artifacts(tmp_path: Path) -> Path:
    where = Path(os.environ.get("KAMAELIA_TEST_ARTIFACTS") or tmp_path)
    where.mkdir(parents=True, exist_ok=True)
    return where


# ------------------------------------------------------------ the tests
def test_the_page_shows_every_component_and_every_link_and_draws_them(
        page: Page, system: System, tmp_path: Path) -> None:
    names = system.names()
    assert system.pipeline.name in names and system.graphline.name in names
    assert any("EchoProtocol" in name for name in names)        # the server's side
    assert any("ConnectedSocketAdapter" in name for name in names)
    assert not any("Topology" in name or "HTTPServer" in name for name in names)
    page.until(lambda: page.js("topology.names()") == names,
               f"the page never showed {names}")
    links = system.links()
    assert len(links) >= 10
    page.until(lambda: page.js("topology.linkList()") == links, f"never showed {links}")
    page.settle()
    assert 0.01 < page.drawnShare() < 0.6           # drawn, but not a smear
    for comp in (system.first, system.graphline):
        at = page.js("topology.pagePosition(arguments[0])", str(comp.id))
        assert page.pixelAt(at["x"], at["y"]) != BACKGROUND, f"{comp.name} is not drawn"
    counts = page.driver.find_element(By.ID, "counts").text
    assert counts.startswith(f"{len(names)} components, {len(links)} links")
    shot = artifacts(tmp_path) / "live-topology.png"
    assert page.driver.save_screenshot(str(shot))
    assert shot.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


def test_a_component_that_starts_appears_and_one_that_stops_goes(
        page: Page, system: System) -> None:
    page.until(lambda: page.js("topology.names()") == system.names())
    newcomer = Idle()
    inScheduler(newcomer.activate)
    page.until(lambda: newcomer.name in page.js("topology.names()"), "it never appeared")
    page.until(lambda: page.js("topology.pagePosition(arguments[0])", str(newcomer.id)))
    inScheduler(system.first.stop)
    page.until(lambda: system.first.name not in page.js("topology.names()"), "it never went")
    assert page.js("topology.pagePosition(arguments[0])", str(system.first.id)) is None
    gone = f"{system.first.id}:o:outbox->{system.second.id}:i:inbox"
    assert gone not in page.js("topology.linkList()")
    assert page.js("topology.names()") == system.names()


def test_clicking_a_component_shows_its_boxes_class_and_docstring(
        page: Page, system: System) -> None:
    page.until(lambda: system.second.name in page.js("topology.names()"))
    page.settle()
    at = page.js("topology.pagePosition(arguments[0])", str(system.second.id))
    canvas = page.driver.find_element(By.ID, "graph")
    left, top = page.js("[arguments[0].getBoundingClientRect().left, "
                        "arguments[0].getBoundingClientRect().top, ]", canvas)
    size = canvas.size
    ActionChains(page.driver).move_to_element_with_offset(
        canvas, at["x"] - left - size["width"] / 2, at["y"] - top - size["height"] / 2
    ).click().perform()
    panel = page.driver.find_element(By.ID, "details")
    page.until(lambda: panel.is_displayed(), "no panel after the click")
    assert page.js("topology.selected") == str(system.second.id)
    assert page.driver.find_element(By.ID, "details-name").text == system.second.name
    assert page.driver.find_element(By.ID, "details-class").text == f"class {__name__}.Idle"
    assert page.driver.find_element(By.ID, "details-parent").text == \
        f"inside {system.pipeline.name}"
    doc = page.driver.find_element(By.ID, "details-doc").text
    assert doc == "Idle() -> does nothing until stopped, a component to look at"
    inboxes = page.driver.find_element(By.ID, "details-inboxes").text
    assert "inbox — 0 waiting" in inboxes and "control — 0 waiting" in inboxes
    page.driver.find_element(By.ID, "details-close").click()
    page.until(lambda: not panel.is_displayed(), "the panel did not close")
