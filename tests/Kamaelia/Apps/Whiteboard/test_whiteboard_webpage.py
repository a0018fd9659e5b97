"""The whiteboard's web page in a real browser, against a real WebSocketServer.

Debian's headless Chromium, driven by selenium through Debian's
chromedriver (never a downloaded one), loads ``pageHtml()`` from a
``WebSocketServer`` whose per-connection component (``Recorder``) records
the commands of every line the page sends and sends it the lines a test
scripts. The tests draw with real pointer input (selenium's pen and mouse),
click the page's buttons and read the pages back as PNGs (``dataURL()`` of
the page's test hook, decoded with Pillow).

One browser serves the whole module (starting it is the slow part); each
test has its own server (the scheduler is fresh for every test).
"""

from __future__ import annotations

import base64
import io
import os
import queue
import shutil
import zlib
from pathlib import Path
from typing import Any, Iterator

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from PIL import Image
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.actions import interaction
from selenium.webdriver.common.actions.action_builder import ActionBuilder
from selenium.webdriver.common.actions.pointer_input import PointerInput
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from Axon.Component import component
from Axon.Ipc import producerFinished, shutdownMicroprocess
from Kamaelia.Apps.Whiteboard.Tokenisation import (TokenisationError, decodeLine, encodeTokens,
                                                   tokenBytes)
from Kamaelia.Apps.Whiteboard.WebClient import WEBSOCKET_PATH, pageHtml
from Kamaelia.Protocol.WebSocket import WebSocketServer

from nettools import IO_TIMEOUT, Background, inScheduler

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
W, H = 1024, 704
RED, GREEN, BLUE, WHITE = (255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 255)


# ------------------------------------------------------------ the page's peer
class Recorder(component):
    """Recorder(peer) -> the page's end of one WebSocket connection

    Puts itself on ``peer.connections`` when it starts and the commands of
    every line the page sends on ``peer.lines``; a test sends lines to the
    page out of its "outbox" (with ``inScheduler``)."""

    Inboxes = {"inbox": "the page's WebSocket messages (bytes: whole lines)",
               "control": "shutdownMicroprocess when the connection has closed"}
    Outboxes = {"outbox": "lines for the page (bytes; str goes as a text message)",
                "signal": "producerFinished: close the WebSocket"}

    def __init__(self, peer: "Peer") -> None:
        super().__init__()
        self.peer = peer

    def main(self) -> Iterator[int]:
        self.peer.connections.put(self)
        while not self.closed():
            self.record()
            if not self.anyReady():
                self.pause()
            yield 1

    def record(self) -> None:
        for message in self.Inbox("inbox"):
            if not isinstance(message, bytes):
                self.peer.lines.put(("not bytes", message))
                continue
            for line in message.splitlines(keepends=True):
                self.peer.lines.put(("line", decodeLine(line)))

    def closed(self) -> bool:
        for message in self.Inbox("control"):
            if isinstance(message, (producerFinished, shutdownMicroprocess)):
                self.send(producerFinished(self), "signal")
                return True
        return False


class Peer:
    """The test's side of the connections: what the page sent, whom to answer."""

    def __init__(self) -> None:
        self.connections: queue.Queue[Recorder] = queue.Queue()
        self.lines: queue.Queue[tuple[str, Any]] = queue.Queue()

    def nextLine(self) -> list[Any]:
        try:
            kind, commands = self.lines.get(timeout=IO_TIMEOUT)
        except queue.Empty:
            raise AssertionError(f"the page sent nothing in {IO_TIMEOUT} s") from None
        assert kind == "line", f"the page sent a text message: {commands!r:.200}"
        assert isinstance(commands, list)
        return commands

    def nextConnection(self) -> Recorder:
        try:
            return self.connections.get(timeout=IO_TIMEOUT)
        except queue.Empty:
            raise AssertionError(f"the page did not connect in {IO_TIMEOUT} s") from None


