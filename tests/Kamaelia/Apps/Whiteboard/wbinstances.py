"""Whiteboard instances in child processes, for the tests (imported by tests; not a test).

``Instance(display, *arguments)`` starts ``whiteboard_instance.py`` (a
``kamaelia whiteboard`` hub and window, driven over stdin) on the X display
``display`` and waits for its window; ``do(...)`` sends it one command and
returns its answer (failing the test on an error); ``close()`` stops it.
``artifacts(tmp_path)`` is where tests keep screenshots: the folder in
``KAMAELIA_TEST_ARTIFACTS`` if set, else the test's ``tmp_path``.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

DRIVER = Path(__file__).with_name("whiteboard_instance.py")
TIMEOUT = 30.0
TOOLBAR = 64            # the board starts 64 pixels down the window
BLACK, WHITE = [0, 0, 0], [255, 255, 255]


def artifacts(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("KAMAELIA_TEST_ARTIFACTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class Instance:
    """A whiteboard instance in a child process, on ``display``."""

    def __init__(self, display: str, *arguments: str) -> None:
        environment = {**os.environ, "DISPLAY": display}
        environment.pop("SDL_VIDEODRIVER", None)
        self.process = subprocess.Popen(
            [sys.executable, str(DRIVER), *arguments], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environment)
        self.answers: queue.Queue[Any] = queue.Queue()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        hello = self._next()
        assert "port" in hello, hello
        self.port, self.webPort = hello["port"], hello["web"]

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.answers.put(json.loads(line))
        self.answers.put(None)

    def _next(self) -> Any:
        try:
            answer = self.answers.get(timeout=TIMEOUT)
        except queue.Empty:
            pytest.fail(f"the instance did not answer in {TIMEOUT} s")
        if answer is None:
            self.process.wait(TIMEOUT)
            pytest.fail(f"the instance ended: {self.process.stderr.read()}")   # type: ignore[union-attr]
        return answer

    def do(self, **command: Any) -> Any:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(command) + "\n")
        self.process.stdin.flush()
        answer = self._next()
        assert answer.get("ok"), answer
        return answer

    def drag(self, start: tuple[int, int], end: tuple[int, int], steps: int = 12) -> None:
        points = [[start[0] + (end[0] - start[0]) * i // steps,
                   start[1] + (end[1] - start[1]) * i // steps] for i in range(steps + 1)]
        self.do(do="drag", points=points)

    def waitFor(self, pixels: list[tuple[int, int, list[int]]]) -> None:
        self.do(do="wait", pixels=[[x, y, rgb] for x, y, rgb in pixels])

    def state(self) -> tuple[int, int]:
        answer = self.do(do="state")
        return answer["current"], answer["count"]

    def close(self) -> None:
        if self.process.poll() is None:
            try:
                self.do(do="quit")
                self.process.wait(TIMEOUT)
            finally:
                if self.process.poll() is None:
                    self.process.kill()
                    self.process.wait()
        for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()
        self.reader.join(TIMEOUT)
