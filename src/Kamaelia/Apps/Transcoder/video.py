"""Kamaelia.Apps.Transcoder.video: a video becomes an H.264 ladder, HLS, a poster and a page.

Example Usage
-------------
::

    import subprocess
    import tempfile
    from pathlib import Path
    from Kamaelia.Apps.Transcoder.config import VideoSettings
    from Kamaelia.Apps.Transcoder.video import transcode

    with tempfile.TemporaryDirectory() as folder:
        source, outdir = Path(folder, "clip.mp4"), Path(folder, "out")
        subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-f", "lavfi", "-i",
                        "testsrc=size=320x240:rate=25:duration=1", "-f", "lavfi", "-i",
                        "sine=duration=1", "-pix_fmt", "yuv420p", str(source)], check=True)
        outdir.mkdir()
        settings = VideoSettings(ladder={"240p": 240, "144p": 144}, hls=True, thumbnails=4)
        result = transcode(source, outdir, settings,
                           progress=lambda step, fraction: print(step, round(fraction, 2)))
        # probe 0.0, poster 0.0, ..., 240p 0.52, 240p hls 0.52, ..., done 1.0
        print(result.info["width"], result.info["height"], result.info["audio_codec"])
        # 320 240 aac
        for rendition in result.renditions:
            print(rendition.kind, rendition.path, rendition.width, rendition.height)
        # poster poster.jpg 320 240
        # thumbnails thumbnails.jpg 640 120
        # video 240p.mp4 320 240
        # playlist hls/240p/index.m3u8 320 240
        # video 144p.mp4 192 144
        # playlist hls/144p/index.m3u8 192 144
        # playlist hls/master.m3u8 320 240
        # html index.html None None

The pure parts can be driven with plain values::

    from Kamaelia.Apps.Transcoder.video import ProgressParser, plan

    facts = {"width": 1080, "height": 1920, "duration": 10.0}      # a portrait phone video
    print(plan(facts, VideoSettings()))
    # [Rung(name='1080p', width=1080, height=1920), Rung(name='720p', width=720, height=1280),
    #  Rung(name='360p', width=360, height=640)]
    parser = ProgressParser()
    print(parser.feed(b"out_time_us=1500000\\nprogress=contin"), parser.feed(b"ue\\n"))
    # [] [ProgressUpdate(seconds=1.5, end=False)]

How does it work?
-----------------
:func:`transcode` makes, in the (empty, existing) folder ``outdir``:

* ``<rung>.mp4`` for each rung of the ladder (:func:`plan`): H.264
  (libx264, yuv420p, ``settings.crf``/``preset``) with AAC audio at
  ``audio_bitrate`` when the source has sound, ``+faststart`` so that a
  browser can start playing before it has the whole file;
* ``<top rung>.webm`` (VP9/Opus) when ``settings.webm``;
* ``hls/<rung>/index.m3u8`` and its ``.ts`` segments for each rung, and
  ``hls/master.m3u8`` listing them, when ``settings.hls``;
* ``poster.jpg``, a frame from ``poster_at`` of the way in;
* ``thumbnails.jpg``, ``thumbnails`` frames evenly spread through the
  video, side by side in one row (none when ``thumbnails`` is 0);
* ``index.html``, a page that plays it (an HTML5 ``<video>``; 1.14 made
  a Flash player page).

It returns an :class:`ItemResult` whose ``info`` is :func:`probe`'s facts
about the source, and whose renditions carry the facts of the *outputs*:
each video's size as planned, its duration as ffmpeg counted what it wrote,
its codecs string from the MP4's ``avcC`` box (ffprobe reads the file
only when one of those is missing: an ffprobe costs about 0.1 s, as much
as a short clip's poster), and the pictures' sizes from their headers. ``progress(step, fraction)`` hears how far
the whole item is, rising to 1.0 at the end.

What goes wrong, and how it is told:

* a source ffprobe cannot read, with no video stream, no picture size or
  no duration, or that ffmpeg cannot decode (it fails, or decodes much
  less than ffprobe said was there: a truncated or garbled file) raises
  :class:`Refused` with a reason naming the step and quoting ffmpeg's last
  error lines;
* our own failures raise other errors: ``FileNotFoundError`` (an
  ``OSError``) when ``settings.ffmpeg``/``ffprobe`` is not installed, an
  ``OSError`` (``ENOSPC``, ``EACCES``) when the disk fills or ``outdir``
  cannot be written, and ``RuntimeError`` when ffmpeg is killed or lacks
  an encoder it needs.

Either way ``outdir`` may hold partial files: the job runner writes into a
staging folder and only moves it into place when :func:`transcode`
returns. A failed ffmpeg is never left running.

Rules it keeps
^^^^^^^^^^^^^^
1. Never upscale: a rung taller than the source is not made; when no rung
   fits, one rung is made at the source's own size, named after its height
   (``"240p"`` for a 426x240 source), so a name never claims a height the
   file does not have.
2. The ladder's number is the *short* side: a portrait 1080x1920 video's
   "720p" is 720x1280. Sizes are the displayed ones (rotation metadata
   and non-square pixels applied), rounded to even numbers, aspect kept.
3. One encode per rung. HLS is a ``-c copy`` remux of that rung's MP4
   (its keyframes are forced every ``hls_segment_seconds`` so segments
   cut there), so it costs a file copy, not an encode. Each rung is its own
   ffmpeg process: one ffmpeg feeding three encoders through a ``split``
   filter saved about a tenth of the time (a 10 s 720p source to 720/480/
   360: 13.1 s against 14.5 s on the 2-core development machine), too
   little to give up per-rung progress, failure reports and threads.
4. Programs run from argument lists, never a shell; the source is passed
   as ``file:/absolute/path`` (a name may start with ``-`` or contain
   ``:``) and ffmpeg runs inside ``outdir`` writing relative names, so no
   character of the folder's name (``%`` included, which ffmpeg's image
   and segment writers would take for a pattern) can confuse it.
5. :func:`plan`, :func:`commands`, :func:`factsFromProbe` and
   :class:`ProgressParser` are pure: no I/O, testable with plain values.

Progress
^^^^^^^^
Each ffmpeg reports with ``-progress pipe:1`` (``key=value`` lines, a
block ending ``progress=continue`` or ``progress=end``), read by the
sans-I/O :class:`ProgressParser`. A step's share of the item is its
expected cost in seconds: starting a process, plus seconds of media x
pixels x a factor for decoding the source and for encoding the output
(VP9 about twice x264; a remux almost free). The fraction reported only
rises, and is 1.0 once ``index.html`` is written.
"""

