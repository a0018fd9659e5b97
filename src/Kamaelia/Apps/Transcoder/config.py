"""Kamaelia.Apps.Transcoder.config: the transcoder's settings and their defaults.

Example Usage
-------------
::

    from Kamaelia.Apps.Transcoder.config import ImageSettings, VideoSettings

    images = ImageSettings()
    print(images.sizes["large"], images.squares)    # 626 {'microthumb': 40, 'nanothumb': 18}
    video = VideoSettings(ladder={"720p": 720, "360p": 360}, hls=True)
    print(video.ladder)                             # {'720p': 720, '360p': 360}

    try:
        ImageSettings(jpeg_quality=300)
    except ConfigError as error:                    # a ValueError
        print(error)        # image.jpeg_quality = 300: must be a whole number from 1 to 100

One dataclass per kind of media (:class:`ImageSettings`,
:class:`VideoSettings`, :class:`PdfSettings`); each checks its values when
made and raises :class:`ConfigError` naming the key and the bad value.
The defaults are 1.14's BatchFileProcessor's sizes, WebP beside JPEG, and
an H.264 ladder of 1080p/720p/360p.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from typing import Any

__all__ = ["ConfigError", "ImageSettings", "VideoSettings", "PdfSettings", "TranscoderConfig",
           "loadConfig", "DEFAULT_IMAGE_SIZES", "DEFAULT_SQUARES", "DEFAULT_QUEUES",
           "DEFAULT_MODERATION", "KINDS", "LEGACY_KEYS"]


class ConfigError(ValueError):
    """A setting with a bad value: the message names the key and the value."""


def _wholeNumber(section: str, key: str, value: Any, low: int, high: int | None) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < low or (
            high is not None and value > high):
        limit = f"from {low} to {high}" if high is not None else f"of at least {low}"
        raise ConfigError(f"{section}.{key} = {value!r}: must be a whole number {limit}")


def _namedSizes(section: str, key: str, value: Any, low: int = 1) -> dict[str, int]:
    if not isinstance(value, dict):
        raise ConfigError(f"{section}.{key} = {value!r}: must be a table of name = pixels")
    for name, pixels in value.items():
        if not isinstance(name, str) or not name or "/" in name or name.startswith("."):
            raise ConfigError(f"{section}.{key}: {name!r} is not a usable file name")
        _wholeNumber(section, f"{key}.{name}", pixels, low, 65535)
    return dict(value)


def _choice(section: str, key: str, value: Any, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise ConfigError(f"{section}.{key} = {value!r}: must be one of "
                          + ", ".join(repr(choice) for choice in allowed))


def _formats(section: str, value: Any, allowed: tuple[str, ...]) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, (list, tuple)):
        raise ConfigError(f"{section}.formats = {value!r}: must be a list of "
                          + ", ".join(repr(choice) for choice in allowed))
    if not value:
        raise ConfigError(f"{section}.formats = []: name at least one of "
                          + ", ".join(repr(choice) for choice in allowed))
    for name in value:
        _choice(section, "formats", name, allowed)
    return tuple(value)


def _flags(section: str, instance: Any) -> None:
    for item in fields(instance):
        if item.type in ("bool", bool) and not isinstance(getattr(instance, item.name), bool):
            raise ConfigError(f"{section}.{item.name} = {getattr(instance, item.name)!r}: "
                              "must be true or false")


#: 1.14's BatchFileProcessor's widths, by its names.
DEFAULT_IMAGE_SIZES = {"large": 626, "normal": 466, "medium": 306, "thumb": 146, "minithumb": 66}
#: 1.14's square crops: its "microthumb" was 40 px, its "nanothumb" 18 px.
DEFAULT_SQUARES = {"microthumb": 40, "nanothumb": 18}


@dataclass
class ImageSettings:
    """How images are made.

    ``sizes``: name -> width (never enlarged: a smaller source keeps its
    width); ``squares``: name -> side of a centred square crop.
    ``formats``: any of ``"jpeg"``, ``"webp"``, ``"avif"`` (AVIF is skipped,
    and noted in the manifest, where Pillow cannot write it).
    ``strip_metadata``: drop EXIF/XMP/comments (orientation is applied to
    the pixels either way). ``max_pixels``: larger images are refused as
    decompression bombs. ``animated``: ``"keep"`` (an animated GIF/WebP keeps
    its frames) or ``"mp4"`` (it becomes an H.264 MP4 as well).
    """

    sizes: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_IMAGE_SIZES))
    squares: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_SQUARES))
    formats: tuple[str, ...] = ("jpeg", "webp", "avif")
    jpeg_quality: int = 85
    webp_quality: int = 80
    avif_quality: int = 60
    strip_metadata: bool = True
    max_pixels: int = 90_000_000
    animated: str = "keep"

    def __post_init__(self) -> None:
        self.sizes = _namedSizes("image", "sizes", self.sizes)
        self.squares = _namedSizes("image", "squares", self.squares)
        both = sorted(set(self.sizes) & set(self.squares))
        if both:
            raise ConfigError(f"image.sizes and image.squares both name {both[0]!r}: "
                              "each name is a file, so they must differ")
        if not self.sizes and not self.squares:
            raise ConfigError("image.sizes = {} and image.squares = {}: name at least one")
        self.formats = _formats("image", self.formats, ("jpeg", "webp", "avif"))
        for key in ("jpeg_quality", "webp_quality", "avif_quality"):
            _wholeNumber("image", key, getattr(self, key), 1, 100)
        _wholeNumber("image", "max_pixels", self.max_pixels, 1, None)
        _choice("image", "animated", self.animated, ("keep", "mp4"))
        _flags("image", self)


@dataclass
class VideoSettings:
    """How videos are made.

    ``ladder``: name -> height of each H.264/AAC MP4 (``+faststart``); rungs
    taller than the source are left out (never upscaled); when none fits,
    one rung is made at the source's own size, named after its short side
    (a 426x240 source gets ``"240p"``). For a portrait source the heights
    apply to the short side (its width).
    ``crf``/``preset``: x264's quality and speed. ``webm``: a VP9/Opus WebM of
    the top rung too. ``hls``: HLS segments of every rung and a master
    playlist. ``poster_at``: where the poster frame is taken, as a fraction
    of the duration. ``thumbnails``: frames in the thumbnail strip (0: none),
    each ``thumbnail_width`` wide. ``threads``: threads per ffmpeg (0: the
    job runner decides from the cores and the number of workers).
    """

    ladder: dict[str, int] = field(default_factory=lambda: {"1080p": 1080, "720p": 720,
                                                            "360p": 360})
    crf: int = 23
    preset: str = "veryfast"
    audio_bitrate: str = "128k"
    webm: bool = False
    hls: bool = False
    hls_segment_seconds: int = 4
    poster_at: float = 0.1
    poster_width: int = 1280
    thumbnails: int = 10
    thumbnail_width: int = 160
    threads: int = 0
    ffmpeg: str = "ffmpeg"
    ffprobe: str = "ffprobe"

    def __post_init__(self) -> None:
        self.ladder = _namedSizes("video", "ladder", self.ladder, low=16)
        if not self.ladder:
            raise ConfigError("video.ladder = {}: name at least one rung, e.g. {720p = 720}")
        _wholeNumber("video", "crf", self.crf, 0, 51)
        _choice("video", "preset", self.preset,
                ("ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow",
                 "slower", "veryslow"))
        if not (isinstance(self.audio_bitrate, str) and self.audio_bitrate[:-1].isdigit()
                and self.audio_bitrate[-1] in "kK"):
            raise ConfigError(f"video.audio_bitrate = {self.audio_bitrate!r}: "
                              "must look like '128k'")
        _wholeNumber("video", "hls_segment_seconds", self.hls_segment_seconds, 1, 60)
        if (isinstance(self.poster_at, bool) or not isinstance(self.poster_at, (int, float))
                or not 0 <= self.poster_at < 1):
            raise ConfigError(f"video.poster_at = {self.poster_at!r}: must be a fraction "
                              "from 0 up to (not including) 1")
        self.poster_at = float(self.poster_at)
        _wholeNumber("video", "poster_width", self.poster_width, 16, 8192)
        _wholeNumber("video", "thumbnails", self.thumbnails, 0, 100)
        _wholeNumber("video", "thumbnail_width", self.thumbnail_width, 16, 1024)
        _wholeNumber("video", "threads", self.threads, 0, 64)
        for key in ("ffmpeg", "ffprobe"):
            if not isinstance(getattr(self, key), str) or not getattr(self, key):
                raise ConfigError(f"video.{key} = {getattr(self, key)!r}: must name a program")
        _flags("video", self)


@dataclass
class PdfSettings:
    """How PDFs are made.

    ``sizes``: name -> width of each page image (JPEG and WebP, as
    ``formats`` says); ``poster_width``: the first page's poster;
    ``max_pages``: pages beyond this get no images (the count and the text
    still cover them); ``text``: extract the text of every page for search.
    """

    sizes: dict[str, int] = field(default_factory=lambda: {"large": 1240, "medium": 626,
                                                           "thumb": 146})
    formats: tuple[str, ...] = ("jpeg", "webp")
    jpeg_quality: int = 85
    webp_quality: int = 80
    poster_width: int = 626
    max_pages: int = 200
    text: bool = True

    def __post_init__(self) -> None:
        self.sizes = _namedSizes("pdf", "sizes", self.sizes)
        self.formats = _formats("pdf", self.formats, ("jpeg", "webp"))
        for key in ("jpeg_quality", "webp_quality"):
            _wholeNumber("pdf", key, getattr(self, key), 1, 100)
        _wholeNumber("pdf", "poster_width", self.poster_width, 16, 8192)
        _wholeNumber("pdf", "max_pages", self.max_pages, 1, None)
        _flags("pdf", self)


# ------------------------------------------------------------- the whole app

#: Where each kind of source waits, relative to the output folder (1.14's
#: ``image_queue``/``video_queue`` were below the incoming folder; ours are
#: below the output folder, so that the incoming folder holds only uploads).
DEFAULT_QUEUES = {"image": "queue/images", "video": "queue/videos", "pdf": "queue/documents"}
#: Where each kind's items are made (1.14's ``*_moderation_queue``).
DEFAULT_MODERATION = {"image": "moderate/images", "video": "moderate/videos",
                      "pdf": "moderate/documents"}
KINDS = ("image", "video", "pdf")


@dataclass
class TranscoderConfig:
    """Everything ``kamaelia transcode`` needs; see ``docs/apps/transcoder.md``.

    ``incoming``: the folders watched for uploads; ``output``: the folder
    that holds the type queues, the moderation folders, ``done/``,
    ``failed/``, the state file and the results page. ``queues`` and
    ``moderation`` (kind -> folder) are relative to ``output`` unless
    absolute. ``workers``: processes in the pool (None: one per core);
    ``dask``: a scheduler address, ``"local"`` for a LocalCluster, or None
    for the local pool. ``settle``: seconds a file must stay unchanged to
    count as complete. ``include``/``exclude``: name patterns of the
    uploads to take (others are left where they are).
    """

    incoming: list[str] = field(default_factory=lambda: ["uploads"])
    output: str = "transcoded"
    queues: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_QUEUES))
    moderation: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_MODERATION))
    done: str = "done"
    failed: str = "failed"
    workers: int | None = None
    dask: str | None = None
    settle: float = 1.0
    include: list[str] | None = None
    exclude: list[str] = field(default_factory=lambda: [".*", "*.part", "*.tmp", "*~"])
    image: ImageSettings = field(default_factory=ImageSettings)
    video: VideoSettings = field(default_factory=VideoSettings)
    pdf: PdfSettings = field(default_factory=PdfSettings)

    def __post_init__(self) -> None:
        if isinstance(self.incoming, str):
            self.incoming = [self.incoming]
        if not isinstance(self.incoming, list) or not self.incoming or not all(
                isinstance(folder, str) and folder for folder in self.incoming):
            raise ConfigError(f"incoming = {self.incoming!r}: must name one or more folders")
        if not isinstance(self.output, str) or not self.output:
            raise ConfigError(f"output = {self.output!r}: must name a folder")
        for key in ("queues", "moderation"):
            table = getattr(self, key)
            if not isinstance(table, dict) or set(table) - set(KINDS) or not all(
                    isinstance(folder, str) and folder for folder in table.values()):
                raise ConfigError(f"{key} = {table!r}: a table of image/video/pdf = folder")
            merged = dict((DEFAULT_QUEUES if key == "queues" else DEFAULT_MODERATION))
            merged.update(table)
            setattr(self, key, merged)
        for key in ("done", "failed"):
            if not isinstance(getattr(self, key), str) or not getattr(self, key):
                raise ConfigError(f"{key} = {getattr(self, key)!r}: must name a folder")
        if self.workers is not None:
            _wholeNumber("transcoder", "workers", self.workers, 1, 1024)
        if self.dask is not None and (not isinstance(self.dask, str) or not (
                self.dask == "local" or "://" in self.dask)):
            raise ConfigError(f"dask = {self.dask!r}: must be 'local' or a scheduler address "
                              "such as 'tcp://scheduler:8786'")
        if (isinstance(self.settle, bool) or not isinstance(self.settle, (int, float))
                or not 0 <= self.settle <= 3600):
            raise ConfigError(f"settle = {self.settle!r}: must be seconds from 0 to 3600")
        for key in ("include", "exclude"):
            value = getattr(self, key)
            if value is not None and (not isinstance(value, list)
                                      or not all(isinstance(p, str) for p in value)):
                raise ConfigError(f"{key} = {value!r}: must be a list of name patterns")
        for key, kind in (("image", ImageSettings), ("video", VideoSettings),
                          ("pdf", PdfSettings)):
            value = getattr(self, key)
            if isinstance(value, dict):
                setattr(self, key, _section(key, kind, value))
            elif not isinstance(value, kind):
                raise ConfigError(f"{key} = {value!r}: must be a table of {key} settings")

    def folder(self, relative: str) -> str:
        """``relative`` (a setting's folder) as a path: below ``output`` unless absolute."""
        return relative if os.path.isabs(relative) else os.path.join(self.output, relative)


def _section(name: str, kind: type, table: dict[str, Any]) -> Any:
    known = {item.name for item in fields(kind)}
    unknown = sorted(set(table) - known)
    if unknown:
        raise ConfigError(f"[{name}] has no setting {unknown[0]!r}; the settings are "
                          + ", ".join(sorted(known)))
    values = dict(table)
    if "formats" in values and isinstance(values["formats"], list):
        values["formats"] = tuple(values["formats"])
    return kind(**values)


#: 1.14's BatchFileProcessor configuration keys (``/etc/batch_converter.conf``,
#: one ``key value`` per line) and the settings they stand for.
LEGACY_KEYS = {"main_incoming_queue": ("incoming", None),
               "image_queue": ("queues", "image"), "video_queue": ("queues", "video"),
               "image_moderation_queue": ("moderation", "image"),
               "video_moderation_queue": ("moderation", "video")}


def loadConfig(path: str | None = None, **overrides: Any) -> TranscoderConfig:
    """The settings in the file ``path`` (TOML, or 1.14's ``key value`` lines
    when the name does not end ``.toml``), with ``overrides`` (keyword
    settings, e.g. from the command line) on top; the defaults without a file.
    A bad file or value raises :class:`ConfigError` naming the file and key."""
    values: dict[str, Any] = {}
    if path is not None:
        try:
            with open(path, "rb") as file:
                data = file.read()
        except OSError as exc:
            raise ConfigError(f"cannot read the configuration {path!r}: "
                              f"{exc.strerror or exc}") from None
        values = _readToml(path, data) if path.endswith(".toml") else _readLegacy(path, data)
    values.update({key: value for key, value in overrides.items() if value is not None})
    known = {item.name for item in fields(TranscoderConfig)}
    unknown = sorted(set(values) - known)
    if unknown:
        raise ConfigError(f"{path or 'the settings'}: no setting {unknown[0]!r}; the "
                          "settings are " + ", ".join(sorted(known)))
    try:
        return TranscoderConfig(**values)
    except ConfigError as error:
        raise ConfigError(f"{path}: {error}" if path else str(error)) from None


def _readToml(path: str, data: bytes) -> dict[str, Any]:
    import tomllib
    try:
        return tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None


def _readLegacy(path: str, data: bytes) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for number, raw in enumerate(data.decode("utf-8", "replace").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        words = line.split(None, 1)
        if len(words) != 2 or words[0] not in LEGACY_KEYS:
            raise ConfigError(f"{path}, line {number}: {raw!r} is not one of 1.14's "
                              "'key value' lines (" + ", ".join(LEGACY_KEYS) + ")")
        key, which = LEGACY_KEYS[words[0]]
        if which is None:
            values[key] = [words[1]]
        else:
            values.setdefault(key, {})[which] = words[1]
    return values
