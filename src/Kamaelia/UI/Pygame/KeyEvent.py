"""Key presses in the pygame window, turned into messages.

Example Usage
-------------
Number keys 1-3 to one outbox, letters a-c to another, both printed::

    import pygame
    from Kamaelia.Chassis.Graphline import Graphline
    from Kamaelia.UI.Pygame.KeyEvent import KeyEvent
    from Kamaelia.Util.Console import ConsoleEchoer

    Graphline(
        output=ConsoleEchoer(),
        keys=KeyEvent(key_events={pygame.K_1: ("1\\n", "numbers"),
                                  pygame.K_2: ("2\\n", "numbers"),
                                  pygame.K_3: ("3\\n", "numbers"),
                                  pygame.K_a: ("A\\n", "letters"),
                                  pygame.K_b: ("B\\n", "letters"),
                                  pygame.K_c: ("C\\n", "letters")},
                      outboxes={"numbers": "numbers 1 to 3",
                                "letters": "letters A to C"}),
        linkages={("keys", "numbers"): ("output", "inbox"),
                  ("keys", "letters"): ("output", "inbox")},
    ).run()

How does it work?
-----------------
``KeyEvent`` asks the display for an empty (0 x 0) surface, only to be told
about key presses and releases anywhere in the window. For each key press
whose key code is in ``key_events`` (``{keycode: (message, outboxname)}``)
it sends that message out of that outbox; ``key_up_events`` does the same
for releases. The outboxes are named in ``outboxes``
(``{name: description}``), added to this component's own. With
``allkeys=True`` every press also sends ``("DOWN", keycode)`` and every
release ``("UP", keycode)`` out of ``"allkeys"``.

A ``key_events`` entry naming an outbox that does not exist is refused when
the component is made (ValueError naming it).

Shutdown: ``producerFinished`` or ``shutdownMicroprocess`` on ``"control"``
is passed on out of ``"signal"``; it then gives its surface back to the
display and ends. (1.14's ended without passing the message on, and kept
running without ever pausing.)
"""

from __future__ import annotations

from typing import Any, Iterator

from Axon.Component import component
from Axon.Ipc import producerFinished, shutdownRequest
from Kamaelia.UI.Pygame._pygame import pygame
from Kamaelia.UI.Pygame._widget import connect, waitBox

__all__ = ["KeyEvent"]


class KeyEvent(component):
    """KeyEvent(allkeys=False, key_events=None, key_up_events=None, outboxes={})
    -> new KeyEvent component

    - allkeys       -- send ("DOWN", key) / ("UP", key) for every key out of "allkeys"
    - key_events    -- {pygame keycode: (message, outboxname)} for key presses
    - key_up_events -- the same, for key releases
    - outboxes      -- {outboxname: description}: extra outboxes for the messages
    """

    Inboxes = {"inbox": "events from the display (lists of pygame events)",
               "control": "producerFinished or shutdownMicroprocess to end",
               "callback": "our (empty) surface, from the display"}
    Outboxes = {"outbox": "not used",
                "allkeys": '("DOWN", keycode) and ("UP", keycode), if allkeys',
                "signal": "the shutdown message, passed on",
                "display_signal": "requests to the display service"}

    def __init__(self, allkeys: bool = False, key_events: dict[int, tuple[Any, str]] | None = None,
                 key_up_events: dict[int, tuple[Any, str]] | None = None,
                 outboxes: dict[str, str] = {}) -> None:    # noqa: B006 - 1.14's signature; not mutated
        # This instance's boxes: the class's plus the ones asked for (1.14
        # added them to the class itself, so every KeyEvent had them all).
        self.Outboxes = {**type(self).Outboxes, **dict(outboxes)}
        super().__init__()
        self.allkeys = bool(allkeys)
        self.key_events = dict(key_events or {})
        self.key_up_events = dict(key_up_events or {})
        for name, table in (("key_events", self.key_events),
                            ("key_up_events", self.key_up_events)):
            for key, entry in table.items():
                if not (isinstance(entry, tuple) and len(entry) == 2
                        and entry[1] in self.Outboxes):
                    raise ValueError(f"KeyEvent: {name}[{key!r}] must be (message, outbox) "
                                     f"with an outbox named in outboxes, not {entry!r}")
        self.display: Any = None
        self.disprequest = {"DISPLAYREQUEST": True, "callback": (self, "callback"),
                            "events": (self, "inbox"), "size": (0, 0)}

    def waitBox(self, boxname: str) -> Iterator[int]:
        """Generator: yields (paused) until a message waits on inbox ``boxname``."""
        return waitBox(self, boxname)

    def main(self) -> Iterator[int]:
        connect(self, "display_signal")
        self.send(self.disprequest, "display_signal")
        yield from self.waitBox("callback")
        self.display = self.recv("callback")
        for kind in (pygame.KEYDOWN, pygame.KEYUP):
            self.send({"ADDLISTENEVENT": kind, "surface": self.display}, "display_signal")
        while True:
            self._handleEvents()
            request = shutdownRequest(self)
            if request is not None:
                break
            if not self.anyReady():
                self.pause()
            yield 1
        self.send(request, "signal")
        self.send(producerFinished(self, self.display), "display_signal")
        yield 1

    def _handleEvents(self) -> None:
        # A method, so that no event stays bound in main while it sleeps.
        for events in self.Inbox("inbox"):
            for event in events:
                self._key(event)

    def _key(self, event: Any) -> None:
        if event.type == pygame.KEYDOWN:
            table, word = self.key_events, "DOWN"
        elif event.type == pygame.KEYUP:
            table, word = self.key_up_events, "UP"
        else:
            return
        if event.key in table:
            message, outbox = table[event.key]
            self.send(message, outbox)
        if self.allkeys:
            self.send((word, event.key), "allkeys")


__kamaelia_components__ = (KeyEvent,)
