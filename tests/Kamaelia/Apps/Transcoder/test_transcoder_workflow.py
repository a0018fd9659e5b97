"""The moderation queue's rules, driven directly (no scheduler): intake, finish, restart."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from Kamaelia.Apps.Transcoder.jobs import Job, JobResult, runJob
from Kamaelia.Apps.Transcoder.workflow import Outcome, Workflow, kindOf, safeName
from transcodertools import makeImage, quickConfig


@pytest.fixture
def workflow(tmp_path: Path) -> Workflow:
    flow = Workflow(quickConfig(tmp_path))
    yield flow
    flow.close()


def uploads(flow: Workflow) -> Path:
    return Path(flow.config.incoming[0])


def test_kinds_come_from_the_name_and_folder_names_are_url_safe() -> None:
    assert [kindOf(n) for n in ("a.JPG", "b.mkv", "c.pdf", "d.txt", "e")] == \
        ["image", "video", "pdf", None, None]
    assert safeName("Holiday photo (1)") == "Holiday_photo_1"
    assert safeName("\udcff\n$'") == "item" and len(safeName("x" * 300)) == 80


def test_an_image_goes_through_the_queue_into_its_folder(workflow: Workflow) -> None:
    source = makeImage(uploads(workflow) / "red.png")
    job = workflow.accept(str(source))
    assert isinstance(job, Job) and not source.exists()
    assert Path(job.source).parent == Path(workflow.queues["image"])
    assert workflow.state.get(job.checksum).status == "queued"
    workflow.started(job)
    assert workflow.state.get(job.checksum).status == "running"
    outcome = workflow.finish(runJob(job))
    assert outcome.status == "done" and outcome.folder is not None
    folder = Path(outcome.folder)
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["source"]["name"] == "red.png"
    assert manifest["source"]["checksum"] == "sha256:" + job.checksum
    assert {r["path"] for r in manifest["renditions"]} == {"small.jpg", "square.jpg"}
    assert all((folder / r["path"]).is_file() for r in manifest["renditions"])
    assert (Path(workflow.doneFolder) / "red.png").is_file()
    assert not Path(job.staging).exists() and not Path(job.source).exists()
    assert workflow.state.get(job.checksum).status == "done"
    page = workflow.writeIndex().read_text()
    assert "red.png" in page and "moderate/images/red/manifest.json" in page


def test_a_refused_file_goes_to_failed_with_its_reason(workflow: Workflow) -> None:
    source = uploads(workflow) / "broken.jpg"
    source.write_bytes(b"this is not a JPEG")
    job = workflow.accept(str(source))
    assert isinstance(job, Job)
    outcome = workflow.finish(runJob(job))
    assert outcome.status == "failed" and outcome.reason
    failed = Path(workflow.failedFolder)
    assert (failed / "broken.jpg").read_bytes() == b"this is not a JPEG"
    assert (failed / "broken.jpg.reason.txt").read_text().strip() == outcome.reason
    assert not Path(job.staging).exists()
    assert not any(Path(workflow.moderation["image"]).iterdir())
    assert workflow.state.get(job.checksum).reason == outcome.reason


def test_a_file_of_no_kind_we_make_is_set_aside_at_once(workflow: Workflow) -> None:
    source = uploads(workflow) / "notes.txt"
    source.write_text("hello")
    outcome = workflow.accept(str(source))
    assert isinstance(outcome, Outcome) and outcome.status == "failed"
    assert "not an image, video or PDF" in outcome.reason
    assert (Path(workflow.failedFolder) / "notes.txt").read_text() == "hello"
    assert "not an image" in (Path(workflow.failedFolder) / "notes.txt.reason.txt").read_text()


def test_the_same_bytes_twice_are_not_redone(workflow: Workflow) -> None:
    first = makeImage(uploads(workflow) / "one.png", "blue")
    job = workflow.accept(str(first))
    assert isinstance(job, Job)
    workflow.finish(runJob(job))
    again = uploads(workflow) / "copy of one.png"
    again.write_bytes((Path(workflow.doneFolder) / "one.png").read_bytes())
    outcome = workflow.accept(str(again))
    assert isinstance(outcome, Outcome) and outcome.status == "duplicate"
    assert "one.png" in outcome.reason
    assert (Path(workflow.doneFolder) / "copy of one.png").is_file()
    assert len(list(Path(workflow.moderation["image"]).iterdir())) == 1


def test_a_duplicate_of_a_refused_file_is_refused_with_the_first_reason(
        workflow: Workflow) -> None:
    (uploads(workflow) / "bad.png").write_bytes(b"garbage")
    job = workflow.accept(str(uploads(workflow) / "bad.png"))
    first = workflow.finish(runJob(job))
    (uploads(workflow) / "bad again.png").write_bytes(b"garbage")
    outcome = workflow.accept(str(uploads(workflow) / "bad again.png"))
    assert outcome.status == "duplicate" and first.reason in outcome.reason
    assert (Path(workflow.failedFolder) / "bad again.png.reason.txt").is_file()


def test_names_that_would_collide_get_their_own_folders(workflow: Workflow) -> None:
    folders = []
    for colour, name in (("red", "same.png"), ("green", "same.png"), ("blue", "same.jpg")):
        job = workflow.accept(str(makeImage(uploads(workflow) / name, colour)))
        folders.append(Path(workflow.finish(runJob(job)).folder).name)
    assert folders == ["same", "same-2", "same-3"]
    assert sorted(os.listdir(workflow.doneFolder)) == ["same-2.png", "same.jpg", "same.png"]


def test_any_file_name_works(workflow: Workflow) -> None:
    name = "a \"quoted\" $HOME\nnew line 'x' \udcff.png"
    source = makeImage(uploads(workflow) / name, "purple")
    job = workflow.accept(str(source))
    outcome = workflow.finish(runJob(job))
    assert outcome.status == "done"
    manifest = json.loads((Path(outcome.folder) / "manifest.json").read_text())
    assert bytes(manifest["source"]["name_bytes"]) == os.fsencode(name)
    assert (Path(workflow.doneFolder) / name).is_file()


def test_a_restart_throws_away_partial_output_and_redoes_the_item(tmp_path: Path) -> None:
    config = quickConfig(tmp_path)
    first = Workflow(config)
    job = first.accept(str(makeImage(Path(config.incoming[0]) / "cut.png")))
    first.started(job)
    Path(job.staging).mkdir(parents=True)
    (Path(job.staging) / "small.jpg").write_bytes(b"half a file")    # killed mid-way
    first.close()
    second = Workflow(config)
    try:
        jobs = second.prepare()
        assert [j.checksum for j in jobs] == [job.checksum]
        assert not Path(job.staging).exists()
        assert second.state.get(job.checksum).status == "queued"
        outcome = second.finish(runJob(jobs[0]))
        assert outcome.status == "done"
        assert (Path(outcome.folder) / "small.jpg").read_bytes()[:2] == b"\xff\xd8"
    finally:
        second.close()


def test_a_file_left_in_the_queue_unrecorded_is_adopted(tmp_path: Path) -> None:
    config = quickConfig(tmp_path)
    flow = Workflow(config)
    try:
        orphan = makeImage(Path(flow.queues["image"]) / "orphan.png")   # moved, then killed
        jobs = flow.prepare()
        assert [Path(j.source) for j in jobs] == [orphan]
        assert flow.finish(runJob(jobs[0])).status == "done"
    finally:
        flow.close()


def test_an_internal_error_is_reported_with_its_traceback(workflow: Workflow) -> None:
    source = makeImage(uploads(workflow) / "fine.png")
    job = workflow.accept(str(source))
    broken = Job(**{**job.__dict__, "settings": None})     # a bug: no settings
    result = runJob(broken)
    assert not result.ok and result.internal and "internal error" in result.reason
    assert "Traceback" in result.details
    outcome = workflow.finish(result)
    assert outcome.status == "failed" and (Path(workflow.failedFolder) / "fine.png").exists()


def test_outputs_that_cannot_be_put_in_place_fail_the_item_not_the_service(
        workflow: Workflow) -> None:
    job = workflow.accept(str(makeImage(uploads(workflow) / "gone.png")))
    result = runJob(job)
    import shutil
    shutil.rmtree(job.staging)                       # the outputs vanished meanwhile
    outcome = workflow.finish(JobResult(**{**result.__dict__}))
    assert outcome.status == "failed" and "cannot put the outputs in place" in outcome.reason
