"""Kamaelia.Visualisation.PhysicsGraph: parseArgs reads 1.14's options (fuzzed); the package imports light."""

from __future__ import annotations

import getopt
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from Kamaelia.Support.Particles import Particle
from Kamaelia.Visualisation.PhysicsGraph import HELP, BaseParticle, parseArgs


def test_no_arguments_no_options() -> None:
    assert parseArgs([]) == ({}, [], [])


def test_114s_options_become_the_servers_keyword_arguments() -> None:
    options, optlist, remaining = parseArgs(["-f", "--resolution=640x480", "--port=1600",
                                             "left", "over"])
    assert options == {"fullscreen": True, "screensize": (640, 480), "serverPort": 1600}
    assert optlist == [("-f", ""), ("--resolution", "640x480"), ("--port", "1600")]
    assert remaining == ["left", "over"]


@pytest.mark.parametrize("text, size", [("800x600", (800, 600)), ("1024,768", (1024, 768)),
                                        ("320-200", (320, 200))])
def test_a_resolution_may_be_written_three_ways(text: str, size: tuple[int, int]) -> None:
    assert parseArgs([f"--resolution={text}"])[0] == {"screensize": size}


def test_help_gives_the_text_to_print() -> None:
    options, _, _ = parseArgs(["--fullscreen", "-h"])
    assert options["help"] == HELP and "--port=N" in HELP and options["fullscreen"]


def test_extra_options_are_passed_through_in_optlist() -> None:
    options, optlist, _ = parseArgs(["-n", "5", "--name=x"], "n:", ["name="])
    assert options == {} and optlist == [("-n", "5"), ("--name", "x")]


@pytest.mark.parametrize("argv, message", [
    (["--resolution=big"], "--resolution must be WIDTHxHEIGHT (e.g. 800x600), not 'big'"),
    (["--port=http"], "--port must be a port number (0 to 65535), not 'http'"),
    (["--port=70000"], "not '70000'"),
])
def test_a_bad_value_is_a_value_error_naming_it(argv: list[str], message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parseArgs(argv)


def test_an_unknown_option_is_getopts_error() -> None:
    with pytest.raises(getopt.GetoptError, match="--colour"):
        parseArgs(["--colour=red"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["-f", "-h", "--help", "--fullscreen", "--port", "--port=",
                                 "--resolution=", "-x", "--", "x", "1500", "800x600"])
                | st.text(max_size=12), max_size=6))
def test_fuzz_only_getopt_and_value_errors_escape(argv: list[str]) -> None:
    try:
        options, optlist, remaining = parseArgs(argv)
    except (getopt.GetoptError, ValueError):
        return
    assert set(options) <= {"help", "fullscreen", "screensize", "serverPort"}
    assert isinstance(optlist, list) and isinstance(remaining, list)


def test_base_particle_is_the_support_particle() -> None:
    assert BaseParticle is Particle


def test_importing_the_package_does_not_import_pygame() -> None:
    code = ("import sys, Kamaelia.Visualisation, Kamaelia.Visualisation.PhysicsGraph; "
            "print('pygame' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=30)
    assert done.stdout == "False\n", done.stderr
