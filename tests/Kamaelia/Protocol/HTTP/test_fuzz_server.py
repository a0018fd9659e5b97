"""Fuzz HTTPServer through a real socket: random and mutated requests never
crash it, hang it or leave a component or descriptor behind."""

from __future__ import annotations

import socket

from hypothesis import HealthCheck, given, settings, strategies as st

from Axon.Scheduler import scheduler
from Kamaelia.Chassis.ConnectedServer import ServerCore
from Kamaelia.Protocol.HTTP.HTTPServer import HTTPServer
from Kamaelia._logthrottle import forgetAll

from nettools import Background, connect, inScheduler, openDescriptors, receiveAll
from test_HTTPServer import Echo

VALID = [b"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
         b"POST /p HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc",
         b"POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
         b"HEAD /h HTTP/1.0\r\n\r\n"]


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(b"".join(draw(st.lists(st.sampled_from(VALID), min_size=1, max_size=3))))
    for _ in range(draw(st.integers(0, 4))):
        at = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["flip", "cut", "insert"]))
        if action == "flip" and at < len(data):
            data[at] = draw(st.integers(0, 255))
        elif action == "cut":
            del data[at:at + draw(st.integers(1, 8))]
        else:
            data[at:at] = draw(st.binary(max_size=8))
    return bytes(data)


def _send(port: int, payload: bytes) -> None:
    with connect(port) as sock:
        try:
            sock.sendall(payload)
            sock.shutdown(socket.SHUT_WR)
            receiveAll(sock)             # the server must answer and close (or just close)
        except (ConnectionResetError, BrokenPipeError):
            pass


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(payloads=st.lists(st.one_of(mutated(), st.binary(max_size=200)), min_size=1, max_size=3))
def test_random_and_mutated_requests_never_crash_hang_or_leak(payloads: list[bytes]) -> None:
    forgetAll(report=False)
    before = openDescriptors()
    server = ServerCore(protocol=lambda **info: HTTPServer(Echo, headerTimeout=2, **info),
                        port=0, host="127.0.0.1")
    with Background(server):
        for payload in payloads:
            _send(server.port, payload)
        _send(server.port, VALID[0])
        inScheduler(lambda: None, when=lambda: server.connectedTo == 0)
        # only the listening TCPServer is left: every HTTP component has ended
        assert len(server.children) == 1
    assert openDescriptors() == before
    assert scheduler.run.listAllThreads() == []
