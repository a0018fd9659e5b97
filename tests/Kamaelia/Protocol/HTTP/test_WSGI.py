"""Tests for Kamaelia.Protocol.HTTP.WSGI, driving the handler component with
request dicts (the HTTP server's side of the contract) and a real Flask app
as well as plain WSGI functions.

Each test runs the scheduler in the test's thread until the handler and its
collector have ended; the applications run in the handler's thread pool.
"""

from __future__ import annotations

import logging
import threading
from typing import Any, Iterator

import pytest
from flask import Flask, jsonify, request as flaskRequest

from Axon.Ipc import producerFinished, shutdownMicroprocess
from Axon.Scheduler import scheduler
from componentharness import Collector
from Kamaelia.Protocol.HTTP.WSGI import (RESPONSE_CHUNKS_IN_FLIGHT, WSGIHandler, WSGIHandlerFactory,
                                        buildEnviron)
from nettools import runScheduler


def makeRequest(method: str = "GET", uri: str = "/app/hello", prefix: str = "/app",
                headers: dict[str, str] | None = None, body: bytes = b"",
                bodystream: bool = False) -> dict[str, Any]:
    return {"method": method, "raw-uri": uri, "uri-prefix-trigger": prefix,
            "uri-suffix": uri[len(prefix):], "uri-server": "127.0.0.1:8080",
            "version": "1.1", "protocol": "HTTP",
            "headers": {"host": "127.0.0.1:8080", **(headers or {})},
            "peer": "127.0.0.1", "peerport": 40000, "localip": "127.0.0.1",
            "localport": 8080, "bad": False, "body": body, "bodystream": bodystream}


@pytest.fixture
def factories() -> Iterator[list[WSGIHandlerFactory]]:
    made: list[WSGIHandlerFactory] = []
    yield made
    for factory in made:
        factory.close()


def handler(factories: list[WSGIHandlerFactory], app: Any, threads: int = 8) -> WSGIHandlerFactory:
    factory = WSGIHandler(app, threads=threads)
    factories.append(factory)
    return factory


def start(factory: WSGIHandlerFactory, request: dict[str, Any], bodyMessages: list[Any] = (),  # type: ignore[assignment]
          sink: Collector | None = None) -> tuple[Any, Collector]:
    component = factory(request)
    component.inboxes["inbox"].extend([request, *bodyMessages])
    sink = sink or Collector()
    component.link((component, "outbox"), (sink, "inbox"))
    component.link((component, "signal"), (sink, "control"))
    component.activate()
    sink.activate()
    return component, sink


def serve(factory: WSGIHandlerFactory, request: dict[str, Any],
          bodyMessages: list[Any] = ()) -> Collector:  # type: ignore[assignment]
    _, sink = start(factory, request, bodyMessages)
    runScheduler(20)
    return sink


def responseBody(sink: Collector) -> bytes:
    return b"".join(m["data"] for m in sink.got)


# ------------------------------------------------------------ plain WSGI
def test_environ_follows_pep_3333(factories: list[WSGIHandlerFactory]) -> None:
    seen: dict[str, Any] = {}

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        seen.update(environ)
        seen["thread"] = threading.current_thread()
        seen["body"] = environ["wsgi.input"].read()
        start_response("201 Created", [("Content-Type", "text/plain"), ("X-App", "yes")])
        return [b"made"]

    request = makeRequest("POST", "/app/a%20b/c?x=1&y=%20", body=b"payload",
                          headers={"content-type": "text/plain", "content-length": "7",
                                   "x-custom": "one, two", "user-agent": "tests"})
    sink = serve(handler(factories, app), request)
    assert (seen["SCRIPT_NAME"], seen["PATH_INFO"], seen["QUERY_STRING"]) == \
        ("/app", "/a b/c", "x=1&y=%20")
    assert (seen["REQUEST_METHOD"], seen["CONTENT_TYPE"], seen["CONTENT_LENGTH"]) == \
        ("POST", "text/plain", "7")
    assert (seen["HTTP_X_CUSTOM"], seen["HTTP_USER_AGENT"], seen["HTTP_HOST"]) == \
        ("one, two", "tests", "127.0.0.1:8080")
    assert "HTTP_CONTENT_TYPE" not in seen and "HTTP_CONTENT_LENGTH" not in seen
    assert (seen["SERVER_NAME"], seen["SERVER_PORT"], seen["SERVER_PROTOCOL"]) == \
        ("127.0.0.1", "8080", "HTTP/1.1")
    assert (seen["REMOTE_ADDR"], seen["REMOTE_PORT"]) == ("127.0.0.1", "40000")
    assert seen["wsgi.version"] == (1, 0) and seen["wsgi.url_scheme"] == "http"
    assert seen["wsgi.multithread"] is True and seen["wsgi.run_once"] is False
    assert seen["body"] == b"payload"
    assert seen["thread"] is not threading.main_thread()
    [head] = sink.got
    assert head["statuscode"] == "201" and head["type"] == "text/plain"
    assert head["headers"] == [("X-App", "yes")] and head["data"] == b"made"
    assert [type(m) for m in sink.control] == [producerFinished]