# ------------------------------------------------------------ a page at work
class Board:
    """A loaded whiteboard page and its server-side connection."""

    def __init__(self, driver: webdriver.Chrome, server: WebSocketServer, peer: Peer,
                 path: str | None) -> None:
        self.driver, self.server, self.peer = driver, server, peer
        self.where = WEBSOCKET_PATH if path is not None else "/"
        self.linesSent = 0
        self.connection: Recorder | None = None

    def load(self, query: str = "", token: str | None = None) -> None:
        """Load the page; wait for its connection and its opening lines."""
        self.driver.get(f"http://127.0.0.1:{self.server.port}{self.where}{query}")
        self.connection = self.peer.nextConnection()
        self.linesSent = 0
        self.opening(token)

    def opening(self, token: str | None) -> None:
        if token is not None:
            assert self.peer.nextLine() == [["AUTH", token]]
        assert self.peer.nextLine() == [["GETIMG"]]

    # -- to the page
    def sendRaw(self, data: bytes | str) -> None:
        connection = self.connection
        assert connection is not None
        inScheduler(lambda: connection.send(data, "outbox"))
        self.linesSent += data.count(b"\n") if isinstance(data, bytes) else data.count("\n")

    def send(self, *commands: list[Any]) -> None:
        self.sendRaw(encodeTokens(list(commands)))

    def settle(self) -> None:
        """Wait until the page has handled every line sent to it."""
        self.driver.execute_async_script(
            "whiteboard.whenReceived(arguments[0]).then(arguments[1])", self.linesSent)

    # -- from the page
    def js(self, expression: str, *args: Any) -> Any:
        return self.driver.execute_script("return " + expression, *args)

    def image(self, page: int | None = None) -> Image.Image:
        url = self.js("whiteboard.dataURL(arguments[0])", page)
        assert isinstance(url, str) and url.startswith("data:image/png;base64,"), url
        image = Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1]))).convert("RGB")
        assert image.size == (W, H)
        return image

    def commandsUntil(self, name: str) -> tuple[list[list[Any]], list[Any]]:
        """The commands the page sends up to the first ``name`` command (and it)."""
        before: list[list[Any]] = []
        while True:
            for command in self.peer.nextLine():
                if command[0] == name:
                    return before, command
                before.append(command)

    def click(self, selector: str) -> None:
        self.driver.find_element(By.CSS_SELECTOR, selector).click()

    def text(self, selector: str) -> str:
        return str(self.driver.find_element(By.CSS_SELECTOR, selector).text)

    # -- drawing with real input
    def viewport(self, x: float, y: float) -> tuple[int, int]:
        """The viewport point over the centre of board pixel (x, y)."""
        left, top, width, height = self.js(
            "(r => [r.left, r.top, r.width, r.height])"
            "(document.getElementById('board').getBoundingClientRect())")
        return round(left + (x + 0.5) * width / W), round(top + (y + 0.5) * height / H)

    def stroke(self, points: list[tuple[float, float]], kind: str = interaction.POINTER_MOUSE,
               pressure: float | None = None) -> None:
        device = PointerInput(kind, kind)
        actions = ActionBuilder(self.driver, mouse=device, duration=10)
        extra = {"pressure": pressure} if pressure is not None else {}
        actions.pointer_action.move_to_location(*self.viewport(*points[0]), **extra)
        actions.pointer_action.pointer_down(**extra)
        for point in points[1:]:
            actions.pointer_action.move_to_location(*self.viewport(*point), **extra)
        actions.pointer_action.pointer_up()
        actions.perform()


def along(start: tuple[float, float], end: tuple[float, float], steps: int) -> list[tuple[float, float]]:
    return [(start[0] + (end[0] - start[0]) * i / steps, start[1] + (end[1] - start[1]) * i / steps)
            for i in range(steps + 1)]


def distanceToSegment(p: tuple[float, float], a: tuple[float, float], b: tuple[float, float]) -> float:
    (px, py), (ax, ay), (bx, by) = p, a, b
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return float(((px - ax - t * dx) ** 2 + (py - ay - t * dy) ** 2) ** 0.5)


def distance(point: list[str], to: tuple[float, float]) -> float:
    return float(((float(point[0]) - to[0]) ** 2 + (float(point[1]) - to[1]) ** 2) ** 0.5)


def near(colour: Any, expected: tuple[int, int, int], tolerance: int = 40) -> bool:
    """Whether a pixel (``getpixel``'s RGB tuple) is within ``tolerance`` of ``expected``."""
    assert isinstance(colour, tuple) and len(colour) == 3, colour
    return all(abs(a - b) <= tolerance for a, b in zip(colour, expected))


