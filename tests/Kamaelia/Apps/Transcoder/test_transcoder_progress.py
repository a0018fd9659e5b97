"""Progress datagrams: what a worker sends and what the service accepts (fuzzed)."""

from __future__ import annotations

import json
import socket
from typing import Iterator

import pytest
from hypothesis import given, settings, strategies as st

from Kamaelia.Apps.Transcoder.progress import (BadProgress, ItemProgress, ProgressSender,
                                               REPORTS_PER_SECOND, parseProgress)


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(5)
    with sock:
        yield sock


def test_a_report_arrives_as_sent(listener: socket.socket) -> None:
    report = ProgressSender(listener.getsockname(), "ab" * 32)
    try:
        report("720p", 0.25)
        assert parseProgress(listener.recv(2048)) == ItemProgress("ab" * 32, "720p", 0.25)
    finally:
        report.close()


def test_reports_are_limited_but_steps_and_the_end_always_go(listener: socket.socket) -> None:
    report = ProgressSender(listener.getsockname(), "c")
    try:
        for number in range(10 * REPORTS_PER_SECOND):       # far faster than the limit
            report("360p", number / 1000)
        report("720p", 0.5)
        report("720p", 1.0)
        listener.setblocking(False)
        received = []
        while True:
            try:
                received.append(parseProgress(listener.recv(2048)))
            except BlockingIOError:
                break
    finally:
        report.close()
    steps = [(r.step, r.fraction) for r in received]
    assert steps[0] == ("360p", 0.0) and steps[-2:] == [("720p", 0.5), ("720p", 1.0)]
    assert len(steps) < 10


def test_no_address_sends_nothing_and_a_closed_sender_is_quiet() -> None:
    ProgressSender(None, "c")("x", 0.5)
    report = ProgressSender(("127.0.0.1", 9), "c")
    report.close()
    report("x", 1.0)


@pytest.mark.parametrize("datagram, reason", [
    (b"\xff\xfe", "not JSON"),
    (b"[1, 2]", "a JSON list"),
    (b'{"step": "x", "fraction": 0.5}', "id = None"),
    (b'{"id": "c", "step": 3, "fraction": 0.5}', "step = 3"),
    (b'{"id": "c", "step": "x", "fraction": 2}', "fraction = 2"),
    (b'{"id": "c", "step": "x", "fraction": true}', "fraction = True"),
    (b'{"id": "c", "step": "x", "fraction": NaN}', "fraction = nan"),
    (b"x" * 5000, "longer than"),
])
def test_what_is_not_a_report_is_refused_saying_why(datagram: bytes, reason: str) -> None:
    with pytest.raises(BadProgress, match=reason):
        parseProgress(datagram)


_values = st.recursive(st.none() | st.booleans() | st.floats() | st.integers() | st.text(),
                       lambda children: st.lists(children) | st.dictionaries(st.text(),
                                                                             children),
                       max_leaves=8)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.binary(max_size=300),
                 _values.map(lambda value: json.dumps(value).encode()),
                 st.fixed_dictionaries({"id": _values, "step": _values,
                                        "fraction": _values}).map(
                     lambda value: json.dumps(value).encode())))
def test_fuzzed_datagrams_give_a_report_or_bad_progress(datagram: bytes) -> None:
    try:
        report = parseProgress(datagram)
    except BadProgress:
        return
    assert isinstance(report.checksum, str) and 0.0 <= report.fraction <= 1.0
