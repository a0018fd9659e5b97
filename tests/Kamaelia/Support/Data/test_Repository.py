"""Tests for Kamaelia.Support.Data.Repository: components and prefabs found by reading source."""

from __future__ import annotations

import logging
import sys
import textwrap
from pathlib import Path

import pytest

from Kamaelia.Support.Data import Repository
from Kamaelia.Support.Data.Repository import (ClassScope, FunctionScope, ImportScope,
                                              ModuleDoc, UnparsedScope)

LOGGER = "Kamaelia.Support.Data.Repository"

FILES = {
    "__init__.py": '''
        """A package of widgets."""
        from .widgets import Widget
    ''',
    "widgets.py": '''
        """Widgets, and a way to make them."""
        from Axon.Component import component as base
        import Axon.ThreadedComponent

        class Widget(base):
            """Widget(size[, colour]) -> a widget"""
            Inboxes = {"inbox": "things to widget", "control": "stop"}
            Outboxes = ["outbox", "signal"]

            def __init__(self, size, colour="red", *rest, **more):
                """Make it."""

            def main(self):
                yield 1

        class Threaded(Axon.ThreadedComponent.threadedcomponent):
            pass

        class Helper:
            pass

        Alias = Widget

        def makeWidget(size=1, *, fast, slow=False):
            """makeWidget([size]) -> Widget"""
            return Widget(size)

        def notAPrefab():
            pass

        __kamaelia_components__ = (Widget, Threaded, "Missing", Alias)
        __kamaelia_prefabs__ = [makeWidget]
    ''',
    "sub/__init__.py": "",
    "sub/gadgets.py": '''
        from ..widgets import Widget
        try:
            import pygame
        except ImportError:
            pygame = None

        class Gadget(Widget):
            Inboxes = ("inbox", "control", "extra")

        if pygame:
            class Screen(Widget):
                pass

        __kamaelia_components__: tuple = (Gadget, Screen)
    ''',
    "sub/explosive.py": '''
        raise SystemExit("importing me is a mistake")
        class Bang(object):
            pass
        __kamaelia_components__ = (Bang,)
    ''',
    "broken.py": "def oops(:\n",
    "not-a-package/thing.py": "class NotSeen: pass\n__kamaelia_components__ = (NotSeen,)\n",
    "__pycache__/cached.py": "class NotSeenEither: pass\n__kamaelia_components__ = (NotSeenEither,)\n",
}


@pytest.fixture
def package(tmp_path: Path) -> Path:
    root = tmp_path / "mypkg"
    for name, text in FILES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


@pytest.fixture
def tree(package: Path) -> ModuleDoc:
    docs = ModuleDoc("mypkg", str(package))
    docs.resolve(roots={"mypkg": docs})
    return docs


def test_components_are_listed_per_module(package: Path) -> None:
    found = Repository.GetAllKamaeliaComponents(baseDir=str(package))
    assert found == {("Kamaelia", "widgets"): ["Widget", "Threaded", "Alias"],
                     ("Kamaelia", "sub", "explosive"): ["Bang"],
                     ("Kamaelia", "sub", "gadgets"): ["Gadget", "Screen"]}


def test_prefabs_are_listed_per_module(package: Path) -> None:
    assert Repository.GetAllKamaeliaPrefabs(baseDir=str(package)) == \
        {("Kamaelia", "widgets"): ["makeWidget"]}


def test_nested_listings_follow_the_module_tree(package: Path) -> None:
    assert Repository.GetAllKamaeliaComponentsNested(baseDir=str(package)) == {
        "Kamaelia": {"widgets": ["Widget", "Threaded", "Alias"],
                     "sub": {"explosive": ["Bang"], "gadgets": ["Gadget", "Screen"]}}}
    assert Repository.GetAllKamaeliaPrefabsNested(baseDir=str(package)) == \
        {"Kamaelia": {"widgets": ["makeWidget"]}}