def twoColourImage(width: int, height: int, left: tuple[int, int, int],
                   right: tuple[int, int, int]) -> bytes:
    """zlib RGB rows: the left half one colour, the right half another."""
    row = bytes(left) * (width // 2) + bytes(right) * (width - width // 2)
    return zlib.compress(row * height)


def inflated(command: list[Any]) -> Image.Image:
    """The image of a SETIMG command the page sent."""
    assert command[0] == "SETIMG" and command[2:] == [str(W), str(H), "RGB"], command[:1] + command[2:]
    raw = zlib.decompress(tokenBytes(command[1]))
    assert len(raw) == W * H * 3
    return Image.frombytes("RGB", (W, H), raw)


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
                     "--window-size=1280,900"):
        options.add_argument(argument)
    browser = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        browser.set_page_load_timeout(30)
        browser.set_script_timeout(IO_TIMEOUT)
        yield browser
    finally:
        browser.quit()


class Serving:
    """A WebSocketServer with the page, running in the background, and its Board."""

    def __init__(self, driver: webdriver.Chrome, path: str | None = WEBSOCKET_PATH,
                 **options: Any) -> None:
        self.peer = Peer()
        peer = self.peer
        self.server = WebSocketServer(lambda: Recorder(peer), port=0, page=pageHtml(), path=path,
                                      **options)
        self.background = Background(self.server)
        self.board = Board(driver, self.server, self.peer, path)

    def __enter__(self) -> Board:
        self.background.__enter__()
        return self.board

    def __exit__(self, *exc: Any) -> None:
        # Leave the page first, so that it does not reconnect to a port
        # that a later test's server might be given.
        try:
            self.board.driver.get("about:blank")
        finally:
            self.background.__exit__(*exc)


@pytest.fixture
def board(driver: webdriver.Chrome) -> Iterator[Board]:
    with Serving(driver) as loaded:
        loaded.load()
        yield loaded


def artifacts(tmp_path: Path) -> Path:
    where = Path(os.environ.get("KAMAELIA_TEST_ARTIFACTS") or tmp_path)
    where.mkdir(parents=True, exist_ok=True)
    return where


# ------------------------------------------------------------ 1. opening
def test_the_page_asks_for_the_board_when_it_opens(driver: webdriver.Chrome) -> None:
    assert f'const WEBSOCKET_PATH = "{WEBSOCKET_PATH}";' in pageHtml()
    with Serving(driver) as board:
        board.load()          # (asserts that the first line is GETIMG)
        assert board.js("whiteboard.connected") is True
        assert driver.title == "Kamaelia Whiteboard"
        assert board.peer.lines.empty()


def test_with_a_token_it_authenticates_first_and_again_on_reconnecting(
        driver: webdriver.Chrome) -> None:
    # path=None: the page on "/" and its WebSocket on WEBSOCKET_PATH, one port.
    # maxMessageSize=100: a long WRITE makes the server close the WebSocket,
    # with a reason the page shows.
    with Serving(driver, path=None, maxMessageSize=100) as board:
        board.load("?token=s3cret%20nine%2099", token="s3cret nine 99")
        WebDriverWait(driver, IO_TIMEOUT).until(
            lambda _: "Connected" in board.text("#status"))
        # (every status shown is logged: the "reconnecting" one lasts only 1 s)
        board.js("(window.statusLog = [], new MutationObserver(() => statusLog.push("
                 "document.getElementById('status').textContent)).observe("
                 "document.getElementById('status'), {childList: true}))")
        board.click("#tool-text")
        board.stroke([(100, 100)])
        driver.switch_to.active_element.send_keys("x" * 120, Keys.ENTER)
        board.connection = board.peer.nextConnection()        # (after 1 s)
        board.opening("s3cret nine 99")
        assert board.js("whiteboard.connected") is True
        shown = board.js("statusLog")
        assert "Disconnected (message too big) — reconnecting in 1 s" in shown, shown
        assert shown[-1] == "Connected", shown