from __future__ import annotations

import errno
import html
import json
import math
import os
import re
import shutil
import subprocess
import tempfile
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping

from Kamaelia.Apps.Transcoder.config import VideoSettings
from Kamaelia.Apps.Transcoder.renditions import ItemResult, Progress, Refused, Rendition, noProgress

__all__ = ["ProgressParser", "ProgressUpdate", "Rung", "Step", "commands", "factsFromProbe",
           "parseProgress", "parsePlaylist", "plan", "probe", "transcode"]

#: How long ffprobe may take over one file before the file is refused.
PROBE_TIMEOUT = 120.0
#: Lines of ffmpeg's error output quoted in a refusal.
ERROR_LINES = 6

# A step's expected cost in seconds, to weigh the steps for progress: a start-up
# cost, decoding the source and encoding the output, per pixel-second. Rough
# figures from the 2-core development machine (x264 veryfast, VP9 realtime);
# only their ratios matter.
_START = 0.1
_DECODE = 0.06e-6
_ENCODE = {"mp4": 0.3e-6, "webm": 0.6e-6, "hls": 0.005e-6}


def _cost(kind: str, seconds: float, sourcePixels: int, outputPixels: int) -> float:
    if kind == "hls":                       # a remux reads the rung, decodes nothing
        return _START + seconds * outputPixels * _ENCODE["hls"]
    return _START + seconds * (sourcePixels * _DECODE + outputPixels * _ENCODE.get(kind, 0.0))


# -- the facts about a source ------------------------------------------------------

def _number(value: Any) -> float | None:
    """A finite number from ffprobe's JSON (numbers come as strings), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) else None


def _ratio(value: Any) -> float | None:
    """``"30000/1001"`` or ``"4:3"`` as a positive number, else None."""
    if not isinstance(value, str):
        return None
    parts = re.split(r"[/:]", value.strip())
    if len(parts) != 2:
        return None
    top, bottom = _number(parts[0]), _number(parts[1])
    if top is None or bottom is None or top <= 0 or bottom <= 0:
        return None
    result = top / bottom
    return result if math.isfinite(result) and result > 0 else None


def _clock(value: Any) -> float | None:
    """Matroska's ``DURATION`` tag, ``"00:01:02.500000000"``, in seconds."""
    if not isinstance(value, str):
        return None
    match = re.fullmatch(r"\s*(\d{1,9}):(\d{1,2}):(\d{1,2}(?:\.\d{0,12})?)\s*", value)
    if not match:
        return None
    return int(match[1]) * 3600 + int(match[2]) * 60 + float(match[3])


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _tag(stream: Mapping[str, Any], name: str) -> Any:
    """A stream tag by name, whatever its case (Matroska writes ``DURATION``)."""
    for key, value in _dict(stream.get("tags")).items():
        if isinstance(key, str) and key.lower() == name:
            return value
    return None


def _rotation(stream: Mapping[str, Any]) -> int:
    """The display rotation in degrees, 0/90/180/270: from the display matrix
    side data (ffmpeg 5 and later) or the older ``rotate`` tag."""
    angle: float | None = None
    sideData = stream.get("side_data_list")
    for item in sideData if isinstance(sideData, list) else []:
        angle = _number(_dict(item).get("rotation"))
        if angle is not None:
            break
    if angle is None:
        angle = _number(_tag(stream, "rotate"))
    if angle is None or abs(angle) > 1e6:
        return 0
    return (int(round(angle / 90.0)) * 90) % 360


