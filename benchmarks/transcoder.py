"""transcoder: the watch-folder transcoder against the plain loops people would write.

What it measures
----------------
1. **Images on one machine**: a folder of generated 12-megapixel JPEGs
   (200; 12 with ``--quick``) through the whole service
   (``TranscoderService(once=True)``: watching, hashing, the SQLite state,
   moving the originals, manifests, the results page) with 2 worker
   processes, against a ``concurrent.futures.ProcessPoolExecutor`` (2
   workers, the same ``forkserver`` context) mapping the *same* Pillow code
   (``images.transcode``) over the files. Pool start-up is in both. The
   figure is executor time / ours; target >= 0.95 (the framework costs
   under 5%).
2. **Images on Dask**: the same folder with ``dask=<a LocalCluster's
   address>`` (2 worker processes, 1 thread each, started once and shared)
   against ``dask.bag.from_sequence(files).map(transcode).compute()`` on the
   same cluster, each connecting its own client (as a script would), after
   one untimed run of each (a cluster's workers are long-lived: the first
   run on a new one pays for importing Pillow and the code). Same target.
3. **Videos**: short generated clips (10 of 4 s at 640x360; 3 of 1 s with
   ``--quick``) through the service against running the same ffmpeg commands
   (``video.commands``, with the same one thread per ffmpeg) with
   ``xargs -P 2``. Target >= 0.95.

The settings are the defaults (1.14's sizes as JPEG + WebP + AVIF; the
720p/360p rungs that fit a 360p source with poster and strip). Each run
starts from fresh folders (hard links to the generated files) and checks
that every item was made; a missing one fails the benchmark.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from time import perf_counter
from typing import Any

from .harness import Row, fresh_scheduler, interleave

NAME = "transcoder"
TARGET = 0.95
WORKERS = 2


def _runService(config: Any, expected: int) -> float:
    from Kamaelia.Apps.Transcoder.components import TranscoderService
    from Kamaelia.Apps.Transcoder.workflow import Outcome
    from Kamaelia.Chassis.Pipeline import Pipeline

    from ._processwork import Sink
    fresh_scheduler()
    sink = Sink()
    start = perf_counter()
    Pipeline(TranscoderService(config, once=True), sink).run()
    elapsed = perf_counter() - start
    done = [e for e in sink.got if isinstance(e, Outcome) and e.status == "done"]
    assert len(done) == expected, f"the service made {len(done)} items of {expected}: " \
        f"{[e for e in sink.got if isinstance(e, Outcome) and e.status != 'done'][:3]}"
    return elapsed


def _config(root: Path, sources: list[str], **changes: Any) -> Any:
    from Kamaelia.Apps.Transcoder.config import TranscoderConfig, VideoSettings

    from ._transcodework import linkAll
    shutil.rmtree(root, ignore_errors=True)
    linkAll(sources, root / "uploads")
    return TranscoderConfig(incoming=[str(root / "uploads")], output=str(root / "out"),
                            workers=WORKERS, video=VideoSettings(ladder={"720p": 720,
                                                                         "360p": 360}),
                            **changes)


def _executor(root: Path, sources: list[str]) -> float:
    from Axon.experimental._pipes import processContext
    from Kamaelia.Apps.Transcoder.config import ImageSettings

    from ._transcodework import transcodeImage
    shutil.rmtree(root, ignore_errors=True)
    jobs = [(source, str(root / Path(source).stem), ImageSettings()) for source in sources]
    start = perf_counter()
    with ProcessPoolExecutor(max_workers=WORKERS, mp_context=processContext()) as pool:
        made = list(pool.map(transcodeImage, jobs))
    elapsed = perf_counter() - start
    assert len(made) == len(sources) and all(made), "ProcessPoolExecutor: items missing"
    return elapsed


def _bag(address: str, root: Path, sources: list[str]) -> float:
    import dask.bag
    from distributed import Client
    from Kamaelia.Apps.Transcoder.config import ImageSettings

    from ._transcodework import transcodeImage
    shutil.rmtree(root, ignore_errors=True)
    jobs = [(source, str(root / Path(source).stem), ImageSettings()) for source in sources]
    # Like the service, a script connects to the running cluster, maps, and
    # disconnects: the connection is in both times.
    start = perf_counter()
    with Client(address) as client:
        made = dask.bag.from_sequence(jobs, npartitions=len(jobs)).map(
            transcodeImage).compute(scheduler=client.get)
    elapsed = perf_counter() - start
    assert len(made) == len(sources) and all(made), "dask.bag: items missing"
    return elapsed


def _xargs(root: Path, sources: list[str]) -> float:
    from Kamaelia.Apps.Transcoder import video
    from Kamaelia.Apps.Transcoder.components import ffmpegThreadsFor
    from Kamaelia.Apps.Transcoder.config import VideoSettings

    shutil.rmtree(root, ignore_errors=True)
    settings = VideoSettings(ladder={"720p": 720, "360p": 360},
                             threads=ffmpegThreadsFor(WORKERS))
    lines = []
    for source in sources:
        outdir = root / Path(source).stem
        facts = video.probe(Path(source), settings)
        steps = video.commands(Path(source), outdir, facts, video.plan(facts, settings),
                               settings)
        folders = {str(p.parent) for step in steps for p in step.outputs} | {str(outdir)}
        script = [shlex.join(["mkdir", "-p", *sorted(folders)])]
        script += [f"cd {shlex.quote(str(step.cwd))} && {shlex.join(step.argv)}"
                   for step in steps]
        lines.append(" && ".join(script))
    commands = root.with_name(root.name + "-commands.txt")
    commands.write_text("\n".join(lines) + "\n")
    start = perf_counter()
    with open(commands) as listing:
        subprocess.run(["xargs", "-d", "\n", "-P", str(WORKERS), "-I", "CMD", "sh", "-c", "CMD"],
                       stdin=listing, check=True, stdout=subprocess.DEVNULL)
    elapsed = perf_counter() - start
    made = sum(1 for source in sources if (root / Path(source).stem / "360p.mp4").exists())
    assert made == len(sources), f"xargs made {made} videos of {len(sources)}"
    return elapsed


def _makeVideos(folder: Path, count: int, seconds: float) -> list[str]:
    paths = []
    for number in range(count):
        path = folder / f"clip{number:02}.mp4"
        subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-f", "lavfi", "-i",
                        f"testsrc2=size=640x360:rate=25:duration={seconds}", "-f", "lavfi",
                        "-i", f"sine=frequency={300 + 40 * number}:duration={seconds}",
                        "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p",
                        "-c:a", "aac", "-shortest", str(path)], check=True)
        paths.append(str(path))
    return paths


def _ratioRows(label: str, samples: dict[str, list[float]], ours: str, theirs: str,
               theirLabel: str) -> list[Row]:
    best = {name: min(times) for name, times in samples.items()}
    ratio = best[theirs] / best[ours]
    return [Row(label, best[ours], "s", samples[ours]),
            Row(theirLabel, best[theirs], "s", samples[theirs]),
            Row(f"ratio {theirs} time / ours", ratio, "x", target=f">= {TARGET:g}x",
                ok=ratio >= TARGET)]


def run(quick: bool, reps: int) -> list[Row]:
    from ._transcodework import makePhoto
    reps = min(reps, 2)                # each run takes tens of seconds; two are enough
    photos, clips, seconds = (12, 3, 1.0) if quick else (200, 10, 4.0)
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="kamaelia-bench-") as scratch:
        root = Path(scratch)
        (root / "photos").mkdir()
        from Axon.experimental._pipes import processContext
        with ProcessPoolExecutor(max_workers=WORKERS, mp_context=processContext()) as pool:
            sources = list(pool.map(makePhoto, [(str(root / "photos" / f"photo{n:03}.jpg"), n)
                                                for n in range(photos)]))
        hourAgo = time.time() - 3600       # long settled: the watcher takes them at once
        for source in sources:
            os.utime(source, (hourAgo, hourAgo))
        samples = interleave(reps, {
            "ours": lambda: _runService(_config(root / "ours", sources), photos),
            "executor": lambda: _executor(root / "executor", sources),
        }, warmup=False)
        rows += _ratioRows(f"service, {photos} x 12 MP JPEGs, {WORKERS} workers", samples,
                           "ours", "executor", "ProcessPoolExecutor loop, same Pillow code")

        from distributed import LocalCluster
        with LocalCluster(n_workers=WORKERS, threads_per_worker=1, processes=True,
                          dashboard_address=None) as cluster:
            address = cluster.scheduler_address
            samples = interleave(reps, {
                "ours": lambda: _runService(_config(root / "ours", sources, dask=address),
                                            photos),
                "bag": lambda: _bag(address, root / "bag", sources),
            }, warmup=True)     # (a cluster's workers import the code on its first run)
        rows += _ratioRows(f"service on Dask, {photos} JPEGs, {WORKERS} workers", samples,
                           "ours", "bag", "dask.bag.map, same cluster")

        (root / "videos").mkdir()
        videos = _makeVideos(root / "videos", clips, seconds)
        for source in videos:
            os.utime(source, (hourAgo, hourAgo))
        samples = interleave(reps, {
            "ours": lambda: _runService(_config(root / "ours", videos), clips),
            "xargs": lambda: _xargs(root / "xargs", videos),
        }, warmup=False)
        rows += _ratioRows(f"service, {clips} videos of {seconds:g} s at 360p", samples,
                           "ours", "xargs", f"xargs -P {WORKERS}, the same ffmpeg commands")
    return rows