def test_the_prefix_itself_gives_an_empty_path_info() -> None:
    environ = buildEnviron(makeRequest(uri="/app"), None, None)
    assert (environ["SCRIPT_NAME"], environ["PATH_INFO"]) == ("/app", "")
    environ = buildEnviron(makeRequest(uri="/other", prefix="/"), None, None)
    assert (environ["SCRIPT_NAME"], environ["PATH_INFO"]) == ("", "/other")


def test_a_streamed_request_body_is_read_from_body_messages(
        factories: list[WSGIHandlerFactory]) -> None:
    lines: list[bytes] = []

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        stream = environ["wsgi.input"]
        lines.append(stream.readline())
        lines.append(stream.read(3))
        lines.append(stream.read())
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    request = makeRequest("PUT", bodystream=True)
    pieces = [{"body": b"first li"}, {"body": b"ne\nsecond"}, {"body": b" and more"},
              {"body": b"", "complete": True}]
    sink = serve(handler(factories, app), request, pieces)
    assert lines == [b"first line\n", b"sec", b"ond and more"]
    assert responseBody(sink) == b"ok"


def test_a_response_is_streamed_as_data_messages_and_closed(
        factories: list[WSGIHandlerFactory]) -> None:
    closed = threading.Event()

    class Pieces:
        def __iter__(self) -> Iterator[bytes]:
            for i in range(50):
                yield b"%d;" % i

        def close(self) -> None:
            closed.set()

    def app(environ: dict[str, Any], start_response: Any) -> Pieces:
        start_response("200 OK", [("Content-Type", "text/csv")])
        return Pieces()

    sink = serve(handler(factories, app), makeRequest())
    assert sink.got[0]["statuscode"] == "200" and "length" not in sink.got[0]
    assert all(set(m) == {"data"} for m in sink.got[1:])
    assert responseBody(sink) == b"".join(b"%d;" % i for i in range(50))
    assert closed.is_set()


def test_an_error_before_the_response_is_a_logged_500(factories: list[WSGIHandlerFactory],
                                                     caplog: pytest.LogCaptureFixture) -> None:
    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        raise RuntimeError("the app broke")

    with caplog.at_level(logging.ERROR, logger="Kamaelia.Protocol.HTTP.WSGI"):
        sink = serve(handler(factories, app), makeRequest())
    assert sink.got[0]["statuscode"] == "500"
    assert [type(m) for m in sink.control] == [producerFinished]
    assert any("the app broke" in (r.exc_text or "") + str(r.exc_info) for r in caplog.records)


def test_start_response_with_exc_info_replaces_the_headers(
        factories: list[WSGIHandlerFactory]) -> None:
    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response("200 OK", [("Content-Type", "text/plain")])
        try:
            raise ValueError("late trouble")
        except ValueError:
            import sys
            start_response("503 Service Unavailable", [("Content-Type", "text/plain")],
                           sys.exc_info())
        return [b"sorry"]

    sink = serve(handler(factories, app), makeRequest())
    assert sink.got[0]["statuscode"] == "503" and responseBody(sink) == b"sorry"


def test_an_error_after_the_headers_cuts_the_response_short(
        factories: list[WSGIHandlerFactory], caplog: pytest.LogCaptureFixture) -> None:
    def app(environ: dict[str, Any], start_response: Any) -> Iterator[bytes]:
        start_response("200 OK", [("Content-Type", "text/plain")])
        yield b"part"
        raise RuntimeError("mid-body")

    with caplog.at_level(logging.ERROR, logger="Kamaelia.Protocol.HTTP.WSGI"):
        sink = serve(handler(factories, app), makeRequest())
    assert responseBody(sink) == b"part"
    assert [type(m) for m in sink.control] == [shutdownMicroprocess]
    assert caplog.records


def test_a_non_bytes_body_is_reported(factories: list[WSGIHandlerFactory],
                                      caplog: pytest.LogCaptureFixture) -> None:
    def app(environ: dict[str, Any], start_response: Any) -> list[Any]:
        start_response("200 OK", [])
        return ["text, not bytes"]

    with caplog.at_level(logging.ERROR, logger="Kamaelia.Protocol.HTTP.WSGI"):
        sink = serve(handler(factories, app), makeRequest())
    assert sink.got[0]["statuscode"] == "500"
    assert any("text, not bytes" in (r.exc_text or "") for r in caplog.records)


def test_wsgi_errors_goes_to_logging(factories: list[WSGIHandlerFactory],
                                     caplog: pytest.LogCaptureFixture) -> None:
    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        environ["wsgi.errors"].write("something odd\nhappened")
        environ["wsgi.errors"].flush()
        start_response("200 OK", [])
        return [b""]

    with caplog.at_level(logging.ERROR, logger="Kamaelia.Protocol.HTTP.WSGI"):
        serve(handler(factories, app), makeRequest())
    messages = [r.getMessage() for r in caplog.records]
    assert any(m.endswith("something odd") for m in messages)
    assert any(m.endswith("happened") for m in messages)


