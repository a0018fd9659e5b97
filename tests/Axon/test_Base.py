"""Tests for Axon.Base."""

from __future__ import annotations

from typing import Any

from Axon.Base import AxonObject, AxonType


class Parent(AxonObject):
    def __init__(self, *args: Any, **argd: Any) -> None:
        self.__super.__init__(*args, **argd)
        self.calls = ["Parent"]

    def describe(self) -> str:
        return "parent"


class Child(Parent):
    def __init__(self) -> None:
        self.__super.__init__("ignored", key="ignored")
        self.calls.append("Child")

    def describe(self) -> str:
        return "child of " + self.__super.describe()


class _Hidden(AxonObject):
    def __init__(self) -> None:
        self.__super.__init__()
        self.ok = True


def test_AxonObject_uses_the_AxonType_metaclass() -> None:
    assert type(AxonObject) is AxonType
    assert type(Child) is AxonType


def test_old_style_self_super_calls_the_next_class_in_the_mro() -> None:
    child = Child()
    assert child.calls == ["Parent", "Child"]
    assert child.describe() == "child of parent"


def test_each_class_gets_its_own_mangled_super_attribute() -> None:
    assert "_Parent__super" in vars(Parent)
    assert "_Child__super" in vars(Child)
    assert "_AxonObject__super" in vars(AxonObject)


def test_mangling_follows_python_rules_for_leading_underscores() -> None:
    assert "_Hidden__super" in vars(_Hidden)
    assert _Hidden().ok


def test_AxonObject_init_accepts_and_ignores_arguments() -> None:
    obj = AxonObject(1, 2, three=3)
    assert isinstance(obj, AxonObject)
    assert not vars(obj)


class _Mixin:
    def __init__(self) -> None:
        super().__init__()
        self.mixed = True


class _Cooperative(AxonObject, _Mixin):
    pass


def test_AxonObject_init_continues_the_cooperative_chain() -> None:
    assert _Cooperative("x").mixed is True


def test_class_keyword_arguments_still_reach_init_subclass() -> None:
    seen: list[str] = []

    class Registering(AxonObject):
        def __init_subclass__(cls, tag: str = "", **kwds: Any) -> None:
            super().__init_subclass__(**kwds)
            seen.append(tag)

    class Tagged(Registering, tag="t"):
        pass

    assert seen == ["t"]
    assert "_Tagged__super" in vars(Tagged)


def test_the_Axon_package_offers_1_14s_names() -> None:
    import Axon
    from Axon.Base import AxonObject, AxonType
    assert Axon.AxonObject is AxonObject and Axon.AxonType is AxonType
    assert Axon.debugConfigFile.readConfig is not None
    assert Axon.debugConfigDefaults.defaultConfig() == {}