# ------------------------------------------------------------ 2. drawing
def test_a_pen_stroke_is_sent_as_lines_along_its_path_and_drawn(board: Board,
                                                                 tmp_path: Path) -> None:
    board.click('[data-colour="red"]')
    board.click('[data-size="6"]')
    start, end = (100.0, 100.0), (400.0, 250.0)
    board.stroke(along(start, end, 12), kind=interaction.POINTER_PEN, pressure=0.75)
    lines: list[list[Any]] = []
    while not lines or distance(lines[-1][6:8], end) > 3:
        lines += [command for command in board.peer.nextLine() if command[0] == "LINE"]
    assert len(lines) >= 5
    for command in lines:
        assert command[1:4] == ["192", "0", "0"]
        assert command[8] == "8"          # round(6 * (0.5 + 0.75)): the pen's pressure
        for point in (command[4:6], command[6:8]):
            assert distanceToSegment((float(point[0]), float(point[1])), start, end) <= 3, command
    assert distance(lines[0][4:6], start) <= 3

    board.click('[data-colour="blue"]')
    board.click('[data-size="3"]')
    board.stroke(along((100, 500), (700, 500), 6))           # a mouse: no pressure
    _, line = board.commandsUntil("LINE")
    assert line[1:4] == ["0", "0", "255"] and line[8] == "3" and abs(int(line[5]) - 500) <= 2

    image = board.image()
    assert near(image.getpixel((250, 175)), (192, 0, 0))
    assert near(image.getpixel((400, 500)), BLUE)
    assert image.getpixel((250, 300)) == WHITE
    board.click("#tool-text")
    board.stroke([(600, 300)])
    textbox = board.driver.switch_to.active_element
    assert textbox.get_attribute("id") == "textinput"
    textbox.send_keys("Kamaelia 1.14 → web", Keys.ENTER)
    _, write = board.commandsUntil("WRITE")
    assert write[1:] == [*write[1:3], "24", "0", "0", "255", "Kamaelia 1.14 → web"]
    assert abs(int(write[1]) - 600) <= 2 and abs(int(write[2]) - 300) <= 2
    image = board.image()
    assert any(near(image.getpixel((x, y)), BLUE, 60) for x in range(600, 700) for y in range(300, 324))
    shot = artifacts(tmp_path) / "whiteboard-browser.png"
    assert board.driver.save_screenshot(str(shot))
    assert shot.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")

    board.click("#tool-eraser")                              # white, 4 x the pen size
    board.stroke(along((250, 120), (250, 230), 4))
    _, line = board.commandsUntil("LINE")
    assert line[1:4] == ["255", "255", "255"] and line[8] == "12"
    assert board.image().getpixel((250, 175)) == WHITE


# ------------------------------------------------------------ 3. server drawing
def test_what_the_server_sends_is_drawn(board: Board) -> None:
    board.send(["CLEAR", "0", "255", "255"],
               ["LINE", "255", "0", "0", "10", "20", "300", "20", "9"])
    board.send(["CIRCLE", "0", "0", "255", "500", "300", "30"])
    board.send(["WRITE", "600", "500", "40", "0", "128", "0", "Hi 99 [é]"])
    board.send(["SETIMG", twoColourImage(64, 32, RED, GREEN), "64", "32", "RGB"])
    board.settle()
    image = board.image()
    assert image.getpixel((700, 100)) == (0, 255, 255)      # CLEAR's colour
    assert image.getpixel((150, 20)) == RED                 # LINE, 9 wide
    assert image.getpixel((150, 27)) == (0, 255, 255)
    assert image.getpixel((500, 300)) == BLUE               # CIRCLE, filled
    assert image.getpixel((500, 325)) == BLUE and image.getpixel((500, 335)) == (0, 255, 255)
    greens = sum(near(image.getpixel((x, y)), (0, 128, 0), 30)
                 for x in range(600, 800, 2) for y in range(500, 540, 2))
    assert greens > 20                                      # WRITE
    assert image.getpixel((10, 10)) == RED and image.getpixel((50, 10)) == GREEN   # SETIMG
    assert image.getpixel((100, 40)) == (0, 255, 255)       # beyond the 64x32 image

    board.send(["PAGEIMG", "2", twoColourImage(32, 32, BLUE, RED), "32", "32", "RGB"],
               ["PAGE", "2", "3"])
    board.settle()
    assert board.js("[whiteboard.currentPage(), whiteboard.pageCount()]") == [2, 3]
    assert board.text("#counter") == "2 / 3"
    assert board.image(2).getpixel((5, 5)) == BLUE and board.image(2).getpixel((25, 5)) == RED
    assert board.image(3).getpixel((5, 5)) == WHITE
    assert board.image(1).getpixel((500, 300)) == BLUE       # page 1 kept
    board.send(["PAGEIMG", "3", twoColourImage(16, 16, GREEN, GREEN), "16", "16", "RGB"])
    board.send(["LINE", "0", "0", "0", "0", "600", "1000", "600", "4"])   # on page 2
    board.settle()
    assert board.js("whiteboard.currentPage()") == 2
    assert board.image(3).getpixel((5, 5)) == GREEN
    assert board.image(2).getpixel((500, 600)) == (0, 0, 0)
    assert board.image(3).getpixel((500, 600)) == WHITE
    board.send(["prev"])
    board.settle()
    assert board.js("whiteboard.currentPage()") == 1
    board.send(["DELPAGE", "3"], ["PAGE", "2", "2"])
    board.settle()
    assert board.js("[whiteboard.currentPage(), whiteboard.pageCount()]") == [2, 2]
    assert board.text("#counter") == "2 / 2"
    assert board.image(2).getpixel((5, 5)) == BLUE           # page 2 was kept, not 3


