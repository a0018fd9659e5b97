"""Kamaelia.Apps.Grey.GreyListingPolicy: Kamaelia 1.14's greylisting SMTP proxy session.

Example Usage
-------------
A greylisting proxy configured in the class, as 1.14's programs did::

    from Kamaelia.Chassis.ConnectedServer import ServerCore
    from Kamaelia.Apps.Grey.GreyListingPolicy import GreyListingPolicy

    class GreyLister(ServerCore):
        class protocol(GreyListingPolicy):
            smtp_ip, smtp_port = "127.0.0.1", 8025     # the real mail server
            allowed_senders = ["127.0.0.1"]            # may send anywhere
            allowed_sender_nets = ["192.168.2"]        # 1.14 prefixes, or CIDR: "10.0.0.0/8"
            allowed_domains = ["example.org"]          # the domains we take mail for
            greylist_db = "greylist.sqlite"

    server = GreyLister(port=0, host="127.0.0.1")
    server.close()           # (server.run() would serve)

For a deployment, run ``kamaelia grey`` (:mod:`Kamaelia.Apps.Grey.main`),
which reads 1.14's ``greylist.conf`` and runs the newer, per-recipient
:class:`~Kamaelia.Apps.Grey.components.GreySession`. This class is here so
that 1.14 code built on it runs unchanged.

How does it work?
-----------------
It is a :class:`~Kamaelia.Apps.Grey.ConcreteMailHandler.ConcreteMailHandler`
whose :meth:`GreyListingPolicy.shouldWeAcceptMail` (asked at DATA) keeps
1.14's order:

1. a client in ``allowed_senders`` (addresses) or ``allowed_sender_nets``
   (1.14's string prefixes such as ``"192.168.2"``, or CIDR networks) may
   send anywhere: accepted;
2. otherwise every recipient's domain must be in ``allowed_domains``, or
   the message is refused (451, as 1.14 did);
3. then, recipient by recipient: one in ``whitelisted_triples`` (client
   address, sender, recipient) or ``whitelisted_nonstandard_triples`` (HELO
   name, address prefix, recipient) accepts the message; one whose triplet
   has not passed greylisting (:meth:`isGreylisted` false) defers it (451
   4.7.1, and the connection is closed, as in 1.14).

:meth:`isGreylisted` asks a :class:`~Kamaelia.Apps.Grey.policy.Greylist`
(the engine ``kamaelia grey`` uses, on the store in ``greylist_db``: an
SQLite file, or a ``postgresql://`` URL) about the triplet; it is true when
the triplet has waited ``greylist_delay`` seconds and come back within
``retry_window`` (see :mod:`Kamaelia.Apps.Grey.policy` for the rules).
1.14 kept two dbm files in the current folder with its own fixed times
(retry after 1 h, within 25 000 s); the times are now attributes, with
postgrey's defaults (5 min, 2 days). The store is opened the first time it
is needed and shared by every session of the class (one per
``greylist_db``; :func:`closeGreylists` closes them). The look-up blocks
the scheduler for its duration (one SQLite query), as 1.14's dbm look-up did; ``GreySession`` asks from a
worker thread instead. If the look-up fails, the error is logged and the
message accepted (1.14 accepted it too: mail is not lost to a broken
database).

:meth:`logResult` appends one line per session (per transaction, when a
session sends several) to ``logfile`` in 1.14's format::

    20240102030405.678 | mail.example.net | 192.0.2.1 | <a@x.net> | <b@x.org> | ACCEPTED |

(time in UTC with milliseconds, HELO name, client address, sender, the
recipients joined by ", ", and ``ACCEPTED``, ``DEFERRED``, ``REJECTED`` or
``UPSTREAM FAILED``).
"""

from __future__ import annotations

import ipaddress
import logging
import math
import threading
import time
from typing import Any

from Kamaelia.Apps.Grey.ConcreteMailHandler import ConcreteMailHandler

__all__ = ["GreyListingPolicy", "logStamp", "closeGreylists"]

log = logging.getLogger("Kamaelia.Apps.Grey.GreyListingPolicy")


def logStamp(now: float | None = None) -> str:
    """``YYYYMMDDhhmmss.mmm`` in UTC: the first field of a Grey log line."""
    now = time.time() if now is None else now
    ms = int((now - math.floor(now)) * 1000)
    return time.strftime("%Y%m%d%H%M%S", time.gmtime(now)) + f".{ms:03d}"


def _bare(address: Any) -> str:
    """``"<a@b>"`` -> ``"a@b"`` (and None -> "")."""
    return str(address or "").strip().removeprefix("<").removesuffix(">")


def _inNetwork(peer: str, network: str) -> bool:
    """1.14's prefix match (``"192.168.2"`` holds ``"192.168.2.5"``) or CIDR."""
    if "/" in network:
        try:
            return ipaddress.ip_address(peer) in ipaddress.ip_network(network, strict=False)
        except ValueError:
            return False
    return peer[:len(network)] == network


_greylists: dict[str, Any] = {}
_greylistsLock = threading.Lock()