def test_source_is_read_not_imported(package: Path) -> None:
    ModuleDoc("mypkg", str(package))          # explosive.py would SystemExit if run
    assert "mypkg" not in sys.modules


def test_a_file_that_cannot_be_parsed_is_reported_and_skipped(
        package: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        docs = ModuleDoc("mypkg", str(package))
    assert any("broken.py" in r.getMessage() and "cannot be parsed" in r.getMessage()
               for r in caplog.records)
    assert docs.find("broken").listAllClasses() == []
    assert docs.find("widgets").components          # the rest is read


def test_directories_that_are_not_packages_are_skipped(tree: ModuleDoc) -> None:
    with pytest.raises(ValueError):
        tree.find("not-a-package")
    with pytest.raises(ValueError):
        tree.find("__pycache__")


def test_module_docstring_and_declared_names(tree: ModuleDoc) -> None:
    widgets = tree.find("widgets")
    assert widgets.module == "mypkg.widgets"
    assert widgets.doc == "Widgets, and a way to make them."
    assert widgets.components == ["Widget", "Threaded", "Missing", "Alias"]
    assert widgets.prefabs == ["makeWidget"]
    assert tree.doc == "A package of widgets."


def test_component_boxes_come_from_its_declarations(tree: ModuleDoc) -> None:
    widget = tree.find("widgets.Widget")
    assert isinstance(widget, ClassScope) and widget.isComponent
    assert widget.inboxes == {"inbox": "things to widget", "control": "stop"}
    assert widget.outboxes == {"outbox": "", "signal": ""}
    assert tree.find("sub.gadgets.Gadget").inboxes == {"inbox": "", "control": "", "extra": ""}
    assert tree.find("widgets.Threaded").inboxes == {}     # declares none itself


def test_only_classes_defined_in_the_module_count_as_its_components(tree: ModuleDoc) -> None:
    names = [name for name, _ in tree.find("widgets").listAllComponents()]
    assert names == ["Widget", "Threaded", "Alias"]     # not "Missing"
    assert not hasattr(tree.find("widgets.Helper"), "isComponent")


def test_functions_describe_their_arguments(tree: ModuleDoc) -> None:
    init = tree.find("widgets.Widget.__init__")
    assert isinstance(init, FunctionScope)
    assert init.doc == "Make it."
    assert init.args == [("self", "self"), ("size", "size"), ("colour", "[colour]"),
                         ("rest", "*rest"), ("more", "**more")]
    assert init.argString == "self, size[, colour], *rest, **more"
    make = tree.find("widgets.makeWidget")
    assert make.isPrefab and make.module == "mypkg.widgets"
    assert make.argString == "[size], *, fast[, slow]"


def test_imports_and_aliases_are_followed(tree: ModuleDoc) -> None:
    widgets = tree.find("widgets")
    base = widgets.find("base")
    assert isinstance(base, ImportScope) and base.importPathName == "Axon.Component.component"
    assert widgets.find("Alias") is widgets.find("Widget")
    assert tree.find("sub.gadgets.Widget").importPathName == "mypkg.widgets.Widget"


def test_resolve_follows_bases_into_the_tree_and_finds_the_mro(tree: ModuleDoc) -> None:
    gadget = tree.find("sub.gadgets.Gadget")
    widget = tree.find("widgets.Widget")
    assert gadget.bases == [("mypkg.widgets.Widget", widget)]
    order = gadget.allBasesInMethodResolutionOrder
    assert order[:2] == [gadget, widget]
    assert order[2].importPathName == "Axon.Component.component"


def test_mro_is_c3(tmp_path: Path) -> None:
    source = tmp_path / "diamond.py"
    source.write_text("class A: pass\nclass B(A): pass\nclass C(A): pass\n"
                      "class D(B, C): pass\n", encoding="utf-8")
    docs = ModuleDoc("diamond", str(source))
    docs.resolve()
    order = [scope.ast.name for scope in docs.find("D").allBasesInMethodResolutionOrder]
    assert order == ["D", "B", "C", "A"]


def test_inconsistent_mro_is_logged_and_a_depth_first_order_used(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    source = tmp_path / "knot.py"
    source.write_text("class A: pass\nclass B(A): pass\nclass C(A, B): pass\n",
                      encoding="utf-8")
    docs = ModuleDoc("knot", str(source))
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        docs.resolve()
    names = [scope.ast.name for scope in docs.find("C").allBasesInMethodResolutionOrder]
    assert sorted(names) == ["A", "B", "C"] and names[0] == "C"
    assert any("no consistent method resolution order" in r.getMessage()
               for r in caplog.records)


def test_conditional_definitions_are_read(tree: ModuleDoc) -> None:
    assert isinstance(tree.find("sub.gadgets.Screen"), ClassScope)
    assert isinstance(tree.find("sub.gadgets.pygame"), (ImportScope, UnparsedScope))


def test_find_and_locate_are_inverse(tree: ModuleDoc) -> None:
    widget = tree.find("widgets.Widget")
    assert tree.locate(widget) in ("widgets.Widget", "Widget")   # the package re-exports it
    assert tree.find("widgets").locate(widget) == "Widget"
    with pytest.raises(ValueError, match=r"'Nothing' is not declared"):
        tree.find("widgets.Nothing")


def test_listings_of_modules_components_and_prefabs(tree: ModuleDoc) -> None:
    modules = [name for name, _ in tree.listAllModulesIncSubModules()]
    assert modules == ["mypkg", "mypkg.sub", "mypkg.sub.explosive", "mypkg.sub.gadgets",
                       "mypkg.broken", "mypkg.widgets"]
    assert [name for name, _ in tree.listAllPrefabsIncSubModules()] == \
        ["mypkg.widgets.makeWidget"]
    widgets = tree.find("widgets")
    assert [name for name, _ in widgets.listAllComponentsAndPrefabs()] == \
        ["Widget", "Threaded", "Alias", "makeWidget"]
    assert [name for name, _ in widgets.find("Widget").listAllFunctions()] == ["__init__", "main"]
    assert ("Widget.main", widgets.find("Widget.main")) in widgets.listAllFunctions(recurseDepth=1)


def test_base_dir_must_be_a_directory(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"baseDir must be a directory, not '.*nowhere'"):
        Repository.GetAllKamaeliaComponents(baseDir=str(tmp_path / "nowhere"))


def test_installed_kamaelia_is_described() -> None:
    components = Repository.GetAllKamaeliaComponents()
    assert components[("Kamaelia", "XML", "SimpleXMLParser")] == ["SimpleXMLParser"]
    assert components[("Kamaelia", "Apps", "SA", "Time")] == ["SingleTick", "PeriodicTick"]
    prefabs = Repository.GetAllKamaeliaPrefabs()
    assert prefabs[("Kamaelia", "Experimental", "Chassis")] == \
        ["Pipeline", "Graphline", "Carousel", "InboxControlledCarousel"]
    nested = Repository.GetAllKamaeliaComponentsNested()
    assert nested["Kamaelia"]["Automata"]["Behaviours"][0] == "bouncingFloat"


def test_installed_components_have_their_boxes_and_bases() -> None:
    import os
    import Kamaelia
    docs = ModuleDoc("Kamaelia", os.path.dirname(Kamaelia.__file__))
    docs.resolve(roots={"Kamaelia": docs})
    ticker = docs.find("Apps.SA.Time.SingleTick")
    assert set(ticker.outboxes) == {"outbox", "signal"}
    assert ticker.find("__init__").argString == "self, delay, **kwargs"
    order = ticker.allBasesInMethodResolutionOrder
    assert order[-1].importPathName == "Axon.ThreadedComponent.threadedcomponent"
