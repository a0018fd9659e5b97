"""Tests for Axon.idGen."""

from __future__ import annotations

import threading

import pytest

from Axon import idGen as idGenModule
from Axon.idGen import idGen, newId, numId, strId, tupleId


class Thing:
    pass


def test_numId_is_a_fresh_positive_int_each_time() -> None:
    first, second = numId(), numId()
    assert isinstance(first, int) and first > 0
    assert second > first


def test_instances_share_one_counter() -> None:
    a, b = idGen(), idGen()
    first = a.nextId()
    second = b.nextId()
    assert second == first + 1
    assert idGen.lowestAllocatedId == second


def test_idToString_is_module_classname_and_number_without_trailing_underscore() -> None:
    assert idGen().idToString(Thing(), 7) == f"{__name__}.Thing_7"


def test_strId_and_newId_name_the_class_of_the_thing() -> None:
    name = strId(Thing())
    prefix = f"{__name__}.Thing_"
    assert name.startswith(prefix)
    assert int(name[len(prefix):]) > 0
    assert newId(Thing()).startswith(prefix)
    assert newId(Thing()) != newId(Thing())


def test_tupleId_uses_the_same_number_for_both_parts() -> None:
    number, text = tupleId(Thing())
    assert text == f"{__name__}.Thing_{number}"


def test_module_level_functions_are_bound_methods_of_an_idGen() -> None:
    for fn in (idGenModule.newId, idGenModule.strId, idGenModule.numId, idGenModule.tupleId):
        assert isinstance(fn.__self__, idGen)


def test_ids_are_unique_across_threads() -> None:
    per_thread = 2000
    results: list[list[int]] = [[] for _ in range(8)]

    def allocate(out: list[int]) -> None:
        gen = idGen()
        for _ in range(per_thread):
            out.append(gen.nextId())

    threads = [threading.Thread(target=allocate, args=(out,)) for out in results]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    allocated = [n for out in results for n in out]
    assert len(set(allocated)) == len(allocated) == 8 * per_thread
    for out in results:
        assert out == sorted(out)


def test_next_and_dunder_next_are_1_14_names_for_nextId() -> None:
    gen = idGen()
    first = gen.next()
    assert next(gen) == first + 1
    assert gen.__next__() == first + 2


def test_Debug_is_the_shared_debuggers_debug_method(caplog: pytest.LogCaptureFixture) -> None:
    import logging

    from Axon.debug import debug
    assert isinstance(idGenModule.debugger, debug)
    assert idGenModule.Debug("idGen.numId", 1, "quiet") is True
    idGenModule.debugger.addDebugSection("test_idGen.section", 1)
    try:
        with caplog.at_level(logging.DEBUG, logger="Axon.debug"):
            assert idGenModule.Debug("test_idGen.section", 1, "allocated", 3)
    finally:
        del idGenModule.debugger.debugSections["test_idGen.section"]
    assert [r.getMessage() for r in caplog.records] == ["allocated 3"]
