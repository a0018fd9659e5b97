"""Kamaelia.Apps.Transcoder.jobs: one transcode, as a worker process runs it.

Example Usage
-------------
::

    import tempfile
    from pathlib import Path
    from PIL import Image
    from Kamaelia.Apps.Transcoder.config import ImageSettings
    from Kamaelia.Apps.Transcoder.jobs import Job, runJob

    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder, "red.png")
        Image.new("RGB", (800, 600), "red").save(source)
        job = Job(checksum="0" * 64, kind="image", name="red.png", source=str(source),
                  staging=str(Path(folder, ".partial-red")),
                  settings=ImageSettings(formats=("jpeg",)))
        result = runJob(job)
        print(result.ok, [r["path"] for r in result.manifest["renditions"]][:2])
        # True ['large.jpg', 'normal.jpg']

How does it work?
-----------------
:func:`runJob` is the function the service maps over its jobs, in the
local process pool or on a Dask cluster, so it and its arguments are plain
picklable values and it never raises: whatever happens becomes a
:class:`JobResult`. It empties the job's *staging* folder (a hidden folder
beside the item's final one, ``.partial-NAME``; a killed earlier attempt
may have left files there), runs the media module for the job's kind
(``images``, ``video`` or ``pdf``) with the source, that folder and the
settings, and returns the manifest's body. It does not write the manifest,
move the folder into place or touch the original: the service does that,
in its own process, once it has the result (the workers need only see the
queue and output folders, at the same paths: on a cluster, a shared file
system).

A source the media module refuses (``Refused``) gives ``ok=False`` and the
reason; any other exception (a bug, a full disk, a missing ``ffmpeg``)
gives ``ok=False``, the reason ``"internal error: ..."`` and the traceback
in ``details``.

``video.threads`` 0 means "the runner decides": the job carries the
threads each ffmpeg may use (the cores shared among the workers, so that N
workers running ffmpeg at once do not each start one thread per core).
"""

from __future__ import annotations

import importlib
import shutil
import time
import traceback
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .progress import ProgressSender
from .renditions import Refused

__all__ = ["Job", "JobResult", "runJob", "MEDIA_MODULES"]

#: The module that transcodes each kind of source.
MEDIA_MODULES = {"image": "Kamaelia.Apps.Transcoder.images",
                 "video": "Kamaelia.Apps.Transcoder.video",
                 "pdf": "Kamaelia.Apps.Transcoder.pdf"}


@dataclass(frozen=True)
class Job:
    """One source to transcode (see the module docstring).

    ``checksum``: the SHA-256 of its bytes (hex); ``name``: its name as
    uploaded; ``source``: where it waits in the type queue; ``staging``:
    the folder to make the renditions in; ``settings``: the kind's settings;
    ``progressTo``: ``(host, port)`` for progress datagrams, or None;
    ``ffmpegThreads``: threads for each ffmpeg when ``settings.threads`` is 0.
    """

    checksum: str
    kind: str
    name: str
    source: str
    staging: str
    settings: Any
    progressTo: tuple[str, int] | None = None
    ffmpegThreads: int = 0


@dataclass(frozen=True)
class JobResult:
    """What became of a :class:`Job`: ``ok`` and ``manifest`` (the media
    module's :meth:`~.renditions.ItemResult.asManifest`), or the ``reason``
    (and, for an internal error, the traceback in ``details``)."""

    checksum: str
    ok: bool
    manifest: dict[str, Any] = field(default_factory=dict)
    reason: str = ""
    details: str = ""
    seconds: float = 0.0
    internal: bool = False


def runJob(job: Job) -> JobResult:
    """Transcode ``job`` into its staging folder; never raises."""
    began = time.monotonic()
    progress = ProgressSender(job.progressTo, job.checksum)
    try:
        staging = Path(job.staging)
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        settings = job.settings
        if job.kind == "video" and getattr(settings, "threads", 1) == 0 and job.ffmpegThreads:
            settings = replace(settings, threads=job.ffmpegThreads)
        media = importlib.import_module(MEDIA_MODULES[job.kind])
        result = media.transcode(Path(job.source), staging, settings, progress)
        progress("done", 1.0)
        return JobResult(job.checksum, True, manifest=result.asManifest(),
                         seconds=time.monotonic() - began)
    except Refused as refusal:
        return JobResult(job.checksum, False, reason=refusal.reason,
                         seconds=time.monotonic() - began)
    except Exception as exc:        # a bug or the machine: reported, never raised
        return JobResult(job.checksum, False, reason=f"internal error: {type(exc).__name__}: "
                         f"{exc}", details=traceback.format_exc(),
                         seconds=time.monotonic() - began, internal=True)
    finally:
        progress.close()
