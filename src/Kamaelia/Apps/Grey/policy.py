"""Kamaelia.Apps.Grey.policy: the greylisting decision for one (client, sender, recipient).

Example Usage
-------------
::

    from Kamaelia.Apps.Grey.config import GreyConfig
    from Kamaelia.Apps.Grey.policy import Greylist
    from Kamaelia.Apps.Grey.store import SQLiteStore

    now = [1000.0]
    store = SQLiteStore(":memory:")
    greylist = Greylist(GreyConfig(allowed_domains=["example.org"]), store,
                        clock=lambda: now[0])

    verdict = greylist.check("192.0.2.7", "mx.example.net", "alice@example.net", "bob@example.org")
    print(verdict.action, verdict.reason, verdict.code, verdict.enhanced)
    # defer greylisted 451 4.7.1
    now[0] += 600                                # the client retries ten minutes later
    print(greylist.check("192.0.2.9", "mx.example.net", "alice@example.net",
                         "bob@example.org").reason)        # passed (same /24)
    print(greylist.check("192.0.2.7", "mx", "eve@example.net", "bob@elsewhere.com").reason)
    # relay-denied
    print(greylist.clientKey("2001:db8::1"))     # 2001:db8::/64
    store.close()

How does it work?
-----------------
:meth:`Greylist.check` answers with a :class:`Verdict`: ``"accept"``,
``"defer"`` (451 4.7.1) or ``"reject"`` (550 5.7.1), a short ``reason``
for logs and statistics, and the SMTP reply to give. It asks the
:mod:`store <Kamaelia.Apps.Grey.store>` (so it blocks: call it off the
scheduler's thread) and is safe to call from many threads at once.

Theory of operation
^^^^^^^^^^^^^^^^^^^
The rules, in the order they are tried (1.14's order, then the greylist):

1. A client in ``allowed_senders`` or ``allowed_sender_nets`` may send to
   any domain: accept, ``"allowed-sender"``.
2. With ``allowed_domains`` set, a recipient in another domain is refused:
   reject 550 5.7.1, ``"relay-denied"`` (a bare ``postmaster`` is always
   ours, as RFC 5321 wants).
3. Whitelists: the client's address in ``whitelist_clients`` or in the
   store's ``client`` whitelist (``"whitelisted-client"``); the sender in
   ``whitelist_senders`` or the store's ``sender`` list
   (``"whitelisted-sender"``); the recipient likewise
   (``"whitelisted-recipient"``); 1.14's ``whitelisted_triples`` (exact IP
   address, sender, recipient) and ``whitelisted_nonstandard_triples``
   (HELO name, IP network, recipient) (``"whitelisted-triple"``).
4. A client (its key, below) that passed greylisting at least
   ``auto_whitelist_clients`` times: accept, ``"auto-whitelisted"``.
   A client's passes count at most once per ``auto_whitelist_interval``,
   so one message to many recipients counts once.
5. The triplet (client key, sender, recipient; addresses lower-cased) in
   the store: unknown, or last seen more than ``entry_lifetime`` ago:
   recorded, defer ``"greylisted"``. Seen less than ``greylist_delay``
   after its first attempt: defer ``"too-soon"`` (the first attempt's
   time is not moved). Between the delay and ``retry_window``: accept
   ``"passed"``, and the triplet stays passed. Not passed within the
   retry window: as if new (the clock restarts), ``"greylisted"``. A
   passed triplet is accepted (``"passed"``) each time it comes back, and
   each time its last-seen time is refreshed; the store forgets entries
   not seen for ``entry_lifetime`` (:meth:`Greylist.expire`).

The client key groups an address by network, because big senders retry
from another machine of the same farm: IPv4 by ``ipv4_prefix`` (24:
``192.0.2.0/24``), IPv6 by ``ipv6_prefix`` (64: ``2001:db8::/64``); a
full-length prefix gives the address itself, and so does anything that is
not an IP address (e.g. ``"unknown"``). An IPv4 address written as IPv6
(``::ffff:192.0.2.7``) counts as IPv4.

The store's counters ``passed``, ``deferred``, ``rejected`` and
``whitelisted`` (everything accepted by rules 1, 3 and 4) count the
verdicts, for ``kamaelia grey stats``. The store's whitelist is read again
at most every ``whitelistRefresh`` seconds, so an entry added by another
process (``kamaelia grey whitelist add``) takes effect within that time.
"""

from __future__ import annotations

import ipaddress
import logging
import math
import threading
import time
from dataclasses import dataclass
from typing import Callable

from Kamaelia.Apps.Grey.config import GreyConfig, addressMatches, addressPattern, clientNetwork
from Kamaelia.Apps.Grey.store import Store, TripletRecord, WHITELIST_KINDS

__all__ = ["Verdict", "Greylist", "REASONS"]

_log = logging.getLogger("Kamaelia.Apps.Grey.policy")

_IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
_IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

