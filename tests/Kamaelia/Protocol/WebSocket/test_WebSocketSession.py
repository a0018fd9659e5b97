"""WebSocketSession: the server end of a WebSocket as a plain object.

Driven with wsproto's *client* end (an independent, well-tested
implementation of the other side), so frames, masking and compression are
real; no sockets, no scheduler.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from wsproto import ConnectionType, WSConnection
from wsproto.events import (AcceptConnection, BytesMessage, CloseConnection, Ping, Pong,
                            Request, TextMessage)
from wsproto.extensions import PerMessageDeflate

from Kamaelia.Protocol.WebSocket import WebSocketSession


class Client:
    """wsproto's client end, talking to ``session``."""

    def __init__(self, session: WebSocketSession, path: str = "/", compress: bool = False,
                 subprotocols: list[str] | None = None) -> None:
        self.session = session
        self.ws = WSConnection(ConnectionType.CLIENT)
        self.extensions = [PerMessageDeflate()] if compress else []
        self.head = self.ws.send(Request(host="example.com", target=path,
                                         extensions=self.extensions,
                                         subprotocols=subprotocols or []))
        self.events: list[object] = []

    def handshake(self) -> list[object]:
        return self.deliver(self.session.receive(self.head))

    def deliver(self, messages: list[object]) -> list[object]:
        data = self.session.output()
        if data:
            self.ws.receive_data(data)
            self.events.extend(self.ws.events())
        return messages

    def send(self, *events: object) -> list[object]:
        data = b"".join(self.ws.send(e) for e in events)     # type: ignore[arg-type]
        return self.deliver(self.session.receive(data))


def opened(**options: object) -> tuple[WebSocketSession, Client]:
    compress = bool(options.pop("compress", False))
    session = WebSocketSession(**options)                    # type: ignore[arg-type]
    client = Client(session, compress=compress)
    client.handshake()
    assert session.state == "open"
    assert isinstance(client.events[0], AcceptConnection)
    client.events.clear()
    return session, client


def test_text_and_binary_messages_come_out_as_str_and_bytes() -> None:
    session, client = opened()
    assert client.send(TextMessage("héllo"), BytesMessage(b"\x00\x01")) == ["héllo", b"\x00\x01"]
    session.sendMessage("back")
    session.sendMessage(b"\xff")
    client.deliver([])
    assert [(type(e), e.data) for e in client.events] == [      # type: ignore[attr-defined]
        (TextMessage, "back"), (BytesMessage, b"\xff")]


def test_fragments_are_joined_into_one_message() -> None:
    session, client = opened()
    parts = [TextMessage("one ", message_finished=False), TextMessage("two ", message_finished=False),
             TextMessage("three")]
    assert client.send(*parts) == ["one two three"]


def test_bytes_sent_right_after_the_head_are_not_lost() -> None:
    session = WebSocketSession()
    client = Client(session)
    # A client that sends a frame in the same packet as its head:
    masked = bytes([0x81, 0x82, 1, 2, 3, 4, ord("h") ^ 1, ord("i") ^ 2])
    assert session.receive(client.head + masked) == ["hi"]


def test_a_ping_is_answered_with_a_pong_carrying_its_payload() -> None:
    session, client = opened()
    client.send(Ping(b"are you there"))
    assert [(type(e), e.payload) for e in client.events] == [      # type: ignore[attr-defined]
        (Pong, b"are you there")]


def test_a_pong_answers_our_ping() -> None:
    session, client = opened()
    assert session.ping(b"x") and session.awaitingPong
    client.deliver([])
    ping = client.events.pop()
    assert isinstance(ping, Ping)
    client.send(ping.response())
    assert not session.awaitingPong


