"""Kamaelia.Apps.Grey.main: the ``kamaelia grey`` command (and, from .service, the wiring).

Example Usage
-------------
From the shell::

    $ kamaelia grey                                   # greylist.conf from 1.14's search path
    $ kamaelia grey --config /etc/grey.toml --port 25 --upstream 127.0.0.1:8025
    $ kamaelia grey --port 2525 --db /var/lib/grey/greylist.sqlite --policy-port 10023
    $ kamaelia grey stats                             # what the greylist holds
    $ kamaelia grey list --limit 20                   # the triplets seen most recently
    $ kamaelia grey whitelist add client 192.0.2.0/24
    $ kamaelia grey whitelist remove sender @example.net
    $ kamaelia grey whitelist show
    $ kamaelia grey delete --client 198.51.100.0/24   # forget what a client did

From Python::

    from Kamaelia.Apps.Grey.config import GreyConfig
    from Kamaelia.Apps.Grey.main import GreyService

    service = GreyService(GreyConfig(port=0, db=":memory:", greylist_log=None),
                          host="127.0.0.1")
    print(service.smtpPort)          # the port it listens on (0 asked for any)
    service.close()                  # (service.run() serves; see "Shutdown")

How does it work?
-----------------
:func:`command` (what :mod:`Kamaelia.cli` runs as ``kamaelia grey``) loads
the config (``--config``, or else the first file of 1.14's search path,
or else the defaults), applies the command line's overrides (``--port``,
``--upstream``, ``--db``, ``--policy-port``), prints where it listens, and
runs :class:`~Kamaelia.Apps.Grey.service.GreyService` (the wiring: see
:mod:`Kamaelia.Apps.Grey.service`) with :func:`~Kamaelia.Apps.Grey.service.runGrey`
until SIGTERM or Ctrl-C: it then stops listening, lets the sessions
finish for ``--grace`` seconds (30), answers 421 to those still open and
ends with status 0; a second signal stops at once. A bad config or
option is one line on standard error and status 2; a port that cannot be
had, status 1.

The sub-commands ``stats``, ``list``, ``whitelist`` and ``delete`` open the
store of the same config (or ``--db``), act on it and end; they work while
the server runs (SQLite in WAL mode, or PostgreSQL).

``GreyService``, ``runGrey`` and ``makeSSLContext`` can be imported from
here as well; this module itself imports neither Axon nor the rest of
Grey until a command runs (``kamaelia --help`` reads :data:`HELP`).
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import sys
import time
from typing import Any, Sequence

__all__ = ["addArguments", "command", "main", "HELP", "parseUpstream"]

log = logging.getLogger("Kamaelia.Apps.Grey")

HELP = """\
Kamaelia Grey: a greylisting SMTP proxy to put in front of your mail server.

Mail from a client not seen before with that sender and recipient is
deferred (451 4.7.1); a real mail server retries, and a retry after
greylist_delay (5 minutes) and within retry_window (2 days) passes. Passed
mail is relayed to the real server (--upstream, default 127.0.0.1:8025)
in real time: the sender gets the real server's own answer to each
recipient and to the message, so nothing accepted is lost.

Settings come from --config FILE (Kamaelia Grey 1.14's greylist.conf
format, or TOML for a name ending .toml), or else the first of 1.14's
files that exists (/usr/local/etc/Kamaelia/greylist.conf, ...,
./greylist.conf, ...), or else the defaults; the options below override
them. It prints where it listens and runs until SIGTERM or Ctrl-C, which
stop it gently: no new connections, sessions get --grace seconds to
finish, then 421.

With --policy-port it also answers Postfix's policy delegation protocol
(check_policy_service inet:127.0.0.1:10023), as postgrey does; with
--no-smtp only that.

Administration (the same --config / --db say which greylist):
  kamaelia grey stats                  triplets, passes, deferrals, auto-whitelisted clients
  kamaelia grey list [--limit N]       the triplets seen most recently
  kamaelia grey whitelist add KIND VALUE      KIND: client (address or CIDR),
  kamaelia grey whitelist remove KIND VALUE         sender or recipient
  kamaelia grey whitelist show                      (user@domain, user@ or domain)
  kamaelia grey delete [--client NET] [--sender S] [--recipient R] [--all]

