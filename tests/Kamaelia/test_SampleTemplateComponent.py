"""The two template components run, print their stages and end."""

from __future__ import annotations

import pytest

from Axon.Scheduler import scheduler
from Kamaelia.SampleTemplateComponent import CallbackStyleComponent, StandardStyleComponent


def _stages(label: str, loops: int) -> str:
    return (f"DEBUG: {label} initialiseComponent\n"
            + f"DEBUG: {label} Now in the main loop\n" * loops
            + f"DEBUG: {label} closeDownComponent\n")


def test_standard_style_loops_looptimes_times_then_ends(
        capsys: pytest.CaptureFixture[str]) -> None:
    StandardStyleComponent("A", 3).run()
    assert capsys.readouterr().out == _stages("A", 3)


def test_callback_style_with_selfstart_activates_itself(
        fresh_scheduler: scheduler, capsys: pytest.CaptureFixture[str]) -> None:
    CallbackStyleComponent("B", 2, selfstart=1)
    fresh_scheduler.runThreads()
    assert capsys.readouterr().out == _stages("B", 2)


def test_callback_style_without_selfstart_waits_to_be_activated(
        fresh_scheduler: scheduler, capsys: pytest.CaptureFixture[str]) -> None:
    template = CallbackStyleComponent("C", 1)
    fresh_scheduler.runThreads()
    assert capsys.readouterr().out == ""
    template.run()
    assert capsys.readouterr().out == _stages("C", 1)