#: Every ``Verdict.reason``, with the action it goes with.
REASONS: dict[str, str] = {
    "allowed-sender": "accept", "whitelisted-client": "accept", "whitelisted-sender": "accept",
    "whitelisted-recipient": "accept", "whitelisted-triple": "accept",
    "auto-whitelisted": "accept", "passed": "accept", "not-applicable": "accept",
    "greylisted": "defer", "too-soon": "defer", "relay-denied": "reject",
}


@dataclass(frozen=True, slots=True)
class Verdict:
    """Verdict(action, reason, code, enhanced, text): what to do with one recipient.

    ``action`` is ``"accept"``, ``"defer"`` or ``"reject"``; ``reason`` one
    of :data:`REASONS`; ``code``, ``enhanced`` and ``text`` the SMTP reply
    for it (``451``, ``"4.7.1"``, ``"Greylisted, ..."``).
    """

    action: str
    reason: str
    code: int
    enhanced: str
    text: str

    @property
    def accepted(self) -> bool:
        return self.action == "accept"

    @classmethod
    def accept(cls, reason: str) -> "Verdict":
        return cls("accept", reason, 250, "2.1.5", "OK")

    @classmethod
    def defer(cls, reason: str, wait: float) -> "Verdict":
        seconds = max(1, math.ceil(wait))
        return cls("defer", reason, 451, "4.7.1",
                   f"Greylisted, please try again in {seconds} seconds")

    @classmethod
    def reject(cls, reason: str, text: str) -> "Verdict":
        return cls("reject", reason, 550, "5.7.1", text)


