"""ProgressDisplay: bars on a terminal, one line per event elsewhere, a summary at the end."""

from __future__ import annotations

import io
from typing import Any

from Axon.Ipc import producerFinished
from Kamaelia.Apps.Transcoder.components import Queued
from Kamaelia.Apps.Transcoder.display import ProgressDisplay
from Kamaelia.Apps.Transcoder.progress import ItemProgress
from Kamaelia.Apps.Transcoder.workflow import Outcome
from componentharness import run


class Terminal(io.StringIO):
    """What rich draws on: a stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


EVENTS: list[Any] = [
    Queued("a.jpg", "image", "c1"), Queued("b\nbad\udcff.mp4", "video", "c2"),
    Outcome("done", "a.jpg", "image", "c1", folder="/x/a", seconds=0.5),
    Outcome("failed", "b\nbad\udcff.mp4", "video", "c2", reason="no video stream"),
    Outcome("duplicate", "c.jpg", "image", "c3", reason="the same content as 'a.jpg'"),
]


def test_plain_output_is_one_line_per_event_with_names_made_printable() -> None:
    output = io.StringIO()
    display = ProgressDisplay(output=output, plain=True, epilogue="Still serving.")
    run(display, EVENTS, [producerFinished()], progress=[ItemProgress("c2", "360p", 0.5)])
    lines = output.getvalue().splitlines()
    assert lines[:5] == ["queued image a.jpg", "queued video b\\nbad\\xff.mp4",
                         "done a.jpg (0.5 s)", "failed b\\nbad\\xff.mp4: no video stream",
                         "duplicate c.jpg: the same content as 'a.jpg'"]
    assert lines[5].startswith("1 done, 1 failed, 1 duplicate in ")
    assert lines[6] == "Still serving."
    assert display.counts == {"queued": 2, "done": 1, "failed": 1, "duplicate": 1}


def test_on_a_terminal_it_draws_bars_and_still_reports_failures() -> None:
    output = Terminal()
    display = ProgressDisplay(output=output)
    assert not display.plain
    run(display, EVENTS, [producerFinished()],
        progress=[ItemProgress("c1", "large", 0.3), ItemProgress("c2", "360p", 0.5)])
    text = output.getvalue()
    assert "all items" in text and "failed b\\nbad\\xff.mp4: no video stream" in text
    assert "1 done, 1 failed, 1 duplicate in " in text


def test_not_a_terminal_means_plain() -> None:
    assert ProgressDisplay(output=io.StringIO()).plain
