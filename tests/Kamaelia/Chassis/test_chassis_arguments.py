"""What all the chassis share: 1.14 import paths, and checking the components
they are given when they are built."""

from __future__ import annotations

import importlib
import re
from typing import Any, Callable

import pytest

from Kamaelia.Chassis.Graphline import Graphline
from Kamaelia.Chassis.PAR import PAR
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.Chassis.Seq import Seq
from Kamaelia.Util.PureTransformer import PureTransformer

#: Kamaelia 1.14 import paths of the chassis: (module, name).
PATHS_1_14 = [
    ("Kamaelia.Chassis.Pipeline", "Pipeline"),
    ("Kamaelia.Chassis.Pipeline", "pipeline"),
    ("Kamaelia.Chassis.Graphline", "Graphline"),
    ("Kamaelia.Chassis.Carousel", "Carousel"),
    ("Kamaelia.Chassis.Seq", "Seq"),
    ("Kamaelia.Chassis.PAR", "PAR"),
    ("Kamaelia.Chassis.Prefab", "JoinChooserToCarousel"),
]

#: The chassis taking their children as positional arguments.
POSITIONAL = [Pipeline, Seq, PAR]
positional = pytest.mark.parametrize("chassis", POSITIONAL, ids=[c.__name__ for c in POSITIONAL])


@pytest.mark.parametrize("module, name", PATHS_1_14, ids=[n for _, n in PATHS_1_14])
def test_the_1_14_import_path_resolves(module: str, name: str) -> None:
    found = getattr(importlib.import_module(module), name)
    assert callable(found)
    assert found.__module__ == module


@positional
def test_no_components_is_refused(chassis: Callable[..., Any]) -> None:
    with pytest.raises(ValueError, match=re.escape(
            f"{chassis.__name__}() needs at least one component")):
        chassis()


@positional
def test_a_non_component_is_refused_naming_its_position(chassis: Callable[..., Any]) -> None:
    with pytest.raises(TypeError, match=re.escape(
            f"{chassis.__name__} argument 1 is not a component: None")):
        chassis(PureTransformer(), None)


@positional
def test_a_class_instead_of_an_instance_gets_a_hint(chassis: Callable[..., Any]) -> None:
    with pytest.raises(TypeError, match=re.escape(
            "argument 0 is not a component: <class 'Kamaelia.Util.PureTransformer."
            "PureTransformer'> (a class: did you mean PureTransformer()?)")):
        chassis(PureTransformer)


@positional
def test_the_same_component_twice_is_refused(chassis: Callable[..., Any]) -> None:
    twice = PureTransformer()
    with pytest.raises(ValueError, match=re.escape(
            f"{chassis.__name__} argument 2 is the same component as argument 0")):
        chassis(twice, PureTransformer(), twice)


def test_graphline_names_the_bad_component_by_its_keyword() -> None:
    with pytest.raises(TypeError, match=re.escape(
            "Graphline component 'B' is not a component: 3")):
        Graphline(A=PureTransformer(), B=3)
