"""The greylisting decision, every branch, on a real (in-memory SQLite) store and a fake clock."""

from __future__ import annotations

import dataclasses
import threading
from typing import Any, Callable, Iterator

import pytest

from Kamaelia.Apps.Grey.config import GreyConfig
from Kamaelia.Apps.Grey.policy import REASONS, Greylist, Verdict
from Kamaelia.Apps.Grey.store import SQLiteStore, TripletRecord

START = 1_700_000_000.0
SENDER, RECIPIENT = "alice@example.net", "bob@example.org"


def fakeClock(start: float = START) -> tuple[Callable[[], float], Callable[[float], None]]:
    """A clock the test moves: ``(clock, advance)``."""
    now = [start]

    def clock() -> float:
        return now[0]

    def advance(seconds: float) -> None:
        now[0] += seconds
    return clock, advance


@pytest.fixture
def store() -> Iterator[SQLiteStore]:
    memory = SQLiteStore(":memory:")
    yield memory
    memory.close()


def makeGreylist(store: SQLiteStore, **settings: Any) -> tuple[Greylist, Callable[[float], None]]:
    clock, advance = fakeClock()
    config = GreyConfig(**{"allowed_senders": [], **settings})
    return Greylist(config, store, clock=clock), advance


def check(greylist: Greylist, ip: str = "192.0.2.7", sender: str = SENDER,
          recipient: str = RECIPIENT, helo: str = "mx.example.net") -> Verdict:
    return greylist.check(ip, helo, sender, recipient)


# --- the greylist proper -----------------------------------------------------------------------

def test_the_first_attempt_is_deferred_451_and_recorded(store: SQLiteStore) -> None:
    greylist, _ = makeGreylist(store)
    verdict = check(greylist)
    assert verdict == Verdict("defer", "greylisted", 451, "4.7.1",
                              "Greylisted, please try again in 300 seconds")
    assert store.getTriplet(("192.0.2.0/24", SENDER, RECIPIENT)) == TripletRecord(START, START)


def test_a_retry_before_the_delay_is_too_soon_and_does_not_move_the_first_attempt(
        store: SQLiteStore) -> None:
    greylist, advance = makeGreylist(store)
    check(greylist)
    advance(299)
    verdict = check(greylist)
    assert (verdict.action, verdict.reason, verdict.text) == (
        "defer", "too-soon", "Greylisted, please try again in 1 seconds")
    advance(1)                                      # 300 s after the FIRST attempt
    assert check(greylist).reason == "passed"


def test_a_retry_within_the_window_passes_and_stays_passed(store: SQLiteStore) -> None:
    greylist, advance = makeGreylist(store)
    check(greylist)
    advance(3600)
    assert check(greylist) == Verdict("accept", "passed", 250, "2.1.5", "OK")
    passedAt = START + 3600
    assert store.getTriplet(("192.0.2.0/24", SENDER, RECIPIENT)) == TripletRecord(
        START, passedAt, passedAt, 1)
    advance(30 * 86400)                             # a month later: still passed, refreshed
    assert check(greylist).reason == "passed"
    assert store.getTriplet(("192.0.2.0/24", SENDER, RECIPIENT)) == TripletRecord(
        START, passedAt + 30 * 86400, passedAt, 2)


def test_no_retry_within_the_window_starts_the_greylisting_again(store: SQLiteStore) -> None:
    greylist, advance = makeGreylist(store, retry_window=3600)
    check(greylist)
    advance(3601)
    assert check(greylist).reason == "greylisted"           # the clock restarts here
    assert store.getTriplet(("192.0.2.0/24", SENDER, RECIPIENT)).firstSeen == START + 3601
    advance(299)
    assert check(greylist).reason == "too-soon"
    advance(1)
    assert check(greylist).reason == "passed"


def test_an_entry_not_seen_for_its_lifetime_counts_as_new_even_before_expiry(
        store: SQLiteStore) -> None:
    greylist, advance = makeGreylist(store, entry_lifetime=10 * 86400)
    check(greylist)
    advance(600)
    assert check(greylist).reason == "passed"
    advance(10 * 86400 + 1)
    assert check(greylist).reason == "greylisted"


