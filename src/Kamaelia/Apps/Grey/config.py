"""Kamaelia.Apps.Grey.config: Grey's settings, their defaults, and reading them from a file.

Example Usage
-------------
::

    import os
    import tempfile
    from Kamaelia.Apps.Grey.config import GreyConfig, loadConfig, ConfigError

    config, where = loadConfig(searchPath=[])    # no file found: the defaults
    print(where, config.port, config.greylist_delay)        # DEFAULT INTERNAL 25 300.0

    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "greylist.conf")        # 1.14's format
        with open(path, "w") as file:
            file.write("port = 8025\\ngreylist_delay = 5m\\nallowed_sender_nets:\\n    192.168.2\\n")
        config, where = loadConfig(path)
        print(config.port, config.greylist_delay, config.allowed_sender_nets)
        # 8025 300.0 ['192.168.2.0/24']

    try:
        GreyConfig(port="twenty-five")
    except ConfigError as error:                 # a ValueError
        print(error)    # port = 'twenty-five': must be a whole number from 0 to 65535

How does it work?
-----------------
A file in Kamaelia Grey 1.14's format (``greylist.conf``; 1.14's
``greylist.conf.dist`` reads as it did)::

    # comments start in the first column
    port = 25
    servername = mail.example.org
    greylist_delay = 5m                # new keys too; durations may end s, m, h, d or w
    allowed_domains:
        example.org
        localdomain
    whitelisted_triples:
        192.0.2.7 <sender@example.net> <user@example.org>

The same as TOML (a file whose name ends ``.toml``)::

    port = 25
    servername = "mail.example.org"
    greylist_delay = 300
    allowed_domains = ["example.org", "localdomain"]
    whitelisted_triples = [["192.0.2.7", "sender@example.net", "user@example.org"]]

:class:`GreyConfig` is a dataclass with one field per setting. Making one
(from code, or through :func:`loadConfig`) checks and *normalises* every
value: strings from a 1.14 file become numbers, 1.14's network prefixes
(``192.168.2``) become CIDR networks (``192.168.2.0/24``), addresses lose
their ``<>`` and are lower-cased, duplicates in lists go. A bad value
raises :class:`ConfigError` naming the key, the value, what was wrong and,
when it came from a file, the file and line.

:func:`loadConfig` reads the file it is given (TOML when the name ends
``.toml``, else 1.14's format), or else the first file of
:data:`CONFIG_SEARCH_PATH` (1.14's list) that exists, or else uses the
defaults and says ``"DEFAULT INTERNAL"`` as 1.14 did. A file that exists
but cannot be read is an error, never silently passed over.

Theory of operation
^^^^^^^^^^^^^^^^^^^
Rule 1: every setting is a row of ``_KEYS``: its kind (one value or a
list), the function that checks and normalises it (or one item of it),
and a one-line description (:data:`CONFIG_KEYS`, for documentation and
the command line). Rule 2: the checking functions take whatever a source
may give (a Python value, a TOML value, or 1.14's strings) and return the
normal form; normal values pass through unchanged, so checking twice is
harmless. Rule 3: relations between settings (the retry window must be
longer than the delay, ...) are checked once all are known, in
``_crossCheck``.

1.14's file format, as 1.14's ``parseConfigFile`` read it (see
:func:`configEntries`): ``name = value`` lines; a line ``name:`` followed
by indented lines, one item each (an item with spaces becomes a tuple of
its words); comments are lines starting with ``#`` in the first column,
and a blank or unindented line ends a list. Here, unlike 1.14, an unknown
key or a line that is none of these is an error (1.14 ignored both, so a
typing mistake went unnoticed), an indented ``#`` line inside a list is a
comment, not an item, and a list in the file adds to the key's default
(1.14's behaviour: ``allowed_senders`` always includes ``127.0.0.1``). In
TOML, a list replaces the default.
"""

from __future__ import annotations

