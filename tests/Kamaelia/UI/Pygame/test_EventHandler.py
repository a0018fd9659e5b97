"""EventHandler: events to methods, with the event's attributes (no window needed)."""

from __future__ import annotations

from typing import Any

import pytest

from Kamaelia.UI.Pygame.EventHandler import EventHandler
from Kamaelia.UI.Pygame._pygame import pygame


class Recorder(EventHandler):
    def __init__(self) -> None:
        super().__init__(trace=False)
        self.calls: list[tuple[Any, ...]] = []

    def keydown(self, unicode: str, key: int, mod: int, where: Any) -> None:
        self.calls.append(("keydown", unicode, key, mod, where))

    def mousebuttondown(self, pos: Any, button: int, where: Any) -> None:
        self.calls.append(("mousebuttondown", pos, button, where))

    def videoresize(self, size: Any, where: Any) -> None:
        self.calls.append(("videoresize", size, where))


def test_dispatch_calls_the_method_for_the_event_type() -> None:
    handler = Recorder()
    handler.dispatch(pygame.event.Event(pygame.KEYDOWN, unicode="a", key=pygame.K_a, mod=0),
                     "here")
    handler.dispatch(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=(1, 2), button=3), "there")
    handler.dispatch(pygame.event.Event(pygame.VIDEORESIZE, size=(10, 20), w=10, h=20), "w")
    handler.dispatch(pygame.event.Event(pygame.MOUSEWHEEL, x=0, y=1), "ignored")
    assert handler.calls == [("keydown", "a", pygame.K_a, 0, "here"),
                             ("mousebuttondown", (1, 2), 3, "there"),
                             ("videoresize", (10, 20), "w")]


def test_trace_prints_the_events_the_stubs_get(capsys: pytest.CaptureFixture[str]) -> None:
    EventHandler().dispatch(pygame.event.Event(pygame.KEYUP, key=pygame.K_b, mod=0), "x")
    EventHandler(trace=0).dispatch(pygame.event.Event(pygame.QUIT), "x")
    assert capsys.readouterr().out == f"KEYUP: ( {pygame.K_b} 0 )\n"