def test_expire_forgets_what_was_not_seen_for_the_lifetime(store: SQLiteStore) -> None:
    greylist, advance = makeGreylist(store)
    check(greylist)
    check(greylist, sender="carol@example.net")
    advance(35 * 86400 - 1)
    check(greylist, sender="carol@example.net")             # seen again: kept
    assert greylist.expire() == 0
    advance(2)
    assert greylist.expire() == 1
    assert store.getTriplet(("192.0.2.0/24", SENDER, RECIPIENT)) is None
    assert store.getTriplet(("192.0.2.0/24", "carol@example.net", RECIPIENT)) is not None


def test_the_triplet_ignores_case_and_angle_brackets_of_addresses(store: SQLiteStore) -> None:
    greylist, advance = makeGreylist(store)
    check(greylist, sender="<Alice@Example.NET>", recipient="BOB@example.org")
    advance(300)
    assert check(greylist).reason == "passed"


def test_the_null_sender_is_greylisted_like_any_other(store: SQLiteStore) -> None:
    greylist, advance = makeGreylist(store, whitelist_senders=["example.net"])
    assert check(greylist, sender="").reason == "greylisted"
    advance(300)
    assert check(greylist, sender="<>").reason == "passed"
    assert store.getTriplet(("192.0.2.0/24", "", RECIPIENT)) is not None


# --- client keys -------------------------------------------------------------------------------

def test_ipv4_clients_of_one_24_share_a_triplet(store: SQLiteStore) -> None:
    greylist, advance = makeGreylist(store)
    check(greylist, ip="192.0.2.7")
    advance(300)
    assert check(greylist, ip="192.0.2.200").reason == "passed"        # another of the farm
    assert check(greylist, ip="192.0.3.7").reason == "greylisted"      # another network


def test_ipv6_clients_of_one_64_share_a_triplet(store: SQLiteStore) -> None:
    greylist, advance = makeGreylist(store)
    check(greylist, ip="2001:db8::1")
    advance(300)
    assert check(greylist, ip="2001:db8::ffff:1234").reason == "passed"
    assert check(greylist, ip="2001:db8:0:1::1").reason == "greylisted"


@pytest.mark.parametrize("settings,address,key", [
    ({}, "192.0.2.7", "192.0.2.0/24"),
    ({}, "2001:db8::1", "2001:db8::/64"),
    ({}, "::ffff:192.0.2.7", "192.0.2.0/24"),          # IPv4 written as IPv6 is IPv4
    ({}, "[2001:DB8::1]", "2001:db8::/64"),
    ({}, "IPv6:2001:db8::1", "2001:db8::/64"),
    ({}, "fe80::1%eth0", "fe80::/64"),
    ({}, "unknown", "unknown"),                         # not an address: as it is
    ({"ipv4_prefix": 32}, "192.0.2.7", "192.0.2.7"),    # a full prefix: the address itself
    ({"ipv6_prefix": 128}, "2001:db8::1", "2001:db8::1"),
    ({"ipv4_prefix": 16, "ipv6_prefix": 48}, "192.0.2.7", "192.0.0.0/16"),
    ({"ipv4_prefix": 16, "ipv6_prefix": 48}, "2001:db8:1:2::1", "2001:db8:1::/48"),
])
def test_client_key_groups_an_address_by_its_network(store: SQLiteStore, settings: dict[str, Any],
                                                     address: str, key: str) -> None:
    greylist, _ = makeGreylist(store, **settings)
    assert greylist.clientKey(address) == key


# --- 1.14's rules: allowed senders and domains -------------------------------------------------

def test_allowed_senders_and_networks_may_send_anywhere(store: SQLiteStore) -> None:
    greylist, _ = makeGreylist(store, allowed_senders=["127.0.0.1", "2001:db8::25"],
                               allowed_sender_nets=["192.168.2", "10.0.0.0/8"],
                               allowed_domains=["example.org"])
    for ip in ("127.0.0.1", "2001:db8::25", "192.168.2.44", "10.9.8.7", "::ffff:127.0.0.1"):
        assert check(greylist, ip=ip, recipient="someone@elsewhere.com").reason == "allowed-sender"
    # 1.14 compared strings, so its "192.168.2" let 192.168.20.x through too: not any more.
    assert check(greylist, ip="192.168.20.5").reason == "greylisted"
    assert check(greylist, ip="192.168.20.5", recipient="x@elsewhere.com").reason == "relay-denied"


