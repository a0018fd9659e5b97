"""FileRegion: "send these bytes of this file", on its own and through real connections.

The network tests run a ``ServerCore`` whose protocol (:class:`Sends`) puts
bytes and file regions on its outbox, in order; the test plays the client
with a blocking socket on loopback. A region goes out by ``os.sendfile`` on a
plain socket, and is read a piece at a time over TLS or where ``sendfile``
cannot read the file; either way the client must see exactly the bytes
before it, the file's bytes, and the bytes after it.
"""

from __future__ import annotations

import errno
import logging
import os
import select
import socket
import ssl
import struct
import sys
import traceback
from pathlib import Path
from typing import Any, Callable, Iterator, Union

import pytest
import trustme

from Axon.Component import component
from Axon.Ipc import producerFinished
from Kamaelia.Chassis.ConnectedServer import ServerCore
from Kamaelia.Internet.FileRegion import FileRegion

from nettools import (IO_TIMEOUT, Background, connect, inScheduler, openDescriptors, receiveAll,
                      receiveExactly)

SIZE = 4 * 1024 * 1024
#: Socket buffers small enough that a region of SIZE cannot fit in them.
SMALL_BUFFER = 64 * 1024
ADAPTER_LOG = "Kamaelia.Internet.ConnectedSocketAdapter"

#: What :class:`Sends` sends: bytes, or ``(path, offset, count)`` for a region.
Part = Union[bytes, tuple[str, int, int]]


@pytest.fixture(scope="module")
def content() -> bytes:
    return os.urandom(SIZE)


@pytest.fixture
def bigFile(tmp_path: Path, content: bytes) -> str:
    path = tmp_path / "big.bin"
    path.write_bytes(content)
    return str(path)


class Sends(component):
    """A protocol that sends ``parts`` in order, each file part as a FileRegion
    (made from a descriptor it closes at once), recording the regions in
    ``made``; ``beforeSending()`` is called once the regions are made. Then it
    finishes, or with ``finish=False`` waits until anything reaches "control"."""

    def __init__(self, parts: list[Part], made: list[FileRegion], finish: bool = True,
                 beforeSending: Callable[[], None] | None = None) -> None:
        super().__init__()
        self.parts, self.made = parts, made
        self.finish, self.beforeSending = finish, beforeSending

    def main(self) -> Iterator[Any]:
        messages: list[Any] = []
        for part in self.parts:
            if isinstance(part, bytes):
                messages.append(part)
                continue
            path, offset, count = part
            fd = os.open(path, os.O_RDONLY)
            try:
                region = FileRegion(fd, offset, count)
            finally:
                os.close(fd)                     # the region holds a descriptor of its own
            self.made.append(region)
            messages.append(region)
        if self.beforeSending is not None:
            self.beforeSending()
        for message in messages:
            self.send(message, "outbox")
        del messages
        if self.finish:
            self.send(producerFinished(self), "signal")
            return
        while not self.dataReady("control"):
            self.pause()
            yield 1


def server(parts: list[Part], made: list[FileRegion], smallBuffers: bool = False,
           sslContext: ssl.SSLContext | None = None, **options: Any) -> ServerCore:
    extra: dict[str, Any] = {}
    if smallBuffers:                              # (accepted sockets inherit it)
        extra["socketOptions"] = (socket.SOL_SOCKET, socket.SO_SNDBUF, SMALL_BUFFER)
    if sslContext is not None:
        extra["sslContext"] = sslContext
    return ServerCore(protocol=lambda: Sends(parts, made, **options), port=0,
                      host="127.0.0.1", **extra)


def slowClient(port: int) -> socket.socket:
    """A client with a small receive window (set before connecting)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, SMALL_BUFFER)
    sock.settimeout(IO_TIMEOUT)
    sock.connect(("127.0.0.1", port))
    return sock


def reset(sock: socket.socket) -> None:
    """Close with a reset (RST), as a client that vanishes does."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


def serverSocketFull(core: ServerCore) -> bool:
    """(In the scheduler's thread.) The one connection's socket takes no more."""
    adapters = core.connectedSockets
    if len(adapters) != 1:
        return False
    return not select.select([], [adapters[0].socket], [], 0)[1]


def waitUntil(condition: Callable[[], bool]) -> None:
    inScheduler(lambda: None, when=condition)


def refused(kind: type[BaseException] | tuple[type[BaseException], ...], match: str | None,
            make: Callable[[], Any]) -> BaseException:
    """What ``make()`` raises (a ``kind`` matching ``match``), checking that
    the half-made region it leaves behind goes quietly: no exception raised
    and ignored in its ``__del__``."""
    ignored: list[Any] = []
    previous = sys.unraisablehook
    sys.unraisablehook = ignored.append
    try:
        with pytest.raises(kind, match=match) as caught:
            make()
        error = caught.value
        del caught
        # The traceback's frames hold the half-made region: let it go now.
        traceback.clear_frames(error.__traceback__)
    finally:
        sys.unraisablehook = previous
    assert not ignored, (f"{ignored[0].exc_type.__name__}: {ignored[0].exc_value} "
                         f"ignored in {ignored[0].object!r}")
    return error


