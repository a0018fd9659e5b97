"""Kamaelia.Apps.Grey.service: GreyService, the whole of Grey wired together.

Example Usage
-------------
::

    from Kamaelia.Apps.Grey.config import GreyConfig
    from Kamaelia.Apps.Grey.service import GreyService

    service = GreyService(GreyConfig(port=0, db=":memory:", greylist_log=None),
                          host="127.0.0.1")
    print(service.smtpPort)          # the port it listens on (0 asked for any)
    service.close()                  # (service.run() serves; see "Shutdown")

``runGrey(config)`` runs one until SIGTERM or Ctrl-C: what ``kamaelia grey``
(:mod:`Kamaelia.Apps.Grey.main`, which also exports these names) does.

How does it work?
-----------------
:class:`GreyService` makes, from a :class:`~Kamaelia.Apps.Grey.config.GreyConfig`:
the store (:func:`~Kamaelia.Apps.Grey.store.openStore` on ``db``), the
:class:`~Kamaelia.Apps.Grey.policy.Greylist`, the worker threads it is
asked in (:class:`~Kamaelia.Apps.Grey.components.GreylistWorkers`), the
session log (``greylist_log``), an ``ssl.SSLContext`` for STARTTLS (when
``tls_certificate`` is set), the SMTP proxy (a
:class:`~Kamaelia.Apps.Grey.components.GreyServer` on ``port`` running a
:class:`~Kamaelia.Apps.Grey.components.GreySession` per connection) and,
with ``policy_port``, the Postfix policy service (a ``GreyServer`` running
:class:`~Kamaelia.Apps.Grey.policyserver.PolicySession`). The listening
sockets are made when the service is (so a port in use is an ``OSError``
at once, and ``smtpPort`` / ``policyPort`` are the real ports). While it
runs, entries not seen for ``entry_lifetime`` are removed from the store
every ``expireEvery`` seconds (an hour), in a worker thread. Connections
to the real server left idle by a client that has finished are kept for the
next one (up to ``reuseUpstream``, 16, for 10 s each: an
:class:`~Kamaelia.Apps.Grey.components.UpstreamPool`), as Postfix caches
its connections. With
``greylist_debuglog`` set, Kamaelia's log records (those logging lets
through: warnings and errors, everything under ``kamaelia -v``) are also
written to that file, and every ``debugEvery`` seconds (5 minutes) the
sorted names of the live components, as 1.14's debug log had them
(:mod:`~Kamaelia.Apps.Grey.PeriodicWakeup` and
:mod:`~Kamaelia.Apps.Grey.WakeableIntrospector`).

Shutdown
--------
``drainSessions(grace)`` on ``"control"`` (what SIGTERM sends, and the first
Ctrl-C): both servers stop listening at once, sessions finish what they
are doing for up to ``grace`` seconds and those still open then get
``421``; see :class:`~Kamaelia.Apps.Grey.components.GreyServer`. (A second
signal to :func:`runGrey` stops at once.) ``shutdownMicroprocess`` or
``producerFinished`` on ``"control"`` closes every connection at once.
When both servers have ended, the workers finish, the store and the log
are closed, and the service passes the message on out of ``"signal"``
(``producerFinished`` after a drain).
"""

from __future__ import annotations

import logging
import signal
import ssl
import time
from typing import Any, Callable, Iterator

from Axon.Component import component
from Axon.Ipc import producerFinished, shutdownMicroprocess
from Kamaelia.Apps.Grey.components import (GreylistWorkers, GreyServer, GreySession,
                                           SessionLog, UpstreamPool, drainSessions)
from Kamaelia.Apps.Grey.PeriodicWakeup import PeriodicWakeup
from Kamaelia.Apps.Grey.WakeableIntrospector import LoggingWakeableIntrospector
from Kamaelia.Apps.Grey.policy import Greylist
from Kamaelia.Apps.Grey.policyserver import PolicySession
from Kamaelia.Apps.Grey.store import openStore
from Kamaelia.Chassis.Pipeline import Pipeline

__all__ = ["GreyService", "runGrey", "makeSSLContext"]

log = logging.getLogger("Kamaelia.Apps.Grey")


def makeSSLContext(config: Any) -> ssl.SSLContext | None:
    """The server context for STARTTLS from ``tls_certificate`` / ``tls_key`` (None if unset)."""
    if config.tls_certificate is None:
        return None
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    try:
        context.load_cert_chain(config.tls_certificate, config.tls_key)
    except (OSError, ssl.SSLError) as exc:
        from Kamaelia.Apps.Grey.config import ConfigError
        raise ConfigError(f"cannot be loaded as a PEM certificate and key: {exc}",
                          "tls_certificate", config.tls_certificate) from None
    return context


