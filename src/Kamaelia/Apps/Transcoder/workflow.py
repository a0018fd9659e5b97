"""Kamaelia.Apps.Transcoder.workflow: the moderation queue's folders, state and rules.

Example Usage
-------------
The service's logic without the service: take an upload, run its job here,
and finish it::

    import tempfile
    from pathlib import Path
    from PIL import Image
    from Kamaelia.Apps.Transcoder.config import ImageSettings, TranscoderConfig
    from Kamaelia.Apps.Transcoder.jobs import runJob
    from Kamaelia.Apps.Transcoder.workflow import Workflow

    with tempfile.TemporaryDirectory() as folder:
        uploads = Path(folder, "uploads"); uploads.mkdir()
        Image.new("RGB", (800, 600), "red").save(uploads / "red.png")
        config = TranscoderConfig(incoming=[str(uploads)], output=str(Path(folder, "out")),
                                  image=ImageSettings(formats=("jpeg",)))
        workflow = Workflow(config)
        job = workflow.accept(str(uploads / "red.png"))      # moved to out/queue/images/
        workflow.started(job)
        outcome = workflow.finish(runJob(job))
        print(outcome.status, outcome.folder)   # done .../out/moderate/images/red
        workflow.close()

How does it work?
-----------------
The layout below the output folder (every folder can be moved by the
configuration; see ``docs/apps/transcoder.md``)::

    queue/images/  queue/videos/  queue/documents/     originals waiting, by kind
    moderate/images/NAME/  moderate/videos/NAME/  ...  an item's renditions + manifest.json
    done/          originals of finished items (and duplicates)
    failed/        refused originals, each with NAME.reason.txt beside it
    state.sqlite   what is queued, running, done, failed (see .state)
    index.html     the results page

The rules, in the order things happen to an upload:

1. :meth:`accept` takes a complete file from an incoming folder. Its kind
   comes from its name's ending (:func:`kindOf`); a file of no kind we
   make goes to ``failed/`` with the reason. Its SHA-256 is computed: a
   checksum seen before is a duplicate and is not redone (it goes to
   ``done/``, or to ``failed/`` with the first one's reason). Otherwise the
   file is *moved* (never copied and left) into its type queue, and then
   recorded as queued: a crash between the two leaves a file in the queue
   that :meth:`prepare` adopts.
2. :meth:`started` notes that a worker has it.
3. The worker makes the renditions in ``moderate/KIND/.partial-NAME``.
4. :meth:`finish` takes the worker's result. Success: ``manifest.json`` is
   written into the partial folder, the folder is renamed to ``NAME`` (an
   atomic step: a folder without the dot always is complete), *then* the
   original goes to ``done/`` and the state says done. Failure: the
   partial folder is removed, the original goes to ``failed/`` with
   ``NAME.reason.txt``. Nothing is deleted before its outputs exist.

:meth:`prepare`, at start-up, removes partial folders (a killed run's),
puts items left running back in the queue and returns their jobs, with
those of files found in a type queue that the state does not know.

File names are kept as the file system has them: any bytes (spaces,
quotes, ``$``, newlines, invalid UTF-8) are fine. The item's folder name
is made safe for URLs (letters, digits, ``.-_``) and unique; the manifest
keeps the name as uploaded.
"""

from __future__ import annotations

import errno
import hashlib
import html
import json
import logging
import os
import re
import shutil
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import Kamaelia

from .config import KINDS, TranscoderConfig
from .jobs import Job, JobResult
from .state import StateStore

__all__ = ["Workflow", "Outcome", "kindOf", "IMAGE_ENDINGS", "VIDEO_ENDINGS", "PDF_ENDINGS"]

log = logging.getLogger("Kamaelia.Apps.Transcoder")

#: The endings of the formats ``images`` reads (its READABLE_FORMATS).
IMAGE_ENDINGS = frozenset({".jpg", ".jpeg", ".jpe", ".jfif", ".png", ".gif", ".bmp", ".tif",
                           ".tiff", ".webp", ".avif"})
#: 1.14's VideoMover's list, with today's containers added (.mkv, .webm, ...).
VIDEO_ENDINGS = frozenset({".3gp", ".3gp2", ".3gpp", ".asf", ".asx", ".avi", ".dv", ".flv",
                           ".m1v", ".m4e", ".m4u", ".m4v", ".mjp", ".moov", ".mov", ".movie",
                           ".mp4", ".mpe", ".mpeg", ".mpg", ".qt", ".rm", ".swf", ".ts",
                           ".wmv", ".mkv", ".webm", ".ogv", ".mts", ".m2ts", ".vob"})
