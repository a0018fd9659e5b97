"""Tests for Kamaelia.cli: the ``kamaelia`` command."""

from __future__ import annotations

import re
from collections import Counter

import pytest

import Kamaelia
from Kamaelia.Apps.Demo import VERSE
from Kamaelia.cli import main


def test_version_prints_the_version_and_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["--version"])
    assert caught.value.code == 0
    assert capsys.readouterr().out.strip() == f"kamaelia {Kamaelia.__version__}"


def test_demo_returns_0_and_prints_the_words_summary_line(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo"]) == 0
    words = [w.strip(",.:;").lower() for line in VERSE for w in line.split()]
    tally = Counter(words)
    common = ", ".join(f"{w!r} x{n}" for w, n in tally.most_common(3))
    summary = f"{len(words)} words, {len(tally)} different; most common: {common}"
    assert summary == "22 words, 17 different; most common: 'of' x3, 'and' x3, 'the' x2"
    out = capsys.readouterr().out
    assert summary in out.splitlines()


def test_demo_shows_each_verse_line_leaving_the_source(capsys: pytest.CaptureFixture[str]) -> None:
    main(["demo"])
    out = capsys.readouterr().out
    for line in VERSE:
        assert re.search(r"source -> " + re.escape(repr(line)), out)


def test_no_subcommand_prints_help_and_returns_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "usage: kamaelia" in capsys.readouterr().out


def test_an_unknown_subcommand_exits_with_status_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["nosuchcommand"])
    assert caught.value.code == 2
    assert "nosuchcommand" in capsys.readouterr().err
