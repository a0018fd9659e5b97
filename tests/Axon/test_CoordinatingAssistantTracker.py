"""Tests for Axon.CoordinatingAssistantTracker.

The tests whose names end in ``_with_real_component`` use
``Axon.Component.component`` and so need Component.py to exist.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from Axon.AxonExceptions import (
    AccessToUndeclaredTrackedVariable,
    BadComponent,
    BadInbox,
    BadParentTracker,
    MultipleServiceDeletion,
    NamespaceClash,
    ServiceAlreadyExists,
)
from Axon.CoordinatingAssistantTracker import coordinatingassistanttracker as CAT


@pytest.fixture
def restore_basecat() -> Iterator[None]:
    saved = CAT.basecat
    CAT.basecat = None
    yield
    CAT.basecat = saved


def test_getcat_returns_one_tracker_for_the_process(restore_basecat: None) -> None:
    first = CAT.getcat()
    assert isinstance(first, CAT)
    assert CAT.getcat() is first
    assert CAT.basecat is first


def test_getcat_creates_only_one_tracker_under_concurrent_first_use(restore_basecat: None) -> None:
    found: list[CAT] = []
    barrier = threading.Barrier(8)

    def get() -> None:
        barrier.wait()
        found.append(CAT.getcat())

    threads = [threading.Thread(target=get) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({id(cat) for cat in found}) == 1


def test_parent_must_be_a_tracker_or_none() -> None:
    assert CAT().parent is None
    parent = CAT()
    assert CAT(parent).parent is parent
    with pytest.raises(
        BadParentTracker, match=r"parent must be a coordinatingassistanttracker or None, not 'cat'"
    ):
        CAT("cat")  # type: ignore[arg-type]


def test_registerService_rejects_non_components() -> None:
    cat = CAT()
    with pytest.raises(BadComponent, match=r"cannot register service 'svc': 'text' is not a component"):
        cat.registerService("svc", "text", "inbox")
    assert cat.servicesRegistered() == []


def test_retrieveService_of_unknown_name_raises_KeyError_naming_it() -> None:
    with pytest.raises(KeyError, match=r"no service registered as 'nope'"):
        CAT().retrieveService("nope")


def test_deRegisterService_of_unknown_name_raises_MultipleServiceDeletion() -> None:
    with pytest.raises(MultipleServiceDeletion, match=r"cannot deregister service 'nope': it is not registered"):
        CAT().deRegisterService("nope")


def test_trackValue_then_retrieve_and_update() -> None:
    cat = CAT()
    cat.trackValue("count", 0)
    assert cat.retrieveValue("count") == 0
    cat.updateValue("count", 5)
    assert cat.retrieveValue("count") == 5
    assert cat.informationItemsLogged() == ["count"]


def test_trackValue_twice_raises_NamespaceClash_even_for_falsy_values() -> None:
    cat = CAT()
    cat.trackValue("count", 0)
    with pytest.raises(NamespaceClash, match=r"value 'count' is already tracked; use updateValue"):
        cat.trackValue("count", 1)
    assert cat.retrieveValue("count") == 0


def test_updateValue_of_untracked_name_raises() -> None:
    with pytest.raises(
        AccessToUndeclaredTrackedVariable, match=r"cannot update value 'ghost': it is not tracked"
    ):
        CAT().updateValue("ghost", 1)


def test_retrieveValue_of_unknown_name_raises_KeyError_naming_it() -> None:
    with pytest.raises(KeyError, match=r"no value tracked as 'ghost'"):
        CAT().retrieveValue("ghost")


def test_retrieveValue_falls_back_to_the_parent() -> None:
    parent = CAT()
    parent.trackValue("shared", "from parent")
    child = CAT(parent)
    assert child.retrieveValue("shared") == "from parent"
    child.trackValue("shared", "local")
    assert child.retrieveValue("shared") == "local"
    assert child.informationItemsLogged() == ["shared"]
    with pytest.raises(KeyError, match=r"no value tracked as 'missing'"):
        child.retrieveValue("missing")


def test_updateValue_does_not_reach_the_parent() -> None:
    parent = CAT()
    parent.trackValue("shared", 1)
    with pytest.raises(AccessToUndeclaredTrackedVariable):
        CAT(parent).updateValue("shared", 2)


def test_zap_forgets_tracked_values() -> None:
    cat = CAT()
    cat.trackValue("a", 1)
    cat.zap()
    assert cat.informationItemsLogged() == []
    cat.trackValue("a", 2)  # the name is free again
    assert cat.retrieveValue("a") == 2


def test_services_with_real_component() -> None:
    """Needs Axon.Component (written separately)."""
    from Axon.Component import component

    cat = CAT()
    provider = component()
    cat.registerService("echo", provider, "inbox")
    assert cat.retrieveService("echo") == (provider, "inbox")
    assert cat.servicesRegistered() == ["echo"]

    with pytest.raises(ServiceAlreadyExists, match=r"service 'echo' is already registered"):
        cat.registerService("echo", component(), "control")
    assert cat.retrieveService("echo") == (provider, "inbox")

    with pytest.raises(BadInbox, match=r"cannot register service 'other': component .* has no inbox 'wibble'"):
        cat.registerService("other", provider, "wibble")

    child = CAT(cat)
    assert child.retrieveService("echo") == (provider, "inbox")
    assert child.servicesRegistered() == []

    cat.deRegisterService("echo")
    assert cat.servicesRegistered() == []
    with pytest.raises(MultipleServiceDeletion, match=r"'echo'"):
        cat.deRegisterService("echo")
    with pytest.raises(KeyError, match=r"no service registered as 'echo'"):
        child.retrieveService("echo")

    cat.registerService("again", provider, "control")
    cat.zap()
    assert cat.servicesRegistered() == []


def test_main_is_1_14s_endless_generator() -> None:
    import itertools
    gen = CAT().main()
    assert list(itertools.islice(gen, 3)) == [1, 1, 1]
