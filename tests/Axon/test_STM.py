"""Tests for Axon.STM."""

from __future__ import annotations

import io
import sys
import threading
from collections.abc import Iterator

import pytest

from Axon.STM import (
    FAIL,
    MAXFAIL,
    BusyRetry,
    Collection,
    ConcurrentUpdate,
    Store,
    Value,
)


def test_usevar_creates_missing_key_as_none_at_version_zero() -> None:
    store = Store()
    v = store.usevar("x")
    assert isinstance(v, Value)
    assert (v.version, v.value, v.store, v.key) == (0, None, store, "x")


def test_commit_stores_the_value_and_bumps_both_versions() -> None:
    store = Store()
    v = store.usevar("x")
    v.set(10)
    v.commit()
    assert v.version == 1
    fresh = store.usevar("x")
    assert (fresh.version, fresh.value) == (1, 10)


def test_the_same_value_can_be_committed_again() -> None:
    store = Store()
    v = store.usevar("x")
    for n in range(3):
        v.set(n)
        v.commit()
    assert v.version == 3
    assert store.usevar("x").value == 2


def test_checked_out_values_are_deep_copies() -> None:
    store = Store()
    v = store.usevar("x")
    v.set({"items": [1]})
    v.commit()
    mine = store.usevar("x")
    mine.value["items"].append(2)  # not committed
    assert store.usevar("x").value == {"items": [1]}
    v.value["items"].append(3)  # mutating after commit does not touch the store
    assert store.usevar("x").value == {"items": [1]}


def test_commit_of_a_stale_value_raises_ConcurrentUpdate_and_changes_nothing() -> None:
    store = Store()
    first = store.usevar("x")
    second = store.usevar("x")
    first.set("first")
    first.commit()
    second.set("second")
    with pytest.raises(
        ConcurrentUpdate, match=r"key 'x' is at version 1 in the store but the committed value is version 0"
    ):
        second.commit()
    assert second.version == 0
    assert store.usevar("x").value == "first"


def test_set_raises_BusyRetry_when_the_key_lock_is_held() -> None:
    store = Store()
    v = store.usevar("x")
    lock = store._keylocks["x"]
    lock.acquire()
    try:
        with pytest.raises(BusyRetry, match=r"key 'x' is being committed by another thread"):
            v.commit()
    finally:
        lock.release()
    v.commit()
    assert store.usevar("x").version == 1


def test_value_clone_deep_copies_and_keeps_version_store_and_key() -> None:
    store = Store()
    v = Value(4, [1, [2]], store, "k")
    c = v.clone()
    assert (c.version, c.value, c.store, c.key) == (4, [1, [2]], store, "k")
    assert c.value is not v.value and c.value[1] is not v.value[1]


def test_value_repr_shows_version_value_and_key() -> None:
    assert repr(Value(2, "hi", Store(), "k")) == "Value(version=2, value='hi', key='k')"


def test_using_returns_a_collection_bound_to_the_store() -> None:
    store = Store()
    d = store.using("a", "b")
    assert isinstance(d, Collection) and isinstance(d, dict)
    assert sorted(d) == ["a", "b"]
    assert d.store is store
    assert all(isinstance(v, Value) and v.value is None for v in d.values())


def test_collection_commit_writes_every_key() -> None:
    store = Store()
    d = store.using("a", "b")
    d["a"].set(1)
    d["b"].set(2)
    d.commit()
    assert (store.usevar("a").value, store.usevar("b").value) == (1, 2)
    assert d["a"].version == d["b"].version == 1


def test_collection_commit_is_all_or_nothing_on_conflict() -> None:
    store = Store()
    d = store.using("a", "b")
    b = store.usevar("b")
    b.set("other")
    b.commit()
    d["a"].set("mine")
    d["b"].set("mine")
    with pytest.raises(ConcurrentUpdate, match="key 'b'"):
        d.commit()
    assert store.usevar("a").value is None
    assert store.usevar("a").version == 0
    assert store.usevar("b").value == "other"


def test_collection_commit_is_all_or_nothing_when_busy() -> None:
    store = Store()
    d = store.using("a", "b")
    d["a"].set(1)
    d["b"].set(2)
    lock = store._keylocks["b"]
    lock.acquire()
    try:
        with pytest.raises(BusyRetry, match="key 'b'"):
            d.commit()
    finally:
        lock.release()
    assert store.usevar("a").value is None
    assert not store._keylocks["a"].locked()
    d.commit()
    assert store.usevar("b").value == 2


def test_collection_without_store_cannot_commit() -> None:
    with pytest.raises(ValueError, match=r"no store: call set_store\(store\) first"):
        Collection().commit()


def test_set_values_accepts_a_collection_directly() -> None:
    store = Store()
    d = store.using("a")
    d["a"].set("x")
    store.set_values(d)
    assert store.usevar("a").value == "x"