def closeGreylists() -> None:
    """Close the stores the sessions opened (they are opened again when next needed)."""
    with _greylistsLock:
        greylists = list(_greylists.values())
        _greylists.clear()
    for greylist in greylists:
        greylist.store.close()


class GreyListingPolicy(ConcreteMailHandler):
    """GreyListingPolicy(**argd) -> a greylisting SMTP proxy session (see the module docstring)

    Besides ConcreteMailHandler's settings (``servername``, ``smtp_ip``,
    ``smtp_port``, ...), keyword arguments or class attributes:

    - allowed_senders      -- client addresses that may send anywhere
    - allowed_sender_nets  -- networks that may send anywhere (prefixes or CIDR)
    - allowed_domains      -- the recipient domains we take mail for
    - whitelisted_triples  -- (client address, sender, recipient) always accepted
    - whitelisted_nonstandard_triples -- (HELO name, address prefix, recipient)
    - greylist_db          -- the greylist store (default "greylist.sqlite")
    - greylist_delay, retry_window, entry_lifetime, ipv4_prefix, ipv6_prefix,
      auto_whitelist_clients -- the greylisting times and keys (GreyConfig's defaults)
    """

    allowed_senders: list[str] = []
    allowed_sender_nets: list[str] = []
    allowed_domains: list[str] = []
    whitelisted_triples: list[tuple[str, str, str]] = []
    whitelisted_nonstandard_triples: list[tuple[str, str, str]] = []
    greylist_db: str = "greylist.sqlite"
    greylist_delay: float | None = None
    retry_window: float | None = None
    entry_lifetime: float | None = None
    ipv4_prefix: int | None = None
    ipv6_prefix: int | None = None
    auto_whitelist_clients: int | None = None

    # ------------------------------------------------------------ 1.14's tests
    def sentFromAllowedIPAddress(self) -> bool:
        return self.peer in self.allowed_senders

    def sentFromAllowedNetwork(self) -> bool:
        return any(_inNetwork(str(self.peer), net) for net in self.allowed_sender_nets)

    def sentToADomainWeForwardFor(self) -> bool:
        for recipient in self.recipients:
            address = _bare(recipient)
            domain = address[address.find("@") + 1:].lower()
            if domain not in self.allowed_domains:
                return False
        return True

    def whiteListed(self, recipient: str) -> bool:
        for (address, sender, whom) in self.whitelisted_triples:
            if self.peer == address and self.sender == sender and recipient == whom:
                return True
        for (remotename, prefix, whom) in self.whitelisted_nonstandard_triples:
            if (remotename == self.remotename and _inNetwork(str(self.peer), prefix)
                    and whom == recipient):
                return True
        return False

    # -------------------------------------------------------------- the engine
    def greylist(self) -> Any:
        """The :class:`~Kamaelia.Apps.Grey.policy.Greylist` for ``greylist_db``
        (made on first use, shared by the sessions of every class that uses it)."""
        with _greylistsLock:
            greylist = _greylists.get(self.greylist_db)
            if greylist is None:
                from Kamaelia.Apps.Grey.config import GreyConfig
                from Kamaelia.Apps.Grey.policy import Greylist
                from Kamaelia.Apps.Grey.store import openStore
                settings: dict[str, Any] = {"db": self.greylist_db, "allowed_senders": [],
                                            "allowed_sender_nets": [], "allowed_domains": []}
                for name in ("greylist_delay", "retry_window", "entry_lifetime",
                             "ipv4_prefix", "ipv6_prefix", "auto_whitelist_clients"):
                    value = getattr(self, name)
                    if value is not None:
                        settings[name] = value
                config = GreyConfig(**settings)
                greylist = Greylist(config, openStore(self.greylist_db))
                _greylists[self.greylist_db] = greylist
            return greylist

    def isGreylisted(self, recipient: str) -> bool:
        """True if the triplet (client, sender, ``recipient``) has passed
        greylisting (1.14's name: "is on the grey list", i.e. may pass)."""
        verdict = self.greylist().check(str(self.peer), str(self.remotename),
                                        _bare(self.sender), _bare(recipient))
        return verdict.action == "accept"

    def shouldWeAcceptMail(self) -> bool:
        if self.sentFromAllowedIPAddress():
            return True                  # allowed hosts may send anywhere through us
        if self.sentFromAllowedNetwork():
            return True                  # so may trusted networks
        if self.sentToADomainWeForwardFor():
            try:
                for recipient in self.recipients:
                    if self.whiteListed(recipient):
                        return True
                    if not self.isGreylisted(recipient):
                        return False
            except Exception:
                # As 1.14: a broken greylist must not lose mail.
                log.exception("%s: the greylist look-up failed; accepting the message",
                              self.name)
            return True
        return False

    def logResult(self) -> None:
        self.noteToLog(" | ".join([logStamp(), str(self.remotename), str(self.peer),
                                   str(self.sender), ", ".join(self.recipients),
                                   str(self.mailStatus)]) + " | ")


__kamaelia_components__ = (GreyListingPolicy,)
