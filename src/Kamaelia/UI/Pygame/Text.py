"""Text in the pygame window: ``TextDisplayer`` shows lines, ``Textbox`` takes typing.

Example Usage
-------------
What is typed in the top box (sent on Enter) appears in the bottom one::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.UI.Pygame.Text import TextDisplayer, Textbox

    Pipeline(Textbox(size=(800, 300), position=(0, 0)),
             TextDisplayer(size=(800, 300), position=(0, 340))).run()

How does it work?
-----------------
``TextDisplayer`` asks the display for a surface of ``size`` at
``position`` and shows each message arriving on ``"inbox"`` (anything;
``str()`` of it) on a line of its own at the bottom, moving the lines above
it up. A line too long for the width wraps at the last space that fits (or
mid-word if there is none). ``border_size`` pixels of ``border_colour``
frame it; ``padding`` pixels separate the text from the frame; the text is
``fgcolour`` on ``bgcolour``, ``text_height`` points, in ``font_file`` (a
font file; default pygame's own). ``transparent=True`` makes ``bgcolour``
see-through. These are class attributes too, so a subclass can change the
defaults.

``Textbox`` is a ``TextDisplayer`` that shows what is being typed (with a
``|`` cursor). Keys pressed anywhere in the window are typed into it
(there is no focus, as in 1.14); Backspace deletes; Enter (or Return)
sends the line out of ``"outbox"`` and starts a new one; Escape ends it.
Characters sent to its ``"inbox"`` are typed in the same way (``"\\n"``
or ``"\\r"`` is Enter, ``"\\x08"`` Backspace). It starts with
``initial_string_buffer``.

Shutdown: ``producerFinished`` or ``shutdownMicroprocess`` on ``"control"``
(or any message on ``"_quitevents"``, or Escape in a Textbox) ends it: the
shutdown message received (``shutdownMicroprocess`` for the other two) goes
out of ``"signal"`` and the surface is given back to the display. Lines
already waiting on ``"inbox"`` are shown first.
"""

from __future__ import annotations

from typing import Any, Iterator

from Axon.Component import component
from Axon.Ipc import WaitComplete, producerFinished, shutdownMicroprocess
from Kamaelia.UI.Pygame._pygame import pygame
from Kamaelia.UI.Pygame._widget import colour, connect, pair

__all__ = ["TextDisplayer", "Textbox"]


class TextDisplayer(component):
    """TextDisplayer(**argd) -> new TextDisplayer component

    Keyword arguments (all optional; class attributes give the defaults):

    - size          -- (w, h) in pixels (default (500, 300))
    - text_height   -- font size in points (default 18)
    - bgcolour      -- (r, g, b) (default pale yellow (255, 255, 200))
    - fgcolour      -- (r, g, b) of the text (default black)
    - position      -- (x, y) of its top left corner in the window (default (0, 0))
    - transparent   -- bgcolour is see-through (default False)
    - font_file     -- a font file (default None: pygame's own font)
    - padding       -- pixels between the frame and the text (default 0)
    - border_size   -- pixels width of the frame (default 0)
    - border_colour -- (r, g, b) of the frame (default (128, 128, 128))
    """

    Inboxes = {"inbox": "lines of text to show",
               "_surface": "our surface, from the display",
               "_quitevents": "any message ends it",
               "control": "producerFinished or shutdownMicroprocess to end"}
    Outboxes = {"outbox": "not used",
                "_pygame": "requests to the display service",
                "signal": "the shutdown message, passed on"}

    size: tuple[int, int] = (500, 300)
    text_height = 18
    bgcolour: tuple[int, ...] = (255, 255, 200)
    fgcolour: tuple[int, ...] = (0, 0, 0)
    position: tuple[int, int] = (0, 0)
    transparent = False
    font_file: str | None = None
    padding = 0
    border_size = 0
    border_colour: tuple[int, ...] = (128, 128, 128)

    def __init__(self, **argd: Any) -> None:
        super().__init__(**argd)
        name = type(self).__name__
        self.size = pair(name, "size", self.size, 1)
        self.position = pair(name, "position", self.position, None)
        self.bgcolour = colour(name, "bgcolour", self.bgcolour)
        self.fgcolour = colour(name, "fgcolour", self.fgcolour)
        self.border_colour = colour(name, "border_colour", self.border_colour)
        self.screen_width, self.screen_height = self.size
        self.background_color = self.bgcolour
        self.text_color = self.fgcolour
        self.done = False
        self._ending: Any = None
        self.padding = self.padding + self.border_size
        pygame.font.init()

    def clear(self) -> None:
        """Paint the frame and an empty text area."""
        pygame.draw.rect(self.screen, self.border_colour,
                         (0, 0, self.screen_width, self.screen_height))
        edge = self.border_size
        pygame.draw.rect(self.screen, self.background_color,
                         (edge, edge, self.screen_width - 2 * edge,
                          self.screen_height - 2 * edge))

    def initPygame(self, **argd: Any) -> Iterator[int]:
        """Generator: ask the display for the surface (``argd`` is the request),
        wait for it, paint it, and work out the lines' geometry."""
        connect(self, "_pygame")
        if self.transparent:
            argd["transparency"] = self.bgcolour
        self.send(argd, "_pygame")
        while not self.dataReady("_surface"):
            self.pause()
            yield 1
        self.screen = self.recv("_surface")
        self.clear()
        self.scratch = self.screen.copy()
        self.send({"REDRAW": True, "surface": self.screen}, "_pygame")
        self.font = pygame.font.Font(self.font_file, self.text_height)
        lineHeight = self.font.get_linesize()
        pad = self.padding
        width, height = self.screen_width - 2 * pad, self.screen_height - 2 * pad
        self.textWidth = max(1, width)
        self.keepRect = pygame.Rect(pad, pad + lineHeight, width, height - lineHeight)
        self.scrollingRect = pygame.Rect(pad, pad, width, height - lineHeight)
        self.writeRect = pygame.Rect(pad, pad + height - lineHeight, width, lineHeight)
        yield 1

    def _request(self, **extra: Any) -> dict[str, Any]:
        return {"DISPLAYREQUEST": True, "size": (self.screen_width, self.screen_height),
                "callback": (self, "_surface"), "position": self.position, **extra}

    def main(self) -> Iterator[Any]:
        yield WaitComplete(self.initPygame(**self._request()))
        while True:
            self._showWaiting()
            if self.needShutdown():
                break
            if not self.anyReady():
                self.pause()
            yield 1
        self.send(producerFinished(self, self.screen), "_pygame")

    def _showWaiting(self) -> None:
        # A method, so that no line stays bound in main while it sleeps.
        for line in self.Inbox("inbox"):
            self.update(str(line))

    def update(self, text: str) -> None:
        """Show ``text`` at the bottom, wrapped to the width, scrolling up."""
        for line in self._wrap(text.replace("\r", " ").replace("\n", " ")):
            self.updateLine(line)

    def _wrap(self, text: str) -> list[str]:
        lines = []
        while self.font.size(text)[0] > self.textWidth and len(text) > 1:
            fits = 1
            while fits < len(text) and self.font.size(text[:fits + 1])[0] <= self.textWidth:
                fits += 1
            cut = text.rfind(" ", 0, fits + 1)
            if cut <= 0:
                lines.append(text[:fits])
                text = text[fits:]
            else:
                lines.append(text[:cut])
                text = text[cut + 1:]
        lines.append(text)
        return lines

    def updateLine(self, line: str) -> None:
        """Move the lines up one and draw ``line`` at the bottom; ask for a redraw."""
        rendered = self.font.render(line, True, self.text_color, self.background_color)
        self.clear()
        self.screen.blit(self.scratch, self.scrollingRect, self.keepRect)
        self.screen.blit(rendered, self.writeRect)
        self.scratch.blit(self.screen, (0, 0))
        self.send({"REDRAW": True, "surface": self.screen}, "_pygame")

    def needShutdown(self) -> bool:
        """True (and the shutdown message sent out of "signal") if it is time to end."""
        while self.dataReady("control"):
            message = self.recv("control")
            if isinstance(message, (producerFinished, shutdownMicroprocess)):
                self._ending = message
                self.done = True
        if self.dataReady("_quitevents"):
            for _ in self.Inbox("_quitevents"):
                pass
            self.done = True
        if self.done:
            self.send(self._ending or shutdownMicroprocess(), "signal")
            return True
        return False


