"""grey-proxy: messages per second through Kamaelia Grey, against straight to the same aiosmtpd.

What it measures
----------------
1. **Messages per second, 100 concurrent SMTP clients** (the same with
   ``--quick``), the greylist passing (the clients' address is
   whitelisted, so every recipient is checked and passes). Two ways to the
   same real server, an ``aiosmtpd`` ``SMTP`` server (its handler counts
   the message and answers ``250``) on the default asyncio loop in a child
   process of its own:

   * direct: the clients talk to aiosmtpd;
   * through Grey: the clients talk to ``GreyService`` (the SMTP proxy
     ``kamaelia grey`` runs: a ``GreySession`` per connection, the
     greylist checked in its worker threads on an SQLite file, each
     recipient and the message relayed in real time over a connection of
     its own to the same kind of aiosmtpd server), in another child process.

   Each client, in this process, does what a sending MTA does, over and
   over: connect, read the greeting, ``EHLO``, then ``MAIL FROM``,
   ``RCPT TO`` and ``DATA`` in one packet (PIPELINING), the message (about
   1.5 KB of headers and text, a dot-stuffed line among them), ``QUIT``,
   close; every reply is checked (220, 250, 250, 250, 354, 250, 221). After
   a warm-up (0.5 s; 0.2 s with ``--quick``) it counts the messages
   accepted (the 250 after the final dot) in a fixed window of 2 s (0.5 s
   with ``--quick``). A wrong reply, a closed connection or no progress
   for 10 s fails the run. Each repetition starts fresh servers; the two
   ways are interleaved; the best of each is shown. Target: through Grey
   >= 0.7x direct (issue 15).
2. **Postfix policy decisions per second** (context): ``GreyService`` with
   only the policy service, 20 connections each with one request in
   flight (a pre-passed triplet: ``action=DUNNO``), against a loop in this
   process calling ``Greylist.check`` on the same kind of SQLite store
   (the work a decision costs without the protocol and the network).
   postgrey publishes no figure to compare with.

Why it is fair
--------------
Both ways use the same aiosmtpd server started the same way
(:func:`benchmarks.echo_server.serverProcess`), the same clients, message
and window, in the same run. Through Grey the message crosses two SMTP
sessions instead of one (and two TCP connections per message), which is
the proxy's real cost: Grey opens its session with the real server only
once a recipient has passed and relays before answering, as it does in
service. Grey's session log is off (``greylist_log`` unset) as aiosmtpd
logs nothing either; its greylist writes its counters to SQLite for every
recipient as in service. The CPU use of each server process in the window
is shown (a process at 100% of a core was the limit), and so is the load
generator's: on 2 cores, the generator, aiosmtpd and Grey share them.
"""

from __future__ import annotations

import importlib.util
import os
import re
import selectors
import socket
import struct
import tempfile
import time
from functools import partial
from typing import Any, Callable, cast

from ._httpload import LoadError, against
from .echo_server import ensureFileLimit, serverProcess, timedWindow
from .harness import Row, interleave

NAME = "grey-proxy"

RATIO_TARGET = 0.7
CLIENTS = 100
POLICY_CONNECTIONS = 20
STALL_TIMEOUT = 10.0
SPARE_FILES = 64

SENDER = "sender@bench.example.net"
RECIPIENT = "user@bench.example.org"
BODY = (b"From: Sender <sender@bench.example.net>\r\nTo: user@bench.example.org\r\n"
        b"Subject: benchmark message\r\nMessage-ID: <bench@example.net>\r\n"
        b"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n"
        + b"".join(b"Line %02d of a plain text message, of the length of a short mail.\r\n"
                   % i for i in range(18))
        + b"..a dot-stuffed line\r\n.\r\n")       # (already dot-stuffed, with the final dot)

KINDS = {"direct": "straight to aiosmtpd", "grey": "through Kamaelia Grey (GreyService)"}
OUR_MODULES = ("Kamaelia.Apps.Grey.service", "Kamaelia.Protocol.SMTP.server")


# ------------------------------------------------------------ the servers
# In a child process: listen on 127.0.0.1, port 0, announce(port), serve.