# ------------------------------------------------------------------ on its own
@pytest.mark.parametrize("fd, shown", [("3", "'3'"), (None, "None"), (-1, "-1"), (True, "True"),
                                       (2.0, "2.0")])
def test_a_bad_descriptor_is_a_type_error_naming_it(fd: Any, shown: str) -> None:
    refused(TypeError, f"fd must be an open file descriptor, not {shown}",
            lambda: FileRegion(fd, 0, 1))


@pytest.mark.parametrize("offset, count, name, shown", [
    (-1, 1, "offset", "-1"), (1.5, 1, "offset", "1.5"), (False, 1, "offset", "False"),
    (0, -5, "count", "-5"), (0, "10", "count", "'10'"), (0, None, "count", "None"),
])
def test_a_bad_offset_or_count_is_a_value_error_naming_it(bigFile: str, offset: Any, count: Any,
                                                          name: str, shown: str) -> None:
    before = openDescriptors()
    with open(bigFile, "rb") as file:
        refused(ValueError, f"{name} must be a whole number >= 0, not {shown}",
                lambda: FileRegion(file.fileno(), offset, count))
    assert openDescriptors() == before             # nothing was duplicated for it


def test_a_closed_descriptor_is_refused_naming_it(bigFile: str) -> None:
    fd = os.open(bigFile, os.O_RDONLY)
    os.close(fd)
    message = str(refused((OSError, ValueError, TypeError), None, lambda: FileRegion(fd, 0, 1)))
    shown = message.replace(f"[Errno {errno.EBADF}]", "")
    assert str(fd) in shown, f"the message does not name descriptor {fd}: {message}"


def test_the_descriptor_is_duplicated_so_the_original_may_be_closed(bigFile: str,
                                                                    content: bytes) -> None:
    fd = os.open(bigFile, os.O_RDONLY)
    region = FileRegion(fd, 10, 20)
    assert region.fd != fd and not region.closed
    os.close(fd)
    assert region.read(8) == content[10:18]
    assert (region.offset, region.remaining) == (18, 12)
    assert region.read(100) == content[18:30]      # never past the region
    assert region.remaining == 0 and region.read(100) == b""
    region.close()


def test_anything_with_fileno_will_do(bigFile: str, content: bytes) -> None:
    with open(bigFile, "rb") as file:
        region = FileRegion(file, 0, 5)
    assert region.read(5) == content[:5]
    region.close()


def test_close_closes_the_duplicate_once(bigFile: str) -> None:
    before = openDescriptors()
    with open(bigFile, "rb") as file:
        region = FileRegion(file, 0, 5)
        assert openDescriptors() == before + 2
    number = region.fd
    region.close()
    assert region.closed and openDescriptors() == before
    with pytest.raises(OSError):
        os.fstat(number)
    region.close()                                 # twice is harmless
    assert region.closed


def test_a_region_dropped_unsent_closes_its_descriptor(bigFile: str) -> None:
    before = openDescriptors()
    with open(bigFile, "rb") as file:
        region = FileRegion(file, 0, 5)
    assert openDescriptors() == before + 1
    del region
    assert openDescriptors() == before


def test_read_gives_nothing_once_the_file_has_ended_before_the_region(tmp_path: Path) -> None:
    path = tmp_path / "short"
    path.write_bytes(b"12345")
    with open(path, "rb") as file:
        region = FileRegion(file, 2, 10)
    assert region.read(100) == b"345"
    assert region.read(100) == b"" and region.remaining == 7
    region.close()


# ---------------------------------------------------------- through a server
def test_the_client_gets_the_bytes_before_the_file_and_after_in_order(
        bigFile: str, content: bytes) -> None:
    before = openDescriptors()
    made: list[FileRegion] = []
    parts: list[Part] = [b"before", (bigFile, 0, SIZE), b"between",
                         (bigFile, 1000, 5000), b"after"]
    core = server(parts, made)
    with Background(core):
        with connect(core.port) as client:
            received = receiveAll(client)
    assert received == b"before" + content + b"between" + content[1000:6000] + b"after"
    assert [region.closed for region in made] == [True, True]
    assert openDescriptors() == before


def test_the_region_is_closed_once_sent_while_the_connection_goes_on(bigFile: str,
                                                                     content: bytes) -> None:
    made: list[FileRegion] = []
    core = server([b"before", (bigFile, 0, SIZE), b"after"], made, finish=False)
    with Background(core):
        with connect(core.port) as client:
            expected = b"before" + content + b"after"
            assert receiveExactly(client, len(expected)) == expected
            # "after" is written only once the region is done with
            assert made[0].closed
            assert inScheduler(lambda: core.connectedTo) == 1
    assert made[0].remaining == 0