class Textbox(TextDisplayer):
    """Textbox(**argd) -> new Textbox component: a TextDisplayer you type into

    Takes TextDisplayer's arguments, and initial_string_buffer (the text it
    starts with, default ""). Sends each line typed out of "outbox" on Enter.
    """

    Inboxes = {"inbox": "characters to type in",
               "_surface": "our surface, from the display",
               "_quitevents": "any message ends it",
               "_events": "key presses, from the display",
               "control": "producerFinished or shutdownMicroprocess to end"}
    Outboxes = {"outbox": "each line, when Enter is pressed",
                "_pygame": "requests to the display service",
                "signal": "the shutdown message, passed on"}

    initial_string_buffer = ""

    def setText(self, text: str) -> None:
        """Wipe the box and show ``text``."""
        self.clear()
        self.scratch.fill(self.background_color)
        self.update(text)

    def main(self) -> Iterator[Any]:
        yield WaitComplete(self.initPygame(**self._request(events=(self, "_events"))))
        self.send({"ADDLISTENEVENT": pygame.KEYDOWN, "surface": self.screen}, "_pygame")
        self.string_buffer = str(self.initial_string_buffer)
        self.setText(self.string_buffer + "|")
        while True:
            if self._typeWaiting():
                self.setText(self.string_buffer + "|")
            if self.needShutdown():
                break
            if not self.anyReady():
                self.pause()
            yield 1
        self.send(producerFinished(self, self.screen), "_pygame")

    def _typeWaiting(self) -> bool:
        """Type the keys and characters waiting (a method, so that none stays
        bound in main while it sleeps); True if the text changed."""
        changed = False
        for events in self.Inbox("_events"):
            for event in events:
                if event.type == pygame.KEYDOWN:
                    changed = self._typed(event.unicode, event.key) or changed
        for char in self.Inbox("inbox"):
            changed = self._typed(str(char), None) or changed
        return changed

    def _typed(self, char: str, key: int | None) -> bool:
        """Obey one key; True if the text changed."""
        if char in ("\n", "\r") or key in (pygame.K_RETURN, pygame.K_KP_ENTER):
            self.send(self.string_buffer, "outbox")
            self.string_buffer = ""
        elif char == "\x08" or key == pygame.K_BACKSPACE:
            self.string_buffer = self.string_buffer[:-1]
        elif key == pygame.K_ESCAPE or char == "\x1b":
            self.done = True
            return False
        elif char and char.isprintable():
            self.string_buffer += char
        else:
            return False
        return True


__kamaelia_components__ = (TextDisplayer, Textbox)