See docs/apps/grey.md for deployment and every configuration key.
"""


def parseUpstream(text: str) -> tuple[str, int]:
    """``"host:port"`` (``"[::1]:8025"`` for IPv6; ``"host"`` alone means port 25)."""
    value = text.strip()
    if not value:
        raise ValueError(f"--upstream must be HOST:PORT, not {text!r}")
    if value.startswith("["):
        host, _, rest = value[1:].partition("]")
        port = rest[1:] if rest.startswith(":") else ("25" if not rest else None)
    elif value.count(":") == 1:
        host, _, port = value.partition(":")
    elif ":" in value:
        host, port = value, "25"          # a bare IPv6 address
    else:
        host, port = value, "25"
    if not host or port is None or not port.isdigit() or not 1 <= int(port) <= 65535:
        raise ValueError(f"--upstream must be HOST:PORT with a port from 1 to 65535, "
                         f"not {text!r}")
    return host, int(port)


# ------------------------------------------------------------ the command

_WHITELIST_KINDS = ("client", "sender", "recipient")


def _commonOptions(parser: argparse.ArgumentParser, default: Any) -> None:
    # On the sub-commands too, so that `kamaelia grey stats --db X` works as
    # well as `kamaelia grey --db X stats` (SUPPRESS there: an option not
    # given to the sub-command must not undo the one given before it).
    parser.add_argument("--config", metavar="FILE", default=default,
                        help="the configuration file (1.14's format, or TOML if it ends "
                             ".toml); default: the first of 1.14's files that exists")
    parser.add_argument("--db", metavar="PATH|URL", default=default,
                        help="the greylist database: an SQLite file, or a postgresql:// URL "
                             "(default: the config's db, greylist.sqlite)")


def addArguments(parser: argparse.ArgumentParser) -> None:
    """The options and sub-commands of ``kamaelia grey``."""
    _commonOptions(parser, None)
    parser.add_argument("--port", type=int, metavar="N",
                        help="the port the SMTP proxy listens on (default: the config's "
                             "port, 25; 0: any free port)")
    parser.add_argument("--host", metavar="ADDRESS",
                        help="the address the SMTP proxy listens on (default: every IPv4 "
                             "address)")
    parser.add_argument("--upstream", metavar="HOST:PORT",
                        help="the real mail server (default: the config's smtp_ip:smtp_port, "
                             "127.0.0.1:8025)")
    parser.add_argument("--policy-port", type=int, metavar="N",
                        help="also answer Postfix's policy protocol on 127.0.0.1 port N "
                             "(e.g. 10023)")
    parser.add_argument("--no-smtp", action="store_true",
                        help="run only the policy service (needs --policy-port)")
    parser.add_argument("--grace", type=float, default=30.0, metavar="SECONDS",
                        help="on SIGTERM, how long sessions may finish before 421 (default 30)")
    sub = parser.add_subparsers(dest="greyCommand", metavar="ACTION", title="administration")
    stats = sub.add_parser("stats", help="what the greylist holds")
    stats.add_argument("--json", action="store_true", help="as JSON")
    listing = sub.add_parser("list", help="the triplets seen most recently")
    listing.add_argument("--limit", type=int, default=100, metavar="N",
                         help="at most N (default 100)")
    whitelist = sub.add_parser("whitelist", help="the whitelist kept in the database")
    whitelist.add_argument("action", choices=("add", "remove", "show"))
    whitelist.add_argument("kind", nargs="?", choices=_WHITELIST_KINDS,
                           help="client (address or CIDR), sender or recipient "
                                "(user@domain, user@ or domain)")
    whitelist.add_argument("value", nargs="?")
    delete = sub.add_parser("delete", help="forget triplets")
    delete.add_argument("--client", metavar="NET", help="a client address, key or network")
    delete.add_argument("--sender", metavar="ADDRESS")
    delete.add_argument("--recipient", metavar="ADDRESS")
    delete.add_argument("--all", action="store_true", help="every triplet")
    for subparser in (stats, listing, whitelist, delete):
        _commonOptions(subparser, argparse.SUPPRESS)


def _loadConfig(args: argparse.Namespace) -> Any:
    from Kamaelia.Apps.Grey.config import loadConfig
    config, where = loadConfig(args.config)
    overrides: dict[str, Any] = {}
    if args.db is not None:
        overrides["db"] = args.db
    if getattr(args, "port", None) is not None:
        overrides["port"] = args.port
    if getattr(args, "upstream", None) is not None:
        overrides["smtp_ip"], overrides["smtp_port"] = parseUpstream(args.upstream)
    if getattr(args, "policy_port", None) is not None:
        overrides["policy_port"] = args.policy_port
    if overrides:
        config = dataclasses.replace(config, **overrides)
    log.info("configuration from %s", where)
    return config


def _refuse(message: str) -> int:
    print(f"kamaelia grey: {message}", file=sys.stderr)
    return 2


def _time(value: float | None) -> str:
    if value is None:
        return "-"
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(value))


def _administer(args: argparse.Namespace, config: Any) -> int:
    import json

    from Kamaelia.Apps.Grey.store import StoreError, openStore
    try:
        store = openStore(config.db)
    except StoreError as exc:
        print(f"kamaelia grey: {exc}", file=sys.stderr)
        return 1
    try:
        if args.greyCommand == "stats":
            stats = store.stats(autoWhitelistClients=config.auto_whitelist_clients)
            if args.json:
                print(json.dumps(stats, indent=2, sort_keys=True))
            else:
                print(f"Greylist {config.db}:")
                for name, value in stats.items():
                    print(f"  {name.replace('_', ' '):<20}{value}")
            return 0
        if args.greyCommand == "list":
            if args.limit < 1:
                return _refuse(f"--limit must be 1 or more, not {args.limit}")
            rows = store.listTriplets(args.limit)
            print(f"{'client':<20} {'sender':<30} {'recipient':<30} {'first seen':<19} "
                  f"{'last seen':<19} {'passed':<19} passes")
            for (client, sender, recipient), record in rows:
                print(f"{client:<20} {sender or '<>':<30} {recipient:<30} "
                      f"{_time(record.firstSeen):<19} {_time(record.lastSeen):<19} "
                      f"{_time(record.passedAt):<19} {record.passes}")
            return 0
        if args.greyCommand == "whitelist":
            if args.action == "show":
                for kind, entry in store.whitelist():
                    if args.kind is None or kind == args.kind:
                        print(f"{kind:<10} {entry}")
                return 0
            if args.kind is None or args.value is None:
                return _refuse(f"whitelist {args.action} needs KIND and VALUE, e.g. "
                               f"`kamaelia grey whitelist {args.action} client 192.0.2.0/24`")
            if args.action == "add":
                store.addWhitelist(args.kind, args.value)
                print(f"whitelisted {args.kind} {args.value}")
            elif store.removeWhitelist(args.kind, args.value):
                print(f"removed {args.kind} {args.value} from the whitelist")
            else:
                print(f"{args.kind} {args.value} was not on the whitelist")
                return 1
            return 0
        if args.greyCommand == "delete":
            if not (args.all or args.client or args.sender or args.recipient):
                return _refuse("delete needs --client, --sender or --recipient (or --all)")
            client = args.client
            if client is not None:
                # An address means its key (its /24 or /64), as the greylist keys it.
                from Kamaelia.Apps.Grey.policy import Greylist
                client = Greylist(config, store).clientKey(client)
            removed = store.deleteTriplets(clientKey=client, sender=args.sender,
                                           recipient=args.recipient)
            print(f"deleted {removed} triplet{'s' if removed != 1 else ''}")
            return 0
        raise AssertionError(args.greyCommand)          # pragma: no cover
    except StoreError as exc:
        print(f"kamaelia grey: {exc}", file=sys.stderr)
        return 1
    except ValueError as exc:
        return _refuse(str(exc))
    finally:
        store.close()


def command(args: argparse.Namespace) -> int:
    """Run ``kamaelia grey`` with parsed ``args``; the exit status."""
    from Kamaelia.Apps.Grey.config import ConfigError
    try:
        config = _loadConfig(args)
    except (ConfigError, ValueError) as exc:
        return _refuse(str(exc))
    if args.greyCommand is not None:
        return _administer(args, config)
    if args.no_smtp and config.policy_port is None:
        return _refuse("--no-smtp needs --policy-port (or policy_port in the config)")
    if not (args.grace >= 0):
        return _refuse(f"--grace must be a number of seconds >= 0, not {args.grace:g}")
    from Kamaelia.Apps.Grey.service import runGrey
    try:
        return runGrey(config, host=args.host, grace=args.grace, smtp=not args.no_smtp)
    except ConfigError as exc:
        return _refuse(str(exc))
    except OSError as exc:
        print(f"kamaelia grey: cannot start: {exc}", file=sys.stderr)
        return 1


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m Kamaelia.Apps.Grey.main ...``: the same as ``kamaelia grey``."""
    parser = argparse.ArgumentParser(prog="kamaelia grey", description=HELP,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    addArguments(parser)
    return command(parser.parse_args(argv))


def __getattr__(name: str) -> Any:
    # The wiring is in Kamaelia.Apps.Grey.service, imported only when used:
    # `kamaelia --help` reads HELP from here before Axon may be loaded.
    if name in ("GreyService", "runGrey", "makeSSLContext"):
        from Kamaelia.Apps.Grey import service
        return getattr(service, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