def test_a_client_that_reads_nothing_until_the_server_is_stuck_gets_every_byte(
        bigFile: str, content: bytes) -> None:
    before = openDescriptors()
    made: list[FileRegion] = []
    core = server([b"before", (bigFile, 0, SIZE), b"after"], made, smallBuffers=True)
    with Background(core):
        with slowClient(core.port) as client:
            # Read nothing until the server's socket is full in the middle of the file.
            waitUntil(lambda: len(made) == 1 and 0 < made[0].remaining < SIZE
                      and serverSocketFull(core))
            received = receiveAll(client)
    assert received == b"before" + content + b"after"
    assert made[0].closed
    assert openDescriptors() == before


@pytest.fixture(scope="module")
def certificate_authority() -> trustme.CA:
    return trustme.CA()


def test_over_tls_the_file_arrives_intact(bigFile: str, content: bytes,
                                          certificate_authority: trustme.CA) -> None:
    before = openDescriptors()
    serverContext = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    certificate_authority.issue_cert("127.0.0.1").configure_cert(serverContext)
    clientContext = ssl.create_default_context()
    certificate_authority.configure_trust(clientContext)
    made: list[FileRegion] = []
    core = server([b"before", (bigFile, 0, SIZE), b"between", (bigFile, 7, 70_000), b"after"],
                  made, sslContext=serverContext)
    with Background(core):
        with clientContext.wrap_socket(connect(core.port), server_hostname="127.0.0.1") as client:
            received = receiveAll(client)
    assert received == b"before" + content + b"between" + content[7:70_007] + b"after"
    assert all(region.closed for region in made)
    assert openDescriptors() == before


def test_a_file_sendfile_cannot_read_is_read_in_pieces_instead() -> None:
    # Linux's /proc files without splice support fail sendfile with EINVAL
    # but read normally; this process's environment does not change.
    path = "/proc/self/environ"
    with open(path, "rb") as file:
        expected = file.read()
    fd = os.open(path, os.O_RDONLY)
    ours, theirs = socket.socketpair()
    try:
        with pytest.raises(OSError) as caught:
            os.sendfile(ours.fileno(), fd, 0, len(expected))
        assert caught.value.errno == errno.EINVAL, "this kernel can sendfile that file: " \
            "the fallback would not be tested"
    finally:
        os.close(fd)
        ours.close()
        theirs.close()
    before = openDescriptors()
    made: list[FileRegion] = []
    core = server([b"before", (path, 0, len(expected)), b"after"], made)
    with Background(core):
        with connect(core.port) as client:
            received = receiveAll(client)
    assert received == b"before" + expected + b"after"
    assert made[0].closed
    assert openDescriptors() == before


@pytest.mark.parametrize("tls", [False, True], ids=["plain", "TLS"])
def test_a_file_truncated_before_sending_closes_the_connection_and_says_why(
        tmp_path: Path, content: bytes, certificate_authority: trustme.CA, tls: bool,
        caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "shrinks.bin"
    path.write_bytes(content)
    kept = 1024 * 1024
    made: list[FileRegion] = []
    context = clientContext = None
    if tls:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        certificate_authority.issue_cert("127.0.0.1").configure_cert(context)
        clientContext = ssl.create_default_context()
        certificate_authority.configure_trust(clientContext)
    before = openDescriptors()
    core = server([b"before", (str(path), 0, SIZE), b"after"], made, sslContext=context,
                  beforeSending=lambda: os.truncate(path, kept))
    with caplog.at_level(logging.WARNING, ADAPTER_LOG):
        with Background(core):
            client = connect(core.port)
            if clientContext is not None:
                client = clientContext.wrap_socket(client, server_hostname="127.0.0.1")
            with client:
                try:
                    received = receiveAll(client)
                except ssl.SSLError:                 # (no close_notify: the end is abrupt)
                    pytest.fail("the TLS client saw an error, not the end of the stream")
    assert received == b"before" + content[:kept]
    assert f"the file being sent ended {SIZE - kept} bytes early" in caplog.text
    assert made[0].closed
    assert openDescriptors() == before


# -------------------------------------------------- dropped when the client goes
def test_a_region_being_sent_is_closed_when_the_client_goes(bigFile: str) -> None:
    before = openDescriptors()
    made: list[FileRegion] = []
    core = server([b"before", (bigFile, 0, SIZE), b"after"], made, smallBuffers=True,
                  finish=False)
    with Background(core):
        client = slowClient(core.port)
        waitUntil(lambda: len(made) == 1 and 0 < made[0].remaining < SIZE
                  and serverSocketFull(core))
        reset(client)
        waitUntil(lambda: core.connectedTo == 0)
        assert made[0].closed and made[0].remaining > 0
    assert openDescriptors() == before


def test_a_region_waiting_behind_unsent_bytes_is_closed_when_the_client_goes(
        bigFile: str) -> None:
    before = openDescriptors()
    made: list[FileRegion] = []
    core = server([b"x" * SIZE, (bigFile, 0, SIZE), b"after"], made, smallBuffers=True,
                  finish=False)
    with Background(core):
        client = slowClient(core.port)
        waitUntil(lambda: len(made) == 1 and serverSocketFull(core))
        assert made[0].remaining == SIZE              # not begun: the bytes before it wait
        reset(client)
        waitUntil(lambda: core.connectedTo == 0)
        assert made[0].closed and made[0].remaining == SIZE
    assert openDescriptors() == before