def test_a_slow_app_does_not_hold_up_other_requests(factories: list[WSGIHandlerFactory]) -> None:
    release = threading.Event()
    finished: list[str] = []

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        if environ["PATH_INFO"] == "/slow":
            assert release.wait(20)
        start_response("200 OK", [])
        return [environ["PATH_INFO"].encode()]

    class Recorder(Collector):
        def main(self) -> Iterator[Any]:
            yield from super().main()
            finished.append(b"".join(m["data"] for m in self.got).decode())
            release.set()                   # the fast one is done: let the slow one go

    factory = handler(factories, app)
    start(factory, makeRequest(uri="/app/slow"), sink=Recorder())
    start(factory, makeRequest(uri="/app/fast"), sink=Recorder())
    runScheduler(20)
    assert finished == ["/fast", "/slow"]


def test_the_response_waits_for_the_consumer(factories: list[WSGIHandlerFactory]) -> None:
    produced: list[int] = []
    closed = threading.Event()

    def app(environ: dict[str, Any], start_response: Any) -> Iterator[bytes]:
        start_response("200 OK", [])
        try:
            while True:
                produced.append(1)
                yield b"x" * 1000
        finally:
            closed.set()

    class Holder(Collector):            # takes nothing until told to stop
        def main(self) -> Iterator[Any]:
            while not self.dataReady("control"):
                self.pause()
                yield 1
            self.control.append(self.recv("control"))

    component, sink = start(handler(factories, app), makeRequest(), sink=Holder())
    stop = shutdownMicroprocess()
    # Time for the app to run far ahead if nothing held it back; then the client "goes".
    scheduler.run.callLater(0.5, lambda: component._deliver(stop, "control"))
    runScheduler(20)
    assert closed.wait(10)
    # at most RESPONSE_CHUNKS_IN_FLIGHT wait downstream, as many between the
    # threads, and one is being made
    assert len(produced) <= 2 * RESPONSE_CHUNKS_IN_FLIGHT + 1, len(produced)
    assert sink.control == [stop]


def test_a_client_that_goes_stops_a_reading_app(factories: list[WSGIHandlerFactory]) -> None:
    outcome: list[str] = []
    reading = threading.Event()

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        reading.set()
        try:
            environ["wsgi.input"].read()
        except Exception as exc:                         # noqa: BLE001 - what we test
            outcome.append(type(exc).__name__)
            raise
        return []

    component, sink = start(handler(factories, app), makeRequest("POST", bodystream=True),
                            [{"body": b"some"}])
    stop = shutdownMicroprocess()

    def goAway() -> None:
        assert reading.wait(10)
        component._deliver(stop, "control")

    threading.Thread(target=goAway, daemon=True).start()
    runScheduler(20)
    factories[0].close()
    assert outcome == ["_Cancelled"] and sink.control == [stop]


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(TypeError, match="'not an app'"):
        WSGIHandler("not an app")
    with pytest.raises(ValueError, match="threads.*0"):
        WSGIHandler(lambda e, s: [], threads=0)


# ------------------------------------------------------------------ Flask
@pytest.fixture
def flaskApp() -> Flask:
    app = Flask("kamaelia_test")

    @app.route("/hello")
    def hello() -> str:
        return f"hello {flaskRequest.args.get('name', 'nobody')} at {flaskRequest.script_root}"

    @app.post("/json")
    def echo() -> Any:
        return jsonify(got=flaskRequest.get_json(), path=flaskRequest.path)

    @app.route("/fail")
    def fail() -> str:
        raise KeyError("flask view failed")

    return app


def test_flask_get_and_json_post(factories: list[WSGIHandlerFactory], flaskApp: Flask) -> None:
    factory = handler(factories, flaskApp)
    sink = serve(factory, makeRequest(uri="/app/hello?name=Kamaelia"))
    assert responseBody(sink) == b"hello Kamaelia at /app"
    assert sink.got[0]["type"].startswith("text/html") and sink.got[0]["length"] == 22
    data = b'{"n": [1, 2, 3]}'
    sink = serve(factory, makeRequest("POST", "/app/json", bodystream=True,
                                      headers={"content-type": "application/json",
                                               "content-length": str(len(data))}),
                 [{"body": data[:5]}, {"body": data[5:]}, {"body": b"", "complete": True}])
    import json
    assert json.loads(responseBody(sink)) == {"got": {"n": [1, 2, 3]}, "path": "/json"}
    sink = serve(factory, makeRequest(uri="/app/missing"))
    assert sink.got[0]["statuscode"] == "404"


def test_flask_errors_are_500s(factories: list[WSGIHandlerFactory], flaskApp: Flask,
                               caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR):
        sink = serve(handler(factories, flaskApp), makeRequest(uri="/app/fail"))
    assert sink.got[0]["statuscode"] == "500"
