"""One whiteboard instance with its window, driven by a test over stdin and stdout.

Not a test: ``test_whiteboard_desktops.py`` and ``test_whiteboard_browser.py``
run it in child processes (one window per process is all pygame allows),
on the tests' Xvfb. It builds exactly what ``kamaelia whiteboard`` builds
(a ``WhiteboardHub`` with a ``WhiteboardWindow``) from the same options::

    python whiteboard_instance.py --serveport 0          # or --connectto 127.0.0.1:P

and prints ``{"port": P, "web": W}`` once the window is open and drawn.
Then it reads one JSON command per line and answers each with one JSON
line (``{"ok": true, ...}`` or ``{"ok": false, "error": ...}``):

* ``{"do": "drag", "points": [[x, y], ...]}`` -- a left-button stroke, as
  pygame mouse events in pygame's queue (window coordinates);
* ``{"do": "key", "key": "n"}`` (a pygame key name) and ``{"do": "click",
  "pos": [x, y]}``;
* ``{"do": "wait", "pixels": [[x, y, [r, g, b]], ...]}`` -- answers when
  the window shows all those colours (looked at each scheduler round),
  or fails after 20 s with the colours it saw;
* ``{"do": "state"}`` -- the board's current page and page count;
* ``{"do": "shot", "path": P}`` -- saves the window as a PNG;
* ``{"do": "quit"}`` -- stops the instance (it exits 0).

Everything touching pygame or the system happens in the scheduler's thread
(``callFromThread``); the thread reading stdin only passes commands on.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from typing import Any

from Axon.CoordinatingAssistantTracker import coordinatingassistanttracker
from Axon.Ipc import producerFinished
from Axon.Scheduler import scheduler
from Kamaelia.Apps.Whiteboard.Board import Board
from Kamaelia.Apps.Whiteboard.Desktop import WhiteboardWindow
from Kamaelia.Apps.Whiteboard.Hub import WhiteboardHub
from Kamaelia.Apps.Whiteboard.main import parseAddress
from Kamaelia.UI.Pygame.Display import SERVICE_NAME
from Kamaelia.UI.Pygame._pygame import pygame

WAIT = 20.0
sched = scheduler.run


def answer(**fields: Any) -> None:
    sys.stdout.write(json.dumps(fields) + "\n")
    sys.stdout.flush()


def display() -> Any:
    try:
        return coordinatingassistanttracker.getcat().retrieveService(SERVICE_NAME)[0]
    except KeyError:
        return None


def post(kind: int, **attributes: Any) -> None:
    pygame.event.post(pygame.event.Event(kind, attributes))
    service = display()
    if service is not None:
        service.inboxes["events"].append(True)     # (an idle display takes it at once)
        service.unpause()


def window() -> Any:
    return pygame.display.get_surface() if pygame.display.get_init() else None


def colour(pos: list[int]) -> list[int]:
    return list(window().get_at(tuple(pos)))[:3]


def drag(points: list[list[int]]) -> None:
    post(pygame.MOUSEBUTTONDOWN, pos=tuple(points[0]), button=1)
    last = points[0]
    for point in points[1:]:
        post(pygame.MOUSEMOTION, pos=tuple(point), rel=(point[0] - last[0], point[1] - last[1]),
             buttons=(1, 0, 0))
        last = point
    post(pygame.MOUSEBUTTONUP, pos=tuple(points[-1]), button=1)


def waitFor(pixels: list[Any], deadline: float) -> None:
    if window() is not None and all(colour([x, y]) == list(rgb) for x, y, rgb in pixels):
        answer(ok=True)
    elif time.monotonic() > deadline:
        seen = [colour([x, y]) for x, y, _ in pixels] if window() is not None else None
        answer(ok=False, error=f"not shown in {WAIT} s; the window shows {seen}")
    else:
        sched.callLater(0.02, waitFor, pixels, deadline)


def handle(hub: WhiteboardHub, board: Board, command: dict[str, Any]) -> None:
    try:
        kind = command["do"]
        if kind == "drag":
            drag(command["points"])
            answer(ok=True)
        elif kind == "key":
            code = pygame.key.key_code(command["key"])
            post(pygame.KEYDOWN, key=code, unicode=command.get("text", ""), mod=0, scancode=0)
            post(pygame.KEYUP, key=code, mod=0, scancode=0)
            answer(ok=True)
        elif kind == "click":
            post(pygame.MOUSEBUTTONDOWN, pos=tuple(command["pos"]), button=1)
            post(pygame.MOUSEBUTTONUP, pos=tuple(command["pos"]), button=1)
            answer(ok=True)
        elif kind == "wait":
            waitFor(command["pixels"], time.monotonic() + WAIT)
        elif kind == "state":
            answer(ok=True, current=board.current, count=board.pageCount)
        elif kind == "shot":
            pygame.image.save(window(), command["path"])
            answer(ok=True)
        elif kind == "quit":
            hub._deliver(producerFinished(), "control")
            answer(ok=True)
        else:
            answer(ok=False, error=f"unknown command {kind!r}")
    except Exception as exc:         # noqa: BLE001 - reported to the test, which fails
        answer(ok=False, error=f"{type(exc).__name__}: {exc}")


def announceWhenShown(hub: WhiteboardHub, deadline: float) -> None:
    # The window is up once the display has drawn the board (white, below the toolbar).
    if window() is not None and colour([512, 400]) == [255, 255, 255]:
        answer(port=hub.port, web=hub.webPort)
    elif time.monotonic() > deadline:
        answer(ok=False, error="the window never showed the board")
    else:
        sched.callLater(0.02, announceWhenShown, hub, deadline)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--serveport", type=int)
    parser.add_argument("--connectto")
    parser.add_argument("--token")
    arguments = parser.parse_args()
    board = Board()
    hub = WhiteboardHub(board, serveport=arguments.serveport, host="127.0.0.1",
                        connectto=parseAddress(arguments.connectto) if arguments.connectto
                        else None, token=arguments.token, retry=(0.2, 1.0),
                        window=WhiteboardWindow(board))

    def readCommands() -> None:
        for line in sys.stdin:
            sched.callFromThread(handle, hub, board, json.loads(line))
        sched.callFromThread(hub._deliver, producerFinished(), "control")

    hub.activate()
    sched.callFromThread(announceWhenShown, hub, time.monotonic() + WAIT)
    threading.Thread(target=readCommands, daemon=True).start()
    sched.runThreads()


if __name__ == "__main__":
    main()