def factsFromProbe(data: Any) -> dict[str, Any]:
    """factsFromProbe(ffprobe's JSON, decoded) -> the facts :func:`probe` returns.

    Pure, and safe on any input (the JSON describes an untrusted file):
    raises :class:`Refused` when there is no video stream, no picture size
    or no duration, and nothing else.
    """
    info = _dict(data)
    streams = [stream for stream in info.get("streams") or [] if isinstance(stream, dict)] \
        if isinstance(info.get("streams"), list) else []
    pictures = [stream for stream in streams if stream.get("codec_type") == "video"]
    # Cover art in an MP4/MKV is a "video" stream of one picture: not the film.
    videos = [stream for stream in pictures
              if not _number(_dict(stream.get("disposition")).get("attached_pic"))]
    if not videos:
        found = ", ".join(f"{stream.get('codec_type')} {stream.get('codec_name')}"
                          for stream in streams[:6]) or "no streams at all"
        what = "only a still picture" if pictures else found
        raise Refused(f"no video stream in the file (ffprobe found {what})")
    video = videos[0]
    codedWidth, codedHeight = _number(video.get("width")), _number(video.get("height"))
    if not codedWidth or not codedHeight or codedWidth < 1 or codedHeight < 1 \
            or codedWidth > 65535 or codedHeight > 65535:
        raise Refused("the video stream has no picture size (width/height missing)")
    width, height = int(codedWidth), int(codedHeight)
    # Non-square pixels (DVD, DV, broadcast): the display is wider or narrower.
    pixelAspect = _ratio(video.get("sample_aspect_ratio"))
    if pixelAspect is not None and 0.1 < pixelAspect < 10 and abs(pixelAspect - 1) > 1e-6:
        width = max(1, int(round(width * pixelAspect)))
    rotation = _rotation(video)
    if rotation in (90, 270):
        width, height = height, width

    container = _dict(info.get("format"))
    videoDuration = (_number(video.get("duration")) or _clock(_tag(video, "duration")))
    duration = _number(container.get("duration")) or videoDuration
    if duration is None or duration <= 0:
        raise Refused("the video's duration is unknown or zero (a still image, "
                      "or a damaged file)")
    if videoDuration is None or videoDuration <= 0 or videoDuration > duration:
        videoDuration = duration
    frameRate = _ratio(video.get("avg_frame_rate")) or _ratio(video.get("r_frame_rate"))
    if frameRate is not None and frameRate > 1000:   # 90000/1 timebases are not rates
        frameRate = None
    frames = _number(video.get("nb_frames"))

    audios = [stream for stream in streams if stream.get("codec_type") == "audio"]
    audio = audios[0] if audios else None
    channels = _number(audio.get("channels")) if audio else None
    return {
        "width": width,
        "height": height,
        "duration": duration,
        "video_duration": videoDuration,
        "video_codec": str(video.get("codec_name") or "unknown"),
        "audio_codec": str(audio.get("codec_name") or "unknown") if audio else None,
        "frame_rate": round(frameRate, 3) if frameRate else None,
        "frames": int(frames) if frames and frames > 0 else None,
        "has_audio": audio is not None,
        "audio_channels": int(channels) if channels and channels > 0 else None,
        "rotation": rotation,
        "coded_width": int(codedWidth),
        "coded_height": int(codedHeight),
        "container": str(container.get("format_name") or "unknown"),
        "video_stream": int(_number(video.get("index")) or 0),
        "audio_stream": int(_number(audio.get("index")) or 0) if audio else None,
    }


def _ffprobe(path: Path, settings: VideoSettings, what: str, cwd: Path | None = None) -> Any:
    """Run ffprobe on ``path``: its JSON decoded, or Refused saying why not.

    With ``cwd``, ffprobe runs there and is given the name relative to it:
    the image reader takes a ``%`` anywhere in a JPEG's path for a
    numbered-file pattern, and our own files' names have none.
    """
    name = "file:" + os.path.relpath(path, cwd) if cwd is not None else _inputName(path)
    argv = [settings.ffprobe, "-v", "error", "-show_format", "-show_streams", "-of", "json",
            name]
    try:
        done = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True,
                              timeout=PROBE_TIMEOUT, cwd=cwd)
    except FileNotFoundError as error:
        raise FileNotFoundError(errno.ENOENT, f"ffprobe is not installed (video.ffprobe = "
                                f"{settings.ffprobe!r})", settings.ffprobe) from error
    except subprocess.TimeoutExpired:
        raise Refused(f"ffprobe took more than {PROBE_TIMEOUT:g} s over {what}") from None
    if done.returncode != 0:
        raise Refused(f"ffprobe cannot read {what}: {_tail(done.stderr) or 'no reason given'}")
    try:
        return json.loads(done.stdout.decode("utf-8", "replace"))
    except ValueError:
        raise Refused(f"ffprobe said nothing sensible about {what}") from None


def probe(source: Path, settings: VideoSettings) -> dict[str, Any]:
    """probe(source, settings) -> facts about the video, from ffprobe.

    ``width``/``height`` (as displayed: a portrait phone video is portrait),
    ``duration`` (seconds, float), ``video_duration``, ``video_codec``,
    ``audio_codec`` (None without sound), ``has_audio``, ``frame_rate``
    (None if unknown), ``frames``, ``audio_channels``, ``rotation``,
    ``coded_width``/``coded_height``, ``container``, and the stream
    indexes used (``video_stream``, ``audio_stream``). Raises
    :class:`Refused` when ffprobe cannot read the file or it has no
    usable video (see :func:`factsFromProbe`).
    """
    return factsFromProbe(_ffprobe(source, settings, "the source"))


# -- the plan ----------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Rung:
    """One MP4 to make: its ``name`` (``"720p"``) and size in pixels (even)."""

    name: str
    width: int
    height: int


def _even(value: float, limit: int) -> int:
    """The even number nearest ``value``, at least 2 and at most ``limit``
    (rounded down to even), so that a rung is never bigger than its source."""
    result = max(2, 2 * int(math.floor(value / 2.0 + 0.5)))
    ceiling = max(2, limit - limit % 2)
    return min(result, ceiling)


def plan(facts: Mapping[str, Any], settings: VideoSettings) -> list[Rung]:
    """plan(facts, settings) -> the rungs to make, tallest first.

    ``settings.ladder``'s numbers are the *short* side of each rung: the
    height of a landscape video, the width of a portrait one (a 1080x1920
    phone video's ``"720p"`` is 720x1280). The long side keeps the aspect.
    Rungs bigger than the source are left out (never upscaled); when none
    is left, one rung is made at the source's own size, named after its
    short side (``"240p"``). Sizes are rounded to even numbers, as H.264 in
    4:2:0 needs. ``facts`` needs ``width`` and ``height`` (displayed size).
    """
    width, height = int(facts["width"]), int(facts["height"])
    short, long = min(width, height), max(width, height)
    portrait = height > width

    def rung(name: str, side: int) -> Rung:
        shortSide = _even(side, short)
        longSide = _even(side * long / short, long)
        if portrait:
            return Rung(name, shortSide, longSide)
        return Rung(name, longSide, shortSide)

    fitting = sorted(((side, name) for name, side in settings.ladder.items() if side <= short),
                     key=lambda item: -item[0])
    if not fitting:
        return [rung(f"{short - short % 2 or 2}p", short)]
    return [rung(name, side) for side, name in fitting]


