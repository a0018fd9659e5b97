"""Grey's settings: 1.14's greylist.conf read as 1.14 read it, TOML, defaults, bad values named."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings, strategies as st

from Kamaelia.Apps.Grey import config as configModule
from Kamaelia.Apps.Grey.config import (CONFIG_KEYS, CONFIG_SEARCH_PATH, DEFAULT_SOURCE,
                                       ConfigError, GreyConfig, addressMatches, addressPattern,
                                       clientNetwork, loadConfig)
from Kamaelia.Apps.Grey.Support import parseConfigFile

#: Kamaelia Grey 1.14's Config/greylist.conf.dist (test data: the file 1.14 shipped).
DIST_114 = """\
#
# Kamaelia: Greylist
#
# Copy this file and rename it to greylist.conf to configure the
# greylisting server. If you change this file, kill the daemon to 
# restart it to pick up the changes.
#

# Port number that the greylist server listens on
port = 25

# Servername that we tell to people who connect to us
servername = mail.example.org

# Server software we report to people connecting
serverid = Kamaelia-SMTP 1.0

# IP Address of the real SMTP server that handles local delivery. 
# (We're just a proxy after all)
smtp_ip = 192.168.0.25

# Port number the real SMTP server is listening on
smtp_port = 8025

# How long we allow a connection to be inactive before dropping the
# connection
inactivity_timeout = 60

# Main logfile
greylist_log = /var/log/greylist.log

# Logfile useful during debugging
greylist_debuglog = /var/log/greylist-debug.log

#---------------------------------------------------------------------------
# List of IP addresses that are allowed to send to anywhere
# Put each IP address on its own line, indented
#
allowed_senders:
    127.0.0.1

#---------------------------------------------------------------------------
# List of subnets (IP prefixes to be exact) that are allowed to send to
# anywhere. 
#
# Put each subnet/IP prefix on its own line, indented
#
allowed_sender_nets:
    192.168.2
#    10
#    172.16


#---------------------------------------------------------------------------
# List of domains for which we will _consider_ accepting email for
# Put each domain on its own line, indented
#
allowed_domains:
    localdomain
    example.org

#---------------------------------------------------------------------------
# Standard triples which always allows delivery to domains we consider
# accepting for.
#
# Format:
#    IP address, mail-from id, recipient id
#
# Uncomment the following lines.
#whitelisted_triples:
#     123.45.67.89 <sender@somedomain> <user@localdomain>

#---------------------------------------------------------------------------
# Some non-standard triples for which we always allow delivery to domains we
# consider accepting for.
#
# Specific format is:
#
#    claimed sender name, IP prefix, recipient
#
# (These may take simple wildcards at a later date)
#
# Uncomment the following lines!
#whitelisted_nonstandard_triples:
#    mx-out.wellknownsitebook.com 204.15.20 <user@localdomain>
#    mx-out.wellknownsitebook.com 204.15.20 <user2@localdomain>
#    fallbackmx-out.wellknownsitebook.com 204.15.20 <user@localdomain>
#    fallbackmx-out.wellknownsitebook.com 204.15.20 <user2@localdomain>