def _address(text: str) -> _IPAddress | None:
    """The IP address in ``text`` (IPv4-mapped IPv6 as IPv4, no zone), else None."""
    text = text.strip()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    if text[:5].lower() == "ipv6:":
        text = text[5:]
    text = text.split("%", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _networks(entries: list[str]) -> list[_IPNetwork]:
    return [ipaddress.ip_network(entry) for entry in entries]


def _inAny(address: _IPAddress | None, networks: list[_IPNetwork]) -> bool:
    return address is not None and any(address in network for network in networks)


def _bare(address: str) -> str:
    """An envelope address as the greylist compares it: no ``<>``, lower case."""
    address = address.strip()
    if address.startswith("<") and address.endswith(">"):
        address = address[1:-1].strip()
    return address.lower()


class _StoreWhitelist:
    """The store's whitelist, read again when older than ``refresh`` seconds."""

    def __init__(self, store: Store, clock: Callable[[], float], refresh: float) -> None:
        self.store, self.clock, self.refresh = store, clock, refresh
        self.lock = threading.Lock()
        self.loadedAt: float | None = None
        self.clients: list[_IPNetwork] = []
        self.senders: list[str] = []
        self.recipients: list[str] = []

    def current(self) -> "_StoreWhitelist":
        now = self.clock()
        with self.lock:
            if self.loadedAt is None or now - self.loadedAt >= self.refresh or now < self.loadedAt:
                self._load()
                self.loadedAt = now
        return self

    def forget(self) -> None:
        with self.lock:
            self.loadedAt = None

    def _load(self) -> None:
        clients: list[_IPNetwork] = []
        senders: list[str] = []
        recipients: list[str] = []
        for kind, value in self.store.whitelist():
            try:
                if kind == "client":
                    clients.append(ipaddress.ip_network(clientNetwork(value)))
                elif kind == "sender":
                    senders.append(addressPattern(value))
                elif kind == "recipient":
                    recipients.append(addressPattern(value))
                else:
                    raise ValueError(kind)
            except Exception:
                _log.warning("skipping the stored whitelist entry %r %r: not a valid %s",
                             kind, value, " or ".join(WHITELIST_KINDS))
        self.clients, self.senders, self.recipients = clients, senders, recipients


class Greylist:
    """Greylist(config, store, clock=time.time, whitelistRefresh=10.0) -> the greylisting engine

    ``config``: a :class:`~Kamaelia.Apps.Grey.config.GreyConfig`; ``store``:
    a :class:`~Kamaelia.Apps.Grey.store.Store` (it is not closed here);
    ``clock``: a function giving the time in seconds (tests pass their
    own); ``whitelistRefresh``: how old, in seconds, the copy of the store's
    whitelist may get.
    """

    def __init__(self, config: GreyConfig, store: Store, clock: Callable[[], float] = time.time,
                 whitelistRefresh: float = 10.0) -> None:
        if not isinstance(config, GreyConfig):
            raise TypeError(f"Greylist: config must be a GreyConfig, not {config!r}")
        if not callable(clock):
            raise TypeError(f"Greylist: clock must be callable, not {clock!r}")
        self.config, self.store, self.clock = config, store, clock
        self._allowedSenders = {_address(a) for a in config.allowed_senders}
        self._allowedNets = _networks(config.allowed_sender_nets)
        self._allowedDomains = set(config.allowed_domains)
        self._clients = _networks(config.whitelist_clients)
        self._triples = {(_address(ip), sender, recipient)
                         for ip, sender, recipient in config.whitelisted_triples}
        self._nonstandard = [(helo, ipaddress.ip_network(net), recipient)
                             for helo, net, recipient in config.whitelisted_nonstandard_triples]
        self._stored = _StoreWhitelist(store, clock, whitelistRefresh)

    # -- keys ----------------------------------------------------------------------------------

    def clientKey(self, clientIP: str) -> str:
        """The client's greylisting key: its network (``"192.0.2.0/24"``), or its address."""
        address = _address(clientIP)
        if address is None:
            return clientIP.strip().lower()
        prefix = self.config.ipv4_prefix if address.version == 4 else self.config.ipv6_prefix
        if prefix == address.max_prefixlen:
            return str(address)
        return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))

    # -- the decision --------------------------------------------------------------------------

    def check(self, clientIP: str, helo: str, sender: str, recipient: str) -> Verdict:
        """The verdict for one recipient of a message (see the module's rules)."""
        verdict = self._decide(clientIP, helo or "", _bare(sender or ""), _bare(recipient or ""))
        counter = {"accept": "whitelisted", "defer": "deferred", "reject": "rejected"}[verdict.action]
        if verdict.reason == "passed":
            counter = "passed"
        self.store.bumpCounter(counter)
        return verdict

    def _decide(self, clientIP: str, helo: str, sender: str, recipient: str) -> Verdict:
        address = _address(clientIP)
        if address in self._allowedSenders or _inAny(address, self._allowedNets):
            return Verdict.accept("allowed-sender")
        if self._allowedDomains and not self._forUs(recipient):
            return Verdict.reject("relay-denied", f"Relaying denied for <{recipient}>")
        whitelisted = self._whitelisted(address, helo.strip().lower(), sender, recipient)
        if whitelisted is not None:
            return Verdict.accept(whitelisted)
        key = self.clientKey(clientIP)
        enough = self.config.auto_whitelist_clients
        if enough and self.store.clientPasses(key) >= enough:
            self._countPass(key)
            return Verdict.accept("auto-whitelisted")
        return self._greylist((key, sender, recipient))

    def _forUs(self, recipient: str) -> bool:
        local, at, domain = recipient.rpartition("@")
        if not at:
            return recipient == "postmaster"
        return domain.rstrip(".") in self._allowedDomains

    def _whitelisted(self, address: _IPAddress | None, helo: str, sender: str,
                     recipient: str) -> str | None:
        stored = self._stored.current()
        if _inAny(address, self._clients) or _inAny(address, stored.clients):
            return "whitelisted-client"
        if sender and any(addressMatches(p, sender)
                          for p in (*self.config.whitelist_senders, *stored.senders)):
            return "whitelisted-sender"
        if any(addressMatches(p, recipient)
               for p in (*self.config.whitelist_recipients, *stored.recipients)):
            return "whitelisted-recipient"
        if address is not None and (address, sender, recipient) in self._triples:
            return "whitelisted-triple"
        for name, network, wanted in self._nonstandard:
            if name == helo and address is not None and address in network and wanted == recipient:
                return "whitelisted-triple"
        return None

    def _greylist(self, key: tuple[str, str, str]) -> Verdict:
        config, now = self.config, self.clock()
        record = self.store.getTriplet(key)
        if record is not None and now - record.lastSeen > config.entry_lifetime:
            record = None                                   # as good as expired
        if record is not None and record.passedAt is not None:
            self.store.putTriplet(key, TripletRecord(record.firstSeen, now, record.passedAt,
                                                     record.passes + 1))
            self._countPass(key[0])
            return Verdict.accept("passed")
        if record is None or now - record.firstSeen > config.retry_window:
            self.store.putTriplet(key, TripletRecord(now, now, None, 0))
            return Verdict.defer("greylisted", config.greylist_delay)
        waited = now - record.firstSeen
        if waited < config.greylist_delay:
            self.store.putTriplet(key, TripletRecord(record.firstSeen, now, None, 0))
            return Verdict.defer("too-soon", config.greylist_delay - waited)
        self.store.putTriplet(key, TripletRecord(record.firstSeen, now, now, 1))
        self._countPass(key[0])
        return Verdict.accept("passed")

    def _countPass(self, clientKey: str) -> None:
        if self.config.auto_whitelist_clients:
            self.store.recordClientPass(clientKey, self.clock(),
                                        minInterval=self.config.auto_whitelist_interval)

    # -- housekeeping --------------------------------------------------------------------------

    def expire(self) -> int:
        """Forget entries not seen for ``entry_lifetime``; how many went."""
        return self.store.expire(self.clock(), self.config.entry_lifetime)

    def stats(self) -> dict[str, int]:
        """The store's statistics, with auto-whitelisting at this config's threshold."""
        return self.store.stats(autoWhitelistClients=self.config.auto_whitelist_clients)

    def refreshWhitelist(self) -> None:
        """Read the store's whitelist again at the next check (e.g. after changing it)."""
        self._stored.forget()