def _serveAiosmtpd(announce: Callable[[int], None], socketBuffer: int | None) -> None:
    import asyncio

    from aiosmtpd.smtp import SMTP

    class Count:
        messages = 0

        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            Count.messages += 1
            return "250 2.0.0 OK: queued"

    async def main() -> None:
        loop = asyncio.get_running_loop()
        handler = Count()
        server = await loop.create_server(lambda: SMTP(handler, hostname="upstream.bench"),
                                          "127.0.0.1", 0, backlog=socket.SOMAXCONN)
        announce(server.sockets[0].getsockname()[1])
        await asyncio.Event().wait()

    asyncio.run(main())


def _serveGrey(upstreamPort: int, policy: bool, folder: str,
               announce: Callable[[int], None], socketBuffer: int | None) -> None:
    from Axon.Scheduler import scheduler
    from Kamaelia.Apps.Grey.config import GreyConfig
    from Kamaelia.Apps.Grey.service import GreyService

    config = GreyConfig(port=0, smtp_ip="127.0.0.1", smtp_port=upstreamPort or 1,
                        servername="grey.bench", greylist_log=None,
                        db=os.path.join(folder, "greylist.sqlite"), allowed_senders=[],
                        whitelist_clients=[] if policy else ["127.0.0.1"],
                        policy_port=0 if policy else None, max_recipients=100)
    service = GreyService(config, host="127.0.0.1", smtp=not policy)
    if policy:          # pre-pass the triplet the requests ask about
        clock = service.greylist.clock
        service.greylist.clock = lambda: clock() - 600
        service.greylist.check("192.0.2.7", "mx.bench.example.net", SENDER, RECIPIENT)
        service.greylist.clock = clock
        service.greylist.check("192.0.2.7", "mx.bench.example.net", SENDER, RECIPIENT)
    service.activate()
    port = service.policyPort if policy else service.smtpPort
    assert port is not None
    announce(port)
    scheduler.run.runThreads()


# ------------------------------------------------------------ the clients
_REPLY = re.compile(rb"(\d{3})(?:-[^\n]*\n\1)*(?: [^\n]*)?\r?\n")
#: What each client sends after each reply, and the reply it must get.
_STEPS: list[tuple[int, bytes]] = [
    (220, b"EHLO client.bench.example.net\r\n"),
    (250, f"MAIL FROM:<{SENDER}>\r\nRCPT TO:<{RECIPIENT}>\r\nDATA\r\n".encode()),
    (250, b""), (250, b""), (354, BODY), (250, b"QUIT\r\n"), (221, b"")]
_ACCEPTED = 5           # the step whose reply is the message's acceptance


class SMTPClients:
    """``count`` SMTP clients to 127.0.0.1:``port``, each sending message after
    message, a connection each (see the module docstring); ``done``: messages
    accepted."""

    def __init__(self, port: int, count: int) -> None:
        self.port, self.count = port, count
        self.selector = selectors.DefaultSelector()
        self.done = 0
        self.inFlight = 0
        self.sending = True
        self.state: dict[socket.socket, list[Any]] = {}   # sock -> [step, buffer]

    def __enter__(self) -> "SMTPClients":
        return self

    def __exit__(self, *exc: object) -> None:
        for sock in list(self.state):
            self._close(sock)
        self.selector.close()

    def _open(self) -> None:
        sock = socket.socket()
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        # No TIME_WAIT left behind: thousands of connections a second would
        # otherwise use up the ephemeral ports.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.setblocking(False)
        sock.connect_ex(("127.0.0.1", self.port))
        self.selector.register(sock, selectors.EVENT_READ)
        self.state[sock] = [0, b""]
        self.inFlight += 1

    def _close(self, sock: socket.socket) -> None:
        self.selector.unregister(sock)
        del self.state[sock]
        sock.close()

    def connect(self) -> None:
        for _ in range(self.count):
            self._open()

    def pump(self, sending: bool, until: float | None) -> None:
        """Run the conversations until ``until`` (perf_counter), or (``until``
        None) until every message under way has been answered."""
        self.sending = sending
        select, state = self.selector.select, self.state
        lastProgress = now = time.perf_counter()
        while (now < until) if until is not None else self.inFlight:
            events = select(1.0 if until is None else max(0.0, min(1.0, until - now)))
            now = time.perf_counter()
            if not events:
                if self.inFlight and now - lastProgress > STALL_TIMEOUT:
                    raise LoadError(f"{self.inFlight} clients got no reply for "
                                    f"{STALL_TIMEOUT:g} s: lost")
                continue
            lastProgress = now
            for key, _ in events:
                sock = cast(socket.socket, key.fileobj)
                try:
                    data = sock.recv(65536)
                except (BlockingIOError, InterruptedError):
                    continue
                except OSError as error:
                    raise LoadError(f"a client's connection failed: {error}") from None
                if not data:
                    raise LoadError(f"the server closed a client's connection at step "
                                    f"{state[sock][0]}")
                self._feed(sock, data)

    def _feed(self, sock: socket.socket, data: bytes) -> None:
        entry = self.state[sock]
        buffer = entry[1] + data
        while True:
            match = _REPLY.match(buffer)
            if match is None:
                break
            buffer = buffer[match.end():]
            step = entry[0]
            expected, send = _STEPS[step]
            if int(match.group(1)) != expected:
                raise LoadError(f"step {step}: expected {expected}, got "
                                f"{match.group(0)[:200]!r}")
            if step == _ACCEPTED:
                self.done += 1
            entry[0] = step + 1
            if send:
                sock.sendall(send)
            if entry[0] == len(_STEPS):
                self._close(sock)
                self.inFlight -= 1
                if self.sending:
                    self._open()
                return
        entry[1] = buffer