@dataclass(frozen=True, slots=True)
class Step:
    """One ffmpeg run: ``argv`` run in the folder ``cwd``, making ``outputs``
    (absolute paths). ``kind`` is ``"mp4"``, ``"webm"``, ``"hls"``,
    ``"poster"`` or ``"thumbnails"``; ``expectedDuration`` the seconds of
    media it writes (what ``-progress`` counts towards); ``weight`` its
    expected cost, roughly in seconds, which sets its share of the progress;
    ``rung`` the rung it makes; ``extra`` what else the step knows (the
    thumbnail strip's ``frames``, ``tile_width`` and ``tile_height``)."""

    name: str
    argv: tuple[str, ...]
    outputs: tuple[Path, ...]
    expectedDuration: float
    cwd: Path
    kind: str
    weight: float = 1.0
    rung: Rung | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)


def _inputName(path: Path) -> str:
    """``file:/absolute/path``: never read as an option, a protocol or a URL."""
    return "file:" + os.path.abspath(os.fspath(path))


def _outputName(name: str) -> str:
    """A name relative to the step's folder, kept from being taken for an option
    or a protocol (``file:``); the mp4/webm writers expand no patterns."""
    return "file:" + name


def _common(settings: VideoSettings) -> list[str]:
    return [settings.ffmpeg, "-nostdin", "-y", "-hide_banner", "-loglevel", "error",
            "-progress", "pipe:1", "-nostats"]


def _threads(settings: VideoSettings) -> list[str]:
    return ["-threads", str(settings.threads)] if settings.threads > 0 else []


def _maps(facts: Mapping[str, Any]) -> list[str]:
    video = facts.get("video_stream")
    maps = ["-map", f"0:{video}" if isinstance(video, int) else "0:v:0"]
    if facts.get("has_audio", True):
        audio = facts.get("audio_stream")
        maps += ["-map", f"0:{audio}" if isinstance(audio, int) else "0:a:0?"]
    return maps


def _audio(facts: Mapping[str, Any], codec: str, settings: VideoSettings) -> list[str]:
    if not facts.get("has_audio", True):
        return ["-an"]
    # Browsers play stereo everywhere; surround is folded down rather than risked.
    channels = facts.get("audio_channels")
    downmix = ["-ac", "2"] if isinstance(channels, int) and channels > 2 else []
    return ["-c:a", codec, "-b:a", settings.audio_bitrate, *downmix]


def _videoFilter(width: int, height: int) -> str:
    # setsar=1: the output's pixels are square, its size is its display size.
    return f"scale={width}:{height},setsar=1,format=yuv420p"


def _vp9Crf(crf: int) -> int:
    # x264's CRF 23 looks about like VP9's 31 (the scales differ; VP9's runs to 63).
    return min(63, int(round(crf * 31 / 23)))