import difflib
import ipaddress
import math
import os
import re
import tomllib
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, NamedTuple, Sequence

__all__ = ["GreyConfig", "ConfigError", "loadConfig", "CONFIG_SEARCH_PATH", "CONFIG_KEYS",
           "DEFAULT_SOURCE", "ConfigEntry", "configEntries", "clientNetwork", "ipAddress",
           "addressPattern", "mailAddress", "addressMatches", "whitelistEntry"]

#: Where :func:`loadConfig` looks when it is given no path: 1.14's list, in 1.14's order.
CONFIG_SEARCH_PATH: list[str] = [
    "/usr/local/etc/Kamaelia/greylist.conf",
    "/usr/local/etc/greylist.conf",
    "/etc/Kamaelia/greylist.conf",
    "/etc/greylist.conf",
    "greylist.conf",
    "/usr/local/etc/Kamaelia/greylist.conf.dist",
    "/usr/local/etc/greylist.conf.dist",
    "/etc/Kamaelia/greylist.conf.dist",
    "/etc/greylist.conf.dist",
    "greylist.conf.dist",
]

#: What :func:`loadConfig` gives as the source when no file was found (1.14's words).
DEFAULT_SOURCE = "DEFAULT INTERNAL"

_NOTHING = object()


class ConfigError(ValueError):
    """A setting (or a config file) is wrong.

    ``ConfigError(problem, key=None, value=<none>, where=None)``; the
    attributes of the same names say what was wrong, with which key and
    value, and where (``"path:line"`` or ``"path"``); ``str()`` puts them
    together: ``grey.conf:3: port = 'x': must be a whole number ...``.
    """

    def __init__(self, problem: str, key: str | None = None, value: Any = _NOTHING,
                 where: str | None = None) -> None:
        self.problem, self.key, self.where = problem, key, where
        self.value = None if value is _NOTHING else value
        self._hasValue = value is not _NOTHING
        parts = []
        if where:
            parts.append(where)
        if key is not None:
            parts.append(f"{key} = {value!r}" if self._hasValue else key)
        parts.append(problem)
        super().__init__(": ".join(parts))

    def located(self, where: str) -> "ConfigError":
        """The same error, saying where it happened (if it did not say yet)."""
        if self.where:
            return self
        value = self.value if self._hasValue else _NOTHING
        return ConfigError(self.problem, self.key, value, where)


class _Bad(ValueError):
    """Raised by a checking function: the value is wrong for this reason (the
    public ones, :func:`clientNetwork` and the like, so raise a ValueError)."""


# --- checking functions: value in (Python, TOML or a 1.14 string), normal form out ----------

_UNITS = {"": 1.0, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0, "w": 7 * 86400.0}
_DURATION = re.compile(r"(\d+(?:\.\d*)?|\.\d+)\s*([smhdw]?)", re.IGNORECASE)


def _number(value: Any, what: str) -> float:
    if isinstance(value, bool):
        raise _Bad(f"must be {what}, not a boolean")
    if isinstance(value, (int, float)):
        number = float(value)
    elif isinstance(value, str):
        match = _DURATION.fullmatch(value.strip())
        if match is None:
            raise _Bad(f"must be {what} (a number of seconds, or a number ending s, m, h, d or w)")
        number = float(match.group(1)) * _UNITS[match.group(2).lower()]
    else:
        raise _Bad(f"must be {what}")
    if not math.isfinite(number):
        raise _Bad(f"must be {what}, and finite")
    return number


def _duration(minimum: float, inclusive: bool = True) -> Callable[[Any], float]:
    what = f"a duration of {'at least' if inclusive else 'more than'} {minimum:g} seconds"

    def check(value: Any) -> float:
        number = _number(value, what)
        if number < minimum or (not inclusive and number == minimum):
            raise _Bad(f"must be {what}")
        return number
    return check


