"""Handlers.SessionExample: one hit counter per session name."""

from __future__ import annotations

from typing import Any

import pytest

from Axon.Ipc import producerFinished
from Kamaelia.Protocol.HTTP.Handlers import SessionExample as module
from Kamaelia.Protocol.HTTP.Handlers.SessionExample import (SessionExample,
                                                            SessionExampleWrapper, Sessions)

from componentharness import run


@pytest.fixture(autouse=True)
def no_sessions() -> None:
    Sessions.clear()


def hit(session: str) -> dict[str, Any]:
    request = {"method": "GET", "raw-uri": "/session/" + session,
               "uri-prefix-trigger": "/session/", "uri-suffix": session, "headers": {}}
    sink = run(SessionExampleWrapper(request))
    assert [type(m) for m in sink.control] == [producerFinished]
    assert len(sink.got) == 1
    return sink.got[0]


def test_each_visit_counts_one_more() -> None:
    pages = [hit("alice")["data"] for _ in range(3)]
    assert pages == [b"<html><body>1</body></html>", b"<html><body>2</body></html>",
                     b"<html><body>3</body></html>"]


def test_sessions_count_separately() -> None:
    hit("alice")
    hit("alice")
    assert hit("bob")["data"] == b"<html><body>1</body></html>"
    assert Sessions["alice"]["hits"] == 2


def test_the_response_is_a_whole_html_page() -> None:
    response = hit("x")
    assert response["statuscode"] == "200" and response["type"] == "text/html"
    assert response["length"] == len(response["data"])


def test_the_component_can_be_made_with_1_14s_signature() -> None:
    sink = run(SessionExample("carol"))
    assert sink.got[0]["data"] == b"<html><body>1</body></html>"


def test_sessions_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(module, "MAXSESSIONS", 3)
    for name in ["a", "b", "c", "a", "d"]:
        hit(name)
    assert list(Sessions) == ["c", "a", "d"]        # "b", the least recently used, is gone
    assert Sessions["a"]["hits"] == 2
