"""Kamaelia.Apps.Grey.policyserver: greylisting for Postfix, as its policy service.

Example Usage
-------------
Instead of proxying SMTP, Grey can answer Postfix's questions, as postgrey
does. In Postfix's ``main.cf``::

    smtpd_recipient_restrictions = permit_mynetworks, reject_unauth_destination,
        check_policy_service inet:127.0.0.1:10023

and run ``kamaelia grey --policy-port 10023`` (with ``--port`` too if it
should also proxy). From Python, a policy server on a free port::

    from Kamaelia.Apps.Grey.components import GreylistWorkers, GreyServer
    from Kamaelia.Apps.Grey.config import GreyConfig
    from Kamaelia.Apps.Grey.policy import Greylist
    from Kamaelia.Apps.Grey.policyserver import PolicySession
    from Kamaelia.Apps.Grey.store import openStore

    config = GreyConfig(db=":memory:")
    greylist = Greylist(config, openStore(config.db))
    workers = GreylistWorkers(threads=2)
    server = GreyServer(protocol=lambda **info: PolicySession(greylist, workers, **info),
                        port=0, host="127.0.0.1")
    print("policy service on port", server.port)
    server.close()           # (server.run() would serve)
    workers.close()

How does it work?
-----------------
Postfix opens a connection and sends, for each recipient, a request:
``name=value`` lines ended by an empty line (``request=smtpd_access_policy``,
``protocol_state=RCPT``, ``client_address``, ``helo_name``, ``sender``,
``recipient``, ...). :class:`PolicySession` reads them with
:class:`~Kamaelia.Apps.Grey.postfix.PolicyRequestParser`, asks
:func:`~Kamaelia.Apps.Grey.postfix.checkPolicyRequest` in a worker thread
of :class:`~Kamaelia.Apps.Grey.components.GreylistWorkers` (the same
greylist as the SMTP proxy's, so both may run at once on one database),
and writes :func:`~Kamaelia.Apps.Grey.postfix.policyAnswer`: ``action=DUNNO``
(no objection), ``action=DEFER_IF_PERMIT 4.7.1 ...`` (greylisted) or
``action=REJECT ...``. Requests are answered one at a time, in order;
Postfix keeps the connection for many requests.

A request the parser refuses (too long, too many attributes, not text)
ends the connection, with the reason logged; Postfix then treats the
service as failing for that request (by default: a temporary error). A
greylist that fails (the database) answers ``action=DEFER_IF_PERMIT 4.3.0``
and logs the error, so mail is deferred, not lost or let through.

Shutdown: ``socketShutdown`` on ``"control"`` (Postfix closed): requests
already received are answered, then it ends. ``shutdownMicroprocess``:
it ends at once. ``drainSessions`` (the server is stopping): it answers
what it has and ends (Postfix reconnects to another instance, or defers);
``drainSessions(final=True)`` ends it at once. It sends ``producerFinished``
out of ``"signal"`` when it ends.
"""

from __future__ import annotations

import logging
from collections import deque
from typing import Any, Iterator

from Axon.Component import component
from Axon.Ipc import producerFinished, shutdownMicroprocess
from Kamaelia.Apps.Grey.components import GreylistWorkers, drainSessions
from Kamaelia.Apps.Grey.postfix import (PolicyProtocolError, PolicyRequestParser,
                                        checkPolicyRequest, policyAnswer)

__all__ = ["PolicySession", "TEMPORARY_FAILURE"]

log = logging.getLogger("Kamaelia.Apps.Grey.policyserver")

#: The answer when the greylist cannot be asked (its database failed).
TEMPORARY_FAILURE = b"action=DEFER_IF_PERMIT 4.3.0 Greylisting is temporarily unavailable\n\n"


class PolicySession(component):
    """PolicySession(greylist, workers, **peerInfo) -> one Postfix policy connection

    - greylist -- the :class:`~Kamaelia.Apps.Grey.policy.Greylist` to ask
    - workers  -- the :class:`~Kamaelia.Apps.Grey.components.GreylistWorkers` to ask it in
    - peer, peerport, localip, localport -- the connection (ServerCore passes them)
    """

    Inboxes = {"inbox": "bytes from Postfix (policy requests)",
               "control": "socketShutdown / shutdownMicroprocess / drainSessions",
               "_verdict": "(token, Verdict, exception) from the greylist workers"}
    Outboxes = {"outbox": "bytes to Postfix (policy answers)",
                "signal": "producerFinished when the session ends"}

    def __init__(self, greylist: Any, workers: GreylistWorkers, peer: str = "",
                 peerport: int = 0, localip: str = "", localport: int = 0,
                 **argd: Any) -> None:
        super().__init__(**argd)
        self.greylist = greylist
        self.workers = workers
        self.peer, self.peerport = peer, peerport
        self.localip, self.localport = localip, localport
        self.answered = 0

    def main(self) -> Iterator[Any]:
        # State lives on self and messages are handled in methods, so that no
        # request or answer stays bound in this generator while it waits.
        self._parser = PolicyRequestParser()
        self._requests: deque[dict[str, str]] = deque()
        self._waiting: int | None = None      # the token of the request being checked
        self._token = 0
        self._closing = self._stopping = False
        while True:
            self._readControl()
            if self._stopping or not self._readRequests():
                break
            self._answer()
            self._askNext()
            if self._closing and self._waiting is None and not self._requests:
                break
            if not self.anyReady():
                self.pause()
            yield 1
        self.send(producerFinished(self), "signal")

    def _readControl(self) -> None:
        while self.dataReady("control"):
            message = self.recv("control")
            if isinstance(message, shutdownMicroprocess):
                self._stopping = True
            elif isinstance(message, drainSessions):
                self._closing = True
                self._stopping = self._stopping or message.final
            elif isinstance(message, producerFinished):   # Postfix closed
                self._closing = True

    def _readRequests(self) -> bool:
        """Parse what arrived; False (and the reason logged) if it is not the protocol."""
        try:
            for data in self.Inbox("inbox"):
                self._requests.extend(self._parser.feed(data))
        except PolicyProtocolError as exc:
            log.warning("%s: bad policy request from %s: %s; closing the connection",
                        self.name, self.peer, exc)
            return False
        return True

    def _answer(self) -> None:
        while self.dataReady("_verdict"):
            got, verdict, error = self.recv("_verdict")
            if got != self._waiting:
                continue
            self._waiting = None
            if error is not None:
                log.error("%s: the greylist check failed: %s", self.name, error,
                          exc_info=error)
                self.send(TEMPORARY_FAILURE, "outbox")
            else:
                self.send(policyAnswer(verdict), "outbox")
            self.answered += 1

    def _askNext(self) -> None:
        if self._waiting is None and self._requests:
            self._token += 1
            self._waiting = self._token
            self.workers.submit(self, self._token, checkPolicyRequest, self.greylist,
                                self._requests.popleft())


__kamaelia_components__ = (PolicySession,)