def test_a_recipient_outside_the_allowed_domains_is_refused_550(store: SQLiteStore) -> None:
    greylist, _ = makeGreylist(store, allowed_domains=["example.org", "LocalDomain"])
    verdict = check(greylist, recipient="eve@example.com")
    assert verdict == Verdict("reject", "relay-denied", 550, "5.7.1",
                              "Relaying denied for <eve@example.com>")
    assert check(greylist, recipient="eve@sub.example.org").reason == "relay-denied"   # exact
    assert check(greylist, recipient="Bob@EXAMPLE.org").reason == "greylisted"
    assert check(greylist, recipient="bob@localdomain").reason == "greylisted"
    assert check(greylist, recipient="Postmaster").reason == "greylisted"   # RFC 5321's own
    assert check(greylist, recipient="bob").reason == "relay-denied"


def test_with_no_allowed_domains_every_domain_is_considered(store: SQLiteStore) -> None:
    greylist, _ = makeGreylist(store, allowed_domains=[])
    assert check(greylist, recipient="anyone@anywhere.example").reason == "greylisted"


def test_the_relay_check_comes_before_the_whitelists(store: SQLiteStore) -> None:
    greylist, _ = makeGreylist(store, allowed_domains=["example.org"],
                               whitelist_clients=["192.0.2.0/24"])
    assert check(greylist, recipient="x@example.com").reason == "relay-denied"
    assert check(greylist).reason == "whitelisted-client"


# --- whitelists --------------------------------------------------------------------------------

@pytest.mark.parametrize("settings,ip,sender,recipient,helo,reason", [
    ({"whitelist_clients": ["192.0.2.0/25"]}, "192.0.2.100", SENDER, RECIPIENT, "x",
     "whitelisted-client"),
    ({"whitelist_clients": ["2001:db8::/32"]}, "2001:db8:5::1", SENDER, RECIPIENT, "x",
     "whitelisted-client"),
    ({"whitelist_senders": ["alice@example.net"]}, "192.0.2.7", "Alice@Example.net", RECIPIENT,
     "x", "whitelisted-sender"),
    ({"whitelist_senders": ["example.net"]}, "192.0.2.7", "a@mail.example.net", RECIPIENT, "x",
     "whitelisted-sender"),
    ({"whitelist_senders": ["@example.net"]}, "192.0.2.7", "a@example.net", RECIPIENT, "x",
     "whitelisted-sender"),
    ({"whitelist_senders": ["alice@"]}, "192.0.2.7", "alice@anywhere.org", RECIPIENT, "x",
     "whitelisted-sender"),
    ({"whitelist_recipients": ["postmaster@"]}, "192.0.2.7", SENDER, "postmaster@example.org",
     "x", "whitelisted-recipient"),
    ({"whitelist_recipients": ["example.org"]}, "192.0.2.7", SENDER, RECIPIENT, "x",
     "whitelisted-recipient"),
    ({"whitelisted_triples": [("192.0.2.7", "<alice@example.net>", "<bob@example.org>")]},
     "192.0.2.7", SENDER, RECIPIENT, "x", "whitelisted-triple"),
    ({"whitelisted_nonstandard_triples": [("MX-Out.Example.NET", "192.0.2", "<bob@example.org>")]},
     "192.0.2.99", SENDER, RECIPIENT, "mx-out.example.net", "whitelisted-triple"),
])
def test_whitelists_from_the_config_accept_at_once(store: SQLiteStore, settings: dict[str, Any],
                                                   ip: str, sender: str, recipient: str,
                                                   helo: str, reason: str) -> None:
    greylist, _ = makeGreylist(store, **settings)
    assert check(greylist, ip=ip, sender=sender, recipient=recipient, helo=helo) == Verdict(
        "accept", reason, 250, "2.1.5", "OK")
    assert store.getTriplet((greylist.clientKey(ip), sender.lower(), recipient)) is None