"""

#: 1.14's App/greylisting.py default_config, which its start-up passed to parseConfigFile.
DEFAULTS_114 = {'allowed_domains': [], 'allowed_sender_nets': [], 'allowed_senders': ['127.0.0.1'],
                'port': 25, "greylist_log": "greylist.log", "greylist_debuglog": "greylist-debug.log",
                "inactivity_timeout": 60, 'serverid': 'Kamaelia-SMTP 1.0',
                'servername': 'mail.example.com', 'smtp_ip': '192.168.2.9', 'smtp_port': 8025,
                'whitelisted_nonstandard_triples': [], 'whitelisted_triples': []}

UNCOMMENTED = DIST_114.replace("#whitelisted_triples:", "whitelisted_triples:").replace(
    "#     123.45", "     123.45").replace("#whitelisted_nonstandard", "whitelisted_nonstandard").replace(
    "#    mx-out", "    mx-out").replace("#    fallbackmx", "    fallbackmx")


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


# --- 1.14's format, read as 1.14 read it -------------------------------------------------------

def test_load_config_reads_1_14s_sample_into_a_checked_config(tmp_path: Path) -> None:
    config, where = loadConfig(write(tmp_path, "greylist.conf.dist", DIST_114))
    assert where == str(tmp_path / "greylist.conf.dist")
    expected = dataclasses.replace(
        GreyConfig(), port=25, servername="mail.example.org", serverid="Kamaelia-SMTP 1.0",
        smtp_ip="192.168.0.25", smtp_port=8025, inactivity_timeout=60.0,
        greylist_log="/var/log/greylist.log", greylist_debuglog="/var/log/greylist-debug.log",
        allowed_senders=["127.0.0.1"], allowed_sender_nets=["192.168.2.0/24"],
        allowed_domains=["localdomain", "example.org"])
    assert config == expected


def test_load_config_reads_1_14s_triples_without_their_angle_brackets(tmp_path: Path) -> None:
    config, _ = loadConfig(write(tmp_path, "greylist.conf", UNCOMMENTED))
    assert config.whitelisted_triples == [("123.45.67.89", "sender@somedomain", "user@localdomain")]
    assert config.whitelisted_nonstandard_triples == [
        ("mx-out.wellknownsitebook.com", "204.15.20.0/24", "user@localdomain"),
        ("mx-out.wellknownsitebook.com", "204.15.20.0/24", "user2@localdomain"),
        ("fallbackmx-out.wellknownsitebook.com", "204.15.20.0/24", "user@localdomain"),
        ("fallbackmx-out.wellknownsitebook.com", "204.15.20.0/24", "user2@localdomain")]


def test_load_config_reads_new_keys_in_1_14s_format(tmp_path: Path) -> None:
    path = write(tmp_path, "greylist.conf", "\n".join([
        "greylist_delay = 5m", "retry_window = 1.5d", "entry_lifetime = 5w",
        "auto_whitelist_clients = 0", "ipv4_prefix = 32", "policy_port = 10023",
        "greylist_debuglog =", "db = postgresql://grey@db.example.org/grey",
        "whitelist_clients:", "    192.0.2.0/24", "    2001:db8::/32", "    # not an item",
        "    198.51.100.7", "whitelist_senders:", "    Example.COM", "    <Friend@Example.net>",
        "whitelist_recipients:", "    postmaster@", ""]))
    config, _ = loadConfig(path)
    assert (config.greylist_delay, config.retry_window, config.entry_lifetime) == (
        300.0, 1.5 * 86400, 35 * 86400.0)
    assert (config.auto_whitelist_clients, config.ipv4_prefix, config.policy_port) == (0, 32, 10023)
    assert config.greylist_debuglog is None
    assert config.db == "postgresql://grey@db.example.org/grey"
    assert config.whitelist_clients == ["192.0.2.0/24", "2001:db8::/32", "198.51.100.7/32"]
    assert config.whitelist_senders == ["@example.com", "friend@example.net"]
    assert config.whitelist_recipients == ["postmaster@"]


@pytest.mark.parametrize("text,line,match", [
    ("port = 25\nprot = 26\n", 2, r"prot: is not a setting \(did you mean 'port'\?\)"),
    ("port 25\n", 1, r"'port 25' is not a setting \('name = value'\)"),
    ("allowed_domains:\n    a.org\n#   b.org\n    c.org\n", 4, r"'    c.org' is not a setting"),
    ("port:\n    25\n", 1, r"port: takes one value: write 'port = value'"),
    ("allowed_domains = example.org\n", 1,
     r"allowed_domains = 'example.org': is a list: write 'allowed_domains:'"),
    ("\n\nport = 99999\n", 3, r"port = '99999': must be a whole number from 0 to 65535"),
    ("allowed_senders:\n    127.0.0.2\n    10.0.0.0/8\n", 3,
     r"allowed_senders = '10.0.0.0/8': must be an IP address \(for a network, use CIDR"),
    ("whitelisted_triples:\n    192.0.2.1 <a@b>\n", 2,
     r"whitelisted_triples = \('192.0.2.1', '<a@b>'\): must be three words"),
    ("allowed_domains:\n    a b\n", 2, r"allowed_domains = \('a', 'b'\): must be one item per line"),
    ("greylist_delay = 600\nretry_window = 300\n", 2,
     r"retry_window = 300.0: must be longer than greylist_delay \(600 s\)"),
    ("tls_key = /etc/grey/key.pem\n", 1, r"tls_key = '/etc/grey/key.pem': is set but tls_certificate is not"),
])
def test_load_config_names_the_line_of_a_bad_setting(tmp_path: Path, text: str, line: int,
                                                    match: str) -> None:
    path = write(tmp_path, "greylist.conf", text)
    with pytest.raises(ConfigError, match=match) as raised:
        loadConfig(path)
    assert raised.value.where == f"{path}:{line}"
    assert str(raised.value).startswith(f"{path}:{line}: ")


# --- TOML --------------------------------------------------------------------------------------

FULL_TOML = """
port = 2525
servername = "mx.example.org"
serverid = "Grey"
smtp_ip = "::1"
smtp_port = 2526
inactivity_timeout = 30.5
greylist_log = "/var/log/grey.log"
greylist_debuglog = false
allowed_senders = ["192.0.2.1"]
allowed_sender_nets = ["10", "172.16.0.0/12"]
allowed_domains = ["Example.org."]
whitelisted_triples = [["192.0.2.9", "<a@x.net>", "b@example.org"]]
whitelisted_nonstandard_triples = [["MX.example.net", "198.51.100", "b@example.org"]]
greylist_delay = "10m"
retry_window = 86400
entry_lifetime = "30d"
auto_whitelist_clients = 3
auto_whitelist_interval = "1h"
ipv4_prefix = 28
ipv6_prefix = 56
whitelist_clients = ["203.0.113.0/24"]
whitelist_senders = ["example.com"]
whitelist_recipients = ["abuse@"]
db = "/var/lib/grey/greylist.sqlite"
max_message_size = 1048576
max_recipients = 50
tls_certificate = "/etc/grey/cert.pem"
tls_key = "/etc/grey/key.pem"
policy_port = 10023
"""


def test_load_config_reads_every_key_from_toml(tmp_path: Path) -> None:
    config, where = loadConfig(write(tmp_path, "grey.toml", FULL_TOML))
    assert where.endswith("grey.toml")
    assert dataclasses.asdict(config) == {
        "port": 2525, "servername": "mx.example.org", "serverid": "Grey", "smtp_ip": "::1",
        "smtp_port": 2526, "inactivity_timeout": 30.5, "greylist_log": "/var/log/grey.log",
        "greylist_debuglog": None, "allowed_senders": ["192.0.2.1"],     # replaces the default
        "allowed_sender_nets": ["10.0.0.0/8", "172.16.0.0/12"], "allowed_domains": ["example.org"],
        "whitelisted_triples": [("192.0.2.9", "a@x.net", "b@example.org")],
        "whitelisted_nonstandard_triples": [("mx.example.net", "198.51.100.0/24", "b@example.org")],
        "greylist_delay": 600.0, "retry_window": 86400.0, "entry_lifetime": 30 * 86400.0,
        "auto_whitelist_clients": 3, "auto_whitelist_interval": 3600.0, "ipv4_prefix": 28,
        "ipv6_prefix": 56, "whitelist_clients": ["203.0.113.0/24"],
        "whitelist_senders": ["@example.com"], "whitelist_recipients": ["abuse@"],
        "db": "/var/lib/grey/greylist.sqlite", "max_message_size": 1048576,
        "max_recipients": 50, "tls_certificate": "/etc/grey/cert.pem",
        "tls_key": "/etc/grey/key.pem", "policy_port": 10023}
    assert set(CONFIG_KEYS) == {f.name for f in dataclasses.fields(GreyConfig)}
    assert set(dataclasses.asdict(config)) == set(CONFIG_KEYS)       # the file sets them all


@pytest.mark.parametrize("text,where,match", [
    ('port = 25\nservername = "a"\nserver_name = "b"\n', 3,
     r"server_name: is not a setting \(did you mean 'servername'\?\)"),
    ("port = 25\nport = 26\n", 0, r"is not valid TOML"),
    ("[grey]\nport = 25\n", 0, r"grey: is not a setting"),
    ("[port]\nnumber = 25\n", 0, r"port: is a table"),
    ('\nport = "25x"\n', 2, r"port = '25x': must be a whole number"),
    ("port = 25.0\n", 1, r"port = 25.0: must be a whole number"),
    ("port = true\n", 1, r"port = True: must be a whole number from 0 to 65535, not a boolean"),
    ('allowed_domains = "example.org"\n', 1, r"allowed_domains = 'example.org': must be a list"),
    ('whitelist_clients = ["192.0.2.0/24", "example.org"]\n', 1,
     r"whitelist_clients = \[.*\]: item 2 \('example.org'\) must be a network"),
    ("greylist_delay = -1\n", 1, r"greylist_delay = -1: must be a duration of at least 0 seconds"),
    ("entry_lifetime = 3600\n", 1, r"entry_lifetime = 3600.0: must be at least retry_window"),
])
def test_load_config_names_a_bad_toml_setting(tmp_path: Path, text: str, where: int,
                                             match: str) -> None:
    path = write(tmp_path, "grey.toml", text)
    with pytest.raises(ConfigError, match=match) as raised:
        loadConfig(path)
    assert raised.value.where == (f"{path}:{where}" if where else path)


# --- defaults and checks in code ----------------------------------------------------------------

def test_every_key_has_its_default() -> None:
    assert dataclasses.asdict(GreyConfig()) == {
        "port": 25, "servername": "mail.example.org", "serverid": "Kamaelia-Grey",
        "smtp_ip": "127.0.0.1", "smtp_port": 8025, "inactivity_timeout": 60.0,
        "greylist_log": "greylist.log", "greylist_debuglog": None,
        "allowed_senders": ["127.0.0.1"], "allowed_sender_nets": [], "allowed_domains": [],
        "whitelisted_triples": [], "whitelisted_nonstandard_triples": [],
        "greylist_delay": 300.0, "retry_window": 2 * 86400.0, "entry_lifetime": 35 * 86400.0,
        "auto_whitelist_clients": 5, "auto_whitelist_interval": 3600.0, "ipv4_prefix": 24,
        "ipv6_prefix": 64, "whitelist_clients": [], "whitelist_senders": [],
        "whitelist_recipients": [], "db": "greylist.sqlite", "max_message_size": 10 * 1024 * 1024,
        "max_recipients": 100, "tls_certificate": None, "tls_key": None, "policy_port": None}
    assert all(CONFIG_KEYS.values())                        # each key says what it is for


def test_defaults_are_not_shared_between_configs() -> None:
    first, second = GreyConfig(), GreyConfig()
    first.allowed_senders.append("192.0.2.1")
    assert second.allowed_senders == ["127.0.0.1"]


@pytest.mark.parametrize("key,value,match", [
    ("port", -1, r"port = -1: must be a whole number from 0 to 65535"),
    ("port", "25", None),
    ("smtp_port", 0, r"smtp_port = 0: must be a whole number from 1 to 65535"),
    ("servername", "mail example", r"servername = 'mail example': must not contain spaces"),
    ("servername", "mx\r\nEHLO", r"must not contain control characters"),
    ("serverid", "", r"serverid = '': must not be empty"),
    ("inactivity_timeout", 0, r"inactivity_timeout = 0: must be a duration of more than 0 seconds"),
    ("inactivity_timeout", "5 minutes", r"a number ending s, m, h, d or w"),
    ("inactivity_timeout", float("nan"), r"and finite"),
    ("greylist_log", 5, r"greylist_log = 5: must be text"),
    ("allowed_sender_nets", ["192.168.300"], r"item 1 \('192.168.300'\) must be a network"),
    ("allowed_sender_nets", "192.168.2", r"allowed_sender_nets = '192.168.2': must be a list"),
    ("allowed_domains", ["user@example.org"], r"must be a domain name"),
    ("whitelisted_triples", [("192.0.2.1", "a@b", "c@d", "e")], r"must be three words"),
    ("whitelisted_triples", [("192.0.2", "a@b", "c@d")], r"must be an IP address"),
    ("whitelisted_nonstandard_triples", [("", "192.0.2", "c@d")], r"must start with the HELO"),
    ("whitelist_senders", ["@"], r"must be an address"),
    ("whitelist_recipients", ["a b"], r"must be a mail address"),
    ("auto_whitelist_clients", -1, r"must be a whole number of at least 0"),
    ("ipv4_prefix", 33, r"ipv4_prefix = 33: must be a whole number from 0 to 32"),
    ("ipv6_prefix", 129, r"ipv6_prefix = 129: must be a whole number from 0 to 128"),
    ("db", "  ", r"db = '  ': must not be empty"),
    ("max_message_size", 0, r"must be a whole number of at least 1"),
    ("max_recipients", True, r"not a boolean"),
    ("policy_port", 70000, r"policy_port = 70000: must be a whole number from 0 to 65535"),
    ("retry_window", 300, r"retry_window = 300.0: must be longer than greylist_delay \(300 s\)"),
])
def test_a_bad_value_is_named_with_its_key(key: str, value: Any, match: str | None) -> None:
    if match is None:
        assert getattr(GreyConfig(**{key: value}), key) == int(value)
        return
    with pytest.raises(ConfigError, match=match) as raised:
        GreyConfig(**{key: value})
    assert raised.value.where is None and isinstance(raised.value, ValueError)


def test_values_are_normalised_once_and_checking_again_changes_nothing() -> None:
    config = GreyConfig(allowed_sender_nets=["192.168.2", "192.168.2.0/24", "10.", "192.0.2.9"],
                        allowed_senders=["2001:DB8::1", "2001:db8:0::1"],
                        whitelist_senders=["Example.COM", "@example.com", "<Bob@X.org>"],
                        greylist_delay="90s", retry_window="2h", tls_certificate="",
                        policy_port="")
    assert config.allowed_sender_nets == ["192.168.2.0/24", "10.0.0.0/8", "192.0.2.9/32"]
    assert config.allowed_senders == ["2001:db8::1"]
    assert config.whitelist_senders == ["@example.com", "bob@x.org"]
    assert (config.greylist_delay, config.retry_window) == (90.0, 7200.0)
    assert config.tls_certificate is None and config.policy_port is None
    assert GreyConfig(**dataclasses.asdict(config)) == config


@pytest.mark.parametrize("value,network", [
    ("192.168.2", "192.168.2.0/24"), ("10", "10.0.0.0/8"), ("172.16", "172.16.0.0/16"),
    ("192.168.2.", "192.168.2.0/24"), ("192.0.2.5", "192.0.2.5/32"), ("192.0.2.5/24", "192.0.2.0/24"),
    ("2001:db8::/32", "2001:db8::/32"), ("2001:db8::1", "2001:db8::1/128"),
])
def test_client_network_reads_1_14_prefixes_cidr_and_addresses(value: str, network: str) -> None:
    assert clientNetwork(value) == network


@pytest.mark.parametrize("pattern,address,matches", [
    ("user@example.org", "user@example.org", True), ("user@example.org", "user@x.example.org", False),
    ("postmaster@", "postmaster@any.where", True), ("postmaster@", "postmaster2@any.where", False),
    ("example.org", "a@example.org", True), ("example.org", "a@mail.example.org", True),
    ("example.org", "a@badexample.org", False), ("example.org", "example.org", False),
    ("@example.org", "a@EXAMPLE.org".lower(), True),
])
def test_address_patterns_match_as_documented(pattern: str, address: str, matches: bool) -> None:
    assert addressMatches(addressPattern(pattern), address) is matches


# --- finding the file ---------------------------------------------------------------------------

def test_the_search_path_is_1_14s() -> None:
    assert CONFIG_SEARCH_PATH == [
        "/usr/local/etc/Kamaelia/greylist.conf", "/usr/local/etc/greylist.conf",
        "/etc/Kamaelia/greylist.conf", "/etc/greylist.conf", "greylist.conf",
        "/usr/local/etc/Kamaelia/greylist.conf.dist", "/usr/local/etc/greylist.conf.dist",
        "/etc/Kamaelia/greylist.conf.dist", "/etc/greylist.conf.dist", "greylist.conf.dist"]


def test_load_config_takes_the_first_file_of_the_search_path_that_exists(tmp_path: Path) -> None:
    later = write(tmp_path, "later.conf", "port = 2\n")
    first = write(tmp_path, "first.conf", "port = 1\n")
    search = [str(tmp_path / "missing.conf"), str(tmp_path / "not-a-dir.conf" / "x"), first, later]
    write(tmp_path, "not-a-dir.conf", "port = 3\n")
    config, where = loadConfig(searchPath=search)
    assert (config.port, where) == (1, first)


def test_load_config_uses_the_module_search_path_from_the_working_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(configModule, "CONFIG_SEARCH_PATH", ["greylist.conf", "greylist.conf.dist"])
    monkeypatch.chdir(tmp_path)
    assert loadConfig() == (GreyConfig(), DEFAULT_SOURCE)
    write(tmp_path, "greylist.conf.dist", DIST_114)
    config, where = loadConfig()
    assert (where, config.smtp_ip) == ("greylist.conf.dist", "192.168.0.25")


def test_load_config_names_a_file_it_cannot_use(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"missing.conf: does not exist"):
        loadConfig(tmp_path / "missing.conf")
    os.mkdir(tmp_path / "folder.conf")
    with pytest.raises(ConfigError, match=r"folder.conf: cannot be read"):
        loadConfig(searchPath=[str(tmp_path / "folder.conf")])     # exists: never passed over
    (tmp_path / "latin1.conf").write_bytes(b"servername = caf\xe9\n")
    with pytest.raises(ConfigError, match=r"latin1.conf: is not UTF-8 text"):
        loadConfig(tmp_path / "latin1.conf")


# --- fuzzing -------------------------------------------------------------------------------------

_PIECES = st.sampled_from(["port", "allowed_domains", "whitelisted_triples", "greylist_delay",
                           "=", ":", " ", "    ", "\t", "#", "\n", "\r\n", "192.168.2", "<a@b>",
                           "5m", "x", "[", "]", '"', "'", "\x00", "é", "1e9999", "-1"])


@settings(max_examples=300, deadline=None, derandomize=True)
@given(text=st.one_of(st.lists(_PIECES, max_size=40).map("".join), st.text(max_size=200)))
def test_any_text_loads_or_raises_config_error_only(text: str) -> None:
    for name in ("fuzz.conf", "fuzz.toml"):
        try:
            configModule._parse(name, text)
        except ConfigError:
            pass
    try:
        parseConfigFile(text.splitlines(keepends=True), dict(DEFAULTS_114))
    except ConfigError:
        pass
