"""Tests for Kamaelia.File.DirectoryWatcher."""

from __future__ import annotations

import os
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from Axon.Component import component
from Axon.Ipc import shutdownMicroprocess
from Kamaelia.File.DirectoryWatcher import (COMPLETE, CREATED, DELETED, KINDS, MODIFIED,
                                            DirectoryWatcher, FileEvent)
from filehelpers import PATIENCE, SHUTDOWN, assertFileError, run, runAll, threads

Events = list[FileEvent]


class Until(component):
    """Collects events (with the time each arrived) until ``done(events)``
    holds or PATIENCE passes; then asks the watcher to stop and ends when
    its signal comes. Other threads may wait for a condition on the events."""

    def __init__(self, done: Callable[[Events], bool], **argd: Any) -> None:
        super().__init__(**argd)
        self.done = done
        self.events: Events = []
        self.arrived: list[float] = []
        self.control: list[Any] = []
        self.changed = threading.Condition()

    def main(self) -> Iterator[Any]:
        deadline = time.monotonic() + PATIENCE
        while True:
            self.take()
            if self.done(self.events) or time.monotonic() >= deadline:
                break
            self.pause(deadline - time.monotonic())
            yield 1
        self.send(shutdownMicroprocess(self), "outbox")
        while not self.dataReady("control"):
            self.pause()
            yield 1
        self.take()
        self.control.append(self.recv("control"))

    def take(self) -> None:
        with self.changed:
            for event in self.Inbox("inbox"):
                self.events.append(event)
                self.arrived.append(time.monotonic())
            self.changed.notify_all()

    def waitFor(self, condition: Callable[[Events], bool]) -> None:
        """From another thread: wait until ``condition(events)`` holds."""
        with self.changed:
            if not self.changed.wait_for(lambda: condition(self.events), PATIENCE):
                raise AssertionError(f"never happened; events: {self.events}")


def watch(watcher: DirectoryWatcher, done: Callable[[Events], bool],
          act: Callable[[Until], None] = lambda until: None) -> Until:
    """Run ``watcher`` until ``done``; ``act(until)`` runs in a thread once it is ready."""
    until = Until(done)
    watcher.link((watcher, "outbox"), (until, "inbox"))
    watcher.link((until, "outbox"), (watcher, "control"))
    watcher.link((watcher, "signal"), (until, "control"))
    failures: list[BaseException] = []

    def actor() -> None:
        try:
            assert watcher.ready.wait(PATIENCE), "the watcher never became ready"
            act(until)
        except BaseException as exc:          # reported in the test's own thread
            failures.append(exc)

    thread = threading.Thread(target=actor)
    thread.start()
    runAll(watcher, until)
    thread.join()
    if failures:
        raise failures[0]
    return until


def has(kind: str, path: Path, count: int = 1) -> Callable[[Events], bool]:
    return lambda events: sum(e.kind == kind and e.path == str(path) for e in events) >= count


def kindsOf(events: Events, path: Path) -> list[str]:
    return [e.kind for e in events if e.path == str(path)]