def _integer(low: int, high: int | None) -> Callable[[Any], int]:
    what = (f"a whole number from {low} to {high}" if high is not None
            else f"a whole number of at least {low}")

    def check(value: Any) -> int:
        if isinstance(value, bool):
            raise _Bad(f"must be {what}, not a boolean")
        if isinstance(value, str) and re.fullmatch(r"[+-]?\d+", value.strip()):
            value = int(value.strip())
        if not isinstance(value, int):
            raise _Bad(f"must be {what}")
        if value < low or (high is not None and value > high):
            raise _Bad(f"must be {what}")
        return value
    return check


def _optional(check: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """None for None, "" or false (TOML has no null); else what ``check`` says."""
    def optional(value: Any) -> Any:
        if value is None or value is False or (isinstance(value, str) and not value.strip()):
            return None
        return check(value)
    return optional


def _text(spaces: bool = True) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        if not isinstance(value, str):
            raise _Bad("must be text")
        text: str = value.strip()
        if not text:
            raise _Bad("must not be empty")
        if any(ord(c) < 32 or ord(c) == 127 for c in text):
            raise _Bad("must not contain control characters")
        if not spaces and any(c.isspace() for c in text):
            raise _Bad("must not contain spaces")
        return text
    return check


def ipAddress(value: Any) -> str:
    """The normal form of one IP address (``"192.0.2.1"``, ``"2001:db8::1"``)."""
    if not isinstance(value, str):
        raise _Bad("must be an IP address")
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        raise _Bad("must be an IP address (for a network, use CIDR: 192.0.2.0/24)") from None


_PREFIX_114 = re.compile(r"\d{1,3}(?:\.\d{1,3}){0,3}\.?")


def clientNetwork(value: Any) -> str:
    """The CIDR form of a network: ``"192.0.2.0/24"`` stays; an address becomes
    ``/32`` (``/128``); a 1.14 prefix of octets (``"192.168.2"``, ``"10"``)
    becomes the network it meant (``"192.168.2.0/24"``, ``"10.0.0.0/8"``)."""
    if not isinstance(value, str):
        raise _Bad("must be a network (CIDR such as 192.0.2.0/24) or an IP address")
    text = value.strip()
    try:
        if "/" in text:
            return str(ipaddress.ip_network(text, strict=False))
        return str(ipaddress.ip_network(ipaddress.ip_address(text)))
    except ValueError:
        pass
    if _PREFIX_114.fullmatch(text):
        octets = text.rstrip(".").split(".")
        if all(int(octet) <= 255 for octet in octets):
            padded = octets + ["0"] * (4 - len(octets))
            return str(ipaddress.ip_network(f"{'.'.join(padded)}/{8 * len(octets)}"))
    raise _Bad("must be a network (CIDR such as 192.0.2.0/24, or 1.14's 192.0.2) "
               "or an IP address")


def _domain(value: Any) -> str:
    if not isinstance(value, str):
        raise _Bad("must be a domain name")
    text = value.strip().lower().lstrip("@").rstrip(".")
    if not text or "@" in text or any(c.isspace() or ord(c) < 32 for c in text):
        raise _Bad("must be a domain name such as example.org")
    return text


def mailAddress(value: Any) -> str:
    """The normal form of an envelope address: no ``<>``, no spaces around it,
    lower case (``"<User@Example.ORG>"`` -> ``"user@example.org"``; ``"<>"`` -> ``""``)."""
    if not isinstance(value, str):
        raise _Bad("must be a mail address")
    text = value.strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1].strip()
    if any(c.isspace() or ord(c) < 32 for c in text) or "<" in text or ">" in text:
        raise _Bad("must be a mail address such as user@example.org")
    return text.lower()