class PolicyRequests:
    """``count`` connections to a Postfix policy service, one request in flight on each."""

    REQUEST = (f"request=smtpd_access_policy\nprotocol_state=RCPT\nprotocol_name=ESMTP\n"
               f"client_address=192.0.2.7\nclient_name=mx.bench.example.net\n"
               f"helo_name=mx.bench.example.net\nsender={SENDER}\nrecipient={RECIPIENT}\n"
               f"instance=1\n\n").encode()

    def __init__(self, port: int, count: int) -> None:
        self.port, self.count = port, count
        self.selector = selectors.DefaultSelector()
        self.socks: list[socket.socket] = []
        self.buffers: dict[socket.socket, bytes] = {}
        self.done = self.inFlight = 0

    def __enter__(self) -> "PolicyRequests":
        return self

    def __exit__(self, *exc: object) -> None:
        self.selector.close()
        for sock in self.socks:
            sock.close()

    def connect(self) -> None:
        for _ in range(self.count):
            sock = socket.create_connection(("127.0.0.1", self.port), timeout=STALL_TIMEOUT)
            sock.setblocking(False)
            self.selector.register(sock, selectors.EVENT_READ)
            self.socks.append(sock)
            self.buffers[sock] = b""
            sock.sendall(self.REQUEST)
            self.inFlight += 1

    def pump(self, sending: bool, until: float | None) -> None:
        now = lastProgress = time.perf_counter()
        while (now < until) if until is not None else self.inFlight:
            events = self.selector.select(1.0 if until is None else max(0.0, until - now))
            now = time.perf_counter()
            if not events:
                if self.inFlight and now - lastProgress > STALL_TIMEOUT:
                    raise LoadError("policy answers lost")
                continue
            lastProgress = now
            for key, _ in events:
                sock = cast(socket.socket, key.fileobj)
                data = sock.recv(65536)
                if not data:
                    raise LoadError("the policy service closed a connection")
                buffer = self.buffers[sock] + data
                while b"\n\n" in buffer:
                    answer, buffer = buffer.split(b"\n\n", 1)
                    if answer != b"action=DUNNO":
                        raise LoadError(f"policy answer {answer!r}, expected action=DUNNO")
                    self.done += 1
                    if sending:
                        sock.sendall(self.REQUEST)
                    else:
                        self.inFlight -= 1
                self.buffers[sock] = buffer


# -------------------------------------------------------------------- runs
def messageRate(kind: str, warmup: float, window: float,
                usage: dict[str, list[float]]) -> float:
    """One run: fresh servers, 100 clients; messages accepted per second."""
    files = 4 * CLIENTS + SPARE_FILES
    with serverProcess("aiosmtpd", files, benchmark=NAME, serve=_serveAiosmtpd,
                       label="aiosmtpd") as upstream, tempfile.TemporaryDirectory() as folder:
        if kind == "direct":
            rate = _clientRun(upstream.port, kind, warmup, window, [upstream], usage)
        else:
            with serverProcess("grey", files, benchmark=NAME,
                               serve=partial(_serveGrey, upstream.port, False, folder),
                               label="Kamaelia Grey") as grey:
                rate = _clientRun(grey.port, kind, warmup, window, [grey, upstream], usage)
    return rate