def test_the_board_fits_the_window_keeping_its_shape(board: Board) -> None:
    driver = board.driver
    try:
        for width, height in ((390, 844), (1280, 500)):
            driver.set_window_size(width, height)
            WebDriverWait(driver, IO_TIMEOUT).until(lambda _: board.js(
                "document.getElementById('board').getBoundingClientRect().right"
                " <= innerWidth && document.getElementById('board')"
                ".getBoundingClientRect().bottom <= innerHeight"))
            left, top, right, bottom = board.js(
                "(r => [r.left, r.top, r.right, r.bottom])"
                "(document.getElementById('board').getBoundingClientRect())")
            assert left >= 0 and top >= 0
            assert abs((right - left) / (bottom - top) - W / H) < 0.01
            assert max(right - left, bottom - top) > 0.8 * min(width, height)
        assert board.js("getComputedStyle(document.querySelector('#board canvas')).touchAction") \
            == "none"
        board.stroke([(200, 200), (300, 300)])              # mapped back to board pixels
        _, line = board.commandsUntil("LINE")
        assert abs(int(line[4]) - 200) <= 3 and abs(int(line[5]) - 200) <= 3
    finally:
        driver.set_window_size(1280, 900)


# ------------------------------------------------------------ 4. buttons, undo
def test_the_page_buttons_send_page_and_delpage(board: Board) -> None:
    board.click("#newpage")
    assert board.peer.nextLine() == [["PAGE", "2", "2"]]
    assert board.text("#counter") == "2 / 2"
    board.click("#prev")
    assert board.peer.nextLine() == [["PAGE", "1", "2"]]
    board.driver.find_element(By.TAG_NAME, "body").send_keys(Keys.ARROW_RIGHT)
    assert board.peer.nextLine() == [["PAGE", "2", "2"]]
    board.click("#delpage")          # arms it ...
    board.click("#delpage")          # ... and deletes page 2
    assert board.peer.nextLine() == [["DELPAGE", "2"], ["PAGE", "1", "1"]]
    assert board.text("#counter") == "1 / 1"
    assert board.js("whiteboard.pageCount()") == 1
    board.click("#clear")
    board.click("#clear")
    assert board.peer.nextLine() == [["CLEAR"]]


def test_undo_sends_the_page_without_my_last_stroke(board: Board) -> None:
    board.click('[data-size="6"]')
    board.stroke(along((100, 100), (400, 100), 6))            # mine: A
    board.send(["LINE", "0", "192", "0", "100", "500", "400", "500", "6"])   # theirs
    board.settle()
    board.stroke(along((100, 300), (400, 300), 6))            # mine: B
    board.click("#undo")
    _, setimg = board.commandsUntil("SETIMG")
    sent = inflated(setimg)
    assert sent.getpixel((250, 300)) == WHITE                 # B undone
    assert sent.getpixel((250, 100)) == (0, 0, 0)             # A kept
    assert sent.getpixel((250, 500)) == (0, 192, 0)           # theirs kept
    assert board.image().getpixel((250, 300)) == WHITE
    board.driver.find_element(By.TAG_NAME, "body").send_keys(Keys.CONTROL, "z")
    _, setimg = board.commandsUntil("SETIMG")
    sent = inflated(setimg)
    assert sent.getpixel((250, 100)) == WHITE                 # A undone too
    assert sent.getpixel((250, 500)) == (0, 192, 0)
    assert board.js("document.getElementById('undo').disabled") is True
    # After a SETIMG from the server, what came before is no longer undoable.
    board.stroke(along((100, 200), (400, 200), 4))
    board.send(["SETIMG", twoColourImage(8, 8, RED, RED), "8", "8", "RGB"])
    board.settle()
    assert board.js("document.getElementById('undo').disabled") is True


