"""Helpers for the Grey tests (imported by tests; not a test file).

``Upstream()`` is the real mail server Grey relays to: an ``aiosmtpd``
server on 127.0.0.1, a port the system chooses, run on an asyncio loop in a
thread of its own. It keeps every message it accepts (``messages``: the
envelope and the content byte for byte, as it arrived after the final dot
was taken off and dot-stuffing undone) and can be told to refuse a
recipient (``refuse["bad@example.org"] = "550 5.1.1 No such user"``), every
sender (``refuseSender``) or every message (``refuseData``).
``Upstream.stop()`` closes it; used as a context manager it stops on
leaving. ``waitFor(n)`` waits until n messages have arrived.

``SMTPDialogue(port)`` is a plain blocking client for the replies that
``smtplib`` hides or cannot provoke: ``send(bytes)``, ``reply()`` (one
whole reply: ``(code, text)``), ``replies(n)``, ``command(line)``,
``closed()``.

``greyConfig(tmp_path, upstreamPort, **overrides)`` is a ``GreyConfig``
for a test: port 0, that upstream, the database and the log in
``tmp_path``, nobody allowed to relay. ``GreyRig(tmp_path, **overrides)``
runs a whole Grey (``GreyService``, its greylist on a :class:`Clock` the
test moves) in front of a new ``Upstream``, in a background scheduler.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiosmtpd.smtp import SMTP as AioSMTP

#: Seconds a blocking test-side socket operation may take before the test fails.
IO_TIMEOUT = 10.0


@dataclass
class Received:
    """One message the upstream accepted."""

    sender: str
    recipients: list[str]
    content: bytes
    params: list[str] = field(default_factory=list)


class _Handler:
    def __init__(self, upstream: "Upstream") -> None:
        self.upstream = upstream

    async def handle_MAIL(self, server: Any, session: Any, envelope: Any, address: str,
                          mail_options: list[str]) -> str:
        if self.upstream.refuseSender is not None:
            return self.upstream.refuseSender
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 2.1.0 OK"

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          rcpt_options: list[str]) -> str:
        refusal = self.upstream.refuse.get(address.lower())
        if refusal is not None:
            return refusal
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.upstream.refuseData is not None:
            return self.upstream.refuseData
        with self.upstream.lock:
            self.upstream.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos),
                                                   envelope.original_content,
                                                   list(envelope.mail_options)))
            self.upstream.lock.notify_all()
        return "250 2.0.0 Message accepted for delivery"


class Upstream:
    """An aiosmtpd server on loopback, in a thread (see the module docstring)."""

    def __init__(self, hostname: str = "upstream.test", **smtpOptions: Any) -> None:
        self.messages: list[Received] = []
        self.refuse: dict[str, str] = {}
        self.refuseData: str | None = None
        self.refuseSender: str | None = None
        self.connections = 0             # connections made to it so far
        self.lock = threading.Condition()
        self.hostname = hostname
        self.smtpOptions = {"enable_SMTPUTF8": True, **smtpOptions}
        self.loop = asyncio.new_event_loop()
        self.server: asyncio.base_events.Server | None = None
        ready = threading.Event()
        self.thread = threading.Thread(target=self._run, args=(ready,), name="aiosmtpd",
                                       daemon=True)
        self.thread.start()
        ready.wait(IO_TIMEOUT)
        assert self.server is not None, "the aiosmtpd upstream did not start"
        self.port: int = self.server.sockets[0].getsockname()[1]

    def _run(self, ready: threading.Event) -> None:
        asyncio.set_event_loop(self.loop)
        handler = _Handler(self)

        def protocol() -> AioSMTP:
            self.connections += 1
            return AioSMTP(handler, hostname=self.hostname, loop=self.loop,
                           **self.smtpOptions)

        async def start() -> None:
            self.server = await self.loop.create_server(protocol, "127.0.0.1", 0,
                                                        backlog=socket.SOMAXCONN)

        try:
            self.loop.run_until_complete(start())
        finally:
            ready.set()
        self.loop.run_forever()
        # stop(): close the server and every session, then the loop.
        self.server.close()
        self.loop.run_until_complete(self.server.wait_closed())
        pending = asyncio.all_tasks(self.loop)
        for task in pending:
            task.cancel()
        self.loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        self.loop.run_until_complete(self.loop.shutdown_asyncgens())
        self.loop.close()

    def waitFor(self, count: int, timeout: float = IO_TIMEOUT) -> list[Received]:
        """Wait until ``count`` messages have arrived; all of them."""
        with self.lock:
            assert self.lock.wait_for(lambda: len(self.messages) >= count, timeout), \
                f"upstream has {len(self.messages)} messages, expected {count}"
            return list(self.messages)

    def stop(self) -> None:
        if self.thread.is_alive():
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(IO_TIMEOUT)
            assert not self.thread.is_alive(), "the aiosmtpd upstream did not stop"

    def __enter__(self) -> "Upstream":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()


def freePort() -> int:
    """A port nothing listens on (bound and released at once)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SMTPDialogue:
    """A blocking SMTP client that shows every reply as it is."""

    def __init__(self, port: int, host: str = "127.0.0.1", timeout: float = IO_TIMEOUT) -> None:
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.buffer = b""

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def line(self) -> bytes:
        """One line of a reply, without its CRLF (b"" once the server has closed)."""
        while b"\n" not in self.buffer:
            chunk = self.sock.recv(65536)
            if not chunk:
                rest, self.buffer = self.buffer, b""
                return rest
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        return line.rstrip(b"\r")

    def reply(self) -> tuple[int, str]:
        """One whole reply (all its lines): (code, the lines' text joined by "\\n");
        (0, "") if the server closed the connection."""
        texts: list[str] = []
        while True:
            line = self.line()
            if not line:
                return (0, "\n".join(texts))
            texts.append(line[4:].decode("utf-8", "replace"))
            if line[3:4] != b"-":
                return (int(line[:3]), "\n".join(texts))

    def replies(self, count: int) -> list[tuple[int, str]]:
        return [self.reply() for _ in range(count)]

    def command(self, line: str) -> tuple[int, str]:
        self.send(line.encode() + b"\r\n")
        return self.reply()

    def closed(self) -> bool:
        """True once the server has closed (or reset) the connection, whatever it
        sent first; False if it is still open after the timeout."""
        try:
            while self.sock.recv(65536):
                pass
            return True
        except ConnectionResetError:
            return True
        except socket.timeout:
            return False

    def close(self) -> None:
        self.sock.close()

    def __enter__(self) -> "SMTPDialogue":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def greyConfig(tmp_path: Path, upstreamPort: int, **overrides: Any) -> Any:
    """A GreyConfig for a test: port 0, this upstream, files in ``tmp_path``."""
    from Kamaelia.Apps.Grey.config import GreyConfig
    settings: dict[str, Any] = dict(
        port=0, smtp_ip="127.0.0.1", smtp_port=upstreamPort, servername="grey.test",
        greylist_log=str(tmp_path / "greylist.log"), db=str(tmp_path / "greylist.sqlite"),
        allowed_senders=[], allowed_sender_nets=[], allowed_domains=[])
    settings.update(overrides)
    return GreyConfig(**settings)


