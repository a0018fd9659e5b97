"""Tests for Kamaelia.Protocol.HTTP.HTTPHelpers.HTTPMakePostRequest (it is
used with a real server in test_HTTPClient.py)."""

from __future__ import annotations

import pytest

from Axon.Ipc import producerFinished, shutdownMicroprocess
from componentharness import run
from Kamaelia.Protocol.HTTP.HTTPHelpers import HTTPMakePostRequest

URL = "http://127.0.0.1:8080/upload"


@pytest.mark.parametrize("stop", [producerFinished(), shutdownMicroprocess()])
def test_each_message_becomes_a_post_request_then_the_shutdown_is_passed_on(stop: object) -> None:
    sink = run(HTTPMakePostRequest(URL), inbox=[b"one", "two", {"x": 1}], control=[stop])
    assert sink.got == [{"url": URL, "postbody": b"one"}, {"url": URL, "postbody": "two"},
                        {"url": URL, "postbody": {"x": 1}}]
    assert sink.control == [stop]


def test_a_bad_url_is_refused() -> None:
    with pytest.raises(ValueError, match="None"):
        HTTPMakePostRequest(None)  # type: ignore[arg-type]