def addressPattern(value: Any) -> str:
    """The normal form of a sender or recipient whitelist entry: ``"user@example.org"``
    (that address), ``"postmaster@"`` (that user at any domain), ``"example.org"`` or
    ``"@example.org"`` (the domain and its subdomains: both become ``"@example.org"``)."""
    text = mailAddress(value)
    if not text or text == "@":
        raise _Bad("must be an address (user@example.org), a user (postmaster@) "
                   "or a domain (example.org)")
    if "@" not in text:
        return "@" + _domain(text)
    if text.startswith("@"):
        return "@" + _domain(text[1:])
    return text


def addressMatches(pattern: str, address: str) -> bool:
    """Does a normal :func:`addressPattern` match a normal :func:`mailAddress`?"""
    local, at, domain = address.rpartition("@")
    if not at:
        local, domain = address, ""
    if pattern.startswith("@"):
        wanted = pattern[1:]
        return domain == wanted or domain.endswith("." + wanted)
    if pattern.endswith("@"):
        return local == pattern[:-1]
    return address == pattern


def whitelistEntry(kind: str, value: Any) -> str:
    """The normal form of a stored whitelist entry of ``kind`` ``"client"`` (a network
    or address, as :func:`clientNetwork`), ``"sender"`` or ``"recipient"`` (as
    :func:`addressPattern`); raises :class:`ConfigError` naming a bad kind or value."""
    checks: dict[str, Callable[[Any], str]] = {
        "client": clientNetwork, "sender": addressPattern, "recipient": addressPattern}
    if kind not in checks:
        raise ConfigError(f"is not a whitelist kind (one of {', '.join(checks)})", "kind", kind)
    try:
        return checks[kind](value)
    except _Bad as bad:
        raise ConfigError(str(bad), kind, value) from None


def _words(value: Any, count: int, what: str) -> Sequence[Any]:
    if isinstance(value, str) or not isinstance(value, (list, tuple)) or len(value) != count:
        raise _Bad(f"must be {what}")
    return value


def _triple(value: Any) -> tuple[str, str, str]:
    ip, sender, recipient = _words(value, 3, "three words: IP address, sender, recipient")
    return (ipAddress(ip), mailAddress(sender), mailAddress(recipient))


def _nonstandardTriple(value: Any) -> tuple[str, str, str]:
    helo, network, recipient = _words(
        value, 3, "three words: HELO name, IP prefix or network, recipient")
    if not isinstance(helo, str) or not helo.strip():
        raise _Bad("must start with the HELO name the client gives")
    return (helo.strip().lower(), clientNetwork(network), mailAddress(recipient))


