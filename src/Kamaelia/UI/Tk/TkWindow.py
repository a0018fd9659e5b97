"""A Tk window as a component: subclass TkWindow and build widgets in setupWindow().

Example Usage
-------------
A window saying hello, and an invisible root so that closing it does not end
Tk::

    import tkinter
    from Axon.Scheduler import scheduler
    from Kamaelia.UI.Tk.TkWindow import TkWindow, tkInvisibleWindow

    class Hello(TkWindow):
        def __init__(self, text):
            self.text = text
            super().__init__()

        def setupWindow(self):
            self.window.title("Hello")
            tkinter.Label(self.window, text=self.text).grid(row=0, column=0)

    tkInvisibleWindow().activate()       # the first window made is Tk's root
    Hello("Hello world!").activate()
    scheduler.run.runThreads()

How does it work?
-----------------
The first ``TkWindow`` made is Tk's root window (``TkWindow.tkroot``); the
others are ``Toplevel`` windows. Each calls ``setupWindow()`` when it is
made: override it to add widgets to ``self.window`` (the default adds an
empty frame and the title "TkWindow <id>"). Do not bind ``<Destroy>``:
override ``destroyHandler(event)``, which is called when this window is
destroyed.

Tk must be given time to process its events. ``main`` calls ``tkupdate()``
(which runs Tk's pending events, if this is the root window) 50 times a
second, sleeping on the scheduler's timers in between: 1.14 called it on
every turn, keeping a core busy. A subclass that overrides ``main`` must
still call ``tkupdate()`` regularly, and end when ``isDestroyed()`` is true.

Shutdown: ``producerFinished`` or ``shutdownMicroprocess`` on ``"control"``
is passed on out of ``"signal"`` and the window destroyed. Closing the
window (or destroying its root) ends the component too; it then sends
``producerFinished`` out of ``"signal"``. When the root is destroyed, ``tkroot`` is
cleared, so a later TkWindow starts a new Tk.

Without a screen (no ``DISPLAY``), making the first window raises
``DisplayUnavailable`` naming ``DISPLAY`` and Xvfb.

Like pygame, Tk must be used from one thread: run every TkWindow in the
scheduler's thread.
"""

from __future__ import annotations

import tkinter as Tkinter
from typing import Any, Iterator

from Axon.Component import component
from Axon.Ipc import producerFinished, shutdownRequest
from Kamaelia.UI._errors import NO_DISPLAY_HINT, DisplayUnavailable

__all__ = ["TkWindow", "tkInvisibleWindow", "DisplayUnavailable"]

#: How often Tk's events are processed (times a second).
TK_UPDATES_PER_SECOND = 50


class TkWindow(component):
    """TkWindow() -> new TkWindow component (the first one made is Tk's root)

    Subclass it and override setupWindow() to build the window's widgets.
    """

    Inboxes = {"inbox": "not used",
               "control": "producerFinished or shutdownMicroprocess: destroy the window"}
    Outboxes = {"outbox": "not used",
                "signal": "the shutdown message, passed on"}

    #: Tk's root window, while there is one.
    tkroot: Any = None

    def __init__(self) -> None:
        super().__init__()
        if not TkWindow.tkroot:
            try:
                TkWindow.tkroot = Tkinter.Tk()
            except Tkinter.TclError as exc:
                raise DisplayUnavailable(f"no display to open a Tk window on: Tk said "
                                         f"{str(exc)!r}. " + NO_DISPLAY_HINT) from None
            self.window = TkWindow.tkroot
        else:
            self.window = Tkinter.Toplevel()
        self._destroyed = False
        self.window.bind("<Destroy>", self.__destroyHandler)
        self.setupWindow()

    def setupWindow(self) -> None:
        """Build the window's widgets and bindings (not <Destroy>). Stub: an
        empty frame and the title "TkWindow <id>"."""
        self.frame = Tkinter.Frame(self.window)
        self.window.title(f"TkWindow {self.id}")
        self.frame.grid(row=0, column=0, sticky=Tkinter.N + Tkinter.E + Tkinter.W + Tkinter.S)
        self.window.rowconfigure(0, weight=1)
        self.window.columnconfigure(0, weight=1)

    def isDestroyed(self) -> bool:
        """True once this window has been destroyed."""
        return self._destroyed

    def main(self) -> Iterator[int]:
        request = None
        while not self.isDestroyed():
            request = shutdownRequest(self)
            if request is not None:
                self.window.destroy()
                break
            self.tkupdate()
            if not self.isDestroyed():
                if not self.anyReady():
                    self.pause(1.0 / TK_UPDATES_PER_SECOND)
                yield 1
        # Closed by the user, or with its root: say so as a finished producer.
        if request is None:
            request = shutdownRequest(self) or producerFinished(self)
        self.send(request, "signal")

    def tkupdate(self) -> None:
        """Let Tk process its events (only the root window does, once a turn)."""
        if TkWindow.tkroot is self.window and not self.isDestroyed():
            self.window.update()

    def __destroyHandler(self, event: Any) -> None:
        # Tk sends <Destroy> for each child widget too: compare path names.
        if str(event.widget) == str(self.window):
            self._destroyed = True
            if TkWindow.tkroot is self.window:
                TkWindow.tkroot = None
        self.destroyHandler(event)

    def destroyHandler(self, event: Any) -> None:
        """Called when this window (or one of its widgets) is destroyed. Stub."""


class tkInvisibleWindow(TkWindow):
    """tkInvisibleWindow() -> a hidden TkWindow: make it first, as the root, so
    that closing the visible windows does not end Tk."""

    def setupWindow(self) -> None:
        """An empty window, hidden."""
        super().setupWindow()
        self.window.withdraw()


__kamaelia_components__ = (TkWindow, tkInvisibleWindow)