class GreyService(component):
    """GreyService(config, host=None, policyHost="127.0.0.1", **options) -> Grey, wired

    Grey's whole system (see the module docstring).

    - config      -- a :class:`~Kamaelia.Apps.Grey.config.GreyConfig`
    - host        -- the address the SMTP proxy listens on (None: every IPv4 address, as 1.14)
    - policyHost  -- the address the policy service listens on (default 127.0.0.1)
    - store       -- a store to use instead of opening ``config.db`` (the service closes it)
    - clock       -- the greylist's clock (tests give their own)
    - threads     -- worker threads for the greylist
    - smtp        -- run the SMTP proxy (False: only the policy service)
    - expireEvery -- seconds between expiries of old entries
    - debugEvery  -- seconds between lists of live components in ``greylist_debuglog``
    - reuseUpstream -- idle connections to the real server kept for the next client
                     (an :class:`~Kamaelia.Apps.Grey.components.UpstreamPool`; 0: none)
    """

    Inboxes = {"inbox": "unused",
               "control": "drainSessions(grace): stop gently; shutdownMicroprocess / "
                          "producerFinished: stop now",
               "_verdict": "results of the expiry from the workers",
               "_children": "unused"}
    Outboxes = {"outbox": "unused",
                "signal": "the shutdown message, passed on when everything has ended",
                "_smtpControl": "to the SMTP server's control",
                "_policyControl": "to the policy server's control",
                "_debugControl": "to the debug log's components"}

    def __init__(self, config: Any, host: str | None = None, policyHost: str = "127.0.0.1",
                 store: Any = None, clock: Callable[[], float] = time.time, threads: int = 4,
                 smtp: bool = True, expireEvery: float = 3600.0, debugEvery: float = 300.0,
                 reuseUpstream: int = 16, **argd: Any) -> None:
        super().__init__(**argd)
        if not smtp and config.policy_port is None:
            raise ValueError("GreyService: with smtp=False there is nothing to run; "
                             "set policy_port")
        self.config = config
        self.expireEvery = expireEvery
        self.debugEvery = debugEvery
        sslContext = makeSSLContext(config)
        self.store = store if store is not None else openStore(config.db)
        self.smtpServer: Any = None
        self.policyServer: Any = None
        self.workers: Any = None
        self.upstreamPool: Any = None
        try:
            self.greylist = Greylist(config, self.store, clock=clock)
            self.workers = GreylistWorkers(threads)
            self.sessionLog = SessionLog(config.greylist_log)
            self.upstreamPool = UpstreamPool(size=reuseUpstream)
            greylist, workers, sessionLog = self.greylist, self.workers, self.sessionLog
            pool = self.upstreamPool if reuseUpstream else None

            def smtpSession(**peerInfo: Any) -> Any:
                return GreySession(config, greylist, workers, sslContext=sslContext,
                                   sessionLog=sessionLog, upstreamPool=pool, **peerInfo)

            def policySession(**peerInfo: Any) -> Any:
                return PolicySession(greylist, workers, **peerInfo)

            if smtp:
                self.smtpServer = GreyServer(protocol=smtpSession, port=config.port, host=host)
            if config.policy_port is not None:
                self.policyServer = GreyServer(protocol=policySession, port=config.policy_port,
                                               host=policyHost)
        except BaseException:
            self.close()
            raise
        self._expiring = False
        self._expireTimer: Any = None
        self._debug: Any = None
        self._debugHandler: logging.Handler | None = None

    @property
    def smtpPort(self) -> int | None:
        """The SMTP proxy's port (None if it does not run)."""
        return None if self.smtpServer is None else self.smtpServer.port

    @property
    def policyPort(self) -> int | None:
        """The policy service's port (None if it does not run)."""
        return None if self.policyServer is None else self.policyServer.port

    def servers(self) -> list[Any]:
        return [s for s in (self.smtpServer, self.policyServer) if s is not None]

    def close(self) -> None:
        """Release the sockets, threads and store of a service that is never run."""
        for server in self.servers():
            server.close()
        self._release()

    def _startDebugLog(self) -> None:
        """``greylist_debuglog``: Kamaelia's log records (as many as logging lets
        through: warnings, or everything with ``kamaelia -v``) and, every 5
        minutes, the live components (1.14's debug log)."""
        path = self.config.greylist_debuglog
        if path is None:
            return
        handler = logging.FileHandler(path, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: "
                                               "%(message)s"))
        logging.getLogger("Kamaelia").addHandler(handler)
        self._debugHandler = handler
        self._debug = Pipeline(PeriodicWakeup(interval=self.debugEvery),
                               LoggingWakeableIntrospector(logfile=path))
        self.link((self, "_debugControl"), (self._debug, "control"))
        self.addChildren(self._debug)
        self._debug.activate()

    def _stopDebugLog(self) -> None:
        if self._debug is not None and not self._debug._isStopped():
            self.send(producerFinished(self), "_debugControl")
        if self._debugHandler is not None:
            logging.getLogger("Kamaelia").removeHandler(self._debugHandler)
            self._debugHandler.close()
            self._debugHandler = None

    def _release(self) -> None:
        if self.workers is not None and not self.workers.closed:
            self.workers.close()
        sessionLog = getattr(self, "sessionLog", None)
        if sessionLog is not None:
            sessionLog.close()
        if self.store is not None:
            self.store.close()
            self.store = None

    # ------------------------------------------------------------ expiry
    def _expireDue(self) -> None:
        self._expireTimer = None
        if not self._expiring:
            self._expiring = True
            self.workers.submit(self, "expire", self.greylist.expire)
        self._expireTimer = self.scheduler.callLater(self.expireEvery, self._expireDue)

    def _expired(self) -> None:
        for _, removed, error in self.Inbox("_verdict"):
            self._expiring = False
            if error is not None:
                log.error("expiring old greylist entries failed: %s", error, exc_info=error)
            elif removed:
                log.info("expired %s greylist entries", removed)

    # -------------------------------------------------------------- main
    def _readControl(self, servers: list[Any], boxes: dict[Any, str]) -> Any:
        """Pass shutdown requests on to the servers; the message to end with, if any."""
        ending: Any = None
        while self.dataReady("control"):
            message = self.recv("control")
            if isinstance(message, drainSessions):
                ending = ending or producerFinished(self)
                for server in servers:
                    self.send(drainSessions(message.grace), boxes[server])
            elif isinstance(message, (shutdownMicroprocess, producerFinished)):
                ending = message
                for server in servers:
                    self.send(shutdownMicroprocess(self), boxes[server])
        return ending

    def main(self) -> Iterator[Any]:
        servers = self.servers()
        boxes = {self.smtpServer: "_smtpControl", self.policyServer: "_policyControl"}
        for server in servers:
            self.link((self, boxes[server]), (server, "control"))
            self.addChildren(server)
            server.activate()
        self._expireTimer = self.scheduler.callLater(self.expireEvery, self._expireDue)
        self._startDebugLog()
        ending: Any = None
        try:
            while any(not s._isStopped() for s in servers):
                self._expired()
                ending = self._readControl(servers, boxes) or ending
                if any(not s._isStopped() for s in servers):
                    self.pause()
                    yield 1
        finally:
            if self._expireTimer is not None:
                self._expireTimer.cancel()
            for server in servers:
                self.removeChild(server)
            if self.upstreamPool is not None:
                # A stop "now" (shutdownMicroprocess) does not wait for the
                # real server to answer QUIT on the parked sessions.
                self.upstreamPool.close(gently=not isinstance(ending, shutdownMicroprocess))
            self._stopDebugLog()
            self._release()
        while self._debug is not None and not self._debug._isStopped():
            self.pause()                   # (the debug log's thread takes a moment)
            yield 1
        self.send(ending or producerFinished(self), "signal")


