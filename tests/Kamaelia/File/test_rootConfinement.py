"""``root=``: names from messages confined to a folder (WholeFileWriter, TriggeredFileReader).

Each escape of issue 11 (``..``, an absolute path, a symbolic link out to a
file or a folder, a NUL byte, the folder itself) is refused with a logged
error naming it and a fileError out of ``"error"``, and the next message is
handled as usual; names that stay inside (a symbolic link within, an
absolute path inside) are used.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from Axon.Ipc import producerFinished
from Kamaelia.File._confine import checkRoot, confine
from Kamaelia.File.TriggeredFileReader import TriggeredFileReader
from Kamaelia.File.WholeFileWriter import WholeFileWriter
from Kamaelia.File.messages import NameRefused, fileError
from filehelpers import Collector, runAll


class Tree:
    """A root folder and things outside it::

        tmp/outside.txt                   tmp/outdir/secret.txt
        tmp/root/inside.txt               tmp/root/sub/deep.txt
        tmp/root/linkout -> ../outside.txt          (a link out, to a file)
        tmp/root/dirout  -> ../outdir               (a link out, to a folder)
        tmp/root/linkin  -> inside.txt              (a link within)
        tmp/root/dangling -> ../not-yet             (a link out, to nothing yet)
    """

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.root = tmp / "root"
        (self.root / "sub").mkdir(parents=True)
        (tmp / "outdir").mkdir()
        (tmp / "outside.txt").write_bytes(b"outside")
        (tmp / "outdir" / "secret.txt").write_bytes(b"secret")
        (self.root / "inside.txt").write_bytes(b"inside")
        (self.root / "sub" / "deep.txt").write_bytes(b"deep")
        (self.root / "linkout").symlink_to("../outside.txt")
        (self.root / "dirout").symlink_to("../outdir")
        (self.root / "linkin").symlink_to("inside.txt")
        (self.root / "dangling").symlink_to("../not-yet")

    def outsideState(self) -> dict[str, bytes]:
        return {str(p.relative_to(self.tmp)): p.read_bytes()
                for p in sorted(self.tmp.rglob("*"))
                if p.is_file() and self.root not in p.parents}


@pytest.fixture
def tree(tmp_path: Path) -> Tree:
    return Tree(tmp_path)


#: Names that escape (or are not names at all), with the reason given.
ESCAPES: dict[str, tuple[Any, str]] = {
    "dot-dot": ("../outside.txt", "leads outside the root folder"),
    "dot-dot-deep": ("sub/../../outside.txt", "leads outside the root folder"),
    "absolute": ("{tmp}/outside.txt", "leads outside the root folder"),
    "symlink-to-a-file-out": ("linkout", "leads outside the root folder"),
    "symlink-to-a-folder-out": ("dirout/secret.txt", "leads outside the root folder"),
    "dangling-symlink-out": ("dangling", "leads outside the root folder"),
    "nul-byte": ("inside.txt\0.png", "holds a NUL byte"),
    "the-root-itself": ("", "names the root folder itself"),
    "the-root-as-dot": (".", "names the root folder itself"),
    "the-root-from-below": ("sub/..", "names the root folder itself"),
    "the-root-absolute": ("{root}", "names the root folder itself"),
    "bytes-dot-dot": (b"../outside.txt", "leads outside the root folder"),
    "not-a-name": (42, "a file name must be a str, not int"),
}


def name(tree: Tree, template: Any) -> Any:
    if isinstance(template, str):
        return template.format(tmp=tree.tmp, root=tree.root)
    return template


class Errors:
    """Where "error" is linked: the inbox of a component that never runs."""

    def __init__(self, component: Any) -> None:
        self._holder = Collector()
        component.link((component, "error"), (self._holder, "inbox"))

    @property
    def got(self) -> list[Any]:
        return list(self._holder.inboxes["inbox"])


def runWithErrors(component: Any, inbox: list[Any]) -> tuple[Collector, Errors]:
    """Run ``component`` on ``inbox`` then producerFinished; what came out of
    "outbox" and "signal", and of "error"."""
    sink, errors = Collector(), Errors(component)
    component.link((component, "outbox"), (sink, "inbox"))
    component.link((component, "signal"), (sink, "control"))
    component.inboxes["inbox"].extend(inbox)
    component.inboxes["control"].append(producerFinished())
    runAll(component, sink)
    return sink, errors


def assertRefused(errors: Errors, bad: Any, reason: str, action: str,
                  caplog: pytest.LogCaptureFixture) -> None:
    [error] = errors.got
    assert isinstance(error, fileError)
    assert error.path == bad and error.action == action
    assert isinstance(error.exception, NameRefused) and reason in error.reason
    assert any(repr(bad) in r.getMessage() and reason in r.getMessage()
               and r.levelno == logging.ERROR for r in caplog.records)


# ------------------------------------------------------------- the rules
@pytest.mark.parametrize("case", list(ESCAPES))
def test_confine_refuses_every_escape_with_its_reason(tree: Tree, case: str) -> None:
    template, reason = ESCAPES[case]
    root = checkRoot(tree.root)
    assert root is not None
    with pytest.raises(NameRefused, match=reason):
        confine(root, name(tree, template))


@pytest.mark.parametrize(("given", "found"), [
    ("inside.txt", "inside.txt"), ("linkin", "inside.txt"), ("sub/deep.txt", "sub/deep.txt"),
    ("sub/../inside.txt", "inside.txt"), ("{root}/sub/deep.txt", "sub/deep.txt"),
    ("new/file.txt", "new/file.txt"), (b"inside.txt", "inside.txt")])
def test_confine_accepts_names_that_stay_inside_and_resolves_them(
        tree: Tree, given: Any, found: str) -> None:
    root = checkRoot(tree.root)
    assert root is not None
    assert confine(root, name(tree, given)) == os.path.realpath(tree.root / found)


#: Path parts to build names from: ways out, ways in, links both ways.
PARTS = st.sampled_from(["..", ".", "", "sub", "inside.txt", "linkout", "dirout", "linkin",
                         "dangling", "new", "\0", "secret.txt"])


@settings(max_examples=300, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(parts=st.lists(PARTS, max_size=6), absolute=st.booleans())
def test_whatever_the_name_confine_refuses_it_or_returns_a_path_strictly_inside(
        tree: Tree, parts: list[str], absolute: bool) -> None:
    root = checkRoot(tree.root)
    assert root is not None
    text = "/".join(parts)
    text = f"{root}/{text}" if absolute else text
    try:
        path = confine(root, text)
    except NameRefused:
        return
    assert "\0" not in text
    resolved = os.path.realpath(path)
    assert resolved == path
    assert resolved.startswith(root + os.sep) and resolved != root


def test_a_root_that_is_a_symbolic_link_is_resolved_once(tree: Tree) -> None:
    (tree.tmp / "alias").symlink_to("root")
    assert checkRoot(tree.tmp / "alias") == os.path.realpath(tree.root)


@pytest.mark.parametrize("bad", ["missing", "outside.txt"])
def test_root_must_be_an_existing_folder(tree: Tree, bad: str) -> None:
    root = str(tree.tmp / bad)
    with pytest.raises(ValueError, match=f"root must be an existing folder, not {root!r}"):
        TriggeredFileReader(root=root)
    with pytest.raises(ValueError, match="root must be an existing folder"):
        WholeFileWriter(root=root)


# ------------------------------------------------------ TriggeredFileReader
@pytest.mark.parametrize("case", list(ESCAPES))
def test_triggered_reader_refuses_an_escape_and_reads_the_next_name(
        tree: Tree, case: str, caplog: pytest.LogCaptureFixture) -> None:
    template, reason = ESCAPES[case]
    bad = name(tree, template)
    with caplog.at_level(logging.ERROR, logger="Kamaelia.File"):
        sink, errors = runWithErrors(TriggeredFileReader(root=tree.root),
                                     [bad, "inside.txt"])
    assert sink.got == [b"inside"]
    assert [type(m) for m in sink.control] == [producerFinished]
    assertRefused(errors, bad, reason, "read", caplog)


@pytest.mark.parametrize("given", ["linkin", "{root}/inside.txt", "sub/deep.txt"])
def test_triggered_reader_reads_names_inside_its_root(tree: Tree, given: str) -> None:
    sink, errors = runWithErrors(TriggeredFileReader(root=tree.root), [name(tree, given)])
    assert sink.got in ([b"inside"], [b"deep"])
    assert errors.got == []


def test_triggered_reader_without_root_reads_any_name_as_in_1_14(tree: Tree) -> None:
    sink, errors = runWithErrors(TriggeredFileReader(),
                                 [str(tree.tmp / "outside.txt"), str(tree.root / "linkout")])
    assert sink.got == [b"outside", b"outside"]


def test_a_refused_name_with_error_unlinked_is_only_logged(
        tree: Tree, caplog: pytest.LogCaptureFixture) -> None:
    reader = TriggeredFileReader(root=tree.root)
    sink = Collector()
    reader.link((reader, "outbox"), (sink, "inbox"))
    reader.link((reader, "signal"), (sink, "control"))
    reader.inboxes["inbox"].extend(["../outside.txt"] * 50 + ["inside.txt"])
    reader.inboxes["control"].append(producerFinished())
    with caplog.at_level(logging.ERROR, logger="Kamaelia.File"):
        runAll(reader, sink)
    assert sink.got == [b"inside"]
    assert len(reader.outboxes["error"]) == 0         # nothing piles up unread
    assert sum("'../outside.txt'" in r.getMessage() for r in caplog.records) == 50


# ----------------------------------------------------------- WholeFileWriter
@pytest.mark.parametrize("atomic", [False, True], ids=["plain", "atomic"])
@pytest.mark.parametrize("case", list(ESCAPES))
def test_whole_file_writer_refuses_an_escape_and_writes_the_next_file(
        tree: Tree, case: str, atomic: bool, caplog: pytest.LogCaptureFixture) -> None:
    template, reason = ESCAPES[case]
    bad = name(tree, template)
    before = tree.outsideState()
    with caplog.at_level(logging.ERROR, logger="Kamaelia.File"):
        sink, errors = runWithErrors(WholeFileWriter(atomic=atomic, root=tree.root),
                                     [[bad, b"evil"], ["ok.txt", b"fine"]])
    assert sink.got == ["ok.txt"]
    assert (tree.root / "ok.txt").read_bytes() == b"fine"
    assert tree.outsideState() == before              # nothing written outside
    assert not (tree.tmp / "not-yet").exists()
    assertRefused(errors, bad, reason, "write", caplog)


@pytest.mark.parametrize("atomic", [False, True], ids=["plain", "atomic"])
def test_whole_file_writer_writes_through_a_link_within_its_root(
        tree: Tree, atomic: bool) -> None:
    sink, errors = runWithErrors(WholeFileWriter(atomic=atomic, root=tree.root),
                                 [["linkin", b"new"], [str(tree.root / "sub/x"), b"x"]])
    assert sink.got == ["linkin", str(tree.root / "sub/x")]
    assert (tree.root / "inside.txt").read_bytes() == b"new"
    assert (tree.root / "linkin").is_symlink()        # the link itself is kept
    assert (tree.root / "sub" / "x").read_bytes() == b"x"
    assert errors.got == []


def test_whole_file_writer_without_root_writes_any_name_as_in_1_14(tree: Tree) -> None:
    target = tree.tmp / "outdir" / "anywhere.txt"
    sink, _ = runWithErrors(WholeFileWriter(), [[str(target), b"anything"]])
    assert sink.got == [str(target)]
    assert target.read_bytes() == b"anything"


def test_a_missing_folder_inside_the_root_is_still_a_file_error(tree: Tree) -> None:
    sink, errors = runWithErrors(WholeFileWriter(root=tree.root),
                                 [["no/such/folder.txt", b"x"]])
    assert errors.got == []
    [error] = sink.control
    assert isinstance(error, fileError) and error.reason == "No such file or directory"