PDF_ENDINGS = frozenset({".pdf"})


def kindOf(name: str) -> str | None:
    """``"image"``, ``"video"``, ``"pdf"`` from the ending of ``name``, or None."""
    ending = os.path.splitext(name)[1].lower()
    for kind, endings in (("image", IMAGE_ENDINGS), ("video", VIDEO_ENDINGS),
                          ("pdf", PDF_ENDINGS)):
        if ending in endings:
            return kind
    return None


@dataclass(frozen=True)
class Outcome:
    """What happened to an upload: ``status`` is ``"done"``, ``"failed"`` or
    ``"duplicate"``; ``folder`` is the item's folder (done), ``reason`` why
    (failed, duplicate); ``seconds`` the worker's time."""

    status: str
    name: str
    kind: str | None
    checksum: str | None = None
    folder: str | None = None
    reason: str = ""
    seconds: float = 0.0


def checksumOf(path: str) -> str:
    """The SHA-256 of the file at ``path``, as hex."""
    with open(path, "rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


def safeName(stem: str) -> str:
    """``stem`` made safe for a folder name in a URL (never empty, at most 80 characters)."""
    text = os.fsencode(stem).decode("utf-8", "replace")
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("._-")[:80]
    return safe or "item"


def _freeName(folder: str, name: str) -> str:
    """``name``, or ``stem-2.ext``, ``stem-3.ext``... whichever is not in ``folder``."""
    stem, ending = os.path.splitext(name)
    candidate, number = name, 1
    while os.path.lexists(os.path.join(folder, candidate)):
        number += 1
        candidate = f"{stem}-{number}{ending}"
    return candidate


def moveFile(source: str, destination: str) -> None:
    """Move a file; across file systems, copy it, flush it, and only then remove the source."""
    try:
        os.rename(source, destination)
        return
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
    partial = destination + ".partial"
    shutil.copy2(source, partial)
    with open(partial, "rb") as copied:
        os.fsync(copied.fileno())
    os.rename(partial, destination)
    os.unlink(source)


def _writeAtomically(path: Path, text: str) -> None:
    partial = path.with_name(path.name + ".partial")
    with open(partial, "w", encoding="utf-8") as file:
        file.write(text)
        file.flush()
        os.fsync(file.fileno())
    os.replace(partial, path)


class Workflow:
    """The moderation queue of ``config`` (see the module docstring).

    ``progressTo`` and ``ffmpegThreads`` are copied into every job.
    """

    def __init__(self, config: TranscoderConfig, progressTo: tuple[str, int] | None = None,
                 ffmpegThreads: int = 0) -> None:
        self.config = config
        self.progressTo = progressTo
        self.ffmpegThreads = ffmpegThreads
        self.output = os.path.abspath(config.output)
        self.queues = {kind: os.path.abspath(config.folder(config.queues[kind])) for kind in KINDS}
        self.moderation = {kind: os.path.abspath(config.folder(config.moderation[kind]))
                           for kind in KINDS}
        self.doneFolder = os.path.abspath(config.folder(config.done))
        self.failedFolder = os.path.abspath(config.folder(config.failed))
        for folder in [self.output, self.doneFolder, self.failedFolder,
                       *self.queues.values(), *self.moderation.values()]:
            os.makedirs(folder, exist_ok=True)
        self.state = StateStore(os.path.join(self.output, "state.sqlite"))
        self._jobs: dict[str, Job] = {}

    def close(self) -> None:
        """Close the state file."""
        self.state.close()

    def jobFor(self, checksum: str) -> Job | None:
        """The job made for ``checksum`` and not yet finished, or None."""
        return self._jobs.get(checksum)

    @property
    def inFlight(self) -> int:
        """Jobs made and not yet finished."""
        return len(self._jobs)

    # ------------------------------------------------------------ start-up
    def prepare(self) -> list[Job]:
        """Clean up after an earlier run and return the jobs to (re)submit."""
        for folder in self.moderation.values():
            for entry in os.scandir(folder):
                if entry.name.startswith(".partial-") and entry.is_dir(follow_symlinks=False):
                    log.info("removing the unfinished output %s of an earlier run", entry.path)
                    shutil.rmtree(entry.path, ignore_errors=True)
        jobs = []
        known = set()
        for row in self.state.recover():
            path = os.path.join(self.output, row.queued_path)
            known.add(os.path.abspath(path))
            if not os.path.isfile(path):
                log.warning("%s was queued but is no longer in %s: forgotten",
                            row.source_name, os.path.dirname(path))
                self.state.forget(row.checksum)
                continue
            jobs.append(self._job(row.checksum, row.kind, row.source_name, path, row.item))
        for kind, folder in self.queues.items():
            for entry in sorted(os.scandir(folder), key=lambda entry: entry.name):
                if entry.is_file(follow_symlinks=False) and not entry.name.endswith(".partial") \
                        and os.path.abspath(entry.path) not in known:
                    adopted = self.accept(entry.path)
                    if isinstance(adopted, Job):
                        jobs.append(adopted)
        return jobs

    # ------------------------------------------------------------- intake
    def accept(self, path: str) -> Job | Outcome | None:
        """Take the complete upload at ``path``: its :class:`Job`, or the
        :class:`Outcome` when it is refused at once or a duplicate, or None
        when it is not there (any more) or is in flight already."""
        name = os.path.basename(path)
        if not os.path.isfile(path) or os.path.islink(path):
            return None
        kind = kindOf(name)
        if kind is None:
            reason = ("not an image, video or PDF (by the ending of its name; "
                      "see docs/apps/transcoder.md for the endings taken)")
            self._setAside(path, name, reason)
            return Outcome("failed", name, None, reason=reason)
        try:
            checksum = checksumOf(path)
        except FileNotFoundError:
            return None
        if checksum in self._jobs:
            if os.path.abspath(path) == os.path.abspath(self._jobs[checksum].source):
                return None
        row = self.state.get(checksum)
        if row is not None and (os.path.abspath(path) !=
                                os.path.abspath(os.path.join(self.output, row.queued_path))):
            return self._duplicate(path, name, kind, checksum, row)
        if row is not None:                       # adopted from the queue, already known
            return self._job(checksum, row.kind, row.source_name, path, row.item)
        queue = self.queues[kind]
        if os.path.dirname(os.path.abspath(path)) == queue:
            queued = path
        else:
            queued = os.path.join(queue, _freeName(queue, name))
            moveFile(path, queued)
        item = self._freeItem(kind, os.path.splitext(name)[0])
        self.state.enqueue(checksum, name, kind, os.path.relpath(queued, self.output), item)
        return self._job(checksum, kind, name, queued, item)

    def _freeItem(self, kind: str, stem: str) -> str:
        base = safeName(stem)
        candidate, number = base, 1
        while (self.state.itemTaken(kind, candidate)
               or os.path.lexists(os.path.join(self.moderation[kind], candidate))):
            number += 1
            candidate = f"{base}-{number}"
        return candidate

    def _job(self, checksum: str, kind: str, name: str, source: str, item: str) -> Job:
        job = Job(checksum=checksum, kind=kind, name=name, source=source,
                  staging=os.path.join(self.moderation[kind], ".partial-" + item),
                  settings=getattr(self.config, kind), progressTo=self.progressTo,
                  ffmpegThreads=self.ffmpegThreads)
        self._jobs[checksum] = job
        return job

    def _duplicate(self, path: str, name: str, kind: str, checksum: str, row: Any) -> Outcome:
        if row.status == "failed":
            reason = (f"the same content as {row.source_name!r}, which was refused: "
                      f"{row.reason}")
            self._setAside(path, name, reason)
        else:
            reason = f"the same content as {row.source_name!r} ({row.status}, item {row.item})"
            moveFile(path, os.path.join(self.doneFolder, _freeName(self.doneFolder, name)))
        log.info("%s: not redone: %s", name, reason)
        return Outcome("duplicate", name, kind, checksum, reason=reason)

    def started(self, job: Job) -> None:
        """A worker has been given ``job``."""
        self.state.markRunning(job.checksum)

    # ------------------------------------------------------------- results
    def finish(self, result: JobResult) -> Outcome:
        """Put ``result``'s outputs in place (or set the original aside)."""
        job = self._jobs.pop(result.checksum)
        row = self.state.get(job.checksum)
        item = row.item if row is not None else safeName(os.path.splitext(job.name)[0])
        staging = Path(job.staging)
        if result.ok:
            try:
                return self._complete(job, result, staging, item)
            except OSError as exc:
                result = JobResult(job.checksum, False, reason=f"cannot put the outputs in "
                                   f"place: {exc}", internal=True, seconds=result.seconds)
        if result.internal:
            log.error("%s: %s\n%s", job.name, result.reason, result.details)
        else:
            log.warning("%s: refused: %s", job.name, result.reason)
        shutil.rmtree(staging, ignore_errors=True)
        if os.path.exists(job.source):
            self._setAside(job.source, job.name, result.reason)
        self.state.markFailed(job.checksum, result.reason)
        return Outcome("failed", job.name, job.kind, job.checksum, reason=result.reason,
                       seconds=result.seconds)

    def _complete(self, job: Job, result: JobResult, staging: Path, item: str) -> Outcome:
        manifest = {
            "source": {"name": job.name, "checksum": "sha256:" + job.checksum,
                       "bytes": os.path.getsize(job.source)},
            **result.manifest,
            "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "seconds": round(result.seconds, 3),
            "made_by": f"kamaelia {Kamaelia.__version__} transcoder",
        }
        # The name as uploaded may not be UTF-8: JSON gets it with the bad
        # bytes replaced, and the exact bytes as a list beside it.
        if any("\udc80" <= character <= "\udcff" for character in job.name):
            manifest["source"]["name"] = os.fsencode(job.name).decode("utf-8", "replace")
            manifest["source"]["name_bytes"] = list(os.fsencode(job.name))
        _writeAtomically(staging / "manifest.json",
                         json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
        final = Path(self.moderation[job.kind], item)
        if final.exists():            # done before, but the state never heard: replace it
            shutil.rmtree(final)
        os.rename(staging, final)
        moveFile(job.source, os.path.join(self.doneFolder, _freeName(self.doneFolder, job.name)))
        self.state.markDone(job.checksum)
        log.info("%s: done in %.1f s -> %s", job.name, result.seconds, final)
        return Outcome("done", job.name, job.kind, job.checksum, folder=str(final),
                       seconds=result.seconds)

    def _setAside(self, path: str, name: str, reason: str) -> None:
        aside = _freeName(self.failedFolder, name)
        moveFile(path, os.path.join(self.failedFolder, aside))
        _writeAtomically(Path(self.failedFolder, aside + ".reason.txt"), reason + "\n")

    # ---------------------------------------------------------- the page
    def writeIndex(self, limit: int = 500) -> Path:
        """Write ``index.html``, the results page (newest first, at most
        ``limit`` items), and return its path."""
        rows: list[str] = []
        for row in self.state.items():
            if len(rows) >= limit:
                break
            rows.append(self._indexRow(row))
        counts = self.state.counts()
        summary = ", ".join(f"{counts[s]} {s}" for s in ("queued", "running", "done", "failed")
                            if counts.get(s))
        page = _PAGE.format(summary=html.escape(summary or "nothing yet"),
                            rows="\n".join(rows) or "<tr><td colspan=4>No uploads yet.</td></tr>")
        path = Path(self.output, "index.html")
        _writeAtomically(path, page)
        return path

    def _indexRow(self, row: Any) -> str:
        folder = os.path.join(self.moderation[row.kind], row.item)
        link = urllib.parse.quote(os.path.relpath(folder, self.output))
        picture = ""
        for candidate in ("thumb.jpg", "poster.jpg"):
            if row.status == "done" and os.path.exists(os.path.join(folder, candidate)):
                picture = f'<img src="{link}/{candidate}" alt="" width="146">'
                break
        name = html.escape(os.fsencode(row.source_name).decode("utf-8", "replace"))
        if row.status == "done":
            target = "index.html" if row.kind == "video" else "manifest.json"
            name = f'<a href="{link}/{target}">{name}</a>'
        detail = html.escape(row.reason or "")
        return (f"<tr class={row.status}><td>{picture}</td><td>{name}</td>"
                f"<td>{row.kind}</td><td>{row.status} {detail}</td></tr>")


_PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Transcoded</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2em; }}
td {{ padding: .3em .8em; vertical-align: middle; }}
tr.failed td:last-child {{ color: #a00; }}
</style></head>
<body>
<h1>Transcoded</h1>
<p>{summary}</p>
<table>
{rows}
</table>
</body>
</html>
"""