@pytest.mark.parametrize("settings,ip,sender,recipient,helo", [
    ({"whitelist_clients": ["192.0.2.0/25"]}, "192.0.2.200", SENDER, RECIPIENT, "x"),
    ({"whitelist_senders": ["example.net"]}, "192.0.2.7", "a@badexample.net", RECIPIENT, "x"),
    ({"whitelist_senders": ["alice@example.net"]}, "192.0.2.7", "alice@example.net.evil",
     RECIPIENT, "x"),
    ({"whitelist_recipients": ["postmaster@"]}, "192.0.2.7", SENDER, "postmaster2@example.org",
     "x"),
    ({"whitelisted_triples": [("192.0.2.7", "alice@example.net", "bob@example.org")]},
     "192.0.2.8", SENDER, RECIPIENT, "x"),                               # another IP
    ({"whitelisted_triples": [("192.0.2.7", "alice@example.net", "bob@example.org")]},
     "192.0.2.7", "carol@example.net", RECIPIENT, "x"),                  # another sender
    ({"whitelisted_nonstandard_triples": [("mx-out.example.net", "192.0.2", "bob@example.org")]},
     "192.0.2.99", SENDER, RECIPIENT, "mx.example.net"),                 # another HELO
    ({"whitelisted_nonstandard_triples": [("mx-out.example.net", "192.0.2", "bob@example.org")]},
     "192.0.3.1", SENDER, RECIPIENT, "mx-out.example.net"),              # another network
])
def test_near_misses_of_the_whitelists_are_greylisted(store: SQLiteStore, settings: dict[str, Any],
                                                     ip: str, sender: str, recipient: str,
                                                     helo: str) -> None:
    greylist, _ = makeGreylist(store, **settings)
    assert check(greylist, ip=ip, sender=sender, recipient=recipient, helo=helo).reason == "greylisted"


def test_the_stored_whitelist_takes_effect_within_the_refresh_time(store: SQLiteStore) -> None:
    greylist, advance = makeGreylist(store)
    assert check(greylist, ip="198.51.100.1").reason == "greylisted"
    store.addWhitelist("client", "198.51.100.0/24")             # as another process would
    store.addWhitelist("sender", "example.com")
    store.addWhitelist("recipient", "carol@example.org")
    assert check(greylist, ip="198.51.100.1").reason == "too-soon"      # the old copy, still
    advance(10)
    assert check(greylist, ip="198.51.100.1").reason == "whitelisted-client"
    assert check(greylist, sender="x@example.com").reason == "whitelisted-sender"
    assert check(greylist, recipient="Carol@example.org").reason == "whitelisted-recipient"
    store.removeWhitelist("client", "198.51.100.0/24")
    greylist.refreshWhitelist()                                  # no waiting
    assert check(greylist, ip="198.51.100.1").reason == "too-soon"


def test_a_bad_stored_whitelist_entry_is_skipped_with_a_warning(
        store: SQLiteStore, caplog: pytest.LogCaptureFixture) -> None:
    store._change("test", "INSERT INTO grey_whitelist VALUES ('client', 'not-a-network')")
    store.addWhitelist("sender", "example.com")
    greylist, _ = makeGreylist(store)
    assert check(greylist, sender="a@example.com").reason == "whitelisted-sender"
    assert "skipping the stored whitelist entry 'client' 'not-a-network'" in caplog.text


# --- auto-whitelisting -------------------------------------------------------------------------

def passOnce(greylist: Greylist, advance: Callable[[float], None], sender: str) -> None:
    assert check(greylist, sender=sender).reason == "greylisted"
    advance(300)
    assert check(greylist, sender=sender).reason == "passed"


def test_a_client_that_passed_n_times_is_auto_whitelisted(store: SQLiteStore) -> None:
    greylist, advance = makeGreylist(store, auto_whitelist_clients=3, auto_whitelist_interval=3600)
    for n in range(3):
        passOnce(greylist, advance, f"s{n}@example.net")
        advance(3600)
    verdict = check(greylist, ip="192.0.2.99", sender="new@example.net")    # same /24
    assert verdict == Verdict("accept", "auto-whitelisted", 250, "2.1.5", "OK")
    assert check(greylist, ip="203.0.113.1", sender="new@example.net").reason == "greylisted"
    assert greylist.stats()["auto_whitelisted"] == 1