def test_a_message_too_big_closes_with_1009_and_is_not_delivered() -> None:
    session, client = opened(maxMessageSize=10)
    assert client.send(BytesMessage(b"x" * 10)) == [b"x" * 10]
    assert client.send(BytesMessage(b"x" * 11)) == []
    assert session.state == "closing" and session.closeCode == 1009
    assert "longer than 10 bytes" in (session.problem or "")
    close = client.events.pop()
    assert isinstance(close, CloseConnection) and close.code == 1009
    masked = bytes([0x81, 0x82, 1, 2, 3, 4, ord("h") ^ 1, ord("i") ^ 2])
    assert session.receive(masked) == []             # (dropped while closing)
    client.send(close.response())
    assert session.state == "closed"


def test_a_compressed_bomb_is_stopped_near_the_limit() -> None:
    session, client = opened(maxMessageSize=100_000, compress=True)
    assert session.compressed
    # 50 MB of zeros compress to ~50 KB: fed in slices, the limit trips early.
    assert client.send(BytesMessage(b"\0" * 50_000_000)) == []
    assert session.closeCode == 1009


def test_compression_negotiated_and_working() -> None:
    session, client = opened(compress=True)
    assert session.request is not None and session.request["compressed"] is True
    text = "compress me " * 1000
    data = client.ws.send(TextMessage(text))
    assert len(data) < len(text) // 10               # it really is compressed on the wire
    assert session.receive(data) == [text]
    session.sendMessage(text)
    wire = session.output()
    assert len(wire) < len(text) // 10
    client.ws.receive_data(wire)
    assert [e.data for e in client.ws.events()] == [text]   # type: ignore[attr-defined]


def test_compression_off_is_not_negotiated() -> None:
    session, client = opened(compression=False, compress=True)
    assert not session.compressed


def test_the_peer_closing_first_is_answered_and_closes() -> None:
    session, client = opened()
    client.send(CloseConnection(code=1000, reason="bye"))
    assert session.state == "closed" and session.closeCode == 1000
    assert session.closeReason == "bye"
    assert isinstance(client.events[-1], CloseConnection)


def test_our_close_waits_for_the_reply() -> None:
    session, client = opened()
    session.close(1000)
    assert session.state == "closing"
    client.deliver([])
    close = client.events.pop()
    assert isinstance(close, CloseConnection) and close.code == 1000
    client.send(close.response())
    assert session.state == "closed" and session.closeCode == 1000


def test_an_unmasked_frame_fails_the_connection_with_1002() -> None:
    session, client = opened()
    assert session.receive(b"\x81\x02hi") == []
    assert session.state == "closed" and session.closeCode == 1002
    assert session.problem
    client.deliver([])
    assert isinstance(client.events[-1], CloseConnection) and client.events[-1].code == 1002


def test_bad_utf8_fails_the_connection_with_1007() -> None:
    session, client = opened()
    client.send(BytesMessage(b"x"))                  # (a valid frame first)
    payload = b"\xff\xfe"
    mask = b"\x01\x02\x03\x04"
    frame = bytes([0x81, 0x80 | len(payload)]) + mask + bytes(
        b ^ mask[i % 4] for i, b in enumerate(payload))
    session.receive(frame)
    assert session.state == "closed" and session.closeCode == 1007


def test_end_of_file_without_a_close_is_1006() -> None:
    session, _ = opened()
    session.receive(None)
    assert session.state == "closed" and session.closeCode == 1006


def rejected(head: bytes, **options: object) -> tuple[WebSocketSession, bytes]:
    session = WebSocketSession(**options)            # type: ignore[arg-type]
    session.receive(head)
    assert session.state == "closed"
    return session, session.output()