def test_reports_a_file_created_modified_and_deleted(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"

    def act(until: Until) -> None:
        path.write_bytes(b"12345")
        until.waitFor(has(CREATED, path))
        with open(path, "ab") as f:
            f.write(b"678")
        until.waitFor(has(MODIFIED, path))
        path.unlink()

    until = watch(DirectoryWatcher(tmp_path, events=[CREATED, MODIFIED, DELETED]),
                  has(DELETED, path), act)
    assert until.events == [FileEvent(CREATED, str(path), 5), FileEvent(MODIFIED, str(path), 8),
                            FileEvent(DELETED, str(path), None)]


def test_a_file_written_slowly_is_complete_only_once_closed(tmp_path: Path) -> None:
    path = tmp_path / "slow.bin"
    closed: list[float] = []

    def act(until: Until) -> None:
        with open(path, "wb") as f:
            for _ in range(10):                   # 0.5 s of writing, settle is 0.2 s
                f.write(b"x" * 1000)
                f.flush()
                time.sleep(0.05)
        closed.append(time.monotonic())

    until = watch(DirectoryWatcher(tmp_path, settle=0.2, events=[COMPLETE]),
                  has(COMPLETE, path), act)
    assert until.events == [FileEvent(COMPLETE, str(path), 10_000)]
    assert until.arrived[0] > closed[0]


def test_a_writer_pausing_longer_than_settle_keeps_the_file_incomplete(tmp_path: Path) -> None:
    path = tmp_path / "paused.bin"
    closed: list[float] = []

    def act(until: Until) -> None:
        with open(path, "wb") as f:
            f.write(b"first half ")
            f.flush()
            time.sleep(0.8)                       # four times settle, file still open
            f.write(b"second half")
        closed.append(time.monotonic())

    until = watch(DirectoryWatcher(tmp_path, settle=0.2, events=[COMPLETE]),
                  has(COMPLETE, path), act)
    assert until.events == [FileEvent(COMPLETE, str(path), 22)]
    assert until.arrived[0] > closed[0]


def test_a_thousand_files_arriving_at_once_are_each_reported_once(tmp_path: Path) -> None:
    names = [tmp_path / f"file{n:04d}.dat" for n in range(1000)]

    def act(until: Until) -> None:
        for path in names:
            path.write_bytes(b"d" * 100)

    def allComplete(events: Events) -> bool:
        return sum(e.kind == COMPLETE for e in events) >= len(names)

    until = watch(DirectoryWatcher(tmp_path, settle=0.3), allComplete, act)
    created = Counter(e.path for e in until.events if e.kind == CREATED)
    complete = [e for e in until.events if e.kind == COMPLETE]
    assert created == Counter(str(p) for p in names)             # each exactly once
    assert Counter(e.path for e in complete) == created
    assert all(e.size == 100 for e in complete)
    assert not any(e.kind == DELETED for e in until.events)


def test_a_folder_moved_in_with_files_inside_reports_every_file(tmp_path: Path) -> None:
    watched, outside = tmp_path / "watched", tmp_path / "outside"
    watched.mkdir()
    (outside / "deep").mkdir(parents=True)
    inside = [outside / "one.txt", outside / "deep" / "two.txt"]
    for path in inside:
        path.write_text("here")
    arrived = [watched / "moved" / "one.txt", watched / "moved" / "deep" / "two.txt"]
    until = watch(DirectoryWatcher(watched, events=[CREATED]),
                  lambda events: len(events) >= 2,
                  lambda until: outside.rename(watched / "moved"))
    assert sorted(e.path for e in until.events) == sorted(map(str, arrived))


def test_a_folder_moved_out_reports_its_files_deleted(tmp_path: Path) -> None:
    watched = tmp_path / "watched"
    (watched / "sub").mkdir(parents=True)
    files = [watched / "sub" / "a", watched / "sub" / "b"]
    for path in files:
        path.write_text("x")
    until = watch(DirectoryWatcher(watched, events=[DELETED]), lambda events: len(events) >= 2,
                  lambda until: (watched / "sub").rename(tmp_path / "elsewhere"))
    assert until.events == [FileEvent(DELETED, str(p), None) for p in files]


def test_include_and_exclude_patterns_choose_the_files_reported(tmp_path: Path) -> None:
    (tmp_path / "tmp").mkdir()
    (tmp_path / "sub").mkdir()
    last = tmp_path / "z_last.txt"

    def act(until: Until) -> None:
        for name in ["a.txt", "b.log", "skip_me.txt", "tmp/c.txt", "sub/d.txt", "z_last.txt"]:
            (tmp_path / name).write_text(name)

    watcher = DirectoryWatcher(tmp_path, include=["*.txt"], exclude=["skip*", "tmp"],
                               events=[CREATED])
    until = watch(watcher, has(CREATED, last), act)
    assert [e.path for e in until.events] == [str(tmp_path / n) for n in
                                               ("a.txt", "sub/d.txt", "z_last.txt")]


def test_a_pattern_with_a_slash_matches_the_relative_path(tmp_path: Path) -> None:
    (tmp_path / "raw").mkdir()
    (tmp_path / "done").mkdir()
    wanted = tmp_path / "raw" / "take.wav"

    def act(until: Until) -> None:
        (tmp_path / "done" / "take.wav").write_text("no")
        wanted.write_text("yes")

    until = watch(DirectoryWatcher(tmp_path, include="raw/*.wav", events=[CREATED]),
                  has(CREATED, wanted), act)
    assert [e.path for e in until.events] == [str(wanted)]


def test_initial_scan_reports_the_files_already_there_then_their_completion(
        tmp_path: Path) -> None:
    existing = [tmp_path / "b.txt", tmp_path / "a" / "c.txt"]
    existing[1].parent.mkdir()
    for path in existing:
        path.write_text("old")
    until = watch(DirectoryWatcher(tmp_path, initialScan=True, settle=0.1),
                  lambda events: sum(e.kind == COMPLETE for e in events) >= 2)
    assert [(e.kind, e.path) for e in until.events[:2]] == [
        (CREATED, str(tmp_path / "a" / "c.txt")), (CREATED, str(tmp_path / "b.txt"))]
    assert sorted(e.path for e in until.events[2:] if e.kind == COMPLETE) == sorted(
        map(str, existing))


def test_files_unchanged_for_longer_than_settle_are_complete_at_once(tmp_path: Path) -> None:
    # settle is far longer than the test's patience: only a file whose time
    # says it settled long ago can be reported in time.
    old, moved = tmp_path / "old.jpg", tmp_path / "moved.jpg"
    old.write_text("there at start")
    elsewhere = tmp_path.parent / (tmp_path.name + "-elsewhere.jpg")
    elsewhere.write_text("moved in whole")
    hourAgo = time.time() - 3600
    os.utime(old, (hourAgo, hourAgo))
    os.utime(elsewhere, (hourAgo, hourAgo))
    fresh = tmp_path / "fresh.jpg"

    def act(until: Until) -> None:
        fresh.write_text("written now")
        os.rename(elsewhere, moved)

    until = watch(DirectoryWatcher(tmp_path, initialScan=True, settle=PATIENCE * 10),
                  lambda events: has(COMPLETE, old)(events) and has(COMPLETE, moved)(events),
                  act)
    assert not has(COMPLETE, fresh)(until.events)


def test_without_initial_scan_files_already_there_are_only_reported_when_changed(
        tmp_path: Path) -> None:
    old = tmp_path / "old.txt"
    old.write_text("old")
    new = tmp_path / "new.txt"

    def act(until: Until) -> None:
        old.write_text("changed")
        new.write_text("new")

    until = watch(DirectoryWatcher(tmp_path, events=[CREATED, MODIFIED]),
                  lambda events: has(MODIFIED, old)(events) and has(CREATED, new)(events), act)
    assert kindsOf(until.events, old) == [MODIFIED] and kindsOf(until.events, new) == [CREATED]


def test_a_watcher_that_is_not_recursive_ignores_subfolders(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    top = tmp_path / "top.txt"

    def act(until: Until) -> None:
        (tmp_path / "sub" / "below.txt").write_text("below")
        top.write_text("top")

    until = watch(DirectoryWatcher(tmp_path, recursive=False, events=[CREATED]),
                  has(CREATED, top), act)
    assert [e.path for e in until.events] == [str(top)]


@pytest.mark.parametrize("kind", SHUTDOWN)
def test_stops_watching_on_shutdown_and_passes_it_on(tmp_path: Path, kind: type) -> None:
    before = threads()
    message = kind()
    watcher = DirectoryWatcher(tmp_path)
    sink = run(watcher, control=[message])
    assert sink.control == [message] and watcher.ready.is_set()
    assert threads() - before == set()


def test_a_missing_folder_is_reported_on_signal(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    sink = run(DirectoryWatcher(missing))
    assertFileError(sink, str(missing), "No such file or directory", "watch")


def test_a_file_instead_of_a_folder_is_reported_on_signal(tmp_path: Path) -> None:
    path = tmp_path / "file"
    path.write_text("")
    sink = run(DirectoryWatcher(path))
    assertFileError(sink, str(path), "Not a directory", "watch")


@pytest.mark.parametrize("arguments, error, message", [
    ({"events": ["arrived"]}, ValueError, "events must be some of"),
    ({"events": []}, ValueError, "events must be some of"),
    ({"settle": 0}, ValueError, "settle must be a positive number, not 0"),
    ({"debounce": -1}, ValueError, "debounce must be a positive number, not -1"),
    ({"include": [3]}, TypeError, r"include must be a pattern or a list of patterns, not \[3\]"),
])
def test_bad_arguments_are_rejected(tmp_path: Path, arguments: dict[str, Any], error: type,
                                    message: str) -> None:
    with pytest.raises(error, match=message):
        DirectoryWatcher(tmp_path, **arguments)


def test_file_events_are_small_frozen_values() -> None:
    event = FileEvent(CREATED, "/x", 3)
    assert str(event) == "created /x" and event == FileEvent(CREATED, "/x", 3)
    with pytest.raises(AttributeError):
        event.kind = DELETED      # type: ignore[misc]
    assert KINDS == (CREATED, MODIFIED, DELETED, COMPLETE)
