"""Software transactional memory: share values between threads without holding locks.

Example Usage
-------------

One value::

    from Axon.STM import Store, ConcurrentUpdate, BusyRetry

    store = Store()
    greeting = store.usevar("greeting")     # a checked-out copy; .value is None
    greeting.set("hello")
    greeting.commit()                       # now the store holds "hello"

Several values changed together, all or nothing::

    accounts = store.using("alice", "bob")
    accounts["alice"].set(100)
    accounts["bob"].set(0)
    accounts.commit()                       # both keys change, or neither does

Retrying when another thread got there first::

    while True:
        counter = store.usevar("counter")
        counter.set((counter.value or 0) + 1)
        try:
            counter.commit()
            break
        except (ConcurrentUpdate, BusyRetry):
            pass                            # somebody else committed: start again

or let the store do the loop (our addition; not in Kamaelia 1.14)::

    def transfer(accounts):
        accounts["alice"].set(accounts["alice"].value - 10)
        accounts["bob"].set(accounts["bob"].value + 10)

    store.transaction(transfer, "alice", "bob")

How does it work?
-----------------

A ``Store`` maps keys to versioned values. You never touch the store's own
copy: ``usevar(key)`` hands you a ``Value`` that is a *clone* (deep copy) of
it, remembering the version it was taken from, and ``using(*keys)`` hands you
a ``Collection`` (a dict of such clones) taken as one consistent snapshot.
Asking for a key the store does not have creates it with value ``None`` at
version 0.

Change the clone as you like, then ``commit()`` it. The store accepts the
commit only if nobody has committed that key since your copy was taken (its
version is not newer than yours); it then keeps a deep copy of your value,
moves the key to the next version, and gives your ``Value`` that version too,
so you can go on changing and committing it. Otherwise it raises
``ConcurrentUpdate``: take a fresh copy and do the work again. A
``Collection`` commits all its keys or none of them.

Each key has a lock, held only while a commit checks versions and swaps in
the new values (the deep copies are made beforehand). A commit never waits
for it: if another thread holds a key's lock at that instant, the commit
raises ``BusyRetry`` and changes nothing; retrying is the right response to
both exceptions. Reading (``usevar`` / ``using``) takes a short internal lock
so that a snapshot never mixes keys from half of someone else's commit.

``Store.transaction(fn, *keys, maxRetries=100)`` runs that whole loop:
it checks out ``keys``, calls ``fn(collection)``, commits, and on
``ConcurrentUpdate`` or ``BusyRetry`` starts again with fresh copies. It
returns what ``fn`` returned; after ``maxRetries`` failed retries it raises
``MAXFAIL``. Any other exception from ``fn`` (``FAIL``, for example, raised to
abandon the transaction) propagates at once and nothing is committed.

What it does not do: values are copied with ``copy.deepcopy``, so they must
be deep-copyable, and keeping large values in a store is slow. Transactions
are per store; two stores cannot be committed together.
"""

from __future__ import annotations

import copy
import sys
import threading
import time
from collections.abc import Callable, Hashable
from typing import Any, TextIO, TypeVar

__all__ = [
    "ConcurrentUpdate",
    "BusyRetry",
    "FAIL",
    "MAXFAIL",
    "Value",
    "Collection",
    "Store",
]

R = TypeVar("R")


class ConcurrentUpdate(Exception):
    """Raised by a commit when the store's version of a key is newer than the one committed."""


class BusyRetry(Exception):
    """Raised by a commit when another thread is committing one of the same keys; retry."""


class FAIL(Exception):
    """Raise it inside a transaction to abandon it; ``Store.transaction`` does not retry it."""


class MAXFAIL(Exception):
    """Raised by ``Store.transaction`` when it has retried ``maxRetries`` times without committing."""


class Value:
    """Value(version, value, store, key) -> a versioned value checked out of ``store``.

    Attributes of the same names. Change ``.value`` (or call ``set``) and
    ``commit()`` to write it back.
    """

    __slots__ = ("version", "value", "store", "key")

    def __init__(self, version: int, value: Any, store: Store, key: Hashable) -> None:
        self.version = version
        self.value = value
        self.store = store
        self.key = key

    def __repr__(self) -> str:
        return f"Value(version={self.version!r}, value={self.value!r}, key={self.key!r})"

    def set(self, value: Any) -> None:
        """Replace the value (locally, until ``commit``)."""
        self.value = value

    def commit(self) -> None:
        """Write this value back to its store (``ConcurrentUpdate`` / ``BusyRetry`` on conflict)."""
        self.store.set(self.key, self)

    def clone(self) -> Value:
        """A copy with a deep copy of the value and the same version, store and key."""
        return Value(self.version, copy.deepcopy(self.value), self.store, self.key)