def test_set_values_takes_a_plain_dict_named_D_as_in_1_14() -> None:
    store = Store()
    a, b = store.usevar("a"), store.usevar("b")
    a.set(1)
    b.set(2)
    store.set_values(D={"a": a, "b": b})
    assert (store.usevar("a").value, store.usevar("b").value) == (1, 2)


def test_dump_prints_each_key_and_value() -> None:
    store = Store()
    v = store.usevar("x")
    v.set(1)
    v.commit()
    out = io.StringIO()
    store.dump(out)
    assert out.getvalue() == "'x': Value(version=1, value=1, key='x')\n"


def test_dump_defaults_to_standard_output(capsys: pytest.CaptureFixture[str]) -> None:
    store = Store()
    store.usevar("y")
    store.dump()
    assert capsys.readouterr().out == "'y': Value(version=0, value=None, key='y')\n"


@pytest.fixture
def frequent_thread_switches() -> Iterator[None]:
    """Make the interpreter switch threads every microsecond so commits really collide.

    At the default 5 ms interval each thread tends to finish its work before
    another one runs, and the retry paths would go unexercised.
    """
    saved = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(saved)


def _increment(store: Store, key: str, times: int) -> None:
    done = 0
    while done < times:
        counter = store.usevar(key)
        counter.set(counter.value + 1)
        try:
            counter.commit()
        except (ConcurrentUpdate, BusyRetry):
            continue
        done += 1


def test_threads_incrementing_a_shared_counter_lose_no_updates(frequent_thread_switches: None) -> None:
    store = Store()
    start = store.usevar("counter")
    start.set(0)
    start.commit()
    threads_n, times = 8, 500
    barrier = threading.Barrier(threads_n)

    def worker() -> None:
        barrier.wait()
        _increment(store, "counter", times)

    threads = [threading.Thread(target=worker) for _ in range(threads_n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    final = store.usevar("counter")
    assert final.value == threads_n * times
    assert final.version == threads_n * times + 1


def test_transaction_commits_and_returns_the_result() -> None:
    store = Store()

    def seed(d: Collection) -> str:
        d["alice"].set(100)
        d["bob"].set(0)
        return "seeded"

    assert store.transaction(seed, "alice", "bob") == "seeded"
    assert store.usevar("alice").value == 100


def test_transaction_retries_after_a_conflict() -> None:
    store = Store()
    calls = 0

    def interfering(d: Collection) -> None:
        nonlocal calls
        calls += 1
        if calls == 1:  # someone else commits while we work
            other = store.usevar("x")
            other.set("other")
            other.commit()
        d["x"].set(f"mine after {d['x'].value}")

    store.transaction(interfering, "x")
    assert calls == 2
    assert store.usevar("x").value == "mine after other"


def test_transaction_raises_MAXFAIL_after_maxRetries() -> None:
    store = Store()
    calls = 0

    def always_conflicts(d: Collection) -> None:
        nonlocal calls
        calls += 1
        other = store.usevar("x")
        other.commit()

    with pytest.raises(MAXFAIL, match=r"keys \('x',\) still conflicting after 2 retries") as info:
        store.transaction(always_conflicts, "x", maxRetries=2)
    assert calls == 3
    assert isinstance(info.value.__cause__, ConcurrentUpdate)


def test_transaction_does_not_retry_or_commit_when_fn_raises() -> None:
    store = Store()

    def abandon(d: Collection) -> None:
        d["x"].set("never")
        raise FAIL("changed my mind")

    with pytest.raises(FAIL, match="changed my mind"):
        store.transaction(abandon, "x")
    assert store.usevar("x").value is None


def test_transaction_rejects_negative_maxRetries() -> None:
    with pytest.raises(ValueError, match=r"maxRetries must be >= 0, not -1"):
        Store().transaction(lambda d: None, "x", maxRetries=-1)


def test_threads_transferring_with_transaction_keep_the_total(frequent_thread_switches: None) -> None:
    store = Store()
    store.transaction(lambda d: (d["a"].set(1000), d["b"].set(1000)), "a", "b")
    snapshots_ok = True

    def transfer(d: Collection) -> None:
        d["a"].set(d["a"].value - 1)
        d["b"].set(d["b"].value + 1)

    def mover() -> None:
        for _ in range(200):
            store.transaction(transfer, "a", "b", maxRetries=100_000)

    def auditor() -> None:
        nonlocal snapshots_ok
        for _ in range(500):
            d = store.using("a", "b")
            if d["a"].value + d["b"].value != 2000:
                snapshots_ok = False

    threads = [threading.Thread(target=mover) for _ in range(4)] + [threading.Thread(target=auditor)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert snapshots_ok
    assert (store.usevar("a").value, store.usevar("b").value) == (200, 1800)