class Clock:
    """The greylist's clock for a test: it reads ``now`` and moves only when told."""

    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class GreyRig:
    """A running Grey (GreyService in a Background scheduler) in front of an Upstream.

    ``GreyRig(tmp_path, **config)``: ``port`` (the proxy), ``upstream``,
    ``clock`` (the greylist's :class:`Clock`), ``config``, ``service``;
    ``stop()`` (or leaving the ``with`` block) shuts both down.
    """

    def __init__(self, tmp_path: Path, upstream: Upstream | None = None,
                 clock: Clock | None = None, **overrides: Any) -> None:
        from Kamaelia.Apps.Grey.service import GreyService
        from nettools import Background

        self.upstream = upstream or Upstream()
        self.clock = clock or Clock()
        self.config = greyConfig(tmp_path, self.upstream.port, **overrides)
        self.service = GreyService(self.config, host="127.0.0.1", clock=self.clock, threads=2)
        self.port = self.service.smtpPort
        self.policyPort = self.service.policyPort
        self.background = Background(self.service)
        self.background.__enter__()

    def stop(self) -> None:
        try:
            self.background.shutdown()
        finally:
            self.upstream.stop()

    def __enter__(self) -> "GreyRig":
        return self

    def __exit__(self, kind: Any, *rest: Any) -> None:
        if kind is None:
            self.stop()
        else:
            try:
                self.background.__exit__(kind, *rest)
            finally:
                self.upstream.stop()

    def smtp(self, **options: Any) -> Any:
        """An ``smtplib.SMTP`` connected to the proxy."""
        import smtplib
        return smtplib.SMTP("127.0.0.1", self.port, timeout=IO_TIMEOUT, **options)

    def sendmail(self, sender: str, recipients: list[str], message: bytes) -> Any:
        """One message over a fresh connection: what smtplib returned, or the
        SMTPException it raised."""
        import smtplib
        client = self.smtp()
        try:
            return client.sendmail(sender, recipients, message)
        except smtplib.SMTPException as exc:
            return exc
        finally:
            try:
                client.quit()
            except (smtplib.SMTPException, OSError):
                client.close()

    def log(self) -> list[str]:
        """The session log's lines so far."""
        path = Path(self.config.greylist_log)
        return path.read_text(encoding="utf-8").splitlines() if path.exists() else []