def _single(check: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """An item that must be one word (1.14's format makes a tuple of an item with spaces)."""
    def item(value: Any) -> Any:
        if isinstance(value, (list, tuple)):
            raise _Bad("must be one item per line")
        return check(value)
    return item


class _Key(NamedTuple):
    kind: str                          # "value" or "list"
    check: Callable[[Any], Any]        # the value's, or one item's, checking function
    about: str


_KEYS: dict[str, _Key] = {
    # 1.14's keys
    "port": _Key("value", _integer(0, 65535), "port the SMTP proxy listens on (0: any free port)"),
    "servername": _Key("value", _text(spaces=False), "the name the proxy gives in its greeting"),
    "serverid": _Key("value", _text(), "the software name the proxy gives in its greeting"),
    "smtp_ip": _Key("value", _text(spaces=False), "the real (upstream) mail server's address"),
    "smtp_port": _Key("value", _integer(1, 65535), "the real (upstream) mail server's port"),
    "inactivity_timeout": _Key("value", _duration(0, inclusive=False),
                               "seconds a client may stay silent before it is dropped (421)"),
    "greylist_log": _Key("value", _optional(_text()), "the log of sessions, a line each (none: no log)"),
    "greylist_debuglog": _Key("value", _optional(_text()), "a debugging log (none: no log)"),
    "allowed_senders": _Key("list", _single(ipAddress),
                            "client addresses that may send to any domain (relay)"),
    "allowed_sender_nets": _Key("list", _single(clientNetwork),
                                "client networks that may send to any domain (relay)"),
    "allowed_domains": _Key("list", _single(_domain),
                            "the domains mail is accepted for (empty: any)"),
    "whitelisted_triples": _Key("list", _triple,
                                "(IP address, sender, recipient) triples never greylisted"),
    "whitelisted_nonstandard_triples": _Key(
        "list", _nonstandardTriple, "(HELO name, IP network, recipient) triples never greylisted"),
    # new keys
    "greylist_delay": _Key("value", _duration(0), "seconds a new triplet is deferred for"),
    "retry_window": _Key("value", _duration(0, inclusive=False),
                         "seconds after the first attempt in which a retry passes"),
    "entry_lifetime": _Key("value", _duration(0, inclusive=False),
                           "seconds an entry is kept after it was last seen"),
    "auto_whitelist_clients": _Key("value", _integer(0, None),
                                   "passes after which a client is whitelisted (0: never)"),
    "auto_whitelist_interval": _Key(
        "value", _duration(0), "a client's passes count at most once in this many seconds"),
    "ipv4_prefix": _Key("value", _integer(0, 32), "IPv4 clients are grouped by this prefix length"),
    "ipv6_prefix": _Key("value", _integer(0, 128), "IPv6 clients are grouped by this prefix length"),
    "whitelist_clients": _Key("list", _single(clientNetwork),
                              "client networks (CIDR) or addresses never greylisted"),
    "whitelist_senders": _Key("list", _single(addressPattern),
                              "senders never greylisted: user@domain, user@, or domain"),
    "whitelist_recipients": _Key("list", _single(addressPattern),
                                 "recipients never greylisted: user@domain, user@, or domain"),
    "db": _Key("value", _text(), "the greylist database: a file path, or a postgresql:// URL"),
    "max_message_size": _Key("value", _integer(1, None), "the largest message accepted, in bytes"),
    "max_recipients": _Key("value", _integer(1, None), "the most recipients of one message"),
    "tls_certificate": _Key("value", _optional(_text()),
                            "PEM certificate (chain) for STARTTLS (none: no STARTTLS)"),
    "tls_key": _Key("value", _optional(_text()), "PEM private key, if not in tls_certificate"),
    "policy_port": _Key("value", _optional(_integer(0, 65535)),
                        "port for the Postfix policy service (none: off), e.g. 10023"),
}

#: Every key, with a line saying what it is for.
CONFIG_KEYS: dict[str, str] = {name: key.about for name, key in _KEYS.items()}


@dataclass
class GreyConfig:
    """GreyConfig(**settings) -> Grey's settings, checked and normalised.

    Every field has a default (see :data:`CONFIG_KEYS` for what each is);
    a bad value raises :class:`ConfigError` naming it. 1.14's keys keep
    1.14's names. Durations are seconds (a string such as ``"5m"`` or
    ``"2d"`` is accepted and converted).
    """

    port: int = 25
    servername: str = "mail.example.org"
    serverid: str = "Kamaelia-Grey"
    smtp_ip: str = "127.0.0.1"
    smtp_port: int = 8025
    inactivity_timeout: float = 60.0
    greylist_log: str | None = "greylist.log"
    greylist_debuglog: str | None = None
    allowed_senders: list[str] = field(default_factory=lambda: ["127.0.0.1"])
    allowed_sender_nets: list[str] = field(default_factory=list)
    allowed_domains: list[str] = field(default_factory=list)
    whitelisted_triples: list[tuple[str, str, str]] = field(default_factory=list)
    whitelisted_nonstandard_triples: list[tuple[str, str, str]] = field(default_factory=list)
    greylist_delay: float = 300.0
    retry_window: float = 2 * 86400.0
    entry_lifetime: float = 35 * 86400.0
    auto_whitelist_clients: int = 5
    auto_whitelist_interval: float = 3600.0
    ipv4_prefix: int = 24
    ipv6_prefix: int = 64
    whitelist_clients: list[str] = field(default_factory=list)
    whitelist_senders: list[str] = field(default_factory=list)
    whitelist_recipients: list[str] = field(default_factory=list)
    db: str = "greylist.sqlite"
    max_message_size: int = 10 * 1024 * 1024
    max_recipients: int = 100
    tls_certificate: str | None = None
    tls_key: str | None = None
    policy_port: int | None = None

    def __post_init__(self) -> None:
        for name, key in _KEYS.items():
            setattr(self, name, _normalise(name, key, getattr(self, name)))
        _crossCheck(self)


def _normalise(name: str, key: _Key, value: Any) -> Any:
    try:
        if key.kind == "value":
            return key.check(value)
        if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
            raise _Bad("must be a list")
        items: list[Any] = []
        for index, item in enumerate(value):
            try:
                normal = key.check(item)
            except _Bad as bad:
                raise ConfigError(f"item {index + 1} ({item!r}) {bad}", name, value) from None
            if normal not in items:
                items.append(normal)
        return items
    except _Bad as bad:
        raise ConfigError(str(bad), name, value) from None


def _crossCheck(config: GreyConfig) -> None:
    if config.retry_window <= config.greylist_delay:
        raise ConfigError(f"must be longer than greylist_delay ({config.greylist_delay:g} s), "
                          "or no retry could ever pass", "retry_window", config.retry_window)
    if config.entry_lifetime < config.retry_window:
        raise ConfigError(f"must be at least retry_window ({config.retry_window:g} s), "
                          "or entries would go before their retry could pass",
                          "entry_lifetime", config.entry_lifetime)
    if config.tls_key is not None and config.tls_certificate is None:
        raise ConfigError("is set but tls_certificate is not", "tls_key", config.tls_key)


# --- 1.14's file format ----------------------------------------------------------------------

class ConfigEntry(NamedTuple):
    """One setting of a 1.14 format file, as :func:`configEntries` found it.

    ``kind`` is ``"value"`` (``name = value``: ``value`` is the text after
    the first ``=``), ``"list"`` (``name:``: ``value`` is a list of
    ``(item, line)``, an item with spaces being a tuple of its words) or
    ``"other"`` (a line that is neither, ``name`` being the line).
    ``line`` counts from 1.
    """

    kind: str
    name: str
    value: Any
    line: int


def _chomp(line: str) -> str:
    return line[:-1] if line.endswith("\n") else line


def configEntries(lines: Sequence[str]) -> Iterator[ConfigEntry]:
    """The settings in the lines of a 1.14 format file, in order (see the module's rules)."""
    index = 0
    while index < len(lines):
        line = _chomp(lines[index]).rstrip()
        number = index + 1
        if not line or line[0] == "#":
            pass
        elif "=" in line:
            name, _, value = line.partition("=")
            yield ConfigEntry("value", name.strip(), value.strip(), number)
        elif line.endswith(":"):
            items: list[tuple[Any, int]] = []
            while index + 1 < len(lines):
                following = _chomp(lines[index + 1])
                if following.rstrip() == following.strip():     # not indented: the list ends
                    break
                index += 1
                item = following.strip()
                if item.startswith("#"):
                    continue
                words = item.split()
                items.append((tuple(words) if len(words) > 1 else item, index + 1))
            yield ConfigEntry("list", line[:-1].strip(), items, number)
        else:
            yield ConfigEntry("other", line, None, number)
        index += 1


def _unknown(name: str) -> str:
    close = difflib.get_close_matches(name, list(_KEYS), n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"is not a setting{hint}"


def _from114(path: str, text: str) -> GreyConfig:
    defaults = GreyConfig()
    values: dict[str, Any] = {}
    lines: dict[str, int] = {}
    for entry in configEntries(text.splitlines()):
        where = f"{path}:{entry.line}"
        if entry.kind == "other":
            raise ConfigError(f"{entry.name!r} is not a setting ('name = value'), the start of a "
                              "list ('name:') or a comment ('#' in the first column)", where=where)
        key = _KEYS.get(entry.name)
        if key is None:
            raise ConfigError(_unknown(entry.name), entry.name, where=where)
        lines[entry.name] = entry.line
        if key.kind == "value":
            if entry.kind == "list":
                raise ConfigError(f"takes one value: write '{entry.name} = value'", entry.name,
                                  where=where)
            values[entry.name] = _located(entry.name, key, entry.value, where)
        else:
            if entry.kind == "value":
                raise ConfigError(f"is a list: write '{entry.name}:' and then one item on "
                                  "each indented line", entry.name, entry.value, where=where)
            items = values.setdefault(entry.name, list(getattr(defaults, entry.name)))
            for item, line in entry.value:
                try:
                    items.append(key.check(item))
                except _Bad as bad:
                    raise ConfigError(str(bad), entry.name, item, where=f"{path}:{line}") from None
    return _build(path, values, lines)


def _located(name: str, key: _Key, value: Any, where: str) -> Any:
    try:
        return _normalise(name, key, value)
    except ConfigError as error:
        raise error.located(where) from None


def _build(path: str, values: dict[str, Any], lines: dict[str, int]) -> GreyConfig:
    try:
        return GreyConfig(**values)
    except ConfigError as error:
        line = lines.get(error.key or "")
        raise error.located(f"{path}:{line}" if line else path) from None


# --- TOML ------------------------------------------------------------------------------------

def _fromTOML(path: str, text: str) -> GreyConfig:
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"is not valid TOML: {error}", where=path) from None
    lines: dict[str, int] = {}
    textLines = text.splitlines()
    for name in document:
        pattern = re.compile(rf"\s*[\"']?{re.escape(name)}[\"']?\s*=")
        lines[name] = next((i + 1 for i, line in enumerate(textLines) if pattern.match(line)), 0)
    for name, value in document.items():
        where = f"{path}:{lines[name]}" if lines[name] else path
        if name not in _KEYS:
            raise ConfigError(_unknown(name), name, where=where)
        if isinstance(value, dict):
            raise ConfigError("is a table; Grey's settings are plain keys", name, where=where)
    return _build(path, dict(document), lines)


# --- finding and reading the file -------------------------------------------------------------

def _read(path: str) -> str:
    try:
        with open(path, encoding="utf-8") as file:
            return file.read()
    except UnicodeDecodeError as error:
        raise ConfigError(f"is not UTF-8 text ({error.reason} at byte {error.start})",
                          where=path) from None
    except (FileNotFoundError, NotADirectoryError):
        raise
    except OSError as error:
        raise ConfigError(f"cannot be read: {error.strerror or error}", where=path) from None


def _parse(path: str, text: str) -> GreyConfig:
    if path.lower().endswith(".toml"):
        return _fromTOML(path, text)
    return _from114(path, text)


def loadConfig(path: str | os.PathLike[str] | None = None,
               searchPath: Sequence[str] | None = None) -> tuple[GreyConfig, str]:
    """loadConfig(path=None, searchPath=None) -> (GreyConfig, where it came from)

    With ``path``, that file (TOML if the name ends ``.toml``, else 1.14's
    format; missing is an error). Without, the first file of ``searchPath``
    (default :data:`CONFIG_SEARCH_PATH`) that exists; with none, the
    defaults and :data:`DEFAULT_SOURCE`. Raises :class:`ConfigError`.
    """
    if path is not None:
        name = os.fspath(path)
        try:
            return _parse(name, _read(name)), name
        except (FileNotFoundError, NotADirectoryError):
            raise ConfigError("does not exist", where=name) from None
    for candidate in (CONFIG_SEARCH_PATH if searchPath is None else searchPath):
        try:
            text = _read(candidate)
        except (FileNotFoundError, NotADirectoryError):
            continue
        return _parse(candidate, text), candidate
    return GreyConfig(), DEFAULT_SOURCE
