"""Tests for Kamaelia.Support.Data.bitfieldrec: bit-field records packed MSB first."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from Axon.Base import AxonObject
from Kamaelia.Support.Data.bitfieldrec import bfrec, field


class Demo114(bfrec):
    """The record 1.14's own demo packed."""

    fields = field.mkList([("hello", 4, None), ("goodbye", 4, None), ("Whatever", 5, list),
                           ("SoWhat", 32, None), ("Bibble", 3, None)])


def test_a_record_packs_to_the_ints_1_14_gave() -> None:
    # Kamaelia 1.14.32's bfrec.pack() of this record (Python 2.7).
    record = Demo114(hello=10, goodbye=2, Whatever=[10] * 9, SoWhat=10, Bibble=7)
    assert record.pack() == [162, 82, 148, 165, 41, 74, 80, 0, 0, 0, 87]
    assert record.toBytes() == bytes([162, 82, 148, 165, 41, 74, 80, 0, 0, 0, 87])
    assert record.structureSize() == 88


def test_fields_are_names_carrying_size_and_extra() -> None:
    made = field.mkList([("a", 3, None), ("b", 8, list)])
    assert made == ["a", "b"] and all(isinstance(f, str) for f in made)
    assert [(f.size, f.extra) for f in made] == [(3, None), (8, list)]
    assert (field("x").size, field("x").extra) == (0, None)


def test_missing_fields_default_to_zero_or_an_empty_list() -> None:
    record = Demo114()
    assert (record.hello, record.Whatever) == (0, [])
    assert record.structureSize() == 43


def test_fields_may_be_set_after_making_the_record() -> None:
    record = Demo114()
    record.hello, record.goodbye, record.Whatever = 1, 2, [31] * 9
    record.SoWhat, record.Bibble = 0xFFFFFFFF, 0
    assert record.pack()[:2] == [0x12, 0xFF]


def test_a_record_may_be_given_its_own_fields() -> None:
    record = bfrec(fields=[("a", 12, None), ("b", 4, None)], a=0xABC, b=0xD)
    assert record.pack() == [0xAB, 0xCD]
    assert Demo114.fields[0] == "hello"          # the class keeps its own


def test_it_is_an_AxonObject() -> None:
    assert isinstance(Demo114(), AxonObject)


def test_other_chunk_sizes_are_cut_from_the_same_bit_stream() -> None:
    class Words(bfrec):
        csize = 16
        fields = field.mkList([("a", 4, None), ("b", 20, None), ("c", 8, None)])

    assert Words(a=0xA, b=0xBCDEF, c=0x12).pack() == [0xABCD, 0xEF12]


@pytest.mark.parametrize("value", [16, -1, 1.5, "1", True], ids=repr)
def test_a_value_that_does_not_fit_its_field_is_a_ValueError_naming_it(value: Any) -> None:
    with pytest.raises(ValueError, match=re.escape(
            f"Demo114: field 'hello' must hold an int from 0 to 15, not {value!r}")):
        Demo114(hello=value).pack()


def test_a_list_field_must_hold_a_list() -> None:
    with pytest.raises(ValueError, match=re.escape(
            "Demo114: field 'Whatever' holds a list of values, not 5")):
        Demo114(Whatever=5).pack()


def test_a_record_that_is_not_whole_chunks_is_refused() -> None:
    with pytest.raises(ValueError, match=re.escape(
            "Demo114 is 83 bits long, not a whole number of 8-bit chunks")):
        Demo114(Whatever=[1] * 8).pack()
    with pytest.raises(ValueError, match="not a whole number of bytes"):
        Demo114(Whatever=[1] * 8).toBytes()


@pytest.mark.parametrize("definition,message", [
    (("a", 0, None), "field 'a': size must be an int >= 1, not 0"),
    (("a", 2, dict), "field 'a': extra must be None or list, not <class 'dict'>"),
    (("a", 2), "a field is described by (name, size, extra), not ('a', 2)"),
])
def test_mkList_checks_each_description(definition: Any, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        field.mkList([definition])


@settings(max_examples=80, derandomize=True, database=None, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=40), min_size=1, max_size=8).flatmap(
    lambda sizes: st.tuples(st.just(sizes), st.tuples(
        *[st.integers(min_value=0, max_value=(1 << s) - 1) for s in sizes]))))
def test_packing_is_the_values_end_to_end_most_significant_bit_first(
        case: tuple[list[int], tuple[int, ...]]) -> None:
    sizes, values = case
    pad = -sum(sizes) % 8
    definitions = [(f"f{i}", s, None) for i, s in enumerate(sizes)]
    if pad:
        definitions.append(("pad", pad, None))
    record = bfrec(fields=definitions, **{f"f{i}": v for i, v in enumerate(values)})
    bits = "".join(format(v, f"0{s}b") for s, v in zip(sizes, values)) + "0" * pad
    assert record.toBytes() == int(bits, 2).to_bytes(len(bits) // 8, "big")
    assert record.pack() == list(record.toBytes())