# ------------------------------------------------------------ 5. bad input
def test_garbage_and_bad_images_do_not_break_the_page(board: Board) -> None:
    board.sendRaw(b"\xff\xfe garbage ] \n"                      # a ']' closing nothing
                  b"[ LINE 1 2 ] \n"                            # too few numbers
                  b"[ [ \n"                                     # never closed
                  b"[ BOGUS%20COMMAND ] \n"                     # unknown
                  b"[ PAGE 5 2 ] \n"                            # out of bounds
                  b"[ LINE 0 0 0 x y 1 2 ] \n")                 # not numbers
    board.send(["SETIMG", zlib.compress(b"\x00" * 10), "64", "32", "RGB"])   # wrong length
    board.send(["SETIMG", b"\x00not zlib\xff" * 5, "64", "32", "RGB"])
    board.send(["SETIMG", zlib.compress(b"\x00" * 64 * 32 * 3), "64", "32", "RGBA"])
    board.send(["PAGEIMG", "1", zlib.compress(b"\x00" * 99), "99999", "99999", "RGB"])
    board.sendRaw(b"[ CIRCLE 0 0 255 ")                         # a line in two messages
    board.sendRaw(b"700 600 10 ] \n")
    board.sendRaw("[ CIRCLE 255 0 0 800 600 10 ] \n")           # a text message
    board.send(["LINE", "0", "0", "0", "10", "650", "600", "650", "5"])
    board.settle()
    problems = board.js("whiteboard.problems.slice()")
    for expected in ("closes no", "needs 7", "never closed", "unknown command", "PAGE 5 2",
                     "not an integer", "inflates to 10 bytes", "not zlib", "only RGB",
                     "out of bounds"):
        assert any(expected in problem for problem in problems), (expected, problems)
    image = board.image()
    assert image.getpixel((10, 10)) == WHITE                     # no bad image was drawn
    assert image.getpixel((700, 600)) == BLUE
    assert image.getpixel((800, 600)) == RED
    assert image.getpixel((300, 650)) == (0, 0, 0)
    assert board.js("[whiteboard.pageCount(), whiteboard.connected]") == [1, True]


# ------------------------------------------------------------ the tokeniser, fuzzed
def hexTokens(tokens: list[Any]) -> list[Any]:
    return [hexTokens(t) if isinstance(t, list) else tokenBytes(t).hex() for t in tokens]


TRICKY = st.sampled_from(["9", "%", "[", "]", " ", "%25", "%0", "%39", "\r", "\n", "\x00",
                          "é", "%a", "%5", "", "[ ]"])
TOKENS = st.recursive(st.text(max_size=6) | TRICKY,
                      lambda inner: st.lists(inner, max_size=3), max_leaves=10)
PIECES = st.sampled_from([b"[", b"]", b" ", b"  ", b"%", b"%25", b"%0", b"%39", b"%a", b"%d",
                          b"%20", b"%5b", b"%5d", b"%3", b"%5", b"%2", b"\r", b"\n", b"a", b"9",
                          b"\xff", b"\xc3\xa9", b"LINE"])
LINES = st.lists(PIECES, max_size=16).map(b"".join) | st.binary(max_size=24)


@settings(max_examples=80, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(tokens=st.lists(TOKENS, max_size=4), line=LINES)
def test_the_page_tokenises_as_kamaelia_does(board: Board, tokens: list[Any],
                                             line: bytes) -> None:
    encoded = board.js("whiteboard.codec.encode(arguments[0])", tokens)
    assert bytes.fromhex(encoded) == encodeTokens(tokens)
    assert board.js("whiteboard.codec.decode(arguments[0])", encoded) == \
        hexTokens(decodeLine(encodeTokens(tokens)))
    try:
        expected: Any = hexTokens(decodeLine(line))
    except TokenisationError:
        expected = None
    decoded = board.js("whiteboard.codec.decode(arguments[0])", line.hex())
    if expected is None:
        assert isinstance(decoded, dict) and "error" in decoded, (line, decoded)
    else:
        assert decoded == expected, line
