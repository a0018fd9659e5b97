"""KeyEvent: key presses to messages on named outboxes; allkeys; shutdown."""

from __future__ import annotations

from typing import Any

import pytest

from Axon.Component import component
from Axon.Ipc import producerFinished
from Kamaelia.UI.Pygame.KeyEvent import KeyEvent
from Kamaelia.UI.Pygame._pygame import pygame

from componentharness import Collector


def test_keys_go_to_their_outboxes_and_allkeys_hears_everything(screen: Any) -> None:
    keys = KeyEvent(allkeys=True,
                    key_events={pygame.K_1: (1, "numbers"), pygame.K_a: ("A", "letters")},
                    key_up_events={pygame.K_a: ("a up", "letters")},
                    outboxes={"numbers": "1", "letters": "a"})
    sinks = {name: Collector() for name in ("numbers", "letters", "allkeys", "signal")}
    for name, sink in sinks.items():
        keys.link((keys, name), (sink, "control" if name == "signal" else "inbox"))
        sink.activate()
    keys.activate()
    screen.until(lambda: keys.display is not None, "the key listener")
    screen.settle()
    screen.key(pygame.K_1, "1")
    screen.key(pygame.K_a, "a")
    screen.key(pygame.K_z, "z")
    screen.until(lambda: len(sinks["allkeys"].got) == 6, "all six key events")
    assert sinks["numbers"].got == [1]
    assert sinks["letters"].got == ["A", "a up"]
    assert sinks["allkeys"].got == [("DOWN", pygame.K_1), ("UP", pygame.K_1),
                                    ("DOWN", pygame.K_a), ("UP", pygame.K_a),
                                    ("DOWN", pygame.K_z), ("UP", pygame.K_z)]
    message = producerFinished()
    keys.inboxes["control"].append(message)
    keys.unpause()
    screen.until(lambda: sinks["signal"].control, "the shutdown")
    assert sinks["signal"].control == [message]


def test_extra_outboxes_belong_to_that_instance_only() -> None:
    one = KeyEvent(outboxes={"extra": "only here"})
    other = KeyEvent()
    assert "extra" in one.outboxes and "extra" not in other.outboxes
    assert "extra" not in KeyEvent.Outboxes and isinstance(one, component)


def test_an_entry_naming_a_missing_outbox_is_refused() -> None:
    with pytest.raises(ValueError, match=r"key_events\[97\] must be \(message, outbox\)"):
        KeyEvent(key_events={pygame.K_a: ("A", "nowhere")})