# ---------------------------------------------------------------- running

def runGrey(config: Any, *, host: str | None = None, grace: float = 30.0, smtp: bool = True,
            announce: Callable[[str], None] | None = None) -> int:
    """Run Grey with ``config`` until SIGTERM / Ctrl-C (gently, see "Shutdown"); 0 when done."""
    from Axon.Scheduler import scheduler

    service = GreyService(config, host=host, smtp=smtp)
    say = announce or (lambda line: print(line, flush=True))
    where = host or "0.0.0.0"
    if service.smtpServer is not None:
        say(f"Kamaelia Grey: SMTP on {where} port {service.smtpPort}, relaying to "
            f"{config.smtp_ip}:{config.smtp_port}")
    if service.policyServer is not None:
        say(f"Kamaelia Grey: Postfix policy service on 127.0.0.1 port {service.policyPort}")
    signals = {"count": 0}
    sched = scheduler.run

    def stop(signum: int, frame: Any) -> None:
        signals["count"] += 1
        if signals["count"] == 1:
            log.warning("signal %d: stopping; sessions may finish for %g s", signum, grace)
            sched.callFromThread(service._deliver, drainSessions(grace), "control")
        else:
            log.warning("signal %d again: stopping now", signum)
            sched.callFromThread(service._deliver, shutdownMicroprocess(), "control")

    previous = {s: signal.signal(s, stop) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        service.run()
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
    say("Kamaelia Grey: stopped")
    return 0


__kamaelia_components__ = (GreyService,)