def test_passes_of_one_moment_count_once_towards_auto_whitelisting(store: SQLiteStore) -> None:
    greylist, advance = makeGreylist(store, auto_whitelist_clients=2, auto_whitelist_interval=3600)
    recipients = [f"user{n}@example.org" for n in range(5)]
    for recipient in recipients:                    # one message to five recipients
        check(greylist, recipient=recipient)
    advance(300)
    assert [check(greylist, recipient=r).reason for r in recipients] == ["passed"] * 5
    assert store.clientPasses("192.0.2.0/24") == 1
    assert check(greylist, sender="other@example.net").reason == "greylisted"


def test_auto_whitelisting_is_off_at_zero(store: SQLiteStore) -> None:
    greylist, advance = makeGreylist(store, auto_whitelist_clients=0)
    for n in range(3):
        passOnce(greylist, advance, f"s{n}@example.net")
    assert check(greylist, sender="new@example.net").reason == "greylisted"
    assert store.clientPasses("192.0.2.0/24") == 0


def test_an_auto_whitelisted_client_stays_while_it_keeps_sending(store: SQLiteStore) -> None:
    greylist, advance = makeGreylist(store, auto_whitelist_clients=1, entry_lifetime=10 * 86400)
    passOnce(greylist, advance, "s@example.net")
    for _ in range(3):                              # 27 days, in steps shorter than the lifetime
        advance(9 * 86400)
        greylist.expire()
        assert check(greylist, sender="new@example.net").reason == "auto-whitelisted"
    advance(10 * 86400 + 1)
    greylist.expire()
    assert check(greylist, sender="new@example.net").reason == "greylisted"


# --- counting, threads, arguments --------------------------------------------------------------

def test_every_verdict_is_counted_in_the_store(store: SQLiteStore) -> None:
    greylist, advance = makeGreylist(store, allowed_domains=["example.org"],
                                     whitelist_senders=["friend@example.net"])
    check(greylist)                                          # deferred
    check(greylist)                                          # deferred (too soon)
    advance(300)
    check(greylist)                                          # passed
    check(greylist, recipient="x@example.com")               # rejected
    check(greylist, sender="friend@example.net")             # whitelisted
    figures = greylist.stats()
    assert {name: figures[name] for name in ("deferred", "passed", "rejected", "whitelisted",
                                             "triplets", "passed_triplets")} == {
        "deferred": 2, "passed": 1, "rejected": 1, "whitelisted": 1, "triplets": 1,
        "passed_triplets": 1}


def test_every_reason_is_listed_with_its_action() -> None:
    store = SQLiteStore(":memory:")
    try:
        greylist, advance = makeGreylist(store, allowed_domains=["example.org"])
        verdicts = [check(greylist), check(greylist), check(greylist, recipient="x@example.com")]
        advance(300)
        verdicts.append(check(greylist))
        for verdict in verdicts:
            assert REASONS[verdict.reason] == verdict.action
        assert set(REASONS.values()) == {"accept", "defer", "reject"}
    finally:
        store.close()
    with pytest.raises(dataclasses.FrozenInstanceError):
        verdicts[0].action = "accept"                        # type: ignore[misc]


def test_checks_from_many_threads_at_once_are_all_answered_and_counted(store: SQLiteStore) -> None:
    greylist, _ = makeGreylist(store)
    results: list[str] = []
    lock = threading.Lock()

    def work(n: int) -> None:
        for i in range(25):
            reason = check(greylist, sender=f"t{n}-{i}@example.net").reason
            with lock:
                results.append(reason)

    workers = [threading.Thread(target=work, args=(n,)) for n in range(6)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=30)
    assert results == ["greylisted"] * 150
    assert greylist.stats()["deferred"] == 150 and greylist.stats()["triplets"] == 150


def test_greylist_names_bad_arguments(store: SQLiteStore) -> None:
    with pytest.raises(TypeError, match="config must be a GreyConfig, not {'port': 25}"):
        Greylist({"port": 25}, store)                       # type: ignore[arg-type]
    with pytest.raises(TypeError, match="clock must be callable, not 5"):
        Greylist(GreyConfig(), store, clock=5)              # type: ignore[arg-type]