def commands(source: Path, outdir: Path, facts: Mapping[str, Any], rungs: list[Rung],
             settings: VideoSettings) -> list[Step]:
    """commands(source, outdir, facts, rungs, settings) -> the ffmpeg runs, in order.

    Pure: nothing is run or created (:func:`transcode` makes the folders and
    runs them). The order is the poster, the thumbnail strip, then each
    rung's MP4 followed by its HLS remux, then the WebM.
    """
    duration = float(facts["duration"])
    videoDuration = float(facts.get("video_duration") or duration)
    width, height = int(facts["width"]), int(facts["height"])
    source = Path(os.path.abspath(os.fspath(source)))
    outdir = Path(os.path.abspath(os.fspath(outdir)))
    steps: list[Step] = []
    common = _common(settings)
    video = facts.get("video_stream")
    videoMap = ["-map", f"0:{video}" if isinstance(video, int) else "0:v:0"]

    posterWidth = min(settings.poster_width, width)
    posterHeight = max(1, int(round(posterWidth * height / width)))
    at = settings.poster_at * videoDuration
    steps.append(Step(
        "poster",
        (*common, "-ss", f"{at:.3f}", "-i", _inputName(source), *videoMap, "-frames:v", "1",
         "-vf", f"scale={posterWidth}:{posterHeight},setsar=1", "-q:v", "2",
         # -update 1: one picture, and the name is not a %d pattern.
         "-update", "1", _outputName("poster.jpg")),
        (outdir / "poster.jpg",), 1.0, outdir, "poster",
        _cost("poster", 1.0, width * height, 0)))

    frames = settings.thumbnails
    # Each thumbnail its own frame: at most one for every two frames of the video.
    known = facts.get("frames") or (videoDuration * facts["frame_rate"]
                                    if facts.get("frame_rate") else None)
    if known:
        frames = min(frames, max(1, int(known) // 2))
    if frames > 0:
        tileWidth = min(settings.thumbnail_width, width)
        tileHeight = max(1, int(round(tileWidth * height / width)))
        step = videoDuration / frames
        # The first frame at or after the middle of each of `frames` equal spans.
        select = f"select='gte(t,(selected_n+0.5)*{step:.6f})'"
        steps.append(Step(
            "thumbnails",
            (*common, "-i", _inputName(source), *videoMap, "-vf",
             f"{select},scale={tileWidth}:{tileHeight},setsar=1,tile={frames}x1",
             "-frames:v", "1", "-q:v", "3", "-update", "1", _outputName("thumbnails.jpg")),
            (outdir / "thumbnails.jpg",), videoDuration, outdir, "thumbnails",
            _cost("thumbnails", videoDuration, width * height, 0),
            extra={"frames": frames, "tile_width": tileWidth, "tile_height": tileHeight}))

    # HLS cuts segments at keyframes only: force one every segment's length.
    keyframes = (["-force_key_frames", f"expr:gte(t,n_forced*{settings.hls_segment_seconds})"]
                 if settings.hls else [])
    for rung in rungs:
        pixels = rung.width * rung.height
        steps.append(Step(
            rung.name,
            (*common, "-i", _inputName(source), *_maps(facts),
             "-vf", _videoFilter(rung.width, rung.height),
             "-c:v", "libx264", "-preset", settings.preset, "-crf", str(settings.crf),
             *keyframes, *_audio(facts, "aac", settings), *_threads(settings),
             "-movflags", "+faststart", "-f", "mp4", _outputName(f"{rung.name}.mp4")),
            (outdir / f"{rung.name}.mp4",), duration, outdir, "mp4",
            _cost("mp4", duration, width * height, pixels), rung))
        if settings.hls:
            folder = outdir / "hls" / rung.name
            steps.append(Step(
                f"{rung.name} hls",
                (*common, "-i", _inputName(outdir / f"{rung.name}.mp4"), "-map", "0",
                 "-c", "copy", "-f", "hls", "-hls_time", str(settings.hls_segment_seconds),
                 "-hls_playlist_type", "vod", "-hls_flags", "independent_segments",
                 # Run inside the rung's folder: these plain names are all it writes.
                 "-hls_segment_filename", "segment%05d.ts", "index.m3u8"),
                (folder / "index.m3u8",), duration, folder, "hls",
                _cost("hls", duration, 0, pixels), rung))
    if settings.webm and rungs:
        top = rungs[0]
        steps.append(Step(
            f"{top.name} webm",
            (*common, "-i", _inputName(source), *_maps(facts),
             "-vf", _videoFilter(top.width, top.height),
             "-c:v", "libvpx-vp9", "-crf", str(_vp9Crf(settings.crf)), "-b:v", "0",
             # "good" at cpu-used 4 took 9x x264's time (720p: 14.2 s against
             # 1.6 s); "realtime" at 6 takes 2x, for files about a fifth bigger.
             "-deadline", "realtime", "-cpu-used", "6", "-row-mt", "1",
             *_audio(facts, "libopus", settings), *_threads(settings),
             "-f", "webm", _outputName(f"{top.name}.webm")),
            (outdir / f"{top.name}.webm",), duration, outdir, "webm",
            _cost("webm", duration, width * height, top.width * top.height), top))
    return steps


# -- progress ---------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ProgressUpdate:
    """One ``-progress`` block: ``seconds`` of output written so far (never
    negative, never going back), and whether ffmpeg said it was the ``end``."""

    seconds: float
    end: bool


class ProgressParser:
    """ProgressParser() -> reads ffmpeg's ``-progress`` output, sans-I/O.

    :meth:`feed` it bytes as they come (a chunk may end anywhere, even in
    the middle of a line); it returns a :class:`ProgressUpdate` for each
    block completed (by a ``progress=continue`` or ``progress=end`` line).
    The time is taken from ``out_time_us``, else ``out_time_ms`` (which
    ffmpeg also gives in microseconds, whatever its name says), else
    ``out_time`` (``HH:MM:SS.micro``); ``N/A``, negative or unreadable
    values are ignored. It never raises, and a line longer than
    :attr:`MAX_LINE` (not ffmpeg's) is skipped, so memory stays bounded.
    """

    MAX_LINE = 4096

    def __init__(self) -> None:
        self._buffer = bytearray()
        self._skipping = False          # inside an over-long line, until its newline
        self._block: dict[bytes, float] = {}
        self.seconds = 0.0              #: the furthest time reported
        self.ended = False              #: ffmpeg said ``progress=end``

    def feed(self, data: bytes) -> list[ProgressUpdate]:
        """Take more of ffmpeg's output; the blocks it completes."""
        updates: list[ProgressUpdate] = []
        start = 0
        while True:
            newline = data.find(b"\n", start)
            if newline < 0:
                break
            piece = data[start:newline]
            start = newline + 1
            if self._skipping:
                self._skipping = False
                self._buffer.clear()
                continue
            if len(self._buffer) + len(piece) > self.MAX_LINE:
                self._buffer.clear()
                continue
            self._buffer += piece
            update = self._line(bytes(self._buffer))
            self._buffer.clear()
            if update is not None:
                updates.append(update)
        rest = data[start:]
        if not self._skipping:
            if len(self._buffer) + len(rest) > self.MAX_LINE:
                self._buffer.clear()
                self._skipping = True
            else:
                self._buffer += rest
        return updates

    def close(self) -> list[ProgressUpdate]:
        """The output has ended: read a last line that had no newline."""
        if self._skipping or not self._buffer:
            self._buffer.clear()
            self._skipping = False
            return []
        line, self._buffer = bytes(self._buffer), bytearray()
        update = self._line(line)
        return [update] if update is not None else []

    def _line(self, line: bytes) -> ProgressUpdate | None:
        key, equals, value = line.strip().partition(b"=")
        if not equals:
            return None
        key, value = key.strip(), value.strip()
        if key == b"progress":
            for name in (b"out_time_us", b"out_time_ms", b"out_time"):
                if name in self._block:
                    self.seconds = max(self.seconds, self._block[name])
                    break
            self._block.clear()
            end = value == b"end"
            self.ended = self.ended or end
            return ProgressUpdate(self.seconds, end)
        seconds: float | None = None
        if key in (b"out_time_us", b"out_time_ms"):
            if re.fullmatch(rb"\d{1,18}", value):
                seconds = int(value) / 1e6
        elif key == b"out_time":
            match = re.fullmatch(rb"(\d{1,9}):(\d{1,2}):(\d{1,2}(?:\.\d{0,9})?)", value)
            if match:
                seconds = int(match[1]) * 3600 + int(match[2]) * 60 + float(match[3])
        if seconds is not None:
            self._block[key] = seconds
        return None


def parseProgress(chunks: Iterable[bytes]) -> Iterator[ProgressUpdate]:
    """The updates in ffmpeg's ``-progress`` output, given as chunks of bytes."""
    parser = ProgressParser()
    for chunk in chunks:
        yield from parser.feed(chunk)
    yield from parser.close()


# -- HLS playlists ------------------------------------------------------------------------

def parsePlaylist(text: str) -> list[tuple[float, str]]:
    """parsePlaylist(a media playlist's text) -> [(seconds, segment URI), ...].

    Reads the ``#EXTINF:<seconds>,`` line before each URI line; safe on any
    text (unreadable durations count as 0).
    """
    segments: list[tuple[float, str]] = []
    seconds: float | None = None
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("#EXTINF:"):
            seconds = _number(line[len("#EXTINF:"):].split(",", 1)[0])
        elif line and not line.startswith("#"):
            segments.append((max(0.0, seconds or 0.0), line))
            seconds = None
    return segments


_PROFILES = {"constrained baseline": "42C0", "baseline": "4200", "main": "4D40",
             "extended": "5800", "high": "6400"}


def _codecs(stream: Mapping[str, Any], audio: bool) -> str:
    """The RFC 6381 codecs string HLS and HTML want: ``avc1.64001f,mp4a.40.2``."""
    profile = _PROFILES.get(str(stream.get("profile") or "").lower(), "6400")
    level = int(_number(stream.get("level")) or 31)
    video = f"avc1.{profile}{max(0, min(level, 255)):02X}".lower()
    return f"{video},mp4a.40.2" if audio else video


def _uri(relative: str) -> str:
    return urllib.parse.quote(relative.encode("utf-8", "surrogateescape"))


# -- running ----------------------------------------------------------------------------

def _tail(stderr: bytes, lines: int = ERROR_LINES) -> str:
    text = stderr.decode("utf-8", "replace").strip().splitlines()
    return " | ".join(line.strip() for line in text[-lines:] if line.strip())


_NOT_OURS_TO_REFUSE = re.compile(r"Unknown encoder|Encoder \S+ not found|Unrecognized option"
                                 r"|Option \S+ not found|Error selecting an encoder")


def _run(step: Step, settings: VideoSettings, onProgress: Progress, done: float,
         total: float) -> tuple[str, float]:
    """Run one step, telling ``onProgress`` how far the item is; raise as the
    module docstring says when ffmpeg fails. Returns what ffmpeg complained
    of while succeeding (decoding errors it got over), or ``""``, and the
    seconds of output it said it wrote at the end (0.0 if it did not say)."""
    with tempfile.TemporaryFile() as stderr:
        try:
            process = subprocess.Popen(step.argv, stdin=subprocess.DEVNULL,
                                       stdout=subprocess.PIPE, stderr=stderr, cwd=step.cwd)
        except FileNotFoundError as error:
            if shutil.which(settings.ffmpeg) is None:
                raise FileNotFoundError(errno.ENOENT, f"ffmpeg is not installed (video.ffmpeg "
                                        f"= {settings.ffmpeg!r})", settings.ffmpeg) from error
            raise
        try:
            assert process.stdout is not None
            parser = ProgressParser()
            written = 0.0
            while True:
                chunk = os.read(process.stdout.fileno(), 65536)
                updates = parser.feed(chunk) if chunk else parser.close()
                if updates:
                    written = updates[-1].seconds
                    fraction = min(1.0, updates[-1].seconds / max(step.expectedDuration, 1e-3))
                    onProgress(step.name, (done + fraction * step.weight) / total)
                if not chunk:
                    break
            returncode = process.wait()
        finally:
            if process.poll() is None:      # we are leaving early: leave no ffmpeg behind
                process.kill()
                process.wait()
            if process.stdout is not None:
                process.stdout.close()
        stderr.seek(max(0, os.fstat(stderr.fileno()).st_size - 8192))
        errors = _tail(stderr.read())
    if returncode < 0:
        raise RuntimeError(f"ffmpeg was killed (signal {-returncode}) making {step.name}")
    if returncode != 0:
        # ffprobe has read the source already, so these are about our outputs.
        if "No space left on device" in errors:
            raise OSError(errno.ENOSPC, f"no space left on the disk making {step.name}: {errors}")
        if "Permission denied" in errors:
            raise OSError(errno.EACCES, f"cannot write {step.name} in {step.cwd}: {errors}")
        if _NOT_OURS_TO_REFUSE.search(errors):
            raise RuntimeError(f"ffmpeg cannot make {step.name} (is it built with the "
                               f"encoders it needs?): {errors}")
        raise Refused(f"ffmpeg failed making {step.name}: {errors or f'exit {returncode}'}")
    for output in step.outputs:
        if not output.is_file() or output.stat().st_size == 0:
            raise Refused(f"ffmpeg could not decode the source to make {step.name}"
                          + (f": {errors}" if errors else " (it wrote nothing)"))
    return errors, written


def _stream(data: Any, kind: str) -> dict[str, Any]:
    streams = _dict(data).get("streams")
    for stream in streams if isinstance(streams, list) else []:
        if isinstance(stream, dict) and stream.get("codec_type") == kind:
            return stream
    return {}


def _checkDecoded(step: Step, made: Any, expected: float, errors: str) -> float:
    """The output's duration (as ffprobe read it), refusing the source when
    much of it was lost (see :func:`_checkDuration`)."""
    duration = _number(_dict(_dict(made).get("format")).get("duration")) or 0.0
    return _checkDuration(step, duration, expected, errors)


def _checkDuration(step: Step, duration: float, expected: float, errors: str) -> float:
    """``duration``, refusing the source when much of it was lost (ffmpeg
    exits 0 when it reaches the end of a truncated file)."""
    if duration < expected - max(0.5, 0.05 * expected):
        raise Refused(f"ffmpeg decoded only {duration:.2f} s of the {expected:.2f} s source "
                      f"making {step.name} (a truncated or damaged file)"
                      + (f": {errors}" if errors else ""))
    return duration


def _avcCodecs(path: Path) -> str | None:
    """The ``avc1.PPCCLL`` codecs string from the ``avcC`` box of an MP4 we
    just made (with ``+faststart`` it is in the first megabyte), or None."""
    with open(path, "rb") as file:
        head = file.read(1 << 20)
    at = head.find(b"avcC")
    if at < 4 or len(head) < at + 8 or head[at + 4] != 1:    # configurationVersion 1
        return None
    return f"avc1.{head[at + 5]:02x}{head[at + 6]:02x}{head[at + 7]:02x}"


def _knownVideo(step: Step, output: Path, path: str, written: float,
                facts: Mapping[str, Any], errors: str) -> Rendition | None:
    """The rendition of an MP4 or WebM we made, from what we asked for and
    what ffmpeg said it wrote, without an ffprobe (which costs about 0.1 s,
    as much as encoding a short clip's poster); None when that is not enough
    to know it, and the caller probes."""
    if step.rung is None or written <= 0:
        return None
    audio = bool(facts.get("has_audio"))
    if step.kind == "mp4":
        video = _avcCodecs(output)
        if video is None:
            return None
        extra: dict[str, Any] = {"video_codec": "h264", "audio_codec": "aac" if audio else None,
                                 "codecs": f"{video},mp4a.40.2" if audio else video}
    else:
        extra = {"video_codec": "vp9", "audio_codec": "opus" if audio else None,
                 "codecs": "vp9,opus" if audio else "vp9"}
    duration = _checkDuration(step, written, float(facts["duration"]), errors)
    return Rendition(name=step.name.replace(" ", "-"), path=path, kind="video",
                     format=step.kind, width=step.rung.width, height=step.rung.height,
                     duration=round(duration, 3), bytes=output.stat().st_size, extra=extra)


def _probedVideo(step: Step, output: Path, path: str, settings: VideoSettings, outdir: Path,
                 facts: Mapping[str, Any], errors: str) -> Rendition:
    """The rendition of an MP4 or WebM we made, as ffprobe reads it."""
    made = _ffprobe(output, settings, f"the {step.name} it made", outdir)
    duration = _checkDecoded(step, made, float(facts["duration"]), errors)
    picture, sound = _stream(made, "video"), _stream(made, "audio")
    extra: dict[str, Any] = {"video_codec": picture.get("codec_name"),
                             "audio_codec": sound.get("codec_name") if sound else None}
    extra["codecs"] = (_codecs(picture, bool(sound)) if step.kind == "mp4"
                       else "vp9,opus" if sound else "vp9")
    return Rendition(name=step.name.replace(" ", "-"), path=path, kind="video",
                     format=step.kind, width=int(_number(picture.get("width")) or 0),
                     height=int(_number(picture.get("height")) or 0),
                     duration=duration, bytes=output.stat().st_size, extra=extra)


def _jpegSize(path: Path, what: str) -> tuple[int, int]:
    """The size of a JPEG ffmpeg made, from its header (Pillow reads that in
    microseconds; an ffprobe costs about 0.1 s, most of the overhead on a
    short clip)."""
    from PIL import Image, UnidentifiedImageError
    try:
        with Image.open(path) as picture:
            if picture.format != "JPEG":
                raise RuntimeError(f"ffmpeg made a {picture.format}, not a JPEG, for {what}")
            return picture.size
    except (UnidentifiedImageError, OSError) as error:
        raise RuntimeError(f"ffmpeg made an unreadable {what}: {error}") from error


def _relative(path: Path, outdir: Path) -> str:
    return path.relative_to(outdir).as_posix()


def _displayName(source: Path) -> str:
    # A non-UTF-8 name (surrogate-escaped) still makes a page that can be written.
    return source.name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _size(count: int) -> str:
    if count < 1_000_000:
        return f"{max(1, round(count / 1000))} kB"
    return f"{count / 1e6:.1f} MB"


def _page(title: str, renditions: list[Rendition]) -> str:
    """index.html: a page that plays the video, and links to every file."""
    def attr(value: str) -> str:
        return html.escape(value, quote=True)

    videos = [r for r in renditions if r.kind == "video"]
    poster = next((r for r in renditions if r.kind == "poster"), None)
    strip = next((r for r in renditions if r.kind == "thumbnails"), None)
    master = next((r for r in renditions if r.kind == "playlist" and r.name == "hls"), None)
    mp4s = [r for r in videos if r.format == "mp4"]
    webms = [r for r in videos if r.format == "webm"]
    top = mp4s[0] if mp4s else None
    size = f' width="{top.width}" height="{top.height}"' if top else ""
    lines = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             f"<title>{html.escape(title)}</title>",
             "<style>body{font-family:sans-serif;margin:1em}"
             "video,img{max-width:100%;height:auto}</style>",
             "</head>", "<body>", f"<h1>{html.escape(title)}</h1>",
             "<video controls" + (f' poster="{attr(_uri(poster.path))}"' if poster else "")
             + f' preload="metadata"{size}>']
    for rendition in mp4s + webms:
        codecs = rendition.extra.get("codecs")
        kind = f"video/{rendition.format}" + (f'; codecs="{codecs}"' if codecs else "")
        lines.append(f'<source src="{attr(_uri(rendition.path))}" type="{attr(kind)}">')
    if top:
        lines.append(f'<p>This browser cannot play the video: <a href="{attr(_uri(top.path))}">'
                     "download it</a>.</p>")
    lines.append("</video>")
    if strip:
        lines.append(f'<p><img src="{attr(_uri(strip.path))}" alt="thumbnails"'
                     f' width="{strip.width}" height="{strip.height}"></p>')
    lines.append("<ul>")
    for rendition in videos:
        lines.append(f'<li><a href="{attr(_uri(rendition.path))}">{html.escape(rendition.path)}'
                     f"</a> {rendition.width}x{rendition.height}, "
                     f"{_size(rendition.bytes)}</li>")
    if master:
        lines.append(f'<li><a href="{attr(_uri(master.path))}">HLS</a> (adaptive streaming)</li>')
    lines += ["</ul>", "</body>", "</html>", ""]
    return "\n".join(lines)


def _master(variants: list[tuple[Rendition, str]], frameRate: float | None) -> str:
    lines = ["#EXTM3U", "#EXT-X-VERSION:6", "#EXT-X-INDEPENDENT-SEGMENTS"]
    for rendition, uri in variants:
        extra = rendition.extra
        attributes = [f"BANDWIDTH={extra['bandwidth']}",
                      f"AVERAGE-BANDWIDTH={extra['average_bandwidth']}",
                      f"RESOLUTION={rendition.width}x{rendition.height}",
                      f'CODECS="{extra["codecs"]}"']
        if frameRate:
            attributes.append(f"FRAME-RATE={frameRate:.3f}")
        lines += ["#EXT-X-STREAM-INF:" + ",".join(attributes), uri]
    return "\n".join(lines) + "\n"


def transcode(source: Path, outdir: Path, settings: VideoSettings,
              progress: Progress = noProgress) -> ItemResult:
    """transcode(source, outdir, settings[, progress]) -> ItemResult of kind ``"video"``.

    Makes the files the module docstring lists in ``outdir`` (an existing,
    empty folder) and returns them as renditions: ``"video"`` (MP4s and the
    WebM; ``extra`` has ``video_codec``, ``audio_codec`` and ``codecs``),
    ``"playlist"`` (each rung's HLS playlist, then ``hls/master.m3u8``),
    ``"poster"``, ``"thumbnails"`` (``extra``: ``frames``, ``tile_width``)
    and ``"html"``. ``info`` is :func:`probe`'s facts. Raises
    :class:`Refused` for a source it cannot use, other errors for its own
    failures (see the module docstring).
    """
    source, outdir = Path(os.path.abspath(source)), Path(os.path.abspath(outdir))
    progress("probe", 0.0)
    facts = probe(source, settings)
    rungs = plan(facts, settings)
    steps = commands(source, outdir, facts, rungs, settings)
    total = sum(step.weight for step in steps) or 1.0
    done = 0.0
    result = ItemResult(kind="video", info=dict(facts))
    variants: list[tuple[Rendition, str]] = []
    for step in steps:
        step.cwd.mkdir(parents=True, exist_ok=True)
        progress(step.name, done / total)
        errors, written = _run(step, settings, progress, done, total)
        done += step.weight
        output = step.outputs[0]
        path = _relative(output, outdir)
        if step.kind in ("mp4", "webm"):
            rendition = _knownVideo(step, output, path, written, facts, errors) or \
                _probedVideo(step, output, path, settings, outdir, facts, errors)
            result.renditions.append(rendition)
        elif step.kind == "hls":
            assert step.rung is not None
            segments = parsePlaylist(output.read_text("utf-8", "replace"))
            sizes = [(seconds, (step.cwd / uri).stat().st_size) for seconds, uri in segments]
            length = sum(seconds for seconds, _ in sizes)
            if not sizes or length <= 0:
                raise RuntimeError(f"ffmpeg wrote an empty playlist making {step.name}")
            mp4 = next(r for r in result.renditions
                       if r.kind == "video" and r.path == f"{step.rung.name}.mp4")
            rendition = Rendition(
                name=step.name.replace(" ", "-"), path=path, kind="playlist", format="m3u8",
                width=mp4.width, height=mp4.height, duration=round(length, 3),
                bytes=output.stat().st_size,
                extra={"segments": len(sizes), "segment_bytes": sum(n for _, n in sizes),
                       # HLS's BANDWIDTH is the peak rate of any one segment.
                       "bandwidth": int(max(n * 8 / max(s, 0.1) for s, n in sizes)),
                       "average_bandwidth": int(sum(n for _, n in sizes) * 8 / length),
                       "codecs": mp4.extra["codecs"]})
            result.renditions.append(rendition)
            variants.append((rendition, f"{_uri(step.rung.name)}/index.m3u8"))
        else:
            width, height = _jpegSize(output, step.name)
            extra = {"frames": step.extra["frames"], "tile_width": step.extra["tile_width"]} \
                if step.kind == "thumbnails" else {}
            result.renditions.append(Rendition(
                name=step.name, path=path, kind=step.kind, format="jpeg", width=width,
                height=height, bytes=output.stat().st_size, extra=extra))
    if variants:
        master = outdir / "hls" / "master.m3u8"
        master.write_text(_master(variants, facts.get("frame_rate")), "utf-8")
        top = variants[0][0]
        result.renditions.append(Rendition(
            name="hls", path=_relative(master, outdir), kind="playlist", format="m3u8",
            width=top.width, height=top.height, duration=top.duration,
            bytes=master.stat().st_size, extra={"variants": len(variants)}))
    page = outdir / "index.html"
    page.write_text(_page(_displayName(source), result.renditions), "utf-8")
    result.renditions.append(Rendition(name="index", path="index.html", kind="html",
                                       format="html", bytes=page.stat().st_size))
    progress("done", 1.0)
    return result