class Collection(dict):
    """Collection() -> dict of key -> ``Value``, committed together with ``commit()``.

    Made by ``Store.using(*keys)``.
    """

    store: Store | None = None

    def set_store(self, store: Store) -> None:
        """Set the store ``commit`` writes to."""
        self.store = store

    def commit(self) -> None:
        """Write every value back to the store, all or nothing."""
        if self.store is None:
            raise ValueError("this Collection has no store: call set_store(store) first")
        self.store.set_values(self)


class Store:
    """Store() -> an empty, thread-safe transactional store.

    ``store.store`` is the underlying dict of key -> ``Value`` (read it only
    through ``usevar`` / ``using``).
    """

    def __init__(self) -> None:
        self.store: dict[Hashable, Value] = {}
        self._keylocks: dict[Hashable, threading.Lock] = {}
        # Guards the two dicts above and makes each commit's swap atomic for readers.
        self._meta = threading.Lock()

    # ---- reading -------------------------------------------------------

    def _current(self, key: Hashable) -> Value:
        """The store's own Value for ``key``, created if absent. Call with ``_meta`` held."""
        current = self.store.get(key)
        if current is None:
            current = self.store[key] = Value(0, None, self, key)
            self._keylocks[key] = threading.Lock()
        return current

    def usevar(self, key: Hashable, islocked: bool = False) -> Value:
        """Check out a clone of ``key``'s value (creating ``None`` at version 0 if absent).

        ``islocked`` is accepted for Kamaelia 1.14 compatibility and ignored:
        reading never needs the caller to hold a lock.
        """
        with self._meta:
            current = self._current(key)
        # Stored Values are never mutated (commits swap in new ones), so copying
        # outside the lock is safe.
        return current.clone()

    def using(self, *keys: Hashable) -> Collection:
        """Check out clones of several keys as one consistent snapshot."""
        with self._meta:
            currents = [self._current(key) for key in keys]
        collection = Collection((value.key, value.clone()) for value in currents)
        collection.set_store(self)
        return collection

    # ---- writing -------------------------------------------------------

    def set(self, key: Hashable, value: Value) -> None:
        """Commit ``value`` as ``key``'s new value.

        Raises ``BusyRetry`` if another commit holds ``key``'s lock and
        ``ConcurrentUpdate`` if the store's version is newer than
        ``value.version``. On success ``value.version`` becomes the new version.
        """
        self._commit({key: value})

    def set_values(self, D: dict[Hashable, Value]) -> None:
        """Commit every ``key -> Value`` of the dict ``D`` atomically (all or nothing)."""
        self._commit(D)

    def _commit(self, updates: dict[Hashable, Value]) -> None:
        # Copy first so the locks are held only for the check and the swap.
        newvalues = {key: copy.deepcopy(value.value) for key, value in updates.items()}
        with self._meta:
            locks = []
            for key in updates:
                self._current(key)  # a key committed without being checked out
                locks.append(self._keylocks[key])
        held: list[threading.Lock] = []
        try:
            for key, lock in zip(updates, locks):
                if not lock.acquire(blocking=False):
                    raise BusyRetry(f"key {key!r} is being committed by another thread; retry")
                held.append(lock)
            with self._meta:
                for key, value in updates.items():
                    stored = self.store[key].version
                    if stored > value.version:
                        raise ConcurrentUpdate(
                            f"key {key!r} is at version {stored} in the store but the "
                            f"committed value is version {value.version}; check it out again"
                        )
                for key, value in updates.items():
                    version = max(self.store[key].version, value.version) + 1
                    self.store[key] = Value(version, newvalues[key], self, key)
                    value.version = version
        finally:
            for lock in held:
                lock.release()

    # ---- convenience ---------------------------------------------------

    def transaction(self, fn: Callable[[Collection], R], *keys: Hashable, maxRetries: int = 100) -> R:
        """Run ``fn(collection)`` on fresh copies of ``keys`` and commit, retrying on conflict.

        Returns what ``fn`` returned. Raises ``MAXFAIL`` after ``maxRetries``
        retries that all conflicted. Other exceptions from ``fn`` propagate
        without committing.
        """
        if maxRetries < 0:
            raise ValueError(f"maxRetries must be >= 0, not {maxRetries!r}")
        attempt = 0
        while True:
            collection = self.using(*keys)
            result = fn(collection)
            try:
                collection.commit()
                return result
            except (ConcurrentUpdate, BusyRetry) as conflict:
                if attempt >= maxRetries:
                    raise MAXFAIL(
                        f"transaction on keys {keys!r} still conflicting after {maxRetries} retries"
                    ) from conflict
                attempt += 1
                time.sleep(0)  # let the thread we collided with finish

    def dump(self, file: TextIO | None = None) -> None:
        """Print each ``key: Value`` to ``file`` (standard output by default)."""
        out = sys.stdout if file is None else file
        with self._meta:
            items = list(self.store.items())
        for key, value in items:
            print(f"{key!r}: {value!r}", file=out)
