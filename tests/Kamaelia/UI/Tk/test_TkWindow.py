"""TkWindow on a real X server: windows, widgets, events, shutdown, no display."""

from __future__ import annotations

import tkinter
from typing import Any, Iterator

import pytest

from Axon.Ipc import producerFinished
from Axon.Scheduler import scheduler
from Kamaelia.UI.Tk.TkWindow import DisplayUnavailable, TkWindow, tkInvisibleWindow

from componentharness import attach


@pytest.fixture
def x11(xvfb: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("DISPLAY", xvfb)
    yield xvfb
    if TkWindow.tkroot is not None:          # a failed test: do not leave Tk behind
        TkWindow.tkroot.destroy()
        TkWindow.tkroot = None


class Labelled(TkWindow):
    def __init__(self, text: str) -> None:
        self.text = text
        self.destroyed: list[Any] = []
        super().__init__()

    def setupWindow(self) -> None:
        self.window.title("Labelled")
        self.label = tkinter.Label(self.window, text=self.text)
        self.label.grid(row=0, column=0)

    def destroyHandler(self, event: Any) -> None:
        self.destroyed.append(str(event.widget))


def test_windows_are_made_run_and_shut_down(x11: str, fresh_scheduler: scheduler) -> None:
    root = tkInvisibleWindow()
    window = Labelled("Hello")
    assert TkWindow.tkroot is root.window and window.window.title() == "Labelled"
    assert window.label.cget("text") == "Hello"
    rootSink, sink = attach(root), attach(window)
    seen: list[Any] = []
    window.window.after(1, lambda: seen.append("poked"))    # run by Tk's event loop
    loop = fresh_scheduler.main(canblock=True)
    for _ in range(20):
        next(loop)
        if seen:
            break
    assert seen == ["poked"]
    message = producerFinished()
    window.inboxes["control"].append(message)
    window.unpause()
    root.inboxes["control"].append(producerFinished())
    root.unpause()
    for _ in loop:
        pass
    assert sink.control == [message] and rootSink.control
    assert window.isDestroyed() and root.isDestroyed() and TkWindow.tkroot is None
    assert str(window.window) in window.destroyed


def test_it_sleeps_between_tk_updates(x11: str, fresh_scheduler: scheduler) -> None:
    root = TkWindow()
    updates = []
    original = root.tkupdate
    root.tkupdate = lambda: (updates.append(1), original())[1]      # type: ignore
    root.activate()
    import time
    started = time.monotonic()
    fresh_scheduler.callLater(0.2, lambda: root.window.destroy())
    fresh_scheduler.runThreads()
    elapsed = time.monotonic() - started
    assert root.isDestroyed()
    assert len(updates) <= elapsed * 50 + 3        # timer paced, not a busy loop


def test_no_display_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DISPLAY", raising=False)
    with pytest.raises(DisplayUnavailable, match="no display to open a Tk window on.*Xvfb"):
        TkWindow()
    assert TkWindow.tkroot is None
