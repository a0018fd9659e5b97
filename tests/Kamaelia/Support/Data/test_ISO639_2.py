"""Tests for Kamaelia.Support.Data.ISO639_2: the ISO 639-2 language code table."""

from __future__ import annotations

import re

import pytest

from Kamaelia.Support.Data.ISO639_2 import (code2name, code2names, mappings, name2code,
                                            reverse_mappings)


def test_the_table_has_every_entry_of_the_standard() -> None:
    # 487 entries; 20 of them have a terminology code besides the bibliographic one
    bibliographic = set(reverse_mappings.values())
    assert len(bibliographic) == 487
    assert len(mappings) == 487 + 20


@pytest.mark.parametrize("code, names", [
    ("eng", ["English", "anglais"]),
    ("fre", ["French", "français"]),
    ("fra", ["French", "français"]),
    ("ger", ["German", "allemand"]),
    ("deu", ["German", "allemand"]),
    ("wel", ["Welsh", "gallois"]),
    ("cym", ["Welsh", "gallois"]),
    ("gla", ["Gaelic", "Scottish Gaelic", "Gaélique", "Gaélique écossais"]),
    ("cat", ["Catalan", "Valencian", "catalan"]),
    ("und", ["Undetermined", "indéterminé"]),
    ("mul", ["Multiple languages", "langues multiples"]),
])
def test_code2names_gives_english_then_french_names(code: str, names: list[str]) -> None:
    assert code2names(code) == names


def test_code2name_gives_the_first_english_name() -> None:
    assert code2name("eng") == "English"
    assert code2name("nld") == code2name("dut") == "Dutch"


def test_code2names_returns_a_copy() -> None:
    code2names("eng").append("Klingon")
    assert code2names("eng") == ["English", "anglais"]


def test_codes_may_be_any_case_and_bytes() -> None:
    assert code2name("ENG") == code2name(b"eng") == code2name(b"Eng ") == "English"


def test_codes_reserved_for_local_use_have_names() -> None:
    assert code2name("qaa-qtz") == code2name("qab") == code2name("qtz") == \
        "Reserved for local use"
    with pytest.raises(KeyError):
        code2name("qua")


@pytest.mark.parametrize("name, code", [
    ("English", "eng"), ("english", "eng"), ("anglais", "eng"), ("German", "ger"),
    ("allemand", "ger"), ("Dutch", "dut"), ("Flemish", "dut"), ("Valencian", "cat"),
    ("français", "fre"), ("Greek, Modern (1453-)", "gre"),
])
def test_name2code_gives_the_bibliographic_code(name: str, code: str) -> None:
    assert name2code(name) == code


def test_unknown_code_and_name_raise_keyerror_naming_them() -> None:
    with pytest.raises(KeyError, match=r"not an ISO 639-2 language code: 'xyz'"):
        code2names("xyz")
    with pytest.raises(KeyError, match=r"no ISO 639-2 language is called 'Elvish'"):
        name2code("Elvish")


def test_non_text_is_refused() -> None:
    with pytest.raises(TypeError, match=r"code is a str, not 42"):
        code2name(42)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"name is a str, not None"):
        name2code(None)  # type: ignore[arg-type]


def test_every_code_is_three_lower_case_letters() -> None:
    assert all(re.fullmatch(r"[a-z]{3}", code) for code in mappings if code != "qaa-qtz")


def test_every_name_leads_back_to_a_code_with_that_name() -> None:
    for name, code in reverse_mappings.items():
        assert name == name.lower()
        assert name in [n.lower() for n in mappings[code]]


def test_every_entry_has_an_english_name_and_no_empty_names() -> None:
    for code, names in mappings.items():
        assert names and all(name.strip() == name and name for name in names), code
