"""The transcoder's SQLite state: statuses, restart recovery, any file name."""

from __future__ import annotations

from pathlib import Path

import pytest

from Kamaelia.Apps.Transcoder.state import StateStore


@pytest.fixture
def state(tmp_path: Path) -> StateStore:
    store = StateStore(str(tmp_path / "state.sqlite"))
    yield store
    store.close()


def test_a_row_goes_from_queued_through_running_to_done(state: StateStore) -> None:
    state.enqueue("c1", "a.jpg", "image", "queue/images/a.jpg", "a")
    assert state.get("c1").status == "queued" and state.get("c1").attempts == 0
    state.markRunning("c1")
    assert (state.get("c1").status, state.get("c1").attempts) == ("running", 1)
    state.markDone("c1")
    row = state.get("c1")
    assert row.status == "done" and row.finished_at is not None
    assert state.counts() == {"done": 1} and state.get("other") is None


def test_a_failure_keeps_its_reason(state: StateStore) -> None:
    state.enqueue("c2", "b.pdf", "pdf", "queue/documents/b.pdf", "b")
    state.markFailed("c2", "encrypted PDF")
    assert (state.get("c2").status, state.get("c2").reason) == ("failed", "encrypted PDF")
    assert [row.checksum for row in state.items("failed")] == ["c2"]
    with pytest.raises(ValueError, match="status='lost'"):
        list(state.items("lost"))


def test_after_a_restart_running_rows_are_queued_again(tmp_path: Path) -> None:
    path = str(tmp_path / "state.sqlite")
    first = StateStore(path)
    for number in range(3):
        first.enqueue(f"c{number}", f"{number}.mp4", "video", f"queue/videos/{number}.mp4",
                      str(number))
    first.markRunning("c0")
    first.markRunning("c1")
    first.markDone("c1")
    first.close()                                 # (as if killed: nothing else said)
    second = StateStore(path)
    try:
        assert [row.checksum for row in second.recover()] == ["c0", "c2"]
        assert second.get("c0").status == "queued" and second.get("c0").attempts == 1
        assert second.get("c1").status == "done"
    finally:
        second.close()


def test_any_file_name_round_trips_and_item_names_are_unique_per_kind(
        state: StateStore) -> None:
    name = "new\nline $HOME 'q' \udcff.jpg"             # a non-UTF-8 byte, escaped
    state.enqueue("c3", name, "image", "queue/images/" + name, "x")
    assert state.get("c3").source_name == name
    assert state.get("c3").queued_path == "queue/images/" + name
    assert state.itemTaken("image", "x") and not state.itemTaken("video", "x")
    state.forget("c3")
    assert state.get("c3") is None