def test_a_plain_get_is_refused_with_400_and_a_reason() -> None:
    session, answer = rejected(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 400 Bad Request\r\n")
    assert b"Connection: Upgrade" in answer and session.rejected == 400


def test_a_wrong_version_is_refused_with_426() -> None:
    _, answer = rejected(b"GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                         b"Connection: Upgrade\r\nSec-WebSocket-Key: a2V5a2V5a2V5a2V5a2V5MQ==\r\n"
                         b"Sec-WebSocket-Version: 8\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 426 ") and b"Sec-WebSocket-Version: 13" in answer


def test_another_path_is_refused_with_404() -> None:
    session = WebSocketSession(path="/chat")
    client = Client(session, path="/other")
    session.receive(client.head)
    assert session.output().startswith(b"HTTP/1.1 404 ")


def test_a_head_too_long_is_refused_with_431() -> None:
    session = WebSocketSession(maxHandshakeSize=100)
    session.receive(b"GET / HTTP/1.1\r\nX-Junk: " + b"a" * 200)
    assert session.state == "closed" and session.output().startswith(b"HTTP/1.1 431 ")


def test_a_page_is_served_for_a_plain_get_of_the_path() -> None:
    session, answer = rejected(b"GET /?x=1 HTTP/1.1\r\nHost: x\r\n\r\n", page="<p>hi</p>")
    assert answer.startswith(b"HTTP/1.1 200 OK\r\n") and answer.endswith(b"\r\n\r\n<p>hi</p>")
    assert session.problem is None
    _, answer = rejected(b"GET /favicon.ico HTTP/1.1\r\nHost: x\r\n\r\n", page="<p>hi</p>")
    assert answer.startswith(b"HTTP/1.1 404 ")


def test_the_subprotocol_chosen_is_ours_that_the_client_offers() -> None:
    session = WebSocketSession(subprotocols=["chat.v2", "chat.v1"])
    client = Client(session, subprotocols=["chat.v1", "chat.v2"])
    client.handshake()
    accepted = client.events[0]
    assert isinstance(accepted, AcceptConnection) and accepted.subprotocol == "chat.v2"


@pytest.mark.parametrize("bad, match", [
    ({"path": "chat"}, "path must be None or a str starting with '/', not 'chat'"),
    ({"maxMessageSize": 0}, "maxMessageSize must be an int >= 1, not 0"),
    ({"subprotocols": "chat"}, "subprotocols must be a sequence of str, not 'chat'"),
    ({"page": 5}, "page must be None or the HTML of a page"),
])
def test_bad_arguments_are_refused_by_name(bad: dict[str, object], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        WebSocketSession(**bad)                      # type: ignore[arg-type]


def test_sending_something_else_than_str_or_bytes_is_a_type_error() -> None:
    session, _ = opened()
    with pytest.raises(TypeError, match="a WebSocket message is a str or bytes, not int"):
        session.sendMessage(5)                       # type: ignore[arg-type]


# ------------------------------------------------------------------ fuzzing
HEAD = Client(WebSocketSession()).head


@settings(max_examples=300, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.binary(max_size=300), max_size=6))
def test_random_bytes_after_the_handshake_never_raise(chunks: list[bytes]) -> None:
    session = WebSocketSession(compression=True)
    session.receive(HEAD)
    for chunk in chunks:
        for message in session.receive(chunk):
            assert isinstance(message, (str, bytes))
        session.output()
    session.receive(None)
    assert session.state == "closed"


@settings(max_examples=300, derandomize=True, deadline=None)
@given(st.binary(max_size=len(HEAD) + 20), st.integers(0, len(HEAD)))
def test_mutated_handshakes_are_accepted_or_refused_never_raise(noise: bytes, at: int) -> None:
    session = WebSocketSession()
    session.receive(HEAD[:at] + noise + HEAD[at:])
    session.receive(None)
    assert session.state == "closed"
    assert session.rejected is None or session.output().startswith(b"HTTP/1.1 ")


def test_a_bad_extension_offer_is_refused_not_raised() -> None:
    head = HEAD.replace(b"\r\n\r\n", b"\r\nSec-WebSocket-Extensions: permessage-deflate; "
                                     b"client_max_window_bits=abc\r\n\r\n")
    session, answer = rejected(head)
    assert answer.startswith(b"HTTP/1.1 400 ")