def _clientRun(port: int, kind: str, warmup: float, window: float, servers: list[Any],
               usage: dict[str, list[float]]) -> float:
    with SMTPClients(port, CLIENTS) as clients, against(KINDS[kind]):
        clients.connect()
        clients.pump(sending=True, until=time.perf_counter() + warmup)
        cpu0 = [s.cpu() for s in servers]
        own0, done0, start = time.process_time(), clients.done, time.perf_counter()
        clients.pump(sending=True, until=start + window)
        done1, end, own1 = clients.done, time.perf_counter(), time.process_time()
        cpu1 = [s.cpu() for s in servers]
        clients.pump(sending=False, until=None)
    if done1 == done0:
        raise LoadError(f"{KINDS[kind]}: no message accepted in the window")
    rate = (done1 - done0) / (end - start)
    for server, before, after in zip(servers, cpu0, cpu1):
        usage.setdefault(f"{kind} {server.label}", []).append(
            100.0 * (after - before) / (end - start))
    usage.setdefault(f"{kind} generator", []).append(100.0 * (own1 - own0) / (end - start))
    return rate


def policyRate(warmup: float, window: float) -> float:
    with tempfile.TemporaryDirectory() as folder, \
            serverProcess("grey-policy", POLICY_CONNECTIONS + SPARE_FILES, benchmark=NAME,
                          serve=partial(_serveGrey, 0, True, folder),
                          label="Kamaelia Grey policy service") as grey, \
            PolicyRequests(grey.port, POLICY_CONNECTIONS) as load:
        load.connect()
        return timedWindow(load, warmup, window, grey, {}, "decision")


def directChecks(window: float) -> float:
    """``Greylist.check`` on a pre-passed triplet in a loop, SQLite file store: per second."""
    from Kamaelia.Apps.Grey.config import GreyConfig
    from Kamaelia.Apps.Grey.policy import Greylist
    from Kamaelia.Apps.Grey.store import SQLiteStore

    with tempfile.TemporaryDirectory() as folder:
        store = SQLiteStore(os.path.join(folder, "greylist.sqlite"))
        try:
            now = [time.time() - 600]
            greylist = Greylist(GreyConfig(allowed_senders=[]), store, clock=lambda: now[0])
            greylist.check("192.0.2.7", "mx.bench.example.net", SENDER, RECIPIENT)
            now[0] += 600
            checks, start = 0, time.perf_counter()
            while time.perf_counter() - start < window:
                for _ in range(100):
                    verdict = greylist.check("192.0.2.7", "mx.bench.example.net", SENDER,
                                             RECIPIENT)
                checks += 100
                if verdict.reason != "passed":
                    raise LoadError(f"the direct check said {verdict!r}")
            return checks / (time.perf_counter() - start)
        finally:
            store.close()


def run(quick: bool, reps: int) -> list[Row]:
    from .http_server import requireModules
    requireModules(OUR_MODULES, NAME)
    if importlib.util.find_spec("aiosmtpd") is None:
        raise LoadError(f"{NAME}: the real server is aiosmtpd: pip install aiosmtpd")
    warmup, window = (0.2, 0.5) if quick else (0.5, 2.0)
    ensureFileLimit(4 * CLIENTS + SPARE_FILES)

    usage: dict[str, list[float]] = {}
    samples = interleave(reps, {kind: partial(messageRate, kind, warmup, window, usage)
                                for kind in KINDS}, warmup=False)
    best = {kind: max(values) for kind, values in samples.items()}
    ratio = best["grey"] / best["direct"]
    rows = [Row(f"{KINDS['grey']}, {CLIENTS} clients, a message and connection each",
                best["grey"], "msg/s", samples["grey"]),
            Row(f"{KINDS['direct']}, same", best["direct"], "msg/s", samples["direct"]),
            Row("ratio Grey / direct", ratio, "x", target=f">= {RATIO_TARGET:g}x",
                ok=ratio >= RATIO_TARGET)]
    for name, values in usage.items():
        rows.append(Row(f"CPU in the window, {name} (context)", max(values), "% of a core",
                        values))

    policy = [policyRate(warmup, window) for _ in range(max(1, reps // 2))]
    direct = [directChecks(window) for _ in range(max(1, reps // 2))]
    rows += [Row(f"policy service decisions, {POLICY_CONNECTIONS} Postfix connections "
                 "(context)", max(policy), "decisions/s", policy),
             Row("Greylist.check in a loop, same store, no protocol (context)", max(direct),
                 "checks/s", direct),
             Row("ratio policy service / direct checks (context)", max(policy) / max(direct),
                 "x")]
    return rows
